// Re-deriving the Engine's state from a journal's events, to check a snapshot's content
// against them (Journal::verify, DurableEngine::open with verify_snapshot): the chain
// proves the events; a snapshot's digest and row hash prove nothing an editor of the file
// cannot recompute, so only the state the events derive can vouch for it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"

namespace jiceng::journal_internal {

/// Decodes a stored row, checks it against its row (seq, time, type) and applies it to
/// `engine` (Engine::apply_event). DATA_LOSS naming the seq when any step fails.
absl::Status apply_record(Engine& engine, const StoredRecord& r, const std::string& path);

/// DATA_LOSS "snapshot at seq N: …" unless `state_digest` (the snapshot's) equals the
/// digest of `engine`'s state, which holds events 1..seq.
absl::Status compare_snapshot(const Engine& engine, std::uint64_t seq, const std::string& state_digest,
                              const std::string& path);

/// A fresh Engine (as DurableEngine::open starts from) that events are applied to.
absl::StatusOr<std::unique_ptr<Engine>> fresh_engine();

/// Journal::verify's content check, for every backend: fed each row of a walk from seq 1,
/// it applies the rows to a fresh Engine and compares the state at each snapshot's seq with
/// that snapshot. Only an Engine's journal can be re-derived — one whose first event (fixed
/// by the chain) decodes as an Engine event; a plain record store has nothing to derive.
class StateDeriver {
 public:
  /// `snapshots`: each snapshot's seq and the digest of its state bytes, in seq order.
  StateDeriver(std::vector<std::pair<std::uint64_t, std::string>> snapshots, std::string path);
  /// The walk's callback for the row `rec` (rows come in seq order from 1).
  absl::Status on_record(const StoredRecord& rec);
  /// Snapshots whose content was compared (ChainReport::states_derived).
  std::uint64_t derived() const { return derived_; }

 private:
  absl::Status compare_through(std::uint64_t seq);

  std::vector<std::pair<std::uint64_t, std::string>> snapshots_;
  std::string path_;
  std::unique_ptr<Engine> engine_;
  bool engine_events_ = true;
  std::size_t next_ = 0;
  std::uint64_t derived_ = 0;
};

}  // namespace jiceng::journal_internal
