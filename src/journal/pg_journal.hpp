// Internal: the PostgreSQL journal's entry points for journal.cpp and the tests.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "jiceng/journal.hpp"

namespace jiceng::internal {

/// Opens one chain of a PostgreSQL journal (pg_journal.cpp). FAILED_PRECONDITION saying
/// so when this build has no libpq.
absl::StatusOr<std::unique_ptr<Journal>> open_postgres_journal(const std::string& uri,
                                                               const JournalOptions& options);

/// The chain an org document binds to: the 6-digit code of its root when that root is a
/// county-level unit (区/县 committee whose id is a county division code, not ending in
/// 00); NOT_FOUND when the root is not a county (or there is no single root);
/// INVALID_ARGUMENT when the document does not load.
absl::StatusOr<int> county_chain_of_org(std::string_view org_json);

/// SHA-256("jiceng-journal/3" ‖ be32(chain)): hash(0) of a PostgreSQL chain, so that a row
/// or a chain copied into another district fails verification.
ChainHash chain_genesis(int chain);

/// A PostgreSQL URI as messages show it: the password (user:***@, password=***) hidden.
std::string redact_uri(std::string_view uri);

}  // namespace jiceng::internal
