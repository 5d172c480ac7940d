/* Real FFT in 16-bit fixed point with kissfft v1.3.0's FIXED_POINT=16 arithmetic, the FFT
 * TFLM's Signal library builds on: a length-N real transform is a length-N/2 complex
 * transform of the even/odd sample pairs, followed by a split step with "super twiddles".
 * The complex transform is kissfft's mixed-radix decimation in time (radix 4 first, then
 * 2). Every stage divides by its radix with rounding (Q15 multiply by 32767/radix), so
 * values never overflow and the result is DFT / N. Rounding and int16 wrap-around match
 * kissfft operation for operation; that is what makes the spectrum bit-exact. */
#include <math.h>

#include "tinyops/runtime/signal.h"

typedef tinyops_complex_s16 cpx;

/* Q15 multiply with rounding: (a * b + 2^14) >> 15, narrowed like kissfft's sround. */
static int16_t q15_round(int32_t product) {
  return tinyops_signal_wrap_s16((product + (1 << 14)) >> 15);
}

static cpx cpx_mul(cpx a, cpx b) {
  cpx m;
  m.r = q15_round((int32_t)a.r * b.r - (int32_t)a.i * b.i);
  m.i = q15_round((int32_t)a.r * b.i + (int32_t)a.i * b.r);
  return m;
}

/* c / radix as kissfft's C_FIXDIV: multiply by floor(32767 / radix) in Q15. */
static cpx cpx_div(cpx c, int32_t radix) {
  const int32_t k = INT16_MAX / radix;
  cpx d;
  d.r = q15_round((int32_t)c.r * k);
  d.i = q15_round((int32_t)c.i * k);
  return d;
}

static cpx cpx_add(cpx a, cpx b) {
  cpx s;
  s.r = tinyops_signal_wrap_s16((int32_t)a.r + b.r);
  s.i = tinyops_signal_wrap_s16((int32_t)a.i + b.i);
  return s;
}

static cpx cpx_sub(cpx a, cpx b) {
  cpx s;
  s.r = tinyops_signal_wrap_s16((int32_t)a.r - b.r);
  s.i = tinyops_signal_wrap_s16((int32_t)a.i - b.i);
  return s;
}

/* Unit complex exp(i * phase) in Q15, rounded half up as kissfft's fixed-point twiddles. */
static cpx unit(double phase) {
  cpx t;
  t.r = (int16_t)floor(0.5 + 32767.0 * cos(phase));
  t.i = (int16_t)floor(0.5 + 32767.0 * sin(phase));
  return t;
}

static int is_power_of_two(int32_t n) {
  return n > 0 && (n & (n - 1)) == 0;
}

size_t tinyops_signal_rfft_s16_buffer_len(int32_t fft_length) {
  int32_t half;
  if (fft_length < 4 || fft_length > 65536 || !is_power_of_two(fft_length)) return 0;
  half = fft_length / 2;
  /* twiddles, super twiddles, work area */
  return (size_t)half + (size_t)(half / 2) + (size_t)half;
}

int tinyops_signal_rfft_s16_init(tinyops_signal_rfft_s16_plan* plan, int32_t fft_length,
                                 tinyops_complex_s16* buffer, size_t buffer_len) {
  /* The same double-precision pi and operation order as kissfft, so every twiddle rounds
   * the same way. */
  const double pi = 3.14159265358979323846264338327950288;
  const size_t needed = tinyops_signal_rfft_s16_buffer_len(fft_length);
  int32_t half, n, i, f = 0;
  if (needed == 0 || buffer == NULL || buffer_len < needed) return -1;
  half = fft_length / 2;
  plan->fft_length = fft_length;
  plan->half_length = half;
  plan->twiddles = buffer;
  plan->super_twiddles = buffer + half;
  plan->work = buffer + half + half / 2;
  /* Written through `buffer`: the plan only reads its tables. */
  for (i = 0; i < half; ++i) buffer[i] = unit(-2.0 * pi * (double)i / (double)half);
  for (i = 0; i < half / 2; ++i) {
    buffer[half + i] = unit(-pi * ((double)(i + 1) / (double)half + 0.5));
  }
  /* Radix 4 while it divides, then a final radix 2 (lengths are powers of two). */
  n = half;
  for (i = 0; i < 2 * TINYOPS_SIGNAL_RFFT_MAX_FACTORS; ++i) plan->factors[i] = 0;
  while (n > 1) {
    const int32_t radix = (n % 4 == 0) ? 4 : 2;
    n /= radix;
    plan->factors[f++] = radix;
    plan->factors[f++] = n;
  }
  return 0;
}

static void butterfly2(cpx* out, int32_t fstride, const cpx* twiddles, int32_t m) {
  int32_t k;
  for (k = 0; k < m; ++k) {
    const cpx a = cpx_div(out[k], 2);
    const cpx t = cpx_mul(cpx_div(out[k + m], 2), twiddles[k * fstride]);
    out[k + m] = cpx_sub(a, t);
    out[k] = cpx_add(a, t);
  }
}

