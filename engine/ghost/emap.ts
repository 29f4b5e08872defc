// The ghost-map theory of an emap (key -> index map, index -> key, index allocator with time stamps).
// A version is a chain of operations over a base. Queries are rewritten through the chain down to
// uninterpreted functions of the base; the base's invariants are instantiated only at the terms that occur.
// Times are signed 64-bit nanoseconds (libvig/README.md). Versions are identified structurally (`key`), so the NF's trace and the spec build identical terms when they
// perform the same operations: that is what makes "the NF's final state equals the spec's" provable.
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import { appended, choiceByKey, emptyView, latest, latestEntries, type LogView, versionIdentity } from './concrete-log.ts';

export interface EmapObject {
  /** Spec-facing name (manifest), used in term names. */
  name: string;
  capacity: number;
  keyBits: number;
  /**
   * What every key satisfies (nf.json's key invariant), or absent. The base's keys are assumed to, at each key
   * a query names; the contracts check every key an add puts in, so it holds by induction over packets.
   */
  keyInvariant?: ((key: Term) => Term) | null;
}

type Operation =
  | { op: 'base'; empty: boolean }
  | { op: 'add'; key: Term; index: Term; time: Term }
  | { op: 'refresh'; index: Term; time: Term }
  | { op: 'erase'; key: Term }
  | { op: 'expire'; time: Term };

export type EmapVersion = Operation & {
  object: EmapObject;
  prev: EmapVersion | null;
  /** Identity by value within one run (memo key): equal chains of equal operands have equal ones. */
  key$: string;
  /**
   * The operations since the base (e.g. `expire.add`) and all their operands: identity by value. A version whose
   * entries are all known is identified by its `key$`, with no operands (a table of thousands of rows would give
   * every open value of the versions above it thousands of arguments).
   */
  shape: string;
  operands: Term[];
  /** Its entries, when all are known; null otherwise. */
  table: ConcreteEntries | null;
};

/**
 * The entries of an empty base and of adds of constant keys, indices and times over it (nf_init's, from nf.json's
 * config tables), each key and index distinct, by key and by index. Queries answer from them directly, not down a
 * chain as long as the table.
 */
interface ConcreteEntries {
  byKey: LogView<bigint, Entry>;
  byIndex: LogView<bigint, Entry>;
  /** The lowest index no entry has. */
  lowestFree: number;
  /** The earliest and the latest time stamp, if any entry. */
  stamps: { earliest: Term; latest: Term } | null;
}

interface Entry {
  key: bigint;
  index: bigint;
  time: bigint;
}

/** Facts implied by the theory for the terms a query created; the caller adds them to the path condition. */
export type Facts = Term[];

export interface GhostClock {
  /** The time of the packet being processed: every stamp of the base is at most this. */
  now: Term;
}

const i32 = (n: number) => T.bv(n, 32);

export function emapBase(object: EmapObject, empty = false): EmapVersion {
  const table = empty ? { byKey: emptyView<bigint, Entry>(), byIndex: emptyView<bigint, Entry>(), lowestFree: 0, stamps: null } : null;
  return { op: 'base', empty, object, prev: null, key$: `${object.name}${empty ? '∅' : ''}`, shape: 'base', operands: [], table };
}

function extend(prev: EmapVersion, operation: Exclude<Operation, { op: 'base' }>): EmapVersion {
  const terms = Object.values(operation).filter((v): v is Term => typeof v === 'object');
  const key$ = versionIdentity(`${prev.key$}.${operation.op}(${terms.map((t) => t.id).join(',')})`);
  const table = operation.op === 'add' ? withEntry(prev, operation) : null;
  return {
    ...operation,
    object: prev.object,
    prev,
    key$,
    shape: table ? key$ : `${prev.shape}.${operation.op}`,
    operands: table ? [] : [...prev.operands, ...terms],
    table,
  };
}

