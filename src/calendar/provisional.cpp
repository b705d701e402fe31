// The provisional holiday rule: see provisional.hpp for the law it encodes.
#include "calendar/provisional.hpp"

#include <erfa.h>
#include <erfam.h>
#include <unicode/calendar.h>
#include <unicode/locid.h>
#include <unicode/timezone.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"

namespace jiceng::calendar_internal {
namespace {

constexpr std::int64_t kEpochDay = 2440588;  // 1970-01-01
constexpr double kMillisPerDay = 86400000.0;
constexpr double kChinaOffsetMillis = 8 * 3600 * 1000.0;

enum Holiday { kNewYear, kSpringFestival, kTombSweeping, kLabourDay, kDragonBoat, kMidAutumn, kNationalDay };

bool is_weekend(std::int64_t day) { return day % 7 >= 5; }  // Boost: day % 7 == 0 is a Monday

std::int64_t civil_day(int y, int m, int d) {
  // Julian Day Number of a Gregorian date (Fliegel & Van Flandern).
  const int a = (14 - m) / 12;
  const std::int64_t yy = y + 4800 - a;
  const int mm = m + 12 * a - 3;
  return d + (153 * mm + 2) / 5 + 365 * yy + yy / 4 - yy / 100 + yy / 400 - 32045;
}

// The UTC millisecond instant of noon, China time, on Boost day `day` (ICU's UDate).
double china_noon_millis(std::int64_t day) {
  return static_cast<double>(day - kEpochDay) * kMillisPerDay + 12 * 3600 * 1000.0 - kChinaOffsetMillis;
}

std::int64_t china_day_of_millis(double millis) {
  return kEpochDay + static_cast<std::int64_t>(std::floor((millis + kChinaOffsetMillis) / kMillisPerDay));
}

// The Sun's apparent geocentric ecliptic longitude (radians, 0..2π) at TT Julian date
// 2400000.5 + mjd_tt: the Earth's heliocentric position (ERFA's VSOP-based epv00), turned
// to the mean ecliptic and equinox of date (IAU 2006), plus nutation in longitude (IAU
// 2006/2000A) and the annual aberration (20.4898″ / R, R in au).
double sun_apparent_longitude(double mjd_tt) {
  double pvh[2][3], pvb[2][3];
  eraEpv00(ERFA_DJM0, mjd_tt, pvh, pvb);
  double sun[3] = {-pvh[0][0], -pvh[0][1], -pvh[0][2]};
  double rm[3][3];
  eraEcm06(ERFA_DJM0, mjd_tt, rm);
  double ecl[3];
  eraRxp(rm, sun, ecl);
  double dpsi = 0, deps = 0;
  eraNut06a(ERFA_DJM0, mjd_tt, &dpsi, &deps);
  const double aberration = 20.4898 * ERFA_DAS2R / eraPm(sun);
  return eraAnp(std::atan2(ecl[1], ecl[0]) + dpsi - aberration);
}

// The Moon's geocentric ecliptic longitude minus the Sun's apparent one, in (−π, π]
// (mean ecliptic of date: nutation shifts both alike). Zero at the new moon (朔).
double moon_sun_elongation(double mjd_tt) {
  double pv[2][3];
  eraMoon98(ERFA_DJM0, mjd_tt, pv);  // GCRS, about 10″ from the truth: ~20 s of time
  double rm[3][3];
  eraEcm06(ERFA_DJM0, mjd_tt, rm);
  double ecl[3];
  eraRxp(rm, pv[0], ecl);
  double dpsi = 0, deps = 0;
  eraNut06a(ERFA_DJM0, mjd_tt, &dpsi, &deps);
  return eraAnpm(std::atan2(ecl[1], ecl[0]) + dpsi - sun_apparent_longitude(mjd_tt));
}

// TT − UTC = 32.184 s + 37 leap seconds (unchanged since 2017); China is UTC+8.
constexpr double kTtMinusChinaDays = (69.184 - 8 * 3600.0) / 86400.0;

// The Boost day number, China time, of the TT modified Julian date `mjd_tt`.
std::int64_t china_day_of_mjd_tt(double mjd_tt) {
  return static_cast<std::int64_t>(std::floor(mjd_tt - kTtMinusChinaDays)) + 2400001;  // MJD day 0 = JDN 2400001
}

// The Boost day number (China time) of the new moon nearest to Boost day `day`:
// Newton's method on the elongation, at the Moon's mean synodic rate (12.19°/day).
std::int64_t new_moon_day_near(std::int64_t day) {
  double mjd = static_cast<double>(day - 2400001) + 0.5 + kTtMinusChinaDays;
  for (int i = 0; i < 8; ++i) mjd -= moon_sun_elongation(mjd) / (12.190749 * ERFA_DD2R);
  return china_day_of_mjd_tt(mjd);
}

// The holidays of a year under rule 1, before make-up days: (holiday, first day, days).
struct Span {
  int holiday;
  std::int64_t first;
  int days;
};

absl::StatusOr<std::vector<Span>> statutory_spans_v1(int year) {
  auto new_year = lunar_to_day(year, 1, 1);
  if (!new_year.ok()) return new_year.status();
  auto dragon = lunar_to_day(year, 5, 5);
  if (!dragon.ok()) return dragon.status();
  auto autumn = lunar_to_day(year, 8, 15);
  if (!autumn.ok()) return autumn.status();
  std::vector<Span> spans = {
      {kNewYear, civil_day(year, 1, 1), 1},
      {kSpringFestival, *new_year - 1, 4},  // 除夕 and 正月初一 to 初三
      {kTombSweeping, qingming_day(year), 1},
      {kLabourDay, civil_day(year, 5, 1), 2},
      {kDragonBoat, *dragon, 1},
      {kMidAutumn, *autumn, 1},
      {kNationalDay, civil_day(year, 10, 1), 3},
  };
  std::stable_sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.first < b.first; });
  return spans;
}

