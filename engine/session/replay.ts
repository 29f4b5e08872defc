// Replaying a counterexample on the run-time NF: the very .wasm in V8 with libVig's run-time, its state seeded
// through the libVig ABI with the entries the counterexample's model describes, the frame placed flush against
// the end of memory (a read past it traps), run on the replay worker within a time bound. A replay reproduces
// only when the run-time NF shows everything the counterexample claims: the output, the frame's bytes and the
// state after the packet that the counterexample speaks about, or the violation's evidence.
import { HEADER_FIELDS, ipv4ChecksumValid, type Manifest, outputName, showField, showStateValue, specialOutput, TimeOrigin, transportChecksumValid } from '../../nf-abi/index.ts';
import { isSpecObject, objectsOf } from '../contracts/index.ts';
import { type ConcreteEmap, concreteEmap, concreteLpm, concreteVector } from '../ghost/concrete.ts';
import { emapBase, emapExpire, type EmapObject, EmapQueries, rankedAtExpiry } from '../ghost/emap.ts';
import { vectorGet } from '../ghost/vector.ts';
import { finalPacketBytes, INPUT, inputFromModel, type NfExploration } from '../nf/explore-nf.ts';
import { frameHeaders, packetFrame } from '../nf/frame-headers.ts';
import * as T from '../solver/term.ts';
import type { Assignment, Term } from '../solver/term.ts';
import { byteTerm } from '../symbex/memory.ts';
import type { ImportCall } from '../symbex/state.ts';
import { toTerm } from '../symbex/values.ts';
import type { Violation, ViolationEvidence } from '../symbex/violations.ts';
import type { ChtRefinement } from '../validate/cht-refinement.ts';
import type { ObjectSeed, ReplayRequest, StateRead } from './replay-protocol.ts';
import { runOnReplayThread } from './replay-thread.ts';

export interface Replay {
  /** Did the run-time NF show what the counterexample claims (output, frame, state; or the violation's evidence)? */
  reproduced: boolean;
  /** What happened, in words, and what differed from the claim. */
  observed: string;
}

/** A model and the terms it speaks about (a failing spec path's, or a violation's path condition). */
export interface Witness {
  model: Assignment;
  terms: readonly Term[];
  /** A failure's cht choices, made the table's (engine/validate/cht-refinement.ts): the replay's table must make them. */
  cht?: ChtRefinement | null;
}

/** What a trace predicts for a witness's input: trace `trace` of the exploration; `failed` labels a failure's obligations. */
export type TraceClaim = Witness & { trace: number; failed?: readonly string[] };

/** A value of the state after the packet that the claim speaks about, and how to read it on the run-time. */
interface StatePrediction {
  /** What is read, in words (`dyn_emap's key mac("00:11:22:33:44:55")`). */
  what: string;
  read: StateRead;
  predicted: bigint | null;
  /** The part of the value read that the claim speaks about (presence alone, say). */
  project(actual: bigint | null): bigint | null;
  /** A predicted or projected value in words. */
  show(value: bigint | null): string;
}

/**
 * Replays a trace's claim for the witness's input. The output is always compared; the sent frame's header fields
 * and payload bytes, and the state values after the packet, where the claim's terms mention them (the spec
 * compared them, or the path decided on them) or they are constants: values the model fixes.
 */
