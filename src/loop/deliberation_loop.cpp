// The deliberation loop (议事). A matter (议事事项) is raised at a community, a compound or a
// village; policy data (rule deliberation.procedures) chooses its procedure from its kind
// and scope, and gives the procedure as an ordered list of steps: meetings of named bodies,
// disclosures, implementation. The table below is the whole state machine:
//
//   raise → draft ─start→ deliberating ─meeting_passed / implemented→ deliberating …
//                          deliberating ─meeting_failed→ failed ─return_to_draft→ draft
//                          deliberating ─post→ posted ─complete_disclosure (clock)→ deliberating
//                                               posted ─take_down→ deliberating (a finding)
//                          deliberating ─conclude→ concluded (every step done)
//   draft / failed / deliberating ─abandon→ abandoned
//
// The law it carries out:
// - 居民委员会组织法 (2026) 第二十六至二十九条, 村民委员会组织法 (2026) 第二十五、二十六、二十九、
//   三十条 and 中国共产党支部工作条例（试行）第十一条: quorum and decision of the residents',
//   villagers', representatives' and party members' meetings — counted by the policy's
//   `vote.meeting` rule from the meeting's roll (who was entitled, with voter class) and
//   its yes / no / abstain. Probationary members (预备党员) attend without a vote (党章 第七条).
// - 居 第三十条第四款 / 村 第二十八条第三款: matters for those meetings are first discussed by the
//   party organization — each procedure's first step.
// - 民法典 第二百七十八条: matters for the owners jointly (the maintenance fund, paid parking on
//   common roads, changing the use of common parts …) are decided by the owners, counted by
//   `vote.owners_assembly` by area and by head; a residents' or villagers' meeting may not
//   decide them (refused with the article named).
// - 居 第三十二条: a 议事会 consultation has no statutory quorum; its outcome is consensus,
//   majority (the policy's council_majority of those attending) or none; 居 第四十二条: money
//   from residents is raised only voluntarily, so a council matter carries no levy.
// - 居 第三十四条 / 村 第三十五条 (`disclosure.posting`, ≥15 days) with the period counted as
//   民法典 第二百零一至二百零三条 (calendar.hpp civil_code_period_last_day): the clock completes a
//   disclosure at 24:00 of its last day; one taken down before then is a finding.
#include "loop/deliberation_loop.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/strings.hpp"
#include "jiceng/calendar.hpp"
#include "jiceng/org.hpp"
#include "jiceng/policy.hpp"
#include "loop/civic_util.hpp"
#include "loop/table_loop.hpp"
#include "policy/internal.hpp"

namespace jiceng::deliberation {
namespace {

namespace json = boost::json;
using internal::cat;
using policy_internal::meets;
using policy_internal::Ratio;
using policy_internal::ratio_param;

constexpr std::string_view kRule = "deliberation.procedures";
constexpr int kAreaScale = 4;  // owners' areas in 0.0001 m², as vote.owners_assembly reads them

using civic::sv;
using civic::where;
json::string_view js(std::string_view s) { return civic::jv(s); }

absl::Status bad(const LoopCall& c, std::string_view what) {
  return absl::InvalidArgumentError(cat(where(c), ": ", what));
}
absl::Status refused(const LoopCall& c, std::string_view what) {
  return absl::FailedPreconditionError(cat(where(c), ": ", what));
}

// ---- the policy's rule -------------------------------------------------------------------

absl::StatusOr<json::object> rule_params(const LoopCall& c) {
  return civic::rule_params(c, kRule, "the procedures deliberation follows");
}

std::string_view str(const json::object& o, std::string_view k) { return civic::str_at(o, k); }
bool in_array(const json::value* a, std::string_view s) {
  if (a == nullptr || !a->is_array()) return false;
  for (const auto& x : a->as_array())
    if (x.is_string() && sv(x.as_string()) == s) return true;
  return false;
}

// The scope of a matter from its unit: a community (社区), a compound (小区) or a village (村).
absl::StatusOr<std::string> scope_of(const LoopCall& c, std::string_view unit) {
  const OrgGraph& org = c.host.org();
  const auto u = org.find(unit);
  if (!u) return absl::NotFoundError(cat(where(c), ": unit \"", unit, "\" is not in the org graph"));
  const UnitKind k = org.kind(*u);
  if (k == UnitKind::kCompoundBranch) return std::string("compound");
  if (k == UnitKind::kVillageBranch) return std::string("village");
  if (k == UnitKind::kCommunityCommittee || k == UnitKind::kCommunityGeneralBranch || k == UnitKind::kCommunityBranch) {
    return std::string(org.schema(*u) == AreaSchema::kRural ? "village" : "community");
  }
  return bad(c, cat("unit ", unit, " is a ", to_string(k),
                    ": a matter belongs to a community, a compound (compound_branch) or a village"));
}

// The selection and the owners' matters come from the policy area (deliberation_rules.cpp),
// the same code the `matter` policy subject is evaluated with.
std::int64_t owners_item(const json::object& rule, std::string_view kind) {
  return policy_internal::deliberation_owners_item(rule, kind);
}
bool residents_body(std::string_view b) { return policy_internal::deliberation_residents_body(b); }
std::string select_procedure(const json::object& rule, std::string_view kind, std::string_view scope) {
  return policy_internal::deliberation_select(rule, kind, scope);
}

// Checks that a procedure suits the matter: art. 278 matters never go to a residents' or
// villagers' meeting; a council procedure carries no levy (居 42).
absl::Status procedure_fits(const LoopCall& c, const json::object& rule, std::string_view name, std::string_view kind,
                            bool levy) {
  const json::value* p = rule.at("procedures").as_object().if_contains(js(name));
  if (p == nullptr) {
    std::vector<std::string> names;
    for (const auto& kv : rule.at("procedures").as_object()) names.emplace_back(sv(kv.key()));
    return bad(c, cat("unknown procedure \"", name, "\" (the policy's: ", absl::StrJoin(names, ", "), ")"));
  }
  const std::int64_t item = owners_item(rule, kind);
  bool owners = false, council = false;
  for (const auto& s : p->as_object().at("steps").as_array()) {
    const json::value* bodies = s.as_object().if_contains("bodies");
    if (bodies == nullptr) continue;
    for (const auto& b : bodies->as_array()) {
      const std::string_view body = sv(b.as_string());
      if (item != 0 && residents_body(body)) {
        return refused(c, cat("民法典 第二百七十八条: a matter of kind ", kind, " (item ", item,
                              ") is for the owners to decide jointly; procedure ", name, " has a ", body,
                              ", which may not decide it — use the owners' procedure ", str(rule, "owners_procedure")));
      }
      owners = owners || body == "owners_assembly";
      council = council || body == "council";
    }
  }
  if (item == 0 && owners) {
    return refused(c, cat("kind ", kind, " is not one of the owners' matters of 民法典 第二百七十八条 (owners_items); "
                          "procedure ", name, " is an owners' assembly"));
  }
  if (council && levy) {
    return refused(c, cat("居民委员会组织法 第四十二条: money is raised from residents only voluntarily; procedure ", name,
                          " is a 议事会 consultation, which may not levy it (choose one_matter_one_deliberation in a "
                          "village, or drop the levy)"));
  }
  return absl::OkStatus();
}

// The steps of a procedure for this matter: with the 一肩挑 merge, a step marked
// merge_when_one_shoulder is folded into the next one (one meeting proposes and deliberates).
json::array steps_for(const json::object& rule, std::string_view name, bool one_shoulder) {
  json::array out;
  const bool merge = one_shoulder && rule.at("one_shoulder_merge").as_bool();
  std::optional<json::value> absorbed;  // the id of a step folded into the next one
  for (const auto& s : rule.at("procedures").as_object().at(js(name)).as_object().at("steps").as_array()) {
    const auto& o = s.as_object();
    const json::value* m = o.if_contains("merge_when_one_shoulder");
    if (merge && m && m->as_bool()) {
      absorbed = o.at("id");
      continue;
    }
    json::object step{{"id", o.at("id")}, {"zh", o.at("zh")}, {"kind", o.at("kind")}};
    if (const json::value* b = o.if_contains("bodies")) step["bodies"] = *b;
    if (const json::value* a = o.if_contains("authorisation")) step["authorisation"] = *a;
    if (absorbed) step["absorbs"] = *std::exchange(absorbed, std::nullopt);
    out.push_back(std::move(step));
  }
  return out;
}

const json::object* current_step(const LoopItem& it) {
  const auto& steps = it.data.at("steps").as_array();
  const auto i = static_cast<std::size_t>(it.data.at("step").as_int64());
  return i < steps.size() ? &steps[i].as_object() : nullptr;
}

absl::Status step_is(const LoopCall& c, std::string_view kind) {
  const json::object* s = current_step(*c.item);
  if (s == nullptr) return refused(c, "every step of the procedure is done (conclude it)");
  if (sv(s->at("kind").as_string()) != kind) {
    return refused(c, cat("the current step is ", sv(s->at("id").as_string()), " (", sv(s->at("zh").as_string()),
                          "), a ", sv(s->at("kind").as_string()), ", not a ", kind));
  }
  return absl::OkStatus();
}

std::string china_day(Timestamp t) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(t), absl::FixedTimeZone(8 * 3600));
}

