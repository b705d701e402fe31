// C ABI tests of member transfers and subtree member counts, loading org files, KPI
// argument errors and a tampered journal: each success checked by its result, each
// refusal by its code, a message naming the call, and the state left as it was.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>

#include <unistd.h>

#include "capi_test_support.hpp"
#include "jiceng.h"

namespace {

using namespace capi_test;

const char* kGrid2 = "320506001001G02";
const std::string kSample = std::string(JICENG_SOURCE_DIR) + "/data/sample-district.json";

// The last error names the call (its message starts "fn: ").
#define EXPECT_NAMES(fn) EXPECT_EQ(std::string(jc_last_error()).rfind(std::string(fn) + ": ", 0), 0u) << jc_last_error()

std::string raw(const jc_org* org) {
  char* s = nullptr;
  EXPECT_EQ(jc_org_export_json_raw(&s, org), JC_OK) << jc_last_error();
  return take(s);
}

void write_file(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
}

// ---------------------------------------------------------------------------------------
// Members: jc_org_transfer_member, jc_org_subtree_members

class CapiMembers : public SampleOrgTest {
 protected:
  std::pair<size_t, size_t> members(const char* id) {
    size_t all = 0, party = 0;
    EXPECT_EQ(jc_org_subtree_members(&all, &party, org_, find(id)), JC_OK) << jc_last_error();
    return {all, party};
  }
};

TEST_F(CapiMembers, SubtreeMembersCountsAndRefusals) {
  // data/sample-district.json: 29 members hold a relation, all party members; 11 under
  // the community, 3 in grid 1, 4 in grid 2.
  EXPECT_EQ(members("320506"), std::make_pair(size_t{29}, size_t{29}));
  EXPECT_EQ(members(kCommunity), std::make_pair(size_t{11}, size_t{11}));
  EXPECT_EQ(members(kGrid), std::make_pair(size_t{3}, size_t{3}));
  EXPECT_EQ(members(kGrid2), std::make_pair(size_t{4}, size_t{4}));
  size_t all = 0, party = 0;
  ASSERT_OK(jc_org_subtree_members(&all, nullptr, org_, find(kGrid)));  // either out may be NULL
  EXPECT_EQ(all, 3u);
  ASSERT_OK(jc_org_subtree_members(nullptr, &party, org_, find(kGrid2)));
  EXPECT_EQ(party, 4u);
  ASSERT_OK(jc_org_subtree_members(nullptr, nullptr, org_, find(kGrid2)));

  size_t n = 0;
  ASSERT_OK(jc_org_unit_count(&n, org_));
  all = party = 77;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_subtree_members(&all, &party, nullptr, 0));
  EXPECT_NAMES("jc_org_subtree_members");
  EXPECT_ERROR_HAS("org is NULL");
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_subtree_members(&all, &party, org_, static_cast<uint32_t>(n)));
  EXPECT_NAMES("jc_org_subtree_members");
  EXPECT_ERROR_HAS("unit index " + std::to_string(n));
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_subtree_members(&all, &party, org_, JC_NO_UNIT));
  EXPECT_NAMES("jc_org_subtree_members");
  EXPECT_EQ(all, 77u);
  EXPECT_EQ(party, 77u);
}

TEST_F(CapiMembers, TransferMovesTheRelation) {
  const std::string before = raw(org_);
  // M0011 holds its relation at grid 1.
  ASSERT_OK(jc_org_transfer_member(org_, "M0011", kGrid2, jc_date{2025, 3, 1}));
  EXPECT_EQ(members(kGrid), std::make_pair(size_t{2}, size_t{2}));
  EXPECT_EQ(members(kGrid2), std::make_pair(size_t{5}, size_t{5}));
  EXPECT_EQ(members(kCommunity), std::make_pair(size_t{11}, size_t{11}));  // moved within it
  const std::string after = raw(org_);
  EXPECT_NE(after, before);
  EXPECT_NE(after.find("2025-03-01"), std::string::npos) << "the transfer is exported";
  // Out of the community, later, then back: counts follow.
  ASSERT_OK(jc_org_transfer_member(org_, "M0011", "320506001", jc_date{2025, 3, 2}));
  EXPECT_EQ(members(kCommunity), std::make_pair(size_t{10}, size_t{10}));
  ASSERT_OK(jc_org_transfer_member(org_, "M0011", kGrid, jc_date{2025, 3, 2}));  // same day is fine
  EXPECT_EQ(members(kGrid), std::make_pair(size_t{3}, size_t{3}));
  EXPECT_EQ(members(kCommunity), std::make_pair(size_t{11}, size_t{11}));
}

