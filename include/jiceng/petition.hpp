// jiceng/petition.hpp — the petition closed loop (诉求闭环): 民意收集—响应处理—跟踪督促—评估评价.
//
// A petition (诉求) moves through nine states driven by eighteen events plus the clock.
// The whole behaviour is one declarative transition table, `kTransitions`, in the style
// of boost-ext/sml: each row reads "in state S, event E, done by roles R within scope C,
// if guard G holds, run action A and go to state T". The engine (engine.hpp) looks rows
// up in it; the DOT diagram, the permission matrix and docs/petition.md are generated
// from it (`jiceng workflow dot|matrix`), so behaviour and documentation cannot drift.
#pragma once

#include <array>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "jiceng/calendar.hpp"
#include "jiceng/types.hpp"

namespace jiceng {

class PolicySet;

/// Engine-assigned petition number (诉求编号), 1, 2, 3, ... in submission order; 0 = none.
using PetitionId = std::uint64_t;
/// No petition.
inline constexpr PetitionId kNoPetition = 0;
/// A deadline that does not apply (the policy's limit is 0).
inline constexpr Timestamp kNoDeadline = std::numeric_limits<Timestamp>::max();

/// The nine states of a petition (诉求状态).
enum class State : std::uint8_t {
  kReceived = 0,    ///< 已登记 (民意收集)
  kAccepted = 1,    ///< 已受理 (民意收集)
  kRejected = 2,    ///< 不予受理, terminal, reason required (民意收集)
  kMerged = 3,      ///< 合并 into another petition, terminal (民意收集)
  kDispatched = 4,  ///< 已派单 to one org unit (响应处理)
  kInProgress = 5,  ///< 办理中, the unit signed for it 签收 (响应处理)
  kResolved = 6,    ///< 已办结, answer recorded, awaiting evaluation (响应处理)
  kClosed = 7,      ///< 已归档, left only by `reopen` (评估评价)
  kWithdrawn = 8,   ///< 已撤回 by the petitioner, terminal (any open stage)
};
inline constexpr int kStateCount = 9;
/// Pseudo-state before `submit` (the initial node of the diagram); not a petition state.
inline constexpr std::uint8_t kInitialState = 9;

/// The four stages of the closed loop (闭环阶段).
enum class Stage : std::uint8_t {
  kCollection = 0,   ///< 民意收集
  kHandling = 1,     ///< 响应处理
  kSupervision = 2,  ///< 跟踪督促 (the stage of urge / supervise / escalate events)
  kEvaluation = 3,   ///< 评估评价
};

/// Events (事件). The first eighteen are commands; kMarkOverdue is the clock's own event
/// (tick also issues urge, escalate and close as the system role); the next four change
/// the engine's configuration so that a journal alone rebuilds everything; kLoop is a
/// hosted loop's. The participation commands (附议) come last: they act on a petition
/// without moving its state, so they are ruled by kParticipation, not by kTransitions.
enum class EventType : std::uint8_t {
  kSubmit = 0,             ///< 提交 / 登记
  kAccept = 1,             ///< 受理
  kReject = 2,             ///< 不予受理
  kMerge = 3,              ///< 合并 (duplicate)
  kDispatch = 4,           ///< 派单 (指定 when designated)
  kSign = 5,               ///< 签收
  kReturn = 6,             ///< 退单 / 异议
  kEscalate = 7,           ///< 上报 one level up
  kRequestExtension = 8,   ///< 申请延期
  kGrantExtension = 9,     ///< 批准延期
  kDenyExtension = 10,     ///< 驳回延期
  kUrge = 11,              ///< 催办
  kSupervise = 12,         ///< 督办
  kResolve = 13,           ///< 办结 (answer recorded)
  kEvaluate = 14,          ///< 评价 / 回访
  kReopen = 15,            ///< 重办, 复查, 复核
  kClose = 16,             ///< 归档
  kWithdraw = 17,          ///< 撤回
  kMarkOverdue = 18,       ///< the clock: 超期
  kLoadOrg = 19,           ///< configuration: replace the org graph
  kSetPolicy = 20,         ///< configuration: replace the policy set
  kLoadCalendar = 21,      ///< configuration: add or replace calendar years
  kSetCalendar = 22,       ///< configuration: the calendar's mode and provisional rule version
  kLoop = 23,              ///< an event of a hosted loop (jiceng/loop.hpp); the document says which
  kSupport = 24,           ///< 附议: a resident supports another resident's petition ("me too")
  kWithdrawSupport = 25,   ///< 撤回附议: the resident takes the support back
};
/// The eighteen command events.
inline constexpr int kCommandEventCount = 18;
/// Events that act on a petition (commands plus the clock).
inline constexpr int kPetitionEventCount = 19;
/// Every event type.
inline constexpr int kEventTypeCount = 26;
/// True for the events that act on one petition: the state machine's (commands and the
/// clock) and the participation commands.
constexpr bool acts_on_petition(EventType e) {
  return static_cast<int>(e) < kPetitionEventCount || e == EventType::kSupport || e == EventType::kWithdrawSupport;
}

/// Scope rule of a transition (权限范围). A resident's scope is always their own
/// petitions; the system role (the clock) has no scope restriction.
enum class Scope : std::uint8_t {
  kAnywhere = 0,        ///< no unit restriction
  kLocation = 1,        ///< actor's unit is the petition's location or an ancestor of it
  kUnitOrAncestor = 2,  ///< actor's unit is the current unit or an ancestor of it
  kStrictAncestor = 3,  ///< actor's unit is a strict ancestor of the current unit (督办)
};

/// Guards (守卫条件): what must hold besides state, role and scope.
enum class Guard : std::uint8_t {
  kNone = 0,
  kSubmissionValid,        ///< fields well-formed, text within cap, not a final matter
  kReasonGiven,            ///< a non-empty reason
  kMergeTarget,            ///< target exists, differs, and is not terminal
  kRoutable,               ///< policy routing or an explicit unit inside the actor's scope
  kReturnAllowed,          ///< within the window, not designated (指定), under the cap
  kBelowCeiling,           ///< the parent unit is within the severity's ceiling
  kExtensionRequestValid,  ///< none pending, under the count cap, total within the maximum
  kExtensionPending,       ///< a request is pending
  kExtensionPendingReason, ///< a request is pending and a reason is given
  kAnswerGiven,            ///< a non-empty answer
  kEvaluationValid,        ///< a consistent evaluation
  kReopenAllowed,          ///< track, kind, caps and windows allow it
  kPastDue,                ///< the stage deadline has passed and not yet marked
};
inline constexpr int kGuardCount = 14;

/// Actions (动作): how an accepted event changes the petition.
enum class Action : std::uint8_t {
  kRegister = 0, kAccept, kReject, kMerge, kDispatch, kSign, kReturn, kEscalate,
  kRequestExtension, kGrantExtension, kDenyExtension, kUrge, kSupervise, kResolve,
  kEvaluate, kReopen, kClose, kWithdraw, kMarkOverdue,
};
inline constexpr int kActionCount = 19;

/// A set of roles, one bit per `Role`.
using RoleMask = std::uint16_t;
/// The bit of one role.
constexpr RoleMask role_bit(Role r) { return static_cast<RoleMask>(1u << static_cast<unsigned>(r)); }

/// Role groups used by the table.
namespace roles {
inline constexpr RoleMask kResident = role_bit(Role::kResident);
inline constexpr RoleMask kSystem = role_bit(Role::kSystem);
/// Registers on a resident's behalf (代为登记): door-to-door, meetings, stations.
inline constexpr RoleMask kSubmitOnBehalf =
    role_bit(Role::kGridWorker) | role_bit(Role::kHubHead) | role_bit(Role::kBuildingLeader) |
    role_bit(Role::kCommunitySecretary) | role_bit(Role::kCommunityStaff) |
    role_bit(Role::kRedStewardLead) | role_bit(Role::kStreetOfficer) | role_bit(Role::kDistrictOfficer);
/// Accepts, rejects and merges (受理).
inline constexpr RoleMask kIntake =
    role_bit(Role::kGridWorker) | role_bit(Role::kHubHead) | role_bit(Role::kCommunitySecretary) |
    role_bit(Role::kCommunityStaff) | role_bit(Role::kStreetOfficer) | role_bit(Role::kDistrictOfficer);
/// Dispatches, closes and reopens (派单).
inline constexpr RoleMask kDispatchers =
    role_bit(Role::kCommunitySecretary) | role_bit(Role::kCommunityStaff) |
    role_bit(Role::kStreetOfficer) | role_bit(Role::kDistrictOfficer);
/// The handling unit's people (承办): sign, return, resolve, escalate, ask for time.
inline constexpr RoleMask kHandlers =
    role_bit(Role::kGridWorker) | role_bit(Role::kHubHead) | role_bit(Role::kCommunitySecretary) |
    role_bit(Role::kCommunityStaff) | role_bit(Role::kRedStewardLead) |
    role_bit(Role::kStreetOfficer) | role_bit(Role::kDistrictOfficer) | role_bit(Role::kPropertyCompany);
/// Heads who approve extensions and supervise (负责人 / 督办).
inline constexpr RoleMask kSupervisors = role_bit(Role::kCommunitySecretary) |
                                         role_bit(Role::kStreetOfficer) |
                                         role_bit(Role::kDistrictOfficer);
/// Record a callback (回访) on the resident's behalf.
inline constexpr RoleMask kCallback = role_bit(Role::kGridWorker) | role_bit(Role::kCommunityStaff) |
                                      role_bit(Role::kCommunitySecretary) |
                                      role_bit(Role::kStreetOfficer) | role_bit(Role::kDistrictOfficer);
}  // namespace roles

/// One row of the transition table: `from + event [roles, scope, guard] / action = to`.
struct Transition {
  std::uint8_t from;  ///< a State, or kInitialState for submit
  EventType event;
  RoleMask roles;
  Scope scope;
  Guard guard;
  Action action;
  State to;
};

namespace detail {
constexpr std::uint8_t S(State s) { return static_cast<std::uint8_t>(s); }
}  // namespace detail

/// The petition state machine (诉求状态机): the single source of truth.
// clang-format off
inline constexpr Transition kTransitions[] = {
  // from                              event                         roles                                        scope                    guard                            action                      to
  {kInitialState,                      EventType::kSubmit,           roles::kResident | roles::kSubmitOnBehalf,   Scope::kLocation,        Guard::kSubmissionValid,         Action::kRegister,          State::kReceived},
  {detail::S(State::kReceived),        EventType::kAccept,           roles::kIntake,                              Scope::kUnitOrAncestor,  Guard::kNone,                    Action::kAccept,            State::kAccepted},
  {detail::S(State::kReceived),        EventType::kReject,           roles::kIntake,                              Scope::kUnitOrAncestor,  Guard::kReasonGiven,             Action::kReject,            State::kRejected},
  {detail::S(State::kAccepted),        EventType::kReject,           roles::kIntake,                              Scope::kUnitOrAncestor,  Guard::kReasonGiven,             Action::kReject,            State::kRejected},
  {detail::S(State::kReceived),        EventType::kMerge,            roles::kIntake,                              Scope::kUnitOrAncestor,  Guard::kMergeTarget,             Action::kMerge,             State::kMerged},
  {detail::S(State::kAccepted),        EventType::kMerge,            roles::kIntake,                              Scope::kUnitOrAncestor,  Guard::kMergeTarget,             Action::kMerge,             State::kMerged},
  {detail::S(State::kAccepted),        EventType::kDispatch,         roles::kDispatchers,                         Scope::kUnitOrAncestor,  Guard::kRoutable,                Action::kDispatch,          State::kDispatched},
  {detail::S(State::kDispatched),      EventType::kSign,             roles::kHandlers,                            Scope::kUnitOrAncestor,  Guard::kNone,                    Action::kSign,              State::kInProgress},
  {detail::S(State::kDispatched),      EventType::kReturn,           roles::kHandlers,                            Scope::kUnitOrAncestor,  Guard::kReturnAllowed,           Action::kReturn,            State::kAccepted},
  {detail::S(State::kInProgress),      EventType::kReturn,           roles::kHandlers,                            Scope::kUnitOrAncestor,  Guard::kReturnAllowed,           Action::kReturn,            State::kAccepted},
  {detail::S(State::kDispatched),      EventType::kEscalate,         roles::kHandlers | roles::kSystem,           Scope::kUnitOrAncestor,  Guard::kBelowCeiling,            Action::kEscalate,          State::kDispatched},
  {detail::S(State::kInProgress),      EventType::kEscalate,         roles::kHandlers | roles::kSystem,           Scope::kUnitOrAncestor,  Guard::kBelowCeiling,            Action::kEscalate,          State::kDispatched},
  {detail::S(State::kInProgress),      EventType::kRequestExtension, roles::kHandlers,                            Scope::kUnitOrAncestor,  Guard::kExtensionRequestValid,   Action::kRequestExtension,  State::kInProgress},
  {detail::S(State::kInProgress),      EventType::kGrantExtension,   roles::kSupervisors,                         Scope::kUnitOrAncestor,  Guard::kExtensionPending,        Action::kGrantExtension,    State::kInProgress},
  {detail::S(State::kInProgress),      EventType::kDenyExtension,    roles::kSupervisors,                         Scope::kUnitOrAncestor,  Guard::kExtensionPendingReason,  Action::kDenyExtension,     State::kInProgress},
  {detail::S(State::kDispatched),      EventType::kUrge,             roles::kDispatchers | roles::kSystem,        Scope::kUnitOrAncestor,  Guard::kNone,                    Action::kUrge,              State::kDispatched},
  {detail::S(State::kInProgress),      EventType::kUrge,             roles::kDispatchers | roles::kSystem,        Scope::kUnitOrAncestor,  Guard::kNone,                    Action::kUrge,              State::kInProgress},
  {detail::S(State::kDispatched),      EventType::kSupervise,        roles::kSupervisors,                         Scope::kStrictAncestor,  Guard::kNone,                    Action::kSupervise,         State::kDispatched},
  {detail::S(State::kInProgress),      EventType::kSupervise,        roles::kSupervisors,                         Scope::kStrictAncestor,  Guard::kNone,                    Action::kSupervise,         State::kInProgress},
  {detail::S(State::kInProgress),      EventType::kResolve,          roles::kHandlers,                            Scope::kUnitOrAncestor,  Guard::kAnswerGiven,             Action::kResolve,           State::kResolved},
  {detail::S(State::kResolved),        EventType::kEvaluate,         roles::kResident | roles::kCallback,         Scope::kUnitOrAncestor,  Guard::kEvaluationValid,         Action::kEvaluate,          State::kClosed},
  {detail::S(State::kResolved),        EventType::kClose,            roles::kDispatchers | roles::kSystem,        Scope::kUnitOrAncestor,  Guard::kNone,                    Action::kClose,             State::kClosed},
  {detail::S(State::kClosed),          EventType::kReopen,           roles::kResident | roles::kDispatchers,      Scope::kUnitOrAncestor,  Guard::kReopenAllowed,           Action::kReopen,            State::kDispatched},
  {detail::S(State::kReceived),        EventType::kWithdraw,         roles::kResident,                            Scope::kAnywhere,        Guard::kNone,                    Action::kWithdraw,          State::kWithdrawn},
  {detail::S(State::kAccepted),        EventType::kWithdraw,         roles::kResident,                            Scope::kAnywhere,        Guard::kNone,                    Action::kWithdraw,          State::kWithdrawn},
  {detail::S(State::kDispatched),      EventType::kWithdraw,         roles::kResident,                            Scope::kAnywhere,        Guard::kNone,                    Action::kWithdraw,          State::kWithdrawn},
  {detail::S(State::kInProgress),      EventType::kWithdraw,         roles::kResident,                            Scope::kAnywhere,        Guard::kNone,                    Action::kWithdraw,          State::kWithdrawn},
  {detail::S(State::kResolved),        EventType::kWithdraw,         roles::kResident,                            Scope::kAnywhere,        Guard::kNone,                    Action::kWithdraw,          State::kWithdrawn},
  {detail::S(State::kReceived),        EventType::kMarkOverdue,      roles::kSystem,                              Scope::kAnywhere,        Guard::kPastDue,                 Action::kMarkOverdue,       State::kReceived},
  {detail::S(State::kAccepted),        EventType::kMarkOverdue,      roles::kSystem,                              Scope::kAnywhere,        Guard::kPastDue,                 Action::kMarkOverdue,       State::kAccepted},
  {detail::S(State::kDispatched),      EventType::kMarkOverdue,      roles::kSystem,                              Scope::kAnywhere,        Guard::kPastDue,                 Action::kMarkOverdue,       State::kDispatched},
  {detail::S(State::kInProgress),      EventType::kMarkOverdue,      roles::kSystem,                              Scope::kAnywhere,        Guard::kPastDue,                 Action::kMarkOverdue,       State::kInProgress},
};
// clang-format on
inline constexpr int kTransitionCount = static_cast<int>(std::size(kTransitions));

namespace detail {
constexpr std::array<std::array<std::int8_t, kPetitionEventCount>, kStateCount + 1> build_lookup() {
  std::array<std::array<std::int8_t, kPetitionEventCount>, kStateCount + 1> t{};
  for (auto& row : t) row.fill(-1);
  for (int i = 0; i < kTransitionCount; ++i) {
    const auto& r = kTransitions[i];
    t[r.from][static_cast<int>(r.event)] = static_cast<std::int8_t>(i);
  }
  return t;
}
constexpr bool table_is_deterministic() {
  for (int i = 0; i < kTransitionCount; ++i)
    for (int j = i + 1; j < kTransitionCount; ++j)
      if (kTransitions[i].from == kTransitions[j].from && kTransitions[i].event == kTransitions[j].event)
        return false;
  return true;
}
}  // namespace detail
static_assert(detail::table_is_deterministic(), "one row per (state, event)");

/// O(1) lookup: kTransitionLookup[from][event] is the row index, or -1 (illegal).
inline constexpr auto kTransitionLookup = detail::build_lookup();

/// The row for (from, event), or nullptr when the pair is illegal.
constexpr const Transition* find_transition(std::uint8_t from, EventType event) {
  if (from > kStateCount || static_cast<int>(event) >= kPetitionEventCount) return nullptr;
  const int i = kTransitionLookup[from][static_cast<int>(event)];
  return i < 0 ? nullptr : &kTransitions[i];
}

/// A set of states, one bit per `State`.
using StateMask = std::uint16_t;
/// The bit of one state.
constexpr StateMask state_bit(State s) { return static_cast<StateMask>(1u << static_cast<unsigned>(s)); }

/// A participation rule (参与规则): who may issue a participation command and in which
/// states. Such a command records one event on the petition and never moves its state.
/// A resident acts on another resident's petition: supporting one's own is refused (the
/// petitioner is counted already), as is a second support by the same resident.
struct ParticipationRule {
  EventType event;
  RoleMask roles;
  StateMask states;  ///< the states in which the command is allowed
};
/// While the matter is still being taken up or handled (not once it is answered, closed,
/// or terminal): supporters are frozen when the answer is given.
inline constexpr StateMask kSupportStates = state_bit(State::kReceived) | state_bit(State::kAccepted) |
                                            state_bit(State::kDispatched) | state_bit(State::kInProgress);
/// The participation commands (附议 and its withdrawal).
inline constexpr ParticipationRule kParticipation[] = {
    {EventType::kSupport, roles::kResident, kSupportStates},
    {EventType::kWithdrawSupport, roles::kResident, kSupportStates},
};
/// The rule of a participation event, or nullptr for any other event.
constexpr const ParticipationRule* find_participation(EventType event) {
  for (const auto& r : kParticipation)
    if (r.event == event) return &r;
  return nullptr;
}

/// The priority of a petition (优先级) for the needs list: the residents behind it (the
/// petitioner and each supporter) times a severity weight (minor 1, major 2, critical 4),
/// doubled when urgent. A minor normal petition with 5 supporters (6) outranks a major
/// one with none (2), so what many residents share rises to the top.
constexpr std::int64_t petition_priority(Severity severity, Urgency urgency, std::int64_t supporters) {
  const std::int64_t weight = severity == Severity::kCritical ? 4 : severity == Severity::kMajor ? 2 : 1;
  return (1 + supporters) * weight * (urgency == Urgency::kUrgent ? 2 : 1);
}

/// Stage of a state: received/accepted/rejected/merged → collection; dispatched,
/// in_progress, resolved → handling; closed → evaluation; withdrawn → collection.
Stage stage_of(State s);
/// True for rejected, merged, withdrawn (never left) — closed is not terminal (reopen).
bool is_terminal(State s);
/// True for received, accepted, dispatched, in_progress, resolved.
bool is_open(State s);

std::string_view to_string(State s);      ///< e.g. "in_progress"
std::string_view to_string(Stage s);      ///< e.g. "collection"
std::string_view to_string(EventType e);  ///< e.g. "request_extension"
std::string_view to_string(Scope s);      ///< e.g. "unit_or_ancestor"
std::string_view to_string(Guard g);      ///< e.g. "return_allowed"
std::string_view to_string(Action a);     ///< e.g. "dispatch"
std::string_view chinese_name(State s);   ///< e.g. "办理中"
std::string_view chinese_name(EventType e);  ///< e.g. "签收"
std::string_view chinese_name(Stage s);   ///< e.g. "响应处理"
std::optional<State> parse_state(std::string_view);
std::optional<EventType> parse_event_type(std::string_view);

/// The state machine as Graphviz DOT, generated from kTransitions (one edge per row,
/// labelled with event [guard] and the roles; states clustered by stage).
std::string workflow_dot();
/// The permission matrix (权限矩阵) generated from kTransitions: one line per event,
/// one column per role; a cell lists the states and the scope in which the role may
/// issue the event. `format` is "markdown" or "csv"; INVALID_ARGUMENT otherwise.
absl::StatusOr<std::string> workflow_matrix(std::string_view format);

/// Track of the loop, chosen by policy (docs/domain.md §2–3).
enum class Track : std::uint8_t {
  kHotline = 0,  ///< 12345 热线: return within a window, reopen when unsatisfied
  kXinfang = 1,  ///< 信访: review 复查 and re-review 复核 by the next higher unit, then final
};
std::string_view to_string(Track t);

/// Satisfaction in an evaluation (满意度).
enum class Satisfaction : std::uint8_t { kSatisfied = 0, kBasicallySatisfied = 1, kUnsatisfied = 2 };
std::string_view to_string(Satisfaction s);
std::optional<Satisfaction> parse_satisfaction(std::string_view);

/// An evaluation (回访评价): was the resident contacted (响应), was it solved (解决), how satisfied (满意).
struct Evaluation {
  bool contacted = true;
  bool solved = true;
  Satisfaction satisfaction = Satisfaction::kSatisfied;
  friend bool operator==(const Evaluation&, const Evaluation&) = default;
};

/// Kinds of `reopen`.
enum class ReopenKind : std::uint8_t {
  kReopen = 0,     ///< 重办 (hotline): back to the unit that answered, fresh deadlines
  kReview = 1,     ///< 复查 (信访): to the next higher unit
  kReReview = 2,   ///< 复核 (信访): to the unit above the reviewer; then the matter is final
};
std::string_view to_string(ReopenKind k);
std::optional<ReopenKind> parse_reopen_kind(std::string_view);

/// Who issues a command (行为人). `unit` is an org unit id (may be empty for residents
/// and the system).
struct Actor {
  std::string id;
  Role role = Role::kResident;
  std::string unit;
  friend bool operator==(const Actor&, const Actor&) = default;
};

/// An Actor resolved against one Engine (interned id and unit): the hot-path form.
/// Bound to the engine that made it and to its generation: valid across load_org (ids
/// are only appended), refused with INVALID_ARGUMENT (changing nothing) by another engine
/// (or one allocated where a freed one was) and after a restore of its own engine, whose
/// id tables then follow the snapshot's order.
struct ActorHandle {
  std::uint32_t id_ref = 0;
  Role role = Role::kResident;
  std::uint32_t unit_ref = 0xFFFFFFFFu;  ///< kNoRef when the actor has no unit
  std::uint64_t engine = 0;      ///< Engine::identity of the maker (process-unique, never an address)
  std::uint64_t generation = 0;  ///< Engine::generation of the maker when it was made
};

/// Personal contact data (联系方式), kept apart from the petition and masked in
/// exports unless raw data is asked for explicitly.
struct Contact {
  std::string name;
  std::string phone;
  friend bool operator==(const Contact&, const Contact&) = default;
};

/// The data of a `submit` (and of any event): fields not used by an event type stay
/// empty. Recorded events carry the values the engine decided (e.g. the routed unit).
struct EventPayload {
  // submit
  std::string petitioner;       ///< resident id
  Contact contact;              ///< personal data (masked in exports)
  std::string location;         ///< a household id (→ its building unit) or a unit id
  std::string category;         ///< category id from policy, e.g. "property"
  Urgency urgency = Urgency::kNormal;
  Severity severity = Severity::kMinor;
  Channel channel = Channel::kOnlinePlatform;
  std::string text;             ///< the petition text (size-capped by policy)
  std::string idempotency_key;  ///< host key: the same key twice returns the first petition
  bool same_matter = false;     ///< host flags this as the same facts as an earlier petition
  /// merge: the petition merged into; submit: an earlier petition on the same facts.
  PetitionId linked = kNoPetition;
  // dispatch / escalate / reopen
  std::string unit;             ///< dispatch: explicit unit (empty = by policy); recorded: the target
  bool designated = false;      ///< dispatch: 指定, forbids return
  bool explicit_unit = false;   ///< recorded dispatch: the unit was named, not routed
  // free text: reason, note, or answer (resolve)
  std::string reason;
  // extensions
  Duration extension{};
  // evaluate
  Evaluation evaluation{};
  // reopen
  ReopenKind reopen_kind = ReopenKind::kReopen;
  // set by the clock
  bool automatic = false;
  // configuration events: org JSON, policy JSON, or calendar CSV
  std::string document;
  // return as not ours (非本单位职责): the competent unit goes in `unit` (a unit of the org
  // graph), or a body outside the graph in `external_body`; the reason is shown to the resident
  bool not_ours = false;
  std::string external_body;    ///< 1-128 bytes of UTF-8 without control characters
  friend bool operator==(const EventPayload&, const EventPayload&) = default;
};

/// One accepted command or clock action (事件): the unit of the journal.
struct Event {
  std::uint64_t seq = 0;         ///< 1, 2, 3, ... over the whole engine
  Timestamp time = 0;            ///< when it happened (UTC seconds)
  Actor actor;
  PetitionId petition = kNoPetition;  ///< kNoPetition for configuration events
  EventType type = EventType::kSubmit;
  EventPayload payload;
  friend bool operator==(const Event&, const Event&) = default;
};

/// A deadline moved by a calendar change (an official year replacing provisional days, a
/// corrected schedule, a mode change): the configuration event that moved it, and the
/// deadline before and after. Events already recorded stand.
struct DeadlineRevision {
  std::uint64_t seq = 0;  ///< the load_calendar / set_calendar event
  Timestamp before = kNoDeadline;
  Timestamp after = kNoDeadline;
  friend bool operator==(const DeadlineRevision&, const DeadlineRevision&) = default;
};

/// The four parties that share a residential compound's matters (小区四方协同), under the
/// community party organization's lead.
enum class CompoundParty : std::uint8_t {
  kNone = 0,                ///< not a compound matter (or the policy has no table)
  kCompoundPartyOrg = 1,    ///< 小区党组织: the compound's (or grid's) party branch
  kOwnersCommittee = 2,     ///< 业主委员会 (its party work group in the org graph)
  kPropertyCompany = 3,     ///< 物业服务企业 (its party branch in the org graph)
  kSocialOrganization = 4,  ///< 社会组织 (a resident unit in the org graph)
};
std::string_view to_string(CompoundParty p);     ///< "compound_party_org", ...; "none"
std::string_view chinese_name(CompoundParty p);  ///< "小区党组织", ...; "" for none
std::optional<CompoundParty> parse_compound_party(std::string_view);
/// Longest name of an external body in a return as not ours (bytes of UTF-8).
inline constexpr std::size_t kMaxExternalBody = 128;

/// A return as not ours (非本单位职责) as the resident is told it: who returned the
/// petition, who is competent instead, and why.
struct NotOursAnswer {
  std::string returned_by;     ///< the unit that held the petition and returned it
  std::string competent_unit;  ///< a unit of the org graph, or empty…
  std::string external_body;   ///< …and then a body outside it (e.g. 市供电公司)
  std::string reason;
  Timestamp at = 0;
  friend bool operator==(const NotOursAnswer&, const NotOursAnswer&) = default;
};

/// A petition as queries return it (诉求). Contact data is masked unless asked raw.
struct PetitionView {
  PetitionId id = kNoPetition;
  std::string display_id;       ///< e.g. "P00000042"
  std::string idempotency_key;
  State state = State::kReceived;
  Stage stage = Stage::kCollection;
  Track track = Track::kHotline;  ///< track in force when it was submitted
  std::string petitioner;
  Contact contact;
  std::string location;         ///< as submitted (household or unit id)
  std::string location_unit;    ///< the unit the location resolves to
  std::string category;
  Urgency urgency = Urgency::kNormal;
  Severity severity = Severity::kMinor;
  Channel channel = Channel::kOnlinePlatform;
  std::string text;
  std::string current_unit;
  Timestamp submitted_at = 0;
  Timestamp updated_at = 0;
  Timestamp stage_started_at = 0;  ///< when the current state was entered
  Timestamp due_at = kNoDeadline;  ///< deadline of the current state (accept/sign/resolve/evaluate)
  /// The current deadline was reckoned across days the calendar answers provisionally
  /// (a year whose official schedule is not loaded): it may move when that year is loaded.
  bool due_provisional = false;
  /// Calendar changes that moved this petition's deadlines, oldest first.
  std::vector<DeadlineRevision> deadline_revisions;
  Timestamp dispatched_at = 0;
  Timestamp resolved_at = 0;
  int returns = 0;
  int extensions = 0;              ///< extensions granted
  std::int64_t extension_granted = 0;  ///< total granted, in the policy's max_extension unit
  std::int64_t extension_pending = 0;  ///< amount requested and not yet decided (0 = none)
  int reopenings = 0;              ///< hotline 重办 count
  int reviews = 0;                 ///< 信访 复查 (1) and 复核 (2)
  int escalations = 0;
  int urges = 0;
  int supervisions = 0;
  /// 四方协同: who answers for it inside its compound under the policy in force (none when
  /// its location is not in a compound or the policy has no table), the unit standing for
  /// that party, and whether the table's party was unavailable (no tripartite agreement).
  CompoundParty party = CompoundParty::kNone;
  std::string party_unit;
  bool party_fallback = false;
  /// The highest supervision level (督办级别) the escalation ladder's rungs have raised the
  /// petition to since a person last dispatched or reopened it (0 = none fired).
  int ladder_level = 0;
  bool designated = false;         ///< 指定 dispatch: return forbidden
  bool overdue = false;            ///< the current deadline passed
  bool ever_overdue = false;
  bool final_matter = false;       ///< 信访: re-reviewed and closed; same facts refused
  /// Referred (转办) to a mediation case or deliberation matter that has not concluded: once
  /// answered it has no evaluation deadline, and evaluate and close wait for the conclusion.
  bool evaluation_held = false;
  std::optional<Evaluation> evaluation;
  PetitionId merged_into = kNoPetition;
  PetitionId same_matter_as = kNoPetition;
  /// Petitions merged into this one (合并), ascending; each names this one in merged_into.
  std::vector<PetitionId> merged_from;
  int not_ours_returns = 0;        ///< returns as not ours (非本单位职责)
  std::optional<NotOursAnswer> not_ours;  ///< the latest of them
  int supporters = 0;              ///< 附议: residents supporting it now (moved here by a merge)
  std::int64_t priority = 0;       ///< petition_priority of its severity, urgency and supporters
};

/// What a rung of the escalation ladder measures its moment from (督办阶梯的起算点).
enum class RungAnchor : std::uint8_t {
  kAfterDispatch = 0,  ///< working time elapsed since the petition reached its unit (dispatch, escalation, reopening)
  kBeforeDue = 1,      ///< ahead of the current deadline (only while the petition is not overdue)
  kAfterDue = 2,       ///< past the current deadline
};
/// What a rung does when it fires (an automatic event of the clock, actor `system`).
enum class RungAction : std::uint8_t {
  kWarn = 0,      ///< 预警催办: an automatic urge; the petition stays where it is
  kReassign = 1,  ///< 升级: an automatic escalation one level up, within the severity's ceiling
};
std::string_view to_string(RungAnchor a);   ///< "after_dispatch", "before_due", "after_due"
std::string_view to_string(RungAction a);   ///< "warn", "reassign"
/// One rung of the escalation ladder (督办阶梯的一级).
struct LadderRung {
  RungAnchor anchor = RungAnchor::kBeforeDue;
  /// How far from the anchor (> 0). Working days count on the calendar (holidays, make-up
  /// days); a moment in working days after an anchor falls at the policy's due time of day,
  /// as deadlines do; before the deadline it keeps the deadline's time of day.
  Duration offset{1, TimeUnit::kWorkdays};
  int level = 1;  ///< the supervision level (督办级别) the petition reaches when the rung fires
  RungAction action = RungAction::kWarn;
  friend bool operator==(const LadderRung&, const LadderRung&) = default;
};
/// Most rungs a ladder may have.
inline constexpr int kMaxLadderRungs = 8;
/// The reason the clock gives the urge or escalation rung `rung` (0-based) fires:
/// "escalation ladder rung K (level L, warn|reassign): OFFSET ANCHOR", K counted from 1.
std::string ladder_reason(int rung, const LadderRung& r);
/// The rung (0-based) an automatic urge or escalation of the clock fired, read back from
/// the reason ladder_reason gave it; nullopt for any other event (a person's urge, a
/// configuration event, a reason the clock did not write).
std::optional<int> ladder_rung_of(const Event& event);
/// What the resident is told about where the petition went (empty when nothing): for a
/// merged petition, the petition it was merged into; after a return as not ours, who is
/// competent instead and why. In Chinese, with an English gloss.
std::string resident_notice(const PetitionView& v);

/// Escalation and supervision settings (升级上限 / 催办).
struct EscalationPolicy {
  /// The highest org level (0 district .. 5) a petition of each severity may reach:
  /// minor 2 (community), major 1 (street), critical 0 (district).
  std::array<int, 3> ceiling_level{2, 1, 0};
  Duration escalate_after_overdue{1, TimeUnit::kWorkdays};  ///< grace before auto escalation
  Duration urge_before_due{1, TimeUnit::kWorkdays};          ///< automatic urge ahead of a deadline
  /// The escalation ladder (督办阶梯) the clock follows while a petition is dispatched or in
  /// progress: `petition.escalation_ladder` (the national set's is the two timings above as
  /// rungs); a set without one derives it from the timings (derived_ladder).
  std::vector<LadderRung> ladder = derived_ladder(urge_before_due, escalate_after_overdue);
  /// The ladder of the two timings: warn `urge_before_due` before the deadline (level 1),
  /// reassign `escalate_after_overdue` after it (level 2); a timing of 0 gives no rung.
  static std::vector<LadderRung> derived_ladder(Duration urge_before_due, Duration escalate_after_overdue);
};

/// The 四方协同 table of `petition.compound_parties`: which party answers for a category
/// inside a compound, and what happens when it cannot.
struct CompoundRouting {
  bool enabled = false;  ///< the policy has the rule
  std::vector<std::pair<std::string, CompoundParty>> parties;  ///< by category, sorted
  CompoundParty default_party = CompoundParty::kCompoundPartyOrg;
  /// The property company answers only where a tripartite agreement (三方协议) is on record
  /// for the compound; else `fallback` does.
  bool property_requires_tripartite = true;
  CompoundParty fallback = CompoundParty::kCompoundPartyOrg;
  /// Policy dispatch sends a compound matter to its party's unit (else to the category's level).
  bool dispatch_to_party = false;
  /// A compound matter climbs no higher than this level (2 = the community; -1 = only the
  /// severity's ceiling applies).
  int ceiling_level = -1;
  /// The party of a category (the "default" entry's when not listed).
  CompoundParty party(std::string_view category) const;
};

/// Who answers for a matter inside a compound (四方协同 routing).
struct PartyRoute {
  CompoundParty party = CompoundParty::kNone;   ///< who answers (after any fallback)
  CompoundParty listed = CompoundParty::kNone;  ///< the table's party for the category
  bool fallback = false;    ///< the listed party could not take it; `reason` says why
  std::string reason;
  std::string compound;     ///< the compound's label (or its branch's id)
  std::string unit;         ///< the org unit standing for the party; "" when the graph has none
  std::string unit_name;
};

/// Caps on counters (上限).
struct PetitionCaps {
  int max_returns = 2;
  int max_reopens = 1;
  int max_extensions = 1;
  int max_reviews = 2;
  int max_text_bytes = 4000;
};

/// Routing of one category (分派规则).
struct CategoryRoute {
  int level = 2;                        ///< competent org level (1 street .. 3 grid)
  bool prefer_property_branch = false;  ///< to the property branch with a tripartite agreement
  std::string zh;                       ///< the category's name in reports (类别名称); "" = none given
};

/// Suggested duplicates (疑似重复): which earlier or later petitions `Engine::duplicates`
/// offers for a merge (policy rule `petition.duplicates`; a suggestion, never a merge).
struct DuplicatePolicy {
  /// How far apart two submissions may be. The default of 30 natural days is this
  /// project's choice (no text sets a window for duplicate petitions).
  Duration window{30, TimeUnit::kNaturalDays};
  /// Same building (4) or same grid (3): the level at which two locations count as one place.
  int area_level = 3;
};

/// The petition rules of a policy set, parsed once so the engine never reads JSON on
/// the hot path: `petition.deadlines`, `petition.routing`, `petition.caps`,
/// `petition.escalation_ceiling`, `petition.duplicates` (and `kpi.weights`, kept as text
/// for the KPI layer, and `kpi.ranking`).
/// A rule missing from the set keeps the defaults above (deadlines: the hotline default).
struct PetitionPolicy {
  std::string name;                     ///< the policy set's name
  DeadlinePolicy deadlines = DeadlinePolicy::hotline_default();
  Track track = Track::kHotline;
  std::vector<std::pair<std::string, CategoryRoute>> routes;  ///< by category id, sorted
  CategoryRoute default_route{};
  PetitionCaps caps{};
  EscalationPolicy escalation{};
  DuplicatePolicy duplicates{};
  std::string kpi_weights_json = "{}";
  /// `kpi.ranking` min_received: petitions a unit needs in a period to be ranked (0 = any).
  std::uint64_t kpi_min_received = 0;
  /// 四方协同 routing inside a compound (`petition.compound_parties`).
  CompoundRouting compound{};
  /// Response templates (答复模板) of `petition.responses`: per category ("default" for the
  /// rest), one text per state (indexed by State; "" = none), sorted by category.
  std::vector<std::pair<std::string, std::array<std::string, kStateCount>>> responses;

  /// Reads the rules above out of `set`. INVALID_ARGUMENT naming the rule and field
  /// for a malformed parameter (e.g. `petition.routing: categories.property.level: ...`).
  static absl::StatusOr<PetitionPolicy> from_policy_set(const PolicySet& set);
  /// The route of a category (default_route when not listed).
  CategoryRoute route(std::string_view category) const;
  /// The category's Chinese name for reports (`petition.routing` `categories.<id>.zh`);
  /// the id itself for a category the policy lists without a name or does not list.
  std::string category_name(std::string_view category) const;
  /// The response template of (category, state): the category's, else the "default"
  /// category's; nullptr when neither has one.
  const std::string* response_template(std::string_view category, State state) const;
};

}  // namespace jiceng
