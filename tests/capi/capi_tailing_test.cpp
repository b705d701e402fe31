// Catching up with other writers through the C ABI (docs/postgres.md): jc_engine_catch_up,
// jc_engine_await_seq (the min_seq of a read), jc_engine_run (a batch re-run after a lost
// race) and the background tailing thread (jc_engine_start_tailing / _stop_tailing). Here
// on a SQLite journal, where a second handle of the file reads what the first appended; the
// same calls against several writers of one PostgreSQL chain, with real lost races, are in
// capi_postgres_test.cpp (ctest capi_postgres) and, from Python,
// bindings/python/tests/pg/pg_journal_uri.py.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "capi_test_support.hpp"
#include "jiceng.h"

namespace {

using namespace capi_test;

#define EXPECT_NAMES(fn) EXPECT_EQ(std::string(jc_last_error()).rfind(std::string(fn) + ": ", 0), 0u) << jc_last_error()

uint64_t submit(jc_engine* e, int64_t now) {
  jc_submission s = sample_submission();
  uint64_t id = 0;
  EXPECT_EQ(jc_engine_submit(&id, e, &kResident, &s, now), JC_OK) << jc_last_error();
  return id;
}

size_t unit_count(jc_engine* e) {
  const jc_org* org = nullptr;
  EXPECT_EQ(jc_engine_org(&org, e), JC_OK) << jc_last_error();
  size_t n = 0;
  EXPECT_EQ(jc_org_unit_count(&n, org), JC_OK) << jc_last_error();
  return n;
}

// A writer on a fresh journal and a reader opened on it (read-only) before anything but the
// journal's first events was written.
class CapiTailing : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = temp_path("tailing.db");
    jc_engine_options o = journal_options(path_);
    ASSERT_OK(jc_engine_open(&writer_, &o));
    o.read_only = 1;
    ASSERT_OK(jc_engine_open(&reader_, &o));
  }
  void TearDown() override {
    jc_engine_free(reader_);
    jc_engine_free(writer_);
  }
  std::string path_;
  jc_engine* writer_ = nullptr;
  jc_engine* reader_ = nullptr;
};

TEST_F(CapiTailing, CatchUpAppliesWhatAnotherHandleAppendedAndRefreshesTheOrgView) {
  const uint64_t start = last_seq(reader_);
  EXPECT_EQ(unit_count(reader_), 0u);
  ASSERT_OK(jc_engine_load_sample_org(writer_, kMon - 86400));
  const uint64_t p = submit(writer_, kMon);
  ASSERT_OK(jc_engine_accept(writer_, &kStreetOfficer, p, kMon + kHour));
  ASSERT_EQ(last_seq(writer_), start + 3);
  EXPECT_EQ(last_seq(reader_), start);  // nothing reaches the reader by itself
  int state = -1;
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_state(&state, reader_, p));

  uint64_t applied = 99;
  ASSERT_OK(jc_engine_catch_up(&applied, reader_));
  EXPECT_EQ(applied, 3u);
  EXPECT_EQ(last_seq(reader_), start + 3);
  EXPECT_EQ(digest(reader_), digest(writer_));
  ASSERT_OK(jc_engine_state(&state, reader_, p));
  EXPECT_EQ(state, JC_STATE_ACCEPTED);
  // The borrowed org view follows the graph another writer loaded.
  EXPECT_EQ(unit_count(reader_), unit_count(writer_));
  EXPECT_GT(unit_count(reader_), 0u);
  // Nothing new: nothing applied; a NULL count is allowed.
  ASSERT_OK(jc_engine_catch_up(&applied, reader_));
  EXPECT_EQ(applied, 0u);
  ASSERT_OK(jc_engine_catch_up(nullptr, reader_));
}

