// The deliberation loop (议事): its table (legal and illegal transitions, every role × scope
// cell generated from the rows), the procedures chosen by policy and overridden with a
// reason, meetings counted by vote.meeting / vote.owners_assembly from their roll, the
// refusals of a bad roll that change nothing, the art. 278 refusal, disclosures completed by
// the clock after the Civil Code period, the yearly-review findings, replay and snapshots.
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "boost/json.hpp"
#include "jiceng/calendar.hpp"
#include "jiceng/deliberation.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/loop.hpp"
#include "loop/deliberation_loop.hpp"
#include "loop/loop_fixture.hpp"

namespace jiceng {
namespace {

namespace json = boost::json;

// D → S1 {C1 (urban) {G1 {B1}}, C2 (compound) {K1 {KB1}}}, T1 (rural) {V1 {VB {VG}}}, S2 {C3}.
constexpr const char* kOrg = R"({"schema": "urban_grid", "units": [
 {"id": "D", "name": "区委", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "一街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "S2", "name": "二街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "C1", "name": "泾峰社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "G1", "name": "一网格", "level": 3, "kind": "grid_branch", "parent": "C1"},
 {"id": "B1", "name": "1幢", "level": 4, "kind": "building_group", "parent": "G1"},
 {"id": "C2", "name": "钟南社区", "level": 2, "kind": "community_committee", "parent": "S1", "schema": "compound"},
 {"id": "K1", "name": "钟南小区党支部", "level": 3, "kind": "compound_branch", "parent": "C2"},
 {"id": "KB1", "name": "1幢", "level": 4, "kind": "building_group", "parent": "K1"},
 {"id": "C3", "name": "丙社区", "level": 2, "kind": "community_committee", "parent": "S2"},
 {"id": "T1", "name": "一镇", "level": 1, "kind": "township_committee", "parent": "D", "schema": "rural"},
 {"id": "V1", "name": "一村", "level": 2, "kind": "community_committee", "parent": "T1"},
 {"id": "VB", "name": "自然村", "level": 3, "kind": "village_branch", "parent": "V1"},
 {"id": "VG", "name": "村民小组", "level": 4, "kind": "villager_group", "parent": "VB"}
], "members": [
 {"id": "P1", "name": "甲", "party_member": true, "org_unit": "C1", "residence_unit": "B1"},
 {"id": "P2", "name": "乙", "party_member": true, "org_unit": "C1", "residence_unit": "B1"},
 {"id": "P3", "name": "丙", "party_member": true, "org_unit": "G1", "residence_unit": "B1"},
 {"id": "P4", "name": "丁", "party_member": true, "org_unit": "G1", "residence_unit": "B1"},
 {"id": "P5", "name": "戊", "party_member": true, "org_unit": "G1", "residence_unit": "B1"},
 {"id": "P9", "name": "外", "party_member": true, "org_unit": "C3"},
 {"id": "R1", "name": "居民一", "party_member": false, "org_unit": "C1", "residence_unit": "B1"},
 {"id": "R2", "name": "居民二", "party_member": false, "org_unit": "C1", "residence_unit": "B1"},
 {"id": "R3", "name": "居民三", "party_member": false, "org_unit": "C1", "residence_unit": "B1"},
 {"id": "VP1", "name": "村支书", "party_member": true, "org_unit": "V1", "residence_unit": "VG"},
 {"id": "VP2", "name": "村委", "party_member": true, "org_unit": "V1", "residence_unit": "VG"},
 {"id": "VR1", "name": "代表一", "party_member": false, "org_unit": "V1", "residence_unit": "VG"},
 {"id": "VR2", "name": "代表二", "party_member": false, "org_unit": "V1", "residence_unit": "VG"},
 {"id": "VR3", "name": "代表三", "party_member": false, "org_unit": "V1", "residence_unit": "VG"}
], "households": [
 {"id": "H1", "building": "B1"}, {"id": "H2", "building": "B1"}, {"id": "H3", "building": "B1"},
 {"id": "K-101", "building": "KB1"}, {"id": "K-102", "building": "KB1"}, {"id": "K-201", "building": "KB1"},
 {"id": "K-202", "building": "KB1"},
 {"id": "V-1", "building": "VG"}, {"id": "V-2", "building": "VG"}, {"id": "V-3", "building": "VG"},
 {"id": "V-4", "building": "VG"}, {"id": "V-5", "building": "VG"}, {"id": "V-6", "building": "VG"}
]})";

// 2026-03-02 09:00 China time (a Monday).
const Timestamp kT0 = china_time_to_utc(*parse_date("2026-03-02"), 9 * 60);
constexpr Timestamp kDay = 86400;
const Actor kSecretary{"sec1", Role::kCommunitySecretary, "C1"};
const Actor kStaff{"staff1", Role::kCommunityStaff, "C1"};
const Actor kCompoundStaff{"staff2", Role::kCommunityStaff, "C2"};
const Actor kVillageStaff{"staff3", Role::kCommunityStaff, "V1"};
const Actor kVillageSecretary{"sec3", Role::kCommunitySecretary, "V1"};
const Actor kStreet{"s1", Role::kStreetOfficer, "S1"};

using loop_test::VectorSink;

std::unique_ptr<Engine> make_engine(VectorSink* sink = nullptr) {
  return loop_test::engine_with(kOrg, kT0 - kDay, "wuzhong", sink);
}

absl::StatusOr<LoopOutcome> cmd(Engine& e, const Actor& a, std::string_view event, std::uint64_t item, Timestamp t,
                                std::string_view payload = "") {
  return loop_test::run(e, "deliberation", event, item, a, t, payload);
}

json::object get(const Engine& e, std::uint64_t item) {
  auto r = e.query("deliberation", "get", "{\"item\":" + std::to_string(item) + "}");
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? json::parse(*r).as_object() : json::object{};
}
std::string state(const Engine& e, std::uint64_t item) { return std::string(get(e, item)["state"].as_string()); }
json::object data(const Engine& e, std::uint64_t item) { return get(e, item)["data"].as_object(); }
std::string list(const Engine& e) { return *e.query("deliberation", "list"); }

// The matters' state and the engine's seq: what "nothing changed" compares.
struct Before {
  std::string list, snapshot;
  std::uint64_t seq;
};
Before before(const Engine& e) { return {list(e), e.snapshot(), e.last_seq()}; }
void expect_unchanged(const Engine& e, const Before& b, const std::string& what) {
  EXPECT_EQ(list(e), b.list) << what;
  EXPECT_EQ(e.snapshot(), b.snapshot) << what;
  EXPECT_EQ(e.last_seq(), b.seq) << what;
}

void expect_error(const absl::StatusOr<LoopOutcome>& r, absl::StatusCode code, std::string_view says) {
  EXPECT_EQ(r.status().code(), code) << r.status();
  EXPECT_NE(std::string(r.status().message()).find(says), std::string::npos) << r.status();
}

constexpr const char* kRaiseMajor =
    R"({"unit":"C1","title":"加装电梯","kind":"public_welfare_project","category":"facilities","raised_by":"party_organization"})";

// Meetings of C1 that pass.
constexpr const char* kPartyCommittee =
    R"({"body":"party_committee","date":"2026-03-02","roll":[{"person":"P1","class":"committee_member"},
       {"person":"P2","class":"committee_member"},{"person":"P3","class":"committee_member"}],
       "attended":["P1","P2","P3"],"yes":["P1","P2"],"abstain":["P3"]})";
constexpr const char* kJoint =
    R"({"body":"joint_committees","date":"2026-03-02","roll":[{"person":"P1","class":"committee_member"},
       {"person":"P2","class":"committee_member"},{"person":"R1","class":"committee_member"}],
       "attended":["P1","P2","R1"],"yes":["P1","P2","R1"]})";
// Five party members, one of them probationary (attends, no vote): 4 with a vote, 3 attend,
// 3 yes = more than half of all 4 members with a vote.
constexpr const char* kPartyMembers =
    R"({"body":"party_members_meeting","date":"2026-03-02","roll":[{"person":"P1","class":"party_member"},
       {"person":"P2","class":"party_member"},{"person":"P3","class":"party_member"},
       {"person":"P4","class":"party_member"},{"person":"P5","class":"probationary"}],
       "attended":["P1","P2","P3","P5"],"yes":["P1","P2","P3"]})";
// A committee member and four representatives (≥ 4/5 of the members: meeting.composition).
constexpr const char* kRepresentatives =
    R"({"body":"residents_representatives_meeting","date":"2026-03-02","roll":[
       {"person":"P1","class":"committee_member"},{"person":"R1","class":"representative"},
       {"person":"R2","class":"representative"},{"person":"R3","class":"representative"},
       {"person":"P2","class":"representative"}],
       "attended":["P1","R1","R2","R3"],"yes":["P1","R1","R2"],"no":["R3"]})";

// 一事一议's canvass at V1: the six households visited, five signed.
constexpr const char* kCanvass =
    R"({"date":"2026-03-01","households":["V-1","V-2","V-3","V-4","V-5","V-6"],"signed":["V-1","V-2","V-3","V-4","V-5"]})";

// Raises a major matter at C1 and takes it through the four meetings (state deliberating,
// the next step publish_resolution).
std::uint64_t through_meetings(Engine& e, Timestamp t) {
  auto r = cmd(e, kStaff, "raise", 0, t, kRaiseMajor);
  EXPECT_TRUE(r.ok()) << r.status();
  const std::uint64_t m = r.ok() ? r->item : 0;
  EXPECT_TRUE(cmd(e, kStaff, "start", m, t).ok());
  for (const char* meeting : {kPartyCommittee, kJoint, kPartyMembers, kRepresentatives}) {
    auto s = cmd(e, kStaff, "meeting_passed", m, t, meeting);
    EXPECT_TRUE(s.ok()) << s.status();
  }
  return m;
}

TEST(Deliberation, TableChecksAndIsRegistered) {
  EXPECT_TRUE(check_table(deliberation::table()).ok());
  auto e = make_engine();
  const auto loops = e->loops();
  EXPECT_NE(std::find(loops.begin(), loops.end(), std::string("deliberation")), loops.end());
  const std::string dot = loop_diagram_dot(deliberation::table());
  EXPECT_NE(dot.find("公示中"), std::string::npos);
  EXPECT_NE(dot.find("meeting_failed"), std::string::npos);
  const std::string matrix = loop_permission_matrix(deliberation::table());
  EXPECT_NE(matrix.find("complete_disclosure"), std::string::npos);
  EXPECT_NE(matrix.find("system"), std::string::npos);
}

