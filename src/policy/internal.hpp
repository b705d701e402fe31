// Internal to the policy area: the parameter schemas of the known rules, the resolved
// rule representation, exact decimal/fraction arithmetic, and the evaluators.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/strings.hpp"
#include "jiceng/calendar.hpp"
#include "jiceng/policy.hpp"

namespace jiceng::policy_internal {

namespace json = boost::json;

// The shared string helpers (Debian's Abseil has its own string_view type).
using internal::av;
using internal::cat;
using internal::sv;
/// Joins the items of a range of strings or string views.
template <typename Range>
std::string join(const Range& items, std::string_view sep) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out.append(sep);
    first = false;
    out.append(std::string_view(item));
  }
  return out;
}

// ---- parameter schemas --------------------------------------------------------------

enum class Kind { kInt, kNumber, kBool, kString, kEnum, kDuration, kTimeOfDay, kFraction, kObject, kMap, kArray };

struct Field;

/// A parameter schema: the type of one JSON value and its range.
struct Schema {
  Kind kind = Kind::kString;
  std::int64_t min_int = 0, max_int = 0;
  double min_num = 0, max_num = 0;
  std::vector<std::string> choices;               // kEnum
  std::vector<Field> fields;                      // kObject (closed: no other keys)
  std::shared_ptr<const Schema> element;          // kMap value, kArray element
  std::vector<std::string> required_keys;         // kMap
  bool other_values_partial = false;              // kMap: values other than required keys may be partial
  std::size_t min_items = 0;                      // kArray
  /// Extra check over the whole (complete) value, e.g. "min ≤ max"; returns the message.
  std::function<absl::Status(const json::value&, const std::string& path)> check;
};

struct Field {
  std::string name;
  Schema schema;
  bool required = true;
};

/// The schema of a known rule's params; nullptr when the rule id is unknown.
const Schema* rule_schema(std::string_view rule_id);
/// Known rule ids, in catalogue order.
const std::vector<std::string>& known_rules();
/// The checks (Finding::check) a rule reports; empty for an unknown rule or kpi.weights.
const std::vector<std::string>& rule_checks(std::string_view rule_id);

/// A rule kept only so that old policy files still load (被取代的规则).
struct Superseded {
  std::string_view by;          // the rule that replaces it
  std::string_view why;         // one line, shown in its findings
  std::string_view definition;  // the rule as the built-in sets last gave it (JSON); an override starts from it
};
/// nullptr when `rule_id` is not superseded.
const Superseded* superseded(std::string_view rule_id);

/// Validates `v` against `s`. `partial` = an override: required members may be absent.
/// Errors are INVALID_ARGUMENT "field <path>: ...".
absl::Status validate(const json::value& v, const Schema& s, const std::string& path, bool partial);

/// Describes a JSON value briefly for error messages: `"abc"`, `12.5`, `an object`.
std::string describe(const json::value& v);

/// Merges `over` into `base`: objects merged by key recursively, a null in `over`
/// removes the key, anything else replaces.
void merge_into(json::object& base, const json::object& over);

// ---- resolved sets ------------------------------------------------------------------

struct Rule {
  std::string id;
  json::object params;
  FindingSeverity severity = FindingSeverity::kError;
  std::string message_zh, message_en, source;
  std::string defined_in;  // the set that introduced it
  std::string origin;      // the most derived set whose text gives it (introduces or overrides)
};

}  // namespace jiceng::policy_internal

namespace jiceng {
struct PolicySet::Impl {
  std::string name, description;
  std::vector<std::string> chain;  // most derived first
  std::vector<policy_internal::Rule> rules;
  absl::flat_hash_map<std::string, std::size_t> index;
  std::optional<DeadlinePolicy> deadlines;  // parsed params of petition.deadlines, when present
  std::vector<std::string> warnings;        // lint warnings of this set and what it extends
};
}  // namespace jiceng

namespace jiceng::policy_internal {

// ---- exact arithmetic -----------------------------------------------------------------

/// A threshold fraction num/den with its sense: inclusive = "≥" (以上), else ">" (过半数).
struct Ratio {
  std::int64_t num = 0, den = 1;
  bool inclusive = true;
};

/// part/whole meets the ratio, compared exactly by cross-multiplication in 128 bits.
/// A zero `whole` never meets a ratio.
bool meets(std::int64_t part, std::int64_t whole, const Ratio& r);
/// "≥ 2/3" or "> 1/2".
std::string ratio_text(const Ratio& r);
/// Parses a validated {"fraction": "a/b", "inclusive": bool} object.
Ratio ratio_param(const json::object& o);

/// Parses a non-negative decimal given as a JSON integer or a decimal string
/// ("12000.50") into an integer count of 10^-scale units. Floating-point JSON numbers
/// are refused so that no boundary is decided by rounding. Error text has no prefix.
absl::StatusOr<std::int64_t> parse_decimal(const json::value& v, int scale);
/// Formats a scaled integer back as a decimal with trailing zeros trimmed.
std::string format_decimal(std::int64_t scaled, int scale);
/// part/whole as a percentage, truncated to `decimals` places (display only).
std::string percent_text(std::int64_t part, std::int64_t whole, int decimals);

// ---- evaluation ---------------------------------------------------------------------

/// Evaluates `subject` (a parsed JSON object) against the resolved set.
absl::StatusOr<std::vector<Finding>> evaluate_subject(const PolicySet::Impl& set, const json::object& subject);

/// Built-in set texts, generated at build time from data/policies/*.json.
struct EmbeddedPolicy {
  std::string_view name;
  std::string_view text;
};
const std::vector<EmbeddedPolicy>& embedded_policies();


// ---- deliberation.procedures (deliberation_rules.cpp) -----------------------------------

/// The 民法典 第二百七十八条 item of an owners' matter of `kind` (owners_items), 0 when none.
std::int64_t deliberation_owners_item(const json::object& params, std::string_view kind);
/// The procedure the rule chooses for a matter of `kind` at `scope` (community, compound,
/// village): owners_procedure for an owners' matter, else the first selection entry whose
/// kinds and scopes (empty = any) match; "" when none does.
std::string deliberation_select(const json::object& params, std::string_view kind, std::string_view scope);
/// True for the residents' and villagers' (representatives') meetings.
bool deliberation_residents_body(std::string_view body);
/// True when some meeting step of `procedure` may be held by a body `pred` accepts.
bool deliberation_has_body(const json::object& params, std::string_view procedure, bool (*pred)(std::string_view));

}  // namespace jiceng::policy_internal
