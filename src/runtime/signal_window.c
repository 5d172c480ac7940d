/* Window: multiply each frame by fixed-point weights and shift back to int16. */
#include "tinyops/runtime/signal.h"

void tinyops_signal_window_s16(const tinyops_signal_window_params* params, int32_t frames,
                               const int16_t* input, const int16_t* window, int16_t* output) {
  const int32_t n = params->window_size;
  int32_t f, i;
  for (f = 0; f < frames; ++f) {
    const int16_t* in = input + (size_t)f * (size_t)n;
    int16_t* out = output + (size_t)f * (size_t)n;
    for (i = 0; i < n; ++i) {
      /* |in * window| < 2^31, so the product fits int32 exactly. */
      const int32_t shifted = ((int32_t)in[i] * (int32_t)window[i]) >> params->shift;
      out[i] =
          (int16_t)(shifted > INT16_MAX ? INT16_MAX : (shifted < INT16_MIN ? INT16_MIN : shifted));
    }
  }
}
