// capi/calendar.cpp — the working-day calendar (工作日历) through the C ABI.
#include "capi/date_util.hpp"
#include "capi/internal.hpp"
#include "capi/engine_handle.hpp"
#include "jiceng/calendar.hpp"
#include "jiceng/engine.hpp"

namespace {

jc_status need_cal(const jc_calendar* c, const char* fn) {
  if (c == nullptr || c->cal == nullptr) return jc::fail(JC_INVALID_ARGUMENT, std::string(fn) + ": calendar is NULL");
  return JC_OK;
}

jc_status need_owned(const jc_calendar* c, const char* fn) {
  JC_CHECK(need_cal(c, fn));
  if (c->owned == nullptr)
    return jc::fail(JC_FAILED_PRECONDITION,
                    std::string(fn) + ": this calendar is borrowed from an engine and is read-only; "
                                      "use jc_engine_load_calendar_csv");
  return JC_OK;
}

jc_status make(jc_calendar** out, jiceng::WorkCalendar cal) {
  auto owned = std::make_unique<jiceng::WorkCalendar>(std::move(cal));
  auto* h = new jc_calendar;
  h->owned = owned.release();
  h->cal = h->owned;
  *out = h;
  return JC_OK;
}

/// Why a hot call with a jc_date was refused (cold path).
[[gnu::cold, gnu::noinline]] jc_status hot_error(const char* fn, const void* out, const jc_calendar* cal,
                                                  jc_date d) noexcept {
  if (out == nullptr) return jc::fail_nothrow(JC_INVALID_ARGUMENT, fn, "out is NULL");
  if (cal == nullptr || cal->cal == nullptr) return jc::fail_nothrow(JC_INVALID_ARGUMENT, fn, "calendar is NULL");
  try {
    return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": date ", d.year, "-", d.month, "-", d.day, " is not a real day"));
  } catch (...) {
    return jc::fail_nothrow(JC_INVALID_ARGUMENT, fn, "date is not a real day");
  }
}

/// Why a hot call with a jc_day was refused (cold path).
[[gnu::cold, gnu::noinline]] jc_status hot_day_error(const char* fn, const void* out, const jc_calendar* cal,
                                                      std::int32_t day) noexcept {
  if (out == nullptr) return jc::fail_nothrow(JC_INVALID_ARGUMENT, fn, "out is NULL");
  if (cal == nullptr || cal->cal == nullptr) return jc::fail_nothrow(JC_INVALID_ARGUMENT, fn, "calendar is NULL");
  try {
    return jc::fail(JC_OUT_OF_RANGE, jc::cat(fn, ": day number ", day, " is outside ", JC_MIN_DAY, "..", JC_MAX_DAY,
                                             " (1400-01-01..9999-12-31)"));
  } catch (...) {
    return jc::fail_nothrow(JC_OUT_OF_RANGE, fn, "day number out of range");
  }
}

/// The calendar's own message for a refused add_workdays (cold path).
[[gnu::cold, gnu::noinline]] jc_status add_error(const char* fn, const jc_calendar* cal, std::int32_t day,
                                                  int n) noexcept {
  try {
    auto s = cal->cal->add_workdays(jc::boost_of(day), n);
    if (s.ok()) return jc::fail(JC_INTERNAL, jc::cat(fn, ": try_add_workdays and add_workdays disagree"));
    return jc::from_status(s.status(), fn);
  } catch (...) {
    return jc::from_exception(fn);
  }
}

/// jc_calendar_add_workdays[_day] beyond the calendar's index (cold path): the full walk,
/// then the calendar's own message on failure.
[[gnu::noinline]] jc_status add_workdays_day_slow(jc_day* out, const jc_calendar* cal, jc_day day, int n,
                                                  const char* fn) noexcept {
  jiceng::Date r;
  if (cal->cal->try_add_workdays(jc::boost_of(day), n, &r)) {
    *out = jc::day_of(r);
    return JC_OK;
  }
  return add_error(fn, cal, day, n);
}

