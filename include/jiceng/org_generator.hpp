// jiceng/org_generator.hpp — a deterministic, seeded generator of a city's party
// organization (城市基层党组织) of any size, shaped like the Suzhou figures of docs/domain.md §9:
// district → streets/townships → communities/villages → grids (about 7 per community,
// 826 for 115 in Wuzhong), compounds (一小区一党支部) or natural villages → buildings →
// central households; stations on about 85% of grids (698 of 826); joint committees with
// resident units; property branches serving compounds under tripartite agreements;
// members, posts (secretaries everywhere) and households. Used by tests, the benchmark
// and the demo.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "jiceng/org.hpp"

namespace jiceng {

/// What to generate. Same spec and seed, same bytes out.
struct CityGenSpec {
  std::size_t units = 10000;                  ///< exact number of org units (≥ 1)
  std::uint64_t seed = 1;                     ///< random seed
  int communities_per_street = 8;             ///< mean (SIP: 57 communities in 8 streets)
  double grids_per_community = 7.2;           ///< mean (Wuzhong: 826 grids in 115 communities)
  double station_rate = 698.0 / 826.0;        ///< share of grids with a 先锋枢纽驿站
  int buildings_per_grid = 8;                 ///< mean buildings (楼栋党小组) per grid or compound
  int central_households_per_building = 2;    ///< mean 党员中心户 per building
  int party_members_per_building = 3;         ///< mean resident party members per building
  int households_per_central = 2;             ///< households linked to each central household
  double compound_community_rate = 0.12;      ///< communities organized by compound (schema compound)
  double rural_street_rate = 0.15;            ///< townships whose villages use the rural schema
  double unbranched_compound_rate = 0.0;      ///< grids holding a compound that has no branch
  double secretary_vacancy_rate = 0.0;        ///< party organizations left without a secretary
  bool members = true;                        ///< generate members, posts and households
};

/// The generated city as a JSON document (or JSON Lines) in the format of docs/org.md.
absl::StatusOr<std::string> generate_city_json(const CityGenSpec& spec, bool json_lines = false);

/// The generated city, loaded.
absl::StatusOr<OrgGraph> generate_city(const CityGenSpec& spec);

}  // namespace jiceng
