// Depth-first exploration of every path of an entry function: one feasibility query per fork (the current
// path's model already witnesses the side it takes), violations split off with their witness.
import * as T from '../solver/term.ts';
import type { Assignment, Term } from '../solver/term.ts';
import { wishedModel, type WishGroups } from '../solver/wishes.ts';
import type { Solver } from '../solver/z3.ts';
import type { Import, WasmModule } from '../wasm/decode.ts';
import { formatLocation, type SourceMap } from '../wasm/sourcemap.ts';
import { type Contract, importKey, type ContractTable } from './import-contracts.ts';
import { Interpreter, type Layout, type Limits, type Oracle } from './interpreter.ts';
import { LinearMemory, type PacketBuffer } from './memory.ts';
import { mergeExits } from './merge.ts';
import { ExecutionState, type ImportCall, type Value } from './state.ts';
import { AccessLog } from './accesses.ts';
import { EngineError, Interrupted, PathEnded, UnsupportedInstruction, type Violation, type ViolationEvidence, type ViolationKind, type Watch } from './violations.ts';

export interface Trace {
  pathCondition: Term[];
  calls: ImportCall[];
  /** The entry function's results. */
  results: Value[];
  decisions: number[];
  /** A witness: inputs that follow this trace. */
  model: Assignment;
  /** The path's final machine state (memory, packet buffer, globals). */
  final: ExecutionState;
}

export interface ExplorationFigures {
  paths: number;
  traces: number;
  violations: number;
  instructions: number;
  queries: number;
  cacheHits: number;
  solverSeconds: number;
  /** The median query's time (0: none): the typical query, where a few hard ones weigh on the mean. */
  medianQuerySeconds: number;
  seconds: number;
}

export interface Exploration {
  traces: Trace[];
  violations: Violation[];
  figures: ExplorationFigures;
}

export const DEFAULT_LIMITS: Limits = { loopBound: 256, callDepth: 256, instructionBudget: 5_000_000 };

export interface MachineOptions extends Watch {
  sourceMap: SourceMap | null;
  /** Values of imported globals, by `module.name`. */
  importedGlobals: Map<string, bigint>;
  contracts: ContractTable;
  limits: Limits;
  coverage?: Set<number>;
}

/** A decoded module with its initial memory and globals: the starting point of every run. */
export class Machine {
  private base: ExecutionState;
  /** The imported functions, by function index (imports come first in the function index space). */
  readonly functionImports: Import[];

  constructor(
    readonly module: WasmModule,
    readonly options: MachineOptions,
  ) {
    this.functionImports = module.imports.filter((entry) => entry.kind === 'func');
    const memory = LinearMemory.create((module.memory?.min ?? 0) * 65536);
    for (const segment of module.data) memory.writeBytes(segment.offset, segment.bytes);
    this.base = new ExecutionState(memory, null);
    this.base.model = T.emptyAssignment();
    const imported = module.importedGlobals.map((entry) => {
      const value = options.importedGlobals.get(importKey(entry));
      if (value === undefined) throw new EngineError(`the module imports global ${importKey(entry)}, which has no value (is it in the manifest's config?)`);
      return entry.global!.type === 'i64' ? BigInt.asUintN(64, value) : Number(BigInt.asUintN(32, value));
    });
    this.base.globals = [
      ...imported,
      ...module.globals.map((g) => {
        if ('global' in g.init) return imported[g.init.global]!;
        return g.type === 'i64' ? BigInt.asUintN(64, g.init.value) : Number(BigInt.asUintN(32, g.init.value));
      }),
    ];
  }

  /** The starting point of every run (after `initialise`: the state nf_init left). */
  get start(): ExecutionState {
    return this.base;
  }

  functionIndex(name: string): number {
    const entry = this.module.exports.get(name);
    if (!entry || entry.kind !== 'func') throw new EngineError(`the module does not export a function named ${name}`);
    return entry.index;
  }

