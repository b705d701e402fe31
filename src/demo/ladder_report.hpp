// Internal: the escalation ladder's part of the demo report (督办阶梯) — report.json's
// "escalation_ladder" section, read from the engine's events, and its Chinese section of
// report.html, drawn from report.json alone.
#pragma once

#include <string>

#include <boost/json.hpp>

#include "absl/status/statusor.h"
#include "demo/district.hpp"

namespace jiceng {
class Engine;
}

namespace jiceng::demo {

/// The "escalation_ladder" section: the ladder in force, each rung's firings (warnings =
/// the clock's automatic urges, reassignments = its automatic escalations), the highest
/// level each petition reached, open petitions by their level at the end, and firings per
/// street (by where each petition is located).
absl::StatusOr<boost::json::object> ladder_section(const Engine& engine, const District& district);

/// The section's Chinese part of report.html ("" when report.json has none).
std::string ladder_html(const boost::json::object& report);

}  // namespace jiceng::demo
