// The community service fund loop (社区党组织为民服务专项经费): a ring-fenced account
// (专款专用、专项核算) per community and year.
//
// - The allocation is at least the policy's minimum (`community.service_fund.min_yuan`;
//   Suzhou's 办法 sets 200,000 yuan per community per year from 2016, and Wuzhong words it
//   不少于, "at least", so exactly the minimum passes and larger is allowed); top-ups add to it.
// - Every spend names a project of the projects loop and that project's decision record
//   (项目议定: the democratic decision that approved it), read through the host
//   (LoopHost::query_loop); a project not yet approved cannot be paid for.
// - A spend is in one of the policy's categories (`fund.categories`: Suzhou's four —
//   党建工作, 公共服务, 自治管理, 其他 urgent services); a category on the policy's negative
//   list (office costs, staff costs, debts, ...) is refused, and so is a spend above the
//   balance: the balance never goes below zero.
// - Money is integer fen inside and a decimal string of yuan in JSON ("50000.00"), never
//   a binary float.
// - The year closes with a statement (年度结账), posted for at least the policy's
//   `disclosure.posting` days (居 34 ¶2(二): how government-allocated funds were used is
//   published; 15 days, counted as the Civil Code counts periods), then concluded.
// - Every spend is disclosed on its own (居 34 ¶2(二)) for the same period: `disclose` posts
//   it, the clock completes the period; a notice taken down before its period ends is the
//   finding `disclosure_taken_down_early` (post it again); a spend of a closed account never
//   posted is the finding `spend_not_disclosed`.
#include <algorithm>
#include <map>

#include "absl/strings/match.h"
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
using civic::where;
json::string_view js(std::string_view s) { return civic::jv(s); }

absl::StatusOr<json::object> rule(const LoopCall& c, std::string_view id) {
  return civic::rule_params(c, id, "the service fund is Suzhou's: use a set that gives it, e.g. wuzhong");
}
absl::StatusOr<std::int64_t> positive_money(const LoopCall& c, std::string_view field) {
  const json::value* v = c.input.if_contains(js(field));
  if (v == nullptr) return bad_field(c, field, "(an amount of yuan such as \"50000.00\") is required");
  JICENG_ASSIGN_OR_RETURN(std::int64_t fen, loopval::parse_money(*v, cat(where(c), ": field \"", field, "\"")));
  if (fen == 0) return bad_field(c, field, "must be more than zero");
  return fen;
}
std::int64_t get(const json::object& d, std::string_view k) { return d.at(js(k)).as_int64(); }

// ---------------------------------------------------------------------------------------
// open: the account of one community for one year.

absl::StatusOr<std::int64_t> opening(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"unit", "year", "allocation", "source"}));
  const OrgGraph& g = c.host.org();
  const auto u = g.find(sv(c.input.at("unit").as_string()));  // the host checked it is in the graph
  const UnitKind k = g.kind(*u);
  if (k != UnitKind::kCommunityCommittee && k != UnitKind::kCommunityGeneralBranch && k != UnitKind::kCommunityBranch) {
    return bad_field(c, "unit",
                     cat("\"", g.id(*u), "\" is a ", to_string(k),
                         ", not a community party organization (社区党组织: community_committee, "
                         "community_general_branch or community_branch)"));
  }
  const json::value* y = c.input.if_contains("year");
  if (y == nullptr || !y->is_int64() || y->as_int64() < 1970 || y->as_int64() > 2200) {
    return bad_field(c, "year", "(the budget year, an integer) is required");
  }
  JICENG_RETURN_IF_ERROR(civic::text_field(c, "source", 300, false).status());
  JICENG_ASSIGN_OR_RETURN(std::int64_t fen, positive_money(c, "allocation"));
  JICENG_ASSIGN_OR_RETURN(json::object r, rule(c, "community.service_fund"));
  const std::int64_t min_fen = get(r, "min_yuan") * 100;
  if (fen < min_fen) {
    return absl::FailedPreconditionError(
        cat(where(c), ": allocation ", loopval::format_fen(fen), " is below the policy's minimum of ",
            loopval::format_fen(min_fen), " yuan per community per year (community.service_fund, 不少于)"));
  }
  return fen;
}
absl::Status open_valid(const LoopCall& c) { return opening(c).status(); }
absl::Status open_account(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(std::int64_t fen, opening(c));
  json::object a{{"at", c.now}, {"amount_fen", fen}, {"by", c.actor.id}};
  if (const json::value* s = c.input.if_contains("source")) a["note"] = *s;
  c.target->data = json::object{{"year", c.input.at("year")},     {"allocation_fen", fen}, {"spent_fen", 0},
                                {"balance_fen", fen},             {"allocations", json::array{std::move(a)}},
                                {"spends", json::array()}};
  return absl::OkStatus();
}