TEST_F(CapiMembers, TransferRefusalsChangeNothing) {
  const std::string before = raw(org_);
  const jc_date day{2025, 3, 1};
  const auto refused = [&](jc_status code, jc_status rc, const char* text) {
    EXPECT_EQ(rc, code) << jc_status_name(rc) << ": " << jc_last_error();
    EXPECT_NAMES("jc_org_transfer_member");
    EXPECT_ERROR_HAS(text);
    EXPECT_EQ(raw(org_), before) << text;
  };
  refused(JC_INVALID_ARGUMENT, jc_org_transfer_member(nullptr, "M0011", kGrid2, day), "org is NULL");
  refused(JC_INVALID_ARGUMENT, jc_org_transfer_member(org_, nullptr, kGrid2, day), "member is NULL");
  refused(JC_INVALID_ARGUMENT, jc_org_transfer_member(org_, "M0011", nullptr, day), "to_unit is NULL");
  refused(JC_INVALID_ARGUMENT, jc_org_transfer_member(org_, "M\xff", kGrid2, day), "member is not valid UTF-8");
  refused(JC_INVALID_ARGUMENT, jc_org_transfer_member(org_, "M0011", "\xe5\x90", day), "to_unit is not valid UTF-8");
  refused(JC_NOT_FOUND, jc_org_transfer_member(org_, "M9999", kGrid2, day), "unknown member 'M9999'");
  refused(JC_NOT_FOUND, jc_org_transfer_member(org_, "M0011", "no-such-unit", day), "unknown unit 'no-such-unit'");
  refused(JC_INVALID_ARGUMENT, jc_org_transfer_member(org_, "M0011", kGrid2, jc_date{2025, 2, 30}), "2025-2-30");
  refused(JC_FAILED_PRECONDITION, jc_org_transfer_member(org_, "M0010", kGrid2, day), "not a party member");
  refused(JC_FAILED_PRECONDITION, jc_org_transfer_member(org_, "M0011", kGrid, day), "already at");
  refused(JC_INVALID_ARGUMENT, jc_org_transfer_member(org_, "M0011", "320506001001S", day),
          "cannot hold organizational relations");
  // A date before the member's last transfer.
  ASSERT_OK(jc_org_transfer_member(org_, "M0011", kGrid2, day));
  const std::string moved = raw(org_);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_transfer_member(org_, "M0011", kGrid, jc_date{2025, 2, 1}));
  EXPECT_NAMES("jc_org_transfer_member");
  EXPECT_ERROR_HAS("before the last transfer");
  EXPECT_EQ(raw(org_), moved);
  // An engine's graph is read-only through its borrowed handle.
  jc_engine* e = nullptr;
  ASSERT_OK(jc_engine_open(&e, nullptr));
  ASSERT_OK(jc_engine_load_sample_org(e, kMon));
  const jc_org* view = nullptr;
  ASSERT_OK(jc_engine_org(&view, e));
  const std::string d = digest(e), v = raw(view);
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_org_transfer_member(const_cast<jc_org*>(view), "M0011", kGrid2, day));
  EXPECT_NAMES("jc_org_transfer_member");
  EXPECT_EQ(raw(view), v);
  EXPECT_EQ(digest(e), d);
  jc_engine_free(e);
}

// ---------------------------------------------------------------------------------------
// Loading org files

