// The demo year of the projects loop (项目) and the community service fund (为民服务专项经费):
// every grid branch runs the practical projects the district data gives it (便民实事项目,
// at least one per branch a year in Wuzhong, a few branches none), each proposed by the grid
// worker, decided by the community's party committee, carried out milestone by milestone,
// completed (some late) and its result posted; each community's fund account is opened
// (an allocation below the 200,000-yuan minimum is refused and replaced by the minimum),
// pays for its projects in the four categories — some spends refused on purpose, a
// negative category or more than the balance — and is closed and its statement posted at
// the year's end; 11 cross-area problems between neighbouring streets run as 6 annual and
// 5 long-term projects with monthly reviews, a few reviews missed (findings); 127 villages
// get their 一村一策 plans, each in one tier of the policy's list, and the campaign's checks
// are read back.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "boost/date_time/gregorian/gregorian.hpp"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/strings.hpp"
#include "demo/loop_parts.hpp"
#include "jiceng/calendar.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/policy.hpp"
#include "report/text.hpp"

namespace jiceng::demo {
namespace {
namespace json = boost::json;

std::string money(std::int64_t fen) { return absl::StrFormat("%d.%02d", fen / 100, fen % 100); }
std::int64_t fen_of(const json::value& v) {
  const std::string s(v.as_string());
  const auto dot = s.find('.');
  return std::stoll(s.substr(0, dot)) * 100 + (dot == std::string::npos ? 0 : std::stoll(s.substr(dot + 1)));
}

constexpr const char* kTitles[] = {"楼道照明改造", "高龄老人助餐点", "非机动车充电棚", "小区适老化扶手",
                                   "口袋公园微更新", "雨污分流疏通",   "便民修理服务点", "儿童托管驿站"};
// Petition categories of the policy (petition.routing): a need names one of them.
constexpr const char* kNeeds[] = {"elderly_meals", "drains", "parking", "charging", "property", "noise"};
constexpr const char* kCategories[] = {"public_service", "public_service", "party_building", "self_governance",
                                       "other_urgent"};

class Year {
 public:
  Year(Engine& e, const District& d, const DemoOptions& o, SimStats& sim, Date start, bool fund,
       std::vector<std::string> tiers, std::int64_t four_two_min_fen)
      : e_(e), d_(d), o_(o), sim_(sim), start_(start), fund_(fund), tiers_(std::move(tiers)),
        four_two_min_fen_(four_two_min_fen), rng_(o.seed ^ 0x5052'4F4A'4543'5453ull) {}

  absl::StatusOr<LoopPartReport> run() {
    JICENG_RETURN_IF_ERROR(practical_projects());
    JICENG_RETURN_IF_ERROR(cross_area());
    JICENG_RETURN_IF_ERROR(village_plans());
    JICENG_RETURN_IF_ERROR(matter_decided_items());
    JICENG_RETURN_IF_ERROR(fund_year_end());
    // The clock at the last simulated working moment: overdue projects, missed reviews,
    // postings whose 15 days are over.
    JICENG_ASSIGN_OR_RETURN(TickReport t, e_.tick(at(1.0, 18 * 60)));
    report_.commands += t.loop_events;
    JICENG_RETURN_IF_ERROR(sections());
    return std::move(report_);
  }

 private:
  // The time at fraction `f` of the simulated period (0 = first day, 1 = last day), at
  // `minute` of that day, China time.
  Timestamp at(double f, int minute) const {
    const int day = static_cast<int>(std::clamp(f, 0.0, 1.0) * (o_.days - 1));
    return china_time_to_utc(start_ + boost::gregorian::days(day), minute);
  }
  static std::string date_of(Timestamp t) { return format_date(china_date(t)); }

  const std::string& id(int unit) const { return d_.units[static_cast<std::size_t>(unit)].id; }

  // A command the demo means to be accepted: a refusal is counted as the year's refusals.
  absl::StatusOr<std::uint64_t> must(std::string_view loop, std::string_view event, std::uint64_t item, const Actor& a,
                                     Timestamp t, const json::object& payload) {
    ++report_.commands;
    auto r = loop_command(e_, loop, event, item, a, t, payload);
    if (!r.ok()) {
      ++sim_.refused;
      if (sim_.refusals.size() < 20) ++sim_.refusals[internal::cat(loop, " ", event, ": ", r.status().message())];
      return r.status();
    }
    return r->item;
  }
  // A command the demo expects to be refused (an overspend, a negative category, an
  // allocation below the minimum): counted apart, by the refusal's reason.
  void refused(std::string_view reason, std::string_view reason_zh, std::string_view event, std::uint64_t item,
               const Actor& a, Timestamp t, const json::object& payload) {
    ++report_.commands;
    auto r = loop_command(e_, "fund", event, item, a, t, payload);
    if (r.ok()) {
      ++sim_.refused;  // accepted where it should not be: a bug the report must show
      ++sim_.refusals[internal::cat("fund ", event, " accepted although ", reason)];
    } else {
      ++report_.refused_on_purpose;
      ++refused_[std::string(reason)];
      ++refused_zh_[std::string(reason_zh)];
    }
  }

  // The account of `community` (unit index) for the year of `t`, opened when first needed.
  absl::StatusOr<std::uint64_t> account(int community, std::size_t c_idx, Timestamp t) {
    const int year = china_date(t).year();
    auto key = std::make_pair(community, year);
    if (auto it = accounts_.find(key); it != accounts_.end()) return it->second;
    const int street = d_.streets[static_cast<std::size_t>(d_.units[static_cast<std::size_t>(community)].street)];
    const Actor finance{internal::cat("SO-", id(street)), Role::kStreetOfficer, id(street)};
    const long yuan = c_idx < d_.service_fund_yuan.size() ? d_.service_fund_yuan[c_idx] : 200000;
    json::object open{{"unit", id(community)}, {"year", year}, {"allocation", money(yuan * 100)},
                      {"source", "市、区财政为民服务专项经费"}};
    const Timestamp when = at(0.0, 8 * 60);
    if (yuan < 200000) {
      refused("allocation below the policy minimum", "拨付额度低于政策规定的最低额度", "open", 0, finance, when, open);
      open["allocation"] = money(200000 * 100);
    }
    JICENG_ASSIGN_OR_RETURN(std::uint64_t item, must("fund", "open", 0, finance, when + 60, open));
    accounts_[key] = item;
    acc_time_[item] = when + 60;
    account_list_.push_back({community, item});
    return item;
  }

  // Each spend is posted on its own for the policy's 15 days (居 34 ¶2(二)); the clock
  // completes the notice. Now and then one is taken down after five days (a finding) and
  // posted again.
  absl::Status disclose_spend(std::uint64_t acc, const Actor& payer, Timestamp t) {
    const int n = ++spends_[acc];
    const json::object post{{"spend", n}, {"from", date_of(t)}, {"channel", "居务公开栏"}};
    if (!must("fund", "disclose", acc, payer, t, post).ok()) return absl::OkStatus();
    acc_time_[acc] = t;
    if (!notice_rng_.chance(0.03)) return absl::OkStatus();
    const Timestamp down = t + 5 * 86400;
    if (!must("fund", "take_down", acc, payer, down, {{"spend", n}, {"reason", "公开栏更换，公示提前撤下"}}).ok()) {
      return absl::OkStatus();
    }
    json::object again = post;
    again["from"] = date_of(down + 86400);
    if (must("fund", "disclose", acc, payer, down + 600, again).ok()) acc_time_[acc] = down + 600;
    return absl::OkStatus();
  }

  // The year's petitions by the grid their location lies in (building or grid), in
  // submission order: what a practical project answers (needs of kind petition).
  std::map<std::string, std::vector<PetitionView>> petitions_by_grid() const {
    std::map<std::string, int> grid_of;  // unit id → its grid (a grid itself, or a unit below one)
    for (std::size_t u = 0; u < d_.units.size(); ++u) {
      int x = static_cast<int>(u);
      while (x >= 0 && d_.units[static_cast<std::size_t>(x)].type != UnitType::kGrid) x = d_.units[static_cast<std::size_t>(x)].parent;
      if (x >= 0) grid_of.emplace(d_.units[u].id, x);
    }
    std::map<std::string, std::vector<PetitionView>> out;
    for (PetitionId pid = 1;; ++pid) {
      auto v = e_.get(pid);
      if (!v.ok()) break;
      if (auto g = grid_of.find(v->location_unit); g != grid_of.end()) out[id(g->second)].push_back(std::move(*v));
    }
    return out;
  }

  absl::Status practical_projects() {
    const auto petitions = petitions_by_grid();
    std::size_t n = 0;
    for (std::size_t gi = 0; gi < d_.grids.size(); ++gi) {
      const int grid = d_.grids[gi];
      const auto& g = d_.units[static_cast<std::size_t>(grid)];
      const int community = g.parent;
      const std::size_t c_idx = static_cast<std::size_t>(g.community);
      const int count = gi < d_.practical_projects.size() ? d_.practical_projects[gi] : 1;
      const Actor worker{internal::cat("GW-", g.id), Role::kGridWorker, g.id};
      const Actor secretary{internal::cat("CS-", id(community)), Role::kCommunitySecretary, id(community)};
      // The community's resident units (驻区单位 of its 大党委) offer resources.
      std::vector<int> offers;
      for (std::size_t u = 0; u < d_.units.size(); ++u) {
        if (d_.units[u].type == UnitType::kResident && d_.units[u].parent == community) offers.push_back(static_cast<int>(u));
      }
      for (int k = 0; k < count; ++k, ++n) {
        const double f0 = 0.02 + 0.25 * rng_.uniform();
        const Timestamp proposed = at(f0, 9 * 60 + rng_.range(0, 120));
        const double fdue = std::min(1.0, f0 + 0.35 + 0.5 * rng_.uniform());
        const std::int64_t budget = (n == 0 ? 50000 : 3000 + 1000 * rng_.range(0, 45)) * 100;
        const bool weighted = rng_.chance(0.5);
        json::array ms;
        const int parts = rng_.range(2, 3);
        for (int m = 0; m < parts; ++m) {
          json::object mo{{"name", m == 0 ? "方案议定" : m + 1 == parts ? "完工验收" : "施工实施"}};
          if (weighted) mo["weight"] = m + 1 == parts ? 1 : 2 + m;
          ms.push_back(std::move(mo));
        }
        json::object p{{"unit", g.id},
                       {"kind", "practical"},
                       {"title", n == 0 ? "八十岁以上老人助餐点" : kTitles[rng_.range(0, 7)]},
                       {"lead_unit", g.id},
                       {"co_units", json::array{json::string(id(community))}},
                       {"needs", json::array{json::object{{"kind", "category"}, {"ref", kNeeds[rng_.range(0, 5)]}}}},
                       {"budget", money(budget)},
                       {"rollup", weighted ? "weighted" : "equal"},
                       {"milestones", std::move(ms)},
                       {"due", date_of(at(fdue, 0))}};
        if (!offers.empty()) {
          const int by = offers[static_cast<std::size_t>(rng_.range(0, static_cast<int>(offers.size()) - 1))];
          p["resources"] = json::array{json::object{{"by", id(by)},
                                                    {"what", "志愿服务与专业支持"},
                                                    {"month", static_cast<int>(china_date(proposed).month())}}};
        }
        // Every third project also answers the grid's latest petition submitted before it
        // (its category with it): the loop checks the petition exists and lies in scope.
        if (n % 3 == 0) {
          if (auto it = petitions.find(g.id); it != petitions.end()) {
            const PetitionView* last = nullptr;
            for (const auto& v : it->second) {
              if (v.submitted_at < proposed) last = &v;
            }
            if (last != nullptr) {
              auto& needs = p.at("needs").as_array();
              needs.push_back(json::object{{"kind", "petition"}, {"ref", last->display_id}});
              needs[0].as_object()["ref"] = last->category;
              ++petition_needs_;
            }
          }
        }
        auto item = must("projects", "propose", 0, worker, proposed, p);
        if (!item.ok()) continue;
        const std::string record = internal::cat(id(community), "-", static_cast<int>(china_date(proposed).year()), "-", n + 1);
        Timestamp t = proposed + 3 * 86400;
        if (!must("projects", "approve", *item, secretary, t,
                  {{"decided_by", "社区党组织会议（四议两公开）"}, {"record", record}, {"decided_on", date_of(t)}})
                 .ok()) {
          continue;
        }
        // The fund pays the project's budget in one spend; on purpose, a few try a negative
        // category or more than is left.
        if (fund_) {
        JICENG_ASSIGN_OR_RETURN(std::uint64_t acc, account(community, c_idx, t));
        const Actor payer{internal::cat("CS-", id(community)), Role::kCommunitySecretary, id(community)};
        json::object spend{{"project", absl::StrFormat("P%08d", *item)},
                           {"decision", record},
                           {"category", kCategories[rng_.range(0, 4)]},
                           {"amount", money(budget)},
                           {"purpose", internal::cat(p.at("title").as_string().c_str(), "项目支出")}};
        // An account's events are in time order: a spend comes after the account's last.
        const Timestamp pay_at = std::max(t + 7200, acc_time_[acc] + 60);
        if (rng_.chance(0.04)) {
          json::object bad = spend;
          bad["category"] = "office_expenses";
          refused("a negative category", "支出属负面清单（不得列支的类别）", "spend", acc, payer, pay_at, bad);
        }
        auto st = e_.query("fund", "get", internal::cat("{\"item\":", acc, "}"));
        if (!st.ok()) return st.status();
        const std::int64_t left = fen_of(json::parse(*st).as_object().at("data").as_object().at("balance"));
        // A community pays at most what is left (the rest comes from other sources, as the
        // projects' resources say); now and then one tries to pay more, and is refused.
        if (left > 0 && rng_.chance(0.02)) {
          json::object over = spend;
          over["amount"] = money(left + 1);
          refused("more than the balance", "支出超过账户结余", "spend", acc, payer, pay_at, over);
        }
        if (left > 0) {
          if (budget > left) {
            spend["amount"] = money(left);
            spend["purpose"] = internal::cat(p.at("title").as_string().c_str(), "项目支出（经费余额部分）");
          }
          if (must("fund", "spend", acc, payer, pay_at, spend).ok()) {
            acc_time_[acc] = pay_at;
            JICENG_RETURN_IF_ERROR(disclose_spend(acc, payer, pay_at + 60));
          }
        }
        }
        // The work: start, milestones, completion (some after the deadline), the result posted.
        t += 86400;
        if (!must("projects", "start", *item, worker, t, {}).ok()) continue;
        const double fend = std::min(1.0, fdue + (rng_.chance(0.12) ? 0.08 : -0.1 * rng_.uniform()));
        if (rng_.chance(0.07)) continue;  // still under way at the year's end
        for (int m = 0; m < parts; ++m) {
          const Timestamp tm = std::max(t + 60, at(f0 + (fend - f0) * (m + 1) / parts, 10 * 60));
          t = tm;
          if (!must("projects", "progress", *item, worker, t, {{"milestone", m + 1}, {"percent", 100}}).ok()) break;
        }
        t += 600;
        if (!must("projects", "complete", *item, worker, t, {{"summary", "已完工并投入使用"}}).ok()) continue;
        t += 600;
        (void)must("projects", "publish", *item, worker, t, {{"from", date_of(t)}, {"channel", "社区居务公开栏"}});
      }
    }
    return absl::OkStatus();
  }

  // 11 cross-area problems on street borders: 6 annual and 5 long-term projects, each led
  // by a street with its neighbour as co-unit, reviewed about monthly by the lead street.
  absl::Status cross_area() {
    const std::size_t ns = d_.streets.size();
    if (ns < 2) return absl::OkStatus();
    const Actor district{"DO-1", Role::kDistrictOfficer, id(d_.district)};
    const int year = china_date(at(0.0, 0)).year();
    for (int i = 0; i < 11; ++i) {
      const int lead = d_.streets[static_cast<std::size_t>(i) % ns];
      const int co = d_.streets[static_cast<std::size_t>(i + 1) % ns];
      const bool annual = i < 6;
      const Actor officer{internal::cat("SO-", id(lead)), Role::kStreetOfficer, id(lead)};
      const Timestamp t0 = at(0.05 + 0.01 * i, 9 * 60);
      json::object p{{"unit", id(lead)},
                     {"kind", "cross_area"},
                     {"title", internal::cat(annual ? "跨界道路联合整治" : "毗邻区域河道综合治理", i + 1)},
                     {"lead_unit", id(lead)},
                     {"co_units", json::array{json::string(id(co))}},
                     {"needs", json::array{json::object{{"kind", "list"}, {"ref", internal::cat("毗邻区域问题清单第", i + 1, "项")}}}},
                     {"rollup", "equal"},
                     {"horizon", annual ? "annual" : "long_term"}};
      if (annual) {
        p["year"] = year;
        p["milestones"] = json::array{json::object{{"name", "联合排查"}}, json::object{{"name", "整治完成"}}};
      } else {
        p["milestones"] = json::array{json::object{{"name", "方案编制"}, {"due", internal::cat(year, "-12-31")}},
                                      json::object{{"name", "分段实施"}, {"due", internal::cat(year + 1, "-12-31")}},
                                      json::object{{"name", "全线贯通"}, {"due", internal::cat(year + 2, "-06-30")}}};
      }
      auto item = must("projects", "propose", 0, officer, t0, p);
      if (!item.ok()) continue;
      Timestamp t = t0 + 86400;
      if (!must("projects", "approve", *item, district, t,
                {{"decided_by", "区委跨域协调会议"}, {"record", internal::cat("区协调-", year, "-", i + 1)}, {"decided_on", date_of(t)}})
               .ok()) {
        continue;
      }
      if (!must("projects", "start", *item, officer, t + 3600, {}).ok()) continue;
      // Reviews every 20-30 days; projects 3 and 8 skip a stretch (missed reviews).
      bool gap = false;
      for (double f = 0.05 + 0.01 * i + 25.0 / std::max(o_.days, 1); f < 0.97; f += (20.0 + rng_.range(0, 10)) / std::max(o_.days, 1)) {
        if ((i == 3 || i == 8) && f > 0.4 && f < 0.65) {
          gap = true;
          continue;
        }
        const Timestamp tr = at(f, 15 * 60);
        if (tr <= t) continue;
        if (gap) {
          // The clock runs before the next review is held, and finds the intervals the gap
          // left without one (a finding each); the review then restarts the schedule.
          JICENG_ASSIGN_OR_RETURN(TickReport tk, e_.tick(tr - 3600));
          report_.commands += tk.loop_events;
          gap = false;
        }
        t = tr;
        if (!must("projects", "review", *item, officer, t, {{"note", "定期调度推进"}}).ok()) break;
      }
      if (annual && rng_.chance(0.7)) {
        for (int m = 1; m <= 2; ++m) {
          t = std::max(t + 60, at(0.6 + 0.15 * m, 11 * 60));
          (void)must("projects", "progress", *item, officer, t, {{"milestone", m}, {"percent", 100}});
        }
      } else {
        t = std::max(t + 60, at(0.9, 11 * 60));
        (void)must("projects", "progress", *item, officer, t, {{"milestone", 1}, {"percent", annual ? 60 : 100}});
      }
    }
    return absl::OkStatus();
  }

  // 一村一策: Wuzhong's 127 城中村 each get a plan in one tier of the policy's ordered list
  // (village_plan.campaign), its items as projects. The demo district has no village units,
  // so 127 grid branches spread evenly over it stand in for the villages. The campaign starts
  // on the demo's first day: a plan within a year, every item done within two. Each village
  // plans two or three items in the year, decided by its community's party committee; the
  // first is due within the year (most are done, some still running), the others in year two
  // (begun) — except every fifth village, whose items are all due this year; three villages have no plan yet when the run ends (pending: their year is not over).
  absl::Status village_plans() {
    if (tiers_.empty()) return absl::OkStatus();
    static constexpr const char* kItems[][3] = {{"雨污分流改造", "消防通道整治", "公厕提升"},
                                                {"立面整治", "垃圾分类亭", "绿化补植"},
                                                {"停车位改造", "老旧电梯更新", "口袋公园"}};
    const std::size_t n = std::min<std::size_t>(127, d_.grids.size());
    const Date year_two = start_ + boost::gregorian::years(1);
    for (std::size_t k = 0; k < n; ++k) {
      const int grid = d_.grids[k * d_.grids.size() / n];
      const auto& g = d_.units[static_cast<std::size_t>(grid)];
      villages_.push_back(g.id);
      if (k % 40 == 39) continue;  // three villages have no plan yet
      const Actor worker{internal::cat("GW-", g.id), Role::kGridWorker, g.id};
      const Actor secretary{internal::cat("CS-", id(g.parent)), Role::kCommunitySecretary, id(g.parent)};
      // Most villages start from the basic tier; fewer reach the higher ones.
      const double r = rng_.uniform();
      const std::size_t tier = std::min(tiers_.size() - 1, static_cast<std::size_t>(r < 0.5 ? 0 : r < 0.8 ? 1 : 2));
      const double f0 = 0.03 + 0.8 * rng_.uniform();
      planned_.push_back({grid, tiers_[tier]});
      const int items = rng_.range(2, 3);
      const bool quick = k % 5 == 0;  // every fifth village plans only this year's items
      for (int i = 0; i < items; ++i) {
        const Timestamp proposed = at(f0, 9 * 60 + 10 * i);
        const bool this_year = i == 0 || quick;
        const std::string due =
            this_year ? date_of(at(std::min(1.0, f0 + 0.1 + 0.1 * rng_.uniform()), 0))
                      : format_date(year_two + boost::gregorian::days(rng_.range(60, 330)));
        json::object p{{"unit", g.id},
                       {"kind", "village_plan"},
                       {"tier", tiers_[tier]},
                       {"title", kItems[tier % 3][i]},
                       {"lead_unit", g.id},
                       {"co_units", json::array{json::string(id(g.parent))}},
                       {"needs", json::array{json::object{{"kind", "list"}, {"ref", "一村一策差异化提升清单"}}}},
                       {"rollup", "equal"},
                       {"milestones", json::array{json::object{{"name", "方案制定"}}, json::object{{"name", "实施完成"}}}},
                       {"due", due}};
        auto item = must("projects", "propose", 0, worker, proposed, p);
        if (!item.ok()) continue;
        Timestamp t = proposed + 2 * 86400;
        if (!must("projects", "approve", *item, secretary, t,
                  {{"decided_by", "社区党组织会议"},
                   {"record", internal::cat(g.id, "-一村一策-", i + 1)},
                   {"decided_on", date_of(t)}})
                 .ok()) {
          continue;
        }
        t += 86400;
        if (!must("projects", "start", *item, worker, t, {}).ok()) continue;
        t += 86400;
        if (!must("projects", "progress", *item, worker, t, {{"milestone", 1}, {"percent", 100}}).ok()) continue;
        if (!this_year || rng_.chance(0.15)) continue;  // year two's items, and some still running
        const Timestamp done = std::max(t + 60, at(std::min(1.0, f0 + 0.08), 10 * 60));
        if (!must("projects", "progress", *item, worker, done, {{"milestone", 2}, {"percent", 100}}).ok()) continue;
        (void)must("projects", "complete", *item, worker, done + 600, {{"summary", "清单事项已完成"}});
      }
    }
    return absl::OkStatus();
  }

  // 四议两公开 above the amount (project.decision): where a planned village's community
  // concluded a 四议两公开 matter in the year (the deliberation part), the village adds a
  // larger item — above the policy's amount — proposed the day after and approved naming that
  // matter; every fourth first tries to approve without it, and is refused.
  absl::Status matter_decided_items() {
    if (four_two_min_fen_ < 0 || planned_.empty()) return absl::OkStatus();
    JICENG_ASSIGN_OR_RETURN(std::string list, e_.query("deliberation", "list", R"({"state":"concluded"})"));
    const json::value doc = json::parse(list);
    std::map<std::string, std::pair<std::string, Timestamp>> matters;  // community → (matter, concluded at)
    for (const auto& it : doc.as_object().at("items").as_array()) {
      const auto& o = it.as_object();
      const auto& d = o.at("data").as_object();
      if (d.at("procedure").as_string() != "four_deliberations_two_disclosures") continue;
      matters.emplace(std::string(o.at("unit").as_string()),
                      std::make_pair(std::string(o.at("id").as_string()), d.at("concluded").as_int64()));
    }
    const Timestamp last = at(1.0, 12 * 60);
    const Date year_two = start_ + boost::gregorian::years(1);
    for (const auto& [grid, tier] : planned_) {
      const auto& g = d_.units[static_cast<std::size_t>(grid)];
      const auto m = matters.find(id(g.parent));
      if (m == matters.end() || m->second.second + 86400 >= last) continue;
      const Timestamp t = m->second.second + 86400;
      const Actor worker{internal::cat("GW-", g.id), Role::kGridWorker, g.id};
      const Actor secretary{internal::cat("CS-", id(g.parent)), Role::kCommunitySecretary, id(g.parent)};
      const std::int64_t budget = four_two_min_fen_ + (10000 + 10000 * rng_.range(0, 10)) * 100;
      json::object p{{"unit", g.id},
                     {"kind", "village_plan"},
                     {"tier", tier},
                     {"title", "村内道路与管网改造"},
                     {"lead_unit", g.id},
                     {"co_units", json::array{json::string(id(g.parent))}},
                     {"needs", json::array{json::object{{"kind", "list"}, {"ref", "一村一策差异化提升清单"}}}},
                     {"budget", money(budget)},
                     {"rollup", "equal"},
                     {"milestones", json::array{json::object{{"name", "方案制定"}}, json::object{{"name", "实施完成"}}}},
                     {"due", format_date(year_two + boost::gregorian::days(rng_.range(90, 300)))}};
      auto item = must("projects", "propose", 0, worker, t, p);
      if (!item.ok()) continue;
      json::object approval{{"decided_by", "社区党组织（四议两公开）"},
                            {"record", internal::cat(g.id, "-四议两公开")},
                            {"decided_on", date_of(t)}};
      if (matter_decided_ % 4 == 0) {
        ++report_.commands;
        if (loop_command(e_, "projects", "approve", *item, secretary, t + 1800, approval).ok()) {
          ++sim_.refused;  // accepted where it should not be: a bug the report must show
          ++sim_.refusals["projects approve accepted without the 四议两公开 matter"];
        } else {
          ++report_.refused_on_purpose;
          ++refused_without_matter_;
        }
      }
      approval["matter"] = m->second.first;
      if (must("projects", "approve", *item, secretary, t + 3600, approval).ok()) ++matter_decided_;
      four_two_matters_.insert(m->second.first);
    }
    return absl::OkStatus();
  }

  // Each account is closed in the year's last month and its statement posted 15 days.
  absl::Status fund_year_end() {
    for (const auto& [community, acc] : account_list_) {
      const int street = d_.streets[static_cast<std::size_t>(d_.units[static_cast<std::size_t>(community)].street)];
      const Actor officer{internal::cat("SO-", id(street)), Role::kStreetOfficer, id(street)};
      const Actor secretary{internal::cat("CS-", id(community)), Role::kCommunitySecretary, id(community)};
      const Timestamp t = std::max(at(0.945, 16 * 60), acc_time_[acc] + 60);
      if (!must("fund", "close", acc, officer, t, {{"note", "年度结账"}}).ok()) continue;
      (void)must("fund", "publish", acc, secretary, t + 600, {{"from", date_of(t)}, {"channel", "居务公开栏"}});
    }
    return absl::OkStatus();
  }

  absl::Status sections() {
    JICENG_ASSIGN_OR_RETURN(std::string board, e_.query("projects", "board", ""));
    JICENG_ASSIGN_OR_RETURN(std::string counts, e_.query("projects", "counts", ""));
    JICENG_ASSIGN_OR_RETURN(std::string findings, e_.query("projects", "findings", ""));
    JICENG_ASSIGN_OR_RETURN(std::string ledger, e_.query("fund", "ledger", ""));
    const json::array rows = json::parse(board).as_object().at("projects").as_array();
    std::map<std::string, std::int64_t> by_kind, finding_counts;
    struct Street {
      std::int64_t projects = 0, done = 0, bp = 0;
    };
    std::map<std::string, Street> streets;
    std::int64_t grids_with = 0;
    std::map<std::string, int> grid_seen;
    for (const auto& r : rows) {
      const auto& o = r.as_object();
      ++by_kind[std::string(o.at("kind").as_string())];
      if (o.at("kind").as_string() == "practical") grid_seen[std::string(o.at("unit").as_string())] = 1;
      const std::string street = o.contains("street") ? std::string(o.at("street").as_string()) : "";
      auto& s = streets[street];
      ++s.projects;
      s.bp += o.at("progress_bp").as_int64();
      const std::string_view st(o.at("state").as_string());
      if (st == "done" || st == "publishing" || st == "published") ++s.done;
    }
    grids_with = static_cast<std::int64_t>(grid_seen.size());
    const json::value findings_doc = json::parse(findings);
    for (const auto& f : findings_doc.as_object().at("findings").as_array()) {
      ++finding_counts[std::string(f.as_object().at("code").as_string())];
    }
    json::array by_street;
    for (const auto& [sid, s] : streets) {
      std::string name;
      for (int u : d_.streets)
        if (id(u) == sid) name = d_.units[static_cast<std::size_t>(u)].name;
      by_street.push_back(json::object{{"street", sid},
                                       {"name", name},
                                       {"projects", s.projects},
                                       {"done", s.done},
                                       {"progress_percent", absl::StrFormat("%.2f", s.projects ? s.bp / 100.0 / s.projects : 0.0)}});
    }
    json::array cross;
    for (const auto& r : rows) {
      const auto& o = r.as_object();
      if (o.at("kind").as_string() != "cross_area") continue;
      std::string lead_name(o.at("lead_unit").as_string());
      for (const auto& u : d_.units)
        if (u.id == lead_name) lead_name = u.name;
      cross.push_back(json::object{{"id", o.at("id")},       {"title", o.at("title")},
                                   {"horizon", o.at("horizon")}, {"lead_unit", o.at("lead_unit")},
                                   {"lead_unit_name", lead_name},
                                   {"co_units", o.at("co_units")}, {"state", o.at("state")},
                                   {"progress", o.at("progress")}, {"due", o.at("due")},
                                   {"reviews", o.at("reviews")},   {"missed_reviews", o.at("missed_reviews")}});
    }
    json::object kinds, fcounts;
    for (const auto& [k, v] : by_kind) kinds[k] = v;
    for (const auto& [k, v] : finding_counts) fcounts[k] = v;
    // One 大党委's four lists, as a sample of the query.
    json::object sample;
    for (std::size_t u = 0; u < d_.units.size(); ++u) {
      if (d_.units[u].type != UnitType::kJoint) continue;
      auto l = e_.query("projects", "four_lists", internal::cat("{\"unit\":\"", d_.units[u].id, "\"}"));
      if (!l.ok()) return l.status();
      const json::object lo = json::parse(*l).as_object();
      if (lo.at("projects").as_array().empty()) continue;
      sample = json::object{{"joint_committee", lo.at("joint_committee")},
                            {"name", lo.at("name")},
                            {"needs", lo.at("needs").as_array().size()},
                            {"resources", lo.at("resources").as_array().size()},
                            {"projects", lo.at("projects").as_array().size()},
                            {"responsibilities", lo.at("responsibilities").as_array().size()}};
      break;
    }
    // 一村一策: the campaign's checks as of the year's last day, read back from the loop.
    json::object villages;
    if (!villages_.empty()) {
      json::array ids;
      for (const auto& v : villages_) ids.push_back(json::string(v));
      const std::string last = format_date(start_ + boost::gregorian::days(std::max(o_.days, 1) - 1));
      JICENG_ASSIGN_OR_RETURN(
          std::string camp,
          e_.query("projects", "village_campaign",
                   json::serialize(json::object{{"villages", std::move(ids)}, {"start", format_date(start_)}, {"as_of", last}})));
      const json::object co = json::parse(camp).as_object();
      json::object plan, coverage;
      std::int64_t items = 0, done = 0;
      for (const auto& r : co.at("rows").as_array()) {
        const auto& ro = r.as_object();
        const auto bump = [](json::object& o, const json::string& k) {
          o[k] = (o.contains(k) ? o.at(k).as_int64() : 0) + 1;
        };
        bump(plan, ro.at("plan").as_string());
        bump(coverage, ro.at("coverage").as_string());
        items += ro.at("items").as_int64();
        done += ro.at("done").as_int64();
      }
      villages = json::object{{"villages", co.at("villages")},
                              {"stand_in", "grid_branch"},
                              {"start", co.at("start")},
                              {"as_of", co.at("as_of")},
                              {"plan_by", co.at("plan_by")},
                              {"cover_by", co.at("cover_by")},
                              {"planned", co.at("planned")},
                              {"covered", co.at("covered")},
                              {"failing", co.at("failing")},
                              {"plan", std::move(plan)},
                              {"coverage", std::move(coverage)},
                              {"tiers", co.at("tiers")},
                              {"tier_order", json::value_from(tiers_)},
                              {"tiers_verified", false},
                              {"items", items},
                              {"items_done", done}};
    }
    json::object projects{{"total", rows.size()},
                          {"states", json::parse(counts)},
                          {"kinds", std::move(kinds)},
                          {"grids", d_.grids.size()},
                          {"grids_with_practical_project", grids_with},
                          {"by_street", std::move(by_street)},
                          {"cross_area", std::move(cross)},
                          {"findings", std::move(fcounts)},
                          {"four_lists_sample", std::move(sample)},
                          {"needs_petitions", petition_needs_},
                          {"village_plans", std::move(villages)},
                          {"four_two", four_two_min_fen_ < 0
                                           ? json::object{}
                                           : json::object{{"threshold", money(four_two_min_fen_)},
                                                          {"threshold_verified", false},
                                                          {"projects", matter_decided_},
                                                          {"matters", four_two_matters_.size()},
                                                          {"refused_without_matter", refused_without_matter_}}},
                          {"state_zh", state_names(e_, "projects")}};
    // The fund: one object per community and year, and its use by category.
    json::array fund;
    std::map<std::string, std::int64_t> by_cat;
    json::object cat_zh;  // the policy's names (fund.categories), as the statements give them
    std::int64_t allocated = 0, spent = 0;
    std::map<std::string, std::int64_t> notices;  // spends by the state of their notice
    const json::value ledger_doc = json::parse(ledger);
    for (const auto& a : ledger_doc.as_object().at("accounts").as_array()) {
      const auto& o = a.as_object();
      fund.push_back(json::object{{"account", o.at("account")},     {"community", o.at("community")},
                                  {"name", o.at("name")},           {"year", o.at("year")},
                                  {"allocation", o.at("allocation")}, {"spent", o.at("spent")},
                                  {"balance", o.at("balance")},     {"spends", o.at("spends")},
                                  {"state", o.at("state")}});
      allocated += fen_of(o.at("allocation"));
      spent += fen_of(o.at("spent"));
      JICENG_ASSIGN_OR_RETURN(std::string s, e_.query("fund", "statement", json::serialize(json::object{{"item", o.at("account")}})));
      const json::value statement = json::parse(s);
      for (const auto& sp : statement.as_object().at("spend_list").as_array()) {
        const json::value* d = sp.as_object().if_contains("disclosure");
        ++notices[d == nullptr ? std::string("none") : std::string(d->as_object().at("state").as_string())];
      }
      for (const auto& c : statement.as_object().at("by_category").as_array()) {
        by_cat[std::string(c.as_object().at("category").as_string())] += fen_of(c.as_object().at("amount"));
        if (const auto* zh = c.as_object().if_contains("zh")) cat_zh[c.as_object().at("category").as_string()] = *zh;
      }
    }
    json::array cats;
    for (const auto& [k, v] : by_cat) {
      json::object c{{"category", k}, {"amount", money(v)}};
      if (const auto* zh = cat_zh.if_contains(k)) c["zh"] = *zh;
      cats.push_back(std::move(c));
    }
    json::object refusals, refusals_zh;
    for (const auto& [k, v] : refused_) refusals[k] = v;
    for (const auto& [k, v] : refused_zh_) refusals_zh[k] = v;
    JICENG_ASSIGN_OR_RETURN(std::string fund_findings, e_.query("fund", "findings", ""));
    std::map<std::string, std::int64_t> fund_codes;
    const json::value fund_findings_doc = json::parse(fund_findings);
    for (const auto& f : fund_findings_doc.as_object().at("findings").as_array()) {
      ++fund_codes[std::string(f.as_object().at("code").as_string())];
    }
    json::object disclosures{{"disclosed", notices["disclosed"]},
                             {"posted", notices["posted"]},
                             {"taken_down", notices["taken_down"]},
                             {"not_posted", notices["none"]},
                             {"taken_down_early", fund_codes["disclosure_taken_down_early"]},
                             {"spend_not_disclosed", fund_codes["spend_not_disclosed"]}};
    json::object use{{"accounts", fund.size()},
                     {"disclosures", std::move(disclosures)},
                     {"allocated", money(allocated)},
                     {"spent", money(spent)},
                     {"balance", money(allocated - spent)},
                     {"by_category", std::move(cats)},
                     {"refused_on_purpose", std::move(refusals)},
                     {"refused_on_purpose_zh", std::move(refusals_zh)}};
    report_.text = absl::StrFormat(
        "项目：%s 个（开展便民实事项目的网格党支部 %d / %d 个；跨域项目 %d 个）；发现问题 %d 项\n"
        "为民服务专项经费：账户 %d 个，拨付 %s 元，支出 %s 元；按政策拒绝的支出与拨付 %d 笔\n",
        report::format_count(rows.size()), grids_with, d_.grids.size(), projects.at("cross_area").as_array().size(),
        json::parse(findings).as_object().at("findings").as_array().size(), fund.size(),
        report::format_fixed(static_cast<double>(allocated) / 100.0, 2),
        report::format_fixed(static_cast<double>(spent) / 100.0, 2), report_.refused_on_purpose);
    if (const auto& v = projects.at("village_plans").as_object(); !v.empty()) {
      report_.text += absl::StrFormat("一村一策：%d 个村，已定方案 %d 个，清单全部完成 %d 个（截至 %s）\n",
                                      v.at("villages").as_int64(), v.at("planned").as_int64(),
                                      v.at("covered").as_int64(), std::string(v.at("as_of").as_string()));
    }
    report_.sections.emplace_back("projects", std::move(projects));
    report_.sections.emplace_back("fund", std::move(fund));
    report_.sections.emplace_back("fund_use", std::move(use));
    return absl::OkStatus();
  }

  Engine& e_;
  const District& d_;
  const DemoOptions& o_;
  SimStats& sim_;
  Date start_;
  bool fund_;
  std::vector<std::string> tiers_;  // village_plan.campaign's tiers; empty: no campaign
  std::int64_t four_two_min_fen_;   // project.decision's 四议两公开 amount; -1: the set has none
  std::vector<std::pair<int, std::string>> planned_;  // villages planned: grid, tier
  std::int64_t matter_decided_ = 0, refused_without_matter_ = 0;
  std::int64_t petition_needs_ = 0;  // practical projects naming a petition they answer
  std::set<std::string> four_two_matters_;
  Rng rng_;
  Rng notice_rng_{o_.seed ^ 0x4E4F'5449'4345'5321ull};  // apart, so the other draws stay as they were
  std::vector<std::string> villages_;  // the units standing for the villages
  LoopPartReport report_;
  std::map<std::pair<int, int>, std::uint64_t> accounts_;
  std::vector<std::pair<int, std::uint64_t>> account_list_;
  std::map<std::uint64_t, Timestamp> acc_time_;  // each account's last event
  std::map<std::uint64_t, int> spends_;           // spends accepted per account
  std::map<std::string, std::size_t> refused_, refused_zh_;
};

absl::StatusOr<LoopPartReport> run(Engine& engine, const District& district, const DemoOptions& options,
                                   SimStats& sim) {
  JICENG_ASSIGN_OR_RETURN(Date start, parse_date(options.start));
  // The service fund is Suzhou's: a policy set without its rules (national, changshu) runs
  // the projects only.
  const auto builtin = PolicySet::builtin_names();
  auto set = std::find(builtin.begin(), builtin.end(), options.policy) != builtin.end()
                 ? PolicySet::load_builtin(options.policy)
                 : PolicySet::load_file(options.policy);
  const bool fund = set.ok() && set->has_rule("community.service_fund") && set->has_rule("fund.categories");
  // 一村一策 runs under a set that gives the campaign (village_plan.campaign: its tiers).
  std::vector<std::string> tiers;
  if (set.ok() && set->has_rule("village_plan.campaign")) {
    JICENG_ASSIGN_OR_RETURN(std::string camp, set->rule_params_json("village_plan.campaign"));
    const json::value params = json::parse(camp);
    for (const auto& t : params.as_object().at("tiers").as_array()) tiers.emplace_back(t.as_string());
  }
  // Village projects above project.decision's amount go through 四议两公开.
  std::int64_t four_two_min_fen = -1;
  if (set.ok() && set->has_rule("project.decision")) {
    JICENG_ASSIGN_OR_RETURN(std::string rule, set->rule_params_json("project.decision"));
    const json::value params = json::parse(rule);
    four_two_min_fen = params.as_object().at("four_two").as_object().at("min_budget_yuan").as_int64() * 100;
  }
  return Year(engine, district, options, sim, start, fund, std::move(tiers), four_two_min_fen).run();
}

std::string esc(std::string_view s) { return report::html_escape(s); }

// A horizontal bar chart (inline SVG) of label → value.
std::string bars(const std::string& id, const std::vector<std::pair<std::string, double>>& rows,
                 const std::string& unit) {
  double max = 0;
  for (const auto& [l, v] : rows) max = std::max(max, v);
  const int h = 24 * static_cast<int>(rows.size()) + 10;
  std::string s = absl::StrFormat(
      "<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"%d\" "
      "viewBox=\"0 0 640 %d\" role=\"img\">",
      id, h, h);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double w = max > 0 ? 380.0 * rows[i].second / max : 0;
    const int y = 5 + 24 * static_cast<int>(i);
    s += absl::StrFormat(
        "<text x=\"0\" y=\"%d\">%s</text><rect class=\"bar\" x=\"170\" y=\"%d\" width=\"%.1f\" height=\"16\" "
        "fill=\"#c0392b\"/><text class=\"value\" x=\"%.1f\" y=\"%d\">%s%s</text>",
        y + 13, esc(rows[i].first), y, std::max(w, 1.0), 176 + w, y + 13, absl::StrFormat("%.2f", rows[i].second), unit);
  }
  return s + "</svg>";
}

// An amount in yuan ("25580000.00") grouped for zh-CN readers: "25,580,000.00".
std::string yuan(const json::value& amount) {
  return esc(report::format_fixed(static_cast<double>(fen_of(amount)) / 100.0, 2));
}

std::string html(const json::object& report) {
  const json::value* p = report.if_contains("projects");
  const json::value* use = report.if_contains("fund_use");
  if (p == nullptr || use == nullptr) return "";
  const auto& po = p->as_object();
  const auto& uo = use->as_object();
  std::vector<std::pair<std::string, double>> cats, streets;
  for (const auto& c : uo.at("by_category").as_array()) {
    const auto& co = c.as_object();
    const json::value* zh = co.if_contains("zh");
    cats.emplace_back(std::string(zh != nullptr ? zh->as_string() : co.at("category").as_string()),
                      static_cast<double>(fen_of(co.at("amount"))) / 1e6);
  }
  for (const auto& s : po.at("by_street").as_array()) {
    const auto& so = s.as_object();
    streets.emplace_back(std::string(so.at("name").as_string()), std::stod(std::string(so.at("progress_percent").as_string())));
  }
  std::string h = "<h2>项目与为民服务专项经费</h2>\n";
  h += absl::StrFormat(
      "<p>全年项目 %s 个，其中便民实事项目覆盖网格党支部 %d / %d 个；跨域项目 %d 个（年度与中长期），"
      "定期调度缺失 %d 次。为民服务专项经费账户 %d 个，拨付 %s 元，支出 %s 元，结余 %s 元；"
      "按政策拒绝的支出与拨付 %d 笔%s。</p>\n",
      report::format_count(po.at("total").to_number<std::uint64_t>()),
      po.at("grids_with_practical_project").as_int64(), po.at("grids").as_int64(),
      po.at("cross_area").as_array().size(),
      po.at("findings").as_object().contains("review_missed") ? po.at("findings").as_object().at("review_missed").as_int64() : 0,
      uo.at("accounts").as_int64(), yuan(uo.at("allocated")), yuan(uo.at("spent")), yuan(uo.at("balance")),
      [&] {
        std::int64_t n = 0;
        for (const auto& [k, v] : uo.at("refused_on_purpose").as_object()) n += v.as_int64();
        return n;
      }(),
      [&] {
        std::vector<std::string> why;
        if (const auto* zh = uo.if_contains("refused_on_purpose_zh")) {
          for (const auto& [k, v] : zh->as_object()) why.push_back(absl::StrCat(esc(k), " ", v.as_int64(), " 笔"));
        }
        return why.empty() ? std::string() : absl::StrCat("（", absl::StrJoin(why, "；"), "）");
      }());
  if (const auto* d = uo.if_contains("disclosures")) {
    const auto& dd = d->as_object();
    h += absl::StrFormat(
        "<p>每笔支出单独公示不少于15天（居民委员会组织法第三十四条，按民法典计算期间）：公示期满 %d 笔，"
        "公示中 %d 笔，未公示 %d 笔；提前撤下公示 %d 次（列为问题，须重新公示）。</p>\n",
        dd.at("disclosed").as_int64(), dd.at("posted").as_int64(),
        dd.at("not_posted").as_int64() + dd.at("taken_down").as_int64(), dd.at("taken_down_early").as_int64());
  }
  if (const auto* np = po.if_contains("needs_petitions"); np != nullptr && np->as_int64() > 0) {
    h += absl::StrFormat(
        "<p>便民实事项目的需求对应政策所列诉求类别；其中 %d 个项目同时载明所回应的具体诉求（经核对：诉求存在且位于项目所在范围内）。</p>\n",
        np->as_int64());
  }
  // In a figure, which scrolls sideways on a narrow screen instead of widening the page.
  h += "<h3>经费按类别使用（万元）</h3>\n<figure>" + bars("chart-fund-categories", cats, " 万") + "</figure>\n";
  h += "<h3>各街道项目平均进度（%）</h3>\n<figure>" + bars("chart-project-progress", streets, "%") + "</figure>\n";
  h += "<h3>跨域项目</h3>\n<table><tr><th>编号</th><th>项目</th><th>类型</th><th>牵头单位</th><th>状态</th><th>进度</th>"
       "<th>调度次数</th><th>调度缺失</th></tr>\n";
  for (const auto& c : po.at("cross_area").as_array()) {
    const auto& o = c.as_object();
    h += absl::StrFormat("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%d</td></tr>\n",
                         esc(std::string(o.at("id").as_string())), esc(std::string(o.at("title").as_string())),
                         o.at("horizon").as_string() == "annual" ? "年度" : "中长期",
                         esc(std::string(o.at("lead_unit_name").as_string())),
                         esc(zh_of(po, "state_zh", std::string_view(o.at("state").as_string()))),
                         esc(std::string(o.at("progress").as_string())), o.at("reviews").as_int64(),
                         o.at("missed_reviews").as_int64());
  }
  h += "</table>\n";
  if (const auto* v = po.if_contains("village_plans"); v != nullptr && !v->as_object().empty()) {
    const auto& vo = v->as_object();
    const auto count = [](const json::object& o, const char* k) { return o.contains(k) ? o.at(k).as_int64() : 0; };
    const auto& plan = vo.at("plan").as_object();
    const auto& cover = vo.at("coverage").as_object();
    h += "<h3>城中村一村一策</h3>\n";
    h += absl::StrFormat(
        "<p>%d 个村（演示辖区没有村级单位，由均匀选取的网格党支部代表）按政策的分级清单各定一级、"
        "按清单立项；分级含义尚无官方文本，属待核实的政策数据。攻坚自 %s 起：%s（含）前每村须有方案，"
        "%s（含）前清单事项全部完成。截至 %s，已定方案 %d 个村（按时 %d，逾期 %d，缺失 %d，未到期 %d）；"
        "清单全部完成 %d 个村（按时 %d，逾期 %d，缺失 %d，未到期 %d）；清单项目 %d 个，已完成 %d 个。</p>\n",
        vo.at("villages").as_int64(), esc(std::string(vo.at("start").as_string())),
        esc(std::string(vo.at("plan_by").as_string())), esc(std::string(vo.at("cover_by").as_string())),
        esc(std::string(vo.at("as_of").as_string())), vo.at("planned").as_int64(), count(plan, "met"),
        count(plan, "late"), count(plan, "missing"), count(plan, "pending"), vo.at("covered").as_int64(),
        count(cover, "met"), count(cover, "late"), count(cover, "missing"), count(cover, "pending"),
        vo.at("items").as_int64(), vo.at("items_done").as_int64());
    if (const auto* f = po.if_contains("four_two"); f != nullptr && !f->as_object().empty()) {
      const auto& fo = f->as_object();
      h += absl::StrFormat(
          "<p>村级项目金额超过 %s 元（四议两公开数额，苏州数额尚未核实）的，须经“四议两公开”议定并在立项时载明议事事项："
          "本年 %d 个项目以 %d 个已办结的四议两公开议事事项立项；未载明议事事项的立项被拒绝 %d 次。</p>\n",
          yuan(fo.at("threshold")), fo.at("projects").as_int64(), fo.at("matters").as_int64(),
          fo.at("refused_without_matter").as_int64());
    }
    h += "<table><tr><th>分级</th><th>村数</th></tr>\n";
    for (const auto& t : vo.at("tier_order").as_array()) {
      h += absl::StrFormat("<tr><td>%s</td><td>%d</td></tr>\n", esc(std::string(t.as_string())),
                           vo.at("tiers").as_object().at(t.as_string()).as_int64());
    }
    h += "</table>\n";
  }
  return h;
}

}  // namespace

LoopPart projects_part() { return LoopPart{"projects+fund", &run, &html}; }

}  // namespace jiceng::demo
