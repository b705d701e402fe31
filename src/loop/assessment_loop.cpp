// The assessment loop (考评): credit records of property companies and the red and black
// lists (红黑榜) cut from them per period.
//
// What it encodes, and where each fact comes from:
//  - 物业管理条例 (2018) 第三十二条 asks for an industry credit system with joint rewards for
//    keeping faith and joint penalties for breaking it (守信联合激励、失信联合惩戒).
//  - Suzhou's 物业服务企业信用评价标准（暂行） (2025, as reported by the city's housing bureau)
//    scores companies on a 100-point scale from good records (良好信息, points added) and bad
//    records (不良信息, points deducted); deductions have no floor and add up on repeat, so a
//    score can fall below zero; the city, the district and the street (街道/镇) may each
//    record. Scores are kept for a company and for each of its projects (项目, the compounds
//    it serves).
//  - Score = base + Σ points of the period's records, with no floor and no cap. The base, the
//    period, the grade bands and which grades make the red and the black list are policy
//    data (rule assessment.credit): Suzhou's bands and list rules were not found, so the
//    built-in figures are a comparator's (烟台 2022: AAA ≥ 85, AA ≥ 80, A ≥ 70, B ≥ 60, C
//    below) and marked unverified.
//  - The petition side: the company's 办结率, 满意率 and overdue rate over the property
//    petitions routed to it under a tripartite agreement (三方协议): those a dispatch sent to
//    the property branch (物业党支部) serving one of its projects under an agreement on record
//    in the org graph, whether or not they were escalated on later. The loop reads them from the engine's petitions through the
//    host (query_loop "petition" "counts"), never from a payload, so no one types them in.
//  - The clock closes a period at its end (close, by the system) unless the unit published
//    it first; either freezes the scores, grades and lists into the event itself.
//  - A record is amended (更正) or revoked (撤销) with a reason by the recording unit or a unit
//    above it; scores read the record as it stands. A company on the black list stays on it
//    until it has gone `black_list_release_periods` published periods in a row without a
//    black grade (rule assessment.credit; 1 when the rule does not say).
// Items: companies (在册), credit records (已记录 → 已撤销) and assessment periods (考评中 →
// 已公布).
#include <algorithm>
#include <map>

#include "jiceng/org.hpp"
#include "loop/civic_util.hpp"
#include "loop/commitments_loop.hpp"

namespace jiceng {
namespace json = boost::json;
using civic::jv;
using civic::sv;
using civic::where;
using internal::cat;

namespace {

constexpr std::string_view kLoop = "assessment";

std::string str_of(const json::object& o, std::string_view key) { return std::string(civic::str_at(o, key)); }
using civic::int_at;

absl::StatusOr<json::object> credit_rule(const PolicySet& policy, std::string_view who) {
  return civic::rule_params(policy, "assessment.credit", who);
}

// ---- companies (物业服务企业) -----------------------------------------------------------

// Projects: the units (compounds, property branches) the company serves, each in the org
// graph, at most 500, none twice.
absl::Status projects_valid(const LoopCall& c, bool required) {
  const auto* p = c.input.if_contains("projects");
  if (p == nullptr) {
    if (!required) return absl::OkStatus();
    return absl::InvalidArgumentError(cat(where(c), ": field \"projects\" (a list of unit ids) is required"));
  }
  if (!p->is_array() || p->as_array().size() > 500) {
    return absl::InvalidArgumentError(cat(where(c), ": field \"projects\" must be a list of at most 500 unit ids"));
  }
  std::vector<std::string_view> seen;
  for (const auto& x : p->as_array()) {
    if (!x.is_string()) return absl::InvalidArgumentError(cat(where(c), ": each project must be a unit id"));
    const std::string_view u = sv(x.as_string());
    if (!c.host.org().find(u)) {
      return absl::NotFoundError(cat(where(c), ": project unit \"", u, "\" is not in the org graph"));
    }
    if (std::find(seen.begin(), seen.end(), u) != seen.end()) {
      return absl::InvalidArgumentError(cat(where(c), ": project unit \"", u, "\" is listed twice"));
    }
    seen.push_back(u);
  }
  return absl::OkStatus();
}

absl::Status company_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"unit", "name", "credit_code", "projects"}));
  JICENG_RETURN_IF_ERROR(required_string(c, "name", 256).status());
  JICENG_ASSIGN_OR_RETURN(auto code, required_string(c, "credit_code", 18));
  bool ok = code.size() == 18;
  for (char ch : code) ok = ok && ((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z'));
  if (!ok) {
    return absl::InvalidArgumentError(cat(where(c), ": credit_code \"", code,
                                          "\" is not a unified social credit code (18 digits or capital letters)"));
  }
  return projects_valid(c, false);
}

absl::Status set_company(LoopCall& c) {
  auto& d = c.target->data;
  d["kind"] = "company";
  d["name"] = c.input.at("name");
  d["credit_code"] = c.input.at("credit_code");
  d["projects"] = c.input.contains("projects") ? c.input.at("projects") : json::array();
  return absl::OkStatus();
}

absl::Status set_projects_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"projects"}));
  return projects_valid(c, true);
}
absl::Status set_projects(LoopCall& c) {
  c.target->data["projects"] = c.input.at("projects");
  return absl::OkStatus();
}

