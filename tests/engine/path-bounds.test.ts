// engine/solver/bounds.ts: what a path's constraints say of their terms (ranges, orders) holds wherever they do, and
// constraints rewritten under what the ones before them say keep their truth wherever those hold (random paths
// over small variables, every assignment), the rewrites the
// policer's refill needs are taken (a difference compared as a sum, a sign extension of a small value as a zero
// extension, a scaled quotient reduced, a wide comparison narrowed), and popping a level forgets its facts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PathBounds } from '../../engine/solver/bounds.ts';
import { Solver } from '../../engine/solver/z3.ts';
import * as T from '../../engine/solver/term.ts';
import type { Term } from '../../engine/solver/term.ts';
import { Random } from '../libvig/harness/random.ts';

const x = T.variable('bounds-x', 3);
const y = T.variable('bounds-y', 3);
const z = T.variable('bounds-z', 3);
const VARIABLES = [x, y, z];
const WIDE = 6;

/** A random 6-bit value over x, y, z: extensions (zero and sign), sums, differences, scaled products and quotients, choices. */
function value(next: (n: number) => number, depth: number): Term {
  const leaf = () => {
    const v = VARIABLES[next(3)]!;
    return next(4) === 0 ? T.sext(v, WIDE - 3) : T.zext(v, WIDE - 3);
  };
  if (depth === 0) return next(5) === 0 ? T.bv(next(64), WIDE) : leaf();
  const sub = () => value(next, depth - 1);
  switch (next(7)) {
    case 0: return T.binary('add', sub(), sub());
    case 1: return T.binary('sub', sub(), sub());
    case 2: return T.binary('udiv', T.binary('mul', sub(), T.bv(2 * (1 + next(6)), WIDE)), T.bv(2 * (1 + next(6)), WIDE));
    case 3: return T.ite(condition(next, depth - 1), sub(), sub());
    case 4: return T.binary('add', sub(), T.bv(next(64), WIDE));
    default: return leaf();
  }
}

/**
 * A random comparison of values, or of a variable with a constant (the bounds paths carry), maybe negated; or an
 * equality with a constant, or two of them joined (a conjunction, a negated disjunction).
 */
function condition(next: (n: number) => number, depth: number): Term {
  switch (next(8)) {
    case 0: return T.eq(value(next, depth), T.bv(next(64), WIDE));
    case 1: return T.and(comparison(next, depth), comparison(next, depth));
    case 2: return T.not(T.or(comparison(next, depth), comparison(next, depth)));
    default: return comparison(next, depth);
  }
}

function comparison(next: (n: number) => number, depth: number): Term {
  const ops = ['ult', 'ule', 'slt', 'sle'] as const;
  const op = ops[next(4)]!;
  const atom = next(3) === 0
    ? T.compare(op, VARIABLES[next(3)]!, T.bv(next(8), 3))
    : next(2) ? T.compare(op, value(next, depth), value(next, depth)) : T.compare(op, value(next, depth), T.bv(next(64), WIDE));
  return next(3) === 0 ? T.not(atom) : atom;
}

/** Every assignment of x, y, z. */
function* assignments(): Generator<T.Assignment> {
  for (let a = 0n; a < 8n; a++) for (let b = 0n; b < 8n; b++) for (let c = 0n; c < 8n; c++) {
    yield { ...T.emptyAssignment(), scalars: new Map([[x.name, a], [y.name, b], [z.name, c]]) };
  }
}

interface RandomPath {
  next: (n: number) => number;
  round: number;
  bounds: PathBounds;
  path: Term[];
  rewritten: Term[];
}

/** 400 random paths of `fewest` to `fewest + spread - 1` constraints from `seed`, each assumed level by level. */
function forRandomPaths(seed: number, fewest: number, spread: number, visit: (random: RandomPath) => void): void {
  const random = new Random(seed);
  const next = (n: number) => random.below(n);
  for (let round = 0; round < 400; round++) {
    const bounds = new PathBounds();
    const path = Array.from({ length: fewest + next(spread) }, () => condition(next, 1 + next(2)));
    const rewritten = path.map((c) => {
      bounds.push();
      return bounds.assume(c);
    });
    visit({ next, round, bounds, path, rewritten });
  }
}

