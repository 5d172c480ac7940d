#include "tinyops/core/shape.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tinyops {
namespace {

TEST(ComputeWindow, ValidPadding) {
  // 10 wide, 3-tap filter, stride 1: 8 outputs, no padding.
  EXPECT_EQ(compute_window(false, 10, 3, 1, 1).output_size, 8);
  EXPECT_EQ(compute_window(false, 10, 3, 1, 1).pad_before, 0);
  // stride 2: (10 - 3 + 2) / 2 = 4
  EXPECT_EQ(compute_window(false, 10, 3, 2, 1).output_size, 4);
}

TEST(ComputeWindow, SamePaddingPutsTheOddPixelAfter) {
  // 49 tall, 10-tap, stride 2 (KWS first conv): 25 outputs, total pad 9 -> 4 before.
  const auto g = compute_window(true, 49, 10, 2, 1);
  EXPECT_EQ(g.output_size, 25);
  EXPECT_EQ(g.pad_before, 4);
  // 10 wide, 4-tap, stride 2: 5 outputs, total pad 2 -> 1 before.
  EXPECT_EQ(compute_window(true, 10, 4, 2, 1).pad_before, 1);
}

TEST(ComputeWindow, DilationWidensTheFilter) {
  // 3-tap with dilation 2 spans 5: VALID on 9 gives 5 outputs.
  EXPECT_EQ(compute_window(false, 9, 3, 1, 2).output_size, 5);
  EXPECT_EQ(compute_window(true, 9, 3, 1, 2).pad_before, 2);
}

TEST(ElementCount, RejectsNegativeAndHugeShapes) {
  EXPECT_EQ(element_count(std::vector<int32_t>{2, 3, 4}), 24);
  EXPECT_EQ(element_count(std::vector<int32_t>{}), 1);
  EXPECT_EQ(element_count(std::vector<int32_t>{2, -1}), -1);
  EXPECT_EQ(element_count(std::vector<int32_t>{1 << 16, 1 << 16}), -1);
}

}  // namespace
}  // namespace tinyops
