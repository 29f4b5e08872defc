/* frame-layout.ts's offsets and constants for C NFs, with the same names and values (checked by tests/nf-abi). */
#ifndef NF_ABI_FRAME_LAYOUT_H
#define NF_ABI_FRAME_LAYOUT_H

enum {
  ETHER_DADDR = 0,
  ETHER_SADDR = 6,
  ETHER_TYPE = 12,
  ETHER_HEADER = 14,
  MAC_SIZE = 6,
  ETHER_TYPE_IPV4 = 0x0008,
  IP = 14,
  IP_HEADER = 20,
  IP_VIHL = 14,
  IP_TOTAL_LENGTH = 16,
  IP_FRAGMENT = 20,
  IP_TTL = 22,
  IP_PROTOCOL = 23,
  IP_CHECKSUM = 24,
  IP_SADDR = 26,
  IP_DADDR = 30,
  IP_ADDRESS_SIZE = 4,
  VERSION_IHL = 0x45,
  FRAGMENT_BITS = 0xff3f,
  TCP = 6,
  UDP = 17,
  TRANSPORT = 34,
  SRC_PORT = 0,
  DST_PORT = 2,
  TCP_CHECKSUM = 16,
  UDP_CHECKSUM = 6,
  TCP_HEADER = 20,
  UDP_HEADER = 8,
};

#endif
