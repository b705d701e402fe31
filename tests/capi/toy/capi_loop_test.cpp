// The generic C surface on the toy loop (libjiceng_toy.so): commands by loop and event name
// with JSON payloads, queries returning JSON, the table, errors that change nothing, and
// batches that roll loop events back with the petitions'.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "../capi_test_support.hpp"
#include "jiceng.h"

namespace {

constexpr const char* kOrg = R"({"schema": "urban_grid", "units": [
 {"id": "D", "name": "区委", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "一街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "C11", "name": "甲社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "C12", "name": "乙社区", "level": 2, "kind": "community_committee", "parent": "S1"}
]})";
constexpr int64_t kT0 = 1'790'000'000;

using Str = capi_test::OwnedString;

using capi_test::snapshot;

class CapiLoops : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(jc_engine_open(&e_, nullptr), JC_OK) << jc_last_error();
    ASSERT_EQ(jc_engine_load_org(e_, kOrg, JC_NUL_TERMINATED, kT0), JC_OK) << jc_last_error();
  }
  void TearDown() override { jc_engine_free(e_); }
  jc_engine* e_ = nullptr;
  jc_actor worker_{"w1", JC_ROLE_COMMUNITY_STAFF, "C11"};
  jc_actor other_{"w2", JC_ROLE_COMMUNITY_STAFF, "C12"};
};

TEST_F(CapiLoops, LoopsAndTables) {
  Str loops;
  ASSERT_EQ(jc_engine_loops_json(&loops.p, e_), JC_OK);
  EXPECT_NE(loops.s().find("\"toy\""), std::string::npos) << loops.s();
  Str table;
  ASSERT_EQ(jc_engine_loop_table_json(&table.p, e_, "toy"), JC_OK);
  EXPECT_NE(table.s().find(R"("id_prefix":"T")"), std::string::npos) << table.s();
  EXPECT_NE(table.s().find(R"("guard":"note_valid")"), std::string::npos);
  Str none;
  EXPECT_EQ(jc_engine_loop_table_json(&none.p, e_, "lamp"), JC_NOT_FOUND);
  EXPECT_EQ(none.p, nullptr);
}

TEST_F(CapiLoops, CommandAndQuery) {
  uint64_t item = 0, seq = 0;
  ASSERT_EQ(jc_engine_command(&item, &seq, e_, "toy", "flip", 0, &worker_, R"({"unit":"C11","note":"灯"})", kT0 + 1),
            JC_OK)
      << jc_last_error();
  EXPECT_EQ(item, 1u);
  uint64_t last = 0;
  ASSERT_EQ(jc_engine_last_seq(&last, e_), JC_OK);
  EXPECT_EQ(seq, last);
  ASSERT_EQ(jc_engine_command(nullptr, nullptr, e_, "toy", "flip", 1, &worker_, nullptr, kT0 + 2), JC_OK);
  Str got;
  ASSERT_EQ(jc_engine_query(&got.p, e_, "toy", "get", R"({"item":"T00000001"})"), JC_OK) << jc_last_error();
  EXPECT_NE(got.s().find(R"("state":"off")"), std::string::npos) << got.s();
  EXPECT_NE(got.s().find(R"("flips":2)"), std::string::npos) << got.s();
  Str counts;
  ASSERT_EQ(jc_engine_query(&counts.p, e_, "toy", "counts", nullptr), JC_OK);
  EXPECT_EQ(counts.s(), R"({"off":1,"on":0})");
}

