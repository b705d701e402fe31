/* examples/c/quickstart.c — the C quick start (docs/getting-started-c.md): an engine on the
 * sample district, one resident petition, its state and deadline. */
#include <stdio.h>

#include "jiceng.h"

int main(void) {
  jc_engine *engine = NULL;
  jc_engine_options opts = JC_ENGINE_OPTIONS_INIT;
  jc_submission sub = JC_SUBMISSION_INIT;
  jc_actor resident = {"R-1", JC_ROLE_RESIDENT, NULL};
  uint64_t id = 0;
  int64_t due = 0;
  const int64_t now = 1736125200; /* 2025-01-06 09:00 China time, as Unix seconds */
  sub.petitioner = "R-1";
  sub.location = "H-G01B01-0101"; /* a household of the sample district */
  sub.category = "noise";
  sub.text = "Square dancing below, every night";
  if (jc_engine_open(&engine, &opts) != JC_OK || jc_engine_load_sample_org(engine, now) != JC_OK ||
      jc_engine_submit(&id, engine, &resident, &sub, now) != JC_OK || jc_engine_deadline(&due, engine, id) != JC_OK) {
    fprintf(stderr, "jiceng: %s\n", jc_last_error());
    jc_engine_free(engine);
    return 1;
  }
  printf("jiceng %s: petition %llu submitted, due at %lld\n", jc_version(), (unsigned long long)id, (long long)due);
  jc_engine_free(engine);
  return 0;
}
