// capi/engine.cpp — the Engine (引擎) and the petition closed loop (诉求闭环) through the
// C ABI: configuration, the eighteen commands, the hot path, the clock, batches, queries,
// snapshots.
#include <openssl/crypto.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "capi/engine_handle.hpp"
#include "capi/internal.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/petition_json.hpp"

namespace jc {
jc_status read_file(std::string* out, std::string_view path, const char* fn);  // capi/org.cpp

jc_status need_engine(const jc_engine* e, const char* fn) {
  if (e == nullptr || e->engine == nullptr) return jc::fail(JC_INVALID_ARGUMENT, std::string(fn) + ": engine is NULL");
  return JC_OK;
}

jc_status actor(jiceng::Actor* out, const jc_actor* a, const char* fn) {
  if (a == nullptr) return jc::fail(JC_INVALID_ARGUMENT, std::string(fn) + ": actor is NULL");
  std::string_view id, unit;
  JC_CHECK(jc::text(&id, a->id, fn, "actor.id"));
  JC_CHECK(jc::text(&unit, a->unit, fn, "actor.unit", true));
  JC_CHECK(jc::role(&out->role, a->role, fn));
  out->id.assign(id);
  out->unit.assign(unit);
  return JC_OK;
}

void refresh_views(jc_engine* e) {
  // Taken inside the engine's lock and around nothing else (the lock order of engine.hpp).
  static std::mutex views_mu;
  (void)e->engine->read([e]() -> absl::Status {
    const jiceng::OrgGraph* graph = &e->engine->org();
    const auto units = static_cast<std::uint32_t>(e->engine->unit_count());
    const jiceng::WorkCalendar* cal = &e->engine->calendar();
    std::lock_guard<std::mutex> l(views_mu);
    if (e->org_view.graph != graph) e->org_view.graph = graph;
    if (e->org_view.units != units) e->org_view.units = units;
    if (e->cal_view.cal != cal) e->cal_view.cal = cal;
    return absl::OkStatus();
  });
}

}  // namespace jc

using jc::need_engine;

namespace {

using jiceng::Engine;
using jiceng::EventType;

/// Why a scalar query (jc_engine_state, jc_engine_deadline) was refused: a NULL out or
/// engine. Cold and out of line, so the hot wrappers check with inline compares.
[[gnu::cold, gnu::noinline]] jc_status scalar_query_error(const void* out, const jc_engine* e, const char* fn) noexcept {
  if (out == nullptr) return jc::fail_nothrow(JC_INVALID_ARGUMENT, fn, "out is NULL");
  return jc::fail_nothrow(JC_INVALID_ARGUMENT, fn, e == nullptr ? "engine is NULL" : "engine is not open");
}

/// The check word that binds an actor handle to its engine and that engine's generation:
/// the low 31 bits of the generation (a value of a process-wide counter, drawn anew at every
/// engine creation and restore, never an address) shifted left, XOR a hash of the fields
/// forced odd. For fields f the word differs between any two generations less than 2^31
/// draws apart, so a stale, foreign or freed engine's handle is refused exactly, not with a
/// 2^-32 chance of passing; a field altered under a valid word passes only on a hash
/// collision; and the word is odd, so a zero-filled handle never checks.
constexpr std::uint32_t handle_check(std::uint64_t generation, std::uint32_t id_ref, std::uint32_t role,
                                     std::uint32_t unit_ref) noexcept {
  std::uint64_t h = 0x9E3779B97F4A7C15ull;
  for (std::uint64_t v : {std::uint64_t{id_ref}, std::uint64_t{role}, std::uint64_t{unit_ref}}) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ull;
  }
  const auto fields = static_cast<std::uint32_t>(h ^ (h >> 32)) | 1u;
  return (static_cast<std::uint32_t>(generation) << 1) ^ fields;
}
static_assert(handle_check(1, 0, 0, 0) != handle_check(2, 0, 0, 0) && (handle_check(7, 0, 0, 0) & 1u) == 1u);

/// Refusal of a handle whose check word does not match (cold).
[[gnu::cold, gnu::noinline]] jc_status bad_handle(const char* fn) {
  return jc::fail(JC_INVALID_ARGUMENT,
                  jc::cat(fn, ": actor handle was not made by jc_engine_resolve_actor on this engine since its last "
                              "restore (a handle of another or a freed engine, made before jc_engine_restore, or "
                              "altered); resolve the actor again"));
}

/// Checks a C actor handle against the engine's current generation and converts it.
inline bool to_handle(jiceng::ActorHandle* out, const jiceng::Engine& e, const jc_actor_handle& a) noexcept {
  // The generation is read once: a restore racing with the call makes the C++ engine
  // refuse the converted handle under its lock (it carries the generation checked here).
  const std::uint64_t gen = e.generation();
  if (a.role >= static_cast<std::uint32_t>(jiceng::kRoleCount) ||
      a.check != handle_check(gen, a.id_ref, a.role, a.unit_ref)) [[unlikely]]
    return false;
  *out = jiceng::ActorHandle{a.id_ref, static_cast<jiceng::Role>(a.role), a.unit_ref, e.identity(), gen};
  return true;
}

/// Runs one command through the C++ API given a ready Actor.
template <class F>
jc_status command(jc_engine* e, const jc_actor* a, const char* fn, F&& call) {
  JC_CHECK(need_engine(e, fn));
  jiceng::Actor actor;
  JC_CHECK(jc::actor(&actor, a, fn));
  return jc::from_status(call(*e->engine, actor), fn);
}

jc_status write_ids(std::uint64_t* buf, std::size_t capacity, std::size_t* out_count,
                    const std::vector<jiceng::PetitionId>& ids, const char* fn) {
  bool write = false;
  JC_CHECK(jc::check_array(buf, capacity, out_count, ids.size(), fn, &write));
  if (write)
    for (std::size_t i = 0; i < ids.size(); ++i) buf[i] = ids[i];
  return JC_OK;
}

/// Checks a resolved actor handle against its engine and converts it.
jc_status actor_handle(jiceng::ActorHandle* out, const jc_engine* e, const jc_actor_handle* actor, const char* fn) {
  JC_CHECK(jc::need(actor, fn, "actor"));
  if (!to_handle(out, *e->engine, *actor)) return bad_handle(fn);
  return JC_OK;
}

