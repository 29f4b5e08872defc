// What the NAT and the firewall share (nfs/README.md): which frames carry a flow they can follow, and the Ethernet
// addresses of the frames each device sends (nf.json table "ether_addresses"). flow-frame.h is its C twin.
import { ETHER_HEADER, ETHER_TYPE, ETHER_TYPE_IPV4, FRAGMENT_BITS, IP, IP_FRAGMENT, IP_HEADER, IP_PROTOCOL, IP_TOTAL_LENGTH, TCP, TCP_CHECKSUM, TCP_HEADER, TRANSPORT, UDP, UDP_CHECKSUM, UDP_HEADER, VERSION_IHL } from "../../nf-abi/frame-layout";

// @ts-ignore: decorator
@external("config", "ether_addresses_count") declare function ether_addresses_count(): i32;
// @ts-ignore: decorator
@external("config", "ether_addresses_device") declare function ether_addresses_device(row: i32): i32;
// @ts-ignore: decorator
@external("config", "ether_addresses_saddr") declare function ether_addresses_saddr(row: i32): i64;
// @ts-ignore: decorator
@external("config", "ether_addresses_daddr") declare function ether_addresses_daddr(row: i32): i64;

/**
 * Whether the frame carries a flow the NF can follow: IPv4 (version 4, no options: record route and timestamps
 * carry addresses the NAT would have to translate too), a total length within the frame, not a fragment (only
 * the first one has ports, and without reassembly state the others could not be matched to a flow: all are
 * dropped), TCP or UDP with a segment long enough for its header. The tests after the length are combined
 * without branches: one path.
 */
export function flowFrame(packet: usize, length: i32): bool {
  if (length < TRANSPORT) return false; // the IPv4 header must be there to be read
  const totalLength = <i32>bswap<u16>(load<u16>(packet + IP_TOTAL_LENGTH));
  const protocol = load<u8>(packet + IP_PROTOCOL);
  const transportHeader = select<i32>(TCP_HEADER, UDP_HEADER, protocol == TCP);
  return (
    (load<u16>(packet + ETHER_TYPE) == ETHER_TYPE_IPV4) &
    (load<u8>(packet + IP) == VERSION_IHL) &
    (ETHER_HEADER + totalLength <= length) &
    ((load<u16>(packet + IP_FRAGMENT) & FRAGMENT_BITS) == 0) &
    ((protocol == TCP) | (protocol == UDP)) &
    (totalLength >= IP_HEADER + transportHeader)
  ) != 0;
}

/** Per device: the first 12 bytes of the Ethernet header of a frame it sends (destination, then source). */
export const ETHER_ADDRESSES_SIZE = 12;

/** Fills `table` (ETHER_ADDRESSES_SIZE bytes per device) from nf.json's "ether_addresses"; run in nf_init. */
export function loadEtherAddresses(table: usize): void {
  for (let row = 0; row < ether_addresses_count(); row++) {
    const at = table + <usize>ether_addresses_device(row) * ETHER_ADDRESSES_SIZE;
    const daddr = ether_addresses_daddr(row);
    const saddr = ether_addresses_saddr(row);
    store<u32>(at, <u32>daddr);
    store<u16>(at + 4, <u16>(daddr >> 32));
    store<u32>(at + 6, <u32>saddr);
    store<u16>(at + 10, <u16>(saddr >> 32));
  }
}

/** Sets the frame's Ethernet addresses to those `table` holds for device `output`. */
export function setEtherAddresses(packet: usize, table: usize, output: i32): void {
  const addresses = table + <usize>output * ETHER_ADDRESSES_SIZE;
  store<u64>(packet, load<u64>(addresses));
  store<u32>(packet + 8, load<u32>(addresses + 8));
}

/**
 * The one's-complement difference, as a sum of big-endian 16-bit words, of replacing the 32-bit value `from` with
 * `to` (RFC 1624: ~m + m'). Sums are over the wire's big-endian words: byte order does not change a one's-complement
 * sum (RFC 1071), but the verifier proves the update against sums of big-endian words, much faster in this form.
 */
export function wordsChange(from: u32, to: u32): u32 {
  return (~from & 0xffff) + (~from >> 16) + (to & 0xffff) + (to >> 16);
}

/** RFC 1624 eqn. 3, HC' = ~(~HC + change) with end-around carries, on a checksum as loaded (little-endian). */
export function updatedChecksum(loaded: u16, change: u32): u16 {
  let sum = (~<u32>bswap<u16>(loaded) & 0xffff) + change;
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return bswap<u16>(<u16>~sum);
}

/**
 * Updates the TCP or UDP checksum of a frame flowFrame accepted by `change` (wordsChange's sum: the
 * pseudo-header's addresses and the ports it covers). A UDP checksum of 0 means "none" (RFC 768) and stays 0.
 */
export function updateTransportChecksum(packet: usize, change: u32): void {
  const transport = packet + TRANSPORT;
  if (load<u8>(packet + IP_PROTOCOL) == TCP) {
    store<u16>(transport + TCP_CHECKSUM, updatedChecksum(load<u16>(transport + TCP_CHECKSUM), change));
  } else {
    const checksum = load<u16>(transport + UDP_CHECKSUM);
    if (checksum != 0) store<u16>(transport + UDP_CHECKSUM, updatedChecksum(checksum, change));
  }
}
