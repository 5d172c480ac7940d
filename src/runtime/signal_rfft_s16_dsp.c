/* signal_rfft_s16.c's transform with each complex value held as one 32-bit word (real part
 * in the low lane): lane-wise wrapping adds and subtracts, the +-i rotations, the halving
 * adds of the split step and the Q15 complex multiply (SMLSD / SMLADX with the rounding
 * constant as accumulator) are one instruction each on a core with the DSP extension. Every
 * rounding and wrap is the reference's, so the spectrum is the same to the bit. */
#include "tinyops/runtime/dsp_intrinsics.h"
#include "tinyops/runtime/signal.h"

#define ROUND_Q15 (1 << 14)

static int32_t load(const tinyops_complex_s16* p) { return (int32_t)tinyops_dsp_read32(p); }
static void store(tinyops_complex_s16* p, int32_t v) { tinyops_dsp_write32(p, (uint32_t)v); }

/* c / radix as kissfft's C_FIXDIV: each lane times floor(32767 / radix), rounded, in Q15. */
static int32_t div_by(int32_t c, int32_t k) {
  return tinyops_pkhbt(tinyops_smlabb(c, k, ROUND_Q15) >> 15, tinyops_smlatb(c, k, ROUND_Q15) >> 15);
}

static int32_t mul(int32_t a, int32_t b) {
  return tinyops_pkhbt(tinyops_smlsd(a, b, ROUND_Q15) >> 15, tinyops_smladx(a, b, ROUND_Q15) >> 15);
}

static void butterfly2(tinyops_complex_s16* out, int32_t fstride, const tinyops_complex_s16* tw, int32_t m) {
  const int32_t k2 = INT16_MAX / 2;
  int32_t k;
  for (k = 0; k < m; ++k) {
    const int32_t a = div_by(load(out + k), k2);
    const int32_t t = mul(div_by(load(out + k + m), k2), load(tw + (size_t)k * (size_t)fstride));
    store(out + k + m, tinyops_ssub16(a, t));
    store(out + k, tinyops_sadd16(a, t));
  }
}

static void butterfly4(tinyops_complex_s16* out, int32_t fstride, const tinyops_complex_s16* tw, int32_t m) {
  const int32_t k4 = INT16_MAX / 4;
  int32_t k;
  for (k = 0; k < m; ++k) {
    const size_t step = (size_t)k * (size_t)fstride;
    const int32_t a0 = div_by(load(out + k), k4);
    const int32_t b1 = mul(div_by(load(out + k + m), k4), load(tw + step));
    const int32_t b2 = mul(div_by(load(out + k + 2 * m), k4), load(tw + 2 * step));
    const int32_t b3 = mul(div_by(load(out + k + 3 * m), k4), load(tw + 3 * step));
    const int32_t diff02 = tinyops_ssub16(a0, b2), sum02 = tinyops_sadd16(a0, b2);
    const int32_t sum13 = tinyops_sadd16(b1, b3), diff13 = tinyops_ssub16(b1, b3);
    store(out + k + 2 * m, tinyops_ssub16(sum02, sum13));
    store(out + k, tinyops_sadd16(sum02, sum13));
    store(out + k + m, tinyops_ssax(diff02, diff13));     /* diff02 - i * diff13 */
    store(out + k + 3 * m, tinyops_sasx(diff02, diff13)); /* diff02 + i * diff13 */
  }
}

static void fft_stage(const tinyops_signal_rfft_s16_plan* plan, tinyops_complex_s16* out, const int16_t* in,
                      int32_t fstride, const int32_t* factors) {
  const int32_t radix = factors[0];
  const int32_t m = factors[1];
  int32_t j;
  if (m == 1) {
    for (j = 0; j < radix; ++j) store(out + j, (int32_t)tinyops_dsp_read32(in + 2 * (size_t)j * (size_t)fstride));
  } else {
    for (j = 0; j < radix; ++j)
      fft_stage(plan, out + (size_t)j * (size_t)m, in + 2 * (size_t)j * (size_t)fstride, fstride * radix, factors + 2);
  }
  if (radix == 4)
    butterfly4(out, fstride, plan->twiddles, m);
  else
    butterfly2(out, fstride, plan->twiddles, m);
}

static void rfft(const tinyops_signal_rfft_s16_plan* plan, const int16_t* input, tinyops_complex_s16* output) {
  const int32_t half = plan->half_length;
  const int32_t k2 = INT16_MAX / 2;
  tinyops_complex_s16* z = plan->work;
  int32_t k, dc;
  fft_stage(plan, z, input, 1, plan->factors);
  dc = div_by(load(z), k2);
  output[0].r = tinyops_signal_wrap_s16(tinyops_dsp_lo(dc) + tinyops_dsp_hi(dc));
  output[0].i = 0;
  output[half].r = tinyops_signal_wrap_s16(tinyops_dsp_lo(dc) - tinyops_dsp_hi(dc));
  output[half].i = 0;
  for (k = 1; k <= half / 2; ++k) {
    const int32_t zm = load(z + half - k);
    const int32_t mirror = tinyops_pkhbt(zm, -tinyops_dsp_hi(zm)); /* conj(Z[half - k]) */
    const int32_t a = div_by(load(z + k), k2), b = div_by(mirror, k2);
    const int32_t sum = tinyops_sadd16(a, b), diff = tinyops_ssub16(a, b);
    const int32_t tw = mul(diff, load(plan->super_twiddles + k - 1));
    const int32_t low = tinyops_shsub16(sum, tw), high = tinyops_shsub16(tw, sum);
    store(output + k, tinyops_shadd16(sum, tw));
    /* (sum.r - tw.r) / 2 and (tw.i - sum.i) / 2 */
    store(output + half - k, (int32_t)(((uint32_t)low & 0xFFFFu) | ((uint32_t)high & 0xFFFF0000u)));
  }
}

void tinyops_signal_rfft_s16_dsp_frames(const tinyops_signal_rfft_s16_plan* plan, int32_t frames,
                                        int32_t input_length, const int16_t* input, int16_t* padded,
                                        tinyops_complex_s16* output) {
  tinyops_signal_rfft_s16_frames_with(plan, frames, input_length, input, padded, output, rfft);
}
