/* Audio feature blocks: frames of the window (pre-emphasis, frame window), power spectrum,
 * triangular mel filter bank; MFE gives the energies in dB (optionally against a noise
 * floor), MFCC the orthonormal DCT-II of their natural log. */
#include <math.h> /* sqrt, for the DCT scale factors at init */
#include <string.h>

#include "tinyops/runtime/features.h"
#include "tinyops/runtime/float_math.h"

#define LN10_DOUBLE 2.302585092994046
#define ENERGY_FLOOR 1e-10f /* energies below are taken as this before the log */

double tinyops_hz_to_mel(double hz) {
  return 2595.0 * tinyops_log_double(1.0 + hz / 700.0) / LN10_DOUBLE;
}

double tinyops_mel_to_hz(double mel) {
  return 700.0 * (tinyops_exp_double(mel * LN10_DOUBLE / 2595.0) - 1.0);
}

static double high_edge(const tinyops_audio_params* p) {
  return p->high_hz > 0.0f ? (double)p->high_hz : 0.5 * (double)p->sample_rate_hz;
}

static int audio_params_ok(const tinyops_audio_params* p) {
  if (!(p->sample_rate_hz > 0.0f) || p->sample_rate_hz > 1e7f || p->window_length < 1 ||
      p->window_length > (1 << 26) || !tinyops_rfft_f32_length_ok(p->fft_length) ||
      p->frame_length < 1 || p->frame_length > p->fft_length || p->frame_stride < 1 ||
      p->num_filters < 1 || p->num_filters > TINYOPS_MEL_MAX_FILTERS || p->num_cepstral < 0 ||
      p->num_cepstral > p->num_filters || !(p->low_hz >= 0.0f) || !(p->high_hz >= 0.0f) ||
      !(p->pre_emphasis >= 0.0f) || !(p->pre_emphasis <= 1.0f) || !(p->noise_floor_db <= 0.0f))
    return 0;
  if (p->frame_window != TINYOPS_FRAME_WINDOW_NONE &&
      p->frame_window != TINYOPS_FRAME_WINDOW_HANN &&
      p->frame_window != TINYOPS_FRAME_WINDOW_HAMMING)
    return 0;
  return (double)p->low_hz < high_edge(p) && high_edge(p) <= 0.5 * (double)p->sample_rate_hz;
}

int32_t tinyops_audio_frame_count(const tinyops_audio_params* params) {
  return tinyops_feature_window_count(params->window_length, params->frame_length,
                                      params->frame_stride);
}

int32_t tinyops_mfe_feature_count(const tinyops_audio_params* params) {
  return audio_params_ok(params) ? tinyops_audio_frame_count(params) * params->num_filters : -1;
}

int32_t tinyops_mfcc_feature_count(const tinyops_audio_params* params) {
  return audio_params_ok(params) && params->num_cepstral > 0
             ? tinyops_audio_frame_count(params) * params->num_cepstral
             : -1;
}

/* Table: FFT twiddles (N floats), frame weights (frame_length, when windowed), mel weights
 * (at most 2 (N/2 + 1): a bin lies inside at most two neighbouring triangles), DCT rows. */
size_t tinyops_audio_table_size(const tinyops_audio_params* params) {
  size_t floats;
  if (!audio_params_ok(params)) return 0;
  floats = (size_t)params->fft_length + 2 * ((size_t)params->fft_length / 2 + 1) +
           (size_t)params->num_cepstral * (size_t)params->num_filters;
  if (params->frame_window != TINYOPS_FRAME_WINDOW_NONE) floats += (size_t)params->frame_length;
  return floats * sizeof(float);
}

/* The FFT buffer (N + 2 floats) and the mel energies. */
size_t tinyops_audio_scratch_size(const tinyops_audio_params* params) {
  if (!audio_params_ok(params)) return 0;
  return ((size_t)params->fft_length + 2 + (size_t)params->num_filters) * sizeof(float);
}

