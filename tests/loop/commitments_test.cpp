// The commitments loop (承诺): the list ticked off item by item, the clock's overdue, the
// yearly review with the two-consecutive-不称职 rule of 居委会组织法 2026 第三十七条 /
// 村委会组织法 2026 第三十八条 at its boundary, role × scope cells from the table, bad input
// that changes nothing, replay and snapshots.
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "jiceng/journal.hpp"

#include "loop/commitments_loop.hpp"
#include "loop/civic_fixture.hpp"

namespace jiceng {
namespace {

using namespace civic_test;
namespace json = boost::json;

constexpr const char* kLoopName = "commitments";
constexpr const char* kDraft =
    R"({"unit":"C11","owner":"committee","category":"惠及民生实事","text":"老旧小区加装电梯3部",)"
    R"("measure":"3部电梯投入使用","due":"2026-12-31","term_start":2026})";
const Timestamp kT0 = at("2026-10-01") + 9 * 3600;
const Timestamp kDueAt = at("2027-01-01");  // the end of 2026-12-31, China time

absl::StatusOr<LoopOutcome> cmd(Engine& e, std::string_view event, std::uint64_t item, const Actor& a, Timestamp t,
                                std::string_view payload = "") {
  return run(e, kLoopName, event, item, a, t, payload);
}

json::object get(const Engine& e, std::uint64_t item) {
  return query(e, kLoopName, "get", "{\"item\":" + std::to_string(item) + "}");
}

// A commitment taken to `state` (drafted … evidence_submitted, overdue) by the right hands.
std::uint64_t commitment_in(Engine& e, std::string_view state, std::string_view draft = kDraft) {
  auto r = cmd(e, "draft", 0, kSec, kT0, draft);
  EXPECT_TRUE(r.ok()) << r.status();
  const std::uint64_t id = r.ok() ? r->item : 0;
  if (state == "drafted") return id;
  EXPECT_TRUE(cmd(e, "approve", id, kSec, kT0 + 1, R"({"note":"党员大会逐项审定"})").ok());
  if (state == "approved") return id;
  EXPECT_TRUE(cmd(e, "publish", id, kStaff, kT0 + 2).ok());
  if (state == "published") return id;
  if (state == "overdue") {
    auto t = e.tick(kDueAt);
    EXPECT_TRUE(t.ok() && t->loop_events == 1) << (t.ok() ? "events" : t.status().ToString());
    return id;
  }
  EXPECT_TRUE(cmd(e, "progress", id, kStaff, kT0 + 3, R"({"period":"2026Q4","text":"完成选址","percent":30})").ok());
  if (state == "in_progress") return id;
  EXPECT_TRUE(cmd(e, "submit_evidence", id, kStaff, kT0 + 4, R"({"evidence":["竣工验收报告"]})").ok());
  return id;
}

std::string review_open(std::string_view member, int year, std::string_view office = "residents_committee") {
  return internal::cat(R"({"unit":"C11","member":")", member, R"(","year":)", year, R"(,"office":")", office, "\"}");
}

// One yearly review of `member`, rated and concluded with `grade` at the start of year+1.
absl::StatusOr<std::uint64_t> review(Engine& e, std::string_view member, int year, std::string_view grade,
                                     std::string_view office = "residents_committee") {
  const Timestamp t = at(internal::cat(year + 1, "-01-10").c_str());
  JICENG_ASSIGN_OR_RETURN(auto o, cmd(e, "open_review", 0, kSec, t, review_open(member, year, office)));
  const std::string g = internal::cat(R"({"grade":")", grade, "\"}");
  JICENG_RETURN_IF_ERROR(cmd(e, "rate_org", o.item, kStreet, t + 1, g).status());
  JICENG_RETURN_IF_ERROR(
      cmd(e, "rate_members", o.item, kStaff, t + 2, internal::cat(R"({"grade":")", grade, R"(","raters":41})")).status());
  JICENG_RETURN_IF_ERROR(
      cmd(e, "rate_residents", o.item, kStaff, t + 3, internal::cat(R"({"grade":")", grade, R"(","raters":25})")).status());
  JICENG_RETURN_IF_ERROR(cmd(e, "conclude", o.item, kStreet, t + 4, g).status());
  return o.item;
}

