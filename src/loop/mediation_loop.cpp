// The mediation loop (调解): people's mediation committees (人民调解委员会, 调委会) and their
// mediators, dispute cases with dialect-matched mediator suggestions (乡音调解), agreements
// that take effect, judicial confirmation, and the 信访 track's mediation.
//
// The law it encodes (人民调解法, adopted 2010-08-28, in force 2011-01-01):
//  - art. 4: mediation is free; no fee of any kind. Every case command carrying a `fee`
//    field is refused.
//  - art. 8: a residents' or villagers' committee must set up a mediation committee (an
//    enterprise may); 3 to 9 members, one chair (主任), at least one woman. art. 9: members
//    serve a 3-year term and may be re-elected (`reconstitute`). art. 34: towns, streets
//    (街道) and social groups may set up committees under the same law — the legal form of
//    a street-level 乡音调解委员会. The numbers are policy data (rule mediation.committee),
//    checked by the policy evaluator on the members' roles, genders and ages.
//  - art. 13: mediators are the committee's members and the mediators it hires (聘任);
//    art. 14: adults. art. 15: a mediator who misbehaves may be dismissed (`dismiss`).
//  - art. 17: a party may apply (`apply`), or the committee may act on its own (`initiate`);
//    a court or the police may tell parties to apply (art. 18) — a petition of a dispute
//    category referred here is `refer`: the petition must be one the engine holds, being
//    handled (in_progress), of a category rule mediation.referral lists as a dispute between
//    parties (民间纠纷, art. 2), checked through the host in decide and in replay. If a party explicitly refuses, the committee may not
//    mediate (`refuse`: terminal).
//  - art. 19: the committee designates one or more mediators, or the parties choose them;
//    art. 23: a party may choose or accept a mediator, refuse one, ask to stop, and ask
//    for public or non-public mediation. The loop suggests mediators ranked by dialect /
//    home-region match with the parties (乡音调解, seed: 木桥社区's 15 mediators from 6
//    dialect regions), then load, then availability — a suggestion only: `assign` must
//    include every mediator a party chose and none a party refused, and the case records
//    what was suggested and whether the suggestion was followed.
//  - art. 25: a dispute that may become a public-order or criminal case is reported to the
//    police (`report_risk` with `possible_offence` requires `reported_to`).
//  - art. 26: mediation that fails is ended and the parties are told of arbitration,
//    administrative and judicial routes (`end` requires `routes_told`).
//  - arts. 28–30: a written agreement takes effect only when every party and the mediator
//    have signed and the committee's seal is applied (`draft_agreement`, `sign`, `seal`); an
//    oral agreement takes effect the day it is reached (`agree_oral`).
//  - art. 31: the committee supervises performance (`perform`); art. 32: a dispute over
//    performance or content goes to court (`dispute`).
//  - art. 33: the parties may jointly apply to a court for judicial confirmation within
//    30 days of the agreement taking effect (rule mediation.confirmation; the days are
//    counted as 民法典 第二百零一条、第二百零三条 count a period); a confirmed agreement is
//    enforceable (`apply_enforcement`), a refused one is mediated again or ended.
// 信访工作条例 (2022) art. 33: while handling a 申诉求决类 matter, the handling body may, with
// both parties' consent, mediate or guide them to settle; the outcome is a 调解协议书 or a
// 和解协议书 (`xinfang_mediate`, agreement_kind mediation | settlement). It is not people's
// mediation (no committee, no judicial confirmation under 人民调解法 第三十三条) and it does
// not stop the petition's 60-day clock: the loop never touches the petition.
#include "loop/mediation_loop.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

#include "common/strings.hpp"
#include "jiceng/policy.hpp"
#include "loop/civic_util.hpp"
#include "loop/table_loop.hpp"

namespace jiceng::mediation {
namespace json = boost::json;

int age_on(Date birth, Date on) {
  int age = on.year() - birth.year();
  if (on.month() < birth.month() || (on.month() == birth.month() && on.day() < birth.day())) --age;
  return age;
}

Date term_last_day(Date start, int years) {
  const int y = start.year() + years;
  const int m = start.month();
  const int last = boost::gregorian::gregorian_calendar::end_of_month_day(static_cast<unsigned short>(y),
                                                                           static_cast<unsigned short>(m));
  const int d = std::min<int>(start.day(), last);
  return Date(static_cast<unsigned short>(y), static_cast<unsigned short>(m), static_cast<unsigned short>(d));
}

namespace {

using internal::cat;

using civic::sv;
using civic::where;
json::string_view js(std::string_view s) { return civic::jv(s); }

class MediationLoop;
// The loop a guard or an action runs for. Guards and actions are plain functions over a
// LoopCall, which names the item but not the loop; mediation's guards also read other items
// (the committee of a case, the caseload of a mediator). MediationLoop sets this for the
// duration of each decide, apply and query (the host serializes calls on one engine; each
// thread has its own).
thread_local const MediationLoop* t_loop = nullptr;

// ---- the states and what a case's state says about its mediators ----------------------

constexpr std::string_view kSeated = "seated";
bool is_open_for_load(std::string_view state) {
  return state == "assigned" || state == "mediating" || state == "signing";
}

// ---- errors ----------------------------------------------------------------------------

absl::Status invalid(const LoopCall& c, std::string_view what) {
  return absl::InvalidArgumentError(cat(where(c), ": ", what));
}
absl::Status precondition(const LoopCall& c, std::string_view what) {
  return absl::FailedPreconditionError(cat(where(c), ": ", what));
}

// ---- payload readers -------------------------------------------------------------------

// 人民调解法 第四条: people's mediation charges no fee. A command that names one is refused.
absl::Status no_fee(const LoopCall& c) {
  if (c.input.contains("fee")) {
    return invalid(c, "mediation is free (人民调解法 第四条: no fee of any kind may be charged); remove field \"fee\"");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string_view>> opt_text(const LoopCall& c, const json::object& o,
                                                         std::string_view field, std::size_t max_bytes,
                                                         std::string_view path = "") {
  const json::value* v = o.if_contains(js(field));
  if (v == nullptr) return std::optional<std::string_view>();
  if (!v->is_string() || v->as_string().empty()) {
    return invalid(c, cat("field \"", path, field, "\" must be a non-empty string"));
  }
  if (v->as_string().size() > max_bytes) {
    return invalid(c, cat("field \"", path, field, "\" is longer than ", max_bytes, " bytes"));
  }
  return std::optional<std::string_view>(sv(v->as_string()));
}

absl::StatusOr<std::string_view> req_text(const LoopCall& c, const json::object& o, std::string_view field,
                                          std::size_t max_bytes, std::string_view path = "") {
  JICENG_ASSIGN_OR_RETURN(auto v, opt_text(c, o, field, max_bytes, path));
  if (!v) return invalid(c, cat("field \"", path, field, "\" (a non-empty string) is required"));
  return *v;
}

absl::StatusOr<std::optional<bool>> opt_bool(const LoopCall& c, std::string_view field) {
  const json::value* v = c.input.if_contains(js(field));
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_bool()) return invalid(c, cat("field \"", field, "\" must be true or false"));
  return std::optional<bool>(v->as_bool());
}

absl::StatusOr<Date> req_date(const LoopCall& c, const json::object& o, std::string_view field,
                              std::string_view path = "") {
  JICENG_ASSIGN_OR_RETURN(std::string_view text, req_text(c, o, field, 10, path));
  auto d = parse_date(text);
  if (!d.ok()) return invalid(c, cat("field \"", path, field, "\": ", d.status().message()));
  if (d->year() < 1900 || d->year() > 9000) return invalid(c, cat("field \"", path, field, "\": year out of range"));
  return *d;
}

// An array of distinct non-empty strings (ids, dialects, regions).
absl::StatusOr<std::vector<std::string>> string_list(const LoopCall& c, const json::object& o, std::string_view field,
                                                     bool required, std::size_t max_items, std::size_t max_bytes,
                                                     std::string_view path = "") {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(js(field));
  if (v == nullptr) {
    if (required) return invalid(c, cat("field \"", path, field, "\" (an array of strings) is required"));
    return out;
  }
  if (!v->is_array()) return invalid(c, cat("field \"", path, field, "\" must be an array of strings"));
  const auto& a = v->as_array();
  if (a.size() > max_items) return invalid(c, cat("field \"", path, field, "\" has more than ", max_items, " items"));
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_string() || a[i].as_string().empty() || a[i].as_string().size() > max_bytes) {
      return invalid(c, cat("field \"", path, field, "[", i, "]\" must be a non-empty string of at most ", max_bytes,
                            " bytes"));
    }
    std::string s(sv(a[i].as_string()));
    if (std::find(out.begin(), out.end(), s) != out.end()) {
      return invalid(c, cat("field \"", path, field, "\" lists \"", s, "\" twice"));
    }
    out.push_back(std::move(s));
  }
  if (required && out.empty()) return invalid(c, cat("field \"", path, field, "\" must not be empty"));
  return out;
}

Date today(const LoopCall& c) { return china_date(c.now); }

// ---- policy ----------------------------------------------------------------------------

absl::StatusOr<json::object> rule_params(const LoopCall& c, std::string_view rule) {
  return civic::rule_params(c, rule, "load a set that extends national");
}

absl::StatusOr<std::int64_t> param_int(const LoopCall& c, std::string_view rule, std::string_view field) {
  JICENG_ASSIGN_OR_RETURN(json::object p, rule_params(c, rule));
  const json::value* v = p.if_contains(js(field));
  if (v == nullptr || !v->is_int64()) return absl::InternalError(cat(rule, ": params.", field, " is not an integer"));
  return v->as_int64();
}

// ---- items -----------------------------------------------------------------------------

const json::object* obj(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(js(key));
  return v && v->is_object() ? &v->as_object() : nullptr;
}
const json::array* arr(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(js(key));
  return v && v->is_array() ? &v->as_array() : nullptr;
}
std::string_view str(const json::object& o, std::string_view key) { return civic::str_at(o, key); }
bool contains_string(const json::array* a, std::string_view s) {
  if (a == nullptr) return false;
  for (const auto& x : *a)
    if (x.is_string() && sv(x.as_string()) == s) return true;
  return false;
}

class MediationLoop final : public TableLoop {
 public:
  MediationLoop();
  absl::StatusOr<LoopEvent> decide(const LoopCommand& command, LoopHost& host) const override {
    Bind b(this);
    return TableLoop::decide(command, host);
  }
  absl::Status apply(const LoopEvent& event, const Actor& actor, Timestamp time, LoopHost& host) override {
    Bind b(this);
    return TableLoop::apply(event, actor, time, host);
  }
  absl::StatusOr<std::string> query(std::string_view name, std::string_view params,
                                    const LoopHost& host) const override;

