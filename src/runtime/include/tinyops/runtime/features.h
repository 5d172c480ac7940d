/* Feature blocks (DSP) in the style of Edge Impulse's processing blocks: raw (scale and
 * window), spectral analysis for motion (per-axis statistics and FFT band powers after a
 * Butterworth filter), MFE (log-mel energies) and MFCC for audio, and image (crop,
 * bilinear resize, grayscale, normalise). The same C computes training features on the
 * host and features on the device, so the model sees the same numbers in both places.
 *
 * Contract, as for the kernels: parameters in small structs; callers size buffers with
 * the *_feature_count, *_table_size and *_scratch_size functions (sizes in bytes, buffers
 * 4-byte aligned); an init function checks the parameters once and fills a plan whose
 * tables (FFT twiddles, window, mel weights, DCT) live in a caller-provided buffer; the
 * per-window functions only read the plan, so one plan serves every window. No
 * allocation, no hidden state.
 *
 * Number semantics (docs/features.md): the float paths use IEEE +, -, *, / and sqrtf in a
 * fixed order and this project's own log/sin/cos (float_math.h), so host and device give
 * the same bits; the image path up to its u8/int8 output is integer arithmetic. */
#ifndef TINYOPS_RUNTIME_FEATURES_H
#define TINYOPS_RUNTIME_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "tinyops/runtime/fft_f32.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Windows of `window_length` samples every `stride` samples that fit in `total_samples`:
 * 0 when total < window_length, else 1 + (total - window_length) / stride. Window i
 * starts at sample i * stride. Returns 0 for non-positive lengths or stride. */
int32_t tinyops_feature_window_count(int32_t total_samples, int32_t window_length, int32_t stride);

/* Frame weighting for FFT frames. Periodic windows (the DFT-even form):
 * Hann w[n] = 0.5 - 0.5 cos(2 pi n / L), Hamming w[n] = 0.54 - 0.46 cos(2 pi n / L). */
typedef enum {
  TINYOPS_FRAME_WINDOW_NONE = 0,
  TINYOPS_FRAME_WINDOW_HANN = 1,
  TINYOPS_FRAME_WINDOW_HAMMING = 2
} tinyops_frame_window;

/* Fills weights[0..length) (length > 0). Returns 0, or -1 for an unknown type. */
int tinyops_frame_window_f32(int32_t type, int32_t length, float* weights);

/* ===== Raw: every sample of the window times a scale factor ===== */
typedef struct {
  int32_t axes;          /* interleaved channels per sample, >= 1 */
  int32_t window_length; /* samples per window (per axis) */
  float scale;           /* multiplies every value */
} tinyops_raw_params;

/* axes * window_length, or -1 when the parameters are invalid. */
int32_t tinyops_raw_feature_count(const tinyops_raw_params* params);

/* window: window_length * axes interleaved values; out: the same count, in the same order. */
void tinyops_raw_features_f32(const tinyops_raw_params* params, const float* window, float* out);
/* The same from int16 samples (each converted to float exactly, then scaled). */
void tinyops_raw_features_s16(const tinyops_raw_params* params, const int16_t* window, float* out);

/* ===== Spectral analysis (motion): per axis RMS, skewness, kurtosis, band powers ===== */
typedef enum {
  TINYOPS_FILTER_NONE = 0,
  TINYOPS_FILTER_LOW_PASS = 1,
  TINYOPS_FILTER_HIGH_PASS = 2
} tinyops_filter_type;

#define TINYOPS_SPECTRAL_MAX_BANDS 32
#define TINYOPS_SPECTRAL_MAX_ORDER 8

typedef struct {
  int32_t axes;          /* interleaved channels, >= 1 */
  int32_t window_length; /* samples per axis in a window, >= 2 */
  float sample_rate_hz;
  float scale;            /* multiplies the input before anything else */
  int32_t filter_type;    /* tinyops_filter_type */
  float filter_cutoff_hz; /* 0 < cutoff < sample_rate / 2 when filtering */
  int32_t filter_order;   /* Butterworth order 1..8 (ceil(order / 2) biquad sections) */
  int32_t fft_length;     /* power of two, 4..65536 */
  int32_t overlap_ffts;   /* nonzero: FFT frames advance by fft_length / 2, else by fft_length */
  int32_t num_bands;      /* 1..TINYOPS_SPECTRAL_MAX_BANDS */
  /* num_bands + 1 increasing edges in Hz; NULL: num_bands equal bands over [0, rate / 2].
   * Read by init only. */
  const float* band_edges_hz;
  int32_t log_bands; /* nonzero: band powers as log10(max(power, 1e-10)) */
} tinyops_spectral_params;

