// capi/whatif.cpp — policy what-if replay (政策推演) through the C ABI: the comparison's JSON.
#include "capi/internal.hpp"
#include "jiceng/kpi.hpp"
#include "jiceng/whatif.hpp"

extern "C" {

jc_status jc_whatif_run(char** out, const char* journal_path, const char* policy, const char* from, const char* to) {
  JC_GUARD("jc_whatif_run") {
    JC_CHECK(jc::need(out, "jc_whatif_run", "out"));
    std::string_view j, p, f, t;
    JC_CHECK(jc::text(&j, journal_path, "jc_whatif_run", "journal_path"));
    JC_CHECK(jc::text(&p, policy, "jc_whatif_run", "policy"));
    JC_CHECK(jc::text(&f, from, "jc_whatif_run", "from", true));
    JC_CHECK(jc::text(&t, to, "jc_whatif_run", "to", true));
    auto period = jiceng::parse_kpi_period(f, t);
    if (!period.ok()) return jc::from_status(period.status(), "jc_whatif_run");
    jiceng::WhatIfOptions o;
    o.policy = std::string(p);
    o.period = *period;
    auto r = jiceng::run_whatif(std::string(j), o);
    if (!r.ok()) return jc::from_status(r.status(), "jc_whatif_run");
    return jc::out_string(out, r->json, "jc_whatif_run");
  });
}

}  // extern "C"
