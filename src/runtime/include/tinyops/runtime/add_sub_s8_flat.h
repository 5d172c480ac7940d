/* int8 ADD and SUB without broadcasting, with each of the three MultiplyByQuantizedMultiplier
 * steps done by one rounding high multiply (dsp_requantize.h) instead of the 64-bit reference
 * arithmetic: bit for bit the same results, about six times fewer instructions per element
 * on a Cortex-M4 (the residual ADDs of ResNet-8 and MCUNet spend ~150 instructions per
 * element in the reference walk).
 *
 * The single multiply equals the reference only while |x * 2^max(shift, 0)| < 2^30 and the
 * right shift is at most 31. tinyops_add_sub_s8_flat_ok checks that once per call from the
 * parameters alone (the int8 inputs bound every intermediate), so the result never depends on
 * it; with TFLite's parameters (left shift 20, input multipliers <= 1/2) it always holds. */
#ifndef TINYOPS_RUNTIME_ADD_SUB_S8_FLAT_H
#define TINYOPS_RUNTIME_ADD_SUB_S8_FLAT_H

#include <stdint.h>

#include "tinyops/runtime/dsp_requantize.h"
#include "tinyops/runtime/elementwise_binary.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when both inputs are laid out exactly like the output (no dimension broadcast). */
static inline int32_t tinyops_broadcast_is_flat(const tinyops_broadcast* b) {
  int32_t stride = 1, d;
  for (d = b->rank - 1; d >= 0; --d) {
    if (b->dims[d] != 1 && (b->stride1[d] != stride || b->stride2[d] != stride)) return 0;
    stride *= b->dims[d];
  }
  return 1;
}

/* An upper bound of |MultiplyByQuantizedMultiplier(x, multiplier, shift)| over |x| <= bound,
 * or -1 when the one-multiply form is not exact for some such x. */
static inline int64_t tinyops_add_sub_s8_scaled_bound(int64_t bound, int32_t multiplier,
                                                      int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0;
  if (shift < -31 || left > 30 || multiplier < 0) return -1;
  bound <<= left;
  if (bound >= ((int64_t)1 << 30)) return -1;
  return ((bound * multiplier) >> 31) + 1;
}

static inline int32_t tinyops_add_sub_s8_flat_ok(const tinyops_add_params* p,
                                                 const tinyops_broadcast* shape) {
  int64_t in1, in2, scaled1, scaled2;
  if (!tinyops_broadcast_is_flat(shape)) return 0;
  if (p->left_shift < 0 || p->left_shift > 22) return 0;
  if (p->input1_offset < -127 || p->input1_offset > 128) return 0;
  if (p->input2_offset < -127 || p->input2_offset > 128) return 0;
  /* |x + offset| <= 128 + |offset| for int8 x. */
  in1 = (int64_t)(128 + (p->input1_offset < 0 ? -p->input1_offset : p->input1_offset))
        << p->left_shift;
  in2 = (int64_t)(128 + (p->input2_offset < 0 ? -p->input2_offset : p->input2_offset))
        << p->left_shift;
  scaled1 = tinyops_add_sub_s8_scaled_bound(in1, p->input1_multiplier, p->input1_shift);
  scaled2 = tinyops_add_sub_s8_scaled_bound(in2, p->input2_multiplier, p->input2_shift);
  if (scaled1 < 0 || scaled2 < 0) return 0;
  return tinyops_add_sub_s8_scaled_bound(scaled1 + scaled2, p->output_multiplier,
                                         p->output_shift) >= 0;
}

/* The loop, for parameters tinyops_add_sub_s8_flat_ok accepted; subtract is 0 or 1. */
static inline void tinyops_add_sub_s8_flat(const tinyops_add_params* p, int32_t count,
                                           const int8_t* input1, const int8_t* input2,
                                           int8_t* output, int32_t subtract) {
  tinyops_dsp_channel c1 = tinyops_dsp_channel_of(0, p->input1_multiplier, p->input1_shift);
  tinyops_dsp_channel c2 = tinyops_dsp_channel_of(0, p->input2_multiplier, p->input2_shift);
  const tinyops_dsp_channel co = tinyops_dsp_channel_of(0, p->output_multiplier, p->output_shift);
  const int32_t off1 = p->input1_offset, off2 = p->input2_offset, zo = p->output_offset;
  const int32_t lo = p->act_min, hi = p->act_max;
  int32_t i;
  /* The ADD's own left shift joins the requantisation's (x << a << b = x << (a + b)). */
  c1.left_shift += p->left_shift;
  c2.left_shift += p->left_shift;
  for (i = 0; i < count; ++i) {
    const int32_t s1 = tinyops_dsp_requantize(input1[i] + off1, &c1);
    const int32_t s2 = tinyops_dsp_requantize(input2[i] + off2, &c2);
    const int32_t v = tinyops_dsp_requantize(subtract ? s1 - s2 : s1 + s2, &co) + zo;
    output[i] = (int8_t)(v < lo ? lo : (v > hi ? hi : v));
  }
}

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_ADD_SUB_S8_FLAT_H */
