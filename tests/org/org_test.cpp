// Tests of the organization hierarchy (OrgGraph): every query on a hand-built district,
// the export/import round trip, and each class of bad input leaving the graph unchanged.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "jiceng/org.hpp"

namespace jiceng {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// D ─ S1 ─ C1 ─ G1 ─ B1 ─ H1           S1 ─ C2 (compound) ─ K1 ─ B4
//   │    │    │    ├─ B2                          └─ PB
//   │    │    │    └─ ST1 (station)
//   │    │    ├─ G2 ─ B3
//   │    │    ├─ J1 (joint committee)
//   │    │    └─ R1 (resident unit)
//   └─ S2 (rural) ─ V ─ VB ─ VG
constexpr std::string_view kDistrict = R"json({
  "schema": "urban_grid",
  "units": [
    {"id": "D", "name": "吴中区委", "level": 0, "kind": "district_committee"},
    {"id": "S1", "name": "长桥街道党工委", "level": 1, "kind": "street_committee", "parent": "D"},
    {"id": "C1", "name": "龙桥社区党委", "level": 2, "kind": "community_committee", "parent": "S1"},
    {"id": "G1", "name": "第一网格党支部", "level": 3, "kind": "grid_branch", "parent": "C1"},
    {"id": "B1", "name": "1幢党小组", "level": 4, "kind": "building_group", "parent": "G1"},
    {"id": "H1", "name": "党员中心户1-1", "level": 5, "kind": "central_household", "parent": "B1"},
    {"id": "B2", "name": "2幢党小组", "level": 4, "kind": "building_group", "parent": "G1", "compound": "枫苑"},
    {"id": "ST1", "name": "先锋枢纽驿站", "level": 4, "kind": "station", "parent": "G1"},
    {"id": "G2", "name": "第二网格党支部", "level": 3, "kind": "grid_branch", "parent": "C1"},
    {"id": "B3", "name": "3幢党小组", "level": 4, "kind": "building_group", "parent": "G2", "compound": "枫苑"},
    {"id": "J1", "name": "龙桥社区大党委", "level": 3, "kind": "joint_committee", "parent": "C1"},
    {"id": "R1", "name": "驻区机关党支部", "level": 3, "kind": "resident_unit", "parent": "C1"},
    {"id": "C2", "name": "新家社区党总支", "level": 2, "kind": "community_general_branch", "parent": "S1", "schema": "compound"},
    {"id": "K1", "name": "和园小区党支部", "level": 3, "kind": "compound_branch", "parent": "C2", "compound": "和园"},
    {"id": "B4", "name": "和园1幢党小组", "level": 4, "kind": "building_group", "parent": "K1"},
    {"id": "PB", "name": "物业党支部", "level": 3, "kind": "property_branch", "parent": "C2"},
    {"id": "S2", "name": "临湖镇党委", "level": 1, "kind": "township_committee", "parent": "D", "schema": "rural"},
    {"id": "V", "name": "灵湖村党支部", "level": 2, "kind": "community_branch", "parent": "S2"},
    {"id": "VB", "name": "石舍自然村党支部", "level": 3, "kind": "village_branch", "parent": "V"},
    {"id": "VG", "name": "第一村民小组党小组", "level": 4, "kind": "villager_group", "parent": "VB"}
  ],
  "links": [
    {"type": "joint", "from": "J1", "to": "R1"},
    {"type": "joint", "from": "J1", "to": "C2"},
    {"type": "covers", "from": "ST1", "to": "G1"},
    {"type": "serves", "from": "PB", "to": "K1", "tripartite_agreement": true},
    {"type": "serves", "from": "PB", "to": "G2"},
    {"type": "manages_members", "from": "C2", "to": "PB"}
  ],
  "members": [
    {"id": "m1", "name": "王晓英", "party_member": true, "org_unit": "C1", "residence_unit": "B1"},
    {"id": "m2", "name": "沈畅", "party_member": true, "org_unit": "G1", "residence_unit": "H1"},
    {"id": "m3", "name": "顾美玲", "party_member": true, "org_unit": "G1", "residence_unit": "B2"},
    {"id": "m4", "name": "李芳", "party_member": false, "residence_unit": "B1"},
    {"id": "m5", "name": "陈美玲", "party_member": true, "org_unit": "K1", "residence_unit": "B4",
     "transfers": [{"from": "G2", "to": "K1", "date": "2023-04-12"}]},
    {"id": "m6", "name": "陆建国", "party_member": true, "org_unit": "G2", "residence_unit": "B3"},
    {"id": "m7", "name": "周敏", "party_member": false, "org_unit": "C1"}
  ],
  "posts": [
    {"member": "m1", "unit": "C1", "role": "secretary", "start": "2021-07-01"},
    {"member": "m2", "unit": "G1", "role": "secretary", "start": "2021-07-01"},
    {"member": "m6", "unit": "G2", "role": "secretary", "start": "2018-01-01", "end": "2022-12-31"},
    {"member": "m4", "unit": "G1", "role": "grid_worker", "start": "2021-07-01"},
    {"member": "m4", "unit": "ST1", "role": "hub_head", "start": "2021-09-01"},
    {"member": "m5", "unit": "K1", "role": "secretary", "start": "2023-05-01"},
    {"member": "m3", "unit": "B2", "role": "building_leader", "start": "2022-01-01"}
  ],
  "households": [
    {"id": "h1", "building": "B1", "central_household": "H1"},
    {"id": "h2", "building": "B2", "central_household": "H1"},
    {"id": "h3", "building": "B3"}
  ]
})json";

class DistrictTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(g.load_json(kDistrict, "district.json").ok()); }
  UnitIndex u(std::string_view id) const {
    auto i = g.find(id);
    EXPECT_TRUE(i.has_value()) << id;
    return i.value_or(kNoUnit);
  }
  std::vector<std::string> ids(const std::vector<UnitIndex>& v) const {
    std::vector<std::string> out;
    for (UnitIndex x : v) out.emplace_back(g.id(x));
    return out;
  }
  std::vector<std::string> ids(std::span<const UnitIndex> v) const { return ids(std::vector<UnitIndex>(v.begin(), v.end())); }
  OrgGraph g;
};

TEST(OrgVocabulary, StringsRoundTrip) {
  for (int k = 0; k < kUnitKindCount; ++k) {
    auto kind = static_cast<UnitKind>(k);
    EXPECT_EQ(parse_unit_kind(to_string(kind)), kind);
  }
  EXPECT_EQ(to_string(UnitKind::kCommunityGeneralBranch), "community_general_branch");
  EXPECT_EQ(to_string(UnitKind::kOwnersCommitteeGroup), "owners_committee_group");
  EXPECT_EQ(parse_unit_kind("grid"), std::nullopt);
  for (int t = 0; t < 4; ++t) EXPECT_EQ(parse_link_type(to_string(static_cast<LinkType>(t))), static_cast<LinkType>(t));
  for (int r = 0; r < 8; ++r) EXPECT_EQ(parse_post_role(to_string(static_cast<PostRole>(r))), static_cast<PostRole>(r));
  EXPECT_EQ(to_string(PostRole::kRedStewardLead), "red_steward_lead");
  EXPECT_EQ(parse_area_schema("rural"), AreaSchema::kRural);
  EXPECT_EQ(parse_area_schema("city"), std::nullopt);
  EXPECT_EQ(tree_level_of(UnitKind::kGridBranch), 3);
  EXPECT_EQ(tree_level_of(UnitKind::kStation), std::nullopt);
}

TEST(OrgVocabulary, LevelSchemas) {
  EXPECT_TRUE(may_sit_under(AreaSchema::kUrbanGrid, UnitKind::kCommunityCommittee, UnitKind::kGridBranch));
  EXPECT_FALSE(may_sit_under(AreaSchema::kCompound, UnitKind::kCommunityCommittee, UnitKind::kGridBranch));
  EXPECT_TRUE(may_sit_under(AreaSchema::kCompound, UnitKind::kCommunityCommittee, UnitKind::kCompoundBranch));
  EXPECT_TRUE(may_sit_under(AreaSchema::kRural, UnitKind::kVillageBranch, UnitKind::kVillagerGroup));
  EXPECT_FALSE(may_sit_under(AreaSchema::kUrbanGrid, UnitKind::kStreetCommittee, UnitKind::kGridBranch));
  EXPECT_TRUE(may_sit_under(AreaSchema::kRural, UnitKind::kGridBranch, UnitKind::kStation));
  EXPECT_TRUE(may_sit_under(AreaSchema::kUrbanGrid, UnitKind::kIndustryCommittee, UnitKind::kPropertyBranch));
  EXPECT_FALSE(may_sit_under(AreaSchema::kUrbanGrid, UnitKind::kBuildingGroup, UnitKind::kStation));
}

TEST(OrgVocabulary, Dates) {
  auto d = parse_iso_day("2024-02-29");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(format_iso_day(*d), "2024-02-29");
  EXPECT_EQ(parse_iso_day("2023-02-29"), std::nullopt);
  EXPECT_EQ(parse_iso_day("2023-2-01"), std::nullopt);
  EXPECT_EQ(parse_iso_day("2023-13-01"), std::nullopt);
  EXPECT_EQ(parse_iso_day("20230101xx"), std::nullopt);
}

TEST_F(DistrictTest, UnitBasics) {
  EXPECT_EQ(g.unit_count(), 20u);
  EXPECT_EQ(g.find("nope"), std::nullopt);
  UnitIndex g1 = u("G1");
  EXPECT_EQ(g.id(g1), "G1");
  EXPECT_EQ(g.name(g1), "第一网格党支部");
  EXPECT_EQ(g.level(g1), 3);
  EXPECT_EQ(g.kind(g1), UnitKind::kGridBranch);
  EXPECT_EQ(g.parent(g1), u("C1"));
  EXPECT_EQ(g.parent(u("D")), kNoUnit);
  EXPECT_EQ(g.default_schema(), AreaSchema::kUrbanGrid);
  EXPECT_EQ(g.schema(g1), AreaSchema::kUrbanGrid);
  EXPECT_EQ(g.schema(u("B4")), AreaSchema::kCompound);
  EXPECT_EQ(g.schema(u("VG")), AreaSchema::kRural);
  EXPECT_EQ(g.compound(u("B3")), "枫苑");
  EXPECT_EQ(g.compound(u("B4")), "和园");
  EXPECT_EQ(g.compound(u("B1")), "");
}

