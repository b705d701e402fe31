// The demo's report (月度报告): every figure comes from kpi.hpp (KpiIndex over the
// engine's events), the org coverage report and PolicySet::evaluate; this file only
// arranges them — report.json for machines, aligned text for a terminal.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "demo/internal.hpp"
#include "demo/compound_report.hpp"
#include "demo/ladder_report.hpp"
#include "demo/loop_parts.hpp"
#include "report/text.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/kpi.hpp"
#include "jiceng/policy.hpp"

namespace jiceng::demo {
namespace {

namespace json = boost::json;

// --- formatting helpers ------------------------------------------------------------------

std::string pct(const std::optional<double>& r) {
  return r ? absl::StrFormat("%.1f%%", *r * 100.0) : std::string("—");
}
std::string points(const std::optional<double>& r) { return r ? absl::StrFormat("%.1f", *r * 100.0) : std::string("—"); }
std::string thousands(std::uint64_t v) { return report::format_count(v); }
using report::display_width;
std::string left(std::string_view s, std::size_t width) { return report::pad_right(s, width); }
std::string right(std::string_view s, std::size_t width) { return report::pad_left(s, width); }

// Deterministic, indented JSON (Boost.JSON keeps insertion order).
void pretty(const json::value& v, std::string& out, int indent) {
  const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
  const std::string pad_in(static_cast<std::size_t>(indent + 1) * 2, ' ');
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.empty()) { out += "{}"; return; }
    out += "{\n";
    bool first = true;
    for (const auto& kv : o) {
      if (!first) out += ",\n";
      first = false;
      out += pad_in;
      out += json::serialize(json::string(kv.key()));
      out += ": ";
      pretty(kv.value(), out, indent + 1);
    }
    out.push_back('\n');
    out.append(pad);
    out.push_back('}');
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.empty()) { out += "[]"; return; }
    // Arrays of scalars stay on one line.
    const bool flat = std::all_of(a.begin(), a.end(), [](const json::value& x) {
      return !x.is_object() && !(x.is_array() && !x.get_array().empty() && x.get_array()[0].is_object());
    });
    if (flat) {
      out += json::serialize(a);
      return;
    }
    out += "[\n";
    bool first = true;
    for (const auto& x : a) {
      if (!first) out += ",\n";
      first = false;
      out += pad_in;
      pretty(x, out, indent + 1);
    }
    out.push_back('\n');
    out.append(pad);
    out.push_back(']');
  } else {
    out += json::serialize(v);
  }
}

// One unit's row: the library's JSON of a KPI report (kpi_report_json, the shape the C ABI
// and `jiceng report --format json` give), with its rank when it has one.
json::object unit_row(const KpiReport& r, int rank) {
  json::object o = json::parse(kpi_report_json(r)).as_object();
  if (rank > 0) o["rank"] = rank;
  return o;
}

// --- policy findings ---------------------------------------------------------------------

struct RuleTally {
  std::string rule, severity, message_zh, message_en;
  std::size_t checks = 0, failed = 0;
  std::vector<std::pair<std::string, std::string>> examples;  // subject, evidence
};

