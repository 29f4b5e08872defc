// Traces on disk, keyed by the NF binary's hash, the layers, and the engine's own sources (traces explored by an
// older engine are not reused): what a later session needs to check properties without exploring again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { PROJECT_ROOT, type NfBuild } from '../../toolchain/build.ts';
import type { Manifest } from '../../nf-abi/index.ts';
import { keyInvariant, type LibVigObject, objectsOf, recordInvariant, withObjects } from '../contracts/index.ts';
import { emapAdd, emapBase, emapErase, emapExpire, emapRefresh, type EmapVersion } from '../ghost/emap.ts';
import { lpmAdd, lpmBase, type LpmVersion } from '../ghost/lpm.ts';
import { vectorBase, vectorSet, type VectorVersion } from '../ghost/vector.ts';
import { type Assignment, readTermTable, type Term, type TermTable, TermWriter } from '../solver/term.ts';
import type { Trace } from '../symbex/explore.ts';
import { LinearMemory, PacketBuffer } from '../symbex/memory.ts';
import { INPUT, type NfExploration, type NfOptions } from '../nf/explore-nf.ts';
import { exploreLayers } from '../stack/explore-layers.ts';
import type { Layers } from '../stack/layers.ts';
import { ExecutionState, type ImportCall, type Value } from '../symbex/state.ts';
import type { Violation, ViolationEvidence } from '../symbex/violations.ts';

// 4: traces keep the offset where nf_process returned (the NF path's last line).
// 6: an object's version is stored as its base and a flat list of steps.
const FORMAT = 6;
/** The sources whose change changes what exploration produces. */
const ENGINE_SOURCES = ['engine/nf', 'engine/stack', 'stack-models', 'engine/symbex', 'engine/ghost', 'engine/contracts', 'engine/solver', 'engine/wasm', 'nf-abi'];

export function traceCacheFile(build: NfBuild, layers: Layers): string {
  // The manifest too: the binary's hash does not cover nf.json, whose config values the traces take as constants.
  const hash = createHash('sha256').update(`${FORMAT}\0${build.hash}\0${layers}\0${JSON.stringify(build.manifest)}\0`);
  // The stack's layers explore a stacked build, which the NF's hash does not cover: its sources and how it is built do.
  for (const source of layers === 'nf' ? ENGINE_SOURCES : [...ENGINE_SOURCES, 'stack', 'toolchain/build.ts', 'toolchain/layer-calls.ts', 'toolchain/layer-calls-io.ts']) {
    const path = join(PROJECT_ROOT, source);
    // Dot-files are temporary (a seeded variant being built), no part of the key.
    const files = path.endsWith('.ts') ? [path] : readdirSync(path).filter((f) => f.endsWith('.ts') && !f.startsWith('.')).sort().map((f) => join(path, f));
    for (const file of files) hash.update(file).update(readFileSync(file));
  }
  return join(PROJECT_ROOT, '.cache', 'traces', `${hash.digest('hex').slice(0, 24)}.json`);
}

export function loadTraces(file: string, build: NfBuild): NfExploration | null {
  if (!existsSync(file)) return null;
  try {
    return decode(JSON.parse(readFileSync(file, 'utf8')) as Stored, build);
  } catch {
    return null; // a damaged or partial file: explore again
  }
}

/** The NF's traces for these layers: read from the cache, else explored (with `options`) and stored. */
export async function exploreCached(build: NfBuild, layers: Layers, options: NfOptions = {}): Promise<NfExploration> {
  const file = traceCacheFile(build, layers);
  const stored = loadTraces(file, build);
  if (stored) return stored;
  const run = await exploreLayers(build, layers, options);
  saveTraces(file, run);
  return run;
}

export function saveTraces(file: string, run: NfExploration): void {
  mkdirSync(join(file, '..'), { recursive: true });
  // A staging file per thread: the pool's workers share the process, and two saving one NF's traces at once would
  // rename each other's file away.
  const staging = `${file}.${process.pid}.${threadId}.tmp`;
  writeFileSync(staging, JSON.stringify(encode(run)));
  renameSync(staging, file);
}

// ---------------------------------------------------------------- the stored form

