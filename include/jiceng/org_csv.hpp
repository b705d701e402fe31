// jiceng/org_csv.hpp — your own organization from a spreadsheet (组织架构导入): one unit
// per CSV row, turned into the org JSON document that OrgGraph::load_json reads, checked
// by loading it, with every error pointing at the CSV line and column. docs/org-import.md
// describes the columns.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "jiceng/org.hpp"

namespace jiceng {

/// What an import produced.
struct OrgCsvImport {
  std::string json;   ///< the org JSON document ({"schema", "units": [...]}), loadable by load_json
  std::size_t units;  ///< rows read (one unit each)
};

/// Reads CSV text with a header row naming the columns `id`, `name`, `kind`, `parent`
/// (required, in any order) and `level`, `schema` (optional):
/// - `parent` is empty for the root (and only there);
/// - `level` may be left out or empty: a tree kind sits at its fixed level, a unit beside
///   the tree at its parent's level plus one; a level that is given must match;
/// - ids are any text without control characters, e.g. 12-digit statistical division
///   codes (统计用区划代码) such as 320506001001.
/// Quoted fields ("a, b", "say ""hi""") and a UTF-8 byte-order mark are accepted. The
/// result is loaded into a scratch graph before it is returned, so an error in any row —
/// an unknown kind, a missing parent, a kind that may not sit under its parent in the
/// schema, a duplicate id — is INVALID_ARGUMENT (NOT_FOUND for a missing parent)
/// "<source>: line L, column C (<column>): <reason>", and nothing is produced.
/// `schema` is the document's level schema (default urban_grid).
absl::StatusOr<OrgCsvImport> org_json_from_csv(std::string_view csv, std::string_view source_name,
                                               AreaSchema schema = AreaSchema::kUrbanGrid);

}  // namespace jiceng
