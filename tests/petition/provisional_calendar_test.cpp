// The engine past the official holiday table: petitions submitted, dispatched, supervised
// and closed in provisional years; an official year loaded later moves the open deadlines
// it changes, in the same event, and replay agrees.
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixture.hpp"

namespace jiceng::testing {
namespace {

// A fixture official 2027 schedule, unlike the provisional rule: an extra holiday on Mon
// 01-04 and a make-up working Saturday on 01-09.
constexpr char kOfficial2027[] =
    "date,kind,name_en,name_zh\n"
    "2027-01-01,holiday,New Year's Day,元旦\n"
    "2027-01-04,holiday,New Year's Day,元旦\n"
    "2027-01-09,workday,New Year's Day,元旦\n"
    "2027-02-05,holiday,Spring Festival,春节\n"
    "2027-02-08,holiday,Spring Festival,春节\n"
    "2027-02-09,holiday,Spring Festival,春节\n"
    "2027-02-10,holiday,Spring Festival,春节\n";

// Replays every event of `e` into a fresh engine and returns its snapshot.
std::string replayed_snapshot(const Engine& e) {
  auto fresh = Engine::create("national");
  EXPECT_TRUE(fresh.ok());
  for (const Event& ev : e.events(1, e.last_seq())) {
    auto st = (*fresh)->apply_event(ev);
    EXPECT_TRUE(st.ok()) << "seq " << ev.seq << ": " << st;
  }
  return (*fresh)->snapshot();
}

TEST(ProvisionalCalendar, APetitionRunsItsWholeLoopIn2027WithNoHostAction) {
  auto e = make_engine();
  // 2027-01-04 (Mon): submit, accept, dispatch, sign; the resolve deadline is 5 wd on.
  auto id = e->submit(resident(), submission(), at(2027, 1, 4, 9));
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(e->get(*id)->due_at, at(2027, 1, 5, 17, 30));
  EXPECT_TRUE(e->get(*id)->due_provisional);
  ASSERT_TRUE(e->accept(grid_worker(), *id, at(2027, 1, 4, 10)).ok());
  ASSERT_TRUE(e->dispatch(community_staff(), *id, "", false, at(2027, 1, 4, 11)).ok());
  ASSERT_TRUE(e->sign(grid_worker(), *id, at(2027, 1, 4, 12)).ok());
  EXPECT_EQ(e->get(*id)->due_at, at(2027, 1, 11, 17, 30));
  // The clock: urge, overdue and escalation all fire on provisional days (none dropped).
  auto rep = e->tick(at(2027, 1, 8, 17, 30));
  ASSERT_TRUE(rep.ok());
  EXPECT_EQ(rep->urged, 1u);
  rep = e->tick(at(2027, 1, 11, 17, 30));
  EXPECT_EQ(rep->overdue, 1u);
  rep = e->tick(at(2027, 1, 12, 17, 30));
  EXPECT_EQ(rep->escalated, 1u);
  EXPECT_EQ(e->get(*id)->current_unit, kCommunity);
  // Across Spring Festival 2027: signed on Thu 02-04, 5 wd skip 02-05 and 02-08..10.
  ASSERT_TRUE(e->sign(community_staff(), *id, at(2027, 2, 4, 9)).ok());
  ASSERT_TRUE(e->resolve(community_staff(), *id, "done", at(2027, 2, 4, 10)).ok());
  EXPECT_EQ(e->get(*id)->due_at, at(2027, 2, 12, 17, 30));  // evaluate within 2 wd: 02-11, 02-12
  ASSERT_TRUE(e->evaluate(resident(), *id, Evaluation{true, true, Satisfaction::kSatisfied}, at(2027, 2, 11)).ok());
  EXPECT_EQ(e->get(*id)->state, State::kClosed);
  EXPECT_EQ(check_invariants(*e, at(2027, 2, 12)), "");
  // Every year to 2030 takes a submission.
  for (int y = 2027; y <= 2030; ++y) {
    auto later = e->submit(resident(), submission(), at(y, 6, 3, 9));
    EXPECT_TRUE(later.ok()) << y << ": " << later.status();
  }
}

TEST(ProvisionalCalendar, EveryWeekTo2030RunsTheLoopAndTheClock) {
  auto e = make_engine();
  // A petition each Monday-ish of 2027–2030 driven to closed, another left open for the
  // clock; ticks every day through the provisional years refuse nothing and drop nothing.
  std::vector<PetitionId> open;
  Timestamp t = at(2027, 1, 4, 9);
  const Timestamp end = at(2030, 12, 20, 9);
  std::size_t ticks_events = 0;
  for (int week = 0; t < end; ++week, t += 7 * kDayS) {
    EXPECT_EQ(e->get(drive_to(*e, State::kClosed, t))->state, State::kClosed) << week;
    if (week % 8 == 0) open.push_back(drive_to(*e, State::kDispatched, t + kHour));
    for (int d = 0; d < 7; ++d) {
      auto rep = e->tick(t + d * kDayS + 9 * kHour);
      ASSERT_TRUE(rep.ok()) << rep.status();
      ticks_events += rep->events;
    }
  }
  EXPECT_GT(ticks_events, 0u);
  for (PetitionId id : open) {
    auto v = e->get(id);
    EXPECT_TRUE(v->ever_overdue || v->escalations > 0) << id << " was supervised by the clock";
  }
  EXPECT_EQ(check_invariants(*e, end), "");
}

TEST(ProvisionalCalendar, LoadingTheOfficialYearMovesOpenDeadlinesInOneEvent) {
  auto e = make_engine();
  // Accepted and signed on Mon 2026-12-28: 5 wd provisionally end on Tue 2027-01-05.
  auto id = e->submit(resident(), submission(), at(2026, 12, 28, 8));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(e->accept(grid_worker(), *id, at(2026, 12, 28, 9)).ok());
  ASSERT_TRUE(e->dispatch(community_staff(), *id, "", false, at(2026, 12, 28, 10)).ok());
  ASSERT_TRUE(e->sign(grid_worker(), *id, at(2026, 12, 28, 11)).ok());
  EXPECT_EQ(e->get(*id)->due_at, at(2027, 1, 5, 17, 30));
  EXPECT_TRUE(e->get(*id)->due_provisional);
  // A petition whose deadline stays in 2026 is not touched.
  auto early = e->submit(resident(), submission(), at(2026, 12, 21, 8));
  ASSERT_TRUE(early.ok());
  const Timestamp early_due = e->get(*early)->due_at;
  const std::uint64_t events_before = e->last_seq();

  // A malformed official file changes nothing.
  const std::string before = e->snapshot();
  EXPECT_EQ(e->load_calendar_csv("2027-01-01,holiday,New Year's Day,元旦\n2027-02-30,holiday,X,甲\n",
                                 at(2026, 12, 29))
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(e->snapshot(), before);

  ASSERT_TRUE(e->load_calendar_csv(kOfficial2027, at(2026, 12, 29)).ok());
  EXPECT_EQ(e->last_seq(), events_before + 1) << "one event";
  auto v = e->get(*id);
  EXPECT_EQ(v->due_at, at(2027, 1, 6, 17, 30)) << "01-04 is now a holiday";
  EXPECT_FALSE(v->due_provisional);
  ASSERT_EQ(v->deadline_revisions.size(), 1u);
  EXPECT_EQ(v->deadline_revisions[0].seq, e->last_seq());
  EXPECT_EQ(v->deadline_revisions[0].before, at(2027, 1, 5, 17, 30));
  EXPECT_EQ(v->deadline_revisions[0].after, at(2027, 1, 6, 17, 30));
  auto h = e->history(*id);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->back().type, EventType::kLoadCalendar);
  EXPECT_EQ(h->back().seq, e->last_seq());
  EXPECT_THAT(*e->export_json(*id), ::testing::HasSubstr("\"deadline_revisions\":[{\"seq\":"));
  EXPECT_EQ(e->get(*early)->due_at, early_due);
  EXPECT_TRUE(e->get(*early)->deadline_revisions.empty());

  // Replay and restore give the same state, revisions included.
  EXPECT_EQ(replayed_snapshot(*e), e->snapshot());
  auto copy = Engine::create("national");
  ASSERT_TRUE((*copy)->restore(e->snapshot()).ok());
  EXPECT_EQ((*copy)->snapshot(), e->snapshot());
  EXPECT_EQ((*copy)->get(*id)->deadline_revisions, v->deadline_revisions);

  // Strict mode is an event too, and replays.
  ASSERT_TRUE(e->set_calendar_mode(CalendarMode::kStrict, 1, at(2026, 12, 30)).ok());
  EXPECT_EQ(e->submit(resident(), submission(), at(2028, 1, 4)).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(e->set_calendar_mode(CalendarMode::kProvisional, 9, at(2026, 12, 30)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(replayed_snapshot(*e), e->snapshot());
}

TEST(ProvisionalCalendar, ABatchThatFailsTakesTheRevisionsBack) {
  auto e = make_engine();
  auto id = e->submit(resident(), submission(), at(2026, 12, 28, 8));
  ASSERT_TRUE(e->accept(grid_worker(), *id, at(2026, 12, 28, 9)).ok());
  ASSERT_TRUE(e->dispatch(community_staff(), *id, "", false, at(2026, 12, 28, 10)).ok());
  ASSERT_TRUE(e->sign(grid_worker(), *id, at(2026, 12, 28, 11)).ok());
  const std::string before = e->snapshot();
  auto st = e->batch([&](Engine& b) {
    EXPECT_TRUE(b.load_calendar_csv(kOfficial2027, at(2026, 12, 29)).ok());
    EXPECT_EQ(b.get(*id)->deadline_revisions.size(), 1u);
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(e->snapshot(), before);
  EXPECT_TRUE(e->get(*id)->deadline_revisions.empty());
  EXPECT_EQ(e->get(*id)->due_at, at(2027, 1, 5, 17, 30));
}

TEST(ProvisionalCalendar, CoverageWarnsFromTheEngine) {
  auto e = make_engine();
  auto c = e->calendar_coverage(at(2026, 12, 5));
  EXPECT_EQ(c.last_official_year, 2026);
  EXPECT_EQ(c.official_days_left, 26);
  EXPECT_THAT(c.warning, ::testing::HasSubstr("2027"));
  ASSERT_TRUE(e->load_calendar_csv(kOfficial2027, at(2026, 12, 6)).ok());
  EXPECT_TRUE(e->calendar_coverage(at(2026, 12, 6)).warning.empty());
}

}  // namespace
}  // namespace jiceng::testing
