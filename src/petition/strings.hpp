// Internal: string helpers that accept std::string_view with Debian's Abseil, whose
// absl::string_view is its own type (StrCat and hash lookups need it spelled out).
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace jiceng::pet {

/// std::string_view → absl::string_view (same bytes, no copy).
inline absl::string_view av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

template <typename T>
decltype(auto) conv(const T& v) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return av(v);
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

}  // namespace jiceng::pet
