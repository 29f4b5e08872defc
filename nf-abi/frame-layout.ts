// Where NFs find the Ethernet, IPv4 and TCP/UDP fields in a frame, and the constants they compare them with. One
// file for both languages, like outputs.ts: AssemblyScript NFs import it by relative path
// (import { IP_DADDR } from "../../nf-abi/frame-layout"), TypeScript through nf-abi/index.ts; c/frame-layout.h
// mirrors it for C NFs (tests/nf-abi checks both against headers.ts's table). Constants of two bytes are the
// little-endian loads of their wire bytes, as NFs load them.

// Ethernet, at the start of the frame.
export const ETHER_DADDR = 0;
export const ETHER_SADDR = 6;
export const ETHER_TYPE = 12;
export const ETHER_HEADER = 14;
export const MAC_SIZE = 6;
/** EtherType 0x0800 (IPv4) as a little-endian load. */
export const ETHER_TYPE_IPV4 = 0x0008;

// IPv4, right after Ethernet: offsets in the frame.
export const IP = ETHER_HEADER;
/** The header without options (IHL 5), the shortest there is. */
export const IP_HEADER = 20;
export const IP_VIHL = IP;
export const IP_TOTAL_LENGTH = IP + 2;
export const IP_FRAGMENT = IP + 6;
export const IP_TTL = IP + 8;
export const IP_PROTOCOL = IP + 9;
export const IP_CHECKSUM = IP + 10;
export const IP_SADDR = IP + 12;
export const IP_DADDR = IP + 16;
export const IP_ADDRESS_SIZE = 4;
/** Version 4, a header of 5 words: no options. */
export const VERSION_IHL = 0x45;
/** The More Fragments flag and the fragment offset, as a little-endian load of their two bytes. */
export const FRAGMENT_BITS = 0xff3f;
export const TCP = 6;
export const UDP = 17;

// TCP or UDP: offsets in their header, which starts at TRANSPORT in the frame when IPv4 has no options.
export const TRANSPORT = IP + IP_HEADER;
export const SRC_PORT = 0;
export const DST_PORT = 2;
export const TCP_CHECKSUM = 16;
export const UDP_CHECKSUM = 6;
/** The fixed TCP header, without options. */
export const TCP_HEADER = 20;
export const UDP_HEADER = 8;
