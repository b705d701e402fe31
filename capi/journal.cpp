// capi/journal.cpp — the durable journal (事件日志) through the C ABI: an engine opened
// on a journal file (every command durable before it returns), snapshots, and the
// journal on its own for verification and audit.
#include <openssl/crypto.h>

#include <vector>

#include <boost/json.hpp>

#include "capi/engine_handle.hpp"
#include "capi/internal.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"

struct jc_journal {
  std::unique_ptr<jiceng::Journal> journal;
};

namespace {

jc_status need_journal(const jc_journal* j, const char* fn) {
  if (j == nullptr || j->journal == nullptr) return jc::fail(JC_INVALID_ARGUMENT, std::string(fn) + ": journal is NULL");
  return JC_OK;
}

jc_status to_options(jiceng::JournalOptions* out, const jc_journal_options* o, const char* fn) {
  if (o == nullptr) return JC_OK;
  if (o->version != JC_JOURNAL_OPTIONS_VERSION)
    return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": unknown options version ", o->version));
  if (o->sync < JC_SYNC_FULL || o->sync > JC_SYNC_OFF)
    return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": sync ", o->sync, " is not a jc_sync_mode"));
  if (o->busy_timeout_ms < 0)
    return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": busy_timeout_ms ", o->busy_timeout_ms, " is negative"));
  out->sync = static_cast<jiceng::SyncMode>(o->sync);
  out->busy_timeout_ms = o->busy_timeout_ms;
  out->read_only = o->read_only != 0;
  out->create_if_missing = o->create_if_missing != 0;
  return JC_OK;
}

constexpr std::int64_t kMaxAwaitMs = 3600000;  // an hour: a longer wait is a stuck chain, not a read

/// INVALID_ARGUMENT for a NULL engine, FAILED_PRECONDITION for one without a journal.
jc_status need_durable(jc_engine* engine, const char* fn) {
  JC_CHECK(jc::need_engine(engine, fn));
  if (engine->durable == nullptr)
    return jc::fail(JC_FAILED_PRECONDITION, std::string(fn) + ": the engine was opened without a journal");
  return JC_OK;
}

jc_status fill_report(jc_chain_report* out, const jiceng::ChainReport& r) {
  if (out == nullptr) return JC_OK;
  jc_chain_report c{};
  c.events = r.events;
  c.last_seq = r.last_seq;
  c.snapshots = r.snapshots;
  c.has_snapshot = r.latest_snapshot.has_value() ? 1 : 0;
  c.latest_snapshot = r.latest_snapshot.value_or(0);
  const std::string hex = jiceng::to_hex(r.head);
  std::memcpy(c.head, hex.data(), std::min<std::size_t>(hex.size(), 64));
  c.head[64] = '\0';
  *out = c;
  return JC_OK;
}

jc_status open_journal(jc_journal** out, const char* path, const jc_journal_options* opts, const char* key,
                       std::size_t key_len, const char* fn) {
  JC_CHECK(jc::need(out, fn, "out"));
  std::string_view p;
  JC_CHECK(jc::text(&p, path, fn, "path"));
  jiceng::JournalOptions o;
  JC_CHECK(to_options(&o, opts, fn));
  JC_CHECK(jc::mac_key(&o.mac_key, key, key_len, fn));
  auto j = jiceng::Journal::open(std::string(p), o);
  if (!o.mac_key.empty()) OPENSSL_cleanse(o.mac_key.data(), o.mac_key.size());
  if (!j.ok()) return jc::from_status(j.status(), fn);
  *out = new jc_journal{std::move(*j)};
  return JC_OK;
}

}  // namespace

extern "C" {

jc_status jc_engine_journal_snapshot(uint64_t* out_seq, jc_engine* engine) {
  constexpr const char* fn = "jc_engine_journal_snapshot";
  JC_GUARD(fn) {
    JC_CHECK(need_durable(engine, fn));
    auto info = engine->durable->write_snapshot();
    if (!info.ok()) return jc::from_status(info.status(), fn);
    const std::uint64_t seq = info->seq;
    if (out_seq != nullptr) *out_seq = seq;
    return JC_OK;
  });
}