TEST(Commitments, TableChecksAndIsRegistered) {
  EXPECT_TRUE(check_table(commitments_table()).ok());
  auto e = make_engine();
  const auto& loops = e->loops();
  EXPECT_NE(std::find(loops.begin(), loops.end(), std::string(kLoopName)), loops.end());
  const std::string md = loop_permission_matrix(commitments_table());
  EXPECT_NE(md.find("| evidence_submitted | confirm | done | street_officer, district_officer | strict_ancestor |"),
            std::string::npos)
      << md;
  EXPECT_NE(loop_diagram_dot(commitments_table()).find("concluded -> office_ended"), std::string::npos);
}

TEST(Commitments, TickedOffItemByItemWithEvidenceConfirmedAbove) {
  auto e = make_engine();
  const std::uint64_t id = commitment_in(*e, "evidence_submitted");
  EXPECT_EQ(get(*e, id)["state"].as_string(), "evidence_submitted");
  // The upper unit sends it back once, then confirms the new evidence: 销号.
  ASSERT_TRUE(cmd(*e, "reject", id, kStreet, kT0 + 5, R"({"reason":"缺少验收照片"})").ok());
  auto it = get(*e, id);
  EXPECT_EQ(it["state"].as_string(), "in_progress");
  EXPECT_FALSE(it["data"].as_object().contains("evidence"));
  EXPECT_EQ(it["data"].as_object()["rejections"].as_array().size(), 1u);
  ASSERT_TRUE(cmd(*e, "submit_evidence", id, kSec, kT0 + 6, R"({"evidence":["竣工验收报告","现场照片"]})").ok());
  ASSERT_TRUE(cmd(*e, "confirm", id, kStreet, kT0 + 7, R"({"note":"核验无误"})").ok());
  it = get(*e, id);
  EXPECT_EQ(it["state"].as_string(), "done");
  EXPECT_EQ(it["state_zh"].as_string(), "已销号");
  EXPECT_EQ(it["data"].as_object()["confirmed_unit"].as_string(), "S1");
  EXPECT_EQ(it["data"].as_object()["due_at"].as_int64(), kDueAt);
  // A draft is not on the public board; the done item is, with the share ticked off.
  commitment_in(*e, "drafted");
  auto board = query(*e, kLoopName, "board", R"({"unit":"S1"})");
  ASSERT_EQ(board["items"].as_array().size(), 1u);
  EXPECT_EQ(board["items"].as_array()[0].as_object().at("evidence").as_array().size(), 2u);
  EXPECT_EQ(board["items"].as_array()[0].as_object().at("unit_name").as_string(), "龙桥社区");
  EXPECT_EQ(board["totals"].as_object()["done_percent"].as_string(), "100.00");
  // A member's own commitment (个人任期目标) names the member.
  std::string own = kDraft;
  own.replace(own.find("committee"), 9, "m1");
  const std::uint64_t mine = commitment_in(*e, "in_progress", own);
  board = query(*e, kLoopName, "board");
  EXPECT_EQ(board["items"].as_array().size(), 2u);
  EXPECT_EQ(board["items"].as_array()[1].as_object().at("owner_name").as_string(), "张三");
  EXPECT_EQ(board["totals"].as_object()["done_percent"].as_string(), "50.00");
  EXPECT_EQ(board["items"].as_array()[1].as_object().at("progress").as_object().at("percent").as_int64(), 30);
  // The owner submits it (acting as community staff under their own id).
  ASSERT_TRUE(cmd(*e, "submit_evidence", mine, Actor{"m1", Role::kCommunityStaff, "C11"}, kT0 + 8,
                  R"({"evidence":["台账"]})")
                  .ok());
}

