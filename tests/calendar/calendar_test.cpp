// Tests of the working-day calendar (工作日历): dates, time zone, the embedded holiday
// table, add_workdays / workdays_between, unknown years and loading more years.
#include "jiceng/calendar.hpp"

#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace jiceng {
namespace {

using ::testing::HasSubstr;

Date D(const char* text) {
  auto d = parse_date(text);
  EXPECT_TRUE(d.ok()) << text;
  return d.ok() ? *d : Date();
}

std::string F(const absl::StatusOr<Date>& d) { return d.ok() ? format_date(*d) : std::string(d.status().message()); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The CSV as the test reads it, independently of the library's parser.
struct Row {
  std::string date, kind, en, zh;
};
std::vector<Row> table_rows() {
  std::vector<Row> rows;
  std::istringstream in(read_file(std::string(JICENG_SOURCE_DIR) + "/data/cn-holidays.csv"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("date,", 0) == 0) continue;
    Row r;
    std::istringstream f(line);
    std::getline(f, r.date, ',');
    std::getline(f, r.kind, ',');
    std::getline(f, r.en, ',');
    std::getline(f, r.zh, ',');
    rows.push_back(r);
  }
  return rows;
}

bool weekend(Date d) { return d.day_of_week() == boost::date_time::Saturday || d.day_of_week() == boost::date_time::Sunday; }

// ------------------------------------------------------------------------------------
// Dates and time zone

TEST(ParseDate, AcceptsStrictIsoDates) {
  EXPECT_EQ(D("2024-02-29"), Date(2024, 2, 29));
  EXPECT_EQ(D("1400-01-01"), Date(1400, 1, 1));
  EXPECT_EQ(D("9999-12-31"), Date(9999, 12, 31));
  EXPECT_EQ(format_date(Date(2026, 2, 4)), "2026-02-04");
  EXPECT_EQ(format_date(Date()), "not-a-date-time");
}

TEST(ParseDate, RejectsBadTextNamingIt) {
  for (const char* bad : {"", "2024-2-01", "2024-02-1", "20240201", "2024/02/01", "2024-02-01 ",
                          " 2024-02-01", "2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10",
                          "2024-01-00", "0000-01-01", "1399-12-31", "abcd-ef-gh", "2024-0a-01",
                          "+024-01-01", "2024-01-01T00"}) {
    auto d = parse_date(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(d.status().message()), HasSubstr(std::string("\"") + bad + "\"")) << bad;
  }
}

TEST(ChinaTime, DayIsTakenInUtcPlus8) {
  // 2026-02-13 15:59 UTC is 23:59 CST the same day; 16:30 UTC is 00:30 CST the next day.
  EXPECT_EQ(china_date(1770998340), Date(2026, 2, 13));
  EXPECT_EQ(china_date(1771000200), Date(2026, 2, 14));
  EXPECT_EQ(china_date(1770998340 + 60), Date(2026, 2, 14));  // 16:00 UTC is CST midnight
  EXPECT_EQ(china_date(0), Date(1970, 1, 1));
  EXPECT_EQ(china_date(-8 * 3600 - 1), Date(1969, 12, 31));  // floor, not truncation
  EXPECT_EQ(china_date(-8 * 3600), Date(1970, 1, 1));
  EXPECT_TRUE(china_date(std::numeric_limits<Timestamp>::max()).is_not_a_date());
  EXPECT_TRUE(china_date(std::numeric_limits<Timestamp>::min()).is_not_a_date());
}

TEST(ChinaTime, WallTimeToUtc) {
  // 2026-02-26 17:30 CST = 09:30 UTC.
  EXPECT_EQ(china_time_to_utc(Date(2026, 2, 26), 17 * 60 + 30), 1772098200);
  EXPECT_EQ(china_time_to_utc(Date(1970, 1, 1), 8 * 60), 0);
  for (Timestamp t : {Timestamp{1771000200}, Timestamp{1770998340}, Timestamp{-1}, Timestamp{86399}}) {
    const Date d = china_date(t);
    EXPECT_LE(china_time_to_utc(d, 0), t);
    EXPECT_GT(china_time_to_utc(d, 24 * 60), t);
  }
}

// ------------------------------------------------------------------------------------
// The embedded table

TEST(EmbeddedTable, CoversTheOfficialYears) {
  const auto& cal = WorkCalendar::china();
  EXPECT_EQ(cal.first_year(), 2004);
  EXPECT_EQ(cal.last_year(), 2026);
  EXPECT_EQ(cal.special_day_count(), table_rows().size());
  EXPECT_FALSE(cal.weekend_only_for_unknown_years());
}

TEST(EmbeddedTable, IsTheDataFile) {
  auto from_file = WorkCalendar::from_csv(read_file(std::string(JICENG_SOURCE_DIR) + "/data/cn-holidays.csv"),
                                          "cn-holidays.csv");
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  EXPECT_TRUE(*from_file == WorkCalendar::china());
}

TEST(EmbeddedTable, EverySpecialDayHasItsKindAndName) {
  const auto& cal = WorkCalendar::china();
  const auto rows = table_rows();
  ASSERT_GT(rows.size(), 700u);
  for (const auto& r : rows) {
    SCOPED_TRACE(r.date);
    const Date d = D(r.date.c_str());
    auto info = cal.day_info(d);
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->name_en, r.en);
    EXPECT_EQ(info->name_zh, r.zh);
    auto work = cal.is_workday(d);
    ASSERT_TRUE(work.ok());
    auto name = cal.holiday_name(d);
    ASSERT_TRUE(name.ok());
    if (r.kind == "holiday") {
      EXPECT_EQ(info->kind, DayKind::kHoliday);
      EXPECT_FALSE(*work);
      EXPECT_EQ(*name, r.en);
    } else {
      ASSERT_EQ(r.kind, "workday");
      EXPECT_EQ(info->kind, DayKind::kMakeupWorkday);
      EXPECT_TRUE(weekend(d));
      EXPECT_TRUE(*work);
      EXPECT_EQ(*name, "");
    }
  }
}

TEST(EmbeddedTable, EveryOtherDayFollowsTheWeekendRule) {
  const auto& cal = WorkCalendar::china();
  std::set<Date> special;
  for (const auto& r : table_rows()) special.insert(D(r.date.c_str()));
  int checked = 0;
  for (Date d(2004, 1, 1); d <= Date(2026, 12, 31); d += boost::gregorian::days(1)) {
    if (special.count(d)) continue;
    auto info = cal.day_info(d);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->kind, weekend(d) ? DayKind::kWeekend : DayKind::kWorkday) << format_date(d);
    EXPECT_EQ(*cal.is_workday(d), !weekend(d)) << format_date(d);
    EXPECT_EQ(*cal.holiday_name(d), "");
    EXPECT_TRUE(info->name_zh.empty());
    ++checked;
  }
  EXPECT_GT(checked, 7000);
}

