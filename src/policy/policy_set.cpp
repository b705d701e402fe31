// Loading policy sets: parsing, `extends` resolution (files beside the file, then the
// built-in sets), merging overrides by rule id, and validating every rule's params
// against its schema. A set is built completely or not at all.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/internal.hpp"
#include "policy/response_template.hpp"

namespace jiceng {
namespace pi = policy_internal;
namespace json = boost::json;

std::string_view to_string(FindingSeverity severity) {
  switch (severity) {
    case FindingSeverity::kError: return "error";
    case FindingSeverity::kWarning: return "warning";
    case FindingSeverity::kInfo: return "info";
  }
  return "error";
}

std::optional<FindingSeverity> parse_finding_severity(std::string_view text) {
  if (text == "error") return FindingSeverity::kError;
  if (text == "warning") return FindingSeverity::kWarning;
  if (text == "info") return FindingSeverity::kInfo;
  return std::nullopt;
}

namespace {

namespace fs = std::filesystem;

// Where a set's text came from, and how its own `extends` is resolved.
struct Source {
  std::string text;
  std::string display;  // names the set in error messages: a path or "built-in national"
  std::string path;     // canonical file path; empty for built-in and in-memory text
};

const pi::EmbeddedPolicy* find_builtin(std::string_view name) {
  for (const auto& p : pi::embedded_policies()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string builtin_list() {
  std::vector<std::string> names;
  for (const auto& p : pi::embedded_policies()) names.emplace_back(p.name);
  return pi::join(names, ", ");
}

absl::StatusOr<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return absl::NotFoundError(pi::cat("policy file ", path, ": no such file"));
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(pi::cat("policy file ", path, ": cannot open"));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parses JSON text; errors name the source with line and column.
absl::StatusOr<json::value> parse_json(std::string_view text, std::string_view display) {
  json::parser parser;
  boost::system::error_code ec;
  std::size_t used = parser.write_some(text.data(), text.size(), ec);
  auto position = [&](std::size_t offset) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return pi::cat("line ", line, ", column ", col);
  };
  if (ec) {
    return absl::InvalidArgumentError(
        pi::cat((display), ": not valid JSON at ", position(used), ": ", ec.message()));
  }
  if (text.substr(used).find_first_not_of(" \t\r\n") != std::string_view::npos) {
    return absl::InvalidArgumentError(pi::cat((display), ": text after the JSON value at ", position(used)));
  }
  return parser.release();
}

absl::Status set_error(const Source& src, absl::string_view what) {
  return absl::InvalidArgumentError(pi::cat("policy file ", src.display, ": ", what));
}
absl::Status rule_error(const Source& src, std::string_view rule, std::size_t index, absl::string_view what) {
  return absl::InvalidArgumentError(
      pi::cat("policy file ", src.display, ": rule ", rule.empty() ? absl::string_view("?") : pi::av(rule), " (rules[", index, "]): ", what));
}

bool is_identifier(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  });
}

// The set `extends` names, as seen from `from`: a file <name>.json beside `from` (unless
// that is `from` itself), else a built-in set.
absl::StatusOr<Source> resolve_extends(std::string_view name, const Source& from) {
  if (!from.path.empty()) {
    fs::path candidate = fs::path(from.path).parent_path() / pi::cat((name), ".json");
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) {
      fs::path canon = fs::weakly_canonical(candidate, ec);
      if (canon.string() != from.path) {
        JICENG_ASSIGN_OR_RETURN(std::string text, read_file(candidate.string()));
        return Source{std::move(text), candidate.string(), canon.string()};
      }
    }
  }
  if (const auto* b = find_builtin(name)) {
    return Source{std::string(b->text), pi::cat("built-in ", pi::av(b->name)), ""};
  }
  std::string looked = from.path.empty()
                           ? std::string()
                           : pi::cat("no file ", (fs::path(from.path).parent_path() / pi::cat((name), ".json")).string(),
                                          " and ");
  return set_error(from, pi::cat("field extends: unknown policy set \"", pi::av(name), "\" (", looked,
                                      "no built-in set of that name; built-in: ", builtin_list(), ")"));
}

