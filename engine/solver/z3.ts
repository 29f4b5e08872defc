// Z3 behind a small synchronous interface: terms are translated once, queries keep only the path constraints
// they depend on and are incremental along the depth-first path, answers are cached, and models come back as
// plain JavaScript assignments. An array's bytes at constant offsets are plain bit-vector constants to Z3.
import { init, Z3_decl_kind } from 'z3-solver';
import { PathBounds } from './bounds.ts';
import { repairedModel } from './repair.ts';
import { ARRAY, BOOL, type Assignment, buildBottomUp, emptyAssignment, evaluate, isConst, mask, subterms, symbolsOf, type Term, variablesOf } from './term.ts';

type Z3Api = Awaited<ReturnType<typeof init>>;
type LowLevel = Z3Api['Z3'];
type Ast = ReturnType<LowLevel['mk_true']>;
type Context = Parameters<LowLevel['mk_true']>[0];
type Z3Solver = ReturnType<LowLevel['mk_simple_solver']>;
type Model = ReturnType<LowLevel['mk_model']>;
type Params = ReturnType<LowLevel['mk_params']>;
type FuncDecl = ReturnType<LowLevel['mk_func_decl']>;

/**
 * How much Z3 may do per query. `work` is Z3's resource limit (`rlimit`), a count of its steps: a query it leaves
 * open is left open on any machine and at any load, so a verdict does not depend on where it was computed (a
 * time limit made two NAT bugs "solver gave up" beside another verification, refuted on a quiet machine).
 * `backstopMs` bounds the wall clock should a query spend far longer per step than measured.
 */
export interface SolverLimits {
  work: number;
  backstopMs: number;
}

/**
 * The largest query answered while verifying every NF (with their full stacks) and a probe's 45 seeded bugs and
 * rewrites took 15 million steps (11 s here), the test suite's 11.4 million. Z3 does 0.8 to 2.1 million steps a
 * second here on such queries, about as many as the 60 s time limit this replaces allowed; a search that runs out
 * slows as it goes (the NAT's C twin's checksum query once took about 250 s for all 60 million).
 */
export const SOLVER_LIMITS: SolverLimits = { work: 60_000_000, backstopMs: 600_000 };

/** `unknown`: Z3 gave no answer; `reason` says why, in words a message can quote. */
export type CheckResult = { status: 'sat'; model: Assignment } | { status: 'unsat' } | { status: 'unknown'; reason: string };

export interface SolverFigures {
  queries: number;
  cacheHits: number;
  /**
   * Queries answered without Z3: by the caller's model or a recent one (the constraints they depend on already
   * held there), or by the caller's model repaired (repair.ts: an equation solved for one free word).
   */
  modelHits: number;
  seconds: number;
  /** Each query Z3 answered, in order: how long it took (seconds), for the slowest one's figure. */
  timings: number[];
}

/**
 * What a constraint depends on. `bytes` are reads of an array variable at constant offsets (Z3 sees each as its
 * own bit-vector constant); `arrays` are array variables used any other way (a read at a computed offset, a
 * store): only there does Z3 see the array, with every byte constant of the query tied to it.
 */
interface Dependencies {
  scalars: readonly Term[];
  functions: readonly string[];
  bytes: readonly Term[];
  arrays: readonly Term[];
}

/**
 * `x * c / d` with constants c and d sharing a factor g > 1 (a rate per second scaled to nanoseconds): where
 * x * c does not overflow it is exactly x * (c/g) / (d/g) (x * 5 / 4 for 1.25e9 / 1e9), which Z3 bit-blasts in a
 * fraction of the time a 64-bit division by 10^9 takes (PITFALLS.md, "Refill queries").
 */
function scaledQuotient(t: Term): { x: Term; c: bigint; d: bigint; g: bigint } | null {
  if (t.op !== 'udiv' || !isConst(t.args[1]!) || t.args[0]!.op !== 'mul' || !isConst(t.args[0]!.args[1]!)) return null;
  const [c, d] = [t.args[0]!.args[1]!.value, t.args[1]!.value];
  let [a, b] = [c, d];
  while (b !== 0n) [a, b] = [b, a % b];
  return c > 0n && d > 0n && a > 1n ? { x: t.args[0]!.args[0]!, c, d, g: a } : null;
}

const RECENT_MODELS = 8;

/** `select(a, k)` with `a` an array variable and `k` constant: a byte at a constant offset. */
const isByteRead = (t: Term): boolean => t.op === 'select' && t.args[0]!.op === 'var' && isConst(t.args[1]!);

