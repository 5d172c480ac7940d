/* int8 SVDF with the Arm DSP extension (svdf_dsp.h): svdf_s8.c's arithmetic on SMLAD.
 *
 * Per batch row: (1) the input is expanded once into the scratch as int16 pairs with the
 * input offset added (fully_connected_s8_dsp.c's scheme), and the feature projection's raw
 * sums of all filters are computed 4 filters at a time from weights_feature in the FC DSP
 * layout; (2) filter by filter, the sum is requantised and clamped into the newest state
 * value, the filter's state row is moved one slot left while it is read for the time filter
 * (2 int16 or 4 int8 slots per word), and the time sum replaces the feature sum in the
 * scratch; (3) each unit's bias and filter sums are added and requantised into the output.
 * Three loops rather than one, so each keeps its values in registers. */
#include "tinyops/runtime/dsp_dot_quad.h"
#include "tinyops/runtime/dsp_intrinsics.h"
#include "tinyops/runtime/dsp_kernels.h"
#include "tinyops/runtime/dsp_requantize.h"
#include "tinyops/runtime/svdf_dsp.h"

size_t tinyops_svdf_s8_dsp_scratch_size(const tinyops_svdf_params* params) {
  /* expanded input (2 words per 4 values) + one raw feature sum per filter */
  return (size_t)tinyops_fully_connected_dsp_depth(params->input_size) * 2u +
         (size_t)params->num_filters * 4u;
}

/* Phase (1): sums[f] = sum_c weights_feature[f][c] * (in[c] - input_zero_point). */
static void feature_sums(const tinyops_svdf_params* p, const int8_t* in, const int8_t* w,
                         int32_t* x_scratch, int32_t* sums) {
  const int32_t groups = tinyops_fully_connected_dsp_depth(p->input_size) / 4;
  const int32_t quads = p->num_filters / 4;
  int32_t g, f;
  tinyops_dsp_expand_row(in, p->input_size, -p->input_zero_point, x_scratch);
  for (f = 0; f < 4 * quads; f += 4) {
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    w = tinyops_dsp_dot_quad(x_scratch, w, groups, &a0, &a1, &a2, &a3);
    sums[f] = a0;
    sums[f + 1] = a1;
    sums[f + 2] = a2;
    sums[f + 3] = a3;
  }
  for (; f < p->num_filters; ++f) {
    int32_t acc = 0;
    const int32_t* x = x_scratch;
    for (g = groups; g > 0; --g) {
      acc = tinyops_dsp_dot4(x[0], x[1], tinyops_dsp_read32(w), acc);
      x += 2;
      w += 4;
    }
    sums[f] = acc;
  }
}

static inline int32_t requantize(int32_t acc, const tinyops_dsp_channel* c, int32_t exact) {
  return exact ? tinyops_dsp_requantize_exact(acc, c) : tinyops_dsp_requantize(acc, c);
}

/* Unsigned arithmetic: the sums wrap modulo 2^32 as in svdf_s8.c. */
static inline int32_t wrap_add(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);
}
static inline int32_t wrap_sub_mul(int32_t acc, int32_t a, int32_t b) {
  return (int32_t)((uint32_t)acc - (uint32_t)a * (uint32_t)b);
}

/* Moves an int16 state row one slot left, writes `newest` into its last slot and returns
 * sum_j wt[j] * row[j] over the new row, without the zero point (see time_filters16). */
static TINYOPS_DSP_ALWAYS_INLINE int32_t shift_filter16(int16_t* row, const int16_t* wt,
                                                        int32_t mem, int16_t newest) {
  int32_t acc = 0, j;
  for (j = 0; j + 2 < mem; j += 2) { /* new slots j, j + 1 = old j + 1, j + 2 */
    const uint32_t s = tinyops_dsp_read32(row + j + 1);
    tinyops_dsp_write32(row + j, s);
    acc = tinyops_smlad((int32_t)s, (int32_t)tinyops_dsp_read32(wt + j), acc);
  }
  if (j + 2 == mem) { /* (old j + 1, newest): the old word's high half moved down */
    const uint32_t s = (tinyops_dsp_read32(row + j) >> 16) | ((uint32_t)(uint16_t)newest << 16);
    tinyops_dsp_write32(row + j, s);
    return tinyops_smlad((int32_t)s, (int32_t)tinyops_dsp_read32(wt + j), acc);
  }
  row[j] = newest;
  return wrap_add(acc, (int32_t)wt[j] * newest);
}

