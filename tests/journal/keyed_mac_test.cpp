// The keyed MAC (issue 17, item 6): with a host-held key, the head and every snapshot carry
// an HMAC-SHA-256 an editor of the file cannot recompute. A snapshot forged with its digest
// and row hash recomputed, or a suffix of events rewritten with the chain and head
// recomputed, passes nothing that reads a keyed journal; without a key such a suffix passes
// (the chain is no signature), which these tests show too, so they can fail. Opening a keyed
// journal without its key or with another is refused and changes nothing.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "journal/forge.hpp"
#include "journal/scenario.hpp"
#include "journal/test_util.hpp"

namespace jiceng::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kKey = std::string("host-held key\0with a NUL, 32 b", 31);
const std::string kOtherKey = "another key of the same length!";

JournalOptions keyed(bool read_only = false, const std::string& key = kKey) {
  JournalOptions o;
  o.mac_key = key;
  o.read_only = read_only;
  return o;
}

/// A journal with the sample district and 12 petitions along the loop; with `snapshots`,
/// one in the middle and one at the head. Returns the head seq.
std::uint64_t make_journal(const std::string& path, const JournalOptions& options, bool snapshots) {
  auto d = open_engine(path, options);
  EXPECT_TRUE(d.ok()) << d.status();
  if (!d.ok()) return 0;
  Engine& e = (*d)->engine();
  EXPECT_TRUE(load_sample(e).ok());
  for (int n = 0; n < 12; ++n) {
    EXPECT_TRUE(lifecycle(e, n, n % 6, kT0 + n * 600).ok());
    if (snapshots && n == 8) {
      EXPECT_TRUE((*d)->write_snapshot().ok());
    }
  }
  if (snapshots) {
    EXPECT_TRUE((*d)->write_snapshot().ok());
  }
  return e.last_seq();
}

std::string petitioner_of_r7(const Engine& e) {
  auto v = e.get(8);  // R7 submitted petition 8
  return v.ok() ? v->petitioner : v.status().ToString();
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusCode verify_code(const std::string& path, const JournalOptions& o, bool derive, std::string* message) {
  auto j = Journal::open(path, o);
  if (!j.ok()) {
    *message = std::string(j.status().message());
    return j.status().code();
  }
  auto r = (*j)->verify(derive);
  *message = r.ok() ? "" : std::string(r.status().message());
  return r.status().code();
}

TEST(KeyedMac, AKeyedJournalWorksAsAnyOtherAndSaysItIsKeyed) {
  TempDir dir;
  const std::string path = dir.file("keyed.db");
  const std::uint64_t head = make_journal(path, keyed(), true);
  ASSERT_GT(head, 20u);
  std::string live;
  {
    auto d = open_engine(path, keyed());
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_TRUE((*d)->open_report().keyed);
    EXPECT_EQ((*d)->open_report().snapshot_seq, head);
    live = (*d)->state_digest();
    // Commands and a snapshot after a reopen keep the MACs up to date.
    ASSERT_TRUE(lifecycle((*d)->engine(), 12, 3, kT0 + 86400).ok());
    ASSERT_TRUE((*d)->write_snapshot().ok());
    live = (*d)->state_digest();
  }
  for (bool snapshots : {true, false}) {
    JournalOptions o = keyed(true);
    o.use_snapshots = snapshots;
    auto d = open_engine(path, o);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ((*d)->state_digest(), live);
  }
  auto j = Journal::open(path, keyed(true));
  ASSERT_TRUE(j.ok()) << j.status();
  EXPECT_TRUE((*j)->keyed());
  auto report = (*j)->verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->keyed);
  EXPECT_EQ(report->snapshots, 3u);
  EXPECT_EQ(report->states_derived, 3u);
  // The key is nowhere in the file.
  const std::string bytes = file_bytes(path) + file_bytes(path + "-wal") + file_bytes(path + "-head");
  EXPECT_EQ(bytes.find(kKey), std::string::npos);
  EXPECT_EQ(bytes.find("host-held key"), std::string::npos);
}

TEST(KeyedMac, UnkeyedJournalsAreUnchanged) {
  TempDir dir;
  const std::string path = dir.file("plain.db");
  make_journal(path, JournalOptions{}, true);
  auto j = Journal::open(path);
  ASSERT_TRUE(j.ok()) << j.status();
  EXPECT_FALSE((*j)->keyed());
  auto report = (*j)->verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->keyed);
  EXPECT_EQ(report->states_derived, 2u);
  auto d = open_engine(path);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_FALSE((*d)->open_report().keyed);
}

