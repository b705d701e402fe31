// Shared helpers of the KPI tests: a small district (2 streets, 3 communities, 5 grids)
// and shorthands to drive petitions through the engine.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "jiceng/engine.hpp"
#include "jiceng/kpi.hpp"

namespace jiceng::kpi_test {

/// D → S1 {C11 {G111, G112}, C12 {G121}}, S2 {C21 {G211, G212}}.
inline const char* kOrgJson = R"({"schema": "urban_grid", "units": [
 {"id": "D", "name": "测试区委", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "一街道党工委", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "S2", "name": "二街道党工委", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "C11", "name": "甲社区党委", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "C12", "name": "乙社区党委", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "C21", "name": "丙社区党委", "level": 2, "kind": "community_committee", "parent": "S2"},
 {"id": "G111", "name": "网格111", "level": 3, "kind": "grid_branch", "parent": "C11"},
 {"id": "G112", "name": "网格112", "level": 3, "kind": "grid_branch", "parent": "C11"},
 {"id": "G121", "name": "网格121", "level": 3, "kind": "grid_branch", "parent": "C12"},
 {"id": "G211", "name": "网格211", "level": 3, "kind": "grid_branch", "parent": "C21"},
 {"id": "G212", "name": "网格212", "level": 3, "kind": "grid_branch", "parent": "C21"}
]})";

/// 09:00 China time on `y-m-d`.
inline Timestamp at(int y, int m, int d, int hour = 9, int minute = 0) {
  return china_time_to_utc(Date(static_cast<unsigned short>(y), static_cast<unsigned short>(m),
                                static_cast<unsigned short>(d)), hour * 60 + minute);
}

inline const Actor kOfficer{"officer", Role::kDistrictOfficer, "D"};
inline const Actor kSystem{"clock", Role::kSystem, ""};

inline std::unique_ptr<Engine> make_engine(std::string_view policy = "national") {
  auto e = Engine::create(policy);
  EXPECT_TRUE(e.ok()) << e.status();
  EXPECT_TRUE((*e)->load_org(kOrgJson).ok());
  return std::move(*e);
}

/// Submits a petition by resident `who` at `location`.
inline PetitionId submit(Engine& e, std::string_view location, std::string_view category, Timestamp t,
                         Channel channel = Channel::kOnlinePlatform, std::string who = "resident") {
  EventPayload p;
  p.petitioner = who;
  p.location = std::string(location);
  p.category = std::string(category);
  p.channel = channel;
  p.text = "诉求内容";
  auto id = e.submit(Actor{who, Role::kResident, ""}, p, t);
  EXPECT_TRUE(id.ok()) << id.status();
  return id.ok() ? *id : kNoPetition;
}

/// accept → dispatch (by routing) → sign, all at `t`.
inline void take_up(Engine& e, PetitionId id, Timestamp t) {
  ASSERT_TRUE(e.accept(kOfficer, id, t).ok());
  ASSERT_TRUE(e.dispatch(kOfficer, id, "", false, t).ok());
  ASSERT_TRUE(e.sign(kOfficer, id, t).ok());
}

inline void evaluate(Engine& e, PetitionId id, bool contacted, bool solved, Satisfaction s, Timestamp t) {
  auto st = e.evaluate(kOfficer, id, Evaluation{contacted, solved, s}, t);
  ASSERT_TRUE(st.ok()) << st;
}

/// Ticks at `t` until the clock has nothing more to do.
inline void tick_until_quiet(Engine& e, Timestamp t) {
  for (int i = 0; i < 10; ++i) {
    auto r = e.tick(t);
    ASSERT_TRUE(r.ok()) << r.status();
    if (r->events == 0) return;
  }
}

/// The scenario of docs/kpi.md, March 2024 (P1..P6) plus one April petition (P7).
struct Scenario {
  std::unique_ptr<Engine> engine = make_engine();
  Timestamp t0 = at(2024, 3, 4);  // Monday
  PetitionId p[8] = {};

  void build() {
    Engine& e = *engine;
    p[1] = submit(e, "G111", "parking", t0, Channel::kOnlinePlatform, "r1");
    p[2] = submit(e, "G111", "parking", t0, Channel::kWechatAccount, "r2");
    p[3] = submit(e, "G112", "property", t0, Channel::kOnlinePlatform, "r3");
    p[4] = submit(e, "G121", "parking", t0, Channel::kHotline, "r4");
    p[5] = submit(e, "G211", "noise", t0, Channel::kMiniProgram, "r5");
    p[6] = submit(e, "G111", "government_consultation", t0, Channel::kWechatAccount, "r6");
    for (int i = 1; i <= 5; ++i) take_up(e, p[i], t0);
    auto rj = e.reject(kOfficer, p[6], "not a petition", t0 + 60);
    ASSERT_TRUE(rj.ok()) << rj;
    // P1: same day, satisfied.
    ASSERT_TRUE(e.resolve(kOfficer, p[1], "done", t0 + 3600).ok());
    evaluate(e, p[1], true, true, Satisfaction::kSatisfied, t0 + 7200);
    // P2: two working days, contacted, not solved, basically satisfied.
    ASSERT_TRUE(e.resolve(kOfficer, p[2], "done", at(2024, 3, 6)).ok());
    evaluate(e, p[2], true, false, Satisfaction::kBasicallySatisfied, at(2024, 3, 6, 10));
    // P3: unsatisfied, reopened (重办), re-resolved on day 3, then basically satisfied.
    ASSERT_TRUE(e.resolve(kOfficer, p[3], "done", at(2024, 3, 5)).ok());
    evaluate(e, p[3], false, false, Satisfaction::kUnsatisfied, at(2024, 3, 5, 10));
    auto st = e.reopen(kOfficer, p[3], ReopenKind::kReopen, "resident unsatisfied", at(2024, 3, 5, 11));
    ASSERT_TRUE(st.ok()) << st;
    ASSERT_TRUE(e.sign(kOfficer, p[3], at(2024, 3, 5, 12)).ok());
    ASSERT_TRUE(e.resolve(kOfficer, p[3], "done again", at(2024, 3, 7)).ok());
    evaluate(e, p[3], true, true, Satisfaction::kBasicallySatisfied, at(2024, 3, 7, 10));
    // P4 and P5 pass their resolve deadline; P5 is then resolved late and closed unevaluated.
    auto v4 = e.get(p[4]);
    ASSERT_TRUE(v4.ok());
    tick_until_quiet(e, v4->due_at + 60);
    ASSERT_TRUE(e.resolve(kOfficer, p[5], "late", at(2024, 3, 12)).ok());
    ASSERT_TRUE(e.close(kOfficer, p[5], "no callback", at(2024, 3, 12, 10)).ok());
    // P6 rejected; P7 in April.
    p[7] = submit(e, "G211", "parking", at(2024, 4, 1), Channel::kOnlinePlatform, "r7");
    ASSERT_TRUE(e.accept(kOfficer, p[7], at(2024, 4, 1, 10)).ok());
  }
};

}  // namespace jiceng::kpi_test
