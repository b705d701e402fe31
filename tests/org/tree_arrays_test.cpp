// OrgGraph::tree_arrays() — the inline view of the unit arrays that the C ABI's hot calls
// read in place — must agree with a parent-walk reference after every way the graph's
// arrays can move: construction, merge loads (the arrays grow and reallocate), a failed
// load, copies and moves (and the source of a copy going away).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "jiceng/org.hpp"
#include "jiceng/org_generator.hpp"

namespace {

using jiceng::kLevelCount;
using jiceng::kNoUnit;
using jiceng::OrgGraph;
using jiceng::UnitIndex;

std::string city(std::size_t units, std::uint64_t seed) {
  jiceng::CityGenSpec spec;
  spec.units = units;
  spec.seed = seed;
  spec.members = false;
  return jiceng::generate_city_json(spec).value();
}

/// u, parent, ..., root by parent().
std::vector<UnitIndex> walk(const OrgGraph& g, UnitIndex u) {
  std::vector<UnitIndex> chain;
  for (UnitIndex x = u; x != kNoUnit; x = g.parent(x)) chain.push_back(x);
  return chain;
}

/// Every unit's chain, ancestor at each level (and out of range) and a sample of
/// ancestor pairs, through tree_arrays() and through the named queries, against walk().
void expect_consistent(const OrgGraph& g) {
  const auto& t = g.tree_arrays();
  const auto n = static_cast<UnitIndex>(g.unit_count());
  ASSERT_GT(n, 0u);
  for (UnitIndex u = 0; u < n; ++u) {
    const std::vector<UnitIndex> chain = walk(g, u);
    ASSERT_EQ(t.level(u), g.level(u)) << u;
    ASSERT_EQ(chain.size(), static_cast<std::size_t>(g.level(u)) + 1) << u;
    std::array<UnitIndex, 8> buf{};
    const std::size_t got = t.chain_of_command(u, buf);
    ASSERT_EQ(std::vector<UnitIndex>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(got)), chain) << u;
    std::array<UnitIndex, 2> small{};
    ASSERT_EQ(t.chain_of_command(u, small), std::min<std::size_t>(2, chain.size())) << u;
    ASSERT_EQ(small[0], u);
    for (int l = -2; l <= kLevelCount; ++l) {
      const UnitIndex want = (l >= 0 && l <= g.level(u)) ? chain[chain.size() - 1 - static_cast<std::size_t>(l)] : kNoUnit;
      ASSERT_EQ(t.ancestor_at_level(u, l), want) << u << " level " << l;
      ASSERT_EQ(g.ancestor_at_level(u, l), want) << u << " level " << l;
    }
    for (UnitIndex a : chain) {
      ASSERT_TRUE(t.is_ancestor_or_self(a, u)) << a << " over " << u;
      ASSERT_TRUE(g.is_ancestor_or_self(a, u)) << a << " over " << u;
    }
    // A few non-ancestors: units picked by a fixed stride, checked against the chain.
    for (UnitIndex k = 1; k <= 3; ++k) {
      const UnitIndex a = static_cast<UnitIndex>((static_cast<std::uint64_t>(u) * 7919 + k * 104729) % n);
      const bool want = std::find(chain.begin(), chain.end(), a) != chain.end();
      ASSERT_EQ(t.is_ancestor_or_self(a, u), want) << a << " over " << u;
      ASSERT_EQ(g.is_ancestor_or_self(a, u), want) << a << " over " << u;
    }
  }
}

TEST(TreeArrays, MatchParentWalkAfterLoadsCopiesAndMoves) {
  OrgGraph g;
  ASSERT_TRUE(g.load_json(city(3000, 5), "a.json").ok());
  expect_consistent(g);

  // A second district beside the first, 600 units: every unit array grows (and
  // reallocates), so stale pointers would read freed memory.
  const std::size_t before = g.unit_count();
  const auto* view_before = &g.tree_arrays();
  std::string more = R"({"units": [{"id": "zz", "name": "r", "level": 0, "kind": "district_committee"})";
  for (int i = 0; i < 599; ++i)
    more += ", {\"id\": \"zz-" + std::to_string(i) + R"(", "name": "s", "level": 1, "kind": "street_committee", "parent": "zz"})";
  more += "]}";
  ASSERT_TRUE(g.load_json(more, "more.json").ok());
  ASSERT_EQ(g.unit_count(), before + 600);
  EXPECT_EQ(view_before, &g.tree_arrays());  // the view lives in the graph; its pointers move
  expect_consistent(g);

  // A refused load changes nothing and leaves the view usable.
  const std::size_t n = g.unit_count();
  EXPECT_FALSE(g.load_json(R"({"units": [{"id": "bad", "level": 9}]})", "bad.json").ok());
  EXPECT_EQ(g.unit_count(), n);
  expect_consistent(g);

  // Copies own their arrays: the copy stays right after the original is gone.
  std::optional<OrgGraph> original(std::in_place);
  ASSERT_TRUE(original->load_json(city(1500, 7), "c.json").ok());
  OrgGraph copy(*original);
  OrgGraph assigned;
  assigned = *original;
  original.reset();
  expect_consistent(copy);
  expect_consistent(assigned);

  // Moves carry the arrays over; the moved-to graph answers, and a moved-from graph that
  // is assigned a new value works again.
  OrgGraph moved(std::move(copy));
  expect_consistent(moved);
  OrgGraph move_assigned;
  move_assigned = std::move(moved);
  expect_consistent(move_assigned);
  moved = assigned;
  expect_consistent(moved);
}

TEST(TreeArrays, EmptyGraphHasNoUnits) {
  OrgGraph g;
  EXPECT_EQ(g.unit_count(), 0u);
  OrgGraph h(std::move(g));
  EXPECT_EQ(h.unit_count(), 0u);
  ASSERT_TRUE(h.load_json(R"({"units": [{"id": "r", "name": "r", "level": 0, "kind": "district_committee"}]})",
                          "one.json")
                  .ok());
  expect_consistent(h);
}

}  // namespace
