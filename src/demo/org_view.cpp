// The district as the org graph (组织体系) sees it: load the default district into an
// OrgGraph, read its coverage report (覆盖情况) and draw its top levels as DOT.
#include <string>

#include "demo/internal.hpp"
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

}  // namespace jiceng::demo
