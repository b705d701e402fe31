// Policy tests as data (政策测试): each case names a policy set, gives a subject and
// expects outcomes per rule (and check), or an error. Run over files and folders like
// `opa test`; every case reports what was expected and what happened.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/internal.hpp"

namespace jiceng {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
namespace pi = policy_internal;

struct Expectation {
  std::string rule, check, outcome;  // outcome: pass | fail | absent
  std::optional<FindingSeverity> severity;
};
struct ExpectedError {
  std::optional<absl::StatusCode> code;
  std::string contains;
};

std::optional<absl::StatusCode> parse_code(std::string_view s) {
  for (int c = 0; c <= 16; ++c) {
    auto code = static_cast<absl::StatusCode>(c);
    if (absl::StatusCodeToString(code) == s) return code;
  }
  return std::nullopt;
}

std::string evidence_of(const std::vector<const Finding*>& fs) {
  std::vector<std::string> parts;
  for (const auto* f : fs) {
    parts.push_back(pi::cat(f->check.empty() ? "" : pi::cat("[", f->check, "] "), f->passed ? "pass: " : "fail: ",
                                 f->evidence));
  }
  return pi::join(parts, "; ");
}

// ---- deadline expectations: limits by category and urgency, due times on a clock ----

// "YYYY-MM-DDTHH:MM[:SS][+08:00]" in China time (the project's clock) → UTC seconds.
std::optional<Timestamp> parse_cst_time(std::string_view t) {
  if (t.size() < 16 || t[10] != 'T' || t[13] != ':') return std::nullopt;
  auto d = parse_date(t.substr(0, 10));
  if (!d.ok()) return std::nullopt;
  auto two = [&](std::size_t at) -> int {
    if (at + 2 > t.size() || t[at] < '0' || t[at] > '9' || t[at + 1] < '0' || t[at + 1] > '9') return -1;
    return (t[at] - '0') * 10 + (t[at + 1] - '0');
  };
  const int hh = two(11), mm = two(14);
  int ss = 0;
  std::string_view rest = t.substr(16);
  if (rest.starts_with(":")) {
    ss = two(17);
    rest = t.substr(19);
  }
  if (rest == "Z" || (!rest.empty() && rest != "+08:00")) return std::nullopt;  // China time only
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return std::nullopt;
  return china_time_to_utc(*d, hh * 60 + mm) + ss;
}

std::string format_cst_time(Timestamp t) {
  const Date d = china_date(t);
  const Timestamp midnight = china_time_to_utc(d, 0);
  const Timestamp secs = t - midnight;
  char buf[16];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return pi::cat(format_date(d), buf, "+08:00");
}

constexpr std::string_view kLimitNames[] = {"accept", "sign", "resolve", "evaluate", "max_extension",
                                            "return_window", "objection_window", "review_request", "review_decide"};

Duration limit_of(const DeadlineLimits& l, std::string_view name) {
  if (name == "accept") return l.accept;
  if (name == "sign") return l.sign;
  if (name == "resolve") return l.resolve;
  if (name == "evaluate") return l.evaluate;
  if (name == "max_extension") return l.max_extension;
  if (name == "return_window") return l.return_window;
  if (name == "objection_window") return l.objection_window;
  if (name == "review_request") return l.review_request;
  return l.review_decide;
}

// The embedded calendar with extra rows: each row's year keeps its official special days
// (a row for the same date replaces it) — load_csv replaces a year as a whole.
absl::StatusOr<WorkCalendar> calendar_with(const std::vector<std::string>& rows, const std::string& where) {
  WorkCalendar cal = WorkCalendar::china();
  if (rows.empty()) return cal;
  std::map<int, std::map<std::string, std::string>> by_year;  // year → date → row
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto d = parse_date(std::string_view(rows[i]).substr(0, 10));
    if (!d.ok() || rows[i].size() < 11 || rows[i][10] != ',') {
      return absl::InvalidArgumentError(pi::cat(where, ": field calendar[", i, "]: expected a CSV row \"YYYY-MM-DD,holiday|workday,English name,中文名\", got \"", rows[i], "\""));
    }
    const int year = d->year();
    if (!by_year.contains(year)) {
      auto& days = by_year[year];
      for (Date day(year, 1, 1); day.year() == year; day += boost::gregorian::days(1)) {
        auto info = cal.day_info(day);
        if (!info.ok() || info->provisional) break;  // a year past the official table: only the rows given
        if (info->kind == DayKind::kHoliday || info->kind == DayKind::kMakeupWorkday) {
          days[format_date(day)] = pi::cat(format_date(day), ",", info->kind == DayKind::kHoliday ? "holiday" : "workday",
                                           ",\"", pi::av(info->name_en), "\",\"", pi::av(info->name_zh), "\"");
        }
      }
    }
    by_year[year][format_date(*d)] = rows[i];
  }
  std::string csv = "date,kind,name_en,name_zh\n";
  for (const auto& [year, days] : by_year) {
    for (const auto& [date, row] : days) csv += row + "\n";
  }
  JICENG_RETURN_IF_ERROR(cal.load_csv(csv, pi::cat(where, ": field calendar")));
  return cal;
}

// True when a parsed file is a policy set (it has `rules`), not a file of cases.
bool is_policy_set(const json::value& root) {
  return root.is_object() && root.get_object().contains("rules") && !root.get_object().contains("cases") &&
         !root.get_object().contains("subject");
}

