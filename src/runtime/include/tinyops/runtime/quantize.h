/* QUANTIZE and DEQUANTIZE (TFLite Micro reference arithmetic).
 * float -> int: round(x / scale) (halves away from zero, in float) + zero point, clamped.
 * int -> int (requantise): (x - input zero point) scaled by in_scale / out_scale through a
 * fixed-point multiplier, + output zero point, clamped.
 * int -> float: scale * (x - zero point), computed in double and rounded to float. */
#ifndef TINYOPS_RUNTIME_QUANTIZE_H
#define TINYOPS_RUNTIME_QUANTIZE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int32_t count;
  float scale; /* output scale */
  int32_t zero_point;
} tinyops_quantize_params;

typedef struct {
  int32_t count;
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t multiplier; /* in_scale / out_scale = multiplier * 2^(shift - 31) */
  int32_t shift;
} tinyops_requantize_params;

typedef struct {
  int32_t count;
  double scale; /* input scale */
  int32_t zero_point;
} tinyops_dequantize_params;

void tinyops_quantize_f32_s8(const tinyops_quantize_params* params, const float* input,
                             int8_t* output);
void tinyops_quantize_f32_s16(const tinyops_quantize_params* params, const float* input,
                              int16_t* output);

void tinyops_requantize_s8_s8(const tinyops_requantize_params* params, const int8_t* input,
                              int8_t* output);
void tinyops_requantize_s8_s16(const tinyops_requantize_params* params, const int8_t* input,
                               int16_t* output);
void tinyops_requantize_s8_s32(const tinyops_requantize_params* params, const int8_t* input,
                               int32_t* output);
void tinyops_requantize_s16_s8(const tinyops_requantize_params* params, const int16_t* input,
                               int8_t* output);
void tinyops_requantize_s16_s16(const tinyops_requantize_params* params, const int16_t* input,
                                int16_t* output);
void tinyops_requantize_s16_s32(const tinyops_requantize_params* params, const int16_t* input,
                                int32_t* output);
void tinyops_requantize_s32_s8(const tinyops_requantize_params* params, const int32_t* input,
                               int8_t* output);
void tinyops_requantize_s32_s16(const tinyops_requantize_params* params, const int32_t* input,
                                int16_t* output);

void tinyops_dequantize_s8_f32(const tinyops_dequantize_params* params, const int8_t* input,
                               float* output);
void tinyops_dequantize_s16_f32(const tinyops_dequantize_params* params, const int16_t* input,
                                float* output);

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_QUANTIZE_H */
