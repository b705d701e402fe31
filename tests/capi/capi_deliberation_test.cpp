// The deliberation loop (议事) through the generic C surface of the shipped library:
// jc_engine_command / jc_engine_query by loop and event name with JSON, the clock
// (jc_engine_tick) completing a disclosure on day 15 and not before, a bad vote that changes
// nothing, and the art. 278 refusal.
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "capi_test_support.hpp"
#include "jiceng.h"

namespace {

constexpr const char* kOrg = R"({"schema": "urban_grid", "units": [
 {"id": "D", "name": "区委", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "一街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "C1", "name": "泾峰社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "G1", "name": "一网格", "level": 3, "kind": "grid_branch", "parent": "C1"},
 {"id": "B1", "name": "1幢", "level": 4, "kind": "building_group", "parent": "G1"}
], "members": [
 {"id": "P1", "name": "甲", "party_member": true, "org_unit": "C1", "residence_unit": "B1"},
 {"id": "P2", "name": "乙", "party_member": true, "org_unit": "C1", "residence_unit": "B1"},
 {"id": "P3", "name": "丙", "party_member": true, "org_unit": "G1", "residence_unit": "B1"}
]})";
constexpr int64_t kT0 = 1772413200;  // 2026-03-02T09:00:00+08:00
constexpr int64_t kDay = 86400;
constexpr const char* kCommittee =
    R"("roll":[{"person":"P1","class":"committee_member"},{"person":"P2","class":"committee_member"},{"person":"P3","class":"committee_member"}])";

using Str = capi_test::OwnedString;

class CapiDeliberation : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(jc_engine_open(&e_, nullptr), JC_OK) << jc_last_error();
    ASSERT_EQ(jc_engine_load_org(e_, kOrg, JC_NUL_TERMINATED, kT0 - kDay), JC_OK) << jc_last_error();
  }
  void TearDown() override { jc_engine_free(e_); }
  jc_status cmd(const char* event, uint64_t item, const std::string& payload, int64_t now, uint64_t* out = nullptr) {
    uint64_t it = 0, seq = 0;
    const jc_status st = jc_engine_command(&it, &seq, e_, "deliberation", event, item, &staff_,
                                           payload.empty() ? nullptr : payload.c_str(), now);
    if (out != nullptr) *out = it;
    return st;
  }
  std::string query(const char* q, const char* params) {
    Str s;
    EXPECT_EQ(jc_engine_query(&s.p, e_, "deliberation", q, params), JC_OK) << jc_last_error();
    return s.s();
  }
  std::string state(uint64_t item) {
    const std::string got = query("get", ("{\"item\":" + std::to_string(item) + "}").c_str());
    const auto at = got.find("\"state\":\"");
    return got.substr(at + 9, got.find('"', at + 9) - at - 9);
  }
  uint64_t last_seq() {
    uint64_t s = 0;
    EXPECT_EQ(jc_engine_last_seq(&s, e_), JC_OK);
    return s;
  }
  jc_engine* e_ = nullptr;
  jc_actor staff_{"staff1", JC_ROLE_COMMUNITY_STAFF, "C1"};
};

