// Symbolic terms: hash-consed, folded when concrete, simplified syntactically before Z3 ever sees them.
// Widths: > 0 bit-vector, 0 boolean, ARRAY (-1) an array from 32-bit indices to bytes (memory contents).

export const BOOL = 0;
export const ARRAY = -1;

export type Op =
  | 'const' | 'var'
  | 'add' | 'sub' | 'mul' | 'udiv' | 'sdiv' | 'urem' | 'srem'
  | 'and' | 'or' | 'xor' | 'shl' | 'lshr' | 'ashr' | 'rotl' | 'rotr'
  | 'clz' | 'ctz' | 'popcnt'
  | 'concat' | 'extract' | 'zext' | 'sext' | 'ite'
  | 'eq' | 'ult' | 'ule' | 'slt' | 'sle' | 'not' | 'band' | 'bor'
  | 'select' | 'store' | 'apply';

export interface Term {
  readonly id: number;
  readonly op: Op;
  readonly width: number;
  readonly args: readonly Term[];
  /** `const`: the value (unsigned); `extract`: low bit; `zext`/`sext`: added bits. */
  readonly value: bigint;
  /** `var`: its name; `apply`: the uninterpreted function's name. */
  readonly name: string;
  /** `extract`: high bit. */
  readonly hi: number;
}

const table = new Map<string, Term>();
let nextId = 1;

function intern(op: Op, width: number, args: readonly Term[], value = 0n, name = '', hi = 0): Term {
  let key = `${op}:${width}:${value}:${name}:${hi}`;
  for (const a of args) key += `,${a.id}`;
  let term = table.get(key);
  if (!term) {
    term = { id: nextId++, op, width, args, value, name, hi };
    table.set(key, term);
  }
  return term;
}

export const mask = (width: number): bigint => (1n << BigInt(width)) - 1n;
const toSigned = (v: bigint, width: number): bigint => BigInt.asIntN(width, v);

/** Small constants by width and value, made without a table key (a frame's byte offsets, block by block). */
const small = new Map<number, Term[]>();
const SMALL = 4096;

export function bv(value: bigint | number, width: number): Term {
  if (typeof value === 'number' && value >= 0 && value < SMALL && width >= 12 && Number.isInteger(value)) {
    let row = small.get(width);
    if (!row) small.set(width, (row = []));
    return (row[value] ??= intern('const', width, [], BigInt(value)));
  }
  return intern('const', width, [], BigInt.asUintN(width, BigInt(value)));
}
export const TRUE = intern('const', BOOL, [], 1n);
export const FALSE = intern('const', BOOL, [], 0n);
export const bool = (b: boolean): Term => (b ? TRUE : FALSE);

export function variable(name: string, width: number): Term {
  return intern('var', width, [], 0n, name);
}

export const isConst = (t: Term): boolean => t.op === 'const';

// ---------------------------------------------------------------- concrete semantics (shared with the evaluator)