TEST_F(DistrictTest, ChildrenAndSubtree) {
  EXPECT_THAT(ids(g.children(u("C1"))), ElementsAre("G1", "G2", "J1", "R1"));
  EXPECT_THAT(ids(g.children(u("G1"))), ElementsAre("B1", "B2", "ST1"));
  EXPECT_THAT(ids(g.children(u("H1"))), IsEmpty());
  EXPECT_THAT(ids(g.subtree(u("G1"))), ElementsAre("G1", "B1", "H1", "B2", "ST1"));
  EXPECT_THAT(ids(g.subtree(u("S2"))), ElementsAre("S2", "V", "VB", "VG"));
  EXPECT_EQ(g.subtree_size(u("D")), 20u);
  EXPECT_EQ(g.subtree_size(u("S1")), 15u);
  EXPECT_EQ(g.subtree_size(u("C1")), 10u);
  EXPECT_EQ(g.subtree_size(u("H1")), 1u);
  EXPECT_EQ(g.subtree(u("D")).size(), 20u);
}

TEST_F(DistrictTest, AncestorQueries) {
  EXPECT_TRUE(g.is_ancestor_or_self(u("D"), u("H1")));
  EXPECT_TRUE(g.is_ancestor_or_self(u("C1"), u("ST1")));
  EXPECT_TRUE(g.is_ancestor_or_self(u("G1"), u("G1")));
  EXPECT_FALSE(g.is_ancestor_or_self(u("H1"), u("G1")));
  EXPECT_FALSE(g.is_ancestor_or_self(u("G2"), u("B1")));
  EXPECT_FALSE(g.is_ancestor_or_self(u("C2"), u("B3")));
  EXPECT_FALSE(g.is_ancestor_or_self(u("S2"), u("C1")));

  EXPECT_EQ(g.ancestor_at_level(u("H1"), 2), u("C1"));
  EXPECT_EQ(g.ancestor_at_level(u("H1"), 0), u("D"));
  EXPECT_EQ(g.ancestor_at_level(u("H1"), 5), u("H1"));
  EXPECT_EQ(g.ancestor_at_level(u("C1"), 3), kNoUnit);
  EXPECT_EQ(g.ancestor_at_level(u("C1"), -1), kNoUnit);

  EXPECT_THAT(ids(g.chain_of_command(u("H1"))), ElementsAre("H1", "B1", "G1", "C1", "S1", "D"));
  EXPECT_THAT(ids(g.chain_of_command(u("D"))), ElementsAre("D"));
  std::array<UnitIndex, 3> buf{};
  EXPECT_EQ(g.chain_of_command(u("B4"), buf), 3u);
  EXPECT_THAT(ids(std::span<const UnitIndex>(buf)), ElementsAre("B4", "K1", "C2"));

  EXPECT_EQ(g.lowest_common_ancestor(u("H1"), u("B3")), u("C1"));
  EXPECT_EQ(g.lowest_common_ancestor(u("H1"), u("B4")), u("S1"));
  EXPECT_EQ(g.lowest_common_ancestor(u("H1"), u("VG")), u("D"));
  EXPECT_EQ(g.lowest_common_ancestor(u("G1"), u("H1")), u("G1"));
  EXPECT_EQ(g.lowest_common_ancestor(u("B2"), u("B2")), u("B2"));
}

TEST_F(DistrictTest, Links) {
  EXPECT_EQ(g.link_count(), 6u);
  EXPECT_THAT(ids(g.joint_committee_members(u("J1"))), ElementsAre("R1", "C2"));
  EXPECT_THAT(ids(g.links_from(u("J1"), LinkType::kJoint)), ElementsAre("R1", "C2"));
  EXPECT_THAT(ids(g.links_to(u("C2"), LinkType::kJoint)), ElementsAre("J1"));
  EXPECT_THAT(ids(g.links_to(u("G1"), LinkType::kCovers)), ElementsAre("ST1"));
  EXPECT_THAT(ids(g.links_from(u("PB"), LinkType::kServes)), ElementsAre("K1", "G2"));
  EXPECT_THAT(ids(g.links_from(u("PB"), LinkType::kJoint)), IsEmpty());
  EXPECT_THAT(ids(g.links_to(u("PB"), LinkType::kManagesMembers)), ElementsAre("C2"));
  EXPECT_EQ(g.serving_property_branch(u("K1")), u("PB"));
  EXPECT_EQ(g.serving_property_branch(u("G2")), std::nullopt);  // no tripartite agreement
  EXPECT_EQ(g.serving_property_branch(u("G1")), std::nullopt);
  EXPECT_TRUE(g.has_tripartite_agreement(u("PB"), u("K1"), LinkType::kServes));
  EXPECT_FALSE(g.has_tripartite_agreement(u("PB"), u("G2"), LinkType::kServes));
}

