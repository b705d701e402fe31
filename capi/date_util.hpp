// capi/date_util.hpp — jc_date <-> jiceng::Date (Boost.Gregorian) for the translation
// units that include calendar.hpp (never together with org.hpp; see internal.hpp).
#pragma once

#include "capi/internal.hpp"
#include "jiceng/calendar.hpp"

namespace jc {
/// Checks and converts a jc_date; INVALID_ARGUMENT "fn: date Y-M-D is not a real day".
jc_status to_boost_date(jiceng::Date* out, jc_date d, const char* fn);
/// Converts a real Boost date.
jc_date from_boost_date(jiceng::Date d);
}  // namespace jc
