/* The policer in C (the C twin of pol.ts, same behaviour; see NFS.md and spec.py): compiled for wasm32 by clang
 * against libVig's imports, and natively by gcc against runtime/native/libvig.c as the benchmark's native
 * baseline. */
#include <stdint.h>
#include "../../libvig/c/libvig.h"
#include "../../nf-abi/c/frame-layout.h"
#include "../../nf-abi/c/nf.h"

#define CONFIG(name) __attribute__((import_module("config"), import_name(#name)))
CONFIG(capacity) int32_t capacity(void);
CONFIG(expiration_time) int64_t expiration_time(void);
CONFIG(rate) int64_t rate(void);
CONFIG(burst) int64_t burst(void);

enum { WAN_DEVICE = 0, LAN_DEVICE = 1 };
#define NS_PER_SECOND 1000000000ull

/* nf.json's record DynamicValue { bucket_size: u64, bucket_time: u64 }. */
struct dynamic_value {
  uint64_t bucket_size;
  uint64_t bucket_time;
};

/* Handles, allocated in nf_init in the order of nf.json's "state" list. */
static int32_t flow_emap, dyn_vals;

void nf_init(void) {
  uint64_t r = (uint64_t)rate(), b = (uint64_t)burst();
  /* The refill multiplies an elapsed time below the fill time by the rate: at most burst x 10^9 + rate. */
  if (r == 0 || b > (UINT64_MAX - r) / NS_PER_SECOND) __builtin_trap();
  flow_emap = emap_allocate(IP_ADDRESS_SIZE, capacity());
  dyn_vals = vector_allocate(sizeof(struct dynamic_value), capacity());
}

/* IPv4 version 4, a header of at least 5 words within the frame, a total length within the frame. */
static int well_formed(const uint8_t *packet, int32_t length) {
  if (length < ETHER_HEADER + IP_HEADER) return 0;
  int32_t header_length = (packet[IP] & 15) * 4;
  int32_t total_length = (packet[IP_TOTAL_LENGTH] << 8) | packet[IP_TOTAL_LENGTH + 1];
  return packet[ETHER_TYPE] == 0x08 && packet[ETHER_TYPE + 1] == 0x00 && packet[IP] >> 4 == 4 && header_length >= IP_HEADER &&
         ETHER_HEADER + header_length <= length && ETHER_HEADER + total_length <= length;
}

/* tokens + (now - stamp) x rate / 10^9, capped at burst, in 64 bits: from the fill time on the bucket is full, and
 * below it the product fits (nf_init checks the config). A stamp after now gives nothing. */
static uint64_t refilled(uint64_t tokens, uint64_t stamp, uint64_t now) {
  uint64_t r = (uint64_t)rate(), b = (uint64_t)burst();
  if (tokens >= b) return b;
  if (now <= stamp) return tokens;
  uint64_t elapsed = now - stamp;
  if (elapsed >= (b * NS_PER_SECOND + r - 1) / r) return b;
  uint64_t added = elapsed * r / NS_PER_SECOND;
  return added >= b - tokens ? b : tokens + added;
}

/* Whether a frame of `size` bytes to `destination` fits its bucket (charged if so); a new destination gets a full
 * bucket less this frame, if the frame fits one and the table has room. */
static int police(const uint8_t *destination, uint64_t size, uint64_t now) {
  struct dynamic_value value;
  int32_t index = emap_get(flow_emap, destination);
  if (index < 0) {
    if (size > (uint64_t)burst()) return 0;
    /* -1 when the table is full: one call instead of emap_full and emap_add, as pol.ts. */
    index = emap_add(flow_emap, destination, (int64_t)now);
    if (index < 0) return 0;
    value.bucket_size = (uint64_t)burst() - size;
    value.bucket_time = now;
    vector_set(dyn_vals, index, &value);
    return 1;
  }
  emap_refresh(flow_emap, index, (int64_t)now);
  vector_get(dyn_vals, index, &value);
  uint64_t tokens = refilled(value.bucket_size, value.bucket_time, now);
  int fits = size <= tokens;
  value.bucket_size = fits ? tokens - size : tokens;
  value.bucket_time = now;
  vector_set(dyn_vals, index, &value);
  return fits;
}

int32_t nf_process(int32_t device, uint8_t *packet, int32_t length, int64_t now) {
  if (!well_formed(packet, length)) return DROP;
  emap_expire(flow_emap, now - expiration_time());
  if (device == LAN_DEVICE) return WAN_DEVICE;
  return police(packet + IP_DADDR, (uint64_t)length, (uint64_t)now) ? LAN_DEVICE : DROP;
}
