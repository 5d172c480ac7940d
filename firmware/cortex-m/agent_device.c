#include "agent_device.h"

#include <string.h>

#include "agent.h"
#include "agent_config.h"
#include "device.h"

static int erase_page(void *context, uint32_t offset) {
  (void)context;
  memset((uint8_t *)TINYOPS_AGENT_FLASH_BASE + offset, 0xFF, TINYOPS_AGENT_PAGE);
  return 0;
}

static int program(void *context, uint32_t offset, const uint8_t *data, uint32_t length) {
  uint8_t *at = (uint8_t *)TINYOPS_AGENT_FLASH_BASE + offset;
  uint32_t i;
  (void)context;
  for (i = 0; i < length; ++i) at[i] &= data[i]; /* programming only clears bits */
  return 0;
}

static const tinyops_flash board_flash = {
    0, (const uint8_t *)TINYOPS_AGENT_FLASH_BASE,
    TINYOPS_AGENT_PAGE * (2u + 2u * (TINYOPS_AGENT_HEADER_PAGES + TINYOPS_AGENT_IMAGE_PAGES)),
    TINYOPS_AGENT_PAGE, erase_page, program};

void tinyops_board_device(tinyops_device *d) {
  const uint32_t slot = TINYOPS_AGENT_PAGE * (TINYOPS_AGENT_HEADER_PAGES + TINYOPS_AGENT_IMAGE_PAGES);
  d->flash = &board_flash;
  d->layout.record_offset[0] = 0;
  d->layout.record_offset[1] = TINYOPS_AGENT_PAGE;
  d->layout.slot_offset[0] = 2u * TINYOPS_AGENT_PAGE;
  d->layout.slot_offset[1] = 2u * TINYOPS_AGENT_PAGE + slot;
  d->layout.slot_size = slot;
  d->layout.header_size = TINYOPS_AGENT_HEADER_PAGES * TINYOPS_AGENT_PAGE;
  d->trust.public_key = tinyops_agent_public_key;
  d->trust.key_id = tinyops_agent_key_id;
  d->class_id = TINYOPS_AGENT_CLASS;
}

void tinyops_jump_to(uint32_t base) {
  *(volatile uint32_t *)0xE000E010u = 0;    /* SysTick off: the next image starts its own */
  *(volatile uint32_t *)0xE000ED08u = base; /* VTOR: its vector table */
  /* Its initial stack pointer and reset handler, read in assembly: the bootloader's table
   * is at address 0, and a C read through a null pointer is one the compiler may drop. */
  __asm volatile("ldr r1, [%0]\n ldr r2, [%0, #4]\n msr msp, r1\n bx r2" : : "r"(base) : "r1", "r2", "memory");
}

void tinyops_reboot(void) { tinyops_jump_to(0); }

#ifndef TINYOPS_BOOTLOADER
#include "harness_config.h"
#include "model.h"

static tinyops_agent agent;
static tinyops_frame_parser parser;
static uint8_t smoke_output[HARNESS_OUTPUT_TOTAL_BYTES];
static uint8_t encoded[TINYOPS_FRAME_MAX_PAYLOAD + TINYOPS_FRAME_OVERHEAD];

static int32_t run_model(void *context, const uint8_t *input, uint32_t length, uint8_t *output,
                         uint32_t capacity) {
  (void)context;
  if (length != harness_input_bytes[0] || capacity < harness_output_bytes[0]) return -1;
  memcpy(model_input(0), input, length);
  model_invoke();
  memcpy(output, model_output(0), harness_output_bytes[0]);
  return (int32_t)harness_output_bytes[0];
}

static void send(const tinyops_frame *f) {
  const uint32_t n = tinyops_frame_encode(f->type, f->payload, f->length, encoded);
  uint32_t i;
  for (i = 0; i < n; ++i) tinyops_uart_putc((char)encoded[i]);
}

void tinyops_agent_app_start(void) {
  tinyops_agent_config config;
  tinyops_boot_record record;
  tinyops_frame report;
  memset(&config, 0, sizeof config);
  tinyops_board_device(&config.device);
  config.max_boot_tries = TINYOPS_AGENT_MAX_BOOT_TRIES;
  config.run_model = run_model;
  config.scratch = smoke_output;
  config.scratch_size = sizeof smoke_output;
  /* the bootloader booted the pending slot if one is still pending, else the confirmed one */
  tinyops_record_read(&config.device, &record);
  tinyops_agent_start(&agent, &config,
                      record.pending != TINYOPS_NO_SLOT ? record.pending : record.active);
  if (agent.reboot_requested) tinyops_reboot();
  model_reset();
  tinyops_frame_parser_init(&parser);
  tinyops_agent_report(&agent, &report);
  send(&report);
}

void tinyops_agent_app_inferences(uint32_t runs, uint64_t ticks) {
  /* a tick is TINYOPS_AGENT_TICK_NS instructions under -icount; at the board's clock one
   * instruction takes 1/TINYOPS_AGENT_CLOCK_MHZ microseconds */
  const uint64_t per_run = runs ? ticks / runs : 0u;
  tinyops_agent_count_inferences(&agent, runs, 0, (uint32_t)(per_run * TINYOPS_AGENT_TICK_NS / TINYOPS_AGENT_CLOCK_MHZ));
}

int tinyops_agent_app_byte(uint8_t byte) {
  tinyops_frame reply;
  const int got = tinyops_frame_feed(&parser, byte);
  if (got == 0) return tinyops_frame_parser_busy(&parser);
  if (got < 0)
    tinyops_agent_frame_error(&agent, &reply);
  else
    tinyops_agent_handle(&agent, &parser.frame, &reply);
  send(&reply);
  if (agent.reboot_requested) tinyops_reboot();
  return 0;
}
#endif
