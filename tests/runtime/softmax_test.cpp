// SOFTMAX: int8 saturation and rounding on hand-computed cases, int16 output, float.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tinyops/core/quantization.hpp"
#include "tinyops/runtime/activations.h"

namespace {

// TFLite's PreprocessSoftmaxScaling + CalculateInputRadius for 5 integer bits.
tinyops_softmax_params params_for(float beta, float input_scale, int rows, int depth) {
  const double real = std::min(static_cast<double>(beta) * input_scale * (1 << 26), 2147483647.0);
  const auto m = tinyops::quantize_multiplier(real);
  const double radius = 31.0 * std::ldexp(1.0, 26) / std::ldexp(1.0, m.shift);
  return {rows, depth, m.multiplier, m.shift, -static_cast<int32_t>(std::floor(radius))};
}

TEST(SoftmaxS8, EqualInputsShareProbabilityExactly) {
  const auto p = params_for(1.0f, 0.1f, 1, 4);
  const std::vector<int8_t> in = {7, 7, 7, 7};
  std::vector<int8_t> out(4);
  tinyops_softmax_s8(&p, in.data(), out.data());
  // 1/4 * 256 - 128 = -64.
  EXPECT_EQ(out, (std::vector<int8_t>{-64, -64, -64, -64}));
}

TEST(SoftmaxS8, DominantValueSaturatesAt127) {
  // Scale 1: differences of 255 are far below diff_min; the maximum alone gets 1.0, which
  // is 256 - 128 = 128 before the clamp to 127.
  const auto p = params_for(1.0f, 1.0f, 2, 4);
  const std::vector<int8_t> in = {127, -128, -128, -128, -128, -128, -128, 127};
  std::vector<int8_t> out(8);
  tinyops_softmax_s8(&p, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{127, -128, -128, -128, -128, -128, -128, 127}));
}

TEST(SoftmaxS8, TwoValuesRoundToNearest) {
  // Inputs differing by ln(3) (scale ln(3)/10, difference 10): probabilities 3/4 and 1/4,
  // i.e. 192 and 64 in 1/256 units: outputs 64 and -64.
  const auto p = params_for(1.0f, static_cast<float>(std::log(3.0) / 10), 1, 2);
  const std::vector<int8_t> in = {10, 0};
  std::vector<int8_t> out(2);
  tinyops_softmax_s8(&p, in.data(), out.data());
  EXPECT_EQ(out[0], 64);
  EXPECT_EQ(out[1], -64);
}

TEST(SoftmaxS8, CloseToTheRealSoftmax) {
  const float scale = 0.0625f;
  const auto p = params_for(1.0f, scale, 1, 8);
  const std::vector<int8_t> in = {-20, 13, 40, 41, -128, 0, 25, 33};
  std::vector<int8_t> out(8);
  tinyops_softmax_s8(&p, in.data(), out.data());
  double sum = 0;
  for (int8_t v : in) sum += std::exp(scale * v);
  for (size_t i = 0; i < in.size(); ++i) {
    const double want = std::exp(scale * in[i]) / sum * 256.0 - 128.0;
    EXPECT_NEAR(out[i], want, 1.0) << i;
  }
}

TEST(SoftmaxS8, Int16Output) {
  const auto p = params_for(1.0f, 0.1f, 1, 4);
  const std::vector<int8_t> in = {7, 7, 7, 7};
  std::vector<int16_t> out(4);
  tinyops_softmax_s8_s16(&p, in.data(), out.data());
  // 1/4 * 65536 - 32768 = -16384.
  EXPECT_EQ(out, (std::vector<int16_t>{-16384, -16384, -16384, -16384}));
}

TEST(SoftmaxF32, RowsSumToOne) {
  const tinyops_softmax_params_f32 p{2, 3, 1.0f};
  const std::vector<float> in = {1, 2, 3, 0, 0, 0};
  std::vector<float> out(6);
  tinyops_softmax_f32(&p, in.data(), out.data());
  const double s = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  EXPECT_NEAR(out[0], std::exp(1.0) / s, 1e-6);
  EXPECT_NEAR(out[2], std::exp(3.0) / s, 1e-6);
  EXPECT_FLOAT_EQ(out[3], 1.0f / 3);
}

}  // namespace
