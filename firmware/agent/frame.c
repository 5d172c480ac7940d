#include "frame.h"

#include <string.h>

enum { WAIT_START, TYPE, LENGTH_LOW, LENGTH_HIGH, PAYLOAD, CRC };

uint32_t tinyops_get_u32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

void tinyops_put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

/* Bitwise on purpose: a 1 KB table would cost more flash than the speed is worth here. */
uint32_t tinyops_crc32(uint32_t crc, const uint8_t *data, size_t n) {
  size_t i;
  crc = ~crc;
  for (i = 0; i < n; ++i) {
    int bit;
    crc ^= data[i];
    for (bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void tinyops_frame_parser_init(tinyops_frame_parser *p) { memset(p, 0, sizeof *p); }

int tinyops_frame_parser_busy(const tinyops_frame_parser *p) { return p->state != WAIT_START; }

int tinyops_frame_feed(tinyops_frame_parser *p, uint8_t byte) {
  switch (p->state) {
    case WAIT_START:
      if (byte == TINYOPS_FRAME_START) p->state = TYPE;
      return 0;
    case TYPE:
      p->frame.type = byte;
      p->state = LENGTH_LOW;
      return 0;
    case LENGTH_LOW:
      p->frame.length = byte;
      p->state = LENGTH_HIGH;
      return 0;
    case LENGTH_HIGH:
      p->frame.length = (uint16_t)(p->frame.length | ((uint16_t)byte << 8));
      if (p->frame.length > TINYOPS_FRAME_MAX_PAYLOAD) {
        p->state = WAIT_START;
        return -1;
      }
      p->got = 0;
      p->state = p->frame.length ? PAYLOAD : CRC;
      return 0;
    case PAYLOAD:
      p->frame.payload[p->got++] = byte;
      if (p->got == p->frame.length) {
        p->got = 0;
        p->state = CRC;
      }
      return 0;
    default: {
      uint8_t head[3];
      uint32_t crc;
      p->crc_bytes[p->got++] = byte;
      if (p->got < 4u) return 0;
      p->state = WAIT_START;
      p->got = 0;
      head[0] = p->frame.type;
      head[1] = (uint8_t)p->frame.length;
      head[2] = (uint8_t)(p->frame.length >> 8);
      crc = tinyops_crc32(0, head, 3);
      crc = tinyops_crc32(crc, p->frame.payload, p->frame.length);
      return crc == tinyops_get_u32(p->crc_bytes) ? 1 : -1;
    }
  }
}

uint32_t tinyops_frame_encode(uint8_t type, const uint8_t *payload, uint16_t length, uint8_t *out) {
  uint32_t crc;
  if (length > TINYOPS_FRAME_MAX_PAYLOAD) return 0;
  out[0] = TINYOPS_FRAME_START;
  out[1] = type;
  out[2] = (uint8_t)length;
  out[3] = (uint8_t)(length >> 8);
  if (length) memmove(out + 4, payload, length);
  crc = tinyops_crc32(0, out + 1, 3u + length);
  tinyops_put_u32(out + 4 + length, crc);
  return TINYOPS_FRAME_OVERHEAD + length;
}