/** An assertion level of the solver's stack: the constraint, as asserted, and the byte-to-array links it added. */
interface Level {
  term: Term;
  /** `term` rewritten under the levels below (PathBounds), as Z3 has it. */
  asserted: Term;
  linked: Term[];
  engaged: Term[];
}

let api: Promise<Z3Api> | undefined;
const loadZ3 = (): Promise<Z3Api> => (api ??= init());

export class Solver {
  readonly figures: SolverFigures = { queries: 0, cacheHits: 0, modelHits: 0, seconds: 0, timings: [] };
  private readonly translated = new Map<number, Ast>();
  private readonly functionDecls = new Map<string, FuncDecl>();
  private readonly cache = new Map<string, CheckResult>();
  private readonly dependencies = new Map<number, Dependencies>();
  /** Terms asserted on the solver's stack, one push level each, in order. */
  private readonly asserted: Level[] = [];
  /** What the stack's constraints say of their terms' sizes, level by level with it. */
  private readonly stackBounds = new PathBounds();
  /** Byte reads tied to their array on the stack (`select(a, k) = a[k]`), and arrays Z3 sees on the stack. */
  private readonly linked = new Set<Term>();
  private readonly engaged = new Set<Term>();
  /** Models of recent answers, newest first: tried before Z3 (most forks' other side held on a path before). */
  private readonly recentModels: Assignment[] = [];

  private readonly solver: Z3Solver;
  /** Constraints whose queries the incremental solver left open and a fresh one answered (askZ3). */
  private readonly freshFirst = new Set<Term>();
  /** Every solver's: the budget and the backstop. */
  private readonly params: Params;
  /** Why Z3 is not asked again (a query that broke it), or undefined. */
  private broken: string | undefined;
  /** The same questions with scaled quotients exact, for the answers the abstraction cannot give (made on demand). */
  private exactTwin: Solver | undefined;

  private constructor(
    private readonly z3: LowLevel,
    private readonly em: { _Z3_solver_check(ctx: Context, s: Z3Solver): number },
    private readonly ctx: Context,
    private readonly limits: SolverLimits,
    /**
     * Whether Z3 gets the constraints reformulated: rewritten under the path's bounds (PathBounds), scaled quotients
     * abstracted (`scaledQuotient`). The exact twin has them as they are.
     */
    private readonly reformulating: boolean,
  ) {
    this.solver = z3.mk_simple_solver(ctx);
    z3.solver_inc_ref(ctx, this.solver);
    this.params = z3.mk_params(ctx);
    z3.params_inc_ref(ctx, this.params);
    z3.params_set_uint(ctx, this.params, z3.mk_string_symbol(ctx, 'rlimit'), limits.work);
    z3.params_set_uint(ctx, this.params, z3.mk_string_symbol(ctx, 'timeout'), limits.backstopMs);
    z3.solver_set_params(ctx, this.solver, this.params);
  }

  static async create(limits: SolverLimits = SOLVER_LIMITS): Promise<Solver> {
    const { Z3, em } = await loadZ3();
    return new Solver(Z3, em, Z3.mk_context(Z3.mk_config()), limits, true);
  }

  private exact(): Solver {
    return (this.exactTwin ??= new Solver(this.z3, this.em, this.ctx, this.limits, false));
  }

  /**
   * Is `pathCondition` ∧ `query` satisfiable? The path condition is a prefix-shared list (depth-first order).
   * `known`, a model of the path condition's constraints (those it falsifies are treated as new), lets the query
   * keep only the constraints that share a variable with it, directly or through others: the rest hold in
   * `known` and are independent, so the answer is the same and the model is `known` overridden by the query's.
   */
  check(pathCondition: readonly Term[], query: Term, known?: Assignment): CheckResult {
    if (!known) return this.checkExactly(pathCondition, query);
    const relevant = this.slice(pathCondition, query, known);
    const deps = this.combined([...relevant, query]);
    // A model met before (this path's, or a recent answer's) may already satisfy what the query depends on.
    const holds = (model: Assignment) => {
      const memo = new Map();
      return evaluate(query, model, memo) === 1n && relevant.every((c) => evaluate(c, model, memo) === 1n);
    };
    const reused = [known, ...this.recentModels].find(holds);
    if (reused) {
      this.figures.modelHits++;
      return { status: 'sat', model: reused === known ? known : this.merge(known, reused, deps) };
    }
    // An equation one free word of `known` can be solved for (a sum of header words equal to a constant): only the
    // query's own variables change, so every constraint not connected to it still holds.
    const repaired = repairedModel(query, known);
    if (repaired && holds(repaired)) {
      this.figures.modelHits++;
      return { status: 'sat', model: repaired };
    }
    const result = this.checkExactly(relevant, query);
    if (result.status !== 'sat') return result;
    const model = this.merge(known, result.model, deps);
    this.recentModels.unshift(model);
    this.recentModels.length = Math.min(this.recentModels.length, RECENT_MODELS);
    return { status: 'sat', model };
  }

