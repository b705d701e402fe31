// The deliberation loop's part of the demo year (议事), from the year's second day: every
// community takes the parking complaints to a 议事会 (council); every second community takes a
// public-welfare project through 四议两公开 with its party committee, the two committees, its
// party members (one of them probationary, attending without a vote) and a residents'
// representatives' meeting, attendance and votes drawn from the org's members (some
// communities fail the party members' quorum, return to draft and meet again); every fifth
// community has paid parking on common roads (民法典 第二百七十八条 item 8): the demo first
// puts it to a residents' meeting, which the policy refuses, and then to the owners by area and
// head. Disclosures are completed by the clock after 15 days; one community takes a notice
// down early (a finding). At the last tick, clusters among the year's petitions (same
// community and category, three or more within 30 days) raise matters taken to a 议事会,
// their petitions still being handled referred to them (转办议事). report.json gains
// "deliberation".
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "demo/loop_parts.hpp"
#include "jiceng/calendar.hpp"
#include "jiceng/deliberation.hpp"
#include "jiceng/engine.hpp"
#include "report/text.hpp"

namespace jiceng::demo {
namespace {

namespace json = boost::json;

constexpr std::string_view kLoop = "deliberation";

struct People {
  std::vector<std::string> committee;  // party members whose relation is at the community itself
  std::vector<std::string> party;      // party members whose relation is in its subtree
  std::vector<std::string> residents;  // members residing in its subtree (the representatives)
  std::vector<std::string> staff;      // non-party members at the community (residents' committee)
  std::vector<std::string> households;
};

// The members and households of each community, from the district's org document.
std::vector<People> people_of(const District& d) {
  std::map<std::string, int> index;
  for (std::size_t i = 0; i < d.units.size(); ++i) index[d.units[i].id] = static_cast<int>(i);
  std::vector<People> out(d.communities.size());
  auto community_of = [&](const json::value* unit) -> int {
    if (unit == nullptr || !unit->is_string()) return -1;
    auto it = index.find(std::string(unit->as_string()));
    return it == index.end() ? -1 : d.units[static_cast<std::size_t>(it->second)].community;
  };
  const json::value doc = json::parse(d.json);
  for (const auto& m : doc.at("members").as_array()) {
    const auto& o = m.as_object();
    const std::string id(o.at("id").as_string());
    const bool party = o.at("party_member").as_bool();
    const int org = community_of(o.if_contains("org_unit"));
    const int home = community_of(o.if_contains("residence_unit"));
    // Whose relation is at the community unit itself (its committee and staff).
    const bool at_community =
        org >= 0 && d.units[static_cast<std::size_t>(index[std::string(o.at("org_unit").as_string())])].type ==
                        UnitType::kCommunity;
    if (org >= 0 && party) {
      out[static_cast<std::size_t>(org)].party.push_back(id);
      if (at_community) out[static_cast<std::size_t>(org)].committee.push_back(id);
    }
    if (!party && at_community) out[static_cast<std::size_t>(org)].staff.push_back(id);
    if (home >= 0) out[static_cast<std::size_t>(home)].residents.push_back(id);
  }
  for (const auto& h : d.households) {
    if (h.community >= 0) out[static_cast<std::size_t>(h.community)].households.push_back(h.id);
  }
  return out;
}

std::string china_day(Timestamp t) {
  return absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(t), absl::FixedTimeZone(8 * 3600));
}

json::array roll(const std::vector<std::string>& ids, const char* cls) {
  json::array a;
  for (const auto& id : ids) a.push_back(json::object{{"person", id}, {"class", cls}});
  return a;
}

json::array ids(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.push_back(json::string(s));
  return a;
}

// A 议事会's roll: the community's first committee member as the party representative and
// up to four residents as resident representatives; with who of them votes.
std::pair<json::array, std::vector<std::string>> council_roll(const People& pp) {
  json::array rl = roll({pp.committee.front()}, "party_representative");
  std::vector<std::string> voters{pp.committee.front()};
  for (std::size_t i = 0; i < std::min<std::size_t>(4, pp.residents.size()); ++i) {
    if (pp.residents[i] == pp.committee.front()) continue;
    rl.push_back(json::object{{"person", pp.residents[i]}, {"class", "resident_representative"}});
    voters.push_back(pp.residents[i]);
  }
  return {std::move(rl), std::move(voters)};
}

struct Year {
  Engine& engine;
  SimStats& sim;
  LoopPartReport& rep;
  Rng rng;
  std::vector<json::object> refused;

