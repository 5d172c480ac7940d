/* The int16 arithmetic of one LSTM step after its gates, shared by the reference kernel
 * (lstm_s8.c, which defines these) and the DSP one (lstm_s8_dsp.c), so both round and
 * saturate at the same points by construction. Internal to the two kernels. */
#ifndef TINYOPS_RUNTIME_LSTM_STEP_H
#define TINYOPS_RUNTIME_LSTM_STEP_H

#include <stdint.h>

#include "tinyops/runtime/lstm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Activates `count` gate pre-activations (Q3.12) in place: sigmoid, or tanh when
 * `use_sigmoid` is 0, to Q0.15. */
void tinyops_lstm_activate(int32_t count, int16_t* gate, int32_t use_sigmoid);

/* In both functions below, one_multiply = 0 requantises each product with TFLite's 64-bit
 * MultiplyByQuantizedMultiplier (the reference), 1 with dsp_requantize.h's checked form,
 * which gives the same value for every product in fewer instructions on DSP cores. */

/* cell = clip(forget * cell + input_gate * cell_gate); input_gate is overwritten. */
void tinyops_lstm_update_cell(const tinyops_lstm_params* params, int32_t count,
                              const int16_t* forget, int16_t* input_gate, const int16_t* cell_gate,
                              int16_t* cell, int32_t one_multiply);

/* hidden = requantise(tanh(cell) * output_gate), copied to output; tanh_cell is a buffer
 * of `count` values. */
void tinyops_lstm_update_hidden(const tinyops_lstm_params* params, int32_t count,
                                const int16_t* output_gate, const int16_t* cell, int16_t* tanh_cell,
                                int8_t* hidden, int8_t* output, int32_t one_multiply);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_LSTM_STEP_H */
