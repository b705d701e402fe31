// demo/demo.hpp — the main job (演示): the embedded default district (默认辖区), shaped by
// the Wuzhong figures of docs/domain.md §9 (15 streets and towns, 115 communities, 826 grid party
// branches, 698 先锋枢纽驿站), one simulated year of resident petitions (诉求) through the
// whole closed loop 民意收集—响应处理—跟踪督促—评估评价 under a policy set, journaled to
// SQLite, and the monthly report an organization department (组织部) reads: KPIs, rankings,
// overdue and escalated counts, policy findings, with report.json, report.html, org and
// workflow diagrams. `jiceng demo` runs it; so can any host.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace jiceng {

/// Progress callback: `done` of `total` steps of the phase named `phase`.
using DemoProgress = std::function<void(std::string_view phase, std::size_t done, std::size_t total)>;

/// What the demo runs. Same options (seed included), same report.json bytes.
struct DemoOptions {
  std::uint64_t seed = 2025;          ///< random seed of the petition stream
  int days = 365;                     ///< simulated days from `start`
  std::string start = "2025-01-01";   ///< first simulated day (China Standard Time)
  std::string policy = "wuzhong";     ///< built-in policy set name, or a policy set file path
  std::string out_dir = "jiceng-demo-out";  ///< where the files go (created when missing)
  /// Petitions per simulated day on average; 0 picks the default (100 a day, 36,500 a year).
  double petitions_per_day = 0;
  /// The journal: empty = `journal.sqlite` in out_dir (made fresh each run); or a
  /// PostgreSQL URI (docs/postgres.md) whose chain — the district's code (320506) unless
  /// the URI names one — must be empty.
  std::string journal;
  bool write_files = true;            ///< false: only compute the report (tests)
  bool render_svg = true;             ///< run Graphviz `dot` for org.svg when installed
  /// 四方协同派单: the demo's district sends a matter inside a residential compound to the
  /// unit of the party answering for it — the policy set's petition.compound_parties with
  /// dispatch_to_party on (the journal records the set so changed); false: the set as it is.
  bool party_dispatch = true;
  /// The journal's snapshot policy by count (SnapshotPolicy::every_events): the engine
  /// writes a snapshot every this many events, so opening the year's journal replays only
  /// the events after the newest. Unset: the library's default (1,000,000); 0: none by
  /// count (the policy's 24-hour trigger, on the wall clock, stays).
  std::optional<std::uint64_t> snapshot_every_events;
  DemoProgress progress;              ///< optional; called from the calling thread
};

/// One file the demo wrote.
struct DemoFile {
  std::string path;         ///< path as written (under out_dir)
  std::string description;  ///< what it holds
  std::string description_zh;  ///< the same in Chinese, for the report page
};

/// What the demo produced.
struct DemoResult {
  std::string report_json;   ///< the machine-readable report (also written to report.json)
  std::string report_text;   ///< the terminal report, UTF-8, lines of at most ~100 columns
  std::string report_html;   ///< the self-contained HTML page (also written to report.html)
  std::vector<DemoFile> files;  ///< files written, in order
  std::string org_dot;          ///< org.svg's source (DOT): the top levels, ended offices drawn
  std::size_t petitions = 0;    ///< petitions submitted
  std::uint64_t events = 0;     ///< events journaled
  std::size_t refused = 0;      ///< commands the engine refused (should be 0: the demo only
                                ///< issues commands the table allows)
};

/// The embedded default district as an org JSON document (docs/org.md format):
/// deterministic, the same bytes on every call.
std::string default_district_json();

/// Runs the main job. INVALID_ARGUMENT for bad options (days outside 1..730, a start date
/// that is not YYYY-MM-DD, a negative rate); NOT_FOUND for an unknown policy; the errors
/// of the engine, journal and file system pass through with their place named.
absl::StatusOr<DemoResult> run_demo(const DemoOptions& options);

}  // namespace jiceng