/* The same for an int8 state row, 4 slots per word, each lane minus the zero point
 * (int8 - int8 fits an int16 lane). */
static TINYOPS_DSP_ALWAYS_INLINE int32_t shift_filter8(int8_t* row, const int8_t* wt, int32_t mem,
                                                       int8_t newest, int32_t zp) {
  const int32_t minus_zp2 = tinyops_dsp_pack16(-zp, -zp);
  int32_t acc = 0, j;
  for (j = 0; j + 4 < mem; j += 4) { /* new slots j .. j + 3 = old j + 1 .. j + 4 */
    const uint32_t s = tinyops_dsp_read32(row + j + 1);
    const uint32_t w = tinyops_dsp_read32(wt + j);
    tinyops_dsp_write32(row + j, s);
    acc = tinyops_smlad(tinyops_sadd16(tinyops_sxtb16(s), minus_zp2), tinyops_sxtb16(w), acc);
    acc = tinyops_smlad(tinyops_sadd16(tinyops_sxtb16_ror8(s), minus_zp2), tinyops_sxtb16_ror8(w),
                        acc);
  }
  if (j + 4 == mem) { /* old j + 1 .. j + 3 and newest: the old word moved down one byte */
    const uint32_t s = (tinyops_dsp_read32(row + j) >> 8) | ((uint32_t)(uint8_t)newest << 24);
    const uint32_t w = tinyops_dsp_read32(wt + j);
    tinyops_dsp_write32(row + j, s);
    acc = tinyops_smlad(tinyops_sadd16(tinyops_sxtb16(s), minus_zp2), tinyops_sxtb16(w), acc);
    acc = tinyops_smlad(tinyops_sadd16(tinyops_sxtb16_ror8(s), minus_zp2), tinyops_sxtb16_ror8(w),
                        acc);
    return acc;
  }
  for (; j + 1 < mem; ++j) {
    row[j] = row[j + 1];
    acc = wrap_add(acc, (int32_t)wt[j] * ((int32_t)row[j] - zp));
  }
  row[j] = newest;
  return wrap_add(acc, (int32_t)wt[j] * ((int32_t)newest - zp));
}

/* Phase (2), int16 state: each filter's feature sum becomes its newest state value, its row
 * is shifted and filtered, and sums[f] is overwritten with the filter's time sum. Inlined
 * once per value of `exact`, so neither copy tests it per filter. */
static TINYOPS_DSP_ALWAYS_INLINE void time_filters16(const tinyops_svdf_params* p, int16_t* st,
                                                     const int16_t* wt, int32_t* sums,
                                                     int32_t exact) {
  const tinyops_dsp_channel c1 = tinyops_dsp_channel_of(0, p->multiplier_1, p->shift_1);
  const int32_t mem = p->memory_size, zp = p->state_zero_point;
  int32_t f;
  for (f = 0; f < p->num_filters; ++f, st += mem, wt += mem) {
    const int32_t v = requantize(sums[f], &c1, exact);
    sums[f] = shift_filter16(st, wt, mem, (int16_t)(tinyops_ssat16(v) + zp));
  }
}

/* int16 state with a non-zero zero point (TFLite gives it 0; the reference allows any):
 * sum wt * (s - zp) = sum wt * s - zp * sum wt modulo 2^32, the second term here, in its own
 * loop so the usual layers carry no trace of it (an int16 s - zp may not fit a lane). */
TINYOPS_DSP_NOINLINE static void subtract_state_zero_point(const tinyops_svdf_params* p,
                                                           const int16_t* wt, int32_t* sums) {
  int32_t f, j;
  for (f = 0; f < p->num_filters; ++f) {
    int32_t wt_sum = 0;
    for (j = 0; j < p->memory_size; ++j) wt_sum += *wt++;
    sums[f] = wrap_sub_mul(sums[f], p->state_zero_point, wt_sum);
  }
}

/* The same for int8 state: clamped to int8, plus the zero point, then narrowed (wrapping),
 * as svdf_s8.c. */
static TINYOPS_DSP_ALWAYS_INLINE void time_filters8(const tinyops_svdf_params* p, int8_t* st,
                                                    const int8_t* wt, int32_t* sums,
                                                    int32_t exact) {
  const tinyops_dsp_channel c1 = tinyops_dsp_channel_of(0, p->multiplier_1, p->shift_1);
  const int32_t mem = p->memory_size, zp = p->state_zero_point;
  int32_t f;
  for (f = 0; f < p->num_filters; ++f, st += mem, wt += mem) {
    const int32_t v = tinyops_ssat8(requantize(sums[f], &c1, exact));
    sums[f] = shift_filter8(st, wt, mem, (int8_t)(v + zp), zp);
  }
}

