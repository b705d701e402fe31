// The commitments (承诺) and assessment (考评) loops through the generic C surface
// (jc_engine_command / jc_engine_query / jc_engine_tick): a commitment ticked off, the
// second consecutive 不称职 ending an office by the clock's event, a company's score below
// zero on the black list, and bad input that returns a code and changes nothing.
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "capi_test_support.hpp"
#include "jiceng.h"

namespace {

constexpr const char* kOrg = R"({"schema": "urban_grid", "units": [
 {"id": "D", "name": "区委", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "一街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "C11", "name": "龙桥社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "C12", "name": "乙社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "G111", "name": "一网格", "level": 3, "kind": "grid_branch", "parent": "C11"}],
 "members": [{"id": "m1", "name": "张三", "party_member": true, "org_unit": "C11"}]})";
constexpr int64_t kT0 = 1'790'000'000;          // 2026-09-21, China time
constexpr int64_t kDueAt = 1'798'732'800;       // 2027-01-01 00:00 +08:00: the end of 2026-12-31
constexpr int64_t k2027 = 1'799'510'400;        // 2027-01-10 00:00 +08:00
constexpr int64_t k2028 = k2027 + 365 * 86400;  // 2028-01-10

using Str = capi_test::OwnedString;

using capi_test::snapshot;

class CapiCivicLoops : public ::testing::Test {
 protected:
  void SetUp() override {
    jc_engine_options o = JC_ENGINE_OPTIONS_INIT;
    o.policy = "wuzhong";
    ASSERT_EQ(jc_engine_open(&e_, &o), JC_OK) << jc_last_error();
    ASSERT_EQ(jc_engine_load_org(e_, kOrg, JC_NUL_TERMINATED, kT0), JC_OK) << jc_last_error();
  }
  void TearDown() override { jc_engine_free(e_); }
  jc_status cmd(const char* loop, const char* event, uint64_t item, const jc_actor& a, const char* payload, int64_t t,
                uint64_t* out = nullptr) {
    return jc_engine_command(out, nullptr, e_, loop, event, item, &a, payload, t);
  }
  std::string query(const char* loop, const char* name, const char* params = nullptr) {
    Str q;
    EXPECT_EQ(jc_engine_query(&q.p, e_, loop, name, params), JC_OK) << jc_last_error();
    return q.s();
  }
  jc_engine* e_ = nullptr;
  jc_actor sec_{"sec1", JC_ROLE_COMMUNITY_SECRETARY, "C11"};
  jc_actor staff_{"st1", JC_ROLE_COMMUNITY_STAFF, "C11"};
  jc_actor other_{"st2", JC_ROLE_COMMUNITY_STAFF, "C12"};
  jc_actor street_{"s1", JC_ROLE_STREET_OFFICER, "S1"};
  jc_actor district_{"d1", JC_ROLE_DISTRICT_OFFICER, "D"};
};

TEST_F(CapiCivicLoops, BothLoopsAreHostedWithTheirTables) {
  Str loops;
  ASSERT_EQ(jc_engine_loops_json(&loops.p, e_), JC_OK);
  EXPECT_NE(loops.s().find("\"commitments\""), std::string::npos) << loops.s();
  EXPECT_NE(loops.s().find("\"assessment\""), std::string::npos) << loops.s();
  Str t;
  ASSERT_EQ(jc_engine_loop_table_json(&t.p, e_, "commitments"), JC_OK);
  EXPECT_NE(t.s().find(R"("id_prefix":"C")"), std::string::npos);
  EXPECT_NE(t.s().find(R"("guard":"office_ends")"), std::string::npos) << t.s();
}

