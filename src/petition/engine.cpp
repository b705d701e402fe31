// The Engine: commands through the transition table, the clock, batches, queries.
#include <algorithm>
#include <cstring>
#include <limits>
#include <exception>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "common/china_time.hpp"
#include "common/strings.hpp"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "jiceng/engine.hpp"
#include "jiceng/policy.hpp"
#include "petition/engine_impl.hpp"
#include "petition/transitions.hpp"
#include "policy/response_template.hpp"

namespace jiceng {

using pet::kNoIndex;
using pet::kNoRef;
using pet::kNoWake;
using pet::Rec;
using pet::StoredEvent;

namespace {

const Date kEpoch(1970, 1, 1);
constexpr Timestamp kDay = 86400;

// Command times are bounded so that deadline arithmetic (now plus up to kMaxDurationAmount
// days or hours, in China time) can neither overflow nor leave Boost.Date_Time's range.
constexpr Timestamp kMinCommandTime = -2209017600;  // 1900-01-01 00:00 China time
constexpr Timestamp kEndCommandTime = 221845363200;  // 9000-01-01 00:00 China time
absl::Status check_time(Timestamp now) {
  if (now >= kMinCommandTime && now < kEndCommandTime) return absl::OkStatus();
  return absl::InvalidArgumentError(
      internal::cat("time ", now, " is outside the supported range 1900-01-01..8999-12-31 (China time)"));
}

inline std::int64_t china_day(Timestamp t) {
  const Timestamp local = t + kChinaUtcOffsetSeconds;
  return local >= 0 ? local / kDay : -((-local + kDay - 1) / kDay);
}
inline Date date_of_day(std::int64_t day) { return kEpoch + boost::gregorian::days(static_cast<long>(day)); }
inline Timestamp utc_at(Date d, int minute) {
  return static_cast<Timestamp>((d - kEpoch).days()) * kDay + minute * 60 - kChinaUtcOffsetSeconds;
}

const EventPayload& empty_payload() {
  static const EventPayload p;
  return p;
}


std::string allowed_states(EventType e) {
  std::vector<std::string> s;
  for (const auto& t : kTransitions) {
    if (t.event == e && t.from != kInitialState) s.emplace_back(to_string(static_cast<State>(t.from)));
  }
  return s.empty() ? std::string("none") : absl::StrJoin(s, ", ");
}

std::string role_list(RoleMask m) {
  std::vector<std::string> n;
  for (int r = 0; r < kRoleCount; ++r)
    if (m & role_bit(static_cast<Role>(r))) n.emplace_back(to_string(static_cast<Role>(r)));
  return absl::StrJoin(n, ", ");
}


}  // namespace

bool pet::valid_category(std::string_view c) {
  if (c.empty() || c.size() > 64) return false;
  for (char ch : c) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.')) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// Interner

std::size_t pet::Interner::memory_bytes() const {
  std::size_t b = names_.size() * sizeof(std::string) + map_.capacity() * (sizeof(absl::string_view) + 8);
  for (const auto& s : names_) b += s.capacity() > 15 ? s.capacity() : 0;
  return b;
}

// ---------------------------------------------------------------------------------------
// Configuration

std::uint16_t Engine::Impl::intern_category(std::string_view name) {
  const std::uint32_t r = categories.intern(name);
  if (r >= cats.size()) {
    pet::CategoryInfo info;
    info.name = std::string(name);
    info.limits[0] = cfg.policy.deadlines.limits(name, Urgency::kNormal);
    info.limits[1] = cfg.policy.deadlines.limits(name, Urgency::kUrgent);
    info.route = cfg.policy.route(name);
    cats.push_back(std::move(info));
  }
  return static_cast<std::uint16_t>(r);
}

void Engine::Impl::recompute_categories() {
  due_minute = cfg.policy.deadlines.due_minute_of_day();
  due_rungs = 0;
  const auto& ladder = cfg.policy.escalation.ladder;
  for (std::size_t k = 0; k < ladder.size() && k < kMaxLadderRungs; ++k) {
    if (ladder[k].anchor != RungAnchor::kAfterDispatch) due_rungs |= static_cast<std::uint8_t>(1u << k);
  }
  for (auto& c : cats) {
    c.limits[0] = cfg.policy.deadlines.limits(c.name, Urgency::kNormal);
    c.limits[1] = cfg.policy.deadlines.limits(c.name, Urgency::kUrgent);
    c.route = cfg.policy.route(c.name);
  }
}

absl::Status Engine::Impl::install_policy(std::shared_ptr<const PolicySet> set) {
  auto pp = PetitionPolicy::from_policy_set(*set);
  if (!pp.ok()) return pp.status();
  cfg.policy_set = std::move(set);
  cfg.policy = *std::move(pp);
  recompute_categories();
  return absl::OkStatus();
}

std::uint32_t Engine::Impl::unit_ref(std::uint32_t g) { return g < graph_to_ref.size() ? graph_to_ref[g] : kNoRef; }

absl::Status Engine::Impl::install_org(std::shared_ptr<const pet::OrgData> org) {
  // Every open petition must still find its units.
  std::vector<std::uint32_t> new_ref_to_graph(units.size(), kNoIndex);
  for (std::uint32_t ref = 0; ref < units.size(); ++ref) {
    if (auto g = org->find(units.name(ref))) new_ref_to_graph[ref] = *g;
  }
  for (std::uint32_t i = 0; i < recs.size(); ++i) {
    const Rec& r = recs[i];
    if (!is_open(r.state)) continue;
    for (std::uint32_t ref : {r.cur_unit, r.loc_unit}) {
      if (ref != kNoRef && new_ref_to_graph[ref] == kNoIndex) {
        return absl::FailedPreconditionError(internal::cat("load_org: open petition ", pid(i), " is at unit ",
                                                          units.name(ref), ", which the new org graph lacks"));
      }
    }
  }
  cfg.org = std::move(org);
  graph_to_ref.assign(cfg.org->unit_count(), kNoRef);
  for (std::uint32_t g = 0; g < cfg.org->unit_count(); ++g) graph_to_ref[g] = units.intern(cfg.org->id(g));
  ref_to_graph.assign(units.size(), kNoIndex);
  for (std::uint32_t g = 0; g < cfg.org->unit_count(); ++g) ref_to_graph[graph_to_ref[g]] = g;
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Time

bool Engine::Impl::deadline_with(const WorkCalendar& cal, Timestamp start, Duration d, Timestamp* out) const {
  if (d.amount == 0) {
    *out = kNoDeadline;
    return true;
  }
  if (d.amount < 0 || d.amount > kMaxDurationAmount) return false;
  switch (d.unit) {
    case TimeUnit::kHours:
      *out = start + d.amount * 3600;
      return true;
    case TimeUnit::kNaturalDays: {
      *out = utc_at(date_of_day(china_day(start) + d.amount), due_minute);
      return true;
    }
    case TimeUnit::kWorkdays: {
      Date res;
      if (!cal.try_add_workdays(date_of_day(china_day(start)), static_cast<int>(d.amount), &res)) return false;
      *out = utc_at(res, due_minute);
      return true;
    }
  }
  return false;
}

std::optional<Timestamp> Engine::Impl::due_by_rule(const Rec& r, const WorkCalendar& cal) const {
  const DeadlineLimits& lim = limits(r);
  Timestamp start = 0;
  Duration d;
  switch (r.state) {
    case State::kReceived:
    case State::kAccepted:  // submit, accept and return: the accept limit from entering the state
      start = r.stage_start;
      d = lim.accept;
      break;
    case State::kDispatched:  // dispatch, escalate, reopen: the sign limit from the dispatch
      start = r.dispatched_at;
      d = lim.sign;
      break;
    case State::kInProgress: {  // sign: the resolve limit from the base, plus extensions granted
      Timestamp t;
      if (!deadline_with(cal, r.resolve_base, r.reviews > 0 ? lim.review_decide : lim.resolve, &t)) return std::nullopt;
      if (r.ext_granted > 0 && t != kNoDeadline &&
          !deadline_with(cal, t, Duration{r.ext_granted, lim.max_extension.unit}, &t)) {
        return std::nullopt;
      }
      return t;
    }
    case State::kResolved:
      start = r.resolved_at;
      d = lim.evaluate;
      break;
    default:
      return std::nullopt;
  }
  Timestamp t;
  if (!deadline_with(cal, start, d, &t)) return std::nullopt;
  return t;
}

void Engine::Impl::add_revision(const pet::Revision& rev) {
  revisions_of[rev.petition].push_back(static_cast<std::uint32_t>(revisions.size()));
  revisions.push_back(rev);
}

void Engine::Impl::revise_deadlines(const WorkCalendar& before, std::uint32_t event_index) {
  for (std::uint32_t i = 0; i < recs.size(); ++i) {
    Rec& r = recs[i];
    if (!is_open(r.state) || r.due == kNoDeadline) continue;
    // Only a deadline the rule reproduces on the old calendar is the rule's to move: one
    // set under another policy since (or by hand) stands as recorded.
    const std::optional<Timestamp> old_due = due_by_rule(r, before);
    if (!old_due || *old_due != r.due) continue;
    const std::optional<Timestamp> new_due = due_by_rule(r, cfg.calendar);
    if (!new_due || *new_due == r.due) continue;
    save_rec(i);
    add_revision({i, event_index, r.due, *new_due});
    r.due = *new_due;
  }
}

absl::Status pet::parse_calendar_settings(std::string_view doc, CalendarMode* mode, int* rule) {
  const auto bad = [&] {
    return absl::InvalidArgumentError(internal::cat("calendar settings \"", doc.substr(0, 80),
                                                    "\": expected mode=<provisional|strict|weekend_only> rule=<n>"));
  };
  const std::size_t space = doc.find(' ');
  if (space == std::string_view::npos || doc.substr(0, 5) != "mode=" || doc.substr(space + 1, 5) != "rule=") {
    return bad();
  }
  auto m = parse_calendar_mode(doc.substr(5, space - 5));
  if (!m.ok()) return m.status();
  const std::string_view digits = doc.substr(space + 6);
  if (digits.empty() || digits.size() > 4) return bad();
  int v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return bad();
    v = v * 10 + (c - '0');
  }
  *mode = *m;
  *rule = v;
  return absl::OkStatus();
}

absl::Status pet::apply_calendar_doc(WorkCalendar& cal, std::string_view doc, std::string_view source) {
  if (!pet::is_calendar_settings(doc)) return cal.load_csv(doc, source);
  CalendarMode mode;
  int rule;
  JICENG_RETURN_IF_ERROR(parse_calendar_settings(doc, &mode, &rule));
  JICENG_RETURN_IF_ERROR(cal.set_provisional_rule(rule));
  cal.set_mode(mode);
  return absl::OkStatus();
}

absl::StatusOr<Timestamp> Engine::Impl::deadline_checked(Timestamp start, Duration d) const {
  Timestamp out;
  if (deadline(start, d, &out)) return out;
  return deadline_after(cfg.calendar, start, d, due_minute);
}

bool Engine::Impl::before(Timestamp due, Duration d, Timestamp* out) const {
  if (d.amount <= 0 || due == kNoDeadline) return false;
  switch (d.unit) {
    case TimeUnit::kHours:
      *out = due - d.amount * 3600;
      return true;
    case TimeUnit::kNaturalDays:
      *out = due - d.amount * kDay;
      return true;
    case TimeUnit::kWorkdays: {
      const std::int64_t day = china_day(due);
      const Timestamp tod = due - (day * kDay - kChinaUtcOffsetSeconds);
      Date res;
      if (!cfg.calendar.try_add_workdays(date_of_day(day), -static_cast<int>(d.amount), &res)) return false;
      *out = utc_at(res, 0) + tod;
      return true;
    }
  }
  return false;
}

pet::TextRef Engine::Impl::add_text(std::string_view s) {
  const pet::TextRef r = (static_cast<std::uint64_t>(arena.size()) << 24) | s.size();
  arena.append(s);
  return r;
}

std::uint32_t Engine::Impl::next_higher(const Rec& r) const {
  const std::uint32_t g = graph_of(r.cur_unit), loc = graph_of(r.loc_unit);
  if (g == kNoIndex) return kNoIndex;
  // On the location's chain of command: the parent. Beside it (a property branch or a
  // resident unit the petition was sent to): the location's unit one level above the
  // category's competent level (物业 at a grid → the community).
  if (loc == kNoIndex || cfg.org->is_ancestor_or_self(g, loc)) return cfg.org->parent(g);
  const int level = std::min(cats[r.category].route.level, cfg.org->level(loc) + 1) - 1;
  return level < 0 ? kNoIndex : cfg.org->ancestor_at_level(loc, level);
}

bool Engine::Impl::can_escalate(const Rec& r) const {
  const std::uint32_t p = next_higher(r);
  return p != kNoIndex && cfg.org->level(p) >= ceiling_of(r);
}

int Engine::Impl::ceiling_of(const Rec& r) const {
  const int severity_ceiling = cfg.policy.escalation.ceiling_level[r.severity];
  const CompoundRouting& c = cfg.policy.compound;
  if (!c.enabled || c.ceiling_level < 0) return severity_ceiling;
  const std::uint32_t loc = graph_of(r.loc_unit);
  return loc != kNoIndex && cfg.org->in_compound(loc) ? std::max(severity_ceiling, c.ceiling_level) : severity_ceiling;
}

PartyRoute Engine::Impl::party_route(std::uint32_t loc, std::string_view category, std::uint32_t* unit_g) const {
  PartyRoute out;
  *unit_g = kNoIndex;
  const CompoundRouting& c = cfg.policy.compound;
  if (!c.enabled || loc == kNoIndex || cfg.org->level(loc) < 3) return out;
  // The compound's own branch (or the grid branch over it) at level 3.
  const std::uint32_t g = cfg.org->ancestor_at_level(loc, 3);
  if (g == kNoIndex || !cfg.org->is_grid_like(g) || !(cfg.org->in_compound(loc) || cfg.org->in_compound(g))) return out;
  out.compound = std::string(cfg.org->compound_label(cfg.org->in_compound(loc) ? loc : g));
  out.listed = c.party(category);
  const bool agreement = c.property_requires_tripartite;
  std::uint32_t u = cfg.org->party_unit(g, static_cast<int>(out.listed), agreement);
  out.party = out.listed;
  if (u == kNoIndex) {
    out.fallback = true;
    out.reason = out.listed == CompoundParty::kPropertyCompany && agreement
                     ? internal::cat("no property branch serves ", out.compound, " under a tripartite agreement (三方协议)")
                     : internal::cat("the org graph has no unit for the ", chinese_name(out.listed), " of ", out.compound);
    out.party = c.fallback;
    u = cfg.org->party_unit(g, static_cast<int>(c.fallback), agreement);
  }
  if (u != kNoIndex) {
    out.unit = std::string(cfg.org->id(u));
    out.unit_name = std::string(cfg.org->name(u));
  }
  *unit_g = u;
  return out;
}

std::optional<Timestamp> Engine::Impl::rung_time(const Rec& r, int k) const {
  const auto& ladder = cfg.policy.escalation.ladder;
  if (k >= static_cast<int>(ladder.size()) || k >= kMaxLadderRungs || (r.rungs_fired & (1u << k))) return std::nullopt;
  const LadderRung& rung = ladder[static_cast<std::size_t>(k)];
  if (rung.action == RungAction::kReassign && !can_escalate(r)) return std::nullopt;
  Timestamp t;
  switch (rung.anchor) {
    case RungAnchor::kAfterDispatch:
      if (!deadline(r.dispatched_at, rung.offset, &t) || t == kNoDeadline) return std::nullopt;
      return t;
    case RungAnchor::kBeforeDue:
      // Ahead of the deadline only: not once overdue, nor a moment at or before the petition
      // entered its state or reached its unit (a reassignment keeps `dispatched`; its own
      // moment is no time to warn the new unit).
      if (r.due == kNoDeadline || (r.flags & pet::kOverdue) || !before(r.due, rung.offset, &t) ||
          t <= std::max(r.stage_start, r.dispatched_at) || t >= r.due) {
        return std::nullopt;
      }
      return t;
    case RungAnchor::kAfterDue:
      if (r.due == kNoDeadline || !deadline(r.due, rung.offset, &t) || t == kNoDeadline) return std::nullopt;
      return t;
  }
  return std::nullopt;
}

pet::ClockStep Engine::Impl::clock_step(const Rec& r, Timestamp now) const {
  if (r.due == kNoDeadline && r.state != State::kDispatched && r.state != State::kInProgress) return {};
  switch (r.state) {
    case State::kResolved:  // no evaluation in time: closed at the evaluation deadline
      return {r.due, EventType::kClose, -1};
    case State::kReceived:
    case State::kAccepted:
      if (r.flags & pet::kOverdue) return {};
      return {r.due, EventType::kMarkOverdue, -1};
    case State::kDispatched:
    case State::kInProgress: {
      const bool overdue_pending = r.due != kNoDeadline && !(r.flags & pet::kOverdue);
      // A deadline that has passed is marked first: a warning meant for before it is then void.
      if (overdue_pending && r.due <= now) return {r.due, EventType::kMarkOverdue, -1};
      pet::ClockStep best;
      const int n = static_cast<int>(std::min<std::size_t>(cfg.policy.escalation.ladder.size(), kMaxLadderRungs));
      for (int k = 0; k < n; ++k) {
        const std::optional<Timestamp> t = rung_time(r, k);
        if (!t || *t >= best.at) continue;  // the earliest; on a tie the rung listed first
        best.at = *t;
        best.rung = k;
        best.type = cfg.policy.escalation.ladder[static_cast<std::size_t>(k)].action == RungAction::kWarn
                        ? EventType::kUrge
                        : EventType::kEscalate;
      }
      if (overdue_pending && r.due <= best.at) return {r.due, EventType::kMarkOverdue, -1};
      return best;
    }
    default:
      return {};
  }
}

Timestamp Engine::Impl::compute_wake(const Rec& r) const {
  static_assert(kNoWake == kNoDeadline);
  return clock_step(r, std::numeric_limits<Timestamp>::min()).at;
}

// ---------------------------------------------------------------------------------------
// Checks and actions

absl::StatusOr<std::uint32_t> Engine::Impl::index_of(PetitionId id) const {
  if (id == kNoPetition || id > recs.size()) {
    return absl::NotFoundError(internal::cat("petition ", Engine::display_id(id), " not found"));
  }
  return static_cast<std::uint32_t>(id - 1);
}

absl::Status Engine::Impl::check_scope(const Transition& row, const ActorHandle& a, const Rec& r, std::uint32_t idx,
                                       EventType type) const {
  if (a.role == Role::kSystem) return absl::OkStatus();
  if (a.role == Role::kResident) {
    if (a.id_ref == r.petitioner) return absl::OkStatus();
    return absl::PermissionDeniedError(internal::cat("resident ", actors.name(a.id_ref), " may not ", to_string(type),
                                                    " petition ", pid(idx), ": scope own-petition (submitted by ",
                                                    actors.name(r.petitioner), ")"));
  }
  if (row.scope == Scope::kAnywhere) return absl::OkStatus();
  const std::uint32_t target_ref = row.scope == Scope::kLocation ? r.loc_unit : r.cur_unit;
  const std::uint32_t au = graph_of(a.unit_ref), tu = graph_of(target_ref);
  bool ok = au != kNoIndex && tu != kNoIndex && cfg.org->is_ancestor_or_self(au, tu);
  if (ok && row.scope == Scope::kStrictAncestor) ok = au != tu;
  if (ok) return absl::OkStatus();
  return absl::PermissionDeniedError(internal::cat(
      to_string(a.role), " ", actors.name(a.id_ref), " at unit ", unit_name(a.unit_ref), " may not ", to_string(type),
      " petition ", pid(idx), ": scope ", to_string(row.scope), " requires unit ", unit_name(target_ref),
      row.scope == Scope::kStrictAncestor ? " or an ancestor above it" : " or an ancestor of it"));
}

absl::Status Engine::Impl::check_submission(pet::Step& s) {
  const ActorHandle& a = s.a;
  const EventPayload& p = s.p;
  const Timestamp now = s.now;
  Rec& nr = s.nr;
  const std::uint32_t idx = static_cast<std::uint32_t>(recs.size());
  if (idx == kNoRef - 1) return absl::ResourceExhaustedError("submit: the engine holds the maximum number of petitions");
  for (std::string_view field : {std::string_view(p.petitioner), std::string_view(p.location), std::string_view(p.category),
                             std::string_view(p.text), std::string_view(p.idempotency_key),
                             std::string_view(p.contact.name), std::string_view(p.contact.phone)}) {
    if (!is_valid_utf8(field)) return absl::InvalidArgumentError("submit: a text field is not valid UTF-8");
  }
  std::string_view petitioner = p.petitioner;
  if (a.role == Role::kResident) {
    if (petitioner.empty()) petitioner = actors.name(a.id_ref);
    if (petitioner != actors.name(a.id_ref)) {
      return absl::PermissionDeniedError(internal::cat("resident ", actors.name(a.id_ref),
                                                      " may not submit for resident ", petitioner,
                                                      ": scope own-petition"));
    }
  }
  if (petitioner.empty()) return absl::InvalidArgumentError("submit: petitioner (resident id) is required");
  if (p.location.empty()) return absl::InvalidArgumentError("submit: location (household or unit id) is required");
  if (!pet::valid_category(p.category)) {
    return absl::InvalidArgumentError(
        internal::cat("submit: category \"", p.category, "\" must be 1-64 characters of a-z, 0-9, _ - ."));
  }
  if (static_cast<int>(p.urgency) > 1 || static_cast<int>(p.severity) > 2 || static_cast<int>(p.channel) > 6) {
    return absl::InvalidArgumentError("submit: urgency, severity or channel out of range");
  }
  const std::size_t cap = std::min<std::size_t>(static_cast<std::size_t>(cfg.policy.caps.max_text_bytes),
                                                pet::kMaxArenaText);
  if (p.text.size() > cap) {
    return absl::InvalidArgumentError(internal::cat("submit: text of ", p.text.size(),
                                                   " bytes exceeds max_text_bytes ", cap, " of policy ",
                                                   cfg.policy.name));
  }
  if (p.location.size() > 256 || p.idempotency_key.size() > 256 || p.petitioner.size() > 256) {
    return absl::InvalidArgumentError("submit: petitioner, location and idempotency key are limited to 256 bytes");
  }
  // Contact data is personal data kept beside the petition: a name, a phone number.
  if (p.contact.name.size() > pet::kMaxContactName || p.contact.phone.size() > pet::kMaxContactPhone) {
    return absl::InvalidArgumentError(internal::cat("submit: contact name (", p.contact.name.size(),
                                                   " bytes) or phone (", p.contact.phone.size(), " bytes) over the limit of ",
                                                   pet::kMaxContactName, " and ", pet::kMaxContactPhone, " bytes"));
  }
  std::optional<std::uint32_t> g = cfg.org->household_unit(p.location);
  if (!g) g = cfg.org->find(p.location);
  if (!g) {
    return absl::NotFoundError(
        internal::cat("submit: location \"", p.location, "\" is neither a household nor a unit of the org graph"));
  }
  const std::uint32_t loc_ref = unit_ref(*g);
  // The row's scope (location): staff register only inside their own subtree.
  if (a.role != Role::kResident && a.role != Role::kSystem && s.row.scope != Scope::kAnywhere) {
    const std::uint32_t au = graph_of(a.unit_ref);
    if (au == kNoIndex || !cfg.org->is_ancestor_or_self(au, *g)) {
      return absl::PermissionDeniedError(internal::cat(to_string(a.role), " ", actors.name(a.id_ref), " at unit ",
                                                      unit_name(a.unit_ref), " may not submit at location ",
                                                      p.location, ": scope ", to_string(s.row.scope),
                                                      " requires unit ", unit_name(loc_ref), " or an ancestor of it"));
    }
  }
  const std::uint32_t person = actors.intern(petitioner);
  const std::uint16_t cat = intern_category(p.category);
  // 信访 finality: the same facts after 复查 and 复核 are not accepted again.
  std::uint32_t same = kNoRef;
  if (p.linked != kNoPetition) {
    if (p.linked > recs.size()) {
      return absl::NotFoundError(internal::cat("submit: linked petition ", Engine::display_id(p.linked), " not found"));
    }
    same = static_cast<std::uint32_t>(p.linked - 1);
    if (recs[same].flags & pet::kFinal) {
      return absl::FailedPreconditionError(internal::cat(
          "submit: same matter as petition ", pid(same),
          ", which is final after review (复查) and re-review (复核); not accepted again (信访工作条例 第三十六条)"));
    }
  }
  if (p.same_matter) {
    auto it = final_matters.find(pet::MatterKey{person, cat, loc_ref});
    if (it != final_matters.end()) {
      return absl::FailedPreconditionError(internal::cat(
          "submit: same petitioner, category ", p.category, " and location as petition ", pid(it->second),
          ", which is final after review (复查) and re-review (复核); not accepted again (信访工作条例 第三十六条)"));
    }
  }
  nr = Rec{};
  nr.submitted = now;
  nr.petitioner = person;
  nr.category = cat;
  nr.urgency = static_cast<std::uint8_t>(p.urgency);
  nr.severity = static_cast<std::uint8_t>(p.severity);
  nr.channel = static_cast<std::uint8_t>(p.channel);
  nr.track = static_cast<std::uint8_t>(cfg.policy.track);
  nr.loc_unit = loc_ref;
  nr.cur_unit = loc_ref;
  nr.same_matter_as = same;
  if (p.same_matter) nr.flags |= pet::kSameMatter;
  nr.state = State::kReceived;
  nr.stage_start = now;
  nr.updated = now;
  return absl::OkStatus();
}

absl::Status Engine::Impl::prepare(const ActorHandle& a, EventType type, std::uint32_t idx, const EventPayload& p,
                                   Timestamp now, Mode mode, Rec& nr, StoredEvent& ev) {
  if (!acts_on_petition(type)) {
    return absl::InvalidArgumentError(internal::cat("event ", to_string(type), " is not a petition command"));
  }
  if (static_cast<int>(a.role) >= kRoleCount) return absl::InvalidArgumentError("actor role out of range");
  JICENG_RETURN_IF_ERROR(check_time(now));
  ev.time = now;
  ev.type = static_cast<std::uint8_t>(type);
  ev.role = static_cast<std::uint8_t>(a.role);
  ev.actor = a.id_ref;
  ev.actor_unit = a.unit_ref;
  if (type == EventType::kSubmit) {
    const Transition& row = kTransitions[kTransitionLookup[kInitialState][0]];
    if (!(row.roles & role_bit(a.role))) {
      return absl::PermissionDeniedError(internal::cat("role ", to_string(a.role), " may not submit; allowed roles: ",
                                                      role_list(row.roles)));
    }
    ev.petition = static_cast<std::uint32_t>(recs.size());
    static const Rec kNew{};
    static const DeadlineLimits kNoLimits{};  // the category's are known after the guard
    pet::Step st{*this, a,    type, ev.petition, p, now, mode, row, kNew, nr, ev, kNoLimits,
                 cfg.policy.caps, cfg.policy.track};
    JICENG_RETURN_IF_ERROR(pet::kGuards[static_cast<int>(row.guard)](st));
    return pet::kActions[static_cast<int>(row.action)](st);
  }
  if (idx >= recs.size()) return absl::NotFoundError(internal::cat("petition ", pid(idx), " not found"));
  const Rec& r = recs[idx];
  if (const ParticipationRule* rule = find_participation(type)) {
    return prepare_participation(*rule, a, type, idx, now, nr, ev);
  }
  const Transition* row = find_transition(static_cast<std::uint8_t>(r.state), type);
  if (row == nullptr) {
    return absl::FailedPreconditionError(internal::cat("petition ", pid(idx), " is in state ", to_string(r.state),
                                                      ": event ", to_string(type), " is not allowed (allowed in: ",
                                                      allowed_states(type), ")"));
  }
  if (!(row->roles & role_bit(a.role))) {
    return absl::PermissionDeniedError(internal::cat("role ", to_string(a.role), " may not ", to_string(type),
                                                    " petition ", pid(idx), " in state ", to_string(r.state),
                                                    "; allowed roles: ", role_list(row->roles)));
  }
  JICENG_RETURN_IF_ERROR(check_scope(*row, a, r, idx, type));
  if ((r.flags & pet::kHeldByReferral) && (type == EventType::kEvaluate || type == EventType::kClose)) {
    return absl::FailedPreconditionError(internal::cat(
        "petition ", pid(idx), " was referred (转办) to a mediation case or deliberation matter that has not concluded; its ",
        to_string(type), " waits until it does"));
  }
  if (now < r.updated) {
    return absl::InvalidArgumentError(internal::cat("petition ", pid(idx), ": time ", internal::china_time_iso(now),
                                                   " is before its last event at ", internal::china_time_iso(r.updated)));
  }
  if (p.reason.size() > pet::kMaxArenaText || !is_valid_utf8(p.reason)) {
    return absl::InvalidArgumentError("reason: not valid UTF-8 or longer than 16 MiB");
  }
  if (static_cast<std::int64_t>(p.reason.size()) > cfg.policy.caps.max_text_bytes) {
    return absl::InvalidArgumentError(internal::cat("reason of ", p.reason.size(), " bytes exceeds max_text_bytes ",
                                                   cfg.policy.caps.max_text_bytes));
  }
  nr = r;
  pet::Step st{*this, a,    type, idx, p,  now, mode, *row, r, nr, ev, limits(r), cfg.policy.caps,
               static_cast<Track>(r.track)};
  // The row's guard (守卫), then its action (动作) on the new record.
  JICENG_RETURN_IF_ERROR(pet::kGuards[static_cast<int>(row->guard)](st));
  nr.state = row->to;
  nr.updated = now;
  if (nr.state != r.state) nr.stage_start = now;
  ev.petition = idx;
  if (p.automatic) ev.flags |= pet::kEvAutomatic;
  return pet::kActions[static_cast<int>(row->action)](st);
}

absl::Status Engine::Impl::prepare_participation(const ParticipationRule& rule, const ActorHandle& a, EventType type,
                                                 std::uint32_t idx, Timestamp now, Rec& nr, StoredEvent& ev) {
  const Rec& r = recs[idx];
  if (!(rule.states & state_bit(r.state))) {
    std::vector<std::string> allowed;
    for (int s = 0; s < kStateCount; ++s)
      if (rule.states & state_bit(static_cast<State>(s))) allowed.emplace_back(to_string(static_cast<State>(s)));
    return absl::FailedPreconditionError(internal::cat("petition ", pid(idx), " is in state ", to_string(r.state),
                                                      ": event ", to_string(type), " is not allowed (allowed in: ",
                                                      absl::StrJoin(allowed, ", "), ")"));
  }
  if (!(rule.roles & role_bit(a.role))) {
    return absl::PermissionDeniedError(internal::cat("role ", to_string(a.role), " may not ", to_string(type),
                                                    " petition ", pid(idx), "; allowed roles: ", role_list(rule.roles)));
  }
  // The petitioner is counted already: a support of one's own petition adds nobody.
  if (a.id_ref == r.petitioner) {
    return absl::PermissionDeniedError(internal::cat("resident ", actors.name(a.id_ref), " may not ", to_string(type),
                                                    " petition ", pid(idx),
                                                    ": scope others' (it is the resident's own petition)"));
  }
  if (now < r.updated) {
    return absl::InvalidArgumentError(internal::cat("petition ", pid(idx), ": time ", internal::china_time_iso(now),
                                                   " is before its last event at ", internal::china_time_iso(r.updated)));
  }
  const bool has = supports(idx, a.id_ref);
  if (type == EventType::kSupport && has) {
    return absl::FailedPreconditionError(internal::cat("support petition ", pid(idx), ": resident ",
                                                      actors.name(a.id_ref),
                                                      " supports it already (one support per resident)"));
  }
  if (type == EventType::kWithdrawSupport && !has) {
    return absl::FailedPreconditionError(internal::cat("withdraw_support petition ", pid(idx), ": resident ",
                                                      actors.name(a.id_ref), " does not support it"));
  }
  nr = r;
  nr.supporters = type == EventType::kSupport ? r.supporters + 1 : r.supporters - 1;
  nr.updated = now;
  ev.petition = idx;
  return absl::OkStatus();
}

bool Engine::Impl::supports(std::uint32_t idx, std::uint32_t person) const {
  auto it = supporters_of.find(idx);
  return it != supporters_of.end() && std::binary_search(it->second.begin(), it->second.end(), person);
}

void Engine::Impl::save_list(absl::flat_hash_map<std::uint32_t, std::vector<std::uint32_t>>& table,
                             std::uint32_t idx) {
  if (!undo_log.recording()) return;
  auto it = table.find(idx);
  std::optional<std::vector<std::uint32_t>> before;
  if (it != table.end()) before = it->second;
  undo_log.push([&table, idx, before = std::move(before)]() mutable {
    if (before) {
      table[idx] = std::move(*before);
    } else {
      table.erase(idx);
    }
  });
}

void Engine::Impl::fold_participation(std::uint32_t idx, const StoredEvent& ev) {
  const auto type = static_cast<EventType>(ev.type);
  if (type == EventType::kSupport) {
    save_list(supporters_of, idx);
    auto& v = supporters_of[idx];
    v.insert(std::lower_bound(v.begin(), v.end(), ev.actor), ev.actor);
  } else if (type == EventType::kWithdrawSupport) {
    save_list(supporters_of, idx);
    auto& v = supporters_of[idx];
    if (auto pos = std::lower_bound(v.begin(), v.end(), ev.actor); pos != v.end() && *pos == ev.actor) v.erase(pos);
    if (v.empty()) supporters_of.erase(idx);
  } else if (type == EventType::kMerge) {
    // The kept petition gains the merged one's supporters and its petitioner (a duplicate's
    // author is one more resident with the same need), each once, never its own petitioner.
    const auto kept = static_cast<std::uint32_t>(ev.aux);
    std::vector<std::uint32_t> moving;
    if (auto it = supporters_of.find(idx); it != supporters_of.end()) moving = it->second;
    moving.push_back(recs[idx].petitioner);
    save_list(supporters_of, idx);
    supporters_of.erase(idx);
    save_list(supporters_of, kept);
    auto& v = supporters_of[kept];
    for (std::uint32_t person : moving) {
      if (person == recs[kept].petitioner) continue;
      auto pos = std::lower_bound(v.begin(), v.end(), person);
      if (pos == v.end() || *pos != person) v.insert(pos, person);
    }
    const auto count = static_cast<std::uint32_t>(v.size());
    if (v.empty()) supporters_of.erase(kept);
    if (recs[kept].supporters != count) {
      save_rec(kept);
      recs[kept].supporters = count;
    }
    save_list(merged_from, kept);
    auto& from = merged_from[kept];
    from.insert(std::lower_bound(from.begin(), from.end(), idx), idx);
  }
}

void Engine::Impl::push_wake(std::uint32_t idx) {
  const Timestamp w = recs[idx].wake;
  if (w == kNoWake) return;
  heap.push_back({w, idx});
  std::push_heap(heap.begin(), heap.end(), std::greater<>());
  if (heap.size() > 2 * open_count + 4096) {
    heap.clear();
    for (std::uint32_t i = 0; i < recs.size(); ++i)
      if (recs[i].wake != kNoWake) heap.push_back({recs[i].wake, i});
    std::make_heap(heap.begin(), heap.end(), std::greater<>());
  }
}

void Engine::Impl::commit(std::uint32_t idx, Rec& nr, StoredEvent& ev) {
  const auto eidx = static_cast<std::uint32_t>(events.size());
  const bool is_new = idx >= recs.size();
  ev.prev = is_new ? kNoRef : recs[idx].last_event;
  events.push_back(ev);
  nr.last_event = eidx;
  if (is_new) nr.first_event = eidx;
  const Timestamp old_wake = is_new ? kNoWake : recs[idx].wake;
  nr.wake = compute_wake(nr);
  if (is_new) {
    recs.push_back(nr);
    ++per_state[static_cast<int>(nr.state)];
    if (is_open(nr.state)) ++open_count;
    if (pet::text_len(nr.key) > 0) by_key.emplace(std::string(text(nr.key)), idx);
  } else {
    Rec& r = recs[idx];
    --per_state[static_cast<int>(r.state)];
    ++per_state[static_cast<int>(nr.state)];
    open_count += static_cast<std::size_t>(is_open(nr.state)) - static_cast<std::size_t>(is_open(r.state));
    r = nr;
  }
  if ((nr.flags & pet::kFinal) && nr.state == State::kClosed) {
    final_matters.emplace(pet::MatterKey{nr.petitioner, nr.category, nr.loc_unit}, idx);
  }
  if (nr.wake != old_wake) push_wake(idx);
  if (const auto t = static_cast<EventType>(ev.type);
      t == EventType::kSupport || t == EventType::kWithdrawSupport || t == EventType::kMerge) {
    fold_participation(idx, ev);
  }
}

absl::StatusOr<std::uint32_t> Engine::Impl::run(const ActorHandle& a, EventType type, std::uint32_t idx,
                                                const EventPayload& p, Timestamp now, Mode mode, bool automatic) {
  if (a.role == Role::kSystem && mode == Mode::kLive && !automatic && !host_system_role) [[unlikely]] {
    return absl::PermissionDeniedError(internal::cat(to_string(type), ": the role system is the engine's clock; a host "
                                                     "command may act as it only after Engine::allow_system_role"));
  }
  const std::size_t arena_mark = arena.size();
  // A refused command keeps nothing it interned (a petitioner, a category).
  const std::size_t actors_mark = actors.size(), categories_mark = categories.size();
  auto drop_interned = [&] {
    actors.truncate(actors_mark);
    categories.truncate(categories_mark);
    cats.resize(std::min(cats.size(), categories_mark));
  };
  Rec nr;
  StoredEvent ev;
  const EventPayload* payload = &p;
  std::optional<EventPayload> automatic_payload;  // only the clock's events need a copy
  if (automatic && !p.automatic) {
    automatic_payload = p;
    automatic_payload->automatic = true;
    payload = &*automatic_payload;
  }
  absl::Status st = prepare(a, type, idx, *payload, now, mode, nr, ev);
  if (!st.ok()) {
    arena.resize(arena_mark);
    drop_interned();
    return st;
  }
  if (type == EventType::kSubmit) {
    idx = ev.petition;
    if (!p.contact.name.empty() || !p.contact.phone.empty()) contacts[idx] = p.contact;
  }
  if (mode == Mode::kLive && sink != nullptr) {
    if (in_batch) {
      batch_events.emplace_back();
      fill_public(batch_events.back(), ev, events.size() + 1, nr);
    } else {
      Event e;
      fill_public(e, ev, events.size() + 1, nr);
      st = append_to_sink(std::span<const Event>(&e, 1));
      if (!st.ok()) {
        arena.resize(arena_mark);
        if (type == EventType::kSubmit) contacts.erase(idx);
        drop_interned();
        return st;
      }
    }
  }
  if (idx < recs.size()) save_rec(idx);
  commit(idx, nr, ev);
  return idx;
}

// ---------------------------------------------------------------------------------------
// Configuration events

absl::Status Engine::Impl::run_config(const Actor& actor, EventType type, std::string_view doc, Timestamp now,
                                      Mode mode) {
  JICENG_RETURN_IF_ERROR(check_time(now));  // the same bound as every command's time
  pet::Config next;
  std::string recorded;
  try {
    switch (type) {
      case EventType::kLoadOrg: {
        auto org = pet::OrgData::load(doc, "load_org");
        if (!org.ok()) return org.status();
        next.org = *std::move(org);
        recorded = std::string(doc);
        break;
      }
      case EventType::kSetPolicy: {
        const bool is_json = !doc.empty() && (doc.front() == '{' || doc.front() == ' ' || doc.front() == '\n');
        auto set = is_json ? PolicySet::from_json(doc, "set_policy") : PolicySet::load_builtin(doc);
        if (!set.ok()) return set.status();
        next.policy_set = std::make_shared<const PolicySet>(*std::move(set));
        recorded = next.policy_set->to_json();
        break;
      }
      case EventType::kLoadCalendar: {
        WorkCalendar cal = cfg.calendar;
        JICENG_RETURN_IF_ERROR(cal.load_csv(doc, "load_calendar"));
        next.calendar = std::move(cal);
        recorded = std::string(doc);
        break;
      }
      case EventType::kSetCalendar: {
        CalendarMode cal_mode;
        int rule;
        JICENG_RETURN_IF_ERROR(pet::parse_calendar_settings(doc, &cal_mode, &rule));
        WorkCalendar cal = cfg.calendar;
        JICENG_RETURN_IF_ERROR(cal.set_provisional_rule(rule));
        cal.set_mode(cal_mode);
        next.calendar = std::move(cal);
        recorded = internal::cat("mode=", to_string(cal_mode), " rule=", rule);  // canonical
        break;
      }
      default:
        return absl::InvalidArgumentError(internal::cat(to_string(type), " is not a configuration event"));
    }
  } catch (const std::exception& e) {
    return absl::InternalError(internal::cat(to_string(type), ": ", e.what()));
  }
  if (!is_valid_utf8(actor.id) || !is_valid_utf8(actor.unit)) return absl::InvalidArgumentError("actor: not UTF-8");
  // Validate fully before the sink sees it: apply to a scratch copy of the configuration.
  pet::Config saved = cfg;
  auto saved_cats = cats;
  auto saved_r2g = ref_to_graph;
  auto saved_g2r = graph_to_ref;
  const int saved_minute = due_minute;
  const std::uint8_t saved_due_rungs = due_rungs;
  auto undo_cfg = [&] {
    cfg = saved;
    cats = saved_cats;
    ref_to_graph = saved_r2g;
    graph_to_ref = saved_g2r;
    due_minute = saved_minute;
    due_rungs = saved_due_rungs;
  };
  absl::Status st;
  if (type == EventType::kLoadOrg) st = install_org(next.org);
  if (type == EventType::kSetPolicy) st = install_policy(next.policy_set);
  const bool calendar_event = type == EventType::kLoadCalendar || type == EventType::kSetCalendar;
  if (calendar_event) {
    cfg.calendar = std::move(next.calendar);
    cfg.calendar_docs.push_back(recorded);
  }
  if (!st.ok()) {
    undo_cfg();
    return st;
  }
  StoredEvent ev;
  ev.time = now;
  ev.type = static_cast<std::uint8_t>(type);
  ev.role = static_cast<std::uint8_t>(actor.role);
  ev.actor = actors.intern(actor.id);
  ev.actor_unit = actor.unit.empty() ? kNoRef : units.intern(actor.unit);
  if (ev.actor_unit != kNoRef && ev.actor_unit >= ref_to_graph.size()) ref_to_graph.resize(units.size(), kNoIndex);
  ev.aux = documents.size();
  if (mode == Mode::kLive && sink != nullptr) {
    Event e;
    e.seq = events.size() + 1;
    e.time = now;
    e.actor = actor;
    e.type = type;
    e.payload.document = recorded;
    if (in_batch) {
      batch_events.push_back(std::move(e));
    } else {
      st = append_to_sink(std::span<const Event>(&e, 1));
      if (!st.ok()) {
        undo_cfg();
        return st;
      }
    }
  }
  documents.push_back(std::move(recorded));
  events.push_back(ev);
  // A calendar that answers differently moves the open deadlines it reckoned, in this
  // same event (replay takes the same path, so the digest agrees).
  if (calendar_event) revise_deadlines(saved.calendar, static_cast<std::uint32_t>(events.size() - 1));
  // Undo: the configuration as it was (the saved graph held every petition then, so
  // reinstalling it cannot fail).
  undo_log.push([this, saved = std::move(saved)]() mutable {
    cfg = std::move(saved);
    recompute_categories();
    auto org = cfg.org;
    (void)install_org(org);
  });
  // Wake times depend on policy and calendar; recompute them all.
  if (type != EventType::kLoadOrg) {
    for (std::uint32_t i = 0; i < recs.size(); ++i) {
      const Timestamp w = compute_wake(recs[i]);
      if (w != recs[i].wake) {
        save_rec(i);
        recs[i].wake = w;
        push_wake(i);
      }
    }
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Batches

void Engine::Impl::begin_batch() {
  in_batch = true;
  batch_events.clear();
  mark_recs = recs.size();
  mark_events = events.size();
  mark_arena = arena.size();
  mark_docs = documents.size();
  mark_revisions = revisions.size();
  undo_log.begin();
  // The first entry, so the last to run: cut what the batch appended.
  undo_log.push([this] { truncate_to_marks(); });
}

namespace {
struct RecUndo {
  std::uint32_t idx;
  pet::Rec before;
};
static_assert(std::is_trivially_copyable_v<RecUndo>);
void undo_rec(void* owner, const void* bytes) {
  RecUndo u;
  std::memcpy(&u, bytes, sizeof u);
  static_cast<Engine::Impl*>(owner)->restore_rec(u.idx, u.before);
}
}  // namespace

void Engine::Impl::save_rec(std::uint32_t idx) {
  if (!undo_log.recording()) return;
  const RecUndo u{idx, recs[idx]};
  undo_log.push_raw(&undo_rec, this, &u, sizeof u);
}

void Engine::Impl::restore_rec(std::uint32_t idx, const Rec& before) {
  if (idx >= recs.size()) return;
  Rec& r = recs[idx];
  --per_state[static_cast<int>(r.state)];
  ++per_state[static_cast<int>(before.state)];
  open_count += static_cast<std::size_t>(is_open(before.state)) - static_cast<std::size_t>(is_open(r.state));
  if ((r.flags & pet::kFinal) && !(before.flags & pet::kFinal)) {
    final_matters.erase(pet::MatterKey{r.petitioner, r.category, r.loc_unit});
  }
  r = before;
  // Its wake-up entry back (stale entries are skipped on pop); a record the batch created
  // is cut by truncate_to_marks.
  if (idx < mark_recs) push_wake(idx);
}

void Engine::Impl::truncate_to_marks() {
  // Events from mark_events on are dropped and their seqs reused: a rewind for readers.
  if (events.size() > mark_events) note_rewind(mark_events);
  while (recs.size() > mark_recs) {
    const Rec& r = recs.back();
    --per_state[static_cast<int>(r.state)];
    if (is_open(r.state)) --open_count;
    if (pet::text_len(r.key) > 0) by_key.erase(std::string(text(r.key)));
    if (r.flags & pet::kFinal) final_matters.erase(pet::MatterKey{r.petitioner, r.category, r.loc_unit});
    contacts.erase(static_cast<std::uint32_t>(recs.size() - 1));
    recs.pop_back();
  }
  events.resize(mark_events);
  arena.resize(mark_arena);
  documents.resize(mark_docs);
  while (revisions.size() > mark_revisions) {
    auto it = revisions_of.find(revisions.back().petition);
    if (it != revisions_of.end()) {
      it->second.pop_back();
      if (it->second.empty()) revisions_of.erase(it);
    }
    revisions.pop_back();
  }
}

void Engine::Impl::rollback() {
  undo_log.rollback();
  batch_events.clear();
  in_batch = false;
}

absl::Status Engine::Impl::append_to_sink(std::span<const Event> events) {
  // A host's sink may throw (a journal out of memory, a host's own sink); nothing may
  // escape the engine's API, and the caller rolls back on any non-OK status.
  try {
    return sink->append(events);
  } catch (const std::exception& ex) {
    return absl::InternalError(internal::cat("event sink threw: ", ex.what()));
  } catch (...) {
    return absl::InternalError("event sink threw an unknown exception");
  }
}

absl::Status Engine::Impl::end_batch(absl::Status fn_status) {
  if (fn_status.ok() && sink != nullptr && !batch_events.empty()) {
    fn_status = append_to_sink(std::span<const Event>(batch_events.data(), batch_events.size()));
  }
  if (!fn_status.ok()) {
    rollback();
    return fn_status;
  }
  undo_log.commit();
  batch_events.clear();
  in_batch = false;
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Actors

absl::StatusOr<ActorHandle> Engine::Impl::resolve(const Actor& a) {
  if (static_cast<int>(a.role) >= kRoleCount) return absl::InvalidArgumentError("actor: role out of range");
  if (a.id.empty() || a.id.size() > 256 || !is_valid_utf8(a.id)) {
    return absl::InvalidArgumentError("actor: id must be 1-256 bytes of UTF-8");
  }
  ActorHandle h;
  h.role = a.role;
  if (!a.unit.empty()) {
    auto g = cfg.org->find(a.unit);
    if (!g) {
      return absl::NotFoundError(internal::cat("actor ", a.id, ": unit \"", a.unit, "\" is not in the org graph"));
    }
    h.unit_ref = unit_ref(*g);
  } else if (a.role != Role::kResident && a.role != Role::kSystem) {
    return absl::InvalidArgumentError(internal::cat("actor ", a.id, ": role ", to_string(a.role), " needs a unit"));
  }
  h.id_ref = actors.intern(a.id);
  h.engine = identity;
  h.generation = generation.load(std::memory_order_relaxed);
  return h;
}

std::uint64_t Engine::Impl::draw_stamp() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

absl::Status Engine::Impl::check_handle(const ActorHandle& a) const {
  if (a.engine != identity) [[unlikely]] {
    return absl::InvalidArgumentError("actor handle was made by another engine (or a freed one)");
  }
  if (a.generation != generation.load(std::memory_order_relaxed)) [[unlikely]] {
    return absl::InvalidArgumentError(
        "actor handle is stale: made before a restore of this engine (resolve the actor again)");
  }
  if (a.id_ref >= actors.size()) [[unlikely]] return absl::InvalidArgumentError("actor handle is forged");
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Hosted loops

namespace {
// What the host gives a loop during one call.
class HostEnv final : public LoopHost {
 public:
  HostEnv(Engine::Impl& m, bool replay) : m_(m), replay_(replay) {}
  const OrgGraph& org() const override { return m_.cfg.org->graph(); }
  const WorkCalendar& calendar() const override { return m_.cfg.calendar; }
  const PolicySet& policy() const override { return *m_.cfg.policy_set; }
  UndoLog& undo() override { return m_.undo_log; }
  bool replaying() const override { return replay_; }
  absl::StatusOr<std::string> query_loop(std::string_view loop, std::string_view name,
                                         std::string_view params) const override {
    if (loop == "petition") return m_.petition_query(name, params);
    const Loop* l = m_.find_loop(loop);
    if (l == nullptr) return absl::NotFoundError(internal::cat("loop ", loop, " is not hosted by this engine"));
    return l->query(name, params, *this);
  }
  absl::Status hold_petition(std::string_view petition, Timestamp now) override {
    return m_.referral_hold(petition, true, now);
  }
  absl::Status release_petition(std::string_view petition, Timestamp now) override {
    return m_.referral_hold(petition, false, now);
  }

 private:
  Engine::Impl& m_;
  bool replay_;
};
}  // namespace

Loop* Engine::Impl::find_loop(std::string_view name) const {
  for (const auto& l : loops)
    if (l->table().loop == name) return l.get();
  return nullptr;
}

absl::Status Engine::Impl::referral_hold(std::string_view petition, bool hold, Timestamp now) {
  const std::string_view verb = hold ? "hold" : "release";
  const std::optional<PetitionId> id = Engine::parse_display_id(petition);
  if (!id) return absl::InvalidArgumentError(internal::cat(verb, " petition: \"", petition, "\" is not a petition id"));
  JICENG_ASSIGN_OR_RETURN(const std::uint32_t idx, index_of(*id));
  Rec& r = recs[idx];
  const bool held = r.flags & pet::kHeldByReferral;
  if (hold && held) {
    return absl::FailedPreconditionError(internal::cat("petition ", petition, " is referred already (its evaluation is held)"));
  }
  if (hold && r.state != State::kInProgress) {
    return absl::FailedPreconditionError(internal::cat("petition ", petition, " is ", to_string(r.state),
                                                      "; a petition is referred while it is being handled (in_progress)"));
  }
  if (!hold && !held) return absl::FailedPreconditionError(internal::cat("petition ", petition, " is not held by a referral"));
  Timestamp due = r.due;
  if (!hold && r.state == State::kResolved) {
    // Answered while the referral ran: the evaluation window opens now.
    JICENG_ASSIGN_OR_RETURN(due, deadline_checked(now, limits(r).evaluate));
  }
  save_rec(idx);
  r.flags = static_cast<std::uint8_t>(hold ? r.flags | pet::kHeldByReferral : r.flags & ~pet::kHeldByReferral);
  if (due != r.due) {
    r.due = due;
    r.wake = compute_wake(r);
    push_wake(idx);
  }
  return absl::OkStatus();
}

absl::StatusOr<LoopOutcome> Engine::Impl::run_loop(const Actor& actor, const LoopCommand& c, Loop& loop,
                                                   bool automatic) {
  JICENG_RETURN_IF_ERROR(check_time(c.now));
  const std::string_view name = loop.table().loop;
  if (static_cast<int>(actor.role) >= kRoleCount) return absl::InvalidArgumentError("actor: role out of range");
  if (actor.role == Role::kSystem && !automatic && !host_system_role) {
    return absl::PermissionDeniedError(internal::cat(name, " ", c.event, ": the role system is the engine's clock"));
  }
  if (actor.id.empty() || actor.id.size() > 256 || !is_valid_utf8(actor.id) || !is_valid_utf8(actor.unit)) {
    return absl::InvalidArgumentError("actor: id must be 1-256 bytes of UTF-8");
  }
  if (!actor.unit.empty() && !cfg.org->find(actor.unit)) {
    return absl::NotFoundError(internal::cat("actor ", actor.id, ": unit \"", actor.unit, "\" is not in the org graph"));
  }
  if (actor.unit.empty() && actor.role != Role::kResident && actor.role != Role::kSystem) {
    return absl::InvalidArgumentError(internal::cat("actor ", actor.id, ": role ", to_string(actor.role), " needs a unit"));
  }
  // Decide, record, apply in a batch of its own (or the caller's): an action that failed
  // after the decision leaves nothing behind, in memory or in the journal.
  const bool own_batch = !in_batch;
  if (own_batch) begin_batch();
  HostEnv env(*this, false);
  LoopOutcome out;
  absl::Status st = [&]() -> absl::Status {
    JICENG_ASSIGN_OR_RETURN(LoopEvent le, loop.decide(c, env));
    std::string doc = encode_loop_event(le);
    StoredEvent ev;
    ev.time = c.now;
    ev.type = static_cast<std::uint8_t>(EventType::kLoop);
    ev.role = static_cast<std::uint8_t>(actor.role);
    ev.actor = actors.intern(actor.id);
    ev.actor_unit = actor.unit.empty() ? kNoRef : units.intern(actor.unit);
    if (ev.actor_unit != kNoRef && ev.actor_unit >= ref_to_graph.size()) ref_to_graph.resize(units.size(), kNoIndex);
    if (automatic) ev.flags |= pet::kEvAutomatic;
    ev.aux = documents.size();
    if (sink != nullptr) {
      Event& e = batch_events.emplace_back();
      e.seq = events.size() + 1;
      e.time = c.now;
      e.actor = actor;
      e.type = EventType::kLoop;
      e.payload.document = doc;
      e.payload.automatic = automatic;
    }
    documents.push_back(std::move(doc));
    events.push_back(ev);
    out = LoopOutcome{le.item, events.size()};
    return loop.apply(le, actor, c.now, env);
  }();
  if (own_batch) st = end_batch(st);
  if (!st.ok()) return st;
  return out;
}

absl::Status Engine::Impl::replay_loop(const Event& e) {
  auto bad = [&](std::string_view why) {
    return absl::DataLossError(internal::cat("apply_event seq ", e.seq, ": ", why));
  };
  if (e.petition != kNoPetition) return bad("a loop event names a petition");
  auto le = decode_loop_event(e.payload.document);
  if (!le.ok()) return bad(internal::sv(le.status().message()));
  Loop* loop = find_loop(le->loop);
  if (loop == nullptr) return bad(internal::cat("the event belongs to loop ", le->loop, ", which this engine does not host"));
  if (static_cast<int>(e.actor.role) >= kRoleCount) return bad("role out of range");
  HostEnv env(*this, true);
  if (auto st = loop->apply(*le, e.actor, e.time, env); !st.ok()) return bad(internal::sv(st.message()));
  StoredEvent ev;
  ev.time = e.time;
  ev.type = static_cast<std::uint8_t>(EventType::kLoop);
  ev.role = static_cast<std::uint8_t>(e.actor.role);
  ev.actor = actors.intern(e.actor.id);
  ev.actor_unit = e.actor.unit.empty() ? kNoRef : units.intern(e.actor.unit);
  if (ev.actor_unit != kNoRef && ev.actor_unit >= ref_to_graph.size()) ref_to_graph.resize(units.size(), kNoIndex);
  if (e.payload.automatic) ev.flags |= pet::kEvAutomatic;
  ev.aux = documents.size();
  documents.push_back(e.payload.document);
  events.push_back(ev);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Engine

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

absl::StatusOr<std::unique_ptr<Engine>> Engine::create(std::string_view policy) {
  auto impl = std::make_unique<Impl>();
  impl->loops = make_registered_loops();
  impl->cfg.org = pet::OrgData::empty();
  impl->cfg.calendar = WorkCalendar::china();
  auto set = PolicySet::load_builtin(policy);
  if (!set.ok()) return set.status();
  JICENG_RETURN_IF_ERROR(impl->install_policy(std::make_shared<const PolicySet>(*std::move(set))));
  JICENG_RETURN_IF_ERROR(impl->install_org(impl->cfg.org));
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

namespace {
/// The engine whose reader lock this thread holds through Engine::read (nullptr: none).
thread_local const Engine::Impl* t_reading = nullptr;

/// Releases the writer lock. When the work done under it recorded events through the sink
/// (`events_before` = the log's size when the lock was taken), tells the sink once the lock
/// is free: a journal takes its policy snapshots there (EventSink::committed).
void release_writer(Engine::Impl& i, std::size_t events_before) {
  EventSink* const s = i.sink != nullptr && i.events.size() > events_before ? i.sink : nullptr;
  const std::uint64_t seq = i.events.size();
  i.mu.unlock();
  if (s == nullptr) return;
  try {
    s->committed(seq);
  } catch (...) {  // the command is done and durable; nothing may escape the engine's API
  }
}

/// Takes the writer lock unless this thread runs a batch on the engine (and holds it).
class WriteLock {
 public:
  explicit WriteLock(Engine::Impl& i) : impl_(i) {
    if (i.batch_owner.load(std::memory_order_acquire) != std::this_thread::get_id()) {
      i.mu.lock();
      locked_ = true;
      events_before_ = i.events.size();
    }
  }
  ~WriteLock() {
    if (locked_) release_writer(impl_, events_before_);
  }
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;

 private:
  Engine::Impl& impl_;
  bool locked_ = false;
  std::size_t events_before_ = 0;
};
class ReadLock {
 public:
  explicit ReadLock(const Engine::Impl& i) : impl_(i) {
    if (t_reading != &i && i.batch_owner.load(std::memory_order_acquire) != std::this_thread::get_id()) {
      i.mu.lock_shared();
      locked_ = true;
    }
  }
  ~ReadLock() {
    if (locked_) impl_.mu.unlock_shared();
  }
  ReadLock(const ReadLock&) = delete;
  ReadLock& operator=(const ReadLock&) = delete;

 private:
  const Engine::Impl& impl_;
  bool locked_ = false;
};
}  // namespace

namespace {
// Who a configuration command records: the host's person, checked like any actor's id
// (the unit is not checked against the org graph: configuration may be what creates it).
absl::Status check_config_actor(const Actor& by, bool host_system_role, std::string_view what) {
  if (static_cast<int>(by.role) >= kRoleCount) {
    return absl::InvalidArgumentError(internal::cat(what, ": actor role out of range"));
  }
  if (by.id.empty() || by.id.size() > 256 || !is_valid_utf8(by.id)) {
    return absl::InvalidArgumentError(internal::cat(what, ": actor id must be 1-256 bytes of UTF-8"));
  }
  if (by.unit.size() > 256 || !is_valid_utf8(by.unit)) {
    return absl::InvalidArgumentError(internal::cat(what, ": actor unit must be at most 256 bytes of UTF-8"));
  }
  if (by.role == Role::kSystem && !host_system_role) {
    return absl::PermissionDeniedError(internal::cat(what, ": the role system is the engine's clock; name the person "
                                                     "who configures (or call Engine::allow_system_role)"));
  }
  return absl::OkStatus();
}
const Actor kUnnamedConfigurer{"system", Role::kSystem, ""};
}  // namespace

void Engine::allow_system_role(bool allow) {
  WriteLock l(*impl_);
  impl_->host_system_role = allow;
}
bool Engine::system_role_allowed() const {
  ReadLock l(*impl_);
  return impl_->host_system_role;
}

absl::Status Engine::load_org(std::string_view json, Timestamp now) {
  WriteLock l(*impl_);
  return impl_->run_config(kUnnamedConfigurer, EventType::kLoadOrg, json, now, Impl::Mode::kLive);
}
absl::Status Engine::load_org(const Actor& by, std::string_view json, Timestamp now) {
  WriteLock l(*impl_);
  JICENG_RETURN_IF_ERROR(check_config_actor(by, impl_->host_system_role, "load_org"));
  return impl_->run_config(by, EventType::kLoadOrg, json, now, Impl::Mode::kLive);
}
absl::Status Engine::set_policy(std::string_view name_or_json, Timestamp now) {
  WriteLock l(*impl_);
  return impl_->run_config(kUnnamedConfigurer, EventType::kSetPolicy, name_or_json, now, Impl::Mode::kLive);
}
absl::Status Engine::set_policy(const Actor& by, std::string_view name_or_json, Timestamp now) {
  WriteLock l(*impl_);
  JICENG_RETURN_IF_ERROR(check_config_actor(by, impl_->host_system_role, "set_policy"));
  return impl_->run_config(by, EventType::kSetPolicy, name_or_json, now, Impl::Mode::kLive);
}
absl::Status Engine::load_calendar_csv(std::string_view csv, Timestamp now) {
  WriteLock l(*impl_);
  return impl_->run_config(kUnnamedConfigurer, EventType::kLoadCalendar, csv, now, Impl::Mode::kLive);
}
absl::Status Engine::load_calendar_csv(const Actor& by, std::string_view csv, Timestamp now) {
  WriteLock l(*impl_);
  JICENG_RETURN_IF_ERROR(check_config_actor(by, impl_->host_system_role, "load_calendar_csv"));
  return impl_->run_config(by, EventType::kLoadCalendar, csv, now, Impl::Mode::kLive);
}
absl::Status Engine::set_calendar_mode(CalendarMode mode, int provisional_rule, Timestamp now) {
  if (static_cast<int>(mode) > static_cast<int>(CalendarMode::kWeekendOnly)) {
    return absl::InvalidArgumentError(internal::cat("set_calendar_mode: mode ", static_cast<int>(mode), " is out of range"));
  }
  if (provisional_rule < 0 || provisional_rule > 9999) {
    return absl::InvalidArgumentError(internal::cat("set_calendar_mode: provisional rule version ", provisional_rule,
                                                    " is unknown (this library knows version 1)"));
  }
  WriteLock l(*impl_);
  return impl_->run_config(Actor{"system", Role::kSystem, ""}, EventType::kSetCalendar,
                           internal::cat("mode=", to_string(mode), " rule=", provisional_rule), now, Impl::Mode::kLive);
}
CalendarCoverage Engine::calendar_coverage(Timestamp now) const {
  ReadLock l(*impl_);
  return impl_->cfg.calendar.coverage(china_date(now));
}

absl::StatusOr<PetitionId> Engine::execute(const ActorHandle& actor, EventType type, PetitionId id,
                                           const EventPayload& payload, Timestamp now) {
  WriteLock l(*impl_);
  if (static_cast<int>(type) >= kEventTypeCount) {
    return absl::InvalidArgumentError(internal::cat("event type ", static_cast<int>(type), " is out of range"));
  }
  if (!acts_on_petition(type)) {
    return absl::InvalidArgumentError(internal::cat(to_string(type), ": use its own Engine method"));
  }
  JICENG_RETURN_IF_ERROR(impl_->check_handle(actor));
  std::uint32_t idx = kNoRef;
  if (type == EventType::kSubmit) {
    if (!payload.idempotency_key.empty()) {
      auto it = impl_->by_key.find(payload.idempotency_key);
      if (it != impl_->by_key.end()) return PetitionId{it->second + 1ull};
    }
  } else {
    JICENG_ASSIGN_OR_RETURN(idx, impl_->index_of(id));
  }
  if (payload.automatic) return absl::InvalidArgumentError("automatic events come from tick() only");
  JICENG_ASSIGN_OR_RETURN(idx, impl_->run(actor, type, idx, payload, now, Impl::Mode::kLive, false));
  return PetitionId{idx + 1ull};
}

absl::Status Engine::execute(const ActorHandle& actor, EventType type, PetitionId id, Timestamp now) {
  WriteLock l(*impl_);
  if (static_cast<int>(type) >= kEventTypeCount) {
    return absl::InvalidArgumentError(internal::cat("event type ", static_cast<int>(type), " is out of range"));
  }
  if (type == EventType::kSubmit || !acts_on_petition(type)) {
    return absl::InvalidArgumentError(internal::cat(to_string(type), " needs a payload"));
  }
  JICENG_RETURN_IF_ERROR(impl_->check_handle(actor));
  if (id == kNoPetition || id > impl_->recs.size()) return impl_->index_of(id).status();
  return impl_->run(actor, type, static_cast<std::uint32_t>(id - 1), empty_payload(), now, Impl::Mode::kLive, false)
      .status();
}

absl::StatusOr<ActorHandle> Engine::resolve_actor(const Actor& actor) {
  WriteLock l(*impl_);
  return impl_->resolve(actor);
}

absl::StatusOr<PetitionId> Engine::execute(const Actor& actor, EventType type, PetitionId id,
                                           const EventPayload& payload, Timestamp now) {
  for (;;) {
    ActorHandle h;
    {
      WriteLock l(*impl_);
      JICENG_ASSIGN_OR_RETURN(h, impl_->resolve(actor));
    }
    auto r = execute(h, type, id, payload, now);
    // A restore between the two locks made h stale: resolve against the restored state.
    if (r.ok() || h.generation == impl_->generation.load(std::memory_order_relaxed)) return r;
  }
}

absl::StatusOr<PetitionId> Engine::submit(const Actor& a, const EventPayload& s, Timestamp now) {
  return execute(a, EventType::kSubmit, kNoPetition, s, now);
}
namespace {
EventPayload with_reason(std::string_view r) {
  EventPayload p;
  p.reason = std::string(r);
  return p;
}
}  // namespace
absl::Status Engine::accept(const Actor& a, PetitionId id, Timestamp now) {
  return execute(a, EventType::kAccept, id, {}, now).status();
}
absl::Status Engine::reject(const Actor& a, PetitionId id, std::string_view reason, Timestamp now) {
  return execute(a, EventType::kReject, id, with_reason(reason), now).status();
}
absl::Status Engine::merge(const Actor& a, PetitionId id, PetitionId into, Timestamp now) {
  EventPayload p;
  p.linked = into;
  return execute(a, EventType::kMerge, id, p, now).status();
}
absl::Status Engine::dispatch(const Actor& a, PetitionId id, std::string_view unit, bool designated, Timestamp now) {
  EventPayload p;
  p.unit = std::string(unit);
  p.designated = designated;
  return execute(a, EventType::kDispatch, id, p, now).status();
}
absl::Status Engine::sign(const Actor& a, PetitionId id, Timestamp now) {
  return execute(a, EventType::kSign, id, {}, now).status();
}
absl::Status Engine::return_petition(const Actor& a, PetitionId id, std::string_view reason, Timestamp now) {
  return execute(a, EventType::kReturn, id, with_reason(reason), now).status();
}
absl::Status Engine::return_not_ours(const Actor& a, PetitionId id, std::string_view competent_unit,
                                     std::string_view external_body, std::string_view reason, Timestamp now) {
  EventPayload p = with_reason(reason);
  p.not_ours = true;
  p.unit = std::string(competent_unit);
  p.external_body = std::string(external_body);
  return execute(a, EventType::kReturn, id, p, now).status();
}
absl::Status Engine::escalate(const Actor& a, PetitionId id, std::string_view reason, Timestamp now) {
  return execute(a, EventType::kEscalate, id, with_reason(reason), now).status();
}
absl::Status Engine::request_extension(const Actor& a, PetitionId id, Duration amount, std::string_view reason,
                                       Timestamp now) {
  EventPayload p = with_reason(reason);
  p.extension = amount;
  return execute(a, EventType::kRequestExtension, id, p, now).status();
}
absl::Status Engine::grant_extension(const Actor& a, PetitionId id, Timestamp now) {
  return execute(a, EventType::kGrantExtension, id, {}, now).status();
}
absl::Status Engine::deny_extension(const Actor& a, PetitionId id, std::string_view reason, Timestamp now) {
  return execute(a, EventType::kDenyExtension, id, with_reason(reason), now).status();
}
absl::Status Engine::urge(const Actor& a, PetitionId id, std::string_view note, Timestamp now) {
  return execute(a, EventType::kUrge, id, with_reason(note), now).status();
}
absl::Status Engine::supervise(const Actor& a, PetitionId id, std::string_view note, Timestamp now) {
  return execute(a, EventType::kSupervise, id, with_reason(note), now).status();
}
absl::Status Engine::resolve(const Actor& a, PetitionId id, std::string_view answer, Timestamp now) {
  return execute(a, EventType::kResolve, id, with_reason(answer), now).status();
}
absl::Status Engine::evaluate(const Actor& a, PetitionId id, const Evaluation& e, Timestamp now) {
  EventPayload p;
  p.evaluation = e;
  return execute(a, EventType::kEvaluate, id, p, now).status();
}
absl::Status Engine::reopen(const Actor& a, PetitionId id, ReopenKind kind, std::string_view reason, Timestamp now) {
  EventPayload p = with_reason(reason);
  p.reopen_kind = kind;
  return execute(a, EventType::kReopen, id, p, now).status();
}
absl::Status Engine::close(const Actor& a, PetitionId id, std::string_view reason, Timestamp now) {
  return execute(a, EventType::kClose, id, with_reason(reason), now).status();
}
absl::Status Engine::withdraw(const Actor& a, PetitionId id, std::string_view reason, Timestamp now) {
  return execute(a, EventType::kWithdraw, id, with_reason(reason), now).status();
}

absl::Status Engine::support(const Actor& a, PetitionId id, Timestamp now) {
  return execute(a, EventType::kSupport, id, {}, now).status();
}
absl::Status Engine::withdraw_support(const Actor& a, PetitionId id, Timestamp now) {
  return execute(a, EventType::kWithdrawSupport, id, {}, now).status();
}

absl::StatusOr<std::vector<std::string>> Engine::supporters(PetitionId id) const {
  ReadLock l(*impl_);
  JICENG_ASSIGN_OR_RETURN(auto idx, impl_->index_of(id));
  std::vector<std::string> out;
  if (auto it = impl_->supporters_of.find(idx); it != impl_->supporters_of.end()) {
    for (std::uint32_t person : it->second) out.emplace_back(impl_->actors.name(person));
  }
  std::sort(out.begin(), out.end());  // by id: interning order is not the state's
  return out;
}

absl::StatusOr<std::vector<PetitionId>> Engine::needs_list(std::string_view unit, const QueryOptions& o) const {
  ReadLock l(*impl_);
  const Impl& m = *impl_;
  std::optional<std::uint32_t> g;
  if (!unit.empty()) {
    g = m.cfg.org->find(unit);
    if (!g) return absl::NotFoundError(internal::cat("needs_list: unit \"", unit, "\" is not in the org graph"));
  }
  std::vector<std::pair<std::int64_t, std::uint32_t>> ranked;
  for (std::uint32_t i = 0; i < m.recs.size(); ++i) {
    const Rec& r = m.recs[i];
    if (!(kSupportStates & state_bit(r.state))) continue;
    if (g) {
      const std::uint32_t loc = m.graph_of(r.loc_unit);
      if (loc == kNoIndex || !m.cfg.org->is_ancestor_or_self(*g, loc)) continue;
    }
    ranked.emplace_back(petition_priority(static_cast<Severity>(r.severity), static_cast<Urgency>(r.urgency),
                                          r.supporters),
                        i);
  }
  // Highest priority first; among equals the older petition first.
  std::sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  std::vector<PetitionId> out;
  for (const auto& [p, i] : ranked) {
    if (o.limit && out.size() >= o.limit) break;
    out.push_back(i + 1ull);
  }
  return out;
}

absl::StatusOr<std::vector<PetitionId>> Engine::duplicates(PetitionId id, const QueryOptions& o) const {
  ReadLock l(*impl_);
  const Impl& m = *impl_;
  JICENG_ASSIGN_OR_RETURN(auto idx, m.index_of(id));
  const Rec& r = m.recs[idx];
  const DuplicatePolicy& dp = m.cfg.policy.duplicates;
  const Timestamp span = dp.window.amount * (dp.window.unit == TimeUnit::kHours ? 3600 : kDay);
  // The place two petitions share: the location's ancestor at the policy's level (the
  // location itself when it lies above that level).
  auto place = [&](const Rec& x) -> std::uint32_t {
    const std::uint32_t loc = m.graph_of(x.loc_unit);
    if (loc == kNoIndex || m.cfg.org->level(loc) <= dp.area_level) return loc;
    return m.cfg.org->ancestor_at_level(loc, dp.area_level);
  };
  const std::uint32_t here = place(r);
  std::vector<PetitionId> out;
  if (here == kNoIndex) return out;
  for (std::uint32_t i = 0; i < m.recs.size(); ++i) {
    const Rec& x = m.recs[i];
    if (i == idx || !is_open(x.state) || x.category != r.category) continue;
    const Timestamp gap = x.submitted > r.submitted ? x.submitted - r.submitted : r.submitted - x.submitted;
    if (gap > span || place(x) != here) continue;
    out.push_back(i + 1ull);
    if (o.limit && out.size() >= o.limit) break;
  }
  return out;
}

std::vector<std::string> Engine::loops() const {
  ReadLock l(*impl_);
  std::vector<std::string> out;
  for (const auto& lp : impl_->loops) out.emplace_back(lp->table().loop);
  return out;
}

const LoopTable* Engine::loop_table(std::string_view loop) const {
  ReadLock l(*impl_);
  const Loop* lp = impl_->find_loop(loop);
  return lp ? &lp->table() : nullptr;  // static data of the loop type: valid after the lock
}

absl::StatusOr<LoopOutcome> Engine::command(std::string_view loop, const LoopCommand& command) {
  WriteLock l(*impl_);
  Loop* lp = impl_->find_loop(loop);
  if (lp == nullptr) {
    return absl::NotFoundError(internal::cat("no loop \"", loop, "\" in this engine (hosted: petition",
                                             impl_->loops.empty() ? "" : ", ",
                                             absl::StrJoin(impl_->loops, ", ", [](std::string* o, const auto& x) {
                                               internal::append(o, x->table().loop);
                                             }),
                                             ")"));
  }
  return impl_->run_loop(command.actor, command, *lp, false);
}

absl::StatusOr<std::string> Engine::query(std::string_view loop, std::string_view name, std::string_view params) const {
  ReadLock l(*impl_);
  const Loop* lp = impl_->find_loop(loop);
  if (lp == nullptr) return absl::NotFoundError(internal::cat("no loop \"", loop, "\" in this engine"));
  HostEnv env(*impl_, false);
  try {
    return lp->query(name, params, env);
  } catch (const std::exception& ex) {
    return absl::InternalError(internal::cat(loop, " query ", name, ": ", ex.what()));
  }
}

absl::StatusOr<TickReport> Engine::tick(Timestamp now) {
  WriteLock l(*impl_);
  Impl& m = *impl_;
  JICENG_RETURN_IF_ERROR(check_time(now));  // before any wake-up leaves the heap
  const bool own_batch = !m.in_batch;
  if (own_batch) m.begin_batch();
  TickReport rep;
  const ActorHandle system{m.actors.intern("system"), Role::kSystem, kNoRef};
  EventPayload autop;
  autop.automatic = true;
  while (!m.heap.empty() && m.heap.front().wake <= now) {
    std::pop_heap(m.heap.begin(), m.heap.end(), std::greater<>());
    const pet::HeapEntry e = m.heap.back();
    m.heap.pop_back();
    if (e.idx >= m.recs.size() || m.recs[e.idx].wake != e.wake) continue;  // stale
    ++rep.examined;
    // Every step whose time has come, in the order the clock's rule gives them (bounded:
    // each step marks something, so at most the overdue mark, every rung and a close).
    for (int step = 0; step < kMaxLadderRungs + 2; ++step) {
      const pet::ClockStep next = m.clock_step(m.recs[e.idx], now);
      if (next.at == kNoWake || next.at > now) break;
      std::size_t* counter = next.type == EventType::kClose       ? &rep.closed
                             : next.type == EventType::kMarkOverdue ? &rep.overdue
                             : next.type == EventType::kUrge        ? &rep.urged
                                                                    : &rep.escalated;
      auto st = m.run(system, next.type, e.idx, autop, now, Impl::Mode::kLive, true);
      if (!st.ok()) break;
      ++*counter;
      ++rep.events;
      if (next.type == EventType::kClose) break;
    }
  }
  // The hosted loops' wake-ups, after the petitions', in registration order.
  const Actor clock{"system", Role::kSystem, ""};
  for (const auto& lp : m.loops) {
    if (lp->next_wake() > now) continue;
    for (LoopCommand c : lp->due(now)) {
      c.actor = clock;
      c.now = now;
      if (!m.run_loop(clock, c, *lp, true).ok()) continue;  // no longer due: the loop decides
      ++rep.loop_events;
      ++rep.events;
    }
  }
  if (own_batch) {
    JICENG_RETURN_IF_ERROR(m.end_batch(absl::OkStatus()));
  }
  return rep;
}

Timestamp Engine::next_wake(WakeSource source) const {
  ReadLock l(*impl_);
  Timestamp w = kNoDeadline;
  if (source != WakeSource::kLoops && !impl_->heap.empty()) w = impl_->heap.front().wake;
  if (source != WakeSource::kPetitions)
    for (const auto& lp : impl_->loops) w = std::min(w, lp->next_wake());
  return w;
}

void Engine::set_event_sink(EventSink* sink) {
  WriteLock l(*impl_);
  impl_->sink = sink;
}

absl::Status Engine::apply_event(const Event& e) {
  WriteLock l(*impl_);
  Impl& m = *impl_;
  if (e.seq != m.events.size() + 1) {
    return absl::FailedPreconditionError(
        internal::cat("apply_event: seq ", e.seq, " is not the next one (", m.events.size() + 1, ")"));
  }
  if (static_cast<int>(e.type) >= kEventTypeCount) return absl::DataLossError("apply_event: unknown event type");
  if (e.type == EventType::kLoop) return m.replay_loop(e);
  if (!acts_on_petition(e.type)) {
    auto st = m.run_config(e.actor, e.type, e.payload.document, e.time, Impl::Mode::kReplay);
    if (!st.ok()) return absl::DataLossError(internal::cat("apply_event seq ", e.seq, ": ", st.message()));
    return absl::OkStatus();
  }
  ActorHandle h;
  {
    // Replay must not depend on the current graph knowing a historic actor unit.
    if (static_cast<int>(e.actor.role) >= kRoleCount) return absl::DataLossError("apply_event: role out of range");
    h.role = e.actor.role;
    h.id_ref = m.actors.intern(e.actor.id);
    if (!e.actor.unit.empty()) {
      h.unit_ref = m.units.intern(e.actor.unit);
      if (h.unit_ref >= m.ref_to_graph.size()) m.ref_to_graph.resize(m.units.size(), kNoIndex);
    }
  }
  std::uint32_t idx = kNoRef;
  if (e.type == EventType::kSubmit) {
    if (e.petition != m.recs.size() + 1) {
      return absl::DataLossError(internal::cat("apply_event seq ", e.seq, ": submit records petition ",
                                              display_id(e.petition), " but the next is ",
                                              display_id(m.recs.size() + 1)));
    }
    if (!e.payload.idempotency_key.empty() && m.by_key.contains(e.payload.idempotency_key)) {
      return absl::DataLossError(internal::cat("apply_event seq ", e.seq, ": idempotency key used twice"));
    }
  } else {
    if (e.petition == kNoPetition || e.petition > m.recs.size()) {
      return absl::DataLossError(internal::cat("apply_event seq ", e.seq, ": unknown petition"));
    }
    idx = static_cast<std::uint32_t>(e.petition - 1);
  }
  auto r = m.run(h, e.type, idx, e.payload, e.time, Impl::Mode::kReplay, e.payload.automatic);
  if (!r.ok()) return absl::DataLossError(internal::cat("apply_event seq ", e.seq, ": ", r.status().message()));
  return absl::OkStatus();
}

absl::Status Engine::batch(const std::function<absl::Status(Engine&)>& fn) {
  Impl& m = *impl_;
  if (m.batch_owner.load(std::memory_order_acquire) == std::this_thread::get_id()) {
    return absl::FailedPreconditionError("batch: batches do not nest");
  }
  if (t_reading == &m) return absl::FailedPreconditionError("batch: not inside Engine::read");
  m.mu.lock();
  const std::size_t events_before = m.events.size();
  m.batch_owner.store(std::this_thread::get_id(), std::memory_order_release);
  m.begin_batch();
  absl::Status st;
  try {
    st = fn(*this);
  } catch (const std::exception& ex) {
    st = absl::InternalError(internal::cat("batch: exception: ", ex.what()));
  } catch (...) {
    st = absl::InternalError("batch: unknown exception");
  }
  // Contacts of petitions created in the batch are dropped by rollback (by index).
  st = m.end_batch(st);
  m.batch_owner.store(std::thread::id(), std::memory_order_release);
  release_writer(m, events_before);
  return st;
}

// ---------------------------------------------------------------------------------------
// Queries

std::string Engine::display_id(PetitionId id) { return absl::StrFormat("P%08d", id); }

std::optional<PetitionId> Engine::parse_display_id(std::string_view t) {
  if (!t.empty() && (t.front() == 'P' || t.front() == 'p')) t.remove_prefix(1);
  if (t.empty() || t.size() > 19) return std::nullopt;
  PetitionId v = 0;
  for (char c : t) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<PetitionId>(c - '0');
  }
  return v == 0 ? std::nullopt : std::optional<PetitionId>(v);
}

PetitionView Engine::Impl::view(std::uint32_t idx, const QueryOptions& o) const {
  const Rec& r = recs[idx];
  PetitionView v;
  v.id = idx + 1ull;
  v.display_id = Engine::display_id(v.id);
  v.idempotency_key = std::string(text(r.key));
  v.state = r.state;
  v.stage = stage_of(r.state);
  v.track = static_cast<Track>(r.track);
  v.petitioner = std::string(actors.name(r.petitioner));
  if (auto it = contacts.find(idx); it != contacts.end()) {
    v.contact = o.raw_contact ? it->second : Contact{mask_name(it->second.name), mask_phone(it->second.phone)};
  }
  v.location = std::string(text(r.location));
  v.location_unit = unit_name(r.loc_unit);
  v.category = cats[r.category].name;
  v.urgency = static_cast<Urgency>(r.urgency);
  v.severity = static_cast<Severity>(r.severity);
  v.channel = static_cast<Channel>(r.channel);
  v.text = std::string(text(r.text));
  v.current_unit = unit_name(r.cur_unit);
  v.submitted_at = r.submitted;
  v.updated_at = r.updated;
  v.stage_started_at = r.stage_start;
  v.due_at = r.due;
  v.due_provisional = r.due != kNoDeadline && cfg.calendar.span_is_provisional(china_date(r.stage_start), china_date(r.due));
  if (auto it = revisions_of.find(idx); it != revisions_of.end()) {
    for (std::uint32_t k : it->second) {
      const pet::Revision& rev = revisions[k];
      v.deadline_revisions.push_back({rev.event + 1ull, rev.before, rev.after});
    }
  }
  v.dispatched_at = r.dispatched_at;
  v.resolved_at = r.resolved_at;
  v.returns = r.returns;
  v.extensions = r.extensions;
  v.extension_granted = r.ext_granted;
  v.extension_pending = r.ext_pending;
  v.reopenings = r.reopens;
  v.reviews = r.reviews;
  v.escalations = r.escalations;
  v.urges = r.urges;
  v.supervisions = r.supervisions;
  v.ladder_level = r.ladder_level;
  if (cfg.policy.compound.enabled) {
    std::uint32_t unit_g;
    const PartyRoute pr = party_route(graph_of(r.loc_unit), cats[r.category].name, &unit_g);
    v.party = pr.party;
    v.party_unit = pr.unit;
    v.party_fallback = pr.fallback;
  }
  v.designated = r.flags & pet::kDesignated;
  v.overdue = r.flags & pet::kOverdue;
  v.ever_overdue = r.flags & pet::kEverOverdue;
  v.final_matter = r.flags & pet::kFinal;
  v.evaluation_held = r.flags & pet::kHeldByReferral;
  if (r.flags & pet::kHasEval) {
    v.evaluation = Evaluation{(r.eval & 1) != 0, (r.eval & 2) != 0, static_cast<Satisfaction>((r.eval >> 2) & 3)};
  }
  v.merged_into = r.merged_into == kNoRef ? kNoPetition : r.merged_into + 1ull;
  v.same_matter_as = r.same_matter_as == kNoRef ? kNoPetition : r.same_matter_as + 1ull;
  if (auto it = merged_from.find(idx); it != merged_from.end()) {
    for (std::uint32_t m : it->second) v.merged_from.push_back(m + 1ull);
  }
  // Returns as not ours, from the event chain (newest first): the latest is what the
  // resident is shown; the unit that returned it is the one the nearest earlier dispatch,
  // escalation or reopen had sent it to.
  bool want_unit = false;
  for (std::uint32_t e = r.last_event; e != kNoRef; e = events[e].prev) {
    const StoredEvent& ev = events[e];
    const auto type = static_cast<EventType>(ev.type);
    if (want_unit && (type == EventType::kDispatch || type == EventType::kEscalate || type == EventType::kReopen)) {
      v.not_ours->returned_by = unit_name(ev.unit);
      want_unit = false;
    }
    if (type != EventType::kReturn || !(ev.flags & pet::kEvNotOurs)) continue;
    if (v.not_ours_returns++ > 0) continue;
    Event pub;
    fill_public(pub, ev, e + 1ull, r);
    v.not_ours = NotOursAnswer{"", pub.payload.unit, pub.payload.external_body, pub.payload.reason, ev.time};
    want_unit = true;
  }
  v.supporters = static_cast<int>(r.supporters);
  v.priority = petition_priority(v.severity, v.urgency, r.supporters);
  return v;
}

void Engine::Impl::fill_public(Event& e, const StoredEvent& ev, std::uint64_t seq, const Rec& r) const {
  e.seq = seq;
  e.time = ev.time;
  e.actor.id = std::string(actors.name(ev.actor));
  e.actor.role = static_cast<Role>(ev.role);
  e.actor.unit = ev.actor_unit == kNoRef ? std::string() : std::string(units.name(ev.actor_unit));
  e.type = static_cast<EventType>(ev.type);
  e.petition = ev.petition == kNoRef ? kNoPetition : ev.petition + 1ull;
  EventPayload& p = e.payload;
  p = EventPayload{};
  p.automatic = ev.flags & pet::kEvAutomatic;
  auto reason = [&] { p.reason = std::string(text(ev.aux)); };
  switch (e.type) {
    case EventType::kSubmit: {
      p.petitioner = std::string(actors.name(r.petitioner));
      if (auto it = contacts.find(ev.petition); it != contacts.end()) p.contact = it->second;
      p.location = std::string(text(r.location));
      p.category = cats[r.category].name;
      p.urgency = static_cast<Urgency>(r.urgency);
      p.severity = static_cast<Severity>(r.severity);
      p.channel = static_cast<Channel>(r.channel);
      p.text = std::string(text(r.text));
      p.idempotency_key = std::string(text(r.key));
      p.same_matter = r.flags & pet::kSameMatter;
      p.linked = r.same_matter_as == kNoRef ? kNoPetition : r.same_matter_as + 1ull;
      break;
    }
    case EventType::kMerge:
      p.linked = ev.aux + 1;
      break;
    case EventType::kReturn:
      p.not_ours = ev.flags & pet::kEvNotOurs;
      if (ev.flags & pet::kEvExternal) {
        const std::string_view t = text(ev.aux);
        p.external_body = std::string(t.substr(0, ev.unit));
        p.reason = std::string(t.substr(std::min<std::size_t>(ev.unit, t.size())));
      } else {
        if (p.not_ours) p.unit = unit_name(ev.unit);
        reason();
      }
      break;
    case EventType::kDispatch:
      p.unit = unit_name(ev.unit);
      p.designated = ev.flags & pet::kEvDesignated;
      p.explicit_unit = ev.flags & pet::kEvExplicit;
      break;
    case EventType::kEscalate:
      p.unit = unit_name(ev.unit);
      reason();
      break;
    case EventType::kReopen:
      p.unit = unit_name(ev.unit);
      p.reopen_kind = static_cast<ReopenKind>((ev.flags >> 7) & 3);
      reason();
      break;
    case EventType::kRequestExtension:
      p.extension = Duration{static_cast<std::int64_t>(ev.unit), static_cast<TimeUnit>((ev.flags >> 9) & 3)};
      reason();
      break;
    case EventType::kEvaluate:
      p.evaluation = evaluation_of(ev);
      reason();
      break;
    case EventType::kLoadOrg:
    case EventType::kSetPolicy:
    case EventType::kLoadCalendar:
    case EventType::kSetCalendar:
    case EventType::kLoop:
      p.document = documents[ev.aux];
      break;
    case EventType::kMarkOverdue:
      break;
    default:
      reason();
  }
}

Event Engine::Impl::public_event(std::uint32_t i) const {
  Event e;
  const StoredEvent& ev = events[i];
  static const Rec kEmpty{};
  fill_public(e, ev, i + 1ull, ev.petition == kNoRef ? kEmpty : recs[ev.petition]);
  return e;
}

absl::StatusOr<PetitionView> Engine::get(PetitionId id, const QueryOptions& o) const {
  ReadLock l(*impl_);
  JICENG_ASSIGN_OR_RETURN(auto idx, impl_->index_of(id));
  return impl_->view(idx, o);
}

absl::StatusOr<State> Engine::state(PetitionId id) const {
  ReadLock l(*impl_);
  JICENG_ASSIGN_OR_RETURN(auto idx, impl_->index_of(id));
  return impl_->recs[idx].state;
}

absl::StatusOr<Timestamp> Engine::deadline(PetitionId id) const {
  ReadLock l(*impl_);
  JICENG_ASSIGN_OR_RETURN(auto idx, impl_->index_of(id));
  return impl_->recs[idx].due;
}

std::optional<PetitionId> Engine::find_by_key(std::string_view key) const {
  ReadLock l(*impl_);
  auto it = impl_->by_key.find(internal::av(key));
  if (it == impl_->by_key.end()) return std::nullopt;
  return it->second + 1ull;
}

absl::StatusOr<std::vector<Event>> Engine::history(PetitionId id) const {
  ReadLock l(*impl_);
  JICENG_ASSIGN_OR_RETURN(auto idx, impl_->index_of(id));
  std::vector<std::uint32_t> chain;
  for (std::uint32_t e = impl_->recs[idx].last_event; e != kNoRef; e = impl_->events[e].prev) chain.push_back(e);
  // The calendar events that moved its deadline belong to its history too.
  if (auto it = impl_->revisions_of.find(idx); it != impl_->revisions_of.end()) {
    for (std::uint32_t k : it->second) chain.push_back(impl_->revisions[k].event);
    std::sort(chain.begin(), chain.end(), std::greater<>());
    chain.erase(std::unique(chain.begin(), chain.end()), chain.end());
  }
  std::vector<Event> out;
  out.reserve(chain.size());
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) out.push_back(impl_->public_event(*it));
  return out;
}

std::vector<Event> Engine::events(std::uint64_t from_seq, std::size_t max) const {
  ReadLock l(*impl_);
  std::vector<Event> out;
  if (from_seq == 0) from_seq = 1;
  for (std::uint64_t s = from_seq; s <= impl_->events.size() && out.size() < max; ++s) {
    out.push_back(impl_->public_event(static_cast<std::uint32_t>(s - 1)));
  }
  return out;
}

absl::Status Engine::for_each_event(std::uint64_t from_seq, std::size_t max,
                                    absl::FunctionRef<absl::Status(const EventRef&)> fn) const {
  ReadLock l(*impl_);
  const Impl& m = *impl_;
  if (from_seq == 0) from_seq = 1;
  const std::uint64_t size = m.events.size();
  if (from_seq > size) return absl::OkStatus();
  const std::uint64_t end = from_seq + std::min<std::uint64_t>(max, size - from_seq + 1);
  for (std::uint64_t s = from_seq; s < end; ++s) {
    const StoredEvent& ev = m.events[s - 1];
    EventRef e;
    e.seq = s;
    e.time = ev.time;
    e.type = static_cast<EventType>(ev.type);
    if (ev.petition != kNoRef) {
      e.petition = ev.petition + 1ull;
      switch (e.type) {
        case EventType::kSubmit: {
          const Rec& r = m.recs[ev.petition];
          e.location = m.text(r.location);
          e.category = m.cats[r.category].name;
          e.channel = static_cast<Channel>(r.channel);
          break;
        }
        case EventType::kDispatch:
        case EventType::kEscalate:
        case EventType::kReopen:
          e.unit = m.unit_name(ev.unit);
          break;
        case EventType::kEvaluate:
          e.evaluation = Impl::evaluation_of(ev);
          break;
        case EventType::kReturn:
          e.not_ours = ev.flags & pet::kEvNotOurs;
          break;
        case EventType::kSupport:
        case EventType::kWithdrawSupport:
          e.actor = m.actors.name(ev.actor);
          break;
        case EventType::kMerge:
          e.linked = ev.aux + 1;
          break;
        default:
          break;
      }
    }
    JICENG_RETURN_IF_ERROR(fn(e));
  }
  return absl::OkStatus();
}

namespace {
template <typename Pred>
std::vector<PetitionId> scan(const Engine::Impl& m, const QueryOptions& o, Pred pred) {
  std::vector<PetitionId> out;
  for (std::uint32_t i = 0; i < m.recs.size(); ++i) {
    if (pred(m.recs[i])) {
      out.push_back(i + 1ull);
      if (o.limit && out.size() >= o.limit) break;
    }
  }
  return out;
}
}  // namespace

namespace {
// A time as a resident reads it in a response: "2026年2月26日 17:30" (China time).
std::string chinese_time(Timestamp t) {
  const Date d = china_date(t);
  const std::int64_t minute = ((t + kChinaUtcOffsetSeconds) % kDay + kDay) % kDay / 60;
  return absl::StrFormat("%d年%d月%d日 %02d:%02d", static_cast<int>(d.year()), static_cast<int>(d.month()),
                         static_cast<int>(d.day()), static_cast<int>(minute / 60), static_cast<int>(minute % 60));
}
}  // namespace

absl::StatusOr<PartyRoute> Engine::route_party(std::string_view category, std::string_view location) const {
  ReadLock l(*impl_);
  const Impl& m = *impl_;
  if (!pet::valid_category(category)) {
    return absl::InvalidArgumentError(
        internal::cat("route_party: category \"", category, "\" must be 1-64 characters of a-z, 0-9, _ - ."));
  }
  std::optional<std::uint32_t> g = m.cfg.org->household_unit(location);
  if (!g) g = m.cfg.org->find(location);
  if (!g) {
    return absl::NotFoundError(
        internal::cat("route_party: location \"", location, "\" is neither a household nor a unit of the org graph"));
  }
  std::uint32_t unit_g;
  return m.party_route(*g, category, &unit_g);
}

absl::StatusOr<std::string> Engine::response_text(PetitionId id) const {
  ReadLock l(*impl_);
  const Impl& m = *impl_;
  JICENG_ASSIGN_OR_RETURN(auto idx, m.index_of(id));
  const Rec& r = m.recs[idx];
  const std::string_view category = m.cats[r.category].name;
  const std::string* tmpl = m.cfg.policy.response_template(category, r.state);
  if (tmpl == nullptr) {
    return absl::NotFoundError(internal::cat("petition ", m.pid(idx), ": policy ", m.cfg.policy.name,
                                             " has no response template for category ", category, " (nor default) in state ",
                                             to_string(r.state)));
  }
  auto unit_text = [&](std::uint32_t ref) -> std::string_view {
    const std::uint32_t g = m.graph_of(ref);
    if (g == kNoIndex) return m.unit_name(ref);
    const std::string_view n = m.cfg.org->name(g);
    return n.empty() ? m.unit_name(ref) : n;
  };
  std::string out;
  JICENG_RETURN_IF_ERROR(policy_internal::render_response(
      *tmpl,
      [&](std::string_view name, std::string& o) -> absl::Status {
        if (name == "petition_id") {
          o += m.pid(idx);
        } else if (name == "category") {
          o += category;
        } else if (name == "state") {
          o += chinese_name(r.state);
        } else if (name == "unit") {
          o += unit_text(r.cur_unit);
        } else if (name == "location") {
          o += unit_text(r.loc_unit);
        } else if (name == "deadline") {
          o += r.due == kNoDeadline ? std::string("（无时限）") : chinese_time(r.due);
        } else if (name == "submitted_at") {
          o += chinese_time(r.submitted);
        } else {
          // The set was checked at load; a name the lint knows and this list does not is a bug.
          return absl::InternalError(internal::cat("response template placeholder {", name, "} has no value"));
        }
        return absl::OkStatus();
      },
      out));
  return out;
}

std::vector<PetitionId> Engine::by_state(State s, const QueryOptions& o) const {
  ReadLock l(*impl_);
  return scan(*impl_, o, [s](const Rec& r) { return r.state == s; });
}

absl::StatusOr<std::vector<PetitionId>> Engine::by_unit_subtree(std::string_view unit, const QueryOptions& o) const {
  ReadLock l(*impl_);
  const Impl& m = *impl_;
  auto g = m.cfg.org->find(unit);
  if (!g) return absl::NotFoundError(internal::cat("unit \"", unit, "\" is not in the org graph"));
  return scan(m, o, [&](const Rec& r) {
    const std::uint32_t c = m.graph_of(r.cur_unit);
    return c != kNoIndex && m.cfg.org->is_ancestor_or_self(*g, c);
  });
}

std::vector<PetitionId> Engine::overdue(Timestamp now, const QueryOptions& o) const {
  ReadLock l(*impl_);
  return scan(*impl_, o, [now](const Rec& r) {
    return is_open(r.state) && r.state != State::kResolved && r.due != kNoDeadline && r.due <= now;
  });
}

absl::StatusOr<std::vector<PetitionId>> Engine::due_within(Timestamp now, int workdays, const QueryOptions& o) const {
  ReadLock l(*impl_);
  if (workdays < 0) return absl::InvalidArgumentError("due_within: workdays must be ≥ 0");
  JICENG_ASSIGN_OR_RETURN(Timestamp limit, impl_->deadline_checked(now, Duration{workdays, TimeUnit::kWorkdays}));
  if (workdays == 0) limit = now;
  return scan(*impl_, o, [now, limit](const Rec& r) {
    return is_open(r.state) && r.state != State::kResolved && r.due != kNoDeadline && r.due > now && r.due <= limit;
  });
}

EngineStats Engine::stats() const {
  ReadLock l(*impl_);
  EngineStats s;
  s.petitions = impl_->recs.size();
  s.per_state = impl_->per_state;
  s.open = impl_->open_count;
  s.events = impl_->events.size();
  return s;
}

EngineMemory Engine::memory() const {
  ReadLock l(*impl_);
  const Impl& m = *impl_;
  EngineMemory mem;
  mem.petition_bytes = m.recs.capacity_bytes();
  mem.event_bytes = m.events.capacity_bytes();
  mem.index_bytes = m.heap.capacity() * sizeof(pet::HeapEntry) + m.by_key.capacity() * (sizeof(std::string) + 8) +
                    m.final_matters.capacity() * 20 + m.units.memory_bytes() + m.actors.memory_bytes() +
                    m.contacts.capacity() * (sizeof(Contact) + 8);
  mem.text_bytes = m.arena.capacity();
  for (const auto& d : m.documents) mem.document_bytes += d.capacity();
  for (const auto& lp : m.loops) mem.loop_bytes += lp->memory_bytes();
  return mem;
}

std::uint64_t Engine::last_seq() const {
  ReadLock l(*impl_);
  return impl_->events.size();
}
std::uint64_t Engine::identity() const { return impl_->identity; }
std::uint64_t Engine::generation() const { return impl_->generation.load(std::memory_order_relaxed); }

std::uint64_t Engine::history_epoch() const {
  ReadLock l(*impl_);
  return impl_->rewinds;
}
std::uint64_t Engine::surviving_seq(const HistoryMark& mark) const {
  ReadLock l(*impl_);
  const Impl& m = *impl_;
  if (mark.epoch == m.rewinds) return mark.seq;
  if (mark.epoch > m.rewinds || m.rewinds - mark.epoch > Impl::kRewindsKept) return 0;
  std::uint64_t kept = mark.seq;
  for (std::uint64_t k = mark.epoch + 1; k <= m.rewinds; ++k) {
    kept = std::min(kept, m.rewind_kept[k % Impl::kRewindsKept]);
  }
  return kept;
}
absl::Status Engine::read(absl::FunctionRef<absl::Status()> fn) const {
  const Impl& m = *impl_;
  if (t_reading == &m || m.batch_owner.load(std::memory_order_acquire) == std::this_thread::get_id()) {
    return fn();  // this thread already holds the engine's lock
  }
  m.mu.lock_shared();
  struct Release {
    const Impl& m;
    const Impl* outer;
    ~Release() {
      t_reading = outer;
      m.mu.unlock_shared();
    }
  } release{m, t_reading};
  t_reading = &m;
  return fn();
}
ReadModel& Engine::read_model(std::string_view key, absl::FunctionRef<std::unique_ptr<ReadModel>()> make) const {
  {
    std::lock_guard<std::mutex> l(impl_->models_mu);
    auto it = impl_->models.find(internal::av(key));
    if (it != impl_->models.end()) return *it->second;
  }
  // Made outside models_mu: a model's constructor may read the engine (its lock), and a
  // thread running a batch may be waiting for models_mu — the leaf lock stays a leaf.
  std::unique_ptr<ReadModel> made = make();
  std::lock_guard<std::mutex> l(impl_->models_mu);
  auto& slot = impl_->models[internal::av(key)];
  if (slot == nullptr) slot = std::move(made);  // else another thread's came first
  return *slot;
}

PetitionPolicy Engine::policy() const {
  ReadLock l(*impl_);
  return impl_->cfg.policy;
}
std::string Engine::policy_name() const {
  ReadLock l(*impl_);
  return impl_->cfg.policy.name;
}
std::size_t Engine::unit_count() const {
  ReadLock l(*impl_);
  return impl_->cfg.org->unit_count();
}
const OrgGraph& Engine::org() const { return impl_->cfg.org->graph(); }
const WorkCalendar& Engine::calendar() const { return impl_->cfg.calendar; }

std::string Engine::snapshot() const {
  ReadLock l(*impl_);
  return impl_->snapshot();
}

absl::Status Engine::restore(std::string_view bytes) {
  WriteLock l(*impl_);
  if (impl_->in_batch) return absl::FailedPreconditionError("restore: not inside a batch");
  JICENG_RETURN_IF_ERROR(impl_->restore(bytes));
  impl_->note_rewind(0);  // the history was replaced: no reader's events survive
  impl_->generation.store(Impl::draw_stamp(), std::memory_order_relaxed);  // ids were renumbered
  return absl::OkStatus();
}

}  // namespace jiceng
