/* Float real FFT: N/2-point complex radix-2 FFT, then the real-signal split. */
#include "tinyops/runtime/fft_f32.h"

#include <string.h>

#include "tinyops/runtime/float_math.h"

int tinyops_rfft_f32_length_ok(int32_t n) {
  return n >= TINYOPS_RFFT_F32_MIN_LENGTH && n <= TINYOPS_RFFT_F32_MAX_LENGTH && (n & (n - 1)) == 0;
}

size_t tinyops_rfft_f32_table_size(int32_t fft_length) {
  return tinyops_rfft_f32_length_ok(fft_length) ? (size_t)fft_length * sizeof(float) : 0;
}

int tinyops_rfft_f32_init(tinyops_rfft_f32_plan* plan, int32_t fft_length, float* table,
                          size_t table_bytes) {
  const size_t needed = tinyops_rfft_f32_table_size(fft_length);
  int32_t k;
  if (needed == 0 || table_bytes < needed) return -1;
  for (k = 0; k < fft_length / 2; ++k) {
    double s, c;
    tinyops_sincos_turn_double(k, fft_length, &s, &c);
    table[2 * k] = (float)c;
    table[2 * k + 1] = (float)s;
  }
  plan->fft_length = fft_length;
  plan->twiddles = table;
  return 0;
}

/* In-place complex FFT of m = N/2 points (z interleaved re, im); the twiddle for a stage of
 * `size` points and index j is W_N^(j N / size) = cos - i sin of the table entry. */
static void complex_fft(const tinyops_rfft_f32_plan* plan, float* z, int32_t m) {
  int32_t i, j, size;
  /* Bit-reversal permutation. */
  for (i = 1, j = 0; i < m; ++i) {
    int32_t bit = m >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j |= bit;
    if (i < j) {
      const float re = z[2 * i], im = z[2 * i + 1];
      z[2 * i] = z[2 * j];
      z[2 * i + 1] = z[2 * j + 1];
      z[2 * j] = re;
      z[2 * j + 1] = im;
    }
  }
  for (size = 2; size <= m; size <<= 1) {
    const int32_t half = size >> 1;
    const int32_t step = plan->fft_length / size; /* in table pairs */
    int32_t start;
    for (start = 0; start < m; start += size) {
      int32_t k;
      for (k = 0; k < half; ++k) {
        const float wr = plan->twiddles[2 * k * step];
        const float wi = -plan->twiddles[2 * k * step + 1];
        float* a = z + 2 * (start + k);
        float* b = z + 2 * (start + k + half);
        const float tr = b[0] * wr - b[1] * wi;
        const float ti = b[0] * wi + b[1] * wr;
        b[0] = a[0] - tr;
        b[1] = a[1] - ti;
        a[0] = a[0] + tr;
        a[1] = a[1] + ti;
      }
    }
  }
}

void tinyops_rfft_f32(const tinyops_rfft_f32_plan* plan, const float* input, float* output) {
  const int32_t n = plan->fft_length;
  const int32_t m = n / 2;
  int32_t k;
  float r0, i0;
  if (input != output) memcpy(output, input, (size_t)n * sizeof(float));
  complex_fft(plan, output, m);
  /* Z = FFT(z): the even samples' spectrum E[k] = (Z[k] + conj Z[m-k]) / 2 and the odd
   * samples' O[k] = (Z[k] - conj Z[m-k]) / 2i give X[k] = E + W^k O and
   * X[m-k] = conj(E - W^k O), W = e^(-2 pi i / N). */
  r0 = output[0];
  i0 = output[1];
  for (k = 1; k <= m / 2; ++k) {
    float* a = output + 2 * k;
    float* b = output + 2 * (m - k);
    const float er = 0.5f * (a[0] + b[0]);
    const float ei = 0.5f * (a[1] - b[1]);
    const float or_ = 0.5f * (a[1] + b[1]); /* (A - conj B) / 2i */
    const float oi = -0.5f * (a[0] - b[0]);
    const float wr = plan->twiddles[2 * k];
    const float wi = -plan->twiddles[2 * k + 1];
    const float tr = wr * or_ - wi * oi;
    const float ti = wr * oi + wi * or_;
    a[0] = er + tr;
    a[1] = ei + ti;
    b[0] = er - tr;
    b[1] = -(ei - ti);
  }
  output[0] = r0 + i0;
  output[1] = 0.0f;
  output[n] = r0 - i0;
  output[n + 1] = 0.0f;
}

void tinyops_complex_power_f32(const float* spectrum, int32_t bins, float* power) {
  int32_t k;
  for (k = 0; k < bins; ++k) {
    const float re = spectrum[2 * k], im = spectrum[2 * k + 1];
    power[k] = re * re + im * im;
  }
}
