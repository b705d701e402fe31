// The projects loop (项目) and the service fund loop (为民服务专项经费) through the engine:
// role × scope cells generated from both tables, the lifecycle and its clock (deadline,
// periodic reviews, the result's 15-day posting counted as the Civil Code counts periods),
// roll-up modes, every policy number at its boundary, bad input that changes nothing, the
// ledger's invariant under random commands, the four lists and the village campaign,
// replay and snapshot equality.
#include <map>
#include <memory>
#include <tuple>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "boost/json.hpp"
#include "jiceng/calendar.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/loop.hpp"
#include "loop/loop_fixture.hpp"
#include "loop/projects_loop.hpp"

namespace jiceng {
namespace {
namespace json = boost::json;

// D → S1 {C11 {G111, G112}, C12, J1 (大党委: C11, C12, R1), R1}, S2 {C21}, T3 (rural) {V31, V32}.
constexpr const char* kOrg = R"({"schema": "urban_grid", "units": [
 {"id": "D", "name": "区委", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "一街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "S2", "name": "二街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "T3", "name": "三镇", "level": 1, "kind": "township_committee", "parent": "D", "schema": "rural"},
 {"id": "C11", "name": "甲社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "C12", "name": "乙社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "C21", "name": "丙社区", "level": 2, "kind": "community_committee", "parent": "S2"},
 {"id": "J1", "name": "一片区大党委", "level": 2, "kind": "joint_committee", "parent": "S1"},
 {"id": "R1", "name": "区医院党委", "level": 2, "kind": "resident_unit", "parent": "S1"},
 {"id": "V31", "name": "东村", "level": 2, "kind": "community_committee", "parent": "T3"},
 {"id": "V32", "name": "西村", "level": 2, "kind": "community_committee", "parent": "T3"},
 {"id": "G111", "name": "一网格", "level": 3, "kind": "grid_branch", "parent": "C11"},
 {"id": "G112", "name": "二网格", "level": 3, "kind": "grid_branch", "parent": "C11"}
], "links": [
 {"type": "joint", "from": "J1", "to": "C11"}, {"type": "joint", "from": "J1", "to": "C12"},
 {"type": "joint", "from": "J1", "to": "R1"}
]})";

Timestamp at(int y, int m, int d, int minute = 9 * 60) { return china_time_to_utc(Date(y, m, d), minute); }
const Timestamp kT0 = at(2026, 3, 2);  // a Monday

const Actor kStaff{"w1", Role::kCommunityStaff, "C11"};
const Actor kSecretary{"sec", Role::kCommunitySecretary, "C11"};
const Actor kStreet{"s1", Role::kStreetOfficer, "S1"};
const Actor kTown{"t3", Role::kStreetOfficer, "T3"};

using loop_test::VectorSink;

std::unique_ptr<Engine> make_engine(VectorSink* sink = nullptr, std::string_view policy = "wuzhong") {
  return loop_test::engine_with(kOrg, kT0 - 3600, policy, sink);
}

absl::StatusOr<LoopOutcome> cmd(Engine& e, std::string_view loop, std::string_view event, std::uint64_t item,
                                const Actor& a, Timestamp t, const std::string& payload = "") {
  return loop_test::run(e, loop, event, item, a, t, payload);
}

json::object query(const Engine& e, std::string_view loop, std::string_view name, const std::string& params = "") {
  auto r = e.query(loop, name, params);
  EXPECT_TRUE(r.ok()) << loop << " " << name << ": " << r.status();
  return r.ok() ? json::parse(*r).as_object() : json::object{};
}
json::object item(const Engine& e, std::string_view loop, std::uint64_t id) {
  return query(e, loop, "get", "{\"item\":" + std::to_string(id) + "}");
}
std::string state(const Engine& e, std::string_view loop, std::uint64_t id) {
  return std::string(item(e, loop, id)["state"].as_string());
}

std::string proposal(std::string_view unit = "G111", std::string_view extra = "") {
  return std::string(R"({"unit":")") + std::string(unit) +
         R"(","kind":"practical","title":"高龄老人助餐点","lead_unit":"C11","co_units":["R1"],)"
         R"("needs":[{"kind":"category","ref":"elderly_meals"},{"kind":"list","ref":"八十岁以上老人吃饭难"}],)"
         R"("resources":[{"by":"R1","what":"营养配餐指导","month":3,"value":"3000.00"}],"budget":"50000.00",)"
         R"("rollup":"weighted","milestones":[{"name":"选址","weight":1},{"name":"建成开放","weight":3}],)"
         R"("due":"2026-06-30")" +
         std::string(extra) + "}";
}
const std::string kDecision = R"({"decided_by":"甲社区党委会议","record":"C11-2026-07","decided_on":"2026-03-02"})";

// A project of `unit` driven to `target` (proposed, approved, in_progress with every
// milestone at 100%, overdue, done, publishing). Returns its id and the time of its last event.
std::pair<std::uint64_t, Timestamp> project_in(Engine& e, std::string_view target, std::string_view unit = "G111") {
  const bool overdue = target == "overdue";
  const std::string p = overdue ? proposal(unit).replace(proposal(unit).find("2026-06-30"), 10, "2026-03-04") : proposal(unit);
  auto r = cmd(e, "projects", "propose", 0, kStaff, kT0, p);
  EXPECT_TRUE(r.ok()) << r.status();
  const std::uint64_t id = r.ok() ? r->item : 0;
  Timestamp t = kT0;
  auto step = [&](std::string_view ev, const Actor& a, const std::string& payload) {
    t += 60;
    auto s = cmd(e, "projects", ev, id, a, t, payload);
    EXPECT_TRUE(s.ok()) << ev << ": " << s.status();
  };
  if (target == "proposed") return {id, t};
  step("approve", kSecretary, kDecision);
  if (target == "approved") return {id, t};
  step("start", kStaff, "");
  step("progress", kStaff, R"({"milestone":1,"percent":100})");
  step("progress", kStaff, R"({"milestone":"建成开放","percent":100})");
  if (target == "in_progress") return {id, t};
  if (overdue) {
    t = at(2026, 3, 5, 0);
    auto tr = e.tick(t);
    EXPECT_TRUE(tr.ok());
    EXPECT_EQ(state(e, "projects", id), "overdue");
    return {id, t};
  }
  step("complete", kStaff, R"({"summary":"已开放"})");
  if (target == "done") return {id, t};
  step("publish", kStaff, R"({"from":"2026-03-02","channel":"社区公开栏"})");
  return {id, t};
}

// An account of `community` in `target` state; with `spend_on` (an approved project of it)
// the account first pays 100.00 and 1.00 for it and posts the first spend from 2026-03-02.
std::uint64_t account_in(Engine& e, std::string_view target, std::string_view community = "C11",
                         std::string_view spend_on = "") {
  auto r = cmd(e, "fund", "open", 0, kStreet, kT0,
               std::string(R"({"unit":")") + std::string(community) + R"(","year":2026,"allocation":"200000.00"})");
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return 0;
  if (!spend_on.empty()) {
    EXPECT_TRUE(cmd(e, "fund", "spend", r->item, kSecretary, kT0 + 5,
                    std::string(R"({"project":")") + std::string(spend_on) +
                        R"(","decision":"C11-2026-07","category":"public_service","amount":"100.00","purpose":"餐桌"})")
                    .ok());
    EXPECT_TRUE(cmd(e, "fund", "spend", r->item, kSecretary, kT0 + 6,
                    std::string(R"({"project":")") + std::string(spend_on) +
                        R"(","decision":"C11-2026-07","category":"public_service","amount":"1.00","purpose":"餐具"})")
                    .ok());
    EXPECT_TRUE(cmd(e, "fund", "disclose", r->item, kSecretary, kT0 + 7, R"({"spend":1,"from":"2026-03-02","channel":"公开栏"})").ok());
  }
  if (target == "open") return r->item;
  EXPECT_TRUE(cmd(e, "fund", "close", r->item, kStreet, kT0 + 10).ok());
  if (target == "closed") return r->item;
  EXPECT_TRUE(cmd(e, "fund", "publish", r->item, kSecretary, kT0 + 20, R"({"from":"2026-03-02","channel":"公开栏"})").ok());
  return r->item;
}

