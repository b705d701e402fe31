// Moving a district's chain to another PostgreSQL server with proof (docs/province.md):
// freeze on the source, binary COPY of its events and snapshots into the target (its chain
// row frozen), verify the copy on the target from the district's genesis and compare
// heads, switch the directory, unfreeze. Any failure before the switch undoes the copy and
// the freeze.
#include <chrono>

#include "common/strings.hpp"
#include "jiceng/province.hpp"
#include "journal/pg_journal.hpp"

#ifdef JICENG_HAVE_LIBPQ
#include <libpq-fe.h>

#include "journal/pg_handles.hpp"
#endif

namespace jiceng {

using internal::cat;

#ifndef JICENG_HAVE_LIBPQ

absl::StatusOr<ChainMoveReport> move_chain(const std::string&, int, const std::string&, const ChainMoveOptions&) {
  return absl::FailedPreconditionError(
      "chain move: the PostgreSQL journal is not compiled in (this build found no libpq; install libpq-dev and rebuild)");
}

#else

namespace {

using Result = internal::PgResult;
using Conn = internal::PgConn;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// One server of the move: its connection and how messages name it.
struct Server {
  std::string display;
  Conn conn;

  absl::Status error(const PGresult* r, std::string_view what) const {
    const std::string detail = trimmed(r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn.get()));
    const std::string msg = cat("chain move: ", display, ": ", what, ": ", detail);
    return PQstatus(conn.get()) == CONNECTION_OK ? absl::InternalError(msg) : absl::UnavailableError(msg);
  }
  // Text parameters, text results.
  absl::StatusOr<Result> exec(const std::string& sql, const std::vector<std::string>& params, std::string_view what) const {
    std::vector<const char*> values;
    for (const std::string& p : params) values.push_back(p.c_str());
    Result r(PQexecParams(conn.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                          nullptr, 0));
    const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return error(r.get(), what);
    return r;
  }
  absl::Status run(const std::string& sql, std::string_view what) const {
    return exec(sql, {}, what).status();
  }
};

absl::StatusOr<Server> connect(const std::string& uri) {
  Server s;
  s.display = internal::redact_uri(uri);
  const char* const keys[] = {"dbname", "fallback_application_name", nullptr};
  const char* const values[] = {uri.c_str(), "jiceng-chain-move", nullptr};
  s.conn.reset(PQconnectdbParams(keys, values, 1));
  if (!s.conn || PQstatus(s.conn.get()) != CONNECTION_OK) {
    return absl::UnavailableError(
        cat("chain move: ", s.display, ": cannot connect: ", trimmed(s.conn ? PQerrorMessage(s.conn.get()) : "out of memory")));
  }
  JICENG_RETURN_IF_ERROR(s.run("SET synchronous_commit = on", "set up the session"));
  return s;
}

// Streams `COPY (…) TO STDOUT` on the source into `COPY … FROM STDIN` on the target, in
// PostgreSQL's binary format (the bytes as stored; the hash chain checks them after).
absl::StatusOr<std::uint64_t> copy_rows(const Server& from, const Server& to, const std::string& out_sql,
                                        const std::string& in_sql, std::string_view what) {
  Result in(PQexec(to.conn.get(), in_sql.c_str()));
  if (!in || PQresultStatus(in.get()) != PGRES_COPY_IN) return to.error(in.get(), cat("copy ", what, " in"));
  Result out(PQexec(from.conn.get(), out_sql.c_str()));
  if (!out || PQresultStatus(out.get()) != PGRES_COPY_OUT) {
    PQputCopyEnd(to.conn.get(), "the source failed");
    while (PGresult* r = PQgetResult(to.conn.get())) PQclear(r);
    return from.error(out.get(), cat("copy ", what, " out"));
  }
  absl::Status failed;
  for (;;) {
    char* buf = nullptr;
    const int n = PQgetCopyData(from.conn.get(), &buf, 0);
    if (n == -1) break;
    if (n < 0) {
      failed = from.error(nullptr, cat("read ", what));
      break;
    }
    const int put = PQputCopyData(to.conn.get(), buf, n);
    PQfreemem(buf);
    if (put != 1) {
      failed = to.error(nullptr, cat("write ", what));
      break;
    }
  }
  std::uint64_t rows = 0;
  while (PGresult* raw = PQgetResult(from.conn.get())) {
    Result r(raw);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK && failed.ok()) failed = from.error(r.get(), cat("read ", what));
    if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) rows = std::strtoull(PQcmdTuples(r.get()), nullptr, 10);
  }
  PQputCopyEnd(to.conn.get(), failed.ok() ? nullptr : "the copy failed");
  while (PGresult* raw = PQgetResult(to.conn.get())) {
    Result r(raw);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK && failed.ok()) failed = to.error(r.get(), cat("write ", what));
  }
  if (!failed.ok()) return failed;
  return rows;
}

}  // namespace