// allocate: a top-up (the minimum is a floor, not a cap).
absl::Status allocate_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"amount", "note"}));
  JICENG_RETURN_IF_ERROR(civic::text_field(c, "note", 300, false).status());
  JICENG_ASSIGN_OR_RETURN(std::int64_t fen, positive_money(c, "amount"));
  if (get(c.item->data, "allocation_fen") + fen > loopval::kMaxFen) {
    return bad_field(c, "amount", cat("would raise the allocation above ", loopval::format_fen(loopval::kMaxFen)));
  }
  return absl::OkStatus();
}
absl::Status add_allocation(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(std::int64_t fen, positive_money(c, "amount"));
  auto& d = c.target->data;
  json::object a{{"at", c.now}, {"amount_fen", fen}, {"by", c.actor.id}};
  if (const json::value* n = c.input.if_contains("note")) a["note"] = *n;
  d.at("allocations").as_array().push_back(std::move(a));
  d["allocation_fen"] = get(d, "allocation_fen") + fen;
  d["balance_fen"] = get(d, "balance_fen") + fen;
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// spend: tied to an approved project of this community and its decision record.

struct SpendCheck {
  std::int64_t fen = 0;
  std::string project;  // display id
};

absl::StatusOr<SpendCheck> spending(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"project", "decision", "category", "amount", "purpose", "payee"}));
  JICENG_RETURN_IF_ERROR(civic::text_field(c, "purpose", 500, true).status());
  JICENG_RETURN_IF_ERROR(civic::text_field(c, "payee", 300, false).status());
  JICENG_RETURN_IF_ERROR(civic::text_field(c, "decision", 300, true).status());
  JICENG_RETURN_IF_ERROR(civic::text_field(c, "category", 64, true).status());
  SpendCheck s;
  JICENG_ASSIGN_OR_RETURN(s.fen, positive_money(c, "amount"));
  // The category: one of the policy's, and never one of its negative list.
  JICENG_ASSIGN_OR_RETURN(json::object cats, rule(c, "fund.categories"));
  const std::string_view cat_id = sv(c.input.at("category").as_string());
  for (const auto& n : cats.at("negative").as_array()) {
    if (sv(n.as_object().at("id").as_string()) == cat_id) {
      return absl::FailedPreconditionError(cat(where(c), ": category \"", cat_id, "\" (",
                                               sv(n.as_object().at("zh").as_string()),
                                               ") is on the policy's negative list: the fund may not pay for it"));
    }
  }
  bool known = false;
  std::string list;
  for (const auto& k : cats.at("categories").as_array()) {
    list += cat(list.empty() ? "" : ", ", sv(k.as_object().at("id").as_string()));
    known = known || sv(k.as_object().at("id").as_string()) == cat_id;
  }
  if (!known) return bad_field(c, "category", cat("\"", cat_id, "\" is not a category of the policy (", list, ")"));
  // The project, read through the host.
  const json::value* pv = c.input.if_contains("project");
  if (pv == nullptr) return bad_field(c, "project", "(the project it pays for, e.g. \"P00000001\") is required");
  auto pid = parse_item_id(projects_loop_table(), *pv);
  if (!pid.ok()) return bad_field(c, "project", "must be a project id such as \"P00000001\"");
  s.project = display_item_id(projects_loop_table(), *pid);
  auto got = c.host.query_loop("projects", "get", cat("{\"item\":", *pid, "}"));
  if (got.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(cat(where(c), ": project ", s.project, " not found"));
  }
  if (!got.ok()) return got.status();
  const json::object p = json::parse(*got).as_object();
  const std::string_view state = sv(p.at("state").as_string());
  if (state != "approved" && state != "in_progress" && state != "overdue" && state != "done") {
    return absl::FailedPreconditionError(cat(where(c), ": project ", s.project, " is ", state,
                                             "; the fund pays only for an approved project (approved, in_progress, "
                                             "overdue or done)"));
  }
  const json::object& pd = p.at("data").as_object();
  const std::string_view record = sv(pd.at("decision").as_object().at("record").as_string());
  if (record != sv(c.input.at("decision").as_string())) {
    return bad_field(c, "decision",
                     cat("\"", sv(c.input.at("decision").as_string()), "\" is not the decision record of ", s.project,
                         " (\"", record, "\")"));
  }
  const OrgGraph& g = c.host.org();
  const auto community = g.find(c.item->unit);
  const auto punit = g.find(sv(p.at("unit").as_string()));
  if (!community || !punit || !g.is_ancestor_or_self(*community, *punit)) {
    return absl::FailedPreconditionError(cat(where(c), ": project ", s.project, " belongs to ",
                                             sv(p.at("unit").as_string()), ", outside community ", c.item->unit,
                                             ": the fund is ring-fenced (专款专用)"));
  }
  const std::int64_t year = get(c.item->data, "year");
  if (loopval::year_of_day(loopval::day_of(c.now)) != year) {
    return absl::FailedPreconditionError(cat(where(c), ": the account is for ", year, "; today is ",
                                             loopval::format_day(loopval::day_of(c.now))));
  }
  const std::int64_t balance = get(c.item->data, "balance_fen");
  if (s.fen > balance) {
    return absl::FailedPreconditionError(cat(where(c), ": amount ", loopval::format_fen(s.fen),
                                             " exceeds the balance ", loopval::format_fen(balance),
                                             " (overspending is refused: the balance never goes below zero)"));
  }
  return s;
}
absl::Status spend_valid(const LoopCall& c) { return spending(c).status(); }
absl::Status record_spend(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(SpendCheck s, spending(c));
  auto& d = c.target->data;
  auto& spends = d.at("spends").as_array();
  json::object o{{"n", spends.size() + 1},
                 {"at", c.now},
                 {"on", loopval::format_day(loopval::day_of(c.now))},
                 {"project", s.project},
                 {"decision", c.input.at("decision")},
                 {"category", c.input.at("category")},
                 {"amount_fen", s.fen},
                 {"purpose", c.input.at("purpose")},
                 {"by", c.actor.id}};
  if (const json::value* p = c.input.if_contains("payee")) o["payee"] = *p;
  spends.push_back(std::move(o));
  d["spent_fen"] = get(d, "spent_fen") + s.fen;
  d["balance_fen"] = get(d, "balance_fen") - s.fen;
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Each spend disclosed one by one (居 34 ¶2(二)): posted from a day for the policy's
// disclosure.posting days, counted as the Civil Code counts periods; the clock completes it.

absl::StatusOr<Timestamp> posting_end(const LoopCall& c, std::string_view what) {
  JICENG_RETURN_IF_ERROR(civic::text_field(c, "channel", 200, true).status());
  const json::value* from = c.input.if_contains("from");
  if (from == nullptr) return bad_field(c, "from", "(the first day posted, \"YYYY-MM-DD\") is required");
  JICENG_ASSIGN_OR_RETURN(std::int64_t day, loopval::parse_day(*from, cat(where(c), ": field \"from\"")));
  const std::int64_t now_day = loopval::day_of(c.now);
  if (day < now_day) return bad_field(c, "from", cat("is before today, ", loopval::format_day(now_day)));
  JICENG_ASSIGN_OR_RETURN(json::object posting, rule(c, "disclosure.posting"));
  auto end = loopval::civil_period_end(c.host.calendar(), day, static_cast<int>(get(posting, "min_days")));
  if (!end.ok()) return absl::FailedPreconditionError(cat(where(c), ": ", what, ": ", end.status().message()));
  return *end;
}

// The spend a payload names in "spend" (its number on the account, 1-based).
absl::StatusOr<std::size_t> spend_index(const LoopCall& c) {
  const json::value* v = c.input.if_contains("spend");
  const std::size_t n = c.item->data.at("spends").as_array().size();
  if (v == nullptr || !v->is_int64() || v->as_int64() < 1 || static_cast<std::size_t>(v->as_int64()) > n) {
    return bad_field(c, "spend", n == 0 ? std::string("names a spend, but the account has none")
                                        : cat("must be the number of one of the account's spends, 1-", n));
  }
  return static_cast<std::size_t>(v->as_int64() - 1);
}
std::string_view disclosure_state(const json::object& spend) {
  const json::value* d = spend.if_contains("disclosure");
  return d == nullptr ? std::string_view() : sv(d->as_object().at("state").as_string());
}

absl::Status disclose_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"spend", "from", "channel"}));
  JICENG_ASSIGN_OR_RETURN(std::size_t i, spend_index(c));
  const std::string_view st = disclosure_state(c.item->data.at("spends").as_array()[i].as_object());
  if (st == "posted" || st == "disclosed") {
    return absl::FailedPreconditionError(cat(where(c), ": spend ", i + 1,
                                             st == "posted" ? " is posted already" : " was disclosed in full already"));
  }
  return posting_end(c, cat("spend ", i + 1)).status();
}
absl::Status record_disclosure(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(std::size_t i, spend_index(c));
  JICENG_ASSIGN_OR_RETURN(Timestamp end, posting_end(c, cat("spend ", i + 1)));
  auto& spend = c.target->data.at("spends").as_array()[i].as_object();
  const std::int64_t posts = spend.contains("disclosure") ? get(spend.at("disclosure").as_object(), "posts") + 1 : 1;
  spend["disclosure"] = json::object{{"state", "posted"},
                                     {"from", c.input.at("from")},
                                     {"channel", c.input.at("channel")},
                                     {"ends_at", end},
                                     {"last_day", loopval::format_day(loopval::day_of(end) - 1)},
                                     {"posts", posts}};
  return absl::OkStatus();
}

