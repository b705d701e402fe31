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
#include <functional>
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
  /// The most derived set of the chain whose text gives this rule (introduces or
  /// overrides it): the set whose parameters the rule's findings test. Policy-test
  /// coverage counts each rule under this set. NOT_FOUND when the set has no such rule.
  absl::StatusOr<std::string> rule_origin(std::string_view rule_id) const;
  /// Lint warnings found while loading the set and what it extends (检查提示): legal but
  /// probably unintended, e.g. a `petition.deadlines` override that changes a limit for
  /// normal petitions of a category but leaves the urgent variant as it was. Each names
  /// the file, the rule and the field.
  const std::vector<std::string>& warnings() const;
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
  /// The checks a rule reports (Finding::check), each with a pass and a fail side: the
  /// branches policy-test coverage counts. Empty for an unknown rule or one that reports
  /// no findings (kpi.weights).
  static std::vector<std::string> rule_checks(std::string_view rule_id);
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
  /// The case (or its whole file) is malformed and could not run: a bad test file, not a
  /// failed expectation. `jiceng policy test` exits 2 when any case is invalid.
  bool invalid = false;
  double seconds = 0;  ///< time taken to run it
  std::vector<PolicyMismatch> mismatches;  ///< empty when passed
};

/// One branch of one rule for coverage: a check's pass side or its fail side.
struct PolicyBranch {
  std::string rule, check;
  bool pass_side = true;  ///< true: the check passed in some case; false: it failed
  bool covered = false;
};

/// Coverage of one policy set: the branches of the rules that set gives (introduces or
/// overrides), and which of them the cases exercised.
struct PolicySetCoverage {
  std::string set;
  std::vector<PolicyBranch> branches;  ///< by rule, check, then pass before fail
  std::size_t covered() const;
  std::size_t rules() const;          ///< distinct rules among the branches
  std::size_t rules_covered() const;  ///< rules with at least one covered branch
};

/// The results of a test run, in file order then case order.
struct PolicyTestReport {
  std::vector<PolicyCaseResult> cases;
  /// Files under a folder that are policy sets, not cases (they have `rules`), skipped.
  std::vector<std::string> skipped_files;
  /// Per policy set the cases ran under (their chains included), sorted by name.
  std::vector<PolicySetCoverage> coverage;
  std::size_t passed() const;
  std::size_t failed() const;   ///< cases that did not pass, invalid ones included
  std::size_t invalid() const;  ///< cases that could not run
  /// Covered branches over all branches of `coverage`, in percent (100 when there are none).
  double coverage_percent() const;
  /// "N passed, N failed" (", N invalid" when there are).
  std::string summary() const;
  /// The report as JSON: {"passed", "failed", "invalid", "cases": [{file, name, passed,
  /// invalid, seconds, mismatches: [{rule, check, expected, actual, evidence}]}],
  /// "skipped_files", "coverage": {"percent", "sets": [{set, covered, total, percent,
  /// rules, rules_covered, missing: ["rule[check] pass|fail"]}]}}.
  std::string to_json() const;
  /// The report as JUnit XML (one `testsuite` element per case file), as CI systems read it.
  std::string to_junit() const;
  /// The coverage as text: one line per set, then each branch not covered.
  std::string coverage_text() const;
};

/// What a routing or ladder case (政策测试·分派与督办阶梯) asks of the petition engine: a
/// petition of `category` (urgent or not) submitted at `location` (a household or unit
/// id) at `now` (UTC seconds), accepted and dispatched by the set's routing, in the org
/// graph `org_json` (OrgGraph::load_json format; empty: the bundled sample district);
/// when `observe_at` is set, the clock then runs up to that time — at each wake-up the
/// engine files, then at that time — so every rung of the escalation ladder due by then
/// fires as a live clock would fire it.
struct PolicyRouteQuery {
  std::string_view org_json, category, location;
  bool urgent = false;
  std::int64_t now = 0;
  std::optional<std::int64_t> observe_at;
};

/// What the engine did with the petition of a PolicyRouteQuery.
struct PolicyRouteResult {
  std::string unit;        ///< the unit it was dispatched to
  std::string party;       ///< 四方协同: who answers for it in its compound ("none", "owners_committee", …)
  std::string party_unit;  ///< the unit standing for that party ("" when none)
  // After the clock ran at observe_at (all 0 / "" without it):
  int ladder_level = 0;       ///< PetitionView::ladder_level
  std::string current_unit;   ///< the unit holding the petition then
  int urges = 0, escalations = 0;
  std::string last_automatic;  ///< the reason of the clock's last urge or escalation ("" when none)
};

/// Runs one PolicyRouteQuery through a petition engine under `set`.
using PolicyRouter =
    std::function<absl::StatusOr<PolicyRouteResult>(const PolicySet& set, const PolicyRouteQuery& query)>;

/// What to run.
struct PolicyTestOptions {
  /// An ECMAScript regular expression; only cases whose "<file>: <name>" it matches
  /// (anywhere, like `go test -run`) run. Empty: every case.
  std::string run;
  /// Runs routing and ladder cases (`expect_routing`, `expect_ladder`) through the petition
  /// engine. The policy library sits below the engine, so a host that links it supplies
  /// this (the `jiceng` command does); without it such a case is invalid, saying so.
  PolicyRouter route;
};

/// Runs the policy test cases in `paths` (files, or folders searched recursively for
/// *.json, in sorted order; in folders, policy-set files — objects with `rules` — are
/// skipped). A case file that cannot be read or parsed, or a malformed case, counts as an
/// invalid case naming the problem. NOT_FOUND when a path does not exist;
/// INVALID_ARGUMENT when `paths` is empty, holds no case file, or `run` is not a valid
/// regular expression.
absl::StatusOr<PolicyTestReport> run_policy_tests(const std::vector<std::string>& paths,
                                                  const PolicyTestOptions& options = {});

}  // namespace jiceng
