// Journal benchmarks (docs/targets.md): durable appends with group commit against raw SQLite
// inserts of the same rows in the same run (same pragmas: WAL, synchronous=FULL; same
// batch size; same prepared-statement loop), one transaction per event for contrast,
// and replay speed (chain verification included).
//
// The summary at the end prints the ratios from the medians of the repetitions.
// Environment: JICENG_BENCH_DIR (default /tmp) for the database files,
// JICENG_BENCH_REPLAY_EVENTS (default 10,000,000) for the raw replay journal size,
// JICENG_BENCH_ENGINE_EVENTS (default 1,000,000) for the Engine replay journal size.
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "jiceng/journal.hpp"
#include "../tests/journal/scenario.hpp"

namespace {

std::filesystem::path bench_dir() {
  static const std::filesystem::path dir = [] {
    const char* env = std::getenv("JICENG_BENCH_DIR");
    std::filesystem::path base = env != nullptr ? env : "/tmp";
    std::filesystem::path d = base / absl::StrCat("jiceng-journal-bench-", ::getpid());
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

std::string fresh_db(const std::string& name) {
  const std::filesystem::path p = bench_dir() / name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + suffix);
  return p.string();
}

// Rows shaped like the Engine's events: one submit (a longer payload with text) for five
// short state changes; 63 payload bytes on average.
std::vector<jiceng::JournalRecord> make_rows(std::size_t n) {
  static const char* kTypes[] = {"submit", "accept", "dispatch", "sign", "resolve", "evaluate"};
  std::vector<jiceng::JournalRecord> rows(n);
  for (std::size_t i = 0; i < n; ++i) {
    rows[i].time = 1717000000 + static_cast<std::int64_t>(i);
    rows[i].type = kTypes[i % 6];
    rows[i].payload = std::string(i % 6 == 0 ? 180 : 40, static_cast<char>('a' + i % 26));
  }
  return rows;
}

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::abort();
  }
}

void exec(sqlite3* db, const char* sql) { check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql); }

// --- durable journal append -------------------------------------------------------

void BM_JournalAppend(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  auto journal = jiceng::Journal::open(fresh_db(absl::StrCat("journal-", batch, ".db")));
  if (!journal.ok()) {
    state.SkipWithError(std::string(journal.status().message()).c_str());
    return;
  }
  const auto rows = make_rows(batch);
  for (auto _ : state) {
    auto r = (*journal)->append(rows);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
}

// --- raw SQLite inserts of the same rows ------------------------------------------

// `hash_column`: also write a 32-byte blob per row (the bytes the chain adds, but
// constant — no hashing); without, the table is the journal's minus the hash column.
void raw_insert(benchmark::State& state, bool hash_column) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  const std::string path = fresh_db(absl::StrCat("raw-", hash_column, "-", batch, ".db"));
  sqlite3* db = nullptr;
  check(sqlite3_open(path.c_str(), &db), db, "open");
  exec(db, "PRAGMA journal_mode=WAL");
  exec(db, "PRAGMA synchronous=FULL");
  exec(db, hash_column
               ? "CREATE TABLE events(seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, type TEXT NOT NULL,"
                 " payload BLOB NOT NULL, hash BLOB NOT NULL)"
               : "CREATE TABLE events(seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, type TEXT NOT NULL,"
                 " payload BLOB NOT NULL)");
  sqlite3_stmt *begin = nullptr, *commit = nullptr, *ins = nullptr;
  check(sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, nullptr), db, "prepare");
  check(sqlite3_prepare_v2(db, "COMMIT", -1, &commit, nullptr), db, "prepare");
  check(sqlite3_prepare_v2(db,
                           hash_column ? "INSERT INTO events VALUES(?,?,?,?,?)"
                                        : "INSERT INTO events VALUES(?,?,?,?)",
                           -1, &ins, nullptr),
        db, "prepare");
  const auto rows = make_rows(batch);
  const std::string blob(32, '\x5a');
  std::int64_t seq = 0;
  for (auto _ : state) {
    check(sqlite3_step(begin), db, "begin");
    sqlite3_reset(begin);
    for (const auto& r : rows) {
      sqlite3_bind_int64(ins, 1, ++seq);
      sqlite3_bind_int64(ins, 2, r.time);
      sqlite3_bind_text(ins, 3, r.type.data(), static_cast<int>(r.type.size()), SQLITE_STATIC);
      sqlite3_bind_blob(ins, 4, r.payload.data(), static_cast<int>(r.payload.size()), SQLITE_STATIC);
      if (hash_column) {
        sqlite3_bind_blob(ins, 5, blob.data(), 32, SQLITE_STATIC);
      }
      check(sqlite3_step(ins), db, "insert");
      sqlite3_reset(ins);
    }
    check(sqlite3_step(commit), db, "commit");
    sqlite3_reset(commit);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
  sqlite3_finalize(begin);
  sqlite3_finalize(commit);
  sqlite3_finalize(ins);
  sqlite3_close(db);
}

