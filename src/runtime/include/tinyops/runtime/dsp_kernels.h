/* int8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED for Cortex-M cores with the DSP
 * extension (M4, M7, M33, M55), built on SMLAD and friends (dsp_intrinsics.h). They compute
 * exactly what the reference kernels compute (conv_s8.c, depthwise_conv_s8.c,
 * fully_connected_s8.c: TFLite Micro's reference arithmetic), bit for bit; only the
 * order of the int32 sums differs, and sums modulo 2^32 do not depend on the order.
 *
 * Each kernel reads its weights in a layout made for the SIMD instructions, which the code
 * generator writes at compile time with the matching *_dsp_filter function (the re-laid-out
 * copy replaces the original; weights stay int8), and works in a caller-provided scratch
 * buffer of *_dsp_scratch_size bytes, 4-byte aligned, whose contents need not survive
 * between calls. docs/kernels.md describes the layouts.
 *
 * Each *_dsp_supported function checks at compile time what its kernel assumes, and the code
 * generator uses the reference kernel where it returns 0: input_offset in [-127, 128]
 * (minus an int8 zero point), multipliers in [0, INT32_MAX] (as quantize_multiplier gives),
 * |accumulator * 2^max(shift, 0)| < 2^30 for every possible input (bounded from the weights,
 * the bias and the input offset; the conv and FC kernels requantise exactly where it is not
 * proven, see their *_small_acc), a depth multiplier of 1 for depthwise layers, and a zero
 * filter offset for fully connected layers. SVDF has its own header, svdf_dsp.h. */
#ifndef TINYOPS_RUNTIME_DSP_KERNELS_H
#define TINYOPS_RUNTIME_DSP_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "tinyops/runtime/conv.h"
#include "tinyops/runtime/depthwise_conv.h"
#include "tinyops/runtime/dsp_requantize.h"
#include "tinyops/runtime/fully_connected.h"
#include "tinyops/runtime/tensor_shape.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Layout geometry, shared by the kernels and the compile-time re-layout ---- */

/* CONV_2D: each filter row (fw * c_in values) padded to a multiple of 4 values. */
static inline int32_t tinyops_conv_dsp_row_values(const tinyops_dims4* filter_dims) {
  return (filter_dims->w * filter_dims->c + 3) & ~3;
}
/* DEPTHWISE_CONV_2D: channels in groups of 4. */
static inline int32_t tinyops_depthwise_dsp_groups(int32_t channels) { return (channels + 3) / 4; }
/* FULLY_CONNECTED: the depth padded to a multiple of 4. */
static inline int32_t tinyops_fully_connected_dsp_depth(int32_t depth) { return (depth + 3) & ~3; }

/* ---- CONV_2D ----
 * Also serves DEPTHWISE_CONV_2D with one input channel: its filter [1, fh, fw, m] read as
 * [m, fh, fw, 1] is a CONV_2D filter with the same sums. */

/* Bytes of the re-laid-out filter and of the scratch buffer. */
size_t tinyops_conv2d_s8_dsp_filter_size(const tinyops_dims4* filter_dims);
size_t tinyops_conv2d_s8_dsp_scratch_size(const tinyops_dims4* filter_dims);
/* filter [c_out, fh, fw, c_in] (OHWI) -> out (filter_size bytes). */
void tinyops_conv2d_s8_dsp_filter(const tinyops_dims4* filter_dims, const int8_t* filter,
                                  int8_t* out);
int32_t tinyops_conv2d_s8_dsp_supported(const tinyops_conv_params* params,
                                        const tinyops_per_channel_quant* quant,
                                        const tinyops_dims4* filter_dims);
/* 1 when every accumulator of the layer provably meets the one-multiply requantisation's
 * bound (dsp_requantize.h); otherwise the kernel is called with exact_requantize = 1 and
 * checks each output (tinyops_dsp_requantize_checked: one multiply where that is exact, the
 * reference's 64-bit arithmetic elsewhere), at no cost to the multiply-accumulates. */
int32_t tinyops_conv2d_s8_dsp_small_acc(const tinyops_conv_params* params,
                                        const tinyops_per_channel_quant* quant,
                                        const tinyops_dims4* filter_dims, const int8_t* filter,
                                        const int32_t* bias);
void tinyops_conv2d_s8_dsp(const tinyops_conv_params* params, const tinyops_per_channel_quant* quant,
                           const tinyops_dims4* input_dims, const int8_t* input,
                           const tinyops_dims4* filter_dims, const int8_t* dsp_filter,
                           const int32_t* bias, const tinyops_dims4* output_dims, int8_t* output,
                           int32_t* scratch, int32_t exact_requantize);
/* 1 when the kernel may be called with output == input: the output written over the input's
 * bytes from the same first byte, whatever their sizes (the buffer holds the larger). */
int32_t tinyops_conv2d_s8_dsp_in_place(const tinyops_conv_params* params,
                                       const tinyops_dims4* input_dims,
                                       const tinyops_dims4* filter_dims,
                                       const tinyops_dims4* output_dims);

/* ---- DEPTHWISE_CONV_2D, depth multiplier 1 ---- */

size_t tinyops_depthwise_conv2d_s8_dsp_filter_size(const tinyops_dims4* filter_dims);
/* Channels go in passes of pass_channels (as the 3-tap-row kernel below). */
size_t tinyops_depthwise_conv2d_s8_dsp_scratch_size(const tinyops_depthwise_conv_params* params,
                                                    const tinyops_dims4* input_dims,
                                                    const tinyops_dims4* filter_dims,
                                                    const tinyops_dims4* output_dims,
                                                    int32_t pass_channels);
