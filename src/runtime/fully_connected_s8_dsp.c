/* int8 FULLY_CONNECTED with the Arm DSP extension: fully_connected_s8.c's sums on SMLAD.
 *
 * The input row is expanded into the scratch: int16 with the input offset added, each group
 * of 4 values (v0, v1, v2, v3) stored as the pairs (v0, v2), (v1, v3) that SXTB16 and SXTB16
 * ROR #8 make of the weights' natural order. The weights come laid out at compile time in
 * blocks of 4 rows, [block][group of 4 columns][row][4 values], so one pointer walks 4 rows
 * at once and each pair of input words meets 4 weight words; the last output_depth % 4 rows
 * follow one after another. The depth is padded to a multiple of 4 with zero weights. On
 * the device the weights must be 4-byte aligned (the code generator declares them so): the
 * inner loop reads them with LDRD.
 *
 * Three ways through a row, by its shape (the scratch size says which): fewer than 8 output
 * rows expand the input as they go (no scratch); short rows are expanded whole once and each
 * quad of rows keeps its sums in registers; long rows are expanded a chunk at a time against
 * blocks of rows whose partial sums wait in the scratch (kChunkGroups, kBlockRows below).
 *
 * Where the one-multiply requantisation's bound is not proven for every row
 * (tinyops_fully_connected_s8_dsp_small_acc), the caller passes exact_requantize = 1 and the
 * rows are requantised with the exact 64-bit form (dsp_requantize.h); the multiply-accumulate
 * loops are the same. */
#include "tinyops/runtime/dsp_dot_quad.h"
#include "tinyops/runtime/dsp_intrinsics.h"
#include "tinyops/runtime/dsp_kernels.h"
#include "tinyops/runtime/dsp_requantize.h"

/* Fewer output rows than this: each input word is used by too few rows to pay for expanding
 * the input into the scratch (micro_speech's 4000 x 4 layer would need 8,000 bytes), so the
 * rows expand it as they go and the kernel needs no scratch. */
enum { kExpandedInputMinRows = 8 };

/* Long rows are expanded a chunk at a time instead of whole, so the scratch stays small
 * whatever the depth (AD's 640-value input would take 1,280 bytes, more than its 768 bytes
 * of tensors): kChunkGroups groups of 4 values (256 bytes), against blocks of kBlockRows
 * output rows whose partial sums wait in the scratch between chunks (256 bytes). Each
 * block expands the row once more and each quad reloads and stores its sums once per chunk
 * (AD's first layer: 115,200 instructions against 108,080 with the whole row expanded), so
 * only rows whose whole expansion would be larger than that scratch take this path. */
enum { kChunkGroups = 32, kBlockRows = 64 };

static int32_t min32(int32_t a, int32_t b) {
  return a < b ? a : b;
}

static size_t whole_row_bytes(const tinyops_fully_connected_params* params) {
  return (size_t)tinyops_fully_connected_dsp_depth(params->accum_depth) * 2u;
}

static size_t chunked_bytes(const tinyops_fully_connected_params* params) {
  const int32_t groups = tinyops_fully_connected_dsp_depth(params->accum_depth) / 4;
  return 8u * (size_t)min32(groups, kChunkGroups) +
         4u * (size_t)min32(params->output_depth, kBlockRows);
}

static int32_t is_chunked(const tinyops_fully_connected_params* params) {
  return chunked_bytes(params) < whole_row_bytes(params);
}

size_t tinyops_fully_connected_s8_dsp_scratch_size(const tinyops_fully_connected_params* params) {
  if (params->output_depth < kExpandedInputMinRows) return 0;
  return is_chunked(params) ? chunked_bytes(params) : whole_row_bytes(params);
}

/* What requantising a row needs, read from the params once per call: every int8 store could
 * alias the params, so reading them per output would reload them after each store. A
 * per-tensor layer's (multiplier, shift) is unpacked here once instead of once per row. */
typedef struct {
  tinyops_dsp_channel layer;
  const int32_t* multiplier;
  const int32_t* shift;
  int32_t per_channel;
  int32_t output_offset;
  int32_t act_min;
  int32_t act_max;
} fc_output;

