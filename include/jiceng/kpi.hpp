// jiceng/kpi.hpp — key performance indicators of the petition loop (考核指标): for any
// unit's subtree and period, the counts (受理, 办结, 归档 …), the hotline's three rates
// 三率 — 响应率, 解决率, 满意率 — and their composite score (综合成绩), 办结率, 按时办结率,
// overdue (超期), reopen (重办), escalation (上报) rates, working days to resolve, category
// and channel shares, monthly trends and rankings of the units at one level.
//
// Two ways to compute the same numbers:
//  - `compute_kpis(engine, unit, period)` — a straightforward full scan over every
//    petition (PetitionView + history). Slow, obviously right: the oracle of the tests.
//  - `KpiIndex` — ingests the engine's events incrementally (Engine::events) into
//    compact per-unit × per-day aggregates; a subtree rollup sums the aggregates of the
//    units in the subtree. This is what a city-wide report (10,000,000 petitions, under a
//    second, docs/targets.md) uses. The two agree exactly (tested on random simulations).
//
// Definitions (see docs/kpi.md for the full table):
//  - Unit (归属单位): a petition counts for its *current unit* (PetitionView::current_unit):
//    the unit it was last dispatched, escalated or reopened to — the one that answered and
//    solved it — and, before any dispatch or after a return (退单), its location unit. A
//    subtree report counts every petition whose current unit lies in the subtree.
//  - Period (统计周期): a petition belongs to the period containing its submission day
//    (China Standard Time). Its state is taken as of the latest event seen (the engine's
//    present for compute_kpis, the last ingested event for a KpiIndex).
//  - Reopened petitions (重办/复查/复核) count once, in their submission period; only the
//    latest evaluation counts (a reopening withdraws the earlier one until re-evaluated).
//  - A rate whose denominator is zero is absent (std::nullopt), never 0 or NaN.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "jiceng/calendar.hpp"
#include "jiceng/petition.hpp"
#include "jiceng/types.hpp"

namespace jiceng {

class Engine;

/// Number of `Channel` values (民意收集渠道).
inline constexpr int kChannelCount = 7;

/// A period of submission days (统计周期), inclusive at both ends, in China Standard Time.
/// An absent bound is open.
struct KpiPeriod {
  std::optional<Date> from;  ///< first day (inclusive); absent = since the beginning
  std::optional<Date> to;    ///< last day (inclusive); absent = until now
  /// True when `day` lies within the period.
  bool contains(Date day) const;
  /// "2024-01-01..2024-12-31", "..2024-12-31", "2024-01-01..", or "all".
  std::string to_string() const;
  friend bool operator==(const KpiPeriod&, const KpiPeriod&) = default;
};

/// Parses a period from two optional `YYYY-MM-DD` texts (empty = open bound).
/// INVALID_ARGUMENT for a malformed date or `from` after `to`.
absl::StatusOr<KpiPeriod> parse_kpi_period(std::string_view from, std::string_view to);

/// Weights of the composite score (综合成绩权重) and the factor for "basically satisfied"
/// (基本满意折算系数): the params of policy rule `kpi.weights`. Weights are percentages
/// that sum to 100 (10/50/40 by default, docs/domain.md §4).
struct KpiWeights {
  double response = 10;                   ///< 响应率 weight, percent
  double solve = 50;                      ///< 解决率 weight, percent
  double satisfaction = 40;               ///< 满意率 weight, percent
  double basic_satisfaction_factor = 0.9; ///< 满意率 = (满意 + factor × 基本满意) / 有效回访

