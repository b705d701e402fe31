// The evaluators: each subject type is read and checked field by field, then every rule
// of the set that applies to that type reports one finding per check, with the numbers
// that decided. Thresholds are compared exactly on integers: 以上 is inclusive, 过半数 and
// 超过 are strict (民法典 第一千二百五十九条).
#include <algorithm>
#include <set>
#include <span>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/internal.hpp"

namespace jiceng::policy_internal {
namespace {

constexpr int kAreaScale = 4;   // areas in 0.0001 m²
constexpr int kMoneyScale = 2;  // money in fen (0.01 yuan)

constexpr std::string_view kSubjectTypes[] = {
    "unit",        "committee_slate", "community",          "coverage",   "grid",              "owners_vote",
    "meeting_vote", "meeting_call",   "meeting_schedule",   "representative_body", "disclosure", "democratic_review",
    "residents_meeting", "petition", "mediation_committee", "mediation_agreement", "matter"};

// The subject type each rule reads; "" = none (read by other parts of the library).
std::string_view subject_type_of(std::string_view rule) {
  if (rule == "org.formation") return "unit";
  if (rule.starts_with("committee.")) return "committee_slate";
  if (rule.starts_with("community.")) return "community";
  if (rule.starts_with("coverage.")) return "coverage";
  if (rule == "grid.practical_projects") return "grid";
  if (rule == "vote.owners_assembly") return "owners_vote";
  if (rule == "vote.residents_meeting") return "residents_meeting";
  if (rule == "vote.meeting") return "meeting_vote";
  if (rule == "meeting.call") return "meeting_call";
  if (rule == "meeting.frequency") return "meeting_schedule";
  if (rule == "meeting.representative_ratio" || rule == "meeting.composition") return "representative_body";
  if (rule == "disclosure.posting") return "disclosure";
  if (rule == "review.democratic") return "democratic_review";
  if (rule == "mediation.committee") return "mediation_committee";
  if (rule == "mediation.confirmation") return "mediation_agreement";
  if (rule == "deliberation.procedures") return "matter";
  if (rule == "petition.caps" || rule == "petition.deadlines" || rule == "petition.escalation_ceiling" ||
      rule == "petition.routing" || rule == "petition.duplicates") {
    return "petition";
  }
  return "";
}

std::string_view level_name(std::int64_t level) {
  switch (level) {
    case 0: return "district";
    case 1: return "street";
    case 2: return "community";
    case 3: return "grid";
    case 4: return "building";
    case 5: return "central household";
    default: return "?";
  }
}

// Reads the fields of one JSON object of a subject; errors name the subject and the field.
class Reader {
 public:
  Reader(const json::object& o, std::string subject, std::string prefix = "")
      : o_(o), subject_(std::move(subject)), prefix_(std::move(prefix)) {}

  absl::Status error(std::string_view key, std::string_view what) const {
    return absl::InvalidArgumentError(cat(subject_, ": field ", prefix_, key, ": ", what));
  }
  const std::string& subject() const { return subject_; }
  std::string path(std::string_view key) const { return cat(prefix_, key); }

  absl::Status only(std::initializer_list<std::string_view> allowed) const {
    for (const auto& kv : o_) {
      if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
        return error(kv.key(), cat("unknown field (expected ", join(allowed, ", "), ")"));
      }
    }
    return absl::OkStatus();
  }
  const json::value* find(std::string_view key) const { return o_.if_contains(key); }

  absl::StatusOr<std::optional<std::int64_t>> opt_int(std::string_view key, std::int64_t lo, std::int64_t hi) const {
    const json::value* v = find(key);
    if (v == nullptr) return std::optional<std::int64_t>();
    if (!v->is_int64() || v->get_int64() < lo || v->get_int64() > hi) {
      return error(key, cat("expected an integer in [", lo, ", ", hi, "], got ", describe(*v)));
    }
    return std::optional<std::int64_t>(v->get_int64());
  }
  absl::StatusOr<std::int64_t> req_int(std::string_view key, std::int64_t lo, std::int64_t hi) const {
    JICENG_ASSIGN_OR_RETURN(auto v, opt_int(key, lo, hi));
    if (!v) return error(key, "missing");
    return *v;
  }
  absl::StatusOr<std::optional<bool>> opt_bool(std::string_view key) const {
    const json::value* v = find(key);
    if (v == nullptr) return std::optional<bool>();
    if (!v->is_bool()) return error(key, cat("expected true or false, got ", describe(*v)));
    return std::optional<bool>(v->get_bool());
  }
  absl::StatusOr<bool> req_bool(std::string_view key) const {
    JICENG_ASSIGN_OR_RETURN(auto v, opt_bool(key));
    if (!v) return error(key, "missing");
    return *v;
  }
  absl::StatusOr<std::optional<std::string>> opt_string(std::string_view key) const {
    const json::value* v = find(key);
    if (v == nullptr) return std::optional<std::string>();
    if (!v->is_string() || v->get_string().empty()) {
      return error(key, cat("expected a non-empty string, got ", describe(*v)));
    }
    return std::optional<std::string>(std::string(v->get_string()));
  }
  absl::StatusOr<std::string> req_string(std::string_view key) const {
    JICENG_ASSIGN_OR_RETURN(auto v, opt_string(key));
    if (!v) return error(key, "missing");
    return *v;
  }
  absl::StatusOr<std::string> opt_enum(std::string_view key, std::initializer_list<std::string_view> choices,
                                       std::string_view fallback) const {
    return opt_enum(key, std::span<const std::string_view>(choices.begin(), choices.size()), fallback);
  }
  absl::StatusOr<std::string> opt_enum(std::string_view key, std::span<const std::string_view> choices,
                                       std::string_view fallback) const {
    const json::value* v = find(key);
    if (v == nullptr) {
      if (fallback.empty()) return error(key, "missing");
      return std::string(fallback);
    }
    if (!v->is_string() || std::find(choices.begin(), choices.end(), std::string_view(v->get_string())) == choices.end()) {
      return error(key, cat("expected one of \"", join(choices, "\", \""), "\", got ", describe(*v)));
    }
    return std::string(v->get_string());
  }
  absl::StatusOr<std::optional<std::int64_t>> opt_decimal(std::string_view key, int scale) const {
    const json::value* v = find(key);
    if (v == nullptr) return std::optional<std::int64_t>();
    auto d = parse_decimal(*v, scale);
    if (!d.ok()) return error(key, sv(d.status().message()));
    return std::optional<std::int64_t>(*d);
  }
  absl::StatusOr<std::int64_t> req_decimal(std::string_view key, int scale) const {
    JICENG_ASSIGN_OR_RETURN(auto v, opt_decimal(key, scale));
    if (!v) return error(key, "missing");
    return *v;
  }
  absl::StatusOr<const json::array*> opt_array(std::string_view key) const {
    const json::value* v = find(key);
    if (v == nullptr) return static_cast<const json::array*>(nullptr);
    if (!v->is_array()) return error(key, cat("expected an array, got ", describe(*v)));
    return &v->get_array();
  }
  // Each element of an array of objects, as a Reader with the element's path.
  absl::StatusOr<std::vector<Reader>> objects(std::string_view key, const json::array& arr) const {
    std::vector<Reader> out;
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (!arr[i].is_object()) {
        return error(cat(key, "[", i, "]"), cat("expected an object, got ", describe(arr[i])));
      }
      out.emplace_back(arr[i].get_object(), subject_, cat(prefix_, key, "[", i, "]."));
    }
    return out;
  }
  absl::StatusOr<std::vector<std::string>> strings(std::string_view key, const json::array& arr) const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (!arr[i].is_string() || arr[i].get_string().empty()) {
        return error(cat(key, "[", i, "]"), cat("expected a non-empty string, got ", describe(arr[i])));
      }
      out.emplace_back(arr[i].get_string());
    }
    return out;
  }

 private:
  const json::object& o_;
  std::string subject_;
  std::string prefix_;
};

absl::Status required_by(const Reader& rd, std::string_view key, std::string_view rule) {
  return rd.error(key, cat("missing (required by rule ", rule, ")"));
}

// Collects the findings of one subject.
struct Out {
  const std::string& subject_id;
  std::vector<Finding>& findings;
  void add(const Rule& r, std::string check, bool passed, std::string evidence, json::object ev) {
    Finding f;
    f.rule = r.id;
    f.check = std::move(check);
    f.severity = r.severity;
    f.passed = passed;
    f.subject = subject_id;
    f.message_zh = r.message_zh;
    f.message_en = r.message_en;
    f.evidence = std::move(evidence);
    f.evidence_json = json::serialize(ev);
    findings.push_back(std::move(f));
  }
};

// ---- counts against a threshold {"value": n, "inclusive": b} ------------------------

struct Count {
  std::int64_t value = 0;
  bool inclusive = true;
};
Count count_param(const json::object& params, std::string_view key) {
  const auto& o = params.at(key).as_object();
  return Count{o.at("value").as_int64(), o.at("inclusive").as_bool()};
}
bool at_least(std::int64_t n, Count c) { return c.inclusive ? n >= c.value : n > c.value; }
bool at_most(std::int64_t n, Count c) { return c.inclusive ? n <= c.value : n < c.value; }
std::string min_text(Count c) { return cat(c.inclusive ? "≥ " : "> ", c.value); }
std::string max_text(Count c) { return cat(c.inclusive ? "≤ " : "< ", c.value); }
json::object count_json(Count c) { return json::object{{"value", c.value}, {"inclusive", c.inclusive}}; }

// ---- unit: org.formation ---------------------------------------------------------------

struct Unit {
  std::string form;
  std::int64_t full = 0, members = 0;
  std::optional<std::int64_t> committee_size, joint_units;
};

absl::StatusOr<Unit> read_unit(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "form", "full_members", "members", "committee_size", "joint_units"}));
  Unit u;
  JICENG_ASSIGN_OR_RETURN(u.form, rd.opt_enum("form", {"none", "branch", "joint_branch", "general_branch", "primary_committee"}, ""));
  JICENG_ASSIGN_OR_RETURN(u.full, rd.req_int("full_members", 0, 10'000'000));
  JICENG_ASSIGN_OR_RETURN(auto members, rd.opt_int("members", 0, 10'000'000));
  u.members = members.value_or(u.full);
  if (u.members < u.full) {
    return rd.error("members", cat(u.members, " party members is fewer than the ", u.full, " full members"));
  }
  JICENG_ASSIGN_OR_RETURN(u.committee_size, rd.opt_int("committee_size", 0, 1000));
  JICENG_ASSIGN_OR_RETURN(u.joint_units, rd.opt_int("joint_units", 1, 100000));
  if (u.form == "joint_branch" && !u.joint_units) return rd.error("joint_units", "missing (required for form joint_branch)");
  return u;
}

