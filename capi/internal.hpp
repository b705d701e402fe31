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
/// The current exception as a status (called from catch blocks only).
jc_status from_exception(const char* fn) noexcept;

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

}  // namespace jc

/// Opens a guarded body: `JC_GUARD("jc_x") { ... return JC_OK; });`
#define JC_GUARD(fn) return ::jc::guarded(fn, [&]() -> jc_status
/// Returns from the enclosing lambda when a jc_status call is not OK.
#define JC_CHECK(expr)                 \
  do {                                 \
    const jc_status jc_rc_ = (expr);   \
    if (jc_rc_ != JC_OK) return jc_rc_; \
  } while (0)
