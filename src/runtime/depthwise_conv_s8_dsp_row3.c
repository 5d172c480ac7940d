/* int8 DEPTHWISE_CONV_2D (depth multiplier 1) with the Arm DSP extension, for filters 3
 * taps wide with stride 1 and no dilation along the width (3x3 in MobileNet-style and
 * keyword-spotting networks): the sums of depthwise_conv_s8.c, 6 MACs per 4 instructions.
 *
 * Input rows are transposed into a band in the scratch: for each channel, each pair of
 * columns (x, x + 1) is one word of two int16 with the input offset added (0 outside the
 * image, where the reference skips the tap), laid out [group of 4 channels][column pair]
 * [slot][channel in group], so a channel's filter rows are 4 words apart. Each input row is written to slots y % fh and y % fh + fh, so the
 * rows of any window are fh consecutive slots (a doubled ring: one new row per output row
 * at stride 1). A pair of output pixels (A at column x, B at x + 1) then needs, per filter
 * row with weights (w0, w1, w2), the words d0 = (x0, x1) and d1 = (x2, x3):
 *   A += SMLAD(d0, (w0, w1)) + SMLABB(d1, (w2, w1))     x0 w0 + x1 w1 + x2 w2
 *   B += SMLATB(d0, (w0, w1)) + SMLADX(d1, (w2, w1))    x1 w0 + x2 w1 + x3 w2
 * With 3 filter rows the 6 weight words stay in registers while a channel's row of output
 * pixels is computed; its accumulators are then requantised with the channel's constants
 * in registers. The weight words and the channels' requantisation constants (bias included)
 * come ready from compile time (tinyops_depthwise_conv2d_s8_dsp_row3_weights and
 * tinyops_dsp_channel_of), in flash, so the scratch holds the band only. */
#include "tinyops/runtime/dsp_intrinsics.h"
#include "tinyops/runtime/dsp_kernels.h"
#include "tinyops/runtime/dsp_requantize.h"
#include "tinyops/runtime/dsp_row_band.h"

/* Where the scratch's parts start, in words. */
typedef struct {
  int32_t pixel_pairs; /* output pixel pairs per row */
  int32_t column_pairs; /* band column pairs per channel: pixel_pairs + 1 */
  int32_t tags, acc, pad, band, total;
} row3_layout;

/* For one pass over `c` channels (all of them, or a multiple of 4). */
static row3_layout layout_of(int32_t c, const tinyops_dims4* fd, const tinyops_dims4* out) {
  row3_layout l;
  const int32_t fh = fd->h;
  l.pixel_pairs = (out->w + 1) / 2;
  l.column_pairs = l.pixel_pairs + 1;
  l.tags = 0;
  l.acc = l.tags + fh;
  l.pad = l.acc + 2 * l.pixel_pairs;
  l.band = l.pad + (c + 3) / 4;
  l.total = l.band + (c + 3) / 4 * 4 * l.column_pairs * 2 * fh;
  return l;
}

/* Channels per pass: all of them, else a multiple of 4. */
static int32_t pass_of(const tinyops_dims4* in, int32_t pass_channels) {
  return pass_channels <= 0 || pass_channels >= in->c ? in->c : (pass_channels + 3) & ~3;
}

size_t tinyops_depthwise_conv2d_s8_dsp_row3_scratch_size(const tinyops_dims4* input_dims,
                                                         const tinyops_dims4* filter_dims,
                                                         const tinyops_dims4* output_dims,
                                                         int32_t pass_channels) {
  return 4u * (size_t)layout_of(pass_of(input_dims, pass_channels), filter_dims, output_dims).total;
}

int32_t tinyops_depthwise_conv2d_s8_dsp_row3_pass_channels(const tinyops_dims4* input_dims,
                                                           const tinyops_dims4* filter_dims,
                                                           const tinyops_dims4* output_dims,
                                                           size_t scratch_budget) {
  int32_t pass = input_dims->c;
  while (pass > 4 &&
         tinyops_depthwise_conv2d_s8_dsp_row3_scratch_size(input_dims, filter_dims, output_dims,
                                                           pass) > scratch_budget) {
    pass = (pass - 1) & ~3; /* the next multiple of 4 below */
  }
  return pass;
}

