// Open = newest snapshot + tail (issue 24): the chain is verified from the snapshot's
// anchored seq on, not from seq 1; a snapshot that fails its checks makes open fail with
// DATA_LOSS naming it (no silent fallback), changing nothing; and the snapshot policy
// writes snapshots every N events or T on the host clock, at the seqs the rule names.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "journal/forge.hpp"
#include "journal/scenario.hpp"
#include "journal/test_util.hpp"

namespace jiceng::test {
namespace {

using ::testing::HasSubstr;

// Every row of the journal's tables, hashed: equal before and after means a refused open
// changed nothing (the file's bytes may differ after SQLite checkpoints its WAL).
std::string content_digest(const std::string& path) {
  sqlite3* db = nullptr;
  std::string all;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    for (const char* sql : {"SELECT seq, time, type, payload, hash FROM events ORDER BY seq",
                            "SELECT id, seq, hash FROM head", "SELECT * FROM snapshots ORDER BY seq"}) {
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) return "unreadable";
      while (sqlite3_step(s) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(s); ++c) {
          const void* b = sqlite3_column_blob(s, c);
          all.append(b == nullptr ? "" : static_cast<const char*>(b), static_cast<std::size_t>(sqlite3_column_bytes(s, c)));
          all += '|';
        }
      }
      sqlite3_finalize(s);
    }
  }
  sqlite3_close(db);
  return sha256_hex(all);
}

std::vector<std::uint64_t> snapshot_seqs(const std::string& path) {
  sqlite3* db = nullptr;
  std::vector<std::uint64_t> out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, "SELECT seq FROM snapshots ORDER BY seq", -1, &s, nullptr);
    while (sqlite3_step(s) == SQLITE_ROW) out.push_back(static_cast<std::uint64_t>(sqlite3_column_int64(s, 0)));
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

