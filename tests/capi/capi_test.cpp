// Tests of the C ABI (capi/jiceng.h) through the shared library only: every area's
// wrappers, the caller-buffer rules, NULL / invalid UTF-8 / unknown id handling (an
// error code and a message, never a crash, and nothing changed), thread-local errors.
#include <climits>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "capi_test_support.hpp"
#include "jiceng.h"

namespace {

using namespace capi_test;

jc_engine* sample_engine(const char* policy = "suzhou-sip") {
  jc_engine* e = nullptr;
  jc_engine_options o;
  EXPECT_EQ(jc_engine_options_init(&o, JC_ENGINE_OPTIONS_VERSION), JC_OK);
  o.policy = policy;
  EXPECT_EQ(jc_engine_open(&e, &o), JC_OK) << jc_last_error();
  EXPECT_EQ(jc_engine_load_sample_org(e, kMon - 86400), JC_OK) << jc_last_error();
  return e;
}

uint64_t submit(jc_engine* e, const char* key = nullptr, const jc_actor* who = &kResident) {
  jc_submission s = sample_submission();
  s.contact_name = "张三丰";
  s.contact_phone = "13812345678";
  s.idempotency_key = key;
  uint64_t id = 0;
  EXPECT_EQ(jc_engine_submit(&id, e, who, &s, kMon), JC_OK) << jc_last_error();
  return id;
}

int state_of(jc_engine* e, uint64_t id) {
  int s = -1;
  EXPECT_EQ(jc_engine_state(&s, e, id), JC_OK) << jc_last_error();
  return s;
}

// ---------------------------------------------------------------------------------------
// Status, versions, enums, errors

TEST(CapiCommon, VersionsAndStatusNames) {
  EXPECT_EQ(jc_abi_version(), static_cast<unsigned>(JC_ABI_VERSION));
  EXPECT_STREQ(jc_version(), "0.1.0");
  EXPECT_STREQ(jc_status_name(JC_OK), "OK");
  EXPECT_STREQ(jc_status_name(JC_FAILED_PRECONDITION), "FAILED_PRECONDITION");
  EXPECT_STREQ(jc_status_name(JC_UNAUTHENTICATED), "UNAUTHENTICATED");
  EXPECT_STREQ(jc_status_name(99), "UNKNOWN_STATUS");
  EXPECT_STREQ(jc_status_name(-1), "UNKNOWN_STATUS");
  // absl's numeric values
  EXPECT_EQ(JC_NOT_FOUND, 5);
  EXPECT_EQ(JC_PERMISSION_DENIED, 7);
  EXPECT_EQ(JC_DATA_LOSS, 15);
}

TEST(CapiCommon, EnumNamesRoundTrip) {
  const char* name = nullptr;
  ASSERT_OK(jc_enum_name(&name, "state", JC_STATE_IN_PROGRESS));
  EXPECT_STREQ(name, "in_progress");
  ASSERT_OK(jc_enum_name(&name, "event", JC_EVENT_REQUEST_EXTENSION));
  EXPECT_STREQ(name, "request_extension");
  ASSERT_OK(jc_enum_name(&name, "unit_kind", 6));
  EXPECT_STREQ(name, "grid_branch");
  int v = -1;
  ASSERT_OK(jc_enum_parse(&v, "role", "community_secretary"));
  EXPECT_EQ(v, JC_ROLE_COMMUNITY_SECRETARY);
  ASSERT_OK(jc_enum_parse(&v, "channel", "hotline"));
  EXPECT_EQ(v, JC_CHANNEL_HOTLINE);
  for (int i = 0; i < 22; ++i) {
    ASSERT_OK(jc_enum_name(&name, "event", i));
    ASSERT_OK(jc_enum_parse(&v, "event", name));
    EXPECT_EQ(v, i);
  }
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_enum_name(&name, "state", 9));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_enum_name(&name, "colour", 0));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_enum_parse(&v, "role", "mayor"));
  EXPECT_NE(last_error().find("mayor"), std::string::npos);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_enum_parse(&v, "role", "\xff\xfe"));
  EXPECT_NE(last_error().find("UTF-8"), std::string::npos);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_enum_parse(nullptr, "role", "resident"));
}

TEST(CapiCommon, StringsSplitPointsIntoThePackedBuffer) {
  const char packed[] = "R-1\0\xe8\xaf\x89\xe6\xb1\x82\0\0tail";  // "R-1", "诉求", "", "tail"
  const char* out[4] = {nullptr, nullptr, nullptr, nullptr};
  ASSERT_OK(jc_strings_split(out, 4, packed, sizeof packed));
  EXPECT_EQ(out[0], packed);
  EXPECT_STREQ(out[0], "R-1");
  EXPECT_STREQ(out[1], "\xe8\xaf\x89\xe6\xb1\x82");
  EXPECT_STREQ(out[2], "");
  EXPECT_STREQ(out[3], "tail");
  EXPECT_EQ(out[3], packed + sizeof packed - 5);
  ASSERT_OK(jc_strings_split(nullptr, 0, nullptr, 0));
  // Refusals name the reason and leave `out` as it was.
  const char* keep[4] = {"a", "b", "c", "d"};
  const char* before[4] = {keep[0], keep[1], keep[2], keep[3]};
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_strings_split(keep, 3, packed, sizeof packed));
  EXPECT_NE(last_error().find("holds 4 strings, expected 3"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_strings_split(keep, 4, packed, sizeof packed - 1));
  EXPECT_NE(last_error().find("does not end with a NUL"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_strings_split(keep, 5, packed, sizeof packed));
  EXPECT_NE(last_error().find("holds 4 strings, expected 5"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_strings_split(keep, 1, packed, 0));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_strings_split(nullptr, 4, packed, sizeof packed));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_strings_split(keep, 4, nullptr, 10));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(keep[i], before[i]);
}

TEST(CapiOrgUnits, UnitsJsonFiltersAndRefuses) {
  jc_org* org = nullptr;
  ASSERT_OK(jc_org_new(&org));
  ASSERT_OK(jc_org_load_sample(org));
  char* out = nullptr;
  ASSERT_OK(jc_org_units_json(&out, org, 0, nullptr));
  EXPECT_EQ(take(out), "[\"320506\"]");
  ASSERT_OK(jc_org_units_json(&out, org, -1, "building_group"));
  const std::string buildings = take(out);
  EXPECT_NE(buildings.find(kBuilding), std::string::npos);
  EXPECT_EQ(buildings.find(std::string("\"") + kGrid + "\""), std::string::npos);
  ASSERT_OK(jc_org_units_json(&out, org, 1, "building_group"));
  EXPECT_EQ(take(out), "[]");
  out = nullptr;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_units_json(&out, org, 6, nullptr));
  EXPECT_NE(last_error().find("level 6 is not in -1..5"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_units_json(&out, org, -1, "palace"));
  EXPECT_NE(last_error().find("\"palace\" is not a unit kind"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_units_json(&out, org, -1, "\xff"));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_units_json(&out, nullptr, -1, nullptr));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_units_json(nullptr, org, -1, nullptr));
  EXPECT_EQ(out, nullptr);
  jc_org_free(org);
}

TEST(CapiCommon, LastErrorIsPerThread) {
  jc_clear_error();
  EXPECT_EQ(jc_last_error_code(), JC_OK);
  EXPECT_STREQ(jc_last_error(), "");
  jc_date d;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_date_parse(&d, "2024-13-01"));
  const std::string mine = last_error();
  EXPECT_NE(mine.find("jc_date_parse"), std::string::npos);
  EXPECT_NE(mine.find("2024-13-01"), std::string::npos);
  std::string other;
  jc_status other_code = JC_OK;
  std::thread t([&] {
    other = jc_last_error();  // a fresh thread has no error
    int v;
    jc_enum_parse(&v, "state", "nowhere");
    other_code = jc_last_error_code();
  });
  t.join();
  EXPECT_EQ(other, "");
  EXPECT_EQ(other_code, JC_INVALID_ARGUMENT);
  EXPECT_EQ(last_error(), mine);  // untouched by the other thread
  // Successful calls leave the message in place.
  ASSERT_OK(jc_date_parse(&d, "2024-02-29"));
  EXPECT_EQ(last_error(), mine);
}

TEST(CapiCommon, DatesAndTime) {
  jc_date d;
  ASSERT_OK(jc_date_parse(&d, "2024-02-29"));
  EXPECT_EQ(d.year, 2024);
  EXPECT_EQ(d.month, 2);
  EXPECT_EQ(d.day, 29);
  for (const char* bad : {"2023-02-29", "2024-2-1", "24-02-01", "2024-02-01x", "", "yyyy-mm-dd"}) {
    EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_date_parse(&d, bad));
  }
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_date_parse(&d, nullptr));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_date_parse(nullptr, "2024-01-01"));
  char buf[11];
  size_t len = 0;
  ASSERT_OK(jc_date_format(buf, sizeof buf, &len, jc_date{2025, 1, 6}));
  EXPECT_STREQ(buf, "2025-01-06");
  EXPECT_EQ(len, 10u);
  char small[10] = "untouched";
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_date_format(small, sizeof small, &len, jc_date{2025, 1, 6}));
  EXPECT_EQ(len, 10u);
  EXPECT_STREQ(small, "untouched");
  ASSERT_OK(jc_date_format(nullptr, 0, &len, jc_date{2025, 1, 6}));  // size query
  EXPECT_EQ(len, 10u);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_date_format(nullptr, 5, &len, jc_date{2025, 1, 6}));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_date_format(buf, sizeof buf, &len, jc_date{2025, 2, 30}));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_date_format(buf, sizeof buf, &len, jc_date{-5, 1, 1}));
  ASSERT_OK(jc_china_date(&d, kMon));
  EXPECT_EQ(d.day, 6);
  ASSERT_OK(jc_china_date(&d, kMon - 10 * kHour));  // 2025-01-05 23:00 CST
  EXPECT_EQ(d.day, 5);
  int64_t t = 0;
  ASSERT_OK(jc_china_time_to_utc(&t, jc_date{2025, 1, 6}, 9 * 60));
  EXPECT_EQ(t, kMon);
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_china_date(&d, INT64_MAX));
}

