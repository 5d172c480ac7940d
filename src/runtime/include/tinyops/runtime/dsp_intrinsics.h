/* The SIMD instructions of the Arm DSP extension (Cortex-M4, M7, M33, M55) that the
 * optimised int8 kernels use, under one set of names. On a core with the extension they are
 * the Arm ACLE intrinsics of <arm_acle.h>, plus two instructions GCC's ACLE lacks (SXTB16
 * with a rotate, SMMULR) as one-line inline assembly. Everywhere else (the host build, the
 * host tests, cores without the extension) they are plain C99 functions with the same
 * results, bit for bit, so the same algorithm runs and is tested on the host. */
#ifndef TINYOPS_RUNTIME_DSP_INTRINSICS_H
#define TINYOPS_RUNTIME_DSP_INTRINSICS_H

#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define TINYOPS_DSP_NATIVE 1
#else
#define TINYOPS_DSP_NATIVE 0
#endif

/* Keeps a hot loop in its own function, where the compiler gives it all the registers. */
#if defined(__GNUC__)
#define TINYOPS_DSP_NOINLINE __attribute__((noinline))
#else
#define TINYOPS_DSP_NOINLINE
#endif

/* Makes a kernel body that takes a constant flag compile once per value of the flag, each
 * copy without the flag's tests (the compiler would otherwise share one copy). */
#if defined(__GNUC__)
#define TINYOPS_DSP_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define TINYOPS_DSP_ALWAYS_INLINE inline
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Two int16 lanes in one 32-bit word: bits 0-15 (low) and 16-31 (high). */
static inline int32_t tinyops_dsp_lo(int32_t x) { return (int16_t)(uint16_t)((uint32_t)x); }
static inline int32_t tinyops_dsp_hi(int32_t x) {
  return (int16_t)(uint16_t)((uint32_t)x >> 16);
}
static inline int32_t tinyops_dsp_pack16(int32_t lo, int32_t hi) {
  return (int32_t)(((uint32_t)(uint16_t)lo) | ((uint32_t)(uint16_t)hi << 16));
}

/* Four bytes at any address, as the little-endian word a single LDR reads (Cortex-M4 and
 * later load unaligned words in hardware; memcpy compiles to that load). */
static inline uint32_t tinyops_dsp_read32(const void* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* The same for a store (a single STR, which Cortex-M4 and later also allow unaligned). */
static inline void tinyops_dsp_write32(void* p, uint32_t v) {
  memcpy(p, &v, 4);
}

/* SXTB16: bytes 0 and 2 of x sign-extended into the two int16 lanes. */
static inline int32_t tinyops_sxtb16(uint32_t x) {
#if TINYOPS_DSP_NATIVE
  return __sxtb16((int32_t)x);
#else
  return tinyops_dsp_pack16((int8_t)(uint8_t)x, (int8_t)(uint8_t)(x >> 16));
#endif
}

/* SXTB16 with ROR #8: bytes 1 and 3 of x sign-extended into the two int16 lanes. */
static inline int32_t tinyops_sxtb16_ror8(uint32_t x) {
#if TINYOPS_DSP_NATIVE
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
#else
  return tinyops_dsp_pack16((int8_t)(uint8_t)(x >> 8), (int8_t)(uint8_t)(x >> 24));
#endif
}

/* SADD16: lane-wise int16 addition, each lane wrapping modulo 2^16. */
static inline int32_t tinyops_sadd16(int32_t x, int32_t y) {
#if TINYOPS_DSP_NATIVE
  return __sadd16(x, y);
#else
  return tinyops_dsp_pack16(tinyops_dsp_lo(x) + tinyops_dsp_lo(y),
                            tinyops_dsp_hi(x) + tinyops_dsp_hi(y));
#endif
}

/* SSUB16: lane-wise int16 subtraction, each lane wrapping modulo 2^16. */
static inline int32_t tinyops_ssub16(int32_t x, int32_t y) {
#if TINYOPS_DSP_NATIVE
  return __ssub16(x, y);
#else
  return tinyops_dsp_pack16(tinyops_dsp_lo(x) - tinyops_dsp_lo(y),
                            tinyops_dsp_hi(x) - tinyops_dsp_hi(y));
#endif
}

/* SASX: low lane lo(x) - hi(y), high lane hi(x) + lo(y), each wrapping. */
static inline int32_t tinyops_sasx(int32_t x, int32_t y) {
#if TINYOPS_DSP_NATIVE
  return __sasx(x, y);
#else
  return tinyops_dsp_pack16(tinyops_dsp_lo(x) - tinyops_dsp_hi(y),
                            tinyops_dsp_hi(x) + tinyops_dsp_lo(y));
#endif
}

/* SSAX: low lane lo(x) + hi(y), high lane hi(x) - lo(y), each wrapping. */
static inline int32_t tinyops_ssax(int32_t x, int32_t y) {
#if TINYOPS_DSP_NATIVE
  return __ssax(x, y);
#else
  return tinyops_dsp_pack16(tinyops_dsp_lo(x) + tinyops_dsp_hi(y),
                            tinyops_dsp_hi(x) - tinyops_dsp_lo(y));
#endif
}

/* SHADD16 / SHSUB16: lane-wise (x + y) >> 1 and (x - y) >> 1, computed without overflow. */
static inline int32_t tinyops_shadd16(int32_t x, int32_t y) {
#if TINYOPS_DSP_NATIVE
  return __shadd16(x, y);
#else
  return tinyops_dsp_pack16((tinyops_dsp_lo(x) + tinyops_dsp_lo(y)) >> 1,
                            (tinyops_dsp_hi(x) + tinyops_dsp_hi(y)) >> 1);
#endif
}

static inline int32_t tinyops_shsub16(int32_t x, int32_t y) {
#if TINYOPS_DSP_NATIVE
  return __shsub16(x, y);
#else
  return tinyops_dsp_pack16((tinyops_dsp_lo(x) - tinyops_dsp_lo(y)) >> 1,
                            (tinyops_dsp_hi(x) - tinyops_dsp_hi(y)) >> 1);
#endif
}

/* SMLSD: acc + lo(x) * lo(y) - hi(x) * hi(y), wrapping. */
static inline int32_t tinyops_smlsd(int32_t x, int32_t y, int32_t acc) {
#if TINYOPS_DSP_NATIVE
  return __smlsd(x, y, acc);
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(tinyops_dsp_lo(x) * tinyops_dsp_lo(y)) -
                   (uint32_t)(tinyops_dsp_hi(x) * tinyops_dsp_hi(y)));
#endif
}

