/* The device agent on an emulated board: its flash (the emulator's RAM at
 * TINYOPS_AGENT_FLASH_BASE, written with NOR rules), its layout and trusted key (from
 * agent_config.h, written by the farm for each release) and the hand-over between the
 * bootloader and the image it starts. Images run from TINYOPS_AGENT_EXEC_BASE: the
 * bootloader copies the chosen slot there (as MCUboot's RAM-load mode does), so either slot
 * can hold any image. A reboot is a jump back into the bootloader: QEMU's system reset
 * would reload the images it was started with and undo every install. */
#ifndef TINYOPS_FIRMWARE_AGENT_DEVICE_H
#define TINYOPS_FIRMWARE_AGENT_DEVICE_H

#include <stdint.h>

#include "slots.h"

void tinyops_board_device(tinyops_device *d);
void tinyops_jump_to(uint32_t base);
void tinyops_reboot(void);

/* The application's side: start (smoke test and confirmation on a new image's first boot,
 * then a report), and one received byte (returns 1 while a frame is being received). */
void tinyops_agent_app_start(void);
int tinyops_agent_app_byte(uint8_t byte);
/* The harness ran `runs` inferences in `ticks` SysTick ticks: counted for the reports. */
void tinyops_agent_app_inferences(uint32_t runs, uint64_t ticks);

#endif
