// engine/solver/modular.ts: a form is its term's value modulo 0xffff on every assignment (random terms over two
// bytes, 64 probing assignments each, claims proven by Z3); folds, complements and byte swaps meet the sums they
// stand for; sums that may wrap and differences that may borrow stay atoms, and a single fold's low 16 bits are
// not the sum.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Form, Linearizer } from '../../engine/solver/modular.ts';
import * as T from '../../engine/solver/term.ts';
import type { Term } from '../../engine/solver/term.ts';
import { Solver } from '../../engine/solver/z3.ts';
import { Random } from '../libvig/harness/random.ts';

const x = T.variable('x', 8);
const y = T.variable('y', 8);
const WIDTHS = [8, 16, 32];

/** A random term of `width` over x and y: sums, differences, products by constants, and bit-level rewiring. */
function randomTerm(random: Random, width: number, depth: number): Term {
  if (depth === 0 || random.chance(0.15)) {
    const base = random.pick([x, y, T.concat(x, y), T.bv(random.below(256), 8)]);
    return base.width < width ? T.zext(base, width - base.width) : T.extract(width - 1, 0, base);
  }
  const sub = (w = width) => randomTerm(random, w, depth - 1);
  const constant = () => T.bv(BigInt(random.next()) & T.mask(width), width);
  switch (random.below(12)) {
    case 0: case 1: case 2: return T.binary('add', sub(), random.chance(0.7) ? sub() : constant());
    case 3: return T.binary('sub', sub(), sub());
    case 4: return T.binary('mul', sub(), T.bv(random.below(300), width));
    case 5: return T.binary('and', sub(), random.chance(0.5) ? T.bv(T.mask(Math.min(width, 8 * random.between(1, 2))), width) : sub());
    case 6: return T.binary('xor', sub(), random.chance(0.5) ? T.bv(T.mask(width), width) : constant());
    case 7: return T.binary('lshr', sub(), T.bv(random.pick([8, 16]), width));
    case 8: return T.binary('shl', sub(), T.bv(random.pick([8, 16]), width));
    case 9: {
      if (width === 8) return sub();
      return T.concat(sub(width / 2), sub(width / 2));
    }
    case 10: {
      const wider = WIDTHS.filter((w) => w > width);
      if (wider.length === 0) return sub();
      const w = random.pick(wider);
      const lo = 8 * random.below((w - width) / 8 + 1);
      return T.extract(lo + width - 1, lo, sub(w));
    }
    default: return T.binary('or', T.binary('shl', sub(), T.bv(8, width)), T.binary('lshr', sub(), T.bv(8, width)));
  }
}

/** A form's value on an assignment, modulo 0xffff. */
function valueOf(form: Form, assignment: T.Assignment): bigint {
  let value = form.constant;
  for (const { slice, coefficient } of form.terms.values()) value += coefficient * T.evaluate(T.extract(slice.hi, slice.lo, slice.atom), assignment);
  return value % 0xffffn;
}

const assignment = (a: number, b: number): T.Assignment => ({ ...T.emptyAssignment(), scalars: new Map([['x', BigInt(a)], ['y', BigInt(b)]]) });
/** Values that probe carries and borrows: the extremes, and a spread between. */
const PROBES = [0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, 0x55];

let solver: Solver;
before(async () => (solver = await Solver.create()));
const linearizer = () => new Linearizer((claim) => solver.check([], T.not(claim)).status === 'unsat');
const same = (a: Form, b: Form) => new Form().add(a).add(b, -1n).isZero();

