// Residents' participation in the petition loop: 附议 (support) and its withdrawal, the
// needs list its count feeds, and what a refusal leaves behind (nothing).
#include "common/strings.hpp"
#include "petition/fixture.hpp"

namespace jiceng::testing {
namespace {

const Timestamp kT0 = at(2026, 3, 2);  // a Monday, no holiday near

/// Everything a refusal must leave as it was.
struct Before {
  std::string snapshot;
  std::uint64_t last_seq;
  explicit Before(const Engine& e) : snapshot(e.snapshot()), last_seq(e.last_seq()) {}
  void expect_same(const Engine& e, std::string_view what) const {
    EXPECT_EQ(e.last_seq(), last_seq) << what;
    EXPECT_EQ(e.snapshot(), snapshot) << what;
  }
};

/// Replays `live`'s events into a fresh engine.
std::unique_ptr<Engine> replay(const Engine& live) {
  auto r = *Engine::create("national");
  for (const Event& ev : live.events(1, 1u << 30)) {
    auto d = Engine::decode_event(Engine::encode_event(ev));
    EXPECT_TRUE(d.ok()) << d.status();
    auto st = r->apply_event(*d);
    EXPECT_TRUE(st.ok()) << st << " at seq " << ev.seq << " " << to_string(ev.type);
  }
  return r;
}

TEST(Participation, OneSupportPerResident) {
  auto e = make_engine();
  const PetitionId id = drive_to(*e, State::kAccepted, kT0);
  Timestamp t = kT0 + 10 * kHour;
  ASSERT_TRUE(e->support(resident("r2"), id, t).ok());
  EXPECT_EQ(e->get(id)->supporters, 1);
  EXPECT_EQ(e->get(id)->state, State::kAccepted) << "a support does not move the petition";
  EXPECT_EQ(e->history(id)->back().type, EventType::kSupport);
  EXPECT_EQ(e->history(id)->back().actor.id, "r2");

  const Before before(*e);
  auto again = e->support(resident("r2"), id, t + kHour);
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition) << again;
  EXPECT_NE(again.message().find("supports it already"), std::string_view::npos) << again;
  before.expect_same(*e, "second support");

  auto own = e->support(resident("r1"), id, t + kHour);
  EXPECT_EQ(own.code(), absl::StatusCode::kPermissionDenied) << own;
  EXPECT_NE(own.message().find("own petition"), std::string_view::npos) << own;
  before.expect_same(*e, "own petition");

  auto by_staff = e->support(grid_worker(), id, t + kHour);
  EXPECT_EQ(by_staff.code(), absl::StatusCode::kPermissionDenied) << by_staff;
  before.expect_same(*e, "staff");

