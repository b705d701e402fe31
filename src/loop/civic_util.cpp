// Helpers shared by the hosted loops (see civic_util.hpp).
#include "loop/civic_util.hpp"

#include <chrono>
#include <cstdio>

namespace jiceng::civic {
namespace {

bool digits(std::string_view s, int& out) {
  if (s.empty()) return false;
  out = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return false;
    out = out * 10 + (ch - '0');
  }
  return true;
}

std::int64_t days_from(int y, int m, int d) {
  return std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(static_cast<unsigned>(m)) /
                               std::chrono::day(static_cast<unsigned>(d)))
      .time_since_epoch()
      .count();
}

}  // namespace

std::optional<std::int64_t> parse_day(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(s.substr(0, 4), y) || !digits(s.substr(5, 2), m) ||
      !digits(s.substr(8, 2), d)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || y < 1970) return std::nullopt;
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

std::optional<Period> parse_period(std::string_view kind, std::string_view label) {
  int y = 0, n = 0;
  if (label.size() < 4 || !digits(label.substr(0, 4), y) || y < 1970 || y > 2200) return std::nullopt;
  int first = 1, months = 12;
  if (kind == "year") {
    if (label.size() != 4) return std::nullopt;
  } else if (kind == "half_year") {
    if (label.size() != 6 || label[4] != 'H' || !digits(label.substr(5), n) || n < 1 || n > 2) return std::nullopt;
    first = (n - 1) * 6 + 1;
    months = 6;
  } else if (kind == "quarter") {
    if (label.size() != 6 || label[4] != 'Q' || !digits(label.substr(5), n) || n < 1 || n > 4) return std::nullopt;
    first = (n - 1) * 3 + 1;
    months = 3;
  } else if (kind == "month") {
    if (label.size() != 7 || label[4] != '-' || !digits(label.substr(5), n) || n < 1 || n > 12) return std::nullopt;
    first = n;
    months = 1;
  } else {
    return std::nullopt;
  }
  const int last = first + months;  // the month after the period, 13 = January of y+1
  Period p;
  p.label = std::string(label);
  p.start = day_start(days_from(y, first, 1));
  p.end = day_start(last > 12 ? days_from(y + 1, last - 12, 1) : days_from(y, last, 1));
  return p;
}

std::string period_of(std::string_view kind, std::int64_t t) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(day_of(t)))};
  const int y = static_cast<int>(ymd.year());
  const unsigned m = static_cast<unsigned>(ymd.month());
  char buf[48];
  if (kind == "half_year") {
    std::snprintf(buf, sizeof buf, "%04dH%u", y, (m - 1) / 6 + 1);
  } else if (kind == "quarter") {
    std::snprintf(buf, sizeof buf, "%04dQ%u", y, (m - 1) / 3 + 1);
  } else if (kind == "month") {
    std::snprintf(buf, sizeof buf, "%04d-%02u", y, m);
  } else {
    std::snprintf(buf, sizeof buf, "%04d", y);
  }
  return buf;
}

namespace {
absl::StatusOr<boost::json::object> params_of(const PolicySet& policy, std::string_view rule, std::string_view who,
                                              std::string_view hint) {
  auto text = policy.rule_params_json(rule);
  if (!text.ok()) {
    return absl::FailedPreconditionError(
        internal::cat(who, ": the policy set ", policy.name(), " has no rule ", rule, " (", hint, ")"));
  }
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(*text, ec);
  if (ec || !v.is_object()) return absl::InternalError(internal::cat(who, ": rule ", rule, " has unreadable params"));
  return std::move(v.as_object());
}
constexpr std::string_view kDefaultHint = "use a set that gives it, e.g. suzhou-sip or wuzhong";
}  // namespace

absl::StatusOr<boost::json::object> rule_params(const PolicySet& policy, std::string_view rule, std::string_view who) {
  return params_of(policy, rule, who, kDefaultHint);
}

absl::StatusOr<boost::json::object> rule_params(const LoopCall& c, std::string_view rule, std::string_view hint) {
  return params_of(c.host.policy(), rule, where(c), hint.empty() ? kDefaultHint : hint);
}

absl::StatusOr<boost::json::object> named_petition(const LoopCall& c, std::string_view field,
                                                   std::string_view petition) {
  namespace json = boost::json;
  json::object q;
  q["id"] = jv(petition);
  auto got = c.host.query_loop("petition", "get", json::serialize(q));
  if (!got.ok()) {
    return absl::Status(got.status().code(),
                        internal::cat(where(c), ": field \"", field, "\": ", got.status().message()));
  }
  json::object p = json::parse(*got).as_object();
  if (str_at(p, "id") != petition) {
    return bad_field(c, field, internal::cat("must be the petition's id as the engine writes it, ", str_at(p, "id")));
  }
  return p;
}

absl::StatusOr<boost::json::object> referable_petition(const LoopCall& c, std::string_view field,
                                                       std::string_view petition) {
  namespace json = boost::json;
  JICENG_ASSIGN_OR_RETURN(json::object p, named_petition(c, field, petition));
  if (str_at(p, "state") != "in_progress") {
    return absl::FailedPreconditionError(internal::cat(where(c), ": petition ", petition, " is ", str_at(p, "state"),
                                                       "; a petition is referred while it is being handled (in_progress)"));
  }
  if (const json::value* held = p.if_contains("evaluation_held"); held != nullptr && held->is_bool() && held->as_bool()) {
    return absl::FailedPreconditionError(internal::cat(where(c), ": petition ", petition,
                                                       " is referred already: a case or matter it was referred to has "
                                                       "not concluded"));
  }
  return p;
}

std::string percent(std::int64_t num, std::int64_t den) {
  // Counts here are far below 2^62 / 20000; larger ones have no figure rather than a wrong one.
  if (den <= 0 || num < 0 || num > (std::int64_t{1} << 40) || den > (std::int64_t{1} << 40)) return "";
  // Hundredths of a percent, rounded half up: (num * 10000 * 2 + den) / (2 * den).
  const std::int64_t hundredths = (num * 20000 + den) / (2 * den);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(hundredths / 100),
                static_cast<long long>(hundredths % 100));
  return buf;
}

}  // namespace jiceng::civic
