/* int32 ADD: wrapping sum, no activation (as TFLite Micro). */
#include "tinyops/runtime/elementwise_binary.h"

void tinyops_add_s32(const tinyops_broadcast* shape, const int32_t* input1, const int32_t* input2,
                     int32_t* output) {
  tinyops_broadcast_iter it;
  int32_t i;
  tinyops_broadcast_begin(shape, &it);
  for (i = 0; i < shape->count; ++i) {
    output[i] = (int32_t)((uint32_t)input1[it.offset1] + (uint32_t)input2[it.offset2]);
    tinyops_broadcast_next(shape, &it);
  }
}
