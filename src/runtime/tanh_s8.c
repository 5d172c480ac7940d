/* int8 TANH, TFLite Micro's reference_integer_ops::Tanh: gemmlowp's fixed-point tanh on a
 * Q4 input, rounded to 7 fractional bits (output zero point 0). */
#include "tinyops/runtime/activations.h"
#include "tinyops/runtime/fixed_point_math.h"

void tinyops_tanh_s8(const tinyops_sigmoid_params* params, const int8_t* input, int8_t* output) {
  int32_t i;
  for (i = 0; i < params->count; ++i) {
    const int32_t x = (int32_t)input[i] - params->input_zero_point;
    if (x <= -params->input_range_radius) {
      output[i] = -128;
    } else if (x >= params->input_range_radius) {
      output[i] = 127;
    } else {
      const int32_t in_q4 = tinyops_multiply_by_quantized_multiplier(x, params->input_multiplier,
                                                                     params->input_shift);
      const int32_t out_q0 = tinyops_fp_tanh(in_q4, 4);
      const int32_t out = tinyops_rounding_divide_by_pot(out_q0, 31 - 7);
      output[i] = (int8_t)tinyops_clamp_i32(out, -128, 127);
    }
  }
}
