#include "tinyops/fleet/devices.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <nlohmann/json.hpp>
#include <regex>

#include "tinyops/compiler/board.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/fleet/keys.hpp"

namespace tinyops::fleet {
namespace {

void require_name(const std::string& what, const std::string& value) {
  static const std::regex valid(R"([A-Za-z0-9_.-]{1,64})");
  require(std::regex_match(value, valid),
          what + " '" + value + "': use 1-64 letters, digits, '_', '.' or '-'");
}

// The credential as Mosquitto's password files hold one ("$6$" salt "$" SHA-512(secret ||
// salt), both base64), so the broker's password file is written from the database alone.
std::string base64(std::span<const uint8_t> bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string hash_with_salt(const std::string& secret, std::span<const uint8_t> salt) {
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  crypto_hash_sha512_update(&state, reinterpret_cast<const uint8_t*>(secret.data()), secret.size());
  crypto_hash_sha512_update(&state, salt.data(), salt.size());
  std::array<uint8_t, crypto_hash_sha512_BYTES> digest{};
  crypto_hash_sha512_final(&state, digest.data());
  return "$6$" + base64(salt) + "$" + base64(digest);
}

std::optional<std::vector<uint8_t>> salt_of(const std::string& hash) {
  if (hash.rfind("$6$", 0) != 0) return std::nullopt;
  const size_t end = hash.find('$', 3);
  if (end == std::string::npos) return std::nullopt;
  const std::string text = hash.substr(3, end - 3);
  std::vector<uint8_t> salt(text.size());
  size_t length = 0;
  if (sodium_base642bin(salt.data(), salt.size(), text.data(), text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  salt.resize(length);
  return salt;
}

constexpr const char* kColumns =
    "name, board, tags, installed_release, installed_sequence, last_heartbeat, health, "
    "enrolled_at";

Device device_of(const store::Statement& q) {
  Device d;
  d.name = q.column_text(0);
  d.board = q.column_text(1);
  d.tags = nlohmann::json::parse(q.column_text(2)).get<std::vector<std::string>>();
  d.installed_release = q.column_text(3);
  d.installed_sequence = static_cast<uint64_t>(q.column_int(4));
  d.last_heartbeat = q.column_text(5);
  d.health = q.column_text(6);
  d.enrolled_at = q.column_text(7);
  return d;
}

}  // namespace

Enrollment enroll_device(store::Workspace& ws, const std::string& name, const std::string& board,
                         const std::vector<std::string>& tags) {
  require_name("device name", name);
  for (const std::string& t : tags) require_name("tag", t);
  require(std::find(tags.begin(), tags.end(), "all") == tags.end(),
          "tag 'all': reserved for every device (rollouts use --devices all)");
  const compiler::Board& profile = compiler::find_board(board);
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  std::array<uint8_t, 32> random{};
  randombytes_buf(random.data(), random.size());
  Enrollment e;
  e.secret = hex(random);
  e.device.name = name;
  e.device.board = profile.name;
  e.device.tags = tags;
  e.device.enrolled_at = store::utc_now();
  store::Transaction t(ws.db());
  store::Statement add = ws.db().prepare(
      "INSERT INTO devices (name, board, tags, secret_hash, installed_release, installed_sequence, "
      "last_heartbeat, health, enrolled_at) VALUES (?1, ?2, ?3, ?4, '', 0, '', '{}', ?5) "
      "ON CONFLICT DO NOTHING RETURNING name");
  std::array<uint8_t, 12> salt{};
  randombytes_buf(salt.data(), salt.size());
  add.bind(1, name).bind(2, profile.name).bind(3, nlohmann::json(tags).dump()).bind(4, hash_with_salt(e.secret, salt))
      .bind(5, e.device.enrolled_at);
  if (!add.step())
    throw ConflictError("a device named '" + name + "' is enrolled already (`tinyops fleet show " +
                        name + "`)");
  while (add.step()) {
  }
  t.commit();
  return e;
}

std::vector<std::pair<std::string, std::string>> device_password_hashes(store::Workspace& ws) {
  store::Statement q = ws.db().prepare("SELECT name, secret_hash FROM devices ORDER BY name");
  std::vector<std::pair<std::string, std::string>> out;
  while (q.step()) out.emplace_back(q.column_text(0), q.column_text(1));
  return out;
}

std::string password_hash(const std::string& secret) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  std::array<uint8_t, 12> salt{};
  randombytes_buf(salt.data(), salt.size());
  return hash_with_salt(secret, salt);
}

std::vector<Device> list_devices(store::Workspace& ws, const std::string& tag) {
  store::Statement q = ws.db().prepare(std::string("SELECT ") + kColumns + " FROM devices ORDER BY name");
  std::vector<Device> out;
  while (q.step()) {
    Device d = device_of(q);
    if (tag.empty() || tag == "all" || std::find(d.tags.begin(), d.tags.end(), tag) != d.tags.end())
      out.push_back(std::move(d));
  }
  return out;
}

Device find_device(store::Workspace& ws, const std::string& name) {
  store::Statement q = ws.db().prepare(std::string("SELECT ") + kColumns + " FROM devices WHERE name = ?1");
  q.bind(1, name);
  if (!q.step())
    throw NotFoundError("no device named '" + name + "' (see `tinyops fleet list`; enroll it with "
                        "`tinyops fleet enroll " + name + " --board BOARD`)");
  return device_of(q);
}

bool device_secret_matches(store::Workspace& ws, const std::string& name, const std::string& secret) {
  store::Statement q = ws.db().prepare("SELECT secret_hash FROM devices WHERE name = ?1");
  q.bind(1, name);
  if (!q.step()) return false;
  const std::string stored = q.column_text(0);
  const auto salt = salt_of(stored);
  if (!salt) return false;
  const std::string given = hash_with_salt(secret, *salt);
  return stored.size() == given.size() &&
         sodium_memcmp(stored.data(), given.data(), stored.size()) == 0;
}

}  // namespace tinyops::fleet
