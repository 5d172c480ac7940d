#include "tinyops/fleet/broker.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string_view>

#include "tinyops/core/error.hpp"
#include "tinyops/fleet/devices.hpp"
#include "tinyops/fleet/keys.hpp"

namespace tinyops::fleet {
namespace fs = std::filesystem;
namespace {

// A file only its owner may read, written whole.
void write_private(const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  require(fd >= 0, path.string() + ": cannot write");
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fchmod(fd, 0600) == 0;
  ::close(fd);
  require(ok, path.string() + ": cannot write");
}

// Started as root, Mosquitto drops to the `mosquitto` user and then cannot read the
// private password file; naming the current user keeps it as whoever started it.
std::string current_user() {
  const passwd* pw = ::getpwuid(::geteuid());
  require(pw != nullptr, "cannot find the name of the current user");
  return pw->pw_name;
}

}  // namespace

fs::path mosquitto_program() {
  if (const char* path = std::getenv("PATH"))
    for (std::string_view rest = path; !rest.empty();) {
      const size_t colon = std::min(rest.find(':'), rest.size());
      const fs::path candidate = fs::path(std::string(rest.substr(0, colon))) / "mosquitto";
      if (!rest.substr(0, colon).empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
      rest.remove_prefix(std::min(colon + 1, rest.size()));
    }
  const fs::path debian = "/usr/sbin/mosquitto";
  require(::access(debian.c_str(), X_OK) == 0,
          "the MQTT broker 'mosquitto' is not installed: run scripts/setup.sh (apt-get install mosquitto)");
  return debian;
}

std::string device_uplink(const std::string& device) { return "tinyops/devices/" + device + "/up"; }
std::string device_downlink(const std::string& device) { return "tinyops/devices/" + device + "/down"; }

std::string server_password(const store::Workspace& ws) {
  const fs::path dir = ws.dir() / "keys", file = dir / "mqtt-server.secret";
  if (std::ifstream in(file); in) {
    std::string secret;
    std::getline(in, secret);
    require(secret.size() == 64, file.string() + ": damaged; remove it to make a new one");
    return secret;
  }
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  fs::create_directories(dir);
  ::chmod(dir.c_str(), 0700);
  std::array<uint8_t, 32> random{};
  randombytes_buf(random.data(), random.size());
  const std::string secret = hex(random);
  write_private(file, secret + "\n");
  return secret;
}

BrokerConfig write_broker_config(store::Workspace& ws, const fs::path& dir, const std::string& host,
                                 int port) {
  require(port > 0 && port < 65536, "broker port " + std::to_string(port) + ": use 1 to 65535");
  fs::create_directories(dir);
  BrokerConfig c{dir / "mosquitto.conf", dir / "passwords", dir / "acl"};
  std::string passwords = std::string(kServerAccount) + ":" + password_hash(server_password(ws)) + "\n";
  for (const auto& [name, hash] : device_password_hashes(ws)) passwords += name + ":" + hash + "\n";
  write_private(c.passwords, passwords);
  write_private(c.acl,
                "# the server: every device's topics\n"
                "user " + std::string(kServerAccount) + "\n"
                "topic readwrite tinyops/devices/#\n\n"
                "# each device (its MQTT user name is its device name): its own topics only\n"
                "pattern write tinyops/devices/%u/up/#\n"
                "pattern read tinyops/devices/%u/down/#\n");
  write_private(c.config, "listener " + std::to_string(port) + " " + host +
                              "\n"
                              "user " + current_user() + "\n"
                              "allow_anonymous false\n"
                              "password_file " + c.passwords.string() + "\n"
                              "acl_file " + c.acl.string() + "\n"
                              "persistence false\n"
                              "set_tcp_nodelay true\n"
                              "# the server's one connection carries every device's traffic\n"
                              "max_queued_messages 200000\n"
                              "log_dest stderr\n"
                              "log_type error\n"
                              "log_type warning\n");
  return c;
}

}  // namespace tinyops::fleet
