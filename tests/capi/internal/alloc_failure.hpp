// tests/capi/internal/alloc_failure.hpp — allocation failure injection for the calling
// thread, through a replaced global operator new (alloc_failure.cpp; a separate
// translation unit, so GCC does not inline it and flag malloc/free against new/delete).
#pragma once

namespace jc_test {

/// The allocation numbered `n` (0 = the next) fails with std::bad_alloc; later ones succeed.
void fail_allocation_at(long n);
/// Disarms fail_allocation_at; true when the armed allocation did happen (and failed).
bool disarm_allocation_failure();
/// While `on`, every allocation fails.
void fail_every_allocation(bool on);

}  // namespace jc_test
