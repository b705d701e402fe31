// jiceng/calendar.hpp — the working-day calendar (工作日历) and deadline policy (办理时限).
//
// A working day (工作日) is Monday to Friday unless it is an official public holiday
// (法定节假日), plus the weekend make-up working days (调休上班日) announced each year by
// the General Office of the State Council. Timestamps are UTC seconds; a timestamp's
// calendar day is its day in China Standard Time (UTC+8, no daylight saving). Every
// deadline of the petition loop (受理, 签收, 办结, 评价, 延期, 退单, 异议, 复查/复核) is a
// Duration in hours, natural days or working days, turned into a UTC instant here.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "jiceng/types.hpp"

namespace jiceng {

/// A calendar day (no time, no zone): a Boost.Date_Time Gregorian date.
using Date = boost::gregorian::date;

/// Parses a strict `YYYY-MM-DD` date (four-digit year, two-digit month and day, nothing
/// else). INVALID_ARGUMENT naming the text when it is malformed or not a real day.
absl::StatusOr<Date> parse_date(std::string_view yyyy_mm_dd);

/// Formats `d` as `YYYY-MM-DD`; a special value (not-a-date-time, infinity) formats as
/// Boost names it (e.g. `not-a-date-time`).
std::string format_date(Date d);

/// The calendar day of `utc` in China Standard Time (UTC+8). Timestamps whose day would
/// fall outside Boost's range (1400-01-01 .. 9999-12-31) give `not_a_date_time`, which
/// every calendar operation rejects with INVALID_ARGUMENT.
Date china_date(Timestamp utc);

/// The UTC instant of wall time `minute_of_day` (minutes after local midnight) on day
/// `d` in China Standard Time. Minutes outside [0, 1440) roll into the neighbouring
/// days arithmetically. `d` must be a real date; a special value gives INT64_MIN.
Timestamp china_time_to_utc(Date d, int minute_of_day);

/// What kind of day a date is in a WorkCalendar (日期类型).
enum class DayKind : std::uint8_t {
  kWorkday = 0,        ///< an ordinary Monday–Friday working day 工作日
  kWeekend = 1,        ///< an ordinary Saturday or Sunday 周末
  kHoliday = 2,        ///< an official public holiday, any weekday 法定节假日 / 放假
  kMakeupWorkday = 3,  ///< a weekend day worked in exchange for a holiday 调休上班
};

/// `workday`, `weekend`, `holiday`, `makeup_workday`.
std::string_view to_string(DayKind kind);

/// One date as the calendar sees it. The names are those of the holiday the row belongs
/// to (for a make-up working day: the holiday it pays for), empty for ordinary days; they
/// point into the calendar and live as long as it is not modified or destroyed.
struct DayInfo {
  DayKind kind = DayKind::kWorkday;
  std::string_view name_en;  ///< e.g. "Spring Festival"
  std::string_view name_zh;  ///< e.g. "春节"
  /// True when the answer comes from the provisional rule (a year after the official
  /// table), not from a published schedule: it may change when the year's notice is loaded.
  bool provisional = false;
  /// True for kWorkday and kMakeupWorkday.
  bool is_workday() const { return kind == DayKind::kWorkday || kind == DayKind::kMakeupWorkday; }
};

/// How a WorkCalendar answers for a date outside its official years (日历模式).
///
/// - official years: the shipped table (2004–2026) and any year loaded from CSV answer in
///   every mode;
/// - kProvisional (the default): the ten years after the last official year are answered
///   by the provisional rule — the statutory holidays of 全国年节及纪念日放假办法 (2024
///   revision, State Council Decree No. 798, in force 2025-01-01) with a make-up day on
///   the next working day for a holiday on a weekend, and no 调休 weekend worked — every
///   such answer marked `provisional`; later years are OUT_OF_RANGE;
/// - kStrict: only official years answer; anything else is OUT_OF_RANGE;
/// - kWeekendOnly: any year without an official table is Mon–Fri work, Sat–Sun rest (a
///   host's explicit choice; nothing is marked provisional).
/// Years before the first official year are OUT_OF_RANGE except in kWeekendOnly.
enum class CalendarMode : std::uint8_t {
  kProvisional = 0,
  kStrict = 1,
  kWeekendOnly = 2,
};

/// `provisional`, `strict`, `weekend_only`.
std::string_view to_string(CalendarMode mode);
/// The inverse of to_string(CalendarMode); INVALID_ARGUMENT naming the text otherwise.
absl::StatusOr<CalendarMode> parse_calendar_mode(std::string_view text);

/// The version of the provisional rule this library computes by default. A journal
/// records the version in force, so a replay under a later library (which may know a
/// newer rule) gives the same days. Version 1: Decree No. 798 as described above.
inline constexpr int kProvisionalRuleVersion = 1;
/// How many years after the last official year the provisional rule answers.
inline constexpr int kProvisionalYears = 10;

/// Where the calendar's knowledge ends, for warnings (日历覆盖情况).
struct CalendarCoverage {
  CalendarMode mode = CalendarMode::kProvisional;
  int provisional_rule = kProvisionalRuleVersion;
  int first_official_year = 0;      ///< 0 when no year is official
  int last_official_year = 0;
  Date first_provisional_day;       ///< not_a_date_time when no day is provisional
  Date last_provisional_day;        ///< not_a_date_time when no day is provisional
  /// Days from `today` to the last official day (negative once past it).
  std::int64_t official_days_left = 0;
  /// Set when the official table ends within 60 days of `today` (or already has): the
  /// text names the date, what answers after it, and what to load.
  std::string warning;
};

/// The coverage as a JSON object: `mode`, `provisional_rule`, `first_official_year`,
/// `last_official_year`, `first_provisional_day` and `last_provisional_day` ("YYYY-MM-DD" or
/// null), `official_days_left`, `warning` (text or null).
std::string to_json(const CalendarCoverage& coverage);

/// The Chinese working-day calendar (工作日历): ordinary weekends plus a table of special
/// days (holidays and make-up working days), one set per covered year.
///
/// A year is *official* (covered) when the table has at least one row for it. Dates in
/// other years are answered as the CalendarMode says (by default: the provisional rule for
/// the ten years after the last official year). A date no mode answers is an OUT_OF_RANGE
/// error naming the year and what is known; so is a span that would run into such a year.
///
/// Lookups go through a precomputed working-day index over the covered range (per-day
/// cumulative working-day counts plus the list of working days): `is_workday` and
/// `add_workdays` are O(1) and allocation-free on success. A const WorkCalendar may be
/// shared between threads; `load_csv` and the setter need exclusive access.
///
/// CSV format (UTF-8): lines starting with `#` and blank lines are ignored; an optional
/// header `date,kind,name_en,name_zh`; then one row per special day:
/// `YYYY-MM-DD,holiday|workday,English name,中文名`. `workday` rows are make-up working
/// days and must fall on a Saturday or Sunday. Fields may be double-quoted (RFC 4180).
class WorkCalendar {
 public:
  /// An empty calendar: no year covered (every date is an error until years are loaded
  /// or weekend-only rules are on).
  WorkCalendar();

