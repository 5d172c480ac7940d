/* UNIDIRECTIONAL_SEQUENCE_LSTM, int8 with an int16 cell state, on the Arm DSP extension: the
 * gate matrix products of lstm_s8.c on SMLAD, the rest through lstm_step.h (lstm_s8.c's
 * own code). See lstm_dsp.h for the weight layout.
 *
 * Each step expands its input row and hidden row once into the scratch (int16 pairs with
 * the zero point subtracted, in the (v0, v2), (v1, v3) order that SXTB16 and SXTB16 ROR #8
 * make of four weights), and every gate then reads them: 4 output rows at a time, one
 * accumulator per row for the input product and one for the recurrent product, since the
 * reference saturates each product to int16 before adding the two. */
#include "tinyops/runtime/dsp_dot_quad.h"
#include "tinyops/runtime/dsp_intrinsics.h"
#include "tinyops/runtime/dsp_kernels.h"
#include "tinyops/runtime/dsp_requantize.h"
#include "tinyops/runtime/fixed_point.h"
#include "tinyops/runtime/lstm_dsp.h"
#include "tinyops/runtime/lstm_step.h"

static int32_t rows_per_step(const tinyops_lstm_params* p) {
  return p->time_major ? p->batches : 1;
}

/* int32 words of one expanded row of `depth` values. */
static int32_t expanded_words(int32_t depth) {
  return tinyops_fully_connected_dsp_depth(depth) / 2;
}

static int32_t matrix_bytes(int32_t rows, int32_t depth) {
  return rows * tinyops_fully_connected_dsp_depth(depth);
}

size_t tinyops_lstm_s8_dsp_scratch_size(const tinyops_lstm_params* p) {
  const size_t gates = 4u * (size_t)rows_per_step(p) * (size_t)p->state_size * 2u;
  const size_t words = (size_t)(expanded_words(p->input_size) + expanded_words(p->state_size)) +
                       2u * (size_t)p->state_size; /* the two products' accumulators */
  return gates + 4u * words;
}

/* TFLite's MultiplyByQuantizedMultiplier in full, out of line: the rare products whose
 * shifted accumulator does not fit the one-multiply form. */
TINYOPS_DSP_NOINLINE static int32_t requantize_64(int32_t acc, int32_t multiplier, int32_t shift) {
  return tinyops_multiply_by_quantized_multiplier(acc, multiplier, shift);
}

/* Each product requantised (dsp_requantize.h): when exact, checked (one high multiply
 * where that is exact, the 64-bit arithmetic elsewhere), else in the one-multiply form whose
 * bound the caller proved; then saturated to int16 as the reference does. */
static inline int32_t requantize16(int32_t acc, const tinyops_dsp_channel* c, int32_t exact) {
  return tinyops_ssat16(exact ? tinyops_dsp_requantize_checked(acc, c, requantize_64)
                              : tinyops_dsp_requantize(acc, c));
}

/* One gate's accumulators for one row: w_in [state][input], w_rec [state][state] in the FC
 * DSP layout, x and h the expanded input and hidden rows; the input products (with the
 * bias) go to acc_in, the recurrent ones to acc_rec. */
TINYOPS_DSP_NOINLINE static void gate_sums(int32_t input_size, int32_t state_size,
                                           const int8_t* w_in, const int8_t* w_rec,
                                           const int32_t* bias, const int32_t* x, const int32_t* h,
                                           int32_t* acc_in, int32_t* acc_rec) {
  const int32_t in_groups = tinyops_fully_connected_dsp_depth(input_size) / 4;
  const int32_t rec_groups = tinyops_fully_connected_dsp_depth(state_size) / 4;
  const int32_t quads = state_size / 4;
  int32_t o, g;
  for (o = 0; o < 4 * quads; o += 4) {
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, r0 = 0, r1 = 0, r2 = 0, r3 = 0;
    if (bias != 0) {
      a0 = bias[o];
      a1 = bias[o + 1];
      a2 = bias[o + 2];
      a3 = bias[o + 3];
    }
    w_in = tinyops_dsp_dot_quad(x, w_in, in_groups, &a0, &a1, &a2, &a3);
    acc_in[o] = a0;
    acc_in[o + 1] = a1;
    acc_in[o + 2] = a2;
    acc_in[o + 3] = a3;
    w_rec = tinyops_dsp_dot_quad(h, w_rec, rec_groups, &r0, &r1, &r2, &r3);
    acc_rec[o] = r0;
    acc_rec[o + 1] = r1;
    acc_rec[o + 2] = r2;
    acc_rec[o + 3] = r3;
  }
  for (; o < state_size; ++o) {
    int32_t a = bias != 0 ? bias[o] : 0, r = 0;
    for (g = 0; g < in_groups; ++g, w_in += 4)
      a = tinyops_dsp_dot4(x[2 * g], x[2 * g + 1], tinyops_dsp_read32(w_in), a);
    for (g = 0; g < rec_groups; ++g, w_rec += 4)
      r = tinyops_dsp_dot4(h[2 * g], h[2 * g + 1], tinyops_dsp_read32(w_rec), r);
    acc_in[o] = a;
    acc_rec[o] = r;
  }
}

/* out = sat16(sat16(requantise(acc_in)) + sat16(requantise(acc_rec))), the reference's
 * saturation points; its own loop, so the two channels stay in registers. Inlined twice
 * with a constant `exact`. */
