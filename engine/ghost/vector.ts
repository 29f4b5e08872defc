// The ghost theory of a vector of fixed-size records: a base (an uninterpreted function from index to record,
// or all zeros when empty) under a chain of writes.
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';

export interface VectorObject {
  name: string;
  capacity: number;
  recordBits: number;
}

export type VectorVersion =
  | { op: 'base'; object: VectorObject; empty: boolean; key$: string }
  | { op: 'set'; object: VectorObject; prev: VectorVersion; index: Term; value: Term; key$: string };

export const vectorBase = (object: VectorObject, empty = false): VectorVersion => ({ op: 'base', object, empty, key$: `${object.name}${empty ? '∅' : ''}` });

export function vectorSet(prev: VectorVersion, index: Term, value: Term): VectorVersion {
  return { op: 'set', object: prev.object, prev, index, value, key$: `${prev.key$}.set(${index.id},${value.id})` };
}

export function vectorGet(v: VectorVersion, index: Term): Term {
  if (v.op === 'set') return T.ite(T.eq(index, v.index), v.value, vectorGet(v.prev, index));
  return v.empty ? T.bv(0, v.object.recordBits) : T.apply(`${v.object.name}.value`, [index], v.object.recordBits);
}
