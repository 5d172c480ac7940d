/* PAD on any element type. The trailing dimensions that are not padded form one contiguous
 * block, identical in input and output, so the kernel copies whole blocks with memcpy and
 * fills the padding with memset (or by doubling copies of the pad value) instead of visiting
 * elements one by one: on a Cortex-M4 that is about 0.3 instructions per byte instead of ~90,
 * which matters for image models that pad every strided depthwise layer (mcunet_vww_int8). */
#include <string.h>

#include "tinyops/runtime/shape_ops.h"

/* Fills `count` elements at out with the pad value. */
static void pad_fill(unsigned char* out, size_t count, const unsigned char* value, size_t size) {
  size_t done, i;
  int uniform = 1;
  if (count == 0) return;
  for (i = 1; i < size; ++i) uniform &= value[i] == value[0];
  if (uniform) {
    memset(out, value[0], count * size);
    return;
  }
  memcpy(out, value, size);
  for (done = 1; done < count;) {
    const size_t n = done <= count - done ? done : count - done;
    memcpy(out + done * size, out, n * size);
    done += n;
  }
}

typedef struct {
  const tinyops_pad_params* params;
  const unsigned char* pad_value;
  size_t size;                               /* element bytes */
  int32_t last;                              /* the innermost padded dimension */
  size_t block;                              /* elements of one index of `last`'s tail */
  size_t in_stride[TINYOPS_SHAPE_MAX_DIMS];  /* elements per index, input */
  size_t out_stride[TINYOPS_SHAPE_MAX_DIMS]; /* elements per index, output */
} pad_walk;

/* Writes the output slab of dimension d from the input slab (depth <= rank, so bounded). */
static void pad_dim(const pad_walk* w, int32_t d, const unsigned char* in, unsigned char* out) {
  const tinyops_pad_params* p = w->params;
  const size_t size = w->size;
  int32_t i;
  if (d == w->last) {
    const size_t n = (size_t)p->input_dims[d] * w->block;
    pad_fill(out, (size_t)p->before[d] * w->block, w->pad_value, size);
    out += (size_t)p->before[d] * w->block * size;
    memcpy(out, in, n * size);
    pad_fill(out + n * size, (size_t)p->after[d] * w->block, w->pad_value, size);
    return;
  }
  pad_fill(out, (size_t)p->before[d] * w->out_stride[d], w->pad_value, size);
  out += (size_t)p->before[d] * w->out_stride[d] * size;
  for (i = 0; i < p->input_dims[d]; ++i) {
    pad_dim(w, d + 1, in + (size_t)i * w->in_stride[d] * size,
            out + (size_t)i * w->out_stride[d] * size);
  }
  out += (size_t)p->input_dims[d] * w->out_stride[d] * size;
  pad_fill(out, (size_t)p->after[d] * w->out_stride[d], w->pad_value, size);
}

void tinyops_pad(const tinyops_pad_params* params, const void* input, const void* pad_value,
                 void* output) {
  pad_walk w;
  size_t in_elements = 1, out_elements = 1;
  int32_t d;
  w.params = params;
  w.pad_value = (const unsigned char*)pad_value;
  w.size = (size_t)params->element_size;
  w.last = -1;
  w.block = 1;
  for (d = params->rank - 1; d >= 0; --d) {
    w.in_stride[d] = in_elements;
    w.out_stride[d] = out_elements;
    in_elements *= (size_t)params->input_dims[d];
    out_elements *= (size_t)(params->before[d] + params->input_dims[d] + params->after[d]);
    if (w.last < 0 && (params->before[d] != 0 || params->after[d] != 0)) {
      w.last = d;
      w.block = w.in_stride[d];
    }
  }
  if (in_elements == 0) {
    /* An empty input (whose buffer may be NULL): the output is all padding. */
    pad_fill((unsigned char*)output, out_elements, w.pad_value, w.size);
    return;
  }
  if (w.last < 0) {
    memcpy(output, input, in_elements * w.size);
    return;
  }
  pad_dim(&w, 0, (const unsigned char*)input, (unsigned char*)output);
}
