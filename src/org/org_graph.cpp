// OrgGraph queries and the derived arrays. The tree is handed to Boost.Graph as a
// compressed-sparse-row graph; its depth-first search gives the pre-order interval
// labels that make "is A inside B's subtree" O(1), and its adjacency becomes the compact
// children arrays the queries read.
#include <algorithm>
#include <utility>

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/property_map/property_map.hpp>
#include <boost/range/iterator_range.hpp>

#include "absl/strings/str_cat.h"
#include "org/org_impl.hpp"

namespace jiceng {
namespace {

using TreeGraph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                     boost::no_property, std::uint32_t, std::uint32_t>;

/// Records pre-order numbers and subtree sizes as the DFS discovers and finishes units.
class IntervalLabeller : public boost::default_dfs_visitor {
 public:
  IntervalLabeller(OrgGraph::Impl* impl, std::uint32_t* counter) : impl_(impl), counter_(counter) {}
  void discover_vertex(std::uint32_t u, const TreeGraph&) {
    impl_->pre[u] = *counter_;
    impl_->order[*counter_] = u;
    ++*counter_;
  }
  void finish_vertex(std::uint32_t u, const TreeGraph&) { impl_->size[u] = *counter_ - impl_->pre[u]; }

 private:
  OrgGraph::Impl* impl_;
  std::uint32_t* counter_;
};

}  // namespace

std::string_view OrgGraph::Impl::own_compound(UnitIndex u) const {
  if (compound[u] != kNoLabel) return compound_labels[compound[u]];
  if (kind[u] == UnitKind::kCompoundBranch) return id_of(u);
  return {};
}

void OrgGraph::Impl::rebuild() {
  const std::size_t n = units();
  // Tree edges parent -> child, sorted by parent then child index (a counting sort).
  std::vector<std::uint32_t> count(n + 1, 0);
  for (std::size_t u = 0; u < n; ++u) {
    if (parent[u] != kNoUnit) ++count[parent[u] + 1];
  }
  for (std::size_t i = 0; i < n; ++i) count[i + 1] += count[i];
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges(count[n]);
  {
    std::vector<std::uint32_t> next(count.begin(), count.end() - 1);
    for (std::size_t u = 0; u < n; ++u) {
      if (parent[u] != kNoUnit) edges[next[parent[u]]++] = {parent[u], static_cast<std::uint32_t>(u)};
    }
  }
  TreeGraph g(boost::edges_are_sorted, edges.begin(), edges.end(), n);
  edges.clear();
  edges.shrink_to_fit();

  // Compact children arrays from the graph's adjacency.
  child_begin.assign(n + 1, 0);
  child_list.clear();
  child_list.reserve(boost::num_edges(g));
  for (std::size_t u = 0; u < n; ++u) {
    child_begin[u] = static_cast<std::uint32_t>(child_list.size());
    for (auto v : boost::make_iterator_range(boost::adjacent_vertices(static_cast<std::uint32_t>(u), g))) {
      child_list.push_back(v);
    }
  }
  child_begin[n] = static_cast<std::uint32_t>(child_list.size());

  // Interval labels: DFS from each root in index order.
  pre.assign(n, 0);
  size.assign(n, 0);
  order.assign(n, kNoUnit);
  std::vector<boost::default_color_type> colors(n, boost::white_color);
  auto color_map = boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, g));
  std::uint32_t counter = 0;
  IntervalLabeller labeller(this, &counter);
  for (std::size_t u = 0; u < n; ++u) {
    if (parent[u] == kNoUnit) boost::depth_first_visit(g, static_cast<std::uint32_t>(u), labeller, color_map);
  }

  // Ancestor rows, filled in pre-order so a parent's row is ready before its children's.
  ancestors.assign(n * kLevelCount, kNoUnit);
  for (UnitIndex u : order) {
    UnitIndex* r = ancestors.data() + static_cast<std::size_t>(u) * kLevelCount;
    if (parent[u] != kNoUnit) std::copy_n(row(parent[u]), kLevelCount, r);
    r[level[u]] = u;
  }

  // Link indexes.
  auto by = [this](bool from_side) {
    std::vector<std::uint32_t> idx(links.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<std::uint32_t>(i);
    std::stable_sort(idx.begin(), idx.end(), [&](std::uint32_t a, std::uint32_t b) {
      const Link& x = links[a];
      const Link& y = links[b];
      UnitIndex ux = from_side ? x.from : x.to;
      UnitIndex uy = from_side ? y.from : y.to;
      return std::pair(ux, x.type) < std::pair(uy, y.type);
    });
    return idx;
  };
  links_by_from = by(true);
  links_by_to = by(false);
  rebuild_member_counts();
}

