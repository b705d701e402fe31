// Internal: the parts of the main job, split so that no translation unit needs both
// org.hpp and calendar.hpp (they declare different `jiceng::Date` types).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "demo/district.hpp"
#include "demo/demo.hpp"

namespace jiceng {
class Engine;
class PolicySet;
}

namespace jiceng::demo {

/// What the org graph says about the district (from OrgGraph, org.hpp).
struct OrgFacts {
  std::size_t units = 0, links = 0, members = 0, households = 0;
  std::vector<std::pair<std::string, std::size_t>> per_kind;  ///< kind name, count (non-zero)
  std::vector<std::string> grids_without_station;             ///< warning
  struct Compound {
    std::string compound, unit;
    std::size_t party_members = 0;
  };
  std::vector<Compound> compounds_without_branch;              ///< error
  std::vector<std::string> units_without_secretary;            ///< error
  std::string dot;  ///< Graphviz DOT of the district's top levels
  std::string summary_text;   ///< OrgGraph::summary_text
  std::string coverage_text;  ///< OrgGraph::coverage_text (a few listed per finding)
};

/// Loads the district into an OrgGraph and reads its coverage report and DOT.
absl::StatusOr<OrgFacts> org_facts(const District& district);
/// `dot` (the org diagram) with the offices the yearly review ended (commitments `offices`)
/// drawn as ended posts beside their communities.
absl::StatusOr<std::string> with_ended_offices(std::string dot, const Engine& engine);

/// What the simulation did, beyond what the engine records.
struct SimStats {
  std::size_t submitted = 0;             ///< petitions created
  std::size_t retries_absorbed = 0;      ///< resubmissions with a known idempotency key
  std::size_t refused = 0;               ///< commands the engine refused
  std::map<std::string, std::size_t> refusals;  ///< first messages, by message (at most 20 kept)
  std::map<std::string, std::size_t> commands;  ///< commands issued by the demo, by event name
  std::size_t ticks = 0;
  std::size_t tick_urged = 0, tick_overdue = 0, tick_escalated = 0, tick_closed = 0;
  // Residents' participation: submissions the engine found possible duplicates for (疑似重复),
  // supports given (附议), merges (合并), returns as not ours naming a unit or an outside body.
  std::size_t duplicates_suggested = 0, supports = 0, merges = 0, not_ours_unit = 0, not_ours_external = 0;
  /// 撤回附议: supports the demo gave, taken back (a withdrawal at a kept petition also takes
  /// back the resident's supports at the petitions merged into it)
  std::size_t support_withdrawals = 0;
  std::string first_day, last_day;       ///< YYYY-MM-DD
};

/// Runs the petition year on `engine` (org and policy already loaded).
absl::StatusOr<SimStats> simulate(Engine& engine, const District& district, const DemoOptions& options);

struct LoopPartReport;  // demo/loop_parts.hpp

/// Builds report.json (and the text report) from the engine (KPIs through kpi.hpp), the
/// org facts and the policy findings.
struct ReportParts {
  std::string json;
  std::string text;
};
absl::StatusOr<ReportParts> build_report(const Engine& engine, const PolicySet& set, const District& district,
                                         const OrgFacts& org, const SimStats& sim, const DemoOptions& options,
                                         const std::vector<DemoFile>& files,
                                         const std::vector<LoopPartReport>& loop_reports);

/// The self-contained HTML page of a report.json document (inline SVG charts).
absl::StatusOr<std::string> render_html(const std::string& report_json);

}  // namespace jiceng::demo
