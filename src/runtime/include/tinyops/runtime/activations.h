/* Activation operators (TFLite SOFTMAX, LOGISTIC, TANH, RELU, RELU6), int8 and float32.
 * int8 kernels follow TFLite Micro's reference kernels bit for bit: SOFTMAX, LOGISTIC and
 * TANH evaluate gemmlowp's fixed-point exp/reciprocal (fixed_point_math.h); RELU
 * requantises through a fixed-point multiplier; RELU6 clamps in the input's domain. */
#ifndef TINYOPS_RUNTIME_ACTIVATIONS_H
#define TINYOPS_RUNTIME_ACTIVATIONS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Softmax over the innermost dimension of `rows` rows of `depth` values. */
typedef struct {
  int32_t rows;
  int32_t depth;
  int32_t input_multiplier; /* beta * input scale * 2^26, as multiplier * 2^(shift - 31) */
  int32_t input_left_shift; /* >= 0 */
  int32_t diff_min;         /* differences below this contribute nothing (output = min) */
} tinyops_softmax_params;

typedef struct {
  int32_t rows;
  int32_t depth;
  float beta;
} tinyops_softmax_params_f32;

/* int8 output: scale 1/256, zero point -128. */
void tinyops_softmax_s8(const tinyops_softmax_params* params, const int8_t* input, int8_t* output);
/* int16 output: scale 1/65536, zero point -32768. */
void tinyops_softmax_s8_s16(const tinyops_softmax_params* params, const int8_t* input,
                            int16_t* output);
void tinyops_softmax_f32(const tinyops_softmax_params_f32* params, const float* input,
                         float* output);

/* LOGISTIC / TANH on int8: the input, less its zero point, is rescaled to Q4 by
 * multiplier * 2^(shift - 31); beyond +-range_radius the output saturates. */
typedef struct {
  int32_t count;
  int32_t input_zero_point;
  int32_t input_range_radius;
  int32_t input_multiplier;
  int32_t input_shift;
} tinyops_sigmoid_params;

/* Output scale 1/256, zero point -128. */
void tinyops_logistic_s8(const tinyops_sigmoid_params* params, const int8_t* input, int8_t* output);
/* Output scale 1/128, zero point 0. */
void tinyops_tanh_s8(const tinyops_sigmoid_params* params, const int8_t* input, int8_t* output);
void tinyops_logistic_f32(int32_t count, const float* input, float* output);
void tinyops_tanh_f32(int32_t count, const float* input, float* output);

/* RELU on int8: requantise from the input to the output domain, then clamp. */
typedef struct {
  int32_t count;
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t output_multiplier;
  int32_t output_shift;
  int32_t act_min;
  int32_t act_max;
} tinyops_relu_params;

void tinyops_relu_s8(const tinyops_relu_params* params, const int8_t* input, int8_t* output);
/* RELU6 on int8 (TFLite Micro): clamp to [zero, six] quantised with the input's
 * parameters; no requantisation. */
void tinyops_relu6_s8(int32_t count, int8_t zero, int8_t six, const int8_t* input, int8_t* output);
void tinyops_relu_f32(int32_t count, const float* input, float* output);
void tinyops_relu6_f32(int32_t count, const float* input, float* output);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_ACTIVATIONS_H */