 private:
  struct Bind {
    const MediationLoop* prev;
    explicit Bind(const MediationLoop* l) : prev(t_loop) { t_loop = l; }
    ~Bind() { t_loop = prev; }
    Bind(const Bind&) = delete;
    Bind& operator=(const Bind&) = delete;
  };
};

const MediationLoop& loop() { return *t_loop; }

bool is_committee(const LoopItem& it) { return str(it.data, "kind") == "committee"; }

// The committee an item names ("D00000001" or 1): seated, and a committee.
absl::StatusOr<const LoopItem*> find_committee(const LoopCall& c, const json::value& ref) {
  auto id = parse_item_id(c.table, ref);
  if (!id.ok()) return invalid(c, cat("field \"committee\": ", id.status().message()));
  const LoopItem* it = t_loop->item(*id);
  if (it == nullptr || !is_committee(*it)) {
    return absl::NotFoundError(cat(where(c), ": committee ", display_item_id(c.table, *id), " not found"));
  }
  return it;
}

// The committee of a case (people's mediation track), or nullptr on the 信访 track.
const LoopItem* committee_of(const LoopItem& kase) {
  const json::value* v = kase.data.if_contains("committee_item");
  if (v == nullptr || !v->is_int64()) return nullptr;
  return t_loop->item(static_cast<std::uint64_t>(v->as_int64()));
}

// A mediator record of a committee (a member or a hired mediator), or nullptr.
const json::object* find_mediator(const LoopItem& committee, std::string_view id) {
  for (const char* list : {"members", "hired"}) {
    if (const json::array* a = arr(committee.data, list)) {
      for (const auto& m : *a)
        if (m.is_object() && str(m.as_object(), "id") == id) return &m.as_object();
    }
  }
  return nullptr;
}

std::vector<const json::object*> mediators_of(const LoopItem& committee) {
  std::vector<const json::object*> out;
  for (const char* list : {"members", "hired"}) {
    if (const json::array* a = arr(committee.data, list)) {
      for (const auto& m : *a)
        if (m.is_object()) out.push_back(&m.as_object());
    }
  }
  return out;
}

// Cases of `committee` in a state where their mediators are at work, per mediator.
std::int64_t load_of(const MediationLoop& l, std::uint64_t committee, std::string_view mediator) {
  std::int64_t n = 0;
  for (std::uint64_t i = 1; i <= l.size(); ++i) {
    const LoopItem* it = l.item(i);
    if (is_committee(*it) || !is_open_for_load(l.table().states[it->state].name)) continue;
    const json::value* ci = it->data.if_contains("committee_item");
    if (ci == nullptr || !ci->is_int64() || static_cast<std::uint64_t>(ci->as_int64()) != committee) continue;
    if (contains_string(arr(it->data, "mediators"), mediator)) ++n;
  }
  return n;
}

// Whether a party refused this mediator in this case.
bool refused_mediator(const LoopItem& kase, std::string_view mediator) {
  if (const json::array* a = arr(kase.data, "rejected")) {
    for (const auto& r : *a)
      if (r.is_object() && str(r.as_object(), "mediator") == mediator) return true;
  }
  return false;
}

// ---- the suggestion (乡音调解) ---------------------------------------------------------

struct Candidate {
  std::string id, name;
  std::int64_t match = 0;  // parties sharing a dialect or a home region with the mediator
  std::int64_t load = 0;
  bool available = true;
  std::vector<std::string> matched;  // those parties' ids
};

// Candidates for a case, best first: more parties matched by dialect or home region, then
// a lighter caseload, then available before unavailable, then by id. Mediators a party
// refused are left out.
std::vector<Candidate> rank(const MediationLoop& l, const LoopItem& kase, const LoopItem& committee) {
  std::vector<Candidate> out;
  const json::array* parties = arr(kase.data, "parties");
  for (const json::object* m : mediators_of(committee)) {
    Candidate cd;
    cd.id = std::string(str(*m, "id"));
    if (refused_mediator(kase, cd.id)) continue;
    cd.name = std::string(str(*m, "name"));
    const json::value* av = m->if_contains("available");
    cd.available = av == nullptr || !av->is_bool() || av->as_bool();
    cd.load = load_of(l, committee.id, cd.id);
    if (parties != nullptr) {
      for (const auto& p : *parties) {
        if (!p.is_object()) continue;
        const auto& po = p.as_object();
        const std::string_view region = str(po, "region"), dialect = str(po, "dialect");
        const bool hit = (!region.empty() && contains_string(arr(*m, "regions"), region)) ||
                         (!dialect.empty() && contains_string(arr(*m, "dialects"), dialect));
        if (hit) {
          ++cd.match;
          cd.matched.emplace_back(str(po, "id"));
        }
      }
    }
    out.push_back(std::move(cd));
  }
  std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    if (a.match != b.match) return a.match > b.match;
    if (a.load != b.load) return a.load < b.load;
    if (a.available != b.available) return a.available;
    return a.id < b.id;
  });
  return out;
}

json::array candidates_json(const std::vector<Candidate>& cs) {
  json::array a;
  for (const auto& c : cs) {
    json::array matched;
    for (const auto& m : c.matched) matched.emplace_back(m);
    a.push_back(json::object{{"mediator", c.id},     {"name", c.name},       {"match", c.match},
                             {"load", c.load},       {"available", c.available}, {"matched_parties", std::move(matched)}});
  }
  return a;
}

// ---- committees ------------------------------------------------------------------------

constexpr std::string_view kLevels[] = {"residents", "villagers", "street", "town", "enterprise", "social"};

