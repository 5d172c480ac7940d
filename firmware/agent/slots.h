/* The A/B layout: two boot-record pages and two slots, each slot a header (the signed
 * envelope and a download progress map) followed by the image. Whatever a power cut
 * interrupts, the device is left in a state the bootloader can boot from:
 *  - the boot record is written to the older of its two pages and carries a counter and a
 *    CRC, so a torn write leaves the previous record in force;
 *  - a slot's header is committed by writing its magic last, after the envelope verified;
 *  - an image page counts as downloaded only once its progress byte is cleared after it;
 *  - the bootloader checks a slot's signature and image digest before it boots it. */
#ifndef TINYOPS_AGENT_SLOTS_H
#define TINYOPS_AGENT_SLOTS_H

#include <stdint.h>

#include "agent_reason.h"
#include "flash.h"
#include "manifest.h"

#define TINYOPS_NO_SLOT 0xFFu

typedef struct {
  uint32_t record_offset[2]; /* one page each */
  uint32_t slot_offset[2];
  uint32_t slot_size;        /* header + image, a multiple of the page size */
  uint32_t header_size;      /* a multiple of the page size */
} tinyops_layout;

typedef struct {
  uint32_t counter;           /* the newer of the two pages wins */
  uint8_t active;             /* the confirmed slot (or TINYOPS_NO_SLOT) */
  uint8_t pending;            /* a verified slot to try next boot (or TINYOPS_NO_SLOT) */
  uint8_t tries;              /* boots of `pending` so far without its confirmation */
  uint8_t last_reason;        /* why the last update was refused or rolled back */
  uint32_t highest_sequence;  /* anti-rollback floor: a new manifest must be above it */
  uint32_t rejected_sequence; /* the release `last_reason` is about */
} tinyops_boot_record;

typedef struct {
  const tinyops_flash *flash;
  tinyops_layout layout;
  tinyops_trust trust;
  const char *class_id; /* the board profile's name, as in the manifest's class id */
} tinyops_device;

/* A record that was never written reads as the factory state: no slot, nothing pending. */
void tinyops_record_read(const tinyops_device *d, tinyops_boot_record *r);
int tinyops_record_write(const tinyops_device *d, tinyops_boot_record *r);

uint32_t tinyops_slot_image_pages(const tinyops_device *d);
uint32_t tinyops_slot_envelope_capacity(const tinyops_device *d);
uint32_t tinyops_slot_image_capacity(const tinyops_device *d);
const uint8_t *tinyops_slot_image(const tinyops_device *d, uint8_t slot);

/* Whether a manifest that opened is for this device and fits a slot: OK, WRONG_CLASS
 * (vendor or class id) or TOO_LARGE. Sequence numbers are the agent's business. */
tinyops_agent_reason tinyops_device_accepts(const tinyops_device *d, const tinyops_manifest *m);

/* The committed envelope of a slot, opened: OK, or why it cannot be used. */
tinyops_agent_reason tinyops_slot_manifest(const tinyops_device *d, uint8_t slot,
                                           tinyops_manifest *m);
/* The manifest and the whole image check out (signature, class, size, SHA-256). */
tinyops_agent_reason tinyops_slot_verify(const tinyops_device *d, uint8_t slot,
                                         tinyops_manifest *m);

/* Header writes, in the order a download makes them. */
int tinyops_slot_erase_header(const tinyops_device *d, uint8_t slot);
int tinyops_slot_write_envelope(const tinyops_device *d, uint8_t slot, uint32_t offset,
                                const uint8_t *bytes, uint32_t length);
const uint8_t *tinyops_slot_envelope(const tinyops_device *d, uint8_t slot);
int tinyops_slot_commit_header(const tinyops_device *d, uint8_t slot, uint32_t envelope_length);
/* Image writes: erases each page as the download enters it and marks each page it completes. */
int tinyops_slot_write_image(const tinyops_device *d, uint8_t slot, uint32_t offset,
                             const uint8_t *bytes, uint32_t length, uint32_t image_size);
/* Where a download of this slot's committed image can resume: the first page not marked. */
uint32_t tinyops_slot_resume_offset(const tinyops_device *d, uint8_t slot, uint32_t image_size);

#endif
