// The PostgreSQL journal against a real PostgreSQL 15 (the ctest fixture starts a throwaway
// cluster): parity with the SQLite journal, every tamper case plus rows and chains moved
// between districts, the chain binding, conflicts between engines on one chain (in one
// process and in two), ambiguous commits after pg_terminate_backend, SIGKILL rounds, and
// tailing with lost notifications.
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "journal/forge.hpp"
#include "journal/pg/pg_util.hpp"
#include "journal/scenario.hpp"
#include "journal/test_util.hpp"

namespace jiceng {
namespace {

using test::make_records;
using test::pg_sql;
using test::pg_uri;
using test::read_all;
using test::Row;
using ::testing::HasSubstr;

// Empties a chain (tests that need the sample district's own code, 320506).
void reset_chain(int chain) {
  pg_sql(absl::StrCat("DELETE FROM jc_snapshots WHERE chain = ", chain, "; DELETE FROM jc_events WHERE chain = ", chain,
                      "; DELETE FROM jc_chain WHERE chain = ", chain));
}

// Each test takes chains of its own (the cluster lives for the whole run).
int next_chain() {
  static int n = 0;
  ++n;
  return 330000 + (n / 99) * 100 + n % 99 + 1;  // never ends in 00
}

TEST(PgJournal, CompiledInAndUriRecognized) {
  EXPECT_TRUE(postgres_journal_available());
  EXPECT_TRUE(is_postgres_uri("postgresql:///db?host=/tmp"));
  EXPECT_TRUE(is_postgres_uri("postgres://u@h/db"));
  EXPECT_FALSE(is_postgres_uri("/var/lib/jiceng/j.db"));
}

TEST(PgJournal, AppendReplayVerifyAndReopen) {
  JICENG_NEED_PG();
  const int chain = next_chain();
  std::vector<Row> before;
  ChainHash head{};
  {
    auto j = Journal::open(pg_uri(chain));
    ASSERT_TRUE(j.ok()) << j.status();
    EXPECT_TRUE((*j)->shared());
    EXPECT_EQ((*j)->last_seq(), 0u);
    EXPECT_NE((*j)->head(), ChainHash{}) << "a PostgreSQL chain starts from its own genesis, not zeros";
    auto a = (*j)->append(make_records(1, 1));
    ASSERT_TRUE(a.ok()) << a.status();
    EXPECT_EQ(a->first_seq, 1u);
    auto b = (*j)->append(make_records(1000, 2));
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ(b->first_seq, 2u);
    EXPECT_EQ(b->last_seq, 1001u);
    before = read_all(**j);
    ASSERT_EQ(before.size(), 1001u);
    EXPECT_EQ(before[1].payload, make_records(1000, 2)[0].payload);
    EXPECT_EQ(before[5].payload, make_records(1000, 2)[4].payload) << "NUL bytes survive (binary parameters)";
    head = (*j)->head();
    auto v = (*j)->verify();
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(v->events, 1001u);
    EXPECT_EQ(v->last_seq, 1001u);
    EXPECT_EQ(v->head, head);
    // The chain is the one computed by the public formula, from the chain's genesis.
    ChainHash prev = (*j)->head();
    (void)prev;
    EXPECT_EQ(chain_hash(before[999].hash, 1001, before[1000].time, before[1000].type, before[1000].payload),
              before[1000].hash);
  }
  auto j = Journal::open(pg_uri(chain));
  ASSERT_TRUE(j.ok()) << j.status();
  EXPECT_EQ((*j)->last_seq(), 1001u);
  EXPECT_EQ((*j)->head(), head);
  std::vector<Row> after = read_all(**j);
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].hash, before[i].hash);
  // A bad record is refused and changes nothing.
  std::vector<JournalRecord> bad = make_records(3, 9);
  bad[2].type = "Bad Type";
  auto r = (*j)->append(bad);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("record 2"));
  EXPECT_EQ((*j)->last_seq(), 1001u);
  EXPECT_EQ(pg_sql(absl::StrCat("SELECT count(*) FROM jc_events WHERE chain = ", chain)), "1001");
}

TEST(PgJournal, ChainIsNamedOrRefused) {
  JICENG_NEED_PG();
  const int chain = next_chain();
  ASSERT_TRUE(Journal::open(pg_uri(chain)).ok());
  // Several chains in the database: an unnamed open must say which to choose.
  auto unnamed = Journal::open(test::pg_base_uri());
  ASSERT_EQ(unnamed.status().code(), absl::StatusCode::kInvalidArgument) << unnamed.status();
  EXPECT_THAT(std::string(unnamed.status().message()), HasSubstr("name the chain"));
  // A city code (ends in 00) or junk is not a chain.
  for (const char* bad : {"320500", "3205061", "32050x", "000000"}) {
    auto j = Journal::open(absl::StrCat(test::pg_base_uri(), "&chain=", bad));
    EXPECT_EQ(j.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(j.status().message()), HasSubstr("county-level"));
  }
  // The options and the URI must agree.
  JournalOptions o;
  o.chain = "320507";
  auto clash = Journal::open(pg_uri(chain), o);
  EXPECT_EQ(clash.status().code(), absl::StatusCode::kInvalidArgument);
  // A read-only open of a chain that does not exist creates nothing.
  JournalOptions ro;
  ro.read_only = true;
  const int absent = next_chain();
  EXPECT_EQ(Journal::open(pg_uri(absent), ro).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(pg_sql(absl::StrCat("SELECT count(*) FROM jc_chain WHERE chain = ", absent)), "0");
}

// The engine's org must belong to the chain: a county root carries the chain's code.
TEST(PgJournal, LoadOrgOfAnotherCountyIsRefusedAndChangesNothing) {
  JICENG_NEED_PG();
  const int chain = next_chain();  // 33xxxx, while the sample district is 320506
  auto d = open_engine(pg_uri(chain));
  ASSERT_TRUE(d.ok()) << d.status();
  Engine& e = (*d)->engine();
  const std::string digest = (*d)->state_digest();
  const std::uint64_t seq = (*d)->journal().last_seq();
  absl::Status st = test::load_sample(e);
  ASSERT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("county 320506"));
  EXPECT_EQ((*d)->state_digest(), digest);
  EXPECT_EQ((*d)->journal().last_seq(), seq);
  EXPECT_EQ(pg_sql(absl::StrCat("SELECT count(*) FROM jc_events WHERE chain = ", chain)), std::to_string(seq));
  // On its own chain it loads.
  reset_chain(320506);
  auto own = open_engine(pg_uri(320506));
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_TRUE(test::load_sample((*own)->engine()).ok());
}

