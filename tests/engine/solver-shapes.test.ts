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

  test('a word stored byte by byte after a branch, behind another field, is that branch\'s word', () => {
    const [stamp, tokens, burst] = [T.variable('stamp', 64), T.variable('tokens', 64), T.bv(12_500_000, 64)];
    const word = T.ite(T.compare('ule', burst, tokens), burst, T.binary('add', tokens, T.bv(3, 64)));
    // The record's high field, then the word's bytes from the most significant, left-nested as loads build them.
    let record = stamp;
    for (let byte = 7; byte >= 0; byte--) record = T.concat(record, T.extract(8 * byte + 7, 8 * byte, word));
    assert.equal(record, T.concat(stamp, word));
  });

  test('exact arithmetic kept to a field\'s width is the arithmetic in that width, with the same values', () => {
    const [a, b, length] = [T.variable('a', 64), T.variable('b', 64), T.variable('length', 32)];
    // A spec's a + b - length, exact (66 bits), stored into a 64-bit field; the NF computes it in 64 bits.
    const exact = T.binary('sub', T.binary('add', T.zext(a, 2), T.zext(b, 2)), T.zext(length, 34));
    const stored = T.extract(63, 0, exact);
    assert.equal(stored, T.binary('sub', T.binary('add', a, b), T.zext(length, 32)));
    const product = T.extract(15, 0, T.binary('mul', T.zext(a, 64), T.bv(5, 128)));
    const M64 = (1n << 64n) - 1n;
    for (const [va, vb, vl] of [[M64, M64, 0n], [1n, 2n, 0xffffffffn], [M64 - 5n, 9n, 3n], [0x1234n, 0n, 0x80000000n]] as const) {
      const model = { ...T.emptyAssignment(), scalars: new Map([['a', va], ['b', vb], ['length', vl]]) };
      assert.equal(T.evaluate(stored, model), (va + vb - vl) & M64);
      assert.equal(T.evaluate(product, model), (va * 5n) & 0xffffn);
    }
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

// Z3's rewriter recurses through JavaScript frames and can exhaust V8's stack on a query of tens of thousands of
// terms (a frame written at a computed offset over its whole length, checked for its checksums). Injected here: the
// real one takes minutes of exploration.
describe('a query that exhausts the stack inside Z3', () => {
  test('is an unknown answer saying so, and the solver, whose clean-up the exception skipped, is asked no more', async () => {
    const solver = await Solver.create();
    const x = T.variable('x', 32);
    const ask = (value: number) => solver.check([], T.eq(x, T.bv(value, 32)));
    assert.equal(ask(1).status, 'sat');
    const z3 = solver as unknown as { em: { _Z3_solver_check(...args: unknown[]): number } };
    const real = z3.em;
    let calls = 0;
    z3.em = {
      _Z3_solver_check: () => {
        calls++;
        throw new RangeError('Maximum call stack size exceeded');
      },
    };
    const broken = ask(2);
    assert.ok(broken.status === 'unknown' && /^its query was too large for Z3's stack \(\d+ terms\)/.test(broken.reason), JSON.stringify(broken));
    z3.em = real;
    const after = ask(3);
    assert.deepEqual([after.status, calls], ['unknown', 1], 'Z3 is not asked again');
    assert.throws(() => {
      z3.em = { _Z3_solver_check: () => { throw new TypeError('another failure'); } };
      (solver as unknown as { broken: string | undefined }).broken = undefined;
      ask(4);
    }, TypeError, 'other exceptions are not taken for this one');
  });
});