// A date field "YYYY-MM-DD" not after the command's day (China time).
absl::StatusOr<Date> date_field(const LoopCall& c, std::string_view field) {
  JICENG_ASSIGN_OR_RETURN(std::string_view text, required_string(c, field, 10));
  auto d = parse_date(text);
  if (!d.ok()) return bad(c, cat("field \"", field, "\": ", internal::sv(d.status().message())));
  if (format_date(*d) > china_day(c.now)) {
    return bad(c, cat("field \"", field, "\": ", text, " is after the day of the command, ", china_day(c.now)));
  }
  return *d;
}

void add_finding(json::object& data, json::object f) {
  if (!data.contains("findings")) data["findings"] = json::array();
  data["findings"].as_array().push_back(std::move(f));
}

// ---- raise, revise, choose_procedure ----------------------------------------------------

struct Raise {
  std::string scope, procedure;
  bool levy = false;
};

// query_petitions: the guard asks the engine about each referred petition; the action does
// not ask again — its hold (LoopHost::hold_petition) refuses a petition not in progress or
// held already, live and in replay, so each petition is read once.
absl::StatusOr<Raise> check_raise(const LoopCall& c, const json::object& rule, bool query_petitions) {
  for (const auto& kv : c.input) {
    static const std::set<std::string_view> kKnown = {"unit", "title", "kind", "category", "raised_by",
                                                      "proposers", "eligible", "one_shoulder", "levy", "petitions"};
    if (!kKnown.contains(sv(kv.key()))) return bad(c, cat("unknown field \"", sv(kv.key()), "\""));
  }
  Raise r;
  JICENG_ASSIGN_OR_RETURN(r.scope, scope_of(c, sv(c.input.at("unit").as_string())));
  JICENG_RETURN_IF_ERROR(required_string(c, "title", 512).status());
  JICENG_ASSIGN_OR_RETURN(std::string_view kind, required_string(c, "kind", 64));
  if (const json::value* cat_v = c.input.if_contains("category")) {
    if (!cat_v->is_string() || cat_v->as_string().empty() || cat_v->as_string().size() > 64) {
      return bad(c, "field \"category\" must be a non-empty string of at most 64 bytes");
    }
  }
  // Petitions referred to the matter (转办议事): each in progress and not held elsewhere; the
  // matter holds their evaluation until it concludes or is abandoned.
  if (const json::value* ps = c.input.if_contains("petitions")) {
    if (!ps->is_array() || ps->as_array().empty() || ps->as_array().size() > 50) {
      return bad(c, "field \"petitions\" must be a list of 1 to 50 petition ids (P00000042)");
    }
    std::set<std::string_view> seen;
    for (const json::value& v : ps->as_array()) {
      if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 64) {
        return bad(c, "field \"petitions\" must hold petition ids (non-empty strings of at most 64 bytes)");
      }
      if (!seen.insert(sv(v.as_string())).second) {
        return bad(c, cat("field \"petitions\" names ", sv(v.as_string()), " twice"));
      }
      if (query_petitions) JICENG_RETURN_IF_ERROR(civic::referable_petition(c, "petitions", sv(v.as_string())).status());
    }
  }
  if (const json::value* o = c.input.if_contains("one_shoulder"); o && !o->is_bool()) {
    return bad(c, "field \"one_shoulder\" (the secretary is also the committee's director, 一肩挑) must be true or false");
  }
  JICENG_ASSIGN_OR_RETURN(std::string_view by, required_string(c, "raised_by", 64));
  static const std::set<std::string_view> kBy = {"party_organization", "residents_committee", "villagers_committee",
                                                 "villagers", "representatives"};
  if (!kBy.contains(by)) {
    return bad(c, cat("field \"raised_by\": \"", by,
                      "\" is not one of party_organization, residents_committee, villagers_committee, villagers, "
                      "representatives"));
  }
  r.procedure = select_procedure(rule, kind, r.scope);
  if (r.procedure.empty()) {
    return refused(c, cat("the policy's selection names no procedure for kind ", kind, " at a ", r.scope));
  }
  // 一事一议: the levy and its caps; who may propose.
  const auto& omod = rule.at("one_matter_one_deliberation").as_object();
  if (const json::value* lv = c.input.if_contains("levy")) {
    if (!lv->is_object()) return bad(c, "field \"levy\" must be an object {cash_fen_per_person, workdays_per_labourer}");
    for (const auto& kv : lv->as_object()) {
      const std::string_view k = sv(kv.key());
      if ((k != "cash_fen_per_person" && k != "workdays_per_labourer") || !kv.value().is_int64() ||
          kv.value().as_int64() < 0) {
        return bad(c, cat("field \"levy.", k, "\": expected cash_fen_per_person or workdays_per_labourer, an integer ≥ 0"));
      }
    }
    r.levy = true;
    const auto cap = [&](std::string_view k, std::string_view cap_key, std::string_view what) -> absl::Status {
      const json::value* v = lv->as_object().if_contains(js(k));
      const std::int64_t limit = omod.at(js(cap_key)).as_int64();
      if (v && v->as_int64() > limit) {
        return refused(c, cat("levy.", k, " ", v->as_int64(), " exceeds the cap of ", limit, " ", what,
                              " per year (policy ", kRule, ".one_matter_one_deliberation.", cap_key,
                              omod.at("caps_verified").as_bool() ? "" : ", a figure not verified for this province", ")"));
      }
      return absl::OkStatus();
    };
    JICENG_RETURN_IF_ERROR(cap("cash_fen_per_person", "cap_cash_fen_per_person_year", "fen per person"));
    JICENG_RETURN_IF_ERROR(cap("workdays_per_labourer", "cap_workdays_per_labourer_year", "workdays per labourer"));
  }
  if (by == "villagers" || by == "representatives") {
    const json::value* p = c.input.if_contains("proposers");
    const json::value* e = c.input.if_contains("eligible");
    if (!p || !p->is_int64() || !e || !e->is_int64() || e->as_int64() < 1 || p->as_int64() < 0 ||
        p->as_int64() > e->as_int64()) {
      return bad(c, cat("raised by ", by, ": fields \"proposers\" and \"eligible\" (integers, 0 ≤ proposers ≤ eligible, "
                        "eligible ≥ 1) are required"));
    }
    const Ratio need = ratio_param(omod.at("proposal").as_object().at(js(by)).as_object());
    if (!meets(p->as_int64(), e->as_int64(), need)) {
      return refused(c, cat("a proposal by ", by, " needs ", policy_internal::ratio_text(need), " of them: ",
                            p->as_int64(), " of ", e->as_int64(), " is not enough (", kRule,
                            ".one_matter_one_deliberation.proposal)"));
    }
  } else if (c.input.contains("proposers") || c.input.contains("eligible")) {
    return bad(c, "fields \"proposers\" and \"eligible\" are for a proposal raised by villagers or representatives");
  }
  JICENG_RETURN_IF_ERROR(procedure_fits(c, rule, r.procedure, kind, r.levy));
  return r;
}

absl::Status raise_valid(const LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(json::object rule, rule_params(c));
  return check_raise(c, rule, true).status();
}

absl::Status register_matter(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(json::object rule, rule_params(c));
  JICENG_ASSIGN_OR_RETURN(Raise r, check_raise(c, rule, false));
  auto& d = c.target->data;
  for (const auto& kv : c.input) {
    if (kv.key() != "unit") d[kv.key()] = kv.value();
  }
  d["scope"] = r.scope;
  d["procedure"] = r.procedure;
  d["procedure_zh"] = rule.at("procedures").as_object().at(js(r.procedure)).as_object().at("zh");
  d["selected_by"] = "policy";
  const json::value* os = c.input.if_contains("one_shoulder");
  d["steps"] = steps_for(rule, r.procedure, os && os->as_bool());
  d["step"] = 0;
  d["major"] = in_array(&rule.at("major_kinds"), str(c.input, "kind"));
  if (const json::value* ps = c.input.if_contains("petitions")) {
    for (const json::value& v : ps->as_array()) JICENG_RETURN_IF_ERROR(hold_referred_petition(c, sv(v.as_string())));
  }
  return absl::OkStatus();
}

absl::Status revise_valid(const LoopCall& c) {
  if (c.input.empty()) return bad(c, "nothing to revise: give \"title\" and/or \"note\"");
  for (const auto& kv : c.input) {
    const std::string_view k = sv(kv.key());
    if (k != "title" && k != "note") return bad(c, cat("unknown field \"", k, "\" (title, note)"));
    if (!kv.value().is_string() || kv.value().as_string().empty() || kv.value().as_string().size() > 4096) {
      return bad(c, cat("field \"", k, "\" must be a non-empty string of at most 4096 bytes"));
    }
  }
  return absl::OkStatus();
}

