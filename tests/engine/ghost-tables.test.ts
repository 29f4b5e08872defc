// The ghost theories over nf_init's config tables (engine/ghost/concrete-log.ts): a version holding constant
// entries answers every query as the chain of its operations does, and at tens of thousands of rows in terms of
// logarithmic depth (a chain's terms are as deep as the table: neither the terms' walks nor Z3 take that).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { emapAdd, emapBase, emapErase, emapExpire, EmapQueries, type EmapVersion } from '../../engine/ghost/emap.ts';
import { vectorBase, vectorGet, vectorSet, type VectorVersion } from '../../engine/ghost/vector.ts';
import * as T from '../../engine/solver/term.ts';
import type { Term } from '../../engine/solver/term.ts';

const CAPACITY = 65536;
const KEY_BITS = 48;

function generator(seed: number) {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
}

/** Distinct 48-bit keys. */
function keysOf(count: number, next: () => number): bigint[] {
  const keys = new Set<bigint>();
  while (keys.size < count) keys.add((BigInt(next()) << 16n) | BigInt(next() & 0xffff));
  return [...keys];
}

function depth(root: Term): number {
  const depths = new Map<Term, number>();
  const stack: Term[] = [root];
  while (stack.length > 0) {
    const t = stack[stack.length - 1]!;
    const pending = t.args.filter((a) => !depths.has(a));
    if (pending.length > 0) stack.push(...pending);
    else {
      stack.pop();
      depths.set(t, 1 + Math.max(0, ...t.args.map((a) => depths.get(a)!)));
    }
  }
  return depths.get(root)!;
}

const at = (values: Record<string, bigint>): T.Assignment => ({ ...T.emptyAssignment(), scalars: new Map(Object.entries(values)) });

const k = T.variable('k', KEY_BITS);
const i = T.variable('i', 32);
const cut = T.variable('cut', 64);
/** The first add's time: a variable makes the chain of adds one no table holds (assigned its constant when evaluated). */
const firstTime = T.variable('first_time', 64);

/** `count` adds of distinct keys at the lowest free index, with times 0..999, as nf_init makes them. */
function emapTable(count: number, seed: number, symbolicFirst = false) {
  const next = generator(seed);
  const keys = keysOf(count, next);
  const times = keys.map(() => BigInt(next() % 1000));
  const queries = new EmapQueries({ now: T.bv(1000, 64) }, []);
  let v = emapBase({ name: 'table', capacity: CAPACITY, keyBits: KEY_BITS }, true);
  keys.forEach((key, n) => {
    const index = queries.lowestFreeIndex(v) ?? T.bv(n, 32);
    v = emapAdd(v, T.bv(key, KEY_BITS), index, symbolicFirst && n === 0 ? firstTime : T.bv(times[n]!, 64));
  });
  return { v, keys, times };
}

