// The public commitments loop (承诺): 任期目标公开承诺清单 ticked off item by item (逐项销号),
// and the yearly review of office holders (述职评议 / 民主评议).
//
// What it encodes, and where each fact comes from:
//  - Each community party organization publishes commitments for its term: items owned by
//    the committee (班子) or by one member (个人任期目标, 为民服务计划), with a category, a
//    measure, a due day and, at the end, evidence. Drafted, approved item by item by the
//    branch (党员大会审定), published (清单公开、计划上墙), progress posted each period,
//    ticked off (销号) only when the upper unit confirms the evidence; overdue when the due
//    day passes; not fulfilled with a published explanation; withdrawn with a reason. No
//    national text defines the list's fields: the model is practice (Wuzhong's 115
//    community party committees; 龙桥社区's 10 commitments), configurable where numbers enter
//    (rule commitments.list: the term of five years — 居委会组织法 2026 第十四条 and
//    村委会组织法 2026 第十四条 give the committees five-year terms — and quarterly progress).
//  - The yearly review rates a member three ways (组织评、党员评、群众评) on the grade set of
//    rule review.democratic. For a residents' or villagers' committee member the law is
//    exact: the members are reviewed at least once a year and two reviews in a row graded
//    不称职 end the office (城市居民委员会组织法 2026 第三十七条; 村民委员会组织法 2026 第三十八条).
//    Concluding such a review records the run of 不称职 (consecutive_unfit) in the event; the
//    clock then ends the office by an event of its own (end_office, by the system), and the
//    query `offices` lists every ended office. The org graph is configuration the loops read
//    and cannot change, so the ended office lives here and the org view reads it from here.
//  - The yearly cadence (居 37 / 村 38: at least once a year): once a committee member's office
//    has been reviewed, a year that ends without the next review is a finding — the clock records it on the member's latest review
//    (miss_review, by the system, at the first second of the following year) — until a
//    review for a later year is opened.
#include "loop/commitments_loop.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "jiceng/org.hpp"
#include "loop/civic_util.hpp"

namespace jiceng {
namespace json = boost::json;
using civic::jv;
using civic::sv;
using civic::where;
using internal::cat;

namespace {

constexpr std::string_view kLoop = "commitments";
constexpr std::size_t kMaxText = 2000;

// ---- shared checks ---------------------------------------------------------------------

// The unit an item belongs to: a unit of the tree below the district (a community party
// organization, a street, a grid branch), so that an upper unit exists to confirm.
absl::Status tree_unit_below_root(const LoopCall& c, std::string_view unit) {
  const OrgGraph& org = c.host.org();
  const auto u = org.find(unit);
  if (!u) return absl::NotFoundError(cat(where(c), ": unit \"", unit, "\" is not in the org graph"));
  if (!tree_level_of(org.kind(*u)) || org.level(*u) < 1) {
    return absl::InvalidArgumentError(cat(where(c), ": unit \"", unit,
                                          "\" must be a unit of the tree below the district (it has an upper unit)"));
  }
  return absl::OkStatus();
}

absl::Status required_text(const LoopCall& c, std::string_view field, std::size_t max = kMaxText) {
  return required_string(c, field, max).status();
}

absl::Status optional_text(const LoopCall& c, std::string_view field, std::size_t max = kMaxText) {
  return civic::optional_string(c, field, max).status();
}

std::string str_of(const json::object& o, std::string_view key) { return std::string(civic::str_at(o, key)); }
using civic::int_at;

// ---- commitments (承诺事项) -------------------------------------------------------------

// Guard of draft: the item's fields, its owner and its due day within the term.
absl::Status draft_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"unit", "owner", "category", "text", "measure", "due", "term_start"}));
  JICENG_ASSIGN_OR_RETURN(auto unit, required_string(c, "unit", 256));
  JICENG_RETURN_IF_ERROR(tree_unit_below_root(c, unit));
  JICENG_ASSIGN_OR_RETURN(auto owner, required_string(c, "owner", 256));
  if (owner != "committee" && !c.host.org().find_member(owner)) {
    return absl::NotFoundError(cat(where(c), ": owner \"", owner,
                                   "\" is neither \"committee\" (班子) nor a member in the org graph"));
  }
  JICENG_RETURN_IF_ERROR(required_text(c, "category", 128));
  JICENG_RETURN_IF_ERROR(required_text(c, "text"));
  JICENG_RETURN_IF_ERROR(required_text(c, "measure"));
  JICENG_ASSIGN_OR_RETURN(auto due, required_string(c, "due", 10));
  JICENG_ASSIGN_OR_RETURN(std::int64_t term_start, civic::int_in(c, "term_start", 2000, 2100));
  JICENG_ASSIGN_OR_RETURN(auto rule, civic::rule_params(c.host.policy(), "commitments.list", where(c)));
  const std::int64_t years = rule.at("term_years").as_int64();
  const auto day = civic::parse_day(due);
  if (!day) return absl::InvalidArgumentError(cat(where(c), ": field \"due\" \"", due, "\" is not a day YYYY-MM-DD"));
  const int y = civic::year_of_day(*day);
  if (y < term_start || y > term_start + years - 1) {
    return absl::InvalidArgumentError(cat(where(c), ": due day ", due, " is outside the term ", term_start, "–",
                                          term_start + years - 1, " (", years, " years, rule commitments.list)"));
  }
  return absl::OkStatus();
}

