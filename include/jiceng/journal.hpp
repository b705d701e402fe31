// jiceng/journal.hpp — the durable event journal (事件日志, 全程留痕): every command the
// Engine accepts becomes one event row in a SQLite file, chained by SHA-256 so that any
// edit, deletion, reordering or truncation of history is detected, with snapshots of the
// whole state (状态快照) so that opening does not have to replay from the first event.
//
// Two layers:
//  - `Journal`: an append-only SQLite event store, independent of the Engine. A batch of
//    records is written in one transaction (group commit, 批量提交); nothing is
//    acknowledged before SQLite's COMMIT returns.
//  - `open_engine` / `JournalSink`: the Engine's event sink on top of a Journal — open =
//    load the latest snapshot + replay the rest, verifying the chain from the snapshot's
//    anchored seq on; snapshots by policy (every N events or T hours) and by command.
// Format, guarantees and error codes are described in docs/journal.md.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "jiceng/engine.hpp"
#include "jiceng/types.hpp"

namespace jiceng {

/// How hard a commit waits for the disk (SQLite `PRAGMA synchronous`).
enum class SyncMode : std::uint8_t {
  kFull = 0,    ///< fsync the WAL on every commit: an acknowledged event survives power loss
  kNormal = 1,  ///< fsync at checkpoints only: survives a process crash, not power loss
  kOff = 2,     ///< never fsync: survives a process crash only while the OS keeps running
};

/// When a DurableEngine writes snapshots by itself (docs/journal.md, "Snapshot policy"):
/// after a command, batch or tick, once at least `every_events` events were appended since
/// the newest snapshot, or `every` has passed on the host clock since it was written (and
/// an event came since). Either may be 0 (that trigger is off); both 0 = only on command.
/// The defaults bound an open's replay to about 1,000,000 events (~1.5 s at ~0.7M/s).
struct SnapshotPolicy {
  std::uint64_t every_events = 1000000;        ///< 0: never by count
  absl::Duration every = absl::Hours(24);      ///< zero: never by time
};

/// Options for opening a journal file.
struct JournalOptions {
  /// Durability of each commit; `kFull` by default.
  SyncMode sync = SyncMode::kFull;
  /// How long a writer waits for another connection's lock before UNAVAILABLE.
  int busy_timeout_ms = 5000;
  /// Open without write access (SQLITE_OPEN_READONLY): appends and snapshots fail with
  /// FAILED_PRECONDITION. The file must exist. A journal on read-only media (a read-only
  /// mount, a directory this process may not write), where SQLite cannot create the WAL's
  /// -shm file, is read as an immutable file; if a non-empty -wal lies beside it, open
  /// fails with FAILED_PRECONDITION saying so (the file alone would miss its events).
  bool read_only = false;
  /// Create the file when it does not exist (ignored when `read_only`).
  bool create_if_missing = true;
  /// Upper bound on the database size in pages (`PRAGMA max_page_count`), 0 = no bound.
  /// A commit that would grow past it fails with RESOURCE_EXHAUSTED, as on a full disk.
  std::int64_t max_pages = 0;
  /// Policy set a *new* journal's Engine is created with (`open_engine` only). An
  /// existing journal rebuilds its policy from its own events and snapshot.
  std::string policy = "national";
  /// Start from the newest snapshot when opening an Engine (`open_engine`), verifying the
  /// chain from the snapshot's anchored seq on (docs/journal.md, "What open checks"); false
  /// replays and verifies every event from seq 1.
  bool use_snapshots = true;
  /// The snapshots DurableEngine writes by itself (`open_engine`; SnapshotPolicy).
  SnapshotPolicy snapshots;
  /// What Journal::verify checks. true (the default): the chain, the head, every
  /// snapshot's digest, row hash and anchor, and also each snapshot's content — the state
  /// is re-derived from the events (a fresh Engine applying them from seq 1) and compared
  /// with every snapshot, DATA_LOSS naming the snapshot's seq when they differ. false, the
  /// fast mode: all but the content, so a snapshot rewritten by someone who recomputed its
  /// digest and row hash (anyone who can write the file) passes; it costs no replay.
  bool verify_states = true;
  /// DurableEngine::open: before trusting the snapshot it would start from, re-derive the
  /// state at its seq from the events and compare (DATA_LOSS naming its seq when they
  /// differ); this replays from seq 1, so it is no faster than use_snapshots = false.
  /// false (the default): the snapshot is trusted once its digest, row hash and anchor
  /// check (docs/journal.md, "What the chain proves"). `jiceng replay` sets it.
  bool verify_snapshot = false;
  /// The keyed MAC (docs/journal.md, "Keyed MAC"): a secret the host holds, 16..1024 bytes;
  /// empty (the default) = none, and nothing changes. A journal created with a key records
  /// an HMAC-SHA-256 of its head after every commit and of every snapshot, which an editor
  /// of the file cannot recompute without the key: verify, replay and open then refuse a
  /// forged or missing MAC with DATA_LOSS naming what and the seq. A keyed journal opened
  /// without a key is FAILED_PRECONDITION, with another key PERMISSION_DENIED; a key given
  /// for an existing journal written without one is FAILED_PRECONDITION. The key is never
  /// written to the journal or put in a message. SQLite journals only (a PostgreSQL URI
  /// with a key is FAILED_PRECONDITION).
  std::string mac_key;
  /// PostgreSQL only (docs/postgres.md): the chain (one per county-level division, 区/县)
  /// this handle reads and appends, as its 6-digit code, e.g. "320506". Empty: the
  /// `chain=` parameter of the URI, else the only chain the database holds. A `load_org`
  /// whose root is a county-level unit must carry the chain's code.
  std::string chain;
  /// PostgreSQL only: after each commit, send a NOTIFY hint so that other servers
  /// tailing the chain wake up at once (they poll as well; a lost hint only delays them).
  bool notify = true;
};

/// The status an append gets when another writer extended the chain first (PostgreSQL:
/// several servers on one chain): ABORTED, carrying the payload `kJournalConflictPayload`.
/// Nothing was written; catch up (DurableEngine::catch_up) and re-run the command, as
/// DurableEngine::run does.
inline constexpr std::string_view kJournalConflictPayload = "jiceng.journal/conflict";
/// An ABORTED status marked as a journal conflict.
absl::Status journal_conflict_error(std::string_view message);
/// Whether `status` is a journal conflict (journal_conflict_error).
bool is_journal_conflict(const absl::Status& status);
/// Whether `uri` names a PostgreSQL journal (`postgresql://…` or `postgres://…`) rather
/// than a SQLite file.
bool is_postgres_uri(std::string_view uri);
/// Whether this build has the PostgreSQL journal compiled in (libpq found at build time).
bool postgres_journal_available();

/// SHA-256 digest, the link of the hash chain (哈希链).
using ChainHash = std::array<std::uint8_t, 32>;

/// One event to append: its time (UTC seconds), its type name (e.g. `submit`) and its
/// canonical payload bytes.
struct JournalRecord {
  Timestamp time = 0;       ///< when the event happened (UTC seconds)
  std::string type;         ///< event type name, e.g. `submit`, `load_org`
  std::string payload;      ///< canonical encoded event
};

/// One stored event as replay sees it. The views live until the callback returns.
struct StoredRecord {
  std::uint64_t seq = 0;        ///< 1-based position in the journal
  Timestamp time = 0;           ///< event time (UTC seconds)
  std::string_view type;        ///< event type name
  std::string_view payload;     ///< canonical encoded event
  ChainHash hash{};             ///< chain hash of this row
};

/// The sequence numbers a successful append was given (inclusive range).
struct AppendResult {
  std::uint64_t first_seq = 0;  ///< seq of the first appended record
  std::uint64_t last_seq = 0;   ///< seq of the last appended record (== the new head)
};

/// Metadata of a stored snapshot (状态快照).
struct SnapshotInfo {
  std::uint64_t seq = 0;  ///< the snapshot is the state after events 1..seq
  Timestamp time = 0;     ///< when it was written (UTC seconds, host clock)
  std::string digest;     ///< lower-case hex SHA-256 of the state bytes
  ChainHash anchor{};     ///< the chain hash of event `seq` it is anchored to (zeros for seq 0)
};

/// A snapshot with its state bytes.
struct Snapshot {
  SnapshotInfo info;   ///< where it sits in the chain and its digest
  std::string state;   ///< the Engine's canonical snapshot bytes
};

/// What `Journal::verify` found in an intact journal.
struct ChainReport {
  std::uint64_t events = 0;                       ///< number of event rows
  std::uint64_t last_seq = 0;                     ///< seq of the head (0 when empty)
  ChainHash head{};                               ///< chain hash of the head (zeros when empty)
  std::uint64_t snapshots = 0;                    ///< number of snapshots checked
  std::optional<std::uint64_t> latest_snapshot;   ///< seq of the newest snapshot, if any
  std::uint64_t states_derived = 0;               ///< snapshots whose content was checked against the events
  bool keyed = false;                             ///< the head and every snapshot were checked against the MAC key
};

/// An append-only, hash-chained event store (事件日志): a SQLite file, or one chain of a
/// PostgreSQL database when opened on a `postgresql://` URI (docs/postgres.md; the same
/// methods, the same guarantees, several writers per chain).
///
/// File layout (docs/journal.md): table `events(seq INTEGER PRIMARY KEY, time, type,
/// payload, hash)` with `hash(n) = SHA-256(hash(n-1) ‖ be64(seq) ‖ be64(time) ‖
/// be32(len(type)) ‖ type ‖ payload)` and `hash(0)` all zeros; table `head`
/// holding the last seq and hash, updated in the same transaction (so a truncated tail is
/// detected); table `snapshots`. WAL mode.
///
/// Thread safety: every method may be called from any thread; writes are serialized by an
/// internal mutex. replay() and verify() read through a private read-only connection of
/// their own (a consistent snapshot of the file, WAL), so their callbacks hold no journal
/// lock and may even append.
class Journal {
 public:
  /// Opens (and, unless read-only or `create_if_missing` is false, creates) the journal
  /// at `path`. Does not walk the chain (see verify()); it checks the file format and
  /// that the `head` row agrees with the last event row — when it does not, the journal
  /// opens but every append fails with DATA_LOSS until the damage is dealt with.
  /// Errors: NOT_FOUND (missing file, no create), FAILED_PRECONDITION (not a jiceng
  /// journal, or an unknown format version), UNAVAILABLE (locked, I/O), DATA_LOSS
  /// (SQLite reports the file corrupt).
  /// `path` may also be a PostgreSQL URI (is_postgres_uri): see docs/postgres.md; without
  /// the PostgreSQL journal compiled in, that is FAILED_PRECONDITION saying so.
  static absl::StatusOr<std::unique_ptr<Journal>> open(const std::string& path,
                                                       const JournalOptions& options = {});
  virtual ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  /// Appends `records` in one transaction (BEGIN IMMEDIATE … COMMIT) and returns the seqs
  /// they were given. Returns only after COMMIT returned: on OK every record is durable
  /// (to the degree `sync` promises); on error none is, and last_seq()/head() are
  /// unchanged. An empty span appends nothing and returns {last_seq()+1, last_seq()}.
  /// Errors: RESOURCE_EXHAUSTED (disk or max_pages full), FAILED_PRECONDITION (read-only,
  /// or another writer changed the file behind this handle), UNAVAILABLE (locked past
  /// the busy timeout, I/O error), DATA_LOSS (damaged tail found at open).
  virtual absl::StatusOr<AppendResult> append(std::span<const JournalRecord> records);

