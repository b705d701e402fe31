// Tests of the policy-test runner beyond pass/fail: policy-set files skipped in folders,
// invalid cases told apart from failures, the --run filter, coverage of rule checks per
// policy set (and the project's own cases at 100%), JSON and JUnit output, and the lint
// of deadline overrides that forget the urgent variant.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/policy_router.hpp"
#include "jiceng/policy.hpp"

namespace jiceng {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::HasSubstr;

const std::string kTests = std::string(JICENG_SOURCE_DIR) + "/tests/policy";

class Scratch {
 public:
  Scratch() {
    path_ = fs::temp_directory_path() / ("jiceng_runner_" + std::to_string(::getpid()) + "_" + std::to_string(n_++));
    fs::create_directories(path_);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    fs::create_directories((path_ / name).parent_path());
    std::ofstream(path_ / name) << text;
    return (path_ / name).string();
  }
  std::string str() const { return path_.string(); }

 private:
  static inline int n_ = 0;
  fs::path path_;
};

constexpr const char* kGridCase = R"({"name": "one project", "policy": "wuzhong",
  "subject": {"type": "grid", "id": "g", "practical_projects": 1},
  "expect": [{"rule": "grid.practical_projects", "outcome": "pass"}]})";

constexpr const char* kLocalSet = R"({"name": "local", "extends": "wuzhong", "rules": [
  {"id": "grid.practical_projects", "params": {"min_per_year": 2}}]})";

TEST(PolicyRunner, PolicySetFilesInFoldersAreSkippedAndNamedWhenGivenDirectly) {
  Scratch d;
  d.write("cases/grid.json", kGridCase);
  const std::string set = d.write("cases/local.json", kLocalSet);
  auto report = run_policy_tests({d.str() + "/cases"});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->cases.size(), 1u);
  EXPECT_TRUE(report->cases[0].passed);
  EXPECT_THAT(report->skipped_files, ::testing::ElementsAre(set));

  auto direct = run_policy_tests({set});
  ASSERT_TRUE(direct.ok());
  ASSERT_EQ(direct->cases.size(), 1u);
  EXPECT_TRUE(direct->cases[0].invalid);
  EXPECT_THAT(direct->cases[0].mismatches[0].actual, HasSubstr("is a policy set (it has rules), not a file of test cases"));
}

TEST(PolicyRunner, InvalidCasesAreToldApartFromFailures) {
  Scratch d;
  const std::string broken = d.write("broken.json", "{ nope");
  const std::string no_expect = d.write("no-expect.json", R"({"policy": "national", "subject": {"type": "grid", "id": "g",
      "practical_projects": 1}})");
  auto report = run_policy_tests({broken, no_expect, kTests + "/failing/wrong_expectation.json"});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->failed(), 6u);
  EXPECT_EQ(report->invalid(), 2u);
  EXPECT_TRUE(report->cases[0].invalid);
  EXPECT_TRUE(report->cases[1].invalid);
  for (std::size_t i = 2; i < report->cases.size(); ++i) EXPECT_FALSE(report->cases[i].invalid) << report->cases[i].name;
  EXPECT_EQ(report->summary(), "0 passed, 6 failed (2 invalid)");
}

TEST(PolicyRunner, RunFiltersByFileAndName) {
  PolicyTestOptions only;
  only.run = "exactly half";
  auto report = run_policy_tests({kTests + "/failing/wrong_expectation.json"}, only);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->cases.size(), 1u);
  EXPECT_EQ(report->cases[0].name, "exactly half approves");

  only.run = "owners_vote\\.json: ";  // a file name selects all of its cases
  auto by_file = run_policy_tests({kTests + "/cases"}, only);
  ASSERT_TRUE(by_file.ok());
  EXPECT_GT(by_file->cases.size(), 5u);
  for (const auto& c : by_file->cases) EXPECT_THAT(c.file, HasSubstr("owners_vote.json"));

  only.run = "(unclosed";
  auto bad = run_policy_tests({kTests + "/cases"}, only);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("not a valid regular expression"));
}

