// The crash-test child: appends to a journal in an endless loop (single records and
// batches) and writes every acknowledged seq to stdout as 8 raw bytes, until the parent
// test SIGKILLs it. The parent then checks that nothing acknowledged was lost and that
// no batch was half written.
//
//   jiceng_journal_crash_child raw PATH SEED
//   jiceng_journal_crash_child engine PATH SEED
//   jiceng_journal_crash_child policy PATH SEED     (engine, snapshots by the policy only)
//   jiceng_journal_crash_child fixture PATH COUNT   (for the CLI checks: COUNT petitions)
//   jiceng_journal_crash_child tamper PATH SEQ      (edits the payload of SEQ in place)
//   jiceng_journal_crash_child forge PATH 0         (snapshots, then rewrites petitioner R7
//                                                    as R9 inside it, digest and row hash recomputed)
// fixture and forge open the journal keyed when JICENG_TEST_KEY_FILE names a key file.
//
// raw: Journal records whose payloads say which batch they belong to ("first_seq count
// index filler"), so the parent can check every batch is whole.
// engine: Engine commands through a DurableEngine — single submits, and batches of
// submits + accepts whose idempotency keys are "b:<batch>:<i>/<n>"; now and then a
// snapshot. The acknowledged seq is the engine's last seq after the command returned.
// policy: the same commands, with snapshots written by the snapshot policy (every
// kPolicyEvery events) instead of by command; before a command that makes one due it
// writes kSnapshotDue, so the parent knows a kill landed in such a command.
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "jiceng/journal.hpp"
#include "journal/forge.hpp"
#include "journal/scenario.hpp"