TEST_F(DistrictTest, Members) {
  EXPECT_EQ(g.member_count(), 7u);
  auto m5 = g.find_member("m5");
  ASSERT_TRUE(m5.has_value());
  EXPECT_EQ(g.member_id(*m5), "m5");
  EXPECT_EQ(g.member_name(*m5), "陈美玲");
  EXPECT_TRUE(g.is_party_member(*m5));
  EXPECT_EQ(g.org_unit(*m5), u("K1"));
  EXPECT_EQ(g.residence_unit(*m5), u("B4"));
  ASSERT_EQ(g.transfer_history(*m5).size(), 1u);
  EXPECT_EQ(g.transfer_history(*m5)[0].from, u("G2"));
  EXPECT_EQ(format_iso_day(g.transfer_history(*m5)[0].date), "2023-04-12");
  auto m4 = g.find_member("m4");
  EXPECT_FALSE(g.is_party_member(*m4));
  EXPECT_EQ(g.org_unit(*m4), kNoUnit);

  EXPECT_EQ(g.member_count(u("C1")), 2u);
  EXPECT_EQ(g.party_member_count(u("C1")), 1u);
  EXPECT_EQ(g.member_count(u("G1")), 2u);
  EXPECT_EQ(g.subtree_member_count(u("C1")), 5u);
  EXPECT_EQ(g.subtree_party_member_count(u("C1")), 4u);
  EXPECT_EQ(g.subtree_party_member_count(u("S1")), 5u);
  EXPECT_EQ(g.subtree_member_count(u("D")), 6u);
  EXPECT_EQ(g.subtree_party_member_count(u("S2")), 0u);
  std::vector<std::string> g1_members;
  for (MemberIndex m : g.members_of(u("G1"))) g1_members.emplace_back(g.member_id(m));
  EXPECT_THAT(g1_members, ElementsAre("m2", "m3"));
}

TEST_F(DistrictTest, Posts) {
  EXPECT_EQ(g.posts().size(), 7u);
  EXPECT_EQ(g.posts_at(u("G1")).size(), 2u);
  EXPECT_EQ(g.post_holder(u("G1"), PostRole::kSecretary), g.find_member("m2"));
  EXPECT_EQ(g.post_holder(u("G2"), PostRole::kSecretary), std::nullopt);  // term ended
  EXPECT_EQ(g.post_holder(u("G2"), PostRole::kSecretary, *parse_iso_day("2022-06-01")), g.find_member("m6"));
  EXPECT_EQ(g.post_holder(u("G2"), PostRole::kSecretary, *parse_iso_day("2023-01-01")), std::nullopt);
  EXPECT_EQ(g.post_holder(u("ST1"), PostRole::kHubHead), g.find_member("m4"));
  EXPECT_EQ(g.post_holder(u("B2"), PostRole::kBuildingLeader), g.find_member("m3"));
}

TEST_F(DistrictTest, Households) {
  EXPECT_EQ(g.household_count(), 3u);
  EXPECT_EQ(g.household_unit("h2"), u("B2"));
  EXPECT_EQ(g.household_central("h2"), u("H1"));
  EXPECT_EQ(g.household_central("h3"), std::nullopt);
  EXPECT_EQ(g.household_unit("h9"), std::nullopt);
  auto r = g.responsible_units("h2");
  ASSERT_TRUE(r.has_value());
  EXPECT_THAT(*r, ElementsAre(u("D"), u("S1"), u("C1"), u("G1"), u("B2"), u("H1")));
  auto r3 = g.responsible_units("h3");
  ASSERT_TRUE(r3.has_value());
  EXPECT_THAT(*r3, ElementsAre(u("D"), u("S1"), u("C1"), u("G2"), u("B3"), kNoUnit));
  EXPECT_EQ(g.responsible_units("h9"), std::nullopt);
}

TEST_F(DistrictTest, Coverage) {
  CoverageReport r = g.coverage();
  EXPECT_EQ(r.units, 20u);
  EXPECT_THAT(r.per_level, ElementsAre(1u, 2u, 3u, 7u, 6u, 1u));
  EXPECT_EQ(r.per_kind[static_cast<int>(UnitKind::kBuildingGroup)], 4u);
  EXPECT_EQ(r.per_kind[static_cast<int>(UnitKind::kStation)], 1u);
  bool found = false;
  for (const auto& lk : r.per_level_kind) {
    if (lk.level == 4 && lk.kind == UnitKind::kStation) found = lk.count == 1;
  }
  EXPECT_TRUE(found);
  EXPECT_THAT(ids(r.grids_without_station), ElementsAre("G2"));
  EXPECT_THAT(ids(r.units_without_secretary), ElementsAre("D", "S1", "G2", "J1", "C2", "PB", "S2", "V", "VB"));
  EXPECT_THAT(r.compounds_without_branch, IsEmpty());  // 枫苑 has 2 resident party members
  EXPECT_EQ(r.error_count(), 9u);
  EXPECT_EQ(r.warning_count(), 1u);

  CoverageOptions opt;
  opt.as_of = *parse_iso_day("2022-06-01");
  opt.compound_branch_threshold = 2;
  CoverageReport r2 = g.coverage(opt);
  EXPECT_THAT(ids(r2.units_without_secretary), ElementsAre("D", "S1", "J1", "C2", "K1", "PB", "S2", "V", "VB"));
  ASSERT_EQ(r2.compounds_without_branch.size(), 1u);
  EXPECT_EQ(r2.compounds_without_branch[0].compound, "枫苑");
  EXPECT_EQ(r2.compounds_without_branch[0].party_members, 2u);
  EXPECT_EQ(r2.compounds_without_branch[0].unit, u("C1"));

  auto j = boost::json::parse(g.coverage_json(r2)).as_object();
  EXPECT_EQ(j.at("units").as_int64(), 20);
  EXPECT_EQ(j.at("units_per_kind").at("grid_branch").as_int64(), 2);
  EXPECT_EQ(j.at("grids_without_station").as_array().at(0).as_string(), "G2");
  EXPECT_EQ(j.at("compounds_without_branch").as_array().at(0).at("compound").as_string(), "枫苑");
  EXPECT_EQ(j.at("errors").as_int64(), 10);
}