// Unkeyed, a snapshot forged with its hashes recomputed passes the fast verify and a
// trusting open (documented); keyed, it passes nothing, and the MAC is named.
TEST(KeyedMac, AForgedSnapshotPassesNothingWhenKeyed) {
  TempDir dir;
  const std::string path = dir.file("forged.db");
  const std::uint64_t head = make_journal(path, keyed(), true);
  ASSERT_GT(forge_snapshot(path, head, "R7", "R9"), 0);
  const std::string named = absl::StrCat("snapshot at seq ", head, ": its MAC does not match");
  std::string message;
  for (bool derive : {true, false}) {
    SCOPED_TRACE(derive ? "verify" : "verify, fast mode");
    EXPECT_EQ(verify_code(path, keyed(true), derive, &message), absl::StatusCode::kDataLoss);
    EXPECT_THAT(message, HasSubstr(named));
  }
  for (bool checked : {false, true}) {
    SCOPED_TRACE(checked ? "open checking its snapshot" : "open trusting its snapshot");
    JournalOptions o = keyed(true);
    o.verify_snapshot = checked;
    auto d = open_engine(path, o);
    ASSERT_EQ(d.status().code(), absl::StatusCode::kDataLoss) << d.status();
    EXPECT_THAT(std::string(d.status().message()), HasSubstr(named));
  }
  // The events alone still give the genuine state.
  JournalOptions from_start = keyed(true);
  from_start.use_snapshots = false;
  auto d = open_engine(path, from_start);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(petitioner_of_r7((*d)->engine()), "R7");

  // The same forgery without a key: the fast mode and a trusting open take it.
  const std::string plain = dir.file("plain.db");
  const std::uint64_t plain_head = make_journal(plain, JournalOptions{}, true);
  ASSERT_GT(forge_snapshot(plain, plain_head, "R7", "R9"), 0);
  JournalOptions ro;
  ro.read_only = true;
  EXPECT_EQ(verify_code(plain, ro, false, &message), absl::StatusCode::kOk) << message;
  auto trusting = open_engine(plain, ro);
  ASSERT_TRUE(trusting.ok()) << trusting.status();
  EXPECT_EQ(petitioner_of_r7((*trusting)->engine()), "R9");
}

// A suffix rewritten by the file's owner (the chain, the head row recomputed, the durable
// head record removed) verifies without a key; keyed, the head's MAC names it.
TEST(KeyedMac, ARewrittenSuffixIsCaughtByTheHeadMac) {
  TempDir dir;
  for (bool with_key : {false, true}) {
    SCOPED_TRACE(with_key ? "keyed" : "unkeyed");
    const std::string path = dir.file(with_key ? "keyed.db" : "plain.db");
    const JournalOptions o = with_key ? keyed() : JournalOptions{};
    const std::uint64_t head = make_journal(path, o, false);
    std::uint64_t submit_r7 = 0;
    {
      auto j = Journal::open(path, o);
      ASSERT_TRUE(j.ok());
      ASSERT_TRUE((*j)->replay(0, [&](const StoredRecord& r) {
        if (r.type == "submit" && r.payload.find("R7") != std::string_view::npos) submit_r7 = r.seq;
        return absl::OkStatus();
      }).ok());
    }
    ASSERT_GT(submit_r7, 0u);
    ASSERT_GT(rewrite_suffix(path, submit_r7, "R7", "R9"), 0);
    JournalOptions ro = o;
    ro.read_only = true;
    std::string message;
    const absl::StatusCode code = verify_code(path, ro, true, &message);
    auto d = open_engine(path, ro);
    if (!with_key) {
      EXPECT_EQ(code, absl::StatusCode::kOk) << message;
      ASSERT_TRUE(d.ok()) << d.status();
      EXPECT_EQ(petitioner_of_r7((*d)->engine()), "R9") << "the rewrite is a valid chain";
      continue;
    }
    EXPECT_EQ(code, absl::StatusCode::kDataLoss);
    EXPECT_THAT(message, HasSubstr(absl::StrCat("seq ", head, ": the head's MAC does not match the head")));
    ASSERT_EQ(d.status().code(), absl::StatusCode::kDataLoss) << d.status();
    EXPECT_THAT(std::string(d.status().message()), HasSubstr("the head's MAC does not match"));
    // A writable handle opens (to let the operator look) but refuses to append after it.
    auto j = Journal::open(path, o);
    ASSERT_TRUE(j.ok()) << j.status();
    JournalRecord r{kT0, "note", "x"};
    auto appended = (*j)->append(std::span<const JournalRecord>(&r, 1));
    EXPECT_EQ(appended.status().code(), absl::StatusCode::kDataLoss) << appended.status();
    EXPECT_EQ((*j)->last_seq(), head);
  }
}