// ------------------------------------------------------------------------------------
// Spring Festival spans, checked by hand against the State Council notices.

TEST(AddWorkdays, SpringFestival2024) {
  // Holiday Sat 02-10 .. Sat 02-17; make-up working days Sun 02-04 and Sun 02-18.
  const auto& cal = WorkCalendar::china();
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-08"), 1)), "2024-02-09");
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-09"), 1)), "2024-02-18");
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-09"), 2)), "2024-02-19");
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-02"), 1)), "2024-02-04");  // Fri -> make-up Sunday
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-02"), 2)), "2024-02-05");
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-12"), 0)), "2024-02-18");  // n=0 on a holiday
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-04"), 0)), "2024-02-04");  // n=0 on a make-up day
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-03"), 0)), "2024-02-04");  // n=0 on a plain Saturday
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-19"), -1)), "2024-02-18");
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-19"), -2)), "2024-02-09");
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-18"), -1)), "2024-02-09");
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-14"), -1)), "2024-02-09");  // from inside the holiday
  EXPECT_EQ(F(cal.next_workday(D("2024-02-09"))), "2024-02-18");
  EXPECT_EQ(*cal.workdays_between(D("2024-02-09"), D("2024-02-19")), 2);  // 02-09, 02-18
  EXPECT_EQ(*cal.workdays_between(D("2024-02-10"), D("2024-02-18")), 0);
  EXPECT_EQ(*cal.workdays_between(D("2024-02-19"), D("2024-02-09")), -2);
}