  /// Parses the params object of `kpi.weights`, e.g.
  /// `{"response": 10, "solve": 50, "satisfaction": 40, "basic_satisfaction_factor": 0.9}`.
  /// Missing members keep their defaults; "{}" gives the defaults. INVALID_ARGUMENT naming
  /// the member for a non-number, a weight outside [0, 100], a factor outside [0, 1], or
  /// weights that do not sum to 100.
  static absl::StatusOr<KpiWeights> from_json(std::string_view params_json);
  /// The weights of the policy in force in `engine` (PetitionPolicy::kpi_weights_json).
  static absl::StatusOr<KpiWeights> from_engine(const Engine& engine);
  friend bool operator==(const KpiWeights&, const KpiWeights&) = default;
};

/// The integer counts behind every indicator (the aggregate). Each count is a number of
/// petitions submitted in the period whose current unit is in the subtree.
struct KpiCounts {
  std::uint64_t received = 0;             ///< 登记: submitted
  std::uint64_t accepted = 0;             ///< 受理: accepted at least once
  std::uint64_t rejected = 0;             ///< now rejected (不予受理)
  std::uint64_t merged = 0;               ///< now merged (合并)
  std::uint64_t withdrawn = 0;            ///< now withdrawn (撤回)
  std::uint64_t dispatched = 0;           ///< dispatched at least once (派单; escalation and reopening re-dispatch)
  std::uint64_t answered = 0;             ///< resolved (答复办结) at least once
  std::uint64_t done = 0;                 ///< now resolved or closed (办结)
  std::uint64_t closed = 0;               ///< now closed (归档)
  std::uint64_t on_time = 0;              ///< done and never marked overdue (按时办结)
  std::uint64_t closed_late = 0;          ///< done but marked overdue at some point (超期办结)
  std::uint64_t open_past_deadline = 0;   ///< still in handling (received … in_progress) and overdue now (超期未办结)
  std::uint64_t ever_overdue = 0;         ///< marked overdue (超期) at least once, in any state
  std::uint64_t reopened = 0;             ///< reopened (重办) or reviewed (复查/复核) at least once
  std::uint64_t escalated = 0;            ///< escalated (上报) at least once
  std::uint64_t evaluated = 0;            ///< 有效回访: has an evaluation in force
  std::uint64_t contacted = 0;            ///< evaluated, and the resident was contacted (已联系)
  std::uint64_t solved = 0;               ///< evaluated as solved (已解决)
  std::uint64_t satisfied = 0;            ///< evaluated satisfied (满意)
  std::uint64_t basically_satisfied = 0;  ///< evaluated basically satisfied (基本满意)
  /// 附议: supports given to these petitions, net of withdrawals (a merge does not move them
  /// here: a merged petition keeps the supports it was given). A withdrawal on the kept
  /// petition of a support the merge brought takes off one given there, if any: a
  /// petition's count never goes below zero.
  std::uint64_t supports = 0;
  /// 非本单位职责: returns as not ours made by the units of the subtree (the unit holding the
  /// petition when it returned it), on petitions submitted in the period — wherever those
  /// petitions are now.
  std::uint64_t not_ours_returns = 0;
  /// Petitions received by channel, indexed by `Channel`.
  std::array<std::uint64_t, kChannelCount> by_channel{};
  /// Petitions received by category id, sorted by id, zero counts left out.
  std::vector<std::pair<std::string, std::uint64_t>> by_category;
  /// Histogram of working days to resolve (办结用时) over the `done` petitions: (working
  /// days, petitions), sorted by working days, zero counts left out.
  std::vector<std::pair<std::int32_t, std::uint64_t>> resolve_workdays;