static void butterfly4(cpx* out, int32_t fstride, const cpx* twiddles, int32_t m) {
  int32_t k;
  for (k = 0; k < m; ++k) {
    const cpx a0 = cpx_div(out[k], 4);
    const cpx b1 = cpx_mul(cpx_div(out[k + m], 4), twiddles[k * fstride]);
    const cpx b2 = cpx_mul(cpx_div(out[k + 2 * m], 4), twiddles[2 * k * fstride]);
    const cpx b3 = cpx_mul(cpx_div(out[k + 3 * m], 4), twiddles[3 * k * fstride]);
    const cpx diff02 = cpx_sub(a0, b2);
    const cpx sum02 = cpx_add(a0, b2);
    const cpx sum13 = cpx_add(b1, b3);
    const cpx diff13 = cpx_sub(b1, b3);
    out[k + 2 * m] = cpx_sub(sum02, sum13);
    out[k] = cpx_add(sum02, sum13);
    /* Forward transform: multiply diff13 by -i. */
    out[k + m].r = tinyops_signal_wrap_s16((int32_t)diff02.r + diff13.i);
    out[k + m].i = tinyops_signal_wrap_s16((int32_t)diff02.i - diff13.r);
    out[k + 3 * m].r = tinyops_signal_wrap_s16((int32_t)diff02.r - diff13.i);
    out[k + 3 * m].i = tinyops_signal_wrap_s16((int32_t)diff02.i + diff13.r);
  }
}

/* One decimation-in-time stage: transform the `radix` interleaved sub-sequences (each
 * read with stride fstride * radix), then combine them. `in` holds complex samples as
 * int16 pairs. Recursion depth is the number of factors (at most 8 for 2^16). */
static void fft_stage(const tinyops_signal_rfft_s16_plan* plan, cpx* out, const int16_t* in,
                      int32_t fstride, const int32_t* factors) {
  const int32_t radix = factors[0];
  const int32_t m = factors[1];
  int32_t j;
  if (m == 1) {
    for (j = 0; j < radix; ++j) {
      out[j].r = in[2 * (size_t)j * (size_t)fstride];
      out[j].i = in[2 * (size_t)j * (size_t)fstride + 1];
    }
  } else {
    for (j = 0; j < radix; ++j) {
      fft_stage(plan, out + (size_t)j * (size_t)m, in + 2 * (size_t)j * (size_t)fstride,
                fstride * radix, factors + 2);
    }
  }
  if (radix == 4) {
    butterfly4(out, fstride, plan->twiddles, m);
  } else {
    butterfly2(out, fstride, plan->twiddles, m);
  }
}

void tinyops_signal_rfft_s16(const tinyops_signal_rfft_s16_plan* plan, const int16_t* input,
                             tinyops_complex_s16* output) {
  const int32_t half = plan->half_length;
  cpx* z = plan->work;
  cpx dc;
  int32_t k;
  /* Z = FFT of z[n] = x[2n] + i x[2n+1]. */
  fft_stage(plan, z, input, 1, plan->factors);

  /* Split Z into the spectra of the even and odd samples and recombine:
   * X[k] = (E[k] + W^k O[k]) / 2 with E, O from Z[k] and conj(Z[half - k]). */
  dc = cpx_div(z[0], 2);
  output[0].r = tinyops_signal_wrap_s16((int32_t)dc.r + dc.i);
  output[0].i = 0;
  output[half].r = tinyops_signal_wrap_s16((int32_t)dc.r - dc.i);
  output[half].i = 0;
  for (k = 1; k <= half / 2; ++k) {
    cpx mirror, a, b, sum, diff, tw;
    mirror.r = z[half - k].r;
    mirror.i = tinyops_signal_wrap_s16(-(int32_t)z[half - k].i);
    a = cpx_div(z[k], 2);
    b = cpx_div(mirror, 2);
    sum = cpx_add(a, b);
    diff = cpx_sub(a, b);
    tw = cpx_mul(diff, plan->super_twiddles[k - 1]);
    output[k].r = (int16_t)(((int32_t)sum.r + tw.r) >> 1);
    output[k].i = (int16_t)(((int32_t)sum.i + tw.i) >> 1);
    output[half - k].r = (int16_t)(((int32_t)sum.r - tw.r) >> 1);
    output[half - k].i = (int16_t)(((int32_t)tw.i - sum.i) >> 1);
  }
}

void tinyops_signal_rfft_s16_frames_with(const tinyops_signal_rfft_s16_plan* plan, int32_t frames,
                                         int32_t input_length, const int16_t* input, int16_t* padded,
                                         tinyops_complex_s16* output, tinyops_signal_rfft_s16_fn transform) {
  const int32_t bins = plan->fft_length / 2 + 1;
  int32_t f, i;
  for (f = 0; f < frames; ++f) {
    const int16_t* frame = input + (size_t)f * (size_t)input_length;
    for (i = 0; i < input_length; ++i) padded[i] = frame[i];
    for (; i < plan->fft_length; ++i) padded[i] = 0;
    transform(plan, padded, output + (size_t)f * (size_t)bins);
  }
}

void tinyops_signal_rfft_s16_frames(const tinyops_signal_rfft_s16_plan* plan, int32_t frames,
                                    int32_t input_length, const int16_t* input, int16_t* padded,
                                    tinyops_complex_s16* output) {
  tinyops_signal_rfft_s16_frames_with(plan, frames, input_length, input, padded, output, tinyops_signal_rfft_s16);
}
