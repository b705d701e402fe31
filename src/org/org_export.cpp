// Writing the graph back out (JSON in the load format, Graphviz DOT) and the coverage
// report (覆盖情况).
#include <algorithm>
#include <map>

#include <boost/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "org/org_impl.hpp"

namespace jiceng {
namespace {

void put(std::string& out, std::string_view s) { out += boost::json::serialize(boost::json::string_view(s.data(), s.size())); }

std::string dot_quote(std::string_view s) {
  return internal::cat("\"", absl::StrReplaceAll(internal::av(s), {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}}), "\"");
}

}  // namespace

std::string OrgGraph::export_json(const ExportOptions& options) const {
  const Impl& im = *impl_;
  std::string out;
  out.reserve(im.text.bytes.size() + im.units() * 96);
  out += "{\"schema\": ";
  put(out, to_string(im.default_schema));
  out += ",\n\"units\": [";
  for (UnitIndex u = 0; u < im.units(); ++u) {
    out += u ? ",\n" : "\n";
    out += "{\"id\": ";
    put(out, im.id_of(u));
    out += ", \"name\": ";
    put(out, name(u));
    internal::append(&out, ", \"level\": ", im.level[u], ", \"kind\": \"", to_string(im.kind[u]), "\"");
    if (im.parent[u] != kNoUnit) {
      out += ", \"parent\": ";
      put(out, im.id_of(im.parent[u]));
    }
    if (im.schema_explicit[u]) internal::append(&out, ", \"schema\": \"", to_string(im.schema[u]), "\"");
    if (im.compound[u] != Impl::kNoLabel) {
      out += ", \"compound\": ";
      put(out, im.compound_labels[im.compound[u]]);
    }
    out += "}";
  }
  out += "],\n\"links\": [";
  for (std::size_t i = 0; i < im.links.size(); ++i) {
    const Link& l = im.links[i];
    out += i ? ",\n" : "\n";
    internal::append(&out, "{\"type\": \"", to_string(l.type), "\", \"from\": ");
    put(out, im.id_of(l.from));
    out += ", \"to\": ";
    put(out, im.id_of(l.to));
    if (l.tripartite) out += ", \"tripartite_agreement\": true";
    out += "}";
  }
  out += "],\n\"members\": [";
  for (MemberIndex m = 0; m < im.member_id.size(); ++m) {
    out += m ? ",\n" : "\n";
    out += "{\"id\": ";
    put(out, im.member_id_of(m));
    out += ", \"name\": ";
    if (options.raw) {
      put(out, member_name(m));
    } else {
      put(out, mask_name(member_name(m)));
    }
    internal::append(&out, ", \"party_member\": ", im.member_party[m] ? "true" : "false");
    if (im.member_org[m] != kNoUnit) {
      out += ", \"org_unit\": ";
      put(out, im.id_of(im.member_org[m]));
    }
    if (im.member_residence[m] != kNoUnit) {
      out += ", \"residence_unit\": ";
      put(out, im.id_of(im.member_residence[m]));
    }
    if (!im.member_transfers[m].empty()) {
      out += ", \"transfers\": [";
      bool first = true;
      for (const MemberTransfer& t : im.member_transfers[m]) {
        out += first ? "{\"from\": " : ", {\"from\": ";
        first = false;
        put(out, im.id_of(t.from));
        out += ", \"to\": ";
        put(out, im.id_of(t.to));
        internal::append(&out, ", \"date\": \"", format_iso_day(t.date), "\"}");
      }
      out += "]";
    }
    out += "}";
  }
  out += "],\n\"posts\": [";
  for (std::size_t i = 0; i < im.posts.size(); ++i) {
    const Post& p = im.posts[i];
    out += i ? ",\n" : "\n";
    out += "{\"member\": ";
    put(out, im.member_id_of(p.member));
    out += ", \"unit\": ";
    put(out, im.id_of(p.unit));
    internal::append(&out, ", \"role\": \"", to_string(p.role), "\", \"start\": \"", format_iso_day(p.start), "\"");
    if (p.end) internal::append(&out, ", \"end\": \"", format_iso_day(*p.end), "\"");
    out += "}";
  }
  out += "],\n\"households\": [";
  for (std::size_t i = 0; i < im.households.size(); ++i) {
    const Household& h = im.households[i];
    out += i ? ",\n" : "\n";
    out += "{\"id\": ";
    put(out, im.text.get(h.id));
    out += ", \"building\": ";
    put(out, im.id_of(h.building));
    if (h.central != kNoUnit) {
      out += ", \"central_household\": ";
      put(out, im.id_of(h.central));
    }
    out += "}";
  }
  out += "]}\n";
  return out;
}