type StoredValue = { n: number } | { b: string } | { t: number };
type StoredAssignment = { scalars: [string, string][]; arrays: [string, [number, number][], number][]; functions: [string, [string, string][], string][] };
/** A version as its base and the steps over it, oldest first: flat, as nf_init's chain of 10,000 routes must be. */
type StoredVersion = { base: { empty: boolean; object: { name: string; capacity: number; bits: number } }; steps: { op: string; terms: number[] }[] };
type StoredObject = { kind: LibVigObject['kind']; name: string; bytes: number; capacity: number; version: StoredVersion | null; fixed?: true };
type StoredCall = { module: string; name: string; args: StoredValue[]; results: StoredValue[]; offset: number };
type StoredTrace = {
  pathCondition: number[]; calls: StoredCall[]; results: StoredValue[]; decisions: number[]; returnOffset: number; model: StoredAssignment;
  packet: { capacity: number; cells: [number, StoredValue][]; chain: number | null };
  objects: StoredObject[];
};
/** A violation's evidence with its one bigint (the output a replay must see) as a decimal string. */
type StoredEvidence = Exclude<ViolationEvidence, { kind: 'returns' }> | { kind: 'returns'; output: string };
type StoredViolation = Omit<Violation, 'model' | 'pathCondition' | 'calls' | 'evidence'> & { model: StoredAssignment; pathCondition: number[]; calls: StoredCall[]; evidence?: StoredEvidence };
interface Stored {
  format: number; terms: TermTable; traces: StoredTrace[]; violations: StoredViolation[]; initViolations: StoredViolation[];
  objects: StoredObject[]; figures: NfExploration['figures'];
}

function encode(run: NfExploration): Stored {
  const writer = new TermWriter();
  const term = (t: Term) => writer.add(t);
  const value = (v: Value): StoredValue => (typeof v === 'number' ? { n: v } : typeof v === 'bigint' ? { b: v.toString() } : { t: term(v) });
  const call = (c: ImportCall): StoredCall => ({ ...c, args: c.args.map(value), results: c.results.map(value) });
  const version = (v: EmapVersion | VectorVersion | LpmVersion): StoredVersion => {
    const steps: StoredVersion['steps'] = [];
    let at = v;
    for (; at.op !== 'base'; at = at.prev!) {
      const terms = 'prefix' in at ? [at.prefix, at.length, at.value] : at.op === 'add' ? [at.key, at.index, at.time] : at.op === 'refresh' ? [at.index, at.time] : at.op === 'erase' ? [at.key] : at.op === 'expire' ? [at.time] : [at.index, at.value];
      steps.push({ op: at.op, terms: terms.map(term) });
    }
    const object = at.object;
    const bits = 'keyBits' in object ? object.keyBits : 'recordBits' in object ? object.recordBits : 0;
    return { base: { empty: at.empty, object: { name: object.name, capacity: object.capacity, bits } }, steps: steps.reverse() };
  };
  const object = (o: LibVigObject): StoredObject => ({
    kind: o.kind, name: o.name, capacity: o.capacity,
    bytes: o.kind === 'emap' ? o.keyBytes : o.kind === 'vector' ? o.recordBytes : o.kind === 'cht' ? o.height : 0,
    version: o.kind === 'cht' ? null : version(o.version),
    ...(o.fixed ? { fixed: o.fixed } : {}),
  });
  const evidence = (e: ViolationEvidence): StoredEvidence => (e.kind === 'returns' ? { kind: 'returns', output: e.output.toString() } : e);
  const violation = ({ evidence: found, ...v }: Violation): StoredViolation => ({
    ...v, model: assignment(v.model), pathCondition: v.pathCondition.map(term), calls: v.calls.map(call), ...(found ? { evidence: evidence(found) } : {}),
  });
  const traces = run.traces.map((t): StoredTrace => {
    const packet = t.final.packet!.snapshot();
    return {
      pathCondition: t.pathCondition.map(term), calls: t.calls.map(call), results: t.results.map(value), decisions: t.decisions, returnOffset: t.final.returnOffset,
      model: assignment(t.model), objects: objectsOf(t.final).map(object),
      packet: { ...packet, cells: packet.cells.map(([offset, byte]) => [offset, value(byte)]), chain: packet.chain ? term(packet.chain) : null },
    };
  });
  return {
    format: FORMAT, traces, violations: run.violations.map(violation), initViolations: run.initViolations.map(violation),
    objects: run.objects.map(object), figures: run.figures, terms: writer.table,
  };
}

