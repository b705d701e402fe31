// Bridge for Debian's Abseil, which is built with its own absl::string_view (not an
// alias of std::string_view): StrCat and hash lookups need the conversion spelled out.
#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace jiceng::calendar_internal {

/// std::string_view → absl::string_view (same bytes, no copy).
inline absl::string_view av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace jiceng::calendar_internal
