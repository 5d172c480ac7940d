/* The feature blocks' parity scenario: fixed parameters and pseudo-random inputs (an
 * integer LCG, so both sides build the same inputs), run through every block. Valid C99
 * and C++: features_parity_test.cpp includes it on the host and compiles it into a
 * Cortex-M4F program for QEMU; each block's output bytes go to a sink and the two
 * transcripts must match byte for byte. */
#ifndef TINYOPS_TESTS_FEATURES_PARITY_SCENARIO_H
#define TINYOPS_TESTS_FEATURES_PARITY_SCENARIO_H

#include <stdint.h>
#include <string.h>

#include "tinyops/runtime/features.h"
#include "tinyops/runtime/fft_f32.h"

typedef struct {
  void (*begin)(const char* name); /* before a block runs (the device starts its counter) */
  void (*emit)(const char* name, const void* data, int32_t bytes);
} parity_sink;

static uint32_t parity_state;

static uint32_t parity_next(void) {
  parity_state = parity_state * 1664525u + 1013904223u;
  return parity_state;
}

/* Uniform in [-1, 1) with 24 random bits: exact in float. */
static float parity_uniform(void) {
  return (float)((int32_t)(parity_next() >> 8) - (1 << 23)) / (float)(1 << 23);
}

#define PARITY_AUDIO_SAMPLES 4000
#define PARITY_MOTION_SAMPLES 250
#define PARITY_FLOATS 4096

static int16_t parity_audio_s16[PARITY_AUDIO_SAMPLES];
static float parity_signal[PARITY_AUDIO_SAMPLES];
static float parity_table[PARITY_FLOATS];
static float parity_scratch[PARITY_FLOATS];
static float parity_out[PARITY_FLOATS];
static uint8_t parity_pixels[48 * 36 * 3];
static uint8_t parity_pixels_out[32 * 32 * 3];

static void parity_fft(const parity_sink* sink) {
  tinyops_rfft_f32_plan plan;
  int32_t i;
  parity_state = 1u;
  for (i = 0; i < 1024; ++i) parity_out[i] = parity_uniform() * 100.0f;
  if (tinyops_rfft_f32_init(&plan, 1024, parity_table, sizeof parity_table) != 0) return;
  sink->begin("rfft1024");
  tinyops_rfft_f32(&plan, parity_out, parity_out);
  sink->emit("rfft1024", parity_out, 1026 * (int32_t)sizeof(float));
}

static void parity_raw(const parity_sink* sink) {
  tinyops_raw_params p;
  int32_t i;
  p.axes = 3;
  p.window_length = 50;
  p.scale = 0.1f;
  parity_state = 2u;
  for (i = 0; i < 150; ++i) parity_audio_s16[i] = (int16_t)(parity_next() >> 16);
  sink->begin("raw");
  tinyops_raw_features_s16(&p, parity_audio_s16, parity_out);
  sink->emit("raw", parity_out, 150 * (int32_t)sizeof(float));
}

static void parity_spectral(const parity_sink* sink, int32_t variant) {
  static const float edges[] = {0.5f, 3.0f, 7.0f, 12.0f, 20.0f, 31.25f};
  tinyops_spectral_params p;
  tinyops_spectral_plan plan;
  const char* name = variant == 0 ? "spectral_lowpass" : "spectral_highpass_log";
  int32_t i;
  memset(&p, 0, sizeof p);
  p.axes = 3;
  p.window_length = PARITY_MOTION_SAMPLES;
  p.sample_rate_hz = 62.5f;
  p.scale = 1.0f / 9.80665f;
  p.filter_type = variant == 0 ? TINYOPS_FILTER_LOW_PASS : TINYOPS_FILTER_HIGH_PASS;
  p.filter_cutoff_hz = variant == 0 ? 8.0f : 1.5f;
  p.filter_order = variant == 0 ? 6 : 3;
  p.fft_length = variant == 0 ? 256 : 64;
  p.overlap_ffts = variant;
  p.num_bands = variant == 0 ? 8 : 5;
  p.band_edges_hz = variant == 0 ? 0 : edges;
  p.log_bands = variant;
  parity_state = 3u + (uint32_t)variant;
  /* Three axes: a slow swing, a 9 Hz vibration on gravity, noise. */
  for (i = 0; i < PARITY_MOTION_SAMPLES; ++i) {
    const float t = (float)i / 62.5f;
    parity_signal[3 * i] = 4.0f * (t - 2.0f) * (t - 2.0f) - 3.0f + parity_uniform();
    parity_signal[3 * i + 1] = 9.81f + ((i % 7) < 3 ? 2.0f : -1.5f) + 0.3f * parity_uniform();
    parity_signal[3 * i + 2] = 5.0f * parity_uniform();
  }
  if (tinyops_spectral_init(&plan, &p, parity_table, sizeof parity_table) != 0 ||
      tinyops_spectral_scratch_size(&p) > sizeof parity_scratch)
    return;
  sink->begin(name);
  tinyops_spectral_features_f32(&plan, parity_signal, parity_scratch, parity_out);
  sink->emit(name, parity_out, tinyops_spectral_feature_count(&p) * (int32_t)sizeof(float));
}

