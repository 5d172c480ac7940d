/* Element-wise binary operators with TFLite broadcasting: ADD, SUB, MUL, DIV, MINIMUM,
 * MAXIMUM. Quantised kernels follow TFLite Micro's reference arithmetic bit for bit; float
 * kernels are plain loops (compiled without floating-point contraction).
 *
 * Broadcasting: the host resolves both input shapes against the output shape once and
 * passes, per output dimension, each input's element stride (0 where that input is
 * broadcast). Kernels walk the output in row-major order. */
#ifndef TINYOPS_RUNTIME_ELEMENTWISE_BINARY_H
#define TINYOPS_RUNTIME_ELEMENTWISE_BINARY_H

#include <stdint.h>

#include "tinyops/runtime/fixed_point.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TINYOPS_BROADCAST_MAX_DIMS 6

typedef struct {
  int32_t rank;  /* 1 .. TINYOPS_BROADCAST_MAX_DIMS */
  int32_t count; /* output elements */
  int32_t dims[TINYOPS_BROADCAST_MAX_DIMS];
  int32_t stride1[TINYOPS_BROADCAST_MAX_DIMS]; /* input 1 element stride per dimension */
  int32_t stride2[TINYOPS_BROADCAST_MAX_DIMS];
} tinyops_broadcast;

/* Walks the output in order, tracking the offsets of the matching input elements. */
typedef struct {
  int32_t index[TINYOPS_BROADCAST_MAX_DIMS];
  int32_t offset1;
  int32_t offset2;
} tinyops_broadcast_iter;

static inline void tinyops_broadcast_begin(const tinyops_broadcast* b, tinyops_broadcast_iter* it) {
  int32_t d;
  for (d = 0; d < b->rank; ++d) it->index[d] = 0;
  it->offset1 = 0;
  it->offset2 = 0;
}

static inline void tinyops_broadcast_next(const tinyops_broadcast* b, tinyops_broadcast_iter* it) {
  int32_t d = b->rank - 1;
  for (; d >= 0; --d) {
    it->offset1 += b->stride1[d];
    it->offset2 += b->stride2[d];
    if (++it->index[d] < b->dims[d]) return;
    it->offset1 -= b->stride1[d] * b->dims[d];
    it->offset2 -= b->stride2[d] * b->dims[d];
    it->index[d] = 0;
  }
}

/* ADD / SUB on int8 and int16 (TFLite: left_shift 20 for int8, 15 for int16). Each input,
 * less its zero point, is shifted left, scaled by its multiplier, the two are added (or
 * subtracted), and the result is scaled to the output. */
typedef struct {
  int32_t input1_offset; /* minus the zero points */
  int32_t input2_offset;
  int32_t output_offset; /* the output zero point */
  int32_t left_shift;
  int32_t input1_multiplier;
  int32_t input1_shift; /* <= 0 */
  int32_t input2_multiplier;
  int32_t input2_shift;
  int32_t output_multiplier;
  int32_t output_shift;
  int32_t act_min;
  int32_t act_max;
} tinyops_add_params;

/* MUL and DIV on int8/int16: one output multiplier. */
typedef struct {
  int32_t input1_offset;
  int32_t input2_offset;
  int32_t output_offset;
  int32_t output_multiplier;
  int32_t output_shift;
  int32_t act_min;
  int32_t act_max;
} tinyops_mul_params;

/* One quantised ADD (subtract = 0) or SUB (subtract = 1) element, before clamping. */
static inline int32_t tinyops_add_sub_element(const tinyops_add_params* p, int32_t x1, int32_t x2,
                                              int subtract) {
  const int32_t shifted1 = (x1 + p->input1_offset) * ((int32_t)1 << p->left_shift);
  const int32_t shifted2 = (x2 + p->input2_offset) * ((int32_t)1 << p->left_shift);
  const int32_t scaled1 =
      tinyops_multiply_by_quantized_multiplier(shifted1, p->input1_multiplier, p->input1_shift);
  const int32_t scaled2 =
      tinyops_multiply_by_quantized_multiplier(shifted2, p->input2_multiplier, p->input2_shift);
  const int32_t raw = subtract ? scaled1 - scaled2 : scaled1 + scaled2;
  return tinyops_multiply_by_quantized_multiplier(raw, p->output_multiplier, p->output_shift) +
         p->output_offset;
}

