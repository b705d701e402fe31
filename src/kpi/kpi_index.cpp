// KpiIndex: incremental per-unit × per-day KPI aggregates built from the engine's events.
//
// Every petition keeps a 24-byte state here (its unit, submission day, category, state
// and flags) so that when an event changes it, its old contribution can be retracted
// from its cell and the new one added. A cell is (unit, submission day) → counters; the
// category and working-days-to-resolve counters live beside the cells as sorted
// (day, key) → count entries. A subtree rollup sums the cells of the subtree's units
// within the period, so its cost depends on units × days, not on petitions.
#include <algorithm>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "jiceng/engine.hpp"
#include "jiceng/kpi.hpp"
#include "kpi/kpi_internal.hpp"
#include "kpi/org_access.hpp"

namespace jiceng {

using namespace kpi_detail;

namespace {

inline constexpr std::uint32_t kNone = kpi_org::kNone;

enum PFlag : std::uint16_t {
  kFAccepted = 1, kFDispatched = 2, kFAnswered = 4, kFOverdueNow = 8, kFEverOverdue = 16, kFReopened = 32,
  kFEscalated = 64, kFHasEval = 128, kFContacted = 256, kFSolved = 512,
};

/// One petition as the index keeps it (28 bytes).
struct PState {
  std::uint32_t unit = kNone;  // dense unit id: the current unit
  std::uint32_t loc = kNone;   // dense unit id: the location unit
  std::int32_t day = 0;        // CST day number of submission
  std::int32_t workdays = -1;  // working days to the latest resolve, -1 when unknown
  std::uint16_t category = 0;
  std::uint16_t flags = 0;
  State state = State::kReceived;
  std::uint8_t channel = 0;
  std::uint8_t satisfaction = 0;
  std::uint8_t pad = 0;
  std::uint32_t supports = 0;  // 附议 given here and not taken back
  bool operator==(const PState&) const = default;
};
static_assert(sizeof(PState) == 28, "keep the per-petition state small");

PetitionFacts facts_of(const PState& s) {
  PetitionFacts f;
  f.state = s.state;
  f.channel = static_cast<Channel>(s.channel);
  f.accepted = s.flags & kFAccepted;
  f.dispatched = s.flags & kFDispatched;
  f.answered = s.flags & kFAnswered;
  f.overdue_now = s.flags & kFOverdueNow;
  f.ever_overdue = s.flags & kFEverOverdue;
  f.reopened = s.flags & kFReopened;
  f.escalated = s.flags & kFEscalated;
  f.has_eval = s.flags & kFHasEval;
  f.contacted = s.flags & kFContacted;
  f.solved = s.flags & kFSolved;
  f.satisfaction = static_cast<Satisfaction>(s.satisfaction);
  f.supports = s.supports;
  return f;
}

/// (unit, day) → counters.
struct Cell {
  std::int32_t day = 0;
  std::array<std::uint32_t, kCounterCount> c{};
};

/// (unit, day, key) → count; key = kind << 24 | value (kind 0 category, 1 working days).
struct Extra {
  std::int32_t day = 0;
  std::uint32_t key = 0;
  std::uint32_t count = 0;
};
inline constexpr std::uint32_t kKindWorkdays = 1u << 24;
inline constexpr std::uint32_t kValueMask = (1u << 24) - 1;

struct UnitData {
  std::vector<Cell> cells;    // sorted by day
  std::vector<Extra> extras;  // sorted by (day, key)
};

Cell& cell_at(UnitData& u, std::int32_t day) {
  auto& v = u.cells;
  if (v.empty() || v.back().day < day) {
    v.push_back(Cell{day, {}});
    return v.back();
  }
  auto it = std::lower_bound(v.begin(), v.end(), day, [](const Cell& c, std::int32_t d) { return c.day < d; });
  if (it == v.end() || it->day != day) it = v.insert(it, Cell{day, {}});
  return *it;
}

std::uint32_t& extra_at(UnitData& u, std::int32_t day, std::uint32_t key) {
  auto& v = u.extras;
  auto less = [](const Extra& e, std::pair<std::int32_t, std::uint32_t> k) {
    return e.day < k.first || (e.day == k.first && e.key < k.second);
  };
  if (v.empty() || less(v.back(), {day, key})) {
    v.push_back(Extra{day, key, 0});
    return v.back().count;
  }
  auto it = std::lower_bound(v.begin(), v.end(), std::make_pair(day, key), less);
  if (it == v.end() || it->day != day || it->key != key) it = v.insert(it, Extra{day, key, 0});
  return it->count;
}

}  // namespace

struct KpiIndex::Impl {
  const Engine* engine = nullptr;
  std::uint64_t last_seq = 0;
  std::uint64_t epoch = 0;  // the engine's history_epoch when the index last caught up
  absl::flat_hash_map<std::string, std::uint32_t> unit_ids;
  std::vector<std::string> unit_names;  // dense id → unit id
  std::vector<UnitData> units;          // dense id → aggregates
  std::vector<std::uint32_t> graph_to_dense;
  absl::flat_hash_map<std::string, std::uint16_t> category_ids;
  std::vector<std::string> category_names;
  std::vector<PState> pets;
  // 附议, counted where given: the residents whose support at each petition stands
  // (interned ids, ascending; petition index → ids), and the petitions merged into each
  // kept one. A withdrawal at the kept petition takes back the resident's supports there
  // and on every petition merged into it, as the engine's supporter sets do.
  absl::flat_hash_map<std::string, std::uint32_t> resident_ids;
  absl::flat_hash_map<std::uint32_t, std::vector<std::uint32_t>> supporters;
  absl::flat_hash_map<std::uint32_t, std::vector<std::uint32_t>> merged_into;

