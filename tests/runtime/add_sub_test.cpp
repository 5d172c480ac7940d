// Quantised ADD/SUB: the three-multiplier arithmetic with exact scales, round-half-away
// rounding, broadcasting and activation clamps; float and int32 variants.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "elementwise_test_shapes.hpp"
#include "tinyops/core/quantization.hpp"
#include "tinyops/runtime/add_sub_s8_flat.h"

namespace {

using tinyops::quantize_multiplier;
using tinyops::test::broadcast;

// TFLM CalculateOpDataAdd for int8.
tinyops_add_params add_params(float s1, int32_t z1, float s2, int32_t z2, float so, int32_t zo,
                              int32_t lo = -128, int32_t hi = 127, int left_shift = 20) {
  const double twice_max = 2 * static_cast<double>(std::max(s1, s2));
  const auto m1 = quantize_multiplier(s1 / twice_max);
  const auto m2 = quantize_multiplier(s2 / twice_max);
  const auto mo = quantize_multiplier(twice_max / ((1 << left_shift) * static_cast<double>(so)));
  return {-z1,           -z2,      zo, left_shift, m1.multiplier, m1.shift, m2.multiplier, m2.shift,
          mo.multiplier, mo.shift, lo, hi};
}

TEST(AddS8, ExactSumsAndClamp) {
  const auto p = add_params(0.5f, 0, 0.5f, 0, 0.5f, 0);
  const auto shape = broadcast({4}, {4});
  const std::vector<int8_t> a = {10, -20, 100, -100};
  const std::vector<int8_t> b = {20, 5, 100, -100};
  std::vector<int8_t> out(4);
  tinyops_add_s8(&p, &shape, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{30, -15, 127, -128}));
}

TEST(AddS8, HalvesRoundAwayFromZero) {
  // Inputs in units of 1, output in units of 2: 1 + 2 = 1.5 units -> 2; -1.5 -> -2.
  const auto p = add_params(1.0f, 0, 1.0f, 0, 2.0f, 0);
  const auto shape = broadcast({3}, {3});
  const std::vector<int8_t> a = {1, -1, 2};
  const std::vector<int8_t> b = {2, -2, 2};
  std::vector<int8_t> out(3);
  tinyops_add_s8(&p, &shape, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{2, -2, 2}));
}

TEST(AddS8, BroadcastsWithZeroPointsAndRelu) {
  // Output zero point -10 with RELU: the real 0 is q = -10, the lowest output.
  const auto p = add_params(0.5f, 4, 0.5f, -6, 0.5f, -10, -10, 127);
  const auto shape = broadcast({2, 3}, {1, 3});
  const std::vector<int8_t> a = {4, 5, 6, 0, 1, 2};  // reals 0, .5, 1, -2, -1.5, -1
  const std::vector<int8_t> b = {-6, -4, -8};        // reals 0, 1, -1
  std::vector<int8_t> out(6);
  tinyops_add_s8(&p, &shape, a.data(), b.data(), out.data());
  // Sums 0, 1.5, 0, -2, -0.5, -2 -> q = -10, -7, -10, clamp, clamp, clamp.
  EXPECT_EQ(out, (std::vector<int8_t>{-10, -7, -10, -10, -10, -10}));
}

TEST(AddS8, DifferentScales) {
  // 0.25 * 8 + 1.0 * 3 = 5.0; output scale 0.5 -> 10.
  const auto p = add_params(0.25f, 0, 1.0f, 0, 0.5f, 0);
  const auto shape = broadcast({1}, {1});
  const int8_t a = 8, b = 3;
  int8_t out = 0;
  tinyops_add_s8(&p, &shape, &a, &b, &out);
  EXPECT_EQ(out, 10);
}

TEST(SubS8, ExactDifference) {
  const auto p = add_params(0.5f, 0, 0.5f, 0, 0.5f, 0);
  const auto shape = broadcast({2, 2}, {2, 1});
  const std::vector<int8_t> a = {10, 20, 30, 40};
  const std::vector<int8_t> b = {5, -100};
  std::vector<int8_t> out(4);
  tinyops_sub_s8(&p, &shape, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{5, 15, 127, 127}));
}

TEST(AddS16, LeftShift15) {
  const auto p = add_params(1.0f, 0, 1.0f, 0, 1.0f, 0, -32768, 32767, 15);
  const auto shape = broadcast({3}, {3});
  const std::vector<int16_t> a = {1000, -30000, 30000};
  const std::vector<int16_t> b = {234, -10000, 10000};
  std::vector<int16_t> out(3);
  tinyops_add_s16(&p, &shape, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<int16_t>{1234, -32768, 32767}));
}

TEST(AddF32, BroadcastAndRelu6) {
  const auto shape = broadcast({2, 2}, {1, 2});
  const std::vector<float> a = {1, 2, 3, -4};
  const std::vector<float> b = {0.5f, 5};
  std::vector<float> out(4);
  tinyops_add_f32(0.0f, 6.0f, &shape, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{1.5f, 6.0f, 3.5f, 1.0f}));
  tinyops_sub_f32(-1e30f, 1e30f, &shape, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{0.5f, -3.0f, 2.5f, -9.0f}));
}

TEST(AddS32, WrapsWithoutActivation) {
  const auto shape = broadcast({2}, {1});
  const std::vector<int32_t> a = {INT32_MAX, 5};
  const int32_t b = 1;
  std::vector<int32_t> out(2);
  tinyops_add_s32(&shape, a.data(), &b, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{INT32_MIN, 6}));
  tinyops_sub_s32(0, INT32_MAX, &shape, a.data(), &b, out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{INT32_MAX - 1, 4}));
}

