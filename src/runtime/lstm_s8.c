/* UNIDIRECTIONAL_SEQUENCE_LSTM, int8 activations with an int16 cell state: TFLite Micro's
 * reference LstmStep (lstm_eval.h / lstm_eval.cc) step for step, so every rounding and
 * saturation point is the same. See lstm.h for the formulas. */
#include <string.h>

#include "tinyops/runtime/dsp_requantize.h"
#include "tinyops/runtime/fixed_point.h"
#include "tinyops/runtime/lstm.h"
#include "tinyops/runtime/lstm_step.h"

/* sigmoid(i / 24) in unsigned Q0.16 for i = 0..255: the table TFLite's int16 logistic and
 * tanh interpolate in (tanh(x) = 2 sigmoid(2x) - 1). Entry 255 saturates to 65535. */
static const uint16_t kSigmoidTable[256] = {
    32768u, 33451u, 34133u, 34813u, 35493u, 36169u, 36843u, 37513u, 38180u, 38841u, 39498u, 40149u,
    40794u, 41432u, 42064u, 42688u, 43304u, 43912u, 44511u, 45102u, 45683u, 46255u, 46817u, 47369u,
    47911u, 48443u, 48964u, 49475u, 49975u, 50464u, 50942u, 51409u, 51865u, 52311u, 52745u, 53169u,
    53581u, 53983u, 54374u, 54755u, 55125u, 55485u, 55834u, 56174u, 56503u, 56823u, 57133u, 57433u,
    57724u, 58007u, 58280u, 58544u, 58800u, 59048u, 59288u, 59519u, 59743u, 59959u, 60168u, 60370u,
    60565u, 60753u, 60935u, 61110u, 61279u, 61441u, 61599u, 61750u, 61896u, 62036u, 62172u, 62302u,
    62428u, 62549u, 62666u, 62778u, 62886u, 62990u, 63090u, 63186u, 63279u, 63368u, 63454u, 63536u,
    63615u, 63691u, 63765u, 63835u, 63903u, 63968u, 64030u, 64090u, 64148u, 64204u, 64257u, 64308u,
    64357u, 64405u, 64450u, 64494u, 64536u, 64576u, 64614u, 64652u, 64687u, 64721u, 64754u, 64786u,
    64816u, 64845u, 64873u, 64900u, 64926u, 64950u, 64974u, 64997u, 65019u, 65039u, 65060u, 65079u,
    65097u, 65115u, 65132u, 65149u, 65164u, 65179u, 65194u, 65208u, 65221u, 65234u, 65246u, 65258u,
    65269u, 65280u, 65291u, 65301u, 65310u, 65319u, 65328u, 65337u, 65345u, 65352u, 65360u, 65367u,
    65374u, 65381u, 65387u, 65393u, 65399u, 65404u, 65410u, 65415u, 65420u, 65425u, 65429u, 65433u,
    65438u, 65442u, 65445u, 65449u, 65453u, 65456u, 65459u, 65462u, 65465u, 65468u, 65471u, 65474u,
    65476u, 65479u, 65481u, 65483u, 65485u, 65488u, 65489u, 65491u, 65493u, 65495u, 65497u, 65498u,
    65500u, 65501u, 65503u, 65504u, 65505u, 65507u, 65508u, 65509u, 65510u, 65511u, 65512u, 65513u,
    65514u, 65515u, 65516u, 65517u, 65517u, 65518u, 65519u, 65520u, 65520u, 65521u, 65522u, 65522u,
    65523u, 65523u, 65524u, 65524u, 65525u, 65525u, 65526u, 65526u, 65526u, 65527u, 65527u, 65528u,
    65528u, 65528u, 65529u, 65529u, 65529u, 65529u, 65530u, 65530u, 65530u, 65530u, 65531u, 65531u,
    65531u, 65531u, 65531u, 65532u, 65532u, 65532u, 65532u, 65532u, 65532u, 65533u, 65533u, 65533u,
    65533u, 65533u, 65533u, 65533u, 65533u, 65534u, 65534u, 65534u, 65534u, 65534u, 65534u, 65534u,
    65534u, 65534u, 65534u, 65535u,
};