typedef struct {
  tinyops_spectral_params params;
  tinyops_rfft_f32_plan fft;
  int32_t sections; /* biquads in the filter, 0 when none */
  /* Per section b0, b1, b2, a1, a2 (a0 = 1) for
   * y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]. */
  float sos[(TINYOPS_SPECTRAL_MAX_ORDER + 1) / 2][5];
  int32_t band_first_bin[TINYOPS_SPECTRAL_MAX_BANDS + 1]; /* band b: bins [first[b], first[b+1]) */
} tinyops_spectral_plan;

/* axes * (3 + num_bands), or -1 when the parameters are invalid. */
int32_t tinyops_spectral_feature_count(const tinyops_spectral_params* params);
size_t tinyops_spectral_table_size(const tinyops_spectral_params* params);
size_t tinyops_spectral_scratch_size(const tinyops_spectral_params* params);
/* Returns 0, or -1 when the parameters are invalid or the table is too small. */
int tinyops_spectral_init(tinyops_spectral_plan* plan, const tinyops_spectral_params* params,
                          void* table, size_t table_bytes);
/* window: window_length * axes interleaved values. out: per axis, in axis order,
 * [rms, skewness, kurtosis, band 0 .. band num_bands-1]. */
void tinyops_spectral_features_f32(const tinyops_spectral_plan* plan, const float* window,
                                   void* scratch, float* out);

/* The Butterworth sections alone (for tests and tools): fills sos[sections][5] and
 * returns the section count, or -1 for invalid arguments. */
int32_t tinyops_butterworth_sos(int32_t type, int32_t order, double cutoff_hz,
                                double sample_rate_hz, float sos[][5]);

/* ===== Audio: MFE (log-mel energies) and MFCC ===== */
#define TINYOPS_MEL_MAX_FILTERS 128

typedef struct {
  float sample_rate_hz;
  int32_t window_length; /* samples in the whole window the block sees */
  int32_t frame_length;  /* samples per frame, 1..fft_length */
  int32_t frame_stride;  /* samples between frame starts, >= 1 */
  int32_t fft_length;    /* power of two, 4..65536, >= frame_length */
  int32_t num_filters;   /* mel filters, 1..TINYOPS_MEL_MAX_FILTERS */
  float low_hz;          /* lowest filter edge, >= 0 */
  float high_hz;         /* highest filter edge, <= rate / 2; 0 means rate / 2 */
  float pre_emphasis;    /* y[n] = x[n] - a x[n-1] over the window (y[0] = x[0]); 0: off */
  int32_t frame_window;  /* tinyops_frame_window applied to each frame */
  /* MFE only: < 0 turns the dB energies into max(dB, floor) / -floor + 1 (0 at the noise
   * floor, 1 at 0 dB); 0 keeps dB. */
  float noise_floor_db;
  int32_t num_cepstral; /* MFCC only: coefficients kept, 1..num_filters */
} tinyops_audio_params;

typedef struct {
  tinyops_audio_params params;
  tinyops_rfft_f32_plan fft;
  const float* frame_weights; /* frame_length weights, NULL for no window */
  const float* mel_weights;   /* packed triangle weights, filter after filter */
  const float* dct;           /* num_cepstral x num_filters orthonormal DCT-II rows */
  int32_t mel_first_bin[TINYOPS_MEL_MAX_FILTERS];
  int32_t mel_bins[TINYOPS_MEL_MAX_FILTERS];
  int32_t mel_offset[TINYOPS_MEL_MAX_FILTERS]; /* index of the filter's first weight */
} tinyops_audio_plan;

