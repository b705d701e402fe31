// Several engines on one chain (docs/postgres.md): catching up by tailing the journal,
// re-running a command that lost the race, read-your-writes, and the tailing thread.
#include <algorithm>
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/strings.hpp"
#include "jiceng/journal.hpp"

namespace jiceng {
namespace {

constexpr std::size_t kTailPage = 10000;

// One stored row into the engine: decoded, cross-checked against its row, applied.
absl::Status apply_stored(Engine& engine, const std::string& path, const StoredRecord& r) {
  absl::StatusOr<Event> e = Engine::decode_event(r.payload);
  if (!e.ok()) {
    return absl::DataLossError(
        absl::StrCat("journal ", path, ": seq ", r.seq, ": cannot decode the event: ", e.status().message()));
  }
  if (e->seq != r.seq || e->time != r.time || to_string(e->type) != r.type) {
    return absl::DataLossError(absl::StrCat("journal ", path, ": seq ", r.seq, ": the row (", internal::av(r.type),
                                            ") and its payload (seq ", e->seq, ") disagree"));
  }
  absl::Status applied = engine.apply_event(*e);
  if (!applied.ok()) {
    return absl::DataLossError(absl::StrCat("journal ", path, ": seq ", r.seq, " (", internal::av(r.type),
                                            "): applying it failed: ", applied.message()));
  }
  return absl::OkStatus();
}

}  // namespace

struct DurableEngine::Tailer {
  std::thread thread;
  std::atomic<bool> stop{false};
  std::mutex mu;
  absl::Status last_error;  // guarded by mu
};

void DurableEngine::TailerStop::operator()(Tailer* t) const {
  if (t == nullptr) return;
  t->stop.store(true);
  if (t->thread.joinable()) t->thread.join();
  delete t;
}

absl::StatusOr<std::uint64_t> DurableEngine::catch_up() {
  std::lock_guard<std::mutex> lock(catch_up_mu_);
  std::uint64_t total = 0;
  for (;;) {
    JICENG_ASSIGN_OR_RETURN(
        const std::uint64_t n,
        journal_->tail(engine_->last_seq(), kTailPage,
                       [&](const StoredRecord& r) { return apply_stored(*engine_, journal_->path(), r); }));
    total += n;
    if (n < kTailPage) break;
  }
  return total;
}

absl::Status DurableEngine::run(const std::function<absl::Status(Engine&)>& fn, int max_tries) {
  if (max_tries < 1 || max_tries > 1000) {
    return absl::InvalidArgumentError(absl::StrCat("run: max_tries ", max_tries, " is not in 1..1000"));
  }
  absl::Status last;
  for (int i = 0; i < max_tries; ++i) {
    absl::Status st = engine_->batch(fn);
    if (!is_journal_conflict(st)) return st;
    last = st;
    JICENG_RETURN_IF_ERROR(catch_up().status());
  }
  return absl::AbortedError(absl::StrCat("journal ", journal_->path(), ": the command lost the race to another writer ",
                                         max_tries, " times; last: ", last.message()));
}

absl::Status DurableEngine::await_seq(std::uint64_t min_seq, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    JICENG_RETURN_IF_ERROR(catch_up().status());
    const std::uint64_t at = engine_->last_seq();
    if (at >= min_seq) return absl::OkStatus();
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(absl::StrCat("journal ", journal_->path(), ": seq ", min_seq,
                                                      " not reached within ", absl::FormatDuration(timeout),
                                                      " (the engine is at seq ", at, ")"));
    }
    // A hint wakes this at once; without one, poll again soon (hints can be lost).
    journal_->wait_for_append(std::min(left, absl::Milliseconds(50))).IgnoreError();
  }
}

absl::Status DurableEngine::start_tailing(absl::Duration poll_interval, std::function<void()> after_catch_up) {
  if (tailer_ != nullptr) return absl::FailedPreconditionError("start_tailing: already tailing");
  if (poll_interval < absl::Milliseconds(1) || poll_interval > absl::Hours(1)) {
    return absl::InvalidArgumentError("start_tailing: the poll interval must be 1 ms .. 1 h");
  }
  tailer_.reset(new Tailer());
  Tailer* t = tailer_.get();
  t->thread = std::thread([this, t, poll_interval, after = std::move(after_catch_up)] {
    absl::Time next_poll = absl::Now();
    while (!t->stop.load()) {
      const absl::Time now = absl::Now();
      bool go = now >= next_poll;
      if (!go) {
        // Short waits, so that stop_tailing returns promptly.
        absl::StatusOr<bool> hint =
            journal_->wait_for_append(std::min(next_poll - now, absl::Milliseconds(100)));
        go = hint.ok() && *hint;
      }
      if (!go) continue;
      absl::StatusOr<std::uint64_t> n = catch_up();
      if (after && (!n.ok() || *n > 0)) after();  // a failed catch-up may have applied rows before it
      next_poll = absl::Now() + poll_interval;
      if (!n.ok()) {
        std::lock_guard<std::mutex> lock(t->mu);
        t->last_error = n.status();
      }
    }
  });
  return absl::OkStatus();
}

absl::Status DurableEngine::stop_tailing() {
  if (tailer_ == nullptr) return absl::OkStatus();
  tailer_->stop.store(true);
  if (tailer_->thread.joinable()) tailer_->thread.join();
  absl::Status st = tailer_->last_error;  // the thread has ended
  tailer_.reset();
  return st;
}

}  // namespace jiceng
