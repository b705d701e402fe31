// `--min-seq N [--wait SECONDS]` on the commands that read a journal: read-your-writes
// across servers (docs/postgres.md). A server answers a command with the seq it was given;
// a reader — this command, perhaps against a standby that replays behind the primary —
// answers only once its engine holds that seq (DurableEngine::await_seq), else fails
// naming the seq it reached.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "jiceng/journal.hpp"

namespace jiceng::cli {

struct MinSeqOptions {
  std::uint64_t seq = 0;  // 0: no wait
  double wait = 5.0;      // seconds
};

inline void add_min_seq_options(CLI::App* cmd, MinSeqOptions& o) {
  // Digits only: CLI11 would otherwise read "-1" as the largest seq and wait for it.
  const CLI::Validator seq_digits(
      [](std::string& v) -> std::string {
        if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos) return {};
        return "expected a seq (a whole number, 0 or more), got \"" + v + "\"";
      },
      "SEQ");
  cmd->add_option("--min-seq", o.seq,
                  "answer only once the journal holds this seq (what a server returned after a command)")
      ->check(seq_digits);
  cmd->add_option("--wait", o.wait, "seconds --min-seq waits for the journal to get there (default 5)")
      ->check(CLI::Range(0.0, 3600.0));
}

/// Catches up until `d` holds o.seq; DEADLINE_EXCEEDED naming the seq reached otherwise.
inline absl::Status await_min_seq(DurableEngine& d, const MinSeqOptions& o) {
  if (o.seq == 0) return absl::OkStatus();
  return d.await_seq(o.seq, absl::Milliseconds(std::llround(o.wait * 1000)));
}

}  // namespace jiceng::cli
