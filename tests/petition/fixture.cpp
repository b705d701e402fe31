#include "petition/fixture.hpp"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/strings.hpp"

namespace jiceng::testing {

std::string sample_district() {
  std::ifstream in(std::string(JICENG_SOURCE_DIR) + "/data/sample-district.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::unique_ptr<Engine> make_engine(std::string_view policy) {
  auto e = Engine::create(policy);
  EXPECT_TRUE(e.ok()) << e.status();
  if (!e.ok()) return nullptr;
  auto st = (*e)->load_org(sample_district(), 0);
  EXPECT_TRUE(st.ok()) << st;
  return *std::move(e);
}

PetitionId drive_to(Engine& e, State target, Timestamp t0, std::string category) {
  Timestamp t = t0;
  auto next = [&t] { return t += kHour; };
  auto id = e.submit(resident(), submission(category), t);
  EXPECT_TRUE(id.ok()) << id.status();
  if (!id.ok()) return kNoPetition;
  auto ok = [](const absl::Status& s) { EXPECT_TRUE(s.ok()) << s; };
  if (target == State::kReceived) return *id;
  if (target == State::kWithdrawn) {
    ok(e.withdraw(resident(), *id, "solved myself", next()));
    return *id;
  }
  if (target == State::kMerged) {
    auto other = e.submit(resident("r2"), submission(category, kHousehold, "r2"), next());
    ok(other.status());
    ok(e.merge(grid_worker(), *id, *other, next()));
    return *id;
  }
  if (target == State::kRejected) {
    ok(e.reject(grid_worker(), *id, "not a public matter", next()));
    return *id;
  }
  ok(e.accept(grid_worker(), *id, next()));
  if (target == State::kAccepted) return *id;
  ok(e.dispatch(community_staff(), *id, "", false, next()));
  if (target == State::kDispatched) return *id;
  ok(e.sign(grid_worker(), *id, next()));
  if (target == State::kInProgress) return *id;
  ok(e.resolve(grid_worker(), *id, "construction hours agreed: 08:00-18:00", next()));
  if (target == State::kResolved) return *id;
  ok(e.evaluate(resident(), *id, Evaluation{true, false, Satisfaction::kUnsatisfied}, next()));
  return *id;
}

EventPayload payload_for(const Transition& row, PetitionId other) {
  EventPayload p;
  p.reason = "because";
  switch (row.event) {
    case EventType::kMerge:
      p.linked = other;
      break;
    case EventType::kRequestExtension:
      p.extension = Duration{2, TimeUnit::kWorkdays};
      break;
    case EventType::kEvaluate:
      p.evaluation = Evaluation{true, true, Satisfaction::kBasicallySatisfied};
      break;
    case EventType::kReopen:
      p.reopen_kind = ReopenKind::kReopen;
      break;
    default:
      break;
  }
  return p;
}

Actor actor_in_scope(Engine& e, Role role, PetitionId id, Scope scope) {
  if (role == Role::kResident) return resident();
  if (role == Role::kSystem) return system_actor();
  auto v = e.get(id);
  std::string unit = scope == Scope::kLocation ? v->location_unit : v->current_unit;
  if (scope == Scope::kStrictAncestor) unit = kCommunity;  // petitions of drive_to sit at the grid
  return staff(role, unit);
}

std::string check_invariants(const Engine& e, Timestamp now) {
  const EngineStats s = e.stats();
  std::size_t sum = 0, open = 0;
  for (int i = 0; i < kStateCount; ++i) {
    const auto ids = e.by_state(static_cast<State>(i));
    if (ids.size() != s.per_state[i]) return jiceng::internal::cat("per_state[", i, "] ", s.per_state[i], " vs ", ids.size());
    sum += ids.size();
    if (is_open(static_cast<State>(i))) open += ids.size();
  }
  if (sum != s.petitions) return jiceng::internal::cat("states add up to ", sum, ", petitions ", s.petitions);
  if (open != s.open) return jiceng::internal::cat("open ", s.open, " vs ", open);
  std::vector<int> seen(s.petitions + 1, 0);
  for (int i = 0; i < kStateCount; ++i)
    for (PetitionId id : e.by_state(static_cast<State>(i))) {
      if (++seen[id] > 1) return jiceng::internal::cat("petition ", id, " in two states");
    }
  std::uint64_t events = 0;
  for (PetitionId id = 1; id <= s.petitions; ++id) {
    auto v = e.get(id);
    if (!v.ok()) return jiceng::internal::cat("get ", id, ": ", v.status().ToString());
    if (v->due_at != kNoDeadline) {
      if (v->due_at <= v->submitted_at) return jiceng::internal::cat("petition ", id, " due before submission");
      const bool fresh = v->state == State::kReceived || v->state == State::kAccepted ||
                         v->state == State::kDispatched || v->state == State::kResolved;
      if (fresh && v->due_at <= v->stage_started_at)
        return jiceng::internal::cat("petition ", id, " due ", v->due_at, " not after its start ", v->stage_started_at);
    }
    if (!is_open(v->state) && v->state != State::kClosed && v->due_at != kNoDeadline)
      return jiceng::internal::cat("terminal petition ", id, " has a deadline");
    if (v->extension_granted > 0 && v->extensions == 0) return jiceng::internal::cat("petition ", id, " extension count");
    auto h = e.history(id);
    if (!h.ok() || h->empty() || h->front().type != EventType::kSubmit)
      return jiceng::internal::cat("petition ", id, " history does not start with submit");
    for (std::size_t k = 1; k < h->size(); ++k) {
      if ((*h)[k].seq <= (*h)[k - 1].seq || (*h)[k].time < (*h)[k - 1].time)
        return jiceng::internal::cat("petition ", id, " history out of order");
    }
    if (h->back().time > now) return jiceng::internal::cat("petition ", id, " has an event in the future");
    events += h->size();
  }
  if (events > s.events) return jiceng::internal::cat("petition events ", events, " > all events ", s.events);
  return "";
}

}  // namespace jiceng::testing
