// The escalation ladder as data (督办阶梯, issue 23): rungs measured from the dispatch or
// from the deadline, each firing one automatic event of the clock, across the 2026 Spring
// Festival (holiday Feb 15–23, make-up working days Sat Feb 14 and Sat Feb 28).
#include <algorithm>
#include <utility>
#include <vector>

#include "common/strings.hpp"
#include "jiceng/policy.hpp"
#include "petition/fixture.hpp"

namespace jiceng::testing {
namespace {

std::string ladder_policy(std::string_view rungs, std::string_view name = "ladder-test") {
  return internal::cat(R"({"name": ")", name, R"(", "extends": "national", "rules": [
    {"id": "petition.escalation_ladder", "severity": "info", "params": {"rungs": )",
                       rungs, R"(},
     "message_zh": "督办阶梯", "message_en": "escalation ladder", "source": "test"}]})");
}

// Warn 3 working days after the dispatch; reassign 1 working day after the deadline.
constexpr std::string_view kRungs =
    R"([{"after_dispatch": "3wd", "level": 1, "action": "warn"},
        {"after_due": "1wd", "level": 2, "action": "reassign"}])";

TEST(EscalationLadder, RungsFireAtTheirBoundariesAcrossTheHoliday) {
  auto e = make_engine();
  ASSERT_TRUE(e->set_policy(ladder_policy(kRungs), at(2026, 2, 1)).ok());
  // A: dispatched Thu Feb 12 10:00 and signed; 3 wd after the dispatch = Fri 13, Sat 14
  // (make-up), Tue 24 → warned Tue Feb 24 17:30; resolve deadline Thu Feb 26 17:30.
  auto a = *e->submit(resident(), submission(), at(2026, 2, 12, 8));
  ASSERT_TRUE(e->accept(grid_worker(), a, at(2026, 2, 12, 9)).ok());
  ASSERT_TRUE(e->dispatch(community_staff(), a, "", false, at(2026, 2, 12, 10)).ok());
  ASSERT_TRUE(e->sign(grid_worker(), a, at(2026, 2, 12, 11)).ok());
  // B: dispatched Fri Feb 13 and never signed: the sign deadline is the make-up Saturday
  // Feb 14 17:30; 1 wd after it, past the holiday, is Tue Feb 24 17:30 → reassigned.
  auto b = *e->submit(resident("r2"), submission("noise", kHousehold, "r2"), at(2026, 2, 13, 8));
  ASSERT_TRUE(e->accept(grid_worker(), b, at(2026, 2, 13, 8, 30)).ok());
  ASSERT_TRUE(e->dispatch(community_staff(), b, "", false, at(2026, 2, 13, 9)).ok());
  EXPECT_EQ(e->get(b)->due_at, at(2026, 2, 14, 17, 30));

  auto tick = [&](Timestamp t) {
    auto rep = e->tick(t);
    EXPECT_TRUE(rep.ok()) << rep.status();
    EXPECT_EQ(check_invariants(*e, t), "");
    return *rep;
  };
  EXPECT_EQ(tick(at(2026, 2, 14, 17, 30)).overdue, 1u);
  EXPECT_TRUE(e->get(b)->overdue);
  for (int d = 15; d <= 23; ++d) EXPECT_EQ(tick(at(2026, 2, d, 18)).events, 0u) << "holiday Feb " << d;
  // One second before both boundaries: nothing.
  EXPECT_EQ(tick(at(2026, 2, 24, 17, 30) - 1).events, 0u);
  EXPECT_EQ(e->get(a)->urges, 0);
  EXPECT_EQ(e->get(b)->escalations, 0);
  // At the boundaries: A warned where it is, B reassigned one level up.
  const auto rep = tick(at(2026, 2, 24, 17, 30));
  EXPECT_EQ(rep.urged, 1u);
  EXPECT_EQ(rep.escalated, 1u);
  auto va = *e->get(a);
  EXPECT_EQ(va.urges, 1);
  EXPECT_EQ(va.ladder_level, 1);
  EXPECT_EQ(va.current_unit, kGrid) << "a warning does not move the petition";
  EXPECT_EQ(va.state, State::kInProgress);
  auto vb = *e->get(b);
  EXPECT_EQ(vb.escalations, 1);
  EXPECT_EQ(vb.ladder_level, 2);
  EXPECT_EQ(vb.current_unit, kCommunity);
  EXPECT_FALSE(vb.overdue);
  // Each firing is one automatic event of the system role naming its rung.
  const Event ua = e->history(a)->back();
  EXPECT_EQ(ua.type, EventType::kUrge);
  EXPECT_TRUE(ua.payload.automatic);
  EXPECT_EQ(ua.actor.role, Role::kSystem);
  EXPECT_EQ(ua.time, at(2026, 2, 24, 17, 30));
  EXPECT_NE(ua.payload.reason.find("rung 1 (level 1, warn): 3wd after_dispatch"), std::string::npos)
      << ua.payload.reason;
  const Event eb = e->history(b)->back();
  EXPECT_EQ(eb.type, EventType::kEscalate);
  EXPECT_TRUE(eb.payload.automatic);
  EXPECT_EQ(eb.payload.unit, kCommunity);
  EXPECT_NE(eb.payload.reason.find("rung 2 (level 2, reassign): 1wd after_due"), std::string::npos)
      << eb.payload.reason;
  // ladder_rung_of reads the rung back (what the demo's report counts per rung); events
  // that are not the clock's ladder events have none.
  EXPECT_EQ(ladder_rung_of(ua), 0);
  EXPECT_EQ(ladder_rung_of(eb), 1);
  EXPECT_EQ(ladder_rung_of(e->history(a)->front()), std::nullopt) << "submit";
  Event by_hand = ua;
  by_hand.payload.automatic = false;
  EXPECT_EQ(ladder_rung_of(by_hand), std::nullopt) << "a person's urge with the same words";
  Event other = ua;
  other.payload.reason = "escalation ladder rung 9 (level 1, warn): 1wd after_due";
  EXPECT_EQ(ladder_rung_of(other), std::nullopt) << "beyond kMaxLadderRungs";
  other.payload.reason = "escalation ladder rung 12";
  EXPECT_EQ(ladder_rung_of(other), std::nullopt);
  // B at the community: a new dispatch, so the warn rung counts again from Tue Feb 24
  // 17:30: Wed 25, Thu 26, Fri 27 → Fri Feb 27 17:30 (its sign deadline Wed Feb 25 passes first).
  EXPECT_EQ(tick(at(2026, 2, 25, 17, 30)).overdue, 1u);
  // The warning fires once per dispatch: not again before A's deadline.
  EXPECT_EQ(tick(at(2026, 2, 26, 17, 30) - 1).events, 0u);
  EXPECT_EQ(tick(at(2026, 2, 26, 17, 30)).overdue, 1u) << "A's resolve deadline";
  EXPECT_EQ(tick(at(2026, 2, 27, 17, 30) - 1).events, 0u);
  const auto rep2 = tick(at(2026, 2, 27, 17, 30));
  EXPECT_EQ(rep2.urged, 1u) << "B warned at the community";
  // A: 1 wd after its deadline = Fri Feb 27 17:30 too: reassigned to the community.
  EXPECT_EQ(rep2.escalated, 1u);
  EXPECT_EQ(e->get(a)->current_unit, kCommunity);
  EXPECT_EQ(e->get(a)->urges, 1);
  EXPECT_EQ(e->get(a)->ladder_level, 2);
  EXPECT_EQ(e->get(b)->urges, 1);
  EXPECT_EQ(e->get(b)->ladder_level, 2) << "the level reached stays the highest";
  // B at the community cannot climb above it (minor: 小事不出社区): the reassign rung waits.
  EXPECT_EQ(e->get(b)->current_unit, kCommunity);
  tick(at(2026, 6, 30));
  EXPECT_EQ(e->get(b)->current_unit, kCommunity);
  EXPECT_EQ(e->get(b)->escalations, 1);

  // Replay from the journal and restore from the snapshot: the same state.
  auto fresh = Engine::create("national");
  ASSERT_TRUE(fresh.ok());
  for (const Event& ev : e->events(1, 1 << 20)) {
    auto d = Engine::decode_event(Engine::encode_event(ev));
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE((*fresh)->apply_event(*d).ok()) << ev.seq << " " << to_string(ev.type);
    EXPECT_EQ(ladder_rung_of(*d), ladder_rung_of(ev)) << ev.seq;
  }
  EXPECT_EQ((*fresh)->snapshot(), e->snapshot());
  auto restored = *Engine::create("national");
  ASSERT_TRUE(restored->restore(e->snapshot()).ok());
  EXPECT_EQ(restored->snapshot(), e->snapshot());
  EXPECT_EQ(restored->get(b)->ladder_level, 2);
}

