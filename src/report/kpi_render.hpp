// The KPI report renderers of the `jiceng report` command: a KpiBundle as aligned
// terminal text, CSV or one self-contained HTML page. An application over the library's
// KPIs, not part of it: the library's (and the C ABI's) form of a report is its JSON
// (kpi_report_json / kpi_bundle_json in jiceng/kpi.hpp), which the page embeds as is.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "jiceng/kpi.hpp"
#include "jiceng/petition.hpp"

namespace jiceng {

/// A bundle rendered as `table` (aligned terminal text), `json` (kpi_bundle_json), `csv`
/// or `html` (one self-contained page, in Chinese). Categories are shown by the names of
/// `policy` (PetitionPolicy::category_name; the policy the journal ran under). Rankings
/// print their minimum of petitions beside them and list the units below it apart.
/// INVALID_ARGUMENT for another format.
absl::StatusOr<std::string> render_kpi_bundle(const KpiBundle& bundle, std::string_view format,
                                              const PetitionPolicy& policy);

}  // namespace jiceng