TEST(PolicyRunner, CoverageCountsEachCheckPassAndFailSideUnderTheSetThatGivesTheRule) {
  Scratch d;
  d.write("local.json", kLocalSet);
  // Under `local`, grid.practical_projects belongs to local (it overrides it); only its pass
  // side is exercised. The other rules of the chain count under the sets that give them.
  d.write("cases.json", R"({"policy": "local.json", "cases": [
      {"name": "two projects", "subject": {"type": "grid", "id": "g", "practical_projects": 2},
       "expect": [{"rule": "grid.practical_projects", "outcome": "pass"}]}]})");
  auto report = run_policy_tests({d.str() + "/cases.json"});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->passed(), 1u);
  const PolicySetCoverage* local = nullptr;
  const PolicySetCoverage* national = nullptr;
  for (const auto& c : report->coverage) {
    if (c.set == "local") local = &c;
    if (c.set == "national") national = &c;
  }
  ASSERT_NE(local, nullptr);
  ASSERT_NE(national, nullptr);
  ASSERT_EQ(local->branches.size(), 2u);
  EXPECT_EQ(local->branches[0].check, "projects");
  EXPECT_TRUE(local->branches[0].pass_side);
  EXPECT_TRUE(local->branches[0].covered);
  EXPECT_FALSE(local->branches[1].pass_side);
  EXPECT_FALSE(local->branches[1].covered);
  EXPECT_EQ(local->covered(), 1u);
  EXPECT_EQ(national->covered(), 0u);  // every other rule of the chain comes from national, none ran
  EXPECT_GT(national->branches.size(), 40u);
  EXPECT_LT(report->coverage_percent(), 5.0);
  EXPECT_THAT(report->coverage_text(), HasSubstr("coverage local: 1/2 branches (50.0%), 1/1 rules\n"
                                                 "  not covered: grid.practical_projects[projects] fail\n"));

  // The fail side too: now local is complete.
  d.write("cases.json", R"({"policy": "local.json", "cases": [
      {"name": "two projects", "subject": {"type": "grid", "id": "g", "practical_projects": 2},
       "expect": [{"rule": "grid.practical_projects", "outcome": "pass"}]},
      {"name": "one project", "subject": {"type": "grid", "id": "g", "practical_projects": 1},
       "expect": [{"rule": "grid.practical_projects", "outcome": "fail"}]}]})");
  auto both = run_policy_tests({d.str() + "/cases.json"});
  ASSERT_TRUE(both.ok());
  for (const auto& c : both->coverage) {
    if (c.set == "local") {
      EXPECT_EQ(c.covered(), 2u);
    }
  }
}

// Every check a finding of the project's cases names is in the catalogue coverage counts,
// so a new check in an evaluator cannot be left out of coverage unnoticed.
TEST(PolicyRunner, TheCheckCatalogueNamesEveryCheckTheEvaluatorsReport) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& e : fs::recursive_directory_iterator(kTests + "/cases")) {
    if (e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    json::value root = json::parse(text);
    std::vector<json::object> cases;
    json::value default_policy;
    if (root.is_array()) {
      for (auto& c : root.as_array()) cases.push_back(c.as_object());
    } else if (root.as_object().contains("cases")) {
      if (root.as_object().contains("policy")) default_policy = root.as_object().at("policy");
      for (auto& c : root.as_object().at("cases").as_array()) cases.push_back(c.as_object());
    } else {
      cases.push_back(root.as_object());
    }
    for (const auto& c : cases) {
      const json::value& p = c.contains("policy") ? c.at("policy") : default_policy;
      if (!p.is_string() || !c.contains("subject")) continue;
      auto set = std::string(p.as_string()).find('/') == std::string::npos && !std::string(p.as_string()).ends_with(".json")
                     ? PolicySet::load_builtin(std::string(p.as_string()))
                     : PolicySet::load_file((e.path().parent_path() / std::string(p.as_string())).string());
      if (!set.ok()) continue;
      auto findings = set->evaluate(json::serialize(c.at("subject")));
      if (!findings.ok()) continue;
      for (const auto& f : *findings) seen.emplace(f.rule, f.check);
    }
  }
  EXPECT_GT(seen.size(), 30u);
  for (const auto& [rule, check] : seen) {
    auto checks = PolicySet::rule_checks(rule);
    EXPECT_NE(std::find(checks.begin(), checks.end(), check), checks.end()) << rule << "[" << check << "]";
  }
  for (const auto& id : PolicySet::known_rule_ids()) {
    // Read by the KPI module, by the loops (commitments, assessment, projects, fund, the
    // mediation loop's referral) and by
    // the petition engine (its clock, its answers, its routing), not evaluated against
    // subjects: no checks to cover; the loops' guards and the engine's tests are the checks.
    if (id != "kpi.weights" && id != "kpi.ranking" && id != "commitments.list" && id != "assessment.credit" && id != "project.kinds" &&
        id != "village_plan.campaign" && id != "project.decision" && id != "fund.categories" && id != "petition.escalation_ladder" &&
        id != "petition.responses" && id != "petition.compound_parties" && id != "mediation.referral") {
      EXPECT_FALSE(PolicySet::rule_checks(id).empty()) << id;
    }
  }
}

