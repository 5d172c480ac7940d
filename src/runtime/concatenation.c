/* CONCATENATION on any element type: per outer block, each input's slab in turn. */
#include <string.h>

#include "tinyops/runtime/shape_ops.h"

void tinyops_concatenation(const tinyops_concatenation_params* params, const int32_t* copy_bytes,
                           const void* const* inputs, void* output) {
  unsigned char* out = (unsigned char*)output;
  int32_t k, i;
  for (k = 0; k < params->outer_size; ++k) {
    for (i = 0; i < params->input_count; ++i) {
      const size_t n = (size_t)copy_bytes[i];
      memcpy(out, (const unsigned char*)inputs[i] + (size_t)k * n, n);
      out += n;
    }
  }
}
