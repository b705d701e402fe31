// The embedded default district (默认辖区): Wuzhong's shape (docs/domain.md §9) — 15 streets
// and towns, 115 communities, 826 grid party branches, 698 先锋枢纽驿站 each with a hub
// head (枢纽长), buildings (楼栋党小组), party-member central households (党员中心户),
// households, members and posts — with the real names the reports give, the rest generated
// from a fixed seed so that every build holds the same district.
#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "demo/district.hpp"
#include "demo/demo.hpp"

namespace jiceng::demo {
namespace {

namespace json = boost::json;

struct StreetSpec {
  const char* name;
  bool town;
  int communities;
};

// 9 streets and 6 towns of Wuzhong; community counts sum to 115 (docs/domain.md §9).
constexpr std::array<StreetSpec, 15> kStreets{{
    {"长桥街道", false, 10}, {"郭巷街道", false, 9},  {"横泾街道", false, 6},  {"香山街道", false, 6},
    {"苏苑街道", false, 8},  {"龙西街道", false, 8},  {"城南街道", false, 10}, {"越溪街道", false, 8},
    {"太湖街道", false, 5},  {"木渎镇", true, 12},    {"甪直镇", true, 8},     {"胥口镇", true, 6},
    {"临湖镇", true, 6},     {"光福镇", true, 6},     {"东山镇", true, 7},
}};

// Communities named in the reports, by street, with their organization form.
struct RealCommunity {
  const char* street;
  const char* name;
  const char* kind;
};
constexpr std::array<RealCommunity, 7> kReal{{
    {"长桥街道", "龙桥社区", "community_committee"},      // 长桥街道龙桥社区 新一届党委 (002)
    {"横泾街道", "泾峰社区", "community_committee"},      // 横泾街道泾峰社区党委 (002)
    {"木渎镇", "南亭社区", "community_general_branch"},   // 南亭社区党总支书记 (002)
    {"太湖街道", "融湾社区", "community_committee"},      // 太湖街道融湾、颐湾社区 (002)
    {"太湖街道", "颐湾社区", "community_committee"},
    {"香山街道", "舟山花园社区", "community_committee"},  // 香山街道舟山花园社区 (002)
    {"城南街道", "家天下社区", "community_branch"},       // 家天下社区党支部 (002)
}};

constexpr const char* kFirst[] = {"龙", "泾", "枫", "融", "颐", "舟", "澄", "尹", "越", "溪", "清", "宝",
                                  "金", "善", "荷", "桂", "兰", "松", "竹", "玉", "石", "碧", "蠡", "胥",
                                  "光", "东", "临", "新", "盛", "凤", "鹿", "吉", "福", "旺", "怡", "锦"};
constexpr const char* kSecond[] = {"桥", "峰", "亭", "湾", "山", "苑", "园", "浜", "港", "塘", "庄", "溪",
                                   "湖", "墅", "里", "岸", "华", "景", "泽", "晖", "安", "和", "康", "宁"};
constexpr const char* kSurnames[] = {"王", "陈", "张", "李", "周", "徐", "沈", "陆", "顾", "吴",
                                     "朱", "钱", "杨", "蒋", "孙", "金", "汤", "许", "严", "任"};
constexpr const char* kGiven[] = {"建国", "秀兰", "志强", "丽娟", "春华", "晓英", "海燕", "国庆", "美玲", "文军",
                                  "子涵", "伟",   "芳",   "磊",   "敏",   "静",   "斌峰", "敏莉", "小琴", "坤全",
                                  "畅",   "翔",   "军克", "雪梅", "德明", "玉芬", "永康", "佳怡", "浩然", "慧"};
constexpr const char* kNumerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
constexpr const char* kPropertyNames[] = {"新家", "中海", "绿城", "万科", "东吴", "华润", "招商", "苏信",
                                          "金枫", "太湖", "龙湖", "碧桂园", "保利", "建屋", "吴中城投",
                                          "香山", "木渎", "胥江", "光福", "越溪"};

std::string pad(int v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<std::size_t>(width - static_cast<int>(s.size())), '0');
  return s;
}

class Builder {
 public:
  District d;
  json::array units, links, members, posts, households;
  Rng rng{0x5A5A2025u};  // the district never changes with the demo's --seed
  int member_seq = 0;

