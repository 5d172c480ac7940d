/* UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite), integer form: int8 input, output and hidden
 * state, int16 cell state, int8 weights and int32 biases, as TFLite Micro's reference
 * kernel (lstm_eval.h, EvalLstm<int8_t, int8_t, int16_t, int32_t>) computes it, bit-exact.
 *
 * Each time step computes four gates, each `act(FC(input) + FC(hidden))` in int16 Q3.12
 * before the activation and Q0.15 after it (sigmoid for forget, input and output; the
 * cell gate's activation is configurable, tanh in practice), then
 *   cell   = clip(forget * cell + input * cell_gate)
 *   hidden = tanh(cell) * output
 * and copies the hidden state to the step's output row. Hidden and cell state persist
 * across calls (they are the op's variable tensors). No peephole, projection or layer
 * norm: TFLite Micro rejects those too. */
#ifndef TINYOPS_RUNTIME_LSTM_H
#define TINYOPS_RUNTIME_LSTM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Gate order used by every per-gate array below (TFLite Micro's evaluation order). */
enum {
  TINYOPS_LSTM_FORGET = 0,
  TINYOPS_LSTM_INPUT = 1,
  TINYOPS_LSTM_CELL = 2,
  TINYOPS_LSTM_OUTPUT = 3
};

typedef struct {
  int32_t batches;
  int32_t time_steps;
  int32_t input_size;
  int32_t state_size;
  int32_t time_major; /* input [time, batch, input] when 1, [batch, time, input] when 0 */
  int32_t input_zero_point;
  int32_t hidden_zero_point;
  /* input x weights -> gate pre-activation (scale 2^-12), per gate */
  int32_t input_multiplier[4];
  int32_t input_shift[4];
  /* hidden x recurrent weights -> gate pre-activation, per gate */
  int32_t recurrent_multiplier[4];
  int32_t recurrent_shift[4];
  int32_t forget_cell_multiplier; /* forget (2^-15) x cell -> cell */
  int32_t forget_cell_shift;
  int32_t input_cell_multiplier; /* input (2^-15) x cell gate (2^-15) -> cell */
  int32_t input_cell_shift;
  int32_t hidden_multiplier; /* tanh(cell) (2^-15) x output (2^-15) -> hidden */
  int32_t hidden_shift;
  int32_t cell_state_scale_power; /* cell scale = 2^cell_state_scale_power */
  int32_t clip_cell;              /* 1: clip the cell state to +-quantized_cell_clip */
  int32_t quantized_cell_clip;
  int32_t cell_gate_sigmoid; /* 1: the cell gate uses sigmoid instead of tanh */
} tinyops_lstm_params;

typedef struct {
  const int8_t* input_weights[4];     /* per gate, [state_size, input_size] */
  const int8_t* recurrent_weights[4]; /* per gate, [state_size, state_size] */
  const int32_t* bias[4];             /* per gate, [state_size] */
} tinyops_lstm_s8_weights;

/* int16 scratch elements: four buffers of one step's states (batches when time-major). */
size_t tinyops_lstm_s8_scratch_size(const tinyops_lstm_params* params);

void tinyops_lstm_s8(const tinyops_lstm_params* params, const tinyops_lstm_s8_weights* weights,
                     const int8_t* input, int8_t* hidden_state, int16_t* cell_state,
                     int16_t* scratch, int8_t* output);

/* The int16 non-linearities, exposed for tests. sigmoid: Q3.12 in, Q0.15 out.
 * tanh: input scale 2^scale_power in, Q0.15 out. */
void tinyops_lstm_sigmoid_s16(int32_t count, const int16_t* input, int16_t* output);
void tinyops_lstm_tanh_s16(int32_t scale_power, int32_t count, const int16_t* input,
                           int16_t* output);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_LSTM_H */