TEST(AddWorkdays, SpringFestival2026) {
  // Holiday Sun 02-15 .. Mon 02-23; make-up working days Sat 02-14 and Sat 02-28.
  const auto& cal = WorkCalendar::china();
  EXPECT_EQ(F(cal.add_workdays(D("2026-02-13"), 1)), "2026-02-14");
  EXPECT_EQ(F(cal.add_workdays(D("2026-02-14"), 1)), "2026-02-24");
  EXPECT_EQ(F(cal.add_workdays(D("2026-02-13"), 5)), "2026-02-27");
  EXPECT_EQ(F(cal.add_workdays(D("2026-02-13"), 6)), "2026-02-28");
  EXPECT_EQ(F(cal.add_workdays(D("2026-02-13"), 7)), "2026-03-02");
  EXPECT_EQ(F(cal.add_workdays(D("2026-02-21"), 0)), "2026-02-24");  // holiday Saturday
  EXPECT_EQ(F(cal.add_workdays(D("2026-02-28"), 0)), "2026-02-28");  // make-up Saturday
  EXPECT_EQ(F(cal.add_workdays(D("2026-02-14"), 0)), "2026-02-14");
  EXPECT_EQ(F(cal.add_workdays(D("2026-02-24"), -1)), "2026-02-14");
  EXPECT_EQ(F(cal.add_workdays(D("2026-03-02"), -7)), "2026-02-13");
  EXPECT_EQ(*cal.workdays_between(D("2026-02-01"), D("2026-03-01")), 16);
  EXPECT_EQ(*cal.workdays_between(D("2026-03-01"), D("2026-02-01")), -16);
  EXPECT_EQ(*cal.workdays_between(D("2026-02-14"), D("2026-02-14")), 0);
  EXPECT_EQ(*cal.workdays_between(D("2026-02-14"), D("2026-02-15")), 1);  // [a, b) holds a
  EXPECT_EQ(*cal.workdays_between(D("2026-02-13"), D("2026-02-14")), 1);  // ... and not b
  auto info = cal.day_info(D("2026-02-14"));
  EXPECT_EQ(info->kind, DayKind::kMakeupWorkday);
  EXPECT_EQ(info->name_zh, "春节");
  EXPECT_EQ(*cal.holiday_name(D("2026-02-16")), "Spring Festival");
  EXPECT_EQ(cal.day_info(D("2026-02-21"))->kind, DayKind::kHoliday);
}

TEST(AddWorkdays, TryFormAgreesAndLeavesOutputOnFailure) {
  const auto& cal = WorkCalendar::china();
  Date out;
  ASSERT_TRUE(cal.try_add_workdays(D("2026-02-13"), 5, &out));
  EXPECT_EQ(out, Date(2026, 2, 27));
  const Date sentinel(2000, 1, 1);
  out = sentinel;
  EXPECT_FALSE(cal.try_add_workdays(D("2036-12-25"), 10, &out));  // past the provisional years
  EXPECT_FALSE(cal.try_add_workdays(D("2041-01-01"), 1, &out));
  WorkCalendar strict = cal;
  strict.set_mode(CalendarMode::kStrict);
  EXPECT_FALSE(strict.try_add_workdays(D("2026-12-25"), 10, &out));
  EXPECT_FALSE(strict.try_add_workdays(D("2031-01-01"), 1, &out));
  EXPECT_FALSE(cal.try_add_workdays(Date(), 1, &out));
  EXPECT_FALSE(cal.try_add_workdays(Date(boost::gregorian::pos_infin), 1, &out));
  EXPECT_FALSE(cal.try_add_workdays(D("2004-01-05"), -10, &out));
  EXPECT_EQ(out, sentinel);
}

// Reference: walk day by day with is_workday (itself checked against the CSV above).
absl::StatusOr<Date> walk(const WorkCalendar& cal, Date d, int n) {
  const boost::gregorian::days one(n < 0 ? -1 : 1);
  if (n == 0) {
    while (true) {
      auto w = cal.is_workday(d);
      if (!w.ok()) return w.status();
      if (*w) return d;
      d += one;
    }
  }
  for (int left = n < 0 ? -n : n; left > 0;) {
    d += one;
    auto w = cal.is_workday(d);
    if (!w.ok()) return w.status();
    if (*w) --left;
  }
  return d;
}

