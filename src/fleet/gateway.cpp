#include "tinyops/fleet/gateway.hpp"

#include <fmt/format.h>

#include "tinyops/compiler/codegen.hpp"
#include "tinyops/core/error.hpp"
#include "tinyops/farm/firmware.hpp"
#include "tinyops/fleet/broker.hpp"
#include "tinyops/fleet/host_model.hpp"
#include "tinyops/fleet/keys.hpp"
#include "tinyops/fleet/release.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_importer.hpp"

namespace tinyops::fleet {

EmulatedBoard provision_emulated_board(store::Workspace& ws, const std::string& release_id,
                                       const std::string& key_name, const std::filesystem::path& dir) {
  const Release release = find_release(ws, release_id);
  const SigningKey key = find_key(ws, key_name);
  const compiler::Board& board = compiler::find_board(release.manifest.class_id);
  const Graph graph = formats::import_tflite(ws.objects().get(release.manifest.model_id), "release model");
  farm::FirmwareOptions fo;
  fo.agent = farm::AgentOptions{};
  fo.agent->public_key = key.public_key;
  fo.agent->key_id = key.id;
  std::filesystem::create_directories(dir);
  const farm::FirmwareBuild fw =
      farm::build_firmware(board, graph, compiler::generate_c(graph, {}), dir / "firmware", fo);
  if (fw.bootloader_elf.empty())
    throw std::runtime_error("the firmware for " + board.name + " does not fit: " + fw.overflow);

  SimDeviceOptions so;
  so.class_id = board.name;
  so.trusted_key = key.public_key;
  so.layout = agent_layout(*fo.agent);
  HostModel host(graph, dir / "host-model");
  so.model = [&](uint32_t, std::span<const uint8_t> in) { return host.run(in); };
  SimFlash flash("", so.layout.flash_size(), so.layout.page_size);
  SimDevice device(so, flash);
  device.boot();
  UpdateSession session(ws.objects().get(release.id), ws.objects().get(release.image_id),
                        release.manifest.image_digest);
  run_session(device, session);
  if (!device.report().confirmed)
    throw std::runtime_error(fmt::format("release {} did not install on the factory flash (reason {})",
                                         release.id.substr(0, 12), agent_reason_name(device.report().last_reason)));
  EmulatedBoard files{fw.bootloader_elf, dir / "flash.bin"};
  formats::write_file(files.flash_dump, std::vector<uint8_t>(flash.memory(), flash.memory() + flash.size()));
  return files;
}

int run_gateway(const compiler::Board& board, const EmulatedBoard& files, const GatewayOptions& o,
                const std::atomic<bool>& stop) {
  QemuDevice qemu(board, files.bootloader_elf, files.flash_dump);
  std::vector<tinyops_frame> pending;  // the board spoke before the broker took its login
  MqttClient client(
      o.device, o.secret,
      [&](const std::string&, std::span<const uint8_t> payload) { qemu.send(payload); },
      [&] {
        // a reconnection: the server wants to hear where the board stands
        uint8_t none = 0;
        qemu.send(encode_frame(TINYOPS_MSG_STATUS, std::span<const uint8_t>(&none, 0)));
      });
  client.subscribe(device_downlink(o.device));
  client.connect(o.host, o.port);
  MqttClient* clients[] = {&client};
  while (!stop.load()) {
    pump(clients, std::chrono::milliseconds(10));
    for (const tinyops_frame& f : qemu.frames(std::chrono::milliseconds(10))) pending.push_back(f);
    if (client.connected()) {
      for (const tinyops_frame& f : pending)
        client.publish(device_uplink(o.device), encode_frame(f.type, {f.payload, f.length}));
      pending.clear();
    }
    if (const auto status = qemu.stopped())
      throw InputError(fmt::format("the emulated {} stopped (exit {}{})", board.name, *status,
                                   *status == 99 ? ": a fault" : *status == 3 ? ": no valid image" : ""));
  }
  return 0;
}

}  // namespace tinyops::fleet