static fc_output fc_output_of(const tinyops_fully_connected_params* p,
                              const tinyops_per_channel_quant* quant) {
  fc_output f;
  f.layer = tinyops_dsp_channel_of(0, quant->multiplier[0], quant->shift[0]);
  f.multiplier = quant->multiplier;
  f.shift = quant->shift;
  f.per_channel = p->per_channel;
  f.output_offset = p->output_offset;
  f.act_min = p->act_min;
  f.act_max = p->act_max;
  return f;
}

/* Requantises a sum with channel c in the one-multiply form or, when exact (a constant
 * wherever this is inlined), the 64-bit one; then the zero point and the activation clamp
 * (act_min >= -128 and act_max <= 127, so saturating to int8 first changes nothing). */
static TINYOPS_DSP_ALWAYS_INLINE uint32_t finish_with(int32_t acc, const tinyops_dsp_channel* c,
                                                      const fc_output* f, int32_t exact) {
  int32_t v = tinyops_ssat8(
      (exact ? tinyops_dsp_requantize_exact(acc, c) : tinyops_dsp_requantize(acc, c)) +
      f->output_offset);
  v = v < f->act_min ? f->act_min : v;
  return (uint8_t)(v > f->act_max ? f->act_max : v);
}

/* The same for output row o, with its own channel when the layer is per channel. */
static TINYOPS_DSP_ALWAYS_INLINE uint32_t finish(int32_t acc, const fc_output* f, int32_t o,
                                                 int32_t exact) {
  const tinyops_dsp_channel c =
      f->per_channel ? tinyops_dsp_channel_of(0, f->multiplier[o], f->shift[o]) : f->layer;
  return finish_with(acc, &c, f, exact);
}

/* Rows o .. o + n - 1 (n <= 4) from their sums acc[0 .. n - 1]. The bytes gather in one
 * word and are stored after the last is computed, so no store can make f be read again. */
static TINYOPS_DSP_ALWAYS_INLINE void store_body(const int32_t* acc, int32_t n, const fc_output* f,
                                                 int32_t o, int8_t* out, int32_t exact) {
  uint32_t bytes = 0;
  int32_t i;
  for (i = 0; i < n; ++i) bytes |= finish(acc[i], f, o + i, exact) << (8 * i);
  if (n == 4) {
    tinyops_dsp_write32(out + o, bytes);
    return;
  }
  for (i = 0; i < n; ++i) out[o + i] = (int8_t)(uint8_t)(bytes >> (8 * i));
}

/* The requantisation is the one part that differs between the fast and the exact kernel:
 * one copy of each, out of line, and one copy of everything else. */
TINYOPS_DSP_NOINLINE static void store_fast(const int32_t* acc, int32_t n, const fc_output* f,
                                            int32_t o, int8_t* out) {
  store_body(acc, n, f, o, out, 0);
}

TINYOPS_DSP_NOINLINE static void store_exact(const int32_t* acc, int32_t n, const fc_output* f,
                                             int32_t o, int8_t* out) {
  store_body(acc, n, f, o, out, 1);
}

typedef void (*fc_store)(const int32_t* acc, int32_t n, const fc_output* f, int32_t o, int8_t* out);

/* One row's sums over `groups` expanded groups, its weights `step` bytes apart per group (16
 * inside a quad's block, 4 for the rows after the quads). */
static inline int32_t dot_row(const int32_t* x, const int8_t* w, int32_t step, int32_t groups,
                              int32_t acc) {
  for (; groups > 0; --groups, x += 2, w += step) {
    acc = tinyops_dsp_dot4(x[0], x[1], tinyops_dsp_read32(w), acc);
  }
  return acc;
}

/* Where row o's weights start, and the bytes between its groups. */
static inline const int8_t* row_weights(const int8_t* dsp_filter, int32_t o, int32_t quads,
                                        int32_t groups, int32_t* step) {
  if (o < 4 * quads) {
    *step = 16;
    return dsp_filter + 16 * groups * (o / 4) + 4 * (o % 4);
  }
  *step = 4;
  return dsp_filter + 16 * groups * quads + 4 * groups * (o - 4 * quads);
}

