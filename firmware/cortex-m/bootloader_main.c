/* The emulated board's bootloader: picks a slot (firmware/agent/bootloader.c), copies its
 * image to where images run and starts it. Built with -DTINYOPS_BOOTLOADER. It reports
 * what its checks cost, in SysTick ticks (instructions under QEMU's -icount, see
 * counters.c): the whole decision (the chosen slot's Ed25519 signature and SHA-256 of its
 * image, the boot record) and the signature check alone, timed once more. */
#include <string.h>

#include "agent_config.h"
#include "agent_device.h"
#include "bootloader.h"
#include "device.h"

static void put(const char *text) {
  while (*text) tinyops_uart_putc(*text++);
}

static void put_ticks(const char *name, uint64_t ticks) {
  char digits[21];
  int n = 0;
  put(name);
  do {
    digits[n++] = (char)('0' + (int)(ticks % 10u));
    ticks /= 10u;
  } while (ticks);
  while (n) tinyops_uart_putc(digits[--n]);
  put("\r\n");
}

int main(void) {
  tinyops_device d;
  tinyops_manifest m;
  uint8_t slot;
  uint64_t select_ticks;
  tinyops_uart_init();
  tinyops_board_device(&d);
  tinyops_ticks_start();
  slot = tinyops_boot_select(&d, TINYOPS_AGENT_MAX_BOOT_TRIES);
  select_ticks = tinyops_ticks_now();
  if (slot == TINYOPS_NO_SLOT) {
    put("e-[bootloader: no valid image in either slot]\r\n");
    return 3;
  }
  tinyops_ticks_start();
  if (tinyops_slot_manifest(&d, slot, &m) != TINYOPS_AGENT_OK) return 3;
  put_ticks("m-boot-select-ticks-", select_ticks);
  put_ticks("m-boot-signature-ticks-", tinyops_ticks_now());
  memcpy((void *)TINYOPS_AGENT_EXEC_BASE, tinyops_slot_image(&d, slot), m.image_size);
  tinyops_jump_to(TINYOPS_AGENT_EXEC_BASE);
  return 4; /* not reached */
}