  private checkExactly(pathCondition: readonly Term[], query: Term): CheckResult {
    if (this.broken) return { status: 'unknown', reason: this.broken };
    const key = `${pathCondition.map((t) => t.id).join(',')}|${query.id}`;
    const cached = this.cache.get(key);
    if (cached) {
      this.figures.cacheHits++;
      return cached;
    }
    const started = performance.now();
    let result: CheckResult;
    try {
      result = this.askZ3(pathCondition, query);
    } catch (error) {
      // Z3's rewriter recurses through JavaScript frames (emscripten's invoke wrappers) and can exhaust V8's stack
      // on a query of tens of thousands of terms. The exception skipped Z3's own clean-up: this context is not
      // trusted again, and every later question gets the same answer.
      if (!(error instanceof RangeError && /call stack/.test(error.message))) throw error;
      this.broken = `its query was too large for Z3's stack (${subterms([...pathCondition, query]).size} terms); the solver of this verification stopped there`;
      return { status: 'unknown', reason: this.broken };
    }
    // Reformulated: unsat holds as it is (the rewriting keeps every value, the abstraction allows more), a model
    // holds when the exact terms agree with it (the usual case: nothing overflowed); otherwise the exact twin answers.
    if (result.status !== 'unsat' && this.reformulating) {
      const memo = new Map();
      const found = result;
      const holds = found.status === 'sat' && [...pathCondition, query].every((c) => evaluate(c, found.model, memo) === 1n);
      if (!holds) {
        result = this.exact().checkExactly(pathCondition, query);
        // The twin shares this context.
        this.broken ??= this.exactTwin!.broken;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    this.figures.queries++;
    this.figures.seconds += seconds;
    this.figures.timings.push(seconds);
    this.cache.set(key, result);
    return result;
  }

  /**
   * One query asked of Z3 on its assertion stack, left as it was found; one it leaves open within the budget is
   * asked again of a solver of its own (askAfresh), and so are, first, later queries with that one's largest
   * constraint.
   */
  private askZ3(pathCondition: readonly Term[], query: Term): CheckResult {
    const freshFirst = pathCondition.some((t) => this.freshFirst.has(t));
    if (freshFirst) {
      const fresh = this.askAfresh(pathCondition, query);
      if (fresh) return fresh;
    }
    this.assertPrefix(pathCondition);
    const { z3, ctx, solver } = this;
    z3.solver_push(ctx, solver);
    const level = this.assertLevel(query, this.reformulated(this.stackBounds, query));
    const started = performance.now();
    const answer = this.em._Z3_solver_check(ctx, solver);
    let result: CheckResult;
    if (answer === 1) result = { status: 'sat', model: this.readModel([...pathCondition, query], solver, this.engaged) };
    else result = answer === -1 ? { status: 'unsat' } : { status: 'unknown', reason: this.unanswered(performance.now() - started) };
    this.popLevels([level]);
    z3.solver_pop(ctx, solver, 1);
    if (result.status !== 'unknown' || freshFirst || performance.now() - started >= this.limits.backstopMs) return result;
    const fresh = this.askAfresh(pathCondition, query);
    if (!fresh) return result;
    // The largest constraint is most likely what the incremental solver could not get through: queries that have
    // it go to a fresh solver first (a spec's decisions on one path share its constraints).
    const largest = pathCondition.reduce<{ term?: Term; size: number }>((best, t) => {
      const size = subterms([t]).size;
      return size > best.size ? { term: t, size } : best;
    }, { size: 0 }).term;
    if (largest) this.freshFirst.add(largest);
    return fresh;
  }

  /**
   * The query asked of a new solver holding only it, Z3's default one: not incremental, so it first simplifies the
   * whole formula and picks its tactic by the logic (for bit-vectors, bit-blasting to SAT). The incremental solver
   * left a spec's decision open on a 3,000-rule table's lookup against a 493-address `mem` that this one settles
   * in about a second (docs/PITFALLS.md, z3-solver). Same budget; undefined if it finds no answer either.
   */
  private askAfresh(pathCondition: readonly Term[], query: Term): Exclude<CheckResult, { status: 'unknown' }> | undefined {
    const { z3, ctx } = this;
    const solver = z3.mk_solver(ctx);
    z3.solver_inc_ref(ctx, solver);
    try {
      z3.solver_set_params(ctx, solver, this.params);
      const roots = [...pathCondition, query];
      const bounds = new PathBounds();
      const asserted = roots.map((t) => this.reformulated(bounds, t, t !== query));
      for (const t of asserted) z3.solver_assert(ctx, solver, this.toZ3(t));
      const { arrays, bytes } = this.combined(asserted);
      for (const byte of bytes) {
        if (arrays.includes(byte.args[0]!)) z3.solver_assert(ctx, solver, z3.mk_eq(ctx, z3.mk_select(ctx, this.toZ3(byte.args[0]!), this.toZ3(byte.args[1]!)), this.toZ3(byte)));
      }
      const answer = this.em._Z3_solver_check(ctx, solver);
      if (answer === 1) return { status: 'sat', model: this.readModel(roots, solver, new Set(arrays)) };
      return answer === -1 ? { status: 'unsat' } : undefined;
    } finally {
      z3.solver_dec_ref(ctx, solver);
    }
  }

  /** Why Z3 left a query open after `elapsedMs`: its work budget ran out, or (far rarer) the backstop struck. */
  private unanswered(elapsedMs: number): string {
    const { work, backstopMs } = this.limits;
    if (elapsedMs >= backstopMs) return `Z3 found no answer within ${backstopMs / 1000} s`;
    return `Z3 found no answer within its work budget of ${work.toLocaleString('en')} steps (its rlimit; the same budget on every machine, so the same verdict)`;
  }

  /**
   * The constraints of `pathCondition` that `check(pathCondition, query, known)` keeps: an unsat answer holds on
   * any path that has them all.
   */
  dependentConstraints(pathCondition: readonly Term[], query: Term, known: Assignment): Term[] {
    return this.slice(pathCondition, query, known);
  }

  /**
   * The constraints of `pathCondition` the query depends on: those `known` falsifies, and those connected to
   * them or to the query by shared variables (an array used at a computed offset connects all its bytes).
   */
  private slice(pathCondition: readonly Term[], query: Term, known: Assignment): Term[] {
    const constraints = pathCondition.filter((c) => !isConst(c) || c.value !== 1n);
    const all = [...constraints, query];
    const engaged = new Set(all.flatMap((c) => this.dependenciesOf(c).arrays));
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let root = x;
      while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
      parent.set(x, root);
      return root;
    };
    const atoms = (c: Term): string[] => {
      const d = this.dependenciesOf(c);
      return [
        ...d.scalars.map((v) => `v ${v.name}`),
        ...d.functions.map((f) => `f ${f}`),
        ...d.arrays.map((a) => `a ${a.name}`),
        ...d.bytes.map((b) => (engaged.has(b.args[0]!) ? `a ${b.args[0]!.name}` : `b ${b.id}`)),
      ];
    };
    const atomsOf = new Map(all.map((c) => [c, atoms(c)]));
    for (const list of atomsOf.values()) for (const atom of list.slice(1)) parent.set(find(atom), find(list[0]!));
    const memo = new Map();
    const seeds = new Set(atomsOf.get(query)!.map(find));
    const falsified = new Set(constraints.filter((c) => evaluate(c, known, memo) !== 1n));
    for (const c of falsified) for (const atom of atomsOf.get(c)!) seeds.add(find(atom));
    return constraints.filter((c) => falsified.has(c) || atomsOf.get(c)!.some((atom) => seeds.has(find(atom))));
  }

  /**
   * `known` with `found`'s values for what `deps` names (an array Z3 sees as a whole, else its bytes one by one):
   * a model of the query's constraints that leaves every independent constraint as `known` satisfies it.
   */
  private merge(known: Assignment, found: Assignment, deps: Dependencies): Assignment {
    const merged: Assignment = { scalars: new Map(known.scalars), arrays: new Map(known.arrays), functions: new Map(known.functions) };
    for (const v of deps.scalars) merged.scalars.set(v.name, found.scalars.get(v.name) ?? 0n);
    for (const f of deps.functions) merged.functions.set(f, found.functions.get(f) ?? { entries: new Map(), fallback: 0n });
    for (const a of deps.arrays) merged.arrays.set(a.name, found.arrays.get(a.name) ?? { entries: new Map(), fallback: 0 });
    for (const byte of deps.bytes) {
      const array = byte.args[0]!;
      if (deps.arrays.includes(array)) continue;
      const before = merged.arrays.get(array.name);
      const entries = new Map(before?.entries);
      entries.set(Number(byte.args[1]!.value), Number(evaluate(byte, found)));
      merged.arrays.set(array.name, { entries, fallback: before?.fallback ?? 0 });
    }
    return merged;
  }

  private combined(roots: readonly Term[]): Dependencies {
    const all = roots.map((r) => this.dependenciesOf(r));
    return {
      scalars: [...new Set(all.flatMap((d) => d.scalars))],
      functions: [...new Set(all.flatMap((d) => d.functions))],
      bytes: [...new Set(all.flatMap((d) => d.bytes))],
      arrays: [...new Set(all.flatMap((d) => d.arrays))],
    };
  }

  private dependenciesOf(root: Term): Dependencies {
    const cached = this.dependencies.get(root.id);
    if (cached) return cached;
    const scalars: Term[] = [];
    const functions = new Set<string>();
    const bytes: Term[] = [];
    const arrays: Term[] = [];
    const seen = new Set<number>();
    const stack = [root];
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (seen.has(t.id)) continue;
      seen.add(t.id);
      if (isByteRead(t)) {
        bytes.push(t);
        continue;
      }
      if (t.op === 'var') (t.width === ARRAY ? arrays : scalars).push(t);
      if (t.op === 'apply') functions.add(t.name);
      stack.push(...t.args);
    }
    const found = { scalars, functions: [...functions], bytes, arrays };
    this.dependencies.set(root.id, found);
    return found;
  }

