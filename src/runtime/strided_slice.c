/* STRIDED_SLICE on any element type, after the host resolved begin/end/masks into a start,
 * stride and count per dimension. */
#include <stddef.h>
#include <string.h>

#include "tinyops/runtime/shape_ops.h"

/* Copies `count` elements `stride` elements apart; contiguous runs in one memcpy. */
static void copy_run(unsigned char* out, const unsigned char* in, size_t size, int32_t count,
                     int32_t stride) {
  int32_t i;
  if (stride == 1) {
    memcpy(out, in, size * (size_t)count);
    return;
  }
  for (i = 0; i < count; ++i) {
    const unsigned char* src = in + (ptrdiff_t)i * stride * (ptrdiff_t)size;
    switch (size) {
      case 1:
        out[i] = *src;
        break;
      case 2:
        memcpy(out + 2 * (size_t)i, src, 2);
        break;
      case 4:
        memcpy(out + 4 * (size_t)i, src, 4);
        break;
      default:
        memcpy(out + size * (size_t)i, src, size);
        break;
    }
  }
}

void tinyops_strided_slice(const tinyops_strided_slice_params* params, const void* input,
                           void* output) {
  const size_t size = (size_t)params->element_size;
  const int32_t last = params->rank - 1;
  const unsigned char* in = (const unsigned char*)input;
  unsigned char* out = (unsigned char*)output;
  int32_t in_strides[TINYOPS_SHAPE_MAX_DIMS];
  int32_t index[TINYOPS_SHAPE_MAX_DIMS];
  int32_t rows = 1, stride = 1, offset = 0;
  int32_t d, r;
  if (params->rank <= 0) { /* a scalar */
    memcpy(out, in, size);
    return;
  }
  for (d = last; d >= 0; --d) {
    in_strides[d] = stride;
    stride *= params->input_dims[d];
    if (d < last) rows *= params->count[d];
    index[d] = 0;
    offset += params->start[d] * in_strides[d];
  }
  if (params->count[last] == 0) return;
  /* One run along the last axis per combination of the other indices, in output order. */
  for (r = 0; r < rows; ++r) {
    copy_run(out, in + (ptrdiff_t)offset * (ptrdiff_t)size, size, params->count[last],
             params->stride[last]);
    out += size * (size_t)params->count[last];
    for (d = last - 1; d >= 0; --d) {
      const int32_t step = params->stride[d] * in_strides[d];
      offset += step;
      if (++index[d] < params->count[d]) break;
      offset -= step * params->count[d];
      index[d] = 0;
    }
  }
}

/* ---- host-side resolution of TFLite's slice specification ------------------------------ */

static int mask_bit(int32_t mask, int32_t i) {
  return i >= 0 && i < 31 && ((mask >> i) & 1);
}

static int32_t clamp_index(int32_t v, int32_t lo, int32_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

int tinyops_strided_slice_resolve(const int32_t* input_dims, int32_t input_rank,
                                  const int32_t* begin, const int32_t* end, const int32_t* strides,
                                  int32_t spec_count, const tinyops_strided_slice_masks* masks,
                                  tinyops_strided_slice_params* params, int32_t* output_dims,
                                  int32_t* output_rank) {
  int32_t new_axes = 0, effective_rank, i;
  int32_t ellipsis_start, expanded_ellipsis = 0, added_ellipsis = 0, added_axes = 0;
  uint32_t ellipsis_dims = 0, new_axis_dims = 0;

  /* New axes outside the ellipsis add dimensions of size 1. */
  for (i = 0; i < spec_count; ++i) {
    if (!mask_bit(masks->ellipsis_mask, i) && mask_bit(masks->new_axis_mask, i)) ++new_axes;
  }
  effective_rank = input_rank + new_axes;
  if (effective_rank > TINYOPS_SHAPE_MAX_DIMS) return -2;

  /* The ellipsis stands for as many full dimensions as the specification leaves out. */
  ellipsis_start = effective_rank;
  for (i = 0; i < effective_rank;) {
    if (mask_bit(masks->ellipsis_mask, i)) {
      int32_t ellipsis_end = i + 1 + new_axes + input_rank - spec_count;
      if (ellipsis_end > effective_rank) ellipsis_end = effective_rank;
      if (ellipsis_end < i + 1) ellipsis_end = i + 1;
      ellipsis_start = i;
      expanded_ellipsis = ellipsis_end - ellipsis_start - 1;
      for (; i < ellipsis_end; ++i) ellipsis_dims |= 1u << i;
      continue;
    }
    if (mask_bit(masks->new_axis_mask, i - expanded_ellipsis)) new_axis_dims |= 1u << i;
    ++i;
  }

  params->rank = effective_rank;
  *output_rank = 0;
  for (i = 0; i < effective_rank; ++i) {
    int32_t b = 0, e = 0, stride = 1, size;
    int begin_all = 0, end_all = 0, shrink = 0;
    int32_t start, stop, count;
    if (ellipsis_dims & (1u << i)) {
      added_ellipsis = i - ellipsis_start > 0 ? i - ellipsis_start : 0;
      begin_all = end_all = 1;
      size = input_dims[i - added_axes];
    } else if (new_axis_dims & (1u << i)) {
      e = 1;
      size = 1;
      ++added_axes;
    } else if (i >= spec_count + expanded_ellipsis) {
      begin_all = end_all = 1;
      size = input_dims[i - added_axes];
    } else {
      const int32_t k = i - added_ellipsis;
      b = begin[k];
      e = end[k];
      stride = strides[k];
      begin_all = mask_bit(masks->begin_mask, k);
      end_all = mask_bit(masks->end_mask, k);
      shrink = mask_bit(masks->shrink_axis_mask, k);
      size = input_dims[i - added_axes];
    }
    if (stride == 0) return -1;

    /* First index along the axis. */
    start = b < 0 ? b + size : b;
    start = stride > 0 ? clamp_index(start, 0, size) : clamp_index(start, -1, size - 1);
    if (begin_all) start = stride > 0 ? 0 : size - 1;
    /* One past the last index. A shrunk axis takes exactly the element at `start`, whatever
     * the stride's sign, and that element must exist: TFLite Micro's loop would read past
     * the dimension for an out-of-range index and copy nothing for a negative stride, both
     * leaving the output unwritten. */
    if (shrink) {
      /* The index itself, before clamping: TensorFlow rejects one outside the dimension. */
      if (!begin_all) start = b < 0 ? b + size : b;
      if (start < 0 || start >= size) return -3;
      stride = 1;
      stop = start + 1;
    } else {
      stop = masks->offset ? e + start : e;
      if (stop < 0) stop += size;
      stop = stride > 0 ? clamp_index(stop, 0, size) : clamp_index(stop, -1, size - 1);
      if (end_all) stop = stride > 0 ? size : -1;
    }
    /* ceil((stop - start) / stride), never negative. */
    count =
        stride > 0 ? (stop - start + stride - 1) / stride : (start - stop - stride - 1) / -stride;
    if (stop - start == 0 || (stride > 0) != (stop > start)) count = 0;

    params->input_dims[i] = size;
    params->start[i] = start;
    params->stride[i] = stride;
    params->count[i] = count;
    if (!shrink) output_dims[(*output_rank)++] = count;
  }
  return 0;
}