void OrgGraph::Impl::rebuild_member_counts() {
  const std::size_t n = units();
  direct_members.assign(n, 0);
  direct_party.assign(n, 0);
  members_at.clear();
  for (MemberIndex m = 0; m < member_org.size(); ++m) {
    UnitIndex u = member_org[m];
    if (u == kNoUnit) continue;
    ++direct_members[u];
    if (member_party[m]) ++direct_party[u];
    members_at[u].push_back(m);
  }
  // Linear Fenwick construction over pre-order positions.
  auto build = [&](Fenwick& f, const std::vector<std::uint32_t>& values) {
    f.reset(n);
    for (std::size_t u = 0; u < n; ++u) f.tree[pre[u] + 1] = values[u];
    for (std::size_t i = 1; i <= n; ++i) {
      std::size_t j = i + (i & (~i + 1));
      if (j <= n) f.tree[j] += f.tree[i];
    }
  };
  build(subtree_members, direct_members);
  build(subtree_party, direct_party);
}

// --- construction ---

OrgGraph::OrgGraph() : impl_(std::make_unique<Impl>()) { sync_tree_arrays(); }
OrgGraph::~OrgGraph() = default;
// Moving the unique_ptr keeps the Impl (and its arrays) where it is, so the moved-to
// graph's view stays right; the moved-from one's is cleared with its impl_.
OrgGraph::OrgGraph(OrgGraph&& other) noexcept : impl_(std::move(other.impl_)) {
  sync_tree_arrays();
  other.sync_tree_arrays();
}
OrgGraph& OrgGraph::operator=(OrgGraph&& other) noexcept {
  impl_ = std::move(other.impl_);
  sync_tree_arrays();
  other.sync_tree_arrays();
  return *this;
}
OrgGraph::OrgGraph(const OrgGraph& other) : impl_(std::make_unique<Impl>(*other.impl_)) { sync_tree_arrays(); }
OrgGraph& OrgGraph::operator=(const OrgGraph& other) {
  if (this != &other) {
    impl_ = std::make_unique<Impl>(*other.impl_);
    sync_tree_arrays();
  }
  return *this;
}

void OrgGraph::sync_tree_arrays() noexcept {
  if (!impl_) {
    tree_ = TreeArrays{};
    return;
  }
  tree_.level_ = impl_->level.data();
  tree_.pre_ = impl_->pre.data();
  tree_.size_ = impl_->size.data();
  tree_.rows_ = impl_->ancestors.data();
}

// --- units ---

