/* Fixed-point primitives of TFLite's quantised arithmetic (gemmlowp semantics).
 * Every int8 kernel requantises through these, so host and device round identically. */
#ifndef TINYOPS_RUNTIME_FIXED_POINT_H
#define TINYOPS_RUNTIME_FIXED_POINT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* (a * b * 2) >> 32 with rounding to nearest (ties away from zero after the nudge, as
 * gemmlowp), saturating the single overflow case a == b == INT32_MIN. */
static inline int32_t tinyops_sat_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == INT32_MIN) return INT32_MAX;
  {
    const int64_t ab = (int64_t)a * (int64_t)b;
    const int64_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
  }
}

/* x / 2^exponent rounded to nearest, ties away from zero. exponent in [0, 31]. */
static inline int32_t tinyops_rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* x * multiplier * 2^(shift - 31): TFLite's MultiplyByQuantizedMultiplier (double
 * rounding: a rounding high-mul, then a rounding right shift). */
static inline int32_t tinyops_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier,
                                                               int shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  return tinyops_rounding_divide_by_pot(
      tinyops_sat_rounding_doubling_high_mul((int32_t)((uint32_t)x << left_shift), multiplier),
      right_shift);
}

static inline int32_t tinyops_clamp_i32(int32_t x, int32_t lo, int32_t hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

static inline float tinyops_clamp_f32(float x, float lo, float hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_FIXED_POINT_H */