TEST(Commitments, TheClockMarksOverdueAtTheEndOfTheDueDayAndAnExplanationIsPublished) {
  auto e = make_engine();
  const std::uint64_t id = commitment_in(*e, "in_progress");
  EXPECT_EQ(e->loops().size() >= 2, true);
  // One second before the end of the due day: nothing is due.
  auto t = e->tick(kDueAt - 1);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->loop_events, 0u);
  EXPECT_EQ(get(*e, id)["state"].as_string(), "in_progress");
  t = e->tick(kDueAt);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->loop_events, 1u);
  auto it = get(*e, id);
  EXPECT_EQ(it["state"].as_string(), "overdue");
  EXPECT_EQ(it["data"].as_object()["overdue_at"].as_int64(), kDueAt);
  const auto ev = e->events(e->last_seq(), 1);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].actor.role, Role::kSystem);
  EXPECT_EQ(ev[0].payload.document, R"({"loop":"commitments","event":"mark_overdue","item":1,"data":{}})");
  // Nothing more to do for it; progress may still be posted while overdue.
  t = e->tick(kDueAt + 86400);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->loop_events, 0u);
  ASSERT_TRUE(cmd(*e, "progress", id, kStaff, kDueAt + 10, R"({"period":"2027Q1","text":"资金待拨付"})").ok());
  EXPECT_EQ(get(*e, id)["state"].as_string(), "overdue");
  ASSERT_TRUE(cmd(*e, "explain", id, kSec, kDueAt + 20, R"({"explanation":"加装电梯业主意见未统一，转入下一年度"})").ok());
  auto board = query(*e, kLoopName, "board");
  ASSERT_EQ(board["items"].as_array().size(), 1u);
  EXPECT_EQ(board["items"].as_array()[0].as_object().at("state").as_string(), "not_fulfilled");
  EXPECT_EQ(board["items"].as_array()[0].as_object().at("explanation").as_string(),
            "加装电梯业主意见未统一，转入下一年度");
  EXPECT_EQ(board["totals"].as_object()["not_fulfilled"].as_int64(), 1);
  // A commitment ticked off in time is never overdue; one submitted waits for confirmation.
  const std::uint64_t in_time = commitment_in(*e, "evidence_submitted");
  (void)in_time;
  t = e->tick(kDueAt + 100);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->loop_events, 0u);
}

