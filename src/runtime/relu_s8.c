/* int8 RELU and RELU6 as TFLite Micro runs them. RELU requantises every value into the
 * output's scale before clamping at the output's zero; RELU6 clamps in the input domain. */
#include "tinyops/runtime/activations.h"
#include "tinyops/runtime/fixed_point.h"

void tinyops_relu_s8(const tinyops_relu_params* params, const int8_t* input, int8_t* output) {
  int32_t i;
  for (i = 0; i < params->count; ++i) {
    const int32_t v =
        params->output_zero_point +
        tinyops_multiply_by_quantized_multiplier((int32_t)input[i] - params->input_zero_point,
                                                 params->output_multiplier, params->output_shift);
    output[i] = (int8_t)tinyops_clamp_i32(v, params->act_min, params->act_max);
  }
}

void tinyops_relu6_s8(int32_t count, int8_t zero, int8_t six, const int8_t* input, int8_t* output) {
  int32_t i;
  for (i = 0; i < count; ++i) {
    const int8_t x = input[i];
    output[i] = x > six ? six : (x < zero ? zero : x);
  }
}
