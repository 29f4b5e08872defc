/* The native baseline's hot loop: the NF's C twin under the C stack (stack/c/stack.c), on an emulated device that
 * plays the trace records (runtime/record-layout.ts) as runtime/as/device.ts does for the .wasm: the same rings,
 * bursts and passes, with libVig native (libvig.c).
 *
 * Usage: harness TRACE UNTIMED OUT PASSES
 *   Runs PASSES throughput passes and then a latency pass over the trace's records, each on a freshly initialised
 *   NF and stack, the first UNTIMED packets untimed. Prints each throughput pass's measured time in ns, one a line;
 *   writes the measured records after the latency pass (outputs, sent frames, probe latencies) to OUT. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../../nf-abi/c/device.h"
#include "../../nf-abi/c/nf.h"
#include "../../stack/c/stack.h"

void nf_init(void);
void libvig_reset(void);

/* As runtime/record-layout.ts. STACK_DEVICES, REGISTER_STRIDE and DEVICE_BURST come from runtime/native-baseline.ts
 * (-D: nf.json's devices, runtime/device-layout.ts's values). */
enum { RECORD_HEADER = 24, FIELD_DEVICE = 0, FIELD_LENGTH = 4, FIELD_FLAGS = 6, FIELD_TIME = 8, FIELD_LATENCY = 16, FLAG_PROBE = 1 };
#if !defined(REGISTER_STRIDE) || !defined(DEVICE_BURST)
#error "compile with -DREGISTER_STRIDE=... -DDEVICE_BURST=... (runtime/native-baseline.ts does)"
#endif

static int32_t registers[STACK_DEVICES][REGISTER_STRIDE];
static int64_t device_clock;
/* For each device and RX descriptor, the record whose frame it received last. */
static uint8_t *slots[STACK_DEVICES][MAX_RING_SIZE];

static _Noreturn void fail(const char *what, const char *detail) {
  fprintf(stderr, "harness: %s%s\n", what, detail);
  exit(2);
}

int32_t read_register(int32_t device, int32_t reg) {
  return registers[device][reg];
}
void write_register(int32_t device, int32_t reg, int32_t value) {
  registers[device][reg] = value;
}
int64_t now(void) {
  return device_clock;
}

static uint8_t *at_address(uint32_t address) {
  return stack_region + (address - DEVICE_REGION_BASE);
}

static double now_ns(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (double)time.tv_sec * 1e9 + (double)time.tv_nsec;
}

static uint16_t u16_at(const uint8_t *at) {
  uint16_t value;
  memcpy(&value, at, 2);
  return value;
}

static size_t record_size(const uint8_t *record) {
  return RECORD_HEADER + (((size_t)u16_at(record + FIELD_LENGTH) + 7) & ~(size_t)7);
}

/* Receives up to `most` records into the RX rings, in the order the stack delivers them (as device.ts). */
static int receive(uint8_t *record, int most, int stop_at_probes) {
  int64_t last_stamp = 0;
  int32_t last_device = 0;
  for (int n = 0; n < most; n++) {
    int32_t device;
    int64_t stamp;
    memcpy(&device, record + FIELD_DEVICE, 4);
    memcpy(&stamp, record + FIELD_TIME, 8);
    if (n > 0 && (stamp < last_stamp || (stamp == last_stamp && device < last_device))) return n;
    if (n > 0 && stop_at_probes && (u16_at(record + FIELD_FLAGS) & FLAG_PROBE)) return n;
    if ((uint32_t)device >= STACK_DEVICES) fail("a record's device is no device of the NF", "");
    int32_t *reg = registers[device];
    if (!(reg[REGISTER_CONTROL] & CONTROL_RX_ENABLE)) return n;
    int32_t head = reg[REGISTER_RX_HEAD];
    if (head == reg[REGISTER_RX_TAIL]) return n;
    uint8_t *descriptor = at_address((uint32_t)reg[REGISTER_RX_BASE] + (uint32_t)head * DESCRIPTOR_BYTES);
    uint16_t length = u16_at(record + FIELD_LENGTH);
    uint32_t buffer;
    memcpy(&buffer, descriptor + DESCRIPTOR_ADDRESS, 4);
    memcpy(at_address(buffer), record + RECORD_HEADER, length < BUFFER_BYTES ? length : BUFFER_BYTES);
    uint16_t status = length > BUFFER_BYTES ? STATUS_DONE | STATUS_ERROR : STATUS_DONE;
    memcpy(descriptor + DESCRIPTOR_LENGTH, &length, 2);
    memcpy(descriptor + DESCRIPTOR_STAMP, &stamp, 8);
    memcpy(descriptor + DESCRIPTOR_STATUS, &status, 2);
    slots[device][head] = record;
    int32_t drop = DROP;
    memcpy(record + FIELD_DEVICE, &drop, 4);
    reg[REGISTER_RX_HEAD] = (head + 1) & (reg[REGISTER_RX_SIZE] - 1);
    if (stamp > device_clock) device_clock = stamp;
    last_stamp = stamp, last_device = device;
    record += record_size(record);
  }
  return most;
}