// Parity: the same commands give the same events and the same state on both backends,
// and reopening either rebuilds exactly the live state.
TEST(PgJournal, DigestParityWithSqlite) {
  JICENG_NEED_PG();
  test::TempDir dir;
  const std::string file = dir.file("parity.db");
  reset_chain(320506);
  auto run = [&](DurableEngine& d) -> absl::Status {
    Engine& e = d.engine();
    JICENG_RETURN_IF_ERROR(test::load_sample(e));
    for (int i = 0; i < 40; ++i) {
      JICENG_RETURN_IF_ERROR(
          e.batch([&](Engine& b) { return test::lifecycle(b, i, i % 6, test::kT0 + 600 * i).status(); }));
    }
    return e.tick(test::kT0 + 86400 * 30).status();
  };
  auto sq = open_engine(file);
  auto pg = open_engine(pg_uri(320506));
  ASSERT_TRUE(sq.ok() && pg.ok()) << sq.status() << pg.status();
  ASSERT_TRUE(run(**sq).ok());
  absl::Status pst = run(**pg);
  ASSERT_TRUE(pst.ok()) << pst;
  ASSERT_EQ((*sq)->engine().last_seq(), (*pg)->engine().last_seq());
  ASSERT_GT((*pg)->engine().last_seq(), 100u);
  // Rows after the two opening events (stamped with the open time) are byte for byte equal.
  std::vector<Row> a = read_all((*sq)->journal()), b = read_all((*pg)->journal());
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 2; i < a.size(); ++i) {
    EXPECT_EQ(a[i].type, b[i].type) << i;
    EXPECT_EQ(a[i].payload, b[i].payload) << i;
  }
  const std::string live_pg = (*pg)->state_digest();
  const std::string live_sq = (*sq)->state_digest();
  ASSERT_TRUE((*pg)->write_snapshot().ok());
  pg->reset();
  sq->reset();
  for (bool snapshots : {true, false}) {
    JournalOptions o;
    o.use_snapshots = snapshots;
    auto re = open_engine(pg_uri(320506), o);
    ASSERT_TRUE(re.ok()) << re.status();
    EXPECT_EQ((*re)->state_digest(), live_pg) << "snapshots " << snapshots;
    EXPECT_EQ((*re)->open_report().snapshot_seq.has_value(), snapshots);
  }
  auto re_sq = open_engine(file);
  ASSERT_TRUE(re_sq.ok());
  EXPECT_EQ((*re_sq)->state_digest(), live_sq);
  std::vector<JournalRecord> recs;
  for (const Row& r : read_all((*re_sq)->journal())) recs.push_back({r.time, r.type, r.payload});
  // The SQLite rows on another county's chain: its load_org names 320506, refused whole.
  {
    const int other = next_chain();
    auto j = Journal::open(pg_uri(other));
    ASSERT_TRUE(j.ok());
    auto refused = (*j)->append(recs);
    ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
    EXPECT_EQ((*j)->last_seq(), 0u);
    EXPECT_EQ(pg_sql(absl::StrCat("SELECT count(*) FROM jc_events WHERE chain = ", other)), "0");
  }
  // The SQLite journal's rows appended to the emptied chain 320506 rebuild the SQLite
  // engine's very state: the two stores hold the same history.
  reset_chain(320506);
  {
    JournalOptions o;
    o.chain = "320506";
    auto j = Journal::open(test::pg_base_uri(), o);
    ASSERT_TRUE(j.ok()) << j.status();
    auto app = (*j)->append(recs);
    ASSERT_TRUE(app.ok()) << app.status();
  }
  auto from_copy = open_engine(pg_uri(320506));
  ASSERT_TRUE(from_copy.ok()) << from_copy.status();
  EXPECT_EQ((*from_copy)->state_digest(), live_sq);
}

struct Tamper {
  const char* name;
  std::string sql;     // $C is the chain
  std::string expect;  // substring of the message
};

std::string with_chain(std::string sql, int chain) {
  for (std::size_t at = sql.find("$C"); at != std::string::npos; at = sql.find("$C", at)) {
    sql.replace(at, 2, std::to_string(chain));
  }
  return sql;
}

void fill_chain(int chain) {
  auto j = Journal::open(pg_uri(chain));
  ASSERT_TRUE(j.ok()) << j.status();
  ASSERT_TRUE((*j)->append(make_records(1, 1)).ok());
  ASSERT_TRUE((*j)->append(make_records(11, 2)).ok());
  ASSERT_TRUE((*j)->verify().ok());
}

