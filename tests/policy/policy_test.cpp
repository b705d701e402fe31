// Tests of policy sets: loading, extends merging, every malformed-set class, exact
// threshold arithmetic, and the data-driven policy tests under tests/policy/cases.
#include "jiceng/policy.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "jiceng/calendar.hpp"

namespace jiceng {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kTests = std::string(JICENG_SOURCE_DIR) + "/tests/policy";

std::string msg(const absl::Status& s) { return std::string(s.message().data(), s.message().size()); }

// A scratch folder of policy files, removed afterwards.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("jiceng_policy_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
    return (path_ / name).string();
  }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

const Finding* find(const std::vector<Finding>& fs, std::string_view rule, std::string_view check) {
  for (const auto& f : fs) {
    if (f.rule == rule && f.check == check) return &f;
  }
  return nullptr;
}

TEST(PolicySet, BuiltinsLoadWithTheirChains) {
  for (const std::string name : {"national", "national-xinfang", "suzhou-sip", "wuzhong", "changshu"}) {
    auto set = PolicySet::load_builtin(name);
    ASSERT_TRUE(set.ok()) << name << ": " << set.status();
    EXPECT_EQ(set->name(), name);
  }
  EXPECT_THAT(PolicySet::load_builtin("wuzhong")->chain(), ElementsAre("wuzhong", "suzhou-sip", "national"));
  EXPECT_THAT(PolicySet::load_builtin("changshu")->chain(), ElementsAre("changshu", "national"));
  EXPECT_THAT(PolicySet::builtin_names(), ::testing::IsSupersetOf({"national", "suzhou-sip", "wuzhong", "changshu"}));
  auto missing = PolicySet::load_builtin("shanghai");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(msg(missing.status()), HasSubstr("built-in: "));
}

TEST(PolicySet, RulesPerSet) {
  auto national = *PolicySet::load_builtin("national");
  auto wuzhong = *PolicySet::load_builtin("wuzhong");
  auto changshu = *PolicySet::load_builtin("changshu");
  for (const char* r : {"org.formation", "vote.owners_assembly", "vote.meeting", "meeting.call", "meeting.frequency",
                        "meeting.representative_ratio", "meeting.composition", "disclosure.posting", "review.democratic",
                        "deliberation.procedures", "petition.deadlines", "petition.routing", "petition.caps", "petition.escalation_ceiling",
                        "kpi.weights", "kpi.ranking"}) {
    EXPECT_TRUE(national.has_rule(r)) << r;
    EXPECT_TRUE(wuzhong.has_rule(r)) << r;
  }
  EXPECT_FALSE(national.has_rule("committee.party_ratio"));
  for (const char* r : {"committee.party_ratio", "committee.cross_holding", "community.service_fund",
                        "community.secretary_reserve", "coverage.compound_branch", "coverage.grid_station",
                        "grid.practical_projects"}) {
    EXPECT_TRUE(wuzhong.has_rule(r)) << r;
  }
  EXPECT_FALSE(wuzhong.has_rule("committee.negative_list"));
  EXPECT_TRUE(changshu.has_rule("committee.negative_list"));
  auto list = json::parse(*changshu.rule_params_json("committee.negative_list"));
  EXPECT_EQ(list.at("conditions").as_array().size(), 10u);  // 十不宜
  EXPECT_EQ(national.rule_params_json("committee.party_ratio").status().code(), absl::StatusCode::kNotFound);
  // Every known rule appears in some built-in set, except those kept only for old files.
  for (const auto& id : PolicySet::known_rule_ids()) {
    if (!PolicySet::superseded_by(id).empty()) {
      EXPECT_FALSE(wuzhong.has_rule(id) || changshu.has_rule(id)) << id;
      continue;
    }
    EXPECT_TRUE(wuzhong.has_rule(id) || changshu.has_rule(id)) << id;
  }
  EXPECT_EQ(PolicySet::superseded_by("vote.residents_meeting"), "vote.meeting");
  EXPECT_EQ(PolicySet::superseded_by("vote.meeting"), "");
  EXPECT_FALSE(national.has_rule("vote.residents_meeting"));
}