absl::Status apply_revision(LoopCall& c) {
  auto& d = c.target->data;
  if (const json::value* t = c.input.if_contains("title")) d["title"] = *t;
  d["revisions"] = (d.contains("revisions") ? d["revisions"].as_int64() : 0) + 1;
  return absl::OkStatus();
}

absl::Status choose_valid(const LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(json::object rule, rule_params(c));
  JICENG_ASSIGN_OR_RETURN(std::string_view name, required_string(c, "procedure", 64));
  JICENG_RETURN_IF_ERROR(required_string(c, "reason", 4096).status());
  for (const auto& kv : c.input) {
    if (kv.key() != "procedure" && kv.key() != "reason") {
      return bad(c, cat("unknown field \"", sv(kv.key()), "\" (procedure, reason)"));
    }
  }
  if (name == str(c.item->data, "procedure")) return refused(c, cat("the matter already follows ", name));
  return procedure_fits(c, rule, name, str(c.item->data, "kind"), c.item->data.contains("levy"));
}

absl::Status apply_choice(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(json::object rule, rule_params(c));
  auto& d = c.target->data;
  const std::string name(str(c.input, "procedure"));
  const std::string policy_choice =
      select_procedure(rule, str(d, "kind"), str(d, "scope"));
  const json::value* os = d.if_contains("one_shoulder");
  d["procedure"] = name;
  d["procedure_zh"] = rule.at("procedures").as_object().at(js(name)).as_object().at("zh");
  d["selected_by"] = name == policy_choice ? "policy" : "host";
  d["override_reason"] = c.input.at("reason");
  d["steps"] = steps_for(rule, name, os && os->as_bool());
  d["step"] = 0;
  if (name != policy_choice) {
    add_finding(d, {{"finding", "procedure_override"},
                    {"at", c.now},
                    {"policy_procedure", policy_choice},
                    {"procedure", name},
                    {"reason", c.input.at("reason")}});
  }
  return absl::OkStatus();
}

absl::Status start_valid(const LoopCall& c) {
  if (!c.input.empty()) return bad(c, "start takes no fields");
  return absl::OkStatus();
}

absl::Status begin_procedure(LoopCall& c) {
  auto& d = c.target->data;
  d["step"] = 0;
  d.erase("failed");
  d["starts"] = (d.contains("starts") ? d["starts"].as_int64() : 0) + 1;
  return absl::OkStatus();
}

// ---- meetings ------------------------------------------------------------------------------

// A meeting as recorded: the roll (who was entitled, with voter class), who attended, and
// how each voter voted. Ids are the person's member id, or the household's id, or a
// guest's id (council only).
struct Voter {
  std::string key, cls;
  std::vector<std::string> households;  // a representative's, or the household itself
  std::int64_t area = 0;                 // an owner's, 0.0001 m²
  bool votes = true;                     // probationary members and the under-age attend without a vote
  std::string no_vote;                   // why not: "probationary" or "under_age"
  std::string gender;                    // "female", "male" or "" (not given)
};
struct Tally {
  std::string body;
  std::string date;
  std::vector<Voter> roll;
  std::set<std::string> attended, yes, no, abstain;
  bool passed = false;
  std::string outcome;   // council: consensus / majority / none
  std::string evidence;  // the numbers that decided
  json::array composition;  // a representatives' meeting: meeting.composition / representative_ratio checks
  std::string composition_note;
  json::object counts;
  std::map<std::string, std::int64_t> without_vote;  // on the roll without a vote, by reason
  json::object notice, authorisation;                // as checked, kept with the meeting
};

// 居 第二十六条 / 村 第二十五条: a residents' or villagers' meeting is announced 10 days ahead
// (meeting.call's notice_days for the body), or at short notice in special circumstances:
// the meeting gives noticed_on, or special_circumstances with the reason. The policy's
// meeting.call rule counts the days (the day of notice is not counted).
absl::Status check_notice(const LoopCall& c, std::string_view body, const Date& held, Tally& t) {
  const PolicySet& policy = c.host.policy();
  auto params = policy.rule_params_json("meeting.call");
  if (!params.ok()) return absl::OkStatus();
  const json::value p = json::parse(*params);
  const json::value* days = p.as_object().at("notice_days").as_object().if_contains(js(body));
  const json::value* noticed = c.input.if_contains("noticed_on");
  const json::value* special = c.input.if_contains("special_circumstances");
  if (special && (!special->is_string() || special->as_string().empty() || special->as_string().size() > 4096)) {
    return bad(c, "field \"special_circumstances\" must be the reason for short notice (a string of at most 4096 bytes)");
  }
  if (days == nullptr) {
    if (noticed || special) return bad(c, cat("a ", body, " has no notice period (meeting.call.notice_days): drop noticed_on and special_circumstances"));
    return absl::OkStatus();
  }
  if (special && !p.as_object().at("special_circumstances_exempt").as_bool()) {
    return refused(c, cat("the policy's meeting.call allows no short notice (special_circumstances_exempt is false)"));
  }
  if (noticed == nullptr && special == nullptr) {
    return refused(c, cat("a ", body, " is announced at least ", days->as_int64(),
                          " days ahead (meeting.call.notice_days; 居民委员会组织法 第二十六条, 村民委员会组织法 "
                          "第二十五条): give noticed_on, or special_circumstances with the reason for short notice"));
  }
  json::object subject{{"type", "meeting_call"}, {"id", display_item_id(c.table, c.item->id)}, {"body", body},
                       {"held_on", format_date(held)}, {"special_circumstances", special != nullptr}};
  if (noticed) {
    JICENG_ASSIGN_OR_RETURN(Date on, date_field(c, "noticed_on"));
    subject["noticed_on"] = format_date(on);
    t.notice["noticed_on"] = format_date(on);
    t.notice["days"] = (held - on).days();
  }
  t.notice["min_days"] = days->as_int64();
  if (special) t.notice["special_circumstances"] = *special;
  if (!noticed) return absl::OkStatus();  // short notice, its reason kept
  auto findings = policy.evaluate(json::serialize(subject));
  if (!findings.ok()) return bad(c, internal::sv(findings.status().message()));
  for (const auto& f : *findings) {
    if (f.rule == "meeting.call" && f.check == "notice" && !f.passed) {
      return refused(c, cat("not announced in time (meeting.call: ", f.evidence, ")"));
    }
  }
  return absl::OkStatus();
}

// 村 第二十八条第二款 (居 第三十条第二款 likewise): a representatives' meeting decides the
// matters of the villagers' meeting only as that meeting authorised it. A step lists the
// bodies that need it (policy: the step's "authorisation"); the meeting then gives
// authorisation {date, note?}: the day the villagers' meeting authorised it.
absl::Status check_authorisation(const LoopCall& c, const json::object& step, std::string_view body, const Date& held,
                                 Tally& t) {
  const json::value* a = c.input.if_contains("authorisation");
  if (!in_array(step.if_contains("authorisation"), body)) {
    if (a) return bad(c, cat("a ", body, " at step ", sv(step.at("id").as_string()), " needs no authorisation"));
    return absl::OkStatus();
  }
  if (a == nullptr) {
    return refused(c, cat("村民委员会组织法 第二十八条第二款: a ", body, " decides a matter of kind ",
                          str(c.item->data, "kind"), " only as the villagers' meeting authorised it: give authorisation "
                          "{\"date\": the day of that meeting's authorisation, \"note\"?}"));
  }
  if (!a->is_object()) return bad(c, "field \"authorisation\" must be an object {date, note?}");
  for (const auto& kv : a->as_object()) {
    const std::string_view k = sv(kv.key());
    if (k != "date" && k != "note") return bad(c, cat("authorisation: unknown field \"", k, "\" (date, note)"));
    if (!kv.value().is_string() || kv.value().as_string().size() > 4096) {
      return bad(c, cat("authorisation.", k, " must be a string"));
    }
  }
  auto on = parse_date(str(a->as_object(), "date"));
  if (!on.ok()) return bad(c, cat("authorisation.date: ", internal::sv(on.status().message())));
  if (*on > held) {
    return bad(c, cat("authorisation.date ", format_date(*on), " is after the meeting's date ", format_date(held)));
  }
  t.authorisation = a->as_object();
  t.authorisation["by"] = "villagers_meeting";
  return absl::OkStatus();
}

// The age a general meeting's voters must have reached on its day (vote.meeting's
// voter_min_age for the body: 居 第二十六条 / 村 第二十五条, 18), or 0 when the rule sets none.
std::int64_t voter_min_age(const PolicySet& policy, std::string_view body) {
  auto params = policy.rule_params_json("vote.meeting");
  if (!params.ok()) return 0;
  const json::value v = json::parse(*params);
  const json::value* b = v.as_object().if_contains(js(body));
  const json::value* age = b ? b->as_object().if_contains("voter_min_age") : nullptr;
  return age ? age->as_int64() : 0;
}

// The day someone born on `born` reaches `years` full years: the same month and day, or,
// without one (born on 29 February), the month's last day (民法典 第二百零一条第二款).
Date birthday_at(const Date& born, std::int64_t years) {
  const auto y = static_cast<unsigned short>(born.year() + years);
  const unsigned short last = Date(y, born.month(), 1).end_of_month().day();
  return Date(y, born.month(), std::min<unsigned short>(born.day(), last));
}

