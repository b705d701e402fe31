// jiceng/loop.hpp — closed loops (闭环) as modules of one engine.
//
// Party-led co-governance runs on several loops that share the hierarchy, the calendar,
// the policy and the journal: petitions (诉求, built into the engine), deliberation
// (议事), public commitments (承诺), projects (项目), the service fund (经费), mediation
// (调解), assessment (考评). The Engine is their host: one event log, one journal sink,
// one undo log, one clock, one lock. A loop is a module that brings
//  - its declarative transition table (LoopTable): states, events, and rows naming the
//    guard and action *functions* that hold the behaviour, so reading the table is
//    reading the behaviour; the workflow diagram and the permission matrix are generated
//    from it (loop_diagram_dot, loop_permission_matrix);
//  - its events: every accepted command is one engine event of type `loop` whose
//    document names the loop, the event, the item and the event's data (canonical JSON);
//    the journal stores it as any other event and replay re-applies it;
//  - its snapshot section, its queries (JSON in, JSON out) and its wake-ups.
//
// Loops never include each other's headers: a loop reaches another only through the host,
// by events (a referral recorded on both sides names the other's loop and item).
//
// Adding a loop: implement `Loop` (or derive from the table-driven base in
// src/loop/table_loop.hpp), and add its factory to the host's registration list
// (src/loop/registry.cpp), or call register_loop() before creating engines. docs/internals.md
// walks through it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "jiceng/petition.hpp"
#include "jiceng/types.hpp"

namespace jiceng {

class OrgGraph;
class PolicySet;
class WorkCalendar;

/// The undo log (撤销日志) of the host: one for commands, configuration events and batches.
/// While a batch runs, whatever changes state first pushes how to put it back; a rollback
/// runs the entries newest first. Outside a batch nothing is recorded (a single command
/// is checked completely before it changes anything, so it has nothing to undo).
class UndoLog {
 public:
  /// A compact entry: `fn(owner, bytes)` restores what `bytes` saved (copied into the log).
  using RawFn = void (*)(void* owner, const void* bytes);
  UndoLog() = default;
  UndoLog(const UndoLog&) = delete;
  UndoLog& operator=(const UndoLog&) = delete;

  /// True while a batch (or a tick) records undo entries.
  bool recording() const { return recording_; }
  /// Pushes a closure (configuration changes, loop state). No-op when not recording.
  void push(absl::AnyInvocable<void() &&> fn);
  /// Pushes a compact entry: `size` bytes copied from `bytes`, restored by `fn(owner, copy)`
  /// (the petition book's records: no allocation per entry). No-op when not recording.
  void push_raw(RawFn fn, void* owner, const void* bytes, std::size_t size);

  /// Starts recording (a batch begins). The log must be empty.
  void begin();
  /// Runs every entry newest first, then stops recording.
  void rollback();
  /// Drops every entry (the batch committed) and stops recording.
  void commit();
  /// Number of entries (for tests).
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    RawFn raw = nullptr;
    void* owner = nullptr;
    std::size_t offset = 0;                   // raw entries: where their bytes start
    absl::AnyInvocable<void() &&> closure;  // closure entries
  };
  bool recording_ = false;
  std::vector<Entry> entries_;
  std::vector<unsigned char> bytes_;  // raw entries' saved bytes, 8-byte aligned slots
};

/// One state of a loop (the initial pseudo-state "new" is implicit: rows with an empty
/// `from` create an item).
struct LoopState {
  std::string_view name;  ///< e.g. "draft"
  std::string_view zh;    ///< e.g. "草拟"
  bool terminal = false;  ///< no row leaves it
};

/// One event type of a loop.
struct LoopEventType {
  std::string_view name;  ///< e.g. "approve"
  std::string_view zh;    ///< e.g. "批准"
};

struct LoopCall;
/// A guard (守卫): what must hold besides state, role and scope. Returns the refusal.
using LoopGuardFn = absl::Status (*)(const LoopCall& call);
/// An action (动作): the state change of an accepted event beyond the state itself. It
/// runs on apply (live, after the journal accepted the event, and in replay) and pushes
/// undo entries for what it changes; it must not fail for an event its guard passed.
using LoopActionFn = absl::Status (*)(LoopCall& call);