  absl::StatusOr<LoopOutcome> run(const Actor& a, std::string_view event, std::uint64_t item, const json::object& p,
                                  Timestamp now, bool expect_refusal = false) {
    ++rep.commands;
    auto r = loop_command(engine, kLoop, event, item, a, now, p);
    if (!r.ok()) {
      if (expect_refusal) {
        ++rep.refused_on_purpose;
      } else {
        ++sim.refused;
        auto& n = sim.refusals[std::string(r.status().message()).substr(0, 160)];
        ++n;
      }
    }
    return r;
  }

  // A meeting of the current step: recorded as passed, or, when the loop's count says it did
  // not pass (FAILED_PRECONDITION naming the numbers), as failed.
  bool meeting(const Actor& a, std::uint64_t item, const json::object& m, Timestamp now) {
    auto r = loop_command(engine, kLoop, "meeting_passed", item, a, now, m);
    if (r.ok()) {
      ++rep.commands;
      return true;
    }
    if (r.status().code() != absl::StatusCode::kFailedPrecondition ||
        r.status().message().find("record it with meeting_failed") == std::string_view::npos) {
      ++rep.commands;
      ++sim.refused;
      ++sim.refusals[std::string(r.status().message()).substr(0, 160)];
      return false;
    }
    (void)run(a, "meeting_failed", item, m, now);
    return false;
  }
};

// Attendance and yes votes drawn from `people` (each attends with p_attend, votes yes with
// p_yes, else no).
void draw(Year& y, json::object& m, const std::vector<std::string>& people, double p_attend, double p_yes,
          const std::vector<std::string>& no_vote = {}) {
  std::vector<std::string> att, yes, no;
  for (const auto& p : people) {
    if (!y.rng.chance(p_attend)) continue;
    att.push_back(p);
    if (std::find(no_vote.begin(), no_vote.end(), p) != no_vote.end()) continue;
    (y.rng.chance(p_yes) ? yes : no).push_back(p);
  }
  m["attended"] = ids(att);
  m["yes"] = ids(yes);
  m["no"] = ids(no);
}

// The Chinese names of the loop's findings (docs/deliberation.md, "Findings and the yearly
// review"), for the page.
json::object finding_names() {
  return json::object{{"procedure_override", "未按政策确定的程序议事（已说明理由）"},
                      {"disclosure_taken_down", "公示期满前提前撤下"},
                      {"representative_body", "代表会议组成不符合要求"},
                      {"major_by_other_procedure", "重大事项未按四议两公开办理"},
                      {"major_without_disclosure", "重大事项办结而未完成公开"}};
}

absl::StatusOr<LoopPartReport> run(Engine& engine, const District& district, const DemoOptions& options, SimStats& sim) {
  LoopPartReport rep;
  if (engine.loop_table(kLoop) == nullptr) return rep;
  Year y{engine, sim, rep, Rng(options.seed ^ 0x6465'6c69'6265'7261ull), {}};
  // The matters are raised on the year's second day; the part's clock stops at the
  // simulation's last tick (18:00 of its last working day), so that no petition wake-up is
  // taken early: in a short run the later steps stay pending.
  auto first = parse_date(options.start);
  if (!first.ok()) return first.status();
  const Date day0 = *first + boost::gregorian::days(1);
  Date last_day = *first + boost::gregorian::days(std::max(options.days, 1) - 1);
  for (; last_day > *first; last_day -= boost::gregorian::days(1)) {
    auto work = engine.calendar().is_workday(last_day);
    if (!work.ok()) return work.status();
    if (*work) break;
  }
  const Timestamp end = china_time_to_utc(last_day, 18 * 60);
  const std::string date0 = format_date(day0);
  const Timestamp t0 = china_time_to_utc(day0, 9 * 60);
  const auto people = people_of(district);

  struct Open {
    std::uint64_t item;
    Actor staff;
  };
  std::vector<Open> open;  // matters whose procedure continues after the first day
  std::vector<PetitionId> referred;  // petitions referred to a matter (转办议事)
  std::int64_t referring_matters = 0;
  json::array clusters;  // the clusters found among the year's petitions, as referred
  for (std::size_t ci = 0; ci < district.communities.size(); ++ci) {
    const UnitRow& unit = district.units[static_cast<std::size_t>(district.communities[ci])];
    const People& pp = people[ci];
    const Actor staff{absl::StrCat("staff-", unit.id), Role::kCommunityStaff, unit.id};
    const Actor secretary{absl::StrCat("secretary-", unit.id), Role::kCommunitySecretary, unit.id};
    const Timestamp t = t0 + static_cast<Timestamp>(ci) * 60;
    if (pp.committee.empty() || pp.residents.size() < 2) continue;

    // A 议事会: party and resident representatives and the property company; no quorum;
    // consensus, majority or none. A matter that reaches none is abandoned.
    auto council = [&](std::uint64_t item, double p_yes, const char* note) {
      auto [rl, voters] = council_roll(pp);
      rl.push_back(json::object{{"guest", "物业服务企业"}, {"class", "property_company"}});
      voters.push_back("物业服务企业");
      json::object m{{"body", "council"}, {"date", date0}, {"roll", rl}};
      draw(y, m, voters, 0.9, p_yes);
      if (y.meeting(staff, item, m, t)) {
        (void)y.run(staff, "implemented", item, {{"note", note}}, t);
        if (y.run(staff, "post", item, {{"channel", "board"}, {"from", date0}}, t).ok()) open.push_back({item, staff});
      } else {
        (void)y.run(staff, "return_to_draft", item, {{"reason", "未形成多数意见，再议"}}, t);
        (void)y.run(secretary, "abandon", item, {{"reason", "转由物业和业委会协商"}}, t);
      }
    };

    // 1. Parking order (停车秩序) at a 议事会.
    const json::object parking{{"unit", unit.id},
                               {"title", "小区停车秩序"},
                               {"kind", "parking_order"},
                               {"category", "parking"},
                               {"raised_by", "residents_committee"}};
    auto r = y.run(staff, "raise", 0, parking, t);
    if (r.ok() && y.run(staff, "start", r->item, {}, t).ok()) council(r->item, ci % 9 == 4 ? 0.3 : 0.9, "划定停车位，错峰停车");

    // 2. A public-welfare project through 四议两公开 (every second community).
    if (ci % 2 == 0 && pp.party.size() >= 3) {
      auto m4 = y.run(staff, "raise", 0,
                      {{"unit", unit.id}, {"title", ci % 4 == 0 ? "老旧小区加装电梯" : "雨污分流改造"},
                       {"kind", "public_welfare_project"}, {"category", ci % 4 == 0 ? "facilities" : "drains"},
                       {"raised_by", "party_organization"}},
                      t);
      if (!m4.ok()) continue;
      const std::uint64_t item = m4->item;
      // One secretary puts it to a 议事会 instead, with a reason: the override is a finding.
      if (ci % 23 == 10) {
        if (y.run(secretary, "choose_procedure", item, {{"procedure", "council"}, {"reason", "工期紧，先由议事会协商"}}, t)
                .ok() &&
            y.run(staff, "start", item, {}, t).ok()) {
          council(item, 0.95, "按协商意见施工");
        }
        continue;
      }
      const std::string probationary = pp.party.back();
      std::vector<std::string> full(pp.party.begin(), pp.party.end() - 1);
      bool done = false;
      for (int attempt = 0; attempt < 2 && !done; ++attempt) {
        if (!y.run(staff, "start", item, {}, t).ok()) break;
        json::object pc{{"body", "party_committee"}, {"date", date0}, {"roll", roll(pp.committee, "committee_member")}};
        draw(y, pc, pp.committee, 1.0, 1.0);
        if (!y.meeting(staff, item, pc, t)) break;
        std::vector<std::string> joint = pp.committee;
        if (!pp.staff.empty()) joint.push_back(pp.staff.front());
        json::object jc{{"body", "joint_committees"}, {"date", date0}, {"roll", roll(joint, "committee_member")}};
        draw(y, jc, joint, 1.0, 1.0);
        if (!y.meeting(staff, item, jc, t)) break;
        json::array party_roll = roll(full, "party_member");
        party_roll.push_back(json::object{{"person", probationary}, {"class", "probationary"}});
        std::vector<std::string> everyone = full;
        everyone.push_back(probationary);
        json::object pm{{"body", "party_members_meeting"}, {"date", date0}, {"roll", party_roll}};
        // Some communities' first meeting falls short of half the members with a vote.
        // (and in a few the second too: the matter stays in draft this year).
        draw(y, pm, everyone, (attempt == 0 && ci % 6 == 2) || ci % 12 == 2 ? 0.2 : 0.95, 0.9, {probationary});
        if (!y.meeting(staff, item, pm, t)) {
          (void)y.run(staff, "return_to_draft", item, {{"reason", "党员大会未达法定人数，重新召集"}}, t);
          continue;
        }
        // Every fourth community puts the drains to a residents' meeting of its residents
        // aged 18 or over: the roll gives each one's birth date, and those under 18 attend
        // without a vote (居 第二十六条).
        if (ci % 4 == 2) {
          json::array rr;
          std::vector<std::string> minors;
          for (const auto& p : pp.residents) {
            const bool minor = y.rng.chance(0.08);
            const int year = minor ? y.rng.range(2009, 2013) : y.rng.range(1945, 2003);
            rr.push_back(json::object{{"person", p},
                                      {"class", "resident"},
                                      {"born", absl::StrFormat("%04d-%02d-%02d", year, y.rng.range(1, 12), y.rng.range(1, 28))}});
            if (minor) minors.push_back(p);
          }
          // Announced twelve days ahead (居 第二十六条: at least ten).
          json::object rm{{"body", "residents_meeting"},
                          {"date", date0},
                          {"noticed_on", format_date(day0 - boost::gregorian::days(12))},
                          {"roll", rr}};
          draw(y, rm, pp.residents, 0.9, 0.85, minors);
          if (!y.meeting(staff, item, rm, t)) {
            (void)y.run(staff, "return_to_draft", item, {{"reason", "居民会议未通过"}}, t);
            (void)y.run(secretary, "abandon", item, {{"reason", "方案搁置，来年再议"}}, t);
            break;
          }
          done = y.run(staff, "post", item, {{"channel", "board"}, {"from", date0}}, t).ok();
          continue;
        }
        // The residents' representatives' meeting: the community's secretary and the
        // residents of the community as representatives.
        std::vector<std::string> reps;
        for (const auto& p : pp.residents)
          if (p != pp.committee.front()) reps.push_back(p);
        json::array rr = roll({pp.committee.front()}, "committee_member");
        for (const auto& p : reps) rr.push_back(json::object{{"person", p}, {"class", "representative"}});
        std::vector<std::string> all{pp.committee.front()};
        all.insert(all.end(), reps.begin(), reps.end());
        json::object rm{{"body", "residents_representatives_meeting"}, {"date", date0}, {"roll", rr}};
        draw(y, rm, all, 0.95, 0.85);
        if (!y.meeting(staff, item, rm, t)) {
          (void)y.run(staff, "return_to_draft", item, {{"reason", "代表会议未通过"}}, t);
          (void)y.run(secretary, "abandon", item, {{"reason", "方案搁置，来年再议"}}, t);
          break;
        }
        done = y.run(staff, "post", item, {{"channel", "board"}, {"from", date0}}, t).ok();
      }
      if (done) open.push_back({item, staff});
    }

    // 3. Paid parking on common roads (every fifth community): refused from a residents'
    //    meeting (民法典 第二百七十八条), decided by the owners by area and by head.
    if (ci % 5 == 1 && pp.households.size() >= 4) {
      auto o = y.run(staff, "raise", 0,
                     {{"unit", unit.id}, {"title", "小区道路设置收费停车位"}, {"kind", "paid_parking_common_roads"},
                      {"category", "parking"}, {"raised_by", "residents_committee"}},
                     t);
      if (!o.ok()) continue;
      auto refusal = y.run(secretary, "choose_procedure", o->item,
                           {{"procedure", "residents_meeting"}, {"reason", "居民会议更快"}}, t, true);
      if (!refusal.ok()) {
        // The loop's refusal names the article, the matter's kind and the procedure to use;
        // the page says the same in Chinese.
        y.refused.push_back(json::object{
            {"matter", absl::StrFormat("M%08d", o->item)},
            {"community", unit.id},
            {"community_name", unit.name},
            {"refusal", std::string(refusal.status().message())},
            {"refusal_zh", "“小区道路设置收费停车位”属于利用共有部分从事经营活动，由业主共同决定（民法典 第二百七十八条 "
                           "第一款第八项）；居民会议不得决定，应交业主大会表决"}});
      }
      if (!y.run(staff, "start", o->item, {}, t).ok()) continue;
      json::array rl;
      std::vector<std::string> owners;
      for (std::size_t i = 0; i < std::min<std::size_t>(pp.households.size(), 40); ++i) {
        const int area = y.rng.range(600000, 1400000);  // 60.0000 … 140.0000 m²
        rl.push_back(json::object{{"household", pp.households[i]},
                                  {"class", "owner"},
                                  {"area", absl::StrFormat("%d.%04d", area / 10000, area % 10000)}});
        owners.push_back(pp.households[i]);
      }
      json::object m{{"body", "owners_assembly"}, {"date", date0}, {"roll", rl}};
      draw(y, m, owners, 0.85, 0.8);
      if (y.meeting(staff, o->item, m, t)) {
        if (y.run(staff, "post", o->item, {{"channel", "online"}, {"from", date0}}, t).ok()) open.push_back({o->item, staff});
      } else {
        (void)y.run(secretary, "abandon", o->item, {{"reason", "业主表决未通过"}}, t);
      }
    }
  }

  // One notice taken down early, then posted again (a finding).
  const Timestamp day5 = china_time_to_utc(day0 + boost::gregorian::days(5), 9 * 60);
  if (!open.empty() && day5 <= end) {
    const auto& o = open.front();
    if (y.run(o.staff, "take_down", o.item, {{"reason", "公开栏改造，公告被提前撤下"}}, day5).ok()) {
      (void)y.run(o.staff, "post", o.item, {{"channel", "board"}, {"from", format_date(day0 + boost::gregorian::days(5))}},
                  day5);
    }
  }
  // The clock completes the disclosures; the next steps follow; again for the results.
  for (int round = 0; round < 3; ++round) {
    const Date d = day0 + boost::gregorian::days(25 * (round + 1));
    const Timestamp now = china_time_to_utc(d, 9 * 60);
    if (now > end) break;
    auto tick = engine.tick(now);
    if (!tick.ok()) return tick.status();
    for (const auto& o : open) {
      auto got = engine.query(kLoop, "get", absl::StrCat("{\"item\":", o.item, "}"));
      if (!got.ok()) continue;
      const auto it = json::parse(*got).as_object();
      if (it.at("state").as_string() != "deliberating") continue;
      const auto& data = it.at("data").as_object();
      const auto& steps = data.at("steps").as_array();
      const auto step = static_cast<std::size_t>(data.at("step").as_int64());
      if (step >= steps.size()) {
        (void)y.run(o.staff, "conclude", o.item, {}, now);
        continue;
      }
      const std::string_view kind = steps[step].as_object().at("kind").as_string();
      if (kind == "implement") {
        (void)y.run(o.staff, "implemented", o.item, {{"note", "按决议组织实施完毕"}}, now);
      }
      if (kind == "implement" || kind == "disclosure") {
        (void)y.run(o.staff, "post", o.item, {{"channel", "board"}, {"from", format_date(d)}}, now);
      }
    }
  }

  // Recurring complaints become matters (转办议事). At the simulation's last tick the demo
  // looks through the year's petitions of the categories deliberation takes up (parking,
  // drains, street stalls), grouped by the community their location is in and by category:
  // the most petitions of one group submitted within 30 days (at least three; of equal
  // ones the latest) are a cluster. Each cluster raises a matter of that community, the
  // cluster's petitions the community is still handling (in progress) referred to it — each answered
  // naming the matter, its evaluation waiting until the matter ends; those answered already
  // are listed with the cluster — and the matter goes to a 议事会 that day.
  {
    constexpr Timestamp kWindow = 30 * 86400;
    constexpr std::size_t kMinCluster = 3;
    static const std::map<std::string, std::pair<std::string, std::string>> kTopics = {
        {"parking", {"parking_order", "停车难、乱停车"}},
        {"drains", {"drainage_repair", "排水不畅"}},
        {"street_stalls", {"street_stall_order", "占道经营"}}};
    std::map<std::string, int> community_of;  // unit id → community index
    for (const auto& u : district.units) {
      if (u.community >= 0) community_of[u.id] = u.community;
    }
    std::map<std::pair<int, std::string>, std::vector<PetitionView>> groups;
    for (PetitionId id = 1;; ++id) {
      auto v = engine.get(id);
      if (!v.ok()) break;
      if (!kTopics.contains(v->category) || v->submitted_at > end) continue;
      const auto c = community_of.find(v->location_unit);
      if (c == community_of.end()) continue;
      groups[{c->second, v->category}].push_back(std::move(*v));
    }
    const std::string end_day = format_date(last_day);
    for (auto& [key, ps] : groups) {
      // Petitions come in id order, which is submission order: the widest 30-day window.
      std::size_t best_from = 0, best_n = 0;
      for (std::size_t lo = 0, hi = 0; hi < ps.size(); ++hi) {
        while (ps[lo].submitted_at + kWindow < ps[hi].submitted_at) ++lo;
        if (hi - lo + 1 >= best_n) best_from = lo, best_n = hi - lo + 1;
      }
      if (best_n < kMinCluster) continue;
      const std::vector<PetitionView> cluster(ps.begin() + static_cast<std::ptrdiff_t>(best_from),
                                              ps.begin() + static_cast<std::ptrdiff_t>(best_from + best_n));
      const auto ci = static_cast<std::size_t>(key.first);
      const UnitRow& unit = district.units[static_cast<std::size_t>(district.communities[ci])];
      const People& pp = people[ci];
      if (pp.committee.empty()) continue;
      const Actor staff{absl::StrCat("staff-", unit.id), Role::kCommunityStaff, unit.id};
      const auto& topic = kTopics.at(key.second);
      const json::object matter{
          {"unit", unit.id},
          {"title", absl::StrCat(topic.second, "（", cluster.size(), " 件诉求，", china_day(cluster.front().submitted_at),
                                 " 至 ", china_day(cluster.back().submitted_at), "）")},
          {"kind", topic.first},
          {"category", key.second},
          {"raised_by", "residents_committee"}};
      std::vector<PetitionId> open_ids;
      json::array all, referred_ids;
      for (const auto& p : cluster) {
        all.emplace_back(p.display_id);
        // Referred by the community's staff: only those it is handling (at the community or
        // below; one escalated to the street is the street's to answer).
        const auto at = community_of.find(p.current_unit);
        const bool here = at != community_of.end() && at->second == key.first;
        if (p.state == State::kInProgress && !p.evaluation_held && here && open_ids.size() < 50) {
          open_ids.push_back(p.id);
          referred_ids.emplace_back(p.display_id);
        }
      }
      absl::StatusOr<LoopOutcome> r;
      if (open_ids.empty()) {
        r = y.run(staff, "raise", 0, matter, end);
      } else {
        rep.commands += 2 * static_cast<std::int64_t>(open_ids.size()) + 1;
        r = refer_petitions_to_matter(engine, staff, open_ids, json::serialize(matter), end);
        if (!r.ok()) {
          ++sim.refused;
          ++sim.refusals[std::string(r.status().message()).substr(0, 160)];
        }
      }
      if (!r.ok()) continue;
      if (!open_ids.empty()) {
        referred.insert(referred.end(), open_ids.begin(), open_ids.end());
        ++referring_matters;
      }
      clusters.push_back(json::object{{"matter", absl::StrFormat("M%08d", r->item)},
                                      {"community", unit.id},
                                      {"name", unit.name},
                                      {"category", key.second},
                                      {"topic_zh", topic.second},
                                      {"petitions", std::move(all)},
                                      {"referred", std::move(referred_ids)},
                                      {"from", china_day(cluster.front().submitted_at)},
                                      {"to", china_day(cluster.back().submitted_at)}});
      // The council meets that day: the party representative and residents.
      if (!y.run(staff, "start", r->item, {}, end).ok()) continue;
      auto [rl, voters] = council_roll(pp);
      json::object m{{"body", "council"}, {"date", end_day}, {"roll", rl}};
      draw(y, m, voters, 0.9, 0.9);
      if (y.meeting(staff, r->item, m, end) &&
          y.run(staff, "implemented", r->item, {{"note", "按协商意见整改"}}, end).ok()) {
        (void)y.run(staff, "post", r->item, {{"channel", "board"}, {"from", end_day}}, end);
      }
    }
  }

  // report.json: matters by procedure and outcome, 四议两公开 per street, disclosures per
  // community, the findings, the refusals the demo provoked.
  auto listed = engine.query(kLoop, "list");
  if (!listed.ok()) return listed.status();
  const auto items = json::parse(*listed).as_object().at("items").as_array();
  std::map<std::string, std::map<std::string, std::int64_t>> by_proc;
  std::map<std::string, std::array<std::int64_t, 2>> per_street;  // major, completed 四议两公开
  std::map<std::string, std::array<std::int64_t, 3>> per_community;  // posted, complete, taken down
  std::map<std::string, std::int64_t> findings;
  json::object procedure_zh;
  std::map<std::string, std::string> names;
  for (const auto& u : district.units) names[u.id] = u.name;
  auto name_of = [&](const std::string& id) { return names.count(id) ? names[id] : id; };
  std::map<std::string, int> community_index;
  for (std::size_t ci = 0; ci < district.communities.size(); ++ci) {
    community_index[district.units[static_cast<std::size_t>(district.communities[ci])].id] = static_cast<int>(ci);
  }
  std::int64_t meetings = 0, failed_meetings = 0;
  std::map<std::string, std::int64_t> without_vote;  // on a roll without a vote, by reason
  for (const auto& v : items) {
    const auto& it = v.as_object();
    const auto& data = it.at("data").as_object();
    const std::string unit(it.at("unit").as_string());
    const std::string proc(data.at("procedure").as_string());
    ++by_proc[proc][std::string(it.at("state").as_string())];
    if (const auto* zh = data.if_contains("procedure_zh")) procedure_zh[proc] = *zh;
    const auto ci = community_index.find(unit);
    const std::string street =
        ci == community_index.end()
            ? unit
            : district.units[static_cast<std::size_t>(
                                 district.streets[static_cast<std::size_t>(
                                     district.units[static_cast<std::size_t>(district.communities[ci->second])].street)])]
                  .id;
    if (data.at("major").as_bool()) {
      auto& s = per_street[street];
      ++s[0];
      s[1] += it.at("state").as_string() == "concluded" && proc == "four_deliberations_two_disclosures";
    }
    if (const auto* ds = data.if_contains("disclosures")) {
      auto& c = per_community[unit];
      for (const auto& d : ds->as_array()) {
        const std::string_view st = d.as_object().at("status").as_string();
        ++c[0];
        c[1] += st == "complete";
        c[2] += st == "taken_down";
      }
    }
    if (const auto* ms = data.if_contains("meetings")) {
      for (const auto& m : ms->as_array()) {
        ++meetings;
        failed_meetings += !m.as_object().at("passed").as_bool();
        if (const auto* wv = m.as_object().if_contains("without_vote")) {
          for (const auto& [k, n] : wv->as_object()) without_vote[std::string(k)] += n.as_int64();
        }
      }
    }
    if (const auto* fs = data.if_contains("findings")) {
      for (const auto& f : fs->as_array()) ++findings[std::string(f.as_object().at("finding").as_string())];
    }
  }
  json::object procs;
  for (const auto& [p, states] : by_proc) {
    json::object s;
    for (const auto& [k, n] : states) s[k] = n;
    procs[p] = std::move(s);
  }
  json::array streets;
  for (const auto& [s, v] : per_street) {
    streets.push_back(json::object{{"street", s},
                                   {"name", name_of(s)},
                                   {"major", v[0]},
                                   {"completed", v[1]},
                                   {"share", v[0] == 0 ? 0.0 : static_cast<double>(v[1]) / static_cast<double>(v[0])}});
  }
  json::array communities;
  for (const auto& [c, v] : per_community) {
    communities.push_back(json::object{{"community", c},
                                       {"name", name_of(c)},
                                       {"posted", v[0]},
                                       {"complete", v[1]},
                                       {"taken_down", v[2]}});
  }
  std::int64_t still_held = 0;
  for (PetitionId p : referred) {
    auto v = engine.get(p);
    if (!v.ok()) return v.status();
    still_held += v->evaluation_held;
  }
  json::object f;
  for (const auto& [k, n] : findings) f[k] = n;
  json::array refused;
  for (auto& r : y.refused) refused.push_back(std::move(r));
  json::object section{{"matters", static_cast<std::int64_t>(items.size())},
                       {"from", date0},
                       {"by_procedure", std::move(procs)},
                       {"meetings", json::object{{"held", meetings},
                                                 {"failed", failed_meetings},
                                                 {"without_vote", [&] {
                                                    json::object o{{"probationary", 0}, {"under_age", 0}};
                                                    for (const auto& [k, n] : without_vote) o[k] = n;
                                                    return o;
                                                  }()}}},
                       {"four_two_per_street", std::move(streets)},
                       {"disclosures_per_community", std::move(communities)},
                       {"findings", std::move(f)},
                       {"referred_petitions", json::object{{"petitions", static_cast<std::int64_t>(referred.size())},
                                                           {"matters", referring_matters},
                                                           {"evaluation_held", still_held},
                                                           {"window_days", 30},
                                                           {"clusters", std::move(clusters)}}},
                       {"refused_on_purpose", std::move(refused)},
                       {"procedure_zh", std::move(procedure_zh)},
                       {"state_zh", state_names(engine, kLoop)},
                       {"finding_zh", finding_names()}};
  rep.text = absl::StrCat("议事：议事事项 ", items.size(), " 件，会议 ", meetings, " 次（未通过 ", failed_meetings,
                          " 次）；业主共同决定事项提交居民会议被拒 ", rep.refused_on_purpose, " 次（民法典 第二百七十八条）；由居民诉求转入 ",
                          referred.size(), " 件\n");
  rep.sections.emplace_back("deliberation", json::value(std::move(section)));
  return rep;
}

std::string html(const json::object& report) {
  const json::value* v = report.if_contains("deliberation");
  if (v == nullptr || !v->is_object()) return {};
  const auto& d = v->as_object();
  auto esc = [](std::string_view s) { return report::html_escape(s); };
  auto n = [](const json::value& x) { return x.is_int64() ? x.as_int64() : 0; };
  std::string h = "<h2>议事（四议两公开、议事会、业主大会）</h2>";
  absl::StrAppend(&h, "<p>", n(d.at("matters")), " 件议事事项，自 ", esc(d.at("from").as_string()), " 起；会议 ",
                  n(d.at("meetings").as_object().at("held")), " 次，其中未通过 ", n(d.at("meetings").as_object().at("failed")),
                  " 次。</p>");
  if (const auto* wv = d.at("meetings").as_object().if_contains("without_vote"); wv != nullptr && wv->is_object()) {
    const auto& o = wv->as_object();
    absl::StrAppend(&h, "<p>列席会议而无表决权、不计入表决人数：预备党员 ", n(o.at("probationary")),
                    " 人次（党员大会），未满十八周岁居民 ", n(o.at("under_age")), " 人次（居民会议）。</p>");
  }
  if (const auto* rp = d.if_contains("referred_petitions"); rp != nullptr && rp->is_object()) {
    const auto& o = rp->as_object();
    absl::StrAppend(&h, "<p>由居民诉求转入议事：", n(o.at("petitions")), " 件诉求转入 ", n(o.at("matters")),
                    " 个议事事项并答复居民；其中 ", n(o.at("evaluation_held")), " 件待事项办结后再回访评价。",
                    "年内诉求聚集 ", o.at("clusters").as_array().size(), " 处（同一社区、同一类别、",
                    n(o.at("window_days")), " 日内三件以上）均提交议事，其中仍在办理的诉求转入该议事事项。</p>");
    if (const auto* cs = o.if_contains("clusters"); cs != nullptr && cs->is_array() && !cs->as_array().empty()) {
      constexpr std::size_t kShown = 20;
      h += "<table><tr><th>社区</th><th>诉求类别</th><th>诉求件数</th><th>转入议事</th><th>提交时段</th><th>议事事项</th></tr>";
      for (std::size_t i = 0; i < std::min(kShown, cs->as_array().size()); ++i) {
        const json::value& c = cs->as_array()[i];
        const auto& co = c.as_object();
        absl::StrAppend(&h, "<tr><td>", esc(co.at("name").as_string()), "</td><td>", esc(co.at("topic_zh").as_string()),
                        "</td><td>", co.at("petitions").as_array().size(), "</td><td>", co.at("referred").as_array().size(),
                        "</td><td>", esc(co.at("from").as_string()), " 至 ",
                        esc(co.at("to").as_string()), "</td><td>", esc(co.at("matter").as_string()), "</td></tr>");
      }
      h += "</table>";
      if (cs->as_array().size() > kShown) {
        absl::StrAppend(&h, "<p class=\"meta\">另有 ", cs->as_array().size() - kShown, " 处聚集，表中从略。</p>");
      }
    }
  }
  h += "<table><tr><th>议事程序</th><th>状态</th><th>件数</th></tr>";
  for (const auto& [p, states] : d.at("by_procedure").as_object()) {
    for (const auto& [s, k] : states.as_object()) {
      absl::StrAppend(&h, "<tr><td>", esc(zh_of(d, "procedure_zh", p)), "</td><td>", esc(zh_of(d, "state_zh", s)),
                      "</td><td>", n(k), "</td></tr>");
    }
  }
  h += "</table><h3>四议两公开完成情况（按街道）</h3><table><tr><th>街道</th><th>重大事项</th><th>完成四议两公开</th><th>比例</th></tr>";
  for (const auto& s : d.at("four_two_per_street").as_array()) {
    const auto& o = s.as_object();
    absl::StrAppend(&h, "<tr><td>", esc(o.at("name").as_string()), "</td><td>", n(o.at("major")), "</td><td>",
                    n(o.at("completed")), "</td><td>", absl::StrFormat("%.1f%%", o.at("share").as_double() * 100),
                    "</td></tr>");
  }
  h += "</table><h3>公开公示（按社区）</h3><table><tr><th>社区</th><th>张贴</th><th>期满</th><th>提前撤下</th></tr>";
  for (const auto& c : d.at("disclosures_per_community").as_array()) {
    const auto& o = c.as_object();
    absl::StrAppend(&h, "<tr><td>", esc(o.at("name").as_string()), "</td><td>", n(o.at("posted")), "</td><td>",
                    n(o.at("complete")), "</td><td>", n(o.at("taken_down")), "</td></tr>");
  }
  h += "</table><h3>年度述职评议发现</h3><ul>";
  for (const auto& [k, c] : d.at("findings").as_object()) {
    absl::StrAppend(&h, "<li>", esc(zh_of(d, "finding_zh", k)), "：", n(c), " 件</li>");
  }
  h += "</ul>";
  // The refusals the demo provoked share one reason: said once, with the matters it refused.
  std::map<std::string, std::vector<std::string>> by_reason;
  for (const auto& r : d.at("refused_on_purpose").as_array()) {
    const auto& o = r.as_object();
    by_reason[std::string(o.at("refusal_zh").as_string())].push_back(
        std::string(o.at("matter").as_string()) + "（" + std::string(o.at("community_name").as_string()) + "）");
  }
  for (const auto& [reason, matters] : by_reason) {
    absl::StrAppend(&h, "<p class=\"meta\">提交居民会议决定被拒 ", matters.size(), " 件：", esc(reason), "。涉及事项：",
                    esc(absl::StrJoin(matters, "、")), "。</p>");
  }
  return h;
}

}  // namespace

LoopPart deliberation_part() { return LoopPart{kLoop, &run, &html}; }

}  // namespace jiceng::demo
