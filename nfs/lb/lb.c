/* The Maglev load balancer in C (the C twin of lb.ts, same behaviour; see NFS.md and spec.py): compiled for wasm32
 * by clang against libVig's imports, and natively by gcc against runtime/native/libvig.c as the benchmark's
 * native baseline. Addresses and ports are handled as the little-endian loads of their wire bytes, as in lb.ts. */
#include <stdint.h>
#include "../../libvig/c/libvig.h"
#include "../../nf-abi/c/nf.h"
#include "../flow-frame/flow-frame.h"

#define CONFIG(name) __attribute__((import_module("config"), import_name(#name)))
CONFIG(flow_capacity) int32_t flow_capacity(void);
CONFIG(backend_capacity) int32_t backend_capacity(void);
CONFIG(cht_height) int32_t cht_height(void);
CONFIG(flow_expiration_time) int64_t flow_expiration_time(void);
CONFIG(backend_expiration_time) int64_t backend_expiration_time(void);
CONFIG(device_macs_count) int32_t device_macs_count(void);
CONFIG(device_macs_device) int32_t device_macs_device(int32_t row);
CONFIG(device_macs_mac) int64_t device_macs_mac(int32_t row);

enum { DEVICES = 3, EXT_DEVICE = 2 };

/* nf.json's records, packed: LoadBalancedFlow (13 bytes) and LoadBalancedBackend (12 bytes). */
struct __attribute__((packed)) flow {
  uint32_t src_ip, dst_ip;
  uint16_t src_port, dst_port;
  uint8_t protocol;
};
struct __attribute__((packed)) backend {
  uint16_t nic;
  uint8_t mac[6];
  uint32_t ip;
};

/* Per device: the source MAC of the frames it sends (nf.json "device_macs"). */
static uint8_t device_macs[DEVICES][8];
/* Handles, allocated in nf_init in the order of nf.json's "state" list. */
static int32_t flow_emap, flow_to_backend, backends, backend_ip_emap, cht;

void nf_init(void) {
  flow_emap = emap_allocate(sizeof(struct flow), flow_capacity());
  flow_to_backend = vector_allocate(sizeof(uint32_t), flow_capacity());
  backends = vector_allocate(sizeof(struct backend), backend_capacity());
  backend_ip_emap = emap_allocate(sizeof(uint32_t), backend_capacity());
  cht = cht_allocate(cht_height(), backend_capacity());
  for (int32_t row = 0; row < device_macs_count(); row++) {
    int64_t mac = device_macs_mac(row);
    __builtin_memcpy(device_macs[device_macs_device(row)], &mac, 8);
  }
}

/* lb.ts's _LoadBalancedFlow_hash, the hash the spec shares (exported under that name from wasm, so that a spec
 * checked against this build runs this one): Jenkins' one-at-a-time steps over the words. */
#ifdef __wasm__
__attribute__((export_name("_LoadBalancedFlow_hash")))
#endif
uint32_t flow_hash(uint32_t src_ip, uint32_t dst_ip, uint32_t src_port, uint32_t dst_port, uint32_t protocol) {
  uint32_t h = src_ip;
  h += h << 10;
  h ^= h >> 6;
  h += dst_ip;
  h += h << 10;
  h ^= h >> 6;
  h += (src_port << 16) | dst_port;
  h += h << 10;
  h ^= h >> 6;
  h += protocol;
  h += h << 3;
  h ^= h >> 11;
  h += h << 15;
  return h;
}

/* A backend's heartbeat: registered (device, source MAC, source IP) if unknown and there is room, else refreshed. */
static void heartbeat(int32_t device, uint8_t *packet, int64_t now) {
  uint32_t ip = load32(packet + IP_SADDR);
  int32_t index = emap_get(backend_ip_emap, &ip);
  if (index >= 0) {
    emap_refresh(backend_ip_emap, index, now);
    return;
  }
  int32_t added = emap_add(backend_ip_emap, &ip, now);
  if (added < 0) return;
  struct backend record = { .nic = (uint16_t)device, .ip = ip };
  __builtin_memcpy(record.mac, packet + ETHER_SADDR, 6);
  vector_set(backends, added, &record);
}

/* Sends the frame to backend `id`: destination MAC and IP the backend's, source MAC the device's, checksums updated. */
static int32_t forward(uint8_t *packet, int32_t id) {
  struct backend record;
  vector_get(backends, id, &record);
  uint32_t change = words_change(__builtin_bswap32(load32(packet + IP_DADDR)), __builtin_bswap32(record.ip));
  store32(packet + IP_DADDR, record.ip);
  store16(packet + IP_CHECKSUM, updated_checksum(load16(packet + IP_CHECKSUM), change));
  update_transport_checksum(packet, change);
  __builtin_memcpy(packet + ETHER_DADDR, record.mac, 6);
  int32_t output = record.nic == 1 ? 1 : 0; /* backends live on devices 0 and 1 (nf.json: nic below 2) */
  __builtin_memcpy(packet + ETHER_SADDR, device_macs[output], 6);
  return output;
}

int32_t nf_process(int32_t device, uint8_t *packet, int32_t length, int64_t now) {
  emap_expire(flow_emap, now - flow_expiration_time());
  emap_expire(backend_ip_emap, now - backend_expiration_time());
  if (!flow_frame(packet, length)) return DROP;
  struct flow key = {
    .src_ip = load32(packet + IP_SADDR), .dst_ip = load32(packet + IP_DADDR),
    .src_port = load16(packet + TRANSPORT + SRC_PORT), .dst_port = load16(packet + TRANSPORT + DST_PORT),
    .protocol = packet[IP_PROTOCOL],
  };
  if (device != EXT_DEVICE) {
    heartbeat(device, packet, now);
    return DROP;
  }
  int32_t index = emap_get(flow_emap, &key);
  if (index >= 0) {
    uint32_t known;
    vector_get(flow_to_backend, index, &known);
    if (emap_has_idx(backend_ip_emap, (int32_t)known)) {
      emap_refresh(flow_emap, index, now);
      return forward(packet, (int32_t)known);
    }
    emap_erase(flow_emap, &key); /* its backend expired: chosen anew */
  }
  int32_t chosen = cht_find_backend(cht, flow_hash(key.src_ip, key.dst_ip, key.src_port, key.dst_port, key.protocol), backend_ip_emap);
  if (chosen < 0) return DROP;
  int32_t added = emap_add(flow_emap, &key, now); /* -1 when the table is full: forwarded, unrecorded */
  if (added >= 0) {
    uint32_t id = (uint32_t)chosen;
    vector_set(flow_to_backend, added, &id);
  }
  return forward(packet, chosen);
}
