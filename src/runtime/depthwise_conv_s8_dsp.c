/* int8 DEPTHWISE_CONV_2D (depth multiplier 1) with the Arm DSP extension: the sums of
 * depthwise_conv_s8.c on 16-bit multiply-accumulates, 4 channels at a time.
 *
 * Input rows are expanded once into a band of filter_h row slots in the scratch: int16 with
 * the input offset added, columns padded with zeros on both sides (a padded tap then adds
 * 0, as the reference's skipped tap does), and stored per group of 4 channels as the pairs
 * (c0, c2), (c1, c3) that SXTB16 and SXTB16 ROR #8 make of one word. A slot holds input
 * row y at slot y % filter_h (when that is one-to-one over a window's rows), so with stride
 * 1 each output row expands one new input row; rows outside the image read a zero row. The weights,
 * laid out at compile time as [group][fy][fx][4 channels], are expanded the same way once per call.
 * Each tap of a group is then two 64-bit loads and four SMLABB/SMLATT. */
#include "tinyops/runtime/dsp_intrinsics.h"
#include "tinyops/runtime/dsp_kernels.h"
#include "tinyops/runtime/dsp_requantize.h"
#include "tinyops/runtime/dsp_row_band.h"

/* Columns of a band row: every column any output pixel's window reads. */
static int32_t band_width(const tinyops_depthwise_conv_params* p, const tinyops_dims4* fd,
                          const tinyops_dims4* out) {
  return (out->w - 1) * p->stride_w + (fd->w - 1) * p->dilation_w + 1;
}

/* Scratch words: channel table (groups * 4 entries), slot tags, the window's slots,
 * expanded weights, a zero row for rows outside the image, then the band. */
static int32_t scratch_words(int32_t fh, int32_t fw, int32_t groups, int32_t width) {
  return groups * 4 * (int32_t)(sizeof(tinyops_dsp_channel) / 4) + 2 * fh + groups * fh * fw * 2 +
         (fh + 1) * groups * width * 2;
}

/* Channels per pass: all of them, else a multiple of 4. */
static int32_t pass_of(const tinyops_dims4* in, int32_t pass_channels) {
  return pass_channels <= 0 || pass_channels >= in->c ? in->c : (pass_channels + 3) & ~3;
}

size_t tinyops_depthwise_conv2d_s8_dsp_scratch_size(const tinyops_depthwise_conv_params* params,
                                                    const tinyops_dims4* input_dims,
                                                    const tinyops_dims4* filter_dims,
                                                    const tinyops_dims4* output_dims,
                                                    int32_t pass_channels) {
  return 4u * (size_t)scratch_words(
                  filter_dims->h, filter_dims->w,
                  tinyops_depthwise_dsp_groups(pass_of(input_dims, pass_channels)),
                  band_width(params, filter_dims, output_dims));
}

int32_t tinyops_depthwise_conv2d_s8_dsp_pass_channels(const tinyops_depthwise_conv_params* params,
                                                      const tinyops_dims4* input_dims,
                                                      const tinyops_dims4* filter_dims,
                                                      const tinyops_dims4* output_dims,
                                                      size_t scratch_budget) {
  int32_t pass = input_dims->c;
  while (pass > 4 && tinyops_depthwise_conv2d_s8_dsp_scratch_size(params, input_dims, filter_dims,
                                                                  output_dims, pass) >
                         scratch_budget) {
    pass = (pass - 1) & ~3; /* the next multiple of 4 below */
  }
  return pass;
}

/* 4 int8 values -> (v0, v2) and (v1, v3) in int16, plus the offset. */
static inline void expand4(int32_t* dst, uint32_t w, int32_t offset2) {
  dst[0] = tinyops_sadd16(tinyops_sxtb16(w), offset2);
  dst[1] = tinyops_sadd16(tinyops_sxtb16_ror8(w), offset2);
}

