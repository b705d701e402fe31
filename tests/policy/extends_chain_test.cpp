// Chains of `extends` (issue 17, item 12): a chain of thousands of policy files overflowed
// the stack (each level was a frame of the loader); its length is now bounded, with an
// error that names the file, the bound and the chain.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "jiceng/policy.hpp"

namespace jiceng {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

/// A directory of `n` policy files c0.json … c<n-1>.json, c0 extending the built-in
/// national set and each other the one before it; removed at scope exit.
struct Chain {
  explicit Chain(int n) {
    std::random_device rd;
    dir = fs::temp_directory_path() / ("jiceng-extends-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    fs::create_directories(dir);
    for (int k = 0; k < n; ++k) {
      const std::string base = k == 0 ? std::string("national") : "c" + std::to_string(k - 1);
      std::ofstream(dir / ("c" + std::to_string(k) + ".json"))
          << "{\"name\": \"c" << k << "\", \"extends\": \"" << base << "\", \"rules\": []}";
    }
  }
  ~Chain() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string file(int k) const { return (dir / ("c" + std::to_string(k) + ".json")).string(); }
  fs::path dir;
};

TEST(ExtendsChain, ThousandsOfLevelsAreRefusedNotAStackOverflow) {
  Chain chain(4000);
  auto set = PolicySet::load_file(chain.file(3999));
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string msg(set.status().message());
  EXPECT_THAT(msg, HasSubstr("field extends: \"c3935\" would make the chain of extended sets 65 long, "
                             "more than the 64 allowed (c3999 → c3998 → c3997 → … (58 more) → "
                             "c3938 → c3937 → c3936 → c3935)"));
  EXPECT_THAT(msg, HasSubstr("policy file " + chain.file(3936)));
}

TEST(ExtendsChain, SixtyFourSetsLoadAndSixtyFiveDoNot) {
  Chain chain(64);
  // c62 → … → c0 → national: 64 sets.
  auto ok = PolicySet::load_file(chain.file(62));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->chain().size(), 64u);
  EXPECT_EQ(ok->chain().front(), "c62");
  EXPECT_EQ(ok->chain().back(), "national");
  auto national = PolicySet::load_builtin("national");
  ASSERT_TRUE(national.ok());
  EXPECT_EQ(ok->rule_ids(), national->rule_ids());
  // c63 → … → national: 65 sets.
  auto refused = PolicySet::load_file(chain.file(63));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("field extends: \"national\" would make the chain of extended sets 65 long"));
}

}  // namespace
}  // namespace jiceng