absl::Status eval_org_formation(const Rule& r, const Unit& u, const Reader& rd, Out& out) {
  (void)rd;
  const Count branch_min = count_param(r.params, "branch_min_full_members");
  const Count branch_max = count_param(r.params, "branch_max_members");
  const Count joint_max = count_param(r.params, "joint_branch_max_units");
  const Count committee_min = count_param(r.params, "committee_min_full_members");
  const Count general_min = count_param(r.params, "general_branch_min_members");
  const Count primary_min = count_param(r.params, "primary_committee_min_members");
  const auto& size = r.params.at("committee_size").as_object();
  const std::int64_t size_min = size.at("min").as_int64(), size_max = size.at("max").as_int64();

  if (u.form == "none") {
    bool must = at_least(u.full, branch_min);
    out.add(r, "form", !must,
            must ? cat(u.full, " full members ", min_text(branch_min),
                                ": the unit must form its own branch, not stay without one")
                 : cat(u.full, " full members, not ", min_text(branch_min),
                                ": no branch of its own required (joins a joint branch)"),
            {{"form", u.form}, {"full_members", u.full}, {"branch_min_full_members", count_json(branch_min)}});
  }
  if (u.form == "branch") {
    bool ok = at_least(u.full, branch_min);
    out.add(r, "form", ok,
            cat(u.full, " full members", ok ? " " : ", not ", min_text(branch_min),
                         ok ? ": may form a branch" : ": too few for a branch of its own (join a joint branch)"),
            {{"form", u.form}, {"full_members", u.full}, {"branch_min_full_members", count_json(branch_min)}});
  }
  if (u.form == "joint_branch") {
    bool ok = at_most(*u.joint_units, joint_max);
    out.add(r, "joint_units", ok,
            cat("joint branch covers ", *u.joint_units, " units", ok ? " " : ", not ", max_text(joint_max)),
            {{"joint_units", *u.joint_units}, {"joint_branch_max_units", count_json(joint_max)}});
  }
  if (u.form == "branch" || u.form == "joint_branch") {
    bool ok = at_most(u.members, branch_max);
    out.add(r, "size", ok,
            cat(u.members, " members", ok ? " " : ", not ", max_text(branch_max),
                         ok ? "" : ": the branch should split or become a general branch"),
            {{"members", u.members}, {"branch_max_members", count_json(branch_max)}});
    bool needs = at_least(u.full, committee_min);
    std::int64_t cs = u.committee_size.value_or(0);
    bool in_range = cs >= size_min && cs <= size_max;
    bool passed = needs ? in_range : (cs == 0 || in_range);
    std::string ev;
    if (needs) {
      ev = cs == 0 ? cat(u.full, " full members ", min_text(committee_min), ": a branch committee of ", size_min,
                                  "–", size_max, " is required, none given")
                   : cat(u.full, " full members ", min_text(committee_min), ": committee of ", cs,
                                  in_range ? " within " : " outside ", size_min, "–", size_max);
    } else {
      ev = cs == 0 ? cat(u.full, " full members, not ", min_text(committee_min), ": no committee required")
                   : cat(u.full, " full members, not ", min_text(committee_min), ": optional committee of ", cs,
                                  in_range ? " within " : " outside ", size_min, "–", size_max);
    }
    out.add(r, "committee", passed, std::move(ev),
            {{"full_members", u.full}, {"committee_size", cs}, {"committee_required", needs},
             {"committee_min_full_members", count_json(committee_min)}, {"size_min", size_min}, {"size_max", size_max}});
  }
  if (u.form == "general_branch" || u.form == "primary_committee") {
    const Count c = u.form == "general_branch" ? general_min : primary_min;
    bool ok = at_least(u.members, c);
    out.add(r, "form", ok,
            cat(u.members, " members", ok ? " " : ", not ", min_text(c), ok ? ": may form a " : ": too few for a ",
                         u.form == "general_branch" ? "general branch" : "primary committee"),
            {{"form", u.form}, {"members", u.members}, {"min_members", count_json(c)}});
  }
  return absl::OkStatus();
}

// ---- committee_slate ---------------------------------------------------------------------

struct Person {
  std::string name;
  bool party_member = false;
  std::vector<std::string> conditions;
};
struct Slate {
  std::vector<Person> candidates;
  std::optional<std::vector<Person>> new_members;
  std::optional<std::vector<std::string>> branch_members;
};

absl::StatusOr<std::vector<Person>> read_people(const Reader& rd, std::string_view key, const json::array& arr,
                                                bool with_conditions) {
  std::vector<Person> out;
  JICENG_ASSIGN_OR_RETURN(auto items, rd.objects(key, arr));
  for (const auto& it : items) {
    if (with_conditions) {
      JICENG_RETURN_IF_ERROR(it.only({"name", "party_member", "conditions"}));
    } else {
      JICENG_RETURN_IF_ERROR(it.only({"name", "party_member"}));
    }
    Person p;
    JICENG_ASSIGN_OR_RETURN(p.name, it.req_string("name"));
    JICENG_ASSIGN_OR_RETURN(p.party_member, it.req_bool("party_member"));
    if (with_conditions) {
      JICENG_ASSIGN_OR_RETURN(const json::array* c, it.opt_array("conditions"));
      if (c != nullptr) {
    JICENG_ASSIGN_OR_RETURN(p.conditions, it.strings("conditions", *c));
  }
    }
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<Slate> read_slate(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "candidates", "new_members", "branch_members"}));
  Slate s;
  JICENG_ASSIGN_OR_RETURN(const json::array* c, rd.opt_array("candidates"));
  if (c == nullptr) return rd.error("candidates", "missing");
  JICENG_ASSIGN_OR_RETURN(s.candidates, read_people(rd, "candidates", *c, true));
  JICENG_ASSIGN_OR_RETURN(const json::array* nm, rd.opt_array("new_members"));
  if (nm != nullptr) {
    JICENG_ASSIGN_OR_RETURN(s.new_members, read_people(rd, "new_members", *nm, false));
  }
  JICENG_ASSIGN_OR_RETURN(const json::array* bm, rd.opt_array("branch_members"));
  if (bm != nullptr) {
    JICENG_ASSIGN_OR_RETURN(s.branch_members, rd.strings("branch_members", *bm));
  }
  return s;
}

void share_check(const Rule& r, Out& out, std::string_view check, std::string_view who, const std::vector<Person>& people,
                 std::int64_t min_percent) {
  std::int64_t n = static_cast<std::int64_t>(people.size());
  std::int64_t party = std::count_if(people.begin(), people.end(), [](const Person& p) { return p.party_member; });
  // party / n ≥ min_percent / 100, exactly.
  bool ok = n > 0 && party * 100 >= min_percent * n;
  std::string ev = n == 0 ? cat("no ", who, " given")
                          : cat(party, " of ", n, " ", who, " are party members: ", percent_text(party, n, 1),
                                         ok ? " ≥ " : ", below ", min_percent, "%");
  out.add(r, std::string(check), ok, std::move(ev),
          {{"party_members", party}, {"total", n}, {"min_percent", min_percent}});
}

absl::Status eval_party_ratio(const Rule& r, const Slate& s, const Reader& rd, Out& out) {
  const auto& cand = r.params.at("candidates").as_object();
  const auto& nm = r.params.at("new_members").as_object();
  if (cand.at("enabled").as_bool()) share_check(r, out, "candidates", "candidates", s.candidates, cand.at("min_percent").as_int64());
  (void)rd;
  // Without new members (e.g. a slate before the election) only the candidates are checked.
  if (nm.at("enabled").as_bool() && s.new_members) {
    share_check(r, out, "new_members", "new members", *s.new_members, nm.at("min_percent").as_int64());
  }
  return absl::OkStatus();
}

absl::Status eval_negative_list(const Rule& r, const Slate& s, Out& out) {
  std::map<std::string, std::string> listed;  // id → "zh / en"
  for (const auto& c : r.params.at("conditions").as_array()) {
    const auto& o = c.as_object();
    listed[std::string(o.at("id").as_string())] =
        cat(std::string_view(o.at("zh").as_string()), " / ", std::string_view(o.at("en").as_string()));
  }
  std::vector<std::string> hits;
  std::set<std::string> unlisted;
  json::array hits_json;
  for (const auto& p : s.candidates) {
    std::vector<std::string> mine;
    for (const auto& c : p.conditions) {
      if (listed.contains(c)) {
        mine.push_back(c);
      } else {
        unlisted.insert(c);
      }
    }
    if (!mine.empty()) {
      std::vector<std::string> described;
      for (const auto& m : mine) described.push_back(cat(m, " (", listed[m], ")"));
      hits.push_back(cat(p.name, ": ", join(described, ", ")));
      json::array conds;
      for (const auto& m : mine) conds.emplace_back(m);
      hits_json.emplace_back(json::object{{"name", p.name}, {"conditions", std::move(conds)}});
    }
  }
  std::string ev = hits.empty() ? cat("none of ", s.candidates.size(), " candidates carries any of the ",
                                               listed.size(), " listed conditions")
                                : cat(hits.size(), " of ", s.candidates.size(),
                                               " candidates carry a listed condition: ", join(hits, "; "));
  if (!unlisted.empty()) absl::StrAppend(&ev, " (conditions not on the list: ", join(unlisted, ", "), ")");
  json::array unlisted_json;
  for (const auto& u : unlisted) unlisted_json.emplace_back(u);
  out.add(r, "candidates", hits.empty(), std::move(ev),
          {{"candidates", static_cast<std::int64_t>(s.candidates.size())}, {"listed_conditions", static_cast<std::int64_t>(listed.size())},
           {"disqualified", std::move(hits_json)}, {"unlisted_conditions", std::move(unlisted_json)}});
  return absl::OkStatus();
}

absl::Status eval_cross_holding(const Rule& r, const Slate& s, const Reader& rd, Out& out) {
  if (!s.new_members && !s.branch_members) return absl::OkStatus();  // not applicable: no committees given
  if (!s.new_members) return required_by(rd, "new_members", r.id);
  if (!s.branch_members) return required_by(rd, "branch_members", r.id);
  std::set<std::string> branch(s.branch_members->begin(), s.branch_members->end());
  std::vector<std::string> shared;
  for (const auto& p : *s.new_members) {
    if (branch.contains(p.name)) shared.push_back(p.name);
  }
  const std::int64_t min = r.params.at("min_shared").as_int64();
  const std::int64_t n = static_cast<std::int64_t>(shared.size());
  bool ok = n >= min;
  json::array names;
  for (const auto& x : shared) names.emplace_back(x);
  out.add(r, "shared", ok,
          cat(n, " person(s) sit on both the branch committee and the owners' committee",
                       shared.empty() ? "" : cat(" (", join(shared, ", "), ")"), ok ? ": ≥ " : ", below ",
                       min),
          {{"shared", n}, {"names", std::move(names)}, {"min_shared", min}});
  return absl::OkStatus();
}

// ---- community -----------------------------------------------------------------------------

struct Community {
  std::optional<std::int64_t> fund;  // fen
  std::vector<std::pair<std::string, std::int64_t>> spending;
  std::optional<std::int64_t> posts, reserve;
};

