// The embedded default district: Wuzhong's figures (docs/domain.md §9: 115 communities,
// 826 grid branches, 698 stations; 15 streets and towns of Wuzhong), real names, determinism.
#include <string>

#include <gtest/gtest.h>

#include "demo/demo.hpp"
#include "jiceng/org.hpp"

namespace jiceng {
namespace {

std::size_t kind_count(const CoverageReport& c, UnitKind k) { return c.per_kind[static_cast<std::size_t>(k)]; }

TEST(DefaultDistrict, HasTheSeedsFigures) {
  OrgGraph g;
  ASSERT_TRUE(g.load_json(default_district_json(), "default").ok());
  const CoverageReport c = g.coverage();
  EXPECT_EQ(kind_count(c, UnitKind::kDistrictCommittee), 1u);
  EXPECT_EQ(kind_count(c, UnitKind::kStreetCommittee) + kind_count(c, UnitKind::kTownshipCommittee), 15u);
  EXPECT_EQ(kind_count(c, UnitKind::kCommunityCommittee) + kind_count(c, UnitKind::kCommunityGeneralBranch) +
                kind_count(c, UnitKind::kCommunityBranch),
            115u);
  EXPECT_EQ(kind_count(c, UnitKind::kGridBranch), 826u);
  EXPECT_EQ(kind_count(c, UnitKind::kStation), 698u);
  EXPECT_EQ(c.grids_without_station.size(), 826u - 698u);
  EXPECT_GT(kind_count(c, UnitKind::kBuildingGroup), 4000u);
  EXPECT_GT(kind_count(c, UnitKind::kCentralHousehold), 4000u);
  EXPECT_EQ(kind_count(c, UnitKind::kOwnersCommitteeGroup), 37u);  // 开发区: 37 个党的工作小组
  EXPECT_GT(g.household_count(), 20000u);
  EXPECT_GT(g.member_count(), 20000u);
  EXPECT_GT(g.posts().size(), 3000u);
  // Every station has a hub head (枢纽长).
  for (UnitIndex u = 0; u < g.unit_count(); ++u) {
    if (g.kind(u) == UnitKind::kStation) {
      EXPECT_TRUE(g.post_holder(u, PostRole::kHubHead).has_value()) << g.id(u);
    }
  }
}

TEST(DefaultDistrict, CarriesTheSeedsNames) {
  OrgGraph g;
  ASSERT_TRUE(g.load_json(default_district_json(), "default").ok());
  auto unit_named = [&](std::string_view name) -> UnitIndex {
    for (UnitIndex u = 0; u < g.unit_count(); ++u)
      if (g.name(u) == name) return u;
    return kNoUnit;
  };
  const UnitIndex longqiao = unit_named("龙桥社区党委");
  ASSERT_NE(longqiao, kNoUnit);
  EXPECT_EQ(g.name(g.parent(longqiao)), "长桥街道党工委");
  const UnitIndex jingfeng = unit_named("泾峰社区党委");
  ASSERT_NE(jingfeng, kNoUnit);
  EXPECT_EQ(g.name(g.parent(jingfeng)), "横泾街道党工委");
  const UnitIndex nanting = unit_named("南亭社区党总支");
  ASSERT_NE(nanting, kNoUnit);
  EXPECT_EQ(g.kind(nanting), UnitKind::kCommunityGeneralBranch);
  EXPECT_EQ(g.name(g.parent(nanting)), "木渎镇党委");
  EXPECT_NE(unit_named("家天下社区党支部"), kNoUnit);
  EXPECT_NE(unit_named("舟山花园社区党委"), kNoUnit);
  EXPECT_NE(unit_named("尹东片区型大党委"), kNoUnit);
  EXPECT_NE(unit_named("吴中区物业行业党委"), kNoUnit);
}

TEST(DefaultDistrict, IsTheSameEveryTime) {
  EXPECT_EQ(default_district_json(), default_district_json());
  OrgGraph a, b;
  ASSERT_TRUE(a.load_json(default_district_json(), "a").ok());
  ASSERT_TRUE(b.load_json(default_district_json(), "b").ok());
  EXPECT_EQ(a.export_json({.raw = true}), b.export_json({.raw = true}));
}

}  // namespace
}  // namespace jiceng