TEST(CapiCommon, DayNumbersMatchDatesOverTheWholeRange) {
  jc_day day = 0;
  ASSERT_OK(jc_day_from_date(&day, jc_date{1970, 1, 1}));
  EXPECT_EQ(day, 0);
  ASSERT_OK(jc_day_from_date(&day, jc_date{2025, 1, 6}));
  EXPECT_EQ(day, 20094);  // Python: date(2025, 1, 6).toordinal() - 719163
  ASSERT_OK(jc_day_from_date(&day, jc_date{1400, 1, 1}));
  EXPECT_EQ(day, JC_MIN_DAY);
  ASSERT_OK(jc_day_from_date(&day, jc_date{9999, 12, 31}));
  EXPECT_EQ(day, JC_MAX_DAY);
  // Every day of 1400..9999: the date of day n+1 is the day after the date of day n, and
  // the round trip is exact (so both directions agree with the Gregorian calendar).
  jc_date prev{1399, 12, 31};
  const int kMonthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (jc_day n = JC_MIN_DAY; n <= JC_MAX_DAY; ++n) {
    jc_date d{};
    ASSERT_EQ(jc_day_to_date(&d, n), JC_OK) << n;
    const bool leap = (prev.year % 4 == 0 && prev.year % 100 != 0) || prev.year % 400 == 0;
    const int month_days = kMonthDays[prev.month - 1] + (prev.month == 2 && leap ? 1 : 0);
    jc_date next = prev;
    if (++next.day > month_days) {
      next.day = 1;
      if (++next.month > 12) next.month = 1, ++next.year;
    }
    ASSERT_TRUE(d.year == next.year && d.month == next.month && d.day == next.day)
        << n << ": " << d.year << "-" << d.month << "-" << d.day;
    jc_day back = 0;
    ASSERT_EQ(jc_day_from_date(&back, d), JC_OK);
    ASSERT_EQ(back, n);
    prev = d;
  }
  // Bad input: an error with a message, out untouched.
  day = 77;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_day_from_date(&day, jc_date{2023, 2, 29}));
  EXPECT_NE(last_error().find("2023-2-29"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_day_from_date(&day, jc_date{1399, 12, 31}));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_day_from_date(&day, jc_date{2024, 13, 1}));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_day_from_date(&day, jc_date{2024, 4, 31}));
  EXPECT_EQ(day, 77);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_day_from_date(nullptr, jc_date{2024, 4, 1}));
  EXPECT_NE(last_error().find("out is NULL"), std::string::npos);
  jc_date d{1, 2, 3};
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_day_to_date(&d, JC_MAX_DAY + 1));
  EXPECT_NE(last_error().find("2932897"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_day_to_date(&d, INT32_MIN));
  EXPECT_EQ(d.year, 1);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_day_to_date(nullptr, 0));
}

// ---------------------------------------------------------------------------------------
// Calendar

TEST(CapiCalendar, OfficialSchedule) {
  jc_calendar* c = nullptr;
  ASSERT_OK(jc_calendar_china(&c));
  int first = 0, last = 0;
  ASSERT_OK(jc_calendar_years(&first, &last, c));
  EXPECT_EQ(first, 2004);
  EXPECT_EQ(last, 2026);
  int w = -1;
  ASSERT_OK(jc_calendar_is_workday(&w, c, jc_date{2024, 10, 1}));  // National Day
  EXPECT_EQ(w, 0);
  ASSERT_OK(jc_calendar_is_workday(&w, c, jc_date{2024, 10, 12}));  // Saturday make-up day
  EXPECT_EQ(w, 1);
  int kind = -1;
  ASSERT_OK(jc_calendar_day_kind(&kind, c, jc_date{2024, 10, 12}));
  EXPECT_EQ(kind, JC_DAY_MAKEUP_WORKDAY);
  jc_date d;
  ASSERT_OK(jc_calendar_add_workdays(&d, c, jc_date{2024, 9, 30}, 1));  // over the Golden Week
  EXPECT_EQ(d.month, 10);
  EXPECT_EQ(d.day, 8);
  int n = 0;
  ASSERT_OK(jc_calendar_workdays_between(&n, c, jc_date{2024, 9, 30}, jc_date{2024, 10, 8}));
  EXPECT_EQ(n, 1);
  ASSERT_OK(jc_calendar_next_workday(&d, c, jc_date{2024, 10, 1}));
  EXPECT_EQ(d.day, 8);
  char name[64];
  size_t len = 0;
  ASSERT_OK(jc_calendar_holiday_name(name, sizeof name, &len, c, jc_date{2024, 10, 1}));
  EXPECT_STREQ(name, "National Day");
  ASSERT_OK(jc_calendar_holiday_name(name, sizeof name, &len, c, jc_date{2024, 10, 9}));
  EXPECT_STREQ(name, "");
  int64_t due = 0;
  ASSERT_OK(jc_calendar_deadline_after(&due, c, kMon, "2h", -1));
  EXPECT_EQ(due, kMon + 2 * kHour);
  ASSERT_OK(jc_calendar_deadline_after(&due, c, kMon, "1wd", 17 * 60 + 30));
  int64_t expected = 0;
  ASSERT_OK(jc_china_time_to_utc(&expected, jc_date{2025, 1, 7}, 17 * 60 + 30));
  EXPECT_EQ(due, expected);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_deadline_after(&due, c, kMon, "2x", -1));
  // Outside the covered years a strict calendar refuses, until weekend-only rules are on.
  ASSERT_OK(jc_calendar_set_mode(c, JC_CALENDAR_STRICT));
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_calendar_is_workday(&w, c, jc_date{2031, 3, 3}));
  EXPECT_NE(last_error().find("2031"), std::string::npos);
  ASSERT_OK(jc_calendar_set_weekend_only(c, 1));
  ASSERT_OK(jc_calendar_is_workday(&w, c, jc_date{2031, 3, 3}));
  EXPECT_EQ(w, 1);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_is_workday(&w, c, jc_date{2024, 2, 30}));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_is_workday(&w, nullptr, jc_date{2024, 2, 1}));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_is_workday(nullptr, c, jc_date{2024, 2, 1}));
  jc_calendar_free(c);
  jc_calendar_free(nullptr);
}

TEST(CapiCalendar, HotDayNumberCalls) {
  jc_calendar* c = nullptr;
  ASSERT_OK(jc_calendar_china(&c));
  jc_day sep30 = 0, oct8 = 0, oct12 = 0, out = 0;
  ASSERT_OK(jc_day_from_date(&sep30, jc_date{2024, 9, 30}));
  ASSERT_OK(jc_day_from_date(&oct8, jc_date{2024, 10, 8}));
  ASSERT_OK(jc_day_from_date(&oct12, jc_date{2024, 10, 12}));
  ASSERT_OK(jc_calendar_add_workdays_day(&out, c, sep30, 1));  // over the Golden Week
  EXPECT_EQ(out, oct8);
  ASSERT_OK(jc_calendar_add_workdays_day(&out, c, oct8, -1));
  EXPECT_EQ(out, sep30);
  // The day form agrees with the jc_date form for every start in 2024 and n in -12..12.
  for (jc_day d = sep30 - 273; d < sep30 + 92; ++d) {
    jc_date date{};
    ASSERT_OK(jc_day_to_date(&date, d));
    for (int n = -12; n <= 12; ++n) {
      jc_date r{};
      ASSERT_OK(jc_calendar_add_workdays(&r, c, date, n));
      jc_day rd = 0;
      ASSERT_OK(jc_calendar_add_workdays_day(&rd, c, d, n));
      jc_day expect = 0;
      ASSERT_OK(jc_day_from_date(&expect, r));
      ASSERT_EQ(rd, expect) << d << " " << n;
    }
    int w1 = -1, w2 = -2;
    ASSERT_OK(jc_calendar_is_workday(&w1, c, date));
    ASSERT_OK(jc_calendar_is_workday_day(&w2, c, d));
    ASSERT_EQ(w1, w2) << d;
  }
  int w = -1;
  ASSERT_OK(jc_calendar_is_workday_day(&w, c, oct12));  // Saturday make-up day
  EXPECT_EQ(w, 1);
  // Errors: code, message naming the call and the cause, out untouched (strict mode, so
  // 2027 is past what the calendar answers).
  ASSERT_OK(jc_calendar_set_mode(c, JC_CALENDAR_STRICT));
  out = 42;
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_calendar_add_workdays_day(&out, c, sep30 + 365 * 3, 1));  // 2027
  EXPECT_NE(last_error().find("jc_calendar_add_workdays_day"), std::string::npos) << last_error();
  EXPECT_NE(last_error().find("2027"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_calendar_add_workdays_day(&out, c, JC_MIN_DAY - 1, 1));
  EXPECT_NE(last_error().find("-208189"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_calendar_add_workdays_day(&out, c, INT32_MAX, 1));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_add_workdays_day(&out, nullptr, sep30, 1));
  EXPECT_NE(last_error().find("calendar is NULL"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_add_workdays_day(nullptr, c, sep30, 1));
  EXPECT_NE(last_error().find("out is NULL"), std::string::npos) << last_error();
  EXPECT_EQ(out, 42);
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_calendar_is_workday_day(&w, c, sep30 + 365 * 8));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_is_workday_day(&w, nullptr, sep30));
  jc_date d{7, 7, 7};
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_add_workdays(&d, c, jc_date{2024, 2, 30}, 1));
  EXPECT_NE(last_error().find("2024-2-30"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_calendar_add_workdays(&d, c, jc_date{2026, 12, 20}, 20));
  EXPECT_NE(last_error().find("2027"), std::string::npos) << last_error();
  EXPECT_EQ(d.year, 7);
  // The jc_date form checks each field (unpacked from the struct) and its handles.
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_add_workdays(&d, c, jc_date{2023, 2, 29}, 1));
  EXPECT_NE(last_error().find("2023-2-29 is not a real day"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_add_workdays(&d, c, jc_date{1399, 12, 31}, 1));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_add_workdays(&d, c, jc_date{2024, 13, 1}, 1));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_add_workdays(&d, c, jc_date{2024, 4, 0}, 1));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_add_workdays(&d, nullptr, jc_date{2024, 4, 1}, 1));
  EXPECT_NE(last_error().find("jc_calendar_add_workdays: calendar is NULL"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_add_workdays(nullptr, c, jc_date{2024, 4, 1}, 1));
  EXPECT_NE(last_error().find("jc_calendar_add_workdays: out is NULL"), std::string::npos) << last_error();
  EXPECT_EQ(d.year, 7);
  // ...and agrees with the day-number form, a leap day included.
  for (const jc_date start : {jc_date{2024, 2, 29}, jc_date{2025, 12, 31}, jc_date{2024, 9, 30}}) {
    for (int n : {-5, 0, 1, 3, 30}) {
      jc_day sd = 0, rd = 0;
      jc_date r{}, want{};
      ASSERT_OK(jc_day_from_date(&sd, start));
      ASSERT_OK(jc_calendar_add_workdays_day(&rd, c, sd, n));
      ASSERT_OK(jc_day_to_date(&want, rd));
      ASSERT_OK(jc_calendar_add_workdays(&r, c, start, n));
      EXPECT_TRUE(r.year == want.year && r.month == want.month && r.day == want.day)
          << start.year << "-" << start.month << "-" << start.day << " + " << n;
    }
  }
  // Outside the holiday index both forms take the slow path: refused for unknown years,
  // answered (weekends only) once the calendar allows it.
  jc_day far = 0, far_out = -1;
  ASSERT_OK(jc_day_from_date(&far, jc_date{2100, 3, 1}));  // a Monday
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_calendar_add_workdays_day(&far_out, c, far, 5));
  EXPECT_EQ(far_out, -1);
  ASSERT_OK(jc_calendar_set_weekend_only(c, 1));
  ASSERT_OK(jc_calendar_add_workdays_day(&far_out, c, far, 5));
  EXPECT_EQ(far_out, far + 7);  // Monday + 5 working days: the next Monday
  jc_date far_date{};
  ASSERT_OK(jc_calendar_add_workdays(&far_date, c, jc_date{2100, 3, 1}, 5));
  EXPECT_TRUE(far_date.year == 2100 && far_date.month == 3 && far_date.day == 8);
  jc_calendar_free(c);
}