TEST_F(DistrictTest, TransferKeepsHistoryAndCounts) {
  const std::string before = g.export_json({.raw = true});
  OrgGraph snapshot = g;  // deep copy
  ASSERT_TRUE(g.transfer_member("m2", "K1", *parse_iso_day("2024-03-01")).ok());
  auto m2 = *g.find_member("m2");
  EXPECT_EQ(g.org_unit(m2), u("K1"));
  ASSERT_EQ(g.transfer_history(m2).size(), 1u);
  EXPECT_EQ(g.transfer_history(m2)[0].from, u("G1"));
  EXPECT_EQ(g.transfer_history(m2)[0].to, u("K1"));
  EXPECT_EQ(g.member_count(u("G1")), 1u);
  EXPECT_EQ(g.party_member_count(u("K1")), 2u);
  EXPECT_EQ(g.subtree_party_member_count(u("C1")), 3u);
  EXPECT_EQ(g.subtree_party_member_count(u("C2")), 2u);
  EXPECT_EQ(g.subtree_party_member_count(u("S1")), 5u);
  // A second transfer continues the history; the export carries it and reloads.
  ASSERT_TRUE(g.transfer_member("m2", "VB", *parse_iso_day("2024-05-01")).ok());
  EXPECT_EQ(g.transfer_history(m2).size(), 2u);
  OrgGraph reloaded;
  ASSERT_TRUE(reloaded.load_json(g.export_json({.raw = true}), "export").ok());
  EXPECT_EQ(reloaded.export_json({.raw = true}), g.export_json({.raw = true}));
  EXPECT_EQ(reloaded.transfer_history(*reloaded.find_member("m2")).size(), 2u);
  // The snapshot did not move.
  EXPECT_EQ(snapshot.export_json({.raw = true}), before);
  EXPECT_EQ(snapshot.org_unit(*snapshot.find_member("m2")), u("G1"));
}

TEST_F(DistrictTest, TransferErrorsChangeNothing) {
  const std::string before = g.export_json({.raw = true});
  auto expect_error = [&](absl::Status s, absl::StatusCode code, std::string_view text) {
    EXPECT_EQ(s.code(), code) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(std::string(text)));
    EXPECT_EQ(g.export_json({.raw = true}), before);
  };
  std::chrono::sys_days d = *parse_iso_day("2024-03-01");
  expect_error(g.transfer_member("m99", "K1", d), absl::StatusCode::kNotFound, "unknown member 'm99'");
  expect_error(g.transfer_member("m2", "XX", d), absl::StatusCode::kNotFound, "unknown unit 'XX'");
  expect_error(g.transfer_member("m4", "K1", d), absl::StatusCode::kFailedPrecondition, "not a party member");
  expect_error(g.transfer_member("m2", "ST1", d), absl::StatusCode::kInvalidArgument, "cannot hold");
  expect_error(g.transfer_member("m2", "G1", d), absl::StatusCode::kFailedPrecondition, "already at G1");
  expect_error(g.transfer_member("m5", "G1", *parse_iso_day("2023-01-01")), absl::StatusCode::kInvalidArgument,
               "before the last transfer");
  EXPECT_EQ(g.member_count(u("G1")), 2u);
}

// JSON document -> JSON Lines, record by record.
std::string to_json_lines(const std::string& doc) {
  auto v = boost::json::parse(doc).as_object();
  std::string out = "{\"record\": \"schema\", \"schema\": " + boost::json::serialize(v.at("schema")) + "}\n";
  const std::pair<const char*, const char*> sections[] = {
      {"units", "unit"}, {"links", "link"}, {"members", "member"}, {"posts", "post"}, {"households", "household"}};
  for (auto [key, rec] : sections) {
    for (auto& e : v.at(key).as_array()) {
      auto o = e.as_object();
      o["record"] = rec;
      out += boost::json::serialize(o) + "\n";
    }
  }
  return out;
}

TEST_F(DistrictTest, ExportImportRoundTrip) {
  const std::string exported = g.export_json({.raw = true});
  OrgGraph copy;
  ASSERT_TRUE(copy.load_json(exported, "export").ok());
  EXPECT_EQ(copy.export_json({.raw = true}), exported);
  EXPECT_EQ(copy.unit_count(), g.unit_count());
  EXPECT_EQ(copy.schema(*copy.find("B4")), AreaSchema::kCompound);
  EXPECT_EQ(copy.compound(*copy.find("B3")), "枫苑");
  EXPECT_EQ(copy.serving_property_branch(*copy.find("K1")), copy.find("PB"));

  OrgGraph from_lines;
  const std::string lines = to_json_lines(exported);
  ASSERT_TRUE(from_lines.load_json(lines, "lines").ok()) << from_lines.load_json(lines, "again");
  EXPECT_EQ(from_lines.export_json({.raw = true}), exported);
}

