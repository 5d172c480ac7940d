// The fleet's MQTT broker: Mosquitto (Debian's), configured from the workspace. Every device
// logs in with its own name and credential (devices.hpp) and may only publish on its own
// uplink and read its own downlink; the server's account reads and writes every device's
// topics. Nothing listens beyond the host and port given.
//
//   tinyops/devices/NAME/up/...    device -> server (heartbeats, reports, rejections)
//   tinyops/devices/NAME/down/...  server -> device (manifests, image chunks)
#pragma once

#include <filesystem>
#include <string>

#include "tinyops/store/workspace.hpp"

namespace tinyops::fleet {

constexpr const char* kServerAccount = "tinyops-server";

std::string device_uplink(const std::string& device);    // "tinyops/devices/NAME/up"
std::string device_downlink(const std::string& device);  // "tinyops/devices/NAME/down"

// The server account's password: .tinyops/keys/mqtt-server.secret (mode 0600), made on
// first use.
std::string server_password(const store::Workspace& ws);

struct BrokerConfig {
  std::filesystem::path config, passwords, acl;
};

// The broker's executable: on $PATH, else Debian's /usr/sbin/mosquitto (not on an ordinary
// user's PATH). InputError naming the package when neither exists.
std::filesystem::path mosquitto_program();

// Writes mosquitto.conf, its password file and its ACL into `dir` (created), for a
// listener on host:port. Run it with `mosquitto -c CONFIG`.
BrokerConfig write_broker_config(store::Workspace& ws, const std::filesystem::path& dir,
                                 const std::string& host, int port);

}  // namespace tinyops::fleet
