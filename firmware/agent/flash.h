/* The flash the agent and bootloader write, as NOR flash behaves: erasing a page sets its
 * bytes to 0xFF, programming only clears bits, and either can be cut short by a power loss.
 * Reads go straight to `memory` (flash is memory-mapped on every board we target; the
 * simulated device maps a file), so a manifest is verified where it lies, without a copy. */
#ifndef TINYOPS_AGENT_FLASH_H
#define TINYOPS_AGENT_FLASH_H

#include <stdint.h>

typedef struct {
  void *context;
  const uint8_t *memory;
  uint32_t size;
  uint32_t page_size;
  /* 0 on success */
  int (*erase_page)(void *context, uint32_t offset);
  int (*program)(void *context, uint32_t offset, const uint8_t *data, uint32_t length);
} tinyops_flash;

#endif
