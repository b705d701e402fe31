// Internal: each hosted loop's part of the demo year. A loop adds one file,
// src/demo/<loop>_part.cpp, defining its LoopPart, and one line in loop_parts()
// (src/demo/loop_parts.cpp); run_demo runs the parts after the petition year (so a part can
// refer the year's petitions), journals their commands like every other, writes each hosted
// loop's workflow diagram from its table, and puts each part's sections into report.json
// (before "findings") and its Chinese section into report.html.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "absl/status/statusor.h"
#include "demo/internal.hpp"

#include "jiceng/loop.hpp"

namespace jiceng {
class Engine;
}

namespace jiceng::demo {

/// What a loop's part of the year produced.
struct LoopPartReport {
  /// report.json sections, in order: key → value (keys unique across parts).
  std::vector<std::pair<std::string, boost::json::value>> sections;
  /// Lines for the terminal report (each ending in '\n'; may be empty).
  std::string text;
  /// Commands the part issued, and those the engine refused on purpose (an overspend, a
  /// matter put to the wrong body): shown in its own section, not counted as the year's
  /// refusals (SimStats::refused stays "commands the table should have allowed").
  std::size_t commands = 0, refused_on_purpose = 0;
};

/// One loop's part of the demo.
struct LoopPart {
  std::string_view loop;  ///< the hosted loop's name (or names, "projects+fund")
  /// Runs the loop's year on `engine` after the petition year (org and policy loaded; the
  /// year's petitions in the engine). Commands the engine refuses unexpectedly go into
  /// `sim.refused` / `sim.refusals` like the petition year's.
  absl::StatusOr<LoopPartReport> (*run)(Engine& engine, const District& district,
                                        const DemoOptions& options, SimStats& sim);
  /// The part's Chinese section(s) of report.html (an <h2> and what follows), drawn from
  /// report.json's root — so the page depends only on report.json. Empty when absent.
  std::string (*html)(const boost::json::object& report);
};

/// One command of `loop` with a JSON payload (an empty object sends no payload): what
/// every part issues, each counting accepted and refused commands its own way.
absl::StatusOr<LoopOutcome> loop_command(Engine& engine, std::string_view loop, std::string_view event,
                                         std::uint64_t item, const Actor& actor, Timestamp now,
                                         const boost::json::object& payload);

/// The Chinese names of `loop`'s states, {state: zh}, from its table (empty when the engine
/// does not host it): a part puts them into its report.json section as "state_zh", so that
/// its page shows states by name without a second dictionary.
boost::json::object state_names(const Engine& engine, std::string_view loop);

/// `names[code]` of a section's name map (e.g. "state_zh"), or the code itself when the map
/// lacks it (a gap the demo's test of the page finds).
std::string zh_of(const boost::json::object& section, std::string_view map, std::string_view code);

/// Every loop's part, in the order they run.
std::span<const LoopPart> loop_parts();

/// Runs every part in order (with progress), returning their reports in the same order.
absl::StatusOr<std::vector<LoopPartReport>> run_loop_parts(Engine& engine, const District& district,
                                                           const DemoOptions& options,
                                                           SimStats& sim);

/// The HTML sections of every part, in order, from report.json's root.
std::string loop_parts_html(const boost::json::object& report);

}  // namespace jiceng::demo
