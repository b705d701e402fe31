// Inside of OrgGraph (组织架构): struct-of-arrays storage for the units, so that a query
// touches a few compact arrays; the Boost.Graph views are built from it in org_graph.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/strings.hpp"
#include "jiceng/org.hpp"

namespace jiceng {

/// Where a string lives in a text arena.
struct TextRef {
  std::uint64_t offset = 0;
  std::uint32_t size = 0;
};

/// Append-only UTF-8 text storage; views are taken on demand, so reallocation is harmless.
struct TextArena {
  std::string bytes;
  TextRef add(std::string_view s) {
    TextRef r{bytes.size(), static_cast<std::uint32_t>(s.size())};
    bytes.append(s);
    return r;
  }
  std::string_view get(TextRef r) const { return std::string_view(bytes).substr(r.offset, r.size); }
};

struct Link {
  UnitIndex from = kNoUnit;
  UnitIndex to = kNoUnit;
  LinkType type = LinkType::kJoint;
  bool tripartite = false;
};

struct Household {
  TextRef id;
  UnitIndex building = kNoUnit;
  UnitIndex central = kNoUnit;
};

/// Fenwick (binary indexed) tree over pre-order positions: subtree sums in O(log n) that
/// stay cheap when a transfer moves one member.
struct Fenwick {
  std::vector<std::uint32_t> tree;
  void reset(std::size_t n) { tree.assign(n + 1, 0); }
  void add(std::size_t pos, std::int64_t delta) {
    for (std::size_t i = pos + 1; i < tree.size(); i += i & (~i + 1)) {
      tree[i] = static_cast<std::uint32_t>(static_cast<std::int64_t>(tree[i]) + delta);
    }
  }
  std::uint64_t prefix(std::size_t n) const {  // sum of positions [0, n)
    std::uint64_t s = 0;
    for (std::size_t i = n; i > 0; i -= i & (~i + 1)) s += tree[i];
    return s;
  }
};

struct OrgGraph::Impl {
  AreaSchema default_schema = AreaSchema::kUrbanGrid;
  bool default_schema_set = false;

  // --- units, struct of arrays (index = UnitIndex) ---
  std::vector<UnitIndex> parent;
  std::vector<std::uint8_t> level;
  std::vector<UnitKind> kind;
  std::vector<AreaSchema> schema;          // effective
  std::vector<std::uint8_t> schema_explicit;
  std::vector<std::uint32_t> compound;     // index into compound_labels, or kNoLabel (own label)
  std::vector<TextRef> unit_id;
  std::vector<TextRef> unit_name;
  absl::flat_hash_map<std::string, UnitIndex> unit_by_id;
  std::vector<std::string> compound_labels;
  absl::flat_hash_map<std::string, std::uint32_t> compound_label_index;
  TextArena text;

  // --- derived by rebuild() from the Boost.Graph DFS ---
  std::vector<std::uint32_t> pre;          // pre-order number
  std::vector<std::uint32_t> size;         // subtree size
  std::vector<UnitIndex> order;            // order[pre[u]] == u
  // Ancestor rows: ancestors[u * kLevelCount + l] is u's ancestor at level l (u itself at
  // its own level). Depth is at most 5, so one row answers chain of command, unit at
  // level and LCA with a single cache-line read instead of a chain of dependent loads.
  std::vector<UnitIndex> ancestors;
  const UnitIndex* row(UnitIndex u) const { return ancestors.data() + static_cast<std::size_t>(u) * kLevelCount; }
  std::vector<std::uint32_t> child_begin;  // children of u: child_list[child_begin[u] .. child_begin[u+1])
  std::vector<UnitIndex> child_list;

  // --- cross links, with indexes sorted by (from, type) and (to, type) ---
  std::vector<Link> links;
  std::vector<std::uint32_t> links_by_from;
  std::vector<std::uint32_t> links_by_to;

  // --- members ---
  std::vector<TextRef> member_id;
  std::vector<TextRef> member_name;
  std::vector<std::uint8_t> member_party;
  std::vector<UnitIndex> member_org;
  std::vector<UnitIndex> member_residence;
  absl::flat_hash_map<std::string, MemberIndex> member_by_id;
  std::vector<std::vector<MemberTransfer>> member_transfers;  // empty for most members
  absl::flat_hash_map<UnitIndex, std::vector<MemberIndex>> members_at;
  std::vector<std::uint32_t> direct_members;  // per unit
  std::vector<std::uint32_t> direct_party;    // per unit
  Fenwick subtree_members;                    // over pre-order positions
  Fenwick subtree_party;

  // --- posts and households ---
  std::vector<Post> posts;
  std::vector<Household> households;
  absl::flat_hash_map<std::string, std::uint32_t> household_by_id;

  static constexpr std::uint32_t kNoLabel = 0xFFFFFFFFu;

  std::size_t units() const { return parent.size(); }
  std::string_view id_of(UnitIndex u) const { return text.get(unit_id[u]); }
  std::string_view member_id_of(MemberIndex m) const { return text.get(member_id[m]); }
  /// Compound label of u itself (explicit, or a compound_branch's own id); empty if none.
  std::string_view own_compound(UnitIndex u) const;

  /// Recomputes the derived arrays (children, pre/post labels, link indexes, counters)
  /// after units or links were appended. Uses Boost.Graph.
  void rebuild();
  /// Recomputes the member counters (direct and subtree).
  void rebuild_member_counts();
};

/// Whether a unit kind may hold members' organizational relations.
bool can_hold_relations(UnitKind k);
/// Whether a post role may be held at a unit kind.
bool role_allowed_at(PostRole role, UnitKind k);
/// Whether a link of `type` may go from a unit of kind `from` to one of kind `to`.
bool link_allowed(LinkType type, UnitKind from, UnitKind to);
/// Words describing where a link of `type` may go, for error messages.
std::string_view link_rule_text(LinkType type);

}  // namespace jiceng
