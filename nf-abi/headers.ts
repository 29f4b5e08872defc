// The headers specs speak about: one table of their fields, read by the spec prelude, the spec front-end, the
// verifier's header views, the counterexample decoder and the field notation (notation.ts). Field values are
// little-endian loads of the wire bytes.
import { ETHER_HEADER, ETHER_TYPE_IPV4, IP_HEADER, TCP, TCP_HEADER, UDP } from './frame-layout.ts';

export type Protocol = 'ether' | 'ipv4' | 'tcpudp' | 'tcp';

/**
 * How a field's value is written in specs and shown in results: named after the spec language's literal
 * (`mac("...")`, `ip("...")`, `port(80)`, `ethertype(0x0800)`), `tcp_flags` as flag names (`SYN|ACK`), else a
 * number.
 */
export type FieldNotation = 'mac' | 'ip' | 'port' | 'ethertype' | 'tcp_flags' | 'number';

/** A field: its name, its byte offset in the header, its size in bytes and its notation. */
export type HeaderField = readonly [name: string, offset: number, bytes: number, notation: FieldNotation];

/**
 * Each header's fields in constructor order (`ether(saddr, daddr, type)`), outermost header first. `tcpudp` (the
 * ports of TCP or UDP, Vigor's view) and `tcp` (the fixed 20-byte TCP header) are two views of the header after
 * IPv4.
 */
export const HEADER_FIELDS: Readonly<Record<Protocol, readonly HeaderField[]>> = {
  ether: [['saddr', 6, 6, 'mac'], ['daddr', 0, 6, 'mac'], ['type', 12, 2, 'ethertype']],
  ipv4: [
    ['vihl', 0, 1, 'number'], ['tos', 1, 1, 'number'], ['len', 2, 2, 'number'], ['pid', 4, 2, 'number'], ['foff', 6, 2, 'number'],
    ['ttl', 8, 1, 'number'], ['npid', 9, 1, 'number'], ['cksum', 10, 2, 'number'], ['saddr', 12, 4, 'ip'], ['daddr', 16, 4, 'ip'],
  ],
  tcpudp: [['src_port', 0, 2, 'port'], ['dst_port', 2, 2, 'port']],
  tcp: [
    ['src_port', 0, 2, 'port'], ['dst_port', 2, 2, 'port'], ['seq_no', 4, 4, 'number'], ['ack_no', 8, 4, 'number'], ['data_off', 12, 1, 'number'],
    ['flags', 13, 1, 'tcp_flags'], ['window', 14, 2, 'number'], ['cksum', 16, 2, 'number'], ['urg_ptr', 18, 2, 'number'],
  ],
};

/**
 * The TCP flags (RFC 9293, RFC 3168 for ECE and CWR) by name, lowest bit first: their bits in the `flags` byte,
 * which is also the value a spec compares `flags` with (one byte). Specs read them as `t.syn` and write them as
 * `SYN|ACK`.
 */
export const TCP_FLAGS: readonly (readonly [name: string, bit: number])[] = [
  ['FIN', 0x01], ['SYN', 0x02], ['RST', 0x04], ['PSH', 0x08], ['ACK', 0x10], ['URG', 0x20], ['ECE', 0x40], ['CWR', 0x80],
];

export const PROTOCOLS = Object.keys(HEADER_FIELDS) as Protocol[];

export function isProtocol(name: string): name is Protocol {
  return Object.hasOwn(HEADER_FIELDS, name);
}

/** Other names a spec may call a header by: Vigor 1.0's files name the Ethernet header after DPDK's struct. */
export const PROTOCOL_ALIASES: Readonly<Record<string, Protocol>> = { rte_ether: 'ether' };

/** The protocol a name in a spec stands for (its own name or an alias), if any. */
export function protocolNamed(name: string): Protocol | undefined {
  if (isProtocol(name)) return name;
  return Object.hasOwn(PROTOCOL_ALIASES, name) ? PROTOCOL_ALIASES[name] : undefined;
}

export const ETHER_LENGTH = ETHER_HEADER;
export const IPV4_MIN_LENGTH = IP_HEADER;
export const TCPUDP_LENGTH = 4;
/** The fixed TCP header, without options: a frame carries the `tcp` view when it holds these bytes. */
export const TCP_LENGTH = TCP_HEADER;
/** EtherType 0x0800 as the little-endian load a spec compares with (frame-layout.ts's, which NFs compare with). */
export { ETHER_TYPE_IPV4 };
export const IP_PROTOCOL_TCP = TCP;
export const IP_PROTOCOL_UDP = UDP;

export interface DecodedHeader {
  protocol: Protocol;
  /** Offset of the header in the frame. */
  offset: number;
  fields: { name: string; bytes: number[]; notation: FieldNotation }[];
}

/** The headers present in a concrete frame, outermost first: the same presence rules as the verifier's views. */
export function decodeHeaders(frame: ArrayLike<number>): DecodedHeader[] {
  const bytes = Array.from(frame);
  const headers: DecodedHeader[] = [];
  const take = (protocol: Protocol, offset: number) =>
    headers.push({ protocol, offset, fields: HEADER_FIELDS[protocol].map(([name, at, size, notation]) => ({ name, bytes: bytes.slice(offset + at, offset + at + size), notation })) });
  if (bytes.length < ETHER_LENGTH) return headers;
  take('ether', 0);
  const etherType = bytes[12]! | (bytes[13]! << 8);
  const vihl = bytes[ETHER_LENGTH] ?? 0;
  const ipv4Length = (vihl & 0x0f) * 4;
  if (etherType !== ETHER_TYPE_IPV4 || vihl >> 4 !== 4 || ipv4Length < IPV4_MIN_LENGTH || bytes.length < ETHER_LENGTH + ipv4Length) return headers;
  take('ipv4', ETHER_LENGTH);
  const protocol = bytes[ETHER_LENGTH + 9];
  const transportAt = ETHER_LENGTH + ipv4Length;
  if ((protocol === IP_PROTOCOL_TCP || protocol === IP_PROTOCOL_UDP) && bytes.length >= transportAt + TCPUDP_LENGTH) take('tcpudp', transportAt);
  if (protocol === IP_PROTOCOL_TCP && bytes.length >= transportAt + TCP_LENGTH) take('tcp', transportAt);
  return headers;
}