  /// The official schedule 2004–2026 embedded in the library (data/cn-holidays.csv).
  /// Immutable and thread-safe; built once on first use.
  static const WorkCalendar& china();

  /// A calendar holding exactly the years in `csv`. Errors name `source_name` and the
  /// line, e.g. `holidays.csv:12: kind "holyday" must be holiday or workday`.
  static absl::StatusOr<WorkCalendar> from_csv(std::string_view csv, std::string_view source_name);

  /// Adds the years in `csv`; a year already present is replaced as a whole by the rows
  /// given for it. All or nothing: on error the calendar is unchanged.
  absl::Status load_csv(std::string_view csv, std::string_view source_name);

  /// Sets how dates outside the official years are answered (default kProvisional).
  WorkCalendar& set_mode(CalendarMode mode);
  /// The mode in force.
  CalendarMode mode() const { return mode_; }
  /// Sets the provisional rule's version. INVALID_ARGUMENT (and no change) for a version
  /// this library does not know; 1 is the only one today.
  absl::Status set_provisional_rule(int version);
  /// The provisional rule's version in force.
  int provisional_rule() const { return rule_; }

  /// Same as set_mode(on ? kWeekendOnly : kProvisional) — the option of earlier releases.
  WorkCalendar& set_weekend_only_for_unknown_years(bool on);
  /// mode() == kWeekendOnly.
  bool weekend_only_for_unknown_years() const { return mode_ == CalendarMode::kWeekendOnly; }