/* Arithmetic right shift that rounds toward minus infinity on every compiler (a plain >>
 * of a negative value is implementation-defined in C99). */
static int32_t shift_right_floor(int32_t x, int32_t shift) {
  return x >= 0 ? (x >> shift) : (int32_t) ~((~x) >> shift);
}

static int32_t abs_i32(int32_t x) {
  return x < 0 ? -x : x;
}

static int16_t saturate_s16(int32_t x) {
  return (int16_t)tinyops_clamp_i32(x, -32768, 32767);
}

/* kSigmoidTable interpolated at ax, whose bits above frac_bits index the table, or
 * `saturated` past its last step (sigmoid and tanh both read it, at different steps). */
static uint32_t table_value(uint32_t ax, uint32_t frac_bits, uint32_t saturated) {
  const uint32_t index = ax >> frac_bits;
  uint32_t a, b;
  if (index >= 255u) return saturated;
  a = kSigmoidTable[index];
  b = kSigmoidTable[index + 1];
  return (a << frac_bits) + (ax & ((1u << frac_bits) - 1u)) * (b - a);
}

void tinyops_lstm_sigmoid_s16(int32_t count, const int16_t* input, int16_t* output) {
  int32_t i;
  for (i = 0; i < count; ++i) {
    /* Q3.12 input times 3/4 (the table's 1/24 step is 512 input units after scaling by
     * 3): TFLite's power-of-two case, multiplier 3 and no shift. */
    const int32_t x = (int32_t)input[i] * 3;
    uint32_t r = table_value((uint32_t)abs_i32(x), 9u, (uint32_t)0x7FFF << 10);
    r = x >= 0 ? r + (1u << 9) : ((uint32_t)1 << 25) - r + (1u << 9) - 1u;
    output[i] = (int16_t)(r >> 10);
  }
}

void tinyops_lstm_tanh_s16(int32_t scale_power, int32_t count, const int16_t* input,
                           int16_t* output) {
  /* Bring the input to the table's step: scale 2^scale_power to Q3.12 times 3. */
  int32_t left_shift = (15 + scale_power) - 3, multiplier = 3, round = 0, i;
  if (left_shift < 0) {
    left_shift = -left_shift;
    round = (int32_t)1 << (left_shift - 1);
  } else {
    multiplier = (int32_t)3 << left_shift;
    left_shift = 0;
  }
  for (i = 0; i < count; ++i) {
    const int32_t x = shift_right_floor((int32_t)input[i] * multiplier + round, left_shift);
    int32_t r = (int32_t)table_value((uint32_t)abs_i32(x), 8u, (uint32_t)0xFFFF << 8);
    r = x >= 0 ? r - ((int32_t)1 << 23) + ((int32_t)1 << 7)
               : -r + ((int32_t)1 << 23) + ((int32_t)1 << 7) - 1;
    output[i] = (int16_t)shift_right_floor(r, 8);
  }
}

size_t tinyops_lstm_s8_scratch_size(const tinyops_lstm_params* p) {
  const size_t rows = p->time_major ? (size_t)p->batches : 1u;
  return 4u * rows * (size_t)p->state_size;
}

/* out[b][o] = saturate16(requantise(bias[o] + sum_d w[o][d] * (x[b][d] - zero_point))). */
static void fully_connected_s16(int32_t rows, int32_t depth, int32_t units, const int8_t* x,
                                int32_t zero_point, const int8_t* w, const int32_t* bias,
                                int32_t multiplier, int32_t shift, int16_t* out) {
  int32_t b, o, d;
  for (b = 0; b < rows; ++b) {
    for (o = 0; o < units; ++o) {
      const int8_t* wr = w + (size_t)o * (size_t)depth;
      const int8_t* xr = x + (size_t)b * (size_t)depth;
      /* Summed modulo 2^32, as TFLM's int32 sums behave on the hardware (a bias near the
       * int32 ends can carry the sum past them; signed overflow would be undefined in C). */
      uint32_t acc = 0;
      for (d = 0; d < depth; ++d)
        acc += (uint32_t)((int32_t)wr[d] * ((int32_t)xr[d] - zero_point));
      if (bias != NULL) acc += (uint32_t)bias[o];
      out[(size_t)b * (size_t)units + (size_t)o] = saturate_s16(
          tinyops_multiply_by_quantized_multiplier((int32_t)acc, multiplier, (int)shift));
    }
  }
}

