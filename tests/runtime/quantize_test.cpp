// QUANTIZE (float -> int, requantise at the int32 extremes) and DEQUANTIZE.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "tinyops/core/quantization.hpp"
#include "tinyops/runtime/quantize.h"

namespace {

TEST(QuantizeF32, RoundsHalfAwayAndClamps) {
  const tinyops_quantize_params p{7, 0.5f, -3};
  const std::vector<float> in = {0.25f, -0.25f, 0.75f, 100.0f, -100.0f, NAN, 1e30f};
  std::vector<int8_t> out(in.size());
  tinyops_quantize_f32_s8(&p, in.data(), out.data());
  // 0.5 -> 1, -0.5 -> -1, 1.5 -> 2 (then -3); saturation; NaN -> zero point.
  EXPECT_EQ(out, (std::vector<int8_t>{-2, -4, -1, 127, -128, -3, 127}));
  std::vector<int16_t> out16(2);
  const tinyops_quantize_params p16{2, 0.001f, 0};
  tinyops_quantize_f32_s16(&p16, in.data(), out16.data());
  EXPECT_EQ(out16, (std::vector<int16_t>{250, -250}));
}

TEST(Requantize, Int8HalvingRoundsAwayFromZero) {
  const auto m = tinyops::quantize_multiplier(0.5);
  const tinyops_requantize_params p{4, 1, -1, m.multiplier, m.shift};
  const std::vector<int8_t> in = {4, -2, 127, -128};  // 3, -3, 126, -129 after the offset
  std::vector<int8_t> out(4);
  tinyops_requantize_s8_s8(&p, in.data(), out.data());
  // 1.5 -> 2, -1.5 -> -1: the doubling high multiply rounds halves up (gemmlowp).
  EXPECT_EQ(out, (std::vector<int8_t>{1, -2, 62, -65}));
}

TEST(Requantize, Int32ExtremesSaturate) {
  const auto m = tinyops::quantize_multiplier(0.5);
  const tinyops_requantize_params p{4, 0, 0, m.multiplier, m.shift};
  const std::vector<int32_t> in = {std::numeric_limits<int32_t>::max(),
                                   std::numeric_limits<int32_t>::min(), 127, -128};
  std::vector<int8_t> out(4);
  tinyops_requantize_s32_s8(&p, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{127, -128, 64, -64}));
  std::vector<int16_t> out16(4);
  tinyops_requantize_s32_s16(&p, in.data(), out16.data());
  EXPECT_EQ(out16, (std::vector<int16_t>{32767, -32768, 64, -64}));
}

TEST(Requantize, LeftShiftWrapsLikeTflite) {
  // A ratio of 1.0 is multiplier 2^30 with a left shift of 1. TFLite computes x * 2 in
  // int32, which wraps on every target for INT32_MAX; the kernel wraps the same way.
  const auto m = tinyops::quantize_multiplier(1.0);
  ASSERT_EQ(m.shift, 1);
  const tinyops_requantize_params p{1, 0, 0, m.multiplier, m.shift};
  const int32_t in = std::numeric_limits<int32_t>::max();
  int8_t out = 0;
  tinyops_requantize_s32_s8(&p, &in, &out);
  EXPECT_EQ(out, -1);  // (2^31 - 1) * 2 wraps to -2, halved by the high multiply
}

TEST(Requantize, Int8IntoInt32DoesNotClamp) {
  const auto up = tinyops::quantize_multiplier(1000.0);
  const tinyops_requantize_params pu{2, 0, 0, up.multiplier, up.shift};
  const std::vector<int8_t> small = {127, -128};
  std::vector<int32_t> wide(2);
  tinyops_requantize_s8_s32(&pu, small.data(), wide.data());
  EXPECT_EQ(wide, (std::vector<int32_t>{127000, -128000}));
}

TEST(Dequantize, ScaleTimesOffsetInDouble) {
  const tinyops_dequantize_params p{3, 0.1f, 5};
  const std::vector<int8_t> in = {5, 15, -128};
  std::vector<float> out(3);
  tinyops_dequantize_s8_f32(&p, in.data(), out.data());
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[1], static_cast<float>(static_cast<double>(0.1f) * 10));
  EXPECT_EQ(out[2], static_cast<float>(static_cast<double>(0.1f) * -133));
  const tinyops_dequantize_params one{1, 0.1f, 5};
  const std::vector<int16_t> in16 = {-32768};
  tinyops_dequantize_s16_f32(&one, in16.data(), out.data());
  EXPECT_EQ(out[0], static_cast<float>(static_cast<double>(0.1f) * -32773));
}

}  // namespace
