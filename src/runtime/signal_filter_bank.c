/* Filter bank: accumulate the energy spectrum into overlapping triangular channels. */
#include "tinyops/runtime/signal.h"

void tinyops_signal_filter_bank_u32(const tinyops_signal_filter_bank_params* params,
                                    const uint32_t* input, uint64_t* output) {
  /* Each bin lands in two neighbouring channels: weighted in channel c, unweighted
   * (1 - weight) in channel c + 1. Walking the channels once, the unweighted sum of
   * channel c becomes the starting value of channel c + 1. Channel 0 only seeds channel 1.
   * Weights are signed int16 multiplied into uint64 sums; like TFLM, negative weights
   * wrap modulo 2^64. */
  uint64_t weighted = 0;
  uint64_t carried = 0;
  int32_t c, j;
  for (c = 0; c <= params->num_channels; ++c) {
    const int32_t freq_start = params->channel_frequency_starts[c];
    const int32_t weight_start = params->channel_weight_starts[c];
    const int32_t width = params->channel_widths[c];
    for (j = 0; j < width; ++j) {
      const uint64_t energy = input[freq_start + j];
      weighted += (uint64_t)(int64_t)params->weights[weight_start + j] * energy;
      carried += (uint64_t)(int64_t)params->unweights[weight_start + j] * energy;
    }
    if (c > 0) output[c - 1] = weighted;
    weighted = carried;
    carried = 0;
  }
}