TEST(PolicyRunner, TheProjectsOwnCasesCoverEveryBranch) {
  auto report = run_policy_tests({kTests + "/cases"});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->failed(), 0u);
  EXPECT_DOUBLE_EQ(report->coverage_percent(), 100.0) << report->coverage_text();
}

TEST(PolicyRunner, JsonAndJUnitCarryEveryCaseAndEveryMismatch) {
  auto report = run_policy_tests({kTests + "/failing/wrong_expectation.json", kTests + "/cases/owners_vote.json"});
  ASSERT_TRUE(report.ok());
  json::value v = json::parse(report->to_json());
  EXPECT_EQ(v.at("failed").to_number<std::uint64_t>(), 4u);
  EXPECT_EQ(v.at("cases").as_array().size(), report->cases.size());
  const auto& first = v.at("cases").as_array()[0].as_object();
  EXPECT_EQ(first.at("name").as_string(), "exactly half approves");
  EXPECT_EQ(first.at("mismatches").as_array()[0].at("expected").as_string(), "pass");
  EXPECT_EQ(first.at("mismatches").as_array()[0].at("actual").as_string(), "fail");
  EXPECT_TRUE(v.at("coverage").at("sets").is_array());

  const std::string xml = report->to_junit();
  EXPECT_THAT(xml, HasSubstr("<testsuites name=\"jiceng policy test\" tests=\"" + std::to_string(report->cases.size()) +
                             "\" failures=\"4\" errors=\"0\""));
  EXPECT_THAT(xml, HasSubstr("<testcase classname=\"" + kTests + "/failing/wrong_expectation.json\" name=\"exactly half approves\""));
  EXPECT_THAT(xml, HasSubstr("<failure message=\"vote.meeting[decision]: expected pass, actual fail\">"));
  EXPECT_THAT(xml, HasSubstr("evidence: [decision] fail: residents_meeting: yes votes of those attending: 30 of 60"));
}

TEST(PolicyRunner, DeadlineCasesCheckEachLimitAndItsDueTimeOnTheCasesClockAndCalendar) {
  Scratch d;
  // Thu 2026-01-08 09:00: 5 working days later is Thu 2026-01-15 (17:30, the due time).
  // Declaring Mon 2026-01-12 a holiday moves it to Fri 2026-01-16.
  const std::string file = d.write("deadlines.json", R"({"policy": "national", "cases": [
      {"name": "limits", "expect_deadlines": [
         {"category": "noise", "urgency": "normal", "limit": "resolve", "equals": "5wd"},
         {"category": "noise", "urgency": "urgent", "limit": "accept", "equals": "2h"}]},
      {"name": "due", "now": "2026-01-08T09:00", "expect_deadlines": [
         {"category": "noise", "limit": "resolve", "due": "2026-01-15T17:30"},
         {"category": "noise", "urgency": "urgent", "limit": "sign", "due": "2026-01-08T11:00:00+08:00"}]},
      {"name": "due with an extra holiday", "now": "2026-01-08T09:00",
       "calendar": ["2026-01-12,holiday,Test day,测试日"],
       "expect_deadlines": [{"category": "noise", "limit": "resolve", "due": "2026-01-16T17:30"}]},
      {"name": "wrong", "now": "2026-01-08T09:00", "expect_deadlines": [
         {"category": "noise", "limit": "resolve", "equals": "3wd", "due": "2026-01-14T17:30"}]},
      {"name": "bad limit", "expect_deadlines": [{"category": "noise", "limit": "solve", "equals": "3wd"}]},
      {"name": "due without now", "expect_deadlines": [{"category": "noise", "limit": "resolve", "due": "2026-01-14T17:30"}]}
  ]})");
  auto report = run_policy_tests({file});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->cases.size(), 6u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(report->cases[i].passed) << report->cases[i].name << ": "
                                         << (report->cases[i].mismatches.empty() ? "" : report->cases[i].mismatches[0].actual);
  }
  const auto& wrong = report->cases[3];
  EXPECT_FALSE(wrong.passed);
  EXPECT_FALSE(wrong.invalid);
  ASSERT_EQ(wrong.mismatches.size(), 2u);
  EXPECT_EQ(wrong.mismatches[0].check, "noise.normal.resolve");
  EXPECT_EQ(wrong.mismatches[0].expected, "3wd");
  EXPECT_EQ(wrong.mismatches[0].actual, "5wd");
  EXPECT_EQ(wrong.mismatches[1].check, "noise.normal.resolve due");
  EXPECT_EQ(wrong.mismatches[1].expected, "2026-01-14T17:30:00+08:00");
  EXPECT_EQ(wrong.mismatches[1].actual, "2026-01-15T17:30:00+08:00");
  EXPECT_EQ(wrong.mismatches[1].evidence, "5wd from 2026-01-08T09:00:00+08:00");
  EXPECT_TRUE(report->cases[4].invalid);
  EXPECT_THAT(report->cases[4].mismatches[0].actual, HasSubstr("limit: unknown limit \"solve\""));
  EXPECT_TRUE(report->cases[5].invalid);
  EXPECT_THAT(report->cases[5].mismatches[0].actual, HasSubstr("due: needs the case's now"));
}