// The SQLite journal's tamper cases, done with SQL on the tables (as a table owner could),
// plus rows and whole chains moved between districts.
TEST(PgJournal, TamperingIsDetectedAtTheFirstBadSeq) {
  JICENG_NEED_PG();
  const std::vector<Tamper> cases = {
      {"edit payload", "UPDATE jc_events SET payload = '\\x00' WHERE chain = $C AND seq = 7", "seq 7: hash mismatch"},
      {"edit time", "UPDATE jc_events SET time = time + 1 WHERE chain = $C AND seq = 4", "seq 4: hash mismatch"},
      {"edit type", "UPDATE jc_events SET type = 'close' WHERE chain = $C AND seq = 9", "seq 9: hash mismatch"},
      {"edit hash", "UPDATE jc_events SET hash = decode(repeat('00', 32), 'hex') WHERE chain = $C AND seq = 5",
       "seq 5: hash mismatch"},
      {"copy a row",
       "UPDATE jc_events t SET (time, type, payload, hash) = (SELECT time, type, payload, hash FROM jc_events "
       "WHERE chain = $C AND seq = 2) WHERE chain = $C AND seq = 3",
       "seq 3: hash mismatch"},
      {"delete middle", "DELETE FROM jc_events WHERE chain = $C AND seq = 6", "seq 6 is missing"},
      {"delete range", "DELETE FROM jc_events WHERE chain = $C AND seq BETWEEN 2 AND 4", "seq 2 is missing"},
      {"delete first", "DELETE FROM jc_events WHERE chain = $C AND seq = 1", "seq 1 is missing"},
      {"reorder",
       "UPDATE jc_events SET seq = 1000005 WHERE chain = $C AND seq = 5; UPDATE jc_events SET seq = 5 WHERE chain = $C "
       "AND seq = 6; UPDATE jc_events SET seq = 6 WHERE chain = $C AND seq = 1000005",
       "seq 5: hash mismatch"},
      {"swap payloads",
       "UPDATE jc_events SET payload = (SELECT payload FROM jc_events WHERE chain = $C AND seq = 9) WHERE chain = $C "
       "AND seq = 8",
       "seq 8: hash mismatch"},
      {"truncated tail", "DELETE FROM jc_events WHERE chain = $C AND seq > 10", "seq 11 is missing"},
      {"appended outside",
       "INSERT INTO jc_events SELECT chain, 13, time, type, payload, hash FROM jc_events WHERE chain = $C AND seq = 12",
       "seq 13: hash mismatch"},
      {"head moved back",
       "UPDATE jc_chain SET seq = 11, hash = (SELECT hash FROM jc_events WHERE chain = $C AND seq = 11) WHERE chain = $C",
       "seq 12: rows beyond the recorded head seq 11"},
      {"head hash edited", "UPDATE jc_chain SET hash = decode(repeat('00', 32), 'hex') WHERE chain = $C",
       "seq 12: hash differs from the one the head records"},
      {"head row deleted", "DELETE FROM jc_chain WHERE chain = $C", "head row is missing"},
  };
  for (const Tamper& t : cases) {
    SCOPED_TRACE(t.name);
    const int chain = next_chain();
    fill_chain(chain);
    pg_sql(with_chain(t.sql, chain));
    auto j = Journal::open(pg_uri(chain));
    ASSERT_TRUE(j.ok()) << j.status();
    auto v = (*j)->verify();
    ASSERT_EQ(v.status().code(), absl::StatusCode::kDataLoss) << v.status();
    EXPECT_THAT(std::string(v.status().message()), HasSubstr(t.expect));
    EXPECT_THAT(std::string(v.status().message()), HasSubstr(absl::StrCat("chain ", chain)));
    absl::Status r = (*j)->replay(0, [](const StoredRecord&) { return absl::OkStatus(); });
    EXPECT_EQ(r.code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(r.message(), v.status().message());
  }
  // A row moved from one district's chain into another's, in place of that one's row: the
  // receiving chain breaks at that seq (its hash was made over the other genesis), and the
  // giving chain has a hole.
  {
    const int a = next_chain(), b = next_chain();
    fill_chain(a);
    fill_chain(b);
    pg_sql(absl::StrCat("DELETE FROM jc_events WHERE chain = ", b, " AND seq = 5; UPDATE jc_events SET chain = ", b,
                        " WHERE chain = ", a, " AND seq = 5"));
    auto jb = Journal::open(pg_uri(b));
    ASSERT_TRUE(jb.ok());
    EXPECT_THAT(std::string((*jb)->verify().status().message()), HasSubstr("seq 5: hash mismatch"));
    auto ja = Journal::open(pg_uri(a));
    ASSERT_TRUE(ja.ok());
    EXPECT_THAT(std::string((*ja)->verify().status().message()), HasSubstr("seq 5 is missing"));
  }
  // A whole chain, rows and head, copied under another district's code: identical rows,
  // yet it fails at seq 1, because each chain starts from a genesis bound to its code.
  {
    const int a = next_chain(), b = next_chain();
    fill_chain(a);
    pg_sql(absl::StrCat("INSERT INTO jc_events SELECT ", b, ", seq, time, type, payload, hash FROM jc_events WHERE chain = ",
                        a, "; INSERT INTO jc_chain(chain, seq, hash) SELECT ", b, ", seq, hash FROM jc_chain WHERE chain = ", a));
    auto jb = Journal::open(pg_uri(b));
    ASSERT_TRUE(jb.ok());
    auto v = (*jb)->verify();
    ASSERT_EQ(v.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(std::string(v.status().message()), HasSubstr("seq 1: hash mismatch"));
    auto ja = Journal::open(pg_uri(a));
    ASSERT_TRUE(ja.ok());
    EXPECT_TRUE((*ja)->verify().ok());
  }
}

TEST(PgJournal, ForgedRowWithRecomputedHashIsCaughtAtTheNextSeq) {
  JICENG_NEED_PG();
  const int chain = next_chain();
  std::vector<Row> rows;
  {
    auto j = Journal::open(pg_uri(chain));
    ASSERT_TRUE(j.ok());
    ASSERT_TRUE((*j)->append(make_records(8, 1)).ok());
    rows = read_all(**j);
  }
  const ChainHash forged = chain_hash(rows[2].hash, 4, rows[3].time, rows[3].type, "forged");
  pg_sql(absl::StrCat("UPDATE jc_events SET payload = 'forged'::bytea, hash = '\\x", to_hex(forged),
                      "' WHERE chain = ", chain, " AND seq = 4"));
  auto j = Journal::open(pg_uri(chain));
  ASSERT_TRUE(j.ok());
  auto v = (*j)->verify();
  ASSERT_EQ(v.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(v.status().message()), HasSubstr("seq 5: hash mismatch"));
}

TEST(PgJournal, DamagedTailRefusesAppends) {
  JICENG_NEED_PG();
  const int chain = next_chain();
  {
    auto j = Journal::open(pg_uri(chain));
    ASSERT_TRUE(j.ok());
    ASSERT_TRUE((*j)->append(make_records(5, 1)).ok());
  }
  pg_sql(absl::StrCat("DELETE FROM jc_events WHERE chain = ", chain, " AND seq = 5"));
  auto j = Journal::open(pg_uri(chain));
  ASSERT_TRUE(j.ok());
  auto r = (*j)->append(make_records(1, 2));
  ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("seq 5"));
  EXPECT_EQ((*j)->write_snapshot(1, "x").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(pg_sql(absl::StrCat("SELECT count(*) FROM jc_events WHERE chain = ", chain)), "4");
}

TEST(PgJournal, SnapshotsArePerChainAnchoredAndVerified) {
  JICENG_NEED_PG();
  const int chain = next_chain(), other = next_chain();
  {
    auto j = Journal::open(pg_uri(chain));
    ASSERT_TRUE(j.ok());
    auto none = (*j)->latest_snapshot();
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
    ASSERT_TRUE((*j)->append(make_records(10, 1)).ok());
    ASSERT_TRUE((*j)->write_snapshot(4, "state-at-4").ok());
    ASSERT_TRUE((*j)->write_snapshot(10, std::string("state\0at-10", 11)).ok());
    EXPECT_EQ((*j)->write_snapshot(11, "x").status().code(), absl::StatusCode::kOutOfRange);
    ASSERT_TRUE((*j)->write_snapshot(0, "empty").ok());
    auto latest = (*j)->latest_snapshot();
    ASSERT_TRUE(latest.ok() && latest->has_value()) << latest.status();
    EXPECT_EQ((*latest)->info.seq, 10u);
    EXPECT_EQ((*latest)->state, std::string("state\0at-10", 11));
    auto report = (*j)->verify();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->snapshots, 3u);
    EXPECT_EQ(*(*j)->snapshot_count(), 3u);
    auto o = Journal::open(pg_uri(other));
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(*(*o)->snapshot_count(), 0u) << "snapshots are per chain";
  }
  const std::vector<Tamper> cases = {
      {"state edited", "UPDATE jc_snapshots SET state = 'forged' WHERE chain = $C AND seq = 10", "snapshot at seq 10: state"},
      {"state and digest edited",
       "UPDATE jc_snapshots SET state = 'forged', digest = '" + sha256_hex("forged") + "' WHERE chain = $C AND seq = 4",
       "snapshot at seq 4: row hash mismatch"},
      {"moved to another seq", "UPDATE jc_snapshots SET seq = 5 WHERE chain = $C AND seq = 4",
       "snapshot at seq 5: not anchored"},
      {"beyond head", "UPDATE jc_snapshots SET seq = 12 WHERE chain = $C AND seq = 10", "snapshot at seq 12 lies beyond"},
  };
  for (const Tamper& t : cases) {
    SCOPED_TRACE(t.name);
    // Rows copied to another chain would not verify (genesis): tamper with the original
    // and put the snapshots back after checking.
    pg_sql(with_chain("CREATE TABLE IF NOT EXISTS snap_backup AS SELECT * FROM jc_snapshots WHERE false", chain));
    pg_sql(with_chain("DELETE FROM snap_backup; INSERT INTO snap_backup SELECT * FROM jc_snapshots WHERE chain = $C", chain));
    pg_sql(with_chain(t.sql, chain));
    auto j = Journal::open(pg_uri(chain));
    ASSERT_TRUE(j.ok());
    auto v = (*j)->verify();
    ASSERT_EQ(v.status().code(), absl::StatusCode::kDataLoss) << v.status();
    EXPECT_THAT(std::string(v.status().message()), HasSubstr(t.expect));
    pg_sql(with_chain("DELETE FROM jc_snapshots WHERE chain = $C; INSERT INTO jc_snapshots SELECT * FROM snap_backup", chain));
    auto again = Journal::open(pg_uri(chain));
    ASSERT_TRUE(again.ok());
    ASSERT_TRUE((*again)->verify().ok());
  }
  pg_sql(with_chain("UPDATE jc_snapshots SET state = 'forged' WHERE chain = $C AND seq = 10", chain));
  auto j = Journal::open(pg_uri(chain));
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)->latest_snapshot().status().code(), absl::StatusCode::kDataLoss);
}

