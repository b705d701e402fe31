// jiceng/engine.hpp — the Engine (引擎): one object that owns the org graph (组织体系),
// the working-day calendar (工作日历), the policy set (政策) and every petition (诉求),
// and runs the closed loop 民意收集—响应处理—跟踪督促—评估评价 through the transition
// table of petition.hpp.
//
// One call path, no back and forth: a command is checked (state machine row, role,
// scope, guard), becomes exactly one Event, goes to the EventSink (the journal), and only
// then changes memory. State is a fold over events.
//
// Seams for the layers above (journal, C ABI, KPIs):
//  1. EventSink — `set_event_sink(sink)`: every command builds its event and calls
//     `sink->append({event})` BEFORE it changes anything; if the sink fails the command
//     fails with the sink's status and the state is unchanged. Configuration changes
//     (load_org, set_policy, load_calendar_csv) are events too.
//  2. `apply_event(e)` re-applies a recorded event (replay): the same checks and the same
//     deterministic action, no sink call. Its seq must be the next one. Clock events
//     (mark_overdue and the system's urge / escalate / close) replay as recorded.
//  3. `encode_event` / `decode_event`: the canonical, versioned binary form of an Event
//     (the journal's payload column). Same event ⇒ same bytes.
//  4. `snapshot()` / `restore()`: the canonical bytes of the whole state (org graph,
//     policy, calendar years added, every petition with its history, counters, next
//     seq). Two engines with equal state give byte-identical snapshots; the journal
//     hashes them as the state digest.
//  5. `batch(fn)`: every event of the commands run inside `fn` reaches the sink in ONE
//     append call (one SQLite transaction). If `fn` fails, or the final append fails,
//     the whole batch is rolled back: the state is exactly as before the batch.
//  6. Thread safety: one Engine may be shared by threads. Queries take a reader lock;
//     commands, tick, batch and restore take the writer lock. Inside `batch(fn)` the
//     calling thread may call any method of the same engine (it holds the lock).
//  7. Read models (KpiIndex; boards and ledgers later) fold the event log. The history
//     only grows, except at a *rewind* — a rolled-back batch or tick that had recorded
//     events, or a restore — which `history_epoch()` counts; `surviving_seq(mark)` tells
//     a reader how much of what it folded is still the engine's history, so a read model
//     rebuilds instead of keeping rolled-back events. `read(fn)` runs a read model's
//     update and query inside the engine's reader lock.
//
// Lock order (one, for every layer): the engine's lock (reader or writer; a batch holds
// the writer lock) is taken BEFORE any lock of a read model (the C handle's KPI mutex).
// A thread holding a read model's lock calls the engine only inside the engine lock it
// already holds (`read(fn)` or its own batch) and never waits for the engine's lock. The
// journal's mutex is taken by the sink under the writer lock (engine before journal).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "jiceng/calendar.hpp"
#include "jiceng/loop.hpp"
#include "jiceng/petition.hpp"
#include "jiceng/types.hpp"

