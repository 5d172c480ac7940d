/* Log of filter-bank channels in fixed point: log2 from the bit position plus a table
 * correction of the fraction, converted to natural log and scaled. */
#include "tinyops/runtime/signal.h"

/* log2(1 + i/128) - i/128, in 1/65536, for i = 0..128 (plus one pad entry): the error of
 * linear interpolation of log2 inside an octave, rounded to nearest. */
static const uint16_t kLogCorrection[130] = {
    0,    224,  442,  654,  861,  1063, 1259, 1450, 1636, 1817, 1992, 2163, 2329, 2490, 2646,
    2797, 2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848, 3960, 4068, 4172, 4272, 4368, 4460,
    4549, 4633, 4714, 4791, 4864, 4934, 5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408,
    5444, 5477, 5507, 5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633,
    5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370, 5332, 5291, 5249,
    5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762, 4697, 4630, 4561, 4490, 4416, 4341,
    4264, 4184, 4103, 4020, 3935, 3848, 3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981,
    2875, 2768, 2659, 2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224,
    1094, 963,  830,  695,  559,  421,  282,  142,  0,    0,
};

enum {
  kLogScaleBits = 16,
  kLogSegmentBits = 7,
  kLn2Q16 = 45426 /* ln(2) * 65536, rounded */
};

/* Fractional part of log2(x) in Q16, where `octave` is floor(log2(x)). */
static uint32_t log2_fraction(uint32_t x, int32_t octave) {
  const uint32_t seg_unit = ((uint32_t)1 << kLogScaleBits) >> kLogSegmentBits;
  int32_t frac = (int32_t)(x - ((uint32_t)1 << octave)); /* < 2^31 */
  uint32_t seg;
  int32_t c0, c1, offset;
  if (octave < kLogScaleBits) {
    frac <<= kLogScaleBits - octave;
  } else {
    frac >>= octave - kLogScaleBits;
  }
  seg = (uint32_t)frac >> (kLogScaleBits - kLogSegmentBits);
  c0 = kLogCorrection[seg];
  c1 = kLogCorrection[seg + 1];
  /* Interpolate the correction; (c1 - c0) may be negative, the shift rounds down. */
  offset = ((c1 - c0) * (frac - (int32_t)(seg_unit * seg))) >> kLogScaleBits;
  return (uint32_t)(frac + c0 + offset);
}

uint32_t tinyops_signal_log_u32(uint32_t x, uint32_t out_scale) {
  const uint32_t round = (uint32_t)1 << (kLogScaleBits - 1);
  const int32_t octave = tinyops_signal_msb_u32(x) - 1;
  const uint32_t log2_q16 = ((uint32_t)octave << kLogScaleBits) + log2_fraction(x, octave);
  const uint32_t ln_q16 = (uint32_t)(((uint64_t)kLn2Q16 * log2_q16 + round) >> kLogScaleBits);
  /* 32-bit product, wrapping as TFLM's does. */
  return (out_scale * ln_q16 + round) >> kLogScaleBits;
}

void tinyops_signal_filter_bank_log_u32(const tinyops_signal_filter_bank_log_params* params,
                                        const uint32_t* input, int16_t* output) {
  int32_t c;
  for (c = 0; c < params->num_channels; ++c) {
    const uint32_t scaled = input[c] << params->input_correction_bits;
    if (scaled > 1) {
      const uint32_t value = tinyops_signal_log_u32(scaled, params->output_scale);
      output[c] = (int16_t)(value < (uint32_t)INT16_MAX ? value : (uint32_t)INT16_MAX);
    } else {
      output[c] = 0;
    }
  }
}
