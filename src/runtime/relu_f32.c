/* Float RELU and RELU6. */
#include "tinyops/runtime/activations.h"

void tinyops_relu_f32(int32_t count, const float* input, float* output) {
  int32_t i;
  for (i = 0; i < count; ++i) output[i] = input[i] < 0.0f ? 0.0f : input[i];
}

void tinyops_relu6_f32(int32_t count, const float* input, float* output) {
  int32_t i;
  for (i = 0; i < count; ++i) {
    const float x = input[i];
    output[i] = x > 6.0f ? 6.0f : (x < 0.0f ? 0.0f : x);
  }
}
