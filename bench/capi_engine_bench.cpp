// C ABI call overhead against the direct C++ call (≤ 1.2×, docs/targets.md), on the hot calls
// of the engine and the calendar: a petition transition with a resolved actor (催办 on a
// dispatched petition, repeatable), a state query, the current stage's deadline, a working-day deadline (as a jc_date
// {y,m,d} and as a jc_day number; the C++ twin takes a ready Boost date). The C side goes
// through libjiceng.so (PLT call, handle checks, status translation); the C++ side calls
// the static library directly. Same data, same process.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "capi_ratio.hpp"
#include "jiceng.h"
#include "jiceng/calendar.hpp"
#include "jiceng/engine.hpp"

namespace {

constexpr std::int64_t kMon = 1736125200;  // 2025-01-06 09:00 CST

std::string sample_org() {
  std::ifstream in(std::string(JICENG_SOURCE_DIR) + "/data/sample-district.json", std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void die(const char* what) {
  std::fprintf(stderr, "capi_engine_bench: %s: %s\n", what, jc_last_error());
  std::abort();
}

// One dispatched petition per engine; urge keeps it dispatched.
struct Direct {
  std::unique_ptr<jiceng::Engine> e;
  jiceng::ActorHandle h;
  jiceng::PetitionId id = 0;
  Direct() {
    e = std::move(jiceng::Engine::create("suzhou-sip")).value();
    if (!e->load_org(sample_org(), kMon - 86400).ok()) std::abort();
    jiceng::Actor resident{"R-1", jiceng::Role::kResident, ""};
    jiceng::EventPayload p;
    p.petitioner = "R-1";
    p.location = "H-G01B01-0101";
    p.category = "noise";
    p.text = "噪音";
    id = e->submit(resident, p, kMon).value();
    jiceng::Actor officer{"S-1", jiceng::Role::kStreetOfficer, "320506001"};
    if (!e->accept(officer, id, kMon).ok() || !e->dispatch(officer, id, "", false, kMon).ok()) std::abort();
    h = e->resolve_actor(officer).value();
  }
};

struct Capi {
  jc_engine* e = nullptr;
  jc_actor_handle h{};
  uint64_t id = 0;
  Capi() {
    jc_engine_options o = JC_ENGINE_OPTIONS_INIT;
    o.policy = "suzhou-sip";
    if (jc_engine_open(&e, &o) != JC_OK) die("open");
    const std::string org = sample_org();
    if (jc_engine_load_org(e, org.data(), org.size(), kMon - 86400) != JC_OK) die("load_org");
    jc_actor resident = {"R-1", JC_ROLE_RESIDENT, nullptr};
    jc_submission s = JC_SUBMISSION_INIT;
    s.petitioner = "R-1";
    s.location = "H-G01B01-0101";
    s.category = "noise";
    s.text = "噪音";
    if (jc_engine_submit(&id, e, &resident, &s, kMon) != JC_OK) die("submit");
    jc_actor officer = {"S-1", JC_ROLE_STREET_OFFICER, "320506001"};
    if (jc_engine_accept(e, &officer, id, kMon) != JC_OK) die("accept");
    if (jc_engine_dispatch(e, &officer, id, nullptr, 0, kMon) != JC_OK) die("dispatch");
    if (jc_engine_resolve_actor(&h, e, &officer) != JC_OK) die("resolve_actor");
  }
  ~Capi() { jc_engine_free(e); }
};

void BM_DirectTransition(benchmark::State& state) {
  Direct d;
  std::int64_t now = kMon;
  for (auto _ : state) {
    auto s = d.e->execute(d.h, jiceng::EventType::kUrge, d.id, ++now);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_DirectTransition);

void BM_CapiTransition(benchmark::State& state) {
  Capi c;
  std::int64_t now = kMon;
  for (auto _ : state) {
    jc_status s = jc_engine_execute(c.e, &c.h, JC_EVENT_URGE, c.id, ++now);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_CapiTransition);

void BM_DirectState(benchmark::State& state) {
  Direct d;
  for (auto _ : state) {
    auto v = d.e->state(d.id);
    benchmark::DoNotOptimize(*v);
  }
}
BENCHMARK(BM_DirectState);

void BM_CapiState(benchmark::State& state) {
  Capi c;
  int s = 0;
  for (auto _ : state) {
    jc_status rc = jc_engine_state(&s, c.e, c.id);
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_CapiState);

void BM_DirectDeadline(benchmark::State& state) {
  Direct d;
  for (auto _ : state) {
    auto v = d.e->deadline(d.id);
    benchmark::DoNotOptimize(*v);
  }
}
BENCHMARK(BM_DirectDeadline);

void BM_CapiDeadline(benchmark::State& state) {
  Capi c;
  int64_t t = 0;
  for (auto _ : state) {
    jc_status rc = jc_engine_deadline(&t, c.e, c.id);
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_CapiDeadline);

// The raw C++ call on a day value: the twin of the jc_day form.
void BM_DirectAddWorkdaysDay(benchmark::State& state) {
  const jiceng::WorkCalendar& cal = jiceng::WorkCalendar::china();
  const jiceng::Date start(2024, 9, 30);
  int n = 0;
  jiceng::Date out;
  for (auto _ : state) {
    bool ok = cal.try_add_workdays(start, (n++ & 63), &out);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_DirectAddWorkdaysDay);

// The twin of the jc_date form, which takes and returns year-month-day: the C++ a caller
// holding a year, month and day writes (build the date, add, read the fields back).
void BM_DirectAddWorkdays(benchmark::State& state) {
  const jiceng::WorkCalendar& cal = jiceng::WorkCalendar::china();
  jc_date in = {2024, 9, 30};
  int n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(in);
    jiceng::Date out;
    bool ok = cal.try_add_workdays(jiceng::Date(static_cast<unsigned short>(in.year), static_cast<unsigned short>(in.month),
                                                static_cast<unsigned short>(in.day)),
                                   (n++ & 63), &out);
    const auto ymd = out.year_month_day();
    jc_date r = {static_cast<int>(ymd.year), static_cast<int>(ymd.month), static_cast<int>(ymd.day)};
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_DirectAddWorkdays);

void BM_CapiAddWorkdays(benchmark::State& state) {
  jc_calendar* cal = nullptr;
  if (jc_calendar_china(&cal) != JC_OK) die("calendar");
  jc_date start = {2024, 9, 30};
  int n = 0;
  jc_date out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(start);
    jc_status rc = jc_calendar_add_workdays(&out, cal, start, (n++ & 63));
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(out);
  }
  jc_calendar_free(cal);
}
BENCHMARK(BM_CapiAddWorkdays);

void BM_CapiAddWorkdaysDay(benchmark::State& state) {
  jc_calendar* cal = nullptr;
  if (jc_calendar_china(&cal) != JC_OK) die("calendar");
  jc_day start = 0;
  if (jc_day_from_date(&start, jc_date{2024, 9, 30}) != JC_OK) die("day");
  int n = 0;
  jc_day out = 0;
  for (auto _ : state) {
    jc_status rc = jc_calendar_add_workdays_day(&out, cal, start, (n++ & 63));
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(out);
  }
  jc_calendar_free(cal);
}
BENCHMARK(BM_CapiAddWorkdaysDay);

}  // namespace

int main(int argc, char** argv) { return capi_bench::run(argc, argv); }
