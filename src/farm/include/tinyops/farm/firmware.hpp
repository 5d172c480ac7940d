// Firmware for an emulated board: a generated model bundle, the EnergyRunner device
// harness and start-up code (firmware/cortex-m/, embedded in the binary), compiled with
// the board's flags and linked with a linker script that holds the board's real flash
// and RAM, so a model that does not fit fails to link and the overflow is reported.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <filesystem>
#include <string>

#include "tinyops/compiler/board.hpp"
#include "tinyops/compiler/codegen.hpp"
#include "tinyops/core/graph.hpp"

namespace tinyops::farm {

// The smallest stack the linker script keeps free above data and bss. The stack actually
// used is measured on the device (high-water mark) and reported on its own.
constexpr int64_t kMinimumStackBytes = 1024;

struct FirmwareSizes {
  int64_t flash_bytes = 0;        // vectors, code, constants and the .data image
  int64_t model_flash_bytes = 0;  // of which the generated model and its kernels
  int64_t static_ram_bytes = 0;   // .data + .bss (the arena included), without the stack
  int64_t arena_bytes = 0;
};

struct FirmwareBuild {
  bool fits = true;
  std::string overflow;  // why it does not fit, e.g. "flash over by 1,234 bytes"
  std::filesystem::path elf;
  std::filesystem::path bootloader_elf;  // with FirmwareOptions::agent
  FirmwareSizes sizes;
};

// A release's image: the firmware with the device agent (firmware/agent/), which trusts
// one release key, and the board's bootloader, built beside it. On an emulated board the
// agent's flash is the emulator's RAM at kAgentFlashBase; images run from kAgentExecBase
// (the bootloader copies the chosen slot there) and the bootloader owns the first 64 KB.
constexpr uint32_t kAgentFlashBase = 0x21000000u;
constexpr uint32_t kAgentExecBase = 0x00010000u;

struct AgentOptions {
  std::array<uint8_t, 32> public_key{};
  std::array<uint8_t, 8> key_id{};
  uint32_t page_size = 4096, header_pages = 4, image_pages = 128;  // per slot
  int max_boot_tries = 3;
};

struct FirmwareOptions {
  // Time every layer: the model calls the harness after each (TINYOPS_LAYER_DONE) and
  // `infer` reports ticks per layer. The calls cost a few dozen instructions per layer.
  bool profile_layers = false;
  std::optional<AgentOptions> agent;  // a release image, and its bootloader
};

// Builds under `dir` (created). Throws InputError when the board has no emulator or the
// cross toolchain is missing, std::runtime_error when compiling fails for another reason
// (the log path is in the message).
FirmwareBuild build_firmware(const compiler::Board& board, const Graph& graph,
                             const compiler::GeneratedBundle& bundle,
                             const std::filesystem::path& dir, const FirmwareOptions& options = {});

// The linker script for a board: FLASH and RAM regions of the board's sizes at the
// emulator's addresses (and a BOOT region for the vector table where the core needs it).
std::string linker_script(const compiler::Board& board);
// The same with the flash region moved and resized (a bootloader, an image behind one).
std::string linker_script(const compiler::Board& board, uint32_t flash_origin, int64_t flash_bytes);

}  // namespace tinyops::farm