/// Which unit an actor's unit must be at or above for a row (role × scope, 角色×范围).
enum class LoopScope : std::uint8_t {
  kAnywhere = 0,        ///< no unit restriction
  kItemUnit = 1,        ///< the item's unit or an ancestor of it
  kStrictAncestor = 2,  ///< a strict ancestor of the item's unit (supervision from above)
};
std::string_view to_string(LoopScope s);

/// One row of a loop's transition table.
struct LoopRow {
  std::string_view from;   ///< state name; empty = the item does not exist yet (creates it)
  std::string_view event;  ///< event type name
  std::string_view to;     ///< state after the event
  RoleMask roles = 0;      ///< who may (role_bit(...) | ...)
  LoopScope scope = LoopScope::kItemUnit;
  std::string_view guard_name;  ///< for the diagram ("none" when no guard)
  LoopGuardFn guard = nullptr;
  std::string_view action_name;  ///< for the diagram ("none" when no action)
  LoopActionFn action = nullptr;
};

/// A loop's declarative table.
struct LoopTable {
  std::string_view loop;       ///< the loop's name, e.g. "deliberation" (a-z, 0-9, _)
  std::string_view zh;         ///< e.g. "议事"
  std::string_view id_prefix;  ///< display ids: prefix + 8 digits, e.g. "M00000001"
  std::span<const LoopState> states;
  std::span<const LoopEventType> events;
  std::span<const LoopRow> rows;
};

/// Checks a table: unique names, every row's states and event known, no two rows for one
/// (from, event), a non-empty role set, at least one creating row. FAILED_PRECONDITION
/// naming the first problem.
absl::Status check_table(const LoopTable& table);
/// The row for (from, event), or nullptr.
const LoopRow* find_row(const LoopTable& table, std::string_view from, std::string_view event);
/// Graphviz DOT of the table (states as nodes, rows as edges labelled event / roles / guard).
std::string loop_diagram_dot(const LoopTable& table);
/// The permission matrix as Markdown: one line per (state, event) with roles and scope.
std::string loop_permission_matrix(const LoopTable& table);
/// The table as JSON (what the generic C surface and Python read to build a loop's class).
std::string loop_table_json(const LoopTable& table);

/// A recorded event of a loop: the content of one engine event of type `loop`.
struct LoopEvent {
  std::string loop;        ///< loop name
  std::string event;       ///< event type name
  std::uint64_t item = 0;  ///< the item it concerns (1-based within the loop)
  std::string data;        ///< canonical JSON object of the event's data ("{}" when none)
  friend bool operator==(const LoopEvent&, const LoopEvent&) = default;
};
/// The canonical document of a loop event ({"loop","event","item","data"} in that order).
std::string encode_loop_event(const LoopEvent& e);
/// Parses encode_loop_event output. DATA_LOSS when malformed.
absl::StatusOr<LoopEvent> decode_loop_event(std::string_view document);

/// What the host gives a loop: the shared configuration and the undo log. Valid only
/// during the call it is passed to.
class LoopHost {
 public:
  virtual ~LoopHost() = default;
  virtual const OrgGraph& org() const = 0;
  virtual const WorkCalendar& calendar() const = 0;
  virtual const PolicySet& policy() const = 0;
  virtual UndoLog& undo() = 0;
  /// Whether this call is a replay of a recorded event (no new decisions).
  virtual bool replaying() const = 0;
  /// Read-only: a query (`get`, `list`, ...) of another hosted loop, answered on the state
  /// as of this call (live: before this event; replay: at the same point of the log, so
  /// replay decides as live did). A loop checks a reference to another loop's item with it
  /// (the service fund checks the project a spend names) without including its headers.
  /// NOT_FOUND for a loop this host does not host; the other loop's errors pass through.
  /// The engine also answers `query_loop("petition", "get", {"id": "P00000042"})` with the
  /// petition's id, state, category, track, handling unit, location unit and whether a
  /// referral holds its evaluation, "evaluation_held" (NOT_FOUND for
  /// a petition it does not hold), so a loop can check a referral.
  /// The default answers NOT_FOUND (a host that offers no loop queries).
  virtual absl::StatusOr<std::string> query_loop(std::string_view loop, std::string_view name,
                                                 std::string_view params) const;

