/* A small CBOR (RFC 8949) reader for the device agent: just what release manifests use
 * (unsigned integers, byte and text strings, arrays, maps, all of definite length), read in
 * place from a buffer the caller keeps (on a device, memory-mapped flash), so nothing is
 * copied and nothing is allocated. Every read checks the bytes left first: a forged length
 * or count can never read past the buffer. */
#ifndef TINYOPS_CBOR_READ_H
#define TINYOPS_CBOR_READ_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  const uint8_t *at;
  const uint8_t *end;
} tinyops_cbor;

typedef struct {
  const uint8_t *bytes;
  uint32_t length;
} tinyops_span;

void tinyops_cbor_begin(tinyops_cbor *c, const uint8_t *bytes, uint32_t length);
/* Each returns 1 and advances when the next item has that type, else 0 (and does not
 * advance). Strings come back as spans into the buffer; containers as their entry counts
 * (a map's count is of pairs). */
int tinyops_cbor_uint(tinyops_cbor *c, uint64_t *value);
int tinyops_cbor_bytes(tinyops_cbor *c, tinyops_span *value);
int tinyops_cbor_text(tinyops_cbor *c, tinyops_span *value);
int tinyops_cbor_array(tinyops_cbor *c, uint32_t *count);
int tinyops_cbor_map(tinyops_cbor *c, uint32_t *count);
/* Skips one whole item of any type, nested containers included (at most `max_depth` deep,
 * without recursion). 0 for indefinite lengths, truncation or nesting too deep. */
int tinyops_cbor_skip(tinyops_cbor *c, uint32_t max_depth);
int tinyops_cbor_at_end(const tinyops_cbor *c);

#endif