void BM_RawSqliteInsert(benchmark::State& state) { raw_insert(state, false); }
void BM_RawSqliteInsertWithHashColumn(benchmark::State& state) { raw_insert(state, true); }

// --- replay -----------------------------------------------------------------------

std::uint64_t replay_events() {
  const char* env = std::getenv("JICENG_BENCH_REPLAY_EVENTS");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 10'000'000ull;
}

// Builds the replay journal once (synchronous=OFF: building it is not what is measured).
const std::string& replay_db() {
  static const std::string path = [] {
    const std::string p = fresh_db("replay.db");
    jiceng::JournalOptions o;
    o.sync = jiceng::SyncMode::kOff;
    auto j = jiceng::Journal::open(p, o);
    if (!j.ok()) std::abort();
    const auto rows = make_rows(10'000);
    const std::uint64_t n = replay_events();
    for (std::uint64_t done = 0; done < n; done += rows.size()) {
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(rows.size(), n - done));
      if (!(*j)->append(std::span(rows.data(), take)).ok()) std::abort();
    }
    return p;
  }();
  return path;
}

// Walks the whole chain (reads every row, recomputes every hash) and hands each record
// to a callback that touches its payload — what open does before decoding events.
void BM_JournalReplay(benchmark::State& state) {
  const std::string& path = replay_db();
  auto j = jiceng::Journal::open(path);
  if (!j.ok()) {
    state.SkipWithError("open");
    return;
  }
  std::uint64_t n = 0, bytes = 0;
  for (auto _ : state) {
    n = 0;
    absl::Status st = (*j)->replay(0, [&](const jiceng::StoredRecord& r) {
      ++n;
      bytes += r.payload.size();
      return absl::OkStatus();
    });
    if (!st.ok()) state.SkipWithError(std::string(st.message()).c_str());
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["events"] = static_cast<double>(n);
}

// The same rows read back by a plain SELECT (no hashing): the floor for replay.
void BM_RawSqliteScan(benchmark::State& state) {
  const std::string& path = replay_db();
  sqlite3* db = nullptr;
  check(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), db, "open");
  sqlite3_stmt* s = nullptr;
  check(sqlite3_prepare_v2(db, "SELECT seq, time, type, payload, hash FROM events ORDER BY seq",
                           -1, &s, nullptr),
        db, "prepare");
  std::uint64_t n = 0, bytes = 0;
  for (auto _ : state) {
    n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
      ++n;
      bytes += static_cast<std::uint64_t>(sqlite3_column_bytes(s, 3));
      benchmark::DoNotOptimize(sqlite3_column_blob(s, 3));
      benchmark::DoNotOptimize(sqlite3_column_text(s, 2));
    }
    sqlite3_reset(s);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  sqlite3_finalize(s);
  sqlite3_close(db);
}

// --- Engine replay: open = decode + apply every event, chain verified ---------------

std::uint64_t engine_events() {
  const char* env = std::getenv("JICENG_BENCH_ENGINE_EVENTS");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 1'000'000ull;
}

// A journal of real Engine events: the sample district, then petitions taken through the
// whole loop (submit, accept, dispatch, sign, resolve, evaluate), 1,000 commands a batch.
const std::string& engine_db() {
  static const std::string path = [] {
    const std::string p = fresh_db("engine.db");
    jiceng::JournalOptions o;
    o.sync = jiceng::SyncMode::kOff;
    auto d = jiceng::open_engine(p, o);
    if (!d.ok() || !jiceng::test::load_sample((*d)->engine()).ok()) std::abort();
    jiceng::Engine& e = (*d)->engine();
    int n = 0;
    while (e.last_seq() < engine_events()) {
      absl::Status st = e.batch([&](jiceng::Engine& en) -> absl::Status {
        for (int k = 0; k < 166; ++k, ++n) {
          JICENG_RETURN_IF_ERROR(jiceng::test::lifecycle(en, n, 5, jiceng::test::kT0 + n).status());
        }
        return absl::OkStatus();
      });
      if (!st.ok()) {
        std::fprintf(stderr, "engine journal: %s\n", std::string(st.message()).c_str());
        std::abort();
      }
    }
    return p;
  }();
  return path;
}

