#include "tinyops/compiler/board.hpp"

#include <gtest/gtest.h>

#include "tinyops/core/error.hpp"

namespace tinyops::compiler {
namespace {

TEST(Boards, TheDeploymentTableBoardsHaveTheirRealLimits) {
  const Board& nano = find_board("nano33ble");
  EXPECT_EQ(nano.core, "cortex-m4f");
  EXPECT_EQ(nano.clock_hz, 64'000'000);
  EXPECT_EQ(nano.flash_bytes, 1024 * 1024);
  EXPECT_EQ(nano.ram_bytes, 256 * 1024);
  ASSERT_TRUE(nano.emulator.has_value());
  EXPECT_EQ(nano.emulator->qemu_machine, "mps2-an386");
  EXPECT_EQ(nano.emulator->systick_hz, 25'000'000);
  EXPECT_TRUE(nano.dsp_extension);
  EXPECT_FALSE(find_board("cortex-m0").dsp_extension);
  EXPECT_EQ(find_board("sparkfun_edge2").ram_bytes, 384 * 1024);
  EXPECT_EQ(find_board("esp_eye").flash_bytes, 4 * 1024 * 1024);
  EXPECT_FALSE(find_board("esp_eye").emulator.has_value());
  EXPECT_FALSE(find_board("himax_we1").emulator.has_value());
}

TEST(Boards, GenericCortexMProfilesNameTheirEmulator) {
  for (const char* name :
       {"cortex-m0", "cortex-m3", "cortex-m4f", "cortex-m7", "cortex-m33", "cortex-m55"}) {
    const Board& b = find_board(name);
    EXPECT_TRUE(b.emulator.has_value()) << name;
    EXPECT_GT(b.flash_bytes, 0) << name;
    EXPECT_FALSE(b.cflags.empty()) << name;
  }
}

TEST(Boards, UnknownBoardListsTheKnownOnes) {
  try {
    find_board("arduino-uno");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nano33ble"), std::string::npos);
  }
}

}  // namespace
}  // namespace tinyops::compiler
