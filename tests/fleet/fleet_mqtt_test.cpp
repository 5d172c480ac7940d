// Rollouts end to end over a private Mosquitto: the server (FleetServer) and a fleet of
// simulated devices (the real agent and bootloader, the release's model compiled for the
// host) in threads, talking only MQTT on loopback.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "../support/free_port.hpp"
#include "../support/temp_dir.hpp"
#include "tinyops/farm/process.hpp"
#include "tinyops/fleet/broker.hpp"
#include "tinyops/fleet/devices.hpp"
#include "tinyops/fleet/fleet_server.hpp"
#include "tinyops/fleet/host_model.hpp"
#include "tinyops/fleet/release.hpp"
#include "tinyops/fleet/sim_fleet.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/store/registry.hpp"

namespace tinyops::fleet {
namespace {

using namespace std::chrono_literals;

struct Fleet {
  test_support::TempDir tmp{"fleet-mqtt"};
  store::Workspace ws = store::Workspace::init(tmp.path() / "ws");
  store::Artifact model;
  std::vector<SimFleetDevice> devices;
  int port = test_support::free_port();
  BrokerConfig broker_config;
  std::unique_ptr<farm::ChildProcess> broker;
  std::unique_ptr<HostModel> host_model;
  uint32_t bad_sequence = 0;  // the device's runtime gets this release's output wrong

  explicit Fleet(int n) {
    const auto bytes = formats::read_file(std::filesystem::path(TINYOPS_SHARED_MODELS) / "tflm_hello_world_int8.tflite");
    model = store::record_artifact(ws, "int8_model", "hello_world", bytes, "{}");
    nlohmann::json meta;
    meta["boards"] = nlohmann::json::array(
        {{{"board", "nano33ble"}, {"passed", true}, {"fits", true}, {"bit_exact", true}}});
    const std::string text = meta.dump();
    store::record_artifact(ws, "farm_report", "hello_world@nano33ble/farm",
                           std::vector<uint8_t>(text.begin(), text.end()), text, {{model.id, "model"}});
    create_key(ws, "default");
    for (int i = 0; i < n; ++i) {
      const Enrollment e = enroll_device(ws, "sim-" + std::to_string(i), "nano33ble", {"sim"});
      devices.push_back({e.device.name, e.secret});
    }
    host_model = std::make_unique<HostModel>(formats::import_tflite(bytes, "hello_world"), tmp.path() / "model");
    broker_config = write_broker_config(ws, tmp.path() / "broker", "127.0.0.1", port);
    start_broker();
  }
  void start_broker() {
    broker = std::make_unique<farm::ChildProcess>(
        std::vector<std::string>{mosquitto_program().string(), "-c", broker_config.config.string()});
    std::this_thread::sleep_for(300ms);
  }
  Release release() {
    ReleaseOptions o;
    o.model = model.id;
    o.board = "nano33ble";
    return create_release(ws, o);
  }
  SimFleetOptions fleet_options(const Release& r) {
    SimFleetOptions o;
    o.port = port;
    o.board = "nano33ble";
    o.trusted_key = find_key(ws, "default").public_key;
    o.devices = devices;
    o.model = [this](uint32_t sequence, std::span<const uint8_t> input) {
      auto out = host_model->run(input);
      if (out && sequence == bad_sequence) (*out)[0] ^= 1;
      return out;
    };
    (void)r;
    return o;
  }
  // Serves until every rollout has ended (or a minute has passed).
  void serve(SimFleet& fleet) {
    std::atomic<bool> stop_fleet{false}, stop_server{false};
    std::thread devices_thread([&] { fleet.run(stop_fleet); });
    FleetServerOptions o;
    o.port = port;
    o.until_idle = true;
    o.tick = 50ms;
    FleetServer server(ws, o);
    std::thread guard([&] {
      for (int i = 0; i < 600 && !stop_fleet; ++i) std::this_thread::sleep_for(100ms);
      stop_server = true;
    });
    server.run(stop_server);
    stop_fleet = true;
    devices_thread.join();
    guard.join();
  }
};

TEST(FleetMqtt, AStagedRolloutReachesEveryDeviceAndABadReleaseStopsInItsFirstStage) {
  Fleet f(20);
  const Release v1 = f.release();
  SimFleet fleet(f.fleet_options(v1));
  RolloutOptions plan;
  plan.release = v1.id;
  plan.cohort = "sim";
  plan.stages = {10, 50, 100};
  plan.max_failure_rate = 0;
  const Rollout r1 = start_rollout(f.ws, plan, std::time(nullptr));
  f.serve(fleet);
  Rollout done = find_rollout(f.ws, r1.id);
  EXPECT_EQ(done.state, "done") << done.reason;
  for (const Device& d : list_devices(f.ws, "sim")) EXPECT_EQ(d.installed_release, v1.id) << d.name;
  for (const auto& [name, boots] : fleet.boots()) EXPECT_EQ(boots, 2) << name << ": updated once";

  // release 2's smoke test fails on the devices: stage 1 (2 devices) halts it
  const Release v2 = f.release();
  f.bad_sequence = static_cast<uint32_t>(v2.manifest.sequence);
  plan.release = v2.id;
  const Rollout r2 = start_rollout(f.ws, plan, std::time(nullptr));
  f.serve(fleet);
  done = find_rollout(f.ws, r2.id);
  EXPECT_EQ(done.state, "rolled-back");
  int offered = 0, failed = 0;
  for (const RolloutDevice& d : done.devices) {
    offered += d.stage >= 0 ? 1 : 0;
    if (d.reason == "smoke-test") ++failed;
  }
  EXPECT_EQ(offered, 2) << "only the first stage was offered the bad release";
  // the first failure halts the stage (limit 0 %); the other device may be reverted before
  // its own smoke test result comes in
  EXPECT_GE(failed, 1);
  for (const Device& d : list_devices(f.ws, "sim")) EXPECT_EQ(d.installed_release, v1.id) << d.name;
}

TEST(FleetMqtt, ABrokerRestartMidRolloutResumesWithoutUpdatingADeviceTwice) {
  Fleet f(12);
  const Release v1 = f.release();
  SimFleet fleet(f.fleet_options(v1));
  RolloutOptions plan;
  plan.release = v1.id;
  plan.cohort = "sim";
  plan.stages = {25, 100};
  plan.bake_seconds = 2;  // time for the restart to land between the stages
  const Rollout r = start_rollout(f.ws, plan, std::time(nullptr));
  std::atomic<bool> served{false};
  std::thread restarter([&] {
    std::this_thread::sleep_for(1500ms);
    f.broker.reset();  // kills it
    std::this_thread::sleep_for(500ms);
    f.start_broker();
    // a child dies with the thread that started it (PR_SET_PDEATHSIG): keep this one alive
    while (!served) std::this_thread::sleep_for(50ms);
    f.broker.reset();
  });
  f.serve(fleet);
  served = true;
  restarter.join();
  const Rollout done = find_rollout(f.ws, r.id);
  EXPECT_EQ(done.state, "done") << done.reason;
  for (const Device& d : list_devices(f.ws, "sim")) EXPECT_EQ(d.installed_release, v1.id) << d.name;
  for (const auto& [name, boots] : fleet.boots()) EXPECT_EQ(boots, 2) << name << ": updated once";
}

}  // namespace
}  // namespace tinyops::fleet
