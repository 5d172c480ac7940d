/* int8 CONV_2D with the Arm DSP extension: conv_s8.c's sums as a matrix product on SMLAD.
 *
 * Output pixels go in blocks of 3 (lanes: 3 pixels x 2 channels keep 6 accumulators, the
 * weight word, its two halves, an input word, 2 pointers and a count in the 14 registers). For each
 * lane, im2col writes the pixel's window (rows fy; in a row, fx then ic, padded to a multiple of 4
 * values) into the scratch as int16 with the input offset already added, and 0 for taps outside the
 * image: the reference skips those taps, and a zero term is the same sum. Each group of 4 values
 * (v0, v1, v2, v3) is stored as the pairs (v0, v2) and (v1, v3), which is what SXTB16 and
 * SXTB16 ROR #8 give from one word, and the lanes' pairs are interleaved, so one word of
 * weights meets the 3 lanes' words in a row. The filter comes re-laid-out at compile time in
 * output-channel pairs (A, B): per pair of positions (p, p + 1) the bytes
 * [A[p], B[p], A[p + 1], B[p + 1]], so SXTB16 gives A's two weights and SXTB16 ROR #8 B's.
 * The inner loop thus does 6 SMLADs (12 MACs: 3 pixels x 2 channels x 2 taps) per weight
 * word, which two SXTB16 expand. The requantisation is the reference's (dsp_requantize.h). */
#include <string.h>

#include "tinyops/runtime/dsp_intrinsics.h"
#include "tinyops/runtime/dsp_kernels.h"
#include "tinyops/runtime/dsp_requantize.h"
#include "tinyops/runtime/fixed_point.h"

enum { kLanes = 3 };

/* What im2col needs, computed once per call. */
typedef struct {
  const int8_t* input;
  int32_t in_h, in_w, depth, image_bytes, row_bytes_in; /* input geometry */
  int32_t stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w;
  int32_t filter_h, filter_w;
  int32_t row_bytes;  /* fw * c_in: one filter row's values */
  int32_t row_groups; /* groups of 4 values per padded filter row */
  int32_t last_x0;    /* the last window column whose filter rows can be read in place, or -1 */
  int32_t offset2;    /* the input offset in both int16 lanes */
  uint32_t pad4;      /* 4 bytes of the int8 value that the offset turns into 0 */
  int8_t* stage;      /* one padded filter row, for rows that touch the border */
} im2col_ctx;

/* groups x 4 int8 values -> int16 pairs + offset, at lane stride. */
static void expand_groups(int32_t* dst, const int8_t* src, int32_t groups, int32_t offset2) {
  for (; groups > 0; --groups) {
    const uint32_t w = tinyops_dsp_read32(src);
    src += 4;
    dst[0] = tinyops_sadd16(tinyops_sxtb16(w), offset2);
    dst[kLanes] = tinyops_sadd16(tinyops_sxtb16_ror8(w), offset2);
    dst += 2 * kLanes;
  }
}

static void zero_groups(int32_t* dst, int32_t groups) {
  for (; groups > 0; --groups) {
    dst[0] = 0;
    dst[kLanes] = 0;
    dst += 2 * kLanes;
  }
}

static void copy_bytes(int8_t* dst, const int8_t* src, int32_t n) {
  for (; n > 0; --n) *dst++ = *src++;
}

/* One filter row that touches the left or right border, staged with the pad value. */
static const int8_t* stage_row(const im2col_ctx* c, const int8_t* row, int32_t in_x0) {
  int32_t i;
  for (i = 0; i < c->row_groups; ++i) memcpy(c->stage + 4 * i, &c->pad4, 4);
  if (c->dilation_w == 1) {
    const int32_t lo = in_x0 < 0 ? 0 : in_x0;
    const int32_t end = in_x0 + c->filter_w < c->in_w ? in_x0 + c->filter_w : c->in_w;
    if (end > lo) {
      copy_bytes(c->stage + (lo - in_x0) * c->depth, row + lo * c->depth, (end - lo) * c->depth);
    }
  } else {
    int32_t fx;
    for (fx = 0; fx < c->filter_w; ++fx) {
      const int32_t in_x = in_x0 + fx * c->dilation_w;
      if (in_x >= 0 && in_x < c->in_w) {
        copy_bytes(c->stage + fx * c->depth, row + in_x * c->depth, c->depth);
      }
    }
  }
  return c->stage;
}

