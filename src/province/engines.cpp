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

std::string transfer_key(int from, PetitionId petition, std::uint64_t out_seq, const ChainHash& out_hash) {
  return cat("transfer_in:", from, ":", Engine::display_id(petition), ":", out_seq, ":", to_hex(out_hash));
}

namespace {

// The transfer_out of `id` in `history`: its reject naming a district, or none.
const Event* find_transfer_out(const std::vector<Event>& history, std::string* to_district) {
  static constexpr std::string_view kMark = "transfer_out to district ";
  for (const Event& e : history) {
    if (e.type != EventType::kReject || !e.payload.reason.starts_with(kMark)) continue;
    const std::string_view rest = std::string_view(e.payload.reason).substr(kMark.size());
    *to_district = std::string(rest.substr(0, rest.find(':')));
    return &e;
  }
  return nullptr;
}

// The chain hash of event `seq`: the head when it is the last, else read from the chain.
absl::StatusOr<ChainHash> hash_of(const Journal& journal, std::uint64_t seq) {
  if (journal.last_seq() == seq) return journal.head();
  std::optional<ChainHash> found;
  absl::Status st = journal.replay(seq - 1, [&](const StoredRecord& r) -> absl::Status {
    if (r.seq != seq) return absl::OkStatus();
    found = r.hash;
    return absl::CancelledError("found");  // stops the walk
  });
  if (!found) return st.ok() ? absl::NotFoundError(cat(journal.path(), ": no event at seq ", seq)) : st;
  return *found;
}

}  // namespace

absl::StatusOr<TransferReceipt> ProvinceEngines::transfer(int from, PetitionId id, int to, const Actor& giver,
                                                          const Actor& receiver, std::string_view reason,
                                                          std::string_view location, Timestamp now) {
  if (from == to) return absl::InvalidArgumentError(cat("transfer: petition and target are both in district ", from));
  JICENG_ASSIGN_OR_RETURN(DurableEngine * a, district(from));
  JICENG_ASSIGN_OR_RETURN(DurableEngine * b, district(to));
  TransferReceipt out;
  out.from = from;
  out.to = to;
  out.out_petition = id;
  const std::string pid = Engine::display_id(id);
  JICENG_ASSIGN_OR_RETURN(const PetitionView view, a->engine().get(id));
  // 1. transfer_out in the giving district, unless it stands already.
  JICENG_ASSIGN_OR_RETURN(std::vector<Event> history, a->engine().history(id));
  std::string went_to;
  const Event* done = find_transfer_out(history, &went_to);
  const bool out_existed = done != nullptr;
  if (done != nullptr && went_to != std::to_string(to)) {
    return absl::FailedPreconditionError(
        cat("transfer: petition ", pid, " of district ", from, " went to district ", went_to, " already"));
  }
  if (done == nullptr) {
    if (view.state != State::kReceived) {
      return absl::FailedPreconditionError(cat("transfer: petition ", pid, " of district ", from, " is ",
                                               to_string(view.state),
                                               "; only a petition not yet accepted (received) moves to another district"));
    }
    JICENG_RETURN_IF_ERROR(a->run([&](Engine& e) {
      return e.reject(giver, id, cat("transfer_out to district ", to, ": ", reason), now);
    }));
    JICENG_ASSIGN_OR_RETURN(history, a->engine().history(id));
    done = find_transfer_out(history, &went_to);
    if (done == nullptr) return absl::InternalError(cat("transfer: the transfer_out of ", pid, " is not in its history"));
  }
  out.out_seq = done->seq;
  JICENG_ASSIGN_OR_RETURN(out.out_hash, hash_of(a->journal(), out.out_seq));
  out.key = transfer_key(from, id, out.out_seq, out.out_hash);
  // 2. transfer_in in the receiving district: a submit whose key references the event above;
  // the engine answers a known key with the petition it made the first time.
  EventPayload p;
  p.petitioner = view.petitioner;
  p.contact = view.contact;
  p.location = location.empty() ? view.location : std::string(location);
  p.category = view.category;
  p.urgency = view.urgency;
  p.severity = view.severity;
  p.channel = view.channel;
  p.text = view.text;
  p.idempotency_key = out.key;
  const std::uint64_t before = b->engine().last_seq();
  JICENG_RETURN_IF_ERROR(b->run([&](Engine& e) -> absl::Status {
    JICENG_ASSIGN_OR_RETURN(out.in_petition, e.submit(receiver, p, now));
    return absl::OkStatus();
  }));
  JICENG_ASSIGN_OR_RETURN(const std::vector<Event> in_history, b->engine().history(out.in_petition));
  if (in_history.empty()) return absl::InternalError(cat("transfer: no history for the transfer_in of ", pid));
  out.in_seq = in_history.front().seq;
  out.repeated = out_existed && b->engine().last_seq() == before;
  return out;
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
