// Checking one spec against every trace of an NF: for each trace, every feasible spec path (depth-first, by
// re-running the spec), and for each path its obligations, discharged by Z3. Under the I/O loop, also the
// stack's iteration that received no packet (`a_packet_received` false).
import { isSpecObject, objectsOf, packetStart, type SpecObject } from '../contracts/index.ts';
import { EmapQueries, type EmapVersion, type GhostClock } from '../ghost/emap.ts';
import { lpmBase, lpmMatch, type LpmVersion } from '../ghost/lpm.ts';
import { vectorGet, type VectorVersion } from '../ghost/vector.ts';
import * as T from '../solver/term.ts';
import type { Assignment, Term } from '../solver/term.ts';
import type { Solver } from '../solver/z3.ts';
import { wishedModel } from '../solver/wishes.ts';
import type { AnalyzedSpec, MappedLocation, SourceLocation } from '../spec/frontend/index.ts';
import { specPython } from '../spec/python.ts';
import { specTextLine, statementSpecBody } from '../spec/rewrite.ts';
import type { Trace } from '../symbex/explore.ts';
import { INPUT, type NfExploration } from '../nf/explore-nf.ts';
import { readableWishes } from '../nf/input.ts';
import { applySharedHash, sharedHashRecords } from '../nf/shared-hash.ts';
import { toTerm } from '../symbex/values.ts';
import { EngineError, Interrupted, type Watch } from '../symbex/violations.ts';
import { arrayFrame, fixedIhl, type FrameBytes, frameHeaders, packetFrame } from '../nf/frame-headers.ts';
import { type Obligation, outcomeObligations, type RecordField, stateObligations } from './obligations.ts';
import { DROP, fieldBytes, FLOOD, type Protocol, type RecordField as ManifestField } from '../../nf-abi/index.ts';
import { type Alternative, Handles, InfeasiblePath, SpecPath, type ValueView } from './spec-path.ts';
import { type ChtRefinement, refineChtChoices } from './cht-refinement.ts';

export interface Failure {
  /** Index of the NF trace (0-based); for an iteration without a packet, the trace whose objects it names. */
  trace: number;
  /** A packet's trace, or the stack's iteration that received none (the NF not called: it sent nothing, changed nothing). */
  iteration: 'packet' | 'no packet';
  /** What the spec path required that the NF did not do (labels of the failed obligations), or the failed assert. */
  failed: string[];
  model: Assignment;
  /** The failing path's condition and facts: the terms the model speaks about. */
  terms: Term[];
  /** Where in the spec (file and line, through imports): the failing `assert`, or the `return` whose claim fails. */
  specLine: SourceLocation | null;
  /** Where the spec path decided something. */
  specDecisionLines: SourceLocation[];
  /** The NF's output on this input (a device, DROP or FLOOD) and what the spec claimed. */
  nfOutput: bigint;
  specPorts: bigint[] | 'any' | null;
  /** The spec path stopped on what it cannot do there (a read of what the NF did not send, a value that does not fit where it is stored): `failed` says what. */
  stopped?: true;
  /** Where the NF's state after the packet and the spec's differ on this model: the entry, and what each side has. */
  differences: StateDifference[];
  /** The cht choices the model relies on, made the real table's (null: it relies on none). */
  cht: ChtRefinement | null;
}

/** An emap key as one side has it after the packet: present (at an index) or not. */
export interface KeySide { present: boolean; index: number }
/** An emap index as one side has it: allocated to a key (stamped, with a value when the emap has a values vector) or free. */
export interface IndexSide { allocated: boolean; key: bigint; stamp: bigint; value: bigint | null }

/** One entry (or the count) on which the two final states differ. */
export type StateDifference =
  | { object: string; kind: 'key'; key: bigint; nf: KeySide; spec: KeySide }
  | { object: string; kind: 'index'; index: number; values: string | null; nf: IndexSide; spec: IndexSide }
  | { object: string; kind: 'count'; nf: number; spec: number }
  | { object: string; kind: 'record'; index: number; nf: bigint; spec: bigint };

export interface SpecCheck {
  verdict: 'holds' | 'fails';
  traces: number;
  specPaths: number;
  queries: number;
  seconds: number;
  /** The longest one Z3 query took (seconds): a spec that is slow to check is usually slow in one or two. */
  slowestQuery: number;
  failures: Failure[];
  /** The spec run with `a_packet_received` false (null: nothing to say, a spec that never names it at the NF layer). */
  noPacket: NoPacketCheck;
}

