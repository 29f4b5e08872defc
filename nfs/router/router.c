/* The IPv4 router in C (the C twin of router.ts, same behaviour; see NFS.md and spec.py): compiled for wasm32 by
 * clang against libVig's imports, and natively by gcc against runtime/native/libvig.c as the benchmark's
 * native baseline. */
#include <stdint.h>
#include "../../libvig/c/libvig.h"
#include "../../nf-abi/c/frame-layout.h"
#include "../../nf-abi/c/nf.h"

#define CONFIG(name) __attribute__((import_module("config"), import_name(#name)))
CONFIG(routes_count) int32_t routes_count(void);
CONFIG(routes_prefix) int32_t routes_prefix(int32_t row);
CONFIG(routes_length) int32_t routes_length(int32_t row);
CONFIG(routes_device) int32_t routes_device(int32_t row);

/* The lpm's handle, allocated in nf_init (nf.json's only state object). */
static int32_t routes;

void nf_init(void) {
  routes = lpm_allocate(65536);
  for (int32_t row = 0; row < routes_count(); row++) {
    if (!lpm_add(routes, (uint32_t)routes_prefix(row), routes_length(row), routes_device(row))) __builtin_trap(); /* more routes than the capacity */
  }
}

/* Two bytes in network order. */
static uint32_t load16(const uint8_t *at) { return (uint32_t)at[0] << 8 | at[1]; }

int32_t nf_process(int32_t device, uint8_t *packet, int32_t length, int64_t now) {
  if (length < ETHER_HEADER + IP_HEADER || load16(packet + ETHER_TYPE) != 0x0800) return DROP;
  int32_t vihl = packet[IP_VIHL];
  int32_t header_bytes = (vihl & 0xf) << 2;
  if (vihl >> 4 != 4 || header_bytes < IP_HEADER || ETHER_HEADER + header_bytes > length) return DROP;
  if ((int32_t)load16(packet + IP_TOTAL_LENGTH) > length - ETHER_HEADER) return DROP;
  uint32_t ttl = packet[IP_TTL];
  if (ttl <= 1) return DROP;
  const uint8_t *d = packet + IP_DADDR;
  int32_t output = lpm_lookup(routes, (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3]);
  if (output < 0) return DROP;

  /* RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), over the 16-bit word holding the TTL (high byte) and the protocol. */
  uint32_t word = load16(packet + IP_TTL);
  uint32_t sum = (~load16(packet + IP_CHECKSUM) & 0xffff) + (~word & 0xffff) + (word - 0x100);
  sum = (sum & 0xffff) + (sum >> 16);
  uint32_t checksum = ~((sum & 0xffff) + (sum >> 16)) & 0xffff;
  packet[IP_TTL] = (uint8_t)(ttl - 1);
  packet[IP_CHECKSUM] = (uint8_t)(checksum >> 8);
  packet[IP_CHECKSUM + 1] = (uint8_t)checksum;
  return output;
}