  /// Walks the whole chain from seq 1, verifying every row (as verify() does), and calls
  /// `fn` for each row with seq > `after_seq`, in order. Stops at the first bad row with
  /// DATA_LOSS naming its seq, or at the first error `fn` returns. Also checks the tail
  /// against the `head` row. Rows and head come from one read snapshot, which may hold
  /// records appended by another connection since open: on success last_seq() and head()
  /// move to where the walk ended (never back).
  virtual absl::Status replay(std::uint64_t after_seq,
                      const std::function<absl::Status(const StoredRecord&)>& fn) const;

  /// replay() from a trusted point instead of seq 1 (open from a snapshot): the stored
  /// hash of row `seq` must equal `anchor` (DATA_LOSS naming the seq otherwise; `seq` 0
  /// needs zeros), then every row after it is verified against the chain from there and
  /// passed to `fn`, and the tail is checked against the head as replay() does. Rows
  /// 1..seq are not re-hashed (verify() does that). The PostgreSQL journal walks from seq 1.
  virtual absl::Status replay_from(std::uint64_t seq, const ChainHash& anchor,
                                   const std::function<absl::Status(const StoredRecord&)>& fn) const;

  /// Verifies the chain (seqs 1..n without gaps, each hash recomputed over the previous
  /// one, tail equal to the `head` row) and every snapshot (digest
  /// of its state, its anchor equal to the chain hash at its seq, its own row hash) and,
  /// unless JournalOptions::verify_states is false (the fast mode), each snapshot's
  /// content against the state the events derive up to its seq.
  /// DATA_LOSS naming the first bad seq (or snapshot) when anything is off.
  virtual absl::StatusOr<ChainReport> verify() const;
  /// verify() with the content check chosen for this call instead of by the options:
  /// `verify_states` false is the fast mode (JournalOptions::verify_states).
  virtual absl::StatusOr<ChainReport> verify(bool verify_states) const;

