// Feature-block parity between the host and an emulated Cortex-M4F: the scenario in
// features_parity_scenario.h (every block, fixed parameters, pseudo-random inputs) runs
// here in the test process and, compiled with arm-none-eabi-gcc and the board's flags, in
// QEMU; the device prints each block's output bytes in hex over semihosting and the two
// transcripts must be identical: the feature blocks are bit-exact across platforms.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "features_parity_scenario.h"
#include "tinyops/compiler/board.hpp"
#include "tinyops/farm/firmware.hpp"
#include "tinyops/farm/process.hpp"

namespace tinyops::farm {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceRoot = fs::path(TINYOPS_FIRMWARE).parent_path();

// "name hex..." per block, 32 bytes of hex per line, as the device prints it.
std::string transcript_line(const char* name, const void* data, int32_t bytes) {
  static const char* digits = "0123456789abcdef";
  std::string text;
  const auto* p = static_cast<const uint8_t*>(data);
  for (int32_t offset = 0; offset < bytes; offset += 32) {
    text += std::string(name) + " " + std::to_string(offset) + " ";
    for (int32_t i = offset; i < bytes && i < offset + 32; ++i) {
      text += digits[p[i] >> 4];
      text += digits[p[i] & 15];
    }
    text += "\n";
  }
  return text;
}

std::string host_transcript;

void host_begin(const char*) {}
void host_emit(const char* name, const void* data, int32_t bytes) {
  host_transcript += transcript_line(name, data, bytes);
}

// The device program: the same scenario, its sink printing the same lines over
// semihosting, plus the instructions each block took (lines starting "instructions").
constexpr const char* kDeviceMain = R"(#include <stdint.h>
#include "device.h"
#include "features_parity_scenario.h"

void tinyops_semihost_write0(const char* text);

static char line[160];

static void put_number(char** at, uint64_t value) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = (char)('0' + (int)(value % 10u));
    value /= 10u;
  } while (value != 0u);
  while (n > 0) *(*at)++ = digits[--n];
}

static void put_text(char** at, const char* text) {
  while (*text) *(*at)++ = *text++;
}

static void device_begin(const char* name) {
  (void)name;
  tinyops_ticks_start();
}

static void device_emit(const char* name, const void* data, int32_t bytes) {
  static const char digits[] = "0123456789abcdef";
  const uint64_t ticks = tinyops_ticks_now();
  const uint8_t* p = (const uint8_t*)data;
  int32_t offset, i;
  char* at = line;
  put_text(&at, "ticks ");
  put_text(&at, name);
  *at++ = ' ';
  put_number(&at, ticks);
  *at++ = '\n';
  *at = 0;
  tinyops_semihost_write0(line);
  for (offset = 0; offset < bytes; offset += 32) {
    at = line;
    put_text(&at, name);
    *at++ = ' ';
    put_number(&at, (uint64_t)offset);
    *at++ = ' ';
    for (i = offset; i < bytes && i < offset + 32; ++i) {
      *at++ = digits[p[i] >> 4];
      *at++ = digits[p[i] & 15];
    }
    *at++ = '\n';
    *at = 0;
    tinyops_semihost_write0(line);
  }
}

int main(void) {
  parity_sink sink;
  sink.begin = device_begin;
  sink.emit = device_emit;
  parity_run(&sink);
  tinyops_semihost_write0("done\n");
  return 0;
}
)";

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

