/* Raw feature block: the window's samples, each times a scale factor. */
#include "tinyops/runtime/features.h"

int32_t tinyops_raw_feature_count(const tinyops_raw_params* params) {
  if (params->axes < 1 || params->window_length < 1 ||
      params->window_length > INT32_MAX / params->axes)
    return -1;
  return params->axes * params->window_length;
}

void tinyops_raw_features_f32(const tinyops_raw_params* params, const float* window, float* out) {
  const int32_t count = params->axes * params->window_length;
  int32_t i;
  for (i = 0; i < count; ++i) out[i] = window[i] * params->scale;
}

void tinyops_raw_features_s16(const tinyops_raw_params* params, const int16_t* window, float* out) {
  const int32_t count = params->axes * params->window_length;
  int32_t i;
  for (i = 0; i < count; ++i) out[i] = (float)window[i] * params->scale;
}
