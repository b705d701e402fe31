// Internal: the engine's view of the org graph (组织体系). This header does not include
// org.hpp, so the engine's translation units need not see org.hpp's declarations; the
// hot-path checks (ancestor-or-self, parent, level) run on arrays copied out here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace jiceng {
class OrgGraph;
}

namespace jiceng::pet {

inline constexpr std::uint32_t kNoIndex = 0xFFFFFFFFu;

/// An immutable, shareable org graph plus the arrays the engine checks on every command.
class OrgData {
 public:
  /// An empty graph.
  static std::shared_ptr<const OrgData> empty();
  /// A graph loaded from `json` (OrgGraph::load_json), all or nothing.
  static absl::StatusOr<std::shared_ptr<const OrgData>> load(std::string_view json, std::string_view source);

  const OrgGraph& graph() const { return *graph_; }
  std::uint32_t unit_count() const { return static_cast<std::uint32_t>(parent_.size()); }
  std::optional<std::uint32_t> find(std::string_view id) const;
  std::string_view id(std::uint32_t u) const;
  std::string_view name(std::uint32_t u) const;
  std::optional<std::uint32_t> household_unit(std::string_view household) const;
  std::optional<std::uint32_t> serving_property_branch(std::uint32_t u) const;
  /// The graph for snapshots: raw (member names unmasked), so a restore is exact.
  std::string export_json() const;
  /// True when the unit is a grid, compound or village branch (level-3 tree kinds).
  bool is_grid_like(std::uint32_t u) const { return (grid_like_[u] & 1) != 0; }
  /// True when the unit lies in a residential compound (小区): it or an ancestor has a label.
  bool in_compound(std::uint32_t u) const { return (grid_like_[u] & 2) != 0; }
  /// The compound's label ("" when none).
  std::string_view compound_label(std::uint32_t u) const;
  /// 四方协同: the unit standing for `party` (a CompoundParty's value) of the compound around
  /// the grid-like unit `g`; kNoIndex when the graph has none. `agreement`: the property
  /// company counts only with a tripartite agreement (三方协议) on record.
  std::uint32_t party_unit(std::uint32_t g, int party, bool agreement) const;

  /// O(1): `a` is `u` or an ancestor of `u` (pre-order intervals computed here).
  bool is_ancestor_or_self(std::uint32_t a, std::uint32_t u) const {
    return pre_[a] <= pre_[u] && pre_[u] < end_[a];
  }
  std::uint32_t parent(std::uint32_t u) const { return parent_[u]; }
  int level(std::uint32_t u) const { return level_[u]; }
  /// The ancestor of `u` at `level` (u itself when at that level); kNoIndex when none.
  std::uint32_t ancestor_at_level(std::uint32_t u, int level) const {
    while (u != kNoIndex && level_[u] > level) u = parent_[u];
    return (u != kNoIndex && level_[u] == level) ? u : kNoIndex;
  }

 private:
  std::shared_ptr<OrgGraph> graph_;
  std::vector<std::uint32_t> pre_, end_, parent_;
  std::vector<std::int8_t> level_;
  std::vector<std::uint8_t> grid_like_;
  void build_arrays();
};

}  // namespace jiceng::pet