TEST(Deliberation, FourDeliberationsTwoDisclosuresRunsToTheEnd) {
  auto e = make_engine();
  const std::uint64_t m = through_meetings(*e, kT0);
  auto d = data(*e, m);
  EXPECT_EQ(d["procedure"].as_string(), "four_deliberations_two_disclosures");
  EXPECT_EQ(d["procedure_zh"].as_string(), "四议两公开");
  EXPECT_EQ(d["selected_by"].as_string(), "policy");
  EXPECT_EQ(d["scope"].as_string(), "community");
  EXPECT_EQ(d["step"].as_int64(), 4);
  ASSERT_EQ(d["meetings"].as_array().size(), 4u);
  // The party members' meeting counted 4 with a vote (the probationary member attends only).
  const auto& pm = d["meetings"].as_array()[2].as_object();
  EXPECT_EQ(pm.at("entitled").as_int64(), 4);
  EXPECT_EQ(pm.at("attended").as_int64(), 3);
  EXPECT_EQ(pm.at("yes").as_int64(), 3);
  EXPECT_NE(pm.at("evidence").as_string().find("party_members_meeting"), json::string::npos);
  // A meeting is not a disclosure step any more; implemented is refused before it is posted.
  expect_error(cmd(*e, kStaff, "implemented", m, kT0, R"({"note":"x"})"), absl::StatusCode::kFailedPrecondition,
               "publish_resolution");
  ASSERT_TRUE(cmd(*e, kStaff, "post", m, kT0, R"({"channel":"board","from":"2026-03-02"})").ok());
  EXPECT_EQ(state(*e, m), "posted");
  // Day 15 is 2026-03-17 (the start day is not counted); complete at its 24:00.
  const Timestamp end = china_time_to_utc(*parse_date("2026-03-18"), 0);
  EXPECT_EQ(data(*e, m)["complete_at"].as_int64(), end);
  ASSERT_TRUE(e->tick(end - 1).ok());
  EXPECT_EQ(state(*e, m), "posted");
  ASSERT_TRUE(e->tick(end).ok());
  EXPECT_EQ(state(*e, m), "deliberating");
  expect_error(cmd(*e, kStaff, "conclude", m, end + 10), absl::StatusCode::kFailedPrecondition, "implement");
  ASSERT_TRUE(cmd(*e, kStaff, "implemented", m, end + 10, R"({"note":"电梯已安装"})").ok());
  ASSERT_TRUE(cmd(*e, kStaff, "post", m, end + 20, R"({"channel":"online","from":"2026-03-18"})").ok());
  ASSERT_TRUE(e->tick(end + 40 * kDay).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "conclude", m, end + 41 * kDay).ok());
  EXPECT_EQ(state(*e, m), "concluded");
  d = data(*e, m);
  EXPECT_EQ(d["disclosures"].as_array().size(), 2u);
  EXPECT_FALSE(d.contains("findings"));
  auto review = e->query("deliberation", "review", R"({"year":2026})");
  ASSERT_TRUE(review.ok()) << review.status();
  EXPECT_EQ(*review,
            R"({"communities":[{"completed_four_two":1,"major":1,"major_completed_four_two":1,"matters":1,)"
            R"("share_percent":"100.0%","unit":"C1"}],"findings":0})");
}

TEST(Deliberation, OneShoulderMergesTheProposalIntoTheJointMeeting) {
  auto e = make_engine();
  auto r = cmd(*e, kStaff, "raise", 0, kT0,
               R"({"unit":"C1","title":"加装电梯","kind":"public_welfare_project","raised_by":"party_organization","one_shoulder":true})");
  ASSERT_TRUE(r.ok()) << r.status();
  auto d = data(*e, r->item);
  ASSERT_EQ(d["steps"].as_array().size(), 6u);
  EXPECT_EQ(d["steps"].as_array()[0].as_object()["id"].as_string(), "joint_deliberation");
  EXPECT_EQ(d["steps"].as_array()[0].as_object()["absorbs"].as_string(), "party_proposal");
  ASSERT_TRUE(cmd(*e, kStaff, "start", r->item, kT0).ok());
  expect_error(cmd(*e, kStaff, "meeting_passed", r->item, kT0, kPartyCommittee), absl::StatusCode::kFailedPrecondition,
               "is a meeting of joint_committees, not party_committee");
  EXPECT_TRUE(cmd(*e, kStaff, "meeting_passed", r->item, kT0, kJoint).ok());
}

// Civil Code arts. 201-203 through the calendar: the start day is not counted, a last day
// on a rest day moves to the next working day.
TEST(Deliberation, CivilPeriodCountsLikeTheCivilCode) {
  const WorkCalendar& cal = WorkCalendar::china();
  auto day = [](const char* s) { return *parse_date(s); };
  EXPECT_EQ(format_date(*civil_code_period_last_day(cal, day("2026-03-02"), 15)), "2026-03-17");  // Tuesday
  EXPECT_EQ(format_date(*civil_code_period_last_day(cal, day("2026-03-06"), 15)), "2026-03-23");  // Sat 21 → Mon 23
  EXPECT_EQ(format_date(*civil_code_period_last_day(cal, day("2026-09-16"), 15)), "2026-10-08");  // National Day
  EXPECT_EQ(format_date(*civil_code_period_last_day(cal, day("2026-09-20"), 1)), "2026-09-21");
}

TEST(Deliberation, ADisclosureCompletesOnDay15NotDay14AndMovesPastAHoliday) {
  auto e = make_engine();
  const std::uint64_t m = through_meetings(*e, kT0);
  ASSERT_TRUE(cmd(*e, kStaff, "post", m, kT0, R"({"channel":"board","from":"2026-03-02"})").ok());
  // 24:00 of day 14 (2026-03-16): not complete; the clock's command is refused when asked early.
  const Timestamp day14 = china_time_to_utc(*parse_date("2026-03-17"), 0);
  ASSERT_TRUE(e->tick(day14).ok());
  EXPECT_EQ(state(*e, m), "posted");
  ASSERT_TRUE(e->tick(day14 + kDay - 1).ok());
  EXPECT_EQ(state(*e, m), "posted");
  ASSERT_TRUE(e->tick(day14 + kDay).ok());
  EXPECT_EQ(state(*e, m), "deliberating");
  auto disc = data(*e, m)["disclosures"].as_array()[0].as_object();
  EXPECT_EQ(disc["last_day"].as_string(), "2026-03-17");
  EXPECT_EQ(disc["status"].as_string(), "complete");

  // Posted 2026-09-16: day 15 is 2026-10-01, National Day; the period runs to 2026-10-08.
  auto h = make_engine();
  const Timestamp sep = china_time_to_utc(*parse_date("2026-09-16"), 9 * 60);
  const std::uint64_t m2 = through_meetings(*h, sep);
  ASSERT_TRUE(cmd(*h, kStaff, "post", m2, sep, R"({"channel":"board","from":"2026-09-16"})").ok());
  EXPECT_EQ(data(*h, m2)["disclosures"].as_array()[0].as_object()["last_day"].as_string(), "2026-10-08");
  ASSERT_TRUE(h->tick(china_time_to_utc(*parse_date("2026-10-02"), 0)).ok());
  EXPECT_EQ(state(*h, m2), "posted");
  ASSERT_TRUE(h->tick(china_time_to_utc(*parse_date("2026-10-09"), 0) - 1).ok());
  EXPECT_EQ(state(*h, m2), "posted");
  ASSERT_TRUE(h->tick(china_time_to_utc(*parse_date("2026-10-09"), 0)).ok());
  EXPECT_EQ(state(*h, m2), "deliberating");
}

TEST(Deliberation, ADisclosureTakenDownEarlyIsAFinding) {
  auto e = make_engine();
  const std::uint64_t m = through_meetings(*e, kT0);
  ASSERT_TRUE(cmd(*e, kStaff, "post", m, kT0, R"({"channel":"board","from":"2026-03-02"})").ok());
  const Actor other{"s2", Role::kStreetOfficer, "S2"};
  expect_error(cmd(*e, other, "take_down", m, kT0 + 5 * kDay, R"({"reason":"被撕"})"),
               absl::StatusCode::kPermissionDenied, "scope item_unit");
  ASSERT_TRUE(cmd(*e, kStaff, "take_down", m, kT0 + 5 * kDay, R"({"reason":"公开栏改造"})").ok());
  EXPECT_EQ(state(*e, m), "deliberating");
  EXPECT_FALSE(data(*e, m).contains("complete_at"));
  auto f = e->query("deliberation", "findings", R"({"year":2026})");
  ASSERT_TRUE(f.ok());
  auto fs = json::parse(*f).as_object()["findings"].as_array();
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].as_object()["finding"].as_string(), "disclosure_taken_down");
  EXPECT_EQ(fs[0].as_object()["taken_down_on"].as_string(), "2026-03-07");
  EXPECT_EQ(fs[0].as_object()["matter"].as_string(), "M00000001");
  // Posted again, it completes; the step then advances.
  ASSERT_TRUE(cmd(*e, kStaff, "post", m, kT0 + 5 * kDay, R"({"channel":"board","from":"2026-03-07"})").ok());
  ASSERT_TRUE(e->tick(kT0 + 30 * kDay).ok());
  EXPECT_EQ(data(*e, m)["step"].as_int64(), 5);
}

