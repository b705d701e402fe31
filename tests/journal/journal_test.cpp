// Tests of jiceng::Journal (the Engine-free layer): append and replay, the hash chain and
// its tamper detection, snapshots, errors (disk full, read-only, locked, foreign file,
// another writer) with the in-memory head unchanged, concurrency, and the SIGKILL crash
// test with a child process.
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "jiceng/journal.hpp"
#include "journal/test_util.hpp"

namespace jiceng {
namespace {

using test::make_records;
using test::read_all;
using test::Row;
using test::TempDir;
using ::testing::HasSubstr;

// Runs SQL directly on the file, bypassing the journal (how the tamper tests edit it).
void raw_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

TEST(Journal, AppendReplayAndReopen) {
  TempDir dir;
  const std::string path = dir.file("j.db");
  auto a = make_records(1, 1), b = make_records(250, 2);
  {
    auto j = Journal::open(path);
    ASSERT_TRUE(j.ok()) << j.status();
    EXPECT_EQ((*j)->last_seq(), 0u);
    EXPECT_EQ((*j)->head(), ChainHash{});
    auto r1 = (*j)->append(a);
    ASSERT_TRUE(r1.ok()) << r1.status();
    EXPECT_EQ(r1->first_seq, 1u);
    EXPECT_EQ(r1->last_seq, 1u);
    auto r2 = (*j)->append(b);
    ASSERT_TRUE(r2.ok()) << r2.status();
    EXPECT_EQ(r2->first_seq, 2u);
    EXPECT_EQ(r2->last_seq, 251u);
    auto empty = (*j)->append({});
    ASSERT_TRUE(empty.ok());
    EXPECT_EQ(empty->first_seq, 252u);
    EXPECT_EQ(empty->last_seq, 251u);
    EXPECT_EQ((*j)->last_seq(), 251u);
  }
  auto j = Journal::open(path);
  ASSERT_TRUE(j.ok()) << j.status();
  EXPECT_EQ((*j)->last_seq(), 251u);
  std::vector<JournalRecord> all = a;
  all.insert(all.end(), b.begin(), b.end());
  auto rows = read_all(**j);
  ASSERT_EQ(rows.size(), all.size());
  ChainHash prev{};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].seq, i + 1);
    EXPECT_EQ(rows[i].time, all[i].time);
    EXPECT_EQ(rows[i].type, all[i].type);
    EXPECT_EQ(rows[i].payload, all[i].payload);  // embedded NULs survive
    // The stored hash is the documented layout, computed independently.
    const ChainHash expect = chain_hash(prev, i + 1, all[i].time, all[i].type, all[i].payload);
    EXPECT_EQ(rows[i].hash, expect) << "seq " << i + 1;
    prev = expect;
  }
  EXPECT_EQ((*j)->head(), prev);
  auto tail = read_all(**j, 249);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].seq, 250u);
  auto report = (*j)->verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->events, 251u);
  EXPECT_EQ(report->head, prev);
  // Appending after reopen continues the chain.
  auto r3 = (*j)->append(make_records(2, 3));
  ASSERT_TRUE(r3.ok());
  EXPECT_EQ(r3->first_seq, 252u);
  EXPECT_TRUE((*j)->verify().ok());
}

TEST(Journal, HashLayoutIsSensitiveToEveryField) {
  const ChainHash zero{};
  const ChainHash h = chain_hash(zero, 1, 5, "submit", "p");
  EXPECT_NE(h, chain_hash(zero, 2, 5, "submit", "p"));
  EXPECT_NE(h, chain_hash(zero, 1, 6, "submit", "p"));
  EXPECT_NE(h, chain_hash(zero, 1, 5, "submi", "tp"));  // length prefix keeps type/payload apart
  EXPECT_NE(h, chain_hash(zero, 1, 5, "submit", "q"));
  ChainHash other{};
  other[0] = 1;
  EXPECT_NE(h, chain_hash(other, 1, 5, "submit", "p"));
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Journal, BadRecordIsRejectedAndChangesNothing) {
  TempDir dir;
  auto j = Journal::open(dir.file("j.db"));
  ASSERT_TRUE(j.ok());
  ASSERT_TRUE((*j)->append(make_records(3, 1)).ok());
  const ChainHash head = (*j)->head();
  auto recs = make_records(3, 2);
  recs[2].type = "Bad Type";
  auto r = (*j)->append(recs);
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("journal record 2"));
  recs[2].type = "";
  EXPECT_EQ((*j)->append(recs).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*j)->last_seq(), 3u);
  EXPECT_EQ((*j)->head(), head);
  EXPECT_EQ(read_all(**j).size(), 3u);
}