export function replayTrace(run: NfExploration, claim: TraceClaim): Replay {
  const trace = run.traces[claim.trace]!;
  const mentioned = new Set(T.subterms(claim.terms).keys());
  const predictions = statePredictions(run, claim, mentioned);
  const predictedOutput = T.evaluate(toTerm(trace.results[0]!, 32), claim.model);
  const result = runReplay(run, { ...claim, calls: trace.calls }, predictions.map((p) => p.read), true, false);
  if (result.kind === 'timed-out') return { reproduced: false, observed: `the run-time NF did not return within ${seconds(result.ms)} (it was stopped) where the trace predicts ${outputName(predictedOutput)}` };
  const { outcome, after } = result.answer;
  if (outcome.kind === 'not-run') return { reproduced: false, observed: outcome.message };
  if (outcome.kind !== 'returned') return { reproduced: false, observed: `the run-time NF stopped where the trace predicts ${outputName(predictedOutput)}: ${outcome.kind === 'stopped' ? outcome.message : 'no packet ran'}` };
  if (BigInt.asUintN(32, BigInt(outcome.output)) !== predictedOutput) {
    return { reproduced: false, observed: `the run-time NF returned ${outputName(outcome.output)} where the trace predicts ${outputName(predictedOutput)}` };
  }
  const differences = specialOutput(predictedOutput) === 'DROP' ? [] : frameDifferences(run, claim, outcome.frame, mentioned);
  predictions.forEach((p, i) => {
    const actual = p.project(after[i]!);
    if (actual !== p.predicted) differences.push(`after the packet ${p.what} is ${p.show(actual)} where the trace predicts ${p.show(p.predicted)}`);
  });
  const returned = `the run-time NF returned ${outputName(outcome.output)} as predicted`;
  if (differences.length > 0) return { reproduced: false, observed: `${returned}, but ${differences.join('; ')}` };
  // An index's allocation and its stamp both read "free" when it is: said once.
  const stated = [...new Set(predictions.map((p) => `${p.what}: ${p.show(p.predicted)}`))];
  const compared = stated.length > 0 ? `, and the state after the packet is as predicted (${stated.join('; ')})` : '';
  return { reproduced: true, observed: `${returned}${specialOutput(predictedOutput) === 'DROP' ? '' : ', with the predicted frame'}${compared}` };
}

/** Replays a violation's input and checks its evidence (absent: it stops, or for a hang it does not return). */
export function replayViolation(run: NfExploration, violation: Violation): Replay {
  const evidence: ViolationEvidence = violation.evidence ?? { kind: violation.kind === 'hang' ? 'hangs' : 'stops' };
  const reads = evidenceReads(evidence);
  const inInit = run.initViolations.includes(violation);
  const result = runReplay(run, { model: violation.model, terms: violation.pathCondition, calls: violation.calls }, reads, !inInit, violation.kind === 'out-of-bounds' && !inInit);
  if (result.kind === 'timed-out') {
    const what = `the run-time NF did not return within ${seconds(result.ms)}, the replay's bound, and was stopped`;
    return { reproduced: evidence.kind === 'hangs' && result.runningNf, observed: result.runningNf ? what : `the replay's own work (compiling, seeding) took over ${seconds(result.ms)}` };
  }
  const { outcome, before, after } = result.answer;
  switch (outcome.kind) {
    case 'not-run': return { reproduced: false, observed: outcome.message };
    case 'stopped': {
      const hang = evidence.kind === 'hangs' && outcome.stackOverflow;
      return { reproduced: evidence.kind === 'stops' || hang, observed: `the run-time stopped: ${outcome.message}${hang ? ' (unbounded recursion overflows V8\'s stack)' : ''}` };
    }
    // An emap starts empty: a key nf_init added was absent before it.
    case 'initialised': return evidence.kind === 'adds-key' ? keyAdded(run.build.manifest, evidence, 'nf_init returned', [-1n], after) : { reproduced: false, observed: 'nf_init returned without a fault on the run-time' };
    case 'returned': return returnedEvidence(run.build.manifest, evidence, outcome.output, outcome.frame, before, after);
  }
}

/** What a replay reads before and after the packet to check a violation's evidence. */
function evidenceReads(evidence: ViolationEvidence): StateRead[] {
  switch (evidence.kind) {
    case 'changes': return ['global' in evidence.place ? { kind: 'global', index: evidence.place.global } : { kind: 'memory', ...evidence.place }];
    case 'adds-key': return [{ kind: 'emap-key', handle: evidence.handle, key: littleEndianValue(evidence.key), keyBytes: evidence.key.length }];
    case 'stores-record': return [{ kind: 'vector', handle: evidence.handle, index: evidence.index, recordBytes: evidence.record.length }];
    default: return [];
  }
}

/** Bytes in memory order (a key, a record) as the value libVig compares and reads (a little-endian load). */
const littleEndianValue = (bytes: readonly number[]): bigint => bytes.reduceRight((word, byte) => (word << 8n) | BigInt(byte), 0n);

