// Working-day arithmetic (工作日推算): WorkCalendar's precomputed index against the
// obvious alternative, a day-by-day walk with Boost.Date_Time over sets of special
// days, in the same run. Target: add_workdays ≥ 20 million calls/s for n in 1..60.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "jiceng/calendar.hpp"

namespace {

using jiceng::Date;
using jiceng::WorkCalendar;
namespace bg = boost::gregorian;

struct Query {
  Date date;
  int n;
};

// 16,384 random dates in [lo, hi], n in 1..60.
std::vector<Query> make_queries(Date lo, Date hi) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> day(0, static_cast<int>((hi - lo).days()));
  std::uniform_int_distribution<int> n(1, 60);
  std::vector<Query> out(1 << 14);
  for (auto& x : out) x = {lo + bg::days(day(rng)), n(rng)};
  return out;
}

// Official years: 2004-06-01 .. 2026-08-31 (so +60 working days stays in the table).
const std::vector<Query>& queries() {
  static const std::vector<Query> q = make_queries(Date(2004, 6, 1), Date(2026, 8, 31));
  return q;
}

// Provisional years (2027–2036, the statutory rule): 2027-01-01 .. 2036-08-31.
const std::vector<Query>& provisional_queries() {
  static const std::vector<Query> q = make_queries(Date(2027, 1, 1), Date(2036, 8, 31));
  return q;
}

// The naive alternative: the special days in std::sets, walked one day at a time.
struct NaiveCalendar {
  std::set<Date> holidays, makeups;
  NaiveCalendar() {
    const auto& cal = WorkCalendar::china();
    for (Date d(2004, 1, 1); d <= Date(2026, 12, 31); d += bg::days(1)) {
      const auto info = cal.day_info(d);
      if (info->kind == jiceng::DayKind::kHoliday) holidays.insert(d);
      if (info->kind == jiceng::DayKind::kMakeupWorkday) makeups.insert(d);
    }
  }
  bool is_workday(Date d) const {
    if (makeups.count(d)) return true;
    if (holidays.count(d)) return false;
    const auto w = d.day_of_week();
    return w != bg::Saturday && w != bg::Sunday;
  }
  Date add_workdays(Date d, int n) const {
    for (bg::day_iterator it(d); n > 0;) {
      ++it;
      if (is_workday(*it)) --n;
      if (n == 0) return *it;
    }
    return d;
  }
};

void add_workdays_over(benchmark::State& state, const std::vector<Query>& q) {
  const auto& cal = WorkCalendar::china();
  std::size_t i = 0;
  for (auto _ : state) {
    const Query& x = q[i++ & (q.size() - 1)];
    auto r = cal.add_workdays(x.date, x.n);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_AddWorkdays_Index(benchmark::State& state) { add_workdays_over(state, queries()); }
BENCHMARK(BM_AddWorkdays_Index);

// The same arithmetic in the provisional years: target within 1.5× of BM_AddWorkdays_Index.
void BM_AddWorkdays_Provisional(benchmark::State& state) { add_workdays_over(state, provisional_queries()); }
BENCHMARK(BM_AddWorkdays_Provisional);

void BM_TryAddWorkdays_Index(benchmark::State& state) {
  const auto& cal = WorkCalendar::china();
  const auto& q = queries();
  std::size_t i = 0;
  Date out;
  for (auto _ : state) {
    const Query& x = q[i++ & (q.size() - 1)];
    bool ok = cal.try_add_workdays(x.date, x.n, &out);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TryAddWorkdays_Index);

void BM_AddWorkdays_NaiveBoostWalk(benchmark::State& state) {
  static const NaiveCalendar naive;
  const auto& q = queries();
  std::size_t i = 0;
  for (auto _ : state) {
    const Query& x = q[i++ & (q.size() - 1)];
    Date r = naive.add_workdays(x.date, x.n);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddWorkdays_NaiveBoostWalk);

void BM_IsWorkday_Index(benchmark::State& state) {
  const auto& cal = WorkCalendar::china();
  const auto& q = queries();
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = cal.is_workday(q[i++ & (q.size() - 1)].date);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IsWorkday_Index);

void BM_WorkdaysBetween_Index(benchmark::State& state) {
  const auto& cal = WorkCalendar::china();
  const auto& q = queries();
  std::size_t i = 0;
  for (auto _ : state) {
    const Query& a = q[i++ & (q.size() - 1)];
    auto r = cal.workdays_between(a.date, a.date + bg::days(a.n));
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WorkdaysBetween_Index);

// Console output as usual, plus the items/s of each run kept for the ratio line.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> rate;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs) {
      auto it = r.counters.find("items_per_second");
      if (it == r.counters.end()) continue;
      if (r.run_type == Run::RT_Iteration) samples[r.run_name.function_name].push_back(it->second.value);
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name == "median") {
        medians[r.run_name.function_name] = it->second.value;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    for (auto& [name, v] : samples) {
      std::sort(v.begin(), v.end());
      rate[name] = v[v.size() / 2];
    }
    for (const auto& [name, m] : medians) rate[name] = m;  // Benchmark's own median wins
  }

 private:
  std::map<std::string, std::vector<double>> samples;
  std::map<std::string, double> medians;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  // Check once that both methods agree before timing them.
  {
    NaiveCalendar naive;
    for (const auto& x : queries()) {
      if (*WorkCalendar::china().add_workdays(x.date, x.n) != naive.add_workdays(x.date, x.n)) {
        std::fprintf(stderr, "mismatch at %s + %d\n", jiceng::format_date(x.date).c_str(), x.n);
        return 1;
      }
    }
  }
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  const auto idx = reporter.rate.find("BM_AddWorkdays_Index");
  const auto fast = reporter.rate.find("BM_TryAddWorkdays_Index");
  const auto naive = reporter.rate.find("BM_AddWorkdays_NaiveBoostWalk");
  if (idx != reporter.rate.end() && naive != reporter.rate.end()) {
    std::printf("\nadd_workdays (index, StatusOr): %.1f M calls/s (median, CPU time); naive Boost walk: %.2f M calls/s; "
                "ratio %.1fx; target >= 20 M calls/s: %s\n",
                idx->second / 1e6, naive->second / 1e6, idx->second / naive->second,
                idx->second >= 20e6 ? "met" : "NOT MET");
  }
  if (fast != reporter.rate.end() && naive != reporter.rate.end()) {
    std::printf("try_add_workdays (index, bool): %.1f M calls/s (median); ratio to naive %.1fx\n",
                fast->second / 1e6, fast->second / naive->second);
  }
  return 0;
}
