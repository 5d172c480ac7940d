/* exp and tanh for float kernels, the same bits on every platform.
 *
 * C libraries round expf/tanhf differently in the last place (glibc on the host, newlib
 * on the device), which would make generated code disagree with the host interpreter.
 * These compute in double with only +, -, *, / and exact scaling, then round once to
 * float: correctly rounded except in astronomically rare ties, and identical wherever
 * IEEE double is (hardware or soft-float). */
#ifndef TINYOPS_RUNTIME_FLOAT_MATH_H
#define TINYOPS_RUNTIME_FLOAT_MATH_H

#include <stdint.h>
#include <string.h>

/* exp(y) = 2^k * exp(r) with k = round(y / ln 2) and |r| <= ln 2 / 2; exp(r) by its
 * Taylor series to r^14 (truncation below 1e-17), evaluated by Horner. */
/* ln 2 split so that k * LN2_HI is exact for |k| < 2^20. */
#define TINYOPS_LN2_HI 0x1.62e42fefp-1
#define TINYOPS_LN2_LO (0x1.62e42fefa39efp-1 - 0x1.62e42fefp-1)
#define TINYOPS_INV_LN2 0x1.71547652b82fep0

/* exp(r) - 1 for |r| <= ln 2 / 2, without cancellation: r * sum r^n / (n + 1)!, the
 * coefficients 1/n! for n = 14 down to 1. */
static inline double tinyops_expm1_reduced(double r) {
  static const double inverse_factorials[14] = {1.1470745597729725e-11,
                                                1.6059043836821613e-10,
                                                2.08767569878681e-09,
                                                2.505210838544172e-08,
                                                2.755731922398589e-07,
                                                2.7557319223985893e-06,
                                                2.48015873015873e-05,
                                                0.0001984126984126984,
                                                0.001388888888888889,
                                                0.008333333333333333,
                                                0.041666666666666664,
                                                0.16666666666666666,
                                                0.5,
                                                1.0};
  double p = inverse_factorials[0];
  int i;
  for (i = 1; i < 14; ++i) p = p * r + inverse_factorials[i];
  return p * r;
}

/* 2^k for -1022 <= k <= 1023, built from its bits (exact). */
static inline double tinyops_power_of_two(int32_t k) {
  const uint64_t bits = (uint64_t)(k + 1023) << 52;
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

/* exp(y) for |y| <= 200: the result stays a normal double. */
static inline double tinyops_exp_double(double y) {
  const double t = y * TINYOPS_INV_LN2;
  const int32_t k = (int32_t)(t < 0 ? t - 0.5 : t + 0.5);
  const double r = (y - k * TINYOPS_LN2_HI) - k * TINYOPS_LN2_LO;
  return (1.0 + tinyops_expm1_reduced(r)) * tinyops_power_of_two(k);
}

static inline float tinyops_expf(float x) {
  if (x != x) return x; /* NaN */
  if (x > 89.0f) {      /* overflows: +inf */
    const uint32_t inf_bits = 0x7F800000u;
    float inf;
    memcpy(&inf, &inf_bits, sizeof inf);
    return inf;
  }
  if (x < -104.0f) return 0.0f; /* below half the smallest subnormal */
  return (float)tinyops_exp_double((double)x);
}

static inline float tinyops_tanhf(float x) {
  const double a = x < 0 ? -(double)x : (double)x;
  double t;
  if (x != x || x == 0.0f) return x; /* NaN, and zero keeps its sign */
  if (a > 10.0) { /* 1 - tanh(10) < 2^-28: rounds to 1 */
    t = 1.0;
  } else if (a < 0.17) { /* 2a <= ln 2 / 2: tanh = e / (e + 2) with e = exp(2a) - 1 */
    const double e = tinyops_expm1_reduced(2.0 * a);
    t = e / (e + 2.0);
  } else {
    t = 1.0 - 2.0 / (tinyops_exp_double(2.0 * a) + 1.0);
  }
  return (float)(x < 0 ? -t : t);
}

#endif /* TINYOPS_RUNTIME_FLOAT_MATH_H */
