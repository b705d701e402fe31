// Residents' participation through the C ABI: 附议 with jc_engine_execute and a resident's
// handle, the needs list, suggested duplicates and a merge, a return as not ours; every
// refusal (a second support, unknown or overflowing ids, a missing competent unit, a stale
// handle, bad text) leaves the digest and last_seq as they were.
#include <string>
#include <vector>

#include "capi_test_support.hpp"

namespace capi_test {
namespace {

const jc_actor kGridWorker = {"G-1", JC_ROLE_GRID_WORKER, kGrid};

struct State {
  std::string digest;
  uint64_t last_seq = 0;
};
State state_of(jc_engine* e) {
  State s;
  s.digest = digest(e);
  EXPECT_EQ(jc_engine_last_seq(&s.last_seq, e), JC_OK);
  return s;
}
void expect_same(jc_engine* e, const State& before, const char* what) {
  const State now = state_of(e);
  EXPECT_EQ(now.digest, before.digest) << what;
  EXPECT_EQ(now.last_seq, before.last_seq) << what;
}

std::string petition_json(jc_engine* e, uint64_t id) {
  char* out = nullptr;
  EXPECT_EQ(jc_engine_petition_json(&out, e, id, 0), JC_OK) << jc_last_error();
  return take(out);
}

std::vector<uint64_t> ids_of(jc_status (*fn)(uint64_t*, size_t, size_t*, jc_engine*, uint64_t), jc_engine* e,
                             uint64_t arg) {
  uint64_t buf[16];
  size_t n = 0;
  EXPECT_EQ(fn(buf, 16, &n, e, arg), JC_OK) << jc_last_error();
  return std::vector<uint64_t>(buf, buf + n);
}

class Participation : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(jc_engine_open(&e_, nullptr), JC_OK);
    ASSERT_EQ(jc_engine_load_sample_org(e_, kMon - 86400), JC_OK);
    jc_submission s = sample_submission();
    ASSERT_EQ(jc_engine_submit(&a_, e_, &kResident, &s, kMon), JC_OK);
    s.petitioner = "R-2";
    const jc_actor r2 = {"R-2", JC_ROLE_RESIDENT, nullptr};
    ASSERT_EQ(jc_engine_submit(&b_, e_, &r2, &s, kMon + kHour), JC_OK);
  }
  void TearDown() override { jc_engine_free(e_); }
  jc_actor_handle resident(const char* id) {
    const jc_actor a = {id, JC_ROLE_RESIDENT, nullptr};
    jc_actor_handle h;
    EXPECT_EQ(jc_engine_resolve_actor(&h, e_, &a), JC_OK) << jc_last_error();
    return h;
  }
  jc_engine* e_ = nullptr;
  uint64_t a_ = 0, b_ = 0;
};

