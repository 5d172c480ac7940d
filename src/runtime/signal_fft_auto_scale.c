/* FFT auto scale: use the int16 range fully before a fixed-point FFT, which loses one bit
 * per radix-2 stage, and report the shift so later stages can undo it. */
#include "tinyops/runtime/signal.h"

int32_t tinyops_signal_fft_auto_scale_s16(const int16_t* input, int32_t size, int16_t* output) {
  /* The running maximum is an int16, as in TFLM: negating -32768 wraps to -32768, after
   * which any larger sample replaces it. Reproduced exactly, because it decides the shift. */
  int16_t max = 0;
  int32_t scale_bits, i;
  for (i = 0; i < size; ++i) {
    const int16_t value = input[i];
    if (value > max) {
      max = value;
    } else if (-(int32_t)value > max) {
      max = tinyops_signal_wrap_s16(-(int32_t)value);
    }
  }
  /* A negative maximum reads as a 32-bit number with its top bit set: no scaling. */
  scale_bits = 16 - tinyops_signal_msb_u32((uint32_t)(int32_t)max) - 1;
  if (scale_bits < 0) scale_bits = 0;
  for (i = 0; i < size; ++i) {
    output[i] = tinyops_signal_wrap_s16((int32_t)input[i] * ((int32_t)1 << scale_bits));
  }
  return scale_bits;
}