TEST_F(CapiLoops, ErrorsAreCodesAndChangeNothing) {
  ASSERT_EQ(jc_engine_command(nullptr, nullptr, e_, "toy", "flip", 0, &worker_, R"({"unit":"C11"})", kT0), JC_OK);
  const std::string before = snapshot(e_);
  const jc_actor system{"system", JC_ROLE_SYSTEM, nullptr};
  const jc_actor bad_role{"x", 99, "C11"};
  const char bad_utf8[] = {'{', '"', 'n', '"', ':', '"', '\xff', '"', '}', 0};
  struct Case {
    const char* what;
    jc_status got, want;
  } cases[] = {
      {"NULL engine", jc_engine_command(nullptr, nullptr, nullptr, "toy", "flip", 1, &worker_, nullptr, kT0 + 1),
       JC_INVALID_ARGUMENT},
      {"NULL loop", jc_engine_command(nullptr, nullptr, e_, nullptr, "flip", 1, &worker_, nullptr, kT0 + 1),
       JC_INVALID_ARGUMENT},
      {"NULL event", jc_engine_command(nullptr, nullptr, e_, "toy", nullptr, 1, &worker_, nullptr, kT0 + 1),
       JC_INVALID_ARGUMENT},
      {"NULL actor", jc_engine_command(nullptr, nullptr, e_, "toy", "flip", 1, nullptr, nullptr, kT0 + 1),
       JC_INVALID_ARGUMENT},
      {"bad role", jc_engine_command(nullptr, nullptr, e_, "toy", "flip", 1, &bad_role, nullptr, kT0 + 1),
       JC_INVALID_ARGUMENT},
      {"invalid UTF-8", jc_engine_command(nullptr, nullptr, e_, "toy", "flip", 1, &worker_, bad_utf8, kT0 + 1),
       JC_INVALID_ARGUMENT},
      {"unknown loop", jc_engine_command(nullptr, nullptr, e_, "lamp", "flip", 1, &worker_, nullptr, kT0 + 1),
       JC_NOT_FOUND},
      {"unknown item", jc_engine_command(nullptr, nullptr, e_, "toy", "flip", 5, &worker_, nullptr, kT0 + 1),
       JC_NOT_FOUND},
      {"other community", jc_engine_command(nullptr, nullptr, e_, "toy", "flip", 1, &other_, nullptr, kT0 + 1),
       JC_PERMISSION_DENIED},
      {"system claimed", jc_engine_command(nullptr, nullptr, e_, "toy", "flip", 1, &system, nullptr, kT0 + 1),
       JC_PERMISSION_DENIED},
      {"a float", jc_engine_command(nullptr, nullptr, e_, "toy", "flip", 1, &worker_, R"({"x":0.5})", kT0 + 1),
       JC_INVALID_ARGUMENT},
      {"time before", jc_engine_command(nullptr, nullptr, e_, "toy", "flip", 1, &worker_, nullptr, kT0 - 1),
       JC_INVALID_ARGUMENT},
  };
  for (const auto& c : cases) EXPECT_EQ(c.got, c.want) << c.what;
  EXPECT_EQ(snapshot(e_), before);
  Str q;
  EXPECT_EQ(jc_engine_query(&q.p, e_, "toy", "get", R"({"item":42})"), JC_NOT_FOUND);
  EXPECT_NE(std::string(jc_last_error()).find("T00000042"), std::string::npos) << jc_last_error();
  EXPECT_EQ(jc_engine_query(&q.p, e_, "toy", "nope", nullptr), JC_NOT_FOUND);
  EXPECT_EQ(jc_engine_query(nullptr, e_, "toy", "counts", nullptr), JC_INVALID_ARGUMENT);
  EXPECT_EQ(q.p, nullptr);
}

jc_status flip_then_fail(jc_engine* e, void* user) {
  const jc_actor* a = static_cast<const jc_actor*>(user);
  if (jc_engine_command(nullptr, nullptr, e, "toy", "flip", 1, a, nullptr, kT0 + 5) != JC_OK) return JC_INTERNAL;
  if (jc_engine_command(nullptr, nullptr, e, "toy", "flip", 0, a, R"({"unit":"C11"})", kT0 + 5) != JC_OK) {
    return JC_INTERNAL;
  }
  return JC_ABORTED;
}

TEST_F(CapiLoops, ABatchRollsLoopEventsBack) {
  ASSERT_EQ(jc_engine_command(nullptr, nullptr, e_, "toy", "flip", 0, &worker_, R"({"unit":"C11"})", kT0), JC_OK);
  const std::string before = snapshot(e_);
  EXPECT_EQ(jc_engine_batch(e_, &flip_then_fail, &worker_), JC_ABORTED);
  EXPECT_EQ(snapshot(e_), before);
}

TEST_F(CapiLoops, ReplayedThroughTheJournal) {
  char path[] = "/tmp/jiceng_capi_loop_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::remove(path);
  jc_engine_options opts = JC_ENGINE_OPTIONS_INIT;
  opts.journal = path;
  std::string digest;
  {
    jc_engine* d = nullptr;
    ASSERT_EQ(jc_engine_open(&d, &opts), JC_OK) << jc_last_error();
    ASSERT_EQ(jc_engine_load_org(d, kOrg, JC_NUL_TERMINATED, kT0), JC_OK);
    ASSERT_EQ(jc_engine_command(nullptr, nullptr, d, "toy", "flip", 0, &worker_, R"({"unit":"C11"})", kT0 + 1), JC_OK);
    ASSERT_EQ(jc_engine_command(nullptr, nullptr, d, "toy", "flip", 1, &worker_, nullptr, kT0 + 2), JC_OK);
    digest = snapshot(d);
    jc_engine_free(d);
  }
  jc_engine* d = nullptr;
  ASSERT_EQ(jc_engine_open(&d, &opts), JC_OK) << jc_last_error();
  EXPECT_EQ(snapshot(d), digest);
  Str got;
  ASSERT_EQ(jc_engine_query(&got.p, d, "toy", "get", R"({"item":1})"), JC_OK);
  EXPECT_NE(got.s().find(R"("state":"off")"), std::string::npos);
  jc_engine_free(d);
  std::remove(path);
}

}  // namespace
