// RELU (requantising) and RELU6 (input-domain clamp) on int8; float variants.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tinyops/core/quantization.hpp"
#include "tinyops/runtime/activations.h"

namespace {

TEST(ReluS8, RequantisesThenClampsAtTheOutputZero) {
  // Input scale 0.5, zp 2; output scale 0.25, zp -3: q_out = 2 * (q_in - 2) - 3.
  const auto m = tinyops::quantize_multiplier(0.5 / 0.25);
  const tinyops_relu_params p{4, 2, -3, m.multiplier, m.shift, -3, 127};
  const std::vector<int8_t> in = {2, 5, -10, 100};
  std::vector<int8_t> out(4);
  tinyops_relu_s8(&p, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{-3, 3, -3, 127}));
}

TEST(Relu6S8, ClampsBetweenZeroAndSix) {
  const std::vector<int8_t> in = {-128, -5, 0, 30, 127};
  std::vector<int8_t> out(5);
  tinyops_relu6_s8(5, -5, 25, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{-5, -5, 0, 25, 25}));
}

TEST(ReluF32, KeepsNegativeZeroAndNan) {
  const std::vector<float> in = {-1.0f, -0.0f, 3.0f, 7.0f, NAN};
  std::vector<float> out(5);
  tinyops_relu_f32(5, in.data(), out.data());
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_TRUE(std::signbit(out[1]));
  EXPECT_EQ(out[3], 7.0f);
  EXPECT_TRUE(std::isnan(out[4]));
  tinyops_relu6_f32(5, in.data(), out.data());
  EXPECT_EQ(out[3], 6.0f);
  EXPECT_EQ(out[2], 3.0f);
}

}  // namespace