// ---------------------------------------------------------------------------------------

TEST(ProjectsLoop, TablesCheckAndArtefactsComeFromThem) {
  EXPECT_TRUE(check_table(projects_loop_table()).ok());
  EXPECT_TRUE(check_table(fund_loop_table()).ok());
  auto e = make_engine();
  EXPECT_NE(std::find(e->loops().begin(), e->loops().end(), "projects"), e->loops().end());
  EXPECT_NE(std::find(e->loops().begin(), e->loops().end(), "fund"), e->loops().end());
  const std::string dot = loop_diagram_dot(projects_loop_table());
  EXPECT_NE(dot.find("if past_deadline"), std::string::npos) << dot;
  const std::string md = loop_permission_matrix(fund_loop_table());
  EXPECT_NE(md.find("| open | spend | open | community_secretary, community_staff | item_unit | spend_valid | record_spend |"),
            std::string::npos)
      << md;
}

// Every row × every role × five units, generated from the tables: allowed exactly when the
// row names the role and the actor's unit is the item's (C11) or above it.
TEST(ProjectsLoop, RoleAndScopeCellsFollowBothTables) {
  const std::vector<std::string> units = {"D", "S1", "C11", "C21", "G111"};
  const Timestamp tc = at(2026, 5, 4);
  const std::string today = "2026-05-04";
  std::map<std::string, std::string> payload = {
      {"propose", proposal("C11")},
      {"approve", kDecision},
      {"progress", R"({"milestone":1,"percent":100})"},
      {"review", R"({"note":"月度调度"})"},
      {"complete", "{}"},
      {"publish", R"({"from":")" + today + R"(","channel":"公开栏"})"},
      {"cancel", R"({"reason":"需求已由他项满足"})"},
      {"open", R"({"unit":"C11","year":2026,"allocation":"200000.00"})"},
      {"allocate", R"({"amount":"1000.00"})"},
      {"spend", R"({"project":"P00000001","decision":"C11-2026-07","category":"public_service","amount":"100.00","purpose":"餐桌"})"},
      {"take_down", R"({"spend":1,"reason":"公示栏更换"})"},
  };
  int cells = 0, allowed = 0;
  for (const LoopTable* t : {&projects_loop_table(), &fund_loop_table()}) {
    const bool fund = t->loop == "fund";
    for (const LoopRow& row : t->rows) {
      auto e = make_engine();
      std::uint64_t id = 0;
      if (fund) {
        project_in(*e, "approved", "C11");  // P00000001, for spends
        // disclose: the second spend is not posted yet; take_down: the first one's notice is up.
        if (!row.from.empty()) id = account_in(*e, row.from, "C11", "P00000001");
        payload["disclose"] = R"({"spend":2,"from":")" + today + R"(","channel":"公开栏"})";
      } else if (!row.from.empty()) {
        id = project_in(*e, row.from, "C11").first;
      }
      const std::string body = payload.count(std::string(row.event)) ? payload[std::string(row.event)] : "";
      for (int role = 0; role < kRoleCount; ++role) {
        if (static_cast<Role>(role) == Role::kSystem) continue;
        for (const auto& unit : units) {
          const Actor a{"a", static_cast<Role>(role), static_cast<Role>(role) == Role::kResident ? "" : unit};
          const bool role_ok = row.roles & role_bit(a.role);
          const bool scope_ok = unit == "D" || unit == "S1" || unit == "C11";
          absl::Status got;
          const std::string before = e->snapshot();
          auto st = e->batch([&](Engine& en) -> absl::Status {
            got = cmd(en, t->loop, row.event, id, a, tc, body).status();
            return absl::AbortedError("cell");
          });
          EXPECT_EQ(e->snapshot(), before);
          ++cells;
          const std::string what = std::string(t->loop) + " " + std::string(row.from) + "/" + std::string(row.event) +
                                   " by " + std::string(to_string(a.role)) + " at " + unit;
          if (role_ok && scope_ok && a.role != Role::kResident) {
            EXPECT_TRUE(got.ok()) << what << ": " << got;
            ++allowed;
          } else {
            EXPECT_EQ(got.code(), absl::StatusCode::kPermissionDenied) << what << ": " << got;
          }
        }
      }
    }
  }
  EXPECT_EQ(cells, static_cast<int>(projects_loop_table().rows.size() + fund_loop_table().rows.size()) *
                       (kRoleCount - 1) * 5);
  EXPECT_GT(allowed, 100);
}