std::size_t OrgGraph::unit_count() const { return impl_->units(); }
std::optional<UnitIndex> OrgGraph::find(std::string_view id) const {
  auto it = impl_->unit_by_id.find(internal::av(id));
  if (it == impl_->unit_by_id.end()) return std::nullopt;
  return it->second;
}
std::string_view OrgGraph::id(UnitIndex u) const { return impl_->id_of(u); }
std::string_view OrgGraph::name(UnitIndex u) const { return impl_->text.get(impl_->unit_name[u]); }
int OrgGraph::level(UnitIndex u) const { return impl_->level[u]; }
UnitKind OrgGraph::kind(UnitIndex u) const { return impl_->kind[u]; }
AreaSchema OrgGraph::schema(UnitIndex u) const { return impl_->schema[u]; }
AreaSchema OrgGraph::default_schema() const { return impl_->default_schema; }
std::string_view OrgGraph::compound(UnitIndex u) const {
  for (UnitIndex v = u; v != kNoUnit; v = impl_->parent[v]) {
    auto label = impl_->own_compound(v);
    if (!label.empty()) return label;
  }
  return {};
}
UnitIndex OrgGraph::parent(UnitIndex u) const { return impl_->parent[u]; }
std::span<const UnitIndex> OrgGraph::children(UnitIndex u) const {
  const auto& im = *impl_;
  return std::span<const UnitIndex>(im.child_list.data() + im.child_begin[u], im.child_begin[u + 1] - im.child_begin[u]);
}
std::span<const UnitIndex> OrgGraph::subtree(UnitIndex u) const {
  const auto& im = *impl_;
  return std::span<const UnitIndex>(im.order.data() + im.pre[u], im.size[u]);
}
// The O(1) tree queries are the inline TreeArrays ones (one copy of each formula, shared
// with the C ABI's hot calls).
bool OrgGraph::is_ancestor_or_self(UnitIndex ancestor, UnitIndex u) const {
  return tree_.is_ancestor_or_self(ancestor, u);
}
UnitIndex OrgGraph::ancestor_at_level(UnitIndex u, int lvl) const { return tree_.ancestor_at_level(u, lvl); }
std::vector<UnitIndex> OrgGraph::chain_of_command(UnitIndex u) const {
  const auto& im = *impl_;
  // Start the row's cache miss, then allocate (a fixed capacity, so the allocation does
  // not wait for the level): the miss and malloc overlap.
  const UnitIndex* r = im.row(u);
  __builtin_prefetch(r);
  __builtin_prefetch(&im.level[u]);
  std::vector<UnitIndex> chain;
  chain.reserve(kLevelCount);
  for (int i = im.level[u]; i >= 0; --i) chain.push_back(r[i]);
  return chain;
}
std::size_t OrgGraph::chain_of_command(UnitIndex u, std::span<UnitIndex> out) const {
  return tree_.chain_of_command(u, out);
}
UnitIndex OrgGraph::lowest_common_ancestor(UnitIndex a, UnitIndex b) const {
  const auto& im = *impl_;
  const UnitIndex* ra = im.row(a);
  const UnitIndex* rb = im.row(b);
  const int top = std::min(im.level[a], im.level[b]);
  UnitIndex common = kNoUnit;
  for (int l = 0; l <= top && ra[l] == rb[l]; ++l) common = ra[l];
  return common;
}
std::size_t OrgGraph::subtree_size(UnitIndex u) const { return impl_->size[u]; }

// --- links ---

std::size_t OrgGraph::link_count() const { return impl_->links.size(); }

namespace {
template <bool kFromSide>
std::pair<const std::uint32_t*, const std::uint32_t*> link_range(const OrgGraph::Impl& im, UnitIndex u,
                                                                 LinkType type) {
  const auto& idx = kFromSide ? im.links_by_from : im.links_by_to;
  auto key = [&](std::uint32_t i) {
    const Link& l = im.links[i];
    return std::pair(kFromSide ? l.from : l.to, l.type);
  };
  auto lo = std::partition_point(idx.begin(), idx.end(), [&](std::uint32_t i) { return key(i) < std::pair(u, type); });
  auto hi = std::partition_point(lo, idx.end(), [&](std::uint32_t i) { return key(i) == std::pair(u, type); });
  return {idx.data() + (lo - idx.begin()), idx.data() + (hi - idx.begin())};
}
}  // namespace

std::vector<UnitIndex> OrgGraph::links_from(UnitIndex u, LinkType type) const {
  auto [lo, hi] = link_range<true>(*impl_, u, type);
  std::vector<UnitIndex> out;
  for (auto p = lo; p != hi; ++p) out.push_back(impl_->links[*p].to);
  return out;
}
std::vector<UnitIndex> OrgGraph::links_to(UnitIndex u, LinkType type) const {
  auto [lo, hi] = link_range<false>(*impl_, u, type);
  std::vector<UnitIndex> out;
  for (auto p = lo; p != hi; ++p) out.push_back(impl_->links[*p].from);
  return out;
}
bool OrgGraph::has_tripartite_agreement(UnitIndex from, UnitIndex to, LinkType type) const {
  auto [lo, hi] = link_range<true>(*impl_, from, type);
  for (auto p = lo; p != hi; ++p) {
    if (impl_->links[*p].to == to && impl_->links[*p].tripartite) return true;
  }
  return false;
}
std::optional<UnitIndex> OrgGraph::serving_property_branch(UnitIndex unit) const {
  auto [lo, hi] = link_range<false>(*impl_, unit, LinkType::kServes);
  for (auto p = lo; p != hi; ++p) {
    if (impl_->links[*p].tripartite) return impl_->links[*p].from;
  }
  return std::nullopt;
}
std::vector<UnitIndex> OrgGraph::joint_committee_members(UnitIndex jc) const {
  return links_from(jc, LinkType::kJoint);
}

