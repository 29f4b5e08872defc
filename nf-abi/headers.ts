// The headers specs speak about: one table of their fields, read by the spec prelude, the spec front-end, the
// verifier's header views and the counterexample decoder. Field values are little-endian loads of the wire bytes.

export type Protocol = 'ether' | 'ipv4' | 'tcpudp';

/** A field: its name, its byte offset in the header and its size in bytes. */
export type HeaderField = readonly [name: string, offset: number, bytes: number];

/** Each header's fields in constructor order (`ether(saddr, daddr, type)`), outermost header first. */
export const HEADER_FIELDS: Readonly<Record<Protocol, readonly HeaderField[]>> = {
  ether: [['saddr', 6, 6], ['daddr', 0, 6], ['type', 12, 2]],
  ipv4: [['vihl', 0, 1], ['tos', 1, 1], ['len', 2, 2], ['pid', 4, 2], ['foff', 6, 2], ['ttl', 8, 1], ['npid', 9, 1], ['cksum', 10, 2], ['saddr', 12, 4], ['daddr', 16, 4]],
  tcpudp: [['src_port', 0, 2], ['dst_port', 2, 2]],
};

export const PROTOCOLS = Object.keys(HEADER_FIELDS) as Protocol[];

export function isProtocol(name: string): name is Protocol {
  return Object.hasOwn(HEADER_FIELDS, name);
}

export const ETHER_LENGTH = 14;
export const IPV4_MIN_LENGTH = 20;
export const TCPUDP_LENGTH = 4;
/** EtherType 0x0800 as the little-endian load a spec compares with. */
export const ETHER_TYPE_IPV4 = 0x0008;
export const IP_PROTOCOL_TCP = 6;
export const IP_PROTOCOL_UDP = 17;

export interface DecodedHeader {
  protocol: Protocol;
  /** Offset of the header in the frame. */
  offset: number;
  fields: { name: string; bytes: number[] }[];
}

/** The headers present in a concrete frame, outermost first: the same presence rules as the verifier's views. */
export function decodeHeaders(frame: ArrayLike<number>): DecodedHeader[] {
  const bytes = Array.from(frame);
  const headers: DecodedHeader[] = [];
  const take = (protocol: Protocol, offset: number) =>
    headers.push({ protocol, offset, fields: HEADER_FIELDS[protocol].map(([name, at, size]) => ({ name, bytes: bytes.slice(offset + at, offset + at + size) })) });
  if (bytes.length < ETHER_LENGTH) return headers;
  take('ether', 0);
  const etherType = bytes[12]! | (bytes[13]! << 8);
  const vihl = bytes[ETHER_LENGTH] ?? 0;
  const ipv4Length = (vihl & 0x0f) * 4;
  if (etherType !== ETHER_TYPE_IPV4 || vihl >> 4 !== 4 || ipv4Length < IPV4_MIN_LENGTH || bytes.length < ETHER_LENGTH + ipv4Length) return headers;
  take('ipv4', ETHER_LENGTH);
  const protocol = bytes[ETHER_LENGTH + 9];
  const tcpudpAt = ETHER_LENGTH + ipv4Length;
  if ((protocol === IP_PROTOCOL_TCP || protocol === IP_PROTOCOL_UDP) && bytes.length >= tcpudpAt + TCPUDP_LENGTH) take('tcpudp', tcpudpAt);
  return headers;
}
