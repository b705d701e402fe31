// `jiceng report DB …`: the KPI report (考核报表) of a journal file — one unit's subtree
// over a period, the ranking of one level and the monthly trend, as a terminal table,
// JSON, CSV or a self-contained HTML page.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "cli/exit_codes.hpp"
#include "cli/min_seq.hpp"
#include "cli/registry.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/kpi.hpp"
#include "report/kpi_render.hpp"

namespace jiceng::cli {
namespace {

struct ReportOptions {
  std::string db, unit, from, to, format = "table", out;
  int level = -1;
  MinSeqOptions min_seq;
};

int fail(const absl::Status& st) {
  std::cerr << "jiceng report: " << st.message() << "\n";
  return exit_code_for(st);
}

int run_report(const ReportOptions& o) {
  auto period = parse_kpi_period(o.from, o.to);
  if (!period.ok()) return fail(period.status());
  if (o.level < -1 || o.level > 5) return fail(absl::InvalidArgumentError("--level must be 0..5"));
  if (auto st = check_journal_file(o.db); !st.ok()) return fail(st);
  JournalOptions jo;
  jo.read_only = true;
  jo.create_if_missing = false;
  auto db = open_engine(o.db, jo);
  if (!db.ok()) return fail(absl::Status(db.status().code(), std::string(o.db) + ": " + std::string(db.status().message())));
  if (auto st = await_min_seq(**db, o.min_seq); !st.ok()) return fail(st);
  KpiIndex index((*db)->engine());
  if (auto st = index.update(); !st.ok()) return fail(st);
  auto bundle = build_kpi_bundle(index, o.unit, o.level, *period);
  if (!bundle.ok()) return fail(bundle.status());
  auto text = render_kpi_bundle(*bundle, o.format, (*db)->engine().policy());
  if (!text.ok()) return fail(text.status());
  if (o.out.empty()) {
    std::cout << *text;
    return std::cout.good() ? kExitOk : kExitUsage;
  }
  std::ofstream f(o.out, std::ios::binary);
  f << *text;
  if (!f.good()) return fail(absl::UnavailableError("cannot write " + o.out));
  return 0;
}

void add_report_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand("report", "KPI report 考核报表 of a journal: a subtree, a ranking, a monthly trend");
  cmd->add_option("DB", o->db, "journal: a SQLite file or a postgresql:// URI")->required();
  cmd->add_option("--unit", o->unit, "unit id whose subtree to report (default: everything)");
  cmd->add_option("--level", o->level, "level to rank, 0..5 (default: the level below the unit)");
  cmd->add_option("--from", o->from, "first submission day, YYYY-MM-DD (inclusive)");
  cmd->add_option("--to", o->to, "last submission day, YYYY-MM-DD (inclusive)");
  cmd->add_option("--format", o->format, "table | json | csv | html")
      ->check(CLI::IsMember({"table", "json", "csv", "html"}));
  cmd->add_option("--out", o->out, "write to this file instead of stdout");
  add_min_seq_options(cmd, o->min_seq);
  cmd->callback([o, &exit_code] { exit_code = run_report(*o); });
}

}  // namespace

JICENG_CLI_COMMAND("report", add_report_command);

}  // namespace jiceng::cli