// Taking a notice down: before its period ends it is a finding and the spend must be
// posted again; at or after the end the period is served and the notice counts in full.
absl::Status take_down_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"spend", "reason"}));
  JICENG_ASSIGN_OR_RETURN(std::size_t i, spend_index(c));
  JICENG_RETURN_IF_ERROR(civic::text_field(c, "reason", 500, true).status());
  if (disclosure_state(c.item->data.at("spends").as_array()[i].as_object()) != "posted") {
    return absl::FailedPreconditionError(cat(where(c), ": spend ", i + 1, " is not posted"));
  }
  return absl::OkStatus();
}
absl::Status record_take_down(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(std::size_t i, spend_index(c));
  auto& d = c.target->data;
  auto& disc = d.at("spends").as_array()[i].as_object().at("disclosure").as_object();
  const Timestamp end = get(disc, "ends_at");
  if (c.now >= end) {
    disc["state"] = "disclosed";
    disc["disclosed_at"] = c.now;
    return absl::OkStatus();
  }
  disc["state"] = "taken_down";
  disc["taken_down_at"] = c.now;
  if (!d.contains("findings")) d["findings"] = json::array();
  d.at("findings").as_array().push_back(json::object{{"code", "disclosure_taken_down_early"},
                                                     {"spend", i + 1},
                                                     {"at", c.now},
                                                     {"on", loopval::format_day(loopval::day_of(c.now))},
                                                     {"last_day", disc.at("last_day")},
                                                     {"reason", c.input.at("reason")},
                                                     {"by", c.actor.id}});
  return absl::OkStatus();
}

