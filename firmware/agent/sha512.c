/* SHA-512 as FIPS 180-4 section 6.4 describes it: the SHA-256 structure on 64-bit words, 80
 * rounds and a 128-bit length. The message schedule is a 16-word ring (128 bytes of stack)
 * rather than the 80-word array, because Ed25519 verify's stack budget is small. */
#include "sha512.h"

#include <string.h>

/* First 64 bits of the fractional parts of the cube roots of the first 80 primes
 * (FIPS 180-4 section 4.2.3). */
static const uint64_t k512[80] = {
    UINT64_C(0x428a2f98d728ae22), UINT64_C(0x7137449123ef65cd), UINT64_C(0xb5c0fbcfec4d3b2f),
    UINT64_C(0xe9b5dba58189dbbc), UINT64_C(0x3956c25bf348b538), UINT64_C(0x59f111f1b605d019),
    UINT64_C(0x923f82a4af194f9b), UINT64_C(0xab1c5ed5da6d8118), UINT64_C(0xd807aa98a3030242),
    UINT64_C(0x12835b0145706fbe), UINT64_C(0x243185be4ee4b28c), UINT64_C(0x550c7dc3d5ffb4e2),
    UINT64_C(0x72be5d74f27b896f), UINT64_C(0x80deb1fe3b1696b1), UINT64_C(0x9bdc06a725c71235),
    UINT64_C(0xc19bf174cf692694), UINT64_C(0xe49b69c19ef14ad2), UINT64_C(0xefbe4786384f25e3),
    UINT64_C(0x0fc19dc68b8cd5b5), UINT64_C(0x240ca1cc77ac9c65), UINT64_C(0x2de92c6f592b0275),
    UINT64_C(0x4a7484aa6ea6e483), UINT64_C(0x5cb0a9dcbd41fbd4), UINT64_C(0x76f988da831153b5),
    UINT64_C(0x983e5152ee66dfab), UINT64_C(0xa831c66d2db43210), UINT64_C(0xb00327c898fb213f),
    UINT64_C(0xbf597fc7beef0ee4), UINT64_C(0xc6e00bf33da88fc2), UINT64_C(0xd5a79147930aa725),
    UINT64_C(0x06ca6351e003826f), UINT64_C(0x142929670a0e6e70), UINT64_C(0x27b70a8546d22ffc),
    UINT64_C(0x2e1b21385c26c926), UINT64_C(0x4d2c6dfc5ac42aed), UINT64_C(0x53380d139d95b3df),
    UINT64_C(0x650a73548baf63de), UINT64_C(0x766a0abb3c77b2a8), UINT64_C(0x81c2c92e47edaee6),
    UINT64_C(0x92722c851482353b), UINT64_C(0xa2bfe8a14cf10364), UINT64_C(0xa81a664bbc423001),
    UINT64_C(0xc24b8b70d0f89791), UINT64_C(0xc76c51a30654be30), UINT64_C(0xd192e819d6ef5218),
    UINT64_C(0xd69906245565a910), UINT64_C(0xf40e35855771202a), UINT64_C(0x106aa07032bbd1b8),
    UINT64_C(0x19a4c116b8d2d0c8), UINT64_C(0x1e376c085141ab53), UINT64_C(0x2748774cdf8eeb99),
    UINT64_C(0x34b0bcb5e19b48a8), UINT64_C(0x391c0cb3c5c95a63), UINT64_C(0x4ed8aa4ae3418acb),
    UINT64_C(0x5b9cca4f7763e373), UINT64_C(0x682e6ff3d6b2b8a3), UINT64_C(0x748f82ee5defb2fc),
    UINT64_C(0x78a5636f43172f60), UINT64_C(0x84c87814a1f0ab72), UINT64_C(0x8cc702081a6439ec),
    UINT64_C(0x90befffa23631e28), UINT64_C(0xa4506cebde82bde9), UINT64_C(0xbef9a3f7b2c67915),
    UINT64_C(0xc67178f2e372532b), UINT64_C(0xca273eceea26619c), UINT64_C(0xd186b8c721c0c207),
    UINT64_C(0xeada7dd6cde0eb1e), UINT64_C(0xf57d4f7fee6ed178), UINT64_C(0x06f067aa72176fba),
    UINT64_C(0x0a637dc5a2c898a6), UINT64_C(0x113f9804bef90dae), UINT64_C(0x1b710b35131c471b),
    UINT64_C(0x28db77f523047d84), UINT64_C(0x32caab7b40c72493), UINT64_C(0x3c9ebe0a15c9bebc),
    UINT64_C(0x431d67c49c100d4c), UINT64_C(0x4cc5d4becb3e42b6), UINT64_C(0x597f299cfc657e2a),
    UINT64_C(0x5fcb6fab3ad6faec), UINT64_C(0x6c44198c4a475817),
};

