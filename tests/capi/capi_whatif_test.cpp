// Policy what-if replay through the C ABI (jc_whatif_run): a small journal made through
// the C surface, replayed under a shorter resolve limit; the same bytes twice; bad
// arguments refused with a code and a message, the journal unchanged.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "capi_test_support.hpp"
#include "jiceng.h"

namespace {

using namespace capi_test;

constexpr int kPetitions = 3;

std::string file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

class CapiWhatIf : public ::testing::Test {
 protected:
  void SetUp() override {
    journal_ = temp_path("whatif.db");
    jc_engine_options o = journal_options(journal_);
    jc_engine* e = nullptr;
    ASSERT_EQ(jc_engine_open(&e, &o), JC_OK) << jc_last_error();
    ASSERT_EQ(jc_engine_load_sample_org(e, kMon - 86400), JC_OK) << jc_last_error();
    for (int i = 0; i < kPetitions; ++i) {
      jc_submission s = sample_submission();
      uint64_t id = 0;
      ASSERT_EQ(jc_engine_submit(&id, e, &kResident, &s, kMon), JC_OK) << jc_last_error();
      ASSERT_EQ(jc_engine_accept(e, &kStreetOfficer, id, kMon), JC_OK) << jc_last_error();
      ASSERT_EQ(jc_engine_dispatch(e, &kSecretary, id, kCommunity, 0, kMon), JC_OK) << jc_last_error();
      ASSERT_EQ(jc_engine_sign(e, &kStaff, id, kMon), JC_OK) << jc_last_error();
      // Friday 17:00: within five working days, after three.
      ASSERT_EQ(jc_engine_resolve(e, &kStaff, id, "已处理", kMon + 4 * 86400 + 8 * kHour), JC_OK) << jc_last_error();
    }
    jc_engine_free(e);
    variant_ = temp_path("resolve-3wd.json");
    std::ofstream(variant_) << R"({"name": "resolve-3wd", "extends": "suzhou-sip", "rules": [
      {"id": "petition.deadlines", "params": {"categories": {"default": {"normal": {"resolve": "3wd"},
       "urgent": {"resolve": "3wd"}}}}}]})";
  }
  std::string journal_, variant_;
};

TEST_F(CapiWhatIf, AShorterLimitMissesTheDeadlinesAndTheBytesRepeat) {
  char* out = nullptr;
  ASSERT_EQ(jc_whatif_run(&out, journal_.c_str(), variant_.c_str(), nullptr, nullptr), JC_OK) << jc_last_error();
  const std::string a = take(out);
  EXPECT_NE(a.find(R"("deadlines_missed":{"baseline":0,"variant":3,"delta":3})"), std::string::npos) << a;
  EXPECT_EQ(a.rfind(R"({"baseline":{"policy":"suzhou-sip")", 0), 0u) << a.substr(0, 80);
  EXPECT_NE(a.find(R"("variant":{"policy":"resolve-3wd")"), std::string::npos);
  ASSERT_EQ(jc_whatif_run(&out, journal_.c_str(), variant_.c_str(), "", ""), JC_OK) << jc_last_error();
  EXPECT_EQ(take(out), a);
  ASSERT_EQ(jc_whatif_run(&out, journal_.c_str(), variant_.c_str(), "2025-01-06", "2025-01-31"), JC_OK);
  EXPECT_NE(take(out).find(R"("period":"2025-01-06..2025-01-31")"), std::string::npos);
}

TEST_F(CapiWhatIf, BadArgumentsAreRefusedAndTheJournalIsUnchanged) {
  const std::string before = file_bytes(journal_);
  char* out = nullptr;
  EXPECT_EQ(jc_whatif_run(nullptr, journal_.c_str(), "national", nullptr, nullptr), JC_INVALID_ARGUMENT);
  EXPECT_EQ(jc_whatif_run(&out, nullptr, "national", nullptr, nullptr), JC_INVALID_ARGUMENT);
  EXPECT_NE(last_error().find("journal_path"), std::string::npos);
  EXPECT_EQ(jc_whatif_run(&out, journal_.c_str(), nullptr, nullptr, nullptr), JC_INVALID_ARGUMENT);
  EXPECT_EQ(jc_whatif_run(&out, journal_.c_str(), "national\x80", nullptr, nullptr), JC_INVALID_ARGUMENT);
  EXPECT_EQ(jc_whatif_run(&out, journal_.c_str(), "no-such-set", nullptr, nullptr), JC_NOT_FOUND);
  EXPECT_NE(last_error().find("no-such-set"), std::string::npos);
  EXPECT_EQ(jc_whatif_run(&out, (journal_ + ".missing").c_str(), "national", nullptr, nullptr), JC_NOT_FOUND);
  EXPECT_EQ(jc_whatif_run(&out, journal_.c_str(), "national", "2025-02-30", nullptr), JC_INVALID_ARGUMENT);
  EXPECT_EQ(jc_whatif_run(&out, journal_.c_str(), "national", "2030-01-01", nullptr), JC_INVALID_ARGUMENT);
  EXPECT_EQ(out, nullptr);
  EXPECT_EQ(file_bytes(journal_), before);
}

}  // namespace