TEST(Deliberation, ABadRollIsAClearErrorAndChangesNothing) {
  auto e = make_engine();
  auto r = cmd(*e, kStaff, "raise", 0, kT0, kRaiseMajor);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(cmd(*e, kStaff, "start", 1, kT0).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "meeting_passed", 1, kT0, kPartyCommittee).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "meeting_passed", 1, kT0, kJoint).ok());
  const Before b = before(*e);
  const std::string roll =
      R"("body":"party_members_meeting","roll":[{"person":"P1","class":"party_member"},)"
      R"({"person":"P2","class":"party_member"},{"person":"P3","class":"party_member"},{"person":"P5","class":"probationary"}])";
  struct Case {
    std::string name, payload;
    absl::StatusCode code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"a member voting twice", "{" + roll + R"(,"date":"2026-03-02","attended":["P1","P2"],"yes":["P1","P2"],"no":["P1"]})",
       absl::StatusCode::kInvalidArgument, "P1 votes twice"},
      {"a member twice in one list", "{" + roll + R"(,"date":"2026-03-02","attended":["P1","P2"],"yes":["P1","P1"]})",
       absl::StatusCode::kInvalidArgument, "P1 votes twice"},
      {"a non-member voting", "{" + roll + R"(,"date":"2026-03-02","attended":["P1","P2"],"yes":["P1","P2","R1"]})",
       absl::StatusCode::kInvalidArgument, "R1 votes but is not on the roll"},
      {"a non-member attending", "{" + roll + R"(,"date":"2026-03-02","attended":["P1","R1"],"yes":["P1"]})",
       absl::StatusCode::kInvalidArgument, "R1 attended but is not on the roll"},
      {"attendance above the entitled count", "{" + roll + R"(,"date":"2026-03-02","attended":["P1","P2","P3","P5","R1"],"yes":["P1"]})",
       absl::StatusCode::kInvalidArgument, "attendance 5 exceeds the 4 entitled"},
      {"an unknown member",
       R"({"body":"party_members_meeting","date":"2026-03-02","roll":[{"person":"NOBODY","class":"party_member"}],"attended":[]})",
       absl::StatusCode::kNotFound, "person NOBODY is not in the org graph"},
      {"a party member of another community",
       R"({"body":"party_members_meeting","date":"2026-03-02","roll":[{"person":"P9","class":"party_member"}],"attended":[]})",
       absl::StatusCode::kInvalidArgument, "belongs to C3, outside C1"},
      {"a resident on a party roll",
       R"({"body":"party_members_meeting","date":"2026-03-02","roll":[{"person":"R1","class":"party_member"}],"attended":[]})",
       absl::StatusCode::kInvalidArgument, "R1 is not a party member"},
      {"a probationary member voting", "{" + roll + R"(,"date":"2026-03-02","attended":["P1","P2","P5"],"yes":["P1","P2","P5"]})",
       absl::StatusCode::kInvalidArgument, "P5 is a probationary party member"},
      {"a vote without attending", "{" + roll + R"(,"date":"2026-03-02","attended":["P1","P2"],"yes":["P1","P2","P3"]})",
       absl::StatusCode::kInvalidArgument, "P3 votes but did not attend"},
      {"someone on the roll twice",
       R"({"body":"party_members_meeting","date":"2026-03-02","roll":[{"person":"P1","class":"party_member"},{"person":"P1","class":"party_member"}],"attended":[]})",
       absl::StatusCode::kInvalidArgument, "P1 is on the roll twice"},
      {"a class that does not sit there",
       R"({"body":"party_members_meeting","date":"2026-03-02","roll":[{"person":"R1","class":"resident"}],"attended":[]})",
       absl::StatusCode::kInvalidArgument, "class \"resident\" does not sit in a party_members_meeting"},
      {"the wrong body for the step",
       R"({"body":"residents_meeting","date":"2026-03-02","noticed_on":"2026-02-20","roll":[{"person":"R1","class":"resident"}],"attended":[]})",
       absl::StatusCode::kFailedPrecondition, "is a meeting of party_members_meeting, not residents_meeting"},
      {"a date after the command", "{" + roll + R"(,"date":"2026-03-03","attended":[]})", absl::StatusCode::kInvalidArgument,
       "is after the day of the command"},
      {"a malformed date", "{" + roll + R"(,"date":"2026-02-30","attended":[]})", absl::StatusCode::kInvalidArgument,
       "field \"date\""},
      {"no roll", R"({"body":"party_members_meeting","date":"2026-03-02","attended":[]})",
       absl::StatusCode::kInvalidArgument, "field \"roll\""},
      {"an unknown field", "{" + roll + R"(,"date":"2026-03-02","attended":[],"quorum":true})", absl::StatusCode::kInvalidArgument,
       "unknown field \"quorum\""},
      {"a failed vote recorded as passed", "{" + roll + R"(,"date":"2026-03-02","attended":["P1"],"yes":["P1"]})",
       absl::StatusCode::kFailedPrecondition, "record it with meeting_failed"},
  };
  for (const auto& c : cases) {
    auto res = cmd(*e, kStaff, "meeting_passed", 1, kT0 + 60, c.payload);
    EXPECT_EQ(res.status().code(), c.code) << c.name << ": " << res.status();
    EXPECT_NE(std::string(res.status().message()).find(c.says), std::string::npos) << c.name << ": " << res.status();
    EXPECT_NE(std::string(res.status().message()).find("M00000001"), std::string::npos) << c.name;
    expect_unchanged(*e, b, c.name);
  }
  // A passing vote recorded as failed is refused the same way.
  expect_error(cmd(*e, kStaff, "meeting_failed", 1, kT0 + 60, kPartyMembers), absl::StatusCode::kFailedPrecondition,
               "record it with meeting_passed");
  expect_unchanged(*e, b, "meeting_failed of a passing vote");
}

TEST(Deliberation, AFailedMeetingProducesNoResolutionAndReturnsToDraftOrIsAbandoned) {
  auto e = make_engine();
  ASSERT_TRUE(cmd(*e, kStaff, "raise", 0, kT0, kRaiseMajor).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "start", 1, kT0).ok());
  // Quorum: 1 of 3 committee members is fewer than half.
  const std::string thin =
      R"({"body":"party_committee","date":"2026-03-02","roll":[{"person":"P1","class":"committee_member"},
          {"person":"P2","class":"committee_member"},{"person":"P3","class":"committee_member"}],"attended":["P1"],"yes":["P1"]})";
  expect_error(cmd(*e, kStaff, "meeting_passed", 1, kT0, thin), absl::StatusCode::kFailedPrecondition,
               "quorum: 1 of 3 members attending, not ≥ 1/2");
  ASSERT_TRUE(cmd(*e, kStaff, "meeting_failed", 1, kT0, thin).ok());
  EXPECT_EQ(state(*e, 1), "failed");
  auto d = data(*e, 1);
  EXPECT_EQ(d["failed"].as_object()["step"].as_string(), "party_proposal");
  EXPECT_EQ(d["step"].as_int64(), 0);
  expect_error(cmd(*e, kStaff, "post", 1, kT0, R"({"channel":"board","from":"2026-03-02"})"),
               absl::StatusCode::kFailedPrecondition, "item is in state failed");
  ASSERT_TRUE(cmd(*e, kStaff, "return_to_draft", 1, kT0, R"({"reason":"重新征求意见"})").ok());
  EXPECT_EQ(state(*e, 1), "draft");
  ASSERT_TRUE(cmd(*e, kStaff, "revise", 1, kT0, R"({"title":"加装电梯（修改稿）"})").ok());
  ASSERT_TRUE(cmd(*e, kStaff, "start", 1, kT0).ok());
  EXPECT_TRUE(cmd(*e, kStaff, "meeting_passed", 1, kT0, kPartyCommittee).ok());
  // A second matter fails and is abandoned by the secretary (staff may not).
  ASSERT_TRUE(cmd(*e, kStaff, "raise", 0, kT0, kRaiseMajor).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "start", 2, kT0).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "meeting_failed", 2, kT0, thin).ok());
  expect_error(cmd(*e, kStaff, "abandon", 2, kT0, R"({"reason":"x"})"), absl::StatusCode::kPermissionDenied,
               "allowed roles");
  ASSERT_TRUE(cmd(*e, kSecretary, "abandon", 2, kT0, R"({"reason":"居民意见分歧大"})").ok());
  EXPECT_EQ(state(*e, 2), "abandoned");
  EXPECT_EQ(*e->query("deliberation", "counts"),
            R"({"abandoned":1,"concluded":0,"deliberating":1,"draft":0,"failed":0,"posted":0})");
}

TEST(Deliberation, OwnersMattersGoToTheOwnersNeverToAResidentsMeeting) {
  auto e = make_engine();
  auto r = cmd(*e, kCompoundStaff, "raise", 0, kT0,
               R"({"unit":"K1","title":"小区道路收费停车","kind":"paid_parking_common_roads","category":"parking","raised_by":"residents_committee"})");
  ASSERT_TRUE(r.ok()) << r.status();
  auto d = data(*e, r->item);
  EXPECT_EQ(d["scope"].as_string(), "compound");
  EXPECT_EQ(d["procedure"].as_string(), "owners_assembly");
  const Before b = before(*e);
  expect_error(cmd(*e, Actor{"sec2", Role::kCommunitySecretary, "C2"}, "choose_procedure", r->item, kT0,
                   R"({"procedure":"residents_meeting","reason":"快"})"),
               absl::StatusCode::kFailedPrecondition, "民法典 第二百七十八条");
  expect_unchanged(*e, b, "art. 278 override");
  ASSERT_TRUE(cmd(*e, kCompoundStaff, "start", r->item, kT0).ok());
  // Four owners by area: 3/4 of the participating area and owners needed (item 8).
  const std::string owners =
      R"({"body":"owners_assembly","date":"2026-03-02","roll":[{"household":"K-101","class":"owner","area":"100"},
          {"household":"K-102","class":"owner","area":"100"},{"household":"K-201","class":"owner","area":"89.5"},
          {"household":"K-202","class":"owner","area":"120.25"}],"attended":["K-101","K-102","K-201"],
          "yes":["K-101","K-102"],"no":["K-201"]})";
  expect_error(cmd(*e, kCompoundStaff, "meeting_passed", r->item, kT0, owners), absl::StatusCode::kFailedPrecondition,
               "approval_area");
  ASSERT_TRUE(cmd(*e, kCompoundStaff, "meeting_failed", r->item, kT0, owners).ok());
  d = data(*e, r->item);
  EXPECT_EQ(d["meetings"].as_array()[0].as_object()["yes_area"].as_string(), "200");
  // A residents' meeting is refused for it even if someone tries it at the meeting.
  auto r2 = cmd(*e, kStaff, "raise", 0, kT0,
                R"({"unit":"C1","title":"维修资金使用","kind":"maintenance_fund_use","raised_by":"residents_committee"})");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(data(*e, r2->item)["procedure"].as_string(), "owners_assembly");
  // An ordinary matter may not take the owners' procedure.
  ASSERT_TRUE(cmd(*e, kStaff, "raise", 0, kT0,
                  R"({"unit":"C1","title":"楼道堆物","kind":"corridor_clutter","raised_by":"residents_committee"})")
                  .ok());
  expect_error(cmd(*e, kSecretary, "choose_procedure", 3, kT0, R"({"procedure":"owners_assembly","reason":"x"})"),
               absl::StatusCode::kFailedPrecondition, "not one of the owners' matters");
}

