// The EnergyRunner protocol between host and firmware, driven command by command.
#include "tinyops/farm/energy_runner.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "tinyops/farm/firmware.hpp"
#include "tinyops/formats/tflite_importer.hpp"

namespace tinyops::farm {
namespace {

namespace fs = std::filesystem;

class EnergyRunner : public testing::TestWithParam<std::string> {
 protected:
  static fs::path build(const std::string& board_name) {
    const fs::path dir =
        fs::temp_directory_path() / ("tinyops-er-" + board_name + "-" + std::to_string(::getpid()));
    static const Graph graph = formats::import_tflite_file(fs::path(TINYOPS_SHARED_MODELS) /
                                                           "tflm_hello_world_int8.tflite");
    const compiler::GeneratedBundle bundle = compiler::generate_c(graph, {});
    const FirmwareBuild fw = build_firmware(compiler::find_board(board_name), graph, bundle, dir);
    EXPECT_TRUE(fw.fits);
    return fw.elf;
  }
};

TEST_P(EnergyRunner, CountsExactlyTheInstructionsOfAKnownLoop) {
  const compiler::Board& board = compiler::find_board(GetParam());
  const fs::path elf = build(board.name);
  EnergyRunnerSession device(board, elf, std::chrono::seconds(60));
  EXPECT_EQ(device.name(), board.name);
  // 2N instructions, plus the handful that read the counter; within one SysTick quantum.
  const int64_t quantum = 1'000'000'000 / board.emulator->systick_hz;
  for (uint32_t n : {10'000u, 1'000'000u}) {
    const int64_t counted = device.calibrate(n);
    EXPECT_GE(counted, 2 * int64_t{n} - quantum) << n;
    EXPECT_LE(counted, 2 * int64_t{n} + 2 * quantum + 64) << n;
  }
  EXPECT_NO_THROW(device.check_instruction_counter());
  fs::remove_all(elf.parent_path());
}

INSTANTIATE_TEST_SUITE_P(EveryEmulator, EnergyRunner,
                         testing::Values("cortex-m0", "cortex-m3", "cortex-m4f", "cortex-m7",
                                         "cortex-m33", "cortex-m55"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(EnergyRunnerProtocol, RejectsAWrongLoadSizeAndStaysUsable) {
  const compiler::Board& board = compiler::find_board("cortex-m4f");
  const fs::path dir =
      fs::temp_directory_path() / ("tinyops-er-proto-" + std::to_string(::getpid()));
  const Graph graph =
      formats::import_tflite_file(fs::path(TINYOPS_SHARED_MODELS) / "tflm_hello_world_int8.tflite");
  const FirmwareBuild fw = build_firmware(board, graph, compiler::generate_c(graph, {}), dir);
  EnergyRunnerSession device(board, fw.elf, std::chrono::seconds(60));
  try {
    device.load({1, 2, 3});  // the model takes 1 byte
    FAIL() << "a 3-byte load was accepted";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("takes 1 input bytes"), std::string::npos) << e.what();
  }
  // The session is still usable after an error reply.
  device.load({0x40});
  EXPECT_GT(device.infer().instructions, 0);
  EXPECT_EQ(device.results().size(), 1u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tinyops::farm