  /**
   * Z3's own value of each term under a full assignment of its scalar variables and of its arrays' bytes at
   * constant offsets (checks the translation to Z3 against the interpreter's concrete semantics).
   */
  evaluate(terms: Term[], assignment: Assignment): bigint[] {
    if (this.reformulating) return this.exact().evaluate(terms, assignment);
    const { z3, ctx } = this;
    const model = z3.mk_model(ctx);
    return this.holding(model, z3.model_inc_ref, z3.model_dec_ref, () => {
      const give = (t: Term, value: bigint) => {
        const decl = z3.get_app_decl(ctx, z3.to_app(ctx, this.toZ3(t)));
        z3.add_const_interp(ctx, model, decl, z3.mk_numeral(ctx, value.toString(), this.sort(t.width)));
      };
      for (const v of variablesOf(terms)) {
        const value = assignment.scalars.get(v.name);
        if (value !== undefined && v.width > 0) give(v, value);
      }
      // Bytes of an array at constant offsets are constants to Z3: they take the assignment's array values.
      for (const byte of this.combined(terms).bytes) {
        const array = assignment.arrays.get(byte.args[0]!.name);
        if (array) give(byte, BigInt(array.entries.get(Number(byte.args[1]!.value)) ?? array.fallback));
      }
      return terms.map((t) => {
        const value = z3.model_eval(ctx, model, this.toZ3(t), true);
        if (value === null) throw new Error(`Z3 could not evaluate ${t.op}`);
        return t.width === BOOL ? (z3.get_bool_value(ctx, value) === 1 ? 1n : 0n) : BigInt(z3.get_numeral_string(ctx, value));
      });
    });
  }

