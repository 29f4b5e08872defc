// The state before a packet that a counterexample shows and its replay seeds (engine/ghost/concrete.ts): an emap
// entry the model's defaults make up, at an index whose invariants the path never instantiated, is no entry. The
// policer with its total-length check removed showed "flow_emap holds 0 at index 2, stamped t0 - 2 h", and its
// replay expired that entry and counted one fewer than the trace predicted (NOT reproduced).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concreteEmap } from '../../engine/ghost/concrete.ts';
import * as T from '../../engine/solver/term.ts';

const KEY_BITS = 32;
const fn = (what: string, arg: T.Term, width: number) => T.apply(`map.${what}`, [arg], width);
const table = (entries: [bigint, bigint][], fallback = 0n) => ({ entries: new Map(entries.map(([at, value]) => [String(at), value])), fallback });

/** A path that asked only whether the map holds the packet's key `k` (it does not): the theory's terms for it. */
function askedOnce() {
  const k = T.variable('k', KEY_BITS);
  const index = fn('index', k, 32);
  return [fn('has', k, T.BOOL), fn('allocated', index, T.BOOL), T.eq(fn('key', index, KEY_BITS), k), fn('stamp', index, 64)];
}

/** The model: k = 1 absent; where the path's has(k) is false, index(k) = 2 and index 2's key, 0, are the model's defaults. */
function model(has0: bigint): T.Assignment {
  const assignment = T.emptyAssignment();
  assignment.scalars.set('k', 1n);
  assignment.functions.set('map.has', table([[1n, 0n], [0n, has0]]));
  assignment.functions.set('map.index', table([[1n, 2n], [0n, 2n]]));
  assignment.functions.set('map.allocated', table([[2n, 1n]]));
  assignment.functions.set('map.key', table([[2n, 0n]]));
  assignment.functions.set('map.stamp', table([[2n, 5n]]));
  return assignment;
}

test("an index the model's defaults allocate to a key the map does not hold is no entry", () => {
  const state = concreteEmap('map', KEY_BITS, 16, askedOnce(), model(0n));
  assert.deepEqual(state.entries, [{ key: 1n, present: false, index: 2, stamp: 0n }], 'only the key the path asked about, absent');
});

test('an index allocated to a key the map holds there is an entry', () => {
  const state = concreteEmap('map', KEY_BITS, 16, askedOnce(), model(1n));
  assert.deepEqual(state.entries, [{ key: 0n, present: true, index: 2, stamp: 5n }, { key: 1n, present: false, index: 2, stamp: 0n }]);
});
