#include "agent.h"

#include <string.h>

#include "sha256.h"

enum { PHASE_IDLE, PHASE_ENVELOPE, PHASE_IMAGE };
enum { PART_ENVELOPE = 0, PART_IMAGE = 1, PART_NONE = 2 }; /* NONE: no transfer, BEGIN first */

static uint8_t inactive_slot(const tinyops_agent *a) {
  return a->record.active == 0u ? 1u : 0u;
}

static void reply_next(tinyops_frame *reply, uint8_t part, uint32_t offset) {
  reply->type = TINYOPS_MSG_NEXT;
  reply->length = 5;
  reply->payload[0] = part;
  tinyops_put_u32(reply->payload + 1, offset);
}

static void reply_reject(tinyops_frame *reply, tinyops_agent_reason reason, uint8_t part,
                         uint32_t offset) {
  reply->type = TINYOPS_MSG_REJECT;
  reply->length = 6;
  reply->payload[0] = (uint8_t)reason;
  reply->payload[1] = part;
  tinyops_put_u32(reply->payload + 2, offset);
}

static void remember_refusal(tinyops_agent *a, tinyops_agent_reason reason, uint32_t sequence) {
  a->record.last_reason = (uint8_t)reason;
  a->record.rejected_sequence = sequence;
}

static int smoke_test_passes(tinyops_agent *a, const tinyops_manifest *m) {
  const tinyops_agent_config *c = &a->config;
  int32_t n;
  if (!c->run_model) return 0;
  n = c->run_model(c->model_context, m->smoke_input.bytes, m->smoke_input.length, c->scratch,
                   c->scratch_size);
  return n >= 0 && (uint32_t)n == m->smoke_output.length &&
         (n == 0 || memcmp(c->scratch, m->smoke_output.bytes, (size_t)n) == 0);
}

void tinyops_agent_start(tinyops_agent *a, const tinyops_agent_config *config,
                         uint8_t booted_slot) {
  tinyops_manifest m;
  memset(a, 0, sizeof *a);
  a->config = *config;
  a->booted_slot = booted_slot;
  tinyops_record_read(&a->config.device, &a->record);
  if (booted_slot == TINYOPS_NO_SLOT ||
      tinyops_slot_manifest(&a->config.device, booted_slot, &m) != TINYOPS_AGENT_OK) {
    a->booted_slot = TINYOPS_NO_SLOT;
    return;
  }
  a->booted_sequence = m.sequence;
  if (booted_slot != a->record.pending) return;
  if (smoke_test_passes(a, &m)) {
    a->record.active = booted_slot;
    a->record.last_reason = TINYOPS_AGENT_OK;
    if (m.sequence > a->record.highest_sequence) a->record.highest_sequence = m.sequence;
  } else {
    remember_refusal(a, TINYOPS_REJECT_SMOKE_TEST, m.sequence);
    a->reboot_requested = 1; /* back to the confirmed image */
  }
  a->record.pending = TINYOPS_NO_SLOT;
  a->record.tries = 0;
  if (tinyops_record_write(&a->config.device, &a->record) != 0) a->reboot_requested = 1;
}

static void image_complete(tinyops_agent *a, tinyops_frame *reply);

static void begin(tinyops_agent *a, const tinyops_frame *in, tinyops_frame *reply) {
  const tinyops_device *d = &a->config.device;
  const uint8_t slot = inactive_slot(a);
  tinyops_manifest m;
  uint32_t length;
  if (in->length != 36u) {
    reply_reject(reply, TINYOPS_REJECT_MALFORMED, PART_ENVELOPE, 0);
    return;
  }
  if (a->record.pending != TINYOPS_NO_SLOT) {
    reply_reject(reply, TINYOPS_REJECT_BUSY, PART_ENVELOPE, 0); /* reboot first */
    return;
  }
  length = tinyops_get_u32(in->payload);
  if (length > tinyops_slot_envelope_capacity(d)) {
    a->phase = PHASE_IDLE;
    reply_reject(reply, TINYOPS_REJECT_TOO_LARGE, PART_ENVELOPE, 0);
    return;
  }
  /* The same release already committed to the inactive slot: resume its image. */
  if (tinyops_slot_manifest(d, slot, &m) == TINYOPS_AGENT_OK &&
      memcmp(m.image_digest.bytes, in->payload + 4, 32) == 0 &&
      m.sequence > a->record.highest_sequence) {
    a->phase = PHASE_IMAGE;
    a->image_size = m.image_size;
    memcpy(a->image_digest, m.image_digest.bytes, 32);
    a->next_offset = tinyops_slot_resume_offset(d, slot, m.image_size);
    if (a->next_offset == a->image_size)
      image_complete(a, reply); /* all there: the cut came before it was marked pending */
    else
      reply_next(reply, PART_IMAGE, a->next_offset);
    return;
  }
  if (tinyops_slot_erase_header(d, slot) != 0) {
    a->phase = PHASE_IDLE;
    reply_reject(reply, TINYOPS_REJECT_FLASH, PART_ENVELOPE, 0);
    return;
  }
  a->phase = PHASE_ENVELOPE;
  a->envelope_length = length;
  a->next_offset = 0;
  reply_next(reply, PART_ENVELOPE, 0);
}