/** The entries after an add, when they are all known: the add's operands are constants, its key and index new. */
function withEntry({ table, object }: EmapVersion, { key, index, time }: { key: Term; index: Term; time: Term }): ConcreteEntries | null {
  if (!table || !T.isConst(key) || !T.isConst(index) || !T.isConst(time) || index.value >= BigInt(object.capacity)) return null;
  if (latest(table.byKey, key.value) !== undefined || latest(table.byIndex, index.value) !== undefined) return null;
  const entry = { key: key.value, index: index.value, time: time.value };
  const byIndex = appended(table.byIndex, index.value, entry);
  let lowestFree = table.lowestFree;
  while (latest(byIndex, BigInt(lowestFree)) !== undefined) lowestFree++;
  const signed = (t: Term) => BigInt.asIntN(64, t.value);
  const stamps = {
    earliest: table.stamps && signed(table.stamps.earliest) <= signed(time) ? table.stamps.earliest : time,
    latest: table.stamps && signed(table.stamps.latest) >= signed(time) ? table.stamps.latest : time,
  };
  return { byKey: appended(table.byKey, key.value, entry), byIndex, lowestFree, stamps };
}

/**
 * A value the theory leaves open (which index an add takes, how many entries an expiry leaves): an
 * uninterpreted function of the version's operands, so equal operations on equal values give equal terms.
 */
export function versionFunction(v: EmapVersion, what: string, extra: Term[], width: number): Term {
  return T.apply(`${v.object.name}.${what}@${v.shape}`, [...v.operands, ...extra], width);
}

export const emapAdd = (v: EmapVersion, key: Term, index: Term, time: Term) => extend(v, { op: 'add', key, index, time });
export const emapRefresh = (v: EmapVersion, index: Term, time: Term) => extend(v, { op: 'refresh', index, time });
export const emapErase = (v: EmapVersion, key: Term) => extend(v, { op: 'erase', key });
export const emapExpire = (v: EmapVersion, time: Term) => extend(v, { op: 'expire', time });

/** The uninterpreted functions of a base, and the invariants at each application. */
class Base {
  constructor(
    private readonly object: EmapObject,
    private readonly clock: GhostClock,
    private readonly facts: Facts,
  ) {}

  private fn(what: string, args: Term[], width: number): Term {
    return T.apply(`${this.object.name}.${what}`, args, width);
  }

  private get inRange() {
    return (i: Term) => T.compare('ult', i, i32(this.object.capacity));
  }

  has(k: Term): Term {
    const has = this.fn('has', [k], T.BOOL);
    const i = this.fn('index', [k], 32);
    this.facts.push(T.or(T.not(has), T.and(this.fn('allocated', [i], T.BOOL), T.eq(this.fn('key', [i], k.width), k), this.inRange(i), this.counted(i))));
    this.keyHolds(has, k);
    return has;
  }

  index(k: Term): Term {
    return this.fn('index', [k], 32);
  }

  allocated(i: Term): Term {
    const allocated = this.fn('allocated', [i], T.BOOL);
    const k = this.fn('key', [i], this.object.keyBits);
    const count = this.count();
    this.facts.push(T.or(T.not(allocated), T.and(this.fn('has', [k], T.BOOL), T.eq(this.fn('index', [k], 32), i), this.inRange(i), this.counted(i))));
    // A full allocator has every index; an empty one none.
    this.facts.push(T.or(T.not(T.and(T.eq(count, i32(this.object.capacity)), this.inRange(i))), allocated));
    this.facts.push(T.or(T.not(T.eq(count, i32(0))), T.not(allocated)));
    this.keyHolds(allocated, k);
    return allocated;
  }

  /**
   * Allocated index `i` is counted: it has a rank below the count, which an inverse function maps back to it, so
   * the count is at least the number of distinct allocated indices a path names (no pairwise terms needed).
   */
  private counted(i: Term): Term {
    const rank = this.fn('rank', [i], 32);
    return T.and(T.compare('ult', rank, this.count()), T.eq(this.fn('unrank', [rank], 32), i));
  }

