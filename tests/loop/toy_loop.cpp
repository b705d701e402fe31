// The toy loop: a lamp per unit. `flip` creates it (on) and then turns it off and on.
// A note, when given, must be a short string; the action counts the flips.
#include "loop/toy_loop.hpp"

#include <mutex>

#include "common/strings.hpp"
#include "loop/table_loop.hpp"

namespace jiceng::toy {
namespace {

// Guard: an optional note of at most 200 bytes.
absl::Status note_valid(const LoopCall& c) {
  const auto* note = c.input.if_contains("note");
  if (note == nullptr) return absl::OkStatus();
  if (!note->is_string() || note->as_string().size() > 200) {
    return absl::InvalidArgumentError("toy flip: field \"note\" must be a string of at most 200 bytes");
  }
  return absl::OkStatus();
}

// Action: count the flip, keep the last note.
absl::Status count_flip(LoopCall& c) {
  auto& d = c.target->data;
  const auto* n = d.if_contains("flips");
  d["flips"] = (n ? n->as_int64() : 0) + 1;
  if (const auto* note = c.input.if_contains("note")) d["note"] = *note;
  return absl::OkStatus();
}

constexpr RoleMask kStaff = role_bit(Role::kGridWorker) | role_bit(Role::kCommunityStaff) |
                            role_bit(Role::kCommunitySecretary) | role_bit(Role::kStreetOfficer);

constexpr LoopState kStates[] = {{"off", "关"}, {"on", "开"}};
constexpr LoopEventType kEvents[] = {{"flip", "切换"}};
constexpr LoopRow kRows[] = {
    {"", "flip", "on", kStaff, LoopScope::kItemUnit, "note_valid", &note_valid, "count_flip", &count_flip},
    {"on", "flip", "off", kStaff, LoopScope::kItemUnit, "note_valid", &note_valid, "count_flip", &count_flip},
    {"off", "flip", "on", kStaff, LoopScope::kItemUnit, "note_valid", &note_valid, "count_flip", &count_flip},
};
constexpr LoopTable kTable{"toy", "玩具", "T", kStates, kEvents, kRows};

class ToyLoop final : public TableLoop {
 public:
  ToyLoop() : TableLoop(kTable) {}
};

}  // namespace

const LoopTable& table() { return kTable; }
std::unique_ptr<Loop> make() { return std::make_unique<ToyLoop>(); }
void register_once() {
  static std::once_flag once;
  std::call_once(once, [] { (void)register_loop(&make); });
}

}  // namespace jiceng::toy