/// One field of day_info(d) into *out, for the calls that classify a day (kind, provisional).
template <typename Field>
jc_status day_info_field(int* out, const jc_calendar* cal, jc_date d, const char* fn, Field field) {
  JC_CHECK(jc::need(out, fn, "out"));
  JC_CHECK(need_cal(cal, fn));
  jiceng::Date bd;
  JC_CHECK(jc::to_boost_date(&bd, d, fn));
  auto r = cal->cal->day_info(bd);
  if (!r.ok()) return jc::from_status(r.status(), fn);
  *out = field(*r);
  return JC_OK;
}

}  // namespace

extern "C" {

jc_status jc_calendar_china(jc_calendar** out) {
  JC_GUARD("jc_calendar_china") {
    JC_CHECK(jc::need(out, "jc_calendar_china", "out"));
    return make(out, jiceng::WorkCalendar::china());
  });
}

jc_status jc_calendar_new(jc_calendar** out) {
  JC_GUARD("jc_calendar_new") {
    JC_CHECK(jc::need(out, "jc_calendar_new", "out"));
    return make(out, jiceng::WorkCalendar());
  });
}

void jc_calendar_free(jc_calendar* cal) {
  if (cal == nullptr || cal->owned == nullptr) return;  // borrowed handles belong to their engine
  delete cal->owned;
  delete cal;
}

jc_status jc_calendar_load_csv(jc_calendar* cal, const char* csv, size_t len, const char* source_name) {
  JC_GUARD("jc_calendar_load_csv") {
    JC_CHECK(need_owned(cal, "jc_calendar_load_csv"));
    std::string_view text, source;
    JC_CHECK(jc::text(&text, csv, len, "jc_calendar_load_csv", "csv"));
    JC_CHECK(jc::text(&source, source_name, "jc_calendar_load_csv", "source_name", true));
    return jc::from_status(cal->owned->load_csv(text, source.empty() ? "calendar.csv" : source), "jc_calendar_load_csv");
  });
}

jc_status jc_calendar_set_weekend_only(jc_calendar* cal, int on) {
  JC_GUARD("jc_calendar_set_weekend_only") {
    JC_CHECK(need_owned(cal, "jc_calendar_set_weekend_only"));
    cal->owned->set_weekend_only_for_unknown_years(on != 0);
    return JC_OK;
  });
}

jc_status jc_calendar_set_mode(jc_calendar* cal, int mode) {
  JC_GUARD("jc_calendar_set_mode") {
    JC_CHECK(need_owned(cal, "jc_calendar_set_mode"));
    if (mode < JC_CALENDAR_PROVISIONAL || mode > JC_CALENDAR_WEEKEND_ONLY) {
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_calendar_set_mode: mode ", mode,
                                                   " is not a jc_calendar_mode (0 provisional, 1 strict, 2 weekend_only)"));
    }
    cal->owned->set_mode(static_cast<jiceng::CalendarMode>(mode));
    return JC_OK;
  });
}

jc_status jc_calendar_get_mode(int* out, const jc_calendar* cal) {
  JC_GUARD("jc_calendar_get_mode") {
    JC_CHECK(jc::need(out, "jc_calendar_get_mode", "out"));
    JC_CHECK(need_cal(cal, "jc_calendar_get_mode"));
    *out = static_cast<int>(cal->cal->mode());
    return JC_OK;
  });
}

jc_status jc_calendar_is_provisional(int* out, const jc_calendar* cal, jc_date d) {
  JC_GUARD("jc_calendar_is_provisional") {
    return day_info_field(out, cal, d, "jc_calendar_is_provisional",
                          [](const jiceng::DayInfo& i) { return i.provisional ? 1 : 0; });
  });
}

jc_status jc_calendar_coverage_json(char** out, const jc_calendar* cal, jc_date today) {
  JC_GUARD("jc_calendar_coverage_json") {
    JC_CHECK(jc::need(out, "jc_calendar_coverage_json", "out"));
    JC_CHECK(need_cal(cal, "jc_calendar_coverage_json"));
    jiceng::Date bd;
    JC_CHECK(jc::to_boost_date(&bd, today, "jc_calendar_coverage_json"));
    return jc::out_string(out, jiceng::to_json(cal->cal->coverage(bd)), "jc_calendar_coverage_json");
  });
}