/* The window of output pixel (b, oy, ox) into one lane. */
static void im2col(const im2col_ctx* ctx, int32_t* lane, int32_t b, int32_t oy, int32_t ox) {
  const im2col_ctx c = *ctx; /* a local copy: the lane stores cannot alias it */
  const int32_t in_x0 = ox * c.stride_w - c.pad_w;
  /* A padded row (e.g. 9 values of a 3x3-channel window read as 12) reads a few bytes of the
   * next pixel in place; they meet zero weights, so only that they are inside the input row
   * matters. Otherwise the row is staged. */
  const int32_t inside = in_x0 >= 0 && in_x0 <= c.last_x0;
  const int8_t* image = c.input + b * c.image_bytes;
  const int32_t lane_step = 2 * kLanes * c.row_groups;
  int32_t in_y = oy * c.stride_h - c.pad_h, fy;
  for (fy = 0; fy < c.filter_h; ++fy, in_y += c.dilation_h, lane += lane_step) {
    if (in_y < 0 || in_y >= c.in_h) {
      zero_groups(lane, c.row_groups);
    } else {
      const int8_t* row = image + in_y * c.row_bytes_in;
      const int8_t* src = inside ? row + in_x0 * c.depth : stage_row(&c, row, in_x0);
      expand_groups(lane, src, c.row_groups, c.offset2);
    }
  }
}

size_t tinyops_conv2d_s8_dsp_scratch_size(const tinyops_dims4* filter_dims) {
  const int32_t row_values = tinyops_conv_dsp_row_values(filter_dims);
  /* the channel table, kLanes lanes of fh * row_values int16, then the staging row */
  return (size_t)filter_dims->n * sizeof(tinyops_dsp_channel) +
         (size_t)kLanes * (size_t)(filter_dims->h * row_values) * 2u + (size_t)row_values;
}

/* Where a block's outputs go and how they are clamped. */
typedef struct {
  int8_t* out;     /* lane 0, channel A */
  int32_t stride;  /* bytes from one lane's output to the next (c_out) */
  int32_t lanes;   /* lanes holding pixels (the last block may have fewer) */
  int32_t has_b;   /* channel B exists (c_out may be odd) */
  int32_t offset;  /* output zero point */
  int32_t act_min; /* activation clamp */
  int32_t act_max;
} block_out;

/* Requantises one accumulator: + zero point, then the activation clamp (act_min >= -128 and
 * act_max <= 127, so the full int8 range is one saturation). */
static inline int8_t output_value(int32_t acc, const tinyops_dsp_channel* c, int32_t offset,
                                  int32_t full_range, int32_t act_min, int32_t act_max) {
  const int32_t v = tinyops_dsp_requantize(acc, c) + offset;
  if (full_range) return (int8_t)tinyops_ssat8(v);
  return (int8_t)(v < act_min ? act_min : (v > act_max ? act_max : v));
}

/* TFLite's MultiplyByQuantizedMultiplier in full, out of line: the rare accumulators of an
 * unproven layer that the one-multiply form cannot take. */
TINYOPS_DSP_NOINLINE static int32_t requantize_64(int32_t acc, int32_t multiplier, int32_t shift) {
  return tinyops_multiply_by_quantized_multiplier(acc, multiplier, shift);
}

/* The same for any accumulator (dsp_requantize.h: checked per output). */
static inline int8_t exact_output_value(int32_t acc, const tinyops_dsp_channel* c, int32_t offset,
                                        int32_t act_min, int32_t act_max) {
  const int32_t v = tinyops_dsp_requantize_checked(acc, c, requantize_64) + offset;
  return (int8_t)(v < act_min ? act_min : (v > act_max ? act_max : v));
}

