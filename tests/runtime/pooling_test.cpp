// Pooling kernels: SAME padding where the count excludes padded taps, TFLite's rounding of
// the int8 average (half away from zero), clamps, VALID stride 1, float variants.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "tinyops/runtime/pooling.h"

namespace {

// 3x3x2 image: channel 0 = [1 2 3; 4 5 6; 7 8 10], channel 1 its negation.
std::vector<int8_t> two_channel_image() {
  const int8_t v[] = {1, 2, 3, 4, 5, 6, 7, 8, 10};
  std::vector<int8_t> image;
  for (int8_t x : v) {
    image.push_back(x);
    image.push_back(static_cast<int8_t>(-x));
  }
  return image;
}

// 2x2 filter, stride 2, SAME on 3x3: one padded row/column after; windows hold 4, 2, 2, 1.
constexpr tinyops_dims4 kIn = {1, 3, 3, 2}, kOut = {1, 2, 2, 2};

TEST(AvgPool2dS8, SamePaddingCountsOnlyImagePixelsAndRoundsHalfAway) {
  const auto input = two_channel_image();
  const tinyops_pool_params p = {2, 2, 2, 2, 0, 0, -128, 127};
  std::vector<int8_t> output(8);
  tinyops_avg_pool2d_s8(&p, &kIn, input.data(), &kOut, output.data());
  // 12/4 = 3, 9/2 = 4.5 -> 5, 15/2 = 7.5 -> 8, 10/1; negatives mirror (-4.5 -> -5).
  EXPECT_EQ(output, (std::vector<int8_t>{3, -3, 5, -5, 8, -8, 10, -10}));
}

TEST(AvgPool2dS8, ActivationClamp) {
  const auto input = two_channel_image();
  const tinyops_pool_params p = {2, 2, 2, 2, 0, 0, -6, 6};
  std::vector<int8_t> output(8);
  tinyops_avg_pool2d_s8(&p, &kIn, input.data(), &kOut, output.data());
  EXPECT_EQ(output, (std::vector<int8_t>{3, -3, 5, -5, 6, -6, 6, -6}));
}

TEST(AvgPool2dS8, ValidStride1) {
  const std::vector<int8_t> input = {-128, -128, -128, -127};  // sum -511 / 4 = -127.75
  const tinyops_pool_params p = {1, 1, 2, 2, 0, 0, -128, 127};
  const tinyops_dims4 in = {1, 2, 2, 1}, out = {1, 1, 1, 1};
  int8_t output = 0;
  tinyops_avg_pool2d_s8(&p, &in, input.data(), &out, &output);
  EXPECT_EQ(output, -128);  // (-511 - 2) / 4 = -128 (truncating division)
}

TEST(AvgPool2dS8, SamePaddingBeforeAndAfter) {
  // 3x3 filter, stride 1, SAME on a 2x2 image: padding one before; every window sees all
  // four pixels 1, 2, 3, 4 -> 10 / 4 = 2.5 -> 3.
  const std::vector<int8_t> input = {1, 2, 3, 4};
  const tinyops_pool_params p = {1, 1, 3, 3, 1, 1, -128, 127};
  const tinyops_dims4 in = {1, 2, 2, 1}, out = {1, 2, 2, 1};
  std::vector<int8_t> output(4);
  tinyops_avg_pool2d_s8(&p, &in, input.data(), &out, output.data());
  EXPECT_EQ(output, (std::vector<int8_t>{3, 3, 3, 3}));
}

TEST(MaxPool2dS8, SamePaddingIgnoresPaddedTaps) {
  const auto input = two_channel_image();
  const tinyops_pool_params p = {2, 2, 2, 2, 0, 0, -128, 127};
  std::vector<int8_t> output(8);
  tinyops_max_pool2d_s8(&p, &kIn, input.data(), &kOut, output.data());
  // Negative channel: padding does not contribute a 0 (or the zero point).
  EXPECT_EQ(output, (std::vector<int8_t>{5, -1, 6, -3, 8, -7, 10, -10}));
}

TEST(MaxPool2dS8, ActivationClamp) {
  const auto input = two_channel_image();
  const tinyops_pool_params p = {2, 2, 2, 2, 0, 0, -5, 7};
  std::vector<int8_t> output(8);
  tinyops_max_pool2d_s8(&p, &kIn, input.data(), &kOut, output.data());
  EXPECT_EQ(output, (std::vector<int8_t>{5, -1, 6, -3, 7, -5, 7, -5}));
}

TEST(AvgPool2dF32, SamePaddingAndRelu6) {
  const std::vector<float> input = {1, 2, 3, 4, 5, 6, 7, 8, 10};
  const tinyops_pool_params_f32 p = {2, 2, 2, 2, 0, 0, 0.0f, 6.0f};
  const tinyops_dims4 in = {1, 3, 3, 1}, out = {1, 2, 2, 1};
  std::vector<float> output(4);
  tinyops_avg_pool2d_f32(&p, &in, input.data(), &out, output.data());
  EXPECT_EQ(output, (std::vector<float>{3.0f, 4.5f, 6.0f, 6.0f}));
}

TEST(AvgPool2dF32, DividesTheFloatSumByTheCount) {
  const std::vector<float> input = {0.1f, 0.2f, 0.4f};
  const tinyops_pool_params_f32 p = {
      1, 1, 1, 3, 0, 0, std::numeric_limits<float>::lowest(), std::numeric_limits<float>::max()};
  const tinyops_dims4 in = {1, 1, 3, 1}, out = {1, 1, 1, 1};
  float output = 0;
  tinyops_avg_pool2d_f32(&p, &in, input.data(), &out, &output);
  EXPECT_EQ(output, ((0.0f + 0.1f) + 0.2f + 0.4f) / 3.0f);
}

TEST(MaxPool2dF32, SamePaddingAndRange) {
  const std::vector<float> input = {-1, -2, -3, -4, -5, -6, -7, -8, -10};
  const tinyops_pool_params_f32 p = {2, 2, 2, 2, 0, 0, -7.5f, 0.0f};
  const tinyops_dims4 in = {1, 3, 3, 1}, out = {1, 2, 2, 1};
  std::vector<float> output(4);
  tinyops_max_pool2d_f32(&p, &in, input.data(), &out, output.data());
  EXPECT_EQ(output, (std::vector<float>{-1.0f, -3.0f, -7.0f, -7.5f}));
}

}  // namespace
