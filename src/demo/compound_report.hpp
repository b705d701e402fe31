// Internal: 四方协同 in the demo report — report.json's "compound_parties" section, read
// from the petitions located inside residential compounds, and its Chinese section of
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

/// The "compound_parties" section: whether policy dispatch sends compound matters to the
/// answering party (dispatch_to_party), the petitions located inside compounds by the party
/// answering for them (after any fallback), how many were dispatched and how many of those
/// first went to the party's unit, the fallbacks (no tripartite agreement, no owners'
/// committee group), and those first dispatched to an owners' committee group or a property
/// branch the category's own routing would not pick (to_party_beside_grid, a few examples).
absl::StatusOr<boost::json::object> compound_section(const Engine& engine, const District& district);

/// The section's Chinese part of report.html ("" when report.json has none).
std::string compound_html(const boost::json::object& report);

}  // namespace jiceng::demo