TEST_F(Participation, SupportOncePerResidentWithdrawAndAgain) {
  const jc_actor_handle r3 = resident("R-3");
  ASSERT_EQ(jc_engine_execute(e_, &r3, JC_EVENT_SUPPORT, a_, kMon + 2 * kHour), JC_OK) << jc_last_error();
  EXPECT_NE(petition_json(e_, a_).find("\"supporters\":1"), std::string::npos);
  const State before = state_of(e_);
  EXPECT_EQ(jc_engine_execute(e_, &r3, JC_EVENT_SUPPORT, a_, kMon + 3 * kHour), JC_FAILED_PRECONDITION);
  EXPECT_NE(last_error().find("supports it already"), std::string::npos) << last_error();
  const jc_actor_handle own = resident("R-1");
  EXPECT_EQ(jc_engine_execute(e_, &own, JC_EVENT_SUPPORT, a_, kMon + 3 * kHour), JC_PERMISSION_DENIED);
  EXPECT_EQ(jc_engine_execute(e_, &r3, JC_EVENT_SUPPORT, 999, kMon + 3 * kHour), JC_NOT_FOUND);
  EXPECT_EQ(jc_engine_execute(e_, &r3, JC_EVENT_SUPPORT, UINT64_MAX, kMon + 3 * kHour), JC_NOT_FOUND);
  EXPECT_EQ(jc_engine_execute(e_, &r3, 26, a_, kMon + 3 * kHour), JC_INVALID_ARGUMENT);
  EXPECT_EQ(jc_engine_execute(e_, &r3, JC_EVENT_LOOP, a_, kMon + 3 * kHour), JC_INVALID_ARGUMENT);
  jc_status results[2];
  const uint64_t ids[2] = {a_, b_};
  EXPECT_EQ(jc_engine_execute_many(results, e_, &r3, JC_EVENT_SUPPORT, ids, 1, kMon + 3 * kHour),
            JC_FAILED_PRECONDITION);
  // A handle made before a restore is stale.
  char* snap = nullptr;
  size_t len = 0;
  ASSERT_EQ(jc_engine_snapshot(&snap, &len, e_), JC_OK);
  ASSERT_EQ(jc_engine_restore(e_, snap, len), JC_OK);
  jc_string_free(snap);
  EXPECT_EQ(jc_engine_execute(e_, &r3, JC_EVENT_WITHDRAW_SUPPORT, a_, kMon + 3 * kHour), JC_INVALID_ARGUMENT);
  expect_same(e_, before, "refused supports");

  const jc_actor_handle again = resident("R-3");
  ASSERT_EQ(jc_engine_execute(e_, &again, JC_EVENT_WITHDRAW_SUPPORT, a_, kMon + 3 * kHour), JC_OK);
  EXPECT_NE(petition_json(e_, a_).find("\"supporters\":0"), std::string::npos);
  ASSERT_EQ(jc_engine_execute(e_, &again, JC_EVENT_SUPPORT, a_, kMon + 4 * kHour), JC_OK);
  EXPECT_NE(petition_json(e_, a_).find("\"supporters\":1"), std::string::npos);
  ASSERT_EQ(jc_engine_execute_many(results, e_, &again, JC_EVENT_SUPPORT, ids + 1, 1, kMon + 4 * kHour), JC_OK);
  // The needs list: both have one supporter; the older first.
  uint64_t buf[4];
  size_t n = 0;
  ASSERT_EQ(jc_engine_needs_list(buf, 4, &n, e_, nullptr), JC_OK);
  ASSERT_EQ(n, 2u);
  EXPECT_EQ(buf[0], a_);
  EXPECT_EQ(jc_engine_needs_list(buf, 4, &n, e_, "nowhere"), JC_NOT_FOUND);
  const char* name = nullptr;
  ASSERT_EQ(jc_enum_name(&name, "event", JC_EVENT_WITHDRAW_SUPPORT), JC_OK);
  EXPECT_STREQ(name, "withdraw_support");
}

