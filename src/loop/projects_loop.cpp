// The projects loop (项目): 便民实事项目 (practical projects: every grid branch runs some
// each year), 微实事 (micro projects), 一村一策 items (one plan per village, each village in
// one tier of the policy's ordered tier list), 跨域项目 (cross-area projects: a lead unit,
// co-units that may sit in other streets or districts, annual or long-term, reviewed at a
// regular interval — 定期调度 — where a missed review is a finding).
//
// A project answers needs (petition categories, needs-list entries, referred petitions),
// uses resources offered by units (机关, enterprises, social organizations; monthly
// themes), has milestones and a deadline. proposed → approved (a decision record naming
// who decided) → in progress → done → result published (posted at least the policy's
// `disclosure.posting` days — 15 under 居 34 / 村 35 — counted as the Civil Code counts
// periods) | overdue (the clock, after 24:00 of the deadline) | cancelled. Progress rolls
// up from milestones in the mode the project names: `weighted` (every milestone carries an
// integer weight) or `equal` (no milestone may carry one), so that no weight silently
// switches the mode.
//
// The four lists of a 大党委 (needs, resources, projects, responsibilities) and the 一村一策
// campaign checks are queries over the items, not stores of their own.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "boost/date_time/gregorian/gregorian.hpp"
#include "common/strings.hpp"
#include "jiceng/calendar.hpp"
#include "jiceng/org.hpp"
#include "jiceng/policy.hpp"
#include "loop/civic_util.hpp"
#include "loop/projects_loop.hpp"
#include "loop/table_loop.hpp"
#include "loop/values.hpp"

namespace jiceng {
namespace json = boost::json;
using internal::cat;

namespace {

using civic::bad_field;
using civic::only_fields;
using civic::sv;
using civic::text_field;
using civic::where;
json::string_view js(std::string_view s) { return civic::jv(s); }

absl::StatusOr<json::object> rule(const LoopCall& c, std::string_view id) {
  return civic::rule_params(c, id, "needed here");
}

std::int64_t today(const LoopCall& c) { return loopval::day_of(c.now); }

absl::Status unit_known(const LoopCall& c, std::string_view field, std::string_view unit) {
  if (!c.host.org().find(unit)) {
    return absl::NotFoundError(cat(where(c), ": field \"", field, "\": unit \"", unit, "\" is not in the org graph"));
  }
  return absl::OkStatus();
}

// A need naming a petition category: one of the policy's (petition.routing's categories).
absl::Status policy_category(const LoopCall& c, std::string_view field, std::string_view id) {
  auto r = c.host.policy().rule_params_json("petition.routing");
  if (!r.ok()) {
    return absl::FailedPreconditionError(cat(where(c), ": field \"", field, "\": the policy set ", c.host.policy().name(),
                                             " names no petition categories (petition.routing) to check \"", id, "\" against"));
  }
  const json::value routing = json::parse(*r);
  std::string list;
  for (const auto& kv : routing.as_object().at("categories").as_object()) {
    if (kv.key() == "default") continue;
    if (sv(kv.key()) == id) return absl::OkStatus();
    list += cat(list.empty() ? "" : ", ", sv(kv.key()));
  }
  return bad_field(c, field, cat("\"", id, "\" is not a petition category of the policy (", list, ")"));
}

// A need naming a petition: the engine holds it, and where it was raised lies under the
// project's unit, its lead unit or a co-unit.
absl::Status petition_in_scope(const LoopCall& c, std::string_view field, std::string_view id,
                               const std::vector<std::string>& scope) {
  JICENG_ASSIGN_OR_RETURN(json::object p, civic::named_petition(c, field, id));
  std::string_view at = civic::str_at(p, "location_unit");
  if (at.empty()) at = civic::str_at(p, "unit");
  const OrgGraph& g = c.host.org();
  const auto u = g.find(at);
  for (const auto& s : scope) {
    const auto su = g.find(s);
    if (u && su && g.is_ancestor_or_self(*su, *u)) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(cat(where(c), ": field \"", field, "\": petition ", id, " was raised at ",
                                           at.empty() ? std::string_view("no unit") : at,
                                           ", outside the project's unit, lead unit and co-units"));
}

// ---------------------------------------------------------------------------------------
// propose: the whole project, checked and normalized once; the guard and the action share it.

constexpr std::string_view kNeedKinds[] = {"category", "list", "petition"};

absl::StatusOr<json::object> normalize_proposal(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"unit", "kind", "title", "lead_unit", "co_units", "needs", "resources",
                                         "budget", "rollup", "milestones", "due", "horizon", "year", "tier"}));
  json::object d;
  JICENG_ASSIGN_OR_RETURN(std::string_view kind, text_field(c, "kind", 64, true));
  JICENG_ASSIGN_OR_RETURN(json::object kinds, rule(c, "project.kinds"));
  std::int64_t interval = -1;
  std::string kinds_text;
  for (const auto& k : kinds.at("kinds").as_array()) {
    const auto& o = k.as_object();
    kinds_text += cat(kinds_text.empty() ? "" : ", ", sv(o.at("id").as_string()));
    if (sv(o.at("id").as_string()) == kind) interval = o.at("review_interval_days").as_int64();
  }
  if (interval < 0)
    return bad_field(c, "kind", cat("\"", kind, "\" is not a project kind of the policy (", kinds_text, ")"));
  d["kind"] = kind;
  d["review_interval_days"] = interval;
  JICENG_ASSIGN_OR_RETURN(std::string_view title, text_field(c, "title", 300, true));
  d["title"] = title;
  JICENG_ASSIGN_OR_RETURN(std::string_view lead, text_field(c, "lead_unit", 256, true));
  JICENG_RETURN_IF_ERROR(unit_known(c, "lead_unit", lead));
  d["lead_unit"] = lead;

