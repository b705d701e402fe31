// Internal: the Engine's state. Petitions are compact records in one vector; events
// are 40-byte records in one append-only vector, chained per petition; texts live in a
// side arena; ids (units, actors, residents, categories) are interned so the hot path
// compares integers. Everything a snapshot holds is written by value (strings), so the
// interning order never shows in the canonical bytes.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "jiceng/engine.hpp"
#include "jiceng/loop.hpp"
#include "jiceng/policy.hpp"
#include "petition/org_bridge.hpp"
#include "common/strings.hpp"

namespace jiceng::pet {

struct Step;

inline constexpr std::uint32_t kNoRef = 0xFFFFFFFFu;
/// Limits of a submission's contact fields (bytes of UTF-8).
inline constexpr std::size_t kMaxContactName = 256;
inline constexpr std::size_t kMaxContactPhone = 64;
inline constexpr Timestamp kNoWake = kNoDeadline;

/// A string in the text arena: offset << 24 | length (texts up to 16 MiB).
using TextRef = std::uint64_t;
inline constexpr std::uint64_t kMaxArenaText = (1u << 24) - 1;
inline std::uint64_t text_off(TextRef t) { return t >> 24; }
inline std::uint32_t text_len(TextRef t) { return static_cast<std::uint32_t>(t & kMaxArenaText); }

/// A category name submit accepts: 1-64 bytes of a-z, 0-9, '_', '-', '.'. Restore holds a
/// snapshot's categories to the same rule (one rule, so a snapshot cannot bring in a
/// category no command could have made).
bool valid_category(std::string_view c);

/// Append-only string interning (ids → dense integers). The names live in a deque
/// (elements never move as it grows) and the map's keys are views of them, so a new
/// name costs one string (none for short ids) and rehashing moves only views.
class Interner {
 public:
  Interner() = default;
  // Not copyable: the map's keys view the deque's strings. Moving a deque hands over its
  // blocks, so the views stay valid.
  Interner(const Interner&) = delete;
  Interner& operator=(const Interner&) = delete;
  Interner(Interner&&) noexcept = default;
  Interner& operator=(Interner&&) noexcept = default;