// A person record of a committee: a member (with a role) or a hired mediator.
absl::StatusOr<json::object> read_person(const LoopCall& c, const json::value& v, std::string_view path, bool member,
                                         std::int64_t min_age) {
  if (!v.is_object()) return invalid(c, cat("field \"", path, "\" must be an object"));
  const auto& o = v.as_object();
  for (const auto& kv : o) {
    const std::string_view k = sv(kv.key());
    if (k != "id" && k != "name" && k != "gender" && k != "birth" && k != "dialects" && k != "regions" &&
        !(member && k == "role")) {
      return invalid(c, cat("field \"", path, ".", k, "\" is unknown (expected id, name, gender, birth, ",
                            member ? "role, " : "", "dialects, regions)"));
    }
  }
  const std::string p = cat(path, ".");
  JICENG_ASSIGN_OR_RETURN(std::string_view id, req_text(c, o, "id", 64, p));
  JICENG_ASSIGN_OR_RETURN(std::string_view name, req_text(c, o, "name", 128, p));
  JICENG_ASSIGN_OR_RETURN(std::string_view gender, req_text(c, o, "gender", 16, p));
  if (gender != "female" && gender != "male") return invalid(c, cat("field \"", p, "gender\" must be female or male"));
  JICENG_ASSIGN_OR_RETURN(Date birth, req_date(c, o, "birth", p));
  if (birth > today(c)) return invalid(c, cat("field \"", p, "birth\" is after today"));
  const int age = age_on(birth, today(c));
  if (age < min_age) {
    return invalid(c, cat(path, " (", id, ") is ", age, " years old; a mediator must be at least ", min_age,
                          " (人民调解法 第十四条: 成年公民)"));
  }
  JICENG_ASSIGN_OR_RETURN(auto dialects, string_list(c, o, "dialects", false, 16, 64, p));
  JICENG_ASSIGN_OR_RETURN(auto regions, string_list(c, o, "regions", false, 16, 64, p));
  json::object out{{"id", id}, {"name", name}, {"gender", gender}, {"birth", format_date(birth)}, {"available", true}};
  json::array da, ra;
  for (auto& d : dialects) da.emplace_back(d);
  for (auto& r : regions) ra.emplace_back(r);
  out["dialects"] = std::move(da);
  out["regions"] = std::move(ra);
  if (member) {
    JICENG_ASSIGN_OR_RETURN(std::string_view role, req_text(c, o, "role", 16, p));
    if (role != "chair" && role != "deputy" && role != "member") {
      return invalid(c, cat("field \"", p, "role\" must be chair, deputy or member"));
    }
    out["role"] = role;
  }
  return out;
}

struct CommitteeInput {
  json::array members, hired;
};

// Members and hired mediators of an establish / reconstitute command, checked: every field,
// adults, ids distinct, and the members' composition against rule mediation.committee.
absl::StatusOr<CommitteeInput> read_committee(const LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(std::int64_t min_age, param_int(c, "mediation.committee", "min_mediator_age"));
  CommitteeInput in;
  std::set<std::string> ids;
  for (const char* list : {"members", "hired"}) {
    const bool member = std::string_view(list) == "members";
    const json::value* v = c.input.if_contains(list);
    if (v == nullptr) {
      if (member) return invalid(c, "field \"members\" (an array of the committee's members) is required");
      continue;
    }
    if (!v->is_array()) return invalid(c, cat("field \"", list, "\" must be an array"));
    if (v->as_array().size() > 200) return invalid(c, cat("field \"", list, "\" has more than 200 items"));
    for (std::size_t i = 0; i < v->as_array().size(); ++i) {
      JICENG_ASSIGN_OR_RETURN(json::object p, read_person(c, v->as_array()[i], cat(list, "[", i, "]"), member, min_age));
      std::string id(str(p, "id"));
      if (!ids.insert(id).second) return invalid(c, cat("mediator id \"", id, "\" appears twice"));
      (member ? in.members : in.hired).push_back(std::move(p));
    }
  }
  // A reconstitution that keeps the hired mediators keeps their ids apart from the members'.
  if (c.item != nullptr && !c.input.contains("hired")) {
    if (const json::array* kept = arr(c.item->data, "hired")) {
      for (const auto& m : *kept) {
        if (ids.contains(std::string(str(m.as_object(), "id")))) {
          return invalid(c, cat("mediator id \"", str(m.as_object(), "id"), "\" is already a hired mediator"));
        }
      }
    }
  }
  // The composition: the policy evaluator decides (one implementation of 第八条).
  json::array subject_members;
  for (const auto& m : in.members) {
    const auto& o = m.as_object();
    auto birth = parse_date(str(o, "birth"));
    subject_members.push_back(json::object{
        {"role", str(o, "role")}, {"gender", str(o, "gender")}, {"age", age_on(*birth, today(c))}});
  }
  const std::string subject = json::serialize(json::object{
      {"type", "mediation_committee"}, {"id", "committee"}, {"members", std::move(subject_members)}});
  auto findings = c.host.policy().evaluate(subject);
  if (!findings.ok()) return invalid(c, internal::sv(findings.status().message()));
  std::string failed;
  for (const auto& f : *findings) {
    if (f.passed || f.rule != "mediation.committee") continue;
    failed += cat(failed.empty() ? "" : "; ", f.check, ": ", f.evidence);
  }
  if (!failed.empty()) {
    return invalid(c, cat("the committee's composition fails rule mediation.committee (人民调解法 第八条: 3 to 9 "
                          "members, one chair, at least one woman): ",
                          failed));
  }
  return in;
}

absl::Status committee_valid(const LoopCall& c) {
  const bool creates = c.item == nullptr;
  if (creates) {
    JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"unit", "name", "level", "term_start", "members", "hired"}));
  } else {
    JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"name", "level", "term_start", "members", "hired"}));
  }
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_ASSIGN_OR_RETURN(auto name, opt_text(c, c.input, "name", 200));
  if (creates && !name) return invalid(c, "field \"name\" (the committee's name) is required");
  JICENG_ASSIGN_OR_RETURN(auto level, opt_text(c, c.input, "level", 16));
  if (creates && !level) {
    return invalid(c, "field \"level\" is required: residents, villagers (第八条), street, town, social (第三十四条) "
                      "or enterprise");
  }
  if (level && std::find(std::begin(kLevels), std::end(kLevels), *level) == std::end(kLevels)) {
    return invalid(c, cat("field \"level\": \"", *level, "\" is not residents, villagers, street, town, enterprise or social"));
  }
  JICENG_ASSIGN_OR_RETURN(Date start, req_date(c, c.input, "term_start"));
  JICENG_ASSIGN_OR_RETURN(std::int64_t years, param_int(c, "mediation.committee", "term_years"));
  if (start > today(c)) return invalid(c, cat("term_start ", format_date(start), " is after today ", format_date(today(c))));
  const Date last = term_last_day(start, static_cast<int>(years));
  if (last < today(c)) {
    return invalid(c, cat("a term from ", format_date(start), " ended on ", format_date(last), " (", years,
                          " years, 人民调解法 第九条)"));
  }
  if (!creates) {
    auto prev = parse_date(str(c.item->data, "term_start"));
    if (prev.ok() && start <= *prev) {
      return invalid(c, cat("term_start ", format_date(start), " must be after the current term's start ",
                            format_date(*prev)));
    }
  }
  return read_committee(c).status();
}

absl::Status set_committee(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(CommitteeInput in, read_committee(c));
  JICENG_ASSIGN_OR_RETURN(std::int64_t years, param_int(c, "mediation.committee", "term_years"));
  auto& d = c.target->data;
  const Date start = *parse_date(str(c.input, "term_start"));
  d["kind"] = "committee";
  if (c.input.contains("name")) d["name"] = c.input.at("name");
  if (c.input.contains("level")) d["level"] = c.input.at("level");
  d["term_start"] = format_date(start);
  d["term_end"] = format_date(term_last_day(start, static_cast<int>(years)));
  d["members"] = std::move(in.members);
  if (c.input.contains("hired") || !d.contains("hired")) d["hired"] = std::move(in.hired);
  d["terms"] = c.item == nullptr ? 1 : (d.contains("terms") ? d["terms"].as_int64() : 1) + 1;
  return absl::OkStatus();
}

absl::Status hire_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"mediator"}));
  JICENG_RETURN_IF_ERROR(no_fee(c));
  const json::value* v = c.input.if_contains("mediator");
  if (v == nullptr) return invalid(c, "field \"mediator\" (the hired mediator: id, name, gender, birth, ...) is required");
  JICENG_ASSIGN_OR_RETURN(std::int64_t min_age, param_int(c, "mediation.committee", "min_mediator_age"));
  JICENG_ASSIGN_OR_RETURN(json::object p, read_person(c, *v, "mediator", false, min_age));
  if (find_mediator(*c.item, str(p, "id")) != nullptr) {
    return invalid(c, cat("mediator \"", str(p, "id"), "\" is already a mediator of this committee"));
  }
  return absl::OkStatus();
}

