// The ghost-map theory of an emap (key -> index map, index -> key, index allocator with time stamps).
// A version is a chain of operations over a base. Queries are rewritten through the chain down to
// uninterpreted functions of the base; the base's invariants are instantiated only at the terms that occur.
// Times are signed 64-bit nanoseconds (libvig/README.md). Versions are identified structurally (`key`), so the NF's trace and the spec build identical terms when they
// perform the same operations: that is what makes "the NF's final state equals the spec's" provable.
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';

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
  /** Identity within one run (memo key). */
  key$: string;
  /** The operations since the base (e.g. `expire.add`) and all their operands: identity by value. */
  shape: string;
  operands: Term[];
};

/** Facts implied by the theory for the terms a query created; the caller adds them to the path condition. */
export type Facts = Term[];

export interface GhostClock {
  /** The time of the packet being processed: every stamp of the base is at most this. */
  now: Term;
}

const i32 = (n: number) => T.bv(n, 32);

export function emapBase(object: EmapObject, empty = false): EmapVersion {
  return { op: 'base', empty, object, prev: null, key$: `${object.name}${empty ? '∅' : ''}`, shape: 'base', operands: [] };
}

function extend(prev: EmapVersion, operation: Exclude<Operation, { op: 'base' }>): EmapVersion {
  const terms = Object.values(operation).filter((v): v is Term => typeof v === 'object');
  return {
    ...operation,
    object: prev.object,
    prev,
    key$: `${prev.key$}.${operation.op}(${terms.map((t) => t.id).join(',')})`,
    shape: `${prev.shape}.${operation.op}`,
    operands: [...prev.operands, ...terms],
  };
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
    this.facts.push(T.or(T.not(has), T.and(this.fn('allocated', [i], T.BOOL), T.eq(this.fn('key', [i], k.width), k), this.inRange(i))));
    this.facts.push(T.or(T.not(has), T.compare('ule', i32(1), this.count())));
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
    this.facts.push(T.or(T.not(allocated), T.and(this.fn('has', [k], T.BOOL), T.eq(this.fn('index', [k], 32), i), this.inRange(i), T.compare('ule', i32(1), count))));
    // A full allocator has every index; an empty one none.
    this.facts.push(T.or(T.not(T.and(T.eq(count, i32(this.object.capacity)), this.inRange(i))), allocated));
    this.facts.push(T.or(T.not(T.eq(count, i32(0))), T.not(allocated)));
    this.keyHolds(allocated, k);
    return allocated;
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
      switch (v.op) {
        case 'base': return v.empty ? T.FALSE : this.base(v).has(k);
        case 'add': return T.or(T.eq(k, v.key), this.has(v.prev!, k));
        case 'refresh': return this.has(v.prev!, k);
        case 'erase': return T.and(T.not(T.eq(k, v.key)), this.has(v.prev!, k));
        case 'expire': {
          const prev = v.prev!;
          const has = this.has(prev, k);
          const stays = T.compare('sle', v.time, this.stamp(prev, this.index(prev, k)));
          this.expiryShrinks(v, T.and(has, T.not(stays)));
          return T.and(has, stays);
        }
      }
    });
  }

  /** The index of `k` (meaningful where `has` holds). */
  index(v: EmapVersion, k: Term): Term {
    return this.remember('index', v, k, () => {
      switch (v.op) {
        case 'base': return v.empty ? i32(0) : this.base(v).index(k);
        case 'add': return T.ite(T.eq(k, v.key), v.index, this.index(v.prev!, k));
        default: return this.index(v.prev!, k);
      }
    });
  }

  allocated(v: EmapVersion, i: Term): Term {
    return this.remember('allocated', v, i, () => {
      switch (v.op) {
        case 'base': return v.empty ? T.FALSE : this.base(v).allocated(i);
        case 'add': return T.or(T.eq(i, v.index), this.allocated(v.prev!, i));
        case 'refresh': return this.allocated(v.prev!, i);
        case 'erase': return T.and(T.not(T.eq(i, this.index(v.prev!, v.key))), this.allocated(v.prev!, i));
        case 'expire': {
          const allocated = this.allocated(v.prev!, i);
          const stays = T.compare('sle', v.time, this.stamp(v.prev!, i));
          this.expiryShrinks(v, T.and(allocated, T.not(stays)));
          return T.and(allocated, stays);
        }
      }
    });
  }

  keyOf(v: EmapVersion, i: Term): Term {
    return this.remember('keyOf', v, i, () => {
      switch (v.op) {
        case 'base': return v.empty ? T.bv(0, v.object.keyBits) : this.base(v).keyOf(i);
        case 'add': return T.ite(T.eq(i, v.index), v.key, this.keyOf(v.prev!, i));
        default: return this.keyOf(v.prev!, i);
      }
    });
  }

  stamp(v: EmapVersion, i: Term): Term {
    return this.remember('stamp', v, i, () => {
      switch (v.op) {
        case 'base': return v.empty ? T.bv(0, 64) : this.base(v).stamp(i);
        case 'add': case 'refresh': return T.ite(T.eq(i, v.index), v.time, this.stamp(v.prev!, i));
        default: return this.stamp(v.prev!, i);
      }
    });
  }

  count(v: EmapVersion): Term {
    return this.remember('count', v, null, () => {
      switch (v.op) {
        case 'base': return v.empty ? i32(0) : this.base(v).count();
        case 'add': return T.binary('add', this.count(v.prev!), i32(1));
        case 'erase': return T.binary('sub', this.count(v.prev!), i32(1));
        case 'refresh': return this.count(v.prev!);
        case 'expire': {
          const prev = v.prev!;
          const before = this.count(prev);
          // Over an empty base every allocated index was added in the chain: count exactly what expires.
          const added = addedIndices(prev);
          if (added) {
            return added.reduce((n, i) => {
              const expires = T.and(this.allocated(prev, i), T.compare('slt', this.stamp(prev, i), v.time));
              return T.binary('sub', n, T.ite(expires, i32(1), i32(0)));
            }, before);
          }
          // Otherwise how many expire is not expressible without quantifiers: an open value of the version. But
          // the base's stamps are never negative: an expiry up to time 0 that every stamp given since is at least
          // removes nothing.
          const count = versionFunction(v, 'count', [], 32);
          const keepsAll = T.and(T.compare('sle', v.time, T.bv(0, 64)), ...stampsGiven(prev).map((time) => T.compare('sle', v.time, time)));
          this.facts.push(T.compare('ule', count, before), T.or(T.not(keepsAll), T.eq(count, before)));
          return count;
        }
      }
    });
  }

  /** An entry this expiry removes makes the count after it smaller (the open count knows no more by itself). */
  private expiryShrinks(v: EmapVersion, removes: Term): void {
    if (removes === T.FALSE) return;
    this.facts.push(T.or(T.not(removes), T.compare('ult', this.count(v), this.count(v.prev!))));
  }

  /**
   * Over an empty base (nf_init) every index's status is concrete: the lowest free one, which is also the one
   * the run-time takes first. Null over an abstract base.
   */
  lowestFreeIndex(v: EmapVersion): Term | null {
    if (addedIndices(v) === null) return null;
    for (let i = 0; i < v.object.capacity; i++) {
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

/** The times of the adds and refreshes along a chain. */
function stampsGiven(v: EmapVersion): Term[] {
  const times: Term[] = [];
  for (let at: EmapVersion | null = v; at; at = at.prev) if (at.op === 'add' || at.op === 'refresh') times.push(at.time);
  return times;
}

/** The distinct indices added along a chain over an empty base; null over an abstract base. */
function addedIndices(v: EmapVersion): Term[] | null {
  const indices = new Map<number, Term>();
  for (let at: EmapVersion | null = v; at; at = at.prev) {
    if (at.op === 'base') return at.empty ? [...indices.values()] : null;
    if (at.op === 'add') indices.set(at.index.id, at.index);
  }
  return null;
}
