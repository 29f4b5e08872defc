// Contracts of the cht imports (libvig/runtime/cht.ts): a Maglev table choosing a live backend of an emap for a hash.
import { createHash } from 'node:crypto';
import { MAX_CHT_ENTRIES, type Manifest } from '../../nf-abi/index.ts';
import { EmapQueries, type EmapVersion, versionFunction } from '../ghost/emap.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import { fromTerm, toTerm } from '../symbex/values.ts';
import { findEmap } from './emap.ts';
import type { ImportCall } from '../symbex/state.ts';
import { allocate, concrete, find, i32, type LibVigObject, NONE, type StructureContracts } from './objects.ts';

function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let divisor = 2; divisor * divisor <= n; divisor++) if (n % divisor === 0) return false;
  return true;
}

export function chtContracts(manifest: Manifest): StructureContracts<'cht'> {
  return {
    cht_allocate: (context, [height, backends]) => {
      const [rows, capacity] = [concrete(context, height!, 'cht_allocate'), concrete(context, backends!, 'cht_allocate')];
      // libVig's preconditions (libvig/README.md): Maglev's rows are a permutation only for a prime height, and the
      // table must fit the run-time's bound.
      if (!isPrime(rows)) context.oracle.fail(context.state, 'precondition', `cht_allocate: height ${rows} is not a prime; Maglev needs a prime height (e.g. 65537 for 65,536 rows)`);
      if (rows * capacity > MAX_CHT_ENTRIES) context.oracle.fail(context.state, 'precondition', `cht_allocate: height ${rows} x ${capacity} backends is more than ${MAX_CHT_ENTRIES} entries; use a smaller height`);
      return allocate(context, manifest, 'cht', capacity, (name) => ({ kind: 'cht', name, height: rows, capacity }));
    },

    cht_find_backend: (context, [cht, hash, backends]) => {
      const table = find(context, cht!, 'cht');
      const { object, queries, facts } = findEmap(context, backends!);
      const { choice, facts: choiceFacts } = chtChoice(table, object, toTerm(hash!, 32), queries);
      context.oracle.assume(context.state, [...facts, ...choiceFacts]);
      return [fromTerm(choice)];
    },
  };
}

/**
 * Which live backend a Maglev table prefers for a hash: an open value of the backends' version and the hash (as
 * Vigor's choose_with_cht), with what the contract knows of it: a live backend of the table, or -1; -1 when no
 * entry is live at all, and only then when every live entry is one of the table's backends (the emap is no
 * larger than the table). Equal flows get equal choices.
 */
export function chtChoice(
  table: { name: string; capacity: number },
  backends: { version: EmapVersion; capacity: number },
  hash: Term,
  queries: EmapQueries,
): { choice: Term; facts: Term[] } {
  const choice = choiceTerm(table, backends, hash);
  const none = T.eq(choice, i32(NONE));
  const empty = T.eq(queries.count(backends.version), i32(0));
  const facts = [
    T.or(T.not(empty), none),
    T.or(none, T.and(T.compare('ult', choice, i32(table.capacity)), queries.allocated(backends.version, choice))),
  ];
  if (backends.capacity <= table.capacity) facts.push(T.or(T.not(none), empty));
  return { choice, facts };
}

/** Where a choice term comes from: the table, the emap of backends at the version chosen over, and the hash's term. */
export interface ChtChoiceOrigin {
  table: { name: string; capacity: number };
  backends: { version: EmapVersion; capacity: number };
  hash: Term;
}

/**
 * The origin of every choice term made in this process. The term itself names the hash only by a variable (below),
 * which is all the contract needs; making a counterexample's choices the real table's needs the hash's value.
 */
const origins = new WeakMap<Term, ChtChoiceOrigin>();

function choiceTerm(table: ChtChoiceOrigin['table'], backends: ChtChoiceOrigin['backends'], hash: Term): Term {
  const choice = versionFunction(backends.version, `${table.name}.choice`, [hashName(hash)], 32);
  if (!origins.has(choice)) origins.set(choice, { table, backends, hash });
  return choice;
}

/** Where `choice` comes from, when it is a cht choice. */
export function chtChoiceOrigin(choice: Term): ChtChoiceOrigin | undefined {
  return origins.get(choice);
}

/**
 * Records the origins of a trace's `cht_find_backend` choices, for a trace read back from the trace cache (no
 * contract made its terms in this process): the version each was chosen over is the one of the emap's chain,
 * from its final version back, whose choice for the call's hash is the call's result.
 */
export function recordCallChoices(calls: readonly ImportCall[], objects: readonly LibVigObject[]): void {
  for (const call of calls) {
    if (call.name !== 'cht_find_backend' || typeof call.results[0] !== 'object' || origins.has(call.results[0])) continue;
    const [table, backends] = [objects[call.args[0] as number], objects[call.args[2] as number]];
    if (table?.kind !== 'cht' || backends?.kind !== 'emap') continue;
    const hash = toTerm(call.args[1]!, 32);
    let version: EmapVersion | null = backends.version;
    while (version && versionFunction(version, `${table.name}.choice`, [hashName(hash)], 32) !== call.results[0]) version = version.prev;
    if (version) choiceTerm(table, { version, capacity: backends.capacity }, hash);
  }
}

const names = new WeakMap<Term, string>();
/** Operations whose operands' order does not matter: compilers order them as they like (an inlined copy of the hash and the exported function differ so). */
const COMMUTATIVE = new Set(['add', 'mul', 'and', 'or', 'xor', 'eq', 'band', 'bor']);

/**
 * A variable named after the hash term's structure. The choice is open in the hash, so it may as well be open in
 * the hash's syntax: what is proven for any function of the syntax holds for the real table, a function of the
 * value. Equal terms up to the order of commutative operands (the NF's hash and the spec's `_LoadBalancedFlow_hash`,
 * one function run on the same fields) still get equal choices, across processes too (a cached trace's terms are
 * rebuilt with other ids), and the solver never sees the hash's arithmetic: with it, a decision on the choice took
 * tens of seconds.
 */
function hashName(hash: Term): Term {
  const digest = (t: Term): string => {
    let known = names.get(t);
    if (known === undefined) {
      const operands = t.args.map(digest);
      if (COMMUTATIVE.has(t.op)) operands.sort();
      known = createHash('sha256').update(JSON.stringify([t.op, t.width, String(t.value), t.name, t.hi, operands])).digest('hex');
      names.set(t, known);
    }
    return known;
  };
  return T.isConst(hash) ? hash : T.variable(`hash:${digest(hash).slice(0, 24)}`, 32);
}
