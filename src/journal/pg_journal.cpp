// The PostgreSQL journal (docs/postgres.md): one hash chain per county-level division in
// tables jc_chain / jc_events / jc_snapshots, appended through jc_append (rows first, then
// the head row guarded by seq and hash: one round trip, binary parameters), read by
// `seq > last` and verified on the client. libpq only; without it (JICENG_HAVE_LIBPQ
// unset) opening a postgresql:// URI says the backend is not compiled in.
#include "journal/pg_journal.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/strings.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/org.hpp"
#include "journal/hasher.hpp"
#include "journal/state_check.hpp"

#ifdef JICENG_HAVE_LIBPQ
#include <libpq-fe.h>
#include <poll.h>

#include "journal/pg_handles.hpp"

#include <chrono>
#include <thread>
#endif

namespace jiceng {

absl::Status journal_conflict_error(std::string_view message) {
  absl::Status st = absl::AbortedError(internal::av(message));
  st.SetPayload(internal::av(kJournalConflictPayload), absl::Cord("1"));
  return st;
}

bool is_journal_conflict(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAborted &&
         status.GetPayload(internal::av(kJournalConflictPayload)).has_value();
}

bool is_postgres_uri(std::string_view uri) {
  return uri.starts_with("postgresql://") || uri.starts_with("postgres://");
}

bool postgres_journal_available() {
#ifdef JICENG_HAVE_LIBPQ
  return true;
#else
  return false;
#endif
}

// --- defaults of the backend-neutral methods (the SQLite journal) -------------------------

bool Journal::shared() const { return false; }

absl::StatusOr<std::uint64_t> Journal::tail(std::uint64_t after_seq, std::size_t max,
                                            const std::function<absl::Status(const StoredRecord&)>& fn) {
  // One writer per file: whatever is new was appended by another handle; replay verifies
  // the whole file and moves last_seq()/head() to its end.
  std::uint64_t n = 0;
  JICENG_RETURN_IF_ERROR(replay(after_seq, [&](const StoredRecord& r) -> absl::Status {
    if (n >= max) return absl::OkStatus();
    ++n;
    return fn(r);
  }));
  return n;
}

absl::StatusOr<bool> Journal::wait_for_append(absl::Duration timeout) {
  absl::SleepFor(timeout);
  return false;
}

namespace internal {

namespace {

using journal_internal::put_be32;

bool is_county_code(std::string_view id) {
  if (id.size() != 6) return false;
  for (char c : id) {
    if (c < '0' || c > '9') return false;
  }
  return id.substr(4) != "00" && id.substr(2) != "0000";
}

}  // namespace

ChainHash chain_genesis(int chain) {
  static constexpr std::string_view kTag = "jiceng-journal/3";
  std::uint8_t buf[kTag.size() + 4];
  std::memcpy(buf, kTag.data(), kTag.size());
  put_be32(buf + kTag.size(), static_cast<std::uint32_t>(chain));
  ChainHash out{};
  unsigned int n = 0;
  EVP_Digest(buf, sizeof buf, out.data(), &n, EVP_sha256(), nullptr);
  return out;
}

absl::StatusOr<int> county_chain_of_org(std::string_view org_json) {
  OrgGraph g;
  JICENG_RETURN_IF_ERROR(g.load_json(org_json, "load_org"));
  std::vector<UnitIndex> roots;
  for (std::size_t u = 0; u < g.unit_count(); ++u) {
    const auto idx = static_cast<UnitIndex>(u);
    if (g.parent(idx) == kNoUnit && g.kind(idx) == UnitKind::kDistrictCommittee) roots.push_back(idx);
  }
  if (roots.size() != 1) {
    return absl::NotFoundError(cat("the org has ", roots.size(), " district roots, not one county-level root"));
  }
  const std::string_view id = g.id(roots[0]);
  if (!is_county_code(id)) {
    return absl::NotFoundError(cat("the org's root \"", id, "\" (", g.name(roots[0]),
                                   ") is not a county-level division code (6 digits, not ending in 00)"));
  }
  return (id[0] - '0') * 100000 + (id[1] - '0') * 10000 + (id[2] - '0') * 1000 + (id[3] - '0') * 100 +
         (id[4] - '0') * 10 + (id[5] - '0');
}

// The URI as shown in messages: the password hidden.
std::string redact_uri(std::string_view uri) {
  std::string out(uri);
  const std::size_t scheme = out.find("://");
  const std::size_t at = out.find('@');
  if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
    const std::size_t colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  const std::size_t pw = out.find("password=");
  if (pw != std::string::npos) {
    const std::size_t end = out.find('&', pw);
    out.replace(pw + 9, (end == std::string::npos ? out.size() : end) - pw - 9, "***");
  }
  return out;
}

#ifndef JICENG_HAVE_LIBPQ

absl::StatusOr<std::unique_ptr<Journal>> open_postgres_journal(const std::string& uri, const JournalOptions&) {
  (void)uri;
  return absl::FailedPreconditionError(
      "journal postgresql://…: the PostgreSQL journal is not compiled in (this build found no libpq; "
      "install libpq-dev and rebuild)");
}

#else  // JICENG_HAVE_LIBPQ

namespace {

constexpr std::string_view kFormat = "jiceng-journal/3";
constexpr std::string_view kSnapshotTag = "jiceng-snapshot/1";
constexpr std::size_t kMaxTypeLength = 64;
constexpr std::size_t kPage = 10000;  // rows per read while walking a chain

// Type OIDs of the binary parameters.
constexpr Oid kInt4 = 23, kInt8 = 20, kBytea = 17, kText = 25, kInt8Array = 1016, kTextArray = 1009,
              kByteaArray = 1001;

// The schema, created once per database under an advisory lock (concurrent first opens).
constexpr const char* kSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS jc_meta (key text PRIMARY KEY, value text NOT NULL);
INSERT INTO jc_meta VALUES ('format', 'jiceng-journal/3') ON CONFLICT (key) DO NOTHING;
CREATE TABLE IF NOT EXISTS jc_chain (
  chain      integer     PRIMARY KEY,
  seq        bigint      NOT NULL DEFAULT 0,
  hash       bytea       NOT NULL CHECK (length(hash) = 32),
  format     text        NOT NULL DEFAULT 'jiceng-journal/3',
  frozen     boolean     NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS jc_events (
  chain   integer NOT NULL,
  seq     bigint  NOT NULL CHECK (seq > 0),
  time    bigint  NOT NULL,
  type    text    NOT NULL,
  payload bytea   NOT NULL,
  hash    bytea   NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (chain, seq));
CREATE TABLE IF NOT EXISTS jc_snapshots (
  chain  integer NOT NULL,
  seq    bigint  NOT NULL,
  time   bigint  NOT NULL,
  anchor bytea   NOT NULL,
  digest text    NOT NULL,
  state  bytea   NOT NULL,
  hash   bytea   NOT NULL,
  PRIMARY KEY (chain, seq));
CREATE OR REPLACE FUNCTION jc_append(p_chain int, p_expected bigint, p_prev bytea,
    p_seqs int8[], p_times int8[], p_types text[], p_payloads bytea[], p_hashes bytea[])
  RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n int := cardinality(p_seqs);
BEGIN
  IF n IS NULL OR n = 0 OR p_seqs[1] <> p_expected + 1 OR p_seqs[n] <> p_expected + n THEN
    RAISE EXCEPTION 'jiceng: seqs % .. % do not follow %', p_seqs[1], p_seqs[n], p_expected
      USING ERRCODE = '22023';
  END IF;
  -- The rows first: a concurrent writer of the same seqs waits on the primary key, then
  -- fails with 23505 and rolls back without a WAL flush.
  INSERT INTO jc_events(chain, seq, time, type, payload, hash)
  SELECT p_chain, * FROM unnest(p_seqs, p_times, p_types, p_payloads, p_hashes);
  -- Then the head, guarded by seq and hash: no fork, no gap, no write to a frozen chain.
  UPDATE jc_chain SET seq = p_expected + n, hash = p_hashes[n], updated_at = now()
   WHERE chain = p_chain AND seq = p_expected AND hash = p_prev AND NOT frozen;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'jiceng: chain % head is not at %', p_chain, p_expected USING ERRCODE = '40001';
  END IF;
  RETURN p_expected + n;
END $$;
)sql";

using Result = PgResult;
using Conn = PgConn;

void be64(std::string& out, std::uint64_t v) {
  char b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out.append(b, 8);
}
void be32(std::string& out, std::uint32_t v) {
  char b[4];
  for (int i = 3; i >= 0; --i) {
    b[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  out.append(b, 4);
}
std::uint64_t get_be64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(p[i]);
  return v;
}

// A one-dimensional array parameter in PostgreSQL's binary array format.
class ArrayParam {
 public:
  void start(Oid elem, std::size_t n) {
    buf_.clear();
    be32(buf_, 1);  // dimensions
    be32(buf_, 0);  // no NULLs
    be32(buf_, elem);
    be32(buf_, static_cast<std::uint32_t>(n));
    be32(buf_, 1);  // lower bound
  }
  void add_int8(std::uint64_t v) {
    be32(buf_, 8);
    be64(buf_, v);
  }
  void add_bytes(std::string_view b) {
    be32(buf_, static_cast<std::uint32_t>(b.size()));
    buf_.append(b.data(), b.size());
  }
  const std::string& bytes() const { return buf_; }

 private:
  std::string buf_;
};

std::string_view field(const PGresult* r, int row, int col) {
  return {PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col))};
}
bool field_hash(const PGresult* r, int row, int col, ChainHash* out) {
  std::string_view b = field(r, row, col);
  if (PQgetisnull(r, row, col) || b.size() != 32) return false;
  std::memcpy(out->data(), b.data(), 32);
  return true;
}
std::uint64_t field_int8(const PGresult* r, int row, int col) {
  return PQgetlength(r, row, col) == 8 ? get_be64(PQgetvalue(r, row, col)) : 0;
}

std::string_view hash_view(const ChainHash& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }

ChainHash snapshot_row_hash(std::uint64_t seq, Timestamp time, const ChainHash& anchor, std::string_view digest) {
  std::string b(kSnapshotTag);
  be64(b, seq);
  be64(b, static_cast<std::uint64_t>(time));
  b.append(hash_view(anchor));
  b.append(digest);
  ChainHash out{};
  unsigned int n = 0;
  EVP_Digest(b.data(), b.size(), out.data(), &n, EVP_sha256(), nullptr);
  return out;
}

absl::Status check_type(std::string_view type, std::size_t index) {
  bool ok = !type.empty() && type.size() <= kMaxTypeLength;
  for (char c : type) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.');
  if (!ok) {
    return absl::InvalidArgumentError(cat("journal record ", index, ": type '", type, "' must be 1..",
                                          kMaxTypeLength, " bytes of a-z, 0-9, '_' and '.'"));
  }
  return absl::OkStatus();
}

std::string redact(std::string_view uri) { return redact_uri(uri); }

// Splits the library's own `chain=` parameter off a URI (libpq refuses unknown ones).
absl::Status split_uri(const std::string& uri, std::string* conninfo, std::string* chain) {
  const std::size_t q = uri.find('?');
  if (q == std::string::npos) {
    *conninfo = uri;
    return absl::OkStatus();
  }
  std::string kept;
  std::string_view rest(uri);
  rest.remove_prefix(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view kv = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (kv.starts_with("chain=")) {
      *chain = std::string(kv.substr(6));
    } else if (!kv.empty()) {
      if (!kept.empty()) kept += '&';
      kept.append(kv);
    }
  }
  *conninfo = uri.substr(0, q) + (kept.empty() ? "" : "?" + kept);
  return absl::OkStatus();
}

absl::StatusOr<int> parse_chain(std::string_view text, std::string_view where) {
  if (!is_county_code(text)) {
    return absl::InvalidArgumentError(cat("journal ", where, ": chain \"", text,
                                          "\" is not a 6-digit county-level division code (区/县, e.g. 320506)"));
  }
  int v = 0;
  for (char c : text) v = v * 10 + (c - '0');
  return v;
}

const char* sync_setting(SyncMode m) {
  switch (m) {
    case SyncMode::kFull: return "on";
    case SyncMode::kNormal: return "local";
    case SyncMode::kOff: return "off";
  }
  return "on";
}

// One walk of a chain from seq 1 in one read snapshot (REPEATABLE READ).
struct Walked {
  std::uint64_t last_seq = 0;
  ChainHash head{};
};

class PgJournal final : public Journal {
 public:
  PgJournal(std::string conninfo, std::string display, const JournalOptions& options, int chain,
            bool chain_named)
      : conninfo_(std::move(conninfo)),
        display_(std::move(display)),
        options_(options),
        chain_(chain),
        chain_named_(chain_named),
        genesis_(chain_genesis(chain)),
        head_(genesis_) {}