// One warning per deadline, and none at or before the moment the unit got the petition:
// a reassignment by the ladder keeps the petition in `dispatched`, so the moment it was
// reassigned — not when it first entered that state — bounds the warning for the new
// deadline. Before, a reassignment exactly one working day before the new sign deadline
// was warned at the same second (a second urge the community could not act on), while the
// same reassignment of a signed petition (which does change state) was not.
TEST(EscalationLadder, NoWarningAtTheMomentOfAReassignment) {
  auto run = [](std::string_view policy, bool sign) {
    auto e = make_engine();
    if (!policy.empty()) {
      EXPECT_TRUE(e->set_policy(policy, at(2026, 2, 1)).ok());
    }
    // Dispatched Fri Feb 13 09:00: sign deadline Sat Feb 14 17:30 (make-up working day).
    auto id = *e->submit(resident(), submission(), at(2026, 2, 13, 8));
    EXPECT_TRUE(e->accept(grid_worker(), id, at(2026, 2, 13, 8, 30)).ok());
    EXPECT_TRUE(e->dispatch(community_staff(), id, "", false, at(2026, 2, 13, 9)).ok());
    if (sign) {
      EXPECT_TRUE(e->sign(grid_worker(), id, at(2026, 2, 13, 10)).ok());
    }
    std::vector<std::pair<Timestamp, EventType>> fired;
    for (Timestamp t = at(2026, 2, 13, 10); t <= at(2026, 3, 10, 10); t += 30 * 60) {
      auto rep = e->tick(t);
      EXPECT_TRUE(rep.ok()) << rep.status();
      EXPECT_EQ(check_invariants(*e, t), "");
      if (rep->events == 0) continue;
      for (const Event& ev : e->events(e->last_seq() - rep->events + 1, rep->events)) fired.emplace_back(ev.time, ev.type);
    }
    return std::make_pair(fired, *e->get(id));
  };
  // National (warn 1wd before the deadline, reassign 1wd after it), never signed: warned
  // Fri 17:30 before the sign deadline, reassigned to the community Tue Feb 24 17:30 after
  // the holiday; the community's sign deadline is Wed Feb 25 17:30, whose warning moment is
  // the reassignment itself — void, as for a person's dispatch with the same limit.
  const auto [fired, v] = run("", false);
  const std::vector<std::pair<Timestamp, EventType>> want = {
      {at(2026, 2, 13, 17, 30), EventType::kUrge},
      {at(2026, 2, 14, 17, 30), EventType::kMarkOverdue},
      {at(2026, 2, 24, 17, 30), EventType::kEscalate},
      {at(2026, 2, 25, 17, 30), EventType::kMarkOverdue},
  };
  EXPECT_EQ(fired, want);
  EXPECT_EQ(v.urges, 1);
  EXPECT_EQ(v.escalations, 1);
  EXPECT_EQ(v.current_unit, kCommunity);
  // Signed at the grid (then in_progress): its resolve deadline is warned once, and its
  // reassignment to the community is not warned at that moment either.
  const auto [signed_fired, sv] = run("", true);
  std::size_t at_escalation = 0;
  Timestamp escalated = 0;
  for (const auto& [t, type] : signed_fired)
    if (type == EventType::kEscalate) escalated = t;
  ASSERT_NE(escalated, 0);
  for (const auto& [t, type] : signed_fired) at_escalation += t == escalated;
  EXPECT_EQ(at_escalation, 1u) << "only the escalation at its moment";
  // A warning for the new deadline that falls after the reassignment still fires, once:
  // 4 hours before the community's sign deadline (Wed Feb 25 13:30).
  const auto [hourly, hv] = run(ladder_policy(R"([{"before_due": "4h", "level": 1, "action": "warn"},
                                                  {"after_due": "1wd", "level": 2, "action": "reassign"}])"),
                                false);
  std::size_t community_warnings = 0;
  for (const auto& [t, type] : hourly) community_warnings += type == EventType::kUrge && t > at(2026, 2, 24, 17, 30);
  EXPECT_EQ(community_warnings, 1u);
  EXPECT_NE(std::find(hourly.begin(), hourly.end(), std::make_pair(at(2026, 2, 25, 13, 30), EventType::kUrge)),
            hourly.end());
}

