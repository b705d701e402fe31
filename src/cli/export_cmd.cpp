// `jiceng export open311 DB --out DIR`: petitions as Open311 GeoReport v2 service
// requests (requests.json) and categories as services (services.json), personal data
// masked unless --raw.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "cli/civic_cli.hpp"
#include "cli/exit_codes.hpp"
#include "cli/min_seq.hpp"
#include "cli/registry.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/open311.hpp"

namespace jiceng::cli {
namespace {

struct ExportOptions {
  std::string db, out;
  bool raw = false;
  MinSeqOptions min_seq;
};

int fail(std::string_view what, int code = kExitUsage) {
  std::cerr << "jiceng export open311: " << what << "\n";
  return code;
}

bool write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text << "\n";
  return f.good();
}

int run_open311(const ExportOptions& o) {
  auto db = civic::open_journal(o.db);
  if (!db.ok()) return fail(std::string(db.status().message()), exit_code_for(db.status()));
  if (auto st = await_min_seq(**db, o.min_seq); !st.ok()) return fail(std::string(st.message()), exit_code_for(st));
  Open311Options opts;
  opts.raw_personal_data = o.raw;
  auto ex = export_open311((*db)->engine(), opts);
  if (!ex.ok()) return fail(std::string(ex.status().message()), exit_code_for(ex.status()));
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec) return fail("cannot create " + o.out + ": " + ec.message());
  const std::filesystem::path dir(o.out);
  if (!write_file(dir / "requests.json", ex->requests_json)) return fail("cannot write " + (dir / "requests.json").string());
  if (!write_file(dir / "services.json", ex->services_json)) return fail("cannot write " + (dir / "services.json").string());
  std::cout << "wrote " << ex->requests << " requests to " << (dir / "requests.json").string() << " and "
            << ex->services << " services to " << (dir / "services.json").string() << "\n";
  return 0;
}

void add_export_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* exp = app.add_subcommand("export", "Export data in open formats");
  exp->require_subcommand(1);
  CLI::App* cmd = exp->add_subcommand("open311", "Open311 GeoReport v2: requests.json and services.json");
  cmd->add_option("DB", o->db, "journal: a SQLite file or a postgresql:// URI")->required();
  cmd->add_option("--out", o->out, "output folder")->required();
  cmd->add_flag("--raw", o->raw, "do not mask personal data (phone numbers in texts)");
  add_min_seq_options(cmd, o->min_seq);
  cmd->callback([o, &exit_code] { exit_code = run_open311(*o); });
}

}  // namespace

JICENG_CLI_COMMAND("export", add_export_command);

}  // namespace jiceng::cli
