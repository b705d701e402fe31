// A province past one database server: the chain directory file, merging district KPIs,
// and — against two throwaway PostgreSQL clusters (ctest fixtures jiceng_pg and
// jiceng_pg_b) — an engine set over both, a chain moved under load, refused moves that
// change nothing, rows copied between districts caught by verify, and province KPIs equal
// to the districts' sums.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "jiceng/province.hpp"
#include "journal/scenario.hpp"
#include "journal/test_util.hpp"

#ifdef JICENG_TEST_PG
#include "journal/pg/pg_util.hpp"
#endif

namespace jiceng {
namespace {

using ::testing::HasSubstr;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ChainDirectory, ParsesSavesAndRefusesBadLines) {
  auto d = ChainDirectory::parse(
      "# the province\n\n320506  postgresql://app@db1/jiceng\n  320508\tpostgresql:///jiceng?host=/run/pg  \n", "dir");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->entries().size(), 2u);
  EXPECT_EQ(*d->journal_uri(320506), "postgresql://app@db1/jiceng?chain=320506");
  EXPECT_EQ(*d->journal_uri(320508), "postgresql:///jiceng?host=/run/pg&chain=320508");
  EXPECT_EQ(d->server(320505).status().code(), absl::StatusCode::kNotFound);
  const std::pair<const char*, const char*> bad[] = {
      {"32050 postgresql:///a\n", "dir:1: \"32050\" is not a county-level division code"},
      {"# x\n320500 postgresql:///a\n", "dir:2: \"320500\" is not a county-level"},
      {"320506 /tmp/x.db\n", "dir:1: \"/tmp/x.db\" is not a PostgreSQL URI"},
      {"320506 postgresql:///a\n320506 postgresql:///b\n", "dir:2: chain 320506 is listed twice"},
      {"320506 postgresql:///a?chain=320506\n", "names a chain"},
      {"320506\n", "dir:1: expected \"CODE URI\""},
      {"320506 postgresql:///a postgresql:///b\n", "dir:1: expected \"CODE URI\" (one URI"},
      {"320506 postgresql://u:secret@h/a?chain=1\n", "u:***@h"},
  };
  for (const auto& [text, want] : bad) {
    auto r = ChainDirectory::parse(text, "dir");
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(want));
    EXPECT_THAT(std::string(r.status().message()), ::testing::Not(HasSubstr("secret")));
  }
  // set() checks as parse does and changes nothing when refused.
  ChainDirectory copy = *d;
  EXPECT_EQ(copy.set(320506, "x.db").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(copy.set(3205, "postgresql:///a").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(copy.to_text(), d->to_text());
  // Saved atomically and read back equal; a missing file is NOT_FOUND.
  test::TempDir tmp;
  const std::string path = tmp.file("chains.txt");
  ASSERT_TRUE(d->save(path).ok());
  auto back = ChainDirectory::load(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->entries(), d->entries());
  EXPECT_EQ(ChainDirectory::load(tmp.file("none.txt")).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(d->save(path).ok());  // over the old file
}

// Odd directory files: a code with a leading zero would be read as a shorter number and
// written back as one (a saved directory that no longer loads); a control character or NUL
// inside a URI would reach libpq cut short (another database); a UTF-8 BOM from an editor
// is not part of the first code; CRLF line ends are read as LF.
TEST(ChainDirectory, OddFilesAreReadOrRefusedAndWhatIsReadSavesBack) {
  auto crlf = ChainDirectory::parse("\xEF\xBB\xBF# bom\r\n320506 postgresql:///a\r\n320508 postgresql:///b\r\n", "dir");
  ASSERT_TRUE(crlf.ok()) << crlf.status();
  EXPECT_EQ(*crlf->server(320506), "postgresql:///a");
  auto bom = ChainDirectory::parse("\xEF\xBB\xBF" "320506 postgresql:///a\n", "dir");
  ASSERT_TRUE(bom.ok()) << bom.status();
  EXPECT_EQ(*bom->server(320506), "postgresql:///a");
  auto crlf_back = ChainDirectory::parse(crlf->to_text(), "back");
  ASSERT_TRUE(crlf_back.ok()) << crlf_back.status();
  EXPECT_EQ(crlf_back->entries(), crlf->entries());

  const std::pair<std::string, const char*> bad[] = {
      {"010101 postgresql:///a\n", "dir:1: \"010101\" is not a county-level division code"},
      {"000001 postgresql:///a\n", "dir:1: \"000001\" is not a county-level division code"},
      {std::string("320506 postgresql:///a\0b\n", 25), "dir:1: a control character"},
      {"320506 postgresql:///a\x01\n", "dir:1: a control character"},
      {"320506 postgresql:///a\x7f\n", "dir:1: a control character"},
  };
  for (const auto& [text, want] : bad) {
    auto r = ChainDirectory::parse(text, "dir");
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(want));
  }
  // set() refuses the same URIs and leaves the directory as it was.
  ChainDirectory d = *crlf;
  const std::string before = d.to_text();
  EXPECT_EQ(d.set(320506, std::string("postgresql:///c\0d", 17)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.set(320506, "postgresql:///c\n320999 postgresql:///e").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(d.to_text(), before);
}

KpiCounts counts_with(std::uint64_t received, std::vector<std::pair<std::int32_t, std::uint64_t>> days,
                      std::vector<std::pair<std::string, std::uint64_t>> categories) {
  KpiCounts c;
  c.received = received;
  c.accepted = received;
  c.done = 0;
  for (const auto& [d, n] : days) c.done += n;
  c.evaluated = c.done;
  c.satisfied = c.done / 2;
  c.by_category = std::move(categories);
  c.resolve_workdays = std::move(days);
  return c;
}

TEST(MergeKpiReports, CountsAddAndQuantilesComeFromTheMergedHistogram) {
  const KpiPeriod all;
  std::map<int, KpiReport> d;
  d[320506] = make_kpi_report("", "全区", 0, all, counts_with(10, {{1, 6}, {2, 1}}, {{"noise", 10}}), {});
  d[320508] = make_kpi_report("", "全区", 0, all, counts_with(9, {{5, 2}, {9, 6}}, {{"noise", 4}, {"property", 5}}), {});
  auto p = merge_kpi_reports(d);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->unit_name, "全省");
  EXPECT_EQ(p->counts.received, 19u);
  EXPECT_EQ(p->counts.done, 15u);
  EXPECT_EQ(p->counts.by_category, (std::vector<std::pair<std::string, std::uint64_t>>{{"noise", 14}, {"property", 5}}));
  // All 15 resolve times together: 1×6, 2, 5×2, 9×6 — the 8th is 5, the 14th (⌈0.9×15⌉) is 9.
  // Neither district's own median (1 and 9) nor their mean says that.
  EXPECT_EQ(d[320506].resolve_workdays_median, 1);
  EXPECT_EQ(d[320508].resolve_workdays_median, 9);
  EXPECT_EQ(p->resolve_workdays_median, 5);
  EXPECT_EQ(p->resolve_workdays_p90, 9);
  ASSERT_TRUE(p->rates.satisfaction.has_value());
  EXPECT_DOUBLE_EQ(*p->rates.satisfaction, (3.0 + 4.0) / 15.0);
  // Other periods, other weights, nothing: refused.
  std::map<int, KpiReport> other = d;
  other[320508].period = *parse_kpi_period("2024-01-01", "");
  EXPECT_EQ(merge_kpi_reports(other).status().code(), absl::StatusCode::kInvalidArgument);
  other = d;
  other[320508].weights.response = 20;
  other[320508].weights.solve = 40;
  auto w = merge_kpi_reports(other);
  EXPECT_EQ(w.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(w.status().message()), HasSubstr("districts 320506 and 320508"));
  EXPECT_TRUE(merge_kpi_reports(other, KpiWeights{}).ok());
  EXPECT_EQ(merge_kpi_reports({}).status().code(), absl::StatusCode::kInvalidArgument);
}

#ifdef JICENG_TEST_PG

// The two clusters' admin URIs (the fixtures write DIR/uri).
std::string cluster_uri(const char* env) {
  const char* dir = std::getenv(env);
  if (dir == nullptr) return "";
  std::ifstream in(std::string(dir) + "/uri");
  std::string uri;
  std::getline(in, uri);
  return uri;
}

// A fresh database on a cluster; its URI (sessions named after this process).
std::string fresh_db(const std::string& admin, const std::string& name) {
  PGconn* c = PQconnectdb(admin.c_str());
  EXPECT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  for (const std::string& sql : {std::string("SET client_min_messages = warning"),
                                 absl::StrCat("DROP DATABASE IF EXISTS ", name, " WITH (FORCE)"),
                                absl::StrCat("CREATE DATABASE ", name)}) {
    PGresult* r = PQexec(c, sql.c_str());
    EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << sql << ": " << PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(c);
  return absl::StrCat(absl::StrReplaceAll(admin, {{"/jiceng_test?", absl::StrCat("/", name, "?")}}),
                      "&application_name=", test::pg_app_name());
}

// Runs SQL on a database; the first column of the first row.
std::string sql_on(const std::string& uri, const std::string& sql) {
  PGconn* c = PQconnectdb(uri.c_str());
  EXPECT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PGresult* r = PQexec(c, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) << sql << ": " << PQresultErrorMessage(r);
  std::string out = st == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
  PQclear(r);
  PQfinish(c);
  return out;
}

#define NEED_TWO_CLUSTERS()                                                   \
  ASSERT_FALSE(cluster_uri("JICENG_PG_DIR").empty()) << "run through ctest"; \
  ASSERT_FALSE(cluster_uri("JICENG_PG_DIR_B").empty()) << "run through ctest"

// The sample district, and the same tree as district 320508 (姑苏区).
std::string district_org(int chain) {
  return absl::StrReplaceAll(test::sample_district(),
                             {{"320506", std::to_string(chain)}, {"吴中区", absl::StrCat("第", chain, "区")}});
}
Actor officer_of(int chain) { return Actor{"D-officer", Role::kDistrictOfficer, std::to_string(chain)}; }

// Petition n of a district, taken `steps` along the loop; resolved ones take n % 7 days.
absl::StatusOr<PetitionId> petition(Engine& e, int chain, int n, int steps) {
  const Timestamp t = test::kT0 + n * 3600;
  const std::string who = absl::StrCat("R", n % 40);
  JICENG_ASSIGN_OR_RETURN(PetitionId id, e.submit(test::resident(who), test::submission(who, "", n), t));
  const Actor a = officer_of(chain);
  if (steps > 0) JICENG_RETURN_IF_ERROR(e.accept(a, id, t + 60));
  if (steps > 1) JICENG_RETURN_IF_ERROR(e.dispatch(a, id, "", false, t + 120));
  if (steps > 2) JICENG_RETURN_IF_ERROR(e.sign(a, id, t + 180));
  if (steps > 3) JICENG_RETURN_IF_ERROR(e.resolve(a, id, "已办结", t + 86400 * (n % 7) + 240));
  if (steps > 4) {
    Evaluation ev;
    ev.satisfaction = n % 3 == 0 ? Satisfaction::kBasicallySatisfied : Satisfaction::kSatisfied;
    JICENG_RETURN_IF_ERROR(e.evaluate(a, id, ev, t + 86400 * (n % 7) + 300));
  }
  return id;
}

// Two districts on two servers, with `n` petitions each at assorted stages.
struct TwoServers {
  test::TempDir tmp;
  std::string a, b, dir;
  std::unique_ptr<ProvinceEngines> set;
  void open(const std::string& tag, int n) {
    a = fresh_db(cluster_uri("JICENG_PG_DIR"), absl::StrCat("prov_", tag, "_a"));
    b = fresh_db(cluster_uri("JICENG_PG_DIR_B"), absl::StrCat("prov_", tag, "_b"));
    dir = tmp.file("chains.txt");
    std::ofstream(dir) << "320506 " << a << "\n320508 " << b << "\n";
    auto s = ProvinceEngines::open(dir);
    ASSERT_TRUE(s.ok()) << s.status();
    set = std::move(*s);
    for (int chain : {320506, 320508}) {
      Engine& e = (*set->district(chain))->engine();
      ASSERT_TRUE(e.load_org(district_org(chain), test::kT0).ok());
      for (int i = 1; i <= n; ++i) ASSERT_TRUE(petition(e, chain, i + chain % 10, i % 6).ok());
    }
  }
};

TEST(ProvincePg, EngineSetOverTwoServersAndProvinceKpisAreTheDistrictsSums) {
  NEED_TWO_CLUSTERS();
  TwoServers s;
  ASSERT_NO_FATAL_FAILURE(s.open("kpi", 30));
  EXPECT_EQ(s.set->chains(), (std::vector<int>{320506, 320508}));
  EXPECT_THAT(*s.set->server(320508), HasSubstr("prov_kpi_b"));
  EXPECT_EQ(s.set->district(320505).status().code(), absl::StatusCode::kNotFound);
  // Each chain lives on its own server only.
  EXPECT_EQ(sql_on(s.a, "SELECT string_agg(chain::text, ',') FROM jc_chain"), "320506");
  EXPECT_EQ(sql_on(s.b, "SELECT string_agg(chain::text, ',') FROM jc_chain"), "320508");
  auto districts = s.set->district_kpis({});
  ASSERT_TRUE(districts.ok()) << districts.status();
  auto p = s.set->province_kpis({});
  ASSERT_TRUE(p.ok()) << p.status();
  const KpiReport& x = districts->at(320506);
  const KpiReport& y = districts->at(320508);
  EXPECT_EQ(x.counts.received, 30u);
  EXPECT_EQ(p->counts.received, x.counts.received + y.counts.received);
  EXPECT_EQ(p->counts.accepted, x.counts.accepted + y.counts.accepted);
  EXPECT_EQ(p->counts.done, x.counts.done + y.counts.done);
  EXPECT_EQ(p->counts.evaluated, x.counts.evaluated + y.counts.evaluated);
  EXPECT_EQ(p->counts.satisfied, x.counts.satisfied + y.counts.satisfied);
  EXPECT_GT(p->counts.done, 0u);
  // The quantiles of every resolve time of both districts, gathered one by one.
  std::vector<std::int32_t> all;
  for (const KpiReport* r : {&x, &y}) {
    for (const auto& [days, n] : r->counts.resolve_workdays) all.insert(all.end(), n, days);
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), p->counts.done);
  const auto rank = [&](double q) { return all[static_cast<std::size_t>(std::ceil(q * all.size())) - 1]; };
  EXPECT_EQ(p->resolve_workdays_median, rank(0.5));
  EXPECT_EQ(p->resolve_workdays_p90, rank(0.9));
}

TEST(ProvincePg, AChainMovesUnderLoadRefusingAppendsWhileFrozenAndLosingNone) {
  NEED_TWO_CLUSTERS();
  TwoServers s;
  ASSERT_NO_FATAL_FAILURE(s.open("move", 40));
  ASSERT_TRUE((*s.set->district(320506))->write_snapshot().ok());
  const std::uint64_t before = (*s.set->district(320506))->engine().stats().petitions;
  const std::string c = cluster_uri("JICENG_PG_DIR_B");
  const std::string target = fresh_db(c, "prov_move_c");  // a third database, on server B

  // A writer submits to 320506 wherever the directory says it is.
  std::atomic<bool> stop{false};
  std::atomic<int> acked{0}, refused{0};
  std::vector<PetitionId> ids;
  std::string other_error, freeze_message;
  std::thread writer([&] {
    for (int n = 1000; !stop.load() && n < 100000; ++n) {
      DurableEngine* e = *s.set->district(320506);
      PetitionId id = 0;
      absl::Status st = e->run([&](Engine& en) -> absl::Status {
        JICENG_ASSIGN_OR_RETURN(id, en.submit(test::resident("R1"), test::submission("R1", "", n), test::kT0 + n));
        return absl::OkStatus();
      });
      if (st.ok()) {
        ids.push_back(id);
        ++acked;
      } else if (st.code() == absl::StatusCode::kFailedPrecondition &&
                 std::string(st.message()).find("frozen") != std::string::npos) {
        ++refused;
        if (freeze_message.empty()) freeze_message = std::string(st.message());
        auto r = s.set->refresh();
        if (!r.ok()) other_error = std::string(r.status().message());
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      } else {
        other_error = std::string(st.message());
        break;
      }
    }
  });
  const auto wait_acked = [&](int n) {
    for (int i = 0; i < 3000 && acked.load() < n && other_error.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  wait_acked(15);
  auto moved = move_chain(s.dir, 320506, target);
  ASSERT_TRUE(moved.ok()) << moved.status();
  const int at_move = acked.load();
  wait_acked(at_move + 15);  // the writer found the chain on its new server
  stop = true;
  writer.join();
  ASSERT_EQ(other_error, "");
  EXPECT_GE(acked.load(), at_move + 15);
  // The source is frozen for good: the first append after the freeze was refused, naming it.
  EXPECT_GE(refused.load(), 1);
  EXPECT_THAT(freeze_message, HasSubstr("chain 320506: the chain is frozen"));
  EXPECT_EQ(moved->chain, 320506);
  EXPECT_GT(moved->events, 100u);
  EXPECT_EQ(moved->snapshots, 1u);
  EXPECT_THAT(moved->to, HasSubstr("prov_move_c"));

  // The directory switched; the engine set serves 320506 from the target.
  EXPECT_THAT(read_file(s.dir), HasSubstr(absl::StrCat("320506 ", target)));
  EXPECT_THAT(*s.set->server(320506), HasSubstr("prov_move_c"));
  // None lost: every acknowledged petition is on the target, nothing refused is.
  DurableEngine* live = *s.set->district(320506);
  EXPECT_EQ(live->engine().stats().petitions, before + static_cast<std::size_t>(acked.load()));
  JournalOptions ro;
  ro.read_only = true;
  auto reopened = DurableEngine::open(absl::StrCat(target, "&chain=320506"), ro);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->state_digest(), live->state_digest());
  for (PetitionId id : ids) EXPECT_TRUE((*reopened)->engine().state(id).ok()) << id;
  auto v = (*reopened)->journal().verify();
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->last_seq, live->journal().last_seq());
  EXPECT_EQ(v->snapshots, 1u);
  // The old copy stays frozen on the source, its note saying where the chain went; an
  // engine still open there is refused, naming it, and changes nothing.
  EXPECT_EQ(sql_on(s.a, "SELECT frozen FROM jc_chain WHERE chain = 320506"), "t");
  auto old = DurableEngine::open(absl::StrCat(s.a, "&chain=320506"));
  ASSERT_TRUE(old.ok()) << old.status();
  const std::string old_digest = (*old)->state_digest();
  auto st = (*old)->engine().submit(test::resident("R2"), test::submission("R2", "", 2), test::kT0);
  ASSERT_EQ(st.status().code(), absl::StatusCode::kFailedPrecondition) << st.status();
  EXPECT_THAT(std::string(st.status().message()), HasSubstr("frozen (moved to "));
  EXPECT_THAT(std::string(st.status().message()), HasSubstr("prov_move_c"));
  EXPECT_EQ((*old)->state_digest(), old_digest);
  // The other district never stopped.
  EXPECT_EQ(sql_on(s.b, "SELECT frozen FROM jc_chain WHERE chain = 320508"), "f");
  // The old copy is not moved again: a directory still naming it is refused, naming where the
  // chain went, and nothing is written on the target.
  const std::string stale = s.tmp.file("stale.txt");
  std::ofstream(stale) << "320506 " << s.a << "\n";
  auto twice = move_chain(stale, 320506, s.b);
  ASSERT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition) << twice.status();
  EXPECT_THAT(std::string(twice.status().message()), HasSubstr("is frozen on"));
  EXPECT_THAT(std::string(twice.status().message()), HasSubstr("(moved to "));
  EXPECT_EQ(sql_on(s.b, "SELECT count(*) FROM jc_chain WHERE chain = 320506"), "0");
}

TEST(ProvincePg, RefusedMovesChangeNothing) {
  NEED_TWO_CLUSTERS();
  TwoServers s;
  ASSERT_NO_FATAL_FAILURE(s.open("refuse", 5));
  const std::string dir_text = read_file(s.dir);
  const auto state = [&] {
    return absl::StrCat(sql_on(s.a, "SELECT seq || ' ' || frozen FROM jc_chain WHERE chain = 320506"), "|",
                        sql_on(s.b, "SELECT count(*) FROM jc_events WHERE chain = 320506"), "|",
                        sql_on(s.a, "SELECT count(*) FROM jc_meta"), "|", read_file(s.dir));
  };
  const std::string before = state();
  // Not in the directory; onto its own server; a target that is no PostgreSQL URI.
  EXPECT_EQ(move_chain(s.dir, 320505, s.b).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(move_chain(s.dir, 320506, s.a).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(move_chain(s.dir, 320506, "/tmp/x.db").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(move_chain(s.dir + ".none", 320506, s.b).status().code(), absl::StatusCode::kNotFound);
  // Onto a server that already holds events of the chain.
  ASSERT_TRUE(DurableEngine::open(absl::StrCat(s.b, "&chain=320506")).ok());  // its set_policy event
  auto busy = move_chain(s.dir, 320506, s.b);
  ASSERT_EQ(busy.status().code(), absl::StatusCode::kFailedPrecondition) << busy.status();
  EXPECT_THAT(std::string(busy.status().message()), HasSubstr("events of chain 320506 already; nothing was moved"));
  sql_on(s.b, "DELETE FROM jc_events WHERE chain = 320506; DELETE FROM jc_chain WHERE chain = 320506");
  EXPECT_EQ(state(), before);
  // A source whose chain was edited: the copy does not verify on the target, and the move
  // is undone — the source unfrozen, nothing left on the target, the directory as it was.
  sql_on(s.a, "UPDATE jc_events SET time = time + 1 WHERE chain = 320506 AND seq = 4");
  const std::string edited = state();
  auto bad = move_chain(s.dir, 320506, s.b);
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kDataLoss) << bad.status();
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("does not verify"));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("seq 4: hash mismatch"));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("the move was undone"));
  EXPECT_EQ(state(), edited);
  EXPECT_EQ(sql_on(s.b, "SELECT count(*) FROM jc_chain WHERE chain = 320506"), "0");
  EXPECT_EQ(read_file(s.dir), dir_text);
}

