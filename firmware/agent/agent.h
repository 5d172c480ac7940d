/* The device agent: one C99 source for every device (QEMU boards on the farm, host-native
 * simulated devices). It takes messages (frame.h) from the server, installs a signed
 * release into the inactive slot, hands it to the bootloader, and on the first boot of a
 * new image runs the smoke test that confirms it. Its replies say what it wants next, or
 * why it refused: every refusal carries a tinyops_agent_reason. */
#ifndef TINYOPS_AGENT_AGENT_H
#define TINYOPS_AGENT_AGENT_H

#include <stdint.h>

#include "frame.h"
#include "slots.h"

/* Runs the model once: `output` gets at most `capacity` bytes; returns how many, or -1. */
typedef int32_t (*tinyops_run_model)(void *context, const uint8_t *input, uint32_t length,
                                     uint8_t *output, uint32_t capacity);

typedef struct {
  tinyops_device device;
  uint8_t max_boot_tries;
  tinyops_run_model run_model;
  void *model_context;
  uint8_t *scratch; /* the smoke test's output */
  uint32_t scratch_size;
} tinyops_agent_config;

/* The device's report (TINYOPS_MSG_REPORT payload, little-endian):
 *   u32 booted sequence (0: none) | u8 flags (bit 0: confirmed, smoke test passed) |
 *   u8 last reason | u32 sequence the reason is about | u32 inferences | u32 errors |
 *   u32 last latency (microseconds) */
#define TINYOPS_REPORT_BYTES 22u
#define TINYOPS_REPORT_CONFIRMED 0x01u

typedef struct {
  tinyops_agent_config config;
  tinyops_boot_record record;
  uint8_t booted_slot; /* TINYOPS_NO_SLOT in recovery mode */
  uint32_t booted_sequence;
  uint8_t phase;       /* idle, receiving the envelope, receiving the image */
  uint32_t envelope_length, next_offset, image_size;
  uint8_t image_digest[32];
  uint32_t inferences, errors, latency_us;
  int reboot_requested; /* the platform reboots (through the bootloader) when set */
} tinyops_agent;

/* Starts the agent in the slot the bootloader chose. On the first boot of a pending image
 * it runs the smoke test and confirms the image, or abandons it (reboot_requested). */
void tinyops_agent_start(tinyops_agent *a, const tinyops_agent_config *config,
                         uint8_t booted_slot);
/* Handles one message and writes the reply (every message gets exactly one). */
void tinyops_agent_handle(tinyops_agent *a, const tinyops_frame *in, tinyops_frame *reply);
/* The reply to a frame that arrived damaged (tinyops_frame_feed returned -1): FRAME, with
 * the offset the transfer wants next, so the sender resends from there. */
void tinyops_agent_frame_error(const tinyops_agent *a, tinyops_frame *reply);
void tinyops_agent_report(const tinyops_agent *a, tinyops_frame *out);
/* The application counts its inferences for the reports: `runs` more, `failed` of them
 * failed, the last one's latency. */
void tinyops_agent_count_inferences(tinyops_agent *a, uint32_t runs, uint32_t failed,
                                    uint32_t latency_us);

#endif
