// Policy what-if replay (政策推演): the journal's recorded commands run again in two fresh
// engines, the baseline under the recorded policy and the variant under another, each
// with a clock of its own; then their KPIs, rankings, missed deadlines, escalations and
// refusals are compared (jiceng/whatif.hpp, docs/whatif.md).
#include "jiceng/whatif.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_join.h"
#include "common/china_time.hpp"
#include "common/strings.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/loop.hpp"
#include "jiceng/policy.hpp"
#include "loop/values.hpp"

namespace jiceng {
namespace {

namespace json = boost::json;
using internal::cat;

// --- the policy and the period -------------------------------------------------------

absl::StatusOr<PolicySet> load_variant(const std::string& policy) {
  if (policy.empty()) return absl::InvalidArgumentError("what-if: no variant policy given (a set name or a file)");
  std::error_code ec;
  if (std::filesystem::is_regular_file(policy, ec)) return PolicySet::load_file(policy);
  auto set = PolicySet::load_builtin(policy);
  if (!set.ok() && set.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(cat("policy ", policy, ": neither a file nor a built-in set (",
                                   absl::StrJoin(PolicySet::builtin_names(), ", "), ")"));
  }
  return set;
}

// The replay window in UTC seconds: [begin, end).
struct Window {
  Timestamp begin = std::numeric_limits<Timestamp>::min();
  Timestamp end = std::numeric_limits<Timestamp>::max();
};

Window window_of(const KpiPeriod& p) {
  Window w;
  if (p.from) w.begin = china_time_to_utc(*p.from, 0);
  if (p.to) w.end = china_time_to_utc(*p.to + boost::gregorian::days(1), 0);
  return w;
}

// --- one side's replay ------------------------------------------------------------------

// The first refused command of a petition (or loop item) and how many were refused.
struct Refusal {
  std::uint64_t seq = 0;
  Timestamp time = 0;
  std::string command;
  std::string actor;
  std::string reason;
};

struct PetitionTrack {
  PetitionId mapped = kNoPetition;  // this engine's id (kNoPetition: its submit was refused)
  std::uint64_t refused = 0;
  std::optional<Refusal> first;
};

struct LoopTrack {
  std::uint64_t commands = 0, refused = 0;
  std::map<std::uint64_t, std::uint64_t> items;  // recorded item → this engine's item
  std::optional<Refusal> first;
};

// Replays the recorded events into one engine. `variant_policy` empty: every set_policy
// event as recorded (the baseline); otherwise each is replaced by that document and it is
// installed where the window starts.
class Side {
 public:
  Side(std::unique_ptr<Engine> engine, std::string variant_policy)
      : e_(std::move(engine)), variant_(std::move(variant_policy)) {
    e_->allow_system_role(true);  // a recorded host command acting as system replays as it was allowed
  }

  Engine& engine() { return *e_; }
  const Engine& engine() const { return *e_; }

  // Before the window: the recorded event as it is (both engines are still identical).
  absl::Status apply_recorded(const Event& rec) {
    Event c = rec;
    c.seq = e_->last_seq() + 1;
    if (auto st = e_->apply_event(c); !st.ok()) {
      return absl::FailedPreconditionError(cat("seq ", rec.seq, " (", to_string(rec.type), "): ", st.message()));
    }
    if (rec.type == EventType::kSubmit) track(rec.petition).mapped = rec.petition;
    return absl::OkStatus();
  }

  // Where the window starts: the variant's rule takes effect.
  absl::Status start_window(Timestamp at) {
    if (variant_.empty()) return absl::OkStatus();
    Event c;
    c.seq = e_->last_seq() + 1;
    c.time = at;
    c.actor = Actor{"system", Role::kSystem, ""};
    c.type = EventType::kSetPolicy;
    c.payload.document = variant_;
    if (auto st = e_->apply_event(c); !st.ok()) {
      return absl::FailedPreconditionError(cat("installing the variant policy: ", st.message()));
    }
    ++policy_events_replaced_;
    return absl::OkStatus();
  }