TEST(CapiCalendar, LoadCsvIsAllOrNothing) {
  jc_calendar* c = nullptr;
  ASSERT_OK(jc_calendar_new(&c));
  ASSERT_OK(jc_calendar_set_mode(c, JC_CALENDAR_STRICT));  // only the loaded years answer
  int w = 0;
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_calendar_is_workday(&w, c, jc_date{2030, 10, 1}));
  const std::string good = "date,kind,name_en,name_zh\n2030-10-01,holiday,National Day,国庆节\n";
  ASSERT_OK(jc_calendar_load_csv(c, good.data(), good.size(), "y2030.csv"));
  ASSERT_OK(jc_calendar_is_workday(&w, c, jc_date{2030, 10, 1}));
  EXPECT_EQ(w, 0);
  const std::string bad = "2031-01-01,holiday,New Year,元旦\n2031-01-02,holyday,x,y\n";
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_load_csv(c, bad.data(), bad.size(), "bad.csv"));
  EXPECT_NE(last_error().find("bad.csv"), std::string::npos);
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_calendar_is_workday(&w, c, jc_date{2031, 1, 1}));  // unchanged
  const std::string invalid = "2031-01-01,holiday,\xC0\xAF,x\n";
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_load_csv(c, invalid.data(), invalid.size(), nullptr));
  EXPECT_NE(last_error().find("UTF-8"), std::string::npos);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_calendar_load_csv(c, nullptr, 5, nullptr));
  ASSERT_OK(jc_calendar_load_csv(c, good.c_str(), JC_NUL_TERMINATED, nullptr));
  jc_calendar_free(c);
}

// ---------------------------------------------------------------------------------------
// Organization

class CapiOrg : public SampleOrgTest {
 protected:
  std::string id_of(uint32_t u) {
    char buf[64];
    size_t len = 0;
    EXPECT_EQ(jc_org_unit_id(buf, sizeof buf, &len, org_, u), JC_OK) << jc_last_error();
    return buf;
  }
};

TEST_F(CapiOrg, HierarchyQueries) {
  size_t n = 0;
  ASSERT_OK(jc_org_unit_count(&n, org_));
  EXPECT_GT(n, 40u);
  const uint32_t b = find(kBuilding);
  uint32_t chain[8];
  size_t count = 0;
  ASSERT_OK(jc_org_ancestors(chain, 8, &count, org_, b));
  ASSERT_EQ(count, 5u);
  EXPECT_EQ(id_of(chain[0]), kBuilding);
  EXPECT_EQ(id_of(chain[1]), kGrid);
  EXPECT_EQ(id_of(chain[2]), kCommunity);
  EXPECT_EQ(id_of(chain[3]), kStreet);
  EXPECT_EQ(id_of(chain[4]), kDistrict);
  // size query, then a buffer too small (not written)
  ASSERT_OK(jc_org_ancestors(nullptr, 0, &count, org_, b));
  EXPECT_EQ(count, 5u);
  uint32_t small[3] = {7, 7, 7};
  EXPECT_STATUS(JC_OUT_OF_RANGE, jc_org_ancestors(small, 3, &count, org_, b));
  EXPECT_EQ(count, 5u);
  EXPECT_EQ(small[0], 7u);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_ancestors(nullptr, 3, &count, org_, b));
  int level = -1;
  ASSERT_OK(jc_org_level(&level, org_, b));
  EXPECT_EQ(level, 4);
  uint32_t p = 0;
  ASSERT_OK(jc_org_parent(&p, org_, b));
  EXPECT_EQ(id_of(p), kGrid);
  ASSERT_OK(jc_org_parent(&p, org_, find(kDistrict)));
  EXPECT_EQ(p, JC_NO_UNIT);
  uint32_t a = 0;
  ASSERT_OK(jc_org_ancestor_at_level(&a, org_, b, 2));
  EXPECT_EQ(id_of(a), kCommunity);
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_ancestor_at_level(&a, org_, find(kStreet), 3));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_ancestor_at_level(&a, org_, b, 6));
  int is = -1;
  ASSERT_OK(jc_org_is_ancestor(&is, org_, find(kStreet), b));
  EXPECT_EQ(is, 1);
  ASSERT_OK(jc_org_is_ancestor(&is, org_, b, find(kStreet)));
  EXPECT_EQ(is, 0);
  uint32_t lca = 0;
  ASSERT_OK(jc_org_lca(&lca, org_, b, find("320506001002C01B01")));
  EXPECT_EQ(id_of(lca), kStreet);
  size_t size = 0;
  ASSERT_OK(jc_org_subtree_size(&size, org_, find(kDistrict)));
  EXPECT_EQ(size, n);
  ASSERT_OK(jc_org_children(nullptr, 0, &count, org_, find(kGrid)));
  std::vector<uint32_t> kids(count);
  ASSERT_OK(jc_org_children(kids.data(), kids.size(), &count, org_, find(kGrid)));
  for (uint32_t k : kids) {
    ASSERT_OK(jc_org_parent(&p, org_, k));
    EXPECT_EQ(id_of(p), kGrid);
  }
  uint32_t units[6];
  ASSERT_OK(jc_org_responsible_units(units, org_, kHousehold));
  EXPECT_EQ(id_of(units[2]), kCommunity);
  EXPECT_EQ(id_of(units[4]), kBuilding);
  EXPECT_EQ(id_of(units[5]), "320506001001G01B01H1");
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_responsible_units(units, org_, "H-nowhere"));
  char name[128];
  size_t len = 0;
  ASSERT_OK(jc_org_unit_name(name, sizeof name, &len, org_, find(kDistrict)));
  EXPECT_STREQ(name, "吴中区委");
  const std::string js = [&] {
    char* s = nullptr;
    EXPECT_EQ(jc_org_unit_json(&s, org_, b), JC_OK);
    return take(s);
  }();
  EXPECT_NE(js.find("\"kind\":\"building_group\""), std::string::npos) << js;
  EXPECT_NE(js.find("\"parent\":\"320506001001G01\""), std::string::npos) << js;
}

TEST_F(CapiOrg, UnknownIdsAndIndices) {
  uint32_t u = 12345;
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_find(&u, org_, "no-such-unit"));
  EXPECT_NE(last_error().find("no-such-unit"), std::string::npos);
  EXPECT_EQ(u, 12345u);  // out-params untouched on error
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_find(&u, org_, nullptr));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_find(&u, org_, "\xe5\x90"));  // truncated UTF-8
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_find(&u, nullptr, kDistrict));
  int level;
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_level(&level, org_, 1000000));
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_level(&level, org_, JC_NO_UNIT));
  size_t count;
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_ancestors(nullptr, 0, &count, org_, JC_NO_UNIT));
  uint32_t lca;
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_lca(&lca, org_, 0, 99999));
  char* out = nullptr;
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_export_dot(&out, org_, "nope", 2));
  EXPECT_EQ(out, nullptr);
}

