// The SQLite event store behind jiceng::Journal: schema, group-commit append, the
// SHA-256 hash chain (OpenSSL EVP, one reused context), verification and snapshots.
#include "jiceng/journal.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/strings.hpp"
#include "journal/hasher.hpp"
#include "journal/mac.hpp"
#include "journal/pg_journal.hpp"
#include "journal/state_check.hpp"

namespace jiceng {
namespace {

constexpr std::string_view kFormat = "jiceng-journal/2";
constexpr std::size_t kMaxTypeLength = 64;
// Rows per INSERT statement in append, largest first (5 parameters a row, far under
// SQLite's limit): a batch is written through the largest that fits, then smaller ones.
constexpr std::array<std::size_t, 3> kInsertSizes = {100, 10, 1};
constexpr std::size_t kRowsPerInsert = kInsertSizes[0];

using journal_internal::Hasher;
using journal_internal::kSnapshotTag;
using journal_internal::put_be32;
using journal_internal::put_be64;
using journal_internal::sha256_md;

const char* sqlite_code_name(int rc) {
  switch (rc & 0xff) {
    case SQLITE_ERROR: return "SQLITE_ERROR";
    case SQLITE_INTERNAL: return "SQLITE_INTERNAL";
    case SQLITE_PERM: return "SQLITE_PERM";
    case SQLITE_ABORT: return "SQLITE_ABORT";
    case SQLITE_BUSY: return "SQLITE_BUSY";
    case SQLITE_LOCKED: return "SQLITE_LOCKED";
    case SQLITE_NOMEM: return "SQLITE_NOMEM";
    case SQLITE_READONLY: return "SQLITE_READONLY";
    case SQLITE_INTERRUPT: return "SQLITE_INTERRUPT";
    case SQLITE_IOERR: return "SQLITE_IOERR";
    case SQLITE_CORRUPT: return "SQLITE_CORRUPT";
    case SQLITE_NOTFOUND: return "SQLITE_NOTFOUND";
    case SQLITE_FULL: return "SQLITE_FULL";
    case SQLITE_CANTOPEN: return "SQLITE_CANTOPEN";
    case SQLITE_PROTOCOL: return "SQLITE_PROTOCOL";
    case SQLITE_SCHEMA: return "SQLITE_SCHEMA";
    case SQLITE_TOOBIG: return "SQLITE_TOOBIG";
    case SQLITE_CONSTRAINT: return "SQLITE_CONSTRAINT";
    case SQLITE_MISMATCH: return "SQLITE_MISMATCH";
    case SQLITE_MISUSE: return "SQLITE_MISUSE";
    case SQLITE_AUTH: return "SQLITE_AUTH";
    case SQLITE_NOTADB: return "SQLITE_NOTADB";
    default: return "SQLITE_?";
  }
}

// --- the durable head record (<path>-head) -------------------------------------------------
// SQLite keeps committed transactions in the -wal file until a checkpoint copies them into
// the database file. Delete the -wal after a crash and those acknowledged events are gone
// without a trace: the file alone is a consistent, shorter journal (its own head row moved
// back with it). So after every commit the journal also writes the new head (seq and chain
// hash) into a small file beside it, outside the WAL, fsynced like the WAL (SyncMode::kFull).
// A head record ahead of the file means acknowledged events are missing.
// Two slots (offsets 0 and 512, by seq parity), each with a checksum, so that a torn write
// leaves the other, older record readable; the newest valid slot wins.
constexpr std::string_view kHeadMagic = "jiceng-head/1";
constexpr std::size_t kHeadSlot = 512;
constexpr std::size_t kHeadRecord = 16 + 8 + 32 + 8;

struct HeadRecord {
  std::uint64_t seq = 0;
  ChainHash hash{};
};

std::string head_record_path(const std::string& journal) { return journal + "-head"; }

void head_checksum(const std::uint8_t* rec, std::uint8_t* out8) {
  std::uint8_t d[32];
  unsigned int n = 0;
  EVP_Digest(rec, 56, d, &n, sha256_md(), nullptr);
  std::memcpy(out8, d, 8);
}

// The newest valid record, or nullopt when there is no file or no valid slot.
std::optional<HeadRecord> read_head_record(const std::string& journal) {
  const int fd = ::open(head_record_path(journal).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<HeadRecord> best;
  for (std::size_t slot = 0; slot < 2; ++slot) {
    std::uint8_t b[kHeadRecord];
    if (::pread(fd, b, sizeof b, static_cast<off_t>(slot * kHeadSlot)) != static_cast<ssize_t>(sizeof b)) continue;
    std::uint8_t sum[8];
    head_checksum(b, sum);
    if (std::memcmp(b, kHeadMagic.data(), kHeadMagic.size()) != 0 || std::memcmp(b + 56, sum, 8) != 0) continue;
    HeadRecord r;
    for (int i = 0; i < 8; ++i) r.seq = (r.seq << 8) | b[16 + i];
    std::memcpy(r.hash.data(), b + 24, 32);
    if (!best || r.seq > best->seq) best = r;
  }
  ::close(fd);
  return best;
}

// Writes `r` into its slot. Best effort: the commit it follows is durable already, so a
// failure here is not the command's failure; it only narrows what can be detected.
void write_head_record(int fd, const HeadRecord& r, bool sync) {
  if (fd < 0) return;
  std::uint8_t b[kHeadRecord] = {};
  std::memcpy(b, kHeadMagic.data(), kHeadMagic.size());
  put_be64(b + 16, r.seq);
  std::memcpy(b + 24, r.hash.data(), 32);
  head_checksum(b, b + 56);
  if (::pwrite(fd, b, sizeof b, static_cast<off_t>((r.seq % 2) * kHeadSlot)) == static_cast<ssize_t>(sizeof b) &&
      sync) {
    ::fdatasync(fd);
  }
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Maps a SQLite result code to a canonical absl code, with the path, what was being
// done and SQLite's own message.
absl::Status sqlite_status(sqlite3* db, int rc, const std::string& path, std::string_view what) {
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string msg = absl::StrCat("journal ", path, ": ", internal::av(what), ": ", detail, " (",
                                 sqlite_code_name(rc), ")");
  switch (rc & 0xff) {
    case SQLITE_FULL:
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
      return absl::ResourceExhaustedError(msg);
    case SQLITE_READONLY:
      return absl::FailedPreconditionError(msg);
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return absl::PermissionDeniedError(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_PROTOCOL:
    case SQLITE_INTERRUPT:
      return absl::UnavailableError(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(msg);
    case SQLITE_CANTOPEN:
      return file_exists(path) ? absl::UnavailableError(msg) : absl::NotFoundError(msg);
    default:
      return absl::InternalError(msg);
  }
}

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

// Resets a statement (and its bindings) when a scope ends, whatever the outcome.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* s) : s_(s) {}
  ~ResetOnExit() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite3_stmt* s_;
};

std::string_view column_bytes(sqlite3_stmt* s, int col) {
  const void* p = sqlite3_column_blob(s, col);
  const int n = sqlite3_column_bytes(s, col);
  if (p == nullptr || n <= 0) return {};
  return {static_cast<const char*>(p), static_cast<std::size_t>(n)};
}

std::string_view column_text(sqlite3_stmt* s, int col) {
  const unsigned char* p = sqlite3_column_text(s, col);
  const int n = sqlite3_column_bytes(s, col);
  if (p == nullptr || n <= 0) return {};
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)};
}

bool column_hash(sqlite3_stmt* s, int col, ChainHash* out) {
  std::string_view b = column_bytes(s, col);
  if (b.size() != out->size()) return false;
  std::memcpy(out->data(), b.data(), out->size());
  return true;
}

absl::Status check_type(std::string_view type, std::size_t index) {
  if (type.empty() || type.size() > kMaxTypeLength) {
    return absl::InvalidArgumentError(absl::StrCat("journal record ", index, ": type '", internal::av(type),
                                                   "' must be 1..", kMaxTypeLength, " bytes"));
  }
  for (char c : type) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) {
      return absl::InvalidArgumentError(absl::StrCat(
          "journal record ", index, ": type '", internal::av(type), "' may use only a-z, 0-9, '_' and '.'"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

struct Journal::Impl {
  std::string path;
  JournalOptions options;
  sqlite3* db = nullptr;
  // Read as an immutable file (read-only media: see open_connection); readers follow.
  bool immutable = false;

  // std::mutex rather than absl::Mutex: ThreadSanitizer sees pthread locks even when
  // Abseil itself was built without instrumentation (as Debian's is).
  mutable std::mutex mu;  // guards everything below and the connection
  mutable Hasher hasher;
  std::uint64_t last_seq = 0;
  ChainHash head{};
  // Not OK when open found the head row and the last event disagreeing, or a COMMIT
  // failed with an outcome that cannot be known; appends refuse while it is set.
  absl::Status damaged;
  // The durable head record beside the file: written after each commit (writable
  // handles), and as read just before the current read transaction began (begin_read_txn:
  // before its snapshot, so it never claims more than the snapshot holds).
  int head_fd = -1;
  std::optional<HeadRecord> durable_head;
  bool created = false;  // open_schema made a new journal: a head record beside it is stale
  bool existed = false;  // the database file was there before open
  // The journal carries MACs under options.mac_key (checked at open: the key is its key).
  bool keyed = false;

  std::array<Stmt, kInsertSizes.size()> inserts;  // one per kInsertSizes entry
  Stmt begin_write, begin_read, commit, rollback, select_head, update_head, select_all,
      select_tail, select_hash_at, select_from, insert_snapshot, select_latest_snapshot, select_snapshots,
      count_snapshots;
  Stmt select_mac_head, update_mac_head, insert_mac_snapshot, select_mac_snapshot;  // keyed only

  ~Impl() {
    // Statements first, then the connection (sqlite3_close refuses with live statements).
    for (Stmt& s : inserts) s.reset();
    for (Stmt* s : {&begin_write, &begin_read, &commit, &rollback, &select_head,
                    &update_head, &select_all, &select_tail, &select_hash_at, &select_from, &insert_snapshot,
                    &select_latest_snapshot, &select_snapshots, &count_snapshots, &select_mac_head,
                    &update_mac_head, &insert_mac_snapshot, &select_mac_snapshot}) {
      s->reset();
    }
    if (db != nullptr) sqlite3_close(db);
    if (head_fd >= 0) ::close(head_fd);
    if (!options.mac_key.empty()) OPENSSL_cleanse(options.mac_key.data(), options.mac_key.size());
  }

  // Keyed journals: DATA_LOSS unless the stored head MAC is the MAC of (seq, hash), read in
  // the current transaction.
  absl::Status check_head_mac(std::uint64_t seq, const ChainHash& hash) const {
    sqlite3_stmt* s = select_mac_head.get();
    ResetOnExit reset(s);
    const int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return error(rc, "read the head's MAC");
    ChainHash mac{};
    if (rc == SQLITE_DONE || !column_hash(s, 1, &mac)) {
      return absl::DataLossError(absl::StrCat("journal ", path, ": seq ", seq,
                                              ": the head's MAC is missing or malformed (the journal is keyed)"));
    }
    const std::int64_t at = sqlite3_column_int64(s, 0);
    if (at < 0 || static_cast<std::uint64_t>(at) != seq ||
        !journal_internal::mac_equal(mac, journal_internal::mac_head(options.mac_key, seq, hash))) {
      return absl::DataLossError(absl::StrCat(
          "journal ", path, ": seq ", seq, ": the head's MAC does not match the head (its MAC is for seq ", at,
          "): the events or the head were rewritten by someone without the key"));
    }
    return absl::OkStatus();
  }

  // Keyed journals: DATA_LOSS unless the snapshot at `seq` has its MAC.
  absl::Status check_snapshot_mac(std::uint64_t seq, Timestamp time, const ChainHash& anchor,
                                  std::string_view digest) const {
    sqlite3_stmt* s = select_mac_snapshot.get();
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(seq));
    const int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return error(rc, absl::StrCat("read the MAC of the snapshot at seq ", seq));
    ChainHash mac{};
    if (rc == SQLITE_DONE || !column_hash(s, 0, &mac)) {
      return absl::DataLossError(absl::StrCat("journal ", path, ": snapshot at seq ", seq,
                                              ": its MAC is missing or malformed (the journal is keyed)"));
    }
    if (!journal_internal::mac_equal(mac, journal_internal::mac_snapshot(options.mac_key, seq, time, anchor, digest))) {
      return absl::DataLossError(absl::StrCat("journal ", path, ": snapshot at seq ", seq,
                                              ": its MAC does not match: the snapshot was rewritten by someone "
                                              "without the key"));
    }
    return absl::OkStatus();
  }

  // DATA_LOSS when the durable head record claims events this read snapshot does not hold
  // (seq `last` with chain hash `at_seq(s)` for s <= last).
  absl::Status check_durable_head(std::uint64_t last, const std::function<std::optional<ChainHash>(std::uint64_t)>& at_seq) const {
    if (!durable_head) return absl::OkStatus();
    const HeadRecord& h = *durable_head;
    if (h.seq > last) {
      return absl::DataLossError(absl::StrCat(
          "journal ", path, ": seq ", last + 1, " is missing: events up to seq ", h.seq,
          " were acknowledged (the head record ", head_record_path(path), " says so) but the journal ends at seq ",
          last, "; its -wal file, which held them, was probably deleted after a crash, or the file was replaced "
          "by an older copy. Put the -wal back (or restore a backup); to accept the loss, remove ",
          head_record_path(path)));
    }
    const std::optional<ChainHash> hash = at_seq(h.seq);
    if (hash.has_value() && *hash != h.hash) {
      return absl::DataLossError(absl::StrCat("journal ", path, ": seq ", h.seq,
                                              ": the chain hash differs from the one acknowledged (head record ",
                                              head_record_path(path), "): the history was rewritten"));
    }
    return absl::OkStatus();
  }

  absl::Status error(int rc, std::string_view what) const { return sqlite_status(db, rc, path, what); }

  absl::Status exec(const char* sql, std::string_view what) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) return error(rc, what);
    return absl::OkStatus();
  }

  absl::Status prepare(Stmt* out, const char* sql) {
    sqlite3_stmt* s = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (rc != SQLITE_OK) return error(rc, absl::StrCat("prepare \"", sql, "\""));
    out->reset(s);
    return absl::OkStatus();
  }

  // Runs a statement that returns no rows (BEGIN, COMMIT, …).
  int run(sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? SQLITE_DONE : rc;
  }

  void rollback_if_open() {
    if (sqlite3_get_autocommit(db) == 0) run(rollback.get());
  }

  // Reads the head row inside the current transaction.
  absl::Status read_head(std::uint64_t* seq, ChainHash* hash) {
    ResetOnExit reset(select_head.get());
    const int rc = sqlite3_step(select_head.get());
    if (rc == SQLITE_DONE) {
      return absl::DataLossError(absl::StrCat("journal ", path, ": the head row is missing"));
    }
    if (rc != SQLITE_ROW) return error(rc, "read head");
    const std::int64_t s = sqlite3_column_int64(select_head.get(), 0);
    if (s < 0 || !column_hash(select_head.get(), 1, hash)) {
      return absl::DataLossError(absl::StrCat("journal ", path, ": the head row is malformed"));
    }
    *seq = static_cast<std::uint64_t>(s);
    return absl::OkStatus();
  }

  // Reads the last event row; seq 0 and zero hash when there are none.
  absl::Status read_tail(std::uint64_t* seq, ChainHash* hash) {
    ResetOnExit reset(select_tail.get());
    const int rc = sqlite3_step(select_tail.get());
    if (rc == SQLITE_DONE) {
      *seq = 0;
      *hash = ChainHash{};
      return absl::OkStatus();
    }
    if (rc != SQLITE_ROW) return error(rc, "read last event");
    const std::int64_t s = sqlite3_column_int64(select_tail.get(), 0);
    if (s <= 0 || !column_hash(select_tail.get(), 1, hash)) {
      return absl::DataLossError(
          absl::StrCat("journal ", path, ": seq ", s, ": malformed last event row"));
    }
    *seq = static_cast<std::uint64_t>(s);
    return absl::OkStatus();
  }

  absl::Status open_connection(int flags);
  absl::Status open_schema();
  std::string keyed_schema() const;
  absl::Status check_key();
  absl::Status prepare_keyed() {
    JICENG_RETURN_IF_ERROR(prepare(&select_mac_head, "SELECT seq, mac FROM mac_head WHERE id = 1"));
    return prepare(&select_mac_snapshot, "SELECT mac FROM mac_snapshots WHERE seq = ?");
  }
  absl::StatusOr<std::unique_ptr<Impl>> open_reader() const;
  absl::Status begin_read_txn() {
    durable_head = read_head_record(path);  // before the snapshot starts (BEGIN is deferred)
    const int rc = run(begin_read.get());
    return rc == SQLITE_DONE ? absl::OkStatus() : error(rc, "begin read");
  }
  void end_read_txn() { run(commit.get()); }
  // Walks the chain in the current read transaction from seq 1, or (`from` set) from a
  // trusted point: the stored hash of row from->first must be from->second, and the walk
  // goes on from there.
  absl::Status walk(std::uint64_t after_seq,
                    const std::function<absl::Status(const StoredRecord&)>* fn,
                    std::map<std::uint64_t, ChainHash>* anchors, ChainReport* report,
                    const std::pair<std::uint64_t, ChainHash>* from = nullptr);
  // replay() and replay_from(): a walk through a reader of its own, after which this
  // handle's last_seq and head move to where the walk ended.
  absl::Status replay_walk(std::uint64_t after_seq, const std::function<absl::Status(const StoredRecord&)>& fn,
                           const std::pair<std::uint64_t, ChainHash>* from);
};

namespace {

/// `path` as the path part of an SQLite URI: every byte but unreserved ones and '/'
/// percent-encoded, so '?', '#' and '%' in a file name stay part of it.
std::string uri_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string o;
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '.' ||
        c == '-' || c == '_' || c == '~') {
      o += ch;
    } else {
      o += '%';
      o += kHex[c >> 4];
      o += kHex[c & 0xF];
    }
  }
  return o;
}

}  // namespace

