// Release signing keys: Ed25519 key pairs made by libsodium. The secret key lives in
// .tinyops/keys/NAME.key (mode 0600) and never in the metadata database, which teams share;
// the public key sits beside it (NAME.pub). A key's id, written into every envelope it
// signs, is the first 8 bytes of the SHA-256 of its public key.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "tinyops/store/workspace.hpp"

namespace tinyops::fleet {

using PublicKey = std::array<uint8_t, 32>;
using Signature = std::array<uint8_t, 64>;
using KeyId = std::array<uint8_t, 8>;

struct SigningKey {
  std::string name;
  PublicKey public_key{};
  KeyId id{};
  std::filesystem::path secret_path;  // .tinyops/keys/NAME.key
};

KeyId key_id_of(const PublicKey& public_key);
std::string hex(std::span<const uint8_t> bytes);

// Refuses (ConflictError) a name already taken; names are 1-64 of [A-Za-z0-9_.-].
SigningKey create_key(const store::Workspace& ws, const std::string& name);
// NotFoundError naming `tinyops key create` when there is no such key.
SigningKey find_key(const store::Workspace& ws, const std::string& name);
std::vector<SigningKey> list_keys(const store::Workspace& ws);

// Signs with the key's secret file (InputError when it is unreadable or malformed).
Signature sign(const SigningKey& key, std::span<const uint8_t> message);
bool verify(const PublicKey& public_key, std::span<const uint8_t> message,
            const Signature& signature);

}  // namespace tinyops::fleet
