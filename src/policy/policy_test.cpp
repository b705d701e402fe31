// Policy tests as data (政策测试): each case names a policy set, gives a subject and
// expects outcomes per rule (and check), or an error. Run over files and folders like
// `opa test`; every case reports what was expected and what happened.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/internal.hpp"

namespace jiceng {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
namespace pi = policy_internal;

struct Expectation {
  std::string rule, check, outcome;  // outcome: pass | fail | absent
  std::optional<FindingSeverity> severity;
};
struct ExpectedError {
  std::optional<absl::StatusCode> code;
  std::string contains;
};

std::optional<absl::StatusCode> parse_code(std::string_view s) {
  for (int c = 0; c <= 16; ++c) {
    auto code = static_cast<absl::StatusCode>(c);
    if (absl::StatusCodeToString(code) == s) return code;
  }
  return std::nullopt;
}

std::string evidence_of(const std::vector<const Finding*>& fs) {
  std::vector<std::string> parts;
  for (const auto* f : fs) {
    parts.push_back(pi::cat(f->check.empty() ? "" : pi::cat("[", f->check, "] "), f->passed ? "pass: " : "fail: ",
                                 f->evidence));
  }
  return pi::join(parts, "; ");
}

class Runner {
 public:
  PolicyTestReport report;

  void run_file(const fs::path& file) {
    const std::string display = file.string();
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in) return broken(display, "(file)", pi::cat(display, ": cannot read"));
    boost::system::error_code ec;
    json::value root = json::parse(ss.str(), ec);
    if (ec) return broken(display, "(file)", pi::cat(display, ": not valid JSON: ", ec.message()));
    std::vector<const json::object*> cases;
    const json::value* default_policy = nullptr;
    if (root.is_array()) {
      for (const auto& c : root.get_array()) {
        if (!c.is_object()) return broken(display, "(file)", pi::cat(display, ": every case must be an object"));
        cases.push_back(&c.get_object());
      }
    } else if (root.is_object() && root.get_object().contains("cases")) {
      const auto& top = root.get_object();
      for (const auto& kv : top) {
        if (kv.key() != "cases" && kv.key() != "policy" && kv.key() != "description") {
          return broken(display, "(file)",
                        pi::cat(display, ": field ", pi::av(kv.key()),
                                     ": unknown (a file of cases has cases, policy, description)"));
        }
      }
      default_policy = top.if_contains("policy");
      const json::value& cs = top.at("cases");
      if (!cs.is_array()) return broken(display, "(file)", pi::cat(display, ": field cases: expected an array"));
      for (const auto& c : cs.get_array()) {
        if (!c.is_object()) return broken(display, "(file)", pi::cat(display, ": every case must be an object"));
        cases.push_back(&c.get_object());
      }
    } else if (root.is_object()) {
      cases.push_back(&root.get_object());
    } else {
      return broken(display, "(file)", pi::cat(display, ": expected a case object, an array of cases or {\"cases\": [...]}"));
    }
    if (cases.empty()) return broken(display, "(file)", pi::cat(display, ": no cases"));
    for (std::size_t i = 0; i < cases.size(); ++i) run_case(file, i, *cases[i], default_policy);
  }

 private:
  std::map<std::string, absl::StatusOr<PolicySet>> cache_;

  void broken(const std::string& file, std::string name, std::string error) {
    PolicyCaseResult r;
    r.file = file;
    r.name = std::move(name);
    r.passed = false;
    r.mismatches.push_back(PolicyMismatch{"", "", "a valid case", pi::cat("error: ", error), ""});
    report.cases.push_back(std::move(r));
  }

