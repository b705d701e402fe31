// HMAC-SHA-256 for the journal's keyed MAC (mac.hpp), from OpenSSL libcrypto.
#include "journal/mac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/str_cat.h"
#include "common/strings.hpp"

namespace jiceng::journal_internal {
namespace {

void append_be64(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

ChainHash hmac(std::string_view key, const std::string& message) {
  ChainHash out{};
  unsigned int n = 0;
  // The one-shot HMAC; a null result leaves the MAC zero, which matches no stored MAC.
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out.data(), &n);
  return out;
}

}  // namespace

absl::Status check_mac_key(std::string_view key, std::string_view where) {
  if (key.empty() || (key.size() >= kMinMacKey && key.size() <= kMaxMacKey)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("journal ", internal::av(where), ": the MAC key is ", key.size(),
                                                 " bytes; it must be ", kMinMacKey, "..", kMaxMacKey, " bytes"));
}

ChainHash mac_key_check(std::string_view key) { return hmac(key, "jiceng-key-check/1"); }

ChainHash mac_head(std::string_view key, std::uint64_t seq, const ChainHash& hash) {
  std::string m = "jiceng-head-mac/1";
  append_be64(m, seq);
  m.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  return hmac(key, m);
}

ChainHash mac_snapshot(std::string_view key, std::uint64_t seq, Timestamp time, const ChainHash& anchor,
                       std::string_view digest_hex) {
  std::string m = "jiceng-snapshot-mac/1";
  append_be64(m, seq);
  append_be64(m, static_cast<std::uint64_t>(time));
  m.append(reinterpret_cast<const char*>(anchor.data()), anchor.size());
  m.append(digest_hex.data(), digest_hex.size());
  return hmac(key, m);
}

bool mac_equal(const ChainHash& a, const ChainHash& b) { return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

}  // namespace jiceng::journal_internal