  /**
   * Runs an entry concretely and makes its final memory and globals the new starting point (nf_init).
   * Returns the violations it hit (then the starting point is unchanged).
   */
  initialise(entry: string, setup: Pick<RunSetup, 'layout' | 'replace'> = { layout: { packetBase: 0, memoryBase: 0, length: 0 } }): Violation[] {
    const run = this.explore(entry, [], { ...setup, packet: null, pathCondition: [], model: T.emptyAssignment() }, null);
    if (run.violations.length > 0) return run.violations;
    if (run.traces.length !== 1) throw new EngineError(`${entry} must run on one path (it ran on ${run.traces.length})`);
    const final = run.traces[0]!.final;
    this.base = new ExecutionState(final.memory, null);
    this.base.globals = final.globals;
    this.base.contractData = final.contractData;
    this.base.model = T.emptyAssignment();
    return [];
  }

  /**
   * Explores every path of `entry` from the starting point. Without a solver it is a replay: one path, the one
   * whose decisions hold under `setup.model` (which gives values to whatever is not concrete).
   */
  explore(entry: string, args: Value[], setup: RunSetup, solver: Solver | null): Exploration {
    const started = performance.now();
    const replaced = new Map([...(setup.replace ?? [])].map(([name, contract]) => [this.functionIndex(name), { name, contract }]));
    const explorer = new Explorer(this, solver, setup, replaced, (setup.mergeLoopExits ?? false) && solver !== null);
    const state = this.base.clone();
    state.packet = setup.packet;
    state.pathCondition = [...setup.pathCondition];
    state.model = setup.model;
    state.recording = setup.packet !== null;
    state.knownMinLength = setup.knownMinLength ?? 0;
    if (setup.trackAccesses) state.accesses = AccessLog.create();
    setup.prepare?.(state);
    explorer.interpreter.enter(state, this.functionIndex(entry), args);
    const before = solver ? { ...solver.figures, timed: solver.figures.timings.length } : null;
    explorer.exploreFrom(state);
    const figures: ExplorationFigures = {
      paths: explorer.traces.length + explorer.violations.length,
      traces: explorer.traces.length,
      violations: explorer.violations.length,
      instructions: explorer.instructions,
      queries: solver ? solver.figures.queries - before!.queries : 0,
      cacheHits: solver ? solver.figures.cacheHits - before!.cacheHits : 0,
      solverSeconds: solver ? solver.figures.seconds - before!.seconds : 0,
      medianQuerySeconds: solver ? medianOf(solver.figures.timings.slice(before!.timed)) : 0,
      seconds: (performance.now() - started) / 1000,
    };
    return { traces: explorer.traces, violations: explorer.violations, figures };
  }

  locate(offset: number): string {
    return formatLocation(this.options.sourceMap?.locate(offset) ?? null, offset);
  }
}

export interface RunSetup {
  layout: Layout;
  packet: PacketBuffer | null;
  pathCondition: Term[];
  /** Must satisfy `pathCondition`. */
  model: Assignment;
  knownMinLength?: number;
  /** Adjusts the starting state (contracts' per-packet set-up). */
  prepare?: (state: ExecutionState) => void;
  /** Record what each path reads and writes of memory and globals (`ExecutionState.accesses`). */
  trackAccesses?: boolean;
  /**
   * Checks a path once the entry returned, before it becomes a trace; it may fork through the oracle (a forked
   * copy comes back here and replays the decision) or end the path with a violation.
   */
  finish?: (state: ExecutionState, oracle: Oracle) => void;
  /** Exported functions the run calls through a contract instead of their code, by export name. */
  replace?: ReadonlyMap<string, Contract>;
  /**
   * A loop left at a symbolic condition goes on as one path, not one per trip count (merge.ts): for runs that
   * record no decisions and track no accesses (the stack's poll, whose block copies loop over the frame length).
   */
  mergeLoopExits?: boolean;
  /** What makes a violation's witness read in a user's terms (a short frame, a small time), where its path allows. */
  readable?: (conditions: readonly Term[]) => WishGroups;
}

class Explorer implements Oracle {
  readonly traces: Trace[] = [];
  readonly violations: Violation[] = [];
  readonly interpreter: Interpreter;
  instructions = 0;
  private readonly worklist: ExecutionState[] = [];

  constructor(
    private readonly machine: Machine,
    private readonly solver: Solver | null,
    private readonly setup: RunSetup,
    private readonly replaced: ReadonlyMap<number, { name: string; contract: Contract }>,
    mergeLoopExits: boolean,
  ) {
    const limits = solver ? machine.options.limits : { ...machine.options.limits, loopBound: Infinity };
    this.interpreter = new Interpreter(machine.module, this, limits, setup.layout, machine.options.coverage ?? null, mergeLoopExits);
  }