absl::StatusOr<ChainMoveReport> move_chain(const std::string& directory_path, int chain, const std::string& target_uri,
                                           const ChainMoveOptions& options) {
  JICENG_ASSIGN_OR_RETURN(ChainDirectory dir, ChainDirectory::load(directory_path));
  JICENG_ASSIGN_OR_RETURN(const std::string source_uri, dir.server(chain));
  ChainDirectory next = dir;
  JICENG_RETURN_IF_ERROR(next.set(chain, target_uri));
  if (target_uri == source_uri) {
    return absl::InvalidArgumentError(
        cat("chain move: chain ", chain, " is on ", internal::redact_uri(target_uri), " already"));
  }
  const std::string c = std::to_string(chain);
  ChainMoveReport report;
  report.chain = chain;
  JICENG_ASSIGN_OR_RETURN(Server src, connect(source_uri));
  JICENG_ASSIGN_OR_RETURN(Server dst, connect(target_uri));
  report.from = src.display;
  report.to = dst.display;
  if (src.display == dst.display) {
    // Two spellings of one server would copy the chain onto itself.
    return absl::InvalidArgumentError(cat("chain move: chain ", chain, " is on ", dst.display, " already"));
  }
  {
    JICENG_ASSIGN_OR_RETURN(Result r, src.exec("SELECT to_regclass('jc_chain') IS NOT NULL", {}, "look for the chain"));
    bool found = std::string_view(PQgetvalue(r.get(), 0, 0)) == "t";
    if (found) {
      JICENG_ASSIGN_OR_RETURN(r, src.exec("SELECT 1 FROM jc_chain WHERE chain = $1", {c}, "look for the chain"));
      found = PQntuples(r.get()) == 1;
    }
    if (!found) return absl::NotFoundError(cat("chain move: chain ", chain, " is not on ", src.display));
  }
  // A chain frozen already (a move under way, or one that moved) is refused, naming its note.
  const auto refuse_frozen = [&]() -> absl::Status {
    std::string note;
    if (absl::StatusOr<Result> r = src.exec("SELECT value FROM jc_meta WHERE key = $1", {cat("frozen.", chain)}, "note");
        r.ok() && PQntuples(r->get()) == 1) {
      note = cat(" (", PQgetvalue(r->get(), 0, 0), ")");
    }
    return absl::FailedPreconditionError(
        cat("chain move: chain ", chain, " is frozen on ", src.display, " already", note, "; nothing was moved"));
  };
  std::string prefix_head;  // the source's head seq before the freeze
  {
    JICENG_ASSIGN_OR_RETURN(Result h, src.exec("SELECT seq, frozen FROM jc_chain WHERE chain = $1", {c}, "read the head"));
    if (std::string_view(PQgetvalue(h.get(), 0, 1)) == "t") return refuse_frozen();
    prefix_head = PQgetvalue(h.get(), 0, 0);
  }
  // The target must not hold the chain's events already (a half-done earlier move is
  // undone by that move itself; anything else there is someone's data).
  {
    JICENG_ASSIGN_OR_RETURN(Result r, dst.exec("SELECT to_regclass('jc_events') IS NOT NULL", {}, "look at the target"));
    if (std::string_view(PQgetvalue(r.get(), 0, 0)) == "t") {
      JICENG_ASSIGN_OR_RETURN(r, dst.exec("SELECT count(*) FROM jc_events WHERE chain = $1", {c}, "look at the target"));
      const std::string_view n = PQgetvalue(r.get(), 0, 0);
      if (n != "0") {
        return absl::FailedPreconditionError(
            cat("chain move: ", dst.display, " holds ", n, " events of chain ", chain, " already; nothing was moved"));
      }
    }
  }
  // The target's schema and an empty chain row (the library's own first open).
  JICENG_ASSIGN_OR_RETURN(const std::string target_journal, next.journal_uri(chain));
  {
    JournalOptions o;
    o.notify = false;
    JICENG_ASSIGN_OR_RETURN(auto j, Journal::open(target_journal, o));
  }

  bool frozen_here = false;
  // Undoes the copy and (when this move made it) the freeze; the error that made it necessary is returned.
  const auto undo = [&](absl::Status why) -> absl::Status {
    for (const Server* s : {&src, &dst}) {
      if (PQtransactionStatus(s->conn.get()) != PQTRANS_IDLE) s->run("ROLLBACK", "roll back").IgnoreError();
    }
    dst.exec("DELETE FROM jc_snapshots WHERE chain = $1", {c}, "undo").IgnoreError();
    dst.exec("DELETE FROM jc_events WHERE chain = $1", {c}, "undo").IgnoreError();
    dst.exec("DELETE FROM jc_chain WHERE chain = $1", {c}, "undo").IgnoreError();
    if (frozen_here) {
      src.exec("UPDATE jc_chain SET frozen = false WHERE chain = $1", {c}, "unfreeze").IgnoreError();
      src.exec("DELETE FROM jc_meta WHERE key = $1", {cat("frozen.", chain)}, "unfreeze").IgnoreError();
    }
    return absl::Status(why.code(), cat(why.message(), "; the move was undone (the chain stays on ", src.display, ")"));
  };

  // 0. The chain's committed prefix is copied before the freeze: committed rows never change
  // (a chain grows only at its end), so only the rows appended meanwhile are copied frozen.
  // The target's chain row is frozen from here on.
  std::uint64_t prefix = 0;
  const auto precopy = [&]() -> absl::Status {
    JICENG_RETURN_IF_ERROR(dst.run("BEGIN", "begin"));
    JICENG_ASSIGN_OR_RETURN(Result r, dst.exec("UPDATE jc_chain SET frozen = true WHERE chain = $1 AND seq = 0 RETURNING 1",
                                               {c}, "freeze the target's chain row"));
    if (PQntuples(r.get()) != 1) {
      return absl::FailedPreconditionError(cat("chain move: chain ", chain, " on ", dst.display, " is not empty"));
    }
    JICENG_ASSIGN_OR_RETURN(
        prefix, copy_rows(src, dst,
                          cat("COPY (SELECT chain, seq, time, type, payload, hash FROM jc_events WHERE chain = ", chain,
                              " AND seq <= ", prefix_head, " ORDER BY seq) TO STDOUT (FORMAT binary)"),
                          "COPY jc_events (chain, seq, time, type, payload, hash) FROM STDIN (FORMAT binary)", "events"));
    return dst.run("COMMIT", "commit the copied prefix");
  };
  if (absl::Status st = precopy(); !st.ok()) return undo(st);

  // 1. Freeze on the source. An append committing now holds the head row; this waits for it.
  if (absl::Status st = src.run("BEGIN", "begin"); !st.ok()) return undo(st);
  absl::StatusOr<Result> frozen_or = src.exec("UPDATE jc_chain SET frozen = true, updated_at = now() "
                                                  "WHERE chain = $1 AND NOT frozen RETURNING seq, encode(hash, 'hex')",
                                                  {c}, "freeze the chain");
  if (!frozen_or.ok()) return undo(frozen_or.status());
  const Result frozen = std::move(*frozen_or);
  if (PQntuples(frozen.get()) != 1) {  // frozen since it was read: another move won
    src.run("ROLLBACK", "roll back").IgnoreError();
    const absl::Status why = refuse_frozen();
    undo(why).IgnoreError();
    return why;
  }
  const std::uint64_t head_seq = std::strtoull(PQgetvalue(frozen.get(), 0, 0), nullptr, 10);
  const std::string head_hex = PQgetvalue(frozen.get(), 0, 1);
  frozen_here = true;
  if (absl::Status st = src.exec("INSERT INTO jc_meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                                 {cat("frozen.", chain), cat("moving to ", dst.display)}, "note the freeze")
                            .status();
      !st.ok()) {
    return undo(st);
  }
  if (absl::Status st = src.run("COMMIT", "commit the freeze"); !st.ok()) return undo(st);
  const auto frozen_at = std::chrono::steady_clock::now();

  // 2. Copy the rest — the rows appended since the prefix, and the snapshots — in one
  // transaction on the target, whose chain row stays frozen.
  const auto copy = [&]() -> absl::Status {
    JICENG_RETURN_IF_ERROR(dst.run("BEGIN", "begin"));
    JICENG_RETURN_IF_ERROR(src.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin"));
    JICENG_ASSIGN_OR_RETURN(
        const std::uint64_t rest,
        copy_rows(src, dst,
                  cat("COPY (SELECT chain, seq, time, type, payload, hash FROM jc_events WHERE chain = ", chain,
                      " AND seq > ", prefix_head, " ORDER BY seq) TO STDOUT (FORMAT binary)"),
                  "COPY jc_events (chain, seq, time, type, payload, hash) FROM STDIN (FORMAT binary)", "events"));
    report.events = prefix + rest;
    JICENG_ASSIGN_OR_RETURN(
        report.snapshots,
        copy_rows(src, dst,
                  cat("COPY (SELECT chain, seq, time, anchor, digest, state, hash FROM jc_snapshots WHERE chain = ", chain,
                      " ORDER BY seq) TO STDOUT (FORMAT binary)"),
                  "COPY jc_snapshots (chain, seq, time, anchor, digest, state, hash) FROM STDIN (FORMAT binary)",
                  "snapshots"));
    src.run("COMMIT", "commit").IgnoreError();
    JICENG_RETURN_IF_ERROR(dst.exec("UPDATE jc_chain SET seq = $2, hash = decode($3, 'hex'), updated_at = now() "
                                    "WHERE chain = $1",
                                    {c, std::to_string(head_seq), head_hex}, "set the target's head")
                               .status());
    return dst.run("COMMIT", "commit the copy");
  };
  if (absl::Status st = copy(); !st.ok()) return undo(st);

  // 3. Verify on the target, from the district's genesis, and compare heads.
  {
    JournalOptions o;
    o.read_only = true;
    absl::StatusOr<std::unique_ptr<Journal>> j = Journal::open(target_journal, o);
    if (!j.ok()) return undo(j.status());
    absl::StatusOr<ChainReport> v = (*j)->verify(options.verify_states);
    if (!v.ok()) {
      return undo(absl::DataLossError(cat("chain move: the copy on ", dst.display, " does not verify: ", v.status().message())));
    }
    if (v->last_seq != head_seq || to_hex(v->head) != head_hex || v->snapshots != report.snapshots) {
      return undo(absl::DataLossError(cat("chain move: the copy on ", dst.display, " ends at seq ", v->last_seq, " head ",
                                          to_hex(v->head), " with ", v->snapshots, " snapshots; the source's head is seq ",
                                          head_seq, " ", head_hex, " with ", report.snapshots)));
    }
    report.head = v->head;
  }

  // 4. Switch the directory (atomic rename), 5. unfreeze on the target.
  if (absl::Status st = next.save(directory_path); !st.ok()) return undo(st);
  src.exec("UPDATE jc_meta SET value = $2 WHERE key = $1", {cat("frozen.", chain), cat("moved to ", dst.display)},
           "note the move")
      .IgnoreError();
  JICENG_RETURN_IF_ERROR(dst.exec("UPDATE jc_chain SET frozen = false, updated_at = now() WHERE chain = $1", {c},
                                  "unfreeze the chain on its new server")
                             .status());
  report.frozen = absl::FromChrono(std::chrono::steady_clock::now() - frozen_at);
  return report;
}

#endif  // JICENG_HAVE_LIBPQ

}  // namespace jiceng
