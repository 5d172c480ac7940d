/* Real FFT in float for the feature blocks (spectral analysis, MFE, MFCC): power-of-two
 * lengths, no allocation, the same bits on host and device.
 *
 * A real input of N samples is transformed as N/2 complex samples (even samples real,
 * odd samples imaginary) by an iterative radix-2 decimation-in-time FFT, then split into
 * the N/2 + 1 bins of the real signal. The result is the unnormalised DFT,
 * X[k] = sum_n x[n] e^(-2 pi i k n / N). Only IEEE +, -, * on floats in a fixed order, so
 * a compiler without FMA contraction (-ffp-contract=off) gives the same bits everywhere;
 * the twiddle table is computed in double and rounded once (float_math.h). */
#ifndef TINYOPS_RUNTIME_FFT_F32_H
#define TINYOPS_RUNTIME_FFT_F32_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYOPS_RFFT_F32_MIN_LENGTH 4
#define TINYOPS_RFFT_F32_MAX_LENGTH 65536

typedef struct {
  int32_t fft_length;    /* N */
  const float* twiddles; /* N/2 pairs (cos, sin) of 2 pi k / N, k in [0, N/2) */
} tinyops_rfft_f32_plan;

/* 1 when n is a power of two in [TINYOPS_RFFT_F32_MIN_LENGTH, TINYOPS_RFFT_F32_MAX_LENGTH]. */
int tinyops_rfft_f32_length_ok(int32_t n);

/* Bytes of the twiddle table for length n (n floats); 0 when n is unsupported. */
size_t tinyops_rfft_f32_table_size(int32_t fft_length);

/* Fills the plan and its table (table_bytes at least tinyops_rfft_f32_table_size).
 * Returns 0, or -1 when the length is unsupported or the table too small. */
int tinyops_rfft_f32_init(tinyops_rfft_f32_plan* plan, int32_t fft_length, float* table,
                          size_t table_bytes);

/* input: N samples; output: N + 2 floats, bins 0 .. N/2 as (re, im) pairs (the imaginary
 * parts of bins 0 and N/2 are 0). input may equal output (in place, N + 2 floats). */
void tinyops_rfft_f32(const tinyops_rfft_f32_plan* plan, const float* input, float* output);

/* power[k] = re^2 + im^2 for the `bins` complex values of `spectrum`. */
void tinyops_complex_power_f32(const float* spectrum, int32_t bins, float* power);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_FFT_F32_H */
