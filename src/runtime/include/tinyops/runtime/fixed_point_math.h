/* Transcendental functions in 32-bit fixed point, with gemmlowp's arithmetic (the
 * FixedPoint<int32_t, N> class TFLite's quantised SOFTMAX, LOGISTIC and TANH use).
 *
 * A value is a raw int32 with an implied number of integer bits N ("QN"): it stands for
 * raw / 2^(31 - N). Q0 covers [-1, 1); the largest Q0 value, INT32_MAX, stands for 1.
 * Every step rounds exactly as gemmlowp does, so results are bit-identical to TFLite. */
#ifndef TINYOPS_RUNTIME_FIXED_POINT_MATH_H
#define TINYOPS_RUNTIME_FIXED_POINT_MATH_H

#include <stdint.h>

#include "tinyops/runtime/fixed_point.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Raw addition and subtraction wrap, like gemmlowp's plain int32 operators (the
 * algorithms below never rely on the wrap; it only keeps C free of overflow). */
static inline int32_t tinyops_fp_add(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t tinyops_fp_sub(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a - (uint32_t)b);
}

/* Product of QA and QB is Q(A+B): the saturating rounding doubling high multiply. */
static inline int32_t tinyops_fp_mul(int32_t a, int32_t b) {
  return tinyops_sat_rounding_doubling_high_mul(a, b);
}

/* x * 2^exponent: a saturating left shift for exponent > 0, a rounding right shift for
 * exponent < 0 (gemmlowp SaturatingRoundingMultiplyByPOT). |exponent| <= 31. */
static inline int32_t tinyops_fp_mul_by_pot(int32_t x, int exponent) {
  if (exponent > 0) {
    const int32_t threshold = (int32_t)(((uint32_t)1 << (31 - exponent)) - 1u);
    if (x > threshold) return INT32_MAX;
    if (x < -threshold) return INT32_MIN;
    return (int32_t)((uint32_t)x << exponent);
  }
  if (exponent < 0) return tinyops_rounding_divide_by_pot(x, -exponent);
  return x;
}

/* Converts a Q(src_bits) value to Q(dst_bits) (gemmlowp Rescale). */
static inline int32_t tinyops_fp_rescale(int32_t x, int src_bits, int dst_bits) {
  return tinyops_fp_mul_by_pot(x, src_bits - dst_bits);
}

/* (a + b) / 2 rounded half away from zero, without overflow. */
static inline int32_t tinyops_fp_rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t)a + (int64_t)b;
  const int64_t sign = sum >= 0 ? 1 : -1;
  return (int32_t)((sum + sign) / 2);
}

/* Number of leading zero bits of x (32 for 0). */
static inline int tinyops_count_leading_zeros(uint32_t x) {
  int n = 0;
  if (x == 0) return 32;
  while ((x & 0x80000000u) == 0) {
    x <<= 1;
    ++n;
  }
  return n;
}

/* exp(a) for a in [-1/4, 0), Q0 in and out: a fourth-order Taylor expansion around -1/8. */
static inline int32_t tinyops_fp_exp_on_interval_between_negative_one_quarter_and_0_excl(
    int32_t a) {
  const int32_t exp_minus_one_eighth = 1895147668;       /* exp(-1/8) in Q0 */
  const int32_t one_third = 715827883;                   /* 1/3 in Q0 */
  const int32_t x = tinyops_fp_add(a, (int32_t)1 << 28); /* a + 1/8 */
  const int32_t x2 = tinyops_fp_mul(x, x);
  const int32_t x3 = tinyops_fp_mul(x2, x);
  const int32_t x4 = tinyops_fp_mul(x2, x2);
  const int32_t x4_over_4 = tinyops_fp_mul_by_pot(x4, -2);
  /* (x^4/4 + x^3) / 3 + x^2, halved: x^4/24 + x^3/6 + x^2/2 */
  const int32_t tail = tinyops_fp_mul_by_pot(
      tinyops_fp_add(tinyops_fp_mul(tinyops_fp_add(x4_over_4, x3), one_third), x2), -1);
  return tinyops_fp_add(exp_minus_one_eighth,
                        tinyops_fp_mul(exp_minus_one_eighth, tinyops_fp_add(x, tail)));
}

/* exp(a) for a <= 0 given in Q(integer_bits), result in Q0. integer_bits in [0, 29].
 * The argument is split into a multiple of 1/4 and a rest in [-1/4, 0); the multiple is
 * applied bit by bit with exp(-2^k) constants (the "barrel shifter"). */
