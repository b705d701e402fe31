// Internal: the projects loop (项目: 便民实事项目, 微实事, 一村一策, 跨域项目) and the
// community service fund loop (为民服务专项经费). Two loops of one module: the fund reads a
// project only through the host (LoopHost::query_loop), never through this header.
#pragma once

#include <memory>

#include "jiceng/loop.hpp"

namespace jiceng {

/// The projects loop's table ("projects", items P00000001, ...).
const LoopTable& projects_loop_table();
/// A fresh projects loop.
std::unique_ptr<Loop> make_projects_loop();

/// The service fund loop's table ("fund", accounts F00000001, ...).
const LoopTable& fund_loop_table();
/// A fresh service fund loop.
std::unique_ptr<Loop> make_fund_loop();

}  // namespace jiceng
