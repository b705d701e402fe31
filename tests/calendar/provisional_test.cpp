// Tests of the provisional rule (暂行规则): the statutory holidays of years after the
// official table, from ICU (lunar dates) and ERFA (the 清明 solar term), checked against
// dates computed by an independent implementation.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "calendar/provisional.hpp"
#include "jiceng/calendar.hpp"

namespace jiceng {
namespace {

using ::testing::HasSubstr;
namespace ci = calendar_internal;

Date D(const char* text) {
  auto d = parse_date(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Date();
}
std::string F(const absl::StatusOr<Date>& d) { return d.ok() ? format_date(*d) : std::string(d.status().message()); }
std::string F(std::int64_t day) { return format_date(Date(static_cast<Date::date_int_type>(day))); }

// The fixture: Lunar New Year (正月初一), 清明, 端午 (五月初五) and 中秋 (八月十五) per year,
// from the npm package chinese-days 1.5.7, which carries its own lunar tables and solar-
// term formulae (no ICU): getSolarDateFromLunar("Y-01-01" / "Y-05-05" / "Y-08-15").date
// and getSolarTerms("Y-03-25", "Y-04-15") filtered to 清明, run under Node.js 20.
struct Fixture {
  int year;
  const char* new_year;
  const char* qingming;
  const char* dragon_boat;
  const char* mid_autumn;
};
constexpr Fixture kChineseDays[] = {
    {2025, "2025-01-29", "2025-04-04", "2025-05-31", "2025-10-06"},
    {2026, "2026-02-17", "2026-04-05", "2026-06-19", "2026-09-25"},
    {2027, "2027-02-06", "2027-04-05", "2027-06-09", "2027-09-15"},
    {2028, "2028-01-26", "2028-04-04", "2028-05-28", "2028-10-03"},
    {2029, "2029-02-13", "2029-04-04", "2029-06-16", "2029-09-22"},
    {2030, "2030-02-03", "2030-04-05", "2030-06-05", "2030-09-12"},
    {2031, "2031-01-23", "2031-04-05", "2031-06-24", "2031-10-01"},
    {2032, "2032-02-11", "2032-04-04", "2032-06-12", "2032-09-19"},
    {2033, "2033-01-31", "2033-04-04", "2033-06-01", "2033-09-08"},
    {2034, "2034-02-19", "2034-04-05", "2034-06-20", "2034-09-27"},
    {2035, "2035-02-08", "2035-04-05", "2035-06-10", "2035-09-16"},
    {2036, "2036-01-28", "2036-04-04", "2036-05-30", "2036-10-04"},
};

TEST(ProvisionalRule, LunarDatesAndQingmingMatchAnIndependentSource) {
  for (const auto& f : kChineseDays) {
    SCOPED_TRACE(f.year);
    auto ny = ci::lunar_to_day(f.year, 1, 1);
    ASSERT_TRUE(ny.ok()) << ny.status();
    EXPECT_EQ(F(*ny), f.new_year);
    EXPECT_EQ(F(*ci::lunar_to_day(f.year, 5, 5)), f.dragon_boat);
    EXPECT_EQ(F(*ci::lunar_to_day(f.year, 8, 15)), f.mid_autumn);
    EXPECT_EQ(F(ci::qingming_day(f.year)), f.qingming);
  }
}

TEST(ProvisionalRule, StatutoryDaysOfTheLaw) {
  for (const auto& f : kChineseDays) {
    SCOPED_TRACE(f.year);
    auto days = ci::statutory_days(1, f.year);
    ASSERT_TRUE(days.ok()) << days.status();
    std::vector<std::string> got;
    for (const auto& d : *days) got.push_back(F(d.day));
    const std::int64_t ny = static_cast<std::int64_t>(D(f.new_year).day_number());
    std::vector<std::string> want = {absl::StrCat(f.year, "-01-01"), F(ny - 1), F(ny), F(ny + 1), F(ny + 2),
                                     f.qingming, absl::StrCat(f.year, "-05-01"), absl::StrCat(f.year, "-05-02"),
                                     f.dragon_boat, f.mid_autumn, absl::StrCat(f.year, "-10-01"),
                                     absl::StrCat(f.year, "-10-02"), absl::StrCat(f.year, "-10-03")};
    std::sort(want.begin(), want.end());
    want.erase(std::unique(want.begin(), want.end()), want.end());  // 中秋 may fall on 国庆
    EXPECT_EQ(got, want);
  }
  EXPECT_EQ(ci::provisional_days(2, 2027).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ProvisionalRule, EveryStatutoryDay2025To2030IsADayOff) {
  const WorkCalendar& cal = WorkCalendar::china();
  for (int y = 2025; y <= 2030; ++y) {
    auto days = ci::statutory_days(1, y);
    ASSERT_TRUE(days.ok());
    for (const auto& d : *days) {
      const Date date(static_cast<Date::date_int_type>(d.day));
      auto w = cal.is_workday(date);
      ASSERT_TRUE(w.ok()) << format_date(date) << ": " << w.status();
      EXPECT_FALSE(*w) << format_date(date);
      // The official years 2025–2026 hold every statutory day the rule gives.
      EXPECT_EQ(cal.day_info(date)->provisional, y > 2026) << format_date(date);
    }
  }
}

TEST(ProvisionalRule, SpringFestival2027SkipsItsDaysAndTheMakeUpDays) {
  const WorkCalendar& cal = WorkCalendar::china();
  // 2027: 除夕 Fri 02-05, 初一 Sat 02-06, 初二 Sun 02-07, 初三 Mon 02-08; the two weekend
  // days are made up on Tue 02-09 and Wed 02-10.
  for (const char* d : {"2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10"}) {
    auto info = cal.day_info(D(d));
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->kind, DayKind::kHoliday) << d;
    EXPECT_EQ(info->name_zh, "春节") << d;
    EXPECT_TRUE(info->provisional) << d;
  }
  EXPECT_EQ(F(cal.add_workdays(D("2027-02-04"), 1)), "2027-02-11");
  EXPECT_EQ(F(cal.add_workdays(D("2027-02-01"), 5)), "2027-02-12");
  EXPECT_EQ(*cal.workdays_between(D("2027-02-04"), D("2027-02-11")), 1);
  // A deadline of 15 working days from 2027-01-25 crosses the festival.
  EXPECT_EQ(F(cal.add_workdays(D("2027-01-25"), 15)), "2027-02-19");
  // No 调休: no weekend is worked.
  EXPECT_EQ(cal.day_info(D("2027-02-20"))->kind, DayKind::kWeekend);
}

TEST(ProvisionalRule, SubstitutesForWeekendsAndOverlaps) {
  const WorkCalendar& cal = WorkCalendar::china();
  // 2028-01-01 is a Saturday: made up on Monday 01-03.
  EXPECT_EQ(cal.day_info(D("2028-01-03"))->kind, DayKind::kHoliday);
  EXPECT_EQ(cal.day_info(D("2028-01-03"))->name_en, "New Year's Day");
  // 2028: 国庆 Sun 10-01 .. Tue 10-03 and 中秋 on 10-03: 国庆 owes one day (10-04), 中秋
  // falls on a day already off and is made up next (10-05).
  EXPECT_EQ(cal.day_info(D("2028-10-04"))->name_zh, "国庆节");
  EXPECT_EQ(cal.day_info(D("2028-10-05"))->name_zh, "中秋");
  EXPECT_TRUE(*cal.is_workday(D("2028-10-06")));
}

TEST(ProvisionalRule, ModesAndTheirEdges) {
  WorkCalendar cal = WorkCalendar::china();
  EXPECT_EQ(cal.mode(), CalendarMode::kProvisional);
  EXPECT_EQ(format_date(cal.first_provisional_day()), "2027-01-01");
  EXPECT_EQ(cal.last_provisional_year(), 2036);
  // 2027-01-04 (Mon) answers; 元旦 2027 (Fri) is a day off.
  EXPECT_TRUE(*cal.is_workday(D("2027-01-04")));
  EXPECT_FALSE(*cal.is_workday(D("2027-01-01")));
  EXPECT_EQ(F(cal.add_workdays(D("2026-12-20"), 20)), "2027-01-18");
  EXPECT_TRUE(cal.span_is_provisional(D("2026-12-20"), D("2027-01-18")));
  EXPECT_FALSE(cal.span_is_provisional(D("2026-12-01"), D("2026-12-31")));
  // Past the ten years: OUT_OF_RANGE naming both ranges; before the table too.
  auto far = cal.is_workday(D("2037-01-05"));
  EXPECT_EQ(far.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(far.status().message()), HasSubstr("2027–2036"));
  EXPECT_EQ(cal.is_workday(D("2003-12-31")).status().code(), absl::StatusCode::kOutOfRange);
  // Strict refuses 2027; weekend-only treats 2027-01-01 as a plain Friday.
  cal.set_mode(CalendarMode::kStrict);
  EXPECT_EQ(cal.is_workday(D("2027-01-04")).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(cal.first_provisional_day().is_special());
  cal.set_mode(CalendarMode::kWeekendOnly);
  EXPECT_TRUE(*cal.is_workday(D("2027-01-01")));
  EXPECT_FALSE(cal.day_info(D("2027-01-01"))->provisional);
  // The mode is part of the calendar's identity.
  EXPECT_FALSE(cal == WorkCalendar::china());
  cal.set_mode(CalendarMode::kProvisional);
  EXPECT_TRUE(cal == WorkCalendar::china());
  // An unknown rule version changes nothing.
  EXPECT_EQ(cal.set_provisional_rule(7).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cal.provisional_rule(), 1);
  EXPECT_TRUE(cal == WorkCalendar::china());
  EXPECT_EQ(*parse_calendar_mode("strict"), CalendarMode::kStrict);
  EXPECT_EQ(parse_calendar_mode("lenient").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ProvisionalRule, CoverageWarnsWithinSixtyDays) {
  const WorkCalendar& cal = WorkCalendar::china();
  auto early = cal.coverage(D("2026-10-01"));
  EXPECT_EQ(early.last_official_year, 2026);
  EXPECT_EQ(early.official_days_left, 91);
  EXPECT_TRUE(early.warning.empty());
  auto late = cal.coverage(D("2026-12-05"));
  EXPECT_EQ(late.official_days_left, 26);
  EXPECT_THAT(late.warning, HasSubstr("2026-12-31"));
  EXPECT_THAT(late.warning, HasSubstr("provisional"));
  EXPECT_EQ(format_date(late.first_provisional_day), "2027-01-01");
  EXPECT_EQ(format_date(late.last_provisional_day), "2036-12-31");
  auto past = cal.coverage(D("2027-03-01"));
  EXPECT_LT(past.official_days_left, 0);
  EXPECT_THAT(past.warning, HasSubstr("ended"));
}

TEST(ProvisionalRule, AnOfficialYearReplacesTheProvisionalOne) {
  WorkCalendar cal = WorkCalendar::china();
  // A fixture 2027 schedule: a make-up Saturday (02-20) and an extra holiday (02-11).
  ASSERT_TRUE(cal.load_csv("2027-01-01,holiday,New Year's Day,元旦\n"
                           "2027-02-05,holiday,Spring Festival,春节\n"
                           "2027-02-08,holiday,Spring Festival,春节\n"
                           "2027-02-09,holiday,Spring Festival,春节\n"
                           "2027-02-10,holiday,Spring Festival,春节\n"
                           "2027-02-11,holiday,Spring Festival,春节\n"
                           "2027-02-20,workday,Spring Festival,春节\n",
                           "2027.csv")
                  .ok());
  EXPECT_FALSE(cal.day_info(D("2027-02-11"))->provisional);
  EXPECT_FALSE(*cal.is_workday(D("2027-02-11")));
  EXPECT_TRUE(*cal.is_workday(D("2027-02-20")));
  EXPECT_EQ(F(cal.add_workdays(D("2027-02-04"), 1)), "2027-02-12");
  // A malformed CSV changes nothing.
  const WorkCalendar before = cal;
  EXPECT_EQ(cal.load_csv("2028-01-03,holiday,X,甲\n2028-13-01,holiday,Y,乙\n", "bad.csv").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(cal == before);
  EXPECT_TRUE(cal.day_info(D("2028-01-03"))->provisional);
}

}  // namespace
}  // namespace jiceng
