// The projects loop and the service fund through the generic C surface: a practical
// project proposed and approved, the community's account opened at the policy minimum,
// a spend tied to the project's decision record, the refusals (overspend, a negative
// category, a float amount, a spend before approval) that change nothing, and the
// statement with money as decimal strings.
#include <string>

#include "capi_test_support.hpp"

namespace {
using capi_test::take;

constexpr const char* kOrg = R"({"schema": "urban_grid", "units": [
 {"id": "D", "name": "区委", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "一街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "C11", "name": "南亭社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "G111", "name": "一网格", "level": 3, "kind": "grid_branch", "parent": "C11"}]})";

constexpr int64_t kT0 = 1772413200;  // 2026-03-02 09:00 China time

class CapiProjects : public ::testing::Test {
 protected:
  void SetUp() override {
    jc_engine_options o = JC_ENGINE_OPTIONS_INIT;
    o.policy = "wuzhong";
    ASSERT_OK(jc_engine_open(&e_, &o));
    ASSERT_OK(jc_engine_load_org(e_, kOrg, std::char_traits<char>::length(kOrg), kT0 - 3600));
  }
  void TearDown() override { jc_engine_free(e_); }
  jc_status command(const char* loop, const char* event, uint64_t item, const jc_actor& a, const std::string& payload,
                    int64_t now, uint64_t* out_item = nullptr) {
    uint64_t it = 0, seq = 0;
    const jc_status st = jc_engine_command(&it, &seq, e_, loop, event, item, &a, payload.c_str(), now);
    if (out_item != nullptr) *out_item = it;
    return st;
  }
  std::string query(const char* loop, const char* name, const char* params) {
    char* out = nullptr;
    EXPECT_EQ(jc_engine_query(&out, e_, loop, name, params), JC_OK) << jc_last_error();
    return take(out);
  }
  std::string snapshot() {
    char* out = nullptr;
    size_t len = 0;
    EXPECT_EQ(jc_engine_snapshot(&out, &len, e_), JC_OK);
    std::string s(out, len);
    jc_string_free(out);
    return s;
  }
  jc_engine* e_ = nullptr;
};

const jc_actor kStaff = {"w1", JC_ROLE_COMMUNITY_STAFF, "C11"};
const jc_actor kSecretary = {"sec", JC_ROLE_COMMUNITY_SECRETARY, "C11"};
const jc_actor kStreet = {"s1", JC_ROLE_STREET_OFFICER, "S1"};

