/* int8 FULLY_CONNECTED with the Arm DSP extension: fully_connected_s8.c's sums on SMLAD.
 *
 * Each input row is expanded once into the scratch: int16 with the input offset added, each
 * group of 4 values (v0, v1, v2, v3) stored as the pairs (v0, v2), (v1, v3) that SXTB16 and
 * SXTB16 ROR #8 make of the weights' natural order. The weights come laid out at compile
 * time in blocks of 4 rows, [block][group of 4 columns][row][4 values], so one pointer walks
 * 4 rows at once and each pair of input words meets 4 weight words; the last
 * output_depth % 4 rows follow one after another. The depth is padded to a multiple of 4
 * with zero weights. On the device the weights must be 4-byte aligned (the code generator
 * declares them so): the inner loop reads them with LDRD.
 *
 * Where the one-multiply requantisation's bound is not proven for every row
 * (tinyops_fully_connected_s8_dsp_small_acc), the caller passes exact_requantize = 1 and the
 * layer runs a second copy of the kernel that requantises with the exact 64-bit form
 * (dsp_requantize.h); the multiply-accumulate loops are the same. */
#include "tinyops/runtime/dsp_dot_quad.h"
#include "tinyops/runtime/dsp_intrinsics.h"
#include "tinyops/runtime/dsp_kernels.h"
#include "tinyops/runtime/dsp_requantize.h"

/* Fewer output rows than this: each input word is used by too few rows to pay for expanding
 * the input into the scratch (micro_speech's 4000 x 4 layer would need 8,000 bytes), so the
 * rows expand it as they go and the kernel needs no scratch. */
enum { kExpandedInputMinRows = 8 };

size_t tinyops_fully_connected_s8_dsp_scratch_size(const tinyops_fully_connected_params* params) {
  if (params->output_depth < kExpandedInputMinRows) return 0;
  return (size_t)tinyops_fully_connected_dsp_depth(params->accum_depth) * 2u;
}

/* Requantises output row o (its own multiplier when per_channel, else the layer's), in the
 * one-multiply form or, when exact (a constant wherever this is inlined), the 64-bit one. */
static inline int8_t finish(int32_t acc, const tinyops_per_channel_quant* quant, int32_t o,
                            const tinyops_fully_connected_params* p, int32_t exact) {
  const int32_t q = p->per_channel ? o : 0;
  const tinyops_dsp_channel c = tinyops_dsp_channel_of(0, quant->multiplier[q], quant->shift[q]);
  const int32_t v =
      (exact ? tinyops_dsp_requantize_exact(acc, &c) : tinyops_dsp_requantize(acc, &c)) +
      p->output_offset;
  return (int8_t)(v < p->act_min ? p->act_min : (v > p->act_max ? p->act_max : v));
}

/* For fewer than kExpandedInputMinRows rows: row by row, the input expanded on the fly. Rows
 * of the first quad (if any) sit interleaved in the quad's blocks (16 bytes per group), the
 * rest one after another. Its own function, so the main loop keeps its registers. */
static TINYOPS_DSP_ALWAYS_INLINE void few_rows_body(const tinyops_fully_connected_params* params,
                                                    const tinyops_per_channel_quant* quant,
                                                    const int8_t* in, const int8_t* dsp_filter,
                                                    const int32_t* bias, int8_t* out,
                                                    int32_t exact) {
  const int32_t depth = params->accum_depth, outputs = params->output_depth;
  const int32_t groups = tinyops_fully_connected_dsp_depth(depth) / 4;
  const int32_t quads = outputs / 4;
  const int32_t offset2 = tinyops_dsp_pack16(params->input_offset, params->input_offset);
  int32_t o, g;
  for (o = 0; o < outputs; ++o) {
    const int32_t in_quad = o < 4 * quads;
    const int8_t* wr = in_quad ? dsp_filter + 4 * o
                               : dsp_filter + 16 * groups * quads + 4 * groups * (o - 4 * quads);
    const int32_t step = in_quad ? 16 : 4;
    int32_t acc = bias != 0 ? bias[o] : 0;
    for (g = 0; g < groups; ++g, wr += step) {
      const uint32_t v = tinyops_dsp_row_word(in, g, depth);
      acc = tinyops_dsp_dot4(tinyops_sadd16(tinyops_sxtb16(v), offset2),
                             tinyops_sadd16(tinyops_sxtb16_ror8(v), offset2),
                             tinyops_dsp_read32(wr), acc);
    }
    out[o] = finish(acc, quant, o, params, exact);
  }
}