  std::uint32_t intern(std::string_view s) {
    auto it = map_.find(internal::av(s));
    if (it != map_.end()) return it->second;
    const auto r = static_cast<std::uint32_t>(names_.size());
    const std::string& stored = names_.emplace_back(s);
    map_.emplace(absl::string_view(stored.data(), stored.size()), r);
    return r;
  }
  std::optional<std::uint32_t> find(std::string_view s) const {
    auto it = map_.find(internal::av(s));
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  std::string_view name(std::uint32_t r) const { return r < names_.size() ? std::string_view(names_[r]) : ""; }
  /// Forgets the names interned after the first `n` (what a refused command interned).
  void truncate(std::size_t n) {
    while (names_.size() > n) {
      map_.erase(internal::av(names_.back()));
      names_.pop_back();
    }
  }
  std::size_t size() const { return names_.size(); }
  std::size_t memory_bytes() const;

 private:
  std::deque<std::string> names_;
  absl::flat_hash_map<absl::string_view, std::uint32_t> map_;
};

enum RecFlag : std::uint8_t {
  kDesignated = 1, kOverdue = 2, kEverOverdue = 4, kUrged = 8, kFinal = 16, kHasEval = 32, kSameMatter = 64,
  // Referred to a loop item (转办: a mediation case, a deliberation matter) that has not
  // concluded: once answered, the petition waits with no evaluation deadline.
  kHeldByReferral = 128,
};

/// One petition (144 bytes).
struct Rec {
  Timestamp submitted = 0, updated = 0, stage_start = 0, due = kNoDeadline, wake = kNoWake;
  Timestamp resolve_base = 0, dispatched_at = 0, resolved_at = 0;
  TextRef text = 0, location = 0, key = 0;
  std::uint32_t cur_unit = kNoRef, loc_unit = kNoRef, petitioner = kNoRef;
  std::uint32_t first_event = kNoRef, last_event = kNoRef;
  std::uint32_t merged_into = kNoRef, same_matter_as = kNoRef;  // petition indices
  std::int32_t ext_granted = 0, ext_pending = 0;
  std::uint32_t supporters = 0;  // 附议: size of the petition's supporter set
  std::uint16_t category = 0;
  State state = State::kReceived;
  std::uint8_t urgency = 0, severity = 0, channel = 0, track = 0, flags = 0, eval = 0;
  std::uint8_t returns = 0, reopens = 0, extensions = 0, escalations = 0, reviews = 0, urges = 0, supervisions = 0;
  /// Escalation ladder: the rungs fired (bit k = rung k) — a rung measured from the deadline
  /// fires once per deadline, one measured from the dispatch once per dispatch — and the
  /// highest level they raised the petition to (PetitionView::ladder_level).
  std::uint8_t rungs_fired = 0, ladder_level = 0;
};

/// The clock's next step for one petition: what it will do (mark_overdue, urge, escalate,
/// close) and when; `rung` is the ladder rung behind an urge or escalation (-1: none).
struct ClockStep {
  Timestamp at = kNoDeadline;
  EventType type = EventType::kMarkOverdue;
  int rung = -1;
};

enum EventFlag : std::uint16_t {
  kEvDesignated = 1, kEvExplicit = 2, kEvAutomatic = 4, kEvContacted = 8, kEvSolved = 16,
  // bits 5-6: satisfaction; bits 7-8: reopen kind; bits 9-10: extension time unit
  // A return as not ours: `unit` is the competent unit; with kEvExternal, `unit` is the
  // length of the external body's name, which starts the text at `aux` (the reason follows).
  kEvNotOurs = 1 << 11, kEvExternal = 1 << 12,
};

/// One event (40 bytes). seq = index + 1.
struct StoredEvent {
  Timestamp time = 0;
  std::uint32_t petition = kNoRef;  // index, kNoRef for configuration events
  std::uint32_t prev = kNoRef;      // previous event of the same petition
  std::uint32_t actor = kNoRef;     // interned actor id
  std::uint32_t actor_unit = kNoRef;
  std::uint8_t role = 0;
  std::uint8_t type = 0;
  std::uint16_t flags = 0;
  std::uint32_t unit = kNoRef;      // target unit (dispatch, escalate, reopen) or extension amount
  std::uint64_t aux = 0;            // TextRef of reason/answer, merge target index, or document index
};

/// An append-only array in fixed chunks: no reallocation (no copy of millions of records,
/// no 2x capacity slack), stable element addresses, O(1) indexing.
template <typename T, unsigned kShift = 14>
class Chunked {
 public:
  static constexpr std::size_t kChunk = std::size_t{1} << kShift;
  T& operator[](std::size_t i) { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  const T& operator[](std::size_t i) const { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void push_back(const T& v) {
    if ((size_ >> kShift) == chunks_.size()) chunks_.push_back(std::unique_ptr<T[]>(new T[kChunk]));
    (*this)[size_++] = v;
  }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }
  void pop_back() { --size_; }
  /// Truncates to `n` elements (n <= size()).
  void resize(std::size_t n) {
    size_ = n;
    chunks_.resize((n + kChunk - 1) >> kShift);
  }
  std::size_t capacity_bytes() const {
    return chunks_.size() * kChunk * sizeof(T) + chunks_.capacity() * sizeof(std::unique_ptr<T[]>);
  }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  std::size_t size_ = 0;
};

struct HeapEntry {
  Timestamp wake;
  std::uint32_t idx;
  bool operator>(const HeapEntry& o) const { return wake > o.wake || (wake == o.wake && idx > o.idx); }
};

struct CategoryInfo {
  std::string name;
  std::array<DeadlineLimits, 2> limits{};
  CategoryRoute route{};
};

/// The configuration (org, policy, calendar), saved whole for a batch rollback.
struct Config {
  std::shared_ptr<const OrgData> org;
  std::shared_ptr<const PolicySet> policy_set;
  PetitionPolicy policy;
  WorkCalendar calendar;
  std::vector<std::string> calendar_docs;
};

/// A deadline moved by a calendar event (see DeadlineRevision).
struct Revision {
  std::uint32_t petition;  // index
  std::uint32_t event;     // index of the load_calendar / set_calendar event
  Timestamp before, after;
};

/// Applies one recorded calendar document to `cal`: a settings line (`mode=... rule=...`)
/// or a holiday CSV.
absl::Status apply_calendar_doc(WorkCalendar& cal, std::string_view doc, std::string_view source);
/// Parses `mode=<provisional|strict|weekend_only> rule=<n>`.
absl::Status parse_calendar_settings(std::string_view doc, CalendarMode* mode, int* rule);
/// True when a recorded calendar document is a settings line, not a CSV.
inline bool is_calendar_settings(std::string_view doc) { return doc.substr(0, 5) == "mode="; }

using MatterKey = std::tuple<std::uint32_t, std::uint16_t, std::uint32_t>;  // petitioner, category, location unit

}  // namespace jiceng::pet

namespace jiceng {

struct Engine::Impl {
  enum class Mode { kLive, kReplay };

