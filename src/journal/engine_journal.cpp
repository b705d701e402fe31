// The Engine on a Journal: the sink that turns events into journal rows, and open =
// newest snapshot + replay of the rest (decode_event + apply_event) + chain verification.
#include <algorithm>
#include <atomic>
#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/strings.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/petition.hpp"
#include "journal/state_check.hpp"

namespace jiceng {

JournalSink::JournalSink(Journal* journal) : journal_(journal) {}

absl::Status JournalSink::append(std::span<const Event> events) {
  if (events.empty()) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(mu_);
  const std::uint64_t next = journal_->last_seq() + 1;
  if (buffer_.size() < events.size()) buffer_.resize(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (e.seq != next + i) {
      // Another writer of a shared chain moved it (or a catch-up is under way): a conflict,
      // which DurableEngine::run answers by catching up and re-running the command.
      if (journal_->shared()) {
        return journal_conflict_error(absl::StrCat("journal ", journal_->path(), ": event seq ", e.seq,
                                                   " is not the chain's next seq ", next + i,
                                                   "; catch up and re-run the command"));
      }
      return absl::FailedPreconditionError(absl::StrCat(
          "journal ", journal_->path(), ": event seq ", e.seq, " (", internal::av(to_string(e.type)),
          ") is not the journal's next seq ", next + i, "; engine and journal are out of step"));
    }
    JournalRecord& r = buffer_[i];
    r.time = e.time;
    const std::string_view type = to_string(e.type);
    r.type.assign(type.data(), type.size());
    r.payload.clear();
    Engine::encode_event_to(e, r.payload);
  }
  return journal_->append(std::span<const JournalRecord>(buffer_.data(), events.size())).status();
}

// The journal's sink, which also runs the snapshot policy once a command that appended
// has released the engine's lock (events applied by a catch-up do not count: they were
// appended elsewhere).
class DurableEngine::PolicySink final : public EventSink {
 public:
  PolicySink(Journal* journal, DurableEngine* owner) : sink_(journal), owner_(owner) {}
  absl::Status append(std::span<const Event> events) override {
    absl::Status st = sink_.append(events);
    if (st.ok()) appended_.store(true, std::memory_order_release);
    return st;
  }
  void committed(std::uint64_t last_seq) override {
    if (appended_.exchange(false, std::memory_order_acq_rel)) owner_->after_commit(last_seq);
  }