  ~PgJournal() override {
    std::lock_guard<std::mutex> lock(mu_);
    drain();
  }

  static absl::StatusOr<std::unique_ptr<Journal>> open(const std::string& uri, const JournalOptions& options);

  absl::StatusOr<AppendResult> append(std::span<const JournalRecord> records) override;
  absl::Status replay(std::uint64_t after_seq,
                      const std::function<absl::Status(const StoredRecord&)>& fn) const override;
  absl::Status replay_from(std::uint64_t seq, const ChainHash& anchor,
                           const std::function<absl::Status(const StoredRecord&)>& fn) const override;
  absl::StatusOr<ChainReport> verify() const override { return verify(options_.verify_states); }
  absl::StatusOr<ChainReport> verify(bool verify_states) const override;
  absl::StatusOr<SnapshotInfo> write_snapshot(std::uint64_t seq, std::string_view state) override;
  absl::StatusOr<std::optional<Snapshot>> latest_snapshot() const override;
  absl::StatusOr<std::uint64_t> snapshot_count() const override;
  std::uint64_t last_seq() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return last_seq_;
  }
  ChainHash head() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return head_;
  }
  const std::string& path() const override { return display_; }
  bool read_only() const override { return options_.read_only; }
  bool keyed() const override { return false; }  // Journal::open refuses a key for PostgreSQL
  bool shared() const override { return true; }
  absl::StatusOr<std::uint64_t> tail(std::uint64_t after_seq, std::size_t max,
                                     const std::function<absl::Status(const StoredRecord&)>& fn) override;
  absl::StatusOr<bool> wait_for_append(absl::Duration timeout) override;

