/* PAD on any element type: walks the output in order, copying input elements and
 * writing the pad value around them. */
#include <string.h>

#include "tinyops/runtime/shape_ops.h"

void tinyops_pad(const tinyops_pad_params* params, const void* input, const void* pad_value,
                 void* output) {
  const size_t size = (size_t)params->element_size;
  const unsigned char* in = (const unsigned char*)input;
  unsigned char* out = (unsigned char*)output;
  int32_t out_dims[TINYOPS_SHAPE_MAX_DIMS];
  int32_t index[TINYOPS_SHAPE_MAX_DIMS];
  int32_t total = 1;
  int32_t d, i;
  for (d = 0; d < params->rank; ++d) {
    out_dims[d] = params->before[d] + params->input_dims[d] + params->after[d];
    index[d] = 0;
    total *= out_dims[d];
  }
  for (i = 0; i < total; ++i) {
    int32_t offset = 0;
    int inside = 1;
    for (d = 0; d < params->rank; ++d) {
      const int32_t x = index[d] - params->before[d];
      if (x < 0 || x >= params->input_dims[d]) {
        inside = 0;
        break;
      }
      offset = offset * params->input_dims[d] + x;
    }
    memcpy(out + (size_t)i * size,
           inside ? in + (size_t)offset * size : (const unsigned char*)pad_value, size);
    for (d = params->rank - 1; d >= 0; --d) {
      if (++index[d] < out_dims[d]) break;
      index[d] = 0;
    }
  }
}
