// The journal's integrity switches through the C ABI (issue 17, item 6): the keyed MAC
// (jc_engine_open_keyed, jc_journal_open_keyed) and the fast verify (jc_journal_verify_ex
// with JC_VERIFY_FAST). A snapshot forged as an editor of the file would forge it (a text
// inside its state replaced, its digest and row hash recomputed) is caught by the default
// verify and passes the fast one on a plain journal; on a keyed journal it passes neither.
// A missing or wrong key is refused, names the function, and changes nothing.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "capi_test_support.hpp"
#include "jiceng.h"

namespace {

using namespace capi_test;

#define EXPECT_NAMES(fn) EXPECT_EQ(std::string(jc_last_error()).rfind(std::string(fn) + ": ", 0), 0u) << jc_last_error()

// 32 bytes with a NUL inside: a key is binary and passed with its length.
const std::string kKey("journal key\0of thirty-two bytes!", 32);
const std::string kOtherKey("another key of thirty-two bytes!", 32);

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string sha256(const std::string& bytes) {
  char buf[65];
  size_t n = 0;
  EXPECT_EQ(jc_sha256_hex(buf, sizeof buf, &n, bytes.data(), bytes.size()), JC_OK);
  return buf;
}

// Replaces `from` by `to` (same length) in the state of the newest snapshot and recomputes
// its digest and row hash = SHA-256("jiceng-snapshot/1" ‖ be64(seq) ‖ be64(time) ‖ anchor ‖
// digest hex). Returns the snapshot's seq, 0 when nothing was forged.
uint64_t forge_latest_snapshot(const std::string& path, const std::string& from, const std::string& to) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return 0;
  uint64_t seq = 0;
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT seq, time, anchor, state FROM snapshots ORDER BY seq DESC LIMIT 1", -1, &q, nullptr);
  if (sqlite3_step(q) == SQLITE_ROW) {
    const auto s = static_cast<uint64_t>(sqlite3_column_int64(q, 0));
    const auto time = static_cast<uint64_t>(sqlite3_column_int64(q, 1));
    const std::string anchor(static_cast<const char*>(sqlite3_column_blob(q, 2)), 32);
    std::string state(static_cast<const char*>(sqlite3_column_blob(q, 3)), sqlite3_column_bytes(q, 3));
    const auto at = state.find(from);
    if (at != std::string::npos) {
      state.replace(at, from.size(), to);
      const std::string digest = sha256(state);
      std::string row = "jiceng-snapshot/1";
      for (uint64_t v : {s, time})
        for (int i = 7; i >= 0; --i) row += static_cast<char>((v >> (8 * i)) & 0xff);
      const std::string hex = sha256(row + anchor + digest);
      std::string hash;
      for (size_t i = 0; i < 64; i += 2) hash += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
      sqlite3_stmt* u = nullptr;
      sqlite3_prepare_v2(db, "UPDATE snapshots SET state = ?, digest = ?, hash = ? WHERE seq = ?", -1, &u, nullptr);
      sqlite3_bind_blob(u, 1, state.data(), static_cast<int>(state.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(u, 2, digest.data(), static_cast<int>(digest.size()), SQLITE_TRANSIENT);
      sqlite3_bind_blob(u, 3, hash.data(), 32, SQLITE_TRANSIENT);
      sqlite3_bind_int64(u, 4, static_cast<sqlite3_int64>(s));
      if (sqlite3_step(u) == SQLITE_DONE && sqlite3_changes(db) == 1) seq = s;
      sqlite3_finalize(u);
    }
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return seq;
}

// A journal with the sample district, three petitions and a snapshot at the head; its digest.
std::string make_journal(const std::string& path, const std::string& key) {
  jc_engine_options o = journal_options(path);
  jc_engine* e = nullptr;
  EXPECT_EQ(jc_engine_open_keyed(&e, &o, key.empty() ? nullptr : key.data(), key.size()), JC_OK) << jc_last_error();
  if (e == nullptr) return "";
  EXPECT_EQ(jc_engine_load_sample_org(e, kMon - 86400), JC_OK) << jc_last_error();
  for (int i = 0; i < 3; ++i) {
    jc_submission s = sample_submission();
    uint64_t id = 0;
    EXPECT_EQ(jc_engine_submit(&id, e, &kResident, &s, kMon + i * kHour), JC_OK) << jc_last_error();
  }
  uint64_t seq = 0;
  EXPECT_EQ(jc_engine_journal_snapshot(&seq, e), JC_OK) << jc_last_error();
  const std::string d = digest(e);
  jc_engine_free(e);
  return d;
}

jc_status verify(const std::string& path, const std::string& key, unsigned flags, uint64_t* derived) {
  jc_journal_options jo = JC_JOURNAL_OPTIONS_INIT;
  jo.read_only = 1;
  jc_journal* j = nullptr;
  jc_status rc = jc_journal_open_keyed(&j, path.c_str(), &jo, key.empty() ? nullptr : key.data(), key.size());
  if (rc != JC_OK) return rc;
  jc_chain_report r{};
  rc = jc_journal_verify_ex(&r, derived, j, flags);
  jc_journal_free(j);
  return rc;
}

TEST(CapiJournalVerify, DefaultCatchesAForgedSnapshotTheFastModeSkipsIt) {
  const std::string path = temp_path("forged_plain.db");
  make_journal(path, "");
  uint64_t derived = 99;
  ASSERT_OK(verify(path, "", 0, &derived));
  EXPECT_EQ(derived, 1u);
  const uint64_t seq = forge_latest_snapshot(path, "噪音", "安静");
  ASSERT_GT(seq, 0u);

  EXPECT_STATUS(JC_DATA_LOSS, verify(path, "", 0, &derived));
  EXPECT_NAMES("jc_journal_verify_ex");
  EXPECT_ERROR_HAS("snapshot at seq " + std::to_string(seq) + ": its state (digest ");
  // jc_journal_verify is the default mode.
  jc_journal_options jo = JC_JOURNAL_OPTIONS_INIT;
  jo.read_only = 1;
  jc_journal* j = nullptr;
  ASSERT_OK(jc_journal_open(&j, path.c_str(), &jo));
  jc_chain_report r{};
  EXPECT_STATUS(JC_DATA_LOSS, jc_journal_verify(&r, j));
  // The fast mode says what it skipped: no state re-derived, and the forgery passes.
  derived = 99;
  ASSERT_OK(jc_journal_verify_ex(&r, &derived, j, JC_VERIFY_FAST));
  EXPECT_EQ(derived, 0u);
  EXPECT_EQ(r.snapshots, 1u);
  ASSERT_OK(jc_journal_verify_ex(&r, nullptr, j, JC_VERIFY_FAST));
  // Unknown flags are refused.
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_journal_verify_ex(&r, &derived, j, 2u));
  EXPECT_ERROR_HAS("flags 2");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_journal_verify_ex(&r, &derived, nullptr, 0));
  jc_journal_free(j);
}

TEST(CapiJournalKeyed, KeyedJournalRoundTripAndAForgedSnapshotPassesNothing) {
  const std::string path = temp_path("keyed.db");
  const std::string live = make_journal(path, kKey);
  ASSERT_FALSE(live.empty());
  uint64_t derived = 0;
  ASSERT_OK(verify(path, kKey, 0, &derived));
  EXPECT_EQ(derived, 1u);
  ASSERT_OK(verify(path, kKey, JC_VERIFY_FAST, &derived));
  {
    jc_engine_options o = journal_options(path);
    jc_engine* e = nullptr;
    ASSERT_OK(jc_engine_open_keyed(&e, &o, kKey.data(), kKey.size()));
    EXPECT_EQ(digest(e), live);
    jc_engine_free(e);
  }
  const uint64_t seq = forge_latest_snapshot(path, "噪音", "安静");
  ASSERT_GT(seq, 0u);
  const std::string named = "snapshot at seq " + std::to_string(seq) + ": its MAC does not match";
  for (unsigned flags : {0u, JC_VERIFY_FAST}) {
    EXPECT_STATUS(JC_DATA_LOSS, verify(path, kKey, flags, &derived));
    EXPECT_ERROR_HAS(named);
  }
  jc_engine_options o = journal_options(path);
  jc_engine* e = nullptr;
  EXPECT_STATUS(JC_DATA_LOSS, jc_engine_open_keyed(&e, &o, kKey.data(), kKey.size()));
  EXPECT_NAMES("jc_engine_open_keyed");
  EXPECT_ERROR_HAS(named);
  EXPECT_EQ(e, nullptr);
}

TEST(CapiJournalKeyed, AMissingOrWrongKeyIsRefusedAndChangesNothing) {
  const std::string path = temp_path("refused.db");
  const std::string live = make_journal(path, kKey);
  const std::string before = file_bytes(path) + file_bytes(path + "-head");
  jc_engine_options o = journal_options(path);
  jc_journal_options jo = JC_JOURNAL_OPTIONS_INIT;
  jc_engine* e = nullptr;
  jc_journal* j = nullptr;

  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_open(&e, &o));
  EXPECT_NAMES("jc_engine_open");
  EXPECT_ERROR_HAS("the journal is keyed");
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_journal_open(&j, path.c_str(), &jo));
  EXPECT_STATUS(JC_PERMISSION_DENIED, jc_engine_open_keyed(&e, &o, kOtherKey.data(), kOtherKey.size()));
  EXPECT_NAMES("jc_engine_open_keyed");
  EXPECT_ERROR_HAS("not this journal's key");
  EXPECT_EQ(std::string(jc_last_error()).find("another key"), std::string::npos) << "the key is in no message";
  EXPECT_STATUS(JC_PERMISSION_DENIED, jc_journal_open_keyed(&j, path.c_str(), &jo, kOtherKey.data(), kOtherKey.size()));
  EXPECT_NAMES("jc_journal_open_keyed");
  // Bad key arguments.
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_open_keyed(&e, &o, nullptr, 32));
  EXPECT_ERROR_HAS("key is NULL but key_len is 32");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_open_keyed(&e, &o, kKey.data(), 0));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_open_keyed(&e, &o, kKey.data(), JC_NUL_TERMINATED));
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_open_keyed(&e, &o, kKey.data(), 15));
  EXPECT_ERROR_HAS("the MAC key is 15 bytes; it must be 16..1024 bytes");
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_journal_open_keyed(&j, path.c_str(), &jo, kKey.data(), 1025));
  jc_engine_options memory = JC_ENGINE_OPTIONS_INIT;
  EXPECT_STATUS(JC_INVALID_ARGUMENT, jc_engine_open_keyed(&e, &memory, kKey.data(), kKey.size()));
  EXPECT_ERROR_HAS("without a journal");
  EXPECT_EQ(e, nullptr);
  EXPECT_EQ(j, nullptr);
  // A key for a journal written without one.
  const std::string plain = temp_path("plain.db");
  make_journal(plain, "");
  jc_engine_options po = journal_options(plain);
  EXPECT_STATUS(JC_FAILED_PRECONDITION, jc_engine_open_keyed(&e, &po, kKey.data(), kKey.size()));
  EXPECT_ERROR_HAS("holds no MAC");

  // Nothing was written; the right key opens the same state.
  EXPECT_EQ(file_bytes(path) + file_bytes(path + "-head"), before);
  ASSERT_OK(jc_engine_open_keyed(&e, &o, kKey.data(), kKey.size()));
  EXPECT_EQ(digest(e), live);
  jc_engine_free(e);
  // The key is nowhere in the file.
  EXPECT_EQ((file_bytes(path) + file_bytes(path + "-wal")).find(kKey), std::string::npos);
}

}  // namespace