  /// Stores `state` as the snapshot after events 1..`seq` (0 ≤ seq ≤ last_seq()),
  /// anchored to the chain hash at `seq`. Replaces an existing snapshot at the same seq.
  virtual absl::StatusOr<SnapshotInfo> write_snapshot(std::uint64_t seq, std::string_view state);

  /// The newest snapshot, verified (digest and anchor), or nullopt when there is none.
  virtual absl::StatusOr<std::optional<Snapshot>> latest_snapshot() const;

  /// Number of stored snapshots.
  virtual absl::StatusOr<std::uint64_t> snapshot_count() const;

  /// Seq of the last record this handle knows: read at open, then moved by its appends and
  /// by replay() (0 when empty).
  virtual std::uint64_t last_seq() const;
  /// Chain hash of the last acknowledged record (zeros when empty).
  virtual ChainHash head() const;
  /// The file this journal lives in.
  virtual const std::string& path() const;
  /// Whether this handle was opened read-only.
  virtual bool read_only() const;
  /// Whether the journal is keyed (JournalOptions::mac_key): its head and snapshots carry
  /// MACs, checked by every read.
  virtual bool keyed() const;

  /// Whether other handles may append to this chain at the same time (PostgreSQL): an
  /// append may then fail with a journal conflict and the reader must tail.
  virtual bool shared() const;
  /// Rows after `after_seq` (which must be last_seq()) appended by any writer, at most
  /// `max`, each verified against the chain from head() on; `fn` gets each in order, with
  /// no journal lock held, and last_seq()/head() move past it when it returns OK.
  /// Returns how many rows were passed on. DATA_LOSS naming the seq of a bad row.
  /// SQLite: a replay from `after_seq` (the whole file is verified).
  virtual absl::StatusOr<std::uint64_t> tail(std::uint64_t after_seq, std::size_t max,
                                             const std::function<absl::Status(const StoredRecord&)>& fn);
  /// Waits up to `timeout` for a hint that another writer appended (PostgreSQL: a NOTIFY
  /// on the chain); true when one came. A hint may be lost (a dropped connection): tail
  /// on a timer as well. SQLite: sleeps and returns false.
  virtual absl::StatusOr<bool> wait_for_append(absl::Duration timeout);

