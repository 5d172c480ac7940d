/* Nordic nRF51 UART, the serial port of QEMU's micro:bit machine. */
#include "device.h"

#define UART_REG(offset) (*(volatile uint32_t*)(TINYOPS_UART_BASE + (offset)))
#define TASKS_STARTRX UART_REG(0x000u)
#define TASKS_STARTTX UART_REG(0x008u)
#define EVENTS_RXDRDY UART_REG(0x108u)
#define EVENTS_TXDRDY UART_REG(0x11Cu)
#define UART_ENABLE UART_REG(0x500u)
#define UART_RXD UART_REG(0x518u)
#define UART_TXD UART_REG(0x51Cu)

void tinyops_uart_init(void) {
  UART_ENABLE = 4u;
  TASKS_STARTTX = 1u;
  TASKS_STARTRX = 1u;
}

int tinyops_uart_getc(void) {
  while (!EVENTS_RXDRDY) {
  }
  EVENTS_RXDRDY = 0u;
  return (int)(UART_RXD & 0xFFu);
}

void tinyops_uart_putc(char c) {
  UART_TXD = (uint32_t)(unsigned char)c;
  while (!EVENTS_TXDRDY) {
  }
  EVENTS_TXDRDY = 0u;
}
