// The mediation loop through the generic C surface of the shipped library (libjiceng.so):
// jc_engine_command / jc_engine_query by loop and event name with JSON payloads — a
// committee, a case with a mediator chosen by a party, the seal, the confirmation window at
// day 30 and 31, the table, and refusals that are codes and change nothing.
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "capi_test_support.hpp"
#include "jiceng.h"

namespace {

constexpr const char* kOrg = R"({"schema": "urban_grid", "units": [
 {"id": "D", "name": "高新区", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "枫桥街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "C11", "name": "木桥社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "C12", "name": "乙社区", "level": 2, "kind": "community_committee", "parent": "S1"}
]})";
constexpr int64_t kT0 = 1'789'963'200;  // 2026-09-21 12:00 China time (a Monday)
constexpr int64_t kDay = 86'400;

constexpr const char* kCommittee =
    R"({"unit":"C11","name":"木桥社区乡音调解委员会","level":"residents","term_start":"2026-01-05","members":[)"
    R"({"id":"m1","name":"王","gender":"female","birth":"1970-01-01","role":"chair","regions":["河南"]},)"
    R"({"id":"m2","name":"刘","gender":"male","birth":"1970-01-01","role":"member","regions":["安徽"]},)"
    R"({"id":"m3","name":"赵","gender":"male","birth":"1970-01-01","role":"member","regions":["山东"]}]})";
constexpr const char* kCase =
    R"({"unit":"C11","committee":"D00000001","summary":"空调外机噪音纠纷","parties":[)"
    R"({"id":"p1","name":"张某","region":"河南"},{"id":"p2","name":"李某","region":"河南"}]})";

using Str = capi_test::OwnedString;

using capi_test::snapshot;

class CapiMediation : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(jc_engine_open(&e_, nullptr), JC_OK) << jc_last_error();
    ASSERT_EQ(jc_engine_load_org(e_, kOrg, JC_NUL_TERMINATED, kT0 - kDay), JC_OK) << jc_last_error();
    ASSERT_EQ(cmd("establish", 0, kCommittee, kT0), JC_OK) << jc_last_error();
  }
  void TearDown() override { jc_engine_free(e_); }
  jc_status cmd(const char* event, uint64_t item, const char* payload, int64_t now, uint64_t* out_item = nullptr) {
    return jc_engine_command(out_item, nullptr, e_, "mediation", event, item, &staff_, payload, now);
  }
  std::string query(const char* name, const char* params) {
    Str out;
    EXPECT_EQ(jc_engine_query(&out.p, e_, "mediation", name, params), JC_OK) << jc_last_error();
    return out.s();
  }
  jc_engine* e_ = nullptr;
  jc_actor staff_{"w1", JC_ROLE_COMMUNITY_STAFF, "C11"};
};

TEST_F(CapiMediation, TheLoopIsHostedWithItsTable) {
  Str loops;
  ASSERT_EQ(jc_engine_loops_json(&loops.p, e_), JC_OK);
  EXPECT_NE(loops.s().find("\"mediation\""), std::string::npos) << loops.s();
  Str table;
  ASSERT_EQ(jc_engine_loop_table_json(&table.p, e_, "mediation"), JC_OK);
  EXPECT_NE(table.s().find(R"("id_prefix":"D")"), std::string::npos) << table.s();
  EXPECT_NE(table.s().find(R"("guard":"all_signed")"), std::string::npos);
}

TEST_F(CapiMediation, ACaseFromChoiceToConfirmation) {
  uint64_t kase = 0;
  ASSERT_EQ(cmd("initiate", 0, kCase, kT0 + 1, &kase), JC_OK) << jc_last_error();
  EXPECT_EQ(kase, 2u);
  const std::string suggested = query("suggest", R"({"item":"D00000002"})");
  EXPECT_NE(suggested.find(R"("candidates":[{"available":true,"load":0,"match":2,"matched_parties":["p1","p2"],"mediator":"m1")"),
            std::string::npos)
      << suggested;
  ASSERT_EQ(cmd("choose", kase, R"({"party":"p2","mediator":"m3"})", kT0 + 2), JC_OK);
  const std::string before = snapshot(e_);
  EXPECT_EQ(cmd("assign", kase, R"({"mediators":["m1"]})", kT0 + 3), JC_FAILED_PRECONDITION);
  EXPECT_NE(std::string(jc_last_error()).find("chose mediator \"m3\""), std::string::npos) << jc_last_error();
  EXPECT_EQ(snapshot(e_), before);
  ASSERT_EQ(cmd("assign", kase, R"({"mediators":["m1","m3"]})", kT0 + 3), JC_OK) << jc_last_error();
  ASSERT_EQ(cmd("begin", kase, nullptr, kT0 + 4), JC_OK);
  ASSERT_EQ(cmd("draft_agreement", kase, R"({"facts":"外机","content":"移机"})", kT0 + 5), JC_OK);
  for (const char* s : {"p1", "p2", "m1"}) {
    ASSERT_EQ(cmd("sign", kase, (std::string(R"({"signer":")") + s + "\"}").c_str(), kT0 + 6), JC_OK);
  }
  EXPECT_EQ(cmd("seal", kase, nullptr, kT0 + 7), JC_FAILED_PRECONDITION);  // m3 has not signed
  ASSERT_EQ(cmd("sign", kase, R"({"signer":"m3"})", kT0 + 7), JC_OK);
  ASSERT_EQ(cmd("seal", kase, nullptr, kT0 + 8), JC_OK) << jc_last_error();
  const std::string got = query("get", R"({"item":2})");
  EXPECT_NE(got.find(R"("suggestion_accepted":true)"), std::string::npos) << got;
  EXPECT_NE(got.find(R"("confirm_by":"2026-10-21")"), std::string::npos) << got;
  const std::string sealed = snapshot(e_);
  const char* apply = R"({"applicants":["p1","p2"],"court":"苏州高新区人民法院"})";
  EXPECT_EQ(cmd("apply_confirmation", kase, apply, kT0 + 31 * kDay), JC_FAILED_PRECONDITION);  // day 31
  EXPECT_NE(std::string(jc_last_error()).find("by 2026-10-21"), std::string::npos) << jc_last_error();
  EXPECT_EQ(snapshot(e_), sealed);
  ASSERT_EQ(cmd("apply_confirmation", kase, apply, kT0 + 30 * kDay), JC_OK) << jc_last_error();  // day 30
  ASSERT_EQ(cmd("confirm", kase, R"({"ruling":"(2026)苏0505民特1号"})", kT0 + 31 * kDay), JC_OK);
  const std::string summary = query("summary", nullptr);
  EXPECT_NE(summary.find(R"("court_confirmed":1)"), std::string::npos) << summary;
}