std::string hex_of(const std::string& bytes) {
  return to_hex(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

// A snapshot rewritten in the table (a petitioner inside its state), with its digest and row
// hash recomputed — all someone who may write jc_snapshots can recompute — passes every
// check but the content's: verify re-derives the state from the events by default, as the
// SQLite journal's does, and names the snapshot; the fast mode says it skips that (and passes).
TEST(PgJournal, AForgedSnapshotIsCaughtByVerifyReDerivingTheState) {
  JICENG_NEED_PG();
  reset_chain(320506);
  std::uint64_t head = 0;
  std::string digest;
  {
    auto d = open_engine(pg_uri(320506));
    ASSERT_TRUE(d.ok()) << d.status();
    Engine& e = (*d)->engine();
    ASSERT_TRUE(test::load_sample(e).ok());
    for (int n = 0; n < 12; ++n) ASSERT_TRUE(test::lifecycle(e, n, n % 6, test::kT0 + n * 600).ok());
    auto snap = (*d)->write_snapshot();
    ASSERT_TRUE(snap.ok()) << snap.status();
    head = snap->seq;
    digest = (*d)->state_digest();
    auto report = (*d)->journal().verify();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->snapshots, 1u);
    EXPECT_EQ(report->states_derived, 1u);
  }
  const std::string where = absl::StrCat(" WHERE chain = 320506 AND seq = ", head);
  const std::int64_t time = std::stoll(pg_sql("SELECT time FROM jc_snapshots" + where));
  const test::ForgedSnapshot f =
      test::forge_state(from_hex(pg_sql("SELECT encode(state, 'hex') FROM jc_snapshots" + where)), head, time,
                        from_hex(pg_sql("SELECT encode(anchor, 'hex') FROM jc_snapshots" + where)), "R7", "R9");
  ASSERT_GT(f.replaced, 0);
  pg_sql(absl::StrCat("UPDATE jc_snapshots SET state = decode('", hex_of(f.state), "', 'hex'), digest = '",
                      f.digest, "', hash = decode('", hex_of(f.hash), "', 'hex')", where));
  const std::string events = pg_sql("SELECT count(*) FROM jc_events WHERE chain = 320506");

  JournalOptions fast;
  fast.verify_states = false;
  {
    auto j = Journal::open(pg_uri(320506), fast);
    ASSERT_TRUE(j.ok()) << j.status();
    auto report = (*j)->verify();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->states_derived, 0u) << "the fast mode skips the content";
  }
  {
    auto j = Journal::open(pg_uri(320506));
    ASSERT_TRUE(j.ok()) << j.status();
    auto report = (*j)->verify();
    ASSERT_EQ(report.status().code(), absl::StatusCode::kDataLoss) << report.status();
    EXPECT_THAT(std::string(report.status().message()),
                HasSubstr(absl::StrCat("chain 320506: snapshot at seq ", head, ": its state (digest ", f.digest,
                                       ") is not the state events 1..", head, " derive")));
  }
  JournalOptions checked;
  checked.verify_snapshot = true;
  {
    auto d = open_engine(pg_uri(320506), checked);
    ASSERT_EQ(d.status().code(), absl::StatusCode::kDataLoss) << d.status();
    EXPECT_THAT(std::string(d.status().message()), HasSubstr(absl::StrCat("snapshot at seq ", head, ":")));
  }
  // Nothing was written by the refusals; from the events alone the state is the genuine one.
  EXPECT_EQ(pg_sql("SELECT count(*) FROM jc_events WHERE chain = 320506"), events);
  JournalOptions from_start;
  from_start.use_snapshots = false;
  auto d = open_engine(pg_uri(320506), from_start);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ((*d)->state_digest(), digest);
}

