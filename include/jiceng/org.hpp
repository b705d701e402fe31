// jiceng/org.hpp — the party organization hierarchy (党组织体系): the five-level pyramid
// 镇(街道)党(工)委—社区党组织—网格党支部—楼栋党小组—党员中心户 under a district root
// (区委/工委组织部), the units beside the tree (大党委, 驻区单位, 物业党支部, 业委会党的工作
// 小组, 行业党委, 先锋枢纽驿站), typed cross links between them, members (党员/群众) with
// their organizational relation (组织关系) and its transfers (转接), posts with terms, and
// households (住户) tied to their building and their party-member central household
// (党员中心户). Data files are JSON or JSON Lines; see docs/org.md.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "jiceng/types.hpp"

namespace jiceng {

/// Dense index of an org unit, stable for the life of the graph (units are never removed).
using UnitIndex = std::uint32_t;
/// "No unit": the parent of a root, an absent ancestor.
inline constexpr UnitIndex kNoUnit = 0xFFFFFFFFu;

/// Dense index of a member (党员 or 群众), stable for the life of the graph.
using MemberIndex = std::uint32_t;
/// "No member".
inline constexpr MemberIndex kNoMember = 0xFFFFFFFFu;

/// Levels of the tree: 0 district … 5 party-member central household. A unit's level is
/// always its depth (parent's level + 1); units beside the tree take the level of the
/// place they hang from plus one.
inline constexpr int kLevelCount = 6;

/// Kind of an org unit (the `kind` string of data files, docs/org.md).
enum class UnitKind : std::uint8_t {
  kDistrictCommittee,       ///< 区委/工委 (level 0)
  kStreetCommittee,         ///< 街道党工委 (level 1)
  kTownshipCommittee,       ///< 镇党委 (level 1)
  kCommunityCommittee,      ///< 社区党委 (level 2)
  kCommunityGeneralBranch,  ///< 社区党总支 (level 2)
  kCommunityBranch,         ///< 社区党支部 (level 2)
  kGridBranch,              ///< 网格党支部 (level 3)
  kCompoundBranch,          ///< 小区党支部 (level 3)
  kVillageBranch,           ///< 自然村党支部 (level 3)
  kBuildingGroup,           ///< 楼栋党小组 (level 4)
  kVillagerGroup,           ///< 村民小组党小组 (level 4)
  kCentralHousehold,        ///< 党员中心户 (level 5)
  kJointCommittee,          ///< 大党委 / 片区型大党委 (beside the tree)
  kResidentUnit,            ///< 驻区单位, 机关, 非公企业, 社会组织 (beside the tree)
  kPropertyBranch,          ///< 物业党支部 (beside the tree)
  kOwnersCommitteeGroup,    ///< 业委会党的工作小组 (beside the tree)
  kIndustryCommittee,       ///< 行业党委, e.g. 物业行业党委 (beside the tree)
  kStation,                 ///< 先锋枢纽驿站 / 党群服务中心 / 红色先锋站 (beside the tree)
};
/// Number of UnitKind values.
inline constexpr int kUnitKindCount = 18;

/// The snake_case kind string of docs/org.md, e.g. "grid_branch".
std::string_view to_string(UnitKind);
/// Parses a kind string; nullopt when unknown.
std::optional<UnitKind> parse_unit_kind(std::string_view);
/// The level a tree kind always sits at (0..5); nullopt for kinds beside the tree.
std::optional<int> tree_level_of(UnitKind);

/// Area type (区域类型) whose level schema says which tree kind may sit under which.
enum class AreaSchema : std::uint8_t {
  kUrbanGrid,  ///< 街道—社区—网格党支部—楼栋党小组—党员中心户
  kCompound,   ///< 街道—社区—小区党支部—楼栋党小组—党员中心户 (一小区一党支部)
  kRural,      ///< 镇—村—自然村党支部—村民小组党小组—党员中心户
};
/// "urban_grid", "compound" or "rural".
std::string_view to_string(AreaSchema);
/// Parses a schema string; nullopt when unknown.
std::optional<AreaSchema> parse_area_schema(std::string_view);
/// True when a unit of kind `child` may sit directly under a unit of kind `parent` in
/// `schema`. Covers both the tree (per schema) and the units beside it (same in every
/// schema); see docs/org.md for the table.
bool may_sit_under(AreaSchema schema, UnitKind parent, UnitKind child);

/// Type of a cross link (non-tree edge).
enum class LinkType : std::uint8_t {
  kJoint,           ///< joint_committee -> member unit (大党委 成员单位)
  kManagesMembers,  ///< community (or industry committee) -> property branch / owners group it manages
  kCovers,          ///< station -> grid / compound / village / community it covers
  kServes,          ///< property_branch -> grid / compound it serves; may carry a 三方协议
};
/// "joint", "manages_members", "covers", "serves".
std::string_view to_string(LinkType);
/// Parses a link type string; nullopt when unknown.
std::optional<LinkType> parse_link_type(std::string_view);

/// Role of a post (职务).
enum class PostRole : std::uint8_t {
  kSecretary,                ///< 书记
  kDeputySecretary,          ///< 副书记
  kHubHead,                  ///< 枢纽长
  kGridWorker,               ///< 网格员
  kBuildingLeader,           ///< 楼组长
  kRedStewardLead,           ///< 红色管家项目负责人
  kFirstSecretary,           ///< 第一书记
  kPartyBuildingInstructor,  ///< 党建指导员
};
/// "secretary", "deputy_secretary", "hub_head", "grid_worker", "building_leader",
/// "red_steward_lead", "first_secretary", "party_building_instructor".
std::string_view to_string(PostRole);
/// Parses a role string; nullopt when unknown.
std::optional<PostRole> parse_post_role(std::string_view);

/// Parses a calendar day (China Standard Time) "YYYY-MM-DD", as used for post terms and
/// transfers; nullopt when malformed or not a real date. (The org area keeps days as
/// std::chrono::sys_days so it needs nothing from the calendar area.)
std::optional<std::chrono::sys_days> parse_iso_day(std::string_view);
/// Formats a calendar day as "YYYY-MM-DD".
std::string format_iso_day(std::chrono::sys_days);

/// One step of a member's organizational-relation history (组织关系转接).
struct MemberTransfer {
  UnitIndex from = kNoUnit;  ///< unit the relation left
  UnitIndex to = kNoUnit;    ///< unit the relation moved to
  std::chrono::sys_days date{};  ///< date of the transfer
};

/// A post held by a member at a unit, with its term (任期).
struct Post {
  MemberIndex member = kNoMember;  ///< who holds it
  UnitIndex unit = kNoUnit;        ///< where
  PostRole role = PostRole::kSecretary;  ///< what the post is
  std::chrono::sys_days start{};             ///< first day of the term
  std::optional<std::chrono::sys_days> end;  ///< last day of the term; open-ended when absent
  /// True when the term covers `day`, or (without a day) when it has no end date.
  bool current(std::optional<std::chrono::sys_days> day = std::nullopt) const;
};

/// Settings for the coverage report.
struct CoverageOptions {
  /// Posts count when their term covers this day; when absent, open-ended posts count.
  std::optional<std::chrono::sys_days> as_of;
  /// A compound (小区) with at least this many resident party members needs its own branch.
  int compound_branch_threshold = 3;
};

/// A residential compound (小区) with enough resident party members but no branch.
struct CompoundGap {
  std::string compound;            ///< the compound label
  UnitIndex unit = kNoUnit;        ///< the lowest unit enclosing all its labelled units
  std::size_t party_members = 0;   ///< party members whose residence is in the compound
};

/// Coverage report (覆盖情况): counts, and the gaps the rules of docs/domain.md §6, §9 look for.
/// Errors: compounds without their own branch, party organizations without a current
/// secretary. Warning: grids without a station (698 stations for 826 grids is normal).
struct CoverageReport {
  std::size_t units = 0;                             ///< all units
  std::array<std::size_t, kLevelCount> per_level{};  ///< units at each level
  std::array<std::size_t, kUnitKindCount> per_kind{};  ///< units of each kind, by UnitKind value
  /// Units per (level, kind), only the non-zero pairs, ordered by level then kind.
  struct LevelKind {
    int level = 0;                                 ///< the level
    UnitKind kind = UnitKind::kDistrictCommittee;  ///< the kind
    std::size_t count = 0;                         ///< units of that kind at that level
  };
  std::vector<LevelKind> per_level_kind;  ///< see LevelKind
  std::vector<UnitIndex> grids_without_station;      ///< warning
  std::vector<CompoundGap> compounds_without_branch; ///< error
  std::vector<UnitIndex> units_without_secretary;    ///< error
  /// Number of error findings.
  std::size_t error_count() const { return compounds_without_branch.size() + units_without_secretary.size(); }
  /// Number of warning findings.
  std::size_t warning_count() const { return grids_without_station.size(); }
};

/// Sizes of the in-memory structures, for the memory target (≤256 bytes per unit,
/// text excluded; docs/targets.md "Memory").
struct OrgMemoryStats {
  std::size_t unit_structure_bytes = 0;  ///< per-unit arrays, id index, labels, counters
  std::size_t text_bytes = 0;            ///< ids and names
  std::size_t other_bytes = 0;           ///< members, posts, households, links
};

/// The organization graph: a forest of units (normally one district root), cross links,
/// members, posts and households. Loads are all-or-nothing; queries are read-only and
/// may run in parallel. Spans and string_views it returns stay valid until the next
/// mutating call (load, transfer).
class OrgGraph {
 public:
  OrgGraph();
  ~OrgGraph();
  OrgGraph(OrgGraph&&) noexcept;
  OrgGraph& operator=(OrgGraph&&) noexcept;
  /// Deep copy (used for snapshots).
  OrgGraph(const OrgGraph&);
  /// Deep copy (used for snapshots).
  OrgGraph& operator=(const OrgGraph&);