 private:
  JournalSink sink_;
  DurableEngine* owner_;
  std::atomic<bool> appended_{false};
};

DurableEngine::~DurableEngine() {
  if (engine_ != nullptr) engine_->set_event_sink(nullptr);
}

absl::StatusOr<std::unique_ptr<DurableEngine>> DurableEngine::open(const std::string& path,
                                                                   const JournalOptions& options) {
  if (options.snapshots.every < absl::ZeroDuration()) {  // before anything is opened or made
    return absl::InvalidArgumentError(absl::StrCat("journal ", path, ": snapshot policy: the interval ",
                                                   absl::FormatDuration(options.snapshots.every), " is negative"));
  }
  std::unique_ptr<DurableEngine> self(new DurableEngine());
  JICENG_ASSIGN_OR_RETURN(self->journal_, Journal::open(path, options));
  JICENG_ASSIGN_OR_RETURN(self->engine_, Engine::create());
  Journal& journal = *self->journal_;
  Engine& engine = *self->engine_;
  ReplayReport& report = self->report_;
  report.keyed = journal.keyed();

  // Start from the newest snapshot: verified against its digest and anchored in the chain.
  std::uint64_t start = 0;
  std::optional<ChainHash> anchor;  // set: verify the chain from the snapshot's seq on
  Timestamp snapshot_time = 0;
  std::optional<SnapshotInfo> check;  // verify_snapshot: the snapshot the events must derive
  if (options.use_snapshots) {
    JICENG_ASSIGN_OR_RETURN(std::optional<Snapshot> snap, journal.latest_snapshot());
    if (snap.has_value() && options.verify_snapshot) {
      // Not trusted: replay from seq 1 and compare the state at its seq with it.
      check = snap->info;
      check->digest = sha256_hex(snap->state);
      report.snapshot_seq = check->seq;
      report.snapshot_checked = true;
      if (check->seq == 0) {
        JICENG_RETURN_IF_ERROR(journal_internal::compare_snapshot(engine, 0, check->digest, path));
      }
    } else if (snap.has_value()) {
      absl::Status st = engine.restore(snap->state);
      if (!st.ok()) {
        return absl::DataLossError(absl::StrCat("journal ", path, ": snapshot at seq ",
                                                snap->info.seq, ": restore failed: ", st.message()));
      }
      if (engine.last_seq() != snap->info.seq) {
        return absl::DataLossError(absl::StrCat("journal ", path, ": snapshot at seq ",
                                                snap->info.seq, " holds a state at seq ",
                                                engine.last_seq()));
      }
      start = snap->info.seq;
      anchor = snap->info.anchor;
      snapshot_time = snap->info.time;
      report.snapshot_seq = start;
      report.verified_from = start;
      // The counts of the events up to the snapshot, from its own event log.
      JICENG_RETURN_IF_ERROR(engine.for_each_event(1, static_cast<std::size_t>(start), [&](const EventRef& e) {
        ++report.counts[std::string(to_string(e.type))];
        return absl::OkStatus();
      }));
    }
  }

  // One pass over the chain — from the restored snapshot's anchored seq on, else from seq 1:
  // every row walked is verified; those after the snapshot are decoded, cross-checked
  // against their row, and re-applied.
  const std::function<absl::Status(const StoredRecord&)> apply = [&](const StoredRecord& r) -> absl::Status {
    ++report.counts[std::string(r.type)];
    if (r.seq <= start) return absl::OkStatus();
    absl::StatusOr<Event> e = Engine::decode_event(r.payload);
    if (!e.ok()) {
      return absl::DataLossError(absl::StrCat("journal ", path, ": seq ", r.seq,
                                              ": cannot decode the event: ", e.status().message()));
    }
    if (e->seq != r.seq || e->time != r.time || to_string(e->type) != r.type) {
      return absl::DataLossError(absl::StrCat(
          "journal ", path, ": seq ", r.seq, ": the row (", internal::av(r.type), " at ", r.time,
          ") and its payload (seq ", e->seq, ", ", internal::av(to_string(e->type)), " at ", e->time,
          ") disagree"));
    }
    absl::Status applied = engine.apply_event(*e);
    if (!applied.ok()) {
      return absl::DataLossError(absl::StrCat("journal ", path, ": seq ", r.seq, " (",
                                              internal::av(r.type), "): replay failed: ", applied.message()));
    }
    ++report.replayed;
    if (check.has_value() && r.seq == check->seq) {
      return journal_internal::compare_snapshot(engine, r.seq, check->digest, path);
    }
    return absl::OkStatus();
  };
  absl::Status st = anchor.has_value() ? journal.replay_from(start, *anchor, apply) : journal.replay(0, apply);
  if (!st.ok()) return st;
  report.last_seq = journal.last_seq();
  if (engine.last_seq() != report.last_seq) {
    return absl::DataLossError(absl::StrCat("journal ", path, ": replay ended at seq ",
                                            engine.last_seq(), " but the journal holds ",
                                            report.last_seq, " events"));
  }

  // The policy counts from the snapshot restored (its seq, its time), else from seq 0 and
  // now; set before the sink is, which runs it.
  self->policy_ = options.snapshots;
  self->base_seq_ = start;
  self->base_time_ = anchor.has_value() ? absl::FromUnixSeconds(snapshot_time) : absl::Now();
  self->sink_ = std::make_unique<PolicySink>(self->journal_.get(), self.get());
  engine.set_event_sink(self->sink_.get());
  // A new journal starts with its policy, so that the file alone rebuilds the engine.
  if (report.last_seq == 0 && !options.read_only) {
    const Timestamp now = absl::ToUnixSeconds(absl::Now());
    // One append for both: on a shared chain another server may create it first (a
    // conflict), and then this one takes that server's start instead of its own.
    absl::Status started = engine.batch([&](Engine& e) {
      JICENG_RETURN_IF_ERROR(e.set_policy(options.policy, now));
      // And its calendar's mode and provisional rule version, so a replay under a later
      // library (whose default rule may be newer) reckons the same deadlines.
      return e.set_calendar_mode(e.calendar().mode(), e.calendar().provisional_rule(), now);
    });
    if (is_journal_conflict(started)) {
      JICENG_RETURN_IF_ERROR(self->catch_up().status());
    } else {
      JICENG_RETURN_IF_ERROR(started);
      ++report.counts[std::string(to_string(EventType::kSetPolicy))];
      ++report.counts[std::string(to_string(EventType::kSetCalendar))];
    }
    report.last_seq = journal.last_seq();
  }
  report.digest = self->state_digest();
  return self;
}

absl::StatusOr<SnapshotInfo> DurableEngine::write_snapshot() {
  // Inside batch() the engine's writer lock is held: no command slips in between the
  // state and its seq. A batch without events never reaches the sink.
  std::string state;
  std::uint64_t seq = 0;
  JICENG_RETURN_IF_ERROR(engine_->batch([&](Engine& e) {
    state = e.snapshot();
    seq = e.last_seq();
    return absl::OkStatus();
  }));
  JICENG_ASSIGN_OR_RETURN(SnapshotInfo info, journal_->write_snapshot(seq, state));
  std::lock_guard<std::mutex> lock(policy_mu_);
  if (info.seq >= base_seq_) {
    base_seq_ = info.seq;
    base_time_ = absl::Now();
  }
  return info;
}

absl::Status DurableEngine::set_snapshot_policy(const SnapshotPolicy& policy) {
  if (policy.every < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("journal ", journal_->path(), ": snapshot policy: the interval ",
                                                   absl::FormatDuration(policy.every), " is negative"));
  }
  std::lock_guard<std::mutex> lock(policy_mu_);
  policy_ = policy;
  return absl::OkStatus();
}

