// int8 LOGISTIC / TANH: saturation at the input radius and agreement with the real
// functions within one output step.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tinyops/runtime/activations.h"

namespace {

// TFLM prepare: frexp of scale * 2^27, radius floor(15 * 2^27 / 2^shift).
tinyops_sigmoid_params params_for(float scale, int32_t zero_point, int32_t count) {
  int shift = 0;
  const double mant = std::frexp(static_cast<double>(scale) * (1 << 27), &shift);
  const auto multiplier = static_cast<int32_t>(std::round(mant * 2147483648.0));
  const auto radius = static_cast<int32_t>(std::floor(15.0 * (1 << 27) / std::ldexp(1.0, shift)));
  return {count, zero_point, radius, multiplier, shift};
}

TEST(LogisticS8, ZeroMapsToOneHalfAndEndsSaturate) {
  const auto p = params_for(0.1f, 3, 3);
  const std::vector<int8_t> in = {3, -128, 127};  // 0, -13.1, 12.4
  std::vector<int8_t> out(3);
  tinyops_logistic_s8(&p, in.data(), out.data());
  EXPECT_EQ(out[0], 0);  // 0.5 * 256 - 128
  EXPECT_EQ(out[1], -128);
  EXPECT_EQ(out[2], 127);  // 1 - 4e-6 rounds to 256 -> clamped
}

TEST(LogisticS8, WithinOneStepOfTheRealFunction) {
  const float scale = 0.0625f;
  std::vector<int8_t> in;
  for (int v = -128; v <= 127; ++v) in.push_back(static_cast<int8_t>(v));
  const auto p = params_for(scale, -10, static_cast<int32_t>(in.size()));
  std::vector<int8_t> out(in.size());
  tinyops_logistic_s8(&p, in.data(), out.data());
  for (size_t i = 0; i < in.size(); ++i) {
    const double x = scale * (in[i] + 10);
    const double want = std::min(127.0, 256.0 / (1.0 + std::exp(-x)) - 128.0);
    EXPECT_NEAR(out[i], want, 1.0) << int{in[i]};
  }
}

TEST(TanhS8, WithinOneStepOfTheRealFunction) {
  const float scale = 0.03125f;
  std::vector<int8_t> in;
  for (int v = -128; v <= 127; ++v) in.push_back(static_cast<int8_t>(v));
  const auto p = params_for(scale, 0, static_cast<int32_t>(in.size()));
  std::vector<int8_t> out(in.size());
  tinyops_tanh_s8(&p, in.data(), out.data());
  for (size_t i = 0; i < in.size(); ++i) {
    const double want = std::clamp(std::tanh(scale * in[i]) * 128.0, -128.0, 127.0);
    EXPECT_NEAR(out[i], want, 1.0) << int{in[i]};
  }
  EXPECT_EQ(out[128], 0);  // tanh(0)
}

TEST(LogisticF32, CutOffs) {
  const std::vector<float> in = {0.0f, 20.0f, -10.0f};
  std::vector<float> out(3);
  tinyops_logistic_f32(3, in.data(), out.data());
  EXPECT_EQ(out[0], 0.5f);
  EXPECT_EQ(out[1], 1.0f);
  EXPECT_FLOAT_EQ(out[2], std::exp(-10.0f));
}

}  // namespace
