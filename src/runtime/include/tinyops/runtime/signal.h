/* Audio front-end DSP blocks with the exact integer arithmetic of TensorFlow Lite Micro's
 * Signal library (the ops behind its micro_speech audio preprocessor): windowing, FFT
 * auto-scaling, a 16-bit fixed-point real FFT (kissfft's FIXED_POINT=16 arithmetic),
 * spectral energy, mel filter bank, square root, noise-estimate spectral subtraction,
 * PCAN gain control and log. Host feature extraction and device inference run this same
 * code, so features are bit-identical to TFLM's.
 *
 * No allocation and no hidden state: state (the noise estimate) and FFT tables live in
 * memory the caller owns and passes in. Arithmetic deliberately reproduces TFLM's integer
 * wrap-around where its C++ relies on two's-complement conversions. */
#ifndef TINYOPS_RUNTIME_SIGNAL_H
#define TINYOPS_RUNTIME_SIGNAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A complex value in Q15, laid out as TFLM's complex int16 tensors: real then imaginary. */
typedef struct {
  int16_t r;
  int16_t i;
} tinyops_complex_s16;

/* ---- Window: out = saturate_s16((in * window) >> shift), frame by frame. ---- */
typedef struct {
  int32_t window_size; /* elements per frame; the window has this many weights */
  int32_t shift;       /* right shift after the multiply, 0..31 */
} tinyops_signal_window_params;

/* Applies the window to `frames` consecutive frames of params->window_size samples. */
void tinyops_signal_window_s16(const tinyops_signal_window_params* params, int32_t frames,
                               const int16_t* input, const int16_t* window, int16_t* output);
/* The same, bit for bit, two samples per word with the Arm DSP extension (signal_window_dsp.c). */
void tinyops_signal_window_s16_dsp(const tinyops_signal_window_params* params, int32_t frames,
                                   const int16_t* input, const int16_t* window, int16_t* output);

/* ---- FFT auto scale: shifts the frame left as far as its largest magnitude allows. ----
 * Returns the shift applied (0..15); TFLM's FilterBankSquareRoot undoes it later. */
int32_t tinyops_signal_fft_auto_scale_s16(const int16_t* input, int32_t size, int16_t* output);

/* ---- Real FFT, int16 (kissfft v1.3.0 FIXED_POINT=16 arithmetic, as TFLM builds it) ----
 * Each radix stage divides by its radix with rounding, so the result is the DFT divided
 * by fft_length. Supported lengths: powers of two from 4 to 2^16. */
#define TINYOPS_SIGNAL_RFFT_MAX_FACTORS 32

typedef struct {
  int32_t fft_length;
  int32_t half_length; /* length of the complex FFT inside: fft_length / 2 */
  int32_t factors[2 * TINYOPS_SIGNAL_RFFT_MAX_FACTORS]; /* (radix, remaining) pairs */
  /* Read-only after init, so generated code can point a `static const` plan at
   * `static const` tables; only the work area is written by each call. */
  const tinyops_complex_s16* twiddles;                  /* half_length entries */
  const tinyops_complex_s16* super_twiddles;            /* half_length / 2 entries */
  tinyops_complex_s16* work; /* half_length entries, overwritten by each call */
} tinyops_signal_rfft_s16_plan;

/* Complex entries the plan's tables and work area need; 0 when fft_length is unsupported. */
size_t tinyops_signal_rfft_s16_buffer_len(int32_t fft_length);

/* Fills `plan` and its tables inside `buffer` (buffer_len entries). Returns 0 on success,
 * -1 when fft_length is unsupported or the buffer is too small. */
int tinyops_signal_rfft_s16_init(tinyops_signal_rfft_s16_plan* plan, int32_t fft_length,
                                 tinyops_complex_s16* buffer, size_t buffer_len);

/* input: fft_length samples; output: fft_length / 2 + 1 bins (DC .. Nyquist). */
void tinyops_signal_rfft_s16(const tinyops_signal_rfft_s16_plan* plan, const int16_t* input,
                             tinyops_complex_s16* output);

/* `frames` consecutive frames of input_length (1..fft_length) samples, each zero-padded to
 * fft_length in `padded` (fft_length entries, overwritten) and transformed into
 * fft_length / 2 + 1 bins of `output`. What the SignalRfft op runs, on host and device. */
void tinyops_signal_rfft_s16_frames(const tinyops_signal_rfft_s16_plan* plan, int32_t frames,
                                    int32_t input_length, const int16_t* input, int16_t* padded,
                                    tinyops_complex_s16* output);
/* The frame loop (zero padding included) around any one-frame transform: the reference
 * above, or signal_rfft_s16_dsp.c's. */
typedef void (*tinyops_signal_rfft_s16_fn)(const tinyops_signal_rfft_s16_plan* plan,
                                           const int16_t* input, tinyops_complex_s16* output);
void tinyops_signal_rfft_s16_frames_with(const tinyops_signal_rfft_s16_plan* plan, int32_t frames,
                                         int32_t input_length, const int16_t* input, int16_t* padded,
                                         tinyops_complex_s16* output, tinyops_signal_rfft_s16_fn transform);

/* The same, bit for bit, with each complex value as one word and the Arm DSP extension's
 * 16-bit SIMD instructions (signal_rfft_s16_dsp.c; plain C with the same results where the
 * extension is absent, so the host tests run it). */
void tinyops_signal_rfft_s16_dsp_frames(const tinyops_signal_rfft_s16_plan* plan, int32_t frames,
                                        int32_t input_length, const int16_t* input, int16_t* padded,
                                        tinyops_complex_s16* output);

