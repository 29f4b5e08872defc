// Model repair: a model for an equation found without Z3, by solving it for one free word the way Z3's solve-eqs
// eliminates a variable, then checked by evaluation (a model that satisfies every constraint is a proof of sat).
import { ARRAY, type Assignment, evaluate, isConst, mask, type Term } from './term.ts';

/** A variable's new value: a scalar, or one byte of an array at a constant offset. */
type Setting = { scalar: string; value: bigint } | { array: string; offset: number; value: number };

/**
 * `known` changed so that the equation or disequation `query` holds, if one side is an add/sub/xor chain (under
 * zero extension, concatenation and extraction) over a variable or bytes of an array at constant offsets: the value
 * that leaf needs is computed from the other operands' values in `known` (for a disequation, the other side's value
 * with its lowest bit flipped: any other value would do). The caller must check the result against every
 * constraint it depends on: a leaf that occurs again elsewhere, or that other constraints restrict, can break them.
 */
export function repairedModel(query: Term, known: Assignment): Assignment | null {
  const unequal = query.op === 'not';
  const equation = unequal ? query.args[0]! : query;
  if (equation.op !== 'eq' || equation.args[0]!.width <= 0) return null;
  const [left, right] = equation.args as [Term, Term];
  const memo = new Map();
  const value = (t: Term) => evaluate(t, known, memo);
  const wanted = (other: Term) => (unequal ? value(other) ^ 1n : value(other));
  const settings = solveFor(left, wanted(right), value) ?? solveFor(right, wanted(left), value);
  return settings && withSettings(known, settings);
}

/** Settings of `t`'s free leaves that make it equal `target` (`t`'s width, unsigned), or null. */
function solveFor(t: Term, target: bigint, value: (t: Term) => bigint): Setting[] | null {
  if (isConst(t)) return t.value === target ? [] : null;
  if (t.op === 'var' && t.width > 0) return [{ scalar: t.name, value: target }];
  if (t.op === 'select' && t.args[0]!.op === 'var' && t.args[0]!.width === ARRAY && isConst(t.args[1]!)) {
    return [{ array: t.args[0]!.name, offset: Number(t.args[1]!.value), value: Number(target) }];
  }
  const w = mask(t.width);
  if (t.op === 'zext') return target >> BigInt(t.args[0]!.width) === 0n ? solveFor(t.args[0]!, target, value) : null;
  if (t.op === 'extract') {
    // The whole word with the extracted bits replaced, its other bits kept.
    const whole = t.args[0]!;
    const lo = BigInt(t.value);
    return solveFor(whole, ((value(whole) & ~(w << lo)) | (target << lo)) & mask(whole.width), value);
  }
  if (t.op === 'concat') {
    const [hi, lo] = t.args as [Term, Term];
    const high = solveFor(hi, target >> BigInt(lo.width), value);
    const low = high && solveFor(lo, target & mask(lo.width), value);
    return low && [...high!, ...low];
  }
  if (t.op === 'add' || t.op === 'xor') {
    // Each operand in turn as the one solved for, the others kept at their values.
    for (let k = 0; k < t.args.length; k++) {
      const others = t.args.filter((_, j) => j !== k).map(value);
      const needed = t.op === 'add' ? (target - others.reduce((a, b) => a + b, 0n)) & w : others.reduce((a, b) => a ^ b, target);
      const found = solveFor(t.args[k]!, needed, value);
      if (found) return found;
    }
    return null;
  }
  if (t.op === 'sub') {
    const [a, b] = t.args as [Term, Term];
    return solveFor(a, (target + value(b)) & w, value) ?? solveFor(b, (value(a) - target) & w, value);
  }
  return null;
}

function withSettings(known: Assignment, settings: readonly Setting[]): Assignment {
  const repaired: Assignment = { scalars: new Map(known.scalars), arrays: new Map(known.arrays), functions: new Map(known.functions) };
  for (const setting of settings) {
    if ('scalar' in setting) {
      repaired.scalars.set(setting.scalar, setting.value);
      continue;
    }
    const before = repaired.arrays.get(setting.array);
    const entries = new Map(before?.entries);
    entries.set(setting.offset, setting.value);
    repaired.arrays.set(setting.array, { entries, fallback: before?.fallback ?? 0 });
  }
  return repaired;
}