TEST(Commitments, TwoConsecutiveUnfitReviewsEndTheOfficeAndOnlyThose) {
  VectorSink sink;
  auto e = make_engine(&sink);
  // 不称职, then 称职, then 不称职: never two in a row — the office stands.
  ASSERT_TRUE(review(*e, "m1", 2026, "不称职").ok());
  ASSERT_TRUE(review(*e, "m1", 2027, "称职").ok());
  auto third = review(*e, "m1", 2028, "不称职");
  ASSERT_TRUE(third.ok()) << third.status();
  auto it = get(*e, *third);
  EXPECT_EQ(it["state"].as_string(), "concluded");
  EXPECT_EQ(it["data"].as_object()["consecutive_unfit"].as_int64(), 1);
  EXPECT_EQ(it["data"].as_object()["previous_review"].as_string(), "C00000002");
  EXPECT_FALSE(it["data"].as_object()["ends_office"].as_bool());
  auto t = e->tick(at("2029-06-01"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->loop_events, 0u);
  EXPECT_EQ(query(*e, kLoopName, "offices")["ended"].as_array().size(), 0u);
  // A party office with two 不称职 in a row: the statute's rule is for committee members only.
  ASSERT_TRUE(review(*e, "m2", 2026, "不称职", "party_committee").ok());
  auto party = review(*e, "m2", 2027, "不称职", "party_committee");
  ASSERT_TRUE(party.ok());
  EXPECT_EQ(get(*e, *party)["data"].as_object()["consecutive_unfit"].as_int64(), 2);
  EXPECT_FALSE(get(*e, *party)["data"].as_object()["ends_office"].as_bool());
  // The second 不称职 in a row of m1: the review says so, the clock ends the office by an event.
  auto fourth = review(*e, "m1", 2029, "不称职");
  ASSERT_TRUE(fourth.ok());
  it = get(*e, *fourth);
  EXPECT_EQ(it["data"].as_object()["consecutive_unfit"].as_int64(), 2);
  EXPECT_TRUE(it["data"].as_object()["ends_office"].as_bool());
  auto offices = query(*e, kLoopName, "offices");
  EXPECT_EQ(offices["ending"].as_array().size(), 1u);
  const Timestamp concluded = it["updated"].as_int64();
  EXPECT_EQ(e->loop_table(kLoopName) != nullptr, true);
  t = e->tick(concluded);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->loop_events, 1u);
  const auto ev = e->events(e->last_seq(), 1);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].actor.role, Role::kSystem);
  EXPECT_EQ(ev[0].payload.document,
            internal::cat(R"({"loop":"commitments","event":"end_office","item":)", *fourth, R"(,"data":{}})"));
  it = get(*e, *fourth);
  EXPECT_EQ(it["state"].as_string(), "office_ended");
  EXPECT_EQ(it["state_zh"].as_string(), "职务终止");
  offices = query(*e, kLoopName, "offices");
  ASSERT_EQ(offices["ended"].as_array().size(), 1u);
  const auto& ended = offices["ended"].as_array()[0].as_object();
  EXPECT_EQ(ended.at("member").as_string(), "m1");
  EXPECT_EQ(ended.at("member_name").as_string(), "张三");
  EXPECT_EQ(ended.at("office").as_string(), "residents_committee");
  EXPECT_EQ(ended.at("year").as_int64(), 2029);
  EXPECT_EQ(ended.at("ended_at").as_int64(), concluded);
  EXPECT_EQ(offices["ending"].as_array().size(), 0u);
  // There is no office left to review.
  const Observed before = state_of(*e, kLoopName);
  auto again = cmd(*e, "open_review", 0, kSec, at("2031-01-10"), review_open("m1", 2030));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("ended by review"), std::string::npos) << again.status();
  EXPECT_EQ(state_of(*e, kLoopName), before);
  // The reviews query: every review of m1 with its grade.
  auto rv = query(*e, kLoopName, "reviews", R"({"member":"m1"})");
  EXPECT_EQ(rv["reviews"].as_array().size(), 4u);
  EXPECT_EQ(rv["grades"].as_object()["不称职"].as_int64(), 3);
  // A fresh run on the villagers' side: two in a row from the start end it too (村 38).
  ASSERT_TRUE(review(*e, "m3", 2026, "不称职", "villagers_committee").ok());
  auto v2 = review(*e, "m3", 2027, "不称职", "villagers_committee");
  ASSERT_TRUE(v2.ok());
  EXPECT_TRUE(get(*e, *v2)["data"].as_object()["ends_office"].as_bool());
  ASSERT_TRUE(e->tick(at("2028-02-01")).ok());
  EXPECT_EQ(query(*e, kLoopName, "offices")["ended"].as_array().size(), 2u);
  expect_replay_equal(*e, sink, kLoopName, {{"offices", ""}, {"reviews", ""}, {"board", ""}});
}