  /// Loads a JSON document or JSON Lines (auto-detected) and merges it into the graph.
  /// All-or-nothing: on error the graph is exactly as before, and the status names the
  /// record (index or line), the field and the reason. `source_name` prefixes messages.
  absl::Status load_json(std::string_view text, std::string_view source_name);
  /// Reads `path` and calls load_json.
  absl::Status load_file(const std::string& path);
  /// What an export may show.
  struct ExportOptions {
    /// Member names (residents' personal data) as stored; false: masked with mask_name
    /// ("沈畅" → "沈*"), as every export is unless the host asks for raw data.
    bool raw = false;
  };
  /// The whole graph in the JSON document format, loadable into an empty graph, in a
  /// deterministic order (units by index, then links, members, posts, households).
  /// Member names are masked unless `options.raw`; a raw export round-trips exactly.
  std::string export_json(const ExportOptions& options) const;
  /// export_json with member names masked.
  std::string export_json() const { return export_json(ExportOptions{}); }
  /// Graphviz DOT of the subtree at `root`, `depth` levels down (negative: all), with the
  /// cross links among the units shown.
  std::string export_dot(UnitIndex root, int depth) const;

  /// Number of units.
  std::size_t unit_count() const;
  /// The unit with host id `id`.
  std::optional<UnitIndex> find(std::string_view id) const;
  /// Host id of a unit.
  std::string_view id(UnitIndex) const;
  /// Name of a unit (UTF-8).
  std::string_view name(UnitIndex) const;
  /// Level (depth) of a unit, 0 for a district root.
  int level(UnitIndex) const;
  /// Kind of a unit.
  UnitKind kind(UnitIndex) const;
  /// The area schema in force at a unit (its own or inherited).
  AreaSchema schema(UnitIndex) const;
  /// Residential compound (小区) label of the unit, inherited from the nearest ancestor
  /// that has one (a compound_branch without a label is its own compound, named by its
  /// id); empty when none.
  std::string_view compound(UnitIndex) const;
  /// The schema a file without one is checked against (the first loaded file's).
  AreaSchema default_schema() const;
  /// kNoUnit for the root / parentless units.
  UnitIndex parent(UnitIndex) const;
  /// Direct children in index order.
  std::span<const UnitIndex> children(UnitIndex) const;
  /// The subtree of `u` (u first), in pre-order. O(1).
  std::span<const UnitIndex> subtree(UnitIndex u) const;
  /// True when `ancestor` is `u` or one of its ancestors. O(1) by pre/post-order intervals.
  bool is_ancestor_or_self(UnitIndex ancestor, UnitIndex u) const;
  /// The ancestor of `u` at `level` (u itself if at that level); kNoUnit if none.
  UnitIndex ancestor_at_level(UnitIndex u, int level) const;
  /// u, parent, ..., root.
  std::vector<UnitIndex> chain_of_command(UnitIndex u) const;
  /// Writes u, parent, ..., root into `out` (no allocation); returns how many were written
  /// (at most out.size()).
  std::size_t chain_of_command(UnitIndex u, std::span<UnitIndex> out) const;
  /// The deepest common ancestor of a and b; kNoUnit when they are in different trees.
  UnitIndex lowest_common_ancestor(UnitIndex a, UnitIndex b) const;
  /// Number of units in the subtree of `u`, u included. O(1).
  std::size_t subtree_size(UnitIndex u) const;