/* The whole envelope is in the slot's header: it is checked where it lies. */
static void envelope_complete(tinyops_agent *a, tinyops_frame *reply) {
  const tinyops_device *d = &a->config.device;
  const uint8_t slot = inactive_slot(a);
  tinyops_manifest m;
  tinyops_agent_reason reason =
      tinyops_envelope_open(tinyops_slot_envelope(d, slot), a->envelope_length, &d->trust, &m);
  if (reason == TINYOPS_AGENT_OK) reason = tinyops_device_accepts(d, &m);
  if (reason == TINYOPS_AGENT_OK) {
    if (m.sequence <= a->record.highest_sequence || m.sequence <= a->booted_sequence)
      reason = TINYOPS_REJECT_DOWNGRADE;
    else if (tinyops_slot_commit_header(d, slot, a->envelope_length) != 0)
      reason = TINYOPS_REJECT_FLASH;
  }
  if (reason != TINYOPS_AGENT_OK) {
    a->phase = PHASE_IDLE;
    (void)tinyops_slot_erase_header(d, slot);
    reply_reject(reply, reason, PART_ENVELOPE, 0);
    return;
  }
  a->phase = PHASE_IMAGE;
  a->image_size = m.image_size;
  memcpy(a->image_digest, m.image_digest.bytes, 32);
  a->next_offset = 0;
  reply_next(reply, PART_IMAGE, 0);
}

static void envelope_chunk(tinyops_agent *a, const tinyops_frame *in, tinyops_frame *reply) {
  uint32_t offset, n;
  if (a->phase != PHASE_ENVELOPE || in->length < 4u) {
    reply_reject(reply, TINYOPS_REJECT_OFFSET, a->phase == PHASE_IMAGE ? PART_IMAGE : PART_NONE,
                 a->next_offset);
    return;
  }
  offset = tinyops_get_u32(in->payload);
  n = in->length - 4u;
  if (offset != a->next_offset || n > a->envelope_length - offset) {
    reply_reject(reply, TINYOPS_REJECT_OFFSET, PART_ENVELOPE, a->next_offset);
    return;
  }
  if (tinyops_slot_write_envelope(&a->config.device, inactive_slot(a), offset, in->payload + 4,
                                  n) != 0) {
    a->phase = PHASE_IDLE;
    reply_reject(reply, TINYOPS_REJECT_FLASH, PART_ENVELOPE, 0);
    return;
  }
  a->next_offset += n;
  if (a->next_offset == a->envelope_length)
    envelope_complete(a, reply);
  else
    reply_next(reply, PART_ENVELOPE, a->next_offset);
}

static void image_complete(tinyops_agent *a, tinyops_frame *reply) {
  const tinyops_device *d = &a->config.device;
  const uint8_t slot = inactive_slot(a);
  tinyops_manifest m;
  tinyops_agent_reason reason = tinyops_slot_verify(d, slot, &m);
  a->phase = PHASE_IDLE;
  if (reason == TINYOPS_AGENT_OK) {
    a->record.pending = slot;
    a->record.tries = 0;
    if (tinyops_record_write(d, &a->record) != 0) reason = TINYOPS_REJECT_FLASH;
  }
  if (reason != TINYOPS_AGENT_OK) {
    a->record.pending = TINYOPS_NO_SLOT;
    remember_refusal(a, reason, m.sequence);
    (void)tinyops_slot_erase_header(d, slot);
    reply_reject(reply, reason, PART_IMAGE, 0);
    return;
  }
  reply->type = TINYOPS_MSG_INSTALLED;
  reply->length = 4;
  tinyops_put_u32(reply->payload, m.sequence);
  a->reboot_requested = 1;
}

