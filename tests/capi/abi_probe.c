/* abi_probe.c — a tiny library over jiceng.h for check_abi_selftest.sh: built once as the
 * baseline and again with one deliberate change (JC_PROBE_* macros, and a header copy),
 * to prove that check_abi.sh fails on breaks and passes additions. */
#include "jiceng.h"
#ifndef JC_PROBE_N
#define JC_PROBE_N int
#endif
jc_status jc_calendar_add_workdays_day(jc_day *out, const jc_calendar *cal, jc_day day, JC_PROBE_N n) {
  (void)cal;
  *out = day + (jc_day)n;
  return JC_OK;
}
#ifndef JC_PROBE_REMOVED
jc_status jc_day_to_date(jc_date *out, jc_day day) {
  out->year = 1970 + day / 365;
  out->month = 1;
  out->day = 1;
  return JC_OK;
}
#endif
#ifdef JC_PROBE_EXTRA
JC_API jc_status jc_probe_added(int *out);
jc_status jc_probe_added(int *out) { *out = 1; return JC_OK; }
#endif
#ifdef JC_PROBE_HANDLE_V2
struct jc_calendar { long a; int b; };
#else
struct jc_calendar { int a; };
#endif
int jc_probe_handle_size(const jc_calendar *c);
int jc_probe_handle_size(const jc_calendar *c) { return (int)sizeof *c + (c ? 1 : 0); }