// Each tampering is done on a closed journal through the SQLite C API; verify() and
// replay() must both report DATA_LOSS naming the first bad seq.
struct Tamper {
  const char* name;
  std::string sql;
  std::string expect;  // substring of the message
};

TEST(Journal, TamperingIsDetectedAtTheFirstBadSeq) {
  const std::vector<Tamper> cases = {
      {"edit payload", "UPDATE events SET payload = x'00' WHERE seq = 7", "seq 7: hash mismatch"},
      {"edit time", "UPDATE events SET time = time + 1 WHERE seq = 4", "seq 4: hash mismatch"},
      {"edit type", "UPDATE events SET type = 'close' WHERE seq = 9", "seq 9: hash mismatch"},
      {"edit hash", "UPDATE events SET hash = zeroblob(32) WHERE seq = 5", "seq 5: hash mismatch"},
      // Row 3 replaced by a copy of row 2 (content and hash): caught at 3, whose hash
      // was not computed over seq 3 and row 2's hash.
      {"copy a row", "UPDATE events SET (time, type, payload, hash) = (SELECT time, type, payload, hash"
       " FROM events WHERE seq = 2) WHERE seq = 3",
       "seq 3: hash mismatch"},
      {"delete middle", "DELETE FROM events WHERE seq = 6", "seq 6 is missing"},
      {"delete range", "DELETE FROM events WHERE seq BETWEEN 2 AND 4", "seq 2 is missing"},
      {"delete first", "DELETE FROM events WHERE seq = 1", "seq 1 is missing"},
      // Swap rows 5 and 6 whole (reordering history): row 5 now carries 6's content.
      {"reorder",
       "UPDATE events SET seq = -5 WHERE seq = 5; UPDATE events SET seq = 5 WHERE seq = 6;"
       " UPDATE events SET seq = 6 WHERE seq = -5;",
       "seq 5: hash mismatch"},
      // Swap only the payloads of 8 and 9.
      {"swap payloads",
       "UPDATE events SET payload = (SELECT payload FROM events WHERE seq = 9) WHERE seq = 8;",
       "seq 8: hash mismatch"},
      {"truncated tail", "DELETE FROM events WHERE seq > 10", "seq 11 is missing"},
      {"appended outside", "INSERT INTO events SELECT 13, time, type, payload, hash FROM events WHERE seq = 12",
       "seq 13: hash mismatch"},
      {"head moved back", "UPDATE head SET seq = 11, hash = (SELECT hash FROM events WHERE seq = 11)",
       "seq 12: rows beyond the recorded head seq 11"},
      {"head hash edited", "UPDATE head SET hash = zeroblob(32)", "seq 12: hash differs from the one the head records"},
      {"head row deleted", "DELETE FROM head", "head row is missing"},
  };
  for (const Tamper& t : cases) {
    SCOPED_TRACE(t.name);
    TempDir dir;
    const std::string path = dir.file("j.db");
    {
      auto j = Journal::open(path);
      ASSERT_TRUE(j.ok());
      ASSERT_TRUE((*j)->append(make_records(1, 1)).ok());
      ASSERT_TRUE((*j)->append(make_records(11, 2)).ok());
      ASSERT_TRUE((*j)->verify().ok());
    }
    raw_sql(path, t.sql);
    auto j = Journal::open(path);
    ASSERT_TRUE(j.ok()) << j.status();
    auto v = (*j)->verify();
    ASSERT_EQ(v.status().code(), absl::StatusCode::kDataLoss) << v.status();
    EXPECT_THAT(v.status().message(), HasSubstr(t.expect));
    EXPECT_THAT(v.status().message(), HasSubstr(path));
    absl::Status r = (*j)->replay(0, [](const StoredRecord&) { return absl::OkStatus(); });
    EXPECT_EQ(r.code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(r.message(), v.status().message());
  }
}

// The stored row carries only its own hash, so a forger who rewrites a row and
// recomputes that row's hash correctly still breaks the link at the next seq.
TEST(Journal, ForgedRowWithRecomputedHashIsCaughtAtTheNextSeq) {
  TempDir dir;
  const std::string path = dir.file("j.db");
  std::vector<Row> rows;
  {
    auto j = Journal::open(path);
    ASSERT_TRUE(j.ok());
    ASSERT_TRUE((*j)->append(make_records(8, 1)).ok());
    rows = read_all(**j);
  }
  ASSERT_EQ(rows.size(), 8u);
  const ChainHash forged = chain_hash(rows[2].hash, 4, rows[3].time, rows[3].type, "forged");
  ASSERT_NE(forged, rows[3].hash);
  raw_sql(path, absl::StrCat("UPDATE events SET payload = CAST('forged' AS BLOB), hash = x'",
                             to_hex(forged), "' WHERE seq = 4"));
  auto j = Journal::open(path);
  ASSERT_TRUE(j.ok()) << j.status();
  auto v = (*j)->verify();
  ASSERT_EQ(v.status().code(), absl::StatusCode::kDataLoss) << v.status();
  EXPECT_THAT(v.status().message(), HasSubstr("seq 5: hash mismatch"));
  EXPECT_THAT(v.status().message(), HasSubstr("the hash of seq 4 it chains to"));
}

TEST(Journal, DamagedTailRefusesAppends) {
  TempDir dir;
  const std::string path = dir.file("j.db");
  {
    auto j = Journal::open(path);
    ASSERT_TRUE(j.ok());
    ASSERT_TRUE((*j)->append(make_records(5, 1)).ok());
  }
  raw_sql(path, "DELETE FROM events WHERE seq = 5");
  auto j = Journal::open(path);
  ASSERT_TRUE(j.ok());
  auto r = (*j)->append(make_records(1, 2));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(r.status().message(), HasSubstr("seq 5"));
  EXPECT_EQ((*j)->write_snapshot(1, "x").status().code(), absl::StatusCode::kDataLoss);
}

TEST(Journal, SnapshotsAreAnchoredAndVerified) {
  TempDir dir;
  const std::string path = dir.file("j.db");
  {
    auto j = Journal::open(path);
    ASSERT_TRUE(j.ok());
    auto none = (*j)->latest_snapshot();
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
    ASSERT_TRUE((*j)->append(make_records(10, 1)).ok());
    auto s1 = (*j)->write_snapshot(4, "state-at-4");
    ASSERT_TRUE(s1.ok()) << s1.status();
    EXPECT_EQ(s1->digest, sha256_hex("state-at-4"));
    auto s2 = (*j)->write_snapshot(10, std::string("state\0at-10", 11));
    ASSERT_TRUE(s2.ok());
    EXPECT_EQ((*j)->write_snapshot(11, "x").status().code(), absl::StatusCode::kOutOfRange);
    ASSERT_TRUE((*j)->write_snapshot(0, "empty").ok());
    auto latest = (*j)->latest_snapshot();
    ASSERT_TRUE(latest.ok() && latest->has_value()) << latest.status();
    EXPECT_EQ((*latest)->info.seq, 10u);
    EXPECT_EQ((*latest)->state, std::string("state\0at-10", 11));
    auto report = (*j)->verify();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->snapshots, 3u);
    EXPECT_EQ(report->latest_snapshot, std::optional<std::uint64_t>(10));
    EXPECT_EQ(*(*j)->snapshot_count(), 3u);
  }
  const std::vector<Tamper> cases = {
      {"state edited", "UPDATE snapshots SET state = 'forged' WHERE seq = 10",
       "snapshot at seq 10: state"},
      {"state and digest edited",
       "UPDATE snapshots SET state = 'forged', digest = '" + sha256_hex("forged") + "' WHERE seq = 4",
       "snapshot at seq 4: row hash mismatch"},
      {"moved to another seq", "UPDATE snapshots SET seq = 5 WHERE seq = 4",
       "snapshot at seq 5: not anchored"},
      {"beyond head", "UPDATE snapshots SET seq = 12 WHERE seq = 10", "snapshot at seq 12 lies beyond"},
  };
  for (const Tamper& t : cases) {
    SCOPED_TRACE(t.name);
    const std::string copy = dir.file(absl::StrCat("copy-", &t - cases.data(), ".db"));
    {
      // A consistent copy (VACUUM INTO), then tamper with it.
      raw_sql(path, "VACUUM INTO '" + copy + "'");
    }
    raw_sql(copy, t.sql);
    auto j = Journal::open(copy);
    ASSERT_TRUE(j.ok());
    auto v = (*j)->verify();
    ASSERT_EQ(v.status().code(), absl::StatusCode::kDataLoss) << v.status();
    EXPECT_THAT(v.status().message(), HasSubstr(t.expect));
  }
  // latest_snapshot() checks the newest snapshot on its own too.
  const std::string copy = dir.file("copy-latest.db");
  raw_sql(path, "VACUUM INTO '" + copy + "'");
  raw_sql(copy, "UPDATE snapshots SET state = 'forged' WHERE seq = 10");
  auto j = Journal::open(copy);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)->latest_snapshot().status().code(), absl::StatusCode::kDataLoss);
}