  int add_unit(std::string id, std::string name, UnitType type, const char* kind, int level, int parent,
               int street, int community, const char* compound = nullptr) {
    json::object o;
    o["id"] = id;
    o["name"] = name;
    o["level"] = level;
    o["kind"] = kind;
    if (parent >= 0) o["parent"] = d.units[static_cast<std::size_t>(parent)].id;
    if (compound != nullptr) o["compound"] = compound;
    units.push_back(std::move(o));
    d.units.push_back(UnitRow{std::move(id), std::move(name), type, parent, street, community});
    return static_cast<int>(d.units.size()) - 1;
  }
  void link(const char* type, int from, int to, int tripartite = -1) {
    json::object o;
    o["type"] = type;
    o["from"] = d.units[static_cast<std::size_t>(from)].id;
    o["to"] = d.units[static_cast<std::size_t>(to)].id;
    if (tripartite >= 0) o["tripartite_agreement"] = tripartite == 1;
    links.push_back(std::move(o));
  }
  std::string person_name() {
    // One draw per statement: argument evaluation order differs between compilers, and the
    // district must be the same whichever built it.
    const char* given = kGiven[rng.next() % std::size(kGiven)];
    const char* surname = kSurnames[rng.next() % std::size(kSurnames)];
    return absl::StrCat(surname, given);
  }
  std::string member(bool party, int org_unit, int residence = -1) {
    std::string id = absl::StrCat("M", pad(++member_seq, 6));
    json::object o;
    o["id"] = id;
    o["name"] = person_name();
    o["party_member"] = party;
    if (org_unit >= 0) o["org_unit"] = d.units[static_cast<std::size_t>(org_unit)].id;
    if (residence >= 0) o["residence_unit"] = d.units[static_cast<std::size_t>(residence)].id;
    members.push_back(std::move(o));
    ++d.members;
    return id;
  }
  void post(const std::string& member_id, int unit, const char* role, const char* start, const char* end = nullptr) {
    json::object o;
    o["member"] = member_id;
    o["unit"] = d.units[static_cast<std::size_t>(unit)].id;
    o["role"] = role;
    o["start"] = start;
    if (end != nullptr) o["end"] = end;
    posts.push_back(std::move(o));
    ++d.posts;
  }