absl::StatusOr<Community> read_community(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "year", "service_fund", "spending", "secretary_posts", "reserve_candidates"}));
  Community c;
  JICENG_RETURN_IF_ERROR(rd.opt_int("year", 1949, 9999).status());
  JICENG_ASSIGN_OR_RETURN(c.fund, rd.opt_decimal("service_fund", kMoneyScale));
  JICENG_ASSIGN_OR_RETURN(const json::array* sp, rd.opt_array("spending"));
  if (sp != nullptr) {
    JICENG_ASSIGN_OR_RETURN(auto items, rd.objects("spending", *sp));
    for (const auto& it : items) {
      JICENG_RETURN_IF_ERROR(it.only({"item", "amount"}));
      JICENG_ASSIGN_OR_RETURN(std::string item, it.req_string("item"));
      JICENG_ASSIGN_OR_RETURN(std::int64_t amount, it.req_decimal("amount", kMoneyScale));
      c.spending.emplace_back(std::move(item), amount);
    }
  }
  JICENG_ASSIGN_OR_RETURN(c.posts, rd.opt_int("secretary_posts", 0, 100000));
  JICENG_ASSIGN_OR_RETURN(c.reserve, rd.opt_int("reserve_candidates", 0, 1000000));
  return c;
}

absl::Status eval_service_fund(const Rule& r, const Community& c, const Reader& rd, Out& out) {
  if (!c.fund && c.spending.empty()) return absl::OkStatus();  // not applicable: no fund data
  if (!c.fund) return required_by(rd, "service_fund", r.id);
  const std::int64_t min_yuan = r.params.at("min_yuan").as_int64();
  const absl::int128 min_fen = absl::int128(min_yuan) * 100;
  bool ok = absl::int128(*c.fund) >= min_fen;
  out.add(r, "minimum", ok,
          cat("service fund ", format_decimal(*c.fund, kMoneyScale), " yuan", ok ? " ≥ " : ", below ", min_yuan,
                       " yuan"),
          {{"service_fund", format_decimal(*c.fund, kMoneyScale)}, {"min_yuan", min_yuan}});
  if (r.params.at("spending_within_fund").as_bool()) {
    absl::int128 spent = 0;
    for (const auto& s : c.spending) spent += s.second;
    bool within = spent <= *c.fund;
    std::string spent_text = spent > absl::int128(INT64_MAX) ? std::string("more than the fund")
                                                             : format_decimal(static_cast<std::int64_t>(spent), kMoneyScale);
    out.add(r, "spending", within,
            cat(c.spending.size(), " spending item(s) total ", spent_text, " yuan", within ? " ≤ " : ", more than ",
                         "the fund of ", format_decimal(*c.fund, kMoneyScale), " yuan"),
            {{"spent", spent_text}, {"items", static_cast<std::int64_t>(c.spending.size())},
             {"service_fund", format_decimal(*c.fund, kMoneyScale)}});
  }
  return absl::OkStatus();
}

absl::Status eval_secretary_reserve(const Rule& r, const Community& c, const Reader& rd, Out& out) {
  if (!c.posts && !c.reserve) return absl::OkStatus();  // not applicable: no reserve data
  if (!c.posts) return required_by(rd, "secretary_posts", r.id);
  if (!c.reserve) return required_by(rd, "reserve_candidates", r.id);
  const std::int64_t per = r.params.at("reserve_per_post").as_int64();
  const std::int64_t need = per * *c.posts;
  bool ok = *c.reserve >= need;
  out.add(r, "reserve", ok,
          cat(*c.reserve, " reserve candidate(s) for ", *c.posts, " secretary post(s)", ok ? ": ≥ " : ", below ",
                       need, " (1:", per, ")"),
          {{"reserve_candidates", *c.reserve}, {"secretary_posts", *c.posts}, {"reserve_per_post", per}, {"required", need}});
  return absl::OkStatus();
}

// ---- coverage and grid ------------------------------------------------------------------------

struct Compound {
  std::string id;
  std::int64_t party_members = 0;
  bool has_branch = false;
};
struct GridEntry {
  std::string id;
  bool has_station = false;
};
struct Coverage {
  std::optional<std::vector<Compound>> compounds;
  std::optional<std::vector<GridEntry>> grids;
};

absl::StatusOr<Coverage> read_coverage(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "compounds", "grids"}));
  Coverage cv;
  JICENG_ASSIGN_OR_RETURN(const json::array* cs, rd.opt_array("compounds"));
  if (cs != nullptr) {
    JICENG_ASSIGN_OR_RETURN(auto items, rd.objects("compounds", *cs));
    cv.compounds.emplace();
    for (const auto& it : items) {
      JICENG_RETURN_IF_ERROR(it.only({"id", "party_members", "has_branch"}));
      Compound c;
      JICENG_ASSIGN_OR_RETURN(c.id, it.req_string("id"));
      JICENG_ASSIGN_OR_RETURN(c.party_members, it.req_int("party_members", 0, 10'000'000));
      JICENG_ASSIGN_OR_RETURN(c.has_branch, it.req_bool("has_branch"));
      cv.compounds->push_back(std::move(c));
    }
  }
  JICENG_ASSIGN_OR_RETURN(const json::array* gs, rd.opt_array("grids"));
  if (gs != nullptr) {
    JICENG_ASSIGN_OR_RETURN(auto items, rd.objects("grids", *gs));
    cv.grids.emplace();
    for (const auto& it : items) {
      JICENG_RETURN_IF_ERROR(it.only({"id", "has_station"}));
      GridEntry g;
      JICENG_ASSIGN_OR_RETURN(g.id, it.req_string("id"));
      JICENG_ASSIGN_OR_RETURN(g.has_station, it.req_bool("has_station"));
      cv.grids->push_back(std::move(g));
    }
  }
  return cv;
}

std::string first_ids(const std::vector<std::string>& ids) {
  constexpr std::size_t kShown = 10;
  std::vector<std::string> head(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), kShown)));
  std::string s = join(head, ", ");
  if (ids.size() > kShown) absl::StrAppend(&s, ", … (", ids.size() - kShown, " more)");
  return s;
}

absl::Status eval_compound_branch(const Rule& r, const Coverage& cv, const Reader& rd, Out& out) {
  (void)rd;
  if (!cv.compounds) return absl::OkStatus();  // not applicable: no compounds listed
  const std::int64_t min = r.params.at("min_party_members").as_int64();
  std::int64_t eligible = 0;
  std::vector<std::string> missing;
  for (const auto& c : *cv.compounds) {
    if (c.party_members >= min) {
      ++eligible;
      if (!c.has_branch) missing.push_back(c.id);
    }
  }
  json::array ids;
  for (const auto& m : missing) ids.emplace_back(m);
  out.add(r, "compounds", missing.empty(),
          missing.empty() ? cat("all ", eligible, " of ", cv.compounds->size(), " compounds with ≥ ", min,
                                         " party members have their own branch")
                          : cat(missing.size(), " of ", eligible, " compounds with ≥ ", min,
                                         " party members have no branch of their own: ", first_ids(missing)),
          {{"compounds", static_cast<std::int64_t>(cv.compounds->size())}, {"eligible", eligible},
           {"without_branch", std::move(ids)}, {"min_party_members", min}});
  return absl::OkStatus();
}

absl::Status eval_grid_station(const Rule& r, const Coverage& cv, const Reader& rd, Out& out) {
  (void)rd;
  if (!cv.grids) return absl::OkStatus();  // not applicable: no grids listed
  const std::int64_t pct = r.params.at("min_percent").as_int64();
  const std::int64_t total = static_cast<std::int64_t>(cv.grids->size());
  std::vector<std::string> without;
  for (const auto& g : *cv.grids) {
    if (!g.has_station) without.push_back(g.id);
  }
  const std::int64_t with = total - static_cast<std::int64_t>(without.size());
  bool ok = with * 100 >= pct * total;  // an empty list meets any share
  json::array ids;
  for (const auto& w : without) ids.emplace_back(w);
  out.add(r, "grids", ok,
          cat(with, " of ", total, " grids have a station: ", total == 0 ? "n/a" : percent_text(with, total, 1),
                       ok ? " ≥ " : ", below ", pct, "%", without.empty() ? "" : cat("; without: ", first_ids(without))),
          {{"grids", total}, {"with_station", with}, {"without_station", std::move(ids)}, {"min_percent", pct}});
  return absl::OkStatus();
}

absl::Status eval_practical_projects(const Rule& r, std::int64_t projects, Out& out) {
  const std::int64_t min = r.params.at("min_per_year").as_int64();
  bool ok = projects >= min;
  out.add(r, "projects", ok,
          cat(projects, " practical project(s) this year", ok ? " ≥ " : ", below ", min),
          {{"practical_projects", projects}, {"min_per_year", min}});
  return absl::OkStatus();
}

// ---- votes ----------------------------------------------------------------------------------

struct OwnersVote {
  std::int64_t item = 0;
  std::int64_t total_area = 0, part_area = 0, yes_area = 0;  // 0.0001 m²
  std::int64_t total_owners = 0, part_owners = 0, yes_owners = 0;
};

absl::StatusOr<OwnersVote> read_owners_vote(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "item", "total_area", "total_owners", "participating_area",
                                  "participating_owners", "approving_area", "approving_owners"}));
  OwnersVote v;
  JICENG_ASSIGN_OR_RETURN(v.item, rd.req_int("item", 1, 9));
  JICENG_ASSIGN_OR_RETURN(v.total_area, rd.req_decimal("total_area", kAreaScale));
  JICENG_ASSIGN_OR_RETURN(v.part_area, rd.req_decimal("participating_area", kAreaScale));
  JICENG_ASSIGN_OR_RETURN(v.yes_area, rd.req_decimal("approving_area", kAreaScale));
  constexpr std::int64_t kMaxOwners = 1'000'000'000;
  JICENG_ASSIGN_OR_RETURN(v.total_owners, rd.req_int("total_owners", 1, kMaxOwners));
  JICENG_ASSIGN_OR_RETURN(v.part_owners, rd.req_int("participating_owners", 0, kMaxOwners));
  JICENG_ASSIGN_OR_RETURN(v.yes_owners, rd.req_int("approving_owners", 0, kMaxOwners));
  if (v.total_area == 0) return rd.error("total_area", "must be more than 0");
  auto area = [](std::int64_t a) { return format_decimal(a, kAreaScale); };
  if (v.part_area > v.total_area) {
    return rd.error("participating_area", cat(area(v.part_area), " exceeds total_area ", area(v.total_area)));
  }
  if (v.yes_area > v.part_area) {
    return rd.error("approving_area", cat(area(v.yes_area), " exceeds participating_area ", area(v.part_area)));
  }
  if (v.part_owners > v.total_owners) {
    return rd.error("participating_owners", cat(v.part_owners, " exceeds total_owners ", v.total_owners));
  }
  if (v.yes_owners > v.part_owners) {
    return rd.error("approving_owners", cat(v.yes_owners, " exceeds participating_owners ", v.part_owners));
  }
  return v;
}

json::object ratio_json(const Ratio& r) {
  return json::object{{"fraction", cat(r.num, "/", r.den)}, {"inclusive", r.inclusive}};
}