  exploreFrom(initial: ExecutionState): void {
    const { shouldStop, progress } = this.machine.options;
    this.worklist.push(initial);
    while (this.worklist.length > 0) {
      if (shouldStop?.()) throw new Interrupted();
      progress?.({ phase: 'explore', done: this.traces.length + this.violations.length, detail: `${this.worklist.length} paths pending` });
      const state = this.worklist.pop()!;
      const startCount = state.instructions;
      try {
        this.interpreter.run(state);
        this.setup.finish?.(state, this);
        this.traces.push({
          pathCondition: state.pathCondition,
          calls: state.calls,
          results: state.stack,
          decisions: state.decisions,
          model: state.model,
          final: state,
        });
      } catch (e) {
        if (e instanceof UnsupportedInstruction) throw e.at(this.machine.options.sourceMap?.locate(e.offset) ? this.machine.locate(e.offset) : null);
        if (!(e instanceof PathEnded)) throw e;
        if (state.loopExits) this.mergeHeld(state);
      } finally {
        this.instructions += state.instructions - startCount;
      }
    }
  }

  /** The exits a path held when it ended: merged into the last of them where they can be, else each goes on. */
  private mergeHeld(state: ExecutionState): void {
    const held = state.loopExits!;
    state.loopExits = null;
    state.memory.written = null;
    const last = held.exits.pop()!.state;
    if (held.exits.length > 0 && mergeExits(last, held)) this.worklist.push(last);
    else this.worklist.push(...held.exits.map((e) => e.state), last);
  }

  release(state: ExecutionState): void {
    this.worklist.push(...state.loopExits!.exits.map((e) => e.state));
    state.loopExits = null;
    state.memory.written = null;
  }

  witness(state: ExecutionState, condition: Term): Assignment | null {
    return T.evaluate(condition, state.model) === 1n ? state.model : this.query(state, condition);
  }

  choose(state: ExecutionState, conditions: Term[]): number {
    if (state.pending !== null) {
      const replay = state.pending;
      state.pending = null;
      return replay;
    }
    const certain = conditions.indexOf(T.TRUE);
    if (certain >= 0) return certain;
    const current = conditions.findIndex((c) => c !== T.FALSE && T.evaluate(c, state.model) === 1n);
    if (current < 0) throw new EngineError('internal: no branch condition holds under the path model');
    if (!this.solver) return current; // a replay follows its model
    let forked = false;
    conditions.forEach((condition, index) => {
      if (index === current || condition === T.FALSE) return;
      const answer = this.query(state, condition);
      if (answer === null) return;
      if (state.loopExits) this.release(state);
      const other = state.clone();
      other.pathCondition.push(condition);
      other.model = answer;
      other.pending = index;
      this.worklist.push(other);
      forked = true;
    });
    if (forked) state.pathCondition.push(conditions[current]!);
    return current;
  }

  require(state: ExecutionState, condition: Term, kind: ViolationKind, message: string | ((witness: Assignment) => string)): void {
    if (condition === T.TRUE) return;
    const words = (witness: Assignment) => (typeof message === 'string' ? message : message(witness));
    if (condition === T.FALSE) this.fail(state, kind, message);
    const failing = T.not(condition);
    if (T.evaluate(condition, state.model) === 1n) {
      if (!this.solver) return;
      const witness = this.query(state, failing);
      if (witness === null) return;
      const broken = [...state.pathCondition, failing];
      const shown = this.readable(broken, witness);
      this.violations.push(this.violation(state, kind, words(shown), shown, broken));
      state.pathCondition.push(condition);
      return;
    }
    const broken = [...state.pathCondition, failing];
    const shown = this.readable(broken, state.model);
    this.violations.push(this.violation(state, kind, words(shown), shown, broken));
    if (!this.solver) throw new PathEnded();
    const witness = this.query(state, condition);
    if (witness === null) throw new PathEnded();
    state.pathCondition.push(condition);
    state.model = witness;
  }

