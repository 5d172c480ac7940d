#include "tinyops/fleet/sim_fleet.hpp"

#include "tinyops/fleet/broker.hpp"

namespace tinyops::fleet {

struct SimFleet::Member {
  std::string name;
  std::unique_ptr<SimFlash> flash;
  std::unique_ptr<SimDevice> device;
  std::unique_ptr<MqttClient> client;
  std::chrono::steady_clock::time_point next_heartbeat{};
  int boots_reported = 0;

  void report(std::chrono::seconds heartbeat) {
    client->publish(device_uplink(name), device->report_frame());
    boots_reported = device->boots();
    next_heartbeat = std::chrono::steady_clock::now() + heartbeat;
  }
};

SimFleet::SimFleet(const SimFleetOptions& options) : options_(options) {
  SimDeviceOptions device_options;
  device_options.class_id = options_.board;
  device_options.trusted_key = options_.trusted_key;
  device_options.layout = options_.layout;
  device_options.model = options_.model;
  if (!options_.flash_dir.empty()) std::filesystem::create_directories(options_.flash_dir);
  for (const SimFleetDevice& d : options_.devices) {
    auto m = std::make_unique<Member>();
    m->name = d.name;
    m->flash = std::make_unique<SimFlash>(
        options_.flash_dir.empty() ? std::filesystem::path() : options_.flash_dir / (d.name + ".flash"),
        options_.layout.flash_size(), options_.layout.page_size);
    m->device = std::make_unique<SimDevice>(device_options, *m->flash);
    m->device->boot();
    Member* raw = m.get();
    const std::chrono::seconds heartbeat = options_.heartbeat;
    m->client = std::make_unique<MqttClient>(
        d.name, d.secret,
        [raw, heartbeat](const std::string&, std::span<const uint8_t> payload) {
          const std::vector<uint8_t> replies = raw->device->receive(payload);
          if (!replies.empty()) raw->client->publish(device_uplink(raw->name), replies);
          if (raw->device->boots() != raw->boots_reported) raw->report(heartbeat);  // rebooted
        },
        [raw, heartbeat] { raw->report(heartbeat); });
    m->client->subscribe(device_downlink(d.name));
    members_.push_back(std::move(m));
  }
}

SimFleet::~SimFleet() = default;

void SimFleet::run(const std::atomic<bool>& stop) {
  std::vector<MqttClient*> clients;
  for (auto& m : members_) {
    m->client->connect(options_.host, options_.port);
    clients.push_back(m->client.get());
  }
  while (!stop.load()) {
    pump(clients, std::chrono::milliseconds(20));
    const auto now = std::chrono::steady_clock::now();
    for (auto& m : members_)
      if (m->client->connected() && now >= m->next_heartbeat) m->report(options_.heartbeat);
  }
}

size_t SimFleet::connected() const {
  size_t n = 0;
  for (const auto& m : members_) n += m->client->connected() ? 1 : 0;
  return n;
}

std::vector<std::pair<std::string, int>> SimFleet::boots() const {
  std::vector<std::pair<std::string, int>> out;
  for (const auto& m : members_) out.emplace_back(m->name, m->device->boots());
  return out;
}

uint64_t SimFleet::messages() const {
  uint64_t n = 0;
  for (const auto& m : members_) n += m->client->sent() + m->client->received();
  return n;
}

}  // namespace tinyops::fleet
