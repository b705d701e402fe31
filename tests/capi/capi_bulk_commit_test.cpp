// Tests of the bulk calls' commit (批量提交, jc_engine_set_bulk_commit) on a real journal:
// group commit makes one transaction per call and a failed commit leaves the state exactly
// as before; per-item commit keeps the items before a failed one; a bulk call inside
// jc_engine_batch joins the batch; concurrent bulk calls each commit once. The journal
// file is instrumented through SQLite while the engine is closed: a trigger on the head
// row (updated once per append) counts transactions, and a trigger on the event rows
// makes the append of one seq fail.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "capi_test_support.hpp"
#include "jiceng.h"

namespace {

using namespace capi_test;

void sql(const std::string& path, const std::string& text) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

int64_t sql_int(const std::string& path, const char* query) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, query, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

jc_engine* open_journal(const std::string& path) {
  jc_engine_options o = journal_options(path);
  jc_engine* e = nullptr;
  EXPECT_EQ(jc_engine_open(&e, &o), JC_OK) << jc_last_error();
  return e;
}

/// A durable engine on a fresh journal at `path` holding the sample district, reopened
/// with a commit counter (table `commits`, one row per journal transaction) and, when
/// `fail_at` is non-zero, a trigger that makes the insert of the `fail_at`-th next row fail.
/// With `copy_to`, the instrumented file is copied there first: a journal records its
/// opening time, so two journals compare equal only when one is a copy of the other.
jc_engine* instrumented_engine(const std::string& path, int64_t fail_at = 0, const std::string& copy_to = "") {
  jc_engine_options o = journal_options(path);
  jc_engine* e = nullptr;
  EXPECT_EQ(jc_engine_open(&e, &o), JC_OK) << jc_last_error();
  EXPECT_EQ(jc_engine_load_sample_org(e, kMon - 86400), JC_OK) << jc_last_error();
  const int64_t fail_seq = fail_at == 0 ? 0 : static_cast<int64_t>(last_seq(e)) + fail_at;
  jc_engine_free(e);
  sql(path,
      "CREATE TABLE commits(n INTEGER PRIMARY KEY, seq INTEGER NOT NULL);"
      "CREATE TRIGGER count_commits AFTER UPDATE ON head BEGIN INSERT INTO commits(seq) VALUES (NEW.seq); END;");
  if (fail_seq != 0) {
    sql(path, "CREATE TRIGGER fail_one BEFORE INSERT ON events WHEN NEW.seq = " + std::to_string(fail_seq) +
                  " BEGIN SELECT RAISE(ABORT, 'injected append failure'); END;");
  }
  if (!copy_to.empty()) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(copy_to + suffix);
      if (std::filesystem::exists(path + suffix)) std::filesystem::copy_file(path + suffix, copy_to + suffix);
    }
  }
  return open_journal(path);
}

int64_t commits(const std::string& path) { return sql_int(path, "SELECT count(*) FROM commits"); }

int state_of(jc_engine* e, uint64_t id) {
  int s = -1;
  EXPECT_EQ(jc_engine_state(&s, e, id), JC_OK) << jc_last_error();
  return s;
}

/// `n` resident submissions at the sample household; element `bad_text` (if < n) has a
/// NULL text and element `bad_location` (if < n) an unknown location, so both are refused.
struct Intake {
  std::vector<std::string> actor_store, text_store;
  std::vector<const char*> actors, locations, categories, texts;
  jc_submission_columns cols = JC_SUBMISSION_COLUMNS_INIT;
  Intake(std::size_t n, const char* tag, std::size_t bad_text = SIZE_MAX, std::size_t bad_location = SIZE_MAX) {
    for (std::size_t i = 0; i < n; ++i) {
      actor_store.push_back("R-" + std::to_string(i));
      text_store.push_back(std::string(tag) + " 噪音 " + std::to_string(i));
    }
    for (std::size_t i = 0; i < n; ++i) {
      actors.push_back(actor_store[i].c_str());
      locations.push_back(i == bad_location ? "H-nowhere" : kHousehold);
      categories.push_back("noise");
      texts.push_back(i == bad_text ? nullptr : text_store[i].c_str());
    }
    cols.count = n;
    cols.actor_ids = actors.data();
    cols.locations = locations.data();
    cols.categories = categories.data();
    cols.texts = texts.data();
  }
};