/* Frames in the window: 1 + (window_length - frame_length) / frame_stride, 0 if shorter. */
int32_t tinyops_audio_frame_count(const tinyops_audio_params* params);
/* frames * num_filters and frames * num_cepstral; -1 when the parameters are invalid. */
int32_t tinyops_mfe_feature_count(const tinyops_audio_params* params);
int32_t tinyops_mfcc_feature_count(const tinyops_audio_params* params);
size_t tinyops_audio_table_size(const tinyops_audio_params* params);
size_t tinyops_audio_scratch_size(const tinyops_audio_params* params);
/* One plan serves MFE and MFCC (the DCT rows are built when num_cepstral > 0). Returns 0,
 * or -1 when the parameters are invalid or the table is too small. */
int tinyops_audio_init(tinyops_audio_plan* plan, const tinyops_audio_params* params, void* table,
                       size_t table_bytes);
/* out: frame after frame, num_filters values each (MFE) or num_cepstral values (MFCC).
 * The _s16 forms read int16 samples as value / 32768. */
void tinyops_mfe_f32(const tinyops_audio_plan* plan, const float* window, void* scratch,
                     float* out);
void tinyops_mfe_s16(const tinyops_audio_plan* plan, const int16_t* window, void* scratch,
                     float* out);
void tinyops_mfcc_f32(const tinyops_audio_plan* plan, const float* window, void* scratch,
                      float* out);
void tinyops_mfcc_s16(const tinyops_audio_plan* plan, const int16_t* window, void* scratch,
                      float* out);

/* The mel scale used by the filter bank: mel = 2595 log10(1 + hz / 700) and its inverse. */
double tinyops_hz_to_mel(double hz);
double tinyops_mel_to_hz(double mel);

/* ===== Image: crop / resize, grayscale, normalise ===== */
typedef enum {
  TINYOPS_IMAGE_SQUASH = 0,    /* resize the whole image, aspect ratio not kept */
  TINYOPS_IMAGE_FIT_SHORT = 1, /* centre crop to the output aspect ratio, then resize */
  TINYOPS_IMAGE_FIT_LONG = 2   /* resize the whole image into a centred box, pad with 0 */
} tinyops_image_resize_mode;

typedef struct {
  int32_t in_width;
  int32_t in_height;
  int32_t in_channels; /* 1 (grayscale) or 3 (RGB), interleaved HWC, 8 bits each */
  int32_t out_width;
  int32_t out_height;
  int32_t resize_mode; /* tinyops_image_resize_mode */
  int32_t grayscale;   /* nonzero: one output channel (BT.601 luma of RGB input) */
} tinyops_image_params;

/* Output channels: 1 when grayscale or the input is grayscale, else 3. */
int32_t tinyops_image_out_channels(const tinyops_image_params* params);
/* out_width * out_height * channels, or -1 when the parameters are invalid. */
int32_t tinyops_image_feature_count(const tinyops_image_params* params);

/* BT.601 luma in integers: (77 R + 150 G + 29 B + 128) >> 8. */
uint8_t tinyops_rgb_to_gray_u8(uint8_t r, uint8_t g, uint8_t b);

/* The source rectangle (FIT_SHORT crop) and the destination box (FIT_LONG letterbox) the
 * parameters give; the other is the whole image. Returns 0, or -1 for invalid params. */
typedef struct {
  int32_t src_x, src_y, src_width, src_height;
  int32_t dst_x, dst_y, dst_width, dst_height;
} tinyops_image_geometry;
int tinyops_image_geometry_of(const tinyops_image_params* params, tinyops_image_geometry* g);

/* out: HWC u8 pixels (resized, grayscale applied). */
void tinyops_image_u8(const tinyops_image_params* params, const uint8_t* in, uint8_t* out);
/* out: the u8 pixels as value / 255.0f in [0, 1]. */
void tinyops_image_f32(const tinyops_image_params* params, const uint8_t* in, float* out);
/* out: the [0, 1] value quantised: round(value / scale) + zero_point (half away from
 * zero), clamped to int8 -- what QUANTIZE would give the float features. */
void tinyops_image_s8(const tinyops_image_params* params, const uint8_t* in, float scale,
                      int32_t zero_point, int8_t* out);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_FEATURES_H */