TEST_F(CapiCivicLoops, ACommitmentIsTickedOffAndOverdueByTheClock) {
  const char* draft =
      R"({"unit":"C11","owner":"committee","category":"惠及民生实事","text":"加装电梯","measure":"3部","due":"2026-12-31","term_start":2026})";
  uint64_t a = 0, b = 0;
  ASSERT_EQ(cmd("commitments", "draft", 0, sec_, draft, kT0, &a), JC_OK) << jc_last_error();
  ASSERT_EQ(cmd("commitments", "draft", 0, sec_, draft, kT0, &b), JC_OK);
  for (uint64_t i : {a, b}) {
    ASSERT_EQ(cmd("commitments", "approve", i, sec_, nullptr, kT0 + 1), JC_OK) << jc_last_error();
    ASSERT_EQ(cmd("commitments", "publish", i, staff_, nullptr, kT0 + 2), JC_OK);
  }
  ASSERT_EQ(cmd("commitments", "submit_evidence", a, staff_, R"({"evidence":["验收报告"]})", kT0 + 3), JC_OK);
  ASSERT_EQ(cmd("commitments", "confirm", a, street_, nullptr, kT0 + 4), JC_OK) << jc_last_error();
  jc_tick_report r{};
  ASSERT_EQ(jc_engine_tick(&r, e_, kDueAt), JC_OK);
  EXPECT_NE(query("commitments", "get", R"({"item":"C00000001"})").find(R"("state":"done")"), std::string::npos);
  EXPECT_NE(query("commitments", "get", R"({"item":"C00000002"})").find(R"("state":"overdue")"), std::string::npos);
  const std::string board = query("commitments", "board");
  EXPECT_NE(board.find(R"("done_percent":"50.00")"), std::string::npos) << board;
}

TEST_F(CapiCivicLoops, TheSecondConsecutiveUnfitEndsTheOffice) {
  const char* opens[] = {R"({"unit":"C11","member":"m1","year":2026,"office":"residents_committee"})",
                         R"({"unit":"C11","member":"m1","year":2027,"office":"residents_committee"})"};
  const int64_t when[] = {k2027, k2028};
  uint64_t last = 0;
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(cmd("commitments", "open_review", 0, sec_, opens[i], when[i], &last), JC_OK) << jc_last_error();
    ASSERT_EQ(cmd("commitments", "rate_org", last, street_, R"({"grade":"不称职"})", when[i]), JC_OK);
    ASSERT_EQ(cmd("commitments", "rate_members", last, staff_, R"({"grade":"不称职"})", when[i]), JC_OK);
    ASSERT_EQ(cmd("commitments", "rate_residents", last, staff_, R"({"grade":"基本称职"})", when[i]), JC_OK);
    ASSERT_EQ(cmd("commitments", "conclude", last, street_, R"({"grade":"不称职"})", when[i]), JC_OK);
  }
  EXPECT_NE(query("commitments", "offices").find(R"("ended":[])"), std::string::npos);
  jc_tick_report r{};
  ASSERT_EQ(jc_engine_tick(&r, e_, k2028 + 60), JC_OK);
  const std::string offices = query("commitments", "offices");
  EXPECT_NE(offices.find(R"("member":"m1")"), std::string::npos) << offices;
  EXPECT_NE(offices.find(R"("ended_at":)"), std::string::npos) << offices;
  // No review of an ended office: refused, nothing changes.
  uint64_t open = 0;
  const std::string before = snapshot(e_);
  EXPECT_EQ(cmd("commitments", "open_review", 0, sec_, R"({"unit":"C11","member":"m1","year":2028,"office":"residents_committee"})",
                k2028 + 400 * 86400, &open),
            JC_FAILED_PRECONDITION);
  EXPECT_EQ(snapshot(e_), before);
}