  /// The first day answered by the provisional rule (1 January after the last official
  /// year), or not_a_date_time when none is (strict or weekend-only mode, empty table).
  Date first_provisional_day() const;
  /// The last year the provisional rule answers, or 0 when none.
  int last_provisional_year() const { return prov_last_year_; }
  /// True when some day in [from, to] (either order) is answered provisionally.
  bool span_is_provisional(Date from, Date to) const;
  /// Official coverage, the provisional days and a warning when the official table ends
  /// within 60 days of `today`.
  CalendarCoverage coverage(Date today) const;

  /// True when `d` is a working day. O(1).
  absl::StatusOr<bool> is_workday(Date d) const;

  /// The kind of `d` and the names of its holiday, if any.
  absl::StatusOr<DayInfo> day_info(Date d) const;

  /// n = 0: `d` itself if it is a working day, else the next working day; n > 0: the
  /// n-th working day strictly after `d`; n < 0: the |n|-th working day strictly before
  /// `d`. O(1).
  absl::StatusOr<Date> add_workdays(Date d, int n) const;

  /// The hot-path form of add_workdays: same result in `*out` and true, or false (and
  /// `*out` untouched) wherever add_workdays would return an error. Never allocates.
  bool try_add_workdays(Date d, int n, Date* out) const noexcept;

  /// The indexed part of try_add_workdays on Julian day numbers (Date::day_number()),
  /// inline for hot callers (the C ABI): true and `*out_day` when the day and the result
  /// both lie in the holiday index and no year is missing; false means "not answered
  /// here, call try_add_workdays" (it never disagrees with it).
  bool try_add_workdays_indexed(std::int64_t day, int n, std::int64_t* out_day) const noexcept {
    const std::int64_t i = day - base_;
    if (i < 0 || i >= days_ || has_gaps_) return false;
    const auto at = static_cast<std::size_t>(i);
    const std::int64_t k = (n > 0 ? std::int64_t{cum_[at + 1]} - 1 : std::int64_t{cum_[at]}) + n;
    if (k < 0 || k >= static_cast<std::int64_t>(workdays_.size())) return false;
    *out_day = base_ + workdays_[static_cast<std::size_t>(k)];
    return true;
  }

  /// Working days in the half-open range [a, b); negative (minus the count in [b, a))
  /// when b < a; 0 when a == b. Every day counted must be known. Consistent with
  /// add_workdays: for a working day a and n ≥ 0, workdays_between(a, add_workdays(a, n)) == n.
  absl::StatusOr<int> workdays_between(Date a, Date b) const;

  /// The first working day strictly after `d` (add_workdays(d, 1)).
  absl::StatusOr<Date> next_workday(Date d) const;

  /// The English name of the official holiday on `d` (e.g. "Spring Festival"); "" when
  /// `d` is not a holiday (make-up working days included — see day_info for both names).
  absl::StatusOr<std::string> holiday_name(Date d) const;

  /// The first covered year, or 0 when none.
  int first_year() const { return first_year_; }
  /// The last covered year, or 0 when none.
  int last_year() const { return last_year_; }
  /// True when the table has rows for `year`.
  bool covers_year(int year) const;
  /// Number of special days (holidays and make-up working days) in the table.
  std::size_t special_day_count() const;

  /// Same official days, same mode, same provisional rule.
  friend bool operator==(const WorkCalendar& a, const WorkCalendar& b);