// Batches of 20 go in through 10-row INSERTs; of 137 through 100-, 10- and 1-row ones:
// a failure inside any of them must leave nothing of the batch behind.
class JournalDiskFull : public ::testing::TestWithParam<std::size_t> {};

TEST_P(JournalDiskFull, IsResourceExhaustedAndChangesNothing) {
  const std::size_t batch = GetParam();
  TempDir dir;
  const std::string path = dir.file("j.db");
  JournalOptions opts;
  opts.max_pages = 40 + static_cast<int>(batch / 4);  // a tiny "disk" of 4 KiB pages
  auto j = Journal::open(path, opts);
  ASSERT_TRUE(j.ok()) << j.status();
  absl::Status failure;
  std::uint64_t batches = 0;
  for (int i = 0; i < 1000 && failure.ok(); ++i) {
    const std::uint64_t before_seq = (*j)->last_seq();
    const ChainHash before_head = (*j)->head();
    auto recs = make_records(batch, static_cast<std::uint64_t>(i));
    for (auto& r : recs) r.payload += std::string(300, 'p');
    auto r = (*j)->append(recs);
    if (r.ok()) {
      ++batches;
      continue;
    }
    failure = r.status();
    EXPECT_EQ((*j)->last_seq(), before_seq);
    EXPECT_EQ((*j)->head(), before_head);
  }
  ASSERT_FALSE(failure.ok()) << "the page limit was never reached";
  EXPECT_EQ(failure.code(), absl::StatusCode::kResourceExhausted) << failure;
  EXPECT_THAT(failure.message(), HasSubstr(path));
  EXPECT_THAT(failure.message(), HasSubstr("SQLITE_FULL"));
  EXPECT_GT(batches, 0u);
  // The file holds exactly the acknowledged batches, and the chain verifies.
  auto report = (*j)->verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->last_seq, batches * batch);
  EXPECT_EQ(read_all(**j).size(), batches * batch);
  // With room again (reopened without the limit), appending continues the chain.
  j->reset();
  auto j2 = Journal::open(path);
  ASSERT_TRUE(j2.ok());
  auto r = (*j2)->append(make_records(batch, 9999));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->first_seq, batches * batch + 1);
  EXPECT_TRUE((*j2)->verify().ok());
}

