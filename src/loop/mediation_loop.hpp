// Internal: the mediation loop (调解: 人民调解 and 乡音调解, and the 信访 track's mediation).
// Its table, its factory (registered in src/loop/registry.cpp) and the pure helpers its
// guards and queries share. docs/mediation.md describes the loop; the facts it relies on
// are in the comments of mediation_loop.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "jiceng/calendar.hpp"
#include "jiceng/loop.hpp"

namespace jiceng::mediation {

/// The loop's table: committees (调委会) and cases (案件) are items of one loop, told apart
/// by their states (a committee is `seated`; a case is in one of the others).
const LoopTable& table();
/// A fresh, empty mediation loop.
std::unique_ptr<Loop> make();

/// Whole years from `birth` to `on` (a birthday on 29 February is reached on 1 March in a
/// common year).
int age_on(Date birth, Date on);
/// The last day of a term of `years` years from `start`: the same month and day (民法典
/// 第二百零二条: 按照年计算期间的，到期月的对应日为期间的最后一日; without that day, the
/// month's last day).
Date term_last_day(Date start, int years);

}  // namespace jiceng::mediation