/// Collects the outcomes of a bulk call: the first failure keeps its message.
struct BulkOutcome {
  const char* fn;
  jc_status* results;
  jc_status first = JC_OK;
  std::size_t done = 0;      ///< items [0, done) have an outcome
  std::size_t accepted = 0;  ///< of which this many were accepted
  bool rolled_back = false;  ///< the group commit failed: nothing of the call is recorded
  void record(std::size_t i, jc_status rc) {
    if (results != nullptr) results[i] = rc;
    done = i + 1;
    accepted += rc == JC_OK;
  }
  void record(std::size_t i, const absl::Status& s) {
    jc_status rc = JC_OK;
    if (!s.ok()) [[unlikely]] {
      if (first == JC_OK) {
        first = jc::from_status(s, fn);
        rc = first;
      } else {
        const int c = static_cast<int>(s.code());
        rc = static_cast<jc_status>(c >= 0 && c <= 16 ? c : 2);
      }
    }
    record(i, rc);
  }
  /// A refusal found by the wrapper itself (bad element).
  void refuse(std::size_t i, jc_status rc, std::string message) {
    if (first == JC_OK) first = jc::fail(rc, std::move(message));
    record(i, rc);
  }
  /// The call was rolled back as a whole (its group commit failed with `rc`, message
  /// recorded): every item of `count` that was not refused reports JC_ABORTED, including
  /// those an exception kept from running. Returns `rc`.
  jc_status roll_back(std::size_t count, jc_status rc) {
    rolled_back = true;
    if (results != nullptr) {
      for (std::size_t i = 0; i < count; ++i)
        if (i >= done || results[i] == JC_OK) results[i] = JC_ABORTED;
    }
    return rc;
  }
};

/// Runs the items of a bulk call — `items()` runs them all in order, recording each
/// outcome in `out` — and commits the accepted ones as the engine's jc_bulk_commit says.
/// Per item: each command commits on its own, as the single call in a loop. Group (the
/// default): the whole call is one Engine::batch, so its events reach the journal in one
/// append (one transaction); a failed append, or an exception, rolls every item back
/// (refused items made no event, so acceptance per item is unchanged). Inside
/// jc_engine_batch the items join the enclosing batch instead (batches do not nest).
template <class Items>
jc_status run_bulk(jc_engine* e, BulkOutcome& out, std::size_t count, Items&& items) {
  if (e->bulk_commit.load(std::memory_order_relaxed) == JC_BULK_COMMIT_PER_ITEM) {
    items();
    return out.first;
  }
  bool ran = false;
  jc_status thrown = JC_OK;
  absl::Status st;
  try {
    st = e->engine->batch([&](Engine&) -> absl::Status {
      ran = true;
      try {
        items();
      } catch (...) {
        thrown = jc::from_exception(out.fn);  // records the message while the exception is current
        return absl::Status(absl::StatusCode::kAborted, "");
      }
      return absl::OkStatus();
    });
  } catch (...) {
    // Out of Engine::batch itself: no memory for its function, so nothing ran. (An
    // exception from the items never gets here: the function above turns it into a status
    // and the batch rolls back.)
    return out.roll_back(count, jc::from_exception(out.fn));
  }
  if (!ran) {
    // Engine::batch refuses before running fn only when this thread already runs a batch
    // on the engine (a bulk call from inside jc_engine_batch): the items join that batch.
    if (st.code() != absl::StatusCode::kFailedPrecondition) return jc::from_status(st, out.fn);
    items();
    return out.first;
  }
  if (thrown != JC_OK) return out.roll_back(count, thrown);
  if (!st.ok()) {
    const std::string why =
        jc::cat("the group commit of ", out.accepted, " accepted commands failed, so none is recorded: ", st.message());
    return out.roll_back(count, jc::from_status(absl::Status(st.code(), why), out.fn));
  }
  return out.first;
}

/// jc_engine_batch (`max_tries` 0) and jc_engine_run: the C callback as one batch — on a
/// journaled engine through DurableEngine::run, which catches up and calls it again after
/// a lost race — keeping the callback's own status and message.
jc_status c_batch(jc_engine* engine, jc_batch_fn fn, void* user_data, int max_tries, const char* name) {
  JC_CHECK(need_engine(engine, name));
  JC_CHECK(jc::need(reinterpret_cast<const void*>(fn), name, "fn"));
  jc_status inner = JC_OK;
  std::string inner_message;
  const auto body = [&](Engine&) -> absl::Status {
    inner = fn(engine, user_data);
    if (inner == JC_OK) return absl::OkStatus();
    inner_message = jc_last_error();
    return absl::Status(static_cast<absl::StatusCode>(inner), "batch function failed");
  };
  const absl::Status s = max_tries > 0 && engine->durable != nullptr ? engine->durable->run(body, max_tries)
                                                                    : engine->engine->batch(body);
  jc::refresh_views(engine);  // a rolled-back batch may have restored an earlier graph, a catch-up a newer one
  if (inner != JC_OK) {  // keep the callback's own message
    return jc::fail(inner, inner_message.empty() ? jc::cat(name, ": batch function failed") : inner_message);
  }
  return jc::from_status(s, name);
}

jc_status need_state(int state, const char* fn) {
  if (state < 0 || state >= jiceng::kStateCount)
    return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": state ", state, " is not a jc_state (0..8)"));
  return JC_OK;
}

jc_status open_engine(jc_engine** out, const jc_engine_options* opts, const char* key, std::size_t key_len,
                      const char* fn) {
  JC_CHECK(jc::need(out, fn, "out"));
  jc_engine_options o = JC_ENGINE_OPTIONS_INIT;
  if (opts != nullptr) {
    if (opts->version != JC_ENGINE_OPTIONS_VERSION)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": unknown options version ", opts->version));
    o = *opts;
  }
  std::string_view policy, journal;
  JC_CHECK(jc::text(&policy, o.policy, fn, "policy", true));
  JC_CHECK(jc::text(&journal, o.journal, fn, "journal", true));
  if (o.sync < JC_SYNC_FULL || o.sync > JC_SYNC_OFF)
    return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": sync ", o.sync, " is not a jc_sync_mode"));
  jiceng::JournalOptions jo;
  JC_CHECK(jc::mac_key(&jo.mac_key, key, key_len, fn));
  if (journal.empty() && !jo.mac_key.empty())
    return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": a MAC key was given for an engine without a journal"));
  auto h = std::make_unique<jc_engine>();
  if (journal.empty()) {
    auto e = Engine::create(policy.empty() ? "national" : policy);
    if (!e.ok()) return jc::from_status(e.status(), fn);
    h->owned = std::move(*e);
    h->engine = h->owned.get();
  } else {
    jo.sync = static_cast<jiceng::SyncMode>(o.sync);
    jo.read_only = o.read_only != 0;
    jo.policy = policy.empty() ? "national" : std::string(policy);
    auto d = jiceng::DurableEngine::open(std::string(journal), jo);
    if (!jo.mac_key.empty()) OPENSSL_cleanse(jo.mac_key.data(), jo.mac_key.size());
    if (!d.ok()) return jc::from_status(d.status(), fn);
    h->durable = std::move(*d);
    h->engine = &h->durable->engine();
  }
  jc::refresh_views(h.get());
  *out = h.release();
  return JC_OK;
}

}  // namespace

