// capi/internal.hpp — the shared machinery of the C ABI's thin wrappers: status
// translation, the thread-local error, argument checks, library-owned strings and
// caller buffers, and the handle structs. It includes no area header, because
// calendar.hpp and org.hpp both declare `jiceng::Date` (different types) and so cannot
// meet in one translation unit; each capi/*.cpp includes only the headers it needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "jiceng.h"
#include "jiceng/types.hpp"

namespace jiceng {
class OrgGraph;
class WorkCalendar;
class Engine;
}  // namespace jiceng

/// jc_org: an owned graph (jc_org_new) or a read-only view of an engine's graph.
struct jc_org {
  jiceng::OrgGraph* owned = nullptr;        // deleted by jc_org_free (capi/org.cpp)
  const jiceng::OrgGraph* graph = nullptr;  // what queries read
  // graph->unit_count(), refreshed after every call that can change the graph (loads,
  // engine configuration, restore, batches): the hot queries check a unit index against
  // it with one compare instead of an out-of-line call. 0 while `graph` is NULL.
  std::uint32_t units = 0;
};

/// jc_calendar: an owned calendar or a read-only view of an engine's calendar.
struct jc_calendar {
  jiceng::WorkCalendar* owned = nullptr;     // deleted by jc_calendar_free (capi/calendar.cpp)
  const jiceng::WorkCalendar* cal = nullptr;
};

