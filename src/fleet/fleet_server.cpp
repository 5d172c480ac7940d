#include "tinyops/fleet/fleet_server.hpp"

#include <fmt/format.h>

#include "tinyops/fleet/broker.hpp"
#include "tinyops/fleet/devices.hpp"
#include "tinyops/fleet/release.hpp"
#include "tinyops/fleet/sim_device.hpp"

namespace tinyops::fleet {

struct FleetServer::ReleaseBytes {
  std::string id, board;
  uint32_t sequence = 0;
  std::vector<uint8_t> envelope, image;
  std::array<uint8_t, 32> digest{};
};

struct FleetServer::Session {
  std::string release;
  UpdateSession update;
  std::chrono::steady_clock::time_point last_heard;
};

namespace {

std::string device_of(const std::string& topic) {  // tinyops/devices/NAME/up
  const std::string prefix = "tinyops/devices/";
  if (!topic.starts_with(prefix)) return "";
  const size_t end = topic.find('/', prefix.size());
  return end == std::string::npos ? "" : topic.substr(prefix.size(), end - prefix.size());
}

}  // namespace

FleetServer::FleetServer(store::Workspace& ws, FleetServerOptions options)
    : ws_(ws), options_(std::move(options)) {
  client_ = std::make_unique<MqttClient>(
      kServerAccount, server_password(ws_),
      [this](const std::string& topic, std::span<const uint8_t> payload) { on_message(topic, payload); },
      [this] {
        // every (re)connection: what devices may have missed is sent again; a device refuses
        // an install it already has, and the report it then sends settles the command
        for (const Command& c : outstanding_commands(ws_)) dispatch(c);
      });
  client_->subscribe("tinyops/devices/+/up");
}

FleetServer::~FleetServer() = default;

const FleetServer::ReleaseBytes& FleetServer::release(const std::string& id) {
  auto& slot = releases_[id];
  if (!slot) {
    const Release r = find_release(ws_, id);
    auto b = std::make_unique<ReleaseBytes>();
    b->id = r.id;
    b->board = r.manifest.class_id;
    b->sequence = static_cast<uint32_t>(r.manifest.sequence);
    b->envelope = ws_.objects().get(r.id);
    b->image = ws_.objects().get(r.image_id);
    b->digest = r.manifest.image_digest;
    slot = std::move(b);
  }
  return *slot;
}

std::string FleetServer::release_of_sequence(const std::string& board, uint32_t sequence) {
  if (sequence == 0) return "";
  for (const auto& [id, r] : releases_)
    if (r->board == board && r->sequence == sequence) return id;
  for (const Release& r : list_releases(ws_))
    if (r.manifest.class_id == board && r.manifest.sequence == sequence) return release(r.id).id;
  return "";
}

void FleetServer::send(const std::string& device, const std::vector<uint8_t>& frame) {
  client_->publish(device_downlink(device), frame);
  ++stats_.messages_out;
  stats_.bytes_out += frame.size();
}

std::string FleetServer::command_key(const Command& c) {
  return c.device + (c.kind == Command::Kind::Install ? "\ninstall\n" : "\nrevert\n") + c.release;
}

void FleetServer::dispatch(const Command& c) {
  dispatched_.insert(command_key(c));
  const auto known = last_reports_.find(c.device);
  const bool runs_it = known != last_reports_.end() && known->second.release == c.release &&
                       known->second.smoke_passed;
  if (runs_it) {  // already there (its smoke test sent it back, or it was updated before)
    record_report(ws_, known->second, std::time(nullptr));
    return;
  }
  if (c.kind == Command::Kind::Revert) {
    if (c.release.empty()) return;  // nothing ran before: the device keeps what it has
    uint8_t seq[4];
    tinyops_put_u32(seq, release(c.release).sequence);
    sessions_.erase(c.device);
    send(c.device, encode_frame(TINYOPS_MSG_REVERT, seq));
    return;
  }
  const ReleaseBytes& r = release(c.release);
  auto s = std::make_unique<Session>(
      Session{c.release, UpdateSession(r.envelope, r.image, r.digest), std::chrono::steady_clock::now()});
  send(c.device, s->update.begin());
  sessions_[c.device] = std::move(s);
}

void FleetServer::on_message(const std::string& topic, std::span<const uint8_t> payload) {
  ++stats_.messages_in;
  const std::string device = device_of(topic);
  if (device.empty()) return;
  FrameReader reader;
  for (const tinyops_frame& f : reader.feed(payload)) {
    if (f.type == TINYOPS_MSG_REPORT) {
      const SimReport r = decode_report({f.payload, f.length});
      std::string board;
      try {
        board = find_device(ws_, device).board;
      } catch (const std::exception&) {
        return;  // not enrolled (the broker would not have let it in): ignore
      }
      DeviceReport report;
      report.device = device;
      report.sequence = r.sequence;
      report.release = release_of_sequence(board, r.sequence);
      report.smoke_passed = r.confirmed;
      if (r.last_reason != 0) {
        report.reason = agent_reason_name(r.last_reason);
        report.refused_release = release_of_sequence(board, r.reason_sequence);
      }
      report.inferences = r.inferences;
      report.errors = r.errors;
      report.latency_ms = r.latency_us / 1000.0;
      last_reports_[device] = report;
      record_report(ws_, report, std::time(nullptr));
      continue;
    }
    const auto it = sessions_.find(device);
    if (it == sessions_.end()) continue;
    Session& s = *it->second;
    s.last_heard = std::chrono::steady_clock::now();
    if (auto next = s.update.on_reply(f)) {
      send(device, *next);
    } else if (const auto& out = s.update.outcome()) {
      if (out->installed) {
        ++stats_.installs;  // its report after the reboot says whether the smoke test passed
      } else {
        ++stats_.refusals;
        DeviceReport report = last_reports_.count(device) ? last_reports_[device] : DeviceReport{};
        report.device = device;
        report.refused_release = s.release;
        report.reason = agent_reason_name(out->reason);
        if (report.release == s.release && report.smoke_passed) report.reason.clear();  // had it
        record_report(ws_, report, std::time(nullptr));
      }
      sessions_.erase(it);
    }
  }
}

void FleetServer::resend_stalled() {
  const auto now = std::chrono::steady_clock::now();
  for (auto& [device, s] : sessions_) {
    if (now - s->last_heard < options_.resend_after) continue;
    s->last_heard = now;
    send(device, s->update.begin());  // the device answers with where it stands
  }
}

bool FleetServer::idle() {
  for (const Rollout& r : list_rollouts(ws_))
    if (r.state == "running" || r.state == "paused") return false;
  return sessions_.empty();
}

void FleetServer::run(const std::atomic<bool>& stop) {
  client_->connect(options_.host, options_.port);
  MqttClient* clients[] = {client_.get()};
  auto next_tick = std::chrono::steady_clock::now();
  while (!stop.load()) {
    pump(clients, std::chrono::milliseconds(20));
    if (client_->refused() != 0)
      throw std::runtime_error(fmt::format("the broker refused the server's login (code {}): its "
                                           "password file is not this workspace's",
                                           client_->refused()));
    const auto now = std::chrono::steady_clock::now();
    if (now < next_tick || !client_->connected()) continue;
    next_tick = now + options_.tick;
    for (const Rollout& r : list_rollouts(ws_)) {
      if (r.state != "running") continue;
      const std::vector<Command> commands = step_rollout(ws_, r.id, std::time(nullptr));
      for (const Command& c : commands) dispatch(c);
      if (options_.progress && !commands.empty())
        options_.progress(fmt::format("rollout {}: {} command(s) sent", r.id, commands.size()));
    }
    // offers made elsewhere (`rollout start` in another process) and not yet carried
    for (const Command& c : outstanding_commands(ws_))
      if (!dispatched_.count(command_key(c))) dispatch(c);
    resend_stalled();
    if (options_.on_tick) options_.on_tick();
    if (options_.until_idle && idle()) break;
  }
}

}  // namespace tinyops::fleet
