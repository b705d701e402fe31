// Vocabulary of the hierarchy: kind, schema, link and role strings; the level schemas
// (层级方案) and the attachment rules for units beside the tree; dates.
#include <array>
#include <charconv>
#include <cstdio>

#include "org/org_impl.hpp"

namespace jiceng {
namespace {

constexpr std::array<std::string_view, kUnitKindCount> kKindNames = {
    "district_committee", "street_committee",   "township_committee",
    "community_committee", "community_general_branch", "community_branch",
    "grid_branch",         "compound_branch",    "village_branch",
    "building_group",      "villager_group",     "central_household",
    "joint_committee",     "resident_unit",      "property_branch",
    "owners_committee_group", "industry_committee", "station"};
constexpr std::array<std::string_view, 3> kSchemaNames = {"urban_grid", "compound", "rural"};
constexpr std::array<std::string_view, 4> kLinkNames = {"joint", "manages_members", "covers", "serves"};
constexpr std::array<std::string_view, 8> kRoleNames = {
    "secretary",       "deputy_secretary", "hub_head",        "grid_worker",
    "building_leader", "red_steward_lead", "first_secretary", "party_building_instructor"};

template <typename E, std::size_t N>
std::optional<E> parse_name(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

using K = UnitKind;

bool is_street_level(K k) { return k == K::kStreetCommittee || k == K::kTownshipCommittee; }
bool is_community_level(K k) {
  return k == K::kCommunityCommittee || k == K::kCommunityGeneralBranch || k == K::kCommunityBranch;
}
bool is_level3(K k) { return k == K::kGridBranch || k == K::kCompoundBranch || k == K::kVillageBranch; }

}  // namespace

std::string_view to_string(UnitKind k) { return kKindNames[static_cast<std::size_t>(k)]; }
std::optional<UnitKind> parse_unit_kind(std::string_view s) { return parse_name<UnitKind>(kKindNames, s); }
std::string_view to_string(AreaSchema s) { return kSchemaNames[static_cast<std::size_t>(s)]; }
std::optional<AreaSchema> parse_area_schema(std::string_view s) { return parse_name<AreaSchema>(kSchemaNames, s); }
std::string_view to_string(LinkType t) { return kLinkNames[static_cast<std::size_t>(t)]; }
std::optional<LinkType> parse_link_type(std::string_view s) { return parse_name<LinkType>(kLinkNames, s); }
std::string_view to_string(PostRole r) { return kRoleNames[static_cast<std::size_t>(r)]; }
std::optional<PostRole> parse_post_role(std::string_view s) { return parse_name<PostRole>(kRoleNames, s); }

std::optional<int> tree_level_of(UnitKind k) {
  switch (k) {
    case K::kDistrictCommittee: return 0;
    case K::kStreetCommittee:
    case K::kTownshipCommittee: return 1;
    case K::kCommunityCommittee:
    case K::kCommunityGeneralBranch:
    case K::kCommunityBranch: return 2;
    case K::kGridBranch:
    case K::kCompoundBranch:
    case K::kVillageBranch: return 3;
    case K::kBuildingGroup:
    case K::kVillagerGroup: return 4;
    case K::kCentralHousehold: return 5;
    default: return std::nullopt;
  }
}

bool may_sit_under(AreaSchema schema, UnitKind parent, UnitKind child) {
  switch (child) {
    // The tree, per schema.
    case K::kDistrictCommittee: return false;  // only a root
    case K::kStreetCommittee:
    case K::kTownshipCommittee: return parent == K::kDistrictCommittee;
    case K::kCommunityCommittee:
    case K::kCommunityGeneralBranch:
    case K::kCommunityBranch: return is_street_level(parent);
    case K::kGridBranch: return schema == AreaSchema::kUrbanGrid && is_community_level(parent);
    case K::kCompoundBranch: return schema == AreaSchema::kCompound && is_community_level(parent);
    case K::kVillageBranch: return schema == AreaSchema::kRural && is_community_level(parent);
    case K::kBuildingGroup:
      return (schema == AreaSchema::kUrbanGrid && parent == K::kGridBranch) ||
             (schema == AreaSchema::kCompound && parent == K::kCompoundBranch);
    case K::kVillagerGroup: return schema == AreaSchema::kRural && parent == K::kVillageBranch;
    case K::kCentralHousehold: return parent == K::kBuildingGroup || parent == K::kVillagerGroup;
    // Beside the tree, the same in every schema.
    case K::kJointCommittee:  // 片区型大党委 under a street; 社区大党委 under a community
      return is_street_level(parent) || is_community_level(parent);
    case K::kResidentUnit:  // hosted by the territory it is stationed in (驻区)
      return parent == K::kDistrictCommittee || is_street_level(parent) || is_community_level(parent);
    case K::kPropertyBranch:  // in the community it works in, or in an industry committee
      return is_community_level(parent) || parent == K::kIndustryCommittee;
    case K::kOwnersCommitteeGroup:  // 业委会 of a compound, or of a community's estate
      return is_community_level(parent) || parent == K::kCompoundBranch;
    case K::kIndustryCommittee: return parent == K::kDistrictCommittee || is_street_level(parent);
    case K::kStation:  // 驿站 in a grid / compound / village, 党群服务中心 in a community
      return is_level3(parent) || is_community_level(parent);
  }
  return false;
}

bool can_hold_relations(UnitKind k) { return k != K::kStation && k != K::kCentralHousehold; }

bool role_allowed_at(PostRole role, UnitKind k) {
  switch (role) {
    case PostRole::kSecretary:
    case PostRole::kDeputySecretary:
      return k == K::kDistrictCommittee || is_street_level(k) || is_community_level(k) || is_level3(k) ||
             k == K::kJointCommittee || k == K::kPropertyBranch || k == K::kOwnersCommitteeGroup ||
             k == K::kIndustryCommittee;
    case PostRole::kHubHead: return k == K::kStation || k == K::kGridBranch;
    case PostRole::kGridWorker: return is_level3(k);
    case PostRole::kBuildingLeader: return k == K::kBuildingGroup || k == K::kVillagerGroup;
    case PostRole::kRedStewardLead:
      return k == K::kPropertyBranch || k == K::kCompoundBranch || k == K::kGridBranch ||
             is_community_level(k) || k == K::kOwnersCommitteeGroup;
    case PostRole::kFirstSecretary: return is_community_level(k) || is_level3(k);
    case PostRole::kPartyBuildingInstructor: return k != K::kCentralHousehold && k != K::kStation;
  }
  return false;
}

bool link_allowed(LinkType type, UnitKind from, UnitKind to) {
  switch (type) {
    case LinkType::kJoint:
      return from == K::kJointCommittee && to != K::kDistrictCommittee && to != K::kStation &&
             to != K::kBuildingGroup && to != K::kVillagerGroup && to != K::kCentralHousehold;
    case LinkType::kManagesMembers:
      return (is_community_level(from) || is_street_level(from) || from == K::kIndustryCommittee) &&
             (to == K::kPropertyBranch || to == K::kOwnersCommitteeGroup);
    case LinkType::kCovers: return from == K::kStation && (is_level3(to) || is_community_level(to));
    case LinkType::kServes: return from == K::kPropertyBranch && (is_level3(to) || is_community_level(to));
  }
  return false;
}

std::string_view link_rule_text(LinkType type) {
  switch (type) {
    case LinkType::kJoint:
      return "joint goes from a joint_committee to a member unit (not a district, station, party group or central household)";
    case LinkType::kManagesMembers:
      return "manages_members goes from a street, community or industry_committee to a property_branch or owners_committee_group";
    case LinkType::kCovers: return "covers goes from a station to a grid, compound, village or community unit";
    case LinkType::kServes:
      return "serves goes from a property_branch to a grid, compound, village or community unit";
  }
  return "";
}

bool Post::current(std::optional<std::chrono::sys_days> day) const {
  if (!day) return !end.has_value();
  return start <= *day && (!end || *day <= *end);
}

std::optional<std::chrono::sys_days> parse_iso_day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [&](std::size_t pos, std::size_t len, auto& out) {
    auto r = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return r.ec == std::errc() && r.ptr == s.data() + pos + len;
  };
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

std::string format_iso_day(std::chrono::sys_days day) {
  std::chrono::year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace jiceng
