// `tinyops fleet enroll|list|show`: the fleet's devices (src/fleet/devices.hpp).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/fleet/views.hpp"

namespace tinyops::cli {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

int fleet_enroll(const FleetArgs& args) {
  store::Workspace ws = open_workspace(args);
  const fleet::Enrollment e = fleet::enroll_device(ws, args.name, args.board, args.tags);
  if (args.json) {
    nlohmann::json j = fleet::device_json(e.device);
    j["secret"] = e.secret;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << fmt::format("enrolled {} ({}{}); its credential, shown only now:\n{}\n", e.device.name,
                             e.device.board, e.device.tags.empty() ? "" : ", tags " + joined(e.device.tags),
                             e.secret);
  }
  return 0;
}

int fleet_list(const FleetArgs& args) {
  store::Workspace ws = open_workspace(args);
  std::vector<fleet::Device> devices;
  if (args.tags.empty()) {
    devices = fleet::list_devices(ws);
  } else {
    for (const auto& d : fleet::list_devices(ws))
      for (const auto& t : args.tags)
        if (std::find(d.tags.begin(), d.tags.end(), t) != d.tags.end()) {
          devices.push_back(d);
          break;
        }
  }
  if (args.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : devices) out.push_back(fleet::device_json(d));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  TextTable table({"name", "board", "tags", "release", "sequence", "last heartbeat"});
  for (const auto& d : devices)
    table.add({d.name, d.board, joined(d.tags), d.installed_release.substr(0, 12),
               std::to_string(d.installed_sequence), d.last_heartbeat.empty() ? "never" : d.last_heartbeat});
  std::cout << table.render() << fmt::format("{} devices\n", devices.size());
  return 0;
}

int fleet_show(const FleetArgs& args) {
  store::Workspace ws = open_workspace(args);
  const nlohmann::json j = fleet::device_json(fleet::find_device(ws, args.name));
  if (args.json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << field_lines(j);
  return 0;
}

}  // namespace tinyops::cli
