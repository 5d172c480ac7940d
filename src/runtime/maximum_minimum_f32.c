/* MINIMUM and MAXIMUM on float: comparisons of stored values, with broadcasting. */
#include "tinyops/runtime/elementwise_binary.h"

void tinyops_minimum_f32(const tinyops_broadcast* shape, const float* input1, const float* input2,
                         float* output) {
  tinyops_broadcast_iter it;
  int32_t i;
  tinyops_broadcast_begin(shape, &it);
  for (i = 0; i < shape->count; ++i) {
    const float a = input1[it.offset1];
    const float b = input2[it.offset2];
    output[i] = a < b ? a : b;
    tinyops_broadcast_next(shape, &it);
  }
}

void tinyops_maximum_f32(const tinyops_broadcast* shape, const float* input1, const float* input2,
                         float* output) {
  tinyops_broadcast_iter it;
  int32_t i;
  tinyops_broadcast_begin(shape, &it);
  for (i = 0; i < shape->count; ++i) {
    const float a = input1[it.offset1];
    const float b = input2[it.offset2];
    output[i] = a > b ? a : b;
    tinyops_broadcast_next(shape, &it);
  }
}
