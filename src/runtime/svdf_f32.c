/* float32 SVDF: TFLite Micro's EvalFloatSvdfReference, accumulating in its order. */
#include "tinyops/runtime/fixed_point.h"
#include "tinyops/runtime/svdf.h"

size_t tinyops_svdf_f32_scratch_size(const tinyops_svdf_params_f32* params) {
  return (size_t)params->batches * (size_t)params->num_filters;
}

void tinyops_svdf_f32(const tinyops_svdf_params_f32* params, const float* input,
                      const float* weights_feature, const float* weights_time, const float* bias,
                      float* state, float* scratch, float* output) {
  const int32_t mem = params->memory_size, filters = params->num_filters;
  const int32_t units = params->num_units;
  const int32_t total = params->batches * filters * mem;
  int32_t i, b, f, j, u, r;
  for (i = 0; i + 1 < total; ++i) state[i] = state[i + 1];
  for (b = 0; b < params->batches; ++b) {
    const float* in_row = input + b * params->input_size;
    for (f = 0; f < filters; ++f) {
      const float* w_row = weights_feature + f * params->input_size;
      float acc = 0.0f;
      for (j = 0; j < params->input_size; ++j) acc += w_row[j] * in_row[j];
      state[(b * filters + f) * mem + mem - 1] = acc;
    }
  }
  for (b = 0; b < params->batches; ++b) {
    const float* st = state + b * filters * mem;
    for (f = 0; f < filters; ++f) {
      float acc = 0.0f;
      for (j = 0; j < mem; ++j) acc += weights_time[f * mem + j] * st[f * mem + j];
      scratch[b * filters + f] = acc;
    }
  }
  for (b = 0; b < params->batches; ++b) {
    const float* s = scratch + b * filters;
    float* out = output + b * units;
    for (u = 0; u < units; ++u) {
      out[u] = bias != NULL ? bias[u] : 0.0f;
      for (r = 0; r < params->rank; ++r) out[u] += *s++;
    }
  }
  for (i = 0; i < params->batches * units; ++i)
    output[i] = tinyops_clamp_f32(output[i], params->act_min, params->act_max);
}