TEST(Deliberation, TheHostsOverrideRecordsItsReasonAndIsAReviewFinding) {
  auto e = make_engine();
  ASSERT_TRUE(cmd(*e, kStaff, "raise", 0, kT0, kRaiseMajor).ok());
  const Before b = before(*e);
  expect_error(cmd(*e, kStaff, "choose_procedure", 1, kT0, R"({"procedure":"council","reason":"赶工期"})"),
               absl::StatusCode::kPermissionDenied, "allowed roles");
  expect_error(cmd(*e, kSecretary, "choose_procedure", 1, kT0, R"({"procedure":"council"})"),
               absl::StatusCode::kInvalidArgument, "\"reason\"");
  expect_error(cmd(*e, kSecretary, "choose_procedure", 1, kT0, R"({"procedure":"vote_by_phone","reason":"x"})"),
               absl::StatusCode::kInvalidArgument, "unknown procedure \"vote_by_phone\"");
  expect_unchanged(*e, b, "refused overrides");
  ASSERT_TRUE(cmd(*e, kSecretary, "choose_procedure", 1, kT0 + 10, R"({"procedure":"council","reason":"赶工期"})").ok());
  auto d = data(*e, 1);
  EXPECT_EQ(d["procedure"].as_string(), "council");
  EXPECT_EQ(d["selected_by"].as_string(), "host");
  EXPECT_EQ(d["override_reason"].as_string(), "赶工期");
  auto f = json::parse(*e->query("deliberation", "findings")).as_object()["findings"].as_array();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].as_object()["finding"].as_string(), "procedure_override");
  EXPECT_EQ(f[0].as_object()["policy_procedure"].as_string(), "four_deliberations_two_disclosures");
  EXPECT_EQ(f[0].as_object()["reason"].as_string(), "赶工期");
  // Run it through the council (consensus) and conclude: the major matter decided by another
  // procedure is a second finding; the review counts it as not completed 四议两公开.
  ASSERT_TRUE(cmd(*e, kStaff, "start", 1, kT0 + 10).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "meeting_passed", 1, kT0 + 10,
                  R"({"body":"council","date":"2026-03-02","roll":[{"person":"P1","class":"party_representative"},
                      {"person":"R1","class":"resident_representative"},{"guest":"物业公司","class":"property_company"}],
                      "attended":["P1","R1","物业公司"],"yes":["P1","R1","物业公司"]})")
                  .ok());
  EXPECT_EQ(data(*e, 1)["meetings"].as_array()[0].as_object()["outcome"].as_string(), "consensus");
  ASSERT_TRUE(cmd(*e, kStaff, "implemented", 1, kT0 + 20, R"({"note":"done"})").ok());
  ASSERT_TRUE(cmd(*e, kStaff, "post", 1, kT0 + 20, R"({"channel":"board","from":"2026-03-02"})").ok());
  ASSERT_TRUE(e->tick(kT0 + 30 * kDay).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "conclude", 1, kT0 + 30 * kDay).ok());
  f = json::parse(*e->query("deliberation", "findings", R"({"unit":"S1"})")).as_object()["findings"].as_array();
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].as_object()["finding"].as_string(), "major_by_other_procedure");
  EXPECT_EQ(*e->query("deliberation", "review"),
            R"({"communities":[{"completed_four_two":0,"major":1,"major_completed_four_two":0,"matters":1,)"
            R"("share_percent":"0.0%","unit":"C1"}],"findings":2})");
}

TEST(Deliberation, CouncilsHaveNoQuorumAndLevyNoMoney) {
  auto e = make_engine();
  expect_error(cmd(*e, kStaff, "raise", 0, kT0,
                   R"({"unit":"C1","title":"停车","kind":"parking_order","raised_by":"residents_committee","levy":{"cash_fen_per_person":1000}})"),
               absl::StatusCode::kFailedPrecondition, "第四十二条");
  auto r = cmd(*e, kStaff, "raise", 0, kT0,
               R"({"unit":"C1","title":"停车","kind":"parking_order","raised_by":"residents_committee"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(data(*e, 1)["procedure"].as_string(), "council");
  ASSERT_TRUE(cmd(*e, kStaff, "start", 1, kT0).ok());
  // 1 yes, 1 no, 1 abstain of 3 attending out of 10 on the roll: no majority → none.
  const std::string split =
      R"({"body":"council","date":"2026-03-02","roll":[{"person":"P1","class":"party_representative"},
          {"person":"R1","class":"resident_representative"},{"person":"R2","class":"resident_representative"}],
          "attended":["P1","R1","R2"],"yes":["P1"],"no":["R1"],"abstain":["R2"]})";
  expect_error(cmd(*e, kStaff, "meeting_passed", 1, kT0, split), absl::StatusCode::kFailedPrecondition, "none");
  ASSERT_TRUE(cmd(*e, kStaff, "meeting_failed", 1, kT0, split).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "return_to_draft", 1, kT0, R"({"reason":"再议"})").ok());
  ASSERT_TRUE(cmd(*e, kStaff, "start", 1, kT0).ok());
  // Two of three attending (one of the roll absent: no quorum applies) is a majority.
  ASSERT_TRUE(cmd(*e, kStaff, "meeting_passed", 1, kT0,
                  R"({"body":"council","date":"2026-03-02","roll":[{"person":"P1","class":"party_representative"},
                      {"person":"R1","class":"resident_representative"},{"person":"R2","class":"resident_representative"},
                      {"person":"R3","class":"resident_representative"}],
                      "attended":["P1","R1","R2"],"yes":["P1","R1"],"no":["R2"]})")
                  .ok());
  EXPECT_EQ(data(*e, 1)["meetings"].as_array()[1].as_object()["outcome"].as_string(), "majority");
}

TEST(Deliberation, OneMatterOneDeliberationInAVillage) {
  auto e = make_engine();
  const std::string base =
      R"("unit":"V1","title":"村道硬化筹资筹劳","kind":"collective_fundraising","raised_by":"villagers")";
  // ≥1/10 of villagers: 5 of 60 is not enough, 6 is.
  expect_error(cmd(*e, kVillageStaff, "raise", 0, kT0, "{" + base + R"(,"proposers":5,"eligible":60})"),
               absl::StatusCode::kFailedPrecondition, "5 of 60 is not enough");
  expect_error(cmd(*e, kVillageStaff, "raise", 0, kT0,
                   "{" + base + R"(,"proposers":6,"eligible":60,"levy":{"cash_fen_per_person":1501}})"),
               absl::StatusCode::kFailedPrecondition, "exceeds the cap of 1500 fen per person");
  auto r = cmd(*e, kVillageStaff, "raise", 0, kT0,
               "{" + base + R"(,"proposers":6,"eligible":60,"levy":{"cash_fen_per_person":1500,"workdays_per_labourer":10}})");
  ASSERT_TRUE(r.ok()) << r.status();
  auto d = data(*e, r->item);
  EXPECT_EQ(d["scope"].as_string(), "village");
  EXPECT_EQ(d["procedure"].as_string(), "one_matter_one_deliberation");
  ASSERT_TRUE(cmd(*e, kVillageStaff, "start", 1, kT0).ok());
  ASSERT_TRUE(cmd(*e, kVillageStaff, "meeting_passed", 1, kT0,
                  R"({"body":"party_committee","date":"2026-03-02","roll":[{"person":"VP1","class":"committee_member"},
                      {"person":"VP2","class":"committee_member"}],"attended":["VP1","VP2"],"yes":["VP1","VP2"]})")
                  .ok());
  ASSERT_TRUE(cmd(*e, kVillageStaff, "canvass", 1, kT0, kCanvass).ok());
  // A residents' body is not a village's.
  expect_error(cmd(*e, kVillageStaff, "meeting_passed", 1, kT0,
                   R"({"body":"residents_meeting","date":"2026-03-02","noticed_on":"2026-02-20","roll":[{"person":"VR1","class":"resident"}],"attended":[]})"),
               absl::StatusCode::kFailedPrecondition, "is a meeting of villagers_meeting or villagers_representatives_meeting");
  // Representatives of 6 households: those attending represent 5 (≥2/3), signatures from
  // representatives of 3 households are not more than half of 6; of 4 they are.
  const std::string reps =
      R"("body":"villagers_representatives_meeting","date":"2026-03-02","roll":[
          {"person":"VP1","class":"committee_member"},
          {"person":"VR1","class":"representative","households":["V-1","V-2"]},
          {"person":"VR2","class":"representative","households":["V-3","V-4","V-5"]},
          {"person":"VR3","class":"representative","households":["V-6"]}],"attended":["VP1","VR1","VR2"],
          "authorisation":{"date":"2026-01-15","note":"村民会议授权村民代表会议议定本年度一事一议筹资筹劳方案"})";
  expect_error(cmd(*e, kVillageStaff, "meeting_passed", 1, kT0, "{" + reps + R"(,"yes":["VP1","VR2"],"no":["VR1"]})"),
               absl::StatusCode::kFailedPrecondition, "households whose representatives signed: 3 of 6");
  ASSERT_TRUE(cmd(*e, kVillageStaff, "meeting_passed", 1, kT0, "{" + reps + R"(,"yes":["VR1","VR2"],"no":["VP1"]})").ok());
  d = data(*e, 1);
  EXPECT_EQ(d["meetings"].as_array()[1].as_object()["yes_households"].as_int64(), 5);
  // Women count in a village's representatives' meeting: no genders on the roll, not judged.
  EXPECT_EQ(d["meetings"].as_array()[1].as_object()["composition"].as_string(),
            "not judged: the roll does not give every representative's gender");
  EXPECT_EQ(d["levy"].as_object()["cash_fen_per_person"].as_int64(), 1500);
  // A household represented twice is refused, and changes nothing.
  auto e2 = make_engine();
  ASSERT_TRUE(cmd(*e2, kVillageSecretary, "raise", 0, kT0,
                  R"({"unit":"V1","title":"x","kind":"collective_fundraising","raised_by":"villagers_committee"})")
                  .ok());
  ASSERT_TRUE(cmd(*e2, kVillageSecretary, "start", 1, kT0).ok());
  ASSERT_TRUE(cmd(*e2, kVillageStaff, "meeting_passed", 1, kT0,
                  R"({"body":"party_committee","date":"2026-03-02","roll":[{"person":"VP1","class":"committee_member"}],"attended":["VP1"],"yes":["VP1"]})")
                  .ok());
  ASSERT_TRUE(cmd(*e2, kVillageStaff, "canvass", 1, kT0, kCanvass).ok());
  const Before b = before(*e2);
  expect_error(cmd(*e2, kVillageStaff, "meeting_passed", 1, kT0,
                   R"({"body":"villagers_representatives_meeting","date":"2026-03-02","authorisation":{"date":"2026-01-15"},"roll":[
                       {"person":"VR1","class":"representative","households":["V-1","V-2"]},
                       {"person":"VR2","class":"representative","households":["V-2"]}],"attended":["VR1","VR2"],"yes":["VR1","VR2"]})"),
               absl::StatusCode::kInvalidArgument, "household V-2 is represented twice");
  expect_error(cmd(*e2, kVillageStaff, "meeting_passed", 1, kT0,
                   R"({"body":"villagers_representatives_meeting","date":"2026-03-02","authorisation":{"date":"2026-01-15"},"roll":[
                       {"person":"VR1","class":"representative","households":["H1"]}],"attended":["VR1"],"yes":["VR1"]})"),
               absl::StatusCode::kInvalidArgument, "household H1 is outside V1");
  expect_error(cmd(*e2, kVillageStaff, "meeting_passed", 1, kT0,
                   R"({"body":"villagers_representatives_meeting","date":"2026-03-02","authorisation":{"date":"2026-01-15"},"roll":[
                       {"person":"VR1","class":"representative","households":["NOPE"]}],"attended":["VR1"],"yes":["VR1"]})"),
               absl::StatusCode::kNotFound, "household NOPE is not in the org graph");
  expect_unchanged(*e2, b, "bad representatives");
}