/** A violation's evidence against a run that returned. */
function returnedEvidence(manifest: Manifest, evidence: ViolationEvidence, output: number, frame: Uint8Array, before: readonly (bigint | null)[], after: readonly (bigint | null)[]): Replay {
  const returned = `the run-time NF returned ${outputName(output)}`;
  switch (evidence.kind) {
    case 'stops':
    case 'hangs': return { reproduced: false, observed: returned };
    case 'returns': return { reproduced: BigInt.asUintN(32, BigInt(output)) === BigInt.asUintN(32, evidence.output), observed: `${returned} (the violation predicts ${outputName(evidence.output)})` };
    case 'changes': {
      const place = 'global' in evidence.place ? `global ${evidence.place.name}` : `the ${evidence.place.bytes} bytes at ${evidence.place.address}`;
      const changed = before[0] !== after[0];
      return { reproduced: changed, observed: `${returned} and ${changed ? `changed ${place} from ${before[0]} to ${after[0]}` : `left ${place} at ${before[0]}`}` };
    }
    case 'bad-checksum': {
      const header = evidence.header === 'ipv4' ? 'IPv4 header' : 'TCP/UDP';
      if (specialOutput(output) === 'DROP') return { reproduced: false, observed: returned };
      const valid = evidence.header === 'ipv4' ? ipv4ChecksumValid(frame) : transportChecksumValid(frame);
      const words = valid === null ? `a frame without a whole ${header}` : `a frame whose ${header} checksum is ${valid ? 'valid' : 'invalid'}`;
      return { reproduced: valid === false, observed: `${returned} with ${words}` };
    }
    case 'adds-key': return keyAdded(manifest, evidence, returned, before, after);
    case 'stores-record': {
      const record = littleEndianValue(evidence.record);
      const shown = (value: bigint | null | undefined) => (value === null || value === undefined ? 'nothing' : showStateValue(manifest, evidence.object, value));
      return {
        reproduced: after[0] === record,
        observed: `${returned}; ${evidence.object}[${evidence.index}] holds ${shown(after[0])} after the packet (the violation predicts ${shown(record)})`,
      };
    }
  }
}

/** The key the evidence names is absent before the run and present after it. */
function keyAdded(manifest: Manifest, evidence: Extract<ViolationEvidence, { kind: 'adds-key' }>, returned: string, before: readonly (bigint | null)[], after: readonly (bigint | null)[]): Replay {
  const where = (index: bigint | null | undefined) => (index === -1n ? 'absent' : `at index ${index}`);
  return {
    reproduced: before[0] === -1n && after[0] !== -1n,
    observed: `${returned}; ${evidence.object}'s key ${showStateValue(manifest, evidence.object, littleEndianValue(evidence.key))} was ${where(before[0])} before and is ${where(after[0])} after`,
  };
}

/** Builds the request (the state the witness gives every object nf_process may change) and runs it on the worker. */
function runReplay(run: NfExploration, witness: Witness & { calls: readonly ImportCall[] }, reads: StateRead[], withPacket: boolean, checkRegions: boolean) {
  const { model, terms, calls } = witness;
  const within = [...T.subterms(terms).values()];
  const seeds = run.objects.flatMap((object, handle): ObjectSeed[] => {
    if (object.kind === 'cht') {
      const choices = witness.cht?.outcome === 'table' ? witness.cht.choices.filter((choice) => choice.handle === handle) : [];
      return [{ kind: 'cht', handle, height: object.height, capacity: object.capacity, choices }];
    }
    // A fixed object starts every packet as nf_init left it: the run-time's copy already is.
    if (object.fixed) return [];
    const { name, capacity } = object;
    if (object.kind === 'emap') {
      const add = calls.find((call) => call.name === 'emap_add' && call.args[0] === handle)?.results[0];
      const addIndex = add === undefined ? null : Number(BigInt.asIntN(32, T.evaluate(toTerm(add, 32), model)));
      const seeded = withExpiry(object.version.object, concreteEmap(name, object.keyBytes * 8, capacity, terms, model), calls.filter((call) => call.args[0] === handle), within, model);
      return [{ kind: 'emap', handle, name, capacity, keyBytes: object.keyBytes, ...seeded, addIndex: addIndex !== null && addIndex >= 0 ? addIndex : null }];
    }
    if (object.kind === 'vector') return [{ kind: 'vector', handle, capacity, recordBytes: object.recordBytes, records: [...concreteVector(name, object.recordBytes * 8, terms, model)] }];
    // An lpm: only the NF's own lookups decide what the packet does; the base a model gives the spec's or a claim's
    // addresses need not agree with one table (its lookups are uninterpreted per address).
    const looked = calls.filter((call) => call.name === 'lpm_lookup' && call.args[0] === handle).map((call) => T.evaluate(toTerm(call.args[1]!, 32), model));
    return [{ kind: 'lpm', handle, rules: concreteLpm(name, looked, model) }];
  });
  const input = inputFromModel(model);
  const request: ReplayRequest = {
    nf: { hash: run.build.hash, wasm: run.build.wasm, manifest: run.build.manifest },
    seeds,
    input: withPacket ? { device: input.device, packet: input.packet, now: input.now } : null,
    reads,
    checkRegions,
  };
  return runOnReplayThread(request);
}

