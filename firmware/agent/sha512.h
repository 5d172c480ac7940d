/* SHA-512 (FIPS 180-4) for the device agent: Ed25519 verification (RFC 8032) hashes
 * R || A || message with it. The interface streams like SHA-256's so a long message can be
 * hashed as it arrives. Portable C99, no allocation. */
#ifndef TINYOPS_AGENT_SHA512_H
#define TINYOPS_AGENT_SHA512_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYOPS_SHA512_DIGEST_SIZE 64u
#define TINYOPS_SHA512_BLOCK_SIZE 128u

typedef struct {
  uint64_t state[8];  /* H0..H7 */
  uint64_t length;    /* bytes hashed so far; 2^64 bytes is far beyond any device's image */
  uint8_t block[128]; /* a partial block waiting for more data */
  uint32_t used;      /* bytes of block[] in use, 0..127 */
} tinyops_sha512;

void tinyops_sha512_init(tinyops_sha512* s);
void tinyops_sha512_update(tinyops_sha512* s, const uint8_t* data, size_t n);
/* Pads, writes the digest and leaves s to be initialised again before reuse. */
void tinyops_sha512_final(tinyops_sha512* s, uint8_t digest[64]);

#ifdef __cplusplus
}
#endif

#endif