/* Stores one channel's lanes with the exact requantisation. */
static inline void store_channel_exact(const block_out* o, int32_t channel, int32_t a0, int32_t a1,
                                       int32_t a2, const tinyops_dsp_channel* ch) {
  const tinyops_dsp_channel c = *ch; /* local copies: the int8 stores cannot alias them */
  const int32_t offset = o->offset, act_min = o->act_min, act_max = o->act_max;
  const int32_t stride = o->stride, lanes = o->lanes;
  int8_t* out = o->out + channel;
  out[0] = exact_output_value(a0, &c, offset, act_min, act_max);
  if (lanes > 1) out[stride] = exact_output_value(a1, &c, offset, act_min, act_max);
  if (lanes > 2) out[2 * stride] = exact_output_value(a2, &c, offset, act_min, act_max);
}

/* Stores one channel's lanes. full_range is a constant at each call, so each copy has one
 * clamp. */
static inline void store_channel(const block_out* o, int32_t channel, int32_t a0, int32_t a1,
                                 int32_t a2, const tinyops_dsp_channel* ch, int32_t full_range) {
  const tinyops_dsp_channel c = *ch; /* local copies: the int8 stores cannot alias them */
  const int32_t offset = o->offset, act_min = o->act_min, act_max = o->act_max;
  const int32_t stride = o->stride, lanes = o->lanes;
  int8_t* out = o->out + channel;
  out[0] = output_value(a0, &c, offset, full_range, act_min, act_max);
  if (lanes > 1) out[stride] = output_value(a1, &c, offset, full_range, act_min, act_max);
  if (lanes > 2) out[2 * stride] = output_value(a2, &c, offset, full_range, act_min, act_max);
}

/* One window position pair: a weight word against the 3 lanes' words at x[i], x[i+1],
 * x[i+2], into accumulators a0..a2 (channel A) and b0..b2 (channel B). */
#define TINYOPS_CONV_STEP(wv, i)                \
  do {                                          \
    const int32_t wa = tinyops_sxtb16(wv);      \
    const int32_t wb = tinyops_sxtb16_ror8(wv); \
    int32_t xv = x[i];                          \
    a0 = tinyops_smlad(xv, wa, a0);             \
    b0 = tinyops_smlad(xv, wb, b0);             \
    xv = x[(i) + 1];                            \
    a1 = tinyops_smlad(xv, wa, a1);             \
    b1 = tinyops_smlad(xv, wb, b1);             \
    xv = x[(i) + 2];                            \
    a2 = tinyops_smlad(xv, wa, a2);             \
    b2 = tinyops_smlad(xv, wb, b2);             \
  } while (0)

/* The multiply-accumulates of one block over `pairs` window positions (a multiple of 2). A
 * macro, not a function: each block function keeps its accumulators in registers. */
#define TINYOPS_CONV_BLOCK_MACS()                       \
  do {                                                  \
    if (pairs & 2) {                                    \
      TINYOPS_CONV_STEP(tinyops_dsp_read32(w), 0);      \
      TINYOPS_CONV_STEP(tinyops_dsp_read32(w + 4), 3);  \
      w += 8;                                           \
      x += 2 * kLanes;                                  \
    }                                                   \
    for (n = pairs / 4; n > 0; --n) {                   \
      TINYOPS_CONV_STEP(tinyops_dsp_read32(w), 0);      \
      TINYOPS_CONV_STEP(tinyops_dsp_read32(w + 4), 3);  \
      TINYOPS_CONV_STEP(tinyops_dsp_read32(w + 8), 6);  \
      TINYOPS_CONV_STEP(tinyops_dsp_read32(w + 12), 9); \
      w += 16;                                          \
      x += 4 * kLanes;                                  \
    }                                                   \
  } while (0)

/* One block: 3 lanes x output channels A and B (ch[0], ch[1]) over `pairs` window positions
 * (a multiple of 2), requantised and stored. Its own function, so that the 6 accumulators,
 * the weight word and its halves, an input word, 2 pointers and the count get registers. */