// The engine cases under `folder`: with the engine every one (at least `cases`) passes;
// without it every one is invalid, saying `why` (how to run them).
void expect_engine_cases_pass(const std::string& folder, std::size_t cases, const std::string& why) {
  SCOPED_TRACE(folder);
  PolicyTestOptions with_engine;
  with_engine.route = cli::route_through_engine;
  auto report = run_policy_tests({kTests + folder}, with_engine);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GE(report->cases.size(), cases);
  EXPECT_EQ(report->failed(), 0u);
  for (const auto& c : report->cases) {
    for (const auto& m : c.mismatches) ADD_FAILURE() << c.name << ": " << m.check << ": expected " << m.expected << ", actual " << m.actual << " " << m.evidence;
  }
  auto without = run_policy_tests({kTests + folder});
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->invalid(), without->cases.size());
  EXPECT_THAT(without->cases[0].mismatches[0].actual, HasSubstr(why));
}

TEST(PolicyRunner, RoutingCasesGoThroughTheEngine) {
  PolicyTestOptions with_engine;
  with_engine.route = cli::route_through_engine;
  // Without an engine a routing case cannot run: invalid, saying how to run it.
  expect_engine_cases_pass("/routing", 4, "run them with `jiceng policy test`");

  // A wrong expectation names the category, the location, both units and the route.
  Scratch d;
  const std::string file = d.write("wrong.json", R"({"name": "noise to the street?", "policy": "national",
      "expect_routing": [{"category": "noise", "location": "H-G01B01-0101", "unit": "320506001"}]})");
  auto wrong = run_policy_tests({file}, with_engine);
  ASSERT_TRUE(wrong.ok());
  ASSERT_EQ(wrong->cases.size(), 1u);
  ASSERT_EQ(wrong->cases[0].mismatches.size(), 1u);
  const auto& m = wrong->cases[0].mismatches[0];
  EXPECT_FALSE(wrong->cases[0].invalid);
  EXPECT_EQ(m.rule, "petition.routing");
  EXPECT_EQ(m.check, "noise at H-G01B01-0101");
  EXPECT_EQ(m.expected, "320506001");
  EXPECT_EQ(m.actual, "320506001001G01");
  EXPECT_EQ(m.evidence, "set national: categories.noise = {\"level\":3,\"zh\":\"噪声扰民\"}");
}

