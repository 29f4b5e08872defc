// A failure's cht choices made the Maglev table's own: the contract leaves the choice open (some live backend), the
// run-time's table for the NF's configuration is concrete, so a counterexample that relies on a choice is refined
// with what that table chooses for its flow's hash and live backends, and solved again.
import { Cht } from '../../libvig/index.ts';
import { type ChtChoiceOrigin, chtChoiceOrigin, objectsOf, recordCallChoices } from '../contracts/index.ts';
import { EmapQueries } from '../ghost/emap.ts';
import { INPUT } from '../nf/explore-nf.ts';
import * as T from '../solver/term.ts';
import type { Assignment, Term } from '../solver/term.ts';
import type { Solver } from '../solver/z3.ts';
import type { Trace } from '../symbex/explore.ts';
import { toTerm } from '../symbex/values.ts';

/** What became of the cht choices a failure relies on. */
export type ChtRefinement =
  /** Each is the table's (`rounds`: how many times the failure was solved again to make them so). */
  | { outcome: 'table'; rounds: number; explanation: string; choices: TableChoice[] }
  /** No counterexample has the table's choices: the contract allows the failure, this table never shows it. */
  | { outcome: 'never-shown'; explanation: string }
  /** Not the table's after `MAX_ROUNDS` (each round another flow's choice was open): a replay may differ. */
  | { outcome: 'unrefined'; explanation: string };

/** A choice the NF's `cht_find_backend` makes in a refined counterexample: what the run-time's table must choose. */
export interface TableChoice {
  handle: number;
  /** The hash as the run-time gets it, unsigned. */
  hash: number;
  backend: number;
}

/** Rounds of solving again: each pins the choices of the flows the last model had, whose hashes may then move. */
const MAX_ROUNDS = 4;

const NONE = -1;

/** A choice the failure relies on, with the run-time's table of its configuration (nf_init's `cht_allocate`). */
interface Choice {
  term: Term;
  origin: ChtChoiceOrigin;
  table: Cht;
}

/**
 * `model` of `conditions` (a failure's), refined so that every cht choice within them is the one the run-time's
 * table makes, with the facts that say so (true of that table, so the verdict is the contract's as before; the
 * facts only pick a more specific counterexample); `cht` is null when the conditions hold no choice.
 */
export function refineChtChoices(solver: Solver, trace: Trace, conditions: readonly Term[], model: Assignment): { model: Assignment; facts: Term[]; cht: ChtRefinement | null } {
  const objects = objectsOf(trace.final);
  recordCallChoices(trace.calls, objects);
  const choices = [...T.subterms(conditions).values()].flatMap((term): Choice[] => {
    const origin = chtChoiceOrigin(term);
    const object = origin && objects.find((o) => o.kind === 'cht' && o.name === origin.table.name);
    return origin && object?.kind === 'cht' ? [{ term, origin, table: maglevTable(object.height, object.capacity) }] : [];
  });
  if (choices.length === 0) return { model, facts: [], cht: null };
  const facts: Term[] = [];
  const queries = new EmapQueries({ now: INPUT.now }, facts);
  for (const choice of choices) facts.push(...firstSomewhere(choice, queries));
  for (const { origin } of choices) facts.push(liveCounted(origin.backends, queries));
  const asked = choices.map((choice) => askedChoice(choice, model));
  const pinned = new Set<string>();
  let checked = 0;
  let current = model;
  for (let round = 0; round <= MAX_ROUNDS; round++) {
    const flows: Term[] = [];
    for (const choice of choices) {
      const { key, fact, flow } = rowFact(choice, current, queries);
      if (!pinned.has(key)) facts.push(fact);
      pinned.add(key);
      flows.push(flow);
    }
    const fresh = facts.slice(checked);
    checked = facts.length;
    if (fresh.every((fact) => T.evaluate(fact, current) === 1n)) {
      const made = choices.map((choice) => tableChoice(choice, current));
      return { model: current, facts, cht: { outcome: 'table', rounds: round, explanation: `the cht chose as the Maglev table of this configuration does: ${made.join('; ')}`, choices: tableChoices(trace, choices, current) } };
    }
    if (round === MAX_ROUNDS) break;
    // The same flows first: otherwise the solver escapes a row's fact by changing any byte the hash reads.
    const same = solver.check(conditions, T.and(...facts, ...flows), current);
    const answer = same.status === 'sat' ? same : solver.check(conditions, T.and(...facts), current);
    if (answer.status === 'unsat') {
      const [height, capacity] = [choices[0]!.table.height, choices[0]!.table.backendCapacity];
      return {
        model, facts: [], cht: {
          outcome: 'never-shown',
          explanation: `not replayed: this failure needs the cht's ${asked.join('; ')}; the contract allows that (a live backend), but the ` +
            `Maglev table of this configuration (${height} rows, ${capacity} backends) does not choose so, nor does it for any other input or ` +
            'state along this NF path and spec path: the NF with this table does not show this failure (the verdict is the contract\'s)',
        },
      };
    }
    if (answer.status === 'unknown') break;
    current = answer.model;
  }
  return { model, facts: [], cht: { outcome: 'unrefined', explanation: `the cht's ${asked.join('; ')} could not be made the Maglev table's own (each model solved again had another flow): a replay may choose another backend` } };
}