extern "C" {

jc_status jc_engine_options_init(jc_engine_options* opts, unsigned int version) {
  JC_GUARD("jc_engine_options_init") {
    JC_CHECK(jc::need(opts, "jc_engine_options_init", "opts"));
    if (version != JC_ENGINE_OPTIONS_VERSION)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_engine_options_init: unknown version ", version));
    *opts = jc_engine_options JC_ENGINE_OPTIONS_INIT;
    return JC_OK;
  });
}

jc_status jc_engine_open(jc_engine** out, const jc_engine_options* opts) {
  JC_GUARD("jc_engine_open") { return open_engine(out, opts, nullptr, 0, "jc_engine_open"); });
}

jc_status jc_engine_open_keyed(jc_engine** out, const jc_engine_options* opts, const char* key, size_t key_len) {
  JC_GUARD("jc_engine_open_keyed") { return open_engine(out, opts, key, key_len, "jc_engine_open_keyed"); });
}

void jc_engine_free(jc_engine* engine) { delete engine; }

jc_status jc_engine_load_org(jc_engine* engine, const char* json, size_t len, int64_t now) {
  JC_GUARD("jc_engine_load_org") {
    JC_CHECK(need_engine(engine, "jc_engine_load_org"));
    std::string_view t;
    JC_CHECK(jc::text(&t, json, len, "jc_engine_load_org", "json"));
    const absl::Status st = engine->engine->load_org(t, now);
    jc::refresh_views(engine);
    return jc::from_status(st, "jc_engine_load_org");
  });
}

jc_status jc_engine_load_org_file(jc_engine* engine, const char* path, int64_t now) {
  JC_GUARD("jc_engine_load_org_file") {
    JC_CHECK(need_engine(engine, "jc_engine_load_org_file"));
    std::string_view p;
    JC_CHECK(jc::text(&p, path, "jc_engine_load_org_file", "path"));
    std::string data;
    JC_CHECK(jc::read_file(&data, p, "jc_engine_load_org_file"));
    const absl::Status st = engine->engine->load_org(data, now);
    jc::refresh_views(engine);
    return jc::from_status(st, "jc_engine_load_org_file");
  });
}

jc_status jc_engine_load_sample_org(jc_engine* engine, int64_t now) {
  JC_GUARD("jc_engine_load_sample_org") {
    JC_CHECK(need_engine(engine, "jc_engine_load_sample_org"));
    const absl::Status st = engine->engine->load_org(jc::sample_org_json(), now);
    jc::refresh_views(engine);
    return jc::from_status(st, "jc_engine_load_sample_org");
  });
}

jc_status jc_engine_set_policy(jc_engine* engine, const char* name_or_json, int64_t now) {
  JC_GUARD("jc_engine_set_policy") {
    JC_CHECK(need_engine(engine, "jc_engine_set_policy"));
    std::string_view t;
    JC_CHECK(jc::text(&t, name_or_json, "jc_engine_set_policy", "name_or_json"));
    const absl::Status st = engine->engine->set_policy(t, now);
    jc::refresh_views(engine);
    return jc::from_status(st, "jc_engine_set_policy");
  });
}

jc_status jc_engine_load_org_as(jc_engine* engine, const jc_actor* by, const char* json, size_t len, int64_t now) {
  JC_GUARD("jc_engine_load_org_as") {
    constexpr const char* fn = "jc_engine_load_org_as";
    JC_CHECK(need_engine(engine, fn));
    jiceng::Actor a;
    JC_CHECK(jc::actor(&a, by, fn));
    std::string_view t;
    JC_CHECK(jc::text(&t, json, len, fn, "json"));
    const absl::Status st = engine->engine->load_org(a, t, now);
    jc::refresh_views(engine);
    return jc::from_status(st, fn);
  });
}

jc_status jc_engine_set_policy_as(jc_engine* engine, const jc_actor* by, const char* name_or_json, int64_t now) {
  JC_GUARD("jc_engine_set_policy_as") {
    constexpr const char* fn = "jc_engine_set_policy_as";
    JC_CHECK(need_engine(engine, fn));
    jiceng::Actor a;
    JC_CHECK(jc::actor(&a, by, fn));
    std::string_view t;
    JC_CHECK(jc::text(&t, name_or_json, fn, "name_or_json"));
    const absl::Status st = engine->engine->set_policy(a, t, now);
    jc::refresh_views(engine);
    return jc::from_status(st, fn);
  });
}

jc_status jc_engine_load_calendar_csv_as(jc_engine* engine, const jc_actor* by, const char* csv, size_t len,
                                         int64_t now) {
  JC_GUARD("jc_engine_load_calendar_csv_as") {
    constexpr const char* fn = "jc_engine_load_calendar_csv_as";
    JC_CHECK(need_engine(engine, fn));
    jiceng::Actor a;
    JC_CHECK(jc::actor(&a, by, fn));
    std::string_view t;
    JC_CHECK(jc::text(&t, csv, len, fn, "csv"));
    const absl::Status st = engine->engine->load_calendar_csv(a, t, now);
    jc::refresh_views(engine);
    return jc::from_status(st, fn);
  });
}

jc_status jc_engine_allow_system_role(jc_engine* engine, int allow) {
  JC_GUARD("jc_engine_allow_system_role") {
    JC_CHECK(need_engine(engine, "jc_engine_allow_system_role"));
    engine->engine->allow_system_role(allow != 0);
    return JC_OK;
  });
}

jc_status jc_engine_load_calendar_csv(jc_engine* engine, const char* csv, size_t len, int64_t now) {
  JC_GUARD("jc_engine_load_calendar_csv") {
    JC_CHECK(need_engine(engine, "jc_engine_load_calendar_csv"));
    std::string_view t;
    JC_CHECK(jc::text(&t, csv, len, "jc_engine_load_calendar_csv", "csv"));
    const absl::Status st = engine->engine->load_calendar_csv(t, now);
    jc::refresh_views(engine);
    return jc::from_status(st, "jc_engine_load_calendar_csv");
  });
}

jc_status jc_engine_org(const jc_org** out, jc_engine* engine) {
  JC_GUARD("jc_engine_org") {
    JC_CHECK(jc::need(out, "jc_engine_org", "out"));
    JC_CHECK(need_engine(engine, "jc_engine_org"));
    *out = &engine->org_view;  // kept current by refresh_views
    return JC_OK;
  });
}

jc_status jc_engine_calendar(const jc_calendar** out, jc_engine* engine) {
  JC_GUARD("jc_engine_calendar") {
    JC_CHECK(jc::need(out, "jc_engine_calendar", "out"));
    JC_CHECK(need_engine(engine, "jc_engine_calendar"));
    *out = &engine->cal_view;
    return JC_OK;
  });
}

jc_status jc_engine_policy_name(char* buf, size_t size, size_t* out_len, jc_engine* engine) {
  JC_GUARD("jc_engine_policy_name") {
    JC_CHECK(need_engine(engine, "jc_engine_policy_name"));
    return jc::out_buffer(buf, size, out_len, engine->engine->policy_name(), "jc_engine_policy_name");
  });
}

