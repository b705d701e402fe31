// The provisional holiday rule (暂行规则): the statutory holidays of a year whose official
// schedule (放假安排) has not been published, worked out from the law alone.
//
// The law is 全国年节及纪念日放假办法 as revised on 2024-11-10 (State Council Decree No. 798,
// in force 2025-01-01). Article 2 gives every citizen: New Year's Day 1 day (1 January);
// Spring Festival 4 days (Lunar New Year's Eve and the first three days of the first lunar
// month); Tomb-sweeping Day 1 day (the day of the 清明 solar term); Labour Day 2 days (1–2
// May); Dragon Boat Festival 1 day (the fifth day of the fifth lunar month); Mid-autumn
// Festival 1 day (the fifteenth day of the eighth lunar month); National Day 3 days (1–3
// October). Article 6: a holiday falling on a Saturday or Sunday is made up on a working
// day (补假). Which working day, and which weekends are worked in exchange (调休), only the
// yearly notice of the General Office of the State Council fixes; provisionally the
// make-up day is the next working day after the holiday, and no weekend is worked.
//
// Lunar dates come from ICU's Chinese calendar; the moment of the 清明 term (the Sun at
// apparent ecliptic longitude 15°) from ERFA, the open edition of the IAU's SOFA
// astronomy routines. Both are libraries Debian ships and keeps.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace jiceng::calendar_internal {

/// One day off the provisional rule gives: a statutory day, or the make-up day of one.
struct ProvisionalDay {
  std::int64_t day;     ///< Boost day number (Julian Day Number)
  int holiday;          ///< index into kProvisionalHolidayNames
  bool substitute;      ///< a make-up day (补假) for a statutory day on a weekend
};

struct HolidayName {
  std::string_view en, zh;
};

/// The seven statutory holidays, in calendar order; the names match data/cn-holidays.csv.
inline constexpr HolidayName kProvisionalHolidayNames[7] = {
    {"New Year's Day", "元旦"},     {"Spring Festival", "春节"},      {"Tomb-sweeping Day", "清明"},
    {"Labour Day", "劳动节"},        {"Dragon Boat Festival", "端午"}, {"Mid-autumn Festival", "中秋"},
    {"National Day", "国庆节"},
};

/// The days off of `year` under rule `version` (1 = Decree No. 798), sorted by day.
/// Memoized per (version, year) for the life of the process; thread-safe.
/// INVALID_ARGUMENT for an unknown version; INTERNAL when ICU or ERFA fails.
absl::StatusOr<std::vector<ProvisionalDay>> provisional_days(int version, int year);

/// Only the statutory days (no make-up days) of `year`, sorted: what the law names.
absl::StatusOr<std::vector<ProvisionalDay>> statutory_days(int version, int year);

/// The Boost day number of the Lunar New Year (正月初一) falling in Gregorian `year`, and
/// of lunar month `month` (1–12, never the leap month) day `day` of that lunar year, as
/// China reckons them (UTC+8). From ICU.
absl::StatusOr<std::int64_t> lunar_to_day(int year, int month, int day);

/// The Boost day number (China Standard Time) of the 清明 solar term in `year`. From ERFA.
std::int64_t qingming_day(int year);

}  // namespace jiceng::calendar_internal
