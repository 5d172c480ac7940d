// What the device agent costs on a board profile (default nano33ble): flash and static RAM
// of a release image with the agent against the same model's farm firmware without it, the
// bootloader's size, and the instructions the bootloader spends on its checks (Ed25519
// signature, SHA-256 of the image, boot record), measured in QEMU with -icount shift=0.
// Run: build/bench/bench_agent_cost [BOARD]   (models: ../shared/models hello_world and
// person_detect, for a small and a large image)
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <regex>
#include <nlohmann/json.hpp>

#include "tinyops/compiler/board.hpp"
#include "tinyops/compiler/codegen.hpp"
#include "tinyops/farm/firmware.hpp"
#include "tinyops/farm/process.hpp"
#include "tinyops/fleet/gateway.hpp"
#include "tinyops/fleet/keys.hpp"
#include "tinyops/fleet/release.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_importer.hpp"
#include "tinyops/store/registry.hpp"

namespace fs = std::filesystem;
using namespace tinyops;

namespace {

struct ElfSize {
  int64_t text = 0, data = 0, bss = 0;
};

ElfSize elf_size(const fs::path& elf) {
  const farm::CommandResult r = farm::run_command({"arm-none-eabi-size", elf.string()});
  static const std::regex row(R"(^\s*(\d+)\s+(\d+)\s+(\d+))");
  std::smatch m;
  const std::string second = r.output.substr(r.output.find('\n') + 1);
  if (r.exit_code != 0 || !std::regex_search(second, m, row)) throw std::runtime_error("arm-none-eabi-size: " + r.output);
  return {std::stoll(m[1]), std::stoll(m[2]), std::stoll(m[3])};
}

void measure(const compiler::Board& board, const fs::path& model_path, const fs::path& dir) {
  const auto bytes = formats::read_file(model_path);
  const Graph graph = formats::import_tflite(bytes, model_path.filename().string());
  const compiler::GeneratedBundle bundle = compiler::generate_c(graph, {});
  const farm::FirmwareBuild plain = farm::build_firmware(board, graph, bundle, dir / "plain");
  store::Workspace ws = store::Workspace::init(dir / "ws");
  const store::Artifact model = store::record_artifact(ws, "int8_model", "m", bytes, "{}");
  // the release gate reads a farm report; this measurement is not about the gate
  nlohmann::json meta;
  meta["boards"] = nlohmann::json::array({{{"board", board.name}, {"passed", true}, {"fits", true}, {"bit_exact", true}}});
  const std::string text = meta.dump();
  store::record_artifact(ws, "farm_report", "m/farm", std::vector<uint8_t>(text.begin(), text.end()), text, {{model.id, "model"}});
  fleet::create_key(ws, "default");
  fleet::ReleaseOptions o;
  o.model = model.id;
  o.board = board.name;
  const fleet::Release release = fleet::create_release(ws, o);
  const fleet::EmulatedBoard files = fleet::provision_emulated_board(ws, release.id, "default", dir / "emu");
  const ElfSize with = elf_size(dir / "emu/firmware/firmware.elf"), without = elf_size(plain.elf);
  const ElfSize boot = elf_size(files.bootloader_elf);

  fleet::QemuDevice qemu(board, files.bootloader_elf, files.flash_dump);
  int64_t select = -1, signature = -1;
  std::string seen;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  static const std::regex select_re(R"(m-boot-select-ticks-(\d+))"), sig_re(R"(m-boot-signature-ticks-(\d+))");
  while ((select < 0 || signature < 0) && std::chrono::steady_clock::now() < until) {
    const auto got = qemu.listen(std::chrono::milliseconds(500));
    seen.append(got.begin(), got.end());
    std::smatch m;
    if (std::regex_search(seen, m, select_re)) select = std::stoll(m[1]);
    if (std::regex_search(seen, m, sig_re)) signature = std::stoll(m[1]);
  }
  const double per_tick = 1e9 / static_cast<double>(board.emulator->systick_hz);
  std::cout << fmt::format(
      "| {} | {} | {:+} | {:+} | {} | {} | {:.0f} | {:.0f} |\n", model_path.stem().string(), release.manifest.image_size,
      (with.text + with.data) - (without.text + without.data), (with.data + with.bss) - (without.data + without.bss),
      boot.text + boot.data, boot.data + boot.bss, select * per_tick, signature * per_tick);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const compiler::Board& board = compiler::find_board(argc > 1 ? argv[1] : "nano33ble");
    const fs::path models = TINYOPS_SHARED_MODELS;
    const fs::path dir = fs::temp_directory_path() / fmt::format("tinyops-agent-cost-{}", ::getpid());
    std::cout << fmt::format("Device agent on {} ({}), QEMU {} with -icount shift=0\n\n", board.name, board.title,
                             board.emulator->qemu_machine);
    std::cout << "| model | image bytes | agent flash | agent static RAM | bootloader flash | bootloader static RAM | "
                 "boot decision (instructions) | Ed25519 check (instructions) |\n"
                 "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    measure(board, models / "tflm_hello_world_int8.tflite", dir / "hello");
    measure(board, models / "extra/tflm_person_detect_int8.tflite", dir / "person");
    fs::remove_all(dir);
  } catch (const std::exception& e) {
    std::cerr << "bench_agent_cost: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