jc_status jc_engine_resolve_actor(jc_actor_handle* out, jc_engine* engine, const jc_actor* actor) {
  JC_GUARD("jc_engine_resolve_actor") {
    JC_CHECK(jc::need(out, "jc_engine_resolve_actor", "out"));
    JC_CHECK(need_engine(engine, "jc_engine_resolve_actor"));
    jiceng::Actor a;
    JC_CHECK(jc::actor(&a, actor, "jc_engine_resolve_actor"));
    auto h = engine->engine->resolve_actor(a);
    if (!h.ok()) return jc::from_status(h.status(), "jc_engine_resolve_actor");
    out->id_ref = h->id_ref;
    out->role = static_cast<std::uint32_t>(h->role);
    out->unit_ref = h->unit_ref;
    out->check = handle_check(h->generation, out->id_ref, out->role, out->unit_ref);
    return JC_OK;
  });
}

jc_status jc_submission_init(jc_submission* s, unsigned int version) {
  JC_GUARD("jc_submission_init") {
    JC_CHECK(jc::need(s, "jc_submission_init", "s"));
    if (version != JC_SUBMISSION_VERSION)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_submission_init: unknown version ", version));
    *s = jc_submission JC_SUBMISSION_INIT;
    return JC_OK;
  });
}

jc_status jc_engine_submit(uint64_t* out, jc_engine* engine, const jc_actor* actor, const jc_submission* s,
                           int64_t now) {
  constexpr const char* fn = "jc_engine_submit";
  JC_GUARD(fn) {
    JC_CHECK(jc::need(out, fn, "out"));
    JC_CHECK(need_engine(engine, fn));
    jiceng::Actor a;
    JC_CHECK(jc::actor(&a, actor, fn));
    JC_CHECK(jc::need(s, fn, "submission"));
    if (s->version != JC_SUBMISSION_VERSION)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": unknown submission version ", s->version));
    std::string_view petitioner, name, phone, location, category, body, key;
    JC_CHECK(jc::text(&petitioner, s->petitioner, fn, "submission.petitioner", true));
    JC_CHECK(jc::text(&name, s->contact_name, fn, "submission.contact_name", true));
    JC_CHECK(jc::text(&phone, s->contact_phone, fn, "submission.contact_phone", true));
    JC_CHECK(jc::text(&location, s->location, fn, "submission.location"));
    JC_CHECK(jc::text(&category, s->category, fn, "submission.category"));
    JC_CHECK(jc::text(&body, s->text, fn, "submission.text"));
    JC_CHECK(jc::text(&key, s->idempotency_key, fn, "submission.idempotency_key", true));
    if (s->urgency < 0 || s->urgency > 1)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": urgency ", s->urgency, " is not a jc_urgency"));
    if (s->severity < 0 || s->severity > 2)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": severity ", s->severity, " is not a jc_severity"));
    if (s->channel < 0 || s->channel > 6)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": channel ", s->channel, " is not a jc_channel"));
    jiceng::EventPayload p;
    p.petitioner.assign(petitioner);
    p.contact.name.assign(name);
    p.contact.phone.assign(phone);
    p.location.assign(location);
    p.category.assign(category);
    p.urgency = static_cast<jiceng::Urgency>(s->urgency);
    p.severity = static_cast<jiceng::Severity>(s->severity);
    p.channel = static_cast<jiceng::Channel>(s->channel);
    p.text.assign(body);
    p.idempotency_key.assign(key);
    p.same_matter = s->same_matter != 0;
    p.linked = s->linked;
    auto id = engine->engine->submit(a, p, now);
    if (!id.ok()) return jc::from_status(id.status(), fn);
    *out = *id;
    return JC_OK;
  });
}

#define JC_SIMPLE_COMMAND(name, method)                                                                     \
  jc_status jc_engine_##name(jc_engine* engine, const jc_actor* actor, uint64_t petition, int64_t now) {    \
    JC_GUARD("jc_engine_" #name) {                                                                          \
      return command(engine, actor, "jc_engine_" #name,                                                     \
                     [&](Engine& e, const jiceng::Actor& a) { return e.method(a, petition, now); });        \
    });                                                                                                     \
  }

#define JC_TEXT_COMMAND(name, method, what, optional)                                                       \
  jc_status jc_engine_##name(jc_engine* engine, const jc_actor* actor, uint64_t petition, const char* arg,  \
                             int64_t now) {                                                                 \
    JC_GUARD("jc_engine_" #name) {                                                                          \
      std::string_view t;                                                                                   \
      JC_CHECK(jc::text(&t, arg, "jc_engine_" #name, what, optional));                                      \
      return command(engine, actor, "jc_engine_" #name,                                                     \
                     [&](Engine& e, const jiceng::Actor& a) { return e.method(a, petition, t, now); });     \
    });                                                                                                     \
  }

JC_SIMPLE_COMMAND(accept, accept)
JC_SIMPLE_COMMAND(sign, sign)
JC_SIMPLE_COMMAND(grant_extension, grant_extension)
JC_SIMPLE_COMMAND(support, support)
JC_SIMPLE_COMMAND(withdraw_support, withdraw_support)
JC_TEXT_COMMAND(reject, reject, "reason", false)
JC_TEXT_COMMAND(return, return_petition, "reason", false)
JC_TEXT_COMMAND(escalate, escalate, "reason", true)
JC_TEXT_COMMAND(deny_extension, deny_extension, "reason", false)
JC_TEXT_COMMAND(urge, urge, "note", true)
JC_TEXT_COMMAND(supervise, supervise, "note", true)
JC_TEXT_COMMAND(resolve, resolve, "answer", false)
JC_TEXT_COMMAND(close, close, "reason", true)
JC_TEXT_COMMAND(withdraw, withdraw, "reason", true)

jc_status jc_engine_return_not_ours(jc_engine* engine, const jc_actor* actor, uint64_t petition,
                                    const char* competent_unit, const char* external_body, const char* reason,
                                    int64_t now) {
  constexpr const char* fn = "jc_engine_return_not_ours";
  JC_GUARD(fn) {
    std::string_view unit, body, r;
    JC_CHECK(jc::text(&unit, competent_unit, fn, "competent_unit", true));
    JC_CHECK(jc::text(&body, external_body, fn, "external_body", true));
    JC_CHECK(jc::text(&r, reason, fn, "reason"));
    return command(engine, actor, fn, [&](Engine& e, const jiceng::Actor& a) {
      return e.return_not_ours(a, petition, unit, body, r, now);
    });
  });
}

jc_status jc_engine_merge(jc_engine* engine, const jc_actor* actor, uint64_t petition, uint64_t into, int64_t now) {
  JC_GUARD("jc_engine_merge") {
    return command(engine, actor, "jc_engine_merge",
                   [&](Engine& e, const jiceng::Actor& a) { return e.merge(a, petition, into, now); });
  });
}

