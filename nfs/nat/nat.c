/* The NAT in C (the C twin of nat.ts, same behaviour; see NFS.md and spec.py): compiled for wasm32 by clang
 * against libVig's imports, and natively by gcc against runtime/native/libvig.c as the benchmark's native
 * baseline. Addresses and ports are handled as the little-endian loads of their wire bytes, as in nat.ts. */
#include <stdint.h>
#include "../../libvig/c/libvig.h"
#include "../../nf-abi/c/nf.h"
#include "../flow-frame/flow-frame.h"

#define CONFIG(name) __attribute__((import_module("config"), import_name(#name)))
CONFIG(capacity) int32_t capacity(void);
CONFIG(expiration_time) int64_t expiration_time(void);
CONFIG(ext_ip) int32_t ext_ip(void);
CONFIG(start_port) int32_t start_port(void);

enum { DEVICES = 2, EXT_DEVICE = 1 };

/* nf.json's record FlowId, packed: 15 bytes. */
struct __attribute__((packed)) flow_id {
  uint16_t sp, dp;
  uint32_t sip, dip;
  uint16_t idev;
  uint8_t prot;
};

/* Per device: the first 12 bytes of the Ethernet header of a frame it sends (destination, then source). */
static uint8_t ether_addresses[DEVICES][ETHER_ADDRESSES_SIZE];
/* Handles, allocated in nf_init in the order of nf.json's "state" list. */
static int32_t flow_emap;

void nf_init(void) {
  if ((int64_t)(uint32_t)start_port() + (uint32_t)capacity() > 0x10000) __builtin_trap(); /* some flows would have no port */
  flow_emap = emap_allocate(sizeof(struct flow_id), capacity());
  load_ether_addresses(ether_addresses);
}

/* Replaces an address and a port, updating the IPv4 and TCP/UDP checksums incrementally (a UDP checksum of 0 stays 0). */
static void rewrite(uint8_t *packet, int address_at, uint32_t address, int port_at, uint16_t port) {
  uint8_t *transport = packet + TRANSPORT;
  uint32_t address_change = words_change(__builtin_bswap32(load32(packet + address_at)), __builtin_bswap32(address));
  uint32_t change = address_change + (~(uint32_t)__builtin_bswap16(load16(transport + port_at)) & 0xffff) + __builtin_bswap16(port);
  store32(packet + address_at, address);
  store16(transport + port_at, port);
  store16(packet + IP_CHECKSUM, updated_checksum(load16(packet + IP_CHECKSUM), address_change));
  update_transport_checksum(packet, change);
}

static int32_t leave(uint8_t *packet, int32_t output) {
  __builtin_memcpy(packet, ether_addresses[output], ETHER_ADDRESSES_SIZE);
  return output;
}

static int32_t outbound(int32_t device, uint8_t *packet, int64_t now) {
  struct flow_id key = {
    .sp = load16(packet + TRANSPORT + SRC_PORT), .dp = load16(packet + TRANSPORT + DST_PORT),
    .sip = load32(packet + IP_SADDR), .dip = load32(packet + IP_DADDR),
    .idev = (uint16_t)device, .prot = packet[IP_PROTOCOL],
  };
  int32_t index = emap_get(flow_emap, &key);
  if (index >= 0) {
    emap_refresh(flow_emap, index, now);
  } else {
    index = emap_add(flow_emap, &key, now); /* -1 when the table is full */
    if (index < 0) return DROP;
  }
  rewrite(packet, IP_SADDR, (uint32_t)ext_ip(), SRC_PORT, (uint16_t)(start_port() + index));
  return leave(packet, EXT_DEVICE);
}

/* A reply is let in only from the flow's remote end: without that check anyone could inject packets. */
static int32_t inbound(uint8_t *packet, int64_t now) {
  int32_t index = (int32_t)load16(packet + TRANSPORT + DST_PORT) - start_port();
  if (!emap_has_idx(flow_emap, index)) return DROP;
  struct flow_id key;
  emap_get_key(flow_emap, index, &key);
  if (!((key.dip == load32(packet + IP_SADDR)) & (key.dp == load16(packet + TRANSPORT + SRC_PORT)) & (key.prot == packet[IP_PROTOCOL]))) return DROP;
  emap_refresh(flow_emap, index, now);
  if (key.idev >= DEVICES) return DROP;
  rewrite(packet, IP_DADDR, key.sip, DST_PORT, key.sp);
  return leave(packet, key.idev);
}

int32_t nf_process(int32_t device, uint8_t *packet, int32_t length, int64_t now) {
  emap_expire(flow_emap, now - expiration_time());
  if (!flow_frame(packet, length)) return DROP;
  return device == EXT_DEVICE ? inbound(packet, now) : outbound(device, packet, now);
}