/** Value of `op` on concrete arguments; undefined when the operation has no value (division by zero is total in SMT). */
export function evaluateOp(op: Op, width: number, args: bigint[], term?: Term): bigint {
  const w = BigInt(width);
  const a = args[0]!;
  const b = args[1]!;
  const m = mask(width);
  switch (op) {
    case 'add': return (a + b) & m;
    case 'sub': return (a - b) & m;
    case 'mul': return (a * b) & m;
    // SMT-LIB semantics for division by zero: udiv -> all ones, urem -> dividend; sdiv/srem follow from them.
    case 'udiv': return b === 0n ? m : a / b;
    case 'urem': return b === 0n ? a : a % b;
    case 'sdiv': {
      if (b === 0n) return toSigned(a, width) < 0n ? 1n : m;
      return BigInt.asUintN(width, toSigned(a, width) / toSigned(b, width));
    }
    case 'srem': {
      if (b === 0n) return a;
      return BigInt.asUintN(width, toSigned(a, width) % toSigned(b, width));
    }
    case 'and': return a & b;
    case 'or': return a | b;
    case 'xor': return a ^ b;
    case 'shl': return b >= w ? 0n : (a << b) & m;
    case 'lshr': return b >= w ? 0n : a >> b;
    case 'ashr': return BigInt.asUintN(width, toSigned(a, width) >> (b >= w ? w - 1n : b));
    case 'rotl': { const s = b % w; return ((a << s) | (a >> ((w - s) % w))) & m; }
    case 'rotr': { const s = b % w; return ((a >> s) | (a << ((w - s) % w))) & m; }
    case 'clz': { let n = 0n; for (let i = w - 1n; i >= 0n && ((a >> i) & 1n) === 0n; i--) n++; return n; }
    case 'ctz': { let n = 0n; for (let i = 0n; i < w && ((a >> i) & 1n) === 0n; i++) n++; return n; }
    case 'popcnt': { let n = 0n; for (let v = a; v > 0n; v >>= 1n) n += v & 1n; return n; }
    case 'concat': return (a << BigInt(term!.args[1]!.width)) | b;
    case 'extract': return (a >> term!.value) & m;
    case 'zext': return a;
    case 'sext': return BigInt.asUintN(width, toSigned(a, term!.args[0]!.width));
    case 'ite': return a === 1n ? b : args[2]!;
    case 'eq': return a === b ? 1n : 0n;
    case 'ult': return a < b ? 1n : 0n;
    case 'ule': return a <= b ? 1n : 0n;
    case 'slt': { const aw = term!.args[0]!.width; return toSigned(a, aw) < toSigned(b, aw) ? 1n : 0n; }
    case 'sle': { const aw = term!.args[0]!.width; return toSigned(a, aw) <= toSigned(b, aw) ? 1n : 0n; }
    case 'not': return a ^ 1n;
    case 'band': return a & b;
    case 'bor': return a | b;
    default: throw new Error(`evaluateOp: ${op} has no concrete evaluation`);
  }
}

// ---------------------------------------------------------------- builders with folding and local simplification

function fold(op: Op, width: number, args: Term[], value = 0n, hi = 0): Term {
  if (args.every(isConst)) {
    const probe = { id: 0, op, width, args, value, name: '', hi } as Term;
    return intern('const', width, [], evaluateOp(op, width, args.map((a) => a.value), probe));
  }
  return intern(op, width, args, value, '', hi);
}

const commutative = new Set<Op>(['add', 'mul', 'and', 'or', 'xor', 'eq', 'band', 'bor']);

/** Binary bit-vector operation. */
export function binary(op: Op, a: Term, b: Term): Term {
  if (a.width !== b.width) throw new Error(`${op}: width mismatch ${a.width} vs ${b.width}`);
  const w = a.width;
  // Constants go second so the rules below see them in one place.
  if (commutative.has(op) && isConst(a) && !isConst(b)) [a, b] = [b, a];
  if (isConst(b) && !isConst(a)) {
    // A choice between constants (a `select` of two offsets) with a constant: a choice between the results, so that
    // an address computed from it stays a choice of two places rather than a range of them.
    if (a.op === 'ite' && isConst(a.args[1]!) && isConst(a.args[2]!)) return ite(a.args[0]!, binary(op, a.args[1]!, b), binary(op, a.args[2]!, b));
    const c = b.value;
    switch (op) {
      case 'add':
        if (c === 0n) return a;
        if (a.op === 'add' && isConst(a.args[1]!)) return binary('add', a.args[0]!, bv(a.args[1]!.value + c, w));
        if (a.op === 'sub' && isConst(a.args[1]!)) return binary('add', a.args[0]!, bv(c - a.args[1]!.value, w));
        break;
      case 'sub':
        if (c === 0n) return a;
        return binary('add', a, bv(-c, w));
      case 'mul':
        if (c === 0n) return b;
        if (c === 1n) return a;
        break;
      case 'and':
        if (c === 0n) return b;
        if (c === mask(w)) return a;
        // zext(x) & c keeps x whole when c covers x's bits (the extension's bits are zero anyway).
        if (a.op === 'zext' && (c & mask(a.args[0]!.width)) === mask(a.args[0]!.width)) return a;
        break;
      case 'or':
      case 'xor':
        if (c === 0n) return a;
        break;
      case 'shl':
      case 'lshr':
      case 'ashr':
      case 'rotl':
      case 'rotr':
        if (c === 0n) return a;
        break;
    }
  }
  if (a === b) {
    if (op === 'sub' || op === 'xor') return bv(0, w);
    if (op === 'and' || op === 'or') return a;
  }
  return fold(op, w, [a, b]);
}

