/* Spectral subtraction: track a slowly moving per-channel noise floor and remove it. */
#include "tinyops/runtime/signal.h"

void tinyops_signal_spectral_subtraction_u32(
    const tinyops_signal_spectral_subtraction_params* params, const uint32_t* input,
    uint32_t* output, uint32_t* noise_estimate) {
  const int32_t frac_bits = params->spectral_subtraction_bits;
  const int32_t up = params->smoothing_bits;
  int32_t c;
  for (c = 0; c < params->num_channels; ++c) {
    /* Odd channels smooth at a different rate, as in TFLM's noise reduction. */
    const int odd = (c & 1) != 0;
    const uint64_t smoothing = odd ? params->alternate_smoothing : params->smoothing;
    const uint64_t keep = odd ? params->alternate_one_minus_smoothing : params->one_minus_smoothing;
    /* The signal is scaled up by smoothing_bits (wrapping in 32 bits, as TFLM) so the
     * estimate keeps fractional precision; the products are exact in 64 bits. */
    const uint32_t signal_up = input[c] << up;
    uint32_t estimate, floor_value, subtracted;
    noise_estimate[c] =
        (uint32_t)(((uint64_t)signal_up * smoothing + (uint64_t)noise_estimate[c] * keep) >>
                   frac_bits);
    estimate = noise_estimate[c];
    if (estimate > signal_up) {
      estimate = signal_up;
      if (params->clamping) noise_estimate[c] = estimate;
    }
    floor_value = (uint32_t)(((uint64_t)input[c] * params->min_signal_remaining) >> frac_bits);
    subtracted = (signal_up - estimate) >> up;
    output[c] = subtracted > floor_value ? subtracted : floor_value;
  }
}