  absl::StatusOr<PolicySet> policy_for(const fs::path& file, const std::string& where, const json::value& p) {
    if (p.is_object()) return PolicySet::from_json(json::serialize(p), pi::cat(where, ".policy"));
    if (!p.is_string()) {
      return absl::InvalidArgumentError(pi::cat(where, ": field policy: expected a set name, a path or an object"));
    }
    std::string_view s = p.get_string();
    const bool is_path = absl::EndsWith(pi::av(s), ".json") || s.find('/') != std::string_view::npos;
    std::string key = is_path ? (file.parent_path() / std::string(s)).lexically_normal().string() : std::string(s);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      it = cache_.emplace(key, is_path ? PolicySet::load_file(key) : PolicySet::load_builtin(s)).first;
    }
    return it->second;
  }

  void run_case(const fs::path& file, std::size_t index, const json::object& c, const json::value* default_policy) {
    PolicyCaseResult r;
    r.file = file.string();
    r.name = pi::cat("#", index);
    const std::string where = pi::cat(r.file, ": case ", r.name);
    auto fail_case = [&](std::string what) {
      r.passed = false;
      r.mismatches.push_back(PolicyMismatch{"", "", "a valid case", pi::cat("error: ", what), ""});
      report.cases.push_back(std::move(r));
    };
    for (const auto& kv : c) {
      std::string_view k = kv.key();
      if (k != "name" && k != "policy" && k != "subject" && k != "expect" && k != "expect_error" && k != "description") {
        return fail_case(pi::cat(where, ": field ", pi::av(k),
                                      ": unknown (a case has name, description, policy, subject, expect, expect_error)"));
      }
    }
    if (const json::value* n = c.if_contains("name")) {
      if (!n->is_string()) return fail_case(pi::cat(where, ": field name: expected a string"));
      r.name = std::string(n->get_string());
    }
    const std::string here = pi::cat(r.file, ": case ", r.name);
    const json::value* policy = c.if_contains("policy");
    if (policy == nullptr) policy = default_policy;
    if (policy == nullptr) return fail_case(pi::cat(here, ": field policy: missing"));
    const json::value* subject = c.if_contains("subject");
    if (subject == nullptr) return fail_case(pi::cat(here, ": field subject: missing"));

    std::vector<Expectation> expects;
    std::optional<ExpectedError> expected_error;
    if (const json::value* ee = c.if_contains("expect_error")) {
      if (!ee->is_object()) return fail_case(pi::cat(here, ": field expect_error: expected an object {code, contains}"));
      ExpectedError e;
      for (const auto& kv : ee->get_object()) {
        if (kv.key() == "code" && kv.value().is_string() && parse_code(kv.value().get_string())) {
          e.code = parse_code(kv.value().get_string());
        } else if (kv.key() == "contains" && kv.value().is_string()) {
          e.contains = std::string(kv.value().get_string());
        } else {
          return fail_case(pi::cat(here, ": field expect_error.", pi::av(kv.key()),
                                        ": expected code (a canonical code such as \"INVALID_ARGUMENT\") or contains (a string)"));
        }
      }
      expected_error = e;
    }
    if (const json::value* ex = c.if_contains("expect")) {
      if (!ex->is_array()) return fail_case(pi::cat(here, ": field expect: expected an array"));
      const auto& arr = ex->get_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        const std::string at = pi::cat(here, ": field expect[", i, "]");
        if (!arr[i].is_object()) return fail_case(pi::cat(at, ": expected an object"));
        const auto& o = arr[i].get_object();
        Expectation e;
        for (const auto& kv : o) {
          std::string_view k = kv.key();
          if (k != "rule" && k != "check" && k != "outcome" && k != "severity") {
            return fail_case(pi::cat(at, ".", pi::av(k), ": unknown (expected rule, check, outcome, severity)"));
          }
          if (!kv.value().is_string()) return fail_case(pi::cat(at, ".", pi::av(k), ": expected a string"));
        }
        if (!o.contains("rule")) return fail_case(pi::cat(at, ".rule: missing"));
        e.rule = std::string(o.at("rule").get_string());
        if (pi::rule_schema(e.rule) == nullptr) return fail_case(pi::cat(at, ".rule: unknown rule id \"", e.rule, "\""));
        if (o.contains("check")) e.check = std::string(o.at("check").get_string());
        if (!o.contains("outcome")) return fail_case(pi::cat(at, ".outcome: missing"));
        e.outcome = std::string(o.at("outcome").get_string());
        if (e.outcome != "pass" && e.outcome != "fail" && e.outcome != "absent") {
          return fail_case(pi::cat(at, ".outcome: expected \"pass\", \"fail\" or \"absent\", got \"", e.outcome, "\""));
        }
        if (o.contains("severity")) {
          e.severity = parse_finding_severity(o.at("severity").get_string());
          if (!e.severity) return fail_case(pi::cat(at, ".severity: expected \"error\", \"warning\" or \"info\""));
        }
        expects.push_back(std::move(e));
      }
    }
    if (expects.empty() && !expected_error) {
      return fail_case(pi::cat(here, ": field expect: missing or empty (give expect or expect_error)"));
    }

    absl::StatusOr<std::vector<Finding>> findings = [&]() -> absl::StatusOr<std::vector<Finding>> {
      JICENG_ASSIGN_OR_RETURN(PolicySet set, policy_for(file, here, *policy));
      return set.evaluate(json::serialize(*subject));
    }();

    if (expected_error) {
      std::string want = pi::cat("error", expected_error->code ? pi::cat(" ", absl::StatusCodeToString(*expected_error->code)) : "",
                                      expected_error->contains.empty() ? "" : pi::cat(" containing \"", expected_error->contains, "\""));
      if (findings.ok()) {
        r.mismatches.push_back(PolicyMismatch{"", "", want, pi::cat(findings->size(), " finding(s), no error"), ""});
      } else {
        bool code_ok = !expected_error->code || findings.status().code() == *expected_error->code;
        bool text_ok = absl::StrContains(findings.status().message(), expected_error->contains);
        if (!code_ok || !text_ok) {
          r.mismatches.push_back(PolicyMismatch{"", "", want, pi::cat("error ", findings.status().ToString()), ""});
        }
      }
    } else if (!findings.ok()) {
      r.mismatches.push_back(PolicyMismatch{"", "", "findings", pi::cat("error ", findings.status().ToString()), ""});
    }
    if (findings.ok()) {
      for (const auto& e : expects) {
        std::vector<const Finding*> matched;
        for (const auto& f : *findings) {
          if (f.rule == e.rule && (e.check.empty() || f.check == e.check)) matched.push_back(&f);
        }
        std::string actual;
        if (matched.empty()) {
          actual = "absent";
        } else {
          actual = std::any_of(matched.begin(), matched.end(), [](const Finding* f) { return !f->passed; }) ? "fail" : "pass";
        }
        bool ok = actual == e.outcome;
        std::string expected = e.outcome;
        if (ok && e.severity && !matched.empty()) {
          expected = pi::cat(e.outcome, " (severity ", pi::av(to_string(*e.severity)), ")");
          if (matched.front()->severity != *e.severity) {
            ok = false;
            actual = pi::cat(actual, " (severity ", pi::av(to_string(matched.front()->severity)), ")");
          }
        }
        if (!ok) {
          if (actual == "absent") actual = "no finding";
          if (expected == "absent") expected = "no finding";
          r.mismatches.push_back(PolicyMismatch{e.rule, e.check, expected, actual, evidence_of(matched)});
        }
      }
    }
    r.passed = r.mismatches.empty();
    report.cases.push_back(std::move(r));
  }
};

}  // namespace