TEST(AddWorkdays, PropertiesOverRandomDates) {
  const auto& cal = WorkCalendar::china();
  std::mt19937 rng(20260214);
  std::uniform_int_distribution<int> day(0, Date(2026, 8, 31).day_number() - Date(2004, 6, 1).day_number());
  std::uniform_int_distribution<int> step(-60, 60);
  for (int i = 0; i < 20000; ++i) {
    const Date d = Date(2004, 6, 1) + boost::gregorian::days(day(rng));
    const int n = step(rng);
    SCOPED_TRACE(format_date(d) + " n=" + std::to_string(n));
    auto r = cal.add_workdays(d, n);
    ASSERT_TRUE(r.ok()) << r.status();
    auto ref = walk(cal, d, n);
    ASSERT_TRUE(ref.ok());
    ASSERT_EQ(*r, *ref);
    EXPECT_TRUE(*cal.is_workday(*r));
    Date t;
    ASSERT_TRUE(cal.try_add_workdays(d, n, &t));
    EXPECT_EQ(t, *r);
    const int d_work = *cal.is_workday(d) ? 1 : 0;
    const int between = *cal.workdays_between(d, *r);
    const int expected = n > 0 ? n - 1 + d_work : n;  // n == 0 gives 0
    EXPECT_EQ(between, expected);
    EXPECT_EQ(*cal.workdays_between(*r, d), -between);
    // A second random date: the count is additive and antisymmetric.
    const Date e = Date(2004, 6, 1) + boost::gregorian::days(day(rng));
    EXPECT_EQ(*cal.workdays_between(d, e) + *cal.workdays_between(e, *r), between);
  }
}

TEST(WorkdaysBetween, CountsAWholeYear) {
  const auto& cal = WorkCalendar::china();
  // Counted independently from the CSV here, then pinned (2026: 248, 2024: 251).
  int expected = 0;
  std::set<std::string> holidays, makeups;
  for (const auto& r : table_rows()) {
    if (r.date.rfind("2026-", 0) != 0) continue;
    (r.kind == "holiday" ? holidays : makeups).insert(r.date);
  }
  for (Date d(2026, 1, 1); d.year() == 2026; d += boost::gregorian::days(1)) {
    const std::string s = format_date(d);
    if (makeups.count(s) || (!weekend(d) && !holidays.count(s))) ++expected;
  }
  EXPECT_EQ(*cal.workdays_between(D("2026-01-01"), D("2027-01-01")), expected);
  EXPECT_EQ(expected, 248);
  EXPECT_EQ(*cal.workdays_between(D("2024-01-01"), D("2025-01-01")), 251);
}

// ------------------------------------------------------------------------------------
// Unknown years and weekend-only rules

TEST(UnknownYears, AreOutOfRangeNamingYearAndRangeInStrictMode) {
  WorkCalendar cal = WorkCalendar::china();
  cal.set_mode(CalendarMode::kStrict);
  auto w = cal.is_workday(D("2031-03-03"));
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(w.status().message()), HasSubstr("year 2031"));
  EXPECT_THAT(std::string(w.status().message()), HasSubstr("2004–2026"));
  EXPECT_THAT(std::string(w.status().message()), HasSubstr("strict mode"));
  EXPECT_EQ(cal.add_workdays(D("2003-12-31"), 1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(cal.holiday_name(D("2003-12-31")).status().message()), HasSubstr("year 2003"));
  // Spans that run out of the table name the year they reach.
  auto late = cal.add_workdays(D("2026-12-25"), 10);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(late.status().message()), HasSubstr("year 2027"));
  EXPECT_THAT(std::string(cal.next_workday(D("2026-12-31")).status().message()), HasSubstr("year 2027"));
  EXPECT_EQ(F(cal.add_workdays(D("2026-12-30"), 1)), "2026-12-31");
  auto early = cal.add_workdays(D("2004-01-05"), -5);
  EXPECT_THAT(std::string(early.status().message()), HasSubstr("year 2003"));
  // Half-open: [2026-12-01, 2027-01-01) is all in 2026; one day more is not.
  EXPECT_TRUE(cal.workdays_between(D("2026-12-01"), D("2027-01-01")).ok());
  EXPECT_THAT(std::string(cal.workdays_between(D("2026-12-01"), D("2027-01-02")).status().message()),
              HasSubstr("year 2027"));
  EXPECT_THAT(std::string(cal.workdays_between(D("2027-01-02"), D("2026-12-01")).status().message()),
              HasSubstr("year 2027"));
}

