// jiceng/mediation.hpp — typed helpers over the mediation loop (调解: 人民调解, 乡音调解 and
// the 信访 track's mediation). The loop itself is reached like every hosted loop, through
// Engine::command("mediation", ...) and Engine::query("mediation", ...); docs/mediation.md
// lists its events, payloads and queries.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "jiceng/engine.hpp"
#include "jiceng/loop.hpp"

namespace jiceng {

/// The loop's name in Engine::command / Engine::query.
inline constexpr std::string_view kMediationLoop = "mediation";

/// Refers a petition of a dispute category (rule `mediation.referral`; the national set
/// lists `disputes`) that is being handled (in_progress) to a people's mediation committee,
/// in one batch — the loop's `refer` command checks both through the engine — : the `refer`
/// command, whose payload is `case_payload` (unit, committee, summary, parties) with the
/// petition's display id and category added, and the petition's `resolve` with an answer
/// naming the case (人民调解法 第十八条: the parties are directed to mediation; the petition
/// is evaluated when the case ends). All or nothing: a refusal of either changes nothing.
absl::StatusOr<LoopOutcome> refer_petition_to_mediation(Engine& engine, const Actor& actor, PetitionId petition,
                                                        std::string_view case_payload, Timestamp now);

}  // namespace jiceng