// Opens the connection. In WAL mode even a reader needs the -shm file; on read-only media
// (an auditor's copy on a read-only mount, or in a directory it may not write) that file
// can be neither created nor written, and the first read fails with SQLITE_READONLY. Such
// a journal is then read as an immutable file (no locks, no -shm): exact when no -wal
// holds transactions, as the file is then the whole journal. A non-empty -wal beside it is
// refused rather than read around: its events would silently be missing.
absl::Status Journal::Impl::open_connection(int flags) {
  const bool read_only = (flags & SQLITE_OPEN_READONLY) != 0;
  absl::Status first;  // why the ordinary open failed, when it did
  if (!immutable) {
    int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc == SQLITE_OK) {
      sqlite3_extended_result_codes(db, 1);
      if (!read_only) return absl::OkStatus();
      rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
      if (rc == SQLITE_OK) return absl::OkStatus();
    }
    if (!read_only || ((rc & 0xFF) != SQLITE_READONLY && (rc & 0xFF) != SQLITE_CANTOPEN)) {
      return error(rc, "open");
    }
    first = error(rc, "open read-only");
    sqlite3_close(db);
    db = nullptr;
    std::error_code ec;
    const std::uintmax_t wal = std::filesystem::file_size(path + "-wal", ec);
    if (!ec && wal > 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "journal ", path, ": cannot be read where it lies: its write-ahead log ", path, "-wal (", wal,
          " bytes) needs a ", path, "-shm file that cannot be created here (read-only media?), and the journal "
          "without its log would miss events. Copy the journal with its -wal to writable storage, or checkpoint "
          "it before copying (", first.message(), ")"));
    }
  }
  const std::string uri = absl::StrCat("file:", uri_path(path), "?immutable=1");
  int rc = sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_extended_result_codes(db, 1);
    rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
  }
  if (rc != SQLITE_OK) {
    // Not read-only media after all (say, a file this process may not read): the ordinary
    // open's error is the one that explains it.
    return first.ok() ? error(rc, "open read-only (as an immutable file)") : first;
  }
  immutable = true;
  return absl::OkStatus();
}

