// MUL (int8, int16, int32, float), DIV (int32, float), MINIMUM/MAXIMUM.
#include <gtest/gtest.h>

#include <vector>

#include "elementwise_test_shapes.hpp"
#include "tinyops/core/quantization.hpp"

namespace {

using tinyops::test::broadcast;

tinyops_mul_params mul_params(float s1, int32_t z1, float s2, int32_t z2, float so, int32_t zo,
                              int32_t lo = -128, int32_t hi = 127) {
  const auto m = tinyops::quantize_multiplier(static_cast<double>(s1) * s2 / so);
  return {-z1, -z2, zo, m.multiplier, m.shift, lo, hi};
}

TEST(MulS8, ExactProductsWithZeroPoints) {
  // 0.5 * 0.5 / 0.25 = 1: the output counts products of the offset inputs.
  const auto p = mul_params(0.5f, 1, 0.5f, -2, 0.25f, 3);
  const auto shape = broadcast({2, 2}, {1, 2});
  const std::vector<int8_t> a = {4, -1, 11, 1};  // 3, -2, 10, 0
  const std::vector<int8_t> b = {3, -7};         // 5, -5
  std::vector<int8_t> out(4);
  tinyops_mul_s8(&p, &shape, a.data(), b.data(), out.data());
  // 15+3, 10+3, 50+3, 0+3.
  EXPECT_EQ(out, (std::vector<int8_t>{18, 13, 53, 3}));
}

TEST(MulS8, RoundsAndClamps) {
  // Multiplier 1/4: 3 * 1 / 4 = 0.75 -> 1; -6 / 4 = -1.5 -> -2; 100 * 100 / 4 -> clamp.
  const auto p = mul_params(0.5f, 0, 0.5f, 0, 1.0f, 0);
  const auto shape = broadcast({3}, {3});
  const std::vector<int8_t> a = {3, -6, 100};
  const std::vector<int8_t> b = {1, 1, 100};
  std::vector<int8_t> out(3);
  tinyops_mul_s8(&p, &shape, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{1, -2, 127}));
}

TEST(MulS16, SymmetricScales) {
  const auto p = mul_params(1.0f / 128, 0, 1.0f / 128, 0, 1.0f / 256, 0, -32768, 32767);
  const auto shape = broadcast({2}, {2});
  const std::vector<int16_t> a = {128, -300};
  const std::vector<int16_t> b = {64, 300};
  std::vector<int16_t> out(2);
  tinyops_mul_s16(&p, &shape, a.data(), b.data(), out.data());
  // 1 * 0.5 = 0.5 -> 128; -300*300/64 = -1406.25 -> -1406.
  EXPECT_EQ(out, (std::vector<int16_t>{128, -1406}));
}

TEST(MulS32AndDiv, IntegerSemantics) {
  const auto shape = broadcast({4}, {1});
  const std::vector<int32_t> a = {7, -7, 20, 0};
  const int32_t b = 2;
  std::vector<int32_t> out(4);
  tinyops_mul_s32(INT32_MIN, INT32_MAX, &shape, a.data(), &b, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{14, -14, 40, 0}));
  tinyops_mul_s32(0, 6, &shape, a.data(), &b, out.data());  // RELU6 on int32
  EXPECT_EQ(out, (std::vector<int32_t>{6, 0, 6, 0}));
  tinyops_div_s32(INT32_MIN, INT32_MAX, &shape, a.data(), &b, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{3, -3, 10, 0}));  // truncation toward zero
  const int32_t zero = 0;
  tinyops_div_s32(INT32_MIN, INT32_MAX, &shape, a.data(), &zero, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{0, 0, 0, 0}));
}

TEST(DivF32, Divides) {
  const auto shape = broadcast({2}, {2});
  const std::vector<float> a = {1, -9};
  const std::vector<float> b = {4, 3};
  std::vector<float> out(2);
  tinyops_div_f32(-1e30f, 1e30f, &shape, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{0.25f, -3.0f}));
}

TEST(MinimumMaximum, BroadcastPerType) {
  const auto shape = broadcast({2, 2}, {2, 1});
  const std::vector<int8_t> a = {-5, 5, 10, -10};
  const std::vector<int8_t> b = {0, 7};
  std::vector<int8_t> out(4);
  tinyops_minimum_s8(&shape, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{-5, 0, 7, -10}));
  tinyops_maximum_s8(&shape, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{0, 5, 10, 7}));
  const std::vector<int32_t> a32 = {-5, 5, 10, -10};
  const std::vector<int32_t> b32 = {0, 7};
  std::vector<int32_t> out32(4);
  tinyops_maximum_s32(&shape, a32.data(), b32.data(), out32.data());
  EXPECT_EQ(out32, (std::vector<int32_t>{0, 5, 10, 7}));
  const std::vector<float> af = {-5, 5, 10, -10};
  const std::vector<float> bf = {0, 7};
  std::vector<float> outf(4);
  tinyops_minimum_f32(&shape, af.data(), bf.data(), outf.data());
  EXPECT_EQ(outf, (std::vector<float>{-5, 0, 7, -10}));
}

}  // namespace
