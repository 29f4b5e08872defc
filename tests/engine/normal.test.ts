// engine/solver/normal.ts: the normal form is the term's value on every assignment (random terms over two 4-bit
// variables on all of them; bitwise operations of a byte's rewirings on values that probe each bit), and a C twin's
// checksum update (byte swaps as shifts, complements before the swap, sums associated otherwise) meets eqn. 3's terms.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalize } from '../../engine/solver/normal.ts';
import * as T from '../../engine/solver/term.ts';
import type { Term } from '../../engine/solver/term.ts';

/** A deterministic generator (xorshift), so a failure is reproducible. */
function random(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

const WIDTHS = [4, 8, 12, 16];

/** A random bit-vector term of `width` over x (4 bits) and y (4 bits), mostly bit-level rewiring and sums. */
function randomTerm(next: (n: number) => number, width: number, depth: number): Term {
  const x = T.variable('x', 4);
  const y = T.variable('y', 4);
  const leaf = (): Term => {
    const pick = next(4);
    const base = pick === 0 ? x : pick === 1 ? y : pick === 2 ? T.concat(x, y) : T.bv(next(1 << 16), width);
    if (base.width === width) return base;
    return base.width < width ? T.zext(base, width - base.width) : T.extract(width - 1, 0, base);
  };
  if (depth === 0) return leaf();
  const sub = (w = width) => randomTerm(next, w, depth - 1);
  const constant = () => T.bv(next(2) ? Number(T.mask(width)) ^ (1 << next(width)) : next(1 << width), width);
  switch (next(14)) {
    case 0: return T.binary('and', sub(), next(2) ? constant() : sub());
    case 1: return T.binary('or', sub(), next(2) ? constant() : sub());
    case 2: return T.binary('xor', sub(), next(2) ? constant() : sub());
    case 3: return T.binary('shl', sub(), T.bv(next(width + 2), width));
    case 4: return T.binary('lshr', sub(), T.bv(next(width + 2), width));
    case 5: return T.binary('ashr', sub(), T.bv(next(width + 2), width));
    case 6: return T.binary(next(2) ? 'rotl' : 'rotr', sub(), T.bv(next(2 * width), width));
    case 7: case 8: return T.binary('add', sub(), next(3) ? sub() : constant());
    case 9: {
      if (width < 8) return sub();
      const low = 4 * (1 + next(width / 4 - 1));
      return T.concat(sub(width - low), sub(low));
    }
    case 10: {
      const wider = WIDTHS.filter((w) => w > width);
      if (wider.length === 0) return sub();
      const w = wider[next(wider.length)]!;
      const lo = next(w - width + 1);
      return T.extract(lo + width - 1, lo, sub(w));
    }
    case 11: {
      const narrower = WIDTHS.filter((w) => w < width);
      if (narrower.length === 0) return sub();
      const w = narrower[next(narrower.length)]!;
      return next(2) ? T.zext(sub(w), width - w) : T.sext(sub(w), width - w);
    }
    case 12: return T.ite(T.eq(sub(), sub()), sub(), sub());
    default: return T.binary('sub', sub(), sub());
  }
}

const assignment = (x: number, y: number): T.Assignment => ({
  ...T.emptyAssignment(),
  scalars: new Map([['x', BigInt(x)], ['y', BigInt(y)]]),
});

describe('normal form', () => {
  test('is the term on every assignment (random terms over two 4-bit variables, all 256 assignments)', () => {
    const next = random(20240601);
    let changed = 0;
    for (let k = 0; k < 120; k++) {
      const width = WIDTHS[next(WIDTHS.length)]!;
      const term = randomTerm(next, width, 1 + next(5));
      // Equalities too: they are split slice by slice.
      const roots = [term, T.eq(term, randomTerm(next, width, 1 + next(4))), T.eq(term, T.bv(next(1 << width), width))];
      for (const root of roots) {
        const normal = normalize(root);
        if (normal !== root) changed++;
        for (let x = 0; x < 16; x++) {
          for (let y = 0; y < 16; y++) {
            const a = assignment(x, y);
            assert.equal(T.evaluate(normal, a), T.evaluate(root, a), `${T.show(root, 400)}\n  normal: ${T.show(normal, 400)}\n  x=${x} y=${y}`);
          }
        }
      }
    }
    assert.ok(changed > 80, `only ${changed} terms changed: the generator misses the rewrites`);
  });

  // Each bit of a rewiring is a constant or one bit of x: a value with one bit set, and one with one bit clear, for
  // every bit (and all bits, and none) tell each output bit's source and polarity apart.
  const PROBES = [0, 0xff, ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((bit) => [1 << bit, 0xff ^ (1 << bit)])];

  test('bitwise operations of two rewirings of one byte are the term on values probing each bit (every pair of shapes)', () => {
    const x = T.variable('x', 8);
    const k = (v: number) => T.bv(v, 8);
    const shapes = [x, T.binary('xor', x, k(0xff)), T.binary('xor', x, k(0x0f)), T.binary('and', x, k(0xf0)), T.binary('or', x, k(0x81)), k(0), k(0xff), k(0x5a)];
    for (const s of [3, 8]) for (const op of ['shl', 'lshr', 'ashr', 'rotl', 'rotr'] as const) shapes.push(T.binary(op, x, k(s)));
    shapes.push(T.extract(7, 0, T.binary('lshr', T.concat(x, x), T.bv(4, 16))), T.extract(7, 0, T.sext(T.extract(3, 0, x), 12)));
    for (const a of shapes) {
      for (const b of shapes) {
        for (const op of ['and', 'or', 'xor'] as const) {
          const root = T.binary(op, a, b);
          for (const term of op === 'and' ? [root, T.eq(root, a), T.eq(a, b)] : [root, T.eq(root, a)]) {
            const normal = normalize(term);
            for (const v of PROBES) {
              const env = { ...T.emptyAssignment(), scalars: new Map([['x', BigInt(v)]]) };
              assert.equal(T.evaluate(normal, env), T.evaluate(term, env), `${T.show(term, 400)}\n  normal: ${T.show(normal, 400)}\n  x=${v}`);
            }
          }
        }
      }
    }
  });

  test('a C twin\'s checksum update meets eqn. 3 computed over the same words', () => {
    const packet = T.arrayVariable('packet');
    const byte = (i: number) => T.select(packet, T.bv(i, 32));
    const c = (v: number) => T.bv(v, 32);
    const [and, or, xor, shl, lshr, add] = (['and', 'or', 'xor', 'shl', 'lshr', 'add'] as const).map((op) => (a: Term, b: Term) => T.binary(op, a, b));
    // clang: ~ of the little-endian loads, then byte swaps as shifts and masks, sums in its own order.
    const address = xor(T.concat(T.concat(T.concat(byte(29), byte(28)), byte(27)), byte(26)), c(0xffffffff));
    const swapped = or(or(shl(address, c(24)), and(shl(address, c(8)), c(0xff0000))), or(and(lshr(address, c(8)), c(0xff00)), lshr(address, c(24))));
    const checksum = xor(T.zext(T.concat(byte(25), byte(24)), 16), c(0xffffffff));
    const checksumSwapped = and(or(shl(checksum, c(8)), lshr(and(checksum, c(0xff00)), c(8))), c(0xffff));
    const sum = add(add(add(lshr(swapped, c(16)), c(0xc201)), and(swapped, c(0xffff))), checksumSwapped);
    const once = add(and(sum, c(0xffff)), lshr(sum, c(16)));
    const result = xor(add(lshr(once, c(16)), once), c(0xffffffff)); // the second fold's mask dropped: 16 bits are kept
    const back = or(shl(result, c(8)), lshr(and(result, c(0xff00)), c(8)));
    const sent = T.zext(T.concat(T.extract(7, 0, back), T.extract(15, 8, back)), 16);
    // Eqn. 3 as well-formed.ts computes it, over big-endian words.
    const word = (at: number) => xor(T.zext(T.concat(byte(at), byte(at + 1)), 16), c(0xffff));
    const total = add(word(24), add(add(word(26), c(0xc000)), add(word(28), c(513))));
    const fold = (s: Term) => add(and(s, c(0xffff)), lshr(s, c(16)));
    const expected = xor(fold(fold(total)), c(0xffff));
    const words = (t: Term) => [...T.subterms([t]).values()].filter((s) => s.op === 'shl' || s.op === 'or').length;
    const normal = normalize(T.eq(sent, expected));
    // What is left is that eqn. 3's second fold does not carry out of 16 bits: no shifts, no byte swaps.
    assert.equal(words(normal), 0, T.show(normal, 800));
    assert.equal(normal.op, 'eq', T.show(normal, 800));
    assert.equal(normal.args[0]!.op, 'extract');
    assert.equal(normal.args[1], T.bv(0, 16));
  });
});