jc_status jc_engine_set_calendar_mode(jc_engine* engine, int mode, int provisional_rule, int64_t now) {
  JC_GUARD("jc_engine_set_calendar_mode") {
    if (engine == nullptr || engine->engine == nullptr) {
      return jc::fail(JC_INVALID_ARGUMENT, "jc_engine_set_calendar_mode: engine is NULL");
    }
    if (mode < JC_CALENDAR_PROVISIONAL || mode > JC_CALENDAR_WEEKEND_ONLY) {
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_engine_set_calendar_mode: mode ", mode,
                                                   " is not a jc_calendar_mode (0 provisional, 1 strict, 2 weekend_only)"));
    }
    const absl::Status st =
        engine->engine->set_calendar_mode(static_cast<jiceng::CalendarMode>(mode), provisional_rule, now);
    return jc::from_status(st, "jc_engine_set_calendar_mode");
  });
}

jc_status jc_engine_calendar_coverage_json(char** out, jc_engine* engine, int64_t now) {
  JC_GUARD("jc_engine_calendar_coverage_json") {
    JC_CHECK(jc::need(out, "jc_engine_calendar_coverage_json", "out"));
    if (engine == nullptr || engine->engine == nullptr) {
      return jc::fail(JC_INVALID_ARGUMENT, "jc_engine_calendar_coverage_json: engine is NULL");
    }
    return jc::out_string(out, jiceng::to_json(engine->engine->calendar_coverage(now)),
                          "jc_engine_calendar_coverage_json");
  });
}

jc_status jc_calendar_years(int* first_year, int* last_year, const jc_calendar* cal) {
  JC_GUARD("jc_calendar_years") {
    JC_CHECK(need_cal(cal, "jc_calendar_years"));
    if (first_year != nullptr) *first_year = cal->cal->first_year();
    if (last_year != nullptr) *last_year = cal->cal->last_year();
    return JC_OK;
  });
}

// The hot calls: checks inline, the message built only on the cold path, no Status on
// success (try_add_workdays), dates converted with integer arithmetic.

jc_status jc_calendar_is_workday(int* out, const jc_calendar* cal, jc_date d) try {
  std::int32_t day = 0;
  if (out == nullptr || cal == nullptr || cal->cal == nullptr || !jc::day_of(d, &day)) [[unlikely]]
    return hot_error("jc_calendar_is_workday", out, cal, d);
  auto r = cal->cal->is_workday(jc::boost_of(day));
  if (!r.ok()) [[unlikely]]
    return jc::from_status(r.status(), "jc_calendar_is_workday");
  *out = *r ? 1 : 0;
  return JC_OK;
} catch (...) {
  return jc::from_exception("jc_calendar_is_workday");
}

jc_status jc_calendar_is_workday_day(int* out, const jc_calendar* cal, jc_day day) try {
  if (out == nullptr || cal == nullptr || cal->cal == nullptr || !jc::day_ok(day)) [[unlikely]]
    return hot_day_error("jc_calendar_is_workday_day", out, cal, day);
  auto r = cal->cal->is_workday(jc::boost_of(day));
  if (!r.ok()) [[unlikely]]
    return jc::from_status(r.status(), "jc_calendar_is_workday_day");
  *out = *r ? 1 : 0;
  return JC_OK;
} catch (...) {
  return jc::from_exception("jc_calendar_is_workday_day");
}

jc_status jc_calendar_day_kind(int* out, const jc_calendar* cal, jc_date d) {
  JC_GUARD("jc_calendar_day_kind") {
    return day_info_field(out, cal, d, "jc_calendar_day_kind",
                          [](const jiceng::DayInfo& i) { return static_cast<int>(i.kind); });
  });
}

jc_status jc_calendar_add_workdays(jc_date* out, const jc_calendar* cal, jc_date d, int n) {
  const std::int32_t y = d.year, m = d.month, dd = d.day;  // into registers (see jc::day_of)
  std::int32_t day = 0;
  if (out == nullptr || cal == nullptr || cal->cal == nullptr || !jc::day_of(y, m, dd, &day)) [[unlikely]]
    return hot_error("jc_calendar_add_workdays", out, cal, jc_date{y, m, dd});
  std::int64_t r = 0;  // inline index lookup, as jc_calendar_add_workdays_day
  if (cal->cal->try_add_workdays_indexed(std::int64_t{day} + jc::kJulianEpoch, n, &r)) [[likely]] {
    *out = jc::civil_from_days(static_cast<std::int32_t>(r - jc::kJulianEpoch));
    return JC_OK;
  }
  jc_day result = 0;
  const jc_status rc = add_workdays_day_slow(&result, cal, day, n, "jc_calendar_add_workdays");
  if (rc == JC_OK) *out = jc::civil_from_days(result);
  return rc;
}