export function unary(op: 'clz' | 'ctz' | 'popcnt', a: Term): Term {
  return fold(op, a.width, [a]);
}

export function concat(hi: Term, lo: Term): Term {
  // Re-joining adjacent slices of one value gives the value back (loads after stores do this all the time).
  if (hi.op === 'extract' && lo.op === 'extract' && hi.args[0] === lo.args[0] && hi.value === BigInt(lo.hi + 1)) {
    return extract(hi.hi, Number(lo.value), hi.args[0]!);
  }
  if (hi.op === 'extract' && lo.op === 'concat') {
    const joined = concat(hi, lo.args[0]!);
    if (joined.op !== 'concat') return concat(joined, lo.args[1]!);
  }
  // Slices chosen by the same condition: choose between the joined slices instead.
  if (hi.op === 'ite' && lo.op === 'ite' && hi.args[0] === lo.args[0]) {
    return ite(hi.args[0]!, concat(hi.args[1]!, lo.args[1]!), concat(hi.args[2]!, lo.args[2]!));
  }
  // And in a left-nested chain, (x ++ high slice) ++ low slice: a device's two bytes in a key become one slice;
  // (x ++ chosen byte) ++ byte chosen by the same condition: a word stored byte by byte after a branch (the
  // policer's bucket in its record) is compared as the word it was, not as eight choices.
  if (hi.op === 'concat' && hi.args[1]!.op === 'extract' && lo.op === 'extract') {
    const joined = concat(hi.args[1]!, lo);
    if (joined.op !== 'concat') return concat(hi.args[0]!, joined);
  }
  if (hi.op === 'concat' && hi.args[1]!.op === 'ite' && lo.op === 'ite' && hi.args[1]!.args[0] === lo.args[0]) {
    return concat(hi.args[0]!, concat(hi.args[1]!, lo));
  }
  // One grouping for every chain, left-nested as loads build them: the same bytes in the same order give the same
  // term however they were grouped (an emap key read from memory and a spec's record of header fields).
  if (lo.op === 'concat') return concat(concat(hi, lo.args[0]!), lo.args[1]!);
  return fold('concat', hi.width + lo.width, [hi, lo]);
}

export function extract(hi: number, lo: number, a: Term): Term {
  const width = hi - lo + 1;
  if (lo === 0 && hi === a.width - 1) return a;
  if (a.op === 'extract') return extract(hi + Number(a.value), lo + Number(a.value), a.args[0]!);
  if (a.op === 'concat') {
    const [h, l] = a.args as [Term, Term];
    if (hi < l.width) return extract(hi, lo, l);
    if (lo >= l.width) return extract(hi - l.width, lo - l.width, h);
  }
  if (a.op === 'zext' || a.op === 'sext') {
    const inner = a.args[0]!;
    if (hi < inner.width) return extract(hi, lo, inner);
    if (a.op === 'zext' && lo >= inner.width) return bv(0, width);
    if (lo === 0) return a.op === 'zext' ? zext(inner, width - inner.width) : sext(inner, width - inner.width);
  }
  // The low bits of a sum, difference or product are those of its operands' low bits: a spec's exact arithmetic
  // stored into a field becomes the NF's arithmetic in the field's width, the same term where both compute alike
  // (Z3 finds two adders of different widths equal only by search). Not for a byte: a word the NF stores byte by
  // byte must re-join from its slices (concat above).
  if (lo === 0 && width > 8 && (a.op === 'add' || a.op === 'sub' || a.op === 'mul')) {
    return binary(a.op, extract(hi, 0, a.args[0]!), extract(hi, 0, a.args[1]!));
  }
  if (a.op === 'ite') return ite(a.args[0]!, extract(hi, lo, a.args[1]!), extract(hi, lo, a.args[2]!));
  return fold('extract', width, [a], BigInt(lo), hi);
}

export function zext(a: Term, bits: number): Term {
  if (bits === 0) return a;
  if (a.op === 'zext') return zext(a.args[0]!, bits + Number(a.value));
  return fold('zext', a.width + bits, [a], BigInt(bits));
}

