/* Energy: squared magnitude of each FFT bin in a range. */
#include "tinyops/runtime/signal.h"

void tinyops_signal_energy_s16(const tinyops_signal_energy_params* params, int32_t bins,
                               const tinyops_complex_s16* input, uint32_t* output) {
  int32_t k;
  for (k = 0; k < bins; ++k) {
    if (k < params->start_index || k >= params->end_index) {
      output[k] = 0;
    } else {
      /* Each square is at most 2^30; their sum at most 2^31, which fits uint32. */
      const uint32_t re2 = (uint32_t)((int32_t)input[k].r * input[k].r);
      const uint32_t im2 = (uint32_t)((int32_t)input[k].i * input[k].i);
      output[k] = re2 + im2;
    }
  }
}