  /// The compact per-unit arrays behind the O(1) tree queries (level, pre-order intervals,
  /// ancestor rows), read in place by inline code: a hot caller that holds the graph
  /// behind a handle (the C ABI's jc_org) reaches them in one load from the graph instead
  /// of going through the pimpl. Same answers as the named queries above. Indices are not
  /// checked (`u` must be below unit_count()); valid until the next load.
  class TreeArrays {
   public:
    /// Level of `u` (see level()).
    int level(UnitIndex u) const noexcept { return level_[u]; }
    /// See OrgGraph::is_ancestor_or_self().
    bool is_ancestor_or_self(UnitIndex ancestor, UnitIndex u) const noexcept {
      return pre_[u] - pre_[ancestor] < size_[ancestor];  // unsigned wrap-around: one compare
    }
    /// See OrgGraph::ancestor_at_level(); kNoUnit when `lvl` is not in 0..level(u).
    UnitIndex ancestor_at_level(UnitIndex u, int lvl) const noexcept {
      if (static_cast<unsigned>(lvl) > level_[u]) return kNoUnit;  // negative wraps high
      return rows_[static_cast<std::size_t>(u) * kLevelCount + static_cast<unsigned>(lvl)];
    }
    /// See OrgGraph::chain_of_command(UnitIndex, std::span<UnitIndex>).
    std::size_t chain_of_command(UnitIndex u, std::span<UnitIndex> out) const noexcept {
      const std::size_t l = level_[u];
      const UnitIndex* r = rows_ + static_cast<std::size_t>(u) * kLevelCount;
      const std::size_t n = l + 1 < out.size() ? l + 1 : out.size();
      for (std::size_t i = 0; i < n; ++i) out[i] = r[l - i];
      return n;
    }