absl::Status Journal::Impl::open_schema() {
  // What is in the file already? An empty file becomes a journal; a foreign database is
  // refused rather than written into.
  Stmt probe;
  JICENG_RETURN_IF_ERROR(prepare(&probe,
      "SELECT (SELECT count(*) FROM sqlite_schema),"
      " (SELECT count(*) FROM sqlite_schema WHERE type='table' AND name='meta')"));
  int rc = sqlite3_step(probe.get());
  if (rc != SQLITE_ROW) return error(rc, "read schema");
  const std::int64_t objects = sqlite3_column_int64(probe.get(), 0);
  const bool has_meta = sqlite3_column_int64(probe.get(), 1) != 0;
  probe.reset();

  if (objects == 0) {
    // An empty database where a journal had acknowledged events: its -wal, holding every
    // commit since the file was made, is gone. Refused before anything is written.
    if (existed) {
      durable_head = read_head_record(path);
      if (durable_head && durable_head->seq > 0) {
        return check_durable_head(0, [](std::uint64_t) { return std::optional<ChainHash>(); });
      }
    }
    if (options.read_only) {
      return absl::FailedPreconditionError(
          absl::StrCat("journal ", path, ": empty database, not a jiceng journal (opened read-only)"));
    }
    JICENG_RETURN_IF_ERROR(exec("PRAGMA journal_mode=WAL", "set WAL mode"));
    const std::string schema = absl::StrCat(
        "BEGIN IMMEDIATE;"
        "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
        " type TEXT NOT NULL, payload BLOB NOT NULL, hash BLOB NOT NULL);"
        "CREATE TABLE IF NOT EXISTS head(id INTEGER PRIMARY KEY CHECK (id = 1),"
        " seq INTEGER NOT NULL, hash BLOB NOT NULL);"
        "CREATE TABLE IF NOT EXISTS snapshots(seq INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
        " anchor BLOB NOT NULL, digest TEXT NOT NULL, state BLOB NOT NULL, hash BLOB NOT NULL);"
        "INSERT OR IGNORE INTO meta VALUES('format', '", internal::av(kFormat), "');"
        "INSERT OR IGNORE INTO head VALUES(1, 0, zeroblob(32));",
        options.mac_key.empty() ? std::string() : keyed_schema(),
        "COMMIT;");
    JICENG_RETURN_IF_ERROR(exec(schema.c_str(), "create schema"));
    created = true;
  } else if (!has_meta) {
    return absl::FailedPreconditionError(absl::StrCat(
        "journal ", path, ": not a jiceng journal (the database has no 'meta' table)"));
  } else if (!options.read_only) {
    JICENG_RETURN_IF_ERROR(exec("PRAGMA journal_mode=WAL", "set WAL mode"));
  }

  Stmt format;
  JICENG_RETURN_IF_ERROR(prepare(&format, "SELECT value FROM meta WHERE key='format'"));
  rc = sqlite3_step(format.get());
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return error(rc, "read format");
  const std::string found = rc == SQLITE_ROW ? std::string(column_text(format.get(), 0)) : "";
  if (found != kFormat) {
    return absl::FailedPreconditionError(absl::StrCat("journal ", path, ": format '", found,
                                                      "' is not '", internal::av(kFormat), "'"));
  }
  return check_key();
}

