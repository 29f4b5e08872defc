// The vector model executed from the verifier's contract: the ghost theory of vectors (engine/ghost/vector.ts)
// over an all-zero base, with concrete indices and records, so every read folds to a constant.
import { vectorBase, vectorGet, vectorSet, type VectorVersion } from '../../../engine/ghost/vector.ts';
import * as T from '../../../engine/solver/term.ts';
import type { VectorModel, VectorOp } from './vector-model.ts';

export class ContractVector implements VectorModel {
  private version: VectorVersion;

  constructor(readonly capacity: number, private readonly recordSize: number) {
    this.version = vectorBase({ name: 'model', capacity, recordBits: recordSize * 8, invariant: null }, true);
  }

  get(index: number): Uint8Array {
    const record = vectorGet(this.version, T.bv(index, 32), []);
    if (!T.isConst(record)) throw new Error(`the contract leaves ${T.show(record)} open over a concrete state`);
    return Uint8Array.from({ length: this.recordSize }, (_, i) => Number((record.value >> BigInt(8 * i)) & 0xffn));
  }

  set(index: number, record: Uint8Array): void {
    this.version = vectorSet(this.version, T.bv(index, 32), T.bv(record.reduceRight((v, b) => (v << 8n) | BigInt(b), 0n), this.recordSize * 8));
  }

  /** The contract's precondition (engine/contracts/index.ts: requireSlot), on concrete arguments. */
  violation(op: VectorOp): string | null {
    const inRange = T.compare('ult', T.bv(op.index, 32), T.bv(this.capacity, 32));
    return inRange === T.TRUE ? null : 'the index is out of range';
  }
}
