// The demo's year of petitions (诉求): residents submit through every channel, community
// staff accept and dispatch, handlers sign, sometimes return (退单), ask for more time
// (申请延期), escalate (上报) or miss deadlines; heads grant extensions and supervise
// (督办); residents evaluate, sometimes unsatisfied, and ask for a reopening (重办); the
// clock (`tick`) runs at 18:00 on every working day. One day is one engine batch, so one
// journal transaction. Residents take part too: a submission the engine finds a possible
// duplicate for (疑似重复: same category, same grid, within the policy's window) is merged into
// the earlier one, or draws neighbours' supports for it (附议), some taken back later (撤回附议);
// a unit that returns a petition may say who is competent instead (非本单位职责), and the
// street sends it there.
//
// The simulation is reactive: each petition has a wake-up time; when it comes, the demo
// reads the petition's present state (which the clock may have changed: escalated,
// closed) and has the right person act on it. Every random draw comes from one seeded
// splitmix64 stream, consumed in a fixed order, so a seed gives the same journal.
#include <algorithm>
#include <array>
#include <cstdint>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "demo/internal.hpp"
#include "jiceng/calendar.hpp"
#include "jiceng/engine.hpp"

namespace jiceng::demo {
namespace {

// Category mix: 40% property and 36% government consultation (docs/domain.md §10); the rest
// as the Suzhou reports list them (parking, stalls, noise, charging, drains, elderly meals,
// disputes).
struct CategorySpec {
  const char* id;
  int weight;  // per mille
  std::array<const char*, 3> texts;
};
constexpr std::array<CategorySpec, 9> kCategories{{
    {"property", 400, {"电梯故障多日未修，物业迟迟不处理", "楼道照明损坏，物业报修无人上门", "小区绿化无人养护，垃圾清运不及时"}},
    {"government_consultation", 360, {"咨询社保卡办理流程和所需材料", "咨询老年人补贴申领条件", "咨询居住证办理和积分入学政策"}},
    {"parking", 60, {"小区停车位严重不足，上下班高峰门口拥堵", "外来车辆长期占用消防通道", "卡车停占村内主干道，影响出行"}},
    {"street_stalls", 40, {"商业街流动摊贩占道经营", "菜场门口乱设摊点，卫生安全隐患大", "夜市摊位占用人行道"}},
    {"noise", 40, {"广场舞音响扰民", "夜间施工噪音影响休息", "商铺外放音乐声音过大"}},
    {"charging", 35, {"电瓶车充电桩配置不足", "楼道内飞线充电存在安全隐患", "充电桩损坏无人维修"}},
    {"drains", 30, {"排污管道堵塞溢出", "雨水井堵塞，下雨积水严重", "化粪池满溢，异味严重"}},
    {"elderly_meals", 20, {"高龄独居老人吃饭难，希望设立助餐点", "希望助餐服务点提供送餐上门", "咨询老年食堂就餐补贴"}},
    {"disputes", 15, {"邻里因空调外机噪音发生纠纷", "楼上漏水与邻居协商不成", "宠物扰民引发邻里矛盾"}},
}};

// Channels: the online platform, WeChat account and mini program, 随手拍, door-to-door
// visits, deliberation meetings, and the 12345 hotline (per mille).
constexpr std::array<std::pair<Channel, int>, 7> kChannels{{
    {Channel::kOnlinePlatform, 200}, {Channel::kWechatAccount, 250}, {Channel::kMiniProgram, 150},
    {Channel::kPhotoReport, 100},    {Channel::kDoorToDoor, 100},    {Channel::kMeeting, 50},
    {Channel::kHotline, 150},
}};

constexpr const char* kSurnames[] = {"王", "陈", "张", "李", "周", "徐", "沈", "陆", "顾", "吴", "朱", "钱"};
constexpr const char* kGiven[] = {"阿姨", "先生", "女士", "建华", "秀英", "小明", "丽华", "国强"};

// What a petition will do (drawn once at submission).
struct Plan {
  std::uint32_t household = 0;
  std::uint8_t category = 0;
  bool withdraw = false, reject = false, merge = false;
  bool slow_accept = false, slow_sign = false, slow_resolve = false;
  bool returns = false, extension = false, escalate = false, evaluate = true;
  bool reopen_if_unsatisfied = false;
  bool return_done = false, extension_asked = false, escalate_done = false;
  std::string last_handler;  // unit that last signed
  int competent = -1;        // a return as not ours named this unit
  std::string outside_body;  // ...or this body outside the org graph
};

struct Wake {
  Timestamp time;
  PetitionId id;
  bool operator>(const Wake& o) const { return time != o.time ? time > o.time : id > o.id; }
};

class Sim {
 public:
  Sim(Engine& e, const District& d, const DemoOptions& o)
      : e_(e), d_(d), o_(o), cal_(WorkCalendar::china()), policy_(e.policy()), rng_(o.seed * 0x9E3779B97F4A7C15ull + 1),
        prng_(o.seed ^ 0x7061727469636970ull) {
    for (std::size_t i = 0; i < d.units.size(); ++i) unit_index_.emplace(d.units[i].id, static_cast<int>(i));
    for (std::size_t h = 0; h < d.households.size(); ++h) {
      by_building_[d.households[h].building].push_back(static_cast<std::uint32_t>(h));
    }
  }

