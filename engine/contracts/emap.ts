// Contracts of the emap imports (libvig/runtime/emap.ts): keys to indices with time stamps, over engine/ghost/emap.ts.
import { type KeyInvariant, keyInvariant as declaredInvariant, type KeyPredicate, type Manifest, showField, type StateObject } from '../../nf-abi/index.ts';
import { emapAdd, emapBase, emapErase, emapExpire, EmapQueries, emapRefresh, type EmapVersion, versionFunction } from '../ghost/emap.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import type { CallContext } from '../symbex/import-contracts.ts';
import type { Value } from '../symbex/state.ts';
import { fromTerm, toTerm } from '../symbex/values.ts';
import { allocate, clockOf, concrete, find, i32, type LibVigObject, NONE, type StructureContracts, update } from './objects.ts';

type Emap = Extract<LibVigObject, { kind: 'emap' }>;

export function emapContracts(manifest: Manifest): StructureContracts<'emap'> {
  return {
    emap_allocate: (context, args) => {
      const [keyBytes, capacity] = args.map((a) => concrete(context, a, 'emap_allocate'));
      return allocate(context, manifest, 'emap', capacity!, (name, declared) => ({
        kind: 'emap', name, keyBytes: keyBytes!, capacity: capacity!,
        version: emapBase({ name, capacity: capacity!, keyBits: keyBytes! * 8, keyInvariant: keyInvariant(manifest, declared) }, true),
      }));
    },

    // Lookups split the path on their answer, as Vigor's contracts do: the NF tests the answer anyway, and
    // each path then carries a plain index (or -1) instead of a conditional term.
    emap_get: (context, [map, keyPointer]) => {
      const { object, queries, facts } = findEmap(context, map!);
      const key = toTerm(context.read(keyPointer!, object.keyBytes), object.keyBytes * 8);
      const has = queries.has(object.version, key);
      const index = queries.index(object.version, key);
      context.oracle.assume(context.state, facts);
      return [context.oracle.choose(context.state, [has, T.not(has)]) === 0 ? fromTerm(index) : NONE];
    },

    emap_has_idx: (context, [map, index]) => {
      const { object, queries, facts } = findEmap(context, map!);
      const allocated = isAllocated(object, queries, toTerm(index!, 32));
      context.oracle.assume(context.state, facts);
      return [context.oracle.choose(context.state, [allocated, T.not(allocated)]) === 0 ? 1 : 0];
    },

    emap_get_key: (context, [map, index, out]) => {
      const { object, queries, facts } = findEmap(context, map!);
      const i = toTerm(index!, 32);
      context.oracle.require(context.state, isAllocated(object, queries, i), 'precondition', `emap_get_key on ${object.name}: the index may not be allocated`);
      context.write(out!, object.keyBytes, queries.keyOf(object.version, i));
      context.oracle.assume(context.state, facts);
      return [];
    },

    emap_add: (context, [map, keyPointer, now]) => {
      const { object, queries, facts } = findEmap(context, map!);
      const key = toTerm(context.read(keyPointer!, object.keyBytes), object.keyBytes * 8);
      const time = toTerm(now!, 64);
      context.oracle.require(context.state, T.not(queries.has(object.version, key)), 'precondition', `emap_add on ${object.name}: the key may already be present (check with emap_get first)`);
      requireTime(context, object, time);
      const full = queries.full(object.version);
      context.oracle.assume(context.state, facts);
      // One decision (a forked path replays exactly one): full, or it adds a key that keeps the key invariant, or
      // one that breaks it. Only a key that goes in must keep it.
      const kept = object.version.object.keyInvariant?.(key) ?? T.TRUE;
      const outcome = context.oracle.choose(context.state, kept === T.TRUE ? [full, T.not(full)] : [full, T.and(T.not(full), kept), T.and(T.not(full), T.not(kept))]);
      if (outcome === 0) return [NONE];
      if (outcome === 2) {
        const invariant = declaredInvariant(manifest, manifest.state.find((declared) => declared.name === object.name))!;
        brokenInvariant(context, invariant, map as number, object.keyBytes, T.evaluate(key, context.state.model));
      }
      // An open value of the version, key and time, so a spec adding the same key gets it too, with what the
      // theory says of it (a free index, the one freed last in the packet); over the empty tables of nf_init, the
      // lowest free one.
      const index = queries.lowestFreeIndex(object.version) ?? versionFunction(object.version, 'new', [key, time], 32);
      const indexFacts: Term[] = [];
      indexFacts.push(new EmapQueries(clockOf(context.state), indexFacts).addedIndex(object.version, index));
      context.oracle.assume(context.state, indexFacts);
      update(context.state, object, emapAdd(object.version, key, index, time));
      return [index];
    },

    emap_refresh: (context, [map, index, now]) => {
      const { object, queries, facts } = findEmap(context, map!);
      const i = toTerm(index!, 32);
      const time = toTerm(now!, 64);
      context.oracle.require(context.state, isAllocated(object, queries, i), 'precondition', `emap_refresh on ${object.name}: the index may not be allocated`);
      requireTime(context, object, time);
      context.oracle.assume(context.state, facts);
      update(context.state, object, emapRefresh(object.version, i, time));
      return [];
    },

    emap_erase: (context, [map, keyPointer]) => {
      const { object, queries, facts } = findEmap(context, map!);
      const key = toTerm(context.read(keyPointer!, object.keyBytes), object.keyBytes * 8);
      context.oracle.require(context.state, queries.has(object.version, key), 'precondition', `emap_erase on ${object.name}: the key may be absent`);
      context.oracle.assume(context.state, facts);
      update(context.state, object, emapErase(object.version, key));
      return [];
    },

    emap_expire: (context, [map, time]) => {
      const { object, queries, facts } = findEmap(context, map!);
      const expired = emapExpire(object.version, toTerm(time!, 64));
      const removed = T.binary('sub', queries.count(object.version), queries.count(expired));
      context.oracle.assume(context.state, facts);
      update(context.state, object, expired);
      return [fromTerm(removed)];
    },

    emap_count: (context, [map]) => {
      const { object, queries, facts } = findEmap(context, map!);
      const count = queries.count(object.version);
      context.oracle.assume(context.state, facts);
      return [fromTerm(count)];
    },

    emap_full: (context, [map]) => {
      const { object, queries, facts } = findEmap(context, map!);
      const full = queries.full(object.version);
      context.oracle.assume(context.state, facts);
      return [context.oracle.choose(context.state, [full, T.not(full)]) === 0 ? 1 : 0];
    },
  };
}

