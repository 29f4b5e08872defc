// A normal form for bit-level rewiring and sums, for proving two computations of one value equal (the well-formed
// check's RFC 1624 congruence): byte swaps written as shifts, masks and ors, complements taken before or after
// them, and sums associated differently. Every rewrite is an identity on all values (tests/engine/normal.test.ts
// checks them against `evaluate`), so a term and its normal form may stand for each other in any query.
import * as T from './term.ts';
import type { Term } from './term.ts';

/**
 * One bit of a term: a constant, or bit `i` of an atom (a term that is not bit-level rewiring: a byte read, a
 * sum, ...), complemented or not.
 */
export type Bit = { c: 0n | 1n } | { atom: Term; i: number; neg: boolean };

/** Bits of terms (least significant first) that are rewirings of atoms, by term id; an atom has none here. */
export type Bits = Map<number, Bit[]>;

const ONE = { c: 1n } as const;
const ZERO = { c: 0n } as const;
export const isConstantBit = (b: Bit): b is { c: 0n | 1n } => 'c' in b;
const sameBit = (a: Bit, b: Bit) => !isConstantBit(a) && !isConstantBit(b) && a.atom === b.atom && a.i === b.i;
const flip = (b: Bit): Bit => (isConstantBit(b) ? (b.c === 1n ? ZERO : ONE) : { atom: b.atom, i: b.i, neg: !b.neg });

/** Widest term whose bits are followed (a frame-sized concat would make a long list for nothing). */
const MAX_WIDTH = 128;

function bitsOf(t: Term, bits: Bits): Bit[] {
  if (T.isConst(t)) return Array.from({ length: t.width }, (_, i) => ((t.value >> BigInt(i)) & 1n ? ONE : ZERO));
  return bits.get(t.id) ?? Array.from({ length: t.width }, (_, i) => ({ atom: t, i, neg: false }));
}

/** The bits of `t` (its arguments' bits known), or null when some bit is not a constant or one atom bit. */
function rewiring(t: Term, bits: Bits): Bit[] | null {
  if (t.width <= 0 || t.width > MAX_WIDTH || t.args.some((a) => a.width > MAX_WIDTH)) return null;
  const w = t.width;
  const args = t.args.map((a) => (a.width > 0 ? bitsOf(a, bits) : []));
  const [a, b] = args as [Bit[], Bit[]];
  const shift = t.args[1] && T.isConst(t.args[1]) ? t.args[1].value : null;
  const out: Bit[] = [];
  switch (t.op) {
    case 'and':
    case 'or': {
      const absorbing = t.op === 'and' ? ZERO : ONE;
      for (let i = 0; i < w; i++) {
        const [x, y] = [a[i]!, b[i]!];
        if ((isConstantBit(x) && x.c === absorbing.c) || (isConstantBit(y) && y.c === absorbing.c)) out.push(absorbing);
        else if (isConstantBit(x)) out.push(y);
        else if (isConstantBit(y)) out.push(x);
        else if (sameBit(x, y)) out.push(x.neg === (y as { neg: boolean }).neg ? x : absorbing);
        else return null;
      }
      return out;
    }
    case 'xor':
      for (let i = 0; i < w; i++) {
        const [x, y] = [a[i]!, b[i]!];
        if (isConstantBit(x)) out.push(x.c === 1n ? flip(y) : y);
        else if (isConstantBit(y)) out.push(y.c === 1n ? flip(x) : x);
        else if (sameBit(x, y)) out.push(x.neg === (y as { neg: boolean }).neg ? ZERO : ONE);
        else return null;
      }
      return out;
    case 'shl':
    case 'lshr':
    case 'ashr':
    case 'rotl':
    case 'rotr': {
      if (shift === null) return null;
      const s = Number(shift >= BigInt(w) ? BigInt(w) : shift);
      for (let i = 0; i < w; i++) {
        if (t.op === 'shl') out.push(i < s ? ZERO : a[i - s]!);
        else if (t.op === 'lshr') out.push(i + s < w ? a[i + s]! : ZERO);
        else if (t.op === 'ashr') out.push(a[Math.min(i + s, w - 1)]!);
        else {
          const r = Number(shift % BigInt(w));
          out.push(a[t.op === 'rotl' ? (i - r + w) % w : (i + r) % w]!);
        }
      }
      return out;
    }
    case 'concat': return [...b, ...a];
    case 'extract': return a.slice(Number(t.value), t.hi + 1);
    case 'zext': return [...a, ...Array.from({ length: Number(t.value) }, () => ZERO)];
    case 'sext': return [...a, ...Array.from({ length: Number(t.value) }, () => a[a.length - 1]!)];
    default: return null;
  }
}

/** Operators `rewiring` follows: their result's bits are constants or bits of their operands. */
export const REWIRING: ReadonlySet<string> = new Set(['and', 'or', 'xor', 'shl', 'lshr', 'ashr', 'rotl', 'rotr', 'concat', 'extract', 'zext', 'sext']);

/**
 * The bits of `t`, least significant first, through bit-level rewiring down to its atoms (those of `t` itself when
 * it is none); `known` keeps what was found, by term id.
 */