// A limit of DeadlineLimits by its name in the params.
const Duration* limit_named(const DeadlineLimits& l, std::string_view field) {
  static constexpr std::pair<std::string_view, Duration DeadlineLimits::*> kFields[] = {
      {"accept", &DeadlineLimits::accept},
      {"sign", &DeadlineLimits::sign},
      {"resolve", &DeadlineLimits::resolve},
      {"evaluate", &DeadlineLimits::evaluate},
      {"max_extension", &DeadlineLimits::max_extension},
      {"return_window", &DeadlineLimits::return_window},
      {"objection_window", &DeadlineLimits::objection_window},
      {"review_request", &DeadlineLimits::review_request},
      {"review_decide", &DeadlineLimits::review_decide}};
  for (const auto& [name, member] : kFields) {
    if (name == field) return &(l.*member);
  }
  return nullptr;
}

// Lint: an override of `petition.deadlines` that changes a limit for normal petitions of a
// category and not for urgent ones leaves urgent petitions of that category on the old
// limit — which may now be longer than the normal one. Legal, so a warning, not an error.
void lint_deadlines(const json::object& over, const DeadlinePolicy& resolved, const std::string& where,
                    std::vector<std::string>& warnings) {
  const json::value* cats = over.if_contains("categories");
  if (cats == nullptr || !cats->is_object()) return;
  for (const auto& [cat, per_urgency] : cats->get_object()) {
    if (!per_urgency.is_object()) continue;
    const json::value* normal = per_urgency.get_object().if_contains("normal");
    if (normal == nullptr || !normal->is_object()) continue;
    const json::value* urgent = per_urgency.get_object().if_contains("urgent");
    for (const auto& [field, value] : normal->get_object()) {
      if (urgent != nullptr && urgent->is_object() && urgent->get_object().contains(field)) continue;
      const std::string_view c(cat.data(), cat.size()), f(field.data(), field.size());
      const Duration* u = limit_named(resolved.limits(c, Urgency::kUrgent), f);
      const Duration* n = limit_named(resolved.limits(c, Urgency::kNormal), f);
      if (u == nullptr || n == nullptr) continue;
      warnings.push_back(pi::cat(where, ": categories.", pi::av(c), ".normal.", pi::av(f), " is set to ",
                                 format_duration(*n), " but categories.", pi::av(c), ".urgent.", pi::av(f),
                                 " is not: urgent ", pi::av(c), " petitions keep ", format_duration(*u),
                                 *u == *n ? "" : " (different from the normal limit)",
                                 "; set the urgent limit too, even to the same value, to say it is intended"));
    }
  }
}

constexpr std::string_view kRuleKeys[] = {"id", "params", "severity", "message_zh", "message_en", "source"};

// Most sets in one chain of `extends` (the set itself included). Real chains are a few
// levels (national → province → city → district); each level is a frame of load(), so an
// unbounded chain (thousands of files) overflowed the stack.
constexpr std::size_t kMaxExtendsDepth = 64;