absl::Status set_draft(LoopCall& c) {
  auto& d = c.target->data;
  d["kind"] = "commitment";
  for (const char* k : {"owner", "category", "text", "measure", "due"}) d[k] = c.input.at(k);
  const std::int64_t term_start = c.input.at("term_start").as_int64();
  auto rule = civic::rule_params(c.host.policy(), "commitments.list", kLoop);
  if (!rule.ok()) return rule.status();
  d["term_start"] = term_start;
  d["term_end"] = term_start + rule->at("term_years").as_int64() - 1;
  // Due at the end of the due day, China time: the first second of the next day.
  d["due_at"] = civic::day_start(*civic::parse_day(sv(c.input.at("due").as_string())) + 1);
  return absl::OkStatus();
}

absl::Status note_only(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"note"}));
  return optional_text(c, "note");
}

// Keeps an optional note of an event under `key` and the time under `key_at`.
absl::Status stamp(LoopCall& c, const char* key_at) {
  c.target->data[key_at] = c.now;
  return absl::OkStatus();
}
absl::Status set_approved(LoopCall& c) {
  if (const auto* n = c.input.if_contains("note")) c.target->data["approval_note"] = *n;
  return stamp(c, "approved_at");
}
absl::Status set_published(LoopCall& c) { return stamp(c, "published_at"); }

// Guard of progress: one post per period of rule commitments.list (quarterly by default),
// a period that has begun, a text and an optional percentage done.
absl::Status progress_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"period", "text", "percent"}));
  JICENG_RETURN_IF_ERROR(required_text(c, "text"));
  if (c.input.contains("percent")) JICENG_RETURN_IF_ERROR(civic::int_in(c, "percent", 0, 100).status());
  JICENG_ASSIGN_OR_RETURN(auto label, required_string(c, "period", 16));
  JICENG_ASSIGN_OR_RETURN(auto rule, civic::rule_params(c.host.policy(), "commitments.list", where(c)));
  const std::string kind(sv(rule.at("progress_period").as_string()));
  const auto p = civic::parse_period(kind, label);
  if (!p) {
    return absl::InvalidArgumentError(cat(where(c), ": period \"", label, "\" is not a ", kind, " like ",
                                          civic::period_of(kind, c.now), " (rule commitments.list)"));
  }
  if (p->start > c.now) {
    return absl::InvalidArgumentError(cat(where(c), ": period ", label, " has not begun"));
  }
  if (const auto* posts = c.item->data.if_contains("progress")) {
    for (const auto& x : posts->as_array()) {
      if (sv(x.as_object().at("period").as_string()) == label) {
        return absl::AlreadyExistsError(cat(where(c), ": progress for ", label, " is already posted"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status add_progress(LoopCall& c) {
  auto& d = c.target->data;
  json::object post{{"period", c.input.at("period")}, {"text", c.input.at("text")}, {"at", c.now}};
  if (const auto* p = c.input.if_contains("percent")) post["percent"] = *p;
  if (!d.contains("progress")) d["progress"] = json::array();
  d["progress"].as_array().push_back(std::move(post));
  return absl::OkStatus();
}

// Guard of submit_evidence: 1–20 pieces of evidence; an item owned by one member is ticked
// off by that member or by the secretary, not by another member of the committee.
absl::Status evidence_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"evidence", "note"}));
  JICENG_RETURN_IF_ERROR(optional_text(c, "note"));
  const auto* ev = c.input.if_contains("evidence");
  if (ev == nullptr || !ev->is_array() || ev->as_array().empty() || ev->as_array().size() > 20) {
    return absl::InvalidArgumentError(cat(where(c), ": field \"evidence\" must be a list of 1 to 20 texts"));
  }
  for (const auto& x : ev->as_array()) {
    if (!x.is_string() || x.as_string().empty() || x.as_string().size() > 1024) {
      return absl::InvalidArgumentError(
          cat(where(c), ": each piece of evidence must be a non-empty text of at most 1024 bytes"));
    }
  }
  const std::string owner = str_of(c.item->data, "owner");
  if (owner != "committee" && c.actor.id != owner && c.actor.role != Role::kCommunitySecretary) {
    return absl::PermissionDeniedError(cat(c.actor.id, " may not ", where(c), ": the item is ", owner,
                                           "'s own commitment (its owner or the secretary submits the evidence)"));
  }
  return absl::OkStatus();
}

absl::Status set_evidence(LoopCall& c) {
  auto& d = c.target->data;
  d["evidence"] = c.input.at("evidence");
  d["submitted_by"] = c.actor.id;
  if (const auto* n = c.input.if_contains("note")) d["evidence_note"] = *n;
  return stamp(c, "submitted_at");
}

absl::Status set_confirmed(LoopCall& c) {
  auto& d = c.target->data;
  d["confirmed_by"] = c.actor.id;
  d["confirmed_unit"] = c.actor.unit;
  if (const auto* n = c.input.if_contains("note")) d["confirmation_note"] = *n;
  return stamp(c, "done_at");
}

absl::Status reason_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"reason"}));
  return required_text(c, "reason");
}

