// capi/policy.cpp — policy sets (政策规则集), evaluation and policy tests through the C ABI.
#include <vector>

#include <boost/json.hpp>

#include "capi/internal.hpp"
#include "src/cli/policy_router.hpp"
#include "jiceng/policy.hpp"

struct jc_policy {
  jiceng::PolicySet set;
};

namespace {

jc_status need_policy(const jc_policy* p, const char* fn) {
  if (p == nullptr) return jc::fail(JC_INVALID_ARGUMENT, std::string(fn) + ": policy is NULL");
  return JC_OK;
}

jc_status make(jc_policy** out, absl::StatusOr<jiceng::PolicySet> set, const char* fn) {
  if (!set.ok()) return jc::from_status(set.status(), fn);
  *out = new jc_policy{std::move(*set)};
  return JC_OK;
}

boost::json::array strings(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// The case paths of a policy-test call, each checked as a UTF-8 argument.
jc_status path_list(std::vector<std::string>* v, const char* const* paths, size_t count, const char* fn) {
  if (paths == nullptr && count != 0) return jc::fail(JC_INVALID_ARGUMENT, std::string(fn) + ": paths is NULL");
  for (size_t i = 0; i < count; ++i) {
    std::string_view p;
    const std::string what = jc::cat("paths[", i, "]");
    JC_CHECK(jc::text(&p, paths[i], fn, what.c_str()));
    v->emplace_back(p);
  }
  return JC_OK;
}
}  // namespace

extern "C" {

jc_status jc_policy_load_builtin(jc_policy** out, const char* name) {
  JC_GUARD("jc_policy_load_builtin") {
    JC_CHECK(jc::need(out, "jc_policy_load_builtin", "out"));
    std::string_view n;
    JC_CHECK(jc::text(&n, name, "jc_policy_load_builtin", "name"));
    return make(out, jiceng::PolicySet::load_builtin(n), "jc_policy_load_builtin");
  });
}

jc_status jc_policy_load_file(jc_policy** out, const char* path) {
  JC_GUARD("jc_policy_load_file") {
    JC_CHECK(jc::need(out, "jc_policy_load_file", "out"));
    std::string_view p;
    JC_CHECK(jc::text(&p, path, "jc_policy_load_file", "path"));
    return make(out, jiceng::PolicySet::load_file(std::string(p)), "jc_policy_load_file");
  });
}

jc_status jc_policy_from_json(jc_policy** out, const char* text, size_t len, const char* source_name) {
  JC_GUARD("jc_policy_from_json") {
    JC_CHECK(jc::need(out, "jc_policy_from_json", "out"));
    std::string_view t, s;
    JC_CHECK(jc::text(&t, text, len, "jc_policy_from_json", "text"));
    JC_CHECK(jc::text(&s, source_name, "jc_policy_from_json", "source_name", true));
    return make(out, jiceng::PolicySet::from_json(t, s.empty() ? "policy.json" : s), "jc_policy_from_json");
  });
}

void jc_policy_free(jc_policy* policy) { delete policy; }

jc_status jc_policy_name(char* buf, size_t size, size_t* out_len, const jc_policy* policy) {
  JC_GUARD("jc_policy_name") {
    JC_CHECK(need_policy(policy, "jc_policy_name"));
    return jc::out_buffer(buf, size, out_len, policy->set.name(), "jc_policy_name");
  });
}

jc_status jc_policy_info_json(char** out, const jc_policy* policy) {
  JC_GUARD("jc_policy_info_json") {
    JC_CHECK(jc::need(out, "jc_policy_info_json", "out"));
    JC_CHECK(need_policy(policy, "jc_policy_info_json"));
    boost::json::object o;
    o["name"] = policy->set.name();
    o["description"] = policy->set.description();
    o["chain"] = strings(policy->set.chain());
    o["rules"] = strings(policy->set.rule_ids());
    return jc::out_string(out, boost::json::serialize(o), "jc_policy_info_json");
  });
}

jc_status jc_policy_rule_params_json(char** out, const jc_policy* policy, const char* rule) {
  JC_GUARD("jc_policy_rule_params_json") {
    JC_CHECK(jc::need(out, "jc_policy_rule_params_json", "out"));
    JC_CHECK(need_policy(policy, "jc_policy_rule_params_json"));
    std::string_view r;
    JC_CHECK(jc::text(&r, rule, "jc_policy_rule_params_json", "rule"));
    auto p = policy->set.rule_params_json(r);
    if (!p.ok()) return jc::from_status(p.status(), "jc_policy_rule_params_json");
    return jc::out_string(out, *p, "jc_policy_rule_params_json");
  });
}

