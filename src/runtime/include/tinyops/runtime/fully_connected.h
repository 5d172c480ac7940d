/* Fully connected layer (TFLite FULLY_CONNECTED): output[b, o] = sum_d input[b, d] *
 * filter[o, d] + bias[o].
 * int8: TFLite Micro's reference FullyConnected / FullyConnectedPerChannel, bit-exact.
 * float32: TFLite Micro's reference float FullyConnected, same accumulation order. */
#ifndef TINYOPS_RUNTIME_FULLY_CONNECTED_H
#define TINYOPS_RUNTIME_FULLY_CONNECTED_H

#include <stddef.h> /* NULL for an absent bias */
#include <stdint.h>

#include "tinyops/runtime/tensor_shape.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int32_t batches;
  int32_t accum_depth;   /* input elements per batch = filter columns */
  int32_t output_depth;  /* filter rows */
  int32_t input_offset;  /* minus the input zero point */
  int32_t filter_offset; /* minus the filter zero point (0 for symmetric weights) */
  int32_t output_offset; /* the output zero point */
  int32_t act_min;
  int32_t act_max;
  int32_t per_channel; /* 1: quant has output_depth entries; 0: one entry for all */
} tinyops_fully_connected_params;

typedef struct {
  int32_t batches;
  int32_t accum_depth;
  int32_t output_depth;
  float act_min;
  float act_max;
} tinyops_fully_connected_params_f32;

/* input [batches, accum_depth], filter [output_depth, accum_depth], bias [output_depth]
 * (may be NULL), output [batches, output_depth]. */
void tinyops_fully_connected_s8(const tinyops_fully_connected_params* params,
                                const tinyops_per_channel_quant* quant, const int8_t* input,
                                const int8_t* filter, const int32_t* bias, int8_t* output);

void tinyops_fully_connected_f32(const tinyops_fully_connected_params_f32* params,
                                 const float* input, const float* filter, const float* bias,
                                 float* output);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_FULLY_CONNECTED_H */
