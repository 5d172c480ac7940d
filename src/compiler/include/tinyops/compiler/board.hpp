// Board profiles: what a target offers (core, clock, flash, RAM, compiler flags) and which
// QEMU machine, if any, runs its core. One JSON file per board under boards/, embedded in
// the binary; docs/boards.md lists them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tinyops::compiler {

// How QEMU emulates a board's core: the machine, where its memories and UART sit, and
// the SysTick clock that turns ticks into instructions under -icount shift=0.
struct Emulator {
  std::string qemu_machine;              // "mps2-an386"
  std::string qemu_cpu;                  // "cortex-m4"
  std::optional<uint32_t> vector_table;  // where the core reads vectors at reset, when
                                         // that is not the start of flash
  uint32_t flash_origin = 0;
  uint32_t ram_origin = 0;
  std::string uart;  // "cmsdk" or "nrf51": picks firmware/cortex-m/uart_<kind>.c
  uint32_t uart_base = 0;
  int64_t systick_hz = 0;  // SysTick's processor clock in the emulator (not the board's)
};

struct Board {
  std::string name;   // "nano33ble": what --board takes
  std::string title;  // "Arduino Nano 33 BLE Sense"
  std::string mcu;
  std::string core;  // "cortex-m4f", "xtensa-lx6", ...
  std::string arch;  // "arm", "xtensa", "arc", "host"
  int64_t clock_hz = 0;
  int64_t flash_bytes = 0;
  int64_t ram_bytes = 0;
  std::vector<std::string> cflags;
  bool dsp_extension = false;        // Armv7E-M DSP instructions: selects the DSP kernels
  std::optional<Emulator> emulator;  // none: size check only
  std::string notes;
};

// Every board profile, sorted by name; "host" (the machine TinyOps runs on) comes first.
const std::vector<Board>& boards();
// Throws InputError naming the known boards when `name` is not one of them.
const Board& find_board(const std::string& name);

}  // namespace tinyops::compiler