// Two engines on one chain in one process: the one behind loses its append with the
// documented conflict status and changes nothing; run() catches up and re-runs.
TEST(PgJournal, ConflictIsDistinctAndRunCatchesUpAndRetries) {
  JICENG_NEED_PG();
  reset_chain(320506);
  auto a = open_engine(pg_uri(320506));
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(test::load_sample((*a)->engine()).ok());
  auto b = open_engine(pg_uri(320506));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ((*b)->state_digest(), (*a)->state_digest());
  auto id = test::lifecycle((*a)->engine(), 1, 0, test::kT0);
  ASSERT_TRUE(id.ok()) << id.status();
  // b is one event behind: its accept of that petition is unknown to it; a submit of its
  // own loses the race at the journal.
  const std::string b_digest = (*b)->state_digest();
  const std::uint64_t b_seq = (*b)->engine().last_seq();
  auto lost = (*b)->engine().submit(test::resident("R9"), test::submission("R9", "", 9), test::kT0 + 5);
  ASSERT_EQ(lost.status().code(), absl::StatusCode::kAborted) << lost.status();
  EXPECT_TRUE(is_journal_conflict(lost.status()));
  EXPECT_EQ((*b)->state_digest(), b_digest);
  EXPECT_EQ((*b)->engine().last_seq(), b_seq);
  // run(): catch up, re-run: the submit now lands after a's.
  PetitionId got = 0;
  absl::Status st = (*b)->run([&](Engine& e) -> absl::Status {
    JICENG_ASSIGN_OR_RETURN(got, e.submit(test::resident("R9"), test::submission("R9", "", 9), test::kT0 + 5));
    return absl::OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(got, *id + 1);
  // The loser sees the winner's effect: a's accept is refused on b once b caught up.
  ASSERT_TRUE((*a)->run([&](Engine& e) { return e.accept(test::officer(), *id, test::kT0 + 60); }).ok());
  absl::Status again = (*b)->run([&](Engine& e) { return e.accept(test::officer(), *id, test::kT0 + 61); });
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition) << again;
  EXPECT_EQ(*(*b)->engine().state(*id), State::kAccepted);
  auto n = (*a)->catch_up();
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ((*a)->state_digest(), (*b)->state_digest());
  // Exhausted tries report ABORTED without the conflict mark.
  std::atomic<int> calls{0};
  absl::Status gave_up = (*b)->run(
      [&](Engine& e) -> absl::Status {
        ++calls;
        // Another writer moves the chain each time, so this one always loses.
        EXPECT_TRUE((*a)->run([&](Engine& w) { return test::lifecycle(w, 100 + calls, 0, test::kT0 + 900).status(); }).ok());
        return e.submit(test::resident("R8"), test::submission("R8", "", 8), test::kT0 + 950).status();
      },
      3);
  EXPECT_EQ(gave_up.code(), absl::StatusCode::kAborted) << gave_up;
  EXPECT_FALSE(is_journal_conflict(gave_up));
  EXPECT_THAT(std::string(gave_up.message()), HasSubstr("3 times"));
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ((*b)->run([](Engine&) { return absl::OkStatus(); }, 0).code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE((*b)->catch_up().ok());
  EXPECT_EQ((*a)->state_digest(), (*b)->state_digest());
  auto v = (*a)->journal().verify();
  ASSERT_TRUE(v.ok()) << v.status();
}

// Read-your-writes across servers, and tailing: by the LISTEN hint at once, and by polling
// when the hint is lost (here never sent).
TEST(PgJournal, AwaitSeqAndTailingCatchUpWithAndWithoutHints) {
  JICENG_NEED_PG();
  const int chain = next_chain();
  auto a = open_engine(pg_uri(chain));
  ASSERT_TRUE(a.ok());
  auto b = open_engine(pg_uri(chain));
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE((*a)->engine().set_policy("national", test::kT0).ok());
  const std::uint64_t target = (*a)->engine().last_seq();
  ASSERT_TRUE((*b)->await_seq(target, absl::Seconds(10)).ok());
  EXPECT_EQ((*b)->engine().last_seq(), target);
  auto late = (*b)->await_seq(target + 5, absl::Milliseconds(200));
  EXPECT_EQ(late.code(), absl::StatusCode::kDeadlineExceeded) << late;

  // With hints: b's tailer polls only every 30 s, so catching up within seconds is the hint.
  ASSERT_TRUE((*b)->start_tailing(absl::Seconds(30)).ok());
  EXPECT_EQ((*b)->start_tailing().code(), absl::StatusCode::kFailedPrecondition);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // LISTEN is set up
  ASSERT_TRUE((*a)->engine().set_policy("suzhou-sip", test::kT0 + 1).ok());
  const std::uint64_t hinted = (*a)->engine().last_seq();
  auto t0 = std::chrono::steady_clock::now();
  while ((*b)->engine().last_seq() < hinted && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ((*b)->engine().last_seq(), hinted);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5)) << "the NOTIFY hint woke the tailer";
  ASSERT_TRUE((*b)->stop_tailing().ok());

  // Without hints (a writer with notify off: the hint is lost): polling alone catches up.
  JournalOptions quiet;
  quiet.notify = false;
  auto c = open_engine(pg_uri(chain), quiet);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*b)->start_tailing(absl::Milliseconds(300)).ok());
  ASSERT_TRUE((*c)->engine().set_policy("national", test::kT0 + 2).ok());
  const std::uint64_t silent = (*c)->engine().last_seq();
  t0 = std::chrono::steady_clock::now();
  while ((*b)->engine().last_seq() < silent && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ((*b)->engine().last_seq(), silent) << "polling caught up without a notification";
  ASSERT_TRUE((*b)->stop_tailing().ok());
  EXPECT_EQ((*b)->state_digest(), (*c)->state_digest());

  // A dropped connection (the server ended b's sessions): b reconnects and catches up.
  pg_sql(test::pg_terminate_own_sql());
  // a is behind c: run() catches up (reconnecting) and re-runs.
  absl::Status moved = (*a)->run([](Engine& e) { return e.set_policy("suzhou-sip", test::kT0 + 3); });
  ASSERT_TRUE(moved.ok()) << moved;
  absl::Status after = (*b)->await_seq((*a)->engine().last_seq(), absl::Seconds(10));
  ASSERT_TRUE(after.ok()) << after;
  EXPECT_EQ((*b)->state_digest(), (*a)->state_digest());
}