TEST(ProjectsLoop, LifecycleWithDecisionRollupAndPublication) {
  auto e = make_engine();
  auto [id, t] = project_in(*e, "proposed");
  auto p = item(*e, "projects", id);
  EXPECT_EQ(p["id"].as_string(), "P00000001");
  EXPECT_EQ(p["state_zh"].as_string(), "已提出");
  auto d = p["data"].as_object();
  EXPECT_EQ(d["budget_fen"].as_int64(), 5'000'000);
  EXPECT_EQ(d["due"].as_string(), "2026-06-30");
  EXPECT_EQ(d["due_at"].as_int64(), at(2026, 7, 1, 0));
  // Nothing starts before the decision.
  EXPECT_EQ(cmd(*e, "projects", "start", id, kStaff, t + 1).status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(cmd(*e, "projects", "approve", id, kSecretary, t + 2, kDecision).ok());
  d = item(*e, "projects", id)["data"].as_object();
  EXPECT_EQ(d["decision"].as_object()["record"].as_string(), "C11-2026-07");
  EXPECT_EQ(d["decision"].as_object()["recorded_by"].as_string(), "sec");
  ASSERT_TRUE(cmd(*e, "projects", "start", id, kStaff, t + 3).ok());
  // Weighted roll-up: weights 1 and 3; milestone 2 at 50% → (0·1 + 50·3)/4 = 37.50%.
  ASSERT_TRUE(cmd(*e, "projects", "progress", id, kStaff, t + 4, R"({"milestone":2,"percent":50})").ok());
  EXPECT_EQ(item(*e, "projects", id)["data"].as_object()["progress_bp"].as_int64(), 3750);
  EXPECT_EQ(cmd(*e, "projects", "complete", id, kStaff, t + 5).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(cmd(*e, "projects", "progress", id, kStaff, t + 5, R"({"milestone":2,"percent":40})").status().code(),
            absl::StatusCode::kInvalidArgument);  // progress is not taken back
  ASSERT_TRUE(cmd(*e, "projects", "progress", id, kStaff, t + 6, R"({"milestone":1,"percent":100})").ok());
  EXPECT_EQ(item(*e, "projects", id)["data"].as_object()["progress_bp"].as_int64(), 6250);
  ASSERT_TRUE(cmd(*e, "projects", "progress", id, kStaff, t + 7, R"({"milestone":2,"percent":100})").ok());
  ASSERT_TRUE(cmd(*e, "projects", "complete", id, kStaff, t + 8).ok());
  EXPECT_FALSE(item(*e, "projects", id)["data"].as_object()["late"].as_bool());
  // Published from Monday 2026-03-02: day 15 is Tuesday 03-17, so it ends at 24:00 that day.
  ASSERT_TRUE(cmd(*e, "projects", "publish", id, kStaff, t + 9, R"({"from":"2026-03-02","channel":"社区公开栏"})").ok());
  const Timestamp end = at(2026, 3, 18, 0);
  EXPECT_EQ(item(*e, "projects", id)["data"].as_object()["publication"].as_object()["ends_at"].as_int64(), end);
  EXPECT_EQ(e->loop_table("projects") != nullptr, true);
  auto early = cmd(*e, "projects", "conclude", id, kStaff, end - 1);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(early.status().message()).find("2026-03-17 24:00"), std::string::npos) << early.status();
  auto tr = e->tick(end - 1);
  ASSERT_TRUE(tr.ok());
  EXPECT_EQ(state(*e, "projects", id), "publishing");
  tr = e->tick(end);
  ASSERT_TRUE(tr.ok());
  EXPECT_EQ(tr->loop_events, 1u);
  EXPECT_EQ(state(*e, "projects", id), "published");
}

// 民法典 第二百零三条: a last day on a rest day moves to the next working day.
TEST(ProjectsLoop, PublicationPeriodMovesOffRestDays) {
  const auto& cal = WorkCalendar::china();
  // From Friday 2026-03-06, day 15 is Saturday 03-21; the last day becomes Monday 03-23.
  ASSERT_FALSE(*cal.is_workday(Date(2026, 3, 21)));
  ASSERT_FALSE(*cal.is_workday(Date(2026, 3, 22)));
  ASSERT_TRUE(*cal.is_workday(Date(2026, 3, 23)));
  auto e = make_engine();
  const std::uint64_t id = project_in(*e, "done").first;
  ASSERT_TRUE(cmd(*e, "projects", "publish", id, kStaff, at(2026, 3, 6), R"({"from":"2026-03-06","channel":"网上公开"})").ok());
  EXPECT_EQ(item(*e, "projects", id)["data"].as_object()["publication"].as_object()["ends_at"].as_int64(),
            at(2026, 3, 24, 0));
  ASSERT_TRUE(e->tick(at(2026, 3, 24, 0) - 1).ok());
  EXPECT_EQ(state(*e, "projects", id), "publishing");
  ASSERT_TRUE(e->tick(at(2026, 3, 24, 0)).ok());
  EXPECT_EQ(state(*e, "projects", id), "published");
  // A posting may not start in the past.
  const std::uint64_t id2 = project_in(*e, "done", "G112").first;
  EXPECT_EQ(cmd(*e, "projects", "publish", id2, kStaff, at(2026, 3, 6), R"({"from":"2026-03-05","channel":"网上公开"})")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ProjectsLoop, RollupModeIsNamedAndNeverSwitchesSilently) {
  auto e = make_engine();
  auto propose = [&](const std::string& rollup_and_ms) {
    return cmd(*e, "projects", "propose", 0, kStaff, kT0,
               R"({"unit":"G111","kind":"micro","title":"楼道灯","lead_unit":"G111","due":"2026-04-30",)" + rollup_and_ms +
                   "}");
  };
  auto equal_with_weight = propose(R"("rollup":"equal","milestones":[{"name":"a"},{"name":"b","weight":2}])");
  EXPECT_EQ(equal_with_weight.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(equal_with_weight.status().message()).find("milestones[1].weight"), std::string::npos);
  auto weighted_without = propose(R"("rollup":"weighted","milestones":[{"name":"a","weight":1},{"name":"b"}])");
  EXPECT_EQ(weighted_without.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(propose(R"("milestones":[{"name":"a"}])").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(propose(R"("rollup":"max","milestones":[{"name":"a"}])").status().code(), absl::StatusCode::kInvalidArgument);
  auto ok = propose(R"("rollup":"equal","milestones":[{"name":"a"},{"name":"b"},{"name":"c"}])");
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_TRUE(cmd(*e, "projects", "approve", ok->item, kSecretary, kT0 + 1, kDecision).ok());
  ASSERT_TRUE(cmd(*e, "projects", "start", ok->item, kStaff, kT0 + 2).ok());
  ASSERT_TRUE(cmd(*e, "projects", "progress", ok->item, kStaff, kT0 + 3, R"({"milestone":"c","percent":50})").ok());
  // Equal: (0 + 0 + 50) / 3 = 16.66% (truncated, never shows progress not made).
  EXPECT_EQ(item(*e, "projects", ok->item)["data"].as_object()["progress_bp"].as_int64(), 1666);
  auto board = query(*e, "projects", "board", R"({"unit":"C11"})");
  ASSERT_EQ(board["projects"].as_array().size(), 1u);
  EXPECT_EQ(board["projects"].as_array()[0].as_object()["progress"].as_string(), "16.66%");
  EXPECT_EQ(board["projects"].as_array()[0].as_object()["street"].as_string(), "S1");
}

// The deadline ends at 24:00 of its day; the clock marks the project overdue then, not before.
TEST(ProjectsLoop, OverdueAtTheEndOfTheDeadlineDay) {
  auto e = make_engine();
  auto [id, t] = project_in(*e, "approved");
  const Timestamp due_end = at(2026, 7, 1, 0);
  ASSERT_TRUE(e->tick(due_end - 1).ok());
  EXPECT_EQ(state(*e, "projects", id), "approved");
  EXPECT_EQ(cmd(*e, "projects", "overdue", id, kSecretary, due_end).status().code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(e->tick(due_end).ok());
  EXPECT_EQ(state(*e, "projects", id), "overdue");
  // Late work is still recorded, and completing it late is a finding.
  ASSERT_TRUE(cmd(*e, "projects", "progress", id, kStaff, due_end + 10, R"({"milestone":1,"percent":100})").ok());
  ASSERT_TRUE(cmd(*e, "projects", "progress", id, kStaff, due_end + 11, R"({"milestone":2,"percent":100})").ok());
  ASSERT_TRUE(cmd(*e, "projects", "complete", id, kStaff, due_end + 12).ok());
  EXPECT_TRUE(item(*e, "projects", id)["data"].as_object()["late"].as_bool());
  auto f = query(*e, "projects", "findings");
  ASSERT_EQ(f["findings"].as_array().size(), 1u);
  EXPECT_EQ(f["findings"].as_array()[0].as_object()["code"].as_string(), "completed_late");
}

// Cross-area projects: annual (due by the end of the year) or long-term (milestone dates),
// co-units in other streets, and periodic reviews whose miss is a finding.
TEST(ProjectsLoop, CrossAreaProjectsAndMissedReviews) {
  auto e = make_engine();
  const std::string base =
      R"({"unit":"S1","kind":"cross_area","title":"跨界河道整治","lead_unit":"S1","co_units":["S2","C21"],)"
      R"("rollup":"equal",)";
  auto annual = cmd(*e, "projects", "propose", 0, kStreet, kT0,
                    base + R"("horizon":"annual","year":2026,"milestones":[{"name":"清淤"}]})");
  ASSERT_TRUE(annual.ok()) << annual.status();
  EXPECT_EQ(item(*e, "projects", annual->item)["data"].as_object()["due"].as_string(), "2026-12-31");
  EXPECT_EQ(cmd(*e, "projects", "propose", 0, kStreet, kT0,
                base + R"("horizon":"annual","year":2026,"due":"2027-01-01","milestones":[{"name":"清淤"}]})")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  auto long_term = cmd(*e, "projects", "propose", 0, kStreet, kT0,
                       base + R"("horizon":"long_term","milestones":[{"name":"规划","due":"2026-12-31"},{"name":"贯通","due":"2028-06-30"}]})");
  ASSERT_TRUE(long_term.ok()) << long_term.status();
  EXPECT_EQ(item(*e, "projects", long_term->item)["data"].as_object()["due"].as_string(), "2028-06-30");
  EXPECT_EQ(cmd(*e, "projects", "propose", 0, kStreet, kT0,
                base + R"("horizon":"long_term","milestones":[{"name":"规划"}]})").status().code(),
            absl::StatusCode::kInvalidArgument);  // a long-term milestone needs a date
  auto outside = cmd(*e, "projects", "propose", 0, kStreet, kT0,
                     R"({"unit":"S1","kind":"cross_area","title":"x","lead_unit":"S1","co_units":["S9"],"rollup":"equal",)"
                     R"("horizon":"annual","year":2026,"milestones":[{"name":"a"}]})");
  EXPECT_EQ(outside.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(outside.status().message()).find("co_units[0]"), std::string::npos) << outside.status();

  // Approved on 2026-03-02: the first review is due within 30 days (by 2026-04-01 24:00).
  ASSERT_TRUE(cmd(*e, "projects", "approve", annual->item, kStreet, kT0 + 1, kDecision).ok());
  const Timestamp first = at(2026, 4, 2, 0);
  EXPECT_EQ(item(*e, "projects", annual->item)["data"].as_object()["next_review_at"].as_int64(), first);
  ASSERT_TRUE(e->tick(first - 7200).ok());
  EXPECT_EQ(item(*e, "projects", annual->item)["data"].as_object()["missed_reviews"].as_array().size(), 0u);
  // A review on 2026-04-01 resets the interval: the next is due by 2026-05-01 24:00.
  ASSERT_TRUE(cmd(*e, "projects", "review", annual->item, kStreet, first - 60, R"({"note":"四月调度"})").ok());
  EXPECT_EQ(item(*e, "projects", annual->item)["data"].as_object()["next_review_at"].as_int64(), at(2026, 5, 2, 0));
  ASSERT_TRUE(e->tick(at(2026, 5, 2, 0) - 1).ok());
  EXPECT_EQ(item(*e, "projects", annual->item)["data"].as_object()["missed_reviews"].as_array().size(), 0u);
  ASSERT_TRUE(e->tick(at(2026, 5, 2, 0)).ok());
  EXPECT_EQ(item(*e, "projects", annual->item)["data"].as_object()["missed_reviews"].as_array().size(), 1u);
  // Then none until June 5: a second interval missed, a second finding, recorded by the clock.
  ASSERT_TRUE(e->tick(at(2026, 6, 5)).ok());
  auto missed = item(*e, "projects", annual->item)["data"].as_object()["missed_reviews"].as_array();
  ASSERT_EQ(missed.size(), 2u);
  EXPECT_EQ(missed[0].as_object()["due_at"].as_int64(), at(2026, 5, 2, 0));
  EXPECT_EQ(missed[1].as_object()["due_at"].as_int64(), at(2026, 6, 1, 0));
  auto f = query(*e, "projects", "findings");
  ASSERT_GE(f["findings"].as_array().size(), 2u);
  EXPECT_EQ(f["findings"].as_array()[0].as_object()["code"].as_string(), "review_missed");
  EXPECT_EQ(f["findings"].as_array()[0].as_object()["due"].as_string(), "2026-05-01");
}

TEST(ProjectsLoop, FourListsOfAJointCommittee) {
  auto e = make_engine();
  project_in(*e, "approved", "G111");
  // A project in another street that does not touch J1's area or members.
  ASSERT_TRUE(cmd(*e, "projects", "propose", 0, Actor{"w9", Role::kCommunityStaff, "C21"}, kT0,
                  R"({"unit":"C21","kind":"micro","title":"丙社区微实事","lead_unit":"C21","rollup":"equal",)"
                  R"("milestones":[{"name":"a"}],"due":"2026-05-01","needs":[{"kind":"category","ref":"noise"}]})")
                  .ok());
  auto l = query(*e, "projects", "four_lists", R"({"unit":"J1"})");
  EXPECT_EQ(l["joint_committee"].as_string(), "J1");
  EXPECT_EQ(l["members"].as_array().size(), 3u);
  ASSERT_EQ(l["projects"].as_array().size(), 1u);
  ASSERT_EQ(l["needs"].as_array().size(), 2u);
  EXPECT_FALSE(l["needs"].as_array()[0].as_object()["answered"].as_bool());
  ASSERT_EQ(l["resources"].as_array().size(), 1u);
  auto r = l["resources"].as_array()[0].as_object();
  EXPECT_EQ(r["by"].as_string(), "R1");
  EXPECT_TRUE(r["member_unit"].as_bool());
  EXPECT_EQ(r["value"].as_string(), "3000.00");
  EXPECT_EQ(r["month"].as_int64(), 3);
  ASSERT_EQ(l["responsibilities"].as_array().size(), 2u);  // C11 leads, R1 joins
  EXPECT_EQ(l["responsibilities"].as_array()[0].as_object()["unit"].as_string(), "C11");
  EXPECT_EQ(l["responsibilities"].as_array()[1].as_object()["joins"].as_array().size(), 1u);
  EXPECT_EQ(e->query("projects", "four_lists", R"({"unit":"C11"})").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(e->query("projects", "four_lists", R"({"unit":"ZZ"})").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(e->query("projects", "four_lists", "{}").status().code(), absl::StatusCode::kInvalidArgument);
}

// 一村一策: one tier per village from the policy's ordered list; planned within one year of
// the campaign's start, covered (every item done) by the second year — each at its boundary.
TEST(ProjectsLoop, VillagePlansAndCampaignChecks) {
  auto e = make_engine();
  const Actor v31{"v31", Role::kCommunitySecretary, "V31"};
  auto plan = [&](std::string_view village, std::string_view tier, Timestamp t) {
    return cmd(*e, "projects", "propose", 0, kTown, t,
               std::string(R"({"unit":")") + std::string(village) + R"(","kind":"village_plan","tier":")" +
                   std::string(tier) + R"(","title":"停车位改造","lead_unit":")" + std::string(village) +
                   R"(","rollup":"equal","milestones":[{"name":"完工"}],"due":"2027-12-31"})");
  };
  EXPECT_EQ(plan("V31", "豪华", kT0).status().code(), absl::StatusCode::kInvalidArgument);
  auto a = plan("V31", "净美", kT0);
  ASSERT_TRUE(a.ok()) << a.status();
  auto clash = plan("V31", "品质", kT0);
  EXPECT_EQ(clash.status().code(), absl::StatusCode::kFailedPrecondition);  // one village, one tier
  ASSERT_TRUE(plan("V31", "净美", kT0).ok());
  EXPECT_EQ(cmd(*e, "projects", "propose", 0, kStaff, kT0,
                proposal("G111", R"(,"tier":"基础")")).status().code(),
            absl::StatusCode::kInvalidArgument);  // a tier on a practical project
  // The campaign starts 2026-03-01: plans due by 2027-03-01, coverage by 2028-03-01.
  const std::string q = R"({"villages":["V31","V32"],"start":"2026-03-01","as_of":")";
  auto c = query(*e, "projects", "village_campaign", q + R"(2026-12-31"})");
  EXPECT_EQ(c["plan_by"].as_string(), "2027-03-01");
  EXPECT_EQ(c["cover_by"].as_string(), "2028-03-01");
  EXPECT_EQ(c["planned"].as_int64(), 0);  // proposed is not yet a plan: it needs its decision
  EXPECT_EQ(c["rows"].as_array()[1].as_object()["plan"].as_string(), "pending");
  ASSERT_TRUE(cmd(*e, "projects", "approve", a->item, kTown, at(2027, 3, 1, 23 * 60), kDecision).ok());
  c = query(*e, "projects", "village_campaign", q + R"(2027-03-02"})");
  EXPECT_EQ(c["rows"].as_array()[0].as_object()["plan"].as_string(), "met");  // on the last day
  EXPECT_EQ(c["rows"].as_array()[1].as_object()["plan"].as_string(), "missing");
  EXPECT_EQ(c["tiers"].as_object()["净美"].as_int64(), 1);
  EXPECT_EQ(c["failing"].as_int64(), 1);
  // Item 2 of V31 is cancelled; item 1 done on 2028-03-02, a day late.
  ASSERT_TRUE(cmd(*e, "projects", "cancel", a->item + 1, kTown, kT0 + 5, R"({"reason":"合并"})").ok());
  ASSERT_TRUE(cmd(*e, "projects", "start", a->item, v31, at(2027, 3, 2)).ok());
  ASSERT_TRUE(cmd(*e, "projects", "progress", a->item, v31, at(2027, 3, 3), R"({"milestone":1,"percent":100})").ok());
  ASSERT_TRUE(cmd(*e, "projects", "complete", a->item, v31, at(2028, 3, 2)).ok());
  c = query(*e, "projects", "village_campaign", q + R"(2028-03-05"})");
  EXPECT_EQ(c["rows"].as_array()[0].as_object()["coverage"].as_string(), "late");
  EXPECT_EQ(c["rows"].as_array()[0].as_object()["items"].as_int64(), 1);
  EXPECT_EQ(e->query("projects", "village_campaign", R"({"villages":["V31","V31"],"start":"2026-03-01","as_of":"2026-04-01"})")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------
// The fund.

TEST(FundLoop, AllocationAtLeastThePolicyMinimumAndOneAccountPerCommunityYear) {
  auto e = make_engine();
  auto open = [&](std::string_view unit, std::string_view amount, int year = 2026) {
    return cmd(*e, "fund", "open", 0, kStreet, kT0,
               std::string(R"({"unit":")") + std::string(unit) + R"(","year":)" + std::to_string(year) +
                   R"(,"allocation":")" + std::string(amount) + R"("})");
  };
  auto below = open("C11", "199999.99");
  EXPECT_EQ(below.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(below.status().message()).find("200000.00"), std::string::npos) << below.status();
  ASSERT_TRUE(open("C11", "200000.00").ok());  // 不少于: the minimum itself passes
  EXPECT_EQ(open("C11", "300000.00").status().code(), absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(open("C11", "250000", 2027).ok());
  ASSERT_TRUE(open("C12", "350000.50").ok());  // larger is allowed
  EXPECT_EQ(open("G111", "200000.00").status().code(), absl::StatusCode::kInvalidArgument);  // not a community
  EXPECT_EQ(open("J1", "200000.00").status().code(), absl::StatusCode::kInvalidArgument);  // a joint committee
  auto statement = query(*e, "fund", "statement", R"({"unit":"C12","year":2026})");
  EXPECT_EQ(statement["allocation"].as_string(), "350000.50");
  EXPECT_EQ(statement["balance"].as_string(), "350000.50");
  auto got = item(*e, "fund", 1);
  EXPECT_EQ(got["data"].as_object()["allocation"].as_string(), "200000.00");  // fen inside, decimal strings out
  EXPECT_EQ(got["data"].as_object().count("allocation_fen"), 0u);
  // Under the national set there is no service fund rule: a clear refusal.
  auto n = make_engine(nullptr, "national");
  auto r = cmd(*n, "fund", "open", 0, kStreet, kT0, R"({"unit":"C11","year":2026,"allocation":"200000.00"})");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(r.status().message()).find("community.service_fund"), std::string::npos);
}

TEST(FundLoop, SpendsTiedToAnApprovedProjectAndItsDecision) {
  auto e = make_engine();
  project_in(*e, "approved", "G111");
  const std::uint64_t acc = account_in(*e, "open");
  const auto spend = [&](const std::string& body, Timestamp when = kT0 + 3600) {
    return cmd(*e, "fund", "spend", acc, kSecretary, when, body);
  };
  // 南亭社区: 50,000 yuan for a meal point for residents over 80.
  auto ok = spend(R"({"project":"P00000001","decision":"C11-2026-07","category":"public_service","amount":"50000.00","purpose":"高龄老人助餐点","payee":"某餐饮公司"})");
  ASSERT_TRUE(ok.ok()) << ok.status();
  auto s = query(*e, "fund", "statement", R"({"item":"F00000001"})");
  EXPECT_EQ(s["spent"].as_string(), "50000.00");
  EXPECT_EQ(s["balance"].as_string(), "150000.00");
  EXPECT_TRUE(s["balanced"].as_bool());
  EXPECT_EQ(s["by_category"].as_array()[1].as_object()["amount"].as_string(), "50000.00");
  EXPECT_EQ(s["by_project"].as_array()[0].as_object()["project"].as_string(), "P00000001");
  EXPECT_EQ(s["spend_list"].as_array()[0].as_object()["amount"].as_string(), "50000.00");
  // The balance to the fen: exactly the balance passes, one fen more is refused.
  EXPECT_EQ(spend(R"({"project":1,"decision":"C11-2026-07","category":"party_building","amount":"150000.01","purpose":"x"})")
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(spend(R"({"project":1,"decision":"C11-2026-07","category":"party_building","amount":"150000.00","purpose":"x"})").ok());
  EXPECT_EQ(query(*e, "fund", "statement", R"({"item":1})")["balance"].as_string(), "0.00");
  // A top-up, then the year closes, is posted 15 days and concluded by the clock.
  ASSERT_TRUE(cmd(*e, "fund", "allocate", acc, kStreet, kT0 + 4000, R"({"amount":"0.01","note":"追加"})").ok());
  EXPECT_EQ(query(*e, "fund", "statement", R"({"item":1})")["allocation"].as_string(), "200000.01");
  ASSERT_TRUE(cmd(*e, "fund", "close", acc, kSecretary, kT0 + 5000).ok());
  EXPECT_EQ(spend(R"({"project":1,"decision":"C11-2026-07","category":"party_building","amount":"0.01","purpose":"x"})", kT0 + 5001)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);  // closed
  ASSERT_TRUE(cmd(*e, "fund", "publish", acc, kSecretary, kT0 + 5002, R"({"from":"2026-03-02","channel":"居务公开栏"})").ok());
  EXPECT_EQ(cmd(*e, "fund", "conclude", acc, kSecretary, at(2026, 3, 18, 0) - 1).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(e->tick(at(2026, 3, 18, 0)).ok());
  EXPECT_EQ(state(*e, "fund", acc), "published");
  auto ledger = query(*e, "fund", "ledger", R"({"year":2026})");
  ASSERT_EQ(ledger["accounts"].as_array().size(), 1u);
  auto row = ledger["accounts"].as_array()[0].as_object();
  EXPECT_EQ(row["community"].as_string(), "C11");
  EXPECT_EQ(row["allocation"].as_string(), "200000.01");
  EXPECT_EQ(row["spent"].as_string(), "200000.00");
  EXPECT_EQ(row["balance"].as_string(), "0.01");
}

// Bad input is a clear error that says what and where, and changes nothing.
TEST(FundLoop, BadInputIsAClearErrorAndChangesNothing) {
  auto e = make_engine();
  project_in(*e, "approved", "G111");            // P1, approved
  project_in(*e, "proposed", "G112");            // P2, not approved
  auto other = cmd(*e, "projects", "propose", 0, Actor{"w9", Role::kCommunityStaff, "C21"}, kT0,
                   R"({"unit":"C21","kind":"micro","title":"丙","lead_unit":"C21","rollup":"equal","milestones":[{"name":"a"}],"due":"2026-05-01"})");
  ASSERT_TRUE(other.ok());                       // P3, another community's
  ASSERT_TRUE(cmd(*e, "projects", "approve", 3, Actor{"s2", Role::kStreetOfficer, "S2"}, kT0 + 1, kDecision).ok());
  const std::uint64_t acc = account_in(*e, "open");
  const std::string fund_before = *e->query("fund", "list");
  const std::string projects_before = *e->query("projects", "list");
  const std::string snap = e->snapshot();
  const std::uint64_t seq = e->last_seq();
  struct Case {
    std::string name, body;
    absl::StatusCode code;
    std::string says;
  };
  auto spend = [](std::string project, std::string amount, std::string extra = "") {
    return R"({"project":)" + project + R"(,"decision":"C11-2026-07","category":"public_service","amount":)" + amount +
           R"(,"purpose":"x")" + extra + "}";
  };
  const std::vector<Case> cases = {
      {"a negative amount", spend("1", R"("-5.00")"), absl::StatusCode::kInvalidArgument, "negative"},
      {"fractions of a fen", spend("1", R"("10.001")"), absl::StatusCode::kInvalidArgument, "fractions of a fen"},
      {"a binary float", spend("1", "10.5"), absl::StatusCode::kInvalidArgument, "integers"},
      {"a bare integer", spend("1", "1000"), absl::StatusCode::kInvalidArgument, "decimal string"},
      {"zero", spend("1", R"("0.00")"), absl::StatusCode::kInvalidArgument, "more than zero"},
      {"not a number", spend("1", R"("1e5")"), absl::StatusCode::kInvalidArgument, "not a decimal"},
      {"an unknown project", spend(R"("P00000099")", R"("10.00")"), absl::StatusCode::kNotFound, "P00000099 not found"},
      {"a spend before approval", spend("2", R"("10.00")"), absl::StatusCode::kFailedPrecondition, "is proposed"},
      {"another community's project", spend("3", R"("10.00")"), absl::StatusCode::kFailedPrecondition, "ring-fenced"},
      {"overspend", spend("1", R"("200000.01")"), absl::StatusCode::kFailedPrecondition, "exceeds the balance"},
      {"a negative category",
       R"({"project":1,"decision":"C11-2026-07","category":"office_expenses","amount":"10.00","purpose":"x"})",
       absl::StatusCode::kFailedPrecondition, "negative list"},
      {"an unknown category",
       R"({"project":1,"decision":"C11-2026-07","category":"fireworks","amount":"10.00","purpose":"x"})",
       absl::StatusCode::kInvalidArgument, "not a category"},
      {"the wrong decision record",
       R"({"project":1,"decision":"C11-2026-99","category":"public_service","amount":"10.00","purpose":"x"})",
       absl::StatusCode::kInvalidArgument, "not the decision record of P00000001"},
      {"no purpose", R"({"project":1,"decision":"C11-2026-07","category":"public_service","amount":"10.00"})",
       absl::StatusCode::kInvalidArgument, "\"purpose\""},
      {"an unknown field", spend("1", R"("10.00")", R"(,"colour":"red")"), absl::StatusCode::kInvalidArgument,
       "unknown field \"colour\""},
      {"a project id of the wrong loop", spend(R"("F00000001")", R"("10.00")"), absl::StatusCode::kInvalidArgument,
       "project id"},
  };
  for (const auto& c : cases) {
    auto r = cmd(*e, "fund", "spend", acc, kSecretary, kT0 + 7200, c.body);
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status();
    EXPECT_NE(std::string(r.status().message()).find(c.says), std::string::npos) << c.name << ": " << r.status();
    EXPECT_NE(std::string(r.status().message()).find("fund spend"), std::string::npos)
        << c.name << ": " << r.status();
  }
  // A spend in another year than the account's.
  EXPECT_EQ(cmd(*e, "fund", "spend", acc, kSecretary, at(2027, 1, 1), spend("1", R"("10.00")")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Projects: a co-unit outside the org graph, a deadline in the past, a bad date, a float.
  const std::vector<std::pair<std::string, std::string>> proposals = {
      {R"("co_units":["R1"])", R"("co_units":["NOWHERE"])"},
      {R"("due":"2026-06-30")", R"("due":"2026-03-01")"},
      {R"("due":"2026-06-30")", R"("due":"2026-02-30")"},
      {R"("budget":"50000.00")", R"("budget":50000.5)"},
      {R"("budget":"50000.00")", R"("budget":"-1.00")"},
      {R"("kind":"practical")", R"("kind":"palace")"},
      {R"("month":3)", R"("month":13)"},
  };
  for (const auto& [from, to] : proposals) {
    std::string p = proposal();
    p.replace(p.find(from), from.size(), to);
    auto r = cmd(*e, "projects", "propose", 0, kStaff, kT0 + 7200, p);
    EXPECT_FALSE(r.ok()) << to;
    EXPECT_NE(r.status().code(), absl::StatusCode::kPermissionDenied) << to << ": " << r.status();
  }
  EXPECT_EQ(*e->query("fund", "list"), fund_before);
  EXPECT_EQ(*e->query("projects", "list"), projects_before);
  EXPECT_EQ(e->snapshot(), snap);
  EXPECT_EQ(e->last_seq(), seq);
}

// Σ spends = allocation − balance and balance ≥ 0 after every command of a random mix of
// accepted and refused ones; a refused command changes nothing; a model in integer fen
// predicts which are accepted; replay and restore give the same ledger.
TEST(FundLoop, LedgerInvariantUnderRandomCommands) {
  for (unsigned seed : {1u, 7u, 2026u}) {
    VectorSink sink;
    auto e = make_engine(&sink);
    project_in(*e, "approved", "G111");  // P1 (C11)
    project_in(*e, "proposed", "G112");  // P2, not approved
    ASSERT_TRUE(cmd(*e, "projects", "propose", 0, Actor{"w2", Role::kCommunityStaff, "C12"}, kT0,
                    R"({"unit":"C12","kind":"micro","title":"乙","lead_unit":"C12","rollup":"equal","milestones":[{"name":"a"}],"due":"2026-09-01"})")
                    .ok());
    ASSERT_TRUE(cmd(*e, "projects", "approve", 3, kStreet, kT0 + 1, R"({"decided_by":"乙社区党委","record":"C12-1","decided_on":"2026-03-02"})").ok());
    const std::uint64_t a1 = account_in(*e, "open", "C11");
    const std::uint64_t a2 = account_in(*e, "open", "C12");
    std::map<std::uint64_t, std::int64_t> alloc = {{a1, 20'000'000}, {a2, 20'000'000}}, spent = {{a1, 0}, {a2, 0}};
    std::mt19937_64 rng(seed);
    auto pick = [&](std::int64_t n) { return static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n)); };
    auto money = [](std::int64_t fen) {
      return std::to_string(fen / 100) + "." + (fen % 100 < 10 ? "0" : "") + std::to_string(fen % 100);
    };
    int accepted = 0, refused = 0;
    Timestamp t = kT0 + 3600;
    for (int i = 0; i < 300; ++i) {
      t += 60;
      const std::uint64_t acc = pick(2) == 0 ? a1 : a2;
      const std::string project = acc == a1 ? "1" : "3";
      const std::string decision = acc == a1 ? "C11-2026-07" : "C12-1";
      const std::int64_t balance = alloc[acc] - spent[acc];
      std::string body, event = "spend";
      bool expect_ok = false;
      std::int64_t amount = 0;
      switch (pick(8)) {
        case 0:  // a top-up
          event = "allocate";
          amount = 1 + pick(5'000'000);
          body = R"({"amount":")" + money(amount) + "\"}";
          expect_ok = true;
          break;
        case 1:  // overspend by 1 fen to 1,000 yuan
          amount = balance + 1 + pick(100'000);
          body = R"({"project":)" + project + R"(,"decision":")" + decision +
                 R"(","category":"public_service","amount":")" + money(amount) + R"(","purpose":"超支"})";
          break;
        case 2:  // a negative category
          amount = 1 + pick(1000);
          body = R"({"project":)" + project + R"(,"decision":")" + decision +
                 R"(","category":"staff_costs","amount":")" + money(amount) + R"(","purpose":"工资"})";
          break;
        case 3:  // fractions of a fen, or a float
          body = pick(2) ? R"({"project":1,"decision":"C11-2026-07","category":"public_service","amount":"1.005","purpose":"x"})"
                         : R"({"project":1,"decision":"C11-2026-07","category":"public_service","amount":1.5,"purpose":"x"})";
          break;
        case 4:  // the unapproved project, or an unknown one
          body = std::string(R"({"project":)") + (pick(2) ? "2" : "77") +
                 R"(,"decision":"C11-2026-07","category":"public_service","amount":"1.00","purpose":"x"})";
          break;
        default:  // a spend that fits (sometimes exactly the balance)
          amount = balance == 0 ? 1 : (pick(10) == 0 ? balance : 1 + pick(std::min<std::int64_t>(balance, 3'000'000)));
          expect_ok = amount <= balance;
          body = R"({"project":)" + project + R"(,"decision":")" + decision + R"(","category":")" +
                 (pick(2) ? "party_building" : "self_governance") + R"(","amount":")" + money(amount) +
                 R"(","purpose":"项目支出"})";
      }
      const std::string before = e->snapshot();
      const std::uint64_t seq = e->last_seq();
      const Actor spender{"sec2", Role::kCommunitySecretary, acc == a1 ? "C11" : "C12"};
      auto r = cmd(*e, "fund", event, acc, event == "allocate" ? kStreet : spender, t, body);
      ASSERT_EQ(r.ok(), expect_ok) << "seed " << seed << " step " << i << " " << event << " " << body << ": "
                                   << r.status();
      if (r.ok()) {
        ++accepted;
        (event == "allocate" ? alloc : spent)[acc] += amount;
      } else {
        ++refused;
        ASSERT_EQ(e->snapshot(), before);
        ASSERT_EQ(e->last_seq(), seq);
      }
      for (std::uint64_t a : {a1, a2}) {
        auto s = query(*e, "fund", "statement", "{\"item\":" + std::to_string(a) + "}");
        std::int64_t sum = 0;
        for (const auto& sp : s["spend_list"].as_array()) {
          const std::string amt(sp.as_object().at("amount").as_string());
          const auto dot = amt.find('.');
          sum += std::stoll(amt.substr(0, dot)) * 100 + std::stoll(amt.substr(dot + 1));
        }
        ASSERT_EQ(money(sum), std::string(s["spent"].as_string()));
        ASSERT_EQ(money(alloc[a] - sum), std::string(s["balance"].as_string()));
        ASSERT_EQ(money(alloc[a]), std::string(s["allocation"].as_string()));
        ASSERT_EQ(sum, spent[a]);
        ASSERT_GE(alloc[a] - sum, 0);
        ASSERT_TRUE(s["balanced"].as_bool());
      }
    }
    EXPECT_GT(accepted, 50) << seed;
    EXPECT_GT(refused, 50) << seed;
    // Replay the journal into a fresh engine; restore the snapshot: the same ledger.
    auto r = Engine::create("wuzhong");
    ASSERT_TRUE(r.ok());
    for (const Event& ev : sink.all) ASSERT_TRUE((*r)->apply_event(ev).ok()) << ev.seq;
    EXPECT_EQ((*r)->snapshot(), e->snapshot());
    EXPECT_EQ(*(*r)->query("fund", "ledger"), *e->query("fund", "ledger"));
    auto s = Engine::create("wuzhong");
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->restore(e->snapshot()).ok());
    EXPECT_EQ(*(*s)->query("fund", "ledger"), *e->query("fund", "ledger"));
  }
}