// The convenience calls with a jc_actor: the same rules as the hot path, and every refusal
// (a second support, the resident's own petition, a staff role, an unknown petition, a
// withdrawal without a support, NULL or bad arguments) leaves digest and last_seq alone.
TEST_F(Participation, SupportAndWithdrawWithAnActor) {
  const jc_actor r3 = {"R-3", JC_ROLE_RESIDENT, nullptr};
  ASSERT_EQ(jc_engine_support(e_, &r3, a_, kMon + 2 * kHour), JC_OK) << jc_last_error();
  EXPECT_NE(petition_json(e_, a_).find("\"supporters\":1"), std::string::npos);
  const State before = state_of(e_);
  EXPECT_EQ(jc_engine_support(e_, &r3, a_, kMon + 3 * kHour), JC_FAILED_PRECONDITION);
  EXPECT_NE(last_error().find("supports it already"), std::string::npos) << last_error();
  EXPECT_EQ(jc_engine_support(e_, &kResident, a_, kMon + 3 * kHour), JC_PERMISSION_DENIED) << "own petition";
  EXPECT_EQ(jc_engine_support(e_, &kGridWorker, a_, kMon + 3 * kHour), JC_PERMISSION_DENIED) << "not a resident";
  EXPECT_EQ(jc_engine_support(e_, &r3, 999, kMon + 3 * kHour), JC_NOT_FOUND);
  EXPECT_EQ(jc_engine_support(e_, nullptr, a_, kMon + 3 * kHour), JC_INVALID_ARGUMENT);
  EXPECT_EQ(jc_engine_support(nullptr, &r3, a_, kMon + 3 * kHour), JC_INVALID_ARGUMENT);
  const jc_actor nameless = {nullptr, JC_ROLE_RESIDENT, nullptr};
  EXPECT_EQ(jc_engine_support(e_, &nameless, a_, kMon + 3 * kHour), JC_INVALID_ARGUMENT);
  const jc_actor r4 = {"R-4", JC_ROLE_RESIDENT, nullptr};
  EXPECT_EQ(jc_engine_withdraw_support(e_, &r4, a_, kMon + 3 * kHour), JC_FAILED_PRECONDITION) << "never supported";
  EXPECT_EQ(jc_engine_withdraw_support(e_, &r3, b_, kMon + 3 * kHour), JC_FAILED_PRECONDITION) << "another petition";
  expect_same(e_, before, "refused supports and withdrawals");
  ASSERT_EQ(jc_engine_withdraw_support(e_, &r3, a_, kMon + 3 * kHour), JC_OK) << jc_last_error();
  EXPECT_NE(petition_json(e_, a_).find("\"supporters\":0"), std::string::npos);
  ASSERT_EQ(jc_engine_support(e_, &r3, a_, kMon + 4 * kHour), JC_OK) << "supporting again after a withdrawal";
  // The calls record the same events as the hot path does.
  char* h = nullptr;
  ASSERT_EQ(jc_engine_history_json(&h, e_, a_, 0), JC_OK);
  const std::string history = take(h);
  EXPECT_NE(history.find("\"withdraw_support\""), std::string::npos) << history;
}

TEST_F(Participation, DuplicatesAndAMergeKeepingLinksAndSupporters) {
  EXPECT_EQ(ids_of(jc_engine_duplicates, e_, a_), std::vector<uint64_t>{b_});
  const jc_actor_handle r3 = resident("R-3");
  ASSERT_EQ(jc_engine_execute(e_, &r3, JC_EVENT_SUPPORT, a_, kMon + 2 * kHour), JC_OK);
  const State before = state_of(e_);
  EXPECT_EQ(jc_engine_merge(e_, &kGridWorker, a_, a_, kMon + 3 * kHour), JC_INVALID_ARGUMENT);
  EXPECT_EQ(jc_engine_merge(e_, &kGridWorker, a_, 0, kMon + 3 * kHour), JC_NOT_FOUND);
  EXPECT_EQ(jc_engine_merge(e_, &kGridWorker, a_, UINT64_MAX, kMon + 3 * kHour), JC_NOT_FOUND);
  uint64_t buf[4];
  size_t n = 0;
  EXPECT_EQ(jc_engine_duplicates(buf, 4, &n, e_, UINT64_MAX), JC_NOT_FOUND);
  expect_same(e_, before, "refused merges");
  ASSERT_EQ(jc_engine_merge(e_, &kGridWorker, a_, b_, kMon + 3 * kHour), JC_OK) << jc_last_error();
  const std::string merged = petition_json(e_, a_);
  EXPECT_NE(merged.find("\"merged_into\":\"P00000002\""), std::string::npos) << merged;
  EXPECT_NE(merged.find("本诉求已并入 P00000002"), std::string::npos) << merged;
  const std::string kept = petition_json(e_, b_);
  EXPECT_NE(kept.find("\"merged_from\":[\"P00000001\"]"), std::string::npos) << kept;
  EXPECT_NE(kept.find("\"supporters\":2"), std::string::npos) << "R-3 and R-1 moved over: " << kept;
  const State merged_state = state_of(e_);
  EXPECT_EQ(jc_engine_merge(e_, &kGridWorker, a_, b_, kMon + 4 * kHour), JC_FAILED_PRECONDITION) << "twice";
  expect_same(e_, merged_state, "a second merge");

  // After a restore into a fresh engine: the same links and supporters.
  char* snap = nullptr;
  size_t len = 0;
  ASSERT_EQ(jc_engine_snapshot(&snap, &len, e_), JC_OK);
  jc_engine* other = nullptr;
  ASSERT_EQ(jc_engine_open(&other, nullptr), JC_OK);
  ASSERT_EQ(jc_engine_restore(other, snap, len), JC_OK);
  jc_string_free(snap);
  EXPECT_EQ(petition_json(other, b_), kept);
  EXPECT_EQ(digest(other), digest(e_));
  jc_engine_free(other);
}