 private:
  struct Row {
    std::uint64_t seq;
    Timestamp time;
    std::string type, payload;
    ChainHash hash;
  };

  std::string where() const { return cat("journal ", display_, " chain ", chain_); }
  absl::Status pg_error(const PGconn* c, const PGresult* r, std::string_view what) const;
  absl::StatusOr<Conn> connect(bool listen = false) const;
  absl::Status prepare_statements(PGconn* c) const;
  absl::Status ensure_connected();
  void drain();
  absl::Status check_org_binding(std::span<const JournalRecord> records) const;
  absl::Status check_not_frozen() const;
  absl::StatusOr<Result> exec(PGconn* c, const char* sql, std::string_view what) const;
  // Walks the chain from seq 1 on `c` inside an open read transaction.
  absl::Status walk(PGconn* c, std::uint64_t after_seq, const std::function<absl::Status(const StoredRecord&)>* fn,
                    std::map<std::uint64_t, ChainHash>* anchors, Walked* out) const;
  absl::StatusOr<std::optional<ChainHash>> hash_at(PGconn* c, std::uint64_t seq) const;
  absl::StatusOr<AppendResult> decide_ambiguous(std::uint64_t first, std::uint64_t last, const ChainHash& mine,
                                                const absl::Status& cause, bool* not_committed);

  const std::string conninfo_;
  const std::string display_;
  const JournalOptions options_;
  const int chain_;
  const bool chain_named_;
  const ChainHash genesis_;

  mutable std::mutex mu_;  // guards everything below
  Conn conn_;
  bool notify_pending_ = false;  // a NOTIFY sent after the last commit, its result unread
  std::uint64_t last_seq_ = 0;
  ChainHash head_;
  absl::Status damaged_;
  ArrayParam seqs_, times_, types_, payloads_, hashes_;
  std::vector<ChainHash> scratch_;
  journal_internal::Hasher hasher_;  // tail's: one EVP context for every row it verifies

  std::mutex listen_mu_;  // guards listen_
  Conn listen_;
};

absl::Status PgJournal::pg_error(const PGconn* c, const PGresult* r, std::string_view what) const {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string_view sqlstate = state != nullptr ? state : "";
  std::string detail = r != nullptr ? PQresultErrorMessage(r) : (c != nullptr ? PQerrorMessage(c) : "no connection");
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  const std::string msg = cat(where(), ": ", what, ": ", detail, sqlstate.empty() ? "" : cat(" (SQLSTATE ", sqlstate, ")"));
  if (sqlstate == "23505" || sqlstate == "40001") return journal_conflict_error(msg);
  if (sqlstate.starts_with("53")) return absl::ResourceExhaustedError(msg);
  if (sqlstate == "42501") return absl::PermissionDeniedError(msg);
  if (sqlstate == "25006") return absl::FailedPreconditionError(msg);
  if (sqlstate.starts_with("08") || sqlstate.starts_with("57P") || sqlstate.empty() ||
      (c != nullptr && PQstatus(c) != CONNECTION_OK)) {
    return absl::UnavailableError(msg);
  }
  return absl::InternalError(msg);
}

absl::StatusOr<Result> PgJournal::exec(PGconn* c, const char* sql, std::string_view what) const {
  Result r(PQexec(c, sql));
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return pg_error(c, r.get(), what);
  return r;
}

absl::StatusOr<Conn> PgJournal::connect(bool listen) const {
  // The URI may name the session (application_name=…, or PGAPPNAME): how an operator, or a
  // test ending only its own backends, tells the servers' sessions apart; "jiceng" otherwise.
  const char* const keys[] = {"dbname", "fallback_application_name", nullptr};
  const char* const values[] = {conninfo_.c_str(), "jiceng", nullptr};
  Conn c(PQconnectdbParams(keys, values, /*expand_dbname=*/1));
  if (!c || PQstatus(c.get()) != CONNECTION_OK) {
    std::string detail = c ? PQerrorMessage(c.get()) : "out of memory";
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    return absl::UnavailableError(cat("journal ", display_, ": cannot connect: ", detail));
  }
  std::string setup = cat("SET synchronous_commit = ", sync_setting(options_.sync), ";");
  if (options_.read_only) setup += " SET default_transaction_read_only = on;";
  if (listen) setup += cat(" LISTEN jc_events_", chain_, ";");
  JICENG_RETURN_IF_ERROR(exec(c.get(), setup.c_str(), "set up the session").status());
  return c;
}

absl::Status PgJournal::prepare_statements(PGconn* c) const {
  struct P {
    const char* name;
    const char* sql;
    int n;
    Oid types[8];
  };
  static const P kStatements[] = {
      {"jc_append", "SELECT jc_append($1, $2, $3, $4, $5, $6, $7, $8)", 8,
       {kInt4, kInt8, kBytea, kInt8Array, kInt8Array, kTextArray, kByteaArray, kByteaArray}},
      {"jc_rows", "SELECT seq, time, type, payload, hash FROM jc_events WHERE chain = $1 AND seq > $2 ORDER BY seq LIMIT $3",
       3, {kInt4, kInt8, kInt8}},
      {"jc_hash_at", "SELECT hash FROM jc_events WHERE chain = $1 AND seq = $2", 2, {kInt4, kInt8}},
      {"jc_head", "SELECT seq, hash, format, frozen FROM jc_chain WHERE chain = $1", 1, {kInt4}},
      {"jc_last", "SELECT seq, hash FROM jc_events WHERE chain = $1 ORDER BY seq DESC LIMIT 1", 1, {kInt4}},
      {"jc_snapshot_put",
       "INSERT INTO jc_snapshots(chain, seq, time, anchor, digest, state, hash) VALUES ($1, $2, $3, $4, $5, $6, $7) "
       "ON CONFLICT (chain, seq) DO UPDATE SET time = EXCLUDED.time, anchor = EXCLUDED.anchor, "
       "digest = EXCLUDED.digest, state = EXCLUDED.state, hash = EXCLUDED.hash",
       7, {kInt4, kInt8, kInt8, kBytea, kText, kBytea, kBytea}},
      {"jc_snapshots", "SELECT seq, time, anchor, digest, state, hash FROM jc_snapshots WHERE chain = $1 ORDER BY seq",
       1, {kInt4}},
      {"jc_snapshot_latest",
       "SELECT seq, time, anchor, digest, state, hash FROM jc_snapshots WHERE chain = $1 ORDER BY seq DESC LIMIT 1", 1,
       {kInt4}},
      {"jc_snapshot_count", "SELECT count(*)::int8 FROM jc_snapshots WHERE chain = $1", 1, {kInt4}},
  };
  for (const P& p : kStatements) {
    Result r(PQprepare(c, p.name, p.sql, p.n, p.types));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return pg_error(c, r.get(), cat("prepare ", p.name));
  }
  return absl::OkStatus();
}