export function sext(a: Term, bits: number): Term {
  if (bits === 0) return a;
  return fold('sext', a.width + bits, [a], BigInt(bits));
}

export function ite(c: Term, a: Term, b: Term): Term {
  if (c === TRUE) return a;
  if (c === FALSE) return b;
  if (a === b) return a;
  if (c.op === 'not') return ite(c.args[0]!, b, a);
  if (a.width === BOOL) {
    if (a === TRUE && b === FALSE) return c;
    if (a === FALSE && b === TRUE) return not(c);
  }
  return intern('ite', a.width, [c, a, b]);
}

export function eq(a: Term, b: Term): Term {
  if (a === b) return TRUE;
  if (isConst(a) && !isConst(b)) [a, b] = [b, a];
  if (isConst(b) && !isConst(a)) {
    const [lo, hi] = unsignedRange(a);
    if (b.value < lo || b.value > hi) return FALSE;
    // x << c == k: k's low c bits must be zero, then x's value is decided (when the shift loses no bit of x).
    if (a.op === 'shl' && isConst(a.args[1]!) && a.args[1]!.value < BigInt(a.width)) {
      const shift = a.args[1]!.value;
      if ((b.value & ((1n << shift) - 1n)) !== 0n) return FALSE;
      if (unsignedRange(a.args[0]!)[1] << shift <= mask(a.width)) return eq(a.args[0]!, bv(b.value >> shift, a.width));
    }
    // (ite c x y) == k with constant branches: the comparison is decided by c.
    if (a.op === 'ite' && isConst(a.args[1]!) && isConst(a.args[2]!)) {
      const whenTrue = a.args[1]!.value === b.value;
      const whenFalse = a.args[2]!.value === b.value;
      if (whenTrue && !whenFalse) return a.args[0]!;
      if (!whenTrue && whenFalse) return not(a.args[0]!);
      return bool(whenTrue);
    }
    if (a.op === 'zext') {
      const inner = a.args[0]!;
      if (b.value > mask(inner.width)) return FALSE;
      return eq(inner, bv(b.value, inner.width));
    }
    if (a.op === 'add' && isConst(a.args[1]!)) return eq(a.args[0]!, bv(b.value - a.args[1]!.value, a.width));
    if (a.op === 'xor' && isConst(a.args[1]!)) return eq(a.args[0]!, bv(b.value ^ a.args[1]!.value, a.width));
  }
  // A choice compared with one of its own sides (a byte a merged loop may have left as it was): decided by the
  // condition where it picks that side.
  if (b.op === 'ite' && (b.args[1] === a || b.args[2] === a)) [a, b] = [b, a];
  if (a.op === 'ite' && a.args[1] === b) return or(a.args[0]!, eq(a.args[2]!, b));
  if (a.op === 'ite' && a.args[2] === b) return or(not(a.args[0]!), eq(a.args[1]!, b));
  if (a.width === BOOL) {
    if (b === TRUE) return a;
    if (b === FALSE) return not(a);
  }
  return fold('eq', BOOL, [a, b]);
}

export function compare(op: 'ult' | 'ule' | 'slt' | 'sle', a: Term, b: Term): Term {
  if (a === b) return bool(op === 'ule' || op === 'sle');
  if (op === 'ult' && isConst(b) && b.value === 0n) return FALSE;
  if (op === 'ule' && isConst(a) && a.value === 0n) return TRUE;
  if ((op === 'ult' || op === 'ule') && !(isConst(a) && isConst(b))) {
    // Decided by the operands' ranges alone (an address against a region's bounds, most often).
    const [la, ha] = unsignedRange(a);
    const [lb, hb] = unsignedRange(b);
    if (op === 'ult' ? ha < lb : ha <= lb) return TRUE;
    if (op === 'ult' ? la >= hb : la > hb) return FALSE;
  }
  return fold(op, BOOL, [a, b]);
}

export function not(a: Term): Term {
  if (a.op === 'not') return a.args[0]!;
  return fold('not', BOOL, [a]);
}

export function and(...terms: Term[]): Term {
  let result = TRUE;
  for (const t of terms) {
    if (t === FALSE) return FALSE;
    if (t === TRUE) continue;
    result = result === TRUE ? t : (bounds(result, t, 'and') ?? fold('band', BOOL, [result, t]));
    if (result === FALSE) return FALSE;
  }
  return result;
}