absl::Status add_hired(LoopCall& c) {
  JICENG_ASSIGN_OR_RETURN(std::int64_t min_age, param_int(c, "mediation.committee", "min_mediator_age"));
  JICENG_ASSIGN_OR_RETURN(json::object p, read_person(c, c.input.at("mediator"), "mediator", false, min_age));
  auto& d = c.target->data;
  if (!d.contains("hired")) d["hired"] = json::array{};
  d["hired"].as_array().push_back(std::move(p));
  return absl::OkStatus();
}

absl::StatusOr<std::string_view> known_mediator(const LoopCall& c, const LoopItem& committee) {
  JICENG_ASSIGN_OR_RETURN(std::string_view id, req_text(c, c.input, "mediator", 64));
  if (find_mediator(committee, id) == nullptr) {
    return absl::NotFoundError(cat(where(c), ": \"", id, "\" is not a mediator of committee ",
                                   display_item_id(c.table, committee.id)));
  }
  return id;
}

absl::Status dismiss_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"mediator", "reason"}));
  JICENG_ASSIGN_OR_RETURN(std::string_view id, known_mediator(c, *c.item));
  JICENG_RETURN_IF_ERROR(req_text(c, c.input, "reason", 2000).status());
  bool hired = false;
  if (const json::array* a = arr(c.item->data, "hired"))
    for (const auto& m : *a) hired = hired || (m.is_object() && str(m.as_object(), "id") == id);
  if (!hired) {
    return precondition(c, cat("\"", id, "\" is a member of the committee; members change by reconstitute "
                               "(elected, 人民调解法 第九条), only hired mediators are dismissed"));
  }
  if (load_of(loop(), c.item->id, id) > 0) {
    return precondition(c, cat("\"", id, "\" has open cases; reassign them first"));
  }
  return absl::OkStatus();
}

absl::Status remove_hired(LoopCall& c) {
  auto& a = c.target->data["hired"].as_array();
  const std::string_view id = str(c.input, "mediator");
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (it->is_object() && str(it->as_object(), "id") == id) {
      a.erase(it);
      break;
    }
  }
  return absl::OkStatus();
}

absl::Status availability_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"mediator", "available"}));
  JICENG_RETURN_IF_ERROR(known_mediator(c, *c.item).status());
  JICENG_ASSIGN_OR_RETURN(auto av, opt_bool(c, "available"));
  if (!av) return invalid(c, "field \"available\" (true or false) is required");
  return absl::OkStatus();
}

absl::Status set_availability(LoopCall& c) {
  const std::string_view id = str(c.input, "mediator");
  for (const char* list : {"members", "hired"}) {
    auto* v = c.target->data.if_contains(list);
    if (v == nullptr || !v->is_array()) continue;
    for (auto& m : v->as_array())
      if (m.is_object() && str(m.as_object(), "id") == id) m.as_object()["available"] = c.input.at("available");
  }
  return absl::OkStatus();
}

// ---- cases -----------------------------------------------------------------------------

absl::StatusOr<json::array> read_parties(const LoopCall& c) {
  const json::value* v = c.input.if_contains("parties");
  if (v == nullptr || !v->is_array()) return invalid(c, "field \"parties\" (an array of at least two parties) is required");
  const auto& a = v->as_array();
  if (a.size() < 2 || a.size() > 50) return invalid(c, cat("a dispute has 2 to 50 parties, got ", a.size()));
  json::array out;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string path = cat("parties[", i, "]");
    if (!a[i].is_object()) return invalid(c, cat("field \"", path, "\" must be an object"));
    const auto& o = a[i].as_object();
    for (const auto& kv : o) {
      const std::string_view k = sv(kv.key());
      if (k != "id" && k != "name" && k != "region" && k != "dialect") {
        return invalid(c, cat("field \"", path, ".", k, "\" is unknown (expected id, name, region, dialect)"));
      }
    }
    const std::string p = cat(path, ".");
    JICENG_ASSIGN_OR_RETURN(std::string_view id, req_text(c, o, "id", 64, p));
    JICENG_ASSIGN_OR_RETURN(std::string_view name, req_text(c, o, "name", 128, p));
    JICENG_ASSIGN_OR_RETURN(auto region, opt_text(c, o, "region", 64, p));
    JICENG_ASSIGN_OR_RETURN(auto dialect, opt_text(c, o, "dialect", 64, p));
    if (!ids.insert(std::string(id)).second) return invalid(c, cat("party \"", id, "\" appears twice"));
    json::object po{{"id", id}, {"name", name}};
    if (region) po["region"] = *region;
    if (dialect) po["dialect"] = *dialect;
    out.push_back(std::move(po));
  }
  return out;
}

bool is_party(const LoopItem& kase, std::string_view id) {
  if (const json::array* a = arr(kase.data, "parties"))
    for (const auto& p : *a)
      if (p.is_object() && str(p.as_object(), "id") == id) return true;
  return false;
}

// A party named by field `field`; a resident acting must be that party.
absl::StatusOr<std::string_view> party_field(const LoopCall& c, std::string_view field = "party") {
  JICENG_ASSIGN_OR_RETURN(std::string_view party, req_text(c, c.input, field, 64));
  if (!is_party(*c.item, party)) return invalid(c, cat("\"", party, "\" is not a party of this case"));
  if (c.actor.role == Role::kResident && c.actor.id != party) {
    return absl::PermissionDeniedError(cat(where(c), ": resident ", c.actor.id, " may act only as themselves, not as ",
                                           party));
  }
  return party;
}

// The committee's term covers today (人民调解法 第九条: 3 years; reconstitute starts a new one).
absl::Status term_current(const LoopCall& c, const LoopItem& committee) {
  auto end = parse_date(str(committee.data, "term_end"));
  if (end.ok() && *end < today(c)) {
    return precondition(c, cat("committee ", display_item_id(c.table, committee.id), "'s term ended on ",
                               format_date(*end), "; reconstitute it first (人民调解法 第九条)"));
  }
  return absl::OkStatus();
}

// The petition a referral names: in progress, of a dispute category (rule mediation.referral, 人民调解法 第二条: people's
// mediation settles disputes between parties, 民间纠纷); a category the command states must
// be the petition's.
absl::Status referral_valid(const LoopCall& c, std::string_view petition) {
  JICENG_ASSIGN_OR_RETURN(const json::object p, civic::referable_petition(c, "petition", petition));
  JICENG_ASSIGN_OR_RETURN(json::object rule, rule_params(c, "mediation.referral"));
  const std::string_view category = str(p, "category");
  bool dispute = false;
  std::string listed;
  for (const json::value& d : rule.at("dispute_categories").as_array()) {
    dispute = dispute || sv(d.as_string()) == category;
    listed += cat(listed.empty() ? "" : ", ", sv(d.as_string()));
  }
  if (!dispute) {
    return precondition(c, cat("petition ", petition, "'s category ", category, " is not a dispute category (", listed,
                               "; rule mediation.referral)"));
  }
  if (c.input.contains("category") && str(c.input, "category") != category) {
    return invalid(c, cat("field \"category\" is ", str(c.input, "category"), " but petition ", petition, "'s is ",
                          category));
  }
  return absl::OkStatus();
}

// refer (a petition of a dispute category), apply (a party), initiate (the committee).
absl::Status case_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  const std::string_view ev = c.row.event;
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"unit", "committee", "petition", "category", "summary", "parties"}));
  const json::value* ref = c.input.if_contains("committee");
  if (ref == nullptr) return invalid(c, "field \"committee\" (the mediation committee, e.g. D00000001) is required");
  JICENG_ASSIGN_OR_RETURN(const LoopItem* committee, find_committee(c, *ref));
  if (str(c.input, "unit") != committee->unit) {
    return invalid(c, cat("field \"unit\" must be the committee's unit ", committee->unit, ", got ",
                          str(c.input, "unit")));
  }
  JICENG_RETURN_IF_ERROR(term_current(c, *committee));
  JICENG_ASSIGN_OR_RETURN(auto petition, opt_text(c, c.input, "petition", 64));
  if (ev == "refer" && !petition) {
    return invalid(c, "field \"petition\" (the referred petition's id) is required for a referral");
  }
  JICENG_RETURN_IF_ERROR(opt_text(c, c.input, "category", 64).status());
  JICENG_RETURN_IF_ERROR(req_text(c, c.input, "summary", 4000).status());
  JICENG_ASSIGN_OR_RETURN(json::array parties, read_parties(c));
  if (c.actor.role == Role::kResident) {
    bool party = false;
    for (const auto& p : parties) party = party || str(p.as_object(), "id") == c.actor.id;
    if (!party) return invalid(c, cat("resident ", c.actor.id, " applies only as a party (人民调解法 第十七条)"));
  }
  if (ev == "refer") return referral_valid(c, *petition);
  return absl::OkStatus();
}