// Reads the result of a NOTIFY sent after the last commit, so the connection is free.
void PgJournal::drain() {
  if (!notify_pending_ || !conn_) return;
  while (PGresult* r = PQgetResult(conn_.get())) PQclear(r);
  notify_pending_ = false;
}

absl::Status PgJournal::ensure_connected() {
  drain();
  if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) return absl::OkStatus();
  JICENG_ASSIGN_OR_RETURN(Conn c, connect());
  JICENG_RETURN_IF_ERROR(prepare_statements(c.get()));
  conn_ = std::move(c);
  return absl::OkStatus();
}

// Binary parameters of a prepared statement, built from views.
struct Params {
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  std::deque<std::string> owned;  // a deque: values point into its strings, which must not move
  Params& bytes(std::string_view b) {
    values.push_back(b.data());
    lengths.push_back(static_cast<int>(b.size()));
    formats.push_back(1);
    return *this;
  }
  Params& int4(std::uint32_t v) {
    owned.emplace_back();
    be32(owned.back(), v);
    return bytes(owned.back());
  }
  Params& int8(std::uint64_t v) {
    owned.emplace_back();
    be64(owned.back(), v);
    return bytes(owned.back());
  }
  PGresult* run(PGconn* c, const char* stmt) const {
    return PQexecPrepared(c, stmt, static_cast<int>(values.size()), values.data(), lengths.data(), formats.data(), 1);
  }
};