export function or(...terms: Term[]): Term {
  let result = FALSE;
  for (const t of terms) {
    if (t === TRUE) return TRUE;
    if (t === FALSE) continue;
    // A disjunction whose first part bounds the same term as the result's (a merged loop's exit conditions).
    if (t.op === 'bor' && interval(t.args[0]!) !== null && bounds(result, t.args[0]!, 'or') !== null) {
      result = or(result, t.args[0]!, t.args[1]!);
    } else {
      result = result === FALSE ? t : (bounds(result, t, 'or') ?? fold('bor', BOOL, [result, t]));
    }
    if (result === TRUE) return TRUE;
  }
  return result;
}

/** `t` as `x` within [lo, hi] (unsigned): a comparison of a term with a constant, or its negation. */
export function interval(t: Term): { x: Term; lo: bigint; hi: bigint } | null {
  if (t.op === 'not') {
    const inner = interval(t.args[0]!);
    if (!inner) return null;
    if (inner.lo === 0n) return { x: inner.x, lo: inner.hi + 1n, hi: mask(inner.x.width) };
    if (inner.hi === mask(inner.x.width)) return { x: inner.x, lo: 0n, hi: inner.lo - 1n };
    return null;
  }
  if (t.op !== 'ult' && t.op !== 'ule') return null;
  const [a, b] = t.args as [Term, Term];
  const strict = t.op === 'ult' ? 1n : 0n;
  const bound = isConst(b) && !isConst(a) ? { x: a, lo: 0n, hi: b.value - strict } : isConst(a) && !isConst(b) ? { x: b, lo: a.value + strict, hi: mask(b.width) } : null;
  return bound && bound.lo <= bound.hi ? bound : null;
}

/**
 * Two bounds of one term combined into one (`x <= 100 || x <= 64` is `x <= 100`; `x <= 64 || 64 < x` is true),
 * where the result is one bound, none or every value; null otherwise.
 */
function bounds(a: Term, b: Term, op: 'and' | 'or'): Term | null {
  const i = interval(a);
  const j = i && interval(b);
  if (!i || !j || i.x !== j.x) return null;
  const max = mask(i.x.width);
  const [lo, hi] = op === 'and' ? [i.lo > j.lo ? i.lo : j.lo, i.hi < j.hi ? i.hi : j.hi] : [i.lo < j.lo ? i.lo : j.lo, i.hi > j.hi ? i.hi : j.hi];
  if (op === 'and' && lo > hi) return FALSE;
  if (op === 'or' && (i.lo > j.hi + 1n || j.lo > i.hi + 1n)) return null; // a gap between them
  if (lo === 0n && hi === max) return TRUE;
  if (lo === 0n) return compare('ule', i.x, bv(hi, i.x.width));
  if (hi === max) return compare('ule', bv(lo, i.x.width), i.x);
  return null;
}

/** Reads (and frame writes) at a computed offset within this many bytes become choices among constant offsets. */
export const NARROW_RANGE = 128;

/**
 * An array of bytes indexed by 32-bit offsets. Reads at a constant offset see through every write (a write at a
 * computed offset becomes a choice), so they end at a byte of the initial array, which Z3 sees as a plain
 * bit-vector constant; a read at a computed offset whose range (from the term's shape) is narrow becomes a choice
 * among reads at constant offsets. Only the remaining reads leave an array for Z3.
 */
export function select(array: Term, index: Term): Term {
  const key = `${array.id},${index.id}`;
  let read = reads.get(key);
  if (!read) {
    read = resolveSelect(array, index);
    reads.set(key, read);
  }
  return read;
}

/** `select`'s results by array and index: the same read (a header field, each spec path) is resolved once. */
const reads = new Map<string, Term>();

function resolveSelect(array: Term, index: Term): Term {
  if (!isConst(index)) {
    const [lo, hi] = unsignedRange(index);
    if (hi - lo < BigInt(NARROW_RANGE)) {
      let choice = select(array, bv(hi, index.width));
      for (let k = hi - 1n; k >= lo; k--) choice = ite(eq(index, bv(k, index.width)), select(array, bv(k, index.width)), choice);
      return choice;
    }
  }
  let a = array;
  while (a.op === 'store') {
    const [inner, at, value] = a.args as [Term, Term, Term];
    if (at === index) return value;
    if (isConst(at) && isConst(index)) a = inner;
    else if (isConst(index)) return ite(eq(at, index), value, select(inner, index));
    else break;
  }
  return intern('select', 8, [a, index]);
}