TINYOPS_DSP_NOINLINE static void block_3x2(const int32_t* x, const int8_t* w, int32_t pairs,
                                           const tinyops_dsp_channel* ch, const block_out* o) {
  int32_t a0 = ch[0].bias, a1 = a0, a2 = a0;
  int32_t b0 = o->has_b ? ch[1].bias : 0, b1 = b0, b2 = b0;
  int32_t n;
  TINYOPS_CONV_BLOCK_MACS();
  if (o->act_min == -128 && o->act_max == 127) {
    store_channel(o, 0, a0, a1, a2, &ch[0], 1);
    if (o->has_b) store_channel(o, 1, b0, b1, b2, &ch[1], 1);
  } else {
    store_channel(o, 0, a0, a1, a2, &ch[0], 0);
    if (o->has_b) store_channel(o, 1, b0, b1, b2, &ch[1], 0);
  }
}

/* The same block for layers whose accumulator bound is not proven: each output checked and
 * requantised exactly (exact_output_value). A separate function so the fast one compiles
 * exactly as without it. */
TINYOPS_DSP_NOINLINE static void block_3x2_exact(const int32_t* x, const int8_t* w, int32_t pairs,
                                                 const tinyops_dsp_channel* ch,
                                                 const block_out* o) {
  int32_t a0 = ch[0].bias, a1 = a0, a2 = a0;
  int32_t b0 = o->has_b ? ch[1].bias : 0, b1 = b0, b2 = b0;
  int32_t n;
  TINYOPS_CONV_BLOCK_MACS();
  store_channel_exact(o, 0, a0, a1, a2, &ch[0]);
  if (o->has_b) store_channel_exact(o, 1, b0, b1, b2, &ch[1]);
}
#undef TINYOPS_CONV_BLOCK_MACS
#undef TINYOPS_CONV_STEP

static int32_t is_pointwise(const tinyops_conv_params* params, const tinyops_dims4* input_dims,
                            const tinyops_dims4* filter_dims, const tinyops_dims4* output_dims) {
  return filter_dims->h == 1 && filter_dims->w == 1 && params->stride_h == 1 &&
         params->stride_w == 1 && params->pad_h == 0 && params->pad_w == 0 &&
         (input_dims->c & 3) == 0 && input_dims->h == output_dims->h &&
         input_dims->w == output_dims->w && input_dims->n == output_dims->n;
}

/* A pointwise block expands its pixels' inputs into the lanes before it writes their
 * outputs, and the pixels it has not reached lie past its writes going forwards when
 * c_out <= c_in (pixel p's output ends at (p + 1) c_out, its successors' inputs start at
 * (p + 1) c_in) and before them going backwards otherwise. */
int32_t tinyops_conv2d_s8_dsp_in_place(const tinyops_conv_params* params,
                                       const tinyops_dims4* input_dims,
                                       const tinyops_dims4* filter_dims,
                                       const tinyops_dims4* output_dims) {
  return is_pointwise(params, input_dims, filter_dims, output_dims);
}

