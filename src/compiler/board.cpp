#include "tinyops/compiler/board.hpp"

#include <nlohmann/json.hpp>

#include "board_files.hpp"
#include "tinyops/core/error.hpp"

namespace tinyops::compiler {
namespace {

uint32_t parse_address(const nlohmann::json& j, const char* key) {
  const std::string text = j.at(key);
  size_t used = 0;
  const unsigned long value = std::stoul(text, &used, 16);
  if (used != text.size() || value > 0xFFFFFFFFul)
    throw std::invalid_argument(std::string(key) + " is not a 32-bit hex address: " + text);
  return static_cast<uint32_t>(value);
}

Emulator parse_emulator(const nlohmann::json& j) {
  Emulator e;
  e.qemu_machine = j.at("qemu_machine");
  e.qemu_cpu = j.at("qemu_cpu");
  if (j.contains("vector_table")) e.vector_table = parse_address(j, "vector_table");
  e.flash_origin = parse_address(j, "flash_origin");
  e.ram_origin = parse_address(j, "ram_origin");
  e.uart = j.at("uart");
  e.uart_base = parse_address(j, "uart_base");
  e.systick_hz = j.at("systick_hz");
  return e;
}

Board parse_board(const std::string& file, std::string_view text) {
  // Profiles ship inside the binary, so a bad one is a build defect, reported plainly.
  try {
    const auto j = nlohmann::json::parse(text);
    Board b;
    b.name = j.at("name");
    b.title = j.at("title");
    b.mcu = j.at("mcu");
    b.core = j.at("core");
    b.arch = j.at("arch");
    b.clock_hz = j.at("clock_hz");
    b.flash_bytes = j.at("flash_bytes");
    b.ram_bytes = j.at("ram_bytes");
    b.cflags = j.at("cflags").get<std::vector<std::string>>();
    b.dsp_extension = j.at("dsp_extension");
    if (!j.at("emulator").is_null()) b.emulator = parse_emulator(j.at("emulator"));
    b.notes = j.at("notes");
    return b;
  } catch (const std::exception& e) {
    throw std::logic_error("board profile " + file + " is malformed: " + e.what());
  }
}

}  // namespace

const std::vector<Board>& boards() {
  static const std::vector<Board> all = [] {
    std::vector<Board> list;
    Board host;
    host.name = "host";
    host.title = "This machine (host C compiler)";
    host.mcu = "host";
    host.core = "host";
    host.arch = "host";
    host.notes = "Generated code built with the host's cc; no flash or RAM limits.";
    list.push_back(host);
    for (const auto& [file, text] : board_files()) list.push_back(parse_board(file, text));
    return list;
  }();
  return all;
}

const Board& find_board(const std::string& name) {
  std::string known;
  for (const Board& b : boards()) {
    if (b.name == name) return b;
    known += (known.empty() ? "" : ", ") + b.name;
  }
  throw InputError("unknown board '" + name + "'; known boards: " + known +
                   " (see `tinyops farm boards`)");
}

}  // namespace tinyops::compiler