  absl::StatusOr<SimStats> run() {
    JICENG_ASSIGN_OR_RETURN(Date start, parse_date(o_.start));
    const double rate = o_.petitions_per_day > 0 ? o_.petitions_per_day : 100.0;
    st_.first_day = format_date(start);
    st_.last_day = format_date(start + boost::gregorian::days(o_.days - 1));
    for (int day = 0; day < o_.days; ++day) {
      const Date today = start + boost::gregorian::days(day);
      JICENG_ASSIGN_OR_RETURN(bool workday, cal_.is_workday(today));
      // Submissions: fewer on rest days; times between 07:00 and 22:00.
      const double mean = workday ? rate * 1.12 : rate * 0.70;
      const int n = std::max(0, static_cast<int>(mean * (0.85 + 0.3 * rng_.uniform())));
      std::vector<Timestamp> subs;
      subs.reserve(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) subs.push_back(china_time_to_utc(today, rng_.range(7 * 60, 22 * 60 - 1)));
      std::sort(subs.begin(), subs.end());
      const Timestamp tick_at = china_time_to_utc(today, 18 * 60);
      const Timestamp day_end = china_time_to_utc(today, 24 * 60);
      absl::Status batch = e_.batch([&](Engine&) -> absl::Status {
        std::size_t si = 0;
        bool ticked = !workday;
        for (;;) {
          Timestamp next = day_end;
          int what = -1;  // 0 submit, 1 wake, 2 tick
          if (si < subs.size() && subs[si] < next) { next = subs[si]; what = 0; }
          if (!wakes_.empty() && wakes_.top().time < day_end && wakes_.top().time < next) {
            next = wakes_.top().time;
            what = 1;
          }
          if (!ticked && tick_at <= next) { next = tick_at; what = 2; }
          if (what < 0) break;
          if (what == 0) {
            JICENG_RETURN_IF_ERROR(submit(subs[si++]));
          } else if (what == 1) {
            const Wake w = wakes_.top();
            wakes_.pop();
            JICENG_RETURN_IF_ERROR(act(w.id, w.time));
          } else {
            ticked = true;
            JICENG_ASSIGN_OR_RETURN(TickReport r, e_.tick(tick_at));
            ++st_.ticks;
            st_.tick_urged += r.urged;
            st_.tick_overdue += r.overdue;
            st_.tick_escalated += r.escalated;
            st_.tick_closed += r.closed;
          }
        }
        return absl::OkStatus();
      });
      if (!batch.ok()) {
        return absl::Status(batch.code(), absl::StrCat("demo day ", format_date(today), ": ", batch.message()));
      }
      if (o_.progress) o_.progress("simulating", static_cast<std::size_t>(day) + 1, static_cast<std::size_t>(o_.days));
    }
    return st_;
  }

 private:
  // --- actors -------------------------------------------------------------------------

