// Forging a snapshot as someone who can write the journal file would (issue 17, item 6):
// a string inside the snapshot's state replaced, and everything an editor can recompute
// recomputed — the state digest and the snapshot row's hash (its anchor stays the chain
// hash at its seq, which the forgery does not touch); and a suffix of events rewritten with
// the chain and head recomputed (what the keyed MAC's head catches).
#pragma once

#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "jiceng/journal.hpp"

namespace jiceng::test {

/// Runs `sql` on the journal file behind its back; "" when it ran, else SQLite's message.
inline std::string exec_sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string error;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) error = err != nullptr ? err : "failed";
    sqlite3_free(err);
  } else {
    error = sqlite3_errmsg(db);
  }
  sqlite3_close(db);
  return error;
}

/// A snapshot's state with `from` replaced by `to`, and the digest and row hash an editor
/// recomputes for it (the backends share the row hash's layout).
struct ForgedSnapshot {
  int replaced = 0;    ///< how many times `from` was replaced
  std::string state;   ///< the forged state bytes
  std::string digest;  ///< hex SHA-256 of `state`
  std::string hash;    ///< the row hash, 32 raw bytes
};

/// Forges `state` (of the snapshot at `seq`, written at `time`, anchored to `anchor` — 32
/// raw bytes): every `from` becomes `to` (same length, so the encoding stays valid).
inline ForgedSnapshot forge_state(std::string state, std::uint64_t seq, std::int64_t time,
                                  const std::string& anchor, const std::string& from, const std::string& to) {
  ForgedSnapshot f;
  for (std::size_t at = state.find(from); at != std::string::npos; at = state.find(from, at + to.size())) {
    state.replace(at, from.size(), to);
    ++f.replaced;
  }
  // The row hash: SHA-256("jiceng-snapshot/1" ‖ be64(seq) ‖ be64(time) ‖ anchor ‖ digest hex).
  f.digest = sha256_hex(state);
  std::string row = "jiceng-snapshot/1";
  for (std::uint64_t v : {seq, static_cast<std::uint64_t>(time)})
    for (int i = 7; i >= 0; --i) row += static_cast<char>((v >> (8 * i)) & 0xff);
  row += anchor + f.digest;
  const std::string hex = sha256_hex(row);
  for (std::size_t i = 0; i < 64; i += 2) f.hash += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  f.state = std::move(state);
  return f;
}

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
      const ForgedSnapshot f =
          forge_state(std::string(static_cast<const char*>(sqlite3_column_blob(q, 2)),
                                  static_cast<std::size_t>(sqlite3_column_bytes(q, 2))),
                      seq, time, anchor, from, to);
      const int n = f.replaced;
      const std::string &state = f.state, &digest = f.digest, &hash = f.hash;
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

/// A suffix rewritten by the file's owner: every `from` in the payload of event `seq` becomes
/// `to` (same length), and the chain hash of every row from `seq` to the end and the head
/// row are recomputed; the durable head record beside the file (<path>-head) is removed, as
/// it would name the old hash. The journal must hold no snapshot at or after `seq`. Returns
/// the number of replacements, or -1 when the file cannot be read or written.
inline int rewrite_suffix(const std::string& path, std::uint64_t seq, const std::string& from, const std::string& to) {
  if (from.size() != to.size() || from.empty() || seq == 0) return -1;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return -1;
  }
  struct Ev {
    std::uint64_t seq;
    std::int64_t time;
    std::string type, payload;
  };
  std::vector<Ev> rows;
  ChainHash prev{};
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT seq, time, type, payload, hash FROM events WHERE seq >= ? ORDER BY seq", -1, &q,
                     nullptr);
  sqlite3_bind_int64(q, 1, static_cast<sqlite3_int64>(seq - 1));
  while (sqlite3_step(q) == SQLITE_ROW) {
    const auto at = static_cast<std::uint64_t>(sqlite3_column_int64(q, 0));
    if (at == seq - 1) {
      if (sqlite3_column_bytes(q, 4) == 32) std::memcpy(prev.data(), sqlite3_column_blob(q, 4), 32);
      continue;
    }
    rows.push_back({at, sqlite3_column_int64(q, 1), reinterpret_cast<const char*>(sqlite3_column_text(q, 2)),
                    std::string(static_cast<const char*>(sqlite3_column_blob(q, 3)),
                                static_cast<std::size_t>(sqlite3_column_bytes(q, 3)))});
  }
  sqlite3_finalize(q);
  int replaced = 0;
  bool ok = !rows.empty() && rows.front().seq == seq && sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_stmt* u = nullptr;
  ok = ok && sqlite3_prepare_v2(db, "UPDATE events SET payload = ?, hash = ? WHERE seq = ?", -1, &u, nullptr) == SQLITE_OK;
  for (Ev& r : rows) {
    if (!ok) break;
    if (r.seq == seq) {
      for (std::size_t at = r.payload.find(from); at != std::string::npos; at = r.payload.find(from, at + to.size())) {
        r.payload.replace(at, from.size(), to);
        ++replaced;
      }
    }
    prev = chain_hash(prev, r.seq, r.time, r.type, r.payload);
    sqlite3_bind_blob(u, 1, r.payload.data(), static_cast<int>(r.payload.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(u, 2, prev.data(), 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(u, 3, static_cast<sqlite3_int64>(r.seq));
    ok = sqlite3_step(u) == SQLITE_DONE;
    sqlite3_reset(u);
  }
  sqlite3_finalize(u);
  sqlite3_stmt* h = nullptr;
  ok = ok && sqlite3_prepare_v2(db, "UPDATE head SET hash = ? WHERE id = 1", -1, &h, nullptr) == SQLITE_OK;
  if (ok) {
    sqlite3_bind_blob(h, 1, prev.data(), 32, SQLITE_TRANSIENT);
    ok = sqlite3_step(h) == SQLITE_DONE;
  }
  sqlite3_finalize(h);
  ok = ok && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  ::unlink((path + "-head").c_str());
  return ok ? replaced : -1;
}

}  // namespace jiceng::test
