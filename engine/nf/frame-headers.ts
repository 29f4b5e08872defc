// The headers of a frame as terms: where they are and when they are present (the same rules as nf-abi's concrete
// decoder), their fields (nf-abi's header table) as little-endian loads of the wire bytes. Read by the spec
// checker (engine/validate) and the well-formed-output check.
import { ETHER_LENGTH, ETHER_TYPE_IPV4, HEADER_FIELDS, IP_PROTOCOL_TCP, IP_PROTOCOL_UDP, IPV4_MIN_LENGTH, type Protocol, TCPUDP_LENGTH } from '../../nf-abi/index.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import { byteTerm, type PacketBuffer } from '../symbex/memory.ts';

/** A frame's bytes at constant or computed offsets (the input frame, or the frame as the NF left it). */
export interface FrameBytes {
  at(offset: number): Term;
  atComputed(offset: Term): Term;
}

/** The received frame: an array of bytes (INPUT.packet). */
export function arrayFrame(array: Term): FrameBytes {
  return { at: (i) => T.select(array, T.bv(i, 32)), atComputed: (offset) => T.select(array, offset) };
}

/** The frame as the NF left it on a trace. */
export function packetFrame(packet: PacketBuffer): FrameBytes {
  return { at: (i) => byteTerm(packet.peek(i)), atComputed: (offset) => T.select(packet.contents(), offset) };
}

export interface HeaderView {
  protocol: Protocol;
  present: Term;
  /** Offset of the header in the frame (computed for tcpudp). */
  offset: Term;
  /** Offset of the first byte after the header (computed for ipv4 and tcpudp). */
  end: Term;
  fields: Record<string, Term>;
}

/** The three headers of a frame, outermost first, each with the condition under which it is there. */
export function frameHeaders(bytes: FrameBytes, length: Term): HeaderView[] {
  const field = (base: Term, offset: number, size: number): Term => {
    let value: Term | null = null;
    for (let i = size - 1; i >= 0; i--) {
      const at = T.binary('add', base, T.bv(offset + i, 32));
      const byte = T.isConst(at) ? bytes.at(Number(at.value)) : bytes.atComputed(at);
      value = value ? T.concat(value, byte) : byte;
    }
    return value!;
  };
  const fieldsAt = (protocol: Protocol, base: Term) =>
    Object.fromEntries(HEADER_FIELDS[protocol].map(([name, offset, size]) => [name, field(base, offset, size)]));
  const longEnough = (needed: Term) => T.compare('ule', needed, length);

  const etherAt = T.bv(0, 32);
  const ether = fieldsAt('ether', etherAt);
  const etherPresent = longEnough(T.bv(ETHER_LENGTH, 32));

  const ipv4At = T.bv(ETHER_LENGTH, 32);
  const ipv4 = fieldsAt('ipv4', ipv4At);
  const ihlWords = T.binary('and', T.zext(ipv4.vihl!, 24), T.bv(15, 32));
  const ipv4Length = T.binary('shl', ihlWords, T.bv(2, 32));
  const ipv4Present = T.and(
    etherPresent,
    T.eq(ether.type!, T.bv(ETHER_TYPE_IPV4, 16)),
    T.eq(T.extract(7, 4, ipv4.vihl!), T.bv(4, 4)),
    T.compare('ule', T.bv(IPV4_MIN_LENGTH, 32), ipv4Length),
    longEnough(T.binary('add', ipv4At, ipv4Length)),
  );

  const tcpudpAt = T.binary('add', ipv4At, ipv4Length);
  const tcpudp = fieldsAt('tcpudp', tcpudpAt);
  const tcpudpEnd = T.binary('add', tcpudpAt, T.bv(TCPUDP_LENGTH, 32));
  const tcpudpPresent = T.and(
    ipv4Present,
    T.or(T.eq(ipv4.npid!, T.bv(IP_PROTOCOL_TCP, 8)), T.eq(ipv4.npid!, T.bv(IP_PROTOCOL_UDP, 8))),
    longEnough(tcpudpEnd),
  );
  return [
    { protocol: 'ether', present: etherPresent, offset: etherAt, end: T.bv(ETHER_LENGTH, 32), fields: ether },
    { protocol: 'ipv4', present: ipv4Present, offset: ipv4At, end: tcpudpAt, fields: ipv4 },
    { protocol: 'tcpudp', present: tcpudpPresent, offset: tcpudpAt, end: tcpudpEnd, fields: tcpudp },
  ];
}

/** How many headers, outermost first, the NF parsed: it read into them. */
export function parsedDepth(furthestRead: number, readAtComputedOffset: boolean): number {
  if (readAtComputedOffset || furthestRead > ETHER_LENGTH + IPV4_MIN_LENGTH) return 3;
  if (furthestRead > ETHER_LENGTH) return 2;
  return furthestRead > 0 ? 1 : 0;
}