absl::Status add_rejection(LoopCall& c) {
  auto& d = c.target->data;
  if (!d.contains("rejections")) d["rejections"] = json::array();
  d["rejections"].as_array().push_back(json::object{{"reason", c.input.at("reason")}, {"by", c.actor.id}, {"at", c.now}});
  d.erase("evidence");
  d.erase("submitted_at");
  d.erase("submitted_by");
  d.erase("evidence_note");
  return absl::OkStatus();
}

// Guard of mark_overdue (the clock): the due day has ended.
absl::Status past_due(const LoopCall& c) {
  const std::int64_t due_at = int_at(c.item->data, "due_at");
  if (c.now < due_at) {
    return absl::FailedPreconditionError(cat(where(c), ": not due until the end of ", str_of(c.item->data, "due")));
  }
  return absl::OkStatus();
}
absl::Status set_overdue(LoopCall& c) { return stamp(c, "overdue_at"); }

absl::Status explanation_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"explanation"}));
  return required_text(c, "explanation");
}
absl::Status set_explanation(LoopCall& c) {
  c.target->data["explanation"] = c.input.at("explanation");
  return stamp(c, "explained_at");
}
absl::Status set_withdrawn(LoopCall& c) {
  c.target->data["withdraw_reason"] = c.input.at("reason");
  c.target->data["withdrawn_by"] = c.actor.id;
  return stamp(c, "withdrawn_at");
}

// ---- the yearly review (述职评议 / 民主评议) --------------------------------------------

constexpr std::string_view kOffices[] = {"residents_committee", "villagers_committee", "party_committee"};
// The offices the statute ends after consecutive 不称职 (居 37 / 村 38); a party office
// follows the party's own rules, outside this loop.
bool statutory_office(std::string_view office) {
  return office == "residents_committee" || office == "villagers_committee";
}

absl::StatusOr<json::object> review_rule(const LoopCall& c) {
  return civic::rule_params(c.host.policy(), "review.democratic", where(c));
}

absl::Status review_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"unit", "member", "year", "office"}));
  JICENG_ASSIGN_OR_RETURN(auto unit, required_string(c, "unit", 256));
  JICENG_RETURN_IF_ERROR(tree_unit_below_root(c, unit));
  JICENG_ASSIGN_OR_RETURN(auto member, required_string(c, "member", 256));
  if (!c.host.org().find_member(member)) {
    return absl::NotFoundError(cat(where(c), ": member \"", member, "\" is not in the org graph"));
  }
  JICENG_RETURN_IF_ERROR(civic::int_in(c, "year", 2000, 2100).status());
  JICENG_ASSIGN_OR_RETURN(auto office, required_string(c, "office", 64));
  if (std::find(std::begin(kOffices), std::end(kOffices), office) == std::end(kOffices)) {
    return absl::InvalidArgumentError(cat(where(c), ": office \"", office,
                                          "\" is not one of residents_committee, villagers_committee, party_committee"));
  }
  return review_rule(c).status();
}

absl::Status set_review(LoopCall& c) {
  auto& d = c.target->data;
  d["kind"] = "review";
  for (const char* k : {"member", "year", "office"}) d[k] = c.input.at(k);
  d["ratings"] = json::object();
  return absl::OkStatus();
}

std::string_view rater_of(std::string_view event) {
  if (event == "rate_org") return "organization";
  if (event == "rate_members") return "party_members";
  return "residents";
}

absl::Status grade_in_set(const LoopCall& c, std::string_view grade) {
  JICENG_ASSIGN_OR_RETURN(auto rule, review_rule(c));
  std::string set;
  for (const auto& g : rule.at("grades").as_array()) {
    if (sv(g.as_string()) == grade) return absl::OkStatus();
    set += set.empty() ? std::string(sv(g.as_string())) : cat(", ", sv(g.as_string()));
  }
  return absl::InvalidArgumentError(cat(where(c), ": grade \"", grade, "\" is not in the grade set of rule ",
                                        "review.democratic (", set, ")"));
}

// Guard of a rating: a grade of the set, once per rater group, with an optional count of
// those who rated (党员、群众 vote; the upper unit rates as one).
absl::Status rating_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"grade", "raters", "note"}));
  JICENG_ASSIGN_OR_RETURN(auto grade, required_string(c, "grade", 64));
  JICENG_RETURN_IF_ERROR(grade_in_set(c, grade));
  if (c.input.contains("raters")) JICENG_RETURN_IF_ERROR(civic::int_in(c, "raters", 1, 1'000'000).status());
  JICENG_RETURN_IF_ERROR(optional_text(c, "note"));
  const std::string_view rater = rater_of(c.row.event);
  if (c.item->data.at("ratings").as_object().contains(jv(rater))) {
    return absl::AlreadyExistsError(cat(where(c), ": the ", rater, " rating is already recorded"));
  }
  return absl::OkStatus();
}

absl::Status set_rating(LoopCall& c) {
  json::object r{{"grade", c.input.at("grade")}, {"by", c.actor.id}, {"at", c.now}};
  if (const auto* n = c.input.if_contains("raters")) r["raters"] = *n;
  if (const auto* n = c.input.if_contains("note")) r["note"] = *n;
  c.target->data["ratings"].as_object()[jv(rater_of(c.row.event))] = std::move(r);
  return absl::OkStatus();
}