/** The table nf_init allocates, built by the run-time's own code (one per configuration). */
const tables = new Map<string, Cht>();
function maglevTable(height: number, capacity: number): Cht {
  const key = `${height}/${capacity}`;
  let table = tables.get(key);
  if (!table) tables.set(key, (table = new Cht(-1, height, capacity)));
  return table;
}

/** Whether backend `b` is live in the version the choice is made over (an emap index beyond its capacity never is). */
function alive(choice: Choice, queries: EmapQueries, backend: number): Term {
  const { version, capacity } = choice.origin.backends;
  return backend < capacity ? queries.allocated(version, T.bv(backend, 32)) : T.FALSE;
}

/**
 * The table's choice for one row, as a term of the live backends: the first live one of the row's preference list,
 * or -1. The fact says the choice is that for the hash's value in `model`, wherever the hash's operands have their
 * values in `model` (`flow`; the hash is a function of them: the solver need not see its arithmetic, which is slow).
 */
function rowFact(choice: Choice, model: Assignment, queries: EmapQueries): { key: string; fact: Term; flow: Term } {
  const leaves = leavesOf(choice.origin.hash);
  const values = leaves.map((leaf) => T.evaluate(leaf, model));
  const preferences = choice.table.preferenceRow(choice.table.row(Number(T.evaluate(choice.origin.hash, model))));
  let first = T.bv(NONE, 32);
  for (let j = preferences.length - 1; j >= 0; j--) first = T.ite(alive(choice, queries, preferences[j]!), T.bv(preferences[j]!, 32), first);
  const same = T.and(...leaves.map((leaf, i) => T.eq(leaf, T.bv(values[i]!, leaf.width))));
  return { key: `${choice.term.id}:${values.join(',')}`, fact: T.or(T.not(same), T.eq(choice.term, first)), flow: same };
}

/** The terms a hash is computed from: variables, memory reads and uninterpreted values, below its arithmetic. */
function leavesOf(hash: Term): Term[] {
  const leaves = new Map<number, Term>();
  const stack = [hash];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t.op === 'var' || t.op === 'select' || t.op === 'apply') leaves.set(t.id, t);
    else stack.push(...t.args);
  }
  return [...leaves.values()];
}

/** Beyond this many backends a replay may hold placeholders a row prefers (the assertion of replay-seed.ts tells). */
const MAX_COUNTED = 1024;

/**
 * The number of live backends is the count of the version chosen over (true of every emap; the theory keeps only a
 * lower bound): where the count before the packet has entries no one named, a replay adds placeholders for them
 * (engine/session/replay.ts), which must not be live when the NF chooses, where a row could prefer one. Only that
 * version's count: the same for the count before the packet as well made the solver ~5 times slower (a tight
 * count over every index's rank).
 */
function liveCounted(backends: ChtChoiceOrigin['backends'], queries: EmapQueries): Term {
  if (backends.capacity > MAX_COUNTED) return T.TRUE;
  const live = Array.from({ length: backends.capacity }, (_, i) => queries.allocated(backends.version, T.bv(i, 32)));
  return T.eq(queries.count(backends.version), live.reduce((n: Term, a) => T.binary('add', n, T.ite(a, T.bv(1, 32), T.bv(0, 32))), T.bv(0, 32)));
}