// Voter classes each body's roll may hold.
bool class_allowed(std::string_view body, std::string_view cls) {
  if (body == "party_committee" || body == "joint_committees") return cls == "committee_member";
  if (body == "party_members_meeting") return cls == "party_member" || cls == "probationary";
  if (body == "residents_meeting" || body == "villagers_meeting") return cls == "resident" || cls == "household";
  if (body == "residents_representatives_meeting" || body == "villagers_representatives_meeting") {
    return cls == "committee_member" || cls == "representative";
  }
  if (body == "council") {
    return cls == "party_representative" || cls == "resident_representative" || cls == "committee_member" ||
           cls == "owners_committee" || cls == "property_company" || cls == "stakeholder";
  }
  if (body == "owners_assembly") return cls == "owner";
  return false;
}
std::string_view classes_of(std::string_view body) {
  if (body == "party_committee" || body == "joint_committees") return "committee_member";
  if (body == "party_members_meeting") return "party_member, probationary";
  if (body == "residents_meeting" || body == "villagers_meeting") return "resident, household";
  if (body == "council") {
    return "party_representative, resident_representative, committee_member, owners_committee, property_company, "
           "stakeholder";
  }
  if (body == "owners_assembly") return "owner";
  return "committee_member, representative";
}

absl::StatusOr<std::set<std::string>> id_list(const LoopCall& c, std::string_view field, bool required) {
  std::set<std::string> out;
  const json::value* v = c.input.if_contains(js(field));
  if (v == nullptr) {
    if (required) return bad(c, cat("field \"", field, "\" (an array of ids) is required"));
    return out;
  }
  if (!v->is_array()) return bad(c, cat("field \"", field, "\" must be an array of ids"));
  for (const auto& x : v->as_array()) {
    if (!x.is_string() || x.as_string().empty() || x.as_string().size() > 128) {
      return bad(c, cat("field \"", field, "\": every entry must be an id (a non-empty string of at most 128 bytes)"));
    }
    if (!out.insert(std::string(sv(x.as_string()))).second) {
      const bool vote = field == "yes" || field == "no" || field == "abstain";
      return bad(c, cat(vote ? "a vote: " : "", sv(x.as_string()),
                        vote ? cat(" votes twice (twice in ", field, ")") : cat(" is listed twice in ", field)));
    }
  }
  return out;
}