/**
 * `checked`: against the I/O loop's iteration that received no packet; `not at these layers`: the layers hold no
 * I/O loop, so no such iteration, and the spec's branch for it was not run; `function dialect`: a `spec(packet,
 * ...)` function speaks of one packet, and claims nothing where there is none.
 */
export type NoPacketCheck = 'checked' | 'not at these layers' | 'function dialect' | null;

/**
 * Where a spec raised: the NF trace and an input that takes the spec path that raised (an exception that only some
 * paths meet, such as `packet.ipv4.ttl` on a frame without IPv4, is found by its input).
 */
export interface RaisedOn {
  trace: number;
  iteration: Failure['iteration'];
  model: Assignment;
  /** What the NF did with that input (a device, DROP or FLOOD). */
  nfOutput: bigint;
}

/** The spec raised a Python exception (a type error, a name that does not exist at run time, ...). */
export class SpecRuntimeError extends Error {
  constructor(readonly location: MappedLocation | null, readonly reason: string, readonly raisedOn: RaisedOn) {
    super(location ? `${location.file}:${location.line}: ${reason}` : reason);
  }
}

/** The spec's run was stopped (its time or memory limit, or it crashed the interpreter): no verdict either way. */
export class SpecStopped extends Error {
  constructor(readonly location: MappedLocation | null, readonly reason: string) {
    super(location ? `${reason} at ${location.file}:${location.line}` : reason);
  }
}

interface PathOutcome {
  kind: 'end' | 'pass' | 'return' | 'assert' | 'error' | 'limit';
  line?: number | null;
  /** An error's or a stopped run's reason; an `assert` outcome's failed claim when it is no assert of the spec. */
  message?: string;
  ports?: number[] | 'any';
  headers?: { protocol: Protocol; fields: Record<string, number | 'any'> }[];
  /** The header list ended with `...`: any payload. */
  anyPayload?: boolean;
  /** An `error` outcome's name that was not bound (a NameError): where on its line the error points. */
  name?: string;
}

/**
 * `ioLoop`: the layers put the NF under the stack's I/O loop (engine/stack: pollsWithoutPackets), whose iterations
 * may receive no packet; the spec is then also run with `a_packet_received` false, against such an iteration.
 */
