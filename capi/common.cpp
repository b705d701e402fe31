// capi/common.cpp — errors, versions, library strings, enum names, dates and time.
#include <cstring>
#include <string>
#include <vector>

#include "capi/date_util.hpp"
#include "capi/internal.hpp"
#include "jiceng/version.hpp"
#include "jiceng/calendar.hpp"
#include "jiceng/petition.hpp"
#include "jiceng/types.hpp"

namespace jc {

// Defined in capi/org.cpp (org.hpp cannot share a translation unit with calendar.hpp).
const std::vector<std::string>& unit_kind_names();

namespace {

struct ThreadError {
  jc_status code = JC_OK;
  std::string message;
};
ThreadError& thread_error() {
  thread_local ThreadError e;
  return e;
}

jc_status map_code(absl::StatusCode c) {
  const int v = static_cast<int>(c);
  return (v >= 0 && v <= 16) ? static_cast<jc_status>(v) : JC_UNKNOWN;
}

}  // namespace

jc_status fail(jc_status code, std::string message) {
  ThreadError& e = thread_error();
  e.code = code;
  e.message = std::move(message);
  return code;
}

jc_status from_status(const absl::Status& s, const char* fn) {
  if (s.ok()) return JC_OK;
  return fail(map_code(s.code()), jc::cat(fn, ": ", s.message()));
}

jc_status from_exception(const char* fn) noexcept {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    // Building the message allocates too: fail_nothrow, or a real OOM would terminate.
    return fail_nothrow(JC_RESOURCE_EXHAUSTED, fn, "out of memory");
  } catch (const std::exception& ex) {
    try {
      return fail(JC_INTERNAL, std::string(fn) + ": internal error: " + ex.what());
    } catch (...) {
      return fail_nothrow(JC_INTERNAL, fn, "internal error");  // records the code, not an earlier message
    }
  } catch (...) {
    return fail_nothrow(JC_INTERNAL, fn, "internal error: unknown exception");
  }
}

jc_status text(std::string_view* out, const char* p, std::size_t len, const char* fn, const char* what,
               bool optional) {
  if (p == nullptr) {
    if (optional && (len == 0 || len == JC_NUL_TERMINATED)) {
      *out = {};
      return JC_OK;
    }
    return fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": ", what, " is NULL"));
  }
  const std::string_view v = len == JC_NUL_TERMINATED ? std::string_view(p) : std::string_view(p, len);
  if (!jiceng::is_valid_utf8(v)) return fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": ", what, " is not valid UTF-8"));
  *out = v;
  return JC_OK;
}

bool text_ok(std::string_view* out, const char* p, bool optional) noexcept {
  if (p == nullptr) {
    *out = {};
    return optional;
  }
  const std::string_view v(p);
  if (!jiceng::is_valid_utf8(v)) return false;
  *out = v;
  return true;
}

jc_status out_string(char** out, std::string_view s, const char* fn, std::size_t* out_len) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p == nullptr) return fail(JC_RESOURCE_EXHAUSTED, std::string(fn) + ": out of memory");
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  *out = p;
  if (out_len != nullptr) *out_len = s.size();
  return JC_OK;
}

jc_status out_buffer(char* buf, std::size_t size, std::size_t* out_len, std::string_view s, const char* fn) {
  if (buf == nullptr && size != 0) return fail(JC_INVALID_ARGUMENT, std::string(fn) + ": buf is NULL but size is not 0");
  if (buf != nullptr && size < s.size() + 1) {
    if (out_len != nullptr) *out_len = s.size();
    return fail(JC_OUT_OF_RANGE, jc::cat(fn, ": buffer of ", size, " bytes is too small, ", s.size() + 1,
                                              " needed"));
  }
  if (out_len != nullptr) *out_len = s.size();
  if (buf != nullptr) {
    if (!s.empty()) std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
  }
  return JC_OK;
}

jc_status check_array(const void* buf, std::size_t capacity, std::size_t* out_count, std::size_t needed,
                      const char* fn, bool* write) {
  *write = false;
  if (buf == nullptr && capacity != 0)
    return fail(JC_INVALID_ARGUMENT, std::string(fn) + ": buf is NULL but capacity is not 0");
  if (out_count != nullptr) *out_count = needed;
  if (buf == nullptr) return JC_OK;  // size query
  if (capacity < needed)
    return fail(JC_OUT_OF_RANGE, jc::cat(fn, ": capacity ", capacity, " is too small, ", needed, " needed"));
  *write = true;
  return JC_OK;
}

jc_status role(jiceng::Role* out, int value, const char* fn) {
  if (value < 0 || value >= jiceng::kRoleCount)
    return fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": role ", value, " is not a jc_role (0..", jiceng::kRoleCount - 1, ")"));
  *out = static_cast<jiceng::Role>(value);
  return JC_OK;
}

