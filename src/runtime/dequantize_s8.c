/* int8 -> float32 DEQUANTIZE: scale * (x - zero point) in double, rounded to float. */
#include "tinyops/runtime/quantize.h"

void tinyops_dequantize_s8_f32(const tinyops_dequantize_params* params, const int8_t* input,
                               float* output) {
  int32_t i;
  for (i = 0; i < params->count; ++i) {
    output[i] = (float)(params->scale * (double)((int32_t)input[i] - params->zero_point));
  }
}
