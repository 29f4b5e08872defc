// The libVig objects a path holds, and the bookkeeping every structure's contracts share (allocation, handles, clock).
import type { LibVigImportName, Manifest, StateObject } from '../../nf-abi/index.ts';
import { emapBase, type EmapVersion, type GhostClock } from '../ghost/emap.ts';
import { lpmBase, type LpmVersion } from '../ghost/lpm.ts';
import { vectorBase, type VectorVersion } from '../ghost/vector.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import type { CallContext, Contract } from '../symbex/import-contracts.ts';
import type { ExecutionState, Value } from '../symbex/state.ts';
import { EngineError } from '../symbex/violations.ts';

export type LibVigObject =
  | { kind: 'emap'; name: string; version: EmapVersion; keyBytes: number; capacity: number }
  | { kind: 'vector'; name: string; version: VectorVersion; recordBytes: number; capacity: number }
  | { kind: 'lpm'; name: string; version: LpmVersion; capacity: number }
  /** Fixed at allocation: the preference lists of `height` rows over `capacity` backends. */
  | { kind: 'cht'; name: string; height: number; capacity: number };

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

/** Before a packet: every object becomes an arbitrary base, and `now` bounds every stamp in it. */
export function startPacket(state: ExecutionState, now: Term): void {
  state.contractData.set(CLOCK, { now } satisfies GhostClock);
  state.contractData.set(OBJECTS, objectsOf(state).map((o): LibVigObject => {
    switch (o.kind) {
      case 'emap': return { ...o, version: emapBase(o.version.object) };
      case 'vector': return { ...o, version: vectorBase(o.version.object) };
      case 'lpm': return { ...o, version: lpmBase(o.version.object) };
      case 'cht': return o;
    }
  }));
}

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