TEST_F(CapiProjects, AProjectPaidForByTheServiceFund) {
  uint64_t project = 0, account = 0;
  ASSERT_EQ(command("projects", "propose", 0, kStaff,
                    R"({"unit":"G111","kind":"practical","title":"高龄老人助餐点","lead_unit":"C11","rollup":"equal",)"
                    R"("milestones":[{"name":"建成"}],"due":"2026-06-30"})",
                    kT0, &project),
            JC_OK)
      << jc_last_error();
  EXPECT_EQ(project, 1u);
  ASSERT_EQ(command("fund", "open", 0, kStreet, R"({"unit":"C11","year":2026,"allocation":"200000.00"})", kT0, &account),
            JC_OK)
      << jc_last_error();
  const std::string spend =
      R"({"project":"P00000001","decision":"南亭-2026-3","category":"public_service","amount":"50000.00","purpose":"助餐点"})";
  // Before the decision the fund pays nothing; nothing changes.
  const std::string before = snapshot();
  uint64_t seq = 0;
  ASSERT_OK(jc_engine_last_seq(&seq, e_));
  EXPECT_STATUS(JC_FAILED_PRECONDITION, command("fund", "spend", account, kSecretary, spend, kT0 + 60));
  EXPECT_NE(std::string(jc_last_error()).find("P00000001 is proposed"), std::string::npos) << jc_last_error();
  EXPECT_EQ(snapshot(), before);
  ASSERT_EQ(command("projects", "approve", project, kSecretary,
                    R"({"decided_by":"社区党委会议","record":"南亭-2026-3","decided_on":"2026-03-02"})", kT0 + 120),
            JC_OK)
      << jc_last_error();
  ASSERT_EQ(command("fund", "spend", account, kSecretary, spend, kT0 + 180), JC_OK) << jc_last_error();
  // Refusals: overspend, a negative category, a binary float.
  const std::string after = snapshot();
  ASSERT_OK(jc_engine_last_seq(&seq, e_));
  EXPECT_STATUS(JC_FAILED_PRECONDITION,
                command("fund", "spend", account, kSecretary,
                        R"({"project":1,"decision":"南亭-2026-3","category":"public_service","amount":"150000.01","purpose":"x"})",
                        kT0 + 240));
  EXPECT_STATUS(JC_FAILED_PRECONDITION,
                command("fund", "spend", account, kSecretary,
                        R"({"project":1,"decision":"南亭-2026-3","category":"staff_costs","amount":"10.00","purpose":"x"})",
                        kT0 + 240));
  EXPECT_STATUS(JC_INVALID_ARGUMENT,
                command("fund", "spend", account, kSecretary,
                        R"({"project":1,"decision":"南亭-2026-3","category":"public_service","amount":10.5,"purpose":"x"})",
                        kT0 + 240));
  EXPECT_STATUS(JC_PERMISSION_DENIED, command("fund", "open", 0, kStaff, R"({"unit":"C11","year":2027,"allocation":"200000.00"})", kT0 + 240));
  EXPECT_EQ(snapshot(), after);
  uint64_t seq_after = 0;
  ASSERT_OK(jc_engine_last_seq(&seq_after, e_));
  EXPECT_EQ(seq_after, seq);
  const std::string st = query("fund", "statement", R"({"unit":"C11","year":2026})");
  EXPECT_NE(st.find(R"("allocation":"200000.00")"), std::string::npos) << st;
  EXPECT_NE(st.find(R"("spent":"50000.00")"), std::string::npos) << st;
  EXPECT_NE(st.find(R"("balance":"150000.00")"), std::string::npos) << st;
  EXPECT_NE(st.find(R"("balanced":true)"), std::string::npos) << st;
  const std::string board = query("projects", "board", nullptr);
  EXPECT_NE(board.find(R"("state":"approved")"), std::string::npos) << board;
  char* out = nullptr;
  EXPECT_EQ(jc_engine_query(&out, e_, "fund", "statement", R"({"item":"F00000009"})"), JC_NOT_FOUND);

  // The spend's own notice (居 34): posted from Monday 03-02, it may come down from 03-18
  // 00:00; one second earlier taking it down is a finding and nothing else changes state.
  EXPECT_STATUS(JC_INVALID_ARGUMENT, command("fund", "disclose", account, kSecretary,
                                             R"({"spend":2,"from":"2026-03-02","channel":"居务公开栏"})", kT0 + 300));
  ASSERT_EQ(command("fund", "disclose", account, kSecretary, R"({"spend":1,"from":"2026-03-02","channel":"居务公开栏"})",
                    kT0 + 300),
            JC_OK)
      << jc_last_error();
  const int64_t end = kT0 - 9 * 3600 + 16 * 86400;  // 2026-03-18 00:00 China time
  ASSERT_EQ(command("fund", "take_down", account, kSecretary, R"({"spend":1,"reason":"公开栏维修"})", end - 1), JC_OK)
      << jc_last_error();
  // An approval naming a deliberation matter the engine does not hold: NOT_FOUND, nothing changes.
  ASSERT_EQ(command("projects", "propose", 0, kStaff,
                    R"({"unit":"G111","kind":"practical","title":"路灯","lead_unit":"C11","rollup":"equal",)"
                    R"("milestones":[{"name":"建成"}],"due":"2026-06-30"})",
                    kT0 + 400),
            JC_OK)
      << jc_last_error();
  const std::string unapproved = snapshot();
  EXPECT_STATUS(JC_NOT_FOUND,
                command("projects", "approve", 2, kSecretary,
                        R"({"decided_by":"社区党委会议","record":"2","decided_on":"2026-03-02","matter":"M00000007"})", kT0 + 500));
  EXPECT_NE(std::string(jc_last_error()).find("field \"matter\""), std::string::npos) << jc_last_error();
  EXPECT_EQ(snapshot(), unapproved);
  const std::string f = query("fund", "findings", R"({"unit":"C11"})");
  EXPECT_NE(f.find(R"("code":"disclosure_taken_down_early")"), std::string::npos) << f;
  EXPECT_NE(f.find(R"("last_day":"2026-03-17")"), std::string::npos) << f;
}

}  // namespace