  absl::StatusOr<ActorHandle> actor(int unit, Role role) {
    const std::uint64_t key = (static_cast<std::uint64_t>(unit) << 8) | static_cast<std::uint64_t>(role);
    auto it = actors_.find(key);
    if (it != actors_.end()) return it->second;
    const UnitRow& u = d_.units[static_cast<std::size_t>(unit)];
    Actor a{absl::StrCat(std::string(to_string(role)), "@", u.id), role, u.id};
    JICENG_ASSIGN_OR_RETURN(ActorHandle h, e_.resolve_actor(a));
    actors_.emplace(key, h);
    return h;
  }
  absl::StatusOr<ActorHandle> resident(std::uint32_t household) {
    auto it = residents_.find(household);
    if (it != residents_.end()) return it->second;
    Actor a{absl::StrCat("R", d_.households[household].id), Role::kResident, ""};
    JICENG_ASSIGN_OR_RETURN(ActorHandle h, e_.resolve_actor(a));
    residents_.emplace(household, h);
    return h;
  }
  int unit_of(const std::string& id) const {
    auto it = unit_index_.find(id);
    return it == unit_index_.end() ? -1 : it->second;
  }
  // The handler role of a unit (承办).
  Role handler_role(int unit) const {
    switch (d_.units[static_cast<std::size_t>(unit)].type) {
      case UnitType::kDistrict:
      case UnitType::kIndustry: return Role::kDistrictOfficer;
      case UnitType::kStreet: return Role::kStreetOfficer;
      case UnitType::kCommunity: return Role::kCommunityStaff;
      case UnitType::kGrid: return Role::kGridWorker;
      case UnitType::kPropertyBranch: return Role::kPropertyCompany;
      default: return Role::kCommunityStaff;
    }
  }
  // A head at `unit` or above who may approve extensions (负责人), with their unit.
  std::pair<int, Role> supervisor_for(int unit) const {
    const UnitRow& u = d_.units[static_cast<std::size_t>(unit)];
    switch (u.type) {
      case UnitType::kGrid: return {u.parent, Role::kCommunitySecretary};
      case UnitType::kCommunity: return {unit, Role::kCommunitySecretary};
      case UnitType::kStreet: return {unit, Role::kStreetOfficer};
      default: return {d_.district, Role::kDistrictOfficer};
    }
  }
  // An officer strictly above `unit` (督办).
  std::pair<int, Role> overseer_for(int unit) const {
    const UnitRow& u = d_.units[static_cast<std::size_t>(unit)];
    if ((u.type == UnitType::kGrid || u.type == UnitType::kCommunity) && u.street >= 0) {
      return {d_.streets[static_cast<std::size_t>(u.street)], Role::kStreetOfficer};
    }
    return {d_.district, Role::kDistrictOfficer};
  }
  // `unit` is `ancestor` or lies below it.
  bool within(int unit, int ancestor) const {
    for (int u = unit; u >= 0; u = d_.units[static_cast<std::size_t>(u)].parent)
      if (u == ancestor) return true;
    return false;
  }
  int level_of(int unit) const {
    switch (d_.units[static_cast<std::size_t>(unit)].type) {
      case UnitType::kDistrict: return 0;
      case UnitType::kStreet:
      case UnitType::kIndustry: return 1;
      case UnitType::kCommunity:
      case UnitType::kPropertyBranch: return 2;
      default: return 3;
    }
  }

  // --- time ---------------------------------------------------------------------------

  // A moment during office hours `n` working days after the day of `after` (n = 0: the
  // same day if it is a working day), strictly after `after`.
  absl::StatusOr<Timestamp> office(Timestamp after, int n) {
    Date day;
    for (int bump = 0;; ++bump) {
      JICENG_ASSIGN_OR_RETURN(day, cal_.add_workdays(china_date(after), n + bump));
      const Timestamp t = china_time_to_utc(day, rng_.range(9 * 60, 17 * 60 - 1));
      if (t > after) return t;
      const Timestamp late = china_time_to_utc(day, 17 * 60 + rng_.range(0, 20));
      if (late > after) return late;
    }
  }
  void wake(PetitionId id, Timestamp t) { wakes_.push(Wake{t, id}); }

  // --- commands -----------------------------------------------------------------------

  // Runs one command; a refusal is counted (with its message), not fatal.
  bool run(EventType type, const ActorHandle& a, PetitionId id, const EventPayload& p, Timestamp now) {
    ++st_.commands[std::string(to_string(type))];
    absl::StatusOr<PetitionId> r = e_.execute(a, type, id, p, now);
    if (r.ok()) return true;
    ++st_.refused;
    if (st_.refusals.size() < 20) ++st_.refusals[std::string(r.status().ToString())];
    return false;
  }

