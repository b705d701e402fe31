// Internal: the values the projects and service-fund loops read from payloads, shared by
// both (they are one module, the 项目 / 经费 pair): money as integer fen from a decimal
// string, dates, and periods counted as the Civil Code counts them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json.hpp"
#include "jiceng/types.hpp"

namespace jiceng {
class WorkCalendar;
}

namespace jiceng::loopval {

/// The largest amount of money a payload may carry: 100 billion yuan, in fen.
inline constexpr std::int64_t kMaxFen = 10'000'000'000'000;

/// Money from a JSON value: a decimal string of yuan with at most two decimals ("50000",
/// "50000.5", "50000.00"), no sign, no exponent; never a JSON number (a binary float has
/// no exact value, and an integer would leave yuan or fen unsaid). Returns fen.
/// INVALID_ARGUMENT naming `where` and what is wrong.
absl::StatusOr<std::int64_t> parse_money(const boost::json::value& v, std::string_view where);
/// Fen as the decimal string of yuan with two decimals ("50000.00", "-0.05").
std::string format_fen(std::int64_t fen);

/// A civil date "YYYY-MM-DD" from a JSON value, as days since 1970-01-01 (the day number
/// used in item data). INVALID_ARGUMENT naming `where`.
absl::StatusOr<std::int64_t> parse_day(const boost::json::value& v, std::string_view where);
/// "YYYY-MM-DD" of a day number.
std::string format_day(std::int64_t day);
/// The China-time (UTC+8) day number of an instant.
std::int64_t day_of(Timestamp t);
/// The year of a day number.
int year_of_day(std::int64_t day);
/// The instant 24:00 of `day` ends, China time (the next day's 00:00).
Timestamp end_of_day(std::int64_t day);

/// When a period of `days` days that starts on `start` ends, as the Civil Code counts it
/// (民法典 第二百零一条: the day it starts is not counted, counting begins the next day;
/// 第二百零三条: a last day that is a statutory rest day moves to the day after the rest
/// ends, and the period ends at 24:00 of its last day). Rest days are the calendar's: a
/// day that is not a working day (weekends, public holidays; a make-up working day counts
/// as a working day). Delegates to the calendar's civil_code_period_last_day; its errors
/// (an uncovered year) pass through.
absl::StatusOr<Timestamp> civil_period_end(const WorkCalendar& cal, std::int64_t start, int days);

}  // namespace jiceng::loopval