  void build() {
    d.district = add_unit("320506", "中共苏州市吴中区委员会", UnitType::kDistrict, "district_committee", 0, -1, -1, -1);
    post(member(true, d.district), d.district, "secretary", "2021-09-01");
    d.industry = add_unit("320506IC", "吴中区物业行业党委", UnitType::kIndustry, "industry_committee", 1, d.district,
                          -1, -1);
    post(member(true, d.industry), d.industry, "secretary", "2022-03-01");
    std::vector<int> property;
    for (std::size_t i = 0; i < std::size(kPropertyNames); ++i) {
      const int p = add_unit(absl::StrCat("320506ICP", pad(static_cast<int>(i) + 1, 2)),
                             absl::StrCat(kPropertyNames[i], "物业公司党支部"), UnitType::kPropertyBranch,
                             "property_branch", 2, d.industry, -1, -1);
      const std::string sec = member(true, p);
      member(true, p);
      member(true, p);
      post(sec, p, "secretary", "2022-03-01");
      link("manages_members", d.industry, p);
      property.push_back(p);
    }

    // Which communities get 8 grids rather than 7: 21 of 115, so 826 in all.
    constexpr int kCommunities = 115, kEight = 826 - 7 * kCommunities;
    std::vector<int> order(kCommunities);
    for (int i = 0; i < kCommunities; ++i) order[static_cast<std::size_t>(i)] = i;
    for (int i = kCommunities - 1; i > 0; --i) std::swap(order[static_cast<std::size_t>(i)], order[rng.next() % static_cast<std::uint64_t>(i + 1)]);
    std::vector<int> grids_of(kCommunities, 7);
    for (int i = 0; i < kEight; ++i) grids_of[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = 8;
    // Which grids have no station: 826 - 698 = 128.
    std::vector<std::uint8_t> no_station(826, 0);
    {
      std::vector<int> g(826);
      for (int i = 0; i < 826; ++i) g[static_cast<std::size_t>(i)] = i;
      for (int i = 825; i > 0; --i) std::swap(g[static_cast<std::size_t>(i)], g[rng.next() % static_cast<std::uint64_t>(i + 1)]);
      for (int i = 0; i < 826 - 698; ++i) no_station[static_cast<std::size_t>(g[static_cast<std::size_t>(i)])] = 1;
    }

    std::set<std::string> used_names;
    for (const auto& rc : kReal) used_names.insert(rc.name);
    int community_no = 0, grid_no = 0, owners_groups = 0;
    for (std::size_t si = 0; si < kStreets.size(); ++si) {
      const StreetSpec& ss = kStreets[si];
      const int street_idx = static_cast<int>(d.streets.size());
      const std::string sid = ss.town ? absl::StrCat("320506", 101 + static_cast<int>(si) - 9)
                                      : absl::StrCat("320506", pad(static_cast<int>(si) + 1, 3));
      const int s = add_unit(sid, absl::StrCat(ss.name, ss.town ? "党委" : "党工委"), UnitType::kStreet,
                             ss.town ? "township_committee" : "street_committee", 1, d.district, street_idx, -1);
      d.streets.push_back(s);
      post(member(true, s), s, "secretary", "2021-08-15");
      std::vector<int> street_communities;
      std::vector<const RealCommunity*> real;
      for (const auto& rc : kReal) {
        if (std::string_view(rc.street) == ss.name) real.push_back(&rc);
      }
      for (int ci = 0; ci < ss.communities; ++ci, ++community_no) {
        std::string cname;
        const char* kind = "community_committee";
        if (static_cast<std::size_t>(ci) < real.size()) {
          cname = real[static_cast<std::size_t>(ci)]->name;
          kind = real[static_cast<std::size_t>(ci)]->kind;
        } else {
          do {
            const char* second = kSecond[rng.next() % std::size(kSecond)];
            const char* first = kFirst[rng.next() % std::size(kFirst)];
            cname = absl::StrCat(first, second, "社区");
          } while (!used_names.insert(cname).second);
          const int f = rng.range(0, 9);
          kind = f < 6 ? "community_committee" : f < 9 ? "community_general_branch" : "community_branch";
        }
        const std::string short_name = cname.substr(0, cname.size() - std::string("社区").size());
        const char* suffix = std::string_view(kind) == "community_committee"        ? "党委"
                             : std::string_view(kind) == "community_general_branch" ? "党总支"
                                                                                    : "党支部";
        const int c_idx = static_cast<int>(d.communities.size());
        const int c = add_unit(absl::StrCat(sid, pad(ci + 1, 3)), absl::StrCat(cname, suffix), UnitType::kCommunity,
                               kind, 2, s, street_idx, c_idx);
        d.communities.push_back(c);
        street_communities.push_back(c);
        const std::string csec = member(true, c);
        post(csec, c, "secretary", "2021-07-01");
        post(member(true, c), c, "deputy_secretary", "2021-07-01");
        post(member(true, c), c, "red_steward_lead", "2022-01-01");
        member(false, c);
        // 社区大党委 with one or two resident units (驻区单位).
        const int j = add_unit(absl::StrCat(sid, pad(ci + 1, 3), "J"), absl::StrCat(short_name, "社区大党委"),
                               UnitType::kJoint, "joint_committee", 3, c, street_idx, c_idx);
        post(csec, j, "secretary", "2021-10-01");
        link("joint", j, c);
        const int residents = rng.range(1, 2);
        for (int r = 0; r < residents; ++r) {
          const char* what = r == 0 ? "社工服务社党支部" : "科技公司党支部";
          const int ru = add_unit(absl::StrCat(sid, pad(ci + 1, 3), "R", r + 1), absl::StrCat(short_name, what),
                                  UnitType::kResident, "resident_unit", 3, c, street_idx, c_idx);
          link("joint", j, ru);
        }
        // 业委会党的工作小组 in the Economic Development Zone's streets (37, docs/domain.md §8).
        if ((si == 1 || si == 2 || si == 6 || si == 7) && owners_groups < 37) {
          for (int k = 0; k < 2 && owners_groups < 37; ++k, ++owners_groups) {
            const int q = add_unit(absl::StrCat(sid, pad(ci + 1, 3), "Q", k + 1),
                                   absl::StrCat(short_name, k == 0 ? "一区" : "二区", "业委会党的工作小组"),
                                   UnitType::kOwnersGroup, "owners_committee_group", 3, c, street_idx, c_idx);
            link("manages_members", c, q);
          }
        }
        const long fund = rng.chance(0.06) ? 180000 : 200000 + 10000L * rng.range(0, 5);
        d.service_fund_yuan.push_back(fund);
        std::vector<std::pair<std::string, long>> spend;
        if (cname == "南亭社区") spend.emplace_back("助餐服务点", 50000);  // docs/domain.md §9
        spend.emplace_back("议事场地维护", 10000L * rng.range(1, 4));
        spend.emplace_back("居民服务活动", 10000L * rng.range(3, 9));
        if (rng.chance(0.04)) spend.emplace_back("微实事项目", 150000);
        d.spending.push_back(std::move(spend));
        d.reserve_candidates.push_back(rng.chance(0.1) ? 1 : 2 + (rng.chance(0.3) ? 1 : 0));

        const int property_branch = property[static_cast<std::size_t>(community_no) % property.size()];
        for (int gi = 0; gi < grids_of[static_cast<std::size_t>(community_no)]; ++gi, ++grid_no) {
          const std::string gid = absl::StrCat(sid, pad(ci + 1, 3), "G", pad(gi + 1, 2));
          const char* compound = nullptr;
          std::string compound_label;
          if (gi == 0 && (community_no % 19) == 3) {
            compound_label = absl::StrCat(short_name, "新村");
            compound = compound_label.c_str();
          }
          const int g = add_unit(gid, absl::StrCat("第", kNumerals[gi], "网格党支部"), UnitType::kGrid, "grid_branch",
                                 3, c, street_idx, c_idx);
          d.grids.push_back(g);
          int grid_party = 0;
          // Grid secretary: three whose term ended are left vacant (a coverage error).
          const std::string sec = member(true, g);
          ++grid_party;
          if (grid_no % 300 == 150) {
            post(sec, g, "secretary", "2019-07-01", "2024-12-31");
          } else {
            post(sec, g, "secretary", "2021-07-20");
          }
          post(member(false, c), g, "grid_worker", "2021-07-01");
          if (!no_station[static_cast<std::size_t>(grid_no)]) {
            const int st = add_unit(gid + "S", absl::StrCat(short_name, "第", kNumerals[gi], "网格先锋枢纽驿站"),
                                    UnitType::kStation, "station", 4, g, street_idx, c_idx);
            link("covers", st, g);
            post(member(rng.chance(0.7), g), st, "hub_head", "2021-09-01");
            ++d.stations;
          }
          const bool agreement = rng.chance(0.75);
          link("serves", property_branch, g, agreement ? 1 : 0);
          if (d.grid_property.size() < d.units.size()) d.grid_property.resize(d.units.size() + 1, -1);
          d.grid_property[static_cast<std::size_t>(g)] = agreement ? property_branch : -1;
          d.practical_projects.push_back(rng.chance(0.04) ? 0 : rng.range(1, 3));
          const int nb = rng.range(5, 10);
          for (int bi = 0; bi < nb; ++bi) {
            const std::string bid = absl::StrCat(gid, "B", pad(bi + 1, 2));
            const int b = add_unit(bid, absl::StrCat(bi + 1, "幢党小组"), UnitType::kBuilding, "building_group", 4, g,
                                   street_idx, c_idx, compound);
            ++d.buildings;
            const int nch = rng.range(1, 2);
            std::vector<int> centrals;
            for (int h = 0; h < nch; ++h) {
              const int ch = add_unit(absl::StrCat(bid, "H", h + 1), absl::StrCat("党员中心户", bi + 1, "-", h + 1),
                                      UnitType::kCentral, "central_household", 5, b, street_idx, c_idx);
              centrals.push_back(ch);
              ++d.central_households;
              member(true, g, ch);
              ++grid_party;
            }
            const std::string leader = member(true, g, b);
            ++grid_party;
            post(leader, b, "building_leader", "2021-07-20");
            if (rng.chance(0.5)) member(false, -1, b);
            const int nh = rng.range(4, 8);
            for (int h = 0; h < nh; ++h) {
              const int floor = 1 + h / 2, room = 1 + h % 2;
              std::string hid = absl::StrCat(bid, "-", pad(floor, 2), pad(room, 2));
              json::object o;
              o["id"] = hid;
              o["building"] = bid;
              o["central_household"] = d.units[static_cast<std::size_t>(centrals[static_cast<std::size_t>(h) % centrals.size()])].id;
              households.push_back(std::move(o));
              d.households.push_back(HouseholdRow{std::move(hid), b, g, c_idx, street_idx});
            }
          }
          d.grid_party_members.push_back(grid_party);
          d.grid_committee_size.push_back(rng.chance(0.03) ? 0 : rng.range(3, 5));
        }
      }
      // 郭巷街道尹东片区: a 片区型大党委 over three communities and an office (docs/domain.md §9).
      if (std::string_view(ss.name) == "郭巷街道") {
        const int j = add_unit(sid + "J", "尹东片区型大党委", UnitType::kJoint, "joint_committee", 2, s, street_idx, -1);
        post(member(true, s), j, "secretary", "2022-05-01");
        const int office = add_unit(sid + "R1", "郭巷街道机关党委", UnitType::kResident, "resident_unit", 2, s,
                                    street_idx, -1);
        link("joint", j, office);
        for (int k = 0; k < 3 && k < static_cast<int>(street_communities.size()); ++k) {
          link("joint", j, street_communities[static_cast<std::size_t>(k)]);
        }
      }
    }
    d.grid_property.resize(d.units.size(), -1);

    json::object doc;
    doc["schema"] = "urban_grid";
    doc["units"] = std::move(units);
    doc["links"] = std::move(links);
    doc["members"] = std::move(members);
    doc["posts"] = std::move(posts);
    doc["households"] = std::move(households);
    d.json = json::serialize(doc);
  }
};

}  // namespace

const District& default_district() {
  static const District* district = [] {
    Builder b;
    b.build();
    return new District(std::move(b.d));
  }();
  return *district;
}

}  // namespace jiceng::demo

namespace jiceng {
std::string default_district_json() { return demo::default_district().json; }
}  // namespace jiceng
