// The official holiday schedule (法定节假日安排) compiled into the library: the bytes of
// data/cn-holidays.csv, turned into a C++ source at build time by embed_csv.cmake.
#pragma once

#include <string_view>

namespace jiceng::calendar_internal {

/// The text of data/cn-holidays.csv as it was when the library was built.
std::string_view embedded_china_holidays_csv();

}  // namespace jiceng::calendar_internal