/* Channels [c0, c0 + n) of input row (b, y) into a band slot: [group][column][2 words]. */
static void expand_row(int32_t* slot, const int8_t* input, const tinyops_dims4* in, int32_t c0,
                       int32_t n, int32_t b, int32_t y, int32_t pad_w, int32_t width,
                       int32_t offset2) {
  const int32_t full = n / 4, rest = n % 4, groups = (n + 3) / 4;
  const int32_t group_stride = 2 * width;
  int32_t xc, g;
  for (xc = 0; xc < width; ++xc) {
    const int32_t x = xc - pad_w;
    int32_t* dst = slot + 2 * xc;
    if (x < 0 || x >= in->w) {
      for (g = 0; g < groups; ++g, dst += group_stride) dst[0] = dst[1] = 0;
    } else {
      const int8_t* src = input + tinyops_offset4(in, b, y, x, c0);
      for (g = 0; g < full; ++g, dst += group_stride, src += 4) {
        expand4(dst, tinyops_dsp_read32(src), offset2);
      }
      if (rest != 0) {
        uint32_t w = 0;
        int32_t i;
        for (i = 0; i < rest; ++i) w |= (uint32_t)(uint8_t)src[i] << (8 * i);
        expand4(dst, w, offset2);
      }
    }
  }
}

/* One tap of a group: 4 channels' products into 4 accumulators. */
#define TINYOPS_DW_TAP(x, w)                  \
  do {                                        \
    const int32_t x02 = (x)[0], x13 = (x)[1]; \
    const int32_t w02 = (w)[0], w13 = (w)[1]; \
    a0 = tinyops_smlabb(x02, w02, a0);        \
    a2 = tinyops_smlatt(x02, w02, a2);        \
    a1 = tinyops_smlabb(x13, w13, a1);        \
    a3 = tinyops_smlatt(x13, w13, a3);        \
  } while (0)

/* The taps of one group at one output pixel into a0..a3. x points at the pixel's first
 * column in the band's zero row; window[fy] is the band offset of filter row fy's input row;
 * w is the group's expanded weights (advanced past them). Filters 3, 5 and 7 wide without
 * dilation (xstep 2) have their rows unrolled: the loop's counter and pointer steps would
 * otherwise cost as much as the taps. A macro, so each caller keeps a0..a3 in registers. */
#define TINYOPS_DW_WINDOW()                                                            \
  do {                                                                                 \
    int32_t fy_, fx_;                                                                  \
    if (xstep == 2 && fw == 3) {                                                       \
      for (fy_ = 0; fy_ < fh; ++fy_, w += 6) {                                         \
        const int32_t* row_ = x + window[fy_];                                         \
        TINYOPS_DW_TAP(row_, w);                                                       \
        TINYOPS_DW_TAP(row_ + 2, w + 2);                                               \
        TINYOPS_DW_TAP(row_ + 4, w + 4);                                               \
      }                                                                                \
    } else if (xstep == 2 && fw == 5) {                                                \
      for (fy_ = 0; fy_ < fh; ++fy_, w += 10) {                                        \
        const int32_t* row_ = x + window[fy_];                                         \
        TINYOPS_DW_TAP(row_, w);                                                       \
        TINYOPS_DW_TAP(row_ + 2, w + 2);                                               \
        TINYOPS_DW_TAP(row_ + 4, w + 4);                                               \
        TINYOPS_DW_TAP(row_ + 6, w + 6);                                               \
        TINYOPS_DW_TAP(row_ + 8, w + 8);                                               \
      }                                                                                \
    } else if (xstep == 2 && fw == 7) {                                                \
      for (fy_ = 0; fy_ < fh; ++fy_, w += 14) {                                        \
        const int32_t* row_ = x + window[fy_];                                         \
        TINYOPS_DW_TAP(row_, w);                                                       \
        TINYOPS_DW_TAP(row_ + 2, w + 2);                                               \
        TINYOPS_DW_TAP(row_ + 4, w + 4);                                               \
        TINYOPS_DW_TAP(row_ + 6, w + 6);                                               \
        TINYOPS_DW_TAP(row_ + 8, w + 8);                                               \
        TINYOPS_DW_TAP(row_ + 10, w + 10);                                             \
        TINYOPS_DW_TAP(row_ + 12, w + 12);                                             \
      }                                                                                \
    } else {                                                                           \
      for (fy_ = 0; fy_ < fh; ++fy_) {                                                 \
        const int32_t* row_ = x + window[fy_];                                         \
        for (fx_ = 0; fx_ < fw; ++fx_, row_ += xstep, w += 2) TINYOPS_DW_TAP(row_, w); \
      }                                                                                \
    }                                                                                  \
  } while (0)

/* One group of 4 channels at one output pixel: acc[0..3] += the window's taps (for the last
 * group when the depth is not a multiple of 4). */
