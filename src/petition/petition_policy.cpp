// PetitionPolicy: the loop's rules read once out of a policy set, so that no command
// reads JSON (petition.deadlines, petition.routing, petition.caps,
// petition.escalation_ceiling, petition.duplicates, kpi.weights, kpi.ranking).
#include <algorithm>
#include <exception>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/strings.hpp"
#include "jiceng/petition.hpp"
#include "jiceng/policy.hpp"

namespace jiceng {
namespace {

namespace json = boost::json;

absl::Status field_error(std::string_view rule, std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(internal::cat("policy rule ", rule, ": ", field, ": ", what));
}

absl::StatusOr<json::object> params(const PolicySet& set, std::string_view rule) {
  auto text = set.rule_params_json(rule);
  if (!text.ok()) return text.status();
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return field_error(rule, "params", "not a JSON object");
  return v.as_object();
}

absl::StatusOr<int> get_int(const json::object& o, std::string_view rule, std::string_view key, int lo, int hi) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_int64()) return field_error(rule, key, "missing or not an integer");
  const auto x = v->as_int64();
  if (x < lo || x > hi) return field_error(rule, key, internal::cat(x, " is outside [", lo, ", ", hi, "]"));
  return static_cast<int>(x);
}

absl::StatusOr<Duration> get_duration(const json::object& o, std::string_view rule, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return field_error(rule, key, "missing or not a duration string like \"1wd\"");
  auto d = parse_duration(std::string_view(v->as_string()));
  if (!d.ok()) return field_error(rule, key, std::string(d.status().message()));
  return *d;
}

}  // namespace

std::string_view to_string(RungAnchor a) {
  switch (a) {
    case RungAnchor::kAfterDispatch: return "after_dispatch";
    case RungAnchor::kBeforeDue: return "before_due";
    case RungAnchor::kAfterDue: return "after_due";
  }
  return "?";
}

std::string_view to_string(RungAction a) { return a == RungAction::kWarn ? "warn" : "reassign"; }

namespace {
constexpr std::string_view kLadderReason = "escalation ladder rung ";
}  // namespace

std::string ladder_reason(int rung, const LadderRung& r) {
  return internal::cat(kLadderReason, rung + 1, " (level ", r.level, ", ", to_string(r.action),
                       "): ", format_duration(r.offset), " ", to_string(r.anchor));
}

std::optional<int> ladder_rung_of(const Event& event) {
  if (!event.payload.automatic || (event.type != EventType::kUrge && event.type != EventType::kEscalate)) {
    return std::nullopt;
  }
  std::string_view s = event.payload.reason;
  if (!s.starts_with(kLadderReason)) return std::nullopt;
  s.remove_prefix(kLadderReason.size());
  int k = 0;
  std::size_t digits = 0;
  for (; digits < s.size() && digits < 2 && s[digits] >= '0' && s[digits] <= '9'; ++digits) k = k * 10 + (s[digits] - '0');
  if (digits == 0 || k < 1 || k > kMaxLadderRungs || digits == s.size() || s[digits] != ' ') return std::nullopt;
  return k - 1;
}

namespace {
constexpr std::pair<CompoundParty, std::string_view> kPartyNames[] = {
    {CompoundParty::kNone, "none"},
    {CompoundParty::kCompoundPartyOrg, "compound_party_org"},
    {CompoundParty::kOwnersCommittee, "owners_committee"},
    {CompoundParty::kPropertyCompany, "property_company"},
    {CompoundParty::kSocialOrganization, "social_organization"},
};
}  // namespace

std::string_view to_string(CompoundParty p) {
  for (const auto& [party, name] : kPartyNames)
    if (party == p) return name;
  return "none";
}

std::string_view chinese_name(CompoundParty p) {
  switch (p) {
    case CompoundParty::kNone: return "";
    case CompoundParty::kCompoundPartyOrg: return "小区党组织";
    case CompoundParty::kOwnersCommittee: return "业主委员会";
    case CompoundParty::kPropertyCompany: return "物业服务企业";
    case CompoundParty::kSocialOrganization: return "社会组织";
  }
  return "";
}

std::optional<CompoundParty> parse_compound_party(std::string_view text) {
  for (const auto& [party, name] : kPartyNames)
    if (name == text) return party;
  return std::nullopt;
}

