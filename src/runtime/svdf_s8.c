/* int8 SVDF: TFLite Micro's EvalIntegerSvdfReference for int16 and int8 state.
 * The state keeps memory_size slots per (batch, filter); slot memory_size - 1 is newest. */
#include "tinyops/runtime/fixed_point.h"
#include "tinyops/runtime/svdf.h"

/* int32 addition that wraps on overflow as two's complement. TFLite Micro accumulates in
 * plain int32 (undefined on overflow, wrapping in practice); unsigned arithmetic gives the
 * same bits without undefined behaviour (the scrambled keyword models do overflow). */
static int32_t wrapping_add(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);
}

size_t tinyops_svdf_s8_scratch_size(const tinyops_svdf_params* params) {
  return (size_t)params->batches * (size_t)(params->num_filters + params->num_units);
}

/* Projects one batch row of the input onto every filter, requantised to the state scale:
 * the value handed back is clamped to [lo, hi] before the state zero point is added, as
 * TFLite Micro does (for int8 state the sum then wraps when narrowed, again as there). */
static int32_t feature_value(const tinyops_svdf_params* p, const int8_t* in_row,
                             const int8_t* w_row, int32_t lo, int32_t hi) {
  int32_t acc = 0;
  int32_t c;
  for (c = 0; c < p->input_size; ++c)
    acc += (int32_t)w_row[c] * ((int32_t)in_row[c] - p->input_zero_point);
  acc = tinyops_multiply_by_quantized_multiplier(acc, p->multiplier_1, p->shift_1);
  return tinyops_clamp_i32(acc, lo, hi) + p->state_zero_point;
}

/* filter_sums [batches, num_filters] -> output: bias, sum of `rank` filters per unit,
 * requantise to the output scale, clamp to int8. */
static void reduce_to_output(const tinyops_svdf_params* p, const int32_t* filter_sums,
                             const int32_t* bias, int32_t* unit_sums, int8_t* output) {
  const int32_t n = p->batches * p->num_units;
  int32_t b, u, r, i;
  for (b = 0; b < p->batches; ++b) {
    const int32_t* f = filter_sums + b * p->num_filters;
    int32_t* sums = unit_sums + b * p->num_units;
    for (u = 0; u < p->num_units; ++u) {
      sums[u] = bias != NULL ? bias[u] : 0;
      for (r = 0; r < p->rank; ++r) sums[u] = wrapping_add(sums[u], *f++);
    }
  }
  for (i = 0; i < n; ++i) {
    int32_t v = tinyops_multiply_by_quantized_multiplier(unit_sums[i], p->multiplier_2, p->shift_2);
    v = tinyops_clamp_i32(v + p->output_zero_point, -128, 127);
    output[i] = (int8_t)v;
  }
}

void tinyops_svdf_s8(const tinyops_svdf_params* params, const int8_t* input,
                     const int8_t* weights_feature, const int16_t* weights_time,
                     const int32_t* bias, int16_t* state, int32_t* scratch, int8_t* output) {
  const int32_t mem = params->memory_size, filters = params->num_filters;
  const int32_t total = params->batches * filters * mem;
  int32_t* filter_sums = scratch;
  int32_t* unit_sums = scratch + params->batches * filters;
  int32_t i, b, f, j;
  /* The whole buffer moves one slot left; each filter's newest slot is rewritten below. */
  for (i = 0; i + 1 < total; ++i) state[i] = state[i + 1];
  for (b = 0; b < params->batches; ++b) {
    const int8_t* in_row = input + b * params->input_size;
    int16_t* st = state + b * filters * mem;
    for (f = 0; f < filters; ++f) {
      st[f * mem + mem - 1] = (int16_t)feature_value(
          params, in_row, weights_feature + f * params->input_size, INT16_MIN, INT16_MAX);
    }
  }
  for (b = 0; b < params->batches; ++b) {
    const int16_t* st = state + b * filters * mem;
    for (f = 0; f < filters; ++f) {
      int32_t acc = 0;
      for (j = 0; j < mem; ++j)
        acc = wrapping_add(acc, (int32_t)weights_time[f * mem + j] *
                                    ((int32_t)st[f * mem + j] - params->state_zero_point));
      filter_sums[b * filters + f] = acc;
    }
  }
  reduce_to_output(params, filter_sums, bias, unit_sums, output);
}

void tinyops_svdf_s8_state8(const tinyops_svdf_params* params, const int8_t* input,
                            const int8_t* weights_feature, const int8_t* weights_time,
                            const int32_t* bias, int8_t* state, int32_t* scratch, int8_t* output) {
  const int32_t mem = params->memory_size, filters = params->num_filters;
  const int32_t total = params->batches * filters * mem;
  int32_t* filter_sums = scratch;
  int32_t* unit_sums = scratch + params->batches * filters;
  int32_t i, b, f, j;
  for (i = 0; i + 1 < total; ++i) state[i] = state[i + 1];
  for (b = 0; b < params->batches; ++b) {
    const int8_t* in_row = input + b * params->input_size;
    int8_t* st = state + b * filters * mem;
    for (f = 0; f < filters; ++f) {
      st[f * mem + mem - 1] = (int8_t)feature_value(
          params, in_row, weights_feature + f * params->input_size, INT8_MIN, INT8_MAX);
    }
  }
  for (b = 0; b < params->batches; ++b) {
    const int8_t* st = state + b * filters * mem;
    for (f = 0; f < filters; ++f) {
      int32_t acc = 0;
      for (j = 0; j < mem; ++j)
        acc = wrapping_add(acc, (int32_t)weights_time[f * mem + j] *
                                    ((int32_t)st[f * mem + j] - params->state_zero_point));
      filter_sums[b * filters + f] = acc;
    }
  }
  reduce_to_output(params, filter_sums, bias, unit_sums, output);
}
