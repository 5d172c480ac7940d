// A fleet of simulated devices on one machine: each a SimDevice (the real agent and
// bootloader over its own flash) with its own MQTT login, all driven from one thread. A
// device reports when it connects, after every boot and every heartbeat interval.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tinyops/fleet/mqtt_client.hpp"
#include "tinyops/fleet/sim_device.hpp"

namespace tinyops::fleet {

struct SimFleetDevice {
  std::string name, secret;
};

struct SimFleetOptions {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string board;
  PublicKey trusted_key{};
  SimLayout layout;
  std::filesystem::path flash_dir;  // one NAME.flash per device; empty: flash in memory
  std::vector<SimFleetDevice> devices;
  SimModel model;
  std::chrono::seconds heartbeat{30};
};

class SimFleet {
 public:
  explicit SimFleet(const SimFleetOptions& options);
  ~SimFleet();
  // Runs until `stop` is set.
  void run(const std::atomic<bool>& stop);
  size_t connected() const;
  uint64_t messages() const;  // sent and received, all devices
  // Each device's boots so far (one at start, one per install or revert that it took).
  std::vector<std::pair<std::string, int>> boots() const;

 private:
  struct Member;
  SimFleetOptions options_;
  std::vector<std::unique_ptr<Member>> members_;
};

}  // namespace tinyops::fleet