// An old set that only overrides the superseded rule still loads, starting from the
// rule's last built-in definition, and its findings say what replaced it.
TEST(PolicySet, SupersededRuleStillLoadsForOldFiles) {
  auto old = PolicySet::load_file(kTests + "/sets/old-residents-meeting.json");
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_TRUE(old->has_rule("vote.residents_meeting"));
  EXPECT_TRUE(old->has_rule("vote.meeting"));  // from national
  EXPECT_EQ(*old->rule_severity("vote.residents_meeting"), FindingSeverity::kWarning);
  auto params = json::parse(*old->rule_params_json("vote.residents_meeting"));
  EXPECT_EQ(params.at("quorum").at("fraction").as_string(), "1/2");
  EXPECT_FALSE(params.at("quorum").at("inclusive").as_bool());
  auto resolved = json::parse(old->to_json());
  for (const auto& r : resolved.at("rules").as_array()) {
    if (r.at("id").as_string() != "vote.residents_meeting") continue;
    EXPECT_THAT(std::string(r.at("source").as_string()), HasSubstr("local practice before 2026 | 城市居民委员会组织法 (2018) 第九条"));
  }
  auto again = PolicySet::from_json(old->to_json(), "resolved");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->to_json(), old->to_json());
  auto f = old->evaluate(R"({"type": "residents_meeting", "id": "m", "entitled": 100, "attending": 51, "approving": 26})");
  ASSERT_TRUE(f.ok()) << f.status();
  const Finding* quorum = find(*f, "vote.residents_meeting", "quorum");
  ASSERT_NE(quorum, nullptr);
  EXPECT_TRUE(quorum->passed);
  EXPECT_THAT(quorum->evidence, HasSubstr("superseded by vote.meeting"));
  EXPECT_EQ(json::parse(quorum->evidence_json).at("superseded_by").as_string(), "vote.meeting");
  // A bad override of it is still refused, naming the field.
  auto bad = PolicySet::from_json(R"({"name": "x", "extends": "national", "rules": [
      {"id": "vote.residents_meeting", "params": {"quorum": {"fraction": "3/2"}}}]})", "old.json");
  EXPECT_THAT(msg(bad.status()), HasSubstr("rule vote.residents_meeting (rules[0]): field params.quorum.fraction"));
}

TEST(PolicySet, DeadlineParamsAreTheCalendarDefaults) {
  auto national = *PolicySet::load_builtin("national");
  auto hotline = DeadlinePolicy::from_json(*national.rule_params_json("petition.deadlines"), "national");
  ASSERT_TRUE(hotline.ok()) << hotline.status();
  EXPECT_EQ(*hotline, DeadlinePolicy::hotline_default());
  auto xinfang_set = *PolicySet::load_builtin("national-xinfang");
  auto xinfang = DeadlinePolicy::from_json(*xinfang_set.rule_params_json("petition.deadlines"), "national-xinfang");
  ASSERT_TRUE(xinfang.ok()) << xinfang.status();
  EXPECT_EQ(*xinfang, DeadlinePolicy::xinfang_default());
  auto wuzhong = *PolicySet::load_builtin("wuzhong");
  EXPECT_EQ(DeadlinePolicy::from_json(*wuzhong.rule_params_json("petition.deadlines"), "w")->track(), "hotline");
}

TEST(PolicySet, OverridesMergeThroughBuiltinExtends) {
  auto sip = *PolicySet::load_builtin("suzhou-sip");
  auto wuzhong = *PolicySet::load_builtin("wuzhong");
  auto sip_params = json::parse(*sip.rule_params_json("committee.party_ratio"));
  auto wz_params = json::parse(*wuzhong.rule_params_json("committee.party_ratio"));
  EXPECT_FALSE(sip_params.at("new_members").at("enabled").as_bool());
  // wuzhong only says {"new_members": {"enabled": true}}: the rest is merged from SIP.
  EXPECT_TRUE(wz_params.at("new_members").at("enabled").as_bool());
  EXPECT_EQ(wz_params.at("new_members").at("min_percent").as_int64(), 50);
  EXPECT_EQ(wz_params.at("candidates").at("min_percent").as_int64(), 30);
  EXPECT_EQ(*wuzhong.rule_severity("committee.party_ratio"), FindingSeverity::kWarning);
}

TEST(PolicySet, ThreeFileLevelsOverParamsAndSeverity) {
  TempDir dir;
  dir.write("base.json", R"({"name": "base", "extends": "national", "rules": [
      {"id": "petition.caps", "params": {"max_returns": 5}, "severity": "warning", "source": "base"},
      {"id": "grid.practical_projects", "params": {"min_per_year": 1}, "severity": "info",
       "message_zh": "实事", "message_en": "projects", "source": "base"}]})");
  dir.write("mid.json", R"({"name": "mid", "extends": "base", "rules": [
      {"id": "petition.caps", "params": {"max_reopens": 4}},
      {"id": "grid.practical_projects", "params": {"min_per_year": 2}}]})");
  std::string top = dir.write("top.json", R"({"name": "top", "extends": "mid", "rules": [
      {"id": "petition.caps", "severity": "error", "params": {"max_text_bytes": 100}},
      {"id": "petition.routing", "params": {"categories": {"noise": {"level": 2}, "parking": null}}}]})");
  auto set = PolicySet::load_file(top);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT(set->chain(), ElementsAre("top", "mid", "base", "national"));
  auto caps = json::parse(*set->rule_params_json("petition.caps"));
  EXPECT_EQ(caps.at("max_returns").as_int64(), 5);     // base
  EXPECT_EQ(caps.at("max_reopens").as_int64(), 4);     // mid
  EXPECT_EQ(caps.at("max_text_bytes").as_int64(), 100);  // top
  EXPECT_EQ(caps.at("max_extensions").as_int64(), 1);  // national
  EXPECT_EQ(*set->rule_severity("petition.caps"), FindingSeverity::kError);
  EXPECT_EQ(json::parse(*set->rule_params_json("grid.practical_projects")).at("min_per_year").as_int64(), 2);
  auto routing = json::parse(*set->rule_params_json("petition.routing")).at("categories").as_object();
  EXPECT_EQ(routing.at("noise").at("level").as_int64(), 2);
  EXPECT_FALSE(routing.contains("parking"));
  EXPECT_EQ(routing.at("property").at("level").as_int64(), 3);

  auto f = set->evaluate(R"({"type": "petition", "id": "p", "category": "noise", "severity": "minor", "returns": 5,
                             "text_bytes": 101})");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(find(*f, "petition.caps", "returns")->passed);
  EXPECT_FALSE(find(*f, "petition.caps", "text_bytes")->passed);
  EXPECT_EQ(find(*f, "petition.caps", "text_bytes")->severity, FindingSeverity::kError);
}

