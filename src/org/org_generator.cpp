// The seeded city generator. Streams records into one text buffer per section (units,
// links, members, posts, households) and joins them at the end, so a million-unit city
// never exists as a JSON tree in memory. The random engine is std::mt19937_64, whose
// output the standard fixes; ranges are taken from it by hand (the std distributions
// differ between library implementations).
#include "jiceng/org_generator.hpp"

#include <array>
#include <cstdio>
#include <random>

#include <boost/json.hpp>

#include "org/org_impl.hpp"

namespace jiceng {
namespace {

constexpr std::array<std::string_view, 16> kPlaceNames = {
    "长桥", "龙西", "城南", "越溪", "郭巷", "横泾", "香山", "太湖",
    "木渎", "胥口", "临湖", "甪直", "东山", "金庭", "娄葑", "斜塘"};
constexpr std::array<std::string_view, 12> kSurnames = {"王", "李", "张", "刘", "陈", "杨",
                                                         "沈", "顾", "陆", "周", "吴", "徐"};
constexpr std::array<std::string_view, 16> kGiven = {"晓英", "建国", "春华", "志强", "美玲", "文军",
                                                      "丽娟", "伟",   "芳",   "敏",   "静",   "磊",
                                                      "海燕", "国庆", "秀兰", "子涵"};

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t below(std::uint64_t n) { return n ? engine_() % n : 0; }
  int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<std::uint64_t>(hi - lo + 1))); }
  bool chance(double p) { return static_cast<double>(engine_() >> 11) * 0x1.0p-53 < p; }
  /// An integer with mean `mean`: floor or ceiling, weighted by the fraction.
  int around(double mean) {
    int base = static_cast<int>(mean);
    return base + (chance(mean - base) ? 1 : 0);
  }

 private:
  std::mt19937_64 engine_;
};

std::string q(std::string_view s) { return boost::json::serialize(boost::json::string_view(s.data(), s.size())); }

class CityWriter {
 public:
  CityWriter(const CityGenSpec& spec, bool jsonl) : spec_(spec), jsonl_(jsonl), rng_(spec.seed) {}

  std::string run() {
    generate();
    std::string out;
    out.reserve(units_.size() + links_.size() + members_.size() + posts_.size() + households_.size() + 256);
    if (jsonl_) {
      out += "{\"record\": \"schema\", \"schema\": \"urban_grid\"}\n";
      for (auto* s : {&units_, &links_, &members_, &posts_, &households_}) out += *s;
      return out;
    }
    out += "{\"schema\": \"urban_grid\",\n";
    section(out, "units", units_, true);
    section(out, "links", links_, true);
    section(out, "members", members_, true);
    section(out, "posts", posts_, true);
    section(out, "households", households_, false);
    out += "}\n";
    return out;
  }

 private:
  static void section(std::string& out, std::string_view key, std::string& body, bool comma) {
    internal::append(&out, "\"", key, "\": [");
    if (!body.empty()) {
      body.resize(body.size() - 2);  // drop the last ",\n"
      internal::append(&out, "\n", body, "\n");
    }
    out += comma ? "],\n" : "]\n";
  }

  void record(std::string& to, std::string_view type, std::string_view fields) {
    if (jsonl_) {
      internal::append(&to, "{\"record\": \"", type, "\", ", fields, "}\n");
    } else {
      internal::append(&to, "{", fields, "},\n");
    }
  }

  /// Adds a unit unless the budget is spent; false means skip it and its subtree.
  bool unit(const std::string& id, std::string_view name, int level, UnitKind kind, const std::string& parent,
            std::string_view extra = {}) {
    if (count_ >= spec_.units) return false;
    ++count_;
    std::string f = internal::cat("\"id\": ", q(id), ", \"name\": ", q(name), ", \"level\": ", level, ", \"kind\": \"",
                                 to_string(kind), "\"");
    if (!parent.empty()) internal::append(&f, ", \"parent\": ", q(parent));
    if (!extra.empty()) internal::append(&f, ", ", extra);
    record(units_, "unit", f);
    return true;
  }

