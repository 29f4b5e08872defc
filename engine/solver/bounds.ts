// What a path's constraints say about the sizes of its terms, and constraints rewritten under it: word-level facts
// that Z3, bit-blasting, finds only by search (the policer's `burst - tokens <= q` against the spec's
// `burst < tokens + q`, with tokens and q known small: PITFALLS.md, "Verification speed of the NAT and the policer").
import { type Term, ARRAY, binary, buildBottomUp, bv, compare, interval, isConst, mask, not, rebuild, unsignedRange, zext } from './term.ts';

type Range = readonly [bigint, bigint];

/**
 * Unsigned ranges of terms and orders between terms that the constraints assumed so far imply, level by level
 * (the solver's push and pop). `assume(c)` is c rewritten under what earlier constraints imply, never under c
 * itself, so the rewritten constraints together hold exactly where the originals do: each is equivalent to its
 * original wherever the ones before it hold (the first under nothing).
 */
export class PathBounds {
  private readonly ranges = new Map<number, Range>();
  /** `a <= b` (unsigned) by `${a.id} ${b.id}`. */
  private readonly ordered = new Set<string>();
  private readonly levels: (() => void)[][] = [];

  get depth(): number {
    return this.levels.length;
  }

  /** A new level, holding what the next `assume` learns. */
  push(): void {
    this.levels.push([]);
  }

  /** Forgets the last `count` levels. */
  pop(count: number): void {
    // Newest first: a fact narrowed on a later level restores the earlier level's range.
    for (const undo of this.levels.splice(this.levels.length - count).flat().reverse()) undo();
  }

  /** `constraint` rewritten under what holds so far; what it says is learned on the current level. */
  assume(constraint: Term): Term {
    const rewritten = this.rewrite(constraint);
    this.learn(rewritten, true);
    return rewritten;
  }

  /** `t` rewritten under what holds so far: the same value wherever the assumed constraints hold. */
  rewrite(t: Term): Term {
    if (this.ranges.size === 0 && this.ordered.size === 0) return t;
    return new Rewriting(this).run(t);
  }

  /** The range the assumptions give `t` itself (not its parts), if any. */
  known(t: Term): Range | undefined {
    return this.ranges.get(t.id);
  }

  /** Whether `a <= b` (unsigned) was assumed. */
  below(a: Term, b: Term): boolean {
    return this.ordered.has(`${a.id} ${b.id}`);
  }

  private learn(c: Term, holds: boolean): void {
    if (c.op === 'not') return this.learn(c.args[0]!, !holds);
    if ((c.op === 'band' && holds) || (c.op === 'bor' && !holds)) {
      for (const part of c.args) this.learn(part, holds);
      return;
    }
    if (c.op === 'eq' && holds && c.args[0]!.width > 0 && isConst(c.args[1]!)) return this.narrow(c.args[0]!, [c.args[1]!.value, c.args[1]!.value]);
    if (c.op === 'sle' || c.op === 'slt') return this.learnSigned(c, holds);
    if (c.op !== 'ult' && c.op !== 'ule') return;
    const bound = interval(holds ? c : not(c));
    if (bound) return this.narrow(bound.x, [bound.lo, bound.hi]);
    // a < b or a <= b between two non-constant terms (or, negated, b <= a / b < a): an order, strict or not.
    const [a, b] = c.args as [Term, Term];
    if (isConst(a) || isConst(b)) return;
    if (holds) this.order(a, b);
    else this.order(b, a);
  }

  /** `k <=s t` / `k <s t` with k >= 0 puts t in [k(+1), the largest positive value]; the negations likewise. */
  private learnSigned(c: Term, holds: boolean): void {
    const [a, b] = c.args as [Term, Term];
    // As `low <(=)s high`, strict or not.
    const [low, high, strict] = holds ? [a, b, c.op === 'slt'] : [b, a, c.op === 'sle'];
    const width = low.width;
    const positiveMax = mask(width - 1);
    if (!isConst(low) || isConst(high) || low.value > positiveMax) return;
    const lo = low.value + (strict ? 1n : 0n);
    if (lo <= positiveMax) this.narrow(high, [lo, positiveMax]);
  }