describe('ghost tables', () => {
  test('an emap holding constant entries answers as the chain of its adds, and as it after an expiry, an add and an erase above it', () => {
    const { v: table, keys, times } = emapTable(300, 7);
    const { v: chain } = emapTable(300, 7, true);
    assert.ok(table.table && !chain.table, 'one holds a table, the other is a chain');
    const queries = new EmapQueries({ now: T.bv(1000, 64) }, []);
    const above = (v: EmapVersion) => emapErase(emapAdd(emapExpire(v, cut), k, T.bv(300, 32), T.bv(1000, 64)), T.bv(keys[5]!, KEY_BITS));
    const absent = keysOf(20, generator(99)).filter((key) => !keys.includes(key));
    for (const [name, a, b] of [['table', table, chain], ['above', above(table), above(chain)]] as const) {
      const pairs: [string, Term, Term][] = [
        ['has', queries.has(a, k), queries.has(b, k)],
        ['index', queries.index(a, k), queries.index(b, k)],
        ['allocated', queries.allocated(a, i), queries.allocated(b, i)],
        ['keyOf', queries.keyOf(a, i), queries.keyOf(b, i)],
        ['stamp', queries.stamp(a, i), queries.stamp(b, i)],
        ['count', queries.count(a), queries.count(b)],
      ];
      for (const key of [...keys.filter((_, n) => n % 7 === 0), ...absent]) {
        for (const index of [0n, 1n, 150n, 299n, 300n, 301n, 4000n]) {
          for (const time of [0n, 500n, 1001n]) {
            const model = at({ k: key, i: index, cut: time, first_time: times[0]! });
            for (const [query, x, y] of pairs) assert.equal(T.evaluate(x, model), T.evaluate(y, model), `${name}: ${query} at key ${key}, index ${index}, expiry ${time}`);
          }
        }
      }
    }
    assert.equal(queries.count(table), T.bv(300, 32));
    assert.equal(queries.lowestFreeIndex(table), T.bv(300, 32));
  });

  test('versions that diverge from one table keep their own entries', () => {
    const { v, keys } = emapTable(10, 3);
    const queries = new EmapQueries({ now: T.bv(1000, 64) }, []);
    const [x, y] = [T.bv(0xaaaan, KEY_BITS), T.bv(0xbbbbn, KEY_BITS)];
    const a = emapAdd(v, x, T.bv(10, 32), T.bv(1, 64));
    const b = emapAdd(v, y, T.bv(10, 32), T.bv(2, 64));
    const c = emapAdd(a, y, T.bv(11, 32), T.bv(3, 64));
    assert.deepEqual([queries.has(a, x), queries.has(a, y), queries.has(b, x), queries.has(b, y), queries.has(c, y), queries.has(v, x)], [T.TRUE, T.FALSE, T.FALSE, T.TRUE, T.TRUE, T.FALSE]);
    assert.deepEqual([queries.stamp(a, T.bv(10, 32)), queries.stamp(b, T.bv(10, 32))], [T.bv(1, 64), T.bv(2, 64)]);
    assert.deepEqual([queries.count(v), queries.count(b), queries.count(c)], [T.bv(10, 32), T.bv(11, 32), T.bv(12, 32)]);
    assert.equal(queries.has(c, T.bv(keys[0]!, KEY_BITS)), T.TRUE);
    assert.equal(queries.lowestFreeIndex(c), T.bv(12, 32));
  });

  test('an emap of 20,000 entries and its values: lookups by a symbolic key are shallow and right', () => {
    const { v, keys } = emapTable(20000, 11);
    let values: VectorVersion = vectorBase({ name: 'values', capacity: CAPACITY, recordBits: 32, invariant: null }, true);
    for (let n = 0; n < keys.length; n++) values = vectorSet(values, T.bv(n, 32), T.bv(n * 3 + 1, 32));
    const queries = new EmapQueries({ now: T.bv(1000, 64) }, []);
    const has = queries.has(v, k);
    const value = vectorGet(values, queries.index(v, k), []);
    const stamp = queries.stamp(v, i);
    const bound = 2 * Math.ceil(Math.log2(20000)) + 4;
    for (const [name, term] of [['has', has], ['value', value], ['stamp', stamp]] as const) assert.ok(depth(term) <= bound, `${name}: depth ${depth(term)}, more than ${bound}`);
    for (const n of [0, 1, 9999, 19999]) {
      const model = at({ k: keys[n]! });
      assert.deepEqual([T.evaluate(has, model), T.evaluate(value, model)], [1n, BigInt(n * 3 + 1)], `key ${n}`);
    }
    assert.equal(T.evaluate(has, at({ k: 0x123456n })), keys.includes(0x123456n) ? 1n : 0n);
  });

  test('a vector of constant records answers as the chain of its sets (an index set twice has its last record)', () => {
    const next = generator(5);
    const sets = Array.from({ length: 300 }, () => ({ index: BigInt(next() % 50), value: BigInt(next()) }));
    let table = vectorBase({ name: 'v', capacity: CAPACITY, recordBits: 32, invariant: null }, true);
    let chain = table;
    sets.forEach(({ index, value }, n) => {
      table = vectorSet(table, T.bv(index, 32), T.bv(value, 32));
      chain = vectorSet(chain, n === 0 ? i : T.bv(index, 32), T.bv(value, 32));
    });
    assert.ok(table.table && !chain.table);
    const j = T.variable('j', 32);
    const [a, b] = [vectorGet(table, j, []), vectorGet(chain, j, [])];
    for (let index = 0n; index < 60n; index++) assert.equal(T.evaluate(a, at({ j: index, i: sets[0]!.index })), T.evaluate(b, at({ j: index, i: sets[0]!.index })), `index ${index}`);
    let big = vectorBase({ name: 'big', capacity: CAPACITY, recordBits: 32, invariant: null }, true);
    for (let n = 0; n < 20000; n++) big = vectorSet(big, T.bv(n, 32), T.bv(n + 7, 32));
    assert.ok(depth(vectorGet(big, j, [])) <= 2 * Math.ceil(Math.log2(20000)) + 4);
    assert.equal(T.evaluate(vectorGet(big, j, []), at({ j: 12345n })), 12352n);
  });
});
