// The PostgreSQL journal against plain libpq statements on the same server, in one run
// (docs/postgres.md has the figures). Each pair writes or reads the same rows:
//   - 1,000 events per transaction: Journal::append (hashes, jc_append: rows + guarded head
//     row) vs one plain `INSERT … SELECT FROM unnest(…)` of the same rows, no head row;
//   - one event per transaction on 8 chains, 8 threads: Journal::append vs a plain
//     single-row INSERT, each thread on a connection of its own;
//   - two DurableEngines on one chain: commands per second and the share that conflicted;
//   - catching up 20,000 rows: Journal::tail (verifying every hash) vs a plain ordered
//     SELECT of the same rows (paged the same way, no verification).
// The server: JICENG_PG_DIR (a cluster made by tests/journal/pg/pg_cluster.sh), else a
// throwaway cluster of its own, removed at exit.
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

namespace {

using namespace jiceng;

std::string g_uri;       // the cluster, no chain
std::string g_own_dir;   // a cluster this program started

std::string cluster_script() { return std::string(JICENG_SOURCE_DIR) + "/tests/journal/pg/pg_cluster.sh"; }

void stop_own_cluster() {
  if (!g_own_dir.empty()) {
    const std::string cmd = cluster_script() + " stop " + g_own_dir;
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "journal_pg_bench: could not stop %s\n", g_own_dir.c_str());
  }
}

bool setup_cluster() {
  std::string dir;
  if (const char* d = std::getenv("JICENG_PG_DIR")) dir = d;
  if (dir.empty()) {
    g_own_dir = absl::StrCat("/tmp/jiceng-pg-bench-", ::getpid());
    const std::string cmd = cluster_script() + " start " + g_own_dir + " >/dev/null";
    if (std::system(cmd.c_str()) != 0) return false;
    std::atexit(stop_own_cluster);
    dir = g_own_dir;
  }
  std::ifstream in(dir + "/uri");
  std::getline(in, g_uri);
  return !g_uri.empty();
}

std::string chain_uri(int chain) { return absl::StrCat(g_uri, "&chain=", chain); }

PGconn* connect() {
  PGconn* c = PQconnectdb(g_uri.c_str());
  if (PQstatus(c) != CONNECTION_OK) std::fprintf(stderr, "connect: %s", PQerrorMessage(c));
  return c;
}

bool exec(PGconn* c, const std::string& sql) {
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok) std::fprintf(stderr, "%s: %s", sql.c_str(), PQresultErrorMessage(r));
  PQclear(r);
  return ok;
}

std::atomic<int> g_next_chain{340000};
int fresh_chain() {
  int c = ++g_next_chain;
  if (c % 100 == 0) c = ++g_next_chain;
  return c;
}

// ~100-byte events, as the engine's are.
std::vector<JournalRecord> records(std::size_t n, std::uint64_t tag) {
  std::vector<JournalRecord> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i].time = 1717376400 + static_cast<Timestamp>(tag + i);
    out[i].type = "submit";
    out[i].payload = absl::StrCat("petition-", tag, "-", i, "-", std::string(80, 'x'));
  }
  return out;
}

// --- plain statements ------------------------------------------------------------------

void be32(std::string& o, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) o.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void be64(std::string& o, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) o.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::string array_header(std::uint32_t oid, std::size_t n) {
  std::string a;
  be32(a, 1);
  be32(a, 0);
  be32(a, oid);
  be32(a, static_cast<std::uint32_t>(n));
  be32(a, 1);
  return a;
}

const char* kPlainTable =
    "CREATE TABLE IF NOT EXISTS bench_plain (chain integer NOT NULL, seq bigint NOT NULL, time bigint NOT NULL, "
    "type text NOT NULL, payload bytea NOT NULL, hash bytea NOT NULL, PRIMARY KEY (chain, seq))";

// The same rows as Journal::append writes (hash included), one unnest INSERT per batch.
void BM_PlainUnnestInsert1000(benchmark::State& state) {
  PGconn* c = connect();
  exec(c, kPlainTable);
  const int chain = fresh_chain();
  std::uint64_t seq = 0;
  const auto recs = records(1000, 0);
  ChainHash prev{};
  for (auto _ : state) {
    std::string seqs = array_header(20, 1000), times = seqs, types = array_header(25, 1000),
                payloads = array_header(17, 1000), hashes = payloads;
    for (const JournalRecord& r : recs) {
      ++seq;
      prev = chain_hash(prev, seq, r.time, r.type, r.payload);  // the same work on the client
      be32(seqs, 8);
      be64(seqs, seq);
      be32(times, 8);
      be64(times, static_cast<std::uint64_t>(r.time));
      be32(types, static_cast<std::uint32_t>(r.type.size()));
      types += r.type;
      be32(payloads, static_cast<std::uint32_t>(r.payload.size()));
      payloads += r.payload;
      be32(hashes, 32);
      hashes.append(reinterpret_cast<const char*>(prev.data()), 32);
    }
    std::string ch;
    be32(ch, static_cast<std::uint32_t>(chain));
    const char* v[] = {ch.data(), seqs.data(), times.data(), types.data(), payloads.data(), hashes.data()};
    const int len[] = {4, static_cast<int>(seqs.size()), static_cast<int>(times.size()), static_cast<int>(types.size()),
                       static_cast<int>(payloads.size()), static_cast<int>(hashes.size())};
    const int fmt[] = {1, 1, 1, 1, 1, 1};
    const Oid types_oid[] = {23, 1016, 1016, 1009, 1001, 1001};
    PGresult* r = PQexecParams(c,
                               "INSERT INTO bench_plain SELECT $1, * FROM unnest($2::int8[], $3::int8[], $4::text[], "
                               "$5::bytea[], $6::bytea[])",
                               6, types_oid, v, len, fmt, 1);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) state.SkipWithError(PQresultErrorMessage(r));
    PQclear(r);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
  PQfinish(c);
}

