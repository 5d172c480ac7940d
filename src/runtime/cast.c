/* CAST between element types with C conversion rules (TFLite Micro's static_cast), made
 * total: float-to-integer conversions saturate out of range and map NaN to 0. */
#include <stdint.h>
#include <string.h>

#include "tinyops/runtime/shape_ops.h"

/* A loaded element: integers keep their exact value, floats stay floats. */
typedef struct {
  int is_float;
  int is_unsigned;
  double f;
  int64_t s;
  uint64_t u;
} value;

static value load(tinyops_type type, const void* data, int32_t i) {
  value v;
  v.is_float = 0;
  v.is_unsigned = 0;
  v.f = 0.0;
  v.s = 0;
  v.u = 0;
  switch (type) {
    case TINYOPS_TYPE_F32:
      v.is_float = 1;
      v.f = ((const float*)data)[i];
      break;
    case TINYOPS_TYPE_S8:
      v.s = ((const int8_t*)data)[i];
      break;
    case TINYOPS_TYPE_U8:
      v.s = ((const uint8_t*)data)[i];
      break;
    case TINYOPS_TYPE_S16:
      v.s = ((const int16_t*)data)[i];
      break;
    case TINYOPS_TYPE_U16:
      v.s = ((const uint16_t*)data)[i];
      break;
    case TINYOPS_TYPE_S32:
      v.s = ((const int32_t*)data)[i];
      break;
    case TINYOPS_TYPE_U32:
      v.s = ((const uint32_t*)data)[i];
      break;
    case TINYOPS_TYPE_S64:
      v.s = ((const int64_t*)data)[i];
      break;
    case TINYOPS_TYPE_U64:
      v.is_unsigned = 1;
      v.u = ((const uint64_t*)data)[i];
      break;
    case TINYOPS_TYPE_BOOL:
      v.s = ((const uint8_t*)data)[i] != 0;
      break;
  }
  if (!v.is_float && !v.is_unsigned) v.u = (uint64_t)v.s;
  return v;
}

/* Float to integer: truncate toward zero, saturating to [lo, hi] (as doubles). */
static int64_t float_to_int(double f, double lo, double hi) {
  if (f != f) return 0;
  if (f <= lo) return (int64_t)lo;
  if (f >= hi) return (int64_t)hi;
  return (int64_t)f;
}

static uint64_t float_to_uint(double f, double hi) {
  if (f != f || f <= 0.0) return 0;
  if (f >= hi) return (uint64_t)hi;
  return (uint64_t)f;
}

static void store(tinyops_type type, void* data, int32_t i, value v) {
  switch (type) {
    case TINYOPS_TYPE_F32:
      /* One rounding from the exact integer, like static_cast<float>. */
      ((float*)data)[i] = v.is_float ? (float)v.f : (v.is_unsigned ? (float)v.u : (float)v.s);
      break;
    case TINYOPS_TYPE_S8:
      ((int8_t*)data)[i] =
          (int8_t)(v.is_float ? float_to_int(v.f, -128.0, 127.0) : (int64_t)(int8_t)(uint8_t)v.u);
      break;
    case TINYOPS_TYPE_U8:
      ((uint8_t*)data)[i] = (uint8_t)(v.is_float ? float_to_uint(v.f, 255.0) : v.u);
      break;
    case TINYOPS_TYPE_S16:
      ((int16_t*)data)[i] = (int16_t)(v.is_float ? float_to_int(v.f, -32768.0, 32767.0)
                                                 : (int64_t)(int16_t)(uint16_t)v.u);
      break;
    case TINYOPS_TYPE_U16:
      ((uint16_t*)data)[i] = (uint16_t)(v.is_float ? float_to_uint(v.f, 65535.0) : v.u);
      break;
    case TINYOPS_TYPE_S32:
      ((int32_t*)data)[i] = (int32_t)(v.is_float ? float_to_int(v.f, -2147483648.0, 2147483647.0)
                                                 : (int64_t)(int32_t)(uint32_t)v.u);
      break;
    case TINYOPS_TYPE_U32:
      ((uint32_t*)data)[i] = (uint32_t)(v.is_float ? float_to_uint(v.f, 4294967295.0) : v.u);
      break;
    case TINYOPS_TYPE_S64:
      ((int64_t*)data)[i] = v.is_float
                                ? float_to_int(v.f, -9223372036854775808.0, 9223372036854774784.0)
                                : (int64_t)v.u;
      break;
    case TINYOPS_TYPE_U64:
      ((uint64_t*)data)[i] = v.is_float ? float_to_uint(v.f, 18446744073709549568.0) : v.u;
      break;
    case TINYOPS_TYPE_BOOL:
      ((uint8_t*)data)[i] = (uint8_t)(v.is_float ? v.f != 0.0 : v.u != 0);
      break;
  }
}