absl::StatusOr<Tally> read_meeting(const LoopCall& c, const json::object& rule) {
  static const std::set<std::string_view> kKnown = {"body",    "date",    "roll", "attended", "yes",
                                                    "no",      "abstain", "note", "noticed_on", "special_circumstances",
                                                    "authorisation"};
  for (const auto& kv : c.input) {
    if (!kKnown.contains(sv(kv.key()))) {
      return bad(c, cat("unknown field \"", sv(kv.key()),
                        "\" (body, date, roll, attended, yes, no, abstain, note, noticed_on, special_circumstances, "
                        "authorisation)"));
    }
  }
  JICENG_RETURN_IF_ERROR(step_is(c, "meeting"));
  const json::object& step = *current_step(*c.item);
  Tally t;
  JICENG_ASSIGN_OR_RETURN(std::string_view body, required_string(c, "body", 64));
  t.body = std::string(body);
  if (!in_array(&step.at("bodies"), body)) {
    std::vector<std::string> bs;
    for (const auto& b : step.at("bodies").as_array()) bs.emplace_back(sv(b.as_string()));
    return refused(c, cat("step ", sv(step.at("id").as_string()), " (", sv(step.at("zh").as_string()),
                          ") is a meeting of ", absl::StrJoin(bs, " or "), ", not ", body));
  }
  const std::string_view scope = str(c.item->data, "scope");
  const std::string_view kind = str(c.item->data, "kind");
  if (const std::int64_t item = owners_item(rule, kind); item != 0 && residents_body(body)) {
    return refused(c, cat("民法典 第二百七十八条: a matter of kind ", kind, " (item ", item,
                          ") is for the owners to decide jointly; a ", body, " may not decide it"));
  }
  const bool village_body = body.starts_with("villagers_");
  if (residents_body(body) && village_body != (scope == "village")) {
    return refused(c, cat("a ", body, " is not held at a ", scope, village_body ? " (villagers' bodies are a village's)"
                                                                            : " (residents' bodies are a community's)"));
  }
  JICENG_ASSIGN_OR_RETURN(Date day, date_field(c, "date"));
  t.date = format_date(day);
  // The households are canvassed before the meeting that follows the canvass step.
  if (const json::value* cv = c.item->data.if_contains("canvass"); cv != nullptr && cv->is_object()) {
    const std::string_view canvassed = str(cv->as_object(), "date");
    if (t.date < canvassed) {
      return bad(c, cat("field \"date\": ", t.date, " is before the canvass of ", canvassed,
                        " (the households are canvassed before the meeting)"));
    }
  }
  if (const json::value* n = c.input.if_contains("note"); n && (!n->is_string() || n->as_string().size() > 4096)) {
    return bad(c, "field \"note\" must be a string of at most 4096 bytes");
  }
  JICENG_RETURN_IF_ERROR(check_notice(c, body, day, t));
  JICENG_RETURN_IF_ERROR(check_authorisation(c, step, body, day, t));

  // The roll: who was entitled, each checked against the org graph where it knows them.
  const json::value* roll = c.input.if_contains("roll");
  if (roll == nullptr || !roll->is_array() || roll->as_array().empty()) {
    return bad(c, "field \"roll\" (a non-empty array of who was entitled, each with its voter class) is required");
  }
  const OrgGraph& org = c.host.org();
  const auto unit = org.find(c.item->unit);
  if (!unit) return absl::NotFoundError(cat(where(c), ": unit ", c.item->unit, " is not in the org graph"));
  auto inside = [&](UnitIndex u) { return u != kNoUnit && org.is_ancestor_or_self(*unit, u); };
  const std::int64_t min_age = residents_body(body) ? voter_min_age(c.host.policy(), body) : 0;
  std::set<std::string> keys, represented;
  for (std::size_t i = 0; i < roll->as_array().size(); ++i) {
    const json::value& e = roll->as_array()[i];
    const std::string at = cat("roll[", i, "]");
    if (!e.is_object()) return bad(c, cat(at, " must be an object"));
    const auto& o = e.as_object();
    for (const auto& kv : o) {
      static const std::set<std::string_view> kEntry = {"person", "household", "guest", "class", "households", "area",
                                                        "gender", "born"};
      if (!kEntry.contains(sv(kv.key()))) return bad(c, cat(at, ": unknown field \"", sv(kv.key()), "\""));
      if (sv(kv.key()) != "households" && !kv.value().is_string()) {
        return bad(c, cat(at, ".", sv(kv.key()), " must be a string"));
      }
    }
    Voter v;
    v.cls = std::string(str(o, "class"));
    if (!class_allowed(body, v.cls)) {
      return bad(c, cat(at, ": class \"", v.cls, "\" does not sit in a ", body, " (", classes_of(body), ")"));
    }
    if (const json::value* g = o.if_contains("gender"); g && sv(g->as_string()) != "female" && sv(g->as_string()) != "male") {
      return bad(c, cat(at, ".gender must be female or male"));
    }
    const std::string_view person = str(o, "person"), household = str(o, "household"), guest = str(o, "guest");
    const bool guest_class = v.cls == "property_company" || v.cls == "stakeholder" || v.cls == "owners_committee";
    const bool household_class = v.cls == "household" || v.cls == "owner";
    if (guest_class) {
      if (guest.empty() || !person.empty() || !household.empty()) {
        return bad(c, cat(at, ": a ", v.cls, " is named by \"guest\" (an id of the invited party) only"));
      }
      v.key = std::string(guest);
    } else if (household_class) {
      if (household.empty() || !guest.empty()) return bad(c, cat(at, ": a ", v.cls, " is named by \"household\""));
      const auto hu = org.household_unit(household);
      if (!hu) return absl::NotFoundError(cat(where(c), ": ", at, ": household ", household, " is not in the org graph"));
      if (!inside(*hu)) {
        return bad(c, cat(at, ": household ", household, " is at ", org.id(*hu), ", outside ", c.item->unit));
      }
      v.key = std::string(household);
      v.households.emplace_back(household);
    } else {
      if (person.empty() || !household.empty() || !guest.empty()) {
        return bad(c, cat(at, ": a ", v.cls, " is named by \"person\" (a member id of the org graph)"));
      }
      const auto m = org.find_member(person);
      if (!m) return absl::NotFoundError(cat(where(c), ": ", at, ": person ", person, " is not in the org graph"));
      if (v.cls == "party_member" || v.cls == "probationary" || body == "party_committee") {
        if (!org.is_party_member(*m)) return bad(c, cat(at, ": ", person, " is not a party member"));
      }
      if (v.cls == "party_member" || v.cls == "probationary") {
        if (!inside(org.org_unit(*m))) {
          return bad(c, cat(at, ": party member ", person, " belongs to ", org.id(org.org_unit(*m)), ", outside ",
                            c.item->unit));
        }
      }
      if (v.cls == "resident" || v.cls == "representative") {
        if (!inside(org.residence_unit(*m))) {
          return bad(c, cat(at, ": ", person, " does not reside in ", c.item->unit));
        }
      }
      v.key = std::string(person);
    }
    if (v.cls == "representative") {
      const json::value* hs = o.if_contains("households");
      if (hs != nullptr) {
        if (!hs->is_array()) return bad(c, cat(at, ".households must be an array of household ids"));
        for (const auto& h : hs->as_array()) {
          if (!h.is_string()) return bad(c, cat(at, ".households must be an array of household ids"));
          const std::string_view hid = sv(h.as_string());
          const auto hu = org.household_unit(hid);
          if (!hu) return absl::NotFoundError(cat(where(c), ": ", at, ": household ", hid, " is not in the org graph"));
          if (!inside(*hu)) return bad(c, cat(at, ": household ", hid, " is outside ", c.item->unit));
          if (!represented.insert(std::string(hid)).second) {
            return bad(c, cat(at, ": household ", hid, " is represented twice"));
          }
          v.households.emplace_back(hid);
        }
      }
    } else if (o.contains("households")) {
      return bad(c, cat(at, ": only a representative lists the households represented"));
    }
    if (v.cls == "owner") {
      const json::value* a = o.if_contains("area");
      if (a == nullptr) return bad(c, cat(at, ": an owner's \"area\" (m² of the exclusive part, e.g. \"89.5\") is required"));
      auto area = policy_internal::parse_decimal(*a, kAreaScale);
      if (!area.ok() || *area == 0) {
        return bad(c, cat(at, ".area: ", area.ok() ? "must be more than 0" : internal::sv(area.status().message())));
      }
      v.area = *area;
    } else if (o.contains("area")) {
      return bad(c, cat(at, ": only an owner has an area"));
    }
    v.votes = v.cls != "probationary";
    if (!v.votes) v.no_vote = "probationary";
    // A resident's (villager's) age on the meeting's day: under the policy's voter_min_age
    // they are on the roll without a vote (居 第二十六条 / 村 第二十五条).
    if (const json::value* b = o.if_contains("born")) {
      if (v.cls != "resident") return bad(c, cat(at, ": only a resident's birth date (born) is given"));
      auto born = parse_date(sv(b->as_string()));
      if (!born.ok()) return bad(c, cat(at, ".born: ", internal::sv(born.status().message())));
      if (*born > day) return bad(c, cat(at, ".born ", format_date(*born), " is after the meeting's date ", t.date));
      if (min_age > 0 && day < birthday_at(*born, min_age)) {
        v.votes = false;
        v.no_vote = "under_age";
      }
    } else if (v.cls == "resident" && min_age > 0) {
      return bad(c, cat(at, ": a resident's birth date \"born\" is required: a ", body, " is of those aged ", min_age,
                        " or over on its day (vote.meeting.", body, ".voter_min_age)"));
    }
    if (!v.votes) ++t.without_vote[v.no_vote];
    v.gender = std::string(str(o, "gender"));
    if (!keys.insert(v.key).second) return bad(c, cat(at, ": ", v.key, " is on the roll twice"));
    t.roll.push_back(std::move(v));
  }
  bool households_roll = false, residents_roll = false;
  for (const auto& v : t.roll) {
    households_roll = households_roll || v.cls == "household";
    residents_roll = residents_roll || v.cls == "resident";
  }
  if (households_roll && residents_roll) {
    return bad(c, "the roll mixes residents and households' representatives: a meeting counts one or the other");
  }

  // Attendance and votes.
  JICENG_ASSIGN_OR_RETURN(t.attended, id_list(c, "attended", true));
  if (t.attended.size() > t.roll.size()) {
    return bad(c, cat("attendance ", t.attended.size(), " exceeds the ", t.roll.size(), " entitled on the roll"));
  }
  for (const auto& a : t.attended) {
    if (!keys.contains(a)) return bad(c, cat(a, " attended but is not on the roll (not entitled to this ", body, ")"));
  }
  JICENG_ASSIGN_OR_RETURN(t.yes, id_list(c, "yes", false));
  JICENG_ASSIGN_OR_RETURN(t.no, id_list(c, "no", false));
  JICENG_ASSIGN_OR_RETURN(t.abstain, id_list(c, "abstain", false));
  std::set<std::string> voted;
  for (const auto* list : {&t.yes, &t.no, &t.abstain}) {
    for (const auto& v : *list) {
      if (!keys.contains(v)) return bad(c, cat(v, " votes but is not on the roll (not a member of this ", body, ")"));
      if (!t.attended.contains(v)) return bad(c, cat(v, " votes but did not attend"));
      if (!voted.insert(v).second) return bad(c, cat(v, " votes twice"));
      const auto it = std::find_if(t.roll.begin(), t.roll.end(), [&](const Voter& x) { return x.key == v; });
      if (it->no_vote == "probationary") {
        return bad(c, cat(v, " is a probationary party member: attends without a vote (党章 第七条)"));
      }
      if (!it->votes) {
        return bad(c, cat(v, " is under ", min_age, " on ", t.date, ": attends without a vote (a ", body,
                          " is of those aged ", min_age, " or over, vote.meeting.", body, ".voter_min_age)"));
      }
    }
  }

  // The count. Voting members: everyone on the roll but probationary members and the under-age.
  std::int64_t members = 0, attending = 0, approving = 0;
  std::set<std::string> hh_all, hh_att, hh_yes;
  std::int64_t area_all = 0, area_att = 0, area_yes = 0;
  for (const auto& v : t.roll) {
    if (!v.votes) continue;
    ++members;
    const bool at = t.attended.contains(v.key), y = t.yes.contains(v.key);
    attending += at;
    approving += y;
    for (const auto& h : v.households) {
      hh_all.insert(h);
      if (at) hh_att.insert(h);
      if (y) hh_yes.insert(h);
    }
    area_all += v.area;
    if (at) area_att += v.area;
    if (y) area_yes += v.area;
  }
  t.counts = {{"entitled", members},
              {"attended", attending},
              {"yes", approving},
              {"no", static_cast<std::int64_t>(t.no.size())},
              {"abstain", static_cast<std::int64_t>(t.abstain.size())}};
  if (members == 0) return bad(c, cat("no one on the roll has a vote in this ", body));
  const PolicySet& policy = c.host.policy();
  const std::string subject_id = cat(display_item_id(c.table, c.item->id), " ", sv(step.at("id").as_string()));
  auto decide_by = [&](std::string_view rule_id, std::string subject) -> absl::Status {
    if (!policy.has_rule(rule_id)) {
      return refused(c, cat("the policy set ", policy.name(), " has no rule ", rule_id, " to count a ", body));
    }
    auto findings = policy.evaluate(subject);
    if (!findings.ok()) return bad(c, internal::sv(findings.status().message()));
    t.passed = true;
    std::vector<std::string> ev;
    for (const auto& f : *findings) {
      if (f.rule != rule_id) continue;
      t.passed = t.passed && f.passed;
      ev.push_back(cat(f.check, ": ", f.evidence));
    }
    t.evidence = absl::StrJoin(ev, "; ");
    return absl::OkStatus();
  };
  // A representatives' meeting: who sits in it, checked by meeting.composition (representatives
  // ≥ 4/5 of its members; in a village, women ≥ 1/3 of them when the roll gives every
  // representative's gender) and meeting.representative_ratio (households per representative,
  // when the roll lists them). These do not decide the vote; a failed check is a finding.
  if (body == "residents_representatives_meeting" || body == "villagers_representatives_meeting") {
    std::int64_t reps = 0, committee = 0, women = 0, gendered = 0;
    for (const auto& v : t.roll) {
      if (v.cls == "representative") {
        ++reps;
        gendered += !v.gender.empty();
        women += v.gender == "female";
      } else {
        ++committee;
      }
    }
    // The policy counts women in a villagers' representatives' meeting: without every
    // representative's gender the composition is not judged (the meeting notes why).
    const bool needs_gender = body == "villagers_representatives_meeting" && gendered < reps;
    if (needs_gender) t.composition_note = "not judged: the roll does not give every representative's gender";
    if (reps > 0 && !needs_gender) {
      json::object s{{"type", "representative_body"},
                     {"id", subject_id},
                     {"body", t.body},
                     {"representatives", reps},
                     {"committee_members", committee}};
      if (!hh_all.empty()) s["households"] = static_cast<std::int64_t>(hh_all.size());
      if (gendered == reps) s["women_representatives"] = women;
      auto findings = policy.evaluate(json::serialize(s));
      if (!findings.ok()) return bad(c, internal::sv(findings.status().message()));
      for (const auto& f : *findings) {
        t.composition.push_back(
            json::object{{"rule", f.rule}, {"check", f.check}, {"passed", f.passed}, {"evidence", f.evidence}});
      }
    }
  }
  if (body == "owners_assembly") {
    const std::int64_t item = owners_item(rule, kind);
    json::object s{{"type", "owners_vote"},
                   {"id", subject_id},
                   {"item", item},
                   {"total_area", policy_internal::format_decimal(area_all, kAreaScale)},
                   {"participating_area", policy_internal::format_decimal(area_att, kAreaScale)},
                   {"approving_area", policy_internal::format_decimal(area_yes, kAreaScale)},
                   {"total_owners", members},
                   {"participating_owners", attending},
                   {"approving_owners", approving}};
    t.counts["area"] = policy_internal::format_decimal(area_all, kAreaScale);
    t.counts["attended_area"] = policy_internal::format_decimal(area_att, kAreaScale);
    t.counts["yes_area"] = policy_internal::format_decimal(area_yes, kAreaScale);
    JICENG_RETURN_IF_ERROR(decide_by("vote.owners_assembly", json::serialize(s)));
  } else if (body == "council") {
    // 居 32: no statutory quorum; the outcome is consensus, a majority, or none.
    const Ratio maj = ratio_param(rule.at("council_majority").as_object());
    t.outcome = attending > 0 && approving == attending ? "consensus" : meets(approving, attending, maj) ? "majority" : "none";
    t.passed = t.outcome != "none";
    t.evidence = cat("council: ", approving, " yes of ", attending, " attending (", t.no.size(), " no, ",
                     t.abstain.size(), " abstain): ", t.outcome, " (majority ", policy_internal::ratio_text(maj), ")");
    t.counts["outcome"] = t.outcome;
  } else if (body == "party_committee" || body == "joint_committees") {
    const auto& p = rule.at("committee_meetings").as_object().at(js(body)).as_object();
    const Ratio q = ratio_param(p.at("quorum").as_object());
    const auto& dp = p.at("decision").as_object();
    const Ratio d = ratio_param(dp);
    const bool of_members = dp.at("of").as_string() == "members";
    const bool quorum = meets(attending, members, q);
    const bool decided = meets(approving, of_members ? members : attending, d);
    t.passed = quorum && decided;
    t.evidence = cat(body, ": quorum: ", attending, " of ", members, " members attending, ", quorum ? "" : "not ",
                     policy_internal::ratio_text(q), "; decision: ", approving, " yes of ", of_members ? members : attending,
                     of_members ? " members, " : " attending, ", decided ? "" : "not ", policy_internal::ratio_text(d));
  } else {
    json::object s{{"type", "meeting_vote"}, {"id", subject_id}, {"body", t.body},
                   {"members", members},     {"attending", attending}, {"approving", approving}};
    const bool fundraising = body == "villagers_representatives_meeting" &&
                             str(c.item->data, "procedure") == "one_matter_one_deliberation";
    if (households_roll || fundraising) {
      if (hh_all.empty()) {
        return bad(c, "一事一议: each representative on the roll lists the households represented (one household, one vote)");
      }
      s["households"] = static_cast<std::int64_t>(hh_all.size());
      s["attending_households"] = static_cast<std::int64_t>(hh_att.size());
      s["approving_households"] = static_cast<std::int64_t>(hh_yes.size());
      t.counts["households"] = static_cast<std::int64_t>(hh_all.size());
      t.counts["attended_households"] = static_cast<std::int64_t>(hh_att.size());
      t.counts["yes_households"] = static_cast<std::int64_t>(hh_yes.size());
    }
    JICENG_RETURN_IF_ERROR(decide_by("vote.meeting", json::serialize(s)));
  }
  return t;
}