TEST_F(Participation, ReturnAsNotOursNamesWhoIsCompetent) {
  ASSERT_EQ(jc_engine_accept(e_, &kStaff, a_, kMon + kHour), JC_OK);
  ASSERT_EQ(jc_engine_dispatch(e_, &kStaff, a_, kGrid, 0, kMon + 2 * kHour), JC_OK) << jc_last_error();
  const State before = state_of(e_);
  const int64_t t = kMon + 3 * kHour;
  EXPECT_EQ(jc_engine_return_not_ours(e_, &kGridWorker, a_, nullptr, nullptr, "不归我们管", t), JC_INVALID_ARGUMENT);
  EXPECT_NE(last_error().find("must name the competent unit"), std::string::npos) << last_error();
  EXPECT_EQ(jc_engine_return_not_ours(e_, &kGridWorker, a_, "", "", "不归我们管", t), JC_INVALID_ARGUMENT);
  EXPECT_EQ(jc_engine_return_not_ours(e_, &kGridWorker, a_, kStreet, "供电公司", "x", t), JC_INVALID_ARGUMENT);
  EXPECT_EQ(jc_engine_return_not_ours(e_, &kGridWorker, a_, "nowhere", nullptr, "x", t), JC_NOT_FOUND);
  EXPECT_EQ(jc_engine_return_not_ours(e_, &kGridWorker, a_, kStreet, nullptr, nullptr, t), JC_INVALID_ARGUMENT);
  EXPECT_EQ(jc_engine_return_not_ours(e_, &kGridWorker, a_, nullptr, "\xff\xfe", "x", t), JC_INVALID_ARGUMENT);
  EXPECT_EQ(jc_engine_return_not_ours(e_, &kGridWorker, UINT64_MAX, kStreet, nullptr, "x", t), JC_NOT_FOUND);
  EXPECT_EQ(jc_engine_return_not_ours(nullptr, &kGridWorker, a_, kStreet, nullptr, "x", t), JC_INVALID_ARGUMENT);
  expect_same(e_, before, "refused returns as not ours");
  ASSERT_EQ(jc_engine_return_not_ours(e_, &kGridWorker, a_, kStreet, nullptr, "噪音执法属街道综合执法", t), JC_OK)
      << jc_last_error();
  const std::string js = petition_json(e_, a_);
  EXPECT_NE(js.find("\"competent_unit\":\"320506001\""), std::string::npos) << js;
  EXPECT_NE(js.find("\"returned_by\":\"320506001001G01\""), std::string::npos) << js;
  EXPECT_NE(js.find("噪音执法属街道综合执法"), std::string::npos) << js;
  EXPECT_NE(js.find("\"not_ours_returns\":1"), std::string::npos) << js;
  // The KPIs count it at the grid that returned it.
  jc_kpi_query q;
  ASSERT_EQ(jc_kpi_query_init(&q, JC_KPI_QUERY_VERSION), JC_OK);
  q.unit = kGrid;
  char* kpi = nullptr;
  ASSERT_EQ(jc_engine_kpi_json(&kpi, e_, &q), JC_OK) << jc_last_error();
  const std::string k = take(kpi);
  EXPECT_NE(k.find("\"not_ours_returns\":1"), std::string::npos) << k;
}

}  // namespace
}  // namespace capi_test