TEST(EscalationLadder, TheLadderWritesTheRulesOnceForWakeAndTick) {
  // The rung fires at the wake-up time the engine files: a tick at each filed time fires it.
  auto e = make_engine();
  ASSERT_TRUE(e->set_policy(ladder_policy(R"([{"before_due": "2h", "level": 1, "action": "warn"},
      {"after_dispatch": "1h", "level": 1, "action": "warn"},
      {"after_due": "3h", "level": 3, "action": "reassign"}])"),
                            at(2026, 3, 1))
                  .ok());
  auto id = *e->submit(resident(), submission(), at(2026, 3, 2, 8));
  ASSERT_TRUE(e->accept(grid_worker(), id, at(2026, 3, 2, 9)).ok());
  ASSERT_TRUE(e->dispatch(community_staff(), id, "", false, at(2026, 3, 2, 10)).ok());
  // Sign deadline Tue Mar 3 17:30: the dispatch rung at 11:00, the warning at 15:30, overdue
  // at 17:30, the reassignment at 20:30.
  std::vector<std::pair<Timestamp, EventType>> fired;
  for (Timestamp t = at(2026, 3, 2, 10); t <= at(2026, 3, 4, 10); t += 60) {
    auto rep = e->tick(t);
    ASSERT_TRUE(rep.ok());
    if (rep->events > 0) fired.emplace_back(t, e->events(e->last_seq(), 1).front().type);
  }
  const std::vector<std::pair<Timestamp, EventType>> want = {
      {at(2026, 3, 2, 11), EventType::kUrge},
      {at(2026, 3, 3, 15, 30), EventType::kUrge},
      {at(2026, 3, 3, 17, 30), EventType::kMarkOverdue},
      {at(2026, 3, 3, 20, 30), EventType::kEscalate},
      {at(2026, 3, 3, 21, 30), EventType::kUrge},  // at the community: 1 h after that dispatch
  };
  EXPECT_EQ(fired, want);
  EXPECT_EQ(e->get(id)->ladder_level, 3);
}