/* Channels [c0, c0 + n) of input row y (or zeros) into ring slots k and k + fh:
 * band[group][column pair][slot][4]. */
static void transpose_row(int32_t* band, int32_t k, const int8_t* input, const tinyops_dims4* in,
                          int32_t c0, int32_t n, int32_t b, int32_t y, int32_t pad_w,
                          int32_t column_pairs, int32_t fh, const int8_t* pad, int32_t offset2) {
  const int32_t pair_words = 2 * fh * 4, group_words = column_pairs * pair_words;
  const int32_t inside = y >= 0 && y < in->h;
  int32_t p, c;
  for (p = 0; p < column_pairs; ++p) {
    const int32_t x0 = 2 * p - pad_w, x1 = x0 + 1;
    const int8_t* s0 =
        inside && x0 >= 0 && x0 < in->w ? input + tinyops_offset4(in, b, y, x0, c0) : pad;
    const int8_t* s1 =
        inside && x1 >= 0 && x1 < in->w ? input + tinyops_offset4(in, b, y, x1, c0) : pad;
    int32_t* dst = band + p * pair_words + 4 * k;
    for (c = 0; c + 4 <= n; c += 4, dst += group_words) {
      const uint32_t va = tinyops_dsp_read32(s0 + c), vb = tinyops_dsp_read32(s1 + c);
      const int32_t a02 = tinyops_sadd16(tinyops_sxtb16(va), offset2);
      const int32_t a13 = tinyops_sadd16(tinyops_sxtb16_ror8(va), offset2);
      const int32_t b02 = tinyops_sadd16(tinyops_sxtb16(vb), offset2);
      const int32_t b13 = tinyops_sadd16(tinyops_sxtb16_ror8(vb), offset2);
      const int32_t w0 = tinyops_pkhbt(a02, b02), w1 = tinyops_pkhbt(a13, b13);
      const int32_t w2 = tinyops_pkhtb(b02, a02), w3 = tinyops_pkhtb(b13, a13);
      dst[0] = w0;
      dst[1] = w1;
      dst[2] = w2;
      dst[3] = w3;
      dst[4 * fh] = w0;
      dst[4 * fh + 1] = w1;
      dst[4 * fh + 2] = w2;
      dst[4 * fh + 3] = w3;
    }
    for (; c < n; ++c) {
      const int32_t offset = tinyops_dsp_lo(offset2);
      dst[c % 4] = dst[4 * fh + c % 4] = tinyops_dsp_pack16(s0[c] + offset, s1[c] + offset);
    }
  }
}

/* One output row: where it goes and how it is clamped. */
typedef struct {
  int32_t channels;     /* channels of this pass */
  int32_t stride;       /* bytes between output pixels: all channels */
  int32_t pairs;        /* output pixel pairs */
  int32_t width;        /* output pixels */
  int32_t group_words;  /* band words per group of 4 channels */
  int32_t offset;       /* output zero point */
  int32_t act_min;      /* activation clamp */
  int32_t act_max;
} row_out;

/* Requantises one channel's row of accumulators into out. */
static inline void store_row(int8_t* out, const int32_t* acc, const tinyops_dsp_channel* channel,
                             const row_out* o) {
  const tinyops_dsp_channel c = *channel; /* local copies: the int8 stores cannot alias them */
  const int32_t offset = o->offset, act_min = o->act_min, act_max = o->act_max;
  const int32_t stride = o->stride;
  int32_t n = o->width;
  if (act_min == -128 && act_max == 127) {
    for (; n > 0; --n, out += stride) {
      *out = (int8_t)tinyops_ssat8(tinyops_dsp_requantize(*acc++, &c) + offset);
    }
  } else {
    for (; n > 0; --n, out += stride) {
      const int32_t v = tinyops_dsp_requantize(*acc++, &c) + offset;
      *out = (int8_t)(v < act_min ? act_min : (v > act_max ? act_max : v));
    }
  }
}