  /// Referral (转办): a loop item that takes up a petition (a mediation case referred from
  /// it, a deliberation matter raised from it) holds the petition's evaluation. The
  /// petition, named by its display id, must be in progress and not held already; once
  /// answered (resolve) it waits with no evaluation deadline, and evaluate and close are
  /// refused, until the item releases it. Called from a row's action, so replay rebuilds
  /// the hold from the loop's own event, which names the petition. TableLoop releases
  /// every petition an item holds when the item reaches a terminal state (see
  /// hold_referred_petition in src/loop/table_loop.hpp). NOT_FOUND for a petition the
  /// engine does not hold, FAILED_PRECONDITION otherwise; the default refuses (a host
  /// with no petitions).
  virtual absl::Status hold_petition(std::string_view petition, Timestamp now);
  /// Ends a hold: a petition already answered gets its evaluation window from `now` (the
  /// policy's evaluation limit), as if answered at the item's conclusion; one not yet
  /// answered goes on as any other. FAILED_PRECONDITION when it is not held.
  virtual absl::Status release_petition(std::string_view petition, Timestamp now);
};

/// A command to a loop.
struct LoopCommand {
  std::string_view event;    ///< event type name
  std::uint64_t item = 0;    ///< 0 for a command that creates an item
  std::string_view payload;  ///< JSON object (empty = {})
  Actor actor;               ///< who (validated by the host: role, unit in the org)
  Timestamp now = 0;         ///< when (validated by the host)
};

/// What an accepted loop command did.
struct LoopOutcome {
  std::uint64_t item = 0;  ///< the item it concerned (the new one for a creating command)
  std::uint64_t seq = 0;   ///< its event's seq
};

/// A loop module. The host serializes every call (its lock); a loop keeps no lock.
class Loop {
 public:
  virtual ~Loop() = default;
  /// The loop's table (static data; the host checks it at registration).
  virtual const LoopTable& table() const = 0;
  /// Checks a command against the current state and returns the event to record
  /// (item filled in for a creating command). Changes nothing.
  virtual absl::StatusOr<LoopEvent> decide(const LoopCommand& command, LoopHost& host) const = 0;
  /// Applies a recorded event: live after the journal accepted it (decide passed in this
  /// same state), and in replay and apply_event (DATA_LOSS when it does not apply).
  /// Pushes undo entries on host.undo() for everything it changes.
  virtual absl::Status apply(const LoopEvent& event, const Actor& actor, Timestamp time, LoopHost& host) = 0;
  /// A query by name with JSON parameters; returns JSON. NOT_FOUND for an unknown query
  /// or item, INVALID_ARGUMENT for bad parameters.
  virtual absl::StatusOr<std::string> query(std::string_view name, std::string_view params,
                                            const LoopHost& host) const = 0;
  /// Canonical bytes of the loop's state; empty when the loop holds nothing (so an engine
  /// that never used a loop snapshots exactly as before the loop existed).
  virtual std::string snapshot() const = 0;
  /// Replaces the state by a snapshot section. All or nothing.
  virtual absl::Status restore(std::string_view bytes) = 0;
  /// The earliest time the loop wants the clock (kNoDeadline when never).
  virtual Timestamp next_wake() const { return kNoDeadline; }
  /// The clock's commands due at `now` (run as the system actor, in order).
  virtual std::vector<LoopCommand> due(Timestamp /*now*/) const { return {}; }
  /// Bytes held (EngineMemory).
  virtual std::size_t memory_bytes() const { return 0; }
};

/// Makes a fresh, empty loop.
using LoopFactory = std::function<std::unique_ptr<Loop>()>;

/// Adds a loop to the process-wide registration list (after the built-in list of
/// src/loop/registry.cpp); engines created afterwards host it. INVALID_ARGUMENT for a
/// table that does not check, ALREADY_EXISTS for a loop name already registered.
/// Thread-safe.
absl::Status register_loop(LoopFactory factory);
/// Names of the registered loops, in registration order.
std::vector<std::string> registered_loops();
/// Fresh instances of every registered loop (the host calls this at create and restore).
std::vector<std::unique_ptr<Loop>> make_registered_loops();

}  // namespace jiceng