jc_status jc_engine_dispatch(jc_engine* engine, const jc_actor* actor, uint64_t petition, const char* unit,
                             int designated, int64_t now) {
  JC_GUARD("jc_engine_dispatch") {
    std::string_view u;
    JC_CHECK(jc::text(&u, unit, "jc_engine_dispatch", "unit", true));
    return command(engine, actor, "jc_engine_dispatch", [&](Engine& e, const jiceng::Actor& a) {
      return e.dispatch(a, petition, u, designated != 0, now);
    });
  });
}

jc_status jc_engine_request_extension(jc_engine* engine, const jc_actor* actor, uint64_t petition,
                                      const char* duration, const char* reason, int64_t now) {
  constexpr const char* fn = "jc_engine_request_extension";
  JC_GUARD(fn) {
    std::string_view d, r;
    JC_CHECK(jc::text(&d, duration, fn, "duration"));
    JC_CHECK(jc::text(&r, reason, fn, "reason", true));
    auto dur = jiceng::parse_duration(d);
    if (!dur.ok()) return jc::from_status(dur.status(), fn);
    return command(engine, actor, fn, [&](Engine& e, const jiceng::Actor& a) {
      return e.request_extension(a, petition, *dur, r, now);
    });
  });
}

jc_status jc_engine_evaluate(jc_engine* engine, const jc_actor* actor, uint64_t petition, int contacted, int solved,
                             int satisfaction, int64_t now) {
  constexpr const char* fn = "jc_engine_evaluate";
  JC_GUARD(fn) {
    if (satisfaction < 0 || satisfaction > 2)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": satisfaction ", satisfaction, " is not a jc_satisfaction"));
    jiceng::Evaluation ev{contacted != 0, solved != 0, static_cast<jiceng::Satisfaction>(satisfaction)};
    return command(engine, actor, fn,
                   [&](Engine& e, const jiceng::Actor& a) { return e.evaluate(a, petition, ev, now); });
  });
}

jc_status jc_engine_reopen(jc_engine* engine, const jc_actor* actor, uint64_t petition, int kind, const char* reason,
                           int64_t now) {
  constexpr const char* fn = "jc_engine_reopen";
  JC_GUARD(fn) {
    if (kind < 0 || kind > 2)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": kind ", kind, " is not a jc_reopen_kind"));
    std::string_view r;
    JC_CHECK(jc::text(&r, reason, fn, "reason"));
    return command(engine, actor, fn, [&](Engine& e, const jiceng::Actor& a) {
      return e.reopen(a, petition, static_cast<jiceng::ReopenKind>(kind), r, now);
    });
  });
}

namespace {
// The commands jc_engine_execute takes: the state machine's commands but submit, and the
// participation commands (附议).
bool payload_free(int event_type) {
  return (event_type > JC_EVENT_SUBMIT && event_type < jiceng::kCommandEventCount) ||
         event_type == JC_EVENT_SUPPORT || event_type == JC_EVENT_WITHDRAW_SUPPORT;
}
}  // namespace

jc_status jc_engine_execute(jc_engine* engine, const jc_actor_handle* actor, int event_type, uint64_t petition,
                            int64_t now) {
  // The hot path: no allocation, no string work on success.
  constexpr const char* fn = "jc_engine_execute";
  JC_GUARD(fn) {
    JC_CHECK(need_engine(engine, fn));
    JC_CHECK(jc::need(actor, fn, "actor"));
    jiceng::ActorHandle h;
    if (!to_handle(&h, *engine->engine, *actor)) return bad_handle(fn);
    if (!payload_free(event_type))
      return jc::fail(JC_INVALID_ARGUMENT,
                      jc::cat(fn, ": event type ", event_type, " is not a payload-free command (1..17, 24, 25)"));
    const absl::Status s = engine->engine->execute(h, static_cast<EventType>(event_type), petition, now);
    if (s.ok()) [[likely]]
      return JC_OK;
    return jc::from_status(s, fn);
  });
}

jc_status jc_engine_execute_many(jc_status* results, jc_engine* engine, const jc_actor_handle* actor, int event_type,
                                 const uint64_t* petitions, size_t count, int64_t now) {
  constexpr const char* fn = "jc_engine_execute_many";
  JC_GUARD(fn) {
    JC_CHECK(need_engine(engine, fn));
    jiceng::ActorHandle h;
    JC_CHECK(actor_handle(&h, engine, actor, fn));
    if (petitions == nullptr && count != 0) return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": petitions is NULL"));
    if (!payload_free(event_type))
      return jc::fail(JC_INVALID_ARGUMENT,
                      jc::cat(fn, ": event type ", event_type, " is not a payload-free command (1..17, 24, 25)"));
    BulkOutcome out{fn, results};
    const auto type = static_cast<EventType>(event_type);
    return run_bulk(engine, out, count, [&] {
      for (size_t i = 0; i < count; ++i) out.record(i, engine->engine->execute(h, type, petitions[i], now));
    });
  });
}

jc_status jc_engine_set_bulk_commit(jc_engine* engine, int mode) {
  JC_GUARD("jc_engine_set_bulk_commit") {
    JC_CHECK(need_engine(engine, "jc_engine_set_bulk_commit"));
    if (mode != JC_BULK_COMMIT_GROUP && mode != JC_BULK_COMMIT_PER_ITEM)
      return jc::fail(JC_INVALID_ARGUMENT,
                      jc::cat("jc_engine_set_bulk_commit: mode ", mode, " is not a jc_bulk_commit"));
    engine->bulk_commit.store(mode, std::memory_order_relaxed);
    return JC_OK;
  });
}

jc_status jc_engine_bulk_commit(int* out, jc_engine* engine) {
  JC_GUARD("jc_engine_bulk_commit") {
    JC_CHECK(jc::need(out, "jc_engine_bulk_commit", "out"));
    JC_CHECK(need_engine(engine, "jc_engine_bulk_commit"));
    *out = engine->bulk_commit.load(std::memory_order_relaxed);
    return JC_OK;
  });
}

jc_status jc_submission_columns_init(jc_submission_columns* c, unsigned int version) {
  JC_GUARD("jc_submission_columns_init") {
    JC_CHECK(jc::need(c, "jc_submission_columns_init", "c"));
    if (version != JC_SUBMISSION_COLUMNS_VERSION)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_submission_columns_init: unknown version ", version));
    *c = jc_submission_columns JC_SUBMISSION_COLUMNS_INIT;
    return JC_OK;
  });
}