// One exact share check: part of whole against ratio.
void share(const Rule& r, Out& out, std::string check, std::string_view what, std::string part_text,
           std::string whole_text, std::int64_t part, std::int64_t whole, const Ratio& ratio, json::object extra) {
  bool ok = meets(part, whole, ratio);
  std::string ev = whole == 0 ? cat(what, ": nothing to count (0 of 0), not ", ratio_text(ratio))
                              : cat(what, ": ", part_text, " of ", whole_text, " = ", percent_text(part, whole, 2),
                                             ok ? ", " : ", not ", ratio_text(ratio));
  extra["part"] = part_text;
  extra["whole"] = whole_text;
  extra["threshold"] = ratio_json(ratio);
  out.add(r, std::move(check), ok, std::move(ev), std::move(extra));
}

absl::Status eval_owners_assembly(const Rule& r, const OwnersVote& v, Out& out) {
  const auto& q = r.params.at("quorum").as_object();
  bool special = false;
  for (const auto& e : r.params.at("special_items").as_array()) special = special || e.as_int64() == v.item;
  const auto& a = r.params.at(special ? "special" : "ordinary").as_object();
  const std::string kind = special ? "special" : "ordinary";
  auto area = [](std::int64_t x) { return cat(format_decimal(x, kAreaScale), " m²"); };
  auto base = [&]() { return json::object{{"item", v.item}, {"matter", kind}}; };
  share(r, out, "quorum_area", cat("item ", v.item, " (", kind, "), participating area"), area(v.part_area),
        area(v.total_area), v.part_area, v.total_area, ratio_param(q.at("area").as_object()), base());
  share(r, out, "quorum_owners", cat("item ", v.item, " (", kind, "), participating owners"),
        cat(v.part_owners), cat(v.total_owners), v.part_owners, v.total_owners,
        ratio_param(q.at("owners").as_object()), base());
  share(r, out, "approval_area", cat("item ", v.item, " (", kind, "), approving area of participating area"),
        area(v.yes_area), area(v.part_area), v.yes_area, v.part_area, ratio_param(a.at("area").as_object()), base());
  share(r, out, "approval_owners", cat("item ", v.item, " (", kind, "), approving owners of participating owners"),
        cat(v.yes_owners), cat(v.part_owners), v.yes_owners, v.part_owners,
        ratio_param(a.at("owners").as_object()), base());
  return absl::OkStatus();
}

struct ResidentsMeeting {
  std::int64_t entitled = 0, attending = 0, approving = 0;
  std::string representation;
};

absl::StatusOr<ResidentsMeeting> read_residents_meeting(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "representation", "entitled", "attending", "approving"}));
  ResidentsMeeting m;
  JICENG_ASSIGN_OR_RETURN(m.representation,
                          rd.opt_enum("representation", {"residents", "households", "group_representatives"}, "residents"));
  constexpr std::int64_t kMax = 1'000'000'000;
  JICENG_ASSIGN_OR_RETURN(m.entitled, rd.req_int("entitled", 1, kMax));
  JICENG_ASSIGN_OR_RETURN(m.attending, rd.req_int("attending", 0, kMax));
  JICENG_ASSIGN_OR_RETURN(m.approving, rd.req_int("approving", 0, kMax));
  if (m.attending > m.entitled) return rd.error("attending", cat(m.attending, " exceeds entitled ", m.entitled));
  if (m.approving > m.attending) return rd.error("approving", cat(m.approving, " exceeds attending ", m.attending));
  return m;
}

absl::Status eval_residents_meeting(const Rule& r, const ResidentsMeeting& m, Out& out) {
  // Still evaluated for old files; every finding says what replaced the rule.
  json::object base{{"representation", m.representation}, {"superseded_by", superseded(r.id)->by}};
  share(r, out, "quorum", cat("attending (", m.representation, ")"), cat(m.attending),
        cat(m.entitled), m.attending, m.entitled, ratio_param(r.params.at("quorum").as_object()), base);
  share(r, out, "decision", "approving of attending", cat(m.approving), cat(m.attending), m.approving,
        m.attending, ratio_param(r.params.at("decision").as_object()), base);
  for (std::size_t i = out.findings.size() - 2; i < out.findings.size(); ++i) {
    out.findings[i].evidence += cat(" (rule ", superseded(r.id)->why, ")");
  }
  return absl::OkStatus();
}

// ---- meetings: the 2026 self-government laws and the party branch rules -----------------

// 居民会议, 居民代表会议, 村民会议, 村民代表会议, 党员大会.
constexpr std::string_view kBodies[] = {"residents_meeting", "residents_representatives_meeting", "villagers_meeting",
                                        "villagers_representatives_meeting", "party_members_meeting"};
constexpr std::string_view kRepresentativeBodies[] = {"residents_representatives_meeting",
                                                      "villagers_representatives_meeting"};

// Households count in the general meetings (户的代表) and in the villagers' representatives'
// meeting deciding 一事一议 筹资筹劳 (one household, one vote).
bool counts_households(std::string_view body) {
  return body == "residents_meeting" || body == "villagers_meeting" || body == "villagers_representatives_meeting";
}

// One share against its threshold, for evidence naming every number.
struct Share {
  std::string label;
  std::int64_t part = 0, whole = 0;
  Ratio ratio;
  bool met = false;
};
Share make_share(std::string label, std::int64_t part, std::int64_t whole, const Ratio& ratio) {
  return Share{std::move(label), part, whole, ratio, meets(part, whole, ratio)};
}
std::string share_text(const Share& s) {
  if (s.whole == 0) return cat(s.label, ": 0 of 0, not ", ratio_text(s.ratio));
  return cat(s.label, ": ", s.part, " of ", s.whole, " = ", percent_text(s.part, s.whole, 2), s.met ? ", " : ", not ",
             ratio_text(s.ratio));
}
json::object share_json(const Share& s) {
  return json::object{{"part", s.part}, {"whole", s.whole}, {"threshold", ratio_json(s.ratio)}, {"met", s.met}};
}

struct MeetingVote {
  std::string body;
  std::int64_t members = 0, attending = 0, approving = 0;
  std::optional<std::int64_t> households, attending_households, approving_households;
};

absl::StatusOr<MeetingVote> read_meeting_vote(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "body", "members", "attending", "approving", "households",
                                  "attending_households", "approving_households"}));
  MeetingVote m;
  JICENG_ASSIGN_OR_RETURN(m.body, rd.opt_enum("body", kBodies, ""));
  constexpr std::int64_t kMax = 1'000'000'000;
  JICENG_ASSIGN_OR_RETURN(m.members, rd.req_int("members", 1, kMax));
  JICENG_ASSIGN_OR_RETURN(m.attending, rd.req_int("attending", 0, kMax));
  JICENG_ASSIGN_OR_RETURN(m.approving, rd.req_int("approving", 0, kMax));
  if (m.attending > m.members) return rd.error("attending", cat(m.attending, " exceeds members ", m.members));
  if (m.approving > m.attending) return rd.error("approving", cat(m.approving, " exceeds attending ", m.attending));
  JICENG_ASSIGN_OR_RETURN(m.households, rd.opt_int("households", 1, kMax));
  JICENG_ASSIGN_OR_RETURN(m.attending_households, rd.opt_int("attending_households", 0, kMax));
  JICENG_ASSIGN_OR_RETURN(m.approving_households, rd.opt_int("approving_households", 0, kMax));
  if (!m.households && !m.attending_households && !m.approving_households) return m;
  if (!counts_households(m.body)) {
    std::string_view key = m.households ? "households" : m.attending_households ? "attending_households" : "approving_households";
    return rd.error(key, cat("not used by a ", m.body,
                             " (households count only for residents_meeting, villagers_meeting and "
                             "villagers_representatives_meeting)"));
  }
  // The three household counts go together: a quorum or decision by households needs all.
  if (!m.households) return rd.error("households", "missing (required with attending_households and approving_households)");
  if (!m.attending_households) return rd.error("attending_households", "missing (required with households)");
  if (!m.approving_households) return rd.error("approving_households", "missing (required with households)");
  if (*m.attending_households > *m.households) {
    return rd.error("attending_households", cat(*m.attending_households, " exceeds households ", *m.households));
  }
  if (*m.approving_households > *m.attending_households) {
    return rd.error("approving_households",
                    cat(*m.approving_households, " exceeds attending_households ", *m.attending_households));
  }
  return m;
}

absl::Status eval_meeting_vote(const Rule& r, const MeetingVote& m, Out& out) {
  const auto& p = r.params.at(m.body).as_object();
  const bool party = m.body == "party_members_meeting";
  const bool households = m.households.has_value();
  const bool fundraising = households && m.body == "villagers_representatives_meeting";

  // quorum (法定人数): members attending; the general meetings may instead count the
  // households represented (或者), 一事一议 needs both.
  const Share by_members = make_share(party ? "members with a vote attending" : "members attending", m.attending, m.members,
                                      ratio_param(p.at("quorum").as_object()));
  json::object qev{{"body", m.body}, {"members", share_json(by_members)}};
  std::vector<std::string> parts{share_text(by_members)};
  bool quorum = by_members.met;
  std::string met_by = by_members.met ? "members" : "none";
  const json::object* fund = fundraising ? &p.at("fundraising").as_object() : nullptr;
  if (households && !fundraising) {
    const Share by_households = make_share("households represented (户的代表)", *m.attending_households, *m.households,
                                           ratio_param(p.at("household_quorum").as_object()));
    qev["households"] = share_json(by_households);
    parts.push_back(share_text(by_households));
    quorum = by_members.met || by_households.met;
    if (!by_members.met && by_households.met) met_by = "households";
    if (by_members.met && by_households.met) met_by = "members and households";
  } else if (fund != nullptr && fund->contains("household_quorum")) {
    const Share by_households = make_share("households represented by those attending", *m.attending_households,
                                           *m.households, ratio_param(fund->at("household_quorum").as_object()));
    qev["households"] = share_json(by_households);
    parts.push_back(share_text(by_households));
    quorum = by_members.met && by_households.met;
    met_by = quorum ? "members and households" : "none";
  }
  qev["met_by"] = met_by;
  std::string qtext = cat(m.body, ": ", join(parts, "; "));
  if (households && !fundraising) {
    absl::StrAppend(&qtext, quorum ? cat(" (met by ", met_by, ")") : " (met by neither)");
  }
  if (fundraising) absl::StrAppend(&qtext, " (一事一议 筹资筹劳)");
  out.add(r, "quorum", quorum, std::move(qtext), std::move(qev));

  // decision (表决): yes votes against those attending, all members with a vote, or, for
  // 一事一议, the households whose representatives signed against all households.
  json::object dev{{"body", m.body}};
  Share d;
  std::string note;
  if (fundraising) {
    d = make_share("households whose representatives signed", *m.approving_households, *m.households,
                   ratio_param(fund->at("household_decision").as_object()));
    dev["counted_of"] = "households";
  } else {
    const auto& dp = p.at("decision").as_object();
    const bool of_members = dp.at("of").as_string() == "members";
    const Ratio ratio = ratio_param(dp);
    d = of_members ? make_share(party ? "yes votes of all members with a vote" : "yes votes of all members", m.approving,
                                m.members, ratio)
                   : make_share("yes votes of those attending", m.approving, m.attending, ratio);
    dev["counted_of"] = of_members ? "members" : "attending";
    if (of_members && !d.met && meets(m.approving, m.attending, ratio)) {
      note = cat(" (", m.approving, " of the ", m.attending,
                 " present is a majority of those present, which is not enough: the count is of all ", m.members, ")");
    }
  }
  for (auto& [k, v] : share_json(d)) dev[k] = v;
  out.add(r, "decision", d.met, cat(m.body, ": ", share_text(d), note), std::move(dev));
  return absl::OkStatus();
}

