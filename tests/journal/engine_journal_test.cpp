// Tests of the Engine on a journal (DurableEngine): live digest == replay from the start
// == replay from a snapshot; the journal alone rebuilds policy and org; a failed append
// leaves the state equal to the durable state; corruption is DATA_LOSS naming the seq;
// read-only; 8 threads of commands and queries (run under TSan too); SIGKILL crash test.
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "journal/scenario.hpp"
#include "journal/test_util.hpp"

namespace jiceng {
namespace {

using ::testing::HasSubstr;
using test::kT0;
using test::TempDir;

void raw_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

std::unique_ptr<DurableEngine> open_ok(const std::string& path, const JournalOptions& o = {}) {
  auto d = open_engine(path, o);
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? std::move(*d) : nullptr;
}

// Runs a varied workload: full loops, half loops, a batch, a tick.
void workload(Engine& e, int from, int count) {
  for (int n = from; n < from + count; ++n) {
    auto id = test::lifecycle(e, n, n % 6, kT0 + n * 600);
    ASSERT_TRUE(id.ok()) << "petition " << n << ": " << id.status();
  }
  absl::Status b = e.batch([&](Engine& en) -> absl::Status {
    for (int k = 0; k < 5; ++k) {
      JICENG_RETURN_IF_ERROR(test::lifecycle(en, from + count + k, 2, kT0 + (from + count) * 600).status());
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(b.ok()) << b;
  auto t = e.tick(kT0 + (from + count) * 600 + 20 * 86400);
  ASSERT_TRUE(t.ok()) << t.status();
}

TEST(DurableEngine, ReplayFromStartAndFromSnapshotEqualTheLiveState) {
  TempDir dir;
  const std::string path = dir.file("engine.db");
  std::string live_mid, live_end;
  std::uint64_t snap_seq = 0, last = 0;
  {
    JournalOptions o;
    o.policy = "suzhou-sip";
    auto d = open_ok(path, o);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->journal().last_seq(), 2u) << "a new journal starts with set_policy and set_calendar";
    auto first = d->engine().events(1, 2);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[1].type, EventType::kSetCalendar);
    EXPECT_EQ(first[1].payload.document, "mode=provisional rule=1");
    ASSERT_TRUE(test::load_sample(d->engine()).ok());
    workload(d->engine(), 0, 30);
    live_mid = d->state_digest();
    auto s = d->write_snapshot();
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->digest, live_mid);
    snap_seq = s->seq;
    EXPECT_EQ(snap_seq, d->engine().last_seq());
    workload(d->engine(), 100, 20);
    live_end = d->state_digest();
    last = d->engine().last_seq();
    EXPECT_EQ(d->journal().last_seq(), last);
    EXPECT_NE(live_mid, live_end);
  }
  // From the snapshot.
  auto a = open_ok(path);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->open_report().snapshot_seq, std::optional<std::uint64_t>(snap_seq));
  EXPECT_EQ(a->open_report().replayed, last - snap_seq);
  EXPECT_EQ(a->open_report().last_seq, last);
  EXPECT_EQ(a->open_report().digest, live_end);
  EXPECT_EQ(a->state_digest(), live_end);
  EXPECT_EQ(a->engine().policy_name(), "suzhou-sip") << "the policy came from the journal";
  EXPECT_GT(a->engine().unit_count(), 0u) << "the org came from the journal";
  std::uint64_t total = 0;
  for (const auto& [type, n] : a->open_report().counts) total += n;
  EXPECT_EQ(total, last);
  EXPECT_EQ(a->open_report().counts.at("set_policy"), 1u);
  EXPECT_EQ(a->open_report().counts.at("load_org"), 1u);
  EXPECT_GT(a->open_report().counts.at("submit"), 50u);
  a.reset();
  // From the start, ignoring the snapshot.
  JournalOptions no_snap;
  no_snap.use_snapshots = false;
  auto b = open_ok(path, no_snap);
  ASSERT_NE(b, nullptr);
  EXPECT_FALSE(b->open_report().snapshot_seq.has_value());
  EXPECT_EQ(b->open_report().replayed, last);
  EXPECT_EQ(b->state_digest(), live_end);
  // The reopened engine keeps journaling, and a third open agrees again.
  ASSERT_TRUE(test::lifecycle(b->engine(), 500, 5, kT0 + 40 * 86400).ok());
  const std::string after = b->state_digest();
  b.reset();
  auto c = open_ok(path);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->state_digest(), after);
  EXPECT_TRUE(c->journal().verify().ok());
}

