/* The inner loop of the DSP matrix kernels (fully_connected_s8_dsp.c, lstm_s8_dsp.c,
 * svdf_s8_dsp.c) and the expansion of their input row: four
 * weight rows in the FULLY_CONNECTED DSP layout (dsp_kernels.h: per group of 4 columns the
 * 4 rows' 4 values, 16 bytes) against one expanded input row (per group the int16 pairs
 * (v0, v2), (v1, v3)), accumulated into a0..a3. On a DSP core it is hand-scheduled with
 * post-incrementing double-word loads, two groups per pass: 19 instructions per 16 MACs
 * where GCC's own schedule takes 25 (pointer updates, single loads and a branch per
 * group); x and w must then be 4-byte aligned. Elsewhere it is the same sums in C. */
#ifndef TINYOPS_RUNTIME_DSP_DOT_QUAD_H
#define TINYOPS_RUNTIME_DSP_DOT_QUAD_H

#include <stdint.h>

#include "tinyops/runtime/dsp_intrinsics.h"

#ifdef __cplusplus
extern "C" {
#endif

static inline int32_t tinyops_dsp_dot4(int32_t x02, int32_t x13, uint32_t w, int32_t acc) {
  return tinyops_smlad(x13, tinyops_sxtb16_ror8(w), tinyops_smlad(x02, tinyops_sxtb16(w), acc));
}

/* Values 4g .. 4g + 3 of an int8 row of `depth` values as one word, zero past the depth
 * (their weights are zero). */
static inline uint32_t tinyops_dsp_row_word(const int8_t* row, int32_t g, int32_t depth) {
  uint32_t v = 0;
  int32_t i;
  if (4 * g + 4 <= depth) return tinyops_dsp_read32(row + 4 * g);
  for (i = 0; 4 * g + i < depth; ++i) v |= (uint32_t)(uint8_t)row[4 * g + i] << (8 * i);
  return v;
}

/* row + offset (offset: minus the row's zero point) as the input tinyops_dsp_dot_quad reads:
 * per group of 4 values the int16 pairs (v0, v2), (v1, v3), 2 words, for
 * tinyops_fully_connected_dsp_depth(depth) / 4 groups; lanes past the depth hold the offset
 * (their weights are zero). Whole groups are read as words, a partial last one byte-wise. */
static inline void tinyops_dsp_expand_row(const int8_t* row, int32_t depth, int32_t offset,
                                          int32_t* out) {
  const int32_t offset2 = tinyops_dsp_pack16(offset, offset);
  const int8_t* const pairs_end = row + (depth & ~7);
  uint32_t v;
  /* Two groups per pass: the loop's bookkeeping is most of a group's cost otherwise. */
  for (; row != pairs_end; row += 8, out += 4) {
    const uint32_t v0 = tinyops_dsp_read32(row), v1 = tinyops_dsp_read32(row + 4);
    out[0] = tinyops_sadd16(tinyops_sxtb16(v0), offset2);
    out[1] = tinyops_sadd16(tinyops_sxtb16_ror8(v0), offset2);
    out[2] = tinyops_sadd16(tinyops_sxtb16(v1), offset2);
    out[3] = tinyops_sadd16(tinyops_sxtb16_ror8(v1), offset2);
  }
  if ((depth & 7) == 0) return;
  v = tinyops_dsp_row_word(row, 0, depth & 7);
  out[0] = tinyops_sadd16(tinyops_sxtb16(v), offset2);
  out[1] = tinyops_sadd16(tinyops_sxtb16_ror8(v), offset2);
  if ((depth & 7) <= 4) return;
  v = tinyops_dsp_row_word(row, 1, depth & 7);
  out[2] = tinyops_sadd16(tinyops_sxtb16(v), offset2);
  out[3] = tinyops_sadd16(tinyops_sxtb16_ror8(v), offset2);
}

/* Returns w past the `groups` groups it read. */
static TINYOPS_DSP_ALWAYS_INLINE const int8_t* tinyops_dsp_dot_quad(const int32_t* x,
                                                                    const int8_t* w, int32_t groups,
                                                                    int32_t* acc0, int32_t* acc1,
                                                                    int32_t* acc2, int32_t* acc3) {
  int32_t a0 = *acc0, a1 = *acc1, a2 = *acc2, a3 = *acc3;
#if TINYOPS_DSP_NATIVE
  if (groups > 0) {
    int32_t x02, x13, w01, w23, t, g = groups >> 1;
#define TINYOPS_DOT_QUAD_GROUP           \
  "ldrd %[x02], %[x13], [%[x]], #8\n\t"  \
  "ldrd %[w01], %[w23], [%[w]], #8\n\t"  \
  "sxtb16 %[t], %[w01]\n\t"              \
  "smlad %[a0], %[x02], %[t], %[a0]\n\t" \
  "sxtb16 %[t], %[w01], ror #8\n\t"      \
  "smlad %[a0], %[x13], %[t], %[a0]\n\t" \
  "sxtb16 %[t], %[w23]\n\t"              \
  "smlad %[a1], %[x02], %[t], %[a1]\n\t" \
  "sxtb16 %[t], %[w23], ror #8\n\t"      \
  "smlad %[a1], %[x13], %[t], %[a1]\n\t" \
  "ldrd %[w01], %[w23], [%[w]], #8\n\t"  \
  "sxtb16 %[t], %[w01]\n\t"              \
  "smlad %[a2], %[x02], %[t], %[a2]\n\t" \
  "sxtb16 %[t], %[w01], ror #8\n\t"      \
  "smlad %[a2], %[x13], %[t], %[a2]\n\t" \
  "sxtb16 %[t], %[w23]\n\t"              \
  "smlad %[a3], %[x02], %[t], %[a3]\n\t" \
  "sxtb16 %[t], %[w23], ror #8\n\t"      \
  "smlad %[a3], %[x13], %[t], %[a3]\n\t"
    __asm__ volatile(
        "tst %[odd], #1\n\t"
        "beq 2f\n\t" TINYOPS_DOT_QUAD_GROUP
        "2:\n\t"
        "cmp %[g], #0\n\t"
        "beq 3f\n\t"
        "1:\n\t" TINYOPS_DOT_QUAD_GROUP TINYOPS_DOT_QUAD_GROUP
        "subs %[g], %[g], #1\n\t"
        "bne 1b\n\t"
        "3:\n\t"
        : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(x), [w] "+r"(w),
          [g] "+r"(g), [x02] "=&r"(x02), [x13] "=&r"(x13), [w01] "=&r"(w01), [w23] "=&r"(w23),
          [t] "=&r"(t)
        : [odd] "r"(groups)
        : "cc", "memory");
#undef TINYOPS_DOT_QUAD_GROUP
  }
#else
  int32_t g;
  for (g = groups; g > 0; --g) {
    const int32_t x02 = x[0], x13 = x[1];
    a0 = tinyops_dsp_dot4(x02, x13, tinyops_dsp_read32(w), a0);
    a1 = tinyops_dsp_dot4(x02, x13, tinyops_dsp_read32(w + 4), a1);
    a2 = tinyops_dsp_dot4(x02, x13, tinyops_dsp_read32(w + 8), a2);
    a3 = tinyops_dsp_dot4(x02, x13, tinyops_dsp_read32(w + 12), a3);
    x += 2;
    w += 16;
  }
#endif
  *acc0 = a0;
  *acc1 = a1;
  *acc2 = a2;
  *acc3 = a3;
  return w;
}

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_DSP_DOT_QUAD_H */