// The tables and rows that make a new journal keyed, inside open_schema's transaction:
// the scheme, the key check and the MAC of the empty head.
std::string Journal::Impl::keyed_schema() const {
  const ChainHash check = journal_internal::mac_key_check(options.mac_key);
  const ChainHash head0 = journal_internal::mac_head(options.mac_key, 0, ChainHash{});
  return absl::StrCat(
      "CREATE TABLE IF NOT EXISTS mac_head(id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,"
      " mac BLOB NOT NULL);"
      "CREATE TABLE IF NOT EXISTS mac_snapshots(seq INTEGER PRIMARY KEY, mac BLOB NOT NULL);"
      "INSERT OR IGNORE INTO meta VALUES('mac', '", internal::av(journal_internal::kMacScheme), "');"
      "INSERT OR IGNORE INTO meta VALUES('mac_check', '", to_hex(check), "');"
      "INSERT OR IGNORE INTO mac_head VALUES(1, 0, X'", to_hex(head0), "');");
}

// Whether the journal is keyed, and whether the options' key is its key. Runs before open
// writes anything to an existing journal, so a refused open changes nothing.
absl::Status Journal::Impl::check_key() {
  Stmt meta;
  JICENG_RETURN_IF_ERROR(prepare(&meta, "SELECT key, value FROM meta WHERE key IN ('mac', 'mac_check')"));
  std::string scheme, check;
  int rc;
  while ((rc = sqlite3_step(meta.get())) == SQLITE_ROW) {
    (column_text(meta.get(), 0) == "mac" ? scheme : check) = std::string(column_text(meta.get(), 1));
  }
  if (rc != SQLITE_DONE) return error(rc, "read the MAC scheme");
  const bool has_key = !options.mac_key.empty();
  if (scheme.empty()) {
    if (!has_key) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "journal ", path, ": a MAC key was given but the journal holds no MAC: it was written without a key (or "
        "its MACs were removed), and a key cannot vouch for events written without one; open it without a key"));
  }
  if (scheme != journal_internal::kMacScheme) {
    return absl::FailedPreconditionError(absl::StrCat("journal ", path, ": MAC scheme '", scheme, "' is not '",
                                                      internal::av(journal_internal::kMacScheme), "'"));
  }
  if (!has_key) {
    return absl::FailedPreconditionError(absl::StrCat(
        "journal ", path, ": the journal is keyed (", scheme,
        "): open it with its key (JournalOptions::mac_key; jiceng verify|replay|snapshot --key-file FILE)"));
  }
  if (check != to_hex(journal_internal::mac_key_check(options.mac_key))) {
    return absl::PermissionDeniedError(absl::StrCat(
        "journal ", path, ": the MAC key is not this journal's key (the key check in its meta table differs)"));
  }
  keyed = true;
  return absl::OkStatus();
}

// A private read-only connection to the same file. Walks (replay, verify) run on it so
// that their callbacks never hold the journal's mutex (a replay callback takes the
// Engine's lock; commands take the Engine's lock and then the journal's) and appends on
// the main connection are not blocked by a long walk (WAL readers do not block writers).
absl::StatusOr<std::unique_ptr<Journal::Impl>> Journal::Impl::open_reader() const {
  auto r = std::make_unique<Impl>();
  r->path = path;
  r->options = options;
  r->options.read_only = true;
  r->immutable = immutable;
  r->keyed = keyed;
  JICENG_RETURN_IF_ERROR(r->open_connection(SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX));
  sqlite3_busy_timeout(r->db, options.busy_timeout_ms);
  JICENG_RETURN_IF_ERROR(r->prepare(&r->begin_read, "BEGIN"));
  JICENG_RETURN_IF_ERROR(r->prepare(&r->commit, "COMMIT"));
  JICENG_RETURN_IF_ERROR(r->prepare(&r->select_head, "SELECT seq, hash FROM head WHERE id = 1"));
  JICENG_RETURN_IF_ERROR(r->prepare(
      &r->select_all, "SELECT seq, time, type, payload, hash FROM events ORDER BY seq"));
  JICENG_RETURN_IF_ERROR(r->prepare(
      &r->select_from, "SELECT seq, time, type, payload, hash FROM events WHERE seq >= ? ORDER BY seq"));
  JICENG_RETURN_IF_ERROR(r->prepare(
      &r->select_snapshots, "SELECT seq, time, anchor, digest, state, hash FROM snapshots ORDER BY seq"));
  if (r->keyed) JICENG_RETURN_IF_ERROR(r->prepare_keyed());
  return r;
}

