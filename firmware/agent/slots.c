#include "slots.h"

#include <string.h>

#include "frame.h"
#include "sha256.h"

#define RECORD_MAGIC 0x52424F54u /* "TOBR" */
#define HEADER_MAGIC 0x48534F54u /* "TOSH" */
#define RECORD_BYTES 24u
#define HEADER_FIXED 8u /* magic, envelope length */

static void record_encode(const tinyops_boot_record *r, uint8_t out[RECORD_BYTES]) {
  tinyops_put_u32(out, RECORD_MAGIC);
  tinyops_put_u32(out + 4, r->counter);
  out[8] = r->active;
  out[9] = r->pending;
  out[10] = r->tries;
  out[11] = r->last_reason;
  tinyops_put_u32(out + 12, r->highest_sequence);
  tinyops_put_u32(out + 16, r->rejected_sequence);
  tinyops_put_u32(out + 20, tinyops_crc32(0, out, 20));
}

static int record_decode(const uint8_t *in, tinyops_boot_record *r) {
  if (tinyops_get_u32(in) != RECORD_MAGIC || tinyops_get_u32(in + 20) != tinyops_crc32(0, in, 20))
    return 0;
  r->counter = tinyops_get_u32(in + 4);
  r->active = in[8];
  r->pending = in[9];
  r->tries = in[10];
  r->last_reason = in[11];
  r->highest_sequence = tinyops_get_u32(in + 12);
  r->rejected_sequence = tinyops_get_u32(in + 16);
  return 1;
}

/* Index of the page holding the newest valid record, or -1 when neither is valid. */
static int newest_record(const tinyops_device *d, tinyops_boot_record *r) {
  tinyops_boot_record page[2];
  int valid[2], i;
  for (i = 0; i < 2; ++i)
    valid[i] = record_decode(d->flash->memory + d->layout.record_offset[i], &page[i]);
  if (!valid[0] && !valid[1]) return -1;
  i = valid[0] && (!valid[1] || page[0].counter > page[1].counter) ? 0 : 1;
  *r = page[i];
  return i;
}

void tinyops_record_read(const tinyops_device *d, tinyops_boot_record *r) {
  if (newest_record(d, r) >= 0) return;
  memset(r, 0, sizeof *r);
  r->active = TINYOPS_NO_SLOT;
  r->pending = TINYOPS_NO_SLOT;
}

int tinyops_record_write(const tinyops_device *d, tinyops_boot_record *r) {
  tinyops_boot_record current;
  uint8_t bytes[RECORD_BYTES];
  const int newest = newest_record(d, &current);
  const uint32_t target = d->layout.record_offset[newest == 0 ? 1 : 0];
  r->counter = newest >= 0 ? current.counter + 1u : 1u;
  record_encode(r, bytes);
  if (d->flash->erase_page(d->flash->context, target)) return -1;
  return d->flash->program(d->flash->context, target, bytes, RECORD_BYTES);
}

uint32_t tinyops_slot_image_pages(const tinyops_device *d) {
  return (d->layout.slot_size - d->layout.header_size) / d->flash->page_size;
}

uint32_t tinyops_slot_envelope_capacity(const tinyops_device *d) {
  return d->layout.header_size - HEADER_FIXED - tinyops_slot_image_pages(d);
}

uint32_t tinyops_slot_image_capacity(const tinyops_device *d) {
  return d->layout.slot_size - d->layout.header_size;
}

static uint32_t header_offset(const tinyops_device *d, uint8_t slot) {
  return d->layout.slot_offset[slot];
}

static uint32_t progress_offset(const tinyops_device *d, uint8_t slot) {
  return header_offset(d, slot) + d->layout.header_size - tinyops_slot_image_pages(d);
}

const uint8_t *tinyops_slot_image(const tinyops_device *d, uint8_t slot) {
  return d->flash->memory + header_offset(d, slot) + d->layout.header_size;
}

const uint8_t *tinyops_slot_envelope(const tinyops_device *d, uint8_t slot) {
  return d->flash->memory + header_offset(d, slot) + HEADER_FIXED;
}