jc_status jc_calendar_add_workdays_day(jc_day* out, const jc_calendar* cal, jc_day day, int n) {
  if (out == nullptr || cal == nullptr || cal->cal == nullptr || !jc::day_ok(day)) [[unlikely]]
    return hot_day_error("jc_calendar_add_workdays_day", out, cal, day);
  std::int64_t r = 0;  // inline index lookup; no Date, no frame
  if (cal->cal->try_add_workdays_indexed(std::int64_t{day} + jc::kJulianEpoch, n, &r)) [[likely]] {
    *out = static_cast<jc_day>(r - jc::kJulianEpoch);
    return JC_OK;
  }
  return add_workdays_day_slow(out, cal, day, n, "jc_calendar_add_workdays_day");
}

jc_status jc_calendar_workdays_between(int* out, const jc_calendar* cal, jc_date a, jc_date b) {
  JC_GUARD("jc_calendar_workdays_between") {
    JC_CHECK(jc::need(out, "jc_calendar_workdays_between", "out"));
    JC_CHECK(need_cal(cal, "jc_calendar_workdays_between"));
    jiceng::Date da, db;
    JC_CHECK(jc::to_boost_date(&da, a, "jc_calendar_workdays_between"));
    JC_CHECK(jc::to_boost_date(&db, b, "jc_calendar_workdays_between"));
    auto r = cal->cal->workdays_between(da, db);
    if (!r.ok()) return jc::from_status(r.status(), "jc_calendar_workdays_between");
    *out = *r;
    return JC_OK;
  });
}

jc_status jc_calendar_next_workday(jc_date* out, const jc_calendar* cal, jc_date d) {
  JC_GUARD("jc_calendar_next_workday") {
    JC_CHECK(jc::need(out, "jc_calendar_next_workday", "out"));
    JC_CHECK(need_cal(cal, "jc_calendar_next_workday"));
    jiceng::Date bd;
    JC_CHECK(jc::to_boost_date(&bd, d, "jc_calendar_next_workday"));
    auto r = cal->cal->next_workday(bd);
    if (!r.ok()) return jc::from_status(r.status(), "jc_calendar_next_workday");
    *out = jc::from_boost_date(*r);
    return JC_OK;
  });
}

jc_status jc_calendar_holiday_name(char* buf, size_t size, size_t* out_len, const jc_calendar* cal, jc_date d) {
  JC_GUARD("jc_calendar_holiday_name") {
    JC_CHECK(need_cal(cal, "jc_calendar_holiday_name"));
    jiceng::Date bd;
    JC_CHECK(jc::to_boost_date(&bd, d, "jc_calendar_holiday_name"));
    auto r = cal->cal->holiday_name(bd);
    if (!r.ok()) return jc::from_status(r.status(), "jc_calendar_holiday_name");
    return jc::out_buffer(buf, size, out_len, *r, "jc_calendar_holiday_name");
  });
}

jc_status jc_calendar_deadline_after(int64_t* out, const jc_calendar* cal, int64_t start, const char* duration,
                                     int due_minute_of_day) {
  JC_GUARD("jc_calendar_deadline_after") {
    JC_CHECK(jc::need(out, "jc_calendar_deadline_after", "out"));
    JC_CHECK(need_cal(cal, "jc_calendar_deadline_after"));
    std::string_view text;
    JC_CHECK(jc::text(&text, duration, "jc_calendar_deadline_after", "duration"));
    auto d = jiceng::parse_duration(text);
    if (!d.ok()) return jc::from_status(d.status(), "jc_calendar_deadline_after");
    auto r = jiceng::deadline_after(*cal->cal, start, *d, due_minute_of_day < 0 ? 17 * 60 + 30 : due_minute_of_day);
    if (!r.ok()) return jc::from_status(r.status(), "jc_calendar_deadline_after");
    *out = *r;
    return JC_OK;
  });
}

}  // extern "C"
