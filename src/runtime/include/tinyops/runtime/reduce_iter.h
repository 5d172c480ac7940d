/* Walks a reduction: for each output element (row-major over the kept dimensions), the
 * input offsets of the elements it reduces, in increasing order. Used by MEAN kernels;
 * no scratch memory. */
#ifndef TINYOPS_RUNTIME_REDUCE_ITER_H
#define TINYOPS_RUNTIME_REDUCE_ITER_H

#include <stdint.h>

#include "tinyops/runtime/shape_ops.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int32_t kept_count, reduced_count;         /* number of kept / reduced dimensions */
  int32_t kept_dims[TINYOPS_SHAPE_MAX_DIMS]; /* sizes */
  int32_t kept_strides[TINYOPS_SHAPE_MAX_DIMS];
  int32_t reduced_dims[TINYOPS_SHAPE_MAX_DIMS];
  int32_t reduced_strides[TINYOPS_SHAPE_MAX_DIMS];
  int32_t outputs;    /* product of kept sizes */
  int32_t per_output; /* product of reduced sizes */
} tinyops_reduce_plan;

static inline void tinyops_reduce_plan_init(const tinyops_reduce_shape* s, tinyops_reduce_plan* p) {
  int32_t stride = 1, d;
  p->kept_count = 0;
  p->reduced_count = 0;
  p->outputs = 1;
  p->per_output = 1;
  /* Fill from the innermost dimension outwards, then reverse the lists. */
  for (d = s->rank - 1; d >= 0; --d) {
    if (s->reduce[d]) {
      p->reduced_dims[p->reduced_count] = s->dims[d];
      p->reduced_strides[p->reduced_count++] = stride;
      p->per_output *= s->dims[d];
    } else {
      p->kept_dims[p->kept_count] = s->dims[d];
      p->kept_strides[p->kept_count++] = stride;
      p->outputs *= s->dims[d];
    }
    stride *= s->dims[d];
  }
}

/* Input offset of the first element of output `o` (index 0 of every reduced dimension). */
static inline int32_t tinyops_reduce_base(const tinyops_reduce_plan* p, int32_t o) {
  int32_t offset = 0, k;
  for (k = 0; k < p->kept_count; ++k) {
    offset += (o % p->kept_dims[k]) * p->kept_strides[k];
    o /= p->kept_dims[k];
  }
  return offset;
}

/* Offset, relative to the base, of the r-th reduced element (row-major over the reduced
 * dimensions, which is increasing input order). */
static inline int32_t tinyops_reduce_step(const tinyops_reduce_plan* p, int32_t r) {
  int32_t offset = 0, k;
  for (k = 0; k < p->reduced_count; ++k) {
    offset += (r % p->reduced_dims[k]) * p->reduced_strides[k];
    r /= p->reduced_dims[k];
  }
  return offset;
}

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_REDUCE_ITER_H */