export function wiredBits(t: Term, known: Bits): Bit[] {
  if (T.isConst(t) || known.has(t.id) || !REWIRING.has(t.op)) return bitsOf(t, known);
  for (const a of t.args) if (a.width > 0 && a.width <= MAX_WIDTH) wiredBits(a, known);
  const found = rewiring(t, known);
  if (found === null) return bitsOf(t, known);
  known.set(t.id, found);
  return found;
}

/** Runs of bits: constants, or consecutive bits of one atom, least significant first. */
function runs(bits: Bit[]): { lo: number; hi: number }[] {
  const result: { lo: number; hi: number }[] = [];
  for (let i = 0; i < bits.length; i++) {
    const last = result[result.length - 1];
    const prev = bits[i - 1];
    const cur = bits[i]!;
    const continues = last && prev && (isConstantBit(prev) ? isConstantBit(cur) : !isConstantBit(cur) && cur.atom === prev.atom && cur.i === prev.i + 1);
    if (continues) last.hi = i;
    else result.push({ lo: i, hi: i });
  }
  return result;
}

/** The term with these bits: a concatenation of atom slices and constants, zero-extended, xor the complemented bits. */
function fromBits(bits: Bit[]): Term {
  let mask = 0n;
  bits.forEach((b, i) => {
    if (!isConstantBit(b) && b.neg) mask |= 1n << BigInt(i);
  });
  const pieces = runs(bits);
  // Leading zeros become a zero extension.
  let top = pieces.length - 1;
  const zeros = (r: { lo: number; hi: number }) => bits.slice(r.lo, r.hi + 1).every((b) => isConstantBit(b) && b.c === 0n);
  let extension = 0;
  if (top > 0 && zeros(pieces[top]!)) {
    extension = pieces[top]!.hi - pieces[top]!.lo + 1;
    top--;
  }
  let body: Term | null = null;
  for (let k = top; k >= 0; k--) {
    const { lo, hi } = pieces[k]!;
    const first = bits[lo]!;
    let piece: Term;
    if (isConstantBit(first)) {
      let value = 0n;
      for (let i = hi; i >= lo; i--) value = (value << 1n) | (bits[i] as { c: bigint }).c;
      piece = T.bv(value, hi - lo + 1);
    } else piece = T.extract(first.i + hi - lo, first.i, first.atom);
    body = body === null ? piece : T.concat(body, piece);
  }
  const whole = T.zext(body!, extension);
  return mask === 0n ? whole : T.binary('xor', whole, T.bv(mask, bits.length));
}

/** The operands of a sum, through nested sums of the same width. */
function addends(t: Term, into: Term[]): Term[] {
  if (t.op === 'add') for (const a of t.args) addends(a, into);
  else into.push(t);
  return into;
}

/** One pass of normalization over `root`'s terms, bottom-up. */
function pass(root: Term, bits: Bits, memo: Map<number, Term>): Term {
  return T.buildBottomUp(root, memo, (t) => {
    const args = t.args.map((a) => memo.get(a.id)!);
    let rebuilt = args.every((a, i) => a === t.args[i]) ? t : T.rebuild(t, args);
    if (rebuilt.op === 'add') {
      // A sum in one order: operands by id, constants added last.
      const operands = addends(rebuilt, []);
      let constant = 0n;
      const rest = operands.filter((o) => (T.isConst(o) ? ((constant += o.value), false) : true)).sort((x, y) => x.id - y.id);
      let sum = rest[0] ?? T.bv(0, rebuilt.width);
      for (const o of rest.slice(1)) sum = T.binary('add', sum, o);
      rebuilt = T.binary('add', sum, T.bv(constant, rebuilt.width));
    }
    if (rebuilt.op === 'eq' && rebuilt.args[0]!.width > 0 && rebuilt.args[0]!.width <= MAX_WIDTH) {
      // Equal bit-vectors: equal slice by slice, cut where either side's runs change.
      const [x, y] = rebuilt.args as [Term, Term];
      const bx = bitsOf(x, bits);
      const by = bitsOf(y, bits);
      const cuts = new Set([...runs(bx), ...runs(by)].map((r) => r.lo));
      if (cuts.size > 1 && cuts.size <= 8) {
        const starts = [...cuts].sort((p, q) => p - q);
        return T.and(...starts.map((lo, k) => {
          const hi = (starts[k + 1] ?? x.width) - 1;
          return T.eq(T.extract(hi, lo, x), T.extract(hi, lo, y));
        }));
      }
      return rebuilt;
    }
    const found = rewiring(rebuilt, bits);
    if (found === null) return rebuilt;
    const normal = fromBits(found);
    bits.set(normal.id, found);
    return normal;
  });
}

/**
 * `root` in normal form: bit-level rewiring (shifts and rotations by constants, masks, ors of disjoint bits, xor
 * with constants, slices, extensions) as slices of atoms, concatenated, zero-extended and xor a constant; sums
 * with their operands in one order; equalities of such vectors as equalities of their slices. Equal to `root` on
 * every assignment.
 */
export function normalize(root: Term): Term {
  const bits: Bits = new Map();
  let t = root;
  for (let round = 0; round < 4; round++) {
    const next = pass(t, bits, new Map());
    if (next === t) break;
    t = next;
  }
  return t;
}
