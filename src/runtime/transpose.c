/* TRANSPOSE on any element type: walks the output in order, gathering from the input
 * through the permuted strides. */
#include <string.h>

#include "tinyops/runtime/shape_ops.h"

void tinyops_transpose(const tinyops_transpose_params* params, const void* input, void* output) {
  const size_t size = (size_t)params->element_size;
  const unsigned char* in = (const unsigned char*)input;
  unsigned char* out = (unsigned char*)output;
  int32_t in_strides[TINYOPS_SHAPE_MAX_DIMS];
  int32_t out_dims[TINYOPS_SHAPE_MAX_DIMS];
  int32_t strides[TINYOPS_SHAPE_MAX_DIMS]; /* input stride of each output dimension */
  int32_t index[TINYOPS_SHAPE_MAX_DIMS];
  int32_t total = 1, offset = 0;
  int32_t d, i;
  for (d = params->rank - 1; d >= 0; --d) {
    in_strides[d] = total;
    total *= params->input_dims[d];
  }
  for (d = 0; d < params->rank; ++d) {
    out_dims[d] = params->input_dims[params->perm[d]];
    strides[d] = in_strides[params->perm[d]];
    index[d] = 0;
  }
  for (i = 0; i < total; ++i) {
    memcpy(out + (size_t)i * size, in + (size_t)offset * size, size);
    for (d = params->rank - 1; d >= 0; --d) {
      offset += strides[d];
      if (++index[d] < out_dims[d]) break;
      offset -= strides[d] * out_dims[d];
      index[d] = 0;
    }
  }
}