TEST_F(CapiOrg, HotQueriesRefuseBadHandlesAndIndices) {
  size_t n = 0;
  ASSERT_OK(jc_org_unit_count(&n, org_));
  const uint32_t last = static_cast<uint32_t>(n - 1), past = static_cast<uint32_t>(n);
  int is = 5;
  ASSERT_OK(jc_org_is_ancestor(&is, org_, find(kDistrict), last));
  EXPECT_EQ(is, 1);
  is = 5;
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_is_ancestor(&is, org_, past, 0));
  EXPECT_NE(last_error().find("unit index " + std::to_string(past) + " is out of range (" + std::to_string(n) +
                              " units)"),
            std::string::npos)
      << last_error();
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_is_ancestor(&is, org_, 0, past));
  EXPECT_NE(last_error().find("jc_org_is_ancestor: unit index " + std::to_string(past)), std::string::npos);
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_is_ancestor(&is, org_, JC_NO_UNIT, JC_NO_UNIT));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_is_ancestor(&is, nullptr, 0, 0));
  EXPECT_NE(last_error().find("org is NULL"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_is_ancestor(nullptr, org_, 0, 0));
  EXPECT_NE(last_error().find("out is NULL"), std::string::npos) << last_error();
  EXPECT_EQ(is, 5);
  uint32_t a = 9;
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_ancestor_at_level(&a, org_, past, 0));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_ancestor_at_level(&a, nullptr, 0, 0));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_ancestor_at_level(nullptr, org_, 0, 0));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_ancestor_at_level(&a, org_, 0, -1));
  EXPECT_NE(last_error().find("level -1 is not in 0..5"), std::string::npos) << last_error();
  EXPECT_EQ(a, 9u);
  uint32_t chain[6] = {1, 1, 1, 1, 1, 1};
  size_t count = 99;
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_ancestors(chain, 6, &count, org_, past));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_ancestors(chain, 6, &count, nullptr, 0));
  EXPECT_NE(last_error().find("org is NULL"), std::string::npos) << last_error();
  // A size query (NULL buf) on a NULL org blames the org, not the buffer.
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_ancestors(nullptr, 0, &count, nullptr, 0));
  EXPECT_NE(last_error().find("jc_org_ancestors: org is NULL"), std::string::npos) << last_error();
  // Levels past the unit's own, and far out of range both ways, leave *out alone.
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_ancestor_at_level(&a, org_, find(kGrid), 4));
  EXPECT_NE(last_error().find("has no ancestor at level 4"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_ancestor_at_level(&a, org_, find(kGrid), INT_MIN));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_ancestor_at_level(&a, org_, find(kGrid), INT_MAX));
  EXPECT_EQ(a, 9u);
  // Each index of is_ancestor is checked on its own, and named in the message.
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_is_ancestor(&is, org_, 0, past + 7));
  EXPECT_NE(last_error().find("unit index " + std::to_string(past + 7)), std::string::npos) << last_error();
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_is_ancestor(&is, org_, past + 3, 0));
  EXPECT_NE(last_error().find("unit index " + std::to_string(past + 3)), std::string::npos) << last_error();
  EXPECT_EQ(count, 99u);
  EXPECT_EQ(chain[0], 1u);
  ASSERT_OK(jc_org_ancestors(chain, 6, nullptr, org_, find(kBuilding)));  // out_count may be NULL
  EXPECT_EQ(id_of(chain[1]), kGrid);
  // An empty graph has no valid index.
  jc_org* empty = nullptr;
  ASSERT_OK(jc_org_new(&empty));
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_is_ancestor(&is, empty, 0, 0));
  EXPECT_NE(last_error().find("(0 units)"), std::string::npos) << last_error();
  jc_org_free(empty);
}

TEST(CapiEngineOrg, BorrowedViewFollowsTheEngineGraph) {
  jc_engine* e = nullptr;
  ASSERT_OK(jc_engine_open(&e, nullptr));
  const jc_org* view = nullptr;
  ASSERT_OK(jc_engine_org(&view, e));
  int is = 0;
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_is_ancestor(&is, view, 0, 0));  // no graph yet
  ASSERT_OK(jc_engine_load_sample_org(e, kMon));
  const jc_org* again = nullptr;
  ASSERT_OK(jc_engine_org(&again, e));
  EXPECT_EQ(again, view);  // one view per engine, kept current
  size_t n = 0;
  ASSERT_OK(jc_org_unit_count(&n, view));
  ASSERT_GT(n, 40u);
  ASSERT_OK(jc_org_is_ancestor(&is, view, 0, static_cast<uint32_t>(n - 1)));
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_is_ancestor(&is, view, 0, static_cast<uint32_t>(n)));
  // A smaller graph: indices past its end are refused at once.
  const std::string small = R"({"schema":"urban_grid","units":[{"id":"D","name":"区","level":0,"kind":"district_committee"},)"
                            R"({"id":"S","name":"街道","level":1,"kind":"street_committee","parent":"D"}]})";
  ASSERT_OK(jc_engine_load_org(e, small.data(), small.size(), kMon + 1));
  ASSERT_OK(jc_org_unit_count(&n, view));
  EXPECT_EQ(n, 2u);
  ASSERT_OK(jc_org_is_ancestor(&is, view, 0, 1));
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_is_ancestor(&is, view, 0, 2));
  EXPECT_NE(last_error().find("(2 units)"), std::string::npos) << last_error();
  // A batch that loads a graph and fails rolls the graph back; the view follows.
  const jc_batch_fn load_then_fail = [](jc_engine* eng, void*) -> jc_status {
    if (jc_engine_load_sample_org(eng, kMon + 2) != JC_OK) return JC_INTERNAL;
    return JC_ABORTED;
  };
  EXPECT_STATUS(JC_ABORTED, jc_engine_batch(e, load_then_fail, nullptr));
  ASSERT_OK(jc_org_unit_count(&n, view));
  EXPECT_EQ(n, 2u);
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_is_ancestor(&is, view, 0, 40));
  jc_engine_free(e);
}

TEST_F(CapiOrg, BadLoadChangesNothing) {
  char* before = nullptr;
  ASSERT_OK(jc_org_export_json(&before, org_));
  const std::string b = take(before);
  const std::string bad =
      R"({"units":[{"id":"X1","name":"x","level":3,"kind":"grid_branch","parent":"320506001"}]})";
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_load_json(org_, bad.data(), bad.size(), "bad.json"));
  EXPECT_NE(last_error().find("bad.json"), std::string::npos);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_load_json(org_, "{\"units\":[", JC_NUL_TERMINATED, nullptr));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_load_json(org_, "\xff", 1, nullptr));
  EXPECT_STATUS(JC_NOT_FOUND, jc_org_load_file(org_, "/nonexistent/org.json"));
  char* after = nullptr;
  ASSERT_OK(jc_org_export_json(&after, org_));
  EXPECT_EQ(take(after), b);
  // The export loads into an empty graph and exports the same bytes.
  jc_org* again = nullptr;
  ASSERT_OK(jc_org_new(&again));
  ASSERT_OK(jc_org_load_json(again, b.data(), b.size(), "export.json"));
  ASSERT_OK(jc_org_export_json(&after, again));
  EXPECT_EQ(take(after), b);
  jc_org_free(again);
}

TEST_F(CapiOrg, CoverageAndDot) {
  char* out = nullptr;
  ASSERT_OK(jc_org_coverage_json(&out, org_, nullptr));
  const std::string cov = take(out);
  EXPECT_NE(cov.find("grids_without_station"), std::string::npos) << cov;
  jc_coverage_options o;
  ASSERT_OK(jc_coverage_options_init(&o, JC_COVERAGE_OPTIONS_VERSION));
  EXPECT_EQ(o.compound_branch_threshold, 3);
  o.as_of = "2025-01-06";
  ASSERT_OK(jc_org_coverage_json(&out, org_, &o));
  jc_string_free(out);
  o.as_of = "2025-13-06";
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_coverage_json(&out, org_, &o));
  o.as_of = nullptr;
  o.version = 99;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_coverage_json(&out, org_, &o));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_coverage_options_init(&o, 2));
  ASSERT_OK(jc_org_export_dot(&out, org_, kCommunity, 1));
  EXPECT_NE(take(out).find("digraph"), std::string::npos);
}

TEST(CapiOrgGen, GeneratedCityLoads) {
  jc_city_options o;
  ASSERT_OK(jc_city_options_init(&o, JC_CITY_OPTIONS_VERSION));
  o.units = 500;
  o.seed = 7;
  char* js = nullptr;
  ASSERT_OK(jc_org_generate_json(&js, &o));
  const std::string text = take(js);
  jc_org* org = nullptr;
  ASSERT_OK(jc_org_new(&org));
  ASSERT_OK(jc_org_load_json(org, text.data(), text.size(), "city.json"));
  size_t n = 0;
  ASSERT_OK(jc_org_unit_count(&n, org));
  EXPECT_EQ(n, 500u);
  jc_org_free(org);
  o.units = 0;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_org_generate_json(&js, &o));
}

// ---------------------------------------------------------------------------------------
// Policy

TEST(CapiPolicy, LoadEvaluateAndErrors) {
  jc_policy* p = nullptr;
  ASSERT_OK(jc_policy_load_builtin(&p, "suzhou-sip"));
  char name[64];
  size_t len = 0;
  ASSERT_OK(jc_policy_name(name, sizeof name, &len, p));
  EXPECT_STREQ(name, "suzhou-sip");
  char* out = nullptr;
  ASSERT_OK(jc_policy_info_json(&out, p));
  const std::string info = take(out);
  EXPECT_NE(info.find("\"national\""), std::string::npos) << info;  // in the chain
  ASSERT_OK(jc_policy_builtin_names_json(&out));
  EXPECT_NE(take(out).find("wuzhong"), std::string::npos);
  ASSERT_OK(jc_policy_to_json(&out, p));
  const std::string resolved = take(out);
  jc_policy* again = nullptr;
  ASSERT_OK(jc_policy_from_json(&again, resolved.data(), resolved.size(), "resolved.json"));
  jc_policy_free(again);
  EXPECT_STATUS(JC_NOT_FOUND, jc_policy_rule_params_json(&out, p, "no.such.rule"));
  again = nullptr;
  EXPECT_STATUS(JC_NOT_FOUND, jc_policy_load_builtin(&again, "atlantis"));
  EXPECT_EQ(again, nullptr);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_policy_from_json(&again, "{", 1, "broken.json"));
  EXPECT_NE(last_error().find("broken.json"), std::string::npos);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_policy_evaluate(&out, p, R"({"type":"spaceship"})", JC_NUL_TERMINATED));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_policy_evaluate(&out, p, nullptr, 0));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_policy_evaluate(&out, nullptr, "{}", 2));
  jc_policy_free(p);
  jc_policy_free(nullptr);
}