TEST(DurableEngine, RejectedCommandWritesNothing) {
  TempDir dir;
  auto d = open_ok(dir.file("e.db"));
  ASSERT_NE(d, nullptr);
  ASSERT_TRUE(test::load_sample(d->engine()).ok());
  auto id = test::lifecycle(d->engine(), 1, 0, kT0);
  ASSERT_TRUE(id.ok());
  const std::uint64_t seq = d->journal().last_seq();
  const std::string digest = d->state_digest();
  // Illegal transition (sign before dispatch): refused by the engine, no row written.
  EXPECT_FALSE(d->engine().sign(test::officer(), *id, kT0 + 10).ok());
  EXPECT_EQ(d->journal().last_seq(), seq);
  EXPECT_EQ(d->state_digest(), digest);
}

TEST(DurableEngine, FailedAppendLeavesTheDurableState) {
  TempDir dir;
  const std::string path = dir.file("e.db");
  JournalOptions o;
  o.busy_timeout_ms = 30;
  auto d = open_ok(path, o);
  ASSERT_NE(d, nullptr);
  Engine& e = d->engine();
  ASSERT_TRUE(test::load_sample(e).ok());
  auto id = test::lifecycle(e, 1, 1, kT0);
  ASSERT_TRUE(id.ok());
  const std::string digest = d->state_digest();
  const EngineStats stats = e.stats();
  const std::uint64_t seq = d->journal().last_seq();

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  // A single command…
  absl::Status st = e.dispatch(test::officer(), *id, "", false, kT0 + 100);
  ASSERT_EQ(st.code(), absl::StatusCode::kUnavailable) << st;
  EXPECT_THAT(st.message(), HasSubstr(path));
  // …a new petition…
  auto sub = e.submit(test::resident("R9"), test::submission("R9", "k-locked", 9), kT0 + 100);
  EXPECT_EQ(sub.status().code(), absl::StatusCode::kUnavailable);
  // …and a batch of several commands: all refused, nothing changed.
  absl::Status b = e.batch([&](Engine& en) -> absl::Status {
    JICENG_RETURN_IF_ERROR(test::lifecycle(en, 2, 3, kT0 + 200).status());
    return en.dispatch(test::officer(), *id, "", false, kT0 + 300);
  });
  EXPECT_EQ(b.code(), absl::StatusCode::kUnavailable) << b;
  EXPECT_EQ(d->state_digest(), digest);
  EXPECT_EQ(e.stats().petitions, stats.petitions);
  EXPECT_EQ(e.last_seq(), seq);
  EXPECT_EQ(d->journal().last_seq(), seq);
  EXPECT_FALSE(e.find_by_key("k-locked").has_value());
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);

  // The lock is gone: the same commands go through, and a reopen sees the same state.
  ASSERT_TRUE(e.dispatch(test::officer(), *id, "", false, kT0 + 400).ok());
  ASSERT_TRUE(test::lifecycle(e, 3, 5, kT0 + 500).ok());
  const std::string live = d->state_digest();
  d.reset();
  auto again = open_ok(path);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->state_digest(), live);
}

TEST(DurableEngine, DiskFullLeavesTheDurableState) {
  TempDir dir;
  const std::string path = dir.file("e.db");
  JournalOptions o;
  o.max_pages = 200;  // the sample org document alone takes a few pages
  auto d = open_ok(path, o);
  ASSERT_NE(d, nullptr);
  Engine& e = d->engine();
  ASSERT_TRUE(test::load_sample(e).ok());
  absl::Status failure;
  int n = 0;
  std::string digest_before_failure;
  for (; n < 100000 && failure.ok(); ++n) {
    digest_before_failure = d->state_digest();
    const std::uint64_t seq = e.last_seq();
    failure = e.batch([&](Engine& en) -> absl::Status {
      for (int k = 0; k < 20; ++k) JICENG_RETURN_IF_ERROR(test::lifecycle(en, n * 20 + k, 5, kT0 + n * 60).status());
      return absl::OkStatus();
    });
    if (!failure.ok()) {
      EXPECT_EQ(e.last_seq(), seq);
      EXPECT_EQ(d->state_digest(), digest_before_failure);
    }
  }
  ASSERT_EQ(failure.code(), absl::StatusCode::kResourceExhausted) << failure;
  EXPECT_THAT(failure.message(), HasSubstr("SQLITE_FULL"));
  d.reset();
  auto again = open_ok(path);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->state_digest(), digest_before_failure) << "memory and disk agree after the failure";
}