TEST(ProvincePg, RowsCopiedFromOneDistrictsChainIntoAnothersFailVerify) {
  NEED_TWO_CLUSTERS();
  TwoServers s;
  ASSERT_NO_FATAL_FAILURE(s.open("copy", 8));
  // Row 6 of 320506 (server A) written over row 6 of 320508 (server B), as an operator
  // with both databases open could: 320508 breaks at seq 6.
  const std::string row =
      sql_on(s.a, "SELECT time || ',' || quote_literal(type) || ',' || quote_literal(encode(payload, 'hex')) || ',' || "
                  "quote_literal(encode(hash, 'hex')) FROM jc_events WHERE chain = 320506 AND seq = 6");
  ASSERT_FALSE(row.empty());
  const std::vector<std::string> f = absl::StrSplit(row, ',');
  ASSERT_EQ(f.size(), 4u);
  sql_on(s.b, absl::StrCat("UPDATE jc_events SET time = ", f[0], ", type = ", f[1], ", payload = decode(", f[2],
                           ", 'hex'), hash = decode(", f[3], ", 'hex') WHERE chain = 320508 AND seq = 6"));
  auto jb = Journal::open(*ChainDirectory::load(s.dir)->journal_uri(320508));
  ASSERT_TRUE(jb.ok()) << jb.status();
  auto v = (*jb)->verify();
  ASSERT_EQ(v.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(v.status().message()), HasSubstr("chain 320508: seq 6: hash mismatch"));
  // The whole chain of 320506, rows and head, copied onto server B under code 320508 (in
  // place of its own): identical bytes, yet it fails at seq 1 — its genesis is 320506's.
  sql_on(s.b, "DELETE FROM jc_events WHERE chain = 320508");
  PGconn* from = PQconnectdb(s.a.c_str());
  PGresult* rows = PQexec(from, "SELECT seq, time, type, encode(payload, 'hex'), encode(hash, 'hex') FROM jc_events "
                                "WHERE chain = 320506 ORDER BY seq");
  ASSERT_EQ(PQresultStatus(rows), PGRES_TUPLES_OK);
  std::string insert = "INSERT INTO jc_events VALUES ";
  for (int i = 0; i < PQntuples(rows); ++i) {
    absl::StrAppend(&insert, i ? "," : "", "(320508,", PQgetvalue(rows, i, 0), ",", PQgetvalue(rows, i, 1), ",'",
                    PQgetvalue(rows, i, 2), "',decode('", PQgetvalue(rows, i, 3), "','hex'),decode('",
                    PQgetvalue(rows, i, 4), "','hex'))");
  }
  const std::string last = PQgetvalue(rows, PQntuples(rows) - 1, 4);
  const std::string n = PQgetvalue(rows, PQntuples(rows) - 1, 0);
  PQclear(rows);
  PQfinish(from);
  sql_on(s.b, insert);
  sql_on(s.b, absl::StrCat("UPDATE jc_chain SET seq = ", n, ", hash = decode('", last, "', 'hex') WHERE chain = 320508"));
  auto copied = Journal::open(*ChainDirectory::load(s.dir)->journal_uri(320508));
  ASSERT_TRUE(copied.ok()) << copied.status();
  auto cv = (*copied)->verify();
  ASSERT_EQ(cv.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(cv.status().message()), HasSubstr("seq 1: hash mismatch"));
  // The original still verifies.
  auto ja = Journal::open(*ChainDirectory::load(s.dir)->journal_uri(320506));
  ASSERT_TRUE(ja.ok());
  EXPECT_TRUE((*ja)->verify().ok());
}

