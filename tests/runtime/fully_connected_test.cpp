// FULLY_CONNECTED kernels: hand-computed per-tensor and per-channel cases with batches,
// rounding of ties, clamps, and requantisation of accumulators at the int32 extremes.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "tinyops/runtime/fully_connected.h"

namespace {

constexpr int32_t kOne = 1 << 30;  // multiplier 0.5 at shift 0

TEST(FullyConnectedS8, PerTensorTwoBatches) {
  // Input zero point 1: rows [0 1 2] and [-2 -1 3]. Weights [1 1 1] and [2 -1 0].
  const std::vector<int8_t> input = {1, 2, 3, -1, 0, 4};
  const std::vector<int8_t> filter = {1, 1, 1, 2, -1, 0};
  const std::vector<int32_t> bias = {10, -1};
  const int32_t mult[] = {kOne}, shift[] = {0};
  const tinyops_per_channel_quant quant = {mult, shift};
  const tinyops_fully_connected_params p = {2, 3, 2, -1, 0, 3, -128, 127, 0};
  std::vector<int8_t> output(4);
  tinyops_fully_connected_s8(&p, &quant, input.data(), filter.data(), bias.data(), output.data());
  // Sums 3, -1, 0, -3; + bias 13, -2, 10, -4; x 0.5 -> 7 (6.5 away from zero), -1, 5, -2;
  // + 3.
  EXPECT_EQ(output, (std::vector<int8_t>{10, 2, 8, 1}));
}

TEST(FullyConnectedS8, PerChannelAndActivationMinimum) {
  const std::vector<int8_t> input = {1, 2, 3, -1, 0, 4};
  const std::vector<int8_t> filter = {1, 1, 1, 2, -1, 0};
  const std::vector<int32_t> bias = {10, -1};
  const int32_t mult[] = {kOne, kOne}, shift[] = {1, -1};  // x 1.0 and x 0.25
  const tinyops_per_channel_quant quant = {mult, shift};
  const tinyops_fully_connected_params p = {2, 3, 2, -1, 0, 3, 3, 127, 1};
  std::vector<int8_t> output(4);
  tinyops_fully_connected_s8(&p, &quant, input.data(), filter.data(), bias.data(), output.data());
  // Row 1 x 0.25: -2 -> -0.5 rounds away from zero to -1, -4 -> -1; then + 3 and the
  // activation minimum 3.
  EXPECT_EQ(output, (std::vector<int8_t>{16, 3, 13, 3}));
}

TEST(FullyConnectedS8, FilterOffset) {
  const std::vector<int8_t> input = {2, 3};
  const std::vector<int8_t> filter = {5, 7};  // zero point 4: effective 1, 3
  const int32_t mult[] = {kOne}, shift[] = {1};
  const tinyops_per_channel_quant quant = {mult, shift};
  const tinyops_fully_connected_params p = {1, 2, 1, 0, -4, 0, -128, 127, 0};
  int8_t output = 0;
  tinyops_fully_connected_s8(&p, &quant, input.data(), filter.data(), nullptr, &output);
  EXPECT_EQ(output, 11);
}

TEST(FullyConnectedS8, RequantisesAccumulatorsAtInt32Extremes) {
  // A zero dot product leaves the bias as the accumulator. x 2^-25 (multiplier 0.5,
  // shift -24): INT32_MAX -> 63.99999997 -> 64; INT32_MIN -> -64 exactly.
  const int8_t input[] = {0};
  const int8_t filter[] = {0, 0};
  const int32_t bias[] = {std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min()};
  const int32_t mult[] = {kOne}, shift[] = {-24};
  const tinyops_per_channel_quant quant = {mult, shift};
  const tinyops_fully_connected_params p = {1, 1, 2, 0, 0, 0, -128, 127, 0};
  int8_t output[2] = {0, 0};
  tinyops_fully_connected_s8(&p, &quant, input, filter, bias, output);
  EXPECT_EQ(output[0], 64);
  EXPECT_EQ(output[1], -64);

  // Largest multiplier (just under 1.0): INT32_MAX stays INT32_MAX, then clamps to 127.
  const int32_t big_mult[] = {std::numeric_limits<int32_t>::max()}, big_shift[] = {0};
  const tinyops_per_channel_quant big = {big_mult, big_shift};
  tinyops_fully_connected_s8(&p, &big, input, filter, bias, output);
  EXPECT_EQ(output[0], 127);
  EXPECT_EQ(output[1], -128);
}

TEST(FullyConnectedS8, NegativeTiesRoundAwayFromZeroInTheShift) {
  // -6 x 0.25 = -1.5: the doubling high multiply is exact (-3), the rounding shift takes
  // -1.5 to -2. -3 x 0.5 = -1.5 in the high multiply itself rounds to -1.
  const int8_t input[] = {1};
  const int8_t filter[] = {0, 0};
  const int32_t bias[] = {-6, -3};
  const int32_t mult[] = {kOne, kOne}, shift[] = {-1, 0};
  const tinyops_per_channel_quant quant = {mult, shift};
  const tinyops_fully_connected_params p = {1, 1, 2, 0, 0, 0, -128, 127, 1};
  int8_t output[2] = {0, 0};
  tinyops_fully_connected_s8(&p, &quant, input, filter, bias, output);
  EXPECT_EQ(output[0], -2);
  EXPECT_EQ(output[1], -1);
}

TEST(FullyConnectedF32, BatchesBiasAndRelu) {
  const std::vector<float> input = {1, 2, 3, -1, 0, 4};
  const std::vector<float> filter = {0.5f, 0.25f, 1.0f, 2.0f, -1.0f, 0.0f};
  const std::vector<float> bias = {0.125f, -0.5f};
  const tinyops_fully_connected_params_f32 p = {2, 3, 2, 0.0f, std::numeric_limits<float>::max()};
  std::vector<float> output(4);
  tinyops_fully_connected_f32(&p, input.data(), filter.data(), bias.data(), output.data());
  // 4 + 0.125, 0 - 0.5 -> 0; 3.5 + 0.125, -2 - 0.5 -> 0.
  EXPECT_EQ(output, (std::vector<float>{4.125f, 0.0f, 3.625f, 0.0f}));
}

TEST(FullyConnectedF32, NoBiasAndRange) {
  const std::vector<float> input = {3, -3};
  const std::vector<float> filter = {1, 0, 0, 1};
  const tinyops_fully_connected_params_f32 p = {1, 2, 2, -1.0f, 1.0f};
  std::vector<float> output(2);
  tinyops_fully_connected_f32(&p, input.data(), filter.data(), nullptr, output.data());
  EXPECT_EQ(output, (std::vector<float>{1.0f, -1.0f}));
}

}  // namespace