TEST(DurableEngine, ReadOnlyAnswersQueriesAndRefusesCommands) {
  TempDir dir;
  const std::string path = dir.file("e.db");
  PetitionId id = 0;
  std::string digest;
  {
    auto d = open_ok(path);
    ASSERT_NE(d, nullptr);
    ASSERT_TRUE(test::load_sample(d->engine()).ok());
    auto r = test::lifecycle(d->engine(), 1, 1, kT0);
    ASSERT_TRUE(r.ok());
    id = *r;
    digest = d->state_digest();
  }
  JournalOptions ro;
  ro.read_only = true;
  auto d = open_ok(path, ro);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->state_digest(), digest);
  auto v = d->engine().get(id);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->state, State::kAccepted);
  absl::Status st = d->engine().dispatch(test::officer(), id, "", false, kT0 + 100);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
  EXPECT_EQ(d->state_digest(), digest);
  EXPECT_EQ(d->write_snapshot().status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(DurableEngine, CorruptionIsDataLossNamingTheSeq) {
  TempDir dir;
  const std::string path = dir.file("e.db");
  {
    auto d = open_ok(path);
    ASSERT_NE(d, nullptr);
    ASSERT_TRUE(test::load_sample(d->engine()).ok());
    for (int n = 0; n < 5; ++n) ASSERT_TRUE(test::lifecycle(d->engine(), n, 5, kT0 + n * 600).ok());
  }
  const std::string copy = dir.file("copy.db");
  raw_sql(path, "VACUUM INTO '" + copy + "'");
  raw_sql(copy, "UPDATE events SET payload = payload || x'00' WHERE seq = 9");
  auto d = open_engine(copy);
  ASSERT_EQ(d.status().code(), absl::StatusCode::kDataLoss) << d.status();
  EXPECT_THAT(d.status().message(), HasSubstr("seq 9: hash mismatch"));

  // Rows whose chain is intact but whose content is not a valid event, or does not apply:
  // written through the Journal API, so only the Engine-level checks can catch them.
  {
    auto j = Journal::open(dir.file("bad-payload.db"));
    ASSERT_TRUE(j.ok());
    ASSERT_TRUE((*j)->append(std::vector<JournalRecord>{{kT0, "submit", "not an event"}}).ok());
  }
  auto bad = open_engine(dir.file("bad-payload.db"));
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(bad.status().message(), HasSubstr("seq 1: cannot decode"));
  {
    Event e;
    e.seq = 1;
    e.time = kT0;
    e.type = EventType::kAccept;
    e.actor = test::officer();
    e.petition = 42;  // no such petition
    auto j = Journal::open(dir.file("bad-apply.db"));
    ASSERT_TRUE(j.ok());
    ASSERT_TRUE((*j)->append(std::vector<JournalRecord>{{kT0, "accept", Engine::encode_event(e)}}).ok());
    e.seq = 2;
    ASSERT_TRUE((*j)->append(std::vector<JournalRecord>{{kT0, "submit", Engine::encode_event(e)}}).ok());
  }
  auto unapplied = open_engine(dir.file("bad-apply.db"));
  ASSERT_EQ(unapplied.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(unapplied.status().message(), HasSubstr("seq 1 (accept): replay failed"));
  {
    // Row type and payload type disagree.
    Event e;
    e.seq = 1;
    e.time = kT0;
    e.type = EventType::kSetPolicy;
    e.payload.document = "national";
    auto j = Journal::open(dir.file("mismatch.db"));
    ASSERT_TRUE(j.ok());
    ASSERT_TRUE((*j)->append(std::vector<JournalRecord>{{kT0, "load_org", Engine::encode_event(e)}}).ok());
  }
  auto mismatch = open_engine(dir.file("mismatch.db"));
  ASSERT_EQ(mismatch.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(mismatch.status().message(), HasSubstr("seq 1: the row (load_org"));
}

// 8 threads share one journaled engine: commands (single and batched) and queries.
// Run under ThreadSanitizer by the tsan preset.
TEST(DurableEngine, EightThreadsMixCommandsAndQueries) {
  TempDir dir;
  const std::string path = dir.file("threads.db");
  JournalOptions o;
  o.sync = SyncMode::kOff;  // threads, not fsync, are under test
  auto d = open_ok(path, o);
  ASSERT_NE(d, nullptr);
  Engine& e = d->engine();
  ASSERT_TRUE(test::load_sample(e).ok());
  constexpr int kThreads = 8;
  const int kOps = 60;
  std::atomic<int> failures{0}, commands{0}, queries{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t));
      for (int i = 0; i < kOps; ++i) {
        const int n = t * 1000 + i;
        switch (rng() % 4) {
          case 0: {
            auto r = test::lifecycle(e, n, static_cast<int>(rng() % 6), kT0 + n);
            if (!r.ok()) ++failures;
            ++commands;
            break;
          }
          case 1: {
            absl::Status st = e.batch([&](Engine& en) -> absl::Status {
              for (int k = 0; k < 3; ++k) {
                JICENG_RETURN_IF_ERROR(test::lifecycle(en, n * 10 + k, 3, kT0 + n).status());
              }
              return absl::OkStatus();
            });
            if (!st.ok()) ++failures;
            ++commands;
            break;
          }
          case 2: {
            const EngineStats s = e.stats();
            auto ids = e.by_state(State::kAccepted);
            for (std::size_t k = 0; k < std::min<std::size_t>(ids.size(), 3); ++k) (void)e.get(ids[k]);
            (void)e.by_unit_subtree("320506001");
            (void)e.overdue(kT0 + 86400 * 30);
            if (s.events > e.last_seq()) ++failures;  // counts never run backwards
            ++queries;
            break;
          }
          default: {
            (void)d->journal().last_seq();
            (void)e.events(1, 20);
            (void)e.snapshot();
            ++queries;
            break;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(commands.load(), 0);
  EXPECT_GT(queries.load(), 0);
  EXPECT_EQ(d->journal().last_seq(), e.last_seq());
  auto report = d->journal().verify();
  ASSERT_TRUE(report.ok()) << report.status();
  const std::string live = d->state_digest();
  d.reset();
  auto again = open_ok(path);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->state_digest(), live);
}

// --- crash safety with the Engine ---------------------------------------------------

TEST(DurableEngineCrash, SigkillLosesNoAcknowledgedCommandAndNoHalfBatch) {
  TempDir dir;
  const std::string path = dir.file("crash-engine.db");
  std::mt19937 rng(7);
  std::uint64_t max_acked = 0;
  int round = 0, rounds_with_acks = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(25);
  for (; round < 30 && std::chrono::steady_clock::now() < deadline; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    test::ChildRun run = test::run_child_and_kill(
        {JICENG_JOURNAL_CRASH_CHILD, "engine", path, std::to_string(rng())},
        static_cast<int>(rng() % 300), /*from_first_ack=*/round % 3 != 0);
    ASSERT_TRUE(run.killed) << "child exited by itself (status " << run.status << "): " << run.error;
    if (!run.acked.empty()) ++rounds_with_acks;
    for (std::uint64_t a : run.acked) {
      ASSERT_GT(a, max_acked);
      max_acked = a;
    }
    auto d = open_engine(path);
    ASSERT_TRUE(d.ok()) << d.status();
    ASSERT_GE((*d)->journal().last_seq(), max_acked) << "an acknowledged command was lost";
    // Batches are whole: every submit keyed "b:<batch>:<i>/<n>" has all n siblings.
    std::map<std::string, std::set<int>> batches;
    std::map<std::string, int> sizes;
    absl::Status st = (*d)->journal().replay(0, [&](const StoredRecord& r) -> absl::Status {
      if (r.type != "submit") return absl::OkStatus();
      auto ev = Engine::decode_event(r.payload);
      if (!ev.ok()) return ev.status();
      const std::string& key = ev->payload.idempotency_key;
      if (key.rfind("b:", 0) != 0) return absl::OkStatus();
      const auto slash = key.rfind('/'), colon = key.rfind(':');
      batches[key.substr(0, colon)].insert(std::stoi(key.substr(colon + 1, slash - colon - 1)));
      sizes[key.substr(0, colon)] = std::stoi(key.substr(slash + 1));
      return absl::OkStatus();
    });
    ASSERT_TRUE(st.ok()) << st;
    for (const auto& [batch, members] : batches) {
      EXPECT_EQ(static_cast<int>(members.size()), sizes[batch]) << "batch " << batch << " is partial";
    }
    // The reopened engine agrees with a replay from the start.
    JournalOptions no_snap;
    no_snap.use_snapshots = false;
    const std::string digest = (*d)->state_digest();
    d->reset();
    auto from_start = open_engine(path, no_snap);
    ASSERT_TRUE(from_start.ok()) << from_start.status();
    EXPECT_EQ((*from_start)->state_digest(), digest);
    max_acked = std::max(max_acked, (*from_start)->journal().last_seq());
  }
  std::printf("[ crash    ] engine: %d rounds, %d with acknowledged commands, %llu events at the end\n",
              round, rounds_with_acks, static_cast<unsigned long long>(max_acked));
  EXPECT_GE(round, 10);
  EXPECT_GE(rounds_with_acks, round / 2);
}

}  // namespace
}  // namespace jiceng