TEST(ProvincePg, ATransferIsAnEventPairAcrossTwoServersIdempotentByPetition) {
  NEED_TWO_CLUSTERS();
  TwoServers s;
  ASSERT_NO_FATAL_FAILURE(s.open("xfer", 4));
  DurableEngine* a = *s.set->district(320506);
  DurableEngine* b = *s.set->district(320508);
  auto id = petition(a->engine(), 320506, 77, 0);  // received, not yet accepted
  ASSERT_TRUE(id.ok()) << id.status();
  const PetitionView before = *a->engine().get(*id);
  const Timestamp t = test::kT0 + 86400 * 10;  // after every petition of the test
  auto r = s.set->transfer(320506, *id, 320508, officer_of(320506), test::resident(before.petitioner), "小区属姑苏区",
                           "", t);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->repeated);
  // transfer_out: A's petition is rejected naming the district; its row is that reject.
  EXPECT_EQ(*a->engine().state(*id), State::kRejected);
  EXPECT_EQ(sql_on(s.a, absl::StrCat("SELECT type || ' ' || encode(hash, 'hex') FROM jc_events WHERE chain = 320506 "
                                     "AND seq = ", r->out_seq)),
            absl::StrCat("reject ", to_hex(r->out_hash)));
  // transfer_in: B's petition carries A's content and a key naming A's seq and hash.
  EXPECT_EQ(r->key, absl::StrCat("transfer_in:320506:", before.display_id, ":", r->out_seq, ":", to_hex(r->out_hash)));
  const PetitionView in = *b->engine().get(r->in_petition);
  EXPECT_EQ(in.idempotency_key, r->key);
  EXPECT_EQ(in.text, before.text);
  EXPECT_EQ(in.category, before.category);
  EXPECT_EQ(in.state, State::kReceived);
  EXPECT_EQ(sql_on(s.b, absl::StrCat("SELECT type FROM jc_events WHERE chain = 320508 AND seq = ", r->in_seq)), "submit");
  // Again: the same pair, nothing written on either server.
  const std::uint64_t a_seq = a->journal().last_seq(), b_seq = b->journal().last_seq();
  auto again = s.set->transfer(320506, *id, 320508, officer_of(320506), test::resident(before.petitioner), "x", "", t + 5);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->repeated);
  EXPECT_EQ(again->in_petition, r->in_petition);
  EXPECT_EQ(again->key, r->key);
  EXPECT_EQ(a->journal().last_seq(), a_seq);
  EXPECT_EQ(b->journal().last_seq(), b_seq);
  // A crash between the halves: the transfer_out stands, the transfer_in is missing; a
  // re-run writes only the second half.
  auto second = petition(a->engine(), 320506, 78, 0);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(a->engine().reject(officer_of(320506), *second, "transfer_out to district 320508: 跨区", t).ok());
  const std::uint64_t a_seq2 = a->journal().last_seq();
  auto half = s.set->transfer(320506, *second, 320508, officer_of(320506), test::resident("R38"), "跨区", "", t + 9);
  ASSERT_TRUE(half.ok()) << half.status();
  EXPECT_FALSE(half->repeated);
  EXPECT_EQ(half->out_seq, a_seq2);
  EXPECT_EQ(a->journal().last_seq(), a_seq2);
  EXPECT_EQ(b->journal().last_seq(), b_seq + 1);
  // Refused, changing nothing: an accepted petition, the same district, an unknown one.
  auto accepted = petition(a->engine(), 320506, 79, 1);
  ASSERT_TRUE(accepted.ok());
  const std::string da = a->state_digest(), db = b->state_digest();
  auto refused = s.set->transfer(320506, *accepted, 320508, officer_of(320506), test::resident("R1"), "x", "", t);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("is accepted; only a petition not yet accepted"));
  EXPECT_EQ(s.set->transfer(320506, *id, 320506, officer_of(320506), test::resident("R1"), "x", "", t).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.set->transfer(320506, *id, 320505, officer_of(320506), test::resident("R1"), "x", "", t).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(a->state_digest(), da);
  EXPECT_EQ(b->state_digest(), db);
  // Both chains verify.
  EXPECT_TRUE(a->journal().verify().ok());
  EXPECT_TRUE(b->journal().verify().ok());
}

#endif  // JICENG_TEST_PG

}  // namespace
}  // namespace jiceng