  const OrgGraph& org() const { return engine->org(); }

  /// Events 1..last_seq are still the engine's history (no rewind took any of them).
  bool current() const { return last_seq == 0 || engine->surviving_seq({epoch, last_seq}) >= last_seq; }
  absl::Status check_current() const {
    if (current()) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        "kpi index: the engine's history was rewound (a rolled-back batch or tick, or a restore) below event ",
        last_seq, ", the last one folded; update() rebuilds the index"));
  }
  /// Forgets everything (the engine rewound below what was folded).
  void reset() {
    const Engine* e = engine;
    *this = Impl{};
    engine = e;
    rebuild_graph_map();
  }

  /// Re-maps every known unit onto the current org graph.
  void rebuild_graph_map() {
    graph_to_dense.assign(kpi_org::unit_count(org()), kNone);
    for (std::uint32_t d = 0; d < unit_names.size(); ++d) {
      const std::uint32_t g = kpi_org::find(org(), unit_names[d]);
      if (g != kNone && g < graph_to_dense.size()) graph_to_dense[g] = d;
    }
  }

  std::uint32_t intern_unit(std::string_view id) {
    auto it = unit_ids.find(internal::av(id));
    if (it != unit_ids.end()) return it->second;
    const auto d = static_cast<std::uint32_t>(unit_names.size());
    unit_names.emplace_back(id);
    unit_ids.emplace(std::string(id), d);
    units.emplace_back();
    const std::uint32_t g = kpi_org::find(org(), id);
    if (g != kNone) {
      if (g >= graph_to_dense.size()) graph_to_dense.resize(kpi_org::unit_count(org()), kNone);
      if (g < graph_to_dense.size()) graph_to_dense[g] = d;
    }
    return d;
  }

  std::uint32_t dense_of_graph(std::uint32_t g) {
    if (g < graph_to_dense.size() && graph_to_dense[g] != kNone) return graph_to_dense[g];
    return intern_unit(kpi_org::id(org(), g));
  }

  std::uint16_t intern_category(std::string_view c) {
    auto it = category_ids.find(internal::av(c));
    if (it != category_ids.end()) return it->second;
    const auto id = static_cast<std::uint16_t>(category_names.size());
    category_names.emplace_back(c);
    category_ids.emplace(std::string(c), id);
    return id;
  }

  void apply(const PState& s, std::uint32_t sign) {
    UnitData& u = units[s.unit];
    Cell& c = cell_at(u, s.day);
    add_facts<std::uint32_t>(c.c.data(), facts_of(s), sign);
    extra_at(u, s.day, s.category) += sign;
    if (is_done(s.state) && s.workdays >= 0) {
      extra_at(u, s.day, kKindWorkdays | (static_cast<std::uint32_t>(s.workdays) & kValueMask)) += sign;
    }
  }

  absl::Status ingest(const EventRef& e);
  /// Takes back the supports of `who` at petition `idx` and the petitions merged into it;
  /// `s` is the state of `idx` being built (the others are re-counted here).
  void withdraw_support(std::uint32_t idx, std::uint32_t who, PState& s);

  /// Sums the cells of `dense` units within `r`.
  struct Sum {
    CounterArray c{};
    std::vector<std::uint64_t> categories;
    std::vector<std::uint64_t> workdays;
  };
  void sum_unit(std::uint32_t d, const DayRange& r, Sum& s) const {
    const UnitData& u = units[d];
    auto it = std::lower_bound(u.cells.begin(), u.cells.end(), r.from,
                               [](const Cell& c, std::int32_t x) { return c.day < x; });
    for (; it != u.cells.end() && it->day <= r.to; ++it)
      for (int i = 0; i < kCounterCount; ++i) s.c[i] += it->c[i];
    auto et = std::lower_bound(u.extras.begin(), u.extras.end(), r.from,
                               [](const Extra& e, std::int32_t x) { return e.day < x; });
    for (; et != u.extras.end() && et->day <= r.to; ++et) {
      if (et->count == 0) continue;
      const std::uint32_t v = et->key & kValueMask;
      auto& vec = (et->key & kKindWorkdays) ? s.workdays : s.categories;
      if (vec.size() <= v) vec.resize(v + 1, 0);
      vec[v] += et->count;
    }
  }

  KpiCounts to_counts(const Sum& s) const {
    KpiCounts k;
    counters_to_counts(s.c, k);
    for (std::size_t i = 0; i < s.categories.size(); ++i)
      if (s.categories[i] != 0) k.by_category.emplace_back(category_names[i], s.categories[i]);
    std::sort(k.by_category.begin(), k.by_category.end());
    for (std::size_t i = 0; i < s.workdays.size(); ++i)
      if (s.workdays[i] != 0) k.resolve_workdays.emplace_back(static_cast<std::int32_t>(i), s.workdays[i]);
    return k;
  }

  struct Target {
    std::string id, name;
    int level = 0;
    std::vector<std::uint32_t> dense;  // units with data in the subtree
  };
  absl::StatusOr<Target> target(std::string_view unit) const {
    Target t;
    if (unit.empty()) {
      t.name = kWholeEngineName;
      t.dense.resize(units.size());
      for (std::uint32_t d = 0; d < units.size(); ++d) t.dense[d] = d;
      return t;
    }
    const std::uint32_t g = kpi_org::find(org(), unit);
    if (g == kNone) return absl::NotFoundError(absl::StrCat("kpi: unit \"", internal::av(unit), "\" is not in the org graph"));
    t.id = std::string(unit);
    t.name = std::string(kpi_org::name(org(), g));
    t.level = kpi_org::level(org(), g);
    for (std::uint32_t x : kpi_org::subtree(org(), g)) {
      if (x < graph_to_dense.size() && graph_to_dense[x] != kNone) t.dense.push_back(graph_to_dense[x]);
    }
    return t;
  }
};

