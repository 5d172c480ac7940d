// The farm's gateway (as Edge Impulse's daemon proxies a serial device): an emulated board's
// UART bridged to the fleet's broker under the board's own device login. Frames from the
// device's downlink go to the UART; frames the board sends go to its uplink. Building the
// board (bootloader for the trusted key, factory flash with a first release) is
// provision_emulated_board's job.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>

#include "tinyops/fleet/mqtt_client.hpp"
#include "tinyops/fleet/qemu_device.hpp"
#include "tinyops/store/workspace.hpp"

namespace tinyops::fleet {

struct EmulatedBoard {
  std::filesystem::path bootloader_elf, flash_dump;
};

// In `dir`: the board's bootloader for the workspace key `key_name`, and a flash holding
// release `release_id` installed by the agent code on the host (its smoke test passed).
EmulatedBoard provision_emulated_board(store::Workspace& ws, const std::string& release_id,
                                       const std::string& key_name, const std::filesystem::path& dir);

struct GatewayOptions {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string device, secret;  // the board's enrollment
};

// Runs the board and the bridge until `stop`; returns the emulator's exit status if it
// stopped by itself first (InputError naming it), else 0.
int run_gateway(const compiler::Board& board, const EmulatedBoard& files, const GatewayOptions& options,
                const std::atomic<bool>& stop);

}  // namespace tinyops::fleet
