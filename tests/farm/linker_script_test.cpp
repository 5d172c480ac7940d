#include <gtest/gtest.h>

#include "tinyops/core/error.hpp"
#include "tinyops/farm/firmware.hpp"

namespace tinyops::farm {
namespace {

TEST(LinkerScript, HoldsTheBoardsRealFlashAndRam) {
  const std::string nano = linker_script(compiler::find_board("nano33ble"));
  EXPECT_NE(nano.find("FLASH (rx)  : ORIGIN = 0x00000000, LENGTH = 1048576"), std::string::npos)
      << nano;
  EXPECT_NE(nano.find("RAM   (rwx) : ORIGIN = 0x20000000, LENGTH = 262144"), std::string::npos);
  const std::string edge = linker_script(compiler::find_board("sparkfun_edge2"));
  EXPECT_NE(edge.find("LENGTH = 393216"), std::string::npos);  // 384 kB
}

TEST(LinkerScript, PutsTheVectorTableWhereTheCoreLooksForIt) {
  // The MPS3 AN547 boots from ITCM at 0x10000000 but has 2 MB of code memory elsewhere.
  const std::string m55 = linker_script(compiler::find_board("cortex-m55"));
  EXPECT_NE(m55.find("BOOT  (rx)  : ORIGIN = 0x10000000"), std::string::npos) << m55;
  EXPECT_NE(m55.find("KEEP(*(.vectors)) } > BOOT"), std::string::npos);
  const std::string m4 = linker_script(compiler::find_board("cortex-m4f"));
  EXPECT_EQ(m4.find("BOOT"), std::string::npos);
}

TEST(LinkerScript, BoardsWithoutAnEmulatorHaveNone) {
  EXPECT_THROW(linker_script(compiler::find_board("esp_eye")), InputError);
}

}  // namespace
}  // namespace tinyops::farm