absl::Status KpiIndex::Impl::ingest(const EventRef& e) {
  if (e.seq != last_seq + 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("kpi index: event seq ", e.seq, " is not the next one (last ingested ", last_seq, ")"));
  }
  if (e.petition == kNoPetition) {
    if (acts_on_petition(e.type)) {
      return absl::InvalidArgumentError(
          absl::StrCat("kpi index: event ", e.seq, " (", internal::av(to_string(e.type)), ") names no petition"));
    }
    if (e.type == EventType::kLoadOrg) rebuild_graph_map();
    last_seq = e.seq;
    return absl::OkStatus();
  }
  if (!acts_on_petition(e.type)) {
    return absl::InvalidArgumentError(absl::StrCat("kpi index: event ", e.seq, " (", internal::av(to_string(e.type)),
                                                   ") is a configuration event but names petition ",
                                                   Engine::display_id(e.petition)));
  }
  if (e.type == EventType::kSubmit) {
    if (e.petition != pets.size() + 1) {
      return absl::InvalidArgumentError(absl::StrCat("kpi index: event ", e.seq, " submits petition ",
                                                     Engine::display_id(e.petition), " but the next is ",
                                                     Engine::display_id(pets.size() + 1)));
    }
    if (static_cast<int>(e.channel) >= kChannelCount) {
      return absl::InvalidArgumentError(absl::StrCat("kpi index: event ", e.seq, ": channel out of range"));
    }
    const std::uint32_t g = kpi_org::resolve_location(org(), e.location);
    if (g == kNone) {
      return absl::InvalidArgumentError(absl::StrCat("kpi index: event ", e.seq, ": location \"", internal::av(e.location),
                                                     "\" is neither a household nor a unit of the org graph"));
    }
    if (category_names.size() >= 0xFFFF && !category_ids.contains(internal::av(e.category))) {
      return absl::ResourceExhaustedError("kpi index: more than 65535 categories");
    }
    PState s;
    s.unit = s.loc = dense_of_graph(g);
    s.day = china_day_number(e.time);
    s.category = intern_category(e.category);
    s.channel = static_cast<std::uint8_t>(e.channel);
    s.state = State::kReceived;
    pets.push_back(s);
    apply(s, 1);
    last_seq = e.seq;
    return absl::OkStatus();
  }
  if (e.petition > pets.size()) {
    return absl::InvalidArgumentError(absl::StrCat("kpi index: event ", e.seq, " (", internal::av(to_string(e.type)),
                                                   ") names unknown petition ", Engine::display_id(e.petition)));
  }
  const auto idx = static_cast<std::uint32_t>(e.petition - 1);
  if ((e.type == EventType::kSupport || e.type == EventType::kWithdrawSupport) && e.actor.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("kpi index: event ", e.seq, " (", internal::av(to_string(e.type)), ") names no resident"));
  }
  if (e.type == EventType::kSupport) {
    auto who = resident_ids.find(internal::av(e.actor));
    auto given = supporters.find(idx);
    if (who != resident_ids.end() && given != supporters.end() &&
        std::binary_search(given->second.begin(), given->second.end(), who->second)) {
      return absl::InvalidArgumentError(absl::StrCat("kpi index: event ", e.seq, ": resident ", internal::av(e.actor),
                                                     " supports petition ", Engine::display_id(e.petition),
                                                     " already"));
    }
  }
  if (e.type == EventType::kMerge && (e.linked == kNoPetition || e.linked > pets.size() || e.linked == e.petition)) {
    return absl::InvalidArgumentError(absl::StrCat("kpi index: event ", e.seq, " merges petition ",
                                                   Engine::display_id(e.petition), " into ",
                                                   e.linked == kNoPetition ? std::string("no petition")
                                                                           : Engine::display_id(e.linked)));
  }
  const PState old = pets[e.petition - 1];
  PState s = old;
  auto fresh = [&] { s.flags &= static_cast<std::uint16_t>(~kFOverdueNow); };
  auto move_to = [&]() -> absl::Status {
    if (e.unit.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("kpi index: event ", e.seq, " (", internal::av(to_string(e.type)), ") records no target unit"));
    }
    s.unit = intern_unit(e.unit);
    s.flags |= kFDispatched;
    s.state = State::kDispatched;
    return absl::OkStatus();
  };
  switch (e.type) {
    case EventType::kAccept:
      s.state = State::kAccepted;
      s.flags |= kFAccepted;
      fresh();
      break;
    case EventType::kReject:
      s.state = State::kRejected;
      fresh();
      break;
    case EventType::kMerge:
      // The supports given here stay counted here; they now stand behind the kept petition.
      s.state = State::kMerged;
      merged_into[static_cast<std::uint32_t>(e.linked - 1)].push_back(idx);
      fresh();
      break;
    case EventType::kWithdraw:
      s.state = State::kWithdrawn;
      fresh();
      break;
    case EventType::kClose:
      s.state = State::kClosed;
      fresh();
      break;
    case EventType::kDispatch:
      JICENG_RETURN_IF_ERROR(move_to());
      fresh();
      break;
    case EventType::kEscalate:
      JICENG_RETURN_IF_ERROR(move_to());
      s.flags |= kFEscalated;
      fresh();
      break;
    case EventType::kReopen:
      JICENG_RETURN_IF_ERROR(move_to());
      s.flags |= kFReopened;
      s.flags &= static_cast<std::uint16_t>(~(kFHasEval | kFContacted | kFSolved));
      s.satisfaction = 0;
      fresh();
      break;
    case EventType::kSign:
      s.state = State::kInProgress;
      fresh();
      break;
    case EventType::kReturn:
      // 非本单位职责: counted at the unit that held it, for the day of its submission.
      if (e.not_ours && old.unit != kNone) cell_at(units[old.unit], s.day).c[kNotOursReturns] += 1;
      s.unit = s.loc;
      s.state = State::kAccepted;
      fresh();
      break;
    case EventType::kGrantExtension:
      fresh();
      break;
    case EventType::kResolve: {
      s.state = State::kResolved;
      s.flags |= kFAnswered;
      const Timestamp submitted = static_cast<Timestamp>(s.day) * 86400 - kChinaUtcOffsetSeconds;
      s.workdays = resolve_workdays(engine->calendar(), submitted, e.time);
      fresh();
      break;
    }
    case EventType::kEvaluate: {
      const Evaluation& ev = e.evaluation;
      if (static_cast<int>(ev.satisfaction) > 2) {
        return absl::InvalidArgumentError(absl::StrCat("kpi index: event ", e.seq, ": satisfaction out of range"));
      }
      s.state = State::kClosed;
      s.flags &= static_cast<std::uint16_t>(~(kFContacted | kFSolved));
      s.flags |= kFHasEval | (ev.contacted ? kFContacted : 0) | (ev.solved ? kFSolved : 0);
      s.satisfaction = static_cast<std::uint8_t>(ev.satisfaction);
      fresh();
      break;
    }
    case EventType::kMarkOverdue:
      s.flags |= kFOverdueNow | kFEverOverdue;
      break;
    case EventType::kRequestExtension:
    case EventType::kDenyExtension:
    case EventType::kUrge:
    case EventType::kSupervise:
      break;
    case EventType::kSupport: {
      const auto who = resident_ids.try_emplace(std::string(e.actor), static_cast<std::uint32_t>(resident_ids.size()))
                           .first->second;
      auto& v = supporters[idx];
      v.insert(std::lower_bound(v.begin(), v.end(), who), who);
      s.supports = static_cast<std::uint32_t>(v.size());
      break;
    }
    case EventType::kWithdrawSupport:
      // A resident who never gave a support (a merged petition's petitioner) takes back none.
      if (auto who = resident_ids.find(internal::av(e.actor)); who != resident_ids.end()) {
        withdraw_support(idx, who->second, s);
      }
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat("kpi index: event ", e.seq, ": unexpected type ", internal::av(to_string(e.type))));
  }
  if (!(s == old)) {
    apply(old, static_cast<std::uint32_t>(-1));
    apply(s, 1);
    pets[e.petition - 1] = s;
  }
  last_seq = e.seq;
  return absl::OkStatus();
}