void BM_JournalAppend1000(benchmark::State& state) {
  auto j = Journal::open(chain_uri(fresh_chain()));
  if (!j.ok()) {
    state.SkipWithError(std::string(j.status().message()).c_str());
    return;
  }
  const auto recs = records(1000, 0);
  for (auto _ : state) {
    auto r = (*j)->append(recs);
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}

// One event per transaction, 8 threads, each on its own chain and connection.
void BM_PlainSingleInsert8(benchmark::State& state) {
  PGconn* c = connect();
  if (state.thread_index() == 0) exec(c, kPlainTable);
  const int chain = fresh_chain();
  std::uint64_t seq = 0;
  const auto recs = records(1, 0);
  ChainHash prev{};
  for (auto _ : state) {
    ++seq;
    prev = chain_hash(prev, seq, recs[0].time, recs[0].type, recs[0].payload);
    std::string ch, sq, tm;
    be32(ch, static_cast<std::uint32_t>(chain));
    be64(sq, seq);
    be64(tm, static_cast<std::uint64_t>(recs[0].time));
    const char* v[] = {ch.data(), sq.data(), tm.data(), recs[0].type.data(), recs[0].payload.data(),
                       reinterpret_cast<const char*>(prev.data())};
    const int len[] = {4, 8, 8, static_cast<int>(recs[0].type.size()), static_cast<int>(recs[0].payload.size()), 32};
    const int fmt[] = {1, 1, 1, 1, 1, 1};
    const Oid oids[] = {23, 20, 20, 25, 17, 17};
    PGresult* r = PQexecParams(c, "INSERT INTO bench_plain VALUES ($1, $2, $3, $4, $5, $6)", 6, oids, v, len, fmt, 1);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) state.SkipWithError(PQresultErrorMessage(r));
    PQclear(r);
  }
  state.SetItemsProcessed(state.iterations());
  PQfinish(c);
}

void BM_JournalAppend1On8Chains(benchmark::State& state) {
  JournalOptions o;
  o.notify = state.range(0) != 0;  // 0: no NOTIFY hint after the commit
  auto j = Journal::open(chain_uri(fresh_chain()), o);
  if (!j.ok()) {
    state.SkipWithError(std::string(j.status().message()).c_str());
    return;
  }
  const auto recs = records(1, 0);
  for (auto _ : state) {
    auto r = (*j)->append(recs);
    if (!r.ok()) state.SkipWithError(std::string(r.status().message()).c_str());
  }
  state.SetItemsProcessed(state.iterations());
}