namespace {

bool write_all(int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

int run_raw(const std::string& path, std::uint32_t seed) {
  auto journal = jiceng::Journal::open(path, {});
  if (!journal.ok()) {
    std::fprintf(stderr, "crash child: %s\n", journal.status().ToString().c_str());
    return 3;
  }
  std::mt19937 rng(seed);
  std::vector<jiceng::JournalRecord> batch;
  for (;;) {
    const std::size_t n = rng() % 2 == 0 ? 1 : 2 + rng() % 200;
    const std::uint64_t first = (*journal)->last_seq() + 1;
    batch.clear();
    for (std::size_t i = 0; i < n; ++i) {
      jiceng::JournalRecord r;
      r.time = 1700000000 + static_cast<std::int64_t>(first + i);
      r.type = n == 1 ? "crash.single" : "crash.batch";
      r.payload = absl::StrCat(first, " ", n, " ", i, " ", std::string(rng() % 300, 'x'));
      batch.push_back(std::move(r));
    }
    auto res = (*journal)->append(batch);
    if (!res.ok()) {
      std::fprintf(stderr, "crash child: %s\n", res.status().ToString().c_str());
      return 4;
    }
    if (res->first_seq != first || res->last_seq != first + n - 1) return 5;
    const std::uint64_t acked = res->last_seq;
    if (!write_all(1, &acked, sizeof acked)) return 6;
  }
}

constexpr std::uint64_t kPolicyEvery = 40;
constexpr std::uint64_t kSnapshotDue = ~std::uint64_t{0};

int run_engine(const std::string& path, std::uint32_t seed, bool policy) {
  jiceng::JournalOptions options;
  if (policy) options.snapshots = jiceng::SnapshotPolicy{kPolicyEvery, absl::ZeroDuration()};
  auto opened = jiceng::open_engine(path, options);
  if (!opened.ok()) {
    std::fprintf(stderr, "crash child: %s\n", opened.status().ToString().c_str());
    return 3;
  }
  jiceng::DurableEngine& d = **opened;
  jiceng::Engine& e = d.engine();
  auto ack = [&]() { const std::uint64_t s = e.last_seq(); return write_all(1, &s, sizeof s); };
  if (e.unit_count() == 0) {
    absl::Status st = jiceng::test::load_sample(e);
    if (!st.ok()) {
      std::fprintf(stderr, "crash child: load_org: %s\n", st.ToString().c_str());
      return 4;
    }
    if (!ack()) return 6;
  }
  std::mt19937 rng(seed);
  const jiceng::Timestamp t = jiceng::test::kT0;
  // Where the policy counts from: the snapshot open started from (one process, one thread,
  // so a due snapshot stands for the seq of the command that made it due).
  std::uint64_t base = d.open_report().snapshot_seq.value_or(0);
  for (std::uint64_t counter = 0;; ++counter) {
    const int n = static_cast<int>(e.last_seq() % 100000);
    const std::uint32_t pick = policy ? rng() % 19 : rng() % 20;
    const int size = 2 + static_cast<int>(rng() % 12);
    if (policy) {
      const std::uint64_t after = e.last_seq() + (pick < 9 ? 1 : 2 * static_cast<std::uint64_t>(size));
      if (after - base >= kPolicyEvery) {
        if (!write_all(1, &kSnapshotDue, sizeof kSnapshotDue)) return 6;
        base = after;
      }
    }
    absl::Status st;
    if (pick < 9) {
      const std::string who = absl::StrCat("S", n % 97);
      st = e.submit(jiceng::test::resident(who),
                    jiceng::test::submission(who, absl::StrCat("s:", seed, "-", counter), n), t + n)
               .status();
    } else if (pick < 19) {
      st = e.batch([&](jiceng::Engine& en) -> absl::Status {
        for (int i = 0; i < size; ++i) {
          const std::string who = absl::StrCat("B", (n + i) % 89);
          const std::string key = absl::StrCat("b:", seed, "-", counter, ":", i, "/", size);
          JICENG_ASSIGN_OR_RETURN(jiceng::PetitionId id,
                                  en.submit(jiceng::test::resident(who),
                                            jiceng::test::submission(who, key, n + i), t + n));
          JICENG_RETURN_IF_ERROR(en.accept(jiceng::test::officer(), id, t + n + 1));
        }
        return absl::OkStatus();
      });
    } else {
      st = d.write_snapshot().status();
    }
    if (!st.ok()) {
      std::fprintf(stderr, "crash child: %s\n", st.ToString().c_str());
      return 4;
    }
    if (pick < 19 && !ack()) return 6;
  }
}

// The options of fixture and forge: keyed by the file JICENG_TEST_KEY_FILE names, if any.
jiceng::JournalOptions fixture_options() {
  jiceng::JournalOptions o;
  if (const char* key_file = std::getenv("JICENG_TEST_KEY_FILE")) {
    std::ifstream in(key_file, std::ios::binary);
    o.mac_key.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return o;
}

// A journal for the CLI checks: the sample district and COUNT petitions along the loop.
int run_fixture(const std::string& path, int count) {
  auto opened = jiceng::open_engine(path, fixture_options());
  if (!opened.ok()) {
    std::fprintf(stderr, "fixture: %s\n", opened.status().ToString().c_str());
    return 3;
  }
  jiceng::Engine& e = (*opened)->engine();
  absl::Status st = jiceng::test::load_sample(e);
  for (int n = 0; st.ok() && n < count; ++n) {
    st = jiceng::test::lifecycle(e, n, n % 6, jiceng::test::kT0 + n * 600).status();
  }
  if (!st.ok()) {
    std::fprintf(stderr, "fixture: %s\n", st.ToString().c_str());
    return 4;
  }
  std::printf("fixture: %llu events, state digest %s\n",
              static_cast<unsigned long long>(e.last_seq()), (*opened)->state_digest().c_str());
  return 0;
}

// Edits one event's payload behind the journal's back (as an attacker or a bad disk would).
int run_tamper(const std::string& path, long long seq) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) return 3;
  const std::string sql = absl::StrCat("UPDATE events SET payload = payload || x'00' WHERE seq = ", seq);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  const int changed = sqlite3_changes(db);
  sqlite3_close(db);
  return rc == SQLITE_OK && changed == 1 ? 0 : 4;
}

// Writes a snapshot at the head, then forges it (forge.hpp): R7's petition becomes R9's.
int run_forge(const std::string& path) {
  std::uint64_t seq = 0;
  {
    auto opened = jiceng::open_engine(path, fixture_options());
    if (!opened.ok()) return 3;
    auto info = (*opened)->write_snapshot();
    if (!info.ok()) return 4;
    seq = info->seq;
  }
  const int n = jiceng::test::forge_snapshot(path, seq, "R7", "R9");
  std::printf("forged snapshot at seq %llu (%d replacements)\n", static_cast<unsigned long long>(seq), n);
  return n > 0 ? 0 : 5;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s raw|engine PATH SEED\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const std::uint32_t seed = static_cast<std::uint32_t>(std::strtoul(argv[3], nullptr, 10));
  if (mode == "raw") return run_raw(argv[2], seed);
  if (mode == "engine") return run_engine(argv[2], seed, false);
  if (mode == "policy") return run_engine(argv[2], seed, true);
  if (mode == "fixture") return run_fixture(argv[2], static_cast<int>(seed));
  if (mode == "tamper") return run_tamper(argv[2], static_cast<long long>(seed));
  if (mode == "forge") return run_forge(argv[2]);
  std::fprintf(stderr, "crash child: unknown mode %s\n", mode.c_str());
  return 2;
}
