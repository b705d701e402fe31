// A postgresql:// URI wherever a journal path goes: with libpq compiled in it reaches for a
// server (here none: UNAVAILABLE, saying so); without, it says the backend is not compiled
// in. Either way nothing is created on disk under that name. (The PostgreSQL journal's own
// tests, against a real server, are in tests/journal/pg.)
#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "jiceng/journal.hpp"

namespace jiceng {
namespace {

using ::testing::HasSubstr;

TEST(JournalUri, PostgresUriIsTheSecondBackendOrSaysItIsNotCompiledIn) {
  const std::string uri = "postgresql:///nodb?host=/nonexistent-jiceng-socket-dir&connect_timeout=2&chain=320506";
  auto j = Journal::open(uri);
  ASSERT_FALSE(j.ok());
  if (postgres_journal_available()) {
    EXPECT_EQ(j.status().code(), absl::StatusCode::kUnavailable) << j.status();
    EXPECT_THAT(std::string(j.status().message()), HasSubstr("cannot connect"));
  } else {
    EXPECT_EQ(j.status().code(), absl::StatusCode::kFailedPrecondition) << j.status();
    EXPECT_THAT(std::string(j.status().message()), HasSubstr("not compiled in"));
  }
  auto d = open_engine(uri);
  EXPECT_EQ(d.status().code(), j.status().code());
  EXPECT_FALSE(std::filesystem::exists(uri));
  EXPECT_FALSE(std::filesystem::exists("postgresql:"));
}

}  // namespace
}  // namespace jiceng
