// Z3's models, function interpretations and their entries are reference-counted even in a `mk_context` context:
// read without a reference they crash ("memory access out of bounds" in Z3_func_interp_get_else) or give wrong
// values. Many models with arrays and uninterpreted functions are read under GC pressure and checked against
// term.ts's own evaluation; `assert False` fails cleanly with a counterexample, again and again.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type PropertyResult, VerificationSession } from '../../engine/index.ts';
import { Solver } from '../../engine/solver/z3.ts';
import { and, apply, arrayVariable, bv, compare, eq, evaluate, not, select, store, type Term, variable } from '../../engine/solver/term.ts';

const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));
const NOP = fileURLToPath(new URL('../../nfs/nop', import.meta.url));

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A deterministic stream of numbers (xorshift), so a failing round can be reproduced. */
function numbers(seed: number): (below: number) => number {
  let x = seed;
  return (below) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % below;
  };
}

/**
 * Round `n`: a query whose models need a function interpretation with several entries and an else value
 * (f at three distinct points, g of two arguments) and an array value (a frame read at two points through a
 * store): each round's constants differ, so no answer comes from the solver's cache.
 */
function query(n: number, next: (below: number) => number): { pathCondition: Term[]; query: Term; expected: [Term, bigint][] } {
  const [x, y, z] = ['x', 'y', 'z'].map((name) => variable(`${name}${n}`, 32)) as [Term, Term, Term];
  const f = (a: Term) => apply(`f${n % 7}`, [a], 16);
  const g = (a: Term, b: Term) => apply(`g${n % 5}`, [a, b], 8);
  const frame = arrayVariable(`frame${n % 3}`);
  const values = [next(65536), next(65536), next(65536)].map(BigInt);
  const byte = BigInt(next(256));
  const expected: [Term, bigint][] = [[f(x), values[0]!], [f(y), values[1]!], [f(z), values[2]!], [select(store(frame, bv(7, 32), bv(byte, 8)), x), byte], [g(x, y), byte]];
  return {
    pathCondition: [not(eq(x, y)), not(eq(y, z)), not(eq(x, z)), compare('ult', x, bv(1000 + n, 32))],
    query: and(...expected.map(([term, value]) => eq(term, bv(value, term.width))), eq(x, bv(7, 32)), compare('ult', select(frame, y), bv(1 + next(255), 8))),
    expected,
  };
}

describe('Z3 models read with references held', () => {
  test('"assert False" fails with a counterexample on the bridge, whose models have functions, and 100 times in a row on nop', async () => {
    // First in the file: in a fresh process, each bridge check below crashed in Z3_func_interp_get_else every time
    // while models were read without references (its ghost maps are uninterpreted functions).
    const bridge = await VerificationSession.open(BRIDGE);
    expectCounterexample(await bridge.check('always_false', 'assert False\n'), 'bridge, assert False');
    const daddr = 'h = pop_header(ether, on_mismatch=([], []))\nif h.daddr == 5:\n    return ([], [])\n';
    expectCounterexample(await bridge.check('drop_daddr_5', daddr), 'bridge, a spec that drops daddr 5');
    const nop = await VerificationSession.open(NOP);
    for (let n = 0; n < 100; n++) {
      expectCounterexample(await nop.check(`always_false_${n}`, 'assert False\n'), `nop, check ${n}`);
      if (n % 20 === 19) collectGarbage();
    }
  });

  test('many models with function and array interpretations, under GC pressure, agree with term evaluation', async () => {
    const solver = await Solver.create();
    const next = numbers(0x2545f491);
    let garbage: unknown[] = [];
    for (let n = 0; n < 400; n++) {
      const round = query(n, next);
      const result = solver.check(round.pathCondition, round.query);
      assert.equal(result.status, 'sat', `round ${n}`);
      if (result.status !== 'sat') continue;
      // Every fact the model must satisfy, evaluated by term.ts over the assignment read from Z3.
      for (const term of [...round.pathCondition, round.query]) assert.equal(evaluate(term, result.model), 1n, `round ${n}: the model satisfies ${term.op}`);
      for (const [term, value] of round.expected) assert.equal(evaluate(term, result.model), value, `round ${n}: value of ${term.op}`);
      assert.ok(result.model.functions.get(`f${n % 7}`)!.entries.size >= 2, `round ${n}: f's interpretation has entries`);
      garbage.push(Array.from({ length: 2000 }, (_, i) => ({ i, text: `churn ${n} ${i}` })));
      if (n % 25 === 24) {
        garbage = [];
        collectGarbage();
      }
    }
  });
});

/** A failing verdict whose counterexamples replay to the same failure on the run-time NF. */
function expectCounterexample(result: PropertyResult, what: string): void {
  assert.equal(result.verdict, 'fails', `${what}: ${result.verdict === 'invalid' ? result.errors.map((e) => e.message).join('; ') : result.verdict}`);
  if (result.verdict !== 'fails') return;
  assert.ok(result.failures.length > 0, `${what}: a counterexample`);
  for (const failure of result.failures) assert.ok(failure.replay.reproduced, `${what}: the replay reproduces (${failure.replay.observed})`);
}