absl::Status Journal::Impl::walk(std::uint64_t after_seq,
                                 const std::function<absl::Status(const StoredRecord&)>* fn,
                                 std::map<std::uint64_t, ChainHash>* anchors,
                                 ChainReport* report,
                                 const std::pair<std::uint64_t, ChainHash>* from) {
  // The caller holds a read transaction: rows and head row come from one snapshot.
  int rc = SQLITE_OK;
  const bool from_anchor = from != nullptr && from->first > 0;
  sqlite3_stmt* s = from_anchor ? select_from.get() : select_all.get();
  ResetOnExit reset(s);
  ChainHash prev{};
  std::uint64_t expected = 1;
  StoredRecord rec;
  std::optional<ChainHash> durable_hash;  // the chain hash at the durable head record's seq
  if (anchors != nullptr) {
    auto it = anchors->find(0);
    if (it != anchors->end()) it->second = ChainHash{};
  }
  if (from != nullptr && from->first == 0 && from->second != ChainHash{}) {
    return absl::DataLossError(
        absl::StrCat("journal ", path, ": snapshot at seq 0: not anchored to the chain hash of seq 0"));
  }
  if (from_anchor) {
    // The anchor row: its stored hash is trusted (rows up to it are verify()'s to re-hash)
    // and must be the snapshot's anchor; the chain is checked from there on.
    sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(from->first));
    rc = sqlite3_step(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return error(rc, absl::StrCat("read seq ", from->first));
    if (rc == SQLITE_DONE || sqlite3_column_int64(s, 0) != static_cast<sqlite3_int64>(from->first)) {
      return absl::DataLossError(absl::StrCat("journal ", path, ": snapshot at seq ", from->first,
                                              ": the event it is anchored to is missing"));
    }
    if (!column_hash(s, 4, &prev) || prev != from->second) {
      return absl::DataLossError(absl::StrCat("journal ", path, ": snapshot at seq ", from->first,
                                              ": not anchored to the chain hash of seq ", from->first,
                                              " (the snapshot's anchor differs from the row's hash)"));
    }
    if (durable_head && durable_head->seq == from->first) durable_hash = prev;
    expected = from->first + 1;
  }
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const std::int64_t raw_seq = sqlite3_column_int64(s, 0);
    if (raw_seq <= 0 || static_cast<std::uint64_t>(raw_seq) < expected) {
      return absl::DataLossError(absl::StrCat("journal ", path, ": seq ", expected,
                                              ": unexpected row with seq ", raw_seq));
    }
    if (static_cast<std::uint64_t>(raw_seq) != expected) {
      return absl::DataLossError(absl::StrCat("journal ", path, ": seq ", expected,
                                              " is missing (the next row is seq ", raw_seq,
                                              "): events were deleted"));
    }
    rec.seq = expected;
    rec.time = sqlite3_column_int64(s, 1);
    rec.type = column_text(s, 2);
    rec.payload = column_bytes(s, 3);
    // The row stores only its own hash; the link to seq-1 is that this hash was
    // computed over seq-1's. An edited, moved or forged row fails here or at the next seq.
    if (!column_hash(s, 4, &rec.hash) ||
        hasher.chain(prev, rec.seq, rec.time, rec.type, rec.payload) != rec.hash) {
      return absl::DataLossError(absl::StrCat(
          "journal ", path, ": seq ", expected,
          ": hash mismatch: the row's content, or the hash of seq ", expected - 1,
          " it chains to, was altered (history was edited, reordered or deleted)"));
    }
    if (fn != nullptr && rec.seq > after_seq) {
      absl::Status st = (*fn)(rec);
      if (!st.ok()) return st;
    }
    if (anchors != nullptr) {
      auto it = anchors->find(rec.seq);
      if (it != anchors->end()) it->second = rec.hash;
    }
    if (durable_head && durable_head->seq == rec.seq) durable_hash = rec.hash;
    prev = rec.hash;
    ++expected;
  }
  if (rc != SQLITE_DONE) return error(rc, absl::StrCat("read seq ", expected));
  const std::uint64_t last = expected - 1;

  std::uint64_t head_seq = 0;
  ChainHash head_hash{};
  JICENG_RETURN_IF_ERROR(read_head(&head_seq, &head_hash));
  if (head_seq > last) {
    return absl::DataLossError(absl::StrCat("journal ", path, ": seq ", last + 1,
                                            " is missing: the journal ends at seq ", last,
                                            " but its head records seq ", head_seq,
                                            " (truncated tail)"));
  }
  if (head_seq < last) {
    return absl::DataLossError(absl::StrCat("journal ", path, ": seq ", head_seq + 1,
                                            ": rows beyond the recorded head seq ", head_seq,
                                            " (written outside the journal)"));
  }
  if (head_hash != prev) {
    return absl::DataLossError(absl::StrCat("journal ", path, ": seq ", last,
                                            ": hash differs from the one the head records"));
  }
  JICENG_RETURN_IF_ERROR(check_durable_head(last, [&](std::uint64_t at) -> std::optional<ChainHash> {
    if (at == 0) return ChainHash{};
    return durable_hash;
  }));
  // Keyed: the head's MAC vouches for the head hash, and through the chain for every row.
  if (keyed) JICENG_RETURN_IF_ERROR(check_head_mac(last, prev));
  if (report != nullptr) {
    report->keyed = keyed;
    report->events = last;
    report->last_seq = last;
    report->head = prev;
  }
  return absl::OkStatus();
}

Journal::Journal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Journal::Journal() = default;  // other backends (pg_journal.cpp)
Journal::~Journal() = default;