export async function checkSpec(nf: NfExploration, spec: AnalyzedSpec, solver: Solver, options: Watch & { maxFailures?: number; ioLoop?: boolean } = {}): Promise<SpecCheck> {
  const started = performance.now();
  const queriesBefore = solver.figures.queries;
  const timingsBefore = solver.figures.timings.length;
  const body = spec.dialect === 'function' ? spec.text : statementSpecBody(spec.text);
  const python = (await specPython()).property(spec.dialect, body);
  // Python gives lines only: the column is where the statement on that line starts, or where the name a NameError
  // names first stands on it as a name (not an attribute, nor part of a longer name).
  const specLines = spec.text.split('\n');
  const lineOf = (line: number | null | undefined, name?: string): MappedLocation | null => {
    if (!line) return null;
    const textLine = spec.dialect === 'function' ? line : specTextLine(line);
    const text = specLines[textLine - 1] ?? '';
    const named = name === undefined ? null : new RegExp(`(?<![\\p{L}\\p{N}_.])${name}(?![\\p{L}\\p{N}_])`, 'u').exec(text);
    return spec.positions.locateLine(textLine, (named ? named.index : /^\s*/.exec(text)![0].length) + 1);
  };
  const failures: Failure[] = [];
  // Failures that rely on a cht choice the NF's own table never makes: they fail the property (the contract is
  // what is verified) but cannot be replayed, so the search goes on for one that can, and shows these only if none.
  const neverShown: Failure[] = [];
  const maxFailures = options.maxFailures ?? 1;
  let specPaths = 0;
  /** Every feasible spec path of one iteration (trace `traceIndex`'s, or one without a packet), each judged. */
  const checkIteration = (context: TraceContext, traceIndex: number) => {
    const pending: Alternative[] = [{ prefix: [], model: context.startModel }];
    while (pending.length > 0 && failures.length < maxFailures) {
      if (options.shouldStop?.()) throw new Interrupted();
      const alternative = pending.pop()!;
      const path = context.path(solver, alternative);
      let output: string | null = null;
      try {
        output = python.run(path, context.inputs);
      } catch (e) {
        path.hostError ??= e;
      }
      if (path.hostError instanceof InfeasiblePath) continue;
      if (path.hostError) throw path.hostError;
      const result = JSON.parse(output!) as { outcome: PathOutcome; nodes: (string | number)[][] };
      path.ingest(JSON.stringify(result.nodes));
      pending.push(...path.alternatives);
      specPaths++;
      const { outcome } = result;
      if (outcome.kind === 'error') {
        const model = readableModel(solver, path.pathCondition)?.model ?? path.model;
        const raisedOn = { trace: traceIndex, iteration: context.iteration, model, nfOutput: T.evaluate(context.output, model) };
        throw new SpecRuntimeError(lineOf(outcome.line, outcome.name), outcome.message ?? 'the spec failed', raisedOn);
      }
      if (outcome.kind === 'limit') throw new SpecStopped(lineOf(outcome.line), outcome.message ?? 'the spec was stopped');
      const failure = context.judge(solver, path, outcome, spec.stateObjects);
      if (!failure) continue;
      const found = { ...failure, trace: traceIndex, iteration: context.iteration, specLine: lineOf(outcome.line), specDecisionLines: path.decisionLines.map((line) => lineOf(line)).filter((l): l is MappedLocation => l !== null) };
      if (failure.cht?.outcome !== 'never-shown') failures.push(found);
      else if (neverShown.length < maxFailures) neverShown.push(found);
    }
  };
  for (const [traceIndex, trace] of nf.traces.entries()) {
    options.progress?.({ phase: 'check', done: traceIndex, total: nf.traces.length, detail: `${specPaths} spec paths` });
    checkIteration(new TraceContext(nf, trace, solver, 'packet'), traceIndex);
  }
  const noPacket = noPacketCheck(spec, options.ioLoop === true);
  // Every trace starts from the same objects: the first one's name them.
  if (noPacket === 'checked' && nf.traces.length > 0) checkIteration(new TraceContext(nf, nf.traces[0]!, solver, 'no packet'), 0);
  return {
    verdict: failures.length + neverShown.length === 0 ? 'holds' : 'fails',
    traces: nf.traces.length,
    specPaths,
    queries: solver.figures.queries - queriesBefore,
    seconds: (performance.now() - started) / 1000,
    slowestQuery: Math.max(0, ...solver.figures.timings.slice(timingsBefore)),
    failures: failures.length > 0 ? failures : neverShown,
    noPacket,
  };
}

function noPacketCheck(spec: AnalyzedSpec, ioLoop: boolean): NoPacketCheck {
  if (ioLoop && spec.dialect === 'statement') return 'checked';
  if (!/\ba_packet_received\b/.test(spec.text)) return null;
  return ioLoop ? 'function dialect' : 'not at these layers';
}

/** What an iteration without a packet assumes: only that its clock reading is a time libVig holds. */
const NO_PACKET_CONDITION = [T.compare('sle', T.bv(0, 64), INPUT.now)];

/**
 * What every spec path of one trace shares: the inputs Python sees, the NF's final state and output. For the
 * stack's iteration that received no packet (`iteration` 'no packet'), the NF was not called: the loop proves it
 * calls nf_process only with a frame a device received, and sends only what nf_process returned
 * (stack-models/delivery.ts), so nothing is sent and every object ends as the iteration found it; the clock was
 * read (any time), and the packet's inputs and headers do not exist.
 */
class TraceContext {
  readonly handles = new Handles();
  readonly inputs: Record<string, unknown>;
  readonly objects: Map<string, SpecObject>;
  /** The cht tables (read only: no import changes one), which specs pass to an emap's `choose_with_cht`. */
  private readonly chts: Map<string, { name: string; capacity: number }>;
  readonly clock: GhostClock = { now: INPUT.now };
  readonly output: Term;
  private readonly startVersions: Map<string, EmapVersion | VectorVersion>;
  /** Each lpm table as the packet finds it (nf_init's rules when no path changes it) and as the NF leaves it. */
  private readonly lpms: Map<string, { start: LpmVersion; final: LpmVersion }>;
  private readonly valueViews = new Map<string, ValueView>();
  /** Each object's record fields (a vector's records are compared field by field). */
  private readonly recordFields: Map<string, RecordField[]>;

  /** The IHL of the input and of the frame sent, where the trace fixes it (frame-headers.ts: fixedIhl). */
  private readonly ihl: { input?: number; final?: number };

