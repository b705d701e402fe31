// deliberation.procedures (议事程序): which procedure a matter of a kind follows at a scope,
// and the owners' matters of 民法典 第二百七十八条 — read by the `matter` subject's evaluator
// (rules.cpp) and by the deliberation loop (src/loop/deliberation_loop.cpp), one code for both.
#include "policy/internal.hpp"

namespace jiceng::policy_internal {
namespace {

bool listed(const json::array& a, std::string_view s) {
  for (const auto& x : a)
    if (x.is_string() && std::string_view(x.as_string()) == s) return true;
  return false;
}

}  // namespace

std::int64_t deliberation_owners_item(const json::object& params, std::string_view kind) {
  const json::value* v = params.at("owners_items").as_object().if_contains(json::string_view(kind.data(), kind.size()));
  return v ? v->as_int64() : 0;
}

std::string deliberation_select(const json::object& params, std::string_view kind, std::string_view scope) {
  if (deliberation_owners_item(params, kind) != 0) return std::string(params.at("owners_procedure").as_string());
  for (const auto& e : params.at("selection").as_array()) {
    const auto& o = e.as_object();
    const auto& kinds = o.at("kinds").as_array();
    const auto& scopes = o.at("scopes").as_array();
    if (!kinds.empty() && !listed(kinds, kind)) continue;
    if (!scopes.empty() && !listed(scopes, scope)) continue;
    return std::string(o.at("procedure").as_string());
  }
  return {};
}

bool deliberation_residents_body(std::string_view body) {
  return body == "residents_meeting" || body == "residents_representatives_meeting" || body == "villagers_meeting" ||
         body == "villagers_representatives_meeting";
}

bool deliberation_has_body(const json::object& params, std::string_view procedure, bool (*pred)(std::string_view)) {
  const json::value* p =
      params.at("procedures").as_object().if_contains(json::string_view(procedure.data(), procedure.size()));
  if (p == nullptr) return false;
  for (const auto& s : p->as_object().at("steps").as_array()) {
    const json::value* bodies = s.as_object().if_contains("bodies");
    if (bodies == nullptr) continue;
    for (const auto& b : bodies->as_array())
      if (pred(std::string_view(b.as_string()))) return true;
  }
  return false;
}

}  // namespace jiceng::policy_internal