int tinyops_audio_init(tinyops_audio_plan* plan, const tinyops_audio_params* params, void* table,
                       size_t table_bytes) {
  const int32_t n = params->fft_length;
  const int32_t bins = n / 2 + 1;
  const int32_t filters = params->num_filters;
  double mel_low, mel_high, edges[TINYOPS_MEL_MAX_FILTERS + 2];
  float* next;
  float* weights;
  int32_t m, k, used = 0;
  if (!audio_params_ok(params) || table_bytes < tinyops_audio_table_size(params)) return -1;
  if (tinyops_rfft_f32_init(&plan->fft, n, (float*)table, table_bytes) != 0) return -1;
  plan->params = *params;
  next = (float*)table + n;

  plan->frame_weights = 0;
  if (params->frame_window != TINYOPS_FRAME_WINDOW_NONE) {
    tinyops_frame_window_f32(params->frame_window, params->frame_length, next);
    plan->frame_weights = next;
    next += params->frame_length;
  }

  /* num_filters + 2 edges equally spaced in mel; filter m rises from edge m to edge m+1
   * and falls to edge m+2, evaluated at the bin frequencies k rate / N (height 1). */
  mel_low = tinyops_hz_to_mel((double)params->low_hz);
  mel_high = tinyops_hz_to_mel(high_edge(params));
  for (m = 0; m < filters + 2; ++m)
    edges[m] =
        tinyops_mel_to_hz(mel_low + (mel_high - mel_low) * (double)m / (double)(filters + 1));
  weights = next;
  for (m = 0; m < filters; ++m) {
    const double lo = edges[m], centre = edges[m + 1], hi = edges[m + 2];
    plan->mel_first_bin[m] = 0;
    plan->mel_bins[m] = 0;
    plan->mel_offset[m] = used;
    for (k = 0; k < bins; ++k) {
      const double f = (double)k * (double)params->sample_rate_hz / (double)n;
      double w;
      if (f <= lo || f >= hi) continue;
      w = f <= centre ? (f - lo) / (centre - lo) : (hi - f) / (hi - centre);
      if (plan->mel_bins[m] == 0) plan->mel_first_bin[m] = k;
      weights[used++] = (float)w;
      ++plan->mel_bins[m];
    }
  }
  plan->mel_weights = weights;
  next += 2 * bins;

  plan->dct = 0;
  if (params->num_cepstral > 0) {
    /* c_j = s_j sum_m x_m cos(pi j (2m + 1) / (2M)), s_0 = sqrt(1/M), s_j = sqrt(2/M). */
    int32_t j;
    for (j = 0; j < params->num_cepstral; ++j) {
      const double scale = sqrt((j == 0 ? 1.0 : 2.0) / (double)filters);
      for (m = 0; m < filters; ++m) {
        double s, c;
        tinyops_sincos_turn_double(j * (2 * m + 1), 4 * filters, &s, &c);
        next[j * filters + m] = (float)(scale * c);
      }
    }
    plan->dct = next;
  }
  return 0;
}

