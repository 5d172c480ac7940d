#include "tinyops/runtime/fixed_point.h"

#include <gtest/gtest.h>

#include <climits>

namespace {

TEST(FixedPoint, DoublingHighMulRoundsAndSaturates) {
  // 0.5 * 0.5 in Q31 = 0.25
  EXPECT_EQ(tinyops_sat_rounding_doubling_high_mul(1 << 30, 1 << 30), 1 << 29);
  // The one overflowing case saturates.
  EXPECT_EQ(tinyops_sat_rounding_doubling_high_mul(INT32_MIN, INT32_MIN), INT32_MAX);
  EXPECT_EQ(tinyops_sat_rounding_doubling_high_mul(INT32_MIN, INT32_MAX), -INT32_MAX);
  // 3 * 2^30 * 2 >> 32 = 1.5 -> rounds away from zero
  EXPECT_EQ(tinyops_sat_rounding_doubling_high_mul(3, 1 << 30), 2);
  // The nudge for negative products is 1 - 2^30: -1.5 truncates to -1 (gemmlowp).
  EXPECT_EQ(tinyops_sat_rounding_doubling_high_mul(-3, 1 << 30), -1);
}

TEST(FixedPoint, RoundingDivideByPowerOfTwoTiesAwayFromZero) {
  EXPECT_EQ(tinyops_rounding_divide_by_pot(5, 1), 3);
  EXPECT_EQ(tinyops_rounding_divide_by_pot(-5, 1), -3);
  EXPECT_EQ(tinyops_rounding_divide_by_pot(4, 1), 2);
  EXPECT_EQ(tinyops_rounding_divide_by_pot(7, 2), 2);
  EXPECT_EQ(tinyops_rounding_divide_by_pot(-7, 2), -2);
  EXPECT_EQ(tinyops_rounding_divide_by_pot(INT32_MAX, 31), 1);
  EXPECT_EQ(tinyops_rounding_divide_by_pot(INT32_MIN, 31), -1);
  EXPECT_EQ(tinyops_rounding_divide_by_pot(123, 0), 123);
}

TEST(FixedPoint, MultiplyByQuantizedMultiplier) {
  // multiplier 0.5 (2^30, shift 0): 100 -> 50
  EXPECT_EQ(tinyops_multiply_by_quantized_multiplier(100, 1 << 30, 0), 50);
  // shift -3: 100 * 0.5 / 8 = 6.25 -> 6
  EXPECT_EQ(tinyops_multiply_by_quantized_multiplier(100, 1 << 30, -3), 6);
  // left shift 2: 100 * 0.5 * 4 = 200
  EXPECT_EQ(tinyops_multiply_by_quantized_multiplier(100, 1 << 30, 2), 200);
  // Double rounding: 5 * 0.75 = 3.75 -> high-mul gives 4 (from 3.75), shift 0.
  EXPECT_EQ(tinyops_multiply_by_quantized_multiplier(5, 3 << 29, 0), 4);
  // Extremes stay in range.
  EXPECT_EQ(tinyops_multiply_by_quantized_multiplier(INT32_MAX, INT32_MAX, 0), INT32_MAX - 1);
  EXPECT_EQ(tinyops_multiply_by_quantized_multiplier(INT32_MIN, INT32_MAX, 0), INT32_MIN + 1);
}

}  // namespace