// ---- credit records (信用记录) -----------------------------------------------------------

// A record: the company (an item of this loop, checked by the loop), good or bad, signed
// points (good > 0, bad < 0), a reason; a project when the record concerns one.
absl::Status record_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"unit", "company", "project", "credit", "points", "reason", "code"}));
  JICENG_RETURN_IF_ERROR(required_string(c, "company", 32).status());
  JICENG_ASSIGN_OR_RETURN(auto credit, required_string(c, "credit", 8));
  if (credit != "good" && credit != "bad") {
    return absl::InvalidArgumentError(cat(where(c), ": field \"credit\" must be \"good\" (良好信息) or \"bad\" (不良信息)"));
  }
  JICENG_ASSIGN_OR_RETURN(std::int64_t points, civic::int_in(c, "points", -1000, 1000));
  if ((credit == "good") != (points > 0) || points == 0) {
    return absl::InvalidArgumentError(cat(where(c), ": a ", credit, " record has ",
                                          credit == "good" ? "positive" : "negative", " points, not ", points));
  }
  JICENG_RETURN_IF_ERROR(required_string(c, "reason", 2000).status());
  JICENG_RETURN_IF_ERROR(civic::optional_string(c, "code", 64).status());
  JICENG_ASSIGN_OR_RETURN(auto project, civic::optional_string(c, "project", 256));
  if (project) {
    const OrgGraph& org = c.host.org();
    const auto p = org.find(*project);
    if (!p) return absl::NotFoundError(cat(where(c), ": project unit \"", *project, "\" is not in the org graph"));
    const auto u = org.find(sv(c.input.at("unit").as_string()));
    if (!u || !org.is_ancestor_or_self(*u, *p)) {
      return absl::PermissionDeniedError(cat(where(c), ": project ", *project, " is not within the recording unit ",
                                             sv(c.input.at("unit").as_string())));
    }
  }
  return credit_rule(c.host.policy(), where(c)).status();
}

absl::Status set_record(LoopCall& c) {
  auto& d = c.target->data;
  d["kind"] = "record";
  for (const char* k : {"company", "project", "credit", "points", "reason", "code"}) {
    if (const auto* v = c.input.if_contains(k)) d[k] = *v;
  }
  d["recorded_by"] = c.actor.id;
  return absl::OkStatus();
}

// An amendment (更正): new points and/or a new kind of record, with the reason; the result
// must be a valid record and differ from what it corrects.
absl::Status amend_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"credit", "points", "reason"}));
  JICENG_RETURN_IF_ERROR(required_string(c, "reason", 2000).status());
  const auto& d = c.item->data;
  std::string credit = str_of(d, "credit");
  std::int64_t points = int_at(d, "points");
  if (c.input.contains("credit")) {
    JICENG_ASSIGN_OR_RETURN(auto v, required_string(c, "credit", 8));
    if (v != "good" && v != "bad") {
      return absl::InvalidArgumentError(cat(where(c), ": field \"credit\" must be \"good\" (良好信息) or \"bad\" (不良信息)"));
    }
    credit = std::string(v);
  }
  if (c.input.contains("points")) {
    JICENG_ASSIGN_OR_RETURN(points, civic::int_in(c, "points", -1000, 1000));
  }
  if (credit == str_of(d, "credit") && points == int_at(d, "points")) {
    return absl::InvalidArgumentError(
        cat(where(c), ": the amendment changes nothing (give \"points\" or \"credit\" other than the record's)"));
  }
  if ((credit == "good") != (points > 0) || points == 0) {
    return absl::InvalidArgumentError(cat(where(c), ": a ", credit, " record has ",
                                          credit == "good" ? "positive" : "negative", " points, not ", points));
  }
  return absl::OkStatus();
}

