// The clock (跟踪督促): urge, overdue, escalation and automatic closing across the 2026
// Spring Festival (holiday Feb 15–23, make-up working days Sat Feb 14 and Sat Feb 28).
#include <random>

#include "petition/fixture.hpp"

namespace jiceng::testing {
namespace {

TEST(PetitionTick, SpringFestival2026) {
  auto e = make_engine();
  // Accepted Thu Feb 12: 5 working days = Fri 13, Sat 14 (make-up), Tue 24, Wed 25, Thu 26.
  auto id = *e->submit(resident(), submission(), at(2026, 2, 12, 8));
  ASSERT_TRUE(e->accept(grid_worker(), id, at(2026, 2, 12, 9)).ok());
  ASSERT_TRUE(e->dispatch(community_staff(), id, "", false, at(2026, 2, 12, 10)).ok());
  EXPECT_EQ(e->get(id)->due_at, at(2026, 2, 13, 17, 30)) << "sign within 1 wd";
  ASSERT_TRUE(e->sign(grid_worker(), id, at(2026, 2, 12, 11)).ok());
  EXPECT_EQ(e->get(id)->due_at, at(2026, 2, 26, 17, 30));

  // A second petition resolved on Fri Feb 13: evaluation due 2 wd later = Tue Feb 24.
  auto r = drive_to(*e, State::kResolved, at(2026, 2, 13, 8));
  EXPECT_EQ(e->get(r)->due_at, at(2026, 2, 24, 17, 30));

  auto tick = [&](Timestamp t) {
    auto rep = e->tick(t);
    EXPECT_TRUE(rep.ok()) << rep.status();
    EXPECT_EQ(check_invariants(*e, t), "");
    return *rep;
  };
  // Through the holiday nothing happens.
  for (int d = 14; d <= 23; ++d) EXPECT_EQ(tick(at(2026, 2, d, 12)).events, 0u) << "Feb " << d;
  // Urge one working day ahead of the deadline: Wed Feb 25 17:30.
  EXPECT_EQ(tick(at(2026, 2, 24, 17, 29)).events, 0u);
  auto rep = tick(at(2026, 2, 24, 17, 30));
  EXPECT_EQ(rep.closed, 1u) << "unevaluated item closes at the evaluation deadline";
  EXPECT_EQ(e->get(r)->state, State::kClosed);
  auto hr = e->history(r);
  EXPECT_TRUE(hr->back().payload.automatic);
  EXPECT_EQ(hr->back().actor.role, Role::kSystem);
  EXPECT_EQ(tick(at(2026, 2, 25, 17, 29)).events, 0u);
  rep = tick(at(2026, 2, 25, 17, 30));
  EXPECT_EQ(rep.urged, 1u);
  EXPECT_EQ(e->get(id)->urges, 1);
  EXPECT_EQ(tick(at(2026, 2, 26, 9)).events, 0u) << "urged once only";
  rep = tick(at(2026, 2, 26, 17, 30));
  EXPECT_EQ(rep.overdue, 1u);
  EXPECT_TRUE(e->get(id)->overdue);
  EXPECT_EQ(e->overdue(at(2026, 2, 26, 18)), std::vector<PetitionId>{id});
  // Escalation after the 1-wd grace: Fri Feb 27 17:30, to the community.
  EXPECT_EQ(tick(at(2026, 2, 27, 17, 29)).events, 0u);
  rep = tick(at(2026, 2, 27, 17, 30));
  EXPECT_EQ(rep.escalated, 1u);
  auto v = e->get(id);
  EXPECT_EQ(v->current_unit, kCommunity);
  EXPECT_EQ(v->state, State::kDispatched);
  EXPECT_FALSE(v->overdue);
  // New sign deadline: 1 wd after Fri Feb 27 is the make-up Saturday Feb 28.
  EXPECT_EQ(v->due_at, at(2026, 2, 28, 17, 30));
  // The ceiling for a minor matter is the community: it is marked overdue but never climbs.
  rep = tick(at(2026, 3, 31));
  EXPECT_EQ(rep.overdue, 1u);
  EXPECT_EQ(rep.escalated, 0u);
  EXPECT_EQ(e->get(id)->current_unit, kCommunity);
  EXPECT_EQ(tick(at(2026, 6, 30)).events, 0u);
  // Every automatic event in the history was issued by the system role.
  auto hist = e->history(id);
  ASSERT_TRUE(hist.ok());
  for (const auto& ev : *hist) {
    if (ev.payload.automatic) {
      EXPECT_EQ(ev.actor.role, Role::kSystem);
    }
  }
}

TEST(PetitionTick, MajorMattersClimbToTheStreetOnly) {
  auto e = make_engine();
  auto p = submission();
  p.severity = Severity::kMajor;
  auto id = *e->submit(resident(), p, at(2026, 3, 2, 8));
  ASSERT_TRUE(e->accept(grid_worker(), id, at(2026, 3, 2, 9)).ok());
  ASSERT_TRUE(e->dispatch(community_staff(), id, "", false, at(2026, 3, 2, 10)).ok());
  for (int day = 3; day <= 31; ++day) ASSERT_TRUE(e->tick(at(2026, 3, day, 20)).ok());
  auto v = e->get(id);
  EXPECT_EQ(v->current_unit, kStreet);
  EXPECT_EQ(v->escalations, 2);
}

TEST(PetitionTick, DeadlinesMatchTheCalendar) {
  // The engine's fast deadline path agrees with calendar::deadline_after everywhere.
  auto e = make_engine();
  const auto& cal = WorkCalendar::china();
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<Timestamp> when(at(2025, 1, 1), at(2026, 11, 30));
  for (int i = 0; i < 300; ++i) {
    const Timestamp t = when(rng);
    auto p = submission();
    p.urgency = i % 3 == 0 ? Urgency::kUrgent : Urgency::kNormal;
    auto id = e->submit(resident(), p, t);
    ASSERT_TRUE(id.ok());
    const Duration accept = p.urgency == Urgency::kUrgent ? Duration{2, TimeUnit::kHours} : Duration{1, TimeUnit::kWorkdays};
    EXPECT_EQ(e->get(*id)->due_at, *deadline_after(cal, t, accept)) << t;
    ASSERT_TRUE(e->accept(grid_worker(), *id, t + 60).ok());
    ASSERT_TRUE(e->dispatch(community_staff(), *id, "", false, t + 120).ok());
    ASSERT_TRUE(e->sign(grid_worker(), *id, t + 180).ok());
    EXPECT_EQ(e->get(*id)->due_at, *deadline_after(cal, t + 60, {5, TimeUnit::kWorkdays})) << t;
  }
  // Past the official years the provisional rule answers; past those (or in strict mode)
  // the calendar's error comes through, and nothing changes.
  auto provisional = e->submit(resident(), submission(), at(2026, 12, 31, 18));
  ASSERT_TRUE(provisional.ok()) << provisional.status();
  EXPECT_EQ(e->get(*provisional)->due_at, at(2027, 1, 4, 17, 30));  // past 元旦 2027 and the weekend
  EXPECT_TRUE(e->get(*provisional)->due_provisional);
  ASSERT_TRUE(e->set_calendar_mode(CalendarMode::kStrict, 1, at(2026, 12, 31, 18)).ok());
  const std::string snap = e->snapshot();
  auto late = e->submit(resident(), submission(), at(2026, 12, 31, 18));
  EXPECT_EQ(late.status().code(), absl::StatusCode::kOutOfRange) << late.status();
  EXPECT_EQ(e->snapshot(), snap);
}

}  // namespace
}  // namespace jiceng::testing