  // Inside the window: configuration as recorded (policy replaced on the variant side),
  // commands run again, the recorded clock's own events left to this engine's clock.
  absl::Status replay(const Event& rec) {
    if (rec.type == EventType::kLoop) {
      if (rec.payload.automatic) {
        // The hosted loops' clock (a disclosure completed, a review missed) ticks when the
        // recorded one did: a petition policy does not move it, and asking every loop for
        // its next wake-up after each command would scan all their items each time.
        ++clock_skipped_;
        JICENG_RETURN_IF_ERROR(advance(rec.time));
        return rec.time == last_tick_ ? absl::OkStatus() : tick(rec.time);
      }
      JICENG_RETURN_IF_ERROR(advance(rec.time));
      return loop_command(rec);
    }
    if (!acts_on_petition(rec.type)) {
      JICENG_RETURN_IF_ERROR(advance(rec.time));
      Event c = rec;
      c.seq = e_->last_seq() + 1;
      if (rec.type == EventType::kSetPolicy && !variant_.empty()) {
        c.payload.document = variant_;
        ++policy_events_replaced_;
      }
      if (auto st = e_->apply_event(c); !st.ok()) {
        return absl::FailedPreconditionError(cat("seq ", rec.seq, " (", to_string(rec.type), ") does not apply",
                                                 variant_.empty() ? "" : " under the variant policy", ": ",
                                                 st.message()));
      }
      return absl::OkStatus();
    }
    if (rec.type == EventType::kMarkOverdue || rec.payload.automatic) {
      ++clock_skipped_;
      return absl::OkStatus();
    }
    JICENG_RETURN_IF_ERROR(advance(rec.time));
    return petition_command(rec);
  }

  // After the last event of the window: the clock runs on to `end`.
  absl::Status finish(Timestamp end) { return advance(end); }

  // What the replay did, as JSON.
  json::object replay_json() const {
    json::object o;
    o["commands"] = petition_commands_ + loop_commands_;
    o["petition_commands"] = petition_commands_;
    o["loop_commands"] = loop_commands_;
    o["refused"] = refused_;
    json::object by;
    for (int t = 0; t < kEventTypeCount; ++t) {
      if (refused_by_type_[t] > 0) by[to_string(static_cast<EventType>(t))] = refused_by_type_[t];
    }
    o["refused_by_command"] = std::move(by);
    o["recorded_clock_events_left_to_the_clock"] = clock_skipped_;
    o["ticks"] = ticks_;
    o["policy_events_replaced"] = policy_events_replaced_;
    o["events"] = e_->last_seq();
    return o;
  }

  json::object clock_json() const {
    json::object o;
    o["urged"] = clock_.urged;
    o["marked_overdue"] = clock_.overdue;
    o["escalated"] = clock_.escalated;
    o["closed"] = clock_.closed;
    o["loop_events"] = clock_.loop_events;
    return o;
  }
  const TickReport& clock() const { return clock_; }

  std::uint64_t refused() const { return refused_; }
  std::uint64_t commands() const { return petition_commands_ + loop_commands_; }
  const std::vector<PetitionTrack>& petitions() const { return petitions_; }
  const std::map<std::string, LoopTrack>& loops() const { return loops_; }

 private:
  PetitionTrack& track(PetitionId recorded) {
    if (recorded > petitions_.size()) petitions_.resize(recorded);
    return petitions_[recorded - 1];
  }
  PetitionId mapped(PetitionId recorded) const {
    return recorded == kNoPetition || recorded > petitions_.size() ? kNoPetition : petitions_[recorded - 1].mapped;
  }

  absl::StatusOr<ActorHandle> handle(const Actor& a) {
    std::string key = cat(a.id, "\x1f", a.unit, "\x1f", static_cast<int>(a.role));
    auto it = handles_.find(key);
    if (it != handles_.end()) return it->second;
    JICENG_ASSIGN_OR_RETURN(ActorHandle h, e_->resolve_actor(a));
    handles_.emplace(std::move(key), h);
    return h;
  }

  static Refusal refusal(const Event& rec, std::string command, const absl::Status& st) {
    return Refusal{rec.seq, rec.time, std::move(command), cat(to_string(rec.actor.role), " ", rec.actor.id),
                   std::string(internal::sv(st.message()))};
  }

  void refuse(const Event& rec, const absl::Status& st) {
    ++refused_;
    ++refused_by_type_[static_cast<int>(rec.type)];
    PetitionTrack& t = track(rec.petition);
    ++t.refused;
    if (!t.first) t.first = refusal(rec, std::string(to_string(rec.type)), st);
  }