tinyops_agent_reason tinyops_slot_manifest(const tinyops_device *d, uint8_t slot,
                                           tinyops_manifest *m) {
  const uint8_t *header;
  uint32_t length;
  tinyops_agent_reason reason;
  if (slot > 1u) return TINYOPS_REJECT_MALFORMED;
  header = d->flash->memory + header_offset(d, slot);
  length = tinyops_get_u32(header + 4);
  if (tinyops_get_u32(header) != HEADER_MAGIC || length > tinyops_slot_envelope_capacity(d))
    return TINYOPS_REJECT_MALFORMED;
  reason = tinyops_envelope_open(header + HEADER_FIXED, length, &d->trust, m);
  return reason != TINYOPS_AGENT_OK ? reason : tinyops_device_accepts(d, m);
}

tinyops_agent_reason tinyops_device_accepts(const tinyops_device *d, const tinyops_manifest *m) {
  if (!tinyops_span_equals(m->vendor, "tinyops") || !tinyops_span_equals(m->class_id, d->class_id))
    return TINYOPS_REJECT_WRONG_CLASS;
  if (m->image_size > tinyops_slot_image_capacity(d)) return TINYOPS_REJECT_TOO_LARGE;
  return TINYOPS_AGENT_OK;
}

tinyops_agent_reason tinyops_slot_verify(const tinyops_device *d, uint8_t slot,
                                         tinyops_manifest *m) {
  tinyops_sha256 sha;
  uint8_t digest[32];
  tinyops_agent_reason reason;
  memset(m, 0, sizeof *m);
  reason = tinyops_slot_manifest(d, slot, m);
  if (reason != TINYOPS_AGENT_OK) return reason;
  tinyops_sha256_init(&sha);
  tinyops_sha256_update(&sha, tinyops_slot_image(d, slot), m->image_size);
  tinyops_sha256_final(&sha, digest);
  return memcmp(digest, m->image_digest.bytes, 32) == 0 ? TINYOPS_AGENT_OK : TINYOPS_REJECT_DIGEST;
}

int tinyops_slot_erase_header(const tinyops_device *d, uint8_t slot) {
  uint32_t at;
  for (at = 0; at < d->layout.header_size; at += d->flash->page_size)
    if (d->flash->erase_page(d->flash->context, header_offset(d, slot) + at)) return -1;
  return 0;
}

int tinyops_slot_write_envelope(const tinyops_device *d, uint8_t slot, uint32_t offset,
                                const uint8_t *bytes, uint32_t length) {
  if (offset > tinyops_slot_envelope_capacity(d) ||
      length > tinyops_slot_envelope_capacity(d) - offset)
    return -1;
  return d->flash->program(d->flash->context, header_offset(d, slot) + HEADER_FIXED + offset,
                           bytes, length);
}

int tinyops_slot_commit_header(const tinyops_device *d, uint8_t slot, uint32_t envelope_length) {
  uint8_t word[4];
  /* the length first, the magic last: a cut between them leaves no committed header */
  tinyops_put_u32(word, envelope_length);
  if (d->flash->program(d->flash->context, header_offset(d, slot) + 4, word, 4)) return -1;
  tinyops_put_u32(word, HEADER_MAGIC);
  return d->flash->program(d->flash->context, header_offset(d, slot), word, 4);
}

int tinyops_slot_write_image(const tinyops_device *d, uint8_t slot, uint32_t offset,
                             const uint8_t *bytes, uint32_t length, uint32_t image_size) {
  const uint32_t page = d->flash->page_size;
  const uint32_t base = header_offset(d, slot) + d->layout.header_size;
  static const uint8_t done = 0;
  uint32_t written = 0;
  if (offset > image_size || length > image_size - offset) return -1;
  while (written < length) {
    const uint32_t at = offset + written;
    const uint32_t page_end = (at / page + 1u) * page;
    const uint32_t end = page_end < offset + length ? page_end : offset + length;
    if (at % page == 0u && d->flash->erase_page(d->flash->context, base + at)) return -1;
    if (d->flash->program(d->flash->context, base + at, bytes + written, end - at)) return -1;
    if (end == page_end || end == image_size) {
      if (d->flash->program(d->flash->context, progress_offset(d, slot) + at / page, &done, 1))
        return -1;
    }
    written += end - at;
  }
  return 0;
}

uint32_t tinyops_slot_resume_offset(const tinyops_device *d, uint8_t slot, uint32_t image_size) {
  const uint8_t *progress = d->flash->memory + progress_offset(d, slot);
  const uint32_t page = d->flash->page_size;
  uint32_t p;
  for (p = 0; p * page < image_size; ++p)
    if (progress[p] != 0u) return p * page;
  return image_size;
}
