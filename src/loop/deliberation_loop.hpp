// Internal: the deliberation loop (议事), items M00000001, ... — matters (议事事项) taken
// through the procedure policy data names for their kind and scope (四议两公开, residents'
// and representatives' meetings, 一事一议, 议事会, the owners' assembly of 民法典 第二百七十八条):
// meetings with their roll and votes counted by the policy's vote rules, disclosures that
// the clock completes after the Civil Code period, and findings for the yearly review.
// docs/deliberation.md describes it; the engine hosts it as the loop "deliberation".
#pragma once

#include <memory>

#include "jiceng/loop.hpp"

namespace jiceng::deliberation {

/// The loop's table ("deliberation", 议事, items M00000001, ...).
const LoopTable& table();
/// A fresh, empty deliberation loop.
std::unique_ptr<Loop> make();

}  // namespace jiceng::deliberation