  // std::shared_mutex rather than absl::Mutex: Debian's Abseil is a prebuilt library
  // without ThreadSanitizer instrumentation, so TSan cannot see absl::Mutex's ordering and
  // reports false races; pthread rwlocks are intercepted by every sanitizer.
  mutable std::shared_mutex mu;
  std::atomic<std::thread::id> batch_owner{};

  pet::Config cfg;
  int due_minute = 17 * 60 + 30;
  pet::Interner units, actors, categories;  // actors: actor ids and petitioner ids (one space)
  std::vector<pet::CategoryInfo> cats;
  std::vector<std::uint32_t> ref_to_graph;  // unit ref -> graph index (kNoIndex when absent)
  std::vector<std::uint32_t> graph_to_ref;

  pet::Chunked<pet::Rec> recs;
  pet::Chunked<pet::StoredEvent, 15> events;
  std::string arena;
  std::vector<std::string> documents;
  absl::flat_hash_map<std::string, std::uint32_t> by_key;
  absl::flat_hash_map<std::uint32_t, Contact> contacts;
  absl::flat_hash_map<pet::MatterKey, std::uint32_t> final_matters;
  std::array<std::size_t, kStateCount> per_state{};
  std::vector<pet::HeapEntry> heap;
  std::size_t open_count = 0;
  std::vector<pet::Revision> revisions;  // in event order
  // 附议: each petition's supporters (interned resident ids, ascending), and the petitions
  // merged into each one (ascending). Both follow from the events: a snapshot does not
  // hold them, restore folds them again.
  absl::flat_hash_map<std::uint32_t, std::vector<std::uint32_t>> supporters_of;
  absl::flat_hash_map<std::uint32_t, std::vector<std::uint32_t>> merged_from;
  absl::flat_hash_map<std::uint32_t, std::vector<std::uint32_t>> revisions_of;  // petition -> revisions
  EventSink* sink = nullptr;

  // Read models (Engine::read_model): owned here, each with its own lock; models_mu only
  // guards the map (a leaf lock).
  mutable std::mutex models_mu;
  mutable absl::flat_hash_map<std::string, std::unique_ptr<ReadModel>> models;

  // The hosted loops (registration order) besides the petition book built in here.
  std::vector<std::unique_ptr<Loop>> loops;

  // Whether host commands may act as the role `system` (Engine::allow_system_role); off:
  // the role is the engine's clock's.
  bool host_system_role = false;

  // batch state. One undo log for everything a batch (or tick) changes: petition
  // records, configuration, loops; the book's appended tail is cut by its first entry.
  bool in_batch = false;
  std::vector<Event> batch_events;
  UndoLog undo_log;
  std::size_t mark_recs = 0, mark_events = 0, mark_arena = 0, mark_docs = 0, mark_revisions = 0;

  // What actor handles are bound to (Engine::identity, generation): values of one global
  // counter, drawn at creation and (generation) again at every restore.
  static std::uint64_t draw_stamp();
  const std::uint64_t identity = draw_stamp();
  std::atomic<std::uint64_t> generation{identity};
  absl::Status check_handle(const ActorHandle& a) const;