/// What one run of the bulk loop gives: each call's per-item results, the state digest.
struct LoopOutcome {
  std::vector<std::vector<jc_status>> results;
  std::vector<jc_status> returns;
  std::vector<uint64_t> ids;
  std::string digest;
};

/// The closed loop in bulk calls: 40 submissions (2 refused), then accept (over all 40
/// ids, so the refused ones' 0 is refused again), dispatch, sign, resolve with text (one
/// petition left out), evaluate.
LoopOutcome bulk_loop(jc_engine* e) {
  LoopOutcome r;
  constexpr std::size_t n = 40;
  Intake in(n, "loop", 5, 17);
  r.ids.assign(n, 99);
  std::vector<jc_status> res(n, JC_UNKNOWN);
  r.returns.push_back(jc_engine_submit_many(r.ids.data(), res.data(), e, &in.cols, kMon));
  r.results.push_back(res);
  jc_actor_handle officer;
  EXPECT_EQ(jc_engine_resolve_actor(&officer, e, &kStreetOfficer), JC_OK) << jc_last_error();
  int64_t t = kMon + kHour;
  for (int ev : {JC_EVENT_ACCEPT, JC_EVENT_DISPATCH, JC_EVENT_SIGN}) {
    std::fill(res.begin(), res.end(), JC_UNKNOWN);
    r.returns.push_back(jc_engine_execute_many(res.data(), e, &officer, ev, r.ids.data(), n, t));
    r.results.push_back(res);
    t += kHour;
  }
  std::vector<const char*> answers(n, "已处理");
  answers[9] = "\xC0\xAF";  // not UTF-8: refused by the wrapper
  std::fill(res.begin(), res.end(), JC_UNKNOWN);
  r.returns.push_back(
      jc_engine_execute_text_many(res.data(), e, &officer, JC_EVENT_RESOLVE, r.ids.data(), answers.data(), n, t));
  r.results.push_back(res);
  std::vector<jc_evaluation> evs(n, jc_evaluation{1, 1, JC_SATISFIED});
  std::fill(res.begin(), res.end(), JC_UNKNOWN);
  r.returns.push_back(jc_engine_evaluate_many(res.data(), e, &officer, r.ids.data(), evs.data(), n, t + kHour));
  r.results.push_back(res);
  r.digest = digest(e);
  return r;
}

std::size_t accepted(const std::vector<jc_status>& results) {
  return static_cast<std::size_t>(std::count(results.begin(), results.end(), JC_OK));
}

TEST(CapiBulkCommit, ModeIsPerEngineGroupByDefault) {
  jc_engine* e = nullptr;
  ASSERT_OK(jc_engine_open(&e, nullptr));
  int mode = -1;
  ASSERT_OK(jc_engine_bulk_commit(&mode, e));
  EXPECT_EQ(mode, JC_BULK_COMMIT_GROUP);
  ASSERT_OK(jc_engine_set_bulk_commit(e, JC_BULK_COMMIT_PER_ITEM));
  ASSERT_OK(jc_engine_bulk_commit(&mode, e));
  EXPECT_EQ(mode, JC_BULK_COMMIT_PER_ITEM);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_set_bulk_commit(e, 2));
  EXPECT_NE(last_error().find("jc_engine_set_bulk_commit: mode 2 is not a jc_bulk_commit"), std::string::npos)
      << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_set_bulk_commit(e, -1));
  ASSERT_OK(jc_engine_bulk_commit(&mode, e));
  EXPECT_EQ(mode, JC_BULK_COMMIT_PER_ITEM);  // a refused setting changes nothing
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_set_bulk_commit(nullptr, JC_BULK_COMMIT_GROUP));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_bulk_commit(nullptr, e));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_bulk_commit(&mode, nullptr));
  jc_engine* other = nullptr;
  ASSERT_OK(jc_engine_open(&other, nullptr));
  ASSERT_OK(jc_engine_bulk_commit(&mode, other));
  EXPECT_EQ(mode, JC_BULK_COMMIT_GROUP);  // each engine has its own
  jc_engine_free(other);
  jc_engine_free(e);
}