  private narrow(t: Term, [lo, hi]: Range): void {
    const before = this.ranges.get(t.id);
    const next: Range = before ? [lo > before[0] ? lo : before[0], hi < before[1] ? hi : before[1]] : [lo, hi];
    if (before && next[0] === before[0] && next[1] === before[1]) return;
    this.ranges.set(t.id, next);
    this.onUndo(() => (before ? this.ranges.set(t.id, before) : this.ranges.delete(t.id)));
  }

  private order(a: Term, b: Term): void {
    const key = `${a.id} ${b.id}`;
    if (this.ordered.has(key)) return;
    this.ordered.add(key);
    this.onUndo(() => this.ordered.delete(key));
  }

  private onUndo(undo: () => void): void {
    // Facts learned outside any level (no push yet) are never undone.
    this.levels.at(-1)?.push(undo);
  }
}

/** One pass of rewriting a term under a PathBounds: ranges are computed once per subterm. */
class Rewriting {
  private readonly rangeMemo = new Map<number, Range>();
  private readonly made = new Map<number, Term>();

  constructor(private readonly bounds: PathBounds) {}

  run(root: Term): Term {
    return buildBottomUp(root, this.made, (t) => {
      if (t.width === ARRAY) return t;
      const args = t.args.map((a) => this.made.get(a.id)!);
      return this.simplify(args.every((a, i) => a === t.args[i]) ? t : rebuild(t, args));
    });
  }

  /** Unsigned range of `t`: what the path says of it, within what its parts' ranges allow. */
  range(t: Term): Range {
    const memo = this.rangeMemo.get(t.id);
    if (memo) return memo;
    const shape = this.shapeRange(t);
    const known = this.bounds.known(t);
    const range: Range = known ? [known[0] > shape[0] ? known[0] : shape[0], known[1] < shape[1] ? known[1] : shape[1]] : shape;
    this.rangeMemo.set(t.id, range);
    return range;
  }

  private shapeRange(t: Term): Range {
    if (t.width <= 0) return unsignedRange(t);
    const fits = (hi: bigint) => hi <= mask(t.width);
    const [x, y] = t.args;
    switch (t.op) {
      case 'zext': return this.range(x!);
      case 'add': {
        const [[lx, hx], [ly, hy]] = [this.range(x!), this.range(y!)];
        return fits(hx + hy) ? [lx + ly, hx + hy] : unsignedRange(t);
      }
      case 'sub': {
        if (!this.noWrap(x!, y!)) return unsignedRange(t);
        const [[lx, hx], [ly, hy]] = [this.range(x!), this.range(y!)];
        return [lx > hy ? lx - hy : 0n, hx - ly];
      }
      case 'mul': {
        if (!isConst(y!)) return unsignedRange(t);
        const [lx, hx] = this.range(x!);
        return fits(hx * y!.value) ? [lx * y!.value, hx * y!.value] : unsignedRange(t);
      }
      case 'udiv': {
        if (!isConst(y!) || y!.value === 0n) return unsignedRange(t);
        const [lx, hx] = this.range(x!);
        return [lx / y!.value, hx / y!.value];
      }
      case 'lshr': {
        if (!isConst(y!)) return unsignedRange(t);
        const [lx, hx] = this.range(x!);
        return [lx >> y!.value, hx >> y!.value];
      }
      case 'extract': {
        const [lx, hx] = this.range(x!);
        return t.value === 0n && hx <= mask(t.width) ? [lx, hx] : unsignedRange(t);
      }
      case 'ite': {
        const [[la, ha], [lb, hb]] = [this.range(t.args[1]!), this.range(t.args[2]!)];
        return [la < lb ? la : lb, ha > hb ? ha : hb];
      }
      default: return unsignedRange(t);
    }
  }

  /** Whether `x - y` cannot wrap: y <= x by their ranges or by an order the path assumed. */
  private noWrap(x: Term, y: Term): boolean {
    return this.range(x)[0] >= this.range(y)[1] || this.bounds.below(y, x);
  }

  private fits(t: Term, hi: bigint): boolean {
    return hi <= mask(t.width);
  }