/* Integer types of at most 32 bits: their casts are bit truncation or extension, done in
 * 32-bit arithmetic (the general path's 64-bit values cost a 32-bit core dearly). */
static int is_narrow_int(tinyops_type type) {
  return type == TINYOPS_TYPE_S8 || type == TINYOPS_TYPE_U8 || type == TINYOPS_TYPE_S16 ||
         type == TINYOPS_TYPE_U16 || type == TINYOPS_TYPE_S32 || type == TINYOPS_TYPE_U32 ||
         type == TINYOPS_TYPE_BOOL;
}

static uint32_t load_narrow(tinyops_type type, const void* data, int32_t i) {
  switch (type) {
    case TINYOPS_TYPE_S8:
      return (uint32_t)(int32_t)((const int8_t*)data)[i];
    case TINYOPS_TYPE_U8:
      return ((const uint8_t*)data)[i];
    case TINYOPS_TYPE_S16:
      return (uint32_t)(int32_t)((const int16_t*)data)[i];
    case TINYOPS_TYPE_U16:
      return ((const uint16_t*)data)[i];
    case TINYOPS_TYPE_S32:
      return (uint32_t)((const int32_t*)data)[i];
    case TINYOPS_TYPE_U32:
      return ((const uint32_t*)data)[i];
    default:
      return ((const uint8_t*)data)[i] != 0; /* bool */
  }
}

static void store_narrow(tinyops_type type, void* data, int32_t i, uint32_t v) {
  switch (type) {
    case TINYOPS_TYPE_S8:
      ((int8_t*)data)[i] = (int8_t)(uint8_t)v;
      break;
    case TINYOPS_TYPE_U8:
      ((uint8_t*)data)[i] = (uint8_t)v;
      break;
    case TINYOPS_TYPE_S16:
      ((int16_t*)data)[i] = (int16_t)(uint16_t)v;
      break;
    case TINYOPS_TYPE_U16:
      ((uint16_t*)data)[i] = (uint16_t)v;
      break;
    case TINYOPS_TYPE_S32:
      ((int32_t*)data)[i] = (int32_t)v;
      break;
    case TINYOPS_TYPE_U32:
      ((uint32_t*)data)[i] = v;
      break;
    default:
      ((uint8_t*)data)[i] = (uint8_t)(v != 0);
      break; /* bool */
  }
}

/* The narrow casts models use most, as plain loops: a 16- or 32-bit integer to a 16- or
 * 32-bit one (the signal front ends move spectra between int16, int32 and uint32). */
static int cast_common(int32_t count, tinyops_type from, const void* input, tinyops_type to,
                       void* output) {
  int32_t i;
#define TINYOPS_CAST_LOOP(IN_T, OUT_T, CONVERT)                      \
  do {                                                                \
    const IN_T* in = (const IN_T*)input;                              \
    OUT_T* out = (OUT_T*)output;                                      \
    for (i = 0; i < count; ++i) out[i] = CONVERT(in[i]);              \
  } while (0)
#define TO_S16(x) ((int16_t)(uint16_t)(uint32_t)(x))
#define TO_S32(x) ((int32_t)(uint32_t)(x))
#define TO_U32(x) ((uint32_t)(x))
  if (from == TINYOPS_TYPE_S16 && to == TINYOPS_TYPE_S32) TINYOPS_CAST_LOOP(int16_t, int32_t, TO_S32);
  else if (from == TINYOPS_TYPE_S32 && to == TINYOPS_TYPE_S16) TINYOPS_CAST_LOOP(int32_t, int16_t, TO_S16);
  else if (from == TINYOPS_TYPE_U32 && to == TINYOPS_TYPE_S32) TINYOPS_CAST_LOOP(uint32_t, int32_t, TO_S32);
  else if (from == TINYOPS_TYPE_S32 && to == TINYOPS_TYPE_U32) TINYOPS_CAST_LOOP(int32_t, uint32_t, TO_U32);
  else if (from == TINYOPS_TYPE_U32 && to == TINYOPS_TYPE_S16) TINYOPS_CAST_LOOP(uint32_t, int16_t, TO_S16);
  else if (from == TINYOPS_TYPE_S16 && to == TINYOPS_TYPE_U32) TINYOPS_CAST_LOOP(int16_t, uint32_t, TO_U32);
  else return 0;
#undef TO_U32
#undef TO_S32
#undef TO_S16
#undef TINYOPS_CAST_LOOP
  return 1;
}

void tinyops_cast(int32_t count, tinyops_type from, const void* input, tinyops_type to,
                  void* output) {
  int32_t i;
  if (cast_common(count, from, input, to, output)) return;
  if (is_narrow_int(from) && is_narrow_int(to)) {
    for (i = 0; i < count; ++i) store_narrow(to, output, i, load_narrow(from, input, i));
    return;
  }
  for (i = 0; i < count; ++i) store(to, output, i, load(from, input, i));
}