jc_status jc_engine_set_snapshot_policy(jc_engine* engine, uint64_t every_events, int64_t every_seconds) {
  constexpr const char* fn = "jc_engine_set_snapshot_policy";
  JC_GUARD(fn) {
    JC_CHECK(need_durable(engine, fn));
    if (every_seconds < 0) {
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": every_seconds ", every_seconds, " is negative"));
    }
    const absl::Status st =
        engine->durable->set_snapshot_policy(jiceng::SnapshotPolicy{every_events, absl::Seconds(every_seconds)});
    return st.ok() ? JC_OK : jc::from_status(st, fn);
  });
}

jc_status jc_engine_snapshot_policy_json(char** out, jc_engine* engine) {
  constexpr const char* fn = "jc_engine_snapshot_policy_json";
  JC_GUARD(fn) {
    JC_CHECK(jc::need(out, fn, "out"));
    JC_CHECK(need_durable(engine, fn));
    const jiceng::SnapshotPolicy p = engine->durable->snapshot_policy();
    const absl::Status last = engine->durable->policy_snapshot_status();
    boost::json::object o{{"every_events", p.every_events}, {"every_seconds", absl::ToInt64Seconds(p.every)}};
    if (last.ok()) {
      o["last_error"] = nullptr;
    } else {
      o["last_error"] = boost::json::object{{"code", absl::StatusCodeToString(last.code())},
                                            {"message", std::string(last.message())}};
    }
    return jc::out_string(out, boost::json::serialize(o), fn);
  });
}

jc_status jc_engine_catch_up(uint64_t* out_applied, jc_engine* engine) {
  constexpr const char* fn = "jc_engine_catch_up";
  JC_GUARD(fn) {
    JC_CHECK(need_durable(engine, fn));
    auto n = engine->durable->catch_up();
    jc::refresh_views(engine);  // another server may have replaced the org graph
    if (!n.ok()) return jc::from_status(n.status(), fn);
    if (out_applied != nullptr) *out_applied = *n;
    return JC_OK;
  });
}

jc_status jc_engine_await_seq(jc_engine* engine, uint64_t min_seq, int64_t timeout_ms) {
  constexpr const char* fn = "jc_engine_await_seq";
  JC_GUARD(fn) {
    JC_CHECK(need_durable(engine, fn));
    if (timeout_ms < 0 || timeout_ms > kMaxAwaitMs)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": timeout_ms ", timeout_ms, " is not in 0..", kMaxAwaitMs));
    const absl::Status st = engine->durable->await_seq(min_seq, absl::Milliseconds(timeout_ms));
    jc::refresh_views(engine);
    return jc::from_status(st, fn);
  });
}

jc_status jc_engine_start_tailing(jc_engine* engine, int64_t poll_interval_ms) {
  constexpr const char* fn = "jc_engine_start_tailing";
  JC_GUARD(fn) {
    JC_CHECK(need_durable(engine, fn));
    if (poll_interval_ms < 1 || poll_interval_ms > kMaxAwaitMs)
      return jc::fail(JC_INVALID_ARGUMENT,
                      jc::cat(fn, ": poll_interval_ms ", poll_interval_ms, " is not in 1..", kMaxAwaitMs));
    return jc::from_status(engine->durable->start_tailing(absl::Milliseconds(poll_interval_ms),
                                                          [engine] { jc::refresh_views(engine); }),
                           fn);
  });
}

jc_status jc_engine_stop_tailing(jc_engine* engine) {
  constexpr const char* fn = "jc_engine_stop_tailing";
  JC_GUARD(fn) {
    JC_CHECK(jc::need_engine(engine, fn));
    if (engine->durable == nullptr) return JC_OK;  // nothing can be tailing
    return jc::from_status(engine->durable->stop_tailing(), fn);
  });
}