// Days from `from` to `to` as 民法典 第二百零一条 counts a period: the first day is not counted.
std::int64_t days_between(const jiceng::Date& from, const jiceng::Date& to) { return (to - from).days(); }

absl::StatusOr<std::optional<jiceng::Date>> opt_date(const Reader& rd, std::string_view key) {
  JICENG_ASSIGN_OR_RETURN(auto text, rd.opt_string(key));
  if (!text) return std::optional<jiceng::Date>();
  auto d = jiceng::parse_date(*text);
  if (!d.ok()) return rd.error(key, sv(d.status().message()));
  return std::optional<jiceng::Date>(*d);
}

// ---- meeting_call: who asked for the meeting (提议) and how early it was announced ------

struct MeetingCall {
  std::string body, proposed_by;
  std::optional<std::int64_t> proposers, eligible;
  std::optional<jiceng::Date> noticed_on, held_on;
  bool special = false;
};

absl::StatusOr<MeetingCall> read_meeting_call(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "body", "proposed_by", "proposers", "eligible", "noticed_on", "held_on",
                                  "special_circumstances"}));
  MeetingCall c;
  JICENG_ASSIGN_OR_RETURN(c.body, rd.opt_enum("body", kBodies, ""));
  JICENG_ASSIGN_OR_RETURN(c.proposed_by, rd.opt_enum("proposed_by", {"committee", "residents", "households", "villagers",
                                                                     "representatives"}, "committee"));
  constexpr std::int64_t kMax = 1'000'000'000;
  JICENG_ASSIGN_OR_RETURN(c.proposers, rd.opt_int("proposers", 0, kMax));
  JICENG_ASSIGN_OR_RETURN(c.eligible, rd.opt_int("eligible", 1, kMax));
  if (c.proposed_by != "committee") {
    if (!c.proposers) return rd.error("proposers", cat("missing (required when proposed_by is ", c.proposed_by, ")"));
    if (!c.eligible) return rd.error("eligible", cat("missing (required when proposed_by is ", c.proposed_by, ")"));
    if (*c.proposers > *c.eligible) return rd.error("proposers", cat(*c.proposers, " exceeds eligible ", *c.eligible));
  } else if (c.proposers || c.eligible) {
    return rd.error(c.proposers ? "proposers" : "eligible", "given, but proposed_by is committee (no proposal to count)");
  }
  JICENG_ASSIGN_OR_RETURN(c.noticed_on, opt_date(rd, "noticed_on"));
  JICENG_ASSIGN_OR_RETURN(c.held_on, opt_date(rd, "held_on"));
  if (c.noticed_on && !c.held_on) return rd.error("held_on", "missing (required with noticed_on)");
  if (c.held_on && !c.noticed_on) return rd.error("noticed_on", "missing (required with held_on)");
  if (c.noticed_on && *c.held_on < *c.noticed_on) {
    return rd.error("held_on", cat(jiceng::format_date(*c.held_on), " is before noticed_on ",
                                   jiceng::format_date(*c.noticed_on)));
  }
  JICENG_ASSIGN_OR_RETURN(auto special, rd.opt_bool("special_circumstances"));
  c.special = special.value_or(false);
  return c;
}

absl::Status eval_meeting_call(const Rule& r, const MeetingCall& c, const Reader& rd, Out& out) {
  const auto& proposal = r.params.at("proposal").as_object();
  if (c.proposed_by != "committee" && proposal.contains(c.body)) {
    const auto& routes = proposal.at(c.body).as_object();
    const json::value* route = routes.if_contains(c.proposed_by);
    if (route == nullptr) {
      std::vector<std::string> who;
      for (const auto& kv : routes) who.emplace_back(kv.key());
      return rd.error("proposed_by", cat("\"", c.proposed_by, "\" cannot propose a ", c.body, " under rule ", r.id,
                                         " (expected committee", who.empty() ? "" : ", ", join(who, ", "), ")"));
    }
    const Share s = make_share(cat(c.proposed_by, " proposing"), *c.proposers, *c.eligible,
                               ratio_param(route->as_object()));
    json::object ev = share_json(s);
    ev["body"] = c.body;
    ev["proposed_by"] = c.proposed_by;
    out.add(r, "proposal", s.met,
            cat(c.body, ": ", share_text(s), s.met ? ": the committee must convene it" : ": too few to require a meeting"),
            std::move(ev));
  }
  const auto& notice = r.params.at("notice_days").as_object();
  if (c.noticed_on && notice.contains(c.body)) {
    const std::int64_t min = notice.at(c.body).as_int64();
    const std::int64_t days = days_between(*c.noticed_on, *c.held_on);
    const bool exempt = c.special && r.params.at("special_circumstances_exempt").as_bool();
    const bool ok = days >= min || exempt;
    out.add(r, "notice", ok,
            cat(c.body, ": noticed ", jiceng::format_date(*c.noticed_on), ", held ", jiceng::format_date(*c.held_on), ": ",
                days, " day(s) ahead", days >= min ? ", ≥ " : ", fewer than ", min,
                exempt && days < min ? " (special circumstances: 临时通知 allowed)" : ""),
            {{"body", c.body}, {"days", days}, {"min_days", min}, {"special_circumstances", c.special},
             {"noticed_on", jiceng::format_date(*c.noticed_on)}, {"held_on", jiceng::format_date(*c.held_on)}});
  }
  return absl::OkStatus();
}

// ---- meeting_schedule: how often a body met in one year -----------------------------------

struct MeetingSchedule {
  std::string body;
  std::int64_t year = 0;
  std::vector<jiceng::Date> meetings;
  std::optional<jiceng::Date> as_of;
};

absl::StatusOr<MeetingSchedule> read_meeting_schedule(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "body", "year", "meetings", "as_of"}));
  MeetingSchedule s;
  JICENG_ASSIGN_OR_RETURN(s.body, rd.opt_enum("body", kBodies, ""));
  JICENG_ASSIGN_OR_RETURN(s.year, rd.req_int("year", 1949, 9999));
  JICENG_ASSIGN_OR_RETURN(const json::array* arr, rd.opt_array("meetings"));
  if (arr == nullptr) return rd.error("meetings", "missing");
  JICENG_ASSIGN_OR_RETURN(auto texts, rd.strings("meetings", *arr));
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string key = cat("meetings[", i, "]");
    auto d = jiceng::parse_date(texts[i]);
    if (!d.ok()) return rd.error(key, sv(d.status().message()));
    if (d->year() != s.year) return rd.error(key, cat(texts[i], " is not in year ", s.year));
    s.meetings.push_back(*d);
  }
  JICENG_ASSIGN_OR_RETURN(s.as_of, opt_date(rd, "as_of"));
  return s;
}

absl::Status eval_meeting_frequency(const Rule& r, const MeetingSchedule& s, Out& out) {
  const json::value* cadence = r.params.if_contains(s.body);
  if (cadence == nullptr) return absl::OkStatus();  // no cadence set for this body
  const std::string period(cadence->at("period").as_string());
  const std::int64_t min = cadence->at("min_per_period").as_int64();
  const int n = period == "year" ? 1 : period == "half_year" ? 2 : period == "quarter" ? 4 : 12;
  const int months = 12 / n;
  auto name = [&](int i) -> std::string {
    if (n == 1) return cat(s.year);
    if (n == 2) return i == 0 ? "H1" : "H2";
    if (n == 4) return cat("Q", i + 1);
    return cat("M", i + 1);
  };
  std::vector<std::int64_t> count(n, 0);
  for (const auto& d : s.meetings) ++count[(d.month() - 1) / months];
  std::vector<std::string> shown, short_of;
  json::array periods;
  for (int i = 0; i < n; ++i) {
    // A period is judged once it has ended (by as_of, when given).
    const jiceng::Date last = jiceng::Date(static_cast<unsigned short>(s.year), static_cast<unsigned short>((i + 1) * months), 1)
                                  .end_of_month();
    const bool ended = !s.as_of || *s.as_of >= last;
    shown.push_back(cat(name(i), " ", ended ? cat(count[i]) : cat(count[i], " (not ended)")));
    if (ended && count[i] < min) short_of.push_back(name(i));
    periods.emplace_back(json::object{{"period", name(i)}, {"meetings", count[i]}, {"ended", ended}});
  }
  json::array missing;
  for (const auto& m : short_of) missing.emplace_back(m);
  out.add(r, "frequency", short_of.empty(),
          cat(s.body, " ", s.year, ": ", s.meetings.size(), " meeting(s), ≥ ", min, " per ", period, " needed: ",
              join(shown, ", "), short_of.empty() ? "" : cat("; short: ", join(short_of, ", "))),
          {{"body", s.body}, {"year", s.year}, {"period", period}, {"min_per_period", min},
           {"periods", std::move(periods)}, {"short", std::move(missing)}});
  return absl::OkStatus();
}

// ---- representative_body: who sits in a representatives' meeting -------------------------

struct RepresentativeBody {
  std::string body;
  std::int64_t representatives = 0, committee_members = 0;
  std::optional<std::int64_t> households, women;
};

absl::StatusOr<RepresentativeBody> read_representative_body(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "body", "representatives", "committee_members", "households",
                                  "women_representatives"}));
  RepresentativeBody b;
  JICENG_ASSIGN_OR_RETURN(b.body, rd.opt_enum("body", kRepresentativeBodies, ""));
  constexpr std::int64_t kMax = 1'000'000'000;
  JICENG_ASSIGN_OR_RETURN(b.representatives, rd.req_int("representatives", 1, kMax));
  JICENG_ASSIGN_OR_RETURN(b.committee_members, rd.req_int("committee_members", 0, kMax));
  JICENG_ASSIGN_OR_RETURN(b.households, rd.opt_int("households", 1, kMax));
  JICENG_ASSIGN_OR_RETURN(b.women, rd.opt_int("women_representatives", 0, kMax));
  if (b.women && *b.women > b.representatives) {
    return rd.error("women_representatives", cat(*b.women, " exceeds representatives ", b.representatives));
  }
  return b;
}

