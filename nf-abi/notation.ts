// Field values as the spec language writes them, from their wire bytes: the one notation of counterexamples,
// replays and completions (mac("01:80:c2:00:00:00"), ip("10.0.0.1"), port(80), ethertype(0x0800), SYN|ACK, 64).
import { decodeHeaders, type FieldNotation, type Protocol, TCP_FLAGS } from './headers.ts';

const hex = (bytes: readonly number[]) => bytes.map((b) => b.toString(16).padStart(2, '0'));
/** Bytes most significant first, as protocols write numbers on the wire. */
const networkOrder = (bytes: readonly number[]) => bytes.reduce((sum, byte) => sum * 256 + byte, 0);
/** The little-endian load of the wire bytes: the value a spec compares a field with. */
const fieldValue = (bytes: readonly number[]) => bytes.reduceRight((sum, byte) => sum * 256 + byte, 0);

/** A flags byte as the names of its bits, lowest first (`SYN|ACK`), which is also how a spec writes that value. */
function showTcpFlags(flags: number): string {
  const names = TCP_FLAGS.filter(([, bit]) => (flags & bit) !== 0).map(([name]) => name);
  return names.length ? names.join('|') : '0';
}

const SHOW: Record<FieldNotation, (bytes: readonly number[]) => string> = {
  mac: (bytes) => `mac("${hex(bytes).join(':')}")`,
  ip: (bytes) => `ip("${bytes.join('.')}")`,
  port: (bytes) => `port(${networkOrder(bytes)})`,
  ethertype: (bytes) => `ethertype(0x${hex(bytes).join('')})`,
  tcp_flags: (bytes) => showTcpFlags(fieldValue(bytes)),
  // A byte is its value; a wider number is the value a spec compares with, and the bytes a reader knows.
  number: (bytes) => (bytes.length === 1 ? String(bytes[0]) : `${fieldValue(bytes)} (bytes ${hex(bytes).join(' ')})`),
};

/** A field's value in the spec language's notation, from its wire bytes. */
export function showField(notation: FieldNotation, bytes: readonly number[]): string {
  return SHOW[notation](bytes);
}

export interface ShownHeader {
  protocol: Protocol;
  fields: { name: string; value: string }[];
}

/**
 * The headers of a concrete frame, outermost first, fields in the spec language's notation. A TCP frame's ports
 * show once, in its `tcp` view, not again in `tcpudp`.
 */
export function showHeaders(frame: ArrayLike<number>): ShownHeader[] {
  const headers = decodeHeaders(frame);
  const hasTcp = headers.some((h) => h.protocol === 'tcp');
  return headers
    .filter((h) => !(hasTcp && h.protocol === 'tcpudp'))
    .map(({ protocol, fields }) => ({ protocol, fields: fields.map(({ name, bytes, notation }) => ({ name, value: showField(notation, bytes) })) }));
}