namespace jiceng {

class OrgGraph;
class PolicySet;

/// Receives every accepted event before the engine applies it (the journal's seam).
class EventSink {
 public:
  virtual ~EventSink() = default;
  /// Makes `events` durable, all or nothing. A non-OK status makes the engine refuse
  /// (and roll back) the command or batch that produced them.
  virtual absl::Status append(std::span<const Event> events) = 0;
  /// Called after a command, batch or tick whose events reached the engine's log has
  /// released the engine's writer lock, on the thread that ran it, with the last seq then
  /// (once per batch, never for rolled-back work). It may call the engine: a journal takes
  /// its policy snapshots here. It must not throw (an exception is dropped). Default: nothing.
  virtual void committed(std::uint64_t last_seq) { static_cast<void>(last_seq); }
};

/// What one `tick` did.
struct TickReport {
  std::size_t examined = 0;     ///< petitions whose wake-up time had come
  std::size_t urged = 0;        ///< automatic 催办 events
  std::size_t overdue = 0;      ///< mark_overdue events
  std::size_t escalated = 0;    ///< automatic 上报 events
  std::size_t closed = 0;       ///< automatic 归档 events (no evaluation in time)
  std::size_t loop_events = 0;  ///< events of hosted loops' clocks
  std::size_t events = 0;       ///< all events produced
};

/// Counts kept by the engine (cheap, for invariants and KPIs).
struct EngineStats {
  std::size_t petitions = 0;
  std::size_t open = 0;                    ///< received, accepted, dispatched, in_progress, resolved
  std::array<std::size_t, kStateCount> per_state{};
  std::uint64_t events = 0;                ///< events recorded (== last seq)
};

/// Memory held by the petition book, for the memory target (≤512 bytes per open
/// petition, text excluded; docs/targets.md "Memory").
struct EngineMemory {
  std::size_t petition_bytes = 0;   ///< petition records
  std::size_t event_bytes = 0;      ///< compact event log
  std::size_t index_bytes = 0;      ///< deadline heap, idempotency keys, same-matter index, interning
  std::size_t text_bytes = 0;       ///< petition texts, reasons, answers (side arena)
  std::size_t document_bytes = 0;   ///< configuration documents (org JSON, policy JSON) and loop events
  std::size_t loop_bytes = 0;       ///< the hosted loops' state
};

/// Options for a query.
struct QueryOptions {
  bool raw_contact = false;  ///< unmasked personal data (names, phones) — ask explicitly
  std::size_t limit = 0;     ///< at most this many results (0 = all)
};

/// A borrowed view of one event with the fields an indexer reads (KpiIndex): no
/// allocation. The string views point into the engine and are valid only inside the
/// Engine::for_each_event callback that receives it.
struct EventRef {
  std::uint64_t seq = 0;
  Timestamp time = 0;
  PetitionId petition = kNoPetition;  ///< kNoPetition for configuration events
  EventType type = EventType::kSubmit;
  std::string_view location;          ///< submit: the location as submitted
  std::string_view category;          ///< submit
  Channel channel = Channel::kOnlinePlatform;  ///< submit
  std::string_view unit;              ///< dispatch, escalate, reopen: the target unit
  bool not_ours = false;              ///< return: as not ours (非本单位职责)
  Evaluation evaluation{};            ///< evaluate
  std::string_view actor;             ///< support, withdraw_support: the resident's id
  PetitionId linked = kNoPetition;    ///< merge: the petition merged into (the kept one)
};

/// Where a reader of the event log (a read model) stands: it has folded events 1..seq of
/// the history as it stood at `epoch` (Engine::history_epoch when it last caught up).
struct HistoryMark {
  std::uint64_t epoch = 0;
  std::uint64_t seq = 0;
  friend bool operator==(const HistoryMark&, const HistoryMark&) = default;
};

/// A read model the engine owns (读模型: the KPI index; boards and ledgers later): made on
/// first use by Engine::read_model and dropped with the engine, so no binding keeps one
/// of its own. It folds the event log itself (Engine::for_each_event), guards its state with
/// a lock of its own taken inside the engine's (the lock order above), and rebuilds after a
/// rewind (history_epoch, surviving_seq).
class ReadModel {
 public:
  virtual ~ReadModel() = default;
};

/// The engine. Create with `Engine::create`; not copyable (snapshot/restore copies state).
class Engine {
 public:
  /// A fresh engine: the official calendar (WorkCalendar::china()), the given policy set
  /// (built-in name, e.g. "national" or "suzhou-sip"), an empty org graph.
  /// These initial settings are not events; a journal records them through set_policy.
  static absl::StatusOr<std::unique_ptr<Engine>> create(std::string_view policy = "national");
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // --- configuration commands (each is one event) -------------------------------------

  // Each configuration command records who ran it. The forms without an actor record the
  // engine's own `system` (kept for hosts that configure once at start); the forms taking
  // `by` record the host's person (an id of 1-256 bytes of UTF-8; the unit is recorded, not
  // checked: configuration may be what creates it) — PERMISSION_DENIED for the role
  // `system` unless allow_system_role(true).

