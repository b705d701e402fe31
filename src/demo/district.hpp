// Internal: the default district (默认辖区) as the demo's simulation sees it — plain
// arrays of ids and parents, so that the simulation's translation units need neither
// org.hpp nor Boost.Graph.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace jiceng::demo {

/// Deterministic 64-bit generator (splitmix64): the same sequence on every platform,
/// unlike the distributions of <random>.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [lo, hi].
  int range(int lo, int hi) {
    return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return uniform() < p; }

 private:
  std::uint64_t s_;
};

enum class UnitType : std::uint8_t {
  kDistrict, kStreet, kCommunity, kGrid, kBuilding, kCentral, kStation, kJoint, kResident,
  kIndustry, kPropertyBranch, kOwnersGroup,
};

struct UnitRow {
  std::string id;
  std::string name;
  UnitType type;
  int parent = -1;     ///< index into units
  int street = -1;     ///< index into streets (for the tree below a street)
  int community = -1;  ///< index into communities
};

struct HouseholdRow {
  std::string id;
  int building = -1;  ///< unit index
  int grid = -1;      ///< unit index
  int community = -1; ///< index into communities
  int street = -1;    ///< index into streets
};

/// The district with the indices the simulation needs.
struct District {
  std::string json;                 ///< the org document
  std::vector<UnitRow> units;
  std::vector<int> streets;         ///< unit indices, in order
  std::vector<int> communities;     ///< unit indices, in order
  std::vector<int> grids;           ///< unit indices
  std::vector<HouseholdRow> households;
  int district = 0;                 ///< unit index of the root
  int industry = -1;                ///< the property industry committee (物业行业党委)
  std::vector<int> grid_property;   ///< per unit index: serving property branch with a 三方协议, or -1
  std::size_t stations = 0, buildings = 0, central_households = 0, members = 0, posts = 0;
  // Figures the org document does not hold, for the policy subjects (per community /
  // per grid, same order as `communities` / `grids`).
  std::vector<long> service_fund_yuan;            ///< 为民服务专项经费
  std::vector<std::vector<std::pair<std::string, long>>> spending;  ///< items, yuan
  std::vector<int> reserve_candidates;            ///< 书记后备人才 (1 secretary post each)
  std::vector<int> practical_projects;            ///< 便民实事项目 per grid this year
  std::vector<int> grid_party_members;            ///< full members with their relation at the grid
  std::vector<int> grid_committee_size;           ///< 支部委员会 members (0 = none elected)
};

/// Builds the default district (same bytes every time).
const District& default_district();

}  // namespace jiceng::demo
