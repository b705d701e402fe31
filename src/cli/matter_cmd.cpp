// `jiceng matter …`: the deliberation loop (议事) — its diagram, permission matrix and table
// generated from the transition table, the procedures a policy set gives, and the matters,
// findings and yearly review of a journal; `matter do` records one command in a journal and
// `matter refer` raises a matter from petitions (each answered naming it).
#include <fstream>
#include <optional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "boost/json.hpp"
#include "cli/civic_cli.hpp"
#include "cli/exit_codes.hpp"
#include "cli/registry.hpp"
#include "jiceng/deliberation.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/loop.hpp"
#include "jiceng/policy.hpp"

namespace jiceng::cli {
namespace {

constexpr std::string_view kLoop = "deliberation";

struct MatterOptions {
  std::string output, db, item, policy = "wuzhong", state, unit, event, actor, role, actor_unit, payload, now;
  std::vector<std::string> petitions;
  int year = 0;
  MinSeqOptions min_seq;
};

int fail(const std::string& what, int code = kExitUsage) {
  std::cerr << "jiceng matter: " << what << "\n";
  return code;
}

int emit(const std::string& text, const std::string& output) {
  if (output.empty()) {
    std::cout << text;
    if (!text.empty() && text.back() != '\n') std::cout << "\n";
    return kExitOk;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  if (!(out << text)) return fail("cannot write " + output);
  return kExitOk;
}

// The table from a fresh engine (the registration list is the engine's).
absl::StatusOr<const LoopTable*> table() {
  static auto engine = Engine::create("national");
  if (!engine.ok()) return engine.status();
  const LoopTable* t = (*engine)->loop_table(kLoop);
  if (t == nullptr) return absl::NotFoundError("the deliberation loop is not registered");
  return t;
}

absl::StatusOr<PolicySet> load_policy(const std::string& name) {
  auto b = PolicySet::load_builtin(name);
  if (b.ok()) return b;
  return PolicySet::load_file(name);
}

// `matter procedures`: each procedure of the set's deliberation.procedures, step by step.
int procedures(const MatterOptions& o) {
  auto set = load_policy(o.policy);
  if (!set.ok()) return fail(o.policy + ": " + std::string(set.status().message()));
  auto params = set->rule_params_json("deliberation.procedures");
  if (!params.ok()) return fail(o.policy + ": no rule deliberation.procedures");
  const auto p = boost::json::parse(*params).as_object();
  std::ostringstream out;
  for (const auto& [name, proc] : p.at("procedures").as_object()) {
    out << std::string_view(name) << " (" << std::string_view(proc.as_object().at("zh").as_string()) << ")\n";
    int i = 0;
    for (const auto& s : proc.as_object().at("steps").as_array()) {
      const auto& so = s.as_object();
      out << "  " << ++i << ". " << std::string_view(so.at("id").as_string()) << " "
          << std::string_view(so.at("zh").as_string()) << " [" << std::string_view(so.at("kind").as_string());
      if (const auto* b = so.if_contains("bodies")) {
        out << ":";
        for (const auto& x : b->as_array()) out << " " << std::string_view(x.as_string());
      }
      if (so.contains("merge_when_one_shoulder")) out << "; merged into the next step when 一肩挑";
      out << "]\n";
    }
  }
  out << "selection (first match; owners' matters of 民法典 第二百七十八条 first → "
      << std::string_view(p.at("owners_procedure").as_string()) << "):\n";
  for (const auto& e : p.at("selection").as_array()) {
    const auto& eo = e.as_object();
    auto names = [](const boost::json::value& a) {
      std::string s;
      for (const auto& x : a.as_array()) {
        // Two appends, not `"," + std::string(...)`: GCC 12 at -O3 warns (-Wrestrict, a false
        // positive) on that operator+, which broke the Release build of the packages.
        if (!s.empty()) s += ',';
        s += std::string_view(x.as_string());
      }
      return s.empty() ? std::string("any") : s;
    };
    out << "  kinds " << names(eo.at("kinds")) << "; scopes " << names(eo.at("scopes")) << " → "
        << std::string_view(eo.at("procedure").as_string()) << "\n";
  }
  return emit(out.str(), o.output);
}

int query(const MatterOptions& o, std::string_view name, const std::string& params) {
  auto r = civic::query_journal_text(o.db, kLoop, name, params, o.min_seq);
  if (!r.ok()) return fail(std::string(r.status().message()), exit_code_for(r.status()));
  return emit(*r, o.output);
}

std::string filter_params(const MatterOptions& o, bool with_state) {
  boost::json::object p;
  if (with_state && !o.state.empty()) p["state"] = o.state;
  if (!o.unit.empty()) p["unit"] = o.unit;
  if (!with_state && o.year != 0) p["year"] = o.year;
  return boost::json::serialize(p);
}

// What `matter do` and `matter refer` read from their options: the actor, the time and the
// payload (inline or @FILE). A usage error is printed and its exit code returned in `exit`.
struct CommandInputs {
  Actor actor;
  Timestamp now = 0;
  std::string payload;
};
std::optional<CommandInputs> command_inputs(const MatterOptions& o, int* exit) {
  const auto role = parse_role(o.role);
  if (!role) {
    *exit = fail("--role \"" + o.role + "\" is not a role (e.g. community_secretary, community_staff)");
    return std::nullopt;
  }
  CommandInputs in{Actor{o.actor, *role, o.actor_unit}, 0, o.payload};
  if (o.now.empty()) {
    in.now = absl::ToUnixSeconds(absl::Now());
  } else if (!absl::SimpleAtoi(o.now, &in.now)) {
    absl::Time t;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, o.now, &t, &err)) {
      *exit = fail("--now \"" + o.now + "\": expected seconds since 1970 or RFC 3339 (2026-03-02T09:00:00+08:00)");
      return std::nullopt;
    }
    in.now = absl::ToUnixSeconds(t);
  }
  if (!in.payload.empty() && in.payload[0] == '@') {
    std::ifstream file(in.payload.substr(1), std::ios::binary);
    if (!file) {
      *exit = fail("cannot read " + in.payload.substr(1));
      return std::nullopt;
    }
    std::stringstream text;
    text << file.rdbuf();
    in.payload = text.str();
  }
  return in;
}

// Prints the matter an accepted command produced: "seq N: {...}".
int print_outcome(Engine& engine, const LoopOutcome& r) {
  auto g = engine.query(kLoop, "get", "{\"item\":" + std::to_string(r.item) + "}");
  if (!g.ok()) return fail(std::string(g.status().message()));
  std::cout << "seq " << r.seq << ": " << *g << "\n";
  return kExitOk;
}

// `matter do DB EVENT`: one command, journaled.
int run_do(const MatterOptions& o) {
  int exit = kExitOk;
  const auto in = command_inputs(o, &exit);
  if (!in) return exit;
  auto db = civic::open_journal(o.db, true);
  if (!db.ok()) return fail(std::string(db.status().message()), exit_code_for(db.status()));
  std::uint64_t item = 0;
  if (!o.item.empty()) {
    std::string_view digits = o.item;
    if (!digits.empty() && (digits[0] == 'M' || digits[0] == 'm')) digits.remove_prefix(1);
    if (!absl::SimpleAtoi(absl::string_view(digits.data(), digits.size()), &item) || item == 0) return fail("--item \"" + o.item + "\" is not a matter id (M00000001)");
  }
  LoopCommand c;
  c.event = o.event;
  c.item = item;
  c.payload = in->payload;
  c.actor = in->actor;
  c.now = in->now;
  auto r = (*db)->engine().command(kLoop, c);
  if (!r.ok()) return fail(std::string(r.status().message()), exit_code_for(r.status()));
  return print_outcome((*db)->engine(), *r);
}

// `matter refer DB --petition P… …`: a matter raised from petitions (转办议事), each answered
// naming it, their evaluation held until it ends — one batch, journaled.
int run_refer(const MatterOptions& o) {
  int exit = kExitOk;
  const auto in = command_inputs(o, &exit);
  if (!in) return exit;
  std::vector<PetitionId> ids;
  for (const std::string& p : o.petitions) {
    const auto id = Engine::parse_display_id(p);
    if (!id) return fail("--petition \"" + p + "\" is not a petition id (P00000042)");
    ids.push_back(*id);
  }
  auto db = civic::open_journal(o.db, true);
  if (!db.ok()) return fail(std::string(db.status().message()), exit_code_for(db.status()));
  auto r = refer_petitions_to_matter((*db)->engine(), in->actor, ids, in->payload, in->now);
  if (!r.ok()) return fail(std::string(r.status().message()), exit_code_for(r.status()));
  return print_outcome((*db)->engine(), *r);
}

void add_matter(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<MatterOptions>();
  auto* m = app.add_subcommand("matter", "Deliberation (议事): matters through their procedures");
  m->require_subcommand(1);

  auto generated = [&](const char* name, const char* help, std::string (*make)(const LoopTable&)) {
    auto* s = m->add_subcommand(name, help);
    s->add_option("-o,--output", o->output, "write to FILE");
    s->callback([o, make, &exit_code] {
      auto t = table();
      exit_code = t.ok() ? emit(make(**t), o->output) : fail(std::string(t.status().message()));
    });
  };
  generated("diagram", "Graphviz DOT of the loop, generated from its transition table", &loop_diagram_dot);
  generated("matrix", "Permission matrix (role x scope per state and event), generated from the table",
            &loop_permission_matrix);
  generated("table", "The transition table as JSON", &loop_table_json);

  auto* procs = m->add_subcommand("procedures", "The procedures of a policy set (deliberation.procedures), step by step");
  procs->add_option("--policy", o->policy, "built-in set name or policy file")->capture_default_str();
  procs->add_option("-o,--output", o->output, "write to FILE");
  procs->callback([o, &exit_code] { exit_code = procedures(*o); });

  auto* list = m->add_subcommand("list", "Matters in a journal (JSON)");
  list->add_option("DB", o->db, "journal")->required();
  list->add_option("--state", o->state, "only matters in this state");
  list->add_option("--unit", o->unit, "only matters under this unit");
  add_min_seq_options(list, o->min_seq);
  list->callback([o, &exit_code] { exit_code = query(*o, "list", filter_params(*o, true)); });

  auto* show = m->add_subcommand("show", "One matter (JSON)");
  show->add_option("DB", o->db, "journal")->required();
  show->add_option("ID", o->item, "matter id, e.g. M00000001")->required();
  add_min_seq_options(show, o->min_seq);
  show->callback([o, &exit_code] {
    boost::json::object p{{"item", o->item}};
    exit_code = query(*o, "get", boost::json::serialize(p));
  });

  for (const char* name : {"findings", "review"}) {
    auto* s = m->add_subcommand(name, std::string(name) == "findings"
                                          ? "Yearly-review findings of the matters (overrides, disclosures taken down, …)"
                                          : "Per community: matters, major matters and the share that completed 四议两公开");
    s->add_option("DB", o->db, "journal")->required();
    s->add_option("--year", o->year, "matters raised in this year");
    s->add_option("--unit", o->unit, "only matters under this unit");
    add_min_seq_options(s, o->min_seq);
    s->callback([o, name, &exit_code] { exit_code = query(*o, name, filter_params(*o, false)); });
  }

  auto* run = m->add_subcommand("do", "Record one command of the loop in a journal");
  run->add_option("DB", o->db, "journal")->required();
  run->add_option("EVENT", o->event, "event: raise, start, meeting_passed, post, …")->required();
  run->add_option("--item", o->item, "the matter (none for raise)");
  run->add_option("--actor", o->actor, "actor id")->required();
  run->add_option("--role", o->role, "actor role")->required();
  run->add_option("--unit", o->actor_unit, "actor unit");
  run->add_option("--payload", o->payload, "JSON object, or @FILE");
  run->add_option("--now", o->now, "time: seconds since 1970 or RFC 3339 (default: now)");
  run->callback([o, &exit_code] { exit_code = run_do(*o); });

  auto* refer = m->add_subcommand("refer", "Raise a matter from petitions being handled (转办议事): each answered naming "
                                           "it, its evaluation held until the matter ends");
  refer->add_option("DB", o->db, "journal")->required();
  refer->add_option("--petition", o->petitions, "a petition in progress, e.g. P00000042 (repeat for more)")->required();
  refer->add_option("--actor", o->actor, "actor id")->required();
  refer->add_option("--role", o->role, "actor role")->required();
  refer->add_option("--unit", o->actor_unit, "actor unit");
  refer->add_option("--payload", o->payload, "the matter: JSON object (unit, title, kind, raised_by, ...), or @FILE")
      ->required();
  refer->add_option("--now", o->now, "time: seconds since 1970 or RFC 3339 (default: now)");
  refer->callback([o, &exit_code] { exit_code = run_refer(*o); });
}

JICENG_CLI_COMMAND("matter", add_matter);

}  // namespace
}  // namespace jiceng::cli