TEST(CapiOrgFile, LoadFileMatchesTheEmbeddedSample) {
  jc_org* sample = nullptr;
  ASSERT_OK(jc_org_new(&sample));
  ASSERT_OK(jc_org_load_sample(sample));
  jc_org* org = nullptr;
  ASSERT_OK(jc_org_new(&org));
  ASSERT_OK(jc_org_load_file(org, kSample.c_str()));
  size_t n = 0;
  ASSERT_OK(jc_org_unit_count(&n, org));
  EXPECT_EQ(n, 44u);  // the units of data/sample-district.json
  uint32_t u = JC_NO_UNIT;
  ASSERT_OK(jc_org_find(&u, org, kGrid));
  char name[64];
  ASSERT_OK(jc_org_unit_id(name, sizeof name, nullptr, org, u));
  EXPECT_STREQ(name, kGrid);
  int level = -1;
  ASSERT_OK(jc_org_level(&level, org, u));
  EXPECT_EQ(level, 3);
  const std::string loaded = raw(org);
  EXPECT_EQ(loaded, raw(sample));

  // A malformed file, a missing one and bad paths change nothing.
  const std::string bad = temp_path("bad-org.json");
  write_file(bad, R"({"schema":"urban_grid","units":[{"id":"X","name":"x","level":0)");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_load_file(org, bad.c_str()));
  EXPECT_NAMES("jc_org_load_file");
  EXPECT_ERROR_HAS(bad);
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_load_file(org, (bad + ".missing").c_str()));
  EXPECT_NAMES("jc_org_load_file");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_load_file(org, nullptr));
  EXPECT_ERROR_HAS("jc_org_load_file: path is NULL");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_load_file(org, "/tmp/\xff.json"));
  EXPECT_ERROR_HAS("jc_org_load_file: path is not valid UTF-8");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_load_file(nullptr, kSample.c_str()));
  EXPECT_ERROR_HAS("jc_org_load_file: org is NULL");
  ASSERT_OK(jc_org_unit_count(&n, org));
  EXPECT_EQ(n, 44u);
  EXPECT_EQ(raw(org), loaded);
  std::filesystem::remove(bad);
  jc_org_free(org);
  jc_org_free(sample);
}

TEST(CapiOrgFile, EngineLoadFileMatchesTheEmbeddedSample) {
  jc_engine* sample = nullptr;
  ASSERT_OK(jc_engine_open(&sample, nullptr));
  ASSERT_OK(jc_engine_load_sample_org(sample, kMon));
  jc_engine* e = nullptr;
  ASSERT_OK(jc_engine_open(&e, nullptr));
  ASSERT_OK(jc_engine_load_org_file(e, kSample.c_str(), kMon));
  EXPECT_EQ(digest(e), digest(sample));  // the same bytes loaded at the same time
  const jc_org* view = nullptr;
  ASSERT_OK(jc_engine_org(&view, e));
  size_t n = 0;
  ASSERT_OK(jc_org_unit_count(&n, view));
  EXPECT_EQ(n, 44u);
  uint32_t u = JC_NO_UNIT;
  ASSERT_OK(jc_org_find(&u, view, kGrid2));
  uint32_t units[6];
  ASSERT_OK(jc_org_responsible_units(units, view, kHousehold));
  EXPECT_EQ(units[2], [&] {
    uint32_t c = JC_NO_UNIT;
    EXPECT_EQ(jc_org_find(&c, view, kCommunity), JC_OK);
    return c;
  }());

  const std::string d = digest(e), g = raw(view);
  const std::string bad = temp_path("bad-engine-org.json");
  write_file(bad, "{\"units\":[");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_load_org_file(e, bad.c_str(), kMon + 1));
  EXPECT_NAMES("jc_engine_load_org_file");
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_load_org_file(e, (bad + ".missing").c_str(), kMon + 1));
  EXPECT_NAMES("jc_engine_load_org_file");
  EXPECT_ERROR_HAS(".missing");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_load_org_file(e, nullptr, kMon + 1));
  EXPECT_ERROR_HAS("jc_engine_load_org_file: path is NULL");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_load_org_file(e, "\xc0\xaf", kMon + 1));
  EXPECT_ERROR_HAS("jc_engine_load_org_file: path is not valid UTF-8");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_load_org_file(nullptr, kSample.c_str(), kMon + 1));
  EXPECT_NAMES("jc_engine_load_org_file");
  EXPECT_EQ(digest(e), d);
  EXPECT_EQ(raw(view), g);
  std::filesystem::remove(bad);
  jc_engine_free(e);
  jc_engine_free(sample);
}