std::string OrgGraph::export_dot(UnitIndex root, int depth) const {
  const Impl& im = *impl_;
  std::string out = "digraph org {\n  rankdir=TB;\n  node [shape=box, fontname=\"Noto Sans CJK SC\"];\n";
  if (root >= im.units()) return out + "}\n";
  const int max_level = depth < 0 ? 1 << 20 : im.level[root] + depth;
  std::vector<std::uint8_t> shown(im.units(), 0);
  for (UnitIndex u : subtree(root)) {
    if (im.level[u] > max_level) continue;
    shown[u] = 1;
    const bool beside = !tree_level_of(im.kind[u]).has_value();
    internal::append(&out, "  ", dot_quote(im.id_of(u)), " [label=",
                    dot_quote(internal::cat(name(u), "\n", to_string(im.kind[u]), " · ", im.id_of(u))),
                    beside ? ", style=rounded" : "", "];\n");
  }
  for (UnitIndex u : subtree(root)) {
    if (!shown[u] || u == root) continue;
    internal::append(&out, "  ", dot_quote(im.id_of(im.parent[u])), " -> ", dot_quote(im.id_of(u)), ";\n");
  }
  for (const Link& l : im.links) {
    if (!shown[l.from] || !shown[l.to]) continue;
    internal::append(&out, "  ", dot_quote(im.id_of(l.from)), " -> ", dot_quote(im.id_of(l.to)),
                    " [style=dashed, constraint=false, label=", dot_quote(to_string(l.type)),
                    l.tripartite ? ", color=darkgreen" : "", "];\n");
  }
  out += "}\n";
  return out;
}

CoverageReport OrgGraph::coverage(const CoverageOptions& options) const {
  const Impl& im = *impl_;
  const std::size_t n = im.units();
  CoverageReport r;
  r.units = n;
  std::map<std::pair<int, int>, std::size_t> level_kind;
  for (UnitIndex u = 0; u < n; ++u) {
    if (im.level[u] < kLevelCount) ++r.per_level[im.level[u]];
    ++r.per_kind[static_cast<int>(im.kind[u])];
    ++level_kind[{im.level[u], static_cast<int>(im.kind[u])}];
  }
  for (const auto& [k, c] : level_kind) r.per_level_kind.push_back({k.first, static_cast<UnitKind>(k.second), c});

  // Grids without a station: neither a station among its children nor one covering it.
  std::vector<std::uint8_t> has_station(n, 0);
  for (UnitIndex u = 0; u < n; ++u) {
    if (im.kind[u] == UnitKind::kStation && im.parent[u] != kNoUnit) has_station[im.parent[u]] = 1;
  }
  for (const Link& l : im.links) {
    if (l.type == LinkType::kCovers) has_station[l.to] = 1;
  }
  for (UnitIndex u = 0; u < n; ++u) {
    if (im.kind[u] == UnitKind::kGridBranch && !has_station[u]) r.grids_without_station.push_back(u);
  }

  // Party organizations without a secretary in office.
  std::vector<std::uint8_t> has_secretary(n, 0);
  for (const Post& p : im.posts) {
    if (p.role == PostRole::kSecretary && p.current(options.as_of)) has_secretary[p.unit] = 1;
  }
  for (UnitIndex u = 0; u < n; ++u) {
    const UnitKind k = im.kind[u];
    if (role_allowed_at(PostRole::kSecretary, k) && k != UnitKind::kOwnersCommitteeGroup && !has_secretary[u]) {
      r.units_without_secretary.push_back(u);
    }
  }

  // Compounds (小区) with enough resident party members and no branch of their own.
  struct CompoundInfo {
    std::size_t party = 0;
    bool has_branch = false;
    UnitIndex span = kNoUnit;  // LCA of the units carrying the label
  };
  std::map<std::string, CompoundInfo, std::less<>> compounds;
  for (UnitIndex u = 0; u < n; ++u) {
    std::string_view own = im.own_compound(u);
    if (own.empty()) continue;
    auto& info = compounds[std::string(own)];
    info.span = info.span == kNoUnit ? u : lowest_common_ancestor(info.span, u);
    if (im.kind[u] == UnitKind::kCompoundBranch) info.has_branch = true;
  }
  for (MemberIndex m = 0; m < im.member_id.size(); ++m) {
    if (!im.member_party[m] || im.member_residence[m] == kNoUnit) continue;
    std::string_view label = compound(im.member_residence[m]);
    if (label.empty()) continue;
    auto it = compounds.find(label);
    if (it != compounds.end()) ++it->second.party;
  }
  for (const auto& [label, info] : compounds) {
    if (!info.has_branch && info.party >= static_cast<std::size_t>(std::max(options.compound_branch_threshold, 0))) {
      r.compounds_without_branch.push_back({label, info.span, info.party});
    }
  }
  return r;
}

