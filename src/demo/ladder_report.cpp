// The escalation ladder in the demo report (督办阶梯): how often each rung of the policy's
// ladder fired over the year, how far petitions climbed, and where — counted from the
// petitions' histories (each firing is an automatic event naming its rung).
#include "demo/ladder_report.hpp"

#include <algorithm>
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

std::string zh_anchor(std::string_view a) {
  return a == "after_dispatch" ? "派单（到达承办单位）后" : a == "before_due" ? "办理时限届满前" : "超过办理时限后";
}

// "3wd" → "3个工作日", "2d" → "2日", "4h" → "4小时".
std::string zh_duration(std::string_view d) {
  if (d.ends_with("wd")) return internal::cat(d.substr(0, d.size() - 2), "个工作日");
  if (d.ends_with("d")) return internal::cat(d.substr(0, d.size() - 1), "日");
  if (d.ends_with("h")) return internal::cat(d.substr(0, d.size() - 1), "小时");
  return std::string(d);
}


}  // namespace

absl::StatusOr<json::object> ladder_section(const Engine& engine, const District& d) {
  const std::vector<LadderRung> ladder = engine.policy().escalation.ladder;
  int top = 0;
  for (const LadderRung& r : ladder) top = std::max(top, r.level);
  std::vector<std::uint64_t> fired(ladder.size(), 0), petitions(ladder.size(), 0);
  std::vector<std::uint64_t> highest(static_cast<std::size_t>(top) + 1, 0), open_at(static_cast<std::size_t>(top) + 1, 0);
  std::vector<std::uint64_t> street_warn(d.streets.size(), 0), street_reassign(d.streets.size(), 0);
  std::uint64_t warnings = 0, reassignments = 0, warned = 0, reassigned = 0;
  absl::flat_hash_map<std::string, int> street_of;
  for (const UnitRow& u : d.units) street_of.emplace(u.id, u.street);

  const std::size_t n = engine.stats().petitions;
  for (PetitionId id = 1; id <= n; ++id) {
    JICENG_ASSIGN_OR_RETURN(PetitionView v, engine.get(id));
    JICENG_ASSIGN_OR_RETURN(std::vector<Event> history, engine.history(id));
    const auto it = street_of.find(v.location_unit);
    const int street = it == street_of.end() ? -1 : it->second;
    int level = 0;
    bool any_warn = false, any_reassign = false;
    std::vector<bool> seen(ladder.size(), false);
    for (const Event& e : history) {
      const std::optional<int> k = ladder_rung_of(e);
      if (!k || static_cast<std::size_t>(*k) >= ladder.size()) continue;
      const auto rung = static_cast<std::size_t>(*k);
      ++fired[rung];
      if (!seen[rung]) ++petitions[rung];
      seen[rung] = true;
      level = std::max(level, ladder[rung].level);
      const bool warn = ladder[rung].action == RungAction::kWarn;
      (warn ? warnings : reassignments) += 1;
      (warn ? any_warn : any_reassign) = true;
      if (street >= 0) ++(warn ? street_warn : street_reassign)[static_cast<std::size_t>(street)];
    }
    warned += any_warn ? 1 : 0;
    reassigned += any_reassign ? 1 : 0;
    ++highest[static_cast<std::size_t>(level)];
    if (is_open(v.state)) ++open_at[static_cast<std::size_t>(std::min(v.ladder_level, top))];
  }

  json::object out;
  json::array rungs;
  for (std::size_t k = 0; k < ladder.size(); ++k) {
    rungs.push_back(json::object{{"rung", k + 1},
                                 {"anchor", to_string(ladder[k].anchor)},
                                 {"offset", format_duration(ladder[k].offset)},
                                 {"level", ladder[k].level},
                                 {"action", to_string(ladder[k].action)},
                                 {"fired", fired[k]},
                                 {"petitions", petitions[k]}});
  }
  out["rungs"] = std::move(rungs);
  out["warnings"] = warnings;
  out["reassignments"] = reassignments;
  out["petitions_warned"] = warned;
  out["petitions_reassigned"] = reassigned;
  json::array levels;
  for (std::size_t l = 0; l < highest.size(); ++l) {
    levels.push_back(json::object{{"level", l}, {"petitions_reached", highest[l]}, {"open_at_end", open_at[l]}});
  }
  out["by_level"] = std::move(levels);
  json::array by_street;
  for (std::size_t s = 0; s < d.streets.size(); ++s) {
    const UnitRow& u = d.units[static_cast<std::size_t>(d.streets[s])];
    by_street.push_back(json::object{
        {"unit", u.id}, {"name", u.name}, {"warnings", street_warn[s]}, {"reassignments", street_reassign[s]}});
  }
  out["by_street"] = std::move(by_street);
  return out;
}

std::string ladder_html(const json::object& report) {
  const json::value* section = report.if_contains("escalation_ladder");
  if (section == nullptr || !section->is_object()) return "";
  const json::object& s = section->get_object();
  std::string h = "<h2>督办阶梯 · 预警催办与自动升级</h2>";
  internal::append(&h, "<p>督办阶梯按政策规则 petition.escalation_ladder 逐级触发，每次触发记为一条系统事件。全年预警催办 ",
                  count(s, "warnings"), " 次（涉及诉求 ", count(s, "petitions_warned"), " 件），自动升级 ",
                  count(s, "reassignments"), " 次（涉及诉求 ", count(s, "petitions_reassigned"),
                  " 件）。预警催办不改变承办单位；自动升级上报上一级，且不超过诉求严重程度对应的层级上限"
                  "（小事不出社区）。</p>");
  std::vector<std::vector<std::string>> rows{{"阶梯", "起算", "时长", "督办级别", "动作", "触发（次）", "涉及诉求（件）"}};
  for (const auto& v : s.at("rungs").as_array()) {
    const json::object& r = v.as_object();
    rows.push_back({internal::cat("第", count(r, "rung"), "级"), zh_anchor(text(r, "anchor")), zh_duration(text(r, "offset")),
                    count(r, "level"), text(r, "action") == "warn" ? "预警催办" : "升级改派", count(r, "fired"),
                    count(r, "petitions")});
  }
  // Each table scrolls in its own box, so the page keeps a phone's width (390 px).
  auto scrolling = [](const std::vector<std::vector<std::string>>& t) {
    return "<div class=\"scroll\">" + report::html_table(t) + "</div>";
  };
  h += scrolling(rows);
  rows = {{"督办级别", "曾达到该级别的诉求（件）", "年末在办诉求（件）"}};
  for (const auto& v : s.at("by_level").as_array()) {
    const json::object& r = v.as_object();
    const std::string level = count(r, "level");
    rows.push_back({level == "0" ? "未触发" : internal::cat(level, "级"), count(r, "petitions_reached"), count(r, "open_at_end")});
  }
  h += "<h3>诉求达到的督办级别</h3>" + scrolling(rows);
  rows = {{"街道/镇", "预警催办（次）", "自动升级（次）"}};
  for (const auto& v : s.at("by_street").as_array()) {
    const json::object& r = v.as_object();
    rows.push_back({text(r, "name"), count(r, "warnings"), count(r, "reassignments")});
  }
  h += "<h3>各街道/镇（按诉求所在地）</h3>" + scrolling(rows);
  return h;
}

}  // namespace jiceng::demo
