/* Float LOGISTIC, TFLite's reference: exact ends beyond the float cut-offs. */
#include "tinyops/runtime/activations.h"
#include "tinyops/runtime/float_math.h"

void tinyops_logistic_f32(int32_t count, const float* input, float* output) {
  const float cutoff_upper = 16.619047164916992188f;
  const float cutoff_lower = -9.0f;
  int32_t i;
  for (i = 0; i < count; ++i) {
    const float x = input[i];
    if (x > cutoff_upper) {
      output[i] = 1.0f;
    } else if (x < cutoff_lower) {
      output[i] = tinyops_expf(x);
    } else {
      output[i] = 1.0f / (1.0f + tinyops_expf(-x));
    }
  }
}
