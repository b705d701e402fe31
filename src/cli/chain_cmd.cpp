// `jiceng chain list|move|transfer|kpi --directory FILE`: a province's district chains over
// several PostgreSQL servers (docs/province.md) — where each chain is and how far it goes,
// moving one to another server with proof, a petition handed to another district, and the
// province's KPIs merged from the districts'.
#include <algorithm>
#include <ctime>
#include <optional>
#include <iostream>
#include <memory>
#include <string>

#include "cli/exit_codes.hpp"
#include "cli/registry.hpp"
#include "jiceng/province.hpp"

namespace jiceng::cli {
namespace {

struct ChainCliOptions {
  std::string directory;
  std::string chain;
  std::string target;
  bool fast = false;
  std::string from, to;
  // transfer
  std::string petition, to_chain, actor, role, actor_unit, reason, location;
  std::int64_t now = 0;
};

int fail(const char* command, const absl::Status& st) {
  std::cerr << "jiceng chain " << command << ": " << st.message() << "\n";
  return exit_code_for(st);
}

int run_list(const ChainCliOptions& o) {
  auto dir = ChainDirectory::load(o.directory);
  if (!dir.ok()) return fail("list", dir.status());
  int rc = kExitOk;
  for (const auto& [chain, server] : dir->entries()) {
    JournalOptions opts;
    opts.read_only = true;
    auto j = Journal::open(*dir->journal_uri(chain), opts);
    if (!j.ok()) {
      std::cerr << "jiceng chain list: " << j.status().message() << "\n";
      rc = std::max(rc, exit_code_for(j.status()));
      continue;
    }
    std::cout << chain << "\tseq " << (*j)->last_seq() << "\thead " << to_hex((*j)->head()) << "\t" << (*j)->path() << "\n";
  }
  return rc;
}

int run_move(const ChainCliOptions& o) {
  auto chain = parse_county_code(o.chain, "CHAIN");
  if (!chain.ok()) return fail("move", chain.status());
  ChainMoveOptions opts;
  opts.verify_states = !o.fast;
  auto r = move_chain(o.directory, *chain, o.target, opts);
  if (!r.ok()) return fail("move", r.status());
  std::cout << "moved chain " << r->chain << ": " << r->events << " events, " << r->snapshots
            << " snapshots, head seq " << r->events << " " << to_hex(r->head) << " verified on the target\n"
            << "from " << r->from << "\nto   " << r->to << "\nappends refused for "
            << absl::ToDoubleSeconds(r->frozen) << " s; " << o.directory << " now names the new server\n";
  return kExitOk;
}

int run_kpi(const ChainCliOptions& o) {
  auto period = parse_kpi_period(o.from, o.to);
  if (!period.ok()) return fail("kpi", period.status());
  JournalOptions opts;
  opts.read_only = true;
  auto set = ProvinceEngines::open(o.directory, opts);
  if (!set.ok()) return fail("kpi", set.status());
  auto districts = (*set)->district_kpis(*period);
  if (!districts.ok()) return fail("kpi", districts.status());
  auto province = merge_kpi_reports(*districts);
  if (!province.ok()) return fail("kpi", province.status());
  std::cout << "{\"province\":" << kpi_report_json(*province) << ",\"districts\":{";
  bool first = true;
  for (const auto& [chain, report] : *districts) {
    std::cout << (first ? "" : ",") << "\"" << chain << "\":" << kpi_report_json(report);
    first = false;
  }
  std::cout << "}}\n";
  return kExitOk;
}

int run_transfer(const ChainCliOptions& o) {
  auto from = parse_county_code(o.chain, "FROM");
  if (!from.ok()) return fail("transfer", from.status());
  auto to = parse_county_code(o.to_chain, "TO");
  if (!to.ok()) return fail("transfer", to.status());
  const std::optional<PetitionId> id = Engine::parse_display_id(o.petition);
  if (!id) {
    return fail("transfer", absl::InvalidArgumentError("ID: expected a petition id like P00000042 or 42, got \"" +
                                                       o.petition + "\""));
  }
  const std::optional<Role> role = parse_role(o.role);
  if (!role) return fail("transfer", absl::InvalidArgumentError("--role: unknown role \"" + o.role + "\""));
  auto set = ProvinceEngines::open(o.directory);
  if (!set.ok()) return fail("transfer", set.status());
  auto giving = (*set)->district(*from);
  if (!giving.ok()) return fail("transfer", giving.status());
  auto view = (*giving)->engine().get(*id);
  if (!view.ok()) return fail("transfer", view.status());
  const Timestamp now = o.now != 0 ? o.now : static_cast<Timestamp>(std::time(nullptr));
  // The transfer_in is the resident's petition in the receiving district, as submitted.
  auto r = (*set)->transfer(*from, *id, *to, Actor{o.actor, *role, o.actor_unit}, Actor{view->petitioner, Role::kResident, ""},
                            o.reason, o.location, now);
  if (!r.ok()) return fail("transfer", r.status());
  std::cout << (r->repeated ? "already transferred: " : "transferred: ") << r->from << " "
            << Engine::display_id(r->out_petition) << " (transfer_out seq " << r->out_seq << ") -> " << r->to << " "
            << Engine::display_id(r->in_petition) << " (transfer_in seq " << r->in_seq << ")\nkey " << r->key << "\n";
  return kExitOk;
}

void add_chain_commands(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ChainCliOptions>();
  CLI::App* chain = app.add_subcommand(
      "chain", "A province's district chains over several PostgreSQL servers: the chain directory, moving a "
               "chain, province KPIs");
  chain->require_subcommand(1);
  const auto directory = [&](CLI::App* c) {
    c->add_option("--directory", o->directory, "the chain directory file: lines of CODE URI")->required();
  };
  CLI::App* list = chain->add_subcommand("list", "Each chain of the directory: its last seq, head hash and server");
  directory(list);
  list->callback([o, &exit_code] { exit_code = run_list(*o); });

  CLI::App* move = chain->add_subcommand(
      "move", "Move a district's chain to another server: freeze, copy events and snapshots, verify on the "
              "target and compare heads, switch the directory, unfreeze");
  directory(move);
  move->add_option("CHAIN", o->chain, "the district's 6-digit county code")->required();
  move->add_option("TARGET", o->target, "the new server's PostgreSQL URI (without chain=)")->required();
  move->add_flag("--fast", o->fast, "verify the copy without re-deriving the snapshots' states");
  move->callback([o, &exit_code] { exit_code = run_move(*o); });

  CLI::App* transfer = chain->add_subcommand(
      "transfer", "Move a petition not yet accepted to another district: transfer_out (a reject naming it) in its "
                  "chain, transfer_in (a submit keyed by that event's seq and hash) in the other; idempotent");
  directory(transfer);
  transfer->add_option("FROM", o->chain, "the giving district's county code")->required();
  transfer->add_option("ID", o->petition, "the petition there (P00000042 or 42)")->required();
  transfer->add_option("TO", o->to_chain, "the receiving district's county code")->required();
  transfer->add_option("--actor", o->actor, "who transfers it out (the giving district's intake)")->required();
  transfer->add_option("--role", o->role, "their role (e.g. district_officer)")->required();
  transfer->add_option("--unit", o->actor_unit, "their unit");
  transfer->add_option("--reason", o->reason, "why it belongs to the other district")->required();
  transfer->add_option("--location", o->location, "where it is in the receiving district (default: as submitted)");
  transfer->add_option("--now", o->now, "the time, UTC seconds (default: now)");
  transfer->callback([o, &exit_code] { exit_code = run_transfer(*o); });

  CLI::App* kpi = chain->add_subcommand(
      "kpi", "The province's KPIs merged from every district of the directory, and each district's, as JSON");
  directory(kpi);
  kpi->add_option("--from", o->from, "first submission day, YYYY-MM-DD (inclusive)");
  kpi->add_option("--to", o->to, "last submission day, YYYY-MM-DD (inclusive)");
  kpi->callback([o, &exit_code] { exit_code = run_kpi(*o); });
}

}  // namespace

JICENG_CLI_COMMAND("chain", add_chain_commands);

}  // namespace jiceng::cli