  json::array co;
  if (const json::value* v = c.input.if_contains("co_units")) {
    if (!v->is_array() || v->as_array().size() > 100)
      return bad_field(c, "co_units", "must be an array of at most 100 unit ids");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < v->as_array().size(); ++i) {
      const auto& u = v->as_array()[i];
      const std::string f = cat("co_units[", i, "]");
      if (!u.is_string() || u.as_string().empty()) return bad_field(c, f, "must be a unit id");
      const std::string id(sv(u.as_string()));
      JICENG_RETURN_IF_ERROR(unit_known(c, f, id));
      if (id == lead) return bad_field(c, f, cat("\"", id, "\" is the lead unit"));
      if (!seen.insert(id).second) return bad_field(c, f, cat("\"", id, "\" is listed twice"));
      co.push_back(json::string(js(id)));
    }
  }
  d["co_units"] = std::move(co);

  json::array needs;
  std::set<std::pair<std::string, std::string>> seen_needs;  // a need twice would list the project twice under it
  if (const json::value* v = c.input.if_contains("needs")) {
    if (!v->is_array() || v->as_array().size() > 200)
      return bad_field(c, "needs", "must be an array of at most 200 needs");
    for (std::size_t i = 0; i < v->as_array().size(); ++i) {
      const std::string f = cat("needs[", i, "]");
      const auto& n = v->as_array()[i];
      const json::object* o = n.if_object();
      const json::value* k = o ? o->if_contains("kind") : nullptr;
      const json::value* r = o ? o->if_contains("ref") : nullptr;
      if (o == nullptr || o->size() != 2 || k == nullptr || r == nullptr || !k->is_string() || !r->is_string() ||
          r->as_string().empty() || r->as_string().size() > 300 ||
          std::find(std::begin(kNeedKinds), std::end(kNeedKinds), sv(k->as_string())) == std::end(kNeedKinds)) {
        return bad_field(c, f,
                         "must be {\"kind\": \"category\" (a petition category) | \"list\" (a needs-list entry) | "
                         "\"petition\" (a referred petition), \"ref\": a string of at most 300 bytes}");
      }
      if (!seen_needs.emplace(std::string(sv(k->as_string())), std::string(sv(r->as_string()))).second) {
        return bad_field(c, f, cat("{\"kind\": \"", sv(k->as_string()), "\", \"ref\": \"", sv(r->as_string()),
                                   "\"} is listed twice"));
      }
      needs.push_back(json::object{{"kind", k->as_string()}, {"ref", r->as_string()}});
    }
  }
  // Categories are the policy's; named petitions exist and lie in the project's scope.
  std::vector<std::string> scope{std::string(sv(c.input.at("unit").as_string())), std::string(lead)};
  for (const auto& u : co) scope.emplace_back(sv(u.as_string()));
  for (std::size_t i = 0; i < needs.size(); ++i) {
    const std::string f = cat("needs[", i, "].ref");
    const auto& n = needs[i].as_object();
    const std::string_view ref = sv(n.at("ref").as_string());
    if (n.at("kind").as_string() == "category") JICENG_RETURN_IF_ERROR(policy_category(c, f, ref));
    if (n.at("kind").as_string() == "petition") JICENG_RETURN_IF_ERROR(petition_in_scope(c, f, ref, scope));
  }
  d["needs"] = std::move(needs);

  json::array res;
  if (const json::value* v = c.input.if_contains("resources")) {
    if (!v->is_array() || v->as_array().size() > 200)
      return bad_field(c, "resources", "must be an array of at most 200 resources");
    for (std::size_t i = 0; i < v->as_array().size(); ++i) {
      const std::string f = cat("resources[", i, "]");
      const json::object* o = v->as_array()[i].if_object();
      if (o == nullptr)
        return bad_field(c, f, "must be {\"by\": unit, \"what\": text, \"month\"?: 1-12, \"value\"?: \"yuan\"}");
      json::object r;
      for (const auto& kv : *o) {
        const std::string_view k = sv(kv.key());
        if (k != "by" && k != "what" && k != "month" && k != "value") {
          return bad_field(c, cat(f, ".", k), "is unknown (by, what, month, value)");
        }
      }
      const json::value* by = o->if_contains("by");
      const json::value* what = o->if_contains("what");
      if (by == nullptr || !by->is_string() || by->as_string().empty())
        return bad_field(c, cat(f, ".by"), "(the offering unit) is required");
      JICENG_RETURN_IF_ERROR(unit_known(c, cat(f, ".by"), sv(by->as_string())));
      if (what == nullptr || !what->is_string() || what->as_string().empty() || what->as_string().size() > 300) {
        return bad_field(c, cat(f, ".what"), "(a string of at most 300 bytes) is required");
      }
      r["by"] = by->as_string();
      r["what"] = what->as_string();
      if (const json::value* m = o->if_contains("month")) {
        if (!m->is_int64() || m->as_int64() < 1 || m->as_int64() > 12)
          return bad_field(c, cat(f, ".month"), "must be 1-12 (the monthly theme)");
        r["month"] = m->as_int64();
      }
      if (const json::value* val = o->if_contains("value")) {
        JICENG_ASSIGN_OR_RETURN(std::int64_t fen, loopval::parse_money(*val, cat(where(c), ": field \"", f, ".value\"")));
        r["value_fen"] = fen;
      }
      res.push_back(std::move(r));
    }
  }
  d["resources"] = std::move(res);

  if (const json::value* v = c.input.if_contains("budget")) {
    JICENG_ASSIGN_OR_RETURN(std::int64_t fen, loopval::parse_money(*v, cat(where(c), ": field \"budget\"")));
    d["budget_fen"] = fen;
  }

  JICENG_ASSIGN_OR_RETURN(std::string_view rollup, text_field(c, "rollup", 16, true));
  if (rollup != "weighted" && rollup != "equal") {
    return bad_field(c, "rollup", "must be \"weighted\" (every milestone has a weight) or \"equal\" (none has)");
  }
  d["rollup"] = rollup;

  const std::int64_t now_day = today(c);
  // The deadline: a date; an annual cross-area project is due by the end of its year; a
  // long-term one by its last milestone.
  std::string horizon;
  std::int64_t due = -1;
  if (kind == "cross_area") {
    JICENG_ASSIGN_OR_RETURN(horizon, text_field(c, "horizon", 16, true));
    if (horizon != "annual" && horizon != "long_term") {
      return bad_field(c, "horizon",
                       "must be \"annual\" (due by the end of its year) or \"long_term\" (milestone dates)");
    }
    d["horizon"] = horizon;
  } else if (c.input.contains("horizon")) {
    return bad_field(c, "horizon", "applies to cross_area projects only");
  }
  if (horizon == "annual") {
    const json::value* y = c.input.if_contains("year");
    if (y == nullptr || !y->is_int64() || y->as_int64() < 1970 || y->as_int64() > 2200) {
      return bad_field(c, "year", "(an integer year) is required for an annual project");
    }
    const std::int64_t year_end = (boost::gregorian::date(static_cast<unsigned short>(y->as_int64()), 12, 31) -
                                   boost::gregorian::date(1970, 1, 1))
                                      .days();
    d["year"] = y->as_int64();
    due = year_end;
    if (const json::value* v = c.input.if_contains("due")) {
      JICENG_ASSIGN_OR_RETURN(due, loopval::parse_day(*v, cat(where(c), ": field \"due\"")));
      if (due > year_end)
        return bad_field(c, "due", cat("is after the end of ", y->as_int64(), " (an annual project)"));
    }
  } else if (c.input.contains("year")) {
    return bad_field(c, "year", "applies to annual cross_area projects only");
  } else if (horizon != "long_term") {
    const json::value* v = c.input.if_contains("due");
    if (v == nullptr) return bad_field(c, "due", "(the deadline, \"YYYY-MM-DD\") is required");
    JICENG_ASSIGN_OR_RETURN(due, loopval::parse_day(*v, cat(where(c), ": field \"due\"")));
  }

  const json::value* ms = c.input.if_contains("milestones");
  if (ms == nullptr || !ms->is_array() || ms->as_array().empty() || ms->as_array().size() > 50) {
    return bad_field(c, "milestones", "(1-50 milestones) is required");
  }
  json::array out;
  std::int64_t last_due = -1;
  std::set<std::string> names;
  for (std::size_t i = 0; i < ms->as_array().size(); ++i) {
    const std::string f = cat("milestones[", i, "]");
    const json::object* o = ms->as_array()[i].if_object();
    if (o == nullptr) return bad_field(c, f, "must be {\"name\", \"weight\"?, \"due\"?}");
    for (const auto& kv : *o) {
      const std::string_view k = sv(kv.key());
      if (k != "name" && k != "weight" && k != "due")
        return bad_field(c, cat(f, ".", k), "is unknown (name, weight, due)");
    }
    const json::value* n = o->if_contains("name");
    if (n == nullptr || !n->is_string() || n->as_string().empty() || n->as_string().size() > 200) {
      return bad_field(c, cat(f, ".name"), "(a string of at most 200 bytes) is required");
    }
    if (!names.insert(std::string(sv(n->as_string()))).second)
      return bad_field(c, cat(f, ".name"), "repeats another milestone's name");
    json::object m{{"name", n->as_string()}, {"percent", 0}};
    const json::value* w = o->if_contains("weight");
    if (rollup == "weighted") {
      if (w == nullptr || !w->is_int64() || w->as_int64() < 1 || w->as_int64() > 10000) {
        return bad_field(c, cat(f, ".weight"), "(an integer 1-10000) is required: the project rolls up weighted");
      }
      m["weight"] = w->as_int64();
    } else if (w != nullptr) {
      return bad_field(c, cat(f, ".weight"),
                       "is given but the project rolls up \"equal\": name rollup \"weighted\" to weigh milestones");
    }
    if (const json::value* md = o->if_contains("due")) {
      JICENG_ASSIGN_OR_RETURN(std::int64_t day, loopval::parse_day(*md, cat(where(c), ": field \"", f, ".due\"")));
      if (day < now_day) return bad_field(c, cat(f, ".due"), cat("is before today, ", loopval::format_day(now_day)));
      if (due >= 0 && day > due)
        return bad_field(c, cat(f, ".due"), cat("is after the project's deadline ", loopval::format_day(due)));
      m["due"] = loopval::format_day(day);
      last_due = std::max(last_due, day);
    } else if (horizon == "long_term") {
      return bad_field(c, cat(f, ".due"), "is required: a long-term project is scheduled by its milestones' dates");
    }
    out.push_back(std::move(m));
  }
  d["milestones"] = std::move(out);
  if (horizon == "long_term") {
    if (c.input.contains("due"))
      return bad_field(c, "due", "does not apply to a long_term project (its last milestone's date is its deadline)");
    due = last_due;
  }
  if (due < now_day) return bad_field(c, "due", cat("is before today, ", loopval::format_day(now_day)));
  d["due"] = loopval::format_day(due);
  d["due_at"] = loopval::end_of_day(due);

  if (kind == "village_plan") {
    JICENG_ASSIGN_OR_RETURN(std::string_view tier, text_field(c, "tier", 64, true));
    JICENG_ASSIGN_OR_RETURN(json::object camp, rule(c, "village_plan.campaign"));
    bool ok = false;
    std::string tiers;
    for (const auto& t : camp.at("tiers").as_array()) {
      tiers += cat(tiers.empty() ? "" : ", ", sv(t.as_string()));
      ok = ok || sv(t.as_string()) == tier;
    }
    if (!ok) return bad_field(c, "tier", cat("\"", tier, "\" is not a tier of the policy (", tiers, ")"));
    d["tier"] = tier;
  } else if (c.input.contains("tier")) {
    return bad_field(c, "tier", "applies to village_plan projects only");
  }
  d["progress_bp"] = 0;
  d["reviews"] = json::array();
  d["missed_reviews"] = json::array();
  return d;
}