// The connection drops in the middle of jc_append (its backend terminated while the head
// row is locked by another session, so the call is in flight): the stored hash at the
// target seq decides, here "not committed", and nothing changes.
TEST(PgJournal, AmbiguousCommitIsDecidedByTheStoredHash) {
  JICENG_NEED_PG();
  const int chain = next_chain();
  auto j = Journal::open(pg_uri(chain));
  ASSERT_TRUE(j.ok());
  ASSERT_TRUE((*j)->append(make_records(3, 1)).ok());
  const ChainHash head = (*j)->head();
  PGconn* blocker = PQconnectdb(test::pg_admin_uri().c_str());
  ASSERT_EQ(PQstatus(blocker), CONNECTION_OK);
  PQclear(PQexec(blocker, absl::StrCat("BEGIN; SELECT * FROM jc_chain WHERE chain = ", chain, " FOR UPDATE").c_str()));
  absl::StatusOr<AppendResult> result;
  std::thread writer([&] { result = (*j)->append(make_records(2, 2)); });
  // Wait until the append waits on the head row's lock, then end its session.
  std::string killed = "0";
  for (int i = 0; i < 200 && killed != "1"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    killed = pg_sql(test::pg_terminate_own_sql("wait_event_type = 'Lock'"));
  }
  ASSERT_EQ(killed, "1");
  PQclear(PQexec(blocker, "ROLLBACK"));
  PQfinish(blocker);
  writer.join();
  // Not committed: the append was sent once more on a new connection, and landed.
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->first_seq, 4u);
  EXPECT_EQ((*j)->last_seq(), 5u);
  auto v = (*j)->verify();
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->last_seq, 5u);
  EXPECT_NE((*j)->head(), head);
}

// A session ended while idle shows only when next used: the append's outcome check finds
// nothing at the target seq and sends it again; when another writer's rows stand there,
// the outcome is a conflict.
TEST(PgJournal, DroppedIdleConnectionReconnectsForTheNextAppend) {
  JICENG_NEED_PG();
  const int chain = next_chain();
  auto j = Journal::open(pg_uri(chain));
  ASSERT_TRUE(j.ok());
  ASSERT_TRUE((*j)->append(make_records(2, 1)).ok());
  pg_sql(test::pg_terminate_own_sql());
  auto r = (*j)->append(make_records(2, 2));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->last_seq, 4u);
  // Another writer moved the chain; this handle's connection is dropped before its append:
  // the outcome check finds the other writer's rows at the target seq: a conflict.
  auto other = Journal::open(pg_uri(chain));
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->append(make_records(2, 3)).ok());
  pg_sql(test::pg_terminate_own_sql());
  auto lost = (*j)->append(make_records(2, 4));
  EXPECT_TRUE(is_journal_conflict(lost.status())) << lost.status();
  EXPECT_EQ((*j)->last_seq(), 4u);
  ASSERT_TRUE((*other)->verify().ok());
}

