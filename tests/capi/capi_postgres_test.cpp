// Two C handles on one PostgreSQL chain (two servers writing one district's journal),
// against the harness's PostgreSQL 15: ctest capi_postgres runs these (fixture jiceng_pg,
// which writes the cluster's libpq URI to $JICENG_PG_DIR/uri); ctest capi leaves them out.
// A stale handle's command loses the race (JC_ABORTED) and changes nothing;
// jc_engine_catch_up then shows the winner's effect; jc_engine_run re-runs to a commit;
// jc_engine_await_seq returns once another handle's seq is applied; a tailing thread
// (jc_engine_start_tailing) follows the other handle by its append hints.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "capi_test_support.hpp"
#include "jiceng.h"

namespace {

using namespace capi_test;


int state_of(jc_engine* e, uint64_t p) {
  int s = -1;
  EXPECT_EQ(jc_engine_state(&s, e, p), JC_OK) << jc_last_error();
  return s;
}

// A fresh database `name` in the harness's cluster (through psql, as the Python test does);
// its journal URI on chain 320506 (the sample district's county), or "" with a failure.
std::string fresh_chain(const std::string& name) {
  const char* dir = std::getenv("JICENG_PG_DIR");
  if (dir == nullptr) {
    ADD_FAILURE() << "JICENG_PG_DIR is not set: run through ctest capi_postgres (fixture jiceng_pg)";
    return "";
  }
  std::ifstream in(std::string(dir) + "/uri");
  std::string admin;
  std::getline(in, admin);
  const std::string::size_type at = admin.find("/jiceng_test?");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no cluster URI in " << dir << "/uri";
    return "";
  }
  const std::string sql = "PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 '" + admin +
                          "' -c 'DROP DATABASE IF EXISTS " + name + "' -c 'CREATE DATABASE " + name + "'";
  if (std::system(sql.c_str()) != 0) {
    ADD_FAILURE() << "failed: " << sql;
    return "";
  }
  return admin.substr(0, at) + "/" + name + admin.substr(at + 12) + "&chain=320506";
}

class CapiPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    uri_ = fresh_chain("jiceng_capi_race");
    ASSERT_FALSE(uri_.empty());
    jc_engine_options o = journal_options(uri_);
    ASSERT_OK(jc_engine_open(&a_, &o));
    ASSERT_OK(jc_engine_open(&b_, &o));
    ASSERT_OK(jc_engine_catch_up(nullptr, a_));  // both opened an empty chain; one started it
    ASSERT_OK(jc_engine_catch_up(nullptr, b_));
    ASSERT_EQ(digest(a_), digest(b_));
  }
  void TearDown() override {
    jc_engine_free(b_);
    jc_engine_free(a_);
  }
  std::string uri_;
  jc_engine* a_ = nullptr;
  jc_engine* b_ = nullptr;
};

// What a batch does (jc_engine_run's callback): dispatch or accept one petition, counting runs.
struct Step {
  int runs = 0;
  uint64_t petition = 0;
  bool accept = false;
};

jc_status step_in_batch(jc_engine* e, void* user) {
  auto* d = static_cast<Step*>(user);
  ++d->runs;
  return d->accept ? jc_engine_accept(e, &kStreetOfficer, d->petition, kMon + 2 * kHour)
                   : jc_engine_dispatch(e, &kSecretary, d->petition, kCommunity, 0, kMon + 2 * kHour);
}

TEST_F(CapiPostgres, TheLoserOfARaceChangesNothingCatchesUpAndRunReRunsToACommit) {
  ASSERT_OK(jc_engine_load_sample_org(a_, kMon - 86400));
  jc_submission s = sample_submission();
  uint64_t p = 0;
  ASSERT_OK(jc_engine_submit(&p, a_, &kResident, &s, kMon));
  uint64_t applied = 0;
  ASSERT_OK(jc_engine_catch_up(&applied, b_));
  EXPECT_EQ(applied, 2u);
  EXPECT_EQ(state_of(b_, p), JC_STATE_RECEIVED);

  // b accepts; a, not caught up, accepts too: its append loses, and a is as it was.
  ASSERT_OK(jc_engine_accept(b_, &kStreetOfficer, p, kMon + kHour));
  const std::string before = snapshot(a_);
  const uint64_t seq_before = last_seq(a_);
  EXPECT_STATUS(JC_ABORTED, jc_engine_accept(a_, &kStreetOfficer, p, kMon + kHour));
  EXPECT_ERROR_HAS("catch up");
  EXPECT_EQ(snapshot(a_), before);
  EXPECT_EQ(last_seq(a_), seq_before);
  EXPECT_EQ(state_of(a_, p), JC_STATE_RECEIVED);

  // Catching up shows the winner's accept; a's own accept is now an illegal transition.
  ASSERT_OK(jc_engine_catch_up(&applied, a_));
  EXPECT_EQ(applied, 1u);
  EXPECT_EQ(state_of(a_, p), JC_STATE_ACCEPTED);
  EXPECT_EQ(digest(a_), digest(b_));
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_accept(a_, &kStreetOfficer, p, kMon + kHour));

  // b writes again; a's dispatch through jc_engine_run loses the first run, catches up
  // (b's second petition appears) and commits on the second.
  uint64_t q = 0;
  ASSERT_OK(jc_engine_submit(&q, b_, &kResident, &s, kMon + kHour));
  Step d{0, p, false};
  ASSERT_OK(jc_engine_run(a_, step_in_batch, &d, 5));
  EXPECT_EQ(d.runs, 2);
  EXPECT_EQ(state_of(a_, q), JC_STATE_RECEIVED);
  EXPECT_EQ(state_of(a_, p), JC_STATE_DISPATCHED);
  ASSERT_OK(jc_engine_catch_up(&applied, b_));
  EXPECT_EQ(applied, 1u);
  EXPECT_EQ(state_of(b_, p), JC_STATE_DISPATCHED);
  EXPECT_EQ(digest(a_), digest(b_));

  // With one try only, a lost race is the call's JC_ABORTED: a's accept is not in the chain,
  // and a is caught up to exactly what b wrote (ready for the caller to try again).
  uint64_t r = 0;
  ASSERT_OK(jc_engine_submit(&r, b_, &kResident, &s, kMon + 2 * kHour));
  d = Step{0, q, true};
  EXPECT_STATUS(JC_ABORTED, jc_engine_run(a_, step_in_batch, &d, 1));
  EXPECT_ERROR_HAS("lost the race to another writer 1 times");
  EXPECT_EQ(d.runs, 1);
  EXPECT_EQ(state_of(a_, q), JC_STATE_RECEIVED);
  EXPECT_EQ(state_of(a_, r), JC_STATE_RECEIVED);
  EXPECT_EQ(last_seq(a_), last_seq(b_));
  EXPECT_EQ(snapshot(a_), snapshot(b_));
}