// 信访工作条例 第三十三条: both parties consent; a 调解协议书 or a 和解协议书.
absl::Status xinfang_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(
      c, {"unit", "petition", "category", "summary", "parties", "consent", "agreement_kind", "mediators"}));
  JICENG_ASSIGN_OR_RETURN(std::string_view petition, req_text(c, c.input, "petition", 64));
  JICENG_RETURN_IF_ERROR(opt_text(c, c.input, "category", 64).status());
  JICENG_RETURN_IF_ERROR(req_text(c, c.input, "summary", 4000).status());
  JICENG_ASSIGN_OR_RETURN(json::array parties, read_parties(c));
  JICENG_ASSIGN_OR_RETURN(auto consent, string_list(c, c.input, "consent", true, 50, 64));
  for (const auto& p : parties) {
    const std::string_view id = str(p.as_object(), "id");
    if (std::find(consent.begin(), consent.end(), id) == consent.end()) {
      return precondition(c, cat("party \"", id, "\" has not consented; mediation on the 信访 track needs both "
                                 "parties' consent (信访工作条例 第三十三条)"));
    }
  }
  for (const auto& id : consent) {
    bool known = false;
    for (const auto& p : parties) known = known || str(p.as_object(), "id") == id;
    if (!known) return invalid(c, cat("field \"consent\" names \"", id, "\", who is not a party"));
  }
  JICENG_ASSIGN_OR_RETURN(std::string_view kind, req_text(c, c.input, "agreement_kind", 16));
  if (kind != "mediation" && kind != "settlement") {
    return invalid(c, "field \"agreement_kind\" must be mediation (调解协议书) or settlement (和解协议书)");
  }
  JICENG_ASSIGN_OR_RETURN(auto mediators, string_list(c, c.input, "mediators", kind == "mediation", 20, 64));
  // It serves a petition the engine holds; it never changes it (the clock runs on).
  return civic::named_petition(c, "petition", petition).status();
}

absl::Status open_case(LoopCall& c) {
  auto& d = c.target->data;
  const bool xinfang = c.row.event == "xinfang_mediate";
  JICENG_ASSIGN_OR_RETURN(json::array parties, read_parties(c));
  d["kind"] = "case";
  d["track"] = xinfang ? "xinfang" : "people";
  d["origin"] = c.row.event == "refer" ? "referral" : c.row.event == "apply" ? "application"
                : c.row.event == "initiate" ? "committee" : "xinfang";
  if (!xinfang) {
    auto id = parse_item_id(c.table, c.input.at("committee"));
    d["committee"] = display_item_id(c.table, *id);
    d["committee_item"] = static_cast<std::int64_t>(*id);
    d["mediators"] = json::array{};
  } else {
    d["agreement_kind"] = c.input.at("agreement_kind");
    d["consent"] = c.input.at("consent");
    d["mediators"] = c.input.contains("mediators") ? c.input.at("mediators") : json::array{};
  }
  for (const char* f : {"petition", "category", "summary"})
    if (c.input.contains(f)) d[f] = c.input.at(f);
  d["parties"] = std::move(parties);
  d["choices"] = json::array{};
  d["rejected"] = json::array{};
  d["public"] = true;
  d["police_reported"] = false;
  d["opened_on"] = format_date(today(c));
  // A referred petition waits for the case: its evaluation opens when the case ends.
  if (c.row.event == "refer") return hold_referred_petition(c, str(c.input, "petition"));
  return absl::OkStatus();
}

// A party's stated choice of mediator (人民调解法 第十九条、第二十三条(一)).
absl::Status choice_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"party", "mediator"}));
  JICENG_RETURN_IF_ERROR(party_field(c).status());
  const LoopItem* committee = committee_of(*c.item);
  if (committee == nullptr) return precondition(c, "a 信访-track case has no committee mediators to choose from");
  JICENG_ASSIGN_OR_RETURN(std::string_view m, known_mediator(c, *committee));
  if (refused_mediator(*c.item, m)) return precondition(c, cat("mediator \"", m, "\" was refused by a party"));
  return absl::OkStatus();
}

absl::Status record_choice(LoopCall& c) {
  auto& choices = c.target->data["choices"].as_array();
  const std::string_view party = str(c.input, "party");
  for (auto it = choices.begin(); it != choices.end();) {
    it = it->is_object() && str(it->as_object(), "party") == party ? choices.erase(it) : it + 1;
  }
  choices.push_back(json::object{{"party", party}, {"mediator", c.input.at("mediator")}});
  return absl::OkStatus();
}

// A party refuses a mediator (第二十三条(一)): before assignment, or one of those assigned.
absl::Status rejection_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"party", "mediator"}));
  JICENG_RETURN_IF_ERROR(party_field(c).status());
  const LoopItem* committee = committee_of(*c.item);
  if (committee == nullptr) return precondition(c, "a 信访-track case has no committee mediators");
  JICENG_ASSIGN_OR_RETURN(std::string_view m, known_mediator(c, *committee));
  if (c.table.states[c.item->state].name == "assigned" &&
      !contains_string(arr(c.item->data, "mediators"), m)) {
    return invalid(c, cat("\"", m, "\" is not assigned to this case"));
  }
  return absl::OkStatus();
}

absl::Status record_rejection(LoopCall& c) {
  auto& d = c.target->data;
  const std::string_view party = str(c.input, "party"), m = str(c.input, "mediator");
  d["rejected"].as_array().push_back(json::object{{"party", party}, {"mediator", m}});
  // A mediator one party refuses cannot serve, whoever chose them: the choices of that
  // mediator lapse (the parties choose again, or the committee designates).
  auto& choices = d["choices"].as_array();
  for (auto it = choices.begin(); it != choices.end();) {
    const bool drop = it->is_object() && str(it->as_object(), "mediator") == m;
    it = drop ? choices.erase(it) : it + 1;
  }
  d["mediators"] = json::array{};  // back to received: assign again
  return absl::OkStatus();
}

absl::Status assignment_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"mediators"}));
  const LoopItem* committee = committee_of(*c.item);
  if (committee == nullptr) return precondition(c, "a 信访-track case names its mediators when it opens");
  JICENG_RETURN_IF_ERROR(term_current(c, *committee));
  JICENG_ASSIGN_OR_RETURN(auto ms, string_list(c, c.input, "mediators", true, 9, 64));
  for (const auto& m : ms) {
    const json::object* rec = find_mediator(*committee, m);
    if (rec == nullptr) {
      return absl::NotFoundError(
          cat(where(c), ": \"", m, "\" is not a mediator of committee ", display_item_id(c.table, committee->id)));
    }
    const json::value* av = rec->if_contains("available");
    if (av != nullptr && av->is_bool() && !av->as_bool()) return precondition(c, cat("mediator \"", m, "\" is not available"));
    if (refused_mediator(*c.item, m)) {
      return precondition(c, cat("mediator \"", m, "\" was refused by a party (人民调解法 第二十三条(一))"));
    }
  }
  // Never against a stated choice: every mediator a party chose is assigned.
  if (const json::array* choices = arr(c.item->data, "choices")) {
    for (const auto& ch : *choices) {
      const std::string_view m = str(ch.as_object(), "mediator");
      if (std::find(ms.begin(), ms.end(), m) == ms.end()) {
        return precondition(c, cat("party \"", str(ch.as_object(), "party"), "\" chose mediator \"", m,
                                   "\"; the assignment must include a party's choice (人民调解法 第十九条、第二十三条)"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status assign_mediators(LoopCall& c) {
  auto& d = c.target->data;
  const LoopItem* committee = committee_of(*c.item);
  if (committee == nullptr) return absl::InternalError("assign: the case has no committee");
  const auto ranked = rank(loop(), *c.item, *committee);
  const json::array& ms = c.input.at("mediators").as_array();
  const bool chosen = !arr(c.item->data, "choices")->empty();
  d["mediators"] = ms;
  d["chosen_by"] = chosen ? "parties" : "committee";
  if (ranked.empty()) {
    d["suggested"] = nullptr;
    d["suggestion_matched"] = false;
    d["suggestion_accepted"] = false;
  } else {
    d["suggested"] = ranked.front().id;
    d["suggestion_matched"] = ranked.front().match > 0;
    d["suggestion_accepted"] = contains_string(&ms, ranked.front().id);
  }
  d["assigned_on"] = format_date(today(c));
  return absl::OkStatus();
}

absl::Status refusal_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"party", "reason"}));
  JICENG_RETURN_IF_ERROR(party_field(c).status());
  return opt_text(c, c.input, "reason", 2000).status();
}

absl::Status record_refusal(LoopCall& c) {
  auto& d = c.target->data;
  d["refused_by"] = c.input.at("party");
  if (c.input.contains("reason")) d["refused_reason"] = c.input.at("reason");
  d["closed_on"] = format_date(today(c));
  return absl::OkStatus();
}

absl::Status begin_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"note"}));
  return opt_text(c, c.input, "note", 2000).status();
}

