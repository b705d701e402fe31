// The journal's optional keyed MAC (docs/journal.md, "Keyed MAC"): HMAC-SHA-256 under a
// key the host holds and the file never sees. The chain and a snapshot's row hash are
// plain SHA-256, which anyone who can write the file can recompute; a MAC over the head
// and over each snapshot cannot be recomputed without the key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "jiceng/journal.hpp"

namespace jiceng::journal_internal {

/// The MAC scheme a keyed journal records in meta('mac').
inline constexpr std::string_view kMacScheme = "hmac-sha256/1";
/// Bounds on the key's length in bytes (a shorter key is too easy to guess; HMAC hashes a
/// longer one down anyway).
inline constexpr std::size_t kMinMacKey = 16;
inline constexpr std::size_t kMaxMacKey = 1024;

/// INVALID_ARGUMENT naming `where` unless `key` is empty (no key) or kMinMacKey..kMaxMacKey
/// bytes long. The message gives the length only, never the key.
absl::Status check_mac_key(std::string_view key, std::string_view where);

/// HMAC(key, "jiceng-key-check/1"): stored in meta('mac_check') so that a wrong key is told
/// apart from a forged MAC. It reveals nothing of the key.
ChainHash mac_key_check(std::string_view key);
/// HMAC(key, "jiceng-head-mac/1" ‖ be64(seq) ‖ hash): the head row's MAC. The chain hash at
/// the head covers every event before it, so this authenticates the whole history.
ChainHash mac_head(std::string_view key, std::uint64_t seq, const ChainHash& hash);
/// HMAC(key, "jiceng-snapshot-mac/1" ‖ be64(seq) ‖ be64(time) ‖ anchor ‖ digest hex): a
/// snapshot's MAC; the digest covers its state bytes.
ChainHash mac_snapshot(std::string_view key, std::uint64_t seq, Timestamp time, const ChainHash& anchor,
                       std::string_view digest_hex);
/// Constant-time equality of two MACs.
bool mac_equal(const ChainHash& a, const ChainHash& b);

}  // namespace jiceng::journal_internal
