// The crash-test child: appends to a journal in an endless loop (single records and
// batches) and writes every acknowledged seq to stdout as 8 raw bytes, until the parent
// test SIGKILLs it. The parent then checks that nothing acknowledged was lost and that
// no batch was half written.
//
//   jiceng_journal_crash_child raw PATH SEED
//
// Record payloads say which batch they belong to: "first_seq count index filler", so the
// parent can check every batch is whole.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "jiceng/journal.hpp"

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

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s raw|engine PATH SEED\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const std::uint32_t seed = static_cast<std::uint32_t>(std::strtoul(argv[3], nullptr, 10));
  if (mode == "raw") return run_raw(argv[2], seed);
  std::fprintf(stderr, "crash child: unknown mode %s\n", mode.c_str());
  return 2;
}