// Guard of conclude: all three ratings are in and the grade is of the set. The fields
// consecutive_unfit, previous_review and ends_office are the loop's own (derived from the
// member's earlier reviews when the command is decided; checked again in replay).
absl::Status conclude_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(
      civic::only_fields(c, {"grade", "note", "consecutive_unfit", "previous_review", "ends_office"}));
  JICENG_ASSIGN_OR_RETURN(auto grade, required_string(c, "grade", 64));
  JICENG_RETURN_IF_ERROR(grade_in_set(c, grade));
  JICENG_RETURN_IF_ERROR(optional_text(c, "note"));
  const auto& ratings = c.item->data.at("ratings").as_object();
  for (std::string_view r : {"organization", "party_members", "residents"}) {
    if (!ratings.contains(jv(r))) {
      return absl::FailedPreconditionError(
          cat(where(c), ": the ", r, " rating is missing (组织评、党员评、群众评 come before the result)"));
    }
  }
  return absl::OkStatus();
}

absl::Status set_conclusion(LoopCall& c) {
  auto& d = c.target->data;
  d["grade"] = c.input.at("grade");
  for (const char* k : {"note", "consecutive_unfit", "previous_review", "ends_office"}) {
    if (const auto* v = c.input.if_contains(k)) d[k] = *v;
  }
  return stamp(c, "concluded_at");
}

// Guard of end_office (the clock): the review concluded the statutory run of 不称职.
absl::Status office_ends(const LoopCall& c) {
  const auto* v = c.item->data.if_contains("ends_office");
  if (v == nullptr || !v->is_bool() || !v->as_bool()) {
    return absl::FailedPreconditionError(cat(where(c), ": this review does not end the office"));
  }
  return absl::OkStatus();
}
absl::Status set_office_ended(LoopCall& c) { return stamp(c, "office_ended_at"); }

// The last year a review covers: its own, or the latest year the clock found missed after it.
std::int64_t covered_year(const json::object& d) {
  std::int64_t y = int_at(d, "year");
  if (const auto* m = d.if_contains("missed_years")) {
    for (const auto& x : m->as_array()) y = std::max(y, x.as_int64());
  }
  return y;
}
// When the year after the covered one has ended: the first second of the year after it.
Timestamp next_review_missed_at(const json::object& d) {
  return civic::day_start(*civic::parse_day(cat(covered_year(d) + 2, "-01-01")));
}

// Guard of miss_review (the clock): the year after the last one covered has ended. That no
// later review of the member's office exists is the loop's cross-check.
absl::Status review_missed(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {}));
  if (c.now < next_review_missed_at(c.item->data)) {
    return absl::FailedPreconditionError(
        cat(where(c), ": the year ", covered_year(c.item->data) + 1, " has not ended; its review may still come"));
  }
  return absl::OkStatus();
}
absl::Status add_missed_year(LoopCall& c) {
  auto& d = c.target->data;
  const std::int64_t year = covered_year(d) + 1;
  if (!d.contains("missed_years")) d["missed_years"] = json::array();
  d["missed_years"].as_array().push_back(year);
  return absl::OkStatus();
}

// ---- the table -------------------------------------------------------------------------

constexpr RoleMask kCommunity = role_bit(Role::kCommunitySecretary) | role_bit(Role::kCommunityStaff);
constexpr RoleMask kSecretary = role_bit(Role::kCommunitySecretary);
constexpr RoleMask kUpper = role_bit(Role::kStreetOfficer) | role_bit(Role::kDistrictOfficer);
constexpr RoleMask kClock = role_bit(Role::kSystem);
constexpr LoopScope kUnit = LoopScope::kItemUnit;
constexpr LoopScope kAbove = LoopScope::kStrictAncestor;
constexpr LoopScope kAny = LoopScope::kAnywhere;

