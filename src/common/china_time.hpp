// Internal: a time as people in China read it in a message — ISO 8601 in China Standard
// Time (UTC+8, no daylight saving since 1991), e.g. 2025-03-03T08:00:00+08:00. One copy
// for every area's error texts.
#pragma once

#include <string>

#include "jiceng/types.hpp"

namespace jiceng::internal {

/// `t` (Unix seconds) as YYYY-MM-DDTHH:MM:SS+08:00.
std::string china_time_iso(Timestamp t);

}  // namespace jiceng::internal
