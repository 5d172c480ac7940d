#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "text_table.hpp"
#include "tinyops/compiler/board.hpp"

namespace tinyops::cli {

int farm_boards(const BoardsArgs& args) {
  const auto& all = compiler::boards();
  if (args.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& b : all) {
      list.push_back({{"name", b.name},
                      {"title", b.title},
                      {"mcu", b.mcu},
                      {"core", b.core},
                      {"arch", b.arch},
                      {"clock_hz", b.clock_hz},
                      {"flash_bytes", b.flash_bytes},
                      {"ram_bytes", b.ram_bytes},
                      {"cflags", b.cflags},
                      {"dsp_extension", b.dsp_extension},
                      {"qemu_machine",
                       b.emulator ? nlohmann::json(b.emulator->qemu_machine) : nlohmann::json()},
                      {"notes", b.notes}});
    }
    std::cout << list.dump(2) << "\n";
    return 0;
  }
  TextTable table({"board", "title", "core", "MHz", "flash KiB", "RAM KiB", "emulator"});
  for (const auto& b : all) {
    table.add({b.name, b.title, b.core, b.clock_hz ? std::to_string(b.clock_hz / 1'000'000) : "",
               b.flash_bytes ? with_commas(b.flash_bytes / 1024) : "",
               b.ram_bytes ? with_commas(b.ram_bytes / 1024) : "",
               b.arch == "host" ? "(native)"
               : b.emulator     ? "QEMU " + b.emulator->qemu_machine
                                : "none: size check only"});
  }
  std::cout << table.render();
  std::cout << "\n`tinyops farm test MODEL --board NAME[,NAME...]` runs a model on the boards "
               "with an emulator;\nthe others get a size check only.\n";
  return 0;
}

}  // namespace tinyops::cli
