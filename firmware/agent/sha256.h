/* SHA-256 (FIPS 180-4) for the device agent: it checks a downloaded image against the digest
 * in the signed manifest. The interface streams because the image arrives chunk by chunk and
 * a device has no room to hold it whole before hashing. Portable C99, no allocation. */
#ifndef TINYOPS_AGENT_SHA256_H
#define TINYOPS_AGENT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYOPS_SHA256_DIGEST_SIZE 32u
#define TINYOPS_SHA256_BLOCK_SIZE 64u

typedef struct {
  uint32_t state[8]; /* H0..H7 */
  uint64_t length;   /* bytes hashed so far (the padding needs the bit count) */
  uint8_t block[64]; /* a partial block waiting for more data */
  uint32_t used;     /* bytes of block[] in use, 0..63 */
} tinyops_sha256;

void tinyops_sha256_init(tinyops_sha256* s);
void tinyops_sha256_update(tinyops_sha256* s, const uint8_t* data, size_t n);
/* Pads, writes the digest and leaves s to be initialised again before reuse. */
void tinyops_sha256_final(tinyops_sha256* s, uint8_t digest[32]);

#ifdef __cplusplus
}
#endif

#endif
