// C ABI call overhead against the direct C++ call (≤ 1.2×, docs/targets.md) on the hot org
// queries: the chain of command into a caller buffer, "is A inside B's subtree", the
// ancestor at a level — over a generated city of 100,000 units, same process.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "capi_ratio.hpp"
#include "jiceng.h"
#include "jiceng/org.hpp"
#include "jiceng/org_generator.hpp"

namespace {

struct City {
  jiceng::OrgGraph graph;
  jc_org* org = nullptr;
  std::vector<std::uint32_t> probes;
  City() {
    jiceng::CityGenSpec spec;
    spec.units = 100000;
    spec.seed = 11;
    spec.members = false;
    const std::string json = jiceng::generate_city_json(spec).value();
    if (!graph.load_json(json, "city.json").ok()) std::abort();
    if (jc_org_new(&org) != JC_OK || jc_org_load_json(org, json.data(), json.size(), "city.json") != JC_OK) std::abort();
    std::uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 4096; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      probes.push_back(static_cast<std::uint32_t>(x % graph.unit_count()));
    }
  }
};

City& city() {
  static City c;
  return c;
}

// Each twin keeps its handle and the probe array in locals, as a caller's loop would: the
// direct twin's graph address is a constant offset from `c`, but a `c.org` member would be
// re-read from memory every iteration (DoNotOptimize clobbers memory), lengthening only
// the C twin's chain of dependent loads.

void BM_DirectAncestors(benchmark::State& state) {
  const jiceng::OrgGraph& g = city().graph;
  const std::uint32_t* probes = city().probes.data();
  jiceng::UnitIndex buf[8];
  std::size_t i = 0;
  for (auto _ : state) {
    std::size_t n = g.chain_of_command(probes[i++ & 4095], std::span<jiceng::UnitIndex>(buf, 8));
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(buf);
  }
}
BENCHMARK(BM_DirectAncestors);

void BM_CapiAncestors(benchmark::State& state) {
  const jc_org* org = city().org;
  const std::uint32_t* probes = city().probes.data();
  uint32_t buf[8];
  size_t n = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    jc_status rc = jc_org_ancestors(buf, 8, &n, org, probes[i++ & 4095]);
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(buf);
  }
}
BENCHMARK(BM_CapiAncestors);

void BM_DirectIsAncestor(benchmark::State& state) {
  const jiceng::OrgGraph& g = city().graph;
  const std::uint32_t* probes = city().probes.data();
  std::size_t i = 0;
  for (auto _ : state) {
    bool r = g.is_ancestor_or_self(probes[i & 4095], probes[(i + 1) & 4095]);
    ++i;
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_DirectIsAncestor);

void BM_CapiIsAncestor(benchmark::State& state) {
  const jc_org* org = city().org;
  const std::uint32_t* probes = city().probes.data();
  std::size_t i = 0;
  int r = 0;
  for (auto _ : state) {
    jc_status rc = jc_org_is_ancestor(&r, org, probes[i & 4095], probes[(i + 1) & 4095]);
    ++i;
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_CapiIsAncestor);

void BM_DirectAncestorAtLevel(benchmark::State& state) {
  const jiceng::OrgGraph& g = city().graph;
  const std::uint32_t* probes = city().probes.data();
  std::size_t i = 0;
  for (auto _ : state) {
    jiceng::UnitIndex a = g.ancestor_at_level(probes[i++ & 4095], 1);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_DirectAncestorAtLevel);

void BM_CapiAncestorAtLevel(benchmark::State& state) {
  const jc_org* org = city().org;
  const std::uint32_t* probes = city().probes.data();
  std::size_t i = 0;
  uint32_t a = 0;
  for (auto _ : state) {
    jc_status rc = jc_org_ancestor_at_level(&a, org, probes[i++ & 4095], 1);
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_CapiAncestorAtLevel);

// Reference rows (not C ABI pairs): the C wrapper's own code — the same checks of the out
// pointer, the handle and each index, then the same inline TreeArrays read — compiled into
// this program and called directly. They separate the cost of the checks from the cost of
// crossing into the shared library: when BM_CppChecked<X> ≈ BM_Capi<X>, the overhead over
// BM_Direct<X> is the checks. noipa: no constant propagation from the call site.
struct CheckedHandle {
  const jiceng::OrgGraph* graph;
  std::uint32_t units;
};

[[gnu::noipa]] int checked_is_ancestor(int* out, const CheckedHandle* h, std::uint32_t a, std::uint32_t u) {
  if (out == nullptr || h == nullptr) return JC_INVALID_ARGUMENT;
  const std::uint32_t n = h->units;
  if (a >= n) return JC_NOT_FOUND;
  if (u >= n) return JC_NOT_FOUND;
  *out = h->graph->tree_arrays().is_ancestor_or_self(a, u) ? 1 : 0;
  return JC_OK;
}

[[gnu::noipa]] int checked_ancestor_at_level(std::uint32_t* out, const CheckedHandle* h, std::uint32_t u,
                                                int level) {
  if (out == nullptr || h == nullptr || u >= h->units) return JC_INVALID_ARGUMENT;
  const jiceng::OrgGraph::TreeArrays& t = h->graph->tree_arrays();
  if (static_cast<unsigned>(level) > static_cast<unsigned>(t.level(u))) return JC_NOT_FOUND;
  *out = t.ancestor_at_level(u, level);
  return JC_OK;
}

const CheckedHandle* checked_handle() {
  static const CheckedHandle h{&city().graph, static_cast<std::uint32_t>(city().graph.unit_count())};
  return &h;
}

void BM_CppCheckedIsAncestor(benchmark::State& state) {
  const CheckedHandle* h = checked_handle();
  benchmark::DoNotOptimize(h);  // a handle the caller holds, not a constant
  const std::uint32_t* probes = city().probes.data();
  std::size_t i = 0;
  int r = 0;
  for (auto _ : state) {
    int rc = checked_is_ancestor(&r, h, probes[i & 4095], probes[(i + 1) & 4095]);
    ++i;
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_CppCheckedIsAncestor);

void BM_CppCheckedAncestorAtLevel(benchmark::State& state) {
  const CheckedHandle* h = checked_handle();
  benchmark::DoNotOptimize(h);
  const std::uint32_t* probes = city().probes.data();
  std::size_t i = 0;
  uint32_t a = 0;
  for (auto _ : state) {
    int rc = checked_ancestor_at_level(&a, h, probes[i++ & 4095], 1);
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_CppCheckedAncestorAtLevel);

}  // namespace

int main(int argc, char** argv) { return capi_bench::run(argc, argv); }
