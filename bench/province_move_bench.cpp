// A province over two PostgreSQL servers (docs/province.md has the figures), on two
// throwaway clusters of its own (tests/journal/pg/pg_cluster.sh), removed at exit:
//   - moving a chain of N events (1,000 per append) from one server to the other:
//     move_chain's whole run (freeze, binary COPY, verify on the target from the genesis,
//     head compare, directory switch, unfreeze) in events/s, and the time appends were
//     refused;
//   - one event per append on 8 district chains, 8 threads: all chains on one server vs
//     four on each of the two (the clusters share this machine's disk and 2 cores, so this
//     shows the cost of the directory and a second server's connections, not the gain of
//     a second machine).
#include <benchmark/benchmark.h>

#if __has_include(<libpq-fe.h>)  // the PostgreSQL journal is compiled in
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "jiceng/journal.hpp"
#include "jiceng/province.hpp"

namespace {

using namespace jiceng;

std::string g_uri[2];  // the two clusters' databases
std::string g_dirs[2];
std::string g_directory;  // the chain directory file

std::string cluster_script() { return std::string(JICENG_SOURCE_DIR) + "/tests/journal/pg/pg_cluster.sh"; }

void stop_clusters() {
  for (const std::string& d : g_dirs) {
    if (d.empty()) continue;
    const std::string cmd = cluster_script() + " stop " + d;
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "province_move_bench: could not stop %s\n", d.c_str());
  }
  std::remove(g_directory.c_str());
}

bool setup_clusters() {
  std::atexit(stop_clusters);
  for (int i = 0; i < 2; ++i) {
    g_dirs[i] = absl::StrCat("/tmp/jiceng-pg-province-bench-", ::getpid(), "-", i);
    const std::string cmd = cluster_script() + " start " + g_dirs[i] + " >/dev/null";
    if (std::system(cmd.c_str()) != 0) return false;
    std::ifstream in(g_dirs[i] + "/uri");
    std::getline(in, g_uri[i]);
    if (g_uri[i].empty()) return false;
  }
  g_directory = absl::StrCat("/tmp/jiceng-province-bench-", ::getpid(), ".chains");
  return true;
}

std::atomic<int> g_next_chain{350000};
int fresh_chain() {
  int c = ++g_next_chain;
  if (c % 100 == 0) c = ++g_next_chain;
  return c;
}

std::vector<JournalRecord> records(std::size_t n, Timestamp t) {
  std::vector<JournalRecord> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i].time = t + static_cast<Timestamp>(i);
    out[i].type = "submit";
    out[i].payload = std::string(200, static_cast<char>('a' + i % 26));  // about an event's size
  }
  return out;
}

void BM_MoveChain(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<JournalRecord> batch = records(1000, 1717376400);
  double frozen = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const int chain = fresh_chain();
    {
      JournalOptions o;
      o.notify = false;
      auto j = Journal::open(absl::StrCat(g_uri[0], "&chain=", chain), o);
      if (!j.ok()) state.SkipWithError(std::string(j.status().message()).c_str());
      for (std::size_t done = 0; j.ok() && done < n; done += batch.size()) {
        if (!(*j)->append(batch).ok()) state.SkipWithError("append");
      }
    }
    std::ofstream(g_directory) << chain << " " << g_uri[0] << "\n";
    state.ResumeTiming();
    auto r = move_chain(g_directory, chain, g_uri[1]);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      break;
    }
    frozen += absl::ToDoubleSeconds(r->frozen);
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["frozen_s"] = frozen / static_cast<double>(state.iterations());
}

// 8 threads, each appending one event per transaction to a chain of its own; range(0) = the
// number of servers the 8 chains are spread over.
std::mutex g_mu;
std::vector<std::unique_ptr<Journal>> g_journals;

void BM_AppendEightChains(benchmark::State& state) {
  const int servers = static_cast<int>(state.range(0));
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(g_mu);
    g_journals.clear();
    g_journals.resize(static_cast<std::size_t>(state.threads()));
    ChainDirectory dir;
    std::vector<int> chains;
    for (int t = 0; t < state.threads(); ++t) {
      chains.push_back(fresh_chain());
      if (!dir.set(chains.back(), g_uri[t % servers]).ok()) state.SkipWithError("directory");
    }
    for (int t = 0; t < state.threads(); ++t) {
      JournalOptions o;
      o.notify = false;
      auto j = Journal::open(*dir.journal_uri(chains[static_cast<std::size_t>(t)]), o);
      if (!j.ok()) {
        state.SkipWithError(std::string(j.status().message()).c_str());
        break;
      }
      g_journals[static_cast<std::size_t>(t)] = std::move(*j);
    }
  }
  const std::vector<JournalRecord> one = records(1, 1717376400);
  for (auto _ : state) {
    Journal* j = g_journals[static_cast<std::size_t>(state.thread_index())].get();
    if (j == nullptr || !j->append(one).ok()) {
      state.SkipWithError("append");
      break;
    }
  }
  state.counters["appends_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                       benchmark::Counter::kIsRate);
}

BENCHMARK(BM_MoveChain)->Arg(10000)->Arg(100000)->Repetitions(3)->ReportAggregatesOnly(true)->UseRealTime()->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AppendEightChains)->Arg(1)->Arg(2)->Threads(8)->Repetitions(3)->ReportAggregatesOnly(true)->UseRealTime()->MinTime(0.5);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (!jiceng::postgres_journal_available()) {
    std::fprintf(stderr, "province_move_bench: the PostgreSQL journal is not compiled in\n");
    return 0;
  }
  if (!setup_clusters()) {
    std::fprintf(stderr, "province_move_bench: could not start two PostgreSQL clusters (install postgresql-15)\n");
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
#else
#include <cstdio>
int main() {
  std::fprintf(stderr, "province_move_bench: the PostgreSQL journal is not compiled in (no libpq)\n");
  return 0;
}
#endif
