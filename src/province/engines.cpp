// The engine set of a province (多区引擎集): one DurableEngine per district chain of a
// directory, over as many servers as it names, and the province's KPIs merged from the
// districts' reports (docs/province.md).
#include "common/strings.hpp"
#include "jiceng/province.hpp"
#include "journal/pg_journal.hpp"

namespace jiceng {

using internal::cat;

struct ProvinceEngines::District {
  std::string server;
  std::unique_ptr<DurableEngine> engine;
};

namespace {

absl::StatusOr<std::unique_ptr<DurableEngine>> open_district(const ChainDirectory& dir, int chain,
                                                             const JournalOptions& options) {
  JICENG_ASSIGN_OR_RETURN(const std::string uri, dir.journal_uri(chain));
  JournalOptions o = options;
  o.chain.clear();  // the URI names it
  absl::StatusOr<std::unique_ptr<DurableEngine>> e = DurableEngine::open(uri, o);
  if (!e.ok()) {
    return absl::Status(e.status().code(), cat("district ", chain, ": ", e.status().message()));
  }
  return e;
}

}  // namespace

ProvinceEngines::~ProvinceEngines() = default;

absl::StatusOr<std::unique_ptr<ProvinceEngines>> ProvinceEngines::open(const std::string& directory_path,
                                                                       const JournalOptions& options) {
  JICENG_ASSIGN_OR_RETURN(const ChainDirectory dir, ChainDirectory::load(directory_path));
  std::unique_ptr<ProvinceEngines> set(new ProvinceEngines());
  set->directory_path_ = directory_path;
  set->options_ = options;
  for (const auto& [chain, server] : dir.entries()) {
    auto d = std::make_unique<District>();
    d->server = server;
    JICENG_ASSIGN_OR_RETURN(d->engine, open_district(dir, chain, options));
    set->districts_.emplace(chain, std::move(d));
  }
  return set;
}

std::vector<int> ProvinceEngines::chains() const {
  std::vector<int> out;
  for (const auto& [chain, d] : districts_) out.push_back(chain);
  return out;
}

absl::StatusOr<DurableEngine*> ProvinceEngines::district(int chain) {
  auto it = districts_.find(chain);
  if (it == districts_.end()) {
    return absl::NotFoundError(cat("district ", chain, " is not in the chain directory ", directory_path_));
  }
  return it->second->engine.get();
}

absl::StatusOr<std::string> ProvinceEngines::server(int chain) const {
  auto it = districts_.find(chain);
  if (it == districts_.end()) {
    return absl::NotFoundError(cat("district ", chain, " is not in the chain directory ", directory_path_));
  }
  return internal::redact_uri(it->second->server);
}

absl::StatusOr<std::vector<int>> ProvinceEngines::refresh() {
  JICENG_ASSIGN_OR_RETURN(const ChainDirectory dir, ChainDirectory::load(directory_path_));
  // Every engine to (re)open is opened before any is replaced: a failure changes nothing.
  std::map<int, std::unique_ptr<District>> opened;
  for (const auto& [chain, server] : dir.entries()) {
    auto it = districts_.find(chain);
    if (it != districts_.end() && it->second->server == server) continue;
    auto d = std::make_unique<District>();
    d->server = server;
    JICENG_ASSIGN_OR_RETURN(d->engine, open_district(dir, chain, options_));
    opened.emplace(chain, std::move(d));
  }
  std::vector<int> changed;
  for (auto it = districts_.begin(); it != districts_.end();) {
    it = dir.entries().contains(it->first) ? std::next(it) : districts_.erase(it);
  }
  for (auto& [chain, d] : opened) {
    changed.push_back(chain);
    districts_[chain] = std::move(d);
  }
  return changed;
}

absl::StatusOr<std::map<int, KpiReport>> ProvinceEngines::district_kpis(const KpiPeriod& period,
                                                                        const KpiOptions& options) const {
  std::map<int, KpiReport> out;
  for (const auto& [chain, d] : districts_) {
    absl::StatusOr<KpiReport> r = compute_kpis(d->engine->engine(), "", period, options);
    if (!r.ok()) return absl::Status(r.status().code(), cat("district ", chain, ": ", r.status().message()));
    out.emplace(chain, std::move(*r));
  }
  return out;
}

absl::StatusOr<KpiReport> ProvinceEngines::province_kpis(const KpiPeriod& period, const KpiOptions& options) const {
  JICENG_ASSIGN_OR_RETURN(const auto districts, district_kpis(period, options));
  return merge_kpi_reports(districts, options.weights);
}

absl::StatusOr<KpiReport> merge_kpi_reports(const std::map<int, KpiReport>& districts,
                                            const std::optional<KpiWeights>& weights) {
  if (districts.empty()) return absl::InvalidArgumentError("merge_kpi_reports: no district reports");
  const auto& [first_chain, first] = *districts.begin();
  KpiCounts sum;
  for (const auto& [chain, r] : districts) {
    if (!(r.period == first.period)) {
      return absl::InvalidArgumentError(cat("merge_kpi_reports: district ", chain, " covers ", r.period.to_string(),
                                            ", district ", first_chain, " covers ", first.period.to_string()));
    }
    if (!weights && !(r.weights == first.weights)) {
      return absl::FailedPreconditionError(
          cat("merge_kpi_reports: districts ", first_chain, " and ", chain,
              " score with different kpi.weights; name the province's weights (KpiOptions::weights)"));
    }
    sum += r.counts;
  }
  return make_kpi_report("", "全省", 0, first.period, std::move(sum), weights ? *weights : first.weights);
}

}  // namespace jiceng
