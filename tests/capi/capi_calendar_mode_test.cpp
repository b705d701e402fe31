// The calendar's modes and the provisional rule through the C ABI: marked answers past the
// official table, strict refusals, the coverage warning, and the engine's journaled mode.
#include <gtest/gtest.h>

#include <string>

#include "capi_test_support.hpp"
#include "jiceng.h"

namespace capi_test {
namespace {

TEST(CapiCalendarMode, ProvisionalAnswersAreMarked) {
  jc_calendar* cal = nullptr;
  ASSERT_OK(jc_calendar_china(&cal));
  int mode = -1;
  ASSERT_OK(jc_calendar_get_mode(&mode, cal));
  EXPECT_EQ(mode, JC_CALENDAR_PROVISIONAL);
  int prov = -1, work = -1;
  ASSERT_OK(jc_calendar_is_provisional(&prov, cal, jc_date{2027, 2, 9}));
  EXPECT_EQ(prov, 1);
  ASSERT_OK(jc_calendar_is_workday(&work, cal, jc_date{2027, 2, 9}));
  EXPECT_EQ(work, 0) << "the make-up day of Spring Festival 2027";
  ASSERT_OK(jc_calendar_is_provisional(&prov, cal, jc_date{2026, 2, 16}));
  EXPECT_EQ(prov, 0);
  jc_date out{};
  ASSERT_OK(jc_calendar_add_workdays(&out, cal, jc_date{2027, 2, 4}, 1));
  EXPECT_EQ(out.month * 100 + out.day, 211);
  char* json = nullptr;
  ASSERT_OK(jc_calendar_coverage_json(&json, cal, jc_date{2026, 12, 5}));
  const std::string cov = take(json);
  EXPECT_NE(cov.find("\"first_provisional_day\":\"2027-01-01\""), std::string::npos) << cov;
  EXPECT_NE(cov.find("\"official_days_left\":26"), std::string::npos) << cov;
  EXPECT_EQ(cov.find("\"warning\":null"), std::string::npos) << cov;

  // Strict refuses 2027; a bad mode is refused and changes nothing.
  ASSERT_OK(jc_calendar_set_mode(cal, JC_CALENDAR_STRICT));
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_calendar_is_workday(&work, cal, jc_date{2027, 1, 4}));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_set_mode(cal, 3));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_set_mode(cal, -1));
  ASSERT_OK(jc_calendar_get_mode(&mode, cal));
  EXPECT_EQ(mode, JC_CALENDAR_STRICT);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_get_mode(nullptr, cal));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_coverage_json(nullptr, cal, jc_date{2026, 12, 5}));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_coverage_json(&json, cal, jc_date{2026, 2, 30}));
  jc_calendar_free(cal);
}

TEST(CapiCalendarMode, TheEngineJournalsItsMode) {
  jc_engine* e = nullptr;
  ASSERT_OK(jc_engine_open(&e, nullptr));
  ASSERT_OK(jc_engine_load_sample_org(e, kMon));
  char* json = nullptr;
  ASSERT_OK(jc_engine_calendar_coverage_json(&json, e, kMon));
  EXPECT_NE(take(json).find("\"mode\":\"provisional\""), std::string::npos);
  // A borrowed calendar is read-only: the mode goes through the engine, as an event.
  const jc_calendar* view = nullptr;
  ASSERT_OK(jc_engine_calendar(&view, e));
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_calendar_set_mode(const_cast<jc_calendar*>(view), JC_CALENDAR_STRICT));
  uint64_t before = 0, after = 0;
  ASSERT_OK(jc_engine_last_seq(&before, e));
  const std::string d0 = digest(e);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_set_calendar_mode(e, 7, 1, kMon));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_set_calendar_mode(e, JC_CALENDAR_STRICT, 2, kMon));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_set_calendar_mode(nullptr, JC_CALENDAR_STRICT, 1, kMon));
  EXPECT_EQ(digest(e), d0) << "refusals change nothing";
  ASSERT_OK(jc_engine_set_calendar_mode(e, JC_CALENDAR_STRICT, 1, kMon));
  ASSERT_OK(jc_engine_last_seq(&after, e));
  EXPECT_EQ(after, before + 1);
  int mode = -1;
  ASSERT_OK(jc_calendar_get_mode(&mode, view));
  EXPECT_EQ(mode, JC_CALENDAR_STRICT);
  const char* name = nullptr;
  ASSERT_OK(jc_enum_name(&name, "event", JC_EVENT_SET_CALENDAR));
  EXPECT_STREQ(name, "set_calendar");
  jc_engine_free(e);
}

}  // namespace
}  // namespace capi_test
