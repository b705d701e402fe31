// The other process of the PostgreSQL journal tests (pg_journal_test.cpp):
//   pg_child race URI reject|withdraw N START GOFILE — waits for GOFILE, then runs the command on
//     petitions 1..N through DurableEngine::run; prints "ack <type> <petition> <seq>",
//     "refused <petition> <state>", "conflicts <n>", and after tailing to the end
//     "digest <hex>".
//   pg_child append URI — appends batches until killed; prints "ack <seq> <hash hex>".
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "jiceng/engine.hpp"
#include "jiceng/journal.hpp"
#include "journal/scenario.hpp"

using namespace jiceng;

namespace {

int race(const std::string& uri, const std::string& cmd, int n, std::uint64_t start, const std::string& go) {
  auto d = open_engine(uri);
  if (!d.ok()) {
    std::printf("error open %s\n", std::string(d.status().message()).c_str());
    return 1;
  }
  for (int i = 0; i < 3000 && !std::filesystem::exists(go); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  int conflicts = 0;
  for (PetitionId id = 1; id <= static_cast<PetitionId>(n); ++id) {
    int calls = 0;
    absl::Status st = (*d)->run(
        [&](Engine& e) {
          ++calls;
          // Both end the petition (rejected and withdrawn are final): only one can.
          return cmd == "reject" ? e.reject(test::officer(), id, "不属于受理范围", test::kT0 + 3600)
                                 : e.withdraw(test::resident(absl::StrCat("R", (id - 1) % 50)), id, "已自行解决",
                                              test::kT0 + 3600);
        },
        20);
    conflicts += calls - 1;
    if (st.ok()) {
      std::printf("ack %s %llu %llu\n", cmd.c_str(), static_cast<unsigned long long>(id),
                  static_cast<unsigned long long>((*d)->engine().last_seq()));
    } else if (st.code() == absl::StatusCode::kFailedPrecondition) {
      auto s = (*d)->engine().state(id);
      std::printf("refused %llu %s\n", static_cast<unsigned long long>(id),
                  s.ok() ? std::string(to_string(*s)).c_str() : "?");
    } else {
      std::printf("error %llu %s\n", static_cast<unsigned long long>(id), std::string(st.message()).c_str());
      return 1;
    }
    std::fflush(stdout);
  }
  std::printf("conflicts %d\n", conflicts);
  // Each petition is ended once, by one of the two: the chain ends at start + n (start:
  // the chain's seq before either began).
  absl::Status st = (*d)->await_seq(start + static_cast<std::uint64_t>(n), absl::Seconds(60));
  if (!st.ok()) {
    std::printf("error await %s\n", std::string(st.message()).c_str());
    return 1;
  }
  std::printf("digest %s\n", (*d)->state_digest().c_str());
  return 0;
}

int append(const std::string& uri) {
  std::mt19937 rng(static_cast<unsigned>(::getpid()));
  std::unique_ptr<Journal> j;
  for (std::uint64_t k = 0;; ++k) {
    if (j == nullptr) {
      auto o = Journal::open(uri);
      if (!o.ok()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      j = std::move(*o);
    }
    std::vector<JournalRecord> recs(1 + rng() % 5);
    for (std::size_t i = 0; i < recs.size(); ++i) {
      recs[i] = {1700000000 + static_cast<Timestamp>(k), "submit", absl::StrCat("kill-round-", ::getpid(), "-", k, "-", i)};
    }
    auto r = j->append(recs);
    if (r.ok()) {
      std::printf("ack %llu %s\n", static_cast<unsigned long long>(r->last_seq), to_hex(j->head()).c_str());
      std::fflush(stdout);
    } else {
      // A conflict (the killed predecessor's last commit landed late) or an outcome this
      // handle could not learn: start again from what the database holds.
      j.reset();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "race" && argc == 7) return race(argv[2], argv[3], std::stoi(argv[4]), std::stoull(argv[5]), argv[6]);
  if (mode == "append" && argc == 3) return append(argv[2]);
  std::fprintf(stderr, "usage: pg_child race URI reject|withdraw N START GOFILE | append URI\n");
  return 2;
}
