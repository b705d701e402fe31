// Engine scenarios shared by the journal tests and the crash-test child: actors on the
// bundled sample district and a petition's whole closed loop, command by command.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "jiceng/engine.hpp"

namespace jiceng::test {

/// 2024-06-03 09:00 China time, a Monday.
inline constexpr Timestamp kT0 = 1717376400;

inline Actor resident(const std::string& id) { return Actor{id, Role::kResident, ""}; }
/// A district officer at the root: in scope for every unit of the sample district.
inline Actor officer() { return Actor{"D-officer", Role::kDistrictOfficer, "320506"}; }

inline EventPayload submission(const std::string& petitioner, const std::string& key, int n) {
  EventPayload p;
  p.petitioner = petitioner;
  p.contact = Contact{"张三", "13812345678"};
  p.location = n % 2 == 0 ? "H-G01B01-0101" : "H-G01B01-0202";
  p.category = n % 3 == 0 ? "property" : "noise";
  p.channel = static_cast<Channel>(n % 7);
  p.text = absl::StrCat("楼道灯坏了 #", n);
  p.idempotency_key = key;
  return p;
}

/// The bundled sample district, read from the source tree (data/sample-district.json).
inline const std::string& sample_district() {
  static const std::string text = [] {
    std::ifstream in(JICENG_SOURCE_DIR "/data/sample-district.json", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }();
  return text;
}

/// Loads the sample district (the first configuration event after the policy).
inline absl::Status load_sample(Engine& e) {
  if (sample_district().empty()) return absl::NotFoundError("data/sample-district.json is missing");
  return e.load_org(sample_district(), kT0);
}

/// Submits petition `n` and takes it `steps` commands along the loop: accept, dispatch
/// (routed), sign, resolve, evaluate. Returns the first error.
inline absl::StatusOr<PetitionId> lifecycle(Engine& e, int n, int steps, Timestamp t,
                                            const std::string& key = "") {
  const std::string who = absl::StrCat("R", n % 50);
  JICENG_ASSIGN_OR_RETURN(PetitionId id, e.submit(resident(who), submission(who, key, n), t));
  if (steps > 0) JICENG_RETURN_IF_ERROR(e.accept(officer(), id, t + 60));
  if (steps > 1) JICENG_RETURN_IF_ERROR(e.dispatch(officer(), id, "", false, t + 120));
  if (steps > 2) JICENG_RETURN_IF_ERROR(e.sign(officer(), id, t + 180));
  if (steps > 3) JICENG_RETURN_IF_ERROR(e.resolve(officer(), id, "已修复", t + 240));
  if (steps > 4) {
    Evaluation ev;
    ev.satisfaction = n % 4 == 0 ? Satisfaction::kBasicallySatisfied : Satisfaction::kSatisfied;
    JICENG_RETURN_IF_ERROR(e.evaluate(officer(), id, ev, t + 300));  // 回访 on the resident's behalf
  }
  return id;
}

}  // namespace jiceng::test
