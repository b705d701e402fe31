// Tests of the seeded city generator: determinism, exact size, the Suzhou shape, and
// that what it writes loads cleanly in both formats.
#include <gtest/gtest.h>

#include "jiceng/org.hpp"
#include "jiceng/org_generator.hpp"

namespace jiceng {
namespace {

TEST(OrgGenerator, SameSeedSameBytes) {
  CityGenSpec spec;
  spec.units = 3000;
  spec.seed = 42;
  auto a = generate_city_json(spec);
  auto b = generate_city_json(spec);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  spec.seed = 43;
  auto c = generate_city_json(spec);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(*a, *c);
}

TEST(OrgGenerator, ExactUnitCountAndCleanLoad) {
  for (std::size_t n : {1u, 2u, 7u, 100u, 1000u, 12345u}) {
    CityGenSpec spec;
    spec.units = n;
    auto g = generate_city(spec);
    ASSERT_TRUE(g.ok()) << n << ": " << g.status();
    EXPECT_EQ(g->unit_count(), n);
    CoverageReport r = g->coverage();
    EXPECT_EQ(r.error_count(), 0u) << n;
  }
  CityGenSpec bad;
  bad.units = 0;
  EXPECT_EQ(generate_city(bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(OrgGenerator, ShapedLikeTheSuzhouFigures) {
  CityGenSpec spec;
  spec.units = 60000;
  spec.seed = 7;
  auto g = generate_city(spec);
  ASSERT_TRUE(g.ok()) << g.status();
  CoverageReport r = g->coverage();
  auto kind = [&](UnitKind k) { return static_cast<double>(r.per_kind[static_cast<int>(k)]); };
  const double communities = kind(UnitKind::kCommunityCommittee) + kind(UnitKind::kCommunityGeneralBranch) +
                             kind(UnitKind::kCommunityBranch);
  const double grids = kind(UnitKind::kGridBranch);
  ASSERT_GT(communities, 100);
  // Grids per urban-grid community near 826/115 = 7.2.
  std::size_t grid_communities = 0, grid_stations = 0;
  for (UnitIndex u = 0; u < g->unit_count(); ++u) {
    if (g->level(u) == 2 && g->schema(u) == AreaSchema::kUrbanGrid && tree_level_of(g->kind(u)) == 2) {
      for (UnitIndex c : g->children(u)) {
        if (g->kind(c) == UnitKind::kGridBranch) {
          ++grid_communities;
          break;
        }
      }
    }
    if (g->kind(u) == UnitKind::kStation && g->parent(u) != kNoUnit && g->kind(g->parent(u)) == UnitKind::kGridBranch) {
      ++grid_stations;
    }
  }
  const double per_community = grids / static_cast<double>(grid_communities);
  EXPECT_GT(per_community, 6.6);
  EXPECT_LT(per_community, 7.8);
  // Stations on about 698/826 = 84.5% of grids; the rest show up as warnings.
  const double station_share = static_cast<double>(grid_stations) / grids;
  EXPECT_GT(station_share, 0.80);
  EXPECT_LT(station_share, 0.89);
  EXPECT_EQ(r.grids_without_station.size(), static_cast<std::size_t>(grids) - grid_stations);
  // All three area types, compounds with property branches, joint committees, members.
  EXPECT_GT(kind(UnitKind::kCompoundBranch), 0);
  EXPECT_GT(kind(UnitKind::kVillageBranch), 0);
  EXPECT_GT(kind(UnitKind::kPropertyBranch), 0);
  EXPECT_GT(kind(UnitKind::kJointCommittee), 0);
  EXPECT_GT(kind(UnitKind::kCentralHousehold), kind(UnitKind::kBuildingGroup));
  EXPECT_GT(g->member_count(), 0u);
  EXPECT_GT(g->household_count(), 0u);
  EXPECT_GT(g->link_count(), 0u);
  EXPECT_EQ(g->level(0), 0);
  EXPECT_EQ(g->subtree_size(0), g->unit_count());
  EXPECT_GT(g->subtree_party_member_count(0), g->member_count() / 2);
}

TEST(OrgGenerator, GapsWhenAskedFor) {
  CityGenSpec spec;
  spec.units = 5000;
  spec.unbranched_compound_rate = 0.5;
  spec.secretary_vacancy_rate = 0.2;
  auto g = generate_city(spec);
  ASSERT_TRUE(g.ok()) << g.status();
  CoverageReport r = g->coverage();
  EXPECT_GT(r.compounds_without_branch.size(), 0u);
  EXPECT_GT(r.units_without_secretary.size(), 0u);
  for (const auto& c : r.compounds_without_branch) EXPECT_GE(c.party_members, 3u);
}

TEST(OrgGenerator, JsonAndJsonLinesAgree) {
  CityGenSpec spec;
  spec.units = 2500;
  spec.seed = 9;
  auto doc = generate_city_json(spec, false);
  auto lines = generate_city_json(spec, true);
  ASSERT_TRUE(doc.ok() && lines.ok());
  OrgGraph a, b;
  ASSERT_TRUE(a.load_json(*doc, "doc").ok());
  ASSERT_TRUE(b.load_json(*lines, "lines").ok());
  EXPECT_EQ(a.export_json({.raw = true}), b.export_json({.raw = true}));
  // And the export reloads to the same graph.
  OrgGraph c;
  ASSERT_TRUE(c.load_json(a.export_json({.raw = true}), "export").ok());
  EXPECT_EQ(c.export_json({.raw = true}), a.export_json({.raw = true}));
}

}  // namespace
}  // namespace jiceng