  /// Adds `other` (for sums of disjoint subtrees or periods).
  KpiCounts& operator+=(const KpiCounts& other);
  friend bool operator==(const KpiCounts&, const KpiCounts&) = default;
};

/// The rates derived from KpiCounts (fractions in [0, 1]); absent when the denominator is 0.
struct KpiRates {
  std::optional<double> response;      ///< 响应率 = contacted / evaluated
  std::optional<double> solve;         ///< 解决率 = solved / evaluated
  std::optional<double> satisfaction;  ///< 满意率 = (satisfied + factor × basically_satisfied) / evaluated
  /// 综合成绩 = (w_response × 响应率 + w_solve × 解决率 + w_satisfaction × 满意率) / 100,
  /// a fraction in [0, 1] (× 100 for points). Absent when evaluated = 0.
  std::optional<double> composite;
  std::optional<double> completion;    ///< 办结率 = done / accepted
  /// 按时办结率 = on_time / (on_time + closed_late + open_past_deadline): among petitions
  /// whose punctuality is decided (done, or already past a deadline while still open).
  std::optional<double> on_time;
  std::optional<double> overdue;       ///< 超期率 = ever_overdue / received
  std::optional<double> reopen;        ///< 重办率 = reopened / answered
  std::optional<double> escalation;    ///< 上报率 = escalated / dispatched
  friend bool operator==(const KpiRates&, const KpiRates&) = default;
};

/// The rates of `counts` under `weights`.
KpiRates compute_rates(const KpiCounts& counts, const KpiWeights& weights);

/// The p-quantile (0 < p ≤ 1) of a histogram by the nearest-rank method: the smallest
/// value v such that at least ⌈p × n⌉ entries are ≤ v. Exact for integer working days;
/// absent for an empty histogram. Median = p 0.5, p90 = p 0.9.
std::optional<std::int32_t> histogram_quantile(std::span<const std::pair<std::int32_t, std::uint64_t>> histogram,
                                               double p);

/// One share (占比) of the received petitions.
struct KpiShare {
  std::string key;          ///< category id, or channel name (e.g. "wechat_account")
  std::uint64_t count = 0;  ///< petitions
  double share = 0;         ///< count / received
  friend bool operator==(const KpiShare&, const KpiShare&) = default;
};

/// The indicators of one unit's subtree over one period (考核报表).
struct KpiReport {
  std::string unit;        ///< unit id; empty = every petition of the engine
  std::string unit_name;   ///< unit name (全区 for the whole engine)
  int level = 0;           ///< the unit's level (0 for the whole engine)
  KpiPeriod period;        ///< submission days covered
  KpiWeights weights;      ///< weights used for the composite score
  KpiCounts counts;        ///< the aggregate
  KpiRates rates;          ///< rates from counts and weights
  std::optional<std::int32_t> resolve_workdays_median;  ///< 办结用时中位数, working days (nearest rank)
  std::optional<std::int32_t> resolve_workdays_p90;     ///< 90th percentile, working days (nearest rank)
  std::vector<KpiShare> category_shares;  ///< by category id, descending count, ties by id
  std::vector<KpiShare> channel_shares;   ///< by channel, descending count, ties by enum order; zero left out
  friend bool operator==(const KpiReport&, const KpiReport&) = default;
};

/// Options of a KPI query.
struct KpiOptions {
  /// Weights of the composite score; absent = the policy in force (`kpi.weights`).
  std::optional<KpiWeights> weights;
  /// Rankings only: include the units beside the tree (大党委, 驻区单位, 物业党支部, …)
  /// that sit at the level. Off by default: a ranking compares tree units of one kind of
  /// post (all streets, all communities, …).
  bool include_units_beside_tree = false;
  /// Rankings only: rank just the units at the level inside this unit's subtree (e.g. the
  /// communities of one street); empty = every unit at the level.
  std::string within;
  /// Bundles only (build_kpi_bundle): a unit enters the ranking only with at least this
  /// many petitions received in the period (fair league table 排名门槛); absent = the
  /// policy in force (`kpi.ranking` min_received; 0 when the policy has no such rule).
  std::optional<std::uint64_t> min_received;
};

/// One unit in a ranking (排名).
struct KpiRankEntry {
  int rank = 0;        ///< 1-based position in the ranking
  KpiReport report;    ///< the unit's subtree report
  friend bool operator==(const KpiRankEntry&, const KpiRankEntry&) = default;
};

/// One month of a trend (月度趋势).
struct KpiTrendPoint {
  int year = 0;        ///< e.g. 2024
  int month = 0;       ///< 1..12
  KpiReport report;    ///< the unit's subtree report for the days of that month within the period
  friend bool operator==(const KpiTrendPoint&, const KpiTrendPoint&) = default;
};

/// A fair league table (排名): only units with at least `min_received` petitions received
/// in the period are ranked — a rate over a handful of petitions says little, and one
/// unit's two cases must not top a table of units with hundreds — the others are listed
/// apart with their counts.
struct KpiLeagueTable {
  std::uint64_t min_received = 0;        ///< the minimum applied
  std::vector<KpiRankEntry> ranked;      ///< units at or above it, ranked 1..n in the order given
  std::vector<KpiReport> below_minimum;  ///< the others: most petitions first, ties by unit id
};

/// Splits a ranking (as KpiIndex::ranking or compute_ranking return it) at `min_received`:
/// the units at or above it keep their order and are numbered again from 1.
KpiLeagueTable league_table(std::vector<KpiRankEntry> ranking, std::uint64_t min_received);

/// The minimum of petitions received for a place in a ranking under the policy in force
/// (rule `kpi.ranking`, PetitionPolicy::kpi_min_received; 0 without the rule).
std::uint64_t ranking_minimum(const Engine& engine);

/// Builds a report from counts (rates, quantiles, shares). Used by both implementations.
KpiReport make_kpi_report(std::string unit, std::string unit_name, int level, const KpiPeriod& period,
                          KpiCounts counts, const KpiWeights& weights);

// --- the oracle: full scans -------------------------------------------------------------

/// Full-scan KPIs of `unit`'s subtree (empty = the whole engine) over `period`: reads every
/// petition (Engine::get and Engine::history). O(petitions); use a KpiIndex for anything
/// large. NOT_FOUND for an unknown unit; INVALID_ARGUMENT for a bad weights policy.
absl::StatusOr<KpiReport> compute_kpis(const Engine& engine, std::string_view unit, const KpiPeriod& period,
                                       const KpiOptions& options = {});
/// Full-scan ranking of every unit at `level` (0..5): by composite score descending, units
/// without one last, ties broken by unit id ascending. INVALID_ARGUMENT for a level out of range.
absl::StatusOr<std::vector<KpiRankEntry>> compute_ranking(const Engine& engine, int level, const KpiPeriod& period,
                                                          const KpiOptions& options = {});
/// Full-scan monthly trend: one point per calendar month from the period's first to its
/// last month (open bounds: the months of the first and last submissions in the subtree).
absl::StatusOr<std::vector<KpiTrendPoint>> compute_trend(const Engine& engine, std::string_view unit,
                                                         const KpiPeriod& period, const KpiOptions& options = {});

// --- the incremental index --------------------------------------------------------------

/// Memory held by a KpiIndex.
struct KpiIndexMemory {
  std::size_t petition_bytes = 0;   ///< per-petition state (needed to retract old contributions)
  std::size_t aggregate_bytes = 0;  ///< per-unit × per-day cells, category and working-day counters
  std::size_t other_bytes = 0;      ///< interning tables
  std::size_t cells = 0;            ///< number of per-unit × per-day cells
};

/// Incremental KPI aggregates over one Engine's events (考核指标增量索引).
///
/// Each petition contributes to exactly one cell: (its current unit, its submission day).
/// When an event changes a petition, its old contribution is retracted and the new one
/// added, so the cells always equal what a full scan would count as of the last ingested
/// event. Cells of a unit are kept sorted by day; a subtree rollup walks the units of the
/// subtree (pre-order interval of the org graph) and sums the cells inside the period.
///
/// The engine must outlive the index; the index reads its org graph (units, households)
/// and calendar (working days to resolve, computed at the resolving event). Not
/// thread-safe for `update`/`ingest`; const queries may run in parallel with each other.
///
/// Rewinds: the index remembers the engine's history epoch (Engine::history_epoch) with
/// its last seq. When a batch or tick that it had already read rolls back, or the engine
/// is restored, the events it folded are no longer the engine's (their seqs are reused):
/// `update` then rebuilds the index from the first event, and the queries refuse with
/// FAILED_PRECONDITION until it has — never a figure counting rolled-back events.
///
/// Lock order: `update` reads in Engine::read sections (the engine's reader lock, or the
/// calling thread's batch). A caller that guards an index with its own mutex takes it
/// INSIDE the engine's lock — `engine.read([&] { std::lock_guard l(mu); index.update();
/// ... })`, as the C ABI does — never the engine's lock while holding its mutex.
class KpiIndex {
 public:
  /// An empty index over `engine` (no event ingested yet).
  explicit KpiIndex(const Engine& engine);
  ~KpiIndex();
  KpiIndex(KpiIndex&&) noexcept;
  KpiIndex& operator=(KpiIndex&&) noexcept;