namespace jc {

// String building that takes std::string_view (Debian's Abseil has its own string_view,
// so absl::StrCat does not accept std::string_view).
inline void cat_one(std::string& s, std::string_view v) { s.append(v); }
inline void cat_one(std::string& s, const char* v) { s.append(v); }
inline void cat_one(std::string& s, const std::string& v) { s.append(v); }
#if !defined(ABSL_USES_STD_STRING_VIEW)
inline void cat_one(std::string& s, absl::string_view v) { s.append(v.data(), v.size()); }
#endif
template <class T>
  requires std::is_arithmetic_v<T>
inline void cat_one(std::string& s, T v) {
  s += std::to_string(v);
}
/// Concatenates text and numbers.
template <class... A>
std::string cat(const A&... a) {
  std::string s;
  (cat_one(s, a), ...);
  return s;
}

/// Records `message` for the calling thread and returns `code`.
jc_status fail(jc_status code, std::string message);
/// Translates a Status (OK → JC_OK; otherwise records "fn: message").
jc_status from_status(const absl::Status& s, const char* fn);
/// The current exception as a status (called from catch blocks only). Never inlined, so
/// a [[gnu::flatten]] hot wrapper does not pull it in.
[[gnu::cold, gnu::noinline]] jc_status from_exception(const char* fn) noexcept;

/// For the hot wrappers: inline every callee (across translation units under LTO), except
/// the cold error paths, which are [[gnu::noinline]].
#define JC_HOT [[gnu::flatten]]

/// Runs `body` (returning jc_status) and turns every escaping exception into a status.
template <class F>
inline jc_status guarded(const char* fn, F&& body) noexcept {
  try {
    return body();
  } catch (...) {
    return from_exception(fn);
  }
}

/// INVALID_ARGUMENT "fn: <what> is NULL" unless p.
inline jc_status need(const void* p, const char* fn, const char* what) {
  if (p != nullptr) return JC_OK;
  return fail(JC_INVALID_ARGUMENT, std::string(fn) + ": " + what + " is NULL");
}

/// A UTF-8 text argument: non-NULL (unless `optional`) and valid UTF-8. `len` may be
/// JC_NUL_TERMINATED. On success `*out` views it (empty for an optional NULL).
jc_status text(std::string_view* out, const char* p, std::size_t len, const char* fn, const char* what,
               bool optional = false);
/// NUL-terminated form of text().
inline jc_status text(std::string_view* out, const char* p, const char* fn, const char* what,
                      bool optional = false) {
  return text(out, p, JC_NUL_TERMINATED, fn, what, optional);
}

/// A MAC key argument (jc_journal_open_keyed): NULL with `len` 0 is no key; otherwise `len`
/// bytes, any byte (a key is binary, so JC_NUL_TERMINATED is refused). The journal checks the
/// length's bounds. The caller wipes `*out` after use.
inline jc_status mac_key(std::string* out, const char* key, std::size_t len, const char* fn) {
  if (key == nullptr && len == 0) {
    out->clear();
    return JC_OK;
  }
  if (key == nullptr) return fail(JC_INVALID_ARGUMENT, cat(fn, ": key is NULL but key_len is ", len));
  if (len == 0 || len == JC_NUL_TERMINATED) {
    return fail(JC_INVALID_ARGUMENT, cat(fn, ": key_len must be the key's length in bytes (NULL and 0 for no key)"));
  }
  out->assign(key, len);
  return JC_OK;
}

/// text() without recording an error: true and `*out` when `p` is valid UTF-8 (or NULL
/// and `optional`). For bulk calls that report per element.
bool text_ok(std::string_view* out, const char* p, bool optional) noexcept;

/// A malloc'd NUL-terminated copy for the caller (released with jc_string_free).
jc_status out_string(char** out, std::string_view s, const char* fn, std::size_t* out_len = nullptr);
/// Copies `s` into the caller buffer under the caller-buffer rules of jiceng.h.
jc_status out_buffer(char* buf, std::size_t size, std::size_t* out_len, std::string_view s, const char* fn);
/// Checks the caller array for `needed` elements: JC_OK to write, or the size-query /
/// too-small outcomes (`*write` false then).
jc_status check_array(const void* buf, std::size_t capacity, std::size_t* out_count, std::size_t needed,
                      const char* fn, bool* write);

/// Parses a jc_role value.
jc_status role(jiceng::Role* out, int value, const char* fn);

/// fail() for the cold paths of noexcept hot calls: records the message when memory
/// allows (only the code otherwise). Never throws.
[[gnu::cold, gnu::noinline]] jc_status fail_nothrow(jc_status code, const char* fn, std::string_view what) noexcept;

// --- calendar days as integers (jc_day: days since 1970-01-01) -------------------------------
// Integer conversions (H. Hinnant's civil-days algorithms), no Boost and no exceptions, so
// the hot calendar calls convert in a few instructions.

/// First and last day the library accepts (1400-01-01 .. 9999-12-31, Boost.Gregorian's range).
inline constexpr std::int32_t kMinDay = -208188;
inline constexpr std::int32_t kMaxDay = 2932896;

/// The y-m-d of a day number (Neri & Schneider, "Euclidean affine functions and their
/// application to calendar algorithms", 2022: unsigned multiplies and shifts only, a
/// short dependency chain). Valid for the whole kMinDay..kMaxDay range.
constexpr jc_date civil_from_days(std::int32_t day) noexcept {
  constexpr std::uint32_t kShift = 82;  // whole 400-year eras added so the arithmetic is unsigned
  constexpr std::uint32_t kK = 719468 + 146097 * kShift;
  constexpr std::uint32_t kL = 400 * kShift;
  const std::uint32_t n = static_cast<std::uint32_t>(day) + kK;
  const std::uint32_t n1 = 4 * n + 3;
  const std::uint32_t c = n1 / 146097;
  const std::uint32_t nc = n1 % 146097 / 4;
  const std::uint32_t n2 = 4 * nc + 3;
  const std::uint64_t p2 = std::uint64_t{2939745} * n2;
  const std::uint32_t z = static_cast<std::uint32_t>(p2 >> 32);
  const std::uint32_t ny = static_cast<std::uint32_t>(p2) / 2939745 / 4;
  const std::uint32_t y = 100 * c + z;
  const std::uint32_t n3 = 2141 * ny + 197913;
  const std::uint32_t m = n3 / 65536;
  const std::uint32_t d = n3 % 65536 / 2141;
  const std::uint32_t j = ny >= 306;
  return jc_date{static_cast<std::int32_t>(y - kL + j), static_cast<std::int32_t>(j ? m - 12 : m),
                 static_cast<std::int32_t>(d + 1)};
}

constexpr bool same(jc_date a, jc_date b) { return a.year == b.year && a.month == b.month && a.day == b.day; }
static_assert(same(civil_from_days(0), jc_date{1970, 1, 1}) && same(civil_from_days(11016), jc_date{2000, 2, 29}));
static_assert(same(civil_from_days(kMinDay), jc_date{1400, 1, 1}) && same(civil_from_days(kMaxDay), jc_date{9999, 12, 31}));
static_assert(same(civil_from_days(20094), jc_date{2025, 1, 6}) && same(civil_from_days(-1), jc_date{1969, 12, 31}));

/// Days from March 1 to the first of month m (index m - 1), the year taken to start in
/// March so that February, the one month of varying length, comes last.
inline constexpr std::uint16_t kMarchDayOfYear[12] = {306, 337, 0, 31, 61, 92, 122, 153, 184, 214, 245, 275};

/// Days since 1970-01-01 of a proleptic Gregorian y-m-d in years 1.. (no range check):
/// unsigned, so every division is a shift or one multiply (y/400 is (y/100)/4), and the
/// month's offset comes from a table. The hot jc_date calls convert with this.
constexpr std::int32_t days_from_civil_ad(std::uint32_t y, std::uint32_t m, std::uint32_t d) noexcept {
  y -= m <= 2;  // January and February belong to the previous March-based year
  const std::uint32_t c = y / 100;
  return static_cast<std::int32_t>(y * 365 + y / 4 - c + c / 4 + kMarchDayOfYear[m - 1] + d - 1) - 719468;
}
static_assert(days_from_civil_ad(1970, 1, 1) == 0 && days_from_civil_ad(2000, 3, 1) == 11017 &&
              days_from_civil_ad(2000, 2, 29) == 11016 && days_from_civil_ad(1900, 3, 1) == -25508 &&
              days_from_civil_ad(1400, 1, 1) == kMinDay && days_from_civil_ad(9999, 12, 31) == kMaxDay);

/// True and `*out` = its day number when y-m-d is a real day in 1400..9999. Takes the
/// fields as scalars: hot callers unpack a jc_date argument into registers first, as GCC
/// otherwise spills the by-value struct and reloads half of an 8-byte store. Days 1..28
/// exist in every month, so only the 29th..31st look at the month's length.
inline bool day_of(std::int32_t y, std::int32_t m, std::int32_t d, std::int32_t* out) noexcept {
  const auto yi = static_cast<std::uint32_t>(y - 1400);
  const auto mi = static_cast<std::uint32_t>(m - 1);
  const auto di = static_cast<std::uint32_t>(d - 1);
  if (yi > 9999 - 1400 || mi > 11 || di > 30) return false;
  if (di >= 28) {
    static constexpr std::int8_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > kDays[mi] + (m == 2 && leap)) return false;
  }
  *out = days_from_civil_ad(static_cast<std::uint32_t>(y), static_cast<std::uint32_t>(m), static_cast<std::uint32_t>(d));
  return true;
}
/// True and `*out` = its day number when `d` is a real day in 1400..9999.
inline bool day_of(jc_date d, std::int32_t* out) noexcept { return day_of(d.year, d.month, d.day, out); }

/// True when `day` is in the accepted range.
inline bool day_ok(std::int32_t day) noexcept { return day >= kMinDay && day <= kMaxDay; }

}  // namespace jc

/// Opens a guarded body: `JC_GUARD("jc_x") { ... return JC_OK; });`
#define JC_GUARD(fn) return ::jc::guarded(fn, [&]() -> jc_status
/// Returns from the enclosing lambda when a jc_status call is not OK.
#define JC_CHECK(expr)                 \
  do {                                 \
    const jc_status jc_rc_ = (expr);   \
    if (jc_rc_ != JC_OK) return jc_rc_; \
  } while (0)
