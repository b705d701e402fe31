// The role `system` is the engine's clock's (issue: any host command could claim it and
// urge, escalate or close anywhere; configuration events could not say who configured).
#include "petition/fixture.hpp"

namespace jiceng::testing {
namespace {

TEST(SystemRole, AHostCommandClaimingItIsRefusedAndChangesNothing) {
  auto e = make_engine();
  const Timestamp t0 = at(2025, 3, 3);
  const PetitionId id = drive_to(*e, State::kInProgress, t0);
  const std::string snap = e->snapshot();
  const std::uint64_t seq = e->last_seq();
  EXPECT_FALSE(e->system_role_allowed());
  for (EventType type : {EventType::kUrge, EventType::kEscalate, EventType::kClose, EventType::kSupervise}) {
    SCOPED_TRACE(to_string(type));
    EventPayload p;
    p.reason = "claimed";
    auto r = e->execute(system_actor(), type, id, p, t0 + 10 * kHour);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << r.status();
    EXPECT_NE(r.status().message().find("the role system is the engine's clock"), std::string::npos) << r.status();
  }
  EXPECT_EQ(e->snapshot(), snap);
  EXPECT_EQ(e->last_seq(), seq);
  // The clock itself still acts as system.
  ASSERT_TRUE(e->tick(t0 + 400 * kDayS).ok());
  auto h = e->history(id);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->back().actor.role, Role::kSystem);
  EXPECT_TRUE(h->back().payload.automatic);
}

TEST(SystemRole, TheHostOptsInExplicitlyAndReplayNeverAsks) {
  auto e = make_engine();
  const Timestamp t0 = at(2025, 3, 3);
  const PetitionId id = drive_to(*e, State::kInProgress, t0);
  e->allow_system_role(true);
  EXPECT_TRUE(e->system_role_allowed());
  EventPayload p;
  p.reason = "migrated urge";
  ASSERT_TRUE(e->execute(system_actor(), EventType::kUrge, id, p, t0 + 10 * kHour).ok());
  e->allow_system_role(false);
  auto again = e->execute(system_actor(), EventType::kUrge, id, p, t0 + 11 * kHour);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kPermissionDenied);
  // A fresh engine (not opted in) replays the recorded event.
  auto f = Engine::create("national");
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE((*f)->system_role_allowed());
  for (const Event& ev : e->events(1, 1 << 20)) ASSERT_TRUE((*f)->apply_event(ev).ok()) << ev.seq;
  EXPECT_EQ((*f)->snapshot(), e->snapshot());
}

TEST(SystemRole, ConfigurationRecordsTheHostsPerson) {
  auto e = Engine::create("national");
  ASSERT_TRUE(e.ok());
  const Actor officer = staff(Role::kDistrictOfficer, kDistrict, "D-wang");
  ASSERT_TRUE((*e)->load_org(officer, sample_district(), 100).ok());
  ASSERT_TRUE((*e)->set_policy(officer, "suzhou-sip", 200).ok());
  auto events = (*e)->events(1, 10);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, EventType::kLoadOrg);
  EXPECT_EQ(events[0].actor.id, "D-wang");
  EXPECT_EQ(events[0].actor.role, Role::kDistrictOfficer);
  EXPECT_EQ(events[0].actor.unit, kDistrict);
  EXPECT_EQ(events[1].actor.id, "D-wang");
  // Replayed, the recorded person stays.
  auto f = Engine::create("national");
  ASSERT_TRUE(f.ok());
  for (const Event& ev : events) ASSERT_TRUE((*f)->apply_event(ev).ok());
  EXPECT_EQ((*f)->events(1, 10)[0].actor.id, "D-wang");
  EXPECT_EQ((*f)->snapshot(), (*e)->snapshot());

  // Bad configurers: refused, nothing recorded.
  const std::string snap = (*e)->snapshot();
  struct Case {
    Actor by;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {system_actor(), absl::StatusCode::kPermissionDenied},
      {Actor{"", Role::kDistrictOfficer, kDistrict}, absl::StatusCode::kInvalidArgument},
      {Actor{std::string("D\xff", 2), Role::kDistrictOfficer, kDistrict}, absl::StatusCode::kInvalidArgument},
      {Actor{std::string(257, 'x'), Role::kDistrictOfficer, kDistrict}, absl::StatusCode::kInvalidArgument},
      {Actor{"D-li", static_cast<Role>(kRoleCount), kDistrict}, absl::StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    EXPECT_EQ((*e)->set_policy(c.by, "national", 300).code(), c.code) << c.by.id;
    EXPECT_EQ((*e)->load_calendar_csv(c.by, "", 300).code(), c.code) << c.by.id;
    EXPECT_EQ((*e)->load_org(c.by, sample_district(), 300).code(), c.code) << c.by.id;
  }
  EXPECT_EQ((*e)->snapshot(), snap);
  EXPECT_EQ((*e)->last_seq(), 2u);
}

}  // namespace
}  // namespace jiceng::testing
