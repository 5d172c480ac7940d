/* MINIMUM and MAXIMUM on int32_t: comparisons of stored values, with broadcasting. */
#include "tinyops/runtime/elementwise_binary.h"

void tinyops_minimum_s32(const tinyops_broadcast* shape, const int32_t* input1,
                         const int32_t* input2, int32_t* output) {
  tinyops_broadcast_iter it;
  int32_t i;
  tinyops_broadcast_begin(shape, &it);
  for (i = 0; i < shape->count; ++i) {
    const int32_t a = input1[it.offset1];
    const int32_t b = input2[it.offset2];
    output[i] = a < b ? a : b;
    tinyops_broadcast_next(shape, &it);
  }
}

void tinyops_maximum_s32(const tinyops_broadcast* shape, const int32_t* input1,
                         const int32_t* input2, int32_t* output) {
  tinyops_broadcast_iter it;
  int32_t i;
  tinyops_broadcast_begin(shape, &it);
  for (i = 0; i < shape->count; ++i) {
    const int32_t a = input1[it.offset1];
    const int32_t b = input2[it.offset2];
    output[i] = a > b ? a : b;
    tinyops_broadcast_next(shape, &it);
  }
}