static void add_s16(int32_t count, const int16_t* a, const int16_t* b, int16_t* out) {
  int32_t i;
  for (i = 0; i < count; ++i) out[i] = saturate_s16((int32_t)a[i] + (int32_t)b[i]);
}

/* MultiplyByQuantizedMultiplier in full, out of line: the checked form's fallback. */
static int32_t requantize_64(int32_t x, int32_t multiplier, int32_t shift) {
  return tinyops_multiply_by_quantized_multiplier(x, multiplier, (int)shift);
}

/* MultiplyByQuantizedMultiplier(x, multiplier, shift): with the 64-bit arithmetic, or, when
 * one_multiply, dsp_requantize.h's checked form (the same value for every x, one SMMULR on a
 * DSP core wherever the shifted x allows it, the 64-bit arithmetic elsewhere). */
static inline int32_t requantize(int32_t x, int32_t multiplier, int32_t shift,
                                 const tinyops_dsp_channel* c, int32_t one_multiply) {
  return one_multiply ? tinyops_dsp_requantize_checked(x, c, requantize_64)
                      : tinyops_multiply_by_quantized_multiplier(x, multiplier, (int)shift);
}

/* Inlined with a constant one_multiply, so each copy's loop has no test of it. */
static TINYOPS_DSP_ALWAYS_INLINE void mul_s16(int32_t count, const int16_t* a, const int16_t* b,
                                              int32_t multiplier, int32_t shift,
                                              int32_t one_multiply, int16_t* out) {
  const tinyops_dsp_channel c = tinyops_dsp_channel_of(0, multiplier, shift);
  int32_t i;
  for (i = 0; i < count; ++i)
    out[i] = saturate_s16(
        requantize((int32_t)a[i] * (int32_t)b[i], multiplier, shift, &c, one_multiply));
}

static void gate(const tinyops_lstm_params* p, const tinyops_lstm_s8_weights* w, int g,
                 int32_t rows, const int8_t* input, const int8_t* hidden, int16_t* out,
                 int16_t* fc_buffer, int use_sigmoid) {
  const int32_t count = rows * p->state_size;
  fully_connected_s16(rows, p->input_size, p->state_size, input, p->input_zero_point,
                      w->input_weights[g], w->bias[g], p->input_multiplier[g], p->input_shift[g],
                      out);
  fully_connected_s16(rows, p->state_size, p->state_size, hidden, p->hidden_zero_point,
                      w->recurrent_weights[g], NULL, p->recurrent_multiplier[g],
                      p->recurrent_shift[g], fc_buffer);
  add_s16(count, out, fc_buffer, out);
  tinyops_lstm_activate(count, out, use_sigmoid);
}

void tinyops_lstm_activate(int32_t count, int16_t* gate, int32_t use_sigmoid) {
  if (use_sigmoid) {
    tinyops_lstm_sigmoid_s16(count, gate, gate);
  } else {
    tinyops_lstm_tanh_s16(-12, count, gate, gate); /* Q3.12 in: scale 2^-12 */
  }
}

void tinyops_lstm_update_cell(const tinyops_lstm_params* p, int32_t count, const int16_t* forget,
                              int16_t* input_gate, const int16_t* cell_gate, int16_t* cell,
                              int32_t one_multiply) {
  int32_t i;
  if (one_multiply) {
    mul_s16(count, forget, cell, p->forget_cell_multiplier, p->forget_cell_shift, 1, cell);
    mul_s16(count, input_gate, cell_gate, p->input_cell_multiplier, p->input_cell_shift, 1,
            input_gate);
  } else {
    mul_s16(count, forget, cell, p->forget_cell_multiplier, p->forget_cell_shift, 0, cell);
    mul_s16(count, input_gate, cell_gate, p->input_cell_multiplier, p->input_cell_shift, 0,
            input_gate);
  }
  add_s16(count, cell, input_gate, cell);
  if (p->clip_cell) {
    const int32_t clip = p->quantized_cell_clip;
    for (i = 0; i < count; ++i) cell[i] = (int16_t)tinyops_clamp_i32(cell[i], -clip, clip);
  }
}