// The same loop under both modes: the same per-item results and the same final state;
// group commit writes one transaction per call, per-item commit one per accepted command.
TEST(CapiBulkCommit, GroupCommitIsOneTransactionPerCallWithPerItemResultsUnchanged) {
  const std::string gpath = temp_path("bulk_group.db"), ppath = temp_path("bulk_per_item.db");
  jc_engine* g = instrumented_engine(gpath, 0, ppath);
  jc_engine* p = open_journal(ppath);
  ASSERT_OK(jc_engine_set_bulk_commit(p, JC_BULK_COMMIT_PER_ITEM));
  const uint64_t g0 = last_seq(g);
  const LoopOutcome group = bulk_loop(g);
  const LoopOutcome per_item = bulk_loop(p);

  EXPECT_EQ(group.results, per_item.results);
  EXPECT_EQ(group.returns, per_item.returns);
  EXPECT_EQ(group.ids, per_item.ids);
  EXPECT_EQ(group.digest, per_item.digest);
  // Per-item acceptance as expected: two bad submissions, and their id 0 refused after.
  EXPECT_EQ(group.returns[0], JC_INVALID_ARGUMENT);
  EXPECT_EQ(group.results[0][5], JC_INVALID_ARGUMENT);
  EXPECT_EQ(group.results[0][17], JC_NOT_FOUND);
  EXPECT_EQ(group.ids[5], 0u);
  EXPECT_EQ(accepted(group.results[0]), 38u);
  EXPECT_EQ(group.results[1][5], JC_NOT_FOUND);
  EXPECT_EQ(accepted(group.results[1]), 38u);
  EXPECT_EQ(group.results[4][9], JC_INVALID_ARGUMENT);
  EXPECT_EQ(accepted(group.results[4]), 37u);
  EXPECT_EQ(group.results[5][9], JC_FAILED_PRECONDITION);  // not resolved, so not evaluated
  EXPECT_EQ(state_of(g, group.ids[0]), JC_STATE_CLOSED);
  EXPECT_EQ(state_of(g, group.ids[9]), JC_STATE_IN_PROGRESS);

  std::size_t events = 0;
  for (const auto& r : group.results) events += accepted(r);
  EXPECT_EQ(last_seq(g) - g0, events);
  EXPECT_EQ(commits(gpath), 6);  // six calls, six transactions
  EXPECT_EQ(commits(ppath), static_cast<int64_t>(events));

  // The journal holds what memory holds.
  jc_engine_free(g);
  jc_engine_free(p);
  jc_engine_options o = journal_options(gpath);
  jc_engine* reopened = nullptr;
  ASSERT_OK(jc_engine_open(&reopened, &o));
  EXPECT_EQ(digest(reopened), group.digest);
  jc_engine_free(reopened);
}

