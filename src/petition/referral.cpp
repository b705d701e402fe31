// Referral helpers (转办): a petition and a loop item linked by events on both sides in one
// batch — the item's creating command names the petition(s) and holds their evaluation
// (LoopHost::hold_petition), and each petition's answer (resolve) names the item. Loops reach
// each other only through the host, so these helpers live beside the Engine, not in a loop.
#include <span>
#include <string>

#include "boost/json.hpp"
#include "common/strings.hpp"
#include "jiceng/deliberation.hpp"
#include "jiceng/mediation.hpp"

namespace jiceng {
namespace json = boost::json;
namespace {

// Runs `event` of `loop` with `payload`, then resolves every petition with the answer
// `answer(item display id)`; all in one batch, so a refusal of any changes nothing.
template <typename Answer>
absl::StatusOr<LoopOutcome> refer(Engine& engine, const Actor& actor, std::string_view loop, std::string_view event,
                                  const std::string& payload, std::span<const PetitionId> petitions, Timestamp now,
                                  Answer answer) {
  LoopOutcome out;
  const absl::Status done = engine.batch([&](Engine& e) -> absl::Status {
    LoopCommand c;
    c.event = event;
    c.payload = payload;
    c.actor = actor;
    c.now = now;
    JICENG_ASSIGN_OR_RETURN(out, e.command(loop, c));
    JICENG_ASSIGN_OR_RETURN(const std::string got, e.query(loop, "get", internal::cat("{\"item\":", out.item, "}")));
    const json::string& id = json::parse(got).as_object().at("id").as_string();
    const std::string text = answer(std::string_view(id.data(), id.size()));
    for (PetitionId p : petitions) JICENG_RETURN_IF_ERROR(e.resolve(actor, p, text, now));
    return absl::OkStatus();
  });
  if (!done.ok()) return done;
  // The outcome's seq is the command's; the answers came after it.
  return out;
}

absl::StatusOr<json::object> payload_object(std::string_view where, std::string_view payload,
                                            std::initializer_list<std::string_view> taken) {
  json::error_code ec;
  json::value v = json::parse(json::string_view(payload.data(), payload.size()), ec);
  if (ec || !v.is_object()) return absl::InvalidArgumentError(internal::cat(where, ": the payload must be a JSON object"));
  for (std::string_view f : taken) {
    if (v.as_object().contains(json::string_view(f.data(), f.size()))) {
      return absl::InvalidArgumentError(internal::cat(where, ": the payload must not name ", f, " (the helper adds it)"));
    }
  }
  return std::move(v.as_object());
}

}  // namespace

absl::StatusOr<LoopOutcome> refer_petition_to_mediation(Engine& engine, const Actor& actor, PetitionId petition,
                                                        std::string_view case_payload, Timestamp now) {
  const std::string where = internal::cat("mediation refer ", Engine::display_id(petition));
  // The refer command checks the petition's state and category itself (through the host);
  // the batch turns its refusal into this call's.
  JICENG_ASSIGN_OR_RETURN(PetitionView view, engine.get(petition));
  JICENG_ASSIGN_OR_RETURN(json::object p, payload_object(where, case_payload, {"petition", "category"}));
  p["petition"] = view.display_id;
  p["category"] = view.category;
  const PetitionId one[] = {petition};
  return refer(engine, actor, kMediationLoop, "refer", json::serialize(p), one, now, [](std::string_view id) {
    return internal::cat("已转人民调解委员会调解（调解案件 ", id, "）; referred to people's mediation, case ", id);
  });
}

absl::StatusOr<LoopOutcome> refer_petitions_to_matter(Engine& engine, const Actor& actor,
                                                      std::span<const PetitionId> petitions,
                                                      std::string_view matter_payload, Timestamp now) {
  const std::string where = "deliberation raise";
  if (petitions.empty()) return absl::InvalidArgumentError(internal::cat(where, ": name at least one petition"));
  JICENG_ASSIGN_OR_RETURN(json::object p, payload_object(where, matter_payload, {"petitions"}));
  json::array ids;
  for (PetitionId id : petitions) ids.emplace_back(Engine::display_id(id));
  p["petitions"] = std::move(ids);
  return refer(engine, actor, kDeliberationLoop, "raise", json::serialize(p), petitions, now, [](std::string_view id) {
    return internal::cat("已提交居民议事（议事事项 ", id, "），议定办结后回访评价; referred to deliberation, matter ", id);
  });
}

}  // namespace jiceng
