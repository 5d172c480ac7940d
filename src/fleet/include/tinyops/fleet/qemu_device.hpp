// A release on an emulated board: QEMU runs the board's bootloader (built with the release
// key it trusts) over the agent's flash, preloaded with a factory state, and the image the
// bootloader starts talks frames over the board's UART. The factory state is made on the
// host by the same agent code (a simulated device with the board's layout installing the
// first release), so the board boots a signed, verified image from its first instruction.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "tinyops/compiler/board.hpp"
#include "tinyops/farm/firmware.hpp"
#include "tinyops/farm/process.hpp"
#include "tinyops/fleet/sim_device.hpp"
#include "tinyops/fleet/update_session.hpp"

namespace tinyops::fleet {

// The simulated-device layout that matches a board image's agent (AgentOptions).
SimLayout agent_layout(const farm::AgentOptions& agent);

class QemuDevice {
 public:
  // Starts QEMU for `board` with the bootloader ELF and the flash dump (kAgentFlashBase).
  QemuDevice(const compiler::Board& board, const std::filesystem::path& bootloader_elf,
             const std::filesystem::path& flash_dump);
  // Sends bytes to the board's UART and returns what it sent back until a whole frame came
  // (or `timeout` passed): frames among the harness's text lines, for a FrameReader.
  std::vector<uint8_t> exchange(std::span<const uint8_t> bytes, std::chrono::milliseconds timeout);
  // Bytes the board sends on its own (the report after each boot).
  std::vector<uint8_t> listen(std::chrono::milliseconds timeout) { return exchange({}, timeout); }
  // The gateway's two halves: bytes to the UART, and the whole frames that came back
  // within `timeout` (text lines of the harness are skipped).
  void send(std::span<const uint8_t> bytes);
  std::vector<tinyops_frame> frames(std::chrono::milliseconds timeout);
  // The emulator's exit status once it has stopped (the firmware's semihosting exit: 99 is
  // a fault, 3 a bootloader with nothing to boot).
  std::optional<int> stopped() { return qemu_->exited(); }

 private:
  std::unique_ptr<farm::ChildProcess> qemu_;
  FrameReader reader_;
};

}  // namespace tinyops::fleet
