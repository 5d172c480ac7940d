/* Device side of the MLPerf Tiny EnergyRunner command protocol, over the board's UART.
 *
 * Commands end with '%'; every reply line starts with "m-" (message) or "e-" (error) and
 * each command ends with "m-ready". Supported:
 *   name%          m-name-dut-[BOARD]
 *   profile%       m-profile-[tinyops] and the model's I/O sizes
 *   db load N%     prepare to receive N input bytes (all inputs, concatenated)
 *   db HEX%        next input bytes as hex pairs; m-load-done once N have arrived
 *   infer N W%     W warm-up runs, then N timed runs
 *   results%       m-results-[HEX]: the outputs' raw bytes, concatenated
 * TinyOps additions, needed for exact comparison and measurement: results are raw bytes
 * (the reference runner prints dequantised floats), infer reports "m-ticks-T" (SysTick
 * ticks for the N runs together) and "m-stack-S" (stack high-water bytes), and
 * "reset%" returns stateful layers to their initial state.
 *
 * harness_config.h (written by the farm) names the model's input and output sizes. */
#include "device.h"
#include "harness_config.h"
#include "model.h"
#ifdef TINYOPS_AGENT
/* A release's image: the device agent shares the UART, its frames start with 0xA5 (never
 * the first byte of a text command). */
#include "agent_device.h"
#endif

#define COMMAND_MAX 512

static char command[COMMAND_MAX + 1];

#ifdef HARNESS_PROFILE_LAYERS
/* Per-layer profile: the model calls TINYOPS_LAYER_DONE(k) after layer k (see
 * profile_hook.h); each layer is charged the ticks since the previous one. */
static uint64_t layer_ticks[HARNESS_LAYER_COUNT];
static uint64_t layer_mark;

void tinyops_layer_done(int index) {
  const uint64_t now = tinyops_ticks_now();
  if (index >= 0 && index < HARNESS_LAYER_COUNT) layer_ticks[index] += now - layer_mark;
  layer_mark = tinyops_ticks_now();
}
#endif
static uint32_t load_expected;
static uint32_t load_received;

static void put(const char* text) {
  while (*text) tinyops_uart_putc(*text++);
}

static void put_u64(uint64_t value) {
  char digits[21];
  int n = 0;
  do {
    digits[n++] = (char)('0' + (int)(value % 10u));
    value /= 10u;
  } while (value);
  while (n) tinyops_uart_putc(digits[--n]);
}

static void put_line_u64(const char* prefix, uint64_t value) {
  put(prefix);
  put_u64(value);
  put("\r\n");
}

static int starts_with(const char* text, const char* prefix) {
  while (*prefix)
    if (*text++ != *prefix++) return 0;
  return 1;
}

