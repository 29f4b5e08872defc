// What the NAT and the firewall share (nfs/README.md): which frames carry a flow they can follow, and the Ethernet
// addresses of the frames each device sends (nf.json table "ether_addresses"). flow-frame.h is its C twin.
import { ETHER_HEADER, ETHER_TYPE, ETHER_TYPE_IPV4, FRAGMENT_BITS, IP, IP_FRAGMENT, IP_HEADER, IP_PROTOCOL, IP_TOTAL_LENGTH, TCP, TCP_HEADER, TRANSPORT, UDP, UDP_HEADER, VERSION_IHL } from "../../nf-abi/frame-layout";

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