  /// Replaces the org graph by the one in `json` (OrgGraph::load_json format), all or
  /// nothing. FAILED_PRECONDITION when an open petition's current or location unit is
  /// not in the new graph.
  absl::Status load_org(std::string_view json, Timestamp now = 0);
  absl::Status load_org(const Actor& by, std::string_view json, Timestamp now);
  /// Replaces the policy: a built-in set name, or a policy set JSON document.
  absl::Status set_policy(std::string_view name_or_json, Timestamp now = 0);
  absl::Status set_policy(const Actor& by, std::string_view name_or_json, Timestamp now);
  /// Adds or replaces calendar years (WorkCalendar::load_csv format). When a day changes
  /// kind (an official year replacing provisional days, a corrected schedule), the open
  /// deadlines whose span holds a changed day are recomputed in the same event; each
  /// shows the change in PetitionView::deadline_revisions and in its history.
  absl::Status load_calendar_csv(std::string_view csv, Timestamp now = 0);
  absl::Status load_calendar_csv(const Actor& by, std::string_view csv, Timestamp now);
  /// Sets the calendar's mode and provisional rule version (one event, recorded as
  /// `mode=provisional rule=1`), recomputing open deadlines as load_calendar_csv does.
  /// INVALID_ARGUMENT (and no change) for a rule version this library does not know.
  absl::Status set_calendar_mode(CalendarMode mode, int provisional_rule = kProvisionalRuleVersion,
                                 Timestamp now = 0);
  /// The calendar's coverage and warning as of `now` (WorkCalendar::coverage).
  CalendarCoverage calendar_coverage(Timestamp now) const;

  /// The role `system` (系统) is the engine's clock's: its events are flagged automatic and
  /// may urge, escalate or close anywhere. A host command (a petition command, a loop
  /// command, a configuration command with an actor) claiming it is PERMISSION_DENIED
  /// unless the host opts in here — a migration replaying an outside clock, a test harness.
  /// Not an event and not in snapshots: a process-local setting, off in every new engine.
  /// Replay never asks (a recorded event was allowed when it was recorded).
  void allow_system_role(bool allow);
  /// Whether allow_system_role(true) is in force.
  bool system_role_allowed() const;

  // --- the eighteen commands -----------------------------------------------------------

  /// 提交: registers a petition; returns its id. With an idempotency key already seen,
  /// returns the first petition's id and records nothing.
  absl::StatusOr<PetitionId> submit(const Actor& actor, const EventPayload& submission, Timestamp now);
  absl::Status accept(const Actor& a, PetitionId id, Timestamp now);                           ///< 受理
  absl::Status reject(const Actor& a, PetitionId id, std::string_view reason, Timestamp now);  ///< 不予受理
  /// 合并: `id` (received or accepted) into `into`, the kept petition: still open, of the
  /// same category, and within the actor's scope too (PERMISSION_DENIED otherwise). `id`
  /// ends merged (terminal) naming `into` (PetitionView::merged_into, and `into` lists it in
  /// merged_from); its supporters and its petitioner become supporters of `into` (once
  /// each, never `into`'s own petitioner). Into itself: INVALID_ARGUMENT; into a closed or
  /// terminal petition, across categories, or a second time: FAILED_PRECONDITION.
  absl::Status merge(const Actor& a, PetitionId id, PetitionId into, Timestamp now);
  /// 派单: `unit` empty = by policy routing; `designated` = 指定 (return forbidden).
  absl::Status dispatch(const Actor& a, PetitionId id, std::string_view unit, bool designated, Timestamp now);
  absl::Status sign(const Actor& a, PetitionId id, Timestamp now);                             ///< 签收
  absl::Status return_petition(const Actor& a, PetitionId id, std::string_view reason, Timestamp now);  ///< 退单
  /// 退单 as not ours (非本单位职责): a return (same roles, window, cap and designated rule as
  /// return_petition) that names who is competent instead — `competent_unit`, a unit of the
  /// org graph other than the one returning it, or `external_body`, a body outside the graph
  /// (1-128 bytes) — exactly one of them, and a reason, shown to the resident
  /// (PetitionView::not_ours). INVALID_ARGUMENT without them (or with both), NOT_FOUND for a
  /// unit not in the graph. Counted per returning unit in the KPIs.
  absl::Status return_not_ours(const Actor& a, PetitionId id, std::string_view competent_unit,
                               std::string_view external_body, std::string_view reason, Timestamp now);
  absl::Status escalate(const Actor& a, PetitionId id, std::string_view reason, Timestamp now); ///< 上报
  absl::Status request_extension(const Actor& a, PetitionId id, Duration amount, std::string_view reason,
                                 Timestamp now);                                               ///< 申请延期
  absl::Status grant_extension(const Actor& a, PetitionId id, Timestamp now);                  ///< 批准延期
  absl::Status deny_extension(const Actor& a, PetitionId id, std::string_view reason, Timestamp now);  ///< 驳回延期
  absl::Status urge(const Actor& a, PetitionId id, std::string_view note, Timestamp now);      ///< 催办
  absl::Status supervise(const Actor& a, PetitionId id, std::string_view note, Timestamp now); ///< 督办
  absl::Status resolve(const Actor& a, PetitionId id, std::string_view answer, Timestamp now); ///< 办结
  absl::Status evaluate(const Actor& a, PetitionId id, const Evaluation& e, Timestamp now);    ///< 评价
  absl::Status reopen(const Actor& a, PetitionId id, ReopenKind kind, std::string_view reason,
                      Timestamp now);                                                          ///< 重办/复查/复核
  absl::Status close(const Actor& a, PetitionId id, std::string_view reason, Timestamp now);   ///< 归档
  absl::Status withdraw(const Actor& a, PetitionId id, std::string_view reason, Timestamp now);///< 撤回

