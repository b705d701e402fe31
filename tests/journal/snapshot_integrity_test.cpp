// A forged snapshot (issue 17, item 6): a petitioner rewritten inside a snapshot, with its
// digest and row hash recomputed (all an editor of the file can recompute; the anchor is
// untouched, as the chain is), passed verify and changed the state an open started from.
// verify now re-derives the state from the events and compares it with every snapshot by
// default; its fast mode (verify_states = false) says it skips that and indeed passes;
// open trusts a snapshot unless asked to check it (verify_snapshot, as `jiceng replay`).
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

/// A journal with the sample district, 12 petitions (R0..R11 along the loop), a snapshot
/// in the middle and one at the head. Returns the two snapshot seqs.
std::pair<std::uint64_t, std::uint64_t> make_journal(const std::string& path) {
  auto d = open_engine(path);
  EXPECT_TRUE(d.ok()) << d.status();
  Engine& e = (*d)->engine();
  EXPECT_TRUE(load_sample(e).ok());
  std::uint64_t mid = 0;
  for (int n = 0; n < 12; ++n) {
    EXPECT_TRUE(lifecycle(e, n, n % 6, kT0 + n * 600).ok());
    if (n == 8) mid = (*d)->write_snapshot()->seq;
  }
  const std::uint64_t head = (*d)->write_snapshot()->seq;
  return {mid, head};
}

std::string petitioner_of(const Engine& e, const std::string& id) {
  // The petition submitted by `id` in make_journal: R<n> made petition n + 1.
  auto v = e.get(std::stoull(id.substr(1)) + 1);
  return v.ok() ? v->petitioner : v.status().ToString();
}

TEST(SnapshotIntegrity, AForgedSnapshotFailsVerifyAndACheckedOpenNamingItsSeq) {
  TempDir dir;
  const std::string path = dir.file("forged.db");
  const auto [mid, head] = make_journal(path);
  ASSERT_GT(mid, 0u);
  ASSERT_GT(head, mid);
  {
    auto j = Journal::open(path);
    ASSERT_TRUE(j.ok());
    auto report = (*j)->verify();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->snapshots, 2u);
    EXPECT_EQ(report->states_derived, 2u);
  }
  // R7's petition becomes R9's inside the snapshot at the head.
  ASSERT_GT(forge_snapshot(path, head, "R7", "R9"), 0);

  // Everything but the content still checks: the fast mode passes, as verify did before.
  JournalOptions fast;
  fast.read_only = true;
  fast.verify_states = false;
  {
    auto j = Journal::open(path, fast);
    ASSERT_TRUE(j.ok());
    auto report = (*j)->verify();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->states_derived, 0u);
  }
  // The default verify re-derives the state and names the snapshot.
  JournalOptions ro;
  ro.read_only = true;
  {
    auto j = Journal::open(path, ro);
    ASSERT_TRUE(j.ok());
    auto report = (*j)->verify();
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss) << report.status();
    EXPECT_THAT(report.status().message(), HasSubstr(absl::StrCat("snapshot at seq ", head, ":")));
  }
  // An open that checks its snapshot (jiceng replay) refuses the same way.
  JournalOptions checked = ro;
  checked.verify_snapshot = true;
  {
    auto d = open_engine(path, checked);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), absl::StatusCode::kDataLoss) << d.status();
    EXPECT_THAT(d.status().message(), HasSubstr(absl::StrCat("snapshot at seq ", head, ":")));
  }
  // A plain open trusts the snapshot (documented): the forgery shows. Replaying from
  // seq 1 does not use it and has the real petitioner.
  {
    auto d = open_engine(path, ro);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(petitioner_of((*d)->engine(), "R7"), "R9");
  }
  JournalOptions from_start = ro;
  from_start.use_snapshots = false;
  {
    auto d = open_engine(path, from_start);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(petitioner_of((*d)->engine(), "R7"), "R7");
  }
}

TEST(SnapshotIntegrity, AnOlderForgedSnapshotIsFoundToo) {
  TempDir dir;
  const std::string path = dir.file("older.db");
  const auto [mid, head] = make_journal(path);
  ASSERT_GT(forge_snapshot(path, mid, "R7", "R9"), 0);
  JournalOptions ro;
  ro.read_only = true;
  auto j = Journal::open(path, ro);
  ASSERT_TRUE(j.ok());
  auto report = (*j)->verify();
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(report.status().message(), HasSubstr(absl::StrCat("snapshot at seq ", mid, ":")));
  // A checked open looks at the newest snapshot only, which is genuine.
  JournalOptions checked = ro;
  checked.verify_snapshot = true;
  auto d = open_engine(path, checked);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE((*d)->open_report().snapshot_checked);
  EXPECT_EQ((*d)->open_report().snapshot_seq, head);
  EXPECT_EQ(petitioner_of((*d)->engine(), "R7"), "R7");
}

TEST(SnapshotIntegrity, GenuineSnapshotsMatchTheEventsAtEverySeq) {
  // The live engine's snapshot equals the one its events derive, wherever it is taken
  // (after configuration, mid-loop, after a rolled-back batch), so the check has no false
  // alarms.
  TempDir dir;
  const std::string path = dir.file("genuine.db");
  {
    auto d = open_engine(path);
    ASSERT_TRUE(d.ok());
    Engine& e = (*d)->engine();
    ASSERT_TRUE((*d)->write_snapshot().ok());  // before any org
    ASSERT_TRUE(load_sample(e).ok());
    ASSERT_TRUE((*d)->write_snapshot().ok());
    for (int n = 0; n < 8; ++n) {
      ASSERT_TRUE(lifecycle(e, n, n % 6, kT0 + n * 600).ok());
      EXPECT_FALSE(e.batch([&](Engine& en) -> absl::Status {
                      JICENG_RETURN_IF_ERROR(lifecycle(en, 100 + n, 2, kT0 + n * 600 + 1).status());
                      return absl::AbortedError("rolled back");
                    }).ok());
      ASSERT_TRUE(e.resolve_actor(resident(absl::StrCat("looker-", n))).ok());  // interned, no event
      ASSERT_TRUE((*d)->write_snapshot().ok());
    }
  }
  auto j = Journal::open(path);
  ASSERT_TRUE(j.ok());
  auto report = (*j)->verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->states_derived, report->snapshots);
  EXPECT_EQ(report->snapshots, 10u);
}

}  // namespace
}  // namespace jiceng::test
