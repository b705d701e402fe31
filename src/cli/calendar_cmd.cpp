// `jiceng calendar …`: the working-day calendar (工作日历) from the command line —
// classify dates, add working days (one pair or in bulk from stdin), count between dates,
// and say where the official table ends. An answer that rests on a provisional day (a year
// after the official table, answered by the statutory rule) carries the word `provisional`.
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cli/exit_codes.hpp"
#include "cli/registry.hpp"
#include "jiceng/calendar.hpp"

namespace jiceng::cli {
namespace {

struct CalendarOptions {
  bool weekend_only = false;
  std::string mode = "provisional";
  std::string today;               // status
  std::vector<std::string> load_files;
  std::vector<std::string> dates;  // is-workday
  std::string date, n_text;        // add-workdays
  std::string from, to;            // between
};

void error(std::string_view what) { std::cerr << "jiceng calendar: " << what << "\n"; }
void error(const absl::Status& status) { error(std::string(status.message())); }

// The embedded calendar plus any --load files, with --weekend-only applied.
bool make_calendar(const CalendarOptions& o, WorkCalendar* cal) {
  *cal = WorkCalendar::china();
  for (const auto& path : o.load_files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      error("cannot read " + path);
      return false;
    }
    std::stringstream text;
    text << in.rdbuf();
    if (auto st = cal->load_csv(text.str(), path); !st.ok()) {
      error(st);
      return false;
    }
  }
  auto mode = parse_calendar_mode(o.mode);
  if (!mode.ok()) {
    error(mode.status());
    return false;
  }
  cal->set_mode(o.weekend_only ? CalendarMode::kWeekendOnly : *mode);
  return true;
}

bool parse_int(std::string_view s, int* out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// Writes YYYY-MM-DD for a real date into `out` (10 bytes).
void put_date(Date d, char* out) {
  const auto ymd = d.year_month_day();
  const unsigned y = ymd.year, m = ymd.month, day = ymd.day;
  out[0] = static_cast<char>('0' + y / 1000);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[4] = '-';
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + day / 10);
  out[9] = static_cast<char>('0' + day % 10);
}

int run_is_workday(const CalendarOptions& o) {
  WorkCalendar cal;
  if (!make_calendar(o, &cal)) return kExitUsage;
  int rc = 0;
  for (const auto& text : o.dates) {
    auto d = parse_date(text);
    absl::StatusOr<DayInfo> info = d.ok() ? cal.day_info(*d) : absl::StatusOr<DayInfo>(d.status());
    if (!info.ok()) {
      error(info.status());
      rc = kExitUsage;
      continue;
    }
    std::cout << format_date(*d) << ' ' << (info->is_workday() ? "workday" : to_string(info->kind));
    if (info->kind == DayKind::kMakeupWorkday) std::cout << " make-up for";
    if (!info->name_zh.empty()) std::cout << ' ' << info->name_zh << ' ' << info->name_en;
    if (info->provisional) std::cout << " provisional";
    std::cout << '\n';
  }
  return rc;
}

// Bulk mode: `DATE N` per line on stdin, one YYYY-MM-DD per line out. Stops at the first
// bad line (after writing the results before it) so output lines always match input lines.
int run_add_workdays_bulk(const WorkCalendar& cal) {
  std::string in;
  {
    std::vector<char> buf(1 << 16);
    std::size_t got;
    while ((got = std::fread(buf.data(), 1, buf.size(), stdin)) > 0) in.append(buf.data(), got);
  }
  std::string out;
  out.reserve(in.size() / 13 * 11 + 64);
  std::size_t pos = 0;
  int line_no = 0;
  std::string failure;  // reported after the good results, so the streams read in order
  while (pos < in.size()) {
    std::size_t eol = in.find('\n', pos);
    if (eol == std::string::npos) eol = in.size();
    std::string_view line(in.data() + pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t sp = line.find_first_of(" \t");
    std::string_view date_text = line.substr(0, sp);
    std::string_view n_text = sp == std::string_view::npos ? std::string_view() : line.substr(sp);
    while (!n_text.empty() && (n_text.front() == ' ' || n_text.front() == '\t')) n_text.remove_prefix(1);
    while (!n_text.empty() && (n_text.back() == ' ' || n_text.back() == '\t')) n_text.remove_suffix(1);
    int n = 0;
    auto d = parse_date(date_text);
    if (!d.ok() || !parse_int(n_text, &n)) {
      failure = "stdin line " + std::to_string(line_no) + ": expected \"YYYY-MM-DD N\", got \"" +
                std::string(line) + "\"";
      break;
    }
    Date r;
    if (!cal.try_add_workdays(*d, n, &r)) {
      failure = "stdin line " + std::to_string(line_no) + ": " +
                std::string(cal.add_workdays(*d, n).status().message());
      break;
    }
    char buf[11];
    put_date(r, buf);
    out.append(buf, 10);
    if (cal.span_is_provisional(*d, r)) out.append(" provisional");
    out.push_back('\n');
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  if (failure.empty()) return 0;
  error(failure);
  return kExitUsage;
}

int run_add_workdays(const CalendarOptions& o) {
  WorkCalendar cal;
  if (!make_calendar(o, &cal)) return kExitUsage;
  if (o.date == "-") {
    if (!o.n_text.empty()) {
      error("add-workdays -: reads DATE N pairs from stdin and takes no N argument");
      return kExitUsage;
    }
    return run_add_workdays_bulk(cal);
  }
  auto d = parse_date(o.date);
  if (!d.ok()) {
    error(d.status());
    return kExitUsage;
  }
  int n = 0;
  if (!parse_int(o.n_text, &n)) {
    error("N \"" + o.n_text + "\" is not a whole number");
    return kExitUsage;
  }
  auto r = cal.add_workdays(*d, n);
  if (!r.ok()) {
    error(r.status());
    return kExitUsage;
  }
  std::cout << format_date(*r) << (cal.span_is_provisional(*d, *r) ? " provisional" : "") << '\n';
  return 0;
}

int run_between(const CalendarOptions& o) {
  WorkCalendar cal;
  if (!make_calendar(o, &cal)) return kExitUsage;
  auto a = parse_date(o.from);
  auto b = parse_date(o.to);
  for (const auto* d : {&a, &b}) {
    if (!d->ok()) {
      error(d->status());
      return kExitUsage;
    }
  }
  auto n = cal.workdays_between(*a, *b);
  if (!n.ok()) {
    error(n.status());
    return kExitUsage;
  }
  std::cout << *n << (cal.span_is_provisional(*a, *b) ? " provisional" : "") << '\n';
  return 0;
}

// Where the official table ends, what answers after it, and a warning within 60 days.
int run_status(const CalendarOptions& o) {
  WorkCalendar cal;
  if (!make_calendar(o, &cal)) return kExitUsage;
  Date today = china_date(absl::ToUnixSeconds(absl::Now()));
  if (!o.today.empty()) {
    auto d = parse_date(o.today);
    if (!d.ok()) {
      error(d.status());
      return kExitUsage;
    }
    today = *d;
  }
  const CalendarCoverage c = cal.coverage(today);
  std::cout << "mode: " << to_string(c.mode) << '\n';
  if (c.last_official_year == 0) {
    std::cout << "official years: none\n";
  } else {
    std::cout << "official years: " << c.first_official_year << "–" << c.last_official_year << " (ends "
              << c.last_official_year << "-12-31, " << c.official_days_left << " days from " << format_date(today)
              << ")\n";
  }
  if (c.first_provisional_day.is_special()) {
    std::cout << "provisional days: none\n";
  } else {
    std::cout << "provisional days: " << format_date(c.first_provisional_day) << " to "
              << format_date(c.last_provisional_day) << " (rule " << c.provisional_rule
              << ": statutory holidays of 全国年节及纪念日放假办法 2024, make-up days, no 调休)\n";
  }
  if (!c.warning.empty()) std::cout << "warning: " << c.warning << '\n';
  return 0;
}

void add_calendar_commands(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<CalendarOptions>();
  CLI::App* cal = app.add_subcommand(
      "calendar",
      "Working-day calendar (工作日历): official holidays and make-up days 2004–2026, provisional years after");
  cal->require_subcommand(1);
  cal->add_option("--mode", o->mode,
                  "How years past the official table answer: provisional (default: the statutory holidays, "
                  "marked provisional, ten years on), strict (refuse) or weekend_only (Mon–Fri work)")
      ->check(CLI::IsMember({"provisional", "strict", "weekend_only"}));
  cal->add_flag("--weekend-only", o->weekend_only, "Same as --mode weekend_only");
  cal->add_option("--load", o->load_files,
                  "Load more years from a CSV file (date,kind,name_en,name_zh); repeatable")
      ->check(CLI::ExistingFile);

  CLI::App* is_wd = cal->add_subcommand("is-workday", "Classify dates: workday, weekend or holiday (with its name)");
  is_wd->add_option("dates", o->dates, "Dates as YYYY-MM-DD")->required();
  is_wd->callback([o, &exit_code] { exit_code = run_is_workday(*o); });

  CLI::App* add = cal->add_subcommand(
      "add-workdays",
      "Print the N-th working day after DATE (N=0: DATE or the next working day; N<0: before). "
      "With DATE '-', read 'DATE N' lines from stdin and print one date per line");
  add->add_option("date", o->date, "YYYY-MM-DD, or - for stdin")->required();
  add->add_option("n", o->n_text, "Working days to add (may be negative)");
  add->callback([o, &exit_code] {
    if (o->date != "-" && o->n_text.empty()) {
      error("add-workdays DATE N: N is missing");
      exit_code = kExitUsage;
      return;
    }
    exit_code = run_add_workdays(*o);
  });

  CLI::App* status = cal->add_subcommand(
      "status", "Official coverage, the first provisional day, and a warning when the table ends within 60 days");
  status->add_option("--today", o->today, "The date to measure from (default: today in China), YYYY-MM-DD");
  status->callback([o, &exit_code] { exit_code = run_status(*o); });

  CLI::App* between = cal->add_subcommand("between", "Count working days in [A, B) (negative when B < A)");
  between->add_option("a", o->from, "Start date (counted), YYYY-MM-DD")->required();
  between->add_option("b", o->to, "End date (not counted), YYYY-MM-DD")->required();
  between->callback([o, &exit_code] { exit_code = run_between(*o); });
}

}  // namespace

JICENG_CLI_COMMAND("calendar", add_calendar_commands);

}  // namespace jiceng::cli