/**
 * The packet's first change to an emap, when it is an expiry whose count the claim speaks of: its time, and the
 * entries it removes. The theory ranks each entry the NF's path names through that expiry among those it removes
 * or keeps (engine/ghost/emap.ts, expiryCounts), so their stamps say which; the other entries (named only through
 * the spec's own expiries, or by no one) are free as far as the NF can tell (stamps are never read back) and make
 * up the number the model's count removes: placeholders first, then named entries re-stamped.
 */
function withExpiry(object: EmapObject, state: ConcreteEmap, calls: readonly ImportCall[], within: readonly Term[], model: Assignment): Pick<Extract<ObjectSeed, { kind: 'emap' }>, 'state' | 'expiry'> {
  const first = calls.find((call) => ['emap_add', 'emap_refresh', 'emap_erase', 'emap_expire'].includes(call.name));
  const before = model.scalars.get(`${object.name}.count`);
  if (first?.name !== 'emap_expire' || before === undefined) return { state, expiry: null };
  const threshold = toTerm(first.args[1]!, 64);
  const expired = emapExpire(emapBase(object), threshold);
  const after = new EmapQueries({ now: INPUT.now }, []).count(expired);
  if (!within.includes(after)) return { state, expiry: null };
  const time = BigInt.asIntN(64, T.evaluate(threshold, model));
  const ranked = new Set(rankedAtExpiry(expired, within).map((index) => Number(T.evaluate(index, model))));
  const present = state.entries.filter((e) => e.present);
  let removed = Number(before - T.evaluate(after, model)) - present.filter((e) => ranked.has(e.index) && BigInt.asIntN(64, e.stamp) < time).length;
  const fillers = Math.min(Math.max(0, removed), Math.max(0, Number(before) - present.length));
  removed -= fillers;
  const now = T.evaluate(INPUT.now, model);
  const entries = state.entries.map((e) => {
    if (!e.present || ranked.has(e.index)) return e;
    // Their stamps are the model's defaults, never bounded by the packet's time: given anew.
    return { ...e, stamp: removed-- > 0 ? 0n : now };
  });
  return { state: { ...state, entries }, expiry: { time, fillers } };
}

/**
 * The sent frame against the trace's final frame: each header field (shown as the spec sees it) and each payload
 * byte that the claim mentions or that is a constant.
 */
function frameDifferences(run: NfExploration, claim: TraceClaim, sent: Uint8Array, mentioned: ReadonlySet<number>): string[] {
  const packet = run.traces[claim.trace]!.final.packet!;
  const { model } = claim;
  const predicted = finalPacketBytes(packet, sent.length, model);
  const known = (t: Term) => T.isConst(t) || mentioned.has(t.id);
  const byteKnown = (i: number) => known(byteTerm(packet.read(i)));
  const differences: string[] = [];
  const inHeaders = new Set<number>();
  for (const header of frameHeaders(packetFrame(packet), INPUT.length)) {
    if (T.evaluate(header.present, model) !== 1n) continue;
    const offset = Number(T.evaluate(header.offset, model));
    for (const [name, at, size, notation] of HEADER_FIELDS[header.protocol]) {
      const bytes = Array.from({ length: size }, (_, i) => offset + at + i);
      // The tcp view holds tcpudp's ports again: each byte is compared once.
      if (bytes.every((i) => inHeaders.has(i))) continue;
      bytes.forEach((i) => inHeaders.add(i));
      if (!known(header.fields[name]!) && !bytes.some(byteKnown)) continue;
      const actual = bytes.map((i) => sent[i]!);
      const expected = bytes.map((i) => predicted[i]!);
      if (actual.some((b, i) => b !== expected[i])) differences.push(`sent ${header.protocol}.${name} ${showField(notation, actual)} where the trace predicts ${showField(notation, expected)}`);
    }
  }
  const payload = [...sent.keys()].filter((i) => !inHeaders.has(i) && byteKnown(i) && sent[i] !== predicted[i]);
  differences.push(...payload.slice(0, MAX_BYTES_SHOWN).map((i) => `sent payload byte ${i} as ${sent[i]} where the trace predicts ${predicted[i]}`));
  if (payload.length > MAX_BYTES_SHOWN) differences.push(`${payload.length - MAX_BYTES_SHOWN} more payload bytes differ`);
  return differences;
}