class Runner {
 public:
  PolicyTestReport report;
  std::optional<std::regex> run;
  PolicyRouter route;
  // Coverage: (origin set, rule, check, side) seen; and per origin set its rules.
  std::set<std::tuple<std::string, std::string, std::string, bool>> hit;
  std::map<std::string, std::set<std::string>> rules_of_set;
  std::set<std::tuple<std::string, std::string, std::string>> switched_off;

  void run_file(const fs::path& file, bool in_folder) {
    const std::string display = file.string();
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in) return broken(display, "(file)", pi::cat(display, ": cannot read"));
    boost::system::error_code ec;
    json::value root = json::parse(ss.str(), ec);
    if (ec) return broken(display, "(file)", pi::cat(display, ": not valid JSON: ", ec.message()));
    if (is_policy_set(root)) {
      if (in_folder) {
        report.skipped_files.push_back(display);
        return;
      }
      return broken(display, "(file)",
                    pi::cat(display, ": is a policy set (it has rules), not a file of test cases; a case file holds "
                                     "a case, an array of cases or {\"cases\": [...]}"));
    }
    std::vector<const json::object*> cases;
    const json::value* default_policy = nullptr;
    if (root.is_array()) {
      for (const auto& c : root.get_array()) {
        if (!c.is_object()) return broken(display, "(file)", pi::cat(display, ": every case must be an object"));
        cases.push_back(&c.get_object());
      }
    } else if (root.is_object() && root.get_object().contains("cases")) {
      const auto& top = root.get_object();
      for (const auto& kv : top) {
        if (kv.key() != "cases" && kv.key() != "policy" && kv.key() != "description") {
          return broken(display, "(file)",
                        pi::cat(display, ": field ", pi::av(kv.key()),
                                     ": unknown (a file of cases has cases, policy, description)"));
        }
      }
      default_policy = top.if_contains("policy");
      const json::value& cs = top.at("cases");
      if (!cs.is_array()) return broken(display, "(file)", pi::cat(display, ": field cases: expected an array"));
      for (const auto& c : cs.get_array()) {
        if (!c.is_object()) return broken(display, "(file)", pi::cat(display, ": every case must be an object"));
        cases.push_back(&c.get_object());
      }
    } else if (root.is_object()) {
      cases.push_back(&root.get_object());
    } else {
      return broken(display, "(file)", pi::cat(display, ": expected a case object, an array of cases or {\"cases\": [...]}"));
    }
    if (cases.empty()) return broken(display, "(file)", pi::cat(display, ": no cases"));
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (run && !std::regex_search(pi::cat(display, ": ", case_name(*cases[i], i)), *run)) continue;
      const auto t0 = std::chrono::steady_clock::now();
      run_case(file, i, *cases[i], default_policy);
      report.cases.back().seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
  }

  // The name a case is filtered and reported by.
  static std::string case_name(const json::object& c, std::size_t index) {
    const json::value* n = c.if_contains("name");
    return n != nullptr && n->is_string() ? std::string(n->get_string()) : pi::cat("#", index);
  }

  // Records the rules of the set under their origin sets, and what the findings covered.
  // A set written inline in a case (`"policy": {...}`) is that case's scaffolding, not a
  // policy set of the project: its own rules are not counted (those it inherits are, under
  // the sets that give them). A check its set switches off (`"<check>": {"enabled":
  // false}`) cannot report, so it has no branches there.
  void record(const PolicySet& set, const std::vector<Finding>& findings, const std::string& inline_name) {
    for (const auto& id : set.rule_ids()) {
      if (PolicySet::rule_checks(id).empty()) continue;
      auto origin = set.rule_origin(id);
      if (!origin.ok() || *origin == inline_name) continue;
      rules_of_set[*origin].insert(id);
      auto params = set.rule_params_json(id);
      if (!params.ok()) continue;
      boost::system::error_code ec;
      json::value p = json::parse(*params, ec);
      if (ec || !p.is_object()) continue;
      for (const auto& check : PolicySet::rule_checks(id)) {
        const json::value* c = p.get_object().if_contains(check);
        const json::value* on = c != nullptr && c->is_object() ? c->get_object().if_contains("enabled") : nullptr;
        if (on != nullptr && on->is_bool() && !on->get_bool()) switched_off.emplace(*origin, id, check);
      }
    }
    for (const auto& f : findings) {
      auto origin = set.rule_origin(f.rule);
      if (origin.ok() && *origin != inline_name) hit.emplace(*origin, f.rule, f.check, f.passed);
    }
  }

  void finish_coverage() {
    for (const auto& [set, rules] : rules_of_set) {
      PolicySetCoverage c;
      c.set = set;
      for (const auto& rule : rules) {
        for (const auto& check : PolicySet::rule_checks(rule)) {
          if (switched_off.contains({set, rule, check})) continue;
          for (bool side : {true, false}) {
            c.branches.push_back(PolicyBranch{rule, check, side, hit.contains({set, rule, check, side})});
          }
        }
      }
      report.coverage.push_back(std::move(c));
    }
  }

 private:
  std::map<std::string, absl::StatusOr<PolicySet>> cache_;

  void broken(const std::string& file, std::string name, std::string error) {
    PolicyCaseResult r;
    r.file = file;
    r.name = std::move(name);
    r.passed = false;
    r.invalid = true;
    r.mismatches.push_back(PolicyMismatch{"", "", "a valid case", pi::cat("error: ", error), ""});
    report.cases.push_back(std::move(r));
  }

  absl::StatusOr<PolicySet> policy_for(const fs::path& file, const std::string& where, const json::value& p) {
    if (p.is_object()) return PolicySet::from_json(json::serialize(p), pi::cat(where, ".policy"));
    if (!p.is_string()) {
      return absl::InvalidArgumentError(pi::cat(where, ": field policy: expected a set name, a path or an object"));
    }
    std::string_view s = p.get_string();
    const bool is_path = absl::EndsWith(pi::av(s), ".json") || s.find('/') != std::string_view::npos;
    std::string key = is_path ? (file.parent_path() / std::string(s)).lexically_normal().string() : std::string(s);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      it = cache_.emplace(key, is_path ? PolicySet::load_file(key) : PolicySet::load_builtin(s)).first;
    }
    return it->second;
  }

  // A case of the petition engine's expectations. Deadlines: each names a category, an
  // urgency and a limit, and expects the limit (`equals`) and/or, from the case's clock
  // `now` on its calendar, the time it falls due (`due`). Routing: a petition of a
  // category at a location goes to `unit` and/or its compound's `party`. Ladder: such a
  // petition, dispatched at `now`, has reached ladder `level` (and optionally is held by
  // `unit`, with `urges` and `escalations`) once the clock has run at `at`.
  void run_engine_case(const fs::path& file, const json::object& c, const json::value& policy,
                       const json::value* deadline_expectations, const json::value* routing,
                       const json::value* ladder, const std::string& here, PolicyCaseResult& r) {
    auto invalid = [&](std::string what) {
      r.passed = false;
      r.invalid = true;
      r.mismatches.push_back(PolicyMismatch{"", "", "a valid case", pi::cat("error: ", what), ""});
      report.cases.push_back(std::move(r));
    };
    std::optional<Timestamp> now;
    if (const json::value* n = c.if_contains("now")) {
      if (n->is_string()) now = parse_cst_time(n->get_string());
      if (!now) return invalid(pi::cat(here, ": field now: expected China time \"YYYY-MM-DDTHH:MM[:SS][+08:00]\", got ", pi::describe(*n)));
    }
    std::vector<std::string> rows;
    if (const json::value* cal = c.if_contains("calendar")) {
      if (!cal->is_array()) return invalid(pi::cat(here, ": field calendar: expected an array of CSV rows"));
      for (const auto& row : cal->get_array()) {
        if (!row.is_string()) return invalid(pi::cat(here, ": field calendar: expected an array of CSV rows"));
        rows.emplace_back(row.get_string());
      }
    }
    static const json::value kNone = json::array();
    const json::value& expectations = deadline_expectations != nullptr ? *deadline_expectations : kNone;
    if (deadline_expectations != nullptr && (!expectations.is_array() || expectations.get_array().empty())) {
      return invalid(pi::cat(here, ": field expect_deadlines: expected a non-empty array"));
    }
    std::string org_json;  // empty: the router's default, the bundled sample district
    if (const json::value* o = c.if_contains("org")) {
      if (!o->is_object()) return invalid(pi::cat(here, ": field org: expected an org graph object (docs/org.md)"));
      org_json = json::serialize(*o);
    }
    // Each expectation of expect_routing and expect_ladder is an object of strings (and, in
    // a ladder, counts) with `category` and `location`.
    auto entries = [&](const json::value* field, std::string_view name, std::initializer_list<std::string_view> keys,
                       std::initializer_list<std::string_view> counts,
                       std::initializer_list<std::string_view> required) -> absl::StatusOr<std::vector<const json::object*>> {
      std::vector<const json::object*> out;
      if (field == nullptr) return out;
      if (!field->is_array() || field->get_array().empty()) {
        return absl::InvalidArgumentError(pi::cat(here, ": field ", name, ": expected a non-empty array"));
      }
      const auto& a = field->get_array();
      for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string at = pi::cat(here, ": field ", name, "[", i, "]");
        if (!a[i].is_object()) return absl::InvalidArgumentError(pi::cat(at, ": expected an object"));
        for (const auto& kv : a[i].get_object()) {
          const std::string_view k = kv.key();
          const bool count = std::find(counts.begin(), counts.end(), k) != counts.end();
          if (!count && std::find(keys.begin(), keys.end(), k) == keys.end()) {
            std::vector<std::string> all(keys.begin(), keys.end());
            all.insert(all.end(), counts.begin(), counts.end());
            return absl::InvalidArgumentError(pi::cat(at, ".", pi::av(k), ": unknown (expected ", pi::join(all, ", "), ")"));
          }
          if (count && !(kv.value().is_int64() && kv.value().get_int64() >= 0 && kv.value().get_int64() <= 99)) {
            return absl::InvalidArgumentError(pi::cat(at, ".", pi::av(k), ": expected a whole number 0..99, got ",
                                                      pi::describe(kv.value())));
          }
          if (!count && (!kv.value().is_string() || kv.value().get_string().empty())) {
            return absl::InvalidArgumentError(pi::cat(at, ".", pi::av(k), ": expected a non-empty string"));
          }
        }
        for (std::string_view k : required) {
          if (!a[i].get_object().contains(json::string_view(k.data(), k.size()))) {
            return absl::InvalidArgumentError(pi::cat(at, ".", k, ": missing"));
          }
        }
        out.push_back(&a[i].get_object());
      }
      return out;
    };
    auto routes = entries(routing, "expect_routing", {"category", "location", "unit", "party"}, {},
                          {"category", "location"});
    if (!routes.ok()) return invalid(std::string(routes.status().message()));
    for (std::size_t i = 0; i < routes->size(); ++i) {
      if (!(*routes)[i]->contains("unit") && !(*routes)[i]->contains("party")) {
        return invalid(pi::cat(here, ": field expect_routing[", i, "]: give unit, party or both"));
      }
    }
    auto rungs = entries(ladder, "expect_ladder", {"category", "location", "urgency", "at", "unit"},
                         {"level", "urges", "escalations"}, {"category", "location", "at", "level"});
    if (!rungs.ok()) return invalid(std::string(rungs.status().message()));
    for (std::size_t i = 0; i < rungs->size(); ++i) {
      const json::object& e = *(*rungs)[i];
      const std::string at = pi::cat(here, ": field expect_ladder[", i, "]");
      if (!parse_cst_time(e.at("at").get_string())) {
        return invalid(pi::cat(at, ".at: expected China time \"YYYY-MM-DDTHH:MM[:SS][+08:00]\", got ", pi::describe(e.at("at"))));
      }
      if (const json::value* u = e.if_contains("urgency"); u != nullptr && u->get_string() != "normal" && u->get_string() != "urgent") {
        return invalid(pi::cat(at, ".urgency: expected \"normal\" or \"urgent\""));
      }
    }
    if ((!routes->empty() || !rungs->empty()) && !route) {
      return invalid(pi::cat(here, ": field ", routes->empty() ? "expect_ladder" : "expect_routing",
                             ": routing and ladder cases run through the petition engine; "
                             "run them with `jiceng policy test` (or pass PolicyTestOptions::route)"));
    }
    auto set = policy_for(file, here, policy);
    if (!set.ok()) return invalid(std::string(set.status().message()));
    absl::StatusOr<DeadlinePolicy> deadlines = DeadlinePolicy::hotline_default();
    if (set->has_rule("petition.deadlines")) {
      deadlines = DeadlinePolicy::from_json(*set->rule_params_json("petition.deadlines"), "petition.deadlines");
    }
    if (!deadlines.ok()) return invalid(std::string(deadlines.status().message()));
    auto cal = calendar_with(rows, here);
    if (!cal.ok()) return invalid(std::string(cal.status().message()));
    const auto& arr = expectations.get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const std::string at = pi::cat(here, ": field expect_deadlines[", i, "]");
      if (!arr[i].is_object()) return invalid(pi::cat(at, ": expected an object"));
      const auto& e = arr[i].get_object();
      for (const auto& kv : e) {
        const std::string_view k = kv.key();
        if (k != "category" && k != "urgency" && k != "limit" && k != "equals" && k != "due") {
          return invalid(pi::cat(at, ".", pi::av(k), ": unknown (expected category, urgency, limit, equals, due)"));
        }
        if (!kv.value().is_string()) return invalid(pi::cat(at, ".", pi::av(k), ": expected a string"));
      }
      if (!e.contains("category")) return invalid(pi::cat(at, ".category: missing"));
      if (!e.contains("limit")) return invalid(pi::cat(at, ".limit: missing"));
      const std::string category(e.at("category").get_string());
      const std::string limit(e.at("limit").get_string());
      if (std::find(std::begin(kLimitNames), std::end(kLimitNames), limit) == std::end(kLimitNames)) {
        return invalid(pi::cat(at, ".limit: unknown limit \"", limit, "\" (", pi::join(kLimitNames, ", "), ")"));
      }
      Urgency urgency = Urgency::kNormal;
      if (const json::value* u = e.if_contains("urgency")) {
        if (u->get_string() == "urgent") {
          urgency = Urgency::kUrgent;
        } else if (u->get_string() != "normal") {
          return invalid(pi::cat(at, ".urgency: expected \"normal\" or \"urgent\""));
        }
      }
      if (!e.contains("equals") && !e.contains("due")) return invalid(pi::cat(at, ": give equals (a limit) or due (a time)"));
      const Duration d = limit_of(deadlines->limits(category, urgency), limit);
      const std::string label = pi::cat(category, ".", urgency == Urgency::kUrgent ? "urgent" : "normal", ".", limit);
      if (const json::value* eq = e.if_contains("equals")) {
        auto want = parse_duration(eq->get_string());
        if (!want.ok()) return invalid(pi::cat(at, ".equals: ", want.status().message()));
        if (!(*want == d)) {
          r.mismatches.push_back(PolicyMismatch{"petition.deadlines", label, format_duration(*want), format_duration(d),
                                                pi::cat("set ", set->name(), ", rule from ", *set->rule_origin("petition.deadlines"))});
        }
      }
      if (const json::value* due = e.if_contains("due")) {
        if (!now) return invalid(pi::cat(at, ".due: needs the case's now (the time the limit starts)"));
        auto want = parse_cst_time(due->get_string());
        if (!want) return invalid(pi::cat(at, ".due: expected China time \"YYYY-MM-DDTHH:MM[:SS][+08:00]\""));
        auto got = deadline_after(*cal, *now, d, deadlines->due_minute_of_day());
        const std::string evidence = pi::cat(format_duration(d), " from ", format_cst_time(*now),
                                             rows.empty() ? "" : pi::cat(" (calendar with ", rows.size(), " extra row(s))"));
        if (!got.ok()) {
          r.mismatches.push_back(PolicyMismatch{"petition.deadlines", pi::cat(label, " due"), format_cst_time(*want),
                                                pi::cat("error ", got.status().ToString()), evidence});
        } else if (*got != *want) {
          r.mismatches.push_back(PolicyMismatch{"petition.deadlines", pi::cat(label, " due"), format_cst_time(*want),
                                                format_cst_time(*got), evidence});
        }
      }
    }
    // The clock of a routing or ladder case: its `now`, else a fixed working day, so a case
    // never depends on when it runs.
    const Timestamp start = now ? *now : china_time_to_utc(Date(2026, 1, 8), 9 * 60);
    auto text = [](const json::object& e, std::string_view k) {
      const json::value* v = e.if_contains(json::string_view(k.data(), k.size()));
      return v != nullptr ? std::string(v->get_string()) : std::string();
    };
    for (const json::object* e : *routes) {
      const std::string category = text(*e, "category"), location = text(*e, "location");
      const std::string unit = text(*e, "unit"), party = text(*e, "party");
      auto got = route(*set, PolicyRouteQuery{org_json, category, location, false, start, std::nullopt});
      const std::string label = pi::cat(category, " at ", location);
      if (!got.ok()) {
        r.mismatches.push_back(PolicyMismatch{unit.empty() ? "petition.compound_parties" : "petition.routing", label,
                                              unit.empty() ? party : unit, pi::cat("error ", got.status().ToString()),
                                              pi::cat("set ", set->name())});
        continue;
      }
      if (!unit.empty() && got->unit != unit) {
        std::string params = "default route";
        if (set->has_rule("petition.routing")) {
          boost::system::error_code ec;
          json::value p = json::parse(*set->rule_params_json("petition.routing"), ec);
          if (!ec && p.is_object() && p.at("categories").is_object()) {
            const auto& cats = p.at("categories").get_object();
            const json::value* rule = cats.if_contains(category);
            params = rule != nullptr ? pi::cat("categories.", category, " = ", json::serialize(*rule))
                                     : pi::cat("categories.default = ", cats.contains("default") ? json::serialize(cats.at("default")) : "(none)");
          }
        }
        r.mismatches.push_back(PolicyMismatch{"petition.routing", label, unit, got->unit,
                                              pi::cat("set ", set->name(), ": ", params)});
      }
      if (!party.empty() && got->party != party) {
        r.mismatches.push_back(PolicyMismatch{
            "petition.compound_parties", pi::cat(label, " party"), party, got->party,
            pi::cat("set ", set->name(), ": ",
                    set->has_rule("petition.compound_parties")
                        ? pi::cat("petition.compound_parties = ", *set->rule_params_json("petition.compound_parties"))
                        : std::string("no petition.compound_parties rule"),
                    got->party_unit.empty() ? std::string() : pi::cat("; party unit ", got->party_unit))});
      }
    }
    for (const json::object* e : *rungs) {
      const std::string category = text(*e, "category"), location = text(*e, "location"), unit = text(*e, "unit");
      const Timestamp at = *parse_cst_time(e->at("at").get_string());
      const std::string label = pi::cat(category, " at ", location, " at ", format_cst_time(at));
      const std::string ladder_rule =
          set->has_rule("petition.escalation_ladder")
              ? pi::cat("petition.escalation_ladder = ", *set->rule_params_json("petition.escalation_ladder"))
              : std::string("no petition.escalation_ladder rule (the ladder of the supervision timings)");
      auto got = route(*set, PolicyRouteQuery{org_json, category, location, text(*e, "urgency") == "urgent", start, at});
      if (!got.ok()) {
        r.mismatches.push_back(PolicyMismatch{"petition.escalation_ladder", pi::cat(label, " level"),
                                              std::to_string(e->at("level").get_int64()),
                                              pi::cat("error ", got.status().ToString()), pi::cat("set ", set->name())});
        continue;
      }
      const std::string evidence =
          pi::cat("set ", set->name(), ": dispatched to ", got->unit, " at ", format_cst_time(start), ", held by ",
                  got->current_unit, ", urges ", got->urges, ", escalations ", got->escalations, "; last automatic: ",
                  got->last_automatic.empty() ? std::string("none") : got->last_automatic, "; ", ladder_rule);
      auto check_count = [&](std::string_view key, int actual) {
        const json::value* v = e->if_contains(json::string_view(key.data(), key.size()));
        if (v != nullptr && v->get_int64() != actual) {
          r.mismatches.push_back(PolicyMismatch{"petition.escalation_ladder", pi::cat(label, " ", key),
                                                std::to_string(v->get_int64()), std::to_string(actual), evidence});
        }
      };
      check_count("level", got->ladder_level);
      check_count("urges", got->urges);
      check_count("escalations", got->escalations);
      if (!unit.empty() && got->current_unit != unit) {
        r.mismatches.push_back(
            PolicyMismatch{"petition.escalation_ladder", pi::cat(label, " unit"), unit, got->current_unit, evidence});
      }
    }
    r.passed = r.mismatches.empty();
    report.cases.push_back(std::move(r));
  }

  void run_case(const fs::path& file, std::size_t index, const json::object& c, const json::value* default_policy) {
    PolicyCaseResult r;
    r.file = file.string();
    r.name = pi::cat("#", index);
    const std::string where = pi::cat(r.file, ": case ", r.name);
    auto fail_case = [&](std::string what) {
      r.passed = false;
      r.invalid = true;
      r.mismatches.push_back(PolicyMismatch{"", "", "a valid case", pi::cat("error: ", what), ""});
      report.cases.push_back(std::move(r));
    };
    for (const auto& kv : c) {
      std::string_view k = kv.key();
      if (k != "name" && k != "policy" && k != "subject" && k != "expect" && k != "expect_error" && k != "description" &&
          k != "now" && k != "calendar" && k != "expect_deadlines" && k != "org" && k != "expect_routing" &&
          k != "expect_ladder") {
        return fail_case(pi::cat(where, ": field ", pi::av(k),
                                      ": unknown (a case has name, description, policy, subject, expect, expect_error, "
                                      "now, calendar, expect_deadlines, org, expect_routing, expect_ladder)"));
      }
    }
    if (const json::value* n = c.if_contains("name")) {
      if (!n->is_string()) return fail_case(pi::cat(where, ": field name: expected a string"));
      r.name = std::string(n->get_string());
    }
    const std::string here = pi::cat(r.file, ": case ", r.name);
    const json::value* policy = c.if_contains("policy");
    if (policy == nullptr) policy = default_policy;
    if (policy == nullptr) return fail_case(pi::cat(here, ": field policy: missing"));
    const json::value* subject = c.if_contains("subject");
    const json::value* dl = c.if_contains("expect_deadlines");
    const json::value* rt = c.if_contains("expect_routing");
    const json::value* ld = c.if_contains("expect_ladder");
    if (dl != nullptr || rt != nullptr || ld != nullptr) {
      if (subject != nullptr || c.contains("expect") || c.contains("expect_error")) {
        return fail_case(pi::cat(here, ": a case checks expect_deadlines, expect_routing and expect_ladder, or a "
                                       "subject (expect, expect_error), not both"));
      }
      if (rt == nullptr && ld == nullptr && c.contains("org")) {
        return fail_case(pi::cat(here, ": field org belongs to a case with expect_routing or expect_ladder"));
      }
      return run_engine_case(file, c, *policy, dl, rt, ld, here, r);
    }
    if (c.contains("now") || c.contains("calendar") || c.contains("org")) {
      return fail_case(pi::cat(here, ": fields now, calendar and org belong to a case with expect_deadlines, "
                                     "expect_routing or expect_ladder"));
    }
    if (subject == nullptr) return fail_case(pi::cat(here, ": field subject: missing"));

    std::vector<Expectation> expects;
    std::optional<ExpectedError> expected_error;
    if (const json::value* ee = c.if_contains("expect_error")) {
      if (!ee->is_object()) return fail_case(pi::cat(here, ": field expect_error: expected an object {code, contains}"));
      ExpectedError e;
      for (const auto& kv : ee->get_object()) {
        if (kv.key() == "code" && kv.value().is_string() && parse_code(kv.value().get_string())) {
          e.code = parse_code(kv.value().get_string());
        } else if (kv.key() == "contains" && kv.value().is_string()) {
          e.contains = std::string(kv.value().get_string());
        } else {
          return fail_case(pi::cat(here, ": field expect_error.", pi::av(kv.key()),
                                        ": expected code (a canonical code such as \"INVALID_ARGUMENT\") or contains (a string)"));
        }
      }
      expected_error = e;
    }
    if (const json::value* ex = c.if_contains("expect")) {
      if (!ex->is_array()) return fail_case(pi::cat(here, ": field expect: expected an array"));
      const auto& arr = ex->get_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        const std::string at = pi::cat(here, ": field expect[", i, "]");
        if (!arr[i].is_object()) return fail_case(pi::cat(at, ": expected an object"));
        const auto& o = arr[i].get_object();
        Expectation e;
        for (const auto& kv : o) {
          std::string_view k = kv.key();
          if (k != "rule" && k != "check" && k != "outcome" && k != "severity") {
            return fail_case(pi::cat(at, ".", pi::av(k), ": unknown (expected rule, check, outcome, severity)"));
          }
          if (!kv.value().is_string()) return fail_case(pi::cat(at, ".", pi::av(k), ": expected a string"));
        }
        if (!o.contains("rule")) return fail_case(pi::cat(at, ".rule: missing"));
        e.rule = std::string(o.at("rule").get_string());
        if (pi::rule_schema(e.rule) == nullptr) return fail_case(pi::cat(at, ".rule: unknown rule id \"", e.rule, "\""));
        if (o.contains("check")) e.check = std::string(o.at("check").get_string());
        if (!o.contains("outcome")) return fail_case(pi::cat(at, ".outcome: missing"));
        e.outcome = std::string(o.at("outcome").get_string());
        if (e.outcome != "pass" && e.outcome != "fail" && e.outcome != "absent") {
          return fail_case(pi::cat(at, ".outcome: expected \"pass\", \"fail\" or \"absent\", got \"", e.outcome, "\""));
        }
        if (o.contains("severity")) {
          e.severity = parse_finding_severity(o.at("severity").get_string());
          if (!e.severity) return fail_case(pi::cat(at, ".severity: expected \"error\", \"warning\" or \"info\""));
        }
        expects.push_back(std::move(e));
      }
    }
    if (expects.empty() && !expected_error) {
      return fail_case(pi::cat(here, ": field expect: missing or empty (give expect or expect_error)"));
    }

    absl::StatusOr<std::vector<Finding>> findings = [&]() -> absl::StatusOr<std::vector<Finding>> {
      JICENG_ASSIGN_OR_RETURN(PolicySet set, policy_for(file, here, *policy));
      auto f = set.evaluate(json::serialize(*subject));
      if (f.ok()) record(set, *f, policy->is_object() ? set.name() : std::string());
      return f;
    }();

    if (expected_error) {
      std::string want = pi::cat("error", expected_error->code ? pi::cat(" ", absl::StatusCodeToString(*expected_error->code)) : "",
                                      expected_error->contains.empty() ? "" : pi::cat(" containing \"", expected_error->contains, "\""));
      if (findings.ok()) {
        r.mismatches.push_back(PolicyMismatch{"", "", want, pi::cat(findings->size(), " finding(s), no error"), ""});
      } else {
        bool code_ok = !expected_error->code || findings.status().code() == *expected_error->code;
        bool text_ok = absl::StrContains(findings.status().message(), expected_error->contains);
        if (!code_ok || !text_ok) {
          r.mismatches.push_back(PolicyMismatch{"", "", want, pi::cat("error ", findings.status().ToString()), ""});
        }
      }
    } else if (!findings.ok()) {
      r.mismatches.push_back(PolicyMismatch{"", "", "findings", pi::cat("error ", findings.status().ToString()), ""});
    }
    if (findings.ok()) {
      for (const auto& e : expects) {
        std::vector<const Finding*> matched;
        for (const auto& f : *findings) {
          if (f.rule == e.rule && (e.check.empty() || f.check == e.check)) matched.push_back(&f);
        }
        std::string actual;
        if (matched.empty()) {
          actual = "absent";
        } else {
          actual = std::any_of(matched.begin(), matched.end(), [](const Finding* f) { return !f->passed; }) ? "fail" : "pass";
        }
        bool ok = actual == e.outcome;
        std::string expected = e.outcome;
        if (ok && e.severity && !matched.empty()) {
          expected = pi::cat(e.outcome, " (severity ", pi::av(to_string(*e.severity)), ")");
          if (matched.front()->severity != *e.severity) {
            ok = false;
            actual = pi::cat(actual, " (severity ", pi::av(to_string(matched.front()->severity)), ")");
          }
        }
        if (!ok) {
          if (actual == "absent") actual = "no finding";
          if (expected == "absent") expected = "no finding";
          r.mismatches.push_back(PolicyMismatch{e.rule, e.check, expected, actual, evidence_of(matched)});
        }
      }
    }
    r.passed = r.mismatches.empty();
    report.cases.push_back(std::move(r));
  }
};

}  // namespace