std::string stored_blob(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
    if (sqlite3_step(s) == SQLITE_ROW) {
      out.assign(static_cast<const char*>(sqlite3_column_blob(s, 0)), static_cast<std::size_t>(sqlite3_column_bytes(s, 0)));
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

JournalOptions manual_only() {
  JournalOptions o;
  o.snapshots = SnapshotPolicy{0, absl::ZeroDuration()};
  return o;
}

struct Made {
  std::uint64_t snap = 0, last = 0;
  std::string digest;  // the live state at the end
};

// The sample district, 30 petitions, a snapshot, 12 more petitions.
Made make_journal(const std::string& path) {
  Made m;
  auto d = open_engine(path, manual_only());
  EXPECT_TRUE(d.ok()) << d.status();
  Engine& e = (*d)->engine();
  EXPECT_TRUE(load_sample(e).ok());
  for (int n = 0; n < 30; ++n) EXPECT_TRUE(lifecycle(e, n, n % 6, kT0 + n * 600).ok());
  m.snap = (*d)->write_snapshot()->seq;
  for (int n = 30; n < 42; ++n) EXPECT_TRUE(lifecycle(e, n, n % 6, kT0 + n * 600).ok());
  m.last = e.last_seq();
  m.digest = (*d)->state_digest();
  return m;
}

TEST(SnapshotOpen, FromTheSnapshotVerifiesTheTailOnlyAndEqualsReplayFromTheStart) {
  TempDir dir;
  const std::string path = dir.file("j.db");
  const Made m = make_journal(path);
  ASSERT_GT(m.snap, 100u);
  ASSERT_GT(m.last, m.snap + 30);

  auto a = open_engine(path, manual_only());
  ASSERT_TRUE(a.ok()) << a.status();
  const ReplayReport r = (*a)->open_report();  // a copy: the engine is closed below
  EXPECT_EQ(r.snapshot_seq, std::optional<std::uint64_t>(m.snap));
  EXPECT_EQ(r.verified_from, m.snap) << "the chain is verified from the snapshot's anchored seq";
  EXPECT_EQ(r.replayed, m.last - m.snap);
  EXPECT_EQ(r.digest, m.digest);
  std::uint64_t total = 0;
  for (const auto& [type, n] : r.counts) total += n;
  EXPECT_EQ(total, m.last) << "counts cover the whole journal: the snapshot's log, then the tail";
  a->reset();

  JournalOptions from_start = manual_only();
  from_start.use_snapshots = false;
  auto b = open_engine(path, from_start);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ((*b)->open_report().verified_from, 0u);
  EXPECT_EQ((*b)->open_report().replayed, m.last);
  EXPECT_EQ((*b)->state_digest(), m.digest) << "open from the snapshot and replay from seq 1 agree";
  EXPECT_EQ((*b)->open_report().counts, r.counts);
}

// What open trusts: the rows up to the snapshot are not re-hashed. An edit there passes an
// open from the snapshot and is found by verify and by an open from seq 1.
TEST(SnapshotOpen, RowsBeforeTheSnapshotAreLeftToVerify) {
  TempDir dir;
  const std::string path = dir.file("j.db");
  const Made m = make_journal(path);
  ASSERT_EQ(exec_sql(path, "UPDATE events SET payload = payload || x'00' WHERE seq = 40"), "");
  auto a = open_engine(path, manual_only());
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ((*a)->state_digest(), m.digest);
  auto report = (*a)->journal().verify();
  ASSERT_EQ(report.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(report.status().message(), HasSubstr("seq 40: hash mismatch"));
  a->reset();
  JournalOptions from_start = manual_only();
  from_start.use_snapshots = false;
  auto b = open_engine(path, from_start);
  ASSERT_EQ(b.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(b.status().message(), HasSubstr("seq 40: hash mismatch"));
}

// A damaged or forged snapshot is not silently skipped: open fails with DATA_LOSS naming it
// and changes nothing; use_snapshots = false (jiceng replay --from-start) still opens.
TEST(SnapshotOpen, ADamagedSnapshotFailsOpenNamingItAndChangesNothing) {
  TempDir dir;
  const std::string base = dir.file("base.db");
  const Made m = make_journal(base);
  const std::string snap = absl::StrCat(m.snap);
  const std::string anchor = stored_blob(base, absl::StrCat("SELECT anchor FROM snapshots WHERE seq = ", snap));
  const std::string before_anchor = stored_blob(base, absl::StrCat("SELECT hash FROM events WHERE seq = ", m.snap - 1));
  const std::string state = stored_blob(base, absl::StrCat("SELECT state FROM snapshots WHERE seq = ", snap));
  const std::int64_t time = std::stoll(stored_blob(base, absl::StrCat("SELECT time FROM snapshots WHERE seq = ", snap)));
  ASSERT_EQ(anchor.size(), 32u);
  ASSERT_GT(state.size(), 1000u);

  // Rewrites the snapshot row as an editor would: `new_state` under `new_anchor`, with the
  // digest and row hash recomputed when `recompute`.
  auto rewrite = [&](const std::string& path, const std::string& new_state, const std::string& new_anchor,
                     bool recompute) {
    const ForgedSnapshot f = forge_state(new_state, m.snap, time, new_anchor, "\x01\x02\x03", "\x01\x02\x03");
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_stmt* u = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 recompute ? "UPDATE snapshots SET state = ?, anchor = ?, digest = ?, hash = ? WHERE seq = ?"
                                           : "UPDATE snapshots SET state = ?, anchor = ? WHERE seq = ?",
                                 -1, &u, nullptr),
              SQLITE_OK);
    sqlite3_bind_blob(u, 1, new_state.data(), static_cast<int>(new_state.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(u, 2, new_anchor.data(), 32, SQLITE_TRANSIENT);
    if (recompute) {
      sqlite3_bind_text(u, 3, f.digest.data(), static_cast<int>(f.digest.size()), SQLITE_TRANSIENT);
      sqlite3_bind_blob(u, 4, f.hash.data(), 32, SQLITE_TRANSIENT);
      sqlite3_bind_int64(u, 5, static_cast<sqlite3_int64>(m.snap));
    } else {
      sqlite3_bind_int64(u, 3, static_cast<sqlite3_int64>(m.snap));
    }
    EXPECT_EQ(sqlite3_step(u), SQLITE_DONE);
    EXPECT_EQ(sqlite3_changes(db), 1);
    sqlite3_finalize(u);
    sqlite3_close(db);
  };
  std::string flipped = state;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5a);
  const std::string truncated = state.substr(0, state.size() - 17);
  struct Case {
    std::string name;
    std::function<void(const std::string&)> damage;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"wrong anchor, row hash recomputed", [&](const std::string& p) { rewrite(p, state, before_anchor, true); },
       absl::StrCat("snapshot at seq ", snap, ": not anchored to the chain hash of seq ", snap)},
      {"truncated state", [&](const std::string& p) { rewrite(p, truncated, anchor, false); },
       absl::StrCat("snapshot at seq ", snap, ": state does not match its digest")},
      {"truncated state, digest and row hash recomputed",
       [&](const std::string& p) { rewrite(p, truncated, anchor, true); },
       absl::StrCat("snapshot at seq ", snap, ": restore failed")},
      {"altered bytes", [&](const std::string& p) { rewrite(p, flipped, anchor, false); },
       absl::StrCat("snapshot at seq ", snap, ": state does not match its digest")},
      {"row hash edited", [&](const std::string& p) {
         ASSERT_EQ(exec_sql(p, absl::StrCat("UPDATE snapshots SET hash = zeroblob(32) WHERE seq = ", snap)), "");
       },
       absl::StrCat("snapshot at seq ", snap, ": row hash mismatch")},
      {"the anchored event's hash edited", [&](const std::string& p) {
         ASSERT_EQ(exec_sql(p, absl::StrCat("UPDATE events SET hash = zeroblob(32) WHERE seq = ", snap)), "");
       },
       absl::StrCat("snapshot at seq ", snap, ": not anchored to the chain hash of seq ", snap)},
      {"an event after the snapshot edited", [&](const std::string& p) {
         ASSERT_EQ(exec_sql(p, absl::StrCat("UPDATE events SET payload = payload || x'00' WHERE seq = ", m.snap + 3)), "");
       },
       absl::StrCat("seq ", m.snap + 3, ": hash mismatch")},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    SCOPED_TRACE(c.name);
    const std::string path = dir.file(absl::StrCat("case-", i, ".db"));
    ASSERT_EQ(exec_sql(base, absl::StrCat("VACUUM INTO '", path, "'")), "");
    c.damage(path);
    const std::string before = content_digest(path);
    auto d = open_engine(path, manual_only());
    ASSERT_EQ(d.status().code(), absl::StatusCode::kDataLoss) << d.status();
    EXPECT_THAT(d.status().message(), HasSubstr(c.message));
    EXPECT_EQ(content_digest(path), before) << "a refused open changes nothing";
    if (c.name.find("event") != std::string::npos) continue;  // the chain itself is broken too
    JournalOptions from_start = manual_only();
    from_start.use_snapshots = false;
    auto b = open_engine(path, from_start);
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ((*b)->state_digest(), m.digest) << "the events alone rebuild the state";
  }
}

TEST(SnapshotOpen, ReplayFromChecksTheAnchorAgainstTheRowAtItsSeq) {
  TempDir dir;
  const std::string path = dir.file("j.db");
  const Made m = make_journal(path);
  auto j = Journal::open(path);
  ASSERT_TRUE(j.ok()) << j.status();
  auto snap = (*j)->latest_snapshot();
  ASSERT_TRUE(snap.ok() && snap->has_value());
  const ChainHash anchor = (*snap)->info.anchor;
  std::uint64_t first = 0, rows = 0;
  auto count = [&](const StoredRecord& r) {
    if (first == 0) first = r.seq;
    ++rows;
    return absl::OkStatus();
  };
  ASSERT_TRUE((*j)->replay_from(m.snap, anchor, count).ok());
  EXPECT_EQ(first, m.snap + 1);
  EXPECT_EQ(rows, m.last - m.snap);
  ChainHash wrong = anchor;
  wrong[0] ^= 1;
  absl::Status st = (*j)->replay_from(m.snap, wrong, count);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(st.message(), HasSubstr(absl::StrCat("snapshot at seq ", m.snap, ": not anchored")));
  st = (*j)->replay_from(m.last + 5, anchor, count);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(st.message(), HasSubstr("the event it is anchored to is missing"));
  st = (*j)->replay_from(0, wrong, count);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  rows = 0;
  ASSERT_TRUE((*j)->replay_from(0, ChainHash{}, count).ok());
  EXPECT_EQ(rows, m.last);
}

// The policy's rule: after a command, batch or tick, a snapshot when at least N events came
// since the newest snapshot (taken by the policy or by command).
TEST(SnapshotPolicy, SnapshotsComeEveryNEventsAtTheSeqsTheRuleNames) {
  TempDir dir;
  const std::string path = dir.file("p.db");
  constexpr std::uint64_t kEvery = 10;
  JournalOptions o;
  o.snapshots = SnapshotPolicy{kEvery, absl::ZeroDuration()};
  std::vector<std::uint64_t> expected;
  std::uint64_t base = 0;
  auto after = [&](std::uint64_t seq) {
    if (seq - base >= kEvery) {
      expected.push_back(seq);
      base = seq;
    }
  };
  {
    auto d = open_engine(path, o);
    ASSERT_TRUE(d.ok()) << d.status();
    Engine& e = (*d)->engine();
    after(e.last_seq());
    ASSERT_TRUE(load_sample(e).ok());
    after(e.last_seq());
    for (int n = 0; n < 40; ++n) {
      ASSERT_TRUE(e.submit(resident("R1"), submission("R1", "", n), kT0 + n).ok());
      after(e.last_seq());
      if (n == 20) {  // a snapshot by command: the policy counts from it
        ASSERT_TRUE((*d)->write_snapshot().ok());
        expected.push_back(e.last_seq());
        base = e.last_seq();
      }
    }
    // A batch of 30 events crosses the threshold once: one snapshot at its end.
    ASSERT_TRUE(e.batch([&](Engine& en) -> absl::Status {
                   for (int n = 0; n < 30; ++n) JICENG_RETURN_IF_ERROR(en.submit(resident("R2"), submission("R2", "", n), kT0 + n).status());
                   return absl::OkStatus();
                 }).ok());
    after(e.last_seq());
    // A refused command and a rolled-back batch add no event and no snapshot.
    EXPECT_FALSE(e.accept(officer(), 999999, kT0).ok());
    EXPECT_FALSE(e.batch([&](Engine& en) -> absl::Status {
                    JICENG_RETURN_IF_ERROR(en.submit(resident("R3"), submission("R3", "", 1), kT0).status());
                    return absl::AbortedError("no");
                  }).ok());
    EXPECT_TRUE((*d)->policy_snapshot_status().ok());
    ASSERT_GE(expected.size(), 4u);
    EXPECT_EQ(snapshot_seqs(path), expected);
    auto report = (*d)->journal().verify();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->states_derived, expected.size()) << "every policy snapshot is the state its events derive";
  }
  // Reopened, the policy counts from the newest snapshot.
  auto d = open_engine(path, o);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ((*d)->open_report().snapshot_seq, std::optional<std::uint64_t>(expected.back()));
  Engine& e = (*d)->engine();
  for (int n = 0; n < 30; ++n) {
    ASSERT_TRUE(e.submit(resident("R4"), submission("R4", "", n), kT0 + n).ok());
    after(e.last_seq());
  }
  EXPECT_EQ(snapshot_seqs(path), expected);
  // Off: no more policy snapshots.
  ASSERT_TRUE((*d)->set_snapshot_policy(SnapshotPolicy{0, absl::ZeroDuration()}).ok());
  for (int n = 0; n < 2 * static_cast<int>(kEvery); ++n) {
    ASSERT_TRUE(e.submit(resident("R5"), submission("R5", "", n), kT0 + n).ok());
  }
  EXPECT_EQ(snapshot_seqs(path), expected);
}

TEST(SnapshotPolicy, SnapshotsComeEveryIntervalOnceAnEventCame) {
  TempDir dir;
  const std::string path = dir.file("t.db");
  JournalOptions o;
  o.snapshots = SnapshotPolicy{0, absl::Seconds(1)};
  auto d = open_engine(path, o);
  ASSERT_TRUE(d.ok()) << d.status();
  Engine& e = (*d)->engine();
  ASSERT_TRUE(load_sample(e).ok());
  EXPECT_TRUE(snapshot_seqs(path).empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE(snapshot_seqs(path).empty()) << "no command, no snapshot";
  ASSERT_TRUE(e.submit(resident("R1"), submission("R1", "", 1), kT0).ok());
  const std::uint64_t at = e.last_seq();
  EXPECT_EQ(snapshot_seqs(path), std::vector<std::uint64_t>{at});
  ASSERT_TRUE(e.submit(resident("R1"), submission("R1", "", 2), kT0).ok());
  EXPECT_EQ(snapshot_seqs(path), std::vector<std::uint64_t>{at}) << "the interval counts from the snapshot";
}

TEST(SnapshotPolicy, ANegativeIntervalIsRefusedBeforeAnythingIsWritten) {
  TempDir dir;
  const std::string path = dir.file("n.db");
  JournalOptions o;
  o.snapshots.every = absl::Seconds(-1);
  auto d = open_engine(path, o);
  ASSERT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(d.status().message(), HasSubstr("snapshot policy: the interval -1s is negative"));
  EXPECT_FALSE(std::filesystem::exists(path));
  auto ok = open_engine(path);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->snapshot_policy().every_events, 1000000u) << "the documented default";
  EXPECT_EQ((*ok)->snapshot_policy().every, absl::Hours(24));
  EXPECT_EQ((*ok)->set_snapshot_policy(o.snapshots).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*ok)->snapshot_policy().every, absl::Hours(24)) << "a refused policy changes nothing";
}