  constructor(
    private readonly nf: NfExploration,
    private readonly trace: Trace,
    solver: Solver,
    readonly iteration: Failure['iteration'],
  ) {
    const { manifest } = nf.build;
    const received = iteration === 'packet';
    this.output = received ? toTerm(trace.results[0]!, 32) : T.bv(DROP, 32);
    const found = (o: SpecObject): SpecObject => (received ? o : ({ ...o, version: packetStart(o) } as SpecObject));
    this.objects = new Map(objectsOf(trace.final).filter(isSpecObject).map((o) => [o.name, found(o)]));
    this.chts = new Map(objectsOf(trace.final).flatMap((o) => (o.kind === 'cht' ? [[o.name, o] as const] : [])));
    this.recordFields = new Map([...this.objects.keys()].map((name) => {
      const record = manifest.state.find((s) => s.name === name)?.record;
      return [name, record ? layout(manifest.records[record]!).map(([field, offset, bits]) => [field, offset * 8, bits] as const) : []];
    }));
    this.startVersions = new Map([...this.objects].map(([name, o]) => [name, packetStart(o)]));
    this.lpms = new Map(objectsOf(trace.final).flatMap((o) => {
      if (o.kind !== 'lpm') return [];
      const start = o.fixed ? o.version : lpmBase(o.version.object);
      return [[o.name, { start, final: received ? o.version : start }] as const];
    }));
    const input = arrayFrame(INPUT.packet);
    const ihl = received ? fixedIhl(solver, trace.pathCondition, trace.model, input) : undefined;
    this.ihl = { input: ihl, final: ihl === undefined ? undefined : fixedIhl(solver, trace.pathCondition, trace.model, input, this.finalFrame()) };
    // No packet, no headers: each pop_header returns its on_mismatch.
    const headers = received ? frameHeaders(input, INPUT.length, this.ihl.input) : [];
    const view = (h: (typeof headers)[number]) => ({
      protocol: h.protocol,
      present: this.handles.add(h.present),
      fields: Object.fromEntries(Object.entries(h.fields).map(([name, value]) => [name, this.handles.add(value)])),
    });
    const allocated = trace.calls.find((c) => c.name === 'emap_add' && typeof c.results[0] === 'object');
    // The bounds every trace assumes of its inputs (explore-nf.ts): time is never negative. Without a packet, the
    // packet's inputs are null: the prelude makes any use of them a spec error.
    this.inputs = {
      received,
      now: this.handles.add(INPUT.now, [0n, 2n ** 63n - 1n]),
      received_on_port: received ? this.handles.add(INPUT.device, [0n, BigInt(manifest.devices - 1)]) : null,
      packet_size: received ? this.handles.add(INPUT.length, [BigInt(manifest.frame.min), BigInt(manifest.frame.max)]) : null,
      the_index_allocated: received ? this.handles.add(allocated ? (allocated.results[0] as Term) : T.variable('the_index_allocated', 32)) : null,
      headers: headers.map(view),
      records: Object.fromEntries(Object.entries(manifest.records).map(([name, fields]) => [name, layout(fields)])),
      state: Object.fromEntries([...this.objects].map(([name, o]) => {
        const declared = manifest.state.find((s) => s.name === name);
        const bits = o.kind === 'emap' ? o.keyBytes * 8 : o.recordBytes * 8;
        const valueRecord = declared?.values ? manifest.state.find((s) => s.name === declared.values)?.record : undefined;
        if (declared?.values) {
          const fields = valueRecord ? layout(manifest.records[valueRecord]!) : [];
          this.valueViews.set(name, { vector: declared.values, field: fields.length === 1 ? { low: 0, bits: fields[0]![2], signed: fields[0]![3] } : null });
        }
        // The record type a value reads as in Python, when the value is a whole record of several fields.
        const valueAsRecord = declared?.values && this.valueViews.get(name)!.field === null ? valueRecord ?? null : null;
        return [name, [o.kind, bits, declared?.record ?? null, valueAsRecord]];
      }).concat([...this.lpms.keys()].map((name) => [name, ['lpm', 32, null, null]]), [...this.chts.keys()].map((name) => [name, ['cht', 0, null, null]]))),
      hashes: sharedHashRecords(nf.build),
      tables: Object.fromEntries(Object.entries(manifest.tables ?? {}).map(([name, table]) => [name, table.rows])),
      // Decimal strings: exact above 2^53 (a u64), where JSON numbers lose digits.
      config: Object.fromEntries(Object.entries(manifest.config).map(([key, entry]) => [key, String(entry.value)])),
    };
  }

