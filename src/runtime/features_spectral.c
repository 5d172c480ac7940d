/* Spectral analysis block (motion): per axis, scale, Butterworth filter, then RMS,
 * skewness, kurtosis and the one-sided power spectrum summed into bands. */
#include <math.h> /* sqrtf */
#include <string.h>

#include "tinyops/runtime/features.h"
#include "tinyops/runtime/float_math.h"

#define PI_DOUBLE (2.0 * (TINYOPS_PIO2_HI + TINYOPS_PIO2_LO))

int32_t tinyops_butterworth_sos(int32_t type, int32_t order, double cutoff_hz,
                                double sample_rate_hz, float sos[][5]) {
  double s, c, k, k2;
  int32_t sections = 0, j;
  if ((type != TINYOPS_FILTER_LOW_PASS && type != TINYOPS_FILTER_HIGH_PASS) || order < 1 ||
      order > TINYOPS_SPECTRAL_MAX_ORDER || !(sample_rate_hz > 0.0) || !(cutoff_hz > 0.0) ||
      !(cutoff_hz < 0.5 * sample_rate_hz))
    return -1;
  /* Bilinear transform with the cutoff pre-warped: s -> (1 / K)(1 - z^-1) / (1 + z^-1). */
  tinyops_sincos_double(PI_DOUBLE * cutoff_hz / sample_rate_hz, &s, &c);
  k = s / c;
  k2 = k * k;
  /* Conjugate pole pairs at angles phi = pi (order - 1 - 2j) / (2 order) from the negative
   * real axis: analog sections 1 / (s^2 + 2 cos(phi) s + 1). */
  for (j = 0; j < order / 2; ++j) {
    double sp, cp, a, norm;
    tinyops_sincos_turn_double(order - 1 - 2 * j, 4 * order, &sp, &cp);
    a = 2.0 * cp;
    norm = 1.0 / (1.0 + a * k + k2);
    if (type == TINYOPS_FILTER_LOW_PASS) {
      sos[sections][0] = (float)(k2 * norm);
      sos[sections][1] = (float)(2.0 * k2 * norm);
      sos[sections][2] = (float)(k2 * norm);
    } else {
      sos[sections][0] = (float)norm;
      sos[sections][1] = (float)(-2.0 * norm);
      sos[sections][2] = (float)norm;
    }
    sos[sections][3] = (float)(2.0 * (k2 - 1.0) * norm);
    sos[sections][4] = (float)((1.0 - a * k + k2) * norm);
    ++sections;
  }
  if (order % 2) { /* the real pole: 1 / (s + 1) */
    const double norm = 1.0 / (1.0 + k);
    sos[sections][0] = (float)(type == TINYOPS_FILTER_LOW_PASS ? k * norm : norm);
    sos[sections][1] = (float)(type == TINYOPS_FILTER_LOW_PASS ? k * norm : -norm);
    sos[sections][2] = 0.0f;
    sos[sections][3] = (float)((k - 1.0) * norm);
    sos[sections][4] = 0.0f;
    ++sections;
  }
  return sections;
}

static int spectral_params_ok(const tinyops_spectral_params* p) {
  int32_t b;
  if (p->axes < 1 || p->window_length < 2 || !(p->sample_rate_hz > 0.0f) ||
      !tinyops_rfft_f32_length_ok(p->fft_length) || p->num_bands < 1 ||
      p->num_bands > TINYOPS_SPECTRAL_MAX_BANDS || p->window_length > (1 << 24) ||
      p->axes > (1 << 16))
    return 0;
  if (p->filter_type != TINYOPS_FILTER_NONE && p->filter_type != TINYOPS_FILTER_LOW_PASS &&
      p->filter_type != TINYOPS_FILTER_HIGH_PASS)
    return 0;
  if (p->filter_type != TINYOPS_FILTER_NONE &&
      (p->filter_order < 1 || p->filter_order > TINYOPS_SPECTRAL_MAX_ORDER ||
       !(p->filter_cutoff_hz > 0.0f) || !(p->filter_cutoff_hz < 0.5f * p->sample_rate_hz)))
    return 0;
  if (p->band_edges_hz) {
    if (!(p->band_edges_hz[0] >= 0.0f)) return 0;
    for (b = 0; b < p->num_bands; ++b)
      if (!(p->band_edges_hz[b + 1] > p->band_edges_hz[b])) return 0;
  }
  return 1;
}

int32_t tinyops_spectral_feature_count(const tinyops_spectral_params* params) {
  return spectral_params_ok(params) ? params->axes * (3 + params->num_bands) : -1;
}

size_t tinyops_spectral_table_size(const tinyops_spectral_params* params) {
  return spectral_params_ok(params) ? tinyops_rfft_f32_table_size(params->fft_length) : 0;
}

/* The filtered axis, the FFT buffer and the power accumulator. */
size_t tinyops_spectral_scratch_size(const tinyops_spectral_params* params) {
  if (!spectral_params_ok(params)) return 0;
  return ((size_t)params->window_length + (size_t)params->fft_length + 2 +
          (size_t)params->fft_length / 2 + 1) *
         sizeof(float);
}

