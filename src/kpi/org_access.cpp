// Internal: org-graph queries for the KPI layer (see org_access.hpp for why apart).
#include "kpi/org_access.hpp"

#include "jiceng/org.hpp"

namespace jiceng::kpi_org {

std::size_t unit_count(const OrgGraph& g) { return g.unit_count(); }

std::uint32_t find(const OrgGraph& g, std::string_view id) {
  auto u = g.find(id);
  return u ? *u : kNone;
}

std::uint32_t resolve_location(const OrgGraph& g, std::string_view location) {
  if (auto h = g.household_unit(location)) return *h;
  return find(g, location);
}

std::string_view id(const OrgGraph& g, std::uint32_t u) { return g.id(u); }
std::string_view name(const OrgGraph& g, std::uint32_t u) { return g.name(u); }
int level(const OrgGraph& g, std::uint32_t u) { return g.level(u); }
bool is_tree_kind(const OrgGraph& g, std::uint32_t u) {
  // Spelled out rather than tree_level_of(): that lives in org_kinds.cpp, which also
  // defines jiceng::parse_date/format_date clashing with calendar.cpp's at link time.
  switch (g.kind(u)) {
    case UnitKind::kJointCommittee:
    case UnitKind::kResidentUnit:
    case UnitKind::kPropertyBranch:
    case UnitKind::kOwnersCommitteeGroup:
    case UnitKind::kIndustryCommittee:
    case UnitKind::kStation:
      return false;
    default:
      return true;
  }
}
std::span<const std::uint32_t> subtree(const OrgGraph& g, std::uint32_t u) { return g.subtree(u); }
bool is_ancestor_or_self(const OrgGraph& g, std::uint32_t a, std::uint32_t u) { return g.is_ancestor_or_self(a, u); }

std::vector<std::uint32_t> units_at_level(const OrgGraph& g, int level) {
  std::vector<std::uint32_t> out;
  const auto n = static_cast<std::uint32_t>(g.unit_count());
  for (std::uint32_t u = 0; u < n; ++u)
    if (g.level(u) == level) out.push_back(u);
  return out;
}

}  // namespace jiceng::kpi_org
