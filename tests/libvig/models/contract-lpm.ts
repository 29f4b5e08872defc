// The lpm model executed from the verifier's contract: the ghost theory of longest-prefix match
// (engine/ghost/lpm.ts) over an empty table, with concrete rules and addresses, so every lookup folds.
import { knownAcceptance, lpmAdd, lpmBase, lpmMatch, type LpmVersion } from '../../../engine/ghost/lpm.ts';
import * as T from '../../../engine/solver/term.ts';
import type { LpmModel, LpmOp } from './lpm-model.ts';

export class ContractLpm implements LpmModel {
  private version: LpmVersion;

  constructor(readonly capacity: number) {
    this.version = lpmBase({ name: 'model', capacity }, true);
  }

  add(prefix: number, length: number, value: number): number {
    const [p, l] = [T.bv(prefix >>> 0, 32), T.bv(length, 32)];
    if (!knownAcceptance(this.version, p, l)) return 0;
    this.version = lpmAdd(this.version, p, l, T.bv(value, 32));
    return 1;
  }

  lookup(address: number): number {
    const { value } = lpmMatch(this.version, T.bv(address >>> 0, 32), []);
    if (!T.isConst(value)) throw new Error(`the contract leaves ${T.show(value)} open over a concrete state`);
    return Number(BigInt.asIntN(32, value.value));
  }

  /** The contract's preconditions (engine/contracts/index.ts: lpm_add), on concrete arguments. */
  violation(op: LpmOp): string | null {
    if (op.name === 'lookup') return null;
    const signed = (n: number) => T.bv(n, 32);
    if (T.and(T.compare('sle', signed(0), signed(op.length)), T.compare('sle', signed(op.length), signed(32))) !== T.TRUE) return 'the prefix length is not in 0..32';
    return T.compare('sle', signed(0), signed(op.value)) === T.TRUE ? null : 'the value is negative';
  }
}
