// KPIs after a rewind of the engine's history (issue 15): a KpiIndex that read a batch
// which then rolled back, or an engine that was restored, rebuilds instead of keeping the
// rolled-back events and missing the real ones that reuse their seqs; and the lock order
// (engine lock, then the index's mutex) holds under threads that query inside and outside
// batches, some of which roll back.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "kpi/kpi_fixture.hpp"

namespace jiceng {
namespace {

using namespace kpi_test;

const Timestamp kT0 = at(2024, 3, 4);

std::uint64_t received(const KpiIndex& index) {
  auto r = index.rollup("", KpiPeriod{});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->counts.received : ~0ull;
}

/// The index agrees with the full scan (the oracle) on the whole engine and two subtrees.
void expect_matches_scan(const Engine& e, const KpiIndex& index) {
  for (std::string unit : {"", "S1", "C21"}) {
    auto a = compute_kpis(e, unit, KpiPeriod{});
    auto b = index.rollup(unit, KpiPeriod{});
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ(*a, *b) << "unit '" << unit << "'\nscan  " << kpi_report_json(*a) << "\nindex "
                      << kpi_report_json(*b);
  }
}

// The scenario: submit 1; a batch submits 2, asks the KPIs, fails. The engine holds
// 1 petition; the KPIs said 3 and stayed wrong after two more real submissions (seqs reused).
TEST(KpiRollback, BatchThatReadTheIndexThenFailedIsNotCounted) {
  auto engine = make_engine();
  Engine& e = *engine;
  KpiIndex index(e);
  submit(e, "G111", "parking", kT0);
  ASSERT_TRUE(index.update().ok());
  EXPECT_EQ(received(index), 1u);

  const absl::Status st = e.batch([&](Engine& b) -> absl::Status {
    submit(b, "G112", "parking", kT0);
    submit(b, "G211", "noise", kT0);
    EXPECT_TRUE(index.update().ok());
    EXPECT_EQ(received(index), 3u);  // inside the batch the index sees the batch
    return absl::AbortedError("the caller changed its mind");
  });
  ASSERT_EQ(st.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(e.stats().petitions, 1u);

  // Read without update: refused, never the rolled-back count.
  auto stale = index.rollup("", KpiPeriod{});
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kFailedPrecondition) << stale.status();
  EXPECT_EQ(index.ranking(1, KpiPeriod{}).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(index.trend("", KpiPeriod{}).status().code(), absl::StatusCode::kFailedPrecondition);

  ASSERT_TRUE(index.update().ok());
  EXPECT_EQ(received(index), 1u);
  EXPECT_EQ(index.petitions(), 1u);
  expect_matches_scan(e, index);

  // Real events reuse the rolled-back seqs; the index counts them.
  submit(e, "G121", "property", kT0 + 60);
  const PetitionId p = submit(e, "G211", "noise", kT0 + 120);
  take_up(e, p, kT0 + 180);
  ASSERT_TRUE(index.update().ok());
  EXPECT_EQ(index.last_seq(), e.last_seq());
  EXPECT_EQ(received(index), 3u);
  expect_matches_scan(e, index);
}

// A batch that rolls back after the index last read (the index never saw its events) is
// no rewind of what the index holds: it keeps its aggregates and stays readable.
TEST(KpiRollback, RollbackAboveWhatTheIndexReadKeepsIt) {
  auto engine = make_engine();
  Engine& e = *engine;
  KpiIndex index(e);
  submit(e, "G111", "parking", kT0);
  ASSERT_TRUE(index.update().ok());
  const HistoryMark mark{e.history_epoch(), index.last_seq()};
  ASSERT_FALSE(e.batch([&](Engine& b) -> absl::Status {
                  submit(b, "G112", "parking", kT0);
                  return absl::CancelledError("no");
                }).ok());
  EXPECT_EQ(e.history_epoch(), mark.epoch + 1);
  EXPECT_EQ(e.surviving_seq(mark), mark.seq);
  EXPECT_EQ(received(index), 1u);  // still current: no rebuild needed
  submit(e, "G211", "noise", kT0);
  ASSERT_TRUE(index.update().ok());
  EXPECT_EQ(received(index), 2u);
  expect_matches_scan(e, index);
}

// surviving_seq: the fewest events any rewind since the mark kept; 0 after a restore, for
// more rewinds than the engine remembers, and for a mark from the future.
TEST(KpiRollback, SurvivingSeqFollowsEveryRewind) {
  auto engine = make_engine();
  Engine& e = *engine;
  for (int i = 0; i < 3; ++i) submit(e, "G111", "parking", kT0);
  const HistoryMark at4{e.history_epoch(), e.last_seq()};
  ASSERT_EQ(at4.seq, 4u);  // load_org + 3 submissions
  auto fail_after = [&](int n) {
    return e.batch([&](Engine& b) -> absl::Status {
      for (int i = 0; i < n; ++i) submit(b, "G112", "noise", kT0);
      return absl::AbortedError("rolled back");
    });
  };
  ASSERT_FALSE(fail_after(0).ok());  // no event recorded: no rewind
  EXPECT_EQ(e.history_epoch(), at4.epoch);
  ASSERT_FALSE(fail_after(2).ok());
  EXPECT_EQ(e.surviving_seq(at4), 4u);
  EXPECT_EQ(e.surviving_seq({at4.epoch, 6}), 4u);  // a reader inside that batch at seq 6
  submit(e, "G121", "parking", kT0);                 // seq 5 again
  const HistoryMark at5{e.history_epoch(), 5};
  ASSERT_FALSE(fail_after(1).ok());
  EXPECT_EQ(e.surviving_seq(at5), 5u);
  EXPECT_EQ(e.surviving_seq({at4.epoch, 7}), 4u);
  EXPECT_EQ(e.surviving_seq({e.history_epoch() + 1, 3}), 0u);  // not from this engine

  const std::string snap = e.snapshot();
  ASSERT_TRUE(e.restore(snap).ok());
  EXPECT_EQ(e.surviving_seq(at5), 0u);
  const HistoryMark after_restore{e.history_epoch(), e.last_seq()};
  for (int i = 0; i < 65; ++i) ASSERT_FALSE(fail_after(1).ok());
  EXPECT_EQ(e.surviving_seq(after_restore), 0u);  // 65 rewinds: more than remembered
  const HistoryMark recent{e.history_epoch() - 64, e.last_seq()};
  EXPECT_EQ(e.surviving_seq(recent), e.last_seq());
}

// A restore replaces the history: the index rebuilds from the restored events.
TEST(KpiRollback, RestoreRebuildsTheIndex) {
  auto engine = make_engine();
  Engine& e = *engine;
  submit(e, "G111", "parking", kT0);
  const std::string one = e.snapshot();
  submit(e, "G112", "parking", kT0);
  submit(e, "G211", "noise", kT0);
  KpiIndex index(e);
  ASSERT_TRUE(index.update().ok());
  EXPECT_EQ(received(index), 3u);
  ASSERT_TRUE(e.restore(one).ok());
  EXPECT_EQ(index.rollup("", KpiPeriod{}).status().code(), absl::StatusCode::kFailedPrecondition);
  submit(e, "G121", "parking", kT0);
  submit(e, "G212", "noise", kT0);  // the same seqs as before the restore
  ASSERT_TRUE(index.update().ok());
  EXPECT_EQ(received(index), 3u);
  expect_matches_scan(e, index);
}

// A rewind between two chunks of one bounded update, and an update inside a batch that
// rolls back, then resumes: never a mix of two histories.
TEST(KpiRollback, BoundedUpdatesAcrossARewind) {
  auto engine = make_engine();
  Engine& e = *engine;
  for (int i = 0; i < 5; ++i) submit(e, "G111", "parking", kT0);
  KpiIndex index(e);
  ASSERT_TRUE(index.update(3).ok());
  ASSERT_FALSE(e.batch([&](Engine& b) -> absl::Status {
                  submit(b, "G211", "noise", kT0);
                  EXPECT_TRUE(index.update(2).ok());  // reads into the batch
                  EXPECT_EQ(index.last_seq(), 5u);
                  EXPECT_TRUE(index.update().ok());
                  EXPECT_EQ(index.last_seq(), 7u);
                  return absl::AbortedError("no");
                }).ok());
  for (int i = 0; i < 2; ++i) submit(e, "G212", "property", kT0);
  ASSERT_TRUE(index.update(4).ok());  // starts over at event 1
  EXPECT_EQ(index.last_seq(), 4u);
  ASSERT_TRUE(index.update().ok());
  EXPECT_EQ(index.last_seq(), e.last_seq());
  expect_matches_scan(e, index);
}

// Threads run KPI queries outside batches (engine reader lock, then the index mutex) and
// inside batches (the batch's writer lock, then the mutex) — the two orders of the old
// deadlock — plus plain commands; a third of the batches roll back after reading the
// index. A watchdog fails the test instead of hanging when the threads do not finish. At
// the end the index equals a fresh full scan and a fresh index.
TEST(KpiRollback, ConcurrentQueriesAndBatchesInBothOrders) {
  auto engine = make_engine();
  Engine& e = *engine;
  KpiIndex index(e);
  std::mutex index_mu;  // guards `index`; always taken inside the engine's lock
  auto query = [&](std::uint64_t* seen) -> absl::Status {
    std::lock_guard<std::mutex> lock(index_mu);
    JICENG_RETURN_IF_ERROR(index.update());
    JICENG_ASSIGN_OR_RETURN(KpiReport r, index.rollup("", KpiPeriod{}));
    if (seen != nullptr) *seen = r.counts.received;
    return absl::OkStatus();
  };
  const char* locations[] = {"G111", "G112", "G121", "G211", "G212"};
  constexpr int kRounds = 150;
  std::atomic<int> errors{0}, rolled_back{0}, inside_reads{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {  // batches that read the index inside, some failing
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t + 1));
      for (int i = 0; i < kRounds; ++i) {
        const bool fail = rng() % 3 == 0;
        const absl::Status st = e.batch([&](Engine& b) -> absl::Status {
          const PetitionId p = submit(b, locations[rng() % 5], "parking", kT0 + i);
          if (rng() % 2 == 0 && p != kNoPetition) JICENG_RETURN_IF_ERROR(b.accept(kOfficer, p, kT0 + i));
          std::uint64_t seen = 0;
          JICENG_RETURN_IF_ERROR(query(&seen));
          if (seen != b.stats().petitions) return absl::InternalError("index disagrees inside the batch");
          ++inside_reads;
          submit(b, locations[rng() % 5], "noise", kT0 + i);
          return fail ? absl::AbortedError("rolled back on purpose") : absl::OkStatus();
        });
        if (fail && st.code() == absl::StatusCode::kAborted) {
          ++rolled_back;
        } else if (!st.ok()) {
          ++errors;
          std::fprintf(stderr, "batch: %s\n", std::string(st.message()).c_str());
        }
      }
    });
  }
  for (int t = 0; t < 2; ++t) {  // queries outside batches
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds * 2; ++i) {
        std::uint64_t seen = 0;
        const absl::Status st = e.read([&] { return query(&seen); });
        if (!st.ok() || seen > e.stats().petitions) ++errors;
      }
    });
  }
  threads.emplace_back([&] {  // plain commands
    for (int i = 0; i < kRounds; ++i) {
      const PetitionId p = submit(e, locations[i % 5], "property", kT0 + i);
      if (i % 2 == 0) (void)e.accept(kOfficer, p, kT0 + i);
    }
  });

  std::mutex done_mu;
  std::condition_variable done_cv;
  bool done = false;
  std::thread joiner([&] {
    for (auto& th : threads) th.join();
    std::lock_guard<std::mutex> lock(done_mu);
    done = true;
    done_cv.notify_all();
  });
  {
    std::unique_lock<std::mutex> lock(done_mu);
    if (!done_cv.wait_for(lock, std::chrono::seconds(120), [&] { return done; })) {
      std::fprintf(stderr, "KpiRollback.ConcurrentQueriesAndBatchesInBothOrders: deadlock (no progress in 120 s)\n");
      std::fflush(stderr);
      std::_Exit(3);
    }
  }
  joiner.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(rolled_back.load(), 0);
  EXPECT_GT(inside_reads.load(), 0);
  ASSERT_TRUE(e.read([&] { return query(nullptr); }).ok());
  EXPECT_EQ(index.last_seq(), e.last_seq());
  EXPECT_EQ(index.petitions(), e.stats().petitions);
  expect_matches_scan(e, index);
  KpiIndex fresh(e);
  ASSERT_TRUE(fresh.update().ok());
  auto a = fresh.rollup("", KpiPeriod{});
  auto b = index.rollup("", KpiPeriod{});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
}

// Engine::read: re-entrant on its thread (queries inside do not lock again), a batch
// refuses to start inside it, and inside a batch it just runs.
TEST(KpiRollback, ReadSectionRules) {
  auto engine = make_engine();
  Engine& e = *engine;
  submit(e, "G111", "parking", kT0);
  ASSERT_TRUE(e.read([&]() -> absl::Status {
                 EXPECT_EQ(e.last_seq(), 2u);
                 EXPECT_TRUE(e.read([&] { return absl::OkStatus(); }).ok());
                 EXPECT_EQ(e.batch([](Engine&) { return absl::OkStatus(); }).code(),
                           absl::StatusCode::kFailedPrecondition);
                 return absl::OkStatus();
               }).ok());
  EXPECT_EQ(e.read([] { return absl::NotFoundError("passed through"); }).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(e.batch([&](Engine& b) -> absl::Status {
                 submit(b, "G112", "parking", kT0);
                 return b.read([&] {
                   EXPECT_EQ(b.last_seq(), 3u);
                   return absl::OkStatus();
                 });
               }).ok());
}

}  // namespace
}  // namespace jiceng