absl::Status set_amended(LoopCall& c) {
  auto& d = c.target->data;
  json::object a{{"credit_before", d.at("credit")}, {"points_before", d.at("points")}, {"reason", c.input.at("reason")},
                 {"by", c.actor.id},               {"at", c.now}};
  if (const auto* v = c.input.if_contains("credit")) d["credit"] = *v;
  if (const auto* v = c.input.if_contains("points")) d["points"] = *v;
  a["credit"] = d.at("credit");
  a["points"] = d.at("points");
  if (!d.contains("amendments")) d["amendments"] = json::array();
  d["amendments"].as_array().push_back(std::move(a));
  return absl::OkStatus();
}

absl::Status reason_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"reason"}));
  return required_string(c, "reason", 2000).status();
}
absl::Status set_revoked(LoopCall& c) {
  auto& d = c.target->data;
  d["revoke_reason"] = c.input.at("reason");
  d["revoked_by"] = c.actor.id;
  d["revoked_at"] = c.now;
  return absl::OkStatus();
}

// ---- periods (考评期) ---------------------------------------------------------------------

absl::Status period_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"unit", "period"}));
  JICENG_ASSIGN_OR_RETURN(auto label, required_string(c, "period", 16));
  JICENG_ASSIGN_OR_RETURN(auto rule, credit_rule(c.host.policy(), where(c)));
  const std::string kind(sv(rule.at("period").as_string()));
  if (!civic::parse_period(kind, label)) {
    return absl::InvalidArgumentError(cat(where(c), ": period \"", label, "\" is not a ", kind, " like ",
                                          civic::period_of(kind, c.now), " (rule assessment.credit)"));
  }
  return absl::OkStatus();
}

absl::Status set_period(LoopCall& c) {
  auto& d = c.target->data;
  auto rule = credit_rule(c.host.policy(), kLoop);
  if (!rule.ok()) return rule.status();
  const auto p = *civic::parse_period(sv(rule->at("period").as_string()), sv(c.input.at("period").as_string()));
  d["kind"] = "period";
  d["period"] = p.label;
  d["start"] = p.start;
  d["end"] = p.end;
  return absl::OkStatus();
}

// Publishing: the period has ended. The results are the loop's own (derived from the
// records when the command is decided, checked again in replay).
absl::Status publish_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"results", "note"}));
  JICENG_RETURN_IF_ERROR(civic::optional_string(c, "note", 2000).status());
  if (c.now < int_at(c.item->data, "end")) {
    return absl::FailedPreconditionError(cat(where(c), ": the period ", str_of(c.item->data, "period"),
                                             " has not ended; its lists are published after it"));
  }
  return absl::OkStatus();
}

absl::Status set_published(LoopCall& c) {
  auto& d = c.target->data;
  d["results"] = c.input.at("results");
  if (const auto* n = c.input.if_contains("note")) d["note"] = *n;
  d["published_at"] = c.now;
  return absl::OkStatus();
}

// ---- the table -------------------------------------------------------------------------

constexpr RoleMask kUpper = role_bit(Role::kStreetOfficer) | role_bit(Role::kDistrictOfficer);
constexpr RoleMask kClock = role_bit(Role::kSystem);
constexpr LoopScope kUnit = LoopScope::kItemUnit;