  private assertPrefix(pathCondition: readonly Term[]): void {
    let common = 0;
    while (common < this.asserted.length && common < pathCondition.length && this.asserted[common]!.term === pathCondition[common]) common++;
    if (common < this.asserted.length) {
      this.z3.solver_pop(this.ctx, this.solver, this.asserted.length - common);
      this.stackBounds.pop(this.asserted.length - common);
      this.popLevels(this.asserted.splice(common));
    }
    for (let i = common; i < pathCondition.length; i++) {
      this.z3.solver_push(this.ctx, this.solver);
      this.stackBounds.push();
      const term = pathCondition[i]!;
      this.asserted.push(this.assertLevel(term, this.reformulated(this.stackBounds, term, true)));
    }
  }

  /**
   * `term` as this solver gives it to Z3: rewritten under `bounds` (a constraint, `assume`d: what it says holds for
   * those after it) when reformulating, else as it is.
   */
  private reformulated(bounds: PathBounds, term: Term, assume = false): Term {
    if (!this.reformulating) return term;
    return assume ? bounds.assume(term) : bounds.rewrite(term);
  }

  /**
   * Asserts `asserted` (`term` as Z3 gets it) on the current level, with `select(a, k) = a[k]` for each byte constant
   * whose array Z3 sees at this level or below (this term's bytes, and every byte already on the stack of an array
   * it engages).
   */
  private assertLevel(term: Term, asserted: Term): Level {
    const { z3, ctx, solver } = this;
    z3.solver_assert(ctx, solver, this.toZ3(asserted));
    const level: Level = { term, asserted, linked: [], engaged: [] };
    const d = this.dependenciesOf(asserted);
    const link = (byte: Term) => {
      if (this.linked.has(byte)) return;
      const array = this.toZ3(byte.args[0]!);
      z3.solver_assert(ctx, solver, z3.mk_eq(ctx, z3.mk_select(ctx, array, this.toZ3(byte.args[1]!)), this.toZ3(byte)));
      this.linked.add(byte);
      level.linked.push(byte);
    };
    for (const array of d.arrays) {
      if (this.engaged.has(array)) continue;
      this.engaged.add(array);
      level.engaged.push(array);
      for (const below of [...this.asserted, level]) for (const byte of this.dependenciesOf(below.asserted).bytes) if (byte.args[0] === array) link(byte);
    }
    for (const byte of d.bytes) if (this.engaged.has(byte.args[0]!)) link(byte);
    return level;
  }