/* One quantised MUL element, before clamping. */
static inline int32_t tinyops_mul_element(const tinyops_mul_params* p, int32_t x1, int32_t x2) {
  return p->output_offset +
         tinyops_multiply_by_quantized_multiplier((x1 + p->input1_offset) * (x2 + p->input2_offset),
                                                  p->output_multiplier, p->output_shift);
}

void tinyops_add_s8(const tinyops_add_params* params, const tinyops_broadcast* shape,
                    const int8_t* input1, const int8_t* input2, int8_t* output);
void tinyops_add_s16(const tinyops_add_params* params, const tinyops_broadcast* shape,
                     const int16_t* input1, const int16_t* input2, int16_t* output);
/* int32 ADD ignores fused activations, as TFLite Micro does; sums wrap. */
void tinyops_add_s32(const tinyops_broadcast* shape, const int32_t* input1, const int32_t* input2,
                     int32_t* output);
void tinyops_add_f32(float act_min, float act_max, const tinyops_broadcast* shape,
                     const float* input1, const float* input2, float* output);

void tinyops_sub_s8(const tinyops_add_params* params, const tinyops_broadcast* shape,
                    const int8_t* input1, const int8_t* input2, int8_t* output);
void tinyops_sub_s16(const tinyops_add_params* params, const tinyops_broadcast* shape,
                     const int16_t* input1, const int16_t* input2, int16_t* output);
void tinyops_sub_s32(int32_t act_min, int32_t act_max, const tinyops_broadcast* shape,
                     const int32_t* input1, const int32_t* input2, int32_t* output);
void tinyops_sub_f32(float act_min, float act_max, const tinyops_broadcast* shape,
                     const float* input1, const float* input2, float* output);

void tinyops_mul_s8(const tinyops_mul_params* params, const tinyops_broadcast* shape,
                    const int8_t* input1, const int8_t* input2, int8_t* output);
void tinyops_mul_s16(const tinyops_mul_params* params, const tinyops_broadcast* shape,
                     const int16_t* input1, const int16_t* input2, int16_t* output);
/* int32 MUL: products wrap, then the fused activation clamps. */
void tinyops_mul_s32(int32_t act_min, int32_t act_max, const tinyops_broadcast* shape,
                     const int32_t* input1, const int32_t* input2, int32_t* output);
void tinyops_mul_f32(float act_min, float act_max, const tinyops_broadcast* shape,
                     const float* input1, const float* input2, float* output);

/* int32 DIV truncates toward zero; a zero divisor gives 0 (TFLite Micro leaves it
 * undefined). */
void tinyops_div_s32(int32_t act_min, int32_t act_max, const tinyops_broadcast* shape,
                     const int32_t* input1, const int32_t* input2, int32_t* output);
void tinyops_div_f32(float act_min, float act_max, const tinyops_broadcast* shape,
                     const float* input1, const float* input2, float* output);

/* MINIMUM / MAXIMUM compare stored values (int8 inputs share the output's quantisation). */
void tinyops_minimum_s8(const tinyops_broadcast* shape, const int8_t* input1, const int8_t* input2,
                        int8_t* output);
void tinyops_maximum_s8(const tinyops_broadcast* shape, const int8_t* input1, const int8_t* input2,
                        int8_t* output);
void tinyops_minimum_s16(const tinyops_broadcast* shape, const int16_t* input1,
                         const int16_t* input2, int16_t* output);
void tinyops_maximum_s16(const tinyops_broadcast* shape, const int16_t* input1,
                         const int16_t* input2, int16_t* output);
void tinyops_minimum_s32(const tinyops_broadcast* shape, const int32_t* input1,
                         const int32_t* input2, int32_t* output);
void tinyops_maximum_s32(const tinyops_broadcast* shape, const int32_t* input1,
                         const int32_t* input2, int32_t* output);
void tinyops_minimum_f32(const tinyops_broadcast* shape, const float* input1, const float* input2,
                         float* output);
void tinyops_maximum_f32(const tinyops_broadcast* shape, const float* input1, const float* input2,
                         float* output);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_ELEMENTWISE_BINARY_H */
