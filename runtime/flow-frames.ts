// Frames of synthetic flows: Ethernet + IPv4 + UDP, every header field that any NF keys on derived from the
// flow's number, so that a new flow number is a new entry for every NF (a new source MAC for the bridge, a new
// 5-tuple for the NAT or the firewall, a new address for the policer).

const ETHER_HEADER = 14;
const IPV4_HEADER = 20;
const UDP_HEADER = 8;
export const MIN_FLOW_FRAME = ETHER_HEADER + IPV4_HEADER + UDP_HEADER;

/** 02:00:xx:xx:xx:xx: a locally administered unicast address holding the flow number. */
export function flowMac(flow: number, into: Uint8Array, at: number): void {
  into[at] = 0x02;
  into[at + 1] = 0x00;
  into[at + 2] = flow >>> 24;
  into[at + 3] = (flow >>> 16) & 0xff;
  into[at + 4] = (flow >>> 8) & 0xff;
  into[at + 5] = flow & 0xff;
}

/**
 * Writes a frame from flow `source` to flow `destination` over all of `frame` (zeroed, at least MIN_FLOW_FRAME
 * bytes): 10.0.0.0/8 addresses and ports from the flow numbers (or the IPv4 destination `address`, first octet
 * most significant), TTL 64, a valid IPv4 header checksum, UDP checksum 0 (none, allowed over IPv4), zero payload.
 */
export function writeFlowFrame(source: number, destination: number, frame: Uint8Array, address = (10 << 24) | (destination & 0xffffff)): void {
  const length = frame.length;
  if (length < MIN_FLOW_FRAME) throw new RangeError(`a flow frame needs at least ${MIN_FLOW_FRAME} bytes (Ethernet, IPv4, UDP), not ${length}`);
  const view = new DataView(frame.buffer, frame.byteOffset, length);
  flowMac(destination, frame, 0);
  flowMac(source, frame, 6);
  view.setUint16(12, 0x0800);
  const ip = ETHER_HEADER;
  view.setUint8(ip, 0x45);
  view.setUint16(ip + 2, length - ETHER_HEADER);
  view.setUint8(ip + 8, 64);
  view.setUint8(ip + 9, 17);
  view.setUint32(ip + 12, (10 << 24) | (source & 0xffffff));
  view.setUint32(ip + 16, address);
  view.setUint16(ip + 10, ipv4Checksum(frame.subarray(ip, ip + IPV4_HEADER)));
  const udp = ip + IPV4_HEADER;
  view.setUint16(udp, 1024 + (source % 64512));
  view.setUint16(udp + 2, 1024 + (destination % 64512));
  view.setUint16(udp + 4, length - udp);
}

function ipv4Checksum(header: Uint8Array): number {
  let sum = 0;
  for (let at = 0; at < header.length; at += 2) sum += (header[at]! << 8) | header[at + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