static inline int32_t tinyops_fp_exp_on_negative_values(int32_t a, int integer_bits) {
  /* exp(-2^k) in Q0, for k = -2 .. 4. */
  static const int32_t kExpMinusPow2[7] = {1672461947, 1302514674, 790015084, 290630308,
                                           39332535,   720401,     242};
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = tinyops_fp_sub(a & mask, one_quarter);
  const int32_t remainder = tinyops_fp_sub(a_mod_quarter_minus_one_quarter, a);
  int32_t result = tinyops_fp_exp_on_interval_between_negative_one_quarter_and_0_excl(
      tinyops_fp_rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0));
  int k;
  for (k = -2; k <= 4; ++k) {
    if (integer_bits > k) {
      const int bit = fractional_bits + k;
      if (remainder & (int32_t)((uint32_t)1 << bit)) {
        result = tinyops_fp_mul(result, kExpMinusPow2[k + 2]);
      }
    }
  }
  if (integer_bits > 5) {
    /* Below -32 the result is zero. */
    const int32_t minus_32 = -((int32_t)1 << (36 - integer_bits));
    if (a < minus_32) result = 0;
  }
  if (a == 0) result = INT32_MAX;
  return result;
}

/* 1 / (1 + a) for a in [0, 1), Q0 in and out: three Newton-Raphson steps on the half
 * denominator, starting from 48/17 - 32/17 * d. */
static inline int32_t tinyops_fp_one_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t half_denominator = tinyops_fp_rounding_half_sum(a, INT32_MAX);
  const int32_t c48_over_17 = 1515870810;     /* Q2 */
  const int32_t cneg32_over_17 = -1010580540; /* Q2 */
  const int32_t one_q2 = (int32_t)1 << 29;
  int32_t x = tinyops_fp_add(c48_over_17, tinyops_fp_mul(half_denominator, cneg32_over_17));
  int i;
  for (i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = tinyops_fp_mul(half_denominator, x);
    const int32_t one_minus = tinyops_fp_sub(one_q2, half_denominator_times_x);
    x = tinyops_fp_add(x, tinyops_fp_rescale(tinyops_fp_mul(x, one_minus), 4, 2));
  }
  /* x approximates 2 / (1 + a) in Q2; halving it exactly gives Q1, then to Q0. */
  return tinyops_fp_rescale(x, 1, 0);
}

/* (1 - a) / (1 + a) for a in [0, 1), Q0 in and out. */
static inline int32_t tinyops_fp_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a) {
  const int32_t half_denominator = tinyops_fp_rounding_half_sum(a, INT32_MAX);
  const int32_t c48_over_17 = 1515870810;
  const int32_t cneg32_over_17 = -1010580540;
  const int32_t one_q2 = (int32_t)1 << 29;
  int32_t x = tinyops_fp_add(c48_over_17, tinyops_fp_mul(half_denominator, cneg32_over_17));
  int i;
  for (i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = tinyops_fp_mul(half_denominator, x);
    const int32_t one_minus = tinyops_fp_sub(one_q2, half_denominator_times_x);
    x = tinyops_fp_add(x, tinyops_fp_rescale(tinyops_fp_mul(x, one_minus), 4, 2));
  }
  return tinyops_fp_rescale(tinyops_fp_sub(x, one_q2), 2, 0);
}

/* 1 / (1 + exp(-a)) for a in Q(integer_bits), result in Q0. */
static inline int32_t tinyops_fp_logistic(int32_t a, int integer_bits) {
  int32_t positive;
  if (a == 0) return (int32_t)1 << 30; /* 1/2 */
  {
    const int32_t abs_a = a > 0 ? a : -a;
    positive = tinyops_fp_one_over_one_plus_x_for_x_in_0_1(
        tinyops_fp_exp_on_negative_values(-abs_a, integer_bits));
  }
  return a > 0 ? positive : tinyops_fp_sub(INT32_MAX, positive);
}

/* tanh(a) for a in Q(integer_bits), result in Q0: (1 - exp(-2|a|)) / (1 + exp(-2|a|)). */
static inline int32_t tinyops_fp_tanh(int32_t a, int integer_bits) {
  int32_t t;
  if (a == 0) return 0;
  {
    const int32_t negative = a < 0 ? a : -a;
    /* The same raw value read with one more integer bit is 2 * negative. */
    t = tinyops_fp_one_minus_x_over_one_plus_x_for_x_in_0_1(
        tinyops_fp_exp_on_negative_values(negative, integer_bits + 1));
  }
  return a < 0 ? -t : t;
}

/* 1 / x for a positive x in Q(x_integer_bits): returns the Q0 reciprocal of x scaled
 * into [1, 2), and in *num_bits_over_unit how many bits x exceeded 1 by (TFLite
 * GetReciprocal). */
static inline int32_t tinyops_fp_reciprocal(int32_t x, int x_integer_bits,
                                            int* num_bits_over_unit) {
  const int headroom_plus_one = tinyops_count_leading_zeros((uint32_t)x);
  const int32_t shifted_minus_one =
      (int32_t)(((uint32_t)x << headroom_plus_one) - ((uint32_t)1 << 31));
  *num_bits_over_unit = x_integer_bits - headroom_plus_one;
  return tinyops_fp_one_over_one_plus_x_for_x_in_0_1(shifted_minus_one);
}

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_FIXED_POINT_MATH_H */
