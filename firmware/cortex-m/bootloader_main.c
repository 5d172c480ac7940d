/* The emulated board's bootloader: picks a slot (firmware/agent/bootloader.c), copies its
 * image to where images run and starts it. Built with -DTINYOPS_BOOTLOADER. */
#include <string.h>

#include "agent_config.h"
#include "agent_device.h"
#include "bootloader.h"
#include "device.h"

int main(void) {
  tinyops_device d;
  tinyops_manifest m;
  uint8_t slot;
  const char *text;
  tinyops_board_device(&d);
  slot = tinyops_boot_select(&d, TINYOPS_AGENT_MAX_BOOT_TRIES);
  if (slot == TINYOPS_NO_SLOT || tinyops_slot_manifest(&d, slot, &m) != TINYOPS_AGENT_OK) {
    tinyops_uart_init();
    for (text = "e-[bootloader: no valid image in either slot]\r\n"; *text; ++text) tinyops_uart_putc(*text);
    return 3;
  }
  memcpy((void *)TINYOPS_AGENT_EXEC_BASE, tinyops_slot_image(&d, slot), m.image_size);
  tinyops_jump_to(TINYOPS_AGENT_EXEC_BASE);
  return 4; /* not reached */
}