absl::StatusOr<std::unique_ptr<Journal>> Journal::open(const std::string& path,
                                                       const JournalOptions& options) {
  if (path.empty()) return absl::InvalidArgumentError("journal: empty path");
  if (is_postgres_uri(path)) {
    if (!options.mac_key.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "journal ", path, ": the keyed MAC is for SQLite journals; a PostgreSQL chain is guarded by the "
          "database's own access control (docs/postgres.md)"));
    }
    return internal::open_postgres_journal(path, options);  // pg_journal.cpp
  }
  if (path == ":memory:" || path.rfind("file:", 0) == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "journal ", path, ": a journal is a file path (no URI, no :memory:); the in-memory mode"
        " is an Engine without a journal"));
  }
  if (options.busy_timeout_ms < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("journal ", path, ": busy_timeout_ms ", options.busy_timeout_ms, " < 0"));
  }
  if (options.max_pages < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("journal ", path, ": max_pages ", options.max_pages, " < 0"));
  }
  JICENG_RETURN_IF_ERROR(journal_internal::check_mac_key(options.mac_key, path));
  const bool create = options.create_if_missing && !options.read_only;
  if (!create && !file_exists(path)) {
    return absl::NotFoundError(absl::StrCat("journal ", path, ": no such file"));
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = options;
  impl->existed = file_exists(path);
  if (impl->hasher.ok() == false) {
    return absl::InternalError("journal: OpenSSL SHA-256 is not available");
  }
  const int flags = (options.read_only ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)) |
                    SQLITE_OPEN_NOMUTEX;
  JICENG_RETURN_IF_ERROR(impl->open_connection(flags));
  sqlite3_busy_timeout(impl->db, options.busy_timeout_ms);

  JICENG_RETURN_IF_ERROR(impl->open_schema());
  const char* sync = options.sync == SyncMode::kFull     ? "PRAGMA synchronous=FULL"
                     : options.sync == SyncMode::kNormal ? "PRAGMA synchronous=NORMAL"
                                                         : "PRAGMA synchronous=OFF";
  JICENG_RETURN_IF_ERROR(impl->exec(sync, "set synchronous"));
  if (options.max_pages > 0) {
    JICENG_RETURN_IF_ERROR(impl->exec(
        absl::StrCat("PRAGMA max_page_count=", options.max_pages).c_str(), "set max_page_count"));
  }
  if (options.read_only) {
    JICENG_RETURN_IF_ERROR(impl->exec("PRAGMA query_only=1", "set query_only"));
  }

  Impl& d = *impl;
  JICENG_RETURN_IF_ERROR(d.prepare(&d.begin_write, "BEGIN IMMEDIATE"));
  JICENG_RETURN_IF_ERROR(d.prepare(&d.begin_read, "BEGIN"));
  JICENG_RETURN_IF_ERROR(d.prepare(&d.commit, "COMMIT"));
  JICENG_RETURN_IF_ERROR(d.prepare(&d.rollback, "ROLLBACK"));
  for (std::size_t n = 0; n < kInsertSizes.size(); ++n) {
    std::string sql = "INSERT INTO events(seq, time, type, payload, hash) VALUES(?,?,?,?,?)";
    for (std::size_t k = 1; k < kInsertSizes[n]; ++k) sql += ",(?,?,?,?,?)";
    JICENG_RETURN_IF_ERROR(d.prepare(&d.inserts[n], sql.c_str()));
  }
  JICENG_RETURN_IF_ERROR(d.prepare(&d.select_head, "SELECT seq, hash FROM head WHERE id = 1"));
  JICENG_RETURN_IF_ERROR(d.prepare(&d.update_head, "UPDATE head SET seq = ?, hash = ? WHERE id = 1"));
  JICENG_RETURN_IF_ERROR(d.prepare(
      &d.select_all, "SELECT seq, time, type, payload, hash FROM events ORDER BY seq"));
  JICENG_RETURN_IF_ERROR(
      d.prepare(&d.select_tail, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"));
  JICENG_RETURN_IF_ERROR(d.prepare(&d.select_hash_at, "SELECT hash FROM events WHERE seq = ?"));
  JICENG_RETURN_IF_ERROR(d.prepare(
      &d.insert_snapshot,
      "INSERT OR REPLACE INTO snapshots(seq, time, anchor, digest, state, hash) VALUES(?,?,?,?,?,?)"));
  JICENG_RETURN_IF_ERROR(d.prepare(
      &d.select_latest_snapshot,
      "SELECT seq, time, anchor, digest, state, hash FROM snapshots ORDER BY seq DESC LIMIT 1"));
  JICENG_RETURN_IF_ERROR(d.prepare(
      &d.select_snapshots, "SELECT seq, time, anchor, digest, state, hash FROM snapshots ORDER BY seq"));
  JICENG_RETURN_IF_ERROR(d.prepare(&d.count_snapshots, "SELECT count(*) FROM snapshots"));
  if (d.keyed) {
    JICENG_RETURN_IF_ERROR(d.prepare_keyed());
    JICENG_RETURN_IF_ERROR(d.prepare(&d.update_mac_head, "UPDATE mac_head SET seq = ?, mac = ? WHERE id = 1"));
    JICENG_RETURN_IF_ERROR(
        d.prepare(&d.insert_mac_snapshot, "INSERT OR REPLACE INTO mac_snapshots(seq, mac) VALUES(?,?)"));
  }

  // Head row and last event, read together; they must agree.
  {
    std::lock_guard<std::mutex> lock(d.mu);
    JICENG_RETURN_IF_ERROR(d.begin_read_txn());
    std::uint64_t head_seq = 0, tail_seq = 0;
    ChainHash head_hash{}, tail_hash{};
    absl::Status st = d.read_head(&head_seq, &head_hash);
    if (st.ok()) st = d.read_tail(&tail_seq, &tail_hash);
    if (st.ok() && d.keyed) st = d.check_head_mac(head_seq, head_hash);
    d.end_read_txn();
    if (absl::IsDataLoss(st)) {
      d.damaged = st;
    } else if (!st.ok()) {
      return st;
    } else if (head_seq != tail_seq || head_hash != tail_hash) {
      d.damaged = absl::DataLossError(absl::StrCat(
          "journal ", path, ": seq ", std::min(head_seq, tail_seq) + 1,
          ": the head row (seq ", head_seq, ") and the last event (seq ", tail_seq,
          ") disagree; run verify"));
    }
    d.last_seq = head_seq;
    d.head = head_hash;
    if (d.created) d.durable_head.reset();  // a new journal starts a new record
    if (d.damaged.ok()) {
      d.damaged = d.check_durable_head(head_seq, [&](std::uint64_t at) -> std::optional<ChainHash> {
        if (at == head_seq) return head_hash;
        if (at == 0) return ChainHash{};
        return std::nullopt;  // checked by verify and replay, which walk the chain
      });
    }
  }
  if (!options.read_only) {
    d.head_fd = ::open(head_record_path(path).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (d.created && d.head_fd >= 0 && ::ftruncate(d.head_fd, 0) != 0) {
      ::close(d.head_fd);  // an old record that cannot be cleared would be misread: keep none
      d.head_fd = -1;
    }
    // A journal that predates the record, or a fresh one: record where it stands.
    if (d.damaged.ok() && (!d.durable_head || d.durable_head->seq < d.last_seq)) {
      write_head_record(d.head_fd, HeadRecord{d.last_seq, d.head}, options.sync == SyncMode::kFull);
    }
  }
  return std::unique_ptr<Journal>(new Journal(std::move(impl)));
}

absl::StatusOr<AppendResult> Journal::append(std::span<const JournalRecord> records) {
  Impl& d = *impl_;
  for (std::size_t i = 0; i < records.size(); ++i) {
    JICENG_RETURN_IF_ERROR(check_type(records[i].type, i));
    if (records[i].payload.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
      return absl::InvalidArgumentError(
          absl::StrCat("journal record ", i, ": payload of ", records[i].payload.size(), " bytes is too large"));
    }
  }
  std::lock_guard<std::mutex> lock(d.mu);
  // A read-only handle is refused by SQLite itself (SQLITE_READONLY at BEGIN IMMEDIATE).
  if (!d.damaged.ok()) return d.damaged;
  if (records.empty()) return AppendResult{d.last_seq + 1, d.last_seq};

  int rc = d.run(d.begin_write.get());
  if (rc != SQLITE_DONE) {
    d.rollback_if_open();
    return d.error(rc, "begin write transaction");
  }
  // Another connection (another process, another handle) may have appended since this
  // handle last wrote; continuing would fork the chain.
  {
    std::uint64_t head_seq = 0;
    ChainHash head_hash{};
    absl::Status st = d.read_head(&head_seq, &head_hash);
    if (st.ok() && (head_seq != d.last_seq || head_hash != d.head)) {
      st = absl::FailedPreconditionError(absl::StrCat(
          "journal ", d.path, ": another writer moved the head to seq ", head_seq,
          " behind this handle (at seq ", d.last_seq, "); reopen the journal"));
    }
    if (!st.ok()) {
      d.rollback_if_open();
      return st;
    }
  }

  // Rows go in through multi-row INSERTs (the overhead of step, reset and cursor setup is
  // paid once per chunk, not per row). Hashes live in `hashes` until their chunk is stepped.
  std::uint64_t seq = d.last_seq;
  ChainHash prev = d.head;
  std::array<ChainHash, kRowsPerInsert> hashes;
  std::size_t i = 0;
  while (i < records.size()) {
    std::size_t n = 0;
    while (kInsertSizes[n] > records.size() - i) ++n;  // ends at size 1
    const std::size_t take = kInsertSizes[n];
    sqlite3_stmt* ins = d.inserts[n].get();
    const std::uint64_t first = seq + 1;
    for (std::size_t k = 0; k < take; ++k) {
      const JournalRecord& r = records[i + k];
      ++seq;
      hashes[k] = d.hasher.chain(prev, seq, r.time, r.type, r.payload);
      prev = hashes[k];
      const int p = static_cast<int>(5 * k);
      sqlite3_bind_int64(ins, p + 1, static_cast<sqlite3_int64>(seq));
      sqlite3_bind_int64(ins, p + 2, r.time);
      sqlite3_bind_text(ins, p + 3, r.type.data(), static_cast<int>(r.type.size()), SQLITE_STATIC);
      sqlite3_bind_blob(ins, p + 4, r.payload.data(), static_cast<int>(r.payload.size()), SQLITE_STATIC);
      sqlite3_bind_blob(ins, p + 5, hashes[k].data(), 32, SQLITE_STATIC);
    }
    rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    if (rc != SQLITE_DONE) {
      absl::Status st = d.error(rc, take == 1 ? absl::StrCat("insert seq ", first)
                                              : absl::StrCat("insert seq ", first, "..", seq));
      sqlite3_clear_bindings(ins);
      d.rollback_if_open();
      return st;
    }
    i += take;
  }
  // Bindings point into `records` and `hashes`; drop them before returning.
  for (Stmt& ins : d.inserts) sqlite3_clear_bindings(ins.get());
  // The head row, and on a keyed journal the head's MAC with it, in the same transaction.
  auto update = [&](sqlite3_stmt* up, const ChainHash& value, std::string_view what) -> absl::Status {
    sqlite3_bind_int64(up, 1, static_cast<sqlite3_int64>(seq));
    sqlite3_bind_blob(up, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    const int step = sqlite3_step(up);
    sqlite3_reset(up);
    sqlite3_clear_bindings(up);
    if (step != SQLITE_DONE) return d.error(step, what);
    if (sqlite3_changes(d.db) != 1) {
      return absl::DataLossError(absl::StrCat("journal ", d.path, ": ", internal::av(what), ": the row is missing"));
    }
    return absl::OkStatus();
  };
  absl::Status updated = update(d.update_head.get(), prev, "update head");
  if (updated.ok() && d.keyed) {
    updated = update(d.update_mac_head.get(), journal_internal::mac_head(d.options.mac_key, seq, prev),
                     "update the head's MAC");
  }
  if (!updated.ok()) {
    d.rollback_if_open();
    return updated;
  }
  rc = d.run(d.commit.get());
  if (rc != SQLITE_DONE) {
    absl::Status st = d.error(rc, absl::StrCat("commit seq ", d.last_seq + 1, "..", seq));
    d.rollback_if_open();
    // Normally a failed COMMIT leaves the file as it was. If the head moved anyway (an
    // I/O error after the WAL frames were written), the outcome is unknown to this
    // handle: refuse further appends until the journal is reopened and verified.
    std::uint64_t head_seq = 0;
    ChainHash head_hash{};
    absl::Status hs = d.read_head(&head_seq, &head_hash);
    if (!hs.ok() || head_seq != d.last_seq || head_hash != d.head) {
      d.damaged = absl::FailedPreconditionError(absl::StrCat(
          "journal ", d.path, ": a commit failed with an unknown outcome (", st.message(),
          "); reopen the journal"));
    }
    return st;
  }
  AppendResult result{d.last_seq + 1, seq};
  d.last_seq = seq;
  d.head = prev;
  // After the commit, never before: the record must not claim what may not be durable.
  write_head_record(d.head_fd, HeadRecord{seq, prev}, d.options.sync == SyncMode::kFull);
  return result;
}

absl::Status Journal::replay(std::uint64_t after_seq,
                             const std::function<absl::Status(const StoredRecord&)>& fn) const {
  return impl_->replay_walk(after_seq, fn, nullptr);
}

absl::Status Journal::replay_from(std::uint64_t seq, const ChainHash& anchor,
                                  const std::function<absl::Status(const StoredRecord&)>& fn) const {
  const std::pair<std::uint64_t, ChainHash> from{seq, anchor};
  return impl_->replay_walk(seq, fn, &from);
}

absl::Status Journal::Impl::replay_walk(std::uint64_t after_seq,
                                        const std::function<absl::Status(const StoredRecord&)>& fn,
                                        const std::pair<std::uint64_t, ChainHash>* from) {
  JICENG_ASSIGN_OR_RETURN(std::unique_ptr<Impl> reader, open_reader());
  ChainReport seen;
  {
    std::lock_guard<std::mutex> lock(reader->mu);
    JICENG_RETURN_IF_ERROR(reader->begin_read_txn());
    absl::Status st = reader->walk(after_seq, &fn, nullptr, &seen, from);
    reader->end_read_txn();
    JICENG_RETURN_IF_ERROR(st);
  }
  // The walk read rows and head in one snapshot, which may hold events another connection
  // appended after this handle opened: last_seq() and head() now say where the walk ended,
  // so a caller comparing what it replayed with last_seq() compares one snapshot with itself
  // (comparing with the count read at open reported a healthy journal as DATA_LOSS).
  std::lock_guard<std::mutex> lock(mu);
  if (seen.last_seq > last_seq) {
    last_seq = seen.last_seq;
    head = seen.head;
  }
  return absl::OkStatus();
}

absl::StatusOr<ChainReport> Journal::verify() const { return verify(impl_->options.verify_states); }

absl::StatusOr<ChainReport> Journal::verify(bool verify_states) const {
  JICENG_ASSIGN_OR_RETURN(std::unique_ptr<Impl> reader, impl_->open_reader());
  Impl& d = *reader;
  std::lock_guard<std::mutex> lock(d.mu);
  JICENG_RETURN_IF_ERROR(d.begin_read_txn());
  struct EndRead {
    Impl* self;
    ~EndRead() { self->end_read_txn(); }
  } end_read{&d};
  // Snapshot seqs first, so the walk can collect the chain hash each one is anchored to.
  std::map<std::uint64_t, ChainHash> anchors;
  struct Row {
    std::uint64_t seq;
    Timestamp time;
    ChainHash anchor, hash;
    std::string digest, state_digest;
  };
  std::vector<Row> rows;
  {
    sqlite3_stmt* s = d.select_snapshots.get();
    ResetOnExit reset(s);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      Row r{};
      const std::int64_t seq = sqlite3_column_int64(s, 0);
      r.seq = seq < 0 ? 0 : static_cast<std::uint64_t>(seq);
      r.time = sqlite3_column_int64(s, 1);
      const bool ok = seq >= 0 && column_hash(s, 2, &r.anchor) && column_hash(s, 5, &r.hash);
      r.digest = std::string(column_text(s, 3));
      r.state_digest = sha256_hex(column_bytes(s, 4));
      if (!ok) {
        return absl::DataLossError(
            absl::StrCat("journal ", d.path, ": snapshot at seq ", seq, ": malformed row"));
      }
      anchors.emplace(r.seq, ChainHash{});
      rows.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return d.error(rc, "read snapshots");
  }
  // Keyed: each snapshot's MAC first (it covers its seq, time, anchor and digest; the state
  // is checked against the digest below), so a snapshot forged without the key is named so.
  if (d.keyed) {
    for (const Row& r : rows) JICENG_RETURN_IF_ERROR(d.check_snapshot_mac(r.seq, r.time, r.anchor, r.digest));
  }
  ChainReport report;
  // By default each snapshot's content is checked too: the events, applied to a fresh
  // engine during the walk, must derive the very state the snapshot holds at its seq.
  // Without snapshots there is nothing to compare, and no event is applied.
  std::vector<std::pair<std::uint64_t, std::string>> digests;
  for (const Row& r : rows) digests.emplace_back(r.seq, r.state_digest);
  journal_internal::StateDeriver deriver(std::move(digests), d.path);
  const std::function<absl::Status(const StoredRecord&)> derive = [&](const StoredRecord& rec) {
    return deriver.on_record(rec);
  };
  const bool derive_states = verify_states && !rows.empty();
  JICENG_RETURN_IF_ERROR(d.walk(0, derive_states ? &derive : nullptr, &anchors, &report));
  report.states_derived = deriver.derived();
  for (const Row& r : rows) {
    if (r.seq > report.last_seq) {
      return absl::DataLossError(absl::StrCat("journal ", d.path, ": snapshot at seq ", r.seq,
                                              " lies beyond the last event seq ", report.last_seq));
    }
    if (r.state_digest != r.digest) {
      return absl::DataLossError(absl::StrCat("journal ", d.path, ": snapshot at seq ", r.seq,
                                              ": state digest ", r.state_digest,
                                              " differs from the recorded ", r.digest));
    }
    if (anchors[r.seq] != r.anchor) {
      return absl::DataLossError(absl::StrCat("journal ", d.path, ": snapshot at seq ", r.seq,
                                              ": not anchored to the chain hash of seq ", r.seq));
    }
    if (d.hasher.snapshot_row(r.seq, r.time, r.anchor, r.digest) != r.hash) {
      return absl::DataLossError(
          absl::StrCat("journal ", d.path, ": snapshot at seq ", r.seq, ": row hash mismatch"));
    }
  }
  report.snapshots = rows.size();
  if (!rows.empty()) report.latest_snapshot = rows.back().seq;
  return report;
}

absl::StatusOr<SnapshotInfo> Journal::write_snapshot(std::uint64_t seq, std::string_view state) {
  Impl& d = *impl_;
  std::lock_guard<std::mutex> lock(d.mu);
  if (!d.damaged.ok()) return d.damaged;
  if (seq > d.last_seq) {
    return absl::OutOfRangeError(absl::StrCat("journal ", d.path, ": snapshot seq ", seq,
                                              " is beyond the last event seq ", d.last_seq));
  }
  ChainHash anchor{};
  if (seq == d.last_seq) {
    anchor = d.head;
  } else if (seq > 0) {
    sqlite3_stmt* s = d.select_hash_at.get();
    ResetOnExit reset(s);
    sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(seq));
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
      return absl::DataLossError(absl::StrCat("journal ", d.path, ": seq ", seq, " is missing"));
    }
    if (rc != SQLITE_ROW) return d.error(rc, absl::StrCat("read hash of seq ", seq));
    if (!column_hash(s, 0, &anchor)) {
      return absl::DataLossError(absl::StrCat("journal ", d.path, ": seq ", seq, ": malformed hash"));
    }
  }
  SnapshotInfo info;
  info.seq = seq;
  info.time = absl::ToUnixSeconds(absl::Now());
  info.digest = sha256_hex(state);
  info.anchor = anchor;
  const ChainHash row_hash = d.hasher.snapshot_row(seq, info.time, anchor, info.digest);
  if (state.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return absl::ResourceExhaustedError(
        absl::StrCat("journal ", d.path, ": snapshot of ", state.size(), " bytes is too large"));
  }
  // Keyed: the snapshot and its MAC in one transaction.
  if (d.keyed) {
    const int rc = d.run(d.begin_write.get());
    if (rc != SQLITE_DONE) {
      d.rollback_if_open();
      return d.error(rc, absl::StrCat("write snapshot at seq ", seq));
    }
  }
  sqlite3_stmt* s = d.insert_snapshot.get();
  ResetOnExit reset(s);
  sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(seq));
  sqlite3_bind_int64(s, 2, info.time);
  sqlite3_bind_blob(s, 3, anchor.data(), 32, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, info.digest.data(), static_cast<int>(info.digest.size()), SQLITE_STATIC);
  sqlite3_bind_blob(s, 5, state.data(), static_cast<int>(state.size()), SQLITE_STATIC);
  sqlite3_bind_blob(s, 6, row_hash.data(), 32, SQLITE_STATIC);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE && d.keyed) {
    const ChainHash mac = journal_internal::mac_snapshot(d.options.mac_key, seq, info.time, anchor, info.digest);
    sqlite3_stmt* m = d.insert_mac_snapshot.get();
    ResetOnExit reset_m(m);
    sqlite3_bind_int64(m, 1, static_cast<sqlite3_int64>(seq));
    sqlite3_bind_blob(m, 2, mac.data(), 32, SQLITE_STATIC);
    rc = sqlite3_step(m);
    if (rc == SQLITE_DONE) rc = d.run(d.commit.get());
  }
  if (rc != SQLITE_DONE) {
    absl::Status st = d.error(rc, absl::StrCat("write snapshot at seq ", seq));
    d.rollback_if_open();
    return st;
  }
  return info;
}