/* For fewer than kExpandedInputMinRows rows: row by row, the input expanded on the fly (no
 * scratch). */
TINYOPS_DSP_NOINLINE static void few_rows(const tinyops_fully_connected_params* params,
                                          const fc_output* f, fc_store store, const int8_t* in,
                                          const int8_t* dsp_filter, const int32_t* bias,
                                          int8_t* out) {
  const int32_t depth = params->accum_depth, outputs = params->output_depth;
  const int32_t groups = tinyops_fully_connected_dsp_depth(depth) / 4;
  const int32_t quads = outputs / 4;
  const int32_t offset2 = tinyops_dsp_pack16(params->input_offset, params->input_offset);
  int32_t o, g, step;
  for (o = 0; o < outputs; ++o) {
    const int8_t* wr = row_weights(dsp_filter, o, quads, groups, &step);
    int32_t acc = bias != 0 ? bias[o] : 0;
    for (g = 0; g < groups; ++g, wr += step) {
      const uint32_t v = tinyops_dsp_row_word(in, g, depth);
      acc = tinyops_dsp_dot4(tinyops_sadd16(tinyops_sxtb16(v), offset2),
                             tinyops_sadd16(tinyops_sxtb16_ror8(v), offset2),
                             tinyops_dsp_read32(wr), acc);
    }
    {
      const int32_t sum = acc; /* acc itself stays in a register */
      store(&sum, 1, f, o, out);
    }
  }
}

/* The whole row expanded once, then every quad of rows over all of it, their sums in
 * registers from the bias to the requantisation. Compiled twice: with `inline_store` the
 * requantisation of a per-tensor layer's fast path is inlined (the layers with the most
 * outputs, AD's 128 x 640, take it; a call per quad would cost ~10 instructions per
 * output), otherwise every quad goes to `store`. */
static TINYOPS_DSP_ALWAYS_INLINE void whole_row_body(const tinyops_fully_connected_params* params,
                                                     const fc_output* f, fc_store store,
                                                     const int8_t* in, const int8_t* dsp_filter,
                                                     const int32_t* bias, int8_t* out,
                                                     int32_t* scratch, int32_t inline_store) {
  const int32_t depth = params->accum_depth, outputs = params->output_depth;
  const int32_t groups = tinyops_fully_connected_dsp_depth(depth) / 4;
  const int32_t quads = outputs / 4;
  const fc_output local = *f; /* a copy the int8 stores cannot alias */
  const int8_t* w = dsp_filter;
  int32_t o;
  tinyops_dsp_expand_row(in, depth, params->input_offset, scratch);
  for (o = 0; o < 4 * quads; o += 4) {
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    if (bias != 0) {
      a0 = bias[o];
      a1 = bias[o + 1];
      a2 = bias[o + 2];
      a3 = bias[o + 3];
    }
    w = tinyops_dsp_dot_quad(scratch, w, groups, &a0, &a1, &a2, &a3);
    if (inline_store) {
      tinyops_dsp_write32(out + o, finish_with(a0, &local.layer, &local, 0) |
                                       finish_with(a1, &local.layer, &local, 0) << 8 |
                                       finish_with(a2, &local.layer, &local, 0) << 16 |
                                       finish_with(a3, &local.layer, &local, 0) << 24);
    } else {
      const int32_t sums[4] = {a0, a1, a2, a3};
      store(sums, 4, f, o, out);
    }
  }
  for (; o < outputs; ++o, w += 4 * groups) {
    const int32_t sum = dot_row(scratch, w, 4, groups, bias != 0 ? bias[o] : 0);
    store(&sum, 1, f, o, out);
  }
}

TINYOPS_DSP_NOINLINE static void whole_row_per_tensor(const tinyops_fully_connected_params* params,
                                                      const fc_output* f, const int8_t* in,
                                                      const int8_t* dsp_filter, const int32_t* bias,
                                                      int8_t* out, int32_t* scratch) {
  whole_row_body(params, f, store_fast, in, dsp_filter, bias, out, scratch, 1);
}

TINYOPS_DSP_NOINLINE static void whole_row(const tinyops_fully_connected_params* params,
                                           const fc_output* f, fc_store store, const int8_t* in,
                                           const int8_t* dsp_filter, const int32_t* bias,
                                           int8_t* out, int32_t* scratch) {
  whole_row_body(params, f, store, in, dsp_filter, bias, out, scratch, 0);
}

