// Internal: one command of the petition loop while it is checked and prepared (Step), and
// the guard and action functions the transition table's Guard and Action columns name.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "petition/engine_impl.hpp"

namespace jiceng::pet {

/// One command being prepared: what it is, the petition before (`r`) and the record and
/// event it will commit (`nr`, `ev`). Guards read it and may settle the target unit;
/// actions write `nr` and `ev`. Nothing of the engine changes before commit, except the
/// text arena's tail (cut again when the command is refused).
struct Step {
  Engine::Impl& m;
  const ActorHandle& a;
  EventType type;
  std::uint32_t idx;  ///< the petition (the next index for submit)
  const EventPayload& p;
  Timestamp now;
  Engine::Impl::Mode mode;
  const Transition& row;
  const Rec& r;  ///< the petition as it is (an empty record for submit)
  Rec& nr;
  StoredEvent& ev;
  const DeadlineLimits& lim;
  const PetitionCaps& caps;
  Track track;
  std::uint32_t target_g = kNoIndex;  ///< the unit a guard routed to (dispatch, escalate, reopen)

  /// "accept petition P00000042: " — built on error paths only.
  std::string where() const;
  /// A new stage deadline: clears the overdue and urged marks and the ladder's rungs
  /// measured from the deadline.
  void fresh(Timestamp due) {
    nr.due = due;
    nr.flags &= static_cast<std::uint8_t>(~(kOverdue | kUrged));
    nr.rungs_fired &= static_cast<std::uint8_t>(~m.due_rungs);
  }
  /// The petition reached a unit (dispatch, escalation, reopening): every rung may fire again.
  void new_dispatch() { nr.rungs_fired = 0; }
  /// For an automatic urge or escalation: marks the ladder rung the clock's rule gives now
  /// (the same on replay), names it in the event's reason, and raises the ladder level.
  absl::Status ladder_rung();
  /// The resolve limit in force: the review decision period after a 复查/复核.
  const Duration& resolve_limit() const { return nr.reviews > 0 ? lim.review_decide : lim.resolve; }
};

using StepFn = absl::Status (*)(Step&);
/// The function of each Guard and each Action, in enum order (transitions.cpp).
extern const std::array<StepFn, kGuardCount> kGuards;
extern const std::array<StepFn, kActionCount> kActions;

}  // namespace jiceng::pet