 private:
  struct Special {
    std::int32_t day;     // Boost day number
    DayKind kind;         // kHoliday or kMakeupWorkday
    std::uint16_t name;   // index into names_
  };
  struct Name {
    std::string en, zh;
    friend bool operator==(const Name&, const Name&) = default;
  };

  void rebuild_index();
  bool day_known(std::int64_t day) const noexcept;
  std::int64_t rank(std::int64_t day) const noexcept;       // workdays in [origin, day)
  std::int64_t select(std::int64_t k) const noexcept;       // day of the k-th workday
  absl::Status check_date(Date d) const;
  bool span_known(std::int64_t from, std::int64_t to) const noexcept;  // every day in [from, to] known
  absl::Status check_span(std::int64_t from, std::int64_t to) const;
  absl::Status unknown_year_error(int year) const;
  std::string covered_range_text() const;

  std::vector<Special> specials_;       // sorted by day, unique
  std::vector<Name> names_;
  std::vector<std::uint8_t> covered_;   // per year in [first_year_, last_year_]
  int first_year_ = 0;
  int last_year_ = 0;
  bool has_gaps_ = false;
  CalendarMode mode_ = CalendarMode::kProvisional;
  int rule_ = kProvisionalRuleVersion;
  int prov_first_year_ = 0;  // provisional years [prov_first_year_, prov_last_year_], 0 when none
  int prov_last_year_ = 0;
  absl::Status prov_error_;  // why the provisional rule could not answer (ICU/ERFA failure)

  // The index over [base_, base_ + days_): Jan 1 of first_year_ .. Dec 31 of the last
  // official or provisional year.
  std::int64_t base_ = 0;
  std::int64_t days_ = 0;
  std::vector<std::int32_t> cum_;        // cum_[i]: workdays in [base_, base_ + i), size days_ + 1
  std::vector<std::int32_t> workdays_;   // offsets from base_ of the working days, ascending
  std::vector<std::uint16_t> info_;      // per day: kind, known, provisional bits | name index
};

/// The unit of a Duration (时限单位).
enum class TimeUnit : std::uint8_t {
  kHours = 0,        ///< natural hours 小时, suffix `h`
  kNaturalDays = 1,  ///< natural (calendar) days 自然日, suffix `d`
  kWorkdays = 2,     ///< working days 工作日, suffix `wd`
};

/// A time limit such as 2 hours, 15 days or 5 working days. amount 0 in a deadline
/// policy means the limit does not apply on that track.
struct Duration {
  std::int64_t amount = 0;
  TimeUnit unit = TimeUnit::kWorkdays;
  friend bool operator==(const Duration&, const Duration&) = default;
};

/// The largest amount a Duration may carry (keeps every deadline inside Boost's range).
inline constexpr std::int64_t kMaxDurationAmount = 100000;

/// Parses `2h`, `15d` (natural days), `5wd` (working days): decimal digits, then the
/// unit, nothing else. INVALID_ARGUMENT naming the text otherwise.
absl::StatusOr<Duration> parse_duration(std::string_view text);

/// The inverse of parse_duration: `2h`, `15d`, `5wd`.
std::string format_duration(Duration d);

/// The deadline `d` after `start`, as UTC seconds:
/// - hours: start + amount × 3600;
/// - natural days: `due_minute_of_day` (local CST) of china_date(start) + amount days;
/// - working days: `due_minute_of_day` of cal.add_workdays(china_date(start), amount).
/// INVALID_ARGUMENT for a negative or oversized amount or a minute outside [0, 1440);
/// the calendar's errors (OUT_OF_RANGE for an uncovered year) pass through.
absl::StatusOr<Timestamp> deadline_after(const WorkCalendar& cal, Timestamp start, Duration d,
                                         int due_minute_of_day = 17 * 60 + 30);

/// The last day of a period of `days` natural days that starts on `start`, counted as the
/// Civil Code counts a period (民法典 第二百零一条 to 第二百零三条): the day it starts is not
/// counted, so the period runs from the next day and its last day is `start` + `days`; a
/// last day that is a statutory rest day (a holiday or a weekend not worked) moves to the
/// first working day after it; the last day ends at 24:00 (China time). `days` in
/// [0, kMaxDurationAmount]; INVALID_ARGUMENT otherwise, the calendar's errors pass through.
absl::StatusOr<Date> civil_code_period_last_day(const WorkCalendar& cal, Date start, std::int64_t days);

/// The time limits that apply to one category and urgency of petition (办理时限).
struct DeadlineLimits {
  Duration accept;            ///< to accept (受理) or register (登记) after submission
  Duration sign;              ///< to sign for (签收) after dispatch
  Duration resolve;           ///< to resolve (办结) after acceptance
  Duration evaluate;          ///< to evaluate (评价 / 回访) after resolution
  Duration max_extension;     ///< extension cap, in total (延期上限)
  Duration return_window;     ///< to return (退单) after dispatch, hotline track
  Duration objection_window;  ///< to object (异议) to a 转送/交办, 信访 track
  Duration review_request;    ///< to ask for review 复查 / re-review 复核
  Duration review_decide;     ///< to decide a review or re-review
  friend bool operator==(const DeadlineLimits&, const DeadlineLimits&) = default;
};

/// Deadline policy (时限规则): limits per category and urgency for one track — the 12345
/// hotline (热线) or 信访 — read from the params of policy rule `petition.deadlines`:
///
///     {"track": "hotline", "due_time": "17:30",
///      "categories": {"default": {"normal": {"accept": "1wd", "sign": "1wd", ...},
///                                 "urgent": {...}},
///                     "complaint": {"normal": {"resolve": "15wd"}}}}
///
/// `default.normal` must give accept, sign, resolve and evaluate; the other fields
/// default to 0 (does not apply). `default.urgent` may be omitted (then it equals
/// `default.normal`) or partial (the rest from `default.normal`). Any other category
/// takes each missing urgency or field from `default` of the same urgency.
class DeadlinePolicy {
 public:
  /// Parses the params object above. Errors name the source, the category, the urgency
  /// and the field, e.g. `policy.json: categories.complaint.urgent.sign: duration "2x": ...`.
  static absl::StatusOr<DeadlinePolicy> from_json(std::string_view json, std::string_view source_name);

