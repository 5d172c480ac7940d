/* int8 SVDF for Cortex-M cores with the DSP extension (svdf_s8_dsp.c): what svdf_s8.c
 * computes (TFLite Micro's EvalIntegerSvdfReference), bit for bit, with the feature
 * projection and the time filter on SMLAD.
 *
 * - weights_feature [num_filters, input_size] is a FULLY_CONNECTED filter and comes in that
 *   kernel's compile-time layout (tinyops_svdf_s8_dsp_feature, the same bytes as
 *   tinyops_fully_connected_s8_dsp_filter); weights_time stays as it is.
 * - The state is shifted row by row as each filter is processed, not as one move of the whole
 *   buffer first: every row's newest slot is overwritten after the move, so the state that
 *   results is the same, and each row is read once for the shift and the time filter.
 * - The int32 sums wrap modulo 2^32 in both kernels, so their order does not matter.
 * - Requantisation: the one-multiply form of dsp_requantize.h where the compile-time bound
 *   holds (tinyops_svdf_s8_dsp_exact), otherwise the reference's 64-bit one; `exact` says
 *   which, for the feature projection (TINYOPS_SVDF_EXACT_FEATURE) and for the output
 *   (TINYOPS_SVDF_EXACT_OUTPUT) separately. */
#ifndef TINYOPS_RUNTIME_SVDF_DSP_H
#define TINYOPS_RUNTIME_SVDF_DSP_H

#include <stddef.h>
#include <stdint.h>

#include "tinyops/runtime/svdf.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { TINYOPS_SVDF_EXACT_FEATURE = 1, TINYOPS_SVDF_EXACT_OUTPUT = 2 };

/* Bytes of the re-laid-out weights_feature and of the scratch buffer (4-byte aligned). */
size_t tinyops_svdf_s8_dsp_feature_size(const tinyops_svdf_params* params);
size_t tinyops_svdf_s8_dsp_scratch_size(const tinyops_svdf_params* params);
/* weights_feature [num_filters, input_size] -> out (feature_size bytes). */
void tinyops_svdf_s8_dsp_feature(const tinyops_svdf_params* params, const int8_t* weights_feature,
                                 int8_t* out);
/* 1 when the kernels take the layer: consistent sizes and input and state zero points in
 * int8 (so x - zero point fits an int16 lane). */
int32_t tinyops_svdf_s8_dsp_supported(const tinyops_svdf_params* params);
/* The `exact` argument for a layer: a TINYOPS_SVDF_EXACT_* bit where the one-multiply bound
 * (|acc * 2^max(shift, 0)| < 2^30 for every possible input and state, multiplier >= 0) is
 * not proven. bias may be NULL. */
int32_t tinyops_svdf_s8_dsp_exact(const tinyops_svdf_params* params, const int8_t* weights_feature,
                                  const int16_t* weights_time, const int32_t* bias);
int32_t tinyops_svdf_s8_state8_dsp_exact(const tinyops_svdf_params* params,
                                         const int8_t* weights_feature, const int8_t* weights_time,
                                         const int32_t* bias);

/* As tinyops_svdf_s8 / tinyops_svdf_s8_state8 (svdf.h), with dsp_feature in place of
 * weights_feature and a scratch of tinyops_svdf_s8_dsp_scratch_size bytes. */
void tinyops_svdf_s8_dsp(const tinyops_svdf_params* params, const int8_t* input,
                         const int8_t* dsp_feature, const int16_t* weights_time,
                         const int32_t* bias, int16_t* state, int32_t* scratch, int8_t* output,
                         int32_t exact);
void tinyops_svdf_s8_state8_dsp(const tinyops_svdf_params* params, const int8_t* input,
                                const int8_t* dsp_feature, const int8_t* weights_time,
                                const int32_t* bias, int8_t* state, int32_t* scratch,
                                int8_t* output, int32_t exact);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_SVDF_DSP_H */
