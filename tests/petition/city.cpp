// The generated district for the year simulation. Kept in its own translation unit:
// org.hpp and calendar.hpp both declare jiceng::Date (differently), so no file may
// include both (see the report to the org and calendar owners).
#include <string>

#include "jiceng/org_generator.hpp"

namespace jiceng::testing {

std::string generated_city(std::size_t units, std::uint64_t seed) {
  CityGenSpec spec;
  spec.units = units;
  spec.seed = seed;
  auto json = generate_city_json(spec);
  return json.ok() ? *json : std::string();
}

}  // namespace jiceng::testing