// 一事一议's steps in order: the party organization, the households' canvass (signatures),
// the meeting — a villagers' meeting announced 10 days ahead (meeting.call), or the
// representatives' meeting only as the villagers' meeting authorised it (村 第二十八条第二款) —
// then the township's review (乡镇审核) before the plan is published. Skipping any of them is
// refused with what is missing, and changes nothing; a plan the township returns fails.
TEST(Deliberation, OneMatterOneDeliberationStepsAreNotSkipped) {
  VectorSink sink;
  auto e = make_engine(&sink);
  const Actor township{"t1", Role::kStreetOfficer, "T1"};
  const std::string raise = R"({"unit":"V1","title":"村道硬化","kind":"collective_fundraising","raised_by":"villagers_committee"})";
  const std::string party =
      R"({"body":"party_committee","date":"2026-03-02","roll":[{"person":"VP1","class":"committee_member"}],"attended":["VP1"],"yes":["VP1"]})";
  const std::string reps =
      R"("body":"villagers_representatives_meeting","date":"2026-03-02","roll":[
          {"person":"VP1","class":"committee_member"},
          {"person":"VR1","class":"representative","households":["V-1","V-2"]},
          {"person":"VR2","class":"representative","households":["V-3","V-4","V-5"]},
          {"person":"VR3","class":"representative","households":["V-6"]}],"attended":["VP1","VR1","VR2"],"yes":["VR1","VR2"])";
  const std::string villagers =
      R"("body":"villagers_meeting","date":"2026-03-02","roll":[{"person":"VR1","class":"resident","born":"1970-01-01"},
          {"person":"VR2","class":"resident","born":"1972-01-01"}],"attended":["VR1","VR2"],"yes":["VR1","VR2"])";
  for (int m = 1; m <= 2; ++m) {
    ASSERT_TRUE(cmd(*e, kVillageSecretary, "raise", 0, kT0, raise).ok());
    ASSERT_TRUE(cmd(*e, kVillageStaff, "start", m, kT0).ok());
    ASSERT_TRUE(cmd(*e, kVillageStaff, "meeting_passed", m, kT0, party).ok());
  }
  const Before b = before(*e);
  struct Case {
    std::string name, event, payload;
    absl::StatusCode code;
    std::string says;
  };
  const std::vector<Case> skipped = {
      {"the meeting before the canvass", "meeting_passed", "{" + reps + R"(,"authorisation":{"date":"2026-01-15"}})",
       absl::StatusCode::kFailedPrecondition, "the current step is canvass (入户征求意见、农户签字), a canvass, not a meeting"},
      {"a household outside the village", "canvass", R"({"date":"2026-03-01","households":["V-1","H1"],"signed":["V-1"]})",
       absl::StatusCode::kInvalidArgument, "household H1 is outside V1"},
      {"a signature of a household not canvassed", "canvass",
       R"({"date":"2026-03-01","households":["V-1","V-2"],"signed":["V-1","V-3"]})", absl::StatusCode::kInvalidArgument,
       "household V-3 signed but was not canvassed"},
      {"an unknown household", "canvass", R"({"date":"2026-03-01","households":["NOPE"],"signed":[]})",
       absl::StatusCode::kNotFound, "household NOPE is not in the org graph"},
      {"a household twice", "canvass", R"({"date":"2026-03-01","households":["V-1","V-1"],"signed":[]})",
       absl::StatusCode::kInvalidArgument, "V-1 is listed twice in households"},
      {"a canvass after the day", "canvass", R"({"date":"2026-03-03","households":["V-1"],"signed":[]})",
       absl::StatusCode::kInvalidArgument, "is after the day of the command"},
  };
  for (const auto& c : skipped) {
    auto res = cmd(*e, kVillageStaff, c.event, 1, kT0 + 60, c.payload);
    EXPECT_EQ(res.status().code(), c.code) << c.name << ": " << res.status();
    EXPECT_NE(std::string(res.status().message()).find(c.says), std::string::npos) << c.name << ": " << res.status();
    expect_unchanged(*e, b, c.name);
  }
  for (int m = 1; m <= 2; ++m) ASSERT_TRUE(cmd(*e, kVillageStaff, "canvass", m, kT0 + 60, kCanvass).ok());
  EXPECT_EQ(data(*e, 1)["canvass"].as_object()["signed"].as_int64(), 5);
  const Before b2 = before(*e);
  const std::vector<Case> unannounced = {
      {"a representatives' meeting without authorisation", "meeting_passed", "{" + reps + "}",
       absl::StatusCode::kFailedPrecondition, "第二十八条第二款: a villagers_representatives_meeting decides a matter of kind "
                                              "collective_fundraising only as the villagers' meeting authorised it"},
      {"an authorisation after the meeting", "meeting_passed", "{" + reps + R"(,"authorisation":{"date":"2026-03-05"}})",
       absl::StatusCode::kInvalidArgument, "authorisation.date 2026-03-05 is after the meeting's date 2026-03-02"},
      {"a villagers' meeting without notice", "meeting_passed", "{" + villagers + "}", absl::StatusCode::kFailedPrecondition,
       "a villagers_meeting is announced at least 10 days ahead"},
      {"a villagers' meeting announced 9 days ahead", "meeting_passed",
       "{" + villagers + R"(,"noticed_on":"2026-02-21"})", absl::StatusCode::kFailedPrecondition,
       "noticed 2026-02-21, held 2026-03-02: 9 day(s) ahead, fewer than 10"},
      {"an authorisation for a villagers' meeting", "meeting_passed",
       "{" + villagers + R"(,"noticed_on":"2026-02-20","authorisation":{"date":"2026-01-15"}})",
       absl::StatusCode::kInvalidArgument, "needs no authorisation"},
      {"the township's review before the meeting", "review_approved", R"({"date":"2026-03-02"})",
       absl::StatusCode::kPermissionDenied, ""},
  };
  for (const auto& c : unannounced) {
    auto res = cmd(*e, c.event == "review_approved" ? kVillageSecretary : kVillageStaff, c.event, 1, kT0 + 120, c.payload);
    EXPECT_EQ(res.status().code(), c.code) << c.name << ": " << res.status();
    EXPECT_NE(std::string(res.status().message()).find(c.says), std::string::npos) << c.name << ": " << res.status();
    expect_unchanged(*e, b2, c.name);
  }
  expect_error(cmd(*e, township, "review_approved", 1, kT0 + 120, R"({"date":"2026-03-02"})"),
               absl::StatusCode::kFailedPrecondition, "the current step is resolution");
  // Matter 1: a villagers' meeting noticed 10 days ahead; matter 2: the representatives,
  // authorised by the villagers' meeting in January.
  ASSERT_TRUE(cmd(*e, kVillageStaff, "meeting_passed", 1, kT0 + 120, "{" + villagers + R"(,"noticed_on":"2026-02-20"})").ok());
  ASSERT_TRUE(cmd(*e, kVillageStaff, "meeting_passed", 2, kT0 + 120,
                  "{" + reps + R"(,"authorisation":{"date":"2026-01-15","note":"年度授权"}})")
                  .ok());
  auto d1 = data(*e, 1), d2 = data(*e, 2);
  EXPECT_EQ(d1["meetings"].as_array().back().as_object()["notice"].as_object()["days"].as_int64(), 10);
  EXPECT_EQ(d2["meetings"].as_array().back().as_object()["authorisation"].as_object()["date"].as_string(), "2026-01-15");
  // The plan is not published before the township reviews it; the village may not review it.
  expect_error(cmd(*e, kVillageStaff, "post", 1, kT0 + 180, R"({"channel":"board","from":"2026-03-02"})"),
               absl::StatusCode::kFailedPrecondition, "the current step is township_review (乡镇审核), a review, not a disclosure");
  expect_error(cmd(*e, kVillageSecretary, "review_approved", 1, kT0 + 180, R"({"date":"2026-03-02"})"),
               absl::StatusCode::kPermissionDenied, "");
  expect_error(cmd(*e, township, "review_returned", 1, kT0 + 180, R"({"date":"2026-03-02"})"),
               absl::StatusCode::kInvalidArgument, "reason");
  ASSERT_TRUE(cmd(*e, township, "review_approved", 1, kT0 + 180, R"({"date":"2026-03-02","note":"符合筹资筹劳上限"})").ok());
  ASSERT_TRUE(cmd(*e, kVillageStaff, "post", 1, kT0 + 180, R"({"channel":"board","from":"2026-03-02"})").ok());
  ASSERT_TRUE(cmd(*e, township, "review_returned", 2, kT0 + 180, R"({"date":"2026-03-02","reason":"超出受益范围筹资"})").ok());
  EXPECT_EQ(state(*e, 1), "posted");
  EXPECT_EQ(state(*e, 2), "failed");
  d2 = data(*e, 2);
  EXPECT_EQ(d2["failed"].as_object()["step"].as_string(), "township_review");
  EXPECT_EQ(d2["reviews"].as_array()[0].as_object()["by"].as_string(), "t1");
  loop_test::expect_replay_equal(*e, sink, "deliberation", {{"list", ""}});
}

// Who sits in a representatives' meeting is checked from its roll: representatives ≥ 4/5
// of the members, women ≥ 1/3 of a village's representatives (the roll gives each one's
// gender), 5–15 households per villagers' representative. A failed check does not decide
// the vote; it is kept with the meeting and is a finding.
TEST(Deliberation, ARepresentativesMeetingsCompositionIsCheckedFromItsRoll) {
  auto e = make_engine();
  ASSERT_TRUE(cmd(*e, kVillageSecretary, "raise", 0, kT0,
                  R"({"unit":"V1","title":"村道","kind":"collective_fundraising","raised_by":"villagers_committee"})")
                  .ok());
  ASSERT_TRUE(cmd(*e, kVillageStaff, "start", 1, kT0).ok());
  ASSERT_TRUE(cmd(*e, kVillageStaff, "meeting_passed", 1, kT0,
                  R"({"body":"party_committee","date":"2026-03-02","roll":[{"person":"VP1","class":"committee_member"}],"attended":["VP1"],"yes":["VP1"]})")
                  .ok());
  ASSERT_TRUE(cmd(*e, kVillageStaff, "canvass", 1, kT0, kCanvass).ok());
  // Four representatives, one woman (1/4 < 1/3); 6 households for 4 representatives (5-15 each: at most 1).
  auto r = cmd(*e, kVillageStaff, "meeting_passed", 1, kT0,
               R"({"body":"villagers_representatives_meeting","date":"2026-03-02","authorisation":{"date":"2026-01-15"},"roll":[
                   {"person":"VP2","class":"representative","gender":"female","households":["V-1"]},
                   {"person":"VR1","class":"representative","gender":"male","households":["V-2","V-3"]},
                   {"person":"VR2","class":"representative","gender":"male","households":["V-4","V-5"]},
                   {"person":"VR3","class":"representative","gender":"male","households":["V-6"]}],
                   "attended":["VP2","VR1","VR2","VR3"],"yes":["VP2","VR1","VR2","VR3"]})");
  ASSERT_TRUE(r.ok()) << r.status();
  auto d = data(*e, 1);
  const auto& comp = d["meetings"].as_array()[1].as_object().at("composition").as_array();
  std::map<std::string, bool> checks;
  for (const auto& f : comp) checks[std::string(f.as_object().at("check").as_string())] = f.as_object().at("passed").as_bool();
  EXPECT_EQ(checks, (std::map<std::string, bool>{{"ratio", false}, {"representatives_share", true}, {"women_share", false}}));
  std::vector<std::string> found;
  for (const auto& f : d["findings"].as_array()) found.emplace_back(f.as_object().at("check").as_string());
  EXPECT_EQ(found, (std::vector<std::string>{"ratio", "women_share"}));
  EXPECT_EQ(d["step"].as_int64(), 3);  // the vote passed all the same (party, canvass, meeting)
}