jc_status jc_engine_submit_many(uint64_t* ids, jc_status* results, jc_engine* engine, const jc_submission_columns* c,
                                int64_t now) {
  constexpr const char* fn = "jc_engine_submit_many";
  JC_GUARD(fn) {
    JC_CHECK(need_engine(engine, fn));
    JC_CHECK(jc::need(c, fn, "columns"));
    if (c->version != JC_SUBMISSION_COLUMNS_VERSION)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": unknown columns version ", c->version));
    const std::size_t n = c->count;
    if (n == 0) return JC_OK;
    JC_CHECK(jc::need(ids, fn, "ids"));
    JC_CHECK(jc::need(c->actor_ids, fn, "columns.actor_ids"));
    JC_CHECK(jc::need(c->locations, fn, "columns.locations"));
    JC_CHECK(jc::need(c->categories, fn, "columns.categories"));
    JC_CHECK(jc::need(c->texts, fn, "columns.texts"));
    BulkOutcome out{fn, results};
    jiceng::Actor actor;
    jiceng::EventPayload p;
    const jc_status rc = run_bulk(engine, out, n, [&] {
      for (std::size_t i = 0; i < n; ++i) {
        ids[i] = 0;
        const auto opt = [&](const char* const* col) -> const char* { return col == nullptr ? nullptr : col[i]; };
        const int role = c->actor_roles == nullptr ? JC_ROLE_RESIDENT : c->actor_roles[i];
        const int urgency = c->urgencies == nullptr ? 0 : c->urgencies[i];
        const int severity = c->severities == nullptr ? 0 : c->severities[i];
        const int channel = c->channels == nullptr ? 0 : c->channels[i];
        std::string_view id, unit, petitioner, name, phone, location, category, body, key;
        const char* item = nullptr;  // the first bad field, for the message
        if (jc::text_ok(&id, c->actor_ids[i], false) == false) item = "actor_ids";
        else if (!jc::text_ok(&unit, opt(c->actor_units), true)) item = "actor_units";
        else if (!jc::text_ok(&petitioner, opt(c->petitioners), true)) item = "petitioners";
        else if (!jc::text_ok(&name, opt(c->contact_names), true)) item = "contact_names";
        else if (!jc::text_ok(&phone, opt(c->contact_phones), true)) item = "contact_phones";
        else if (!jc::text_ok(&location, c->locations[i], false)) item = "locations";
        else if (!jc::text_ok(&category, c->categories[i], false)) item = "categories";
        else if (!jc::text_ok(&body, c->texts[i], false)) item = "texts";
        else if (!jc::text_ok(&key, opt(c->idempotency_keys), true)) item = "idempotency_keys";
        else if (role < 0 || role >= jiceng::kRoleCount) item = "actor_roles";
        else if (urgency < 0 || urgency > 1) item = "urgencies";
        else if (severity < 0 || severity > 2) item = "severities";
        else if (channel < 0 || channel > 6) item = "channels";
        if (item != nullptr) {
          out.refuse(i, JC_INVALID_ARGUMENT, jc::cat(fn, ": petition ", i, ": columns.", item, "[", i,
                                                     "] is NULL, invalid UTF-8 or out of range"));
          continue;
        }
        actor.id.assign(id);
        actor.role = static_cast<jiceng::Role>(role);
        actor.unit.assign(unit);
        p.petitioner.assign(petitioner.empty() ? id : petitioner);
        p.contact.name.assign(name);
        p.contact.phone.assign(phone);
        p.location.assign(location);
        p.category.assign(category);
        p.text.assign(body);
        p.idempotency_key.assign(key);
        p.urgency = static_cast<jiceng::Urgency>(urgency);
        p.severity = static_cast<jiceng::Severity>(severity);
        p.channel = static_cast<jiceng::Channel>(channel);
        auto r = engine->engine->submit(actor, p, c->times == nullptr ? now : c->times[i]);
        if (r.ok()) [[likely]] {
          ids[i] = *r;
          out.record(i, JC_OK);
        } else {
          out.record(i, r.status());
        }
      }
    });
    if (out.rolled_back) std::fill(ids, ids + n, std::uint64_t{0});
    return rc;
  });
}

jc_status jc_engine_execute_text_many(jc_status* results, jc_engine* engine, const jc_actor_handle* actor,
                                      int event_type, const uint64_t* petitions, const char* const* texts,
                                      size_t count, int64_t now) {
  constexpr const char* fn = "jc_engine_execute_text_many";
  JC_GUARD(fn) {
    JC_CHECK(need_engine(engine, fn));
    jiceng::ActorHandle h;
    JC_CHECK(actor_handle(&h, engine, actor, fn));
    switch (event_type) {
      case JC_EVENT_RESOLVE: case JC_EVENT_REJECT: case JC_EVENT_RETURN: case JC_EVENT_DENY_EXTENSION:
      case JC_EVENT_ESCALATE: case JC_EVENT_CLOSE: case JC_EVENT_WITHDRAW: case JC_EVENT_URGE:
      case JC_EVENT_SUPERVISE:
        break;
      default:
        return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": event type ", event_type,
                                                     " is not a command with one text (resolve, reject, return, "
                                                     "deny_extension, escalate, close, withdraw, urge, supervise)"));
    }
    if (petitions == nullptr && count != 0) return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": petitions is NULL"));
    BulkOutcome out{fn, results};
    jiceng::EventPayload p;
    const auto type = static_cast<EventType>(event_type);
    return run_bulk(engine, out, count, [&] {
      for (std::size_t i = 0; i < count; ++i) {
        std::string_view t;
        if (!jc::text_ok(&t, texts == nullptr ? nullptr : texts[i], true)) {
          out.refuse(i, JC_INVALID_ARGUMENT, jc::cat(fn, ": texts[", i, "] is not valid UTF-8"));
          continue;
        }
        p.reason.assign(t);
        auto r = engine->engine->execute(h, type, petitions[i], p, now);
        out.record(i, r.ok() ? absl::OkStatus() : r.status());
      }
    });
  });
}

jc_status jc_engine_evaluate_many(jc_status* results, jc_engine* engine, const jc_actor_handle* actor,
                                  const uint64_t* petitions, const jc_evaluation* evaluations, size_t count,
                                  int64_t now) {
  constexpr const char* fn = "jc_engine_evaluate_many";
  JC_GUARD(fn) {
    JC_CHECK(need_engine(engine, fn));
    jiceng::ActorHandle h;
    JC_CHECK(actor_handle(&h, engine, actor, fn));
    if (count != 0 && (petitions == nullptr || evaluations == nullptr))
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": ", petitions == nullptr ? "petitions" : "evaluations",
                                                   " is NULL"));
    BulkOutcome out{fn, results};
    jiceng::EventPayload p;
    return run_bulk(engine, out, count, [&] {
      for (std::size_t i = 0; i < count; ++i) {
        const jc_evaluation& ev = evaluations[i];
        if (ev.satisfaction < 0 || ev.satisfaction > 2) {
          out.refuse(i, JC_INVALID_ARGUMENT, jc::cat(fn, ": evaluations[", i, "].satisfaction ", ev.satisfaction,
                                                     " is not a jc_satisfaction"));
          continue;
        }
        p.evaluation = jiceng::Evaluation{ev.contacted != 0, ev.solved != 0,
                                          static_cast<jiceng::Satisfaction>(ev.satisfaction)};
        auto r = engine->engine->execute(h, EventType::kEvaluate, petitions[i], p, now);
        out.record(i, r.ok() ? absl::OkStatus() : r.status());
      }
    });
  });
}