TEST(PolicySet, LocalFileOfTheSameNameMayExtendTheBuiltin) {
  TempDir dir;
  std::string p = dir.write("national.json", R"({"name": "national", "extends": "national", "rules": [
      {"id": "petition.caps", "params": {"max_returns": 0}}]})");
  auto set = PolicySet::load_file(p);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(json::parse(*set->rule_params_json("petition.caps")).at("max_returns").as_int64(), 0);
}

TEST(PolicySet, ToJsonRoundTrips) {
  auto wuzhong = *PolicySet::load_builtin("wuzhong");
  auto again = PolicySet::from_json(wuzhong.to_json(), "journal");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->chain(), wuzhong.chain());
  EXPECT_EQ(again->rule_ids(), wuzhong.rule_ids());
  for (const auto& id : wuzhong.rule_ids()) {
    EXPECT_EQ(*again->rule_params_json(id), *wuzhong.rule_params_json(id)) << id;
    EXPECT_EQ(*again->rule_severity(id), *wuzhong.rule_severity(id)) << id;
  }
  EXPECT_EQ(again->to_json(), wuzhong.to_json());
  EXPECT_EQ(json::parse(wuzhong.to_json()).as_object().count("extends"), 0u);
}

// Every class of malformed set: an error naming the file, the rule and the field.
struct Malformed {
  const char* label;
  const char* text;
  std::vector<std::string> needles;
};

class MalformedSet : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedSet, IsRejectedWithAClearMessage) {
  const auto& m = GetParam();
  auto set = PolicySet::from_json(m.text, "my-policy.json");
  ASSERT_FALSE(set.ok()) << m.label;
  EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument) << set.status();
  EXPECT_THAT(msg(set.status()), HasSubstr("policy file my-policy.json"));
  for (const auto& n : m.needles) EXPECT_THAT(msg(set.status()), HasSubstr(n)) << m.label;
}