static void image_chunk(tinyops_agent *a, const tinyops_frame *in, tinyops_frame *reply) {
  uint32_t offset, n;
  if (a->phase != PHASE_IMAGE || in->length < 4u) {
    reply_reject(reply, TINYOPS_REJECT_OFFSET,
                 a->phase == PHASE_ENVELOPE ? PART_ENVELOPE : PART_NONE, a->next_offset);
    return;
  }
  offset = tinyops_get_u32(in->payload);
  n = in->length - 4u;
  if (offset != a->next_offset || n == 0u || n > a->image_size - offset) {
    reply_reject(reply, TINYOPS_REJECT_OFFSET, PART_IMAGE, a->next_offset);
    return;
  }
  if (tinyops_slot_write_image(&a->config.device, inactive_slot(a), offset, in->payload + 4, n,
                               a->image_size) != 0) {
    a->phase = PHASE_IDLE;
    reply_reject(reply, TINYOPS_REJECT_FLASH, PART_IMAGE, 0);
    return;
  }
  a->next_offset += n;
  if (a->next_offset == a->image_size)
    image_complete(a, reply);
  else
    reply_next(reply, PART_IMAGE, a->next_offset);
}

/* Back to the release in the other slot, which ran here before: the server's rollback of a
 * rollout whose stage failed elsewhere. The anti-rollback floor stays where it is, so the
 * abandoned release can never be installed again. */
static void revert(tinyops_agent *a, const tinyops_frame *in, tinyops_frame *reply) {
  const tinyops_device *d = &a->config.device;
  const uint8_t slot = inactive_slot(a);
  tinyops_manifest m;
  if (in->length != 4u || a->booted_slot == TINYOPS_NO_SLOT ||
      tinyops_slot_verify(d, slot, &m) != TINYOPS_AGENT_OK ||
      m.sequence != tinyops_get_u32(in->payload)) {
    reply_reject(reply, TINYOPS_REJECT_NO_PREVIOUS, PART_IMAGE, 0);
    return;
  }
  a->record.active = slot;
  a->record.pending = TINYOPS_NO_SLOT;
  remember_refusal(a, TINYOPS_REJECT_REVERTED, a->booted_sequence);
  if (tinyops_record_write(d, &a->record) != 0) {
    reply_reject(reply, TINYOPS_REJECT_FLASH, PART_IMAGE, 0);
    return;
  }
  reply->type = TINYOPS_MSG_INSTALLED;
  reply->length = 4;
  tinyops_put_u32(reply->payload, m.sequence);
  a->reboot_requested = 1;
}

void tinyops_agent_handle(tinyops_agent *a, const tinyops_frame *in, tinyops_frame *reply) {
  switch (in->type) {
    case TINYOPS_MSG_BEGIN: begin(a, in, reply); break;
    case TINYOPS_MSG_MANIFEST: envelope_chunk(a, in, reply); break;
    case TINYOPS_MSG_IMAGE: image_chunk(a, in, reply); break;
    case TINYOPS_MSG_REVERT: revert(a, in, reply); break;
    case TINYOPS_MSG_STATUS: tinyops_agent_report(a, reply); break;
    default: reply_reject(reply, TINYOPS_REJECT_MALFORMED, PART_ENVELOPE, 0); break;
  }
}

void tinyops_agent_frame_error(const tinyops_agent *a, tinyops_frame *reply) {
  const uint8_t part = a->phase == PHASE_IMAGE ? PART_IMAGE
                       : a->phase == PHASE_ENVELOPE ? PART_ENVELOPE : PART_NONE;
  reply_reject(reply, TINYOPS_REJECT_FRAME, part, a->next_offset);
}

void tinyops_agent_report(const tinyops_agent *a, tinyops_frame *out) {
  uint8_t *p = out->payload;
  out->type = TINYOPS_MSG_REPORT;
  out->length = TINYOPS_REPORT_BYTES;
  tinyops_put_u32(p, a->booted_slot == TINYOPS_NO_SLOT ? 0u : a->booted_sequence);
  p[4] = (uint8_t)(a->booted_slot != TINYOPS_NO_SLOT && a->booted_slot == a->record.active
                       ? TINYOPS_REPORT_CONFIRMED : 0u);
  p[5] = a->record.last_reason;
  tinyops_put_u32(p + 6, a->record.rejected_sequence);
  tinyops_put_u32(p + 10, a->inferences);
  tinyops_put_u32(p + 14, a->errors);
  tinyops_put_u32(p + 18, a->latency_us);
}

void tinyops_agent_count_inferences(tinyops_agent *a, uint32_t runs, uint32_t failed,
                                    uint32_t latency_us) {
  a->inferences += runs;
  a->errors += failed;
  a->latency_us = latency_us;
}
