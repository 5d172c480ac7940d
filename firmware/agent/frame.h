/* Frames: how the agent's messages travel over a byte stream (a UART, through the farm's
 * gateway) or one per MQTT message (simulated devices), with the same bytes either way:
 *
 *   0xA5 | type (1) | payload length (2, little-endian) | payload | CRC-32 (4, LE)
 *
 * The CRC (IEEE 802.3, as zlib's crc32) covers type, length and payload. The parser takes
 * one byte at a time, so a lost or corrupted byte costs one frame and the stream
 * resynchronises at the next 0xA5. Message types and payloads are in docs/fleet.md. */
#ifndef TINYOPS_AGENT_FRAME_H
#define TINYOPS_AGENT_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define TINYOPS_FRAME_START 0xA5u
#define TINYOPS_FRAME_MAX_PAYLOAD 1024u
#define TINYOPS_FRAME_OVERHEAD 8u

/* Messages to the device */
#define TINYOPS_MSG_BEGIN 0x01u    /* u32 envelope length, 32-byte image digest */
#define TINYOPS_MSG_MANIFEST 0x02u /* u32 offset, envelope bytes */
#define TINYOPS_MSG_IMAGE 0x03u    /* u32 offset, image bytes */
#define TINYOPS_MSG_STATUS 0x04u   /* (empty): asks for a report */
#define TINYOPS_MSG_REVERT 0x05u   /* u32 sequence to go back to */
/* Messages from the device */
#define TINYOPS_MSG_NEXT 0x81u      /* u8 part (0 manifest, 1 image), u32 offset wanted next */
#define TINYOPS_MSG_REJECT 0x82u    /* u8 reason, u8 part (2: none, BEGIN again), u32 offset */
#define TINYOPS_MSG_INSTALLED 0x83u /* u32 sequence: verified, pending, rebooting into it */
#define TINYOPS_MSG_REPORT 0x84u    /* see tinyops_report in agent.h */

typedef struct {
  uint8_t type;
  uint16_t length;
  uint8_t payload[TINYOPS_FRAME_MAX_PAYLOAD];
} tinyops_frame;

typedef struct {
  uint8_t state;
  uint16_t got;
  uint32_t crc;
  uint8_t crc_bytes[4];
  tinyops_frame frame;
} tinyops_frame_parser;

uint32_t tinyops_crc32(uint32_t crc, const uint8_t *data, size_t n);

void tinyops_frame_parser_init(tinyops_frame_parser *p);
/* 1 when `byte` completes a good frame (in p->frame), -1 when it completes a bad one (CRC
 * or length over the maximum; the parser then looks for the next start byte), else 0. */
int tinyops_frame_feed(tinyops_frame_parser *p, uint8_t byte);
/* 1 while a frame is part-way in (after its start byte), else 0. */
int tinyops_frame_parser_busy(const tinyops_frame_parser *p);
/* Writes the encoded frame to `out` (room for length + TINYOPS_FRAME_OVERHEAD bytes);
 * returns its size, or 0 when length is over the maximum. */
uint32_t tinyops_frame_encode(uint8_t type, const uint8_t *payload, uint16_t length, uint8_t *out);

uint32_t tinyops_get_u32(const uint8_t *p);
void tinyops_put_u32(uint8_t *p, uint32_t v);

#endif
