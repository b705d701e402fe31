// libFuzzer target: the organization import (jc_org_load_json, JSON and JSON Lines) and
// the queries on whatever loaded. The input must never crash or leak; a rejected load
// must leave the graph as it was (checked through its export).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "jiceng.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  jc_org* org = nullptr;
  if (jc_org_new(&org) != JC_OK) std::abort();
  char* before = nullptr;
  if (jc_org_export_json_raw(&before, org) != JC_OK) std::abort();
  const jc_status s = jc_org_load_json(org, reinterpret_cast<const char*>(data), size, "fuzz.json");
  char* after = nullptr;
  if (jc_org_export_json_raw(&after, org) != JC_OK) std::abort();
  if (s != JC_OK) {
    if (std::strcmp(before, after) != 0) std::abort();  // a failed load changed the graph
    if (jc_last_error()[0] == '\0') std::abort();        // an error without a message
  } else {
    size_t n = 0;
    if (jc_org_unit_count(&n, org) != JC_OK) std::abort();
    uint32_t chain[8];
    for (uint32_t u = 0; u < n && u < 64; ++u) {
      size_t len = 0;
      (void)jc_org_ancestors(chain, 8, &len, org, u);
      uint32_t lca = 0;
      (void)jc_org_lca(&lca, org, u, static_cast<uint32_t>(n - 1));
      char* js = nullptr;
      if (jc_org_unit_json(&js, org, u) == JC_OK) jc_string_free(js);
    }
    char* cov = nullptr;
    if (jc_org_coverage_json(&cov, org, nullptr) == JC_OK) jc_string_free(cov);
    // The export loads back into an empty graph.
    jc_org* again = nullptr;
    if (jc_org_new(&again) != JC_OK) std::abort();
    if (jc_org_load_json(again, after, JC_NUL_TERMINATED, "export.json") != JC_OK) std::abort();
    jc_org_free(again);
  }
  jc_string_free(before);
  jc_string_free(after);
  jc_org_free(org);
  return 0;
}