  // --- participation (附议; kParticipation in petition.hpp) ------------------------------

  /// 附议: resident `a` supports another resident's petition (received, accepted,
  /// dispatched or in_progress). One event; the petition's state does not change.
  /// PERMISSION_DENIED for a role other than resident and for the resident's own petition;
  /// FAILED_PRECONDITION for a second support by the same resident or another state.
  absl::Status support(const Actor& a, PetitionId id, Timestamp now);
  /// 撤回附议: the resident takes the support back (FAILED_PRECONDITION when there is none);
  /// a later support by the same resident is accepted again.
  absl::Status withdraw_support(const Actor& a, PetitionId id, Timestamp now);

  /// Any command by type (for bindings and table-driven tests). Returns the petition id
  /// (the new one for submit). Configuration types are refused here (use their methods).
  absl::StatusOr<PetitionId> execute(const Actor& actor, EventType type, PetitionId id,
                                     const EventPayload& payload, Timestamp now);

  // --- the hot path --------------------------------------------------------------------

  /// Resolves an actor once (interns the id, looks up the unit): NOT_FOUND for an unknown
  /// unit. The handle stays valid for this engine's lifetime (also across load_org).
  absl::StatusOr<ActorHandle> resolve_actor(const Actor& actor);
  /// `execute` with a resolved actor: no string hashing of ids on the way.
  absl::StatusOr<PetitionId> execute(const ActorHandle& actor, EventType type, PetitionId id,
                                     const EventPayload& payload, Timestamp now);
  /// Payload-free commands with a resolved actor (sign, accept, grant_extension,
  /// routed non-designated dispatch, ...), the fastest path.
  absl::Status execute(const ActorHandle& actor, EventType type, PetitionId id, Timestamp now);

  // --- hosted loops (jiceng/loop.hpp) ---------------------------------------------------
  /// Names of the loops this engine hosts besides petitions, in registration order.
  std::vector<std::string> loops() const;
  /// A hosted loop's table; nullptr for a name it does not host.
  const LoopTable* loop_table(std::string_view loop) const;
  /// Runs a command of a hosted loop: checked (table row, role, scope, guard), recorded as
  /// one event of type `loop` (through the sink; inside a batch, with it), then applied.
  /// The actor is validated as for petitions (unit in the org graph); the role `system`
  /// is the clock's and is refused (PERMISSION_DENIED). NOT_FOUND for an unknown loop.
  absl::StatusOr<LoopOutcome> command(std::string_view loop, const LoopCommand& command);
  /// A query of a hosted loop by name (JSON parameters in, JSON out), under the reader
  /// lock. NOT_FOUND for an unknown loop or query.
  absl::StatusOr<std::string> query(std::string_view loop, std::string_view name,
                                    std::string_view params = {}) const;

  // --- the clock -----------------------------------------------------------------------

  /// 跟踪督促: for every petition whose next wake-up time is ≤ now (a deadline-ordered
  /// heap, so only due items are touched): urge ahead of the deadline, mark overdue at
  /// the deadline, escalate one level (within the ceiling) after the grace period, and
  /// close resolved items not evaluated by the evaluation deadline. All its events go to
  /// the sink in one append; if that fails nothing changes.
  absl::StatusOr<TickReport> tick(Timestamp now);
  /// Whose wake-ups next_wake() looks at.
  enum class WakeSource : std::uint8_t {
    kAll = 0,        ///< the petitions' and the hosted loops'
    kPetitions = 1,  ///< the petitions' alone (O(1): the deadline heap's top)
    kLoops = 2,      ///< the hosted loops' alone (each loop scans its items)
  };
  /// The earliest time at which tick() may find something due (kNoDeadline when none).
  /// Never later than the next real wake-up; may be earlier (a wake-up a later command made
  /// stale, which a tick drops), so a host driving the clock wake-up by wake-up (what-if
  /// replay) ticks there and asks again.
  Timestamp next_wake(WakeSource source = WakeSource::kAll) const;