TINYOPS_DSP_NOINLINE static void mac_group(const int32_t* x, const int32_t* window,
                                           const int32_t* w, int32_t fh, int32_t fw, int32_t xstep,
                                           int32_t* acc) {
  int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
  TINYOPS_DW_WINDOW();
  acc[0] = a0;
  acc[1] = a1;
  acc[2] = a2;
  acc[3] = a3;
}

/* How a full group's outputs are stored. */
typedef struct {
  int32_t offset; /* output zero point */
  int32_t act_min;
  int32_t act_max;
} dw_out;

/* One requantised output; full_range is a constant at each use, so each copy has one clamp. */
static inline int8_t dw_value(int32_t acc, const tinyops_dsp_channel* c, const dw_out* o,
                              int32_t full_range) {
  const int32_t v = tinyops_dsp_requantize(acc, c) + o->offset;
  if (full_range) return (int8_t)tinyops_ssat8(v);
  return (int8_t)(v < o->act_min ? o->act_min : (v > o->act_max ? o->act_max : v));
}

/* A full group of 4 channels at one output pixel, from the biases to the 4 stored outputs,
 * with the accumulators in registers throughout (the store through an array and a call per
 * channel used to cost more than the taps of a 3x3 window). */
#define TINYOPS_DW_GROUP_BODY(full_range)                                       \
  do {                                                                          \
    const dw_out o = *out_params;                                               \
    int32_t a0 = ch[0].bias, a1 = ch[1].bias, a2 = ch[2].bias, a3 = ch[3].bias; \
    TINYOPS_DW_WINDOW();                                                        \
    out[0] = dw_value(a0, &ch[0], &o, full_range);                              \
    out[1] = dw_value(a1, &ch[1], &o, full_range);                              \
    out[2] = dw_value(a2, &ch[2], &o, full_range);                              \
    out[3] = dw_value(a3, &ch[3], &o, full_range);                              \
  } while (0)

TINYOPS_DSP_NOINLINE static void group_full_range(const int32_t* x, const int32_t* window,
                                                  const int32_t* w, int32_t fh, int32_t fw,
                                                  int32_t xstep, const tinyops_dsp_channel* ch,
                                                  const dw_out* out_params, int8_t* out) {
  TINYOPS_DW_GROUP_BODY(1);
}

TINYOPS_DSP_NOINLINE static void group_clamped(const int32_t* x, const int32_t* window,
                                               const int32_t* w, int32_t fh, int32_t fw,
                                               int32_t xstep, const tinyops_dsp_channel* ch,
                                               const dw_out* out_params, int8_t* out) {
  TINYOPS_DW_GROUP_BODY(0);
}
#undef TINYOPS_DW_GROUP_BODY