TEST(Commitments, ReviewsFollowEachOtherYearByYear) {
  auto e = make_engine();
  ASSERT_TRUE(review(*e, "m1", 2027, "称职").ok());
  const Observed before = state_of(*e, kLoopName);
  auto older = cmd(*e, "open_review", 0, kSec, at("2028-03-01"), review_open("m1", 2026));
  EXPECT_EQ(older.status().code(), absl::StatusCode::kAlreadyExists) << older.status();
  auto same = cmd(*e, "open_review", 0, kSec, at("2028-03-01"), review_open("m1", 2027));
  EXPECT_EQ(same.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(state_of(*e, kLoopName), before);
  auto open = cmd(*e, "open_review", 0, kSec, at("2029-01-05"), review_open("m1", 2028));
  ASSERT_TRUE(open.ok());
  auto while_open = cmd(*e, "open_review", 0, kSec, at("2029-01-06"), review_open("m1", 2029));
  EXPECT_EQ(while_open.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(while_open.status().message().find("still open"), std::string::npos);
}

// The yearly cadence (居 37: at least once a year): a year that ends without a committee
// member's next review is a finding the clock records on the latest review, one per year,
// until a review for a later year is opened; a party office is not the statute's.
TEST(Commitments, AYearWithoutTheNextReviewIsAFinding) {
  VectorSink sink;
  auto e = make_engine(&sink);
  auto first = review(*e, "m1", 2026, "称职");  // concluded 2027-01-10
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(review(*e, "m2", 2026, "称职", "party_committee").ok());
  EXPECT_EQ(e->next_wake(), at("2028-01-01"));
  auto t = e->tick(at("2028-01-01") - 1);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->loop_events, 0u);
  t = e->tick(at("2028-01-01"));  // 2027 ended without m1's review
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->loop_events, 1u);
  const auto ev = e->events(e->last_seq(), 1);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].actor.role, Role::kSystem);
  EXPECT_NE(ev[0].payload.document.find("\"event\":\"miss_review\""), std::string::npos);
  auto missed = query(*e, kLoopName, "reviews")["missed"].as_array();
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].as_object().at("member").as_string(), "m1");
  EXPECT_EQ(missed[0].as_object().at("year").as_int64(), 2027);
  EXPECT_EQ(missed[0].as_object().at("code").as_string(), "review_missed");
  EXPECT_EQ(get(*e, *first)["state"].as_string(), "concluded");
  // A host's actor cannot record the finding; the clock's row is the clock's.
  const Observed before = state_of(*e, kLoopName);
  EXPECT_EQ(cmd(*e, "miss_review", *first, kDistrict, at("2029-01-02")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(state_of(*e, kLoopName), before);
  // Another year without it: a second finding; then the 2029 review is opened, and a later
  // year's end finds nothing while it runs.
  ASSERT_TRUE(e->tick(at("2029-01-01")).ok());
  EXPECT_EQ(query(*e, kLoopName, "reviews")["missed"].as_array().size(), 2u);
  ASSERT_TRUE(cmd(*e, "open_review", 0, kSec, at("2029-02-01"), review_open("m1", 2029)).ok());
  t = e->tick(at("2031-01-01"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->loop_events, 0u);
  EXPECT_EQ(query(*e, kLoopName, "reviews", R"({"year":2028})")["missed"].as_array().size(), 1u);
  expect_replay_equal(*e, sink, kLoopName, {{"reviews", ""}, {"offices", ""}});
}

TEST(Commitments, RoleAndScopeCellsFollowTheTable) {
  const Timestamp t = kDueAt + 86400;  // after the due day; the 2027Q1 period has begun
  auto prepare = [&](const LoopRow& row) {
    Prepared p;
    p.engine = make_engine();
    p.item_unit = "C11";
    const std::string_view from = row.from;
    if (from.empty()) return p;
    if (from == "reviewing" || from == "concluded") {
      auto o = cmd(*p.engine, "open_review", 0, kSec, kT0, review_open("m1", 2026));
      EXPECT_TRUE(o.ok());
      p.item = o.ok() ? o->item : 0;
      if (row.event == "conclude" || from == "concluded") {
        EXPECT_TRUE(cmd(*p.engine, "rate_org", p.item, kStreet, kT0, R"({"grade":"称职"})").ok());
        EXPECT_TRUE(cmd(*p.engine, "rate_members", p.item, kStaff, kT0, R"({"grade":"称职"})").ok());
        EXPECT_TRUE(cmd(*p.engine, "rate_residents", p.item, kStaff, kT0, R"({"grade":"称职"})").ok());
      }
      if (from == "concluded") {
        EXPECT_TRUE(cmd(*p.engine, "conclude", p.item, kSec, kT0, R"({"grade":"称职"})").ok());
      }
      return p;
    }
    p.item = commitment_in(*p.engine, from);
    return p;
  };
  auto payload = [](const LoopRow& row) -> std::string {
    const std::string_view ev = row.event;
    if (ev == "draft") return kDraft;
    if (ev == "progress") return R"({"period":"2027Q1","text":"进展"})";
    if (ev == "submit_evidence") return R"({"evidence":["照片"]})";
    if (ev == "reject" || ev == "withdraw") return R"({"reason":"理由"})";
    if (ev == "explain") return R"({"explanation":"说明"})";
    if (ev == "open_review") return review_open("m1", 2026);
    if (ev == "rate_org" || ev == "rate_members" || ev == "rate_residents" || ev == "conclude") {
      return R"({"grade":"称职"})";
    }
    return "";
  };
  const int cells = check_cells(commitments_table(), prepare, payload, t);
  // 23 rows a host may use (26 less the clock's 3), 10 roles, 6 units.
  EXPECT_EQ(cells, 23 * 10 * 6);
}

TEST(Commitments, TheClockRowsAreRefusedToHosts) {
  auto e = make_engine();
  const std::uint64_t id = commitment_in(*e, "published");
  const Observed before = state_of(*e, kLoopName);
  auto r = cmd(*e, "mark_overdue", id, Actor{"system", Role::kSystem, ""}, kDueAt);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  r = cmd(*e, "mark_overdue", id, kDistrict, kDueAt);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(state_of(*e, kLoopName), before);
}

TEST(Commitments, BadInputIsAClearErrorAndChangesNothing) {
  auto e = make_engine();
  const std::uint64_t committee = commitment_in(*e, "in_progress");
  std::string own = kDraft;
  own.replace(own.find("committee"), 9, "m1");
  const std::uint64_t mine = commitment_in(*e, "in_progress", own);
  auto rev = cmd(*e, "open_review", 0, kSec, kT0 + 10, review_open("m2", 2026));
  ASSERT_TRUE(rev.ok());
  const Observed before = state_of(*e, kLoopName);
  struct Case {
    std::string name;
    absl::Status status;
    absl::StatusCode code;
    std::string says;
  };
  auto draft_with = [&](std::string_view field, std::string_view value) {
    json::object o = json::parse(kDraft).as_object();
    if (value.empty()) {
      o.erase(civic::jv(field));
    } else {
      o[civic::jv(field)] = json::parse(civic::jv(value));
    }
    return cmd(*e, "draft", 0, kSec, kT0 + 20, json::serialize(o)).status();
  };
  const Timestamp t = kT0 + 20;
  const std::vector<Case> cases = {
      {"evidence on another community's item", cmd(*e, "submit_evidence", committee, kOtherStaff, t,
                                                   R"({"evidence":["x"]})").status(),
       absl::StatusCode::kPermissionDenied, "scope item_unit requires unit C11"},
      {"evidence on another member's item", cmd(*e, "submit_evidence", mine, Actor{"m2", Role::kCommunityStaff, "C11"},
                                               t, R"({"evidence":["x"]})").status(),
       absl::StatusCode::kPermissionDenied, "m1's own commitment"},
      {"no evidence", cmd(*e, "submit_evidence", committee, kSec, t, R"({"evidence":[]})").status(),
       absl::StatusCode::kInvalidArgument, "1 to 20"},
      {"rating outside the grade set", cmd(*e, "rate_org", rev->item, kStreet, t, R"({"grade":"差"})").status(),
       absl::StatusCode::kInvalidArgument, "grade \"差\" is not in the grade set of rule review.democratic (优秀, 称职, 基本称职, 不称职)"},
      {"conclude before the ratings", cmd(*e, "conclude", rev->item, kStreet, t, R"({"grade":"称职"})").status(),
       absl::StatusCode::kFailedPrecondition, "organization rating is missing"},
      {"unknown member", cmd(*e, "open_review", 0, kSec, t, review_open("m9", 2026)).status(),
       absl::StatusCode::kNotFound, "member \"m9\""},
      {"unknown office", cmd(*e, "open_review", 0, kSec, t, review_open("m1", 2026, "mayor")).status(),
       absl::StatusCode::kInvalidArgument, "office \"mayor\""},
      {"due outside the term", draft_with("due", "\"2031-01-01\""), absl::StatusCode::kInvalidArgument,
       "outside the term 2026–2030"},
      {"due not a day", draft_with("due", "\"2026-02-30\""), absl::StatusCode::kInvalidArgument, "not a day"},
      {"unknown owner", draft_with("owner", "\"m9\""), absl::StatusCode::kNotFound, "owner \"m9\""},
      {"no measure", draft_with("measure", ""), absl::StatusCode::kInvalidArgument, "\"measure\""},
      {"a misspelt field", draft_with("catgory", "\"x\""), absl::StatusCode::kInvalidArgument,
       "unknown field \"catgory\""},
      {"the district as unit",
       cmd(*e, "draft", 0, Actor{"x", Role::kCommunitySecretary, "D"}, t,
           R"({"unit":"D","owner":"committee","category":"c","text":"t","measure":"m","due":"2026-12-31","term_start":2026})")
           .status(),
       absl::StatusCode::kInvalidArgument, "below the district"},
      {"progress twice in a period", cmd(*e, "progress", committee, kStaff, t, R"({"period":"2026Q4","text":"x"})").status(),
       absl::StatusCode::kAlreadyExists, "2026Q4 is already posted"},
      {"progress for a period not begun", cmd(*e, "progress", committee, kStaff, t, R"({"period":"2027Q1","text":"x"})").status(),
       absl::StatusCode::kInvalidArgument, "has not begun"},
      {"progress by month", cmd(*e, "progress", committee, kStaff, t, R"({"period":"2026-10","text":"x"})").status(),
       absl::StatusCode::kInvalidArgument, "is not a quarter like 2026Q4"},
      {"percent over 100", cmd(*e, "progress", committee, kStaff, t, R"({"period":"2026Q4","text":"x","percent":101})").status(),
       absl::StatusCode::kInvalidArgument, "0 to 100"},
      {"withdraw a published item from below", cmd(*e, "withdraw", mine, kSec, t, R"({"reason":"x"})").status(),
       absl::StatusCode::kPermissionDenied, "may not"},
      {"approve a running item", cmd(*e, "approve", mine, kSec, t).status(), absl::StatusCode::kFailedPrecondition,
       "item is in state in_progress; allowed in: drafted"},
      {"unknown query", e->query(kLoopName, "nope").status(), absl::StatusCode::kNotFound, "board, reviews, offices"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.status.code(), c.code) << c.name << ": " << c.status;
    EXPECT_NE(std::string(c.status.message()).find(c.says), std::string::npos) << c.name << ": " << c.status;
  }
  EXPECT_EQ(state_of(*e, kLoopName), before);
  // Ticking off is confirmed above the community, never by the community itself.
  ASSERT_TRUE(cmd(*e, "submit_evidence", committee, kSec, t, R"({"evidence":["x"]})").ok());
  const Observed submitted = state_of(*e, kLoopName);
  auto self = cmd(*e, "confirm", committee, kSec, t);
  EXPECT_EQ(self.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(self.status().message().find("allowed roles: street_officer, district_officer"), std::string::npos);
  auto same_unit = cmd(*e, "confirm", committee, Actor{"x", Role::kStreetOfficer, "C11"}, t);
  EXPECT_EQ(same_unit.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(same_unit.status().message().find("or an ancestor above it"), std::string::npos) << same_unit.status();
  EXPECT_EQ(state_of(*e, kLoopName), submitted);
  // A forged derived field is not taken from the payload: the loop derives it.
  ASSERT_TRUE(cmd(*e, "rate_org", rev->item, kStreet, t, R"({"grade":"不称职"})").ok());
  ASSERT_TRUE(cmd(*e, "rate_members", rev->item, kStaff, t, R"({"grade":"不称职"})").ok());
  ASSERT_TRUE(cmd(*e, "rate_residents", rev->item, kStaff, t, R"({"grade":"不称职"})").ok());
  ASSERT_TRUE(cmd(*e, "conclude", rev->item, kStreet, t, R"({"grade":"称职","ends_office":true,"consecutive_unfit":5})").ok());
  EXPECT_FALSE(get(*e, rev->item)["data"].as_object()["ends_office"].as_bool());
  EXPECT_EQ(get(*e, rev->item)["data"].as_object()["consecutive_unfit"].as_int64(), 0);
}

TEST(Commitments, RefusedCommandsLeaveStateAndSeq) {
  auto e = make_engine();
  const std::uint64_t id = commitment_in(*e, "in_progress");
  const Observed before = state_of(*e, kLoopName);
  EXPECT_FALSE(cmd(*e, "submit_evidence", id, kOtherStaff, kT0 + 30, R"({"evidence":["x"]})").ok());
  EXPECT_FALSE(cmd(*e, "rate_org", id, kStreet, kT0 + 30, R"({"grade":"称职"})").ok());
  EXPECT_FALSE(cmd(*e, "draft", 0, kSec, kT0 + 30, R"({"unit":"C11"})").ok());
  EXPECT_EQ(state_of(*e, kLoopName), before);
}

TEST(Commitments, ReplaySnapshotsAndTamperedDerivedFields) {
  VectorSink sink;
  auto e = make_engine(&sink);
  commitment_in(*e, "evidence_submitted");
  const std::uint64_t late = commitment_in(*e, "in_progress");
  ASSERT_TRUE(e->tick(kDueAt).ok());
  EXPECT_EQ(get(*e, late)["state"].as_string(), "overdue");
  ASSERT_TRUE(review(*e, "m1", 2026, "不称职").ok());
  auto second = review(*e, "m1", 2027, "不称职");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(e->tick(at("2028-02-01")).ok());
  EXPECT_EQ(get(*e, *second)["state"].as_string(), "office_ended");
  const std::string snap = e->snapshot();
  EXPECT_EQ(static_cast<int>(snap[6]), 3);
  expect_replay_equal(*e, sink, kLoopName, {{"board", ""}, {"offices", ""}, {"reviews", ""}, {"counts", ""}});
  // The conclude event of the second review, with its derived fields changed, does not replay.
  std::size_t index = sink.all.size();
  for (std::size_t i = 0; i < sink.all.size(); ++i) {
    if (sink.all[i].payload.document.find("\"conclude\",\"item\":" + std::to_string(*second)) != std::string::npos) {
      index = i;
    }
  }
  ASSERT_LT(index, sink.all.size());
  const std::string doc = sink.all[index].payload.document;
  ASSERT_NE(doc.find("\"ends_office\":true"), std::string::npos) << doc;
  std::string forged = doc;
  forged.replace(forged.find("\"ends_office\":true"), 18, "\"ends_office\":false");
  EXPECT_EQ(replay_tampered(sink, index, forged).code(), absl::StatusCode::kDataLoss);
  std::string other_grade = doc;
  other_grade.replace(other_grade.find("\"grade\":\"不称职\""), std::string("\"grade\":\"不称职\"").size(),
                      "\"grade\":\"称职\"");
  EXPECT_EQ(replay_tampered(sink, index, other_grade).code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(replay_tampered(sink, index, doc).ok());
}

TEST(Commitments, JournaledAndReopenedWithTheEndedOffice) {
  const auto path =
      std::filesystem::temp_directory_path() / ("jiceng_commitments_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  std::string digest, offices;
  {
    JournalOptions o;
    o.policy = "wuzhong";
    auto d = open_engine(path.string(), o);
    ASSERT_TRUE(d.ok()) << d.status();
    Engine& e = (*d)->engine();
    ASSERT_TRUE(e.load_org(kOrg, at("2026-01-01")).ok());
    commitment_in(e, "in_progress");
    ASSERT_TRUE(review(e, "m1", 2026, "不称职").ok());
    ASSERT_TRUE((*d)->write_snapshot().ok());
    ASSERT_TRUE(review(e, "m1", 2027, "不称职").ok());
    ASSERT_TRUE(e.tick(at("2028-02-01")).ok());  // overdue, and the office ends
    digest = (*d)->state_digest();
    offices = *e.query(kLoopName, "offices");
  }
  ASSERT_NE(offices.find("\"member\":\"m1\""), std::string::npos) << offices;
  for (bool snapshots : {true, false}) {
    JournalOptions o;
    o.use_snapshots = snapshots;
    auto d = open_engine(path.string(), o);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ((*d)->state_digest(), digest);
    EXPECT_EQ(*(*d)->engine().query(kLoopName, "offices"), offices);
    auto rep = (*d)->journal().verify();
    ASSERT_TRUE(rep.ok()) << rep.status();
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace jiceng
