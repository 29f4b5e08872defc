// Loop exits merged back into one path: a loop whose trip count the input decides (the stack's 64-byte block
// copies of a frame) would go on as one path per trip count; merged where they meet after the loop, they go on
// as one path whose differing bytes, locals and globals are choices by the condition each exit left under.
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import { type Byte, byteTerm } from './memory.ts';
import type { ExecutionState, LoopExits, Value } from './state.ts';
import { fromTerm, isTerm, toTerm } from './values.ts';

/**
 * Merges the held `exits` (in the order they left the loop) into `last`, the path that left it after them
 * without a condition of its own (every exit condition is false on it). Returns false, changing nothing, when
 * the paths differ in more than values (control, calls made, contract data, the frame buffer): then each goes
 * on as its own path.
 *
 * Each exit's path condition is `base` shared entries plus what it added since; the merged one is the shared
 * part and the disjunction of what each added, left out when it holds anyway (every exit added only the loop's
 * conditions, so together they cover every input). The exits are mutually exclusive (a later one carries the
 * negation of each earlier one's condition), so a value is `ite(c0, v0, ite(c1, v1, ... last's))`.
 */
export function mergeExits(last: ExecutionState, held: LoopExits): boolean {
  const { exits, base } = held;
  const states = [...exits.map((e) => e.state), last];
  const widths = valueLists(last).map((list) => list.map(widthOf));
  if (!states.every((s) => compatible(last, s, widths))) return false;
  const guards = anyOf(exits.map((e) => e.condition));
  const values = (pick: (s: ExecutionState) => Value[]) => states.map(pick);
  for (const [f, frame] of last.frames.entries()) frame.locals = mergeValues(values((s) => s.frames[f]!.locals), guards);
  last.stack = mergeValues(values((s) => s.stack), guards);
  last.globals = mergeValues(values((s) => s.globals), guards);
  for (const address of held.written) {
    last.memory.write(address, choice(states.map((s) => s.memory.read(address)), guards, byteTerm, asByte));
  }
  const added = states.map((s) => s.pathCondition.slice(base));
  const onlyLoopConditions = added.every((conditions, k) =>
    conditions.length === Math.min(k + 1, exits.length) && conditions.every((c, j) => c === (j === k ? exits[k]!.condition : T.not(exits[j]!.condition))));
  last.pathCondition = onlyLoopConditions ? last.pathCondition.slice(0, base) : [...last.pathCondition.slice(0, base), T.or(...added.map((a) => T.and(...a)))];
  last.knownMinLength = Math.min(...states.map((s) => s.knownMinLength));
  last.instructions = Math.max(...states.map((s) => s.instructions));
  return true;
}

/** Same control, calls, contract data and shapes as `last` (whose values have `widths`): only values may differ. */
function compatible(last: ExecutionState, s: ExecutionState, widths: number[][]): boolean {
  if (s === last) return last.packet === null && last.accesses === null && !last.recording;
  return s.packet === null && s.accesses === null && !s.recording && s.pending === null
    && s.memory.size === last.memory.size
    && s.stack.length === last.stack.length && s.globals.length === last.globals.length
    && sameList(s.calls, last.calls)
    && s.contractData.size === last.contractData.size && [...s.contractData].every(([key, value]) => last.contractData.get(key) === value)
    && s.frames.length === last.frames.length
    && s.frames.every((frame, f) => {
      const other = last.frames[f]!;
      return frame.fn === other.fn && frame.pc === other.pc && frame.height === other.height && frame.locals.length === other.locals.length
        && frame.labels.length === other.labels.length
        && frame.labels.every((l, i) => {
          const o = other.labels[i]!;
          return l.target === o.target && l.height === o.height && l.arity === o.arity && l.isLoop === o.isLoop && l.iterations === o.iterations;
        });
    })
    && valueLists(s).every((list, i) => list.every((v, j) => widthOf(v) === widths[i]![j]));
}

const valueLists = (s: ExecutionState): Value[][] => [s.stack, s.globals, ...s.frames.map((frame) => frame.locals)];

const sameList = <X>(a: readonly X[], b: readonly X[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

const widthOf = (v: Value): number => (isTerm(v) ? v.width : typeof v === 'bigint' ? 64 : 32);

/** The disjunction of exit conditions `from` .. `to`, made once per merge (every byte of a copied block asks). */
type Guards = (from: number, to: number) => Term;

function anyOf(conditions: Term[]): Guards {
  const made = new Map<number, Term>();
  return (from, to) => {
    const key = from * conditions.length + to;
    let term = made.get(key);
    if (!term) made.set(key, (term = T.or(...conditions.slice(from, to + 1))));
    return term;
  };
}

function mergeValues(lists: Value[][], guards: Guards): Value[] {
  return lists[0]!.map((_, i) => {
    const values = lists.map((list) => list[i]!);
    return choice(values, guards, (v) => toTerm(v, widthOf(v)), fromTerm);
  });
}

const asByte = (t: Term): Byte => (T.isConst(t) ? Number(t.value) : t);

/** `ite(c0, values[0], ite(c1, values[1], ... values[last]))`, a run of equal values under one guard. */
function choice<V>(values: V[], guards: Guards, term: (v: V) => Term, back: (t: Term) => V): V {
  if (values.every((v) => v === values[0])) return values[0]!;
  let result = term(values[values.length - 1]!);
  for (let k = values.length - 2; k >= 0;) {
    let j = k;
    while (j > 0 && values[j - 1] === values[k]) j--;
    result = T.ite(guards(j, k), term(values[k]!), result);
    k = j - 1;
  }
  return back(result);
}