// Every spend is disclosed on its own for 15 days (居 34 ¶2(二)), counted as the Civil Code
// counts periods; the clock completes a notice at 24:00 of its last day; taken down one
// second earlier it is a finding and must be posted again, at the end it is served.
TEST(FundLoop, EachSpendIsDisclosedFifteenDaysAndAnEarlyTakeDownIsAFinding) {
  VectorSink sink;
  auto e = make_engine(&sink);
  project_in(*e, "approved", "G111");
  const std::uint64_t acc = account_in(*e, "open");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(cmd(*e, "fund", "spend", acc, kSecretary, kT0 + 3600 + i,
                    R"({"project":1,"decision":"C11-2026-07","category":"public_service","amount":"1000.00","purpose":"助餐"})")
                    .ok());
  }
  const auto disclose = [&](int spend, std::string_view from, Timestamp t) {
    return cmd(*e, "fund", "disclose", acc, kSecretary, t,
               "{\"spend\":" + std::to_string(spend) + ",\"from\":\"" + std::string(from) + "\",\"channel\":\"居务公开栏\"}");
  };
  const auto take_down = [&](int spend, Timestamp t) {
    return cmd(*e, "fund", "take_down", acc, kSecretary, t, "{\"spend\":" + std::to_string(spend) + ",\"reason\":\"公开栏维修\"}");
  };
  const auto notice = [&](int spend) {
    return item(*e, "fund", acc)["data"].as_object()["spends"].as_array()[spend - 1].as_object()["disclosure"].as_object();
  };
  const auto findings = [&] { return query(*e, "fund", "findings", R"({"unit":"C11","year":2026})")["findings"].as_array(); };
  // Posted from Monday 2026-03-02: day 15 is Tuesday 03-17; it may come down from 03-18 00:00.
  ASSERT_TRUE(disclose(1, "2026-03-02", kT0 + 3700).ok());
  EXPECT_EQ(notice(1)["last_day"].as_string(), "2026-03-17");
  EXPECT_EQ(notice(1)["ends_at"].as_int64(), at(2026, 3, 18, 0));

  // Bad input: a clear error naming what, and nothing changes.
  const std::string before = e->snapshot();
  const std::uint64_t seq = e->last_seq();
  for (const auto& [body, code, says] : std::vector<std::tuple<std::string, absl::StatusCode, std::string>>{
           {R"({"spend":0,"from":"2026-03-02","channel":"栏"})", absl::StatusCode::kInvalidArgument, "field \"spend\" must be the number of one of the account's spends, 1-3"},
           {R"({"spend":4,"from":"2026-03-02","channel":"栏"})", absl::StatusCode::kInvalidArgument, "1-3"},
           {R"({"spend":"2","from":"2026-03-02","channel":"栏"})", absl::StatusCode::kInvalidArgument, "field \"spend\""},
           {R"({"spend":2,"from":"2026-03-01","channel":"栏"})", absl::StatusCode::kInvalidArgument, "is before today, 2026-03-02"},
           {R"({"spend":2,"from":"2026-03-02"})", absl::StatusCode::kInvalidArgument, "field \"channel\""},
           {R"({"spend":2,"from":"2026-3-2","channel":"栏"})", absl::StatusCode::kInvalidArgument, "field \"from\""},
           {R"({"spend":2,"from":"2026-03-02","channel":"栏","days":10})", absl::StatusCode::kInvalidArgument, "unknown field \"days\""},
           {R"({"spend":1,"from":"2026-03-02","channel":"栏"})", absl::StatusCode::kFailedPrecondition, "spend 1 is posted already"},
       }) {
    auto r = cmd(*e, "fund", "disclose", acc, kSecretary, kT0 + 3800, body);
    EXPECT_EQ(r.status().code(), code) << body << ": " << r.status();
    EXPECT_NE(std::string(r.status().message()).find(says), std::string::npos) << r.status();
    EXPECT_NE(std::string(r.status().message()).find("fund disclose F00000001"), std::string::npos) << r.status();
  }
  EXPECT_EQ(take_down(2, kT0 + 3800).status().code(), absl::StatusCode::kFailedPrecondition);  // not posted
  EXPECT_EQ(cmd(*e, "fund", "take_down", acc, kSecretary, kT0 + 3800, R"({"spend":1})").status().code(),
            absl::StatusCode::kInvalidArgument);  // no reason
  EXPECT_EQ(cmd(*e, "fund", "disclosures_over", acc, kSecretary, at(2026, 3, 18, 0)).status().code(),
            absl::StatusCode::kPermissionDenied);  // the clock's alone
  EXPECT_EQ(e->snapshot(), before);
  EXPECT_EQ(e->last_seq(), seq);

  // The year closes with spends 2 and 3 never posted: findings until they are.
  ASSERT_TRUE(cmd(*e, "fund", "close", acc, kSecretary, kT0 + 4000).ok());
  auto f = findings();
  ASSERT_EQ(f.size(), 2u) << json::serialize(f);
  EXPECT_EQ(f[0].as_object().at("code").as_string(), "spend_not_disclosed");
  EXPECT_EQ(f[1].as_object().at("spend").as_int64(), 3);
  ASSERT_TRUE(disclose(2, "2026-03-02", kT0 + 4100).ok());  // a closed account's spend is still posted
  ASSERT_TRUE(cmd(*e, "fund", "publish", acc, kSecretary, kT0 + 4200, R"({"from":"2026-03-02","channel":"居务公开栏"})").ok());
  // Posted from Friday 03-06: day 15 is Saturday 03-21, a rest day: the last day is Monday 03-23.
  ASSERT_TRUE(disclose(3, "2026-03-06", at(2026, 3, 6)).ok());
  EXPECT_EQ(notice(3)["last_day"].as_string(), "2026-03-23");
  EXPECT_EQ(findings().size(), 0u);

  // Spend 2 taken down one second before its period ends: a finding, to be posted again.
  ASSERT_TRUE(take_down(2, at(2026, 3, 18, 0) - 1).ok());
  EXPECT_EQ(notice(2)["state"].as_string(), "taken_down");
  f = findings();
  ASSERT_EQ(f.size(), 1u) << json::serialize(f);
  EXPECT_EQ(f[0].as_object().at("code").as_string(), "disclosure_taken_down_early");
  EXPECT_EQ(f[0].as_object().at("spend").as_int64(), 2);
  EXPECT_EQ(f[0].as_object().at("on").as_string(), "2026-03-17");
  EXPECT_EQ(f[0].as_object().at("last_day").as_string(), "2026-03-17");
  EXPECT_EQ(f[0].as_object().at("account").as_string(), "F00000001");
  // The clock one second early leaves spend 1 up; at 24:00 of its last day it is served.
  ASSERT_TRUE(e->tick(at(2026, 3, 18, 0) - 1).ok());
  EXPECT_EQ(notice(1)["state"].as_string(), "posted");
  ASSERT_TRUE(e->tick(at(2026, 3, 18, 0)).ok());
  EXPECT_EQ(notice(1)["state"].as_string(), "disclosed");
  // The statement's own period is over, but spend 3 is still up: the year's file waits.
  EXPECT_EQ(state(*e, "fund", acc), "publishing");
  EXPECT_EQ(cmd(*e, "fund", "conclude", acc, kSecretary, at(2026, 3, 19)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Spend 3 taken down exactly when its period ends: served in full, no finding.
  ASSERT_TRUE(take_down(3, at(2026, 3, 24, 0)).ok());
  EXPECT_EQ(notice(3)["state"].as_string(), "disclosed");
  EXPECT_EQ(findings().size(), 1u);
  // Spend 2 posted again (Tuesday 03-24: day 15 is Wednesday 04-08); the clock completes it
  // and then the statement.
  ASSERT_TRUE(disclose(2, "2026-03-24", at(2026, 3, 24, 9 * 60)).ok());
  EXPECT_EQ(notice(2)["posts"].as_int64(), 2);
  EXPECT_EQ(notice(2)["last_day"].as_string(), "2026-04-08");
  ASSERT_TRUE(e->tick(at(2026, 4, 9, 0)).ok());
  EXPECT_EQ(notice(2)["state"].as_string(), "disclosed");
  EXPECT_EQ(state(*e, "fund", acc), "published");
  loop_test::expect_replay_equal(*e, sink, "fund",
                                 {{"findings", ""}, {"statement", R"({"item":1})"}, {"list", ""}});
}

// Replay equals live and a snapshot restores the same state, clock events included.
TEST(ProjectsLoop, ReplayAndSnapshotEquality) {
  VectorSink sink;
  auto e = make_engine(&sink);
  project_in(*e, "publishing", "G111");
  project_in(*e, "overdue", "G112");
  project_in(*e, "approved", "C11");
  const std::uint64_t acc = account_in(*e, "open");
  ASSERT_TRUE(cmd(*e, "fund", "spend", acc, kSecretary, at(2026, 3, 10),
                  R"({"project":3,"decision":"C11-2026-07","category":"public_service","amount":"12345.67","purpose":"助餐"})")
                  .ok());
  ASSERT_TRUE(e->tick(at(2026, 3, 20)).ok());  // the publication concludes
  EXPECT_EQ(state(*e, "projects", 1), "published");
  loop_test::expect_replay_equal(*e, sink, "projects", {{"list", ""}, {"board", ""}});
  loop_test::expect_replay_equal(*e, sink, "fund", {{"list", ""}, {"statement", R"({"item":1})"}});
  // A spend whose project was tampered out of the log no longer applies: DATA_LOSS.
  std::vector<Event> tampered = sink.all;
  for (auto& ev : tampered) {
    if (ev.type == EventType::kLoop && ev.payload.document.find("\"fund\",\"event\":\"spend\"") != std::string::npos) {
      const auto pos = ev.payload.document.find("\"project\":3");
      ASSERT_NE(pos, std::string::npos) << ev.payload.document;
      ev.payload.document.replace(pos, 11, "\"project\":2");  // P2 is overdue, its decision the same
    }
  }
  auto x = Engine::create("wuzhong");
  absl::Status last;
  for (const Event& ev : tampered) {
    last = (*x)->apply_event(ev);
    if (!last.ok()) break;
  }
  // P2 (overdue) is payable with the same record, so this one still applies; name a proposal instead.
  EXPECT_TRUE(last.ok()) << last;
  for (auto& ev : tampered) {
    if (ev.type == EventType::kLoop && ev.payload.document.find("\"fund\",\"event\":\"spend\"") != std::string::npos) {
      const auto pos = ev.payload.document.find("\"project\":2");
      ev.payload.document.replace(pos, 11, "\"project\":9");
    }
  }
  auto y = Engine::create("wuzhong");
  for (const Event& ev : tampered) {
    last = (*y)->apply_event(ev);
    if (!last.ok()) break;
  }
  EXPECT_EQ(last.code(), absl::StatusCode::kDataLoss) << last;
}

}  // namespace
}  // namespace jiceng