// Two engines (two handles, as two servers) on one chain, each submitting; a lost race is
// caught up and re-run (DurableEngine::run). Counters: conflicts per command.
std::mutex g_two_mu;
std::string g_two_uri;
void BM_TwoEnginesOneChain(benchmark::State& state) {
  {
    std::lock_guard<std::mutex> lock(g_two_mu);
    if (state.thread_index() == 0 || g_two_uri.empty()) g_two_uri = chain_uri(fresh_chain());
  }
  std::unique_ptr<DurableEngine> d;
  for (int i = 0; i < 5 && d == nullptr; ++i) {  // both may create the chain at once
    std::string uri;
    {
      std::lock_guard<std::mutex> lock(g_two_mu);
      uri = g_two_uri;
    }
    auto o = open_engine(uri);
    if (o.ok()) d = std::move(*o);
  }
  if (d == nullptr) {
    state.SkipWithError("open failed");
    return;
  }
  std::int64_t tries = 0, n = 0;
  for (auto _ : state) {
    absl::Status st = d->run(
        [&](Engine& e) {
          ++tries;
          return e.set_policy(n % 2 == 0 ? "national" : "suzhou-sip", 1717376400 + n);
        },
        50);
    ++n;
    if (!st.ok()) state.SkipWithError(std::string(st.message()).c_str());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["conflicts_per_cmd"] = benchmark::Counter(static_cast<double>(tries - n) / static_cast<double>(n),
                                                           benchmark::Counter::kAvgThreads);
}

// Catching up: 20,000 rows of one chain.
constexpr std::size_t kTailRows = 20000;
int g_tail_chain = 0;
void fill(Journal& j) {
  for (std::size_t k = 0; k < kTailRows / 1000; ++k) {
    if (!j.append(records(1000, k * 1000)).ok()) std::fprintf(stderr, "fill failed\n");
  }
}

void BM_PlainOrderedSelect20000(benchmark::State& state) {
  PGconn* c = connect();
  for (auto _ : state) {
    // Rows just written, as a catching-up reader meets them (the tail below does the same).
    state.PauseTiming();
    g_tail_chain = fresh_chain();
    {
      auto j = Journal::open(chain_uri(g_tail_chain));
      if (j.ok()) fill(**j);
    }
    std::string ch;
    be32(ch, static_cast<std::uint32_t>(g_tail_chain));
    state.ResumeTiming();
    std::uint64_t last = 0, rows = 0, bytes = 0;
    for (;;) {
      std::string sq;
      be64(sq, last);
      const char* v[] = {ch.data(), sq.data()};
      const int len[] = {4, 8};
      const int fmt[] = {1, 1};
      const Oid oids[] = {23, 20};
      PGresult* r = PQexecParams(c,
                                 "SELECT seq, time, type, payload, hash FROM jc_events WHERE chain = $1 AND seq > $2 "
                                 "ORDER BY seq LIMIT 10000",
                                 2, oids, v, len, fmt, 1);
      const int n = PQntuples(r);
      for (int i = 0; i < n; ++i) bytes += static_cast<std::uint64_t>(PQgetlength(r, i, 3));
      if (n > 0) {
        const char* p = PQgetvalue(r, n - 1, 0);
        last = 0;
        for (int b = 0; b < 8; ++b) last = (last << 8) | static_cast<std::uint8_t>(p[b]);
      }
      rows += static_cast<std::uint64_t>(n);
      PQclear(r);
      if (n < 10000) break;
    }
    benchmark::DoNotOptimize(bytes);
    if (rows != kTailRows) state.SkipWithError("wrong row count");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kTailRows));
  PQfinish(c);
}

void BM_JournalTail20000(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    // A reader at seq 0 of a chain that then receives the rows.
    const int chain = fresh_chain();
    auto reader = Journal::open(chain_uri(chain));
    auto writer = Journal::open(chain_uri(chain));
    if (!reader.ok() || !writer.ok()) {
      state.SkipWithError("open failed");
      break;
    }
    fill(**writer);
    state.ResumeTiming();
    std::uint64_t rows = 0, bytes = 0;
    for (;;) {
      auto n = (*reader)->tail((*reader)->last_seq(), 10000, [&](const StoredRecord& r) {
        bytes += r.payload.size();
        return absl::OkStatus();
      });
      if (!n.ok()) {
        state.SkipWithError(std::string(n.status().message()).c_str());
        break;
      }
      rows += *n;
      if (*n < 10000) break;
    }
    benchmark::DoNotOptimize(bytes);
    if (rows != kTailRows) state.SkipWithError("wrong row count");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kTailRows));
}

// Side by side, each pair in turn, repeated: medians over the repetitions.
BENCHMARK(BM_PlainUnnestInsert1000)->Repetitions(5)->ReportAggregatesOnly(true)->UseRealTime()->MinTime(0.5);
BENCHMARK(BM_JournalAppend1000)->Repetitions(5)->ReportAggregatesOnly(true)->UseRealTime()->MinTime(0.5);
BENCHMARK(BM_PlainSingleInsert8)->Threads(8)->Repetitions(5)->ReportAggregatesOnly(true)->UseRealTime()->MinTime(0.5);
BENCHMARK(BM_JournalAppend1On8Chains)->Arg(1)->Arg(0)->Threads(8)->Repetitions(5)->ReportAggregatesOnly(true)->UseRealTime()->MinTime(0.5);
BENCHMARK(BM_TwoEnginesOneChain)->Threads(2)->Repetitions(5)->ReportAggregatesOnly(true)->UseRealTime()->MinTime(0.5);
BENCHMARK(BM_PlainOrderedSelect20000)->Repetitions(5)->ReportAggregatesOnly(true)->UseRealTime()->Iterations(5);
BENCHMARK(BM_JournalTail20000)->Repetitions(5)->ReportAggregatesOnly(true)->UseRealTime()->Iterations(5);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (!jiceng::postgres_journal_available()) {
    std::fprintf(stderr, "journal_pg_bench: the PostgreSQL journal is not compiled in\n");
    return 0;
  }
  if (!setup_cluster()) {
    std::fprintf(stderr, "journal_pg_bench: no PostgreSQL cluster (set JICENG_PG_DIR or install postgresql-15)\n");
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
#else
#include <cstdio>
int main() {
  std::fprintf(stderr, "journal_pg_bench: the PostgreSQL journal is not compiled in (no libpq)\n");
  return 0;
}
#endif
