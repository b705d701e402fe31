// Internal: string helpers that accept std::string_view with Debian's Abseil, whose
// absl::string_view is its own type (ABSL_OPTION_USE_STD_STRING_VIEW 0), so StrCat,
// StrAppend and hash lookups need the conversion spelled out. One copy for all areas.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace jiceng::internal {

/// std::string_view → absl::string_view (same bytes, no copy).
inline absl::string_view av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

/// absl::string_view → std::string_view (e.g. of Status::message()).
inline std::string_view sv(absl::string_view s) { return std::string_view(s.data(), s.size()); }

/// An argument as Abseil takes it: what converts to std::string_view but not to
/// absl::string_view (std::string_view, Boost.JSON strings) goes through av; the rest
/// (numbers, C strings, std::string, absl::string_view) is passed on unchanged.
template <typename T>
decltype(auto) conv(const T& v) {
  if constexpr (std::is_convertible_v<const T&, std::string_view> &&
                !std::is_convertible_v<const T&, absl::string_view> && !std::is_arithmetic_v<T>) {
    return av(std::string_view(v));
  } else {
    return (v);
  }
}

/// absl::StrCat that also takes std::string_view.
template <typename... Args>
std::string cat(const Args&... args) {
  return absl::StrCat(conv(args)...);
}

/// absl::StrAppend that also takes std::string_view.
template <typename... Args>
void append(std::string* out, const Args&... args) {
  absl::StrAppend(out, conv(args)...);
}

}  // namespace jiceng::internal