std::string OrgGraph::coverage_json(const CoverageReport& r) const {
  namespace json = boost::json;
  json::object o;
  o["units"] = r.units;
  json::object levels;
  for (int l = 0; l < kLevelCount; ++l) levels[std::to_string(l)] = r.per_level[l];
  o["units_per_level"] = std::move(levels);
  json::object kinds;
  for (int k = 0; k < kUnitKindCount; ++k) {
    if (r.per_kind[k]) kinds[to_string(static_cast<UnitKind>(k))] = r.per_kind[k];
  }
  o["units_per_kind"] = std::move(kinds);
  json::array lk;
  for (const auto& e : r.per_level_kind) {
    lk.push_back(json::object{{"level", e.level}, {"kind", to_string(e.kind)}, {"count", e.count}});
  }
  o["units_per_level_kind"] = std::move(lk);
  json::array grids;
  for (UnitIndex u : r.grids_without_station) grids.push_back(json::string(id(u)));
  o["grids_without_station"] = std::move(grids);
  json::array comps;
  for (const auto& c : r.compounds_without_branch) {
    comps.push_back(json::object{{"compound", c.compound},
                                 {"unit", c.unit == kNoUnit ? json::value(nullptr) : json::value(json::string(id(c.unit)))},
                                 {"party_members", c.party_members}});
  }
  o["compounds_without_branch"] = std::move(comps);
  json::array sec;
  for (UnitIndex u : r.units_without_secretary) sec.push_back(json::string(id(u)));
  o["units_without_secretary"] = std::move(sec);
  o["errors"] = r.error_count();
  o["warnings"] = r.warning_count();
  return json::serialize(o);
}

}  // namespace jiceng

namespace jiceng {
namespace {
constexpr std::array<std::string_view, kLevelCount> kLevelNames = {
    "district 区委", "street/township 街道/镇", "community/village 社区/村",
    "grid/compound/natural village 网格/小区/自然村", "building/villager group 楼栋/村民小组",
    "central household 党员中心户"};
}  // namespace

std::string OrgGraph::summary_text() const {
  const Impl& im = *impl_;
  CoverageReport r = coverage();
  std::string out = internal::cat("schema: ", to_string(im.default_schema), "\nunits: ", im.units(), "\n");
  for (int l = 0; l < kLevelCount; ++l) internal::append(&out, "  level ", l, " (", kLevelNames[l], "): ", r.per_level[l], "\n");
  out += "units by kind:\n";
  for (int k = 0; k < kUnitKindCount; ++k) {
    if (r.per_kind[k]) internal::append(&out, "  ", to_string(static_cast<UnitKind>(k)), ": ", r.per_kind[k], "\n");
  }
  std::array<std::size_t, 4> by_type{};
  std::size_t tripartite = 0;
  for (const Link& l : im.links) {
    ++by_type[static_cast<int>(l.type)];
    tripartite += l.tripartite;
  }
  internal::append(&out, "links: ", im.links.size(), " (joint ", by_type[0], ", manages_members ", by_type[1], ", covers ",
         by_type[2], ", serves ", by_type[3], "; tripartite agreements ", tripartite, ")\n");
  std::size_t party = 0;
  for (auto p : im.member_party) party += p;
  internal::append(&out, "members: ", im.member_id.size(), " (party members ", party, ")\n");
  std::size_t secretaries = 0;
  for (const Post& p : im.posts) secretaries += p.role == PostRole::kSecretary && p.current();
  internal::append(&out, "posts: ", im.posts.size(), " (secretaries in office ", secretaries, ")\n");
  internal::append(&out, "households: ", im.households.size(), "\n");
  return out;
}

std::string OrgGraph::coverage_text(const CoverageReport& r, std::size_t max_listed) const {
  std::string out = "coverage report (覆盖情况)\n";
  auto list = [&](std::string_view title, const std::vector<UnitIndex>& units) {
    internal::append(&out, "  ", title, ": ", units.size(), "\n");
    for (std::size_t i = 0; i < units.size() && i < max_listed; ++i) {
      internal::append(&out, "    ", id(units[i]), " ", name(units[i]), " (", to_string(kind(units[i])), ")\n");
    }
    if (units.size() > max_listed) internal::append(&out, "    ... and ", units.size() - max_listed, " more\n");
  };
  list("grids without a station (warning)", r.grids_without_station);
  internal::append(&out, "  compounds without a branch of their own (error): ", r.compounds_without_branch.size(), "\n");
  for (std::size_t i = 0; i < r.compounds_without_branch.size() && i < max_listed; ++i) {
    const CompoundGap& c = r.compounds_without_branch[i];
    internal::append(&out, "    ", c.compound, ": ", c.party_members, " resident party members");
    if (c.unit != kNoUnit) internal::append(&out, ", within ", id(c.unit), " ", name(c.unit));
    out += "\n";
  }
  if (r.compounds_without_branch.size() > max_listed) {
    internal::append(&out, "    ... and ", r.compounds_without_branch.size() - max_listed, " more\n");
  }
  list("party organizations without a secretary in office (error)", r.units_without_secretary);
  internal::append(&out, "errors: ", r.error_count(), ", warnings: ", r.warning_count(), "\n");
  return out;
}

}  // namespace jiceng
