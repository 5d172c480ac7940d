/* What the device harness needs from a board: a byte stream to the host (the board's
 * UART), an instruction counter (SysTick) and the stack bounds. One implementation file
 * per UART kind; the farm picks it and passes the UART's address as TINYOPS_UART_BASE. */
#ifndef TINYOPS_FIRMWARE_DEVICE_H
#define TINYOPS_FIRMWARE_DEVICE_H

#include <stdint.h>

void tinyops_uart_init(void);
int tinyops_uart_getc(void); /* blocks until a byte arrives */
void tinyops_uart_putc(char c);

/* SysTick as a 64-bit tick counter (processor clock source). Start restarts it at zero
 * right before a measurement: QEMU then also restarts the tick phase at that instruction,
 * so counts do not depend on when the host's command arrived and repeat run to run. */
void tinyops_ticks_start(void);
uint64_t tinyops_ticks_now(void);

/* Fills the unused stack below the caller's frame with a pattern; the high-water mark is
 * then the deepest overwritten word's distance from the top of the stack. */
void tinyops_stack_paint(void);
uint32_t tinyops_stack_high_water(void);

#endif