// The clock: every posted notice whose period has ended is disclosed in full.
absl::Status disclosures_due(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {}));
  for (const auto& s : c.item->data.at("spends").as_array()) {
    const auto& so = s.as_object();
    if (disclosure_state(so) == "posted" && get(so.at("disclosure").as_object(), "ends_at") <= c.now)
      return absl::OkStatus();
  }
  return absl::FailedPreconditionError(cat(where(c), ": no spend's posting period has ended"));
}
absl::Status record_disclosures_over(LoopCall& c) {
  for (auto& s : c.target->data.at("spends").as_array()) {
    auto& so = s.as_object();
    if (disclosure_state(so) != "posted") continue;
    auto& disc = so.at("disclosure").as_object();
    if (get(disc, "ends_at") > c.now) continue;
    disc["state"] = "disclosed";
    disc["disclosed_at"] = c.now;
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// close, publish the statement, conclude after the posting period.

absl::Status close_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"note"}));
  return civic::text_field(c, "note", 1000, false).status();
}
absl::Status record_close(LoopCall& c) {
  c.target->data["closed_at"] = c.now;
  if (const json::value* n = c.input.if_contains("note")) c.target->data["close_note"] = *n;
  return absl::OkStatus();
}

absl::StatusOr<Timestamp> statement_end(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {"from", "channel"}));
  return posting_end(c, "the statement");
}
absl::Status publish_valid(const LoopCall& c) { return statement_end(c).status(); }
absl::Status record_publication(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(Timestamp end, statement_end(c));
  c.target->data["publication"] =
      json::object{{"from", c.input.at("from")}, {"channel", c.input.at("channel")}, {"ends_at", end}};
  return absl::OkStatus();
}
absl::Status period_over(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(only_fields(c, {}));
  const Timestamp end = get(c.item->data.at("publication").as_object(), "ends_at");
  if (c.now < end) {
    return absl::FailedPreconditionError(
        cat(where(c), ": the statement stays posted until ", loopval::format_day(loopval::day_of(end) - 1),
            " 24:00 China time (disclosure.posting, counted as the Civil Code counts periods)"));
  }
  // The year's file closes once every spend's notice has served its period.
  const auto& spends = c.item->data.at("spends").as_array();
  for (std::size_t i = 0; i < spends.size(); ++i) {
    const auto& so = spends[i].as_object();
    if (disclosure_state(so) == "posted" && get(so.at("disclosure").as_object(), "ends_at") > c.now) {
      return absl::FailedPreconditionError(cat(where(c), ": spend ", i + 1, " is still posted (until ",
                                               sv(spends[i].as_object().at("disclosure").as_object().at("last_day").as_string()),
                                               ")"));
    }
  }
  return absl::OkStatus();
}
absl::Status record_concluded(LoopCall& c) {
  c.target->data["published_at"] = c.now;
  return record_disclosures_over(c);  // notices served but not yet completed by the clock
}