describe('linear forms modulo 0xffff', () => {
  test('a form is the term modulo 0xffff on every probed assignment (400 random terms)', () => {
    const random = new Random(20261202);
    let formed = 0;
    for (let k = 0; k < 400; k++) {
      const term = randomTerm(random, random.pick(WIDTHS), 4);
      const form = linearizer().formOf(term);
      // A form by the rules, not the term as an atom of itself.
      if ([...form.terms.values()].every((e) => e.slice.atom !== term)) formed++;
      for (const a of PROBES) {
        for (const b of PROBES) {
          const expected = T.evaluate(term, assignment(a, b)) % 0xffffn;
          assert.equal(valueOf(form, assignment(a, b)), expected, `${T.show(term, 400)} at x=${a}, y=${b}`);
        }
      }
    }
    assert.ok(formed > 150, `most terms are taken apart (${formed} of 400)`);
  });

  test('a sum folded twice is the sum; its complement in 16 bits is minus it', () => {
    const words = [T.zext(T.concat(x, y), 16), T.zext(T.concat(y, x), 16), T.zext(x, 24)];
    const sum = words.reduce((s, w) => T.binary('add', s, w));
    const fold = (s: Term) => T.binary('add', T.binary('and', s, T.bv(0xffff, 32)), T.binary('lshr', s, T.bv(16, 32)));
    const folded = fold(fold(sum));
    const lin = linearizer();
    assert.ok(same(lin.formOf(folded), lin.formOf(sum)));
    const complement = T.extract(15, 0, T.binary('xor', folded, T.bv(0xffffffff, 32)));
    assert.ok(same(lin.formOf(complement), new Form().add(lin.formOf(sum), -1n)));
    // Byte-swapped twice is the word again.
    const swap = (w: Term) => T.binary('and', T.binary('or', T.binary('shl', w, T.bv(8, 32)), T.binary('lshr', w, T.bv(8, 32))), T.bv(0xffff, 32));
    assert.ok(same(lin.formOf(swap(swap(words[0]!))), lin.formOf(words[0]!)));
    assert.ok(!same(lin.formOf(swap(words[0]!)), lin.formOf(words[0]!)));
  });

  test('a sum that may wrap, a difference that may borrow and a single fold are atoms, not what they are not', () => {
    const wide = T.variable('wide', 32);
    const lin = linearizer();
    const [fx, fy] = [lin.formOf(T.zext(x, 24)), lin.formOf(T.zext(y, 24))];
    const mayCarry = T.binary('add', wide, T.zext(x, 24));
    assert.ok(!same(lin.formOf(mayCarry), new Form().add(lin.formOf(wide)).add(fx)), 'wide + x may carry out of 32 bits');
    assert.equal(lin.formOf(mayCarry).coefficientOf(mayCarry), 1n, 'it is an atom');
    assert.ok(!same(lin.formOf(T.binary('sub', T.zext(x, 24), T.zext(y, 24))), new Form().add(fx).add(fy, -1n)), 'x - y may borrow');
    // x - 1 where x > 0 is not known is an atom; a sum that always carries (x + 0xffffffff, x >= 1) is x - 1.
    assert.ok(!same(lin.formOf(T.binary('add', T.zext(x, 24), T.bv(0xffffffff, 32))), new Form().add(fx).add(Form.constant(-1n))));
    const positive = T.binary('or', T.zext(x, 24), T.bv(1, 32));
    assert.ok(same(lin.formOf(T.binary('add', positive, T.bv(0xffffffff, 32))), new Form().add(lin.formOf(positive)).add(Form.constant(-1n))));
    // One fold of a 32-bit sum may leave 17 bits: its low 16 bits are not the sum modulo 0xffff.
    const sum = T.binary('add', T.binary('mul', T.zext(T.concat(x, y), 16), T.bv(0x10000, 32)), T.zext(T.concat(y, x), 16));
    const once = T.binary('add', T.binary('and', sum, T.bv(0xffff, 32)), T.binary('lshr', sum, T.bv(16, 32)));
    assert.ok(same(lin.formOf(once), lin.formOf(sum)), 'the fold itself is the sum');
    assert.ok(!same(lin.formOf(T.zext(T.extract(15, 0, once), 16)), lin.formOf(sum)), 'its low 16 bits are not');
  });
});