// --- members ---

std::size_t OrgGraph::member_count() const { return impl_->member_id.size(); }
std::optional<MemberIndex> OrgGraph::find_member(std::string_view id) const {
  auto it = impl_->member_by_id.find(internal::av(id));
  if (it == impl_->member_by_id.end()) return std::nullopt;
  return it->second;
}
std::string_view OrgGraph::member_id(MemberIndex m) const { return impl_->member_id_of(m); }
std::string_view OrgGraph::member_name(MemberIndex m) const { return impl_->text.get(impl_->member_name[m]); }
bool OrgGraph::is_party_member(MemberIndex m) const { return impl_->member_party[m] != 0; }
UnitIndex OrgGraph::org_unit(MemberIndex m) const { return impl_->member_org[m]; }
UnitIndex OrgGraph::residence_unit(MemberIndex m) const { return impl_->member_residence[m]; }
std::span<const MemberTransfer> OrgGraph::transfer_history(MemberIndex m) const {
  return impl_->member_transfers[m];
}

absl::Status OrgGraph::transfer_member(std::string_view member_id, std::string_view to_unit_id, std::chrono::sys_days date) {
  auto& im = *impl_;
  auto m = find_member(member_id);
  if (!m) return absl::NotFoundError(internal::cat("transfer: unknown member '", member_id, "'"));
  auto to = find(to_unit_id);
  if (!to) return absl::NotFoundError(internal::cat("transfer of member ", member_id, ": unknown unit '", to_unit_id, "'"));
  if (!im.member_party[*m]) {
    return absl::FailedPreconditionError(
        internal::cat("transfer of member ", member_id, ": not a party member, so there is no organizational relation to move"));
  }
  if (!can_hold_relations(im.kind[*to])) {
    return absl::InvalidArgumentError(internal::cat("transfer of member ", member_id, ": unit ", to_unit_id, " (",
                                                   to_string(im.kind[*to]), ") cannot hold organizational relations"));
  }
  UnitIndex from = im.member_org[*m];
  if (from == *to) {
    return absl::FailedPreconditionError(
        internal::cat("transfer of member ", member_id, ": relation is already at ", to_unit_id));
  }
  auto& history = im.member_transfers[*m];
  if (!history.empty() && date < history.back().date) {
    return absl::InvalidArgumentError(internal::cat("transfer of member ", member_id, ": date ", format_iso_day(date),
                                                   " is before the last transfer on ", format_iso_day(history.back().date)));
  }
  // Everything checked: commit. Only allocation can fail below.
  history.push_back({from, *to, date});
  im.member_org[*m] = *to;
  if (from != kNoUnit) {
    --im.direct_members[from];
    --im.direct_party[from];
    im.subtree_members.add(im.pre[from], -1);
    im.subtree_party.add(im.pre[from], -1);
    auto& v = im.members_at[from];
    v.erase(std::find(v.begin(), v.end(), *m));
    if (v.empty()) im.members_at.erase(from);
  }
  ++im.direct_members[*to];
  ++im.direct_party[*to];
  im.subtree_members.add(im.pre[*to], 1);
  im.subtree_party.add(im.pre[*to], 1);
  auto& v = im.members_at[*to];
  v.insert(std::upper_bound(v.begin(), v.end(), *m), *m);
  return absl::OkStatus();
}