absl::Status tally(const PolicySet& set, const std::string& subject, std::map<std::string, RuleTally>& out,
                   std::vector<std::string>& order) {
  JICENG_ASSIGN_OR_RETURN(std::vector<Finding> fs, set.evaluate(subject));
  for (const Finding& f : fs) {
    auto [it, inserted] = out.try_emplace(f.rule);
    RuleTally& t = it->second;
    if (inserted) {
      order.push_back(f.rule);
      t.rule = f.rule;
      t.severity = std::string(to_string(f.severity));
      t.message_zh = f.message_zh;
      t.message_en = f.message_en;
    }
    ++t.checks;
    if (!f.passed) {
      ++t.failed;
      if (t.examples.size() < 5) t.examples.emplace_back(f.subject, f.evidence);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ReportParts> build_report(const Engine& engine, const PolicySet& set, const District& d,
                                         const OrgFacts& org, const SimStats& sim, const DemoOptions& options,
                                         const std::vector<DemoFile>& files,
                                         const std::vector<LoopPartReport>& loop_reports) {
  // --- KPIs, all through the incremental index ------------------------------------------
  KpiIndex index(engine);
  JICENG_RETURN_IF_ERROR(index.update());
  JICENG_ASSIGN_OR_RETURN(KpiPeriod period, parse_kpi_period(sim.first_day, sim.last_day));
  JICENG_ASSIGN_OR_RETURN(KpiReport whole, index.rollup("", period));
  JICENG_ASSIGN_OR_RETURN(std::vector<KpiRankEntry> streets, index.ranking(1, period));
  JICENG_ASSIGN_OR_RETURN(std::vector<KpiRankEntry> all_communities, index.ranking(2, period));
  // Fair league tables: a street or community is ranked only with the policy's minimum of
  // petitions received in the period (kpi.ranking); the others are listed apart.
  const KpiLeagueTable street_table = league_table(streets, ranking_minimum(engine));
  const KpiLeagueTable community_table = league_table(std::move(all_communities), ranking_minimum(engine));
  const std::vector<KpiRankEntry>& communities = community_table.ranked;
  JICENG_ASSIGN_OR_RETURN(std::vector<KpiTrendPoint> trend, index.trend("", period));
  const std::string industry_id = d.units[static_cast<std::size_t>(d.industry)].id;
  JICENG_ASSIGN_OR_RETURN(KpiReport property, index.rollup(industry_id, period));

  // --- policy findings --------------------------------------------------------------------
  std::map<std::string, RuleTally> rules;
  std::vector<std::string> rule_order;
  const int year = std::stoi(sim.first_day.substr(0, 4));
  {
    json::object cov;
    cov["type"] = "coverage";
    cov["id"] = d.units[static_cast<std::size_t>(d.district)].id;
    json::array grids;
    std::vector<std::string> without(org.grids_without_station.begin(), org.grids_without_station.end());
    std::sort(without.begin(), without.end());
    for (int g : d.grids) {
      const std::string& id = d.units[static_cast<std::size_t>(g)].id;
      grids.push_back(json::object{{"id", id}, {"has_station", !std::binary_search(without.begin(), without.end(), id)}});
    }
    cov["grids"] = std::move(grids);
    json::array compounds;
    for (const auto& c : org.compounds_without_branch) {
      compounds.push_back(json::object{{"id", c.compound}, {"party_members", c.party_members}, {"has_branch", false}});
    }
    cov["compounds"] = std::move(compounds);
    JICENG_RETURN_IF_ERROR(tally(set, json::serialize(cov), rules, rule_order));
  }
  for (std::size_t i = 0; i < d.communities.size(); ++i) {
    json::object c;
    c["type"] = "community";
    c["id"] = d.units[static_cast<std::size_t>(d.communities[i])].id;
    c["year"] = year;
    c["service_fund"] = d.service_fund_yuan[i];
    json::array sp;
    for (const auto& [item, amount] : d.spending[i]) sp.push_back(json::object{{"item", item}, {"amount", amount}});
    c["spending"] = std::move(sp);
    c["secretary_posts"] = 1;
    c["reserve_candidates"] = d.reserve_candidates[i];
    JICENG_RETURN_IF_ERROR(tally(set, json::serialize(c), rules, rule_order));
  }
  for (std::size_t i = 0; i < d.grids.size(); ++i) {
    const std::string& id = d.units[static_cast<std::size_t>(d.grids[i])].id;
    json::object g{{"type", "grid"}, {"id", id}, {"year", year}, {"practical_projects", d.practical_projects[i]}};
    JICENG_RETURN_IF_ERROR(tally(set, json::serialize(g), rules, rule_order));
    json::object u{{"type", "unit"},
                   {"id", id},
                   {"form", "branch"},
                   {"full_members", d.grid_party_members[i]},
                   {"committee_size", d.grid_committee_size[i]}};
    JICENG_RETURN_IF_ERROR(tally(set, json::serialize(u), rules, rule_order));
  }

  // --- report.json ------------------------------------------------------------------------
  json::object root;
  root["title"] = "jiceng demo: one year of petitions in the default district (吴中区)";
  root["seed"] = options.seed;
  root["period"] = json::object{{"from", sim.first_day}, {"to", sim.last_day}, {"days", options.days}};
  json::array chain;
  for (const auto& n : set.chain()) chain.push_back(json::string(n));
  root["policy"] = json::object{{"name", engine.policy_name()}, {"chain", std::move(chain)}};
  json::object district;
  district["id"] = d.units[static_cast<std::size_t>(d.district)].id;
  district["name"] = d.units[static_cast<std::size_t>(d.district)].name;
  district["streets_and_towns"] = d.streets.size();
  district["communities"] = d.communities.size();
  district["grid_branches"] = d.grids.size();
  district["stations"] = d.stations;
  district["buildings"] = d.buildings;
  district["central_households"] = d.central_households;
  district["households"] = org.households;
  district["members"] = org.members;
  district["posts"] = d.posts;
  district["units"] = org.units;
  district["links"] = org.links;
  json::object kinds;
  for (const auto& [k, n] : org.per_kind) kinds[k] = n;
  district["units_per_kind"] = std::move(kinds);
  root["district"] = std::move(district);

  const EngineStats es = engine.stats();
  json::object simj;
  simj["petitions"] = sim.submitted;
  simj["events"] = es.events;
  simj["open_at_end"] = es.open;
  simj["retries_absorbed"] = sim.retries_absorbed;
  simj["commands_refused"] = sim.refused;
  json::object refusals;
  for (const auto& [m, n] : sim.refusals) refusals[m] = n;
  simj["refusals"] = std::move(refusals);
  json::object cmds;
  for (const auto& [c, n] : sim.commands) cmds[c] = n;
  simj["commands"] = std::move(cmds);
  simj["ticks"] = sim.ticks;
  simj["clock"] = json::object{{"urged", sim.tick_urged},
                               {"marked_overdue", sim.tick_overdue},
                               {"escalated", sim.tick_escalated},
                               {"closed_without_evaluation", sim.tick_closed}};
  json::object per_state;
  for (int s = 0; s < kStateCount; ++s) per_state[to_string(static_cast<State>(s))] = es.per_state[static_cast<std::size_t>(s)];
  simj["per_state"] = std::move(per_state);
  root["simulation"] = std::move(simj);

  root["kpi"] = json::parse(kpi_report_json(whole));
  // The minimum beside every ranking; the ranked streets; those below it, unranked.
  root["ranking_min_received"] = street_table.min_received;
  json::array street_rows, street_below;
  for (const auto& e : street_table.ranked) street_rows.push_back(unit_row(e.report, e.rank));
  for (const auto& r : street_table.below_minimum) street_below.push_back(unit_row(r, 0));
  root["streets"] = std::move(street_rows);
  root["streets_below_minimum"] = std::move(street_below);
  // Category names for the page (petition.routing categories.<id>.zh).
  {
    const PetitionPolicy policy = engine.policy();
    json::object names;
    for (const auto& route : policy.routes) names[route.first] = policy.category_name(route.first);
    for (const auto& sh : whole.category_shares) names[sh.key] = policy.category_name(sh.key);
    root["category_names"] = std::move(names);
  }
  // The calendar as of the period's last day: where the official table ends, the
  // provisional days the period's deadlines may rest on, and a warning when relevant.
  {
    json::object cal = json::parse(to_json(engine.calendar().coverage(*parse_date(sim.last_day)))).as_object();
    const Date first_prov = engine.calendar().first_provisional_day();
    cal["period_reaches_provisional"] = !first_prov.is_special() && *parse_date(sim.last_day) >= first_prov;
    root["calendar"] = std::move(cal);
  }
  root["property_companies"] = unit_row(property, 0);
  json::array top, bottom;
  const std::size_t k = std::min<std::size_t>(5, communities.size());
  for (std::size_t i = 0; i < k; ++i) top.push_back(unit_row(communities[i].report, communities[i].rank));
  for (std::size_t i = communities.size() - k; i < communities.size(); ++i) {
    bottom.push_back(unit_row(communities[i].report, communities[i].rank));
  }
  json::array community_below;
  for (const auto& r : community_table.below_minimum) community_below.push_back(unit_row(r, 0));
  root["communities"] = json::object{{"count", communities.size() + community_table.below_minimum.size()},
                                     {"ranked", communities.size()},
                                     {"min_received", community_table.min_received},
                                     {"top", std::move(top)},
                                     {"bottom", std::move(bottom)},
                                     {"below_minimum", std::move(community_below)}};
  json::array tr;
  for (const auto& p : trend) {
    json::object o = unit_row(p.report, 0);
    o["month"] = absl::StrFormat("%04d-%02d", p.year, p.month);
    tr.push_back(std::move(o));
  }
  root["trend"] = std::move(tr);

  // 居民参与: duplicates suggested at submission, supports (附议) and the needs list they
  // rank, merges (合并), and returns as not ours (非本单位职责) by street.
  {
    json::object part;
    part["duplicates_suggested"] = sim.duplicates_suggested;
    part["supports"] = whole.counts.supports;
    part["supports_given"] = sim.supports;
    part["supports_withdrawn"] = sim.support_withdrawals;
    part["merged"] = es.per_state[static_cast<std::size_t>(State::kMerged)];
    part["merges_of_duplicates"] = sim.merges;
    part["not_ours_returns"] = json::object{{"total", whole.counts.not_ours_returns},
                                            {"naming_a_unit", sim.not_ours_unit},
                                            {"naming_an_outside_body", sim.not_ours_external}};
    json::array by_street;
    for (const auto& e : streets) {
      by_street.push_back(json::object{{"unit", e.report.unit},
                                       {"name", e.report.unit_name},
                                       {"supports", e.report.counts.supports},
                                       {"not_ours_returns", e.report.counts.not_ours_returns}});
    }
    part["by_street"] = std::move(by_street);
    // The most supported petitions of the year (any state), most supporters first.
    std::vector<std::pair<int, PetitionId>> ranked;
    for (PetitionId id = 1; id <= es.petitions; ++id) {
      JICENG_ASSIGN_OR_RETURN(PetitionView v, engine.get(id));
      if (v.supporters > 0) ranked.emplace_back(v.supporters, id);
    }
    part["petitions_supported"] = ranked.size();
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    auto row = [&](PetitionId id) -> absl::StatusOr<json::object> {
      JICENG_ASSIGN_OR_RETURN(PetitionView v, engine.get(id));
      json::array from;
      for (PetitionId m : v.merged_from) from.push_back(json::string(Engine::display_id(m)));
      return json::object{{"id", v.display_id},       {"category", v.category}, {"state", to_string(v.state)},
                          {"supporters", v.supporters}, {"priority", v.priority}, {"location_unit", v.location_unit},
                          {"merged_from", std::move(from)}};
    };
    json::array most;
    for (std::size_t i = 0; i < ranked.size() && i < 5; ++i) {
      JICENG_ASSIGN_OR_RETURN(json::object r, row(ranked[i].second));
      most.push_back(std::move(r));
    }
    part["most_supported"] = std::move(most);
    QueryOptions top10;
    top10.limit = 10;
    JICENG_ASSIGN_OR_RETURN(std::vector<PetitionId> needs, engine.needs_list("", top10));
    json::array nl;
    for (PetitionId id : needs) {
      JICENG_ASSIGN_OR_RETURN(json::object r, row(id));
      nl.push_back(std::move(r));
    }
    part["needs_list_top"] = std::move(nl);
    root["participation"] = std::move(part);
  }
  {
    JICENG_ASSIGN_OR_RETURN(json::object ladder, ladder_section(engine, d));
    root["escalation_ladder"] = std::move(ladder);
  }
  {
    JICENG_ASSIGN_OR_RETURN(json::object parties, compound_section(engine, d));
    root["compound_parties"] = std::move(parties);
  }

  json::object findings;
  findings["coverage"] = json::object{
      {"grids_without_station", org.grids_without_station.size()},
      {"compounds_without_branch", org.compounds_without_branch.size()},
      {"units_without_secretary", org.units_without_secretary.size()},
      {"units_without_secretary_ids", [&] {
         json::array a;
         for (const auto& u : org.units_without_secretary) a.push_back(json::string(u));
         return a;
       }()},
      {"compounds_without_branch_list", [&] {
         json::array a;
         for (const auto& c : org.compounds_without_branch) {
           a.push_back(json::object{{"compound", c.compound}, {"unit", c.unit}, {"party_members", c.party_members}});
         }
         return a;
       }()}};
  findings["org_summary_text"] = org.summary_text;
  findings["org_coverage_text"] = org.coverage_text;
  // A finding's subject by its unit's name, for the page (the id stays beside it).
  std::map<std::string, std::string, std::less<>> names;
  for (const auto& u : d.units) names.emplace(u.id, u.name);
  auto unit_name = [&](const std::string& id) {
    const auto it = names.find(id);
    return it == names.end() ? id : it->second;
  };
  json::array rule_rows;
  for (const auto& id : rule_order) {
    const RuleTally& t = rules.at(id);
    json::array ex;
    for (const auto& [s, e] : t.examples) {
      ex.push_back(json::object{{"subject", s}, {"subject_name", unit_name(s)}, {"evidence", e}});
    }
    rule_rows.push_back(json::object{{"rule", t.rule},
                                     {"severity", t.severity},
                                     {"checks", t.checks},
                                     {"failed", t.failed},
                                     {"message_zh", t.message_zh},
                                     {"message_en", t.message_en},
                                     {"examples", std::move(ex)}});
  }
  findings["rules"] = std::move(rule_rows);
  // The hosted loops' sections (src/demo/loop_parts.hpp), before the findings.
  for (const auto& part : loop_reports) {
    for (const auto& [key, value] : part.sections) root[key] = value;
  }
  root["findings"] = std::move(findings);
  json::array fl;
  for (const auto& f : files) {
    fl.push_back(json::object{{"file", f.path}, {"what", f.description}, {"what_zh", f.description_zh}});
  }
  root["files"] = std::move(fl);

  ReportParts parts;
  pretty(root, parts.json, 0);
  parts.json += "\n";

  // --- the terminal report ----------------------------------------------------------------
  // In Chinese, like report.html: the district office reads it; codes stay in report.json.
  std::string& t = parts.text;
  const auto& dj = root["district"].as_object();
  absl::StrAppend(&t, "jiceng 演示 — ", d.units[static_cast<std::size_t>(d.district)].name, "，政策集 ",
                  engine.policy_name(), "（");
  for (std::size_t i = 0; i < set.chain().size(); ++i) absl::StrAppend(&t, i ? " → " : "", set.chain()[i]);
  absl::StrAppend(&t, "），模拟种子 ", options.seed, "\n");
  absl::StrAppend(&t, "模拟 ", sim.first_day, " 至 ", sim.last_day, "：诉求 ", thousands(sim.submitted),
                  " 件，事件日志 ", thousands(es.events), " 条，被拒绝的命令 ", sim.refused, " 条，期末在办 ",
                  thousands(es.open), " 件\n\n");
  absl::StrAppend(&t, "区情\n  街道/镇 ", dj.at("streets_and_towns").as_uint64(), " 个，社区 ",
                  dj.at("communities").as_uint64(), " 个，网格党支部 ", dj.at("grid_branches").as_uint64(),
                  " 个，先锋枢纽驿站 ", d.stations, " 个，\n  楼栋党小组 ", thousands(d.buildings), " 个，党员中心户 ",
                  thousands(d.central_households), " 户，住户 ", thousands(org.households), " 户，人员 ",
                  thousands(org.members), " 人，职务 ", thousands(d.posts), " 个\n\n");

  const KpiCounts& c = whole.counts;
  absl::StrAppend(&t, "全区考核指标（", sim.first_day, " 至 ", sim.last_day, "）\n");
  auto line = [&](std::string_view label, const std::string& value, std::string_view note = "") {
    absl::StrAppend(&t, "  ", left(label, 22), right(value, 10), note.empty() ? "" : "   ", std::string(note), "\n");
  };
  line("登记", thousands(c.received));
  line("受理", thousands(c.accepted), absl::StrCat("不予受理 ", thousands(c.rejected), "，合并 ", thousands(c.merged),
                                                 "，撤回 ", thousands(c.withdrawn)));
  line("办结（含归档）", thousands(c.done), absl::StrCat("归档 ", thousands(c.closed)));
  line("响应率", pct(whole.rates.response), absl::StrCat("已评价 ", thousands(c.evaluated), " 件"));
  line("解决率", pct(whole.rates.solve));
  line("满意率", pct(whole.rates.satisfaction),
       absl::StrFormat("满意 + %.1f × 基本满意", whole.weights.basic_satisfaction_factor));
  line("综合成绩", points(whole.rates.composite),
       absl::StrFormat("权重 %g/%g/%g（响应/解决/满意）", whole.weights.response, whole.weights.solve,
                       whole.weights.satisfaction));
  line("办结率", pct(whole.rates.completion));
  line("按时办结率", pct(whole.rates.on_time),
       absl::StrCat("逾期办结 ", thousands(c.closed_late), "，超期未办 ", thousands(c.open_past_deadline)));
  line("超期率", pct(whole.rates.overdue), absl::StrCat("曾超期 ", thousands(c.ever_overdue), " 件"));
  line("重办率", pct(whole.rates.reopen), absl::StrCat("重办 ", thousands(c.reopened), " 件"));
  line("上报率", pct(whole.rates.escalation), absl::StrCat("上报 ", thousands(c.escalated), " 件"));
  line("办结用时（工作日）",
       absl::StrCat(whole.resolve_workdays_median ? std::to_string(*whole.resolve_workdays_median) : "—", " / ",
                    whole.resolve_workdays_p90 ? std::to_string(*whole.resolve_workdays_p90) : "—"),
       "中位数 / 90% 分位");
  // Shares as "name 12.3%" items, wrapped under their label.
  auto shares = [&](std::string_view label, const std::vector<KpiShare>& items,
                    const std::function<std::string(const std::string&)>& name) {
    std::string lineb = absl::StrCat("  ", std::string(label));
    const std::size_t indent = display_width(lineb);
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string item = absl::StrCat(name(items[i].key), " ", pct(items[i].share), i + 1 < items.size() ? "，" : "");
      if (i > 0 && display_width(lineb) + display_width(item) > 96) {
        absl::StrAppend(&t, lineb, "\n");
        lineb = std::string(indent, ' ');
      }
      lineb += item;
    }
    absl::StrAppend(&t, lineb, "\n");
  };
  const PetitionPolicy policy = engine.policy();
  shares("诉求类别：", whole.category_shares, [&](const std::string& key) { return policy.category_name(key); });
  shares("受理渠道：", whole.channel_shares, report::channel_zh);
  absl::StrAppend(&t, "\n");

  auto table_header = [&](std::string_view title) {
    absl::StrAppend(&t, std::string(title), "\n  ", right("名次", 4), "  ", left("单位", 26), right("登记", 8),
                    right("办结率", 8), right("满意率", 8), right("综合", 7), right("超期未办", 9),
                    right("曾超期", 8), right("上报", 7), "\n");
  };
  auto table_row = [&](const KpiReport& r, int rank) {
    absl::StrAppend(&t, "  ", right(rank > 0 ? std::to_string(rank) : "", 4), "  ", left(r.unit_name, 26),
                    right(thousands(r.counts.received), 8), right(pct(r.rates.completion), 8),
                    right(pct(r.rates.satisfaction), 8), right(points(r.rates.composite), 7),
                    right(thousands(r.counts.open_past_deadline), 9), right(thousands(r.counts.ever_overdue), 8),
                    right(thousands(r.counts.escalated), 7), "\n");
  };
  // The minimum beside each ranking, and the units below it listed apart with their counts.
  const std::string minimum = absl::StrCat("排名门槛：统计期内登记诉求不少于 ", thousands(street_table.min_received), " 件");
  auto below = [&](std::string_view what, const std::vector<KpiReport>& units) {
    if (units.empty()) return;
    absl::StrAppend(&t, "  未达排名门槛、不参加排名的", std::string(what), "（", units.size(), " 个）：");
    std::size_t width = 80;
    for (std::size_t i = 0; i < units.size(); ++i) {
      const std::string item = absl::StrCat(units[i].unit_name, " ", thousands(units[i].counts.received), " 件",
                                            i + 1 < units.size() ? "，" : "");
      if (width + display_width(item) > 96) {
        absl::StrAppend(&t, "\n    ");
        width = 4;
      }
      absl::StrAppend(&t, item);
      width += display_width(item);
    }
    absl::StrAppend(&t, "\n");
  };
  table_header(absl::StrCat("街道/镇考核排名（按综合成绩；", minimum, "）"));
  for (const auto& e : street_table.ranked) table_row(e.report, e.rank);
  table_row(property, 0);
  absl::StrAppend(&t, "  （末行：物业行业党委所属物业服务企业，依三方协议承办派给它们的物业事项；不是街道/镇，不参加排名）\n");
  below("街道/镇", street_table.below_minimum);
  absl::StrAppend(&t, "\n");
  table_header(absl::StrCat("社区排名前五名（共 ", communities.size() + community_table.below_minimum.size(),
                            " 个社区，参加排名 ", communities.size(), " 个；", minimum, "）"));
  for (std::size_t i = 0; i < k; ++i) table_row(communities[i].report, communities[i].rank);
  table_header("社区排名后五名");
  for (std::size_t i = communities.size() - k; i < communities.size(); ++i) {
    table_row(communities[i].report, communities[i].rank);
  }
  below("社区", community_table.below_minimum);
  absl::StrAppend(&t, "\n政策检查（", engine.policy_name(), "）\n");
  absl::StrAppend(&t, "  覆盖情况：", org.grids_without_station.size(), " / ", d.grids.size(),
                  " 个网格未设先锋枢纽驿站，", org.compounds_without_branch.size(), " 个符合条件的小区未单独建立党支部，",
                  org.units_without_secretary.size(), " 个党组织书记空缺\n");
  // Each rule: its severity and requirement in Chinese, how often it failed, the first unit
  // that failed it by name (rule ids and English evidence stay in report.json).
  for (const auto& id : rule_order) {
    const RuleTally& r = rules.at(id);
    absl::StrAppend(&t, "  [", report::severity_zh(r.severity), "] 未通过 ", thousands(r.failed), " / ",
                    thousands(r.checks), " 次检查：", r.message_zh, "\n");
    if (r.failed > 0 && !r.examples.empty()) {
      absl::StrAppend(&t, "         未通过示例：", unit_name(r.examples.front().first), "\n");
    }
  }
  for (const auto& part : loop_reports) {
    if (!part.text.empty()) absl::StrAppend(&t, "\n", part.text);
  }
  absl::StrAppend(&t, "\n文件（", options.out_dir, "）\n");
  for (const auto& f : files) absl::StrAppend(&t, "  ", left(f.path, 26), f.description_zh, "\n");
  return parts;
}

}  // namespace jiceng::demo
