/* float32 FULLY_CONNECTED in TFLite Micro's reference order: dot product into a float
 * total starting at 0, bias added after the sum, then the clamp. */
#include "tinyops/runtime/fixed_point.h"
#include "tinyops/runtime/fully_connected.h"

void tinyops_fully_connected_f32(const tinyops_fully_connected_params_f32* params,
                                 const float* input, const float* filter, const float* bias,
                                 float* output) {
  const int32_t depth = params->accum_depth;
  int32_t b, o, d;
  for (b = 0; b < params->batches; ++b) {
    const float* in_row = input + b * depth;
    for (o = 0; o < params->output_depth; ++o) {
      const float* f_row = filter + o * depth;
      float total = 0.0f;
      float bias_value;
      for (d = 0; d < depth; ++d) total += in_row[d] * f_row[d];
      bias_value = bias != 0 ? bias[o] : 0.0f;
      output[b * params->output_depth + o] =
          tinyops_clamp_f32(total + bias_value, params->act_min, params->act_max);
    }
  }
}