  // --- event sourcing ------------------------------------------------------------------

  /// Sets the sink (nullptr = in-memory only). Not owned; must outlive its use.
  void set_event_sink(EventSink* sink);
  /// Re-applies a recorded event (replay). FAILED_PRECONDITION when its seq is not the
  /// next one; DATA_LOSS when it does not apply to the current state as it did when
  /// recorded. No sink call.
  absl::Status apply_event(const Event& event);
  /// Canonical binary encoding (format version 1).
  static std::string encode_event(const Event& event);
  /// Appends the encoding to `out` (no temporary string).
  static void encode_event_to(const Event& event, std::string& out);
  /// Decodes `encode_event` output. DATA_LOSS for malformed bytes, FAILED_PRECONDITION for
  /// an unknown format version.
  static absl::StatusOr<Event> decode_event(std::string_view bytes);
  /// Canonical bytes of the whole state.
  std::string snapshot() const;
  /// Replaces the whole state by a snapshot. All or nothing.
  absl::Status restore(std::string_view bytes);
  /// Runs `fn` as one unit: all its events reach the sink in one append; on any error
  /// (from fn or from the sink) the state rolls back to before the batch and the error
  /// is returned. Batches do not nest.
  absl::Status batch(const std::function<absl::Status(Engine&)>& fn);

  // --- queries (reader lock) -----------------------------------------------------------

  /// One petition. NOT_FOUND for an unknown id.
  absl::StatusOr<PetitionView> get(PetitionId id, const QueryOptions& options = {}) const;
  /// The petition's state alone: no view is built (the hot query). NOT_FOUND for an
  /// unknown id.
  absl::StatusOr<State> state(PetitionId id) const;
  /// The deadline of the petition's current state (kNoDeadline when none), without
  /// building a view. NOT_FOUND for an unknown id.
  absl::StatusOr<Timestamp> deadline(PetitionId id) const;
  /// The id of the petition submitted with this idempotency key, if any.
  std::optional<PetitionId> find_by_key(std::string_view idempotency_key) const;
  /// The petition's events in order. NOT_FOUND for an unknown id.
  absl::StatusOr<std::vector<Event>> history(PetitionId id) const;
  /// Events with seq in [from_seq, from_seq + max), all petitions and configuration.
  std::vector<Event> events(std::uint64_t from_seq, std::size_t max) const;
  /// Calls `fn` for the events with seq in [from_seq, from_seq + max), in order, as
  /// allocation-free EventRef views (what an indexer such as KpiIndex reads), under the
  /// reader lock; stops at the first non-OK status and returns it. `fn` must not call
  /// back into this engine. Returns OK after the last event.
  absl::Status for_each_event(std::uint64_t from_seq, std::size_t max,
                              absl::FunctionRef<absl::Status(const EventRef&)> fn) const;
  /// Ids of petitions in `state`, ascending.
  std::vector<PetitionId> by_state(State state, const QueryOptions& options = {}) const;
  /// Ids of petitions whose current unit is in the subtree of `unit`. NOT_FOUND for an
  /// unknown unit.
  absl::StatusOr<std::vector<PetitionId>> by_unit_subtree(std::string_view unit,
                                                          const QueryOptions& options = {}) const;
  /// Open petitions whose current deadline is ≤ now.
  std::vector<PetitionId> overdue(Timestamp now, const QueryOptions& options = {}) const;
  /// Open petitions whose current deadline falls within `workdays` working days of now
  /// (and is not yet past).
  absl::StatusOr<std::vector<PetitionId>> due_within(Timestamp now, int workdays,
                                                     const QueryOptions& options = {}) const;
  /// 四方协同 routing: who answers for a matter of `category` at `location` (a household or
  /// unit id) inside its compound under the policy in force, and the org unit standing for
  /// that party. party = none when the location is not in a compound or the policy has no
  /// `petition.compound_parties`. NOT_FOUND for an unknown location; INVALID_ARGUMENT for a
  /// malformed category.
  absl::StatusOr<PartyRoute> route_party(std::string_view category, std::string_view location) const;
  /// The response text (答复) the petition's resident is shown now: the policy's template
  /// for its category and state (`petition.responses`; the "default" category's when its
  /// own has none) with the placeholders filled — {petition_id}, {category}, {state} (Chinese
  /// name), {unit} and {location} (unit names), {deadline} and {submitted_at} (China time,
  /// "2026年2月26日 17:30"). NOT_FOUND for an unknown petition or when no template applies.
  absl::StatusOr<std::string> response_text(PetitionId id) const;
  /// The residents supporting a petition now (附议), by id ascending. NOT_FOUND for an
  /// unknown id.
  absl::StatusOr<std::vector<std::string>> supporters(PetitionId id) const;
  /// The needs list (需求清单): petitions still being taken up or handled (received,
  /// accepted, dispatched, in_progress) whose location lies in the subtree of `unit` (empty =
  /// all), highest petition_priority first (older first among equals). NOT_FOUND for an
  /// unknown unit.
  absl::StatusOr<std::vector<PetitionId>> needs_list(std::string_view unit, const QueryOptions& options = {}) const;
  /// Suggested duplicates of a petition (疑似重复), to show right after `submit`: the other
  /// open petitions (received … resolved) of the same category at the same place (the same
  /// grid, or building, by policy rule `petition.duplicates`) submitted within its window
  /// before or after it, oldest first. A suggestion only: intake staff decide whether to
  /// `merge`, and the resident may `support` one of them instead. NOT_FOUND for an unknown id.
  absl::StatusOr<std::vector<PetitionId>> duplicates(PetitionId id, const QueryOptions& options = {}) const;
  /// Petition as JSON (ids, names of states, events in order); contact masked unless raw.
  absl::StatusOr<std::string> export_json(PetitionId id, const QueryOptions& options = {}) const;

