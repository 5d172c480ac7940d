// gemmlowp-style fixed-point primitives against exact hand-computed values and the
// real functions they approximate.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "tinyops/runtime/fixed_point_math.h"

namespace {

constexpr double kQ0 = 2147483648.0;  // 2^31

double q(int32_t raw, int integer_bits) {
  return raw / std::ldexp(1.0, 31 - integer_bits);
}
int32_t raw(double value, int integer_bits) {
  return static_cast<int32_t>(std::lround(value * std::ldexp(1.0, 31 - integer_bits)));
}

TEST(FixedPointMath, MulByPotSaturatesAndRounds) {
  EXPECT_EQ(tinyops_fp_mul_by_pot(3, 2), 12);
  EXPECT_EQ(tinyops_fp_mul_by_pot(1 << 29, 2), INT32_MAX);  // 2^31 does not fit
  EXPECT_EQ(tinyops_fp_mul_by_pot(-(1 << 29), 2), INT32_MIN);
  EXPECT_EQ(tinyops_fp_mul_by_pot((1 << 29) - 1, 2), ((1 << 29) - 1) * 4);
  EXPECT_EQ(tinyops_fp_mul_by_pot(6, -2), 2);                // 1.5 rounds away from zero
  EXPECT_EQ(tinyops_fp_mul_by_pot(-6, -2), -2);              // -1.5 too
  EXPECT_EQ(tinyops_fp_mul_by_pot(5, -2), 1);                // 1.25
  EXPECT_EQ(tinyops_fp_rescale(1 << 26, 5, 0), INT32_MAX);   // 1.0 in Q5 saturates in Q0
  EXPECT_EQ(tinyops_fp_rescale(INT32_MAX, 0, 12), 1 << 19);  // 1.0 - 2^-31 rounds to 1.0
}

TEST(FixedPointMath, RoundingHalfSum) {
  EXPECT_EQ(tinyops_fp_rounding_half_sum(1, 2), 2);
  EXPECT_EQ(tinyops_fp_rounding_half_sum(-1, -2), -2);
  EXPECT_EQ(tinyops_fp_rounding_half_sum(INT32_MAX, INT32_MAX), INT32_MAX);
  EXPECT_EQ(tinyops_fp_rounding_half_sum(0, INT32_MAX), 1 << 30);
}

TEST(FixedPointMath, CountLeadingZeros) {
  EXPECT_EQ(tinyops_count_leading_zeros(0), 32);
  EXPECT_EQ(tinyops_count_leading_zeros(1), 31);
  EXPECT_EQ(tinyops_count_leading_zeros(1u << 19), 12);
  EXPECT_EQ(tinyops_count_leading_zeros(0x80000000u), 0);
}

TEST(FixedPointMath, ExpOfZeroIsExactlyOne) {
  EXPECT_EQ(tinyops_fp_exp_on_negative_values(0, 5), INT32_MAX);
  EXPECT_EQ(tinyops_fp_exp_on_negative_values(0, 0), INT32_MAX);
}

TEST(FixedPointMath, ExpMatchesTheRealFunction) {
  // gemmlowp's exp is a 4th-order Taylor polynomial on [-1/4, 0) around -1/8 (truncation
  // error up to (1/8)^5 / 120 ~ 2.5e-7) times exact exp(-2^k) constants.
  for (double x = -31.5; x < 0; x += 0.0371) {
    const int32_t got = tinyops_fp_exp_on_negative_values(raw(x, 5), 5);
    EXPECT_NEAR(q(got, 0), std::exp(q(raw(x, 5), 5)), 3e-7) << "x = " << x;
  }
  // exp(-1) in Q5: the polynomial at -1/4, times exp(-1/4) and exp(-1/2).
  EXPECT_NEAR(tinyops_fp_exp_on_negative_values(-(1 << 26), 5), std::exp(-1.0) * kQ0, 600);
  // Beyond -32 with more than 5 integer bits, the result is exactly zero.
  EXPECT_EQ(tinyops_fp_exp_on_negative_values(raw(-40.0, 6), 6), 0);
}

TEST(FixedPointMath, ReciprocalAndLogistic) {
  for (double x = 0; x < 1.0; x += 0.013) {
    const int32_t got = tinyops_fp_one_over_one_plus_x_for_x_in_0_1(raw(x, 0));
    EXPECT_NEAR(q(got, 0), 1.0 / (1.0 + x), 4e-9) << "x = " << x;
    const int32_t t = tinyops_fp_one_minus_x_over_one_plus_x_for_x_in_0_1(raw(x, 0));
    EXPECT_NEAR(q(t, 0), (1.0 - x) / (1.0 + x), 1e-8) << "x = " << x;
  }
  EXPECT_EQ(tinyops_fp_logistic(0, 4), 1 << 30);
  EXPECT_EQ(tinyops_fp_tanh(0, 4), 0);
  // Both inherit the exp polynomial's ~2.5e-7 error.
  for (double x = -15.9; x < 15.9; x += 0.137) {
    EXPECT_NEAR(q(tinyops_fp_logistic(raw(x, 4), 4), 0), 1.0 / (1.0 + std::exp(-x)), 3e-7);
    EXPECT_NEAR(q(tinyops_fp_tanh(raw(x, 4), 4), 0), std::tanh(x), 6e-7);
  }
  // Symmetry: logistic(-x) = 1 - logistic(x) exactly in raw units (One is INT32_MAX).
  EXPECT_EQ(tinyops_fp_logistic(raw(-2.5, 4), 4), INT32_MAX - tinyops_fp_logistic(raw(2.5, 4), 4));
  EXPECT_EQ(tinyops_fp_tanh(raw(-2.5, 4), 4), -tinyops_fp_tanh(raw(2.5, 4), 4));
}

TEST(FixedPointMath, GetReciprocal) {
  int bits = 0;
  // 4.0 in Q12: the reciprocal of 4 scaled into [1, 2) is 1.0 with 2 bits over unit.
  const int32_t r = tinyops_fp_reciprocal(4 << 19, 12, &bits);
  EXPECT_EQ(bits, 2);
  EXPECT_NEAR(q(r, 0), 1.0, 1e-9);
  // 3.0: 3 = 1.5 * 2^1, reciprocal of 1.5.
  const int32_t r3 = tinyops_fp_reciprocal(3 << 19, 12, &bits);
  EXPECT_EQ(bits, 1);
  EXPECT_NEAR(q(r3, 0), 1.0 / 1.5, 4e-9);
}

}  // namespace