namespace {

// NUL-terminated copies of the library's enum names, built once.
template <class E, class F>
std::vector<std::string> names_of(int count, F&& name) {
  std::vector<std::string> v;
  for (int i = 0; i < count; ++i) v.emplace_back(name(static_cast<E>(i)));
  return v;
}

const std::vector<std::string>* names_for(std::string_view kind) {
  using namespace jiceng;
  static const std::vector<std::string> role = names_of<Role>(kRoleCount, [](Role r) { return to_string(r); });
  static const std::vector<std::string> state = names_of<State>(kStateCount, [](State s) { return to_string(s); });
  static const std::vector<std::string> event =
      names_of<EventType>(kEventTypeCount, [](EventType e) { return to_string(e); });
  static const std::vector<std::string> urgency = names_of<Urgency>(2, [](Urgency u) { return to_string(u); });
  static const std::vector<std::string> severity = names_of<Severity>(3, [](Severity s) { return to_string(s); });
  static const std::vector<std::string> channel = names_of<Channel>(7, [](Channel c) { return to_string(c); });
  static const std::vector<std::string> satisfaction =
      names_of<Satisfaction>(3, [](Satisfaction s) { return to_string(s); });
  static const std::vector<std::string> reopen = names_of<ReopenKind>(3, [](ReopenKind k) { return to_string(k); });
  static const std::vector<std::string> day = names_of<DayKind>(4, [](DayKind k) { return to_string(k); });
  if (kind == "role") return &role;
  if (kind == "state") return &state;
  if (kind == "event") return &event;
  if (kind == "urgency") return &urgency;
  if (kind == "severity") return &severity;
  if (kind == "channel") return &channel;
  if (kind == "satisfaction") return &satisfaction;
  if (kind == "reopen_kind") return &reopen;
  if (kind == "day_kind") return &day;
  if (kind == "unit_kind") return &unit_kind_names();
  return nullptr;
}

constexpr const char* kStatusNames[] = {
    "OK",      "CANCELLED",           "UNKNOWN",  "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
    "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};

}  // namespace

jc_status to_boost_date(jiceng::Date* out, jc_date d, const char* fn) {
  std::int32_t day = 0;
  if (!day_of(d, &day))
    return fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": date ", d.year, "-", d.month, "-", d.day, " is not a real day"));
  *out = boost_of(day);
  return JC_OK;
}

jc_status fail_nothrow(jc_status code, const char* fn, std::string_view what) noexcept {
  try {
    return fail(code, jc::cat(fn, ": ", what));
  } catch (...) {
    ThreadError& e = thread_error();
    e.code = code;
    e.message.clear();  // no memory for the message: keep the code
    return code;
  }
}

}  // namespace jc

extern "C" {

const char* jc_last_error(void) { return jc::thread_error().message.c_str(); }
jc_status jc_last_error_code(void) { return jc::thread_error().code; }
void jc_clear_error(void) {
  jc::ThreadError& e = jc::thread_error();
  e.code = JC_OK;
  e.message.clear();
}

const char* jc_status_name(int status) {
  if (status < 0 || status > 16) return "UNKNOWN_STATUS";
  return jc::kStatusNames[status];
}

// jiceng.h is self-contained C99, so it spells the version out; the one source is
// include/jiceng/version.hpp, and this fails to compile when the two drift apart.
static_assert(JC_VERSION_MAJOR == JICENG_VERSION_MAJOR && JC_VERSION_MINOR == JICENG_VERSION_MINOR &&
                  JC_VERSION_PATCH == JICENG_VERSION_PATCH,
              "capi/jiceng.h's JC_VERSION_* differ from include/jiceng/version.hpp");
const char* jc_version(void) { return JICENG_VERSION_STRING; }
unsigned int jc_abi_version(void) { return JC_ABI_VERSION; }
void jc_string_free(char* str) { std::free(str); }

jc_status jc_strings_split(const char** out, size_t count, const char* packed, size_t size) {
  constexpr const char* fn = "jc_strings_split";
  JC_GUARD(fn) {
    if (count == 0 && size == 0) return JC_OK;
    JC_CHECK(jc::need(out, fn, "out"));
    JC_CHECK(jc::need(packed, fn, "packed"));
    if (size == 0 || packed[size - 1] != '\0')
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": packed (", size, " bytes) does not end with a NUL"));
    // Count first, so a mismatch leaves `out` untouched.
    const char* const end = packed + size;
    std::size_t found = 0;
    for (const char* p = packed; p < end; ++found)
      p = static_cast<const char*>(std::memchr(p, '\0', static_cast<std::size_t>(end - p))) + 1;
    if (found != count)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat(fn, ": packed holds ", found, " strings, expected ", count));
    const char* p = packed;
    for (std::size_t i = 0; i < count; ++i) {
      out[i] = p;
      p = static_cast<const char*>(std::memchr(p, '\0', static_cast<std::size_t>(end - p))) + 1;
    }
    return JC_OK;
  });
}

jc_status jc_enum_name(const char** out, const char* kind, int value) {
  JC_GUARD("jc_enum_name") {
    JC_CHECK(jc::need(out, "jc_enum_name", "out"));
    std::string_view k;
    JC_CHECK(jc::text(&k, kind, "jc_enum_name", "kind"));
    const auto* names = jc::names_for(k);
    if (names == nullptr) return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_enum_name: unknown enum kind \"", k, "\""));
    if (value < 0 || static_cast<std::size_t>(value) >= names->size())
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_enum_name: ", value, " is not a ", k, " value (0..",
                                                        names->size() - 1, ")"));
    *out = (*names)[static_cast<std::size_t>(value)].c_str();
    return JC_OK;
  });
}