absl::StatusOr<std::shared_ptr<PolicySet::Impl>> load(const Source& src, std::vector<std::pair<std::string, std::string>>& stack) {
  JICENG_ASSIGN_OR_RETURN(json::value root, parse_json(src.text, pi::cat("policy file ", src.display)));
  if (!root.is_object()) return set_error(src, "must be a JSON object");
  const json::object& top = root.get_object();
  for (const auto& kv : top) {
    std::string_view k = kv.key();
    if (k != "name" && k != "extends" && k != "description" && k != "rules" && k != "resolved_from") {
      return set_error(src, pi::cat("field ", pi::av(k),
                                         ": unknown (expected name, extends, description, rules, resolved_from)"));
    }
  }
  const json::value* name_v = top.if_contains("name");
  if (name_v == nullptr) return set_error(src, "field name: missing");
  if (!name_v->is_string() || !is_identifier(name_v->get_string())) {
    return set_error(src, pi::cat("field name: expected a lower-case identifier, got ", pi::describe(*name_v)));
  }
  std::string name(name_v->get_string());
  std::string description;
  if (const json::value* d = top.if_contains("description")) {
    if (!d->is_string()) return set_error(src, pi::cat("field description: expected a string, got ", pi::describe(*d)));
    description = std::string(d->get_string());
  }
  const json::value* rules_v = top.if_contains("rules");
  if (rules_v == nullptr) return set_error(src, "field rules: missing");
  if (!rules_v->is_array()) return set_error(src, pi::cat("field rules: expected an array, got ", pi::describe(*rules_v)));

  stack.emplace_back(src.path.empty() ? src.display : src.path, name);

  auto impl = std::make_shared<PolicySet::Impl>();
  const json::value* ext = top.if_contains("extends");
  const json::value* resolved_from = top.if_contains("resolved_from");
  if (ext != nullptr && resolved_from != nullptr) {
    return set_error(src, "fields extends and resolved_from: a set has one or the other, not both");
  }
  if (ext != nullptr) {
    if (!ext->is_string() || !is_identifier(ext->get_string())) {
      return set_error(src, pi::cat("field extends: expected the name of a policy set, got ", pi::describe(*ext)));
    }
    JICENG_ASSIGN_OR_RETURN(Source base_src, resolve_extends(ext->get_string(), src));
    // A cycle is the same source met twice (a file may extend the built-in set of its own
    // name); the error names the file whose `extends` closes it.
    const std::string base_key = base_src.path.empty() ? base_src.display : base_src.path;
    auto seen = std::find_if(stack.begin(), stack.end(), [&](const auto& e) { return e.first == base_key; });
    if (seen != stack.end()) {
      std::vector<std::string> names;
      for (auto it = seen; it != stack.end(); ++it) names.push_back(it->second);
      names.push_back(seen->second);
      return set_error(src, pi::cat("field extends: cyclic extends: ", pi::join(names, " → ")));
    }
    if (stack.size() >= kMaxExtendsDepth) {
      std::vector<std::string> names;
      for (std::size_t k = 0; k < stack.size(); ++k) {
        if (k == 3 && stack.size() > 6) {
          names.push_back(pi::cat("… (", stack.size() - 6, " more)"));
          k = stack.size() - 3;
        }
        names.push_back(stack[k].second);
      }
      const std::string_view base_name = ext->get_string();
      return set_error(src, pi::cat("field extends: \"", pi::av(base_name), "\" would make the chain of extended sets ",
                                    stack.size() + 1, " long, more than the ", kMaxExtendsDepth, " allowed (",
                                    pi::join(names, " → "), " → ", pi::av(base_name), ")"));
    }
    JICENG_ASSIGN_OR_RETURN(auto base, load(base_src, stack));
    *impl = *base;
  }
  impl->name = name;
  impl->description = description;
  impl->chain.insert(impl->chain.begin(), name);
  if (resolved_from != nullptr) {
    bool ok = resolved_from->is_array() && !resolved_from->get_array().empty();
    std::vector<std::string> chain;
    if (ok) {
      for (const auto& e : resolved_from->get_array()) {
        if (!e.is_string() || !is_identifier(e.get_string())) {
          ok = false;
          break;
        }
        chain.emplace_back(e.get_string());
      }
    }
    if (!ok || chain.front() != name) {
      return set_error(src, "field resolved_from: expected an array of set names starting with this set's name");
    }
    impl->chain = std::move(chain);
  }

  absl::flat_hash_map<std::string, std::size_t> seen_here;
  const auto& rules = rules_v->get_array();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (!rules[i].is_object()) return rule_error(src, "", i, pi::cat("expected an object, got ", pi::describe(rules[i])));
    const json::object& r = rules[i].get_object();
    const json::value* id_v = r.if_contains("id");
    if (id_v == nullptr) return rule_error(src, "", i, "field id: missing");
    if (!id_v->is_string()) return rule_error(src, "", i, pi::cat("field id: expected a string, got ", pi::describe(*id_v)));
    std::string id(id_v->get_string());
    const pi::Schema* schema = pi::rule_schema(id);
    if (schema == nullptr) {
      return rule_error(src, id, i, pi::cat("field id: unknown rule id (known: ", pi::join(pi::known_rules(), ", "), ")"));
    }
    if (auto [it, fresh] = seen_here.emplace(id, i); !fresh) {
      return rule_error(src, id, i, pi::cat("field id: the rule is already given at rules[", it->second, "]"));
    }
    for (const auto& kv : r) {
      if (std::find(std::begin(kRuleKeys), std::end(kRuleKeys), kv.key()) == std::end(kRuleKeys)) {
        return rule_error(src, id, i, pi::cat("field ", pi::av(kv.key()),
                                                   ": unknown (expected id, params, severity, message_zh, message_en, source)"));
      }
    }
    auto existing = impl->index.find(id);
    const bool is_override = existing != impl->index.end();
    // A superseded rule is in no built-in set any more: an old file that only overrides it
    // starts from its last built-in definition, so it still loads. Given in full, it is
    // taken as written (so a resolved set round-trips).
    const bool complete = std::all_of(std::begin(kRuleKeys), std::end(kRuleKeys), [&](std::string_view k) { return r.contains(k); });
    const pi::Superseded* retired = is_override || complete ? nullptr : pi::superseded(id);
    const bool has_base = is_override || retired != nullptr;
    // A new rule spells everything out; an override gives only what it changes.
    if (!has_base) {
      for (std::string_view k : kRuleKeys) {
        if (!r.contains(k)) {
          return rule_error(src, id, i, pi::cat("field ", pi::av(k), ": missing (required for a rule that ", name,
                                                     " introduces; an override of an extended rule may omit it)"));
        }
      }
    }
    pi::Rule rule;
    if (is_override) rule = impl->rules[existing->second];
    if (retired != nullptr) {
      const json::object def = json::parse(retired->definition).as_object();
      rule.params = def.at("params").as_object();
      rule.severity = *parse_finding_severity(def.at("severity").as_string());
      rule.message_zh = std::string(def.at("message_zh").as_string());
      rule.message_en = std::string(def.at("message_en").as_string());
      rule.source = std::string(def.at("source").as_string());
    }
    rule.id = id;
    rule.origin = name;
    if (!is_override) rule.defined_in = name;
    if (const json::value* p = r.if_contains("params")) {
      if (!p->is_object()) return rule_error(src, id, i, pi::cat("field params: expected an object, got ", pi::describe(*p)));
      // Type-check the override on its own first so the error points at what this file says.
      absl::Status st = pi::validate(*p, *schema, "params", /*partial=*/true);
      if (!st.ok()) return rule_error(src, id, i, st.message());
      pi::merge_into(rule.params, p->get_object());
    }
    absl::Status st = pi::validate(json::value(rule.params), *schema, "params", /*partial=*/false);
    if (!st.ok()) {
      return rule_error(src, id, i, pi::cat(st.message(), has_base ? " (after merging over the extended set)" : ""));
    }
    if (const json::value* s = r.if_contains("severity")) {
      std::optional<FindingSeverity> sev = s->is_string() ? parse_finding_severity(s->get_string()) : std::nullopt;
      if (!sev) {
        return rule_error(src, id, i, pi::cat("field severity: expected \"error\", \"warning\" or \"info\", got ",
                                                   pi::describe(*s)));
      }
      rule.severity = *sev;
    }
    for (auto [mkey, member] : {std::pair{"message_zh", &pi::Rule::message_zh}, std::pair{"message_en", &pi::Rule::message_en},
                               std::pair{"source", &pi::Rule::source}}) {
      if (const json::value* m = r.if_contains(mkey)) {
        if (!m->is_string() || m->get_string().empty()) {
          return rule_error(src, id, i, pi::cat("field ", mkey, ": expected a non-empty string, got ", pi::describe(*m)));
        }
        if (has_base && std::string_view(mkey) == "source" && !rule.source.empty()) {
          // Keep the provenance of what was overridden.
          rule.source = pi::cat((m->get_string()), " | ", rule.source);
        } else {
          rule.*member = std::string(m->get_string());
        }
      }
    }
    if (id == "petition.deadlines") {
      // The engine reads these params through DeadlinePolicy; refuse what it would refuse.
      auto dp = DeadlinePolicy::from_json(json::serialize(rule.params),
                                          pi::cat("policy file ", src.display, ": rule ", id, " (rules[", i, "]): params"));
      if (!dp.ok()) return absl::InvalidArgumentError(dp.status().message());
      impl->deadlines = *std::move(dp);
      if (const json::value* p = r.if_contains("params")) {
        lint_deadlines(p->get_object(), *impl->deadlines, pi::cat("policy file ", src.display, ": rule ", id, " (rules[", i, "])"),
                       impl->warnings);
      }
    }
    if (id == "petition.responses") {
      // The lint: a template whose placeholder the engine cannot fill refuses the set.
      for (const auto& [cat, per_state] : rule.params.at("templates").as_object()) {
        for (const auto& [state, text] : per_state.as_object()) {
          if (absl::Status bad = pi::check_response(std::string_view(text.as_string())); !bad.ok()) {
            return rule_error(src, id, i,
                              pi::cat("field params.templates.", pi::av(std::string_view(cat)), ".",
                                      pi::av(std::string_view(state)), " (category ", pi::av(std::string_view(cat)),
                                      ", state ", pi::av(std::string_view(state)), "): ", bad.message()));
          }
        }
      }
    }
    if (is_override) {
      impl->rules[existing->second] = std::move(rule);
    } else {
      impl->index.emplace(id, impl->rules.size());
      impl->rules.push_back(std::move(rule));
    }
  }
  // Compatibility: a file that changes the supervision timings of petition.escalation_ceiling
  // and gives no ladder of its own meant those timings, as before the ladder was data. The
  // ladder it extends is replaced by the one its timings make (a warning says so).
  if (auto ceiling = seen_here.find("petition.escalation_ceiling");
      ceiling != seen_here.end() && !seen_here.contains("petition.escalation_ladder")) {
    const json::value* over = rules[ceiling->second].get_object().if_contains("params");
    const json::value* sup = over != nullptr ? over->get_object().if_contains("supervision") : nullptr;
    auto ladder = impl->index.find("petition.escalation_ladder");
    if (sup != nullptr && sup->is_object() && ladder != impl->index.end()) {
      const json::object& timings =
          impl->rules[impl->index.at("petition.escalation_ceiling")].params.at("supervision").as_object();
      json::array rungs;
      for (auto [key, anchor, level, action] : {std::tuple{"urge_before_due", "before_due", 1, "warn"},
                                                std::tuple{"escalate_after_overdue", "after_due", 2, "reassign"}}) {
        auto d = parse_duration(std::string_view(timings.at(key).as_string()));
        if (d.ok() && d->amount > 0) {
          rungs.push_back(json::object{{anchor, timings.at(key)}, {"level", level}, {"action", action}});
        }
      }
      pi::Rule& rule = impl->rules[ladder->second];
      rule.params["rungs"] = std::move(rungs);
      rule.origin = name;
      impl->warnings.push_back(pi::cat(
          "policy file ", src.display, ": rule petition.escalation_ceiling (rules[", ceiling->second,
          "]): params.supervision changes the clock's timings without a petition.escalation_ladder: the ladder is "
          "derived from them (warn urge_before_due before the deadline, reassign escalate_after_overdue after it); "
          "give petition.escalation_ladder to say it is intended"));
    }
  }
  stack.pop_back();
  return impl;
}

