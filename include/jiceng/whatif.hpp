// jiceng/whatif.hpp — policy what-if replay (政策推演): "what would this journal's year have
// looked like under another rule?"
//
// The journal's recorded *commands* (petition commands and hosted-loop commands, with their
// actors and times) are run again in two fresh engines with the same org graph and calendar
// (the recorded configuration events): the *baseline* under the recorded policy and the
// *variant* under another policy set. Each engine's clock ticks at every recorded command's
// time and at its own wake-ups (its deadlines, urges, escalations, evaluation windows), so
// the recorded clock events are not copied: each engine's clock decides them under its own
// rules. Comparing the two isolates the policy's effect: the replay method is the same on
// both sides.
//
// Recorded petition ids map to the ids each engine gives. A command an engine refuses (a
// limit, a cap, a ceiling, or routing that sent the petition elsewhere so the recorded
// actor no longer holds it) marks that petition *diverged* on that side, with the first
// refused command and its reason; the run goes on with the next command.
//
// With a period (`from`, `to`) the events before `from` are applied as recorded to both
// engines (the state the rule change meets), the variant's policy takes effect at the
// first event on or after `from`, commands up to the end of `to` are replayed and the KPIs
// cover the petitions submitted in the period.
//
// The result's JSON has the keys `baseline`, `variant` and `diff`; the same journal and
// options give the same bytes. docs/whatif.md describes every member and worked examples.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "jiceng/kpi.hpp"

namespace jiceng {

/// What to replay and under which rule.
struct WhatIfOptions {
  /// The variant policy set: a built-in set name (e.g. "national") or a policy set file
  /// (whose `extends` resolves as PolicySet::load_file does).
  std::string policy;
  /// Submission days compared and commands replayed; open bounds = the whole journal.
  KpiPeriod period;
  /// How many of the largest per-unit changes `diff.largest_changes` lists.
  std::size_t largest_changes = 20;
};

/// The headline figures of one side (the JSON holds everything).
struct WhatIfSideSummary {
  std::string policy;               ///< the policy set's name
  std::uint64_t commands = 0;       ///< recorded commands replayed (petition and loop)
  std::uint64_t refused = 0;        ///< of which refused
  std::uint64_t diverged = 0;       ///< petitions with at least one refused command
  std::uint64_t deadlines_missed = 0;  ///< petitions marked overdue at least once (KPI ever_overdue)
  std::uint64_t escalated = 0;      ///< petitions escalated at least once (KPI escalated)
  std::uint64_t events = 0;         ///< events the engine recorded
};

/// The outcome of a what-if run.
struct WhatIfResult {
  WhatIfSideSummary baseline;  ///< the recorded policy
  WhatIfSideSummary variant;   ///< the variant policy
  std::string json;            ///< {"baseline": …, "variant": …, "diff": …}, deterministic
};

/// Replays the journal at `journal_path` (a SQLite file or PostgreSQL URI, opened read-only;
/// its whole hash chain is verified while reading) under the recorded and the variant
/// policy and compares them. Errors: NOT_FOUND for a missing journal or an unknown policy
/// name; INVALID_ARGUMENT for an empty or malformed policy, a bad period, a file that is
/// not a journal; DATA_LOSS naming the seq for a journal whose chain does not verify
/// (tampering); FAILED_PRECONDITION when a recorded configuration event does not apply
/// under the variant (named by seq). Nothing is written anywhere.
absl::StatusOr<WhatIfResult> run_whatif(const std::string& journal_path, const WhatIfOptions& options);

}  // namespace jiceng
