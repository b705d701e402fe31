// Money, dates and Civil Code periods for the projects and service-fund loops.
#include "loop/values.hpp"

#include <algorithm>

#include "common/strings.hpp"
#include "jiceng/calendar.hpp"

namespace jiceng::loopval {
namespace {
const Date kEpoch(1970, 1, 1);
std::string_view sv(boost::json::string_view s) { return {s.data(), s.size()}; }
}  // namespace

absl::StatusOr<std::int64_t> parse_money(const boost::json::value& v, std::string_view where) {
  if (!v.is_string()) {
    return absl::InvalidArgumentError(internal::cat(
        where, ": give the amount as a decimal string of yuan such as \"50000.00\" (got ",
        v.is_number() ? "a JSON number" : "no string", ": a number leaves yuan or fen unsaid)"));
  }
  const std::string_view t = sv(v.as_string());
  if (!t.empty() && t[0] == '-') {
    return absl::InvalidArgumentError(internal::cat(where, ": amount \"", t, "\" is negative"));
  }
  const auto dot = t.find('.');
  const std::string_view whole = t.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view() : t.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || (dot != std::string_view::npos && !digits(frac))) {
    return absl::InvalidArgumentError(
        internal::cat(where, ": amount \"", t, "\" is not a decimal of yuan (digits, optionally a point and 1-2 digits)"));
  }
  if (frac.size() > 2) {
    return absl::InvalidArgumentError(
        internal::cat(where, ": amount \"", t, "\" has fractions of a fen (at most two decimals)"));
  }
  // Leading zeros add nothing ("050000.00" is 50000 yuan); only the digits after them count.
  const std::size_t lead = std::min(whole.find_first_not_of('0'), whole.size() - 1);
  if (whole.size() - lead > 12) {
    return absl::InvalidArgumentError(internal::cat(where, ": amount \"", t, "\" exceeds ", format_fen(kMaxFen)));
  }
  std::int64_t fen = 0;
  for (char c : whole.substr(lead)) fen = fen * 10 + (c - '0');
  fen *= 100;
  std::int64_t f = 0;
  for (char c : frac) f = f * 10 + (c - '0');
  if (frac.size() == 1) f *= 10;
  fen += f;
  if (fen > kMaxFen) {
    return absl::InvalidArgumentError(internal::cat(where, ": amount \"", t, "\" exceeds ", format_fen(kMaxFen)));
  }
  return fen;
}

std::string format_fen(std::int64_t fen) {
  const bool neg = fen < 0;
  const std::uint64_t a = neg ? 0 - static_cast<std::uint64_t>(fen) : static_cast<std::uint64_t>(fen);
  const std::uint64_t cents = a % 100;
  return internal::cat(neg ? "-" : "", a / 100, ".", cents < 10 ? "0" : "", cents);
}

absl::StatusOr<std::int64_t> parse_day(const boost::json::value& v, std::string_view where) {
  if (!v.is_string()) return absl::InvalidArgumentError(internal::cat(where, ": a date \"YYYY-MM-DD\" is required"));
  auto d = parse_date(sv(v.as_string()));
  if (!d.ok()) return absl::InvalidArgumentError(internal::cat(where, ": ", d.status().message()));
  if (d->year() < 1970 || d->year() > 2200) {
    return absl::InvalidArgumentError(internal::cat(where, ": date ", sv(v.as_string()), " is outside 1970-2200"));
  }
  return (*d - kEpoch).days();
}

std::string format_day(std::int64_t day) { return format_date(kEpoch + boost::gregorian::days(day)); }

std::int64_t day_of(Timestamp t) {
  // China Standard Time is UTC+8 all year.
  const std::int64_t s = t + 8 * 3600;
  return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

int year_of_day(std::int64_t day) { return (kEpoch + boost::gregorian::days(day)).year(); }

Timestamp end_of_day(std::int64_t day) { return (day + 1) * 86400 - 8 * 3600; }

absl::StatusOr<Timestamp> civil_period_end(const WorkCalendar& cal, std::int64_t start, int days) {
  // The calendar's counting (civil_code_period_last_day), shared with every loop that posts.
  JICENG_ASSIGN_OR_RETURN(Date last, civil_code_period_last_day(cal, kEpoch + boost::gregorian::days(start), days));
  return end_of_day((last - kEpoch).days());
}

}  // namespace jiceng::loopval
