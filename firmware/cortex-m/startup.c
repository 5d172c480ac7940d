/* Minimal Cortex-M start-up for emulated boards: vector table, .data/.bss set-up, FPU on,
 * then main(); the exit status goes back to the host through semihosting. */
#include <stdint.h>

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
int main(void);
void tinyops_semihost_exit(int status);
void tinyops_reset_handler(void);
void tinyops_fault_handler(void);
void tinyops_default_handler(void);
void tinyops_systick_handler(void) __attribute__((weak, alias("tinyops_default_handler")));

__attribute__((section(".vectors"), used)) static const void* const vectors[16] = {
    &__stack_top,
    (const void*)tinyops_reset_handler,
    (const void*)tinyops_fault_handler,
    (const void*)tinyops_fault_handler,
    (const void*)tinyops_fault_handler,
    (const void*)tinyops_fault_handler,
    (const void*)tinyops_fault_handler,
    0,
    0,
    0,
    0,
    (const void*)tinyops_default_handler, /* SVCall */
    (const void*)tinyops_default_handler, /* DebugMonitor */
    0,
    (const void*)tinyops_default_handler, /* PendSV */
    (const void*)tinyops_systick_handler};

void tinyops_reset_handler(void) {
  uint32_t* src = &__data_load;
  uint32_t* dst;
  for (dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
  for (dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
#if defined(__ARM_FP)
  /* CPACR: full access to CP10/CP11 before the first floating-point instruction. */
  *(volatile uint32_t*)0xE000ED88u |= 0xFu << 20;
  __asm volatile("dsb\n isb");
#endif
  tinyops_semihost_exit(main());
}

void tinyops_fault_handler(void) {
  tinyops_semihost_exit(99);
}

void tinyops_default_handler(void) {}