  // Rewinds of the history (Engine::history_epoch, surviving_seq): the k-th rewind kept
  // rewind_kept[k % kRewindsKept] events. Not part of the state: restore keeps them.
  static constexpr std::uint64_t kRewindsKept = 64;
  std::uint64_t rewinds = 0;
  std::array<std::uint64_t, kRewindsKept> rewind_kept{};
  void note_rewind(std::uint64_t kept) {
    ++rewinds;
    rewind_kept[rewinds % kRewindsKept] = kept;
  }

  // --- helpers (engine.cpp) ---
  absl::Status install_policy(std::shared_ptr<const PolicySet> set);
  absl::Status install_org(std::shared_ptr<const pet::OrgData> org);
  void recompute_categories();
  std::uint16_t intern_category(std::string_view name);
  std::uint32_t unit_ref(std::uint32_t graph_index);
  std::uint32_t graph_of(std::uint32_t ref) const {
    return ref < ref_to_graph.size() ? ref_to_graph[ref] : pet::kNoIndex;
  }
  bool deadline(Timestamp start, Duration d, Timestamp* out) const { return deadline_with(cfg.calendar, start, d, out); }
  bool deadline_with(const WorkCalendar& cal, Timestamp start, Duration d, Timestamp* out) const;
  /// The deadline of r's current state as its action set it, reckoned on `cal`;
  /// nullopt when the state has none or it cannot be reckoned.
  std::optional<Timestamp> due_by_rule(const pet::Rec& r, const WorkCalendar& cal) const;
  /// After a calendar event at `event_index`: moves the open deadlines that the change of
  /// calendar (from `before`) moves, recording each as a Revision.
  void revise_deadlines(const WorkCalendar& before, std::uint32_t event_index);
  void add_revision(const pet::Revision& rev);
  absl::StatusOr<Timestamp> deadline_checked(Timestamp start, Duration d) const;
  bool before(Timestamp due, Duration d, Timestamp* out) const;
  const DeadlineLimits& limits(const pet::Rec& r) const { return cats[r.category].limits[r.urgency]; }
  pet::TextRef add_text(std::string_view s);
  std::string_view text(pet::TextRef t) const { return std::string_view(arena).substr(pet::text_off(t), pet::text_len(t)); }
  /// The clock's rule, in one place: the step the clock takes next for `r` as of `now`
  /// (a step whose time is ≤ now is due; else `at` is when the next one falls). tick fires
  /// it, compute_wake files its time, and the urge and escalate actions of an automatic
  /// event read from it which rung fired (so replay finds the same rung).
  pet::ClockStep clock_step(const pet::Rec& r, Timestamp now) const;
  /// When rung k of the ladder falls for `r`; nullopt when it does not apply now (fired,
  /// passed before the state began, a reassign at the ceiling, no deadline).
  std::optional<Timestamp> rung_time(const pet::Rec& r, int k) const;
  /// Bits of the rungs measured from the deadline (reset with each new deadline).
  std::uint8_t due_rungs = 0;
  Timestamp compute_wake(const pet::Rec& r) const;
  bool can_escalate(const pet::Rec& r) const;
  /// The highest level the petition may climb to: its severity's ceiling, lowered to the
  /// compound's (petition.compound_parties.ceiling) for a matter inside a compound.
  int ceiling_of(const pet::Rec& r) const;
  /// 四方协同 at location unit `loc` (graph index) for `category` (see Engine::route_party);
  /// *unit_g is the party's unit (kNoIndex when none).
  PartyRoute party_route(std::uint32_t loc, std::string_view category, std::uint32_t* unit_g) const;
  std::uint32_t next_higher(const pet::Rec& r) const;
  /// A unit ref's id, "(none)" for kNoRef (a view into the interner).
  std::string_view unit_name(std::uint32_t ref) const {
    return ref == pet::kNoRef ? std::string_view("(none)") : units.name(ref);
  }
  /// The evaluation an evaluate event recorded in its flags.
  static Evaluation evaluation_of(const pet::StoredEvent& ev) {
    return Evaluation{(ev.flags & pet::kEvContacted) != 0, (ev.flags & pet::kEvSolved) != 0,
                      static_cast<Satisfaction>((ev.flags >> 5) & 3)};
  }
  std::string pid(std::uint32_t idx) const { return Engine::display_id(idx + 1ull); }

