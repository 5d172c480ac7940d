/* SVDF (TFLite SVDF): a rank-factored time filter over a rolling activation state.
 * Each step shifts the state one slot left, writes the feature projection
 * weights_feature x input into each filter's newest slot, filters every state row with
 * its weights_time row, sums `rank` filters per unit and adds the bias.
 * int8: TFLite Micro's EvalIntegerSvdfReference with int16 state and time weights
 * (tinyops_svdf_s8) or int8 ones (tinyops_svdf_s8_state8), bit-exact.
 * float32: TFLite Micro's EvalFloatSvdfReference, same accumulation order. */
#ifndef TINYOPS_RUNTIME_SVDF_H
#define TINYOPS_RUNTIME_SVDF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int32_t batches;
  int32_t input_size;
  int32_t num_filters; /* weights_feature rows = num_units * rank */
  int32_t num_units;
  int32_t rank;
  int32_t memory_size; /* weights_time columns: state slots per filter */
  int32_t input_zero_point;
  int32_t state_zero_point;
  int32_t output_zero_point;
  int32_t multiplier_1; /* input * weights_feature -> state */
  int32_t shift_1;
  int32_t multiplier_2; /* state * weights_time -> output */
  int32_t shift_2;
} tinyops_svdf_params;

typedef struct {
  int32_t batches;
  int32_t input_size;
  int32_t num_filters;
  int32_t num_units;
  int32_t rank;
  int32_t memory_size;
  float act_min;
  float act_max;
} tinyops_svdf_params_f32;

/* int32 scratch elements an int8 SVDF needs: one per filter and one per unit, per batch. */
size_t tinyops_svdf_s8_scratch_size(const tinyops_svdf_params* params);

/* input [batches, input_size] int8, weights_feature [num_filters, input_size] int8,
 * weights_time [num_filters, memory_size], bias [num_units] int32 (may be NULL),
 * state [batches, num_filters * memory_size] (read and updated), output [batches,
 * num_units] int8. The fused activation is ignored, as in TFLite Micro. */
void tinyops_svdf_s8(const tinyops_svdf_params* params, const int8_t* input,
                     const int8_t* weights_feature, const int16_t* weights_time,
                     const int32_t* bias, int16_t* state, int32_t* scratch, int8_t* output);
void tinyops_svdf_s8_state8(const tinyops_svdf_params* params, const int8_t* input,
                            const int8_t* weights_feature, const int8_t* weights_time,
                            const int32_t* bias, int8_t* state, int32_t* scratch, int8_t* output);

/* float scratch elements: one per filter per batch. */
size_t tinyops_svdf_f32_scratch_size(const tinyops_svdf_params_f32* params);

/* Same layout with float tensors; bias may be NULL. */
void tinyops_svdf_f32(const tinyops_svdf_params_f32* params, const float* input,
                      const float* weights_feature, const float* weights_time, const float* bias,
                      float* state, float* scratch, float* output);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_SVDF_H */
