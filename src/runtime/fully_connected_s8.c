/* int8 FULLY_CONNECTED: TFLite Micro's reference FullyConnected (one multiplier) and
 * FullyConnectedPerChannel (one per output row); same sum, bias, requantise, clamp. */
#include "tinyops/runtime/fixed_point.h"
#include "tinyops/runtime/fully_connected.h"

void tinyops_fully_connected_s8(const tinyops_fully_connected_params* params,
                                const tinyops_per_channel_quant* quant, const int8_t* input,
                                const int8_t* filter, const int32_t* bias, int8_t* output) {
  const int32_t depth = params->accum_depth;
  int32_t b, o, d;
  for (b = 0; b < params->batches; ++b) {
    const int8_t* in_row = input + b * depth;
    for (o = 0; o < params->output_depth; ++o) {
      const int8_t* f_row = filter + o * depth;
      const int32_t q = params->per_channel ? o : 0;
      int32_t acc = 0;
      for (d = 0; d < depth; ++d) {
        acc += ((int32_t)f_row[d] + params->filter_offset) *
               ((int32_t)in_row[d] + params->input_offset);
      }
      if (bias != 0) acc += bias[o];
      acc = tinyops_multiply_by_quantized_multiplier(acc, quant->multiplier[q], quant->shift[q]);
      acc += params->output_offset;
      acc = tinyops_clamp_i32(acc, params->act_min, params->act_max);
      output[b * params->output_depth + o] = (int8_t)acc;
    }
  }
}
