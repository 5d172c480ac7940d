/* Depthwise 2-D convolution (TFLite DEPTHWISE_CONV_2D), NHWC activations, 1HWO filters
 * with O = input channels * depth multiplier.
 * int8: TFLite Micro's reference DepthwisePerChannel arithmetic, bit-exact.
 * float32: TFLite Micro's reference float DepthwiseConv, same accumulation order. */
#ifndef TINYOPS_RUNTIME_DEPTHWISE_CONV_H
#define TINYOPS_RUNTIME_DEPTHWISE_CONV_H

#include <stddef.h> /* NULL for an absent bias */
#include <stdint.h>

#include "tinyops/runtime/tensor_shape.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int32_t stride_h;
  int32_t stride_w;
  int32_t dilation_h;
  int32_t dilation_w;
  int32_t pad_h;
  int32_t pad_w;
  int32_t depth_multiplier;
  int32_t input_offset;  /* minus the input zero point */
  int32_t output_offset; /* the output zero point */
  int32_t act_min;
  int32_t act_max;
} tinyops_depthwise_conv_params;

typedef struct {
  int32_t stride_h;
  int32_t stride_w;
  int32_t dilation_h;
  int32_t dilation_w;
  int32_t pad_h;
  int32_t pad_w;
  int32_t depth_multiplier;
  float act_min;
  float act_max;
} tinyops_depthwise_conv_params_f32;

/* input [n, h, w, c], filter [1, fh, fw, c * m], bias [c * m] (may be NULL),
 * output [n, oh, ow, c * m]; output channel of (input channel ic, multiplier j) is
 * ic * m + j. */
void tinyops_depthwise_conv2d_s8(const tinyops_depthwise_conv_params* params,
                                 const tinyops_per_channel_quant* quant,
                                 const tinyops_dims4* input_dims, const int8_t* input,
                                 const tinyops_dims4* filter_dims, const int8_t* filter,
                                 const int32_t* bias, const tinyops_dims4* output_dims,
                                 int8_t* output);

void tinyops_depthwise_conv2d_f32(const tinyops_depthwise_conv_params_f32* params,
                                  const tinyops_dims4* input_dims, const float* input,
                                  const tinyops_dims4* filter_dims, const float* filter,
                                  const float* bias, const tinyops_dims4* output_dims,
                                  float* output);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_DEPTHWISE_CONV_H */
