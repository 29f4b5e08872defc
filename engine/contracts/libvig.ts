// Contracts of libVig's imports (libvig/abi.ts, libvig/README.md): preconditions become violations,
// results and state changes become ghost versions. Objects are bound to the manifest's state list in
// allocation order; at the start of a packet every object is an arbitrary base (any reachable state, and more).
import { LIBVIG_MODULE, type LibVigImportName } from '../../nf-abi/index.ts';
import { fieldBound, type Manifest, type StateObject } from '../../nf-abi/index.ts';
import { emapAdd, emapBase, emapErase, emapExpire, EmapQueries, emapRefresh, type EmapVersion, type GhostClock, versionFunction } from '../ghost/emap.ts';
import { concreteRules, lpmAdd, lpmBase, lpmMatch, type LpmVersion, ruleKey } from '../ghost/lpm.ts';
import { vectorBase, vectorGet, vectorSet, type VectorVersion } from '../ghost/vector.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import type { CallContext, Contract, ContractTable } from '../symbex/import-contracts.ts';
import type { ExecutionState, Value } from '../symbex/state.ts';
import { fromTerm, toTerm } from '../symbex/values.ts';
import { EngineError } from '../symbex/violations.ts';

export type LibVigObject =
  | { kind: 'emap'; name: string; version: EmapVersion; keyBytes: number; capacity: number }
  | { kind: 'vector'; name: string; version: VectorVersion; recordBytes: number; capacity: number }
  | { kind: 'lpm'; name: string; version: LpmVersion; capacity: number }
  /** Fixed at allocation: the preference lists of `height` rows over `capacity` backends. */
  | { kind: 'cht'; name: string; height: number; capacity: number };

/** The objects specs speak about today (`from state import`): emaps and vectors. */
export type SpecObject = Extract<LibVigObject, { kind: 'emap' | 'vector' }>;

export const isSpecObject = (o: LibVigObject): o is SpecObject => o.kind === 'emap' || o.kind === 'vector';

const OBJECTS = 'libvig.objects';
const CLOCK = 'libvig.clock';

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

function clockOf(state: ExecutionState): GhostClock {
  // Before the first packet (nf_init) nothing is stamped yet: time zero bounds nothing that matters.
  return (state.contractData.get(CLOCK) as GhostClock | undefined) ?? { now: T.bv(0, 64) };
}

const i32 = (n: number) => T.bv(n, 32);
const NONE = 0xffffffff;