INSTANTIATE_TEST_SUITE_P(
    Classes, MalformedSet,
    ::testing::Values(
        Malformed{"not json", R"({"name": "x",)", {"not valid JSON at line 1"}},
        Malformed{"not an object", R"([1, 2])", {"must be a JSON object"}},
        Malformed{"missing name", R"({"rules": []})", {"field name: missing"}},
        Malformed{"missing rules", R"({"name": "x"})", {"field rules: missing"}},
        Malformed{"unknown top-level field", R"({"name": "x", "rules": [], "extend": "national"})",
                  {"field extend: unknown"}},
        Malformed{"unknown extends", R"({"name": "x", "extends": "nowhere", "rules": []})",
                  {"field extends: unknown policy set \"nowhere\""}},
        Malformed{"unknown rule id",
                  R"({"name": "x", "extends": "national", "rules": [{"id": "vote.owner_assembly", "params": {}}]})",
                  {"rule vote.owner_assembly (rules[0])", "field id: unknown rule id"}},
        Malformed{"rule without id", R"({"name": "x", "extends": "national", "rules": [{"params": {}}]})",
                  {"(rules[0])", "field id: missing"}},
        Malformed{"duplicate rule", R"({"name": "x", "extends": "national", "rules": [
            {"id": "petition.caps", "params": {"max_returns": 1}}, {"id": "petition.caps", "params": {"max_returns": 2}}]})",
                  {"rule petition.caps (rules[1])", "already given at rules[0]"}},
        Malformed{"wrong parameter type", R"({"name": "x", "extends": "national", "rules": [
            {"id": "vote.owners_assembly", "params": {"quorum": {"area": {"inclusive": "yes"}}}}]})",
                  {"rule vote.owners_assembly", "field params.quorum.area.inclusive: expected true or false"}},
        Malformed{"bad fraction", R"({"name": "x", "extends": "national", "rules": [
            {"id": "vote.owners_assembly", "params": {"special": {"owners": {"fraction": "4/3"}}}}]})",
                  {"field params.special.owners.fraction: expected a fraction"}},
        Malformed{"float for integer", R"({"name": "x", "extends": "national", "rules": [
            {"id": "petition.caps", "params": {"max_returns": 2.5}}]})",
                  {"field params.max_returns: expected an integer, got 2.5"}},
        Malformed{"out of range", R"({"name": "x", "extends": "national", "rules": [
            {"id": "org.formation", "params": {"committee_size": {"min": 0}}}]})",
                  {"rule org.formation", "field params.committee_size.min: expected an integer in [1, 100], got 0"}},
        Malformed{"min above max", R"({"name": "x", "extends": "national", "rules": [
            {"id": "org.formation", "params": {"committee_size": {"min": 6}}}]})",
                  {"field params.committee_size: min 6 exceeds max 5", "after merging"}},
        Malformed{"unknown parameter", R"({"name": "x", "extends": "national", "rules": [
            {"id": "kpi.weights", "params": {"respons": 10}}]})",
                  {"rule kpi.weights", "field params.respons: unknown parameter"}},
        Malformed{"weights not 100", R"({"name": "x", "extends": "national", "rules": [
            {"id": "kpi.weights", "params": {"response": 30}}]})",
                  {"must sum to 100, got 120"}},
        Malformed{"negative ranking minimum", R"({"name": "x", "extends": "national", "rules": [
            {"id": "kpi.ranking", "params": {"min_received": -1}}]})",
                  {"rule kpi.ranking", "field params.min_received: expected an integer in [0, 1000000], got -1"}},
        Malformed{"category name not a string", R"({"name": "x", "extends": "national", "rules": [
            {"id": "petition.routing", "params": {"categories": {"parking": {"level": 3, "zh": 7}}}}]})",
                  {"rule petition.routing", "field params.categories.parking.zh"}},
        Malformed{"missing field of new rule", R"({"name": "x", "extends": "national", "rules": [
            {"id": "grid.practical_projects", "params": {"min_per_year": 1}, "severity": "info", "message_zh": "z",
             "message_en": "e"}]})",
                  {"rule grid.practical_projects (rules[0])", "field source: missing"}},
        Malformed{"missing param of new rule", R"({"name": "x", "rules": [
            {"id": "community.service_fund", "params": {"min_yuan": 1}, "severity": "info", "message_zh": "z",
             "message_en": "e", "source": "s"}]})",
                  {"field params.spending_within_fund: missing"}},
        Malformed{"bad severity", R"({"name": "x", "extends": "national", "rules": [
            {"id": "petition.caps", "severity": "Error"}]})",
                  {"field severity: expected \"error\", \"warning\" or \"info\", got \"Error\""}},
        Malformed{"empty message", R"({"name": "x", "extends": "national", "rules": [
            {"id": "petition.caps", "message_zh": ""}]})",
                  {"field message_zh: expected a non-empty string"}},
        Malformed{"unknown rule member", R"({"name": "x", "extends": "national", "rules": [
            {"id": "petition.caps", "parameters": {}}]})",
                  {"field parameters: unknown"}},
        Malformed{"bad track", R"({"name": "x", "extends": "national", "rules": [
            {"id": "petition.deadlines", "params": {"track": "email"}}]})",
                  {"rule petition.deadlines", "field params.track: expected one of \"hotline\", \"xinfang\""}},
        Malformed{"deadline default lacks resolve (calendar check)", R"({"name": "x", "extends": "national", "rules": [
            {"id": "petition.deadlines", "params": {"categories": {"default": {"normal": {"resolve": null}}}}}]})",
                  {"rule petition.deadlines (rules[0]): params: categories.default.normal.resolve is missing"}},
        Malformed{"routing level", R"({"name": "x", "extends": "national", "rules": [
            {"id": "petition.routing", "params": {"categories": {"noise": {"level": 4}}}}]})",
                  {"field params.categories.noise.level: expected an integer in [1, 3], got 4"}},
        Malformed{"routing without default", R"({"name": "x", "extends": "national", "rules": [
            {"id": "petition.routing", "params": {"categories": {"default": null}}}]})",
                  {"field params.categories.default: missing"}},
        Malformed{"duplicate negative-list id", R"({"name": "x", "extends": "changshu", "rules": [
            {"id": "committee.negative_list", "params": {"conditions": [{"id": "a", "zh": "甲", "en": "a"},
                                                                      {"id": "a", "zh": "乙", "en": "b"}]}}]})",
                  {"field params.conditions[1].id: duplicate condition id \"a\""}},
        Malformed{"meeting decision counted of an unknown base", R"({"name": "x", "extends": "national", "rules": [
            {"id": "vote.meeting", "params": {"party_members_meeting": {"decision": {"of": "present"}}}}]})",
                  {"rule vote.meeting", "field params.party_members_meeting.decision.of: expected one of \"attending\", \"members\""}},
        Malformed{"meeting body unknown", R"({"name": "x", "extends": "national", "rules": [
            {"id": "vote.meeting", "params": {"owners_meeting": {}}}]})",
                  {"field params.owners_meeting: unknown parameter"}},
        Malformed{"meeting quorum missing after null", R"({"name": "x", "extends": "national", "rules": [
            {"id": "vote.meeting", "params": {"villagers_meeting": {"household_quorum": null}}}]})",
                  {"field params.villagers_meeting.household_quorum: missing", "after merging"}},
        Malformed{"representative ratio min above max", R"({"name": "x", "extends": "national", "rules": [
            {"id": "meeting.representative_ratio", "params": {"villagers_representatives_meeting": {"min_households": 16}}}]})",
                  {"field params.villagers_representatives_meeting: min_households 16 exceeds max_households 15"}},
        Malformed{"failing grade not a grade", R"({"name": "x", "extends": "national", "rules": [
            {"id": "review.democratic", "params": {"failing_grade": "差"}}]})",
                  {"field params.failing_grade: \"差\" is not one of the grades"}},
        Malformed{"frequency period", R"({"name": "x", "extends": "national", "rules": [
            {"id": "meeting.frequency", "params": {"villagers_meeting": {"period": "fortnight"}}}]})",
                  {"field params.villagers_meeting.period: expected one of"}},
        Malformed{"both extends and resolved_from",
                  R"({"name": "x", "extends": "national", "resolved_from": ["x", "national"], "rules": []})",
                  {"extends and resolved_from"}}),
    [](const ::testing::TestParamInfo<Malformed>& param_info) {
      std::string n = param_info.param.label;
      for (char& c : n) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return n;
    });

