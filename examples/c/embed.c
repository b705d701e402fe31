/* examples/c/embed.c — embedding jiceng from plain C99: open an engine on the sample
 * district, take one petition around the closed loop (提交→受理→派单→签收→办结→评价),
 * ask the org graph and the calendar, and show how errors come back.
 * Built with -std=c99 -pedantic and run by ctest (example_c_embed). */
#include <stdio.h>
#include <stdlib.h>

#include "jiceng.h"

#define CHECK(call)                                                              \
  do {                                                                           \
    jc_status rc_ = (call);                                                      \
    if (rc_ != JC_OK) {                                                          \
      fprintf(stderr, "%s failed: %s: %s\n", #call, jc_status_name(rc_), jc_last_error()); \
      return 1;                                                                  \
    }                                                                            \
  } while (0)

int main(void) {
  const int64_t mon = 1736125200; /* 2025-01-06 09:00 CST */
  jc_engine *engine = NULL;
  jc_engine_options opts = JC_ENGINE_OPTIONS_INIT;
  jc_actor resident = {"R-1", JC_ROLE_RESIDENT, NULL};
  jc_actor officer = {"S-1", JC_ROLE_STREET_OFFICER, "320506001"};
  jc_actor secretary = {"C-1", JC_ROLE_COMMUNITY_SECRETARY, "320506001001"};
  jc_actor staff = {"C-2", JC_ROLE_COMMUNITY_STAFF, "320506001001"};
  jc_submission sub = JC_SUBMISSION_INIT;
  jc_actor_handle staff_h;
  uint64_t id = 0;
  int state = -1;
  char unit[64];
  size_t len = 0;
  char *history = NULL;
  const jc_org *org = NULL;
  const jc_calendar *cal = NULL;
  uint32_t building = 0, chain[8];
  size_t depth = 0, i;
  jc_date day;
  jc_status rc;

  if (jc_abi_version() != JC_ABI_VERSION) {
    fprintf(stderr, "library ABI %u, header ABI %d\n", jc_abi_version(), JC_ABI_VERSION);
    return 1;
  }
  opts.policy = "suzhou-sip";
  CHECK(jc_engine_open(&engine, &opts));
  CHECK(jc_engine_load_sample_org(engine, mon - 86400));

  sub.petitioner = "R-1";
  sub.contact_name = "张三丰";
  sub.contact_phone = "13812345678";
  sub.location = "H-G01B01-0101";
  sub.category = "noise";
  sub.text = "楼下广场舞噪音扰民";
  sub.channel = JC_CHANNEL_MINI_PROGRAM;
  CHECK(jc_engine_submit(&id, engine, &resident, &sub, mon));
  CHECK(jc_engine_accept(engine, &officer, id, mon + 3600));
  CHECK(jc_engine_dispatch(engine, &secretary, id, NULL, 0, mon + 7200));
  CHECK(jc_engine_resolve_actor(&staff_h, engine, &staff));
  CHECK(jc_engine_execute(engine, &staff_h, JC_EVENT_SIGN, id, mon + 10800)); /* the hot path */
  CHECK(jc_engine_resolve(engine, &staff, id, "已协调广场舞团队调整时间", mon + 14400));
  CHECK(jc_engine_evaluate(engine, &resident, id, 1, 1, JC_SATISFIED, mon + 18000));
  CHECK(jc_engine_state(&state, engine, id));
  CHECK(jc_engine_current_unit(unit, sizeof unit, &len, engine, id));
  printf("petition %llu: state %d (closed = %d), handled by %s\n", (unsigned long long)id, state,
         JC_STATE_CLOSED, unit);
  if (state != JC_STATE_CLOSED) return 1;
  CHECK(jc_engine_history_json(&history, engine, id, 0));
  printf("history: %.120s...\n", history);
  jc_string_free(history);

  /* A refused command: an error code and the reason, nothing changed. */
  rc = jc_engine_sign(engine, &staff, id, mon + 20000);
  printf("sign a closed petition: %s: %s\n", jc_status_name(rc), jc_last_error());
  if (rc != JC_FAILED_PRECONDITION) return 1;

  /* The chain of command of a building, into a caller buffer. */
  CHECK(jc_engine_org(&org, engine));
  CHECK(jc_org_find(&building, org, "320506001001G01B01"));
  CHECK(jc_org_ancestors(chain, 8, &depth, org, building));
  printf("chain of command:");
  for (i = 0; i < depth; ++i) {
    CHECK(jc_org_unit_id(unit, sizeof unit, &len, org, chain[i]));
    printf(" %s", unit);
  }
  printf("\n");
  if (depth != 5) return 1;

  /* One working day after the last day before the National Day holiday. */
  CHECK(jc_engine_calendar(&cal, engine));
  {
    jc_date before = {2024, 9, 30};
    char text[11];
    CHECK(jc_calendar_add_workdays(&day, cal, before, 1));
    CHECK(jc_date_format(text, sizeof text, &len, day));
    printf("2024-09-30 + 1 working day = %s\n", text);
    if (day.month != 10 || day.day != 8) return 1;
  }
  jc_engine_free(engine);
  return 0;
}