// A bulk call whose one append fails: every accepted item reports JC_ABORTED, the refused
// ones keep their status, ids are 0, the call returns the commit's status and the state —
// in memory and on disk — is exactly as before. Without the failure the same call passes.
TEST(CapiBulkCommit, FailedGroupCommitChangesNothing) {
  const std::string path = temp_path("bulk_fail.db");
  jc_engine* e = instrumented_engine(path, 3);  // the third accepted item's row fails
  const uint64_t seq0 = last_seq(e);
  const std::string before = digest(e);
  const int64_t commits_before = commits(path);

  Intake in(10, "fail", 1);
  std::vector<uint64_t> ids(10, 99);
  std::vector<jc_status> res(10, JC_UNKNOWN);
  const jc_status rc = jc_engine_submit_many(ids.data(), res.data(), e, &in.cols, kMon);
  EXPECT_NE(rc, JC_OK);
  EXPECT_NE(rc, JC_ABORTED);
  EXPECT_NE(last_error().find("jc_engine_submit_many: the group commit of 9 accepted commands failed, so none is "
                              "recorded"),
            std::string::npos)
      << last_error();
  EXPECT_NE(last_error().find("injected append failure"), std::string::npos) << last_error();
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(res[i], i == 1 ? JC_INVALID_ARGUMENT : JC_ABORTED) << i;
    EXPECT_EQ(ids[i], 0u) << i;
  }
  EXPECT_EQ(digest(e), before);
  EXPECT_EQ(last_seq(e), seq0);
  EXPECT_EQ(commits(path), commits_before);
  uint64_t count = 99;
  EXPECT_STATUS(JC_OK, jc_engine_by_state(nullptr, 0, &count, e, JC_STATE_RECEIVED));
  EXPECT_EQ(count, 0u);

  // Results may be NULL: the call still rolls back as a whole.
  EXPECT_NE(jc_engine_submit_many(ids.data(), nullptr, e, &in.cols, kMon), JC_OK);
  EXPECT_EQ(digest(e), before);

  // Two petitions go in (rows seq0+1 and seq0+2); a bulk accept of both (and of an unknown
  // id) then fails at its first row, seq0+3, so neither accept stays.
  Intake two(2, "two");
  ASSERT_OK(jc_engine_submit_many(ids.data(), res.data(), e, &two.cols, kMon));
  const std::string two_in = digest(e);
  const uint64_t three[3] = {ids[0], 4242, ids[1]};
  jc_actor_handle officer;
  ASSERT_OK(jc_engine_resolve_actor(&officer, e, &kStreetOfficer));
  const jc_status arc = jc_engine_execute_many(res.data(), e, &officer, JC_EVENT_ACCEPT, three, 3, kMon + kHour);
  EXPECT_EQ(arc, rc);
  EXPECT_EQ(res[0], JC_ABORTED);
  EXPECT_EQ(res[1], JC_NOT_FOUND);
  EXPECT_EQ(res[2], JC_ABORTED);
  EXPECT_EQ(state_of(e, ids[0]), JC_STATE_RECEIVED);
  EXPECT_EQ(digest(e), two_in);
  // The text and evaluation calls roll back the same way.
  const char* reasons[2] = {"不属于受理范围", "不属于受理范围"};
  const uint64_t pair[2] = {ids[0], ids[1]};
  EXPECT_EQ(jc_engine_execute_text_many(res.data(), e, &officer, JC_EVENT_REJECT, pair, reasons, 2, kMon + kHour), rc);
  EXPECT_EQ(res[0], JC_ABORTED);
  EXPECT_EQ(res[1], JC_ABORTED);
  EXPECT_EQ(digest(e), two_in);

  // On disk too: a reopened engine has the state as before the failed calls.
  jc_engine_free(e);
  jc_engine_options o = journal_options(path);
  ASSERT_OK(jc_engine_open(&e, &o));
  EXPECT_EQ(digest(e), two_in);
  jc_engine_free(e);
  // Without the trigger the same accept goes through in one transaction.
  sql(path, "DROP TRIGGER fail_one;");
  ASSERT_OK(jc_engine_open(&e, &o));
  ASSERT_OK(jc_engine_resolve_actor(&officer, e, &kStreetOfficer));
  const int64_t c0 = commits(path);
  EXPECT_EQ(jc_engine_execute_many(res.data(), e, &officer, JC_EVENT_ACCEPT, three, 3, kMon + kHour), JC_NOT_FOUND);
  EXPECT_EQ(res[0], JC_OK);
  EXPECT_EQ(res[2], JC_OK);
  EXPECT_EQ(commits(path), c0 + 1);
  EXPECT_EQ(state_of(e, ids[1]), JC_STATE_ACCEPTED);
  jc_engine_free(e);
}

// Per-item commit: each accepted command is its own transaction, so a failed append fails
// that item (and, here, the later ones, which need the same seq) and keeps those before.
TEST(CapiBulkCommit, PerItemCommitKeepsTheItemsBeforeAFailedAppend) {
  const std::string path = temp_path("bulk_per_item_fail.db");
  jc_engine* e = instrumented_engine(path, 4);
  const uint64_t seq0 = last_seq(e);
  ASSERT_OK(jc_engine_set_bulk_commit(e, JC_BULK_COMMIT_PER_ITEM));
  const int64_t c0 = commits(path);
  Intake in(6, "per-item");
  std::vector<uint64_t> ids(6, 99);
  std::vector<jc_status> res(6, JC_UNKNOWN);
  const jc_status rc = jc_engine_submit_many(ids.data(), res.data(), e, &in.cols, kMon);
  EXPECT_NE(rc, JC_OK);
  EXPECT_NE(last_error().find("injected append failure"), std::string::npos) << last_error();
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(res[i], i < 3 ? JC_OK : rc) << i;
    EXPECT_EQ(ids[i] != 0, i < 3) << i;
  }
  EXPECT_EQ(last_seq(e), seq0 + 3);
  EXPECT_EQ(commits(path), c0 + 3);
  const std::string kept = digest(e);
  jc_engine_free(e);
  jc_engine_options o = journal_options(path);
  ASSERT_OK(jc_engine_open(&e, &o));
  EXPECT_EQ(digest(e), kept);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(state_of(e, ids[i]), JC_STATE_RECEIVED);
  jc_engine_free(e);
}

