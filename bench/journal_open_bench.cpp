// bench/journal_open_bench.cpp — opening a large journal (issue 24): from its newest
// snapshot (restore, then verify and apply only the tail after the snapshot's anchored seq)
// against a replay from seq 1 (decode, apply and re-hash every event), in one process on
// one file. The summary prints the medians, the ratio, and what the snapshot cost to write.
//
//   JICENG_BENCH_OPEN_EVENTS   events in the journal (default 1,500,000)
//   JICENG_BENCH_OPEN_TAIL     events after the snapshot (default 10,000)
//   JICENG_BENCH_DIR           where the file goes (default /tmp)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "jiceng/journal.hpp"
#include "../tests/journal/scenario.hpp"

namespace {

std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Fixture {
  std::string path;
  std::uint64_t events = 0, snapshot_seq = 0;
  std::size_t snapshot_bytes = 0;
  double snapshot_write_ms = 0;
  std::string digest;  // the live state at the end
};

// Writes `n` events through `e` in batches of whole petition lifecycles (6 events each).
void fill(jiceng::Engine& e, std::uint64_t until, int& n) {
  while (e.last_seq() < until) {
    const std::uint64_t left = until - e.last_seq();
    const int batch = static_cast<int>(std::min<std::uint64_t>(166, std::max<std::uint64_t>(1, left / 6)));
    absl::Status st = e.batch([&](jiceng::Engine& en) -> absl::Status {
      for (int k = 0; k < batch; ++k, ++n) {
        JICENG_RETURN_IF_ERROR(jiceng::test::lifecycle(en, n, 5, jiceng::test::kT0 + n).status());
      }
      return absl::OkStatus();
    });
    if (!st.ok()) {
      std::fprintf(stderr, "journal_open_bench: %s\n", std::string(st.message()).c_str());
      std::abort();
    }
  }
}

// The sample district and petitions through the whole loop; a snapshot `tail` events
// before the end (the policy off, so it is the only one).
const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    const char* dir = std::getenv("JICENG_BENCH_DIR");
    x.path = std::string(dir != nullptr ? dir : "/tmp") + "/jiceng-bench-open.db";
    for (const char* suffix : {"", "-wal", "-shm", "-head"}) std::filesystem::remove(x.path + suffix);
    const std::uint64_t total = env_u64("JICENG_BENCH_OPEN_EVENTS", 1'500'000);
    const std::uint64_t tail = env_u64("JICENG_BENCH_OPEN_TAIL", 10'000);
    jiceng::JournalOptions o;
    o.sync = jiceng::SyncMode::kOff;
    o.snapshots = jiceng::SnapshotPolicy{0, absl::ZeroDuration()};
    auto d = jiceng::open_engine(x.path, o);
    if (!d.ok() || !jiceng::test::load_sample((*d)->engine()).ok()) std::abort();
    jiceng::Engine& e = (*d)->engine();
    int n = 0;
    fill(e, total > tail ? total - tail : 0, n);
    const auto t0 = std::chrono::steady_clock::now();
    auto snap = (*d)->write_snapshot();
    x.snapshot_write_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!snap.ok()) std::abort();
    x.snapshot_seq = snap->seq;
    x.snapshot_bytes = e.snapshot().size();
    fill(e, total, n);
    x.events = e.last_seq();
    x.digest = (*d)->state_digest();
    return x;
  }();
  return f;
}

void open_bench(benchmark::State& state, bool from_snapshot) {
  const Fixture& f = fixture();
  jiceng::JournalOptions o;
  o.read_only = true;
  o.use_snapshots = from_snapshot;
  std::uint64_t replayed = 0;
  for (auto _ : state) {
    auto d = jiceng::open_engine(f.path, o);
    if (!d.ok()) {
      state.SkipWithError(std::string(d.status().message()).c_str());
      break;
    }
    replayed = (*d)->open_report().replayed;
    state.PauseTiming();
    // Not a figure unless both opens rebuild the very state the writer had.
    if ((*d)->open_report().digest != f.digest) {
      state.SkipWithError("the opened state differs from the written one");
      break;
    }
    d->reset();  // freeing the petitions is not opening
    state.ResumeTiming();
  }
  state.counters["events"] = static_cast<double>(f.events);
  state.counters["replayed"] = static_cast<double>(replayed);
}

