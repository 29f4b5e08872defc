// The emap model executed from the verifier's contract: the ghost-map theory (engine/ghost/emap.ts) over an
// empty base, with concrete keys, indices and times, so every query folds to a constant. Which index an add takes
// the contract leaves partly open (some free one, the one freed last where an erase or expiry freed one): the
// model checks the run-time's choice against it and adopts it.
import { emapAdd, emapBase, emapErase, emapExpire, EmapQueries, emapRefresh, type EmapVersion } from '../../../engine/ghost/emap.ts';
import * as T from '../../../engine/solver/term.ts';
import { emapViolation, type EmapModel, type EmapOp, type OldestEntry } from './emap-model.ts';

export class ContractEmap implements EmapModel {
  private version: EmapVersion;

  /** The ghost version this model is at (for checking other contracts over this emap). */
  get ghost(): EmapVersion {
    return this.version;
  }
  private latestStamp: T.Term | null = null;
  /** One memo for the model's life: versions never change, so earlier answers stay true. */
  private readonly queries = new EmapQueries({ now: T.bv(0, 64) }, []);

  constructor(readonly capacity: number, private readonly keyBytes: number) {
    this.version = emapBase({ name: 'model', capacity, keyBits: keyBytes * 8 }, true);
  }

  /** A concrete answer of the theory: anything else means the contract does not determine it. */
  private ask<R>(query: (q: EmapQueries, v: EmapVersion) => T.Term, read: (value: bigint) => R): R {
    const answer = query(this.queries, this.version);
    if (!T.isConst(answer)) throw new Error(`the contract leaves ${T.show(answer)} open over a concrete state`);
    return read(answer.value);
  }

  private key(key: Uint8Array): T.Term {
    return T.bv(key.reduceRight((v, b) => (v << 8n) | BigInt(b), 0n), this.keyBytes * 8);
  }

  get(key: Uint8Array): number {
    const k = this.key(key);
    return this.ask((q, v) => q.has(v, k), (has) => has === 1n) ? this.ask((q, v) => q.index(v, k), Number) : -1;
  }

  hasIdx(index: number): boolean {
    if (index < 0 || index >= this.capacity) return false;
    return this.ask((q, v) => q.allocated(v, T.bv(index, 32)), (a) => a === 1n);
  }

  getKey(index: number): Uint8Array {
    const key = this.ask((q, v) => q.keyOf(v, T.bv(index, 32)), (k) => k);
    return Uint8Array.from({ length: this.keyBytes }, (_, i) => Number((key >> BigInt(8 * i)) & 0xffn));
  }

  add(key: Uint8Array, now: bigint, indexChosenByRuntime: number): number {
    if (this.full()) return -1;
    // The contract's postcondition (addedIndex): a free index, the one freed last since the base if any was.
    if (!this.ask((q, v) => q.addedIndex(v, T.bv(indexChosenByRuntime, 32)), (allowed) => allowed === 1n)) {
      throw new Error(`the run-time took index ${indexChosenByRuntime}, which the contract does not allow (not free, or not the one an erase or expiry freed last)`);
    }
    this.version = emapAdd(this.version, this.key(key), T.bv(indexChosenByRuntime, 32), T.bv(now, 64));
    this.latestStamp = T.bv(now, 64);
    return indexChosenByRuntime;
  }

  refresh(index: number, now: bigint): void {
    this.version = emapRefresh(this.version, T.bv(index, 32), T.bv(now, 64));
    this.latestStamp = T.bv(now, 64);
  }

  erase(key: Uint8Array): void {
    this.version = emapErase(this.version, this.key(key));
  }

  expire(time: bigint): number {
    const before = this.count();
    this.version = emapExpire(this.version, T.bv(time, 64));
    return before - this.count();
  }

  count(): number {
    return this.ask((q, v) => q.count(v), Number);
  }

  full(): boolean {
    return this.ask((q, v) => q.full(v), (f) => f === 1n);
  }

  oldest(): OldestEntry | null {
    let oldest: OldestEntry | null = null;
    for (let index = 0; index < this.capacity; index++) {
      if (!this.hasIdx(index)) continue;
      const stamp = this.ask((q, v) => q.stamp(v, T.bv(index, 32)), (value) => BigInt.asIntN(64, value));
      if (oldest === null || stamp < oldest.stamp) oldest = { index, stamp };
    }
    return oldest;
  }

  /** The contract's preconditions (engine/contracts/index.ts), on concrete arguments. */
  violation(op: EmapOp): string | null {
    return emapViolation(this, op, (now) => this.latestStamp !== null && T.evaluate(T.compare('slt', T.bv(now, 64), this.latestStamp), T.emptyAssignment()) === 1n);
  }
}