  // The command's own inputs: what the engine decided when it was recorded (the routed
  // unit, an escalation's or reopening's target) is decided again here.
  absl::Status petition_command(const Event& rec) {
    ++petition_commands_;
    const bool submit = rec.type == EventType::kSubmit;
    const PetitionId id = submit ? kNoPetition : mapped(rec.petition);
    if (!submit && id == kNoPetition) {
      refuse(rec, absl::FailedPreconditionError("the petition does not exist here (its submission was refused)"));
      return absl::OkStatus();
    }
    EventPayload p = rec.payload;
    p.automatic = false;
    // A return as not ours keeps the competent unit it named (an input, not a decision).
    const bool keeps_unit = (rec.type == EventType::kDispatch && p.explicit_unit) ||
                            (rec.type == EventType::kReturn && p.not_ours);
    if (!keeps_unit) p.unit.clear();
    p.explicit_unit = false;
    if (p.linked != kNoPetition) {
      const PetitionId l = mapped(p.linked);
      if (l == kNoPetition) {
        refuse(rec, absl::FailedPreconditionError(
                        cat("the linked petition ", Engine::display_id(p.linked), " does not exist here")));
        return absl::OkStatus();
      }
      p.linked = l;
    }
    absl::StatusOr<PetitionId> r = [&]() -> absl::StatusOr<PetitionId> {
      JICENG_ASSIGN_OR_RETURN(ActorHandle h, handle(rec.actor));
      return e_->execute(h, rec.type, id, p, rec.time);
    }();
    if (!r.ok()) {
      refuse(rec, r.status());
      return absl::OkStatus();
    }
    if (submit) track(rec.petition).mapped = *r;
    return absl::OkStatus();
  }

  absl::Status loop_command(const Event& rec) {
    ++loop_commands_;
    auto le = decode_loop_event(rec.payload.document);
    if (!le.ok()) return absl::DataLossError(cat("seq ", rec.seq, ": ", le.status().message()));
    LoopTrack& t = loops_[le->loop];
    ++t.commands;
    auto fail = [&](const absl::Status& st) {
      ++refused_;
      ++t.refused;
      ++refused_by_type_[static_cast<int>(EventType::kLoop)];
      if (!t.first) t.first = refusal(rec, cat(le->loop, ".", le->event, " item ", le->item), st);
      return absl::OkStatus();
    };
    const LoopTable* table = e_->loop_table(le->loop);
    if (table == nullptr) return fail(absl::NotFoundError(cat("no loop ", le->loop, " in this engine")));
    auto known = t.items.find(le->item);
    const bool creates = known == t.items.end() && find_row(*table, "", le->event) != nullptr;
    if (!creates && known == t.items.end()) {
      return fail(absl::FailedPreconditionError("the item does not exist here (its creation was refused)"));
    }
    LoopCommand c;
    c.event = le->event;
    c.item = creates ? 0 : known->second;
    c.payload = le->data;
    c.actor = rec.actor;
    c.now = rec.time;
    auto out = e_->command(le->loop, c);
    if (!out.ok()) return fail(out.status());
    if (creates) t.items.emplace(le->item, out->item);
    return absl::OkStatus();
  }

  // The petitions' clock: ticks at each of this engine's wake-ups before `t`, then at `t`
  // when anything is due by then.
  absl::Status advance(Timestamp t) {
    for (;;) {
      const Timestamp w = e_->next_wake(Engine::WakeSource::kPetitions);
      if (w > t) return absl::OkStatus();
      if (w == t) return tick(t);
      JICENG_RETURN_IF_ERROR(tick(w));
      // A wake-up a tick left in place would repeat: the clock goes on to `t` at once.
      if (e_->next_wake(Engine::WakeSource::kPetitions) <= w) return tick(t);
    }
  }

  absl::Status tick(Timestamp at) {
    JICENG_ASSIGN_OR_RETURN(TickReport r, e_->tick(at));
    ++ticks_;
    clock_.examined += r.examined;
    clock_.urged += r.urged;
    clock_.overdue += r.overdue;
    clock_.escalated += r.escalated;
    clock_.closed += r.closed;
    clock_.loop_events += r.loop_events;
    clock_.events += r.events;
    last_tick_ = at;
    return absl::OkStatus();
  }