// Ladder cases (expect_ladder) and the compound party (expect_routing's party) run through
// the engine; a wrong level, holder or party names the check, both values and the ladder.
TEST(PolicyRunner, LadderAndPartyCasesGoThroughTheEngine) {
  expect_engine_cases_pass("/ladder", 2, "field expect_ladder: routing and ladder cases run");
  expect_engine_cases_pass("/compound_routing", 2, "field expect_routing: routing and ladder cases run");
  PolicyTestOptions with_engine;
  with_engine.route = cli::route_through_engine;

  auto wrong = run_policy_tests({kTests + "/failing/wrong_ladder.json"}, with_engine);
  ASSERT_TRUE(wrong.ok()) << wrong.status();
  ASSERT_EQ(wrong->cases.size(), 1u);
  const auto& c = wrong->cases[0];
  EXPECT_FALSE(c.passed);
  EXPECT_FALSE(c.invalid);
  ASSERT_EQ(c.mismatches.size(), 3u);
  EXPECT_EQ(c.mismatches[0].rule, "petition.compound_parties");
  EXPECT_EQ(c.mismatches[0].check, "noise at H-C01B01-1201 party");
  EXPECT_EQ(c.mismatches[0].expected, "property_company");
  EXPECT_EQ(c.mismatches[0].actual, "owners_committee");
  EXPECT_THAT(c.mismatches[0].evidence, HasSubstr("petition.compound_parties = {"));
  EXPECT_EQ(c.mismatches[1].rule, "petition.escalation_ladder");
  EXPECT_EQ(c.mismatches[1].check, "noise at H-G01B01-0101 at 2026-02-24T17:29:59+08:00 level");
  EXPECT_EQ(c.mismatches[1].expected, "2");
  EXPECT_EQ(c.mismatches[1].actual, "1");
  EXPECT_THAT(c.mismatches[1].evidence,
              HasSubstr("held by 320506001001G01, urges 1, escalations 0; last automatic: escalation ladder rung 1 "
                        "(level 1, warn): 1wd before_due; petition.escalation_ladder = {\"rungs\":"));
  EXPECT_EQ(c.mismatches[2].check, "noise at H-G01B01-0101 at 2026-02-24T17:29:59+08:00 unit");
  EXPECT_EQ(c.mismatches[2].expected, "320506001001");
  EXPECT_EQ(c.mismatches[2].actual, "320506001001G01");

  // Malformed ladder expectations make the case invalid, naming the field.
  Scratch d;
  const std::pair<const char*, const char*> bad[] = {
      {R"([{"category": "noise", "location": "H-G01B01-0101", "at": "2026-02-13T17:30"}])", "expect_ladder[0].level: missing"},
      {R"([{"category": "noise", "location": "H-G01B01-0101", "at": "tomorrow", "level": 1}])", "expect_ladder[0].at: expected China time"},
      {R"([{"category": "noise", "location": "H-G01B01-0101", "at": "2026-02-13T17:30", "level": -1}])", "expect_ladder[0].level: expected a whole number 0..99"},
      {R"([{"category": "noise", "location": "H-G01B01-0101", "at": "2026-02-13T17:30", "level": 1, "rung": 2}])", "expect_ladder[0].rung: unknown"},
      {R"([{"category": "noise", "location": "H-G01B01-0101", "at": "2026-02-13T17:30", "level": 1, "urgency": "soon"}])", "expect_ladder[0].urgency: expected"},
      {R"([])", "field expect_ladder: expected a non-empty array"},
  };
  for (const auto& [ladder, message] : bad) {
    const std::string file = d.write("bad-ladder.json", std::string(R"({"name": "bad", "policy": "national", "expect_ladder": )") + ladder + "}");
    auto r = run_policy_tests({file}, with_engine);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->cases.size(), 1u);
    EXPECT_TRUE(r->cases[0].invalid) << ladder;
    EXPECT_THAT(r->cases[0].mismatches[0].actual, HasSubstr(message)) << ladder;
  }
  const std::string no_expectation = d.write("bad-route.json", R"({"name": "bad", "policy": "national",
      "expect_routing": [{"category": "noise", "location": "H-G01B01-0101"}]})");
  auto r = run_policy_tests({no_expectation}, with_engine);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->cases[0].invalid);
  EXPECT_THAT(r->cases[0].mismatches[0].actual, HasSubstr("expect_routing[0]: give unit, party or both"));
}

TEST(PolicyLint, ADeadlineChangedForNormalPetitionsOnlyWarns) {
  auto set = PolicySet::from_json(R"({"name": "faster", "extends": "suzhou-sip", "rules": [
      {"id": "petition.deadlines", "params": {"categories": {"property": {"normal": {"resolve": "3wd"}}}}}]})",
                                  "faster.json");
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(set->warnings().size(), 1u);
  EXPECT_THAT(set->warnings()[0], HasSubstr("policy file faster.json: rule petition.deadlines (rules[0]): "
                                            "categories.property.normal.resolve is set to 3wd but "
                                            "categories.property.urgent.resolve is not: urgent property petitions "
                                            "keep 5wd (different from the normal limit)"));

  auto both = PolicySet::from_json(R"({"name": "faster", "extends": "suzhou-sip", "rules": [
      {"id": "petition.deadlines", "params": {"categories": {"property": {"normal": {"resolve": "3wd"},
                                                                          "urgent": {"resolve": "3wd"}}}}}]})",
                                   "faster.json");
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_TRUE(both->warnings().empty());
  for (const auto& name : PolicySet::builtin_names()) {
    auto b = PolicySet::load_builtin(name);
    ASSERT_TRUE(b.ok());
    EXPECT_TRUE(b->warnings().empty()) << name << ": " << b->warnings().front();
  }
}

TEST(PolicySet, RuleOriginIsTheMostDerivedSetThatGivesTheRule) {
  auto set = PolicySet::from_json(kLocalSet, "local.json");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(*set->rule_origin("grid.practical_projects"), "local");
  EXPECT_EQ(*set->rule_origin("vote.owners_assembly"), "national");
  EXPECT_EQ(set->rule_origin("no.such").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace jiceng
