/* int32 MUL: wrapping product, then the fused activation clamp. */
#include "tinyops/runtime/elementwise_binary.h"

void tinyops_mul_s32(int32_t act_min, int32_t act_max, const tinyops_broadcast* shape,
                     const int32_t* input1, const int32_t* input2, int32_t* output) {
  tinyops_broadcast_iter it;
  int32_t i;
  tinyops_broadcast_begin(shape, &it);
  for (i = 0; i < shape->count; ++i) {
    const int32_t v = (int32_t)((uint32_t)input1[it.offset1] * (uint32_t)input2[it.offset2]);
    output[i] = tinyops_clamp_i32(v, act_min, act_max);
    tinyops_broadcast_next(shape, &it);
  }
}
