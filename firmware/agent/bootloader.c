#include "bootloader.h"

static int slot_good(const tinyops_device *d, uint8_t slot) {
  tinyops_manifest m;
  return slot <= 1u && tinyops_slot_verify(d, slot, &m) == TINYOPS_AGENT_OK;
}

static uint32_t slot_sequence(const tinyops_device *d, uint8_t slot) {
  tinyops_manifest m;
  return tinyops_slot_manifest(d, slot, &m) == TINYOPS_AGENT_OK ? m.sequence : 0u;
}

uint8_t tinyops_boot_select(const tinyops_device *d, uint8_t max_tries) {
  tinyops_boot_record r;
  uint8_t slot;
  tinyops_record_read(d, &r);
  if (r.pending != TINYOPS_NO_SLOT) {
    const int good = slot_good(d, r.pending);
    if (good && r.tries < max_tries) {
      ++r.tries;
      /* counted before it runs, so an image that hangs or resets is still counted */
      if (tinyops_record_write(d, &r) == 0) return r.pending;
    }
    r.last_reason = (uint8_t)(good ? TINYOPS_REJECT_NOT_CONFIRMED : TINYOPS_REJECT_DIGEST);
    r.rejected_sequence = slot_sequence(d, r.pending);
    r.pending = TINYOPS_NO_SLOT;
    r.tries = 0;
    (void)tinyops_record_write(d, &r); /* if this write fails, the next boot decides again */
  }
  if (slot_good(d, r.active)) return r.active;
  for (slot = 0; slot <= 1u; ++slot) {
    if (slot != r.active && slot_good(d, slot)) {
      r.active = slot;
      (void)tinyops_record_write(d, &r);
      return slot;
    }
  }
  return TINYOPS_NO_SLOT;
}
