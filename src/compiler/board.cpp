#include "tinyops/compiler/board.hpp"

#include <nlohmann/json.hpp>

#include "board_files.hpp"
#include "tinyops/core/error.hpp"

namespace tinyops::compiler {
namespace {

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
    if (!j.at("qemu_machine").is_null()) b.qemu_machine = j.at("qemu_machine").get<std::string>();
    if (!j.at("qemu_cpu").is_null()) b.qemu_cpu = j.at("qemu_cpu").get<std::string>();
    b.notes = j.at("notes");
    return b;
  } catch (const nlohmann::json::exception& e) {
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
