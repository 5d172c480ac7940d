/* Float TANH. */
#include "tinyops/runtime/activations.h"
#include "tinyops/runtime/float_math.h"

void tinyops_tanh_f32(int32_t count, const float* input, float* output) {
  int32_t i;
  for (i = 0; i < count; ++i) output[i] = tinyops_tanhf(input[i]);
}