jc_status jc_enum_parse(int* out, const char* kind, const char* name) {
  JC_GUARD("jc_enum_parse") {
    JC_CHECK(jc::need(out, "jc_enum_parse", "out"));
    std::string_view k, n;
    JC_CHECK(jc::text(&k, kind, "jc_enum_parse", "kind"));
    JC_CHECK(jc::text(&n, name, "jc_enum_parse", "name"));
    const auto* names = jc::names_for(k);
    if (names == nullptr) return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_enum_parse: unknown enum kind \"", k, "\""));
    for (std::size_t i = 0; i < names->size(); ++i) {
      if ((*names)[i] == n) {
        *out = static_cast<int>(i);
        return JC_OK;
      }
    }
    return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_enum_parse: \"", n, "\" is not a ", k));
  });
}

jc_status jc_day_from_date(jc_day* out, jc_date d) {
  if (out != nullptr && jc::day_of(d, out)) [[likely]]
    return JC_OK;
  if (out == nullptr) return jc::fail_nothrow(JC_INVALID_ARGUMENT, "jc_day_from_date", "out is NULL");
  JC_GUARD("jc_day_from_date") {
    return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_day_from_date: date ", d.year, "-", d.month, "-", d.day,
                                                 " is not a real day in 1400..9999"));
  });
}

jc_status jc_day_to_date(jc_date* out, jc_day day) {
  if (out != nullptr && jc::day_ok(day)) [[likely]] {
    *out = jc::civil_from_days(day);
    return JC_OK;
  }
  if (out == nullptr) return jc::fail_nothrow(JC_INVALID_ARGUMENT, "jc_day_to_date", "out is NULL");
  JC_GUARD("jc_day_to_date") {
    return jc::fail(JC_OUT_OF_RANGE, jc::cat("jc_day_to_date: day number ", day, " is outside ", JC_MIN_DAY, "..",
                                             JC_MAX_DAY, " (1400-01-01..9999-12-31)"));
  });
}

jc_status jc_date_parse(jc_date* out, const char* text) {
  JC_GUARD("jc_date_parse") {
    JC_CHECK(jc::need(out, "jc_date_parse", "out"));
    std::string_view t;
    JC_CHECK(jc::text(&t, text, "jc_date_parse", "text"));
    auto d = jiceng::parse_date(t);
    if (!d.ok()) return jc::from_status(d.status(), "jc_date_parse");
    *out = jc::from_boost_date(*d);
    return JC_OK;
  });
}

jc_status jc_date_format(char* buf, size_t size, size_t* out_len, jc_date d) {
  JC_GUARD("jc_date_format") {
    jiceng::Date bd;
    JC_CHECK(jc::to_boost_date(&bd, d, "jc_date_format"));
    return jc::out_buffer(buf, size, out_len, jiceng::format_date(bd), "jc_date_format");
  });
}

jc_status jc_china_date(jc_date* out, int64_t utc) {
  JC_GUARD("jc_china_date") {
    JC_CHECK(jc::need(out, "jc_china_date", "out"));
    const jiceng::Date d = jiceng::china_date(utc);
    if (d.is_special())
      return jc::fail(JC_OUT_OF_RANGE, jc::cat("jc_china_date: timestamp ", utc, " is outside 1400..9999"));
    *out = jc::from_boost_date(d);
    return JC_OK;
  });
}

jc_status jc_china_time_to_utc(int64_t* out, jc_date d, int minute_of_day) {
  JC_GUARD("jc_china_time_to_utc") {
    JC_CHECK(jc::need(out, "jc_china_time_to_utc", "out"));
    jiceng::Date bd;
    JC_CHECK(jc::to_boost_date(&bd, d, "jc_china_time_to_utc"));
    if (minute_of_day < -100000000 || minute_of_day > 100000000)
      return jc::fail(JC_INVALID_ARGUMENT, jc::cat("jc_china_time_to_utc: minute_of_day ", minute_of_day,
                                                        " is out of range"));
    *out = jiceng::china_time_to_utc(bd, minute_of_day);
    return JC_OK;
  });
}

jc_status jc_workflow_dot(char** out) {
  JC_GUARD("jc_workflow_dot") {
    JC_CHECK(jc::need(out, "jc_workflow_dot", "out"));
    return jc::out_string(out, jiceng::workflow_dot(), "jc_workflow_dot");
  });
}

jc_status jc_workflow_matrix(char** out, const char* format) {
  JC_GUARD("jc_workflow_matrix") {
    JC_CHECK(jc::need(out, "jc_workflow_matrix", "out"));
    std::string_view f;
    JC_CHECK(jc::text(&f, format, "jc_workflow_matrix", "format"));
    auto m = jiceng::workflow_matrix(f);
    if (!m.ok()) return jc::from_status(m.status(), "jc_workflow_matrix");
    return jc::out_string(out, *m, "jc_workflow_matrix");
  });
}

}  // extern "C"
