// Board profiles: what a target offers (core, clock, flash, RAM, compiler flags) and which
// QEMU machine, if any, runs its core. One JSON file per board under boards/, embedded in
// the binary; docs/boards.md lists them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tinyops::compiler {

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
  std::optional<std::string> qemu_machine;  // none: build-and-size-check only
  std::optional<std::string> qemu_cpu;
  std::string notes;
};

// Every board profile, sorted by name; "host" (the machine TinyOps runs on) comes first.
const std::vector<Board>& boards();
// Throws InputError naming the known boards when `name` is not one of them.
const Board& find_board(const std::string& name);

}  // namespace tinyops::compiler