// A policy snapshot that cannot be written (the disk is full) fails no command: the command
// is durable already. The error is kept, and the next attempt waits a whole interval.
TEST(SnapshotPolicy, AFailedPolicySnapshotFailsNoCommand) {
  TempDir dir;
  const std::string path = dir.file("f.db");
  {
    auto d = open_engine(path, manual_only());
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE(load_sample((*d)->engine()).ok());
    for (int n = 0; n < 60; ++n) ASSERT_TRUE(lifecycle((*d)->engine(), n, 5, kT0 + n * 600).ok());
  }
  const std::int64_t pages = std::stoll(stored_blob(path, "PRAGMA page_count"));
  JournalOptions o;
  o.snapshots = SnapshotPolicy{10, absl::ZeroDuration()};
  o.max_pages = pages + 3;  // room for events, not for a snapshot of the state
  auto d = open_engine(path, o);
  ASSERT_TRUE(d.ok()) << d.status();
  Engine& e = (*d)->engine();
  for (int n = 0; n < 10; ++n) ASSERT_TRUE(e.submit(resident("R1"), submission("R1", "", n), kT0 + n).ok());
  EXPECT_EQ((*d)->policy_snapshot_status().code(), absl::StatusCode::kResourceExhausted)
      << (*d)->policy_snapshot_status();
  EXPECT_TRUE(snapshot_seqs(path).empty());
  const std::uint64_t failed_at = e.last_seq();
  for (int n = 0; n < 9; ++n) ASSERT_TRUE(e.submit(resident("R1"), submission("R1", "", 100 + n), kT0 + n).ok());
  EXPECT_EQ(e.last_seq(), failed_at + 9);
  EXPECT_EQ((*d)->journal().last_seq(), e.last_seq()) << "every command is durable";
}