   private:
    friend class OrgGraph;
    const std::uint8_t* level_ = nullptr;
    const std::uint32_t* pre_ = nullptr;
    const std::uint32_t* size_ = nullptr;
    const UnitIndex* rows_ = nullptr;  // kLevelCount per unit
  };
  /// The arrays above, kept current by every call that changes the graph.
  const TreeArrays& tree_arrays() const noexcept { return tree_; }

  /// Number of cross links.
  std::size_t link_count() const;
  /// Units `u` links to with `type`, in link order.
  std::vector<UnitIndex> links_from(UnitIndex u, LinkType type) const;
  /// Units linking to `u` with `type`, in link order.
  std::vector<UnitIndex> links_to(UnitIndex u, LinkType type) const;
  /// True when the link from->to of `type` exists and carries a tripartite agreement (三方协议).
  bool has_tripartite_agreement(UnitIndex from, UnitIndex to, LinkType type) const;
  /// A property_branch that serves `grid_or_compound` with a tripartite agreement on
  /// record, if any (the first such link).
  std::optional<UnitIndex> serving_property_branch(UnitIndex grid_or_compound) const;
  /// Member units of a joint committee (大党委 成员单位): its `joint` links.
  std::vector<UnitIndex> joint_committee_members(UnitIndex joint_committee) const;

