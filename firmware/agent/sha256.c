/* SHA-256 as FIPS 180-4 section 6.2 describes it. Written for clarity and small code on a
 * Cortex-M: one compression function, the message schedule kept as a 16-word ring so the
 * stack use stays at 64 bytes of W instead of 256. */
#include "sha256.h"

#include <string.h>

static const uint32_t k256[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u};

/* Every expression is cast back to uint32_t: where int is wider than 32 bits a uint32_t would
 * otherwise promote to int, and where int is 16 bits nothing here may rely on it. */
static uint32_t rotr32(uint32_t x, unsigned n) {
  return (uint32_t)((x >> n) | (x << (32u - n)));
}

static uint32_t load_be32(const uint8_t* p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void store_be32(uint8_t* p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static void compress(uint32_t state[8], const uint8_t block[64]) {
  uint32_t w[16];
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  unsigned t;
  for (t = 0; t < 64u; ++t) {
    uint32_t wt, t1, t2;
    if (t < 16u) {
      wt = load_be32(block + 4u * t);
    } else {
      /* W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16], indices mod 16 */
      uint32_t w2 = w[(t - 2u) & 15u], w15 = w[(t - 15u) & 15u];
      uint32_t s0 = rotr32(w15, 7) ^ rotr32(w15, 18) ^ (w15 >> 3);
      uint32_t s1 = rotr32(w2, 17) ^ rotr32(w2, 19) ^ (w2 >> 10);
      wt = (uint32_t)(s1 + w[(t - 7u) & 15u] + s0 + w[t & 15u]);
    }
    w[t & 15u] = wt;
    t1 = (uint32_t)(h + (rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25)) + ((e & f) ^ (~e & g)) +
                    k256[t] + wt);
    t2 = (uint32_t)((rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c)));
    h = g;
    g = f;
    f = e;
    e = (uint32_t)(d + t1);
    d = c;
    c = b;
    b = a;
    a = (uint32_t)(t1 + t2);
  }
  state[0] = (uint32_t)(state[0] + a);
  state[1] = (uint32_t)(state[1] + b);
  state[2] = (uint32_t)(state[2] + c);
  state[3] = (uint32_t)(state[3] + d);
  state[4] = (uint32_t)(state[4] + e);
  state[5] = (uint32_t)(state[5] + f);
  state[6] = (uint32_t)(state[6] + g);
  state[7] = (uint32_t)(state[7] + h);
}

void tinyops_sha256_init(tinyops_sha256* s) {
  /* FIPS 180-4 section 5.3.3 */
  s->state[0] = 0x6a09e667u;
  s->state[1] = 0xbb67ae85u;
  s->state[2] = 0x3c6ef372u;
  s->state[3] = 0xa54ff53au;
  s->state[4] = 0x510e527fu;
  s->state[5] = 0x9b05688cu;
  s->state[6] = 0x1f83d9abu;
  s->state[7] = 0x5be0cd19u;
  s->length = 0;
  s->used = 0;
}

void tinyops_sha256_update(tinyops_sha256* s, const uint8_t* data, size_t n) {
  if (n == 0u) return; /* data may then be NULL, which memcpy must not see */
  s->length += (uint64_t)n;
  if (s->used > 0u) {
    size_t room = (size_t)(64u - s->used);
    size_t take = n < room ? n : room;
    memcpy(s->block + s->used, data, take);
    s->used += (uint32_t)take;
    data += take;
    n -= take;
    if (s->used < 64u) return;
    compress(s->state, s->block);
    s->used = 0;
  }
  /* Whole blocks straight from the caller's buffer: no copy for the common large chunk. */
  while (n >= 64u) {
    compress(s->state, data);
    data += 64;
    n -= 64u;
  }
  if (n > 0u) {
    memcpy(s->block, data, n);
    s->used = (uint32_t)n;
  }
}

void tinyops_sha256_final(tinyops_sha256* s, uint8_t digest[32]) {
  uint64_t bits = s->length << 3;
  unsigned i;
  s->block[s->used++] = 0x80u;
  if (s->used > 56u) {
    memset(s->block + s->used, 0, (size_t)(64u - s->used));
    compress(s->state, s->block);
    s->used = 0;
  }
  memset(s->block + s->used, 0, (size_t)(56u - s->used));
  for (i = 0; i < 8u; ++i) s->block[56u + i] = (uint8_t)(bits >> (56u - 8u * i));
  compress(s->state, s->block);
  for (i = 0; i < 8u; ++i) store_be32(digest + 4u * i, s->state[i]);
  memset(s, 0, sizeof *s);
}
