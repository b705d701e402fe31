// capi/date_util.hpp — jc_date / jc_day <-> jiceng::Date (Boost.Gregorian) for the
// translation units that include calendar.hpp (never together with org.hpp; see
// internal.hpp). Integer arithmetic only: Boost's date stores the Julian day number, so a
// jc_day converts with one add and a jc_date with the civil-days formulas.
#pragma once

#include "capi/internal.hpp"
#include "jiceng/calendar.hpp"

namespace jc {

/// Julian day number of 1970-01-01 (Boost's date::day_number() of jc_day 0).
inline constexpr std::int32_t kJulianEpoch = 2440588;

/// A day number in kMinDay..kMaxDay as a Boost date (no check).
inline jiceng::Date boost_of(std::int32_t day) noexcept {
  return jiceng::Date(static_cast<jiceng::Date::date_int_type>(day + kJulianEpoch));
}
/// The day number of a real Boost date.
inline std::int32_t day_of(jiceng::Date d) noexcept { return static_cast<std::int32_t>(d.day_number()) - kJulianEpoch; }

/// Checks and converts a jc_date; INVALID_ARGUMENT "fn: date Y-M-D is not a real day".
jc_status to_boost_date(jiceng::Date* out, jc_date d, const char* fn);
/// Converts a real Boost date.
inline jc_date from_boost_date(jiceng::Date d) noexcept { return civil_from_days(day_of(d)); }

}  // namespace jc
