// tests/capi/internal/alloc_failure.cpp — see alloc_failure.hpp.
#include "alloc_failure.hpp"

#include <cstdlib>
#include <new>

namespace {
// Plain TLS scalars, so operator new itself never allocates. -1: not armed; -2: the armed
// allocation happened.
thread_local long fail_at = -1;
thread_local bool fail_all = false;
}  // namespace

namespace jc_test {
void fail_allocation_at(long n) { fail_at = n; }
bool disarm_allocation_failure() {
  const bool hit = fail_at == -2;
  fail_at = -1;
  return hit;
}
void fail_every_allocation(bool on) { fail_all = on; }
}  // namespace jc_test

void* operator new(std::size_t n) {
  if (fail_all) throw std::bad_alloc();
  if (fail_at == 0) {
    fail_at = -2;
    throw std::bad_alloc();
  }
  if (fail_at > 0) --fail_at;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
// Every other unaligned form goes through the one above and frees with free(), so each
// allocation is counted once and released by its own allocator, under a sanitizer's
// runtime too (which would otherwise supply the array and nothrow forms itself).
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return ::operator new(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return ::operator new(n, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