absl::Status meeting_passes(const LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(json::object rule, rule_params(c));
  JICENG_ASSIGN_OR_RETURN(Tally t, read_meeting(c, rule));
  if (!t.passed) return refused(c, cat("the meeting did not pass (", t.evidence, "): record it with meeting_failed"));
  return absl::OkStatus();
}
absl::Status meeting_fails(const LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(json::object rule, rule_params(c));
  JICENG_ASSIGN_OR_RETURN(Tally t, read_meeting(c, rule));
  if (t.passed) return refused(c, cat("the meeting passed (", t.evidence, "): record it with meeting_passed"));
  return absl::OkStatus();
}

absl::Status record_meeting(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(json::object rule, rule_params(c));
  JICENG_ASSIGN_OR_RETURN(Tally t, read_meeting(c, rule));
  auto& d = c.target->data;
  const json::object& step = *current_step(*c.item);
  json::object m{{"step", step.at("id")}, {"body", t.body},         {"date", t.date},
                 {"passed", t.passed},    {"evidence", t.evidence}, {"at", c.now}};
  for (const auto& [k, v] : t.counts) m[k] = v;
  if (!t.notice.empty()) m["notice"] = t.notice;
  if (!t.authorisation.empty()) m["authorisation"] = t.authorisation;
  if (!t.without_vote.empty()) {
    json::object wv;
    for (const auto& [k, n] : t.without_vote) wv[k] = n;
    m["without_vote"] = std::move(wv);
  }
  if (!t.composition_note.empty()) m["composition"] = t.composition_note;
  if (!t.composition.empty()) {
    m["composition"] = t.composition;
    for (const auto& f : t.composition) {
      if (f.as_object().at("passed").as_bool()) continue;
      add_finding(d, {{"finding", "representative_body"},
                      {"at", c.now},
                      {"step", step.at("id")},
                      {"rule", f.as_object().at("rule")},
                      {"check", f.as_object().at("check")},
                      {"evidence", f.as_object().at("evidence")}});
    }
  }
  if (!d.contains("meetings")) d["meetings"] = json::array();
  d["meetings"].as_array().push_back(m);
  if (t.passed) {
    d["step"] = d["step"].as_int64() + 1;
  } else {
    d["failed"] = json::object{{"step", step.at("id")}, {"body", t.body}, {"evidence", t.evidence}};
  }
  return absl::OkStatus();
}

// ---- disclosures ---------------------------------------------------------------------------

struct Posting {
  std::string from, last_day;
  Timestamp complete_at = 0;
  std::int64_t min_days = 0;
};

absl::StatusOr<Posting> read_posting(const LoopCall& c) {
  for (const auto& kv : c.input) {
    const std::string_view k = sv(kv.key());
    if (k != "channel" && k != "from" && k != "content") return bad(c, cat("unknown field \"", k, "\" (channel, from, content)"));
  }
  JICENG_RETURN_IF_ERROR(step_is(c, "disclosure"));
  JICENG_ASSIGN_OR_RETURN(std::string_view channel, required_string(c, "channel", 16));
  if (channel != "board" && channel != "online") {
    return bad(c, cat("field \"channel\": \"", channel, "\" is not board (公开栏) or online"));
  }
  if (const json::value* ct = c.input.if_contains("content"); ct && (!ct->is_string() || ct->as_string().size() > 4096)) {
    return bad(c, "field \"content\" must be a string of at most 4096 bytes");
  }
  JICENG_ASSIGN_OR_RETURN(Date from, date_field(c, "from"));
  auto params = c.host.policy().rule_params_json("disclosure.posting");
  if (!params.ok()) {
    return refused(c, cat("the policy set ", c.host.policy().name(), " has no rule disclosure.posting (how long a notice stays)"));
  }
  Posting p;
  p.min_days = json::parse(*params).as_object().at("min_days").as_int64();
  p.from = format_date(from);
  // 民法典 第二百零一至二百零三条: the posting day is not counted; a last day on a rest day
  // moves to the next working day; the period ends at 24:00 of the last day.
  auto last = civil_code_period_last_day(c.host.calendar(), from, p.min_days);
  if (!last.ok()) return bad(c, cat("the posting period: ", internal::sv(last.status().message())));
  p.last_day = format_date(*last);
  p.complete_at = china_time_to_utc(*last + boost::gregorian::days(1), 0);
  return p;
}

absl::Status post_valid(const LoopCall& c) { return read_posting(c).status(); }

absl::Status record_posting(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(Posting p, read_posting(c));
  auto& d = c.target->data;
  const json::object& step = *current_step(*c.item);
  if (!d.contains("disclosures")) d["disclosures"] = json::array();
  d["disclosures"].as_array().push_back(json::object{{"step", step.at("id")},
                                                     {"channel", c.input.at("channel")},
                                                     {"from", p.from},
                                                     {"min_days", p.min_days},
                                                     {"last_day", p.last_day},
                                                     {"complete_at", p.complete_at},
                                                     {"status", "posted"}});
  d["complete_at"] = p.complete_at;
  return absl::OkStatus();
}

absl::Status period_over(const LoopCall& c) {
  if (!c.input.empty()) return bad(c, "complete_disclosure takes no fields");
  const std::int64_t at = c.item->data.at("complete_at").as_int64();
  if (c.now < at) {
    return refused(c, cat("the disclosure is complete only at 24:00 of its last day (",
                          absl::FormatTime("%Y-%m-%dT%H:%M:%S+08:00", absl::FromUnixSeconds(at),
                                           absl::FixedTimeZone(8 * 3600)),
                          ")"));
  }
  return absl::OkStatus();
}

json::object& last_disclosure(json::object& d) { return d["disclosures"].as_array().back().as_object(); }