std::vector<MemberIndex> OrgGraph::members_of(UnitIndex u) const {
  auto it = impl_->members_at.find(u);
  if (it == impl_->members_at.end()) return {};
  return it->second;
}
std::size_t OrgGraph::member_count(UnitIndex u) const { return impl_->direct_members[u]; }
std::size_t OrgGraph::party_member_count(UnitIndex u) const { return impl_->direct_party[u]; }
std::size_t OrgGraph::subtree_member_count(UnitIndex u) const {
  const auto& im = *impl_;
  return im.subtree_members.prefix(im.pre[u] + im.size[u]) - im.subtree_members.prefix(im.pre[u]);
}
std::size_t OrgGraph::subtree_party_member_count(UnitIndex u) const {
  const auto& im = *impl_;
  return im.subtree_party.prefix(im.pre[u] + im.size[u]) - im.subtree_party.prefix(im.pre[u]);
}

// --- posts and households ---

std::span<const Post> OrgGraph::posts() const { return impl_->posts; }
std::vector<Post> OrgGraph::posts_at(UnitIndex u) const {
  std::vector<Post> out;
  for (const Post& p : impl_->posts) {
    if (p.unit == u) out.push_back(p);
  }
  return out;
}
std::optional<MemberIndex> OrgGraph::post_holder(UnitIndex u, PostRole role, std::optional<std::chrono::sys_days> as_of) const {
  for (const Post& p : impl_->posts) {
    if (p.unit == u && p.role == role && p.current(as_of)) return p.member;
  }
  return std::nullopt;
}

std::size_t OrgGraph::household_count() const { return impl_->households.size(); }
std::optional<UnitIndex> OrgGraph::household_unit(std::string_view household_id) const {
  auto it = impl_->household_by_id.find(internal::av(household_id));
  if (it == impl_->household_by_id.end()) return std::nullopt;
  return impl_->households[it->second].building;
}
std::optional<UnitIndex> OrgGraph::household_central(std::string_view household_id) const {
  auto it = impl_->household_by_id.find(internal::av(household_id));
  if (it == impl_->household_by_id.end() || impl_->households[it->second].central == kNoUnit) return std::nullopt;
  return impl_->households[it->second].central;
}
std::optional<std::array<UnitIndex, kLevelCount>> OrgGraph::responsible_units(std::string_view household_id) const {
  auto it = impl_->household_by_id.find(internal::av(household_id));
  if (it == impl_->household_by_id.end()) return std::nullopt;
  const Household& h = impl_->households[it->second];
  std::array<UnitIndex, kLevelCount> out;
  out.fill(kNoUnit);
  const UnitIndex* r = impl_->row(h.building);
  for (int l = 0; l <= impl_->level[h.building]; ++l) out[l] = r[l];
  out[kLevelCount - 1] = h.central;
  return out;
}

OrgMemoryStats OrgGraph::memory_stats() const {
  const auto& im = *impl_;
  auto vec = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  auto map = [](const auto& m) {
    using Slot = typename std::decay_t<decltype(m)>::value_type;
    return m.capacity() * (sizeof(Slot) + 1);
  };
  OrgMemoryStats s;
  s.unit_structure_bytes = vec(im.parent) + vec(im.level) + vec(im.kind) + vec(im.schema) + vec(im.schema_explicit) +
                           vec(im.compound) + vec(im.unit_id) + vec(im.unit_name) + map(im.unit_by_id) + vec(im.pre) +
                           vec(im.size) + vec(im.order) + vec(im.ancestors) + vec(im.child_begin) + vec(im.child_list) +
                           vec(im.direct_members) + vec(im.direct_party) + vec(im.subtree_members.tree) +
                           vec(im.subtree_party.tree);
  s.text_bytes = im.text.bytes.capacity();
  for (const auto& [k, v] : im.unit_by_id) {
    if (k.capacity() > 15) s.text_bytes += k.capacity() + 1;  // heap part of long ids
  }
  s.other_bytes = vec(im.links) + vec(im.links_by_from) + vec(im.links_by_to) + vec(im.member_id) +
                  vec(im.member_name) + vec(im.member_party) + vec(im.member_org) + vec(im.member_residence) +
                  map(im.member_by_id) + vec(im.member_transfers) + map(im.members_at) + vec(im.posts) +
                  vec(im.households) + map(im.household_by_id);
  for (const auto& [u, v] : im.members_at) s.other_bytes += vec(v);
  return s;
}

}  // namespace jiceng