  fail(state: ExecutionState, kind: ViolationKind, message: string | ((witness: Assignment) => string), evidence?: ViolationEvidence): never {
    // A message already worded keeps the path's model, whose values it may name.
    const shown = typeof message === 'string' ? state.model : this.readable(state.pathCondition, state.model);
    this.violations.push(this.violation(state, kind, typeof message === 'string' ? message : message(shown), shown, state.pathCondition, evidence));
    throw new PathEnded();
  }

  replaces(fnIndex: number): boolean {
    return this.replaced.has(fnIndex);
  }

  callImport(state: ExecutionState, fnIndex: number, args: Value[]): Value[] {
    const replaced = this.replaced.get(fnIndex);
    const entry: Import = replaced
      ? { module: '', name: replaced.name, kind: 'func', type: this.machine.module.functionTypes[fnIndex] }
      : this.machine.functionImports[fnIndex]!;
    const contract = replaced?.contract ?? this.machine.options.contracts.get(importKey(entry));
    if (!contract) return this.fail(state, 'missing-contract', `call to imported function ${importKey(entry)}, which has no contract`);
    const offset = this.interpreter.offsets(state)[0]!;
    const results = contract({
      state,
      oracle: this,
      importEntry: entry,
      read: (address, bytes) => this.interpreter.readBytes(state, address, 0, bytes),
      write: (address, bytes, value) => this.interpreter.writeBytes(state, address, 0, bytes, value),
    }, args);
    if (state.recording) state.calls.push({ module: entry.module, name: entry.name, args, results, offset });
    return results;
  }

  pinned(state: ExecutionState, term: Term): bigint | null {
    if (!this.solver) return null;
    const value = T.evaluate(term, state.model);
    return this.query(state, T.not(T.eq(term, T.bv(value, term.width)))) === null ? value : null;
  }

  assume(state: ExecutionState, facts: Term[]): void {
    const known = new Set(state.pathCondition);
    const fresh = [...new Set(facts)].filter((f) => f !== T.TRUE && !known.has(f));
    if (fresh.length === 0) return;
    state.pathCondition.push(...fresh);
    if (fresh.every((f) => T.evaluate(f, state.model) === 1n)) return;
    if (!this.solver) throw new EngineError('a replay left its model: the model does not satisfy a contract fact on this path');
    // The path's model says nothing yet about the new terms: find one that satisfies the facts too.
    const witness = this.query(state, T.TRUE);
    if (witness === null) throw new PathEnded();
    state.model = witness;
  }

  /** A model of `conditions` (`witness` is one) that meets the run's readable wishes where they allow. */
  private readable(conditions: Term[], witness: Assignment): Assignment {
    if (!this.solver || !this.setup.readable) return witness;
    return wishedModel(this.solver, conditions, this.setup.readable(conditions), witness)?.model ?? witness;
  }

  /** A model of the path condition plus `condition`, or null when that is infeasible. */
  private query(state: ExecutionState, condition: Term): Assignment | null {
    if (!this.solver) throw new EngineError(`internal: a replay asked the solver about ${T.show(condition)}`);
    const answer = this.solver.check(state.pathCondition, condition, state.model);
    if (answer.status === 'unknown') {
      throw new EngineError(`the solver gave up at ${this.machine.locate(this.offsetOf(state))}: ${answer.reason}`);
    }
    return answer.status === 'sat' ? answer.model : null;
  }

  /** Where a path is: its innermost frame's instruction, or where nf_process returned once it has (a check of its result). */
  private offsetOf(state: ExecutionState): number {
    return this.interpreter.offsets(state)[0] ?? state.returnOffset;
  }

  private violation(state: ExecutionState, kind: ViolationKind, message: string, model: Assignment, pathCondition: Term[], evidence?: ViolationEvidence): Violation {
    const offsets = this.interpreter.offsets(state);
    const offset = this.offsetOf(state);
    return {
      kind,
      message,
      offset,
      location: this.machine.locate(offset),
      stack: offsets.slice(1).map((o) => this.machine.locate(o)),
      model,
      pathCondition,
      calls: [...state.calls],
      decisions: [...state.decisions],
      ...(evidence ? { evidence } : {}),
    };
  }
}

const medianOf = (values: number[]): number => (values.length === 0 ? 0 : [...values].sort((a, b) => a - b)[values.length >> 1]!);
