// A staged rollout (1, 10, 50, 100 %, no bake) of the gesture model's release to N simulated
// devices over a private Mosquitto on loopback: wall time per stage, broker messages per
// second, server CPU, bytes per device. The devices are the real agent (firmware/agent) in
// one thread of this process; the server (FleetServer) runs in another.
// Run: build/bench/bench_fleet WORKSPACE [N ...]   (WORKSPACE: the gesture example's folder,
// e.g. build/examples/gestures after scripts/main.sh; default N: 1000 10000). The workspace
// is copied for each N; the original is left as it was.
#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include <atomic>
#include <csignal>
#include <set>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "tinyops/farm/process.hpp"
#include "tinyops/fleet/broker.hpp"
#include "tinyops/fleet/devices.hpp"
#include "tinyops/fleet/fleet_server.hpp"
#include "tinyops/fleet/host_model.hpp"
#include "tinyops/fleet/keys.hpp"
#include "tinyops/fleet/mqtt_client.hpp"
#include "tinyops/fleet/release.hpp"
#include "tinyops/fleet/sim_fleet.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/store/registry.hpp"
#include "../tests/support/free_port.hpp"

#include <unistd.h>

namespace fs = std::filesystem;
using namespace tinyops;
using Clock = std::chrono::steady_clock;

namespace {

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

void run(const fs::path& example, int n) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("tinyops-bench-fleet-{}-{}", ::getpid(), n);
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(example / ".tinyops", dir / ".tinyops", fs::copy_options::recursive);
  store::Workspace ws = store::Workspace::open(dir);
  if (fleet::list_keys(ws).empty()) fleet::create_key(ws, "default");
  std::string model;
  for (const store::Artifact& a : store::list_artifacts(ws, "int8_model")) model = a.id;
  if (model.empty()) throw std::runtime_error("no int8 model in " + example.string() + ": run the gesture example");
  fleet::ReleaseOptions ro;
  ro.model = model;
  ro.board = "nano33ble";
  const fleet::Release release = fleet::create_release(ws, ro);
  const auto image_bytes = ws.objects().get(release.image_id).size();

  const auto enroll_start = Clock::now();
  fleet::SimFleetOptions fo;
  for (int i = 0; i < n; ++i) {
    const fleet::Enrollment e = fleet::enroll_device(ws, fmt::format("bench-{:05}", i), "nano33ble", {"bench"});
    fo.devices.push_back({e.device.name, e.secret});
  }
  const double enroll_s = seconds(Clock::now() - enroll_start);