constexpr LoopState kStates[] = {
    {"listed", "在册"}, {"recorded", "已记录"}, {"revoked", "已撤销", true}, {"open", "考评中"}, {"published", "已公布", true},
};
constexpr LoopEventType kEvents[] = {
    {"register_company", "企业登记"}, {"set_projects", "服务项目"}, {"record", "信用记录"}, {"revoke", "撤销记录"},
    {"open_period", "开启考评"},      {"publish", "公布红黑榜"},   {"amend", "更正记录"},
    {"close", "期末评定"},
};
constexpr LoopRow kRows[] = {
    {"", "register_company", "listed", kUpper, kUnit, "company_valid", &company_valid, "set_company", &set_company},
    {"listed", "set_projects", "listed", kUpper, kUnit, "set_projects_valid", &set_projects_valid, "set_projects",
     &set_projects},
    {"", "record", "recorded", kUpper, kUnit, "record_valid", &record_valid, "set_record", &set_record},
    {"recorded", "revoke", "revoked", kUpper, kUnit, "reason_valid", &reason_valid, "set_revoked", &set_revoked},
    {"", "open_period", "open", kUpper, kUnit, "period_valid", &period_valid, "set_period", &set_period},
    {"open", "publish", "published", kUpper, kUnit, "publish_valid", &publish_valid, "set_published", &set_published},
    {"recorded", "amend", "recorded", kUpper, kUnit, "amend_valid", &amend_valid, "set_amended", &set_amended},
    // The calendar closes a period the unit has not published: at its end, by the clock.
    {"open", "close", "published", kClock, LoopScope::kAnywhere, "publish_valid", &publish_valid, "set_published",
     &set_published},
};
constexpr LoopTable kTable{kLoop, "考评", "A", kStates, kEvents, kRows};

enum StateIx : std::uint16_t { kListed, kRecorded, kRevoked, kOpen, kPublished };

class AssessmentLoop final : public TableLoop {
 public:
  AssessmentLoop() : TableLoop(kTable, "scores, companies, periods") {}

  absl::StatusOr<std::string> query(std::string_view name, std::string_view params,
                                    const LoopHost& host) const override {
    if (name == "scores") return scores(params, host);
    if (name == "companies") return companies(host);
    if (name == "periods") return periods(host);
    return TableLoop::query(name, params, host);
  }

 private:
  const LoopItem* company(std::string_view id) const {
    auto n = parse_item_id(kTable, json::value(jv(id)));
    if (!n.ok()) return nullptr;
    const LoopItem* it = item(*n);
    return it && str_of(it->data, "kind") == "company" ? it : nullptr;
  }

  absl::Status cross_check(LoopEvent& e, LoopHost& host) const override {
    const std::string where_ = cat(kLoop, " ", e.event, " ", display_item_id(kTable, e.item));
    json::error_code ec;
    json::value v = json::parse(jv(e.data), ec);
    if (ec || !v.is_object()) return absl::InvalidArgumentError(cat(where_, ": its data is not a JSON object"));
    json::object& d = v.as_object();
    if (e.event == "register_company") {
      for (std::size_t i = 1; i <= size(); ++i) {
        const LoopItem& o = *item(i);
        if (str_of(o.data, "kind") == "company" && str_of(o.data, "credit_code") == str_of(d, "credit_code")) {
          return absl::AlreadyExistsError(cat(where_, ": credit code ", str_of(d, "credit_code"),
                                              " is already registered as ", display_item_id(kTable, o.id)));
        }
      }
    } else if (e.event == "record") {
      const std::string cid = str_of(d, "company");
      const LoopItem* co = company(cid);
      if (co == nullptr) {
        return absl::NotFoundError(cat(where_, ": company \"", cid, "\" is not a registered property company"));
      }
      // The canonical id, whatever form the command named it in.
      d["company"] = display_item_id(kTable, co->id);
      if (d.contains("project")) {
        const std::string project = str_of(d, "project");
        bool serves = false;
        for (const auto& p : co->data.at("projects").as_array()) serves = serves || sv(p.as_string()) == project;
        if (!serves) {
          return absl::FailedPreconditionError(
              cat(where_, ": ", display_item_id(kTable, co->id), " does not serve project ", project));
        }
      }
      e.data = canonical_json(v);
    } else if (e.event == "open_period") {
      for (std::size_t i = 1; i <= size(); ++i) {
        const LoopItem& o = *item(i);
        if (str_of(o.data, "kind") == "period" && o.unit == str_of(d, "unit") &&
            str_of(o.data, "period") == str_of(d, "period")) {
          return absl::AlreadyExistsError(cat(where_, ": the period ", str_of(d, "period"), " of ", o.unit,
                                              " is already ", display_item_id(kTable, o.id)));
        }
      }
    } else if (e.event == "publish" || e.event == "close") {
      const LoopItem* p = item(e.item);
      if (p == nullptr) return absl::NotFoundError(cat(where_, ": no such period"));
      JICENG_ASSIGN_OR_RETURN(json::object results,
                              compute(host, p->unit, int_at(p->data, "start"), int_at(p->data, "end"), where_));
      JICENG_RETURN_IF_ERROR(carry_black_list(host, *p, results, where_));
      d["results"] = std::move(results);
      e.data = canonical_json(v);
    }
    return absl::OkStatus();
  }

