/* MINIMUM and MAXIMUM on int8_t: comparisons of stored values, with broadcasting. */
#include "tinyops/runtime/elementwise_binary.h"

void tinyops_minimum_s8(const tinyops_broadcast* shape, const int8_t* input1, const int8_t* input2,
                        int8_t* output) {
  tinyops_broadcast_iter it;
  int32_t i;
  tinyops_broadcast_begin(shape, &it);
  for (i = 0; i < shape->count; ++i) {
    const int8_t a = input1[it.offset1];
    const int8_t b = input2[it.offset2];
    output[i] = a < b ? a : b;
    tinyops_broadcast_next(shape, &it);
  }
}

void tinyops_maximum_s8(const tinyops_broadcast* shape, const int8_t* input1, const int8_t* input2,
                        int8_t* output) {
  tinyops_broadcast_iter it;
  int32_t i;
  tinyops_broadcast_begin(shape, &it);
  for (i = 0; i < shape->count; ++i) {
    const int8_t a = input1[it.offset1];
    const int8_t b = input2[it.offset2];
    output[i] = a > b ? a : b;
    tinyops_broadcast_next(shape, &it);
  }
}
