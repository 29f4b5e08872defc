// A failure as plain data a person reads: the counterexample's frame (bytes and decoded headers), device and
// time, the state it relies on, what the NF did and what the spec required, and where (NF path, spec line).
// The CLI renders it as text, the kernel as HTML tables.
import { inputFromModel, type NfExploration } from '../symbex/nf.ts';
import { HEADER_FIELDS, type Protocol } from '../validate/headers.ts';
import type { Failure } from '../validate/check.ts';
import { stateEntries, traceLines } from '../report.ts';
import type { Replay } from './replay.ts';

export interface FailureDescription {
  device: number;
  /** Nanoseconds, as a decimal string (a u64). */
  time: string;
  length: number;
  packet: number[];
  /** Headers decoded from the frame, outermost first, fields as a spec sees them. */
  headers: { protocol: Protocol; fields: { name: string; value: string }[] }[];
  nfOutput: string;
  specRequires: string;
  failed: string[];
  stateEntries: string[];
  nfLines: string[];
  /** `file:line` of the spec where it failed, and where its path decided something. */
  specLine: string | null;
  specDecisions: string[];
  replay: Replay | null;
}

const OUTPUT_NAMES: Record<string, string> = { '4294967295': 'DROP', '4294967294': 'FLOOD' };

export const outputName = (value: bigint): string => OUTPUT_NAMES[String(value)] ?? `device ${value}`;

export function describeFailure(run: NfExploration, failure: Failure): FailureDescription {
  const input = inputFromModel(failure.model);
  const packet = Array.from(input.packet);
  return {
    device: input.device,
    time: String(input.now),
    length: input.length,
    packet,
    headers: decodeHeaders(packet),
    nfOutput: outputName(failure.nfOutput),
    specRequires: requirement(failure),
    failed: failure.failed,
    stateEntries: stateEntries(run, failure),
    nfLines: traceLines(run, run.traces[failure.trace]!),
    specLine: failure.specLine ? `${failure.specLine.file}:${failure.specLine.line}` : null,
    specDecisions: failure.specDecisionLines.map((at) => `${at.file}:${at.line}`),
    replay: failure.replay ?? null,
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

const ETHER_LENGTH = 14;
const ETHER_TYPE_IPV4 = 8; // 0x0800 as a little-endian load, as specs see it
const TCP = 6;
const UDP = 17;

/** The headers present in a concrete frame, outermost first (Ethernet, then IPv4, then TCP/UDP ports). */
export function decodeHeaders(packet: number[]): FailureDescription['headers'] {
  const headers: FailureDescription['headers'] = [];
  const view = (protocol: Protocol, offset: number) => {
    const fields = HEADER_FIELDS[protocol].map(([name, at, bytes]) => ({ name, value: showField(packet.slice(offset + at, offset + at + bytes)) }));
    headers.push({ protocol, fields });
  };
  if (packet.length < ETHER_LENGTH) return headers;
  view('ether', 0);
  const etherType = packet[12]! | (packet[13]! << 8);
  const ipv4Length = ((packet[ETHER_LENGTH] ?? 0) & 0x0f) * 4;
  if (etherType !== ETHER_TYPE_IPV4 || ipv4Length < 20 || packet.length < ETHER_LENGTH + ipv4Length) return headers;
  view('ipv4', ETHER_LENGTH);
  const protocol = packet[ETHER_LENGTH + 9];
  if ((protocol === TCP || protocol === UDP) && packet.length >= ETHER_LENGTH + ipv4Length + 4) view('tcpudp', ETHER_LENGTH + ipv4Length);
  return headers;
}

/** A MAC address in wire order; other fields as the little-endian value a spec compares with, and their bytes. */
function showField(bytes: number[]): string {
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0'));
  if (bytes.length === 6) return hex.join(':');
  const value = bytes.reduceRight((sum, byte) => sum * 256 + byte, 0);
  return `${value} (bytes ${hex.join(' ')})`;
}