// Member names are residents' personal data: masked in every export unless the host
// asks for raw data (docs/domain.md §11). Unit names are not personal and stay.
TEST_F(DistrictTest, ExportMasksMemberNamesUnlessRaw) {
  const std::string masked = g.export_json();
  const std::string raw = g.export_json({.raw = true});
  for (const char* name : {"王晓英", "沈畅", "顾美玲", "李芳"}) {
    EXPECT_EQ(masked.find(name), std::string::npos) << name;
    EXPECT_NE(raw.find(name), std::string::npos) << name;
  }
  EXPECT_NE(masked.find("\"name\": \"王**\""), std::string::npos);
  EXPECT_NE(masked.find("\"name\": \"沈*\""), std::string::npos);
  EXPECT_NE(masked.find("龙桥社区党委"), std::string::npos);
  // The masked document is still a loadable graph with the same structure.
  OrgGraph copy;
  ASSERT_TRUE(copy.load_json(masked, "masked").ok());
  EXPECT_EQ(copy.unit_count(), g.unit_count());
  EXPECT_EQ(copy.export_json(), masked);
  EXPECT_EQ(copy.member_name(*copy.find_member("m2")), "沈*");
}

TEST_F(DistrictTest, MergeAddsUnderExistingUnits) {
  ASSERT_TRUE(g.load_json(R"({"units": [
      {"id": "G3", "name": "第三网格党支部", "level": 3, "kind": "grid_branch", "parent": "C1"},
      {"id": "B5", "name": "5幢党小组", "level": 4, "kind": "building_group", "parent": "G3"}],
      "members": [{"id": "m8", "name": "徐磊", "party_member": true, "org_unit": "G3"}]})",
                          "more.json")
                  .ok());
  EXPECT_EQ(g.unit_count(), 22u);
  EXPECT_EQ(g.subtree_size(*g.find("C1")), 12u);
  EXPECT_TRUE(g.is_ancestor_or_self(*g.find("S1"), *g.find("B5")));
  EXPECT_EQ(g.subtree_party_member_count(*g.find("C1")), 5u);
  // Children listed before parents load too.
  OrgGraph h;
  ASSERT_TRUE(h.load_json(R"({"units": [
      {"id": "c", "name": "c", "level": 1, "kind": "street_committee", "parent": "r"},
      {"id": "r", "name": "r", "level": 0, "kind": "district_committee"}]})",
                          "reordered")
                  .ok());
  EXPECT_EQ(h.chain_of_command(*h.find("c")).size(), 2u);
  EXPECT_EQ(h.subtree_size(*h.find("r")), 2u);
}

TEST_F(DistrictTest, DotExport) {
  std::string dot = g.export_dot(u("C1"), 1);
  EXPECT_THAT(dot, HasSubstr("digraph org"));
  EXPECT_THAT(dot, HasSubstr("\"C1\" -> \"G1\""));
  EXPECT_THAT(dot, HasSubstr("\"J1\" -> \"R1\" [style=dashed"));
  EXPECT_THAT(dot, ::testing::Not(HasSubstr("\"B1\"")));  // below the depth
  std::string all = g.export_dot(u("C1"), -1);
  EXPECT_THAT(all, HasSubstr("\"B1\" -> \"H1\""));
  EXPECT_THAT(all, HasSubstr("\"ST1\" -> \"G1\" [style=dashed"));
}

// --- bad input: each class names record, field and reason, and changes nothing ---

struct BadCase {
  const char* name;
  std::string text;
  absl::StatusCode code;
  std::vector<std::string> message_parts;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class BadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInputTest, RejectedWithStateUnchanged) {
  OrgGraph g;
  ASSERT_TRUE(g.load_json(kDistrict, "district.json").ok());
  const std::string before = g.export_json({.raw = true});
  const BadCase& c = GetParam();
  absl::Status s = g.load_json(c.text, "bad.json");
  EXPECT_EQ(s.code(), c.code) << s;
  for (const auto& part : c.message_parts) EXPECT_THAT(std::string(s.message()), HasSubstr(part));
  EXPECT_EQ(g.export_json({.raw = true}), before);
  EXPECT_EQ(g.unit_count(), 20u);
  EXPECT_EQ(g.subtree_size(*g.find("D")), 20u);
  EXPECT_EQ(g.member_count(), 7u);
}

std::string unit_doc(std::string_view units, std::string_view extra = "") {
  return std::string("{\"units\": [") + std::string(units) + "]" + std::string(extra) + "}";
}