  /// Counts.
  EngineStats stats() const;
  /// Memory of the petition book.
  EngineMemory memory() const;
  /// Seq of the last recorded event (0 when none).
  std::uint64_t last_seq() const;
  /// Number of rewinds of the history so far: a batch or tick rolled back after it had
  /// recorded events (their seqs are then reused by later events), and every restore.
  /// Between two rewinds the history only grows.
  std::uint64_t history_epoch() const;
  /// What an ActorHandle is bound to: the engine's identity, process-unique (a global
  /// counter, never an address, so an engine allocated where a freed one lay differs)...
  std::uint64_t identity() const;
  /// ...and its generation: a fresh value of the same counter at every restore (so also
  /// unique in the process), kept by load_org. Lock-free; for bindings with a handle of
  /// their own (the C ABI's check word).
  std::uint64_t generation() const;
  /// How much of a reader's history survives: the largest n ≤ mark.seq such that events
  /// 1..n are still the events the reader folded. mark.seq when no rewind happened since
  /// mark.epoch; else the fewest events a rewind since then kept (0 after a restore, and
  /// when more than 64 rewinds happened since, or the mark is not from this engine).
  std::uint64_t surviving_seq(const HistoryMark& mark) const;
  /// Runs `fn` holding the reader lock, so that a read model can update and answer from
  /// one state of the engine (the lock order above: a read model's own lock is taken
  /// inside fn). Queries of this engine that fn makes on this thread do not lock again.
  /// On a thread running a batch on this engine, fn just runs (the batch holds the writer
  /// lock). fn must not run commands, tick, batch or restore (they would wait for fn), nor
  /// enter read() of another engine that calls back into this one. Returns fn's status.
  absl::Status read(absl::FunctionRef<absl::Status()> fn) const;
  /// The engine's read model under `key`, made by `make` the first time it is asked for;
  /// it lives as long as the engine. Thread-safe (a short lock of its own, never held while
  /// calling into the engine). Use the model inside read() or the thread's batch.
  ReadModel& read_model(std::string_view key, absl::FunctionRef<std::unique_ptr<ReadModel>()> make) const;
  /// The policy in force (parsed).
  PetitionPolicy policy() const;
  /// The policy set's name.
  std::string policy_name() const;
  /// Number of org units.
  std::size_t unit_count() const;
  /// The org graph. Not synchronized: do not call while another thread runs load_org/restore.
  const OrgGraph& org() const;
  /// The calendar. Same caveat as org().
  const WorkCalendar& calendar() const;
  /// "P00000042".
  static std::string display_id(PetitionId id);
  /// Parses "P00000042" or "42".
  static std::optional<PetitionId> parse_display_id(std::string_view text);

  struct Impl;  ///< internal

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// mask_name / mask_phone (personal data in exports) are declared in jiceng/types.hpp.

}  // namespace jiceng
