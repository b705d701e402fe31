// The transition table: every legal transition, every illegal (state, event) pair, every
// role × event × scope cell of the permission matrix, and the generated artefacts.
#include <set>

#include "absl/strings/str_cat.h"
#include "common/strings.hpp"
#include "petition/fixture.hpp"

namespace jiceng::testing {
namespace {

const Timestamp kT0 = at(2026, 3, 2);  // a Monday, no holiday near

std::vector<Role> roles_in(RoleMask m) {
  std::vector<Role> out;
  for (int r = 0; r < kRoleCount; ++r)
    if (m & role_bit(static_cast<Role>(r))) out.push_back(static_cast<Role>(r));
  return out;
}

/// Drives a petition to the row's source state and makes the row's guard hold.
PetitionId prepare_row(Engine& e, const Transition& row, Timestamp* now) {
  const auto from = static_cast<State>(row.from);
  PetitionId id = drive_to(e, from, kT0);
  *now = kT0 + 20 * kHour;
  if (row.guard == Guard::kExtensionPending || row.guard == Guard::kExtensionPendingReason) {
    EXPECT_TRUE(e.request_extension(grid_worker(), id, {2, TimeUnit::kWorkdays}, "needs parts", *now).ok());
    *now += kHour;
  }
  if (row.guard == Guard::kPastDue) *now = e.get(id)->due_at + 1;
  if (row.guard == Guard::kReturnAllowed) *now = e.get(id)->updated_at + kHour;  // inside the 2wd window
  return id;
}

TEST(PetitionTable, ShapeMatchesDesign) {
  EXPECT_EQ(kStateCount, 9);
  EXPECT_EQ(kCommandEventCount, 18);
  std::set<int> events;
  for (const auto& t : kTransitions) events.insert(static_cast<int>(t.event));
  EXPECT_EQ(events.size(), 19u) << "every command event and the clock has at least one row";
  // Terminal states have no outgoing rows; closed only reopen.
  for (const auto& t : kTransitions) {
    if (t.from == kInitialState) continue;
    const auto s = static_cast<State>(t.from);
    EXPECT_FALSE(is_terminal(s)) << to_string(s);
    if (s == State::kClosed) {
      EXPECT_EQ(t.event, EventType::kReopen);
    }
  }
  EXPECT_EQ(find_transition(static_cast<std::uint8_t>(State::kDispatched), EventType::kSign)->to, State::kInProgress);
  EXPECT_EQ(find_transition(static_cast<std::uint8_t>(State::kReceived), EventType::kSign), nullptr);
  for (int i = 0; i < kEventTypeCount; ++i) {
    EXPECT_EQ(parse_event_type(to_string(static_cast<EventType>(i))), static_cast<EventType>(i));
  }
  for (int i = 0; i < kStateCount; ++i) EXPECT_EQ(parse_state(to_string(static_cast<State>(i))), static_cast<State>(i));
}

TEST(PetitionTable, EveryLegalTransition) {
  for (int i = 0; i < kTransitionCount; ++i) {
    const Transition& row = kTransitions[i];
    if (row.from == kInitialState) continue;
    SCOPED_TRACE(jiceng::internal::cat("row ", i, ": ", to_string(static_cast<State>(row.from)), " + ", to_string(row.event)));
    auto e = make_engine();
    Timestamp now;
    PetitionId id = prepare_row(*e, row, &now);
    PetitionId other = *e->submit(resident("r9"), submission("noise", kHousehold, "r9"), now);
    const Role role = roles_in(row.roles).back();
    if (role == Role::kSystem) e->allow_system_role(true);  // the clock's role, claimed by a test host
    const Actor actor = actor_in_scope(*e, role, id, row.scope);
    const auto before = e->history(id)->size();
    auto r = e->execute(actor, row.event, id, payload_for(row, other), now);
    ASSERT_TRUE(r.ok()) << r.status() << " as " << to_string(role);
    auto v = e->get(id);
    EXPECT_EQ(v->state, row.to);
    auto h = e->history(id);
    ASSERT_EQ(h->size(), before + 1) << "exactly one event";
    EXPECT_EQ(h->back().type, row.event);
    EXPECT_EQ(h->back().actor, actor);
    EXPECT_EQ(check_invariants(*e, now), "");
  }
}

TEST(PetitionTable, EveryIllegalPairIsFailedPreconditionAndChangesNothing) {
  int checked = 0;
  for (int s = 0; s < kStateCount; ++s) {
    auto e = make_engine();
    const PetitionId id = drive_to(*e, static_cast<State>(s), kT0);
    const PetitionId other = *e->submit(resident("r9"), submission("noise", kHousehold, "r9"), kT0 + 30 * kHour);
    const std::string snap = e->snapshot();
    for (int ev = 1; ev < kPetitionEventCount; ++ev) {  // submit never acts on an existing petition
      const auto type = static_cast<EventType>(ev);
      if (find_transition(static_cast<std::uint8_t>(s), type) != nullptr) continue;
      Transition fake{static_cast<std::uint8_t>(s), type, 0, Scope::kAnywhere, Guard::kNone, Action::kRegister,
                      State::kReceived};
      auto r = e->execute(district_officer(), type, id, payload_for(fake, other), kT0 + 40 * kHour);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
      EXPECT_NE(r.status().message().find(std::string(to_string(static_cast<State>(s)))), std::string::npos)
          << r.status();
      EXPECT_NE(r.status().message().find(std::string(to_string(type))), std::string::npos) << r.status();
      EXPECT_EQ(e->snapshot(), snap) << "failed " << to_string(type) << " changed state";
      ++checked;
    }
  }
  // (No count check here: `checked` is every pair without a row, so it equals the pairs
  // minus the rows exactly when the table has one row per (state, event) — which the
  // static_assert in petition.hpp already holds at compile time.)
  EXPECT_GT(checked, 0);
}

TEST(PetitionTable, EveryRoleEventScopeCell) {
  for (int i = 0; i < kTransitionCount; ++i) {
    const Transition& row = kTransitions[i];
    if (row.from == kInitialState) continue;
    for (int ro = 0; ro < kRoleCount; ++ro) {
      const auto role = static_cast<Role>(ro);
      SCOPED_TRACE(jiceng::internal::cat(to_string(static_cast<State>(row.from)), " + ", to_string(row.event), " by ",
                                to_string(role)));
      const bool allowed = row.roles & role_bit(role);
      // In scope.
      {
        auto e = make_engine();
        Timestamp now;
        PetitionId id = prepare_row(*e, row, &now);
        PetitionId other = *e->submit(resident("r9"), submission("noise", kHousehold, "r9"), now);
        const std::string snap = e->snapshot();
        if (role == Role::kSystem) {
          // The role is the clock's: a host command claiming it is refused until the host opts in.
          auto refused = e->execute(system_actor(), row.event, id, payload_for(row, other), now);
          ASSERT_FALSE(refused.ok());
          EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied) << refused.status();
          EXPECT_EQ(e->snapshot(), snap);
          e->allow_system_role(true);
        }
        auto r = e->execute(actor_in_scope(*e, role, id, row.scope), row.event, id, payload_for(row, other), now);
        if (allowed) {
          EXPECT_TRUE(r.ok()) << r.status();
        } else {
          ASSERT_FALSE(r.ok());
          EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
          EXPECT_NE(r.status().message().find(std::string(to_string(role))), std::string::npos) << r.status();
          EXPECT_EQ(e->snapshot(), snap);
        }
      }
      // Out of scope: another community's unit, or another resident.
      if (allowed && role != Role::kSystem && row.scope != Scope::kAnywhere) {
        auto e = make_engine();
        Timestamp now;
        PetitionId id = prepare_row(*e, row, &now);
        PetitionId other = *e->submit(resident("r9"), submission("noise", kHousehold, "r9"), now);
        const std::string snap = e->snapshot();
        const Actor outsider = role == Role::kResident ? resident("r2") : staff(role, kOtherCommunity);
        auto r = e->execute(outsider, row.event, id, payload_for(row, other), now);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
        EXPECT_NE(r.status().message().find("scope"), std::string::npos) << r.status();
        EXPECT_EQ(e->snapshot(), snap);
      }
    }
  }
}

// Key cells written out by hand, independent of the table, so a wrong table row fails.
TEST(PetitionTable, HandWrittenKeyCells) {
  struct Cell {
    State from;
    EventType event;
    Role role;
    bool allowed;
  };
  const Cell cells[] = {
      {State::kDispatched, EventType::kSign, Role::kGridWorker, true},
      {State::kDispatched, EventType::kSign, Role::kResident, false},
      {State::kDispatched, EventType::kSign, Role::kPropertyCompany, true},
      {State::kDispatched, EventType::kSign, Role::kBuildingLeader, false},
      {State::kReceived, EventType::kAccept, Role::kGridWorker, true},
      {State::kReceived, EventType::kAccept, Role::kPropertyCompany, false},
      {State::kReceived, EventType::kAccept, Role::kResident, false},
      {State::kAccepted, EventType::kDispatch, Role::kGridWorker, false},
      {State::kAccepted, EventType::kDispatch, Role::kCommunityStaff, true},
      {State::kInProgress, EventType::kGrantExtension, Role::kGridWorker, false},
      {State::kInProgress, EventType::kGrantExtension, Role::kCommunitySecretary, true},
      {State::kInProgress, EventType::kGrantExtension, Role::kCommunityStaff, false},
      {State::kInProgress, EventType::kSupervise, Role::kStreetOfficer, true},
      {State::kInProgress, EventType::kSupervise, Role::kGridWorker, false},
      {State::kInProgress, EventType::kWithdraw, Role::kResident, true},
      {State::kInProgress, EventType::kWithdraw, Role::kDistrictOfficer, false},
      {State::kResolved, EventType::kEvaluate, Role::kResident, true},
      {State::kResolved, EventType::kEvaluate, Role::kPropertyCompany, false},
      {State::kResolved, EventType::kClose, Role::kSystem, true},
      {State::kResolved, EventType::kClose, Role::kGridWorker, false},
      {State::kClosed, EventType::kReopen, Role::kResident, true},
      {State::kClosed, EventType::kReopen, Role::kGridWorker, false},
      {State::kDispatched, EventType::kEscalate, Role::kSystem, true},
      {State::kDispatched, EventType::kUrge, Role::kSystem, true},
      {State::kDispatched, EventType::kUrge, Role::kGridWorker, false},
      {State::kInProgress, EventType::kMarkOverdue, Role::kDistrictOfficer, false},
      {State::kInProgress, EventType::kMarkOverdue, Role::kSystem, true},
  };
  for (const Cell& c : cells) {
    SCOPED_TRACE(jiceng::internal::cat(to_string(c.from), " + ", to_string(c.event), " by ", to_string(c.role)));
    const Transition* row = find_transition(static_cast<std::uint8_t>(c.from), c.event);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ((row->roles & role_bit(c.role)) != 0, c.allowed) << "table disagrees with the expectation";
    auto e = make_engine();
    Timestamp now;
    PetitionId id = prepare_row(*e, *row, &now);
    if (c.role == Role::kSystem) e->allow_system_role(true);  // the clock's role, claimed by a test host
    auto r = e->execute(actor_in_scope(*e, c.role, id, row->scope), c.event, id, payload_for(*row, kNoPetition), now);
    if (c.allowed) {
      EXPECT_TRUE(r.ok()) << r.status();
    } else {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
    }
  }
  // Scope by hand: a grid worker of another grid may not sign; the district may supervise.
  auto e = make_engine();
  PetitionId id = drive_to(*e, State::kDispatched, kT0);
  EXPECT_EQ(e->sign(staff(Role::kGridWorker, "320506001001G02"), id, kT0 + 10 * kHour).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(e->supervise(grid_worker(), id, "hurry", kT0 + 10 * kHour).code(), absl::StatusCode::kPermissionDenied)
      << "督办 needs a unit above the handling unit";
  EXPECT_TRUE(e->supervise(district_officer(), id, "hurry", kT0 + 10 * kHour).ok());
  EXPECT_TRUE(e->sign(staff(Role::kCommunityStaff, kCommunity), id, kT0 + 11 * kHour).ok());
}

TEST(PetitionTable, GeneratedDotAndMatrixFollowTheTable) {
  const std::string dot = workflow_dot();
  EXPECT_NE(dot.find("digraph petition"), std::string::npos);
  for (const auto& t : kTransitions) {
    if (t.from != kInitialState && static_cast<State>(t.from) == t.to) {
      // A command that keeps the state is a line inside the state's box, not a loop.
      const std::string node = jiceng::internal::cat("    ", to_string(t.to), " [label=<");
      const auto at = dot.find(node);
      ASSERT_NE(at, std::string::npos) << node;
      const std::string box = dot.substr(at, dot.find("];\n", at) - at);
      const std::string line = jiceng::internal::cat("<br align=\"left\"/>", to_string(t.event));
      EXPECT_NE(box.find(line), std::string::npos) << to_string(t.to) << " lacks " << to_string(t.event) << ": " << box;
      EXPECT_EQ(dot.find(jiceng::internal::cat(to_string(t.to), " -> ", to_string(t.to), " ")), std::string::npos);
      continue;
    }
    const std::string edge =
        jiceng::internal::cat(t.from == kInitialState ? "new" : std::string(to_string(static_cast<State>(t.from))), " -> ",
                     to_string(t.to), " [label=\"", to_string(t.event));
    EXPECT_NE(dot.find(edge), std::string::npos) << edge;
  }
  auto md = workflow_matrix("markdown");
  ASSERT_TRUE(md.ok());
  EXPECT_NE(md->find("| sign | — | dispatched (unit+anc)"), std::string::npos) << *md;
  EXPECT_NE(md->find("| withdraw | received, accepted, dispatched, in_progress, resolved (own) |"), std::string::npos);
  auto csv = workflow_matrix("csv");
  ASSERT_TRUE(csv.ok());
  // One header line plus one line per petition event.
  EXPECT_EQ(std::count(csv->begin(), csv->end(), '\n'), kPetitionEventCount + 1);
  EXPECT_EQ(workflow_matrix("xml").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace jiceng::testing
