// PetitionPolicy: the loop's rules read once out of a policy set, so that no command
// reads JSON (petition.deadlines, petition.routing, petition.caps,
// petition.escalation_ceiling, kpi.weights).
#include <algorithm>
#include <exception>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/strings.hpp"
#include "jiceng/petition.hpp"
#include "jiceng/policy.hpp"

namespace jiceng {
namespace {

namespace json = boost::json;

absl::Status field_error(std::string_view rule, std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(internal::cat("policy rule ", rule, ": ", field, ": ", what));
}

absl::StatusOr<json::object> params(const PolicySet& set, std::string_view rule) {
  auto text = set.rule_params_json(rule);
  if (!text.ok()) return text.status();
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return field_error(rule, "params", "not a JSON object");
  return v.as_object();
}

absl::StatusOr<int> get_int(const json::object& o, std::string_view rule, std::string_view key, int lo, int hi) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_int64()) return field_error(rule, key, "missing or not an integer");
  const auto x = v->as_int64();
  if (x < lo || x > hi) return field_error(rule, key, internal::cat(x, " is outside [", lo, ", ", hi, "]"));
  return static_cast<int>(x);
}

absl::StatusOr<Duration> get_duration(const json::object& o, std::string_view rule, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return field_error(rule, key, "missing or not a duration string like \"1wd\"");
  auto d = parse_duration(std::string_view(v->as_string()));
  if (!d.ok()) return field_error(rule, key, std::string(d.status().message()));
  return *d;
}

}  // namespace

CategoryRoute PetitionPolicy::route(std::string_view category) const {
  auto it = std::lower_bound(routes.begin(), routes.end(), category,
                             [](const auto& p, std::string_view c) { return p.first < c; });
  return (it != routes.end() && it->first == category) ? it->second : default_route;
}

absl::StatusOr<PetitionPolicy> PetitionPolicy::from_policy_set(const PolicySet& set) {
  try {
    PetitionPolicy p;
    p.name = set.name();
    if (set.has_rule("petition.deadlines")) {
      auto text = set.rule_params_json("petition.deadlines");
      if (!text.ok()) return text.status();
      auto dp = DeadlinePolicy::from_json(*text, internal::cat(set.name(), ": petition.deadlines"));
      if (!dp.ok()) return dp.status();
      p.deadlines = *std::move(dp);
    }
    p.track = p.deadlines.track() == "xinfang" ? Track::kXinfang : Track::kHotline;
    if (set.has_rule("petition.routing")) {
      constexpr std::string_view rule = "petition.routing";
      auto o = params(set, rule);
      if (!o.ok()) return o.status();
      const json::value* cats = o->if_contains("categories");
      if (!cats || !cats->is_object()) return field_error(rule, "categories", "missing or not an object");
      for (const auto& [key, val] : cats->as_object()) {
        const std::string field = internal::cat("categories.", std::string_view(key));
        if (!val.is_object()) return field_error(rule, field, "not an object");
        CategoryRoute r;
        auto level = get_int(val.as_object(), rule, "level", 0, 5);
        if (!level.ok()) return field_error(rule, field, std::string(level.status().message()));
        r.level = *level;
        if (const json::value* b = val.as_object().if_contains("prefer_property_branch")) {
          if (!b->is_bool()) return field_error(rule, internal::cat(field, ".prefer_property_branch"), "not a boolean");
          r.prefer_property_branch = b->as_bool();
        }
        if (key == "default") {
          p.default_route = r;
        } else {
          p.routes.emplace_back(std::string(key), r);
        }
      }
      std::sort(p.routes.begin(), p.routes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    if (set.has_rule("petition.caps")) {
      constexpr std::string_view rule = "petition.caps";
      auto o = params(set, rule);
      if (!o.ok()) return o.status();
      JICENG_ASSIGN_OR_RETURN(p.caps.max_returns, get_int(*o, rule, "max_returns", 0, 100));
      JICENG_ASSIGN_OR_RETURN(p.caps.max_reopens, get_int(*o, rule, "max_reopens", 0, 100));
      JICENG_ASSIGN_OR_RETURN(p.caps.max_extensions, get_int(*o, rule, "max_extensions", 0, 100));
      JICENG_ASSIGN_OR_RETURN(p.caps.max_reviews, get_int(*o, rule, "max_reviews", 0, 10));
      JICENG_ASSIGN_OR_RETURN(p.caps.max_text_bytes, get_int(*o, rule, "max_text_bytes", 1, 100'000'000));
    }
    if (set.has_rule("petition.escalation_ceiling")) {
      constexpr std::string_view rule = "petition.escalation_ceiling";
      auto o = params(set, rule);
      if (!o.ok()) return o.status();
      JICENG_ASSIGN_OR_RETURN(p.escalation.ceiling_level[0], get_int(*o, rule, "minor", 0, 5));
      JICENG_ASSIGN_OR_RETURN(p.escalation.ceiling_level[1], get_int(*o, rule, "major", 0, 5));
      JICENG_ASSIGN_OR_RETURN(p.escalation.ceiling_level[2], get_int(*o, rule, "critical", 0, 5));
      // The supervision timings may sit in a "supervision" object or at the top level.
      const json::object* sup = &*o;
      if (const json::value* s = o->if_contains("supervision")) {
        if (!s->is_object()) return field_error(rule, "supervision", "not an object");
        sup = &s->as_object();
      }
      if (sup->contains("escalate_after_overdue")) {
        JICENG_ASSIGN_OR_RETURN(p.escalation.escalate_after_overdue, get_duration(*sup, rule, "escalate_after_overdue"));
      }
      if (sup->contains("urge_before_due")) {
        JICENG_ASSIGN_OR_RETURN(p.escalation.urge_before_due, get_duration(*sup, rule, "urge_before_due"));
      }
    }
    if (set.has_rule("kpi.weights")) {
      auto text = set.rule_params_json("kpi.weights");
      if (!text.ok()) return text.status();
      p.kpi_weights_json = *text;
    }
    return p;
  } catch (const std::exception& e) {
    return absl::InternalError(internal::cat("policy ", set.name(), ": reading petition rules: ", e.what()));
  }
}

}  // namespace jiceng