// A session is named by the URI's application_name, else "jiceng" (libpq's
// fallback_application_name), so that an operator — or the crash rounds here — can end one
// server's sessions and no other's.
TEST(PgJournal, SessionsAreNamedByTheUriOrJiceng) {
  JICENG_NEED_PG();
  // The listening session's last query is its setup, which names the chain's channel.
  auto name_of_listener = [](int chain) {
    return pg_sql(absl::StrCat("SELECT string_agg(application_name, ',') FROM pg_stat_activity WHERE query LIKE "
                               "'%LISTEN jc_events_", chain, ";%' AND pid <> pg_backend_pid()"));
  };
  const int named = next_chain();
  auto a = Journal::open(absl::StrCat(test::pg_admin_uri(), "&application_name=jiceng-web2&chain=", named));
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE((*a)->wait_for_append(absl::Milliseconds(1)).ok());
  EXPECT_EQ(name_of_listener(named), "jiceng-web2");
  const int plain = next_chain();
  auto b = Journal::open(absl::StrCat(test::pg_admin_uri(), "&chain=", plain));
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_TRUE((*b)->wait_for_append(absl::Milliseconds(1)).ok());
  EXPECT_EQ(name_of_listener(plain), "jiceng");
  // Ending the sessions of one name leaves the others': b's next append needs no reconnect
  // (pg_stat_activity still shows its listener), a's reconnects and lands.
  EXPECT_EQ(pg_sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = "
                   "'jiceng-web2'"),
            "2");
  EXPECT_EQ(name_of_listener(plain), "jiceng");
  ASSERT_TRUE((*a)->append(make_records(1, 1)).ok());
  ASSERT_TRUE((*b)->append(make_records(1, 1)).ok());
}

