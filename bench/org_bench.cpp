// Hierarchy benchmark (docs/targets.md): a generated 1,000,000-unit city, loaded from JSON
// Lines; chain of command, unit at level L, "is A inside B", subtree size and
// responsible units per household, each beside the same question asked of SQLite as a
// recursive CTE over the same units (in-memory table units(id, parent, level) with an
// index on parent) in the same run. Prints the load time, memory per unit and, at the
// end, the ratios. Run with --units N for another size.
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "jiceng/org.hpp"
#include "jiceng/org_generator.hpp"

namespace {

using jiceng::OrgGraph;
using jiceng::UnitIndex;

struct World {
  OrgGraph graph;
  sqlite3* db = nullptr;
  std::vector<UnitIndex> leaves;       // random units, deep ones mostly (a petition's unit)
  std::vector<UnitIndex> communities;  // random level-2 units
  std::vector<std::string> households;
};
World* world = nullptr;

constexpr std::size_t kSample = 1 << 14;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::size_t rss_bytes() {
  std::ifstream in("/proc/self/statm");
  std::size_t pages_total = 0, pages_resident = 0;
  in >> pages_total >> pages_resident;
  return pages_resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

void check(int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "sqlite: %s: %s\n", what, sqlite3_errmsg(world->db));
    std::exit(1);
  }
}

sqlite3_stmt* prepare(const char* sql) {
  sqlite3_stmt* st = nullptr;
  check(sqlite3_prepare_v3(world->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr), sql);
  return st;
}