  std::unique_ptr<Engine> e_;
  std::string variant_;
  std::vector<PetitionTrack> petitions_;
  std::map<std::string, LoopTrack> loops_;
  absl::flat_hash_map<std::string, ActorHandle> handles_;
  TickReport clock_;
  Timestamp last_tick_ = kNoDeadline;
  std::uint64_t petition_commands_ = 0, loop_commands_ = 0, refused_ = 0, clock_skipped_ = 0, ticks_ = 0,
                policy_events_replaced_ = 0;
  std::array<std::uint64_t, kEventTypeCount> refused_by_type_{};
};

// --- the comparison ---------------------------------------------------------------------

constexpr std::array<std::string_view, 9> kCountNames = {"received",   "done",     "on_time",
                                                         "closed_late", "open_past_deadline", "ever_overdue",
                                                         "escalated",  "reopened", "evaluated"};
constexpr std::array<std::string_view, 7> kRateNames = {"composite", "completion", "on_time",   "overdue",
                                                        "escalation", "reopen",     "satisfaction"};
// The rates `largest_changes` looks at.
constexpr std::array<std::string_view, 5> kChangeRates = {"composite", "completion", "on_time", "overdue",
                                                          "escalation"};

std::uint64_t count_of(const KpiCounts& c, std::string_view name) {
  if (name == "received") return c.received;
  if (name == "done") return c.done;
  if (name == "on_time") return c.on_time;
  if (name == "closed_late") return c.closed_late;
  if (name == "open_past_deadline") return c.open_past_deadline;
  if (name == "ever_overdue") return c.ever_overdue;
  if (name == "escalated") return c.escalated;
  if (name == "reopened") return c.reopened;
  return c.evaluated;
}
std::optional<double> rate_of(const KpiRates& r, std::string_view name) {
  if (name == "composite") return r.composite;
  if (name == "completion") return r.completion;
  if (name == "on_time") return r.on_time;
  if (name == "overdue") return r.overdue;
  if (name == "escalation") return r.escalation;
  if (name == "reopen") return r.reopen;
  return r.satisfaction;
}
// Rates to six decimals, so that the JSON carries no floating-point noise in a difference.
double round6(double v) { return std::round(v * 1e6) / 1e6; }
json::value rate_value(std::optional<double> v) { return v ? json::value(round6(*v)) : json::value(nullptr); }

// A unit's KPIs; `rank` 0 for a unit below the ranking minimum (no "rank" then).
json::object unit_json(const KpiReport& r, int rank) {
  json::object o;
  o["unit"] = r.unit;
  o["name"] = r.unit_name;
  if (rank > 0) o["rank"] = rank;
  json::object counts, rates;
  for (auto n : kCountNames) counts[n] = count_of(r.counts, n);
  for (auto n : kRateNames) rates[n] = rate_value(rate_of(r.rates, n));
  o["counts"] = std::move(counts);
  o["rates"] = std::move(rates);
  o["resolve_workdays_median"] =
      r.resolve_workdays_median ? json::value(*r.resolve_workdays_median) : json::value(nullptr);
  return o;
}

json::object count_diff(std::int64_t b, std::int64_t v) {
  return json::object{{"baseline", b}, {"variant", v}, {"delta", v - b}};
}
json::object rate_diff(std::optional<double> b, std::optional<double> v) {
  json::object o;
  o["baseline"] = rate_value(b);
  o["variant"] = rate_value(v);
  o["delta"] = b && v ? json::value(round6(round6(*v) - round6(*b))) : json::value(nullptr);
  return o;
}
json::object metrics_diff(const KpiReport& b, const KpiReport& v) {
  json::object counts, rates;
  for (auto n : kCountNames) {
    counts[n] = count_diff(static_cast<std::int64_t>(count_of(b.counts, n)),
                           static_cast<std::int64_t>(count_of(v.counts, n)));
  }
  for (auto n : kRateNames) rates[n] = rate_diff(rate_of(b.rates, n), rate_of(v.rates, n));
  return json::object{{"counts", std::move(counts)}, {"rates", std::move(rates)}};
}

// The KPIs of one side: totals and the units of one level in a fair league table — ranked
// only with the minimum of petitions of that side's policy (`kpi.ranking`), as `jiceng
// report` ranks them; the others listed apart.
struct SideKpis {
  KpiReport totals;
  std::array<KpiLeagueTable, 2> levels;  // streets (1), communities (2)
};

absl::StatusOr<SideKpis> side_kpis(const Engine& engine, const KpiPeriod& period) {
  KpiIndex index(engine);
  JICENG_RETURN_IF_ERROR(index.update());
  SideKpis k;
  JICENG_ASSIGN_OR_RETURN(k.totals, index.rollup("", period));
  for (int level = 1; level <= 2; ++level) {
    JICENG_ASSIGN_OR_RETURN(std::vector<KpiRankEntry> ranking, index.ranking(level, period));
    k.levels[level - 1] = league_table(std::move(ranking), ranking_minimum(engine));
  }
  return k;
}

constexpr std::array<std::string_view, 2> kLevelKeys = {"streets", "communities"};

// What a hosted loop that had recorded commands holds at the end of one side: its items
// per state (the table's order) and, for the service fund, the money allocated and spent
// over every account — the loops' outcomes, as the KPIs are the petitions'.
struct LoopResult {
  std::string zh;  // the loop's Chinese name
  struct State {
    std::string name, zh;
    std::int64_t items = 0;
  };
  std::vector<State> states;
  std::optional<std::pair<std::int64_t, std::int64_t>> fund_fen;  // allocated, spent
};
using LoopResults = std::map<std::string, LoopResult>;

absl::StatusOr<LoopResults> loop_results(const Side& s) {
  LoopResults out;
  for (const auto& [name, track] : s.loops()) {
    const LoopTable* table = s.engine().loop_table(name);
    if (table == nullptr) continue;  // not hosted here: every command was refused
    const std::string& loop = name;  // a structured binding: clang 14 cannot capture it
    const auto unexpected = [&loop](std::string_view q) {
      return absl::InternalError(cat("what-if: the ", loop, " query ", q, " did not answer as documented"));
    };
    JICENG_ASSIGN_OR_RETURN(std::string counts, s.engine().query(name, "counts", "{}"));
    json::error_code ec;
    const json::value cv = json::parse(counts, ec);
    if (ec || !cv.is_object()) return unexpected("counts");
    LoopResult r;
    r.zh = std::string(table->zh);
    for (const auto& st : table->states) {
      const json::value* v = cv.get_object().if_contains(json::string_view(st.name.data(), st.name.size()));
      if (v != nullptr && !v->is_int64()) return unexpected("counts");
      r.states.push_back({std::string(st.name), std::string(st.zh), v != nullptr ? v->get_int64() : 0});
    }
    if (name == "fund") {
      JICENG_ASSIGN_OR_RETURN(std::string ledger, s.engine().query(name, "ledger", "{}"));
      const json::value lv = json::parse(ledger, ec);
      const json::value* accounts = !ec && lv.is_object() ? lv.get_object().if_contains("accounts") : nullptr;
      if (accounts == nullptr || !accounts->is_array()) return unexpected("ledger");
      std::pair<std::int64_t, std::int64_t> fen{0, 0};
      for (const auto& a : accounts->get_array()) {
        const json::value* al = a.is_object() ? a.get_object().if_contains("allocation") : nullptr;
        const json::value* sp = a.is_object() ? a.get_object().if_contains("spent") : nullptr;
        if (al == nullptr || sp == nullptr) return unexpected("ledger");
        JICENG_ASSIGN_OR_RETURN(std::int64_t allocated, loopval::parse_money(*al, "fund ledger"));
        JICENG_ASSIGN_OR_RETURN(std::int64_t spent, loopval::parse_money(*sp, "fund ledger"));
        fen.first += allocated;
        fen.second += spent;
      }
      r.fund_fen = fen;
    }
    out.emplace(name, std::move(r));
  }
  return out;
}

std::string time_text(Timestamp t) { return internal::china_time_iso(t); }

json::object refusal_json(const Refusal& r) {
  return json::object{{"seq", r.seq},
                      {"time", time_text(r.time)},
                      {"command", r.command},
                      {"actor", r.actor},
                      {"reason", r.reason}};
}

json::object side_json(const Side& s, const SideKpis& k, const LoopResults& lr) {
  json::object o;
  o["policy"] = s.engine().policy_name();
  o["replay"] = s.replay_json();
  o["clock"] = s.clock_json();
  o["totals"] = json::parse(kpi_report_json(k.totals));
  o["deadlines_missed"] = k.totals.counts.ever_overdue;
  o["escalations"] = k.totals.counts.escalated;
  o["refusals"] = s.refused();
  o["ranking_min_received"] = k.levels[0].min_received;
  for (std::size_t l = 0; l < 2; ++l) {
    json::array units, below;
    for (const auto& e : k.levels[l].ranked) units.push_back(unit_json(e.report, e.rank));
    for (const auto& r : k.levels[l].below_minimum) below.push_back(unit_json(r, 0));
    o[kLevelKeys[l]] = std::move(units);
    o[cat(kLevelKeys[l], "_below_minimum")] = std::move(below);
  }
  json::array diverged;
  for (std::size_t i = 0; i < s.petitions().size(); ++i) {
    const PetitionTrack& t = s.petitions()[i];
    if (!t.first) continue;
    json::object d;
    d["petition"] = Engine::display_id(i + 1);
    d["mapped_to"] = t.mapped == kNoPetition ? json::value(nullptr) : json::value(Engine::display_id(t.mapped));
    d["refused_commands"] = t.refused;
    d["first_refused"] = refusal_json(*t.first);
    diverged.push_back(std::move(d));
  }
  o["diverged_count"] = diverged.size();
  o["diverged"] = std::move(diverged);
  json::object loops;
  for (const auto& [name, t] : s.loops()) {
    json::object l{{"commands", t.commands}, {"refused", t.refused}};
    l["first_refused"] = t.first ? json::value(refusal_json(*t.first)) : json::value(nullptr);
    json::object states;
    if (auto it = lr.find(name); it != lr.end()) {
      for (const auto& st : it->second.states) states[st.name] = st.items;
      if (it->second.fund_fen) {
        l["allocated"] = loopval::format_fen(it->second.fund_fen->first);
        l["spent"] = loopval::format_fen(it->second.fund_fen->second);
      }
    }
    l["items_by_state"] = std::move(states);
    loops[name] = std::move(l);
  }
  o["loops"] = std::move(loops);
  return o;
}

struct Change {
  int level;
  std::string unit, name, metric;
  double baseline, variant, delta;
};

// Per hosted loop (those with recorded commands on either side): commands, refusals,
// items per state and the fund's money (fen), baseline against variant.
json::object loops_diff(const Side& b, const Side& v, const LoopResults& lb, const LoopResults& lv) {
  auto n = [](std::uint64_t x) { return static_cast<std::int64_t>(x); };
  std::map<std::string, std::pair<const LoopTrack*, const LoopTrack*>> names;
  for (const auto& [name, t] : b.loops()) names[name].first = &t;
  for (const auto& [name, t] : v.loops()) names[name].second = &t;
  json::object out;
  for (const auto& [name, t] : names) {
    json::object l;
    l["commands"] = count_diff(t.first ? n(t.first->commands) : 0, t.second ? n(t.second->commands) : 0);
    l["refused"] = count_diff(t.first ? n(t.first->refused) : 0, t.second ? n(t.second->refused) : 0);
    const auto rb = lb.find(name), rv = lv.find(name);
    const LoopResult* x = rb == lb.end() ? nullptr : &rb->second;
    const LoopResult* y = rv == lv.end() ? nullptr : &rv->second;
    // One engine build hosts the same loops on both sides, so the states are the same list.
    const LoopResult* any = x != nullptr ? x : y;
    if (any != nullptr) l["zh"] = any->zh;
    json::object states;
    for (std::size_t i = 0; any != nullptr && i < any->states.size(); ++i) {
      json::object c = count_diff(x != nullptr ? x->states[i].items : 0, y != nullptr ? y->states[i].items : 0);
      c["zh"] = any->states[i].zh;
      states[any->states[i].name] = std::move(c);
    }
    l["items_by_state"] = std::move(states);
    if (any != nullptr && any->fund_fen) {
      auto fen = [](const LoopResult* r, bool spent) -> std::int64_t {
        return r == nullptr || !r->fund_fen ? 0 : (spent ? r->fund_fen->second : r->fund_fen->first);
      };
      l["allocated_fen"] = count_diff(fen(x, false), fen(y, false));
      l["spent_fen"] = count_diff(fen(x, true), fen(y, true));
    }
    out[name] = std::move(l);
  }
  return out;
}

json::object diff_json(const Side& b, const Side& v, const SideKpis& kb, const SideKpis& kv, const KpiPeriod& period,
                       std::size_t largest, const LoopResults& lb, const LoopResults& lv) {
  json::object d;
  d["policy"] = json::object{{"baseline", b.engine().policy_name()}, {"variant", v.engine().policy_name()}};
  d["period"] = period.to_string();
  d["totals"] = metrics_diff(kb.totals, kv.totals);
  auto n = [](std::uint64_t x) { return static_cast<std::int64_t>(x); };
  d["deadlines_missed"] = count_diff(n(kb.totals.counts.ever_overdue), n(kv.totals.counts.ever_overdue));
  d["escalations"] = count_diff(n(kb.totals.counts.escalated), n(kv.totals.counts.escalated));
  d["refusals"] = count_diff(n(b.refused()), n(v.refused()));
  std::uint64_t div_b = 0, div_v = 0, only_v = 0;
  for (const auto& t : b.petitions()) div_b += t.first ? 1 : 0;
  for (std::size_t i = 0; i < v.petitions().size(); ++i) {
    if (!v.petitions()[i].first) continue;
    ++div_v;
    if (i >= b.petitions().size() || !b.petitions()[i].first) ++only_v;
  }
  d["diverged"] = count_diff(n(div_b), n(div_v));
  d["diverged_only_in_variant"] = only_v;
  d["clock"] = json::object{{"urged", count_diff(n(b.clock().urged), n(v.clock().urged))},
                            {"marked_overdue", count_diff(n(b.clock().overdue), n(v.clock().overdue))},
                            {"escalated", count_diff(n(b.clock().escalated), n(v.clock().escalated))},
                            {"closed", count_diff(n(b.clock().closed), n(v.clock().closed))}};
  std::vector<Change> changes;
  d["ranking_min_received"] = count_diff(n(kb.levels[0].min_received), n(kv.levels[0].min_received));
  for (std::size_t l = 0; l < 2; ++l) {
    // Every unit of the level, ranked or not; rank 0 = below that side's minimum.
    std::map<std::string, std::pair<const KpiReport*, int>> base, var;
    for (const auto& e : kb.levels[l].ranked) base[e.report.unit] = {&e.report, e.rank};
    for (const auto& r : kb.levels[l].below_minimum) base[r.unit] = {&r, 0};
    for (const auto& e : kv.levels[l].ranked) var[e.report.unit] = {&e.report, e.rank};
    for (const auto& r : kv.levels[l].below_minimum) var[r.unit] = {&r, 0};
    json::array units;
    for (const auto& [unit, be] : base) {
      auto it = var.find(unit);
      if (it == var.end()) continue;
      const auto& ve = it->second;
      json::object u;
      u["unit"] = unit;
      u["name"] = be.first->unit_name;
      // A rank only where the unit is ranked; the delta only where it is ranked on both sides.
      auto rank = [](int r) { return r > 0 ? json::value(r) : json::value(nullptr); };
      u["rank"] = json::object{{"baseline", rank(be.second)},
                               {"variant", rank(ve.second)},
                               {"delta", be.second > 0 && ve.second > 0 ? json::value(ve.second - be.second)
                                                                        : json::value(nullptr)}};
      json::object m = metrics_diff(*be.first, *ve.first);
      u["counts"] = std::move(m["counts"]);
      u["rates"] = std::move(m["rates"]);
      units.push_back(std::move(u));
      // The largest changes come from ranked units only: a rate over a handful of
      // petitions swings by tens of points and would crowd out the rest.
      if (be.second == 0 || ve.second == 0) continue;
      for (auto r : kChangeRates) {
        auto x = rate_of(be.first->rates, r), y = rate_of(ve.first->rates, r);
        if (!x || !y) continue;
        const double delta = round6(round6(*y) - round6(*x));
        if (delta == 0) continue;
        changes.push_back({static_cast<int>(l) + 1, unit, be.first->unit_name, std::string(r), round6(*x),
                           round6(*y), delta});
      }
    }
    d[kLevelKeys[l]] = std::move(units);
  }
  std::sort(changes.begin(), changes.end(), [](const Change& x, const Change& y) {
    if (std::abs(x.delta) != std::abs(y.delta)) return std::abs(x.delta) > std::abs(y.delta);
    if (x.level != y.level) return x.level < y.level;
    if (x.unit != y.unit) return x.unit < y.unit;
    return x.metric < y.metric;
  });
  if (changes.size() > largest) changes.resize(largest);
  json::array top;
  for (const auto& c : changes) {
    top.push_back(json::object{{"level", c.level},
                               {"unit", c.unit},
                               {"name", c.name},
                               {"metric", c.metric},
                               {"baseline", c.baseline},
                               {"variant", c.variant},
                               {"delta", c.delta}});
  }
  d["largest_changes"] = std::move(top);
  d["loops"] = loops_diff(b, v, lb, lv);
  return d;
}

WhatIfSideSummary summary(const Side& s, const SideKpis& k) {
  WhatIfSideSummary r;
  r.policy = s.engine().policy_name();
  r.commands = s.commands();
  r.refused = s.refused();
  for (const auto& t : s.petitions()) r.diverged += t.first ? 1 : 0;
  r.deadlines_missed = k.totals.counts.ever_overdue;
  r.escalated = k.totals.counts.escalated;
  r.events = s.engine().last_seq();
  return r;
}

}  // namespace

absl::StatusOr<WhatIfResult> run_whatif(const std::string& journal_path, const WhatIfOptions& options) {
  JICENG_ASSIGN_OR_RETURN(PolicySet variant_set, load_variant(options.policy));
  const std::string variant_doc = variant_set.to_json();
  if (options.period.from && options.period.to && *options.period.from > *options.period.to) {
    return absl::InvalidArgumentError(cat("what-if: the period ", options.period.to_string(), " ends before it starts"));
  }
  JournalOptions jo;
  jo.read_only = true;
  jo.create_if_missing = false;
  auto journal = Journal::open(journal_path, jo);
  if (!journal.ok()) {
    return absl::Status(journal.status().code(), cat("journal ", journal_path, ": ", journal.status().message()));
  }
  JICENG_ASSIGN_OR_RETURN(auto base_engine, Engine::create());
  JICENG_ASSIGN_OR_RETURN(auto var_engine, Engine::create());
  Side base(std::move(base_engine), "");
  Side var(std::move(var_engine), variant_doc);
  const Window w = window_of(options.period);
  bool in_window = false;
  Timestamp end = std::numeric_limits<Timestamp>::min();
  absl::Status st = (*journal)->replay(0, [&](const StoredRecord& r) -> absl::Status {
    absl::StatusOr<Event> e = Engine::decode_event(r.payload);
    if (!e.ok() || e->seq != r.seq || e->time != r.time || to_string(e->type) != r.type) {
      return absl::DataLossError(cat("journal ", journal_path, ": seq ", r.seq, ": the row and its event disagree",
                                     e.ok() ? "" : ": ", e.ok() ? "" : e.status().message()));
    }
    if (e->time >= w.end) return absl::OkStatus();
    if (!in_window && e->time < w.begin) {
      JICENG_RETURN_IF_ERROR(base.apply_recorded(*e));
      return var.apply_recorded(*e);
    }
    if (!in_window) {
      in_window = true;
      JICENG_RETURN_IF_ERROR(var.start_window(e->time));
    }
    end = std::max(end, e->time);
    JICENG_RETURN_IF_ERROR(base.replay(*e));
    return var.replay(*e);
  });
  if (!st.ok()) return st;
  if (!in_window) {
    return absl::InvalidArgumentError(cat("journal ", journal_path, ": no event in the period ",
                                          options.period.to_string()));
  }
  JICENG_RETURN_IF_ERROR(base.finish(end));
  JICENG_RETURN_IF_ERROR(var.finish(end));
  JICENG_ASSIGN_OR_RETURN(SideKpis kb, side_kpis(base.engine(), options.period));
  JICENG_ASSIGN_OR_RETURN(SideKpis kv, side_kpis(var.engine(), options.period));
  JICENG_ASSIGN_OR_RETURN(LoopResults lb, loop_results(base));
  JICENG_ASSIGN_OR_RETURN(LoopResults lv, loop_results(var));
  json::object out;
  out["baseline"] = side_json(base, kb, lb);
  out["variant"] = side_json(var, kv, lv);
  out["diff"] = diff_json(base, var, kb, kv, options.period, options.largest_changes, lb, lv);
  WhatIfResult result;
  result.baseline = summary(base, kb);
  result.variant = summary(var, kv);
  result.json = json::serialize(out);
  return result;
}

}  // namespace jiceng