void KpiIndex::Impl::withdraw_support(std::uint32_t idx, std::uint32_t who, PState& s) {
  std::vector<std::uint32_t> todo{idx};
  while (!todo.empty()) {
    const std::uint32_t x = todo.back();
    todo.pop_back();
    if (auto m = merged_into.find(x); m != merged_into.end()) todo.insert(todo.end(), m->second.begin(), m->second.end());
    auto given = supporters.find(x);
    if (given == supporters.end()) continue;
    auto& v = given->second;
    auto pos = std::lower_bound(v.begin(), v.end(), who);
    if (pos == v.end() || *pos != who) continue;
    v.erase(pos);
    const auto n = static_cast<std::uint32_t>(v.size());
    if (v.empty()) supporters.erase(given);
    if (x == idx) {
      s.supports = n;
      continue;
    }
    PState& other = pets[x];
    apply(other, static_cast<std::uint32_t>(-1));
    other.supports = n;
    apply(other, 1);
  }
}

KpiIndex::KpiIndex(const Engine& engine) : impl_(std::make_unique<Impl>()) {
  impl_->engine = &engine;
  (void)engine.read([&] {
    impl_->epoch = engine.history_epoch();
    impl_->rebuild_graph_map();
    return absl::OkStatus();
  });
}
KpiIndex::~KpiIndex() = default;
KpiIndex::KpiIndex(KpiIndex&&) noexcept = default;
KpiIndex& KpiIndex::operator=(KpiIndex&&) noexcept = default;