struct BatchWork {
  Intake* intake;
  uint64_t* ids;
  jc_status* results;
  jc_status submit_rc = JC_UNKNOWN;
  jc_status accept_rc = JC_UNKNOWN;
  jc_status outcome = JC_OK;  // what the batch function returns
};

jc_status bulk_in_batch(jc_engine* e, void* user) {
  auto* w = static_cast<BatchWork*>(user);
  w->submit_rc = jc_engine_submit_many(w->ids, w->results, e, &w->intake->cols, kMon);
  jc_actor_handle officer;
  if (jc_engine_resolve_actor(&officer, e, &kStreetOfficer) != JC_OK) return JC_INTERNAL;
  w->accept_rc = jc_engine_execute_many(nullptr, e, &officer, JC_EVENT_ACCEPT, w->ids, w->intake->cols.count,
                                        kMon + kHour);
  return w->outcome;
}

// Inside jc_engine_batch (batches do not nest) bulk calls in either mode join the batch:
// one transaction for the batch; a failing batch takes their items back with it.
TEST(CapiBulkCommit, BulkCallsInsideABatchJoinIt) {
  for (int mode : {JC_BULK_COMMIT_GROUP, JC_BULK_COMMIT_PER_ITEM}) {
    SCOPED_TRACE(mode);
    const std::string path = temp_path("bulk_batch.db");
    jc_engine* e = instrumented_engine(path);
    ASSERT_OK(jc_engine_set_bulk_commit(e, mode));
    const std::string before = digest(e);
    const int64_t c0 = commits(path);
    Intake in(8, "batch");
    std::vector<uint64_t> ids(8, 0);
    std::vector<jc_status> res(8, JC_UNKNOWN);
    BatchWork w{&in, ids.data(), res.data()};
    w.outcome = JC_CANCELLED;
    EXPECT_STATUS(JC_CANCELLED, jc_engine_batch(e, bulk_in_batch, &w));
    EXPECT_EQ(w.submit_rc, JC_OK);  // accepted into the batch ...
    EXPECT_EQ(w.accept_rc, JC_OK);
    EXPECT_EQ(digest(e), before);  // ... and rolled back with it
    EXPECT_EQ(commits(path), c0);

    w.outcome = JC_OK;
    ASSERT_OK(jc_engine_batch(e, bulk_in_batch, &w));
    EXPECT_EQ(w.submit_rc, JC_OK);
    EXPECT_EQ(w.accept_rc, JC_OK);
    EXPECT_EQ(commits(path), c0 + 1);  // the batch's one transaction
    for (uint64_t id : ids) EXPECT_EQ(state_of(e, id), JC_STATE_ACCEPTED);
    jc_engine_free(e);
  }
}

// Threads share one durable engine and each issues group-committed bulk calls: each call
// is one transaction and, since it holds the writer lock from its first item to its
// commit, its petitions get consecutive ids; readers run meanwhile.
TEST(CapiBulkCommit, ConcurrentBulkCallsCommitOncePerCall) {
  const std::string path = temp_path("bulk_threads.db");
  jc_engine* e = instrumented_engine(path);
  const int64_t c0 = commits(path);
  const uint64_t seq0 = last_seq(e);
  constexpr int kThreads = 4, kCalls = 5;
  constexpr std::size_t kItems = 50;
  std::vector<std::vector<uint64_t>> ids(kThreads * kCalls, std::vector<uint64_t>(kItems, 0));
  std::vector<jc_status> rcs(kThreads * kCalls, JC_UNKNOWN);
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done.load()) {
      uint64_t s = 0;
      if (jc_engine_last_seq(&s, e) != JC_OK || s < seq0) ADD_FAILURE() << "reader saw seq " << s;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int c = 0; c < kCalls; ++c) {
        Intake in(kItems, ("t" + std::to_string(t)).c_str());
        const int k = t * kCalls + c;
        rcs[k] = jc_engine_submit_many(ids[k].data(), nullptr, e, &in.cols, kMon);
      }
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  reader.join();
  for (int k = 0; k < kThreads * kCalls; ++k) {
    EXPECT_EQ(rcs[k], JC_OK) << k;
    for (std::size_t i = 1; i < kItems; ++i) EXPECT_EQ(ids[k][i], ids[k][0] + i) << k;
  }
  EXPECT_EQ(commits(path), c0 + kThreads * kCalls);
  EXPECT_EQ(last_seq(e), seq0 + kThreads * kCalls * kItems);
  jc_engine_free(e);
}

}  // namespace
