// Checking one spec against every trace of an NF: for each trace, every feasible spec path (depth-first, by
// re-running the spec), and for each path its obligations, discharged by Z3.
import { isSpecObject, objectsOf, packetStart, type SpecObject } from '../contracts/index.ts';
import type { EmapVersion, GhostClock } from '../ghost/emap.ts';
import type { VectorVersion } from '../ghost/vector.ts';
import * as T from '../solver/term.ts';
import type { Assignment, Term } from '../solver/term.ts';
import type { Solver } from '../solver/z3.ts';
import type { AnalyzedSpec, MappedLocation, SourceLocation } from '../spec/frontend/index.ts';
import { specPython } from '../spec/python.ts';
import { specTextLine, statementSpecBody } from '../spec/rewrite.ts';
import type { Trace } from '../symbex/explore.ts';
import { INPUT, type NfExploration } from '../nf/explore-nf.ts';
import { toTerm } from '../symbex/values.ts';
import { EngineError, Interrupted, type Watch } from '../symbex/violations.ts';
import { arrayFrame, type FrameBytes, frameHeaders, packetFrame, parsedDepth } from '../nf/frame-headers.ts';
import { type Obligation, outcomeObligations, type RecordField, stateObligations } from './obligations.ts';
import { DROP, FLOOD, type Protocol } from '../../nf-abi/index.ts';
import { type Alternative, Handles, InfeasiblePath, SpecPath, type ValueView } from './spec-path.ts';

export interface Failure {
  /** Index of the NF trace (0-based). */
  trace: number;
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
}

export interface SpecCheck {
  verdict: 'holds' | 'fails';
  traces: number;
  specPaths: number;
  queries: number;
  seconds: number;
  failures: Failure[];
}

/** The spec raised a Python exception (a type error, a name that does not exist at run time, ...). */
export class SpecRuntimeError extends Error {
  constructor(readonly location: MappedLocation | null, readonly reason: string) {
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
  message?: string;
  ports?: number[] | 'any';
  headers?: { protocol: Protocol; fields: Record<string, number | 'any'> }[];
  /** The header list ended with `...`: any payload. */
  anyPayload?: boolean;
}

export async function checkSpec(nf: NfExploration, spec: AnalyzedSpec, solver: Solver, options: Watch & { maxFailures?: number } = {}): Promise<SpecCheck> {
  const started = performance.now();
  const queriesBefore = solver.figures.queries;
  const body = spec.dialect === 'function' ? spec.text : statementSpecBody(spec.text);
  const python = (await specPython()).property(spec.dialect, body);
  // Python gives lines only: the column is where the statement on that line starts.
  const specLines = spec.text.split('\n');
  const lineOf = (line: number | null | undefined): MappedLocation | null => {
    if (!line) return null;
    const textLine = spec.dialect === 'function' ? line : specTextLine(line);
    return spec.positions.locateLine(textLine, /^\s*/.exec(specLines[textLine - 1] ?? '')![0].length + 1);
  };
  const failures: Failure[] = [];
  let specPaths = 0;
  for (const [traceIndex, trace] of nf.traces.entries()) {
    options.progress?.({ phase: 'check', done: traceIndex, total: nf.traces.length, detail: `${specPaths} spec paths` });
    const context = new TraceContext(nf, trace);
    const pending: Alternative[] = [{ prefix: [], model: trace.model }];
    while (pending.length > 0 && failures.length < (options.maxFailures ?? 1)) {
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
      if (outcome.kind === 'error') throw new SpecRuntimeError(lineOf(outcome.line), outcome.message ?? 'the spec failed');
      if (outcome.kind === 'limit') throw new SpecStopped(lineOf(outcome.line), outcome.message ?? 'the spec was stopped');
      const failure = context.judge(solver, path, outcome, spec.stateObjects);
      if (failure) failures.push({ ...failure, trace: traceIndex, specLine: lineOf(outcome.line), specDecisionLines: path.decisionLines.map(lineOf).filter((l): l is MappedLocation => l !== null) });
    }
  }
  return {
    verdict: failures.length === 0 ? 'holds' : 'fails',
    traces: nf.traces.length,
    specPaths,
    queries: solver.figures.queries - queriesBefore,
    seconds: (performance.now() - started) / 1000,
    failures,
  };
}

/** What every spec path of one trace shares: the inputs Python sees, the NF's final state and output. */
class TraceContext {
  readonly handles = new Handles();
  readonly inputs: Record<string, unknown>;
  readonly objects: Map<string, SpecObject>;
  readonly clock: GhostClock = { now: INPUT.now };
  readonly output: Term;
  private readonly startVersions: Map<string, EmapVersion | VectorVersion>;
  private readonly valueViews = new Map<string, ValueView>();
  /** Each object's record fields (a vector's records are compared field by field). */
  private readonly recordFields: Map<string, RecordField[]>;