/**
 * True of the table whatever the hash: a backend is chosen only where it is the first live one of some row. Nothing
 * for a backend first in some row (the contract's "live" says it all); else, for each least set of backends some
 * row puts before it, that set is dead. This is what refutes a failure no flow's choice can give (the per-row facts
 * alone would try one flow after another).
 */
function firstSomewhere(choice: Choice, queries: EmapQueries): Term[] {
  return predecessorSets(choice.table).flatMap((sets, backend) =>
    sets === null ? [] : [T.or(T.not(T.eq(choice.term, T.bv(backend, 32))), T.or(...sets.map((set) => T.and(...set.map((p) => T.not(alive(choice, queries, p)))))))]);
}

/** A set of backends is kept when no kept set lies within it; beyond this many, a backend gets no fact (weaker, still true). */
const MAX_SETS = 64;

const predecessors = new WeakMap<Cht, (number[][] | null)[]>();
/** Per backend: the least sets of backends rows put before it; null for none (a row prefers it first) or too many. */
function predecessorSets(table: Cht): (number[][] | null)[] {
  let found = predecessors.get(table);
  if (found) return found;
  const rows = Array.from({ length: table.height }, (_, row) => table.preferenceRow(row));
  const first = new Set(rows.map((row) => row[0]));
  found = Array.from({ length: table.backendCapacity }, (_, backend) => {
    if (first.has(backend)) return null;
    const sets = new Map<string, number[]>();
    for (const row of rows) {
      const before = [...row.subarray(0, row.indexOf(backend))].sort((a, b) => a - b);
      sets.set(before.join(','), before);
    }
    const least: number[][] = [];
    for (const set of [...sets.values()].sort((a, b) => a.length - b.length)) {
      if (!least.some((kept) => kept.every((p) => set.includes(p)))) least.push(set);
    }
    return least.length <= MAX_SETS ? least : null;
  });
  predecessors.set(table, found);
  return found;
}

/** A choice as the contract left it, in words: the backend, the hash and the row of the table it selects. */
function askedChoice(choice: Choice, model: Assignment): string {
  const backend = Number(BigInt.asIntN(32, T.evaluate(choice.term, model)));
  const hash = Number(T.evaluate(choice.origin.hash, model));
  return `choice of ${backend === NONE ? 'no backend' : `backend ${backend}`} for hash ${hex(hash)} (row ${choice.table.row(hash)})`;
}

/** A choice the table makes, in words: the first live backend of the hash's row, after those not live. */
function tableChoice(choice: Choice, model: Assignment): string {
  const backend = Number(BigInt.asIntN(32, T.evaluate(choice.term, model)));
  const hash = Number(T.evaluate(choice.origin.hash, model));
  const row = choice.table.row(hash);
  const preferences = [...choice.table.preferenceRow(row)];
  const dead = backend === NONE ? preferences : preferences.slice(0, preferences.indexOf(backend));
  const shown = dead.length > SHOWN_DEAD ? `${dead.slice(0, SHOWN_DEAD).join(', ')} and ${dead.length - SHOWN_DEAD} more` : dead.join(', ');
  const before = dead.length === 0 ? 'its first preference' : `after backend${dead.length > 1 ? 's' : ''} ${shown}, not live`;
  return `${backend === NONE ? 'no backend' : `backend ${backend}`} for hash ${hex(hash)}, row ${row}: ${backend === NONE ? 'no backend of the row is live' : before}`;
}

/** The backends a row prefers before the chosen one, shown by number up to this many. */
const SHOWN_DEAD = 4;

const hex = (hash: number) => `0x${hash.toString(16).padStart(8, '0')}`;

/** The NF's own choices among `choices`, as the replay's table must make them. */
function tableChoices(trace: Trace, choices: readonly Choice[], model: Assignment): TableChoice[] {
  const terms = new Set(choices.map((choice) => choice.term));
  return trace.calls.flatMap((call) => {
    const result = call.results[0];
    if (call.name !== 'cht_find_backend' || typeof result !== 'object' || !terms.has(result) || typeof call.args[0] !== 'number') return [];
    return [{ handle: call.args[0], hash: Number(T.evaluate(toTerm(call.args[1]!, 32), model)), backend: Number(BigInt.asIntN(32, T.evaluate(result, model))) }];
  });
}