  /** A key the base holds (where `held`) satisfies the key invariant. */
  private keyHolds(held: Term, k: Term): void {
    if (this.object.keyInvariant) this.facts.push(T.or(T.not(held), this.object.keyInvariant(k)));
  }

  keyOf(i: Term): Term {
    return this.fn('key', [i], this.object.keyBits);
  }

  stamp(i: Term): Term {
    const stamp = this.fn('stamp', [i], 64);
    // Stamps are times of earlier packets: never negative, never after this one.
    this.facts.push(T.compare('sle', T.bv(0, 64), stamp), T.compare('sle', stamp, this.clock.now));
    return stamp;
  }

  count(): Term {
    const count = T.variable(`${this.object.name}.count`, 32);
    this.facts.push(T.compare('ule', count, i32(this.object.capacity)));
    return count;
  }
}

/**
 * Queries on versions. Every fact the theory implies for the created terms is pushed to `facts`. Answers are
 * memoised per (version, query, argument): expiry makes a query revisit the chain below it several times.
 */
export class EmapQueries {
  private readonly memo = new Map<string, Term>();

  constructor(
    private readonly clock: GhostClock,
    private readonly facts: Facts,
  ) {}

  private remember(what: string, v: EmapVersion, arg: Term | null, compute: () => Term): Term {
    const key = `${what}|${v.key$}|${arg?.id ?? ''}`;
    let answer = this.memo.get(key);
    if (answer === undefined) {
      answer = compute();
      this.memo.set(key, answer);
    }
    return answer;
  }

  private base(v: EmapVersion): Base {
    return new Base(v.object, this.clock, this.facts);
  }

  has(v: EmapVersion, k: Term): Term {
    return this.remember('has', v, k, () => {
      if (v.table) return choiceByKey(v.table.byKey, k, () => T.TRUE, T.FALSE);
      switch (v.op) {
        case 'base': return this.base(v).has(k);
        case 'add': return T.or(T.eq(k, v.key), this.has(v.prev!, k));
        case 'refresh': return this.has(v.prev!, k);
        case 'erase': return T.and(T.not(T.eq(k, v.key)), this.has(v.prev!, k));
        case 'expire': {
          const prev = v.prev!;
          const has = this.has(prev, k);
          const index = this.index(prev, k);
          const stays = T.compare('sle', v.time, this.stamp(prev, index));
          this.expiryCounts(v, index, has, stays);
          return T.and(has, stays);
        }
      }
    });
  }

  /** The index of `k` (meaningful where `has` holds). */
  index(v: EmapVersion, k: Term): Term {
    return this.remember('index', v, k, () => {
      if (v.table) return choiceByKey(v.table.byKey, k, (entry) => i32(Number(entry.index)), i32(0));
      switch (v.op) {
        case 'base': return this.base(v).index(k);
        case 'add': return T.ite(T.eq(k, v.key), v.index, this.index(v.prev!, k));
        default: return this.index(v.prev!, k);
      }
    });
  }

  allocated(v: EmapVersion, i: Term): Term {
    return this.remember('allocated', v, i, () => {
      if (v.table) return choiceByKey(v.table.byIndex, i, () => T.TRUE, T.FALSE);
      switch (v.op) {
        case 'base': return this.base(v).allocated(i);
        case 'add': return T.or(T.eq(i, v.index), this.allocated(v.prev!, i));
        case 'refresh': return this.allocated(v.prev!, i);
        case 'erase': return T.and(T.not(T.eq(i, this.index(v.prev!, v.key))), this.allocated(v.prev!, i));
        case 'expire': {
          const allocated = this.allocated(v.prev!, i);
          const stays = T.compare('sle', v.time, this.stamp(v.prev!, i));
          this.expiryCounts(v, i, allocated, stays);
          return T.and(allocated, stays);
        }
      }
    });
  }

