// The oracle: KPIs by a straightforward full scan over every petition (PetitionView for
// the state and flags, the petition's history for what the view does not keep).
#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "jiceng/engine.hpp"
#include "jiceng/kpi.hpp"
#include "kpi/kpi_internal.hpp"
#include "kpi/org_access.hpp"

namespace jiceng {

using namespace kpi_detail;

namespace {

struct Target {
  std::uint32_t unit = kpi_org::kNone;  // kNone = whole engine
  std::string id, name;
  int level = 0;
};

absl::StatusOr<Target> find_target(const Engine& engine, std::string_view unit) {
  Target t;
  if (unit.empty()) {
    t.name = kWholeEngineName;
    return t;
  }
  const OrgGraph& g = engine.org();
  t.unit = kpi_org::find(g, unit);
  if (t.unit == kpi_org::kNone) return absl::NotFoundError(absl::StrCat("kpi: unit \"", internal::av(unit), "\" is not in the org graph"));
  t.id = std::string(unit);
  t.name = std::string(kpi_org::name(g, t.unit));
  t.level = kpi_org::level(g, t.unit);
  return t;
}

struct Scanned {
  std::int32_t day = 0;
  std::string category;
  std::int32_t workdays = -1;
  PetitionFacts facts;
  bool in_target = true;          ///< the current unit is in the target's subtree
  std::uint64_t not_ours_here = 0;  ///< returns as not ours made by units in the subtree
};

/// 附议 standing at a petition: its support events that no later withdrawal by the same
/// resident took back — here, or at the petition it was merged into (on through a chain of
/// merges) after that merge, where its supporters stand since.
absl::StatusOr<std::uint32_t> standing_supports(const Engine& engine, const std::vector<Event>& history) {
  std::vector<const Event*> given;
  absl::flat_hash_map<std::string, std::uint64_t> last_withdrawal;  // resident → seq
  std::vector<Event> behind;  // the history of the petition merged into
  const std::vector<Event>* h = &history;
  std::uint64_t since = 0;
  for (std::size_t hop = 0; hop <= engine.stats().petitions; ++hop) {
    PetitionId into = kNoPetition;
    std::uint64_t merged_at = 0;
    for (const Event& e : *h) {
      if (hop == 0 && e.type == EventType::kSupport) given.push_back(&e);
      if (e.type == EventType::kWithdrawSupport && e.seq > since) {
        std::uint64_t& w = last_withdrawal[e.actor.id];
        w = std::max(w, e.seq);
      }
      if (e.type == EventType::kMerge) {
        into = e.payload.linked;
        merged_at = e.seq;
      }
    }
    if (into == kNoPetition) break;
    JICENG_ASSIGN_OR_RETURN(std::vector<Event> next, engine.history(into));
    behind = std::move(next);
    h = &behind;
    since = merged_at;
  }
  std::uint32_t n = 0;
  for (const Event* e : given) {
    auto w = last_withdrawal.find(e->actor.id);
    if (w == last_withdrawal.end() || w->second < e->seq) ++n;
  }
  return n;
}

/// Visits every petition whose current unit is in the target's subtree.
template <typename Fn>
absl::Status scan(const Engine& engine, const Target& t, Fn&& fn) {
  const OrgGraph& g = engine.org();
  const WorkCalendar& cal = engine.calendar();
  const std::size_t n = engine.stats().petitions;
  for (PetitionId id = 1; id <= n; ++id) {
    JICENG_ASSIGN_OR_RETURN(PetitionView v, engine.get(id));
    auto in_subtree = [&](std::string_view unit) {
      if (t.unit == kpi_org::kNone) return true;
      const std::uint32_t u = kpi_org::find(g, unit);
      return u != kpi_org::kNone && kpi_org::is_ancestor_or_self(g, t.unit, u);
    };
    Scanned s;
    s.in_target = in_subtree(v.current_unit);
    // Returns as not ours count at the unit that held the petition (the latest dispatch,
    // escalation or reopen before the return), wherever the petition is now.
    if (!s.in_target && v.not_ours_returns == 0) continue;
    JICENG_ASSIGN_OR_RETURN(std::vector<Event> history, engine.history(id));
    std::string holder = v.location_unit;
    for (const Event& e : history) {
      if (e.type == EventType::kDispatch || e.type == EventType::kEscalate || e.type == EventType::kReopen) {
        holder = e.payload.unit;
      } else if (e.type == EventType::kReturn) {
        if (e.payload.not_ours && in_subtree(holder)) ++s.not_ours_here;
        holder = v.location_unit;
      }
    }
    if (!s.in_target && s.not_ours_here == 0) continue;
    s.day = china_day_number(v.submitted_at);
    s.category = v.category;
    PetitionFacts& f = s.facts;
    f.state = v.state;
    f.channel = v.channel;
    for (const Event& e : history) {
      f.accepted |= e.type == EventType::kAccept;
      f.dispatched |= e.type == EventType::kDispatch || e.type == EventType::kEscalate || e.type == EventType::kReopen;
      f.answered |= e.type == EventType::kResolve;
    }
    JICENG_ASSIGN_OR_RETURN(f.supports, standing_supports(engine, history));
    f.overdue_now = v.overdue;
    f.ever_overdue = v.ever_overdue;
    f.reopened = v.reopenings + v.reviews > 0;
    f.escalated = v.escalations > 0;
    if (v.evaluation) {
      f.has_eval = true;
      f.contacted = v.evaluation->contacted;
      f.solved = v.evaluation->solved;
      f.satisfaction = v.evaluation->satisfaction;
    }
    if (is_done(v.state)) s.workdays = resolve_workdays(cal, v.submitted_at, v.resolved_at);
    fn(s);
  }
  return absl::OkStatus();
}

struct Sum {
  CounterArray c{};
  Tallies tallies;
  void add(const Scanned& s) {
    c[kNotOursReturns] += s.not_ours_here;
    if (!s.in_target) return;
    add_facts<std::uint64_t>(c.data(), s.facts, 1);
    tallies.categories[s.category] += 1;
    if (is_done(s.facts.state) && s.workdays >= 0) tallies.workdays[s.workdays] += 1;
  }
  KpiCounts counts() {
    KpiCounts k;
    counters_to_counts(c, k);
    tallies.finish(k);
    return k;
  }
};

}  // namespace

absl::StatusOr<KpiReport> compute_kpis(const Engine& engine, std::string_view unit, const KpiPeriod& period,
                                       const KpiOptions& options) {
  JICENG_ASSIGN_OR_RETURN(KpiWeights w, weights_for(engine, options));
  JICENG_ASSIGN_OR_RETURN(Target t, find_target(engine, unit));
  const DayRange range = day_range(period);
  Sum sum;
  JICENG_RETURN_IF_ERROR(scan(engine, t, [&](const Scanned& s) {
    if (range.contains(s.day)) sum.add(s);
  }));
  return make_kpi_report(t.id, t.name, t.level, period, sum.counts(), w);
}

absl::StatusOr<std::vector<KpiRankEntry>> compute_ranking(const Engine& engine, int level, const KpiPeriod& period,
                                                          const KpiOptions& options) {
  if (level < 0 || level > 5) return absl::InvalidArgumentError(absl::StrCat("kpi ranking: level ", level, " is outside 0..5"));
  std::vector<KpiRankEntry> out;
  const OrgGraph& g = engine.org();
  JICENG_ASSIGN_OR_RETURN(const std::uint32_t within, ranking_scope(g, options));
  for (std::uint32_t u : kpi_org::units_at_level(g, level)) {
    if (!options.include_units_beside_tree && !kpi_org::is_tree_kind(g, u)) continue;
    if (within != kpi_org::kNone && !kpi_org::is_ancestor_or_self(g, within, u)) continue;
    JICENG_ASSIGN_OR_RETURN(KpiReport r, compute_kpis(engine, kpi_org::id(g, u), period, options));
    out.push_back({0, std::move(r)});
  }
  finish_ranking(out);
  return out;
}

absl::StatusOr<std::vector<KpiTrendPoint>> compute_trend(const Engine& engine, std::string_view unit,
                                                         const KpiPeriod& period, const KpiOptions& options) {
  JICENG_ASSIGN_OR_RETURN(KpiWeights w, weights_for(engine, options));
  JICENG_ASSIGN_OR_RETURN(Target t, find_target(engine, unit));
  const DayRange range = day_range(period);
  std::vector<Scanned> rows;
  std::int32_t first = INT32_MAX, last = INT32_MIN;
  JICENG_RETURN_IF_ERROR(scan(engine, t, [&](const Scanned& s) {
    if (!range.contains(s.day)) return;
    rows.push_back(s);
    first = std::min(first, s.day);
    last = std::max(last, s.day);
  }));
  if (period.from) first = range.from;
  if (period.to) last = range.to;
  std::vector<KpiTrendPoint> out;
  for (const auto& [ym, r] : months_between(first, last)) {
    Sum sum;
    for (const auto& s : rows)
      if (r.contains(s.day)) sum.add(s);
    KpiPeriod p{date_of_day_number(r.from), date_of_day_number(r.to)};
    out.push_back({ym.first, ym.second, make_kpi_report(t.id, t.name, t.level, p, sum.counts(), w)});
  }
  return out;
}

}  // namespace jiceng