  constructor(
    private readonly nf: NfExploration,
    private readonly trace: Trace,
  ) {
    const { manifest } = nf.build;
    this.output = toTerm(trace.results[0]!, 32);
    this.objects = new Map(objectsOf(trace.final).filter(isSpecObject).map((o) => [o.name, o]));
    this.recordFields = new Map([...this.objects.keys()].map((name) => {
      const record = manifest.state.find((s) => s.name === name)?.record;
      return [name, record ? layout(manifest.records[record]!).map(([field, offset, bits]) => [field, offset * 8, bits] as const) : []];
    }));
    this.startVersions = new Map([...this.objects].map(([name, o]) => [name, packetStart(o)]));
    const input = arrayFrame(INPUT.packet);
    const headers = frameHeaders(input, INPUT.length);
    const packet = trace.final.packet!;
    const depth = parsedDepth(packet.furthestRead, packet.readAtComputedOffset);
    const view = (h: (typeof headers)[number]) => ({
      protocol: h.protocol,
      present: this.handles.add(h.present),
      fields: Object.fromEntries(Object.entries(h.fields).map(([name, value]) => [name, this.handles.add(value)])),
    });
    const allocated = trace.calls.find((c) => c.name === 'emap_add' && typeof c.results[0] === 'object');
    this.inputs = {
      now: this.handles.add(INPUT.now),
      received_on_port: this.handles.add(INPUT.device),
      packet_size: this.handles.add(INPUT.length),
      the_index_allocated: this.handles.add(allocated ? (allocated.results[0] as Term) : T.variable('the_index_allocated', 32)),
      headers: headers.slice(0, depth).reverse().map(view),
      all_headers: headers.map(view),
      records: Object.fromEntries(Object.entries(manifest.records).map(([name, fields]) => [name, layout(fields)])),
      state: Object.fromEntries([...this.objects].map(([name, o]) => {
        const declared = manifest.state.find((s) => s.name === name);
        const bits = o.kind === 'emap' ? o.keyBytes * 8 : o.recordBytes * 8;
        const valueRecord = declared?.values ? manifest.state.find((s) => s.name === declared.values)?.record : undefined;
        if (declared?.values) {
          const fields = valueRecord ? layout(manifest.records[valueRecord]!) : [];
          this.valueViews.set(name, { vector: declared.values, field: fields.length === 1 ? { low: 0, bits: fields[0]![2] } : null });
        }
        // The record type a value reads as in Python, when the value is a whole record of several fields.
        const valueAsRecord = declared?.values && this.valueViews.get(name)!.field === null ? valueRecord ?? null : null;
        return [name, [o.kind, bits, declared?.record ?? null, valueAsRecord]];
      })),
      // Decimal strings: exact above 2^53 (a u64), where JSON numbers lose digits.
      config: Object.fromEntries(Object.entries(manifest.config).map(([key, entry]) => [key, String(entry.value)])),
    };
  }