TEST(EscalationLadder, TheDefaultLadderIsTheOldClock) {
  // A policy spelling out the ladder derived from the supervision timings behaves exactly as
  // the timings: the same events at the same times.
  auto run = [](std::string_view policy) {
    auto e = make_engine();
    if (!policy.empty()) {
      EXPECT_TRUE(e->set_policy(policy, at(2026, 1, 5)).ok());
    }
    for (int i = 0; i < 40; ++i) {
      const Timestamp t = at(2026, 1, 6 + i % 20, 8 + i % 9);
      auto p = submission(i % 3 == 0 ? "property" : "noise", i % 2 ? kHousehold : "H-C01B01-1201",
                          "r" + std::to_string(i));
      p.urgency = i % 5 == 0 ? Urgency::kUrgent : Urgency::kNormal;
      p.severity = i % 7 == 0 ? Severity::kMajor : Severity::kMinor;
      auto id = *e->submit(resident("r" + std::to_string(i)), p, t);
      EXPECT_TRUE(e->accept(street_officer(), id, t + 600).ok());
      EXPECT_TRUE(e->dispatch(street_officer(), id, "", false, t + 1200).ok());
      if (i % 4 == 1) {
        EXPECT_TRUE(e->sign(street_officer(), id, t + 1800).ok());
      }
    }
    for (Timestamp t = at(2026, 1, 6); t < at(2026, 3, 31); t += 5 * kHour) EXPECT_TRUE(e->tick(t).ok());
    std::vector<std::tuple<Timestamp, EventType, PetitionId, std::string>> out;
    for (const Event& ev : e->events(1, 1 << 20)) {
      if (ev.type != EventType::kSetPolicy) out.emplace_back(ev.time, ev.type, ev.petition, ev.payload.unit);
    }
    return out;
  };
  // The national set (its ladder: the 1wd / 1wd timings as rungs) against the same rungs
  // spelled out in a file; and timings of an older file against the ladder they make.
  const auto old_clock = run("");
  const auto spelled = run(ladder_policy(R"([{"before_due": "1wd", "level": 1, "action": "warn"},
                                              {"after_due": "1wd", "level": 2, "action": "reassign"}])"));
  const auto timings = run(R"({"name": "old-timings", "extends": "national", "rules": [
      {"id": "petition.escalation_ceiling", "params": {"supervision": {"urge_before_due": "2wd",
                                                                        "escalate_after_overdue": "3h"}}}]})");
  const auto timings_spelled = run(ladder_policy(R"([{"before_due": "2wd", "level": 1, "action": "warn"},
                                                      {"after_due": "3h", "level": 2, "action": "reassign"}])"));
  EXPECT_EQ(timings, timings_spelled);
  EXPECT_NE(timings, old_clock);
  ASSERT_FALSE(old_clock.empty());
  std::size_t urges = 0, escalations = 0;
  for (const auto& ev : old_clock) {
    urges += std::get<1>(ev) == EventType::kUrge;
    escalations += std::get<1>(ev) == EventType::kEscalate;
  }
  EXPECT_GT(urges, 0u);
  EXPECT_GT(escalations, 0u);
  ASSERT_EQ(spelled.size(), old_clock.size());
  for (std::size_t i = 0; i < old_clock.size(); ++i) EXPECT_EQ(old_clock[i], spelled[i]) << i;
  // The timings of an old file still make the ladder: no urge when urge_before_due is 0.
  auto set = PolicySet::from_json(R"({"name": "old", "extends": "national", "rules": [
      {"id": "petition.escalation_ceiling", "params": {"supervision": {"urge_before_due": "0wd"}}}]})",
                                  "old.json");
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(set->warnings().size(), 1u);
  EXPECT_NE(set->warnings()[0].find("the ladder is derived from them"), std::string::npos) << set->warnings()[0];
  auto pp = PetitionPolicy::from_policy_set(*set);
  ASSERT_TRUE(pp.ok());
  ASSERT_EQ(pp->escalation.ladder.size(), 1u);
  EXPECT_EQ(pp->escalation.ladder[0].action, RungAction::kReassign);
  EXPECT_EQ(pp->escalation.ladder[0].anchor, RungAnchor::kAfterDue);
}