// The reference arithmetic, element by element (what the broadcasting walk computes).
std::vector<int8_t> reference_add_sub(const tinyops_add_params& p, const std::vector<int8_t>& a,
                                      const std::vector<int8_t>& b, int subtract) {
  std::vector<int8_t> out(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    out[i] = static_cast<int8_t>(
        tinyops_clamp_i32(tinyops_add_sub_element(&p, a[i], b[i], subtract), p.act_min, p.act_max));
  }
  return out;
}

// Same-shape int8 ADD/SUB take the one-multiply loop (add_sub_s8_flat.h); it must give the
// reference's bytes for TFLite's parameters: random scales (inputs up to 100x apart, output
// scales far below and above the inputs'), every zero point and clamps.
TEST(AddS8, FlatLoopMatchesTheReferenceOnRandomParameters) {
  std::mt19937 rng(1212);
  auto uniform = [&](float lo, float hi) {
    return std::uniform_real_distribution<float>(lo, hi)(rng);
  };
  auto integer = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  int fast = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const float s1 = std::exp(uniform(-8, 0)), s2 = s1 * std::exp(uniform(-4.6f, 4.6f));
    const float so = std::max(s1, s2) * std::exp(uniform(-3, 3));
    const int32_t zo = integer(-128, 127);
    const bool relu = integer(0, 2) == 0;
    auto p = add_params(s1, integer(-128, 127), s2, integer(-128, 127), so, zo, relu ? zo : -128,
                        relu ? std::min(127, zo + integer(0, 200)) : 127);
    if (trial == 0) p.input1_offset = 128, p.input2_offset = -127;  // the extreme zero points
    const int n = integer(1, 300);
    std::vector<int8_t> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
    for (auto& x : a) x = static_cast<int8_t>(integer(-128, 127));
    for (auto& x : b) x = static_cast<int8_t>(integer(-128, 127));
    if (trial < 2) {  // every extreme pair
      a = {-128, -128, 127, 127, 0};
      b = {-128, 127, -128, 127, 0};
    }
    const auto shape =
        broadcast({1, static_cast<int32_t>(a.size())}, {1, static_cast<int32_t>(b.size())});
    fast += tinyops_add_sub_s8_flat_ok(&p, &shape);
    std::vector<int8_t> out(a.size());
    tinyops_add_s8(&p, &shape, a.data(), b.data(), out.data());
    ASSERT_EQ(out, reference_add_sub(p, a, b, 0)) << "trial " << trial;
    tinyops_sub_s8(&p, &shape, a.data(), b.data(), out.data());
    ASSERT_EQ(out, reference_add_sub(p, a, b, 1)) << "trial " << trial;
  }
  EXPECT_EQ(fast, 400);  // TFLite's parameters always qualify
}

// The planner may put the output over either same-shaped input (it dies at the op).
TEST(AddS8, FlatLoopWorksInPlaceOverEitherInput) {
  const auto p = add_params(0.05f, -3, 0.11f, 7, 0.13f, -1);
  const auto shape = broadcast({1, 9}, {1, 9});
  const std::vector<int8_t> a = {-128, -60, -1, 0, 1, 33, 64, 100, 127};
  const std::vector<int8_t> b = {127, 5, -90, 0, -128, 12, -7, 99, 127};
  const auto expected = reference_add_sub(p, a, b, 0);
  auto over_a = a;
  tinyops_add_s8(&p, &shape, over_a.data(), b.data(), over_a.data());
  EXPECT_EQ(over_a, expected);
  auto over_b = b;
  tinyops_add_s8(&p, &shape, a.data(), over_b.data(), over_b.data());
  EXPECT_EQ(over_b, expected);
}

TEST(AddS8, FlatLoopIsRefusedWhereOneMultiplyCouldBeWrong) {
  const auto shape = broadcast({4}, {4});
  auto p = add_params(0.5f, 0, 0.5f, 0, 0.5f, 0);
  EXPECT_EQ(tinyops_add_sub_s8_flat_ok(&p, &shape), 1);
  const auto broadcasting = broadcast({2, 2}, {1, 2});
  EXPECT_EQ(tinyops_add_sub_s8_flat_ok(&p, &broadcasting), 0);
  auto big = p;
  big.left_shift = 23;  // (x + offset) << 23 can reach 2^30
  EXPECT_EQ(tinyops_add_sub_s8_flat_ok(&big, &shape), 0);
  big = p;
  big.output_shift = 2;  // the sum of two scaled inputs (< 2^27 + 2 here) times 4 stays < 2^30
  EXPECT_EQ(tinyops_add_sub_s8_flat_ok(&big, &shape), 1);
  big.output_shift = 3;  // times 8 can reach 2^30
  EXPECT_EQ(tinyops_add_sub_s8_flat_ok(&big, &shape), 0);
  big.output_shift = 0;
  big.input2_multiplier = -1;  // not a multiplier quantize_multiplier gives
  EXPECT_EQ(tinyops_add_sub_s8_flat_ok(&big, &shape), 0);
  big = p;
  big.input1_shift = -32;  // a right shift the rounding form cannot do
  EXPECT_EQ(tinyops_add_sub_s8_flat_ok(&big, &shape), 0);
  // Refused parameters still give the reference's result (the broadcasting walk).
  big = p;
  big.output_shift = 4;
  big.output_multiplier = 1 << 30;
  const std::vector<int8_t> a = {-128, 127, 3, -5}, b = {-128, 127, 9, 1};
  std::vector<int8_t> out(4);
  tinyops_add_s8(&big, &shape, a.data(), b.data(), out.data());
  EXPECT_EQ(out, reference_add_sub(big, a, b, 0));
}

}  // namespace
