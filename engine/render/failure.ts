// A failure as plain data a person reads: the counterexample's frame (bytes and decoded headers), device and
// time, the state it relies on, what the NF did and what the spec required, and where (NF path, spec line).
// The CLI renders it as text, the kernel as HTML tables.
import { outputName, showHeaders, type ShownHeader, showStateValue, TimeOrigin } from '../../nf-abi/index.ts';
import { inputFromModel, type NfExploration } from '../nf/explore-nf.ts';
import type { Assignment } from '../solver/term.ts';
import { objectsOf } from '../contracts/index.ts';
import { concreteEmap, concreteVector } from '../ghost/concrete.ts';
import { nfPath, type PathStep } from './nf-path.ts';
import { plural, SHOWN_BYTES, shownLocation } from './text.ts';
import type { Replay } from '../session/replay.ts';
import type { ReplayedFailure } from '../session/session.ts';
import type { Failure, IndexSide, KeySide, RaisedOn, StateDifference } from '../validate/check.ts';

/** A counterexample's input: device, time, the frame and its headers (or, `received` false, the time alone). */
export interface InputDescription {
  /** False for the stack's iteration that received no packet: no device, frame or headers. */
  received: boolean;
  /** A violation of nf_init's: no input reaches it, nf.json's configuration does (device, time and frame mean nothing). */
  atStartUp?: true;
  device: number;
  /** The packet's arrival, `t0 = N ns`: the other times of the description are from it (`t0 - 5 min`). */
  time: string;
  length: number;
  packet: number[];
  /** Headers decoded from the frame, outermost first, fields in the spec language's notation (nf-abi's). */
  headers: ShownHeader[];
}

/** The input a model gives (`received` false: only the iteration's time), and the origin its other times are shown from. */
export function describeInput(model: Assignment, received = true): { input: InputDescription; origin: TimeOrigin } {
  const { device, now, length, packet } = inputFromModel(model);
  const origin = new TimeOrigin(now);
  if (!received) return { input: { received, device: 0, time: origin.origin, length: 0, packet: [], headers: [] }, origin };
  const bytes = Array.from(packet);
  return { input: { received, device, time: origin.origin, length, packet: bytes, headers: showHeaders(bytes) }, origin };
}

/** A counterexample's input as text (`label` names it): device, time and frame, then its headers. */
export function formatInput(d: InputDescription, indent = '    ', label = 'counterexample'): string[] {
  if (d.atStartUp) return [`${indent}${label}: no packet: nf_init fails at start-up with nf.json's configuration`];
  if (!d.received) return [`${indent}${label}: an iteration of the stack that received no packet, time ${d.time}`];
  const shown = d.packet.slice(0, SHOWN_BYTES).map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return [
    `${indent}${label}: device ${d.device}, time ${d.time}, frame of ${d.length} bytes: ${shown || '(empty)'}${d.length > SHOWN_BYTES ? ` … (${d.length - SHOWN_BYTES} more)` : ''}`,
    ...d.headers.map((h) => `${indent}  ${h.protocol}: ${h.fields.map((f) => `${f.name} ${f.value}`).join(', ')}`),
  ];
}

export interface FailureDescription extends InputDescription {
  nfOutput: string;
  specRequires: string;
  failed: string[];
  stateEntries: string[];
  /** Entries on which the NF's state after the packet and the spec's differ, with what each side has. */
  differences: string[];
  /** The NF's source lines the trace went through, the way it went at each, and the line that returned. */
  nfPath: PathStep[];
  /** `file:line:column` of the spec where it failed, and where its path decided something (`shownPath`'s files). */
  specLine: string | null;
  specDecisions: string[];
  replay: Replay;
}

export function describeFailure(run: NfExploration, failure: ReplayedFailure): FailureDescription {
  const received = failure.iteration === 'packet';
  const { input, origin } = describeInput(failure.model, received);
  return {
    ...input,
    nfOutput: received ? outputName(failure.nfOutput) : NOT_CALLED,
    specRequires: requirement(failure),
    failed: failure.failed,
    stateEntries: stateEntries(run, failure, origin),
    differences: failure.differences.map((difference) => describeDifference(run, difference, origin)),
    nfPath: received ? nfPath(run, run.traces[failure.trace]!) : [],
    specLine: failure.specLine ? shownLocation(failure.specLine.file, failure.specLine.line, failure.specLine.column) : null,
    // One line may decide several times in a row (`a and b and c`, a loop): said once.
    specDecisions: failure.specDecisionLines.map((at) => shownLocation(at.file, at.line, at.column)).filter((shown, i, all) => shown !== all[i - 1]),
    replay: failure.replay,
  };
}

/** Where a spec raised while it ran, in words: the NF's trace and what it did, and an input that takes that path. */
export interface RaisedOnDescription {
  trace: number;
  traces: number;
  nfOutput: string;
  input: InputDescription;
}

