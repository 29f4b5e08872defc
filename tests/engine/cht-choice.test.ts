// The cht contract's choice (engine/contracts/cht.ts) is open in the hash's syntax: the same hash term, with
// commutative operands in either order (an inlined copy of the load balancer's hash against its export), gives
// the same choice; another hash may give another one, which the solver can tell apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chtChoice } from '../../engine/contracts/index.ts';
import { emapBase, EmapQueries } from '../../engine/ghost/emap.ts';
import * as T from '../../engine/solver/term.ts';
import { Solver } from '../../engine/solver/z3.ts';

const table = { name: 'cht', capacity: 4 };
const backends = { version: emapBase({ name: 'backend_ip_emap', capacity: 4, keyBits: 32 }), capacity: 4 };
const choose = (hash: T.Term) => chtChoice(table, backends, hash, new EmapQueries({ now: T.variable('now', 64) }, [])).choice;

test('equal hashes up to the order of commutative operands get one choice; other hashes may get others', async () => {
  const [a, b, c] = ['a', 'b', 'c'].map((name) => T.variable(name, 32)) as [T.Term, T.Term, T.Term];
  const mixed = (x: T.Term, y: T.Term) => T.binary('xor', T.binary('add', x, T.binary('shl', y, T.bv(10, 32))), c);
  assert.notEqual(mixed(a, b), T.binary('xor', c, T.binary('add', T.binary('shl', b, T.bv(10, 32)), a)), 'two distinct terms');
  assert.equal(choose(mixed(a, b)), choose(T.binary('xor', c, T.binary('add', T.binary('shl', b, T.bv(10, 32)), a))));
  const solver = await Solver.create();
  const apart = solver.check([], T.not(T.eq(choose(mixed(a, b)), choose(mixed(b, a)))));
  assert.equal(apart.status, 'sat', 'a different hash is free to choose another backend');
});