// ---------------------------------------------------------------------------------------
// KPIs

uint64_t submit(jc_engine* e, int64_t t) {
  const jc_submission s = sample_submission();
  uint64_t id = 0;
  EXPECT_EQ(jc_engine_submit(&id, e, &kResident, &s, t), JC_OK) << jc_last_error();
  return id;
}

// A petition through to its evaluation.
void closed_loop(jc_engine* e, int64_t t, int solved) {
  const uint64_t id = submit(e, t);
  ASSERT_OK(jc_engine_accept(e, &kStreetOfficer, id, t + kHour));
  ASSERT_OK(jc_engine_dispatch(e, &kSecretary, id, nullptr, 0, t + 2 * kHour));
  ASSERT_OK(jc_engine_sign(e, &kStaff, id, t + 3 * kHour));
  ASSERT_OK(jc_engine_resolve(e, &kStaff, id, "已处理", t + 4 * kHour));
  ASSERT_OK(jc_engine_evaluate(e, &kResident, id, 1, solved, JC_SATISFIED, t + 5 * kHour));
}

double composite(const std::string& report) {
  const std::string key = "\"composite\":";
  const auto at = report.find(key);
  if (at == std::string::npos) return NAN;
  return std::strtod(report.c_str() + at + key.size(), nullptr);
}