TEST(CapiPolicy, RunsThePolicyCaseFiles) {
  const std::string dir = std::string(JICENG_SOURCE_DIR) + "/tests/policy/cases";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no policy cases yet";
  const char* paths[] = {dir.c_str()};
  char* out = nullptr;
  size_t failed = 99;
  ASSERT_OK(jc_policy_run_tests(&out, &failed, paths, 1));
  const std::string report = take(out);
  EXPECT_EQ(failed, 0u) << report;
  EXPECT_NE(report.find("\"summary\""), std::string::npos);
  const char* missing[] = {"/nonexistent/cases"};
  EXPECT_STATUS(JC_NOT_FOUND, jc_policy_run_tests(&out, &failed, missing, 1));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_policy_run_tests(&out, &failed, nullptr, 1));
  const char* null_entry[] = {nullptr};
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_policy_run_tests(&out, &failed, null_entry, 1));
}

// ---------------------------------------------------------------------------------------
// Engine

TEST(CapiEngine, TheClosedLoop) {
  jc_engine* e = sample_engine();
  const uint64_t id = submit(e, "host-key-1");
  ASSERT_NE(id, 0u);
  EXPECT_EQ(state_of(e, id), JC_STATE_RECEIVED);
  EXPECT_EQ(submit(e, "host-key-1"), id);  // idempotent
  uint64_t found = 0;
  ASSERT_OK(jc_engine_find_by_key(&found, e, "host-key-1"));
  EXPECT_EQ(found, id);
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_find_by_key(&found, e, "host-key-2"));
  ASSERT_OK(jc_engine_accept(e, &kStreetOfficer, id, kMon + kHour));
  ASSERT_OK(jc_engine_dispatch(e, &kSecretary, id, nullptr, 0, kMon + 2 * kHour));
  EXPECT_EQ(state_of(e, id), JC_STATE_DISPATCHED);
  char unit[64];
  size_t len = 0;
  ASSERT_OK(jc_engine_current_unit(unit, sizeof unit, &len, e, id));
  {  // routed by policy to a unit on the building's chain of command, below the street
    const jc_org* org = nullptr;
    ASSERT_OK(jc_engine_org(&org, e));
    uint32_t u = 0, b = 0;
    ASSERT_OK(jc_org_find(&u, org, unit));
    ASSERT_OK(jc_org_find(&b, org, kBuilding));
    int inside = 0, level = 0;
    ASSERT_OK(jc_org_is_ancestor(&inside, org, u, b));
    ASSERT_OK(jc_org_level(&level, org, u));
    EXPECT_EQ(inside, 1) << unit;
    EXPECT_GE(level, 2) << unit;
  }
  int64_t due = 0;
  ASSERT_OK(jc_engine_deadline(&due, e, id));
  EXPECT_GT(due, kMon);
  ASSERT_OK(jc_engine_sign(e, &kStaff, id, kMon + 3 * kHour));
  ASSERT_OK(jc_engine_urge(e, &kSecretary, id, nullptr, kMon + 4 * kHour));
  ASSERT_OK(jc_engine_resolve(e, &kStaff, id, "已协调广场舞团队调整时间", kMon + 5 * kHour));
  EXPECT_EQ(state_of(e, id), JC_STATE_RESOLVED);
  ASSERT_OK(jc_engine_evaluate(e, &kResident, id, 1, 1, JC_SATISFIED, kMon + 6 * kHour));
  EXPECT_EQ(state_of(e, id), JC_STATE_CLOSED);

  char* out = nullptr;
  ASSERT_OK(jc_engine_history_json(&out, e, id, 0));
  const std::string hist = take(out);
  for (const char* ev : {"submit", "accept", "dispatch", "sign", "urge", "resolve", "evaluate"})
    EXPECT_NE(hist.find(std::string("\"type\":\"") + ev + "\""), std::string::npos) << ev << " in " << hist;
  EXPECT_EQ(hist.find("13812345678"), std::string::npos) << "contact masked by default";
  ASSERT_OK(jc_engine_history_json(&out, e, id, 1));
  EXPECT_NE(take(out).find("13812345678"), std::string::npos);
  ASSERT_OK(jc_engine_petition_json(&out, e, id, 0));
  const std::string view = take(out);
  // The one shape (docs/petition.md): ids as display ids, in the petition and its events.
  EXPECT_EQ(view.rfind("{\"id\":\"P00000001\",", 0), 0u) << view;
  EXPECT_NE(hist.find("\"petition\":\"P00000001\""), std::string::npos) << hist;
  EXPECT_EQ(hist.find("\"petition\":1"), std::string::npos) << hist;
  EXPECT_NE(view.find("\"state\":\"closed\""), std::string::npos) << view;
  EXPECT_EQ(view.find("13812345678"), std::string::npos);
  EXPECT_NE(view.find("138****5678"), std::string::npos) << view;
  ASSERT_OK(jc_engine_stats_json(&out, e));
  EXPECT_NE(take(out).find("\"petitions\":1"), std::string::npos);

  size_t count = 0;
  ASSERT_OK(jc_engine_by_state(nullptr, 0, &count, e, JC_STATE_CLOSED));
  EXPECT_EQ(count, 1u);
  uint64_t ids[4] = {0};
  ASSERT_OK(jc_engine_by_state(ids, 4, &count, e, JC_STATE_CLOSED));
  EXPECT_EQ(ids[0], id);
  ASSERT_OK(jc_engine_by_unit(ids, 4, &count, e, kStreet));
  EXPECT_EQ(count, 1u);
  ASSERT_OK(jc_engine_by_unit(ids, 4, &count, e, "320506101"));
  EXPECT_EQ(count, 0u);
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_by_unit(ids, 4, &count, e, "nowhere"));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_by_state(ids, 4, &count, e, 9));
  uint64_t seq = 0;
  ASSERT_OK(jc_engine_last_seq(&seq, e));
  EXPECT_GE(seq, 7u);
  jc_engine_free(e);
}

TEST(CapiEngine, RefusedCommandsChangeNothing) {
  jc_engine* e = sample_engine();
  const uint64_t id = submit(e);
  const std::string before = digest(e);
  // A resident may not accept.
  EXPECT_STATUS(JC_PERMISSION_DENIED, jc_engine_accept(e, &kResident, id, kMon + kHour));
  // An officer of another street is out of scope.
  const jc_actor other = {"S-9", JC_ROLE_STREET_OFFICER, "320506101"};
  EXPECT_STATUS(JC_PERMISSION_DENIED, jc_engine_accept(e, &other, id, kMon + kHour));
  // No sign before dispatch: the state machine has no such row.
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_sign(e, &kStaff, id, kMon + kHour));
  EXPECT_NE(last_error().find("jc_engine_sign"), std::string::npos);
  // Reject needs a reason.
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_reject(e, &kStreetOfficer, id, nullptr, kMon + kHour));
  // Unknown petition, unknown unit, bad role, bad text.
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_accept(e, &kStreetOfficer, 999, kMon + kHour));
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_accept(e, &kStreetOfficer, 0, kMon + kHour));
  const jc_actor ghost = {"S-1", JC_ROLE_STREET_OFFICER, "no-such-unit"};
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_accept(e, &ghost, id, kMon + kHour));
  const jc_actor bad_role = {"S-1", 42, kStreet};
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_accept(e, &bad_role, id, kMon + kHour));
  const jc_actor bad_id = {"\xed\xa0\x80", JC_ROLE_STREET_OFFICER, kStreet};  // a surrogate
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_accept(e, &bad_id, id, kMon + kHour));
  const jc_actor null_id = {nullptr, JC_ROLE_STREET_OFFICER, kStreet};
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_accept(e, &null_id, id, kMon + kHour));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_accept(e, nullptr, id, kMon + kHour));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_accept(nullptr, &kStreetOfficer, id, kMon + kHour));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_request_extension(e, &kStaff, id, "5 days", "x", kMon));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_evaluate(e, &kResident, id, 1, 1, 7, kMon));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_reopen(e, &kResident, id, 5, "x", kMon));
  // Submissions with bad fields.
  jc_submission s = sample_submission("x");
  uint64_t out = 0;
  s.channel = 99;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_submit(&out, e, &kResident, &s, kMon));
  s.channel = 0;
  s.text = nullptr;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_submit(&out, e, &kResident, &s, kMon));
  s.text = "\x80";
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_submit(&out, e, &kResident, &s, kMon));
  s.text = "x";
  s.location = "nowhere";
  EXPECT_NE(jc_engine_submit(&out, e, &kResident, &s, kMon), JC_OK);
  s.location = kHousehold;
  s.version = 77;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_submit(&out, e, &kResident, &s, kMon));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_submit(&out, e, &kResident, nullptr, kMon));
  EXPECT_EQ(out, 0u);
  EXPECT_EQ(digest(e), before);
  EXPECT_EQ(state_of(e, id), JC_STATE_RECEIVED);
  int st = 0;
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_state(&st, e, 12345));
  jc_engine_free(e);
}

// The hot scalar queries check their arguments inline; each refusal names the call and
// the argument, and leaves the out value alone.
TEST(CapiEngine, ScalarQueriesRefuseBadArguments) {
  jc_engine* e = sample_engine();
  const uint64_t id = submit(e);
  int st = -7;
  int64_t due = -7;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_state(nullptr, e, id));
  EXPECT_EQ(last_error(), "jc_engine_state: out is NULL");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_state(&st, nullptr, id));
  EXPECT_EQ(last_error(), "jc_engine_state: engine is NULL");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_deadline(nullptr, e, id));
  EXPECT_EQ(last_error(), "jc_engine_deadline: out is NULL");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_deadline(&due, nullptr, id));
  EXPECT_EQ(last_error(), "jc_engine_deadline: engine is NULL");
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_deadline(&due, e, id + 1000));
  EXPECT_NE(last_error().find("jc_engine_deadline: "), std::string::npos) << last_error();
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_state(&st, e, 0));
  EXPECT_NE(last_error().find("jc_engine_state: "), std::string::npos) << last_error();
  EXPECT_EQ(st, -7);
  EXPECT_EQ(due, -7);
  ASSERT_OK(jc_engine_state(&st, e, id));
  EXPECT_EQ(st, JC_STATE_RECEIVED);
  ASSERT_OK(jc_engine_deadline(&due, e, id));
  EXPECT_GT(due, kMon);
  jc_engine_free(e);
}