SnapshotPolicy DurableEngine::snapshot_policy() const {
  std::lock_guard<std::mutex> lock(policy_mu_);
  return policy_;
}

absl::Status DurableEngine::policy_snapshot_status() const {
  std::lock_guard<std::mutex> lock(policy_mu_);
  return policy_status_;
}

// Runs on the thread of a command that appended, after the engine's lock was released.
// The snapshot (write_snapshot takes the lock again) stands for the seq it finds, which is
// `last_seq` unless another thread's command came in between.
void DurableEngine::after_commit(std::uint64_t last_seq) {
  {
    std::lock_guard<std::mutex> lock(policy_mu_);
    if (policy_running_ || last_seq <= base_seq_) return;
    const bool by_count = policy_.every_events > 0 && last_seq - base_seq_ >= policy_.every_events;
    const bool by_time = policy_.every > absl::ZeroDuration() && absl::Now() - base_time_ >= policy_.every;
    if (!by_count && !by_time) return;
    policy_running_ = true;
  }
  absl::StatusOr<SnapshotInfo> info = write_snapshot();
  std::lock_guard<std::mutex> lock(policy_mu_);
  policy_running_ = false;
  policy_status_ = info.status();
  if (!info.ok()) {
    // Not again at the next command: a whole interval later (a snapshot costs the state's size).
    base_seq_ = std::max(base_seq_, last_seq);
    base_time_ = absl::Now();
  }
}

std::string DurableEngine::state_digest() const { return sha256_hex(engine_->snapshot()); }

absl::StatusOr<std::unique_ptr<DurableEngine>> open_engine(const std::string& path,
                                                           const JournalOptions& options) {
  return DurableEngine::open(path, options);
}

}  // namespace jiceng