CompoundParty CompoundRouting::party(std::string_view category) const {
  auto it = std::lower_bound(parties.begin(), parties.end(), category,
                             [](const auto& p, std::string_view c) { return p.first < c; });
  return (it != parties.end() && it->first == category) ? it->second : default_party;
}

std::vector<LadderRung> EscalationPolicy::derived_ladder(Duration urge_before_due, Duration escalate_after_overdue) {
  std::vector<LadderRung> out;
  if (urge_before_due.amount > 0) out.push_back({RungAnchor::kBeforeDue, urge_before_due, 1, RungAction::kWarn});
  if (escalate_after_overdue.amount > 0) {
    out.push_back({RungAnchor::kAfterDue, escalate_after_overdue, 2, RungAction::kReassign});
  }
  return out;
}

CategoryRoute PetitionPolicy::route(std::string_view category) const {
  auto it = std::lower_bound(routes.begin(), routes.end(), category,
                             [](const auto& p, std::string_view c) { return p.first < c; });
  return (it != routes.end() && it->first == category) ? it->second : default_route;
}

std::string PetitionPolicy::category_name(std::string_view category) const {
  auto it = std::lower_bound(routes.begin(), routes.end(), category,
                             [](const auto& p, std::string_view c) { return p.first < c; });
  if (it != routes.end() && it->first == category && !it->second.zh.empty()) return it->second.zh;
  return std::string(category);
}

const std::string* PetitionPolicy::response_template(std::string_view category, State state) const {
  for (std::string_view c : {category, std::string_view("default")}) {
    auto it = std::lower_bound(responses.begin(), responses.end(), c,
                               [](const auto& p, std::string_view k) { return p.first < k; });
    if (it != responses.end() && it->first == c && !it->second[static_cast<int>(state)].empty()) {
      return &it->second[static_cast<int>(state)];
    }
  }
  return nullptr;
}

