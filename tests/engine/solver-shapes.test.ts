// Term shapes and encodings that keep verification queries fast without changing their answers: one term for a
// key however its bytes were grouped, and scaled quotients (x * c / d) abstracted for Z3 with models checked.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as T from '../../engine/solver/term.ts';
import { Solver } from '../../engine/solver/z3.ts';

describe('term shapes', () => {
  test('a key assembled byte by byte is the term a spec builds from whole fields', () => {
    const packet = T.arrayVariable('packet');
    const byte = (i: number) => T.select(packet, T.bv(i, 32));
    const device = T.variable('device', 32);
    // The NF: protocol byte, the device's two bytes, then an address byte by byte (left-nested, as loads go).
    let nf = T.concat(T.concat(byte(23), T.extract(15, 8, device)), T.extract(7, 0, device));
    for (const i of [33, 32, 31, 30]) nf = T.concat(nf, byte(i));
    // The spec: protocol, the device as one 16-bit field, the address as one 32-bit field (right-nested).
    const address = T.concat(T.concat(byte(33), byte(32)), T.concat(byte(31), byte(30)));
    const spec = T.concat(byte(23), T.concat(T.extract(15, 0, device), address));
    assert.equal(nf, spec);
  });
});

describe('scaled quotients', () => {
  let solver: Solver;
  before(async () => (solver = await Solver.create()));
  // A rate per second scaled to nanoseconds, in 32 bits so that the exact encoding is quick too: x * 1250 / 1000.
  const x = T.variable('elapsed', 32);
  const quotient = T.binary('udiv', T.binary('mul', x, T.bv(1250, 32)), T.bv(1000, 32));
  const limit = 0xffffffffn / 1250n;
  const holds = (terms: T.Term[], model: T.Assignment) => terms.every((t) => T.evaluate(t, model) === 1n);

  test('where x * c fits, the quotient is x * 5 / 4: an unsat answer stays unsat', () => {
    const differs = T.not(T.eq(quotient, T.binary('lshr', T.binary('mul', x, T.bv(5, 32)), T.bv(2, 32))));
    assert.equal(solver.check([T.compare('ule', x, T.bv(limit, 32))], differs).status, 'unsat');
  });

  test('a model where the product overflows comes from the exact terms, and satisfies them', () => {
    const conditions = [T.compare('ult', T.bv(limit, 32), x)];
    const query = T.eq(quotient, T.bv(7, 32));
    const answer = solver.check(conditions, query);
    assert.equal(answer.status, 'sat');
    if (answer.status !== 'sat') return;
    assert.ok(holds([...conditions, query], answer.model), `elapsed ${answer.model.scalars.get('elapsed')} gives quotient 7`);
  });

  test('a value the exact quotient cannot take is unsat, though the abstraction alone would allow it', () => {
    // 2^32 - 1 = 0xffffffff at most before the division: the quotient is at most 4294967.
    const answer = solver.check([T.compare('ult', T.bv(limit, 32), x)], T.eq(quotient, T.bv(5_000_000, 32)));
    assert.equal(answer.status, 'unsat');
  });

  test("Z3's own value of a scaled quotient is exact beyond the limit", () => {
    const elapsed = limit + 10n;
    const model = { ...T.emptyAssignment(), scalars: new Map([['elapsed', elapsed]]) };
    assert.deepEqual(solver.evaluate([quotient], model), [((elapsed * 1250n) % 2n ** 32n) / 1000n]);
  });
});
