// The headers of a frame as terms: where they are and when they are present (the same rules as nf-abi's concrete
// decoder), their fields (nf-abi's header table) as little-endian loads of the wire bytes. Read by the spec
// checker (engine/validate) and the well-formed-output check.
import { ETHER_LENGTH, ETHER_TYPE_IPV4, HEADER_FIELDS, IP_PROTOCOL_TCP, IP_PROTOCOL_UDP, IPV4_MIN_LENGTH, type Protocol, TCP_LENGTH, TCPUDP_LENGTH } from '../../nf-abi/index.ts';
import * as T from '../solver/term.ts';
import type { Assignment, Term } from '../solver/term.ts';
import type { Solver } from '../solver/z3.ts';
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
  return { at: (i) => byteTerm(packet.read(i)), atComputed: (offset) => T.select(packet.contents(), offset) };
}

export interface HeaderView {
  protocol: Protocol;
  present: Term;
  /** Offset of the header in the frame (computed for tcpudp and tcp). */
  offset: Term;
  /** Offset of the first byte after the header (computed for ipv4, tcpudp and tcp). */
  end: Term;
  fields: Record<string, Term>;
}

/**
 * The headers of a frame, outermost first, each with the condition under which it is there: ether, ipv4, then
 * two views of the header after IPv4, tcpudp (TCP or UDP ports) and tcp (the fixed TCP header).
 */
export function frameHeaders(bytes: FrameBytes, length: Term, ihl?: number): HeaderView[] {
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

  // With `ihl` (the path fixes the IHL: fixedIhl), at a constant offset: the same bytes on that path.
  const transportAt = ihl === undefined ? T.binary('add', ipv4At, ipv4Length) : T.bv(ETHER_LENGTH + 4 * ihl, 32);
  const isTcp = T.eq(ipv4.npid!, T.bv(IP_PROTOCOL_TCP, 8));
  const transport = (protocol: 'tcpudp' | 'tcp', carried: Term, length: number): HeaderView => {
    const end = T.binary('add', transportAt, T.bv(length, 32));
    return { protocol, present: T.and(ipv4Present, carried, longEnough(end)), offset: transportAt, end, fields: fieldsAt(protocol, transportAt) };
  };
  return [
    { protocol: 'ether', present: etherPresent, offset: etherAt, end: T.bv(ETHER_LENGTH, 32), fields: ether },
    { protocol: 'ipv4', present: ipv4Present, offset: ipv4At, end: transportAt, fields: ipv4 },
    transport('tcpudp', T.or(isTcp, T.eq(ipv4.npid!, T.bv(IP_PROTOCOL_UDP, 8))), TCPUDP_LENGTH),
    transport('tcp', isTcp, TCP_LENGTH),
  ];
}

/**
 * The IPv4 header length (in 32-bit words) of every input on a path, when the path fixes it: an NF that accepts
 * one IHL only, as most do. Views given it place the header after IPv4 at a constant offset, which the solver
 * handles far faster than a choice among sixteen offsets in every field, key and comparison (seconds per query
 * on the NAT). Undefined when the path allows several, or the frame's byte 14 is not the input's.
 */
export function fixedIhl(solver: Solver, pathCondition: Term[], model: Assignment, input: FrameBytes, frame: FrameBytes = input): number | undefined {
  if (frame.at(ETHER_LENGTH) !== input.at(ETHER_LENGTH)) return undefined;
  const ihl = T.extract(3, 0, input.at(ETHER_LENGTH));
  const value = T.evaluate(ihl, model);
  return solver.check(pathCondition, T.not(T.eq(ihl, T.bv(value, 4))), model).status === 'unsat' ? Number(value) : undefined;
}