  absl::Status submit(Timestamp now) {
    Plan plan;
    plan.household = static_cast<std::uint32_t>(rng_.next() % d_.households.size());
    int roll = rng_.range(0, 999);
    for (std::size_t c = 0; c < kCategories.size(); ++c) {
      roll -= kCategories[c].weight;
      if (roll < 0 || c + 1 == kCategories.size()) {
        plan.category = static_cast<std::uint8_t>(c);
        break;
      }
    }
    Channel channel = Channel::kOnlinePlatform;
    roll = rng_.range(0, 999);
    for (const auto& [ch, w] : kChannels) {
      roll -= w;
      if (roll < 0) { channel = ch; break; }
    }
    const HouseholdRow& hh = d_.households[plan.household];
    const CategorySpec& cat = kCategories[plan.category];
    EventPayload p;
    p.petitioner = absl::StrCat("R", hh.id);
    // One draw per statement: argument evaluation order differs between compilers.
    const char* given = kGiven[rng_.next() % std::size(kGiven)];
    const char* surname = kSurnames[rng_.next() % std::size(kSurnames)];
    p.contact.name = absl::StrCat(surname, given);
    const auto phone_tail = rng_.range(10000000, 99999999);
    const auto phone_digit = rng_.range(0, 9);
    p.contact.phone = absl::StrCat("13", phone_digit, phone_tail);
    p.location = hh.id;
    p.category = cat.id;
    p.channel = channel;
    p.text = cat.texts[rng_.next() % cat.texts.size()];
    p.urgency = rng_.chance(0.05) ? Urgency::kUrgent : Urgency::kNormal;
    const double sev = rng_.uniform();
    p.severity = sev < 0.85 ? Severity::kMinor : sev < 0.98 ? Severity::kMajor : Severity::kCritical;
    p.idempotency_key = absl::StrCat("demo-", o_.seed, "-", st_.submitted + st_.retries_absorbed + 1);

    plan.withdraw = rng_.chance(0.008);
    plan.reject = !plan.withdraw && rng_.chance(0.015);
    plan.merge = !plan.withdraw && !plan.reject && rng_.chance(0.01);
    plan.slow_accept = rng_.chance(0.03);
    plan.slow_sign = rng_.chance(0.04);
    plan.returns = rng_.chance(0.05);
    plan.extension = rng_.chance(0.08);
    plan.escalate = p.severity != Severity::kMinor && rng_.chance(0.15);
    plan.slow_resolve = rng_.chance(0.07);
    plan.evaluate = rng_.chance(0.88);
    plan.reopen_if_unsatisfied = rng_.chance(0.6);

    // Door-to-door visits and meetings are registered by the grid worker (代为登记).
    ActorHandle who;
    if (channel == Channel::kDoorToDoor || channel == Channel::kMeeting) {
      JICENG_ASSIGN_OR_RETURN(who, actor(hh.grid, Role::kGridWorker));
    } else {
      JICENG_ASSIGN_OR_RETURN(who, resident(plan.household));
    }
    ++st_.commands["submit"];
    absl::StatusOr<PetitionId> id = e_.execute(who, EventType::kSubmit, kNoPetition, p, now);
    if (!id.ok()) {
      ++st_.refused;
      if (st_.refusals.size() < 20) ++st_.refusals[std::string(id.status().ToString())];
      return absl::OkStatus();
    }
    ++st_.submitted;
    if (plans_.size() < *id) plans_.resize(*id);
    plans_[*id - 1] = std::move(plan);
    // A client retry (the same key again) returns the first petition and records nothing.
    if (rng_.chance(0.005)) {
      absl::StatusOr<PetitionId> again = e_.execute(who, EventType::kSubmit, kNoPetition, p, now);
      if (again.ok() && *again == *id) ++st_.retries_absorbed;
    }
    const Plan& pl = plans_[*id - 1];
    // 疑似重复: the engine's suggestions (same category, same grid, within the window). For
    // a recurring matter intake staff merge the new petition into the earliest one (the
    // plan's 1%, and a quarter of the others), or neighbours support the earliest (附议).
    // Participation draws from a stream of its own.
    JICENG_ASSIGN_OR_RETURN(std::vector<PetitionId> dups, e_.duplicates(*id));
    if (!dups.empty()) {
      ++st_.duplicates_suggested;
      if (pl.merge || prng_.chance(0.25)) {
        merge_target_[*id] = dups.front();
      } else if (prng_.chance(0.5)) {
        JICENG_RETURN_IF_ERROR(neighbours_support(dups.front(), now));
      }
    }
    JICENG_ASSIGN_OR_RETURN(Timestamp t, office(now, pl.withdraw ? 0 : pl.slow_accept ? rng_.range(2, 3) : rng_.range(0, 1)));
    wake(*id, t);
    return absl::OkStatus();
  }