template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {  // allocation failure, Boost.JSON, filesystem: never across the API
    return absl::InternalError(pi::cat("policy: ", e.what()));
  }
}

}  // namespace

PolicySet::PolicySet(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

absl::StatusOr<PolicySet> PolicySet::load_builtin(std::string_view name) {
  return guarded([&]() -> absl::StatusOr<PolicySet> {
    const auto* b = find_builtin(name);
    if (b == nullptr) {
      return absl::NotFoundError(pi::cat("policy set \"", pi::av(name), "\": no built-in set of that name (built-in: ",
                                              builtin_list(), ")"));
    }
    std::vector<std::pair<std::string, std::string>> stack;
    JICENG_ASSIGN_OR_RETURN(auto impl, load(Source{std::string(b->text), pi::cat("built-in ", pi::av(b->name)), ""}, stack));
    return PolicySet(std::move(impl));
  });
}

absl::StatusOr<PolicySet> PolicySet::load_file(const std::string& path) {
  return guarded([&]() -> absl::StatusOr<PolicySet> {
    JICENG_ASSIGN_OR_RETURN(std::string text, read_file(path));
    std::error_code ec;
    std::string canon = fs::weakly_canonical(fs::path(path), ec).string();
    std::vector<std::pair<std::string, std::string>> stack;
    JICENG_ASSIGN_OR_RETURN(auto impl, load(Source{std::move(text), path, canon}, stack));
    return PolicySet(std::move(impl));
  });
}

absl::StatusOr<PolicySet> PolicySet::from_json(std::string_view text, std::string_view source_name) {
  return guarded([&]() -> absl::StatusOr<PolicySet> {
    std::vector<std::pair<std::string, std::string>> stack;
    JICENG_ASSIGN_OR_RETURN(auto impl, load(Source{std::string(text), std::string(source_name), ""}, stack));
    return PolicySet(std::move(impl));
  });
}

const std::string& PolicySet::name() const { return impl_->name; }
const std::string& PolicySet::description() const { return impl_->description; }
std::vector<std::string> PolicySet::chain() const { return impl_->chain; }
bool PolicySet::has_rule(std::string_view rule_id) const { return impl_->index.contains(pi::av(rule_id)); }

std::vector<std::string> PolicySet::rule_ids() const {
  std::vector<std::string> out;
  for (const auto& r : impl_->rules) out.push_back(r.id);
  return out;
}

absl::StatusOr<std::string> PolicySet::rule_params_json(std::string_view rule_id) const {
  auto it = impl_->index.find(pi::av(rule_id));
  if (it == impl_->index.end()) {
    return absl::NotFoundError(pi::cat("policy set ", impl_->name, ": no rule ", pi::av(rule_id)));
  }
  return guarded([&]() -> absl::StatusOr<std::string> { return json::serialize(impl_->rules[it->second].params); });
}

absl::StatusOr<std::string> PolicySet::rule_origin(std::string_view rule_id) const {
  auto it = impl_->index.find(pi::av(rule_id));
  if (it == impl_->index.end()) {
    return absl::NotFoundError(pi::cat("policy set ", impl_->name, ": no rule ", pi::av(rule_id)));
  }
  return impl_->rules[it->second].origin;
}

const std::vector<std::string>& PolicySet::warnings() const { return impl_->warnings; }

std::vector<std::string> PolicySet::rule_checks(std::string_view rule_id) { return pi::rule_checks(rule_id); }

absl::StatusOr<FindingSeverity> PolicySet::rule_severity(std::string_view rule_id) const {
  auto it = impl_->index.find(pi::av(rule_id));
  if (it == impl_->index.end()) {
    return absl::NotFoundError(pi::cat("policy set ", impl_->name, ": no rule ", pi::av(rule_id)));
  }
  return impl_->rules[it->second].severity;
}

absl::StatusOr<std::vector<Finding>> PolicySet::evaluate(std::string_view subject_json) const {
  return guarded([&]() -> absl::StatusOr<std::vector<Finding>> {
    JICENG_ASSIGN_OR_RETURN(json::value v, parse_json(subject_json, "subject"));
    if (!v.is_object()) return absl::InvalidArgumentError("subject: must be a JSON object with a \"type\"");
    return pi::evaluate_subject(*impl_, v.get_object());
  });
}

std::string PolicySet::to_json() const {
  json::object top;
  top["name"] = impl_->name;
  if (!impl_->description.empty()) top["description"] = impl_->description;
  json::array chain;
  for (const auto& c : impl_->chain) chain.emplace_back(c);
  top["resolved_from"] = std::move(chain);
  json::array rules;
  for (const auto& r : impl_->rules) {
    json::object o;
    o["id"] = r.id;
    o["params"] = r.params;
    o["severity"] = to_string(r.severity);
    o["message_zh"] = r.message_zh;
    o["message_en"] = r.message_en;
    o["source"] = r.source;
    rules.emplace_back(std::move(o));
  }
  top["rules"] = std::move(rules);
  return json::serialize(top);
}

std::vector<std::string> PolicySet::known_rule_ids() { return pi::known_rules(); }

std::string_view PolicySet::superseded_by(std::string_view rule_id) {
  const pi::Superseded* s = pi::superseded(rule_id);
  return s == nullptr ? std::string_view() : s->by;
}

std::vector<std::string> PolicySet::builtin_names() {
  std::vector<std::string> out;
  for (const auto& p : pi::embedded_policies()) out.emplace_back(p.name);
  return out;
}

std::string findings_to_json(const std::vector<Finding>& findings) {
  json::array arr;
  for (const auto& f : findings) {
    json::object o;
    o["rule"] = f.rule;
    o["check"] = f.check;
    o["severity"] = to_string(f.severity);
    o["passed"] = f.passed;
    o["subject"] = f.subject;
    o["message_zh"] = f.message_zh;
    o["message_en"] = f.message_en;
    o["evidence"] = f.evidence;
    boost::system::error_code ec;
    json::value ev = json::parse(f.evidence_json, ec);
    o["evidence_json"] = ec ? json::value(f.evidence_json) : std::move(ev);
    arr.emplace_back(std::move(o));
  }
  return json::serialize(arr);
}

}  // namespace jiceng
