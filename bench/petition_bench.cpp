// Petition engine benchmark (docs/targets.md): in-memory transitions per second (guard +
// scope + deadline + event), memory per open petition, and tick over 1,000,000 open petitions —
// each beside the straightforward alternative many platforms use: the same transitions as
// SQLite statements (read the row, check, compute the deadline, UPDATE, INSERT the event).
//
//   bench/petition_bench [--petitions=N]   (default 1,000,000)
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "jiceng/calendar.hpp"
#include "jiceng/engine.hpp"

namespace {

using namespace jiceng;

std::size_t g_petitions = 1000000;

// A synthetic district: 10 streets × 10 communities × 8 grids × 8 buildings, 4 households each.
struct City {
  std::string json;
  std::vector<std::string> households;
};

City make_city() {
  City c;
  std::string& j = c.json;
  j = R"({"schema": "urban_grid", "units": [{"id": "D", "name": "district", "level": 0, "kind": "district_committee"})";
  std::string hh = "], \"households\": [";
  bool first_h = true;
  for (int s = 0; s < 10; ++s) {
    const std::string sid = "S" + std::to_string(s);
    j += ",{\"id\":\"" + sid + "\",\"name\":\"street\",\"level\":1,\"kind\":\"street_committee\",\"parent\":\"D\"}";
    for (int m = 0; m < 10; ++m) {
      const std::string mid = sid + "C" + std::to_string(m);
      j += ",{\"id\":\"" + mid + "\",\"name\":\"community\",\"level\":2,\"kind\":\"community_committee\",\"parent\":\"" +
           sid + "\"}";
      for (int g = 0; g < 8; ++g) {
        const std::string gid = mid + "G" + std::to_string(g);
        j += ",{\"id\":\"" + gid + "\",\"name\":\"grid\",\"level\":3,\"kind\":\"grid_branch\",\"parent\":\"" + mid + "\"}";
        for (int b = 0; b < 8; ++b) {
          const std::string bid = gid + "B" + std::to_string(b);
          j += ",{\"id\":\"" + bid + "\",\"name\":\"building\",\"level\":4,\"kind\":\"building_group\",\"parent\":\"" +
               gid + "\"}";
          for (int h = 0; h < 4; ++h) {
            const std::string hid = "H" + bid + "-" + std::to_string(h);
            hh += std::string(first_h ? "" : ",") + "{\"id\":\"" + hid + "\",\"building\":\"" + bid + "\"}";
            first_h = false;
            c.households.push_back(hid);
          }
        }
      }
    }
  }
  j += hh + "]}";
  return c;
}

const City& city() {
  static const City c = make_city();
  return c;
}

const Timestamp kT0 = china_time_to_utc(Date(2026, 3, 2), 9 * 60);

std::size_t rss_bytes() {
  std::ifstream in("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * 4096;
}

struct Fixture {
  std::unique_ptr<Engine> engine;
  ActorHandle resident, district;
  std::vector<PetitionId> ids;
  std::size_t rss_before = 0, rss_after = 0;
};

/// N petitions, submitted and accepted (the state the hot loop starts from).
Fixture make_fixture(std::size_t n) {
  Fixture f;
  f.engine = *Engine::create("national");
  if (auto st = f.engine->load_org(city().json, 0); !st.ok()) {
    std::fprintf(stderr, "load_org: %s\n", std::string(st.message()).c_str());
    std::exit(1);
  }
  f.resident = *f.engine->resolve_actor({"r1", Role::kResident, ""});
  f.district = *f.engine->resolve_actor({"d1", Role::kDistrictOfficer, "D"});
  f.rss_before = rss_bytes();
  EventPayload p;
  p.petitioner = "r1";
  p.category = "noise";
  p.text = "";
  f.ids.reserve(n);
  const auto& hh = city().households;
  for (std::size_t i = 0; i < n; ++i) {
    p.location = hh[i % hh.size()];
    auto id = f.engine->execute(f.resident, EventType::kSubmit, kNoPetition, p, kT0 + static_cast<Timestamp>(i % 3600));
    if (!id.ok()) {
      std::fprintf(stderr, "submit: %s\n", std::string(id.status().message()).c_str());
      std::exit(1);
    }
    f.ids.push_back(*id);
    (void)f.engine->execute(f.district, EventType::kAccept, *id, kT0 + 3600);
  }
  return f;
}

// dispatch (routed) → sign → escalate → sign: four transitions, each with role, scope,
// guard (routing, ceiling), a working-day deadline, an event and a deadline-heap update.
void BM_EngineTransitions(benchmark::State& state) {
  Fixture f = make_fixture(g_petitions);
  std::size_t done = 0;
  for (auto _ : state) {
    Timestamp t = kT0 + 2 * 3600;
    for (PetitionId id : f.ids) {
      bool ok = f.engine->execute(f.district, EventType::kDispatch, id, t).ok();
      ok &= f.engine->execute(f.district, EventType::kSign, id, t).ok();
      ok &= f.engine->execute(f.district, EventType::kEscalate, id, t).ok();
      ok &= f.engine->execute(f.district, EventType::kSign, id, t).ok();
      if (!ok) state.SkipWithError("transition refused");
      done += 4;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(done));
  f.rss_after = rss_bytes();
  const EngineMemory m = f.engine->memory();
  const double open = static_cast<double>(f.engine->stats().open);
  state.counters["bytes_per_open_petition"] = (m.petition_bytes + m.event_bytes + m.index_bytes) / open;
  state.counters["rss_bytes_per_open_petition"] = static_cast<double>(f.rss_after - f.rss_before) / open;
  state.counters["text_bytes_per_open_petition"] = m.text_bytes / open;
  state.counters["events_per_petition"] = static_cast<double>(f.engine->stats().events) / open;
}

// The same with payloads: resolve (answer text) → evaluate (回访) → reopen (重办) → sign.
void BM_EngineTransitionsWithPayload(benchmark::State& state) {
  Fixture f = make_fixture(g_petitions / 4);
  for (PetitionId id : f.ids) {
    (void)f.engine->execute(f.district, EventType::kDispatch, id, kT0 + 7200);
    (void)f.engine->execute(f.district, EventType::kSign, id, kT0 + 7200);
  }
  EventPayload answer, eval, again;
  answer.reason = "fixed";
  eval.evaluation = {true, false, Satisfaction::kUnsatisfied};
  again.reopen_kind = ReopenKind::kReopen;
  std::size_t done = 0;
  for (auto _ : state) {
    const Timestamp t = kT0 + 3 * 3600;
    for (PetitionId id : f.ids) {
      bool ok = f.engine->execute(f.district, EventType::kResolve, id, answer, t).ok();
      ok &= f.engine->execute(f.resident, EventType::kEvaluate, id, eval, t).ok();
      ok &= f.engine->execute(f.district, EventType::kReopen, id, again, t).ok();
      ok &= f.engine->execute(f.district, EventType::kSign, id, t).ok();
      if (!ok) {
        state.SkipWithError("transition refused");
        break;
      }
      done += 4;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(done));
}

// tick over N open petitions: a tick with nothing due, and the evening tick that finds
// the day's overdue items (each gets a mark_overdue event).
void BM_EngineTick(benchmark::State& state) {
  Fixture f = make_fixture(g_petitions);
  // Dispatch with sign deadlines spread over 100 working days.
  for (std::size_t i = 0; i < f.ids.size(); ++i) {
    (void)f.engine->execute(f.district, EventType::kDispatch, f.ids[i],
                            kT0 + 7200 + static_cast<Timestamp>(i % 100) * 86400);
  }
  const bool nothing_due = state.range(0) == 0;
  Timestamp now = kT0 + 7300;
  std::size_t events = 0, ticks = 0;
  for (auto _ : state) {
    auto rep = f.engine->tick(now);
    events += rep->events;
    ++ticks;
    if (!nothing_due) now += 86400;  // one evening after another
  }
  state.counters["open_petitions"] = static_cast<double>(f.engine->stats().open);
  state.counters["events_per_tick"] = static_cast<double>(events) / static_cast<double>(ticks);
  state.SetLabel(nothing_due ? "nothing due" : "daily tick");
}

// The straightforward alternative: one row per petition and one per event in SQLite
// (in memory, prepared statements, one transaction per 10,000 transitions); the state
// check, scope check and deadline in C++ as an application would do.
void BM_SqliteTransitions(benchmark::State& state) {
  const std::size_t n = g_petitions / 4;
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db,
               "CREATE TABLE petitions(id INTEGER PRIMARY KEY, state INTEGER, unit INTEGER, location INTEGER,"
               " due INTEGER, escalations INTEGER, updated INTEGER);"
               "CREATE TABLE units(id INTEGER PRIMARY KEY, parent INTEGER, level INTEGER);"
               "CREATE TABLE events(seq INTEGER PRIMARY KEY, petition INTEGER, type INTEGER, actor TEXT,"
               " unit INTEGER, time INTEGER);",
               nullptr, nullptr, nullptr);
  // Units: 0 district, 1..10 streets, communities, grids, buildings (ids dense, like the city above).
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* ins_unit;
  sqlite3_prepare_v2(db, "INSERT INTO units VALUES(?,?,?)", -1, &ins_unit, nullptr);
  auto add_unit = [&](int id, int parent, int level) {
    sqlite3_bind_int(ins_unit, 1, id);
    sqlite3_bind_int(ins_unit, 2, parent);
    sqlite3_bind_int(ins_unit, 3, level);
    sqlite3_step(ins_unit);
    sqlite3_reset(ins_unit);
  };
  add_unit(0, -1, 0);
  std::vector<int> buildings;
  int next = 1;
  for (int s = 0; s < 10; ++s) {
    const int sid = next++;
    add_unit(sid, 0, 1);
    for (int m = 0; m < 10; ++m) {
      const int mid = next++;
      add_unit(mid, sid, 2);
      for (int g = 0; g < 8; ++g) {
        const int gid = next++;
        add_unit(gid, mid, 3);
        for (int b = 0; b < 8; ++b) {
          const int bid = next++;
          add_unit(bid, gid, 4);
          buildings.push_back(bid);
        }
      }
    }
  }
  sqlite3_stmt* ins_p;
  sqlite3_prepare_v2(db, "INSERT INTO petitions VALUES(?,1,?,?,0,0,0)", -1, &ins_p, nullptr);
  for (std::size_t i = 1; i <= n; ++i) {
    const int b = buildings[i % buildings.size()];
    sqlite3_bind_int64(ins_p, 1, static_cast<sqlite3_int64>(i));
    sqlite3_bind_int(ins_p, 2, b);
    sqlite3_bind_int(ins_p, 3, b);
    sqlite3_step(ins_p);
    sqlite3_reset(ins_p);
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_stmt *get, *upd, *ev, *parent;
  sqlite3_prepare_v2(db, "SELECT state, unit, location, escalations FROM petitions WHERE id=?", -1, &get, nullptr);
  sqlite3_prepare_v2(db, "UPDATE petitions SET state=?, unit=?, due=?, escalations=?, updated=? WHERE id=?", -1, &upd,
                     nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO events(petition, type, actor, unit, time) VALUES(?,?,?,?,?)", -1, &ev, nullptr);
  sqlite3_prepare_v2(db, "SELECT parent, level FROM units WHERE id=?", -1, &parent, nullptr);
  const auto& cal = WorkCalendar::china();
  auto unit_parent = [&](int u, int* level) {
    sqlite3_bind_int(parent, 1, u);
    sqlite3_step(parent);
    const int p = sqlite3_column_int(parent, 0);
    *level = sqlite3_column_int(parent, 1);
    sqlite3_reset(parent);
    return p;
  };
  // One transition: read, check state, check scope (the district is everyone's ancestor,
  // but the chain is walked as an application without interval labels must), deadline,
  // update, event.
  auto step = [&](sqlite3_int64 id, int expect_state, int new_state, int climb, Duration limit, Timestamp t) {
    sqlite3_bind_int64(get, 1, id);
    if (sqlite3_step(get) != SQLITE_ROW) return false;
    const int st = sqlite3_column_int(get, 0);
    int unit = sqlite3_column_int(get, 1);
    const int loc = sqlite3_column_int(get, 2);
    const int esc = sqlite3_column_int(get, 3);
    sqlite3_reset(get);
    if (st != expect_state) return false;
    int level = 0;
    for (int u = unit; u > 0;) u = unit_parent(u, &level);  // scope: walk up to the district
    if (climb == 1) {  // routed dispatch: the grid above the location
      unit = unit_parent(loc, &level);
    } else if (climb == 2) {  // escalate: the parent, within the ceiling
      unit = unit_parent(unit, &level);
      if (level < 2) return false;
    }
    auto due = deadline_after(cal, t, limit);
    if (!due.ok()) return false;
    sqlite3_bind_int(upd, 1, new_state);
    sqlite3_bind_int(upd, 2, unit);
    sqlite3_bind_int64(upd, 3, *due);
    sqlite3_bind_int(upd, 4, esc + (climb == 2));
    sqlite3_bind_int64(upd, 5, t);
    sqlite3_bind_int64(upd, 6, id);
    sqlite3_step(upd);
    sqlite3_reset(upd);
    sqlite3_bind_int64(ev, 1, id);
    sqlite3_bind_int(ev, 2, new_state);
    sqlite3_bind_text(ev, 3, "d1", 2, SQLITE_STATIC);
    sqlite3_bind_int(ev, 4, unit);
    sqlite3_bind_int64(ev, 5, t);
    sqlite3_step(ev);
    sqlite3_reset(ev);
    return true;
  };
  std::size_t done = 0;
  const Duration one{1, TimeUnit::kWorkdays}, five{5, TimeUnit::kWorkdays};
  for (auto _ : state) {
    const Timestamp t = kT0 + 7200;
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (std::size_t i = 1; i <= n; ++i) {
      const auto id = static_cast<sqlite3_int64>(i);
      bool ok = step(id, 1, 4, 1, one, t);   // dispatch
      ok &= step(id, 4, 5, 0, five, t);      // sign
      ok &= step(id, 5, 4, 2, one, t);       // escalate
      ok &= step(id, 4, 5, 0, five, t);      // sign
      if (!ok) {
        state.SkipWithError("sqlite transition refused");
        break;
      }
      done += 4;
      if (i % 2500 == 0) {
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
      }
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(done));
  for (auto* s : {ins_unit, ins_p, get, upd, ev, parent}) sqlite3_finalize(s);
  sqlite3_close(db);
}

// Encoding an event for the journal (target: well under 1 µs).
void BM_EncodeEvent(benchmark::State& state) {
  Event e;
  e.seq = 123456;
  e.time = kT0;
  e.actor = {"grid-worker-0042", Role::kGridWorker, "S3C4G5"};
  e.petition = 98765;
  e.type = EventType::kResolve;
  e.payload.reason = "已协调施工单位调整作业时间";
  std::string out;
  for (auto _ : state) {
    out.clear();
    Engine::encode_event_to(e, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_EngineTransitions)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SqliteTransitions)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EngineTransitionsWithPayload)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EngineTick)->Arg(0)->Arg(1)->Iterations(20)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EncodeEvent);

// Prints the engine / SQLite ratio after the runs.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      auto it = r.counters.find("items_per_second");
      if (it == r.counters.end()) continue;
      if (r.benchmark_name().find("BM_EngineTransitions/") == 0) engine_ = it->second;
      if (r.benchmark_name().find("BM_SqliteTransitions/") == 0) sqlite_ = it->second;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    if (engine_ > 0 && sqlite_ > 0) {
      std::printf("\nin-memory transitions: engine %.2fM/s, SQLite UPDATE+INSERT %.2fM/s, ratio %.1fx "
                  "(target: engine >= 5M/s)\n",
                  engine_ / 1e6, sqlite_ / 1e6, engine_ / sqlite_);
    }
  }

 private:
  double engine_ = 0, sqlite_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--petitions=", 12) == 0) {
      g_petitions = std::strtoull(argv[i] + 12, nullptr, 10);
    } else {
      args.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