constexpr LoopState kStates[] = {
    {"drafted", "草拟"},
    {"approved", "审定"},
    {"published", "已公开"},
    {"in_progress", "推进中"},
    {"evidence_submitted", "待核销"},
    {"done", "已销号", true},
    {"overdue", "逾期"},
    {"not_fulfilled", "未兑现", true},
    {"withdrawn", "已撤回", true},
    {"reviewing", "评议中"},
    {"concluded", "已评定"},
    {"office_ended", "职务终止", true},
};
constexpr LoopEventType kEvents[] = {
    {"draft", "拟定承诺"},        {"approve", "审定"},        {"publish", "公开"},
    {"progress", "进展公示"},     {"submit_evidence", "提交销号"}, {"confirm", "核销"},
    {"reject", "退回"},           {"mark_overdue", "逾期"},    {"explain", "未兑现说明"},
    {"withdraw", "撤回"},         {"open_review", "启动评议"}, {"rate_org", "组织评"},
    {"rate_members", "党员评"},   {"rate_residents", "群众评"}, {"conclude", "评定"},
    {"end_office", "职务终止"},   {"miss_review", "未按期评议"},
};
constexpr LoopRow kRows[] = {
    {"", "draft", "drafted", kCommunity, kUnit, "draft_valid", &draft_valid, "set_draft", &set_draft},
    {"drafted", "approve", "approved", kSecretary, kUnit, "note_only", &note_only, "set_approved", &set_approved},
    {"approved", "publish", "published", kCommunity, kUnit, "note_only", &note_only, "set_published", &set_published},
    {"published", "progress", "in_progress", kCommunity, kUnit, "progress_valid", &progress_valid, "add_progress",
     &add_progress},
    {"in_progress", "progress", "in_progress", kCommunity, kUnit, "progress_valid", &progress_valid, "add_progress",
     &add_progress},
    {"overdue", "progress", "overdue", kCommunity, kUnit, "progress_valid", &progress_valid, "add_progress",
     &add_progress},
    {"published", "submit_evidence", "evidence_submitted", kCommunity, kUnit, "evidence_valid", &evidence_valid,
     "set_evidence", &set_evidence},
    {"in_progress", "submit_evidence", "evidence_submitted", kCommunity, kUnit, "evidence_valid", &evidence_valid,
     "set_evidence", &set_evidence},
    {"overdue", "submit_evidence", "evidence_submitted", kCommunity, kUnit, "evidence_valid", &evidence_valid,
     "set_evidence", &set_evidence},
    {"evidence_submitted", "confirm", "done", kUpper, kAbove, "note_only", &note_only, "set_confirmed", &set_confirmed},
    {"evidence_submitted", "reject", "in_progress", kUpper, kAbove, "reason_valid", &reason_valid, "add_rejection",
     &add_rejection},
    {"published", "mark_overdue", "overdue", kClock, kAny, "past_due", &past_due, "set_overdue", &set_overdue},
    {"in_progress", "mark_overdue", "overdue", kClock, kAny, "past_due", &past_due, "set_overdue", &set_overdue},
    {"in_progress", "explain", "not_fulfilled", kSecretary, kUnit, "explanation_valid", &explanation_valid,
     "set_explanation", &set_explanation},
    {"overdue", "explain", "not_fulfilled", kSecretary, kUnit, "explanation_valid", &explanation_valid,
     "set_explanation", &set_explanation},
    {"drafted", "withdraw", "withdrawn", kSecretary, kUnit, "reason_valid", &reason_valid, "set_withdrawn",
     &set_withdrawn},
    {"approved", "withdraw", "withdrawn", kSecretary, kUnit, "reason_valid", &reason_valid, "set_withdrawn",
     &set_withdrawn},
    // A published promise is withdrawn only by the unit above (INFERRED: not by its maker).
    {"published", "withdraw", "withdrawn", kUpper, kAbove, "reason_valid", &reason_valid, "set_withdrawn",
     &set_withdrawn},
    {"in_progress", "withdraw", "withdrawn", kUpper, kAbove, "reason_valid", &reason_valid, "set_withdrawn",
     &set_withdrawn},
    {"overdue", "withdraw", "withdrawn", kUpper, kAbove, "reason_valid", &reason_valid, "set_withdrawn",
     &set_withdrawn},
    {"", "open_review", "reviewing", kSecretary | role_bit(Role::kStreetOfficer), kUnit, "review_valid", &review_valid,
     "set_review", &set_review},
    {"reviewing", "rate_org", "reviewing", kUpper, kAbove, "rating_valid", &rating_valid, "set_rating", &set_rating},
    {"reviewing", "rate_members", "reviewing", kCommunity, kUnit, "rating_valid", &rating_valid, "set_rating",
     &set_rating},
    {"reviewing", "rate_residents", "reviewing", kCommunity, kUnit, "rating_valid", &rating_valid, "set_rating",
     &set_rating},
    {"reviewing", "conclude", "concluded", kSecretary | kUpper, kUnit, "conclude_valid", &conclude_valid,
     "set_conclusion", &set_conclusion},
    {"concluded", "end_office", "office_ended", kClock, kAny, "office_ends", &office_ends, "set_office_ended",
     &set_office_ended},
    // The yearly cadence (居 37 / 村 38: at least once a year): a year that ends without the
    // member's next review is recorded on the latest one.
    {"concluded", "miss_review", "concluded", kClock, kAny, "review_missed", &review_missed, "add_missed_year",
     &add_missed_year},
};
constexpr LoopTable kTable{kLoop, "承诺", "C", kStates, kEvents, kRows};

enum StateIx : std::uint16_t {
  kDrafted, kApproved, kPublished, kInProgress, kEvidenceSubmitted, kDone, kOverdue, kNotFulfilled, kWithdrawn,
  kReviewing, kConcluded, kOfficeEnded,
};

class CommitmentsLoop final : public TableLoop {
 public:
  CommitmentsLoop() : TableLoop(kTable, "board, reviews, offices") {}

  absl::StatusOr<std::string> query(std::string_view name, std::string_view params,
                                    const LoopHost& host) const override {
    if (name == "board") return board(params, host);
    if (name == "reviews") return reviews(params, host);
    if (name == "offices") return offices(host);
    return TableLoop::query(name, params, host);
  }

 private:
  void clock_commands(const LoopItem& it, std::vector<ClockCommand>& out) const override {
    if (auto t = wake_of(it)) out.push_back({it.state == kConcluded ? "end_office" : "mark_overdue", *t});
  }