  private popLevels(levels: Level[]): void {
    for (const level of levels) {
      for (const byte of level.linked) this.linked.delete(byte);
      for (const array of level.engaged) this.engaged.delete(array);
    }
  }

  /** `engaged`: the arrays `solver` sees as a whole. */
  private readModel(roots: Term[], solver: Z3Solver, engaged: ReadonlySet<Term>): Assignment {
    const { z3, ctx } = this;
    const model = z3.solver_get_model(ctx, solver);
    return this.holding(model, z3.model_inc_ref, z3.model_dec_ref, () => {
      const assignment = emptyAssignment();
      const { variables, functions } = symbolsOf(roots);
      for (const application of functions) {
        const decl = this.functionDecl(application);
        if (!z3.model_has_interp(ctx, model, decl)) continue;
        const { entries, fallback } = this.readInterpretation(model, decl);
        assignment.functions.set(application.name, { entries: new Map(entries.map(([args, value]) => [args.join(','), value])), fallback });
      }
      for (const v of variables) {
        if (v.width === ARRAY) {
          // Z3 has an array value only where it saw the array; its bytes at constant offsets are constants.
          const value = engaged.has(v) ? z3.model_eval(ctx, model, this.toZ3(v), true) : null;
          assignment.arrays.set(v.name, value === null ? { entries: new Map(), fallback: 0 } : this.readArray(model, value));
          continue;
        }
        const value = z3.model_eval(ctx, model, this.toZ3(v), true);
        if (value === null) continue;
        if (v.width === BOOL) assignment.scalars.set(v.name, z3.get_bool_value(ctx, value) === 1 ? 1n : 0n);
        else assignment.scalars.set(v.name, BigInt(z3.get_numeral_string(ctx, value)));
      }
      for (const byte of new Set(roots.flatMap((r) => this.dependenciesOf(r).bytes))) {
        const value = z3.model_eval(ctx, model, this.toZ3(byte), true);
        if (value !== null) assignment.arrays.get(byte.args[0]!.name)!.entries.set(Number(byte.args[1]!.value), Number(z3.get_numeral_string(ctx, value)));
      }
      return assignment;
    });
  }

  /**
   * Reads a reference-counted Z3 object (a model, a function interpretation, one of its entries) while holding a
   * reference to it. Even in a `mk_context` context the API keeps only the last object a call returned: the next
   * call frees an object nobody holds, and reading it then crashes or returns garbage (PITFALLS.md).
   */
  private holding<T, R>(object: T, incRef: (ctx: Context, object: T) => void, decRef: (ctx: Context, object: T) => void, read: () => R): R {
    incRef(this.ctx, object);
    try {
      return read();
    } finally {
      decRef(this.ctx, object);
    }
  }

