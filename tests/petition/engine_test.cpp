// The Engine: submission, routing, returns, escalation ceiling, caps, the 信访 track,
// the event-sourcing seams (sink, batch, replay, encoding, snapshot), queries, threads.
#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/strings.hpp"
#include "jiceng/petition_json.hpp"
#include "petition/fixture.hpp"

namespace jiceng::testing {
namespace {

const Timestamp kT0 = at(2026, 3, 2);

/// Records every event; can be told to fail.
class RecordingSink : public EventSink {
 public:
  absl::Status append(std::span<const Event> events) override {
    ++calls;
    if (fail) return absl::UnavailableError("sink: disk full (test)");
    for (const auto& e : events) {
      // Seqs are consecutive across calls.
      if (!recorded.empty()) {
        EXPECT_EQ(e.seq, recorded.back().seq + 1);
      }
      recorded.push_back(e);
    }
    return absl::OkStatus();
  }
  std::vector<Event> recorded;
  int calls = 0;
  bool fail = false;
};

TEST(PetitionEngine, SubmitRecordsOneEventAndIsIdempotent) {
  auto e = make_engine();
  EventPayload s = submission();
  s.idempotency_key = "host-req-42";
  auto a = e->submit(resident(), s, kT0);
  ASSERT_TRUE(a.ok()) << a.status();
  const auto seq = e->last_seq();
  auto b = e->submit(resident(), s, kT0 + 5);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b) << "same key returns the first petition";
  EXPECT_EQ(e->last_seq(), seq) << "a retried submit records nothing";
  EXPECT_EQ(e->stats().petitions, 1u);
  EXPECT_EQ(e->find_by_key("host-req-42"), *a);
  s.idempotency_key = "host-req-43";
  EXPECT_NE(*e->submit(resident(), s, kT0 + 6), *a);
  auto v = e->get(*a);
  EXPECT_EQ(v->state, State::kReceived);
  EXPECT_EQ(v->location_unit, kBuilding) << "a household resolves to its building";
  EXPECT_EQ(v->current_unit, kBuilding);
  EXPECT_EQ(v->display_id, "P00000001");
  EXPECT_EQ(Engine::parse_display_id("P00000001"), 1u);
  EXPECT_EQ(v->due_at, *deadline_after(WorkCalendar::china(), kT0, {1, TimeUnit::kWorkdays}));
}

TEST(PetitionEngine, BadSubmissionsAreClearErrorsAndChangeNothing) {
  auto e = make_engine();
  ASSERT_TRUE(e->submit(resident(), submission(), kT0).ok());
  const std::string snap = e->snapshot();
  struct Case {
    std::string name;
    Actor actor;
    EventPayload p;
    absl::StatusCode code;
    std::string needle;
  };
  std::vector<Case> cases;
  {
    auto p = submission();
    p.location = "nowhere";
    cases.push_back({"unknown location", resident(), p, absl::StatusCode::kNotFound, "nowhere"});
  }
  {
    auto p = submission();
    p.text = std::string(20001, 'x');
    cases.push_back({"text over cap", resident(), p, absl::StatusCode::kInvalidArgument, "max_text_bytes"});
  }
  {
    auto p = submission();
    p.text = "bad \xC3\x28 utf8";
    cases.push_back({"invalid utf8", resident(), p, absl::StatusCode::kInvalidArgument, "UTF-8"});
  }
  {
    auto p = submission();
    p.category = "Property!";
    cases.push_back({"bad category", resident(), p, absl::StatusCode::kInvalidArgument, "category"});
  }
  {
    auto p = submission("noise", kHousehold, "r2");
    cases.push_back({"for someone else", resident(), p, absl::StatusCode::kPermissionDenied, "own"});
  }
  {
    auto p = submission();
    cases.push_back({"staff outside location", staff(Role::kGridWorker, "320506001001G02"), p,
                     absl::StatusCode::kPermissionDenied, "scope location"});
  }
  {
    auto p = submission();
    cases.push_back({"property company may not submit", staff(Role::kPropertyCompany, kPropertyBranch), p,
                     absl::StatusCode::kPermissionDenied, "property_company"});
  }
  {
    auto p = submission();
    cases.push_back({"unknown actor unit", staff(Role::kGridWorker, "X1"), p, absl::StatusCode::kNotFound, "X1"});
  }
  for (const auto& c : cases) {
    auto r = e->submit(c.actor, c.p, kT0 + 10);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status();
    EXPECT_NE(r.status().message().find(c.needle), std::string::npos) << c.name << ": " << r.status();
    EXPECT_EQ(e->snapshot(), snap) << c.name;
  }
  // Staff may register on a resident's behalf inside their subtree.
  EXPECT_TRUE(e->submit(grid_worker(), submission(), kT0 + 20).ok());
  // Time may not run backwards for a petition.
  EXPECT_EQ(e->accept(grid_worker(), 1, kT0 - 100).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(e->accept(grid_worker(), 99, kT0).code(), absl::StatusCode::kNotFound);
}

TEST(PetitionEngine, RoutingByPolicyAndExplicitUnits) {
  auto e = make_engine();
  auto route = [&](std::string cat, std::string loc) {
    auto id = e->submit(staff(Role::kDistrictOfficer, kDistrict), submission(cat, loc), kT0);
    EXPECT_TRUE(id.ok()) << id.status();
    EXPECT_TRUE(e->accept(district_officer(), *id, kT0 + 1).ok());
    auto st = e->dispatch(district_officer(), *id, "", false, kT0 + 2);
    EXPECT_TRUE(st.ok()) << st;
    return e->get(*id)->current_unit;
  };
  EXPECT_EQ(route("noise", kHousehold), kGrid);
  EXPECT_EQ(route("government_consultation", kHousehold), kCommunity);
  EXPECT_EQ(route("illegal_construction", kHousehold), kStreet);
  EXPECT_EQ(route("street_stalls", kHousehold), kStreet);
  EXPECT_EQ(route("something_else", kHousehold), kCommunity) << "default route: level 2";
  // Property: to the property branch serving the compound under a tripartite agreement...
  EXPECT_EQ(route("property", "H-C01B01-1201"), kPropertyBranch);
  // ...and to the compound branch where there is none on record.
  EXPECT_EQ(route("property", "H-C02B01-0301"), "320506001002C02");
  EXPECT_EQ(route("property", kHousehold), kGrid);

  // Explicit unit inside the dispatcher's subtree, and outside it.
  auto id = *e->submit(resident(), submission(), kT0);
  ASSERT_TRUE(e->accept(grid_worker(), id, kT0 + 1).ok());
  const std::string snap = e->snapshot();
  auto st = e->dispatch(community_staff(), id, "320506001002C01", false, kT0 + 2);
  EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied) << st;
  EXPECT_EQ(e->dispatch(community_staff(), id, "nope", false, kT0 + 2).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e->snapshot(), snap);
  ASSERT_TRUE(e->dispatch(community_staff(), id, "320506001001G03", true, kT0 + 2).ok());
  EXPECT_EQ(e->get(id)->current_unit, "320506001001G03");
  EXPECT_TRUE(e->get(id)->designated);
  auto h = e->history(id);
  EXPECT_EQ(h->back().payload.unit, "320506001001G03");
  EXPECT_TRUE(h->back().payload.explicit_unit);
  // The property company signs and resolves what was routed to it.
  auto pid = *e->submit(resident("r5"), submission("property", "H-C01B01-1201", "r5"), kT0);
  ASSERT_TRUE(e->accept(staff(Role::kCommunityStaff, kOtherCommunity), pid, kT0 + 1).ok());
  ASSERT_TRUE(e->dispatch(staff(Role::kCommunityStaff, kOtherCommunity), pid, "", false, kT0 + 2).ok());
  EXPECT_EQ(e->get(pid)->current_unit, kPropertyBranch);
  EXPECT_TRUE(e->sign(staff(Role::kPropertyCompany, kPropertyBranch), pid, kT0 + 3).ok());
  EXPECT_TRUE(e->resolve(staff(Role::kPropertyCompany, kPropertyBranch), pid, "lift repaired", kT0 + 4).ok());
}

TEST(PetitionEngine, ReturnWindowDesignationAndCap) {
  auto e = make_engine();
  // Designated dispatch (指定) forbids return.
  auto d = drive_to(*e, State::kAccepted, kT0);
  ASSERT_TRUE(e->dispatch(community_staff(), d, kGrid, true, kT0 + 5 * kHour).ok());
  auto st = e->return_petition(grid_worker(), d, "not ours", kT0 + 6 * kHour);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("designated"), std::string::npos) << st;
  // Within the window: allowed, counted, back to accepted at the intake position; reason required.
  auto id = drive_to(*e, State::kDispatched, kT0);
  EXPECT_EQ(e->return_petition(grid_worker(), id, "", kT0 + 5 * kHour).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(e->return_petition(grid_worker(), id, "outside our remit", kT0 + 5 * kHour).ok());
  EXPECT_EQ(e->get(id)->state, State::kAccepted);
  EXPECT_EQ(e->get(id)->returns, 1);
  ASSERT_TRUE(e->dispatch(community_staff(), id, "", false, kT0 + 6 * kHour).ok());
  ASSERT_TRUE(e->return_petition(grid_worker(), id, "still not ours", kT0 + 7 * kHour).ok());
  ASSERT_TRUE(e->dispatch(community_staff(), id, "", false, kT0 + 8 * kHour).ok());
  st = e->return_petition(grid_worker(), id, "third time", kT0 + 9 * kHour);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("max_returns is 2"), std::string::npos) << st;
  // After the 2-working-day window: refused.
  auto late = drive_to(*e, State::kDispatched, kT0);
  st = e->return_petition(grid_worker(), late, "late", at(2026, 3, 5, 9));
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("window"), std::string::npos) << st;
}