TEST_F(CapiTailing, AwaitSeqServesAReadAtAGivenSeqOrSaysItDidNotGetThere) {
  ASSERT_OK(jc_engine_load_sample_org(writer_, kMon - 86400));
  const uint64_t p = submit(writer_, kMon);
  const uint64_t written = last_seq(writer_);  // what a server would hand its client

  ASSERT_OK(jc_engine_await_seq(reader_, written, 2000));
  EXPECT_EQ(last_seq(reader_), written);
  int state = -1;
  ASSERT_OK(jc_engine_state(&state, reader_, p));
  EXPECT_EQ(state, JC_STATE_RECEIVED);
  // Already there: at once, even with no time to wait.
  ASSERT_OK(jc_engine_await_seq(reader_, written, 0));
  ASSERT_OK(jc_engine_await_seq(reader_, 0, 0));

  // A seq nobody wrote: DEADLINE_EXCEEDED naming it and where the engine is; nothing changes.
  const std::string before = snapshot(reader_);
  EXPECT_STATUS(JC_DEADLINE_EXCEEDED, jc_engine_await_seq(reader_, written + 5, 60));
  EXPECT_NAMES("jc_engine_await_seq");
  EXPECT_ERROR_HAS("seq " + std::to_string(written + 5) + " not reached");
  EXPECT_ERROR_HAS("the engine is at seq " + std::to_string(written));
  EXPECT_EQ(snapshot(reader_), before);
}

TEST_F(CapiTailing, BadArgumentsAreRefusedBeforeAnythingIsRead) {
  ASSERT_OK(jc_engine_load_sample_org(writer_, kMon - 86400));
  submit(writer_, kMon);
  const uint64_t behind = last_seq(reader_);
  for (int64_t t : {int64_t{-1}, int64_t{3600001}, INT64_MIN}) {
    EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_await_seq(reader_, 1, t));
    EXPECT_NAMES("jc_engine_await_seq");
    EXPECT_ERROR_HAS("timeout_ms");
  }
  EXPECT_EQ(last_seq(reader_), behind);  // a refused call did not even catch up
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_catch_up(nullptr, nullptr));
  EXPECT_NAMES("jc_engine_catch_up");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_await_seq(nullptr, 1, 10));
  EXPECT_NAMES("jc_engine_await_seq");

  // An engine without a journal has nobody to catch up with.
  jc_engine* memory = nullptr;
  ASSERT_OK(jc_engine_open(&memory, nullptr));
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_catch_up(nullptr, memory));
  EXPECT_ERROR_HAS("without a journal");
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_await_seq(memory, 0, 0));
  EXPECT_NAMES("jc_engine_await_seq");
  jc_engine_free(memory);
}

// Waits up to 20 s for `e` to reach `seq` by itself (a tailing thread's work); its seq.
uint64_t wait_for_seq(jc_engine* e, uint64_t seq) {
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (last_seq(e) < seq && std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return last_seq(e);
}

TEST_F(CapiTailing, BackgroundTailingFollowsTheWriterAndRefreshesTheOrgView) {
  ASSERT_OK(jc_engine_start_tailing(reader_, 20));  // SQLite has no hints: it polls
  ASSERT_OK(jc_engine_load_sample_org(writer_, kMon - 86400));
  const uint64_t p = submit(writer_, kMon);
  ASSERT_OK(jc_engine_accept(writer_, &kStreetOfficer, p, kMon + kHour));
  // No catch-up call on the reader: the thread applies what the writer appended.
  EXPECT_EQ(wait_for_seq(reader_, last_seq(writer_)), last_seq(writer_));
  int state = -1;
  ASSERT_OK(jc_engine_state(&state, reader_, p));  // the engine's queries are safe meanwhile
  EXPECT_EQ(state, JC_STATE_ACCEPTED);
  ASSERT_OK(jc_engine_stop_tailing(reader_));
  EXPECT_EQ(digest(reader_), digest(writer_));
  // The thread re-pointed the borrowed org view at the graph the writer loaded.
  EXPECT_GT(unit_count(reader_), 0u);
  EXPECT_EQ(unit_count(reader_), unit_count(writer_));

  // Stopped, it follows no more; started again, it does; freeing the engine stops it.
  const uint64_t q = submit(writer_, kMon + kHour);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(last_seq(reader_), last_seq(writer_) - 1);
  ASSERT_OK(jc_engine_start_tailing(reader_, 20));
  EXPECT_EQ(wait_for_seq(reader_, last_seq(writer_)), last_seq(writer_));
  ASSERT_OK(jc_engine_state(&state, reader_, q));
  EXPECT_EQ(state, JC_STATE_RECEIVED);
}

TEST_F(CapiTailing, TailingRefusesBadArgumentsAndASecondThread) {
  for (int64_t ms : {int64_t{0}, int64_t{-1}, int64_t{3600001}, INT64_MIN}) {
    EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_start_tailing(reader_, ms));
    EXPECT_NAMES("jc_engine_start_tailing");
    EXPECT_ERROR_HAS("poll_interval_ms " + std::to_string(ms) + " is not in 1..3600000");
  }
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_start_tailing(nullptr, 10));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_stop_tailing(nullptr));
  EXPECT_NAMES("jc_engine_stop_tailing");
  ASSERT_OK(jc_engine_stop_tailing(reader_));  // none runs: nothing to stop
  ASSERT_OK(jc_engine_start_tailing(reader_, 1000));
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_start_tailing(reader_, 10));
  EXPECT_ERROR_HAS("already tailing");
  ASSERT_OK(jc_engine_stop_tailing(reader_));
  ASSERT_OK(jc_engine_stop_tailing(reader_));

  // An engine without a journal has nothing to follow.
  jc_engine* memory = nullptr;
  ASSERT_OK(jc_engine_open(&memory, nullptr));
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_start_tailing(memory, 10));
  EXPECT_ERROR_HAS("without a journal");
  ASSERT_OK(jc_engine_stop_tailing(memory));
  jc_engine_free(memory);
  ASSERT_OK(jc_engine_start_tailing(writer_, 10));  // TearDown frees it while it runs
}