// A residents' meeting is of residents aged 18 or over (居 第二十六条; vote.meeting's
// voter_min_age): the roll gives each resident's birth date, those younger on the meeting's
// day attend without a vote and are not counted; someone reaches 18 on the birthday, a 29
// February birthday on 28 February. A minor voting, a resident without a birth date, a birth
// date after the meeting: clear errors, nothing changed. Replay equals live.
TEST(Deliberation, OnlyResidentsAged18OrOverVoteInAResidentsMeeting) {
  VectorSink sink;
  auto e = make_engine(&sink);
  auto r = cmd(*e, kStaff, "raise", 0, kT0, kRaiseMajor);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(cmd(*e, kStaff, "start", 1, kT0).ok());
  for (const char* m : {kPartyCommittee, kJoint, kPartyMembers}) ASSERT_TRUE(cmd(*e, kStaff, "meeting_passed", 1, kT0, m).ok());
  // R1 turns 18 on the meeting's day, R3 and P1 are adults; R2 turns 18 the day after, P3 is 15.
  const std::string roll =
      R"("body":"residents_meeting","date":"2026-03-02","noticed_on":"2026-02-20","roll":[
         {"person":"R1","class":"resident","born":"2008-03-02"},{"person":"R3","class":"resident","born":"1980-05-01"},
         {"person":"P1","class":"resident","born":"1975-01-09"},{"person":"R2","class":"resident","born":"2008-03-03"},
         {"person":"P3","class":"resident","born":"2010-06-30"}])";
  const Before b = before(*e);
  struct Case {
    std::string name, payload;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"a minor voting", "{" + roll + R"(,"attended":["R1","R3","R2"],"yes":["R1","R3","R2"]})",
       "R2 is under 18 on 2026-03-02: attends without a vote"},
      {"a resident without a birth date",
       R"({"body":"residents_meeting","date":"2026-03-02","noticed_on":"2026-02-20","roll":[{"person":"R1","class":"resident"}],"attended":[]})",
       "roll[0]: a resident's birth date \"born\" is required"},
      {"a birth date after the meeting",
       R"({"body":"residents_meeting","date":"2026-03-02","noticed_on":"2026-02-20","roll":[{"person":"R1","class":"resident","born":"2026-03-03"}],"attended":[]})",
       "roll[0].born 2026-03-03 is after the meeting's date 2026-03-02"},
      {"a malformed birth date",
       R"({"body":"residents_meeting","date":"2026-03-02","noticed_on":"2026-02-20","roll":[{"person":"R1","class":"resident","born":"2008-02-30"}],"attended":[]})",
       "roll[0].born:"},
      {"only everyone under age",
       R"({"body":"residents_meeting","date":"2026-03-02","noticed_on":"2026-02-20","roll":[{"person":"R2","class":"resident","born":"2008-03-03"}],"attended":["R2"]})",
       "no one on the roll has a vote"},
  };
  for (const auto& c : cases) {
    auto res = cmd(*e, kStaff, "meeting_passed", 1, kT0 + 60, c.payload);
    EXPECT_EQ(res.status().code(), absl::StatusCode::kInvalidArgument) << c.name << ": " << res.status();
    EXPECT_NE(std::string(res.status().message()).find(c.says), std::string::npos) << c.name << ": " << res.status();
    expect_unchanged(*e, b, c.name);
  }
  // Two adults and both minors attend, the adults vote yes: 2 of 3 voters attend (> 1/2) and
  // 2 yes of 2 attending voters pass. Counting the minors it would be 2 yes of 4 attending.
  auto ok = cmd(*e, kStaff, "meeting_passed", 1, kT0 + 60, "{" + roll + R"(,"attended":["R1","R3","R2","P3"],"yes":["R1","R3"]})");
  ASSERT_TRUE(ok.ok()) << ok.status();
  const auto m = data(*e, 1)["meetings"].as_array().back().as_object();
  EXPECT_EQ(m.at("entitled").as_int64(), 3);
  EXPECT_EQ(m.at("attended").as_int64(), 2);
  EXPECT_EQ(json::serialize(m.at("without_vote")), R"({"under_age":2})");
  loop_test::expect_replay_equal(*e, sink, "deliberation", {{"list", ""}});

  // 29 February: 18 on 28 February of a common year, not the day before.
  auto leap = [&](const char* date, const char* born) {
    auto f = make_engine();
    EXPECT_TRUE(cmd(*f, kStaff, "raise", 0, kT0, kRaiseMajor).ok());
    EXPECT_TRUE(cmd(*f, kStaff, "start", 1, kT0).ok());
    for (const char* mt : {kPartyCommittee, kJoint, kPartyMembers}) EXPECT_TRUE(cmd(*f, kStaff, "meeting_passed", 1, kT0, mt).ok());
    return cmd(*f, kStaff, "meeting_passed", 1, kT0,
               std::string(R"({"body":"residents_meeting","noticed_on":"2026-02-10","date":")") + date +
                   R"(","roll":[{"person":"R1","class":"resident","born":"1990-01-01"},{"person":"R2","class":"resident","born":")" +
                   born + R"("}],"attended":["R1","R2"],"yes":["R1","R2"]})");
  };
  EXPECT_TRUE(leap("2026-02-28", "2008-02-29").ok());
  expect_error(leap("2026-02-27", "2008-02-29"), absl::StatusCode::kInvalidArgument, "R2 is under 18 on 2026-02-27");
  expect_error(leap("2026-02-28", "2008-03-01"), absl::StatusCode::kInvalidArgument, "R2 is under 18 on 2026-02-28");
}

// Every (state, event) cell for every role and unit: PERMISSION_DENIED exactly when the row
// does not name the role or the actor's unit does not cover the matter's; otherwise the
// guard speaks (the payload carries an unknown field, so it refuses) — and nothing changes.
// Pairs without a row are FAILED_PRECONDITION naming the states that allow the event.
TEST(Deliberation, RoleAndScopeCellsAndIllegalTransitionsFollowTheTable) {
  VectorSink sink;
  auto e = make_engine(&sink);
  // One matter in each non-terminal state: 1 draft, 2 deliberating, 3 failed, 4 posted.
  ASSERT_TRUE(cmd(*e, kStaff, "raise", 0, kT0, kRaiseMajor).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "raise", 0, kT0, kRaiseMajor).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "start", 2, kT0).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "raise", 0, kT0, kRaiseMajor).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "start", 3, kT0).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "meeting_failed", 3, kT0,
                  R"({"body":"party_committee","date":"2026-03-02","roll":[{"person":"P1","class":"committee_member"}],"attended":[]})")
                  .ok());
  const std::uint64_t posted = through_meetings(*e, kT0);
  ASSERT_TRUE(cmd(*e, kStaff, "post", posted, kT0, R"({"channel":"board","from":"2026-03-02"})").ok());
  ASSERT_TRUE(cmd(*e, kStaff, "raise", 0, kT0, kRaiseMajor).ok());
  ASSERT_TRUE(cmd(*e, kSecretary, "abandon", 5, kT0, R"({"reason":"x"})").ok());
  const std::map<std::string, std::uint64_t> item_in = {
      {"", 0}, {"draft", 1}, {"deliberating", 2}, {"failed", 3}, {"posted", posted}, {"abandoned", 5}};
  const std::vector<std::string> units = {"D", "S1", "C1", "G1", "C3"};
  const Before b = before(*e);
  const auto& t = deliberation::table();
  int cells = 0, transitions = 0;
  for (const auto& [from, item] : item_in) {
    for (const auto& ev : t.events) {
      const LoopRow* row = find_row(t, from, ev.name);
      if (row == nullptr) {
        auto r = cmd(*e, kSecretary, ev.name, item, kT0 + 100, R"({"unit":"C1"})");
        ++transitions;
        EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << from << " " << ev.name << ": " << r.status();
        EXPECT_NE(std::string(r.status().message()).find("allowed in"), std::string::npos) << r.status();
        continue;
      }
      for (int role = 0; role < kRoleCount; ++role) {
        if (static_cast<Role>(role) == Role::kSystem) continue;  // refused to hosts (the clock's)
        for (const auto& unit : units) {
          const Actor a{"a", static_cast<Role>(role), static_cast<Role>(role) == Role::kResident ? "" : unit};
          const bool role_ok = row->roles & role_bit(a.role);
          // kItemUnit: the matter's unit C1 or above; kStrictAncestor (the township's review): above it.
          const bool scope_ok = unit == "D" || unit == "S1" || (unit == "C1" && row->scope != LoopScope::kStrictAncestor);
          auto r = cmd(*e, a, ev.name, item, kT0 + 100, R"({"unit":"C1","bogus":1})");
          ++cells;
          if (role_ok && scope_ok && a.role != Role::kResident) {
            EXPECT_NE(r.status().code(), absl::StatusCode::kPermissionDenied)
                << to_string(a.role) << " at " << unit << " " << from << " " << ev.name << ": " << r.status();
            EXPECT_FALSE(r.ok()) << from << " " << ev.name;
          } else {
            EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied)
                << to_string(a.role) << " at " << unit << " " << from << " " << ev.name << ": " << r.status();
          }
        }
      }
    }
  }
  expect_unchanged(*e, b, "role x scope cells");
  EXPECT_EQ(cells, static_cast<int>(std::size(t.rows)) * (kRoleCount - 1) * 5);
  EXPECT_GT(transitions, 40);
}