function decode(stored: Stored, build: NfBuild): NfExploration {
  if (stored.format !== FORMAT) throw new Error('another format');
  const terms = readTermTable(stored.terms);
  const term = (i: number) => terms[i]!;
  const value = (v: StoredValue): Value => ('n' in v ? v.n : 'b' in v ? BigInt(v.b) : term(v.t));
  const call = (c: StoredCall): ImportCall => ({ ...c, args: c.args.map(value), results: c.results.map(value) });
  const object = (o: StoredObject): LibVigObject => ({ ...objectOfKind(o), ...(o.fixed ? { fixed: o.fixed } : {}) });
  const objectOfKind = (o: StoredObject): LibVigObject => {
    switch (o.kind) {
      case 'emap': return { kind: 'emap', name: o.name, keyBytes: o.bytes, capacity: o.capacity, version: emapVersion(o.version!, term, build.manifest) };
      case 'vector': return { kind: 'vector', name: o.name, recordBytes: o.bytes, capacity: o.capacity, version: vectorVersion(o.version!, term, build.manifest) };
      case 'lpm': return { kind: 'lpm', name: o.name, capacity: o.capacity, version: lpmVersion(o.version!, term) };
      case 'cht': return { kind: 'cht', name: o.name, capacity: o.capacity, height: o.bytes };
    }
  };
  const evidence = (e: StoredEvidence): ViolationEvidence => (e.kind === 'returns' ? { kind: 'returns', output: BigInt(e.output) } : e);
  const violation = ({ evidence: stored, ...v }: StoredViolation): Violation => ({
    ...v, model: readAssignment(v.model), pathCondition: v.pathCondition.map(term), calls: v.calls.map(call), ...(stored ? { evidence: evidence(stored) } : {}),
  });
  const traces = stored.traces.map((t): Trace => {
    const packet = PacketBuffer.restore({ ...t.packet, cells: t.packet.cells.map(([o, b]) => [o, value(b) as number | Term]), chain: t.packet.chain === null ? null : term(t.packet.chain) }, INPUT.packet);
    const final = withObjects(new ExecutionState(LinearMemory.create(0), packet), t.objects.map(object));
    final.pathCondition = t.pathCondition.map(term);
    final.returnOffset = t.returnOffset;
    return { pathCondition: final.pathCondition, calls: t.calls.map(call), results: t.results.map(value), decisions: t.decisions, model: readAssignment(t.model), final };
  });
  return {
    build, traces, violations: stored.violations.map(violation), initViolations: stored.initViolations.map(violation),
    objects: stored.objects.map(object), figures: stored.figures,
  };
}

function emapVersion(v: StoredVersion, term: (i: number) => Term, manifest: Manifest): EmapVersion {
  const { empty, object: { name, capacity, bits } } = v.base;
  const base = emapBase({ name, capacity, keyBits: bits, keyInvariant: keyInvariant(manifest, manifest.state.find((s) => s.name === name)) }, empty);
  return v.steps.reduce((prev, step) => {
    const [a, b, c] = step.terms.map(term);
    switch (step.op) {
      case 'add': return emapAdd(prev, a!, b!, c!);
      case 'refresh': return emapRefresh(prev, a!, b!);
      case 'erase': return emapErase(prev, a!);
      default: return emapExpire(prev, a!);
    }
  }, base);
}

function lpmVersion(v: StoredVersion, term: (i: number) => Term): LpmVersion {
  const base = lpmBase({ name: v.base.object.name, capacity: v.base.object.capacity }, v.base.empty);
  return v.steps.reduce((prev, step) => {
    const [prefix, length, value] = step.terms.map(term);
    return lpmAdd(prev, prefix!, length!, value!);
  }, base);
}

function vectorVersion(v: StoredVersion, term: (i: number) => Term, manifest: Manifest): VectorVersion {
  const { empty, object: { name, capacity, bits } } = v.base;
  const base = vectorBase({ name, capacity, recordBits: bits, invariant: recordInvariant(manifest, manifest.state.find((s) => s.name === name)) }, empty);
  return v.steps.reduce((prev, step) => {
    const [index, value] = step.terms.map(term);
    return vectorSet(prev, index!, value!);
  }, base);
}

const assignment = (a: Assignment): StoredAssignment => ({
  scalars: [...a.scalars].map(([k, v]) => [k, v.toString()]),
  arrays: [...a.arrays].map(([k, v]) => [k, [...v.entries], v.fallback]),
  functions: [...a.functions].map(([k, v]) => [k, [...v.entries].map(([x, y]) => [x, y.toString()] as [string, string]), v.fallback.toString()]),
});

const readAssignment = (a: StoredAssignment): Assignment => ({
  scalars: new Map(a.scalars.map(([k, v]) => [k, BigInt(v)])),
  arrays: new Map(a.arrays.map(([k, entries, fallback]) => [k, { entries: new Map(entries), fallback }])),
  functions: new Map(a.functions.map(([k, entries, fallback]) => [k, { entries: new Map(entries.map(([x, y]) => [x, BigInt(y)])), fallback: BigInt(fallback) }])),
});
