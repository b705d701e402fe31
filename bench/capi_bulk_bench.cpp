// Bulk commit benchmark (issue 24, 批量提交): durable jc_engine_submit_many — a SQLite
// journal on disk, synchronous=FULL — against the same call inside jc_engine_batch, in
// one run, through the C ABI as a binding calls it. Target: the plain bulk call (group
// commit, the default) at ≥ 0.5× the throughput of the call inside a batch. Per-item
// commit (JC_BULK_COMMIT_PER_ITEM, one transaction per petition) runs too, for reference.
//
// Each benchmark run opens a fresh journal with the sample district; every iteration
// submits kItems new petitions (distinct texts, no keys). The summary at the end prints
// the ratio of the medians (run with --benchmark_repetitions=5
// --benchmark_enable_random_interleaving=true, as scripts/bench-table does).
// Environment: JICENG_BENCH_DIR (default /tmp) for the journal files.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "jiceng.h"

namespace {

constexpr std::int64_t kMon = 1736125200;  // 2025-01-06 09:00 CST

std::filesystem::path bench_dir() {
  static const std::filesystem::path dir = [] {
    const char* env = std::getenv("JICENG_BENCH_DIR");
    std::filesystem::path d =
        std::filesystem::path(env != nullptr ? env : "/tmp") / ("jiceng-bulk-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

/// A day's intake of `n` resident complaints as submission columns.
struct Intake {
  std::vector<std::string> actor_store, text_store;
  std::vector<const char*> actors, locations, categories, texts;
  jc_submission_columns cols = JC_SUBMISSION_COLUMNS_INIT;
  explicit Intake(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      actor_store.push_back("R-" + std::to_string(i));
      text_store.push_back("楼下广场舞噪音扰民，晚上十点以后仍在放音乐 #" + std::to_string(i));
    }
    for (std::size_t i = 0; i < n; ++i) {
      actors.push_back(actor_store[i].c_str());
      locations.push_back("H-G01B01-0101");
      categories.push_back("noise");
      texts.push_back(text_store[i].c_str());
    }
    cols.count = n;
    cols.actor_ids = actors.data();
    cols.locations = locations.data();
    cols.categories = categories.data();
    cols.texts = texts.data();
  }
};

/// A durable engine (synchronous=FULL) on a fresh journal holding the sample district.
jc_engine* durable_engine(const char* name) {
  const std::string path = (bench_dir() / name).string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  jc_engine_options o = JC_ENGINE_OPTIONS_INIT;
  o.policy = "suzhou-sip";
  o.journal = path.c_str();
  o.sync = JC_SYNC_FULL;
  jc_engine* e = nullptr;
  if (jc_engine_open(&e, &o) != JC_OK || jc_engine_load_sample_org(e, kMon - 86400) != JC_OK) {
    std::fprintf(stderr, "capi_bulk_bench: %s\n", jc_last_error());
    std::exit(1);
  }
  return e;
}

struct SubmitCall {
  jc_engine* engine;
  Intake* intake;
  std::vector<std::uint64_t>* ids;
};

jc_status submit_in_batch(jc_engine* e, void* user) {
  auto* c = static_cast<SubmitCall*>(user);
  return jc_engine_submit_many(c->ids->data(), nullptr, e, &c->intake->cols, kMon);
}

enum class Mode { kGroup, kInBatch, kPerItem };

void run(benchmark::State& state, Mode mode, const char* file) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Intake intake(n);
  std::vector<std::uint64_t> ids(n);
  jc_engine* e = durable_engine(file);
  if (mode == Mode::kPerItem) jc_engine_set_bulk_commit(e, JC_BULK_COMMIT_PER_ITEM);
  SubmitCall call{e, &intake, &ids};
  for (auto _ : state) {
    const jc_status rc = mode == Mode::kInBatch ? jc_engine_batch(e, submit_in_batch, &call)
                                                : jc_engine_submit_many(ids.data(), nullptr, e, &intake.cols, kMon);
    if (rc != JC_OK) {
      state.SkipWithError(jc_last_error());
      break;
    }
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
  jc_engine_free(e);
}

// The plain bulk call on a durable engine: group commit (the default).
void BM_DurableSubmitMany(benchmark::State& state) { run(state, Mode::kGroup, "group.db"); }
BENCHMARK(BM_DurableSubmitMany)->Arg(5000)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same call inside jc_engine_batch: the reference of the target.
void BM_DurableSubmitManyInBatch(benchmark::State& state) { run(state, Mode::kInBatch, "batch.db"); }
BENCHMARK(BM_DurableSubmitManyInBatch)->Arg(5000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Per-item commit, one transaction (one fsync) per petition: fewer petitions, same rate
// units (items_per_second).
void BM_DurableSubmitManyPerItem(benchmark::State& state) { run(state, Mode::kPerItem, "per_item.db"); }
BENCHMARK(BM_DurableSubmitManyPerItem)->Arg(500)->Unit(benchmark::kMillisecond)->UseRealTime();

/// Console output, then the medians (or single runs) of the three and the target ratio.
class BulkReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      if (r.run_type == Run::RT_Iteration || r.aggregate_name == "median") {
        const auto it = r.counters.find("items_per_second");
        if (it != r.counters.end()) rate_[r.run_name.function_name] = it->second.value;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void PrintSummary() const {
    const double group = rate("BM_DurableSubmitMany"), batch = rate("BM_DurableSubmitManyInBatch"),
                 per_item = rate("BM_DurableSubmitManyPerItem");
    std::printf("\nDurable bulk submit_many (median when repeated; target: plain call >= 0.50x inside a batch):\n");
    std::printf("  plain call (group commit)  %10.0f petitions/s\n", group);
    std::printf("  inside jc_engine_batch     %10.0f petitions/s\n", batch);
    std::printf("  per-item commit            %10.0f petitions/s\n", per_item);
    if (group > 0 && batch > 0)
      std::printf("  ratio %.2fx %s\n", group / batch, group / batch >= 0.5 ? "ok" : "BELOW TARGET");
  }

 private:
  double rate(const char* name) const {
    const auto it = rate_.find(name);
    return it == rate_.end() ? 0 : it->second;
  }
  std::map<std::string, double> rate_;  // items_per_second by benchmark
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  BulkReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintSummary();
  benchmark::Shutdown();
  std::error_code ec;
  std::filesystem::remove_all(bench_dir(), ec);
  return 0;
}