/* ---- Energy: out[k] = re^2 + im^2 for k in [start_index, end_index). ----
 * Entries outside the range are set to 0 (TFLM leaves them unwritten). */
typedef struct {
  int32_t start_index;
  int32_t end_index;
} tinyops_signal_energy_params;

void tinyops_signal_energy_s16(const tinyops_signal_energy_params* params, int32_t bins,
                               const tinyops_complex_s16* input, uint32_t* output);

/* ---- Filter bank: triangular mel channels over the energy spectrum. ----
 * Channel c (0..num_channels) covers bins [freq_starts[c], freq_starts[c] + widths[c])
 * with weights[weight_starts[c] + j]; the complementary unweights feed channel c + 1.
 * Channel 0 is only the left half of channel 1 and is not output. The arrays hold
 * num_channels + 1 entries; the caller checks every index against the input length. */
typedef struct {
  int32_t num_channels;
  const int16_t* weights;
  const int16_t* unweights;
  const int16_t* channel_frequency_starts;
  const int16_t* channel_weight_starts;
  const int16_t* channel_widths;
} tinyops_signal_filter_bank_params;

/* output: num_channels accumulators. */
void tinyops_signal_filter_bank_u32(const tinyops_signal_filter_bank_params* params,
                                    const uint32_t* input, uint64_t* output);

/* ---- Square root: out = round_sqrt(in) >> shift (TFLM's bitwise integer sqrt). ---- */
void tinyops_signal_filter_bank_sqrt_u64(const uint64_t* input, int32_t channels, int32_t shift,
                                         uint32_t* output);

/* Integer square roots with TFLM's rounding (exposed for tests). */
uint16_t tinyops_signal_sqrt_u32(uint32_t x);
uint32_t tinyops_signal_sqrt_u64(uint64_t x);

/* ---- Spectral subtraction: a per-channel noise estimate, smoothed over time. ----
 * Even channels use smoothing/one_minus_smoothing, odd ones the alternate pair; all
 * coefficients are fixed-point with spectral_subtraction_bits fractional bits. */
typedef struct {
  int32_t num_channels;
  uint32_t smoothing;
  uint32_t one_minus_smoothing;
  uint32_t alternate_smoothing;
  uint32_t alternate_one_minus_smoothing;
  uint32_t min_signal_remaining;
  int32_t smoothing_bits;            /* 0..31 */
  int32_t spectral_subtraction_bits; /* 0..63 */
  int32_t clamping;                  /* nonzero: keep the estimate at or below the signal */
} tinyops_signal_spectral_subtraction_params;

/* noise_estimate: num_channels values of state, zero at start, updated in place. */
void tinyops_signal_spectral_subtraction_u32(
    const tinyops_signal_spectral_subtraction_params* params, const uint32_t* input,
    uint32_t* output, uint32_t* noise_estimate);

/* ---- PCAN: per-channel automatic gain control (Wang et al., "Trainable frontend for
 * robust and far-field keyword spotting", 2017), fixed point as TFLM. ----
 * gain = piecewise polynomial of the noise estimate read from gain_lut,
 * snr = (in * gain) >> snr_shift, out = shrink(snr): snr^2/4 below 2, snr - 1 above. */
#define TINYOPS_SIGNAL_PCAN_SNR_BITS 12
#define TINYOPS_SIGNAL_PCAN_OUTPUT_BITS 6
#define TINYOPS_SIGNAL_PCAN_LUT_LEN 125 /* entries gain_lut must hold */

typedef struct {
  int32_t num_channels;
  int32_t snr_shift; /* 0..63 */
} tinyops_signal_pcan_params;

void tinyops_signal_pcan_u32(const tinyops_signal_pcan_params* params, const uint32_t* input,
                             const uint32_t* noise_estimate, const int16_t* gain_lut,
                             uint32_t* output);

/* ---- Log: out = min(32767, ln(in << correction_bits) * output_scale), 0 for in <= 1. ---- */
typedef struct {
  int32_t num_channels;
  int32_t input_correction_bits; /* 0..31 */
  uint32_t output_scale;
} tinyops_signal_filter_bank_log_params;

void tinyops_signal_filter_bank_log_u32(const tinyops_signal_filter_bank_log_params* params,
                                        const uint32_t* input, int16_t* output);

/* Natural log of x (x >= 1) times out_scale, in TFLM's fixed point (exposed for tests). */
uint32_t tinyops_signal_log_u32(uint32_t x, uint32_t out_scale);

/* Position of the highest set bit, counting from 1; 32 for x == 0 (what TFLM's GCC build
 * returns, which its FFT auto-scale depends on). */
static inline int32_t tinyops_signal_msb_u32(uint32_t x) {
  /* a binary search: five steps, where a loop over the bits takes up to 32 */
  int32_t bits = 1;
  if (x == 0) return 32;
  if (x >= 0x10000u) {
    x >>= 16;
    bits += 16;
  }
  if (x >= 0x100u) {
    x >>= 8;
    bits += 8;
  }
  if (x >= 0x10u) {
    x >>= 4;
    bits += 4;
  }
  if (x >= 0x4u) {
    x >>= 2;
    bits += 2;
  }
  if (x >= 0x2u) bits += 1;
  return bits;
}

/* Two's-complement narrowing to int16, written out because C leaves it to the compiler. */
static inline int16_t tinyops_signal_wrap_s16(int32_t x) {
  const uint16_t u = (uint16_t)((uint32_t)x & 0xFFFFu);
  return u >= 0x8000u ? (int16_t)((int32_t)u - 65536) : (int16_t)u;
}

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_SIGNAL_H */
