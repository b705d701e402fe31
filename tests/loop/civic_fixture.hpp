// Shared fixture of the commitments and assessment loop tests: a small district with
// members, an engine over it under the wuzhong policy set, and the role × scope cells
// generated from a loop's table (the sink, commands and replay checks: loop_fixture.hpp).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "boost/json.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/loop.hpp"
#include "loop/civic_util.hpp"
#include "loop/loop_fixture.hpp"

namespace jiceng::civic_test {

// D → S1 {C11 {G111, G112, PB1}, C12}, S2 {C21 {G211}}; members m1, m2 at C11, m3 at C21;
// the property branch PB1 serves G111 and G112 under tripartite agreements (三方协议).
inline constexpr const char* kOrg = R"({"schema": "urban_grid", "units": [
 {"id": "D", "name": "吴中区委", "level": 0, "kind": "district_committee"},
 {"id": "S1", "name": "长桥街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "S2", "name": "城南街道", "level": 1, "kind": "street_committee", "parent": "D"},
 {"id": "C11", "name": "龙桥社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "C12", "name": "泾峰社区", "level": 2, "kind": "community_committee", "parent": "S1"},
 {"id": "C21", "name": "丙社区", "level": 2, "kind": "community_committee", "parent": "S2"},
 {"id": "G111", "name": "一网格", "level": 3, "kind": "grid_branch", "parent": "C11"},
 {"id": "G112", "name": "二网格", "level": 3, "kind": "grid_branch", "parent": "C11"},
 {"id": "G211", "name": "三网格", "level": 3, "kind": "grid_branch", "parent": "C21"},
 {"id": "PB1", "name": "甲物业党支部", "level": 3, "kind": "property_branch", "parent": "C11"}],
 "links": [{"type": "serves", "from": "PB1", "to": "G111", "tripartite_agreement": true},
           {"type": "serves", "from": "PB1", "to": "G112", "tripartite_agreement": true}],
 "members": [{"id": "m1", "name": "张三", "party_member": true, "org_unit": "C11"},
             {"id": "m2", "name": "李四", "party_member": true, "org_unit": "C11"},
             {"id": "m3", "name": "王五", "party_member": false}]})";

inline const std::map<std::string, std::string> kParent = {{"S1", "D"},   {"S2", "D"},   {"C11", "S1"},  {"C12", "S1"},
                                                           {"C21", "S2"}, {"G111", "C11"}, {"G112", "C11"}, {"G211", "C21"}, {"PB1", "C11"}};
inline bool ancestor_or_self(std::string a, std::string u) {
  for (;;) {
    if (a == u) return true;
    auto it = kParent.find(u);
    if (it == kParent.end()) return false;
    u = it->second;
  }
}

/// Seconds at the start of a China-time day "YYYY-MM-DD".
inline Timestamp at(const char* day) { return civic::day_start(*civic::parse_day(day)); }

inline const Actor kSec{"sec1", Role::kCommunitySecretary, "C11"};
inline const Actor kStaff{"st1", Role::kCommunityStaff, "C11"};
inline const Actor kStreet{"s1", Role::kStreetOfficer, "S1"};
inline const Actor kDistrict{"d1", Role::kDistrictOfficer, "D"};
inline const Actor kOtherStaff{"st2", Role::kCommunityStaff, "C21"};
inline const Actor kOtherSec{"sec2", Role::kCommunitySecretary, "C21"};
inline const Actor kOtherStreet{"s2", Role::kStreetOfficer, "S2"};

using loop_test::expect_replay_equal;
using loop_test::query;
using loop_test::replay_tampered;
using loop_test::run;
using loop_test::VectorSink;

inline std::unique_ptr<Engine> make_engine(VectorSink* sink = nullptr, std::string_view policy = "wuzhong") {
  return loop_test::engine_with(kOrg, at("2026-01-01"), policy, sink);
}

/// Everything a refused command must leave as it was.
struct Observed {
  std::string snapshot, list;
  std::uint64_t seq = 0;
  friend bool operator==(const Observed&, const Observed&) = default;
};
inline Observed state_of(const Engine& e, std::string_view loop) {
  auto l = e.query(loop, "list");
  return Observed{e.snapshot(), l.ok() ? *l : l.status().ToString(), e.last_seq()};
}

/// Every role × unit cell of every row of `table` that a host may use (the system rows are
/// the clock's): `prepare` makes an engine with an item in the row's `from` state (0 for a
/// creating row) at `item_unit`; the command with `payload(row)` succeeds exactly when the
/// row names the role and the actor's unit covers the item's (strictly for
/// strict_ancestor); otherwise it is PERMISSION_DENIED and changes nothing.
struct Prepared {
  std::unique_ptr<Engine> engine;
  std::uint64_t item = 0;
  std::string item_unit;
};
inline int check_cells(const LoopTable& table, const std::function<Prepared(const LoopRow&)>& prepare,
                       const std::function<std::string(const LoopRow&)>& payload, Timestamp t) {
  const std::vector<std::string> units = {"D", "S1", "S2", "C11", "C21", "G111"};
  int cells = 0;
  for (const LoopRow& row : table.rows) {
    if (row.roles == role_bit(Role::kSystem)) continue;
    for (int r = 0; r < kRoleCount; ++r) {
      const Role role = static_cast<Role>(r);
      if (role == Role::kSystem) continue;
      for (const auto& unit : units) {
        Prepared p = prepare(row);
        if (!p.engine) return cells;
        const Actor a{"cell", role, role == Role::kResident ? "" : unit};
        const bool role_ok = (row.roles & role_bit(role)) != 0;
        bool scope_ok = ancestor_or_self(unit, p.item_unit);
        if (row.scope == LoopScope::kStrictAncestor) scope_ok = scope_ok && unit != p.item_unit;
        if (row.scope == LoopScope::kAnywhere) scope_ok = true;
        const Observed before = state_of(*p.engine, table.loop);
        auto res = run(*p.engine, table.loop, row.event, p.item, a, t, payload(row));
        ++cells;
        const std::string cell = internal::cat(row.from.empty() ? "new" : row.from, " ", row.event, " by ",
                                               to_string(role), " at ", unit);
        if (role_ok && scope_ok && role != Role::kResident) {
          EXPECT_TRUE(res.ok()) << cell << ": " << res.status();
        } else {
          EXPECT_EQ(res.status().code(), absl::StatusCode::kPermissionDenied) << cell << ": " << res.status();
          EXPECT_EQ(state_of(*p.engine, table.loop), before) << cell;
        }
      }
    }
  }
  return cells;
}

}  // namespace jiceng::civic_test
