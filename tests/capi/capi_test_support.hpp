// tests/capi/capi_test_support.hpp — what the C ABI test files share: the sample district's
// ids and actors, the status assertions, string and digest helpers, and a fixture holding
// the sample district in a jc_org. Through the public header only.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>

#include "jiceng.h"

/// The thread's last error mentions `text`.
#define EXPECT_ERROR_HAS(text) EXPECT_NE(std::string(jc_last_error()).find(text), std::string::npos) << jc_last_error()

namespace capi_test {

/// The engine's last seq (a test failure when it cannot be read).
inline uint64_t last_seq(jc_engine* e) {
  uint64_t s = 0;
  EXPECT_EQ(jc_engine_last_seq(&s, e), JC_OK) << jc_last_error();
  return s;
}

// 2025-01-06 (Monday) 09:00 CST.
inline constexpr int64_t kMon = 1736125200;
inline constexpr int64_t kHour = 3600;

inline constexpr const char* kHousehold = "H-G01B01-0101";
inline constexpr const char* kDistrict = "320506";
inline constexpr const char* kStreet = "320506001";
inline constexpr const char* kCommunity = "320506001001";
inline constexpr const char* kGrid = "320506001001G01";
inline constexpr const char* kBuilding = "320506001001G01B01";

inline const jc_actor kResident = {"R-1", JC_ROLE_RESIDENT, nullptr};
inline const jc_actor kStreetOfficer = {"S-1", JC_ROLE_STREET_OFFICER, kStreet};
inline const jc_actor kSecretary = {"C-1", JC_ROLE_COMMUNITY_SECRETARY, kCommunity};
inline const jc_actor kStaff = {"C-2", JC_ROLE_COMMUNITY_STAFF, kCommunity};

/// A resident's complaint at the sample household (no contact data, no key).
inline jc_submission sample_submission(const char* text = "楼下广场舞噪音扰民") {
  jc_submission s = JC_SUBMISSION_INIT;
  s.petitioner = "R-1";
  s.location = kHousehold;
  s.category = "noise";
  s.text = text;
  s.channel = JC_CHANNEL_MINI_PROGRAM;
  return s;
}

/// A library-owned string as std::string, released.
inline std::string take(char* s) {
  std::string r = s == nullptr ? "" : s;
  jc_string_free(s);
  return r;
}

inline std::string last_error() { return jc_last_error(); }

/// A string the library hands out through an out-parameter, released when this goes.
struct OwnedString {
  char* p = nullptr;
  OwnedString() = default;
  OwnedString(const OwnedString&) = delete;
  OwnedString& operator=(const OwnedString&) = delete;
  ~OwnedString() { jc_string_free(p); }
  std::string s() const { return p ? std::string(p) : std::string(); }
};

/// The engine's snapshot bytes (what "nothing changed" compares).
inline std::string snapshot(jc_engine* e) {
  OwnedString s;
  size_t len = 0;
  EXPECT_EQ(jc_engine_snapshot(&s.p, &len, e), JC_OK) << jc_last_error();
  return s.p ? std::string(s.p, len) : std::string();
}

/// The engine's state digest (64 hex digits).
inline std::string digest(jc_engine* e) {
  char buf[65];
  size_t len = 0;
  EXPECT_EQ(jc_engine_digest(buf, sizeof buf, &len, e), JC_OK) << jc_last_error();
  EXPECT_EQ(len, 64u);
  return buf;
}

/// This test process's scratch directory, created on first use and removed with everything
/// in it when the process exits.
struct TempDir {
  std::string path;
  TempDir() = default;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};
inline TempDir temp_dir;

/// A fresh path in the scratch directory (no file, -wal or -shm left there).
inline std::string temp_path(const char* name) {
  if (temp_dir.path.empty()) {
    temp_dir.path = (std::filesystem::temp_directory_path() /
                     ("jiceng_capi_" + std::to_string(static_cast<long>(::getpid()))))
                        .string();
    std::filesystem::create_directories(temp_dir.path);
  }
  const std::string p = temp_dir.path + "/" + name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix);
  return p;
}

/// Options of a durable engine (suzhou-sip, sync normal) on the journal at `path`, which
/// must outlive them.
inline jc_engine_options journal_options(const std::string& path) {
  jc_engine_options o = JC_ENGINE_OPTIONS_INIT;
  o.policy = "suzhou-sip";
  o.journal = path.c_str();
  o.sync = JC_SYNC_NORMAL;
  return o;
}

/// The sample district loaded into a new jc_org (org_), and unit lookup by id.
class SampleOrgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(jc_org_new(&org_), JC_OK) << jc_last_error();
    ASSERT_EQ(jc_org_load_sample(org_), JC_OK) << jc_last_error();
  }
  void TearDown() override { jc_org_free(org_); }
  uint32_t find(const char* id) {
    uint32_t u = JC_NO_UNIT;
    EXPECT_EQ(jc_org_find(&u, org_, id), JC_OK) << jc_last_error();
    return u;
  }
  jc_org* org_ = nullptr;
};

}  // namespace capi_test

#define EXPECT_STATUS(expected, call)                                                              \
  do {                                                                                            \
    const jc_status rc_ = (call);                                                                 \
    EXPECT_EQ(rc_, expected) << #call << " -> " << jc_status_name(rc_) << ": " << jc_last_error(); \
  } while (0)
#define ASSERT_OK(call)                                                                           \
  do {                                                                                            \
    const jc_status rc_ = (call);                                                                 \
    ASSERT_EQ(rc_, JC_OK) << #call << " -> " << jc_status_name(rc_) << ": " << jc_last_error(); \
  } while (0)
