// capi/engine_handle.hpp — the jc_engine handle: the C++ Engine, its optional journal
// (事件日志) and KPI index, and the borrowed org / calendar views handed to C callers.
// Included by the translation units that see engine.hpp (never with org.hpp).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "capi/internal.hpp"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "jiceng/kpi.hpp"

struct jc_engine {
  // Destroyed in reverse order: the KPI index (which reads the engine) first.
  std::unique_ptr<jiceng::DurableEngine> durable;  // set when opened on a journal
  std::unique_ptr<jiceng::Engine> owned;           // set for an in-memory engine
  jiceng::Engine* engine = nullptr;                // the one in use
  jc_org org_view;
  jc_calendar cal_view;
  // jc_bulk_commit of the bulk calls (jc_engine_set_bulk_commit); read once per call.
  std::atomic<int> bulk_commit{JC_BULK_COMMIT_GROUP};
  // Guards `kpi`. Lock order (engine.hpp): taken only inside Engine::read (or the
  // calling thread's batch), i.e. after the engine's lock, never before it.
  std::mutex kpi_mu;
  std::unique_ptr<jiceng::KpiIndex> kpi;
  // A tailing thread (jc_engine_start_tailing) re-points the views above: stop it first.
  ~jc_engine() {
    if (durable != nullptr) (void)durable->stop_tailing();
  }
};

namespace jc {

/// INVALID_ARGUMENT naming `fn` when the engine handle is NULL or not open.
jc_status need_engine(const jc_engine* e, const char* fn);
/// Converts a jc_actor, checking every field (id, unit, role), naming `fn`.
jc_status actor(jiceng::Actor* out, const jc_actor* a, const char* fn);
/// Points the borrowed org / calendar views at the engine's current graph and calendar
/// and caches the unit count; called after every call that can replace or change them
/// (open, configuration, restore, batches), so a view handle stays usable. Reads the
/// engine under its reader lock (or inside the calling thread's batch) and writes a view
/// field only when it changed, under one process-wide mutex (a few compares; a member
/// would change the handle's size and so where the heap puts it): the calls that keep
/// the graph — almost every batch — write nothing that other threads' calls and view
/// readers share.
/// (Writing the same values after every batch was still a data race: ThreadSanitizer
/// reported two threads' concurrent jc_engine_batch calls.)
void refresh_views(jc_engine* e);

/// The bundled sample district JSON (capi/org.cpp).
std::string_view sample_org_json();
}  // namespace jc