  path(solver: Solver, alternative: Alternative): SpecPath {
    return new SpecPath(solver, this.handles, this.objects, this.clock, this.valueViews, {
      pathCondition: this.trace.pathCondition,
      alternative,
      versions: this.startVersions,
    }, { transmitted: (path) => this.transmitted(path), devices: (path) => this.sentDevices(path) ?? [] });
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
    const headers = frameHeaders(this.finalFrame(), INPUT.length).filter((h) => path.decideTerm(h.present));
    return {
      devices: sent.map((d) => this.handles.add(d)),
      headers: headers.map((h) => ({ protocol: h.protocol, fields: Object.fromEntries(Object.entries(h.fields).map(([n, v]) => [n, this.handles.add(v)])) })),
    };
  }

  private finalFrame(): FrameBytes {
    return packetFrame(this.trace.final.packet!);
  }

  /** The path's obligations; a failure when they can be broken on this path. */
  judge(solver: Solver, path: SpecPath, outcome: PathOutcome, compared: string[]): Omit<Failure, 'trace' | 'specLine' | 'specDecisionLines'> | null {
    const nfOutput = (model: Assignment) => T.evaluate(this.output, model);
    if (outcome.kind === 'assert') {
      // The path reached a failing assert, and every decision on it is feasible: that is the counterexample.
      const model = shortFrame(solver, path.pathCondition) ?? path.model;
      return { failed: ['assert'], model, terms: path.pathCondition, nfOutput: nfOutput(model), specPorts: null };
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
        output: this.output, device: INPUT.device, devices: this.nf.build.manifest.devices, inputFrame: arrayFrame(INPUT.packet), finalFrame: this.finalFrame(), length: INPUT.length,
      }));
    }
    for (const name of compared) {
      const object = this.objects.get(name);
      if (!object) throw new EngineError(`the spec imports ${name}, which the NF never allocated`);
      const values = this.valueViews.get(name)?.vector;
      const sides = (o: SpecObject) => ({ object: o, nf: o.version, spec: path.versions.get(o.name)!, fields: this.recordFields.get(o.name)! });
      obligations.push(...stateObligations(sides(object), values ? sides(this.objects.get(values)!) : null, this.clock, facts));
    }
    const all = T.and(...obligations.map((o) => o.term));
    if (all === T.TRUE) return null;
    const answer = solver.check([...path.pathCondition, ...facts], T.not(all));
    if (answer.status === 'unknown') throw new EngineError('the solver gave up on an obligation');
    if (answer.status === 'unsat') return null;
    const model = shortFrame(solver, [...path.pathCondition, ...facts, T.not(all)]) ?? answer.model;
    const failed = [...new Set(obligations.filter((o) => T.evaluate(o.term, model) !== 1n).map((o) => o.label))];
    const specPorts = ports === null || ports === 'any' ? ports : ports.map((p) => T.evaluate(p, model));
    return { failed, model, terms: [...path.pathCondition, ...facts, ...obligations.map((o) => o.term)], nfOutput: nfOutput(model), specPorts };
  }
}

/** A model of `conditions` with a short frame, when there is one: counterexamples people can read. */
function shortFrame(solver: Solver, conditions: Term[]): Assignment | null {
  for (const bytes of SHORT_FRAMES) {
    const answer = solver.check(conditions, T.compare('ule', INPUT.length, T.bv(bytes, 32)));
    if (answer.status === 'sat') return answer.model;
  }
  return null;
}

/** An Ethernet header alone, then room for IPv4 and TCP/UDP headers. */
const SHORT_FRAMES = [14, 64];

function layout(fields: { name: string; type: string }[]): [string, number, number][] {
  let offset = 0;
  return fields.map((f) => {
    const bytes = f.type.startsWith('bytes:') ? Number(f.type.slice(6)) : { u8: 1, u16: 2, u32: 4, u64: 8 }[f.type as 'u8']!;
    const entry: [string, number, number] = [f.name, offset, bytes * 8];
    offset += bytes;
    return entry;
  });
}