absl::StatusOr<PetitionPolicy> PetitionPolicy::from_policy_set(const PolicySet& set) {
  try {
    PetitionPolicy p;
    p.name = set.name();
    if (set.has_rule("petition.deadlines")) {
      auto text = set.rule_params_json("petition.deadlines");
      if (!text.ok()) return text.status();
      auto dp = DeadlinePolicy::from_json(*text, internal::cat(set.name(), ": petition.deadlines"));
      if (!dp.ok()) return dp.status();
      p.deadlines = *std::move(dp);
    }
    p.track = p.deadlines.track() == "xinfang" ? Track::kXinfang : Track::kHotline;
    if (set.has_rule("petition.routing")) {
      constexpr std::string_view rule = "petition.routing";
      auto o = params(set, rule);
      if (!o.ok()) return o.status();
      const json::value* cats = o->if_contains("categories");
      if (!cats || !cats->is_object()) return field_error(rule, "categories", "missing or not an object");
      for (const auto& [key, val] : cats->as_object()) {
        const std::string field = internal::cat("categories.", std::string_view(key));
        if (!val.is_object()) return field_error(rule, field, "not an object");
        CategoryRoute r;
        auto level = get_int(val.as_object(), rule, "level", 0, 5);
        if (!level.ok()) return field_error(rule, field, std::string(level.status().message()));
        r.level = *level;
        if (const json::value* b = val.as_object().if_contains("prefer_property_branch")) {
          if (!b->is_bool()) return field_error(rule, internal::cat(field, ".prefer_property_branch"), "not a boolean");
          r.prefer_property_branch = b->as_bool();
        }
        if (const json::value* zh = val.as_object().if_contains("zh")) {
          if (!zh->is_string()) return field_error(rule, internal::cat(field, ".zh"), "not a string");
          r.zh = std::string(zh->as_string());
        }
        if (key == "default") {
          p.default_route = r;
        } else {
          p.routes.emplace_back(std::string(key), r);
        }
      }
      std::sort(p.routes.begin(), p.routes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    if (set.has_rule("petition.caps")) {
      constexpr std::string_view rule = "petition.caps";
      auto o = params(set, rule);
      if (!o.ok()) return o.status();
      JICENG_ASSIGN_OR_RETURN(p.caps.max_returns, get_int(*o, rule, "max_returns", 0, 100));
      JICENG_ASSIGN_OR_RETURN(p.caps.max_reopens, get_int(*o, rule, "max_reopens", 0, 100));
      JICENG_ASSIGN_OR_RETURN(p.caps.max_extensions, get_int(*o, rule, "max_extensions", 0, 100));
      JICENG_ASSIGN_OR_RETURN(p.caps.max_reviews, get_int(*o, rule, "max_reviews", 0, 10));
      JICENG_ASSIGN_OR_RETURN(p.caps.max_text_bytes, get_int(*o, rule, "max_text_bytes", 1, 100'000'000));
    }
    if (set.has_rule("petition.escalation_ceiling")) {
      constexpr std::string_view rule = "petition.escalation_ceiling";
      auto o = params(set, rule);
      if (!o.ok()) return o.status();
      JICENG_ASSIGN_OR_RETURN(p.escalation.ceiling_level[0], get_int(*o, rule, "minor", 0, 5));
      JICENG_ASSIGN_OR_RETURN(p.escalation.ceiling_level[1], get_int(*o, rule, "major", 0, 5));
      JICENG_ASSIGN_OR_RETURN(p.escalation.ceiling_level[2], get_int(*o, rule, "critical", 0, 5));
      // The supervision timings may sit in a "supervision" object or at the top level.
      const json::object* sup = &*o;
      if (const json::value* s = o->if_contains("supervision")) {
        if (!s->is_object()) return field_error(rule, "supervision", "not an object");
        sup = &s->as_object();
      }
      if (sup->contains("escalate_after_overdue")) {
        JICENG_ASSIGN_OR_RETURN(p.escalation.escalate_after_overdue, get_duration(*sup, rule, "escalate_after_overdue"));
      }
      if (sup->contains("urge_before_due")) {
        JICENG_ASSIGN_OR_RETURN(p.escalation.urge_before_due, get_duration(*sup, rule, "urge_before_due"));
      }
    }
    if (set.has_rule("petition.escalation_ladder")) {
      // The ladder as data replaces the two timings (the schema checked every rung).
      constexpr std::string_view rule = "petition.escalation_ladder";
      auto o = params(set, rule);
      if (!o.ok()) return o.status();
      const json::value* rungs = o->if_contains("rungs");
      if (!rungs || !rungs->is_array()) return field_error(rule, "rungs", "missing or not an array");
      p.escalation.ladder.clear();
      for (std::size_t i = 0; i < rungs->as_array().size(); ++i) {
        const json::value& rv = rungs->as_array()[i];
        const std::string field = internal::cat("rungs[", i, "]");
        if (!rv.is_object()) return field_error(rule, field, "not an object");
        const json::object& ro = rv.as_object();
        LadderRung rung;
        int anchors = 0;
        for (auto [key, anchor] : {std::pair{"after_dispatch", RungAnchor::kAfterDispatch},
                                   std::pair{"before_due", RungAnchor::kBeforeDue},
                                   std::pair{"after_due", RungAnchor::kAfterDue}}) {
          if (!ro.contains(key)) continue;
          ++anchors;
          rung.anchor = anchor;
          JICENG_ASSIGN_OR_RETURN(rung.offset, get_duration(ro, rule, key));
        }
        if (anchors != 1) {
          return field_error(rule, field, "give exactly one of after_dispatch, before_due, after_due");
        }
        JICENG_ASSIGN_OR_RETURN(rung.level, get_int(ro, rule, "level", 1, 9));
        const json::value* act = ro.if_contains("action");
        if (!act || !act->is_string() || (act->as_string() != "warn" && act->as_string() != "reassign")) {
          return field_error(rule, internal::cat(field, ".action"), "expected \"warn\" or \"reassign\"");
        }
        rung.action = act->as_string() == "warn" ? RungAction::kWarn : RungAction::kReassign;
        p.escalation.ladder.push_back(rung);
      }
    } else {
      p.escalation.ladder =
          EscalationPolicy::derived_ladder(p.escalation.urge_before_due, p.escalation.escalate_after_overdue);
    }
    if (set.has_rule("petition.responses")) {
      // Checked at load (schema and placeholders): read as given.
      constexpr std::string_view rule = "petition.responses";
      auto o = params(set, rule);
      if (!o.ok()) return o.status();
      const json::value* t = o->if_contains("templates");
      if (!t || !t->is_object()) return field_error(rule, "templates", "missing or not an object");
      for (const auto& [cat, per_state] : t->as_object()) {
        if (!per_state.is_object()) return field_error(rule, internal::cat("templates.", std::string_view(cat)), "not an object");
        std::array<std::string, kStateCount> texts;
        for (const auto& [state, text] : per_state.as_object()) {
          const std::optional<State> st = parse_state(std::string_view(state));
          if (!st || !text.is_string()) {
            return field_error(rule, internal::cat("templates.", std::string_view(cat), ".", std::string_view(state)),
                               "not a state with a text");
          }
          texts[static_cast<int>(*st)] = std::string(text.as_string());
        }
        p.responses.emplace_back(std::string(cat), std::move(texts));
      }
      std::sort(p.responses.begin(), p.responses.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    if (set.has_rule("petition.compound_parties")) {
      // Validated against its schema at load: read as given.
      constexpr std::string_view rule = "petition.compound_parties";
      auto o = params(set, rule);
      if (!o.ok()) return o.status();
      CompoundRouting& c = p.compound;
      c.enabled = true;
      auto party_of = [&](const json::value* v, std::string_view field) -> absl::StatusOr<CompoundParty> {
        const auto party = v && v->is_string() ? parse_compound_party(std::string_view(v->as_string())) : std::nullopt;
        if (!party || *party == CompoundParty::kNone) return field_error(rule, field, "not one of the four parties");
        return *party;
      };
      const json::value* cats = o->if_contains("categories");
      if (!cats || !cats->is_object()) return field_error(rule, "categories", "missing or not an object");
      for (const auto& [key, val] : cats->as_object()) {
        const std::string field = internal::cat("categories.", std::string_view(key), ".party");
        JICENG_ASSIGN_OR_RETURN(CompoundParty party,
                                party_of(val.is_object() ? val.as_object().if_contains("party") : nullptr, field));
        if (key == "default") {
          c.default_party = party;
        } else {
          c.parties.emplace_back(std::string(key), party);
        }
      }
      std::sort(c.parties.begin(), c.parties.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      JICENG_ASSIGN_OR_RETURN(c.fallback, party_of(o->if_contains("fallback"), "fallback"));
      for (auto [key, member] : {std::pair{"property_requires_tripartite", &CompoundRouting::property_requires_tripartite},
                                 std::pair{"dispatch_to_party", &CompoundRouting::dispatch_to_party}}) {
        const json::value* b = o->if_contains(key);
        if (!b || !b->is_bool()) return field_error(rule, key, "missing or not a boolean");
        c.*member = b->as_bool();
      }
      if (o->contains("ceiling")) {
        JICENG_ASSIGN_OR_RETURN(c.ceiling_level, get_int(*o, rule, "ceiling", 0, 5));
      }
    }
    if (set.has_rule("petition.duplicates")) {
      constexpr std::string_view rule = "petition.duplicates";
      auto o = params(set, rule);
      if (!o.ok()) return o.status();
      JICENG_ASSIGN_OR_RETURN(p.duplicates.window, get_duration(*o, rule, "window"));
      if (p.duplicates.window.unit == TimeUnit::kWorkdays || p.duplicates.window.amount <= 0) {
        return field_error(rule, "window", "must be a positive number of hours or natural days (\"30d\", \"72h\")");
      }
      const json::value* area = o->if_contains("area");
      if (!area || !area->is_string() || (area->as_string() != "building" && area->as_string() != "grid")) {
        return field_error(rule, "area", "missing or not \"building\" or \"grid\"");
      }
      p.duplicates.area_level = area->as_string() == "building" ? 4 : 3;
    }
    if (set.has_rule("kpi.weights")) {
      auto text = set.rule_params_json("kpi.weights");
      if (!text.ok()) return text.status();
      p.kpi_weights_json = *text;
    }
    if (set.has_rule("kpi.ranking")) {
      constexpr std::string_view rule = "kpi.ranking";
      auto o = params(set, rule);
      if (!o.ok()) return o.status();
      JICENG_ASSIGN_OR_RETURN(int min, get_int(*o, rule, "min_received", 0, 1'000'000));
      p.kpi_min_received = static_cast<std::uint64_t>(min);
    }
    return p;
  } catch (const std::exception& e) {
    return absl::InternalError(internal::cat("policy ", set.name(), ": reading petition rules: ", e.what()));
  }
}

}  // namespace jiceng