TEST(UnknownYears, SpecialDatesAreInvalidArgument) {
  const auto& cal = WorkCalendar::china();
  EXPECT_EQ(cal.is_workday(Date()).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cal.add_workdays(Date(), 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cal.workdays_between(Date(), D("2026-01-01")).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cal.day_info(Date(boost::gregorian::neg_infin)).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(UnknownYears, WeekendOnlyRules) {
  WorkCalendar cal = WorkCalendar::china();
  cal.set_weekend_only_for_unknown_years(true);
  EXPECT_TRUE(*cal.is_workday(D("2031-01-01")));   // a Wednesday; no table, so no holiday
  EXPECT_FALSE(*cal.is_workday(D("2031-01-04")));  // Saturday
  EXPECT_EQ(cal.day_info(D("2031-01-04"))->kind, DayKind::kWeekend);
  EXPECT_EQ(*cal.holiday_name(D("2031-01-01")), "");
  // Across the end of the table: 2026-12-25 is a Friday; 2027-01-01 counts as a workday.
  EXPECT_EQ(F(cal.add_workdays(D("2026-12-25"), 10)), "2027-01-08");
  EXPECT_EQ(F(cal.add_workdays(D("2027-01-08"), -10)), "2026-12-25");
  EXPECT_EQ(F(cal.add_workdays(D("2004-01-02"), -1)), "2003-12-31");
  EXPECT_EQ(*cal.workdays_between(D("2026-12-25"), D("2027-01-08")), 10);
  // Tables still rule inside them: the 2026 Spring Festival is unchanged.
  EXPECT_EQ(F(cal.add_workdays(D("2026-02-14"), 1)), "2026-02-24");
  // Turning the rule off gives the default, the provisional rule: 2031-01-01 is 元旦.
  cal.set_weekend_only_for_unknown_years(false);
  EXPECT_EQ(cal.mode(), CalendarMode::kProvisional);
  EXPECT_FALSE(*cal.is_workday(D("2031-01-01")));
  EXPECT_TRUE(cal.day_info(D("2031-01-01"))->provisional);
  cal.set_mode(CalendarMode::kStrict);
  EXPECT_EQ(cal.is_workday(D("2031-01-01")).status().code(), absl::StatusCode::kOutOfRange);
}

// Reference for weekend-only mode: the CSV for 2004–2026, weekend rules elsewhere.
bool reference_workday(const std::map<Date, bool>& special, Date d) {
  auto it = special.find(d);
  return it != special.end() ? it->second : !weekend(d);
}

TEST(UnknownYears, WeekendOnlyAgreesWithAWalkAcrossBothEdges) {
  WorkCalendar cal = WorkCalendar::china();
  cal.set_weekend_only_for_unknown_years(true);
  std::map<Date, bool> special;
  for (const auto& r : table_rows()) special[D(r.date.c_str())] = r.kind == "workday";
  std::mt19937 rng(7);
  const Date lo(1998, 1, 1);
  std::uniform_int_distribution<int> day(0, Date(2033, 12, 31).day_number() - lo.day_number());
  std::uniform_int_distribution<int> step(-400, 400);
  for (int i = 0; i < 3000; ++i) {
    const Date d = lo + boost::gregorian::days(day(rng));
    const int n = step(rng);
    Date r = d;
    const boost::gregorian::days one(n < 0 ? -1 : 1);
    if (n == 0) {
      while (!reference_workday(special, r)) r += one;
    } else {
      for (int left = std::abs(n); left > 0;) {
        r += one;
        if (reference_workday(special, r)) --left;
      }
    }
    ASSERT_EQ(F(cal.add_workdays(d, n)), format_date(r)) << format_date(d) << " n=" << n;
    ASSERT_EQ(*cal.is_workday(d), reference_workday(special, d)) << format_date(d);
  }
}

TEST(UnknownYears, EmptyCalendar) {
  WorkCalendar cal;
  EXPECT_EQ(cal.first_year(), 0);
  EXPECT_THAT(std::string(cal.is_workday(D("2026-01-05")).status().message()), HasSubstr("none"));
  cal.set_weekend_only_for_unknown_years(true);
  EXPECT_EQ(F(cal.add_workdays(D("2026-01-02"), 1)), "2026-01-05");
  EXPECT_EQ(F(cal.add_workdays(D("1400-01-02"), -1)), "1400-01-01");
  EXPECT_EQ(cal.add_workdays(D("1400-01-01"), -1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(cal.add_workdays(D("9999-12-31"), 1).status().code(), absl::StatusCode::kOutOfRange);
}

// ------------------------------------------------------------------------------------
// Loading more years, replacing years, malformed CSV

constexpr char k2027[] =
    "# synthetic 2027 schedule for the tests\n"
    "date,kind,name_en,name_zh\n"
    "2027-01-01,holiday,New Year's Day,元旦\n"
    "2027-02-06,holiday,Spring Festival,春节\n"
    "2027-02-07,holiday,Spring Festival,春节\n"
    "2027-02-08,holiday,Spring Festival,春节\n"
    "2027-02-09,holiday,Spring Festival,春节\n"
    "2027-02-10,holiday,Spring Festival,春节\n"
    "2027-02-11,holiday,Spring Festival,春节\n"
    "2027-02-12,holiday,Spring Festival,春节\n"
    "2027-02-20,workday,Spring Festival,春节\n";

TEST(LoadCsv, AddsAYear) {
  WorkCalendar cal = WorkCalendar::china();
  ASSERT_TRUE(cal.load_csv(k2027, "2027.csv").ok());
  EXPECT_EQ(cal.first_year(), 2004);
  EXPECT_EQ(cal.last_year(), 2027);
  EXPECT_FALSE(*cal.is_workday(D("2027-01-01")));  // Friday, holiday
  EXPECT_TRUE(*cal.is_workday(D("2027-02-20")));   // Saturday, make-up
  EXPECT_EQ(*cal.holiday_name(D("2027-02-08")), "Spring Festival");
  // 2026-12-31 (Thu) + 1 skips New Year's Day 2027 and the weekend.
  EXPECT_EQ(F(cal.add_workdays(D("2026-12-31"), 1)), "2027-01-04");
  EXPECT_EQ(F(cal.add_workdays(D("2027-02-05"), 1)), "2027-02-15");
  EXPECT_EQ(F(cal.add_workdays(D("2027-02-19"), 1)), "2027-02-20");
  EXPECT_EQ(F(cal.add_workdays(D("2027-02-19"), 2)), "2027-02-22");
  // The embedded calendar is untouched.
  EXPECT_EQ(WorkCalendar::china().last_year(), 2026);
  // 2027 is official now, so the provisional years move on one: 2028–2037.
  EXPECT_FALSE(cal.day_info(D("2027-06-01"))->provisional);
  EXPECT_TRUE(cal.day_info(D("2028-01-03"))->provisional);
  EXPECT_EQ(format_date(cal.first_provisional_day()), "2028-01-01");
  EXPECT_EQ(cal.last_provisional_year(), 2037);
  EXPECT_THAT(std::string(cal.is_workday(D("2038-01-04")).status().message()), HasSubstr("2004–2027"));
  EXPECT_THAT(std::string(cal.is_workday(D("2038-01-04")).status().message()), HasSubstr("2028–2037"));
}

TEST(LoadCsv, ReplacesAYearAsAWhole) {
  WorkCalendar cal = WorkCalendar::china();
  const std::size_t before = cal.special_day_count();
  ASSERT_TRUE(cal.load_csv("2026-01-01,holiday,New Year's Day,元旦\n", "one-day-2026.csv").ok());
  EXPECT_EQ(cal.last_year(), 2026);
  EXPECT_TRUE(*cal.is_workday(D("2026-02-16")));    // no longer a holiday
  EXPECT_FALSE(*cal.is_workday(D("2026-02-14")));   // no longer a make-up day
  EXPECT_FALSE(*cal.is_workday(D("2026-01-01")));
  EXPECT_FALSE(*cal.is_workday(D("2025-01-01")));   // other years untouched
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-09"), 1)), "2024-02-18");
  EXPECT_LT(cal.special_day_count(), before);
  // from_csv builds a calendar of exactly the given years.
  auto only = WorkCalendar::from_csv(k2027, "2027.csv");
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(only->first_year(), 2027);
  EXPECT_EQ(only->last_year(), 2027);
  EXPECT_EQ(only->is_workday(D("2026-06-01")).status().code(), absl::StatusCode::kOutOfRange);
}

TEST(LoadCsv, GapYearsStayUnknown) {
  WorkCalendar cal = WorkCalendar::china();
  ASSERT_TRUE(cal.load_csv("2029-01-01,holiday,New Year's Day,元旦\n", "2029.csv").ok());
  EXPECT_FALSE(cal.covers_year(2027));
  EXPECT_TRUE(cal.covers_year(2029));
  auto w = cal.is_workday(D("2028-05-05"));
  ASSERT_FALSE(w.ok());
  EXPECT_THAT(std::string(w.status().message()), HasSubstr("year 2028"));
  EXPECT_THAT(std::string(w.status().message()), HasSubstr("2004–2026, 2029"));
  EXPECT_THAT(std::string(cal.add_workdays(D("2026-12-30"), 30).status().message()), HasSubstr("year 2027"));
  EXPECT_THAT(std::string(cal.add_workdays(D("2029-01-02"), -1).status().message()), HasSubstr("year 2028"));
  EXPECT_FALSE(*cal.is_workday(D("2029-01-01")));
  EXPECT_EQ(F(cal.add_workdays(D("2024-02-09"), 1)), "2024-02-18");
  EXPECT_EQ(F(cal.add_workdays(D("2029-01-01"), 0)), "2029-01-02");
  cal.set_weekend_only_for_unknown_years(true);
  EXPECT_EQ(F(cal.add_workdays(D("2028-12-29"), 1)), "2029-01-02");  // Fri -> skip weekend and 01-01
  EXPECT_EQ(*cal.workdays_between(D("2026-12-31"), D("2029-01-03")), 1 + 261 + 260 + 1);
}

struct BadCsv {
  const char* csv;
  const char* expect;  // a piece of the message
};

TEST(LoadCsv, MalformedInputNamesTheLineAndChangesNothing) {
  const BadCsv cases[] = {
      {"2027-01-01,holiday,New Year's Day,元旦\n2027-02-30,holiday,Spring Festival,春节\n",
       "extra.csv:2: date \"2027-02-30\" is not a valid"},
      {"# c\n2027-01-01,holyday,New Year's Day,元旦\n", "extra.csv:2: kind \"holyday\""},
      {"2027-01-01,holiday,New Year's Day,元旦\n2027-01-02,holiday,X,十\n2027-01-02,workday,X,十\n",
       "extra.csv:3: date 2027-01-02 conflicts with line 2 (holiday X)"},
      {"2027-01-01,holiday,New Year's Day,元旦\n2027-01-01,holiday,Other,其他\n", "extra.csv:2: date 2027-01-01 conflicts"},
      {"2027-01-04,workday,New Year's Day,元旦\n", "extra.csv:1: date 2027-01-04 is a make-up workday but falls on a weekday"},
      {"2027-01-01,holiday,New Year's Day\n", "extra.csv:1: expected 4 fields"},
      {"2027-01-01,holiday,New Year's Day,元旦,x\n", "extra.csv:1: expected 4 fields"},
      {"date,kind,name,name_zh\n2027-01-01,holiday,A,甲\n", "extra.csv:1: header must be"},
      {"2027-01-01,holiday,\"New Year's Day,元旦\n", "extra.csv:1: unterminated quoted field"},
      {"2027-01-01,holiday,,元旦\n", "extra.csv:1: date 2027-01-01: name_en and name_zh must not be empty"},
      {"1899-01-01,holiday,A,甲\n", "extra.csv:1: date 1899-01-01: year 1899 is outside"},
      {"2027-01-01,holiday,A,\xff\xfe\n", "extra.csv: not valid UTF-8"},
      {"# only a comment\n\n", "extra.csv: no holiday rows"},
      {"2027-01-01 ,holiday,A,甲\n", "extra.csv:1: date \"2027-01-01 \""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.csv);
    WorkCalendar cal = WorkCalendar::china();
    const WorkCalendar before = cal;
    auto st = cal.load_csv(c.csv, "extra.csv");
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(st.message()), HasSubstr(c.expect));
    EXPECT_TRUE(cal == before);
    EXPECT_EQ(cal.last_year(), 2026);
    EXPECT_FALSE(*cal.is_workday(D("2026-02-16")));
    EXPECT_FALSE(WorkCalendar::from_csv(c.csv, "extra.csv").ok());
  }
}

TEST(LoadCsv, AcceptsQuotingCrlfBomAndIdenticalRepeats) {
  auto cal = WorkCalendar::from_csv(
      "\xEF\xBB\xBF"
      "date,kind,name_en,name_zh\r\n"
      "2027-01-01,holiday,\"New Year's Day, \"\"solar\"\"\",元旦\r\n"
      "2027-01-01,holiday,\"New Year's Day, \"\"solar\"\"\",元旦\r\n",
      "quoted.csv");
  ASSERT_TRUE(cal.ok()) << cal.status();
  EXPECT_EQ(*cal->holiday_name(D("2027-01-01")), "New Year's Day, \"solar\"");
  EXPECT_EQ(cal->special_day_count(), 1u);
}

}  // namespace
}  // namespace jiceng