 protected:
  /// For other backends (the PostgreSQL journal), which override every virtual method.
  Journal();

 private:
  struct Impl;
  explicit Journal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// What opening a journaled Engine did; `jiceng replay` prints it.
struct ReplayReport {
  std::uint64_t last_seq = 0;                   ///< the journal holds events 1..last_seq
  std::optional<std::uint64_t> snapshot_seq;    ///< the snapshot restored, if one was used
  bool snapshot_checked = false;                ///< it was checked against the events (verify_snapshot)
  bool keyed = false;                           ///< the journal is keyed: head and snapshot MACs checked
  std::uint64_t replayed = 0;                   ///< events applied after the snapshot
  /// The chain was verified from this seq on (its stored hash equal to the snapshot's
  /// anchor, every later row re-hashed); 0: from seq 1, every row re-hashed.
  std::uint64_t verified_from = 0;
  /// Events by type name, whole journal: those up to the snapshot as its event log holds
  /// them, the rest as the walk read them.
  std::map<std::string, std::uint64_t> counts;
  std::string digest;                           ///< state digest after opening
};

/// The Engine's EventSink on a Journal: each `append` (one command, or one `batch`,
/// or one `tick`) becomes one journal transaction — group commit. Each event becomes a
/// row with its time, `to_string(type)` and `Engine::encode_event` bytes; its seq must
/// be the journal's next one (FAILED_PRECONDITION otherwise: engine and journal out of
/// step). Thread-safe (the Engine calls it under its writer lock anyway).
class JournalSink final : public EventSink {
 public:
  /// `journal` is not owned and must outlive the sink.
  explicit JournalSink(Journal* journal);
  /// Durable when OK; nothing written otherwise (see Journal::append).
  absl::Status append(std::span<const Event> events) override;