TEST_F(CapiCivicLoops, ScoresBelowZeroAndBadInputChangesNothing) {
  ASSERT_EQ(cmd("assessment", "register_company", 0, district_,
                R"({"unit":"D","name":"甲物业","credit_code":"91320506MA1ABCDE01","projects":["G111"]})", kT0),
            JC_OK)
      << jc_last_error();
  ASSERT_EQ(cmd("assessment", "record", 0, street_,
                R"({"unit":"S1","company":"A00000001","project":"G111","credit":"bad","points":-70,"reason":"消防通道堵塞"})",
                kT0 + 1),
            JC_OK)
      << jc_last_error();
  ASSERT_EQ(cmd("assessment", "record", 0, district_,
                R"({"unit":"D","company":"A00000001","credit":"bad","points":-45,"reason":"拒不整改"})", kT0 + 2),
            JC_OK);
  const std::string scores = query("assessment", "scores");
  EXPECT_NE(scores.find(R"("score":-15)"), std::string::npos) << scores;
  EXPECT_NE(scores.find(R"("black":["A00000001"])"), std::string::npos) << scores;
  const std::string before = snapshot(e_);
  struct Case {
    const char* what;
    jc_status got, want;
  } cases[] = {
      {"unknown company",
       cmd("assessment", "record", 0, district_,
           R"({"unit":"D","company":"A00000009","credit":"bad","points":-5,"reason":"x"})", kT0 + 3),
       JC_NOT_FOUND},
      {"a community records",
       cmd("assessment", "record", 0, sec_, R"({"unit":"C11","company":"A00000001","credit":"bad","points":-5,"reason":"x"})",
           kT0 + 3),
       JC_PERMISSION_DENIED},
      {"a draft for another community",
       cmd("commitments", "draft", 0, other_,
           R"({"unit":"C11","owner":"committee","category":"c","text":"t","measure":"m","due":"2026-12-31","term_start":2026})",
           kT0 + 3),
       JC_PERMISSION_DENIED},
      {"a float", cmd("assessment", "record", 0, district_, R"({"unit":"D","points":-0.5})", kT0 + 3),
       JC_INVALID_ARGUMENT},
  };
  for (const auto& c : cases) EXPECT_EQ(c.got, c.want) << c.what << ": " << jc_last_error();
  EXPECT_EQ(snapshot(e_), before);
}

// The calendar closes an assessment period through jc_engine_tick (the loop's wake-up), and
// a record amended through jc_engine_command moves the score; a bad amendment changes nothing.
TEST_F(CapiCivicLoops, ThePeriodClosesByTheClockAndAnAmendmentMovesTheScore) {
  ASSERT_EQ(cmd("assessment", "register_company", 0, district_,
                R"({"unit":"D","name":"甲物业","credit_code":"91320506MA1ABCDE01","projects":["G111"]})", kT0),
            JC_OK)
      << jc_last_error();
  uint64_t rec = 0, period = 0;
  ASSERT_EQ(cmd("assessment", "record", 0, street_,
                R"({"unit":"S1","company":"A00000001","project":"G111","credit":"bad","points":-50,"reason":"消防通道堵塞"})",
                kT0 + 1, &rec),
            JC_OK)
      << jc_last_error();
  ASSERT_EQ(cmd("assessment", "open_period", 0, district_, R"({"unit":"D","period":"2026Q3"})", kT0 + 2, &period), JC_OK)
      << jc_last_error();
  const std::string before = snapshot(e_);
  EXPECT_EQ(cmd("assessment", "amend", rec, street_, R"({"points":-50,"reason":"x"})", kT0 + 3), JC_INVALID_ARGUMENT);
  EXPECT_EQ(cmd("assessment", "amend", rec, sec_, R"({"points":-5,"reason":"x"})", kT0 + 3), JC_PERMISSION_DENIED);
  EXPECT_EQ(snapshot(e_), before);
  ASSERT_EQ(cmd("assessment", "amend", rec, street_, R"({"points":-20,"reason":"复核核减"})", kT0 + 4), JC_OK)
      << jc_last_error();
  EXPECT_NE(query("assessment", "scores").find(R"("score":80)"), std::string::npos);
  jc_tick_report r{};
  ASSERT_EQ(jc_engine_tick(&r, e_, kT0 + 15 * 86400), JC_OK);  // 2026-10-06: 2026Q3 has ended
  const std::string periods = query("assessment", "periods");
  EXPECT_NE(periods.find(R"("state":"published")"), std::string::npos) << periods;
}

}  // namespace
