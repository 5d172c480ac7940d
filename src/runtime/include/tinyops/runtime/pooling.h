/* Average and max pooling (TFLite AVERAGE_POOL_2D, MAX_POOL_2D), NHWC.
 * int8: TFLite Micro's reference integer pooling, bit-exact. Input and output share one
 * scale and zero point (TFLite's requirement), so there is no requantisation; the
 * average divides by the number of in-image elements, rounding half away from zero.
 * float32: TFLite Micro's reference float pooling. */
#ifndef TINYOPS_RUNTIME_POOLING_H
#define TINYOPS_RUNTIME_POOLING_H

#include <stdint.h>

#include "tinyops/runtime/tensor_shape.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int32_t stride_h;
  int32_t stride_w;
  int32_t filter_h;
  int32_t filter_w;
  int32_t pad_h;
  int32_t pad_w;
  int32_t act_min; /* fused activation clamp, quantised */
  int32_t act_max;
} tinyops_pool_params;

typedef struct {
  int32_t stride_h;
  int32_t stride_w;
  int32_t filter_h;
  int32_t filter_w;
  int32_t pad_h;
  int32_t pad_w;
  float act_min;
  float act_max;
} tinyops_pool_params_f32;

/* input [n, h, w, c], output [n, oh, ow, c]. */
void tinyops_avg_pool2d_s8(const tinyops_pool_params* params, const tinyops_dims4* input_dims,
                           const int8_t* input, const tinyops_dims4* output_dims, int8_t* output);
void tinyops_max_pool2d_s8(const tinyops_pool_params* params, const tinyops_dims4* input_dims,
                           const int8_t* input, const tinyops_dims4* output_dims, int8_t* output);
void tinyops_avg_pool2d_f32(const tinyops_pool_params_f32* params, const tinyops_dims4* input_dims,
                            const float* input, const tinyops_dims4* output_dims, float* output);
void tinyops_max_pool2d_f32(const tinyops_pool_params_f32* params, const tinyops_dims4* input_dims,
                            const float* input, const tinyops_dims4* output_dims, float* output);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_POOLING_H */
