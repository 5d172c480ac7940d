#include "tinyops/fleet/qemu_device.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "tinyops/fleet/update_session.hpp"

namespace tinyops::fleet {

SimLayout agent_layout(const farm::AgentOptions& agent) {
  return SimLayout{agent.page_size, agent.header_pages, agent.image_pages};
}

QemuDevice::QemuDevice(const compiler::Board& board, const std::filesystem::path& bootloader_elf,
                       const std::filesystem::path& flash_dump) {
  if (!board.emulator) throw std::runtime_error("board " + board.name + " has no emulator");
  const compiler::Emulator& e = *board.emulator;
  std::vector<std::string> argv{
      "qemu-system-arm", "-machine", e.qemu_machine, "-cpu", e.qemu_cpu, "-display", "none", "-monitor",
      "none", "-serial", "stdio", "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-kernel",
      bootloader_elf.string(), "-device",
      fmt::format("loader,file={},addr=0x{:08X},force-raw=on", flash_dump.string(), farm::kAgentFlashBase)};
  // TINYOPS_QEMU_LOG=FILE: QEMU logs exceptions and guest errors there (to find a fault)
  if (const char* log = std::getenv("TINYOPS_QEMU_LOG")) argv.insert(argv.end(), {"-d", std::getenv("TINYOPS_QEMU_LOG_WHAT") ? std::getenv("TINYOPS_QEMU_LOG_WHAT") : "int,guest_errors", "-D", log});
  qemu_ = std::make_unique<farm::ChildProcess>(argv);
}

std::vector<uint8_t> QemuDevice::exchange(std::span<const uint8_t> bytes, std::chrono::milliseconds timeout) {
  if (!bytes.empty()) qemu_->write(std::string(bytes.begin(), bytes.end()));
  std::vector<uint8_t> out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string got = qemu_->read_some(deadline);
    if (got.empty()) break;
    out.insert(out.end(), got.begin(), got.end());
    if (!reader_.feed({reinterpret_cast<const uint8_t*>(got.data()), got.size()}).empty()) break;
  }
  return out;
}

}  // namespace tinyops::fleet

namespace tinyops::fleet {

void QemuDevice::send(std::span<const uint8_t> bytes) {
  if (!bytes.empty()) qemu_->write(std::string(bytes.begin(), bytes.end()));
}

std::vector<tinyops_frame> QemuDevice::frames(std::chrono::milliseconds timeout) {
  const std::string got = qemu_->read_some(std::chrono::steady_clock::now() + timeout);
  return reader_.feed({reinterpret_cast<const uint8_t*>(got.data()), got.size()});
}

}  // namespace tinyops::fleet