absl::Status eval_representative_ratio(const Rule& r, const RepresentativeBody& b, Out& out) {
  const json::value* band = r.params.if_contains(b.body);
  if (band == nullptr || !b.households) return absl::OkStatus();  // not applicable
  const std::int64_t lo = band->at("min_households").as_int64(), hi = band->at("max_households").as_int64();
  const std::int64_t h = *b.households, n = b.representatives;
  // 1 representative per lo..hi households: lo·n ≤ h ≤ hi·n, i.e. ⌈h/hi⌉ ≤ n ≤ ⌊h/lo⌋.
  const std::int64_t fewest = (h + hi - 1) / hi, most = h / lo;
  const bool ok = fewest <= n && n <= most;
  out.add(r, "ratio", ok,
          cat(b.body, ": ", n, " representative(s) for ", h, " households", ok ? ", within " : ", outside ", fewest, "–",
              most, " (1 per ", lo, "–", hi, " households)"),
          {{"body", b.body}, {"households", h}, {"representatives", n}, {"min_households", lo}, {"max_households", hi},
           {"fewest", fewest}, {"most", most}});
  return absl::OkStatus();
}

absl::Status eval_composition(const Rule& r, const RepresentativeBody& b, const Reader& rd, Out& out) {
  const json::value* p = r.params.if_contains(b.body);
  if (p == nullptr) return absl::OkStatus();
  const std::int64_t total = b.representatives + b.committee_members;  // 组成人员
  const Share reps = make_share("representatives of all members", b.representatives, total,
                                ratio_param(p->at("representatives_share").as_object()));
  json::object ev = share_json(reps);
  ev["body"] = b.body;
  ev["committee_members"] = b.committee_members;
  out.add(r, "representatives_share", reps.met, cat(b.body, ": ", share_text(reps)), std::move(ev));
  if (const json::value* w = p->as_object().if_contains("women_share")) {
    if (!b.women) return required_by(rd, "women_representatives", cat(r.id, " for a ", b.body));
    const Share women = make_share("women representatives of all members", *b.women, total, ratio_param(w->as_object()));
    json::object wev = share_json(women);
    wev["body"] = b.body;
    out.add(r, "women_share", women.met, cat(b.body, ": ", share_text(women)), std::move(wev));
  }
  return absl::OkStatus();
}

// ---- disclosure: how long a notice stayed on the 公开栏 ------------------------------------

struct Disclosure {
  jiceng::Date from, until;
};

absl::StatusOr<Disclosure> read_disclosure(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "posted_from", "posted_until"}));
  JICENG_ASSIGN_OR_RETURN(auto from, opt_date(rd, "posted_from"));
  if (!from) return rd.error("posted_from", "missing");
  JICENG_ASSIGN_OR_RETURN(auto until, opt_date(rd, "posted_until"));
  if (!until) return rd.error("posted_until", "missing");
  if (*until < *from) {
    return rd.error("posted_until", cat(jiceng::format_date(*until), " is before posted_from ", jiceng::format_date(*from)));
  }
  return Disclosure{*from, *until};
}

absl::Status eval_disclosure(const Rule& r, const Disclosure& d, Out& out) {
  const std::int64_t min = r.params.at("min_days").as_int64();
  const std::int64_t days = days_between(d.from, d.until);
  const bool ok = days >= min;
  out.add(r, "duration", ok,
          cat("posted ", jiceng::format_date(d.from), " to ", jiceng::format_date(d.until), ": ", days, " day(s)",
              ok ? ", ≥ " : ", fewer than ", min),
          {{"posted_from", jiceng::format_date(d.from)}, {"posted_until", jiceng::format_date(d.until)}, {"days", days},
           {"min_days", min}});
  return absl::OkStatus();
}

// ---- matter: the procedure a deliberation matter (议事事项) followed ----------------------

struct Matter {
  std::string kind, scope, procedure;
  bool levy = false;
};

absl::StatusOr<Matter> read_matter(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "kind", "scope", "procedure", "levy"}));
  Matter m;
  JICENG_ASSIGN_OR_RETURN(m.kind, rd.req_string("kind"));
  JICENG_ASSIGN_OR_RETURN(m.scope, rd.opt_enum("scope", {"community", "compound", "village"}, ""));
  if (m.scope.empty()) return rd.error("scope", "missing (community, compound or village)");
  JICENG_ASSIGN_OR_RETURN(m.procedure, rd.req_string("procedure"));
  JICENG_ASSIGN_OR_RETURN(auto levy, rd.opt_bool("levy"));
  m.levy = levy.value_or(false);
  return m;
}

// procedure: the one the policy chooses for the kind and scope (a host's other choice is a
// yearly-review finding); owners (owners' matters only): no residents' or villagers'
// meeting decides it (民法典 第二百七十八条); levy (a matter raising money only): not by a
// 议事会, which may not levy it (居民委员会组织法 第四十二条).
absl::Status eval_matter(const Rule& r, const Matter& m, const Reader& rd, Out& out) {
  const auto& procs = r.params.at("procedures").as_object();
  if (!procs.contains(m.procedure)) {
    return rd.error("procedure", cat("\"", m.procedure, "\" is not one of the set's procedures"));
  }
  const std::string chosen = deliberation_select(r.params, m.kind, m.scope);
  const bool major = [&] {
    for (const auto& k : r.params.at("major_kinds").as_array())
      if (std::string_view(k.as_string()) == m.kind) return true;
    return false;
  }();
  out.add(r, "procedure", m.procedure == chosen,
          cat("kind ", m.kind, major ? " (major)" : "", " at a ", m.scope, ": the policy's procedure is ",
              chosen.empty() ? std::string("none") : chosen, ", the matter followed ", m.procedure),
          {{"kind", m.kind}, {"scope", m.scope}, {"major", major}, {"policy_procedure", chosen}, {"procedure", m.procedure}});
  if (const std::int64_t item = deliberation_owners_item(r.params, m.kind); item != 0) {
    const bool residents = deliberation_has_body(r.params, m.procedure, &deliberation_residents_body);
    out.add(r, "owners", !residents,
            cat("kind ", m.kind, " is item ", item, " of 民法典 第二百七十八条 (the owners decide): procedure ", m.procedure,
                residents ? " has a residents' or villagers' meeting" : " leaves it to the owners"),
            {{"kind", m.kind}, {"item", item}, {"procedure", m.procedure}, {"residents_meeting", residents}});
  }
  if (m.levy) {
    const bool council = deliberation_has_body(r.params, m.procedure, [](std::string_view b) { return b == "council"; });
    out.add(r, "levy", !council,
            cat("a levy by procedure ", m.procedure, council ? ": a 议事会 may not levy money" : ": not a 议事会"),
            {{"procedure", m.procedure}, {"council", council}});
  }
  return absl::OkStatus();
}

// ---- democratic_review: the yearly 民主评议 of one committee member -------------------------

struct Review {
  std::int64_t year = 0;
  std::string grade;
};
struct ReviewRecord {
  std::int64_t year = 0;
  std::optional<std::int64_t> from_year;
  bool in_office = true;
  std::vector<Review> reviews;  // sorted by year, order within a year kept
};

absl::StatusOr<ReviewRecord> read_review_record(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "year", "from_year", "in_office", "reviews"}));
  ReviewRecord rr;
  JICENG_ASSIGN_OR_RETURN(rr.year, rd.req_int("year", 1949, 9999));
  JICENG_ASSIGN_OR_RETURN(rr.from_year, rd.opt_int("from_year", 1949, 9999));
  if (rr.from_year && *rr.from_year > rr.year) return rd.error("from_year", cat(*rr.from_year, " is after year ", rr.year));
  JICENG_ASSIGN_OR_RETURN(rr.in_office, rd.req_bool("in_office"));
  JICENG_ASSIGN_OR_RETURN(const json::array* arr, rd.opt_array("reviews"));
  if (arr == nullptr) return rd.error("reviews", "missing");
  JICENG_ASSIGN_OR_RETURN(auto items, rd.objects("reviews", *arr));
  for (const auto& it : items) {
    JICENG_RETURN_IF_ERROR(it.only({"year", "grade"}));
    Review v;
    JICENG_ASSIGN_OR_RETURN(v.year, it.req_int("year", 1949, rr.year));
    JICENG_ASSIGN_OR_RETURN(v.grade, it.req_string("grade"));
    rr.reviews.push_back(std::move(v));
  }
  std::stable_sort(rr.reviews.begin(), rr.reviews.end(), [](const Review& a, const Review& b) { return a.year < b.year; });
  return rr;
}

absl::Status eval_democratic_review(const Rule& r, const ReviewRecord& rr, const Reader& rd, Out& out) {
  std::set<std::string> grades;
  for (const auto& g : r.params.at("grades").as_array()) grades.emplace(g.as_string());
  const std::string failing(r.params.at("failing_grade").as_string());
  const std::int64_t run_to_end = r.params.at("consecutive_to_end").as_int64();
  const std::int64_t per_year = r.params.at("min_per_year").as_int64();
  for (const auto& v : rr.reviews) {
    if (!grades.contains(v.grade)) {
      return rd.error("reviews", cat("grade \"", v.grade, "\" of ", v.year, " is not one of rule ", r.id, "'s grades (",
                                     join(grades, ", "), ")"));
    }
  }
  // yearly: every year from the first one counted up to `year` has its review(s).
  std::int64_t first = rr.from_year.value_or(rr.reviews.empty() ? rr.year : std::min(rr.reviews.front().year, rr.year));
  std::vector<std::string> missing;
  json::array missing_json;
  for (std::int64_t y = first; y <= rr.year; ++y) {
    const auto n = std::count_if(rr.reviews.begin(), rr.reviews.end(), [&](const Review& v) { return v.year == y; });
    if (n < per_year) {
      missing.push_back(cat(y));
      missing_json.emplace_back(y);
    }
  }
  out.add(r, "yearly", missing.empty(),
          cat(rr.reviews.size(), " review(s) for ", first, "–", rr.year, ", ≥ ", per_year, " a year needed",
              missing.empty() ? "" : cat("; none (or too few) in ", join(missing, ", "))),
          {{"from_year", first}, {"year", rr.year}, {"reviews", static_cast<std::int64_t>(rr.reviews.size())},
           {"min_per_year", per_year}, {"missing_years", std::move(missing_json)}});
  // office: `run_to_end` failing grades in a row end the office (职务终止) by law.
  std::int64_t run = 0;
  std::optional<std::int64_t> ended_in;
  for (const auto& v : rr.reviews) {
    run = v.grade == failing ? run + 1 : 0;
    if (run >= run_to_end && !ended_in) ended_in = v.year;
  }
  const bool ok = !ended_in || !rr.in_office;
  std::string ev = !ended_in ? cat("no ", run_to_end, " consecutive \"", failing, "\" grades")
                             : cat(run_to_end, " consecutive \"", failing, "\" grades by ", *ended_in,
                                   rr.in_office ? ": the office has ended by law, yet the member is still in office"
                                                : ": the office has ended");
  out.add(r, "office", ok, std::move(ev),
          {{"failing_grade", failing}, {"consecutive_to_end", run_to_end}, {"in_office", rr.in_office},
           {"ended_in", ended_in ? json::value(*ended_in) : json::value(nullptr)}});
  return absl::OkStatus();
}

// ---- petition -----------------------------------------------------------------------------