TEST(PetitionEngine, EscalationCeilingPerSeverity) {
  struct Expect {
    Severity severity;
    std::vector<std::string> climb;  // units reached, in order
  };
  const Expect cases[] = {
      {Severity::kMinor, {kCommunity}},
      {Severity::kMajor, {kCommunity, kStreet}},
      {Severity::kCritical, {kCommunity, kStreet, kDistrict}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(to_string(c.severity));
    auto e = make_engine();
    auto p = submission();
    p.severity = c.severity;
    auto id = *e->submit(resident(), p, kT0);
    ASSERT_TRUE(e->accept(grid_worker(), id, kT0 + 1).ok());
    ASSERT_TRUE(e->dispatch(community_staff(), id, "", false, kT0 + 2).ok());
    Timestamp t = kT0 + 3;
    for (const auto& unit : c.climb) {
      ASSERT_TRUE(e->escalate(district_officer(), id, "beyond us", t++).ok());
      EXPECT_EQ(e->get(id)->current_unit, unit);
      EXPECT_EQ(e->get(id)->state, State::kDispatched);
    }
    const std::string snap = e->snapshot();
    auto st = e->escalate(district_officer(), id, "further", t);
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
    EXPECT_EQ(e->snapshot(), snap);
    EXPECT_EQ(e->get(id)->escalations, static_cast<int>(c.climb.size()));
  }
}

TEST(PetitionEngine, ExtensionNeverExceedsTheCap) {
  auto e = make_engine();
  // Allow several extensions so that the total, not the count, is what stops them.
  ASSERT_TRUE(e->set_policy(R"({"name": "test-ext", "extends": "national",
      "rules": [{"id": "petition.caps", "params": {"max_returns": 2, "max_reopens": 2, "max_extensions": 5,
                 "max_reviews": 2, "max_text_bytes": 20000}}]})", kT0).ok());
  auto id = drive_to(*e, State::kInProgress, kT0);
  const Timestamp due0 = e->get(id)->due_at;
  ASSERT_TRUE(e->request_extension(grid_worker(), id, {6, TimeUnit::kWorkdays}, "parts on order", kT0 + 10 * kHour).ok());
  EXPECT_EQ(e->request_extension(grid_worker(), id, {1, TimeUnit::kWorkdays}, "again", kT0 + 11 * kHour).code(),
            absl::StatusCode::kFailedPrecondition) << "one request pending at a time";
  EXPECT_EQ(e->grant_extension(grid_worker(), id, kT0 + 11 * kHour).code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(e->grant_extension(community_secretary(), id, kT0 + 11 * kHour).ok());
  auto v = e->get(id);
  EXPECT_EQ(v->extension_granted, 6);
  EXPECT_EQ(v->due_at, *deadline_after(WorkCalendar::china(), due0, {6, TimeUnit::kWorkdays}));
  auto st = e->request_extension(grid_worker(), id, {5, TimeUnit::kWorkdays}, "more", kT0 + 12 * kHour);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("over the maximum 10wd"), std::string::npos) << st;
  EXPECT_EQ(e->request_extension(grid_worker(), id, {5, TimeUnit::kNaturalDays}, "days", kT0 + 12 * kHour).code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(e->request_extension(grid_worker(), id, {4, TimeUnit::kWorkdays}, "last", kT0 + 12 * kHour).ok());
  ASSERT_TRUE(e->deny_extension(community_secretary(), id, "no", kT0 + 13 * kHour).ok());
  ASSERT_TRUE(e->request_extension(grid_worker(), id, {4, TimeUnit::kWorkdays}, "last", kT0 + 14 * kHour).ok());
  ASSERT_TRUE(e->grant_extension(street_officer(), id, kT0 + 15 * kHour).ok());
  EXPECT_EQ(e->get(id)->extension_granted, 10);
  EXPECT_EQ(e->get(id)->extensions, 2);
  EXPECT_EQ(e->request_extension(grid_worker(), id, {1, TimeUnit::kWorkdays}, "x", kT0 + 16 * kHour).code(),
            absl::StatusCode::kFailedPrecondition);
  // The national count cap (max_extensions 1) also holds.
  auto e2 = make_engine();
  auto id2 = drive_to(*e2, State::kInProgress, kT0);
  ASSERT_TRUE(e2->request_extension(grid_worker(), id2, {1, TimeUnit::kWorkdays}, "a", kT0 + 10 * kHour).ok());
  ASSERT_TRUE(e2->grant_extension(community_secretary(), id2, kT0 + 11 * kHour).ok());
  st = e2->request_extension(grid_worker(), id2, {1, TimeUnit::kWorkdays}, "b", kT0 + 12 * kHour);
  EXPECT_NE(st.message().find("max_extensions is 1"), std::string::npos) << st;
}

TEST(PetitionEngine, HotlineReopenWhenUnsatisfiedIsCapped) {
  auto e = make_engine();
  auto id = drive_to(*e, State::kClosed, kT0);  // evaluated unsatisfied
  Timestamp t = kT0 + 20 * kHour;
  EXPECT_EQ(e->reopen(resident(), id, ReopenKind::kReview, "review", t).code(), absl::StatusCode::kFailedPrecondition)
      << "review is for the xinfang track";
  for (int round = 1; round <= 2; ++round) {
    ASSERT_TRUE(e->reopen(community_staff(), id, ReopenKind::kReopen, "unsatisfied", t++).ok());
    auto v = e->get(id);
    EXPECT_EQ(v->state, State::kDispatched);
    EXPECT_EQ(v->current_unit, kGrid) << "back to the unit that answered";
    EXPECT_EQ(v->reopenings, round);
    EXPECT_FALSE(v->evaluation.has_value());
    ASSERT_TRUE(e->sign(grid_worker(), id, t++).ok());
    ASSERT_TRUE(e->resolve(grid_worker(), id, "tried again", t++).ok());
    ASSERT_TRUE(e->evaluate(resident(), id, {true, false, Satisfaction::kUnsatisfied}, t++).ok());
  }
  auto st = e->reopen(community_staff(), id, ReopenKind::kReopen, "third", t);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("max_reopens"), std::string::npos) << st;
  // Satisfied petitions are not reopened.
  auto ok = drive_to(*e, State::kResolved, kT0);
  ASSERT_TRUE(e->evaluate(resident(), ok, {true, true, Satisfaction::kSatisfied}, kT0 + 30 * kHour).ok());
  EXPECT_EQ(e->reopen(resident(), ok, ReopenKind::kReopen, "?", kT0 + 31 * kHour).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(PetitionEngine, XinfangReviewReReviewThenFinal) {
  auto e = make_engine("national-xinfang");
  ASSERT_EQ(e->policy().track, Track::kXinfang);
  auto id = drive_to(*e, State::kResolved, kT0);
  Timestamp t = kT0 + 20 * kHour;
  ASSERT_TRUE(e->evaluate(resident(), id, {true, false, Satisfaction::kUnsatisfied}, t++).ok());
  EXPECT_EQ(e->reopen(resident(), id, ReopenKind::kReopen, "again", t).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(e->reopen(resident(), id, ReopenKind::kReReview, "skip", t).code(), absl::StatusCode::kFailedPrecondition);
  // 复查 by the next higher unit, with the 30-day decision limit.
  ASSERT_TRUE(e->reopen(resident(), id, ReopenKind::kReview, "复查", t).ok());
  auto v = e->get(id);
  EXPECT_EQ(v->current_unit, kCommunity);
  EXPECT_EQ(v->reviews, 1);
  ASSERT_TRUE(e->sign(community_staff(), id, t + 1).ok());
  EXPECT_EQ(e->get(id)->due_at, *deadline_after(WorkCalendar::china(), t, {30, TimeUnit::kNaturalDays}));
  ASSERT_TRUE(e->resolve(community_staff(), id, "复查意见: upheld", t + 2).ok());
  ASSERT_TRUE(e->close(community_staff(), id, "answered in writing", t + 3).ok());
  EXPECT_FALSE(e->get(id)->final_matter);
  // 复核 by the unit above the reviewer.
  ASSERT_TRUE(e->reopen(resident(), id, ReopenKind::kReReview, "复核", t + 4).ok());
  EXPECT_EQ(e->get(id)->current_unit, kStreet);
  ASSERT_TRUE(e->sign(street_officer(), id, t + 5).ok());
  ASSERT_TRUE(e->resolve(street_officer(), id, "复核意见: upheld", t + 6).ok());
  ASSERT_TRUE(e->evaluate(resident(), id, {true, false, Satisfaction::kUnsatisfied}, t + 7).ok());
  EXPECT_TRUE(e->get(id)->final_matter);
  // A third review is refused; so is a new petition on the same facts.
  const std::string snap = e->snapshot();
  auto st = e->reopen(resident(), id, ReopenKind::kReview, "again", t + 8);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("final"), std::string::npos) << st;
  auto same = submission();
  same.same_matter = true;
  auto r = e->submit(resident(), same, t + 9);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("第三十六条"), std::string::npos) << r.status();
  auto linked = submission();
  linked.linked = id;
  EXPECT_EQ(e->submit(resident(), linked, t + 9).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(e->snapshot(), snap);
  // Different facts (another category) are a new matter.
  auto other = submission("drains");
  other.same_matter = true;
  EXPECT_TRUE(e->submit(resident(), other, t + 9).ok());
  // Not flagged: the host says it is a new matter.
  EXPECT_TRUE(e->submit(resident(), submission(), t + 9).ok());
}

TEST(PetitionEngine, XinfangReviewWindow) {
  auto e = make_engine("national-xinfang");
  auto id = drive_to(*e, State::kResolved, kT0);
  ASSERT_TRUE(e->close(community_staff(), id, "answered", kT0 + 20 * kHour).ok());
  const Timestamp resolved = e->get(id)->resolved_at;
  auto st = e->reopen(resident(), id, ReopenKind::kReview, "late", resolved + 40 * kDayS);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(st.message().find("window"), std::string::npos) << st;
  EXPECT_TRUE(e->reopen(resident(), id, ReopenKind::kReview, "in time", resolved + 20 * kDayS).ok());
}

TEST(PetitionEngine, SinkSeesEventsBeforeStateAndFailureChangesNothing) {
  auto e = make_engine();
  RecordingSink sink;
  e->set_event_sink(&sink);
  auto id = *e->submit(resident(), submission(), kT0);
  ASSERT_EQ(sink.recorded.size(), 1u);
  EXPECT_EQ(sink.recorded[0].type, EventType::kSubmit);
  EXPECT_EQ(sink.recorded[0].petition, id);
  EXPECT_EQ(sink.recorded[0].payload.contact.phone, "13812345678") << "the journal keeps raw data";
  const std::string snap = e->snapshot();
  sink.fail = true;
  EXPECT_EQ(e->accept(grid_worker(), id, kT0 + 1).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(e->submit(resident(), submission(), kT0 + 1).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(e->load_org(sample_district(), kT0 + 1).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(e->set_policy("suzhou-sip", kT0 + 1).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(e->snapshot(), snap);
  EXPECT_EQ(e->policy_name(), "national");
  sink.fail = false;
  EXPECT_TRUE(e->accept(grid_worker(), id, kT0 + 2).ok());
  EXPECT_EQ(sink.recorded.back().seq, e->last_seq());
  e->set_event_sink(nullptr);
}

TEST(PetitionEngine, BatchIsOneAppendAndRollsBackWhole) {
  auto e = make_engine();
  RecordingSink sink;
  e->set_event_sink(&sink);
  auto id = *e->submit(resident(), submission(), kT0);
  sink.calls = 0;
  auto st = e->batch([&](Engine& en) -> absl::Status {
    JICENG_RETURN_IF_ERROR(en.accept(grid_worker(), id, kT0 + 1));
    JICENG_RETURN_IF_ERROR(en.dispatch(community_staff(), id, "", false, kT0 + 2));
    EXPECT_EQ(en.get(id)->state, State::kDispatched) << "later commands see earlier ones";
    return en.submit(resident("r3"), submission("noise", kHousehold, "r3"), kT0 + 3).status();
  });
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(sink.calls, 1);
  EXPECT_EQ(sink.recorded.size(), 4u);
  // A failing final append rolls everything back, config changes included.
  const std::string snap = e->snapshot();
  const auto stats = e->stats();
  sink.fail = true;
  st = e->batch([&](Engine& en) -> absl::Status {
    JICENG_RETURN_IF_ERROR(en.sign(grid_worker(), id, kT0 + 4));
    JICENG_RETURN_IF_ERROR(en.set_policy("suzhou-sip", kT0 + 4));
    auto s2 = submission("noise", kHousehold, "r4");
    s2.idempotency_key = "k-rollback";
    JICENG_RETURN_IF_ERROR(en.submit(resident("r4"), s2, kT0 + 5).status());
    JICENG_RETURN_IF_ERROR(en.tick(at(2026, 4, 1)).status());
    return absl::OkStatus();
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(e->snapshot(), snap);
  EXPECT_EQ(e->stats().per_state, stats.per_state);
  EXPECT_FALSE(e->find_by_key("k-rollback").has_value());
  EXPECT_EQ(e->policy_name(), "national");
  // An error inside fn rolls back too; the engine keeps working afterwards.
  sink.fail = false;
  st = e->batch([&](Engine& en) -> absl::Status {
    JICENG_RETURN_IF_ERROR(en.sign(grid_worker(), id, kT0 + 4));
    return en.sign(grid_worker(), id, kT0 + 5);  // illegal: already in progress
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(e->snapshot(), snap);
  EXPECT_TRUE(e->sign(grid_worker(), id, kT0 + 6).ok());
  EXPECT_EQ(e->batch([](Engine& en) { return en.batch([](Engine&) { return absl::OkStatus(); }); }).code(),
            absl::StatusCode::kFailedPrecondition);
  e->set_event_sink(nullptr);
}

TEST(PetitionEngine, EncodingRoundTripsEveryField) {
  Event e;
  e.seq = 123456789;
  e.time = -5;
  e.actor = Actor{"网格员-7", Role::kGridWorker, kGrid};
  e.petition = 77;
  e.type = EventType::kRequestExtension;
  e.payload.petitioner = "r1";
  e.payload.contact = {"张三", "13800000000"};
  e.payload.location = kHousehold;
  e.payload.category = "property";
  e.payload.urgency = Urgency::kUrgent;
  e.payload.severity = Severity::kCritical;
  e.payload.channel = Channel::kHotline;
  e.payload.text = std::string(300, 'x');
  e.payload.idempotency_key = "k";
  e.payload.same_matter = true;
  e.payload.linked = 5;
  e.payload.unit = kCommunity;
  e.payload.designated = true;
  e.payload.explicit_unit = true;
  e.payload.reason = "原因";
  e.payload.extension = {7, TimeUnit::kNaturalDays};
  e.payload.evaluation = {false, true, Satisfaction::kBasicallySatisfied};
  e.payload.reopen_kind = ReopenKind::kReReview;
  e.payload.automatic = true;
  e.payload.document = "{}";
  const std::string bytes = Engine::encode_event(e);
  auto d = Engine::decode_event(bytes);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, e);
  EXPECT_EQ(Engine::encode_event(*d), bytes) << "canonical";
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(Engine::decode_event(bytes.substr(0, cut)).ok()) << cut;
  }
  EXPECT_EQ(Engine::decode_event(bytes + "x").status().code(), absl::StatusCode::kDataLoss);
  std::string v2 = bytes;
  v2[1] = 2;
  EXPECT_EQ(Engine::decode_event(v2).status().code(), absl::StatusCode::kFailedPrecondition);
}

/// Runs a little of everything, recording through a sink.
void workload(Engine& e) {
  ASSERT_TRUE(e.load_calendar_csv("2027-01-01,holiday,New Year,元旦\n", kT0).ok());
  for (State s : {State::kClosed, State::kWithdrawn, State::kMerged, State::kRejected, State::kInProgress,
                  State::kResolved, State::kDispatched}) {
    drive_to(e, s, kT0 + kHour);
  }
  auto id = drive_to(e, State::kInProgress, kT0 + 2 * kHour);
  ASSERT_TRUE(e.request_extension(grid_worker(), id, {2, TimeUnit::kWorkdays}, "wait", kT0 + 20 * kHour).ok());
  ASSERT_TRUE(e.grant_extension(community_secretary(), id, kT0 + 21 * kHour).ok());
  auto p = drive_to(e, State::kResolved, kT0 + 3 * kHour, "property");
  ASSERT_TRUE(e.tick(at(2026, 3, 20)).ok());  // urges, overdue, escalations, auto-close
  ASSERT_TRUE(e.set_policy("suzhou-sip", at(2026, 3, 20, 10)).ok());
  ASSERT_TRUE(e.reopen(resident(), 1, ReopenKind::kReopen, "still noisy", at(2026, 3, 20, 11)).ok());
  ASSERT_TRUE(e.tick(at(2026, 4, 20)).ok());
  (void)p;
}

TEST(PetitionEngine, ReplayEqualsLiveAndSnapshotRoundTrips) {
  auto live = *Engine::create("national");
  RecordingSink sink;
  live->set_event_sink(&sink);
  ASSERT_TRUE(live->load_org(sample_district(), 0).ok());
  workload(*live);
  EXPECT_EQ(sink.recorded.size(), live->last_seq());
  EXPECT_EQ(check_invariants(*live, at(2026, 4, 20)), "");
  bool saw_auto = false;
  for (const auto& ev : sink.recorded) saw_auto |= ev.payload.automatic;
  EXPECT_TRUE(saw_auto) << "the workload should include clock events";

  // Replay from the encoded journal.
  auto replayed = *Engine::create("national");
  for (const auto& ev : sink.recorded) {
    auto d = Engine::decode_event(Engine::encode_event(ev));
    ASSERT_TRUE(d.ok());
    auto st = replayed->apply_event(*d);
    ASSERT_TRUE(st.ok()) << st << " at seq " << ev.seq << " " << to_string(ev.type);
  }
  const std::string snap = live->snapshot();
  EXPECT_EQ(replayed->snapshot(), snap);
  EXPECT_EQ(replayed->apply_event(sink.recorded.front()).code(), absl::StatusCode::kFailedPrecondition);

  // Snapshot → restore → identical bytes, identical history, and both continue alike.
  auto restored = *Engine::create("changshu");
  ASSERT_TRUE(restored->restore(snap).ok());
  EXPECT_EQ(restored->snapshot(), snap);
  EXPECT_EQ(restored->policy_name(), "suzhou-sip");
  EXPECT_EQ(*restored->history(1), *live->history(1));
  live->set_event_sink(nullptr);
  for (Engine* en : {live.get(), restored.get()}) {
    ASSERT_TRUE(en->tick(at(2026, 6, 1)).ok());
    ASSERT_TRUE(en->submit(resident("r8"), submission("noise", kHousehold, "r8"), at(2026, 6, 1, 10)).ok());
  }
  EXPECT_EQ(restored->snapshot(), live->snapshot());

  // A damaged snapshot is refused and changes nothing.
  const std::string before = restored->snapshot();
  EXPECT_FALSE(restored->restore(snap.substr(0, snap.size() / 2)).ok());
  EXPECT_FALSE(restored->restore("garbage").ok());
  EXPECT_EQ(restored->snapshot(), before);
  // A replayed event that no longer applies is DATA_LOSS.
  Event bad = sink.recorded[5];
  bad.seq = replayed->last_seq() + 1;
  bad.type = EventType::kSign;
  bad.petition = 2;  // withdrawn
  EXPECT_EQ(replayed->apply_event(bad).code(), absl::StatusCode::kDataLoss);
}

// for_each_event's borrowed views carry exactly the fields of the public events they
// stand for, over any range, and stop at the first non-OK status.
TEST(PetitionEngine, EventViewsMatchThePublicEvents) {
  auto e = *Engine::create("national");
  ASSERT_TRUE(e->load_org(sample_district(), 0).ok());
  workload(*e);
  const PetitionId open = drive_to(*e, State::kDispatched, at(2026, 4, 21));
  ASSERT_TRUE(e->support(resident("r9"), open, at(2026, 4, 21, 12)).ok());
  ASSERT_TRUE(e->withdraw_support(resident("r9"), open, at(2026, 4, 21, 13)).ok());
  const std::uint64_t n = e->last_seq();
  ASSERT_GT(n, 20u);
  const std::vector<Event> all = e->events(1, n);
  ASSERT_EQ(all.size(), n);
  std::set<EventType> types;
  std::uint64_t seen = 0;
  absl::Status st = e->for_each_event(0, n + 10, [&](const EventRef& r) {
    const Event& ev = all[seen++];
    EXPECT_EQ(r.seq, ev.seq);
    EXPECT_EQ(r.time, ev.time);
    EXPECT_EQ(r.petition, ev.petition);
    EXPECT_EQ(r.type, ev.type);
    types.insert(r.type);
    if (ev.type == EventType::kSubmit) {
      EXPECT_EQ(r.location, ev.payload.location) << ev.seq;
      EXPECT_EQ(r.category, ev.payload.category) << ev.seq;
      EXPECT_EQ(r.channel, ev.payload.channel) << ev.seq;
    }
    if (ev.type == EventType::kDispatch || ev.type == EventType::kEscalate || ev.type == EventType::kReopen) {
      EXPECT_EQ(r.unit, ev.payload.unit) << ev.seq;
    }
    if (ev.type == EventType::kEvaluate) {
      EXPECT_EQ(r.evaluation, ev.payload.evaluation) << ev.seq;
    }
    if (ev.type == EventType::kSupport || ev.type == EventType::kWithdrawSupport) {
      EXPECT_EQ(r.actor, ev.actor.id) << ev.seq;
    } else {
      EXPECT_TRUE(r.actor.empty()) << ev.seq;
    }
    EXPECT_EQ(r.linked, ev.type == EventType::kMerge ? ev.payload.linked : kNoPetition) << ev.seq;
    return absl::OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st;
  EXPECT_EQ(seen, n);
  for (EventType t : {EventType::kSubmit, EventType::kDispatch, EventType::kEvaluate, EventType::kLoadOrg,
                      EventType::kMerge, EventType::kSupport, EventType::kWithdrawSupport}) {
    EXPECT_TRUE(types.count(t)) << "the workload should include " << to_string(t);
  }
  // A middle range, an empty range past the end, and an early stop.
  std::vector<std::uint64_t> seqs;
  ASSERT_TRUE(e->for_each_event(5, 3, [&](const EventRef& r) {
    seqs.push_back(r.seq);
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(seqs, (std::vector<std::uint64_t>{5, 6, 7}));
  int calls = 0;
  EXPECT_TRUE(e->for_each_event(n + 1, 10, [&](const EventRef&) {
    ++calls;
    return absl::OkStatus();
  }).ok());
  EXPECT_EQ(calls, 0);
  st = e->for_each_event(1, n, [&](const EventRef& r) {
    ++calls;
    return r.seq == 4 ? absl::CancelledError("stop at 4") : absl::OkStatus();
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 4);
}

TEST(PetitionEngine, StateAndDeadlineAgreeWithTheView) {
  auto e = *Engine::create("national");
  ASSERT_TRUE(e->load_org(sample_district(), 0).ok());
  workload(*e);
  const std::uint64_t n = e->stats().petitions;
  ASSERT_GT(n, 3u);
  std::set<State> states;
  for (PetitionId id = 1; id <= n; ++id) {
    auto v = e->get(id);
    ASSERT_TRUE(v.ok());
    ASSERT_EQ(*e->state(id), v->state) << id;
    ASSERT_EQ(*e->deadline(id), v->due_at) << id;
    states.insert(v->state);
  }
  EXPECT_GT(states.size(), 2u) << "the workload should leave petitions in several states";
  for (PetitionId bad : {PetitionId{0}, PetitionId{n + 1}}) {
    EXPECT_EQ(e->state(bad).status().code(), absl::StatusCode::kNotFound);
    EXPECT_EQ(e->deadline(bad).status().code(), absl::StatusCode::kNotFound);
  }
}

TEST(PetitionEngine, QueriesAndMasking) {
  auto e = make_engine();
  auto a = drive_to(*e, State::kDispatched, kT0);
  auto b = drive_to(*e, State::kInProgress, kT0);
  auto c = drive_to(*e, State::kClosed, kT0);
  EXPECT_EQ(e->by_state(State::kDispatched), std::vector<PetitionId>{a});
  EXPECT_EQ(*e->by_unit_subtree(kCommunity), (std::vector<PetitionId>{a, b, c}));
  EXPECT_TRUE(e->by_unit_subtree("320506001001G02")->empty());
  EXPECT_EQ(e->by_unit_subtree("nope").status().code(), absl::StatusCode::kNotFound);
  // a: sign due Tue 17:30; b: resolve due 5 wd after acceptance.
  EXPECT_EQ(e->overdue(at(2026, 3, 3, 18)), std::vector<PetitionId>{a});
  EXPECT_EQ(*e->due_within(kT0 + 10 * kHour, 1), std::vector<PetitionId>{a});
  EXPECT_EQ(*e->due_within(kT0 + 10 * kHour, 10), (std::vector<PetitionId>{a, b}));
  auto masked = e->get(a);
  EXPECT_EQ(masked->contact.name, "张**");
  EXPECT_EQ(masked->contact.phone, "138****5678");
  QueryOptions raw;
  raw.raw_contact = true;
  EXPECT_EQ(e->get(a, raw)->contact.phone, "13812345678");
  auto json = e->export_json(a);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->find("13812345678"), std::string::npos) << *json;
  EXPECT_NE(json->find("138****5678"), std::string::npos);
  EXPECT_NE(e->export_json(a, raw)->find("13812345678"), std::string::npos);
  EXPECT_EQ(mask_phone("1234"), "****");
}

// One JSON shape (jiceng/petition_json.hpp): the export is the petition's JSON — the text the
// C ABI and Python return — with its events' JSON appended, masked or raw alike.
TEST(PetitionEngine, TheExportIsThePetitionJsonWithItsEvents) {
  auto e = make_engine();
  const PetitionId a = drive_to(*e, State::kClosed, kT0);
  ASSERT_EQ(a, 1u);
  for (bool raw : {false, true}) {
    QueryOptions o;
    o.raw_contact = raw;
    const std::string pj = petition_json(*e->get(a, o));
    EXPECT_EQ(pj.rfind("{\"id\":\"P00000001\",", 0), 0u) << pj;
    const std::string events = events_json(*e->history(a), raw);
    EXPECT_NE(events.find("\"petition\":\"P00000001\""), std::string::npos) << events;
    EXPECT_EQ(*e->export_json(a, o), pj.substr(0, pj.size() - 1) + ",\"events\":" + events + "}");
    EXPECT_EQ(pj.find("13812345678") != std::string::npos, raw) << pj;
    EXPECT_EQ(events.find("13812345678") != std::string::npos, raw) << events;
    EXPECT_EQ(events.substr(0, 1 + event_json(e->history(a)->front(), raw).size()),
              "[" + event_json(e->history(a)->front(), raw));
  }
}

TEST(PetitionEngine, LoadOrgRefusesToStrandOpenPetitions) {
  auto e = make_engine();
  drive_to(*e, State::kDispatched, kT0);
  const std::string snap = e->snapshot();
  auto st = e->load_org(R"({"units": [{"id": "X", "name": "x", "level": 0, "kind": "district_committee"}]})", kT0);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
  EXPECT_EQ(e->snapshot(), snap);
  EXPECT_FALSE(e->load_org("{not json", kT0).ok());
  EXPECT_EQ(e->snapshot(), snap);
  EXPECT_TRUE(e->load_org(sample_district(), kT0).ok());
}

TEST(PetitionEngine, ThreadsShareOneEngine) {
  auto e = make_engine();
  constexpr int kThreads = 4, kEach = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string who = jiceng::internal::cat("rt", t);
      for (int i = 0; i < kEach; ++i) {
        auto id = e->submit(resident(who), submission("noise", kHousehold, who), kT0);
        if (!id.ok() || !e->accept(grid_worker(), *id, kT0 + 1).ok()) ++failures;
        if (!e->get(*id).ok()) ++failures;
        (void)e->by_state(State::kAccepted);
        if (i % 50 == 0) (void)e->snapshot();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(e->stats().per_state[static_cast<int>(State::kAccepted)], static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(check_invariants(*e, kT0 + 1), "");
}

}  // namespace
}  // namespace jiceng::testing