jc_status jc_engine_tick(jc_tick_report* out, jc_engine* engine, int64_t now) {
  JC_GUARD("jc_engine_tick") {
    JC_CHECK(need_engine(engine, "jc_engine_tick"));
    auto r = engine->engine->tick(now);
    if (!r.ok()) return jc::from_status(r.status(), "jc_engine_tick");
    if (out != nullptr) *out = jc_tick_report{r->examined, r->urged, r->overdue, r->escalated, r->closed, r->events};
    return JC_OK;
  });
}

jc_status jc_engine_batch(jc_engine* engine, jc_batch_fn fn, void* user_data) {
  JC_GUARD("jc_engine_batch") { return c_batch(engine, fn, user_data, 0, "jc_engine_batch"); });
}

jc_status jc_engine_run(jc_engine* engine, jc_batch_fn fn, void* user_data, int max_tries) {
  JC_GUARD("jc_engine_run") {
    if (max_tries < 1 || max_tries > 1000)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_engine_run: max_tries ", max_tries, " is not in 1..1000"));
    return c_batch(engine, fn, user_data, max_tries, "jc_engine_run");
  });
}

JC_HOT jc_status jc_engine_state(int* out, jc_engine* engine, uint64_t petition) {
  if (out == nullptr || engine == nullptr || engine->engine == nullptr) [[unlikely]]
    return scalar_query_error(out, engine, "jc_engine_state");
  JC_GUARD("jc_engine_state") {
    auto v = engine->engine->state(petition);
    if (!v.ok()) [[unlikely]]
      return jc::from_status(v.status(), "jc_engine_state");
    *out = static_cast<int>(*v);
    return JC_OK;
  });
}

JC_HOT jc_status jc_engine_deadline(int64_t* out, jc_engine* engine, uint64_t petition) {
  if (out == nullptr || engine == nullptr || engine->engine == nullptr) [[unlikely]]
    return scalar_query_error(out, engine, "jc_engine_deadline");
  JC_GUARD("jc_engine_deadline") {
    auto v = engine->engine->deadline(petition);
    if (!v.ok()) [[unlikely]]
      return jc::from_status(v.status(), "jc_engine_deadline");
    *out = *v;
    return JC_OK;
  });
}

jc_status jc_engine_current_unit(char* buf, size_t size, size_t* out_len, jc_engine* engine, uint64_t petition) {
  JC_GUARD("jc_engine_current_unit") {
    JC_CHECK(need_engine(engine, "jc_engine_current_unit"));
    auto v = engine->engine->get(petition);
    if (!v.ok()) return jc::from_status(v.status(), "jc_engine_current_unit");
    return jc::out_buffer(buf, size, out_len, v->current_unit, "jc_engine_current_unit");
  });
}

jc_status jc_engine_petition_json(char** out, jc_engine* engine, uint64_t petition, int raw_contact) {
  JC_GUARD("jc_engine_petition_json") {
    JC_CHECK(jc::need(out, "jc_engine_petition_json", "out"));
    JC_CHECK(need_engine(engine, "jc_engine_petition_json"));
    jiceng::QueryOptions q;
    q.raw_contact = raw_contact != 0;
    auto v = engine->engine->get(petition, q);
    if (!v.ok()) return jc::from_status(v.status(), "jc_engine_petition_json");
    return jc::out_string(out, jiceng::petition_json(*v), "jc_engine_petition_json");
  });
}

jc_status jc_engine_history_json(char** out, jc_engine* engine, uint64_t petition, int raw_contact) {
  JC_GUARD("jc_engine_history_json") {
    JC_CHECK(jc::need(out, "jc_engine_history_json", "out"));
    JC_CHECK(need_engine(engine, "jc_engine_history_json"));
    auto h = engine->engine->history(petition);
    if (!h.ok()) return jc::from_status(h.status(), "jc_engine_history_json");
    return jc::out_string(out, jiceng::events_json(*h, raw_contact != 0), "jc_engine_history_json");
  });
}

jc_status jc_engine_response_text(char** out, jc_engine* engine, uint64_t petition) {
  JC_GUARD("jc_engine_response_text") {
    JC_CHECK(jc::need(out, "jc_engine_response_text", "out"));
    JC_CHECK(need_engine(engine, "jc_engine_response_text"));
    auto text = engine->engine->response_text(petition);
    if (!text.ok()) return jc::from_status(text.status(), "jc_engine_response_text");
    return jc::out_string(out, *text, "jc_engine_response_text");
  });
}

jc_status jc_engine_route_party_json(char** out, jc_engine* engine, const char* category, const char* location) {
  JC_GUARD("jc_engine_route_party_json") {
    constexpr const char* fn = "jc_engine_route_party_json";
    JC_CHECK(jc::need(out, fn, "out"));
    JC_CHECK(need_engine(engine, fn));
    std::string_view cat, loc;
    JC_CHECK(jc::text(&cat, category, fn, "category"));
    JC_CHECK(jc::text(&loc, location, fn, "location"));
    auto r = engine->engine->route_party(cat, loc);
    if (!r.ok()) return jc::from_status(r.status(), fn);
    boost::json::object o{{"party", jiceng::to_string(r->party)},
                          {"party_zh", jiceng::chinese_name(r->party)},
                          {"listed", jiceng::to_string(r->listed)},
                          {"fallback", r->fallback},
                          {"reason", r->reason},
                          {"compound", r->compound},
                          {"unit", r->unit},
                          {"unit_name", r->unit_name}};
    return jc::out_string(out, boost::json::serialize(o), fn);
  });
}

jc_status jc_engine_find_by_key(uint64_t* out, jc_engine* engine, const char* key) {
  JC_GUARD("jc_engine_find_by_key") {
    JC_CHECK(jc::need(out, "jc_engine_find_by_key", "out"));
    JC_CHECK(need_engine(engine, "jc_engine_find_by_key"));
    std::string_view k;
    JC_CHECK(jc::text(&k, key, "jc_engine_find_by_key", "key"));
    auto id = engine->engine->find_by_key(k);
    if (!id) return jc::fail(JC_NOT_FOUND, jc::cat("jc_engine_find_by_key: no petition with key \"", k, "\""));
    *out = *id;
    return JC_OK;
  });
}