  // The yearly cadence reads every review of a member's office at once (the latest one owes
  // the finding), so it adds to the table's wake-ups here rather than item by item.
  std::vector<std::pair<const LoopItem*, Timestamp>> reviews_owed() const {
    std::map<std::pair<std::string, std::string>, const LoopItem*> latest;
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      // The statute's cadence (居 37 / 村 38); a party office follows the party's own rules.
      if (!is_review(it) || !statutory_office(str_of(it.data, "office"))) continue;
      const LoopItem*& l = latest[{str_of(it.data, "member"), str_of(it.data, "office")}];
      if (l == nullptr || int_at(it.data, "year") > int_at(l->data, "year")) l = &it;
    }
    std::vector<std::pair<const LoopItem*, Timestamp>> out;
    for (const auto& [key, it] : latest) {
      if (it->state != kConcluded || wake_of(*it)) continue;  // open, ending or ended: nothing owed
      out.emplace_back(it, std::max<Timestamp>(next_review_missed_at(it->data), it->updated));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first->id < b.first->id; });
    return out;
  }
  Timestamp next_wake() const override {
    Timestamp w = TableLoop::next_wake();
    for (const auto& [it, at] : reviews_owed()) w = std::min(w, at);
    return w;
  }
  std::vector<LoopCommand> due(Timestamp now) const override {
    std::vector<LoopCommand> out = TableLoop::due(now);
    for (const auto& [it, at] : reviews_owed()) {
      if (at > now) continue;
      LoopCommand c;
      c.event = "miss_review";
      c.item = it->id;
      out.push_back(c);
    }
    return out;
  }

  // When the clock has something to do for an item: a published or running commitment at
  // the end of its due day; a review that ends an office at once.
  static std::optional<Timestamp> wake_of(const LoopItem& it) {
    if (it.state == kPublished || it.state == kInProgress) {
      return std::max<Timestamp>(int_at(it.data, "due_at"), it.updated);
    }
    if (it.state == kConcluded) {
      const auto* v = it.data.if_contains("ends_office");
      if (v && v->is_bool() && v->as_bool()) return it.updated;
    }
    return std::nullopt;
  }

  static bool is_review(const LoopItem& it) { return str_of(it.data, "kind") == "review"; }

  // Checks that read other items, and fills in what conclude derives from them.
  absl::Status cross_check(LoopEvent& e, LoopHost& host) const override {
    if (e.event == "miss_review") {
      // Only the member's latest review of the office owes the finding.
      const LoopItem* it = item(e.item);
      if (it == nullptr) return absl::NotFoundError(cat(kLoop, " miss_review ", display_item_id(kTable, e.item), ": no such review"));
      for (std::size_t i = 1; i <= size(); ++i) {
        const LoopItem& o = *item(i);
        if (is_review(o) && o.id != it->id && str_of(o.data, "member") == str_of(it->data, "member") &&
            str_of(o.data, "office") == str_of(it->data, "office") && int_at(o.data, "year") > int_at(it->data, "year")) {
          return absl::FailedPreconditionError(cat(kLoop, " miss_review ", display_item_id(kTable, e.item), ": review ",
                                                   display_item_id(kTable, o.id), " for ", int_at(o.data, "year"),
                                                   " follows it"));
        }
      }
      return absl::OkStatus();
    }
    if (e.event != "open_review" && e.event != "conclude") return absl::OkStatus();
    const std::string where_ = cat(kLoop, " ", e.event, " ", display_item_id(kTable, e.item));
    json::error_code ec;
    json::value v = json::parse(jv(e.data), ec);
    if (ec || !v.is_object()) return absl::InvalidArgumentError(cat(where_, ": its data is not a JSON object"));
    json::object& d = v.as_object();
    std::string member, office;
    std::int64_t year = 0;
    if (e.event == "open_review") {
      member = str_of(d, "member");
      office = str_of(d, "office");
      year = int_at(d, "year");
    } else {
      const LoopItem* it = item(e.item);
      if (it == nullptr) return absl::NotFoundError(cat(where_, ": no such review"));
      member = str_of(it->data, "member");
      office = str_of(it->data, "office");
      year = int_at(it->data, "year");
    }
    const LoopItem* previous = nullptr;  // the member's latest concluded review before this one
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& o = *item(i);
      if (o.id == e.item || !is_review(o) || str_of(o.data, "member") != member || str_of(o.data, "office") != office) {
        continue;
      }
      const std::int64_t oy = int_at(o.data, "year");
      if (e.event == "open_review") {
        if (o.state == kOfficeEnded) {
          return absl::FailedPreconditionError(cat(where_, ": ", member, "'s office (", office, ") ended by review ",
                                                   display_item_id(kTable, o.id), "; there is no office to review"));
        }
        if (o.state == kReviewing) {
          return absl::FailedPreconditionError(cat(where_, ": ", member, "'s review ", display_item_id(kTable, o.id),
                                                   " (", oy, ") is still open"));
        }
        if (oy >= year) {
          return absl::AlreadyExistsError(cat(where_, ": ", member, " already has a review (", office, ") for ", oy,
                                              ": ", display_item_id(kTable, o.id), "; a new one is for a later year"));
        }
      } else if ((o.state == kConcluded || o.state == kOfficeEnded) && oy < year &&
                 (previous == nullptr || oy > int_at(previous->data, "year"))) {
        previous = &o;
      }
    }
    if (e.event == "conclude") {
      JICENG_ASSIGN_OR_RETURN(auto rule, civic::rule_params(host.policy(), "review.democratic", where_));
      const std::string failing(sv(rule.at("failing_grade").as_string()));
      const std::int64_t to_end = rule.at("consecutive_to_end").as_int64();
      const std::int64_t before = previous ? int_at(previous->data, "consecutive_unfit") : 0;
      const std::int64_t run = str_of(d, "grade") == failing ? before + 1 : 0;
      d["consecutive_unfit"] = run;
      if (previous) {
        d["previous_review"] = display_item_id(kTable, previous->id);
      } else {
        d.erase("previous_review");
      }
      d["ends_office"] = statutory_office(office) && run >= to_end;
      e.data = canonical_json(v);
    }
    return absl::OkStatus();
  }

  std::string member_name(const LoopHost& host, std::string_view id) const {
    if (id == "committee") return "班子";
    const auto m = host.org().find_member(id);
    return m ? std::string(host.org().member_name(*m)) : std::string();
  }

  std::string unit_name(const LoopHost& host, std::string_view id) const {
    const auto u = host.org().find(id);
    return u ? std::string(host.org().name(*u)) : std::string();
  }

  absl::StatusOr<std::optional<std::uint32_t>> under_param(const json::object& p, std::string_view where_,
                                                           const LoopHost& host) const {
    const auto* u = p.if_contains("unit");
    if (u == nullptr) return std::optional<std::uint32_t>();
    if (!u->is_string()) return absl::InvalidArgumentError(cat(where_, ": parameter \"unit\" must be a string"));
    auto ix = host.org().find(sv(u->as_string()));
    if (!ix) return absl::NotFoundError(cat(where_, ": unit \"", sv(u->as_string()), "\" is not in the org graph"));
    return std::optional<std::uint32_t>(*ix);
  }

  bool in_subtree(const LoopHost& host, std::optional<std::uint32_t> under, std::string_view unit) const {
    if (!under) return true;
    auto u = host.org().find(unit);
    return u && host.org().is_ancestor_or_self(*under, *u);
  }

  static absl::StatusOr<json::object> params_of(std::string_view params, std::string_view where_,
                                                std::initializer_list<std::string_view> allowed) {
    json::object p;
    if (!params.empty()) {
      json::error_code ec;
      json::value v = json::parse(jv(params), ec);
      if (ec || !v.is_object()) return absl::InvalidArgumentError(cat(where_, ": parameters must be a JSON object"));
      p = std::move(v.as_object());
    }
    for (const auto& kv : p) {
      if (std::find(allowed.begin(), allowed.end(), sv(kv.key())) == allowed.end()) {
        return absl::InvalidArgumentError(cat(where_, ": unknown parameter \"", sv(kv.key()), "\""));
      }
    }
    return p;
  }

  // The public board (公开栏): every commitment once published, by unit, with the share
  // ticked off (销号率 = done / published and not withdrawn).
  absl::StatusOr<std::string> board(std::string_view params, const LoopHost& host) const {
    const std::string where_ = cat(kLoop, " query board");
    JICENG_ASSIGN_OR_RETURN(json::object p, params_of(params, where_, {"unit", "term_start"}));
    JICENG_ASSIGN_OR_RETURN(auto under, under_param(p, where_, host));
    std::optional<std::int64_t> term;
    if (const auto* t = p.if_contains("term_start")) {
      if (!t->is_int64()) return absl::InvalidArgumentError(cat(where_, ": parameter \"term_start\" must be an integer"));
      term = t->as_int64();
    }
    json::array items;
    std::map<std::string, std::array<std::int64_t, 5>> per_unit;  // published, done, overdue, not_fulfilled, withdrawn
    std::array<std::int64_t, 5> total{};
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      if (str_of(it.data, "kind") != "commitment" || it.state == kDrafted || it.state == kApproved) continue;
      if (it.state == kWithdrawn && !it.data.contains("published_at")) continue;  // never public
      if (!in_subtree(host, under, it.unit)) continue;
      if (term && int_at(it.data, "term_start") != *term) continue;
      const std::string owner = str_of(it.data, "owner");
      json::object o{{"id", display_item_id(kTable, it.id)},
                     {"unit", it.unit},
                     {"unit_name", unit_name(host, it.unit)},
                     {"owner", owner},
                     {"owner_name", member_name(host, owner)},
                     {"category", it.data.at("category")},
                     {"text", it.data.at("text")},
                     {"measure", it.data.at("measure")},
                     {"due", it.data.at("due")},
                     {"state", kStates[it.state].name},
                     {"state_zh", kStates[it.state].zh}};
      if (const auto* pr = it.data.if_contains("progress"); pr && !pr->as_array().empty()) {
        o["progress"] = pr->as_array().back();
      }
      if (const auto* ev = it.data.if_contains("evidence")) o["evidence"] = *ev;
      for (const char* k : {"explanation", "withdraw_reason", "done_at", "overdue_at"}) {
        if (const auto* v = it.data.if_contains(k)) o[k] = *v;
      }
      items.push_back(std::move(o));
      auto& u = per_unit[it.unit];
      const int slot = it.state == kDone ? 1 : it.state == kOverdue ? 2 : it.state == kNotFulfilled ? 3
                       : it.state == kWithdrawn ? 4 : -1;
      for (auto* a : {&u, &total}) {
        ++(*a)[0];
        if (slot >= 0) ++(*a)[static_cast<std::size_t>(slot)];
      }
    }
    auto figures = [](const std::array<std::int64_t, 5>& a) {
      return json::object{{"published", a[0]},     {"done", a[1]},      {"overdue", a[2]},
                          {"not_fulfilled", a[3]}, {"withdrawn", a[4]}, {"done_percent", civic::percent(a[1], a[0] - a[4])}};
    };
    json::array units;
    for (const auto& [u, a] : per_unit) {
      json::object o = figures(a);
      o["unit"] = u;
      o["unit_name"] = unit_name(host, u);
      units.push_back(std::move(o));
    }
    return canonical_json(json::object{{"items", std::move(items)}, {"units", std::move(units)}, {"totals", figures(total)}});
  }

  json::object review_json(const LoopItem& it, const LoopHost& host) const {
    json::object o{{"id", display_item_id(kTable, it.id)},
                   {"unit", it.unit},
                   {"member", it.data.at("member")},
                   {"member_name", member_name(host, str_of(it.data, "member"))},
                   {"office", it.data.at("office")},
                   {"year", it.data.at("year")},
                   {"state", kStates[it.state].name},
                   {"state_zh", kStates[it.state].zh},
                   {"ratings", it.data.at("ratings")}};
    for (const char* k : {"grade", "consecutive_unfit", "previous_review", "ends_office", "concluded_at",
                          "office_ended_at", "missed_years"}) {
      if (const auto* v = it.data.if_contains(k)) o[k] = *v;
    }
    return o;
  }

  absl::StatusOr<std::string> reviews(std::string_view params, const LoopHost& host) const {
    const std::string where_ = cat(kLoop, " query reviews");
    JICENG_ASSIGN_OR_RETURN(json::object p, params_of(params, where_, {"unit", "member", "year"}));
    JICENG_ASSIGN_OR_RETURN(auto under, under_param(p, where_, host));
    std::string member;
    if (const auto* m = p.if_contains("member")) {
      if (!m->is_string()) return absl::InvalidArgumentError(cat(where_, ": parameter \"member\" must be a string"));
      member = std::string(sv(m->as_string()));
    }
    std::optional<std::int64_t> year;
    if (const auto* y = p.if_contains("year")) {
      if (!y->is_int64()) return absl::InvalidArgumentError(cat(where_, ": parameter \"year\" must be an integer"));
      year = y->as_int64();
    }
    json::array out, missed;
    json::object grades;
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      if (!is_review(it) || !in_subtree(host, under, it.unit)) continue;
      if (!member.empty() && str_of(it.data, "member") != member) continue;
      // The findings of the yearly cadence: one per year that ended without its review.
      if (const auto* m = it.data.if_contains("missed_years")) {
        for (const auto& y : m->as_array()) {
          if (year && y.as_int64() != *year) continue;
          missed.push_back(json::object{{"member", it.data.at("member")},
                                        {"member_name", member_name(host, str_of(it.data, "member"))},
                                        {"unit", it.unit},
                                        {"unit_name", unit_name(host, it.unit)},
                                        {"office", it.data.at("office")},
                                        {"year", y},
                                        {"code", "review_missed"},
                                        {"last_review", display_item_id(kTable, it.id)}});
        }
      }
      if (year && int_at(it.data, "year") != *year) continue;
      if (const auto* g = it.data.if_contains("grade")) {
        auto& n = grades[g->as_string()];
        n = (n.is_int64() ? n.as_int64() : 0) + 1;
      }
      out.push_back(review_json(it, host));
    }
    return canonical_json(
        json::object{{"reviews", std::move(out)}, {"grades", std::move(grades)}, {"missed", std::move(missed)}});
  }

  // The ended offices (职务终止): what the org view shows beside the graph's posts.
  absl::StatusOr<std::string> offices(const LoopHost& host) const {
    json::array ended, ending;
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      if (!is_review(it)) continue;
      json::object o{{"member", it.data.at("member")},
                     {"member_name", member_name(host, str_of(it.data, "member"))},
                     {"unit", it.unit},
                     {"unit_name", unit_name(host, it.unit)},
                     {"office", it.data.at("office")},
                     {"year", it.data.at("year")},
                     {"review", display_item_id(kTable, it.id)}};
      if (const auto* v = it.data.if_contains("previous_review")) o["previous_review"] = *v;
      if (const auto* v = it.data.if_contains("consecutive_unfit")) o["consecutive_unfit"] = *v;
      if (it.state == kOfficeEnded) {
        o["ended_at"] = it.data.at("office_ended_at");
        ended.push_back(std::move(o));
      } else if (it.state == kConcluded && wake_of(it)) {
        ending.push_back(std::move(o));  // concluded; the clock ends the office at its next tick
      }
    }
    return canonical_json(json::object{{"ended", std::move(ended)}, {"ending", std::move(ending)}});
  }
};

}  // namespace

const LoopTable& commitments_table() { return kTable; }
std::unique_ptr<Loop> make_commitments_loop() { return std::make_unique<CommitmentsLoop>(); }

}  // namespace jiceng