std::size_t PolicyTestReport::passed() const {
  return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [](const auto& c) { return c.passed; }));
}
std::size_t PolicyTestReport::failed() const { return cases.size() - passed(); }
std::size_t PolicyTestReport::invalid() const {
  return static_cast<std::size_t>(std::count_if(cases.begin(), cases.end(), [](const auto& c) { return c.invalid; }));
}
std::string PolicyTestReport::summary() const {
  const std::size_t bad = invalid();
  return pi::cat(passed(), " passed, ", failed(), " failed", bad > 0 ? pi::cat(" (", bad, " invalid)") : "");
}

std::size_t PolicySetCoverage::covered() const {
  return static_cast<std::size_t>(std::count_if(branches.begin(), branches.end(), [](const auto& b) { return b.covered; }));
}
std::size_t PolicySetCoverage::rules() const {
  std::set<std::string> r;
  for (const auto& b : branches) r.insert(b.rule);
  return r.size();
}
std::size_t PolicySetCoverage::rules_covered() const {
  std::set<std::string> r;
  for (const auto& b : branches) {
    if (b.covered) r.insert(b.rule);
  }
  return r.size();
}

namespace {
double percent_of(std::size_t part, std::size_t whole) {
  return whole == 0 ? 100.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}
std::string branch_label(const PolicyBranch& b) {
  return pi::cat(b.rule, "[", b.check, "] ", b.pass_side ? "pass" : "fail");
}
std::string fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}
// XML text and attribute escaping.
std::string xml(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        // Control characters other than tab and newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n') {
          out += '?';
        } else {
          out += ch;
        }
    }
  }
  return out;
}
std::string mismatch_text(const PolicyMismatch& m) {
  std::string t;
  if (!m.rule.empty()) t = pi::cat(m.rule, m.check.empty() ? "" : pi::cat("[", m.check, "]"), ": ");
  t += pi::cat("expected ", m.expected, ", actual ", m.actual);
  if (!m.evidence.empty()) t += pi::cat("\n  evidence: ", m.evidence);
  return t;
}
}  // namespace