absl::StatusOr<std::unique_ptr<Journal>> PgJournal::open(const std::string& uri, const JournalOptions& options) {
  std::string conninfo, chain_text;
  JICENG_RETURN_IF_ERROR(split_uri(uri, &conninfo, &chain_text));
  const std::string display = redact(conninfo);
  if (!options.chain.empty()) {
    if (!chain_text.empty() && chain_text != options.chain) {
      return absl::InvalidArgumentError(cat("journal ", display, ": the URI names chain ", chain_text,
                                            " but the options name chain ", options.chain));
    }
    chain_text = options.chain;
  }
  const bool named = !chain_text.empty();
  int chain = 0;
  // A bad chain is refused before anything is created in the database.
  if (named) {
    JICENG_ASSIGN_OR_RETURN(chain, parse_chain(chain_text, display));
  }
  // A first connection: schema, then (without a named chain) the chain to use.
  auto probe = std::make_unique<PgJournal>(conninfo, display, options, 0, named);
  JICENG_ASSIGN_OR_RETURN(Conn c, probe->connect());
  JICENG_ASSIGN_OR_RETURN(Result exists, probe->exec(c.get(), "SELECT to_regclass('jc_events') IS NOT NULL, "
                                                                   "to_regclass('jc_meta') IS NOT NULL",
                                                      "look for the journal tables"));
  const bool have_events = std::string_view(PQgetvalue(exists.get(), 0, 0)) == "t";
  const bool have_meta = std::string_view(PQgetvalue(exists.get(), 0, 1)) == "t";
  if (have_events && !have_meta) {
    return absl::FailedPreconditionError(cat("journal ", display, ": a table jc_events exists but no jc_meta: "
                                                                  "not a jiceng journal database"));
  }
  if (!have_events) {
    if (options.read_only || !options.create_if_missing) {
      return absl::NotFoundError(cat("journal ", display, ": the database holds no jiceng journal"));
    }
    const std::string sql = cat("BEGIN; SELECT pg_advisory_xact_lock(hashtext('jiceng-journal-schema')); ",
                                kSchemaSql, " COMMIT;");
    JICENG_RETURN_IF_ERROR(probe->exec(c.get(), sql.c_str(), "create the journal schema").status());
  }
  {
    JICENG_ASSIGN_OR_RETURN(Result f, probe->exec(c.get(), "SELECT value FROM jc_meta WHERE key = 'format'",
                                                  "read the journal format"));
    const std::string_view format = PQntuples(f.get()) == 1 ? field(f.get(), 0, 0) : std::string_view();
    if (format != kFormat) {
      return absl::FailedPreconditionError(cat("journal ", display, ": format \"", format, "\" is not ", kFormat,
                                               " (a newer library, or not a jiceng journal)"));
    }
  }
  if (!named) {
    JICENG_ASSIGN_OR_RETURN(Result r, probe->exec(c.get(), "SELECT chain FROM jc_chain ORDER BY chain LIMIT 11",
                                                  "list the chains"));
    if (PQntuples(r.get()) != 1) {
      std::string list;
      for (int i = 0; i < PQntuples(r.get()); ++i) list += cat(i ? ", " : "", field(r.get(), i, 0));
      return absl::InvalidArgumentError(cat(
          "journal ", display, ": name the chain (?chain=NNNNNN in the URI, or JournalOptions::chain): the 6-digit "
          "code of the county-level division (区/县) of the engine's root unit; the database holds ",
          PQntuples(r.get()) == 0 ? std::string("no chain yet") : cat("chains ", list)));
    }
    JICENG_ASSIGN_OR_RETURN(chain, parse_chain(field(r.get(), 0, 0), display));
  }
  auto j = std::make_unique<PgJournal>(conninfo, display, options, chain, named);
  JICENG_RETURN_IF_ERROR(j->prepare_statements(c.get()));
  j->conn_ = std::move(c);
  PGconn* conn = j->conn_.get();
  if (!options.read_only) {
    Params p;
    p.int4(static_cast<std::uint32_t>(chain)).bytes(hash_view(j->genesis_));
    // Only for a chain without events: a deleted head row must stay missing (DATA_LOSS).
    Result r(PQexecParams(conn,
                          "INSERT INTO jc_chain(chain, seq, hash) SELECT $1::int4, 0, $2::bytea WHERE NOT EXISTS "
                          "(SELECT 1 FROM jc_events WHERE chain = $1::int4) ON CONFLICT DO NOTHING",
                          2,
                          nullptr, p.values.data(), p.lengths.data(), p.formats.data(), 1));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return j->pg_error(conn, r.get(), "create the chain row");
  }
  // Head row and last event from one snapshot: they must agree (a truncated tail, a
  // lost head update); when not, the journal opens but appends refuse, as SQLite's does.
  JICENG_RETURN_IF_ERROR(j->exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin").status());
  Params p;
  p.int4(static_cast<std::uint32_t>(chain));
  Result head(p.run(conn, "jc_head"));
  Result last(p.run(conn, "jc_last"));
  j->exec(conn, "COMMIT", "commit").IgnoreError();
  if (!head || PQresultStatus(head.get()) != PGRES_TUPLES_OK) return j->pg_error(conn, head.get(), "read the head");
  if (!last || PQresultStatus(last.get()) != PGRES_TUPLES_OK) return j->pg_error(conn, last.get(), "read the last row");
  const bool have_head = PQntuples(head.get()) == 1;
  if (!have_head && PQntuples(last.get()) == 0) {
    return absl::NotFoundError(cat(j->where(), ": no such chain in the database"));
  }
  ChainHash head_hash = j->genesis_;
  std::uint64_t head_seq = 0;
  if (have_head) {
    if (!field_hash(head.get(), 0, 1, &head_hash)) {
      return absl::DataLossError(cat(j->where(), ": the head row is malformed"));
    }
    if (field(head.get(), 0, 2) != kFormat) {
      return absl::FailedPreconditionError(
          cat(j->where(), ": chain format \"", field(head.get(), 0, 2), "\" is not ", kFormat));
    }
    head_seq = field_int8(head.get(), 0, 0);
  }
  std::uint64_t last_seq = 0;
  ChainHash last_hash = j->genesis_;
  if (PQntuples(last.get()) == 1) {
    last_seq = field_int8(last.get(), 0, 0);
    if (!field_hash(last.get(), 0, 1, &last_hash)) {
      return absl::DataLossError(cat(j->where(), ": seq ", last_seq, ": malformed last event row"));
    }
  }
  j->last_seq_ = head_seq;
  j->head_ = head_hash;
  if (!have_head) {
    j->last_seq_ = last_seq;
    j->head_ = last_hash;
    j->damaged_ = absl::DataLossError(cat(j->where(), ": the head row is missing; appends refused"));
  } else if (head_seq != last_seq || head_hash != last_hash) {
    j->damaged_ = absl::DataLossError(cat(j->where(), ": the head row (seq ", head_seq, ") and the last event row (seq ",
                                          last_seq, ") disagree: the tail was cut or altered; appends refused"));
  }
  return std::unique_ptr<Journal>(std::move(j));
}

absl::Status PgJournal::check_org_binding(std::span<const JournalRecord> records) const {
  for (const JournalRecord& r : records) {
    if (r.type != "load_org") continue;
    absl::StatusOr<Event> e = Engine::decode_event(r.payload);
    if (!e.ok()) return e.status();
    absl::StatusOr<int> c = county_chain_of_org(e->payload.document);
    if (c.ok() && *c != chain_) {
      return absl::FailedPreconditionError(cat(where(), ": load_org: the org's root is county ", *c,
                                               ", so its events belong on chain ", *c, ", not on chain ", chain_));
    }
    if (!c.ok() && c.status().code() == absl::StatusCode::kNotFound && !chain_named_) {
      return absl::FailedPreconditionError(cat(where(), ": load_org: ", c.status().message(),
                                               "; an engine whose root is not a county names its chain explicitly "
                                               "(?chain=NNNNNN or JournalOptions::chain)"));
    }
    if (!c.ok() && c.status().code() != absl::StatusCode::kNotFound) return c.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<AppendResult> PgJournal::append(std::span<const JournalRecord> records) {
  for (std::size_t i = 0; i < records.size(); ++i) JICENG_RETURN_IF_ERROR(check_type(records[i].type, i));
  std::lock_guard<std::mutex> lock(mu_);
  if (options_.read_only) return absl::FailedPreconditionError(cat(where(), ": opened read-only"));
  if (!damaged_.ok()) return damaged_;
  if (records.empty()) return AppendResult{last_seq_ + 1, last_seq_};
  JICENG_RETURN_IF_ERROR(check_org_binding(records));
  JICENG_RETURN_IF_ERROR(ensure_connected());

  const std::uint64_t expected = last_seq_;
  const std::size_t n = records.size();
  scratch_.resize(n);
  seqs_.start(kInt8, n);
  times_.start(kInt8, n);
  types_.start(kText, n);
  payloads_.start(kBytea, n);
  hashes_.start(kBytea, n);
  ChainHash prev = head_;
  for (std::size_t i = 0; i < n; ++i) {
    const JournalRecord& r = records[i];
    const std::uint64_t seq = expected + 1 + i;
    prev = chain_hash(prev, seq, r.time, r.type, r.payload);
    scratch_[i] = prev;
    seqs_.add_int8(seq);
    times_.add_int8(static_cast<std::uint64_t>(r.time));
    types_.add_bytes(r.type);
    payloads_.add_bytes(r.payload);
    hashes_.add_bytes(hash_view(prev));
  }
  Params p;
  p.int4(static_cast<std::uint32_t>(chain_))
      .int8(expected)
      .bytes(hash_view(head_))
      .bytes(seqs_.bytes())
      .bytes(times_.bytes())
      .bytes(types_.bytes())
      .bytes(payloads_.bytes())
      .bytes(hashes_.bytes());
  // A connection that dropped while idle (a restarted server, pg_terminate_backend) shows
  // only when used: when the outcome check finds nothing committed, send once more.
  for (int attempt = 0;; ++attempt) {
    Result r(p.run(conn_.get(), "jc_append"));
    if (r && PQresultStatus(r.get()) == PGRES_TUPLES_OK) break;
    absl::Status st = pg_error(conn_.get(), r.get(), cat("append seq ", expected + 1, "..", expected + n));
    if (is_journal_conflict(st)) {
      JICENG_RETURN_IF_ERROR(check_not_frozen());
      return journal_conflict_error(cat(where(), ": another writer appended at seq ", expected + 1,
                                        " first (this handle is at seq ", expected,
                                        "); nothing was written: catch up and re-run the command"));
    }
    if (PQstatus(conn_.get()) == CONNECTION_OK) return st;
    bool not_committed = false;
    absl::StatusOr<AppendResult> decided = decide_ambiguous(expected + 1, expected + n, prev, st, &not_committed);
    if (!not_committed || attempt > 0) return decided;
  }
  last_seq_ = expected + n;
  head_ = prev;
  if (options_.notify) {
    // The hint, after the commit and in a transaction of its own that does not wait for
    // the disk; its result is read before the connection's next use.
    const std::string sql = cat("BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_notify('jc_events_", chain_,
                                "', '", last_seq_, "'); COMMIT;");
    notify_pending_ = PQsendQuery(conn_.get(), sql.c_str()) == 1;
  }
  return AppendResult{expected + 1, expected + n};
}

// A lost race may be a freeze (a move to another server, docs/province.md): that is no
// conflict to retry but a refusal, naming the freeze and, once known, where the chain went.
absl::Status PgJournal::check_not_frozen() const {
  Params p;
  p.int4(static_cast<std::uint32_t>(chain_));
  Result head(p.run(conn_.get(), "jc_head"));
  // Binary results: a boolean is one byte.
  if (!head || PQresultStatus(head.get()) != PGRES_TUPLES_OK || PQntuples(head.get()) != 1 ||
      field(head.get(), 0, 3) != std::string_view("\1", 1)) {
    return absl::OkStatus();
  }
  std::string note;
  const std::string key = cat("frozen.", chain_);
  const char* values[] = {key.c_str()};
  Result r(PQexecParams(conn_.get(), "SELECT value FROM jc_meta WHERE key = $1", 1, nullptr, values, nullptr, nullptr, 0));
  if (r && PQresultStatus(r.get()) == PGRES_TUPLES_OK && PQntuples(r.get()) == 1) note = cat(" (", field(r.get(), 0, 0), ")");
  return absl::FailedPreconditionError(cat(where(), ": the chain is frozen", note,
                                           ": appends are refused while it moves between servers; nothing was written: "
                                           "reopen it where the chain directory points"));
}

// The connection dropped during jc_append: it may or may not have committed. Reconnect
// and read the hash stored at the batch's last seq: this writer's hash means it did.
absl::StatusOr<AppendResult> PgJournal::decide_ambiguous(std::uint64_t first, std::uint64_t last, const ChainHash& mine,
                                                         const absl::Status& cause, bool* not_committed) {
  conn_.reset();
  absl::Status why;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
    why = ensure_connected();
    if (!why.ok()) continue;
    absl::StatusOr<std::optional<ChainHash>> stored = hash_at(conn_.get(), last);
    if (!stored.ok()) {
      why = stored.status();
      continue;
    }
    if (stored->has_value() && **stored == mine) {
      last_seq_ = last;
      head_ = mine;
      return AppendResult{first, last};
    }
    if (stored->has_value()) {
      return journal_conflict_error(cat(where(), ": the connection dropped during the append of seq ", first, "..",
                                        last, " and another writer's rows stand there: nothing of this one was written"));
    }
    *not_committed = true;
    return absl::UnavailableError(cat(where(), ": the connection dropped during the append of seq ", first, "..", last,
                                      " (", cause.message(), "); it did not commit (checked after reconnecting)"));
  }
  damaged_ = absl::FailedPreconditionError(cat(where(), ": an append of seq ", first, "..", last,
                                               " has an unknown outcome (the connection dropped and the database could "
                                               "not be asked since: ", why.message(), "); reopen the journal"));
  return absl::UnavailableError(cat(where(), ": ", cause.message(), "; outcome unknown: ", why.message()));
}

absl::StatusOr<std::optional<ChainHash>> PgJournal::hash_at(PGconn* c, std::uint64_t seq) const {
  Params p;
  p.int4(static_cast<std::uint32_t>(chain_)).int8(seq);
  Result r(p.run(c, "jc_hash_at"));
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) return pg_error(c, r.get(), cat("read the hash of seq ", seq));
  if (PQntuples(r.get()) == 0) return std::optional<ChainHash>();
  ChainHash h{};
  if (!field_hash(r.get(), 0, 0, &h)) return absl::DataLossError(cat(where(), ": seq ", seq, ": malformed hash"));
  return std::optional<ChainHash>(h);
}

absl::Status PgJournal::walk(PGconn* c, std::uint64_t after_seq,
                             const std::function<absl::Status(const StoredRecord&)>* fn,
                             std::map<std::uint64_t, ChainHash>* anchors, Walked* out) const {
  std::uint64_t seq = 0;
  ChainHash prev = genesis_;
  if (anchors != nullptr) {
    auto it = anchors->find(0);
    if (it != anchors->end()) it->second = genesis_;
  }
  for (;;) {
    Params p;
    p.int4(static_cast<std::uint32_t>(chain_)).int8(seq).int8(kPage);
    Result r(p.run(c, "jc_rows"));
    if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) return pg_error(c, r.get(), cat("read rows after seq ", seq));
    const int rows = PQntuples(r.get());
    for (int i = 0; i < rows; ++i) {
      StoredRecord rec;
      rec.seq = field_int8(r.get(), i, 0);
      rec.time = static_cast<Timestamp>(field_int8(r.get(), i, 1));
      rec.type = field(r.get(), i, 2);
      rec.payload = field(r.get(), i, 3);
      if (rec.seq != seq + 1) {
        return absl::DataLossError(cat(where(), ": seq ", seq + 1, " is missing (the next row is seq ", rec.seq, ")"));
      }
      if (!field_hash(r.get(), i, 4, &rec.hash)) {
        return absl::DataLossError(cat(where(), ": seq ", rec.seq, ": malformed hash"));
      }
      const ChainHash want = chain_hash(prev, rec.seq, rec.time, rec.type, rec.payload);
      if (want != rec.hash) {
        return absl::DataLossError(cat(where(), ": seq ", rec.seq, ": hash mismatch: the row's content, or the hash of seq ",
                                       rec.seq - 1, " it chains to, was altered (or the row belongs to another chain)"));
      }
      seq = rec.seq;
      prev = rec.hash;
      if (anchors != nullptr) {
        auto it = anchors->find(seq);
        if (it != anchors->end()) it->second = prev;
      }
      if (fn != nullptr && rec.seq > after_seq) JICENG_RETURN_IF_ERROR((*fn)(rec));
    }
    if (rows < static_cast<int>(kPage)) break;
  }
  Params p;
  p.int4(static_cast<std::uint32_t>(chain_));
  Result head(p.run(c, "jc_head"));
  if (!head || PQresultStatus(head.get()) != PGRES_TUPLES_OK) return pg_error(c, head.get(), "read the head");
  ChainHash head_hash{};
  if (PQntuples(head.get()) != 1) return absl::DataLossError(cat(where(), ": the head row is missing"));
  if (!field_hash(head.get(), 0, 1, &head_hash)) return absl::DataLossError(cat(where(), ": the head row is malformed"));
  const std::uint64_t head_seq = field_int8(head.get(), 0, 0);
  if (head_seq > seq) {
    return absl::DataLossError(cat(where(), ": seq ", seq + 1, " is missing: the head row records seq ", head_seq,
                                   " (the tail was cut)"));
  }
  if (head_seq < seq) {
    return absl::DataLossError(cat(where(), ": seq ", head_seq + 1, ": rows beyond the recorded head seq ", head_seq));
  }
  if (head_hash != prev) {
    return absl::DataLossError(cat(where(), ": seq ", seq, ": hash differs from the one the head records"));
  }
  out->last_seq = seq;
  out->head = prev;
  return absl::OkStatus();
}

