// The journal's read paths under the conditions an auditor meets (issue 17): a copy on
// read-only media verifies and replays (item 9), and opening while another connection
// appends never reports a healthy journal as DATA_LOSS (item 7).
//
// Read-only media is made real even when the tests run as root (root ignores permission
// bits): the copy's directory and file lose their write bits, and the reading happens in
// a child process that drops to an unprivileged uid when it is root, and first proves that
// it cannot create a file beside the journal.
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "journal/scenario.hpp"
#include "journal/test_util.hpp"

namespace jiceng {
namespace {

using ::testing::HasSubstr;
using test::kT0;
using test::TempDir;
namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;

/// A journal of `n` petitions, closed (its -wal checkpointed away); returns its digest.
std::string make_journal(const std::string& path, int n) {
  auto d = open_engine(path);
  EXPECT_TRUE(d.ok()) << d.status();
  if (!d.ok()) return "";
  EXPECT_TRUE(test::load_sample((*d)->engine()).ok());
  for (int k = 0; k < n; ++k) EXPECT_TRUE(test::lifecycle((*d)->engine(), k, k % 4, kT0 + k * 60).ok());
  return (*d)->state_digest();
}

/// `dir` and every file in it made read-only (0555 / 0444); undone at scope exit so the
/// TempDir can remove them.
struct ReadOnlyDir {
  explicit ReadOnlyDir(const std::string& d) : dir(d) {
    for (const auto& f : fs::directory_iterator(dir)) fs::permissions(f.path(), fs::perms(0444));
    fs::permissions(dir, fs::perms(0555));
  }
  ~ReadOnlyDir() {
    std::error_code ec;
    fs::permissions(dir, fs::perms(0755), ec);
  }
  std::string dir;
};

/// Runs `body` in a child that cannot write `dir` (dropping root to nobody); returns what
/// it wrote to its pipe, prefixed "ok " or "fail ". "fail not read-only" when the child
/// could create a file there (then the test would prove nothing).
std::string run_without_write_access(const std::string& dir, const std::function<std::string()>& body) {
  int p[2];
  if (::pipe(p) != 0) return "fail pipe";
  const pid_t pid = ::fork();
  if (pid < 0) return "fail fork";
  if (pid == 0) {
    ::close(p[0]);
    std::string out;
    if (::geteuid() == 0 && (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)) {
      out = "fail cannot drop root";
    } else {
      const std::string probe = dir + "/probe";
      const int fd = ::open(probe.c_str(), O_CREAT | O_WRONLY, 0644);
      if (fd >= 0) {
        ::close(fd);
        ::unlink(probe.c_str());
        out = "fail not read-only";
      } else {
        out = body();
      }
    }
    (void)!::write(p[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(p[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(p[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(p[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status)) return absl::StrCat("fail child status ", status, ": ", out);
  return out;
}

/// What `jiceng verify` and `jiceng replay` do, reported as "ok <events> <digest>".
std::string verify_and_replay(const std::string& path) {
  JournalOptions ro;
  ro.read_only = true;
  auto j = Journal::open(path, ro);
  if (!j.ok()) return absl::StrCat("fail open: ", j.status().ToString());
  auto report = (*j)->verify();
  if (!report.ok()) return absl::StrCat("fail verify: ", report.status().ToString());
  auto d = open_engine(path, ro);
  if (!d.ok()) return absl::StrCat("fail replay: ", d.status().ToString());
  JournalOptions from_start = ro;
  from_start.use_snapshots = false;
  auto full = open_engine(path, from_start);
  if (!full.ok()) return absl::StrCat("fail replay from start: ", full.status().ToString());
  if ((*full)->state_digest() != (*d)->state_digest()) return "fail digests differ";
  return absl::StrCat("ok ", report->events, " ", (*d)->state_digest());
}

TEST(ReadOnlyMedia, AnAuditorsCopyVerifiesAndReplays) {
  TempDir src, copy;
  const std::string original = src.file("live.db");
  const std::string digest = make_journal(original, 12);
  {
    // A snapshot too, so replay starts from one.
    auto d = open_engine(original);
    ASSERT_TRUE(d.ok()) << d.status();
    ASSERT_TRUE((*d)->write_snapshot().ok());
  }
  ASSERT_FALSE(fs::exists(original + "-wal")) << "a closed journal leaves no -wal";
  const std::string audited = copy.file("audit.db");
  fs::copy_file(original, audited);
  const std::string expected = verify_and_replay(original);
  ASSERT_EQ(expected.rfind("ok ", 0), 0u) << expected;
  EXPECT_THAT(expected, HasSubstr(digest));
  ReadOnlyDir ro(fs::path(audited).parent_path().string());
  const std::string out = run_without_write_access(ro.dir, [&] { return verify_and_replay(audited); });
  if (out == "fail cannot drop root") GTEST_SKIP() << "root without CAP_SETUID cannot make read-only media real";
  EXPECT_EQ(out, expected);
  // Nothing was written beside it.
  EXPECT_FALSE(fs::exists(audited + "-shm"));
  EXPECT_FALSE(fs::exists(audited + "-wal"));
}

TEST(ReadOnlyMedia, AWriteAheadLogThatCannotBeReadIsRefusedNotSkipped) {
  TempDir src, copy;
  const std::string original = src.file("live.db");
  make_journal(original, 3);
  // Copied while a writer has events in its -wal: the file alone misses them.
  auto d = open_engine(original);
  ASSERT_TRUE(d.ok()) << d.status();
  ASSERT_TRUE(test::lifecycle((*d)->engine(), 100, 2, kT0 + 86400).ok());
  ASSERT_GT(fs::file_size(original + "-wal"), 0u);
  const std::string audited = copy.file("audit.db");
  fs::copy_file(original, audited);
  fs::copy_file(original + "-wal", audited + "-wal");
  ReadOnlyDir ro(fs::path(audited).parent_path().string());
  const std::string out = run_without_write_access(ro.dir, [&] { return verify_and_replay(audited); });
  if (out == "fail cannot drop root") GTEST_SKIP() << "root without CAP_SETUID cannot make read-only media real";
  EXPECT_THAT(out, HasSubstr("fail open: FAILED_PRECONDITION"));
  EXPECT_THAT(out, HasSubstr("audit.db-wal"));
  EXPECT_THAT(out, HasSubstr("would miss events"));
}

TEST(ReadOnlyMedia, AFileThatCannotBeReadIsReportedAsSuch) {
  TempDir src, copy;
  const std::string original = src.file("live.db");
  make_journal(original, 2);
  const std::string audited = copy.file("audit.db");
  fs::copy_file(original, audited);
  ReadOnlyDir ro(fs::path(audited).parent_path().string());
  fs::permissions(audited, fs::perms::none);
  const std::string out = run_without_write_access(ro.dir, [&] { return verify_and_replay(audited); });
  if (out == "fail cannot drop root") GTEST_SKIP() << "root without CAP_SETUID cannot make read-only media real";
  // The ordinary open's error, not the read-only-media fallback's.
  EXPECT_THAT(out, HasSubstr("fail open: "));
  EXPECT_THAT(out, HasSubstr("audit.db: open read-only: "));
}

TEST(ReadOnlyMedia, AWritableCopyIsReadAsBefore) {
  TempDir src;
  const std::string path = src.file("live.db");
  const std::string digest = make_journal(path, 4);
  const std::string out = verify_and_replay(path);
  EXPECT_EQ(out.rfind("ok ", 0), 0u) << out;
  EXPECT_THAT(out, HasSubstr(digest));
}

// Opening (replay) and verifying while another connection appends and snapshots: each
// must read one consistent snapshot of the file. Before, open compared the events it
// replayed with the count read earlier at open, and about a third of the opens of a
// healthy journal failed with DATA_LOSS ("replay ended at seq N but the journal holds M").
//
// The writer is paced by the rounds: at most kPerRound lifecycles from the start of each
// round (about 100 ms of appending, through the round's open), so the journal grows with
// the rounds and not with how slow an open is. Unpaced, a slower open (ThreadSanitizer
// re-derives every snapshot's state several times slower) let the writer add more
// events, and snapshots, than the next open could read: under TSan the run never ended
// (13,109 events and 262 snapshots, 230 MB, after 7 minutes).
TEST(ConcurrentAppend, OpeningWhileAnotherConnectionAppendsIsNeverDataLoss) {
  TempDir dir;
  const std::string path = dir.file("busy.db");
  make_journal(path, 2);
  JournalOptions fast;
  fast.sync = SyncMode::kOff;
  std::atomic<bool> stop{false};
  std::atomic<int> appended{0}, round_started{0};
  constexpr int kPerRound = 40;
  std::string writer_error;
  std::thread writer([&] {
    auto d = open_engine(path, fast);
    if (!d.ok()) {
      writer_error = d.status().ToString();
      return;
    }
    for (int k = 1000; !stop.load(); ++k) {
      while (!stop.load() && appended.load() >= 5 + round_started.load() * kPerRound) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      if (stop.load()) break;
      auto id = test::lifecycle((*d)->engine(), k, k % 3, kT0 + k);
      if (!id.ok()) {
        writer_error = id.status().ToString();
        return;
      }
      if (k % 25 == 0) {
        auto s = (*d)->write_snapshot();
        if (!s.ok()) {
          writer_error = s.status().ToString();
          return;
        }
      }
      appended.fetch_add(1);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // keeps the journal small
    }
  });
  while (appended.load() < 5 && writer_error.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  JournalOptions ro;
  ro.read_only = true;
  ro.busy_timeout_ms = 10000;
  int opens = 0;
  constexpr int kRounds = 40;
  for (int round = 0; round < kRounds && writer_error.empty(); ++round) {
    round_started.store(round + 1);  // lets the writer append through this round's open
    ro.use_snapshots = round % 2 == 0;
    auto d = open_engine(path, ro);
    ASSERT_TRUE(d.ok()) << "round " << round << ": " << d.status();
    const ReplayReport& r = (*d)->open_report();
    EXPECT_EQ(r.last_seq, (*d)->engine().last_seq());
    EXPECT_EQ((*d)->journal().last_seq(), r.last_seq);
    auto j = Journal::open(path, ro);
    ASSERT_TRUE(j.ok()) << j.status();
    auto v = (*j)->verify();
    ASSERT_TRUE(v.ok()) << "round " << round << ": " << v.status();
    ++opens;
  }
  stop.store(true);
  writer.join();
  EXPECT_EQ(writer_error, "");
  EXPECT_EQ(opens, kRounds);
  EXPECT_GT(appended.load(), 5 + kPerRound);
}

}  // namespace
}  // namespace jiceng
