// Moving between the interpreter's concrete values and terms.
import { type Term, bv, isConst } from '../solver/term.ts';
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
