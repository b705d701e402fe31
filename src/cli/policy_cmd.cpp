// `jiceng policy …`: run policy tests (政策测试) like `opa test`, with filters, JSON and
// JUnit output and rule coverage; check a subject against a policy set; lint and show
// sets. Exit codes (exit_codes.hpp): 0 all good; 1 a test failed, coverage fell below
// --threshold, a finding of severity error failed, or lint warned; 2 the input (a test
// file, a set, a subject) could not be loaded.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "cli/exit_codes.hpp"
#include "cli/policy_router.hpp"
#include "cli/registry.hpp"
#include "common/strings.hpp"
#include "jiceng/policy.hpp"

namespace jiceng::cli {
namespace {

namespace json = boost::json;

/// A built-in name, or a file when a file of that name exists (or it looks like a path).
absl::StatusOr<PolicySet> load_policy(const std::string& name_or_file) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(name_or_file, ec) || name_or_file.find('/') != std::string::npos ||
      name_or_file.ends_with(".json")) {
    return PolicySet::load_file(name_or_file);
  }
  return PolicySet::load_builtin(name_or_file);
}

bool read_text(const std::string& path, std::string& out) {
  if (path == "-") {
    out.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

struct TestArgs {
  std::vector<std::string> paths;
  bool verbose = false;
  std::string run, format = "text";
  bool coverage = false;
  double threshold = -1;  // percent; < 0: none
};

int run_test(const TestArgs& a) {
  PolicyTestOptions options;
  options.run = a.run;
  options.route = route_through_engine;
  auto report = run_policy_tests(a.paths, options);
  if (!report.ok()) {
    std::cerr << "jiceng policy test: " << internal::sv(report.status().message()) << "\n";
    return kExitUsage;
  }
  const double percent = report->coverage_percent();
  const bool below = a.threshold >= 0 && percent + 1e-9 < a.threshold;
  if (a.format == "json") {
    std::cout << report->to_json() << "\n";
  } else if (a.format == "junit") {
    std::cout << report->to_junit();
  } else {
    for (const auto& c : report->cases) {
      if (c.passed) {
        if (a.verbose) std::cout << "PASS " << c.file << ": " << c.name << "\n";
        continue;
      }
      std::cout << (c.invalid ? "INVALID " : "FAIL ") << c.file << ": " << c.name << "\n";
      for (const auto& m : c.mismatches) {
        std::cout << "  ";
        if (!m.rule.empty()) std::cout << m.rule << (m.check.empty() ? "" : "[" + m.check + "]") << ": ";
        std::cout << "expected " << m.expected << ", actual " << m.actual << "\n";
        if (!m.evidence.empty()) std::cout << "    evidence: " << m.evidence << "\n";
      }
    }
    if (a.verbose) {
      for (const auto& f : report->skipped_files) std::cout << "SKIP " << f << ": a policy set, not cases\n";
    }
    if (a.coverage || a.threshold >= 0) std::cout << report->coverage_text();
    std::cout << report->summary() << "\n";
  }
  if (below) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f%% < %.1f%%", percent, a.threshold);
    std::cerr << "jiceng policy test: branch coverage " << buf << " (--threshold)\n";
  }
  if (report->invalid() > 0) return kExitUsage;
  return report->failed() == 0 && !below ? kExitOk : kExitProblems;
}

// Prints a set's lint warnings to stderr; returns how many.
std::size_t print_warnings(const char* command, const PolicySet& set) {
  for (const auto& w : set.warnings()) std::cerr << "jiceng policy " << command << ": warning: " << w << "\n";
  return set.warnings().size();
}

int run_lint(const std::string& policy) {
  auto set = load_policy(policy);
  if (!set.ok()) {
    std::cerr << "jiceng policy lint: " << internal::sv(set.status().message()) << "\n";
    return kExitUsage;
  }
  const std::size_t n = print_warnings("lint", *set);
  std::cout << set->name() << ": " << n << " warning" << (n == 1 ? "" : "s") << "\n";
  return n == 0 ? kExitOk : kExitProblems;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

int run_check(const std::string& policy, const std::string& subject_path, bool as_json) {
  auto set = load_policy(policy);
  if (!set.ok()) {
    std::cerr << "jiceng policy check: " << internal::sv(set.status().message()) << "\n";
    return 2;
  }
  print_warnings("check", *set);
  std::string text;
  if (!read_text(subject_path, text)) {
    std::cerr << "jiceng policy check: " << subject_path << ": cannot read\n";
    return 2;
  }
  // A file may hold one subject or an array of subjects.
  std::vector<std::string> subjects;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (!ec && v.is_array()) {
    for (const auto& s : v.get_array()) subjects.push_back(json::serialize(s));
  } else {
    subjects.push_back(text);  // evaluate() reports a parse error with its position
  }
  std::vector<Finding> all;
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    auto f = set->evaluate(subjects[i]);
    if (!f.ok()) {
      std::cerr << "jiceng policy check: " << subject_path
                << (subjects.size() > 1 ? "[" + std::to_string(i) + "]" : std::string()) << ": "
                << internal::sv(f.status().message()) << "\n";
      return 2;
    }
    all.insert(all.end(), f->begin(), f->end());
  }
  bool error_failed = std::any_of(all.begin(), all.end(), [](const Finding& f) {
    return !f.passed && f.severity == FindingSeverity::kError;
  });
  if (as_json) {
    std::cout << findings_to_json(all) << "\n";
  } else {
    std::size_t w_rule = 4, w_check = 5, w_subject = 7;
    for (const auto& f : all) {
      w_rule = std::max(w_rule, f.rule.size());
      w_check = std::max(w_check, f.check.size());
      w_subject = std::max(w_subject, f.subject.size());
    }
    std::cout << pad("RESULT", 7) << pad("SEVERITY", 9) << pad("RULE", w_rule + 2) << pad("CHECK", w_check + 2)
              << pad("SUBJECT", w_subject + 2) << "EVIDENCE\n";
    std::size_t failed = 0;
    for (const auto& f : all) {
      failed += f.passed ? 0 : 1;
      std::cout << pad(f.passed ? "pass" : "FAIL", 7) << pad(std::string(to_string(f.severity)), 9)
                << pad(f.rule, w_rule + 2) << pad(f.check, w_check + 2) << pad(f.subject, w_subject + 2) << f.evidence
                << "\n";
    }
    std::cout << all.size() << " findings, " << failed << " failed (policy " << set->name();
    for (std::size_t i = 1; i < set->chain().size(); ++i) std::cout << " → " << set->chain()[i];
    std::cout << ")\n";
  }
  return error_failed ? 1 : 0;
}

int run_show(const std::string& policy, const std::string& rule) {
  auto set = load_policy(policy);
  if (!set.ok()) {
    std::cerr << "jiceng policy show: " << internal::sv(set.status().message()) << "\n";
    return 2;
  }
  if (rule.empty()) {
    std::cout << set->to_json() << "\n";
    return 0;
  }
  auto params = set->rule_params_json(rule);
  if (!params.ok()) {
    std::cerr << "jiceng policy show: " << internal::sv(params.status().message()) << "\n";
    return 2;
  }
  std::cout << *params << "\n";
  return 0;
}

struct PolicyArgs {
  TestArgs test;
  std::string policy = "wuzhong";
  std::string subject;
  bool json = false;
  std::string rule;
};

void add_policy(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<PolicyArgs>();
  CLI::App* policy = app.add_subcommand("policy", "Policy sets (政策规则): test, check, lint, show");
  policy->require_subcommand(1);

  CLI::App* test = policy->add_subcommand(
      "test", "Run policy test cases (files or folders of *.json; policy sets in folders are skipped); prints "
              "failures and 'N passed, N failed'");
  test->add_option("paths", args->test.paths, "case files or folders")->required();
  test->add_flag("-v,--verbose", args->test.verbose, "list passing cases and skipped files too");
  test->add_option("--run", args->test.run, "only cases whose 'FILE: NAME' matches this regular expression");
  test->add_option("--format", args->test.format, "text | json | junit (JUnit XML for CI)")
      ->check(CLI::IsMember({"text", "json", "junit"}))
      ->capture_default_str();
  test->add_flag("--coverage", args->test.coverage,
                 "print rule and branch coverage per policy set (each check's pass and fail side)");
  test->add_option("--threshold", args->test.threshold, "exit 1 when branch coverage is below P percent")
      ->check(CLI::Range(0.0, 100.0));
  test->callback([args, &exit_code] { exit_code = run_test(args->test); });

  CLI::App* lint = policy->add_subcommand(
      "lint", "Load a set and print its warnings (e.g. a deadline changed for normal petitions only); exit 1 on any");
  lint->add_option("policy", args->policy, "built-in set name or policy file")->required();
  lint->callback([args, &exit_code] { exit_code = run_lint(args->policy); });

  CLI::App* check = policy->add_subcommand("check", "Evaluate a subject (JSON file, '-' for stdin) against a policy set");
  check->add_option("--policy", args->policy, "built-in set name or policy file")->capture_default_str();
  check->add_option("subject", args->subject, "subject JSON (one object or an array)")->required();
  check->add_flag("--json", args->json, "print findings as JSON");
  check->callback([args, &exit_code] { exit_code = run_check(args->policy, args->subject, args->json); });

  CLI::App* show = policy->add_subcommand("show", "Print a resolved policy set, or one rule's merged params");
  show->add_option("policy", args->policy, "built-in set name or policy file")->required();
  show->add_option("--rule", args->rule, "rule id");
  show->callback([args, &exit_code] { exit_code = run_show(args->policy, args->rule); });

  CLI::App* list = policy->add_subcommand("list", "List built-in sets and known rule ids");
  list->callback([&exit_code] {
    std::cout << "built-in sets:";
    for (const auto& n : PolicySet::builtin_names()) std::cout << " " << n;
    std::cout << "\nrules:";
    for (const auto& r : PolicySet::known_rule_ids()) {
      std::cout << " " << r;
      // Kept only so old files load: say what replaces it.
      if (auto by = PolicySet::superseded_by(r); !by.empty()) std::cout << " (superseded by " << by << ")";
    }
    std::cout << "\n";
    exit_code = 0;
  });
}

JICENG_CLI_COMMAND("policy", add_policy);

}  // namespace
}  // namespace jiceng::cli