  /** A function interpretation in a model: its entries (arguments, value) and its else value. */
  private readInterpretation(model: Model, decl: FuncDecl): { entries: [bigint[], bigint][]; fallback: bigint } {
    const { z3, ctx } = this;
    const interp = z3.model_get_func_interp(ctx, model, decl);
    return this.holding(interp, z3.func_interp_inc_ref, z3.func_interp_dec_ref, () => {
      const arity = z3.func_interp_get_arity(ctx, interp);
      const entries = Array.from({ length: z3.func_interp_get_num_entries(ctx, interp) }, (_, i) => {
        const entry = z3.func_interp_get_entry(ctx, interp, i);
        return this.holding(entry, z3.func_entry_inc_ref, z3.func_entry_dec_ref, (): [bigint[], bigint] => [
          Array.from({ length: arity }, (_, a) => this.numeral(z3.func_entry_get_arg(ctx, entry, a))),
          this.numeral(z3.func_entry_get_value(ctx, entry)),
        ]);
      });
      return { entries, fallback: this.numeral(z3.func_interp_get_else(ctx, interp)) };
    });
  }

  /** A numeral or boolean value in a model. */
  private numeral(value: Ast): bigint {
    const { z3, ctx } = this;
    if (z3.is_numeral_ast(ctx, value)) return BigInt(z3.get_numeral_string(ctx, value));
    return z3.get_bool_value(ctx, value) === 1 ? 1n : 0n;
  }

  private functionDecl(application: Term) {
    let decl = this.functionDecls.get(application.name);
    if (!decl) {
      const { z3, ctx } = this;
      decl = z3.mk_func_decl(ctx, z3.mk_string_symbol(ctx, application.name), application.args.map((a) => this.sort(a.width)), this.sort(application.width));
      this.functionDecls.set(application.name, decl);
    }
    return decl;
  }

  /** A model's array value: a chain of stores over a constant array, or a function interpretation. */
  private readArray(model: Model, value: Ast): { entries: Map<number, number>; fallback: number } {
    const { z3, ctx } = this;
    if (z3.is_as_array(ctx, value)) {
      const { entries, fallback } = this.readInterpretation(model, z3.get_as_array_func_decl(ctx, value));
      return { entries: new Map(entries.map(([[at], byte]) => [Number(at), Number(byte)])), fallback: Number(fallback) };
    }
    const entries = new Map<number, number>();
    const numeral = (a: Ast) => Number(z3.get_numeral_string(ctx, a));
    let node = value;
    for (;;) {
      const app = z3.to_app(ctx, node);
      const kind = z3.get_decl_kind(ctx, z3.get_app_decl(ctx, app));
      if (kind === Z3_decl_kind.Z3_OP_STORE) {
        const at = numeral(z3.get_app_arg(ctx, app, 1));
        if (!entries.has(at)) entries.set(at, numeral(z3.get_app_arg(ctx, app, 2)));
        node = z3.get_app_arg(ctx, app, 0);
      } else if (kind === Z3_decl_kind.Z3_OP_CONST_ARRAY) {
        return { entries, fallback: numeral(z3.get_app_arg(ctx, app, 0)) };
      } else {
        throw new Error(`unexpected array value in a Z3 model (declaration kind ${kind})`);
      }
    }
  }

  private toZ3(root: Term): Ast {
    return this.translated.get(root.id) ?? buildBottomUp(root, this.translated, (t) => this.build(t));
  }

  private sort(width: number) {
    const { z3, ctx } = this;
    if (width === BOOL) return z3.mk_bool_sort(ctx);
    if (width === ARRAY) return z3.mk_array_sort(ctx, z3.mk_bv_sort(ctx, 32), z3.mk_bv_sort(ctx, 8));
    return z3.mk_bv_sort(ctx, width);
  }

