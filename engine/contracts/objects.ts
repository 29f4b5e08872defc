// The libVig objects a path holds, and the bookkeeping every structure's contracts share (allocation, handles, clock).
import { LIBVIG_MODULE, type LibVigImportName, type Manifest, type StateObject } from '../../nf-abi/index.ts';
import { emapBase, type EmapVersion, type GhostClock } from '../ghost/emap.ts';
import { lpmBase, type LpmVersion } from '../ghost/lpm.ts';
import { vectorBase, type VectorVersion } from '../ghost/vector.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import type { Exploration } from '../symbex/explore.ts';
import type { CallContext, Contract } from '../symbex/import-contracts.ts';
import type { ExecutionState, Value } from '../symbex/state.ts';
import { EngineError } from '../symbex/violations.ts';

export type LibVigObject = (
  | { kind: 'emap'; name: string; version: EmapVersion; keyBytes: number; capacity: number }
  | { kind: 'vector'; name: string; version: VectorVersion; recordBytes: number; capacity: number }
  | { kind: 'lpm'; name: string; version: LpmVersion; capacity: number }
  /** Fixed at allocation: the preference lists of `height` rows over `capacity` backends. */
  | { kind: 'cht'; name: string; height: number; capacity: number }
) & {
  /**
   * No path of nf_process changes it, so every packet finds it as nf_init left it (its version is nf_init's
   * chain over the empty base): configuration is part of what is verified, and replays keep nf_init's entries.
   */
  fixed?: true;
};

type ObjectOf<K extends LibVigObject['kind']> = Extract<LibVigObject, { kind: K }>;

/** The objects specs speak about today (`from state import`): emaps and vectors. */
export type SpecObject = ObjectOf<'emap' | 'vector'>;

export const isSpecObject = (o: LibVigObject): o is SpecObject => o.kind === 'emap' || o.kind === 'vector';

/** The contracts of one structure's imports (every import named `<kind>_…`), by import name. */
export type StructureContracts<K extends LibVigObject['kind']> = { [Name in Extract<LibVigImportName, `${K}_${string}`>]: Contract };

const OBJECTS = 'libvig.objects';
const CLOCK = 'libvig.clock';

export const i32 = (n: number) => T.bv(n, 32);
/** -1 as an i32 result: no index, no backend. */
export const NONE = 0xffffffff;

export function objectsOf(state: ExecutionState): readonly LibVigObject[] {
  return (state.contractData.get(OBJECTS) as LibVigObject[] | undefined) ?? [];
}

/** `state` holding `objects` (a trace read back from the trace cache). */
export function withObjects(state: ExecutionState, objects: LibVigObject[]): ExecutionState {
  state.contractData.set(OBJECTS, objects);
  return state;
}

/**
 * Before a packet: the objects at `fixed` handles keep nf_init's contents (marked `fixed`); every other object
 * becomes an arbitrary base, and `now` bounds every stamp in it.
 */
export function startPacket(state: ExecutionState, now: Term, fixed: ReadonlySet<number>): void {
  state.contractData.set(CLOCK, { now } satisfies GhostClock);
  state.contractData.set(OBJECTS, markFixed(objectsOf(state), fixed).map((o): LibVigObject => {
    if (o.fixed) return o;
    switch (o.kind) {
      case 'emap': return { ...o, version: emapBase(o.version.object) };
      case 'vector': return { ...o, version: vectorBase(o.version.object) };
      case 'lpm': return { ...o, version: lpmBase(o.version.object) };
      case 'cht': return o;
    }
  }));
}

/** `objects` with those at `fixed` handles marked as keeping nf_init's contents. */
export const markFixed = (objects: readonly LibVigObject[], fixed: ReadonlySet<number>): LibVigObject[] =>
  objects.map((o, handle) => (fixed.has(handle) ? { ...o, fixed: true } : o));

/** The version a spec's state starts from: nf_init's for a fixed object (no path changes it), else the arbitrary base. */
export function packetStart(o: SpecObject): EmapVersion | VectorVersion {
  if (o.fixed) return o.version;
  return o.kind === 'emap' ? emapBase(o.version.object) : vectorBase(o.version.object);
}