  /** `t` (its arguments already rewritten) after the rules that the ranges allow. */
  private simplify(t: Term): Term {
    const [x, y] = t.args;
    switch (t.op) {
      case 'ult': case 'ule': return this.comparison(t.op, x!, y!) ?? t;
      case 'sext':
        // A value whose sign bit is clear extends with zeros (a frame length widened as signed, compared as unsigned).
        return this.range(x!)[1] <= mask(x!.width - 1) ? this.simplify(zext(x!, t.width - x!.width)) : t;
      case 'udiv': return this.reducedQuotient(t) ?? t;
      case 'add': case 'sub': return this.narrowed(t) ?? t;
      default: return t;
    }
  }

  /** An unsigned comparison as one Z3 sees through where the ranges allow it; undefined if no rule applies. */
  private comparison(op: 'ult' | 'ule', a: Term, b: Term): Term | undefined {
    const [ha, hb] = [this.range(a)[1], this.range(b)[1]];
    // x - y <= b is x <= y + b where neither side wraps (likewise for b <= x - y): a capped refill's
    // `burst - tokens <= added` becomes the spec's `burst <= tokens + added`.
    if (a.op === 'sub' && this.noWrap(a.args[0]!, a.args[1]!) && this.fits(a, this.range(a.args[1]!)[1] + hb)) {
      return this.simplify(compare(op, a.args[0]!, this.simplify(binary('add', a.args[1]!, b))));
    }
    if (b.op === 'sub' && this.noWrap(b.args[0]!, b.args[1]!) && this.fits(b, ha + this.range(b.args[1]!)[1])) {
      return this.simplify(compare(op, this.simplify(binary('add', a, b.args[1]!)), b.args[0]!));
    }
    // Both sides zero-extended (or constant) values that fit a narrower width: compared at that width.
    const width = Math.max(innerWidth(a), innerWidth(b));
    if (width < a.width && ha <= mask(width) && hb <= mask(width)) {
      return this.simplify(compare(op, this.narrow(a, width), this.narrow(b, width)));
    }
    return undefined;
  }

  /** `x * c / d` as `x * (c/g) / (d/g)` (g their common factor) where x * c does not overflow: the same value. */
  private reducedQuotient(t: Term): Term | undefined {
    const [product, divisor] = t.args as [Term, Term];
    if (product.op !== 'mul' || !isConst(product.args[1]!) || !isConst(divisor)) return undefined;
    const [c, d] = [product.args[1]!.value, divisor.value];
    if (c === 0n || d === 0n || !this.fits(t, this.range(product.args[0]!)[1] * c)) return undefined;
    let [g, r] = [c, d];
    while (r !== 0n) [g, r] = [r, g % r];
    if (g === 1n) return undefined;
    return binary('udiv', binary('mul', product.args[0]!, bv(c / g, t.width)), bv(d / g, t.width));
  }

  /** A sum or difference of zero-extended values that cannot wrap at their width: taken there, then extended. */
  private narrowed(t: Term): Term | undefined {
    const [a, b] = t.args as [Term, Term];
    const width = Math.max(innerWidth(a), innerWidth(b));
    if (width >= t.width || this.range(a)[1] > mask(width) || this.range(b)[1] > mask(width)) return undefined;
    const [x, y] = [this.narrow(a, width), this.narrow(b, width)];
    if (t.op === 'add' ? !this.fits(x, this.range(x)[1] + this.range(y)[1]) : !this.noWrap(x, y)) return undefined;
    return zext(this.simplify(binary(t.op, x, y)), t.width - width);
  }

  /** `t` at `width` bits: callers pass only zero-extended values and constants (innerWidth) that fit them. */
  private narrow(t: Term, width: number): Term {
    if (isConst(t)) return bv(t.value, width);
    const inner = t.args[0]!;
    return inner.width === width ? inner : zext(inner, width - inner.width);
  }
}

/** The width a term's value lives in: a zero-extension's operand's, a constant's own (its significant bits), else its width. */
function innerWidth(t: Term): number {
  if (isConst(t)) return Math.max(1, t.value.toString(2).length);
  return t.op === 'zext' ? t.args[0]!.width : t.width;
}