TEST(CapiEngine, EveryCommandThroughTheAbi) {
  jc_engine* e = sample_engine();
  // reject
  uint64_t a = submit(e);
  ASSERT_OK(jc_engine_reject(e, &kStreetOfficer, a, "不属于受理范围", kMon + kHour));
  EXPECT_EQ(state_of(e, a), JC_STATE_REJECTED);
  // merge
  uint64_t b = submit(e), c = submit(e);
  ASSERT_OK(jc_engine_merge(e, &kStreetOfficer, c, b, kMon + kHour));
  EXPECT_EQ(state_of(e, c), JC_STATE_MERGED);
  // withdraw
  uint64_t w = submit(e);
  ASSERT_OK(jc_engine_withdraw(e, &kResident, w, "已自行解决", kMon + kHour));
  EXPECT_EQ(state_of(e, w), JC_STATE_WITHDRAWN);
  // return, escalate, extension request / grant / deny, supervise, close, reopen
  ASSERT_OK(jc_engine_accept(e, &kStreetOfficer, b, kMon + kHour));
  ASSERT_OK(jc_engine_dispatch(e, &kSecretary, b, kGrid, 0, kMon + kHour));
  char unit[64];
  size_t len = 0;
  ASSERT_OK(jc_engine_current_unit(unit, sizeof unit, &len, e, b));
  EXPECT_STREQ(unit, kGrid);
  const jc_actor grid_worker = {"G-1", JC_ROLE_GRID_WORKER, kGrid};
  ASSERT_OK(jc_engine_return(e, &grid_worker, b, "非本网格事项", kMon + 2 * kHour));
  EXPECT_EQ(state_of(e, b), JC_STATE_ACCEPTED);
  ASSERT_OK(jc_engine_dispatch(e, &kSecretary, b, kGrid, 1, kMon + 3 * kHour));  // 指定
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_return(e, &grid_worker, b, "again", kMon + 4 * kHour));
  ASSERT_OK(jc_engine_sign(e, &grid_worker, b, kMon + 4 * kHour));
  ASSERT_OK(jc_engine_escalate(e, &grid_worker, b, "需社区协调", kMon + 5 * kHour));
  ASSERT_OK(jc_engine_current_unit(unit, sizeof unit, &len, e, b));
  EXPECT_STREQ(unit, kCommunity);
  EXPECT_EQ(state_of(e, b), JC_STATE_DISPATCHED);
  ASSERT_OK(jc_engine_sign(e, &kStaff, b, kMon + 6 * kHour));
  ASSERT_OK(jc_engine_supervise(e, &kStreetOfficer, b, "街道督办", kMon + 6 * kHour));
  ASSERT_OK(jc_engine_request_extension(e, &kStaff, b, "2wd", "需协调物业", kMon + 7 * kHour));
  ASSERT_OK(jc_engine_deny_extension(e, &kSecretary, b, "时限内可完成", kMon + 8 * kHour));
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_grant_extension(e, &kSecretary, b, kMon + 8 * kHour));
  ASSERT_OK(jc_engine_resolve(e, &kStaff, b, "已处理", kMon + 9 * kHour));
  ASSERT_OK(jc_engine_close(e, &kSecretary, b, nullptr, kMon + 10 * kHour));
  EXPECT_EQ(state_of(e, b), JC_STATE_CLOSED);
  // Only an unsatisfied evaluation reopens (hotline track).
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_reopen(e, &kResident, b, JC_REOPEN, "问题复发", kMon + 11 * kHour));
  const uint64_t r = submit(e);
  ASSERT_OK(jc_engine_accept(e, &kStreetOfficer, r, kMon + kHour));
  ASSERT_OK(jc_engine_dispatch(e, &kSecretary, r, kCommunity, 0, kMon + kHour));
  ASSERT_OK(jc_engine_sign(e, &kStaff, r, kMon + 2 * kHour));
  ASSERT_OK(jc_engine_resolve(e, &kStaff, r, "已处理", kMon + 3 * kHour));
  ASSERT_OK(jc_engine_evaluate(e, &kResident, r, 1, 0, JC_UNSATISFIED, kMon + 4 * kHour));
  ASSERT_OK(jc_engine_reopen(e, &kResident, r, JC_REOPEN, "问题复发", kMon + 5 * kHour));
  EXPECT_EQ(state_of(e, r), JC_STATE_DISPATCHED);
  jc_engine_free(e);
}

TEST(CapiEngine, HotPathWithResolvedActors) {
  jc_engine* e = sample_engine();
  const uint64_t id = submit(e);
  jc_actor_handle officer;
  ASSERT_OK(jc_engine_resolve_actor(&officer, e, &kStreetOfficer));
  jc_actor_handle staff;
  ASSERT_OK(jc_engine_resolve_actor(&staff, e, &kStaff));
  ASSERT_OK(jc_engine_execute(e, &officer, JC_EVENT_ACCEPT, id, kMon + kHour));
  ASSERT_OK(jc_engine_execute(e, &officer, JC_EVENT_DISPATCH, id, kMon + kHour));
  ASSERT_OK(jc_engine_execute(e, &staff, JC_EVENT_SIGN, id, kMon + 2 * kHour));
  EXPECT_EQ(state_of(e, id), JC_STATE_IN_PROGRESS);
  const std::string before = digest(e);
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_execute(e, &staff, JC_EVENT_SIGN, id, kMon + 3 * kHour));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_execute(e, &staff, JC_EVENT_SUBMIT, id, kMon));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_execute(e, &staff, 18, id, kMon));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_execute(e, &staff, -1, id, kMon));
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_execute(e, &staff, JC_EVENT_URGE, 77, kMon));
  jc_actor_handle forged = staff;
  forged.unit_ref += 1000;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_execute(e, &forged, JC_EVENT_URGE, id, kMon));
  jc_actor_handle zero = {0, 0, 0, 0};
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_execute(e, &zero, JC_EVENT_URGE, id, kMon));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_execute(e, nullptr, JC_EVENT_URGE, id, kMon));
  jc_engine* other = sample_engine();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_execute(other, &staff, JC_EVENT_URGE, id, kMon));  // foreign
  jc_engine_free(other);
  EXPECT_EQ(digest(e), before);
  // In bulk: three accepts in one call, then the same again (all refused, nothing changed).
  uint64_t many[3] = {submit(e), submit(e), submit(e)};
  jc_status results[3] = {JC_UNKNOWN, JC_UNKNOWN, JC_UNKNOWN};
  ASSERT_OK(jc_engine_execute_many(results, e, &officer, JC_EVENT_ACCEPT, many, 3, kMon + kHour));
  for (uint64_t m : many) EXPECT_EQ(state_of(e, m), JC_STATE_ACCEPTED);
  EXPECT_EQ(results[2], JC_OK);
  const std::string accepted = digest(e);
  uint64_t mixed[2] = {many[0], 424242};
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_execute_many(results, e, &officer, JC_EVENT_ACCEPT, mixed, 2, kMon));
  EXPECT_EQ(results[0], JC_FAILED_PRECONDITION);
  EXPECT_EQ(results[1], JC_NOT_FOUND);
  EXPECT_EQ(digest(e), accepted);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_execute_many(results, e, &forged, JC_EVENT_ACCEPT, many, 3, kMon));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_execute_many(results, e, &officer, JC_EVENT_ACCEPT, nullptr, 3, kMon));
  ASSERT_OK(jc_engine_execute_many(nullptr, e, &officer, JC_EVENT_URGE, nullptr, 0, kMon));
  const jc_actor ghost = {"x", JC_ROLE_STREET_OFFICER, "no-such-unit"};
  jc_actor_handle h;
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_resolve_actor(&h, e, &ghost));
  jc_engine_free(e);
}