/* Parses a decimal number; returns the position after it, or 0 when there is none. */
static const char* parse_u32(const char* text, uint32_t* value) {
  uint32_t v = 0;
  const char* start = text;
  while (*text >= '0' && *text <= '9') {
    if (v > 429496728u) return 0;
    v = v * 10u + (uint32_t)(*text++ - '0');
  }
  if (text == start) return 0;
  *value = v;
  return text;
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Byte `offset` of the inputs, concatenated in input order. */
static uint8_t* input_byte(uint32_t offset) {
  int i;
  for (i = 0; i < HARNESS_INPUT_COUNT; ++i) {
    if (offset < harness_input_bytes[i]) return (uint8_t*)model_input(i) + offset;
    offset -= harness_input_bytes[i];
  }
  return 0;
}

static void db_load(const char* args) {
  uint32_t n;
  if (!parse_u32(args, &n) || n != HARNESS_INPUT_TOTAL_BYTES) {
    put("e-[db load: the model takes ");
    put_u64(HARNESS_INPUT_TOTAL_BYTES);
    put(" input bytes]\r\n");
    return;
  }
  load_expected = n;
  load_received = 0;
  put("m-[Expecting ");
  put_u64(n);
  put(" bytes]\r\n");
}

static void db_data(const char* hex) {
  while (hex[0] && hex[1]) {
    const int hi = hex_digit(hex[0]), lo = hex_digit(hex[1]);
    if (hi < 0 || lo < 0) {
      put("e-[db: not a hex digit]\r\n");
      return;
    }
    if (load_received >= load_expected) {
      put("e-[db: more bytes than db load announced]\r\n");
      return;
    }
    *input_byte(load_received++) = (uint8_t)(hi * 16 + lo);
    hex += 2;
  }
  if (load_received == load_expected) put("m-load-done\r\n");
}

static void infer(const char* args) {
  uint32_t runs = 1, warmups = 0, i;
  uint64_t start, end;
  const char* rest = parse_u32(args, &runs);
  if (!rest || runs == 0) {
    put("e-[infer: usage infer N W, N >= 1]\r\n");
    return;
  }
  while (*rest == ' ') ++rest;
  if (*rest && !parse_u32(rest, &warmups)) {
    put("e-[infer: W must be a number]\r\n");
    return;
  }
  put_line_u64("m-warmup-start-", warmups);
  for (i = 0; i < warmups; ++i) model_invoke();
  put("m-warmup-done\r\n");
  put_line_u64("m-infer-start-", runs);
  tinyops_stack_paint();
  tinyops_ticks_start();
  start = tinyops_ticks_now();
#ifdef HARNESS_PROFILE_LAYERS
  for (i = 0; i < HARNESS_LAYER_COUNT; ++i) layer_ticks[i] = 0u;
  layer_mark = tinyops_ticks_now();
#endif
  for (i = 0; i < runs; ++i) model_invoke();
  end = tinyops_ticks_now();
  put_line_u64("m-ticks-", end - start);
#ifdef TINYOPS_AGENT
  tinyops_agent_app_inferences(runs, end - start);
#endif
#ifdef HARNESS_PROFILE_LAYERS
  for (i = 0; i < HARNESS_LAYER_COUNT; ++i) {
    put("m-layer-");
    put_u64(i);
    put_line_u64("-ticks-", layer_ticks[i]);
  }
#endif
  put_line_u64("m-stack-", tinyops_stack_high_water());
  put("m-infer-done\r\n");
}

static void calibrate(const char* args) {
  uint32_t n;
  uint64_t start, end;
  if (!parse_u32(args, &n) || n == 0) {
    put("e-[calibrate: usage calibrate N, N >= 1]\r\n");
    return;
  }
  tinyops_ticks_start();
  start = tinyops_ticks_now();
  /* Two instructions per iteration on every Cortex-M (Thumb-1 encodings). */
  __asm volatile(".syntax unified\n1: subs %0, %0, #1\n bne 1b" : "+l"(n) : : "cc");
  end = tinyops_ticks_now();
  put_line_u64("m-ticks-", end - start);
}

static void results(void) {
  static const char digits[] = "0123456789abcdef";
  int o;
  uint32_t k;
  put("m-results-[");
  for (o = 0; o < HARNESS_OUTPUT_COUNT; ++o) {
    const uint8_t* bytes = (const uint8_t*)model_output(o);
    for (k = 0; k < harness_output_bytes[o]; ++k) {
      tinyops_uart_putc(digits[bytes[k] >> 4]);
      tinyops_uart_putc(digits[bytes[k] & 15u]);
    }
  }
  put("]\r\n");
}

static void dispatch(const char* c) {
  if (starts_with(c, "name")) {
    put("m-name-dut-[" HARNESS_BOARD "]\r\n");
  } else if (starts_with(c, "profile")) {
    put("m-profile-[tinyops]\r\n");
    put_line_u64("m-model-input-bytes-", HARNESS_INPUT_TOTAL_BYTES);
    put_line_u64("m-model-output-bytes-", HARNESS_OUTPUT_TOTAL_BYTES);
  } else if (starts_with(c, "db load ")) {
    db_load(c + 8);
  } else if (starts_with(c, "db ")) {
    db_data(c + 3);
  } else if (starts_with(c, "infer ")) {
    infer(c + 6);
  } else if (starts_with(c, "results")) {
    results();
  } else if (starts_with(c, "calibrate ")) {
    calibrate(c + 10);
  } else if (starts_with(c, "reset")) {
    model_reset();
    put("m-reset-done\r\n");
  } else {
    put("e-[Unknown command: ");
    put(c);
    put("]\r\n");
  }
  put("m-ready\r\n");
}

int main(void) {
  int length = 0, overflow = 0;
#ifdef TINYOPS_AGENT
  int in_frame = 0;
#endif
  tinyops_uart_init();
  tinyops_ticks_start();
  model_reset();
#ifdef TINYOPS_AGENT
  tinyops_agent_app_start();
#endif
  put("m-init-done\r\nm-ready\r\n");
  for (;;) {
    const int c = tinyops_uart_getc();
#ifdef TINYOPS_AGENT
    if (in_frame || (length == 0 && c == 0xA5)) {
      in_frame = tinyops_agent_app_byte((uint8_t)c);
      continue;
    }
#endif
    if (c == '%') {
      command[length] = '\0';
      if (overflow)
        put("e-[command longer than 512 characters]\r\nm-ready\r\n");
      else
        dispatch(command);
      length = 0;
      overflow = 0;
    } else if (c == '\r' || c == '\n') {
      /* line breaks between commands are allowed and ignored */
    } else if (length < COMMAND_MAX) {
      command[length++] = (char)c;
    } else {
      overflow = 1;
    }
  }
}
