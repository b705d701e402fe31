// Helpers shared by the journal tests: a temporary directory that removes itself, and
// running a child process that reports acknowledged seqs over a pipe until SIGKILL.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "jiceng/journal.hpp"

namespace jiceng::test {

/// A fresh directory under /tmp, removed with its contents at scope exit.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("jiceng-journal-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct ChildRun {
  std::vector<std::uint64_t> acked;  ///< seqs the child reported, in order
  bool killed = false;               ///< ended by our SIGKILL (not by itself)
  int status = 0;                    ///< raw waitpid status
  std::string error;                 ///< what the child wrote to stderr
};

/// Runs argv[0] with argv; its stdout (8-byte seqs) and stderr are captured. After
/// `kill_after_ms` it gets SIGKILL, at whatever instruction it is executing. With
/// `from_first_ack` the delay counts from the child's first acknowledgement (so slow
/// start-ups, e.g. under a sanitizer, still leave it time to append), waiting at most
/// 30 s for it.
inline ChildRun run_child_and_kill(const std::vector<std::string>& argv, int kill_after_ms,
                                   bool from_first_ack = false) {
  ChildRun out;
  int outp[2], errp[2];
  if (::pipe(outp) != 0 || ::pipe(errp) != 0) return out;
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(outp[1], 1);
    ::dup2(errp[1], 2);
    ::close(outp[0]);
    ::close(errp[0]);
    ::close(outp[1]);
    ::close(errp[1]);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(outp[1]);
  ::close(errp[1]);
  std::string bytes;
  auto drain = [&](int timeout_ms) {
    pollfd fds[2] = {{outp[0], POLLIN, 0}, {errp[0], POLLIN, 0}};
    if (::poll(fds, 2, timeout_ms) <= 0) return false;
    char buf[4096];
    bool any = false;
    if (fds[0].revents != 0) {
      const ssize_t n = ::read(outp[0], buf, sizeof buf);
      if (n > 0) bytes.append(buf, static_cast<std::size_t>(n)), any = true;
    }
    if (fds[1].revents != 0) {
      const ssize_t n = ::read(errp[0], buf, sizeof buf);
      if (n > 0) out.error.append(buf, static_cast<std::size_t>(n)), any = true;
    }
    return any;
  };
  const auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::milliseconds(kill_after_ms);
  bool counting = !from_first_ack;
  for (;;) {
    if (!counting) {
      if (bytes.size() >= 8) {
        counting = true;
        deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kill_after_ms);
      } else if (std::chrono::steady_clock::now() - start < std::chrono::seconds(30)) {
        deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) break;
    if (!drain(static_cast<int>(left))) {
      // Nothing readable: either the wait timed out or the child closed its pipes.
      int st = 0;
      if (::waitpid(pid, &st, WNOHANG) == pid) {
        out.status = st;
        while (drain(0)) {
        }
        ::close(outp[0]);
        ::close(errp[0]);
        for (std::size_t i = 0; i + 8 <= bytes.size(); i += 8) {
          std::uint64_t v;
          std::memcpy(&v, bytes.data() + i, 8);
          out.acked.push_back(v);
        }
        return out;
      }
    }
  }
  ::kill(pid, SIGKILL);
  int st = 0;
  ::waitpid(pid, &st, 0);
  out.status = st;
  out.killed = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
  while (drain(0)) {
  }
  ::close(outp[0]);
  ::close(errp[0]);
  // Whole 8-byte values only; a torn last write was never acknowledged to anyone.
  for (std::size_t i = 0; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t v;
    std::memcpy(&v, bytes.data() + i, 8);
    out.acked.push_back(v);
  }
  return out;
}

/// `n` records of the three petition types whose payloads carry `tag`, their index and NULs
/// (a payload is bytes, not text).
inline std::vector<JournalRecord> make_records(std::size_t n, std::uint64_t tag) {
  std::vector<JournalRecord> out;
  for (std::size_t i = 0; i < n; ++i) {
    JournalRecord r;
    r.time = 1700000000 + static_cast<Timestamp>(tag * 1000 + i);
    r.type = i % 3 == 0 ? "submit" : (i % 3 == 1 ? "accept" : "dispatch");
    r.payload = absl::StrCat("payload-", tag, "-", i, std::string(i % 17, '\0'), "end");
    out.push_back(std::move(r));
  }
  return out;
}

/// A stored record, owned.
struct Row {
  std::uint64_t seq;
  Timestamp time;
  std::string type, payload;
  ChainHash hash;
};

/// Every record after `after`, read through replay (which must succeed).
inline std::vector<Row> read_all(const Journal& j, std::uint64_t after = 0) {
  std::vector<Row> rows;
  absl::Status st = j.replay(after, [&](const StoredRecord& r) {
    rows.push_back({r.seq, r.time, std::string(r.type), std::string(r.payload), r.hash});
    return absl::OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st;
  return rows;
}

}  // namespace jiceng::test