absl::StatusOr<std::optional<Snapshot>> Journal::latest_snapshot() const {
  Impl& d = *impl_;
  std::lock_guard<std::mutex> lock(d.mu);
  // The snapshot row, the head and the hash it is anchored to, from one read snapshot:
  // another connection may append and snapshot meanwhile, so the count read at open
  // (d.last_seq) would make a newer snapshot look as if it lay beyond the journal.
  JICENG_RETURN_IF_ERROR(d.begin_read_txn());
  struct EndRead {
    Impl* self;
    ~EndRead() { self->end_read_txn(); }
  } end_read{&d};
  std::uint64_t head_seq = 0;
  ChainHash head_hash{};
  JICENG_RETURN_IF_ERROR(d.read_head(&head_seq, &head_hash));
  sqlite3_stmt* s = d.select_latest_snapshot.get();
  ResetOnExit reset(s);
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return std::optional<Snapshot>();
  if (rc != SQLITE_ROW) return d.error(rc, "read latest snapshot");
  Snapshot snap;
  const std::int64_t seq = sqlite3_column_int64(s, 0);
  ChainHash anchor{}, row_hash{};
  if (seq < 0 || !column_hash(s, 2, &anchor) || !column_hash(s, 5, &row_hash)) {
    return absl::DataLossError(
        absl::StrCat("journal ", d.path, ": snapshot at seq ", seq, ": malformed row"));
  }
  snap.info.seq = static_cast<std::uint64_t>(seq);
  snap.info.time = sqlite3_column_int64(s, 1);
  snap.info.digest = std::string(column_text(s, 3));
  snap.state = std::string(column_bytes(s, 4));
  if (sha256_hex(snap.state) != snap.info.digest) {
    return absl::DataLossError(absl::StrCat("journal ", d.path, ": snapshot at seq ", seq,
                                            ": state does not match its digest"));
  }
  if (d.hasher.snapshot_row(snap.info.seq, snap.info.time, anchor, snap.info.digest) != row_hash) {
    return absl::DataLossError(
        absl::StrCat("journal ", d.path, ": snapshot at seq ", seq, ": row hash mismatch"));
  }
  if (d.keyed) {
    JICENG_RETURN_IF_ERROR(d.check_snapshot_mac(snap.info.seq, snap.info.time, anchor, snap.info.digest));
  }
  if (snap.info.seq > head_seq) {
    return absl::DataLossError(absl::StrCat("journal ", d.path, ": snapshot at seq ", seq,
                                            " lies beyond the last event seq ", head_seq));
  }
  // Its anchor must be the chain hash at its seq (the walk during replay checks the chain
  // itself; this ties the snapshot to it).
  ChainHash at{};
  if (snap.info.seq == head_seq) {
    at = head_hash;
  } else if (snap.info.seq > 0) {
    sqlite3_stmt* h = d.select_hash_at.get();
    ResetOnExit reset_h(h);
    sqlite3_bind_int64(h, 1, seq);
    const int hrc = sqlite3_step(h);
    if (hrc != SQLITE_ROW || !column_hash(h, 0, &at)) {
      return absl::DataLossError(absl::StrCat("journal ", d.path, ": snapshot at seq ", seq,
                                              ": the event it is anchored to is missing"));
    }
  }
  if (at != anchor) {
    return absl::DataLossError(absl::StrCat("journal ", d.path, ": snapshot at seq ", seq,
                                            ": not anchored to the chain hash of seq ", seq));
  }
  snap.info.anchor = anchor;
  return std::optional<Snapshot>(std::move(snap));
}

