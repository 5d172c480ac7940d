/* Ed25519 signature verification (RFC 8032) for the device agent: a device accepts a
 * manifest only if it verifies under the fleet's public key. Verification only: signing
 * happens on the server, and a device never holds a private key.
 *
 * The checks match libsodium's crypto_sign_verify_detached (which the server signs and
 * checks with), so a manifest the server's tools accept is exactly one a device accepts:
 * S must be below the group order L, A and R must not be points of small order, A must be a
 * canonical encoding that decodes to a curve point, and [S]B - [k]A must encode to the exact
 * bytes of R (cofactorless). Portable C99, no allocation, under 3 KB of stack. */
#ifndef TINYOPS_AGENT_ED25519_H
#define TINYOPS_AGENT_ED25519_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returns 1 when signature (R || S) is valid for message under public_key, 0 otherwise.
 * Not constant time: every input is public. */
int tinyops_ed25519_verify(const uint8_t signature[64], const uint8_t* message, size_t length,
                           const uint8_t public_key[32]);

#ifdef __cplusplus
}
#endif

#endif
