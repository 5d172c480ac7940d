/* RESHAPE and SQUEEZE: a plain copy of the bytes (nothing when the buffers alias). */
#include <string.h>

#include "tinyops/runtime/shape_ops.h"

void tinyops_reshape(size_t bytes, const void* input, void* output) {
  if (input != output && bytes > 0) memmove(output, input, bytes);
}
