// The PostgreSQL test cluster (started by the ctest fixture, tests/journal/pg/pg_cluster.sh)
// and raw SQL on it, bypassing the journal (how the tamper tests edit rows).
#pragma once

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace jiceng::test {

/// The cluster's URI as the fixture wrote it (JICENG_PG_DIR/uri): the admin sessions of
/// pg_sql, never ended by the tests.
inline std::string pg_admin_uri() {
  const char* dir = std::getenv("JICENG_PG_DIR");
  if (dir == nullptr) return "";
  std::ifstream in(std::string(dir) + "/uri");
  std::string uri;
  std::getline(in, uri);
  return uri;
}

/// The application_name of this test process's journal sessions: the crash rounds end
/// only these, not the sessions of other tests sharing the cluster.
inline std::string pg_app_name() { return absl::StrCat("jiceng_test_", ::getpid()); }

/// The URI of the journal handles (without a chain), named pg_app_name().
inline std::string pg_base_uri() {
  const std::string admin = pg_admin_uri();
  return admin.empty() ? admin : absl::StrCat(admin, "&application_name=", pg_app_name());
}

/// The URI of one chain.
inline std::string pg_uri(int chain) { return absl::StrCat(pg_base_uri(), "&chain=", chain); }

/// SQL ending this process's journal sessions (pg_app_name) that also match `and_where`;
/// it selects how many were ended.
inline std::string pg_terminate_own_sql(const std::string& and_where = "") {
  return absl::StrCat("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '",
                      pg_app_name(), "'", and_where.empty() ? "" : " AND ", and_where);
}

/// Runs SQL on the cluster; returns the first column of the first row ("" if none).
inline std::string pg_sql(const std::string& sql, bool expect_ok = true) {
  PGconn* c = PQconnectdb(pg_admin_uri().c_str());
  EXPECT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PGresult* r = PQexec(c, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  const bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  if (expect_ok) {
    EXPECT_TRUE(ok) << sql << ": " << PQresultErrorMessage(r);
  }
  std::string out;
  if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0) out = PQgetvalue(r, 0, 0);
  if (!ok && !expect_ok) out = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  return out;
}

/// Fails the test when the fixture did not start a cluster.
#define JICENG_NEED_PG() \
  ASSERT_FALSE(::jiceng::test::pg_admin_uri().empty())  \
      << "JICENG_PG_DIR/uri not found: run through ctest (fixture pg_cluster)"

}  // namespace jiceng::test