export function store(array: Term, index: Term, value: Term): Term {
  return intern('store', ARRAY, [array, index, value]);
}

export const arrayVariable = (name: string): Term => intern('var', ARRAY, [], 0n, name);

/**
 * An uninterpreted function applied to bit-vector arguments: the abstract contents of a data structure before
 * the packet (ghost maps). One name, one signature.
 */
export function apply(fn: string, args: Term[], width: number): Term {
  return intern('apply', width, args, 0n, fn);
}

// ---------------------------------------------------------------- inspection

const ranges = new WeakMap<Term, [bigint, bigint]>();

/** Unsigned bounds of a bit-vector term, from its shape alone (sound, not tight). */
export function unsignedRange(t: Term): [bigint, bigint] {
  let range = ranges.get(t);
  if (!range) {
    range = shapeRange(t);
    ranges.set(t, range);
  }
  return range;
}

function shapeRange(t: Term): [bigint, bigint] {
  // A truth value (width 0) is 0 or 1: mask(0) would say it is always 0, and eq(c, TRUE) would fold to FALSE.
  const full: [bigint, bigint] = [0n, t.width === BOOL ? 1n : mask(t.width)];
  const fits = (hi: bigint): boolean => hi <= mask(t.width);
  const [x, y] = t.args;
  switch (t.op) {
    case 'const': return [t.value, t.value];
    case 'zext': return unsignedRange(x!);
    case 'select': return [0n, 255n];
    case 'and': {
      const [, hx] = unsignedRange(x!);
      const [, hy] = unsignedRange(y!);
      return [0n, hx < hy ? hx : hy];
    }
    case 'lshr': {
      if (!isConst(y!)) return full;
      const [lo, hi] = unsignedRange(x!);
      return [lo >> y!.value, hi >> y!.value];
    }
    case 'shl': case 'mul': {
      if (!isConst(y!)) return full;
      const [lo, hi] = unsignedRange(x!);
      const k = t.op === 'shl' ? 1n << y!.value : y!.value;
      return fits(hi * k) ? [lo * k, hi * k] : full;
    }
    case 'add': {
      const [lx, hx] = unsignedRange(x!);
      const [ly, hy] = unsignedRange(y!);
      return fits(hx + hy) ? [lx + ly, hx + hy] : full;
    }
    case 'urem': return isConst(y!) && y!.value > 0n ? [0n, y!.value - 1n] : full;
    case 'ite': {
      const [la, ha] = unsignedRange(t.args[1]!);
      const [lb, hb] = unsignedRange(t.args[2]!);
      return [la < lb ? la : lb, ha > hb ? ha : hb];
    }
    default: return full;
  }
}

/** Every variable the terms depend on, and one application of each uninterpreted function they use. */
export function symbolsOf(roots: readonly Term[]): { variables: Term[]; functions: Term[] } {
  const seen = new Set<number>();
  const variables: Term[] = [];
  const functions = new Map<string, Term>();
  const stack = [...roots];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    if (t.op === 'var') variables.push(t);
    if (t.op === 'apply' && !functions.has(t.name)) functions.set(t.name, t);
    stack.push(...t.args);
  }
  return { variables, functions: [...functions.values()] };
}

export const variablesOf = (roots: readonly Term[]): Term[] => symbolsOf(roots).variables;

/** Every term within `roots`, once each, by id. */
export function subterms(roots: readonly Term[]): Map<number, Term> {
  const found = new Map<number, Term>();
  const stack = [...roots];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (found.has(t.id)) continue;
    found.set(t.id, t);
    stack.push(...t.args);
  }
  return found;
}