static int32_t gcd(int32_t a, int32_t b) {
  while (b != 0) {
    const int32_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

int32_t tinyops_depthwise_conv2d_s8_dsp_in_place(const tinyops_depthwise_conv_params* params,
                                                 const tinyops_dims4* input_dims,
                                                 const tinyops_dims4* filter_dims,
                                                 const tinyops_dims4* output_dims) {
  return output_dims->c == input_dims->c &&
         tinyops_dsp_band_allows_in_place(input_dims, output_dims, filter_dims->h,
                                          params->stride_h, params->pad_h, params->dilation_h,
                                          gcd(params->dilation_h, filter_dims->h) == 1, 0);
}

void tinyops_depthwise_conv2d_s8_dsp(const tinyops_depthwise_conv_params* params,
                                     const tinyops_per_channel_quant* quant,
                                     const tinyops_dims4* input_dims, const int8_t* input,
                                     const tinyops_dims4* filter_dims, const int8_t* dsp_filter,
                                     const int32_t* bias, const tinyops_dims4* output_dims,
                                     int8_t* output, int32_t* scratch, int32_t pass_channels) {
  const int32_t fh = filter_dims->h, fw = filter_dims->w, depth = input_dims->c;
  const int32_t pass = pass_of(input_dims, pass_channels);
  const int32_t pass_groups = tinyops_depthwise_dsp_groups(pass);
  const int32_t width = band_width(params, filter_dims, output_dims);
  const int32_t row_words = pass_groups * width * 2;
  const int32_t offset2 = tinyops_dsp_pack16(params->input_offset, params->input_offset);
  const int32_t xstep = 2 * params->dilation_w, pixel_step = 2 * params->stride_w;
  const int32_t out_offset = params->output_offset;
  const int32_t act_min = params->act_min, act_max = params->act_max;
  /* y % fh is a different slot for each row of a window iff gcd(dilation, fh) == 1. */
  const int32_t rolling = gcd(params->dilation_h, fh) == 1;
  tinyops_dsp_channel* channels = (tinyops_dsp_channel*)scratch;
  int32_t* tags = scratch + pass_groups * 4 * (int32_t)(sizeof(tinyops_dsp_channel) / 4);
  int32_t* window = tags + fh;    /* band word offset of each filter row's input row */
  int32_t* weights = window + fh; /* [group][fy][fx][2 words] */
  int32_t* band = weights + pass_groups * fh * fw * 2; /* the zero row, then fh slots */
  const int32_t full_range = act_min == -128 && act_max == 127;
  dw_out o;
  int32_t c0, i, b, oy, ox, g, fy;
  o.offset = out_offset;
  o.act_min = act_min;
  o.act_max = act_max;

  /* Channels are independent, so they go in passes of `pass` channels, each with the band,
   * weights and constants of its channels only: the scratch is sized for one pass. */
  for (c0 = 0; c0 < depth; c0 += pass) {
    const int32_t n = depth - c0 < pass ? depth - c0 : pass;
    const int32_t groups = tinyops_depthwise_dsp_groups(n), full_groups = n / 4;
    const int8_t* filter = dsp_filter + (c0 / 4) * fh * fw * 4;
    for (i = 0; i < groups * 4; ++i) {
      const int32_t ch = c0 + i;
      channels[i] = i < n ? tinyops_dsp_channel_of(bias != 0 ? bias[ch] : 0,
                                                   quant->multiplier[ch], quant->shift[ch])
                          : tinyops_dsp_channel_of(0, 0, 0);
    }
    for (i = 0; i < groups * fh * fw; ++i) {
      const uint32_t w = tinyops_dsp_read32(filter + 4 * i);
      weights[2 * i] = tinyops_sxtb16(w);
      weights[2 * i + 1] = tinyops_sxtb16_ror8(w);
    }
    for (i = 0; i < row_words; ++i) band[i] = 0;
    for (i = 0; i < fh; ++i) tags[i] = -1;

    for (b = 0; b < output_dims->n; ++b) {
      for (oy = 0; oy < output_dims->h; ++oy) {
        const int32_t y0 = oy * params->stride_h - params->pad_h;
        for (fy = 0; fy < fh; ++fy) {
          const int32_t y = y0 + fy * params->dilation_h;
          const int32_t slot = rolling ? y % fh : fy;
          if (y < 0 || y >= input_dims->h) {
            window[fy] = 0; /* the zero row */
            continue;
          }
          if (tags[slot] != b * input_dims->h + y) {
            expand_row(band + (slot + 1) * row_words, input, input_dims, c0, n, b, y,
                       params->pad_w, width, offset2);
            tags[slot] = b * input_dims->h + y;
          }
          window[fy] = (slot + 1) * row_words;
        }
        for (ox = 0; ox < output_dims->w; ++ox) {
          int8_t* out = output + tinyops_offset4(output_dims, b, oy, ox, c0);
          const int32_t* wg = weights;
          const tinyops_dsp_channel* ch = channels;
          for (g = 0; g < full_groups; ++g) {
            const int32_t* x = band + g * 2 * width + ox * pixel_step;
            if (full_range) {
              group_full_range(x, window, wg, fh, fw, xstep, ch, &o, out);
            } else {
              group_clamped(x, window, wg, fh, fw, xstep, ch, &o, out);
            }
            wg += fh * fw * 2;
            out += 4;
            ch += 4;
          }
          for (; g < groups; ++g) {
            const int32_t left = n - 4 * g < 4 ? n - 4 * g : 4;
            int32_t acc[4];
            acc[0] = ch[0].bias;
            acc[1] = ch[1].bias;
            acc[2] = ch[2].bias;
            acc[3] = ch[3].bias;
            mac_group(band + g * 2 * width + ox * pixel_step, window, wg, fh, fw, xstep, acc);
            for (i = 0; i < left; ++i) {
              tinyops_dsp_store(out + i, 1, 1, acc + i, ch + i, out_offset, act_min, act_max);
            }
            wg += fh * fw * 2;
            out += 4;
            ch += 4;
          }
        }
      }
    }
  }
}