std::size_t PolicyTestReport::passed() const {
  return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [](const auto& c) { return c.passed; }));
}
std::size_t PolicyTestReport::failed() const { return cases.size() - passed(); }
std::string PolicyTestReport::summary() const { return pi::cat(passed(), " passed, ", failed(), " failed"); }

absl::StatusOr<PolicyTestReport> run_policy_tests(const std::vector<std::string>& paths) {
  try {
    if (paths.empty()) return absl::InvalidArgumentError("policy tests: no paths given");
    std::vector<fs::path> files;
    for (const auto& p : paths) {
      std::error_code ec;
      if (fs::is_directory(p, ec)) {
        std::vector<fs::path> found;
        for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
          if (e.is_regular_file() && e.path().extension() == ".json") found.push_back(e.path());
        }
        if (ec) return absl::NotFoundError(pi::cat("policy tests: ", p, ": ", ec.message()));
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
      } else if (fs::is_regular_file(p, ec)) {
        files.emplace_back(p);
      } else {
        return absl::NotFoundError(pi::cat("policy tests: ", p, ": no such file or folder"));
      }
    }
    if (files.empty()) return absl::InvalidArgumentError("policy tests: no *.json case files under the given paths");
    Runner runner;
    for (const auto& f : files) runner.run_file(f);
    return std::move(runner.report);
  } catch (const std::exception& e) {
    return absl::InternalError(pi::cat("policy tests: ", e.what()));
  }
}

}  // namespace jiceng