static uint64_t rotr64(uint64_t x, unsigned n) {
  return (x >> n) | (x << (64u - n));
}

static uint64_t load_be64(const uint8_t* p) {
  uint64_t v = 0;
  unsigned i;
  for (i = 0; i < 8u; ++i) v = (v << 8) | (uint64_t)p[i];
  return v;
}

static void store_be64(uint8_t* p, uint64_t v) {
  unsigned i;
  for (i = 0; i < 8u; ++i) p[i] = (uint8_t)(v >> (56u - 8u * i));
}

static void compress(uint64_t state[8], const uint8_t block[128]) {
  uint64_t w[16];
  uint64_t a = state[0], b = state[1], c = state[2], d = state[3];
  uint64_t e = state[4], f = state[5], g = state[6], h = state[7];
  unsigned t;
  for (t = 0; t < 80u; ++t) {
    uint64_t wt, t1, t2;
    if (t < 16u) {
      wt = load_be64(block + 8u * t);
    } else {
      /* W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16], indices mod 16 */
      uint64_t w2 = w[(t - 2u) & 15u], w15 = w[(t - 15u) & 15u];
      uint64_t s0 = rotr64(w15, 1) ^ rotr64(w15, 8) ^ (w15 >> 7);
      uint64_t s1 = rotr64(w2, 19) ^ rotr64(w2, 61) ^ (w2 >> 6);
      wt = s1 + w[(t - 7u) & 15u] + s0 + w[t & 15u];
    }
    w[t & 15u] = wt;
    t1 = h + (rotr64(e, 14) ^ rotr64(e, 18) ^ rotr64(e, 41)) + ((e & f) ^ (~e & g)) + k512[t] + wt;
    t2 = (rotr64(a, 28) ^ rotr64(a, 34) ^ rotr64(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

void tinyops_sha512_init(tinyops_sha512* s) {
  /* FIPS 180-4 section 5.3.5: square roots of the first 8 primes */
  s->state[0] = UINT64_C(0x6a09e667f3bcc908);
  s->state[1] = UINT64_C(0xbb67ae8584caa73b);
  s->state[2] = UINT64_C(0x3c6ef372fe94f82b);
  s->state[3] = UINT64_C(0xa54ff53a5f1d36f1);
  s->state[4] = UINT64_C(0x510e527fade682d1);
  s->state[5] = UINT64_C(0x9b05688c2b3e6c1f);
  s->state[6] = UINT64_C(0x1f83d9abfb41bd6b);
  s->state[7] = UINT64_C(0x5be0cd19137e2179);
  s->length = 0;
  s->used = 0;
}

void tinyops_sha512_update(tinyops_sha512* s, const uint8_t* data, size_t n) {
  if (n == 0u) return; /* data may then be NULL, which memcpy must not see */
  s->length += (uint64_t)n;
  if (s->used > 0u) {
    size_t room = (size_t)(128u - s->used);
    size_t take = n < room ? n : room;
    memcpy(s->block + s->used, data, take);
    s->used += (uint32_t)take;
    data += take;
    n -= take;
    if (s->used < 128u) return;
    compress(s->state, s->block);
    s->used = 0;
  }
  /* Whole blocks straight from the caller's buffer: no copy for the common large chunk. */
  while (n >= 128u) {
    compress(s->state, data);
    data += 128;
    n -= 128u;
  }
  if (n > 0u) {
    memcpy(s->block, data, n);
    s->used = (uint32_t)n;
  }
}

void tinyops_sha512_final(tinyops_sha512* s, uint8_t digest[64]) {
  unsigned i;
  s->block[s->used++] = 0x80u;
  if (s->used > 112u) {
    memset(s->block + s->used, 0, (size_t)(128u - s->used));
    compress(s->state, s->block);
    s->used = 0;
  }
  /* The length field is 128 bits; the top 61 bits of it are zero for any 64-bit byte count,
   * the next 3 are the byte count's top bits. */
  memset(s->block + s->used, 0, (size_t)(120u - s->used));
  s->block[119] = (uint8_t)(s->length >> 61);
  store_be64(s->block + 120, s->length << 3);
  compress(s->state, s->block);
  for (i = 0; i < 8u; ++i) store_be64(digest + 8u * i, s->state[i]);
  memset(s, 0, sizeof *s);
}