export function libvigContracts(manifest: Manifest): ContractTable {
  const table: ContractTable = new Map();
  const define = (name: LibVigImportName, contract: Contract) => table.set(`${LIBVIG_MODULE}.${name}`, contract);

  const allocate = (kind: 'emap' | 'vector') => (context: CallContext, args: Value[]): Value[] => {
    const [size, capacity] = args.map((a) => concrete(context, a, `${kind}_allocate`));
    const objects = objectsOf(context.state);
    const declared = manifest.state[objects.length];
    const name = checkDeclaration(manifest, declared, kind, capacity!, objects.length);
    const object: LibVigObject = kind === 'emap'
      ? { kind, name, keyBytes: size!, capacity: capacity!, version: emapBase({ name, capacity: capacity!, keyBits: size! * 8 }, true) }
      : { kind, name, recordBytes: size!, capacity: capacity!, version: vectorBase({ name, capacity: capacity!, recordBits: size! * 8, invariant: recordInvariant(manifest, declared) }, true) };
    context.state.contractData.set(OBJECTS, [...objects, object]);
    return [objects.length];
  };
  define('emap_allocate', allocate('emap'));
  define('vector_allocate', allocate('vector'));

  define('lpm_allocate', (context, [capacity]) => {
    const objects = objectsOf(context.state);
    const size = concrete(context, capacity!, 'lpm_allocate');
    const name = checkDeclaration(manifest, manifest.state[objects.length], 'lpm', size, objects.length);
    context.state.contractData.set(OBJECTS, [...objects, { kind: 'lpm', name, capacity: size, version: lpmBase({ name, capacity: size }, true) } satisfies LibVigObject]);
    return [objects.length];
  });

  define('lpm_add', (context, [lpm, prefix, length, value]) => {
    const object = find(context, lpm!, 'lpm');
    const [p, l, v] = [toTerm(prefix!, 32), toTerm(length!, 32), toTerm(value!, 32)];
    context.oracle.require(context.state, T.and(T.compare('sle', T.bv(0, 32), l), T.compare('sle', l, T.bv(32, 32))), 'precondition', `lpm_add on ${object.name}: the prefix length may be outside 0..32`);
    context.oracle.require(context.state, T.compare('sle', T.bv(0, 32), v), 'precondition', `lpm_add on ${object.name}: the value may be negative (-1 means "no rule")`);
    // A rule with a new prefix is refused when the table is full: known over nf_init's tables, open otherwise.
    const rules = concreteRules(object.version);
    let accepted: Term;
    if (rules && T.isConst(p) && T.isConst(l)) accepted = T.bool(rules.has(ruleKey(p.value, Number(l.value))) || rules.size < object.capacity);
    else accepted = T.apply(`${object.name}.accepts@${object.version.op}`, [p, l, v], T.BOOL);
    if (context.oracle.choose(context.state, [accepted, T.not(accepted)]) === 1) return [0];
    update(context.state, object, lpmAdd(object.version, p, l, v));
    return [1];
  });

  define('lpm_lookup', (context, [lpm, address]) => {
    const object = find(context, lpm!, 'lpm');
    const facts: Term[] = [];
    const { value } = lpmMatch(object.version, toTerm(address!, 32), facts);
    context.oracle.assume(context.state, facts);
    return [fromTerm(value)];
  });

  define('cht_allocate', (context, [height, backends]) => {
    const objects = objectsOf(context.state);
    const [rows, capacity] = [concrete(context, height!, 'cht_allocate'), concrete(context, backends!, 'cht_allocate')];
    const name = checkDeclaration(manifest, manifest.state[objects.length], 'cht', capacity, objects.length);
    context.state.contractData.set(OBJECTS, [...objects, { kind: 'cht', name, height: rows, capacity } satisfies LibVigObject]);
    return [objects.length];
  });

  define('cht_find_backend', (context, [cht, hash, backends]) => {
    const table = find(context, cht!, 'cht');
    const { object, queries, facts } = emap(context, backends!);
    const { choice, facts: choiceFacts } = chtChoice(table, object, toTerm(hash!, 32), queries);
    context.oracle.assume(context.state, [...facts, ...choiceFacts]);
    return [fromTerm(choice)];
  });

  // Lookups split the path on their answer, as Vigor's contracts do: the NF tests the answer anyway, and
  // each path then carries a plain index (or -1) instead of a conditional term.
  define('emap_get', (context, [map, keyPointer]) => {
    const { object, queries, facts } = emap(context, map!);
    const key = toTerm(context.read(keyPointer!, object.keyBytes), object.keyBytes * 8);
    const has = queries.has(object.version, key);
    const index = queries.index(object.version, key);
    context.oracle.assume(context.state, facts);
    return [context.oracle.choose(context.state, [has, T.not(has)]) === 0 ? fromTerm(index) : NONE];
  });

  define('emap_has_idx', (context, [map, index]) => {
    const { object, queries, facts } = emap(context, map!);
    const i = toTerm(index!, 32);
    const allocated = T.and(T.compare('ult', i, i32(object.capacity)), queries.allocated(object.version, i));
    context.oracle.assume(context.state, facts);
    return [context.oracle.choose(context.state, [allocated, T.not(allocated)]) === 0 ? 1 : 0];
  });

  define('emap_get_key', (context, [map, index, out]) => {
    const { object, queries, facts } = emap(context, map!);
    const i = toTerm(index!, 32);
    context.oracle.require(context.state, T.and(T.compare('ult', i, i32(object.capacity)), queries.allocated(object.version, i)), 'precondition',
      `emap_get_key on ${object.name}: the index may not be allocated`);
    context.write(out!, object.keyBytes, queries.keyOf(object.version, i));
    context.oracle.assume(context.state, facts);
    return [];
  });

  define('emap_add', (context, [map, keyPointer, now]) => {
    const { object, queries, facts } = emap(context, map!);
    const key = toTerm(context.read(keyPointer!, object.keyBytes), object.keyBytes * 8);
    const time = toTerm(now!, 64);
    context.oracle.require(context.state, T.not(queries.has(object.version, key)), 'precondition', `emap_add on ${object.name}: the key may already be present (check with emap_get first)`);
    requireTime(context, object, time);
    const full = queries.full(object.version);
    context.oracle.assume(context.state, facts);
    if (context.oracle.choose(context.state, [full, T.not(full)]) === 0) return [NONE];
    // Some free index: an open value of the version, key and time, so a spec adding the same key gets it too;
    // over the empty tables of nf_init, the lowest free one.
    const index = queries.lowestFreeIndex(object.version) ?? versionFunction(object.version, 'new', [key, time], 32);
    const indexFacts: Term[] = [];
    const fresh = new EmapQueries(clockOf(context.state), indexFacts);
    indexFacts.push(T.compare('ult', index, i32(object.capacity)), T.not(fresh.allocated(object.version, index)));
    context.oracle.assume(context.state, indexFacts);
    update(context.state, object, emapAdd(object.version, key, index, time));
    return [index];
  });

  define('emap_refresh', (context, [map, index, now]) => {
    const { object, queries, facts } = emap(context, map!);
    const i = toTerm(index!, 32);
    const time = toTerm(now!, 64);
    context.oracle.require(context.state, T.and(T.compare('ult', i, i32(object.capacity)), queries.allocated(object.version, i)), 'precondition',
      `emap_refresh on ${object.name}: the index may not be allocated`);
    requireTime(context, object, time);
    context.oracle.assume(context.state, facts);
    update(context.state, object, emapRefresh(object.version, i, time));
    return [];
  });

  define('emap_erase', (context, [map, keyPointer]) => {
    const { object, queries, facts } = emap(context, map!);
    const key = toTerm(context.read(keyPointer!, object.keyBytes), object.keyBytes * 8);
    context.oracle.require(context.state, queries.has(object.version, key), 'precondition', `emap_erase on ${object.name}: the key may be absent`);
    context.oracle.assume(context.state, facts);
    update(context.state, object, emapErase(object.version, key));
    return [];
  });

  define('emap_expire', (context, [map, time]) => {
    const { object, queries, facts } = emap(context, map!);
    const expired = emapExpire(object.version, toTerm(time!, 64));
    const removed = T.binary('sub', queries.count(object.version), queries.count(expired));
    context.oracle.assume(context.state, facts);
    update(context.state, object, expired);
    return [fromTerm(removed)];
  });

  define('emap_count', (context, [map]) => {
    const { object, queries, facts } = emap(context, map!);
    const count = queries.count(object.version);
    context.oracle.assume(context.state, facts);
    return [fromTerm(count)];
  });

  define('emap_full', (context, [map]) => {
    const { object, queries, facts } = emap(context, map!);
    const full = queries.full(object.version);
    context.oracle.assume(context.state, facts);
    return [context.oracle.choose(context.state, [full, T.not(full)]) === 0 ? 1 : 0];
  });

  define('vector_get', (context, [vector, index, out]) => {
    const object = find(context, vector!, 'vector');
    const i = requireSlot(context, object, index!, 'vector_get');
    const facts: Term[] = [];
    const record = vectorGet(object.version, i, facts);
    context.oracle.assume(context.state, facts);
    context.write(out!, object.recordBytes, record);
    return [];
  });

  define('vector_set', (context, [vector, index, record]) => {
    const object = find(context, vector!, 'vector');
    const i = requireSlot(context, object, index!, 'vector_set');
    const value = toTerm(context.read(record!, object.recordBytes), object.recordBytes * 8);
    const invariant = object.version.object.invariant;
    if (invariant) {
      context.oracle.require(context.state, invariant(value), 'precondition', `vector_set on ${object.name}: the record may break the bounds nf.json declares for its fields`);
    }
    update(context.state, object, vectorSet(object.version, i, value));
    return [];
  });

  return table;
}

