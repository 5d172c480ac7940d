/* float32 -> int8/int16 QUANTIZE: TFLite's AffineQuantize. */
#include <math.h>

#include "tinyops/runtime/quantize.h"

/* round(x / scale) + zero point, clamped to [lo, hi]. Division and rounding are in float,
 * as in TFLite. Values beyond int32 saturate and NaN maps to the zero point, where the
 * C++ original's float-to-int conversion would be undefined. */
static int32_t quantize_one(float x, float scale, int32_t zero_point, int32_t lo, int32_t hi) {
  const float r = roundf(x / scale);
  int64_t q;
  if (r != r) {
    q = zero_point;
  } else if (r <= -2147483648.0f) {
    q = lo;
  } else if (r >= 2147483648.0f) {
    q = hi;
  } else {
    q = (int64_t)(int32_t)r + zero_point;
  }
  return (int32_t)(q < lo ? lo : (q > hi ? hi : q));
}

void tinyops_quantize_f32_s8(const tinyops_quantize_params* params, const float* input,
                             int8_t* output) {
  int32_t i;
  for (i = 0; i < params->count; ++i) {
    output[i] = (int8_t)quantize_one(input[i], params->scale, params->zero_point, -128, 127);
  }
}

void tinyops_quantize_f32_s16(const tinyops_quantize_params* params, const float* input,
                              int16_t* output) {
  int32_t i;
  for (i = 0; i < params->count; ++i) {
    output[i] = (int16_t)quantize_one(input[i], params->scale, params->zero_point, -32768, 32767);
  }
}
