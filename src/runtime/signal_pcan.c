/* PCAN (per-channel amplitude normalisation): divide each channel by a power of its noise
 * estimate, read from a piecewise-quadratic table, then compress. */
#include "tinyops/runtime/signal.h"

/* The table holds, for each octave of x (highest set bit b >= 2), three coefficients at
 * 4 * b - 6: c0 + c1 * t + c2 * t^2 over the 10-bit position t of x inside the octave.
 * x <= 2 reads the first entries directly. The arithmetic wraps in 32 bits exactly where
 * TFLM's int32 expression does (two's complement), so it is done in uint32 here. */
static int16_t pcan_gain(uint32_t x, const int16_t* lut) {
  int32_t octave;
  uint32_t frac, acc;
  const int16_t* c;
  if (x <= 2) return lut[x];
  octave = tinyops_signal_msb_u32(x);
  c = lut + 4 * octave - 6;
  frac = (octave < 11 ? (x << (11 - octave)) : (x >> (octave - 11))) & 0x3FFu;
  /* c2 * frac fits int32; the arithmetic shift keeps its sign. */
  acc = (uint32_t)(((int32_t)c[2] * (int32_t)frac) >> 5);
  acc += (uint32_t)(int32_t)c[1] << 5;
  acc *= frac;
  acc += (uint32_t)1 << 14; /* rounding term, still wrapping in 32 bits */
  {
    /* Back to signed with two's-complement meaning, then TFLM's arithmetic shift. */
    const int32_t signed_acc = acc >= 0x80000000u ? -(int32_t)(~acc) - 1 : (int32_t)acc;
    return tinyops_signal_wrap_s16((signed_acc >> 15) + c[0]);
  }
}

/* shrink(x) = x^2 / 4 for x < 2, x - 1 otherwise; x has SNR_BITS fractional bits, the
 * result OUTPUT_BITS. */
static uint32_t pcan_shrink(uint32_t x) {
  if (x < ((uint32_t)2 << TINYOPS_SIGNAL_PCAN_SNR_BITS)) {
    return (x * x) >> (2 + 2 * TINYOPS_SIGNAL_PCAN_SNR_BITS - TINYOPS_SIGNAL_PCAN_OUTPUT_BITS);
  }
  return (x >> (TINYOPS_SIGNAL_PCAN_SNR_BITS - TINYOPS_SIGNAL_PCAN_OUTPUT_BITS)) -
         ((uint32_t)1 << TINYOPS_SIGNAL_PCAN_OUTPUT_BITS);
}

void tinyops_signal_pcan_u32(const tinyops_signal_pcan_params* params, const uint32_t* input,
                             const uint32_t* noise_estimate, const int16_t* gain_lut,
                             uint32_t* output) {
  int32_t c;
  for (c = 0; c < params->num_channels; ++c) {
    /* A negative table value is a huge unsigned gain in TFLM; keep that meaning. */
    const uint32_t gain = (uint32_t)(int32_t)pcan_gain(noise_estimate[c], gain_lut);
    const uint32_t snr = (uint32_t)(((uint64_t)input[c] * gain) >> params->snr_shift);
    output[c] = pcan_shrink(snr);
  }
}