// A referral through the generic surface holds the petition's evaluation (petition JSON
// "evaluation_held"): the answered petition's evaluation is refused with a code and changes
// nothing until the case ends; the case's end releases it.
TEST_F(CapiMediation, AReferredPetitionWaitsForTheCaseToEnd) {
  jc_submission s = capi_test::sample_submission("楼上空调外机正对我家卧室");
  s.location = "C11";
  s.category = "disputes";
  const jc_actor resident{"R-1", JC_ROLE_RESIDENT, ""};
  uint64_t id = 0;
  ASSERT_EQ(jc_engine_submit(&id, e_, &resident, &s, kT0 + 1), JC_OK) << jc_last_error();
  ASSERT_EQ(jc_engine_accept(e_, &staff_, id, kT0 + 1), JC_OK) << jc_last_error();
  ASSERT_EQ(jc_engine_dispatch(e_, &staff_, id, "C11", 0, kT0 + 1), JC_OK) << jc_last_error();
  ASSERT_EQ(jc_engine_sign(e_, &staff_, id, kT0 + 1), JC_OK) << jc_last_error();
  const std::string referral = std::string(kCase).substr(0, std::string(kCase).size() - 1) +
                               R"(,"petition":"P00000001","category":"disputes"})";
  uint64_t kase = 0;
  ASSERT_EQ(cmd("refer", 0, referral.c_str(), kT0 + 2, &kase), JC_OK) << jc_last_error();
  ASSERT_EQ(jc_engine_resolve(e_, &staff_, id, "已转人民调解（调解案件 D00000002）", kT0 + 2), JC_OK) << jc_last_error();
  auto petition = [&] {
    Str out;
    EXPECT_EQ(jc_engine_petition_json(&out.p, e_, id, 0), JC_OK) << jc_last_error();
    return out.s();
  };
  EXPECT_NE(petition().find(R"("evaluation_held":true)"), std::string::npos) << petition();
  const std::string before = snapshot(e_);
  EXPECT_EQ(jc_engine_evaluate(e_, &resident, id, 1, 1, JC_SATISFIED, kT0 + 3), JC_FAILED_PRECONDITION);
  EXPECT_NE(std::string(jc_last_error()).find("waits until it does"), std::string::npos) << jc_last_error();
  EXPECT_EQ(jc_engine_close(e_, &staff_, id, nullptr, kT0 + 3), JC_FAILED_PRECONDITION);
  EXPECT_EQ(snapshot(e_), before);
  ASSERT_EQ(cmd("refuse", kase, R"({"party":"p1"})", kT0 + 4), JC_OK) << jc_last_error();
  EXPECT_NE(petition().find(R"("evaluation_held":false)"), std::string::npos) << petition();
  EXPECT_EQ(jc_engine_evaluate(e_, &resident, id, 1, 1, JC_SATISFIED, kT0 + 5), JC_OK) << jc_last_error();
}

TEST_F(CapiMediation, RefusalsAreCodesAndChangeNothing) {
  const std::string before = snapshot(e_);
  jc_actor other{"w2", JC_ROLE_COMMUNITY_STAFF, "C12"};
  EXPECT_EQ(cmd("establish", 0, R"({"unit":"C11","name":"x","level":"residents","term_start":"2026-01-05","members":[]})",
                kT0 + 1),
            JC_INVALID_ARGUMENT);
  EXPECT_EQ(cmd("initiate", 0, R"({"unit":"C11","committee":"D00000001","summary":"s","fee":"10.00","parties":[]})",
                kT0 + 1),
            JC_INVALID_ARGUMENT);
  EXPECT_NE(std::string(jc_last_error()).find("第四条"), std::string::npos) << jc_last_error();
  EXPECT_EQ(cmd("assign", 1, R"({"mediators":["m1"]})", kT0 + 1), JC_FAILED_PRECONDITION);  // a committee
  EXPECT_EQ(cmd("assign", 7, R"({"mediators":["m1"]})", kT0 + 1), JC_NOT_FOUND);
  EXPECT_EQ(jc_engine_command(nullptr, nullptr, e_, "mediation", "hire", 1, &other,
                              R"({"mediator":{"id":"h1","name":"h","gender":"male","birth":"1980-01-01"}})", kT0 + 1),
            JC_PERMISSION_DENIED);
  EXPECT_EQ(snapshot(e_), before);
  Str q;
  EXPECT_EQ(jc_engine_query(&q.p, e_, "mediation", "suggest", R"({"item":1})"), JC_INVALID_ARGUMENT);
  EXPECT_EQ(q.p, nullptr);
}

}  // namespace
