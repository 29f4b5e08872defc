/* The native baseline's hot loop: the same trace records (runtime/trace.ts), bursts and passes as the
 * WebAssembly driver (runtime/wasm-driver.ts), with the NF's C twin linked in and libVig native (libvig.c).
 *
 * Usage: harness TRACE UNTIMED OUT
 *   Runs a throughput pass and then a latency pass over the trace's records, each on a freshly initialised NF,
 *   the first UNTIMED packets untimed. Prints the throughput pass's measured time in ns; writes the measured
 *   records after the latency pass (outputs, frames, probe latencies) to OUT. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void nf_init(void);
int32_t nf_process(int32_t device, uint8_t *packet, int32_t length, int64_t now);
void libvig_reset(void);

/* As runtime/trace.ts. STAGING_BYTES, BURST_PACKETS and PACKET_AREA come from runtime/native-baseline.ts (-D), the
 * values of runtime/wasm-driver.ts and the toolchain's layout. */
enum { RECORD_HEADER = 24, FIELD_LENGTH = 4, FIELD_FLAGS = 6, FIELD_TIME = 8, FIELD_LATENCY = 16, FLAG_PROBE = 1 };
#if !defined(STAGING_BYTES) || !defined(BURST_PACKETS) || !defined(PACKET_AREA)
#error "compile with -DSTAGING_BYTES=... -DBURST_PACKETS=... -DPACKET_AREA=... (runtime/native-baseline.ts does)"
#endif

static uint8_t staging[STAGING_BYTES] __attribute__((aligned(8)));
static uint8_t packet_area[PACKET_AREA] __attribute__((aligned(8)));

static _Noreturn void fail(const char *what, const char *detail) {
  fprintf(stderr, "harness: %s%s\n", what, detail);
  exit(2);
}

static double now_ns(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (double)time.tv_sec * 1e9 + (double)time.tv_nsec;
}

static uint32_t record_size(const uint8_t *record) {
  uint16_t length;
  memcpy(&length, record + FIELD_LENGTH, 2);
  return RECORD_HEADER + (((uint32_t)length + 7) & ~7u);
}

/* Processes the `count` records staged at the start of `staging`. */
static void process_burst(uint32_t count, int time_probes) {
  uint8_t *record = staging;
  for (uint32_t packet = 0; packet < count; packet++) {
    int32_t device;
    uint16_t length, flags;
    int64_t time;
    memcpy(&device, record, 4);
    memcpy(&length, record + FIELD_LENGTH, 2);
    memcpy(&flags, record + FIELD_FLAGS, 2);
    memcpy(&time, record + FIELD_TIME, 8);
    int timed = time_probes && (flags & FLAG_PROBE);
    double started = timed ? now_ns() : 0;
    memcpy(packet_area, record + RECORD_HEADER, length);
    int32_t output = nf_process(device, packet_area, length, time);
    memcpy(record, &output, 4);
    memcpy(record + RECORD_HEADER, packet_area, length);
    if (timed) {
      double latency = now_ns() - started;
      memcpy(record + FIELD_LATENCY, &latency, 8);
    }
    record += RECORD_HEADER + (((uint32_t)length + 7) & ~7u);
  }
}

struct burst {
  size_t start, bytes;
  uint32_t count;
};

/* Processes bursts [first, last) from `input` into `output`. */
static void run_bursts(const struct burst *bursts, size_t first, size_t last, const uint8_t *input, uint8_t *output, int time_probes) {
  for (size_t burst = first; burst < last; burst++) {
    memcpy(staging, input + bursts[burst].start, bursts[burst].bytes);
    process_burst(bursts[burst].count, time_probes);
    memcpy(output + bursts[burst].start, staging, bursts[burst].bytes);
  }
}

int main(int argc, char **argv) {
  if (argc != 4) fail("usage: harness TRACE UNTIMED OUT", "");
  FILE *file = fopen(argv[1], "rb");
  if (!file) fail("cannot open ", argv[1]);
  fseek(file, 0, SEEK_END);
  size_t size = (size_t)ftell(file);
  fseek(file, 0, SEEK_SET);
  uint8_t *input = malloc(size), *output = malloc(size);
  if (!input || !output || fread(input, 1, size, file) != size) fail("cannot read ", argv[1]);
  fclose(file);
  memcpy(output, input, size); /* touches every page of the output now, not while timing */
  long untimed = strtol(argv[2], NULL, 10);

  /* Bursts: up to BURST_PACKETS records within STAGING_BYTES, never across the untimed/measured boundary. */
  struct burst *bursts = malloc(sizeof *bursts * (size / RECORD_HEADER + 1));
  size_t burst_count = 0, first_measured_burst = 0, measured_start = size;
  long packet = 0;
  for (size_t at = 0; at < size;) {
    struct burst burst = {at, 0, 0};
    if (packet == untimed) first_measured_burst = burst_count, measured_start = at;
    do {
      uint32_t bytes = record_size(input + at);
      if (burst.bytes + bytes > STAGING_BYTES) break;
      burst.bytes += bytes, burst.count++, at += bytes, packet++;
    } while (at < size && burst.count < BURST_PACKETS && packet != untimed);
    if (burst.count == 0) fail("a record does not fit the staging area", "");
    bursts[burst_count++] = burst;
  }
  if (packet == untimed) first_measured_burst = burst_count;

  double elapsed = 0;
  for (int time_probes = 0; time_probes <= 1; time_probes++) {
    libvig_reset();
    nf_init();
    run_bursts(bursts, 0, first_measured_burst, input, output, 0);
    double started = now_ns();
    run_bursts(bursts, first_measured_burst, burst_count, input, output, time_probes);
    if (!time_probes) elapsed = now_ns() - started;
  }
  printf("%.0f\n", elapsed);
  FILE *out = fopen(argv[3], "wb");
  if (!out || fwrite(output + measured_start, 1, size - measured_start, out) != size - measured_start || fclose(out) != 0) fail("cannot write ", argv[3]);
  return 0;
}
