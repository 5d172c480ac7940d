#include "tinyops/core/content_id.hpp"

#include <sodium.h>

#include <stdexcept>

namespace tinyops {

std::string sha256_hex(std::span<const uint8_t> bytes) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, bytes.data(), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace tinyops
