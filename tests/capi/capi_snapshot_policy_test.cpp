// The snapshot policy through the C ABI (issue 24): jc_engine_set_snapshot_policy makes a
// durable engine write a snapshot every N events, after the command that makes one due;
// a negative interval is refused naming the function and changes nothing; an engine
// without a journal has no policy.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "capi_test_support.hpp"
#include "jiceng.h"

namespace {

using namespace capi_test;

uint64_t submit_one(jc_engine* e, int64_t now) {
  const jc_submission s = sample_submission();
  uint64_t id = 0;
  EXPECT_EQ(jc_engine_submit(&id, e, &kResident, &s, now), JC_OK) << jc_last_error();
  return id;
}

struct Snapshots {
  uint64_t count = 0, latest = 0;
};

std::string policy_json(jc_engine* e) {
  char* out = nullptr;
  EXPECT_EQ(jc_engine_snapshot_policy_json(&out, e), JC_OK) << jc_last_error();
  std::string s = out == nullptr ? "" : out;
  jc_string_free(out);
  return s;
}

Snapshots snapshots_of(const std::string& path) {
  jc_journal* j = nullptr;
  jc_journal_options jo;
  EXPECT_EQ(jc_journal_options_init(&jo, JC_JOURNAL_OPTIONS_VERSION), JC_OK);
  jo.read_only = 1;
  EXPECT_EQ(jc_journal_open(&j, path.c_str(), &jo), JC_OK) << jc_last_error();
  Snapshots s;
  jc_chain_report r;
  EXPECT_EQ(jc_journal_verify(&r, j), JC_OK) << jc_last_error();
  s.count = r.snapshots;
  s.latest = r.has_snapshot ? r.latest_snapshot : 0;
  jc_journal_free(j);
  return s;
}

TEST(CapiSnapshotPolicy, EveryNEventsAfterTheCommandThatMakesOneDue) {
  const std::string path = temp_path("policy.db");
  jc_engine_options o = journal_options(path);
  jc_engine* e = nullptr;
  ASSERT_OK(jc_engine_open(&e, &o));
  EXPECT_EQ(policy_json(e), R"({"every_events":1000000,"every_seconds":86400,"last_error":null})") << "the default";
  ASSERT_OK(jc_engine_set_snapshot_policy(e, 4, 0));
  EXPECT_EQ(policy_json(e), R"({"every_events":4,"every_seconds":0,"last_error":null})");
  ASSERT_OK(jc_engine_load_sample_org(e, kMon - 86400));
  const uint64_t first = last_seq(e);
  uint64_t expected = 0, latest = 0, base = 0;
  // The rule: after each command, a snapshot once 4 events came since the newest one.
  auto submit_and_expect = [&](int64_t now) {
    submit_one(e, now);
    if (last_seq(e) - base >= 4) {
      base = last_seq(e);
      latest = base;
      ++expected;
    }
  };
  for (int i = 0; i < 10; ++i) submit_and_expect(kMon + i);
  ASSERT_GT(last_seq(e), first);
  ASSERT_GE(expected, 2u);

  // A negative interval: refused, naming the function; the policy in force stays.
  const std::string before = digest(e);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_set_snapshot_policy(e, 4, -1));
  EXPECT_ERROR_HAS("jc_engine_set_snapshot_policy: every_seconds -1 is negative");
  EXPECT_EQ(digest(e), before);
  EXPECT_EQ(policy_json(e), R"({"every_events":4,"every_seconds":0,"last_error":null})") << "unchanged";
  const uint64_t count_before = expected;
  for (int i = 0; i < 4; ++i) submit_and_expect(kMon + 100 + i);
  EXPECT_EQ(expected, count_before + 1) << "every 4 events is still in force";

  // Off: snapshots only on command.
  ASSERT_OK(jc_engine_set_snapshot_policy(e, 0, 0));
  for (int i = 0; i < 9; ++i) submit_one(e, kMon + 200 + i);
  jc_engine_free(e);

  const Snapshots s = snapshots_of(path);
  EXPECT_EQ(s.count, expected);
  EXPECT_EQ(s.latest, latest);

  jc_engine* mem = nullptr;
  ASSERT_OK(jc_engine_open(&mem, nullptr));
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_set_snapshot_policy(mem, 4, 0));
  EXPECT_ERROR_HAS("jc_engine_set_snapshot_policy");
  char* none = nullptr;
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_snapshot_policy_json(&none, mem));
  EXPECT_ERROR_HAS("jc_engine_snapshot_policy_json");
  EXPECT_EQ(none, nullptr);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_snapshot_policy_json(nullptr, mem));
  jc_engine_free(mem);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_set_snapshot_policy(nullptr, 4, 0));
}

}  // namespace
