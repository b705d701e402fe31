// capi/kpi.cpp — KPIs (考核指标) through the C ABI, served by a KpiIndex the engine
// handle keeps and brings up to date on each call, inside the engine's lock order.
#include <optional>

#include "capi/engine_handle.hpp"
#include "capi/internal.hpp"
#include "jiceng/kpi.hpp"

extern "C" {

jc_status jc_kpi_query_init(jc_kpi_query* q, unsigned int version) {
  JC_GUARD("jc_kpi_query_init") {
    JC_CHECK(jc::need(q, "jc_kpi_query_init", "q"));
    if (version != JC_KPI_QUERY_VERSION)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_kpi_query_init: unknown version ", version));
    *q = jc_kpi_query JC_KPI_QUERY_INIT;
    return JC_OK;
  });
}

jc_status jc_engine_kpi_json(char** out, jc_engine* engine, const jc_kpi_query* query) {
  constexpr const char* fn = "jc_engine_kpi_json";
  JC_GUARD(fn) {
    JC_CHECK(jc::need(out, fn, "out"));
    if (engine == nullptr || engine->engine == nullptr) return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": engine is NULL"));
    JC_CHECK(jc::need(query, fn, "query"));
    if (query->version != JC_KPI_QUERY_VERSION)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": unknown query version ", query->version));
    std::string_view unit, from, to, weights;
    JC_CHECK(jc::text(&unit, query->unit, fn, "unit", true));
    JC_CHECK(jc::text(&from, query->from_date, fn, "from_date", true));
    JC_CHECK(jc::text(&to, query->to_date, fn, "to_date", true));
    JC_CHECK(jc::text(&weights, query->weights_json, fn, "weights_json", true));
    if (query->ranking_level < -1 || query->ranking_level > 5)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": ranking_level ", query->ranking_level, " is not in -1..5"));
    auto period = jiceng::parse_kpi_period(from, to);
    if (!period.ok()) return jc::from_status(period.status(), fn);
    jiceng::KpiOptions options;
    options.include_units_beside_tree = query->include_units_beside_tree != 0;
    if (query->weights_json != nullptr) {
      auto w = jiceng::KpiWeights::from_json(weights);
      if (!w.ok()) return jc::from_status(w.status(), fn);
      options.weights = *w;
    }
    // The lock order (engine.hpp): the engine's lock, then kpi_mu. Each pass is one
    // Engine::read section (inside jc_engine_batch on this thread, the batch's lock) in
    // which the index catches up by at most kChunk events — a rewound history (rolled-back
    // batch or tick, restore) makes it rebuild — and, once caught up, answers from the
    // same state. Between passes writers get the lock, so a long backlog does not hold
    // commands up.
    constexpr std::size_t kChunk = std::size_t{1} << 16;
    std::optional<jiceng::KpiReport> report;
    std::optional<jiceng::KpiBundle> bundle;
    for (bool answered = false; !answered;) {
      const absl::Status st = engine->engine->read([&]() -> absl::Status {
        std::lock_guard<std::mutex> lock(engine->kpi_mu);
        if (engine->kpi == nullptr) engine->kpi = std::make_unique<jiceng::KpiIndex>(*engine->engine);
        JICENG_RETURN_IF_ERROR(engine->kpi->update(kChunk));
        if (engine->kpi->last_seq() < engine->engine->last_seq()) return absl::OkStatus();  // another pass
        answered = true;
        if (query->bundle == 0) {
          JICENG_ASSIGN_OR_RETURN(report, engine->kpi->rollup(unit, *period, options));
        } else {
          JICENG_ASSIGN_OR_RETURN(bundle, jiceng::build_kpi_bundle(*engine->kpi, unit, query->ranking_level, *period, options));
        }
        return absl::OkStatus();
      });
      JC_CHECK(jc::from_status(st, fn));
    }
    if (report) return jc::out_string(out, jiceng::kpi_report_json(*report), fn);
    return jc::out_string(out, jiceng::kpi_bundle_json(*bundle), fn);
  });
}

}  // extern "C"