  void link(LinkType type, const std::string& from, const std::string& to, bool tripartite = false) {
    record(links_, "link",
           internal::cat("\"type\": \"", to_string(type), "\", \"from\": ", q(from), ", \"to\": ", q(to),
                        tripartite ? ", \"tripartite_agreement\": true" : ""));
  }

  std::string person_name() {
    return internal::cat(kSurnames[rng_.below(kSurnames.size())], kGiven[rng_.below(kGiven.size())]);
  }

  /// Adds a member; returns its id, or "" when members are off.
  std::string member(bool party, const std::string& org, const std::string& residence) {
    if (!spec_.members) return {};
    char buf[24];
    std::snprintf(buf, sizeof buf, "M%08zu", ++members_count_);
    std::string f = internal::cat("\"id\": \"", buf, "\", \"name\": ", q(person_name()),
                                 ", \"party_member\": ", party ? "true" : "false");
    if (!org.empty()) internal::append(&f, ", \"org_unit\": ", q(org));
    if (!residence.empty()) internal::append(&f, ", \"residence_unit\": ", q(residence));
    record(members_, "member", f);
    return buf;
  }

  void post(const std::string& member_id, const std::string& unit_id, PostRole role) {
    if (member_id.empty()) return;
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", 2021 + rng_.between(0, 2), rng_.between(1, 12),
                  rng_.between(1, 28));
    record(posts_, "post",
           internal::cat("\"member\": \"", member_id, "\", \"unit\": ", q(unit_id), ", \"role\": \"", to_string(role),
                        "\", \"start\": \"", date, "\""));
  }

  /// A party organization's secretary (unless the spec leaves the post vacant).
  void secretary(const std::string& unit_id, const std::string& residence = {}) {
    if (rng_.chance(spec_.secretary_vacancy_rate)) return;
    post(member(true, unit_id, residence), unit_id, PostRole::kSecretary);
  }

  static std::string num(std::string_view prefix, int n, int width = 2) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%0*d", width, n);
    return internal::cat(prefix, buf);
  }

  std::string place(std::size_t i) {
    std::string_view p = kPlaceNames[i % kPlaceNames.size()];
    return i < kPlaceNames.size() ? std::string(p) : internal::cat(p, i / kPlaceNames.size() + 1);
  }

  void generate() {
    const std::string district = "320506";
    if (!unit(district, "吴中区委", 0, UnitKind::kDistrictCommittee, "")) return;
    secretary(district);
    const std::string industry = district + "IC";
    if (unit(industry, "物业行业党委", 1, UnitKind::kIndustryCommittee, district)) secretary(industry);
    for (int s = 1; count_ < spec_.units; ++s) street(district, s);
  }

  void street(const std::string& district, int s) {
    const bool rural = rng_.chance(spec_.rural_street_rate);
    const std::string id = num(district, s, 3);
    const std::string name = rural ? internal::cat(place(static_cast<std::size_t>(s - 1)), "镇党委")
                                   : internal::cat(place(static_cast<std::size_t>(s - 1)), "街道党工委");
    if (!unit(id, name, 1, rural ? UnitKind::kTownshipCommittee : UnitKind::kStreetCommittee, district,
              rural ? "\"schema\": \"rural\"" : "")) {
      return;
    }
    secretary(id);
    const int communities = std::max(1, rng_.between(spec_.communities_per_street - 2, spec_.communities_per_street + 2));
    std::vector<std::string> committees;
    for (int c = 1; c <= communities; ++c) {
      std::string cid = community(id, c, rural);
      if (cid.empty()) break;
      committees.push_back(std::move(cid));
    }
    // 片区型大党委: several communities with the units around them.
    if (!rural && committees.size() >= 3 && rng_.chance(0.3)) {
      const std::string jc = id + "J";
      if (unit(jc, "片区型大党委", 2, UnitKind::kJointCommittee, id)) {
        secretary(jc);
        for (std::size_t i = 0; i < 3; ++i) link(LinkType::kJoint, jc, committees[i]);
      }
    }
  }

  /// Returns the community's id, or "" when the budget ran out before it.
  std::string community(const std::string& street_id, int c, bool rural) {
    const std::string id = num(street_id, c, 3);
    const bool compound = !rural && rng_.chance(spec_.compound_community_rate);
    const double r = static_cast<double>(rng_.below(100));
    const UnitKind kind = r < 70 ? UnitKind::kCommunityCommittee
                          : r < 95 ? UnitKind::kCommunityGeneralBranch
                                   : UnitKind::kCommunityBranch;
    const std::string name = internal::cat(place(rng_.below(64)), rural ? "村" : "社区",
                                          kind == UnitKind::kCommunityCommittee ? "党委"
                                          : kind == UnitKind::kCommunityGeneralBranch ? "党总支" : "党支部");
    if (!unit(id, name, 2, kind, street_id, compound ? "\"schema\": \"compound\"" : "")) return {};
    secretary(id);
    if (rng_.chance(0.5)) post(member(true, id, ""), id, PostRole::kDeputySecretary);
    if (rng_.chance(0.2)) post(member(true, street_id, ""), id, PostRole::kPartyBuildingInstructor);
    if (rural && rng_.chance(0.3)) post(member(true, id, ""), id, PostRole::kFirstSecretary);
    if (unit(id + "S", rural ? "党群服务站" : "党群服务中心", 3, UnitKind::kStation, id)) {
      link(LinkType::kCovers, id + "S", id);
      post(member(false, "", ""), id + "S", PostRole::kHubHead);
    }
    if (!rural && rng_.chance(0.5)) {  // 社区大党委 with its resident units
      const std::string jc = id + "J";
      if (unit(jc, "社区大党委", 3, UnitKind::kJointCommittee, id)) {
        secretary(jc);
        const int n = rng_.between(2, 4);
        for (int i = 1; i <= n; ++i) {
          static constexpr std::array<std::string_view, 4> kResident = {"驻区机关党支部", "非公企业党支部",
                                                                        "社会组织党支部", "学校党支部"};
          const std::string ru = num(id + "R", i, 1);
          if (!unit(ru, kResident[rng_.below(kResident.size())], 3, UnitKind::kResidentUnit, id)) break;
          link(LinkType::kJoint, jc, ru);
        }
      }
    }
    if (rural) {
      const int villages = rng_.between(3, 5);
      for (int v = 1; v <= villages; ++v) {
        const std::string vid = num(id + "V", v);
        if (!unit(vid, internal::cat(place(rng_.below(64)), "自然村党支部"), 3, UnitKind::kVillageBranch, id)) break;
        secretary(vid);
        if (rng_.chance(spec_.station_rate)) station(vid);
        buildings(vid, UnitKind::kVillagerGroup, "村民小组党小组", "Z", "");
      }
      return id;
    }
    const int areas = std::max(1, rng_.around(spec_.grids_per_community) + rng_.between(-1, 1));
    std::string property_branch;
    if (compound) {
      property_branch = id + "P";
      if (unit(property_branch, "物业党支部", 3, UnitKind::kPropertyBranch, id)) {
        secretary(property_branch);
        link(LinkType::kManagesMembers, id, property_branch);
        post(member(true, property_branch, ""), property_branch, PostRole::kRedStewardLead);
      } else {
        return id;
      }
    }
    for (int g = 1; g <= areas; ++g) {
      if (compound) {
        const std::string cb = num(id + "C", g);
        if (!unit(cb, internal::cat(place(rng_.below(64)), "花园小区党支部"), 3, UnitKind::kCompoundBranch, id)) break;
        secretary(cb);
        link(LinkType::kServes, property_branch, cb, rng_.chance(0.8));
        if (rng_.chance(spec_.station_rate)) station(cb);
        if (rng_.chance(0.5) && unit(cb + "Q", "业委会党的工作小组", 4, UnitKind::kOwnersCommitteeGroup, cb)) {
          link(LinkType::kManagesMembers, id, cb + "Q");
        }
        buildings(cb, UnitKind::kBuildingGroup, "幢党小组", "B", "");
      } else {
        const std::string gid = num(id + "G", g);
        if (!unit(gid, internal::cat("第", g, "网格党支部"), 3, UnitKind::kGridBranch, id)) break;
        secretary(gid);
        post(member(rng_.chance(0.6), gid, ""), gid, PostRole::kGridWorker);
        if (rng_.chance(spec_.station_rate)) station(gid);
        const std::string label = rng_.chance(spec_.unbranched_compound_rate) ? gid + "K" : "";
        buildings(gid, UnitKind::kBuildingGroup, "幢党小组", "B", label);
      }
    }
    return id;
  }

  void station(const std::string& at) {
    const std::string sid = at + "S";
    if (!unit(sid, "先锋枢纽驿站", 4, UnitKind::kStation, at)) return;
    link(LinkType::kCovers, sid, at);
    post(member(rng_.chance(0.7), at, ""), sid, PostRole::kHubHead);
  }

  /// Buildings (or villager groups) under a level-3 unit, each with central households,
  /// resident party members and the households around them.
  void buildings(const std::string& parent, UnitKind kind, std::string_view suffix, std::string_view letter,
                 const std::string& compound_label) {
    const int n = std::max(1, rng_.between(spec_.buildings_per_grid - 3, spec_.buildings_per_grid + 3));
    for (int b = 1; b <= n; ++b) {
      const std::string bid = num(internal::cat(parent, letter), b);
      std::string extra = compound_label.empty() ? "" : internal::cat("\"compound\": ", q(compound_label));
      if (!unit(bid, internal::cat(b, suffix), 4, kind, parent, extra)) return;
      const int centrals = std::max(1, rng_.between(1, 2 * spec_.central_households_per_building - 1));
      const int party = rng_.between(0, 2 * spec_.party_members_per_building);
      std::vector<std::string> central_ids;
      for (int h = 1; h <= centrals; ++h) {
        const std::string hid = num(bid + "H", h, 1);
        if (!unit(hid, internal::cat("党员中心户", b, "-", h), 5, UnitKind::kCentralHousehold, bid)) break;
        central_ids.push_back(hid);
      }
      if (!spec_.members) continue;
      std::string leader;
      for (int p = 0; p < party; ++p) {
        // The first party members live in the central households.
        const std::string& home = p < static_cast<int>(central_ids.size()) ? central_ids[p] : bid;
        std::string m = member(true, parent, home);
        if (leader.empty()) leader = m;
      }
      if (leader.empty()) leader = member(false, "", bid);
      post(leader, bid, PostRole::kBuildingLeader);
      for (const std::string& c : central_ids) {
        for (int k = 1; k <= spec_.households_per_central; ++k) {
          record(households_, "household",
                 internal::cat("\"id\": ", q(num(c + "-", k, 1)), ", \"building\": ", q(bid),
                              ", \"central_household\": ", q(c)));
        }
      }
    }
  }

  const CityGenSpec& spec_;
  bool jsonl_;
  Rng rng_;
  std::size_t count_ = 0;
  std::size_t members_count_ = 0;
  std::string units_, links_, members_, posts_, households_;
};

}  // namespace

absl::StatusOr<std::string> generate_city_json(const CityGenSpec& spec, bool json_lines) {
  if (spec.units == 0) return absl::InvalidArgumentError("generate_city: units must be at least 1");
  if (spec.units > 0xFFFFFFF0u) return absl::InvalidArgumentError("generate_city: too many units");
  if (spec.communities_per_street < 1 || spec.buildings_per_grid < 1 || spec.central_households_per_building < 1 ||
      spec.party_members_per_building < 0 || spec.households_per_central < 0 || spec.grids_per_community < 1) {
    return absl::InvalidArgumentError("generate_city: counts per level must be positive");
  }
  try {
    return CityWriter(spec, json_lines).run();
  } catch (const std::exception& e) {
    return absl::ResourceExhaustedError(internal::cat("generate_city: ", e.what()));
  }
}

absl::StatusOr<OrgGraph> generate_city(const CityGenSpec& spec) {
  JICENG_ASSIGN_OR_RETURN(std::string text, generate_city_json(spec, /*json_lines=*/true));
  OrgGraph g;
  JICENG_RETURN_IF_ERROR(g.load_json(text, "generated city"));
  return g;
}

}  // namespace jiceng