  /// The hotline track as Shandong practises it (resolve 5 wd, extension ≤10 wd, return
  /// within 2 wd; urgent: sign within 2 h). Sources in calendar.cpp and docs/calendar.md.
  static DeadlinePolicy hotline_default();

  /// The Guangdong alternative (广东省12345热线管理办法): resolve by type — categories
  /// `consultation` 2 wd, `help` and `suggestion` 10 wd, `complaint` and `report` 15 wd;
  /// otherwise as hotline_default().
  static DeadlinePolicy hotline_guangdong();

  /// The 信访 track of the 信访工作条例 (2022): register 15 d, objection 5 wd, conclude
  /// 60 d, extension ≤30 d, review and re-review 30 d to ask and 30 d to decide.
  static DeadlinePolicy xinfang_default();

  /// "hotline" or "xinfang".
  std::string_view track() const { return track_; }

  /// The limits for `category` and `urgency`; an unknown category gets "default".
  const DeadlineLimits& limits(std::string_view category, Urgency urgency) const;

  /// The local (CST) minute of day at which day-based deadlines fall due (17:30 → 1050).
  int due_minute_of_day() const { return due_minute_; }

  /// Category names given explicitly (including "default"), sorted.
  std::vector<std::string> categories() const;

  /// The policy as JSON, every category with every field spelled out; from_json of it
  /// gives an equal policy.
  std::string to_json() const;

  friend bool operator==(const DeadlinePolicy&, const DeadlinePolicy&) = default;

 private:
  using PerUrgency = std::array<DeadlineLimits, 2>;  // indexed by Urgency
  static absl::StatusOr<DeadlinePolicy> from_json_impl(std::string_view json, std::string_view source_name);
  std::string track_ = "hotline";
  int due_minute_ = 17 * 60 + 30;
  PerUrgency default_{};
  absl::flat_hash_map<std::string, PerUrgency> categories_;
};

}  // namespace jiceng
