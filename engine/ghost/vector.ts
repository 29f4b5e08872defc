// The ghost theory of a vector of fixed-size records: a base (an uninterpreted function from index to record,
// or all zeros when empty) under a chain of writes.
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';

export interface VectorObject {
  name: string;
  capacity: number;
  recordBits: number;
  /** What every stored record satisfies (the manifest's field bounds), or null. */
  invariant: ((record: Term) => Term) | null;
}

export type VectorVersion =
  | { op: 'base'; object: VectorObject; empty: boolean; key$: string }
  | { op: 'set'; object: VectorObject; prev: VectorVersion; index: Term; value: Term; key$: string };

export const vectorBase = (object: VectorObject, empty = false): VectorVersion => ({ op: 'base', object, empty, key$: `${object.name}${empty ? '∅' : ''}` });

export function vectorSet(prev: VectorVersion, index: Term, value: Term): VectorVersion {
  return { op: 'set', object: prev.object, prev, index, value, key$: `${prev.key$}.set(${index.id},${value.id})` };
}

/** The record at `index`; the base's records satisfy the object's invariant (pushed to `facts`). */
export function vectorGet(v: VectorVersion, index: Term, facts: Term[]): Term {
  if (v.op === 'set') return T.ite(T.eq(index, v.index), v.value, vectorGet(v.prev, index, facts));
  if (v.empty) return T.bv(0, v.object.recordBits);
  const record = T.apply(`${v.object.name}.value`, [index], v.object.recordBits);
  if (v.object.invariant) facts.push(v.object.invariant(record));
  return record;
}
