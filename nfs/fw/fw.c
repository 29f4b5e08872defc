/* The firewall in C (the C twin of fw.ts, same behaviour; see NFS.md and spec.py): compiled for wasm32 by clang
 * against libVig's imports, and natively by gcc against runtime/native/libvig.c as the benchmark's native
 * baseline. */
#include <stdint.h>
#include "../../libvig/c/libvig.h"
#include "../../nf-abi/c/nf.h"
#include "../flow-frame/flow-frame.h"

#define CONFIG(name) __attribute__((import_module("config"), import_name(#name)))
CONFIG(capacity) int32_t capacity(void);
CONFIG(expiration_time) int64_t expiration_time(void);

enum { DEVICES = 2, EXT_DEVICE = 1 };

/* nf.json's record FlowId, as the internal side sees the flow, packed: 13 bytes. */
struct __attribute__((packed)) flow_id {
  uint16_t sp, dp;
  uint32_t sip, dip;
  uint8_t prot;
};

/* Per device: the first 12 bytes of the Ethernet header of a frame it sends (destination, then source). */
static uint8_t ether_addresses[DEVICES][ETHER_ADDRESSES_SIZE];
/* Handles, allocated in nf_init in the order of nf.json's "state" list. */
static int32_t flow_emap, int_devices;

void nf_init(void) {
  flow_emap = emap_allocate(sizeof(struct flow_id), capacity());
  int_devices = vector_allocate(sizeof(uint16_t), capacity());
  load_ether_addresses(ether_addresses);
}

static int32_t leave(uint8_t *packet, int32_t output) {
  __builtin_memcpy(packet, ether_addresses[output], ETHER_ADDRESSES_SIZE);
  return output;
}

/* An internal packet: its flow refreshed, or opened if the table has room; it goes out either way. */
static int32_t outbound(int32_t device, uint8_t *packet, int64_t now) {
  struct flow_id key = {
    .sp = load16(packet + TRANSPORT + SRC_PORT), .dp = load16(packet + TRANSPORT + DST_PORT),
    .sip = load32(packet + IP_SADDR), .dip = load32(packet + IP_DADDR), .prot = packet[IP_PROTOCOL],
  };
  int32_t index = emap_get(flow_emap, &key);
  if (index >= 0) {
    emap_refresh(flow_emap, index, now);
  } else {
    int32_t added = emap_add(flow_emap, &key, now); /* -1 when the table is full */
    if (added >= 0) {
      uint16_t internal = (uint16_t)device;
      vector_set(int_devices, added, &internal);
    }
  }
  return leave(packet, EXT_DEVICE);
}

/* An external packet comes in only as a reply: its reversed 5-tuple is an open flow, which it refreshes. */
static int32_t inbound(uint8_t *packet, int64_t now) {
  struct flow_id key = {
    .sp = load16(packet + TRANSPORT + DST_PORT), .dp = load16(packet + TRANSPORT + SRC_PORT),
    .sip = load32(packet + IP_DADDR), .dip = load32(packet + IP_SADDR), .prot = packet[IP_PROTOCOL],
  };
  int32_t index = emap_get(flow_emap, &key);
  if (index < 0) return DROP;
  emap_refresh(flow_emap, index, now);
  uint16_t internal;
  vector_get(int_devices, index, &internal);
  return leave(packet, internal);
}

int32_t nf_process(int32_t device, uint8_t *packet, int32_t length, int64_t now) {
  emap_expire(flow_emap, now - expiration_time());
  if (!flow_frame(packet, length)) return DROP;
  return device == EXT_DEVICE ? inbound(packet, now) : outbound(device, packet, now);
}