jc_status jc_policy_to_json(char** out, const jc_policy* policy) {
  JC_GUARD("jc_policy_to_json") {
    JC_CHECK(jc::need(out, "jc_policy_to_json", "out"));
    JC_CHECK(need_policy(policy, "jc_policy_to_json"));
    return jc::out_string(out, policy->set.to_json(), "jc_policy_to_json");
  });
}

jc_status jc_policy_builtin_names_json(char** out) {
  JC_GUARD("jc_policy_builtin_names_json") {
    JC_CHECK(jc::need(out, "jc_policy_builtin_names_json", "out"));
    return jc::out_string(out, boost::json::serialize(strings(jiceng::PolicySet::builtin_names())),
                          "jc_policy_builtin_names_json");
  });
}

jc_status jc_policy_evaluate(char** out, const jc_policy* policy, const char* subject_json, size_t len) {
  JC_GUARD("jc_policy_evaluate") {
    JC_CHECK(jc::need(out, "jc_policy_evaluate", "out"));
    JC_CHECK(need_policy(policy, "jc_policy_evaluate"));
    std::string_view s;
    JC_CHECK(jc::text(&s, subject_json, len, "jc_policy_evaluate", "subject_json"));
    auto f = policy->set.evaluate(s);
    if (!f.ok()) return jc::from_status(f.status(), "jc_policy_evaluate");
    return jc::out_string(out, jiceng::findings_to_json(*f), "jc_policy_evaluate");
  });
}

jc_status jc_policy_run_tests(char** out, size_t* failed, const char* const* paths, size_t count) {
  JC_GUARD("jc_policy_run_tests") {
    JC_CHECK(jc::need(out, "jc_policy_run_tests", "out"));
    std::vector<std::string> v;
    JC_CHECK(path_list(&v, paths, count, "jc_policy_run_tests"));
    auto r = jiceng::run_policy_tests(v);
    if (!r.ok()) return jc::from_status(r.status(), "jc_policy_run_tests");
    boost::json::object o;
    o["passed"] = r->passed();
    o["failed"] = r->failed();
    o["summary"] = r->summary();
    boost::json::array cases;
    for (const auto& c : r->cases) {
      boost::json::object co;
      co["file"] = c.file;
      co["name"] = c.name;
      co["passed"] = c.passed;
      boost::json::array ms;
      for (const auto& m : c.mismatches) {
        ms.emplace_back(boost::json::object{{"rule", m.rule}, {"check", m.check}, {"expected", m.expected},
                                            {"actual", m.actual}, {"evidence", m.evidence}});
      }
      co["mismatches"] = std::move(ms);
      cases.emplace_back(std::move(co));
    }
    o["cases"] = std::move(cases);
    JC_CHECK(jc::out_string(out, boost::json::serialize(o), "jc_policy_run_tests"));
    if (failed != nullptr) *failed = r->failed();
    return JC_OK;
  });
}

jc_status jc_policy_test_report(char** out, size_t* failed, const char* const* paths, size_t count, const char* run) {
  JC_GUARD("jc_policy_test_report") {
    JC_CHECK(jc::need(out, "jc_policy_test_report", "out"));
    std::vector<std::string> v;
    JC_CHECK(path_list(&v, paths, count, "jc_policy_test_report"));
    std::string_view pattern;
    JC_CHECK(jc::text(&pattern, run, "jc_policy_test_report", "run", true));
    jiceng::PolicyTestOptions options;
    options.run = std::string(pattern);
    options.route = jiceng::cli::route_through_engine;  // routing cases as `jiceng policy test` runs them
    auto r = jiceng::run_policy_tests(v, options);
    if (!r.ok()) return jc::from_status(r.status(), "jc_policy_test_report");
    // The runner's JSON as it wrote it, plus the coverage text: not parsed again, since
    // Boost.JSON's parser may move a double's last bit (a coverage percent would then differ
    // from what `jiceng policy test --format json` prints).
    std::string doc = r->to_json();
    doc.pop_back();  // its closing brace
    doc += ",\"coverage_text\":";
    doc += boost::json::serialize(boost::json::value(r->coverage_text()));
    doc += '}';
    JC_CHECK(jc::out_string(out, doc, "jc_policy_test_report"));
    if (failed != nullptr) *failed = r->failed();
    return JC_OK;
  });
}
}  // extern "C"
