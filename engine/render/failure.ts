// A failure as plain data a person reads: the counterexample's frame (bytes and decoded headers), device and
// time, the state it relies on, what the NF did and what the spec required, and where (NF path, spec line).
// The CLI renders it as text, the kernel as HTML tables.
import { decodeHeaders, outputName, type Protocol } from '../../nf-abi/index.ts';
import { inputFromModel, type NfExploration } from '../nf/explore-nf.ts';
import { objectsOf } from '../contracts/index.ts';
import { concreteEmap, concreteVector } from '../ghost/concrete.ts';
import { traceLines } from './exploration.ts';
import type { Replay } from '../session/replay.ts';
import type { ReplayedFailure } from '../session/session.ts';
import type { Failure } from '../validate/check.ts';

export interface FailureDescription {
  device: number;
  /** Nanoseconds, as a decimal string (a u64). */
  time: string;
  length: number;
  packet: number[];
  /** Headers decoded from the frame, outermost first, fields in the notation of the spec language's literals. */
  headers: { protocol: Protocol; fields: { name: string; value: string }[] }[];
  nfOutput: string;
  specRequires: string;
  failed: string[];
  stateEntries: string[];
  nfLines: string[];
  /** `file:line` of the spec where it failed, and where its path decided something. */
  specLine: string | null;
  specDecisions: string[];
  replay: Replay;
}

export function describeFailure(run: NfExploration, failure: ReplayedFailure): FailureDescription {
  const input = inputFromModel(failure.model);
  const packet = Array.from(input.packet);
  return {
    device: input.device,
    time: String(input.now),
    length: input.length,
    packet,
    headers: describeHeaders(packet),
    nfOutput: outputName(failure.nfOutput),
    specRequires: requirement(failure),
    failed: failure.failed,
    stateEntries: stateEntries(run, failure),
    nfLines: traceLines(run, run.traces[failure.trace]!),
    specLine: failure.specLine ? `${failure.specLine.file}:${failure.specLine.line}` : null,
    specDecisions: failure.specDecisionLines.map((at) => `${at.file}:${at.line}`),
    replay: failure.replay,
  };
}

/** What the spec path claimed, in words: its assert, its output, or (when it returned nothing) only its state. */
function requirement(failure: Failure): string {
  if (failure.failed.includes('assert')) return 'its assert to hold';
  const ports = failure.specPorts;
  if (ports === null) return 'the state it describes (it claims no output on this path)';
  if (ports === 'any') return 'any devices, and the state it describes';
  return ports.length === 0 ? 'DROP' : `devices ${ports.join(', ')}`;
}

/** The headers present in a concrete frame, outermost first, fields in the notation an operator writes them in. */
export function describeHeaders(packet: number[]): FailureDescription['headers'] {
  return decodeHeaders(packet).map(({ protocol, fields }) => ({
    protocol,
    fields: fields.map(({ name, bytes }) => ({ name, value: (NOTATION[`${protocol}.${name}`] ?? showNumber)(bytes) })),
  }));
}

const hex = (bytes: number[]) => bytes.map((b) => b.toString(16).padStart(2, '0'));
/** The little-endian load of the wire bytes: the value a spec compares a field with. */
const fieldValue = (bytes: number[]) => bytes.reduceRight((sum, byte) => sum * 256 + byte, 0);
const showNumber = (bytes: number[]) => `${fieldValue(bytes)} (bytes ${hex(bytes).join(' ')})`;
const macAddress = (bytes: number[]) => hex(bytes).join(':');
const ipv4Address = (bytes: number[]) => bytes.join('.');
const portNumber = (bytes: number[]) => String(bytes.reduce((sum, byte) => sum * 256 + byte, 0));

/**
 * Fields shown as the spec language's literals write them (mac("..."), ip("..."), port(80), ethertype(0x0800)):
 * MAC addresses in wire order, IPv4 addresses dotted, ports as their number, the EtherType in hexadecimal with
 * the value a spec compares `type` with. Other fields are the little-endian value, and their bytes.
 */
const NOTATION: Partial<Record<string, (bytes: number[]) => string>> = {
  'ether.saddr': macAddress,
  'ether.daddr': macAddress,
  'ether.type': (bytes) => `0x${hex(bytes).join('')} (h.type == ${fieldValue(bytes)})`,
  'ipv4.saddr': ipv4Address,
  'ipv4.daddr': ipv4Address,
  'tcpudp.src_port': portNumber,
  'tcpudp.dst_port': portNumber,
};

const hexBytes = (value: bigint, bits: number): string =>
  Array.from({ length: bits / 8 }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0')).join(bits === 48 ? ':' : ' ');

/** The entries of the state before the packet that the counterexample relies on (keys present or absent, records). */
export function stateEntries(run: NfExploration, failure: Failure): string[] {
  const lines: string[] = [];
  for (const object of objectsOf(run.traces[failure.trace]!.final)) {
    if (object.kind === 'vector') {
      for (const [index, record] of concreteVector(object.name, object.recordBytes * 8, failure.terms, failure.model)) lines.push(`${object.name}[${index}] = ${hexBytes(record, object.recordBytes * 8)}`);
      continue;
    }
    if (object.kind !== 'emap') continue;
    const state = concreteEmap(object.name, object.keyBytes * 8, object.capacity, failure.terms, failure.model);
    for (const entry of state.entries) {
      const key = hexBytes(entry.key, object.keyBytes * 8);
      lines.push(entry.present ? `${object.name} holds ${key} at index ${entry.index}, stamped ${entry.stamp} ns` : `${object.name} does not hold ${key}`);
    }
    if (state.count !== null) lines.push(`${object.name} has ${state.count} entries`);
  }
  return lines;
}