TEST(CapiKpi, WeightsAndRefusals) {
  jc_engine* e = nullptr;
  jc_engine_options o = JC_ENGINE_OPTIONS_INIT;
  o.policy = "suzhou-sip";
  ASSERT_OK(jc_engine_open(&e, &o));
  ASSERT_OK(jc_engine_load_sample_org(e, kMon - 86400));
  // Two evaluated petitions, one solved: response 1, solve 0.5, satisfaction 1.
  closed_loop(e, kMon, 1);
  closed_loop(e, kMon + 600, 0);
  jc_kpi_query q;
  ASSERT_OK(jc_kpi_query_init(&q, JC_KPI_QUERY_VERSION));
  q.unit = kCommunity;  // both petitions lie in it
  char* out = nullptr;
  ASSERT_OK(jc_engine_kpi_json(&out, e, &q));
  const std::string defaults = take(out);
  q.weights_json = R"({"response":0,"solve":100,"satisfaction":0})";
  ASSERT_OK(jc_engine_kpi_json(&out, e, &q));
  const std::string solve_only = take(out);
  EXPECT_DOUBLE_EQ(composite(solve_only), 0.5) << solve_only;
  q.weights_json = R"({"response":100,"solve":0,"satisfaction":0})";
  ASSERT_OK(jc_engine_kpi_json(&out, e, &q));
  EXPECT_DOUBLE_EQ(composite(take(out)), 1.0);
  ASSERT_FALSE(std::isnan(composite(defaults))) << defaults;
  EXPECT_NE(composite(defaults), composite(solve_only)) << defaults;
  q.weights_json = nullptr;

  const std::string d = digest(e);
  const auto refused = [&](jc_status code, const jc_kpi_query* query, const char* text) {
    char* res = nullptr;
    const jc_status rc = jc_engine_kpi_json(&res, e, query);
    EXPECT_EQ(rc, code) << text << " -> " << jc_status_name(rc) << ": " << jc_last_error();
    EXPECT_NAMES("jc_engine_kpi_json");
    EXPECT_ERROR_HAS(text);
    EXPECT_EQ(res, nullptr) << text;
    jc_string_free(res);
    EXPECT_EQ(digest(e), d) << text;
  };
  refused(JC_INVALID_ARGUMENT, nullptr, "query is NULL");
  jc_kpi_query bad = q;
  bad.version = 2;
  refused(JC_INVALID_ARGUMENT, &bad, "unknown query version 2");
  bad = q;
  bad.weights_json = "{\"response\":";
  refused(JC_INVALID_ARGUMENT, &bad, "malformed JSON");
  bad.weights_json = R"({"response":40,"solve":30,"satisfaction":30,"speed":1})";
  refused(JC_INVALID_ARGUMENT, &bad, "unknown member \"speed\"");
  bad.weights_json = R"({"response":-10,"solve":60,"satisfaction":50})";
  refused(JC_INVALID_ARGUMENT, &bad, "response = -10 is outside [0, 100]");
  bad.weights_json = R"({"response":40,"solve":40,"satisfaction":40})";
  refused(JC_INVALID_ARGUMENT, &bad, "must sum to 100");
  bad.weights_json = "\xff";
  refused(JC_INVALID_ARGUMENT, &bad, "weights_json is not valid UTF-8");
  bad = q;
  bad.unit = "no-such-unit";
  refused(JC_NOT_FOUND, &bad, "\"no-such-unit\" is not in the org graph");
  bad = q;
  bad.from_date = "2025-02-01";
  bad.to_date = "2025-01-01";
  refused(JC_INVALID_ARGUMENT, &bad, "is after its end");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_kpi_json(&out, nullptr, &q));
  EXPECT_NAMES("jc_engine_kpi_json");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_kpi_json(nullptr, e, &q));
  EXPECT_NAMES("jc_engine_kpi_json");
  // The refusals left the index serving the same report.
  ASSERT_OK(jc_engine_kpi_json(&out, e, &q));
  EXPECT_EQ(take(out), defaults);
  jc_engine_free(e);
}

// ---------------------------------------------------------------------------------------
// A tampered journal

void raw_sql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

TEST(CapiJournalTamper, EditedRowIsDataLossNamingTheSeq) {
  const std::string path = temp_path("tampered.db");
  jc_engine_options o = journal_options(path);
  jc_engine* e = nullptr;
  ASSERT_OK(jc_engine_open(&e, &o));
  ASSERT_OK(jc_engine_load_sample_org(e, kMon - 86400));
  closed_loop(e, kMon, 1);
  uint64_t last = 0;
  ASSERT_OK(jc_engine_last_seq(&last, e));
  ASSERT_GE(last, 5u);
  jc_engine_free(e);

  raw_sql(path, "UPDATE events SET payload = payload || x'00' WHERE seq = 4");
  jc_journal* j = nullptr;
  jc_journal_options jo = JC_JOURNAL_OPTIONS_INIT;
  jo.read_only = 1;
  ASSERT_OK(jc_journal_open(&j, path.c_str(), &jo));
  jc_chain_report r;
  r.events = 12345;
  EXPECT_STATUS(JC_DATA_LOSS, jc_journal_verify(&r, j));
  EXPECT_NAMES("jc_journal_verify");
  EXPECT_ERROR_HAS("seq 4: hash mismatch");
  EXPECT_EQ(r.events, 12345u);  // not filled on failure
  jc_journal_free(j);

  jc_engine* tampered = nullptr;
  EXPECT_STATUS(JC_DATA_LOSS, jc_engine_open(&tampered, &o));
  EXPECT_NAMES("jc_engine_open");
  EXPECT_ERROR_HAS("seq 4");
  EXPECT_EQ(tampered, nullptr);
  o.read_only = 1;
  EXPECT_STATUS(JC_DATA_LOSS, jc_engine_open(&tampered, &o));
  EXPECT_EQ(tampered, nullptr);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

}  // namespace