INSTANTIATE_TEST_SUITE_P(
    Org, BadInputTest,
    ::testing::Values(
        BadCase{"unknown_parent",
                unit_doc(R"({"id": "G9", "name": "x", "level": 3, "kind": "grid_branch", "parent": "C1"},
                            {"id": "B9", "name": "y", "level": 4, "kind": "building_group", "parent": "G8"})"),
                absl::StatusCode::kNotFound,
                {"bad.json: units[1] (unit B9), field \"parent\"", "unknown parent 'G8'"}},
        BadCase{"wrong_level",
                unit_doc(R"({"id": "3205060010", "name": "x", "level": 3, "kind": "grid_branch", "parent": "S1"})"),
                absl::StatusCode::kInvalidArgument,
                {"units[0] (unit 3205060010), field \"parent\"",
                 "unit 3205060010: level 3 (grid_branch) cannot sit under level 1 (street_committee) S1 in schema urban_grid"}},
        BadCase{"kind_at_wrong_level",
                unit_doc(R"({"id": "G9", "name": "x", "level": 2, "kind": "grid_branch", "parent": "S1"})"),
                absl::StatusCode::kInvalidArgument,
                {"field \"level\"", "kind grid_branch belongs at level 3, not level 2"}},
        BadCase{"wrong_schema",
                unit_doc(R"({"id": "G9", "name": "x", "level": 3, "kind": "grid_branch", "parent": "C2"})"),
                absl::StatusCode::kInvalidArgument,
                {"level 3 (grid_branch) cannot sit under level 2 (community_general_branch) C2 in schema compound"}},
        BadCase{"station_under_building",
                unit_doc(R"({"id": "ST9", "name": "x", "level": 5, "kind": "station", "parent": "B1"})"),
                absl::StatusCode::kInvalidArgument,
                {"level 5 (station) cannot sit under level 4 (building_group) B1"}},
        BadCase{"duplicate_id_in_graph",
                unit_doc(R"({"id": "G1", "name": "x", "level": 3, "kind": "grid_branch", "parent": "C1"})"),
                absl::StatusCode::kAlreadyExists,
                {"units[0] (unit G1), field \"id\"", "duplicate unit id 'G1' (already in the graph)"}},
        BadCase{"duplicate_id_in_file",
                unit_doc(R"({"id": "G9", "name": "x", "level": 3, "kind": "grid_branch", "parent": "C1"},
                            {"id": "G9", "name": "y", "level": 3, "kind": "grid_branch", "parent": "C1"})"),
                absl::StatusCode::kAlreadyExists,
                {"units[1] (unit G9), field \"id\"", "duplicate unit id 'G9' (also units[0] (unit G9))"}},
        BadCase{"cross_edge_cycle",
                unit_doc(R"({"id": "J9", "name": "片区型大党委", "level": 2, "kind": "joint_committee", "parent": "S1"})",
                         R"(, "links": [{"type": "joint", "from": "J9", "to": "J1"},
                                        {"type": "joint", "from": "J1", "to": "J9"}])"),
                absl::StatusCode::kInvalidArgument,
                {"links[", "field \"to\"", "closes a cycle of cross links", "J1 -> J9", "J9 -> J1"}},
        BadCase{"dangling_link",
                R"({"links": [{"type": "covers", "from": "ST1", "to": "G7"}]})",
                absl::StatusCode::kNotFound,
                {"links[0], field \"to\": unknown unit 'G7'"}},
        BadCase{"link_kind_rule",
                R"({"links": [{"type": "covers", "from": "G1", "to": "G2"}]})",
                absl::StatusCode::kInvalidArgument,
                {"links[0], field \"type\"", "covers goes from a station"}},
        BadCase{"invalid_utf8",
                unit_doc("{\"id\": \"G9\", \"name\": \"\xE7\xBD\x91\xFF\", \"level\": 3, \"kind\": \"grid_branch\", \"parent\": \"C1\"}"),
                absl::StatusCode::kInvalidArgument,
                {"units[0], field \"name\": invalid UTF-8"}},
        BadCase{"missing_field",
                unit_doc(R"({"id": "G9", "level": 3, "kind": "grid_branch", "parent": "C1"})"),
                absl::StatusCode::kInvalidArgument,
                {"units[0], field \"name\": missing"}},
        BadCase{"missing_parent",
                unit_doc(R"({"id": "G9", "name": "x", "level": 3, "kind": "grid_branch"})"),
                absl::StatusCode::kInvalidArgument,
                {"field \"parent\": missing"}},
        BadCase{"wrong_type",
                unit_doc(R"({"id": "G9", "name": "x", "level": "3", "kind": "grid_branch", "parent": "C1"})"),
                absl::StatusCode::kInvalidArgument,
                {"units[0], field \"level\": expected an integer, got a string"}},
        BadCase{"wrong_type_member",
                R"({"members": [{"id": "m9", "name": "x", "party_member": "yes", "org_unit": "G1"}]})",
                absl::StatusCode::kInvalidArgument,
                {"members[0], field \"party_member\": expected true or false, got a string"}},
        BadCase{"unknown_kind",
                unit_doc(R"({"id": "G9", "name": "x", "level": 3, "kind": "grid", "parent": "C1"})"),
                absl::StatusCode::kInvalidArgument,
                {"field \"kind\": unknown unit kind 'grid'"}},
        BadCase{"unknown_field",
                unit_doc(R"({"id": "G9", "name": "x", "level": 3, "kind": "grid_branch", "parent": "C1", "colour": 1})"),
                absl::StatusCode::kInvalidArgument,
                {"field \"colour\": unknown field"}},
        BadCase{"bad_post_role_place",
                R"({"posts": [{"member": "m1", "unit": "H1", "role": "secretary", "start": "2021-01-01"}]})",
                absl::StatusCode::kInvalidArgument,
                {"posts[0], field \"role\"", "secretary post cannot be held at unit H1 (central_household)"}},
        BadCase{"bad_date",
                R"({"posts": [{"member": "m1", "unit": "G2", "role": "secretary", "start": "2021-02-30"}]})",
                absl::StatusCode::kInvalidArgument,
                {"posts[0], field \"start\": '2021-02-30' is not a date"}},
        BadCase{"household_far_central",
                R"({"households": [{"id": "h9", "building": "B3", "central_household": "H1"}]})",
                absl::StatusCode::kInvalidArgument,
                {"households[0] (household h9), field \"central_household\"", "not in the same grid"}},
        BadCase{"duplicate_household",
                R"({"households": [{"id": "h1", "building": "B3"}]})",
                absl::StatusCode::kAlreadyExists,
                {"duplicate household id 'h1'"}},
        BadCase{"late_error_after_good_records",
                unit_doc(R"({"id": "G9", "name": "x", "level": 3, "kind": "grid_branch", "parent": "C1"})",
                         R"(, "members": [{"id": "m9", "name": "x", "party_member": true, "org_unit": "G9"}],
                            "posts": [{"member": "m9", "unit": "G9", "role": "secretary", "start": "2021-01-01", "end": "2020-01-01"}])"),
                absl::StatusCode::kInvalidArgument,
                {"posts[0], field \"end\": the term ends before it starts"}},
        BadCase{"syntax_error",
                "{\"units\": [\n  {\"id\": \"G9\",, }\n]}",
                absl::StatusCode::kInvalidArgument,
                {"bad.json: invalid JSON at line 2"}},
        BadCase{"jsonl_line_number",
                "{\"record\": \"unit\", \"id\": \"G9\", \"name\": \"x\", \"level\": 3, \"kind\": \"grid_branch\", \"parent\": \"C1\"}\n"
                "\n"
                "{\"record\": \"unit\", \"id\": \"B9\", \"name\": \"y\", \"level\": 4, \"kind\": \"building_group\", \"parent\": \"G9\", \"compound\": 7}\n",
                absl::StatusCode::kInvalidArgument,
                {"bad.json: line 3, field \"compound\": expected a string, got an integer"}},
        BadCase{"jsonl_cycle",
                "{\"record\": \"unit\", \"id\": \"J9\", \"name\": \"x\", \"level\": 2, \"kind\": \"joint_committee\", \"parent\": \"S1\"}\n"
                "{\"record\": \"link\", \"type\": \"joint\", \"from\": \"J1\", \"to\": \"J9\"}\n"
                "{\"record\": \"link\", \"type\": \"joint\", \"from\": \"J9\", \"to\": \"J1\"}\n",
                absl::StatusCode::kInvalidArgument,
                {"bad.json: line ", "closes a cycle"}},
        BadCase{"jsonl_invalid_utf8",
                "{\"record\": \"member\", \"id\": \"m\xC3\", \"name\": \"x\", \"party_member\": false}\n",
                absl::StatusCode::kInvalidArgument,
                {"bad.json: line 1, field \"id\": invalid UTF-8"}}),
    [](const ::testing::TestParamInfo<BadCase>& p) { return std::string(p.param.name); });