// Rule 1: each statutory day is a day off; one that falls on a weekend, or on a day
// already off for another holiday (中秋 inside 国庆), earns a make-up day on the next
// working day after its holiday that is not yet off.
absl::StatusOr<std::vector<ProvisionalDay>> compute_v1(int year) {
  auto spans = statutory_spans_v1(year);
  if (!spans.ok()) return spans.status();
  std::map<std::int64_t, ProvisionalDay> off;
  for (const Span& s : *spans) {
    int owed = 0;
    for (int i = 0; i < s.days; ++i) {
      const std::int64_t d = s.first + i;
      if (is_weekend(d) || off.contains(d)) {
        ++owed;
        if (!off.contains(d)) off.emplace(d, ProvisionalDay{d, s.holiday, false});
      } else {
        off.emplace(d, ProvisionalDay{d, s.holiday, false});
      }
    }
    for (std::int64_t d = s.first + s.days; owed > 0; ++d) {
      if (is_weekend(d) || off.contains(d)) continue;
      off.emplace(d, ProvisionalDay{d, s.holiday, true});
      --owed;
    }
  }
  std::vector<ProvisionalDay> out;
  out.reserve(off.size());
  for (const auto& [d, p] : off) out.push_back(p);
  return out;
}

}  // namespace

absl::StatusOr<std::int64_t> lunar_to_day(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1 || day > 30) {
    return absl::InvalidArgumentError(absl::StrCat("lunar date ", month, "/", day, " is not a lunar date"));
  }
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<icu::Calendar> cal(icu::Calendar::createInstance(
      icu::TimeZone::createTimeZone("GMT+08:00"), icu::Locale("zh_CN@calendar=chinese"), err));
  if (U_FAILURE(err) || !cal) {
    return absl::InternalError(absl::StrCat("ICU Chinese calendar: ", u_errorName(err)));
  }
  // 1 July lies in the lunar year that began in January or February of `year`.
  cal->setTime(china_noon_millis(civil_day(year, 7, 1)), err);
  cal->set(UCAL_IS_LEAP_MONTH, 0);
  cal->set(UCAL_MONTH, month - 1);
  cal->set(UCAL_DATE, day);
  cal->set(UCAL_HOUR_OF_DAY, 12);
  const UDate when = cal->getTime(err);
  if (U_FAILURE(err)) return absl::InternalError(absl::StrCat("ICU Chinese calendar: ", u_errorName(err)));
  // ICU numbers the months (and places leap months) but its lunar theory is coarse: a new
  // moon within minutes of midnight can land on the wrong day (ICU 72 puts 正月初一 2027 on
  // 02-07 and 2030 on 02-02; the new moons are at 23:56 on 02-06 and 00:07 on 02-03,
  // China time). The month's first day is the day of the new moon, so take that from ERFA.
  const std::int64_t first_icu = china_day_of_millis(when) - (day - 1);
  return new_moon_day_near(first_icu) + (day - 1);
}

std::int64_t qingming_day(int year) {
  // Start at 4 April 00:00 TT and step by Newton's method on the Sun's mean motion
  // (0.9856°/day); four steps converge well below a second.
  double djm0 = 0, mjd = 0;
  eraCal2jd(year, 4, 4, &djm0, &mjd);
  const double target = 15.0 * ERFA_DD2R;
  for (int i = 0; i < 6; ++i) {
    const double diff = eraAnpm(sun_apparent_longitude(mjd) - target);
    mjd -= diff / (0.98564736 * ERFA_DD2R);
  }
  return china_day_of_mjd_tt(mjd);
}

absl::StatusOr<std::vector<ProvisionalDay>> provisional_days(int version, int year) {
  if (version != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("provisional rule version ", version, " is unknown (this library knows version 1)"));
  }
  static std::mutex mu;
  static std::map<std::pair<int, int>, std::vector<ProvisionalDay>> memo;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = memo.find({version, year}); it != memo.end()) return it->second;
  }
  auto days = compute_v1(year);
  if (!days.ok()) return days.status();
  std::lock_guard<std::mutex> lock(mu);
  return memo.try_emplace({version, year}, *std::move(days)).first->second;
}

absl::StatusOr<std::vector<ProvisionalDay>> statutory_days(int version, int year) {
  auto days = provisional_days(version, year);
  if (!days.ok()) return days.status();
  std::vector<ProvisionalDay> out;
  for (const auto& d : *days)
    if (!d.substitute) out.push_back(d);
  return out;
}

}  // namespace jiceng::calendar_internal
