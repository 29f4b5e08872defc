// Moving between the interpreter's concrete values and terms, and bounding a symbolic address.
import { type Term, bv, isConst, mask } from '../solver/term.ts';
import type { Value } from './state.ts';

export const isTerm = (v: Value): v is Term => typeof v === 'object';

/** The term for a value of the given width (32 or 64). */
export function toTerm(v: Value, width: number): Term {
  if (typeof v === 'object') return v;
  return bv(typeof v === 'number' ? v >>> 0 : v, width);
}

/** Back to a plain number/bigint when the term folded to a constant. */
export function fromTerm(t: Term): Value {
  if (!isConst(t)) return t;
  return t.width === 64 ? t.value : Number(t.value);
}

/** Unsigned bounds of a term, from its shape alone (sound, not tight). */
export function unsignedRange(t: Term): [bigint, bigint] {
  const full: [bigint, bigint] = [0n, mask(t.width)];
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
