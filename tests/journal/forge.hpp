// Forging a snapshot as someone who can write the journal file would (issue 17, item 6):
// a string inside the snapshot's state replaced, and everything an editor can recompute
// recomputed — the state digest and the snapshot row's hash (its anchor stays the chain
// hash at its seq, which the forgery does not touch).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "jiceng/journal.hpp"

namespace jiceng::test {

/// Replaces every `from` by `to` (same length, so the encoding stays valid) in the state of
/// the snapshot at `seq` and recomputes its digest and row hash. Returns the number of
/// replacements, or -1 when the file or the row cannot be read or written.
inline int forge_snapshot(const std::string& path, std::uint64_t seq, const std::string& from,
                          const std::string& to) {
  if (from.size() != to.size() || from.empty()) return -1;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return -1;
  }
  int replaced = -1;
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT time, anchor, state FROM snapshots WHERE seq = ?", -1, &q, nullptr) ==
      SQLITE_OK) {
    sqlite3_bind_int64(q, 1, static_cast<sqlite3_int64>(seq));
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_bytes(q, 1) == 32) {
      const std::int64_t time = sqlite3_column_int64(q, 0);
      const std::string anchor(static_cast<const char*>(sqlite3_column_blob(q, 1)), 32);
      std::string state(static_cast<const char*>(sqlite3_column_blob(q, 2)),
                        static_cast<std::size_t>(sqlite3_column_bytes(q, 2)));
      int n = 0;
      for (std::size_t at = state.find(from); at != std::string::npos; at = state.find(from, at + to.size())) {
        state.replace(at, from.size(), to);
        ++n;
      }
      // The row hash: SHA-256("jiceng-snapshot/1" ‖ be64(seq) ‖ be64(time) ‖ anchor ‖ digest hex).
      const std::string digest = sha256_hex(state);
      std::string row = "jiceng-snapshot/1";
      for (std::uint64_t v : {seq, static_cast<std::uint64_t>(time)})
        for (int i = 7; i >= 0; --i) row += static_cast<char>((v >> (8 * i)) & 0xff);
      row += anchor + digest;
      const std::string hex = sha256_hex(row);
      std::string hash;
      for (std::size_t i = 0; i < 64; i += 2) hash += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
      sqlite3_stmt* u = nullptr;
      if (sqlite3_prepare_v2(db, "UPDATE snapshots SET state = ?, digest = ?, hash = ? WHERE seq = ?", -1, &u,
                             nullptr) == SQLITE_OK) {
        sqlite3_bind_blob(u, 1, state.data(), static_cast<int>(state.size()), SQLITE_TRANSIENT);
        sqlite3_bind_text(u, 2, digest.data(), static_cast<int>(digest.size()), SQLITE_TRANSIENT);
        sqlite3_bind_blob(u, 3, hash.data(), 32, SQLITE_TRANSIENT);
        sqlite3_bind_int64(u, 4, static_cast<sqlite3_int64>(seq));
        if (sqlite3_step(u) == SQLITE_DONE && sqlite3_changes(db) == 1) replaced = n;
      }
      sqlite3_finalize(u);
    }
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return replaced;
}

}  // namespace jiceng::test
