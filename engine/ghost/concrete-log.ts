// What a chain of versions made with constant operands over an empty base holds (nf_init's config tables, which
// may have thousands of rows), kept as one log the chain's versions share; lookups in it by a symbolic key as
// search trees over its constant keys; versions' short identities.
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';

/**
 * A version's entries: the first `size` of a log that versions along one chain share. An append is O(1), not a
 * copy of what the version holds; an append to a version that is not the log's last copies the log's first
 * `size` entries, so chains that diverge keep their own.
 */
export interface LogView<K, E> {
  log: Log<K, E>;
  size: number;
  /** Distinct keys among those entries. */
  distinct: number;
}

interface Log<K, E> {
  entries: { key: K; entry: E }[];
  /** Each key's places in `entries`, ascending. */
  places: Map<K, number[]>;
}

export const emptyView = <K, E>(): LogView<K, E> => ({ log: { entries: [], places: new Map() }, size: 0, distinct: 0 });

export function appended<K, E>(view: LogView<K, E>, key: K, entry: E): LogView<K, E> {
  const log = view.log.entries.length === view.size ? view.log : copied(view);
  const places = log.places.get(key);
  if (places) places.push(view.size);
  else log.places.set(key, [view.size]);
  log.entries.push({ key, entry });
  return { log, size: view.size + 1, distinct: view.distinct + (places ? 0 : 1) };
}

function copied<K, E>({ log, size }: LogView<K, E>): Log<K, E> {
  const places = new Map<K, number[]>();
  for (const [key, at] of log.places) {
    const kept = at.filter((place) => place < size);
    if (kept.length > 0) places.set(key, kept);
  }
  return { entries: log.entries.slice(0, size), places };
}

/** The entry the view last appended under `key`, if any. */
export function latest<K, E>(view: LogView<K, E>, key: K): E | undefined {
  const places = view.log.places.get(key) ?? [];
  for (let i = places.length - 1; i >= 0; i--) if (places[i]! < view.size) return view.log.entries[places[i]!]!.entry;
  return undefined;
}

/** Each key's latest entry in the view, in the order the keys first came. */
export function latestEntries<K, E>(view: LogView<K, E>): { key: K; entry: E }[] {
  const byKey = new Map<K, E>();
  for (let i = 0; i < view.size; i++) byKey.set(view.log.entries[i]!.key, view.log.entries[i]!.entry);
  return [...byKey].map(([key, entry]) => ({ key, entry }));
}

/** Constant keys, unsigned, ascending. */
export const ascending = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A choice by `key` among distinct constant keys (ascending) as a binary trie: `found(i)` where `key` equals
 * `keys[i]`, `otherwise` where it equals none. Each node tests one bit of the key, the highest bit its keys differ
 * in, and each leaf compares the key with its one constant. The depth is at most the key's width, about the
 * logarithm of the table for keys that spread: a chain of one choice per key would be as deep as the table, which
 * neither the terms' walks nor the solver take at thousands of rows. Single bits, not comparisons of the whole key
 * (`key <= c`), because Z3 takes them at once: a tree of comparisons with 400 random 64-bit keys (a bridge's static
 * rules) exhausted its work budget. A choice the key decides (a constant key, a replay's lookup) is not built.
 */
export function searchTree<R>(key: Term, keys: readonly bigint[], found: (i: number) => R, otherwise: R, choose: (condition: Term, yes: R, no: R) => R): R {
  const search = (lo: number, hi: number): R => {
    if (lo === hi) {
      const equal = T.eq(key, T.bv(keys[lo]!, key.width));
      return equal === T.TRUE ? found(lo) : equal === T.FALSE ? otherwise : choose(equal, found(lo), otherwise);
    }
    const bit = highestBit(keys[lo]! ^ keys[hi]!);
    // Sorted keys that agree above `bit` have it clear up to some place and set after it.
    let ones = hi;
    while (ones > lo && ((keys[ones - 1]! >> BigInt(bit)) & 1n) === 1n) ones--;
    const set = T.eq(T.extract(bit, bit, key), T.bv(1, 1));
    return set === T.TRUE ? search(ones, hi) : set === T.FALSE ? search(lo, ones - 1) : choose(set, search(ones, hi), search(lo, ones - 1));
  };
  return keys.length === 0 ? otherwise : search(0, keys.length - 1);
}

function highestBit(x: bigint): number {
  return x.toString(2).length - 1;
}

const sortedViews = new WeakMap<LogView<bigint, unknown>, { keys: bigint[]; entries: unknown[] }>();

/**
 * What `found` gives of the entry the view last appended under `key`, `otherwise` where there is none: looked up
 * for a constant key, and for a choice among constants (an index another table's lookup gave) at each of them;
 * a search tree over the view's keys for any other key.
 */
export function choiceByKey<E>(view: LogView<bigint, E>, key: Term, found: (entry: E) => Term, otherwise: Term): Term {
  const lookUp = (constant: bigint) => {
    const entry = latest(view, constant);
    return entry === undefined ? otherwise : found(entry);
  };
  const done = new Map<Term, Term | null>();
  const atConstants = (choice: Term): Term | null => {
    if (T.isConst(choice)) return lookUp(choice.value);
    if (choice.op !== 'ite') return null;
    let answer = done.get(choice);
    if (answer === undefined) {
      const [condition, yes, no] = choice.args as [Term, Term, Term];
      const [a, b] = [atConstants(yes), atConstants(no)];
      answer = a && b && T.ite(condition, a, b);
      done.set(choice, answer);
    }
    return answer;
  };
  const looked = atConstants(key);
  if (looked) return looked;
  let sorted = sortedViews.get(view);
  if (!sorted) {
    const entries = latestEntries(view).sort((a, b) => ascending(a.key, b.key));
    sorted = { keys: entries.map((e) => e.key), entries: entries.map((e) => e.entry) };
    sortedViews.set(view, sorted);
  }
  const { keys, entries } = sorted;
  return searchTree(key, keys, (i) => found(entries[i] as E), otherwise, T.ite);
}

const identities = new Map<string, string>();

/**
 * A short identity for a version described by `text` (its predecessor's identity, its operation and its operands'
 * term ids): equal descriptions get equal identities, and a chain of thousands of versions does not describe each
 * with all those below it.
 */
export function versionIdentity(text: string): string {
  let identity = identities.get(text);
  if (identity === undefined) {
    identity = `#${identities.size}`;
    identities.set(text, identity);
  }
  return identity;
}