absl::Status propose_valid(const LoopCall& c) { return normalize_proposal(c).status(); }
absl::Status init_project(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(json::object d, normalize_proposal(c));
  c.target->data = std::move(d);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// approve: the decision record (until a deliberation matter is named, the record says
// which body decided and where it is minuted).

// When the policy wants the decision from the deliberation loop (project.decision): a kind
// it lists, or a village project whose budget is above the 四议两公开 amount.
struct MatterNeed {
  bool required = false;
  bool four_two = false;  // through four_deliberations_two_disclosures
  std::string why;
};
MatterNeed matter_need(const LoopCall& c) {
  MatterNeed n;
  auto r = c.host.policy().rule_params_json("project.decision");
  if (!r.ok()) return n;
  const json::value pv = json::parse(*r);
  const json::object& p = pv.as_object();
  const json::object& d = c.item->data;
  const std::string_view kind = sv(d.at("kind").as_string());
  for (const auto& k : p.at("matter_kinds").as_array()) {
    if (sv(k.as_string()) != kind) continue;
    n.required = true;
    n.why = cat("the policy decides a ", kind, " project through a deliberation matter (project.decision.matter_kinds)");
  }
  const json::object& ft = p.at("four_two").as_object();
  bool village = false;
  for (const auto& k : ft.at("kinds").as_array()) village = village || sv(k.as_string()) == kind;
  if (!village && ft.at("rural_units").as_bool()) {
    const auto u = c.host.org().find(c.item->unit);
    village = u && c.host.org().schema(*u) == AreaSchema::kRural;
  }
  const std::int64_t min_fen = ft.at("min_budget_yuan").as_int64() * 100;
  const json::value* budget = d.if_contains("budget_fen");
  if (village && budget != nullptr && budget->as_int64() > min_fen) {
    n.required = n.four_two = true;
    n.why = cat("a village project of ", loopval::format_fen(budget->as_int64()), " yuan, above ",
                loopval::format_fen(min_fen), ", goes through 四议两公开 (project.decision.four_two)");
  }
  return n;
}

// The deliberation matter an approval names, read through the host: concluded with a
// resolution adopted at a meeting, decided for the project's unit or above it, and through
// 四议两公开 when the budget needs it.
absl::StatusOr<json::object> deciding_matter(const LoopCall& c, std::string_view matter, const MatterNeed& need) {
  auto got = c.host.query_loop("deliberation", "get", json::serialize(json::object{{"item", js(matter)}}));
  if (got.status().code() == absl::StatusCode::kInvalidArgument) {
    return bad_field(c, "matter", cat("must be a deliberation matter id such as \"M00000001\" (", got.status().message(), ")"));
  }
  if (!got.ok()) {
    return absl::Status(got.status().code(), cat(where(c), ": field \"matter\": ", got.status().message()));
  }
  json::object m = json::parse(*got).as_object();
  const std::string_view state = sv(m.at("state").as_string());
  if (state != "concluded") {
    return absl::FailedPreconditionError(cat(where(c), ": matter ", matter, " is ", state,
                                             ": an approval names a matter concluded with an adopted resolution"));
  }
  const json::object& md = m.at("data").as_object();
  bool adopted = false;
  if (const json::value* ms = md.if_contains("meetings")) {
    for (const auto& x : ms->as_array()) adopted = adopted || x.as_object().at("passed").as_bool();
  }
  if (!adopted) {
    return absl::FailedPreconditionError(cat(where(c), ": matter ", matter, " concluded without a resolution adopted at a meeting"));
  }
  const OrgGraph& g = c.host.org();
  const std::string_view mu = sv(m.at("unit").as_string());
  const auto mi = g.find(mu);
  const auto pi = g.find(c.item->unit);
  if (!mi || !pi || !g.is_ancestor_or_self(*mi, *pi)) {
    return absl::FailedPreconditionError(cat(where(c), ": matter ", matter, " was decided for ", mu,
                                             ", which does not cover the project's unit ", c.item->unit));
  }
  const std::string_view procedure = civic::str_at(md, "procedure");
  if (need.four_two && procedure != "four_deliberations_two_disclosures") {
    return absl::FailedPreconditionError(cat(where(c), ": matter ", matter, " went through ", procedure, "; ", need.why));
  }
  return m;
}

absl::Status decision_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"decided_by", "record", "decided_on", "matter"}));
  JICENG_RETURN_IF_ERROR(text_field(c, "decided_by", 200, true).status());
  JICENG_RETURN_IF_ERROR(text_field(c, "record", 300, true).status());
  const json::value* on = c.input.if_contains("decided_on");
  if (on == nullptr) return bad_field(c, "decided_on", "(the date of the decision, \"YYYY-MM-DD\") is required");
  JICENG_ASSIGN_OR_RETURN(std::int64_t day, loopval::parse_day(*on, cat(where(c), ": field \"decided_on\"")));
  if (day > today(c)) return bad_field(c, "decided_on", cat("is after today, ", loopval::format_day(today(c))));
  JICENG_ASSIGN_OR_RETURN(std::string_view matter, text_field(c, "matter", 32, false));
  const MatterNeed need = matter_need(c);
  if (matter.empty()) {
    if (need.required) return bad_field(c, "matter", cat("(the deliberation matter that decided it) is required: ", need.why));
    return absl::OkStatus();
  }
  return deciding_matter(c, matter, need).status();
}