// docs/postgres.md's grants: the application role appends and reads, and may not rewrite.
TEST(PgJournal, ApplicationRoleMayNotUpdateOrDeleteEvents) {
  JICENG_NEED_PG();
  const int chain = next_chain();
  ASSERT_TRUE(Journal::open(pg_uri(chain)).ok());  // the schema exists, made by the owner
  pg_sql("DO $$ BEGIN CREATE ROLE jiceng_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
  pg_sql("GRANT SELECT, INSERT ON jc_events TO jiceng_app; "
         "GRANT SELECT, INSERT, UPDATE ON jc_chain, jc_snapshots TO jiceng_app; GRANT SELECT ON jc_meta TO jiceng_app; "
         "GRANT EXECUTE ON FUNCTION jc_append(int, bigint, bytea, int8[], int8[], text[], bytea[], bytea[]) TO jiceng_app; "
         "REVOKE UPDATE, DELETE, TRUNCATE ON jc_events FROM jiceng_app");
  std::string app_uri = pg_uri(chain);
  app_uri.replace(app_uri.find("user=postgres"), 13, "user=jiceng_app");
  auto j = Journal::open(app_uri);
  ASSERT_TRUE(j.ok()) << j.status();
  ASSERT_TRUE((*j)->append(make_records(4, 1)).ok());
  ASSERT_TRUE((*j)->write_snapshot(2, "state").ok());
  ASSERT_TRUE((*j)->verify().ok());
  PGconn* c = PQconnectdb(app_uri.substr(0, app_uri.find("&chain=")).c_str());
  ASSERT_EQ(PQstatus(c), CONNECTION_OK);
  for (const std::string& sql : {absl::StrCat("UPDATE jc_events SET payload = 'x' WHERE chain = ", chain),
                                absl::StrCat("DELETE FROM jc_events WHERE chain = ", chain),
                                std::string("TRUNCATE jc_events")}) {
    PGresult* r = PQexec(c, sql.c_str());
    EXPECT_STREQ(PQresultErrorField(r, PG_DIAG_SQLSTATE), "42501") << sql;
    PQclear(r);
  }
  PQfinish(c);
  EXPECT_EQ(pg_sql(absl::StrCat("SELECT count(*) FROM jc_events WHERE chain = ", chain)), "4");
}

// --- two processes --------------------------------------------------------------------

struct ChildOut {
  std::string out;
  int status = 0;
};

// Starts the child; returns its pid and the read end of its stdout.
pid_t spawn(const std::vector<std::string>& argv, int* out_fd) {
  int p[2];
  if (::pipe(p) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(p[1], 1);
    ::close(p[0]);
    ::close(p[1]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(p[1]);
  *out_fd = p[0];
  return pid;
}

std::string read_all_fd(int fd) {
  std::string s;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) s.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return s;
}

// Two engines in two processes issue conflicting commands on the same petitions: one
// rejects each (不予受理), the other withdraws each (撤回) — both final, so only one may. Afterwards: a verified chain, equal digests, every
// acknowledged command in the journal at its seq, each petition ended once, and every
// command the loser had refused was refused because it saw the winner's decision.
TEST(PgJournalProcesses, ConflictingCommandsOnTheSamePetitions) {
  JICENG_NEED_PG();
  const int chain = 320506;
  reset_chain(chain);
  constexpr int kPetitions = 60;
  std::uint64_t start = 0;
  {
    auto d = open_engine(pg_uri(chain));
    ASSERT_TRUE(d.ok()) << d.status();
    ASSERT_TRUE(test::load_sample((*d)->engine()).ok());
    for (int i = 0; i < kPetitions; ++i) ASSERT_TRUE(test::lifecycle((*d)->engine(), i, 0, test::kT0 + i).ok());
    start = (*d)->engine().last_seq();
  }
  const std::string go = absl::StrCat("/tmp/jiceng-pg-go-", ::getpid());
  std::remove(go.c_str());
  int fa = -1, fb = -1;
  const pid_t a = spawn({JICENG_PG_CHILD, "race", pg_uri(chain), "reject", std::to_string(kPetitions),
                         std::to_string(start), go},
                        &fa);
  const pid_t b = spawn({JICENG_PG_CHILD, "race", pg_uri(chain), "withdraw", std::to_string(kPetitions),
                         std::to_string(start), go},
                        &fb);
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::ofstream(go) << "go";
  const std::string out_a = read_all_fd(fa), out_b = read_all_fd(fb);
  int sa = 0, sb = 0;
  ::waitpid(a, &sa, 0);
  ::waitpid(b, &sb, 0);
  std::remove(go.c_str());
  ASSERT_TRUE(WIFEXITED(sa) && WEXITSTATUS(sa) == 0) << out_a;
  ASSERT_TRUE(WIFEXITED(sb) && WEXITSTATUS(sb) == 0) << out_b;

  auto d = open_engine(pg_uri(chain));
  ASSERT_TRUE(d.ok()) << d.status();
  auto v = (*d)->journal().verify();
  ASSERT_TRUE(v.ok()) << v.status();
  // Rows by seq: type and petition.
  std::map<std::uint64_t, std::pair<std::string, PetitionId>> rows;
  ASSERT_TRUE((*d)->journal().replay(0, [&](const StoredRecord& r) {
    auto e = Engine::decode_event(r.payload);
    if (!e.ok()) return e.status();
    rows[r.seq] = {std::string(r.type), e->petition};
    return absl::OkStatus();
  }).ok());
  int acked = 0, refused_seen = 0, conflicts = 0;
  std::set<PetitionId> decided;
  for (const std::string* out : {&out_a, &out_b}) {
    std::string digest;
    for (absl::string_view line : absl::StrSplit(*out, '\n', absl::SkipEmpty())) {
      std::vector<std::string> f = absl::StrSplit(line, ' ');
      if (f[0] == "ack") {  // ack <type> <petition> <seq>
        ++acked;
        const std::uint64_t seq = std::stoull(f[3]);
        ASSERT_TRUE(rows.count(seq)) << line;
        EXPECT_EQ(rows[seq].first, f[1]) << line;
        EXPECT_EQ(rows[seq].second, std::stoull(f[2])) << line;
        EXPECT_TRUE(decided.insert(std::stoull(f[2])).second) << "petition decided twice: " << line;
      } else if (f[0] == "refused") {  // refused <petition> <state seen>
        ++refused_seen;
        EXPECT_TRUE(f[2] == "rejected" || f[2] == "withdrawn") << "the loser saw the winner's decision: " << line;
      } else if (f[0] == "conflicts") {
        conflicts += std::stoi(f[1]);
      } else if (f[0] == "digest") {
        digest = f[1];
      }
    }
    EXPECT_EQ(digest, (*d)->state_digest()) << "equal digests after tailing";
  }
  EXPECT_EQ(acked, kPetitions) << "each petition accepted or rejected exactly once";
  EXPECT_EQ(acked + refused_seen, 2 * kPetitions);
  std::printf("two processes: %d acknowledged, %d refused after catching up, %d conflicts retried\n", acked,
              refused_seen, conflicts);
}

// SIGKILL rounds: a child appends batches and reports each acknowledged (seq, hash); it is
// killed at random moments, and meanwhile its server sessions are terminated now and then.
// Every acknowledged row must stand with its hash, and the chain must verify.
TEST(PgJournalProcesses, SigkillAndTerminatedSessionsLoseNoAcknowledgedAppend) {
  JICENG_NEED_PG();
  const int chain = next_chain();
  ASSERT_TRUE(Journal::open(pg_uri(chain)).ok());
  std::mt19937 rng(25);
  std::map<std::uint64_t, std::string> acked;
  int terminations = 0;
  for (int round = 0; round < 12; ++round) {
    int fd = -1;
    const pid_t pid = spawn({JICENG_PG_CHILD, "append", pg_uri(chain)}, &fd);
    ASSERT_GT(pid, 0);
    const int ms = 150 + static_cast<int>(rng() % 400);
    // The delay counts from the child's first acknowledgement (a loaded machine may take
    // long to start it), waiting at most 30 s for it.
    std::string out;
    {
      pollfd pfd{fd, POLLIN, 0};
      const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (out.find('\n') == std::string::npos && std::chrono::steady_clock::now() < limit) {
        if (::poll(&pfd, 1, 100) > 0) {
          char buf[256];
          const ssize_t n = ::read(fd, buf, sizeof buf);
          if (n <= 0) break;
          out.append(buf, static_cast<std::size_t>(n));
        }
      }
    }
    const auto t0 = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(ms)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(40 + rng() % 60));
      if (round % 2 == 1) {
        terminations += std::stoi(pg_sql(test::pg_terminate_own_sql()));
      }
    }
    ::kill(pid, SIGKILL);
    out += read_all_fd(fd);
    int st = 0;
    ::waitpid(pid, &st, 0);
    for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
      std::vector<std::string> f = absl::StrSplit(line, ' ');
      if (f.size() == 3 && f[0] == "ack") acked[std::stoull(f[1])] = f[2];
    }
  }
  ASSERT_GT(acked.size(), 10u);
  auto j = Journal::open(pg_uri(chain));
  ASSERT_TRUE(j.ok()) << j.status();
  auto v = (*j)->verify();
  ASSERT_TRUE(v.ok()) << v.status();
  std::map<std::uint64_t, std::string> stored;
  for (const Row& r : read_all(**j)) stored[r.seq] = to_hex(r.hash);
  for (const auto& [seq, hash] : acked) {
    ASSERT_TRUE(stored.count(seq)) << "acknowledged seq " << seq << " is missing";
    EXPECT_EQ(stored[seq], hash) << "seq " << seq;
  }
  std::printf("kill rounds: %zu acknowledged appends checked, %zu rows, %d sessions terminated\n", acked.size(),
              stored.size(), terminations);
}

}  // namespace
}  // namespace jiceng
