/* jiceng.h compiles as C99 on its own, with every warning on (-Wall -Wextra -Wpedantic -Werror). */
#include "jiceng.h"

int jiceng_header_c99_check(void);
int jiceng_header_c99_check(void) {
  jc_engine_options eo = JC_ENGINE_OPTIONS_INIT;
  jc_submission s = JC_SUBMISSION_INIT;
  jc_coverage_options co = JC_COVERAGE_OPTIONS_INIT;
  jc_journal_options jo = JC_JOURNAL_OPTIONS_INIT;
  jc_city_options city = JC_CITY_OPTIONS_INIT;
  jc_date d = {2024, 10, 1};
  (void)d;
  return (int)(eo.version + s.version + co.version + jo.version + city.version) + JC_OK;
}
