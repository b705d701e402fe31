// Bulk calls' commit seen from inside (capi/engine.cpp run_bulk): an EventSink installed
// on the handle's engine counts the appends a bulk call makes and can fail them, and
// allocation failures are injected into a group-committed call, so the all-or-nothing
// promise is checked where no journal is needed.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "alloc_failure.hpp"
#include "capi/engine_handle.hpp"
#include "jiceng.h"

namespace {

constexpr std::int64_t kMon = 1736125200;  // 2025-01-06 09:00 CST

/// Counts appends and events; fails every append from the `fail_from`-th on (0-based).
class CountingSink final : public jiceng::EventSink {
 public:
  absl::Status append(std::span<const jiceng::Event> events) override {
    if (appends_tried++ >= fail_from) return absl::UnavailableError("sink: injected append failure");
    ++appends;
    this->events += events.size();
    return absl::OkStatus();
  }
  int appends_tried = 0;
  int appends = 0;
  std::size_t events = 0;
  int fail_from = 1 << 30;
};

std::string digest(jc_engine* e) {
  char buf[65];
  size_t len = 0;
  EXPECT_EQ(jc_engine_digest(buf, sizeof buf, &len, e), JC_OK) << jc_last_error();
  return buf;
}

/// An in-memory engine with the sample district and `sink` as its event sink.
jc_engine* engine_with(CountingSink* sink) {
  jc_engine* e = nullptr;
  EXPECT_EQ(jc_engine_open(&e, nullptr), JC_OK) << jc_last_error();
  EXPECT_EQ(jc_engine_load_sample_org(e, kMon - 86400), JC_OK) << jc_last_error();
  e->engine->set_event_sink(sink);
  return e;
}

/// `n` submissions by one resident (so no new actor is interned), no keys, no contacts.
struct Intake {
  std::vector<const char*> actors, locations, categories, texts;
  jc_submission_columns cols = JC_SUBMISSION_COLUMNS_INIT;
  explicit Intake(std::size_t n, std::size_t bad_text = SIZE_MAX)
      : actors(n, "R-1"), locations(n, "H-G01B01-0101"), categories(n, "noise"),
        texts(n, "楼下广场舞噪音扰民，晚上十点以后仍在放音乐") {
    if (bad_text < n) texts[bad_text] = nullptr;
    cols.count = n;
    cols.actor_ids = actors.data();
    cols.locations = locations.data();
    cols.categories = categories.data();
    cols.texts = texts.data();
  }
};

TEST(CapiBulkCommitInternal, GroupIsOneAppendPerItemIsOnePerCommand) {
  CountingSink sink;
  jc_engine* e = engine_with(&sink);
  Intake in(20, 7);
  std::vector<uint64_t> ids(20);
  std::vector<jc_status> res(20);
  EXPECT_EQ(jc_engine_submit_many(ids.data(), res.data(), e, &in.cols, kMon), JC_INVALID_ARGUMENT);
  EXPECT_EQ(sink.appends, 1);
  EXPECT_EQ(sink.events, 19u);
  jc_actor_handle officer;
  const jc_actor a = {"S-1", JC_ROLE_STREET_OFFICER, "320506001"};
  ASSERT_EQ(jc_engine_resolve_actor(&officer, e, &a), JC_OK) << jc_last_error();
  EXPECT_EQ(jc_engine_execute_many(res.data(), e, &officer, JC_EVENT_ACCEPT, ids.data(), 20, kMon), JC_NOT_FOUND);
  EXPECT_EQ(sink.appends, 2);
  EXPECT_EQ(sink.events, 38u);
  // All refused: nothing to append.
  EXPECT_EQ(jc_engine_execute_many(res.data(), e, &officer, JC_EVENT_ACCEPT, ids.data(), 20, kMon),
            JC_FAILED_PRECONDITION);
  EXPECT_EQ(sink.appends, 2);

  ASSERT_EQ(jc_engine_set_bulk_commit(e, JC_BULK_COMMIT_PER_ITEM), JC_OK);
  EXPECT_EQ(jc_engine_submit_many(ids.data(), res.data(), e, &in.cols, kMon), JC_INVALID_ARGUMENT);
  EXPECT_EQ(sink.appends, 2 + 19);
  EXPECT_EQ(sink.events, 38u + 19u);
  jc_engine_free(e);
}

TEST(CapiBulkCommitInternal, FailedAppendRollsTheGroupBackAndPerItemKeepsTheFirst) {
  CountingSink sink;
  jc_engine* e = engine_with(&sink);
  const std::string before = digest(e);
  sink.fail_from = sink.appends_tried;  // the next append fails
  Intake in(12, 3);
  std::vector<uint64_t> ids(12, 5);
  std::vector<jc_status> res(12, JC_UNKNOWN);
  EXPECT_EQ(jc_engine_submit_many(ids.data(), res.data(), e, &in.cols, kMon), JC_UNAVAILABLE);
  EXPECT_EQ(std::string(jc_last_error()),
            "jc_engine_submit_many: the group commit of 11 accepted commands failed, so none is recorded: sink: "
            "injected append failure");
  for (std::size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(res[i], i == 3 ? JC_INVALID_ARGUMENT : JC_ABORTED) << i;
    EXPECT_EQ(ids[i], 0u) << i;
  }
  EXPECT_EQ(digest(e), before);
  uint64_t seq = 99;
  ASSERT_EQ(jc_engine_last_seq(&seq, e), JC_OK);
  const uint64_t seq0 = seq;

  // Per item: the sink takes four more appends, then fails.
  ASSERT_EQ(jc_engine_set_bulk_commit(e, JC_BULK_COMMIT_PER_ITEM), JC_OK);
  sink.fail_from = sink.appends_tried + 4;
  EXPECT_EQ(jc_engine_submit_many(ids.data(), res.data(), e, &in.cols, kMon), JC_INVALID_ARGUMENT);  // item 3 first
  for (std::size_t i = 0; i < 12; ++i) {
    const jc_status want = i == 3 ? JC_INVALID_ARGUMENT : i < 5 ? JC_OK : JC_UNAVAILABLE;
    EXPECT_EQ(res[i], want) << i;
    EXPECT_EQ(ids[i] != 0, i < 5 && i != 3) << i;
  }
  ASSERT_EQ(jc_engine_last_seq(&seq, e), JC_OK);
  EXPECT_EQ(seq, seq0 + 4);
  jc_engine_free(e);
}

// Every allocation of a group-committed call failing in turn: the call returns
// RESOURCE_EXHAUSTED, every item reports JC_ABORTED, and the state is as before — until
// the sweep passes the call's last allocation and it succeeds.
TEST(CapiBulkCommitInternal, OutOfMemoryAtEachAllocationRollsTheWholeCallBack) {
  CountingSink sink;
  jc_engine* e = engine_with(&sink);
  Intake in(6);
  std::vector<uint64_t> ids(6);
  std::vector<jc_status> res(6);
  ASSERT_EQ(jc_engine_submit_many(ids.data(), res.data(), e, &in.cols, kMon), JC_OK);  // warm: actor interned
  const std::string before = digest(e);
  int failures = 0;
  for (long n = 0;; ++n) {
    ASSERT_LT(n, 100000) << "the bulk call never succeeded";
    std::fill(res.begin(), res.end(), JC_UNKNOWN);
    std::fill(ids.begin(), ids.end(), 7);
    jc_test::fail_allocation_at(n);
    const jc_status rc = jc_engine_submit_many(ids.data(), res.data(), e, &in.cols, kMon);
    const bool injected = jc_test::disarm_allocation_failure();
    if (!injected) {
      ASSERT_EQ(rc, JC_OK) << jc_last_error();
      EXPECT_NE(digest(e), before);
      break;
    }
    ++failures;
    ASSERT_EQ(rc, JC_RESOURCE_EXHAUSTED) << "allocation " << n << ": " << jc_last_error();
    for (std::size_t i = 0; i < 6; ++i) {
      ASSERT_EQ(res[i], JC_ABORTED) << "allocation " << n << ", item " << i;
      ASSERT_EQ(ids[i], 0u) << "allocation " << n << ", item " << i;
    }
    ASSERT_EQ(digest(e), before) << "allocation " << n;
  }
  EXPECT_GT(failures, 3);
  jc_engine_free(e);
}

}  // namespace
