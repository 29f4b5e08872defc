// Worker side: turns the engine's results (which hold solver terms and models) into the plain-data reports the
// kernel renders, keeping the engine's own text renderings alongside.
import { listProperties } from '../../engine/spec/frontend/index.ts';
import { formatExploration, formatPropertyResult, showValue, stateEntries, traceLines } from '../../engine/report.ts';
import { inputFromModel } from '../../engine/symbex/nf.ts';
import { HEADER_FIELDS, type Protocol } from '../../engine/validate/headers.ts';
import type { Failure } from '../../engine/validate/check.ts';
import type { PropertyResult, VerificationSession } from '../../engine/verify/session.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Counterexample, Layers, NfSummary, PropertyReport } from './engine-protocol.ts';

export function nfSummary(session: VerificationSession, layers: Layers): NfSummary {
  const run = session.exploration;
  return {
    nfDir: session.nfDir,
    name: session.build.manifest.name,
    layers,
    manifest: session.build.manifest,
    text: formatExploration(run),
    figures: {
      traces: run.figures.traces,
      violations: run.figures.violations + run.initViolations.length,
      instructions: run.figures.instructions,
      queries: run.figures.queries,
      solverSeconds: run.figures.solverSeconds,
      seconds: run.figures.seconds,
    },
    traces: run.traces.map((trace) => ({
      output: showValue(trace.results[0]!),
      calls: trace.calls.map((call) => call.name),
      lines: traceLines(run, trace),
    })),
    hasSpec: existsSync(join(session.nfDir, 'spec.py')),
    propertyFiles: listProperties(session.nfDir).map((property) => property.name),
  };
}

export function propertyReport(session: VerificationSession, result: PropertyResult): PropertyReport {
  const text = formatPropertyResult(session.exploration, result);
  if (result.verdict === 'invalid') return { ...result, text };
  const { failures, ...figures } = result;
  return { ...figures, text, counterexamples: failures.map((failure) => counterexample(session, failure)) };
}

const OUTPUT_NAMES: Record<string, string> = { '4294967295': 'DROP', '4294967294': 'FLOOD' };

function counterexample(session: VerificationSession, failure: Failure): Counterexample {
  const input = inputFromModel(failure.model);
  const packet = Array.from(input.packet);
  const ports = failure.specPorts;
  return {
    device: input.device,
    time: String(input.now),
    length: input.length,
    packet,
    headers: decodeHeaders(packet),
    nfOutput: OUTPUT_NAMES[String(failure.nfOutput)] ?? `device ${failure.nfOutput}`,
    specRequires: ports === null ? 'its assert to hold' : ports === 'any' ? 'any devices' : ports.length === 0 ? 'DROP' : `devices ${ports.join(', ')}`,
    failed: failure.failed,
    stateEntries: stateEntries(session.exploration, failure),
    nfLines: traceLines(session.exploration, session.exploration.traces[failure.trace]!),
    specLine: failure.specLine ? `${failure.specLine.file}:${failure.specLine.line}` : null,
    specDecisions: failure.specDecisionLines.map((at) => `${at.file}:${at.line}`),
  };
}

const ETHER_LENGTH = 14;
const ETHER_TYPE_IPV4 = 8; // 0x0800 as a little-endian load, as specs see it
const TCP = 6;
const UDP = 17;

/** The headers present in a concrete frame, outermost first (Ethernet, then IPv4, then TCP/UDP ports). */
function decodeHeaders(packet: number[]): Counterexample['headers'] {
  const headers: Counterexample['headers'] = [];
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