struct Calls {
  int runs = 0;
  jc_status result = JC_OK;
  uint64_t petition = 0;
};

jc_status submit_in_batch(jc_engine* e, void* user) {
  auto* c = static_cast<Calls*>(user);
  ++c->runs;
  jc_submission s = sample_submission();
  const jc_status rc = jc_engine_submit(&c->petition, e, &kResident, &s, kMon);
  return rc != JC_OK ? rc : c->result;
}

TEST_F(CapiTailing, RunIsABatchThatChecksItsTriesAndKeepsTheCallbacksStatus) {
  ASSERT_OK(jc_engine_load_sample_org(writer_, kMon - 86400));
  const std::string before = snapshot(writer_);
  Calls calls;
  for (int tries : {0, -1, 1001}) {
    EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_run(writer_, submit_in_batch, &calls, tries));
    EXPECT_NAMES("jc_engine_run");
    EXPECT_ERROR_HAS("max_tries " + std::to_string(tries) + " is not in 1..1000");
  }
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_run(writer_, nullptr, &calls, 5));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_run(nullptr, submit_in_batch, &calls, 5));
  EXPECT_EQ(calls.runs, 0);
  EXPECT_EQ(snapshot(writer_), before);

  // The callback's refusal rolls the batch back and is returned as it said it.
  calls.result = JC_PERMISSION_DENIED;
  EXPECT_STATUS(JC_PERMISSION_DENIED, jc_engine_run(writer_, submit_in_batch, &calls, 5));
  EXPECT_EQ(calls.runs, 1);  // a refusal is not a lost race: no re-run
  EXPECT_EQ(snapshot(writer_), before);

  // One writer: no race to lose, so it runs once and commits, durable like any batch.
  calls = Calls{};
  ASSERT_OK(jc_engine_run(writer_, submit_in_batch, &calls, 5));
  EXPECT_EQ(calls.runs, 1);
  ASSERT_OK(jc_engine_catch_up(nullptr, reader_));
  int state = -1;
  ASSERT_OK(jc_engine_state(&state, reader_, calls.petition));
  EXPECT_EQ(state, JC_STATE_RECEIVED);
  EXPECT_EQ(digest(reader_), digest(writer_));

  // In memory it is jc_engine_batch.
  jc_engine* memory = nullptr;
  ASSERT_OK(jc_engine_open(&memory, nullptr));
  ASSERT_OK(jc_engine_load_sample_org(memory, kMon - 86400));
  calls = Calls{};
  ASSERT_OK(jc_engine_run(memory, submit_in_batch, &calls, 1));
  EXPECT_EQ(calls.runs, 1);
  jc_engine_free(memory);
}

}  // namespace
