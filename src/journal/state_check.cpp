// Re-deriving the Engine's state from a journal's events (state_check.hpp).
#include "journal/state_check.hpp"

#include "absl/strings/str_cat.h"
#include "common/strings.hpp"
#include "jiceng/petition.hpp"

namespace jiceng::journal_internal {

absl::Status apply_record(Engine& engine, const StoredRecord& r, const std::string& path) {
  absl::StatusOr<Event> e = Engine::decode_event(r.payload);
  if (!e.ok()) {
    return absl::DataLossError(
        absl::StrCat("journal ", path, ": seq ", r.seq, ": cannot decode the event: ", e.status().message()));
  }
  if (e->seq != r.seq || e->time != r.time || to_string(e->type) != r.type) {
    return absl::DataLossError(absl::StrCat("journal ", path, ": seq ", r.seq, ": the row (", internal::av(r.type),
                                            " at ", r.time, ") and its payload (seq ", e->seq, ", ",
                                            internal::av(to_string(e->type)), " at ", e->time, ") disagree"));
  }
  absl::Status applied = engine.apply_event(*e);
  if (!applied.ok()) {
    return absl::DataLossError(absl::StrCat("journal ", path, ": seq ", r.seq, " (", internal::av(r.type),
                                            "): replay failed: ", applied.message()));
  }
  return absl::OkStatus();
}

absl::Status compare_snapshot(const Engine& engine, std::uint64_t seq, const std::string& state_digest,
                              const std::string& path) {
  const std::string derived = sha256_hex(engine.snapshot());
  if (derived == state_digest) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(
      "journal ", path, ": snapshot at seq ", seq, ": its state (digest ", state_digest,
      ") is not the state events 1..", seq, " derive (digest ", derived,
      "): the snapshot was rewritten (its digest and row hash recomputed) or written by a faulty engine"));
}

absl::StatusOr<std::unique_ptr<Engine>> fresh_engine() { return Engine::create(); }

StateDeriver::StateDeriver(std::vector<std::pair<std::uint64_t, std::string>> snapshots, std::string path)
    : snapshots_(std::move(snapshots)), path_(std::move(path)) {}

absl::Status StateDeriver::compare_through(std::uint64_t seq) {
  for (; next_ < snapshots_.size() && snapshots_[next_].first <= seq; ++next_) {
    if (snapshots_[next_].first < seq) continue;  // lies beyond the chain: the caller reports it
    JICENG_RETURN_IF_ERROR(compare_snapshot(*engine_, seq, snapshots_[next_].second, path_));
    ++derived_;
  }
  return absl::OkStatus();
}

absl::Status StateDeriver::on_record(const StoredRecord& rec) {
  if (rec.seq == 1) {
    engine_events_ = Engine::decode_event(rec.payload).ok();
    if (engine_events_) {
      JICENG_ASSIGN_OR_RETURN(engine_, fresh_engine());
      JICENG_RETURN_IF_ERROR(compare_through(0));
    }
  }
  if (!engine_events_ || engine_ == nullptr) return absl::OkStatus();
  JICENG_RETURN_IF_ERROR(apply_record(*engine_, rec, path_));
  return compare_through(rec.seq);
}

}  // namespace jiceng::journal_internal