TEST(EscalationLadder, AMalformedLadderIsRefusedAndChangesNothing) {
  auto e = make_engine();
  drive_to(*e, State::kInProgress, at(2026, 3, 2));
  const std::string snap = e->snapshot();
  const std::uint64_t seq = e->last_seq();
  const std::pair<std::string_view, std::string_view> bad[] = {
      {R"([{"after_dispatch": "1wd", "before_due": "1wd", "level": 1, "action": "warn"}])", "exactly one of"},
      {R"([{"level": 1, "action": "warn"}])", "exactly one of"},
      {R"([{"after_due": "0wd", "level": 1, "action": "warn"}])", "params.rungs[0].after_due"},
      {R"([{"after_due": "1wd", "level": 1, "action": "shout"}])", "params.rungs[0].action"},
      {R"([{"after_due": "1wd", "level": 0, "action": "warn"}])", "params.rungs[0].level"},
      {R"([{"after_due": "1xd", "level": 1, "action": "warn"}])", "params.rungs[0].after_due"},
      {R"([{"after_due":"1h","level":1,"action":"warn"},{"after_due":"2h","level":1,"action":"warn"},
          {"after_due":"3h","level":1,"action":"warn"},{"after_due":"4h","level":1,"action":"warn"},
          {"after_due":"5h","level":1,"action":"warn"},{"after_due":"6h","level":1,"action":"warn"},
          {"after_due":"7h","level":1,"action":"warn"},{"after_due":"8h","level":1,"action":"warn"},
          {"after_due":"9h","level":1,"action":"warn"}])",
       "at most 8 rungs"},
  };
  for (const auto& [rungs, what] : bad) {
    SCOPED_TRACE(rungs);
    const absl::Status st = e->set_policy(ladder_policy(rungs), at(2026, 3, 2, 12));
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
    const std::string msg(st.message());
    EXPECT_NE(msg.find("petition.escalation_ladder"), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
    EXPECT_EQ(e->snapshot(), snap);
    EXPECT_EQ(e->last_seq(), seq);
  }
}

}  // namespace
}  // namespace jiceng::testing
