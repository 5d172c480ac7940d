/* Square root of filter-bank energies, scaled back down by the FFT auto-scale shift. */
#include "tinyops/runtime/signal.h"

static int32_t msb_u64(uint64_t x) {
  const uint32_t high = (uint32_t)(x >> 32);
  if (high != 0) return 32 + tinyops_signal_msb_u32(high);
  return x == 0 ? 0 : tinyops_signal_msb_u32((uint32_t)x);
}

/* Floor square root and remainder, bit by bit (two result bits per step). */
static uint32_t floor_sqrt_u32(uint32_t x, uint32_t* remainder) {
  uint32_t root = 0, bit, remaining = x;
  int32_t top, steps;
  if (x == 0) {
    *remainder = 0;
    return 0;
  }
  top = (32 - tinyops_signal_msb_u32(x)) | 1;
  bit = (uint32_t)1 << (31 - top);
  steps = (31 - top) / 2 + 1;
  while (steps-- > 0) {
    if (remaining >= root + bit) {
      remaining -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  *remainder = remaining;
  return root;
}

/* Rounded up by one when the remainder exceeds the root, i.e. when x > root^2 + root. */
uint16_t tinyops_signal_sqrt_u32(uint32_t x) {
  uint32_t remainder;
  uint32_t root = floor_sqrt_u32(x, &remainder);
  if (remainder > root && root != 0xFFFFu) ++root;
  return (uint16_t)root;
}

/* Any exact floor square root gives TFLM's result once its rounding rule is applied (up by
 * one when the remainder exceeds the root). The top bits come from the 32-bit method on
 * x >> 2k, the last k bits one at a time: half the 64-bit steps of doing it all in 64 bits. */
uint32_t tinyops_signal_sqrt_u64(uint64_t x) {
  uint32_t high_remainder;
  uint64_t root, remaining;
  int32_t k, i;
  /* TFLM takes the 32-bit path whenever the high word is clear. */
  if ((x >> 32) == 0) return tinyops_signal_sqrt_u32((uint32_t)x);
  k = (msb_u64(x) - 32 + 1) / 2; /* x >> 2k fits in 32 bits */
  root = floor_sqrt_u32((uint32_t)(x >> (2 * k)), &high_remainder);
  remaining = high_remainder;
  for (i = k - 1; i >= 0; --i) {
    const uint64_t trial = (root << 2) | 1u;
    remaining = (remaining << 2) | ((x >> (2 * i)) & 3u);
    if (remaining >= trial) {
      remaining -= trial;
      root = (root << 1) | 1u;
    } else {
      root <<= 1;
    }
  }
  if (remaining > root && root != 0xFFFFFFFFu) ++root;
  return (uint32_t)root;
}

void tinyops_signal_filter_bank_sqrt_u64(const uint64_t* input, int32_t channels, int32_t shift,
                                         uint32_t* output) {
  int32_t c;
  for (c = 0; c < channels; ++c) {
    const uint32_t root = tinyops_signal_sqrt_u64(input[c]);
    /* The shift comes from a tensor at run time; out-of-range values must not be UB. */
    output[c] = shift <= 0 ? root : (shift >= 32 ? 0u : root >> shift);
  }
}
