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

}  // namespace jiceng::kpi_test