int tinyops_spectral_init(tinyops_spectral_plan* plan, const tinyops_spectral_params* params,
                          void* table, size_t table_bytes) {
  const int32_t n = params->fft_length;
  const int32_t bins = n / 2 + 1;
  int32_t b;
  if (!spectral_params_ok(params)) return -1;
  if (tinyops_rfft_f32_init(&plan->fft, n, (float*)table, table_bytes) != 0) return -1;
  plan->params = *params;
  plan->params.band_edges_hz = 0; /* read here only */
  plan->sections = 0;
  if (params->filter_type != TINYOPS_FILTER_NONE) {
    plan->sections =
        tinyops_butterworth_sos(params->filter_type, params->filter_order, params->filter_cutoff_hz,
                                params->sample_rate_hz, plan->sos);
    if (plan->sections < 0) return -1;
  }
  /* Bin k is at k rate / n Hz and belongs to the band [edge b, edge b+1) it falls in; the
   * last band includes its upper edge. */
  for (b = 0; b <= params->num_bands; ++b) {
    int32_t first;
    if (!params->band_edges_hz) {
      const int32_t half = n / 2;
      first =
          b == params->num_bands ? bins : (b * half + params->num_bands - 1) / params->num_bands;
    } else {
      const double position =
          (double)params->band_edges_hz[b] * (double)n / (double)params->sample_rate_hz;
      if (position >= (double)bins) {
        first = bins;
      } else {
        first = (int32_t)position; /* floor: position >= 0 */
        /* the last edge is inclusive (floor + 1), the others round up (ceil) */
        if (b == params->num_bands || (double)first < position) ++first;
      }
    }
    plan->band_first_bin[b] = first;
  }
  return 0;
}

static void spectral_axis(const tinyops_spectral_plan* plan, const float* window, int32_t axis,
                          float* y, float* fft, float* power, float* out) {
  const tinyops_spectral_params* p = &plan->params;
  const int32_t length = p->window_length;
  const int32_t n = p->fft_length;
  const int32_t bins = n / 2 + 1;
  const int32_t used = length < n ? length : n; /* real samples per FFT frame */
  const int32_t step = p->overlap_ffts ? n / 2 : n;
  const int32_t frames = length <= n ? 1 : 1 + (length - n) / step;
  float sum = 0.0f, squares = 0.0f, m2 = 0.0f, m3 = 0.0f, m4 = 0.0f, mean, norm;
  int32_t i, s, f, b;

  for (i = 0; i < length; ++i) y[i] = window[(size_t)i * (size_t)p->axes + (size_t)axis] * p->scale;
  /* Biquads in transposed direct form II, from rest. */
  for (s = 0; s < plan->sections; ++s) {
    const float* c = plan->sos[s];
    float z1 = 0.0f, z2 = 0.0f;
    for (i = 0; i < length; ++i) {
      const float x = y[i];
      const float v = c[0] * x + z1;
      z1 = c[1] * x - c[3] * v + z2;
      z2 = c[2] * x - c[4] * v;
      y[i] = v;
    }
  }

  for (i = 0; i < length; ++i) {
    sum += y[i];
    squares += y[i] * y[i];
  }
  mean = sum / (float)length;
  for (i = 0; i < length; ++i) {
    const float d = y[i] - mean;
    const float d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
    y[i] = d; /* the spectrum is of the signal without its mean */
  }
  m2 /= (float)length;
  m3 /= (float)length;
  m4 /= (float)length;
  out[0] = sqrtf(squares / (float)length);
  /* A variance at rounding-noise level of the mean is a constant signal: no shape. */
  if (m2 > 1e-12f * mean * mean && m2 > 0.0f) {
    out[1] = m3 / (m2 * sqrtf(m2));
    out[2] = m4 / (m2 * m2) - 3.0f;
  } else {
    out[1] = 0.0f;
    out[2] = 0.0f;
  }

  memset(power, 0, (size_t)bins * sizeof(float));
  for (f = 0; f < frames; ++f) {
    memcpy(fft, y + (size_t)f * (size_t)step, (size_t)used * sizeof(float));
    if (used < n) memset(fft + used, 0, (size_t)(n - used) * sizeof(float));
    tinyops_rfft_f32(&plan->fft, fft, fft);
    for (i = 0; i < bins; ++i)
      power[i] += fft[2 * i] * fft[2 * i] + fft[2 * i + 1] * fft[2 * i + 1];
  }
  /* One-sided power, so that the bins of one frame sum to the mean square of its samples
   * (Parseval): |X_k|^2 / (n used), doubled for the bins that stand for +-k. */
  norm = 1.0f / ((float)frames * (float)n * (float)used);
  for (i = 0; i < bins; ++i) power[i] *= (i == 0 || i == n / 2) ? norm : 2.0f * norm;

  for (b = 0; b < p->num_bands; ++b) {
    float band = 0.0f;
    for (i = plan->band_first_bin[b]; i < plan->band_first_bin[b + 1]; ++i) band += power[i];
    if (p->log_bands) {
      const float clamped = band > 1e-10f ? band : 1e-10f;
      band = (float)(tinyops_log_double((double)clamped) * (1.0 / 2.302585092994046));
    }
    out[3 + b] = band;
  }
}

void tinyops_spectral_features_f32(const tinyops_spectral_plan* plan, const float* window,
                                   void* scratch, float* out) {
  const tinyops_spectral_params* p = &plan->params;
  float* y = (float*)scratch;
  float* fft = y + p->window_length;
  float* power = fft + p->fft_length + 2;
  int32_t axis;
  for (axis = 0; axis < p->axes; ++axis)
    spectral_axis(plan, window, axis, y, fft, power,
                  out + (size_t)axis * (size_t)(3 + p->num_bands));
}
