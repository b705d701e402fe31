// `jiceng whatif JOURNAL --policy NAME|FILE --out DIR`: policy what-if replay (政策推演) —
// the journal's recorded commands under the recorded policy and under another, compared;
// whatif.json and whatif.html go to DIR, written only when the whole run succeeded.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "cli/exit_codes.hpp"
#include "cli/registry.hpp"
#include "jiceng/whatif.hpp"
#include "report/whatif_html.hpp"

namespace jiceng::cli {
namespace {

struct WhatIfCliOptions {
  std::string journal, policy, from, to, out;
  std::size_t top = 20;
};

int fail(const absl::Status& st) {
  std::cerr << "jiceng whatif: " << st.message() << "\n";
  return exit_code_for(st);
}

// Writes `text` to `dir/name` through a temporary file renamed into place.
absl::Status write_file(const std::filesystem::path& dir, const std::string& name, const std::string& text) {
  const auto final_path = dir / name;
  const auto tmp = dir / (name + ".tmp");
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f.good()) return absl::UnavailableError("cannot write " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, final_path, ec);
  if (ec) return absl::UnavailableError("cannot write " + final_path.string() + ": " + ec.message());
  return absl::OkStatus();
}

int run_whatif_cli(const WhatIfCliOptions& o) {
  auto period = parse_kpi_period(o.from, o.to);
  if (!period.ok()) return fail(period.status());
  if (auto st = check_journal_file(o.journal); !st.ok()) return fail(st);
  WhatIfOptions w;
  w.policy = o.policy;
  w.period = *period;
  w.largest_changes = o.top;
  auto result = run_whatif(o.journal, w);
  if (!result.ok()) return fail(result.status());
  auto html = report::render_whatif_html(result->json);
  if (!html.ok()) return fail(html.status());
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec) return fail(absl::UnavailableError("cannot create " + o.out + ": " + ec.message()));
  if (auto st = write_file(o.out, "whatif.json", result->json); !st.ok()) return fail(st);
  if (auto st = write_file(o.out, "whatif.html", *html); !st.ok()) return fail(st);
  const auto line = [](const char* label, const WhatIfSideSummary& s) {
    std::cout << label << s.policy << ": " << s.commands << " commands replayed, " << s.refused << " refused, "
              << s.diverged << " petitions diverged, " << s.deadlines_missed << " missed a deadline, " << s.escalated
              << " escalated\n";
  };
  line("baseline ", result->baseline);
  line("variant  ", result->variant);
  std::cout << "wrote " << (std::filesystem::path(o.out) / "whatif.json").string() << " and whatif.html\n";
  return kExitOk;
}

void add_whatif_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<WhatIfCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "whatif", "Policy what-if 政策推演: replay a journal's commands under another policy set and compare "
                "KPIs, rankings, missed deadlines, escalations and refusals with the recorded policy");
  cmd->add_option("JOURNAL", o->journal, "journal file (SQLite)")->required();
  cmd->add_option("--policy", o->policy, "the variant: a built-in policy set name or a policy set JSON file")
      ->required();
  cmd->add_option("--from", o->from, "first day replayed and compared, YYYY-MM-DD (earlier events apply as recorded)");
  cmd->add_option("--to", o->to, "last day replayed and compared, YYYY-MM-DD (inclusive)");
  cmd->add_option("--out", o->out, "folder for whatif.json and whatif.html (created when missing)")->required();
  cmd->add_option("--top", o->top, "how many of the largest per-unit changes to list")->capture_default_str();
  cmd->callback([o, &exit_code] { exit_code = run_whatif_cli(*o); });
}

}  // namespace

JICENG_CLI_COMMAND("whatif", add_whatif_command);

}  // namespace jiceng::cli