void tinyops_conv2d_s8_dsp(const tinyops_conv_params* params,
                           const tinyops_per_channel_quant* quant, const tinyops_dims4* input_dims,
                           const int8_t* input, const tinyops_dims4* filter_dims,
                           const int8_t* dsp_filter, const int32_t* bias,
                           const tinyops_dims4* output_dims, int8_t* output, int32_t* scratch,
                           int32_t exact_requantize) {
  const int32_t row_values = tinyops_conv_dsp_row_values(filter_dims);
  const int32_t pairs = filter_dims->h * row_values / 2; /* even: row_values % 4 == 0 */
  const int32_t c_out = output_dims->c;
  const int32_t total = output_dims->n * output_dims->h * output_dims->w;
  tinyops_dsp_channel* channels = (tinyops_dsp_channel*)scratch;
  int32_t* lanes = scratch + c_out * (int32_t)(sizeof(tinyops_dsp_channel) / 4);
  block_out o;
  im2col_ctx ctx;
  const int32_t blocks = (total + kLanes - 1) / kLanes;
  int32_t block, oc, b = 0, oy = 0, ox = 0, pointwise, backwards;
  o.stride = c_out;
  o.offset = params->output_offset;
  o.act_min = params->act_min;
  o.act_max = params->act_max;
  ctx.input = input;
  ctx.in_h = input_dims->h;
  ctx.in_w = input_dims->w;
  ctx.depth = input_dims->c;
  ctx.row_bytes_in = input_dims->w * input_dims->c;
  ctx.image_bytes = input_dims->h * ctx.row_bytes_in;
  ctx.stride_h = params->stride_h;
  ctx.stride_w = params->stride_w;
  ctx.dilation_h = params->dilation_h;
  ctx.dilation_w = params->dilation_w;
  ctx.pad_h = params->pad_h;
  ctx.pad_w = params->pad_w;
  ctx.filter_h = filter_dims->h;
  ctx.filter_w = filter_dims->w;
  ctx.row_bytes = filter_dims->w * filter_dims->c;
  ctx.row_groups = row_values / 4;
  /* In place: no dilation along the width and (in_x0 + fw) * c_in + padding <= in_w * c_in,
   * in whole pixels. */
  ctx.last_x0 = params->dilation_w == 1
                    ? input_dims->w - filter_dims->w -
                          (row_values - ctx.row_bytes + input_dims->c - 1) / input_dims->c
                    : -1;
  ctx.offset2 = tinyops_dsp_pack16(params->input_offset, params->input_offset);
  ctx.pad4 = 0x01010101u * (uint8_t)(int8_t)(-params->input_offset);
  ctx.stage = (int8_t*)(lanes + kLanes * pairs);
  for (oc = 0; oc < c_out; ++oc) {
    channels[oc] =
        tinyops_dsp_channel_of(bias != 0 ? bias[oc] : 0, quant->multiplier[oc], quant->shift[oc]);
  }

  /* A 1x1 filter with stride 1 and no padding over whole words of channels: no im2col
   * bookkeeping (it costs ~50 instructions per pixel, as much as a 16-channel dot product).
   * Its blocks go backwards when the output is wider than the input, so that it may write
   * over its input (tinyops_conv2d_s8_dsp_in_place). */
  pointwise = is_pointwise(params, input_dims, filter_dims, output_dims);
  backwards = pointwise && c_out > input_dims->c;
  for (block = 0; block < blocks; ++block) {
    const int32_t pix = kLanes * (backwards ? blocks - 1 - block : block);
    const int32_t count = total - pix < kLanes ? total - pix : kLanes;
    const int8_t* w = dsp_filter;
    int32_t lane;
    if (pointwise) {
      /* Output pixel p's window is input pixel p's channels, whole words in place. */
      for (lane = 0; lane < kLanes; ++lane) {
        if (lane < count) {
          expand_groups(lanes + lane, input + (pix + lane) * ctx.depth, ctx.row_groups,
                        ctx.offset2);
        } else {
          zero_groups(lanes + lane, pairs / 2);
        }
      }
    } else {
      for (lane = 0; lane < kLanes; ++lane) {
        if (lane < count) {
          im2col(&ctx, lanes + lane, b, oy, ox);
          if (++ox == output_dims->w) {
            ox = 0;
            if (++oy == output_dims->h) {
              oy = 0;
              ++b;
            }
          }
        } else {
          zero_groups(lanes + lane, pairs / 2);
        }
      }
    }
    o.out = output + pix * c_out;
    o.lanes = count;
    /* Two loops rather than a choice per block (the check costs instructions per block). */
    if (exact_requantize) {
      for (oc = 0; oc < c_out; oc += 2) {
        o.has_b = oc + 1 < c_out;
        block_3x2_exact(lanes, w, pairs, channels + oc, &o);
        w += 4 * pairs;
        o.out += 2;
      }
    } else {
      for (oc = 0; oc < c_out; oc += 2) {
        o.has_b = oc + 1 < c_out;
        block_3x2(lanes, w, pairs, channels + oc, &o);
        w += 4 * pairs;
        o.out += 2;
      }
    }
  }
}
