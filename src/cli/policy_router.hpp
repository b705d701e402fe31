// The router of routing and ladder cases in policy tests (政策测试·分派与督办阶梯): the
// policy library sits below the petition engine, so `jiceng policy test` (and the policy
// tests' GoogleTest, and jc_policy_test_report) route a case's petition through a real
// Engine here — submitted by a resident at the location, accepted and dispatched by policy
// routing by a district officer at the root — and read the unit it went to and its compound
// party; for a ladder case the clock then runs up to the time asked (at each wake-up the
// engine files, then at that time), and the petition's ladder level, holder and automatic
// events are read. What the engine does is what the
// case checks.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "jiceng/engine.hpp"
#include "jiceng/org.hpp"
#include "jiceng/policy.hpp"

namespace jiceng::cli {

inline absl::StatusOr<PolicyRouteResult> route_through_engine(const PolicySet& set, const PolicyRouteQuery& q) {
  const std::string org(q.org_json.empty() ? sample_district_json() : q.org_json);
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
  if (auto st = e.set_policy(set.to_json(), q.now); !st.ok()) return st;
  if (auto st = e.load_org(org, q.now); !st.ok()) return st;
  EventPayload s;
  s.petitioner = "policy-test-resident";
  s.location = std::string(q.location);
  s.category = std::string(q.category);
  s.urgency = q.urgent ? Urgency::kUrgent : Urgency::kNormal;
  s.text = "policy test";
  auto id = e.submit(Actor{"policy-test-resident", Role::kResident, ""}, s, q.now);
  if (!id.ok()) return id.status();
  const Actor officer{"policy-test-officer", Role::kDistrictOfficer, root};
  if (auto st = e.accept(officer, *id, q.now); !st.ok()) return st;
  if (auto st = e.dispatch(officer, *id, "", false, q.now); !st.ok()) return st;
  auto view = e.get(*id);
  if (!view.ok()) return view.status();
  PolicyRouteResult r;
  r.unit = view->current_unit;
  r.party = std::string(to_string(view->party));
  r.party_unit = view->party_unit;
  if (!q.observe_at) return r;
  if (*q.observe_at < q.now) return absl::InvalidArgumentError("the time observed is before the submission");
  // The clock as a live host runs it: at each wake-up the engine files, up to the time
  // observed, then at that time (one late tick would void a warning meant for earlier).
  for (int step = 0; step < 64; ++step) {
    const Timestamp wake = e.next_wake(Engine::WakeSource::kPetitions);
    if (wake == kNoDeadline || wake > *q.observe_at) break;
    if (auto t = e.tick(wake); !t.ok()) return t.status();
  }
  if (auto t = e.tick(*q.observe_at); !t.ok()) return t.status();
  auto after = e.get(*id);
  if (!after.ok()) return after.status();
  r.ladder_level = after->ladder_level;
  r.current_unit = after->current_unit;
  r.urges = after->urges;
  r.escalations = after->escalations;
  auto history = e.history(*id);
  if (!history.ok()) return history.status();
  for (const Event& ev : *history) {
    if (ev.payload.automatic && (ev.type == EventType::kUrge || ev.type == EventType::kEscalate)) {
      r.last_automatic = ev.payload.reason;
    }
  }
  return r;
}

}  // namespace jiceng::cli
