// The ghost theory of an IPv4 longest-prefix-match table: rules added over a base. A lookup is the value and
// length of the longest rule matching an address: the base's are uninterpreted (length -1 and value -1 when no
// rule matches), each added rule overrides them where it matches at least as long a prefix.
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';

export interface LpmObject {
  name: string;
  capacity: number;
}

export type LpmVersion =
  | { op: 'base'; object: LpmObject; empty: boolean }
  | { op: 'add'; object: LpmObject; prev: LpmVersion; prefix: Term; length: Term; value: Term };

export const lpmBase = (object: LpmObject, empty = false): LpmVersion => ({ op: 'base', object, empty });
export const lpmAdd = (prev: LpmVersion, prefix: Term, length: Term, value: Term): LpmVersion => ({ op: 'add', object: prev.object, prev, prefix, length, value });

const NONE = T.bv(-1, 32);

/** Value and length of the longest rule matching `address`; the base's invariants go to `facts`. */
export function lpmMatch(v: LpmVersion, address: Term, facts: Term[]): { value: Term; length: Term } {
  if (v.op === 'base') {
    if (v.empty) return { value: NONE, length: NONE };
    const value = T.apply(`${v.object.name}.value`, [address], 32);
    const length = T.apply(`${v.object.name}.length`, [address], 32);
    const matched = T.not(T.eq(length, NONE));
    facts.push(
      T.compare('sle', NONE, length), T.compare('sle', length, T.bv(32, 32)),
      T.eq(matched, T.not(T.eq(value, NONE))), T.or(T.not(matched), T.compare('sle', T.bv(0, 32), value)),
    );
    return { value, length };
  }
  const previous = lpmMatch(v.prev, address, facts);
  // The first `length` bits agree (a shift by 32 leaves nothing to compare: the rule of length 0 matches all).
  const shift = T.binary('sub', T.bv(32, 32), v.length);
  const matches = T.eq(T.binary('lshr', address, shift), T.binary('lshr', v.prefix, shift));
  const wins = T.and(matches, T.compare('sle', previous.length, v.length));
  return { value: T.ite(wins, v.value, previous.value), length: T.ite(wins, v.length, previous.length) };
}

/** A rule's identity: its length and the first `length` bits of its prefix. */
export function ruleKey(prefix: bigint, length: number): string {
  return `${length === 0 ? 0n : BigInt.asUintN(32, prefix) >> BigInt(32 - length)}/${length}`;
}

/** The rules of a chain over an empty base (nf_init), when all concrete; null otherwise. */
export function concreteRules(v: LpmVersion): Set<string> | null {
  const rules = new Set<string>();
  let at = v;
  while (at.op === 'add') {
    if (!T.isConst(at.prefix) || !T.isConst(at.length)) return null;
    rules.add(ruleKey(at.prefix.value, Number(at.length.value)));
    at = at.prev;
  }
  return at.empty ? rules : null;
}
