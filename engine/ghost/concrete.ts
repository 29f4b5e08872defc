// The concrete state a model gives the ghost bases: for each object, the entries at the keys and indices that
// occur on a path (the model's function tables answer every other key with a default, which no one asked).
import * as T from '../solver/term.ts';
import type { Assignment, Term } from '../solver/term.ts';

export interface EmapEntry {
  key: bigint;
  present: boolean;
  index: number;
  stamp: bigint;
}

export interface ConcreteEmap {
  entries: EmapEntry[];
  /** Indices the path needs free (allocated: false). */
  free: number[];
  count: number | null;
}

/** Applications within `terms` of the functions whose names start with `prefix`. */
function applicationsOf(terms: readonly Term[], prefix: string): Set<Term> {
  const seen = new Set<number>();
  const found = new Set<Term>();
  const stack = [...terms];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    if (t.op === 'apply' && t.name.startsWith(prefix)) found.add(t);
    stack.push(...t.args);
  }
  return found;
}

/** The distinct values of the argument of the object's base function `fn` where it is applied within `terms` (to an argument `asked`). */
function argumentsOf(terms: readonly Term[], model: Assignment, fn: string, asked = (_: Term) => true): bigint[] {
  const values = new Map<string, bigint>();
  for (const application of applicationsOf(terms, fn)) {
    if (application.name !== fn || !asked(application.args[0]!)) continue;
    const value = T.evaluate(application.args[0]!, model);
    values.set(String(value), value);
  }
  return [...values.values()];
}

/**
 * Entries at indices outside 0..capacity-1 are dropped: no state has them, and where the model speaks of one it
 * is about a term whose invariants were never instantiated, which nothing depended on.
 */
export function concreteEmap(name: string, keyBits: number, capacity: number, terms: readonly Term[], model: Assignment): ConcreteEmap {
  const value = (what: string, arg: Term, width: number) => T.evaluate(T.apply(`${name}.${what}`, [arg], width), model);
  const ofKey = (what: string, key: bigint, width: number) => value(what, T.bv(key, keyBits), width);
  const ofIndex = (what: string, index: bigint, width: number) => value(what, T.bv(index, 32), width);
  const byIndex = new Map<number, EmapEntry>();
  const absent: EmapEntry[] = [];
  const free: number[] = [];
  // `has` of an index's own key is the theory tying an allocated index to its key (engine/ghost/emap.ts), not a
  // question about a key: where the index is free, the model's defaults answer it. The index's entry comes below.
  const indexKey = (arg: Term) => !(arg.op === 'apply' && arg.name === `${name}.key`);
  for (const key of argumentsOf(terms, model, `${name}.has`, indexKey)) {
    const index = ofKey('index', key, 32);
    if (ofKey('has', key, T.BOOL) === 1n) byIndex.set(Number(index), { key, present: true, index: Number(index), stamp: ofIndex('stamp', index, 64) });
    else absent.push({ key, present: false, index: Number(index), stamp: 0n });
  }
  const named = new Set([...byIndex.values(), ...absent].map((entry) => entry.key));
  // An index's invariants (engine/ghost/emap.ts) name `has` of its key. An index named without them (the index of
  // a key the emap does not hold) is allocated or free, with any key and stamp, as the model's defaults say, which
  // nothing relied on: a replay that seeded it would expire it where the path's counts know of no such entry.
  const tied = new Set([...applicationsOf(terms, `${name}.has`)].flatMap(({ args: [key] }) => (key!.op === 'apply' && key!.name === `${name}.key` ? [key!.args[0]!.id] : [])));
  for (const index of argumentsOf(terms, model, `${name}.allocated`, (arg) => tied.has(arg.id))) {
    if (byIndex.has(Number(index))) continue;
    if (ofIndex('allocated', index, T.BOOL) !== 1n) free.push(Number(index));
    else {
      const key = ofIndex('key', index, keyBits);
      // As the theory ties an allocated index to its key both ways: an index whose key the model places at another
      // index, or finds absent, is left to unnamed entries.
      if (!named.has(key) && ofKey('index', key, 32) === index && ofKey('has', key, T.BOOL) === 1n) byIndex.set(Number(index), { key, present: true, index: Number(index), stamp: ofIndex('stamp', index, 64) });
    }
  }
  // The count before the packet; where the path only speaks of the count after an expiry (an open value), that
  // one: a replay's unnamed entries are recent, so they survive the expiry.
  const after = [...applicationsOf(terms, `${name}.count@`)].map((t) => T.evaluate(t, model));
  const count = model.scalars.get(`${name}.count`) ?? (after.length > 0 ? after.reduce((a, b) => (a > b ? a : b)) : undefined);
  const present = [...byIndex.values()].filter((e) => e.index < capacity);
  return { entries: [...present, ...absent], free, count: count === undefined ? null : Number(count) };
}

/** Records of a vector's base at the indices that occur. */
export function concreteVector(name: string, recordBits: number, terms: readonly Term[], model: Assignment): Map<number, bigint> {
  const records = new Map<number, bigint>();
  for (const index of argumentsOf(terms, model, `${name}.value`)) records.set(Number(index), T.evaluate(T.apply(`${name}.value`, [T.bv(index, 32)], recordBits), model));
  return records;
}

/**
 * The rules a model gives an lpm's base at `addresses`: for each, the matching rule's first `length` bits and its
 * value (length -1: no rule matches there, so none is given).
 */
export function concreteLpm(name: string, addresses: readonly bigint[], model: Assignment): { prefix: number; length: number; value: number }[] {
  return [...new Set(addresses)].flatMap((address) => {
    const at = (fn: string) => Number(BigInt.asIntN(32, T.evaluate(T.apply(`${name}.${fn}`, [T.bv(address, 32)], 32), model)));
    const length = at('length');
    if (length < 0 || length > 32) return [];
    const prefix = length === 0 ? 0 : Number(BigInt.asIntN(32, (address >> BigInt(32 - length)) << BigInt(32 - length)));
    return [{ prefix, length, value: at('value') }];
  });
}