double PolicyTestReport::coverage_percent() const {
  std::size_t covered = 0, total = 0;
  for (const auto& c : coverage) {
    covered += c.covered();
    total += c.branches.size();
  }
  return percent_of(covered, total);
}

std::string PolicyTestReport::coverage_text() const {
  std::string out;
  std::size_t covered = 0, total = 0;
  for (const auto& c : coverage) {
    covered += c.covered();
    total += c.branches.size();
    out += pi::cat("coverage ", c.set, ": ", c.covered(), "/", c.branches.size(), " branches (",
                   fixed1(percent_of(c.covered(), c.branches.size())), "%), ", c.rules_covered(), "/", c.rules(),
                   " rules\n");
    for (const auto& b : c.branches) {
      if (!b.covered) out += pi::cat("  not covered: ", branch_label(b), "\n");
    }
  }
  out += pi::cat("coverage total: ", covered, "/", total, " branches (", fixed1(percent_of(covered, total)), "%)\n");
  return out;
}

std::string PolicyTestReport::to_json() const {
  json::object o;
  o["passed"] = passed();
  o["failed"] = failed();
  o["invalid"] = invalid();
  o["summary"] = summary();
  json::array cs;
  for (const auto& c : cases) {
    json::array ms;
    for (const auto& m : c.mismatches) {
      ms.emplace_back(json::object{{"rule", m.rule}, {"check", m.check}, {"expected", m.expected},
                                   {"actual", m.actual}, {"evidence", m.evidence}});
    }
    cs.emplace_back(json::object{{"file", c.file}, {"name", c.name}, {"passed", c.passed}, {"invalid", c.invalid},
                                 {"seconds", c.seconds}, {"mismatches", std::move(ms)}});
  }
  o["cases"] = std::move(cs);
  json::array skipped;
  for (const auto& f : skipped_files) skipped.emplace_back(f);
  o["skipped_files"] = std::move(skipped);
  json::array sets;
  for (const auto& c : coverage) {
    json::array missing;
    for (const auto& b : c.branches) {
      if (!b.covered) missing.emplace_back(branch_label(b));
    }
    sets.emplace_back(json::object{{"set", c.set}, {"covered", c.covered()}, {"total", c.branches.size()},
                                   {"percent", percent_of(c.covered(), c.branches.size())}, {"rules", c.rules()},
                                   {"rules_covered", c.rules_covered()}, {"missing", std::move(missing)}});
  }
  o["coverage"] = json::object{{"percent", coverage_percent()}, {"sets", std::move(sets)}};
  return json::serialize(o);
}

