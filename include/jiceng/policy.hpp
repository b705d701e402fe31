// jiceng/policy.hpp — policy sets (政策规则集): the rules of party-led grassroots
// governance as data. A policy set is a JSON document that may `extends` another
// (wuzhong → suzhou-sip → national); each rule has an id, parameters checked against a
// schema compiled into the library, a severity, bilingual messages and a source line.
// Evaluating a subject (a unit, a committee slate, an owners' vote, a petition, ...)
// yields findings (检查结论) carrying the numbers that decided. Policy tests (政策测试)
// are data files run by `run_policy_tests`, `jiceng policy test` and ctest.
// See docs/policy-testing.md for every rule, parameter and subject type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace jiceng {

/// How much a failed rule matters (严重程度 of a finding).
enum class FindingSeverity : std::uint8_t { kError, kWarning, kInfo };

/// "error", "warning" or "info".
std::string_view to_string(FindingSeverity severity);
/// Parses "error" / "warning" / "info"; nullopt for anything else.
std::optional<FindingSeverity> parse_finding_severity(std::string_view text);

/// One rule's verdict on one subject (检查结论). A rule may report several checks
/// (e.g. the participation quorum by area and by owners); each is one finding.
struct Finding {
  std::string rule;            ///< rule id, e.g. "committee.party_ratio"
  FindingSeverity severity;    ///< the rule's severity in the evaluated set
  bool passed;                 ///< true = the subject satisfies the rule (this check)
  std::string subject;         ///< the subject's id
  std::string message_zh;      ///< what the rule requires, in Chinese
  std::string message_en;      ///< what the rule requires, in English
  std::string evidence;        ///< the numbers that decided, human-readable
  std::string evidence_json;   ///< the same numbers as a JSON object text
  std::string check;           ///< which check of the rule, e.g. "quorum_area"
};

/// A resolved policy set: the rules of one set merged over everything it extends.
/// Cheap to copy (shares its immutable state); safe to use from several threads.
class PolicySet {
 public:
  /// Loads one of the sets compiled into the library: "national", "suzhou-sip",
  /// "wuzhong", "changshu". NOT_FOUND for any other name.
  static absl::StatusOr<PolicySet> load_builtin(std::string_view name);
  /// Loads a set from a file. Its `extends` resolves to `<name>.json` in the same folder
  /// when that file exists (and is not the file itself), or else to a built-in set.
  static absl::StatusOr<PolicySet> load_file(const std::string& path);
  /// Loads a set from JSON text; `extends` resolves against the built-in sets.
  /// `source_name` names the text in error messages.
  static absl::StatusOr<PolicySet> from_json(std::string_view text, std::string_view source_name);

  /// The set's own name (the most derived one).
  const std::string& name() const;
  /// The set's description, if any.
  const std::string& description() const;
  /// This set and what it extends, most derived first, e.g. {"wuzhong", "suzhou-sip", "national"}.
  std::vector<std::string> chain() const;
  /// True when the resolved set has a rule with this id.
  bool has_rule(std::string_view rule_id) const;
  /// Rule ids of the resolved set, in evaluation order.
  std::vector<std::string> rule_ids() const;
  /// The rule's parameters after `extends` merging, as a JSON object text.
  /// NOT_FOUND when the set has no such rule.
  absl::StatusOr<std::string> rule_params_json(std::string_view rule_id) const;
  /// The rule's severity after merging. NOT_FOUND when the set has no such rule.
  absl::StatusOr<FindingSeverity> rule_severity(std::string_view rule_id) const;
  /// Runs every rule that applies to the subject's "type". INVALID_ARGUMENT for an
  /// unknown type or a missing, unknown or ill-typed field (the message names it).
  absl::StatusOr<std::vector<Finding>> evaluate(std::string_view subject_json) const;
  /// The fully resolved set as JSON (no `extends`), loadable by from_json; its
  /// "resolved_from" member records the chain it came from. Used for journaling.
  std::string to_json() const;

  /// Rule ids the library knows (each has a parameter schema).
  static std::vector<std::string> known_rule_ids();
  /// For a rule kept only so that old files load, the rule that replaces it (e.g.
  /// "vote.residents_meeting" → "vote.meeting"); "" for a current rule. Such a rule is in
  /// no built-in set; a file that overrides it starts from its last built-in definition.
  static std::string_view superseded_by(std::string_view rule_id);
  /// Names of the built-in sets.
  static std::vector<std::string> builtin_names();

  struct Impl;  ///< internal

 private:
  explicit PolicySet(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

/// Renders findings as JSON: an array of objects with every Finding member.
std::string findings_to_json(const std::vector<Finding>& findings);

// ---------------------------------------------------------------------------------
// Policy tests (政策测试): data files giving a policy, a subject and expectations.

/// One expectation that did not hold (or, for a case that could not run, its error).
struct PolicyMismatch {
  std::string rule;      ///< rule id ("" when the case itself failed to run)
  std::string check;     ///< check name when the expectation named one
  std::string expected;  ///< e.g. "fail", "pass (severity warning)", "error INVALID_ARGUMENT"
  std::string actual;    ///< e.g. "pass", "no finding", "error: ..."
  std::string evidence;  ///< evidence of the findings involved
};

/// The result of one test case.
struct PolicyCaseResult {
  std::string file;    ///< the case file
  std::string name;    ///< the case's name (or "#<index>" when unnamed)
  bool passed = false;
  std::vector<PolicyMismatch> mismatches;  ///< empty when passed
};

/// The results of a test run, in file order then case order.
struct PolicyTestReport {
  std::vector<PolicyCaseResult> cases;
  std::size_t passed() const;
  std::size_t failed() const;
  /// "N passed, N failed".
  std::string summary() const;
};

/// Runs the policy test cases in `paths` (files, or folders searched recursively for
/// *.json, in sorted order). A case file that cannot be read or parsed counts as a
/// failed case naming the problem. NOT_FOUND when a path does not exist;
/// INVALID_ARGUMENT when `paths` is empty or holds no case file.
absl::StatusOr<PolicyTestReport> run_policy_tests(const std::vector<std::string>& paths);

}  // namespace jiceng
