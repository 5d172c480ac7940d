// `tinyops fleet serve` and `tinyops fleet simulate`: the fleet's broker and server, and a
// fleet of simulated devices that log in to it, each over MQTT on this machine.
#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/compiler/board.hpp"
#include "tinyops/farm/process.hpp"
#include "tinyops/fleet/broker.hpp"
#include "tinyops/fleet/devices.hpp"
#include "tinyops/fleet/fleet_server.hpp"
#include "tinyops/fleet/gateway.hpp"
#include "tinyops/fleet/host_model.hpp"
#include "tinyops/fleet/keys.hpp"
#include "tinyops/fleet/release.hpp"
#include "tinyops/fleet/sim_fleet.hpp"
#include "tinyops/formats/tflite_importer.hpp"

namespace fs = std::filesystem;

namespace tinyops::cli {
namespace {

std::atomic<bool> stop_requested{false};

void stop_on_signals() {
  std::signal(SIGINT, [](int) { stop_requested = true; });
  std::signal(SIGTERM, [](int) { stop_requested = true; });
}

void say(const std::string& line) { std::cerr << line << "\n"; }

// A simulated device keeps its credential where a real one would, beside its flash.
std::string read_or_enroll(store::Workspace& ws, const fs::path& dir, const std::string& name,
                           const std::string& board, const std::vector<std::string>& tags) {
  const fs::path secret = dir / (name + ".secret");
  if (fs::exists(secret)) {
    std::ifstream in(secret);
    std::string s;
    std::getline(in, s);
    if (fleet::device_secret_matches(ws, name, s)) return s;
    throw InputError(fmt::format("{}: the credential in {} is not the enrolled one; remove the "
                                 "device's files there to enroll it again under another name",
                                 name, secret.string()));
  }
  const fleet::Enrollment e = fleet::enroll_device(ws, name, board, tags);
  {
    std::ofstream out(secret);
    out << e.secret << "\n";
  }
  ::chmod(secret.c_str(), 0600);
  return e.secret;
}

// Sets `stop` after `seconds` (0: never) or at Ctrl-C; join the thread it returns.
std::thread stop_after(double seconds, std::atomic<bool>& stop) {
  return std::thread([seconds, &stop] {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!stop_requested && !stop && (seconds <= 0 || std::chrono::steady_clock::now() < end))
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop = true;
  });
}

}  // namespace

int fleet_serve(const FleetServeArgs& args) {
  store::Workspace ws = open_workspace(args);
  const fs::path dir = ws.dir() / "broker";
  fleet::BrokerConfig config = fleet::write_broker_config(ws, dir, args.host, args.port);
  size_t enrolled = fleet::list_devices(ws).size();
  rlimit files{};  // the broker holds a connection per device: it inherits the hard limit
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &files);
  farm::ChildProcess broker({fleet::mosquitto_program().string(), "-c", config.config.string()});
  // Mosquitto says nothing when it starts (errors and warnings only) and exits at once when
  // it cannot listen: give it half a second to fail.
  std::string said;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  while (const auto line = broker.read_line(until)) said += *line + "\n";
  if (broker.exited())
    throw InputError(fmt::format("the broker did not start on {}:{}: {}{}(is the port taken? pick "
                                 "another with --port)",
                                 args.host, args.port, said, broker.pending_output()));
  say(fmt::format("fleet: broker on {}:{}, {} device login(s); serving rollouts{}", args.host, args.port,
                  enrolled, args.until_idle ? " until none is running" : " (Ctrl-C stops)"));
  stop_on_signals();
  fleet::FleetServerOptions o;
  o.host = args.host;
  o.port = args.port;
  o.until_idle = args.until_idle;
  o.progress = say;
  int ticks = 0;
  o.on_tick = [&] {
    // devices enrolled while we serve get their login: Mosquitto rereads its files on SIGHUP
    if (++ticks % 10 != 0) return;
    const size_t now = fleet::list_devices(ws).size();
    if (now == enrolled) return;
    config = fleet::write_broker_config(ws, dir, args.host, args.port);
    ::kill(broker.pid(), SIGHUP);
    say(fmt::format("fleet: {} new device login(s)", now - enrolled));
    enrolled = now;
  };
  fleet::FleetServer server(ws, o);
  server.run(stop_requested);
  const fleet::FleetServerStats& s = server.stats();
  if (args.json) {
    std::cout << nlohmann::json{{"messages_in", s.messages_in}, {"messages_out", s.messages_out},
                                {"bytes_out", s.bytes_out}, {"installs", s.installs}, {"refusals", s.refusals}}
                     .dump(2)
              << "\n";
  } else {
    say(fmt::format("fleet: {} messages in, {} out ({} bytes), {} installs, {} refusals", s.messages_in,
                    s.messages_out, s.bytes_out, s.installs, s.refusals));
  }
  return 0;
}

