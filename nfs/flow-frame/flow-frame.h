/* The C twin of flow-frame.ts, for nat.c and fw.c: which frames carry a flow they can follow, and the Ethernet
 * addresses of the frames each device sends (nf.json table "ether_addresses"). */
#ifndef NFS_FLOW_FRAME_H
#define NFS_FLOW_FRAME_H
#include <stdint.h>
#include "../../nf-abi/c/frame-layout.h"

#define FLOW_FRAME_CONFIG(name) __attribute__((import_module("config"), import_name(#name)))
FLOW_FRAME_CONFIG(ether_addresses_count) int32_t ether_addresses_count(void);
FLOW_FRAME_CONFIG(ether_addresses_device) int32_t ether_addresses_device(int32_t row);
FLOW_FRAME_CONFIG(ether_addresses_saddr) int64_t ether_addresses_saddr(int32_t row);
FLOW_FRAME_CONFIG(ether_addresses_daddr) int64_t ether_addresses_daddr(int32_t row);

/* Per device: the first 12 bytes of the Ethernet header of a frame it sends (destination, then source). */
enum { ETHER_ADDRESSES_SIZE = 12 };

/* Loads of the frame's bytes as they lie (little-endian on every target), at any alignment. */
static inline uint16_t load16(const uint8_t *at) { uint16_t v; __builtin_memcpy(&v, at, 2); return v; }
static inline uint32_t load32(const uint8_t *at) { uint32_t v; __builtin_memcpy(&v, at, 4); return v; }

/* flow-frame.ts's flowFrame(): IPv4 without options, within the frame, not a fragment, TCP or UDP with room for its header. */
static inline int flow_frame(const uint8_t *packet, int32_t length) {
  if (length < TRANSPORT) return 0;
  int32_t total_length = __builtin_bswap16(load16(packet + IP_TOTAL_LENGTH));
  uint8_t protocol = packet[IP_PROTOCOL];
  int32_t transport_header = protocol == TCP ? TCP_HEADER : UDP_HEADER;
  return (load16(packet + ETHER_TYPE) == ETHER_TYPE_IPV4) & (packet[IP] == VERSION_IHL) & (ETHER_HEADER + total_length <= length) &
         ((load16(packet + IP_FRAGMENT) & FRAGMENT_BITS) == 0) & ((protocol == TCP) | (protocol == UDP)) &
         (total_length >= IP_HEADER + transport_header);
}

/* Fills `table` (ETHER_ADDRESSES_SIZE bytes per device) from nf.json's "ether_addresses"; run in nf_init. */
static inline void load_ether_addresses(uint8_t (*table)[ETHER_ADDRESSES_SIZE]) {
  for (int32_t row = 0; row < ether_addresses_count(); row++) {
    uint8_t *at = table[ether_addresses_device(row)];
    int64_t daddr = ether_addresses_daddr(row), saddr = ether_addresses_saddr(row);
    for (int byte = 0; byte < 6; byte++) {
      at[byte] = (uint8_t)(daddr >> (8 * byte));
      at[6 + byte] = (uint8_t)(saddr >> (8 * byte));
    }
  }
}

/* flow-frame.ts's wordsChange: RFC 1624's ~m + m' for a 32-bit value, as a sum of big-endian 16-bit words. */
static inline uint32_t words_change(uint32_t from, uint32_t to) {
  return (~from & 0xffff) + (~from >> 16) + (to & 0xffff) + (to >> 16);
}

/* RFC 1624 eqn. 3, HC' = ~(~HC + change), on a checksum as loaded (little-endian). */
static inline uint16_t updated_checksum(uint16_t loaded, uint32_t change) {
  uint32_t sum = (~(uint32_t)__builtin_bswap16(loaded) & 0xffff) + change;
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return __builtin_bswap16((uint16_t)~sum);
}

static inline void store16(uint8_t *at, uint16_t v) { __builtin_memcpy(at, &v, 2); }
static inline void store32(uint8_t *at, uint32_t v) { __builtin_memcpy(at, &v, 4); }

/* flow-frame.ts's updateTransportChecksum: the TCP or UDP checksum updated by `change`; a UDP checksum of 0 stays 0. */
static inline void update_transport_checksum(uint8_t *packet, uint32_t change) {
  uint8_t *transport = packet + TRANSPORT;
  if (packet[IP_PROTOCOL] == TCP) {
    store16(transport + TCP_CHECKSUM, updated_checksum(load16(transport + TCP_CHECKSUM), change));
  } else {
    uint16_t checksum = load16(transport + UDP_CHECKSUM);
    if (checksum != 0) store16(transport + UDP_CHECKSUM, updated_checksum(checksum, change));
  }
}

#endif
