/* Float ADD with fused activation clamp. */
#include "tinyops/runtime/elementwise_binary.h"

void tinyops_add_f32(float act_min, float act_max, const tinyops_broadcast* shape,
                     const float* input1, const float* input2, float* output) {
  tinyops_broadcast_iter it;
  int32_t i;
  tinyops_broadcast_begin(shape, &it);
  for (i = 0; i < shape->count; ++i) {
    output[i] = tinyops_clamp_f32(input1[it.offset1] + input2[it.offset2], act_min, act_max);
    tinyops_broadcast_next(shape, &it);
  }
}
