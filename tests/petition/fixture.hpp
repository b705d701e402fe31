// Shared helpers for the petition tests: an engine on the bundled sample district, the
// actors that work in it, and a way to drive a petition into any state.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "jiceng/calendar.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/petition.hpp"

namespace jiceng::testing {

// Units of data/sample-district.json.
inline constexpr const char* kDistrict = "320506";
inline constexpr const char* kStreet = "320506001";
inline constexpr const char* kCommunity = "320506001001";
inline constexpr const char* kGrid = "320506001001G01";
inline constexpr const char* kBuilding = "320506001001G01B01";
inline constexpr const char* kHousehold = "H-G01B01-0101";
inline constexpr const char* kOtherCommunity = "320506001002";
inline constexpr const char* kCompoundC01 = "320506001002C01";
inline constexpr const char* kPropertyBranch = "320506ICP1";

std::string sample_district();

/// 09:00 China time on y-m-d.
inline Timestamp at(int y, int m, int d, int hour = 9, int minute = 0) {
  return china_time_to_utc(Date(y, m, d), hour * 60 + minute);
}
inline constexpr Timestamp kHour = 3600;
inline constexpr Timestamp kDayS = 86400;

inline Actor resident(std::string id = "r1") { return Actor{std::move(id), Role::kResident, ""}; }
inline Actor staff(Role role, std::string unit, std::string id = "") {
  if (id.empty()) id = std::string(to_string(role)) + "@" + unit;
  return Actor{std::move(id), role, std::move(unit)};
}
inline Actor system_actor() { return Actor{"system", Role::kSystem, ""}; }
inline Actor grid_worker() { return staff(Role::kGridWorker, kGrid); }
inline Actor community_staff() { return staff(Role::kCommunityStaff, kCommunity); }
inline Actor community_secretary() { return staff(Role::kCommunitySecretary, kCommunity); }
inline Actor street_officer() { return staff(Role::kStreetOfficer, kStreet); }
inline Actor district_officer() { return staff(Role::kDistrictOfficer, kDistrict); }

inline EventPayload submission(std::string category = "noise", std::string location = kHousehold,
                               std::string petitioner = "r1") {
  EventPayload p;
  p.petitioner = std::move(petitioner);
  p.location = std::move(location);
  p.category = std::move(category);
  p.text = "楼下夜间施工噪音 (night-time construction noise)";
  p.channel = Channel::kMiniProgram;
  p.contact = Contact{"张三丰", "13812345678"};
  return p;
}

/// A fresh engine with the sample district loaded.
std::unique_ptr<Engine> make_engine(std::string_view policy = "national");

/// Submits as resident r1 (noise at kHousehold) and drives the petition to `target`
/// along the shortest legal path. Times advance one hour per step from `t0`.
PetitionId drive_to(Engine& e, State target, Timestamp t0, std::string category = "noise");

/// A payload that satisfies the guard of `row` for a petition made by drive_to.
EventPayload payload_for(const Transition& row, PetitionId other);

/// An actor of `role` whose scope covers petition `id` (for strict ancestors, the parent).
Actor actor_in_scope(Engine& e, Role role, PetitionId id, Scope scope);

/// Checks every invariant of the engine's state; returns a description of the first failure.
std::string check_invariants(const Engine& e, Timestamp now);

}  // namespace jiceng::testing
