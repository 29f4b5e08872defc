// IPv4 router (NFS.md, spec.py): drops what is not well-formed IPv4 or has no hop left, decrements the TTL with an
// incremental checksum update (RFC 1624) and sends the frame to the device of the longest matching prefix.
import { DROP } from "../../nf-abi/outputs";
import { lpm_add, lpm_allocate, lpm_lookup } from "../../libvig/as/lpm";
import { ETHER_HEADER, ETHER_TYPE, ETHER_TYPE_IPV4, IP_CHECKSUM, IP_DADDR, IP_HEADER, IP_TOTAL_LENGTH, IP_TTL, IP_VIHL } from "../../nf-abi/frame-layout";

// The routing table (nf.json "tables"): one row per prefix, read once in nf_init.
// @ts-ignore: decorator
@external("config", "routes_count") declare function routes_count(): i32;
/** The row's prefix, first octet most significant (10.0.0.0 is 0x0a000000), as lpm_add takes it. */
// @ts-ignore: decorator
@external("config", "routes_prefix") declare function routes_prefix(row: i32): u32;
// @ts-ignore: decorator
@external("config", "routes_length") declare function routes_length(row: i32): i32;
// @ts-ignore: decorator
@external("config", "routes_device") declare function routes_device(row: i32): i32;

// The lpm's handle, allocated in nf_init (nf.json's only state object).
let routes: i32 = -1;

export function nf_init(): void {
  routes = lpm_allocate(65536);
  const rows = routes_count();
  for (let row = 0; row < rows; row++) {
    if (lpm_add(routes, routes_prefix(row), routes_length(row), routes_device(row)) == 0) abort("more routes than the table's capacity");
  }
}

export function nf_process(device: i32, packet: usize, length: i32, now: i64): i32 {
  if (length < ETHER_HEADER + IP_HEADER || load<u16>(packet + ETHER_TYPE) != ETHER_TYPE_IPV4) return DROP;
  const vihl = <i32>load<u8>(packet + IP_VIHL);
  const headerBytes = (vihl & 0xf) << 2;
  if (vihl >> 4 != 4 || headerBytes < IP_HEADER || ETHER_HEADER + headerBytes > length) return DROP;
  if (<i32>bswap<u16>(load<u16>(packet + IP_TOTAL_LENGTH)) > length - ETHER_HEADER) return DROP;
  const ttl = <u32>load<u8>(packet + IP_TTL);
  if (ttl <= 1) return DROP;
  const output = lpm_lookup(routes, bswap<u32>(load<u32>(packet + IP_DADDR)));
  if (output < 0) return DROP;

  // RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), over the 16-bit word holding the TTL (high byte) and the protocol.
  const word = <u32>bswap<u16>(load<u16>(packet + IP_TTL));
  const sum = (~<u32>bswap<u16>(load<u16>(packet + IP_CHECKSUM)) & 0xffff) + (~word & 0xffff) + (word - 0x100);
  const folded = (sum & 0xffff) + (sum >> 16);
  store<u8>(packet + IP_TTL, <u8>(ttl - 1));
  store<u16>(packet + IP_CHECKSUM, bswap<u16>(<u16>~((folded & 0xffff) + (folded >> 16))));
  return output;
}
