// Internal: the journal's hash-chain arithmetic shared by the SQLite and PostgreSQL
// journals — big-endian integer writes, the process's SHA-256 object, and a hasher that
// reuses one EVP context and one buffer.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "jiceng/journal.hpp"

namespace jiceng::journal_internal {

inline constexpr std::string_view kSnapshotTag = "jiceng-snapshot/1";

// The SHA-256 algorithm object, fetched once per process (EVP_MD_fetch is costly; the
// fetched object is immutable and may be shared by threads).
inline const EVP_MD* sha256_md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

inline void put_be64(std::uint8_t* out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(v & 0xff);
    v >>= 8;
  }
}

inline void put_be32(std::uint8_t* out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(v & 0xff);
    v >>= 8;
  }
}

// One reusable EVP_MD_CTX; not thread-safe (each Journal guards its own with its mutex).
class Hasher {
 public:
  Hasher() : ctx_(EVP_MD_CTX_new()) {}
  ~Hasher() { EVP_MD_CTX_free(ctx_); }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  bool ok() const { return ctx_ != nullptr && sha256_md() != nullptr; }

  ChainHash chain(const ChainHash& prev, std::uint64_t seq, Timestamp time, std::string_view type,
                  std::string_view payload) {
    // prev ‖ be64(seq) ‖ be64(time) ‖ be32(len(type)) ‖ type ‖ payload, copied into one
    // reused buffer and hashed with a single update: per-call EVP overhead is a large
    // part of the cost at ~100-byte rows. A large payload (an org document) gets its own
    // update instead, so the buffer stays small for the Journal's life.
    const std::size_t head = 52 + type.size();
    const bool inline_payload = head + payload.size() <= kInlineBytes;
    const std::size_t n = inline_payload ? head + payload.size() : head;
    if (buf_.size() < n) buf_.resize(n);
    std::uint8_t* b = buf_.data();
    std::memcpy(b, prev.data(), 32);
    put_be64(b + 32, seq);
    put_be64(b + 40, static_cast<std::uint64_t>(time));
    put_be32(b + 48, static_cast<std::uint32_t>(type.size()));
    if (!type.empty()) std::memcpy(b + 52, type.data(), type.size());
    if (inline_payload && !payload.empty()) std::memcpy(b + head, payload.data(), payload.size());
    ChainHash out{};
    EVP_DigestInit_ex(ctx_, sha256_md(), nullptr);
    EVP_DigestUpdate(ctx_, b, n);
    if (!inline_payload) EVP_DigestUpdate(ctx_, payload.data(), payload.size());
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, out.data(), &len);
    return out;
  }

  ChainHash snapshot_row(std::uint64_t seq, Timestamp time, const ChainHash& anchor,
                         std::string_view digest_hex) {
    std::uint8_t buf[16];
    put_be64(buf, seq);
    put_be64(buf + 8, static_cast<std::uint64_t>(time));
    ChainHash out{};
    EVP_DigestInit_ex(ctx_, sha256_md(), nullptr);
    EVP_DigestUpdate(ctx_, kSnapshotTag.data(), kSnapshotTag.size());
    EVP_DigestUpdate(ctx_, buf, sizeof buf);
    EVP_DigestUpdate(ctx_, anchor.data(), anchor.size());
    EVP_DigestUpdate(ctx_, digest_hex.data(), digest_hex.size());
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_, out.data(), &n);
    return out;
  }

 private:
  static constexpr std::size_t kInlineBytes = 4096;  // rows up to this size hash in one update
  EVP_MD_CTX* ctx_;
  std::vector<std::uint8_t> buf_ = std::vector<std::uint8_t>(512);
};

}  // namespace jiceng::journal_internal
