/* Data-movement and reduction operators: RESHAPE/SQUEEZE (copy), PAD, TRANSPOSE,
 * STRIDED_SLICE, CONCATENATION, CAST and MEAN. Movement kernels work on any element size;
 * the host resolves shapes, permutations, masks and axes once into the structs below. */
#ifndef TINYOPS_RUNTIME_SHAPE_OPS_H
#define TINYOPS_RUNTIME_SHAPE_OPS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYOPS_SHAPE_MAX_DIMS 6

/* RESHAPE and SQUEEZE: the bytes are unchanged; copies unless output aliases input. */
void tinyops_reshape(size_t bytes, const void* input, void* output);

/* PAD: output dim d = before[d] + input_dims[d] + after[d]; padded elements take the
 * element_size bytes at pad_value (int8: the output zero point; float: 0). */
typedef struct {
  int32_t rank;
  int32_t element_size;
  int32_t input_dims[TINYOPS_SHAPE_MAX_DIMS];
  int32_t before[TINYOPS_SHAPE_MAX_DIMS];
  int32_t after[TINYOPS_SHAPE_MAX_DIMS];
} tinyops_pad_params;

void tinyops_pad(const tinyops_pad_params* params, const void* input, const void* pad_value,
                 void* output);

/* TRANSPOSE: output dim d is input dim perm[d]. */
typedef struct {
  int32_t rank;
  int32_t element_size;
  int32_t input_dims[TINYOPS_SHAPE_MAX_DIMS];
  int32_t perm[TINYOPS_SHAPE_MAX_DIMS];
} tinyops_transpose_params;

void tinyops_transpose(const tinyops_transpose_params* params, const void* input, void* output);

/* STRIDED_SLICE after mask resolution: along each (effective) input dimension d, take
 * count[d] elements starting at start[d] stepping by stride[d]. Shrunk axes have count 1;
 * new axes are dimensions of size 1. Output is written in row-major order. */
typedef struct {
  int32_t rank;
  int32_t element_size;
  int32_t input_dims[TINYOPS_SHAPE_MAX_DIMS];
  int32_t start[TINYOPS_SHAPE_MAX_DIMS];
  int32_t stride[TINYOPS_SHAPE_MAX_DIMS];
  int32_t count[TINYOPS_SHAPE_MAX_DIMS];
} tinyops_strided_slice_params;

void tinyops_strided_slice(const tinyops_strided_slice_params* params, const void* input,
                           void* output);

/* Host-side set-up: resolves TFLite's begin/end/strides and masks (begin, end, ellipsis,
 * new_axis, shrink_axis, offset) for an input of `input_rank` dimensions into `params`
 * (element_size is left to the caller) and the output shape (shrunk axes dropped).
 * Returns 0 on success, -1 for a zero stride, -2 when the slice needs more than
 * TINYOPS_SHAPE_MAX_DIMS dimensions, -3 when a shrunk axis's index (after negative
 * wrap-around, before any clamping) is not inside its dimension. */
typedef struct {
  int32_t begin_mask;
  int32_t end_mask;
  int32_t ellipsis_mask;
  int32_t new_axis_mask;
  int32_t shrink_axis_mask;
  int32_t offset;
} tinyops_strided_slice_masks;

int tinyops_strided_slice_resolve(const int32_t* input_dims, int32_t input_rank,
                                  const int32_t* begin, const int32_t* end, const int32_t* strides,
                                  int32_t spec_count, const tinyops_strided_slice_masks* masks,
                                  tinyops_strided_slice_params* params, int32_t* output_dims,
                                  int32_t* output_rank);

/* CONCATENATION: for each of outer_size blocks, input i contributes copy_bytes[i] bytes.
 * Values are copied unchanged, int8 included (TFLite Micro does not requantise). */
typedef struct {
  int32_t input_count;
  int32_t outer_size;
} tinyops_concatenation_params;

void tinyops_concatenation(const tinyops_concatenation_params* params, const int32_t* copy_bytes,
                           const void* const* inputs, void* output);

/* CAST: C conversion between element types (float to integer truncates toward zero and
 * saturates out of range; integer to integer wraps; to bool is "!= 0"). */
typedef enum {
  TINYOPS_TYPE_F32,
  TINYOPS_TYPE_S8,
  TINYOPS_TYPE_U8,
  TINYOPS_TYPE_S16,
  TINYOPS_TYPE_U16,
  TINYOPS_TYPE_S32,
  TINYOPS_TYPE_U32,
  TINYOPS_TYPE_S64,
  TINYOPS_TYPE_U64,
  TINYOPS_TYPE_BOOL
} tinyops_type;

void tinyops_cast(int32_t count, tinyops_type from, const void* input, tinyops_type to,
                  void* output);

/* MEAN over the dimensions with reduce[d] != 0. Output elements are in row-major order of
 * the kept dimensions (the same with or without keep_dims). Elements are summed in input
 * order, so float results match TFLite's reference bit for bit. */
typedef struct {
  int32_t rank;
  int32_t dims[TINYOPS_SHAPE_MAX_DIMS];
  int32_t reduce[TINYOPS_SHAPE_MAX_DIMS];
} tinyops_reduce_shape;

/* int8 MEAN (TFLite Micro's QuantizedMeanOrSum, whatever the quantisation of input and
 * output): out = (sum - input_zp * count) * multiplier * 2^(shift - 31) + output_zp,
 * rounded and clamped, with 1/count already folded into multiplier and shift. */
typedef struct {
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t multiplier;
  int32_t shift;
} tinyops_mean_params;

void tinyops_mean_s8(const tinyops_mean_params* params, const tinyops_reduce_shape* shape,
                     const int8_t* input, int8_t* output);
void tinyops_mean_f32(const tinyops_reduce_shape* shape, const float* input, float* output);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_SHAPE_OPS_H */
