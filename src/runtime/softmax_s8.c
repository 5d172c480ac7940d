/* Quantised softmax with int8 input, TFLite Micro's reference arithmetic: differences
 * from the row maximum are scaled to Q5.26, exponentiated in fixed point, summed in
 * Q12.19, and each exponential is multiplied by the reciprocal of the sum. */
#include "tinyops/runtime/activations.h"
#include "tinyops/runtime/fixed_point_math.h"

enum { kScaledDiffIntegerBits = 5, kAccumulationIntegerBits = 12 };

/* What one row needs after its first pass. */
typedef struct {
  int32_t max_in_row;
  int32_t reciprocal; /* Q0 reciprocal of the sum of exponentials, scaled into [1, 2) */
  int exponent;       /* final right shift */
} row_scale;

/* exp(beta * scale * diff) in Q0 for an input difference diff in [diff_min, 0]. */
static int32_t scaled_exp(const tinyops_softmax_params* p, int32_t diff) {
  const int32_t rescaled = tinyops_sat_rounding_doubling_high_mul(
      (int32_t)((uint32_t)diff << p->input_left_shift), p->input_multiplier);
  return tinyops_fp_exp_on_negative_values(rescaled, kScaledDiffIntegerBits);
}

static row_scale prepare_row(const tinyops_softmax_params* p, const int8_t* in, int out_bits) {
  row_scale r;
  int32_t sum_of_exps = 0; /* Q12 */
  int num_bits_over_unit = 0;
  int32_t c;
  r.max_in_row = -128;
  for (c = 0; c < p->depth; ++c) {
    if (in[c] > r.max_in_row) r.max_in_row = in[c];
  }
  for (c = 0; c < p->depth; ++c) {
    const int32_t diff = (int32_t)in[c] - r.max_in_row;
    if (diff >= p->diff_min) {
      sum_of_exps = tinyops_fp_add(
          sum_of_exps, tinyops_fp_rescale(scaled_exp(p, diff), 0, kAccumulationIntegerBits));
    }
  }
  r.reciprocal = tinyops_fp_reciprocal(sum_of_exps, kAccumulationIntegerBits, &num_bits_over_unit);
  r.exponent = num_bits_over_unit + 31 - out_bits;
  /* TFLite asserts 0 <= exponent <= 31; only rows of over ~1000 equal values with 8-bit
   * output could leave that range. Clamp instead of shifting out of range. */
  if (r.exponent < 0) r.exponent = 0;
  if (r.exponent > 31) r.exponent = 31;
  return r;
}

/* Output value of one element before the output offset (0 when it contributes nothing
 * is signalled by returning -1: the caller then writes the type's minimum). */
static int32_t element_value(const tinyops_softmax_params* p, const row_scale* r, int8_t x) {
  const int32_t diff = (int32_t)x - r->max_in_row;
  if (diff < p->diff_min) return -1;
  return tinyops_rounding_divide_by_pot(tinyops_fp_mul(r->reciprocal, scaled_exp(p, diff)),
                                        r->exponent);
}

void tinyops_softmax_s8(const tinyops_softmax_params* params, const int8_t* input, int8_t* output) {
  int32_t row, c;
  for (row = 0; row < params->rows; ++row) {
    const int8_t* in = input + row * params->depth;
    int8_t* out = output + row * params->depth;
    const row_scale r = prepare_row(params, in, 8);
    for (c = 0; c < params->depth; ++c) {
      const int32_t v = element_value(params, &r, in[c]);
      out[c] = (int8_t)(v < 0 ? -128 : tinyops_clamp_i32(v - 128, -128, 127));
    }
  }
}

void tinyops_softmax_s8_s16(const tinyops_softmax_params* params, const int8_t* input,
                            int16_t* output) {
  int32_t row, c;
  for (row = 0; row < params->rows; ++row) {
    const int8_t* in = input + row * params->depth;
    int16_t* out = output + row * params->depth;
    const row_scale r = prepare_row(params, in, 16);
    for (c = 0; c < params->depth; ++c) {
      const int32_t v = element_value(params, &r, in[c]);
      out[c] = (int16_t)(v < 0 ? -32768 : tinyops_clamp_i32(v - 32768, -32768, 32767));
    }
  }
}
