// The server's side of the fleet over MQTT: it steps every running rollout, carries the
// controller's commands to devices (an install is an UpdateSession over the device's
// downlink; a revert one frame) and turns the devices' reports and refusals into
// record_report calls. All state that matters is in the workspace, so a server or broker
// restart resumes where it was: outstanding commands are sent again on every connection.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "tinyops/fleet/mqtt_client.hpp"
#include "tinyops/fleet/rollout.hpp"
#include "tinyops/fleet/update_session.hpp"
#include "tinyops/store/workspace.hpp"

namespace tinyops::fleet {

struct FleetServerOptions {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::chrono::milliseconds tick{200};
  std::chrono::seconds resend_after{5};  // a device silent this long is asked where it is
  bool until_idle = false;  // return once no rollout is running or paused
  std::function<void(const std::string&)> progress;
  std::function<void()> on_tick;  // called every tick (the serve command reloads the broker)
};

struct FleetServerStats {
  uint64_t messages_in = 0, messages_out = 0, bytes_out = 0, installs = 0, refusals = 0;
};

class FleetServer {
 public:
  FleetServer(store::Workspace& ws, FleetServerOptions options);
  ~FleetServer();
  // Serves until `stop` is set (or, with until_idle, no rollout is active).
  void run(const std::atomic<bool>& stop);
  const FleetServerStats& stats() const { return stats_; }

 private:
  struct ReleaseBytes;
  struct Session;
  void dispatch(const Command& c);
  static std::string command_key(const Command& c);
  void on_message(const std::string& topic, std::span<const uint8_t> payload);
  void send(const std::string& device, const std::vector<uint8_t>& frame);
  const ReleaseBytes& release(const std::string& id);
  std::string release_of_sequence(const std::string& board, uint32_t sequence);
  void resend_stalled();
  bool idle();

  store::Workspace& ws_;
  FleetServerOptions options_;
  std::unique_ptr<MqttClient> client_;
  std::map<std::string, std::unique_ptr<ReleaseBytes>> releases_;
  std::map<std::string, std::unique_ptr<Session>> sessions_;  // by device
  std::map<std::string, DeviceReport> last_reports_;
  std::set<std::string> dispatched_;  // commands sent at least once (resends: on reconnection)
  FleetServerStats stats_;
};

}  // namespace tinyops::fleet
