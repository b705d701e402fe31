// The router of routing cases in policy tests (政策测试·分派): the policy library sits
// below the petition engine, so `jiceng policy test` (and the policy tests' GoogleTest)
// route a case's petition through a real Engine here — submitted by a resident at the
// location, accepted and dispatched by policy routing by a district officer at the root —
// and read the unit it went to. What the engine does is what the case checks.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "jiceng/engine.hpp"
#include "jiceng/org.hpp"
#include "jiceng/policy.hpp"

namespace jiceng::cli {

inline absl::StatusOr<std::string> route_through_engine(const PolicySet& set, std::string_view org_json,
                                                        std::string_view category, std::string_view location,
                                                        std::int64_t now) {
  const std::string org(org_json.empty() ? sample_district_json() : org_json);
  OrgGraph graph;
  if (auto st = graph.load_json(org, "org"); !st.ok()) return st;
  std::string root;
  for (UnitIndex u = 0; u < graph.unit_count(); ++u) {
    if (graph.parent(u) == kNoUnit && graph.level(u) == 0) {
      root = std::string(graph.id(u));
      break;
    }
  }
  if (root.empty()) return absl::InvalidArgumentError("org: no root unit at level 0");
  auto engine = Engine::create("national");
  if (!engine.ok()) return engine.status();
  Engine& e = **engine;
  if (auto st = e.set_policy(set.to_json(), now); !st.ok()) return st;
  if (auto st = e.load_org(org, now); !st.ok()) return st;
  EventPayload s;
  s.petitioner = "policy-test-resident";
  s.location = std::string(location);
  s.category = std::string(category);
  s.text = "policy test";
  auto id = e.submit(Actor{"policy-test-resident", Role::kResident, ""}, s, now);
  if (!id.ok()) return id.status();
  const Actor officer{"policy-test-officer", Role::kDistrictOfficer, root};
  if (auto st = e.accept(officer, *id, now); !st.ok()) return st;
  if (auto st = e.dispatch(officer, *id, "", false, now); !st.ok()) return st;
  auto view = e.get(*id);
  if (!view.ok()) return view.status();
  return view->current_unit;
}

}  // namespace jiceng::cli
