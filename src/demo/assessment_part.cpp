// The assessment loop's part of the demo year (考评, 红黑榜): the district registers the
// property companies behind the district's property branches (物业公司党支部), each serving
// the grids it signed a tripartite agreement (三方协议) with; streets record good and bad
// credit records on the projects in their area through the year, the district on the
// companies; one company runs up deductions below zero; now and then a record is amended,
// once one is revoked. Each quarter that ends within the year is closed by the clock: the
// close freezes each company's score, its place on the standing black list and the figures
// of the petitions routed to its property branch in that quarter, which the loop reads from
// the engine's petitions (the demo's petition year is simulated before the loops run, so
// they stand as at the year's end).
#include "absl/strings/str_format.h"
#include "demo/civic_timeline.hpp"
#include "report/text.hpp"

namespace jiceng::demo {
namespace {

namespace json = boost::json;
using civic_part::Span;

struct Record {
  const char* reason;
  int points;
};
constexpr Record kGood[] = {{"获评区级红色物业示范项目", 5}, {"三方协议履约良好，居民满意度测评优秀", 3},
                            {"主动参与小区议事协商，化解矛盾纠纷", 2}};
constexpr Record kBad[] = {{"消防通道堵塞，限期整改未完成", -15}, {"电梯维保记录缺失", -8},
                           {"公共收益未按规定公示", -10},        {"群众诉求超期未办结被通报", -5}};

absl::StatusOr<LoopPartReport> run(Engine& engine, const District& d, const DemoOptions& o, SimStats& sim) {
  LoopPartReport rep;
  JICENG_ASSIGN_OR_RETURN(Span span, civic_part::span_of(engine, o));
  civic_part::Commander cmd(engine, "assessment", sim, rep);
  civic_part::Timeline tl;
  Rng rng(o.seed ^ 0xA55E55u);
  const std::string root = d.units[static_cast<std::size_t>(d.district)].id;
  const Actor district{"district-housing", Role::kDistrictOfficer, root};
  // Without the credit rule (a set that is not Suzhou's) there is nothing to score.
  if (auto probe = engine.query("assessment", "scores", ""); !probe.ok()) {
    if (probe.status().code() != absl::StatusCode::kFailedPrecondition) return probe.status();
    rep.sections.emplace_back("assessment", json::object{{"skipped", std::string(probe.status().message())}});
    return rep;
  }
  // The companies: one per property branch; its projects, the grids it serves under a 三方协议.
  struct Company {
    std::string branch, name;
    std::vector<int> grids;
    std::uint64_t id = 0;
  };
  std::vector<Company> companies;
  for (std::size_t u = 0; u < d.units.size(); ++u) {
    if (d.units[u].type != UnitType::kPropertyBranch) continue;
    Company c;
    c.branch = d.units[u].id;
    const std::string& n = d.units[u].name;
    c.name = n.substr(0, n.find("党支部"));
    for (std::size_t g = 0; g < d.grid_property.size(); ++g) {
      if (d.grid_property[g] == static_cast<int>(u)) c.grids.push_back(static_cast<int>(g));
    }
    companies.push_back(std::move(c));
  }
  const Timestamp t_reg = span.begin;
  for (std::size_t i = 0; i < companies.size(); ++i) {
    json::array projects;
    for (int g : companies[i].grids) projects.push_back(json::value(d.units[static_cast<std::size_t>(g)].id));
    const std::string code = internal::cat("91320506MA1", absl::StrFormat("%06d", static_cast<int>(i + 1)), "X");
    tl.add(t_reg, [&cmd, &companies, i, district, t_reg, projects, code, root] {
      companies[i].id = cmd.run("register_company", 0, district, t_reg,
                                {{"unit", root}, {"name", companies[i].name}, {"credit_code", code}, {"projects", projects}});
    });
  }
  // Credit records through the year: streets on the projects in their area, the district on
  // the company. The last company is the one that runs below zero.
  const std::size_t worst = companies.empty() ? 0 : companies.size() - 1;
  std::int64_t amended = 0, revoked = 0;
  for (std::size_t i = 0; i < companies.size(); ++i) {
    const int records = i == worst ? 14 : rng.range(6, 14);
    for (int k = 0; k < records; ++k) {
      const Timestamp t = span.at(0.02 + 0.96 * rng.uniform());
      const bool bad = i == worst || rng.chance(0.6);
      const Record r = bad ? kBad[rng.next() % std::size(kBad)] : kGood[rng.next() % std::size(kGood)];
      const int points = i == worst ? r.points * 2 : r.points;
      json::object p{{"credit", bad ? "bad" : "good"}, {"points", points}, {"reason", r.reason}};
      Actor who = district;
      p["unit"] = root;
      if (!companies[i].grids.empty() && rng.chance(0.7)) {
        const int g = companies[i].grids[rng.next() % companies[i].grids.size()];
        const std::string street = civic_part::street_of(d, g);
        who = Actor{"street-" + street, Role::kStreetOfficer, street};
        p["unit"] = street;
        p["project"] = d.units[static_cast<std::size_t>(g)].id;
      }
      auto rid = std::make_shared<std::uint64_t>(0);
      tl.add(t, [&cmd, &companies, i, who, t, p, rid]() mutable {
        if (companies[i].id == 0) return;
        p["company"] = internal::cat("A", absl::StrFormat("%08d", companies[i].id));
        *rid = cmd.run("record", 0, who, t, p);
      });
      // Now and then the recording unit reviews a record and amends its points (更正); once,
      // the district revokes one (撤销) as unfounded. The worst company's stand.
      const Timestamp later = std::min(span.end, t + 7 * 86400);
      if (i != worst && k % 5 == 2) {
        const int halved = points / 2 == 0 ? (points > 0 ? 1 : -1) : points / 2;
        if (halved != points) {
          tl.add(later, [&cmd, &amended, who, later, halved, rid] {
            if (*rid == 0) return;
            if (cmd.run("amend", *rid, who, later, {{"points", halved}, {"reason", "复核后按实际情节调整分值"}})) ++amended;
          });
        }
      } else if (i == 0 && k == 0) {
        tl.add(later, [&cmd, &revoked, district, later, rid] {
          if (*rid == 0) return;
          if (cmd.run("revoke", *rid, district, later, {{"reason", "经复核，所记问题不属实"}})) ++revoked;
        });
      }
    }
  }
  // A record for a company nobody registered: refused on purpose.
  const Timestamp tx = span.at(0.5);
  tl.add(tx, [&cmd, district, tx, root] {
    cmd.run("record", 0, district, tx,
            {{"unit", root}, {"company", "A99999999"}, {"credit", "bad"}, {"points", -5}, {"reason", "未登记企业"}}, true);
  });
  // The quarters that end within the year: opened at their start, assessed after their end.
  struct Quarter {
    std::string label;
    Timestamp start, end;
    std::uint64_t id = 0;
  };
  auto quarters = std::make_shared<std::vector<Quarter>>();
  absl::Status tick_status;
  for (Timestamp t = span.begin; t <= span.end;) {
    const auto q = civic::parse_period("quarter", civic::period_of("quarter", t));
    if (q->end <= span.end) quarters->push_back({q->label, q->start, q->end});
    t = q->end;
  }
  for (std::size_t qi = 0; qi < quarters->size(); ++qi) {
    const Timestamp open_at = std::max(span.begin, (*quarters)[qi].start + 9 * 3600);
    tl.add(open_at, [&cmd, quarters, qi, district, open_at, root] {
      (*quarters)[qi].id = cmd.run("open_period", 0, district, open_at, {{"unit", root}, {"period", (*quarters)[qi].label}});
    });
    // The clock closes the quarter at its end (the part ticks on the next morning): the
    // lists, the standing black list and the petition figures the loop reads.
    const Timestamp tick_at = std::min(span.end, (*quarters)[qi].end + 9 * 3600);
    tl.add(tick_at, [&engine, &tick_status, tick_at] {
      auto r = engine.tick(tick_at);
      if (!r.ok() && tick_status.ok()) tick_status = r.status();
    });
  }
  JICENG_RETURN_IF_ERROR(tl.run(engine, span, false));
  JICENG_RETURN_IF_ERROR(tick_status);

  JICENG_ASSIGN_OR_RETURN(std::string all_text, engine.query("assessment", "scores", ""));
  JICENG_ASSIGN_OR_RETURN(std::string periods_text, engine.query("assessment", "periods", ""));
  json::array periods;
  for (const auto& q : *quarters) {
    if (q.id == 0) continue;
    JICENG_ASSIGN_OR_RETURN(std::string item, engine.query("assessment", "get", internal::cat("{\"item\":", q.id, "}")));
    json::object it = json::parse(item).as_object();
    const auto& data = it.at("data").as_object();
    json::object row{{"period", q.label}, {"id", it.at("id")}, {"state", it.at("state")}};
    if (const auto* r = data.if_contains("results")) row["results"] = *r;
    periods.push_back(std::move(row));
  }
  json::array purposely;
  for (const auto& m : cmd.refusals()) purposely.push_back(json::value(m));
  json::object all = json::parse(all_text).as_object();
  const std::size_t red = all.at("red").as_array().size(), black = all.at("black").as_array().size();
  rep.text = internal::cat("物业服务企业红黑榜：登记企业 ", companies.size(), " 家，公布季度榜 ", periods.size(),
                           " 期；全年累计红榜 ", red, " 家、黑榜 ", black,
                           " 家（分档为政策数据，苏州口径未核实）\n");
  rep.sections.emplace_back(
      "assessment",
      json::object{{"companies", static_cast<std::int64_t>(companies.size())},
                   {"year", std::move(all)},
                   {"periods", std::move(periods)},
                   {"commands", static_cast<std::int64_t>(rep.commands)},
                   {"amended", amended},
                   {"revoked", revoked},
                   {"black_list_release", "a company leaves the black list after black_list_release_periods closed "
                                          "periods in a row without a black grade (rule assessment.credit, UNVERIFIED)"},
                   {"refused_on_purpose", std::move(purposely)},
                   {"source", "score = base + Σ credit points, no floor (苏州市物业服务企业信用评价标准（暂行）2025, SECONDARY); "
                              "grade bands and list rules: rule assessment.credit, 烟台 2022 comparator, UNVERIFIED for Suzhou"}});
  return rep;
}

std::string esc(std::string_view s) { return report::html_escape(s); }
std::string str(const json::object& o, const char* k) {
  const auto* v = o.if_contains(k);
  if (v == nullptr) return "";
  return v->is_string() ? std::string(v->as_string()) : json::serialize(*v);
}

std::string rows_html(const json::object& results) {
  std::string h =
      "<table><tr><th>企业</th><th>信用分</th><th>等级</th><th>榜单</th><th>诉求</th><th>办结率</th><th>满意率</th><th>超期率</th><th>服务项目</th></tr>\n";
  for (const auto& r : results.at("companies").as_array()) {
    const auto& x = r.as_object();
    const std::string list = str(x, "list");
    json::object pet;
    if (const auto* p = x.if_contains("petitions")) pet = p->as_object();
    auto pct = [&](const char* k) {
      const std::string v = str(pet, k);
      return v.empty() ? std::string("—") : v + "%";
    };
    h += internal::cat("<tr><td>", esc(str(x, "name")), "</td><td>", str(x, "score"), "</td><td>", esc(str(x, "grade")),
                       "</td><td>", list == "red" ? "红榜" : list == "black" ? "黑榜" : "", "</td><td>",
                       pet.empty() ? "—" : str(pet, "received"), "</td><td>", pct("closed_percent"), "</td><td>",
                       pct("satisfied_percent"), "</td><td>", pct("overdue_percent"), "</td><td>",
                       x.at("projects").as_array().size(), "</td></tr>\n");
  }
  return h + "</table>\n";
}

std::string html(const json::object& root) {
  const auto* s = root.if_contains("assessment");
  if (s == nullptr || !s->is_object()) return "";
  const auto& a = s->as_object();
  // The reason in report.json names the missing rule; the page says it in Chinese.
  if (a.contains("skipped")) {
    return "<h2>物业服务企业红黑榜</h2>\n<p>本政策集没有物业服务企业信用评价规则（信用分档与红黑榜），本次不评。</p>\n";
  }
  std::string h = internal::cat(
      "<h2>物业服务企业红黑榜</h2>\n<p>区住建部门登记物业服务企业", str(a, "companies"),
      "家；街道、区两级记录良好信息（加分）和不良信息（扣分）。信用分 = 基础分 + 各项分值之和，扣分不设下限。"
      "等级分档与红黑榜规则为政策数据（物业服务企业信用评价规则；苏州口径未核实，暂参照烟台2022年标准）。"
      "每个考评期末由系统按日历自动评定并冻结当期结果；列入黑榜的企业须连续若干期（政策数据，未核实）未评为最低等级方可移出，"
      "期间不进入红榜。全年更正信用记录", str(a, "amended"), "条、撤销", str(a, "revoked"), "条（均由记录单位或其上级说明理由）。"
      "诉求数据为按三方协议派至企业物业党支部的群众诉求，由考评直接读取诉求记录（不由人工填报）。</p>\n");
  for (const auto& p : a.at("periods").as_array()) {
    const auto& x = p.as_object();
    const auto* r = x.if_contains("results");
    if (r == nullptr) continue;
    h += internal::cat("<h3>", esc(str(x, "period")), " 红黑榜（", esc(str(x, "id")), "，期末由系统按日历评定）</h3>\n",
                       rows_html(r->as_object()));
    const auto* released = r->as_object().if_contains("released");
    if (released != nullptr && !released->as_array().empty()) {
      h += "<p>本期移出黑榜：";
      for (const auto& c : released->as_array()) h += esc(std::string(c.as_string())) + " ";
      h += "</p>\n";
    }
  }
  h += "<h3>全年累计</h3>\n" + rows_html(a.at("year").as_object());
  return h;
}

}  // namespace

LoopPart assessment_part() { return LoopPart{"assessment", &run, &html}; }

}  // namespace jiceng::demo