TEST(FeaturesParity, HostAndCortexM4fGiveTheSameBits) {
  if (!program_in_path("arm-none-eabi-gcc") || !program_in_path("qemu-system-arm"))
    GTEST_SKIP() << "arm-none-eabi-gcc or qemu-system-arm not installed";
  const compiler::Board& board = compiler::find_board("cortex-m4f");
  ASSERT_TRUE(board.emulator.has_value());
  const fs::path dir =
      fs::temp_directory_path() / ("tinyops_features_parity_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  write_text(dir / "main.c", kDeviceMain);
  write_text(dir / "link.ld", linker_script(board));

  const std::vector<std::string> sources = {"fft_f32.c",        "features_window.c",
                                            "features_raw.c",   "features_spectral.c",
                                            "features_audio.c", "features_image.c"};
  std::vector<std::string> objects;
  auto compile = [&](const fs::path& source, bool pedantic) {
    const std::string object = (dir / source.filename()).replace_extension(".o").string();
    std::vector<std::string> argv = {"arm-none-eabi-gcc",
                                     "-std=c99",
                                     "-O2",
                                     "-ffp-contract=off",
                                     "-ffunction-sections",
                                     "-fdata-sections",
                                     "-Wall",
                                     "-Wextra",
                                     "-Werror",
                                     "-I" + (kSourceRoot / "src/runtime/include").string(),
                                     "-I" + (kSourceRoot / "tests/farm").string(),
                                     "-I" + (kSourceRoot / "firmware/cortex-m").string()};
    argv.insert(argv.end(), board.cflags.begin(), board.cflags.end());
    if (pedantic) argv.push_back("-pedantic");
    argv.insert(argv.end(), {"-c", source.string(), "-o", object});
    const CommandResult r = run_command(argv, dir);
    ASSERT_EQ(r.exit_code, 0) << source << ":\n" << r.output;
    objects.push_back(object);
  };
  for (const std::string& s : sources) {
    compile(kSourceRoot / "src/runtime" / s, true);
    if (HasFatalFailure()) return;
  }
  compile(dir / "main.c", true);
  // Start-up code needs a vector table of function addresses, which -pedantic rejects.
  for (const char* s : {"startup.c", "semihost.c", "counters.c"})
    compile(kSourceRoot / "firmware/cortex-m" / s, false);
  if (HasFatalFailure()) return;

  std::vector<std::string> link = {"arm-none-eabi-gcc"};
  link.insert(link.end(), board.cflags.begin(), board.cflags.end());
  link.insert(link.end(), {"-nostartfiles", "--specs=nano.specs", "-T", "link.ld",
                           "-Wl,--gc-sections", "-o", "parity.elf"});
  link.insert(link.end(), objects.begin(), objects.end());
  link.push_back("-lm");
  const CommandResult linked = run_command(link, dir);
  ASSERT_EQ(linked.exit_code, 0) << linked.output;

  const compiler::Emulator& e = *board.emulator;
  const CommandResult run = run_command(
      {"timeout", "300", "qemu-system-arm", "-machine", e.qemu_machine, "-cpu", e.qemu_cpu,
       "-display", "none", "-monitor", "none", "-serial", "null", "-semihosting-config",
       "enable=on,target=native", "-icount", "shift=0", "-kernel", (dir / "parity.elf").string()},
      dir);
  ASSERT_EQ(run.exit_code, 0) << run.output.substr(0, 2000);
  ASSERT_NE(run.output.find("done\n"), std::string::npos) << run.output.substr(0, 2000);

  std::string device;
  std::map<std::string, double> instructions;
  std::istringstream lines(run.output);
  for (std::string l; std::getline(lines, l);) {
    if (l.rfind("ticks ", 0) == 0) {
      std::istringstream fields(l.substr(6));
      std::string name;
      uint64_t ticks = 0;
      fields >> name >> ticks;
      instructions[name] = static_cast<double>(ticks) * (1e9 / static_cast<double>(e.systick_hz));
    } else if (l != "done" && !l.empty()) {
      device += l + "\n";
    }
  }

  host_transcript.clear();
  const parity_sink sink = {host_begin, host_emit};
  parity_run(&sink);
  ASSERT_FALSE(host_transcript.empty());
  EXPECT_EQ(instructions.size(), 9u);
  if (device != host_transcript) {
    // Name the first differing line rather than printing two transcripts.
    std::istringstream h(host_transcript), d(device);
    std::string hl, dl;
    while (std::getline(h, hl) && std::getline(d, dl) && hl == dl) {
    }
    ADD_FAILURE() << "host and device features differ\nhost:   " << hl << "\ndevice: " << dl;
  }
  for (const auto& [name, count] : instructions)
    std::printf("%-24s %12.0f instructions on %s\n", name.c_str(), count, board.name.c_str());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tinyops::farm