/* One output row, all channels, 3 filter rows. For channel c, band points at its lane of the
 * window's first slot: rows 4 words apart, column pairs 24 words apart. w holds (w0, w1),
 * (w2, w1) per filter row and channel. */
TINYOPS_DSP_NOINLINE static void output_row3(const int32_t* band, const int32_t* w,
                                             const tinyops_dsp_channel* channel, int32_t* acc,
                                             int8_t* out, const row_out* o) {
  int32_t c;
  for (c = 0; c < o->channels; ++c, w += 6, ++out) {
    const int32_t u0 = w[0], y0 = w[1], u1 = w[2], y1 = w[3], u2 = w[4], y2 = w[5];
    const int32_t bias = channel[c].bias;
    const int32_t* p = band + (c / 4) * o->group_words + c % 4;
    int32_t* a_out = acc;
    int32_t pairs;
    for (pairs = o->pairs; pairs > 0; --pairs, p += 24, a_out += 2) {
      int32_t a = bias, b = bias, d0, d1;
      d0 = p[0];
      d1 = p[24];
      a = tinyops_smlad(d0, u0, a);
      b = tinyops_smlatb(d0, u0, b);
      a = tinyops_smlabb(d1, y0, a);
      b = tinyops_smladx(d1, y0, b);
      d0 = p[4];
      d1 = p[28];
      a = tinyops_smlad(d0, u1, a);
      b = tinyops_smlatb(d0, u1, b);
      a = tinyops_smlabb(d1, y1, a);
      b = tinyops_smladx(d1, y1, b);
      d0 = p[8];
      d1 = p[32];
      a = tinyops_smlad(d0, u2, a);
      b = tinyops_smlatb(d0, u2, b);
      a = tinyops_smlabb(d1, y2, a);
      b = tinyops_smladx(d1, y2, b);
      a_out[0] = a;
      a_out[1] = b;
    }
    store_row(out, acc, &channel[c], o);
  }
}

/* The same for any number of filter rows, reading the weights as it goes. */
TINYOPS_DSP_NOINLINE static void output_row(const int32_t* band, const int32_t* w, int32_t fh,
                                            const tinyops_dsp_channel* channel, int32_t* acc,
                                            int8_t* out, const row_out* o) {
  const int32_t step = 2 * fh * 4;
  int32_t c;
  for (c = 0; c < o->channels; ++c, w += 2 * fh, ++out) {
    const int32_t bias = channel[c].bias;
    const int32_t* p = band + (c / 4) * o->group_words + c % 4;
    int32_t* a_out = acc;
    int32_t pairs;
    for (pairs = o->pairs; pairs > 0; --pairs, p += step, a_out += 2) {
      int32_t a = bias, b = bias, r;
      for (r = 0; r < fh; ++r) {
        const int32_t d0 = p[4 * r], d1 = p[step + 4 * r], u = w[2 * r], v = w[2 * r + 1];
        a = tinyops_smlad(d0, u, a);
        b = tinyops_smlatb(d0, u, b);
        a = tinyops_smlabb(d1, v, a);
        b = tinyops_smladx(d1, v, b);
      }
      a_out[0] = a;
      a_out[1] = b;
    }
    store_row(out, acc, &channel[c], o);
  }
}

int32_t tinyops_depthwise_conv2d_s8_dsp_row3_in_place(const tinyops_depthwise_conv_params* params,
                                                      const tinyops_dims4* input_dims,
                                                      const tinyops_dims4* filter_dims,
                                                      const tinyops_dims4* output_dims) {
  return output_dims->c == input_dims->c &&
         tinyops_dsp_band_allows_in_place(input_dims, output_dims, filter_dims->h,
                                          params->stride_h, params->pad_h, params->dilation_h,
                                          params->dilation_h == 1, 1);
}

size_t tinyops_depthwise_conv2d_s8_dsp_row3_weights_size(const tinyops_dims4* filter_dims) {
  return 4u * 2u * (size_t)filter_dims->h * (size_t)filter_dims->c;
}