  // 附议: one to three residents of the target's building (not its petitioner, not one who
  // supports it already) support it, while it is still being taken up or handled.
  absl::Status neighbours_support(PetitionId target, Timestamp now) {
    JICENG_ASSIGN_OR_RETURN(PetitionView v, e_.get(target));
    if (!(kSupportStates & state_bit(v.state)) || v.updated_at > now) return absl::OkStatus();
    const Plan& tp = plans_[target - 1];
    const std::vector<std::uint32_t>& mates = by_building_[d_.households[tp.household].building];
    const int k = prng_.range(1, 3);
    for (int i = 0; i < k; ++i) {
      const std::uint32_t h = mates[static_cast<std::size_t>(prng_.range(0, static_cast<int>(mates.size()) - 1))];
      if (h == tp.household) continue;
      JICENG_ASSIGN_OR_RETURN(std::vector<std::string> already, e_.supporters(target));
      if (std::find(already.begin(), already.end(), absl::StrCat("R", d_.households[h].id)) != already.end()) continue;
      JICENG_ASSIGN_OR_RETURN(ActorHandle a, resident(h));
      if (run(EventType::kSupport, a, target, EventPayload{}, now)) {
        ++st_.supports;
        supported_[target].push_back(h);
      }
    }
    return absl::OkStatus();
  }

  // 撤回附议: now and then a neighbour who supported the petition takes it back (the matter
  // eased for them) while it is still open to support — only supports the demo gave at this
  // petition, the latest first. The withdrawal also takes back what the same neighbour gave
  // at petitions merged into this one (they stand behind it): each is counted.
  absl::Status withdraw_a_support(PetitionId id, const PetitionView& v, Timestamp now) {
    auto it = supported_.find(id);
    if (it == supported_.end() || it->second.empty() || !(kSupportStates & state_bit(v.state)) || v.updated_at > now ||
        !prng_.chance(0.2)) {
      return absl::OkStatus();
    }
    const std::uint32_t h = it->second.back();
    JICENG_ASSIGN_OR_RETURN(ActorHandle a, resident(h));
    if (!run(EventType::kWithdrawSupport, a, id, EventPayload{}, now)) return absl::OkStatus();
    for (std::vector<PetitionId> todo{id}; !todo.empty();) {
      const PetitionId x = todo.back();
      todo.pop_back();
      if (auto m = merged_into_.find(x); m != merged_into_.end()) todo.insert(todo.end(), m->second.begin(), m->second.end());
      auto& given = supported_[x];
      if (auto pos = std::find(given.begin(), given.end(), h); pos != given.end()) {
        given.erase(pos);
        ++st_.support_withdrawals;
      }
    }
    return absl::OkStatus();
  }