absl::Status begin_mediation(LoopCall& c) {
  c.target->data["began_on"] = format_date(today(c));
  return absl::OkStatus();
}

// 第二十三条(三): a party asks for public or non-public mediation.
absl::Status publicity_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"party", "public"}));
  JICENG_RETURN_IF_ERROR(party_field(c).status());
  JICENG_ASSIGN_OR_RETURN(auto pub, opt_bool(c, "public"));
  if (!pub) return invalid(c, "field \"public\" (true or false) is required");
  return absl::OkStatus();
}

absl::Status set_publicity(LoopCall& c) {
  c.target->data["public"] = c.input.at("public");
  c.target->data["publicity_requested_by"] = c.input.at("party");
  return absl::OkStatus();
}

// 第二十五条: a dispute that may turn into a public-order or criminal case is reported.
absl::Status risk_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"risk", "possible_offence", "reported_to"}));
  JICENG_RETURN_IF_ERROR(req_text(c, c.input, "risk", 2000).status());
  JICENG_ASSIGN_OR_RETURN(auto offence, opt_bool(c, "possible_offence"));
  if (!offence) return invalid(c, "field \"possible_offence\" (true or false) is required");
  JICENG_ASSIGN_OR_RETURN(auto to, opt_text(c, c.input, "reported_to", 200));
  if (*offence && !to) {
    return invalid(c, "a dispute that may become a public-order or criminal case must be reported to the police "
                      "(人民调解法 第二十五条): field \"reported_to\" is required");
  }
  return absl::OkStatus();
}

absl::Status record_risk(LoopCall& c) {
  auto& d = c.target->data;
  if (!d.contains("risks")) d["risks"] = json::array{};
  json::object r{{"on", format_date(today(c))}, {"risk", c.input.at("risk")},
                 {"possible_offence", c.input.at("possible_offence")}};
  if (c.input.contains("reported_to")) {
    r["reported_to"] = c.input.at("reported_to");
    d["police_reported"] = true;
  }
  d["risks"].as_array().push_back(std::move(r));
  return absl::OkStatus();
}

// 第二十九条: the written agreement's content.
absl::Status draft_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"facts", "content", "performance", "performance_due"}));
  JICENG_RETURN_IF_ERROR(req_text(c, c.input, "facts", 8000).status());
  JICENG_RETURN_IF_ERROR(req_text(c, c.input, "content", 8000).status());
  JICENG_RETURN_IF_ERROR(opt_text(c, c.input, "performance", 2000).status());
  if (c.input.contains("performance_due")) {
    JICENG_ASSIGN_OR_RETURN(Date due, req_date(c, c.input, "performance_due"));
    if (due < today(c)) return invalid(c, cat("performance_due ", format_date(due), " is before today"));
  }
  return absl::OkStatus();
}

absl::Status draft_agreement(LoopCall& c) {
  json::object a{{"form", "written"}, {"drafted_on", format_date(today(c))}, {"signatures", json::array{}},
                 {"sealed", false}};
  for (const char* f : {"facts", "content", "performance", "performance_due"})
    if (c.input.contains(f)) a[f] = c.input.at(f);
  c.target->data["agreement"] = std::move(a);
  return absl::OkStatus();
}

// Who signs a written agreement: every party, and the mediators (第二十九条); on the 信访
// track a 和解协议书 is the parties' own.
std::vector<std::string> signatories(const LoopItem& kase) {
  std::vector<std::string> out;
  if (const json::array* a = arr(kase.data, "parties"))
    for (const auto& p : *a) out.emplace_back(str(p.as_object(), "id"));
  if (str(kase.data, "agreement_kind") != "settlement") {
    if (const json::array* a = arr(kase.data, "mediators"))
      for (const auto& m : *a) out.emplace_back(sv(m.as_string()));
  }
  return out;
}

absl::Status signature_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"signer"}));
  JICENG_ASSIGN_OR_RETURN(std::string_view signer, req_text(c, c.input, "signer", 64));
  const auto who = signatories(*c.item);
  if (std::find(who.begin(), who.end(), signer) == who.end()) {
    return invalid(c, cat("\"", signer, "\" is neither a party nor a mediator of this case"));
  }
  if (c.actor.role == Role::kResident && c.actor.id != signer) {
    return absl::PermissionDeniedError(cat(where(c), ": resident ", c.actor.id, " signs only for themselves"));
  }
  const json::object* a = obj(c.item->data, "agreement");
  if (a != nullptr && contains_string(arr(*a, "signatures"), signer)) {
    return precondition(c, cat("\"", signer, "\" has already signed"));
  }
  return absl::OkStatus();
}

absl::Status add_signature(LoopCall& c) {
  c.target->data["agreement"].as_object()["signatures"].as_array().push_back(c.input.at("signer"));
  return absl::OkStatus();
}

// The seal makes a written agreement effective, and only once everyone has signed.
absl::Status all_signed(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {}));
  const json::object* a = obj(c.item->data, "agreement");
  const json::array* sigs = a ? arr(*a, "signatures") : nullptr;
  std::string missing;
  for (const auto& s : signatories(*c.item)) {
    if (!contains_string(sigs, s)) missing += cat(missing.empty() ? "" : ", ", s);
  }
  if (!missing.empty()) {
    return precondition(c, cat("not signed by ", missing, "; the seal is applied after every party and the mediator "
                               "have signed (人民调解法 第二十九条)"));
  }
  return absl::OkStatus();
}

absl::Status oral_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"content"}));
  if (str(c.item->data, "track") == "xinfang") {
    return precondition(c, "the 信访 track ends in a written 调解协议书 or 和解协议书 (信访工作条例 第三十三条)");
  }
  return req_text(c, c.input, "content", 8000).status();
}

absl::Status make_effective(LoopCall& c) {
  auto& d = c.target->data;
  if (c.row.event == "agree_oral") {
    d["agreement"] = json::object{{"form", "oral"}, {"content", c.input.at("content")}};
  }
  auto& a = d["agreement"].as_object();
  if (c.row.event == "seal") a["sealed"] = true;
  a["effective"] = c.now;
  a["effective_on"] = format_date(today(c));
  if (str(d, "track") == "people") {
    JICENG_ASSIGN_OR_RETURN(std::int64_t days, param_int(c, "mediation.confirmation", "window_days"));
    auto last = civil_code_period_last_day(c.host.calendar(), today(c), days);
    if (last.ok()) a["confirm_by"] = format_date(*last);
  }
  return absl::OkStatus();
}

// 第二十六条 (failed: the parties are told of the other routes); 第二十三条(二) (a party
// asks to stop).
constexpr std::string_view kRoutes[] = {"arbitration", "administrative", "litigation"};

absl::Status end_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"reason", "party", "routes_told"}));
  JICENG_ASSIGN_OR_RETURN(std::string_view reason, req_text(c, c.input, "reason", 32));
  if (reason != "failed" && reason != "party_stopped") {
    return invalid(c, "field \"reason\" must be failed (调解不成) or party_stopped (当事人要求终止)");
  }
  if (reason == "party_stopped") {
    JICENG_RETURN_IF_ERROR(party_field(c).status());
  } else if (c.input.contains("party")) {
    return invalid(c, "field \"party\" is only for reason party_stopped");
  } else if (c.actor.role == Role::kResident) {
    return absl::PermissionDeniedError(cat(where(c), ": a party ends mediation by asking to stop (party_stopped)"));
  }
  JICENG_ASSIGN_OR_RETURN(auto routes, string_list(c, c.input, "routes_told", false, 3, 32));
  if (routes.empty()) {
    return invalid(c, "field \"routes_told\" is required: the parties are told of arbitration, administrative or "
                      "litigation routes (人民调解法 第二十六条)");
  }
  for (const auto& r : routes) {
    if (std::find(std::begin(kRoutes), std::end(kRoutes), r) == std::end(kRoutes)) {
      return invalid(c, cat("field \"routes_told\": \"", r, "\" is not arbitration, administrative or litigation"));
    }
  }
  return absl::OkStatus();
}