/* Mel energies of frame `frame` into `energies`; samples come from f32 or s16 input. */
static void mel_energies(const tinyops_audio_plan* plan, const float* f32, const int16_t* s16,
                         int32_t frame, float* fft, float* energies) {
  const tinyops_audio_params* p = &plan->params;
  const int32_t n = p->fft_length;
  const int32_t start = frame * p->frame_stride;
  const float a = p->pre_emphasis;
  const float inverse_n = 1.0f / (float)n; /* exact: n is a power of two */
  int32_t i, m;
  float previous;
  if (start == 0) {
    previous = 0.0f;
  } else {
    previous = f32 ? f32[start - 1] : (float)s16[start - 1] * (1.0f / 32768.0f);
  }
  for (i = 0; i < p->frame_length; ++i) {
    const float x = f32 ? f32[start + i] : (float)s16[start + i] * (1.0f / 32768.0f);
    float v = (start + i == 0) ? x : x - a * previous;
    if (plan->frame_weights) v *= plan->frame_weights[i];
    fft[i] = v;
    previous = x;
  }
  if (p->frame_length < n)
    memset(fft + p->frame_length, 0, (size_t)(n - p->frame_length) * sizeof(float));
  tinyops_rfft_f32(&plan->fft, fft, fft);
  for (i = 0; i <= n / 2; ++i)
    fft[i] = (fft[2 * i] * fft[2 * i] + fft[2 * i + 1] * fft[2 * i + 1]) * inverse_n;
  for (m = 0; m < p->num_filters; ++m) {
    const float* w = plan->mel_weights + plan->mel_offset[m];
    const float* power = fft + plan->mel_first_bin[m];
    float e = 0.0f;
    for (i = 0; i < plan->mel_bins[m]; ++i) e += w[i] * power[i];
    energies[m] = e;
  }
}

static void mfe(const tinyops_audio_plan* plan, const float* f32, const int16_t* s16, void* scratch,
                float* out) {
  const tinyops_audio_params* p = &plan->params;
  const int32_t frames = tinyops_audio_frame_count(p);
  float* fft = (float*)scratch;
  float* energies = fft + p->fft_length + 2;
  const float db_per_neper = (float)(10.0 / LN10_DOUBLE);
  int32_t f, m;
  for (f = 0; f < frames; ++f) {
    float* row = out + (size_t)f * (size_t)p->num_filters;
    mel_energies(plan, f32, s16, f, fft, energies);
    for (m = 0; m < p->num_filters; ++m) {
      const float e = energies[m] > ENERGY_FLOOR ? energies[m] : ENERGY_FLOOR;
      float db = db_per_neper * tinyops_log_fast_f32(e);
      if (p->noise_floor_db < 0.0f) {
        if (db < p->noise_floor_db) db = p->noise_floor_db;
        db = (db - p->noise_floor_db) / -p->noise_floor_db;
      }
      row[m] = db;
    }
  }
}

static void mfcc(const tinyops_audio_plan* plan, const float* f32, const int16_t* s16,
                 void* scratch, float* out) {
  const tinyops_audio_params* p = &plan->params;
  const int32_t frames = tinyops_audio_frame_count(p);
  float* fft = (float*)scratch;
  float* energies = fft + p->fft_length + 2;
  int32_t f, m, j;
  for (f = 0; f < frames; ++f) {
    float* row = out + (size_t)f * (size_t)p->num_cepstral;
    mel_energies(plan, f32, s16, f, fft, energies);
    for (m = 0; m < p->num_filters; ++m)
      energies[m] = tinyops_log_fast_f32(energies[m] > ENERGY_FLOOR ? energies[m] : ENERGY_FLOOR);
    for (j = 0; j < p->num_cepstral; ++j) {
      const float* basis = plan->dct + (size_t)j * (size_t)p->num_filters;
      float c = 0.0f;
      for (m = 0; m < p->num_filters; ++m) c += basis[m] * energies[m];
      row[j] = c;
    }
  }
}

void tinyops_mfe_f32(const tinyops_audio_plan* plan, const float* window, void* scratch,
                     float* out) {
  mfe(plan, window, 0, scratch, out);
}

void tinyops_mfe_s16(const tinyops_audio_plan* plan, const int16_t* window, void* scratch,
                     float* out) {
  mfe(plan, 0, window, scratch, out);
}

void tinyops_mfcc_f32(const tinyops_audio_plan* plan, const float* window, void* scratch,
                      float* out) {
  mfcc(plan, window, 0, scratch, out);
}

void tinyops_mfcc_s16(const tinyops_audio_plan* plan, const int16_t* window, void* scratch,
                      float* out) {
  mfcc(plan, 0, window, scratch, out);
}