void BM_EngineReplayFromStart(benchmark::State& state) {
  const std::string& path = engine_db();
  jiceng::JournalOptions o;
  o.read_only = true;
  o.use_snapshots = false;
  std::uint64_t n = 0;
  for (auto _ : state) {
    auto d = jiceng::open_engine(path, o);
    if (!d.ok()) {
      state.SkipWithError(std::string(d.status().message()).c_str());
      break;
    }
    n = (*d)->open_report().replayed;
    state.PauseTiming();
    d->reset();  // freeing a million petitions is not replay
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["events"] = static_cast<double>(n);
}

BENCHMARK(BM_JournalAppend)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(5);
BENCHMARK(BM_RawSqliteInsert)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(5);
BENCHMARK(BM_RawSqliteInsertWithHashColumn)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(5);
BENCHMARK(BM_JournalAppend)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(3);
BENCHMARK(BM_RawSqliteInsert)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(3);
BENCHMARK(BM_JournalReplay)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(3);
BENCHMARK(BM_RawSqliteScan)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(3);
BENCHMARK(BM_EngineReplayFromStart)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(3);

// Collects items/s per benchmark (the median when repeated) for the ratio summary.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      const auto it = r.counters.find("items_per_second");
      if (it == r.counters.end()) continue;
      const std::string name = r.run_name.str();
      if (r.run_type == Run::RT_Aggregate) {
        if (r.aggregate_name == "median") median_[name] = it->second.value;
      } else {
        single_[name].push_back(it->second.value);
      }
    }
  }
  double rate(const std::string& name) const {
    if (auto it = median_.find(name); it != median_.end()) return it->second;
    if (auto it = single_.find(name); it != single_.end() && !it->second.empty()) return it->second.back();
    return 0;
  }

 private:
  std::map<std::string, double> median_;
  std::map<std::string, std::vector<double>> single_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double journal = reporter.rate("BM_JournalAppend/1000/repeats:5/real_time");
  const double raw = reporter.rate("BM_RawSqliteInsert/1000/repeats:5/real_time");
  const double raw_cols = reporter.rate("BM_RawSqliteInsertWithHashColumn/1000/repeats:5/real_time");
  const double journal1 = reporter.rate("BM_JournalAppend/1/repeats:3/real_time");
  const double raw1 = reporter.rate("BM_RawSqliteInsert/1/repeats:3/real_time");
  const double replay = reporter.rate("BM_JournalReplay/iterations:1/repeats:3/real_time");
  const double scan = reporter.rate("BM_RawSqliteScan/iterations:1/repeats:3/real_time");
  const double engine_replay = reporter.rate("BM_EngineReplayFromStart/iterations:1/repeats:3/real_time");
  std::printf("\nsummary (WAL, synchronous=FULL, batches of 1000; medians where repeated)\n");
  if (journal > 0) std::printf("  journal append, group commit : %12.0f events/s (target >= 200000)\n", journal);
  if (raw > 0) std::printf("  raw SQLite insert, same rows   : %12.0f rows/s\n", raw);
  if (raw_cols > 0) std::printf("  raw insert + constant hash blob: %11.0f rows/s\n", raw_cols);
  if (journal > 0 && raw > 0) std::printf("  ratio journal / raw           : %12.2f x  (target >= 0.80)\n", journal / raw);
  if (journal > 0 && raw_cols > 0) std::printf("  ratio journal / raw + blob    : %12.2f x\n", journal / raw_cols);
  if (journal1 > 0) std::printf("  journal, 1 transaction/event  : %12.0f events/s\n", journal1);
  if (raw1 > 0) std::printf("  raw, 1 transaction/row        : %12.0f rows/s\n", raw1);
  if (replay > 0) std::printf("  journal replay (verify chain) : %12.0f events/s over %llu events\n", replay,
                              static_cast<unsigned long long>(replay_events()));
  if (scan > 0) std::printf("  raw SQLite scan, same rows    : %12.0f rows/s\n", scan);
  if (engine_replay > 0) {
    std::printf("  Engine open from seq 1        : %12.0f events/s over %llu events (decode + apply +"
                " chain)\n", engine_replay, static_cast<unsigned long long>(engine_events()));
  }
  benchmark::Shutdown();
  std::error_code ec;
  std::filesystem::remove_all(bench_dir(), ec);
  return 0;
}
