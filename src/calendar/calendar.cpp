// Working-day calendar (工作日历): dates, China Standard Time, the holiday table and
// its working-day index.
//
// Day numbers are Boost's (the Julian Day Number): day % 7 == 0 is a Monday. Every
// working day gets a rank, the number of working days before it counted from day 0, so
// add_workdays is rank → select and workdays_between is a difference of ranks. Inside
// the covered years the ranks come from the precomputed index; outside (weekend-only
// mode) from closed-form weekend arithmetic.
#include "jiceng/calendar.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/strings.hpp"
#include "calendar/embedded_holidays.hpp"
#include "calendar/provisional.hpp"

namespace jiceng {
namespace {

namespace bg = boost::gregorian;
using internal::av;
using DayInt = bg::date::date_int_type;

constexpr std::int64_t kMinDay = 2232400;  // 1400-01-01, Boost's first date
constexpr std::int64_t kMaxDay = 5373484;  // 9999-12-31, Boost's last date
constexpr std::int64_t kEpochDay = 2440588;  // 1970-01-01
constexpr std::int64_t kSecondsPerDay = 86400;
// Years a holiday table may hold: wide enough for any real schedule, small enough that
// the index stays a few megabytes at most.
constexpr int kMinTableYear = 1900;
constexpr int kMaxTableYear = 2200;

// info_ encoding: kind in bits 0-1, "day known" in bit 2, "provisional" in bit 3, name
// index + 1 above. Names past names_ are the provisional rule's seven holidays.
constexpr std::uint16_t kKindMask = 0x3;
constexpr std::uint16_t kCoveredBit = 0x4;
constexpr std::uint16_t kProvisionalBit = 0x8;
constexpr int kNameShift = 4;
constexpr std::size_t kProvisionalNames = std::size(calendar_internal::kProvisionalHolidayNames);
constexpr std::size_t kMaxNames = (1u << (16 - kNameShift)) - 2 - kProvisionalNames;

constexpr bool is_weekend_day(std::int64_t day) { return day % 7 >= 5; }

// Working days by weekend rules alone in [0, day), for day >= 0.
constexpr std::int64_t weekend_rank(std::int64_t day) {
  return 5 * (day / 7) + std::min<std::int64_t>(day % 7, 5);
}
// The day of the weekend-rule working day of rank k >= 0.
constexpr std::int64_t weekend_select(std::int64_t k) { return 7 * (k / 5) + k % 5; }

Date date_from_day(std::int64_t day) { return Date(static_cast<DayInt>(day)); }

int year_of_day(std::int64_t day) { return date_from_day(day).year(); }

std::int64_t first_day_of_year(int year) {
  return static_cast<std::int64_t>(bg::date(static_cast<unsigned short>(year), 1, 1).day_number());
}

// Parses exactly `n` ASCII digits.
bool parse_digits(std::string_view s, int* out) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Strict YYYY-MM-DD to a day number, or false.
bool parse_day(std::string_view s, std::int64_t* day) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y, m, d;
  if (!parse_digits(s.substr(0, 4), &y) || !parse_digits(s.substr(5, 2), &m) ||
      !parse_digits(s.substr(8, 2), &d)) {
    return false;
  }
  if (y < 1400 || m < 1 || m > 12 || d < 1) return false;
  if (d > bg::gregorian_calendar::end_of_month_day(static_cast<unsigned short>(y),
                                                   static_cast<unsigned short>(m))) {
    return false;
  }
  *day = bg::gregorian_calendar::day_number(
      bg::gregorian_calendar::ymd_type(static_cast<unsigned short>(y), static_cast<unsigned short>(m),
                                       static_cast<unsigned short>(d)));
  return true;
}

absl::Status invalid_date_error(Date d) {
  return absl::InvalidArgumentError(
      absl::StrCat("date ", format_date(d), " is not a calendar day"));
}

// One CSV line split into fields; double quotes per RFC 4180 (no embedded newlines).
bool split_csv_line(std::string_view line, std::vector<std::string>* fields, std::string* why) {
  fields->clear();
  std::string field;
  std::size_t i = 0;
  while (true) {
    field.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) {
          *why = "unterminated quoted field";
          return false;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      if (i < line.size() && line[i] != ',') {
        *why = "text after a closing quote";
        return false;
      }
    } else {
      while (i < line.size() && line[i] != ',') {
        if (line[i] == '"') {
          *why = "quote inside an unquoted field";
          return false;
        }
        field.push_back(line[i++]);
      }
    }
    fields->push_back(field);
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

struct ParsedRow {
  std::int64_t day;
  DayKind kind;
  std::string en, zh;
  int line;
};

// Parses a whole CSV; on error names `source:line`.
absl::StatusOr<std::vector<ParsedRow>> parse_holiday_csv(std::string_view csv, std::string_view source) {
  if (!is_valid_utf8(csv)) {
    return absl::InvalidArgumentError(absl::StrCat(av(source), ": not valid UTF-8"));
  }
  if (csv.substr(0, 3) == "\xEF\xBB\xBF") csv.remove_prefix(3);
  std::vector<ParsedRow> rows;
  absl::flat_hash_map<std::int64_t, std::size_t> seen;  // day -> index in rows
  std::vector<std::string> fields;
  std::string why;
  bool header_allowed = true;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= csv.size()) {
    std::size_t eol = csv.find('\n', pos);
    if (eol == std::string_view::npos) eol = csv.size();
    std::string_view line = csv.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto where = [&] { return absl::StrCat(av(source), ":", line_no, ": "); };
    if (line.empty() || line.front() == '#') continue;
    if (!split_csv_line(line, &fields, &why)) {
      return absl::InvalidArgumentError(absl::StrCat(where(), why));
    }
    if (header_allowed && !fields.empty() && fields[0] == "date") {
      header_allowed = false;
      if (fields != std::vector<std::string>{"date", "kind", "name_en", "name_zh"}) {
        return absl::InvalidArgumentError(
            absl::StrCat(where(), "header must be date,kind,name_en,name_zh, got \"", av(line), "\""));
      }
      continue;
    }
    header_allowed = false;
    if (fields.size() != 4) {
      return absl::InvalidArgumentError(absl::StrCat(
          where(), "expected 4 fields (date,kind,name_en,name_zh), got ", fields.size()));
    }
    ParsedRow row;
    row.line = line_no;
    if (!parse_day(fields[0], &row.day)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), "date \"", fields[0], "\" is not a valid YYYY-MM-DD date"));
    }
    const int year = year_of_day(row.day);
    if (year < kMinTableYear || year > kMaxTableYear) {
      return absl::InvalidArgumentError(absl::StrCat(where(), "date ", fields[0], ": year ", year,
                                                     " is outside ", kMinTableYear, "–",
                                                     kMaxTableYear));
    }
    if (fields[1] == "holiday") {
      row.kind = DayKind::kHoliday;
    } else if (fields[1] == "workday") {
      row.kind = DayKind::kMakeupWorkday;
      if (!is_weekend_day(row.day)) {
        return absl::InvalidArgumentError(absl::StrCat(
            where(), "date ", fields[0],
            " is a make-up workday but falls on a weekday (make-up days are Saturdays or Sundays)"));
      }
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), "kind \"", fields[1], "\" must be holiday or workday"));
    }
    if (fields[2].empty() || fields[3].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), "date ", fields[0], ": name_en and name_zh must not be empty"));
    }
    row.en = std::move(fields[2]);
    row.zh = std::move(fields[3]);
    auto [it, inserted] = seen.try_emplace(row.day, rows.size());
    if (!inserted) {
      const ParsedRow& first = rows[it->second];
      if (first.kind != row.kind || first.en != row.en || first.zh != row.zh) {
        return absl::InvalidArgumentError(absl::StrCat(
            where(), "date ", fields[0], " conflicts with line ", first.line, " (",
            first.kind == DayKind::kHoliday ? "holiday" : "workday", " ", first.en, ")"));
      }
      continue;  // an identical repeat is harmless
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Dates and time zone

absl::StatusOr<Date> parse_date(std::string_view text) {
  std::int64_t day;
  if (!parse_day(text, &day)) {
    return absl::InvalidArgumentError(
        absl::StrCat("date \"", av(text), "\" is not a valid YYYY-MM-DD date"));
  }
  return date_from_day(day);
}

std::string format_date(Date d) {
  if (d.is_special()) {
    if (d.is_not_a_date()) return "not-a-date-time";
    return d.is_pos_infinity() ? "+infinity" : "-infinity";
  }
  const auto ymd = d.year_month_day();
  return absl::StrFormat("%04d-%02d-%02d", static_cast<int>(ymd.year), static_cast<int>(ymd.month),
                         static_cast<int>(ymd.day));
}

Date china_date(Timestamp utc) {
  // Floor division, so instants before 1970 land on the right day.
  constexpr Timestamp kLimit = std::numeric_limits<Timestamp>::max() - kChinaUtcOffsetSeconds;
  if (utc > kLimit) return Date(bg::not_a_date_time);
  const Timestamp local = utc + kChinaUtcOffsetSeconds;
  Timestamp days = local / kSecondsPerDay;
  if (local % kSecondsPerDay < 0) --days;
  const std::int64_t day = kEpochDay + days;
  if (days < kMinDay - kEpochDay || day > kMaxDay) return Date(bg::not_a_date_time);
  return date_from_day(day);
}

Timestamp china_time_to_utc(Date d, int minute_of_day) {
  if (d.is_special()) return std::numeric_limits<Timestamp>::min();
  const std::int64_t days = static_cast<std::int64_t>(d.day_number()) - kEpochDay;
  return days * kSecondsPerDay + static_cast<Timestamp>(minute_of_day) * 60 - kChinaUtcOffsetSeconds;
}

std::string_view to_string(CalendarMode mode) {
  switch (mode) {
    case CalendarMode::kProvisional: return "provisional";
    case CalendarMode::kStrict: return "strict";
    case CalendarMode::kWeekendOnly: return "weekend_only";
  }
  return "unknown";
}

absl::StatusOr<CalendarMode> parse_calendar_mode(std::string_view text) {
  for (CalendarMode m : {CalendarMode::kProvisional, CalendarMode::kStrict, CalendarMode::kWeekendOnly}) {
    if (text == to_string(m)) return m;
  }
  return absl::InvalidArgumentError(absl::StrCat("calendar mode \"", av(text),
                                                 "\" must be provisional, strict or weekend_only"));
}

std::string_view to_string(DayKind kind) {
  switch (kind) {
    case DayKind::kWorkday: return "workday";
    case DayKind::kWeekend: return "weekend";
    case DayKind::kHoliday: return "holiday";
    case DayKind::kMakeupWorkday: return "makeup_workday";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------
// WorkCalendar: construction and loading

WorkCalendar::WorkCalendar() { rebuild_index(); }

const WorkCalendar& WorkCalendar::china() {
  static const WorkCalendar calendar = [] {
    auto parsed = from_csv(calendar_internal::embedded_china_holidays_csv(), "embedded cn-holidays.csv");
    if (!parsed.ok()) {
      // The embedded table is checked by the calendar tests; reaching this is a build defect.
      std::fprintf(stderr, "jiceng: %s\n", std::string(parsed.status().message()).c_str());
      std::abort();
    }
    return *std::move(parsed);
  }();
  return calendar;
}

absl::StatusOr<WorkCalendar> WorkCalendar::from_csv(std::string_view csv, std::string_view source_name) {
  WorkCalendar cal;
  JICENG_RETURN_IF_ERROR(cal.load_csv(csv, source_name));
  return cal;
}

absl::Status WorkCalendar::load_csv(std::string_view csv, std::string_view source_name) {
  JICENG_ASSIGN_OR_RETURN(std::vector<ParsedRow> rows, parse_holiday_csv(csv, source_name));
  if (rows.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(av(source_name), ": no holiday rows"));
  }
  absl::flat_hash_set<int> new_years;
  for (const auto& r : rows) new_years.insert(year_of_day(r.day));

  // Merge into fresh containers; *this changes only once everything has succeeded.
  std::vector<Name> names;
  absl::flat_hash_map<std::pair<std::string, std::string>, std::uint16_t> name_index;
  auto intern = [&](const std::string& en, const std::string& zh) -> std::uint16_t {
    auto [it, inserted] = name_index.try_emplace(std::make_pair(en, zh), static_cast<std::uint16_t>(names.size()));
    if (inserted) names.push_back({en, zh});
    return it->second;
  };
  std::vector<Special> specials;
  specials.reserve(specials_.size() + rows.size());
  for (const auto& s : specials_) {
    if (new_years.contains(year_of_day(s.day))) continue;  // replaced as a whole
    const Name& n = names_[s.name];
    specials.push_back({s.day, s.kind, intern(n.en, n.zh)});
  }
  for (const auto& r : rows) {
    specials.push_back({static_cast<std::int32_t>(r.day), r.kind, intern(r.en, r.zh)});
  }
  if (names.size() > kMaxNames) {
    return absl::InvalidArgumentError(
        absl::StrCat(av(source_name), ": more than ", kMaxNames, " distinct holiday names"));
  }
  std::sort(specials.begin(), specials.end(),
            [](const Special& a, const Special& b) { return a.day < b.day; });
  specials_ = std::move(specials);
  names_ = std::move(names);
  rebuild_index();
  return absl::OkStatus();
}

WorkCalendar& WorkCalendar::set_weekend_only_for_unknown_years(bool on) {
  return set_mode(on ? CalendarMode::kWeekendOnly : CalendarMode::kProvisional);
}

WorkCalendar& WorkCalendar::set_mode(CalendarMode mode) {
  if (mode != mode_) {
    mode_ = mode;
    rebuild_index();
  }
  return *this;
}

absl::Status WorkCalendar::set_provisional_rule(int version) {
  if (version != 1) {
    return absl::InvalidArgumentError(absl::StrCat("provisional rule version ", version,
                                                   " is unknown (this library knows version 1)"));
  }
  if (version != rule_) {
    rule_ = version;
    rebuild_index();
  }
  return absl::OkStatus();
}

void WorkCalendar::rebuild_index() {
  covered_.clear();
  first_year_ = last_year_ = 0;
  prov_first_year_ = prov_last_year_ = 0;
  has_gaps_ = false;
  if (!specials_.empty()) {
    first_year_ = year_of_day(specials_.front().day);
    last_year_ = year_of_day(specials_.back().day);
    covered_.assign(static_cast<std::size_t>(last_year_ - first_year_ + 1), 0);
    for (const auto& s : specials_) covered_[static_cast<std::size_t>(year_of_day(s.day) - first_year_)] = 1;
    has_gaps_ = std::find(covered_.begin(), covered_.end(), 0) != covered_.end();
  }
  // The provisional years: their days off from the rule (memoized per year, so a rebuild
  // costs the index, not the astronomy).
  std::vector<calendar_internal::ProvisionalDay> prov;
  prov_error_ = absl::OkStatus();
  if (mode_ == CalendarMode::kProvisional && last_year_ != 0) {
    for (int y = last_year_ + 1; y <= last_year_ + kProvisionalYears; ++y) {
      auto days = calendar_internal::provisional_days(rule_, y);
      if (!days.ok()) {
        prov.clear();
        prov_error_ = days.status();
        break;
      }
      prov.insert(prov.end(), days->begin(), days->end());
    }
    if (prov_error_.ok()) {
      prov_first_year_ = last_year_ + 1;
      prov_last_year_ = last_year_ + kProvisionalYears;
    }
  }
  if (specials_.empty()) {
    base_ = kEpochDay;  // any Monday-independent anchor; the index is empty
    days_ = 0;
  } else {
    base_ = first_day_of_year(first_year_);
    days_ = first_day_of_year(std::max(last_year_, prov_last_year_) + 1) - base_;
  }
  info_.assign(static_cast<std::size_t>(days_), 0);
  for (std::int64_t i = 0; i < days_; ++i) {
    const std::int64_t day = base_ + i;
    std::uint16_t v = is_weekend_day(day) ? static_cast<std::uint16_t>(DayKind::kWeekend)
                                          : static_cast<std::uint16_t>(DayKind::kWorkday);
    info_[static_cast<std::size_t>(i)] = v;
  }
  int year = first_year_;
  std::int64_t next_year_start = days_ > 0 ? first_day_of_year(year + 1) : 0;
  for (std::int64_t i = 0; i < days_; ++i) {
    const std::int64_t day = base_ + i;
    if (day >= next_year_start) {
      ++year;
      next_year_start = first_day_of_year(year + 1);
    }
    if (year > last_year_) {
      info_[static_cast<std::size_t>(i)] |= kCoveredBit | kProvisionalBit;
    } else if (covered_[static_cast<std::size_t>(year - first_year_)]) {
      info_[static_cast<std::size_t>(i)] |= kCoveredBit;
    }
  }
  for (const auto& p : prov) {
    auto& v = info_[static_cast<std::size_t>(p.day - base_)];
    v = static_cast<std::uint16_t>((v & (kCoveredBit | kProvisionalBit)) | static_cast<std::uint16_t>(DayKind::kHoliday) |
                                   ((names_.size() + static_cast<std::size_t>(p.holiday) + 1) << kNameShift));
  }
  for (const auto& s : specials_) {
    auto& v = info_[static_cast<std::size_t>(s.day - base_)];
    v = static_cast<std::uint16_t>((v & kCoveredBit) | static_cast<std::uint16_t>(s.kind) |
                                   ((s.name + 1) << kNameShift));
  }
  cum_.assign(static_cast<std::size_t>(days_ + 1), 0);
  workdays_.clear();
  for (std::int64_t i = 0; i < days_; ++i) {
    const auto kind = static_cast<DayKind>(info_[static_cast<std::size_t>(i)] & kKindMask);
    const bool work = kind == DayKind::kWorkday || kind == DayKind::kMakeupWorkday;
    cum_[static_cast<std::size_t>(i + 1)] = cum_[static_cast<std::size_t>(i)] + (work ? 1 : 0);
    if (work) workdays_.push_back(static_cast<std::int32_t>(i));
  }
}

// ---------------------------------------------------------------------------------------
// WorkCalendar: queries

bool WorkCalendar::covers_year(int year) const {
  return year >= first_year_ && year <= last_year_ && first_year_ != 0 &&
         covered_[static_cast<std::size_t>(year - first_year_)] != 0;
}

std::size_t WorkCalendar::special_day_count() const { return specials_.size(); }

bool operator==(const WorkCalendar& a, const WorkCalendar& b) {
  if (a.mode_ != b.mode_ || a.rule_ != b.rule_ || a.specials_.size() != b.specials_.size()) return false;
  for (std::size_t i = 0; i < a.specials_.size(); ++i) {
    const auto& x = a.specials_[i];
    const auto& y = b.specials_[i];
    if (x.day != y.day || x.kind != y.kind || !(a.names_[x.name] == b.names_[y.name])) return false;
  }
  return true;
}

bool WorkCalendar::day_known(std::int64_t day) const noexcept {
  const std::int64_t i = day - base_;
  return i >= 0 && i < days_ && (info_[static_cast<std::size_t>(i)] & kCoveredBit) != 0;
}

std::int64_t WorkCalendar::rank(std::int64_t day) const noexcept {
  const std::int64_t end = base_ + days_;
  if (day <= base_) return weekend_rank(day);
  if (day <= end) return weekend_rank(base_) + cum_[static_cast<std::size_t>(day - base_)];
  return weekend_rank(base_) + cum_[static_cast<std::size_t>(days_)] + weekend_rank(day) -
         weekend_rank(end);
}

std::int64_t WorkCalendar::select(std::int64_t k) const noexcept {
  const std::int64_t lo = weekend_rank(base_);
  const std::int64_t inside = static_cast<std::int64_t>(workdays_.size());
  if (k < lo) return weekend_select(k);
  if (k < lo + inside) return base_ + workdays_[static_cast<std::size_t>(k - lo)];
  return weekend_select(k - lo - inside + weekend_rank(base_ + days_));
}

std::string WorkCalendar::covered_range_text() const {
  if (first_year_ == 0) return "none";
  std::vector<std::string> parts;
  int y = first_year_;
  while (y <= last_year_) {
    if (!covers_year(y)) {
      ++y;
      continue;
    }
    int z = y;
    while (z + 1 <= last_year_ && covers_year(z + 1)) ++z;
    parts.push_back(y == z ? absl::StrCat(y) : absl::StrCat(y, "–", z));
    y = z + 1;
  }
  return absl::StrJoin(parts, ", ");
}

absl::Status WorkCalendar::unknown_year_error(int year) const {
  if (!prov_error_.ok()) {
    return absl::InternalError(absl::StrCat("year ", year, " is outside the holiday table (", covered_range_text(),
                                            ") and the provisional rule failed: ", prov_error_.message()));
  }
  if (mode_ == CalendarMode::kStrict) {
    return absl::OutOfRangeError(absl::StrCat(
        "year ", year, " is outside the holiday table (", covered_range_text(),
        ") and the calendar is in strict mode; load that year's schedule or use provisional mode"));
  }
  if (prov_last_year_ != 0 && year > prov_last_year_) {
    return absl::OutOfRangeError(absl::StrCat(
        "year ", year, " is outside the holiday table (", covered_range_text(), ") and past the provisional years (",
        prov_first_year_, "–", prov_last_year_, "); load the official schedules up to it"));
  }
  return absl::OutOfRangeError(absl::StrCat(
      "year ", year, " is outside the holiday table (", covered_range_text(),
      "); load that year's schedule or set weekend_only mode"));
}

Date WorkCalendar::first_provisional_day() const {
  if (prov_first_year_ == 0) return Date(bg::not_a_date_time);
  return date_from_day(first_day_of_year(prov_first_year_));
}

bool WorkCalendar::span_is_provisional(Date from, Date to) const {
  if (prov_first_year_ == 0 || from.is_special() || to.is_special()) return false;
  const Date last = std::max(from, to);
  const Date first = std::min(from, to);
  return last >= first_provisional_day() && first.year() <= prov_last_year_;
}

CalendarCoverage WorkCalendar::coverage(Date today) const {
  CalendarCoverage c;
  c.mode = mode_;
  c.provisional_rule = rule_;
  c.first_official_year = first_year_;
  c.last_official_year = last_year_;
  c.first_provisional_day = first_provisional_day();
  if (prov_last_year_ != 0) c.last_provisional_day = Date(static_cast<unsigned short>(prov_last_year_), 12, 31);
  if (last_year_ == 0 || today.is_special()) return c;
  const Date last_official(static_cast<unsigned short>(last_year_), 12, 31);
  c.official_days_left = (last_official - today).days();
  if (c.official_days_left <= 60) {
    const std::string after =
        mode_ == CalendarMode::kProvisional ? "the provisional rule (statutory holidays, no 调休) answers after it"
        : mode_ == CalendarMode::kStrict    ? "dates after it are refused (strict mode)"
                                            : "weekends alone count after it (weekend_only mode)";
    c.warning = absl::StrCat(c.official_days_left < 0 ? "the official holiday table ended on "
                                                        : "the official holiday table ends on ",
                             format_date(last_official), "; ", after, "; load the State Council's schedule for ",
                             last_year_ + 1, " (国务院办公厅关于", last_year_ + 1, "年部分节假日安排的通知) when it is published");
  }
  return c;
}

absl::Status WorkCalendar::check_date(Date d) const {
  if (d.is_special()) return invalid_date_error(d);
  const auto day = static_cast<std::int64_t>(d.day_number());
  if (mode_ != CalendarMode::kWeekendOnly && !day_known(day)) return unknown_year_error(d.year());
  return absl::OkStatus();
}

bool WorkCalendar::span_known(std::int64_t from, std::int64_t to) const noexcept {
  if (from > to) std::swap(from, to);
  if (from < kMinDay || to > kMaxDay) return false;
  if (mode_ == CalendarMode::kWeekendOnly) return true;
  if (!has_gaps_) return day_known(from) && day_known(to);
  for (int y = year_of_day(from), last = year_of_day(to); y <= last; ++y) {
    if (!covers_year(y) && !(prov_first_year_ != 0 && y >= prov_first_year_ && y <= prov_last_year_)) return false;
  }
  return true;
}

absl::Status WorkCalendar::check_span(std::int64_t from, std::int64_t to) const {
  if (span_known(from, to)) return absl::OkStatus();
  if (from > to) std::swap(from, to);
  if (from < kMinDay || to > kMaxDay) {
    return absl::OutOfRangeError("the span leaves the supported dates 1400-01-01 .. 9999-12-31");
  }
  for (int y = year_of_day(from), last = year_of_day(to); y <= last; ++y) {
    if (!covers_year(y) && !(prov_first_year_ != 0 && y >= prov_first_year_ && y <= prov_last_year_)) {
      return unknown_year_error(y);
    }
  }
  return absl::InternalError("span check failed");
}

absl::StatusOr<bool> WorkCalendar::is_workday(Date d) const {
  JICENG_RETURN_IF_ERROR(check_date(d));
  const auto day = static_cast<std::int64_t>(d.day_number());
  const std::int64_t i = day - base_;
  if (i >= 0 && i < days_) {
    return cum_[static_cast<std::size_t>(i + 1)] != cum_[static_cast<std::size_t>(i)];
  }
  return !is_weekend_day(day);
}

absl::StatusOr<DayInfo> WorkCalendar::day_info(Date d) const {
  JICENG_RETURN_IF_ERROR(check_date(d));
  const auto day = static_cast<std::int64_t>(d.day_number());
  const std::int64_t i = day - base_;
  DayInfo info;
  if (i >= 0 && i < days_) {
    const std::uint16_t v = info_[static_cast<std::size_t>(i)];
    info.kind = static_cast<DayKind>(v & kKindMask);
    info.provisional = (v & kProvisionalBit) != 0;
    if (const int name = v >> kNameShift; name != 0) {
      const auto n = static_cast<std::size_t>(name - 1);
      if (n < names_.size()) {
        info.name_en = names_[n].en;
        info.name_zh = names_[n].zh;
      } else {
        info.name_en = calendar_internal::kProvisionalHolidayNames[n - names_.size()].en;
        info.name_zh = calendar_internal::kProvisionalHolidayNames[n - names_.size()].zh;
      }
    }
  } else {
    info.kind = is_weekend_day(day) ? DayKind::kWeekend : DayKind::kWorkday;
  }
  return info;
}

absl::StatusOr<std::string> WorkCalendar::holiday_name(Date d) const {
  JICENG_ASSIGN_OR_RETURN(DayInfo info, day_info(d));
  if (info.kind != DayKind::kHoliday) return std::string();
  return std::string(info.name_en);
}

bool WorkCalendar::try_add_workdays(Date d, int n, Date* out) const noexcept {
  // Fast path: the date and the result inside the index, no gap years. Special dates
  // have day numbers outside every index, so they fall through to the checked path.
  const std::int64_t i = static_cast<std::int64_t>(d.day_number()) - base_;
  if (i >= 0 && i < days_ && !has_gaps_ && !d.is_special()) {
    std::int64_t r = 0;
    if (try_add_workdays_indexed(static_cast<std::int64_t>(d.day_number()), n, &r)) {
      *out = Date(static_cast<DayInt>(r));
      return true;
    }
    if (mode_ != CalendarMode::kWeekendOnly) return false;  // the result leaves the index: unknown years
  }
  if (d.is_special()) return false;
  const auto day = static_cast<std::int64_t>(d.day_number());
  if (mode_ != CalendarMode::kWeekendOnly && !day_known(day)) return false;
  const std::int64_t k = (n > 0 ? rank(day + 1) - 1 : rank(day)) + n;
  if (k < weekend_rank(kMinDay)) return false;
  const std::int64_t result = select(k);
  if (result > kMaxDay) return false;
  if (!span_known(day, result)) return false;
  *out = date_from_day(result);
  return true;
}

absl::StatusOr<Date> WorkCalendar::add_workdays(Date d, int n) const {
  Date out;
  if (try_add_workdays(d, n, &out)) return out;
  // Error path: find out why, with a message.
  JICENG_RETURN_IF_ERROR(check_date(d));
  const auto day = static_cast<std::int64_t>(d.day_number());
  const std::int64_t k = (n > 0 ? rank(day + 1) - 1 : rank(day)) + n;
  if (k < weekend_rank(kMinDay)) {
    return absl::OutOfRangeError(absl::StrCat(n, " working days from ", format_date(d),
                                              " is before 1400-01-01"));
  }
  const std::int64_t result = select(k);
  if (result > kMaxDay) {
    return absl::OutOfRangeError(absl::StrCat(n, " working days from ", format_date(d),
                                              " is after 9999-12-31"));
  }
  JICENG_RETURN_IF_ERROR(check_span(day, result));
  return absl::InternalError(absl::StrCat("add_workdays(", format_date(d), ", ", n, ") failed"));
}

absl::StatusOr<Date> WorkCalendar::next_workday(Date d) const { return add_workdays(d, 1); }

absl::StatusOr<int> WorkCalendar::workdays_between(Date a, Date b) const {
  if (a.is_special()) return invalid_date_error(a);
  if (b.is_special()) return invalid_date_error(b);
  auto lo = static_cast<std::int64_t>(a.day_number());
  auto hi = static_cast<std::int64_t>(b.day_number());
  if (lo == hi) return 0;
  const bool negative = hi < lo;
  if (negative) std::swap(lo, hi);
  JICENG_RETURN_IF_ERROR(check_span(lo, hi - 1));  // the days counted are [lo, hi)
  const std::int64_t count = rank(hi) - rank(lo);
  return static_cast<int>(negative ? -count : count);
}

}  // namespace jiceng