void BM_OpenFromSnapshot(benchmark::State& state) { open_bench(state, true); }
void BM_OpenFromStart(benchmark::State& state) { open_bench(state, false); }

// Where an open from the snapshot spends its time: reading the snapshot row (and checking
// its digest, row hash and anchor), and Engine::restore of its bytes alone.
void BM_ReadSnapshot(benchmark::State& state) {
  jiceng::JournalOptions o;
  o.read_only = true;
  for (auto _ : state) {
    auto j = jiceng::Journal::open(fixture().path, o);
    if (!j.ok()) std::abort();
    auto snap = (*j)->latest_snapshot();
    if (!snap.ok() || !snap->has_value()) std::abort();
    benchmark::DoNotOptimize((*snap)->state.data());
  }
}

void BM_RestoreSnapshotState(benchmark::State& state) {
  jiceng::JournalOptions o;
  o.read_only = true;
  auto j = jiceng::Journal::open(fixture().path, o);
  if (!j.ok()) std::abort();
  auto snap = (*j)->latest_snapshot();
  if (!snap.ok() || !snap->has_value()) std::abort();
  for (auto _ : state) {
    auto e = jiceng::Engine::create();
    if (!e.ok() || !(*e)->restore((*snap)->state).ok()) std::abort();
    state.PauseTiming();
    e->reset();
    state.ResumeTiming();
  }
}

BENCHMARK(BM_OpenFromSnapshot)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(5);
BENCHMARK(BM_OpenFromStart)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(5);
BENCHMARK(BM_ReadSnapshot)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(5);
BENCHMARK(BM_RestoreSnapshotState)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(5);

// The median wall time of each benchmark, for the summary.
class MedianReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (!r.error_occurred && r.run_type == Run::RT_Aggregate && r.aggregate_name == "median") {
        median_ms_[r.run_name.function_name] = r.GetAdjustedRealTime();
        median_cpu_ms_[r.run_name.function_name] = r.GetAdjustedCPUTime();
      }
    }
  }
  double ms(const std::string& name) const {
    auto it = median_ms_.find(name);
    return it == median_ms_.end() ? 0 : it->second;
  }
  double cpu_ms(const std::string& name) const {
    auto it = median_cpu_ms_.find(name);
    return it == median_cpu_ms_.end() ? 0 : it->second;
  }

 private:
  std::map<std::string, double> median_ms_, median_cpu_ms_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  MedianReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const Fixture& f = fixture();
  const double snap = reporter.ms("BM_OpenFromSnapshot"), start = reporter.ms("BM_OpenFromStart");
  std::printf("\nsummary (one SQLite journal of %llu events, snapshot at seq %llu: %llu events after it; medians of 5)\n",
              static_cast<unsigned long long>(f.events), static_cast<unsigned long long>(f.snapshot_seq),
              static_cast<unsigned long long>(f.events - f.snapshot_seq));
  // CPU time beside wall time: on a shared machine the wall time counts others' slices.
  const double snap_cpu = reporter.cpu_ms("BM_OpenFromSnapshot"), start_cpu = reporter.cpu_ms("BM_OpenFromStart");
  if (snap > 0) std::printf("  open from the snapshot : %10.1f ms wall, %10.1f ms CPU\n", snap, snap_cpu);
  if (start > 0) {
    std::printf("  open from seq 1        : %10.1f ms wall, %10.1f ms CPU (%.0f events/s wall)\n", start, start_cpu,
                static_cast<double>(f.events) / (start / 1000.0));
  }
  if (snap > 0 && start > 0) {
    std::printf("  ratio from start / from snapshot: %.2f x wall, %.2f x CPU\n", start / snap,
                snap_cpu > 0 ? start_cpu / snap_cpu : 0.0);
  }
  std::printf("  of which: reading and checking the snapshot row %.1f ms, Engine::restore of its bytes %.1f ms (wall)\n",
              reporter.ms("BM_ReadSnapshot"), reporter.ms("BM_RestoreSnapshotState"));
  std::printf("  the snapshot           : %zu bytes, written in %.1f ms\n", f.snapshot_bytes, f.snapshot_write_ms);
  benchmark::Shutdown();
  return 0;
}
