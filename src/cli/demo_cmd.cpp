// `jiceng demo`: the main job — build the embedded default district (吴中区, the figures
// of docs/domain.md §9), run a year of petitions through the whole loop under a policy set, journaled
// to SQLite, and print the report an organization department reads; files go to --out.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/exit_codes.hpp"
#include "cli/registry.hpp"
#include "demo/demo.hpp"

namespace jiceng::cli {
namespace {

// A one-line progress bar on stderr, redrawn at most every 1% and on phase changes.
class ProgressBar {
 public:
  void operator()(std::string_view phase, std::size_t done, std::size_t total) {
    const int pct = total == 0 ? 100 : static_cast<int>(100 * done / total);
    if (phase == phase_ && pct == last_) return;
    if (phase != phase_ && !phase_.empty()) std::fputc('\n', stderr);
    phase_ = std::string(phase);
    last_ = pct;
    constexpr int kWidth = 40;
    const int filled = pct * kWidth / 100;
    std::fprintf(stderr, "\r  %-22s [%s%s] %3d%%", phase_.c_str(), std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), pct);
    std::fflush(stderr);
  }
  void finish() {
    if (!phase_.empty()) std::fputs("\n\n", stderr);
  }

 private:
  std::string phase_;
  int last_ = -1;
};

void add_demo(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<DemoOptions>();
  auto quiet = std::make_shared<bool>(false);
  CLI::App* demo = app.add_subcommand(
      "demo", "The main job: a year of petitions in the embedded default district (吴中区), with its report");
  demo->add_option("--seed", opts->seed, "Random seed of the petition stream (same seed, same report.json)")
      ->capture_default_str();
  demo->add_option("--days", opts->days, "Days to simulate (1-730)")->capture_default_str();
  demo->add_option("--start", opts->start, "First day, YYYY-MM-DD")->capture_default_str();
  demo->add_option("--policy", opts->policy, "Policy set: a built-in name or a policy JSON file")
      ->capture_default_str();
  demo->add_option("--out", opts->out_dir, "Folder for report.json, report.html, diagrams and the journal")
      ->capture_default_str();
  demo->add_option("--journal", opts->journal,
                   "Journal on PostgreSQL: a postgresql:// URI (default: journal.sqlite in --out)");
  demo->add_option("--rate", opts->petitions_per_day, "Petitions per day on average (0 = the default, 100)");
  auto no_party = std::make_shared<bool>(false);
  demo->add_flag("--no-party-dispatch", *no_party,
                 "Keep the policy set's dispatch_to_party (by default the demo sends compound matters to the "
                 "answering party, 四方协同派单)");
  auto snapshot_every = std::make_shared<std::optional<std::uint64_t>>();
  demo->add_option("--snapshot-every", *snapshot_every,
                   "Write a journal snapshot every N events (default: the library's 1,000,000; 0: none by "
                   "count), so opening the journal replays only what follows the newest");
  demo->add_flag("--quiet,-q", *quiet, "No progress bar");
  demo->callback([opts, quiet, no_party, snapshot_every, &exit_code] {
    DemoOptions o = *opts;
    o.party_dispatch = !*no_party;
    o.snapshot_every_events = *snapshot_every;
    ProgressBar bar;
    const bool tty = !*quiet && ::isatty(STDERR_FILENO) == 1;
    if (tty) o.progress = [&bar](std::string_view p, std::size_t d, std::size_t t) { bar(p, d, t); };
    const auto t0 = std::chrono::steady_clock::now();
    absl::StatusOr<DemoResult> r = run_demo(o);
    if (tty) bar.finish();
    if (!r.ok()) {
      std::cerr << "jiceng demo: " << r.status().message() << "\n";
      exit_code = exit_code_for(r.status());
      return;
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << r->report_text;
    std::fprintf(stdout, "\n完成，用时 %.1f 秒。\n", secs);
    std::fflush(stdout);
    exit_code = 0;
  });
}

}  // namespace
}  // namespace jiceng::cli

JICENG_CLI_COMMAND("demo", jiceng::cli::add_demo);