  // The clock closes an open period at its end.
  void clock_commands(const LoopItem& it, std::vector<ClockCommand>& out) const override {
    if (it.state == kOpen) out.push_back({"close", std::max<Timestamp>(int_at(it.data, "end"), it.updated)});
  }

  // The standing black list (黑名单) at the close of period `p`: a company graded black is on
  // it (since this period, or since it entered if it was already on); one on it at the unit's
  // previous published period and not graded black now stays on until it has had
  // `black_list_release_periods` such periods in a row, then leaves it (`released`). The red
  // list takes no company that is on the black list.
  absl::Status carry_black_list(const LoopHost& host, const LoopItem& p, json::object& results,
                                std::string_view who) const {
    JICENG_ASSIGN_OR_RETURN(auto rule, credit_rule(host.policy(), who));
    std::int64_t release = 1;
    if (const auto* r = rule.if_contains("black_list_release_periods")) release = r->as_int64();
    const LoopItem* prev = nullptr;
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& o = *item(i);
      if (o.id == p.id || str_of(o.data, "kind") != "period" || o.unit != p.unit || o.state != kPublished) continue;
      if (int_at(o.data, "end") > int_at(p.data, "start")) continue;
      if (prev == nullptr || int_at(o.data, "end") > int_at(prev->data, "end")) prev = &o;
    }
    std::map<std::string, const json::object*> before;
    if (prev != nullptr) {
      for (const auto& r : prev->data.at("results").as_object().at("companies").as_array()) {
        before[str_of(r.as_object(), "company")] = &r.as_object();
      }
    }
    json::array red, black, released;
    for (auto& r : results.at("companies").as_array()) {
      json::object& row = r.as_object();
      const std::string cid = str_of(row, "company");
      const auto b = before.find(cid);
      const bool was_black = b != before.end() && str_of(*b->second, "list") == "black";
      if (listed_in(rule, "black_list_grades", str_of(row, "grade"))) {
        row["black_since"] = was_black ? b->second->at("black_since") : p.data.at("period");
        row["clean_periods"] = 0;
      } else if (was_black) {
        const std::int64_t clean = int_at(*b->second, "clean_periods") + 1;
        if (clean < release) {
          row["list"] = "black";
          row["black_since"] = b->second->at("black_since");
          row["clean_periods"] = clean;
        } else {
          released.push_back(json::value(cid));
        }
      }
      if (str_of(row, "list") == "red") red.push_back(json::value(cid));
      if (str_of(row, "list") == "black") black.push_back(json::value(cid));
    }
    results["red"] = std::move(red);
    results["black"] = std::move(black);
    results["released"] = std::move(released);
    results["black_list_release_periods"] = release;
    if (prev != nullptr) results["previous_period"] = display_item_id(kTable, prev->id);
    return absl::OkStatus();
  }

  // The grade of a score: the first band (highest minimum first) it reaches, else the lowest.
  static std::string grade_of(const json::object& rule, std::int64_t score) {
    for (const auto& b : rule.at("bands").as_array()) {
      if (score >= b.as_object().at("min").as_int64()) return std::string(sv(b.as_object().at("grade").as_string()));
    }
    return std::string(sv(rule.at("lowest_grade").as_string()));
  }
  static bool listed_in(const json::object& rule, std::string_view list, std::string_view grade) {
    for (const auto& g : rule.at(jv(list)).as_array()) {
      if (sv(g.as_string()) == grade) return true;
    }
    return false;
  }

  // The property branches a company's petitions are routed to: for each project, the branch
  // serving it under a tripartite agreement on record (a project that is itself a property
  // branch stands for itself); each once, in project order.
  static std::vector<std::string> branches_of(const LoopHost& host, const LoopItem& co) {
    const OrgGraph& org = host.org();
    std::vector<std::string> out;
    for (const auto& p : co.data.at("projects").as_array()) {
      const auto u = org.find(sv(p.as_string()));
      if (!u) continue;
      std::optional<UnitIndex> b =
          org.kind(*u) == UnitKind::kPropertyBranch ? std::optional<UnitIndex>(*u) : org.serving_property_branch(*u);
      if (!b) continue;
      std::string id(org.id(*b));
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
    }
    return out;
  }

  // Scores of the companies registered at `unit` or below, from the records made in
  // [start, end) and not revoked: score = base + Σ points, no floor, no cap; each project's
  // score likewise from the records naming it. Each company's petition figures: the
  // petitions submitted in [start, end) now at its branches, as the engine holds them.
  absl::StatusOr<json::object> compute(const LoopHost& host, std::string_view unit, std::int64_t start,
                                       std::int64_t end, std::string_view who) const {
    JICENG_ASSIGN_OR_RETURN(auto rule, credit_rule(host.policy(), who));
    const std::int64_t base = rule.at("base").as_int64();
    const auto root = host.org().find(unit);
    struct Tally {
      std::int64_t good = 0, bad = 0, records = 0;
      std::map<std::string, std::int64_t> projects;
    };
    std::map<std::uint64_t, Tally> tally;
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      if (str_of(it.data, "kind") == "company") {
        const auto u = host.org().find(it.unit);
        if (root && u && host.org().is_ancestor_or_self(*root, *u)) tally[it.id];
      }
    }
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      if (it.state != kRecorded || it.created < start || it.created >= end) continue;
      const LoopItem* co = company(str_of(it.data, "company"));
      if (co == nullptr || !tally.contains(co->id)) continue;
      Tally& t = tally[co->id];
      const std::int64_t pts = int_at(it.data, "points");
      (pts > 0 ? t.good : t.bad) += pts;
      ++t.records;
      if (it.data.contains("project")) t.projects[str_of(it.data, "project")] += pts;
    }
    // One pass over the petitions for every company's branches.
    std::map<std::uint64_t, std::vector<std::string>> branches;
    json::array all_branches;
    for (const auto& [id, t] : tally) {
      branches[id] = branches_of(host, *item(id));
      for (const auto& b : branches[id]) {
        if (std::find(all_branches.begin(), all_branches.end(), json::value(b)) == all_branches.end()) {
          all_branches.push_back(json::value(b));
        }
      }
    }
    json::object counts;
    if (!all_branches.empty()) {
      JICENG_ASSIGN_OR_RETURN(
          std::string got,
          host.query_loop("petition", "counts",
                          json::serialize(json::object{{"units", all_branches}, {"from", start}, {"to", end}})));
      json::error_code ec;
      json::value v = json::parse(got, ec);
      if (ec || !v.is_object() || !v.as_object().contains("units")) {
        return absl::InternalError(cat(who, ": the host's petition counts are not {\"units\": {...}}"));
      }
      counts = std::move(v.as_object()["units"].as_object());
    }
    json::array rows, red, black;
    for (const auto& [id, t] : tally) {
      const LoopItem& co = *item(id);
      const std::int64_t score = base + t.good + t.bad;
      const std::string grade = grade_of(rule, score);
      const std::string cid = display_item_id(kTable, id);
      std::string list;
      if (listed_in(rule, "red_list_grades", grade)) list = "red";
      if (listed_in(rule, "black_list_grades", grade)) list = "black";
      json::array projects;
      for (const auto& p : co.data.at("projects").as_array()) {
        const std::string pu(sv(p.as_string()));
        auto f = t.projects.find(pu);
        const std::int64_t ps = base + (f == t.projects.end() ? 0 : f->second);
        projects.push_back(json::object{{"unit", pu}, {"score", ps}, {"grade", grade_of(rule, ps)}});
      }
      json::object row{{"company", cid},     {"name", co.data.at("name")}, {"score", score},
                       {"grade", grade},     {"list", list},               {"good_points", t.good},
                       {"bad_points", t.bad}, {"records", t.records},      {"projects", std::move(projects)}};
      json::object fig{{"received", 0}, {"closed", 0}, {"overdue", 0}, {"rated", 0}, {"satisfied", 0}};
      json::array bs;
      for (const auto& b : branches[id]) {
        bs.push_back(json::value(b));
        for (auto& kv : fig) kv.value() = kv.value().as_int64() + int_at(counts.at(jv(b)).as_object(), sv(kv.key()));
      }
      fig["closed_percent"] = civic::percent(int_at(fig, "closed"), int_at(fig, "received"));
      fig["satisfied_percent"] = civic::percent(int_at(fig, "satisfied"), int_at(fig, "rated"));
      fig["overdue_percent"] = civic::percent(int_at(fig, "overdue"), int_at(fig, "received"));
      fig["branches"] = std::move(bs);
      row["petitions"] = std::move(fig);
      if (list == "red") red.push_back(json::value(cid));
      if (list == "black") black.push_back(json::value(cid));
      rows.push_back(std::move(row));
    }
    std::stable_sort(rows.begin(), rows.end(), [](const json::value& a, const json::value& b) {
      return a.as_object().at("score").as_int64() > b.as_object().at("score").as_int64();
    });
    return json::object{{"base", base},          {"companies", std::move(rows)}, {"red", std::move(red)},
                        {"black", std::move(black)}, {"bands_source", "assessment.credit"}};
  }

  // Live scores: of a period label (of the rule's kind) or of every record so far.
  absl::StatusOr<std::string> scores(std::string_view params, const LoopHost& host) const {
    const std::string where_ = cat(kLoop, " query scores");
    json::object p;
    if (!params.empty()) {
      json::error_code ec;
      json::value v = json::parse(jv(params), ec);
      if (ec || !v.is_object()) return absl::InvalidArgumentError(cat(where_, ": parameters must be a JSON object"));
      p = std::move(v.as_object());
    }
    std::string unit;
    std::int64_t start = std::numeric_limits<std::int64_t>::min(), end = std::numeric_limits<std::int64_t>::max();
    for (const auto& kv : p) {
      const std::string_view k = sv(kv.key());
      if (k == "unit" && kv.value().is_string()) {
        unit = std::string(sv(kv.value().as_string()));
        if (!host.org().find(unit)) return absl::NotFoundError(cat(where_, ": unit \"", unit, "\" is not in the org graph"));
      } else if (k == "period" && kv.value().is_string()) {
        JICENG_ASSIGN_OR_RETURN(auto rule, credit_rule(host.policy(), where_));
        const std::string kind(sv(rule.at("period").as_string()));
        auto per = civic::parse_period(kind, sv(kv.value().as_string()));
        if (!per) {
          return absl::InvalidArgumentError(
              cat(where_, ": period \"", sv(kv.value().as_string()), "\" is not a ", kind, " (rule assessment.credit)"));
        }
        start = per->start;
        end = per->end;
      } else {
        return absl::InvalidArgumentError(
            cat(where_, ": unknown or ill-typed parameter \"", k, "\" (unit: string, period: string)"));
      }
    }
    if (unit.empty()) {
      // The whole graph: the root of the tree (a unit with no parent and level 0).
      for (std::size_t i = 0; i < host.org().unit_count() && unit.empty(); ++i) {
        const auto u = static_cast<std::uint32_t>(i);
        if (host.org().level(u) == 0 && tree_level_of(host.org().kind(u))) unit = std::string(host.org().id(u));
      }
    }
    JICENG_ASSIGN_OR_RETURN(json::object r, compute(host, unit, start, end, where_));
    return canonical_json(r);
  }

  absl::StatusOr<std::string> companies(const LoopHost&) const {
    json::array out;
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      if (str_of(it.data, "kind") != "company") continue;
      out.push_back(json::object{{"id", display_item_id(kTable, it.id)},
                                 {"unit", it.unit},
                                 {"name", it.data.at("name")},
                                 {"credit_code", it.data.at("credit_code")},
                                 {"projects", it.data.at("projects")}});
    }
    return canonical_json(json::object{{"companies", std::move(out)}});
  }

  absl::StatusOr<std::string> periods(const LoopHost&) const {
    json::array out;
    for (std::size_t i = 1; i <= size(); ++i) {
      const LoopItem& it = *item(i);
      if (str_of(it.data, "kind") != "period") continue;
      json::object o{{"id", display_item_id(kTable, it.id)},
                     {"unit", it.unit},
                     {"period", it.data.at("period")},
                     {"state", kStates[it.state].name},
                     {"state_zh", kStates[it.state].zh}};
      if (const auto* r = it.data.if_contains("results")) {
        o["red"] = r->as_object().at("red");
        o["black"] = r->as_object().at("black");
        if (const auto* rel = r->as_object().if_contains("released")) o["released"] = *rel;
        o["published_at"] = it.data.at("published_at");
      }
      out.push_back(std::move(o));
    }
    return canonical_json(json::object{{"periods", std::move(out)}});
  }
};

}  // namespace

const LoopTable& assessment_table() { return kTable; }
std::unique_ptr<Loop> make_assessment_loop() { return std::make_unique<AssessmentLoop>(); }

}  // namespace jiceng
