// Deleting the -wal file after a crash (issue 17, item 8): the events committed since the
// last checkpoint live only there, so the database file alone is a consistent, shorter
// journal — its own head row went back with it — and verify used to pass. The durable head
// record beside the journal (<path>-head, written after every commit) now shows the loss:
// open refuses appends, verify and replay fail with DATA_LOSS naming the first missing seq.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "jiceng/journal.hpp"
#include "journal/test_util.hpp"

namespace jiceng {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using test::TempDir;

TEST(JournalWalLoss, DeletingTheWalAfterACrashIsDetected) {
  TempDir dir;
  const std::string path = dir.file("crash.db");
  std::mt19937 rng(20261206);
  bool seen = false;
  for (int round = 0; round < 20 && !seen; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    // A writer killed mid-stream: its last commits are in the -wal, not yet checkpointed.
    test::ChildRun run = test::run_child_and_kill(
        {JICENG_JOURNAL_CRASH_CHILD, "raw", path, std::to_string(rng())}, 30 + static_cast<int>(rng() % 200),
        /*from_first_ack=*/true);
    ASSERT_TRUE(run.killed) << "child exited by itself (status " << run.status << "): " << run.error;
    if (run.acked.empty()) continue;
    const std::uint64_t acked = run.acked.back();
    ASSERT_TRUE(fs::exists(path + "-wal"));
    ASSERT_TRUE(fs::exists(path + "-head"));

    // The operator's copy without the -wal (the same as deleting it, without spoiling the
    // original for the next round).
    const std::string lost = dir.file(absl::StrCat("lost-", round, ".db"));
    fs::copy_file(path, lost);
    fs::copy_file(path + "-head", lost + "-head");
    JournalOptions ro;
    ro.read_only = true;
    auto j = Journal::open(lost, ro);
    if (!j.ok()) {
      // Not one checkpoint yet: the file alone is an empty database, the whole journal was
      // in the -wal. Refused as the loss it is, by a reader and by a writer, which must not
      // make a new journal over it.
      EXPECT_EQ(j.status().code(), absl::StatusCode::kDataLoss) << j.status();
      EXPECT_THAT(j.status().message(), HasSubstr("seq 1 is missing"));
      const auto size = fs::file_size(lost);
      auto w = Journal::open(lost);
      EXPECT_EQ(w.status().code(), absl::StatusCode::kDataLoss) << w.status();
      EXPECT_EQ(fs::file_size(lost), size);
      continue;  // and try for a round with part of the journal in the file
    }
    const std::uint64_t on_file = (*j)->last_seq();
    if (on_file >= acked) continue;  // everything acknowledged had been checkpointed: again
    seen = true;

    // verify and replay name the first missing seq and what was acknowledged.
    auto report = (*j)->verify();
    ASSERT_FALSE(report.ok()) << "verify passed a journal missing acknowledged seqs " << on_file + 1 << ".."
                              << acked;
    EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(report.status().message(), HasSubstr(absl::StrCat("seq ", on_file + 1, " is missing")));
    EXPECT_THAT(report.status().message(), HasSubstr("-wal"));
    const absl::Status replayed = (*j)->replay(0, [](const StoredRecord&) { return absl::OkStatus(); });
    EXPECT_EQ(replayed.code(), absl::StatusCode::kDataLoss) << replayed;
    // A writer refuses to append on top of the gap (it would reuse acknowledged seqs).
    {
      auto w = Journal::open(lost);
      ASSERT_TRUE(w.ok()) << w.status();
      JournalRecord rec{1700000000, "crash.single", "after the loss"};
      auto appended = (*w)->append(std::span<const JournalRecord>(&rec, 1));
      ASSERT_FALSE(appended.ok());
      EXPECT_EQ(appended.status().code(), absl::StatusCode::kDataLoss) << appended.status();
      EXPECT_EQ((*w)->last_seq(), on_file);
    }
    // Without the head record the loss cannot be seen: the file alone is a valid journal
    // (what docs/journal.md tells operators to keep the record for).
    fs::remove(lost + "-head");
    auto bare = Journal::open(lost, ro);
    ASSERT_TRUE(bare.ok());
    EXPECT_TRUE((*bare)->verify().ok());

    // With the -wal in place (the original) everything acknowledged is there.
    auto whole = Journal::open(path, ro);
    ASSERT_TRUE(whole.ok());
    auto ok = (*whole)->verify();
    ASSERT_TRUE(ok.ok()) << ok.status();
    EXPECT_GE(ok->last_seq, acked);
  }
  ASSERT_TRUE(seen) << "no round left acknowledged events in the -wal only";
}

TEST(JournalWalLoss, ANewJournalAtTheSamePathStartsANewRecord) {
  // Removing a journal with its -wal and -shm and creating a new one at the path is a fresh
  // start, not a loss: the stale head record beside it is reset.
  TempDir dir;
  const std::string path = dir.file("j.db");
  {
    auto j = Journal::open(path);
    ASSERT_TRUE(j.ok());
    std::vector<JournalRecord> recs(5, JournalRecord{1700000000, "t.x", "p"});
    ASSERT_TRUE((*j)->append(recs).ok());
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  ASSERT_TRUE(fs::exists(path + "-head"));
  auto j = Journal::open(path);
  ASSERT_TRUE(j.ok()) << j.status();
  JournalRecord rec{1700000000, "t.x", "p"};
  ASSERT_TRUE((*j)->append(std::span<const JournalRecord>(&rec, 1)).ok());
  auto report = (*j)->verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->last_seq, 1u);
}

TEST(JournalWalLoss, AnOlderCopyOfTheFileIsDetectedToo) {
  // The file replaced by an older copy (a restored backup) behind a head record that saw
  // more: the same DATA_LOSS; and a history rewritten below the recorded head is named.
  TempDir dir;
  const std::string path = dir.file("j.db");
  const std::string old_copy = dir.file("old.db");
  {
    auto j = Journal::open(path);
    ASSERT_TRUE(j.ok());
    std::vector<JournalRecord> recs(3, JournalRecord{1700000000, "t.x", "p"});
    ASSERT_TRUE((*j)->append(recs).ok());
  }
  fs::copy_file(path, old_copy);  // closed: no -wal, the file is whole
  {
    auto j = Journal::open(path);
    ASSERT_TRUE(j.ok());
    std::vector<JournalRecord> recs(4, JournalRecord{1700000001, "t.x", "q"});
    ASSERT_TRUE((*j)->append(recs).ok());
  }
  fs::copy_file(old_copy, path, fs::copy_options::overwrite_existing);
  JournalOptions ro;
  ro.read_only = true;
  auto j = Journal::open(path, ro);
  ASSERT_TRUE(j.ok());
  auto report = (*j)->verify();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(report.status().message(), HasSubstr("seq 4 is missing: events up to seq 7 were acknowledged"));
}

}  // namespace
}  // namespace jiceng