jc_status jc_journal_options_init(jc_journal_options* opts, unsigned int version) {
  JC_GUARD("jc_journal_options_init") {
    JC_CHECK(jc::need(opts, "jc_journal_options_init", "opts"));
    if (version != JC_JOURNAL_OPTIONS_VERSION)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_journal_options_init: unknown version ", version));
    *opts = jc_journal_options JC_JOURNAL_OPTIONS_INIT;
    return JC_OK;
  });
}

jc_status jc_journal_open(jc_journal** out, const char* path, const jc_journal_options* opts) {
  JC_GUARD("jc_journal_open") { return open_journal(out, path, opts, nullptr, 0, "jc_journal_open"); });
}

jc_status jc_journal_open_keyed(jc_journal** out, const char* path, const jc_journal_options* opts, const char* key,
                                size_t key_len) {
  JC_GUARD("jc_journal_open_keyed") { return open_journal(out, path, opts, key, key_len, "jc_journal_open_keyed"); });
}

void jc_journal_free(jc_journal* journal) { delete journal; }

jc_status jc_journal_verify(jc_chain_report* out, const jc_journal* journal) {
  JC_GUARD("jc_journal_verify") {
    JC_CHECK(need_journal(journal, "jc_journal_verify"));
    auto r = journal->journal->verify();
    if (!r.ok()) return jc::from_status(r.status(), "jc_journal_verify");
    return fill_report(out, *r);
  });
}

jc_status jc_journal_verify_ex(jc_chain_report* out, uint64_t* out_states_derived, const jc_journal* journal,
                               unsigned int flags) {
  constexpr const char* fn = "jc_journal_verify_ex";
  JC_GUARD(fn) {
    JC_CHECK(need_journal(journal, fn));
    if ((flags & ~JC_VERIFY_FAST) != 0)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": flags ", flags, " has bits other than JC_VERIFY_FAST"));
    auto r = journal->journal->verify((flags & JC_VERIFY_FAST) == 0);
    if (!r.ok()) return jc::from_status(r.status(), fn);
    if (out_states_derived != nullptr) *out_states_derived = r->states_derived;
    return fill_report(out, *r);
  });
}

jc_status jc_journal_last_seq(uint64_t* out, const jc_journal* journal) {
  JC_GUARD("jc_journal_last_seq") {
    JC_CHECK(jc::need(out, "jc_journal_last_seq", "out"));
    JC_CHECK(need_journal(journal, "jc_journal_last_seq"));
    *out = journal->journal->last_seq();
    return JC_OK;
  });
}

jc_status jc_journal_snapshot_count(uint64_t* out, const jc_journal* journal) {
  JC_GUARD("jc_journal_snapshot_count") {
    JC_CHECK(jc::need(out, "jc_journal_snapshot_count", "out"));
    JC_CHECK(need_journal(journal, "jc_journal_snapshot_count"));
    auto n = journal->journal->snapshot_count();
    if (!n.ok()) return jc::from_status(n.status(), "jc_journal_snapshot_count");
    *out = *n;
    return JC_OK;
  });
}

jc_status jc_journal_latest_snapshot_json(char** out, const jc_journal* journal) {
  JC_GUARD("jc_journal_latest_snapshot_json") {
    JC_CHECK(jc::need(out, "jc_journal_latest_snapshot_json", "out"));
    JC_CHECK(need_journal(journal, "jc_journal_latest_snapshot_json"));
    auto s = journal->journal->latest_snapshot();
    if (!s.ok()) return jc::from_status(s.status(), "jc_journal_latest_snapshot_json");
    if (!s->has_value()) return jc::out_string(out, "null", "jc_journal_latest_snapshot_json");
    const auto& info = (*s)->info;
    boost::json::object o{{"seq", info.seq}, {"time", info.time}, {"digest", info.digest}};
    return jc::out_string(out, boost::json::serialize(o), "jc_journal_latest_snapshot_json");
  });
}

}  // extern "C"
