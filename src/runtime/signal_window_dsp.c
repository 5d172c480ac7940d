/* signal_window.c with two samples per word on a core with the DSP extension: SMULBB and
 * SMULTT for the products, SSAT for the saturation, the same results to the bit (plain C
 * stand-ins elsewhere, so the host tests run it). */
#include "tinyops/runtime/dsp_intrinsics.h"
#include "tinyops/runtime/signal.h"

void tinyops_signal_window_s16_dsp(const tinyops_signal_window_params* params, int32_t frames,
                                   const int16_t* input, const int16_t* window, int16_t* output) {
  const int32_t n = params->window_size, shift = params->shift;
  int32_t f, i;
  for (f = 0; f < frames; ++f) {
    const int16_t* in = input + (size_t)f * (size_t)n;
    int16_t* out = output + (size_t)f * (size_t)n;
    for (i = 0; i + 1 < n; i += 2) {
      const int32_t x = (int32_t)tinyops_dsp_read32(in + i), w = (int32_t)tinyops_dsp_read32(window + i);
      const int32_t lo = tinyops_ssat16(tinyops_smlabb(x, w, 0) >> shift);
      const int32_t hi = tinyops_ssat16(tinyops_smlatt(x, w, 0) >> shift);
      tinyops_dsp_write32(out + i, (uint32_t)tinyops_pkhbt(lo, hi));
    }
    if (i < n) {
      const int32_t shifted = ((int32_t)in[i] * (int32_t)window[i]) >> shift;
      out[i] = (int16_t)tinyops_ssat16(shifted);
    }
  }
}