const MAX_BYTES_SHOWN = 4;


/**
 * The state after the packet that the claim speaks about: for each object the spec compared, its entries at the
 * key and index the model chose (`<name>.any_key`, `<name>.any_index`) and its count, as the NF's final version
 * predicts them, where the claim's terms mention them. Time stamps cannot be read through libVig's ABI.
 */
function statePredictions(run: NfExploration, claim: TraceClaim, mentioned: ReadonlySet<number>): StatePrediction[] {
  const { model } = claim;
  const value = (t: Term) => T.evaluate(t, model);
  const queries = new EmapQueries({ now: INPUT.now }, []);
  const origin = new TimeOrigin(BigInt.asIntN(64, value(INPUT.now)));
  const predictions: StatePrediction[] = [];
  const shown = (object: string, v: bigint) => showStateValue(run.build.manifest, object, v);
  for (const object of objectsOf(run.traces[claim.trace]!.final).filter(isSpecObject)) {
    const { name, capacity } = object;
    const handle = run.objects.findIndex((o) => o.name === name);
    const indexVariable = T.variable(`${name}.any_index`, 32);
    const index = mentioned.has(indexVariable.id) && value(indexVariable) < BigInt(capacity) ? Number(value(indexVariable)) : null;
    if (object.kind === 'vector') {
      const record = vectorGet(object.version, indexVariable, []);
      if (index === null || !mentioned.has(record.id)) continue;
      predictions.push({ what: `${name}[${index}]`, read: { kind: 'vector', handle, index, recordBytes: object.recordBytes }, predicted: value(record), project: (v) => v, show: (v) => shown(name, v!) });
      continue;
    }
    const { keyBytes, version } = object;
    const keyVariable = T.variable(`${name}.any_key`, keyBytes * 8);
    const has = queries.has(version, keyVariable);
    if (mentioned.has(keyVariable.id) && mentioned.has(has.id)) {
      const key = value(keyVariable);
      const indexOf = queries.index(version, keyVariable);
      const withIndex = mentioned.has(indexOf.id);
      predictions.push({
        what: `${name}'s key ${shown(name, key)}`,
        read: { kind: 'emap-key', handle, key, keyBytes },
        predicted: value(has) !== 1n ? -1n : withIndex ? value(indexOf) : 0n,
        // Without the index in the claim, only presence is compared.
        project: (v) => (withIndex || v! < 0n ? v : 0n),
        show: (v) => (v! < 0n ? 'absent' : withIndex ? `at index ${v}` : 'present'),
      });
    }
    const allocated = queries.allocated(version, indexVariable);
    if (index !== null && mentioned.has(allocated.id)) {
      const keyAt = queries.keyOf(version, indexVariable);
      const withKey = mentioned.has(keyAt.id);
      predictions.push({
        what: `${name}'s index ${index}`,
        read: { kind: 'emap-index', handle, index, keyBytes },
        predicted: value(allocated) !== 1n ? null : withKey ? value(keyAt) : 0n,
        project: (v) => (withKey || v === null ? v : 0n),
        show: (v) => (v === null ? 'free' : withKey ? `holding key ${shown(name, v)}` : 'allocated'),
      });
    }
    const stamp = queries.stamp(version, indexVariable);
    if (index !== null && mentioned.has(stamp.id)) {
      predictions.push({
        what: `${name}'s index ${index}`,
        read: { kind: 'emap-stamp', handle, index },
        predicted: value(queries.allocated(version, indexVariable)) !== 1n ? null : BigInt.asIntN(64, value(stamp)),
        project: (v) => v,
        show: (v) => (v === null ? 'free' : `stamped ${origin.show(v)}`),
      });
    }
    const count = queries.count(version);
    if (mentioned.has(count.id)) {
      predictions.push({ what: `${name}'s number of entries`, read: { kind: 'emap-count', handle }, predicted: value(count), project: (v) => v, show: (v) => String(v) });
    }
  }
  return predictions;
}

const seconds = (ms: number) => `${ms / 1000} s`;
