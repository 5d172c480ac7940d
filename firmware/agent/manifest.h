/* Opening a release envelope on the device: the signature is checked over the manifest's
 * bytes exactly as they travelled, before a single field is decoded; then the fields the
 * agent needs come back as spans into the caller's buffer. The byte format is in
 * docs/fleet.md (the host writes it in src/fleet/manifest.cpp). */
#ifndef TINYOPS_AGENT_MANIFEST_H
#define TINYOPS_AGENT_MANIFEST_H

#include <stdint.h>

#include "agent_reason.h"
#include "cbor_read.h"

#define TINYOPS_MANIFEST_VERSION 1u

typedef struct {
  uint32_t version;
  uint32_t sequence;
  tinyops_span vendor, class_id, image_digest, model_id, lineage_id, farm_report_id, created;
  uint32_t image_size;
  tinyops_span smoke_input, smoke_output;
} tinyops_manifest;

typedef struct {
  const uint8_t *public_key; /* 32 bytes: the release key the device trusts */
  const uint8_t *key_id;     /* 8 bytes: first 8 of SHA-256(public_key) */
} tinyops_trust;

/* TINYOPS_AGENT_OK with *out filled, or the reason the envelope is refused:
 * MALFORMED, UNKNOWN_KEY, SIGNATURE, VERSION. Class, sequence and size are the caller's. */
tinyops_agent_reason tinyops_envelope_open(const uint8_t *envelope, uint32_t length,
                                           const tinyops_trust *trust, tinyops_manifest *out);

/* Only the manifest's decoding, for the fuzz target and for bytes already verified. */
tinyops_agent_reason tinyops_manifest_decode(const uint8_t *bytes, uint32_t length,
                                             tinyops_manifest *out);

int tinyops_span_equals(tinyops_span a, const char *text);

#endif