absl::Status PgJournal::replay(std::uint64_t after_seq,
                               const std::function<absl::Status(const StoredRecord&)>& fn) const {
  // A connection of its own: the callback holds no journal lock and may even append.
  JICENG_ASSIGN_OR_RETURN(Conn c, connect());
  JICENG_RETURN_IF_ERROR(prepare_statements(c.get()));
  JICENG_RETURN_IF_ERROR(exec(c.get(), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin").status());
  Walked w;
  JICENG_RETURN_IF_ERROR(walk(c.get(), after_seq, &fn, nullptr, &w));
  exec(c.get(), "COMMIT", "commit").IgnoreError();
  auto* self = const_cast<PgJournal*>(this);
  std::lock_guard<std::mutex> lock(self->mu_);
  if (w.last_seq > self->last_seq_) {
    self->last_seq_ = w.last_seq;
    self->head_ = w.head;
  }
  return absl::OkStatus();
}

// The PostgreSQL chain is walked from seq 1 (every row re-hashed, as replay does); the
// anchor is checked against row `seq` on the way.
absl::Status PgJournal::replay_from(std::uint64_t seq, const ChainHash& anchor,
                                    const std::function<absl::Status(const StoredRecord&)>& fn) const {
  auto not_anchored = [&] {
    return absl::DataLossError(cat(where(), ": snapshot at seq ", seq, ": not anchored to the chain hash of seq ", seq));
  };
  if (seq == 0) return anchor == genesis_ ? replay(0, fn) : not_anchored();
  bool anchored = false;
  JICENG_RETURN_IF_ERROR(replay(seq - 1, [&](const StoredRecord& r) -> absl::Status {
    if (r.seq != seq) return fn(r);
    anchored = r.hash == anchor;
    return anchored ? absl::OkStatus() : not_anchored();
  }));
  if (!anchored) return absl::DataLossError(cat(where(), ": snapshot at seq ", seq, ": the event it is anchored to is missing"));
  return absl::OkStatus();
}

absl::StatusOr<ChainReport> PgJournal::verify(bool verify_states) const {
  JICENG_ASSIGN_OR_RETURN(Conn c, connect());
  JICENG_RETURN_IF_ERROR(prepare_statements(c.get()));
  JICENG_RETURN_IF_ERROR(exec(c.get(), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin").status());
  Params p;
  p.int4(static_cast<std::uint32_t>(chain_));
  Result snaps(p.run(c.get(), "jc_snapshots"));
  if (!snaps || PQresultStatus(snaps.get()) != PGRES_TUPLES_OK) return pg_error(c.get(), snaps.get(), "read snapshots");
  std::map<std::uint64_t, ChainHash> anchors;
  const int ns = PQntuples(snaps.get());
  // As the SQLite journal does: unless verify_states is false (the fast mode), the events
  // are applied to a fresh engine during the walk and the state at each snapshot's seq
  // must be the snapshot's (a row rewritten with its digest and row hash recomputed by
  // someone who can write the table fails here, naming its seq).
  std::vector<std::pair<std::uint64_t, std::string>> digests;
  for (int i = 0; i < ns; ++i) {
    anchors.emplace(field_int8(snaps.get(), i, 0), ChainHash{});
    digests.emplace_back(field_int8(snaps.get(), i, 0), sha256_hex(field(snaps.get(), i, 4)));
  }
  journal_internal::StateDeriver deriver(std::move(digests), cat(display_, " chain ", chain_));
  const bool derive_states = verify_states && ns > 0;
  Walked w;
  std::uint64_t events = 0;
  const std::function<absl::Status(const StoredRecord&)> count = [&](const StoredRecord& rec) {
    ++events;
    return derive_states ? deriver.on_record(rec) : absl::OkStatus();
  };
  JICENG_RETURN_IF_ERROR(walk(c.get(), 0, &count, &anchors, &w));
  exec(c.get(), "COMMIT", "commit").IgnoreError();
  for (int i = 0; i < ns; ++i) {
    const std::uint64_t seq = field_int8(snaps.get(), i, 0);
    const Timestamp time = static_cast<Timestamp>(field_int8(snaps.get(), i, 1));
    ChainHash anchor{}, row{};
    if (!field_hash(snaps.get(), i, 2, &anchor) || !field_hash(snaps.get(), i, 5, &row)) {
      return absl::DataLossError(cat(where(), ": snapshot at seq ", seq, ": malformed row"));
    }
    const std::string_view digest = field(snaps.get(), i, 3);
    if (seq > w.last_seq) {
      return absl::DataLossError(cat(where(), ": snapshot at seq ", seq, " lies beyond the last event seq ", w.last_seq));
    }
    const std::string state_digest = sha256_hex(field(snaps.get(), i, 4));
    if (state_digest != digest) {
      return absl::DataLossError(cat(where(), ": snapshot at seq ", seq, ": state digest ", state_digest,
                                     " differs from the recorded ", digest));
    }
    if (anchors[seq] != anchor) {
      return absl::DataLossError(cat(where(), ": snapshot at seq ", seq, ": not anchored to the chain hash of seq ", seq));
    }
    if (snapshot_row_hash(seq, time, anchor, digest) != row) {
      return absl::DataLossError(cat(where(), ": snapshot at seq ", seq, ": row hash mismatch"));
    }
  }
  ChainReport report;
  report.events = events;
  report.last_seq = w.last_seq;
  report.head = w.head;
  report.snapshots = static_cast<std::uint64_t>(ns);
  report.states_derived = deriver.derived();
  if (ns > 0) report.latest_snapshot = field_int8(snaps.get(), ns - 1, 0);
  return report;
}

absl::StatusOr<SnapshotInfo> PgJournal::write_snapshot(std::uint64_t seq, std::string_view state) {
  std::lock_guard<std::mutex> lock(mu_);
  if (options_.read_only) return absl::FailedPreconditionError(cat(where(), ": opened read-only"));
  if (!damaged_.ok()) return damaged_;
  if (seq > last_seq_) {
    return absl::OutOfRangeError(cat(where(), ": snapshot seq ", seq, " is beyond the last event seq ", last_seq_));
  }
  JICENG_RETURN_IF_ERROR(ensure_connected());
  ChainHash anchor = genesis_;
  if (seq == last_seq_) {
    anchor = head_;
  } else if (seq > 0) {
    JICENG_ASSIGN_OR_RETURN(std::optional<ChainHash> h, hash_at(conn_.get(), seq));
    if (!h) return absl::DataLossError(cat(where(), ": seq ", seq, " is missing"));
    anchor = *h;
  }
  SnapshotInfo info;
  info.seq = seq;
  info.time = absl::ToUnixSeconds(absl::Now());
  info.digest = sha256_hex(state);
  info.anchor = anchor;
  const ChainHash row = snapshot_row_hash(seq, info.time, anchor, info.digest);
  Params p;
  p.int4(static_cast<std::uint32_t>(chain_))
      .int8(seq)
      .int8(static_cast<std::uint64_t>(info.time))
      .bytes(hash_view(anchor))
      .bytes(info.digest)
      .bytes(state)
      .bytes(hash_view(row));
  Result r(p.run(conn_.get(), "jc_snapshot_put"));
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    return pg_error(conn_.get(), r.get(), cat("write snapshot at seq ", seq));
  }
  return info;
}

absl::StatusOr<std::optional<Snapshot>> PgJournal::latest_snapshot() const {
  JICENG_ASSIGN_OR_RETURN(Conn c, connect());
  JICENG_RETURN_IF_ERROR(prepare_statements(c.get()));
  JICENG_RETURN_IF_ERROR(exec(c.get(), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin").status());
  Params p;
  p.int4(static_cast<std::uint32_t>(chain_));
  Result head(p.run(c.get(), "jc_head"));
  Result s(p.run(c.get(), "jc_snapshot_latest"));
  if (!head || PQresultStatus(head.get()) != PGRES_TUPLES_OK) return pg_error(c.get(), head.get(), "read the head");
  if (!s || PQresultStatus(s.get()) != PGRES_TUPLES_OK) return pg_error(c.get(), s.get(), "read the latest snapshot");
  if (PQntuples(s.get()) == 0) return std::optional<Snapshot>();
  if (PQntuples(head.get()) != 1) return absl::DataLossError(cat(where(), ": the head row is missing"));
  const std::uint64_t head_seq = field_int8(head.get(), 0, 0);
  Snapshot snap;
  snap.info.seq = field_int8(s.get(), 0, 0);
  snap.info.time = static_cast<Timestamp>(field_int8(s.get(), 0, 1));
  ChainHash anchor{}, row{};
  if (!field_hash(s.get(), 0, 2, &anchor) || !field_hash(s.get(), 0, 5, &row)) {
    return absl::DataLossError(cat(where(), ": snapshot at seq ", snap.info.seq, ": malformed row"));
  }
  snap.info.digest = std::string(field(s.get(), 0, 3));
  snap.state = std::string(field(s.get(), 0, 4));
  const std::uint64_t seq = snap.info.seq;
  if (sha256_hex(snap.state) != snap.info.digest) {
    return absl::DataLossError(cat(where(), ": snapshot at seq ", seq, ": state does not match its digest"));
  }
  if (snapshot_row_hash(seq, snap.info.time, anchor, snap.info.digest) != row) {
    return absl::DataLossError(cat(where(), ": snapshot at seq ", seq, ": row hash mismatch"));
  }
  if (seq > head_seq) {
    return absl::DataLossError(cat(where(), ": snapshot at seq ", seq, " lies beyond the last event seq ", head_seq));
  }
  ChainHash at = genesis_;
  if (seq > 0) {
    JICENG_ASSIGN_OR_RETURN(std::optional<ChainHash> h, hash_at(c.get(), seq));
    if (!h) return absl::DataLossError(cat(where(), ": snapshot at seq ", seq, ": the event it is anchored to is missing"));
    at = *h;
  }
  exec(c.get(), "COMMIT", "commit").IgnoreError();
  if (at != anchor) {
    return absl::DataLossError(cat(where(), ": snapshot at seq ", seq, ": not anchored to the chain hash of seq ", seq));
  }
  snap.info.anchor = anchor;
  return std::optional<Snapshot>(std::move(snap));
}

absl::StatusOr<std::uint64_t> PgJournal::snapshot_count() const {
  auto* self = const_cast<PgJournal*>(this);
  std::lock_guard<std::mutex> lock(self->mu_);
  JICENG_RETURN_IF_ERROR(self->ensure_connected());
  Params p;
  p.int4(static_cast<std::uint32_t>(chain_));
  Result r(p.run(conn_.get(), "jc_snapshot_count"));
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) return pg_error(conn_.get(), r.get(), "count snapshots");
  return field_int8(r.get(), 0, 0);
}

absl::StatusOr<std::uint64_t> PgJournal::tail(std::uint64_t after_seq, std::size_t max,
                                              const std::function<absl::Status(const StoredRecord&)>& fn) {
  // The rows are verified under the lock and handed to `fn` after it, as views into the
  // result (kept alive here): no copy of a type or payload per row.
  Result r;
  std::vector<ChainHash> hashes;
  int n = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (after_seq != last_seq_) {
      return absl::FailedPreconditionError(cat(where(), ": tail after seq ", after_seq, " but this handle is at seq ",
                                               last_seq_, "; engine and journal are out of step"));
    }
    Params p;
    p.int4(static_cast<std::uint32_t>(chain_)).int8(after_seq).int8(max);
    // A session dropped while idle shows only now: reading is safe to repeat, once.
    for (int attempt = 0; attempt < 2; ++attempt) {
      JICENG_RETURN_IF_ERROR(ensure_connected());
      r.reset(p.run(conn_.get(), "jc_rows"));
      if (r && PQresultStatus(r.get()) == PGRES_TUPLES_OK) break;
      absl::Status st = pg_error(conn_.get(), r.get(), cat("read rows after seq ", after_seq));
      if (attempt > 0 || PQstatus(conn_.get()) == CONNECTION_OK) return st;
      conn_.reset();
    }
    // By the prefix property (a chain's committed rows are always 1..K), `seq > last`
    // never passes over a row that commits later: each row must be the next one.
    ChainHash prev = head_;
    std::uint64_t seq = after_seq;
    n = PQntuples(r.get());
    hashes.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      const std::uint64_t row_seq = field_int8(r.get(), i, 0);
      const auto time = static_cast<Timestamp>(field_int8(r.get(), i, 1));
      if (row_seq != seq + 1) {
        return absl::DataLossError(cat(where(), ": seq ", seq + 1, " is missing (the next row is seq ", row_seq, ")"));
      }
      ChainHash& h = hashes[static_cast<std::size_t>(i)];
      if (!field_hash(r.get(), i, 4, &h) ||
          hasher_.chain(prev, row_seq, time, field(r.get(), i, 2), field(r.get(), i, 3)) != h) {
        return absl::DataLossError(cat(where(), ": seq ", row_seq, ": hash mismatch: the row's content, or the hash of seq ",
                                       row_seq - 1, " it chains to, was altered"));
      }
      prev = h;
      seq = row_seq;
    }
  }
  std::uint64_t done = 0;
  for (int i = 0; i < n; ++i) {
    const ChainHash& h = hashes[static_cast<std::size_t>(i)];
    const std::uint64_t row_seq = field_int8(r.get(), i, 0);
    StoredRecord rec{row_seq, static_cast<Timestamp>(field_int8(r.get(), i, 1)), field(r.get(), i, 2),
                     field(r.get(), i, 3), h};
    JICENG_RETURN_IF_ERROR(fn(rec));
    std::lock_guard<std::mutex> lock(mu_);
    if (last_seq_ + 1 == row_seq) {
      last_seq_ = row_seq;
      head_ = h;
    }
    ++done;
  }
  return done;
}

absl::StatusOr<bool> PgJournal::wait_for_append(absl::Duration timeout) {
  std::lock_guard<std::mutex> lock(listen_mu_);
  if (!listen_ || PQstatus(listen_.get()) != CONNECTION_OK) {
    // (Re)connected: hints sent meanwhile are lost, so report one and let the caller poll.
    listen_.reset();
    absl::StatusOr<Conn> c = connect(/*listen=*/true);
    if (!c.ok()) {
      absl::SleepFor(timeout);
      return c.status();
    }
    listen_ = std::move(*c);
    return true;
  }
  PGconn* c = listen_.get();
  bool woken = false;
  const auto take = [&] {
    while (PGnotify* n = PQnotifies(c)) {
      woken = true;
      PQfreemem(n);
    }
  };
  take();
  if (woken) return true;
  pollfd pfd{PQsocket(c), POLLIN, 0};
  const int ms = static_cast<int>(std::max<std::int64_t>(0, absl::ToInt64Milliseconds(timeout)));
  const int rc = ::poll(&pfd, 1, ms);
  if (rc > 0) {
    if (PQconsumeInput(c) == 0) {
      listen_.reset();  // dropped: reconnect next time
      return true;
    }
    take();
  }
  return woken;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Journal>> open_postgres_journal(const std::string& uri, const JournalOptions& options) {
  return PgJournal::open(uri, options);
}

#endif  // JICENG_HAVE_LIBPQ

}  // namespace internal
}  // namespace jiceng