  keyOf(v: EmapVersion, i: Term): Term {
    return this.remember('keyOf', v, i, () => {
      if (v.table) return choiceByKey(v.table.byIndex, i, (entry) => T.bv(entry.key, v.object.keyBits), T.bv(0, v.object.keyBits));
      switch (v.op) {
        case 'base': return this.base(v).keyOf(i);
        case 'add': return T.ite(T.eq(i, v.index), v.key, this.keyOf(v.prev!, i));
        default: return this.keyOf(v.prev!, i);
      }
    });
  }

  stamp(v: EmapVersion, i: Term): Term {
    return this.remember('stamp', v, i, () => {
      if (v.table) return choiceByKey(v.table.byIndex, i, (entry) => T.bv(entry.time, 64), T.bv(0, 64));
      switch (v.op) {
        case 'base': return this.base(v).stamp(i);
        case 'add': case 'refresh': return T.ite(T.eq(i, v.index), v.time, this.stamp(v.prev!, i));
        default: return this.stamp(v.prev!, i);
      }
    });
  }

  count(v: EmapVersion): Term {
    return this.remember('count', v, null, () => {
      if (v.table) return i32(v.table.byKey.size);
      switch (v.op) {
        case 'base': return this.base(v).count();
        case 'add': return T.binary('add', this.count(v.prev!), i32(1));
        case 'erase': return T.binary('sub', this.count(v.prev!), i32(1));
        case 'refresh': return this.count(v.prev!);
        case 'expire': {
          const prev = v.prev!;
          const before = this.count(prev);
          // Over an empty base every allocated index was added in the chain: count exactly what expires.
          const added = addedIndices(prev);
          if (added) {
            const expires = (i: Term) => T.and(this.allocated(prev, i), T.compare('slt', this.stamp(prev, i), v.time));
            return T.binary('sub', before, sum(added.map((i) => T.ite(expires(i), i32(1), i32(0)))));
          }
          // Otherwise how many expire is not expressible without quantifiers: an open value of the version, tied
          // to each entry a query names (expiryCounts). The base's stamps are in 0..now: an expiry up to time 0
          // that every stamp given since is at least removes nothing; one past now and past every stamp given
          // since removes everything.
          const count = versionFunction(v, 'count', [], 32);
          const given = stampsGiven(prev);
          const keepsAll = T.and(T.compare('sle', v.time, T.bv(0, 64)), ...given.map((time) => T.compare('sle', v.time, time)));
          const removesAll = T.and(T.compare('slt', this.clock.now, v.time), ...given.map((time) => T.compare('slt', time, v.time)));
          this.facts.push(T.compare('ule', count, before), T.or(T.not(keepsAll), T.eq(count, before)), T.or(T.not(removesAll), T.eq(count, i32(0))));
          return count;
        }
      }
    });
  }

  /**
   * Ties an open count after expiry `v` to the entry at `index` before it (`present` there; `stays`: stamped no
   * earlier than the expiry's time): an entry it removes is counted among those removed, one it keeps among those
   * after. Counting distinct entries needs no pairwise terms: each is given a rank below the number, and an
   * inverse function of the version maps the rank back to the index, so distinct entries get distinct ranks.
   * With every entry a path names so placed, the entries it does not name can make up both numbers, and a
   * replay's placeholders do (engine/session/replay.ts).
   */
  private expiryCounts(v: EmapVersion, index: Term, present: Term, stays: Term): void {
    if (present === T.FALSE || addedIndices(v.prev!)) return; // over an empty base the count is exact
    const after = this.count(v);
    const removed = T.binary('sub', this.count(v.prev!), after);
    const ranked = (what: (typeof EXPIRY_RANKS)[number], among: Term, where: Term) => {
      if (where === T.FALSE) return;
      const rank = versionFunction(v, `${what}.rank`, [index], 32);
      const unrank = versionFunction(v, `${what}.unrank`, [rank], 32);
      this.facts.push(T.or(T.not(where), T.and(T.compare('ult', rank, among), T.eq(unrank, index))));
    };
    ranked('removed', removed, T.and(present, T.not(stays)));
    ranked('kept', after, T.and(present, stays));
  }