absl::Status end_case(LoopCall& c) {
  auto& d = c.target->data;
  d["end_reason"] = c.input.at("reason");
  if (c.input.contains("party")) d["stopped_by"] = c.input.at("party");
  d["routes_told"] = c.input.at("routes_told");
  d["closed_on"] = format_date(today(c));
  return absl::OkStatus();
}

absl::Status remediate_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  return civic::only_fields(c, {});
}

absl::Status remediate(LoopCall& c) {
  auto& d = c.target->data;
  if (!d.contains("previous_agreements")) d["previous_agreements"] = json::array{};
  d["previous_agreements"].as_array().push_back(d["agreement"]);
  d.erase("agreement");
  d.erase("confirmation");
  return absl::OkStatus();
}

absl::Status note_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"note"}));
  return opt_text(c, c.input, "note", 2000).status();
}

absl::Status mark_performed(LoopCall& c) {
  c.target->data["closed_on"] = format_date(today(c));
  if (c.input.contains("note")) c.target->data["performance_note"] = c.input.at("note");
  return absl::OkStatus();
}

absl::Status dispute_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"party", "matter"}));
  JICENG_RETURN_IF_ERROR(party_field(c).status());
  return req_text(c, c.input, "matter", 2000).status();
}

absl::Status record_dispute(LoopCall& c) {
  c.target->data["disputed_by"] = c.input.at("party");
  c.target->data["dispute"] = c.input.at("matter");
  c.target->data["closed_on"] = format_date(today(c));
  return absl::OkStatus();
}

// 第三十三条: a joint application within the window (mediation.confirmation).
absl::Status confirmation_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"applicants", "court"}));
  if (str(c.item->data, "track") != "people") {
    return precondition(c, "judicial confirmation under 人民调解法 第三十三条 is for agreements of people's mediation "
                           "committees, not the 信访 track's");
  }
  JICENG_RETURN_IF_ERROR(req_text(c, c.input, "court", 200).status());
  JICENG_ASSIGN_OR_RETURN(auto applicants, string_list(c, c.input, "applicants", true, 50, 64));
  for (const auto& a : applicants) {
    if (!is_party(*c.item, a)) return invalid(c, cat("applicant \"", a, "\" is not a party of this case"));
  }
  if (c.actor.role == Role::kResident &&
      std::find(applicants.begin(), applicants.end(), c.actor.id) == applicants.end()) {
    return absl::PermissionDeniedError(cat(where(c), ": resident ", c.actor.id, " is not among the applicants"));
  }
  JICENG_ASSIGN_OR_RETURN(json::object p, rule_params(c, "mediation.confirmation"));
  if (p.contains("joint") && p.at("joint").is_bool() && p.at("joint").as_bool()) {
    for (const auto& party : *arr(c.item->data, "parties")) {
      const std::string_view id = str(party.as_object(), "id");
      if (std::find(applicants.begin(), applicants.end(), id) == applicants.end()) {
        return precondition(c, cat("party \"", id, "\" is not among the applicants; the parties apply jointly "
                                   "(人民调解法 第三十三条, rule mediation.confirmation)"));
      }
    }
  }
  const json::object* a = obj(c.item->data, "agreement");
  auto eff = parse_date(a ? str(*a, "effective_on") : std::string_view());
  if (!eff.ok()) return absl::InternalError(cat(where(c), ": the agreement has no effective date"));
  JICENG_ASSIGN_OR_RETURN(std::int64_t days, param_int(c, "mediation.confirmation", "window_days"));
  auto last = civil_code_period_last_day(c.host.calendar(), *eff, days);
  if (!last.ok()) return precondition(c, cat("the confirmation window: ", last.status().message()));
  if (today(c) > *last) {
    return precondition(c, cat("the agreement took effect on ", format_date(*eff), "; a joint application was due "
                               "within ", days, " days, by ", format_date(*last),
                               " (人民调解法 第三十三条; days counted per 民法典 第二百零一条、第二百零三条), today is ",
                               format_date(today(c))));
  }
  return absl::OkStatus();
}

absl::Status record_application(LoopCall& c) {
  c.target->data["confirmation"] = json::object{
      {"applied_on", format_date(today(c))}, {"court", c.input.at("court")}, {"applicants", c.input.at("applicants")}};
  return absl::OkStatus();
}

absl::Status ruling_valid(const LoopCall& c) {
  JICENG_RETURN_IF_ERROR(no_fee(c));
  JICENG_RETURN_IF_ERROR(civic::only_fields(c, {"ruling", "reason"}));
  JICENG_RETURN_IF_ERROR(req_text(c, c.input, "ruling", 200).status());
  JICENG_ASSIGN_OR_RETURN(auto reason, opt_text(c, c.input, "reason", 2000));
  if (c.row.event == "reject_confirmation" && !reason) {
    return invalid(c, "field \"reason\" (why the court did not confirm) is required");
  }
  return absl::OkStatus();
}

absl::Status record_ruling(LoopCall& c) {
  auto& conf = c.target->data["confirmation"].as_object();
  conf["ruling"] = c.input.at("ruling");
  conf["ruled_on"] = format_date(today(c));
  conf["confirmed"] = c.row.event == "confirm";
  if (c.input.contains("reason")) conf["reason"] = c.input.at("reason");
  return absl::OkStatus();
}

// ---- the table -------------------------------------------------------------------------

constexpr RoleMask kStaff = role_bit(Role::kCommunityStaff) | role_bit(Role::kCommunitySecretary) |
                            role_bit(Role::kStreetOfficer) | role_bit(Role::kDistrictOfficer);
constexpr RoleMask kParty = kStaff | role_bit(Role::kResident);

constexpr LoopState kStates[] = {
    {"seated", "调委会在任"},
    {"received", "已受理"},
    {"assigned", "已指定调解员"},
    {"mediating", "调解中"},
    {"signing", "协议签署中"},
    {"performing", "协议生效履行中"},
    {"confirmation_pending", "司法确认申请中"},
    {"confirmed", "已司法确认"},
    {"confirmation_refused", "司法确认未获准"},
    {"performed", "履行完毕", true},
    {"performance_dispute", "履行争议", true},
    {"enforcement", "申请强制执行", true},
    {"refused", "当事人拒绝调解", true},
    {"ended", "调解终止", true},
};

constexpr LoopEventType kEvents[] = {
    {"establish", "设立调委会"},
    {"reconstitute", "换届"},
    {"hire", "聘任调解员"},
    {"dismiss", "解聘调解员"},
    {"set_availability", "调解员可用性"},
    {"refer", "诉求转调解"},
    {"apply", "当事人申请"},
    {"initiate", "主动调解"},
    {"xinfang_mediate", "信访调解和解"},
    {"choose", "当事人选择调解员"},
    {"reject_mediator", "当事人拒绝调解员"},
    {"assign", "指定调解员"},
    {"refuse", "拒绝调解"},
    {"begin", "开始调解"},
    {"set_publicity", "公开或不公开调解"},
    {"report_risk", "矛盾激化风险报告"},
    {"draft_agreement", "制作调解协议书"},
    {"sign", "签名"},
    {"seal", "加盖印章"},
    {"agree_oral", "口头协议"},
    {"end", "终止调解"},
    {"remediate", "重新调解"},
    {"perform", "履行完毕"},
    {"dispute", "履行争议"},
    {"apply_confirmation", "申请司法确认"},
    {"confirm", "司法确认"},
    {"reject_confirmation", "驳回司法确认"},
    {"apply_enforcement", "申请强制执行"},
};