  absl::StatusOr<std::uint32_t> run(const ActorHandle& a, EventType type, std::uint32_t idx, const EventPayload& p,
                                    Timestamp now, Mode mode, bool automatic);
  absl::Status prepare(const ActorHandle& a, EventType type, std::uint32_t idx, const EventPayload& p, Timestamp now,
                       Mode mode, pet::Rec& nr, pet::StoredEvent& ev);
  absl::Status check_scope(const Transition& row, const ActorHandle& a, const pet::Rec& r, std::uint32_t idx,
                           EventType type) const;
  /// The submit row's guard (transitions.cpp): checks the submission and fills the new
  /// record from it.
  absl::Status check_submission(pet::Step& s);
  void commit(std::uint32_t idx, pet::Rec& nr, pet::StoredEvent& ev);
  /// A participation command's checks (kParticipation): state, role, not one's own, one
  /// support per resident. Fills nr and ev.
  absl::Status prepare_participation(const ParticipationRule& rule, const ActorHandle& a, EventType type,
                                     std::uint32_t idx, Timestamp now, pet::Rec& nr, pet::StoredEvent& ev);
  bool supports(std::uint32_t idx, std::uint32_t person) const;
  /// The supporter sets after event `ev` on petition `idx` was committed: a support adds
  /// its actor, a withdrawal removes it, a merge moves the merged petition's supporters
  /// and its petitioner to the kept one (and links them). Undoable inside a batch.
  void fold_participation(std::uint32_t idx, const pet::StoredEvent& ev);
  /// Saves one entry of a side table on the undo log before it changes.
  void save_list(absl::flat_hash_map<std::uint32_t, std::vector<std::uint32_t>>& table, std::uint32_t idx);
  void push_wake(std::uint32_t idx);
  void rebuild_indices();
  absl::Status run_config(const Actor& actor, EventType type, std::string_view doc, Timestamp now, Mode mode);

  void fill_public(Event& e, const pet::StoredEvent& ev, std::uint64_t seq, const pet::Rec& r) const;
  Event public_event(std::uint32_t event_index) const;
  PetitionView view(std::uint32_t idx, const QueryOptions& o) const;

  /// Saves record `idx` on the undo log before a change (no-op outside a batch).
  void save_rec(std::uint32_t idx);
  /// Puts a saved record back (an undo entry).
  void restore_rec(std::uint32_t idx, const pet::Rec& before);
  /// Cuts the book back to the batch's marks (the first undo entry of a batch).
  void truncate_to_marks();

  // --- loops (engine.cpp) ---
  Loop* find_loop(std::string_view name) const;
  /// The petitions as a hosted loop may query them (LoopHost::query_loop "petition"):
  /// `get` {"id": "P00000042"}, `counts` {units, from?, to?}. In host_query.cpp, which keeps Boost.JSON out of engine.cpp.
  absl::StatusOr<std::string> petition_query(std::string_view name, std::string_view params) const;
  /// `counts` {units, from?, to?}: the petitions of each unit's subtree (host_query.cpp).
  absl::StatusOr<std::string> petition_counts(std::string_view params) const;
  /// LoopHost::hold_petition (hold) and release_petition (!hold), from a loop's action.
  absl::Status referral_hold(std::string_view petition, bool hold, Timestamp now);
  /// Records and applies one loop event (the host's side of a loop command).
  absl::StatusOr<LoopOutcome> run_loop(const Actor& actor, const LoopCommand& c, Loop& loop, bool automatic);
  /// Re-applies a recorded loop event (replay).
  absl::Status replay_loop(const Event& e);

  /// sink->append with any exception turned into INTERNAL (the caller rolls back).
  absl::Status append_to_sink(std::span<const Event> events);
  void begin_batch();
  absl::Status end_batch(absl::Status fn_status);
  void rollback();

  absl::StatusOr<ActorHandle> resolve(const Actor& a);
  absl::StatusOr<std::uint32_t> index_of(PetitionId id) const;

  std::string snapshot() const;
  absl::Status restore(std::string_view bytes);
};

}  // namespace jiceng