/* Sends every queued TX descriptor, writing what went out into the records it came from (as device.ts). */
static void send_queued(void) {
  for (int device = 0; device < STACK_DEVICES; device++) {
    int32_t *reg = registers[device];
    if (!(reg[REGISTER_CONTROL] & CONTROL_TX_ENABLE)) continue;
    int32_t mask = reg[REGISTER_TX_SIZE] - 1, head = reg[REGISTER_TX_HEAD];
    while (head != reg[REGISTER_TX_TAIL]) {
      uint8_t *descriptor = at_address((uint32_t)reg[REGISTER_TX_BASE] + (uint32_t)head * DESCRIPTOR_BYTES);
      uint32_t address;
      uint16_t length, done = STATUS_DONE;
      memcpy(&address, descriptor + DESCRIPTOR_ADDRESS, 4);
      memcpy(&length, descriptor + DESCRIPTOR_LENGTH, 2);
      uint32_t offset = address - DEVICE_REGION_BASE;
      int from = (int)(offset / DEVICE_STRIDE);
      int64_t in_buffers = (int64_t)(offset % DEVICE_STRIDE) - BUFFERS_OFFSET;
      if (address < DEVICE_REGION_BASE || from >= STACK_DEVICES || in_buffers < 0 || in_buffers % BUFFER_BYTES + length > BUFFER_BYTES) fail("the stack sent from outside its buffers", "");
      uint8_t *record = slots[from][in_buffers / BUFFER_BYTES];
      int32_t output;
      memcpy(&output, record + FIELD_DEVICE, 4);
      if (output == DROP) {
        memcpy(record + FIELD_DEVICE, &device, 4);
        uint16_t record_length = u16_at(record + FIELD_LENGTH);
        memcpy(record + RECORD_HEADER, at_address(address), length < record_length ? length : record_length);
      } else {
        int32_t flood = FLOOD;
        memcpy(record + FIELD_DEVICE, &flood, 4);
      }
      memcpy(descriptor + DESCRIPTOR_STATUS, &done, 2);
      head = (head + 1) & mask;
    }
    reg[REGISTER_TX_HEAD] = head;
  }
}

/* Runs `count` records from `record` on through the stack; with time_probes, each probe alone and timed. */
static void run(uint8_t *record, long count, int time_probes) {
  while (count > 0) {
    int timed = time_probes && (u16_at(record + FIELD_FLAGS) & FLAG_PROBE);
    int received = receive(record, timed ? 1 : (count < DEVICE_BURST ? (int)count : DEVICE_BURST), time_probes);
    if (received == 0) fail("no RX descriptor is free after a poll", "");
    double started = timed ? now_ns() : 0;
    stack_poll();
    if (timed) {
      double latency = now_ns() - started;
      memcpy(record + FIELD_LATENCY, &latency, 8);
    }
    send_queued();
    for (int n = 0; n < received; n++) record += record_size(record);
    count -= received;
  }
  stack_poll();
  send_queued();
}

int main(int argc, char **argv) {
  if (argc != 5) fail("usage: harness TRACE UNTIMED OUT PASSES", "");
  long passes = strtol(argv[4], NULL, 10);
  if (passes < 1) fail("PASSES must be at least 1, not ", argv[4]);
  FILE *file = fopen(argv[1], "rb");
  if (!file) fail("cannot open ", argv[1]);
  fseek(file, 0, SEEK_END);
  size_t size = (size_t)ftell(file);
  fseek(file, 0, SEEK_SET);
  uint8_t *input = malloc(size), *records = malloc(size);
  if (!input || !records || fread(input, 1, size, file) != size) fail("cannot read ", argv[1]);
  fclose(file);
  long untimed = strtol(argv[2], NULL, 10), total = 0;
  size_t measured_start = size;
  for (size_t at = 0; at < size; at += record_size(input + at), total++)
    if (total == untimed) measured_start = at;

  for (long pass = 0; pass <= passes; pass++) {
    int time_probes = pass == passes;
    memcpy(records, input, size); /* a fresh wire, every page touched now rather than while timing */
    libvig_reset();
    stack_reset();
    memset(registers, 0, sizeof registers);
    memset(slots, 0, sizeof slots);
    device_clock = 0;
    nf_init();
    stack_init();
    run(records, untimed, 0);
    double started = now_ns();
    run(records + measured_start, total - untimed, time_probes);
    if (!time_probes) printf("%.0f\n", now_ns() - started);
  }
  FILE *out = fopen(argv[3], "wb");
  if (!out || fwrite(records + measured_start, 1, size - measured_start, out) != size - measured_start || fclose(out) != 0) fail("cannot write ", argv[3]);
  return 0;
}
