// Tests of the C ABI's exception guard (capi/internal.hpp `guarded`, jc::from_exception,
// jc::fail_nothrow), which no call through the public header can reach on purpose: the
// wrappers' objects are linked in directly, and operator new is replaced
// (alloc_failure.cpp) so a test can make allocations fail inside a real wrapper.
#include <gtest/gtest.h>

#include <new>
#include <stdexcept>
#include <string>

#include "alloc_failure.hpp"
#include "capi/internal.hpp"
#include "jiceng.h"

namespace {

struct NoMemory {  // every allocation fails while it lives
  NoMemory() { jc_test::fail_every_allocation(true); }
  ~NoMemory() { jc_test::fail_every_allocation(false); }
  NoMemory(const NoMemory&) = delete;
  NoMemory& operator=(const NoMemory&) = delete;
};

std::string last_error() { return jc_last_error(); }

// A previous, unrelated failure, so each test sees the guard replace it.
void stale_error() { jc::fail(JC_NOT_FOUND, "jc_earlier_call: a stale message from an earlier failure"); }

TEST(CapiGuard, BadAllocIsResourceExhaustedNamingTheCall) {
  stale_error();
  EXPECT_EQ(jc::guarded("jc_probe_alloc", []() -> jc_status { throw std::bad_alloc(); }), JC_RESOURCE_EXHAUSTED);
  EXPECT_EQ(last_error(), "jc_probe_alloc: out of memory");
  EXPECT_EQ(jc_last_error_code(), JC_RESOURCE_EXHAUSTED);
  // Its subclass too (what `new T[n]` throws for an impossible n).
  stale_error();
  EXPECT_EQ(jc::guarded("jc_probe_array", []() -> jc_status { throw std::bad_array_new_length(); }),
            JC_RESOURCE_EXHAUSTED);
  EXPECT_EQ(last_error(), "jc_probe_array: out of memory");
}

TEST(CapiGuard, StdExceptionIsInternalWithItsWhat) {
  stale_error();
  EXPECT_EQ(jc::guarded("jc_probe_boom", []() -> jc_status { throw std::runtime_error("boom"); }), JC_INTERNAL);
  EXPECT_EQ(last_error(), "jc_probe_boom: internal error: boom");
  EXPECT_EQ(jc_last_error_code(), JC_INTERNAL);
}

TEST(CapiGuard, NonStdExceptionIsInternal) {
  stale_error();
  EXPECT_EQ(jc::guarded("jc_probe_int", []() -> jc_status { throw 42; }), JC_INTERNAL);
  EXPECT_EQ(last_error(), "jc_probe_int: internal error: unknown exception");
  EXPECT_EQ(jc_last_error_code(), JC_INTERNAL);
}

// from_exception has no special case for the logic errors a wrapper might leak (a bad
// argument is the wrapper's job to check first): they are internal errors, with their text.
TEST(CapiGuard, LogicErrorsAreInternalToo) {
  stale_error();
  EXPECT_EQ(jc::guarded("jc_probe_ia", []() -> jc_status { throw std::invalid_argument("bad arg"); }), JC_INTERNAL);
  EXPECT_EQ(last_error(), "jc_probe_ia: internal error: bad arg");
  EXPECT_EQ(jc::guarded("jc_probe_oor", []() -> jc_status { throw std::out_of_range("vector::at"); }), JC_INTERNAL);
  EXPECT_EQ(last_error(), "jc_probe_oor: internal error: vector::at");
  EXPECT_EQ(jc::guarded("jc_probe_len", []() -> jc_status { throw std::length_error("too long"); }), JC_INTERNAL);
  EXPECT_EQ(last_error(), "jc_probe_len: internal error: too long");
}

TEST(CapiGuard, BodyStatusPassesThroughUntouched) {
  stale_error();
  EXPECT_EQ(jc::guarded("jc_probe_ok", []() -> jc_status { return JC_OK; }), JC_OK);
  EXPECT_EQ(jc::guarded("jc_probe_nf", []() -> jc_status { return JC_NOT_FOUND; }), JC_NOT_FOUND);
  // No exception: the guard records nothing of its own.
  EXPECT_EQ(last_error(), "jc_earlier_call: a stale message from an earlier failure");
}

TEST(CapiGuard, FailNothrowRecordsTheMessage) {
  stale_error();
  EXPECT_EQ(jc::fail_nothrow(JC_INVALID_ARGUMENT, "jc_probe_arg", "out is NULL"), JC_INVALID_ARGUMENT);
  EXPECT_EQ(last_error(), "jc_probe_arg: out is NULL");
  EXPECT_EQ(jc_last_error_code(), JC_INVALID_ARGUMENT);
}

// Out of memory while recording the error: the code is kept, the message is empty
// rather than an earlier call's, and nothing throws out of the noexcept paths.
TEST(CapiGuard, NoMemoryForTheMessageKeepsTheCode) {
  stale_error();
  jc_status rc = JC_OK;
  {
    NoMemory oom;
    rc = jc::fail_nothrow(JC_INVALID_ARGUMENT, "jc_probe_arg", "a message too long for the small-string buffer");
  }
  EXPECT_EQ(rc, JC_INVALID_ARGUMENT);
  EXPECT_EQ(jc_last_error_code(), JC_INVALID_ARGUMENT);
  EXPECT_EQ(last_error(), "");

  const auto oom_body = []() -> jc_status { throw std::bad_alloc(); };
  stale_error();
  {
    NoMemory oom;
    rc = jc::guarded("jc_probe_alloc_no_memory_at_all", oom_body);
  }
  EXPECT_EQ(rc, JC_RESOURCE_EXHAUSTED);
  EXPECT_EQ(jc_last_error_code(), JC_RESOURCE_EXHAUSTED);
  EXPECT_EQ(last_error(), "");

  const std::runtime_error boom_error("boom");  // built first: its text allocates; copies share it
  const auto boom = [&]() -> jc_status { throw boom_error; };
  stale_error();
  {
    NoMemory oom;
    rc = jc::guarded("jc_probe_boom_no_memory_at_all", boom);
  }
  EXPECT_EQ(rc, JC_INTERNAL);
  EXPECT_EQ(jc_last_error_code(), JC_INTERNAL);
  EXPECT_EQ(last_error(), "");
}

// A real wrapper with each of its allocations failing in turn: RESOURCE_EXHAUSTED naming
// the call and *out untouched, until there are fewer allocations than the failure point.
TEST(CapiGuard, RealWrapperOutOfMemoryAtEachAllocation) {
  int failures = 0;
  for (long n = 0;; ++n) {
    ASSERT_LT(n, 100000) << "jc_workflow_matrix never succeeded";
    char* out = nullptr;
    stale_error();
    jc_test::fail_allocation_at(n);
    const jc_status rc = jc_workflow_matrix(&out, "csv");
    const bool injected = jc_test::disarm_allocation_failure();
    if (!injected) {
      ASSERT_EQ(rc, JC_OK) << jc_last_error();
      ASSERT_NE(out, nullptr);
      EXPECT_NE(std::string(out).find(','), std::string::npos);
      jc_string_free(out);
      break;
    }
    ++failures;
    EXPECT_EQ(rc, JC_RESOURCE_EXHAUSTED) << "allocation " << n << ": " << jc_last_error();
    EXPECT_EQ(last_error(), "jc_workflow_matrix: out of memory") << "allocation " << n;
    EXPECT_EQ(out, nullptr) << "allocation " << n;
    jc_string_free(out);
  }
  EXPECT_GT(failures, 0);  // the sweep did reach allocations inside the wrapper
}

// No such sweep over jc_org_load_json: its validator's absl::flat_hash_map is not safe
// against a throwing allocation during a rehash (abseil/abseil-cpp#1581: the destructor
// then frees the wrong block), so it would test Abseil rather than the guard.

}  // namespace