  /// Number of members.
  std::size_t member_count() const;
  /// The member with host id `id`.
  std::optional<MemberIndex> find_member(std::string_view id) const;
  /// Host id of a member.
  std::string_view member_id(MemberIndex) const;
  /// Name of a member.
  std::string_view member_name(MemberIndex) const;
  /// True for a party member (党员).
  bool is_party_member(MemberIndex) const;
  /// The unit holding the member's organizational relation (组织关系); kNoUnit if none.
  UnitIndex org_unit(MemberIndex) const;
  /// The unit where the member lives; kNoUnit if not recorded.
  UnitIndex residence_unit(MemberIndex) const;
  /// The member's transfers, oldest first.
  std::span<const MemberTransfer> transfer_history(MemberIndex) const;
  /// Moves a party member's organizational relation to `to_unit` on `date` (组织关系
  /// 转接), keeping the history. Fails, changing nothing, for an unknown member or unit,
  /// a non-party member, a unit that cannot hold relations, the same unit, or a date
  /// before the last transfer.
  absl::Status transfer_member(std::string_view member_id, std::string_view to_unit_id, std::chrono::sys_days date);
  /// Members whose organizational relation is at `u` (not its subtree), by index.
  std::vector<MemberIndex> members_of(UnitIndex u) const;
  /// Members with their relation at `u`.
  std::size_t member_count(UnitIndex u) const;
  /// Party members with their relation at `u`.
  std::size_t party_member_count(UnitIndex u) const;
  /// Members with their relation in the subtree of `u`. O(log n).
  std::size_t subtree_member_count(UnitIndex u) const;
  /// Party members with their relation in the subtree of `u`. O(log n).
  std::size_t subtree_party_member_count(UnitIndex u) const;

  /// All posts, in load order.
  std::span<const Post> posts() const;
  /// Posts at `u`, in load order.
  std::vector<Post> posts_at(UnitIndex u) const;
  /// Holder of `role` at `u` whose term covers `as_of` (or, without a day, is open-ended).
  std::optional<MemberIndex> post_holder(UnitIndex u, PostRole role,
                                         std::optional<std::chrono::sys_days> as_of = std::nullopt) const;

  /// Number of households.
  std::size_t household_count() const;
  /// The building unit a household is linked to.
  std::optional<UnitIndex> household_unit(std::string_view household_id) const;
  /// The central household (党员中心户) a household is linked to, if any.
  std::optional<UnitIndex> household_central(std::string_view household_id) const;
  /// The unit responsible for a household at each level: index L holds the level-L
  /// ancestor of its building (kNoUnit where none); index 5 holds its central household
  /// (kNoUnit when not linked).
  std::optional<std::array<UnitIndex, kLevelCount>> responsible_units(std::string_view household_id) const;

  /// The coverage report (覆盖情况).
  CoverageReport coverage(const CoverageOptions& options = {}) const;
  /// The report as JSON (ids, not indices).
  std::string coverage_json(const CoverageReport& report) const;

  /// A human-readable summary: schema, units per level and kind, links, members, posts,
  /// households.
  std::string summary_text() const;
  /// The coverage report as text, listing at most `max_listed` units per finding.
  std::string coverage_text(const CoverageReport& report, std::size_t max_listed = 20) const;

  /// Memory held by the graph.
  OrgMemoryStats memory_stats() const;

  struct Impl;  ///< defined in src/org

 private:
  /// Points tree_ at impl_'s arrays (after construction, copy, move and every load).
  void sync_tree_arrays() noexcept;

  std::unique_ptr<Impl> impl_;
  TreeArrays tree_;
};

/// The bundled sample district (data/sample-district.json), embedded at build time.
std::string_view sample_district_json();

}  // namespace jiceng
