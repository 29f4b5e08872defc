// The ghost theory of an IPv4 longest-prefix-match table: rules added over a base. A lookup is the value and
// length of the longest rule matching an address: the base's are uninterpreted (length -1 and value -1 when no
// rule matches), each added rule overrides them where it matches at least as long a prefix.
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import { appended, ascending, emptyView, latest, latestEntries, type LogView, searchTree } from './concrete-log.ts';

export interface LpmObject {
  name: string;
  capacity: number;
}

export type LpmVersion =
  | { op: 'base'; object: LpmObject; empty: boolean }
  | { op: 'add'; object: LpmObject; prev: LpmVersion; prefix: Term; length: Term; value: Term; table: ConcreteTable | null };

/**
 * The rules of a version whose every add was concrete, over an empty base (nf_init's table from nf.json), by
 * their identity (`ruleKey`): the last add of a rule wins; the capacity counts distinct rules.
 */
type ConcreteTable = LogView<string, Rule>;

interface Rule {
  length: number;
  /** The prefix's first `length` bits. */
  bits: bigint;
  value: bigint;
}

export const lpmBase = (object: LpmObject, empty = false): LpmVersion => ({ op: 'base', object, empty });

export function lpmAdd(prev: LpmVersion, prefix: Term, length: Term, value: Term): LpmVersion {
  return { op: 'add', object: prev.object, prev, prefix, length, value, table: extended(prev, prefix, length, value) };
}

/** A version's rules when all are known (an empty base's are: none); null otherwise. */
function tableOf(v: LpmVersion): ConcreteTable | null {
  if (v.op === 'add') return v.table;
  return v.empty ? emptyView() : null;
}

function extended(prev: LpmVersion, prefix: Term, length: Term, value: Term): ConcreteTable | null {
  const table = tableOf(prev);
  if (!table || !T.isConst(prefix) || !T.isConst(length) || !T.isConst(value) || length.value > 32n) return null;
  const rule = ruleOf(prefix.value, Number(length.value));
  return appended(table, ruleKey(rule), { ...rule, value: value.value });
}

/** A rule's length and the first `length` bits of its prefix. */
function ruleOf(prefix: bigint, length: number): Omit<Rule, 'value'> {
  return { length, bits: length === 0 ? 0n : BigInt.asUintN(32, prefix) >> BigInt(32 - length) };
}

/** A rule's identity. */
const ruleKey = ({ length, bits }: Omit<Rule, 'value'>): string => `${bits}/${length}`;

/** Whether a version accepts a rule with this prefix and length, when that is known: its rules are all concrete. */
export function knownAcceptance(v: LpmVersion, prefix: Term, length: Term): boolean | null {
  const table = tableOf(v);
  if (!table || !T.isConst(prefix) || !T.isConst(length)) return null;
  return latest(table, ruleKey(ruleOf(prefix.value, Number(length.value)))) !== undefined || table.distinct < v.object.capacity;
}

const NONE = T.bv(-1, 32);

type Match = { value: Term; length: Term };

/** Value and length of the longest rule matching `address`; the base's invariants go to `facts`. */
export function lpmMatch(v: LpmVersion, address: Term, facts: Term[]): Match {
  // The adds above the concrete table or the base, each overriding the match below it where it wins.
  const above: Extract<LpmVersion, { op: 'add' }>[] = [];
  let at = v;
  while (at.op === 'add' && at.table === null) {
    above.push(at);
    at = at.prev;
  }
  let match = at.op === 'add' ? concreteMatch(at.table!, address) : baseMatch(at, address, facts);
  for (const add of above.reverse()) {
    // The first `length` bits agree (a shift by 32 leaves nothing to compare: the rule of length 0 matches all).
    const shift = T.binary('sub', T.bv(32, 32), add.length);
    const matches = T.eq(T.binary('lshr', address, shift), T.binary('lshr', add.prefix, shift));
    const wins = T.and(matches, T.compare('sle', match.length, add.length));
    match = { value: T.ite(wins, add.value, match.value), length: T.ite(wins, add.length, match.length) };
  }
  return match;
}

function baseMatch(base: Extract<LpmVersion, { op: 'base' }>, address: Term, facts: Term[]): Match {
  if (base.empty) return { value: NONE, length: NONE };
  const value = T.apply(`${base.object.name}.value`, [address], 32);
  const length = T.apply(`${base.object.name}.length`, [address], 32);
  const matched = T.not(T.eq(length, NONE));
  facts.push(
    T.compare('sle', NONE, length), T.compare('sle', length, T.bv(32, 32)),
    T.eq(matched, T.not(T.eq(value, NONE))), T.or(T.not(matched), T.compare('sle', T.bv(0, 32), value)),
  );
  return { value, length };
}

/** A concrete table's rules by length, longest last, each length's prefixes in ascending order. */
const byLength = new WeakMap<ConcreteTable, { length: number; rules: Rule[] }[]>();

function groupsOf(table: ConcreteTable): { length: number; rules: Rule[] }[] {
  let groups = byLength.get(table);
  if (!groups) {
    const lengths = new Map<number, Rule[]>();
    for (const { entry: rule } of latestEntries(table)) {
      const group = lengths.get(rule.length) ?? [];
      group.push(rule);
      lengths.set(rule.length, group);
    }
    groups = [...lengths].sort(([a], [b]) => a - b).map(([length, rules]) => ({ length, rules: rules.sort((a, b) => ascending(a.bits, b.bits)) }));
    byLength.set(table, groups);
  }
  return groups;
}

/**
 * The longest match in a concrete table as a search tree over each length's prefixes, longest length first: its
 * depth is logarithmic in the table (a chain of 10,000 routes as nested choices would be 10,000 deep, which
 * neither the terms' walks nor the solver take). A choice the address decides is not built (a replay's lookup).
 */
function concreteMatch(table: ConcreteTable, address: Term): Match {
  let match: Match = { value: NONE, length: NONE };
  for (const { length, rules } of groupsOf(table)) {
    const found = (value: bigint): Match => ({ value: T.bv(value, 32), length: T.bv(length, 32) });
    if (length === 0) {
      match = found(rules[rules.length - 1]!.value);
      continue;
    }
    const key = T.extract(31, 32 - length, address);
    match = searchTree(key, rules.map((rule) => rule.bits), (i) => found(rules[i]!.value), match, choose);
  }
  return match;
}

const choose = (condition: Term, a: Match, b: Match): Match => ({ value: T.ite(condition, a.value, b.value), length: T.ite(condition, a.length, b.length) });

