// Internal: libpq results and connections as owning handles (the PostgreSQL journal and
// the chain move). Include only where libpq is compiled in (JICENG_HAVE_LIBPQ).
#pragma once

#include <libpq-fe.h>

#include <memory>

namespace jiceng::internal {

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
/// A libpq result, cleared when it goes.
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
/// A libpq connection, closed when it goes.
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;

}  // namespace jiceng::internal
