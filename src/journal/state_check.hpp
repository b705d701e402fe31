// Re-deriving the Engine's state from a journal's events, to check a snapshot's content
// against them (Journal::verify, DurableEngine::open with verify_snapshot): the chain
// proves the events; a snapshot's digest and row hash prove nothing an editor of the file
// cannot recompute, so only the state the events derive can vouch for it.
#pragma once

#include <memory>
#include <string>

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

}  // namespace jiceng::journal_internal
