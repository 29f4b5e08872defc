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

/** Applications of the object's base functions within `terms`, by function, with evaluated arguments. */
function argumentsOf(terms: readonly Term[], model: Assignment, fn: string): bigint[] {
  const seen = new Set<number>();
  const values = new Map<string, bigint>();
  const stack = [...terms];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    if (t.op === 'apply' && t.name === fn) {
      const value = T.evaluate(t.args[0]!, model);
      values.set(String(value), value);
    }
    stack.push(...t.args);
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
  for (const key of argumentsOf(terms, model, `${name}.has`)) {
    const index = ofKey('index', key, 32);
    if (ofKey('has', key, T.BOOL) === 1n) byIndex.set(Number(index), { key, present: true, index: Number(index), stamp: ofIndex('stamp', index, 64) });
    else absent.push({ key, present: false, index: Number(index), stamp: 0n });
  }
  for (const index of argumentsOf(terms, model, `${name}.allocated`)) {
    if (byIndex.has(Number(index))) continue;
    if (ofIndex('allocated', index, T.BOOL) !== 1n) free.push(Number(index));
    else byIndex.set(Number(index), { key: ofIndex('key', index, keyBits), present: true, index: Number(index), stamp: ofIndex('stamp', index, 64) });
  }
  const count = model.scalars.get(`${name}.count`);
  const present = [...byIndex.values()].filter((e) => e.index < capacity);
  return { entries: [...present, ...absent], free, count: count === undefined ? null : Number(count) };
}

/** Records of a vector's base at the indices that occur. */
export function concreteVector(name: string, recordBits: number, terms: readonly Term[], model: Assignment): Map<number, bigint> {
  const records = new Map<number, bigint>();
  for (const index of argumentsOf(terms, model, `${name}.value`)) records.set(Number(index), T.evaluate(T.apply(`${name}.value`, [T.bv(index, 32)], recordBits), model));
  return records;
}