  ASSERT_TRUE(e->support(resident("r3"), id, t + kHour).ok());
  EXPECT_EQ(*e->supporters(id), (std::vector<std::string>{"r2", "r3"}));
  EXPECT_EQ(e->get(id)->supporters, 2);
  EXPECT_EQ(check_invariants(*e, t + kHour), "");
}

TEST(Participation, WithdrawThenSupportAgain) {
  auto e = make_engine();
  const PetitionId id = drive_to(*e, State::kInProgress, kT0);
  Timestamp t = kT0 + 10 * kHour;
  ASSERT_TRUE(e->support(resident("r2"), id, t).ok());
  ASSERT_TRUE(e->withdraw_support(resident("r2"), id, t + kHour).ok());
  EXPECT_EQ(e->get(id)->supporters, 0);
  EXPECT_TRUE(e->supporters(id)->empty());

  const Before before(*e);
  auto none = e->withdraw_support(resident("r2"), id, t + 2 * kHour);
  EXPECT_EQ(none.code(), absl::StatusCode::kFailedPrecondition) << none;
  EXPECT_NE(none.message().find("does not support"), std::string_view::npos) << none;
  before.expect_same(*e, "withdrawal without a support");

  ASSERT_TRUE(e->support(resident("r2"), id, t + 2 * kHour).ok());
  EXPECT_EQ(e->get(id)->supporters, 1);
  EXPECT_EQ(*e->supporters(id), (std::vector<std::string>{"r2"}));
  EXPECT_EQ(e->history(id)->size(), 7u) << "submit, accept, dispatch, sign, support, withdraw_support, support";
}

TEST(Participation, OnlyWhileTakenUpOrHandled) {
  for (State s : {State::kReceived, State::kAccepted, State::kDispatched, State::kInProgress, State::kResolved,
                  State::kClosed, State::kRejected, State::kMerged, State::kWithdrawn}) {
    SCOPED_TRACE(to_string(s));
    auto e = make_engine();
    const PetitionId id = drive_to(*e, s, kT0);
    const Timestamp t = kT0 + 20 * kHour;
    const bool allowed = kSupportStates & state_bit(s);
    const Before before(*e);
    auto r = e->support(resident("r7"), id, t);
    if (allowed) {
      EXPECT_TRUE(r.ok()) << r;
    } else {
      EXPECT_EQ(r.code(), absl::StatusCode::kFailedPrecondition) << r;
      EXPECT_NE(r.message().find(std::string(to_string(s))), std::string_view::npos) << r;
      before.expect_same(*e, "support in a state without it");
    }
  }
}

TEST(Participation, BadInputChangesNothing) {
  auto e = make_engine();
  const PetitionId id = drive_to(*e, State::kAccepted, kT0);
  ASSERT_TRUE(e->support(resident("r2"), id, kT0 + 10 * kHour).ok());
  const Before before(*e);
  const Timestamp t = kT0 + 11 * kHour;
  EXPECT_EQ(e->support(resident("r3"), 0, t).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e->support(resident("r3"), id + 1, t).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e->support(resident("r3"), ~PetitionId{0}, t).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e->withdraw_support(resident("r3"), ~PetitionId{0}, t).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e->support(resident(std::string("\xff\xfe", 2)), id, t).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(e->support(resident(""), id, t).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(e->support(resident("r4"), id, kT0).code(), absl::StatusCode::kInvalidArgument) << "before its last event";
  EXPECT_EQ(e->support(resident("r4"), id, -(Timestamp{1} << 62)).code(), absl::StatusCode::kInvalidArgument);
  // A handle made before a restore is stale.
  auto h = e->resolve_actor(resident("r5"));
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(e->restore(e->snapshot()).ok());
  EXPECT_EQ(e->execute(*h, EventType::kSupport, id, t).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(e->execute(*h, static_cast<EventType>(99), id, t).code(), absl::StatusCode::kInvalidArgument);
  before.expect_same(*e, "bad input");
}

TEST(Participation, ReplayRestoreAndRollbackKeepSupporters) {
  auto e = make_engine();
  const PetitionId a = drive_to(*e, State::kDispatched, kT0);
  const PetitionId b = *e->submit(resident("r2"), submission("noise", kHousehold, "r2"), kT0 + 5 * kHour);
  Timestamp t = kT0 + 10 * kHour;
  for (const char* r : {"r3", "r4", "r5"}) ASSERT_TRUE(e->support(resident(r), a, t += kHour).ok());
  ASSERT_TRUE(e->withdraw_support(resident("r4"), a, t += kHour).ok());
  ASSERT_TRUE(e->support(resident("r1"), b, t += kHour).ok());

  auto replayed = replay(*e);
  EXPECT_EQ(replayed->snapshot(), e->snapshot());
  auto restored = *Engine::create("national");
  ASSERT_TRUE(restored->restore(e->snapshot()).ok());
  for (Engine* en : {replayed.get(), restored.get()}) {
    EXPECT_EQ(*en->supporters(a), (std::vector<std::string>{"r3", "r5"}));
    EXPECT_EQ(en->get(a)->supporters, 2);
    EXPECT_EQ(en->get(b)->supporters, 1);
    EXPECT_EQ(en->support(resident("r3"), a, t + kHour).code(), absl::StatusCode::kFailedPrecondition)
        << "one support per resident holds after replay and restore";
    EXPECT_TRUE(en->support(resident("r4"), a, t + kHour).ok());
  }
  EXPECT_EQ(replayed->snapshot(), restored->snapshot());

  // A batch that fails rolls supports back.
  const Before before(*e);
  auto st = e->batch([&](Engine& en) -> absl::Status {
    JICENG_RETURN_IF_ERROR(en.support(resident("r6"), a, t + kHour));
    JICENG_RETURN_IF_ERROR(en.withdraw_support(resident("r3"), a, t + kHour));
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kAborted);
  before.expect_same(*e, "rolled-back batch");
  EXPECT_EQ(*e->supporters(a), (std::vector<std::string>{"r3", "r5"}));
  EXPECT_EQ(e->get(a)->supporters, 2);
}

TEST(Participation, SupportersRaiseThePriorityInTheNeedsList) {
  EXPECT_EQ(petition_priority(Severity::kMinor, Urgency::kNormal, 0), 1);
  EXPECT_EQ(petition_priority(Severity::kMajor, Urgency::kNormal, 0), 2);
  EXPECT_EQ(petition_priority(Severity::kCritical, Urgency::kUrgent, 1), 16);
  auto e = make_engine();
  Timestamp t = kT0;
  EventPayload major = submission("noise", kHousehold, "r1");
  major.severity = Severity::kMajor;
  const PetitionId first = *e->submit(resident("r1"), major, t += kHour);
  const PetitionId second = *e->submit(resident("r2"), submission("noise", kHousehold, "r2"), t += kHour);
  const PetitionId other = *e->submit(resident("r3"), submission("noise", kOtherCommunity, "r3"), t += kHour);
  EXPECT_EQ(*e->needs_list(""), (std::vector<PetitionId>{first, second, other}));
  for (const char* r : {"r4", "r5"}) ASSERT_TRUE(e->support(resident(r), second, t += kHour).ok());
  EXPECT_EQ(e->get(second)->priority, 3);
  EXPECT_EQ(*e->needs_list(""), (std::vector<PetitionId>{second, first, other}));
  EXPECT_EQ(*e->needs_list(kCommunity), (std::vector<PetitionId>{second, first}));
  EXPECT_EQ(*e->needs_list("", QueryOptions{false, 1}), (std::vector<PetitionId>{second}));
  EXPECT_EQ(e->needs_list("nowhere").status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(e->reject(grid_worker(), second, "not ours to decide", t += kHour).ok());
  EXPECT_EQ(*e->needs_list(kCommunity), (std::vector<PetitionId>{first})) << "a rejected petition leaves the list";
}

TEST(Merge, MovesSupportersAndLinksBothWays) {
  auto e = make_engine();
  Timestamp t = kT0;
  const PetitionId a = *e->submit(resident("r1"), submission("noise", kHousehold, "r1"), t += kHour);
  const PetitionId b = *e->submit(resident("r2"), submission("noise", kHousehold, "r2"), t += kHour);
  EXPECT_EQ(*e->duplicates(a), (std::vector<PetitionId>{b}));
  EXPECT_EQ(*e->duplicates(b), (std::vector<PetitionId>{a}));
  for (const char* r : {"r3", "r4"}) ASSERT_TRUE(e->support(resident(r), a, t += kHour).ok());
  ASSERT_TRUE(e->support(resident("r4"), b, t += kHour).ok());
  ASSERT_TRUE(e->accept(grid_worker(), b, t += kHour).ok());
  ASSERT_TRUE(e->merge(grid_worker(), a, b, t += kHour).ok());

  auto check = [&](const Engine& en, std::string_view where) {
    SCOPED_TRACE(where);
    auto va = en.get(a), vb = en.get(b);
    EXPECT_EQ(va->state, State::kMerged);
    EXPECT_EQ(va->merged_into, b);
    EXPECT_EQ(va->supporters, 0);
    EXPECT_EQ(vb->merged_from, (std::vector<PetitionId>{a}));
    EXPECT_EQ(vb->merged_into, kNoPetition);
    EXPECT_EQ(*en.supporters(b), (std::vector<std::string>{"r1", "r3", "r4"})) << "r4 once, never b's own r2";
    EXPECT_EQ(vb->supporters, 3);
    EXPECT_EQ(vb->priority, 4);
    auto js = en.export_json(a);
    EXPECT_NE(js->find("\"merged_into\":\"P00000002\""), std::string::npos) << *js;
    EXPECT_NE(js->find("本诉求已并入 P00000002"), std::string::npos) << *js;
    EXPECT_NE(en.export_json(b)->find("\"merged_from\":[\"P00000001\"]"), std::string::npos);
  };
  check(*e, "live");
  EXPECT_TRUE(e->duplicates(b)->empty()) << "a merged petition is no longer offered";
  auto replayed = replay(*e);
  check(*replayed, "replayed");
  auto restored = *Engine::create("national");
  ASSERT_TRUE(restored->restore(e->snapshot()).ok());
  check(*restored, "restored");
  EXPECT_EQ(restored->snapshot(), e->snapshot());
  // After restore the moved supporters still count once each.
  EXPECT_EQ(restored->support(resident("r1"), b, t + kHour).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(restored->withdraw_support(resident("r1"), b, t + kHour).ok());
  EXPECT_EQ(restored->get(b)->supporters, 2);

  // A rolled-back merge leaves the links and supporters as they were.
  const PetitionId c = *e->submit(resident("r5"), submission("noise", kHousehold, "r5"), t += kHour);
  ASSERT_TRUE(e->support(resident("r6"), c, t += kHour).ok());
  const Before before(*e);
  auto st = e->batch([&](Engine& en) -> absl::Status {
    JICENG_RETURN_IF_ERROR(en.merge(grid_worker(), c, b, t + kHour));
    return absl::AbortedError("no");
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kAborted);
  before.expect_same(*e, "rolled-back merge");
  check(*e, "after the rollback");
  EXPECT_EQ(*e->supporters(c), (std::vector<std::string>{"r6"}));
}

TEST(Merge, RefusalsChangeNothing) {
  auto e = make_engine();
  Timestamp t = kT0;
  const PetitionId a = *e->submit(resident("r1"), submission("noise", kHousehold, "r1"), t += kHour);
  const PetitionId closed = drive_to(*e, State::kClosed, t += kHour);
  t += 10 * kHour;
  const PetitionId rejected = drive_to(*e, State::kRejected, t += kHour);
  t += 10 * kHour;
  const PetitionId other_cat = *e->submit(resident("r2"), submission("property", kHousehold, "r2"), t += kHour);
  const PetitionId far = *e->submit(resident("r3"), submission("noise", kOtherCommunity, "r3"), t += kHour);
  const PetitionId b = *e->submit(resident("r4"), submission("noise", kHousehold, "r4"), t += kHour);
  t += kHour;
  const Before before(*e);
  auto code = [&](PetitionId id, PetitionId into, const Actor& who = grid_worker()) {
    return e->merge(who, id, into, t).code();
  };
  EXPECT_EQ(code(a, a), absl::StatusCode::kInvalidArgument) << "into itself";
  EXPECT_EQ(code(a, closed), absl::StatusCode::kFailedPrecondition) << "into a closed petition";
  EXPECT_EQ(code(a, rejected), absl::StatusCode::kFailedPrecondition) << "into a terminal petition";
  EXPECT_EQ(code(a, other_cat), absl::StatusCode::kFailedPrecondition) << "across categories";
  EXPECT_EQ(code(a, far, district_officer()), absl::StatusCode::kOk) << "the district has scope over both";
  // (that merge happened: start again from here)
  const Before after_ok(*e);
  EXPECT_EQ(e->merge(grid_worker(), b, far, t).code(), absl::StatusCode::kPermissionDenied)
      << "the grid worker has no scope over the other community's petition";
  EXPECT_EQ(code(a, b), absl::StatusCode::kFailedPrecondition) << "merged twice";
  EXPECT_EQ(code(b, 0), absl::StatusCode::kNotFound);
  EXPECT_EQ(code(b, ~PetitionId{0}), absl::StatusCode::kNotFound);
  EXPECT_EQ(code(~PetitionId{0}, b), absl::StatusCode::kNotFound);
  EXPECT_EQ(code(b, a), absl::StatusCode::kFailedPrecondition) << "into a merged (terminal) petition";
  after_ok.expect_same(*e, "refused merges");
  EXPECT_NE(e->snapshot(), before.snapshot);
  EXPECT_EQ(e->get(a)->merged_into, far);
}

TEST(Merge, DuplicatesFollowThePolicyWindowAndArea) {
  auto e = make_engine();
  Timestamp t = kT0;
  const PetitionId a = *e->submit(resident("r1"), submission("noise", kHousehold, "r1"), t);
  const PetitionId same_grid = *e->submit(resident("r2"), submission("noise", "H-G01B02-0301", "r2"), t + kHour);
  const PetitionId other_cat = *e->submit(resident("r3"), submission("property", kHousehold, "r3"), t + kHour);
  const PetitionId late = *e->submit(resident("r4"), submission("noise", kHousehold, "r4"), t + 31 * kDayS);
  EXPECT_EQ(*e->duplicates(a), (std::vector<PetitionId>{same_grid}));
  EXPECT_EQ(*e->duplicates(late), std::vector<PetitionId>{}) << "31 days after: outside the 30-day window";
  (void)other_cat;
  EXPECT_EQ(e->duplicates(0).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e->duplicates(~PetitionId{0}).status().code(), absl::StatusCode::kNotFound);

  const std::string building = R"({"name": "b", "extends": "national", "rules": [
      {"id": "petition.duplicates", "params": {"window": "40d", "area": "building"}}]})";
  ASSERT_TRUE(e->set_policy(building, t + 32 * kDayS).ok());
  EXPECT_EQ(*e->duplicates(a), (std::vector<PetitionId>{late})) << "same building, within 40 days";
  for (const char* bad : {R"({"window": "5wd", "area": "grid"})", R"({"window": "30d", "area": "street"})",
                          R"({"window": "0d", "area": "grid"})"}) {
    const Before before(*e);
    const std::string doc = std::string(R"({"name": "x", "extends": "national", "rules": [
      {"id": "petition.duplicates", "params": )") + bad + "}]}";
    auto st = e->set_policy(doc, t + 33 * kDayS);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(st.message().find("petition.duplicates"), std::string_view::npos) << st;
    before.expect_same(*e, bad);
  }
}

TEST(NotOurs, NamesWhoIsCompetentAndTellsTheResident) {
  auto e = make_engine();
  const PetitionId id = drive_to(*e, State::kInProgress, kT0);
  const std::string holder = e->get(id)->current_unit;
  const Timestamp t = kT0 + 10 * kHour;
  ASSERT_TRUE(e->return_not_ours(grid_worker(), id, kStreet, "", "夜间施工噪音由街道综合执法办理", t).ok());
  auto check = [&](const Engine& en, std::string_view where) {
    SCOPED_TRACE(where);
    auto v = en.get(id);
    EXPECT_EQ(v->state, State::kAccepted);
    EXPECT_EQ(v->not_ours_returns, 1);
    ASSERT_TRUE(v->not_ours.has_value());
    EXPECT_EQ(*v->not_ours, (NotOursAnswer{holder, kStreet, "", "夜间施工噪音由街道综合执法办理", t}));
    const Event last = en.history(id)->back();
    EXPECT_EQ(last.type, EventType::kReturn);
    EXPECT_TRUE(last.payload.not_ours);
    EXPECT_EQ(last.payload.unit, kStreet);
    EXPECT_NE(en.export_json(id)->find("非本单位职责"), std::string::npos);
  };
  check(*e, "live");
  auto replayed = replay(*e);
  check(*replayed, "replayed");
  auto restored = *Engine::create("national");
  ASSERT_TRUE(restored->restore(e->snapshot()).ok());
  check(*restored, "restored");
  EXPECT_EQ(replayed->snapshot(), e->snapshot());
  EXPECT_EQ(restored->snapshot(), e->snapshot());

  // An external body, then the petition goes on (dispatched again, returned as not ours again).
  const PetitionId other = drive_to(*e, State::kDispatched, kT0 + 20 * kHour);
  ASSERT_TRUE(e->return_not_ours(grid_worker(), other, "", "市供电公司", "线路故障由供电公司抢修", kT0 + 30 * kHour).ok());
  auto v = e->get(other);
  EXPECT_EQ(v->not_ours->external_body, "市供电公司");
  EXPECT_EQ(v->not_ours->competent_unit, "");
  EXPECT_EQ(v->not_ours->reason, "线路故障由供电公司抢修");
  const Event ev = e->history(other)->back();
  auto round = Engine::decode_event(Engine::encode_event(ev));
  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_EQ(*round, ev);
  EXPECT_EQ(Engine::encode_event(ev)[1], 1) << "format version 1, two more flag bits";
  auto again = replay(*e);
  EXPECT_EQ(again->snapshot(), e->snapshot());
  EXPECT_EQ(again->get(other)->not_ours, v->not_ours);
}

TEST(NotOurs, RefusedWithoutWhoIsCompetent) {
  auto e = make_engine();
  const PetitionId id = drive_to(*e, State::kInProgress, kT0);
  const std::string holder = e->get(id)->current_unit;
  const Timestamp t = kT0 + 10 * kHour;
  const Before before(*e);
  auto code = [&](std::string_view unit, std::string_view body, std::string_view reason = "not ours") {
    return e->return_not_ours(grid_worker(), id, unit, body, reason, t);
  };
  auto none = code("", "");
  EXPECT_EQ(none.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(none.message().find("must name the competent unit"), std::string_view::npos) << none;
  EXPECT_EQ(code(kStreet, "市供电公司").code(), absl::StatusCode::kInvalidArgument) << "both";
  EXPECT_EQ(code("nowhere", "").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(code(holder, "").code(), absl::StatusCode::kInvalidArgument) << "itself";
  EXPECT_EQ(code("", std::string(129, 'x')).code(), absl::StatusCode::kInvalidArgument) << "too long";
  EXPECT_EQ(code("", "供电\n公司").code(), absl::StatusCode::kInvalidArgument) << "a control character";
  EXPECT_EQ(code("", std::string("供电\0公司", 13)).code(), absl::StatusCode::kInvalidArgument) << "a NUL";
  EXPECT_EQ(code("", "\xff\xfe").code(), absl::StatusCode::kInvalidArgument) << "not UTF-8";
  EXPECT_EQ(code(kStreet, "", "").code(), absl::StatusCode::kInvalidArgument) << "no reason";
  EXPECT_EQ(e->return_not_ours(grid_worker(), ~PetitionId{0}, kStreet, "", "x", t).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e->return_not_ours(grid_worker(), 0, kStreet, "", "x", t).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e->return_not_ours(resident("r1"), id, kStreet, "", "x", t).code(), absl::StatusCode::kPermissionDenied);
  // A plain return does not name a competent unit.
  EventPayload plain;
  plain.reason = "wrong unit";
  plain.unit = kStreet;
  EXPECT_EQ(e->execute(grid_worker(), EventType::kReturn, id, plain, t).status().code(),
            absl::StatusCode::kInvalidArgument);
  before.expect_same(*e, "refused returns as not ours");
  EXPECT_EQ(e->get(id)->not_ours_returns, 0);
  EXPECT_FALSE(e->get(id)->not_ours.has_value());
  EXPECT_TRUE(e->return_not_ours(grid_worker(), id, kStreet, "", "x", t).ok());
}

}  // namespace
}  // namespace jiceng::testing
