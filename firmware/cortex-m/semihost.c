/* ARM semihosting calls (BKPT 0xAB), the debug channel QEMU's -semihosting offers. */
#include <stdint.h>

void tinyops_semihost_write0(const char* text);
void tinyops_semihost_exit(int status);

static uint32_t semihost_call(uint32_t op, const void* arg) {
  register uint32_t r0 __asm("r0") = op;
  register const void* r1 __asm("r1") = arg;
  __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void tinyops_semihost_write0(const char* text) {
  (void)semihost_call(0x04u, text);
}

void tinyops_semihost_exit(int status) {
  /* SYS_EXIT_EXTENDED-style block: ADP_Stopped_ApplicationExit and the status. */
  static uint32_t block[2];
  block[0] = 0x20026u;
  block[1] = (uint32_t)status;
  (void)semihost_call(0x20u, block);
  (void)semihost_call(0x18u, block);
  for (;;) {
  }
}
