// Internal: the few org-graph queries the KPI layer needs, compiled in their own file.
// engine.hpp (through calendar.hpp) and org.hpp both declare `jiceng::Date` and
// parse_date/format_date differently, so no file of this area includes both; this
// header includes neither and takes the graph by reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace jiceng {
class OrgGraph;
}

namespace jiceng::kpi_org {

inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

std::size_t unit_count(const OrgGraph& g);
/// Graph index of a unit id, or kNone.
std::uint32_t find(const OrgGraph& g, std::string_view id);
/// The unit a submission location names: a household's building, else the unit itself
/// (the engine's rule), or kNone.
std::uint32_t resolve_location(const OrgGraph& g, std::string_view location);
std::string_view id(const OrgGraph& g, std::uint32_t u);
std::string_view name(const OrgGraph& g, std::uint32_t u);
int level(const OrgGraph& g, std::uint32_t u);
/// True when the unit's kind belongs to the five-level tree (not beside it).
bool is_tree_kind(const OrgGraph& g, std::uint32_t u);
/// The subtree of u in pre-order (u first).
std::span<const std::uint32_t> subtree(const OrgGraph& g, std::uint32_t u);
bool is_ancestor_or_self(const OrgGraph& g, std::uint32_t ancestor, std::uint32_t u);
/// Units at `level`, by index.
std::vector<std::uint32_t> units_at_level(const OrgGraph& g, int level);

}  // namespace jiceng::kpi_org