 private:
  Journal* journal_;
  std::mutex mu_;
  std::vector<JournalRecord> buffer_;  // reused encoding buffers, guarded by mu_
};

/// An Engine bound to a journal file (持久化引擎): every command is journaled before it
/// changes memory; opening rebuilds the state from the file.
///
/// Commands and queries go straight to `engine()` (thread-safe as the Engine is). A
/// command whose journal append fails returns that error and changes nothing, so the
/// in-memory state always equals the durable state. After an append error whose outcome
/// SQLite cannot tell (an I/O error during COMMIT), the journal refuses further appends;
/// reopen to continue from what is on disk.
class DurableEngine {
 public:
  /// Creates or opens the journal at `path`, restores the newest snapshot (unless
  /// `options.use_snapshots` is false), replays the events after it through
  /// Engine::decode_event + Engine::apply_event while verifying the chain from the
  /// snapshot's anchored seq on (Journal::replay_from; from seq 1 without a snapshot; the
  /// rows before it are verify()'s), and attaches the journal as the engine's sink, which
  /// also runs the snapshot policy (JournalOptions::snapshots). A snapshot that fails its
  /// checks fails the open (DATA_LOSS naming it); it is not skipped. A new journal records `set_policy
  /// (options.policy)` as its first event, so the journal alone rebuilds everything.
  /// Errors: those of Journal::open; DATA_LOSS naming the first bad seq when the chain,
  /// a snapshot, or an event's decoding or re-application is off. With `read_only`, the
  /// engine answers queries and every command fails with FAILED_PRECONDITION.
  static absl::StatusOr<std::unique_ptr<DurableEngine>> open(const std::string& path,
                                                             const JournalOptions& options = {});
  ~DurableEngine();
  DurableEngine(const DurableEngine&) = delete;
  DurableEngine& operator=(const DurableEngine&) = delete;

  /// The engine; run commands and queries on it.
  Engine& engine() { return *engine_; }
  /// The engine (queries).
  const Engine& engine() const { return *engine_; }
  /// The journal underneath.
  Journal& journal() { return *journal_; }
  /// The journal underneath (reads, verify).
  const Journal& journal() const { return *journal_; }
  /// Writes a snapshot of the current state at the current last seq (taken under the
  /// engine's writer lock, so state and seq agree); the next open starts from it. The
  /// snapshot policy counts from it.
  absl::StatusOr<SnapshotInfo> write_snapshot();
  /// Replaces the snapshot policy (JournalOptions::snapshots); it counts from the newest
  /// snapshot this engine knows. INVALID_ARGUMENT for a negative interval.
  absl::Status set_snapshot_policy(const SnapshotPolicy& policy);
  /// The snapshot policy in force.
  SnapshotPolicy snapshot_policy() const;
  /// The error of the last snapshot the policy attempted, OK when it succeeded or none was
  /// due yet. A failed policy snapshot fails no command (the command is durable already);
  /// the next attempt comes a whole interval later.
  absl::Status policy_snapshot_status() const;
  /// Lower-case hex SHA-256 of Engine::snapshot() — equal for equal states.
  std::string state_digest() const;
  /// What open found and did.
  const ReplayReport& open_report() const { return report_; }

