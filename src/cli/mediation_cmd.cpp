// `jiceng mediation …`: the mediation loop (调解: 人民调解, 乡音调解, the 信访 track's mediation)
// from the command line — its diagram, permission matrix and table generated from the
// transition table, and commands, queries and mediator suggestions against a journal.
//
//   jiceng mediation diagram | matrix | table
//   jiceng mediation command DB EVENT --actor ID --role ROLE [--unit U] [--item D00000001]
//                            [--payload JSON] [--now EPOCH]
//   jiceng mediation query DB NAME [PARAMS]           (get, list, counts, suggest, mediators, summary)
//   jiceng mediation suggest DB CASE                  (the ranked candidates, one per line)
#include <ctime>
#include <iostream>
#include <memory>
#include <string>

#include "boost/json.hpp"
#include "cli/civic_cli.hpp"
#include "cli/exit_codes.hpp"
#include "cli/min_seq.hpp"
#include "cli/registry.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/mediation.hpp"

namespace jiceng::cli {
namespace {
namespace json = boost::json;

struct MediationCliOptions {
  std::string db, event, name, params, actor, role, unit, item, payload, kase;
  std::int64_t now = 0;
  MinSeqOptions min_seq;
};

int fail(const std::string& what, const absl::Status& st) { return civic::fail("mediation " + what, st); }

int run_artefact(const std::string& which) {
  auto e = Engine::create();
  if (!e.ok()) return fail(which, e.status());
  const LoopTable* t = (*e)->loop_table(kMediationLoop);
  if (t == nullptr) return fail(which, absl::NotFoundError("this library does not host the mediation loop"));
  if (which == "diagram") std::cout << loop_diagram_dot(*t);
  if (which == "matrix") std::cout << loop_permission_matrix(*t);
  if (which == "table") std::cout << loop_table_json(*t) << "\n";
  return kExitOk;
}

int run_command(const MediationCliOptions& o) {
  auto role = parse_role(o.role);
  if (!role) return fail("command", absl::InvalidArgumentError("--role: unknown role \"" + o.role + "\""));
  std::uint64_t item = 0;
  if (!o.item.empty()) {
    std::string digits = o.item;
    if (digits.starts_with("D")) digits.erase(0, 1);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 18) {
      return fail("command", absl::InvalidArgumentError("--item: expected an id like D00000001, got \"" + o.item + "\""));
    }
    item = std::stoull(digits);
  }
  auto d = civic::open_journal(o.db, true);
  if (!d.ok()) return fail("command", d.status());
  LoopCommand c;
  c.event = o.event;
  c.item = item;
  c.payload = o.payload;
  c.actor = Actor{o.actor, *role, o.unit};
  c.now = o.now != 0 ? o.now : static_cast<Timestamp>(std::time(nullptr));
  auto r = (*d)->engine().command(kMediationLoop, c);
  if (!r.ok()) return fail("command", r.status());
  auto got = (*d)->engine().query(kMediationLoop, "get", "{\"item\":" + std::to_string(r->item) + "}");
  if (!got.ok()) return fail("command", got.status());
  json::object out = json::parse(*got).as_object();
  std::cout << json::serialize(json::object{{"id", out["id"]}, {"state", out["state"]}, {"seq", r->seq}}) << "\n";
  return kExitOk;
}

int run_query(const MediationCliOptions& o) {
  auto d = civic::open_journal(o.db);
  if (!d.ok()) return fail("query", d.status());
  if (auto st = await_min_seq(**d, o.min_seq); !st.ok()) return fail("query", st);
  auto r = (*d)->engine().query(kMediationLoop, o.name, o.params);
  if (!r.ok()) return fail("query", r.status());
  std::cout << *r << "\n";
  return kExitOk;
}

int run_suggest(const MediationCliOptions& o) {
  auto d = civic::open_journal(o.db);
  if (!d.ok()) return fail("suggest", d.status());
  if (auto st = await_min_seq(**d, o.min_seq); !st.ok()) return fail("suggest", st);
  auto r = (*d)->engine().query(kMediationLoop, "suggest", json::serialize(json::object{{"item", o.kase}}));
  if (!r.ok()) return fail("suggest", r.status());
  json::object s = json::parse(*r).as_object();
  auto text = [](const json::value& v) { return std::string_view(v.as_string().data(), v.as_string().size()); };
  std::cout << "case " << text(s["case"]) << ", committee " << text(s["committee"])
            << " — a suggestion; the parties may choose or refuse (人民调解法 第十九条、第二十三条)\n";
  int rank = 0;
  for (const auto& v : s["candidates"].as_array()) {
    const auto& c = v.as_object();
    std::cout << ++rank << ". " << text(c.at("mediator")) << " " << text(c.at("name"))
              << "  match " << c.at("match").as_int64() << "  load " << c.at("load").as_int64()
              << (c.at("available").as_bool() ? "" : "  (unavailable)") << "\n";
  }
  if (rank == 0) std::cout << "no candidate (every mediator was refused by a party)\n";
  return kExitOk;
}

void add_mediation_commands(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<MediationCliOptions>();
  CLI::App* m = app.add_subcommand("mediation", "The mediation loop (调解): diagram, matrix, commands and queries");
  m->require_subcommand(1);
  for (const char* which : {"diagram", "matrix", "table"}) {
    const std::string w = which;
    const std::string help = w == "diagram"  ? "Print the Graphviz diagram of the transition table"
                             : w == "matrix" ? "Print the permission matrix (role × scope per state and event)"
                                             : "Print the transition table as JSON";
    m->add_subcommand(w, help)->callback([w, &exit_code] { exit_code = run_artefact(w); });
  }
  CLI::App* cmd = m->add_subcommand("command", "Run one command of the loop against a journal and print the item");
  cmd->add_option("DB", o->db, "journal file")->required();
  cmd->add_option("EVENT", o->event, "event name (establish, refer, assign, seal, ...)")->required();
  cmd->add_option("--actor", o->actor, "actor id")->required();
  cmd->add_option("--role", o->role, "actor role (community_staff, street_officer, resident, ...)")->required();
  cmd->add_option("--unit", o->unit, "actor unit");
  cmd->add_option("--item", o->item, "the committee or case (D00000001); omit for a creating event");
  cmd->add_option("--payload", o->payload, "JSON object (docs/mediation.md lists the fields)");
  cmd->add_option("--now", o->now, "UTC seconds (default: now)");
  cmd->callback([o, &exit_code] { exit_code = run_command(*o); });
  CLI::App* q = m->add_subcommand("query", "Run a query (get, list, counts, suggest, mediators, summary) on a journal");
  q->add_option("DB", o->db, "journal file")->required();
  q->add_option("NAME", o->name, "query name")->required();
  q->add_option("PARAMS", o->params, "JSON object of parameters");
  add_min_seq_options(q, o->min_seq);
  q->callback([o, &exit_code] { exit_code = run_query(*o); });
  CLI::App* s = m->add_subcommand("suggest", "Rank a case's mediators by dialect / home-region match, load, availability");
  s->add_option("DB", o->db, "journal file")->required();
  s->add_option("CASE", o->kase, "case id (D00000002)")->required();
  add_min_seq_options(s, o->min_seq);
  s->callback([o, &exit_code] { exit_code = run_suggest(*o); });
}

}  // namespace

JICENG_CLI_COMMAND("mediation", add_mediation_commands);

}  // namespace jiceng::cli
