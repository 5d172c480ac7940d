/* Shapes and quantisation blocks shared by the layer kernels of the C runtime.
 * Plain structs, so the C code generator can print them as static const initialisers. */
#ifndef TINYOPS_RUNTIME_TENSOR_SHAPE_H
#define TINYOPS_RUNTIME_TENSOR_SHAPE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A 4-D NHWC shape (activations) or OHWI/1HWO shape (filters). */
typedef struct {
  int32_t n;
  int32_t h;
  int32_t w;
  int32_t c;
} tinyops_dims4;

/* Fixed-point output multipliers, one per output channel (TFLite per-channel
 * requantisation): real scale = multiplier[c] * 2^(shift[c] - 31). */
typedef struct {
  const int32_t* multiplier;
  const int32_t* shift;
} tinyops_per_channel_quant;

/* Offset of element (n, y, x, c) in a dense NHWC buffer of shape d. */
static inline int32_t tinyops_offset4(const tinyops_dims4* d, int32_t n, int32_t y, int32_t x,
                                      int32_t c) {
  return ((n * d->h + y) * d->w + x) * d->c + c;
}

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_TENSOR_SHAPE_H */