  absl::Status act(PetitionId id, Timestamp now) {
    JICENG_ASSIGN_OR_RETURN(PetitionView v, e_.get(id));
    Plan& pl = plans_[id - 1];
    const HouseholdRow& hh = d_.households[pl.household];
    const int community = d_.communities[static_cast<std::size_t>(hh.community)];
    const int street = d_.streets[static_cast<std::size_t>(hh.street)];
    const int cur = unit_of(v.current_unit);
    EventPayload p;
    JICENG_RETURN_IF_ERROR(withdraw_a_support(id, v, now));

    // 督办: an officer above looks at some overdue items first.
    if (v.overdue && v.supervisions == 0 && cur >= 0 && rng_.chance(0.3) &&
        (v.state == State::kDispatched || v.state == State::kInProgress)) {
      const auto [u, role] = overseer_for(cur);
      if (u != cur) {
        JICENG_ASSIGN_OR_RETURN(ActorHandle a, actor(u, role));
        p.reason = "超期未办结，请加快办理并反馈进展";
        run(EventType::kSupervise, a, id, p, now);
        p = EventPayload{};
      }
    }

    switch (v.state) {
      case State::kReceived: {
        if (pl.withdraw) {
          JICENG_ASSIGN_OR_RETURN(ActorHandle a, resident(pl.household));
          p.reason = "问题已自行解决";
          run(EventType::kWithdraw, a, id, p, now);
          return absl::OkStatus();
        }
        JICENG_ASSIGN_OR_RETURN(ActorHandle staff, actor(community, Role::kCommunityStaff));
        if (pl.reject) {
          p.reason = "不属于受理范围，已告知当事人通过司法途径解决";
          run(EventType::kReject, staff, id, p, now);
          return absl::OkStatus();
        }
        {
          auto it = merge_target_.find(id);
          if (it != merge_target_.end() && !pl.withdraw && !pl.reject) {
            // Merged only into a petition still open that the community's staff can reach.
            JICENG_ASSIGN_OR_RETURN(PetitionView target, e_.get(it->second));
            const int tu = unit_of(target.current_unit);
            if (is_open(target.state) && tu >= 0 && within(tu, community)) {
              p.linked = it->second;
              if (run(EventType::kMerge, staff, id, p, now)) {
                ++st_.merges;
                merged_into_[it->second].push_back(id);
              }
              return absl::OkStatus();
            }
          }
        }
        if (!run(EventType::kAccept, staff, id, p, now)) return absl::OkStatus();
        if (run(EventType::kDispatch, staff, id, p, now + 300)) {
          JICENG_ASSIGN_OR_RETURN(Timestamp t, office(now + 300, pl.slow_sign ? 3 : rng_.range(0, 1)));
          wake(id, t);
        }
        return absl::OkStatus();
      }
      case State::kAccepted: {
        // Back after a return (退单): the street assigns it (指定), so it cannot bounce again.
        JICENG_ASSIGN_OR_RETURN(ActorHandle officer, actor(street, Role::kStreetOfficer));
        // Not ours, and the competent body is outside the graph: the resident is told whom to ask.
        if (!pl.outside_body.empty()) {
          p.reason = absl::StrCat("非本单位职责，已告知居民向", pl.outside_body, "反映，并协助联系");
          run(EventType::kReject, officer, id, p, now);
          return absl::OkStatus();
        }
        const bool property = std::string_view(kCategories[pl.category].id) == "property";
        int target = hh.grid;
        if (!property && !pl.last_handler.empty()) {
          const int h = unit_of(pl.last_handler);
          if (h >= 0 && d_.units[static_cast<std::size_t>(h)].street == hh.street) target = h;
        }
        // Not ours, naming a unit of the street: it goes there.
        if (pl.competent >= 0 && within(pl.competent, street)) target = pl.competent;
        p.unit = d_.units[static_cast<std::size_t>(target)].id;
        p.designated = true;
        if (run(EventType::kDispatch, officer, id, p, now)) {
          JICENG_ASSIGN_OR_RETURN(Timestamp t, office(now, rng_.range(0, 1)));
          wake(id, t);
        }
        return absl::OkStatus();
      }
      case State::kDispatched: {
        if (cur < 0) return absl::OkStatus();
        JICENG_ASSIGN_OR_RETURN(ActorHandle h, actor(cur, handler_role(cur)));
        bool may_return = pl.returns && !pl.return_done && !v.designated && v.returns == 0 &&
                          v.escalations == 0 && v.reopenings == 0;
        if (may_return) {
          // Only within the return window after dispatch (退单时限); later, sign it.
          const DeadlineLimits& lim = policy_.deadlines.limits(kCategories[pl.category].id, v.urgency);
          const Duration window = v.track == Track::kHotline ? lim.return_window : lim.objection_window;
          absl::StatusOr<Timestamp> until =
              deadline_after(cal_, v.dispatched_at, window, policy_.deadlines.due_minute_of_day());
          may_return = window.amount > 0 && until.ok() && now <= *until;
        }
        if (may_return) {
          pl.return_done = true;
          p.reason = "经核实该事项不属于本单位职责范围，申请退回重新派单";
          // 非本单位职责, saying who is competent: a grid names its community, a community its
          // street; drains and charging are sometimes the water or power company's.
          const UnitRow& here = d_.units[static_cast<std::size_t>(cur)];
          const std::string_view category = kCategories[pl.category].id;
          const bool utility = category == "drains" || category == "charging";
          if ((here.type == UnitType::kGrid || here.type == UnitType::kCommunity) && here.parent >= 0 &&
              prng_.chance(0.6)) {
            p.not_ours = true;
            if (utility && prng_.chance(0.5)) {
              p.external_body = category == "drains" ? "市政排水管理处" : "国网供电公司";
              p.reason = absl::StrCat("经核实，该问题属于", p.external_body, "产权设施，非本单位职责");
              if (run(EventType::kReturn, h, id, p, now)) {
                ++st_.not_ours_external;
                pl.outside_body = p.external_body;
              }
            } else {
              const UnitRow& up = d_.units[static_cast<std::size_t>(here.parent)];
              p.unit = up.id;
              p.reason = absl::StrCat("经核实，该事项需", up.name, "统筹协调，非本单位职责");
              if (run(EventType::kReturn, h, id, p, now)) {
                ++st_.not_ours_unit;
                pl.competent = here.parent;
              }
            }
          } else {
            run(EventType::kReturn, h, id, p, now);
          }
          JICENG_ASSIGN_OR_RETURN(Timestamp t, office(now, 1));
          wake(id, t);
          return absl::OkStatus();
        }
        if (!run(EventType::kSign, h, id, p, now)) return absl::OkStatus();
        pl.last_handler = v.current_unit;
        const int delay = pl.slow_resolve ? rng_.range(6, 9) : rng_.range(1, 4);
        JICENG_ASSIGN_OR_RETURN(Timestamp t, office(now, pl.extension || pl.escalate ? 1 : delay));
        wake(id, t);
        return absl::OkStatus();
      }
      case State::kInProgress: {
        if (cur < 0) return absl::OkStatus();
        if (v.extension_pending > 0) {
          const auto [u, role] = supervisor_for(cur);
          JICENG_ASSIGN_OR_RETURN(ActorHandle s, actor(u, role));
          if (rng_.chance(0.8)) {
            run(EventType::kGrantExtension, s, id, p, now);
          } else {
            p.reason = "事项简单，请在原时限内办结";
            run(EventType::kDenyExtension, s, id, p, now);
          }
          JICENG_ASSIGN_OR_RETURN(Timestamp t, office(now, rng_.range(2, 6)));
          wake(id, t);
          return absl::OkStatus();
        }
        JICENG_ASSIGN_OR_RETURN(ActorHandle h, actor(cur, handler_role(cur)));
        if (pl.extension && !pl.extension_asked && v.extensions == 0) {
          pl.extension_asked = true;
          p.extension = policy_.deadlines.limits(kCategories[pl.category].id, v.urgency).max_extension;
          p.extension.amount = std::max<std::int64_t>(1, p.extension.amount / 2);
          p.reason = "需协调多个部门，申请延期办理";
          run(EventType::kRequestExtension, h, id, p, now);
          JICENG_ASSIGN_OR_RETURN(Timestamp t, office(now, 1));
          wake(id, t);
          return absl::OkStatus();
        }
        if (pl.escalate && !pl.escalate_done && v.escalations == 0) {
          pl.escalate_done = true;
          const int parent = d_.units[static_cast<std::size_t>(cur)].parent;
          const int ceiling = static_cast<int>(policy_.escalation.ceiling_level[static_cast<int>(v.severity)]);
          if (parent >= 0 && level_of(parent) >= ceiling) {
            p.reason = "涉及多个部门，本级难以协调，上报上级统筹";
            run(EventType::kEscalate, h, id, p, now);
            JICENG_ASSIGN_OR_RETURN(Timestamp t, office(now, rng_.range(0, 1)));
            wake(id, t);
            return absl::OkStatus();
          }
        }
        p.reason = absl::StrCat("已现场核实并处理：", kCategories[pl.category].texts[0], "。已与居民沟通办理结果。");
        if (!run(EventType::kResolve, h, id, p, now)) return absl::OkStatus();
        if (pl.evaluate) {
          // Residents answer at any hour within a couple of days.
          wake(id, now + 3600 * rng_.range(2, 40));
        }
        return absl::OkStatus();
      }
      case State::kResolved: {
        if (!pl.evaluate) return absl::OkStatus();
        const double s = rng_.uniform();
        p.evaluation.satisfaction = s < 0.78   ? Satisfaction::kSatisfied
                                    : s < 0.92 ? Satisfaction::kBasicallySatisfied
                                               : Satisfaction::kUnsatisfied;
        p.evaluation.contacted = rng_.chance(0.97);
        p.evaluation.solved = p.evaluation.satisfaction == Satisfaction::kUnsatisfied ? rng_.chance(0.4)
                                                                                      : rng_.chance(0.97);
        // 回访: community staff call back when the petition sits in their community;
        // otherwise the resident rates it on the platform.
        ActorHandle a;
        if (cur >= 0 && (cur == community || d_.units[static_cast<std::size_t>(cur)].parent == community) &&
            rng_.chance(0.5)) {
          JICENG_ASSIGN_OR_RETURN(a, actor(community, Role::kCommunityStaff));
        } else {
          JICENG_ASSIGN_OR_RETURN(a, resident(pl.household));
        }
        if (!run(EventType::kEvaluate, a, id, p, now)) return absl::OkStatus();
        const bool can_reopen = v.track == Track::kHotline ? v.reopenings < policy_.caps.max_reopens
                                                           : v.reviews < std::min(2, policy_.caps.max_reviews);
        if (p.evaluation.satisfaction == Satisfaction::kUnsatisfied && pl.reopen_if_unsatisfied && can_reopen) {
          wake(id, now + 3600 * rng_.range(1, 24));
        }
        return absl::OkStatus();
      }
      case State::kClosed: {
        if (!v.evaluation || v.evaluation->satisfaction != Satisfaction::kUnsatisfied) return absl::OkStatus();
        // 信访: a matter the district itself answered has no higher unit to review it here.
        if (v.track != Track::kHotline && cur >= 0 && d_.units[static_cast<std::size_t>(cur)].parent < 0) {
          return absl::OkStatus();
        }
        JICENG_ASSIGN_OR_RETURN(ActorHandle a, resident(pl.household));
        // Hotline: 重办 at the same unit; 信访: 复查, then 复核, by the next higher unit.
        if (v.track == Track::kHotline) {
          p.reopen_kind = ReopenKind::kReopen;
          p.reason = "问题没有解决，要求重新办理";
        } else {
          p.reopen_kind = v.reviews == 0 ? ReopenKind::kReview : ReopenKind::kReReview;
          p.reason = v.reviews == 0 ? "对处理意见不服，申请复查" : "对复查意见不服，申请复核";
        }
        if (run(EventType::kReopen, a, id, p, now)) {
          pl.slow_resolve = false;
          pl.extension = pl.escalate = false;
          JICENG_ASSIGN_OR_RETURN(Timestamp t, office(now, rng_.range(0, 1)));
          wake(id, t);
        }
        return absl::OkStatus();
      }
      default:
        return absl::OkStatus();
    }
  }

  Engine& e_;
  const District& d_;
  const DemoOptions& o_;
  const WorkCalendar& cal_;
  PetitionPolicy policy_;
  Rng rng_;
  SimStats st_;
  std::vector<Plan> plans_;
  std::priority_queue<Wake, std::vector<Wake>, std::greater<>> wakes_;
  absl::flat_hash_map<std::string, int> unit_index_;
  absl::flat_hash_map<std::uint64_t, ActorHandle> actors_;
  absl::flat_hash_map<std::uint32_t, ActorHandle> residents_;
  Rng prng_;  // participation's own stream: the petitions' draws stay as they were
  absl::flat_hash_map<int, std::vector<std::uint32_t>> by_building_;
  absl::flat_hash_map<PetitionId, PetitionId> merge_target_;
  absl::flat_hash_map<PetitionId, std::vector<std::uint32_t>> supported_;  // households the demo had support it
  absl::flat_hash_map<PetitionId, std::vector<PetitionId>> merged_into_;   // kept petition → merged into it
};

}  // namespace

absl::StatusOr<SimStats> simulate(Engine& engine, const District& district, const DemoOptions& options) {
  Sim sim(engine, district, options);
  return sim.run();
}

}  // namespace jiceng::demo