/* SMLAD: acc + lo(x) * lo(y) + hi(x) * hi(y), wrapping modulo 2^32 (the Q flag that the
 * instruction sets on overflow is never read). */
static inline int32_t tinyops_smlad(int32_t x, int32_t y, int32_t acc) {
#if TINYOPS_DSP_NATIVE
  return __smlad(x, y, acc);
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(tinyops_dsp_lo(x) * tinyops_dsp_lo(y)) +
                   (uint32_t)(tinyops_dsp_hi(x) * tinyops_dsp_hi(y)));
#endif
}

/* SMLABB: acc + lo(x) * lo(y), wrapping. */
static inline int32_t tinyops_smlabb(int32_t x, int32_t y, int32_t acc) {
#if TINYOPS_DSP_NATIVE
  return __smlabb(x, y, acc);
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(tinyops_dsp_lo(x) * tinyops_dsp_lo(y)));
#endif
}

/* SMLATT: acc + hi(x) * hi(y), wrapping. */
static inline int32_t tinyops_smlatt(int32_t x, int32_t y, int32_t acc) {
#if TINYOPS_DSP_NATIVE
  return __smlatt(x, y, acc);
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(tinyops_dsp_hi(x) * tinyops_dsp_hi(y)));
#endif
}

/* SMLADX: acc + lo(x) * hi(y) + hi(x) * lo(y), wrapping. */
static inline int32_t tinyops_smladx(int32_t x, int32_t y, int32_t acc) {
#if TINYOPS_DSP_NATIVE
  return __smladx(x, y, acc);
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(tinyops_dsp_lo(x) * tinyops_dsp_hi(y)) +
                   (uint32_t)(tinyops_dsp_hi(x) * tinyops_dsp_lo(y)));
#endif
}

/* SMLATB: acc + hi(x) * lo(y), wrapping. */
static inline int32_t tinyops_smlatb(int32_t x, int32_t y, int32_t acc) {
#if TINYOPS_DSP_NATIVE
  return __smlatb(x, y, acc);
#else
  return (int32_t)((uint32_t)acc + (uint32_t)(tinyops_dsp_hi(x) * tinyops_dsp_lo(y)));
#endif
}

/* PKHBT x, y, LSL #16: low lane of x, low lane of y as the high lane. */
static inline int32_t tinyops_pkhbt(int32_t x, int32_t y) {
#if TINYOPS_DSP_NATIVE
  int32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(x), "r"(y));
  return r;
#else
  return tinyops_dsp_pack16(tinyops_dsp_lo(x), tinyops_dsp_lo(y));
#endif
}

/* PKHTB x, y, ASR #16: high lane of y as the low lane, high lane of x. */
static inline int32_t tinyops_pkhtb(int32_t x, int32_t y) {
#if TINYOPS_DSP_NATIVE
  int32_t r;
  __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(x), "r"(y));
  return r;
#else
  return tinyops_dsp_pack16(tinyops_dsp_hi(y), tinyops_dsp_hi(x));
#endif
}

/* SMMULR: the high word of the 64-bit product a * b, rounded (+2^31 before the shift). */
static inline int32_t tinyops_smmulr(int32_t a, int32_t b) {
#if TINYOPS_DSP_NATIVE
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
#else
  return (int32_t)(((int64_t)a * b + ((int64_t)1 << 31)) >> 32);
#endif
}

/* SSAT #8: x clamped to [-128, 127]. */
static inline int32_t tinyops_ssat8(int32_t x) {
#if TINYOPS_DSP_NATIVE
  return __ssat(x, 8);
#else
  return x < -128 ? -128 : (x > 127 ? 127 : x);
#endif
}

/* SSAT #16: x clamped to [-32768, 32767]. */
static inline int32_t tinyops_ssat16(int32_t x) {
#if TINYOPS_DSP_NATIVE
  return __ssat(x, 16);
#else
  return x < -32768 ? -32768 : (x > 32767 ? 32767 : x);
#endif
}

#ifdef __cplusplus
}
#endif

#endif /* TINYOPS_RUNTIME_DSP_INTRINSICS_H */