TEST(CapiEngine, BulkLoopSubmitToEvaluation) {
  jc_engine* e = sample_engine();
  const char* residents[4] = {"R-1", "R-2", "R-3", "R-4"};
  const char* locations[4] = {kHousehold, kHousehold, kHousehold, kHousehold};
  const char* categories[4] = {"noise", "noise", "noise", "noise"};
  const char* texts[4] = {"噪音一", "噪音二", "噪音三", "噪音四"};
  const char* keys[4] = {"k1", nullptr, "k3", "k4"};
  const int64_t times[4] = {kMon, kMon + 1, kMon + 2, kMon + 3};
  jc_submission_columns cols;
  ASSERT_OK(jc_submission_columns_init(&cols, JC_SUBMISSION_COLUMNS_VERSION));
  cols.count = 4;
  cols.actor_ids = residents;
  cols.locations = locations;
  cols.categories = categories;
  cols.texts = texts;
  cols.idempotency_keys = keys;
  cols.times = times;
  uint64_t ids[4] = {};
  jc_status results[4];
  ASSERT_OK(jc_engine_submit_many(ids, results, e, &cols, kMon));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(results[i], JC_OK);
    EXPECT_EQ(state_of(e, ids[i]), JC_STATE_RECEIVED);
  }
  uint64_t by_key = 0;
  ASSERT_OK(jc_engine_find_by_key(&by_key, e, "k3"));
  EXPECT_EQ(by_key, ids[2]);
  char* js = nullptr;
  ASSERT_OK(jc_engine_petition_json(&js, e, ids[1], 0));
  const std::string pj = take(js);
  EXPECT_NE(pj.find("\"petitioner\":\"R-2\""), std::string::npos) << pj;
  EXPECT_NE(pj.find("噪音二"), std::string::npos) << pj;
  // A bad element refuses that petition only, with a message naming the column and index.
  const std::string before = digest(e);
  const char* bad_texts[4] = {"ok", nullptr, "\xC0\xAF", "ok"};
  const char* unknown[4] = {kHousehold, kHousehold, kHousehold, "H-nowhere"};
  cols.texts = bad_texts;
  cols.locations = unknown;
  cols.idempotency_keys = nullptr;
  uint64_t ids2[4] = {9, 9, 9, 9};
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_submit_many(ids2, results, e, &cols, kMon));
  EXPECT_NE(last_error().find("columns.texts[1]"), std::string::npos) << last_error();
  EXPECT_EQ(results[0], JC_OK);
  EXPECT_EQ(results[1], JC_INVALID_ARGUMENT);
  EXPECT_EQ(results[2], JC_INVALID_ARGUMENT);
  EXPECT_NE(results[3], JC_OK);
  EXPECT_NE(ids2[0], 0u);
  EXPECT_EQ(ids2[1], 0u);
  EXPECT_EQ(ids2[3], 0u);
  // Call-level errors change nothing.
  const std::string after_one = digest(e);
  EXPECT_NE(after_one, before);
  cols.texts = nullptr;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_submit_many(ids2, results, e, &cols, kMon));
  EXPECT_NE(last_error().find("columns.texts is NULL"), std::string::npos) << last_error();
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_submit_many(nullptr, results, e, &cols, kMon));
  cols.version = 99;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_submit_many(ids2, results, e, &cols, kMon));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_submit_many(ids2, results, nullptr, &cols, kMon));
  EXPECT_EQ(digest(e), after_one);

  // The rest of the loop in bulk with one resolved officer.
  jc_actor_handle officer;
  ASSERT_OK(jc_engine_resolve_actor(&officer, e, &kStreetOfficer));
  ASSERT_OK(jc_engine_execute_many(nullptr, e, &officer, JC_EVENT_ACCEPT, ids, 4, kMon + kHour));
  ASSERT_OK(jc_engine_execute_many(nullptr, e, &officer, JC_EVENT_DISPATCH, ids, 4, kMon + kHour));
  ASSERT_OK(jc_engine_execute_many(nullptr, e, &officer, JC_EVENT_SIGN, ids, 4, kMon + 2 * kHour));
  const char* answers[4] = {"已处理", "已处理", "已处理", "已处理"};
  EXPECT_STATUS(JC_INVALID_ARGUMENT,
                jc_engine_execute_text_many(results, e, &officer, JC_EVENT_SIGN, ids, answers, 4, kMon + 3 * kHour));
  EXPECT_NE(last_error().find("not a command with one text"), std::string::npos) << last_error();
  ASSERT_OK(jc_engine_execute_text_many(results, e, &officer, JC_EVENT_RESOLVE, ids, answers, 4, kMon + 3 * kHour));
  for (uint64_t id : ids) EXPECT_EQ(state_of(e, id), JC_STATE_RESOLVED);
  const std::string resolved = digest(e);
  jc_evaluation evs[4] = {{1, 1, JC_SATISFIED}, {1, 0, JC_BASICALLY_SATISFIED}, {1, 1, 7}, {0, 0, JC_UNSATISFIED}};
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_evaluate_many(results, e, &officer, ids, evs, 4, kMon + 4 * kHour));
  EXPECT_NE(last_error().find("evaluations[2].satisfaction 7"), std::string::npos) << last_error();
  EXPECT_EQ(results[0], JC_OK);
  EXPECT_EQ(results[2], JC_INVALID_ARGUMENT);
  EXPECT_EQ(results[3], JC_OK);
  EXPECT_EQ(state_of(e, ids[2]), JC_STATE_RESOLVED);  // the refused one is unchanged
  EXPECT_NE(state_of(e, ids[0]), JC_STATE_RESOLVED);
  ASSERT_OK(jc_engine_history_json(&js, e, ids[1], 0));
  const std::string hist = take(js);
  EXPECT_NE(hist.find("\"satisfaction\":\"basically_satisfied\""), std::string::npos) << hist;
  EXPECT_NE(hist.find("\"reason\":\"已处理\""), std::string::npos) << hist;
  EXPECT_NE(digest(e), resolved);
  jc_actor_handle forged = officer;
  forged.check ^= 1;
  const std::string now_state = digest(e);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_evaluate_many(results, e, &forged, ids, evs, 4, kMon));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_evaluate_many(results, e, &officer, ids, nullptr, 4, kMon));
  EXPECT_STATUS(JC_INVALID_ARGUMENT,
                jc_engine_execute_text_many(results, e, &forged, JC_EVENT_RESOLVE, ids, answers, 4, kMon));
  EXPECT_EQ(digest(e), now_state);
  jc_engine_free(e);
}

TEST(CapiEngine, TickMarksOverdue) {
  jc_engine* e = sample_engine();
  const uint64_t id = submit(e);
  jc_tick_report r;
  ASSERT_OK(jc_engine_tick(&r, e, kMon + 30 * 86400));
  EXPECT_GE(r.overdue, 1u);
  EXPECT_GE(r.events, r.overdue);
  size_t count = 0;
  uint64_t ids[8];
  ASSERT_OK(jc_engine_overdue(ids, 8, &count, e, kMon + 30 * 86400));
  ASSERT_EQ(count, 1u);
  EXPECT_EQ(ids[0], id);
  ASSERT_OK(jc_engine_due_within(ids, 8, &count, e, kMon, 5));
  ASSERT_OK(jc_engine_tick(nullptr, e, kMon + 31 * 86400));
  char* out = nullptr;
  ASSERT_OK(jc_engine_petition_json(&out, e, id, 0));
  EXPECT_NE(take(out).find("\"ever_overdue\":true"), std::string::npos);
  jc_engine_free(e);
}

// Found by tests/fuzz/fuzz_capi_bulk (regression input submit-at-int64-max): a command
// time near INT64_MAX overflowed the deadline arithmetic (UB; a wrapped deadline in
// release builds), and a tick at such a time dropped wake-ups it then failed to run.
// Command and tick times outside 1900..8999 are refused and change nothing.
TEST(CapiEngine, CommandTimesOutOfRangeAreRefused) {
  jc_engine* e = sample_engine();
  const uint64_t id = submit(e);
  const std::string before = digest(e);
  const jc_submission s = sample_submission("时间错误");
  uint64_t out = 0;
  for (int64_t t : {INT64_MAX, INT64_MAX - 86400, INT64_MIN, int64_t{-2209017601}, int64_t{221845363200}}) {
    EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_submit(&out, e, &kResident, &s, t));
    EXPECT_NE(last_error().find("outside the supported range"), std::string::npos) << last_error();
    EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_accept(e, &kStreetOfficer, id, t));
    EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_tick(nullptr, e, t));
    // Configuration events carry a time too.
    EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_load_sample_org(e, t));
    EXPECT_NE(last_error().find("outside the supported range"), std::string::npos) << last_error();
    EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_set_policy(e, "national", t));
    EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_load_calendar_csv(e, "2030-10-01,holiday,x,y\n", JC_NUL_TERMINATED, t));
  }
  // The bulk path refuses each item the same way.
  const char* who[2] = {"R-1", "R-2"};
  const char* where[2] = {kHousehold, kHousehold};
  const char* what[2] = {"noise", "noise"};
  const char* text[2] = {"一", "二"};
  const int64_t times[2] = {INT64_MAX, kMon};
  jc_submission_columns cols = JC_SUBMISSION_COLUMNS_INIT;
  cols.count = 1;
  cols.actor_ids = who;
  cols.locations = where;
  cols.categories = what;
  cols.texts = text;
  cols.times = times;
  uint64_t ids[2] = {7, 7};
  jc_status results[2];
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_submit_many(ids, results, e, &cols, kMon));
  EXPECT_EQ(ids[0], 0u);
  EXPECT_EQ(digest(e), before);
  // The petition is still due and a tick in range still marks it overdue.
  jc_tick_report r;
  ASSERT_OK(jc_engine_tick(&r, e, kMon + 30 * 86400));
  EXPECT_EQ(r.overdue, 1u);
  // The edges of the range pass the time check (the calendar then has no holiday table
  // for those years: its own error).
  for (int64_t t : {int64_t{221845363199}, int64_t{-2209017600}}) {
    EXPECT_STATUS(JC_OUT_OF_RANGE, jc_engine_submit(&out, e, &kResident, &s, t));
    EXPECT_NE(last_error().find("holiday table"), std::string::npos) << last_error();
  }
  ASSERT_OK(jc_engine_tick(nullptr, e, int64_t{221845363199}));
  jc_engine_free(e);
}

struct BatchData {
  uint64_t ids[3];
  bool fail_at_end;
};

jc_status batch_body(jc_engine* e, void* user) {
  auto* d = static_cast<BatchData*>(user);
  for (uint64_t& id : d->ids) {
    const jc_submission s = sample_submission("batch");
    jc_status rc = jc_engine_submit(&id, e, &kResident, &s, kMon);
    if (rc != JC_OK) return rc;
  }
  if (d->fail_at_end) return jc_engine_accept(e, &kResident, d->ids[0], kMon);  // permission denied
  return JC_OK;
}

TEST(CapiEngine, BatchesCommitOrRollBack) {
  jc_engine* e = sample_engine();
  const std::string before = digest(e);
  BatchData bad{{0, 0, 0}, true};
  EXPECT_STATUS(JC_PERMISSION_DENIED, jc_engine_batch(e, batch_body, &bad));
  EXPECT_EQ(digest(e), before);
  BatchData good{{0, 0, 0}, false};
  ASSERT_OK(jc_engine_batch(e, batch_body, &good));
  EXPECT_EQ(state_of(e, good.ids[2]), JC_STATE_RECEIVED);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_batch(e, nullptr, nullptr));
  jc_engine_free(e);
}

