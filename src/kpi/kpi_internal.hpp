// Internal: what one petition contributes to the KPI counters. Both the full scan
// (kpi_scan.cpp, from PetitionView + history) and the index (kpi_index.cpp, from events)
// reduce a petition to PetitionFacts and count it with add_facts, so the two can only
// disagree where they derive the facts differently — which the property test checks.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/strings.hpp"
#include "jiceng/kpi.hpp"
#include "kpi/org_access.hpp"

namespace jiceng::kpi_detail {

/// The scalar counters of KpiCounts, then one per channel.
enum Counter : int {
  kReceived, kAccepted, kRejected, kMerged, kWithdrawn, kDispatched, kAnswered, kDone, kClosed, kOnTime,
  kClosedLate, kOpenPastDeadline, kEverOverdue, kReopened, kEscalated, kEvaluated, kContacted, kSolved,
  kSatisfied, kBasicallySatisfied, kSupports, kNotOursReturns, kChannel0,
};
inline constexpr int kScalarCounters = kChannel0;
inline constexpr int kCounterCount = kChannel0 + kChannelCount;
using CounterArray = std::array<std::uint64_t, kCounterCount>;

/// What matters about one petition, as of the latest event.
struct PetitionFacts {
  State state = State::kReceived;
  Channel channel = Channel::kOnlinePlatform;
  bool accepted = false;      ///< an accept event
  bool dispatched = false;    ///< a dispatch, escalate or reopen event
  bool answered = false;      ///< a resolve event
  bool overdue_now = false;   ///< marked overdue and no fresh deadline since
  bool ever_overdue = false;  ///< marked overdue at some point
  bool reopened = false;      ///< a reopen event (重办, 复查, 复核)
  bool escalated = false;     ///< an escalate event
  bool has_eval = false;      ///< an evaluation in force
  bool contacted = false;
  bool solved = false;
  Satisfaction satisfaction = Satisfaction::kSatisfied;
  std::uint32_t supports = 0;  ///< supports given at the petition and not taken back
};

inline bool is_done(State s) { return s == State::kResolved || s == State::kClosed; }
inline bool is_handling(State s) {
  return s == State::kReceived || s == State::kAccepted || s == State::kDispatched || s == State::kInProgress;
}

/// Adds `sign` (+1 or -1, as unsigned wrap-around) times the petition's counters.
template <typename Int>
inline void add_facts(Int* c, const PetitionFacts& f, Int sign) {
  const bool done = is_done(f.state);
  c[kReceived] += sign;
  if (f.accepted) c[kAccepted] += sign;
  if (f.state == State::kRejected) c[kRejected] += sign;
  if (f.state == State::kMerged) c[kMerged] += sign;
  if (f.state == State::kWithdrawn) c[kWithdrawn] += sign;
  if (f.dispatched) c[kDispatched] += sign;
  if (f.answered) c[kAnswered] += sign;
  if (done) c[kDone] += sign;
  if (f.state == State::kClosed) c[kClosed] += sign;
  if (done && !f.ever_overdue) c[kOnTime] += sign;
  if (done && f.ever_overdue) c[kClosedLate] += sign;
  if (is_handling(f.state) && f.overdue_now) c[kOpenPastDeadline] += sign;
  if (f.ever_overdue) c[kEverOverdue] += sign;
  if (f.reopened) c[kReopened] += sign;
  if (f.escalated) c[kEscalated] += sign;
  if (f.has_eval) {
    c[kEvaluated] += sign;
    if (f.contacted) c[kContacted] += sign;
    if (f.solved) c[kSolved] += sign;
    if (f.satisfaction == Satisfaction::kSatisfied) c[kSatisfied] += sign;
    if (f.satisfaction == Satisfaction::kBasicallySatisfied) c[kBasicallySatisfied] += sign;
  }
  c[kChannel0 + static_cast<int>(f.channel)] += sign;
  c[kSupports] += sign * static_cast<Int>(f.supports);
  // kNotOursReturns is not a fact of the petition's current unit: the index and the scan
  // count each return at the unit that made it.
}

/// Fills the scalar and channel fields of `out` from `c`.
void counters_to_counts(const CounterArray& c, KpiCounts& out);

/// Accumulates category and working-day counters by key while summing.
struct Tallies {
  absl::flat_hash_map<std::string, std::uint64_t> categories;
  absl::flat_hash_map<std::int32_t, std::uint64_t> workdays;
  /// Moves the tallies into `out` (sorted, zeros left out).
  void finish(KpiCounts& out);
};

/// CST day number (days since 1970-01-01 in China Standard Time) of a timestamp.
inline std::int32_t china_day_number(Timestamp t) {
  const Timestamp local = t + kChinaUtcOffsetSeconds;
  return static_cast<std::int32_t>(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
}
/// "YYYY-MM-DD" (empty for a special value).
std::string format_day(Date d);
/// Day number of a date; the date must be a real day.
std::int32_t day_number(Date d);
/// Date of a day number.
Date date_of_day_number(std::int32_t n);
/// Inclusive day-number bounds of a period.
struct DayRange {
  std::int32_t from = INT32_MIN;
  std::int32_t to = INT32_MAX;
  bool contains(std::int32_t d) const { return d >= from && d <= to; }
};
DayRange day_range(const KpiPeriod& p);

/// Working days from submission day to resolving day, or -1 when the calendar cannot say.
std::int32_t resolve_workdays(const WorkCalendar& cal, Timestamp submitted, Timestamp resolved);

/// Sorts a ranking (composite descending, absent last, ties by unit id) and numbers it.
void finish_ranking(std::vector<KpiRankEntry>& entries);

/// The months (year, month) from day `first` to day `last`, and each one's day range
/// clipped to [first, last].
std::vector<std::pair<std::pair<int, int>, DayRange>> months_between(std::int32_t first, std::int32_t last);

/// The weights to use: the options', else the engine policy's.
absl::StatusOr<KpiWeights> weights_for(const Engine& engine, const KpiOptions& options);

/// The graph index of options.within (kpi_org::kNone when empty). NOT_FOUND when unknown.
absl::StatusOr<std::uint32_t> ranking_scope(const OrgGraph& g, const KpiOptions& options);

/// Name shown for the whole engine.
inline constexpr const char* kWholeEngineName = "全部";

}  // namespace jiceng::kpi_detail
