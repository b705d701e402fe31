// The PostgreSQL test cluster (started by the ctest fixture, tests/journal/pg/pg_cluster.sh)
// and raw SQL on it, bypassing the journal (how the tamper tests edit rows).
#pragma once

#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace jiceng::test {

/// The cluster's URI (without a chain): JICENG_PG_DIR/uri, written by the fixture.
inline std::string pg_base_uri() {
  const char* dir = std::getenv("JICENG_PG_DIR");
  if (dir == nullptr) return "";
  std::ifstream in(std::string(dir) + "/uri");
  std::string uri;
  std::getline(in, uri);
  return uri;
}

/// The URI of one chain.
inline std::string pg_uri(int chain) { return absl::StrCat(pg_base_uri(), "&chain=", chain); }

/// Runs SQL on the cluster; returns the first column of the first row ("" if none).
inline std::string pg_sql(const std::string& sql, bool expect_ok = true) {
  PGconn* c = PQconnectdb(pg_base_uri().c_str());
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
  ASSERT_FALSE(::jiceng::test::pg_base_uri().empty()) << "JICENG_PG_DIR/uri not found: run through ctest (fixture pg_cluster)"

}  // namespace jiceng::test