int fleet_simulate(const FleetSimulateArgs& args) {
  store::Workspace ws = open_workspace(args);
  if (args.devices < 1 || args.devices > 100000)
    throw InputError(fmt::format("--devices {}: simulate 1 to 100000 devices", args.devices));
  const fs::path dir = ws.dir() / "sim";
  fs::create_directories(dir);
  fleet::SimFleetOptions o;
  o.host = args.host;
  o.port = args.port;
  o.board = args.board;
  o.trusted_key = fleet::find_key(ws, args.key).public_key;
  o.flash_dir = dir;
  std::vector<std::string> tags = args.tags;
  if (std::find(tags.begin(), tags.end(), "simulated") == tags.end()) tags.push_back("simulated");
  for (int i = 1; i <= args.devices; ++i) {
    const std::string name = fmt::format("sim-{}-{:04}", args.board, i);
    o.devices.push_back({name, read_or_enroll(ws, dir, name, args.board, tags)});
  }
  // each release's model, built for the host the first time a device boots it
  std::map<uint32_t, std::shared_ptr<fleet::HostModel>> models;
  // Each process opens the workspace for itself (a database connection does not survive
  // fork) the first time one of its devices boots a release.
  std::optional<store::Workspace> own;
  pid_t own_pid = 0;
  o.model = [&](uint32_t sequence, std::span<const uint8_t> input) -> std::optional<std::vector<uint8_t>> {
    auto& m = models[sequence];
    if (!m) {
      if (own_pid != ::getpid()) {
        own.reset();
        own.emplace(open_workspace(args));
        own_pid = ::getpid();
      }
      // the same directory the build folders of the parent use: name them per process
      for (const fleet::Release& r : fleet::list_releases(*own)) {
        if (r.manifest.class_id != args.board || r.manifest.sequence != sequence) continue;
        const Graph graph = formats::import_tflite(own->objects().get(r.manifest.model_id), "release model");
        m = std::make_shared<fleet::HostModel>(
            graph, own->dir() / "tmp" / fmt::format("sim-model-{}-{}", r.id.substr(0, 12), ::getpid()));
      }
      if (!m) return std::nullopt;
    }
    return m->run(input);
  };
  // libmosquitto takes three descriptors per client: raise the soft limit to the hard one
  // and run as many devices per process as that allows, in child processes beyond it.
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &files);
  const size_t per_process = std::max<size_t>(1, (static_cast<size_t>(files.rlim_cur) - 64) / 3);
  say(fmt::format("simulate: {} {} device(s) connecting to {}:{}{}{}", args.devices, args.board, args.host,
                  args.port, args.seconds > 0 ? fmt::format(" for {} s", args.seconds) : " (Ctrl-C stops)",
                  o.devices.size() > per_process
                      ? fmt::format(", {} per process", per_process) : ""));
  stop_on_signals();
  std::vector<pid_t> children;
  while (o.devices.size() > per_process) {  // the last slice stays in this process
    fleet::SimFleetOptions slice = o;
    slice.devices.assign(o.devices.end() - static_cast<long>(per_process), o.devices.end());
    o.devices.resize(o.devices.size() - per_process);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("cannot start another simulator process");
    if (pid == 0) {
      std::atomic<bool> stop{false};
      std::thread timer = stop_after(args.seconds, stop);
      {
        fleet::SimFleet part(slice);
        part.run(stop);
      }
      timer.join();
      ::_exit(0);
    }
    children.push_back(pid);
  }
  fleet::SimFleet fleet(o);
  std::atomic<bool> stop{false};
  std::thread timer = stop_after(args.seconds, stop);
  fleet.run(stop);
  timer.join();
  for (const pid_t pid : children) {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
  }
  say(fmt::format("simulate: {} of {} devices of this process connected at the end, {} messages",
                  fleet.connected(), o.devices.size(), fleet.messages()));
  return 0;
}

int fleet_emulate(const FleetEmulateArgs& args) {
  store::Workspace ws = open_workspace(args);
  const compiler::Board& board = compiler::find_board(args.board);
  std::string release = args.release;
  if (release.empty()) {
    uint64_t newest = 0;
    for (const fleet::Release& r : fleet::list_releases(ws))
      if (r.manifest.class_id == board.name && r.manifest.sequence > newest) {
        newest = r.manifest.sequence;
        release = r.id;
      }
    if (release.empty())
      throw InputError("no release for " + board.name + " to start the board with: `tinyops release create MODEL --board " +
                       board.name + "` first (or --release ID)");
  }
  const fleet::Release factory = fleet::find_release(ws, release);
  if (factory.manifest.class_id != board.name)
    throw InputError(fmt::format("release {} is for {}, not {}: pass a release of {} (or --board {})",
                                 factory.id.substr(0, 12), factory.manifest.class_id, board.name, board.name,
                                 factory.manifest.class_id));
  release = factory.id;
  const std::string name = args.name.empty() ? "emu-" + board.name + "-1" : args.name;
  const fs::path dir = ws.dir() / "emu" / name;
  fs::create_directories(dir);
  std::vector<std::string> tags = args.tags;
  if (std::find(tags.begin(), tags.end(), "emulated") == tags.end()) tags.push_back("emulated");
  fleet::GatewayOptions o{args.host, args.port, name, read_or_enroll(ws, dir, name, board.name, tags)};
  say(fmt::format("emulate: building {}'s bootloader and its factory flash (release {})", name, release.substr(0, 12)));
  const fleet::EmulatedBoard files = fleet::provision_emulated_board(ws, release, args.key, dir);
  say(fmt::format("emulate: {} ({}) in QEMU, its UART bridged to {}:{}{}; its flash lives while QEMU runs", name,
                  board.title, args.host, args.port, args.seconds > 0 ? fmt::format(", for {} s", args.seconds) : ""));
  stop_on_signals();
  std::atomic<bool> stop{false};
  std::thread timer = stop_after(args.seconds, stop);
  try {
    fleet::run_gateway(board, files, o, stop);
  } catch (...) {
    stop = true;
    timer.join();
    throw;
  }
  timer.join();
  return 0;
}

}  // namespace tinyops::cli
