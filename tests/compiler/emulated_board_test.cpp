// Generated code on an emulated board: the bundle for the cortex-m4f profile is linked
// with the start-up code and linker script under firmware/cortex-m/, run in QEMU's
// mps2-an386 (-icount shift=0), and its output must equal TFLite Micro's reference
// output byte for byte. A smoke test of the device path until the farm exists.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tinyops/compiler/board.hpp"
#include "tinyops/compiler/codegen.hpp"
#include "tinyops/formats/file_io.hpp"
#include "tinyops/formats/tflite_importer.hpp"

namespace tinyops::compiler {
namespace {

namespace fs = std::filesystem;

std::string device_main(const std::vector<uint8_t>& input) {
  std::string bytes;
  for (size_t i = 0; i < input.size(); ++i) bytes += (i ? "," : "") + std::to_string(input[i]);
  return R"(#include <string.h>
#include "model.h"
void tinyops_semihost_write0(const char* text);
static const unsigned char input0[] = {)" +
         bytes + R"(};
int main(void) {
  static char line[2 * MODEL_OUTPUT0_BYTES + 2];
  static const char hex[] = "0123456789abcdef";
  const unsigned char* out;
  int i;
  memcpy(model_input(0), input0, sizeof input0);
  model_invoke();
  out = (const unsigned char*)model_output(0);
  for (i = 0; i < MODEL_OUTPUT0_BYTES; ++i) {
    line[2 * i] = hex[out[i] >> 4];
    line[2 * i + 1] = hex[out[i] & 15];
  }
  line[2 * MODEL_OUTPUT0_BYTES] = '\n';
  tinyops_semihost_write0(line);
  return 0;
}
)";
}

std::string run_capture(const std::string& cmd) {
  std::string out;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

class EmulatedCortexM4 : public testing::TestWithParam<std::string> {};

TEST_P(EmulatedCortexM4, MatchesTfliteMicroReference) {
  const fs::path models(TINYOPS_SHARED_MODELS);
  const std::string name = GetParam();
  const Graph graph = formats::import_tflite_file(models / (name + ".tflite"));
  const Board& board = find_board("cortex-m4f");
  CodegenOptions options;
  options.board = board.name;
  const GeneratedBundle bundle = generate_c(graph, options);

  const fs::path dir =
      fs::temp_directory_path() / ("tinyops-m4-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "tinyops/runtime");
  for (const auto& [path, text] : bundle.files) std::ofstream(dir / path) << text;
  std::ofstream(dir / "device_main.c")
      << device_main(formats::read_file(models / (name + ".vectors") / "input_0.bin"));

  const fs::path fw(TINYOPS_FIRMWARE);
  std::string link =
      "cd " + dir.string() +
      " && arm-none-eabi-gcc -std=c99 -Wall -Wextra -Werror -O2 -ffp-contract=off -I.";
  for (const std::string& flag : board.cflags) link += " " + flag;
  link += " -nostartfiles --specs=nano.specs -T " + (fw / "cortex-m/mps2_an386.ld").string() +
          " -Wl,--gc-sections *.c " + (fw / "cortex-m/startup.c").string() + " " +
          (fw / "cortex-m/semihost.c").string() + " -lm -o fw.elf > link.log 2>&1";
  ASSERT_EQ(std::system(link.c_str()), 0) << "firmware does not link; see " << dir / "link.log";

  const std::string out =
      run_capture("timeout 120 qemu-system-arm -machine " + board.emulator->qemu_machine +
                  " -cpu " + board.emulator->qemu_cpu +
                  " -nographic -monitor none -serial none"
                  " -semihosting-config enable=on,target=native -icount shift=0 -kernel " +
                  (dir / "fw.elf").string() + " < /dev/null 2>&1");
  const auto expected = formats::read_file(models / (name + ".vectors") / "output_0.bin");
  std::string hex;
  for (uint8_t b : expected) {
    static const char digits[] = "0123456789abcdef";
    hex += digits[b >> 4];
    hex += digits[b & 15];
  }
  EXPECT_EQ(out, hex + "\n") << "emulated Cortex-M4 output differs from TFLite Micro's";
  if (!HasFailure()) fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(SharedModels, EmulatedCortexM4,
                         testing::Values("tflm_micro_speech_int8", "mlperf_tiny_kws_int8",
                                         "tflm_micro_speech_audio_preprocessor_int8"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace tinyops::compiler