TEST(PolicySet, CyclicExtendsAcrossFiles) {
  TempDir dir;
  dir.write("a.json", R"({"name": "a", "extends": "b", "rules": []})");
  dir.write("b.json", R"({"name": "b", "extends": "c", "rules": []})");
  std::string c = dir.write("c.json", R"({"name": "c", "extends": "a", "rules": []})");
  auto set = PolicySet::load_file(c);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(msg(set.status()), HasSubstr("cyclic extends: c → a → b → c"));
  EXPECT_THAT(msg(set.status()), HasSubstr("policy file " + (fs::temp_directory_path() / "x").parent_path().string()));
  EXPECT_THAT(msg(set.status()), HasSubstr("b.json"));  // the file whose extends closes the cycle
  std::string self = dir.write("self.json", R"({"name": "self", "extends": "self", "rules": []})");
  auto s = PolicySet::load_file(self);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(msg(s.status()), HasSubstr("unknown policy set \"self\""));  // itself is skipped, no builtin
}

TEST(PolicySet, ErrorInABaseFileNamesThatFile) {
  TempDir dir;
  dir.write("base.json", R"({"name": "base", "extends": "national", "rules": [
      {"id": "petition.caps", "params": {"max_returns": -1}}]})");
  std::string top = dir.write("top.json", R"({"name": "top", "extends": "base", "rules": []})");
  auto set = PolicySet::load_file(top);
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(msg(set.status()), HasSubstr("base.json: rule petition.caps (rules[0]): field params.max_returns"));
  EXPECT_EQ(PolicySet::load_file(dir.write("x", "")).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PolicySet::load_file("/nonexistent/policy.json").status().code(), absl::StatusCode::kNotFound);
}

TEST(PolicySet, AFailedLoadChangesNothing) {
  TempDir dir;
  std::string good = dir.write("good.json", R"({"name": "good", "extends": "wuzhong", "rules": [
      {"id": "petition.caps", "params": {"max_returns": 1}}]})");
  auto set = PolicySet::load_file(good);
  ASSERT_TRUE(set.ok());
  const std::string before = set->to_json();
  // Rewrite the same file into a broken one: the loaded set is untouched, the reload fails.
  dir.write("good.json", R"({"name": "good", "extends": "wuzhong", "rules": [
      {"id": "petition.caps", "params": {"max_returns": "one"}}]})");
  auto again = PolicySet::load_file(good);
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(set->to_json(), before);
  EXPECT_EQ(json::parse(*set->rule_params_json("petition.caps")).at("max_returns").as_int64(), 1);
}

// ---- evaluation ----------------------------------------------------------------------

TEST(Evaluate, EvidenceCarriesTheNumbers) {
  auto sip = *PolicySet::load_builtin("suzhou-sip");
  std::string slate = R"({"type": "committee_slate", "id": "fhc", "candidates": [)";
  for (int i = 0; i < 9; ++i) {
    slate += std::string(i ? "," : "") + R"({"name": "c)" + std::to_string(i) + R"(", "party_member": )" +
             (i < 3 ? "true" : "false") + "}";
  }
  slate += R"(], "new_members": [{"name": "c0", "party_member": true}], "branch_members": ["c0"]})";
  auto f = sip.evaluate(slate);
  ASSERT_TRUE(f.ok()) << f.status();
  const Finding* ratio = find(*f, "committee.party_ratio", "candidates");
  ASSERT_NE(ratio, nullptr);
  EXPECT_TRUE(ratio->passed);
  EXPECT_EQ(ratio->subject, "fhc");
  EXPECT_EQ(ratio->severity, FindingSeverity::kWarning);
  EXPECT_EQ(ratio->evidence, "3 of 9 candidates are party members: 33.3% ≥ 30%");
  auto ev = json::parse(ratio->evidence_json);
  EXPECT_EQ(ev.at("party_members").as_int64(), 3);
  EXPECT_EQ(ev.at("total").as_int64(), 9);
  EXPECT_THAT(ratio->message_zh, HasSubstr("30%"));
  EXPECT_FALSE(ratio->message_en.empty());
  auto arr = json::parse(findings_to_json(*f));
  EXPECT_EQ(arr.as_array().size(), f->size());
  EXPECT_EQ(arr.as_array()[0].at("evidence_json").at("total").as_int64(), 9);
}