static TINYOPS_DSP_ALWAYS_INLINE void gate_requantize_body(int32_t count, const int32_t* acc_in,
                                                           const int32_t* acc_rec,
                                                           const tinyops_dsp_channel* in_channel,
                                                           const tinyops_dsp_channel* rec_channel,
                                                           int16_t* out, int32_t exact) {
  const tinyops_dsp_channel ci = *in_channel, cr = *rec_channel;
  int32_t o;
  for (o = 0; o < count; ++o) {
    out[o] = (int16_t)tinyops_ssat16(requantize16(acc_in[o], &ci, exact) +
                                     requantize16(acc_rec[o], &cr, exact));
  }
}

TINYOPS_DSP_NOINLINE static void gate_requantize(int32_t count, const int32_t* acc_in,
                                                 const int32_t* acc_rec,
                                                 const tinyops_dsp_channel* ci,
                                                 const tinyops_dsp_channel* cr, int16_t* out) {
  gate_requantize_body(count, acc_in, acc_rec, ci, cr, out, 0);
}

TINYOPS_DSP_NOINLINE static void gate_requantize_exact(int32_t count, const int32_t* acc_in,
                                                       const int32_t* acc_rec,
                                                       const tinyops_dsp_channel* ci,
                                                       const tinyops_dsp_channel* cr,
                                                       int16_t* out) {
  gate_requantize_body(count, acc_in, acc_rec, ci, cr, out, 1);
}

static void step(const tinyops_lstm_params* p, const tinyops_lstm_s8_dsp_weights_t* w, int32_t rows,
                 const int8_t* input, int8_t* hidden, int16_t* cell, int32_t* scratch,
                 int8_t* output, int32_t exact) {
  const int32_t n = p->state_size, count = rows * n;
  const int32_t in_bytes = matrix_bytes(n, p->input_size), rec_bytes = matrix_bytes(n, n);
  int32_t* x = scratch;
  int32_t* h = x + expanded_words(p->input_size);
  int32_t* acc_in = h + expanded_words(n);
  int32_t* acc_rec = acc_in + n;
  int16_t* gates = (int16_t*)(acc_rec + n); /* [gate][row][state] */
  int32_t b, g;
  for (b = 0; b < rows; ++b) {
    tinyops_dsp_expand_row(input + (size_t)b * (size_t)p->input_size, p->input_size,
                           -p->input_zero_point, x);
    tinyops_dsp_expand_row(hidden + (size_t)b * (size_t)n, n, -p->hidden_zero_point, h);
    for (g = 0; g < 4; ++g) {
      const int8_t* w_in = w->weights + (size_t)g * (size_t)(in_bytes + rec_bytes);
      const tinyops_dsp_channel ci =
          tinyops_dsp_channel_of(0, p->input_multiplier[g], p->input_shift[g]);
      const tinyops_dsp_channel cr =
          tinyops_dsp_channel_of(0, p->recurrent_multiplier[g], p->recurrent_shift[g]);
      gate_sums(p->input_size, n, w_in, w_in + in_bytes, w->bias[g], x, h, acc_in, acc_rec);
      int16_t* out = gates + (size_t)g * (size_t)count + (size_t)b * (size_t)n;
      if (exact) {
        gate_requantize_exact(n, acc_in, acc_rec, &ci, &cr, out);
      } else {
        gate_requantize(n, acc_in, acc_rec, &ci, &cr, out);
      }
    }
  }
  for (g = 0; g < 4; ++g) {
    const int32_t sigmoid = g == TINYOPS_LSTM_CELL ? p->cell_gate_sigmoid : 1;
    tinyops_lstm_activate(count, gates + (size_t)g * (size_t)count, sigmoid);
  }
  tinyops_lstm_update_cell(p, count, gates + TINYOPS_LSTM_FORGET * count,
                           gates + TINYOPS_LSTM_INPUT * count, gates + TINYOPS_LSTM_CELL * count,
                           cell, 1);
  /* The forget gate is spent: its buffer takes tanh(cell). */
  tinyops_lstm_update_hidden(p, count, gates + TINYOPS_LSTM_OUTPUT * count, cell,
                             gates + TINYOPS_LSTM_FORGET * count, hidden, output, 1);
}

void tinyops_lstm_s8_dsp(const tinyops_lstm_params* p, const tinyops_lstm_s8_dsp_weights_t* w,
                         const int8_t* input, int8_t* hidden_state, int16_t* cell_state,
                         int32_t* scratch, int8_t* output, int32_t exact_requantize) {
  const size_t in_row = (size_t)p->input_size, state_row = (size_t)p->state_size;
  int32_t b, t;
  if (p->time_major) {
    const size_t batches = (size_t)p->batches;
    for (t = 0; t < p->time_steps; ++t)
      step(p, w, p->batches, input + (size_t)t * batches * in_row, hidden_state, cell_state,
           scratch, output + (size_t)t * batches * state_row, exact_requantize);
    return;
  }
  for (b = 0; b < p->batches; ++b) {
    for (t = 0; t < p->time_steps; ++t) {
      const size_t row = (size_t)b * (size_t)p->time_steps + (size_t)t;
      step(p, w, 1, input + row * in_row, hidden_state + (size_t)b * state_row,
           cell_state + (size_t)b * state_row, scratch, output + row * state_row, exact_requantize);
    }
  }
}