  /** Where the first spec path starts: the trace's model, which also satisfies the no-packet condition (a time not below 0). */
  get startModel(): Assignment {
    return this.trace.model;
  }

  path(solver: Solver, alternative: Alternative): SpecPath {
    return new SpecPath(solver, this.handles, this.objects, this.clock, this.valueViews, {
      received: this.iteration === 'packet',
      pathCondition: this.iteration === 'packet' ? this.trace.pathCondition : NO_PACKET_CONDITION,
      alternative,
      versions: this.startVersions,
      lpms: new Map([...this.lpms].map(([name, { start }]) => [name, start])),
    }, { transmitted: (path) => this.transmitted(path), devices: (path) => this.sentDevices(path) ?? [] }, {
      chts: this.chts,
      hash: (record, fields) => applySharedHash(this.nf.build, solver, record, fields),
    });
  }

  /** The devices the frame leaves on, decided on this path: null when dropped, all but the input one, or one. */
  private sentDevices(path: SpecPath): Term[] | null {
    if (path.decideTerm(T.eq(this.output, T.bv(DROP, 32)))) return null;
    if (!path.decideTerm(T.eq(this.output, T.bv(FLOOD, 32)))) return [this.output];
    const sent: Term[] = [];
    for (let j = 0; j < this.nf.build.manifest.devices; j++) if (path.decideTerm(T.not(T.eq(INPUT.device, T.bv(j, 32))))) sent.push(T.bv(j, 32));
    return sent;
  }

  /** The function dialect's transmitted_packet: null when dropped, else the devices and the headers sent. */
  private transmitted(path: SpecPath): unknown {
    const sent = this.sentDevices(path);
    if (sent === null) return null;
    const headers = frameHeaders(this.finalFrame(), INPUT.length, this.ihl.final).filter((h) => path.decideTerm(h.present));
    return {
      devices: sent.map((d) => this.handles.add(d)),
      headers: headers.map((h) => ({ protocol: h.protocol, fields: Object.fromEntries(Object.entries(h.fields).map(([n, v]) => [n, this.handles.add(v)])) })),
    };
  }

  /** The frame offsets the NF wrote (null once it wrote at a computed offset): the only bytes that can differ from the input's. */
  private written(): number[] | null {
    if (this.iteration === 'no packet') return [];
    const { cells, chain } = this.trace.final.packet!.snapshot();
    return chain === null ? cells.map(([offset]) => offset) : null;
  }

  private finalFrame(): FrameBytes {
    return this.iteration === 'packet' ? packetFrame(this.trace.final.packet!) : arrayFrame(INPUT.packet);
  }