/** A readable rendering for traces and counterexamples, at most `limit` characters. */
export function show(t: Term, limit = 160): string {
  const text = render(t, 0);
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** `array[i] ++ ... ++ array[j]` over consecutive constant offsets (a field of the frame), as `array[j..i]`. */
function byteRun(t: Term): string | null {
  const bytes: Term[] = [];
  const collect = (x: Term): boolean => {
    if (x.op === 'concat') return collect(x.args[0]!) && collect(x.args[1]!);
    if (x.op !== 'select' || !isConst(x.args[1]!)) return false;
    bytes.push(x);
    return true;
  };
  if (!collect(t) || bytes.length < 2) return null;
  const array = bytes[0]!.args[0]!;
  const offsets = bytes.map((b) => Number(b.args[1]!.value));
  const consecutive = bytes.every((b, i) => b.args[0] === array && offsets[i] === offsets[0]! - i);
  return consecutive && array.op === 'var' ? `${array.name}[${offsets[offsets.length - 1]}..${offsets[0]}]` : null;
}

function render(t: Term, depth: number): string {
  if (depth > 12) return '…';
  const s = (x: Term) => render(x, depth + 1);
  if (t.op === 'concat') {
    const run = byteRun(t);
    if (run) return run;
  }
  switch (t.op) {
    case 'const':
      if (t.width === BOOL) return t.value === 1n ? 'true' : 'false';
      return t.value < 4096n ? String(t.value) : `0x${t.value.toString(16)}`;
    case 'var': return t.name;
    case 'extract': return `${s(t.args[0]!)}[${t.hi}:${t.value}]`;
    case 'zext': return s(t.args[0]!);
    case 'sext': return `sext(${s(t.args[0]!)})`;
    case 'select': return `${s(t.args[0]!)}[${s(t.args[1]!)}]`;
    case 'ite': return `(${s(t.args[0]!)} ? ${s(t.args[1]!)} : ${s(t.args[2]!)})`;
    case 'not': return `!${s(t.args[0]!)}`;
    case 'apply': return `${t.name}(${t.args.map(s).join(', ')})`;
    default: {
      const symbol: Partial<Record<Op, string>> = {
        add: '+', sub: '-', mul: '*', and: '&', or: '|', xor: '^', shl: '<<', lshr: '>>', ashr: '>>s', eq: '==',
        ult: '<u', ule: '<=u', slt: '<s', sle: '<=s', band: '&&', bor: '||', concat: '++', udiv: '/u', sdiv: '/s',
        urem: '%u', srem: '%s',
      };
      const sym = symbol[t.op];
      if (sym && t.args.length === 2) return `(${s(t.args[0]!)} ${sym} ${s(t.args[1]!)})`;
      return `${t.op}(${t.args.map(s).join(', ')})`;
    }
  }
}

// ---------------------------------------------------------------- evaluation under an assignment

/**
 * Values of variables: bit-vectors by name; arrays by name as a sparse map with a default byte; uninterpreted
 * functions by name as a table keyed by the comma-joined argument values, with a default.
 */
export interface Assignment {
  scalars: Map<string, bigint>;
  arrays: Map<string, { entries: Map<number, number>; fallback: number }>;
  functions: Map<string, { entries: Map<string, bigint>; fallback: bigint }>;
}

export const emptyAssignment = (): Assignment => ({ scalars: new Map(), arrays: new Map(), functions: new Map() });

/** Evaluates a term; unassigned variables are 0 (as Z3's model completion does). */
export function evaluate(t: Term, assignment: Assignment, memo = new Map<number, bigint | ArrayValue>()): bigint {
  return evaluateAny(t, assignment, memo) as bigint;
}

type ArrayValue = (index: number) => number;

function evaluateAny(t: Term, env: Assignment, memo: Map<number, bigint | ArrayValue>): bigint | ArrayValue {
  const cached = memo.get(t.id);
  if (cached !== undefined) return cached;
  let result: bigint | ArrayValue;
  if (t.op === 'const') result = t.value;
  else if (t.op === 'var') {
    if (t.width === ARRAY) {
      const array = env.arrays.get(t.name);
      result = (i: number) => array?.entries.get(i) ?? array?.fallback ?? 0;
    } else result = env.scalars.get(t.name) ?? 0n;
  } else if (t.op === 'store') {
    const inner = evaluateAny(t.args[0]!, env, memo) as ArrayValue;
    const at = Number(evaluateAny(t.args[1]!, env, memo));
    const value = Number(evaluateAny(t.args[2]!, env, memo));
    result = (i: number) => (i === at ? value : inner(i));
  } else if (t.op === 'select') {
    const array = evaluateAny(t.args[0]!, env, memo) as ArrayValue;
    result = BigInt(array(Number(evaluateAny(t.args[1]!, env, memo))));
  } else if (t.op === 'apply') {
    const table = env.functions.get(t.name);
    const key = t.args.map((a) => evaluateAny(a, env, memo) as bigint).join(',');
    result = table?.entries.get(key) ?? table?.fallback ?? 0n;
  } else if (t.op === 'ite') {
    const c = evaluateAny(t.args[0]!, env, memo) as bigint;
    result = evaluateAny(c === 1n ? t.args[1]! : t.args[2]!, env, memo);
  } else {
    result = evaluateOp(t.op, t.width, t.args.map((a) => evaluateAny(a, env, memo) as bigint), t);
  }
  memo.set(t.id, result);
  return result;
}

// ---------------------------------------------------------------- rewriting

/** The same operation over new arguments, through the builders (so their simplifications apply). */
export function rebuild(t: Term, args: Term[]): Term {
  const [a, b, c] = args;
  switch (t.op) {
    case 'ite': return ite(a!, b!, c!);
    case 'eq': return eq(a!, b!);
    case 'not': return not(a!);
    case 'band': return and(a!, b!);
    case 'bor': return or(a!, b!);
    case 'ult': case 'ule': case 'slt': case 'sle': return compare(t.op, a!, b!);
    case 'concat': return concat(a!, b!);
    case 'extract': return extract(t.hi, Number(t.value), a!);
    case 'zext': return zext(a!, Number(t.value));
    case 'sext': return sext(a!, Number(t.value));
    case 'select': return select(a!, b!);
    case 'store': return store(a!, b!, c!);
    case 'apply': return apply(t.name, args, t.width);
    case 'clz': case 'ctz': case 'popcnt': return unary(t.op, a!);
    default: return binary(t.op, a!, b!);
  }
}

/** `root` with each term `replacements` holds (by id) replaced, rebuilt through the builders; `memo` keeps results. */
export function substitute(root: Term, replacements: Map<number, Term>, memo = new Map<number, Term>()): Term {
  for (const [id, by] of replacements) memo.set(id, by);
  return buildBottomUp(root, memo, (t) => {
    const args = t.args.map((a) => memo.get(a.id)!);
    return args.every((a, i) => a === t.args[i]) ? t : rebuild(t, args);
  });
}

// ---------------------------------------------------------------- persistence

/** A term DAG as plain data: nodes in dependency order, each [op, width, value, name, hi, ...argument positions]. */
export type TermTable = (string | number)[][];

export class TermWriter {
  readonly table: TermTable = [];
  private readonly positions = new Map<number, number>();

  /** The position of `root` in the table, writing it (and what it depends on) first if needed. */
  add(root: Term): number {
    return buildBottomUp(root, this.positions, (t) => {
      this.table.push([t.op, t.width, t.value.toString(), t.name, t.hi, ...t.args.map((a) => this.positions.get(a.id)!)]);
      return this.table.length - 1;
    });
  }
}

/**
 * `make(root)`, after `make` of every term `root` depends on that `made` (results by term id) lacks, arguments
 * first; every result is kept in `made`. Iterative, not recursive: terms built from long packet store chains are deep.
 */
export function buildBottomUp<R>(root: Term, made: Map<number, R>, make: (t: Term) => R): R {
  const stack: Term[] = [root];
  while (stack.length > 0) {
    const t = stack[stack.length - 1]!;
    if (made.has(t.id)) {
      stack.pop();
      continue;
    }
    const pending = t.args.filter((a) => !made.has(a.id));
    if (pending.length > 0) {
      stack.push(...pending);
      continue;
    }
    stack.pop();
    made.set(t.id, make(t));
  }
  return made.get(root.id)!;
}

/** Terms back from a table, through the same interning (so equal terms are the same object again). */
export function readTermTable(table: TermTable): Term[] {
  const terms: Term[] = [];
  for (const [op, width, value, name, hi, ...args] of table) {
    terms.push(intern(op as Op, width as number, args.map((a) => terms[a as number]!), BigInt(value as string), name as string, hi as number));
  }
  return terms;
}