/**
 * Which live backend a Maglev table prefers for a hash: an open value of the backends' version and the hash (as
 * Vigor's choose_with_cht), with what the contract knows of it: a live backend of the table, or -1; -1 when no
 * entry is live at all, and only then when every live entry is one of the table's backends (the emap is no
 * larger than the table). Equal flows get equal choices.
 */
export function chtChoice(
  table: { name: string; capacity: number },
  backends: { version: EmapVersion; capacity: number },
  hash: Term,
  queries: EmapQueries,
): { choice: Term; facts: Term[] } {
  const choice = versionFunction(backends.version, `${table.name}.choice`, [hash], 32);
  const none = T.eq(choice, i32(NONE));
  const empty = T.eq(queries.count(backends.version), i32(0));
  const facts = [
    T.or(T.not(empty), none),
    T.or(none, T.and(T.compare('ult', choice, i32(table.capacity)), queries.allocated(backends.version, choice))),
  ];
  if (backends.capacity <= table.capacity) facts.push(T.or(T.not(none), empty));
  return { choice, facts };
}

/** The manifest's field bounds of a vector's records, as a condition on a record's bits. */
export function recordInvariant(manifest: Manifest, declared: StateObject | undefined): ((record: Term) => Term) | null {
  const fields = declared?.record ? manifest.records[declared.record] : undefined;
  if (!fields) return null;
  const bounds: { low: number; bits: number; below: bigint }[] = [];
  let offset = 0;
  for (const field of fields) {
    const bits = fieldBits(field.type);
    if (field.below !== undefined) bounds.push({ low: offset, bits, below: fieldBound(manifest, field.below) });
    offset += bits;
  }
  if (bounds.length === 0) return null;
  return (record) => T.and(...bounds.map((b) => T.compare('ult', T.extract(b.low + b.bits - 1, b.low, record), T.bv(b.below, b.bits))));
}