TEST_F(CapiDeliberation, AMatterThroughItsMeetingsAndTheClock) {
  Str loops;
  ASSERT_EQ(jc_engine_loops_json(&loops.p, e_), JC_OK);
  EXPECT_NE(loops.s().find("\"deliberation\""), std::string::npos) << loops.s();
  Str table;
  ASSERT_EQ(jc_engine_loop_table_json(&table.p, e_, "deliberation"), JC_OK);
  EXPECT_NE(table.s().find(R"("id_prefix":"M")"), std::string::npos);

  uint64_t m = 0;
  ASSERT_EQ(cmd("raise", 0,
                R"({"unit":"C1","title":"加装电梯","kind":"public_welfare_project","raised_by":"party_organization","one_shoulder":true})",
                kT0, &m),
            JC_OK)
      << jc_last_error();
  EXPECT_EQ(m, 1u);
  ASSERT_EQ(cmd("start", m, "", kT0), JC_OK) << jc_last_error();

  // A bad vote: P1 votes twice. Refused, and nothing changes.
  const std::string list_before = query("list", nullptr);
  const uint64_t seq_before = last_seq();
  EXPECT_EQ(cmd("meeting_passed", m,
                std::string(R"({"body":"joint_committees","date":"2026-03-02",)") + kCommittee +
                    R"(,"attended":["P1","P2"],"yes":["P1"],"no":["P1"]})",
                kT0),
            JC_INVALID_ARGUMENT);
  EXPECT_NE(std::string(jc_last_error()).find("P1 votes twice"), std::string::npos) << jc_last_error();
  EXPECT_EQ(query("list", nullptr), list_before);
  EXPECT_EQ(last_seq(), seq_before);

  // 一肩挑: the joint meeting is the first step; then the party members and the representatives.
  ASSERT_EQ(cmd("meeting_passed", m,
                std::string(R"({"body":"joint_committees","date":"2026-03-02",)") + kCommittee +
                    R"(,"attended":["P1","P2","P3"],"yes":["P1","P2"],"abstain":["P3"]})",
                kT0),
            JC_OK)
      << jc_last_error();
  ASSERT_EQ(cmd("meeting_passed", m,
                R"({"body":"party_members_meeting","date":"2026-03-02","roll":[{"person":"P1","class":"party_member"},
                    {"person":"P2","class":"party_member"},{"person":"P3","class":"party_member"}],
                    "attended":["P1","P2"],"yes":["P1","P2"]})",
                kT0),
            JC_OK)
      << jc_last_error();
  ASSERT_EQ(cmd("meeting_passed", m,
                R"({"body":"residents_representatives_meeting","date":"2026-03-02",)" + std::string(kCommittee) +
                    R"(,"attended":["P1","P2","P3"],"yes":["P1","P2"],"no":["P3"]})",
                kT0),
            JC_OK)
      << jc_last_error();
  ASSERT_EQ(cmd("post", m, R"({"channel":"board","from":"2026-03-02"})", kT0), JC_OK) << jc_last_error();
  // 24:00 of 2026-03-17 (day 15): not one second before.
  const int64_t end = kT0 - 9 * 3600 + 16 * kDay;
  jc_tick_report rep;
  ASSERT_EQ(jc_engine_tick(&rep, e_, end - 1), JC_OK);
  EXPECT_EQ(state(m), "posted");
  ASSERT_EQ(jc_engine_tick(&rep, e_, end), JC_OK);
  EXPECT_EQ(state(m), "deliberating");
  EXPECT_EQ(query("counts", nullptr),
            R"({"abandoned":0,"concluded":0,"deliberating":1,"draft":0,"failed":0,"posted":0})");
  // The clock's event is refused to a host.
  jc_actor clock{"system", JC_ROLE_SYSTEM, nullptr};
  uint64_t it = 0, seq = 0;
  EXPECT_EQ(jc_engine_command(&it, &seq, e_, "deliberation", "complete_disclosure", m, &clock, nullptr, end + 1),
            JC_PERMISSION_DENIED);
}