TEST(Evaluate, TwoThirdsIsExactWhereDoublesAreNot) {
  auto national = *PolicySet::load_builtin("national");
  // 0.1 + 0.2 style trouble: as doubles 20000.02 / 30000.03 is not exactly 2/3.
  auto vote = [&](const std::string& part) {
    auto f = national.evaluate(R"({"type": "owners_vote", "id": "v", "item": 6, "total_area": "30000.03",
        "total_owners": 3, "participating_area": ")" + part + R"(", "participating_owners": 2,
        "approving_area": "0", "approving_owners": 0})");
    EXPECT_TRUE(f.ok()) << f.status();
    return find(*f, "vote.owners_assembly", "quorum_area")->passed;
  };
  EXPECT_TRUE(vote("20000.02"));
  EXPECT_FALSE(vote("20000.0199"));
  EXPECT_TRUE(vote("20000.0201"));
  // Near the top of the range the products exceed 64 bits and must not overflow.
  auto big = national.evaluate(R"({"type": "owners_vote", "id": "big", "item": 1, "total_area": "900000000000000",
      "total_owners": 999999999, "participating_area": "600000000000000", "participating_owners": 666666666,
      "approving_area": "300000000000000.0001", "approving_owners": 333333334})");
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_TRUE(find(*big, "vote.owners_assembly", "quorum_area")->passed);
  EXPECT_TRUE(find(*big, "vote.owners_assembly", "quorum_owners")->passed);
  EXPECT_TRUE(find(*big, "vote.owners_assembly", "approval_area")->passed);
  EXPECT_TRUE(find(*big, "vote.owners_assembly", "approval_owners")->passed);
  auto too_big = national.evaluate(R"({"type": "owners_vote", "id": "x", "item": 1, "total_area": "9000000000000000",
      "total_owners": 1, "participating_area": "1", "participating_owners": 1, "approving_area": "1", "approving_owners": 1})");
  EXPECT_THAT(msg(too_big.status()), HasSubstr("field total_area: amount \"9000000000000000\" is too large"));
}

TEST(Evaluate, BadSubjectsNameTheField) {
  auto wuzhong = *PolicySet::load_builtin("wuzhong");
  struct Bad {
    const char* subject;
    const char* needle;
  };
  for (const Bad& b : std::initializer_list<Bad>{
           {R"(not json)", "subject: not valid JSON"},
           {R"([])", "must be a JSON object"},
           {R"({"id": "a"})", "subject a: field type: missing"},
           {R"({"type": "budget", "id": "a"})", "field type: unknown subject type \"budget\""},
           {R"({"type": "grid", "id": 7, "practical_projects": 1})", "field id: expected a non-empty string"},
           {R"({"type": "grid", "id": "g", "practical_projects": "1"})", "subject g (grid): field practical_projects"},
           {R"({"type": "unit", "id": "u", "form": "cell", "full_members": 3})", "field form: expected one of"},
           {R"({"type": "unit", "id": "u", "form": "joint_branch", "full_members": 3})", "field joint_units: missing"},
           {R"({"type": "unit", "id": "u", "form": "branch", "full_members": 5, "members": 4})", "field members: 4"},
           {R"({"type": "committee_slate", "id": "s", "candidates": [{"name": "a"}]})",
            "field candidates[0].party_member: missing"},
           {R"({"type": "committee_slate", "id": "s", "candidates": [{"name": "a", "party_member": true, "age": 3}]})",
            "field candidates[0].age: unknown field"},
           {R"({"type": "community", "id": "c", "service_fund": "1e5"})", "field service_fund: \"1e5\" is not"},
           {R"({"type": "community", "id": "c", "service_fund": "-5"})", "field service_fund: \"-5\" is not"},
           {R"({"type": "community", "id": "c", "service_fund": 1, "spending": [{"item": "x", "amount": 1.5}]})",
            "field spending[0].amount: got the floating-point number"},
           {R"({"type": "coverage", "id": "c", "compounds": [{"id": "x", "party_members": 3}]})",
            "field compounds[0].has_branch: missing"},
       }) {
    auto f = wuzhong.evaluate(b.subject);
    ASSERT_FALSE(f.ok()) << b.subject;
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument) << b.subject;
    EXPECT_THAT(msg(f.status()), HasSubstr(b.needle)) << b.subject;
  }
}

