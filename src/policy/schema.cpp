// Parameter schemas of the known rules, schema validation, params merging, and the
// exact decimal / fraction arithmetic every threshold is decided with.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "jiceng/petition.hpp"
#include "policy/internal.hpp"

namespace jiceng::policy_internal {
namespace {

Schema Int(std::int64_t lo, std::int64_t hi) {
  Schema s;
  s.kind = Kind::kInt;
  s.min_int = lo;
  s.max_int = hi;
  return s;
}
Schema Number(double lo, double hi) {
  Schema s;
  s.kind = Kind::kNumber;
  s.min_num = lo;
  s.max_num = hi;
  return s;
}
Schema Bool() {
  Schema s;
  s.kind = Kind::kBool;
  return s;
}
Schema String() {
  Schema s;
  s.kind = Kind::kString;
  return s;
}
Schema Enum(std::vector<std::string> choices) {
  Schema s;
  s.kind = Kind::kEnum;
  s.choices = std::move(choices);
  return s;
}
Schema DurationSchema() {
  Schema s;
  s.kind = Kind::kDuration;
  return s;
}
Schema TimeOfDay() {
  Schema s;
  s.kind = Kind::kTimeOfDay;
  return s;
}
Schema Fraction() {
  Schema s;
  s.kind = Kind::kFraction;
  return s;
}
Field F(std::string name, Schema s, bool required = true) { return Field{std::move(name), std::move(s), required}; }
Schema Obj(std::vector<Field> fields) {
  Schema s;
  s.kind = Kind::kObject;
  s.fields = std::move(fields);
  return s;
}
Schema Map(Schema value, std::vector<std::string> required_keys, bool other_values_partial) {
  Schema s;
  s.kind = Kind::kMap;
  s.element = std::make_shared<const Schema>(std::move(value));
  s.required_keys = std::move(required_keys);
  s.other_values_partial = other_values_partial;
  return s;
}
Schema Array(Schema element, std::size_t min_items) {
  Schema s;
  s.kind = Kind::kArray;
  s.element = std::make_shared<const Schema>(std::move(element));
  s.min_items = min_items;
  return s;
}
Schema With(Schema s, std::function<absl::Status(const json::value&, const std::string&)> check) {
  s.check = std::move(check);
  return s;
}

std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : cat(path, ".", key);
}

absl::Status field_error(const std::string& path, std::string_view what) {
  return absl::InvalidArgumentError(cat("field ", path.empty() ? "params" : path, ": ", what));
}

// A threshold count with its sense: {"value": 50, "inclusive": false} = "more than 50".
Schema Threshold(std::int64_t max) { return Obj({F("value", Int(0, max)), F("inclusive", Bool())}); }
// A fraction threshold: {"fraction": "2/3", "inclusive": true} = "at least 2/3".
Schema RatioThreshold() { return Obj({F("fraction", Fraction()), F("inclusive", Bool())}); }

Schema DeadlineStage() {
  std::vector<Field> fields;
  for (const char* k : {"accept", "sign", "resolve", "evaluate", "max_extension", "return_window",
                        "objection_window", "review_request", "review_decide"}) {
    // Optional here: DeadlinePolicy::from_json decides which fields default.normal must give.
    fields.push_back(F(k, DurationSchema(), false));
  }
  return Obj(std::move(fields));
}

absl::Status unique_ids(const json::value& v, const std::string& path) {
  std::set<std::string> seen;
  const auto& arr = v.as_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    std::string id(arr[i].as_object().at("id").as_string());
    if (!seen.insert(id).second) {
      return field_error(cat(path, "[", i, "].id"), cat("duplicate condition id \"", id, "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status unique_entry_ids(const json::value& v, const std::string& path) {
  std::set<std::string> seen;
  const auto& arr = v.as_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    std::string id(arr[i].as_object().at("id").as_string());
    if (!seen.insert(id).second) return field_error(cat(path, "[", i, "].id"), cat("\"", id, "\" listed twice"));
  }
  return absl::OkStatus();
}

absl::Status unique_strings(const json::value& v, const std::string& path) {
  std::set<std::string> seen;
  const auto& arr = v.as_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    std::string s(arr[i].as_string());
    if (!seen.insert(s).second) return field_error(cat(path, "[", i, "]"), cat("\"", s, "\" listed twice"));
  }
  return absl::OkStatus();
}

absl::flat_hash_map<std::string, Schema> build_catalogue(std::vector<std::string>& order) {
  absl::flat_hash_map<std::string, Schema> c;
  auto add = [&](std::string id, Schema s) {
    order.push_back(id);
    c.emplace(std::move(id), std::move(s));
  };
  add("org.formation",
      With(Obj({F("branch_min_full_members", Threshold(1000)), F("branch_max_members", Threshold(100000)),
                F("joint_branch_max_units", Threshold(1000)), F("committee_min_full_members", Threshold(1000)),
                F("committee_size", Obj({F("min", Int(1, 100)), F("max", Int(1, 100))})),
                F("general_branch_min_members", Threshold(100000)),
                F("primary_committee_min_members", Threshold(100000))}),
           [](const json::value& v, const std::string& path) -> absl::Status {
             const auto& cs = v.as_object().at("committee_size").as_object();
             if (cs.at("min").as_int64() > cs.at("max").as_int64()) {
               return field_error(join_path(path, "committee_size"),
                                  cat("min ", cs.at("min").as_int64(), " exceeds max ", cs.at("max").as_int64()));
             }
             return absl::OkStatus();
           }));
  Schema share = Obj({F("enabled", Bool()), F("min_percent", Int(0, 100))});
  add("committee.party_ratio", Obj({F("candidates", share), F("new_members", share)}));
  add("committee.negative_list",
      Obj({F("conditions", With(Array(Obj({F("id", String()), F("zh", String()), F("en", String())}), 1), unique_ids))}));
  add("committee.cross_holding", Obj({F("min_shared", Int(0, 1000))}));
  add("community.service_fund", Obj({F("min_yuan", Int(0, 1'000'000'000'000)), F("spending_within_fund", Bool())}));
  add("community.secretary_reserve", Obj({F("reserve_per_post", Int(0, 1000))}));
  add("coverage.compound_branch", Obj({F("min_party_members", Int(1, 100000))}));
  add("coverage.grid_station", Obj({F("min_percent", Int(0, 100))}));
  add("grid.practical_projects", Obj({F("min_per_year", Int(0, 100000))}));
  Schema area_owners = Obj({F("area", RatioThreshold()), F("owners", RatioThreshold())});
  add("vote.owners_assembly",
      Obj({F("quorum", area_owners),
           F("special_items", With(Array(Int(1, 9), 0),
                                   [](const json::value& v, const std::string& path) -> absl::Status {
                                     std::set<std::int64_t> seen;
                                     for (const auto& e : v.as_array()) {
                                       if (!seen.insert(e.as_int64()).second) {
                                         return field_error(path, cat("item ", e.as_int64(), " listed twice"));
                                       }
                                     }
                                     return absl::OkStatus();
                                   })),
           F("special", area_owners), F("ordinary", area_owners)}));
  // Superseded (城市居民委员会组织法 2018 第九条); kept so old files load. See superseded().
  add("vote.residents_meeting", Obj({F("quorum", RatioThreshold()), F("decision", RatioThreshold())}));
  // One entry per meeting body. `decision.of` says what the yes votes are counted against:
  // those attending (到会人员), or all members with a vote (the party members' meeting).
  Schema decision = Obj({F("fraction", Fraction()), F("inclusive", Bool()), F("of", Enum({"attending", "members"}))});
  // The general meetings may also be held with the households' representatives (户的代表).
  // voter_min_age: those on the roll younger than this on the meeting's day attend without a
  // vote (居 第二十六条 / 村 第二十五条: the meeting is of residents or villagers aged 18+).
  Schema general = Obj({F("quorum", RatioThreshold()), F("household_quorum", RatioThreshold()), F("decision", decision),
                        F("voter_min_age", Int(1, 150), false)});
  Schema members_only = Obj({F("quorum", RatioThreshold()), F("decision", decision)});
  add("vote.meeting",
      Obj({F("residents_meeting", general), F("residents_representatives_meeting", members_only),
           F("villagers_meeting", general),
           F("villagers_representatives_meeting",
             Obj({F("quorum", RatioThreshold()), F("decision", decision),
                  // 一事一议 筹资筹劳: one household, one vote.
                  F("fundraising", Obj({F("household_quorum", RatioThreshold(), false),
                                        F("household_decision", RatioThreshold())}))})),
           F("party_members_meeting", members_only)}));
  Schema routes = Map(RatioThreshold(), {}, false);  // who may propose (提议) → share of them needed
  add("meeting.call",
      Obj({F("proposal", Obj({F("residents_meeting", routes, false), F("residents_representatives_meeting", routes, false),
                              F("villagers_meeting", routes, false), F("villagers_representatives_meeting", routes, false)})),
           F("notice_days", Obj({F("residents_meeting", Int(0, 366), false),
                                 F("residents_representatives_meeting", Int(0, 366), false),
                                 F("villagers_meeting", Int(0, 366), false),
                                 F("villagers_representatives_meeting", Int(0, 366), false)})),
           F("special_circumstances_exempt", Bool())}));
  Schema cadence = Obj({F("period", Enum({"year", "half_year", "quarter", "month"})), F("min_per_period", Int(1, 366))});
  std::vector<Field> cadences;
  for (const char* b : {"residents_meeting", "residents_representatives_meeting", "villagers_meeting",
                        "villagers_representatives_meeting", "party_members_meeting"}) {
    cadences.push_back(F(b, cadence, false));
  }
  add("meeting.frequency", Obj(std::move(cadences)));
  Schema band = With(Obj({F("min_households", Int(1, 100000)), F("max_households", Int(1, 100000))}),
                     [](const json::value& v, const std::string& path) -> absl::Status {
                       const auto& o = v.as_object();
                       if (o.at("min_households").as_int64() > o.at("max_households").as_int64()) {
                         return field_error(path, cat("min_households ", o.at("min_households").as_int64(),
                                                      " exceeds max_households ", o.at("max_households").as_int64()));
                       }
                       return absl::OkStatus();
                     });
  add("meeting.representative_ratio",
      Obj({F("residents_representatives_meeting", band, false), F("villagers_representatives_meeting", band, false)}));
  Schema composition = Obj({F("representatives_share", RatioThreshold()), F("women_share", RatioThreshold(), false)});
  add("meeting.composition", Obj({F("residents_representatives_meeting", composition, false),
                                  F("villagers_representatives_meeting", composition, false)}));
  add("disclosure.posting", Obj({F("min_days", Int(1, 3650))}));
  // Deliberation (议事): procedures as ordered steps (a meeting of one of the listed bodies,
  // a disclosure, or implementation), the thresholds of the two committee meetings that
  // vote.meeting does not cover, which procedure a matter of a kind and scope follows, the
  // kinds listed as major, the owners' matters of 民法典 第二百七十八条 with their item, and the
  // 一事一议 proposal shares and caps. The deliberation loop reads it (src/loop).
  {
    const std::vector<std::string> bodies = {"party_committee", "joint_committees", "party_members_meeting",
                                             "residents_meeting", "residents_representatives_meeting",
                                             "villagers_meeting", "villagers_representatives_meeting", "council",
                                             "owners_assembly"};
    // A step is a meeting of one of its bodies (authorisation: the representatives' bodies
    // that decide there only as the villagers' meeting authorised, 村 第二十八条第二款), a
    // disclosure, implementation, the households' canvass (一事一议 signatures) or the
    // township's review (乡镇审核).
    Schema step = With(Obj({F("id", String()), F("zh", String()),
                            F("kind", Enum({"meeting", "disclosure", "implement", "canvass", "review"})),
                            F("bodies", Array(Enum(bodies), 1), false), F("merge_when_one_shoulder", Bool(), false),
                            F("authorisation",
                              Array(Enum({"residents_representatives_meeting", "villagers_representatives_meeting"}), 1),
                              false)}),
                       [](const json::value& v, const std::string& path) -> absl::Status {
                         const auto& o = v.as_object();
                         const bool meeting = o.at("kind").as_string() == "meeting";
                         if (meeting != o.contains("bodies")) {
                           return field_error(join_path(path, "bodies"),
                                              meeting ? "a meeting step names its bodies" : "only a meeting step has bodies");
                         }
                         if (const json::value* a = o.if_contains("authorisation")) {
                           for (const auto& b : a->as_array()) {
                             bool listed = false;
                             for (const auto& x : o.at("bodies").as_array()) listed = listed || x == b;
                             if (!listed) {
                               return field_error(join_path(path, "authorisation"),
                                                  cat("\"", std::string_view(b.as_string()), "\" is not one of the step's bodies"));
                             }
                           }
                         }
                         return absl::OkStatus();
                       });
    Schema procedure = Obj({F("zh", String()), F("steps", With(Array(step, 1), unique_ids))});
    Schema vote_decision = Obj({F("fraction", Fraction()), F("inclusive", Bool()), F("of", Enum({"attending", "members"}))});
    Schema committee = Obj({F("quorum", RatioThreshold()), F("decision", vote_decision)});
    Schema choice = Obj({F("kinds", Array(String(), 0)), F("scopes", Array(Enum({"community", "compound", "village"}), 0)),
                         F("procedure", String())});
    add("deliberation.procedures",
        With(Obj({F("procedures", Map(procedure, {}, false)),
                  F("committee_meetings", Obj({F("party_committee", committee), F("joint_committees", committee)})),
                  F("council_majority", RatioThreshold()), F("selection", Array(choice, 1)),
                  F("major_kinds", Array(String(), 0)), F("major_procedure", String()),
                  F("owners_items", Map(Int(1, 9), {}, false)), F("owners_procedure", String()),
                  F("one_shoulder_merge", Bool()),
                  F("one_matter_one_deliberation",
                    Obj({F("proposal", Obj({F("villagers", RatioThreshold()), F("representatives", RatioThreshold())})),
                         F("cap_cash_fen_per_person_year", Int(0, 1'000'000'000)),
                         F("cap_workdays_per_labourer_year", Int(0, 366)), F("caps_verified", Bool())}))}),
             [](const json::value& v, const std::string& path) -> absl::Status {
               const auto& o = v.as_object();
               const auto& procs = o.at("procedures").as_object();
               auto known = [&](const json::value& name, const std::string& where) -> absl::Status {
                 if (!procs.contains(name.as_string())) {
                   return field_error(where, cat("procedure \"", std::string_view(name.as_string()),
                                                 "\" is not one of procedures"));
                 }
                 return absl::OkStatus();
               };
               const auto& sel = o.at("selection").as_array();
               for (std::size_t i = 0; i < sel.size(); ++i) {
                 JICENG_RETURN_IF_ERROR(known(sel[i].as_object().at("procedure"),
                                              cat(join_path(path, "selection"), "[", i, "].procedure")));
               }
               JICENG_RETURN_IF_ERROR(known(o.at("major_procedure"), join_path(path, "major_procedure")));
               JICENG_RETURN_IF_ERROR(known(o.at("owners_procedure"), join_path(path, "owners_procedure")));
               return absl::OkStatus();
             }));
  }
  // Read by the projects and service-fund loops (src/loop/projects_loop.cpp, fund_loop.cpp):
  // their guards are the checks.
  add("project.kinds",
      Obj({F("kinds", With(Array(Obj({F("id", String()), F("zh", String()), F("review_interval_days", Int(0, 366))}), 1),
                           unique_entry_ids))}));
  add("project.decision",
      Obj({F("matter_kinds", Array(String(), 0)),
           F("four_two", Obj({F("kinds", Array(String(), 0)), F("rural_units", Bool()),
                              F("min_budget_yuan", Int(0, 1'000'000'000)), F("threshold_verified", Bool())}))}));
  add("village_plan.campaign",
      With(Obj({F("tiers", With(Array(String(), 1), unique_strings)), F("plan_within_years", Int(1, 10)),
                F("cover_within_years", Int(1, 10))}),
           [](const json::value& v, const std::string& path) -> absl::Status {
             const auto& o = v.as_object();
             if (o.at("plan_within_years").as_int64() > o.at("cover_within_years").as_int64()) {
               return field_error(join_path(path, "plan_within_years"), "exceeds cover_within_years");
             }
             return absl::OkStatus();
           }));
  Schema category = Obj({F("id", String()), F("zh", String())});
  add("fund.categories",
      With(Obj({F("categories", Array(category, 1)), F("negative", Array(category, 0))}),
           [](const json::value& v, const std::string& path) -> absl::Status {
             std::set<std::string> seen;
             for (const char* list : {"categories", "negative"}) {
               const auto& a = v.as_object().at(list).as_array();
               for (std::size_t i = 0; i < a.size(); ++i) {
                 std::string id(a[i].as_object().at("id").as_string());
                 if (!seen.insert(id).second) {
                   return field_error(cat(join_path(path, list), "[", i, "].id"), cat("category \"", id, "\" listed twice"));
                 }
               }
             }
             return absl::OkStatus();
           }));
  add("review.democratic",
      With(Obj({F("grades", Array(String(), 1)), F("failing_grade", String()), F("consecutive_to_end", Int(1, 10)),
                F("min_per_year", Int(1, 12))}),
           [](const json::value& v, const std::string& path) -> absl::Status {
             const auto& o = v.as_object();
             std::set<std::string> seen;
             const auto& grades = o.at("grades").as_array();
             for (std::size_t i = 0; i < grades.size(); ++i) {
               if (!seen.insert(std::string(grades[i].as_string())).second) {
                 return field_error(cat(join_path(path, "grades"), "[", i, "]"),
                                    cat("grade \"", std::string_view(grades[i].as_string()), "\" listed twice"));
               }
             }
             if (!seen.contains(std::string(o.at("failing_grade").as_string()))) {
               return field_error(join_path(path, "failing_grade"),
                                  cat("\"", std::string_view(o.at("failing_grade").as_string()), "\" is not one of the grades"));
             }
             return absl::OkStatus();
           }));
  // The public commitments loop (承诺): the term a list covers and how often progress is posted.
  add("commitments.list", Obj({F("term_years", Int(1, 10)),
                               F("progress_period", Enum({"month", "quarter", "half_year", "year"}))}));
  // The assessment loop (考评): credit score = base + Σ points (no floor), grades by bands
  // (highest minimum first, strictly decreasing), the grades of the red and black lists, and
  // how many clean periods take a company off the black list.
  add("assessment.credit",
      With(Obj({F("base", Int(-1'000'000, 1'000'000)), F("period", Enum({"month", "quarter", "half_year", "year"})),
                F("bands", Array(Obj({F("grade", String()), F("min", Int(-1'000'000, 1'000'000))}), 1)),
                F("lowest_grade", String()), F("red_list_grades", Array(String(), 0)),
                F("black_list_grades", Array(String(), 0)),
                // Published periods in a row without a black grade before a company leaves
                // the black list; absent = 1 (the next such period).
                F("black_list_release_periods", Int(1, 100), false)}),
           [](const json::value& v, const std::string& path) -> absl::Status {
             const auto& o = v.as_object();
             std::set<std::string> grades;
             const auto& bands = o.at("bands").as_array();
             for (std::size_t i = 0; i < bands.size(); ++i) {
               const auto& b = bands[i].as_object();
               const std::string g(b.at("grade").as_string());
               if (!grades.insert(g).second) {
                 return field_error(cat(join_path(path, "bands"), "[", i, "].grade"), cat("grade \"", g, "\" listed twice"));
               }
               if (i > 0 && b.at("min").as_int64() >= bands[i - 1].as_object().at("min").as_int64()) {
                 return field_error(cat(join_path(path, "bands"), "[", i, "].min"),
                                    cat("minimum ", b.at("min").as_int64(), " is not below the band before it (",
                                        bands[i - 1].as_object().at("min").as_int64(), ")"));
               }
             }
             const std::string lowest(o.at("lowest_grade").as_string());
             if (!grades.insert(lowest).second) {
               return field_error(join_path(path, "lowest_grade"), cat("\"", lowest, "\" is also a band's grade"));
             }
             for (const char* list : {"red_list_grades", "black_list_grades"}) {
               for (const auto& g : o.at(list).as_array()) {
                 if (!grades.contains(std::string(g.as_string()))) {
                   return field_error(join_path(path, list),
                                      cat("\"", std::string_view(g.as_string()), "\" is not one of the grades"));
                 }
               }
             }
             return absl::OkStatus();
           }));
  add("petition.deadlines",
      Obj({F("track", Enum({"hotline", "xinfang"})), F("due_time", TimeOfDay(), false),
           F("categories", Map(Obj({F("normal", DeadlineStage(), false), F("urgent", DeadlineStage(), false)}),
                               {"default"}, true))}));
  add("petition.routing",
      Obj({F("categories",
             Map(Obj({F("level", Int(1, 3)), F("prefer_property_branch", Bool(), false), F("zh", String(), false)}),
                 {"default"}, false))}));
  // The escalation ladder (督办阶梯): rungs fired by the clock, each at a moment measured
  // from the dispatch or from the deadline; read by the petition engine (PetitionPolicy).
  add("petition.escalation_ladder",
      Obj({F("rungs",
             With(Array(With(Obj({F("after_dispatch", DurationSchema(), false), F("before_due", DurationSchema(), false),
                                  F("after_due", DurationSchema(), false), F("level", Int(1, 9)),
                                  F("action", Enum({"warn", "reassign"}))}),
                             [](const json::value& v, const std::string& path) -> absl::Status {
                               int anchors = 0;
                               for (const char* k : {"after_dispatch", "before_due", "after_due"}) {
                                 const json::value* d = v.as_object().if_contains(k);
                                 if (d == nullptr) continue;
                                 ++anchors;
                                 auto dur = jiceng::parse_duration(std::string_view(d->as_string()));
                                 if (dur.ok() && dur->amount <= 0) {
                                   return field_error(join_path(path, k), "a rung's moment must be a positive duration");
                                 }
                               }
                               if (anchors != 1) {
                                 return field_error(path, "give exactly one of after_dispatch, before_due, after_due");
                               }
                               return absl::OkStatus();
                             }),
                        0),
                  [](const json::value& v, const std::string& path) -> absl::Status {
                    if (v.as_array().size() > static_cast<std::size_t>(jiceng::kMaxLadderRungs)) {
                      return field_error(path, cat("at most ", jiceng::kMaxLadderRungs, " rungs, got ", v.as_array().size()));
                    }
                    return absl::OkStatus();
                  }))}));
  // Response templates (答复模板): per category ("default" for the rest) and state, a text
  // with placeholders; policy_set.cpp refuses an unknown placeholder at load.
  {
    std::vector<Field> states;
    for (const char* st : {"received", "accepted", "rejected", "merged", "dispatched", "in_progress", "resolved",
                           "closed", "withdrawn"}) {
      states.push_back(F(st, String(), false));
    }
    add("petition.responses", Obj({F("templates", Map(Obj(std::move(states)), {}, false))}));
  }
  // 四方协同 inside a compound: the party answering for each category, the tripartite
  // precondition of the property company, whom it falls back to, and the compound's ceiling.
  {
    Schema party = Enum({"compound_party_org", "owners_committee", "property_company", "social_organization"});
    add("petition.compound_parties",
        Obj({F("categories", Map(Obj({F("party", party), F("basis", String(), false)}), {"default"}, false)),
             F("property_requires_tripartite", Bool()), F("fallback", party), F("dispatch_to_party", Bool()),
             F("ceiling", Int(0, 5), false)}));
  }
  add("petition.duplicates", Obj({F("window", DurationSchema()), F("area", Enum({"building", "grid"}))}));
  add("petition.caps", Obj({F("max_returns", Int(0, 100)), F("max_reopens", Int(0, 100)),
                            F("max_extensions", Int(0, 100)), F("max_reviews", Int(0, 10)),
                            F("max_text_bytes", Int(1, 100'000'000))}));
  add("petition.escalation_ceiling",
      With(Obj({F("minor", Int(0, 5)), F("major", Int(0, 5)), F("critical", Int(0, 5)),
                F("supervision", Obj({F("escalate_after_overdue", DurationSchema()), F("urge_before_due", DurationSchema())}))}),
           [](const json::value& v, const std::string& path) -> absl::Status {
             const auto& o = v.as_object();
             std::int64_t minor = o.at("minor").as_int64(), major = o.at("major").as_int64(),
                          critical = o.at("critical").as_int64();
             // A graver matter may climb at least as high (a smaller level number).
             if (major > minor) {
               return field_error(join_path(path, "major"),
                                  cat("ceiling level ", major, " is lower than minor's ", minor));
             }
             if (critical > major) {
               return field_error(join_path(path, "critical"),
                                  cat("ceiling level ", critical, " is lower than major's ", major));
             }
             return absl::OkStatus();
           }));
  // 人民调解 (人民调解法 2010): a committee of `members.min`..`members.max` members with
  // `chairs` chair(s) and at least `min_women` women, elected for `term_years` years
  // (arts. 8, 9); every mediator at least `min_mediator_age` years old (art. 14).
  add("mediation.committee",
      With(Obj({F("members", Obj({F("min", Int(1, 100)), F("max", Int(1, 100))})), F("chairs", Int(1, 10)),
                F("min_women", Int(0, 100)), F("term_years", Int(1, 10)), F("min_mediator_age", Int(1, 100))}),
           [](const json::value& v, const std::string& path) -> absl::Status {
             const auto& m = v.as_object().at("members").as_object();
             if (m.at("min").as_int64() > m.at("max").as_int64()) {
               return field_error(join_path(path, "members"),
                                  cat("min ", m.at("min").as_int64(), " exceeds max ", m.at("max").as_int64()));
             }
             return absl::OkStatus();
           }));
  // Judicial confirmation (司法确认) of a mediation agreement: the parties apply jointly
  // within `window_days` days of its taking effect (人民调解法 第三十三条), counted as the
  // Civil Code counts a period (第二百零一条, 第二百零三条).
  add("mediation.confirmation", Obj({F("window_days", Int(1, 3650)), F("joint", Bool())}));
  // Fair league tables: the petitions a unit needs in the period to be ranked.
  add("kpi.ranking", Obj({F("min_received", Int(0, 1'000'000))}));
  // The petition categories that are disputes between parties (民间纠纷, 人民调解法 第二条):
  // a petition of one may be referred to a mediation committee (the mediation loop's refer).
  add("mediation.referral", Obj({F("dispute_categories", Array(String(), 1))}));
  add("kpi.weights",
      With(Obj({F("response", Number(0, 100)), F("solve", Number(0, 100)), F("satisfaction", Number(0, 100)),
                F("basic_satisfaction_factor", Number(0, 1))}),
           [](const json::value& v, const std::string& path) -> absl::Status {
             const auto& o = v.as_object();
             double sum = 0;
             for (const char* k : {"response", "solve", "satisfaction"}) sum += o.at(k).to_number<double>();
             if (std::fabs(sum - 100.0) > 1e-9) {
               return field_error(path.empty() ? "params" : path,
                                  cat("weights response + solve + satisfaction must sum to 100, got ", sum));
             }
             return absl::OkStatus();
           }));
  return c;
}

struct Catalogue {
  std::vector<std::string> order;
  absl::flat_hash_map<std::string, Schema> schemas;
  Catalogue() { schemas = build_catalogue(order); }
};

const Catalogue& catalogue() {
  static const Catalogue* c = new Catalogue();
  return *c;
}

bool parse_int(std::string_view s, std::int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

const Schema* rule_schema(std::string_view rule_id) {
  const auto& c = catalogue();
  auto it = c.schemas.find(av(rule_id));
  return it == c.schemas.end() ? nullptr : &it->second;
}

const std::vector<std::string>& known_rules() { return catalogue().order; }

const std::vector<std::string>& rule_checks(std::string_view rule_id) {
  // The checks each evaluator in rules.cpp reports; policy_test.cpp's coverage counts a
  // pass and a fail side of each. tests/policy asserts every finding the cases produce
  // names a check listed here, so the list cannot silently fall behind the evaluators.
  static const absl::flat_hash_map<std::string, std::vector<std::string>> kChecks = {
      {"org.formation", {"form", "joint_units", "size", "committee"}},
      {"committee.party_ratio", {"candidates", "new_members"}},
      {"committee.negative_list", {"candidates"}},
      {"committee.cross_holding", {"shared"}},
      {"community.service_fund", {"minimum", "spending"}},
      {"community.secretary_reserve", {"reserve"}},
      {"coverage.compound_branch", {"compounds"}},
      {"coverage.grid_station", {"grids"}},
      {"grid.practical_projects", {"projects"}},
      {"vote.owners_assembly", {"quorum_area", "quorum_owners", "approval_area", "approval_owners"}},
      {"vote.residents_meeting", {"quorum", "decision"}},
      {"vote.meeting", {"quorum", "decision"}},
      {"meeting.call", {"proposal", "notice"}},
      {"meeting.frequency", {"frequency"}},
      {"meeting.representative_ratio", {"ratio"}},
      {"meeting.composition", {"representatives_share", "women_share"}},
      {"disclosure.posting", {"duration"}},
      {"deliberation.procedures", {"procedure", "owners", "levy"}},
      {"review.democratic", {"yearly", "office"}},
      {"petition.caps", {"returns", "reopens", "extensions", "reviews", "text_bytes"}},
      {"petition.deadlines", {"extension_total"}},
      {"petition.escalation_ceiling", {"ceiling"}},
      {"petition.routing", {"level"}},
      {"petition.duplicates", {"window"}},
      {"mediation.committee", {"size", "chair", "women", "age", "term"}},
      {"mediation.confirmation", {"window", "joint"}},
  };
  static const std::vector<std::string> kNone;
  auto it = kChecks.find(av(rule_id));
  return it == kChecks.end() ? kNone : it->second;
}

const Superseded* superseded(std::string_view rule_id) {
  // The national set's definition before the 2026 laws, so that an old file overriding
  // only its params still loads after the built-in sets moved to vote.meeting.
  static constexpr Superseded kResidentsMeeting{
      "vote.meeting",
      "superseded by vote.meeting: 城市居民委员会组织法 2018 第九条 no longer applies from 2026-01-01 (now 第二十六至二十九条)",
      R"({"id": "vote.residents_meeting", "severity": "error",
          "params": {"quorum": {"fraction": "1/2", "inclusive": false}, "decision": {"fraction": "1/2", "inclusive": false}},
          "message_zh": "居民会议必须有全体十八周岁以上的居民、户的代表或者居民小组选举的代表的过半数出席，才能举行；会议的决定由出席人的过半数通过。",
          "message_en": "A residents' meeting may be held only when more than half of those entitled attend; its decisions need more than half of those attending.",
          "source": "城市居民委员会组织法 (2018) 第九条, superseded from 2026-01-01 by the 2025 revision, 第二十六至二十九条 (use vote.meeting)."})"};
  if (rule_id == "vote.residents_meeting") return &kResidentsMeeting;
  return nullptr;
}

std::string describe(const json::value& v) {
  switch (v.kind()) {
    case json::kind::object: return "an object";
    case json::kind::array: return "an array";
    case json::kind::null: return "null";
    case json::kind::double_: {
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, v.get_double());  // shortest round-trip form
      return std::string(buf, res.ptr);
    }
    default: {
      std::string s = json::serialize(v);
      if (s.size() > 60) s = s.substr(0, 57) + "...";
      return s;
    }
  }
}

absl::Status validate(const json::value& v, const Schema& s, const std::string& path, bool partial) {
  switch (s.kind) {
    case Kind::kInt: {
      std::int64_t n = 0;
      if (v.is_int64()) {
        n = v.get_int64();
      } else if (v.is_uint64()) {
        return field_error(path, cat("expected an integer in [", s.min_int, ", ", s.max_int, "], got ", describe(v)));
      } else {
        return field_error(path, cat("expected an integer, got ", describe(v)));
      }
      if (n < s.min_int || n > s.max_int) {
        return field_error(path, cat("expected an integer in [", s.min_int, ", ", s.max_int, "], got ", n));
      }
      break;
    }
    case Kind::kNumber: {
      if (!v.is_number()) return field_error(path, cat("expected a number, got ", describe(v)));
      double d = v.to_number<double>();
      if (!(d >= s.min_num && d <= s.max_num)) {
        return field_error(path, cat("expected a number in [", s.min_num, ", ", s.max_num, "], got ", describe(v)));
      }
      break;
    }
    case Kind::kBool:
      if (!v.is_bool()) return field_error(path, cat("expected true or false, got ", describe(v)));
      break;
    case Kind::kString:
      if (!v.is_string() || v.get_string().empty()) {
        return field_error(path, cat("expected a non-empty string, got ", describe(v)));
      }
      break;
    case Kind::kEnum: {
      if (!v.is_string() ||
          std::find(s.choices.begin(), s.choices.end(), std::string_view(v.get_string())) == s.choices.end()) {
        return field_error(path, cat("expected one of \"", join(s.choices, "\", \""), "\", got ",
                                              describe(v)));
      }
      break;
    }
    case Kind::kDuration: {
      if (!v.is_string()) return field_error(path, cat("expected a duration string like \"5wd\", got ", describe(v)));
      auto d = jiceng::parse_duration(std::string_view(v.get_string()));
      if (!d.ok()) return field_error(path, sv(d.status().message()));
      break;
    }
    case Kind::kTimeOfDay: {
      std::int64_t h = -1, m = -1;
      bool ok = v.is_string() && v.get_string().size() == 5 && v.get_string()[2] == ':' &&
                parse_int(std::string_view(v.get_string()).substr(0, 2), h) &&
                parse_int(std::string_view(v.get_string()).substr(3, 2), m) && h >= 0 && h <= 23 && m >= 0 && m <= 59;
      if (!ok) return field_error(path, cat("expected a time of day \"HH:MM\", got ", describe(v)));
      break;
    }
    case Kind::kFraction: {
      std::int64_t num = -1, den = 0;
      bool ok = false;
      if (v.is_string()) {
        std::string_view t = v.get_string();
        auto slash = t.find('/');
        ok = slash != std::string_view::npos && parse_int(t.substr(0, slash), num) &&
             parse_int(t.substr(slash + 1), den) && num >= 0 && den > 0 && num <= den && den <= 1'000'000;
      }
      if (!ok) {
        return field_error(path, cat("expected a fraction \"a/b\" with 0 ≤ a ≤ b ≤ 1000000, got ", describe(v)));
      }
      break;
    }
    case Kind::kObject: {
      if (!v.is_object()) return field_error(path, cat("expected an object, got ", describe(v)));
      const auto& o = v.get_object();
      for (const auto& kv : o) {
        bool known = std::any_of(s.fields.begin(), s.fields.end(), [&](const Field& f) { return f.name == kv.key(); });
        if (!known) {
          std::vector<std::string> names;
          for (const auto& f : s.fields) names.push_back(f.name);
          return field_error(join_path(path, kv.key()),
                             cat("unknown parameter (expected one of ", join(names, ", "), ")"));
        }
      }
      for (const auto& f : s.fields) {
        auto it = o.find(f.name);
        if (it == o.end()) {
          if (f.required && !partial) return field_error(join_path(path, f.name), "missing");
          continue;
        }
        if (partial && it->value().is_null()) continue;  // an override's null removes the member
        JICENG_RETURN_IF_ERROR(validate(it->value(), f.schema, join_path(path, f.name), partial));
      }
      break;
    }
    case Kind::kMap: {
      if (!v.is_object()) return field_error(path, cat("expected an object, got ", describe(v)));
      const auto& o = v.get_object();
      for (const auto& k : s.required_keys) {
        if (!partial && !o.contains(k)) return field_error(join_path(path, k), "missing");
      }
      for (const auto& kv : o) {
        std::string_view key = kv.key();
        bool ident = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        });
        if (!ident) {
          return field_error(join_path(path, key), "keys must be lower-case identifiers (a-z, 0-9, _ and -)");
        }
        bool required = std::find(s.required_keys.begin(), s.required_keys.end(), key) != s.required_keys.end();
        if (partial && kv.value().is_null()) continue;  // an override's null removes the key
        bool value_partial = partial || (s.other_values_partial && !required);
        JICENG_RETURN_IF_ERROR(validate(kv.value(), *s.element, join_path(path, key), value_partial));
      }
      break;
    }
    case Kind::kArray: {
      if (!v.is_array()) return field_error(path, cat("expected an array, got ", describe(v)));
      const auto& a = v.get_array();
      if (a.size() < s.min_items) return field_error(path, cat("expected at least ", s.min_items, " item(s)"));
      // Arrays replace wholesale when merged, so their items are always complete.
      for (std::size_t i = 0; i < a.size(); ++i) {
        JICENG_RETURN_IF_ERROR(validate(a[i], *s.element, cat(path, "[", i, "]"), false));
      }
      break;
    }
  }
  if (s.check && !partial) JICENG_RETURN_IF_ERROR(s.check(v, path));
  return absl::OkStatus();
}

void merge_into(json::object& base, const json::object& over) {
  for (const auto& kv : over) {
    if (kv.value().is_null()) {
      base.erase(kv.key());
      continue;
    }
    auto it = base.find(kv.key());
    if (it != base.end() && it->value().is_object() && kv.value().is_object()) {
      merge_into(it->value().get_object(), kv.value().get_object());
    } else {
      base[kv.key()] = kv.value();
    }
  }
}

bool meets(std::int64_t part, std::int64_t whole, const Ratio& r) {
  if (whole <= 0) return false;
  absl::int128 lhs = absl::int128(part) * r.den;
  absl::int128 rhs = absl::int128(r.num) * whole;
  return r.inclusive ? lhs >= rhs : lhs > rhs;
}

std::string ratio_text(const Ratio& r) {
  return cat(r.inclusive ? "≥ " : "> ", r.num, "/", r.den);
}

Ratio ratio_param(const json::object& o) {
  Ratio r;
  std::string_view t = o.at("fraction").as_string();
  auto slash = t.find('/');
  parse_int(t.substr(0, slash), r.num);
  parse_int(t.substr(slash + 1), r.den);
  r.inclusive = o.at("inclusive").as_bool();
  return r;
}

absl::StatusOr<std::int64_t> parse_decimal(const json::value& v, int scale) {
  std::int64_t factor = 1;
  for (int i = 0; i < scale; ++i) factor *= 10;
  const std::int64_t limit = INT64_MAX / factor;
  if (v.is_int64()) {
    std::int64_t n = v.get_int64();
    if (n < 0) return absl::InvalidArgumentError(cat("expected a non-negative amount, got ", n));
    if (n > limit) return absl::InvalidArgumentError(cat("amount ", n, " is too large"));
    return n * factor;
  }
  if (v.is_uint64()) return absl::InvalidArgumentError(cat("amount ", describe(v), " is too large"));
  if (v.is_double()) {
    return absl::InvalidArgumentError(cat(
        "got the floating-point number ", describe(v),
        "; give a decimal amount as a string (e.g. \"12000.50\") or an integer, so that no boundary is decided by rounding"));
  }
  if (!v.is_string()) {
    return absl::InvalidArgumentError(cat("expected a decimal string or an integer, got ", describe(v)));
  }
  std::string_view t = v.get_string();
  auto dot = t.find('.');
  std::string_view whole = t.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : t.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(whole) || (dot != std::string_view::npos && !digits(frac))) {
    return absl::InvalidArgumentError(
        cat("\"", t, "\" is not a non-negative decimal (digits, optionally a point and more digits)"));
  }
  if (static_cast<int>(frac.size()) > scale) {
    return absl::InvalidArgumentError(cat("\"", t, "\" has more than ", scale, " decimal places"));
  }
  std::int64_t w = 0;
  if (whole.size() > 18 || !parse_int(whole, w) || w > limit) {
    return absl::InvalidArgumentError(cat("amount \"", t, "\" is too large"));
  }
  std::int64_t f = 0;
  if (!frac.empty()) parse_int(frac, f);
  for (int i = static_cast<int>(frac.size()); i < scale; ++i) f *= 10;
  return w * factor + f;
}

std::string format_decimal(std::int64_t scaled, int scale) {
  std::int64_t factor = 1;
  for (int i = 0; i < scale; ++i) factor *= 10;
  std::string out = cat(scaled / factor);
  std::int64_t frac = scaled % factor;
  if (frac == 0) return out;
  std::string f = cat(frac + factor).substr(1);  // zero-padded to `scale` digits
  while (!f.empty() && f.back() == '0') f.pop_back();
  return cat(out, ".", f);
}

std::string percent_text(std::int64_t part, std::int64_t whole, int decimals) {
  if (whole <= 0) return "n/a";
  std::int64_t factor = 1;
  for (int i = 0; i < decimals; ++i) factor *= 10;
  absl::int128 q = absl::int128(part) * 100 * factor / whole;  // truncated: never shows a pass that is not one
  std::int64_t n = static_cast<std::int64_t>(q);
  std::string out = cat(n / factor);
  if (decimals > 0) out += cat(".", cat(n % factor + factor).substr(1));
  return out + "%";
}

}  // namespace jiceng::policy_internal