/** nf.json's key invariant of an emap, while its config leaves it on, as a condition on a key's bits. */
export function keyInvariant(manifest: Manifest, declared: StateObject | undefined): ((key: Term) => Term) | null {
  const invariant = declaredInvariant(manifest, declared);
  return invariant && ((key) => KEY_PREDICATES[invariant.is].holds(key, invariant));
}

/** Each predicate a key invariant may state: as a condition on a key's bits, and a field breaking it in words. */
const KEY_PREDICATES: Record<KeyPredicate, { holds: (key: Term, at: KeyInvariant) => Term; broken: (field: number[]) => string }> = {
  // The I/G bit: the lowest bit of the field's first octet (a key is the little-endian load of its bytes).
  not_group: {
    holds: (key, { offset }) => T.eq(T.extract(offset * 8, offset * 8, key), T.bv(0, 1)),
    broken: (field) => `${showField('mac', field)}, a group address`,
  },
};

/** An add that puts in a key breaking the key invariant: a violation whose replay must find the key added. */
function brokenInvariant(context: CallContext, invariant: KeyInvariant, handle: number, keyBytes: number, key: bigint): never {
  const bytes = Array.from({ length: keyBytes }, (_, i) => Number((key >> BigInt(8 * i)) & 0xffn));
  const field = KEY_PREDICATES[invariant.is].broken(bytes.slice(invariant.offset, invariant.offset + invariant.bytes));
  const off = invariant.unless ? ` (unless config ${invariant.unless} is set)` : '';
  return context.oracle.fail(context.state, 'invariant',
    `emap_add on ${invariant.object} adds a key whose ${invariant.field} is ${field}: nf.json's key_invariant on ${invariant.object} says ${invariant.field} is ${invariant.is}${off}`,
    { kind: 'adds-key', handle, object: invariant.object, key: bytes });
}

/** The emap a handle names, with queries at the packet's clock; `facts` collects what they need assumed. */
export function findEmap(context: CallContext, handle: Value): { object: Emap; queries: EmapQueries; facts: Term[] } {
  const object = find(context, handle, 'emap');
  const facts: Term[] = [];
  return { object, facts, queries: new EmapQueries(clockOf(context.state), facts) };
}

/** Index `i` is in range and allocated. */
const isAllocated = (object: Emap, queries: EmapQueries, i: Term): Term => T.and(T.compare('ult', i, i32(object.capacity)), queries.allocated(object.version, i));

/** Time must not go backwards: at least the packet's time (the base may hold a stamp that recent) and the last stamp given. */
function requireTime(context: CallContext, object: Emap, time: Term): void {
  let latest = clockOf(context.state).now;
  for (let v: EmapVersion | null = object.version; v; v = v.prev) {
    if (v.op === 'add' || v.op === 'refresh') {
      latest = v.time;
      break;
    }
  }
  context.oracle.require(context.state, T.compare('sle', latest, time), 'precondition', `time goes backwards on ${object.name}: a stamp earlier than one already given`);
}