absl::Status complete_posting(LoopCall& c) {
  auto& d = c.target->data;
  last_disclosure(d)["status"] = "complete";
  d.erase("complete_at");
  d["step"] = d["step"].as_int64() + 1;
  return absl::OkStatus();
}

absl::Status take_down_valid(const LoopCall& c) {
  for (const auto& kv : c.input) {
    if (kv.key() != "reason" && kv.key() != "on") return bad(c, cat("unknown field \"", sv(kv.key()), "\" (reason, on)"));
  }
  JICENG_RETURN_IF_ERROR(required_string(c, "reason", 4096).status());
  if (c.input.contains("on")) JICENG_RETURN_IF_ERROR(date_field(c, "on").status());
  return absl::OkStatus();
}

absl::Status record_take_down(LoopCall& c) {
  auto& d = c.target->data;
  auto& disc = last_disclosure(d);
  const std::string on = c.input.contains("on") ? std::string(str(c.input, "on")) : china_day(c.now);
  disc["status"] = "taken_down";
  disc["taken_down_on"] = on;
  disc["reason"] = c.input.at("reason");
  d.erase("complete_at");
  add_finding(d, {{"finding", "disclosure_taken_down"},
                  {"at", c.now},
                  {"step", disc.at("step")},
                  {"from", disc.at("from")},
                  {"taken_down_on", on},
                  {"last_day", disc.at("last_day")},
                  {"reason", c.input.at("reason")}});
  return absl::OkStatus();
}

// ---- 一事一议: the households' signatures, the township's review ------------------------------

// canvass {date, households, signed, note?}: before the meeting the representatives canvass
// the households and collect their signatures (村民一事一议筹资筹劳管理办法; the households'
// say to those who represent them, 村 第二十九条第三款). households: those canvassed, under
// the matter's unit; signed: those of them that signed.
absl::StatusOr<json::object> read_canvass(const LoopCall& c) {
  for (const auto& kv : c.input) {
    const std::string_view k = sv(kv.key());
    if (k != "date" && k != "households" && k != "signed" && k != "note") {
      return bad(c, cat("unknown field \"", k, "\" (date, households, signed, note)"));
    }
  }
  JICENG_RETURN_IF_ERROR(step_is(c, "canvass"));
  JICENG_ASSIGN_OR_RETURN(Date day, date_field(c, "date"));
  if (const json::value* n = c.input.if_contains("note"); n && (!n->is_string() || n->as_string().size() > 4096)) {
    return bad(c, "field \"note\" must be a string of at most 4096 bytes");
  }
  JICENG_ASSIGN_OR_RETURN(std::set<std::string> households, id_list(c, "households", true));
  JICENG_ASSIGN_OR_RETURN(std::set<std::string> signed_by, id_list(c, "signed", true));
  if (households.empty()) return bad(c, "field \"households\": the canvass names the households it visited");
  const OrgGraph& org = c.host.org();
  const auto unit = org.find(c.item->unit);
  if (!unit) return absl::NotFoundError(cat(where(c), ": unit ", c.item->unit, " is not in the org graph"));
  for (const auto& h : households) {
    const auto hu = org.household_unit(h);
    if (!hu) return absl::NotFoundError(cat(where(c), ": household ", h, " is not in the org graph"));
    if (!org.is_ancestor_or_self(*unit, *hu)) return bad(c, cat("household ", h, " is outside ", c.item->unit));
  }
  for (const auto& h : signed_by) {
    if (!households.contains(h)) return bad(c, cat("household ", h, " signed but was not canvassed (not in households)"));
  }
  json::array signed_ids;
  for (const auto& h : signed_by) signed_ids.emplace_back(h);
  return json::object{{"date", format_date(day)},
                      {"households", static_cast<std::int64_t>(households.size())},
                      {"signed", static_cast<std::int64_t>(signed_by.size())},
                      {"signed_households", std::move(signed_ids)}};
}

absl::Status canvass_valid(const LoopCall& c) { return read_canvass(c).status(); }

absl::Status record_canvass(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(json::object got, read_canvass(c));
  auto& d = c.target->data;
  got["step"] = current_step(*c.item)->at("id");
  got["at"] = c.now;
  d["canvass"] = std::move(got);
  d["step"] = d["step"].as_int64() + 1;
  return absl::OkStatus();
}

// review_approved {date, note?} / review_returned {date, reason}: the township (乡镇) reviews
// the plan the meeting decided before it is published (初审; the county's 复审 or filing is
// not modelled). A returned plan produces no resolution: the matter fails at this step.
absl::Status review_valid(const LoopCall& c) {
  const bool approved = c.row.event == "review_approved";
  const std::string_view text = approved ? "note" : "reason";
  for (const auto& kv : c.input) {
    if (kv.key() != "date" && kv.key() != text) {
      return bad(c, cat("unknown field \"", sv(kv.key()), "\" (date, ", text, ")"));
    }
  }
  JICENG_RETURN_IF_ERROR(step_is(c, "review"));
  JICENG_ASSIGN_OR_RETURN(Date day, date_field(c, "date"));
  // The township reviews the plan a meeting decided: not before that meeting's day.
  if (const json::value* ms = c.item->data.if_contains("meetings"); ms != nullptr && ms->is_array()) {
    const std::string on = format_date(day);
    for (auto it = ms->as_array().rbegin(); it != ms->as_array().rend(); ++it) {
      const json::value* passed = it->is_object() ? it->as_object().if_contains("passed") : nullptr;
      if (passed == nullptr || !passed->is_bool() || !passed->as_bool()) continue;
      const std::string_view met = str(it->as_object(), "date");
      if (on < met) return bad(c, cat("field \"date\": ", on, " is before the meeting of ", met, " whose plan it reviews"));
      break;
    }
  }
  if (approved) {
    if (const json::value* n = c.input.if_contains("note"); n && (!n->is_string() || n->as_string().size() > 4096)) {
      return bad(c, "field \"note\" must be a string of at most 4096 bytes");
    }
    return absl::OkStatus();
  }
  return required_string(c, "reason", 4096).status();
}

absl::Status record_review(LoopCall& c) {
  auto& d = c.target->data;
  const json::object& step = *current_step(*c.item);
  const bool approved = c.row.event == "review_approved";
  json::object r{{"step", step.at("id")}, {"result", approved ? "approved" : "returned"},
                 {"date", c.input.at("date")}, {"by", c.actor.id}, {"at", c.now}};
  for (const char* k : {"note", "reason"}) {
    if (const json::value* v = c.input.if_contains(k)) r[k] = *v;
  }
  if (!d.contains("reviews")) d["reviews"] = json::array();
  d["reviews"].as_array().push_back(r);
  if (approved) {
    d["step"] = d["step"].as_int64() + 1;
  } else {
    d["failed"] = json::object{{"step", step.at("id")}, {"reason", c.input.at("reason")}};
  }
  return absl::OkStatus();
}

// ---- implementation, conclusion, abandonment -------------------------------------------------

absl::Status implement_valid(const LoopCall& c) {
  for (const auto& kv : c.input) {
    if (kv.key() != "note") return bad(c, cat("unknown field \"", sv(kv.key()), "\" (note)"));
  }
  JICENG_RETURN_IF_ERROR(required_string(c, "note", 4096).status());
  return step_is(c, "implement");
}

absl::Status record_implementation(LoopCall& c) {
  auto& d = c.target->data;
  d["implemented"] = json::object{{"at", c.now}, {"note", c.input.at("note")}};
  d["step"] = d["step"].as_int64() + 1;
  return absl::OkStatus();
}

absl::Status all_steps_done(const LoopCall& c) {
  if (!c.input.empty()) return bad(c, "conclude takes no fields");
  if (const json::object* s = current_step(*c.item)) {
    return refused(c, cat("step ", sv(s->at("id").as_string()), " (", sv(s->at("zh").as_string()), ") is not done"));
  }
  return absl::OkStatus();
}

absl::Status record_conclusion(LoopCall& c) {
  auto& d = c.target->data;
  d["concluded"] = c.now;
  bool disclosed = false;
  if (const json::value* ds = d.if_contains("disclosures")) {
    for (const auto& x : ds->as_array()) disclosed = disclosed || x.as_object().at("status").as_string() == "complete";
  }
  const bool major = d.at("major").as_bool();
  // 居 30 / 村 28 and the policy's major kinds: a major matter decided another way, or
  // without a completed disclosure, is a yearly-review finding.
  if (major && str(d, "procedure") != "four_deliberations_two_disclosures" && str(d, "selected_by") == "host") {
    add_finding(d, {{"finding", "major_by_other_procedure"}, {"at", c.now}, {"procedure", d.at("procedure")}});
  }
  if (major && !disclosed) add_finding(d, {{"finding", "major_without_disclosure"}, {"at", c.now}});
  return absl::OkStatus();
}

absl::Status reason_given(const LoopCall& c) {
  for (const auto& kv : c.input) {
    if (kv.key() != "reason") return bad(c, cat("unknown field \"", sv(kv.key()), "\" (reason)"));
  }
  return required_string(c, "reason", 4096).status();
}