void build_sqlite() {
  check(sqlite3_open(":memory:", &world->db), "open");
  check(sqlite3_exec(world->db,
                     "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                     "CREATE TABLE units(id INTEGER PRIMARY KEY, parent INTEGER, level INTEGER NOT NULL);",
                     nullptr, nullptr, nullptr),
        "create");
  check(sqlite3_exec(world->db, "BEGIN", nullptr, nullptr, nullptr), "begin");
  sqlite3_stmt* ins = prepare("INSERT INTO units(id, parent, level) VALUES (?1, ?2, ?3)");
  const OrgGraph& g = world->graph;
  for (UnitIndex u = 0; u < g.unit_count(); ++u) {
    sqlite3_bind_int64(ins, 1, u);
    if (g.parent(u) == jiceng::kNoUnit) {
      sqlite3_bind_null(ins, 2);
    } else {
      sqlite3_bind_int64(ins, 2, g.parent(u));
    }
    sqlite3_bind_int(ins, 3, g.level(u));
    check(sqlite3_step(ins), "insert");
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  check(sqlite3_exec(world->db, "COMMIT; CREATE INDEX units_parent ON units(parent);", nullptr, nullptr, nullptr),
        "index");
}

// --- C++ ---

void BM_Ancestors_Cpp(benchmark::State& state) {
  std::size_t i = 0, total = 0;
  for (auto _ : state) {
    auto chain = world->graph.chain_of_command(world->leaves[i++ & (kSample - 1)]);
    total += chain.size();
    benchmark::DoNotOptimize(chain.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["units_per_chain"] = static_cast<double>(total) / static_cast<double>(state.iterations());
}

void BM_AncestorsNoAlloc_Cpp(benchmark::State& state) {
  std::size_t i = 0;
  std::array<UnitIndex, 8> buf{};
  for (auto _ : state) {
    std::size_t n = world->graph.chain_of_command(world->leaves[i++ & (kSample - 1)], buf);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_UnitAtLevel_Cpp(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(world->graph.ancestor_at_level(world->leaves[i++ & (kSample - 1)], 2));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_IsAncestor_Cpp(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    std::size_t k = i++ & (kSample - 1);
    benchmark::DoNotOptimize(world->graph.is_ancestor_or_self(world->communities[k], world->leaves[k]));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_SubtreeSize_Cpp(benchmark::State& state) {
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(world->graph.subtree_size(world->communities[i++ & (kSample - 1)]));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_ResponsibleUnits_Cpp(benchmark::State& state) {
  if (world->households.empty()) {
    state.SkipWithError("no households generated");
    return;
  }
  std::size_t i = 0;
  const std::size_t n = world->households.size();
  for (auto _ : state) {
    auto r = world->graph.responsible_units(world->households[i++ % n]);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// --- SQLite recursive CTEs over the same units ---

constexpr const char* kChainSql =
    "WITH RECURSIVE chain(id, parent, level) AS ("
    " SELECT id, parent, level FROM units WHERE id = ?1"
    " UNION ALL SELECT u.id, u.parent, u.level FROM units u JOIN chain c ON u.id = c.parent)";

void BM_Ancestors_Sqlite(benchmark::State& state) {
  sqlite3_stmt* st = prepare((std::string(kChainSql) + " SELECT id FROM chain").c_str());
  std::size_t i = 0;
  for (auto _ : state) {
    sqlite3_bind_int64(st, 1, world->leaves[i++ & (kSample - 1)]);
    std::int64_t sum = 0;
    while (sqlite3_step(st) == SQLITE_ROW) sum += sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    benchmark::DoNotOptimize(sum);
  }
  sqlite3_finalize(st);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_UnitAtLevel_Sqlite(benchmark::State& state) {
  sqlite3_stmt* st = prepare((std::string(kChainSql) + " SELECT id FROM chain WHERE level = ?2").c_str());
  std::size_t i = 0;
  for (auto _ : state) {
    sqlite3_bind_int64(st, 1, world->leaves[i++ & (kSample - 1)]);
    sqlite3_bind_int(st, 2, 2);
    std::int64_t id = -1;
    if (sqlite3_step(st) == SQLITE_ROW) id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    benchmark::DoNotOptimize(id);
  }
  sqlite3_finalize(st);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_IsAncestor_Sqlite(benchmark::State& state) {
  sqlite3_stmt* st = prepare((std::string(kChainSql) + " SELECT count(*) FROM chain WHERE id = ?2").c_str());
  std::size_t i = 0;
  for (auto _ : state) {
    std::size_t k = i++ & (kSample - 1);
    sqlite3_bind_int64(st, 1, world->leaves[k]);
    sqlite3_bind_int64(st, 2, world->communities[k]);
    std::int64_t n = 0;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    benchmark::DoNotOptimize(n);
  }
  sqlite3_finalize(st);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_SubtreeSize_Sqlite(benchmark::State& state) {
  sqlite3_stmt* st = prepare(
      "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL SELECT u.id FROM units u JOIN sub s ON u.parent = s.id)"
      " SELECT count(*) FROM sub");
  std::size_t i = 0;
  for (auto _ : state) {
    sqlite3_bind_int64(st, 1, world->communities[i++ & (kSample - 1)]);
    std::int64_t n = 0;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    benchmark::DoNotOptimize(n);
  }
  sqlite3_finalize(st);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

/// Console output as usual, plus the items/s of each benchmark for the closing summary.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      auto it = r.counters.find("items_per_second");
      if (it != r.counters.end() && !r.error_occurred) rate[r.run_name.function_name] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> rate;
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t units = 1000000;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--units=", 8) == 0) {
      units = std::strtoull(argv[i] + 8, nullptr, 10);
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());

  World w;
  world = &w;
  jiceng::CityGenSpec spec;
  spec.units = units;
  spec.seed = 20240501;
  auto t0 = std::chrono::steady_clock::now();
  auto text = jiceng::generate_city_json(spec, /*json_lines=*/true);
  if (!text.ok()) {
    std::fprintf(stderr, "generate: %s\n", std::string(text.status().message()).c_str());
    return 1;
  }
  const double gen_s = seconds_since(t0);
  const std::size_t rss_before = rss_bytes();
  t0 = std::chrono::steady_clock::now();
  const std::clock_t cpu0 = std::clock();
  absl::Status s = w.graph.load_json(*text, "generated city");
  const double load_s = seconds_since(t0);
  const double load_cpu_s = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  if (!s.ok()) {
    std::fprintf(stderr, "load: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  const std::size_t text_size = text->size();
  *text = std::string();
  const std::size_t rss_after = rss_bytes();
  const jiceng::OrgMemoryStats mem = w.graph.memory_stats();
  const double n = static_cast<double>(w.graph.unit_count());

  // Samples: leaves weighted toward the bottom of the tree, as petitions are.
  std::mt19937_64 rng(7);
  std::vector<UnitIndex> level2;
  for (UnitIndex u = 0; u < w.graph.unit_count(); ++u) {
    if (w.graph.level(u) == 2 && jiceng::tree_level_of(w.graph.kind(u)) == 2) level2.push_back(u);
  }
  for (std::size_t i = 0; i < kSample; ++i) {
    UnitIndex u = static_cast<UnitIndex>(rng() % w.graph.unit_count());
    w.leaves.push_back(u);
    w.communities.push_back(level2.empty() ? 0 : level2[rng() % level2.size()]);
  }
  // Households: ids of the form <central household id>-<k>.
  for (UnitIndex u = 0; u < w.graph.unit_count() && w.households.size() < kSample; u += 97) {
    if (w.graph.kind(u) == jiceng::UnitKind::kCentralHousehold) {
      std::string id = std::string(w.graph.id(u)) + "-1";
      if (w.graph.household_unit(id)) w.households.push_back(id);
    }
  }
  t0 = std::chrono::steady_clock::now();
  build_sqlite();
  const double sqlite_s = seconds_since(t0);

  std::printf("city: %zu units, %zu members, %zu households, %zu links (%.1f MB of JSON Lines)\n",
              w.graph.unit_count(), w.graph.member_count(), w.graph.household_count(), w.graph.link_count(),
              static_cast<double>(text_size) / 1e6);
  std::printf("generate %.2f s; load %.2f s wall, %.2f s CPU (%.0f units/s of CPU, with all their records);"
              " SQLite table + index %.2f s\n", gen_s, load_s, load_cpu_s, n / load_cpu_s, sqlite_s);
  std::printf("memory per unit: %.1f B structure (text excluded; budget 256), %.1f B text (all records); members/posts/"
              "households/links %.1f MB; RSS after load %+.1f MB (%.1f B per unit, everything)\n",
              static_cast<double>(mem.unit_structure_bytes) / n, static_cast<double>(mem.text_bytes) / n,
              static_cast<double>(mem.other_bytes) / 1e6,
              (static_cast<double>(rss_after) - static_cast<double>(rss_before)) / 1e6,
              (static_cast<double>(rss_after) - static_cast<double>(rss_before)) / n);
  std::fflush(stdout);

  const double fast = 0.5, slow = 1.0;
  benchmark::RegisterBenchmark("ancestors/cpp", BM_Ancestors_Cpp)->MinTime(fast);
  benchmark::RegisterBenchmark("ancestors_no_alloc/cpp", BM_AncestorsNoAlloc_Cpp)->MinTime(fast);
  benchmark::RegisterBenchmark("ancestors/sqlite", BM_Ancestors_Sqlite)->MinTime(slow);
  benchmark::RegisterBenchmark("unit_at_level/cpp", BM_UnitAtLevel_Cpp)->MinTime(fast);
  benchmark::RegisterBenchmark("unit_at_level/sqlite", BM_UnitAtLevel_Sqlite)->MinTime(slow);
  benchmark::RegisterBenchmark("is_ancestor/cpp", BM_IsAncestor_Cpp)->MinTime(fast);
  benchmark::RegisterBenchmark("is_ancestor/sqlite", BM_IsAncestor_Sqlite)->MinTime(slow);
  benchmark::RegisterBenchmark("subtree_size/cpp", BM_SubtreeSize_Cpp)->MinTime(fast);
  benchmark::RegisterBenchmark("subtree_size/sqlite", BM_SubtreeSize_Sqlite)->MinTime(slow);
  benchmark::RegisterBenchmark("responsible_units/cpp", BM_ResponsibleUnits_Cpp)->MinTime(fast);

  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::printf("\nsummary (%zu units; queries per second, C++ vs SQLite recursive CTE, same run):\n",
              w.graph.unit_count());
  const char* names[] = {"ancestors", "unit_at_level", "is_ancestor", "subtree_size"};
  for (const char* q : names) {
    auto c = reporter.rate.find(std::string(q) + "/cpp");
    auto sq = reporter.rate.find(std::string(q) + "/sqlite");
    if (c == reporter.rate.end() || sq == reporter.rate.end()) continue;
    std::printf("  %-14s C++ %14.0f/s   SQLite %12.0f/s   ratio %10.0fx %s\n", q, c->second, sq->second,
                c->second / sq->second, c->second / sq->second >= 100 ? "(>= 100x target met)" : "(BELOW 100x target)");
  }
  if (auto c = reporter.rate.find("ancestors_no_alloc/cpp"), sq = reporter.rate.find("ancestors/sqlite");
      c != reporter.rate.end() && sq != reporter.rate.end()) {
    std::printf("  %-14s C++ %14.0f/s   SQLite %12.0f/s   ratio %10.0fx %s\n", "ancestors (no allocation)",
                c->second, sq->second, c->second / sq->second,
                c->second / sq->second >= 100 ? "(>= 100x target met)" : "(BELOW 100x target)");
  }
  if (auto c = reporter.rate.find("responsible_units/cpp"); c != reporter.rate.end()) {
    std::printf("  responsible units per household (id lookup + chain): %.0f/s\n", c->second);
  }
  std::printf("  load %.2f s wall / %.2f s CPU, %.1f B/unit structure (text excluded)\n", load_s, load_cpu_s,
              static_cast<double>(mem.unit_structure_bytes) / n);
  sqlite3_close(w.db);
  return 0;
}