describe('PathBounds', () => {
  test('each rewritten constraint has its original\'s truth wherever the ones before it hold; a query its value (400 random paths)', () => {
    let rewrites = 0;
    forRandomPaths(20261204, 2, 4, ({ next, round, bounds, path, rewritten }) => {
      const query = value(next, 2);
      const rewrittenQuery = bounds.rewrite(query);
      rewrites += rewritten.filter((c, i) => c !== path[i]).length + (rewrittenQuery !== query ? 1 : 0);
      for (const assignment of assignments()) {
        let before = true;
        for (let i = 0; i < path.length && before; i++) {
          const original = T.evaluate(path[i]!, assignment);
          assert.equal(T.evaluate(rewritten[i]!, assignment), original, `round ${round}: ${T.show(path[i]!)} as ${T.show(rewritten[i]!)} at ${[...assignment.scalars.values()]}`);
          before = original === 1n;
        }
        if (before) assert.equal(T.evaluate(rewrittenQuery, assignment), T.evaluate(query, assignment), `round ${round}: ${T.show(query)} as ${T.show(rewrittenQuery)}`);
      }
    });
    assert.ok(rewrites > 100, `the rules were exercised (${rewrites} rewrites)`);
  });

  test('what the path says holds on every assignment that meets it: each range learned, each order (400 random paths)', () => {
    let facts = 0;
    forRandomPaths(4122026, 1, 3, ({ round, bounds, path, rewritten }) => {
      const terms = [...T.subterms(rewritten).values()].filter((t) => t.width > 0);
      const ranged = terms.flatMap((t) => {
        const range = bounds.known(t);
        return range ? [{ t, range }] : [];
      });
      const ordered = terms.flatMap((a) => terms.filter((b) => a !== b && a.width === b.width && bounds.below(a, b)).map((b) => [a, b] as const));
      facts += ranged.length + ordered.length;
      for (const assignment of assignments()) {
        if (!path.every((c) => T.evaluate(c, assignment) === 1n)) continue;
        for (const { t, range: [lo, hi] } of ranged) {
          const v = T.evaluate(t, assignment);
          assert.ok(lo <= v && v <= hi, `round ${round}: ${T.show(t)} = ${v} outside [${lo}, ${hi}] under ${path.map((c) => T.show(c)).join(', ')}`);
        }
        for (const [a, b] of ordered) assert.ok(T.evaluate(a, assignment) <= T.evaluate(b, assignment), `round ${round}: ${T.show(a)} <= ${T.show(b)}`);
      }
    });
    assert.ok(facts > 200, `facts were learned (${facts})`);
  });

  const b = T.variable('bounds-tokens', 64);
  const now = T.variable('bounds-now', 64);
  const stamp = T.variable('bounds-stamp', 64);
  const length = T.variable('bounds-length', 32);
  const BURST = T.bv(12_500_000, 64);
  const elapsed = T.binary('sub', now, stamp);
  /** The policer's path up to its refill: a bucket below burst, a stamp before now, an elapsed time below the fill time. */
  function refillPath(): PathBounds {
    const bounds = new PathBounds();
    for (const c of [
      T.compare('ule', length, T.bv(1514, 32)),
      T.not(T.compare('ule', BURST, b)),
      T.compare('ult', stamp, now),
      T.not(T.compare('ule', T.bv(10_000_000, 64), elapsed)),
    ]) {
      bounds.push();
      bounds.assume(c);
    }
    return bounds;
  }

  test('the policer\'s refill: the rate reduced, the cap\'s difference compared as the spec\'s sum, the length extended with zeros', () => {
    const bounds = refillPath();
    const added = T.binary('udiv', T.binary('mul', elapsed, T.bv(1_250_000_000, 64)), T.bv(1_000_000_000, 64));
    const reduced = T.binary('udiv', T.binary('mul', elapsed, T.bv(5, 64)), T.bv(4, 64));
    assert.equal(bounds.rewrite(added), reduced, 'x * 1.25e9 / 1e9 is x * 5 / 4 where x * 1.25e9 cannot overflow');
    const sum = T.binary('add', b, reduced);
    assert.equal(bounds.rewrite(T.compare('ule', T.binary('sub', BURST, b), added)), T.compare('ule', BURST, sum), 'burst - tokens <= added is burst <= tokens + added');
    // The spec's exact sum, two bits wider, compared with burst: the same comparison at 64 bits.
    const exact = T.binary('add', T.zext(b, 2), T.zext(reduced, 2));
    assert.equal(bounds.rewrite(T.compare('ult', T.bv(12_500_000, 66), exact)), T.compare('ult', BURST, sum));
    assert.equal(bounds.rewrite(T.sext(length, 32)), T.zext(length, 32), 'a length of at most 1514 sign-extends with zeros');
    const unbounded = T.binary('add', T.zext(now, 2), T.zext(b, 2));
    assert.equal(bounds.rewrite(unbounded), unbounded, 'a sum that may carry out of 64 bits stays wide');
  });

  test('without the bounds nothing changes; popping a level forgets what it said', () => {
    const difference = T.compare('ule', T.binary('sub', BURST, b), elapsed);
    assert.equal(new PathBounds().rewrite(difference), difference);
    const bounds = refillPath();
    assert.notEqual(bounds.rewrite(difference), difference);
    bounds.pop(3);
    assert.equal(bounds.rewrite(T.sext(length, 32)), T.zext(length, 32), 'the first level stays');
    assert.equal(bounds.rewrite(difference), difference, 'tokens below burst is forgotten');
    bounds.pop(1);
    assert.equal(bounds.depth, 0);
    assert.equal(bounds.rewrite(T.sext(length, 32)), T.sext(length, 32));
    // One term narrowed on two levels: popping both forgets both.
    for (const c of [T.compare('ule', length, T.bv(1514, 32)), T.not(T.compare('ult', length, T.bv(34, 32)))]) {
      bounds.push();
      bounds.assume(c);
    }
    bounds.pop(2);
    assert.equal(bounds.rewrite(T.sext(length, 32)), T.sext(length, 32));
  });

  test('the solver answers through the rewriting: unsat where the spec\'s cap and the NF\'s agree, a model of the exact terms where they do not', async () => {
    const solver = await Solver.create();
    const added = T.binary('udiv', T.binary('mul', elapsed, T.bv(1_250_000_000, 64)), T.bv(1_000_000_000, 64));
    const path = [
      T.compare('ule', length, T.bv(1514, 32)),
      T.not(T.compare('ule', BURST, b)),
      T.compare('ult', stamp, now),
      T.not(T.compare('ule', T.bv(10_000_000, 64), elapsed)),
      T.not(T.compare('ult', T.bv(12_500_000, 66), T.binary('add', T.zext(b, 2), T.zext(added, 2)))),
    ];
    const nf = T.ite(T.compare('ule', T.binary('sub', BURST, b), added), BURST, T.binary('add', added, b));
    const spec = T.binary('add', b, added);
    assert.equal(solver.check(path, T.not(T.eq(nf, spec))).status, 'unsat');
    // Without the spec's cap the NF's value can be burst where the sum is above it.
    const open = solver.check(path.slice(0, 4), T.not(T.eq(nf, spec)));
    assert.equal(open.status, 'sat');
    if (open.status !== 'sat') return;
    for (const c of [...path.slice(0, 4), T.not(T.eq(nf, spec))]) assert.equal(T.evaluate(c, open.model), 1n, T.show(c));
  });
});