// 支部工作条例 第十一条: the yes votes are counted against all members with a vote.
TEST(Evaluate, PartyMotionNeedsMoreThanHalfOfAllVotingMembers) {
  auto national = *PolicySet::load_builtin("national");
  auto f = national.evaluate(R"({"type": "meeting_vote", "id": "motion", "body": "party_members_meeting",
      "members": 40, "attending": 25, "approving": 15})");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->size(), 2u);
  const Finding* quorum = find(*f, "vote.meeting", "quorum");
  const Finding* decision = find(*f, "vote.meeting", "decision");
  ASSERT_NE(quorum, nullptr);
  ASSERT_NE(decision, nullptr);
  EXPECT_TRUE(quorum->passed);
  EXPECT_EQ(quorum->evidence, "party_members_meeting: members with a vote attending: 25 of 40 = 62.50%, ≥ 1/2");
  EXPECT_FALSE(decision->passed);
  EXPECT_EQ(decision->severity, FindingSeverity::kError);
  EXPECT_THAT(decision->evidence, HasSubstr("yes votes of all members with a vote: 15 of 40 = 37.50%, not > 1/2"));
  EXPECT_THAT(decision->evidence, HasSubstr("15 of the 25 present is a majority of those present, which is not enough"));
  auto ev = json::parse(decision->evidence_json);
  EXPECT_EQ(ev.at("counted_of").as_string(), "members");
  EXPECT_EQ(ev.at("part").as_int64(), 15);
  EXPECT_EQ(ev.at("whole").as_int64(), 40);
  EXPECT_EQ(ev.at("threshold").at("fraction").as_string(), "1/2");
  EXPECT_FALSE(ev.at("threshold").at("inclusive").as_bool());
  EXPECT_THAT(decision->message_zh, HasSubstr("超过应到会有表决权的党员的半数"));
}

TEST(Evaluate, MeetingQuorumNamesTheRouteThatMetIt) {
  auto national = *PolicySet::load_builtin("national");
  auto f = national.evaluate(R"({"type": "meeting_vote", "id": "v", "body": "villagers_meeting", "members": 900,
      "attending": 200, "approving": 101, "households": 300, "attending_households": 200, "approving_households": 101})");
  ASSERT_TRUE(f.ok()) << f.status();
  const Finding* quorum = find(*f, "vote.meeting", "quorum");
  ASSERT_NE(quorum, nullptr);
  EXPECT_TRUE(quorum->passed);
  EXPECT_EQ(quorum->evidence,
            "villagers_meeting: members attending: 200 of 900 = 22.22%, not > 1/2; households represented (户的代表): "
            "200 of 300 = 66.66%, ≥ 2/3 (met by households)");
  auto ev = json::parse(quorum->evidence_json);
  EXPECT_EQ(ev.at("met_by").as_string(), "households");
  EXPECT_FALSE(ev.at("members").at("met").as_bool());
  EXPECT_TRUE(ev.at("households").at("met").as_bool());
  EXPECT_TRUE(find(*f, "vote.meeting", "decision")->passed);  // 101 of 200 attending
}

// Counts near the top of the range: cross-multiplication must not overflow.
TEST(Evaluate, MeetingThresholdsAreExactAtLargeCounts) {
  auto national = *PolicySet::load_builtin("national");
  auto quorum = [&](std::int64_t members, std::int64_t attending) {
    auto f = national.evaluate(R"({"type": "meeting_vote", "id": "big", "body": "villagers_representatives_meeting", "members": )" +
                               std::to_string(members) + R"(, "attending": )" + std::to_string(attending) +
                               R"(, "approving": 0})");
    EXPECT_TRUE(f.ok()) << f.status();
    return find(*f, "vote.meeting", "quorum")->passed;
  };
  EXPECT_TRUE(quorum(999'999'999, 666'666'666));  // exactly 2/3
  EXPECT_FALSE(quorum(999'999'999, 666'666'665));
  EXPECT_TRUE(quorum(1'000'000'000, 666'666'667));
  EXPECT_FALSE(quorum(1'000'000'000, 666'666'666));
}

// A malformed meeting subject is refused naming the field, and evaluation has no state
// to spoil: the same set gives the same findings before and after.
TEST(Evaluate, MalformedMeetingVotesNameTheFieldAndChangeNothing) {
  auto national = *PolicySet::load_builtin("national");
  const std::string before_set = national.to_json();
  const std::string good = R"({"type": "meeting_vote", "id": "g", "body": "villagers_representatives_meeting",
      "members": 45, "attending": 30, "approving": 20, "households": 150, "attending_households": 100,
      "approving_households": 76})";
  auto first = national.evaluate(good);
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string before = findings_to_json(*first);
  struct Bad {
    const char* subject;
    const char* needle;
  };
  for (const Bad& b : std::initializer_list<Bad>{
           {R"({"type": "meeting_vote", "id": "b", "body": "residents_meeting", "members": 100, "attending": 101, "approving": 1})",
            "subject b (meeting_vote): field attending: 101 exceeds members 100"},
           {R"({"type": "meeting_vote", "id": "b", "body": "residents_meeting", "members": 100, "attending": 50, "approving": 51})",
            "subject b (meeting_vote): field approving: 51 exceeds attending 50"},
           {R"({"type": "meeting_vote", "id": "b", "body": "villagers_meeting", "members": 100, "attending": 50, "approving": 30,
                "households": 40})",
            "subject b (meeting_vote): field attending_households: missing (required with households)"},
           {R"({"type": "meeting_vote", "id": "b", "body": "villagers_meeting", "members": 100, "attending": 50, "approving": 30,
                "households": 40, "attending_households": 41, "approving_households": 1})",
            "field attending_households: 41 exceeds households 40"},
           {R"({"type": "meeting_vote", "id": "b", "body": "party_members_meeting", "members": 10, "attending": 5, "approving": 3,
                "households": 4, "attending_households": 3, "approving_households": 2})",
            "field households: not used by a party_members_meeting"},
           {R"({"type": "meeting_vote", "id": "b", "members": 10, "attending": 5, "approving": 3})", "field body: missing"},
           {R"({"type": "meeting_vote", "id": "b", "body": "residents_meeting", "members": "10", "attending": 5, "approving": 3})",
            "field members: expected an integer"},
       }) {
    auto f = national.evaluate(b.subject);
    ASSERT_FALSE(f.ok()) << b.subject;
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument) << b.subject;
    EXPECT_THAT(msg(f.status()), HasSubstr(b.needle)) << b.subject;
  }
  auto after = national.evaluate(good);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(findings_to_json(*after), before);
  EXPECT_EQ(national.to_json(), before_set);
}