void schedule_review(json::object& d, std::int64_t from_day) {
  const std::int64_t interval = d.at("review_interval_days").as_int64();
  if (interval > 0) d["next_review_at"] = loopval::end_of_day(from_day + interval);
}

absl::Status record_decision(LoopCall& c) {
  auto& d = c.target->data;
  d["decision"] = json::object{{"by", c.input.at("decided_by")},
                               {"record", c.input.at("record")},
                               {"on", c.input.at("decided_on")},
                               {"recorded_by", c.actor.id},
                               {"at", c.now}};
  if (const json::value* m = c.input.if_contains("matter")) {
    JICENG_ASSIGN_OR_RETURN(json::object matter, deciding_matter(c, sv(m->as_string()), matter_need(c)));
    d.at("decision").as_object()["matter"] = matter.at("id");
    d.at("decision").as_object()["procedure"] = matter.at("data").as_object().at("procedure");
  }
  schedule_review(d, today(c));
  return absl::OkStatus();
}

absl::Status no_fields(const LoopCall& c) { return only_fields(c, {}); }

absl::Status record_start(LoopCall& c) {
  c.target->data["started_at"] = c.now;
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// progress: one milestone's percent; the project's progress rolls up in its named mode.

std::int64_t rollup_bp(const json::object& d) {
  const auto& ms = d.at("milestones").as_array();
  const bool weighted = d.at("rollup").as_string() == "weighted";
  std::int64_t num = 0, den = 0;
  for (const auto& m : ms) {
    const std::int64_t w = weighted ? m.as_object().at("weight").as_int64() : 1;
    num += w * m.as_object().at("percent").as_int64() * 100;
    den += w;
  }
  return den > 0 ? num / den : 0;  // basis points, truncated
}

absl::StatusOr<std::size_t> milestone_index(const LoopCall& c) {
  const json::value* m = c.input.if_contains("milestone");
  const auto& ms = c.item->data.at("milestones").as_array();
  if (m != nullptr && m->is_int64() && m->as_int64() >= 1 && static_cast<std::size_t>(m->as_int64()) <= ms.size()) {
    return static_cast<std::size_t>(m->as_int64() - 1);
  }
  if (m != nullptr && m->is_string()) {
    for (std::size_t i = 0; i < ms.size(); ++i)
      if (ms[i].as_object().at("name").as_string() == m->as_string()) return i;
  }
  return bad_field(c, "milestone",
                   cat("must name one of the ", ms.size(), " milestones (1-", ms.size(), " or its name)"));
}

absl::Status progress_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"milestone", "percent", "note"}));
  JICENG_ASSIGN_OR_RETURN(std::size_t i, milestone_index(c));
  const json::value* p = c.input.if_contains("percent");
  if (p == nullptr || !p->is_int64() || p->as_int64() < 0 || p->as_int64() > 100) {
    return bad_field(c, "percent", "(an integer 0-100) is required");
  }
  const std::int64_t was = c.item->data.at("milestones").as_array()[i].as_object().at("percent").as_int64();
  if (p->as_int64() < was) {
    return bad_field(c, "percent",
                     cat(p->as_int64(), " is below the ", was, " already reported: progress is not taken back"));
  }
  return text_field(c, "note", 1000, false).status();
}