TEST(OrgSample, BundledDistrictLoadsWithItsFindings) {
  OrgGraph g;
  ASSERT_TRUE(g.load_json(sample_district_json(), "sample-district.json").ok());
  std::ifstream in(std::string(JICENG_SOURCE_DIR) + "/data/sample-district.json", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), sample_district_json());  // the embedded copy is current
  CoverageReport r = g.coverage();
  EXPECT_EQ(r.per_kind[static_cast<int>(UnitKind::kGridBranch)], 3u);
  ASSERT_EQ(r.grids_without_station.size(), 1u);
  EXPECT_EQ(g.id(r.grids_without_station[0]), "320506001001G03");
  ASSERT_EQ(r.units_without_secretary.size(), 1u);
  EXPECT_EQ(g.id(r.units_without_secretary[0]), "320506001001G03");
  ASSERT_EQ(r.compounds_without_branch.size(), 1u);
  EXPECT_EQ(r.compounds_without_branch[0].compound, "龙桥苑");
  EXPECT_EQ(r.compounds_without_branch[0].party_members, 4u);
  auto chain = g.chain_of_command(*g.find("320506001001G01B01H1"));
  ASSERT_EQ(chain.size(), 6u);
  EXPECT_EQ(g.id(chain.back()), "320506");
}

TEST(OrgLoad, FileErrors) {
  OrgGraph g;
  absl::Status s = g.load_file("/nonexistent/org.json");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(s.message()), HasSubstr("/nonexistent/org.json"));
  EXPECT_EQ(g.unit_count(), 0u);
  ASSERT_TRUE(g.load_file(std::string(JICENG_SOURCE_DIR) + "/data/sample-district.json").ok());
  EXPECT_EQ(g.unit_count(), 44u);
}

}  // namespace
}  // namespace jiceng

namespace jiceng {
namespace {

// The example in docs/org.md is real: it loads, and its JSON Lines twin loads the same.
TEST(OrgDocs, ExampleLoads) {
  std::ifstream in(std::string(JICENG_SOURCE_DIR) + "/docs/org.md", std::ios::binary);
  ASSERT_TRUE(in) << "docs/org.md";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const auto begin = doc.find("```json\n");
  ASSERT_NE(begin, std::string::npos);
  const auto end = doc.find("```", begin + 8);
  const std::string example = doc.substr(begin + 8, end - begin - 8);
  OrgGraph g;
  absl::Status s = g.load_json(example, "docs/org.md");
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(g.unit_count(), 7u);
  EXPECT_EQ(g.household_unit("H-0101"), g.find("320506001001G01B01"));
  EXPECT_EQ(g.coverage().error_count(), 3u);  // district, street and community have no secretary
  OrgGraph lines;
  ASSERT_TRUE(lines.load_json(to_json_lines(g.export_json({.raw = true})), "lines").ok());
  EXPECT_EQ(lines.export_json({.raw = true}), g.export_json({.raw = true}));
}

}  // namespace
}  // namespace jiceng
