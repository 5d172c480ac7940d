/* Instruction counting and stack measurement for the device harness.
 *
 * Under QEMU's -icount shift=0 every guest instruction advances virtual time by 1 ns, and
 * SysTick on the processor clock ticks at the machine's fixed system clock, so
 * instructions = ticks * (1e9 / clock). The host does that conversion; the board profile
 * holds the clock. The 24-bit counter wraps every 2^24 ticks; the interrupt counts wraps. */
#include "device.h"

#define SYST_CSR (*(volatile uint32_t*)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t*)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t*)0xE000E018u)
#define SYST_RELOAD 0xFFFFFFu
#define STACK_PATTERN 0xA5C3A5C3u

extern uint32_t __stack_limit, __stack_top;

static volatile uint32_t wraps;

void tinyops_systick_handler(void) {
  ++wraps;
}

void tinyops_ticks_start(void) {
  wraps = 0u;
  SYST_RVR = SYST_RELOAD;
  SYST_CVR = 0u;
  SYST_CSR = 7u;           /* processor clock, interrupt on wrap, enabled */
  while (SYST_CVR == 0u) { /* the first reload comes one tick after enabling */
  }
}

uint64_t tinyops_ticks_now(void) {
  uint32_t before, value, after;
  /* Retry when a wrap lands between the reads, and during the two ticks around a wrap
   * (value 0, then the reload value) when the interrupt may not have been taken yet. */
  do {
    before = wraps;
    value = SYST_CVR;
    after = wraps;
  } while (before != after || value == 0u || value == SYST_RELOAD);
  return (uint64_t)before * (SYST_RELOAD + 1u) + (SYST_RELOAD - value);
}

void tinyops_stack_paint(void) {
  uint32_t here;
  volatile uint32_t* word = &__stack_limit;
  /* Leave 64 bytes below this frame alone: this function's own spills live there. */
  while ((uintptr_t)word < (uintptr_t)&here - 64u) *word++ = STACK_PATTERN;
}

uint32_t tinyops_stack_high_water(void) {
  const volatile uint32_t* word = &__stack_limit;
  while ((uintptr_t)word < (uintptr_t)&__stack_top && *word == STACK_PATTERN) ++word;
  return (uint32_t)((uintptr_t)&__stack_top - (uintptr_t)word);
}
