// `jiceng petition …`: residents' participation in the petition loop against a journal —
// one petition as JSON, the needs list (需求清单) ranked by priority, suggested duplicates,
// and the participation commands recorded in the journal: 附议 and its withdrawal, 合并, and
// a return as not ours (非本单位职责); what a petition's resident is shown (答复模板) and who
// answers for a matter inside a compound (四方协同), from the policy in force.
//
//   jiceng petition show DB ID
//   jiceng petition needs DB [--unit U] [--limit N]
//   jiceng petition duplicates DB ID
//   jiceng petition do DB EVENT ID --actor ID --role ROLE [--unit U] [--now EPOCH]
//       EVENT: support | withdraw_support | merge --into ID
//            | return_not_ours (--competent-unit U | --external-body NAME) --reason TEXT
//   jiceng petition response DB ID
//   jiceng petition party [DB] --category C --location L [--policy NAME|FILE] [--org FILE] [--min-seq N]
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <boost/json.hpp>

#include "cli/civic_cli.hpp"
#include "cli/exit_codes.hpp"
#include "cli/min_seq.hpp"
#include "cli/registry.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/org.hpp"
#include "jiceng/policy.hpp"

namespace jiceng::cli {
namespace {

struct PetitionCliOptions {
  std::string db, id, unit, event, actor, role, actor_unit, into, competent_unit, external_body, reason;
  std::string category, location, policy = "national", org;
  std::size_t limit = 0;
  std::int64_t now = 0;
  MinSeqOptions min_seq;
};

int fail(const std::string& what, const absl::Status& st) { return civic::fail("petition " + what, st); }

absl::StatusOr<PetitionId> petition_id(const std::string& text, std::string_view option) {
  auto id = Engine::parse_display_id(text);
  if (!id) {
    return absl::InvalidArgumentError(
        std::string(option) + ": expected a petition id like P00000042 or 42, got \"" + text + "\"");
  }
  return *id;
}

// One petition of the journal (opened read-only), printed as `read` gives it.
int print_one(const PetitionCliOptions& o, const std::string& what,
              const std::function<absl::StatusOr<std::string>(const Engine&, PetitionId)>& read) {
  auto id = petition_id(o.id, "ID");
  if (!id.ok()) return fail(what, id.status());
  auto d = civic::open_journal(o.db);
  if (!d.ok()) return fail(what, d.status());
  if (auto st = await_min_seq(**d, o.min_seq); !st.ok()) return fail(what, st);
  auto text = read((*d)->engine(), *id);
  if (!text.ok()) return fail(what, text.status());
  std::cout << *text << "\n";
  return kExitOk;
}

int run_show(const PetitionCliOptions& o) {
  return print_one(o, "show", [](const Engine& e, PetitionId id) { return e.export_json(id); });
}

int run_needs(const PetitionCliOptions& o) {
  auto d = civic::open_journal(o.db);
  if (!d.ok()) return fail("needs", d.status());
  if (auto st = await_min_seq(**d, o.min_seq); !st.ok()) return fail("needs", st);
  const Engine& e = (*d)->engine();
  QueryOptions q;
  q.limit = o.limit;
  auto ids = e.needs_list(o.unit, q);
  if (!ids.ok()) return fail("needs", ids.status());
  std::cout << "rank\tpetition\tpriority\tsupporters\tcategory\tstate\tlocation_unit\n";
  int rank = 0;
  for (PetitionId id : *ids) {
    auto v = e.get(id);
    if (!v.ok()) return fail("needs", v.status());
    std::cout << ++rank << "\t" << v->display_id << "\t" << v->priority << "\t" << v->supporters << "\t"
              << v->category << "\t" << to_string(v->state) << "\t" << v->location_unit << "\n";
  }
  return kExitOk;
}

int run_duplicates(const PetitionCliOptions& o) {
  auto id = petition_id(o.id, "ID");
  if (!id.ok()) return fail("duplicates", id.status());
  auto d = civic::open_journal(o.db);
  if (!d.ok()) return fail("duplicates", d.status());
  if (auto st = await_min_seq(**d, o.min_seq); !st.ok()) return fail("duplicates", st);
  const Engine& e = (*d)->engine();
  auto ids = e.duplicates(*id);
  if (!ids.ok()) return fail("duplicates", ids.status());
  std::cout << "suggested duplicates of " << Engine::display_id(*id)
            << " (a suggestion: merge decides)\npetition\tstate\tsupporters\tsubmitted_at\tlocation_unit\n";
  for (PetitionId x : *ids) {
    auto v = e.get(x);
    if (!v.ok()) return fail("duplicates", v.status());
    std::cout << v->display_id << "\t" << to_string(v->state) << "\t" << v->supporters << "\t" << v->submitted_at
              << "\t" << v->location_unit << "\n";
  }
  return kExitOk;
}

int run_do(const PetitionCliOptions& o) {
  const bool merge = o.event == "merge", not_ours = o.event == "return_not_ours";
  auto type = parse_event_type(o.event);
  if (!merge && !not_ours && (!type || !find_participation(*type))) {
    return fail("do", absl::InvalidArgumentError("EVENT: \"" + o.event +
                                                 "\" is not support, withdraw_support, merge or return_not_ours"));
  }
  auto role = parse_role(o.role);
  if (!role) return fail("do", absl::InvalidArgumentError("--role: unknown role \"" + o.role + "\""));
  auto id = petition_id(o.id, "ID");
  if (!id.ok()) return fail("do", id.status());
  PetitionId into = kNoPetition;
  if (merge) {
    auto i = petition_id(o.into, "--into");
    if (!i.ok()) return fail("do", i.status());
    into = *i;
  }
  auto d = civic::open_journal(o.db, true);
  if (!d.ok()) return fail("do", d.status());
  Engine& e = (*d)->engine();
  const Timestamp now = o.now != 0 ? o.now : static_cast<Timestamp>(std::time(nullptr));
  const Actor actor{o.actor, *role, o.actor_unit};
  absl::Status r = merge      ? e.merge(actor, *id, into, now)
                   : not_ours ? e.return_not_ours(actor, *id, o.competent_unit, o.external_body, o.reason, now)
                              : e.execute(actor, *type, *id, EventPayload{}, now).status();
  if (!r.ok()) return fail("do", r);
  auto v = e.get(*id);
  if (!v.ok()) return fail("do", v.status());
  std::cout << v->display_id << "\t" << to_string(v->state) << "\tsupporters " << v->supporters << "\tpriority "
            << v->priority << "\tseq " << e.last_seq() << "\n";
  return kExitOk;
}

int run_response(const PetitionCliOptions& o) {
  return print_one(o, "response", [](const Engine& e, PetitionId id) { return e.response_text(id); });
}

int print_party(const Engine& e, const PetitionCliOptions& o) {
  auto r = e.route_party(o.category, o.location);
  if (!r.ok()) return fail("party", r.status());
  boost::json::object j{{"party", to_string(r->party)}, {"party_zh", chinese_name(r->party)},
                        {"listed", to_string(r->listed)}, {"fallback", r->fallback},
                        {"reason", r->reason},             {"compound", r->compound},
                        {"unit", r->unit},                 {"unit_name", r->unit_name}};
  std::cout << boost::json::serialize(j) << "\n";
  return kExitOk;
}

int run_party(const PetitionCliOptions& o) {
  if (!o.db.empty()) {
    auto d = civic::open_journal(o.db);
    if (!d.ok()) return fail("party", d.status());
    if (auto st = await_min_seq(**d, o.min_seq); !st.ok()) return fail("party", st);
    return print_party((*d)->engine(), o);
  }
  if (o.min_seq.seq != 0) {
    return fail("party", absl::InvalidArgumentError("--min-seq needs a journal (DB): without one nothing is awaited"));
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

void add_petition_commands(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<PetitionCliOptions>();
  CLI::App* p = app.add_subcommand("petition",
                                   "Petitions of a journal: one petition, the needs list, duplicates, 附议, 合并, 非本单位职责, "
                                   "答复, 四方协同");
  p->require_subcommand(1);
  // The commands on one petition of a journal: DB and ID (and read-your-writes, --min-seq).
  auto on_petition = [&](const char* name, const char* help, int (*fn)(const PetitionCliOptions&)) {
    CLI::App* c = p->add_subcommand(name, help);
    c->add_option("DB", o->db, "journal file")->required();
    c->add_option("ID", o->id, "petition id (P00000042 or 42)")->required();
    add_min_seq_options(c, o->min_seq);
    c->callback([o, &exit_code, fn] { exit_code = fn(*o); });
  };
  on_petition("show", "Print one petition as JSON (supporters, priority, merge links)", run_show);
  CLI::App* needs = p->add_subcommand("needs", "The needs list (需求清单): open petitions by priority, highest first");
  needs->add_option("DB", o->db, "journal file")->required();
  needs->add_option("--unit", o->unit, "only petitions located in this unit's subtree");
  needs->add_option("--limit", o->limit, "at most this many (0 = all)");
  add_min_seq_options(needs, o->min_seq);
  needs->callback([o, &exit_code] { exit_code = run_needs(*o); });
  on_petition("duplicates", "Suggested duplicates of a petition (same category, place, window)", run_duplicates);
  CLI::App* run = p->add_subcommand(
      "do", "Record support, withdraw_support, merge or return_not_ours (非本单位职责) in a journal");
  run->add_option("DB", o->db, "journal file")->required();
  run->add_option("EVENT", o->event, "support | withdraw_support | merge | return_not_ours")->required();
  run->add_option("ID", o->id, "petition id (P00000042 or 42)")->required();
  run->add_option("--actor", o->actor, "actor id (the resident)")->required();
  run->add_option("--role", o->role, "actor role (resident)")->required();
  run->add_option("--unit", o->actor_unit, "actor unit (staff roles)");
  run->add_option("--now", o->now, "UTC seconds (default: now)");
  run->add_option("--into", o->into, "merge: the petition kept");
  run->add_option("--competent-unit", o->competent_unit, "return_not_ours: the competent unit (org graph id)");
  run->add_option("--external-body", o->external_body, "return_not_ours: the competent body outside the graph");
  run->add_option("--reason", o->reason, "return_not_ours: the reason shown to the resident");
  run->callback([o, &exit_code] { exit_code = run_do(*o); });
  on_petition("response", "The response text (答复) a petition's resident is shown now", run_response);
  CLI::App* q = p->add_subcommand(
      "party", "四方协同: who answers for a matter of a category at a location inside its compound (JSON)");
  q->add_option("DB", o->db, "journal file (its policy and org graph); without it --policy and --org");
  q->add_option("--category", o->category, "category id, e.g. property")->required();
  q->add_option("--location", o->location, "household or unit id")->required();
  q->add_option("--policy", o->policy, "built-in set or policy file (without DB; default national)");
  q->add_option("--org", o->org, "org graph JSON file (without DB; default the bundled sample district)");
  add_min_seq_options(q, o->min_seq);
  q->callback([o, &exit_code] { exit_code = run_party(*o); });
}

}  // namespace

JICENG_CLI_COMMAND("petition", add_petition_commands);

}  // namespace jiceng::cli
