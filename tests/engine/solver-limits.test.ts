// Z3's limit per query is a budget of its own steps (rlimit), not time: a query it cannot settle within the budget is
// left open the same way on every run, with a reason saying so, and the budget is per query, not per solver; one the
// incremental solver leaves open is asked again of a fresh solver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as T from '../../engine/solver/term.ts';
import { searchTree } from '../../engine/ghost/concrete-log.ts';
import { Solver, SOLVER_LIMITS } from '../../engine/solver/z3.ts';

const SMALL_BUDGET = { work: 200_000, backstopMs: SOLVER_LIMITS.backstopMs };
/**
 * x * y = p * q with 1 < x, y < 2^(width / 2), over variables named after `tag` (the solver caches answers by
 * term). Z3 bit-blasts it: two 24-bit primes take it under a second, two 32-bit ones far longer.
 */
function factoring(p: bigint, q: bigint, width: number, tag: string): { query: T.Term; x: T.Term; y: T.Term } {
  const [x, y] = [T.variable(`x_${tag}`, width), T.variable(`y_${tag}`, width)];
  const between = (v: T.Term) => T.and(T.compare('ult', T.bv(1, width), v), T.compare('ult', v, T.bv(1n << BigInt(width / 2), width)));
  return { query: T.and(T.eq(T.binary('mul', x, y), T.bv(p * q, width)), between(x), between(y)), x, y };
}

test('a query beyond the work budget is left open with the budget named, on every try; easy queries still answer', async () => {
  const solver = await Solver.create(SMALL_BUDGET);
  for (const attempt of ['first', 'second']) {
    const result = solver.check([], factoring(4294967291n, 4294967279n, 64, attempt).query);
    assert.equal(result.status, 'unknown');
    assert.equal(result.status === 'unknown' && result.reason, 'Z3 found no answer within its work budget of 200,000 steps (its rlimit; the same budget on every machine, so the same verdict)');
    // Small queries after it, together far over the budget: each has the whole budget to itself.
    const [a, b] = [T.variable(`a_${attempt}`, 64), T.variable(`b_${attempt}`, 64)];
    for (let k = 0; k < 100; k++) assert.equal(solver.check([], T.eq(T.binary('add', a, T.bv(k, 64)), T.binary('mul', b, T.bv(3, 64)))).status, 'sat');
  }
});

test('the default budget settles a query a small one leaves open', async () => {
  const [p, q] = [16777213n, 16777199n];
  assert.equal((await Solver.create(SMALL_BUDGET)).check([], factoring(p, q, 48, 'small').query).status, 'unknown');
  const { query, x, y } = factoring(p, q, 48, 'default');
  const result = (await Solver.create()).check([], query);
  assert.equal(result.status, 'sat');
  const model = result.status === 'sat' ? result.model : T.emptyAssignment();
  assert.deepEqual(new Set([T.evaluate(x, model), T.evaluate(y, model)]), new Set([p, q]));
});

/** Whether `value` is one of `sorted` (distinct): a search tree on `<`, as the spec prelude's `mem` builds it. */
function among(value: T.Term, sorted: readonly bigint[]): T.Term {
  if (sorted.length === 1) return T.eq(value, T.bv(sorted[0]!, value.width));
  const middle = sorted.length >> 1;
  const below = T.compare('ult', value, T.bv(sorted[middle]!, value.width));
  return T.or(T.and(below, among(value, sorted.slice(0, middle))), T.and(T.not(below), among(value, sorted.slice(middle))));
}

test('a query the incremental solver leaves open is asked again of a fresh one: 500 addresses against a 3,000-key table', async () => {
  // A static table's miss (the bit trie engine/ghost builds over its keys, device and address) and a spec's `mem`
  // over the addresses it has on device 0: no such address can miss on device 0. The incremental solver gives up
  // on it within this budget (not over a 48-bit variable: over the frame's bytes).
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
  const keys = new Set<bigint>();
  while (keys.size < 3000) keys.add((BigInt(next() % 2) << 48n) | (BigInt(next()) << 24n) | BigInt(next()));
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : 1));
  // The address as the frame's bytes, the first the lowest (a little-endian load, as header fields are).
  const device = T.variable('device_table', 16);
  const address = Array.from({ length: 6 }, (_, i) => T.variable(`address_byte_${i}`, 8)).reduce((low, byte) => T.concat(byte, low));
  const miss = T.not(searchTree(T.concat(device, address), sorted, () => T.TRUE, T.FALSE, T.ite));
  const onDeviceZero = sorted.filter((k) => k >> 48n === 0n).slice(0, 500).map((k) => k & T.mask(48));
  const solver = await Solver.create({ work: 8_000_000, backstopMs: SOLVER_LIMITS.backstopMs });
  assert.equal(solver.check([miss], T.and(T.eq(device, T.bv(0, 16)), among(address, onDeviceZero))).status, 'unsat');
  const other = T.and(T.eq(device, T.bv(1, 16)), among(address, onDeviceZero));
  const found = solver.check([miss], other);
  assert.ok(found.status === 'sat' && T.evaluate(miss, found.model) === 1n && T.evaluate(other, found.model) === 1n, found.status);
});
