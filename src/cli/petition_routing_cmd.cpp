// `jiceng petition response|party`: what a petition's resident is shown (答复模板) and who
// answers for a matter inside a compound (四方协同), from the policy in force.
//
//   jiceng petition response DB ID
//   jiceng petition party [DB] --category C --location L [--policy NAME|FILE] [--org FILE]
//
// Registered after `petition` (names sort) and added to it when another area made it.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <boost/json.hpp>

#include "cli/exit_codes.hpp"
#include "cli/min_seq.hpp"
#include "cli/registry.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/org.hpp"
#include "jiceng/policy.hpp"

namespace jiceng::cli {
namespace {

struct RoutingCliOptions {
  std::string db, id, category, location, policy = "national", org;
  MinSeqOptions min_seq;
};

int fail(const std::string& what, const absl::Status& st) {
  std::cerr << "jiceng petition " << what << ": " << st.message() << "\n";
  return exit_code_for(st);
}

absl::StatusOr<std::unique_ptr<DurableEngine>> open_read_only(const std::string& db) {
  if (auto st = check_journal_file(db); !st.ok()) return st;
  JournalOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  return open_engine(db, o);
}

int run_response(const RoutingCliOptions& o) {
  auto id = Engine::parse_display_id(o.id);
  if (!id) {
    return fail("response", absl::InvalidArgumentError("ID: expected a petition id like P00000042 or 42, got \"" +
                                                       o.id + "\""));
  }
  auto d = open_read_only(o.db);
  if (!d.ok()) return fail("response", d.status());
  if (auto st = await_min_seq(**d, o.min_seq); !st.ok()) return fail("response", st);
  auto text = (*d)->engine().response_text(*id);
  if (!text.ok()) return fail("response", text.status());
  std::cout << *text << "\n";
  return kExitOk;
}

int print_party(const Engine& e, const RoutingCliOptions& o) {
  auto r = e.route_party(o.category, o.location);
  if (!r.ok()) return fail("party", r.status());
  boost::json::object j{{"party", to_string(r->party)}, {"party_zh", chinese_name(r->party)},
                        {"listed", to_string(r->listed)}, {"fallback", r->fallback},
                        {"reason", r->reason},             {"compound", r->compound},
                        {"unit", r->unit},                 {"unit_name", r->unit_name}};
  std::cout << boost::json::serialize(j) << "\n";
  return kExitOk;
}

int run_party(const RoutingCliOptions& o) {
  if (!o.db.empty()) {
    auto d = open_read_only(o.db);
    if (!d.ok()) return fail("party", d.status());
    return print_party((*d)->engine(), o);
  }
  // No journal: an engine on the policy named (a built-in set or a file) and an org graph.
  auto e = Engine::create("national");
  if (!e.ok()) return fail("party", e.status());
  std::string policy = o.policy;
  if (policy.find('/') != std::string::npos || policy.ends_with(".json")) {
    auto set = PolicySet::load_file(policy);
    if (!set.ok()) return fail("party", set.status());
    policy = set->to_json();
  }
  if (auto st = (*e)->set_policy(policy, 0); !st.ok()) return fail("party", st);
  std::string org(sample_district_json());
  if (!o.org.empty()) {
    std::ifstream f(o.org, std::ios::binary);
    if (!f) return fail("party", absl::NotFoundError("--org " + o.org + ": cannot open"));
    std::ostringstream ss;
    ss << f.rdbuf();
    org = ss.str();
  }
  if (auto st = (*e)->load_org(org, 0); !st.ok()) return fail("party", st);
  return print_party(**e, o);
}

void add_routing_commands(CLI::App& app, int& exit_code) {
  CLI::App* p = nullptr;
  for (CLI::App* s : app.get_subcommands([](CLI::App*) { return true; })) {
    if (s->get_name() == "petition") p = s;
  }
  if (p == nullptr) {
    p = app.add_subcommand("petition", "Petitions (诉求) in a journal");
    p->require_subcommand(1);
  }
  auto o = std::make_shared<RoutingCliOptions>();
  CLI::App* r = p->add_subcommand("response", "The response text (答复) a petition's resident is shown now");
  r->add_option("DB", o->db, "journal file")->required();
  r->add_option("ID", o->id, "petition id, e.g. P00000042 or 42")->required();
  add_min_seq_options(r, o->min_seq);
  r->callback([o, &exit_code] { exit_code = run_response(*o); });
  CLI::App* q = p->add_subcommand(
      "party", "四方协同: who answers for a matter of a category at a location inside its compound (JSON)");
  q->add_option("DB", o->db, "journal file (its policy and org graph); without it --policy and --org");
  q->add_option("--category", o->category, "category id, e.g. property")->required();
  q->add_option("--location", o->location, "household or unit id")->required();
  q->add_option("--policy", o->policy, "built-in set or policy file (without DB; default national)");
  q->add_option("--org", o->org, "org graph JSON file (without DB; default the bundled sample district)");
  q->callback([o, &exit_code] { exit_code = run_party(*o); });
}

}  // namespace

JICENG_CLI_COMMAND("petition-routing", add_routing_commands);

}  // namespace jiceng::cli