absl::Status KpiIndex::update(std::size_t max_events) {
  // Allocation-free views of the engine's compact log (the public Event, with its
  // strings copied, cost more than the ingest itself), in chunks: for_each_event holds
  // the engine's reader lock, and commands must not wait behind a whole backlog.
  // Each chunk is one Engine::read section: the check that nothing folded was rewound
  // and the events read after it come from one state of the history (inside a caller's
  // read section or batch, the whole update does).
  constexpr std::size_t kChunk = 1 << 16;
  const Engine& engine = *impl_->engine;
  std::size_t done = 0;
  while (max_events == 0 || done < max_events) {
    std::uint64_t before = 0;
    const std::size_t want = max_events == 0 ? kChunk : std::min(kChunk, max_events - done);
    JICENG_RETURN_IF_ERROR(engine.read([&]() -> absl::Status {
      if (!impl_->current()) impl_->reset();  // rebuilt from the first event
      impl_->epoch = engine.history_epoch();
      before = impl_->last_seq;
      return engine.for_each_event(before + 1, want, [this](const EventRef& e) { return impl_->ingest(e); });
    }));
    const std::uint64_t got = impl_->last_seq - before;
    if (got == 0) break;
    done += got;
    if (got < want) break;  // caught up
  }
  return absl::OkStatus();
}

