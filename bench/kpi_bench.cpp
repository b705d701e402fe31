// KPI benchmark (docs/targets.md: a city-wide rollup over 10,000,000 petitions in under a
// second).
//
// Two data sets, both built once per process:
//  - "engine": a city (district, 15 streets, 120 communities, 960 grids) with
//    kEnginePetitions petitions driven through the real Engine on its hot path (resolved
//    actors, execute), with ticks; the KpiIndex is built from Engine::events. Here the
//    index is compared, in the same run, with the full scan (compute_kpis) — ratio.
//  - "synthetic": 10,000,000 petitions as event-equivalent records (submit, accept,
//    dispatch, sign, resolve, evaluate / mark_overdue, built as Event values with random
//    outcomes over one year) fed through the same KpiIndex::ingest code path, because
//    10M petitions in the Engine would need ~5 GB here. The rollups are timed on it.
#include <memory>
#include <random>
#include <string>

#include <benchmark/benchmark.h>

#include "jiceng/engine.hpp"
#include "jiceng/kpi.hpp"

namespace jiceng {
namespace {

constexpr int kStreets = 15, kCommunitiesPerStreet = 8, kGridsPerCommunity = 8;
constexpr std::size_t kEnginePetitions = 200'000;
constexpr std::size_t kSyntheticPetitions = 10'000'000;

std::string city_json() {
  std::string j = R"({"schema": "urban_grid", "units": [{"id": "D", "name": "区委", "level": 0, "kind": "district_committee"})";
  for (int s = 0; s < kStreets; ++s) {
    const std::string sid = "S" + std::to_string(s);
    j += R"(,{"id": ")" + sid + R"(", "name": "街道)" + std::to_string(s) + R"(", "level": 1, "kind": "street_committee", "parent": "D"})";
    for (int c = 0; c < kCommunitiesPerStreet; ++c) {
      const std::string cid = sid + "C" + std::to_string(c);
      j += R"(,{"id": ")" + cid + R"(", "name": "社区)" + cid + R"(", "level": 2, "kind": "community_committee", "parent": ")" + sid + R"("})";
      for (int g = 0; g < kGridsPerCommunity; ++g) {
        const std::string gid = cid + "G" + std::to_string(g);
        j += R"(,{"id": ")" + gid + R"(", "name": "网格)" + gid + R"(", "level": 3, "kind": "grid_branch", "parent": ")" + cid + R"("})";
      }
    }
  }
  return j + "]}";
}

std::string grid_id(int n) {
  const int g = n % kGridsPerCommunity, c = (n / kGridsPerCommunity) % kCommunitiesPerStreet,
            s = n / (kGridsPerCommunity * kCommunitiesPerStreet) % kStreets;
  return "S" + std::to_string(s) + "C" + std::to_string(c) + "G" + std::to_string(g);
}
constexpr int kGrids = kStreets * kCommunitiesPerStreet * kGridsPerCommunity;
const char* kCategories[] = {"property", "property", "government_consultation", "parking", "noise",
                             "charging", "drains", "elderly_meals", "disputes", "street_stalls"};

Timestamp day_start(int day) { return china_time_to_utc(Date(2024, 1, 1) + boost::gregorian::days(day), 9 * 60); }

std::unique_ptr<Engine> new_engine() {
  auto e = Engine::create("national");
  if (!e.ok() || !(*e)->load_org(city_json()).ok()) std::abort();
  return std::move(*e);
}

/// The engine data set: petitions through the real loop, hot path.
struct EngineData {
  std::unique_ptr<Engine> engine = new_engine();
  std::unique_ptr<KpiIndex> index;
  double build_seconds = 0;
  EngineData() {
    Engine& e = *engine;
    std::mt19937_64 rng(7);
    auto officer = e.resolve_actor(Actor{"officer", Role::kDistrictOfficer, "D"});
    if (!officer.ok()) std::abort();
    const std::size_t per_day = kEnginePetitions / 250;
    std::size_t made = 0;
    EventPayload p, none, ev;
    p.text = "诉求";
    for (int day = 0; made < kEnginePetitions; ++day) {
      const Timestamp t = day_start(day);
      for (std::size_t k = 0; k < per_day && made < kEnginePetitions; ++k, ++made) {
        p.petitioner = "r";
        p.location = grid_id(static_cast<int>(rng() % kGrids));
        p.category = kCategories[rng() % 10];
        p.channel = static_cast<Channel>(rng() % 7);
        auto id = e.execute(*officer, EventType::kSubmit, kNoPetition, p, t);
        if (!id.ok()) std::abort();
        (void)e.execute(*officer, EventType::kAccept, *id, t + 60);
        (void)e.execute(*officer, EventType::kDispatch, *id, t + 120);
        (void)e.execute(*officer, EventType::kSign, *id, t + 180);
        if (rng() % 10 < 8) {
          ev.reason = "ok";
          (void)e.execute(*officer, EventType::kResolve, *id, ev, t + 3600 * static_cast<Timestamp>(1 + rng() % 200));
          EventPayload eval;
          eval.evaluation = Evaluation{rng() % 10 != 0, rng() % 4 != 0, static_cast<Satisfaction>(rng() % 3)};
          (void)e.execute(*officer, EventType::kEvaluate, *id, eval, t + 3600 * 210);
        }
      }
      (void)e.tick(t + 12 * 3600);
    }
    index = std::make_unique<KpiIndex>(e);
    const auto t0 = std::chrono::steady_clock::now();
    if (!index->update().ok()) std::abort();
    build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
};

EngineData& engine_data() {
  static EngineData d;
  return d;
}

/// The synthetic data set: 10M petitions as events through KpiIndex::ingest.
struct SyntheticData {
  std::unique_ptr<Engine> engine = new_engine();
  std::unique_ptr<KpiIndex> index = std::make_unique<KpiIndex>(*engine);
  std::uint64_t events = 0;
  double ingest_seconds = 0;
  SyntheticData() {
    // The org load is event 1 of this engine; the index has to see it first.
    if (!index->update().ok()) std::abort();
    std::mt19937_64 rng(11);
    std::vector<std::string> grids(kGrids);
    for (int g = 0; g < kGrids; ++g) grids[g] = grid_id(g);
    Event e;
    std::uint64_t seq = index->last_seq();
    const auto t0 = std::chrono::steady_clock::now();
    auto put = [&](EventType type, PetitionId id, Timestamp t) {
      e.seq = ++seq;
      e.type = type;
      e.petition = id;
      e.time = t;
      if (!index->ingest(e).ok()) std::abort();
    };
    for (std::size_t i = 0; i < kSyntheticPetitions; ++i) {
      const PetitionId id = i + 1;
      const int day = static_cast<int>(i * 365 / kSyntheticPetitions);
      const Timestamp t = day_start(day);
      const std::string& grid = grids[rng() % kGrids];
      e.payload = EventPayload{};
      e.payload.location = grid;
      e.payload.category = kCategories[rng() % 10];
      e.payload.channel = static_cast<Channel>(rng() % 7);
      put(EventType::kSubmit, id, t);
      put(EventType::kAccept, id, t + 60);
      e.payload.unit = grid;
      put(EventType::kDispatch, id, t + 120);
      put(EventType::kSign, id, t + 180);
      const auto r = rng() % 100;
      if (r < 8) put(EventType::kMarkOverdue, id, t + 86400 * 8);
      if (r < 85) {
        put(EventType::kResolve, id, t + 3600 * static_cast<Timestamp>(1 + rng() % 300));
        e.payload.evaluation = Evaluation{rng() % 10 != 0, rng() % 4 != 0, static_cast<Satisfaction>(rng() % 3)};
        put(EventType::kEvaluate, id, t + 86400 * 14);
      }
    }
    ingest_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    events = seq;
  }
};

SyntheticData& synthetic() {
  static SyntheticData d;
  return d;
}

const KpiPeriod kYear{Date(2024, 1, 1), Date(2024, 12, 31)};

void BM_Engine_IndexRollupCity(benchmark::State& state) {
  auto& d = engine_data();
  for (auto _ : state) benchmark::DoNotOptimize(d.index->rollup("", kYear));
  state.counters["petitions"] = static_cast<double>(d.index->petitions());
  state.counters["index_build_s"] = d.build_seconds;
  state.counters["events"] = static_cast<double>(d.engine->last_seq());
}
BENCHMARK(BM_Engine_IndexRollupCity)->Unit(benchmark::kMillisecond);

void BM_Engine_FullScanCity(benchmark::State& state) {
  auto& d = engine_data();
  for (auto _ : state) benchmark::DoNotOptimize(compute_kpis(*d.engine, "", kYear));
  state.counters["petitions"] = static_cast<double>(d.index->petitions());
}
BENCHMARK(BM_Engine_FullScanCity)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Engine_IndexRollupStreet(benchmark::State& state) {
  auto& d = engine_data();
  for (auto _ : state) benchmark::DoNotOptimize(d.index->rollup("S3", kYear));
}
BENCHMARK(BM_Engine_IndexRollupStreet)->Unit(benchmark::kMicrosecond);

void BM_Engine_FullScanStreet(benchmark::State& state) {
  auto& d = engine_data();
  for (auto _ : state) benchmark::DoNotOptimize(compute_kpis(*d.engine, "S3", kYear));
}
BENCHMARK(BM_Engine_FullScanStreet)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Synthetic10M_RollupCity(benchmark::State& state) {
  auto& d = synthetic();
  for (auto _ : state) benchmark::DoNotOptimize(d.index->rollup("", kYear));
  const auto m = d.index->memory();
  state.counters["petitions"] = static_cast<double>(d.index->petitions());
  state.counters["events"] = static_cast<double>(d.events);
  state.counters["cells"] = static_cast<double>(m.cells);
  state.counters["index_MB"] = static_cast<double>(m.petition_bytes + m.aggregate_bytes + m.other_bytes) / 1e6;
  state.counters["ingest_ns_per_event"] = d.ingest_seconds * 1e9 / static_cast<double>(d.events);
}
BENCHMARK(BM_Synthetic10M_RollupCity)->Unit(benchmark::kMillisecond);

void BM_Synthetic10M_RollupStreet(benchmark::State& state) {
  auto& d = synthetic();
  for (auto _ : state) benchmark::DoNotOptimize(d.index->rollup("S3", kYear));
}
BENCHMARK(BM_Synthetic10M_RollupStreet)->Unit(benchmark::kMillisecond);

void BM_Synthetic10M_RollupCityOneMonth(benchmark::State& state) {
  auto& d = synthetic();
  const KpiPeriod june{Date(2024, 6, 1), Date(2024, 6, 30)};
  for (auto _ : state) benchmark::DoNotOptimize(d.index->rollup("", june));
}
BENCHMARK(BM_Synthetic10M_RollupCityOneMonth)->Unit(benchmark::kMillisecond);

void BM_Synthetic10M_RankAllCommunities(benchmark::State& state) {
  auto& d = synthetic();
  for (auto _ : state) benchmark::DoNotOptimize(d.index->ranking(2, kYear));
  state.counters["communities"] = kStreets * kCommunitiesPerStreet;
}
BENCHMARK(BM_Synthetic10M_RankAllCommunities)->Unit(benchmark::kMillisecond);

void BM_Synthetic10M_TrendCity(benchmark::State& state) {
  auto& d = synthetic();
  for (auto _ : state) benchmark::DoNotOptimize(d.index->trend("", kYear));
}
BENCHMARK(BM_Synthetic10M_TrendCity)->Unit(benchmark::kMillisecond);

/// Incremental update: events appended to a live engine, then KpiIndex::update.
void BM_IncrementalUpdatePerEvent(benchmark::State& state) {
  auto& d = engine_data();
  Engine& e = *d.engine;
  auto officer = e.resolve_actor(Actor{"officer", Role::kDistrictOfficer, "D"});
  std::mt19937_64 rng(3);
  EventPayload p;
  p.petitioner = "r";
  p.text = "诉求";
  p.category = "parking";
  const Timestamp t = day_start(300);
  std::uint64_t events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (int k = 0; k < 1000; ++k) {
      p.location = grid_id(static_cast<int>(rng() % kGrids));
      auto id = e.execute(*officer, EventType::kSubmit, kNoPetition, p, t);
      (void)e.execute(*officer, EventType::kAccept, *id, t + 60);
      (void)e.execute(*officer, EventType::kDispatch, *id, t + 120);
    }
    const std::uint64_t before = d.index->last_seq();
    state.ResumeTiming();
    if (!d.index->update().ok()) std::abort();
    events += d.index->last_seq() - before;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}
BENCHMARK(BM_IncrementalUpdatePerEvent)->Unit(benchmark::kMicrosecond)->Iterations(50);

}  // namespace
}  // namespace jiceng

BENCHMARK_MAIN();