TEST(Evaluate, SubjectTypesWithoutRulesGiveNoFindings) {
  auto national = *PolicySet::load_builtin("national");
  auto f = national.evaluate(R"({"type": "community", "id": "c", "service_fund": 1})");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->empty());
}

// ---- data-driven policy tests ----------------------------------------------------------

TEST(PolicyTests, EveryCaseFilePasses) {
  auto report = run_policy_tests({kTests + "/cases"});
  ASSERT_TRUE(report.ok()) << report.status();
  for (const auto& c : report->cases) {
    for (const auto& m : c.mismatches) {
      ADD_FAILURE() << c.file << ": " << c.name << ": " << m.rule << (m.check.empty() ? "" : "." + m.check)
                    << ": expected " << m.expected << ", actual " << m.actual << " " << m.evidence;
    }
  }
  EXPECT_GT(report->passed(), 150u);
  EXPECT_EQ(report->failed(), 0u);
  EXPECT_EQ(report->summary(), std::to_string(report->passed()) + " passed, 0 failed");
}

TEST(PolicyTests, AWrongExpectationIsReported) {
  auto report = run_policy_tests({kTests + "/failing/wrong_expectation.json"});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->cases.size(), 4u);
  EXPECT_EQ(report->passed(), 0u);
  EXPECT_EQ(report->summary(), "0 passed, 4 failed");
  const auto& half = report->cases[0];
  EXPECT_EQ(half.name, "exactly half approves");
  ASSERT_EQ(half.mismatches.size(), 1u);  // the quorum expectation was right
  EXPECT_EQ(half.mismatches[0].rule, "vote.meeting");
  EXPECT_EQ(half.mismatches[0].check, "decision");
  EXPECT_EQ(half.mismatches[0].expected, "pass");
  EXPECT_EQ(half.mismatches[0].actual, "fail");
  EXPECT_THAT(half.mismatches[0].evidence, HasSubstr("30 of 60"));
  EXPECT_EQ(report->cases[1].mismatches[0].actual, "no finding");
  EXPECT_EQ(report->cases[2].mismatches[0].expected, "fail (severity error)");
  EXPECT_EQ(report->cases[2].mismatches[0].actual, "fail (severity warning)");
  EXPECT_THAT(report->cases[3].mismatches[0].expected, HasSubstr("error INVALID_ARGUMENT"));
}

TEST(PolicyTests, BrokenCaseFilesFailAndMissingPathsAreErrors) {
  TempDir dir;
  std::string broken = dir.write("broken.json", "{ nope");
  std::string typo = dir.write("typo.json", R"({"policy": "national", "subject": {"type": "grid", "id": "g", "practical_projects": 1},
      "expect": [{"rule": "grid.practical_project", "outcome": "pass"}]})");
  std::string bad_outcome = dir.write("outcome.json", R"({"policy": "national", "subject": {"type": "grid", "id": "g",
      "practical_projects": 1}, "expect": [{"rule": "grid.practical_projects", "outcome": "passes"}]})");
  auto report = run_policy_tests({broken, typo, bad_outcome});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->failed(), 3u);
  EXPECT_THAT(report->cases[0].mismatches[0].actual, HasSubstr("not valid JSON"));
  EXPECT_THAT(report->cases[1].mismatches[0].actual, HasSubstr("unknown rule id \"grid.practical_project\""));
  EXPECT_THAT(report->cases[2].mismatches[0].actual, HasSubstr("expected \"pass\", \"fail\" or \"absent\""));
  EXPECT_EQ(run_policy_tests({"/nonexistent/cases"}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(run_policy_tests({}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace jiceng
