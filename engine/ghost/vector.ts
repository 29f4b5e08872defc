// The ghost theory of a vector of fixed-size records: a base (an uninterpreted function from index to record,
// or all zeros when empty) under a chain of writes.
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import { appended, choiceByKey, emptyView, type LogView, versionIdentity } from './concrete-log.ts';

export interface VectorObject {
  name: string;
  capacity: number;
  recordBits: number;
  /** What every stored record satisfies (the manifest's field bounds), or null. */
  invariant: ((record: Term) => Term) | null;
}

export type VectorVersion =
  | { op: 'base'; object: VectorObject; empty: boolean; key$: string; table: ConcreteRecords | null }
  | { op: 'set'; object: VectorObject; prev: VectorVersion; index: Term; value: Term; key$: string; table: ConcreteRecords | null };

/**
 * The records of an empty base and of sets of constant records at constant indices over it (nf_init's, from
 * nf.json's config tables), by index: a read answers from them directly, not down a chain as long as the table.
 */
type ConcreteRecords = LogView<bigint, bigint>;

export const vectorBase = (object: VectorObject, empty = false): VectorVersion =>
  ({ op: 'base', object, empty, key$: `${object.name}${empty ? '∅' : ''}`, table: empty ? emptyView() : null });

export function vectorSet(prev: VectorVersion, index: Term, value: Term): VectorVersion {
  const table = prev.table && T.isConst(index) && T.isConst(value) ? appended(prev.table, index.value, value.value) : null;
  return { op: 'set', object: prev.object, prev, index, value, key$: versionIdentity(`${prev.key$}.set(${index.id},${value.id})`), table };
}

/** The record at `index`; the base's records satisfy the object's invariant (pushed to `facts`). */
export function vectorGet(v: VectorVersion, index: Term, facts: Term[]): Term {
  if (v.table) return choiceByKey(v.table, index, (record) => T.bv(record, v.object.recordBits), T.bv(0, v.object.recordBits));
  if (v.op === 'set') return T.ite(T.eq(index, v.index), v.value, vectorGet(v.prev, index, facts));
  const record = T.apply(`${v.object.name}.value`, [index], v.object.recordBits);
  if (v.object.invariant) facts.push(v.object.invariant(record));
  return record;
}