constexpr RoleMask kSys = role_bit(Role::kSystem);
constexpr RoleMask kFinance = role_bit(Role::kStreetOfficer) | role_bit(Role::kDistrictOfficer);
constexpr RoleMask kCommunity = role_bit(Role::kCommunitySecretary) | role_bit(Role::kCommunityStaff);
constexpr LoopScope kUnit = LoopScope::kItemUnit;

constexpr LoopState kStates[] = {
    {"open", "使用中"}, {"closed", "年度结账"}, {"publishing", "公示中"}, {"published", "已公示", true}};
constexpr LoopEventType kEvents[] = {{"open", "设立账户"},         {"allocate", "追加额度"},
                                     {"spend", "支出"},               {"disclose", "支出公示"},
                                     {"take_down", "提前撤下支出公示"}, {"disclosures_over", "支出公示期满"},
                                     {"close", "年度结账"},           {"publish", "公示"},
                                     {"conclude", "公示期满"}};
#define ROW(from, ev, to, roles, guard, action) \
  LoopRow { from, ev, to, roles, kUnit, #guard, &guard, #action, &action }
constexpr LoopRow kRows[] = {
    ROW("", "open", "open", kFinance, open_valid, open_account),
    ROW("open", "allocate", "open", kFinance, allocate_valid, add_allocation),
    ROW("open", "spend", "open", kCommunity, spend_valid, record_spend),
    ROW("open", "disclose", "open", kCommunity, disclose_valid, record_disclosure),
    ROW("closed", "disclose", "closed", kCommunity, disclose_valid, record_disclosure),
    ROW("publishing", "disclose", "publishing", kCommunity, disclose_valid, record_disclosure),
    ROW("open", "take_down", "open", kCommunity, take_down_valid, record_take_down),
    ROW("closed", "take_down", "closed", kCommunity, take_down_valid, record_take_down),
    ROW("publishing", "take_down", "publishing", kCommunity, take_down_valid, record_take_down),
    ROW("open", "disclosures_over", "open", kSys, disclosures_due, record_disclosures_over),
    ROW("closed", "disclosures_over", "closed", kSys, disclosures_due, record_disclosures_over),
    ROW("publishing", "disclosures_over", "publishing", kSys, disclosures_due, record_disclosures_over),
    ROW("open", "close", "closed", kFinance | role_bit(Role::kCommunitySecretary), close_valid, record_close),
    ROW("closed", "publish", "publishing", kCommunity, publish_valid, record_publication),
    ROW("publishing", "conclude", "published", kCommunity | kSys, period_over, record_concluded),
};
#undef ROW
constexpr LoopTable kTable{"fund", "为民服务专项经费", "F", kStates, kEvents, kRows};

// Item data holds money as integer fen under `*_fen` keys; what a query returns shows it
// as decimal strings of yuan under the key without the suffix.
void present(json::value& v) {
  if (v.is_array()) {
    for (auto& x : v.as_array()) present(x);
    return;
  }
  if (!v.is_object()) return;
  json::object& o = v.as_object();
  std::vector<std::pair<std::string, std::int64_t>> money;
  for (auto& kv : o) {
    const std::string_view k = sv(kv.key());
    if (k.size() > 4 && k.ends_with("_fen") && kv.value().is_int64()) {
      money.emplace_back(std::string(k), kv.value().as_int64());
    } else {
      present(kv.value());
    }
  }
  for (const auto& [k, fen] : money) {
    o.erase(js(k));
    o[js(std::string_view(k).substr(0, k.size() - 4))] = loopval::format_fen(fen);
  }
}

class FundLoop final : public TableLoop {
 public:
  FundLoop() : TableLoop(kTable, "statement, ledger, findings") {}

  absl::StatusOr<std::string> query(std::string_view name, std::string_view params,
                                    const LoopHost& host) const override {
    if (name == "statement") return statement(params, host);
    if (name == "ledger") return ledger(params, host);
    if (name == "findings") return findings(params, host);
    auto r = TableLoop::query(name, params, host);
    if (!r.ok() || (name != "get" && name != "list")) return r;
    json::value v = json::parse(*r);
    present(v);
    return canonical_json(v);
  }

 private:
  // A publication (公示) concludes when its period ends.
  // and every spend's notice when its own period ends; the statement waits for the last notice.
  void clock_commands(const LoopItem& it, std::vector<ClockCommand>& out) const override {
    const std::string_view state = kTable.states[it.state].name;
    if (state == "published") return;
    Timestamp first = kNoDeadline, last = 0;
    for (const auto& s : it.data.at("spends").as_array()) {
      if (disclosure_state(s.as_object()) != "posted") continue;
      const Timestamp end = get(s.as_object().at("disclosure").as_object(), "ends_at");
      first = std::min(first, end);
      last = std::max(last, end);
    }
    if (first != kNoDeadline) out.push_back({"disclosures_over", first});
    if (state == "publishing") {
      out.push_back({"conclude", std::max(last, get(it.data.at("publication").as_object(), "ends_at"))});
    }
  }

  // One account per community and year.
  absl::Status cross_check(LoopEvent& e, LoopHost&) const override { return unique(e); }
  absl::Status unique(const LoopEvent& e) const {
    if (e.event != "open") return absl::OkStatus();
    const json::object d = json::parse(e.data).as_object();
    const json::value* unit = d.if_contains("unit");
    const json::value* year = d.if_contains("year");
    if (unit == nullptr || year == nullptr) return absl::OkStatus();
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      if (it.unit == sv(unit->as_string()) && it.data.at("year") == *year) {
        return absl::AlreadyExistsError(cat("fund open: community ", it.unit, " already has the account ",
                                            display_item_id(kTable, i), " for ", year->as_int64()));
      }
    }
    return absl::OkStatus();
  }

  json::object summary(const LoopItem& it, const LoopHost& host) const {
    const auto& d = it.data;
    json::object o{{"account", display_item_id(kTable, it.id)},
                   {"community", it.unit},
                   {"year", d.at("year")},
                   {"state", kTable.states[it.state].name},
                   {"state_zh", kTable.states[it.state].zh},
                   {"allocation", loopval::format_fen(get(d, "allocation_fen"))},
                   {"spent", loopval::format_fen(get(d, "spent_fen"))},
                   {"balance", loopval::format_fen(get(d, "balance_fen"))},
                   {"spends", d.at("spends").as_array().size()}};
    if (auto u = host.org().find(it.unit)) {
      o["name"] = host.org().name(*u);
      if (host.org().level(*u) >= 1) o["street"] = host.org().id(host.org().ancestor_at_level(*u, 1));
    }
    return o;
  }

  absl::StatusOr<json::object> params(std::string_view q, std::string_view text) const {
    if (text.empty()) return json::object{};
    json::error_code ec;
    json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
    if (ec || !v.is_object()) return absl::InvalidArgumentError(cat("fund query ", q, ": parameters must be a JSON object"));
    return std::move(v.as_object());
  }

  // The yearly statement of one account: allocation, spent, balance, by category and by
  // project, every spend, and the statement's disclosure.
  absl::StatusOr<std::string> statement(std::string_view text, const LoopHost& host) const {
    JICENG_ASSIGN_OR_RETURN(json::object p, params("statement", text));
    const LoopItem* it = nullptr;
    for (const auto& kv : p) {
      const std::string_view k = sv(kv.key());
      if (k != "item" && k != "unit" && k != "year") {
        return absl::InvalidArgumentError(cat("fund query statement: unknown parameter \"", k, "\" (item | unit and year)"));
      }
    }
    if (const json::value* v = p.if_contains("item")) {
      JICENG_ASSIGN_OR_RETURN(std::uint64_t id, parse_item_id(kTable, *v));
      it = item(id);
      if (it == nullptr) return absl::NotFoundError(cat("fund query statement: account ", display_item_id(kTable, id), " not found"));
    } else {
      const json::value* u = p.if_contains("unit");
      const json::value* y = p.if_contains("year");
      if (u == nullptr || !u->is_string() || y == nullptr || !y->is_int64()) {
        return absl::InvalidArgumentError("fund query statement: give \"item\", or \"unit\" (a community) and \"year\"");
      }
      for (std::size_t i = 1; i <= size() && it == nullptr; ++i)
        if (item(i)->unit == sv(u->as_string()) && item(i)->data.at("year") == *y) it = item(i);
      if (it == nullptr) {
        return absl::NotFoundError(cat("fund query statement: no account for ", sv(u->as_string()), " in ", y->as_int64()));
      }
    }
    const auto& d = it->data;
    json::object o = summary(*it, host);
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_cat, by_project;  // fen, count
    for (const auto& s : d.at("spends").as_array()) {
      const auto& so = s.as_object();
      auto& c = by_cat[std::string(sv(so.at("category").as_string()))];
      c.first += get(so, "amount_fen");
      ++c.second;
      auto& pr = by_project[std::string(sv(so.at("project").as_string()))];
      pr.first += get(so, "amount_fen");
      ++pr.second;
    }
    json::array cats;
    if (auto r = host.policy().rule_params_json("fund.categories"); r.ok()) {
      const json::value listed = json::parse(*r);
      for (const auto& k : listed.as_object().at("categories").as_array()) {
        const std::string id(sv(k.as_object().at("id").as_string()));
        const auto& [fen, n] = by_cat[id];
        cats.push_back(json::object{{"category", id}, {"zh", k.as_object().at("zh")}, {"amount", loopval::format_fen(fen)}, {"spends", n}});
        by_cat.erase(id);
      }
    }
    for (const auto& [id, fn] : by_cat) {  // categories a later policy no longer lists
      cats.push_back(json::object{{"category", id}, {"amount", loopval::format_fen(fn.first)}, {"spends", fn.second}});
    }
    json::array projects;
    for (const auto& [id, fn] : by_project) {
      projects.push_back(json::object{{"project", id}, {"amount", loopval::format_fen(fn.first)}, {"spends", fn.second}});
    }
    json::value spends = d.at("spends");
    present(spends);
    json::value allocations = d.at("allocations");
    present(allocations);
    std::int64_t sum = 0;
    for (const auto& s : d.at("spends").as_array()) sum += get(s.as_object(), "amount_fen");
    o["by_category"] = std::move(cats);
    o["by_project"] = std::move(projects);
    o["spend_list"] = std::move(spends);
    o["allocation_list"] = std::move(allocations);
    // The ledger's invariant, shown rather than assumed.
    o["balanced"] = sum == get(d, "spent_fen") && get(d, "allocation_fen") - sum == get(d, "balance_fen") &&
                    get(d, "balance_fen") >= 0;
    if (const json::value* pub = d.if_contains("publication")) o["publication"] = *pub;
    return canonical_json(o);
  }

  // The accounts a query's `unit` (a subtree) and `year` select, in order.
  absl::StatusOr<std::vector<const LoopItem*>> selected(std::string_view q, std::string_view text,
                                                         const LoopHost& host) const {
    JICENG_ASSIGN_OR_RETURN(json::object p, params(q, text));
    std::optional<UnitIndex> under;
    std::optional<std::int64_t> year;
    for (const auto& kv : p) {
      const std::string_view k = sv(kv.key());
      if (k == "unit" && kv.value().is_string()) {
        under = host.org().find(sv(kv.value().as_string()));
        if (!under) return absl::NotFoundError(cat("fund query ", q, ": unit \"", sv(kv.value().as_string()), "\" is not in the org graph"));
      } else if (k == "year" && kv.value().is_int64()) {
        year = kv.value().as_int64();
      } else {
        return absl::InvalidArgumentError(cat("fund query ", q, ": unknown or ill-typed parameter \"", k,
                                              "\" (unit: string, year: integer)"));
      }
    }
    std::vector<const LoopItem*> out;
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      if (year && get(it.data, "year") != *year) continue;
      if (under) {
        auto u = host.org().find(it.unit);
        if (!u || !host.org().is_ancestor_or_self(*under, *u)) continue;
      }
      out.push_back(&it);
    }
    return out;
  }

  // Every account (optionally under a unit, of a year): the report's `fund` list.
  absl::StatusOr<std::string> ledger(std::string_view text, const LoopHost& host) const {
    JICENG_ASSIGN_OR_RETURN(auto accounts, selected("ledger", text, host));
    json::array rows;
    for (const LoopItem* it : accounts) rows.push_back(summary(*it, host));
    return canonical_json(json::object{{"accounts", std::move(rows)}});
  }

  // The disclosure findings: notices taken down before their period ended, and spends of a
  // closed account never posted.
  absl::StatusOr<std::string> findings(std::string_view text, const LoopHost& host) const {
    JICENG_ASSIGN_OR_RETURN(auto accounts, selected("findings", text, host));
    json::array out;
    for (const LoopItem* it : accounts) {
      const json::object base{{"account", display_item_id(kTable, it->id)}, {"community", it->unit}, {"year", it->data.at("year")}};
      if (const json::value* f = it->data.if_contains("findings")) {
        for (const auto& x : f->as_array()) {
          json::object o = base;
          for (const auto& kv : x.as_object()) o[kv.key()] = kv.value();
          o.erase("at");
          out.push_back(std::move(o));
        }
      }
      if (kTable.states[it->state].name == "open") continue;
      const auto& spends = it->data.at("spends").as_array();
      for (std::size_t i = 0; i < spends.size(); ++i) {
        if (spends[i].as_object().contains("disclosure")) continue;
        json::object o = base;
        o["code"] = "spend_not_disclosed";
        o["spend"] = i + 1;
        o["on"] = spends[i].as_object().at("on");
        out.push_back(std::move(o));
      }
    }
    return canonical_json(json::object{{"findings", std::move(out)}});
  }
};

}  // namespace

const LoopTable& fund_loop_table() { return kTable; }
std::unique_ptr<Loop> make_fund_loop() { return std::make_unique<FundLoop>(); }

}  // namespace jiceng
