// Internal: the public commitments loop (任期目标公开承诺清单, 逐项销号) and the yearly
// review (述职评议 / 民主评议) — one loop, "commitments", items C00000001, ... See
// docs/commitments.md and commitments_loop.cpp.
#pragma once

#include <memory>

#include "jiceng/loop.hpp"

namespace jiceng {

/// The commitments loop's table.
const LoopTable& commitments_table();
/// A fresh commitments loop (the host's registration list makes one per engine).
std::unique_ptr<Loop> make_commitments_loop();

/// The assessment loop's table (考评: credit records, 红黑榜 of property companies).
const LoopTable& assessment_table();
/// A fresh assessment loop.
std::unique_ptr<Loop> make_assessment_loop();

}  // namespace jiceng
