// The petition loop's guards (守卫) and actions (动作), one function each: the transition
// table (jiceng/petition.hpp) names them by its Guard and Action columns, and kGuards /
// kActions below map each name to its function, so reading a row is reading what it does.
// Engine::Impl::prepare runs the checks every row shares (state, role, scope, time,
// reason size), then the row's guard, then — on a copy of the record — its action.
#include "petition/transitions.hpp"

#include <algorithm>

#include "common/china_time.hpp"
#include "common/strings.hpp"

namespace jiceng::pet {
namespace {

std::string duration_text(Duration d) { return format_duration(d); }

// --- guards ------------------------------------------------------------------------------

absl::Status none(Step& s) {
  (void)s;
  return absl::OkStatus();
}

// The submission's fields, the location in the org, the actor's scope over it (the row's
// scope, `location`), 信访 finality; fills the new record's fields from the payload.
absl::Status submission_valid(Step& s) { return s.m.check_submission(s); }

absl::Status reason_given(Step& s) {
  if (s.p.reason.empty()) {
    return absl::InvalidArgumentError(
        internal::cat(s.where(), s.row.guard == Guard::kAnswerGiven ? "an answer is required" : "a reason is required"));
  }
  return absl::OkStatus();
}

absl::Status merge_target(Step& s) {
  if (s.p.linked == kNoPetition || s.p.linked > s.m.recs.size()) {
    return absl::NotFoundError(internal::cat(s.where(), "target petition ", Engine::display_id(s.p.linked), " not found"));
  }
  const auto t = static_cast<std::uint32_t>(s.p.linked - 1);
  if (t == s.idx) return absl::InvalidArgumentError(internal::cat(s.where(), "a petition cannot merge into itself"));
  const Rec& kept = s.m.recs[t];
  // The kept petition carries the merged one's residents on: it must still be open (a
  // closed one is finished business; a merged, rejected or withdrawn one is terminal).
  if (!is_open(kept.state)) {
    return absl::FailedPreconditionError(internal::cat(s.where(), "target ", s.m.pid(t), " is ", to_string(kept.state),
                                                      "; a petition merges only into one still open"));
  }
  // One need, one category: a different category is routed to other handlers, so it is
  // not the same matter (reject it or let its resident support the other instead).
  if (kept.category != s.r.category) {
    return absl::FailedPreconditionError(internal::cat(s.where(), "target ", s.m.pid(t), " is of category ",
                                                      s.m.cats[kept.category].name, ", not ",
                                                      s.m.cats[s.r.category].name, "; merge joins one category only"));
  }
  // The actor needs scope over the kept petition too (its current unit or an ancestor).
  if (s.a.role != Role::kSystem) {
    const std::uint32_t au = s.m.graph_of(s.a.unit_ref), tu = s.m.graph_of(kept.cur_unit);
    if (au == kNoIndex || tu == kNoIndex || !s.m.cfg.org->is_ancestor_or_self(au, tu)) {
      return absl::PermissionDeniedError(internal::cat(s.where(), to_string(s.a.role), " at unit ",
                                                      s.m.unit_name(s.a.unit_ref), " may not merge into ", s.m.pid(t),
                                                      ": scope unit_or_ancestor requires unit ",
                                                      s.m.unit_name(kept.cur_unit), " or an ancestor of it"));
    }
  }
  return absl::OkStatus();
}

absl::Status routable(Step& s) {
  const bool is_explicit = s.mode == Engine::Impl::Mode::kReplay ? s.p.explicit_unit : !s.p.unit.empty();
  if (is_explicit) {
    auto g = s.m.cfg.org->find(s.p.unit);
    if (!g) return absl::NotFoundError(internal::cat(s.where(), "unit \"", s.p.unit, "\" is not in the org graph"));
    const std::uint32_t au = s.m.graph_of(s.a.unit_ref);
    if (s.a.role != Role::kSystem && (au == kNoIndex || !s.m.cfg.org->is_ancestor_or_self(au, *g))) {
      return absl::PermissionDeniedError(internal::cat(s.where(), to_string(s.a.role), " at unit ", s.m.unit_name(s.a.unit_ref),
                                                      " may not name unit ", s.p.unit,
                                                      ": scope unit_or_ancestor (outside the dispatcher's subtree)"));
    }
    s.target_g = *g;
  } else {
    const std::uint32_t loc = s.m.graph_of(s.r.loc_unit);
    const CategoryRoute& route = s.m.cats[s.r.category].route;
    s.target_g = s.m.cfg.org->level(loc) > route.level ? s.m.cfg.org->ancestor_at_level(loc, route.level) : loc;
    if (s.target_g == kNoIndex) {
      return absl::FailedPreconditionError(internal::cat(s.where(), "no level-", route.level, " unit above location ",
                                                        s.m.unit_name(s.r.loc_unit), " for category ",
                                                        s.m.cats[s.r.category].name));
    }
    if (route.prefer_property_branch && s.m.cfg.org->is_grid_like(s.target_g)) {
      if (auto pb = s.m.cfg.org->serving_property_branch(s.target_g)) s.target_g = *pb;
    }
    // 四方协同: a matter inside a compound goes to the unit of the party answering for it.
    if (s.m.cfg.policy.compound.dispatch_to_party && s.m.cfg.org->is_grid_like(s.target_g)) {
      std::uint32_t party_g;
      (void)s.m.party_route(loc, s.m.cats[s.r.category].name, &party_g);
      if (party_g != kNoIndex) s.target_g = party_g;
    }
    if (s.mode == Engine::Impl::Mode::kReplay && !s.p.unit.empty() && s.m.cfg.org->id(s.target_g) != s.p.unit) {
      return absl::DataLossError(internal::cat(s.where(), "replay routed to ", s.m.cfg.org->id(s.target_g),
                                              " but the event records ", s.p.unit));
    }
  }
  return absl::OkStatus();
}

absl::Status return_allowed(Step& s) {
  if (s.r.flags & pet::kDesignated) {
    return absl::FailedPreconditionError(
        internal::cat(s.where(), "a designated dispatch (指定) may not be returned (潍坊条例 第二十二条)"));
  }
  if (s.r.returns >= s.caps.max_returns) {
    return absl::FailedPreconditionError(
        internal::cat(s.where(), "returned ", s.r.returns, " times already; policy cap max_returns is ", s.caps.max_returns));
  }
  const Duration window = s.track == Track::kHotline ? s.lim.return_window : s.lim.objection_window;
  if (window.amount == 0) {
    return absl::FailedPreconditionError(internal::cat(s.where(), "the policy sets no return window on the ",
                                                      to_string(s.track), " s.track"));
  }
  JICENG_ASSIGN_OR_RETURN(Timestamp until, s.m.deadline_checked(s.r.dispatched_at, window));
  if (s.now > until) {
    return absl::FailedPreconditionError(internal::cat(s.where(), "the return window of ", duration_text(window),
                                                      " after dispatch ended at ", until));
  }
  if (s.p.reason.empty()) return absl::InvalidArgumentError(internal::cat(s.where(), "a reason is required"));
  const bool has_unit = !s.p.unit.empty(), has_body = !s.p.external_body.empty();
  if (!s.p.not_ours) {
    if (has_unit || has_body) {
      return absl::InvalidArgumentError(
          internal::cat(s.where(), "a competent unit or external body is named only in a return as not ours"));
    }
    return absl::OkStatus();
  }
  // 非本单位职责: say who is competent instead, so the resident is not left with a bare "no".
  if (has_unit == has_body) {
    return absl::InvalidArgumentError(internal::cat(
        s.where(), "a return as not ours (非本单位职责) must name the competent unit (a unit of the org graph) or an "
                   "external body — one of them"));
  }
  if (has_unit) {
    auto g = s.m.cfg.org->find(s.p.unit);
    if (!g) {
      return absl::NotFoundError(internal::cat(s.where(), "competent unit \"", s.p.unit, "\" is not in the org graph"));
    }
    if (*g == s.m.graph_of(s.r.cur_unit)) {
      return absl::InvalidArgumentError(
          internal::cat(s.where(), "the competent unit ", s.p.unit, " is the unit returning it"));
    }
    s.target_g = *g;
    return absl::OkStatus();
  }
  bool clean = s.p.external_body.size() <= kMaxExternalBody && is_valid_utf8(s.p.external_body);
  for (char c : s.p.external_body) clean = clean && (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F);
  if (!clean) {
    return absl::InvalidArgumentError(internal::cat(s.where(), "external body: 1-", kMaxExternalBody,
                                                   " bytes of UTF-8 without control characters"));
  }
  return absl::OkStatus();
}

absl::Status below_ceiling(Step& s) {
  const std::uint32_t parent = s.m.next_higher(s.r);
  const int ceiling = s.m.ceiling_of(s.r);
  if (parent == kNoIndex) {
    return absl::FailedPreconditionError(internal::cat(s.where(), "unit ", s.m.unit_name(s.r.cur_unit), " has no higher unit"));
  }
  if (s.m.cfg.org->level(parent) < ceiling) {
    return absl::FailedPreconditionError(internal::cat(
        s.where(), "escalation ceiling: ", to_string(static_cast<Severity>(s.r.severity)), " petitions",
        ceiling == s.m.cfg.policy.escalation.ceiling_level[s.r.severity] ? "" : " inside a compound",
        " stop at level ", ceiling, " (小事不出社区、大事不出街道); unit ", s.m.unit_name(s.r.cur_unit), " is at level ",
        s.m.cfg.org->level(s.m.graph_of(s.r.cur_unit))));
  }
  s.target_g = parent;
  return absl::OkStatus();
}

absl::Status extension_request_valid(Step& s) {
  const Duration max = s.lim.max_extension;
  if (s.r.ext_pending > 0) return absl::FailedPreconditionError(internal::cat(s.where(), "a request is already pending"));
  if (s.r.extensions >= s.caps.max_extensions) {
    return absl::FailedPreconditionError(internal::cat(s.where(), "extended ", s.r.extensions,
                                                      " times already; policy cap max_extensions is ",
                                                      s.caps.max_extensions));
  }
  if (s.p.extension.amount <= 0) return absl::InvalidArgumentError(internal::cat(s.where(), "amount must be positive"));
  if (max.amount == 0) return absl::FailedPreconditionError(internal::cat(s.where(), "the policy allows no extension"));
  if (s.p.extension.unit != max.unit) {
    return absl::InvalidArgumentError(internal::cat(s.where(), "amount ", duration_text(s.p.extension),
                                                   " must be in the unit of the policy maximum ",
                                                   duration_text(max)));
  }
  if (s.r.ext_granted + s.p.extension.amount > max.amount) {
    return absl::FailedPreconditionError(internal::cat(
        s.where(), "extension of ", duration_text(s.p.extension), " would bring the total to ",
        duration_text({s.r.ext_granted + s.p.extension.amount, max.unit}), ", over the maximum ", duration_text(max)));
  }
  return absl::OkStatus();
}

absl::Status extension_pending(Step& s) {
  if (s.r.ext_pending == 0) return absl::FailedPreconditionError(internal::cat(s.where(), "no extension request is pending"));
  if (s.row.guard == Guard::kExtensionPendingReason && s.p.reason.empty()) {
    return absl::InvalidArgumentError(internal::cat(s.where(), "a reason is required"));
  }
  return absl::OkStatus();
}

absl::Status evaluation_valid(Step& s) {
  if (static_cast<int>(s.p.evaluation.satisfaction) > 2) {
    return absl::InvalidArgumentError(internal::cat(s.where(), "satisfaction out of range"));
  }
  return absl::OkStatus();
}

absl::Status reopen_allowed(Step& s) {
  const ReopenKind kind = s.p.reopen_kind;
  if (static_cast<int>(kind) > 2) return absl::InvalidArgumentError(internal::cat(s.where(), "reopen kind out of range"));
  if (kind == ReopenKind::kReopen) {
    if (s.track != Track::kHotline) {
      return absl::FailedPreconditionError(
          internal::cat(s.where(), "重办 (reopen) is for the hotline s.track; on the xinfang s.track ask for review (复查)"));
    }
    if (!(s.r.flags & pet::kHasEval) || ((s.r.eval >> 2) & 3) != static_cast<int>(Satisfaction::kUnsatisfied)) {
      return absl::FailedPreconditionError(internal::cat(s.where(), "only an unsatisfied evaluation may reopen"));
    }
    if (s.r.reopens >= s.caps.max_reopens) {
      return absl::FailedPreconditionError(internal::cat(s.where(), "reopened ", s.r.reopens,
                                                        " times already; policy cap max_reopens is ",
                                                        s.caps.max_reopens));
    }
    s.target_g = s.m.graph_of(s.r.cur_unit);
  } else {
    if (s.track != Track::kXinfang) {
      return absl::FailedPreconditionError(
          internal::cat(s.where(), "review (复查/复核) is for the xinfang s.track; on the hotline s.track use reopen (重办)"));
    }
    if (s.r.reviews >= s.caps.max_reviews || s.r.reviews >= 2) {
      return absl::FailedPreconditionError(internal::cat(
          s.where(), "the matter is final after review (复查) and re-review (复核); a further review is refused "
                 "(信访工作条例 第三十六条)"));
    }
    const ReopenKind expected = s.r.reviews == 0 ? ReopenKind::kReview : ReopenKind::kReReview;
    if (kind != expected) {
      return absl::FailedPreconditionError(internal::cat(s.where(), "next step is ", to_string(expected), ", not ",
                                                        to_string(kind)));
    }
    if (s.lim.review_request.amount > 0) {
      JICENG_ASSIGN_OR_RETURN(Timestamp until, s.m.deadline_checked(s.r.resolved_at, s.lim.review_request));
      if (s.now > until) {
        return absl::FailedPreconditionError(internal::cat(s.where(), "the window to ask for ", to_string(kind), " (",
                                                          duration_text(s.lim.review_request),
                                                          " after the answer) ended at ", until));
      }
    }
    s.target_g = s.m.next_higher(s.r);
    if (s.target_g == kNoIndex) {
      return absl::FailedPreconditionError(internal::cat(s.where(), "unit ", s.m.unit_name(s.r.cur_unit),
                                                        " has no higher unit to review"));
    }
  }
  return absl::OkStatus();
}

absl::Status past_due(Step& s) {
  if (s.r.due == kNoDeadline || s.now < s.r.due || (s.r.flags & pet::kOverdue)) {
    return absl::FailedPreconditionError(internal::cat(s.where(), "not past its deadline"));
  }
  return absl::OkStatus();
}


// --- actions -----------------------------------------------------------------------------

// A new petition: its acceptance deadline by its category, its texts into the arena.
absl::Status register_new(Step& s) {
  JICENG_ASSIGN_OR_RETURN(s.nr.due, s.m.deadline_checked(s.now, s.m.limits(s.nr).accept));
  s.nr.text = s.m.add_text(s.p.text);
  s.nr.location = s.m.add_text(s.p.location);
  s.nr.key = s.m.add_text(s.p.idempotency_key);
  return absl::OkStatus();
}

absl::Status accept(Step& s) {
  s.nr.resolve_base = s.now;
  JICENG_ASSIGN_OR_RETURN(Timestamp d, s.m.deadline_checked(s.now, s.lim.accept));
  s.fresh(d);
  return absl::OkStatus();
}

absl::Status reject(Step& s) {
  s.fresh(kNoDeadline);
  if (!s.p.reason.empty()) s.ev.aux = s.m.add_text(s.p.reason);
  if (s.row.action == Action::kClose && s.track == Track::kXinfang && s.nr.reviews >= std::min(2, s.caps.max_reviews)) {
    s.nr.flags |= pet::kFinal;
  }
  return absl::OkStatus();
}

absl::Status merge(Step& s) {
  s.fresh(kNoDeadline);
  s.nr.merged_into = static_cast<std::uint32_t>(s.p.linked - 1);
  s.nr.supporters = 0;  // they move to the kept petition (Engine::Impl::fold_participation)
  s.ev.aux = s.p.linked - 1;
  return absl::OkStatus();
}

absl::Status dispatch(Step& s) {
  s.new_dispatch();
  s.nr.ladder_level = 0;  // a person's dispatch starts the ladder over
  s.nr.cur_unit = s.m.unit_ref(s.target_g);
  s.nr.dispatched_at = s.now;
  if (s.p.designated) s.nr.flags |= pet::kDesignated; else s.nr.flags &= static_cast<std::uint8_t>(~pet::kDesignated);
  JICENG_ASSIGN_OR_RETURN(Timestamp d, s.m.deadline_checked(s.now, s.lim.sign));
  s.fresh(d);
  s.ev.unit = s.nr.cur_unit;
  if (s.p.designated) s.ev.flags |= pet::kEvDesignated;
  if (s.mode == Engine::Impl::Mode::kReplay ? s.p.explicit_unit : !s.p.unit.empty()) s.ev.flags |= pet::kEvExplicit;
  return absl::OkStatus();
}

absl::Status sign(Step& s) {
  JICENG_ASSIGN_OR_RETURN(Timestamp d, s.m.deadline_checked(s.nr.resolve_base, s.resolve_limit()));
  if (s.nr.ext_granted > 0 && d != kNoDeadline) {
    JICENG_ASSIGN_OR_RETURN(d, s.m.deadline_checked(d, Duration{s.nr.ext_granted, s.lim.max_extension.unit}));
  }
  s.fresh(d);
  return absl::OkStatus();
}

absl::Status return_to_intake(Step& s) {
  ++s.nr.returns;
  s.nr.cur_unit = s.nr.loc_unit;
  s.nr.flags &= static_cast<std::uint8_t>(~pet::kDesignated);
  JICENG_ASSIGN_OR_RETURN(Timestamp d, s.m.deadline_checked(s.now, s.lim.accept));
  s.fresh(d);
  if (!s.p.not_ours) {
    s.ev.aux = s.m.add_text(s.p.reason);
  } else if (s.target_g != kNoIndex) {
    s.ev.flags |= pet::kEvNotOurs;
    s.ev.unit = s.m.unit_ref(s.target_g);
    s.ev.aux = s.m.add_text(s.p.reason);
  } else {
    s.ev.flags |= pet::kEvNotOurs | pet::kEvExternal;
    s.ev.unit = static_cast<std::uint32_t>(s.p.external_body.size());
    s.ev.aux = s.m.add_text(internal::cat(s.p.external_body, s.p.reason));
  }
  return absl::OkStatus();
}

absl::Status escalate(Step& s) {
  if (s.p.automatic) JICENG_RETURN_IF_ERROR(s.ladder_rung());
  s.new_dispatch();
  if (s.nr.escalations < 255) ++s.nr.escalations;
  s.nr.cur_unit = s.m.unit_ref(s.target_g);
  s.nr.dispatched_at = s.now;
  s.nr.resolve_base = s.now;
  s.nr.flags &= static_cast<std::uint8_t>(~pet::kDesignated);
  JICENG_ASSIGN_OR_RETURN(Timestamp d, s.m.deadline_checked(s.now, s.lim.sign));
  s.fresh(d);
  s.ev.unit = s.nr.cur_unit;
  if (!s.p.reason.empty()) s.ev.aux = s.m.add_text(s.p.reason);
  return absl::OkStatus();
}

absl::Status request_extension(Step& s) {
  s.nr.ext_pending = static_cast<std::int32_t>(s.p.extension.amount);
  s.ev.unit = static_cast<std::uint32_t>(s.p.extension.amount);
  s.ev.flags |= static_cast<std::uint16_t>(static_cast<unsigned>(s.p.extension.unit) << 9);
  if (!s.p.reason.empty()) s.ev.aux = s.m.add_text(s.p.reason);
  return absl::OkStatus();
}

absl::Status grant_extension(Step& s) {
  Timestamp d = s.nr.due;
  if (d != kNoDeadline) {
    JICENG_ASSIGN_OR_RETURN(d, s.m.deadline_checked(d, Duration{s.nr.ext_pending, s.lim.max_extension.unit}));
  }
  s.nr.ext_granted += s.nr.ext_pending;
  s.nr.ext_pending = 0;
  ++s.nr.extensions;
  s.fresh(d);
  if (!s.p.reason.empty()) s.ev.aux = s.m.add_text(s.p.reason);
  return absl::OkStatus();
}

absl::Status deny_extension(Step& s) {
  s.nr.ext_pending = 0;
  s.ev.aux = s.m.add_text(s.p.reason);
  return absl::OkStatus();
}

absl::Status urge(Step& s) {
  if (s.p.automatic) JICENG_RETURN_IF_ERROR(s.ladder_rung());
  if (s.nr.urges < 255) ++s.nr.urges;
  if (s.p.automatic) s.nr.flags |= pet::kUrged;
  if (!s.p.reason.empty()) s.ev.aux = s.m.add_text(s.p.reason);
  return absl::OkStatus();
}

absl::Status supervise(Step& s) {
  if (s.nr.supervisions < 255) ++s.nr.supervisions;
  if (!s.p.reason.empty()) s.ev.aux = s.m.add_text(s.p.reason);
  return absl::OkStatus();
}

absl::Status resolve(Step& s) {
  s.nr.resolved_at = s.now;
  JICENG_ASSIGN_OR_RETURN(Timestamp d, s.m.deadline_checked(s.now, s.lim.evaluate));
  // Referred to a loop item that has not concluded: the evaluation waits for it (the host
  // sets the deadline when the item releases the petition).
  s.fresh(s.nr.flags & pet::kHeldByReferral ? kNoDeadline : d);
  s.ev.aux = s.m.add_text(s.p.reason);
  return absl::OkStatus();
}

absl::Status evaluate(Step& s) {
  const auto& e = s.p.evaluation;
  s.nr.eval = static_cast<std::uint8_t>((e.contacted ? 1 : 0) | (e.solved ? 2 : 0) |
                                      (static_cast<unsigned>(e.satisfaction) << 2));
  s.nr.flags |= pet::kHasEval;
  s.fresh(kNoDeadline);
  if (s.track == Track::kXinfang && s.nr.reviews >= std::min(2, s.caps.max_reviews)) s.nr.flags |= pet::kFinal;
  s.ev.flags |= static_cast<std::uint16_t>((e.contacted ? pet::kEvContacted : 0) | (e.solved ? pet::kEvSolved : 0) |
                                         (static_cast<unsigned>(e.satisfaction) << 5));
  if (!s.p.reason.empty()) s.ev.aux = s.m.add_text(s.p.reason);
  return absl::OkStatus();
}

absl::Status reopen(Step& s) {
  s.new_dispatch();
  s.nr.ladder_level = 0;
  if (s.p.reopen_kind == ReopenKind::kReopen) {
    ++s.nr.reopens;
  } else {
    ++s.nr.reviews;
  }
  s.nr.cur_unit = s.m.unit_ref(s.target_g);
  s.nr.dispatched_at = s.now;
  s.nr.resolve_base = s.now;
  s.nr.flags &= static_cast<std::uint8_t>(~(pet::kDesignated | pet::kHasEval));
  JICENG_ASSIGN_OR_RETURN(Timestamp d, s.m.deadline_checked(s.now, s.lim.sign));
  s.fresh(d);
  s.ev.unit = s.nr.cur_unit;
  s.ev.flags |= static_cast<std::uint16_t>(static_cast<unsigned>(s.p.reopen_kind) << 7);
  if (!s.p.reason.empty()) s.ev.aux = s.m.add_text(s.p.reason);
  return absl::OkStatus();
}

absl::Status mark_overdue(Step& s) {
  s.nr.flags |= pet::kOverdue | pet::kEverOverdue;
  return absl::OkStatus();
}

}  // namespace

// In the order of the Guard and Action enums (checked below and by the table test).
const std::array<StepFn, kGuardCount> kGuards = {
    &none,                     // kNone
    &submission_valid,         // kSubmissionValid
    &reason_given,             // kReasonGiven
    &merge_target,             // kMergeTarget
    &routable,                 // kRoutable
    &return_allowed,           // kReturnAllowed
    &below_ceiling,            // kBelowCeiling
    &extension_request_valid,  // kExtensionRequestValid
    &extension_pending,        // kExtensionPending
    &extension_pending,        // kExtensionPendingReason (the reason checked inside)
    &reason_given,             // kAnswerGiven (the message says answer)
    &evaluation_valid,         // kEvaluationValid
    &reopen_allowed,           // kReopenAllowed
    &past_due,                 // kPastDue
};
const std::array<StepFn, kActionCount> kActions = {
    &register_new,       // kRegister
    &accept,             // kAccept
    &reject,             // kReject
    &merge,              // kMerge
    &dispatch,           // kDispatch
    &sign,               // kSign
    &return_to_intake,   // kReturn
    &escalate,           // kEscalate
    &request_extension,  // kRequestExtension
    &grant_extension,    // kGrantExtension
    &deny_extension,     // kDenyExtension
    &urge,               // kUrge
    &supervise,          // kSupervise
    &resolve,            // kResolve
    &evaluate,           // kEvaluate
    &reopen,             // kReopen
    &reject,             // kClose (closes; a final 信访 matter is marked inside)
    &reject,             // kWithdraw
    &mark_overdue,       // kMarkOverdue
};

}  // namespace jiceng::pet

namespace jiceng::pet {
std::string Step::where() const { return internal::cat(to_string(type), " petition ", m.pid(idx), ": "); }

absl::Status Step::ladder_rung() {
  const ClockStep step = m.clock_step(r, now);
  if (step.rung < 0 || step.type != type || step.at > now) {
    const std::string what = internal::cat(where(), "the escalation ladder gives no ", to_string(type), " at ",
                                           internal::china_time_iso(now));
    return mode == Engine::Impl::Mode::kReplay ? absl::DataLossError(what) : absl::InternalError(what);
  }
  const LadderRung& rung = m.cfg.policy.escalation.ladder[static_cast<std::size_t>(step.rung)];
  nr.rungs_fired |= static_cast<std::uint8_t>(1u << step.rung);
  nr.ladder_level = static_cast<std::uint8_t>(std::max<int>(nr.ladder_level, rung.level));
  // The event names its rung; a replayed event keeps the reason it was recorded with.
  if (mode == Engine::Impl::Mode::kLive && p.reason.empty()) {
    ev.aux = m.add_text(ladder_reason(step.rung, rung));
  }
  return absl::OkStatus();
}
}  // namespace jiceng::pet