absl::Status KpiIndex::ingest(const Event& event) {
  EventRef e;
  e.seq = event.seq;
  e.time = event.time;
  e.petition = event.petition;
  e.type = event.type;
  e.location = event.payload.location;
  e.category = event.payload.category;
  e.channel = event.payload.channel;
  e.unit = event.payload.unit;
  e.evaluation = event.payload.evaluation;
  e.actor = event.actor.id;
  e.linked = event.payload.linked;
  return impl_->ingest(e);
}
std::uint64_t KpiIndex::last_seq() const { return impl_->last_seq; }
std::size_t KpiIndex::petitions() const { return impl_->pets.size(); }

absl::StatusOr<KpiReport> KpiIndex::rollup(std::string_view unit, const KpiPeriod& period,
                                           const KpiOptions& options) const {
  JICENG_RETURN_IF_ERROR(impl_->check_current());
  JICENG_ASSIGN_OR_RETURN(KpiWeights w, weights_for(*impl_->engine, options));
  JICENG_ASSIGN_OR_RETURN(Impl::Target t, impl_->target(unit));
  const DayRange r = day_range(period);
  Impl::Sum s;
  for (std::uint32_t d : t.dense) impl_->sum_unit(d, r, s);
  return make_kpi_report(std::move(t.id), std::move(t.name), t.level, period, impl_->to_counts(s), w);
}

absl::StatusOr<std::vector<KpiRankEntry>> KpiIndex::ranking(int level, const KpiPeriod& period,
                                                            const KpiOptions& options) const {
  if (level < 0 || level > 5) return absl::InvalidArgumentError(absl::StrCat("kpi ranking: level ", level, " is outside 0..5"));
  JICENG_RETURN_IF_ERROR(impl_->check_current());
  JICENG_ASSIGN_OR_RETURN(KpiWeights w, weights_for(*impl_->engine, options));
  KpiOptions fixed = options;
  fixed.weights = w;
  std::vector<KpiRankEntry> out;
  const OrgGraph& g = impl_->org();
  JICENG_ASSIGN_OR_RETURN(const std::uint32_t within, ranking_scope(g, options));
  for (std::uint32_t u : kpi_org::units_at_level(g, level)) {
    if (!options.include_units_beside_tree && !kpi_org::is_tree_kind(g, u)) continue;
    if (within != kNone && !kpi_org::is_ancestor_or_self(g, within, u)) continue;
    JICENG_ASSIGN_OR_RETURN(KpiReport r, rollup(kpi_org::id(g, u), period, fixed));
    out.push_back({0, std::move(r)});
  }
  finish_ranking(out);
  return out;
}