INSTANTIATE_TEST_SUITE_P(BatchSizes, JournalDiskFull, ::testing::Values(20, 137));

// Every split of a batch into 100-, 10- and 1-row INSERTs stores the records in order
// with the documented chain.
TEST(Journal, EveryBatchSizeChainsExactly) {
  TempDir dir;
  auto j = Journal::open(dir.file("j.db"));
  ASSERT_TRUE(j.ok()) << j.status();
  std::vector<JournalRecord> all;
  std::uint64_t tag = 0;
  for (std::size_t n : {1, 9, 10, 11, 99, 100, 101, 211, 1000, 3}) {
    auto recs = make_records(n, ++tag);
    // Rows around and far over the size hashed in one buffer (4,096 bytes) chain the same.
    if (n == 11) {
      recs[1].payload = std::string(4096 - 52 - recs[1].type.size(), 'a');
      recs[2].payload = std::string(4097 - 52 - recs[2].type.size(), 'b');
      recs[3].payload = std::string(300000, 'c');
      recs[4].payload = "small after large";
    }
    auto r = (*j)->append(recs);
    ASSERT_TRUE(r.ok()) << n << ": " << r.status();
    EXPECT_EQ(r->first_seq, all.size() + 1);
    EXPECT_EQ(r->last_seq, all.size() + n);
    all.insert(all.end(), recs.begin(), recs.end());
  }
  auto rows = read_all(**j);
  ASSERT_EQ(rows.size(), all.size());
  ChainHash prev{};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].seq, i + 1);
    ASSERT_EQ(rows[i].payload, all[i].payload) << "seq " << i + 1;
    ASSERT_EQ(rows[i].type, all[i].type) << "seq " << i + 1;
    prev = chain_hash(prev, i + 1, all[i].time, all[i].type, all[i].payload);
    ASSERT_EQ(rows[i].hash, prev) << "seq " << i + 1;
  }
  EXPECT_EQ((*j)->head(), prev);
  EXPECT_TRUE((*j)->verify().ok());
}

