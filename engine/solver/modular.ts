// Values modulo 0xffff (one's-complement checksum arithmetic) as linear forms over atoms: what a checksum
// computation is worth modulo 0xffff, whatever its association, folds, complements and byte order, so that two
// computations, or an update and a validity condition, compare as forms without a solver (engine/nf/well-formed.ts).
// Every rule is exact modulo 0xffff: a sum, difference or product is taken apart only where it cannot wrap (from
// its operands' ranges, else proven by the caller's `proves`), and is an atom otherwise; slices of a term count as
// the term only where they tile it and its other bits are zero. 2^16 is 1 modulo 0xffff, which is why a fold
// `(s & 0xffff) + (s >> 16)` is s.
import * as T from './term.ts';
import type { Term } from './term.ts';
import { type Bit, type Bits, isConstantBit, REWIRING, wiredBits } from './normal.ts';

const MODULUS = 0xffffn;
const reduce = (x: bigint): bigint => ((x % MODULUS) + MODULUS) % MODULUS;
/** 2^k modulo 0xffff. */
const weight = (k: number): bigint => 1n << BigInt(k % 16);
const allOnes = (width: number): bigint => (1n << BigInt(width)) - 1n;

/** Bits `lo`..`hi` of an atom: a term bit-level rewiring ends at (a byte read, a sum, a value no rule takes apart). */
interface Slice {
  atom: Term;
  lo: number;
  hi: number;
}

/** A linear form modulo 0xffff: a constant and a coefficient per slice of an atom. */
export class Form {
  constant = 0n;
  /** By `${atom id}:${lo}:${hi}`. */
  readonly terms = new Map<string, { slice: Slice; coefficient: bigint }>();

  static constant(value: bigint): Form {
    const form = new Form();
    form.constant = reduce(value);
    return form;
  }

  /** Adds `times` the slice. */
  addSlice(slice: Slice, times: bigint): this {
    const key = `${slice.atom.id}:${slice.lo}:${slice.hi}`;
    const coefficient = reduce((this.terms.get(key)?.coefficient ?? 0n) + times);
    if (coefficient === 0n) this.terms.delete(key);
    else this.terms.set(key, { slice, coefficient });
    return this;
  }

  /** Adds `times` the form `other`. */
  add(other: Form, times = 1n): this {
    this.constant = reduce(this.constant + times * other.constant);
    for (const { slice, coefficient } of other.terms.values()) this.addSlice(slice, times * coefficient);
    return this;
  }

  /** The coefficient of a whole atom (all its bits). */
  coefficientOf(atom: Term): bigint {
    return this.terms.get(`${atom.id}:0:${atom.width - 1}`)?.coefficient ?? 0n;
  }

  /** Zero for every value of the atoms. */
  isZero(): boolean {
    return this.constant === 0n && this.terms.size === 0;
  }
}

/** Decides a claim (a boolean term) on the caller's paths: true when it holds on all of them. */
export type Proves = (claim: Term) => boolean;

/**
 * A linearizer over one set of paths (the caller's `proves`): forms of terms, memoized, and the bits of their
 * rewiring.
 */
export class Linearizer {
  private readonly forms = new Map<number, Form | null>();
  private readonly bits: Bits = new Map();
  private readonly claims = new Map<number, boolean>();

  constructor(private readonly proves: Proves) {}

  /**
   * The value of `t` modulo 0xffff as a form, slices recombined into their atoms. A term no rule takes apart (a sum
   * that may wrap, a product of two values) is an atom of it.
   */
  formOf(t: Term): Form {
    // A copy: the forms kept for terms stay as the rules made them.
    return this.recombined(new Form().add(this.linear(t)));
  }

  private holds(claim: Term): boolean {
    if (claim === T.TRUE) return true;
    let known = this.claims.get(claim.id);
    if (known === undefined) {
      // The sums' ranges first, which is all a fold's bound needs; then the claim itself (a path's facts).
      const abstract = abstracted(claim);
      known = this.proves(abstract) || (abstract !== claim && this.proves(claim));
      this.claims.set(claim.id, known);
    }
    return known;
  }

  /** `t` below 2^bits, by its shape or else proven. */
  private below(t: Term, bits: number): boolean {
    if (bits >= t.width) return true;
    return T.unsignedRange(t)[1] < 1n << BigInt(bits) || this.holds(T.compare('ult', t, T.bv(1n << BigInt(bits), t.width)));
  }

  /** `t`'s form before recombination: by a rule, or `t` as an atom. */
  private linear(t: Term): Form {
    return this.followed(t) ?? new Form().addSlice({ atom: t, lo: 0, hi: t.width - 1 }, 1n);
  }

  /** `t`'s form by a rule that takes it apart, or null (`t` is an atom). */
  private followed(t: Term): Form | null {
    if (this.forms.has(t.id)) return this.forms.get(t.id)!;
    const form = this.computed(t);
    this.forms.set(t.id, form);
    return form;
  }

