/* Windowing shared by the feature blocks: how many windows fit, and frame weights. */
#include "tinyops/runtime/features.h"
#include "tinyops/runtime/float_math.h"

int32_t tinyops_feature_window_count(int32_t total_samples, int32_t window_length, int32_t stride) {
  if (window_length <= 0 || stride <= 0 || total_samples < window_length) return 0;
  return 1 + (total_samples - window_length) / stride;
}

int tinyops_frame_window_f32(int32_t type, int32_t length, float* weights) {
  double a0, a1;
  int32_t n;
  switch (type) {
    case TINYOPS_FRAME_WINDOW_NONE:
      a0 = 1.0;
      a1 = 0.0;
      break;
    case TINYOPS_FRAME_WINDOW_HANN:
      a0 = 0.5;
      a1 = 0.5;
      break;
    case TINYOPS_FRAME_WINDOW_HAMMING:
      a0 = 0.54;
      a1 = 0.46;
      break;
    default:
      return -1;
  }
  for (n = 0; n < length; ++n) {
    double s, c;
    tinyops_sincos_turn_double(n, length, &s, &c);
    weights[n] = (float)(a0 - a1 * c);
  }
  return 0;
}