  const int port = test_support::free_port();
  const fleet::BrokerConfig bc = fleet::write_broker_config(ws, dir / "broker", "127.0.0.1", port);
  farm::ChildProcess broker({fleet::mosquitto_program().string(), "-c", bc.config.string()});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  fo.port = port;
  fo.board = "nano33ble";
  fo.trusted_key = fleet::find_key(ws, "default").public_key;
  fo.layout.page_size = 1024;  // sized to the image, so 10,000 flashes fit in memory
  fo.layout.header_pages = 4;
  fo.layout.image_pages = static_cast<uint32_t>(image_bytes / 1024 + 2);
  fo.heartbeat = std::chrono::seconds(600);
  auto host_model = std::make_shared<fleet::HostModel>(
      formats::import_tflite(ws.objects().get(model), "gesture"), dir / "model");
  fo.model = [host_model](uint32_t, std::span<const uint8_t> in) { return host_model->run(in); };
  // all connected: every device has sent the report it sends on connecting (the watcher
  // listens before the first device starts)
  std::set<std::string> heard;
  auto watcher = std::make_unique<fleet::MqttClient>(
      fleet::kServerAccount, fleet::server_password(ws),
      [&](const std::string& topic, std::span<const uint8_t>) { heard.insert(topic); });
  watcher->subscribe("tinyops/devices/+/up");
  watcher->connect("127.0.0.1", port);
  fleet::MqttClient* watchers[] = {watcher.get()};
  for (const auto until = Clock::now() + std::chrono::seconds(5); !watcher->connected() && Clock::now() < until;)
    fleet::pump(watchers, std::chrono::milliseconds(50));
  for (int i = 0; i < 5; ++i) fleet::pump(watchers, std::chrono::milliseconds(20));  // the SUBACK
  // libmosquitto takes three descriptors per client (its socket and a wake-up pair): the
  // devices run in child processes of at most 4,000 each, to stay under the fd limit.
  std::vector<pid_t> children;
  const size_t per_process = 4000;
  for (size_t from = 0; from < fo.devices.size(); from += per_process) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      fleet::SimFleetOptions slice = fo;
      slice.devices.assign(fo.devices.begin() + static_cast<long>(from),
                           fo.devices.begin() + static_cast<long>(std::min(fo.devices.size(), from + per_process)));
      static std::atomic<bool> stop{false};
      std::signal(SIGTERM, [](int) { stop = true; });
      fleet::SimFleet devices(slice);
      devices.run(stop);
      ::_exit(0);
    }
    children.push_back(pid);
  }
  const auto connect_start = Clock::now();
  while (heard.size() < static_cast<size_t>(n) && Clock::now() - connect_start < std::chrono::minutes(5))
    fleet::pump(watchers, std::chrono::milliseconds(50));
  watcher.reset();  // not in the rollout's traffic
  const double connect_s = seconds(Clock::now() - connect_start);

  fleet::RolloutOptions plan;
  plan.release = release.id;
  plan.cohort = "bench";
  plan.stages = {1, 10, 50, 100};
  plan.bake_seconds = 0;
  const auto start = Clock::now();
  const fleet::Rollout r = fleet::start_rollout(ws, plan, std::time(nullptr));
  std::vector<double> stage_starts{0};
  fleet::FleetServerOptions so;
  so.port = port;
  so.until_idle = true;
  so.tick = std::chrono::milliseconds(100);
  // a stage's start: the tick on which the controller has moved to it
  so.on_tick = [&] {
    for (const fleet::Rollout& x : fleet::list_rollouts(ws))
      while (x.id == r.id && static_cast<size_t>(x.stage) >= stage_starts.size())
        stage_starts.push_back(seconds(Clock::now() - start));
  };
  fleet::FleetServer server(ws, so);
  std::atomic<bool> never{false};
  const double cpu_before = thread_cpu_seconds();
  server.run(never);
  const double cpu = thread_cpu_seconds() - cpu_before;
  const double wall = seconds(Clock::now() - start);
  for (const pid_t pid : children) ::kill(pid, SIGTERM);
  long devices_rss_kb = 0;
  for (const pid_t pid : children) {
    int status = 0;
    rusage child{};
    ::wait4(pid, &status, 0, &child);
    devices_rss_kb = std::max(devices_rss_kb, child.ru_maxrss);
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);

  const fleet::Rollout done = fleet::find_rollout(ws, r.id);
  int updated = 0;
  for (const auto& d : done.devices) updated += d.status == "updated" ? 1 : 0;
  std::cout << fmt::format("\n### {} simulated devices (gesture release, image {} bytes)\n\n", n, image_bytes);
  std::cout << fmt::format("rollout state: {}, {} of {} updated; enrolment {:.1f} s, all connected after {:.1f} s\n\n",
                           done.state, updated, n, enroll_s, connect_s);
  std::cout << "| stage | share | wall time (s) |\n| ---: | ---: | ---: |\n";
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    const double from = i < stage_starts.size() ? stage_starts[i] : wall;
    const double to = i + 1 < stage_starts.size() ? stage_starts[i + 1] : wall;
    std::cout << fmt::format("| {} | {} % | {:.2f} |\n", i + 1, plan.stages[i], to - from);
  }
  const fleet::FleetServerStats& s = server.stats();
  const uint64_t messages = s.messages_in + s.messages_out;
  std::cout << fmt::format(
      "\nwhole rollout {:.2f} s; {} MQTT messages between server and devices ({:.0f}/s through the "
      "broker); server: {:.2f} s CPU ({:.0f} % of one core), max RSS {:.0f} MB (the bench process: "
      "server, workspace, release build); {} bytes sent = {:.0f} bytes per device; simulated devices: "
      "{} process(es), max RSS {:.0f} MB each\n",
      wall, messages, messages / wall, cpu, 100 * cpu / wall, static_cast<double>(ru.ru_maxrss) / 1024,
      s.bytes_out, static_cast<double>(s.bytes_out) / n, children.size(),
      static_cast<double>(devices_rss_kb) / 1024);
  std::cout << std::flush;
  fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_fleet GESTURE_EXAMPLE_DIR [N ...]\n";
    return 2;
  }
  std::vector<int> sizes;
  for (int i = 2; i < argc; ++i) sizes.push_back(std::stoi(argv[i]));
  if (sizes.empty()) sizes = {1000, 10000};
  try {
    for (int n : sizes) run(argv[1], n);
  } catch (const std::exception& e) {
    std::cerr << "bench_fleet: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