int32_t tinyops_depthwise_conv2d_s8_dsp_pass_channels(const tinyops_depthwise_conv_params* params,
                                                      const tinyops_dims4* input_dims,
                                                      const tinyops_dims4* filter_dims,
                                                      const tinyops_dims4* output_dims,
                                                      size_t scratch_budget);
/* filter [1, fh, fw, c] -> out (filter_size bytes). */
void tinyops_depthwise_conv2d_s8_dsp_filter(const tinyops_dims4* filter_dims,
                                            const int8_t* filter, int8_t* out);
int32_t tinyops_depthwise_conv2d_s8_dsp_supported(const tinyops_depthwise_conv_params* params,
                                                  const tinyops_per_channel_quant* quant,
                                                  const tinyops_dims4* filter_dims,
                                                  const int8_t* filter, const int32_t* bias);
void tinyops_depthwise_conv2d_s8_dsp(const tinyops_depthwise_conv_params* params,
                                     const tinyops_per_channel_quant* quant,
                                     const tinyops_dims4* input_dims, const int8_t* input,
                                     const tinyops_dims4* filter_dims, const int8_t* dsp_filter,
                                     const int32_t* bias, const tinyops_dims4* output_dims,
                                     int8_t* output, int32_t* scratch, int32_t pass_channels);
/* As tinyops_conv2d_s8_dsp_in_place, for this kernel. */
int32_t tinyops_depthwise_conv2d_s8_dsp_in_place(const tinyops_depthwise_conv_params* params,
                                                 const tinyops_dims4* input_dims,
                                                 const tinyops_dims4* filter_dims,
                                                 const tinyops_dims4* output_dims);

/* ---- DEPTHWISE_CONV_2D, depth multiplier 1, filter 3 taps wide, stride 1 and no dilation
 * along the width (tinyops_depthwise_conv2d_s8_dsp_supported and these conditions): faster
 * than the general kernel above. Its weights are words made at compile time from the TFLite
 * filter [1, fh, 3, c] (weights_size bytes), and its per-channel constants a table of
 * tinyops_dsp_channel_of(bias, multiplier, shift), one per channel. */

size_t tinyops_depthwise_conv2d_s8_dsp_row3_weights_size(const tinyops_dims4* filter_dims);
void tinyops_depthwise_conv2d_s8_dsp_row3_weights(const tinyops_dims4* filter_dims,
                                                  const int8_t* filter, int32_t* out);
/* The kernel goes over the channels in passes of pass_channels (a multiple of 4; 0 or at
 * least the depth: one pass), with a scratch buffer sized for one pass. */
size_t tinyops_depthwise_conv2d_s8_dsp_row3_scratch_size(const tinyops_dims4* input_dims,
                                                         const tinyops_dims4* filter_dims,
                                                         const tinyops_dims4* output_dims,
                                                         int32_t pass_channels);
/* The most channels per pass (the depth, else a multiple of 4, at least 4) whose scratch fits
 * scratch_budget bytes. */
int32_t tinyops_depthwise_conv2d_s8_dsp_row3_pass_channels(const tinyops_dims4* input_dims,
                                                           const tinyops_dims4* filter_dims,
                                                           const tinyops_dims4* output_dims,
                                                           size_t scratch_budget);
void tinyops_depthwise_conv2d_s8_dsp_row3(const tinyops_depthwise_conv_params* params,
                                          const tinyops_dims4* input_dims, const int8_t* input,
                                          const tinyops_dims4* filter_dims, const int32_t* weights,
                                          const tinyops_dsp_channel* channels,
                                          const tinyops_dims4* output_dims, int8_t* output,
                                          int32_t* scratch, int32_t pass_channels);
/* As tinyops_conv2d_s8_dsp_in_place, for this kernel. */
int32_t tinyops_depthwise_conv2d_s8_dsp_row3_in_place(const tinyops_depthwise_conv_params* params,
                                                      const tinyops_dims4* input_dims,
                                                      const tinyops_dims4* filter_dims,
                                                      const tinyops_dims4* output_dims);

/* ---- FULLY_CONNECTED ---- */

size_t tinyops_fully_connected_s8_dsp_filter_size(const tinyops_fully_connected_params* params);
size_t tinyops_fully_connected_s8_dsp_scratch_size(const tinyops_fully_connected_params* params);
/* filter [output_depth, accum_depth] -> out (filter_size bytes). */
void tinyops_fully_connected_s8_dsp_filter(const tinyops_fully_connected_params* params,
                                           const int8_t* filter, int8_t* out);
int32_t tinyops_fully_connected_s8_dsp_supported(const tinyops_fully_connected_params* params,
                                                 const tinyops_per_channel_quant* quant);
/* 1 when every row's accumulator provably meets the one-multiply requantisation's bound;
 * otherwise the kernel is called with exact_requantize = 1 (as the conv kernel). */
int32_t tinyops_fully_connected_s8_dsp_small_acc(const tinyops_fully_connected_params* params,
                                                 const tinyops_per_channel_quant* quant,
                                                 const int8_t* filter, const int32_t* bias);
void tinyops_fully_connected_s8_dsp(const tinyops_fully_connected_params* params,
                                    const tinyops_per_channel_quant* quant, const int8_t* input,
                                    const int8_t* dsp_filter, const int32_t* bias, int8_t* output,
                                    int32_t* scratch, int32_t exact_requantize);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_DSP_KERNELS_H */
