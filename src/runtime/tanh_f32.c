/* Float TANH. */
#include <math.h>

#include "tinyops/runtime/activations.h"

void tinyops_tanh_f32(int32_t count, const float* input, float* output) {
  int32_t i;
  for (i = 0; i < count; ++i) output[i] = tanhf(input[i]);
}
