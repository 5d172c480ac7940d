// The fleet's devices: enrolled with a board profile and cohort tags, each with its own
// credential (a random secret shown once at enrollment; the database keeps only a salted
// SHA-512 in Mosquitto's password-file form, so the broker's password file comes from the
// database), and what the device last reported: its installed release and health.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tinyops/store/workspace.hpp"

namespace tinyops::fleet {

struct Device {
  std::string name;
  std::string board;
  std::vector<std::string> tags;
  std::string installed_release;  // release artifact id, "" before the first install
  uint64_t installed_sequence = 0;
  std::string last_heartbeat;     // "" before the first
  std::string health = "{}";      // JSON object
  std::string enrolled_at;
};

struct Enrollment {
  Device device;
  std::string secret;  // the device's credential, 64 hex digits: never stored
};

// Names and tags are 1-64 of [A-Za-z0-9_.-]; the board must be a known profile. A name
// already enrolled is a ConflictError.
Enrollment enroll_device(store::Workspace& ws, const std::string& name, const std::string& board,
                         const std::vector<std::string>& tags);
// Every device, or those carrying `tag` ("all" or "" for every device), by name.
std::vector<Device> list_devices(store::Workspace& ws, const std::string& tag = "");
Device find_device(store::Workspace& ws, const std::string& name);
// Every device's (name, password hash) for the broker's password file.
std::vector<std::pair<std::string, std::string>> device_password_hashes(store::Workspace& ws);
// A new salted hash of `secret` in the same form (the server's own broker account).
std::string password_hash(const std::string& secret);
bool device_secret_matches(store::Workspace& ws, const std::string& name, const std::string& secret);

}  // namespace tinyops::fleet