absl::Status record_progress(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(std::size_t i, milestone_index(c));
  auto& d = c.target->data;
  auto& m = d.at("milestones").as_array()[i].as_object();
  m["percent"] = c.input.at("percent").as_int64();
  if (m["percent"].as_int64() == 100 && !m.contains("done_on")) m["done_on"] = loopval::format_day(today(c));
  d["progress_bp"] = rollup_bp(d);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// reviews (定期调度) and the clock: a review resets the interval; a missed one is a finding.

absl::Status review_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"note"}));
  return text_field(c, "note", 1000, false).status();
}

absl::Status record_review(LoopCall& c) {
  auto& d = c.target->data;
  json::object r{{"on", loopval::format_day(today(c))}, {"by", c.actor.id}};
  if (const json::value* n = c.input.if_contains("note")) r["note"] = *n;
  d.at("reviews").as_array().push_back(std::move(r));
  schedule_review(d, today(c));
  return absl::OkStatus();
}

absl::Status review_missed(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {}));
  const json::value* next = c.item->data.if_contains("next_review_at");
  if (next == nullptr) return absl::FailedPreconditionError(cat(where(c), ": the project has no periodic review"));
  if (c.now < next->as_int64()) {
    return absl::FailedPreconditionError(cat(where(c), ": the next review is not due yet"));
  }
  return absl::OkStatus();
}

// Every interval that passed without a review is one finding (due: when it ended).
absl::Status record_missed_reviews(LoopCall& c) {
  auto& d = c.target->data;
  const std::int64_t interval = d.at("review_interval_days").as_int64();
  std::int64_t next = d.at("next_review_at").as_int64();
  auto& missed = d.at("missed_reviews").as_array();
  while (next <= c.now) {
    missed.push_back(json::object{{"due_at", next}, {"found_at", c.now}});
    next += interval * 86400;
  }
  d["next_review_at"] = next;
  return absl::OkStatus();
}

absl::Status past_deadline(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {}));
  if (c.now < c.item->data.at("due_at").as_int64()) {
    return absl::FailedPreconditionError(cat(where(c), ": the deadline ", sv(c.item->data.at("due").as_string()),
                                             " has not passed (it ends at 24:00 China time)"));
  }
  return absl::OkStatus();
}

absl::Status all_milestones_done(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"summary"}));
  JICENG_RETURN_IF_ERROR(text_field(c, "summary", 2000, false).status());
  const std::int64_t bp = c.item->data.at("progress_bp").as_int64();
  if (bp != 10000) {
    return absl::FailedPreconditionError(
        cat(where(c), ": progress is ", bp / 100, ".", bp % 100 < 10 ? "0" : "", bp % 100,
            "%; every milestone must reach 100% first"));
  }
  return absl::OkStatus();
}

absl::Status record_completion(LoopCall& c) {
  auto& d = c.target->data;
  d["completed_at"] = c.now;
  d["late"] = c.now >= d.at("due_at").as_int64();
  if (const json::value* s = c.input.if_contains("summary")) d["summary"] = *s;
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// publish the result: posted from a date for at least the policy's days, Civil Code counting.

absl::StatusOr<Timestamp> publication_end(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"from", "channel"}));
  JICENG_RETURN_IF_ERROR(text_field(c, "channel", 200, true).status());
  const json::value* from = c.input.if_contains("from");
  if (from == nullptr) return bad_field(c, "from", "(the first day posted, \"YYYY-MM-DD\") is required");
  JICENG_ASSIGN_OR_RETURN(std::int64_t day, loopval::parse_day(*from, cat(where(c), ": field \"from\"")));
  if (day < today(c)) return bad_field(c, "from", cat("is before today, ", loopval::format_day(today(c))));
  JICENG_ASSIGN_OR_RETURN(json::object posting, rule(c, "disclosure.posting"));
  auto end = loopval::civil_period_end(c.host.calendar(), day, static_cast<int>(posting.at("min_days").as_int64()));
  if (!end.ok()) return absl::FailedPreconditionError(cat(where(c), ": ", end.status().message()));
  return *end;
}

absl::Status publication_valid(const LoopCall& c) { return publication_end(c).status(); }

absl::Status record_publication(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(Timestamp end, publication_end(c));
  c.target->data["publication"] = json::object{
      {"from", c.input.at("from")}, {"channel", c.input.at("channel")}, {"ends_at", end}};
  return absl::OkStatus();
}

absl::Status publication_over(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {}));
  const Timestamp end = c.item->data.at("publication").as_object().at("ends_at").as_int64();
  if (c.now < end) {
    return absl::FailedPreconditionError(
        cat(where(c), ": the result stays posted until ", loopval::format_day(loopval::day_of(end) - 1),
            " 24:00 China time (the policy's disclosure.posting days, counted as the Civil Code counts periods)"));
  }
  return absl::OkStatus();
}

absl::Status record_published(LoopCall& c) {
  c.target->data["published_at"] = c.now;
  return absl::OkStatus();
}