absl::StatusOr<std::vector<KpiTrendPoint>> KpiIndex::trend(std::string_view unit, const KpiPeriod& period,
                                                           const KpiOptions& options) const {
  JICENG_RETURN_IF_ERROR(impl_->check_current());
  JICENG_ASSIGN_OR_RETURN(KpiWeights w, weights_for(*impl_->engine, options));
  JICENG_ASSIGN_OR_RETURN(Impl::Target t, impl_->target(unit));
  const DayRange range = day_range(period);
  std::int32_t first = INT32_MAX, last = INT32_MIN;
  for (std::uint32_t d : t.dense) {
    for (const Cell& c : impl_->units[d].cells) {
      if (c.c[kReceived] == 0 || !range.contains(c.day)) continue;
      first = std::min(first, c.day);
      last = std::max(last, c.day);
    }
  }
  if (period.from) first = range.from;
  if (period.to) last = range.to;
  std::vector<KpiTrendPoint> out;
  for (const auto& [ym, r] : months_between(first, last)) {
    Impl::Sum s;
    for (std::uint32_t d : t.dense) impl_->sum_unit(d, r, s);
    KpiPeriod p{date_of_day_number(r.from), date_of_day_number(r.to)};
    out.push_back({ym.first, ym.second, make_kpi_report(t.id, t.name, t.level, p, impl_->to_counts(s), w)});
  }
  return out;
}

KpiIndexMemory KpiIndex::memory() const {
  KpiIndexMemory m;
  m.petition_bytes = impl_->pets.capacity() * sizeof(PState);
  for (const auto& u : impl_->units) {
    m.aggregate_bytes += u.cells.capacity() * sizeof(Cell) + u.extras.capacity() * sizeof(Extra);
    m.cells += u.cells.size();
  }
  m.aggregate_bytes += impl_->units.capacity() * sizeof(UnitData);
  for (const auto& n : impl_->unit_names) m.other_bytes += n.capacity() + sizeof(std::string) + 16;
  for (const auto& n : impl_->category_names) m.other_bytes += n.capacity() + sizeof(std::string) + 16;
  m.other_bytes += impl_->graph_to_dense.capacity() * sizeof(std::uint32_t);
  for (const auto& n : impl_->resident_ids) m.other_bytes += n.first.capacity() + sizeof(n);
  for (const auto* table : {&impl_->supporters, &impl_->merged_into})
    for (const auto& [idx, v] : *table) m.other_bytes += sizeof(idx) + sizeof(v) + v.capacity() * sizeof(std::uint32_t);
  return m;
}

const Engine& KpiIndex::engine() const { return *impl_->engine; }

absl::StatusOr<KpiBundle> build_kpi_bundle(const KpiIndex& index, std::string_view unit, int level,
                                           const KpiPeriod& period, const KpiOptions& options) {
  KpiBundle b;
  JICENG_ASSIGN_OR_RETURN(b.report, index.rollup(unit, period, options));
  const int rank_level = level >= 0 ? level : (unit.empty() ? 1 : b.report.level + 1);
  if (rank_level <= 5) {
    KpiOptions within = options;
    within.within = std::string(unit);
    JICENG_ASSIGN_OR_RETURN(std::vector<KpiRankEntry> all, index.ranking(rank_level, period, within));
    KpiLeagueTable table =
        league_table(std::move(all), options.min_received ? *options.min_received : ranking_minimum(index.engine()));
    b.ranking = std::move(table.ranked);
    b.ranking_min_received = table.min_received;
    b.below_minimum = std::move(table.below_minimum);
    b.ranking_level = rank_level;
  }
  JICENG_ASSIGN_OR_RETURN(b.trend, index.trend(unit, period, options));
  return b;
}

}  // namespace jiceng