  /// Ingests the engine's events after last_seq() (Engine::for_each_event, in chunks of
  /// one Engine::read section each), first starting over when the engine's history was
  /// rewound below last_seq(). `max_events` > 0 bounds how many are ingested in this call.
  absl::Status update(std::size_t max_events = 0);
  /// Ingests one event. FAILED_PRECONDITION when its seq is not last_seq() + 1;
  /// INVALID_ARGUMENT (index unchanged) when it names an unknown petition or unit. The
  /// event is taken as one of the engine's history as of the last update (or the
  /// construction): the caller feeding events by hand answers for where they come from.
  absl::Status ingest(const Event& event);
  /// Seq of the last ingested event (0 when none).
  std::uint64_t last_seq() const;
  /// Number of petitions seen.
  std::size_t petitions() const;

  /// KPIs of `unit`'s subtree (empty = everything) over `period`, as of the last ingested
  /// event. NOT_FOUND for an unknown unit; FAILED_PRECONDITION when the engine's history
  /// was rewound below the last ingested event (call update()). Same for ranking, trend.
  absl::StatusOr<KpiReport> rollup(std::string_view unit, const KpiPeriod& period,
                                   const KpiOptions& options = {}) const;
  /// Ranking of every unit at `level`, as compute_ranking.
  absl::StatusOr<std::vector<KpiRankEntry>> ranking(int level, const KpiPeriod& period,
                                                    const KpiOptions& options = {}) const;
  /// Monthly trend, as compute_trend.
  absl::StatusOr<std::vector<KpiTrendPoint>> trend(std::string_view unit, const KpiPeriod& period,
                                                   const KpiOptions& options = {}) const;
  /// Memory held.
  KpiIndexMemory memory() const;
  /// The engine the index reads.
  const Engine& engine() const;

