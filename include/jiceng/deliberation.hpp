// jiceng/deliberation.hpp — typed helpers over the deliberation loop (议事: 四议两公开,
// residents' and representatives' meetings, 一事一议, 议事会, owners' assemblies). The loop
// itself is reached like every hosted loop, through Engine::command("deliberation", ...) and
// Engine::query("deliberation", ...); docs/deliberation.md lists its events and payloads.
#pragma once

#include <span>
#include <string_view>

#include "absl/status/statusor.h"
#include "jiceng/engine.hpp"
#include "jiceng/loop.hpp"

namespace jiceng {

/// The loop's name in Engine::command / Engine::query.
inline constexpr std::string_view kDeliberationLoop = "deliberation";

/// Raises a matter from petitions (转办议事), in one batch: the loop's `raise` with
/// `matter_payload` (unit, title, kind, raised_by, ...) and the petitions' display ids added
/// as "petitions" — the command checks each through the engine (in progress, not referred
/// elsewhere) and holds its evaluation — and each petition's `resolve` with an answer naming
/// the matter. The petitions are evaluated when the matter concludes or is abandoned. All or
/// nothing: a refusal of any step changes nothing.
absl::StatusOr<LoopOutcome> refer_petitions_to_matter(Engine& engine, const Actor& actor,
                                                      std::span<const PetitionId> petitions,
                                                      std::string_view matter_payload, Timestamp now);

}  // namespace jiceng