std::string PolicyTestReport::to_junit() const {
  // One <testsuite> per case file, in run order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const PolicyCaseResult*>> by_file;
  for (const auto& c : cases) {
    if (!by_file.contains(c.file)) order.push_back(c.file);
    by_file[c.file].push_back(&c);
  }
  double total_time = 0;
  for (const auto& c : cases) total_time += c.seconds;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += pi::cat("<testsuites name=\"jiceng policy test\" tests=\"", cases.size(), "\" failures=\"",
                 failed() - invalid(), "\" errors=\"", invalid(), "\" time=\"", fixed1(total_time), "\">\n");
  for (const auto& file : order) {
    const auto& cs = by_file[file];
    std::size_t failures = 0, errors = 0;
    double time = 0;
    for (const auto* c : cs) {
      errors += c->invalid ? 1 : 0;
      failures += !c->passed && !c->invalid ? 1 : 0;
      time += c->seconds;
    }
    out += pi::cat("  <testsuite name=\"", xml(file), "\" tests=\"", cs.size(), "\" failures=\"", failures,
                   "\" errors=\"", errors, "\" time=\"", fixed1(time), "\">\n");
    for (const auto* c : cs) {
      out += pi::cat("    <testcase classname=\"", xml(file), "\" name=\"", xml(c->name), "\" time=\"",
                     fixed1(c->seconds), "\"");
      if (c->passed) {
        out += "/>\n";
        continue;
      }
      std::string body;
      for (const auto& m : c->mismatches) body += mismatch_text(m) + "\n";
      const char* tag = c->invalid ? "error" : "failure";
      const std::string first = c->mismatches.empty() ? std::string("failed") : mismatch_text(c->mismatches.front());
      out += pi::cat(">\n      <", tag, " message=\"", xml(first.substr(0, first.find('\n'))), "\">", xml(body), "</",
                     tag, ">\n    </testcase>\n");
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

absl::StatusOr<PolicyTestReport> run_policy_tests(const std::vector<std::string>& paths,
                                                  const PolicyTestOptions& options) {
  try {
    if (paths.empty()) return absl::InvalidArgumentError("policy tests: no paths given");
    Runner runner;
    runner.route = options.route;
    if (!options.run.empty()) {
      try {
        runner.run.emplace(options.run, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        return absl::InvalidArgumentError(pi::cat("policy tests: --run \"", options.run, "\" is not a valid regular expression: ", e.what()));
      }
    }
    std::vector<std::pair<fs::path, bool>> files;  // path, found in a folder
    for (const auto& p : paths) {
      std::error_code ec;
      if (fs::is_directory(p, ec)) {
        std::vector<fs::path> found;
        for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
          if (e.is_regular_file() && e.path().extension() == ".json") found.push_back(e.path());
        }
        if (ec) return absl::NotFoundError(pi::cat("policy tests: ", p, ": ", ec.message()));
        std::sort(found.begin(), found.end());
        for (auto& f : found) files.emplace_back(std::move(f), true);
      } else if (fs::is_regular_file(p, ec)) {
        files.emplace_back(p, false);
      } else {
        return absl::NotFoundError(pi::cat("policy tests: ", p, ": no such file or folder"));
      }
    }
    if (files.empty()) return absl::InvalidArgumentError("policy tests: no *.json case files under the given paths");
    for (const auto& [f, in_folder] : files) runner.run_file(f, in_folder);
    runner.finish_coverage();
    return std::move(runner.report);
  } catch (const std::exception& e) {
    return absl::InternalError(pi::cat("policy tests: ", e.what()));
  }
}

}  // namespace jiceng