TEST(Journal, ReadOnlyJournalRefusesWritesAndStillReads) {
  TempDir dir;
  const std::string path = dir.file("j.db");
  {
    auto j = Journal::open(path);
    ASSERT_TRUE(j.ok());
    ASSERT_TRUE((*j)->append(make_records(4, 1)).ok());
  }
  JournalOptions ro;
  ro.read_only = true;
  auto j = Journal::open(path, ro);
  ASSERT_TRUE(j.ok()) << j.status();
  EXPECT_TRUE((*j)->read_only());
  const ChainHash head = (*j)->head();
  auto r = (*j)->append(make_records(1, 2));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  // The refusal comes from SQLite itself (SQLITE_OPEN_READONLY), mapped to
  // FAILED_PRECONDITION with the path and SQLite's message.
  EXPECT_THAT(r.status().message(), HasSubstr("SQLITE_READONLY"));
  EXPECT_THAT(r.status().message(), HasSubstr(path));
  EXPECT_EQ((*j)->write_snapshot(4, "s").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*j)->last_seq(), 4u);
  EXPECT_EQ((*j)->head(), head);
  EXPECT_EQ(read_all(**j).size(), 4u);
  EXPECT_TRUE((*j)->verify().ok());
  // Missing file, read-only or without create: NOT_FOUND, and no file is made.
  auto missing = Journal::open(dir.file("none.db"), ro);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  JournalOptions no_create;
  no_create.create_if_missing = false;
  EXPECT_EQ(Journal::open(dir.file("none.db"), no_create).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.file("none.db")));
}

TEST(Journal, LockedDatabaseIsUnavailableAndChangesNothing) {
  TempDir dir;
  const std::string path = dir.file("j.db");
  JournalOptions opts;
  opts.busy_timeout_ms = 50;
  auto j = Journal::open(path, opts);
  ASSERT_TRUE(j.ok());
  ASSERT_TRUE((*j)->append(make_records(3, 1)).ok());
  const ChainHash head = (*j)->head();

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto r = (*j)->append(make_records(2, 2));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr(path));
  EXPECT_THAT(r.status().message(), HasSubstr("SQLITE_BUSY"));
  EXPECT_EQ((*j)->last_seq(), 3u);
  EXPECT_EQ((*j)->head(), head);
  // Reads still work while another connection writes (WAL).
  EXPECT_EQ(read_all(**j).size(), 3u);
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);

  auto r2 = (*j)->append(make_records(2, 2));
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_EQ(r2->first_seq, 4u);
  EXPECT_TRUE((*j)->verify().ok());
}

