// A toy loop for the host's tests: two states (off, on), one event (flip). It is added
// the way every loop is — its own files plus one registration — and nothing else.
#pragma once

#include <memory>

#include "jiceng/loop.hpp"

namespace jiceng::toy {

/// The toy loop's table ("toy", items T00000001, ...).
const LoopTable& table();
/// A fresh toy loop.
std::unique_ptr<Loop> make();
/// Registers the toy loop once per process (engines created afterwards host it).
void register_once();

}  // namespace jiceng::toy
