// `jiceng petition …`: residents' participation in the petition loop against a journal —
// one petition as JSON, the needs list (需求清单) ranked by priority, suggested duplicates,
// and the participation commands recorded in the journal: 附议 and its withdrawal, 合并, and
// a return as not ours (非本单位职责).
//
//   jiceng petition show DB ID
//   jiceng petition needs DB [--unit U] [--limit N]
//   jiceng petition duplicates DB ID
//   jiceng petition do DB EVENT ID --actor ID --role ROLE [--unit U] [--now EPOCH]
//       EVENT: support | withdraw_support | merge --into ID
//            | return_not_ours (--competent-unit U | --external-body NAME) --reason TEXT
#include <ctime>
#include <iostream>
#include <memory>
#include <string>

#include "cli/exit_codes.hpp"
#include "cli/min_seq.hpp"
#include "cli/registry.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"

namespace jiceng::cli {
namespace {

struct PetitionCliOptions {
  std::string db, id, unit, event, actor, role, actor_unit, into, competent_unit, external_body, reason;
  std::size_t limit = 0;
  std::int64_t now = 0;
  MinSeqOptions min_seq;
};

int fail(const std::string& what, const absl::Status& st) {
  std::cerr << "jiceng petition " << what << ": " << st.message() << "\n";
  return exit_code_for(st);
}

absl::StatusOr<std::unique_ptr<DurableEngine>> open(const std::string& db, bool write) {
  if (auto st = check_journal_file(db); !st.ok()) return st;
  JournalOptions o;
  o.read_only = !write;
  o.create_if_missing = false;
  return open_engine(db, o);
}

absl::StatusOr<PetitionId> petition_id(const std::string& text, std::string_view option) {
  auto id = Engine::parse_display_id(text);
  if (!id) {
    return absl::InvalidArgumentError(
        std::string(option) + ": expected a petition id like P00000042 or 42, got \"" + text + "\"");
  }
  return *id;
}

int run_show(const PetitionCliOptions& o) {
  auto id = petition_id(o.id, "ID");
  if (!id.ok()) return fail("show", id.status());
  auto d = open(o.db, false);
  if (!d.ok()) return fail("show", d.status());
  if (auto st = await_min_seq(**d, o.min_seq); !st.ok()) return fail("show", st);
  auto js = (*d)->engine().export_json(*id);
  if (!js.ok()) return fail("show", js.status());
  std::cout << *js << "\n";
  return kExitOk;
}

int run_needs(const PetitionCliOptions& o) {
  auto d = open(o.db, false);
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
  auto d = open(o.db, false);
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
  auto d = open(o.db, true);
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

void add_petition_commands(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<PetitionCliOptions>();
  CLI::App* p = app.add_subcommand("petition",
                                   "Petitions of a journal: one petition, the needs list, duplicates, 附议, 合并, 非本单位职责");
  p->require_subcommand(1);
  CLI::App* show = p->add_subcommand("show", "Print one petition as JSON (supporters, priority, merge links)");
  show->add_option("DB", o->db, "journal file")->required();
  show->add_option("ID", o->id, "petition id (P00000042 or 42)")->required();
  add_min_seq_options(show, o->min_seq);
  show->callback([o, &exit_code] { exit_code = run_show(*o); });
  CLI::App* needs = p->add_subcommand("needs", "The needs list (需求清单): open petitions by priority, highest first");
  needs->add_option("DB", o->db, "journal file")->required();
  needs->add_option("--unit", o->unit, "only petitions located in this unit's subtree");
  needs->add_option("--limit", o->limit, "at most this many (0 = all)");
  add_min_seq_options(needs, o->min_seq);
  needs->callback([o, &exit_code] { exit_code = run_needs(*o); });
  CLI::App* dup = p->add_subcommand("duplicates", "Suggested duplicates of a petition (same category, place, window)");
  dup->add_option("DB", o->db, "journal file")->required();
  dup->add_option("ID", o->id, "petition id (P00000042 or 42)")->required();
  add_min_seq_options(dup, o->min_seq);
  dup->callback([o, &exit_code] { exit_code = run_duplicates(*o); });
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
}

}  // namespace

JICENG_CLI_COMMAND("petition", add_petition_commands);

}  // namespace jiceng::cli
