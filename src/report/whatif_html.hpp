// The page of `jiceng whatif` (whatif.html): a what-if comparison (jiceng/whatif.hpp) in
// Chinese, self-contained — the headline figures, a bar chart and a table of the largest
// per-unit changes, the streets' rankings and the petitions that diverged. An application
// over the library's JSON, like the KPI report renderers.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace jiceng::report {

/// whatif.html from the JSON of run_whatif. INVALID_ARGUMENT when `whatif_json` is not
/// such a document.
absl::StatusOr<std::string> render_whatif_html(const std::string& whatif_json);

}  // namespace jiceng::report
