#include "cbor_read.h"

enum { MAJOR_UINT = 0, MAJOR_NEGATIVE = 1, MAJOR_BYTES = 2, MAJOR_TEXT = 3, MAJOR_ARRAY = 4,
       MAJOR_MAP = 5, MAJOR_TAG = 6, MAJOR_SIMPLE = 7 };

void tinyops_cbor_begin(tinyops_cbor *c, const uint8_t *bytes, uint32_t length) {
  c->at = bytes;
  c->end = bytes + length;
}

int tinyops_cbor_at_end(const tinyops_cbor *c) { return c->at == c->end; }

static uint32_t bytes_left(const tinyops_cbor *c) { return (uint32_t)(c->end - c->at); }

/* Reads the head at c->at without moving: major type, argument and the head's size.
 * 0 when truncated, or for an indefinite length or a reserved additional-information value. */
static int peek_head(const tinyops_cbor *c, uint8_t *major, uint64_t *argument, uint32_t *size) {
  uint8_t info;
  uint32_t extra, i;
  if (bytes_left(c) < 1u) return 0;
  *major = (uint8_t)(c->at[0] >> 5);
  info = (uint8_t)(c->at[0] & 0x1fu);
  if (info < 24u) {
    *argument = info;
    *size = 1u;
    return 1;
  }
  if (info > 27u) return 0; /* 28-30 reserved, 31 indefinite */
  extra = 1u << (info - 24u);
  if (bytes_left(c) < 1u + extra) return 0;
  *argument = 0;
  for (i = 0; i < extra; ++i) *argument = (*argument << 8) | c->at[1u + i];
  *size = 1u + extra;
  return 1;
}

static int read_string(tinyops_cbor *c, uint8_t want, tinyops_span *value) {
  uint8_t major;
  uint64_t length;
  uint32_t size;
  if (!peek_head(c, &major, &length, &size) || major != want) return 0;
  if (length > (uint64_t)(bytes_left(c) - size)) return 0;
  value->bytes = c->at + size;
  value->length = (uint32_t)length;
  c->at += size + (uint32_t)length;
  return 1;
}

static int read_count(tinyops_cbor *c, uint8_t want, uint32_t *count) {
  uint8_t major;
  uint64_t n;
  uint32_t size;
  if (!peek_head(c, &major, &n, &size) || major != want) return 0;
  /* every entry takes at least one byte: a larger count is forged */
  if (n > (uint64_t)(bytes_left(c) - size)) return 0;
  *count = (uint32_t)n;
  c->at += size;
  return 1;
}

int tinyops_cbor_uint(tinyops_cbor *c, uint64_t *value) {
  uint8_t major;
  uint32_t size;
  if (!peek_head(c, &major, value, &size) || major != MAJOR_UINT) return 0;
  c->at += size;
  return 1;
}

int tinyops_cbor_bytes(tinyops_cbor *c, tinyops_span *value) {
  return read_string(c, MAJOR_BYTES, value);
}

int tinyops_cbor_text(tinyops_cbor *c, tinyops_span *value) {
  return read_string(c, MAJOR_TEXT, value);
}

int tinyops_cbor_array(tinyops_cbor *c, uint32_t *count) {
  return read_count(c, MAJOR_ARRAY, count);
}

int tinyops_cbor_map(tinyops_cbor *c, uint32_t *count) { return read_count(c, MAJOR_MAP, count); }

int tinyops_cbor_skip(tinyops_cbor *c, uint32_t max_depth) {
  /* pending[d]: items still to skip at depth d; a container pushes its entries one level down */
  uint32_t pending[16];
  uint32_t depth = 0;
  if (max_depth > 16u) max_depth = 16u;
  if (max_depth == 0u) return 0;
  pending[0] = 1;
  while (1) {
    uint8_t major;
    uint64_t argument;
    uint32_t size;
    tinyops_cbor at;
    while (pending[depth] == 0u) {
      if (depth == 0u) return 1;
      --depth;
    }
    --pending[depth];
    if (!peek_head(c, &major, &argument, &size)) return 0;
    at = *c;
    if (major == MAJOR_BYTES || major == MAJOR_TEXT) {
      tinyops_span ignored;
      if (!read_string(&at, major, &ignored)) return 0;
    } else if (major == MAJOR_ARRAY || major == MAJOR_MAP) {
      uint32_t count;
      if (!read_count(&at, major, &count)) return 0;
      if (count > 0u) {
        if (depth + 1u >= max_depth) return 0;
        if (major == MAJOR_MAP && count > 0x7fffffffu) return 0;
        ++depth;
        pending[depth] = major == MAJOR_MAP ? count * 2u : count;
      }
    } else if (major == MAJOR_TAG) {
      at.at += size; /* the tagged item follows at the same depth */
      ++pending[depth];
    } else {
      at.at += size; /* integers, simple values and floats are all head */
    }
    *c = at;
  }
}