absl::StatusOr<std::uint64_t> Journal::snapshot_count() const {
  Impl& d = *impl_;
  std::lock_guard<std::mutex> lock(d.mu);
  sqlite3_stmt* s = d.count_snapshots.get();
  ResetOnExit reset(s);
  const int rc = sqlite3_step(s);
  if (rc != SQLITE_ROW) return d.error(rc, "count snapshots");
  return static_cast<std::uint64_t>(sqlite3_column_int64(s, 0));
}

std::uint64_t Journal::last_seq() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->last_seq;
}

ChainHash Journal::head() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->head;
}

const std::string& Journal::path() const { return impl_->path; }

bool Journal::read_only() const { return impl_->options.read_only; }

bool Journal::keyed() const { return impl_->keyed; }

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  std::uint8_t out[32];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &n, sha256_md(), nullptr);
  return to_hex(std::span<const std::uint8_t>(out, 32));
}

ChainHash chain_hash(const ChainHash& prev, std::uint64_t seq, Timestamp time,
                     std::string_view type, std::string_view payload) {
  // Deliberately independent of Hasher: a second implementation of the same layout.
  std::string buf(prev.begin(), prev.end());
  std::uint8_t num[20];
  put_be64(num, seq);
  put_be64(num + 8, static_cast<std::uint64_t>(time));
  put_be32(num + 16, static_cast<std::uint32_t>(type.size()));
  buf.append(reinterpret_cast<const char*>(num), sizeof num);
  buf.append(type);
  buf.append(payload);
  ChainHash out{};
  unsigned int n = 0;
  EVP_Digest(buf.data(), buf.size(), out.data(), &n, sha256_md(), nullptr);
  return out;
}

}  // namespace jiceng