/* Per channel and filter row (w0, w1, w2): the words (w0, w1) and (w2, w1). */
void tinyops_depthwise_conv2d_s8_dsp_row3_weights(const tinyops_dims4* filter_dims,
                                                  const int8_t* filter, int32_t* out) {
  const int32_t fh = filter_dims->h, depth = filter_dims->c;
  int32_t c, fy;
  for (c = 0; c < depth; ++c) {
    for (fy = 0; fy < fh; ++fy) {
      const int8_t* w = filter + tinyops_offset4(filter_dims, 0, fy, 0, c);
      out[(c * fh + fy) * 2] = tinyops_dsp_pack16(w[0], w[depth]);
      out[(c * fh + fy) * 2 + 1] = tinyops_dsp_pack16(w[2 * depth], w[depth]);
    }
  }
}

void tinyops_depthwise_conv2d_s8_dsp_row3(const tinyops_depthwise_conv_params* params,
                                          const tinyops_dims4* input_dims, const int8_t* input,
                                          const tinyops_dims4* filter_dims, const int32_t* weights,
                                          const tinyops_dsp_channel* channels,
                                          const tinyops_dims4* output_dims, int8_t* output,
                                          int32_t* scratch, int32_t pass_channels) {
  const int32_t fh = filter_dims->h, depth = input_dims->c;
  const int32_t pass = pass_of(input_dims, pass_channels);
  const row3_layout l = layout_of(pass, filter_dims, output_dims);
  const int32_t offset2 = tinyops_dsp_pack16(params->input_offset, params->input_offset);
  /* With dilation 1 the window's rows are consecutive: keep them in the doubled ring.
   * Otherwise slot fy holds filter row fy's input row, rebuilt when it changes. */
  const int32_t rolling = params->dilation_h == 1;
  int32_t* tags = scratch + l.tags;
  int32_t* acc = scratch + l.acc;
  int8_t* pad = (int8_t*)(scratch + l.pad);
  int32_t* band = scratch + l.band;
  row_out o;
  int32_t c0, c, fy, b, oy;
  o.stride = depth;
  o.pairs = l.pixel_pairs;
  o.width = output_dims->w;
  o.group_words = l.column_pairs * 2 * fh * 4;
  o.offset = params->output_offset;
  o.act_min = params->act_min;
  o.act_max = params->act_max;
  for (c = 0; c < pass; ++c) pad[c] = (int8_t)(-params->input_offset);

  /* Channels are independent, so they go in passes of `pass` channels, each with the band,
   * weights and constants of its channels only: the scratch is sized for one pass. */
  for (c0 = 0; c0 < depth; c0 += pass) {
    const int32_t n = depth - c0 < pass ? depth - c0 : pass;
    const int32_t* pass_weights = weights + c0 * fh * 2;
    const tinyops_dsp_channel* pass_channels_of = channels + c0;
    o.channels = n;
    for (fy = 0; fy < fh; ++fy) tags[fy] = INT32_MIN;

    for (b = 0; b < output_dims->n; ++b) {
      for (oy = 0; oy < output_dims->h; ++oy) {
        const int32_t y0 = oy * params->stride_h - params->pad_h;
        const int32_t first = rolling ? ((y0 % fh) + fh) % fh : 0;
        int8_t* out = output + tinyops_offset4(output_dims, b, oy, 0, c0);
        for (fy = 0; fy < fh; ++fy) {
          const int32_t y = y0 + fy * params->dilation_h;
          const int32_t k = rolling ? ((y % fh) + fh) % fh : fy;
          /* All rows outside the image are the same zero row. */
          const int32_t tag = y >= 0 && y < input_dims->h ? b * input_dims->h + y : -1;
          if (tags[k] != tag) {
            transpose_row(band, k, input, input_dims, c0, n, b, y, params->pad_w, l.column_pairs,
                          fh, pad, offset2);
            tags[k] = tag;
          }
        }
        if (fh == 3) {
          output_row3(band + 4 * first, pass_weights, pass_channels_of, acc, out, &o);
        } else {
          output_row(band + 4 * first, pass_weights, fh, pass_channels_of, acc, out, &o);
        }
      }
    }
  }
}