const fieldBits = (type: string): number => (type.startsWith('bytes:') ? Number(type.slice(6)) : { u8: 1, u16: 2, u32: 4, u64: 8 }[type]!) * 8;

function checkDeclaration(manifest: Manifest, declared: StateObject | undefined, kind: LibVigObject['kind'], capacity: number, position: number): string {
  if (!declared) return `${kind}${position}`;
  const expected = typeof declared.capacity === 'number' ? declared.capacity : Number(manifest.config[declared.capacity]?.value);
  if (declared.kind !== kind || expected !== capacity) {
    throw new EngineError(`nf_init allocates object ${position} as a ${kind} of capacity ${capacity}, but ${manifest.name}/nf.json declares ` +
      `state "${declared.name}" (position ${position}) as a ${declared.kind} of capacity ${expected}: allocate in the manifest's order`);
  }
  return declared.name;
}

function concrete(context: CallContext, value: Value, what: string): number {
  if (typeof value !== 'number') {
    return context.oracle.fail(context.state, 'precondition', `${what} needs concrete sizes and capacities (call it in nf_init with constants)`);
  }
  return value;
}

function find<K extends LibVigObject['kind']>(context: CallContext, handle: Value, kind: K): Extract<LibVigObject, { kind: K }> {
  const object = typeof handle === 'number' ? objectsOf(context.state)[handle] : undefined;
  if (!object || object.kind !== kind) {
    return context.oracle.fail(context.state, 'precondition', `${typeof handle === 'number' ? `handle ${handle}` : 'a computed handle'} is not ${kind === 'emap' ? 'an' : 'a'} ${kind} this NF allocated`);
  }
  return object as Extract<LibVigObject, { kind: K }>;
}

function emap(context: CallContext, handle: Value) {
  const object = find(context, handle, 'emap');
  const facts: Term[] = [];
  return { object, facts, queries: new EmapQueries(clockOf(context.state), facts) };
}

function update(state: ExecutionState, object: LibVigObject, version: EmapVersion | VectorVersion | LpmVersion): void {
  state.contractData.set(OBJECTS, objectsOf(state).map((o) => (o === object ? ({ ...o, version } as LibVigObject) : o)));
}

/** Time must not go backwards: at least the packet's time (the base may hold a stamp that recent) and the last stamp given. */
function requireTime(context: CallContext, object: Extract<LibVigObject, { kind: 'emap' }>, time: Term): void {
  let latest = clockOf(context.state).now;
  for (let v: EmapVersion | null = object.version; v; v = v.prev) {
    if (v.op === 'add' || v.op === 'refresh') {
      latest = v.time;
      break;
    }
  }
  context.oracle.require(context.state, T.compare('sle', latest, time), 'precondition', `time goes backwards on ${object.name}: a stamp earlier than one already given`);
}

function requireSlot(context: CallContext, object: Extract<LibVigObject, { kind: 'vector' }>, index: Value, what: string): Term {
  const i = toTerm(index, 32);
  context.oracle.require(context.state, T.compare('ult', i, i32(object.capacity)), 'precondition', `${what} on ${object.name}: the index may be outside 0..${object.capacity - 1}`);
  return i;
}