absl::Status reason_given(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"reason"}));
  return text_field(c, "reason", 1000, true).status();
}
absl::Status record_cancel(LoopCall& c) {
  c.target->data["cancel_reason"] = c.input.at("reason");
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// The table.

constexpr RoleMask kSys = role_bit(Role::kSystem);
constexpr RoleMask kLeaders =
    role_bit(Role::kCommunitySecretary) | role_bit(Role::kStreetOfficer) | role_bit(Role::kDistrictOfficer);
constexpr RoleMask kStaff = kLeaders | role_bit(Role::kGridWorker) | role_bit(Role::kHubHead) |
                            role_bit(Role::kCommunityStaff) | role_bit(Role::kRedStewardLead);
constexpr LoopScope kUnit = LoopScope::kItemUnit;

constexpr LoopState kStates[] = {
    {"proposed", "已提出"},        {"approved", "已立项"},  {"in_progress", "实施中"}, {"overdue", "已逾期"},
    {"done", "已完成"},            {"publishing", "结果公示中"}, {"published", "结果已公示", true},
    {"cancelled", "已撤销", true},
};
constexpr LoopEventType kEvents[] = {
    {"propose", "提出项目"},   {"approve", "议定立项"},   {"start", "开始实施"},   {"progress", "报告进度"},
    {"review", "定期调度"},    {"miss_review", "调度缺失"}, {"overdue", "逾期"},      {"complete", "完成"},
    {"publish", "公示结果"},   {"conclude", "公示期满"},   {"cancel", "撤销"},
};
#define ROW(from, ev, to, roles, guard, action) \
  LoopRow { from, ev, to, roles, kUnit, #guard, &guard, #action, &action }
#define ROW0(from, ev, to, roles, guard) \
  LoopRow { from, ev, to, roles, kUnit, #guard, &guard, "none", nullptr }
constexpr LoopRow kRows[] = {
    ROW("", "propose", "proposed", kStaff, propose_valid, init_project),
    ROW("proposed", "approve", "approved", kLeaders, decision_valid, record_decision),
    ROW("approved", "start", "in_progress", kStaff, no_fields, record_start),
    ROW("in_progress", "progress", "in_progress", kStaff, progress_valid, record_progress),
    ROW("overdue", "progress", "overdue", kStaff, progress_valid, record_progress),
    ROW("approved", "review", "approved", kLeaders, review_valid, record_review),
    ROW("in_progress", "review", "in_progress", kLeaders, review_valid, record_review),
    ROW("overdue", "review", "overdue", kLeaders, review_valid, record_review),
    ROW("approved", "miss_review", "approved", kSys, review_missed, record_missed_reviews),
    ROW("in_progress", "miss_review", "in_progress", kSys, review_missed, record_missed_reviews),
    ROW("overdue", "miss_review", "overdue", kSys, review_missed, record_missed_reviews),
    ROW0("approved", "overdue", "overdue", kSys, past_deadline),
    ROW0("in_progress", "overdue", "overdue", kSys, past_deadline),
    ROW("in_progress", "complete", "done", kStaff, all_milestones_done, record_completion),
    ROW("overdue", "complete", "done", kStaff, all_milestones_done, record_completion),
    ROW("done", "publish", "publishing", kStaff, publication_valid, record_publication),
    ROW("publishing", "conclude", "published", kStaff | kSys, publication_over, record_published),
    ROW("proposed", "cancel", "cancelled", kLeaders, reason_given, record_cancel),
    ROW("approved", "cancel", "cancelled", kLeaders, reason_given, record_cancel),
    ROW("in_progress", "cancel", "cancelled", kLeaders, reason_given, record_cancel),
    ROW("overdue", "cancel", "cancelled", kLeaders, reason_given, record_cancel),
};
#undef ROW
#undef ROW0
constexpr LoopTable kTable{"projects", "项目", "P", kStates, kEvents, kRows};

std::string percent_text(std::int64_t bp) {
  return cat(bp / 100, ".", bp % 100 < 10 ? "0" : "", bp % 100, "%");
}

bool counts_as_done(std::string_view state) { return state == "done" || state == "publishing" || state == "published"; }

class ProjectsLoop final : public TableLoop {
 public:
  ProjectsLoop() : TableLoop(kTable, "board, four_lists, village_campaign, findings") {}

  absl::StatusOr<std::string> query(std::string_view name, std::string_view params,
                                    const LoopHost& host) const override {
    if (name == "board") return board(params, host);
    if (name == "four_lists") return four_lists(params, host);
    if (name == "village_campaign") return village_campaign(params, host);
    if (name == "findings") return findings(params);
    return TableLoop::query(name, params, host);
  }

 private:
  std::string_view state_of(const LoopItem& it) const { return kTable.states[it.state].name; }

  void clock_commands(const LoopItem& it, std::vector<ClockCommand>& out) const override {
    const std::string_view s = state_of(it);
    if (s == "approved" || s == "in_progress") out.push_back({"overdue", it.data.at("due_at").as_int64()});
    if ((s == "approved" || s == "in_progress" || s == "overdue") && it.data.contains("next_review_at")) {
      out.push_back({"miss_review", it.data.at("next_review_at").as_int64()});
    }
    if (s == "publishing") {
      out.push_back({"conclude", it.data.at("publication").as_object().at("ends_at").as_int64()});
    }
  }

  // A village sits in one tier: every live item of its plan names the same tier.
  absl::Status cross_check(LoopEvent& e, LoopHost&) const override { return check_tier(e, "projects propose"); }
  absl::Status check_tier(const LoopEvent& e, std::string_view where) const {
    if (e.event != "propose") return absl::OkStatus();
    const json::object d = json::parse(e.data).as_object();
    const json::value* kind = d.if_contains("kind");
    const json::value* tier = d.if_contains("tier");
    if (kind == nullptr || tier == nullptr || kind->as_string() != "village_plan") return absl::OkStatus();
    const json::string& unit = d.at("unit").as_string();
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      if (it.unit != sv(unit) || state_of(it) == "cancelled" || it.data.at("kind").as_string() != "village_plan") continue;
      if (it.data.at("tier") != *tier) {
        return absl::FailedPreconditionError(
            cat(where, ": village ", sv(unit), " is in tier ", sv(it.data.at("tier").as_string()), " (",
                display_item_id(kTable, i), "); one village, one tier — cancel its items to reclass it"));
      }
    }
    return absl::OkStatus();
  }

  json::object row(const LoopItem& it, const LoopHost& host) const {
    const auto& d = it.data;
    json::object r{{"id", display_item_id(kTable, it.id)},
                   {"title", d.at("title")},
                   {"kind", d.at("kind")},
                   {"unit", it.unit},
                   {"lead_unit", d.at("lead_unit")},
                   {"co_units", d.at("co_units")},
                   {"state", state_of(it)},
                   {"state_zh", kTable.states[it.state].zh},
                   {"progress", percent_text(d.at("progress_bp").as_int64())},
                   {"progress_bp", d.at("progress_bp")},
                   {"rollup", d.at("rollup")},
                   {"due", d.at("due")},
                   {"missed_reviews", d.at("missed_reviews").as_array().size()},
                   {"reviews", d.at("reviews").as_array().size()}};
    if (auto u = host.org().find(it.unit)) {
      const int lvl = host.org().level(*u);
      if (lvl >= 1) r["street"] = host.org().id(host.org().ancestor_at_level(*u, 1));
    }
    if (const json::value* b = d.if_contains("budget_fen")) r["budget"] = loopval::format_fen(b->as_int64());
    if (const json::value* t = d.if_contains("tier")) r["tier"] = *t;
    if (const json::value* h = d.if_contains("horizon")) r["horizon"] = *h;
    if (const json::value* l = d.if_contains("late")) r["late"] = *l;
    if (const json::value* dec = d.if_contains("decision")) {
      if (const json::value* m = dec->as_object().if_contains("matter")) r["matter"] = *m;  // the deciding 议事事项
    }
    return r;
  }

  absl::StatusOr<json::object> params_of(std::string_view name, std::string_view params,
                                         std::initializer_list<std::string_view> known) const {
    json::object p;
    if (!params.empty()) {
      json::error_code ec;
      json::value v = json::parse(json::string_view(params.data(), params.size()), ec);
      if (ec || !v.is_object()) return absl::InvalidArgumentError(cat("projects query ", name, ": parameters must be a JSON object"));
      p = std::move(v.as_object());
    }
    for (const auto& kv : p) {
      if (std::find(known.begin(), known.end(), sv(kv.key())) == known.end()) {
        std::string list;
        for (auto n : known) list += cat(list.empty() ? "" : ", ", n);
        return absl::InvalidArgumentError(cat("projects query ", name, ": unknown parameter \"", sv(kv.key()), "\" (", list, ")"));
      }
      if (!kv.value().is_string()) {
        return absl::InvalidArgumentError(cat("projects query ", name, ": parameter \"", sv(kv.key()), "\" must be a string"));
      }
    }
    return p;
  }

  absl::StatusOr<std::optional<std::uint32_t>> unit_param(const json::object& p, std::string_view name,
                                                          const LoopHost& host, bool required) const {
    const json::value* u = p.if_contains("unit");
    if (u == nullptr) {
      if (required) return absl::InvalidArgumentError(cat("projects query ", name, ": parameter \"unit\" is required"));
      return std::optional<std::uint32_t>();
    }
    auto idx = host.org().find(sv(u->as_string()));
    if (!idx) {
      return absl::NotFoundError(cat("projects query ", name, ": unit \"", sv(u->as_string()), "\" is not in the org graph"));
    }
    return std::optional<std::uint32_t>(*idx);
  }

  // The board: one row per project under a unit, with state, progress and deadline.
  absl::StatusOr<std::string> board(std::string_view params, const LoopHost& host) const {
    JICENG_ASSIGN_OR_RETURN(json::object p, params_of("board", params, {"unit", "kind", "state"}));
    JICENG_ASSIGN_OR_RETURN(auto under, unit_param(p, "board", host, false));
    json::array rows;
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      if (const json::value* k = p.if_contains("kind"); k && it.data.at("kind") != *k) continue;
      if (const json::value* s = p.if_contains("state"); s && state_of(it) != sv(s->as_string())) continue;
      if (under) {
        auto u = host.org().find(it.unit);
        if (!u || !host.org().is_ancestor_or_self(*under, *u)) continue;
      }
      rows.push_back(row(it, host));
    }
    return canonical_json(json::object{{"projects", std::move(rows)}});
  }

  // The four lists of a 大党委 (片区型大党委): needs, resources, projects, responsibilities,
  // over the projects that touch its area (the subtree of the unit it sits in) or its member
  // units (机关, enterprises, social organizations joined to it).
  absl::StatusOr<std::string> four_lists(std::string_view params, const LoopHost& host) const {
    JICENG_ASSIGN_OR_RETURN(json::object p, params_of("four_lists", params, {"unit"}));
    JICENG_ASSIGN_OR_RETURN(auto jc, unit_param(p, "four_lists", host, true));
    const OrgGraph& g = host.org();
    if (g.kind(*jc) != UnitKind::kJointCommittee) {
      return absl::InvalidArgumentError(cat("projects query four_lists: unit ", g.id(*jc), " is a ",
                                            to_string(g.kind(*jc)), ", not a joint committee (大党委)"));
    }
    std::set<std::uint32_t> members;
    for (auto m : g.joint_committee_members(*jc)) members.insert(m);
    const auto area_root = g.parent(*jc);
    auto in_area = [&](std::string_view id) {
      auto u = g.find(id);
      if (!u) return false;
      if (*u == *jc || members.count(*u)) return true;
      return area_root != kNoUnit && g.is_ancestor_or_self(area_root, *u);
    };
    std::map<std::pair<std::string, std::string>, json::array> needs;
    json::array resources, projects;
    std::map<std::string, std::pair<json::array, json::array>> resp;  // unit → (leads, joins)
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      const auto& d = it.data;
      bool touches = in_area(it.unit) || in_area(sv(d.at("lead_unit").as_string()));
      for (const auto& u : d.at("co_units").as_array()) touches = touches || in_area(sv(u.as_string()));
      if (!touches) continue;
      const std::string id = display_item_id(kTable, i);
      for (const auto& n : d.at("needs").as_array()) {
        needs[{std::string(sv(n.as_object().at("kind").as_string())), std::string(sv(n.as_object().at("ref").as_string()))}]
            .push_back(json::string(js(id)));
      }
      for (const auto& r : d.at("resources").as_array()) {
        json::object o = r.as_object();
        o["project"] = id;
        const auto by = g.find(sv(o.at("by").as_string()));  // a later org graph may lack it
        if (by) o["by_name"] = g.name(*by);
        o["member_unit"] = by && members.count(*by) > 0;
        if (const json::value* v = o.if_contains("value_fen")) {
          o["value"] = loopval::format_fen(v->as_int64());
          o.erase("value_fen");
        }
        resources.push_back(std::move(o));
      }
      json::object pr = row(it, host);
      pr["needs"] = d.at("needs");
      pr["resources"] = d.at("resources").as_array().size();
      projects.push_back(std::move(pr));
      resp[std::string(sv(d.at("lead_unit").as_string()))].first.push_back(json::string(js(id)));
      for (const auto& u : d.at("co_units").as_array()) resp[std::string(sv(u.as_string()))].second.push_back(json::string(js(id)));
    }
    json::array need_list;
    for (auto& [k, ps] : needs) {
      const bool open = std::any_of(ps.begin(), ps.end(), [&](const json::value& v) {
        auto id = parse_item_id(kTable, v);
        return id.ok() && !counts_as_done(state_of(*item(*id)));
      });
      need_list.push_back(json::object{{"kind", k.first}, {"ref", k.second}, {"projects", ps}, {"answered", !open}});
    }
    std::stable_sort(resources.begin(), resources.end(), [](const json::value& a, const json::value& b) {
      const json::value* ma = a.as_object().if_contains("month");
      const json::value* mb = b.as_object().if_contains("month");
      return (ma ? ma->as_int64() : 13) < (mb ? mb->as_int64() : 13);
    });
    json::array resp_list;
    for (auto& [u, lj] : resp) {
      json::object o{{"unit", u}, {"leads", lj.first}, {"joins", lj.second}};
      if (auto x = g.find(u)) o["name"] = g.name(*x);
      resp_list.push_back(std::move(o));
    }
    json::array member_ids;
    for (auto m : members) member_ids.push_back(json::string(js(g.id(m))));
    return canonical_json(json::object{{"joint_committee", g.id(*jc)},
                                       {"name", g.name(*jc)},
                                       {"members", std::move(member_ids)},
                                       {"needs", std::move(need_list)},
                                       {"resources", std::move(resources)},
                                       {"projects", std::move(projects)},
                                       {"responsibilities", std::move(resp_list)}});
  }

  // 一村一策 campaign checks as of a date: every village has a plan (an approved item)
  // within `plan_within_years` of the start, and all its items are done within
  // `cover_within_years` (一年攻坚、两年全覆盖).
  absl::StatusOr<std::string> village_campaign(std::string_view params, const LoopHost& host) const {
    const std::string_view q = "projects query village_campaign";
    json::object p;
    if (!params.empty()) {
      json::error_code ec;
      json::value v = json::parse(json::string_view(params.data(), params.size()), ec);
      if (ec || !v.is_object()) return absl::InvalidArgumentError(cat(q, ": parameters must be a JSON object"));
      p = std::move(v.as_object());
    }
    for (const auto& kv : p) {
      const std::string_view k = sv(kv.key());
      if (k != "villages" && k != "start" && k != "as_of") {
        return absl::InvalidArgumentError(cat(q, ": unknown parameter \"", k, "\" (villages, start, as_of)"));
      }
    }
    const json::value* vs = p.if_contains("villages");
    if (vs == nullptr || !vs->is_array() || vs->as_array().empty()) {
      return absl::InvalidArgumentError(cat(q, ": parameter \"villages\" (the campaign's village unit ids) is required"));
    }
    if (!p.contains("start") || !p.contains("as_of")) {
      return absl::InvalidArgumentError(cat(q, ": parameters \"start\" and \"as_of\" (dates) are required"));
    }
    JICENG_ASSIGN_OR_RETURN(std::int64_t start, loopval::parse_day(p.at("start"), cat(q, ": start")));
    JICENG_ASSIGN_OR_RETURN(std::int64_t as_of, loopval::parse_day(p.at("as_of"), cat(q, ": as_of")));
    auto pr = host.policy().rule_params_json("village_plan.campaign");
    if (!pr.ok()) {
      return absl::FailedPreconditionError(cat(q, ": the policy set ", host.policy().name(), " has no rule village_plan.campaign"));
    }
    const json::object camp = json::parse(*pr).as_object();
    const auto years = [&](std::int64_t n) {
      const boost::gregorian::date s = boost::gregorian::date(1970, 1, 1) + boost::gregorian::days(start);
      return (s + boost::gregorian::years(static_cast<int>(n)) - boost::gregorian::date(1970, 1, 1)).days();
    };
    const std::int64_t plan_by = years(camp.at("plan_within_years").as_int64());
    const std::int64_t cover_by = years(camp.at("cover_within_years").as_int64());
    json::array rows;
    std::int64_t planned = 0, covered = 0, failing = 0;
    std::map<std::string, std::int64_t> tiers;
    std::set<std::string> seen;
    for (std::size_t vi = 0; vi < vs->as_array().size(); ++vi) {
      const json::value& v = vs->as_array()[vi];
      if (!v.is_string() || !host.org().find(sv(v.as_string()))) {
        return absl::NotFoundError(cat(q, ": villages[", vi, "] is not a unit of the org graph"));
      }
      const std::string village(sv(v.as_string()));
      if (!seen.insert(village).second) return absl::InvalidArgumentError(cat(q, ": village ", village, " is listed twice"));
      std::int64_t plan_day = -1, last_done = -1, items = 0, done = 0;
      std::string tier;
      for (std::size_t i = 1; i <= size(); ++i) {
        const LoopItem& it = *item(i);
        if (it.unit != village || it.data.at("kind").as_string() != "village_plan" || state_of(it) == "cancelled") continue;
        ++items;
        tier = std::string(sv(it.data.at("tier").as_string()));
        if (const json::value* dec = it.data.if_contains("decision")) {
          const std::int64_t day = loopval::day_of(dec->as_object().at("at").as_int64());
          if (plan_day < 0 || day < plan_day) plan_day = day;
        }
        if (const json::value* ca = it.data.if_contains("completed_at")) {
          ++done;
          last_done = std::max(last_done, loopval::day_of(ca->as_int64()));
        }
      }
      json::object r{{"village", village}, {"items", items}, {"done", done}};
      if (!tier.empty()) {
        r["tier"] = tier;
        ++tiers[tier];
      }
      // plan: met / late / missing / pending (the deadline has not come yet)
      std::string plan;
      if (plan_day >= 0 && plan_day <= as_of) {
        plan = plan_day <= plan_by ? "met" : "late";
        r["planned_on"] = loopval::format_day(plan_day);
        ++planned;
      } else {
        plan = as_of > plan_by ? "missing" : "pending";
      }
      std::string cover;
      if (items > 0 && done == items && last_done <= as_of) {
        cover = last_done <= cover_by ? "met" : "late";
        r["covered_on"] = loopval::format_day(last_done);
        ++covered;
      } else {
        cover = as_of > cover_by ? "missing" : "pending";
      }
      r["plan"] = plan;
      r["coverage"] = cover;
      if (plan == "missing" || plan == "late" || cover == "missing" || cover == "late") ++failing;
      rows.push_back(std::move(r));
    }
    json::object tier_counts;
    for (const auto& t : camp.at("tiers").as_array()) tier_counts[t.as_string()] = tiers[std::string(sv(t.as_string()))];
    return canonical_json(json::object{{"start", loopval::format_day(start)},
                                       {"as_of", loopval::format_day(as_of)},
                                       {"plan_by", loopval::format_day(plan_by)},
                                       {"cover_by", loopval::format_day(cover_by)},
                                       {"villages", vs->as_array().size()},
                                       {"planned", planned},
                                       {"covered", covered},
                                       {"failing", failing},
                                       {"tiers", std::move(tier_counts)},
                                       {"rows", std::move(rows)}});
  }

  // Findings: missed periodic reviews (定期调度), overdue projects, late completions.
  absl::StatusOr<std::string> findings(std::string_view params) const {
    JICENG_ASSIGN_OR_RETURN(json::object p, params_of("findings", params, {}));
    json::array out;
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      const std::string id = display_item_id(kTable, i);
      for (const auto& m : it.data.at("missed_reviews").as_array()) {
        out.push_back(json::object{{"project", id},
                                   {"unit", it.unit},
                                   {"code", "review_missed"},
                                   {"due", loopval::format_day(loopval::day_of(m.as_object().at("due_at").as_int64()) - 1)}});
      }
      if (state_of(it) == "overdue") {
        out.push_back(json::object{{"project", id}, {"unit", it.unit}, {"code", "overdue"}, {"due", it.data.at("due")}});
      }
      if (const json::value* l = it.data.if_contains("late"); l && l->as_bool()) {
        out.push_back(json::object{{"project", id}, {"unit", it.unit}, {"code", "completed_late"}, {"due", it.data.at("due")}});
      }
    }
    return canonical_json(json::object{{"findings", std::move(out)}});
  }
};

}  // namespace

const LoopTable& projects_loop_table() { return kTable; }
std::unique_ptr<Loop> make_projects_loop() { return std::make_unique<ProjectsLoop>(); }

}  // namespace jiceng