TEST(Deliberation, BadRaiseInputIsAClearErrorAndChangesNothing) {
  auto e = make_engine();
  ASSERT_TRUE(cmd(*e, kStaff, "raise", 0, kT0, kRaiseMajor).ok());
  const Before b = before(*e);
  struct Case {
    std::string payload;
    absl::StatusCode code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {R"({"unit":"G1","title":"x","kind":"k","raised_by":"party_organization"})", absl::StatusCode::kInvalidArgument,
       "is a grid_branch"},
      {R"({"unit":"C1","kind":"k","raised_by":"party_organization"})", absl::StatusCode::kInvalidArgument, "\"title\""},
      {R"({"unit":"C1","title":"x","kind":"k","raised_by":"mayor"})", absl::StatusCode::kInvalidArgument,
       "\"raised_by\": \"mayor\""},
      {R"({"unit":"C1","title":"x","kind":"k","raised_by":"party_organization","one_shoulder":1})",
       absl::StatusCode::kInvalidArgument, "one_shoulder"},
      {R"({"unit":"C1","title":"x","kind":"k","raised_by":"party_organization","proposers":3})",
       absl::StatusCode::kInvalidArgument, "proposers"},
      {R"({"unit":"C1","title":"x","kind":"k","raised_by":"party_organization","colour":"red"})",
       absl::StatusCode::kInvalidArgument, "unknown field \"colour\""},
      {R"({"unit":"C1","title":"x","kind":"k","raised_by":"party_organization","levy":{"cash":1}})",
       absl::StatusCode::kInvalidArgument, "levy.cash"},
  };
  for (const auto& c : cases) {
    expect_error(cmd(*e, kStaff, "raise", 0, kT0, c.payload), c.code, c.says);
    expect_unchanged(*e, b, c.payload);
  }
  expect_error(cmd(*e, kStaff, "post", 1, kT0, R"({"channel":"board","from":"2026-03-02"})"),
               absl::StatusCode::kFailedPrecondition, "item is in state draft");
  expect_error(cmd(*e, kStaff, "conclude", 9, kT0), absl::StatusCode::kNotFound, "M00000009 not found");
  expect_unchanged(*e, b, "wrong state, unknown item");
  // The clock's command from a host is refused.
  expect_error(cmd(*e, Actor{"system", Role::kSystem, ""}, "complete_disclosure", 1, kT0),
               absl::StatusCode::kPermissionDenied, "");
  expect_unchanged(*e, b, "system from a host");
}

TEST(Deliberation, ReplayAndSnapshotsEqualLive) {
  VectorSink sink;
  auto e = make_engine(&sink);
  const std::uint64_t m = through_meetings(*e, kT0);
  ASSERT_TRUE(cmd(*e, kStaff, "post", m, kT0, R"({"channel":"board","from":"2026-03-02"})").ok());
  ASSERT_TRUE(e->tick(kT0 + 20 * kDay).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "raise", 0, kT0 + 20 * kDay, kRaiseMajor).ok());
  ASSERT_TRUE(cmd(*e, kSecretary, "choose_procedure", 2, kT0 + 20 * kDay, R"({"procedure":"council","reason":"小事"})").ok());
  ASSERT_TRUE(cmd(*e, kCompoundStaff, "raise", 0, kT0 + 20 * kDay,
                  R"({"unit":"K1","title":"维修资金","kind":"maintenance_fund_use","raised_by":"residents_committee"})")
                  .ok());
  loop_test::expect_replay_equal(*e, sink, "deliberation", {{"list", ""}, {"findings", ""}});
  // A tampered vote (a yes moved to no) no longer applies in replay: DATA_LOSS.
  auto t = Engine::create("wuzhong");
  ASSERT_TRUE(t.ok());
  bool tampered = false;
  for (Event ev : sink.all) {
    if (!tampered && ev.type == EventType::kLoop && ev.payload.document.find("party_members_meeting") != std::string::npos) {
      const std::string yes = R"("yes":["P1","P2","P3"])";
      const auto at = ev.payload.document.find(yes);
      ASSERT_NE(at, std::string::npos);
      ev.payload.document.replace(at, yes.size(), R"("yes":["P1"])");
      tampered = true;
      EXPECT_EQ((*t)->apply_event(ev).code(), absl::StatusCode::kDataLoss);
      break;
    }
    ASSERT_TRUE((*t)->apply_event(ev).ok());
  }
  EXPECT_TRUE(tampered);
}

// A petition at C1 walked to in_progress (what a referral takes up).
PetitionId petition_in_progress(Engine& e, Timestamp t, std::string text) {
  EventPayload sub;
  sub.petitioner = "R1";
  sub.category = "environment";
  sub.location = "H1";
  sub.text = std::move(text);
  auto pid = e.submit(Actor{"R1", Role::kResident, ""}, sub, t);
  EXPECT_TRUE(pid.ok()) << pid.status();
  if (!pid.ok()) return kNoPetition;
  EXPECT_TRUE(e.accept(kStaff, *pid, t).ok());
  EXPECT_TRUE(e.dispatch(kStaff, *pid, "C1", false, t).ok());
  EXPECT_TRUE(e.sign(kStaff, *pid, t).ok());
  return *pid;
}

// A matter raised from petitions (转办议事): each petition is answered naming the matter, its
// evaluation waits while the matter is deliberated and opens when the matter concludes (or
// is abandoned); bad lists are refused and change nothing; replay rebuilds the holds.
TEST(Deliberation, ReferredPetitionsAreEvaluatedWhenTheMatterConcludes) {
  VectorSink sink;
  auto e = make_engine(&sink);
  const PetitionId a = petition_in_progress(*e, kT0, "楼道堆物"), b = petition_in_progress(*e, kT0, "电动车充电");
  const PetitionId received = [&] {
    EventPayload sub;
    sub.petitioner = "R2";
    sub.category = "environment";
    sub.location = "H2";
    sub.text = "噪音";
    return *e->submit(Actor{"R2", Role::kResident, ""}, sub, kT0);
  }();
  const std::string matter = R"({"unit":"C1","title":"楼道与充电管理","kind":"public_welfare_project","category":)"
                             R"("facilities","raised_by":"party_organization"})";
  const Before b0 = before(*e);
  const PetitionId twice[] = {a, a}, with_received[] = {a, received}, unknown[] = {a, 99};
  expect_error(refer_petitions_to_matter(*e, kStaff, twice, matter, kT0 + 10), absl::StatusCode::kInvalidArgument,
               "twice");
  expect_error(refer_petitions_to_matter(*e, kStaff, with_received, matter, kT0 + 10),
               absl::StatusCode::kFailedPrecondition, "in_progress");
  expect_error(refer_petitions_to_matter(*e, kStaff, unknown, matter, kT0 + 10), absl::StatusCode::kNotFound, "P00000099");
  expect_error(refer_petitions_to_matter(*e, kStaff, {}, matter, kT0 + 10), absl::StatusCode::kInvalidArgument,
               "at least one");
  expect_error(refer_petitions_to_matter(*e, kStaff, std::span<const PetitionId>(twice, 1),
                                         R"({"unit":"C1","petitions":[]})", kT0 + 10),
               absl::StatusCode::kInvalidArgument, "must not name petitions");
  expect_error(cmd(*e, kStaff, "raise", 0, kT0 + 10,
                   R"({"unit":"C1","title":"x","kind":"public_welfare_project","raised_by":"party_organization",)"
                   R"("petitions":["P1"]})"),
               absl::StatusCode::kInvalidArgument, "as the engine writes it");
  expect_error(cmd(*e, kStaff, "raise", 0, kT0 + 10,
                   R"({"unit":"C1","title":"x","kind":"public_welfare_project","raised_by":"party_organization",)"
                   R"("petitions":[]})"),
               absl::StatusCode::kInvalidArgument, "1 to 50");
  expect_unchanged(*e, b0, "bad referrals");
  const PetitionId both[] = {a, b};
  auto r = refer_petitions_to_matter(*e, kStaff, both, matter, kT0 + 10);
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string id = std::string(get(*e, r->item)["id"].as_string());
  for (PetitionId p : both) {
    auto v = e->get(p);
    EXPECT_EQ(v->state, State::kResolved);
    EXPECT_TRUE(v->evaluation_held);
    EXPECT_EQ(v->due_at, kNoDeadline);
    EXPECT_NE(e->history(p)->back().payload.reason.find(id), std::string::npos);
  }
  EXPECT_EQ(data(*e, r->item)["referred_petitions"].as_array().size(), 2u);
  const Actor resident{"R1", Role::kResident, ""};
  EXPECT_EQ(e->evaluate(resident, a, Evaluation{true, true, Satisfaction::kSatisfied}, kT0 + 20).code(),
            absl::StatusCode::kFailedPrecondition);
  // The meetings pass; the matter is still open, so are the holds.
  ASSERT_TRUE(cmd(*e, kStaff, "start", r->item, kT0 + 20).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "meeting_passed", r->item, kT0 + 20, kPartyCommittee).ok());
  EXPECT_TRUE(e->get(a)->evaluation_held);
  // Abandoned (a terminal state): both petitions go on to their evaluation from that moment.
  const Timestamp end = kT0 + 30 * kDay;
  ASSERT_TRUE(cmd(*e, kSecretary, "abandon", r->item, end, R"({"reason":"并入街道统一整治"})").ok());
  for (PetitionId p : both) {
    EXPECT_FALSE(e->get(p)->evaluation_held);
    EXPECT_GT(e->get(p)->due_at, end);
  }
  ASSERT_TRUE(e->evaluate(resident, a, Evaluation{true, false, Satisfaction::kUnsatisfied}, end + 1).ok());
  EXPECT_EQ(e->get(a)->state, State::kClosed);
  loop_test::expect_replay_equal(*e, sink, "deliberation", {{"list", ""}});
}

// A recorded raise that would hold a petition held already (referred and answered), or one
// not in progress, does not apply in replay: DATA_LOSS (the journal was forged).
TEST(Deliberation, AForgedSecondHoldIsDataLossInReplay) {
  VectorSink sink;
  auto e = make_engine(&sink);
  const PetitionId a = petition_in_progress(*e, kT0, "楼道堆物");  // P00000001
  EventPayload sub;
  sub.petitioner = "R2";
  sub.category = "environment";
  sub.location = "H2";
  sub.text = "噪音";
  ASSERT_TRUE(e->submit(Actor{"R2", Role::kResident, ""}, sub, kT0).ok());  // P00000002, received
  const PetitionId c = petition_in_progress(*e, kT0, "电动车充电");  // P00000003
  const std::string matter = R"({"unit":"C1","title":"楼道管理","kind":"public_welfare_project","raised_by":"party_organization"})";
  const PetitionId first[] = {a}, second[] = {c};
  ASSERT_TRUE(refer_petitions_to_matter(*e, kStaff, first, matter, kT0 + 10).ok());
  ASSERT_TRUE(refer_petitions_to_matter(*e, kStaff, second, matter, kT0 + 20).ok());
  loop_test::expect_replay_equal(*e, sink, "deliberation", {{"list", ""}});
  for (const auto& [forged_id, says] : std::vector<std::pair<std::string, std::string>>{
           {"P00000001", "petition P00000001 is resolved"}, {"P00000002", "petition P00000002 is received"}}) {
    auto t = Engine::create("wuzhong");
    ASSERT_TRUE(t.ok());
    bool forged = false;
    absl::Status last;
    for (Event ev : sink.all) {
      const std::string named = R"("petitions":["P00000003"])";
      const auto pos = ev.payload.document.find(named);
      if (!forged && ev.type == EventType::kLoop && pos != std::string::npos) {
        ev.payload.document.replace(pos, named.size(), R"("petitions":[")" + forged_id + R"("])");
        forged = true;
      }
      last = (*t)->apply_event(ev);
      if (!last.ok()) break;
    }
    EXPECT_TRUE(forged) << forged_id;
    EXPECT_EQ(last.code(), absl::StatusCode::kDataLoss) << forged_id << ": " << last;
    EXPECT_NE(std::string(last.message()).find(says), std::string::npos) << forged_id << ": " << last;
  }
}