  private build(t: Term): Ast {
    const { z3, ctx } = this;
    const a = t.args.map((x) => this.translated.get(x.id)!);
    const [x, y, z] = a as [Ast, Ast, Ast];
    const w = t.width;
    switch (t.op) {
      case 'const':
        if (w === BOOL) return t.value === 1n ? z3.mk_true(ctx) : z3.mk_false(ctx);
        return z3.mk_numeral(ctx, t.value.toString(), this.sort(w));
      case 'var': return z3.mk_const(ctx, z3.mk_string_symbol(ctx, t.name), this.sort(w));
      case 'add': return z3.mk_bvadd(ctx, x, y);
      case 'sub': return z3.mk_bvsub(ctx, x, y);
      case 'mul': return z3.mk_bvmul(ctx, x, y);
      case 'udiv': return this.reformulating ? this.quotient(t, x, y) : z3.mk_bvudiv(ctx, x, y);
      case 'sdiv': return z3.mk_bvsdiv(ctx, x, y);
      case 'urem': return z3.mk_bvurem(ctx, x, y);
      case 'srem': return z3.mk_bvsrem(ctx, x, y);
      case 'and': return z3.mk_bvand(ctx, x, y);
      case 'or': return z3.mk_bvor(ctx, x, y);
      case 'xor': return z3.mk_bvxor(ctx, x, y);
      case 'shl': return z3.mk_bvshl(ctx, x, y);
      case 'lshr': return z3.mk_bvlshr(ctx, x, y);
      case 'ashr': return z3.mk_bvashr(ctx, x, y);
      case 'rotl': return z3.mk_ext_rotate_left(ctx, x, y);
      case 'rotr': return z3.mk_ext_rotate_right(ctx, x, y);
      case 'clz': return this.countZeros(x, w, true);
      case 'ctz': return this.countZeros(x, w, false);
      case 'popcnt': {
        let sum = z3.mk_numeral(ctx, '0', this.sort(w));
        for (let i = 0; i < w; i++) sum = z3.mk_bvadd(ctx, sum, z3.mk_zero_ext(ctx, w - 1, z3.mk_extract(ctx, i, i, x)));
        return sum;
      }
      case 'concat': return z3.mk_concat(ctx, x, y);
      case 'extract': return z3.mk_extract(ctx, t.hi, Number(t.value), x);
      case 'zext': return z3.mk_zero_ext(ctx, Number(t.value), x);
      case 'sext': return z3.mk_sign_ext(ctx, Number(t.value), x);
      case 'ite': return z3.mk_ite(ctx, x, y, z);
      case 'eq': return z3.mk_eq(ctx, x, y);
      case 'ult': return z3.mk_bvult(ctx, x, y);
      case 'ule': return z3.mk_bvule(ctx, x, y);
      case 'slt': return z3.mk_bvslt(ctx, x, y);
      case 'sle': return z3.mk_bvsle(ctx, x, y);
      case 'not': return z3.mk_not(ctx, x);
      case 'band': return z3.mk_and(ctx, [x, y]);
      case 'bor': return z3.mk_or(ctx, [x, y]);
      case 'select':
        if (isByteRead(t)) return z3.mk_const(ctx, z3.mk_string_symbol(ctx, `${t.args[0]!.name}[${t.args[1]!.value}]`), this.sort(8));
        return z3.mk_select(ctx, x, y);
      case 'store': return z3.mk_store(ctx, x, y, z);
      case 'apply': return z3.mk_app(ctx, this.functionDecl(t), a);
    }
  }

  /**
   * A scaled quotient (`scaledQuotient`) as the reduced one where x * c cannot overflow, and a fresh value
   * elsewhere: an abstraction whose models checkExactly checks. Any other division as it is.
   */
  private quotient(t: Term, dividend: Ast, divisor: Ast): Ast {
    const { z3, ctx } = this;
    const scaled = scaledQuotient(t);
    if (!scaled) return z3.mk_bvudiv(ctx, dividend, divisor);
    const { x, c, d, g } = scaled;
    const sort = this.sort(t.width);
    const constant = (v: bigint) => z3.mk_numeral(ctx, v.toString(), sort);
    const factor = this.translated.get(x.id)!;
    const fits = z3.mk_bvule(ctx, factor, constant(mask(t.width) / c));
    const reduced = z3.mk_bvudiv(ctx, z3.mk_bvmul(ctx, factor, constant(c / g)), constant(d / g));
    return z3.mk_ite(ctx, fits, reduced, z3.mk_const(ctx, z3.mk_string_symbol(ctx, `overflowed quotient ${t.id}`), sort));
  }

  /** clz/ctz as a chain of bit tests: the first set bit from the top (clz) or bottom (ctz) decides. */
  private countZeros(x: Ast, width: number, fromTop: boolean): Ast {
    const { z3, ctx } = this;
    const sort = this.sort(width);
    let result = z3.mk_numeral(ctx, String(width), sort);
    for (let n = width - 1; n >= 0; n--) {
      const bit = fromTop ? width - 1 - n : n;
      const isSet = z3.mk_eq(ctx, z3.mk_extract(ctx, bit, bit, x), z3.mk_numeral(ctx, '1', z3.mk_bv_sort(ctx, 1)));
      result = z3.mk_ite(ctx, isSet, z3.mk_numeral(ctx, String(n), sort), result);
    }
    return result;
  }
}