static void parity_audio(const parity_sink* sink, int32_t variant) {
  tinyops_audio_params p;
  tinyops_audio_plan plan;
  const char* name = variant == 0 ? "mfe_s16" : "mfcc_f32";
  int32_t i;
  memset(&p, 0, sizeof p);
  p.sample_rate_hz = 16000.0f;
  p.window_length = variant == 0 ? PARITY_AUDIO_SAMPLES : 2000;
  p.frame_length = variant == 0 ? 400 : 256;
  p.frame_stride = variant == 0 ? 160 : 128;
  p.fft_length = variant == 0 ? 512 : 256;
  p.num_filters = variant == 0 ? 40 : 32;
  p.low_hz = variant == 0 ? 0.0f : 80.0f;
  p.high_hz = variant == 0 ? 0.0f : 7600.0f;
  p.pre_emphasis = variant == 0 ? 0.0f : 0.97f;
  p.frame_window = variant == 0 ? TINYOPS_FRAME_WINDOW_HANN : TINYOPS_FRAME_WINDOW_HAMMING;
  p.noise_floor_db = variant == 0 ? -52.0f : 0.0f;
  p.num_cepstral = variant == 0 ? 0 : 13;
  parity_state = 5u + (uint32_t)variant;
  /* A chirp-like tone sweep with noise. */
  for (i = 0; i < p.window_length; ++i) {
    const int32_t phase = (i * (20 + i / 64)) & 255;
    const float tri = (float)(phase < 128 ? phase - 64 : 192 - phase) / 64.0f;
    const float v = 0.5f * tri + 0.05f * parity_uniform();
    parity_signal[i] = v;
    parity_audio_s16[i] = (int16_t)(v * 32000.0f);
  }
  if (tinyops_audio_init(&plan, &p, parity_table, sizeof parity_table) != 0 ||
      tinyops_audio_scratch_size(&p) > sizeof parity_scratch)
    return;
  sink->begin(name);
  if (variant == 0) {
    tinyops_mfe_s16(&plan, parity_audio_s16, parity_scratch, parity_out);
    sink->emit(name, parity_out, tinyops_mfe_feature_count(&p) * (int32_t)sizeof(float));
  } else {
    tinyops_mfcc_f32(&plan, parity_signal, parity_scratch, parity_out);
    sink->emit(name, parity_out, tinyops_mfcc_feature_count(&p) * (int32_t)sizeof(float));
  }
}

static void parity_image(const parity_sink* sink) {
  tinyops_image_params p;
  int32_t i;
  parity_state = 7u;
  for (i = 0; i < 48 * 36 * 3; ++i) parity_pixels[i] = (uint8_t)(parity_next() >> 24);
  p.in_width = 48;
  p.in_height = 36;
  p.in_channels = 3;
  p.out_width = 32;
  p.out_height = 32;
  p.resize_mode = TINYOPS_IMAGE_FIT_SHORT;
  p.grayscale = 1;
  sink->begin("image_gray_crop_u8");
  tinyops_image_u8(&p, parity_pixels, parity_pixels_out);
  sink->emit("image_gray_crop_u8", parity_pixels_out, 32 * 32);
  p.out_width = 20;
  p.out_height = 20;
  p.resize_mode = TINYOPS_IMAGE_FIT_LONG;
  p.grayscale = 0;
  sink->begin("image_rgb_letterbox_s8");
  tinyops_image_s8(&p, parity_pixels, 1.0f / 255.0f, -128, (int8_t*)parity_pixels_out);
  sink->emit("image_rgb_letterbox_s8", parity_pixels_out, 20 * 20 * 3);
  p.resize_mode = TINYOPS_IMAGE_SQUASH;
  sink->begin("image_rgb_squash_f32");
  tinyops_image_f32(&p, parity_pixels, parity_out);
  sink->emit("image_rgb_squash_f32", parity_out, 20 * 20 * 3 * (int32_t)sizeof(float));
}

static void parity_run(const parity_sink* sink) {
  parity_fft(sink);
  parity_raw(sink);
  parity_spectral(sink, 0);
  parity_spectral(sink, 1);
  parity_audio(sink, 0);
  parity_audio(sink, 1);
  parity_image(sink);
}

#endif /* TINYOPS_TESTS_FEATURES_PARITY_SCENARIO_H */