  struct Impl;  ///< internal

 private:
  std::unique_ptr<Impl> impl_;
};

// --- output -----------------------------------------------------------------------------

/// Everything `jiceng report` prints: the subtree's report, the ranking of a level and
/// the monthly trend.
struct KpiBundle {
  KpiReport report;                    ///< the unit's subtree
  int ranking_level = -1;              ///< level ranked (-1 = none)
  std::vector<KpiRankEntry> ranking;   ///< units at ranking_level with at least ranking_min_received
  /// The minimum of petitions received for a place in the ranking (KpiOptions::min_received).
  std::uint64_t ranking_min_received = 0;
  /// Units at ranking_level below that minimum, unranked: most petitions first, ties by id.
  std::vector<KpiReport> below_minimum;
  std::vector<KpiTrendPoint> trend;    ///< monthly trend of the unit's subtree
};

/// Builds a bundle with the index: report of `unit` (empty = everything), ranking of
/// `level` (-1 = the level below the unit; none below level 5) as a league table under
/// the minimum of `options.min_received` or the policy's, trend over `period`.
absl::StatusOr<KpiBundle> build_kpi_bundle(const KpiIndex& index, std::string_view unit, int level,
                                           const KpiPeriod& period, const KpiOptions& options = {});

/// One report as a JSON object (machine-readable; absent rates are JSON null; rates are
/// fractions, working days integers). Shared by `jiceng report` and the demo's report.
std::string kpi_report_json(const KpiReport& report);
/// A bundle as one JSON object: {"report": {...}, "ranking_level": n, "ranking": [...],
/// "ranking_min_received": m, "below_minimum": [...], "trend": [...]}.
std::string kpi_bundle_json(const KpiBundle& bundle);

}  // namespace jiceng