TINYOPS_DSP_NOINLINE static void few_rows(const tinyops_fully_connected_params* params,
                                          const tinyops_per_channel_quant* quant, const int8_t* in,
                                          const int8_t* dsp_filter, const int32_t* bias,
                                          int8_t* out) {
  few_rows_body(params, quant, in, dsp_filter, bias, out, 0);
}

TINYOPS_DSP_NOINLINE static void few_rows_exact(const tinyops_fully_connected_params* params,
                                                const tinyops_per_channel_quant* quant,
                                                const int8_t* in, const int8_t* dsp_filter,
                                                const int32_t* bias, int8_t* out) {
  few_rows_body(params, quant, in, dsp_filter, bias, out, 1);
}

/* The kernel, inlined twice with a constant `exact`: the fast copy compiles as it did before
 * the exact one existed, and the exact one differs only in its requantisation. */
static TINYOPS_DSP_ALWAYS_INLINE void fully_connected_body(
    const tinyops_fully_connected_params* params, const tinyops_per_channel_quant* quant,
    const int8_t* input, const int8_t* dsp_filter, const int32_t* bias, int8_t* output,
    int32_t* scratch, int32_t exact) {
  const int32_t depth = params->accum_depth, outputs = params->output_depth;
  const int32_t groups = tinyops_fully_connected_dsp_depth(depth) / 4;
  const int32_t quads = outputs / 4;
  int32_t b, g, o;
  for (b = 0; b < params->batches; ++b) {
    const int8_t* in = input + b * depth;
    const int8_t* w = dsp_filter;
    int8_t* out = output + b * outputs;
    if (outputs < kExpandedInputMinRows) {
      if (exact) {
        few_rows_exact(params, quant, in, dsp_filter, bias, out);
      } else {
        few_rows(params, quant, in, dsp_filter, bias, out);
      }
      continue;
    }
    tinyops_dsp_expand_row(in, depth, params->input_offset, scratch);
    for (o = 0; o < 4 * quads; o += 4) {
      int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      const int32_t* x = scratch;
      if (bias != 0) {
        a0 = bias[o];
        a1 = bias[o + 1];
        a2 = bias[o + 2];
        a3 = bias[o + 3];
      }
      w = tinyops_dsp_dot_quad(x, w, groups, &a0, &a1, &a2, &a3);
      out[o] = finish(a0, quant, o, params, exact);
      out[o + 1] = finish(a1, quant, o + 1, params, exact);
      out[o + 2] = finish(a2, quant, o + 2, params, exact);
      out[o + 3] = finish(a3, quant, o + 3, params, exact);
    }
    for (; o < outputs; ++o) {
      int32_t acc = bias != 0 ? bias[o] : 0;
      const int32_t* x = scratch;
      for (g = groups; g > 0; --g) {
        acc = tinyops_dsp_dot4(x[0], x[1], tinyops_dsp_read32(w), acc);
        x += 2;
        w += 4;
      }
      out[o] = finish(acc, quant, o, params, exact);
    }
  }
}

TINYOPS_DSP_NOINLINE static void fully_connected_exact(const tinyops_fully_connected_params* params,
                                                       const tinyops_per_channel_quant* quant,
                                                       const int8_t* input,
                                                       const int8_t* dsp_filter,
                                                       const int32_t* bias, int8_t* output,
                                                       int32_t* scratch) {
  fully_connected_body(params, quant, input, dsp_filter, bias, output, scratch, 1);
}

void tinyops_fully_connected_s8_dsp(const tinyops_fully_connected_params* params,
                                    const tinyops_per_channel_quant* quant, const int8_t* input,
                                    const int8_t* dsp_filter, const int32_t* bias, int8_t* output,
                                    int32_t* scratch, int32_t exact_requantize) {
  if (exact_requantize) {
    fully_connected_exact(params, quant, input, dsp_filter, bias, output, scratch);
    return;
  }
  fully_connected_body(params, quant, input, dsp_filter, bias, output, scratch, 0);
}