/* hidden = clamp(hidden_zp + requantise(tanh_cell * output_gate)), inlined per one_multiply. */
static TINYOPS_DSP_ALWAYS_INLINE void hidden_s8(const tinyops_lstm_params* p, int32_t count,
                                                const int16_t* output_gate,
                                                const int16_t* tanh_cell, int8_t* hidden,
                                                int32_t one_multiply) {
  const tinyops_dsp_channel c = tinyops_dsp_channel_of(0, p->hidden_multiplier, p->hidden_shift);
  int32_t i;
  for (i = 0; i < count; ++i) {
    const int32_t h =
        p->hidden_zero_point + requantize((int32_t)tanh_cell[i] * (int32_t)output_gate[i],
                                          p->hidden_multiplier, p->hidden_shift, &c, one_multiply);
    hidden[i] = (int8_t)tinyops_clamp_i32(h, -128, 127);
  }
}

void tinyops_lstm_update_hidden(const tinyops_lstm_params* p, int32_t count,
                                const int16_t* output_gate, const int16_t* cell, int16_t* tanh_cell,
                                int8_t* hidden, int8_t* output, int32_t one_multiply) {
  tinyops_lstm_tanh_s16(p->cell_state_scale_power, count, cell, tanh_cell);
  if (one_multiply) {
    hidden_s8(p, count, output_gate, tanh_cell, hidden, 1);
  } else {
    hidden_s8(p, count, output_gate, tanh_cell, hidden, 0);
  }
  memcpy(output, hidden, (size_t)count);
}

static void step(const tinyops_lstm_params* p, const tinyops_lstm_s8_weights* w, int32_t rows,
                 const int8_t* input, int8_t* hidden, int16_t* cell, int16_t* scratch,
                 int8_t* output) {
  const int32_t count = rows * p->state_size;
  int16_t* forget = scratch;
  int16_t* in_gate = scratch + count;
  int16_t* cell_gate = scratch + 2 * count;
  int16_t* fc_buffer = scratch + 3 * count;
  int16_t* out_gate = in_gate; /* reused once the cell is updated, as TFLite Micro does */
  int16_t* tanh_cell = forget;
  gate(p, w, TINYOPS_LSTM_FORGET, rows, input, hidden, forget, fc_buffer, 1);
  gate(p, w, TINYOPS_LSTM_INPUT, rows, input, hidden, in_gate, fc_buffer, 1);
  gate(p, w, TINYOPS_LSTM_CELL, rows, input, hidden, cell_gate, fc_buffer, p->cell_gate_sigmoid);
  tinyops_lstm_update_cell(p, count, forget, in_gate, cell_gate, cell, 0);
  /* The output gate still sees the previous hidden state. */
  gate(p, w, TINYOPS_LSTM_OUTPUT, rows, input, hidden, out_gate, fc_buffer, 1);
  tinyops_lstm_update_hidden(p, count, out_gate, cell, tanh_cell, hidden, output, 0);
}

void tinyops_lstm_s8(const tinyops_lstm_params* p, const tinyops_lstm_s8_weights* w,
                     const int8_t* input, int8_t* hidden_state, int16_t* cell_state,
                     int16_t* scratch, int8_t* output) {
  const size_t in_row = (size_t)p->input_size, state_row = (size_t)p->state_size;
  int32_t b, t;
  if (p->time_major) {
    /* One step covers every batch. */
    const size_t batches = (size_t)p->batches;
    for (t = 0; t < p->time_steps; ++t)
      step(p, w, p->batches, input + (size_t)t * batches * in_row, hidden_state, cell_state,
           scratch, output + (size_t)t * batches * state_row);
    return;
  }
  for (b = 0; b < p->batches; ++b) {
    for (t = 0; t < p->time_steps; ++t) {
      const size_t row = (size_t)b * (size_t)p->time_steps + (size_t)t;
      step(p, w, 1, input + row * in_row, hidden_state + (size_t)b * state_row,
           cell_state + (size_t)b * state_row, scratch, output + row * state_row);
    }
  }
}
