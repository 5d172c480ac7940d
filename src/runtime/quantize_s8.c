/* Requantisation from int8_t (TFLite Requantize): (x - input zero point) scaled by
 * a fixed-point multiplier, plus the output zero point, clamped to the output type. */
#include "tinyops/runtime/fixed_point.h"
#include "tinyops/runtime/quantize.h"

void tinyops_requantize_s8_s8(const tinyops_requantize_params* params, const int8_t* input,
                              int8_t* output) {
  int32_t i;
  for (i = 0; i < params->count; ++i) {
    const int32_t v =
        tinyops_multiply_by_quantized_multiplier((int32_t)input[i] - params->input_zero_point,
                                                 params->multiplier, params->shift) +
        params->output_zero_point;
    output[i] = (int8_t)tinyops_clamp_i32(v, -128, 127);
  }
}

void tinyops_requantize_s8_s16(const tinyops_requantize_params* params, const int8_t* input,
                               int16_t* output) {
  int32_t i;
  for (i = 0; i < params->count; ++i) {
    const int32_t v =
        tinyops_multiply_by_quantized_multiplier((int32_t)input[i] - params->input_zero_point,
                                                 params->multiplier, params->shift) +
        params->output_zero_point;
    output[i] = (int16_t)tinyops_clamp_i32(v, -32768, 32767);
  }
}

void tinyops_requantize_s8_s32(const tinyops_requantize_params* params, const int8_t* input,
                               int32_t* output) {
  int32_t i;
  for (i = 0; i < params->count; ++i) {
    const int32_t v =
        tinyops_multiply_by_quantized_multiplier((int32_t)input[i] - params->input_zero_point,
                                                 params->multiplier, params->shift) +
        params->output_zero_point;
    output[i] = (int32_t)v;
  }
}
