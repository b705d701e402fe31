// The engine's bridge to OrgGraph: loads graphs and copies out the arrays the hot path
// reads (pre-order intervals, parents, levels).
#include "petition/org_bridge.hpp"

#include <exception>

#include "absl/strings/str_cat.h"
#include "common/strings.hpp"
#include "jiceng/org.hpp"

namespace jiceng::pet {

std::shared_ptr<const OrgData> OrgData::empty() {
  static const std::shared_ptr<const OrgData> e = [] {
    auto d = std::make_shared<OrgData>();
    d->graph_ = std::make_shared<OrgGraph>();
    d->build_arrays();
    return std::shared_ptr<const OrgData>(std::move(d));
  }();
  return e;
}

absl::StatusOr<std::shared_ptr<const OrgData>> OrgData::load(std::string_view json, std::string_view source) {
  try {
    auto d = std::make_shared<OrgData>();
    d->graph_ = std::make_shared<OrgGraph>();
    if (auto st = d->graph_->load_json(json, source); !st.ok()) return st;
    d->build_arrays();
    return std::shared_ptr<const OrgData>(std::move(d));
  } catch (const std::exception& e) {
    return absl::InternalError(internal::cat(source, ": loading the org graph failed: ", e.what()));
  }
}

void OrgData::build_arrays() {
  const auto n = static_cast<std::uint32_t>(graph_->unit_count());
  parent_.assign(n, kNoIndex);
  level_.assign(n, 0);
  grid_like_.assign(n, 0);
  pre_.assign(n, 0);
  end_.assign(n, 0);
  for (std::uint32_t u = 0; u < n; ++u) {
    parent_[u] = graph_->parent(u);
    level_[u] = static_cast<std::int8_t>(graph_->level(u));
    const UnitKind k = graph_->kind(u);
    grid_like_[u] = (k == UnitKind::kGridBranch || k == UnitKind::kCompoundBranch || k == UnitKind::kVillageBranch) |
                    (graph_->compound(u).empty() ? 0 : 2);
  }
  // Pre-order numbering over every root, iteratively (deep trees must not overflow the stack).
  std::uint32_t counter = 0;
  std::vector<std::pair<std::uint32_t, std::size_t>> stack;
  for (std::uint32_t r = 0; r < n; ++r) {
    if (parent_[r] != kNoIndex) continue;
    stack.push_back({r, 0});
    pre_[r] = counter++;
    while (!stack.empty()) {
      auto& [u, next] = stack.back();
      auto kids = graph_->children(u);
      if (next < kids.size()) {
        const std::uint32_t c = kids[next++];
        pre_[c] = counter++;
        stack.push_back({c, 0});
      } else {
        end_[u] = counter;
        stack.pop_back();
      }
    }
  }
}

std::optional<std::uint32_t> OrgData::find(std::string_view id) const { return graph_->find(id); }
std::string_view OrgData::id(std::uint32_t u) const { return graph_->id(u); }
std::string_view OrgData::name(std::uint32_t u) const { return graph_->name(u); }
std::optional<std::uint32_t> OrgData::household_unit(std::string_view h) const { return graph_->household_unit(h); }
std::optional<std::uint32_t> OrgData::serving_property_branch(std::uint32_t u) const {
  return graph_->serving_property_branch(u);
}
std::string_view OrgData::compound_label(std::uint32_t u) const { return graph_->compound(u); }

std::uint32_t OrgData::party_unit(std::uint32_t g, int party, bool agreement) const {
  // The units beside the tree that stand for a compound's parties hang from its branch (an
  // owners' committee group) or serve it (a property branch).
  auto child_of_kind = [&](std::uint32_t parent, UnitKind kind) -> std::uint32_t {
    for (std::uint32_t c : graph_->children(parent))
      if (graph_->kind(c) == kind) return c;
    return kNoIndex;
  };
  switch (party) {
    case 1:  // 小区党组织
      return g;
    case 2: {  // 业主委员会: its party work group, under the branch or labelled with the compound
      if (std::uint32_t u = child_of_kind(g, UnitKind::kOwnersCommitteeGroup); u != kNoIndex) return u;
      const std::string_view label = graph_->compound(g);
      if (label.empty()) return kNoIndex;
      for (std::uint32_t u = 0; u < unit_count(); ++u)
        if (graph_->kind(u) == UnitKind::kOwnersCommitteeGroup && graph_->compound(u) == label) return u;
      return kNoIndex;
    }
    case 3: {  // 物业服务企业: its party branch serving the compound
      if (agreement) return graph_->serving_property_branch(g).value_or(kNoIndex);
      const auto serving = graph_->links_to(g, LinkType::kServes);
      return serving.empty() ? kNoIndex : serving.front();
    }
    case 4:  // 社会组织: the graph has no kind for one (a resident unit may be a company or an
             // office); it serves under a contract with the community, whose unit stands for it.
      return parent_[g];
    default:
      return kNoIndex;
  }
}

std::string OrgData::export_json() const { return graph_->export_json({.raw = true}); }

}  // namespace jiceng::pet