TEST_F(CapiPostgres, AwaitSeqReturnsOnceAnotherHandlesSeqIsApplied) {
  ASSERT_OK(jc_engine_load_sample_org(a_, kMon - 86400));
  jc_submission s = sample_submission();
  uint64_t p = 0;
  ASSERT_OK(jc_engine_submit(&p, a_, &kResident, &s, kMon));
  ASSERT_OK(jc_engine_await_seq(b_, last_seq(a_), 2000));
  EXPECT_EQ(last_seq(b_), last_seq(a_));
  EXPECT_EQ(state_of(b_, p), JC_STATE_RECEIVED);

  // b waits for the seq a's next command will get; a writes it while b waits.
  const uint64_t next = last_seq(a_) + 1;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(jc_engine_accept(a_, &kStreetOfficer, p, kMon + kHour), JC_OK);
  });
  const auto start = std::chrono::steady_clock::now();
  const jc_status rc = jc_engine_await_seq(b_, next, 10000);
  const auto waited = std::chrono::steady_clock::now() - start;
  writer.join();
  ASSERT_EQ(rc, JC_OK) << jc_last_error();
  EXPECT_GE(waited, std::chrono::milliseconds(250));  // it did wait for the write
  EXPECT_LT(waited, std::chrono::milliseconds(9000));  // and returned when it came
  EXPECT_EQ(last_seq(b_), next);
  EXPECT_EQ(state_of(b_, p), JC_STATE_ACCEPTED);
  EXPECT_EQ(digest(b_), digest(a_));

  // A seq nobody wrote: JC_DEADLINE_EXCEEDED naming where b is, and nothing changes.
  const std::string before = snapshot(b_);
  EXPECT_STATUS(JC_DEADLINE_EXCEEDED, jc_engine_await_seq(b_, next + 3, 100));
  EXPECT_ERROR_HAS("the engine is at seq " + std::to_string(next));
  EXPECT_EQ(snapshot(b_), before);
}

// b follows a's commands in the background: woken by a's append hints (the poll interval is
// a minute, so nothing else could catch it up in time), then a row edited behind the
// journal's back stops the thread's catch-ups, and stopping it reports that row.
TEST_F(CapiPostgres, TailingFollowsTheOtherServerAndStopReportsABadRow) {
  ASSERT_OK(jc_engine_start_tailing(b_, 60000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // its first catch-up is done
  ASSERT_OK(jc_engine_load_sample_org(a_, kMon - 86400));
  jc_submission s = sample_submission();
  uint64_t p = 0;
  ASSERT_OK(jc_engine_submit(&p, a_, &kResident, &s, kMon));
  const auto start = std::chrono::steady_clock::now();
  while (last_seq(b_) < last_seq(a_) && std::chrono::steady_clock::now() - start < std::chrono::seconds(20)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(last_seq(b_), last_seq(a_)) << "the append hint did not wake the tailing thread";
  EXPECT_EQ(state_of(b_, p), JC_STATE_RECEIVED);
  ASSERT_OK(jc_engine_stop_tailing(b_));
  EXPECT_EQ(digest(b_), digest(a_));

  // a's next row is edited in the database; b's thread refuses it and keeps b where it was.
  ASSERT_OK(jc_engine_accept(a_, &kStreetOfficer, p, kMon + kHour));
  const std::string db = uri_.substr(0, uri_.find("&chain="));
  const std::string sql = "PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 '" + db +
                          "' -c \"UPDATE jc_events SET payload = payload || '\\x00'::bytea WHERE chain = 320506 "
                          "AND seq = " + std::to_string(last_seq(a_)) + "\"";
  ASSERT_EQ(std::system(sql.c_str()), 0) << sql;
  const std::string before = snapshot(b_);
  ASSERT_OK(jc_engine_start_tailing(b_, 20));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_STATUS(JC_DATA_LOSS, jc_engine_stop_tailing(b_));
  EXPECT_ERROR_HAS("seq " + std::to_string(last_seq(a_)));
  EXPECT_EQ(snapshot(b_), before);
  EXPECT_EQ(state_of(b_, p), JC_STATE_RECEIVED);
}

}  // namespace
