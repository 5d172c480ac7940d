/* Float MEAN: sum in input order, divide by the element count (as a float). */
#include "tinyops/runtime/reduce_iter.h"
#include "tinyops/runtime/shape_ops.h"

void tinyops_mean_f32(const tinyops_reduce_shape* shape, const float* input, float* output) {
  tinyops_reduce_plan plan;
  int32_t o, r;
  tinyops_reduce_plan_init(shape, &plan);
  for (o = 0; o < plan.outputs; ++o) {
    const float* base = input + tinyops_reduce_base(&plan, o);
    float sum = 0.0f;
    for (r = 0; r < plan.per_output; ++r) sum += base[tinyops_reduce_step(&plan, r)];
    output[o] = plan.per_output > 0 ? sum / (float)plan.per_output : 0.0f;
  }
}