export function describeRaisedOn(run: NfExploration, raisedOn: RaisedOn): RaisedOnDescription {
  const received = raisedOn.iteration === 'packet';
  return {
    trace: raisedOn.trace + 1,
    traces: run.traces.length,
    nfOutput: received ? outputName(raisedOn.nfOutput) : NOT_CALLED,
    input: describeInput(raisedOn.model, received).input,
  };
}

/** The lines below a spec's runtime error that say where it was met (the CLI's text and the kernel's traceback). */
export function formatRaisedOn(d: RaisedOnDescription, indent = '    '): string[] {
  if (!d.input.received) return [`${indent}raised on an iteration of the stack that received no packet (the NF not called), time ${d.input.time}`];
  return [`${indent}raised on trace ${d.trace} of ${d.traces}, where the NF: ${d.nfOutput}`, ...formatInput(d.input, indent, 'an input that raises it')];
}

const NOT_CALLED = 'nothing sent: the NF was not called';

/** What the spec path claimed, in words: its assert, its output, or (when it returned nothing) only its state. */
function requirement(failure: Failure): string {
  if (failure.failed.includes('assert')) return 'its assert to hold';
  if (failure.stopped) return 'what failed names below (its path stopped there)';
  const ports = failure.specPorts;
  if (ports === null) return 'the state it describes (it claims no output on this path)';
  if (ports === 'any') return 'any devices, and the state it describes';
  return ports.length === 0 ? 'DROP' : `devices ${ports.join(', ')}`;
}

/** The emaps' entries before the packet that the counterexample relies on, with the objects they belong to. */
function entriesBefore(run: NfExploration, failure: Failure) {
  return objectsOf(run.traces[failure.trace]!.final).flatMap((object) =>
    object.kind === 'emap' ? [{ object, state: concreteEmap(object.name, object.keyBytes * 8, object.capacity, failure.terms, failure.model) }] : []);
}

/** A key or record of a state object, by its record's field names (nf.json). */
const showValueOf = (run: NfExploration, name: string, value: bigint): string => showStateValue(run.build.manifest, name, value);

/** The entries of the state before the packet that the counterexample relies on (keys present or absent, records). */
export function stateEntries(run: NfExploration, failure: Failure, origin = new TimeOrigin(inputFromModel(failure.model).now)): string[] {
  const lines: string[] = [];
  for (const object of objectsOf(run.traces[failure.trace]!.final)) {
    if (object.kind !== 'vector') continue;
    for (const [index, record] of concreteVector(object.name, object.recordBytes * 8, failure.terms, failure.model)) lines.push(`${object.name}[${index}] = ${showValueOf(run, object.name, record)}`);
  }
  for (const { object, state } of entriesBefore(run, failure)) {
    for (const entry of state.entries) {
      const key = showValueOf(run, object.name, entry.key);
      lines.push(entry.present ? `${object.name} holds ${key} at index ${entry.index}, stamped ${origin.show(BigInt.asIntN(64, entry.stamp))}` : `${object.name} does not hold ${key}`);
    }
    if (state.count !== null) lines.push(`${object.name} has ${plural(state.count, 'entry', 'entries')}`);
  }
  return lines;
}

/** Where the two final states differ, in words: the entry, then what the NF has and what the spec has. */
function describeDifference(run: NfExploration, difference: StateDifference, origin: TimeOrigin): string {
  const { object } = difference;
  switch (difference.kind) {
    case 'count': return `${object}: the NF has ${plural(difference.nf, 'entry', 'entries')}, the spec ${difference.spec}`;
    case 'record': return `${object}[${difference.index}]: the NF has ${showValueOf(run, object, difference.nf)}, the spec ${showValueOf(run, object, difference.spec)}`;
    case 'key': {
      const side = (s: KeySide) => (s.present ? `it at index ${s.index}` : 'no entry for it');
      return `${object}, key ${showValueOf(run, object, difference.key)}: the NF has ${side(difference.nf)}, the spec ${side(difference.spec)}`;
    }
    case 'index': {
      const { nf, spec, values } = difference;
      // Both sides hold the same key there: name the entry by it, and say only what differs.
      const sameKey = nf.allocated && spec.allocated && nf.key === spec.key;
      const side = (s: IndexSide) => {
        if (!s.allocated) return 'it free';
        const parts = [
          ...(sameKey ? [] : [showValueOf(run, object, s.key)]),
          ...(sameKey && nf.stamp === spec.stamp ? [] : [`stamped ${origin.show(s.stamp)}`]),
          ...(s.value !== null && values && !(sameKey && nf.value === spec.value) ? [`${values} ${showValueOf(run, values, s.value)}`] : []),
        ];
        return parts.join(', ');
      };
      const entry = `${object}, index ${difference.index}${sameKey ? ` (key ${showValueOf(run, object, nf.key)})` : ''}`;
      return `${entry}: the NF has ${side(nf)}, the spec ${side(spec)}`;
    }
  }
}
