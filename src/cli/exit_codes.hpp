// The `jiceng` command's exit codes (退出码), one scheme for every subcommand, so that a
// script or an audit job can tell a typo from a finding and a finding from tampering:
//
//   0  ok
//   1  the command ran and its check found problems (a failed policy test, an error
//      finding, an org coverage error, stale generated docs)
//   2  usage or input error: unknown subcommand or option, bad option value, a file that
//      is missing, unreadable, malformed or not of the expected kind, an output that
//      cannot be written
//   3  integrity failure: a journal whose hash chain or snapshots do not verify
//      (tampering or corruption)
//
// docs/cli.md documents the scheme; tests/cli/exit_codes.cmake checks it for every command.
#pragma once

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace jiceng::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitIntegrity = 3;

/// The exit code for a failed library call: DATA_LOSS (a hash chain or snapshot that does
/// not verify) is an integrity failure; anything else means the input could not be used.
inline int exit_code_for(const absl::Status& status) {
  if (status.ok()) return kExitOk;
  return status.code() == absl::StatusCode::kDataLoss ? kExitIntegrity : kExitUsage;
}

/// Checks, before SQLite sees it, that `path` names an existing file that is an SQLite
/// database (or is empty), so that a typo or a foreign file is an input error with a plain
/// message, never a low-level database error or an integrity failure. PostgreSQL URIs
/// pass through unchecked.
inline absl::Status check_journal_file(const std::string& path) {
  if (path.starts_with("postgres://") || path.starts_with("postgresql://")) return absl::OkStatus();
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) return absl::NotFoundError("journal " + path + ": no such file");
  if (std::filesystem::is_directory(st)) return absl::InvalidArgumentError(path + ": a folder, not a jiceng journal");
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(path + ": cannot be read");
  char head[16] = {};
  in.read(head, sizeof head);
  const auto got = in.gcount();
  if (got == 0) return absl::OkStatus();  // an empty file: the journal says it is empty
  static constexpr char kMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f', 'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
  if (got < 16 || !std::equal(head, head + 16, kMagic)) {
    return absl::InvalidArgumentError(path + ": not a jiceng journal (not an SQLite database)");
  }
  return absl::OkStatus();
}

}  // namespace jiceng::cli
