// Whether a concrete frame's IPv4 header checksum and its TCP or UDP checksum are valid (RFC 791, 793, 768):
// the one concrete checksum rule, which replays of checksum violations check the frames an NF sends with.
import { decodeHeaders, IP_PROTOCOL_TCP, IP_PROTOCOL_UDP } from './headers.ts';

/** The ones'-complement sum of big-endian 16-bit words (an odd last byte padded with zero), folded to 16 bits. */
function onesComplementSum(bytes: ArrayLike<number>, from: number, to: number, sum = 0): number {
  for (let at = from; at < to; at += 2) sum += (bytes[at]! << 8) | (at + 1 < to ? bytes[at + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** Where the frame's IPv4 header and TCP/UDP header are, by nf-abi's presence rules (-1: absent). */
function headerOffsets(frame: ArrayLike<number>): { ipv4: number; tcpudp: number } {
  const headers = decodeHeaders(frame);
  const at = (protocol: string) => headers.find((h) => h.protocol === protocol)?.offset ?? -1;
  return { ipv4: at('ipv4'), tcpudp: at('tcpudp') };
}

/** The IPv4 header checksum: valid when the header (with its checksum) sums to 0xffff; null without an IPv4 header. */
export function ipv4ChecksumValid(frame: ArrayLike<number>): boolean | null {
  const { ipv4 } = headerOffsets(frame);
  if (ipv4 < 0) return null;
  return onesComplementSum(frame, ipv4, ipv4 + (frame[ipv4]! & 0x0f) * 4) === 0xffff;
}

/**
 * The TCP or UDP checksum over the pseudo-header and the segment (the IPv4 total length says where it ends):
 * valid when everything sums to 0xffff, or for UDP when the checksum is 0 (none); null when the frame holds no
 * whole TCP or UDP segment.
 */
export function transportChecksumValid(frame: ArrayLike<number>): boolean | null {
  const { ipv4, tcpudp } = headerOffsets(frame);
  if (tcpudp < 0) return null;
  const protocol = frame[ipv4 + 9]!;
  const end = ipv4 + ((frame[ipv4 + 2]! << 8) | frame[ipv4 + 3]!);
  const checksumAt = tcpudp + (protocol === IP_PROTOCOL_TCP ? 16 : 6);
  if (end > frame.length || checksumAt + 2 > end) return null;
  if (protocol === IP_PROTOCOL_UDP && frame[checksumAt] === 0 && frame[checksumAt + 1] === 0) return true;
  // The pseudo-header: source and destination addresses, the protocol and the segment's length.
  const pseudo = onesComplementSum(frame, ipv4 + 12, ipv4 + 20, protocol + (end - tcpudp));
  return onesComplementSum(frame, tcpudp, end, pseudo) === 0xffff;
}
