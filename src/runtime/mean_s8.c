/* int8 MEAN as TFLite Micro computes it (reduce_common.cc -> QuantizedMeanOrSum in
 * reference/reduce.h): every int8 MEAN requantises through the multiplier with 1/count
 * folded in, which rounds. Older TFLite had an integer-division shortcut (truncating
 * sum / count) when input and output share their quantisation; TFLM at the commit that
 * made the reference vectors has none, so neither do we. */
#include "tinyops/runtime/fixed_point.h"
#include "tinyops/runtime/reduce_iter.h"
#include "tinyops/runtime/shape_ops.h"

void tinyops_mean_s8(const tinyops_mean_params* params, const tinyops_reduce_shape* shape,
                     const int8_t* input, int8_t* output) {
  tinyops_reduce_plan plan;
  int32_t o, r;
  tinyops_reduce_plan_init(shape, &plan);
  for (o = 0; o < plan.outputs; ++o) {
    const int8_t* base = input + tinyops_reduce_base(&plan, o);
    int32_t sum = 0;
    int32_t value;
    for (r = 0; r < plan.per_output; ++r) sum += base[tinyops_reduce_step(&plan, r)];
    if (plan.per_output == 0) {
      value = 0;
    } else {
      const int32_t shifted =
          (int32_t)((int64_t)sum - (int64_t)params->input_zero_point * plan.per_output);
      value = tinyops_clamp_i32(
          tinyops_multiply_by_quantized_multiplier(shifted, params->multiplier, params->shift) +
              params->output_zero_point,
          -128, 127);
    }
    output[o] = (int8_t)value;
  }
}
