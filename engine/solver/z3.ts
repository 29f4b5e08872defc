// Z3 behind a small synchronous interface: terms are translated once, queries are incremental along the
// depth-first path, answers are cached, and models come back as plain JavaScript assignments.
import { init, Z3_decl_kind } from 'z3-solver';
import { ARRAY, BOOL, type Assignment, buildBottomUp, emptyAssignment, symbolsOf, type Term, variablesOf } from './term.ts';

type Z3Api = Awaited<ReturnType<typeof init>>;
type LowLevel = Z3Api['Z3'];
type Ast = ReturnType<LowLevel['mk_true']>;
type Context = Parameters<LowLevel['mk_true']>[0];
type Z3Solver = ReturnType<LowLevel['mk_simple_solver']>;
type Model = ReturnType<LowLevel['mk_model']>;
type FuncDecl = ReturnType<LowLevel['mk_func_decl']>;

export type CheckResult = { status: 'sat'; model: Assignment } | { status: 'unsat' } | { status: 'unknown' };

export interface SolverFigures {
  queries: number;
  cacheHits: number;
  seconds: number;
}

let api: Promise<Z3Api> | undefined;
const loadZ3 = (): Promise<Z3Api> => (api ??= init());

export class Solver {
  readonly figures: SolverFigures = { queries: 0, cacheHits: 0, seconds: 0 };
  private readonly translated = new Map<number, Ast>();
  private readonly functionDecls = new Map<string, FuncDecl>();
  private readonly cache = new Map<string, CheckResult>();
  /** Terms asserted on the solver's stack, one push level each, in order. */
  private readonly asserted: Term[] = [];

  private constructor(
    private readonly z3: LowLevel,
    private readonly em: { _Z3_solver_check(ctx: Context, s: Z3Solver): number },
    private readonly ctx: Context,
    private readonly solver: Z3Solver,
  ) {}

  static async create(options: { timeoutMs?: number } = {}): Promise<Solver> {
    const { Z3, em } = await loadZ3();
    const ctx = Z3.mk_context(Z3.mk_config());
    const solver = Z3.mk_simple_solver(ctx);
    Z3.solver_inc_ref(ctx, solver);
    const params = Z3.mk_params(ctx);
    Z3.params_inc_ref(ctx, params);
    Z3.params_set_uint(ctx, params, Z3.mk_string_symbol(ctx, 'timeout'), options.timeoutMs ?? 60_000);
    Z3.solver_set_params(ctx, solver, params);
    return new Solver(Z3, em, ctx, solver);
  }

  /** Is `pathCondition` ∧ `query` satisfiable? The path condition is a prefix-shared list (depth-first order). */
  check(pathCondition: readonly Term[], query: Term): CheckResult {
    const key = `${pathCondition.map((t) => t.id).join(',')}|${query.id}`;
    const cached = this.cache.get(key);
    if (cached) {
      this.figures.cacheHits++;
      return cached;
    }
    const started = performance.now();
    this.assertPrefix(pathCondition);
    const { z3, ctx, solver } = this;
    z3.solver_push(ctx, solver);
    z3.solver_assert(ctx, solver, this.toZ3(query));
    const answer = this.em._Z3_solver_check(ctx, solver);
    let result: CheckResult;
    if (answer === 1) result = { status: 'sat', model: this.readModel([...pathCondition, query]) };
    else result = { status: answer === -1 ? 'unsat' : 'unknown' };
    z3.solver_pop(ctx, solver, 1);
    this.figures.queries++;
    this.figures.seconds += (performance.now() - started) / 1000;
    this.cache.set(key, result);
    return result;
  }

  /**
   * Z3's own value of each term under a full assignment of its scalar variables (checks the translation to Z3
   * against the interpreter's concrete semantics).
   */
  evaluate(terms: Term[], assignment: Assignment): bigint[] {
    const { z3, ctx } = this;
    const model = z3.mk_model(ctx);
    return this.holding(model, z3.model_inc_ref, z3.model_dec_ref, () => {
      for (const v of variablesOf(terms)) {
        const value = assignment.scalars.get(v.name);
        if (value === undefined || v.width <= 0) continue;
        const decl = z3.get_app_decl(ctx, z3.to_app(ctx, this.toZ3(v)));
        z3.add_const_interp(ctx, model, decl, z3.mk_numeral(ctx, value.toString(), this.sort(v.width)));
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
    while (common < this.asserted.length && common < pathCondition.length && this.asserted[common] === pathCondition[common]) common++;
    if (common < this.asserted.length) {
      this.z3.solver_pop(this.ctx, this.solver, this.asserted.length - common);
      this.asserted.length = common;
    }
    for (let i = common; i < pathCondition.length; i++) {
      this.z3.solver_push(this.ctx, this.solver);
      this.z3.solver_assert(this.ctx, this.solver, this.toZ3(pathCondition[i]!));
      this.asserted.push(pathCondition[i]!);
    }
  }

  private readModel(roots: Term[]): Assignment {
    const { z3, ctx } = this;
    const model = z3.solver_get_model(ctx, this.solver);
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
        const value = z3.model_eval(ctx, model, this.toZ3(v), true);
        if (value === null) continue;
        if (v.width === ARRAY) assignment.arrays.set(v.name, this.readArray(model, value));
        else if (v.width === BOOL) assignment.scalars.set(v.name, z3.get_bool_value(ctx, value) === 1 ? 1n : 0n);
        else assignment.scalars.set(v.name, BigInt(z3.get_numeral_string(ctx, value)));
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
      case 'udiv': return z3.mk_bvudiv(ctx, x, y);
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
      case 'select': return z3.mk_select(ctx, x, y);
      case 'store': return z3.mk_store(ctx, x, y, z);
      case 'apply': return z3.mk_app(ctx, this.functionDecl(t), a);
    }
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
