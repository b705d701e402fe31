// bench/whatif_bench.cpp — a what-if run (jiceng/whatif.hpp: the journal's commands replayed
// under the recorded and a variant policy, both KPI sets, the comparison) against a plain
// replay of the same journal (open_engine from seq 1, no snapshot), in one process. Target:
// the what-if run ≤ 2× the plain replay (docs/targets.md). After the usual output it prints
// both medians and their ratio.
//
// The journal is made once by the demo: JICENG_WHATIF_BENCH_DAYS days (default 365, a
// demo-district year) at JICENG_WHATIF_BENCH_RATE petitions a day (default 100). Run with
// --benchmark_repetitions=5 to compare medians.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include "demo/demo.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/whatif.hpp"

namespace {

namespace fs = std::filesystem;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

struct Fixture {
  std::string dir, journal;
  std::uint64_t events = 0;
  int days = 0;
  ~Fixture() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

const Fixture& fixture() {
  static Fixture f = [] {
    Fixture x;
    x.days = env_int("JICENG_WHATIF_BENCH_DAYS", 365);
    x.dir = (fs::temp_directory_path() / ("jiceng-whatif-bench-" + std::to_string(::getpid()))).string();
    jiceng::DemoOptions o;
    o.days = x.days;
    o.petitions_per_day = env_int("JICENG_WHATIF_BENCH_RATE", 100);
    o.out_dir = x.dir;
    o.render_svg = false;
    auto r = jiceng::run_demo(o);
    if (!r.ok()) {
      std::fprintf(stderr, "whatif_bench: the demo failed: %s\n", std::string(r.status().message()).c_str());
      std::exit(1);
    }
    x.journal = x.dir + "/journal.sqlite";
    x.events = r->events;
    return x;
  }();
  return f;
}

void BM_PlainReplay(benchmark::State& state) {
  const Fixture& f = fixture();
  jiceng::JournalOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  o.use_snapshots = false;
  for (auto _ : state) {
    auto e = jiceng::open_engine(f.journal, o);
    if (!e.ok()) state.SkipWithError(std::string(e.status().message()).c_str());
    benchmark::DoNotOptimize(e);
  }
  state.counters["events"] = static_cast<double>(f.events);
}

void BM_WhatIf(benchmark::State& state) {
  const Fixture& f = fixture();
  jiceng::WhatIfOptions o;
  o.policy = std::string(JICENG_SOURCE_DIR) + "/docs/examples/whatif/property-resolve-3wd.json";
  for (auto _ : state) {
    auto r = jiceng::run_whatif(f.journal, o);
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["events"] = static_cast<double>(f.events);
}

BENCHMARK(BM_PlainReplay)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_WhatIf)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// Keeps each benchmark's time (the median when repeated) and prints the ratio at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      if (r.run_type == Run::RT_Iteration || r.aggregate_name == "median") {
        ms_[r.run_name.function_name] = {r.GetAdjustedRealTime(), r.GetAdjustedCPUTime()};
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void print() const {
    auto plain = ms_.find("BM_PlainReplay"), whatif = ms_.find("BM_WhatIf");
    if (plain == ms_.end() || whatif == ms_.end() || plain->second.first <= 0 || plain->second.second <= 0) return;
    const Fixture& f = fixture();
    // CPU time decides (the machine is shared: wall time counts other processes' slices).
    const double ratio = whatif->second.second / plain->second.second;
    std::printf("\nwhat-if vs plain replay of one journal (%d demo days, %llu events; median when repeated):\n"
                "  plain replay %10.1f ms wall %10.1f ms CPU\n  what-if      %10.1f ms wall %10.1f ms CPU\n"
                "  ratio        %10.2fx wall %9.2fx CPU (target <= 2.00) %s\n",
                f.days, static_cast<unsigned long long>(f.events), plain->second.first, plain->second.second,
                whatif->second.first, whatif->second.second, whatif->second.first / plain->second.first, ratio,
                ratio <= 2.0 ? "ok" : "ABOVE TARGET");
  }

 private:
  std::map<std::string, std::pair<double, double>> ms_;  // wall, CPU
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  (void)fixture();  // the journal is made before any timing
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print();
  benchmark::Shutdown();
  return 0;
}