struct Petition {
  std::string category, urgency, severity;
  std::optional<std::int64_t> level, dispatched_level, text_bytes;
  std::int64_t returns = 0, reopens = 0, extensions = 0, reviews = 0;
  std::optional<jiceng::Duration> extension_total;
  std::string extension_text;
  std::optional<jiceng::Duration> merged_gap;  // a merge: how far apart the two submissions were
  std::string merged_gap_text;
};

absl::StatusOr<Petition> read_petition(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "category", "urgency", "severity", "level", "dispatched_level", "returns",
                                  "reopens", "extensions", "reviews", "extension_total", "text_bytes",
                                  "merged_gap"}));
  Petition p;
  JICENG_ASSIGN_OR_RETURN(p.category, rd.req_string("category"));
  JICENG_ASSIGN_OR_RETURN(p.urgency, rd.opt_enum("urgency", {"normal", "urgent"}, "normal"));
  JICENG_ASSIGN_OR_RETURN(p.severity, rd.opt_enum("severity", {"minor", "major", "critical"}, ""));
  JICENG_ASSIGN_OR_RETURN(p.level, rd.opt_int("level", 0, 5));
  JICENG_ASSIGN_OR_RETURN(p.dispatched_level, rd.opt_int("dispatched_level", 0, 5));
  JICENG_ASSIGN_OR_RETURN(p.text_bytes, rd.opt_int("text_bytes", 0, INT64_MAX));
  for (auto [key, member] : {std::pair{"returns", &Petition::returns}, std::pair{"reopens", &Petition::reopens},
                             std::pair{"extensions", &Petition::extensions}, std::pair{"reviews", &Petition::reviews}}) {
    JICENG_ASSIGN_OR_RETURN(auto n, rd.opt_int(key, 0, 1'000'000));
    p.*member = n.value_or(0);
  }
  JICENG_ASSIGN_OR_RETURN(auto ext, rd.opt_string("extension_total"));
  if (ext) {
    auto d = jiceng::parse_duration(*ext);
    if (!d.ok()) return rd.error("extension_total", sv(d.status().message()));
    p.extension_total = *d;
    p.extension_text = *ext;
  }
  JICENG_ASSIGN_OR_RETURN(auto gap, rd.opt_string("merged_gap"));
  if (gap) {
    auto d = jiceng::parse_duration(*gap);
    if (!d.ok()) return rd.error("merged_gap", sv(d.status().message()));
    if (d->unit == jiceng::TimeUnit::kWorkdays) return rd.error("merged_gap", "must be in hours or natural days");
    p.merged_gap = *d;
    p.merged_gap_text = *gap;
  }
  return p;
}

// petition.duplicates: a merge joined two submissions no further apart than the window
// within which the engine suggests duplicates (an audit of merges made by hand).
absl::Status eval_duplicates(const Rule& r, const Petition& p, Out& out) {
  if (!p.merged_gap) return absl::OkStatus();
  auto window = jiceng::parse_duration(std::string(r.params.at("window").as_string()));
  if (!window.ok()) return window.status();
  auto seconds = [](const jiceng::Duration& d) {
    return d.amount * (d.unit == jiceng::TimeUnit::kHours ? 3600 : 86400);
  };
  const bool ok = seconds(*p.merged_gap) <= seconds(*window);
  out.add(r, "window", ok,
          cat("merged petitions submitted ", p.merged_gap_text, " apart", ok ? ", within " : ", beyond ",
              "the duplicate window of ", jiceng::format_duration(*window)),
          {{"merged_gap", p.merged_gap_text}, {"window", jiceng::format_duration(*window)}});
  return absl::OkStatus();
}

absl::Status eval_caps(const Rule& r, const Petition& p, Out& out) {
  auto cap = [&](std::string check, std::string_view what, std::int64_t n, std::string_view param) {
    const std::int64_t max = r.params.at(param).as_int64();
    bool ok = n <= max;
    out.add(r, std::move(check), ok, cat(n, " ", what, ok ? " ≤ " : ", more than ", max),
            {{"count", n}, {std::string(param), max}});
  };
  cap("returns", "return(s) (退单)", p.returns, "max_returns");
  cap("reopens", "reopening(s) (重办)", p.reopens, "max_reopens");
  cap("extensions", "extension(s) (延期)", p.extensions, "max_extensions");
  cap("reviews", "review(s) (复查/复核)", p.reviews, "max_reviews");
  if (p.text_bytes) cap("text_bytes", "bytes of text", *p.text_bytes, "max_text_bytes");
  return absl::OkStatus();
}

// Hours in a duration when it has a fixed length (hours, natural days); working days have none.
std::optional<std::int64_t> fixed_hours(const jiceng::Duration& d) {
  if (d.unit == TimeUnit::kHours) return d.amount;
  if (d.unit == TimeUnit::kNaturalDays) return d.amount * 24;
  return std::nullopt;
}

absl::Status eval_deadlines(const Rule& r, const PolicySet::Impl& set, const Petition& p, const Reader& rd, Out& out) {
  if (!p.extension_total || !set.deadlines) return absl::OkStatus();
  const Urgency u = p.urgency == "urgent" ? Urgency::kUrgent : Urgency::kNormal;
  const jiceng::Duration max = set.deadlines->limits(p.category, u).max_extension;
  const jiceng::Duration got = *p.extension_total;
  std::int64_t have = 0, limit = 0;
  if (got.unit == max.unit) {
    have = got.amount;
    limit = max.amount;
  } else if (fixed_hours(got) && fixed_hours(max)) {
    have = *fixed_hours(got);
    limit = *fixed_hours(max);
  } else if (got.amount == 0) {
    limit = max.amount;
  } else {
    return rd.error("extension_total",
                    cat("\"", p.extension_text, "\" cannot be compared with the policy's max_extension \"",
                                 jiceng::format_duration(max), "\" (working days have no fixed length; use the same unit)"));
  }
  bool ok = have <= limit;  // a max_extension of 0 grants no extension at all
  out.add(r, "extension_total", ok,
          cat(p.category, "/", p.urgency, " (", set.deadlines->track(), " track): extended ", p.extension_text,
                       ok ? " ≤ " : ", more than ", "max_extension ", jiceng::format_duration(max)),
          {{"category", p.category}, {"urgency", p.urgency}, {"track", set.deadlines->track()},
           {"extension_total", p.extension_text}, {"max_extension", jiceng::format_duration(max)}});
  return absl::OkStatus();
}

absl::Status eval_ceiling(const Rule& r, const Petition& p, Out& out) {
  if (!p.level) return absl::OkStatus();
  const std::int64_t ceiling = r.params.at(p.severity).as_int64();
  bool ok = *p.level >= ceiling;  // a smaller level number is higher up
  out.add(r, "ceiling", ok,
          cat(p.severity, " petition at level ", *p.level, " (", level_name(*p.level), ")",
                       ok ? ", within the ceiling " : ", above the ceiling ", ceiling, " (", level_name(ceiling), ")"),
          {{"severity", p.severity}, {"level", *p.level}, {"ceiling", ceiling}});
  return absl::OkStatus();
}

absl::Status eval_routing(const Rule& r, const Petition& p, Out& out) {
  if (!p.dispatched_level) return absl::OkStatus();
  const auto& cats = r.params.at("categories").as_object();
  const json::value* c = cats.if_contains(p.category);
  const bool known = c != nullptr;
  if (!known) c = &cats.at("default");
  const std::int64_t competent = c->as_object().at("level").as_int64();
  bool ok = *p.dispatched_level == competent;
  out.add(r, "level", ok,
          cat("category ", p.category, known ? "" : " (default routing)", ": dispatched to level ", *p.dispatched_level,
                       " (", level_name(*p.dispatched_level), ")", ok ? ", the competent level" : ", competent level is ",
                       ok ? "" : cat(competent, " (", level_name(competent), ")")),
          {{"category", p.category}, {"routed_by", known ? p.category : std::string("default")},
           {"dispatched_level", *p.dispatched_level}, {"competent_level", competent}});
  return absl::OkStatus();
}

// ---- mediation_committee: a people's mediation committee (人民调解委员会) ------------------

struct MediationMember {
  std::string role;    // chair 主任, deputy 副主任, member 委员
  std::string gender;  // female, male
  std::int64_t age = 0;
};
struct MediationCommittee {
  std::vector<MediationMember> members;
  std::optional<std::int64_t> term_years;
};

absl::StatusOr<MediationCommittee> read_mediation_committee(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "members", "term_years"}));
  MediationCommittee c;
  JICENG_ASSIGN_OR_RETURN(c.term_years, rd.opt_int("term_years", 1, 100));
  JICENG_ASSIGN_OR_RETURN(const json::array* arr, rd.opt_array("members"));
  if (arr == nullptr) return rd.error("members", "missing");
  JICENG_ASSIGN_OR_RETURN(auto items, rd.objects("members", *arr));
  for (const auto& it : items) {
    JICENG_RETURN_IF_ERROR(it.only({"role", "gender", "age"}));
    MediationMember m;
    JICENG_ASSIGN_OR_RETURN(m.role, it.opt_enum("role", {"chair", "deputy", "member"}, ""));
    JICENG_ASSIGN_OR_RETURN(m.gender, it.opt_enum("gender", {"female", "male"}, ""));
    JICENG_ASSIGN_OR_RETURN(m.age, it.req_int("age", 0, 150));
    c.members.push_back(std::move(m));
  }
  return c;
}

absl::Status eval_mediation_committee(const Rule& r, const MediationCommittee& c, Out& out) {
  const auto& p = r.params;
  const std::int64_t min = p.at("members").as_object().at("min").as_int64(),
                     max = p.at("members").as_object().at("max").as_int64();
  const std::int64_t n = static_cast<std::int64_t>(c.members.size());
  const bool size_ok = n >= min && n <= max;
  out.add(r, "size", size_ok,
          cat(n, " member(s)", size_ok ? ", within " : ", outside ", min, "–", max),
          {{"members", n}, {"min", min}, {"max", max}});
  std::int64_t chairs = 0, women = 0, minors = 0, youngest = 1000;
  for (const auto& m : c.members) {
    chairs += m.role == "chair";
    women += m.gender == "female";
    minors += m.age < p.at("min_mediator_age").as_int64();
    youngest = std::min(youngest, m.age);
  }
  const std::int64_t want_chairs = p.at("chairs").as_int64();
  out.add(r, "chair", chairs == want_chairs, cat(chairs, " chair(s) (主任), ", want_chairs, " required"),
          {{"chairs", chairs}, {"required", want_chairs}});
  const std::int64_t min_women = p.at("min_women").as_int64();
  out.add(r, "women", women >= min_women,
          cat(women, " woman member(s)", women >= min_women ? ", ≥ " : ", fewer than ", min_women),
          {{"women", women}, {"min_women", min_women}});
  const std::int64_t min_age = p.at("min_mediator_age").as_int64();
  out.add(r, "age", minors == 0,
          minors == 0 ? cat("every member is at least ", min_age)
                      : cat(minors, " member(s) younger than ", min_age),
          {{"under_age", minors}, {"min_age", min_age}, {"youngest", n == 0 ? 0 : youngest}});
  if (c.term_years) {
    const std::int64_t term = p.at("term_years").as_int64();
    out.add(r, "term", *c.term_years == term, cat("term of ", *c.term_years, " year(s), ", term, " by law"),
            {{"term_years", *c.term_years}, {"required", term}});
  }
  return absl::OkStatus();
}