  /** The path's obligations; a failure when they can be broken on this path. */
  judge(solver: Solver, path: SpecPath, outcome: PathOutcome, compared: string[]): Omit<Failure, 'trace' | 'iteration' | 'specLine' | 'specDecisionLines'> | null {
    const nfOutput = (model: Assignment) => T.evaluate(this.output, model);
    if (outcome.kind === 'assert') {
      // The path reached a failing assert, or a value that cannot be what the spec makes of it (`message`: one that
      // does not fit where it is stored, a division by zero), and every decision on it is feasible: the counterexample.
      const { model, facts: chosen, cht } = failureModel(solver, this.trace, path.pathCondition, path.model);
      return { failed: [outcome.message ?? 'assert'], ...(outcome.message ? { stopped: true as const } : {}), model, terms: [...path.pathCondition, ...chosen], nfOutput: nfOutput(model), specPorts: null, differences: [], cht };
    }
    if (outcome.kind === 'pass') return null;
    const obligations: Obligation[] = [];
    const facts: Term[] = [];
    let ports: Term[] | 'any' | null = null;
    if (outcome.kind === 'return') {
      ports = outcome.ports === 'any' ? 'any' : outcome.ports!.map((i) => path.term(i));
      const headers = outcome.headers!.map((h) => ({
        protocol: h.protocol,
        fields: Object.fromEntries(Object.entries(h.fields).map(([name, i]) => [name, i === 'any' ? ('any' as const) : path.term(i)])),
      }));
      obligations.push(...outcomeObligations({ ports, headers, anyPayload: outcome.anyPayload === true }, {
        output: this.output, device: INPUT.device, devices: this.nf.build.manifest.devices, inputFrame: arrayFrame(INPUT.packet), finalFrame: this.finalFrame(), length: INPUT.length, ihl: this.ihl, written: this.written(),
      }));
    }
    for (const name of compared.filter((n) => this.lpms.has(n))) {
      // Specs only read lpm tables: importing one claims the NF leaves every address's match as it was.
      const { start, final } = this.lpms.get(name)!;
      const address = T.variable(`${name}.any_address`, 32);
      obligations.push({ label: `${name}: the longest match of some address`, term: T.eq(lpmMatch(final, address, facts).value, lpmMatch(start, address, facts).value) });
    }
    // A cht never changes (no libVig call does): importing one claims nothing more.
    for (const name of compared.filter((n) => !this.lpms.has(n) && !this.chts.has(n))) {
      const object = this.objects.get(name);
      if (!object) throw new EngineError(`the spec imports ${name}, which the NF never allocated`);
      const values = this.valueViews.get(name)?.vector;
      const sides = (o: SpecObject) => ({ object: o, nf: o.version, spec: path.versions.get(o.name)!, fields: this.recordFields.get(o.name)! });
      obligations.push(...stateObligations(sides(object), values ? sides(this.objects.get(values)!) : null, this.clock, facts));
    }
    const all = T.and(...obligations.map((o) => o.term));
    if (all === T.TRUE) return null;
    const answer = solver.check([...path.pathCondition, ...facts], T.not(all), path.model);
    if (answer.status === 'unknown') throw new EngineError(`the solver gave up on an obligation: ${answer.reason}`);
    if (answer.status === 'unsat') return null;
    const broken = [...path.pathCondition, ...facts, T.not(all)];
    // A model where an entry differs names it; a count that differs alone names none.
    const entries = this.entriesDiffer(path, compared, facts);
    const { model, facts: chosen, cht } = failureModel(solver, this.trace, broken, answer.model, entries);
    const failed = [...new Set(obligations.filter((o) => T.evaluate(o.term, model) !== 1n).map((o) => o.label))];
    const specPorts = ports === null || ports === 'any' ? ports : ports.map((p) => T.evaluate(p, model));
    const differences = this.differences(path, compared, model);
    return { failed, model, terms: [...path.pathCondition, ...facts, ...chosen, ...obligations.map((o) => o.term)], nfOutput: nfOutput(model), specPorts, differences, cht };
  }

  /** The two sides of each compared object at the fresh key and index the state obligations speak of. */
  private sides(path: SpecPath, compared: string[], facts: Term[]) {
    const q = new EmapQueries(this.clock, facts);
    return compared.filter((name) => this.objects.has(name)).map((name) => {
      const object = this.objects.get(name)!;
      const i = T.variable(`${name}.any_index`, 32);
      const inRange = T.compare('ult', i, T.bv(object.capacity, 32));
      if (object.kind === 'vector') {
        const record = (v: VectorVersion) => vectorGet(v, i, facts);
        return { name, kind: 'vector' as const, i, inRange, nf: record(object.version), spec: record(path.versions.get(name) as VectorVersion) };
      }
      const k = T.variable(`${name}.any_key`, object.keyBytes * 8);
      const values = this.valueViews.get(name)?.vector ?? null;
      const key = (v: EmapVersion) => ({ present: q.has(v, k), index: q.index(v, k) });
      const index = (v: EmapVersion, vector: VectorVersion | null) => ({ allocated: q.allocated(v, i), key: q.keyOf(v, i), stamp: q.stamp(v, i), value: vector ? vectorGet(vector, i, facts) : null });
      const nf = object.version;
      const spec = path.versions.get(name) as EmapVersion;
      const vectors = values ? [this.objects.get(values)!.version as VectorVersion, path.versions.get(values) as VectorVersion] : [null, null];
      return {
        name, kind: 'emap' as const, k, i, inRange, values,
        key: { nf: key(nf), spec: key(spec) },
        index: { nf: index(nf, vectors[0]!), spec: index(spec, vectors[1]!) },
        count: { nf: q.count(nf), spec: q.count(spec) },
      };
    });
  }