jc_status jc_engine_by_state(uint64_t* buf, size_t capacity, size_t* out_count, jc_engine* engine, int state) {
  JC_GUARD("jc_engine_by_state") {
    JC_CHECK(need_engine(engine, "jc_engine_by_state"));
    JC_CHECK(need_state(state, "jc_engine_by_state"));
    return write_ids(buf, capacity, out_count, engine->engine->by_state(static_cast<jiceng::State>(state)),
                     "jc_engine_by_state");
  });
}

jc_status jc_engine_by_unit(uint64_t* buf, size_t capacity, size_t* out_count, jc_engine* engine, const char* unit) {
  JC_GUARD("jc_engine_by_unit") {
    JC_CHECK(need_engine(engine, "jc_engine_by_unit"));
    std::string_view u;
    JC_CHECK(jc::text(&u, unit, "jc_engine_by_unit", "unit"));
    auto ids = engine->engine->by_unit_subtree(u);
    if (!ids.ok()) return jc::from_status(ids.status(), "jc_engine_by_unit");
    return write_ids(buf, capacity, out_count, *ids, "jc_engine_by_unit");
  });
}

jc_status jc_engine_needs_list(uint64_t* buf, size_t capacity, size_t* out_count, jc_engine* engine,
                               const char* unit) {
  constexpr const char* fn = "jc_engine_needs_list";
  JC_GUARD(fn) {
    JC_CHECK(need_engine(engine, fn));
    std::string_view u;
    if (unit != nullptr) JC_CHECK(jc::text(&u, unit, fn, "unit"));
    auto ids = engine->engine->needs_list(u);
    if (!ids.ok()) return jc::from_status(ids.status(), fn);
    return write_ids(buf, capacity, out_count, *ids, fn);
  });
}

jc_status jc_engine_duplicates(uint64_t* buf, size_t capacity, size_t* out_count, jc_engine* engine,
                               uint64_t petition) {
  constexpr const char* fn = "jc_engine_duplicates";
  JC_GUARD(fn) {
    JC_CHECK(need_engine(engine, fn));
    auto ids = engine->engine->duplicates(petition);
    if (!ids.ok()) return jc::from_status(ids.status(), fn);
    return write_ids(buf, capacity, out_count, *ids, fn);
  });
}

jc_status jc_engine_overdue(uint64_t* buf, size_t capacity, size_t* out_count, jc_engine* engine, int64_t now) {
  JC_GUARD("jc_engine_overdue") {
    JC_CHECK(need_engine(engine, "jc_engine_overdue"));
    return write_ids(buf, capacity, out_count, engine->engine->overdue(now), "jc_engine_overdue");
  });
}

jc_status jc_engine_due_within(uint64_t* buf, size_t capacity, size_t* out_count, jc_engine* engine, int64_t now,
                               int workdays) {
  JC_GUARD("jc_engine_due_within") {
    JC_CHECK(need_engine(engine, "jc_engine_due_within"));
    auto ids = engine->engine->due_within(now, workdays);
    if (!ids.ok()) return jc::from_status(ids.status(), "jc_engine_due_within");
    return write_ids(buf, capacity, out_count, *ids, "jc_engine_due_within");
  });
}

jc_status jc_engine_stats_json(char** out, jc_engine* engine) {
  JC_GUARD("jc_engine_stats_json") {
    JC_CHECK(jc::need(out, "jc_engine_stats_json", "out"));
    JC_CHECK(need_engine(engine, "jc_engine_stats_json"));
    const jiceng::EngineStats s = engine->engine->stats();
    boost::json::object per;
    for (int i = 0; i < jiceng::kStateCount; ++i)
      per[jiceng::to_string(static_cast<jiceng::State>(i))] = s.per_state[static_cast<std::size_t>(i)];
    boost::json::object o{{"petitions", s.petitions}, {"open", s.open}, {"events", s.events}};
    o["per_state"] = std::move(per);
    o["units"] = engine->engine->unit_count();
    o["policy"] = engine->engine->policy_name();
    return jc::out_string(out, boost::json::serialize(o), "jc_engine_stats_json");
  });
}

jc_status jc_engine_last_seq(uint64_t* out, jc_engine* engine) {
  JC_GUARD("jc_engine_last_seq") {
    JC_CHECK(jc::need(out, "jc_engine_last_seq", "out"));
    JC_CHECK(need_engine(engine, "jc_engine_last_seq"));
    *out = engine->engine->last_seq();
    return JC_OK;
  });
}

jc_status jc_engine_snapshot(char** out, size_t* out_len, jc_engine* engine) {
  JC_GUARD("jc_engine_snapshot") {
    JC_CHECK(jc::need(out, "jc_engine_snapshot", "out"));
    JC_CHECK(jc::need(out_len, "jc_engine_snapshot", "out_len"));
    JC_CHECK(need_engine(engine, "jc_engine_snapshot"));
    return jc::out_string(out, engine->engine->snapshot(), "jc_engine_snapshot", out_len);
  });
}

jc_status jc_engine_restore(jc_engine* engine, const char* bytes, size_t len) {
  JC_GUARD("jc_engine_restore") {
    JC_CHECK(need_engine(engine, "jc_engine_restore"));
    if (bytes == nullptr) return jc::fail(JC_INVALID_ARGUMENT, "jc_engine_restore: bytes is NULL");
    if (len == JC_NUL_TERMINATED) return jc::fail(JC_INVALID_ARGUMENT, "jc_engine_restore: snapshot bytes need a length");
    if (engine->durable != nullptr)
      return jc::fail(JC_FAILED_PRECONDITION,
                      "jc_engine_restore: this engine writes a journal; a restore would bypass it");
    const absl::Status st = engine->engine->restore(std::string_view(bytes, len));
    jc::refresh_views(engine);
    JC_CHECK(jc::from_status(st, "jc_engine_restore"));
    // The KPI index needs no reset here: the restore is a rewind of the engine's history
    // (Engine::history_epoch), so the index rebuilds itself on its next use.
    return JC_OK;
  });
}

jc_status jc_engine_digest(char* buf, size_t size, size_t* out_len, jc_engine* engine) {
  JC_GUARD("jc_engine_digest") {
    JC_CHECK(need_engine(engine, "jc_engine_digest"));
    return jc::out_buffer(buf, size, out_len, jiceng::sha256_hex(engine->engine->snapshot()), "jc_engine_digest");
  });
}

jc_status jc_sha256_hex(char* buf, size_t size, size_t* out_len, const char* bytes, size_t len) {
  JC_GUARD("jc_sha256_hex") {
    if (bytes == nullptr && len != 0) return jc::fail(JC_INVALID_ARGUMENT, "jc_sha256_hex: bytes is NULL");
    if (len == JC_NUL_TERMINATED) len = std::strlen(bytes);
    return jc::out_buffer(buf, size, out_len, jiceng::sha256_hex(std::string_view(bytes == nullptr ? "" : bytes, len)),
                          "jc_sha256_hex");
  });
}

}  // extern "C"