/* Phase (3): each unit's bias plus its `rank` filter sums, requantised, plus the output zero
 * point, clamped to int8. */
static TINYOPS_DSP_ALWAYS_INLINE void unit_outputs(const tinyops_svdf_params* p,
                                                   const int32_t* sums, const int32_t* bias,
                                                   int8_t* out, int32_t exact) {
  const tinyops_dsp_channel c2 = tinyops_dsp_channel_of(0, p->multiplier_2, p->shift_2);
  const int32_t rank = p->rank, zp = p->output_zero_point;
  int8_t* const end = out + p->num_units;
  int32_t r;
  if (rank == 1 && bias != 0) { /* the usual layer, without the inner loop */
    for (; out != end; ++out) {
      const int32_t acc = wrap_add(*bias++, *sums++);
      *out = (int8_t)tinyops_ssat8(requantize(acc, &c2, exact) + zp);
    }
    return;
  }
  for (; out != end; ++out, sums += rank) {
    int32_t acc = bias != 0 ? *bias++ : 0;
    for (r = 0; r < rank; ++r) acc = wrap_add(acc, sums[r]);
    *out = (int8_t)tinyops_ssat8(requantize(acc, &c2, exact) + zp);
  }
}

TINYOPS_DSP_NOINLINE static void outputs_fast(const tinyops_svdf_params* p, const int32_t* sums,
                                              const int32_t* bias, int8_t* out) {
  unit_outputs(p, sums, bias, out, 0);
}
TINYOPS_DSP_NOINLINE static void outputs_exact(const tinyops_svdf_params* p, const int32_t* sums,
                                               const int32_t* bias, int8_t* out) {
  unit_outputs(p, sums, bias, out, 1);
}

void tinyops_svdf_s8_dsp(const tinyops_svdf_params* params, const int8_t* input,
                         const int8_t* dsp_feature, const int16_t* weights_time,
                         const int32_t* bias, int16_t* state, int32_t* scratch, int8_t* output,
                         int32_t exact) {
  const int32_t filters = params->num_filters;
  int32_t* sums = scratch + tinyops_fully_connected_dsp_depth(params->input_size) / 2;
  int32_t b;
  for (b = 0; b < params->batches; ++b) {
    int16_t* st = state + b * filters * params->memory_size;
    int8_t* out = output + b * params->num_units;
    feature_sums(params, input + b * params->input_size, dsp_feature, scratch, sums);
    if (exact & TINYOPS_SVDF_EXACT_FEATURE) {
      time_filters16(params, st, weights_time, sums, 1);
    } else {
      time_filters16(params, st, weights_time, sums, 0);
    }
    if (params->state_zero_point != 0) subtract_state_zero_point(params, weights_time, sums);
    if (exact & TINYOPS_SVDF_EXACT_OUTPUT) {
      outputs_exact(params, sums, bias, out);
    } else {
      outputs_fast(params, sums, bias, out);
    }
  }
}

void tinyops_svdf_s8_state8_dsp(const tinyops_svdf_params* params, const int8_t* input,
                                const int8_t* dsp_feature, const int8_t* weights_time,
                                const int32_t* bias, int8_t* state, int32_t* scratch,
                                int8_t* output, int32_t exact) {
  const int32_t filters = params->num_filters;
  int32_t* sums = scratch + tinyops_fully_connected_dsp_depth(params->input_size) / 2;
  int32_t b;
  for (b = 0; b < params->batches; ++b) {
    int8_t* st = state + b * filters * params->memory_size;
    int8_t* out = output + b * params->num_units;
    feature_sums(params, input + b * params->input_size, dsp_feature, scratch, sums);
    if (exact & TINYOPS_SVDF_EXACT_FEATURE) {
      time_filters8(params, st, weights_time, sums, 1);
    } else {
      time_filters8(params, st, weights_time, sums, 0);
    }
    if (exact & TINYOPS_SVDF_EXACT_OUTPUT) {
      outputs_exact(params, sums, bias, out);
    } else {
      outputs_fast(params, sums, bias, out);
    }
  }
}