// ---------------------------------------------------------------------------------------
// Projects decided through a matter: the projects loop reads the matter an approval names
// through the host (query_loop "deliberation" "get"), and the policy (project.decision) says
// when one is required — a village project above 50,000 yuan through 四议两公开.

// A major matter of C1 through 四议两公开 to its conclusion: the meetings, the resolution
// posted 15 days, implemented, the result posted. Returns the matter and when it concluded.
std::pair<std::uint64_t, Timestamp> concluded_four_two(Engine& e, Timestamp t) {
  const std::uint64_t m = through_meetings(e, t);
  EXPECT_TRUE(cmd(e, kStaff, "post", m, t, R"({"channel":"board","from":"2026-03-02"})").ok());
  const Timestamp end = china_time_to_utc(*parse_date("2026-03-18"), 0);
  EXPECT_TRUE(e.tick(end).ok());
  EXPECT_TRUE(cmd(e, kStaff, "implemented", m, end + 10, R"({"note":"已实施"})").ok());
  EXPECT_TRUE(cmd(e, kStaff, "post", m, end + 20, R"({"channel":"online","from":"2026-03-18"})").ok());
  EXPECT_TRUE(e.tick(end + 20 * kDay).ok());
  EXPECT_TRUE(cmd(e, kStaff, "conclude", m, end + 21 * kDay).ok());
  EXPECT_EQ(state(e, m), "concluded");
  return {m, end + 21 * kDay};
}

absl::StatusOr<LoopOutcome> project(Engine& e, const Actor& a, std::string_view event, std::uint64_t item, Timestamp t,
                                    const std::string& payload = "") {
  return loop_test::run(e, "projects", event, item, a, t, payload);
}
std::string proposal(std::string_view unit, std::string_view kind, std::string_view budget, std::string_view needs = "[]") {
  return std::string(R"({"unit":")") + std::string(unit) + R"(","kind":")" + std::string(kind) +
         R"(","title":"道路修缮","lead_unit":")" + std::string(unit) + R"(","rollup":"equal",)" +
         R"("milestones":[{"name":"完工"}],"due":"2026-12-31","budget":")" + std::string(budget) + R"(","needs":)" +
         std::string(needs) + (kind == "village_plan" ? R"(,"tier":"基础"})" : "}");
}
std::string approval(std::string_view matter = "") {
  return std::string(R"({"decided_by":"村（社区）党组织","record":"2026-1","decided_on":"2026-03-02")") +
         (matter.empty() ? "" : R"(,"matter":")" + std::string(matter) + "\"") + "}";
}

TEST(ProjectDecisions, AnApprovalNamesAConcludedMatterOnItsScopeThroughFourTwoAboveTheAmount) {
  VectorSink sink;
  auto e = make_engine(&sink);
  const auto [m1, t] = concluded_four_two(*e, kT0);             // M00000001: concluded, C1, 四议两公开
  const std::uint64_t m2 = through_meetings(*e, kT0);           // M00000002: still deliberating
  // M00000003: a council (议事会) of C1, concluded: an adopted resolution, another procedure.
  ASSERT_TRUE(cmd(*e, kStaff, "raise", 0, kT0, R"({"unit":"C1","title":"停车","kind":"parking_order","raised_by":"residents_committee"})").ok());
  ASSERT_TRUE(cmd(*e, kStaff, "start", 3, kT0).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "meeting_passed", 3, kT0,
                  R"({"body":"council","date":"2026-03-02","roll":[{"person":"P1","class":"party_representative"},
                      {"person":"R1","class":"resident_representative"},{"person":"R2","class":"resident_representative"}],
                      "attended":["P1","R1","R2"],"yes":["P1","R1"],"no":["R2"]})")
                  .ok());
  ASSERT_TRUE(cmd(*e, kStaff, "implemented", 3, kT0 + 60, R"({"note":"划线"})").ok());
  ASSERT_TRUE(cmd(*e, kStaff, "post", 3, kT0 + 120, R"({"channel":"board","from":"2026-03-02"})").ok());
  ASSERT_TRUE(e->tick(t - 60).ok());
  ASSERT_TRUE(cmd(*e, kStaff, "conclude", 3, t - 30).ok());
  ASSERT_EQ(state(*e, 3), "concluded");
  ASSERT_EQ(m2, 2u);

  // A village-plan item of 50,000.01 yuan at G1: above the amount, so 四议两公开.
  ASSERT_TRUE(project(*e, kStaff, "propose", 0, t, proposal("G1", "village_plan", "50000.01")).ok());
  const Before b = before(*e);
  const std::string projects_before = *e->query("projects", "list");
  for (const auto& [matter, code, says] : std::vector<std::tuple<std::string, absl::StatusCode, std::string>>{
           {"", absl::StatusCode::kInvalidArgument, "field \"matter\" (the deliberation matter that decided it) is required: a village project of 50000.01 yuan, above 50000.00, goes through 四议两公开"},
           {"M00000099", absl::StatusCode::kNotFound, "field \"matter\""},
           {"电梯议题", absl::StatusCode::kInvalidArgument, "must be a deliberation matter id"},
           {"M00000002", absl::StatusCode::kFailedPrecondition, "matter M00000002 is deliberating"},
           {"M00000003", absl::StatusCode::kFailedPrecondition, "matter M00000003 went through council; a village project"},
       }) {
    auto r = project(*e, kSecretary, "approve", 1, t + 60, approval(matter));
    EXPECT_EQ(r.status().code(), code) << matter << ": " << r.status();
    EXPECT_NE(std::string(r.status().message()).find(says), std::string::npos) << r.status();
    EXPECT_NE(std::string(r.status().message()).find("projects approve P00000001"), std::string::npos) << r.status();
    expect_unchanged(*e, b, matter);
    EXPECT_EQ(*e->query("projects", "list"), projects_before) << matter;
  }
  ASSERT_TRUE(project(*e, kSecretary, "approve", 1, t + 60, approval("M00000001")).ok());
  auto p1 = json::parse(*e->query("projects", "get", R"({"item":1})")).as_object();
  const auto& dec = p1["data"].as_object()["decision"].as_object();
  EXPECT_EQ(dec.at("matter").as_string(), "M00000001");
  EXPECT_EQ(dec.at("procedure").as_string(), "four_deliberations_two_disclosures");
  auto board = json::parse(*e->query("projects", "board", R"({"unit":"G1"})")).as_object();
  EXPECT_EQ(board["projects"].as_array()[0].as_object()["matter"].as_string(), "M00000001");

  // A practical project of V1 (a rural area): exactly 50,000.00 needs no matter; one fen more
  // does, and C1's matter does not cover V1.
  ASSERT_TRUE(project(*e, kVillageStaff, "propose", 0, t, proposal("V1", "practical", "50000.00")).ok());
  EXPECT_TRUE(project(*e, kVillageSecretary, "approve", 2, t + 60, approval()).ok());
  ASSERT_TRUE(project(*e, kVillageStaff, "propose", 0, t, proposal("V1", "practical", "50000.01")).ok());
  expect_error(project(*e, kVillageSecretary, "approve", 3, t + 60, approval()), absl::StatusCode::kInvalidArgument,
               "goes through 四议两公开");
  expect_error(project(*e, Actor{"d1", Role::kDistrictOfficer, "D"}, "approve", 3, t + 60, approval("M00000001")),
               absl::StatusCode::kFailedPrecondition,
               "matter M00000001 was decided for C1, which does not cover the project's unit V1");
  // An urban practical project of any amount needs none, but a named matter is still checked:
  // the council's concluded resolution is enough there; the unconcluded one is not.
  ASSERT_TRUE(project(*e, kStaff, "propose", 0, t, proposal("C1", "practical", "900000.00")).ok());
  expect_error(project(*e, kSecretary, "approve", 4, t + 60, approval("M00000002")), absl::StatusCode::kFailedPrecondition,
               "is deliberating");
  ASSERT_TRUE(project(*e, kSecretary, "approve", 4, t + 60, approval("M00000003")).ok());
  loop_test::expect_replay_equal(*e, sink, "projects", {{"list", ""}});
}

// A project's needs: categories are the policy's petition categories; a named petition is one
// the engine holds, raised inside the project's unit, lead unit or co-units.
TEST(ProjectDecisions, NeedsNameThePolicysCategoriesAndPetitionsInScope) {
  VectorSink sink;
  auto e = make_engine(&sink);
  const PetitionId pid = petition_in_progress(*e, kT0, "路面破损");
  auto view = e->get(pid);
  ASSERT_TRUE(view.ok());
  const std::string id = view->display_id;
  const Before b = before(*e);
  for (const auto& [needs, code, says] : std::vector<std::tuple<std::string, absl::StatusCode, std::string>>{
           {R"([{"kind":"category","ref":"elderly_care"}])", absl::StatusCode::kInvalidArgument,
            "field \"needs[0].ref\" \"elderly_care\" is not a petition category of the policy ("},
           {R"([{"kind":"category","ref":"default"}])", absl::StatusCode::kInvalidArgument, "not a petition category"},
           {R"([{"kind":"list","ref":"x"},{"kind":"petition","ref":"P09999999"}])", absl::StatusCode::kNotFound,
            "field \"needs[1].ref\""},
       }) {
    expect_error(project(*e, kStaff, "propose", 0, kT0 + 60, proposal("C1", "practical", "100.00", needs)), code, says);
    expect_unchanged(*e, b, needs);
  }
  // The petition was raised at C1's household H1: outside C3's project, inside C1's.
  const std::string need = R"([{"kind":"petition","ref":")" + id + R"("},{"kind":"category","ref":"drains"}])";
  expect_error(project(*e, Actor{"st3", Role::kStreetOfficer, "S2"}, "propose", 0, kT0 + 60,
                       proposal("C3", "practical", "100.00", need)),
               absl::StatusCode::kFailedPrecondition, "outside the project's unit, lead unit and co-units");
  expect_unchanged(*e, b, "outside");
  ASSERT_TRUE(project(*e, kStaff, "propose", 0, kT0 + 60, proposal("C1", "practical", "100.00", need)).ok());
  loop_test::expect_replay_equal(*e, sink, "projects", {{"list", ""}});
}

}  // namespace
}  // namespace jiceng
