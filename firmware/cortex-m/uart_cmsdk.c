/* ARM CMSDK APB UART, the serial port of QEMU's MPS2 and MPS3 machines. */
#include "device.h"

#define UART_REG(offset) (*(volatile uint32_t*)(TINYOPS_UART_BASE + (offset)))
#define UART_DATA UART_REG(0x00u)
#define UART_STATE UART_REG(0x04u)
#define UART_CTRL UART_REG(0x08u)
#define UART_BAUDDIV UART_REG(0x10u)
#define STATE_TX_FULL 1u
#define STATE_RX_FULL 2u

void tinyops_uart_init(void) {
  UART_BAUDDIV = 16u; /* the smallest divisor the UART accepts */
  UART_CTRL = 3u;     /* transmitter and receiver on, no interrupts */
}

int tinyops_uart_getc(void) {
  while (!(UART_STATE & STATE_RX_FULL)) {
  }
  return (int)(UART_DATA & 0xFFu);
}

void tinyops_uart_putc(char c) {
  while (UART_STATE & STATE_TX_FULL) {
  }
  UART_DATA = (uint32_t)(unsigned char)c;
}