absl::Status record_reason(LoopCall& c) {
  c.target->data[c.row.event == "abandon" ? "abandoned" : "returned"] =
      json::object{{"at", c.now}, {"reason", c.input.at("reason")}};
  if (c.row.event == "abandon") c.target->data.erase("complete_at");
  return absl::OkStatus();
}

// ---- the table --------------------------------------------------------------------------

constexpr RoleMask kCommittee = role_bit(Role::kCommunitySecretary) | role_bit(Role::kCommunityStaff);
constexpr RoleMask kSecretary = role_bit(Role::kCommunitySecretary) | role_bit(Role::kStreetOfficer);
constexpr RoleMask kReporters = kCommittee | role_bit(Role::kStreetOfficer);
constexpr RoleMask kClock = role_bit(Role::kSystem);
constexpr RoleMask kTownship = role_bit(Role::kStreetOfficer) | role_bit(Role::kDistrictOfficer);

constexpr LoopState kStates[] = {
    {"draft", "草拟"},   {"deliberating", "议事中"}, {"failed", "表决未通过"}, {"posted", "公示中"},
    {"concluded", "办结", true}, {"abandoned", "终止", true},
};
constexpr LoopEventType kEvents[] = {
    {"raise", "提出议题"},        {"revise", "修改"},          {"choose_procedure", "改定程序"},
    {"start", "启动程序"},        {"meeting_passed", "会议通过"}, {"meeting_failed", "会议未通过"},
    {"post", "张贴公示"},         {"complete_disclosure", "公示期满"}, {"take_down", "提前撤下公示"},
    {"implemented", "组织实施完毕"}, {"conclude", "办结"},         {"return_to_draft", "退回草拟"},
    {"abandon", "终止"},            {"canvass", "入户征求意见"},   {"review_approved", "乡镇审核通过"},
    {"review_returned", "乡镇审核退回"},
};
constexpr LoopScope kUnit = LoopScope::kItemUnit;
constexpr LoopRow kRows[] = {
    {"", "raise", "draft", kCommittee | role_bit(Role::kStreetOfficer), kUnit, "raise_valid", &raise_valid,
     "register_matter", &register_matter},
    {"draft", "revise", "draft", kCommittee, kUnit, "revise_valid", &revise_valid, "apply_revision", &apply_revision},
    {"draft", "choose_procedure", "draft", kSecretary, kUnit, "choose_valid", &choose_valid, "apply_choice",
     &apply_choice},
    {"draft", "start", "deliberating", kCommittee, kUnit, "start_valid", &start_valid, "begin_procedure",
     &begin_procedure},
    {"deliberating", "meeting_passed", "deliberating", kCommittee, kUnit, "meeting_passes", &meeting_passes,
     "record_meeting", &record_meeting},
    {"deliberating", "meeting_failed", "failed", kCommittee, kUnit, "meeting_fails", &meeting_fails, "record_meeting",
     &record_meeting},
    {"deliberating", "post", "posted", kCommittee, kUnit, "post_valid", &post_valid, "record_posting", &record_posting},
    {"posted", "complete_disclosure", "deliberating", kClock, kUnit, "period_over", &period_over, "complete_posting",
     &complete_posting},
    {"posted", "take_down", "deliberating", kReporters, kUnit, "take_down_valid", &take_down_valid, "record_take_down",
     &record_take_down},
    {"deliberating", "canvass", "deliberating", kCommittee, kUnit, "canvass_valid", &canvass_valid, "record_canvass",
     &record_canvass},
    {"deliberating", "review_approved", "deliberating", kTownship, LoopScope::kStrictAncestor, "review_valid",
     &review_valid, "record_review", &record_review},
    {"deliberating", "review_returned", "failed", kTownship, LoopScope::kStrictAncestor, "review_valid", &review_valid,
     "record_review", &record_review},
    {"deliberating", "implemented", "deliberating", kCommittee, kUnit, "implement_valid", &implement_valid,
     "record_implementation", &record_implementation},
    {"deliberating", "conclude", "concluded", kCommittee, kUnit, "all_steps_done", &all_steps_done,
     "record_conclusion", &record_conclusion},
    {"failed", "return_to_draft", "draft", kCommittee, kUnit, "reason_given", &reason_given, "record_reason",
     &record_reason},
    {"draft", "abandon", "abandoned", kSecretary, kUnit, "reason_given", &reason_given, "record_reason", &record_reason},
    {"failed", "abandon", "abandoned", kSecretary, kUnit, "reason_given", &reason_given, "record_reason",
     &record_reason},
    {"deliberating", "abandon", "abandoned", kSecretary, kUnit, "reason_given", &reason_given, "record_reason",
     &record_reason},
};
constexpr LoopTable kTable{"deliberation", "议事", "M", kStates, kEvents, kRows};

// ---- the loop: the table plus the clock and the yearly-review queries --------------------

class DeliberationLoop final : public TableLoop {
 public:
  DeliberationLoop() : TableLoop(kTable, "findings, review") {}

  absl::StatusOr<std::string> query(std::string_view name, std::string_view params,
                                    const LoopHost& host) const override {
    if (name == "findings" || name == "review") return review(name, params, host);
    return TableLoop::query(name, params, host);
  }

 private:
  static constexpr std::uint16_t kPosted = 3;  // index of "posted" in kStates

  // A posted result (公开) completes its disclosure when the posting period ends.
  void clock_commands(const LoopItem& it, std::vector<ClockCommand>& out) const override {
    const json::value* at = it.data.if_contains("complete_at");
    if (at != nullptr && it.state == kPosted) out.push_back({"complete_disclosure", at->as_int64()});
  }

  // findings {year?, unit?}: every finding of the matters (raised in the year, under the unit).
  // review {year?, unit?}: per community (level 2), matters, major matters, and the share of
  // them that completed 四议两公开.
  absl::StatusOr<std::string> review(std::string_view name, std::string_view params, const LoopHost& host) const {
    const std::string w = cat("deliberation query ", name);
    json::object p;
    if (!params.empty()) {
      json::error_code ec;
      json::value v = json::parse(js(params), ec);
      if (ec || !v.is_object()) return absl::InvalidArgumentError(cat(w, ": parameters must be a JSON object"));
      p = std::move(v.as_object());
    }
    std::optional<std::int64_t> year;
    std::optional<UnitIndex> under;
    for (const auto& kv : p) {
      const std::string_view k = sv(kv.key());
      if (k == "year" && kv.value().is_int64() && kv.value().as_int64() >= 1949 && kv.value().as_int64() <= 9999) {
        year = kv.value().as_int64();
      } else if (k == "unit" && kv.value().is_string()) {
        under = host.org().find(sv(kv.value().as_string()));
        if (!under) return absl::NotFoundError(cat(w, ": unit \"", sv(kv.value().as_string()), "\" is not in the org graph"));
      } else {
        return absl::InvalidArgumentError(cat(w, ": unknown or ill-typed parameter \"", k,
                                              "\" (year: integer 1949..9999, unit: string)"));
      }
    }
    const OrgGraph& org = host.org();
    json::array findings;
    std::map<std::string, std::array<std::int64_t, 4>> per;  // community → matters, major, concluded 4议2公开, major concluded 4议2公开
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      if (year && china_day(it.created).substr(0, 4) != std::to_string(*year)) continue;
      const auto u = org.find(it.unit);
      if (under && (!u || !org.is_ancestor_or_self(*under, *u))) continue;
      const std::string id = display_item_id(kTable, it.id);
      if (const json::value* fs = it.data.if_contains("findings")) {
        for (const auto& f : fs->as_array()) {
          json::object o = f.as_object();
          o["matter"] = id;
          o["unit"] = it.unit;
          o["kind"] = it.data.at("kind");
          findings.push_back(std::move(o));
        }
      }
      const UnitIndex community = u ? org.ancestor_at_level(*u, 2) : kNoUnit;
      auto& row = per[community == kNoUnit ? it.unit : std::string(org.id(community))];
      const bool major = it.data.at("major").as_bool();
      const bool four_two = kTable.states[it.state].name == "concluded" &&
                            it.data.at("procedure").as_string() == "four_deliberations_two_disclosures";
      row[0] += 1;
      row[1] += major;
      row[2] += four_two;
      row[3] += major && four_two;
    }
    if (name == "findings") return canonical_json(json::object{{"findings", std::move(findings)}});
    json::array communities;
    for (const auto& [unit, r] : per) {
      communities.push_back(json::object{
          {"unit", unit},
          {"matters", r[0]},
          {"major", r[1]},
          {"completed_four_two", r[2]},
          {"major_completed_four_two", r[3]},
          {"share_percent", r[1] == 0 ? std::string("-") : policy_internal::percent_text(r[3], r[1], 1)}});
    }
    return canonical_json(json::object{{"communities", std::move(communities)}, {"findings", findings.size()}});
  }
};

}  // namespace

const LoopTable& table() { return kTable; }
std::unique_ptr<Loop> make() { return std::make_unique<DeliberationLoop>(); }

}  // namespace jiceng::deliberation
