/* Requantisation for the DSP kernels: tinyops_multiply_by_quantized_multiplier's result
 * (TFLite's double-rounding MultiplyByQuantizedMultiplier), bit for bit, in fewer
 * instructions, for the multipliers quantize_multiplier produces (0 to INT32_MAX; never
 * INT32_MIN, so the saturating corner of the doubling high multiply cannot occur).
 *
 * - The rounding doubling high multiply (a * b + nudge) / 2^31, with C's truncating division
 *   and nudge = 2^30 or 1 - 2^30 by the sign of a * b, equals floor((a * b + 2^30) / 2^31)
 *   for both signs. When |a| < 2^30 that is SMMULR(2a, b) = floor((2ab + 2^31) / 2^32), a
 *   single instruction. The kernels require |acc * 2^max(shift, 0)| < 2^30 for every
 *   possible input; tinyops_*_dsp_small_acc proves it at compile time from the weights, the
 *   bias and the input offset; otherwise the conv kernel checks each output
 *   (tinyops_dsp_requantize_checked below), the FC and SVDF kernels requantise with
 *   tinyops_dsp_requantize_exact below, and the depthwise ones leave the layer to the
 *   reference kernel. The same form serves int8 ADD/SUB (add_sub_s8_flat.h).
 * - The rounding right shift by e >= 1 (half away from zero) equals
 *   (x + 2^(e - 1) - (x < 0)) >> e. */
#ifndef TINYOPS_RUNTIME_DSP_REQUANTIZE_H
#define TINYOPS_RUNTIME_DSP_REQUANTIZE_H

#include <stdint.h>

#include "tinyops/runtime/dsp_intrinsics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One output channel: its bias and its requantisation, unpacked from (multiplier, shift)
 * once per call into the kernel's scratch. */
typedef struct {
  int32_t bias;
  int32_t multiplier;
  int32_t left_shift; /* max(shift, 0) + 1: the SMMULR operand is 2 * acc * 2^max(shift, 0) */
  int32_t half;       /* 2^(right - 1), or 0 when right is 0 */
  int32_t negative;   /* 1 when right > 0: ties of negative values round down, not up */
  int32_t right;      /* max(-shift, 0) */
} tinyops_dsp_channel;

static inline tinyops_dsp_channel tinyops_dsp_channel_of(int32_t bias, int32_t multiplier,
                                                         int32_t shift) {
  tinyops_dsp_channel c;
  c.bias = bias;
  c.multiplier = multiplier;
  c.left_shift = (shift > 0 ? shift : 0) + 1;
  c.right = shift > 0 ? 0 : -shift;
  c.half = c.right > 0 ? (int32_t)((uint32_t)1 << (c.right - 1)) : 0;
  c.negative = c.right > 0;
  return c;
}

/* The shift the channel was unpacked from (for the exact requantisation). */
static inline int32_t tinyops_dsp_channel_shift(const tinyops_dsp_channel* c) {
  return c->left_shift - 1 - c->right;
}

/* MultiplyByQuantizedMultiplier(acc, multiplier, shift), given |acc * 2^max(shift, 0)| <
 * 2^30 (the kernels' precondition). Then |x| < 2^30, so x + half cannot overflow. */
static inline int32_t tinyops_dsp_requantize(int32_t acc, const tinyops_dsp_channel* c) {
  const int32_t x = tinyops_smmulr((int32_t)((uint32_t)acc << c->left_shift), c->multiplier);
  return (x + c->half - ((x >> 31) & c->negative)) >> c->right;
}

/* MultiplyByQuantizedMultiplier(acc, multiplier, shift) for every acc (no bound), bit for
 * bit, in a few instructions more than tinyops_dsp_requantize: the rounding doubling high
 * multiply as floor((a * b + 2^30) / 2^31) on the 64-bit product (one SMLAL; exact for both
 * signs since the multiplier is never INT32_MIN), then the reference's rounding right shift
 * by remainder and threshold, which cannot overflow where x + half could. */
static inline int32_t tinyops_dsp_requantize_exact(int32_t acc, const tinyops_dsp_channel* c) {
  const int32_t a = (int32_t)((uint32_t)acc << (c->left_shift - 1));
  const int32_t x = (int32_t)(((int64_t)a * c->multiplier + ((int64_t)1 << 30)) >> 31);
  const int32_t mask = (int32_t)(((uint32_t)c->half << 1) - (uint32_t)c->negative);
  const int32_t threshold = c->half - c->negative + (int32_t)((uint32_t)x >> 31);
  return (x >> c->right) + ((x & mask) > threshold ? 1 : 0);
}

/* MultiplyByQuantizedMultiplier(acc, multiplier, shift) for any accumulator, for kernels
 * whose layer bound is not proven. The reference first forms a = acc * 2^max(shift, 0) (in
 * int32, wrapping); the one-multiply form is exact whenever 2a is an int32, that is when bits
 * 31 and 30 of a agree, which holds for nearly every accumulator of a real layer even where
 * the worst case over all inputs does not. Only the others take the 64-bit reference
 * arithmetic, so the check costs three instructions per output instead of ~35 for the
 * 64-bit arithmetic on every output. `exact` is tinyops_multiply_by_quantized_multiplier
 * behind a function call (kept out of line so the hot loop stays small). */
static inline int32_t tinyops_dsp_requantize_checked(int32_t acc, const tinyops_dsp_channel* c,
                                                     int32_t (*exact)(int32_t, int32_t, int32_t)) {
  const int32_t a = (int32_t)((uint32_t)acc << (c->left_shift - 1));
  const int32_t twice = (int32_t)((uint32_t)a << 1);
  if ((a ^ twice) >= 0) {
    const int32_t x = tinyops_smmulr(twice, c->multiplier);
    return (x + c->half - ((x >> 31) & c->negative)) >> c->right;
  }
  return exact(acc, c->multiplier, tinyops_dsp_channel_shift(c));
}

/* Requantises n accumulators of one output channel (n <= 4) and stores them `stride` bytes
 * apart: + output zero point, then the activation clamp (act_min >= -128 and act_max <= 127,
 * so the full int8 range is one saturation). */
static inline void tinyops_dsp_store(int8_t* out, int32_t stride, int32_t n, const int32_t* acc,
                                     const tinyops_dsp_channel* channel, int32_t output_offset,
                                     int32_t act_min, int32_t act_max) {
  const tinyops_dsp_channel c = *channel; /* a local copy: the int8 stores cannot alias it */
  int32_t i;
  if (act_min == -128 && act_max == 127) {
    for (i = 0; i < n; ++i, out += stride) {
      *out = (int8_t)tinyops_ssat8(tinyops_dsp_requantize(acc[i], &c) + output_offset);
    }
  } else {
    for (i = 0; i < n; ++i, out += stride) {
      const int32_t v = tinyops_dsp_requantize(acc[i], &c) + output_offset;
      *out = (int8_t)(v < act_min ? act_min : (v > act_max ? act_max : v));
    }
  }
}

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_DSP_REQUANTIZE_H */
