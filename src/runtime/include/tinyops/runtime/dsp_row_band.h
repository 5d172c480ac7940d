/* Whether a depthwise DSP kernel may write its output over its input (dsp_kernels.h,
 * *_in_place). Both depthwise kernels copy each input row they need into a band of fh row
 * slots in their scratch before they compute the output row that first reads it, and write
 * output rows in order; a row is copied again from the input when its slot was taken in the
 * meantime. Writing over the input is safe exactly when no row is copied from the input
 * after an output row has overwritten any of its bytes, which this replays row by row with
 * the kernel's slot choice: slot y mod fh when `rolling` (the window's rows then take
 * different slots), else slot fy; rows outside the image take a slot (as a zero row) only
 * when `zero_rows_take_slots`. */
#ifndef TINYOPS_RUNTIME_DSP_ROW_BAND_H
#define TINYOPS_RUNTIME_DSP_ROW_BAND_H

#include <stdint.h>

#include "tinyops/runtime/tensor_shape.h"

enum { TINYOPS_DSP_BAND_MAX_ROWS = 16 }; /* taller filters are never run in place */

static inline int32_t tinyops_dsp_band_allows_in_place(const tinyops_dims4* in,
                                                       const tinyops_dims4* out, int32_t fh,
                                                       int32_t stride_h, int32_t pad_h,
                                                       int32_t dilation_h, int32_t rolling,
                                                       int32_t zero_rows_take_slots) {
  const int64_t in_row = (int64_t)in->w * in->c, out_row = (int64_t)out->w * out->c;
  int64_t written = 0; /* output bytes written so far, from the shared first byte */
  int32_t tags[TINYOPS_DSP_BAND_MAX_ROWS];
  int32_t i, b, oy, fy;
  if (fh < 1 || fh > TINYOPS_DSP_BAND_MAX_ROWS || out->n != in->n) return 0;
  for (i = 0; i < fh; ++i) tags[i] = INT32_MIN;
  for (b = 0; b < out->n; ++b) {
    for (oy = 0; oy < out->h; ++oy, written += out_row) {
      for (fy = 0; fy < fh; ++fy) {
        const int32_t y = oy * stride_h - pad_h + fy * dilation_h;
        const int32_t slot = rolling ? ((y % fh) + fh) % fh : fy;
        const int32_t inside = y >= 0 && y < in->h;
        const int32_t tag = inside ? b * in->h + y : -1;
        if (!inside && !zero_rows_take_slots) continue;
        if (tags[slot] == tag) continue;
        if (inside && (int64_t)tag * in_row < written) return 0;
        tags[slot] = tag;
      }
    }
  }
  return 1;
}

#endif /* TINYOPS_RUNTIME_DSP_ROW_BAND_H */