constexpr LoopScope kUnit = LoopScope::kItemUnit;
#define ROW(from, ev, to, roles, guard, action) \
  LoopRow { from, ev, to, roles, kUnit, #guard, &guard, #action, &action }

constexpr LoopRow kRows[] = {
    // committees (人民调解法 第八条、第九条、第十三条、第十五条、第三十四条)
    ROW("", "establish", "seated", kStaff, committee_valid, set_committee),
    ROW("seated", "reconstitute", "seated", kStaff, committee_valid, set_committee),
    ROW("seated", "hire", "seated", kStaff, hire_valid, add_hired),
    ROW("seated", "dismiss", "seated", kStaff, dismiss_valid, remove_hired),
    ROW("seated", "set_availability", "seated", kStaff, availability_valid, set_availability),
    // cases: opened (第十七条、第十八条; 信访工作条例 第三十三条)
    ROW("", "refer", "received", kStaff, case_valid, open_case),
    ROW("", "apply", "received", kParty, case_valid, open_case),
    ROW("", "initiate", "received", kStaff, case_valid, open_case),
    ROW("", "xinfang_mediate", "mediating", kStaff, xinfang_valid, open_case),
    // mediators (第十九条、第二十三条)
    ROW("received", "choose", "received", kParty, choice_valid, record_choice),
    ROW("received", "reject_mediator", "received", kParty, rejection_valid, record_rejection),
    ROW("assigned", "reject_mediator", "received", kParty, rejection_valid, record_rejection),
    ROW("received", "assign", "assigned", kStaff, assignment_valid, assign_mediators),
    // a party refuses (第十七条)
    ROW("received", "refuse", "refused", kParty, refusal_valid, record_refusal),
    ROW("assigned", "refuse", "refused", kParty, refusal_valid, record_refusal),
    ROW("assigned", "begin", "mediating", kStaff, begin_valid, begin_mediation),
    // public or not (第二十三条(三)); escalation risk (第二十五条)
    ROW("received", "set_publicity", "received", kParty, publicity_valid, set_publicity),
    ROW("assigned", "set_publicity", "assigned", kParty, publicity_valid, set_publicity),
    ROW("mediating", "set_publicity", "mediating", kParty, publicity_valid, set_publicity),
    ROW("received", "report_risk", "received", kStaff, risk_valid, record_risk),
    ROW("assigned", "report_risk", "assigned", kStaff, risk_valid, record_risk),
    ROW("mediating", "report_risk", "mediating", kStaff, risk_valid, record_risk),
    ROW("signing", "report_risk", "signing", kStaff, risk_valid, record_risk),
    // agreements (第二十八条 to 第三十条)
    ROW("mediating", "draft_agreement", "signing", kStaff, draft_valid, draft_agreement),
    ROW("signing", "sign", "signing", kParty, signature_valid, add_signature),
    ROW("signing", "seal", "performing", kStaff, all_signed, make_effective),
    ROW("mediating", "agree_oral", "performing", kStaff, oral_valid, make_effective),
    // ended without agreement (第二十六条; 第二十三条(二))
    ROW("mediating", "end", "ended", kParty, end_valid, end_case),
    ROW("signing", "end", "ended", kParty, end_valid, end_case),
    ROW("confirmation_refused", "end", "ended", kStaff, end_valid, end_case),
    ROW("confirmation_refused", "remediate", "mediating", kStaff, remediate_valid, remediate),
    // performance (第三十一条、第三十二条)
    ROW("performing", "perform", "performed", kStaff, note_valid, mark_performed),
    ROW("performing", "dispute", "performance_dispute", kParty, dispute_valid, record_dispute),
    // judicial confirmation (第三十三条)
    ROW("performing", "apply_confirmation", "confirmation_pending", kParty, confirmation_valid, record_application),
    ROW("confirmation_pending", "confirm", "confirmed", kStaff, ruling_valid, record_ruling),
    ROW("confirmation_pending", "reject_confirmation", "confirmation_refused", kStaff, ruling_valid, record_ruling),
    ROW("confirmed", "perform", "performed", kStaff, note_valid, mark_performed),
    ROW("confirmed", "apply_enforcement", "enforcement", kParty, dispute_valid, record_dispute),
};
#undef ROW

constexpr LoopTable kTable{"mediation", "调解", "D", kStates, kEvents, kRows};

MediationLoop::MediationLoop() : TableLoop(kTable, "suggest, mediators, summary") {}

// Queries beyond the standard ones:
//  - suggest {item}: the candidates for a case, best first (match, load, availability);
//  - mediators {item}: a committee's mediators with their caseloads;
//  - summary {unit?}: cases by state and by track, referrals, and how suggestions fared.
absl::StatusOr<std::string> MediationLoop::query(std::string_view name, std::string_view params,
                                                 const LoopHost& host) const {
  Bind b(this);
  if (name != "suggest" && name != "mediators" && name != "summary") {
    return TableLoop::query(name, params, host);
  }
  const std::string w = cat("mediation query ", name);
  json::object p;
  if (!params.empty()) {
    json::error_code ec;
    json::value v = json::parse(js(params), ec);
    if (ec || !v.is_object()) return absl::InvalidArgumentError(cat(w, ": parameters must be a JSON object"));
    p = std::move(v.as_object());
  }
  if (name == "summary") {
    // Over the standard list query, which filters by the unit's subtree.
    for (const auto& kv : p) {
      if (sv(kv.key()) != "unit" || !kv.value().is_string()) {
        return absl::InvalidArgumentError(cat(w, ": unknown or ill-typed parameter \"", sv(kv.key()), "\" (unit: string)"));
      }
    }
    JICENG_ASSIGN_OR_RETURN(std::string listed, TableLoop::query("list", params, host));
    json::object by_state;
    for (const auto& s : table().states)
      if (s.name != kSeated) by_state[js(s.name)] = 0;
    std::int64_t cases = 0, committees = 0, mediators = 0, referred = 0, xinfang = 0, assigned = 0, matched = 0,
                 accepted = 0, matched_accepted = 0, confirmed = 0, police = 0;
    const json::value parsed = json::parse(listed);
    for (const auto& v : parsed.as_object().at("items").as_array()) {
      const json::object& o = v.as_object();
      const std::uint64_t id = o.at("item").to_number<std::uint64_t>();
      const LoopItem& it = *item(id);
      if (is_committee(it)) {
        ++committees;
        mediators += static_cast<std::int64_t>(mediators_of(it).size());
        continue;
      }
      ++cases;
      auto& c = by_state[js(table().states[it.state].name)];
      c = c.as_int64() + 1;
      referred += str(it.data, "origin") == "referral";
      xinfang += str(it.data, "track") == "xinfang";
      police += it.data.contains("police_reported") && it.data.at("police_reported").as_bool();
      if (const json::object* conf = obj(it.data, "confirmation")) {
        confirmed += conf->contains("confirmed") && conf->at("confirmed").as_bool();
      }
      if (it.data.contains("suggestion_accepted")) {
        ++assigned;
        const bool m = it.data.at("suggestion_matched").as_bool(), a = it.data.at("suggestion_accepted").as_bool();
        matched += m;
        accepted += a;
        matched_accepted += m && a;
      }
    }
    return canonical_json(json::object{{"committees", committees},
                                       {"mediators", mediators},
                                       {"cases", cases},
                                       {"by_state", std::move(by_state)},
                                       {"referred", referred},
                                       {"xinfang_track", xinfang},
                                       {"court_confirmed", confirmed},
                                       {"police_reported", police},
                                       {"assigned", assigned},
                                       {"suggestion_matched", matched},
                                       {"suggestion_accepted", accepted},
                                       {"suggestion_matched_and_accepted", matched_accepted}});
  }
  for (const auto& kv : p) {
    if (sv(kv.key()) != "item") {
      return absl::InvalidArgumentError(cat(w, ": unknown parameter \"", sv(kv.key()), "\" (item)"));
    }
  }
  const json::value* iv = p.if_contains("item");
  if (iv == nullptr) return absl::InvalidArgumentError(cat(w, ": field \"item\" is required"));
  JICENG_ASSIGN_OR_RETURN(std::uint64_t id, parse_item_id(table(), *iv));
  const LoopItem* it = item(id);
  if (it == nullptr) return absl::NotFoundError(cat(w, ": item ", display_item_id(table(), id), " not found"));
  if (name == "mediators") {
    if (!is_committee(*it)) return absl::InvalidArgumentError(cat(w, ": ", display_item_id(table(), id), " is not a committee"));
    json::array a;
    for (const json::object* m : mediators_of(*it)) {
      json::object o = *m;
      o["load"] = load_of(*this, it->id, str(*m, "id"));
      a.push_back(std::move(o));
    }
    return canonical_json(json::object{{"committee", display_item_id(table(), id)}, {"mediators", std::move(a)}});
  }
  // suggest
  const LoopItem* committee = is_committee(*it) ? nullptr : committee_of(*it);
  if (committee == nullptr) {
    return absl::InvalidArgumentError(
        cat(w, ": ", display_item_id(table(), id), " is not a case of a people's mediation committee"));
  }
  return canonical_json(json::object{{"case", display_item_id(table(), id)},
                                     {"committee", display_item_id(table(), committee->id)},
                                     {"candidates", candidates_json(rank(*this, *it, *committee))}});
}

}  // namespace

const LoopTable& table() { return kTable; }
std::unique_ptr<Loop> make() { return std::make_unique<MediationLoop>(); }

}  // namespace jiceng::mediation
