#include "tinyops/fleet/keys.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "tinyops/core/error.hpp"

namespace tinyops::fleet {
namespace fs = std::filesystem;
namespace {

fs::path keys_dir(const store::Workspace& ws) { return ws.dir() / "keys"; }

void init_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::vector<uint8_t> unhex(const std::string& text, size_t bytes, const fs::path& where) {
  require(text.size() == 2 * bytes && std::all_of(text.begin(), text.end(), ::isxdigit),
          where.string() + ": expected " + std::to_string(2 * bytes) +
              " hex digits; the key file is damaged (make a new key with `tinyops key create`)");
  std::vector<uint8_t> out(bytes);
  for (size_t i = 0; i < bytes; ++i) out[i] = static_cast<uint8_t>(std::stoi(text.substr(2 * i, 2), nullptr, 16));
  return out;
}

std::string read_line(const fs::path& path) {
  std::ifstream in(path);
  require(in.good(), path.string() + ": cannot read the key file");
  std::string line;
  std::getline(in, line);
  return line;
}

// Writes `text` to a new file with `mode`, refusing one that exists (O_EXCL), so a secret is
// never readable by others even for a moment.
void write_new_file(const fs::path& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0)
    throw InputError(path.string() + ": cannot create the key file: " + std::strerror(errno));
  const ssize_t written = ::write(fd, text.data(), text.size());
  const bool ok = written == static_cast<ssize_t>(text.size()) && ::fchmod(fd, mode) == 0;
  ::close(fd);
  if (!ok) {
    fs::remove(path);
    throw InputError(path.string() + ": cannot write the key file");
  }
}

SigningKey key_from_files(const store::Workspace& ws, const std::string& name) {
  SigningKey key;
  key.name = name;
  key.secret_path = keys_dir(ws) / (name + ".key");
  const fs::path pub = keys_dir(ws) / (name + ".pub");
  const auto bytes = unhex(read_line(pub), 32, pub);
  std::copy(bytes.begin(), bytes.end(), key.public_key.begin());
  key.id = key_id_of(key.public_key);
  return key;
}

}  // namespace

KeyId key_id_of(const PublicKey& public_key) {
  init_sodium();
  std::array<uint8_t, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), public_key.data(), public_key.size());
  KeyId id{};
  std::copy_n(digest.begin(), id.size(), id.begin());
  return id;
}

std::string hex(std::span<const uint8_t> bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

SigningKey create_key(const store::Workspace& ws, const std::string& name) {
  static const std::regex valid(R"([A-Za-z0-9_.-]{1,64})");
  require(std::regex_match(name, valid) && name != "." && name != "..",
          "key name '" + name + "': use 1-64 letters, digits, '_', '.' or '-'");
  init_sodium();
  fs::create_directories(keys_dir(ws));
  ::chmod(keys_dir(ws).c_str(), 0700);
  const fs::path secret = keys_dir(ws) / (name + ".key");
  const fs::path pub = keys_dir(ws) / (name + ".pub");
  if (fs::exists(secret) || fs::exists(pub))
    throw ConflictError("a key named '" + name + "' exists already (" + secret.string() +
                        "); pick another name");
  std::array<uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
  crypto_sign_keypair(pk.data(), sk.data());
  // The 32-byte seed is the whole secret (libsodium's secret key is seed || public key).
  const std::string seed_hex = hex(std::span<const uint8_t>(sk.data(), crypto_sign_SEEDBYTES));
  sodium_memzero(sk.data(), sk.size());
  write_new_file(secret, seed_hex + "\n", 0600);
  write_new_file(pub, hex(pk) + "\n", 0644);
  return key_from_files(ws, name);
}

SigningKey find_key(const store::Workspace& ws, const std::string& name) {
  if (!fs::exists(keys_dir(ws) / (name + ".pub")))
    throw NotFoundError("no signing key named '" + name + "' in " + keys_dir(ws).string() +
                        ": make one with `tinyops key create " + name + "`");
  return key_from_files(ws, name);
}

std::vector<SigningKey> list_keys(const store::Workspace& ws) {
  std::vector<SigningKey> keys;
  if (!fs::is_directory(keys_dir(ws))) return keys;
  for (const auto& entry : fs::directory_iterator(keys_dir(ws)))
    if (entry.path().extension() == ".pub")
      keys.push_back(key_from_files(ws, entry.path().stem().string()));
  std::sort(keys.begin(), keys.end(),
            [](const SigningKey& a, const SigningKey& b) { return a.name < b.name; });
  return keys;
}

Signature sign(const SigningKey& key, std::span<const uint8_t> message) {
  init_sodium();
  std::vector<uint8_t> seed = unhex(read_line(key.secret_path), crypto_sign_SEEDBYTES, key.secret_path);
  std::array<uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
  std::vector<uint8_t> seed_copy = seed;
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed_copy.data());
  sodium_memzero(seed_copy.data(), seed_copy.size());
  sodium_memzero(seed.data(), seed.size());
  require(pk == key.public_key, key.secret_path.string() +
                                    ": the secret key does not match its public key file");
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk.data());
  sodium_memzero(sk.data(), sk.size());
  return sig;
}

bool verify(const PublicKey& public_key, std::span<const uint8_t> message,
            const Signature& signature) {
  init_sodium();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

}  // namespace tinyops::fleet
