// capi/kpi.cpp — KPIs (考核指标) through the C ABI, served by a KpiIndex the engine
// handle keeps and brings up to date on each call.
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
    std::lock_guard<std::mutex> lock(engine->kpi_mu);
    if (engine->kpi == nullptr) engine->kpi = std::make_unique<jiceng::KpiIndex>(*engine->engine);
    JC_CHECK(jc::from_status(engine->kpi->update(), fn));
    if (query->bundle == 0) {
      auto r = engine->kpi->rollup(unit, *period, options);
      if (!r.ok()) return jc::from_status(r.status(), fn);
      return jc::out_string(out, jiceng::kpi_report_json(*r), fn);
    }
    auto b = jiceng::build_kpi_bundle(*engine->kpi, unit, query->ranking_level, *period, options);
    if (!b.ok()) return jc::from_status(b.status(), fn);
    return jc::out_string(out, jiceng::kpi_bundle_json(*b), fn);
  });
}

}  // extern "C"