/** The imports that may give an object a new version; their first argument is its handle. */
const CHANGING = new Set<string>(['emap_add', 'emap_refresh', 'emap_erase', 'emap_expire', 'vector_set', 'lpm_add'] satisfies LibVigImportName[]);

/**
 * Handles of the objects a run of nf_process may change (`initial`: as nf_init left them): those a trace ends
 * with at another version than the packet started with and, on a path that ends in a violation (its final state
 * is not kept), every object a changing call of it names (a computed handle: every object).
 */
export function changedObjects(initial: readonly LibVigObject[], run: Exploration): Set<number> {
  const changed = new Set<number>();
  for (const trace of run.traces) {
    objectsOf(trace.final).forEach((o, handle) => {
      const version = versionOf(o);
      if (version && (o.fixed ? version !== versionOf(initial[handle]!) : version.op !== 'base')) changed.add(handle);
    });
  }
  for (const violation of run.violations) {
    for (const call of violation.calls) {
      if (call.module !== LIBVIG_MODULE || !CHANGING.has(call.name)) continue;
      const handle = call.args[0];
      if (typeof handle !== 'number') return new Set(initial.keys());
      changed.add(handle);
    }
  }
  return changed;
}

const versionOf = (o: LibVigObject): EmapVersion | VectorVersion | LpmVersion | null => (o.kind === 'cht' ? null : o.version);

export function clockOf(state: ExecutionState): GhostClock {
  // Before the first packet (nf_init) nothing is stamped yet: time zero bounds nothing that matters.
  return (state.contractData.get(CLOCK) as GhostClock | undefined) ?? { now: T.bv(0, 64) };
}

/**
 * A `<kind>_allocate` in nf_init: the next object of the manifest's state list, which must declare this kind and
 * capacity (an NF without a state list gets `<kind><position>`). `create` makes it from its name; returns its handle.
 */
export function allocate<K extends LibVigObject['kind']>(
  context: CallContext,
  manifest: Manifest,
  kind: K,
  capacity: number,
  create: (name: string, declared: StateObject | undefined) => ObjectOf<K>,
): Value[] {
  const objects = objectsOf(context.state);
  const declared = manifest.state[objects.length];
  const name = checkDeclaration(manifest, declared, kind, capacity, objects.length);
  context.state.contractData.set(OBJECTS, [...objects, create(name, declared)]);
  return [objects.length];
}

function checkDeclaration(manifest: Manifest, declared: StateObject | undefined, kind: LibVigObject['kind'], capacity: number, position: number): string {
  if (!declared) return `${kind}${position}`;
  const expected = typeof declared.capacity === 'number' ? declared.capacity : Number(manifest.config[declared.capacity]?.value);
  if (declared.kind !== kind || expected !== capacity) {
    throw new EngineError(`nf_init allocates object ${position} as a ${kind} of capacity ${capacity}, but ${manifest.name}/nf.json declares ` +
      `state "${declared.name}" (position ${position}) as a ${declared.kind} of capacity ${expected}: allocate in the manifest's order`);
  }
  return declared.name;
}

/** A size or capacity passed to an allocation, which must be concrete. */
export function concrete(context: CallContext, value: Value, what: string): number {
  if (typeof value !== 'number') {
    return context.oracle.fail(context.state, 'precondition', `${what} needs concrete sizes and capacities (call it in nf_init with constants)`);
  }
  return value;
}

/** The object a handle names, which must be a `kind` this NF allocated. */
export function find<K extends LibVigObject['kind']>(context: CallContext, handle: Value, kind: K): ObjectOf<K> {
  const object = typeof handle === 'number' ? objectsOf(context.state)[handle] : undefined;
  if (!object || object.kind !== kind) {
    return context.oracle.fail(context.state, 'precondition', `${typeof handle === 'number' ? `handle ${handle}` : 'a computed handle'} is not ${kind === 'emap' ? 'an' : 'a'} ${kind} this NF allocated`);
  }
  return object as ObjectOf<K>;
}

/** `object` now at `version`. */
export function update(state: ExecutionState, object: LibVigObject, version: EmapVersion | VectorVersion | LpmVersion): void {
  state.contractData.set(OBJECTS, objectsOf(state).map((o) => (o === object ? ({ ...o, version } as LibVigObject) : o)));
}