  private computed(t: Term): Form | null {
    if (T.isConst(t)) return Form.constant(t.value);
    const [a, b] = t.args;
    switch (t.op) {
      case 'add': {
        const [fa, fb] = [this.linear(a!), this.linear(b!)];
        // No carry out (a + b <= 2^w - 1, i.e. a <= ~b), or always one (a + b - 2^w: a constant b standing for -c,
        // asked first when b's top bit is set).
        const [ra, rb] = [T.unsignedRange(a!), T.unsignedRange(b!)];
        const complement = T.binary('xor', b!, T.bv(allOnes(t.width), t.width));
        const sum = new Form().add(fa).add(fb);
        const noCarry = () => ra[1] + rb[1] <= allOnes(t.width) || this.holds(T.compare('ule', a!, complement));
        const carry = () => ra[0] + rb[0] > allOnes(t.width) || this.holds(T.compare('ult', complement, a!));
        const negative = T.isConst(b!) && b!.value >> BigInt(t.width - 1) === 1n;
        if (!negative && noCarry()) return sum;
        if (carry()) return sum.add(Form.constant(1n << BigInt(t.width)), -1n);
        return negative && noCarry() ? sum : null;
      }
      case 'sub': {
        const [fa, fb] = [this.linear(a!), this.linear(b!)];
        // No borrow: b <= a.
        const fits = T.unsignedRange(a!)[0] >= T.unsignedRange(b!)[1] || this.holds(T.compare('ule', b!, a!));
        return fits ? new Form().add(fa).add(fb, -1n) : null;
      }
      case 'mul': {
        if (!T.isConst(b!) || T.unsignedRange(a!)[1] * b!.value > allOnes(t.width)) return null;
        return new Form().add(this.linear(a!), b!.value);
      }
      default: {
        // Bit-level rewiring, when `t` is some (its bits are not its own); else it is an atom.
        if (t.width <= 0 || !REWIRING.has(t.op)) return null;
        const bits = wiredBits(t, this.bits);
        return bits.some((bit) => !isConstantBit(bit) && bit.atom === t) ? null : this.fromBits(bits);
      }
    }
  }

  /** A value from its bits: runs of constant bits, and runs of consecutive bits of one atom, complemented or not. */
  private fromBits(bits: Bit[]): Form {
    const form = new Form();
    let at = 0;
    while (at < bits.length) {
      const first = bits[at]!;
      let end = at + 1;
      if (isConstantBit(first)) {
        for (; end < bits.length && isConstantBit(bits[end]!); end++);
        for (let k = at; k < end; k++) form.constant = reduce(form.constant + (bits[k] as { c: bigint }).c * weight(k));
      } else {
        const continues = (b: Bit, k: number) => !isConstantBit(b) && b.atom === first.atom && b.neg === first.neg && b.i === first.i + (k - at);
        for (; end < bits.length && continues(bits[end]!, end); end++);
        const slice = { atom: first.atom, lo: first.i, hi: first.i + end - at - 1 };
        // A complemented run of k bits is (2^k - 1) - slice.
        if (first.neg) form.constant = reduce(form.constant + allOnes(end - at) * weight(at));
        form.addSlice(slice, (first.neg ? -1n : 1n) * weight(at));
      }
      at = end;
    }
    return form;
  }

  /**
   * `form` with the slices of each atom that tile it (bits above the last slice zero) and carry one coefficient's
   * place values (c * 2^lo) replaced by c times the atom's own form, while some are left to replace (each
   * replacement is exact, so stopping anywhere leaves a form of the same value).
   */
  private recombined(form: Form): Form {
    for (let round = 0; round < 64; round++) {
      const byAtom = new Map<Term, { slice: Slice; coefficient: bigint }[]>();
      for (const entry of form.terms.values()) byAtom.set(entry.slice.atom, [...(byAtom.get(entry.slice.atom) ?? []), entry]);
      let replaced = false;
      for (const [atom, entries] of byAtom) {
        const own = this.followed(atom);
        const whole = entries.length === 1 && entries[0]!.slice.lo === 0 && entries[0]!.slice.hi === atom.width - 1;
        if (whole && !own) continue;
        const sorted = [...entries].sort((x, y) => x.slice.lo - y.slice.lo);
        const c = sorted[0]!.coefficient;
        const tiles = sorted.every((e, k) => e.slice.lo === (k === 0 ? 0 : sorted[k - 1]!.slice.hi + 1) && e.coefficient === reduce(c * weight(e.slice.lo)));
        if (!tiles || !this.below(atom, sorted[sorted.length - 1]!.slice.hi + 1)) continue;
        for (const e of sorted) form.addSlice(e.slice, -e.coefficient);
        if (own) form.add(own, c);
        else form.addSlice({ atom, lo: 0, hi: atom.width - 1 }, c);
        replaced = true;
      }
      if (!replaced) break;
    }
    return form;
  }
}

const ARITHMETIC = new Set(['add', 'sub', 'mul']);

/**
 * `claim` with each sum that bit-level rewiring takes apart (a fold's `s & 0xffff` and `s >> 16`) made a fresh value
 * within its shape's range, as an implication: the fold's bound then needs no word of the sum, which Z3 would
 * bit-blast (a 30-word header sum took it past its work budget). Sound: the sum is within that range.
 */
function abstracted(claim: Term): Term {
  const sums = new Map<number, Term>();
  const visited = new Set<number>();
  const visit = (t: Term, underRewiring: boolean): void => {
    if (underRewiring && ARITHMETIC.has(t.op)) {
      sums.set(t.id, t);
      return;
    }
    if (visited.has(t.id)) return;
    visited.add(t.id);
    for (const a of t.args) visit(a, REWIRING.has(t.op));
  };
  visit(claim, false);
  if (sums.size === 0) return claim;
  const fresh = new Map([...sums.values()].map((s) => [s.id, T.variable(`modular.sum${s.id}`, s.width)]));
  const within = [...sums.values()].map((s) => {
    const [lo, hi] = T.unsignedRange(s);
    const v = fresh.get(s.id)!;
    return T.and(T.compare('ule', T.bv(lo, s.width), v), T.compare('ule', v, T.bv(hi, s.width)));
  });
  return T.or(T.not(T.and(...within)), T.substitute(claim, fresh));
}
