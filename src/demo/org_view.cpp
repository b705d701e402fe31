// The district as the org graph (组织体系) sees it: load the default district into an
// OrgGraph, read its coverage report (覆盖情况) and draw its top levels as DOT; after the
// year, the offices the yearly review ended are drawn beside their communities.
#include <algorithm>
#include <string>

#include "boost/json.hpp"
#include "common/strings.hpp"
#include "demo/internal.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/org.hpp"

namespace jiceng::demo {

absl::StatusOr<OrgFacts> org_facts(const District& district) {
  OrgGraph g;
  JICENG_RETURN_IF_ERROR(g.load_json(district.json, "default district"));
  OrgFacts f;
  f.units = g.unit_count();
  f.links = g.link_count();
  f.members = g.member_count();
  f.households = g.household_count();
  const CoverageReport c = g.coverage();
  for (int k = 0; k < kUnitKindCount; ++k) {
    if (c.per_kind[static_cast<std::size_t>(k)] > 0) {
      f.per_kind.emplace_back(std::string(to_string(static_cast<UnitKind>(k))), c.per_kind[static_cast<std::size_t>(k)]);
    }
  }
  for (UnitIndex u : c.grids_without_station) f.grids_without_station.emplace_back(g.id(u));
  for (const CompoundGap& gap : c.compounds_without_branch) {
    f.compounds_without_branch.push_back(
        {gap.compound, gap.unit == kNoUnit ? std::string() : std::string(g.id(gap.unit)), gap.party_members});
  }
  for (UnitIndex u : c.units_without_secretary) f.units_without_secretary.emplace_back(g.id(u));
  const std::optional<UnitIndex> root = g.find(district.units[static_cast<std::size_t>(district.district)].id);
  if (!root) return absl::InternalError("default district: root unit missing after load");
  // District, streets and towns, communities: the 三级联动 levels.
  f.dot = g.export_dot(*root, 2);
  // Left to right: 115 communities read as a column, not a 40,000-point row.
  if (const std::size_t tb = f.dot.find("rankdir=TB"); tb != std::string::npos) {
    f.dot.replace(tb, 10, "rankdir=LR");
  } else if (const std::size_t brace = f.dot.find('{'); brace != std::string::npos) {
    f.dot.insert(brace + 1, "\n  rankdir=LR;");
  }
  f.summary_text = g.summary_text();
  f.coverage_text = g.coverage_text(c, 5);
  return f;
}

namespace {
std::string dot_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

// The org graph is configuration the loops cannot change, so an office ended by two
// consecutive 不称职 (居 37 / 村 38) lives in the commitments loop; the diagram draws it as
// an ended post — a dashed grey box hung from the member's community — from `offices`.
absl::StatusOr<std::string> with_ended_offices(std::string dot, const Engine& engine) {
  const auto loops = engine.loops();
  if (std::find(loops.begin(), loops.end(), "commitments") == loops.end()) return dot;
  JICENG_ASSIGN_OR_RETURN(std::string text, engine.query("commitments", "offices", ""));
  boost::json::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return absl::InternalError("demo: commitments offices is not a JSON object");
  const std::size_t close = dot.rfind('}');
  if (close == std::string::npos) return absl::InternalError("demo: the org diagram is not a DOT graph");
  std::string add;
  int n = 0;
  for (const auto& e : v.as_object().at("ended").as_array()) {
    const auto& o = e.as_object();
    auto str = [&](const char* k) { return std::string(o.at(k).as_string()); };
    const std::string office = str("office") == "villagers_committee" ? "村委会成员" : "居委会成员";
    const std::string node = internal::cat("ended_office_", ++n);
    add += internal::cat("  ", node, " [label=",
                         dot_quoted(internal::cat(str("member_name"), "\n", office, " — 职务终止\n", o.at("year").as_int64(),
                                                  " 年度评议 ", str("review"))),
                         ", style=\"dashed,filled\", color=gray50, fillcolor=gray92, fontcolor=gray30];\n  ",
                         dot_quoted(str("unit")), " -> ", node, " [style=dashed, color=gray50, arrowhead=tee];\n");
  }
  dot.insert(close, add);
  return dot;
}

}  // namespace jiceng::demo