  /** That some entry of a compared object differs (a key's presence or index, an index's key or value), or null. */
  private entriesDiffer(path: SpecPath, compared: string[], facts: Term[]): Term | null {
    const differ = (a: Term, b: Term) => T.not(T.eq(a, b));
    const terms = this.sides(path, compared, facts).flatMap((s) => {
      if (s.kind === 'vector') return [T.and(s.inRange, differ(s.nf, s.spec))];
      const { nf, spec } = s.index;
      return [
        differ(s.key.nf.present, s.key.spec.present),
        T.and(s.key.nf.present, differ(s.key.nf.index, s.key.spec.index)),
        T.and(s.inRange, differ(nf.allocated, spec.allocated)),
        T.and(s.inRange, nf.allocated, differ(nf.key, spec.key)),
        ...(nf.value && spec.value ? [T.and(s.inRange, nf.allocated, differ(nf.value, spec.value))] : []),
      ];
    });
    return terms.length ? T.or(...terms) : null;
  }

  /** The entries (and counts) on which the NF's final state and the spec's differ under `model`. */
  private differences(path: SpecPath, compared: string[], model: Assignment): StateDifference[] {
    const value = (t: Term) => T.evaluate(t, model);
    const found: StateDifference[] = [];
    for (const s of this.sides(path, compared, [])) {
      const index = Number(value(s.i));
      if (s.kind === 'vector') {
        if (value(s.inRange) === 1n && value(s.nf) !== value(s.spec)) found.push({ object: s.name, kind: 'record', index, nf: value(s.nf), spec: value(s.spec) });
        continue;
      }
      const key = (side: typeof s.key.nf) => ({ present: value(side.present) === 1n, index: Number(value(side.index)) });
      const [nfKey, specKey] = [key(s.key.nf), key(s.key.spec)];
      if (nfKey.present !== specKey.present || (nfKey.present && nfKey.index !== specKey.index)) found.push({ object: s.name, kind: 'key', key: value(s.k), nf: nfKey, spec: specKey });
      const entry = (side: typeof s.index.nf) => ({ allocated: value(side.allocated) === 1n, key: value(side.key), stamp: BigInt.asIntN(64, value(side.stamp)), value: side.value ? value(side.value) : null });
      const [nfAt, specAt] = [entry(s.index.nf), entry(s.index.spec)];
      const same = nfAt.allocated === specAt.allocated && (!nfAt.allocated || (nfAt.key === specAt.key && nfAt.stamp === specAt.stamp && nfAt.value === specAt.value));
      if (!same && value(s.inRange) === 1n) found.push({ object: s.name, kind: 'index', index, values: s.values, nf: nfAt, spec: specAt });
      const [nfCount, specCount] = [Number(value(s.count.nf)), Number(value(s.count.spec))];
      if (nfCount !== specCount) found.push({ object: s.name, kind: 'count', nf: nfCount, spec: specCount });
    }
    return found;
  }
}

/**
 * A model of `conditions` people can read (engine/nf/input.ts), and the wishes it was made to meet; null
 * when it meets none. `preferred` (an entry where the states differ) goes with the short frame.
 */
function readableModel(solver: Solver, conditions: Term[], preferred: Term | null = null): { model: Assignment; wishes: Term[] } | null {
  return wishedModel(solver, conditions, readableWishes(conditions, preferred));
}

/**
 * A failure's model: readable (`readableModel`), its cht choices made the real table's (cht-refinement.ts). The
 * refinement solves again under the wishes too, so that they stay met; where no table's choice meets them, it
 * runs without them, so that "not shown by this table" is said of the path itself.
 */
function failureModel(solver: Solver, trace: Trace, conditions: Term[], fallback: Assignment, preferred: Term | null = null): ReturnType<typeof refineChtChoices> {
  const readable = readableModel(solver, conditions, preferred);
  const model = readable?.model ?? fallback;
  if (readable) {
    const refined = refineChtChoices(solver, trace, [...conditions, ...readable.wishes], model);
    if (refined.cht === null || refined.cht.outcome === 'table') return refined;
  }
  return refineChtChoices(solver, trace, conditions, model);
}

/** A record's fields in the manifest's order: name, byte offset, width in bits, and whether specs read it signed. */
export function layout(fields: ManifestField[]): [string, number, number, boolean][] {
  let offset = 0;
  return fields.map((f) => {
    const bytes = fieldBytes(f.type);
    const entry: [string, number, number, boolean] = [f.name, offset, bytes * 8, f.type === 'i32'];
    offset += bytes;
    return entry;
  });
}

