// The state before a packet that a counterexample shows and its replay seeds (engine/ghost/concrete.ts): an emap
// index named without its invariants (the index of a key the emap does not hold) is whatever the model's defaults
// say, and no entry. The policer with its total-length check removed showed "flow_emap holds 0 at index 2, stamped
// t0 - 2 h", and its replay expired that entry and counted one fewer than the trace predicted (NOT reproduced).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concreteEmap } from '../../engine/ghost/concrete.ts';
import * as T from '../../engine/solver/term.ts';

const KEY_BITS = 32;
const fn = (what: string, arg: T.Term, width: number) => T.apply(`map.${what}`, [arg], width);
const table = (entries: [bigint, bigint][], fallback = 0n) => ({ entries: new Map(entries.map(([at, value]) => [String(at), value])), fallback });

/**
 * The terms of a path that asked whether the map holds the packet's key `k` (engine/ghost/emap.ts, Base.has), and,
 * where `tied`, also whether `k`'s index is allocated (Base.allocated: `has` of the index's key).
 */
function terms(tied: boolean): T.Term[] {
  const k = T.variable('k', KEY_BITS);
  const index = fn('index', k, 32);
  const held = [fn('has', k, T.BOOL), fn('allocated', index, T.BOOL), T.eq(fn('key', index, KEY_BITS), k), fn('stamp', index, 64)];
  return tied ? [...held, fn('has', fn('key', index, KEY_BITS), T.BOOL)] : held;
}

/** k = 1 absent; index(1) = 2 allocated to key 0, which the map holds there. */
function model(): T.Assignment {
  const assignment = T.emptyAssignment();
  assignment.scalars.set('k', 1n);
  assignment.functions.set('map.has', table([[1n, 0n], [0n, 1n]]));
  assignment.functions.set('map.index', table([[1n, 2n], [0n, 2n]]));
  assignment.functions.set('map.allocated', table([[2n, 1n]]));
  assignment.functions.set('map.key', table([[2n, 0n]]));
  assignment.functions.set('map.stamp', table([[2n, 5n]]));
  return assignment;
}

const ABSENT = { key: 1n, present: false, index: 2, stamp: 0n };

test("the index of a key the map does not hold, named without its invariants, is no entry, whatever the model's defaults", () => {
  assert.deepEqual(concreteEmap('map', KEY_BITS, 16, terms(false), model()).entries, [ABSENT]);
});

test('an index named with its invariants, allocated to a key the map holds there, is an entry', () => {
  assert.deepEqual(concreteEmap('map', KEY_BITS, 16, terms(true), model()).entries, [{ key: 0n, present: true, index: 2, stamp: 5n }, ABSENT]);
});
