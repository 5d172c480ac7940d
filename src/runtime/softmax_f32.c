/* Float softmax, TFLite Micro's reference order: subtract the row maximum, exponentiate
 * with beta, sum in order, divide. */
#include "tinyops/runtime/activations.h"
#include "tinyops/runtime/float_math.h"

void tinyops_softmax_f32(const tinyops_softmax_params_f32* params, const float* input,
                         float* output) {
  int32_t row, c;
  for (row = 0; row < params->rows; ++row) {
    const float* in = input + row * params->depth;
    float* out = output + row * params->depth;
    float max = -3.402823466e+38f;
    float sum = 0.0f;
    for (c = 0; c < params->depth; ++c) {
      if (in[c] > max) max = in[c];
    }
    for (c = 0; c < params->depth; ++c) {
      const float e = tinyops_expf((in[c] - max) * params->beta);
      out[c] = e;
      sum += e;
    }
    for (c = 0; c < params->depth; ++c) out[c] = out[c] / sum;
  }
}