TEST(KeyedMac, AMissingMacIsDataLossNamingWhatAndWhere) {
  TempDir dir;
  const std::string path = dir.file("missing.db");
  const std::uint64_t head = make_journal(path, keyed(), true);
  std::string message;
  EXPECT_EQ(exec_sql(path, absl::StrCat("DELETE FROM mac_snapshots WHERE seq = ", head)), "");
  EXPECT_EQ(verify_code(path, keyed(true), false, &message), absl::StatusCode::kDataLoss);
  EXPECT_THAT(message, HasSubstr(absl::StrCat("snapshot at seq ", head, ": its MAC is missing")));
  auto d = open_engine(path, keyed(true));
  EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss) << d.status();
  EXPECT_EQ(exec_sql(path, "DELETE FROM snapshots"), "");
  ASSERT_EQ(verify_code(path, keyed(true), true, &message), absl::StatusCode::kOk) << message;
  EXPECT_EQ(exec_sql(path, "DELETE FROM mac_head"), "");
  EXPECT_EQ(verify_code(path, keyed(true), true, &message), absl::StatusCode::kDataLoss);
  EXPECT_THAT(message, HasSubstr(absl::StrCat("seq ", head, ": the head's MAC is missing")));
}

// No key, another key, a bad key, a key for a journal written without one, the MACs stripped:
// each refused with its own code and message, nothing written, the key in no message.
TEST(KeyedMac, AWrongOrMissingKeyIsRefusedAndChangesNothing) {
  TempDir dir;
  const std::string path = dir.file("keyed.db");
  const std::string plain = dir.file("plain.db");
  const std::uint64_t head = make_journal(path, keyed(), true);
  make_journal(plain, JournalOptions{}, false);
  std::string digest;
  {
    auto d = open_engine(path, keyed(true));
    ASSERT_TRUE(d.ok());
    digest = (*d)->state_digest();
  }
  const std::string before = file_bytes(path) + file_bytes(path + "-head");
  const std::string plain_before = file_bytes(plain) + file_bytes(plain + "-head");
  struct Case {
    const char* name;
    std::string file, key;
    bool read_only;
    absl::StatusCode code;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"no key", path, "", false, absl::StatusCode::kFailedPrecondition, "the journal is keyed (hmac-sha256/1)"},
      {"no key, read-only", path, "", true, absl::StatusCode::kFailedPrecondition, "open it with its key"},
      {"another key", path, kOtherKey, false, absl::StatusCode::kPermissionDenied, "not this journal's key"},
      {"another key, read-only", path, kOtherKey, true, absl::StatusCode::kPermissionDenied, "not this journal's key"},
      {"a short key", path, "short", false, absl::StatusCode::kInvalidArgument, "the MAC key is 5 bytes"},
      {"a key for an unkeyed journal", plain, kKey, false, absl::StatusCode::kFailedPrecondition,
       "the journal holds no MAC"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    JournalOptions o;
    o.mac_key = c.key;
    o.read_only = c.read_only;
    auto j = Journal::open(c.file, o);
    ASSERT_EQ(j.status().code(), c.code) << j.status();
    EXPECT_THAT(std::string(j.status().message()), HasSubstr(c.says));
    auto d = open_engine(c.file, o);
    ASSERT_EQ(d.status().code(), c.code) << d.status();
    for (const std::string& k : {kKey, kOtherKey}) {
      EXPECT_THAT(std::string(j.status().message()), Not(HasSubstr(k.substr(0, 8))));
    }
  }
  EXPECT_EQ(file_bytes(path) + file_bytes(path + "-head"), before);
  EXPECT_EQ(file_bytes(plain) + file_bytes(plain + "-head"), plain_before);
  {
    auto d = open_engine(path, keyed(true));
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ((*d)->state_digest(), digest);
    EXPECT_EQ((*d)->engine().last_seq(), head);
  }
  // MACs stripped (the scheme row removed): a host that holds the key is not fooled.
  EXPECT_EQ(exec_sql(path, "DELETE FROM meta WHERE key IN ('mac', 'mac_check')"), "");
  auto j = Journal::open(path, keyed(true));
  ASSERT_EQ(j.status().code(), absl::StatusCode::kFailedPrecondition) << j.status();
  EXPECT_THAT(std::string(j.status().message()), HasSubstr("or its MACs were removed"));
}

TEST(KeyedMac, APostgresUriWithAKeyIsRefusedBeforeConnecting) {
  auto j = Journal::open("postgresql:///nowhere?host=/nonexistent", keyed());
  ASSERT_EQ(j.status().code(), absl::StatusCode::kFailedPrecondition) << j.status();
  EXPECT_THAT(std::string(j.status().message()), HasSubstr("the keyed MAC is for SQLite journals"));
}

}  // namespace
}  // namespace jiceng::test