// A residents' meeting counts only residents aged 18 or over (the roll's birth dates): a
// minor voting is refused and changes nothing; attending, the minor is not counted.
TEST_F(CapiDeliberation, AMinorOnAResidentsMeetingsRollHasNoVote) {
  uint64_t m = 0;
  ASSERT_EQ(cmd("raise", 0,
                R"({"unit":"C1","title":"加装电梯","kind":"public_welfare_project","raised_by":"party_organization","one_shoulder":true})",
                kT0, &m),
            JC_OK)
      << jc_last_error();
  ASSERT_EQ(cmd("start", m, "", kT0), JC_OK) << jc_last_error();
  ASSERT_EQ(cmd("meeting_passed", m,
                std::string(R"({"body":"joint_committees","date":"2026-03-02",)") + kCommittee +
                    R"(,"attended":["P1","P2","P3"],"yes":["P1","P2","P3"]})",
                kT0),
            JC_OK)
      << jc_last_error();
  ASSERT_EQ(cmd("meeting_passed", m,
                R"({"body":"party_members_meeting","date":"2026-03-02","roll":[{"person":"P1","class":"party_member"},
                    {"person":"P2","class":"party_member"},{"person":"P3","class":"party_member"}],
                    "attended":["P1","P2"],"yes":["P1","P2"]})",
                kT0),
            JC_OK)
      << jc_last_error();
  const std::string roll =
      R"({"body":"residents_meeting","date":"2026-03-02","noticed_on":"2026-02-20","roll":[{"person":"P1","class":"resident","born":"1970-01-01"},
          {"person":"P2","class":"resident","born":"1980-01-01"},{"person":"P3","class":"resident","born":"2009-01-01"}],
          "attended":["P1","P2","P3"],)";
  const std::string list_before = query("list", nullptr);
  const uint64_t seq_before = last_seq();
  EXPECT_EQ(cmd("meeting_passed", m, roll + R"("yes":["P1","P2","P3"]})", kT0 + 1), JC_INVALID_ARGUMENT);
  EXPECT_NE(std::string(jc_last_error()).find("P3 is under 18 on 2026-03-02"), std::string::npos) << jc_last_error();
  EXPECT_EQ(query("list", nullptr), list_before);
  EXPECT_EQ(last_seq(), seq_before);
  // Announced 10 days ahead (居 第二十六条, meeting.call): without noticed_on it is refused.
  std::string unannounced = roll;
  unannounced.erase(unannounced.find(R"("noticed_on":"2026-02-20",)"), 26);
  EXPECT_EQ(cmd("meeting_passed", m, unannounced + R"("yes":["P1","P2"]})", kT0 + 1), JC_FAILED_PRECONDITION);
  EXPECT_NE(std::string(jc_last_error()).find("announced at least 10 days ahead"), std::string::npos) << jc_last_error();
  EXPECT_EQ(last_seq(), seq_before);
  ASSERT_EQ(cmd("meeting_passed", m, roll + R"("yes":["P1"],"no":["P2"]})", kT0 + 1), JC_FAILED_PRECONDITION);
  ASSERT_EQ(cmd("meeting_failed", m, roll + R"("yes":["P1"],"no":["P2"]})", kT0 + 1), JC_OK) << jc_last_error();
  const std::string got = query("get", R"({"item":"M00000001"})");
  EXPECT_NE(got.find(R"("entitled":2)"), std::string::npos) << got;
  EXPECT_NE(got.find(R"("without_vote":{"under_age":1})"), std::string::npos) << got;
}

TEST_F(CapiDeliberation, OwnersMattersAreRefusedAResidentsMeeting) {
  uint64_t m = 0;
  ASSERT_EQ(cmd("raise", 0, R"({"unit":"C1","title":"收费停车","kind":"paid_parking_common_roads","raised_by":"residents_committee"})",
                kT0, &m),
            JC_OK)
      << jc_last_error();
  EXPECT_NE(query("get", R"({"item":"M00000001"})").find(R"("procedure":"owners_assembly")"), std::string::npos);
  jc_actor secretary{"sec1", JC_ROLE_COMMUNITY_SECRETARY, "C1"};
  uint64_t it = 0, seq = 0;
  EXPECT_EQ(jc_engine_command(&it, &seq, e_, "deliberation", "choose_procedure", m, &secretary,
                              R"({"procedure":"residents_meeting","reason":"快"})", kT0 + 1),
            JC_FAILED_PRECONDITION);
  EXPECT_NE(std::string(jc_last_error()).find("第二百七十八条"), std::string::npos) << jc_last_error();
  Str none;
  EXPECT_EQ(jc_engine_query(&none.p, e_, "deliberation", "review", R"({"year":"2026"})"), JC_INVALID_ARGUMENT);
}

}  // namespace