/* The sums of rows first .. last - 1 (a block of at most kBlockRows) into sums, from the
 * bias: the row in chunks of kChunkGroups groups expanded into x, each met by every row of
 * the block, whose partial sums wait in `sums` from one chunk to the next. Its own function
 * so the quad loop has the registers to itself. */
TINYOPS_DSP_NOINLINE static void block_sums(const tinyops_fully_connected_params* params,
                                            const int8_t* in, const int8_t* dsp_filter,
                                            const int32_t* bias, int32_t first, int32_t last,
                                            int32_t* x, int32_t* sums) {
  const int32_t depth = params->accum_depth;
  const int32_t groups = tinyops_fully_connected_dsp_depth(depth) / 4;
  const int32_t quads = params->output_depth / 4;
  const int32_t quad_end = min32(last, 4 * quads);
  int32_t c, o, step;
  for (o = first; o < last; ++o) sums[o - first] = bias != 0 ? bias[o] : 0;
  for (c = 0; c < groups; c += kChunkGroups) {
    const int32_t n = min32(kChunkGroups, groups - c);
    const int8_t* w = dsp_filter + 16 * (groups * (first / 4) + c);
    int32_t* s = sums;
    tinyops_dsp_expand_row(in + 4 * c, min32(4 * n, depth - 4 * c), params->input_offset, x);
    for (o = first; o < quad_end; o += 4, s += 4) {
      int32_t a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3];
      w = tinyops_dsp_dot_quad(x, w, n, &a0, &a1, &a2, &a3) + 16 * (groups - n);
      s[0] = a0;
      s[1] = a1;
      s[2] = a2;
      s[3] = a3;
    }
    for (; o < last; ++o, ++s) {
      const int8_t* wr = row_weights(dsp_filter, o, quads, groups, &step);
      *s = dot_row(x, wr + step * c, step, n, *s);
    }
  }
}

/* Long rows: block by block of kBlockRows rows, the sums (block_sums, in the scratch after
 * the chunk) then their requantisation. A chunked row has more than kChunkGroups groups
 * (is_chunked), so the chunk always takes its full 2 * kChunkGroups words. */
static void chunked(const tinyops_fully_connected_params* params, const fc_output* f,
                    fc_store store, const int8_t* in, const int8_t* dsp_filter, const int32_t* bias,
                    int8_t* out, int32_t* scratch) {
  const int32_t outputs = params->output_depth;
  int32_t* const sums = scratch + 2 * kChunkGroups;
  int32_t first, o;
  for (first = 0; first < outputs; first += kBlockRows) {
    const int32_t last = min32(first + kBlockRows, outputs);
    block_sums(params, in, dsp_filter, bias, first, last, scratch, sums);
    for (o = first; o < last; o += 4) store(sums + (o - first), min32(4, last - o), f, o, out);
  }
}

void tinyops_fully_connected_s8_dsp(const tinyops_fully_connected_params* params,
                                    const tinyops_per_channel_quant* quant, const int8_t* input,
                                    const int8_t* dsp_filter, const int32_t* bias, int8_t* output,
                                    int32_t* scratch, int32_t exact_requantize) {
  const int32_t depth = params->accum_depth, outputs = params->output_depth;
  const fc_output f = fc_output_of(params, quant);
  const fc_store store = exact_requantize ? store_exact : store_fast;
  int32_t b;
  for (b = 0; b < params->batches; ++b) {
    const int8_t* in = input + b * depth;
    int8_t* out = output + b * outputs;
    if (outputs < kExpandedInputMinRows) {
      few_rows(params, &f, store, in, dsp_filter, bias, out);
    } else if (is_chunked(params)) {
      chunked(params, &f, store, in, dsp_filter, bias, out, scratch);
    } else if (!exact_requantize && !params->per_channel) {
      whole_row_per_tensor(params, &f, in, dsp_filter, bias, out, scratch);
    } else {
      whole_row(params, &f, store, in, dsp_filter, bias, out, scratch);
    }
  }
}