  // --- several engines on one chain (PostgreSQL; docs/postgres.md) -----------------------

  /// Tries run() gives a command before it reports ABORTED.
  static constexpr int kDefaultTries = 5;
  /// Runs `fn` as one batch (Engine::batch). When its append loses the race to another
  /// writer of the chain (is_journal_conflict), catches up and re-runs `fn` against the
  /// new state — which may now refuse it — up to `max_tries` times in all, then returns
  /// ABORTED (without the conflict payload) naming the last conflict. On a journal
  /// without other writers it is Engine::batch.
  absl::Status run(const std::function<absl::Status(Engine&)>& fn, int max_tries = kDefaultTries);
  /// Applies the events other writers appended since this engine's last seq
  /// (Engine::apply_event, every row verified); returns how many. DATA_LOSS for a bad row.
  absl::StatusOr<std::uint64_t> catch_up();
  /// Read-your-writes across servers: catches up until the engine holds `min_seq`
  /// (e.g. an AppendResult::last_seq another server returned), waiting for hints and
  /// polling, for at most `timeout`. DEADLINE_EXCEEDED when the chain did not get there.
  absl::Status await_seq(std::uint64_t min_seq, absl::Duration timeout);
  /// Starts a thread that catches up whenever a hint comes and at least every
  /// `poll_interval` (1 ms .. 1 h; hints can be lost), then calls `after_catch_up` (if
  /// any) on that thread — how the C handle re-points its borrowed views. The engine's
  /// queries stay safe meanwhile. FAILED_PRECONDITION when already running.
  absl::Status start_tailing(absl::Duration poll_interval = absl::Seconds(1),
                             std::function<void()> after_catch_up = {});
  /// Stops that thread (no-op when none); the status of its last failed catch-up, if any.
  absl::Status stop_tailing();

 private:
  struct Tailer;
  struct TailerStop {
    void operator()(Tailer* t) const;
  };
  DurableEngine() = default;
  class PolicySink;
  void after_commit(std::uint64_t last_seq);  // the snapshot policy, after each command

  std::unique_ptr<Journal> journal_;
  std::unique_ptr<PolicySink> sink_;
  std::unique_ptr<Engine> engine_;  // destroyed before its sink
  ReplayReport report_;
  std::mutex catch_up_mu_;  // one catch-up at a time (taken before the engine's lock)
  mutable std::mutex policy_mu_;  // guards the policy state below (a leaf lock)
  SnapshotPolicy policy_;
  std::uint64_t base_seq_ = 0;   // the policy counts from this seq (the newest snapshot or attempt)
  absl::Time base_time_;         // ... and from this time
  bool policy_running_ = false;  // one policy snapshot at a time
  absl::Status policy_status_;
  std::unique_ptr<Tailer, TailerStop> tailer_;  // declared last: stopped first
};

/// `DurableEngine::open(path, options)`.
absl::StatusOr<std::unique_ptr<DurableEngine>> open_engine(const std::string& path,
                                                           const JournalOptions& options = {});

/// Lower-case hexadecimal of `bytes`.
std::string to_hex(std::span<const std::uint8_t> bytes);

/// Lower-case hex SHA-256 of `bytes` (OpenSSL libcrypto) — the state digest of
/// Engine::snapshot() bytes.
std::string sha256_hex(std::string_view bytes);

/// The chain hash of one row: SHA-256(prev ‖ be64(seq) ‖ be64(time) ‖ be32(len(type)) ‖
/// type ‖ payload). Exposed for tests and external verifiers.
ChainHash chain_hash(const ChainHash& prev, std::uint64_t seq, Timestamp time,
                     std::string_view type, std::string_view payload);

}  // namespace jiceng