// ---- mediation_agreement: a joint application for judicial confirmation (司法确认) -------

struct MediationAgreement {
  jiceng::Date effective_on, applied_on;
  bool joint = false;
};

absl::StatusOr<MediationAgreement> read_mediation_agreement(const Reader& rd) {
  JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "effective_on", "applied_on", "joint"}));
  MediationAgreement a;
  JICENG_ASSIGN_OR_RETURN(auto eff, opt_date(rd, "effective_on"));
  if (!eff) return rd.error("effective_on", "missing");
  JICENG_ASSIGN_OR_RETURN(auto app, opt_date(rd, "applied_on"));
  if (!app) return rd.error("applied_on", "missing");
  if (*app < *eff) {
    return rd.error("applied_on", cat(jiceng::format_date(*app), " is before effective_on ", jiceng::format_date(*eff)));
  }
  a.effective_on = *eff;
  a.applied_on = *app;
  JICENG_ASSIGN_OR_RETURN(a.joint, rd.req_bool("joint"));
  return a;
}

// The window's last day uses the built-in calendar of official rest days (第二百零三条).
absl::Status eval_mediation_agreement(const Rule& r, const MediationAgreement& a, const Reader& rd, Out& out) {
  const std::int64_t days = r.params.at("window_days").as_int64();
  auto last = jiceng::civil_code_period_last_day(jiceng::WorkCalendar::china(), a.effective_on, days);
  if (!last.ok()) return rd.error("effective_on", sv(last.status().message()));
  const bool ok = a.applied_on <= *last;
  out.add(r, "window", ok,
          cat("effective ", jiceng::format_date(a.effective_on), ", applied ", jiceng::format_date(a.applied_on),
              ok ? ", within " : ", after ", days, " days (last day ", jiceng::format_date(*last), ")"),
          {{"effective_on", jiceng::format_date(a.effective_on)}, {"applied_on", jiceng::format_date(a.applied_on)},
           {"window_days", days}, {"last_day", jiceng::format_date(*last)}});
  const bool want_joint = r.params.at("joint").as_bool();
  out.add(r, "joint", a.joint || !want_joint,
          a.joint ? std::string("applied jointly by the parties") : std::string("not applied jointly by every party"),
          {{"joint", a.joint}, {"joint_required", want_joint}});
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Finding>> evaluate_subject(const PolicySet::Impl& set, const json::object& subject) {
  const json::value* type_v = subject.if_contains("type");
  const json::value* id_v = subject.if_contains("id");
  std::string id = id_v != nullptr && id_v->is_string() ? std::string(id_v->get_string()) : std::string();
  const std::string where = cat("subject ", id.empty() ? "?" : id);
  if (type_v == nullptr) return absl::InvalidArgumentError(cat(where, ": field type: missing"));
  if (!type_v->is_string() ||
      std::find(std::begin(kSubjectTypes), std::end(kSubjectTypes), std::string_view(type_v->get_string())) ==
          std::end(kSubjectTypes)) {
    return absl::InvalidArgumentError(cat(where, ": field type: unknown subject type ", describe(*type_v),
                                                   " (expected one of ", join(kSubjectTypes, ", "), ")"));
  }
  const std::string type(type_v->get_string());
  if (id_v == nullptr) return absl::InvalidArgumentError(cat(where, " (", type, "): field id: missing"));
  if (id.empty()) {
    return absl::InvalidArgumentError(
        cat(where, " (", type, "): field id: expected a non-empty string, got ", describe(*id_v)));
  }
  Reader rd(subject, cat(where, " (", type, ")"));
  std::vector<Finding> findings;
  Out out{id, findings};

  // Read and check the whole subject first, so a bad field is an error even when no
  // rule of this set looks at it.
  std::optional<Unit> unit;
  std::optional<Slate> slate;
  std::optional<Community> community;
  std::optional<Coverage> coverage;
  std::optional<std::int64_t> projects;
  std::optional<OwnersVote> vote;
  std::optional<ResidentsMeeting> meeting;
  std::optional<MeetingVote> meeting_vote;
  std::optional<MeetingCall> call;
  std::optional<MeetingSchedule> schedule;
  std::optional<RepresentativeBody> rep_body;
  std::optional<Disclosure> disclosure;
  std::optional<ReviewRecord> review;
  std::optional<Petition> petition;
  std::optional<MediationCommittee> mediation_committee;
  std::optional<MediationAgreement> mediation_agreement;
  std::optional<Matter> matter;
  if (type == "unit") {
    JICENG_ASSIGN_OR_RETURN(unit, read_unit(rd));
  } else if (type == "committee_slate") {
    JICENG_ASSIGN_OR_RETURN(slate, read_slate(rd));
  } else if (type == "community") {
    JICENG_ASSIGN_OR_RETURN(community, read_community(rd));
  } else if (type == "coverage") {
    JICENG_ASSIGN_OR_RETURN(coverage, read_coverage(rd));
  } else if (type == "grid") {
    JICENG_RETURN_IF_ERROR(rd.only({"type", "id", "year", "practical_projects"}));
    JICENG_RETURN_IF_ERROR(rd.opt_int("year", 1949, 9999).status());
    JICENG_ASSIGN_OR_RETURN(projects, rd.req_int("practical_projects", 0, 1'000'000));
  } else if (type == "owners_vote") {
    JICENG_ASSIGN_OR_RETURN(vote, read_owners_vote(rd));
  } else if (type == "residents_meeting") {
    JICENG_ASSIGN_OR_RETURN(meeting, read_residents_meeting(rd));
  } else if (type == "meeting_vote") {
    JICENG_ASSIGN_OR_RETURN(meeting_vote, read_meeting_vote(rd));
  } else if (type == "meeting_call") {
    JICENG_ASSIGN_OR_RETURN(call, read_meeting_call(rd));
  } else if (type == "meeting_schedule") {
    JICENG_ASSIGN_OR_RETURN(schedule, read_meeting_schedule(rd));
  } else if (type == "representative_body") {
    JICENG_ASSIGN_OR_RETURN(rep_body, read_representative_body(rd));
  } else if (type == "disclosure") {
    JICENG_ASSIGN_OR_RETURN(disclosure, read_disclosure(rd));
  } else if (type == "democratic_review") {
    JICENG_ASSIGN_OR_RETURN(review, read_review_record(rd));
  } else if (type == "petition") {
    JICENG_ASSIGN_OR_RETURN(petition, read_petition(rd));
  } else if (type == "mediation_committee") {
    JICENG_ASSIGN_OR_RETURN(mediation_committee, read_mediation_committee(rd));
  } else if (type == "mediation_agreement") {
    JICENG_ASSIGN_OR_RETURN(mediation_agreement, read_mediation_agreement(rd));
  } else if (type == "matter") {
    JICENG_ASSIGN_OR_RETURN(matter, read_matter(rd));
  }

  for (const Rule& r : set.rules) {
    if (subject_type_of(r.id) != type) continue;
    const std::string_view id_r = r.id;
    if (id_r == "org.formation") {
      JICENG_RETURN_IF_ERROR(eval_org_formation(r, *unit, rd, out));
    } else if (id_r == "committee.party_ratio") {
      JICENG_RETURN_IF_ERROR(eval_party_ratio(r, *slate, rd, out));
    } else if (id_r == "committee.negative_list") {
      JICENG_RETURN_IF_ERROR(eval_negative_list(r, *slate, out));
    } else if (id_r == "committee.cross_holding") {
      JICENG_RETURN_IF_ERROR(eval_cross_holding(r, *slate, rd, out));
    } else if (id_r == "community.service_fund") {
      JICENG_RETURN_IF_ERROR(eval_service_fund(r, *community, rd, out));
    } else if (id_r == "community.secretary_reserve") {
      JICENG_RETURN_IF_ERROR(eval_secretary_reserve(r, *community, rd, out));
    } else if (id_r == "coverage.compound_branch") {
      JICENG_RETURN_IF_ERROR(eval_compound_branch(r, *coverage, rd, out));
    } else if (id_r == "coverage.grid_station") {
      JICENG_RETURN_IF_ERROR(eval_grid_station(r, *coverage, rd, out));
    } else if (id_r == "grid.practical_projects") {
      JICENG_RETURN_IF_ERROR(eval_practical_projects(r, *projects, out));
    } else if (id_r == "vote.owners_assembly") {
      JICENG_RETURN_IF_ERROR(eval_owners_assembly(r, *vote, out));
    } else if (id_r == "vote.residents_meeting") {
      JICENG_RETURN_IF_ERROR(eval_residents_meeting(r, *meeting, out));
    } else if (id_r == "vote.meeting") {
      JICENG_RETURN_IF_ERROR(eval_meeting_vote(r, *meeting_vote, out));
    } else if (id_r == "meeting.call") {
      JICENG_RETURN_IF_ERROR(eval_meeting_call(r, *call, rd, out));
    } else if (id_r == "meeting.frequency") {
      JICENG_RETURN_IF_ERROR(eval_meeting_frequency(r, *schedule, out));
    } else if (id_r == "meeting.representative_ratio") {
      JICENG_RETURN_IF_ERROR(eval_representative_ratio(r, *rep_body, out));
    } else if (id_r == "meeting.composition") {
      JICENG_RETURN_IF_ERROR(eval_composition(r, *rep_body, rd, out));
    } else if (id_r == "disclosure.posting") {
      JICENG_RETURN_IF_ERROR(eval_disclosure(r, *disclosure, out));
    } else if (id_r == "review.democratic") {
      JICENG_RETURN_IF_ERROR(eval_democratic_review(r, *review, rd, out));
    } else if (id_r == "petition.caps") {
      JICENG_RETURN_IF_ERROR(eval_caps(r, *petition, out));
    } else if (id_r == "petition.deadlines") {
      JICENG_RETURN_IF_ERROR(eval_deadlines(r, set, *petition, rd, out));
    } else if (id_r == "petition.escalation_ceiling") {
      JICENG_RETURN_IF_ERROR(eval_ceiling(r, *petition, out));
    } else if (id_r == "petition.routing") {
      JICENG_RETURN_IF_ERROR(eval_routing(r, *petition, out));
    } else if (id_r == "petition.duplicates") {
      JICENG_RETURN_IF_ERROR(eval_duplicates(r, *petition, out));
    } else if (id_r == "mediation.committee") {
      JICENG_RETURN_IF_ERROR(eval_mediation_committee(r, *mediation_committee, out));
    } else if (id_r == "mediation.confirmation") {
      JICENG_RETURN_IF_ERROR(eval_mediation_agreement(r, *mediation_agreement, rd, out));
    } else if (id_r == "deliberation.procedures") {
      JICENG_RETURN_IF_ERROR(eval_matter(r, *matter, rd, out));
    }
  }
  return findings;
}

}  // namespace jiceng::policy_internal
