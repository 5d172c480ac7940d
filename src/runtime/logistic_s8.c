/* int8 LOGISTIC, TFLite Micro's reference_integer_ops::Logistic: gemmlowp's fixed-point
 * logistic on a Q4 input, rounded to 8 fractional bits, offset by -128. */
#include "tinyops/runtime/activations.h"
#include "tinyops/runtime/fixed_point_math.h"

void tinyops_logistic_s8(const tinyops_sigmoid_params* params, const int8_t* input,
                         int8_t* output) {
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
      const int32_t out_q0 = tinyops_fp_logistic(in_q4, 4);
      const int32_t out = tinyops_rounding_divide_by_pot(out_q0, 31 - 8) - 128;
      output[i] = (int8_t)tinyops_clamp_i32(out, -128, 127);
    }
  }
}
