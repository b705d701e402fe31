// Registers the toy loop (tests/loop/toy_loop.cpp) when the test build of the C library,
// libjiceng_toy.so, is loaded: the C and Python tests reach it through the generic surface.
#include "loop/toy_loop.hpp"

namespace {
const bool kRegistered = (jiceng::toy::register_once(), true);
}  // namespace
