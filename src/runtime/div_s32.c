/* int32 DIV: C division (truncates toward zero), then the fused activation clamp. */
#include "tinyops/runtime/elementwise_binary.h"

void tinyops_div_s32(int32_t act_min, int32_t act_max, const tinyops_broadcast* shape,
                     const int32_t* input1, const int32_t* input2, int32_t* output) {
  tinyops_broadcast_iter it;
  int32_t i;
  tinyops_broadcast_begin(shape, &it);
  for (i = 0; i < shape->count; ++i) {
    const int32_t a = input1[it.offset1];
    const int32_t b = input2[it.offset2];
    /* Zero divisors and INT32_MIN / -1 are undefined in C; give 0 and INT32_MIN. */
    const int32_t v = b == 0 ? 0 : (b == -1 ? (int32_t)(0u - (uint32_t)a) : a / b);
    output[i] = tinyops_clamp_i32(v, act_min, act_max);
    tinyops_broadcast_next(shape, &it);
  }
}
