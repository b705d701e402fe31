// 四方协同 in the demo report (小区四方协同): the petitions located inside residential
// compounds, the party answering for each (compound party organization, owners' committee,
// property company, social organization — petition.compound_parties), and where their first
// dispatch went — to the party's unit when the policy's dispatch_to_party is on.
#include "demo/compound_report.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/strings.hpp"
#include "demo/json_fields.hpp"
#include "jiceng/engine.hpp"
#include "report/text.hpp"

namespace jiceng::demo {
namespace {

namespace json = boost::json;

constexpr std::array<CompoundParty, 4> kParties = {CompoundParty::kCompoundPartyOrg, CompoundParty::kOwnersCommittee,
                                                   CompoundParty::kPropertyCompany, CompoundParty::kSocialOrganization};


}  // namespace

absl::StatusOr<json::object> compound_section(const Engine& engine, const District& d) {
  struct Tally {
    std::uint64_t petitions = 0, dispatched = 0, to_party = 0, fallback = 0;
  };
  std::array<Tally, kParties.size()> by_party{};
  Tally all;
  // First dispatched to an owners' committee group or a property branch that the category's
  // own routing would not pick (it picks a property branch only for prefer_property_branch).
  std::uint64_t beside_grid = 0;
  const PetitionPolicy policy = engine.policy();
  auto prefers_branch = [&](const std::string& category) {
    for (const auto& [id, route] : policy.routes)
      if (id == category) return route.prefer_property_branch;
    return false;
  };
  json::array examples;
  absl::flat_hash_map<std::string, const UnitRow*> unit_of;
  for (const UnitRow& u : d.units) unit_of.emplace(u.id, &u);
  const std::size_t n = engine.stats().petitions;
  for (PetitionId id = 1; id <= n; ++id) {
    JICENG_ASSIGN_OR_RETURN(PetitionView v, engine.get(id));
    if (v.party == CompoundParty::kNone) continue;  // not inside a compound
    Tally& t = by_party[static_cast<std::size_t>(v.party) - 1];
    JICENG_ASSIGN_OR_RETURN(std::vector<Event> history, engine.history(id));
    std::string first;
    for (const Event& e : history) {
      if (e.type == EventType::kDispatch) {
        first = e.payload.unit;
        break;
      }
    }
    for (Tally* x : {&t, &all}) {
      ++x->petitions;
      x->dispatched += first.empty() ? 0 : 1;
      x->to_party += !first.empty() && first == v.party_unit ? 1 : 0;
      x->fallback += v.party_fallback ? 1 : 0;
    }
    const auto it = unit_of.find(first);
    if (first.empty() || first != v.party_unit || it == unit_of.end()) continue;
    const UnitType type = it->second->type;
    if (type != UnitType::kOwnersGroup && (type != UnitType::kPropertyBranch || prefers_branch(v.category))) continue;
    ++beside_grid;
    if (examples.size() < 8) {
      examples.push_back(json::object{{"id", v.display_id},
                                      {"category", v.category},
                                      {"party", to_string(v.party)},
                                      {"unit", first},
                                      {"unit_name", it->second->name},
                                      {"state", to_string(v.state)}});
    }
  }
  json::object out;
  out["dispatch_to_party"] = policy.compound.dispatch_to_party;
  out["petitions"] = all.petitions;
  out["dispatched"] = all.dispatched;
  out["first_dispatch_to_party"] = all.to_party;
  out["to_party_beside_grid"] = beside_grid;
  out["fallback"] = all.fallback;
  json::array parties;
  for (std::size_t k = 0; k < kParties.size(); ++k) {
    parties.push_back(json::object{{"party", to_string(kParties[k])},
                                   {"name", chinese_name(kParties[k])},
                                   {"petitions", by_party[k].petitions},
                                   {"dispatched", by_party[k].dispatched},
                                   {"first_dispatch_to_party", by_party[k].to_party},
                                   {"fallback", by_party[k].fallback}});
  }
  out["by_party"] = std::move(parties);
  out["examples"] = std::move(examples);
  return out;
}

std::string compound_html(const json::object& report) {
  const json::value* section = report.if_contains("compound_parties");
  if (section == nullptr || !section->is_object()) return "";
  const json::object& s = section->get_object();
  const json::value* on = s.if_contains("dispatch_to_party");
  const bool dispatching = on != nullptr && on->is_bool() && on->get_bool();
  std::string h = "<h2>四方协同 · 小区事项派至责任方</h2>";
  internal::append(&h, "<p>小区内的事项按政策规则 petition.compound_parties 的分工确定责任方：小区党组织、业主委员会、"
                       "物业服务企业或社会组织；物业服务企业以三方协议为前提，未签订三方协议或小区未设业委会党的工作小组的，"
                       "由小区党组织兜底承接。",
                   dispatching ? "本演示开启四方协同派单：按规则派单的小区事项（网格层级的类别）直接派至责任方所在单位。"
                               : "本次演示未开启四方协同派单：责任方随诉求显示，派单仍按类别层级。",
                   "全年小区内诉求 ", count(s, "petitions"), " 件，已派单 ", count(s, "dispatched"), " 件，其中首次派至责任方 ",
                   count(s, "first_dispatch_to_party"), " 件（按类别层级本应派至网格、改派业委会党的工作小组或物业党支部的 ",
                   count(s, "to_party_beside_grid"), " 件）；兜底承接 ", count(s, "fallback"), " 件。</p>");
  std::vector<std::vector<std::string>> rows{{"责任方", "诉求（件）", "已派单（件）", "首次派至责任方（件）", "兜底承接（件）"}};
  for (const auto& v : s.at("by_party").as_array()) {
    const json::object& r = v.as_object();
    rows.push_back({text(r, "name"), count(r, "petitions"), count(r, "dispatched"), count(r, "first_dispatch_to_party"),
                    count(r, "fallback")});
  }
  // Each table scrolls in its own box, so the page keeps a phone's width (390 px).
  auto scrolling = [](const std::vector<std::vector<std::string>>& t) {
    return "<div class=\"scroll\">" + report::html_table(t) + "</div>";
  };
  h += scrolling(rows);
  const json::array& examples = s.at("examples").as_array();
  if (!examples.empty()) {
    const json::value* names_v = report.if_contains("category_names");
    const json::object empty;
    const json::object& names = names_v != nullptr && names_v->is_object() ? names_v->get_object() : empty;
    rows = {{"诉求编号", "类别", "责任方", "承办单位", "状态"}};
    for (const auto& v : examples) {
      const json::object& r = v.as_object();
      const std::string category = text(names, text(r, "category"));
      const std::optional<CompoundParty> party = parse_compound_party(text(r, "party"));
      rows.push_back({text(r, "id"), category.empty() ? text(r, "category") : category,
                      party ? std::string(chinese_name(*party)) : text(r, "party"), text(r, "unit_name"),
                      report::state_zh(text(r, "state"))});
    }
    h += "<h3>派至业委会或物业的诉求（示例）</h3>" + scrolling(rows);
  }
  return h;
}

}  // namespace jiceng::demo