TEST(CapiEngine, SnapshotRestoreAndConfiguration) {
  jc_engine* e = sample_engine();
  submit(e);
  char* snap = nullptr;
  size_t len = 0;
  ASSERT_OK(jc_engine_snapshot(&snap, &len, e));
  const std::string bytes(snap, len);
  jc_string_free(snap);
  jc_engine* copy = nullptr;
  ASSERT_OK(jc_engine_open(&copy, nullptr));
  ASSERT_OK(jc_engine_restore(copy, bytes.data(), bytes.size()));
  EXPECT_EQ(digest(copy), digest(e));
  const std::string d = digest(copy);
  EXPECT_STATUS(JC_DATA_LOSS, jc_engine_restore(copy, bytes.data(), bytes.size() / 2));
  EXPECT_EQ(digest(copy), d);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_restore(copy, nullptr, 4));
  char name[64];
  ASSERT_OK(jc_engine_policy_name(name, sizeof name, &len, copy));
  EXPECT_STREQ(name, "suzhou-sip");
  ASSERT_OK(jc_engine_set_policy(copy, "national", kMon));
  ASSERT_OK(jc_engine_policy_name(name, sizeof name, &len, copy));
  EXPECT_STREQ(name, "national");
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_set_policy(copy, "atlantis", kMon));
  // The borrowed org and calendar views are read-only.
  const jc_org* org = nullptr;
  ASSERT_OK(jc_engine_org(&org, copy));
  uint32_t u = 0;
  ASSERT_OK(jc_org_find(&u, org, kGrid));
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_org_load_sample(const_cast<jc_org*>(org)));
  jc_org_free(const_cast<jc_org*>(org));  // ignored: borrowed
  ASSERT_OK(jc_org_find(&u, org, kGrid));
  const jc_calendar* cal = nullptr;
  ASSERT_OK(jc_engine_calendar(&cal, copy));
  int w = 0;
  ASSERT_OK(jc_calendar_is_workday(&w, cal, jc_date{2025, 1, 6}));
  EXPECT_EQ(w, 1);
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_calendar_set_weekend_only(const_cast<jc_calendar*>(cal), 1));
  const std::string year = "2030-01-01,holiday,New Year,元旦\n";
  ASSERT_OK(jc_engine_load_calendar_csv(copy, year.data(), year.size(), kMon));
  ASSERT_OK(jc_calendar_is_workday(&w, cal, jc_date{2030, 1, 1}));
  EXPECT_EQ(w, 0);
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_load_org_file(copy, "/nonexistent.json", kMon));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_load_org(copy, "[", 1, kMon));
  jc_engine_free(copy);
  jc_engine_free(e);
  jc_engine_free(nullptr);
}

TEST(CapiEngine, OptionsAreVersioned) {
  jc_engine_options o = JC_ENGINE_OPTIONS_INIT;
  o.version = 2;
  jc_engine* e = nullptr;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_open(&e, &o));
  EXPECT_EQ(e, nullptr);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_options_init(&o, 0));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_options_init(nullptr, 1));
  jc_engine_options_init(&o, JC_ENGINE_OPTIONS_VERSION);
  o.policy = "atlantis";
  EXPECT_STATUS(JC_NOT_FOUND, jc_engine_open(&e, &o));
  o.policy = nullptr;
  o.sync = 9;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_open(&e, &o));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_open(nullptr, nullptr));
  jc_submission s;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_submission_init(&s, 3));
  ASSERT_OK(jc_submission_init(&s, JC_SUBMISSION_VERSION));
  EXPECT_EQ(s.text, nullptr);
}

TEST(CapiEngine, WorkflowDocuments) {
  char* out = nullptr;
  ASSERT_OK(jc_workflow_dot(&out));
  EXPECT_NE(take(out).find("digraph"), std::string::npos);
  ASSERT_OK(jc_workflow_matrix(&out, "csv"));
  EXPECT_NE(take(out).find("sign"), std::string::npos);
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_workflow_matrix(&out, "pdf"));
}

TEST(CapiEngine, ConcurrentReadersAndWriters) {
  jc_engine* e = sample_engine();
  std::vector<uint64_t> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(submit(e));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        if (t % 2 == 0) {
          if (jc_engine_accept(e, &kStreetOfficer, ids[static_cast<size_t>(i)], kMon + kHour) == JC_OK) continue;
          if (jc_last_error_code() != JC_FAILED_PRECONDITION) ++failures;  // the other writer was first
        } else {
          int s = 0;
          if (jc_engine_state(&s, e, ids[static_cast<size_t>(i)]) != JC_OK) ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (uint64_t id : ids) EXPECT_EQ(state_of(e, id), JC_STATE_ACCEPTED);
  jc_engine_free(e);
}

// Batches on two threads (a third roll back) while two more read through the engine's
// borrowed org and calendar views. Each jc_engine_batch re-pointed the views afterwards,
// writing the same values with no lock: ThreadSanitizer (the tsan preset) reported the
// two batches' writes as a data race. The views are now written only when they change.
jc_status submit_in_batch(jc_engine* e, void* user) {
  const bool fail = *static_cast<const bool*>(user);
  jc_submission s = sample_submission();
  uint64_t id = 0;
  const jc_status rc = jc_engine_submit(&id, e, &kResident, &s, kMon);
  if (rc != JC_OK) return rc;
  return fail ? JC_ABORTED : JC_OK;
}

TEST(CapiEngine, ConcurrentBatchesAndViewReaders) {
  jc_engine* e = sample_engine();
  const jc_org* org = nullptr;
  const jc_calendar* cal = nullptr;
  ASSERT_OK(jc_engine_org(&org, e));
  ASSERT_OK(jc_engine_calendar(&cal, e));
  size_t units = 0;
  ASSERT_OK(jc_org_unit_count(&units, org));
  ASSERT_GT(units, 0u);
  uint64_t before = 0;
  ASSERT_OK(jc_engine_last_seq(&before, e));
  std::atomic<int> failures{0}, committed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 60; ++i) {
        bool fail = (i + t) % 3 == 0;
        const jc_status rc = jc_engine_batch(e, submit_in_batch, &fail);
        if (rc == JC_OK && !fail) {
          ++committed;
        } else if (!(fail && rc == JC_ABORTED)) {
          ++failures;
        }
      }
    });
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        size_t n = 0;
        int w = -1;
        if (jc_org_unit_count(&n, org) != JC_OK || n != units) ++failures;
        if (jc_calendar_is_workday(&w, cal, jc_date{2024, 10, 1}) != JC_OK || w != 0) ++failures;  // National Day
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(committed.load(), 80);
  uint64_t seq = 0;
  ASSERT_OK(jc_engine_last_seq(&seq, e));
  EXPECT_EQ(seq - before, 80u);  // one submit per committed batch; the rolled-back left nothing
  const jc_org* again = nullptr;
  ASSERT_OK(jc_engine_org(&again, e));
  EXPECT_EQ(again, org);
  jc_engine_free(e);
}

// ---------------------------------------------------------------------------------------
// Journal

TEST(CapiJournal, DurableEngineReopensToTheSameState) {
  const std::string path = temp_path("engine.db");
  jc_engine_options o = journal_options(path);
  jc_engine* e = nullptr;
  ASSERT_OK(jc_engine_open(&e, &o));
  ASSERT_OK(jc_engine_load_sample_org(e, kMon - 86400));
  const uint64_t id = submit(e);
  ASSERT_OK(jc_engine_accept(e, &kStreetOfficer, id, kMon + kHour));
  uint64_t snap_seq = 0;
  ASSERT_OK(jc_engine_journal_snapshot(&snap_seq, e));
  ASSERT_OK(jc_engine_dispatch(e, &kSecretary, id, nullptr, 0, kMon + 2 * kHour));
  const std::string d = digest(e);
  uint64_t seq = 0;
  ASSERT_OK(jc_engine_last_seq(&seq, e));
  EXPECT_GT(seq, snap_seq);
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_restore(e, "x", 1));
  jc_engine_free(e);

  e = nullptr;
  ASSERT_OK(jc_engine_open(&e, &o));
  EXPECT_EQ(digest(e), d);
  EXPECT_EQ(state_of(e, id), JC_STATE_DISPATCHED);
  jc_engine_free(e);

  jc_journal* j = nullptr;
  jc_journal_options jo;
  ASSERT_OK(jc_journal_options_init(&jo, JC_JOURNAL_OPTIONS_VERSION));
  jo.read_only = 1;
  ASSERT_OK(jc_journal_open(&j, path.c_str(), &jo));
  jc_chain_report r;
  ASSERT_OK(jc_journal_verify(&r, j));
  EXPECT_EQ(r.last_seq, seq);
  EXPECT_EQ(r.events, seq);
  EXPECT_EQ(r.has_snapshot, 1);
  EXPECT_EQ(r.latest_snapshot, snap_seq);
  EXPECT_EQ(std::strlen(r.head), 64u);
  uint64_t n = 0;
  ASSERT_OK(jc_journal_snapshot_count(&n, j));
  EXPECT_EQ(n, 1u);
  ASSERT_OK(jc_journal_last_seq(&n, j));
  EXPECT_EQ(n, seq);
  char* out = nullptr;
  ASSERT_OK(jc_journal_latest_snapshot_json(&out, j));
  EXPECT_NE(take(out).find("\"digest\""), std::string::npos);
  jc_journal_free(j);

  jc_engine* mem = nullptr;
  ASSERT_OK(jc_engine_open(&mem, nullptr));
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_journal_snapshot(nullptr, mem));
  jc_engine_free(mem);
}

TEST(CapiJournal, Errors) {
  jc_journal* j = nullptr;
  jc_journal_options jo = JC_JOURNAL_OPTIONS_INIT;
  jo.create_if_missing = 0;
  EXPECT_STATUS(JC_NOT_FOUND, jc_journal_open(&j, "/nonexistent/dir/j.db", &jo));
  EXPECT_EQ(j, nullptr);
  const std::string junk = temp_path("junk.db");
  {
    FILE* f = std::fopen(junk.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not a database, not at all, just text....................................", f);
    std::fclose(f);
  }
  EXPECT_NE(jc_journal_open(&j, junk.c_str(), nullptr), JC_OK);
  EXPECT_NE(last_error().find("jc_journal_open"), std::string::npos);
  jo.version = 5;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_journal_open(&j, junk.c_str(), &jo));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_journal_open(&j, nullptr, nullptr));
  jc_chain_report r;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_journal_verify(&r, nullptr));
  jc_journal_free(nullptr);
  char hex[65];
  size_t len = 0;
  ASSERT_OK(jc_sha256_hex(hex, sizeof hex, &len, "abc", 3));
  EXPECT_STREQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
