// bench/capi_ratio.hpp — a Google Benchmark main that, after the usual console output,
// prints the ratio of each `BM_Capi<X>` time to its `BM_Direct<X>` twin (C ABI call
// overhead; target ≤ 1.2×, docs/targets.md). Run with --benchmark_repetitions=5
// --benchmark_report_aggregates_only to compare medians. The ratio uses CPU time: the
// machine is shared, and wall time then counts other processes' slices, not our work.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace capi_bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      if (r.run_type == Run::RT_Iteration || r.aggregate_name == "median")
        times_[r.run_name.function_name] = r.GetAdjustedCPUTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void PrintRatios() const {
    std::printf("\nC ABI overhead (C ABI CPU time / direct C++ CPU time, median when repeated; target <= 1.20):\n");
    for (const auto& [name, t] : times_) {
      if (name.rfind("BM_Capi", 0) != 0) continue;
      const std::string twin = "BM_Direct" + name.substr(7);
      auto it = times_.find(twin);
      if (it == times_.end() || it->second <= 0) continue;
      std::printf("  %-28s %8.2f ns vs %8.2f ns  ratio %.2fx %s\n", name.substr(7).c_str(), t, it->second,
                  t / it->second, t / it->second <= 1.2 ? "ok" : "ABOVE TARGET");
    }
  }

 private:
  std::map<std::string, double> times_;
};

inline int run(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  benchmark::Shutdown();
  return 0;
}

}  // namespace capi_bench
