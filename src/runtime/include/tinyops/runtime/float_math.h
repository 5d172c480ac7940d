/* exp, tanh, log, sin and cos for float kernels and DSP tables, the same bits on every
 * platform.
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

/* ---- log, sin and cos (feature blocks: log-mel energies, FFT and DCT tables, filters) ----
 * The same recipe: double with +, -, *, / only, one rounding where a float is returned. */

/* log(x) for a positive, finite, normal double: x = m * 2^e with m in [sqrt(1/2), sqrt(2)),
 * log(m) = 2 atanh(s) with s = (m - 1) / (m + 1), |s| <= 0.1716, by its series
 * 2 s sum s^(2n) / (2n + 1) to n = 11 (the next term is below 1e-18 of the sum). */
static inline double tinyops_log_double(double x) {
  static const double inverse_odd[12] = {1.0 / 23.0, 1.0 / 21.0, 1.0 / 19.0, 1.0 / 17.0,
                                         1.0 / 15.0, 1.0 / 13.0, 1.0 / 11.0, 1.0 / 9.0,
                                         1.0 / 7.0,  1.0 / 5.0,  1.0 / 3.0,  1.0};
  uint64_t bits;
  int32_t e;
  double m, s, s2, p;
  int i;
  memcpy(&bits, &x, sizeof bits);
  e = (int32_t)((bits >> 52) & 0x7FFu) - 1023;
  bits = (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull; /* m in [1, 2) */
  memcpy(&m, &bits, sizeof m);
  if (m > 0x1.6a09e667f3bcdp0) { /* sqrt(2) */
    m *= 0.5;
    e += 1;
  }
  s = (m - 1.0) / (m + 1.0);
  s2 = s * s;
  p = inverse_odd[0];
  for (i = 1; i < 12; ++i) p = p * s2 + inverse_odd[i];
  return e * TINYOPS_LN2_HI + (e * TINYOPS_LN2_LO + 2.0 * s * p);
}

/* Natural log of a float: -inf for zero, NaN below zero, +inf for +inf. */
static inline float tinyops_logf(float x) {
  if (x != x || x < 0.0f) {
    const uint32_t nan_bits = 0x7FC00000u;
    float nan_value;
    memcpy(&nan_value, &nan_bits, sizeof nan_value);
    return nan_value;
  }
  if (x == 0.0f) {
    const uint32_t minus_inf_bits = 0xFF800000u;
    float minus_inf;
    memcpy(&minus_inf, &minus_inf_bits, sizeof minus_inf);
    return minus_inf;
  }
  if (x - x != 0.0f) return x; /* +inf */
  return (float)tinyops_log_double((double)x); /* float subnormals are normal doubles */
}

/* Natural log of a positive, finite float in float arithmetic only, for per-frame use on
 * cores without a double FPU (log-mel energies): the same atanh series to s^11, within a
 * few units in the last place, and still the same bits everywhere (only IEEE float +, -,
 * *, / in a fixed order). Zero, negatives, inf and NaN as tinyops_logf. */
static inline float tinyops_log_fast_f32(float x) {
  uint32_t bits;
  int32_t e;
  float m, s, s2, p;
  if (!(x > 0.0f) || x - x != 0.0f) return tinyops_logf(x);
  memcpy(&bits, &x, sizeof bits);
  e = 0;
  if (bits < 0x00800000u) { /* subnormal: scale by 2^25 */
    x *= 33554432.0f;
    memcpy(&bits, &x, sizeof bits);
    e = -25;
  }
  e += (int32_t)(bits >> 23) - 127;
  bits = (bits & 0x007FFFFFu) | 0x3F800000u; /* m in [1, 2) */
  memcpy(&m, &bits, sizeof m);
  if (m > 1.41421356f) {
    m *= 0.5f;
    e += 1;
  }
  s = (m - 1.0f) / (m + 1.0f);
  s2 = s * s;
  p = s2 * (0.333333343f + s2 * (0.2f + s2 * (0.142857149f + s2 * (0.111111112f + s2 * 0.0909090936f))));
  /* ln 2 = 0x1.62e4p-1 (exact times |e| < 2^8) + the rest. */
  return (float)e * 0.693145751953125f + ((float)e * 1.42860677e-06f + (2.0f * s + 2.0f * s * p));
}

/* pi / 2 split so that q * TINYOPS_PIO2_HI is exact for |q| < 2^20. */
#define TINYOPS_PIO2_HI 0x1.921fb544p0
#define TINYOPS_PIO2_LO 0x1.0b4611a626331p-34
#define TINYOPS_TWO_OVER_PI 0x1.45f306dc9c883p-1
#define TINYOPS_TWO_PI 0x1.921fb54442d18p2

/* sin r and cos r for |r| <= pi/4: Taylor series of sin to r^19 and cos to r^20
 * (truncation below 1e-19). */
static inline void tinyops_sincos_series(double r, double* sine, double* cosine) {
  /* (-1)^(n/2) / n! for n = 19 down to 3 (odd) and n = 20 down to 2 (even). */
  static const double odd[9] = {-1.0 / 121645100408832000.0, 1.0 / 355687428096000.0,
                                -1.0 / 1307674368000.0,      1.0 / 6227020800.0,
                                -1.0 / 39916800.0,           1.0 / 362880.0,
                                -1.0 / 5040.0,               1.0 / 120.0,
                                -1.0 / 6.0};
  static const double even[10] = {1.0 / 2432902008176640000.0, -1.0 / 6402373705728000.0,
                                  1.0 / 20922789888000.0,      -1.0 / 87178291200.0,
                                  1.0 / 479001600.0,           -1.0 / 3628800.0,
                                  1.0 / 40320.0,               -1.0 / 720.0,
                                  1.0 / 24.0,                  -1.0 / 2.0};
  const double r2 = r * r;
  double s = 0.0, c = 0.0;
  int i;
  for (i = 0; i < 9; ++i) s = s * r2 + odd[i];
  for (i = 0; i < 10; ++i) c = c * r2 + even[i];
  *sine = r + s * r2 * r;
  *cosine = 1.0 + c * r2;
}

/* sin(x) and cos(x) for |x| < 10^5: x = q pi/2 + r with |r| <= pi/4, then the quadrant. */
static inline void tinyops_sincos_double(double x, double* sine, double* cosine) {
  const double t = x * TINYOPS_TWO_OVER_PI;
  const int32_t q = (int32_t)(t < 0 ? t - 0.5 : t + 0.5);
  double s, c;
  tinyops_sincos_series((x - q * TINYOPS_PIO2_HI) - q * TINYOPS_PIO2_LO, &s, &c);
  switch (q & 3) { /* two's complement: -1 & 3 == 3 */
    case 0: *sine = s; *cosine = c; break;
    case 1: *sine = c; *cosine = -s; break;
    case 2: *sine = -s; *cosine = -c; break;
    default: *sine = -c; *cosine = s; break;
  }
}

/* sin and cos of 2 pi k / n (n > 0, |k| < 2^29) for FFT, window and DCT tables. The angle
 * is folded into [0, pi/4] exactly in integers, so multiples of a quarter turn give exact
 * 0 and +-1 and mirrored angles give exactly mirrored values. */
static inline void tinyops_sincos_turn_double(int32_t k, int32_t n, double* sine, double* cosine) {
  /* The angle is (pi/2) u / n with u = 4 (k mod n) in [0, 4n). */
  int64_t u = (int64_t)(k % n);
  double s_sign = 1.0, c_sign = 1.0, s, c;
  int swap = 0;
  if (u < 0) u += n;
  u *= 4;
  if (u > 2 * (int64_t)n) { /* (pi, 2 pi): sin(2 pi - a) = -sin a */
    u = 4 * (int64_t)n - u;
    s_sign = -1.0;
  }
  if (u > n) { /* (pi/2, pi]: cos(pi - a) = -cos a */
    u = 2 * (int64_t)n - u;
    c_sign = -1.0;
  }
  if (2 * u > n) { /* (pi/4, pi/2]: sin and cos of pi/2 - a swap */
    u = n - u;
    swap = 1;
  }
  tinyops_sincos_series((TINYOPS_PIO2_HI + TINYOPS_PIO2_LO) * (double)u / (double)n, &s, &c);
  *sine = s_sign * (swap ? c : s);
  *cosine = c_sign * (swap ? s : c);
}

#endif /* TINYOPS_RUNTIME_FLOAT_MATH_H */
