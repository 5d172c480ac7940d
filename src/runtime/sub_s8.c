/* int8 SUB, TFLite Micro reference arithmetic (left shift 20, three multipliers); inputs
 * without broadcasting take the equal, faster loop of add_sub_s8_flat.h. */
#include "tinyops/runtime/add_sub_s8_flat.h"
#include "tinyops/runtime/elementwise_binary.h"

void tinyops_sub_s8(const tinyops_add_params* params, const tinyops_broadcast* shape,
                    const int8_t* input1, const int8_t* input2, int8_t* output) {
  tinyops_broadcast_iter it;
  int32_t i;
  if (tinyops_add_sub_s8_flat_ok(params, shape)) {
    tinyops_add_sub_s8_flat(params, shape->count, input1, input2, output, 1);
    return;
  }
  tinyops_broadcast_begin(shape, &it);
  for (i = 0; i < shape->count; ++i) {
    const int32_t v = tinyops_add_sub_element(params, input1[it.offset1], input2[it.offset2], 1);
    output[i] = (int8_t)tinyops_clamp_i32(v, params->act_min, params->act_max);
    tinyops_broadcast_next(shape, &it);
  }
}
