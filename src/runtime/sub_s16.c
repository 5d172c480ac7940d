/* int16 SUB, TFLite Micro reference arithmetic (left shift 15, three multipliers). */
#include "tinyops/runtime/elementwise_binary.h"

void tinyops_sub_s16(const tinyops_add_params* params, const tinyops_broadcast* shape,
                     const int16_t* input1, const int16_t* input2, int16_t* output) {
  tinyops_broadcast_iter it;
  int32_t i;
  tinyops_broadcast_begin(shape, &it);
  for (i = 0; i < shape->count; ++i) {
    const int32_t v = tinyops_add_sub_element(params, input1[it.offset1], input2[it.offset2], 1);
    output[i] = (int16_t)tinyops_clamp_i32(v, params->act_min, params->act_max);
    tinyops_broadcast_next(shape, &it);
  }
}