  /**
   * What the index an add to `v` takes satisfies: in range and free, and, as the run-time's free indices are a
   * stack (libvig/README.md), the index freed last since the base if any was: the key an erase removed, or one
   * an expiry removed (the run-time's is the newest of those; stamps are never read back, so a replay can make
   * any of them the newest). Before any freeing, the base's free stack is open: some free index.
   */
  addedIndex(v: EmapVersion, index: Term): Term {
    const conditions = [T.compare('ult', index, i32(v.object.capacity)), T.not(this.allocated(v, index))];
    let unfreed: Term = T.TRUE; // nothing was freed between `at` and `v`
    let at = v;
    for (; at.op === 'refresh' || at.op === 'expire'; at = at.prev!) {
      if (at.op === 'refresh') continue;
      const prev = at.prev!;
      const freed = T.compare('ult', this.count(at), this.count(prev));
      conditions.push(T.or(T.not(T.and(unfreed, freed)), T.and(this.allocated(prev, index), T.compare('slt', this.stamp(prev, index), at.time))));
      unfreed = T.and(unfreed, T.not(freed));
    }
    if (at.op === 'erase') conditions.push(T.or(T.not(unfreed), T.eq(index, this.index(at.prev!, at.key))));
    return T.and(...conditions);
  }

  /**
   * Over an empty base (nf_init) with only adds since, every index's status is concrete: the lowest free one, which
   * is also the one the run-time's stack holds on top. Null otherwise (addedIndex says more).
   */
  lowestFreeIndex(v: EmapVersion): Term | null {
    let at = v;
    while (!at.table && at.op === 'add') at = at.prev!;
    if (!at.table) return null;
    for (let i = at.table.lowestFree; i < v.object.capacity; i++) {
      const allocated = this.allocated(v, T.bv(i, 32));
      if (allocated === T.FALSE) return T.bv(i, 32);
      if (allocated !== T.TRUE) return null;
    }
    return null;
  }

  full(v: EmapVersion): Term {
    return T.eq(this.count(v), i32(v.object.capacity));
  }
}

const EXPIRY_RANKS = ['removed', 'kept'] as const;

/** The indices, among `terms`, that queries ranked among those expiry `v` removes or keeps (expiryCounts). */
export function rankedAtExpiry(v: EmapVersion, terms: readonly Term[]): Term[] {
  const names = new Set(EXPIRY_RANKS.map((what) => versionFunction(v, `${what}.rank`, [T.bv(0, 32)], 32).name));
  return terms.filter((t) => t.op === 'apply' && names.has(t.name) && t.args.slice(0, -1).every((arg, i) => arg === v.operands[i])).map((t) => t.args.at(-1)!);
}

/** The times of the adds and refreshes along a chain (of known entries, the earliest and the latest: what bounds all). */
function stampsGiven(v: EmapVersion): Term[] {
  const times: Term[] = [];
  let at = v;
  for (; !at.table && at.prev; at = at.prev) if (at.op === 'add' || at.op === 'refresh') times.push(at.time);
  if (at.table?.stamps) times.push(at.table.stamps.earliest, at.table.stamps.latest);
  return times;
}

/** The distinct indices added along a chain over an empty base; null over an abstract base. */
function addedIndices(v: EmapVersion): Term[] | null {
  const indices = new Map<number, Term>();
  let at = v;
  for (; !at.table; at = at.prev!) {
    if (at.op === 'base') return null;
    if (at.op === 'add') indices.set(at.index.id, at.index);
  }
  for (const { key } of latestEntries(at.table.byIndex)) {
    const index = i32(Number(key));
    indices.set(index.id, index);
  }
  return [...indices.values()];
}

/** A sum as a balanced tree: a table's thousands of terms in a chain would be as deep. */
function sum(terms: Term[]): Term {
  if (terms.length === 0) return i32(0);
  if (terms.length === 1) return terms[0]!;
  const half = terms.length >> 1;
  return T.binary('add', sum(terms.slice(0, half)), sum(terms.slice(half)));
}
