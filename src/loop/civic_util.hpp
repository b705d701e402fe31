// Internal: helpers shared by the hosted loops (deliberation, commitments, assessment,
// mediation, projects, the service fund) — payload field readers whose errors name the loop,
// event, item and field, China-time days and periods, the policy rule a loop reads, and
// exact percentages in integers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json.hpp"
#include "common/strings.hpp"
#include "jiceng/policy.hpp"
#include "loop/table_loop.hpp"
#include "loop/values.hpp"

namespace jiceng::civic {

inline std::string_view sv(boost::json::string_view s) { return std::string_view(s.data(), s.size()); }
inline boost::json::string_view jv(std::string_view s) { return boost::json::string_view(s.data(), s.size()); }

/// "commitments draft" or "commitments approve C00000003": where an error happened.
inline std::string where(const LoopCall& c) {
  return c.item ? internal::cat(c.table.loop, " ", c.row.event, " ", display_item_id(c.table, c.item->id))
                : internal::cat(c.table.loop, " ", c.row.event);
}

/// INVALID_ARGUMENT "<where>: field "<field>" <what>".
inline absl::Status bad_field(const LoopCall& c, std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(internal::cat(where(c), ": field \"", field, "\" ", what));
}

/// A string field of at most `max_bytes`: the text, or "" when it is absent and not
/// required; INVALID_ARGUMENT when required and absent, or not a non-empty string.
inline absl::StatusOr<std::string_view> text_field(const LoopCall& c, std::string_view field, std::size_t max_bytes,
                                                   bool required) {
  const auto* v = c.input.if_contains(jv(field));
  if (v == nullptr) {
    if (!required) return std::string_view();
    return bad_field(c, field, internal::cat("(a non-empty string of at most ", max_bytes, " bytes) is required"));
  }
  if (!v->is_string() || v->as_string().empty() || v->as_string().size() > max_bytes) {
    return bad_field(c, field, internal::cat("must be a non-empty string of at most ", max_bytes, " bytes"));
  }
  return sv(v->as_string());
}

/// An optional string field: nullopt when absent; INVALID_ARGUMENT when not a non-empty
/// string of at most `max_bytes`.
inline absl::StatusOr<std::optional<std::string_view>> optional_string(const LoopCall& c, std::string_view field,
                                                                       std::size_t max_bytes = 4096) {
  const auto* v = c.input.if_contains(jv(field));
  if (v == nullptr) return std::optional<std::string_view>();
  if (!v->is_string() || v->as_string().empty() || v->as_string().size() > max_bytes) {
    return absl::InvalidArgumentError(internal::cat(where(c), ": field \"", field,
                                                    "\" must be a non-empty string of at most ", max_bytes, " bytes"));
  }
  return std::optional<std::string_view>(sv(v->as_string()));
}

/// A required integer within [lo, hi].
inline absl::StatusOr<std::int64_t> int_in(const LoopCall& c, std::string_view field, std::int64_t lo, std::int64_t hi) {
  const auto* v = c.input.if_contains(jv(field));
  if (v == nullptr || !v->is_int64() || v->as_int64() < lo || v->as_int64() > hi) {
    return absl::InvalidArgumentError(
        internal::cat(where(c), ": field \"", field, "\" must be an integer from ", lo, " to ", hi));
  }
  return v->as_int64();
}

/// Refuses any payload field not in `allowed` (a misspelt field is an error, not silently dropped).
inline absl::Status only_fields(const LoopCall& c, std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : c.input) {
    bool ok = false;
    for (auto a : allowed) ok = ok || sv(kv.key()) == a;
    if (!ok) {
      std::string list;
      for (auto a : allowed) list += list.empty() ? std::string(a) : internal::cat(", ", a);
      return absl::InvalidArgumentError(internal::cat(where(c), ": unknown field \"", sv(kv.key()),
                                                      "\" (fields: ", list.empty() ? "none" : list, ")"));
    }
  }
  return absl::OkStatus();
}

/// A string member of an item's data, "" when absent or not a string.
inline std::string_view str_at(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(jv(key));
  return v && v->is_string() ? sv(v->as_string()) : std::string_view();
}
/// An integer member of an item's data, `dflt` when absent or not an integer.
inline std::int64_t int_at(const boost::json::object& o, std::string_view key, std::int64_t dflt = 0) {
  const auto* v = o.if_contains(jv(key));
  return v && v->is_int64() ? v->as_int64() : dflt;
}

/// Days since 1970-01-01 of a "YYYY-MM-DD" calendar day; nullopt when malformed.
std::optional<std::int64_t> parse_day(std::string_view s);
/// The first second of a day (days since epoch) in China time (UTC+8).
inline std::int64_t day_start(std::int64_t days) { return days * 86400 - 8 * 3600; }
// The China-time day of an instant, a day's "YYYY-MM-DD" and its year: one implementation
// (loop/values.hpp) for every loop.
using loopval::day_of;
using loopval::format_day;
using loopval::year_of_day;

/// A period label of the given kind: "2026" (year), "2026H2" (half_year), "2026Q3"
/// (quarter), "2026-07" (month). Its first second and the first second after it, China time.
struct Period {
  std::string label;
  std::int64_t start = 0, end = 0;
};
/// Parses a label of `kind` ("year", "half_year", "quarter", "month"). nullopt when it
/// is not a label of that kind.
std::optional<Period> parse_period(std::string_view kind, std::string_view label);
/// The label of the period of `kind` holding time t.
std::string period_of(std::string_view kind, std::int64_t t);

/// The parameters of a policy rule of the engine's set: FAILED_PRECONDITION naming the rule
/// when the set has none.
absl::StatusOr<boost::json::object> rule_params(const PolicySet& policy, std::string_view rule, std::string_view who);
/// The same for the policy of a loop call, the error naming where(c); `hint` says which
/// sets give the rule ("" for the default hint).
absl::StatusOr<boost::json::object> rule_params(const LoopCall& c, std::string_view rule, std::string_view hint = "");

/// A petition a payload names in `field`, as the host holds it (LoopHost::query_loop
/// "petition" "get"), named by its display id as the engine writes it ("P00000042"):
/// the host's answer (id, state, category, ...). NOT_FOUND for one the engine does not hold.
absl::StatusOr<boost::json::object> named_petition(const LoopCall& c, std::string_view field,
                                                   std::string_view petition);
/// A petition a referral names in `field` (转办: a case or matter takes it up), checked
/// through the host: named_petition, in progress, and not held by another referral
/// (FAILED_PRECONDITION).
absl::StatusOr<boost::json::object> referable_petition(const LoopCall& c, std::string_view field,
                                                       std::string_view petition);

/// num/den as a percentage with two decimals, rounded half up, exact in integers:
/// 2/3 → "66.67". den 0 → "" (no figure).
std::string percent(std::int64_t num, std::int64_t den);

}  // namespace jiceng::civic
