/* UNIDIRECTIONAL_SEQUENCE_LSTM (int8, int16 cell state) for Cortex-M cores with the DSP
 * extension: lstm_s8.c's results, bit for bit, with the eight gate matrix products of a
 * step on SMLAD. The int16 gate arithmetic after them is lstm_s8.c's own (lstm_step.h).
 *
 * The weights come re-laid out at compile time by tinyops_lstm_s8_dsp_weights: per gate
 * (forget, input, cell, output) the input-to-gate then the recurrent matrix, each in the
 * FULLY_CONNECTED DSP layout (dsp_kernels.h: rows in blocks of 4, the depth padded to a
 * multiple of 4 with zero weights), one after another in one 4-byte aligned array. The gate
 * products are requantised with the one-multiply form where tinyops_lstm_s8_dsp_small_acc
 * proves its bound for every input at compile time, else with the checked form
 * (dsp_requantize.h: one multiply where exact, the 64-bit arithmetic elsewhere); the zero points of
 * int8 tensors always give input offsets in [-127, 128], as SADD16 on the expanded rows needs. */
#ifndef TINYOPS_RUNTIME_LSTM_DSP_H
#define TINYOPS_RUNTIME_LSTM_DSP_H

#include <stddef.h>
#include <stdint.h>

#include "tinyops/runtime/lstm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  const int8_t* weights;  /* tinyops_lstm_s8_dsp_weights's output */
  const int32_t* bias[4]; /* per gate, [state_size]; NULL for none */
} tinyops_lstm_s8_dsp_weights_t;

/* Bytes of the re-laid-out weights (a multiple of 4). */
size_t tinyops_lstm_s8_dsp_weights_size(const tinyops_lstm_params* params);
/* The 8 gate matrices of `weights` (biases unused) -> out (weights_size bytes). */
void tinyops_lstm_s8_dsp_weights(const tinyops_lstm_params* params,
                                 const tinyops_lstm_s8_weights* weights, int8_t* out);

/* 1 when every gate product's accumulator provably meets the one-multiply requantisation's
 * bound (dsp_requantize.h) for every input and state; otherwise the kernel is called with
 * exact_requantize = 1. */
int32_t tinyops_lstm_s8_dsp_small_acc(const tinyops_lstm_params* params,
                                      const tinyops_lstm_s8_weights* weights);

/* Bytes of scratch, 4-byte aligned: the four gates of one step and one expanded input and
 * hidden row, and two rows of accumulators. */
size_t tinyops_lstm_s8_dsp_scratch_size(const tinyops_lstm_params* params);

/* tinyops_lstm_s8's contract, with the weights above and a scratch of scratch_size bytes. */
void tinyops_lstm_s8_dsp(const tinyops_lstm_params* params,
                         const tinyops_lstm_s8_dsp_weights_t* weights, const int8_t* input,
                         int8_t* hidden_state, int16_t* cell_state, int32_t* scratch,
                         int8_t* output, int32_t exact_requantize);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_LSTM_DSP_H */