// SIGKILL at random moments of a writer whose snapshots come from the policy (every 40
// events), many of them during a command that makes one due: nothing acknowledged is lost,
// the journal verifies (every snapshot is the state its events derive), and open from the
// newest snapshot equals a replay from seq 1.
TEST(DurableEngineCrash, SigkillDuringPolicySnapshotsLosesNothing) {
  constexpr std::uint64_t kSnapshotDue = ~std::uint64_t{0};  // the child's mark (crash_child.cpp)
  TempDir dir;
  const std::string path = dir.file("crash-policy.db");
  std::mt19937 rng(24);
  std::uint64_t max_acked = 0;
  int round = 0, in_due_command = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (; round < 30 && std::chrono::steady_clock::now() < deadline; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    ChildRun run = run_child_and_kill({JICENG_JOURNAL_CRASH_CHILD, "policy", path, std::to_string(rng())},
                                      static_cast<int>(rng() % 300), /*from_first_ack=*/true);
    ASSERT_TRUE(run.killed) << "child exited by itself (status " << run.status << "): " << run.error;
    if (!run.acked.empty() && run.acked.back() == kSnapshotDue) ++in_due_command;
    for (std::uint64_t a : run.acked) {
      if (a == kSnapshotDue) continue;
      ASSERT_GT(a, max_acked);
      max_acked = a;
    }
    auto d = open_engine(path, manual_only());
    ASSERT_TRUE(d.ok()) << d.status();
    ASSERT_GE((*d)->journal().last_seq(), max_acked) << "an acknowledged command was lost";
    auto report = (*d)->journal().verify();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->states_derived, report->snapshots);
    const std::string digest = (*d)->state_digest();
    d->reset();
    JournalOptions from_start = manual_only();
    from_start.use_snapshots = false;
    auto b = open_engine(path, from_start);
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ((*b)->state_digest(), digest);
    max_acked = std::max(max_acked, (*b)->journal().last_seq());
  }
  const std::vector<std::uint64_t> snaps = snapshot_seqs(path);
  std::printf("[ crash    ] policy: %d rounds, %d killed in a command that made a snapshot due, %zu snapshots, "
              "%llu events at the end\n",
              round, in_due_command, snaps.size(), static_cast<unsigned long long>(max_acked));
  EXPECT_GE(round, 10);
  EXPECT_GE(in_due_command, 1) << "no kill landed in a command that wrote a snapshot";
  EXPECT_GE(snaps.size(), 10u);
}

}  // namespace
}  // namespace jiceng::test
