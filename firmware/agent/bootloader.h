/* The bootloader's one decision: which slot to start. A pending slot is tried at most
 * `max_tries` times; if the image it holds has not confirmed itself by then (its smoke test
 * passed), it is abandoned and the confirmed slot boots again. A slot boots only when its
 * signature and SHA-256 check out; when the confirmed slot does not, the other one is
 * taken if it does, so a device with one good image always boots it. */
#ifndef TINYOPS_AGENT_BOOTLOADER_H
#define TINYOPS_AGENT_BOOTLOADER_H

#include "slots.h"

/* The slot to start (0 or 1), or TINYOPS_NO_SLOT when neither holds a valid image (the
 * device then waits in the agent's recovery mode for a first release). Updates the boot
 * record as it decides. */
uint8_t tinyops_boot_select(const tinyops_device *d, uint8_t max_tries);

#endif