TEST(Journal, SecondWriterIsDetectedNotForked) {
  TempDir dir;
  const std::string path = dir.file("j.db");
  auto a = Journal::open(path);
  auto b = Journal::open(path);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->append(make_records(2, 1)).ok());
  auto r = (*b)->append(make_records(2, 2));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("another writer"));
  EXPECT_EQ((*b)->last_seq(), 0u);
  auto c = Journal::open(path);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->last_seq(), 2u);
  ASSERT_TRUE((*c)->append(make_records(2, 3)).ok());
  EXPECT_TRUE((*c)->verify().ok());
}

TEST(Journal, ForeignFilesAreRefused) {
  TempDir dir;
  const std::string foreign = dir.file("foreign.db");
  raw_sql(foreign, "CREATE TABLE t(x); INSERT INTO t VALUES(1);");
  auto f = Journal::open(foreign);
  ASSERT_EQ(f.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(f.status().message(), HasSubstr("not a jiceng journal"));
  // Nothing was added to the foreign database.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(foreign.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(s, 0), 1);
  sqlite3_finalize(s);
  sqlite3_close(db);

  const std::string garbage = dir.file("garbage.db");
  std::ofstream(garbage) << std::string(8192, 'g');
  auto g = Journal::open(garbage);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kDataLoss) << g.status();
  EXPECT_THAT(g.status().message(), HasSubstr(garbage));

  raw_sql(dir.file("other-format.db"),
          "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES('format','x/9');");
  auto o = Journal::open(dir.file("other-format.db"));
  EXPECT_EQ(o.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(o.status().message(), HasSubstr("format 'x/9'"));
  // A format-1 journal (it stored each row's prev_hash too) is refused, not misread.
  raw_sql(dir.file("format-1.db"),
          "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES('format','jiceng-journal/1');"
          "CREATE TABLE events(seq INTEGER PRIMARY KEY, time INTEGER, type TEXT, payload BLOB, prev_hash BLOB,"
          " hash BLOB);");
  auto f1 = Journal::open(dir.file("format-1.db"));
  EXPECT_EQ(f1.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(f1.status().message(), HasSubstr("format 'jiceng-journal/1'"));
  // A new journal records the current format.
  ASSERT_TRUE(Journal::open(dir.file("fresh.db")).ok());
  {
    sqlite3* fdb = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("fresh.db").c_str(), &fdb), SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(fdb, "SELECT value FROM meta WHERE key = 'format'", -1, &q, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, 0))), "jiceng-journal/2");
    sqlite3_finalize(q);
    sqlite3_close(fdb);
  }

  EXPECT_EQ(Journal::open("").status().code(), absl::StatusCode::kInvalidArgument);
  JournalOptions bad;
  bad.busy_timeout_ms = -1;
  EXPECT_EQ(Journal::open(dir.file("x.db"), bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(Journal, SyncModesAllPersist) {
  for (SyncMode m : {SyncMode::kFull, SyncMode::kNormal, SyncMode::kOff}) {
    TempDir dir;
    JournalOptions o;
    o.sync = m;
    {
      auto j = Journal::open(dir.file("j.db"), o);
      ASSERT_TRUE(j.ok());
      ASSERT_TRUE((*j)->append(make_records(5, 1)).ok());
    }
    auto j = Journal::open(dir.file("j.db"), o);
    ASSERT_TRUE(j.ok());
    EXPECT_EQ((*j)->last_seq(), 5u);
  }
}

TEST(Journal, ConcurrentAppendersShareOneChain) {
  TempDir dir;
  JournalOptions o;
  o.sync = SyncMode::kOff;  // concurrency, not fsync, is under test
  auto j = Journal::open(dir.file("j.db"), o);
  ASSERT_TRUE(j.ok());
  Journal& journal = **j;
  constexpr int kThreads = 8, kBatches = 25;
  std::vector<std::thread> threads;
  std::vector<std::vector<AppendResult>> results(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        auto r = journal.append(make_records(1 + (b % 4), static_cast<std::uint64_t>(t * 100 + b)));
        if (r.ok()) results[t].push_back(*r);
        if (b % 5 == 0) (void)journal.last_seq();
        if (b == 10) (void)journal.verify();
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<bool> seen(journal.last_seq() + 1, false);
  std::size_t total = 0;
  for (const auto& rs : results) {
    EXPECT_EQ(rs.size(), static_cast<std::size_t>(kBatches));
    for (const AppendResult& r : rs) {
      for (std::uint64_t s = r.first_seq; s <= r.last_seq; ++s) {
        ASSERT_LT(s, seen.size());
        EXPECT_FALSE(seen[s]) << "seq " << s << " given twice";
        seen[s] = true;
        ++total;
      }
    }
  }
  EXPECT_EQ(total, journal.last_seq());
  EXPECT_TRUE(journal.verify().ok());
}

// --- crash safety -----------------------------------------------------------------

// Parses "first count index ..." from a crash-child payload.
bool parse_batch(std::string_view payload, std::uint64_t* first, std::uint64_t* count,
                 std::uint64_t* index) {
  const std::string text(payload.substr(0, 64));
  unsigned long long f = 0, c = 0, i = 0;
  if (std::sscanf(text.c_str(), "%llu %llu %llu", &f, &c, &i) != 3) return false;
  *first = f;
  *count = c;
  *index = i;
  return true;
}

TEST(JournalCrash, SigkillLosesNoAcknowledgedRecordAndNoHalfBatch) {
  TempDir dir;
  const std::string path = dir.file("crash.db");
  std::mt19937 rng(20240607);
  std::uint64_t max_acked = 0;
  int rounds_with_acks = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(25);
  constexpr int kRounds = 30;
  int round = 0;
  for (; round < kRounds && std::chrono::steady_clock::now() < deadline; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const int kill_after_ms = 20 + static_cast<int>(rng() % 250);
    test::ChildRun run = test::run_child_and_kill(
        {JICENG_JOURNAL_CRASH_CHILD, "raw", path, std::to_string(rng())}, kill_after_ms,
        /*from_first_ack=*/round % 3 != 0);  // every third round may die during start-up
    ASSERT_TRUE(run.killed) << "child exited by itself (status " << run.status << "): " << run.error;
    if (!run.acked.empty()) ++rounds_with_acks;
    for (std::uint64_t a : run.acked) {
      ASSERT_GT(a, max_acked) << "acknowledged seqs must increase";
      max_acked = a;
    }
    // Reopen: the chain verifies, every acknowledged record is there, no batch is partial.
    auto j = Journal::open(path);
    ASSERT_TRUE(j.ok()) << j.status();
    auto report = (*j)->verify();
    ASSERT_TRUE(report.ok()) << report.status();
    ASSERT_GE(report->last_seq, max_acked) << "an acknowledged record was lost";
    std::uint64_t open_first = 0, open_count = 0, next_index = 0;
    absl::Status st = (*j)->replay(0, [&](const StoredRecord& r) -> absl::Status {
      std::uint64_t first = 0, count = 0, index = 0;
      if (!parse_batch(r.payload, &first, &count, &index) || first + index != r.seq ||
          index >= count) {
        return absl::InternalError(absl::StrCat("seq ", r.seq, ": bad payload"));
      }
      if (index == 0) {
        if (open_count != 0 && next_index != open_count) {
          return absl::InternalError(absl::StrCat("batch at ", open_first, " is partial"));
        }
        open_first = first;
        open_count = count;
        next_index = 0;
      }
      if (first != open_first || index != next_index) {
        return absl::InternalError(absl::StrCat("seq ", r.seq, ": batch out of order"));
      }
      ++next_index;
      return absl::OkStatus();
    });
    ASSERT_TRUE(st.ok()) << st;
    EXPECT_EQ(next_index, open_count) << "the last batch (from seq " << open_first << ") is partial";
    max_acked = std::max(max_acked, report->last_seq);  // unacknowledged but durable is fine
  }
  std::printf("[ crash    ] %d rounds, %d with acknowledged appends, %llu records at the end\n",
              round, rounds_with_acks, static_cast<unsigned long long>(max_acked));
  EXPECT_GE(round, 10) << "too few rounds in the time budget";
  EXPECT_GE(rounds_with_acks, round / 2) << "the child rarely got to append before the kill";
}

}  // namespace
}  // namespace jiceng
