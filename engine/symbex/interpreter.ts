// The symbolic interpreter: exact WebAssembly semantics over values that are concrete or terms. A branch on a
// symbolic condition asks the decision oracle, which forks the state when both sides are feasible.
import * as T from '../solver/term.ts';
import type { Assignment, Term } from '../solver/term.ts';
import { UNDECODABLE, type WasmFunction, type WasmModule } from '../wasm/decode.ts';
import { OP, OPCODES } from '../wasm/opcodes.ts';
import { type Byte, byteTerm, readAmong, writeAmong } from './memory.ts';
import { mergeExits } from './merge.ts';
import type { ExecutionState, Frame, Value } from './state.ts';
import { fromTerm, isTerm, toTerm } from './values.ts';
import { EngineError, UnsupportedInstruction, type ViolationEvidence, type ViolationKind } from './violations.ts';

/** What the interpreter needs from whoever explores paths. */
export interface Oracle {
  /** Which of `conditions` (pairwise disjoint, covering every case) holds on this path; the others fork off. */
  choose(state: ExecutionState, conditions: Term[]): number;
  /**
   * `condition` must hold: where it can fail, report a violation; continue where it holds (or end the path). A
   * message made from the failing side's model words the counterexample's values.
   */
  require(state: ExecutionState, condition: Term, kind: ViolationKind, message: string | ((witness: Assignment) => string)): void;
  /**
   * A definite violation at the current instruction (or where the entry returned): ends the path. A message made
   * from a model words the counterexample's values, from one that reads well where the path allows.
   */
  fail(state: ExecutionState, kind: ViolationKind, message: string | ((witness: Assignment) => string), evidence?: ViolationEvidence): never;
  /** A call to an imported function, or to a defined one the run replaces by a contract (`replaces`). */
  callImport(state: ExecutionState, fnIndex: number, args: Value[]): Value[];
  /** Whether the run replaces defined function `fnIndex` by a contract (full stack: nf_process under the stack). */
  replaces(fnIndex: number): boolean;
  /** The one value `term` can take on this path, when the path condition leaves it only one (else null). */
  pinned(state: ExecutionState, term: Term): bigint | null;
  /** Facts that hold on this path (a contract's postconditions, a theory's invariants). */
  assume(state: ExecutionState, facts: Term[]): void;
  /** A model of the path condition and `condition` (the path's own when it satisfies it), or null if none. */
  witness(state: ExecutionState, condition: Term): Assignment | null;
  /** The path's held loop exits (`ExecutionState.loopExits`) go on as paths of their own. */
  release(state: ExecutionState): void;
}

export interface Layout {
  packetBase: number;
  memoryBase: number;
  /** The symbolic (or concrete) frame length. */
  length: Value;
  /** Judges each access of linear memory before it is made (the full stack's device region: stack-models/). */
  watch?: MemoryWatch;
  /**
   * The stack's set-up sizes memory to cover the device region (stack/driver.ts). Elsewhere memory.size and
   * memory.grow are refused: at run time the devices and libVig's run-time own the memory above the NF's, so its
   * size is not the one explored, and growing it would write over them.
   */
  growsMemory?: true;
}

const FIXED_MEMORY = "an NF works within the memory it declares: above it, the devices and libVig's run-time own the memory (nf-abi/memory-layout.ts), whose size at run time is theirs";

/** An access of `bytes` bytes at an address in [low, high] (one address when it is concrete). */
export type MemoryWatch = (state: ExecutionState, oracle: Oracle, access: { low: number; high: number; bytes: number; write: boolean }) => void;

/** Which side of a branch leaves the innermost loop, and where it lands: `labels` labels left, at `pc`. */
interface LoopExit {
  taken: boolean;
  labels: number;
  pc: number;
}

export interface Limits {
  /**
   * Iterations a loop may run on one path of a symbolic run before the path is reported as a possible hang: it
   * keeps exploration finite where a loop's trip count is left open. A concrete run (nf_init over its config
   * tables, a replay) has no such bound; its loops end or exhaust the instruction budget.
   */
  loopBound: number;
  callDepth: number;
  instructionBudget: number;
}

const SYMBOLIC_RANGE_LIMIT = 4096;

export class Interpreter {
  constructor(
    readonly module: WasmModule,
    private readonly oracle: Oracle,
    private readonly limits: Limits,
    private readonly layout: Layout,
    /** When given, collects every opcode executed (instruction-coverage tests). */
    private readonly coverage: Set<number> | null = null,
    /** Exits of a loop at a symbolic condition are held and merged after it (merge.ts) instead of forking. */
    private readonly mergeLoopExits = false,
  ) {}

  /** Pushes a frame for function `fnIndex` (a defined function) with the given arguments. */
  enter(state: ExecutionState, fnIndex: number, args: Value[]): void {
    const fn = this.module.functions[fnIndex - this.module.importedFunctionCount];
    if (!fn) throw new EngineError(`function ${fnIndex} is not defined in the module`);
    if (state.frames.length >= this.limits.callDepth) {
      this.oracle.fail(state, 'hang', `call depth exceeds ${this.limits.callDepth} (unbounded recursion?)`);
    }
    const locals: Value[] = [...args, ...fn.locals.map((t) => (t === 'i64' ? 0n : 0))];
    state.frames.push({ fn, pc: 0, locals, labels: [], height: state.stack.length });
  }

  /** Runs until the frame stack is empty (the entry function returned). Throws PathEnded when the path ends early. */
  run(state: ExecutionState): void {
    while (state.frames.length > 0) {
      if (state.loopExits !== null) this.settleExits(state);
      this.step(state, state.frames[state.frames.length - 1]!);
    }
    if (state.loopExits !== null) this.oracle.release(state);
  }

  /** Once the path is out of the loop its held exits left: merged with them where they meet, else they go on alone. */
  private settleExits(state: ExecutionState): void {
    const held = state.loopExits!;
    const depth = state.frames.length;
    const top = state.frames[depth - 1]!;
    if (depth > held.frames || (depth === held.frames && top.labels.length > held.labels)) return;
    if (depth === held.frames && top.labels.length === held.labels && top.pc === held.pc && mergeExits(state, held)) {
      state.loopExits = null;
      state.memory.written = null;
    } else {
      this.oracle.release(state);
    }
  }

  /** Where the current instruction is (byte offset), and the return addresses of the callers. */
  offsets(state: ExecutionState): number[] {
    return state.frames.map((f) => f.fn.code[Math.min(f.pc, f.fn.code.length - 1)]!.offset).reverse();
  }

  /** Byte offset of the current instruction. */
  private here(state: ExecutionState): number {
    const f = state.frames[state.frames.length - 1]!;
    return f.fn.code[Math.min(f.pc, f.fn.code.length - 1)]!.offset;
  }

  private step(state: ExecutionState, frame: Frame): void {
    const ins = frame.fn.code[frame.pc]!;
    const s = state.stack;
    if (++state.instructions > this.limits.instructionBudget) {
      this.oracle.fail(state, 'hang', `more than ${this.limits.instructionBudget} instructions on one path`);
    }
    const op = ins.op;
    this.coverage?.add(op);
    switch (op) {
      case OP.unreachable: return this.oracle.fail(state, 'trap', 'unreachable executed');
      case OP.nop: break;
      case OP.block:
        frame.labels.push({ target: ins.end, height: s.length - ins.a, arity: ins.b, isLoop: false, iterations: 0 });
        break;
      case OP.loop:
        frame.labels.push({ target: frame.pc, height: s.length - ins.a, arity: ins.a, isLoop: true, iterations: 0 });
        break;
      case OP.if: {
        const taken = this.truth(state, s[s.length - 1]!, ins.offset, () => (ins.elseAt === ins.end ? this.fallsOutOfLoop(frame, ins.end + 1) : null));
        s.pop();
        frame.labels.push({ target: ins.end, height: s.length - ins.a, arity: ins.b, isLoop: false, iterations: 0 });
        if (!taken) {
          if (ins.elseAt === ins.end) frame.labels.pop();
          frame.pc = ins.elseAt;
        }
        break;
      }
      case OP.else: // reached at the end of the `then` arm: leave the if
        this.branch(state, frame, 0);
        return;
      case OP.end:
        if (frame.labels.length === 0) {
          this.leave(state, frame);
          return;
        }
        frame.labels.pop();
        break;
      case OP.br:
        this.branch(state, frame, ins.a);
        return;
      case OP.br_if: {
        const taken = this.truth(state, s[s.length - 1]!, ins.offset, () => this.branchesOutOfLoop(frame, ins.a) ?? this.fallsOutOfLoop(frame, frame.pc + 1));
        s.pop();
        if (taken) {
          this.branch(state, frame, ins.a);
          return;
        }
        break;
      }
      case OP.br_table: {
        const targets = ins.targets!;
        const index = s[s.length - 1]!;
        let choice: number;
        if (!isTerm(index)) choice = Math.min(index as number, targets.length - 1);
        else choice = this.chooseTableEntry(state, index, targets.length);
        s.pop();
        this.record(state, ins.offset, choice);
        this.branch(state, frame, targets[choice]!);
        return;
      }
      case OP.return:
        this.leave(state, frame);
        return;
      case OP.call:
        this.call(state, frame, ins.a, 0);
        return;
      case OP.call_indirect: {
        const slot = this.concreteIndex(state, s[s.length - 1]!, this.module.table.length, ins.offset);
        const target = this.module.table[slot];
        if (target === undefined || target < 0) this.oracle.fail(state, 'trap', `call_indirect: table slot ${slot} is empty`);
        const expected = this.module.types[ins.a]!;
        const actual = this.module.functionTypes[target]!;
        if (JSON.stringify(expected) !== JSON.stringify(actual)) this.oracle.fail(state, 'trap', 'call_indirect: signature mismatch');
        this.call(state, frame, target, 1);
        return;
      }
      case OP.drop: s.pop(); break;
      case OP.select: case OP.select_t: {
        const c = s.pop()!;
        const b = s.pop()!;
        const a = s.pop()!;
        if (!isTerm(c)) s.push(c !== 0 ? a : b);
        else {
          const width = typeof a === 'bigint' || (isTerm(a) && a.width === 64) || typeof b === 'bigint' || (isTerm(b) && b.width === 64) ? 64 : 32;
          s.push(fromTerm(T.ite(T.not(T.eq(c, T.bv(0, 32))), toTerm(a, width), toTerm(b, width))));
        }
        break;
      }
      case OP['local.get']: s.push(frame.locals[ins.a]!); break;
      case OP['local.set']: frame.locals[ins.a] = s.pop()!; break;
      case OP['local.tee']: frame.locals[ins.a] = s[s.length - 1]!; break;
      case OP['global.get']:
        state.accesses?.readGlobal(ins.a, ins.offset);
        s.push(state.globals[ins.a]!);
        break;
      case OP['global.set']:
        state.accesses?.writeGlobal(ins.a, ins.offset);
        state.globals[ins.a] = s.pop()!;
        break;
      case OP['i32.const']: s.push(ins.a >>> 0); break;
      case OP['i64.const']: s.push(BigInt.asUintN(64, ins.big)); break;
      case OP['memory.size']:
        if (!this.layout.growsMemory) throw this.unsupported(state, frame.fn, 'memory.size', FIXED_MEMORY);
        s.push(state.memory.size / 65536);
        break;
      case OP['memory.grow']: {
        if (!this.layout.growsMemory) throw this.unsupported(state, frame.fn, 'memory.grow', FIXED_MEMORY);
        const pages = this.concreteIndex(state, s[s.length - 1]!, 65536, ins.offset);
        s.pop();
        const old = state.memory.size / 65536;
        const max = this.module.memory?.max ?? 65536;
        if (old + pages > max) s.push(0xffffffff);
        else {
          state.memory.size += pages * 65536;
          s.push(old);
        }
        break;
      }
      case OP['memory.copy']: case OP['memory.fill']: this.bulk(state, op === OP['memory.copy'], ins.offset); break;
      case UNDECODABLE: throw this.unsupported(state, frame.fn, frame.fn.undecodable?.what ?? 'an undecodable instruction');
      default:
        if (!this.numeric(state, op, ins.a)) throw this.unsupported(state, frame.fn, OPCODES.get(op)?.name ?? `opcode 0x${op.toString(16)}`);
    }
    frame.pc++;
  }

  private unsupported(state: ExecutionState, fn: WasmFunction, what: string, advice?: string): EngineError {
    return new UnsupportedInstruction(what, fn.name, this.offsets(state)[0]!, advice);
  }

  private record(state: ExecutionState, offset: number, outcome: number): void {
    if (state.recording) state.decisions.push(offset * 1024 + outcome);
  }

  /**
   * Is a branch condition (an i32) non-zero on this path? `exit` says which side leaves the innermost loop, if
   * one does straight away: with `mergeLoopExits`, that side is held for a merge after the loop, not forked.
   */
  private truth(state: ExecutionState, v: Value, offset: number, exit?: () => LoopExit | null): boolean {
    let taken: boolean;
    if (!isTerm(v)) taken = v !== 0;
    else {
      const holds = T.not(T.eq(v, T.bv(0, 32)));
      const leaves = holds === T.TRUE || holds === T.FALSE || !this.mergeLoopExits || state.pending !== null ? null : exit?.() ?? null;
      if (leaves) taken = this.holdExit(state, leaves.taken ? holds : T.not(holds), leaves) === leaves.taken;
      else taken = holds === T.TRUE || (holds !== T.FALSE && this.oracle.choose(state, [holds, T.not(holds)]) === 0);
    }
    this.record(state, offset, taken ? 1 : 0);
    return taken;
  }

  /**
   * At a branch whose side under `leave` leaves the loop: when both sides are feasible, a copy of the path takes
   * that side to the instruction after the loop and is held there; this path goes on in the loop. Returns
   * whether this path leaves.
   */
  private holdExit(state: ExecutionState, leave: Term, exit: LoopExit): boolean {
    const stay = T.not(leave);
    const leaving = this.oracle.witness(state, leave);
    if (leaving === null) return false;
    const staying = this.oracle.witness(state, stay);
    if (staying === null) return true;
    const held = state.loopExits;
    const frames = state.frames.length;
    const steps = state.frames[frames - 1]!.labels.length - exit.labels + 1;
    if (held && (held.frames !== frames || held.labels !== exit.labels || held.pc !== exit.pc)) this.oracle.release(state);
    const out = state.clone();
    out.pathCondition.push(leave);
    out.model = leaving;
    out.pending = exit.taken ? 0 : 1; // replays this branch's leaving side
    for (let step = 0; !(out.frames[frames - 1]!.labels.length === exit.labels && out.frames[frames - 1]!.pc === exit.pc); step++) {
      if (step > steps) throw new EngineError('internal: a loop exit did not reach the instruction after the loop');
      this.step(out, out.frames[frames - 1]!);
    }
    if (!state.loopExits) {
      state.memory.written = new Set();
      state.loopExits = { written: state.memory.written, frames, labels: exit.labels, pc: exit.pc, base: state.pathCondition.length, exits: [] };
    }
    state.loopExits.exits.push({ state: out, condition: leave });
    state.pathCondition.push(stay);
    state.model = staying;
    return false;
  }

  /** The innermost loop's label index in `frame`, or -1. */
  private innermostLoop(frame: Frame): number {
    for (let i = frame.labels.length - 1; i >= 0; i--) if (frame.labels[i]!.isLoop) return i;
    return -1;
  }

  /** A `br_if` to a block (no values carried) outside the innermost loop: its taken side leaves the loop. */
  private branchesOutOfLoop(frame: Frame, depth: number): LoopExit | null {
    const target = frame.labels.length - 1 - depth;
    const label = frame.labels[target];
    if (!label || label.isLoop || label.arity !== 0 || target >= this.innermostLoop(frame)) return null;
    return { taken: true, labels: target, pc: label.target + 1 };
  }

  /** Code from `pc` (the side not taken) that is only `end`s up to the innermost loop's: that side leaves it. */
  private fallsOutOfLoop(frame: Frame, pc: number): LoopExit | null {
    const loop = this.innermostLoop(frame);
    if (loop < 0) return null;
    let labels = frame.labels.length;
    for (let at = pc; frame.fn.code[at]?.op === OP.end; at++) if (--labels === loop) return { taken: false, labels, pc: at + 1 };
    return null;
  }

  private chooseTableEntry(state: ExecutionState, index: Term, count: number): number {
    const conditions: Term[] = [];
    for (let i = 0; i < count - 1; i++) conditions.push(T.eq(index, T.bv(i, 32)));
    conditions.push(T.compare('ule', T.bv(count - 1, 32), index));
    return this.oracle.choose(state, conditions);
  }

  /** A value that must be concrete (table slot, page count): each feasible value is its own path. */
  private concreteIndex(state: ExecutionState, v: Value, bound: number, offset: number): number {
    if (!isTerm(v)) return v as number;
    const [, hi] = T.unsignedRange(v);
    const count = Number(hi < BigInt(bound) ? hi + 1n : BigInt(bound));
    if (count > SYMBOLIC_RANGE_LIMIT) throw new EngineError(`a symbolic index with up to ${count} values at wasm byte ${offset} is not supported`);
    const conditions = Array.from({ length: count }, (_, i) => T.eq(v, T.bv(i, 32)));
    conditions.push(T.compare('ule', T.bv(count, 32), v));
    const choice = this.oracle.choose(state, conditions);
    if (choice === count) this.oracle.fail(state, 'trap', `index out of range (at least ${count})`);
    return choice;
  }

  private branch(state: ExecutionState, frame: Frame, depth: number): void {
    if (depth === frame.labels.length) {
      this.leave(state, frame);
      return;
    }
    const label = frame.labels[frame.labels.length - 1 - depth]!;
    const s = state.stack;
    const carried = label.arity > 0 ? s.slice(s.length - label.arity) : [];
    s.length = label.height;
    s.push(...carried);
    if (label.isLoop) {
      if (++label.iterations > this.limits.loopBound) {
        this.oracle.fail(state, 'hang', `loop runs more than ${this.limits.loopBound} iterations (possible hang)`);
      }
      frame.labels.length -= depth;
      frame.pc = label.target + 1;
    } else {
      frame.labels.length -= depth + 1;
      frame.pc = label.target + 1;
    }
  }

  private leave(state: ExecutionState, frame: Frame): void {
    const s = state.stack;
    const count = frame.fn.type.results.length;
    const results = s.slice(s.length - count);
    s.length = frame.height;
    s.push(...results);
    state.frames.pop();
    if (state.frames.length === 0) state.returnOffset = frame.fn.code[frame.pc]!.offset;
  }

  /**
   * Calls `fnIndex` with the arguments on the stack (below `extra` operands of the call instruction itself).
   * An import's contract may fork: until it returns, the stack and pc stay as they were, so a forked copy
   * re-executes the call and replays the decision.
   */
  private call(state: ExecutionState, frame: Frame, fnIndex: number, extra: number): void {
    const s = state.stack;
    const count = this.module.functionTypes[fnIndex]!.params.length;
    const args = s.slice(s.length - extra - count, s.length - extra);
    if (fnIndex < this.module.importedFunctionCount || this.oracle.replaces(fnIndex)) {
      const results = this.oracle.callImport(state, fnIndex, args);
      s.length -= count + extra;
      s.push(...results);
      frame.pc++;
    } else {
      s.length -= count + extra;
      frame.pc++;
      this.enter(state, fnIndex, args);
    }
  }

  // ------------------------------------------------------------------ numeric instructions

  /** Executes a numeric or memory instruction; false when `op` is not one the engine supports. */
  private numeric(state: ExecutionState, op: number, immediate: number): boolean {
    const s = state.stack;
    const info = NUMERIC[op];
    if (!info) {
      const access = MEMORY_ACCESS[op];
      if (!access) return false;
      // Operands stay on the stack until the access is done: a fork on the address re-runs this instruction.
      if (access.store) {
        this.store(state, s[s.length - 2]!, immediate, access.bytes, s[s.length - 1]!, access.width);
        s.length -= 2;
      } else {
        s[s.length - 1] = this.load(state, s[s.length - 1]!, immediate, access.bytes, access.width, access.signed);
      }
      return true;
    }
    const { width, kind } = info;
    if (kind === 'unary') {
      const a = s.pop()!;
      s.push(this.unaryOp(op, a, width));
    } else if (kind === 'binary') {
      const b = s.pop()!;
      const a = s.pop()!;
      s.push(this.binaryOp(state, info.op as T.Op, a, b, width));
    } else if (kind === 'compare') {
      const b = s.pop()!;
      const a = s.pop()!;
      s.push(compareValues(info.op!, a, b, width));
    } else {
      s.push(convert(op, s.pop()!));
    }
    return true;
  }

  private unaryOp(op: number, a: Value, width: number): Value {
    if (op === OP['i32.eqz'] || op === OP['i64.eqz']) return compareValues('eq', a, width === 32 ? 0 : 0n, width);
    const name = (OPCODES.get(op)!.name.split('.')[1]) as 'clz' | 'ctz' | 'popcnt';
    if (typeof a === 'number') {
      if (name === 'clz') return Math.clz32(a);
      if (name === 'ctz') return a === 0 ? 32 : 31 - Math.clz32(a & -a);
    }
    return fromTerm(T.unary(name, toTerm(a, width)));
  }

  private binaryOp(state: ExecutionState, op: T.Op, a: Value, b: Value, width: number): Value {
    if (op === 'udiv' || op === 'sdiv' || op === 'urem' || op === 'srem') this.checkDivision(state, op, a, b, width);
    if (typeof a === 'number' && typeof b === 'number') {
      switch (op) {
        case 'add': return (a + b) >>> 0;
        case 'sub': return (a - b) >>> 0;
        case 'mul': return Math.imul(a, b) >>> 0;
        case 'and': return (a & b) >>> 0;
        case 'or': return (a | b) >>> 0;
        case 'xor': return (a ^ b) >>> 0;
        case 'shl': return (a << (b & 31)) >>> 0;
        case 'lshr': return a >>> (b & 31);
        case 'ashr': return (a >> (b & 31)) >>> 0;
        default: return Number(T.evaluateOp(op, 32, [BigInt(a), BigInt(SHIFTS.has(op) ? b & 31 : b)]));
      }
    }
    if (typeof a === 'bigint' && typeof b === 'bigint') {
      return T.evaluateOp(op, 64, [a, SHIFTS.has(op) ? b & 63n : b]);
    }
    let amount = toTerm(b, width);
    if (SHIFTS.has(op)) amount = T.binary('and', amount, T.bv(width - 1, width));
    return fromTerm(T.binary(op, toTerm(a, width), amount));
  }

  /** Division traps: by zero, and the signed quotient that does not fit (MIN / -1). */
  private checkDivision(state: ExecutionState, op: T.Op, a: Value, b: Value, width: number): void {
    const divisor = toTerm(b, width);
    const nonZero = T.not(T.eq(divisor, T.bv(0, width)));
    if (nonZero === T.FALSE) this.oracle.fail(state, 'trap', 'integer divide by zero');
    if (nonZero !== T.TRUE) this.oracle.require(state, nonZero, 'trap', 'integer divide by zero');
    if (op === 'sdiv') {
      const overflow = T.and(T.eq(toTerm(a, width), T.bv(1n << BigInt(width - 1), width)), T.eq(divisor, T.bv(-1, width)));
      if (overflow === T.TRUE) this.oracle.fail(state, 'trap', 'integer overflow');
      if (overflow !== T.FALSE) this.oracle.require(state, T.not(overflow), 'trap', 'integer overflow');
    }
  }

  // ------------------------------------------------------------------ memory

  private load(state: ExecutionState, address: Value, offset: number, bytes: number, width: number, signed: boolean): Value {
    const loaded = this.readBytes(state, address, offset, bytes);
    if (!isTerm(loaded)) {
      const v = signed ? BigInt.asUintN(width, BigInt.asIntN(bytes * 8, loaded)) : loaded;
      return width === 64 ? v : Number(v);
    }
    const extra = width - bytes * 8;
    return fromTerm(signed ? T.sext(loaded, extra) : T.zext(loaded, extra));
  }

  private store(state: ExecutionState, address: Value, offset: number, bytes: number, value: Value, width: number): void {
    this.writeBytes(state, address, offset, bytes, isTerm(value) ? T.extract(bytes * 8 - 1, 0, toTerm(value, width)) : BigInt(value));
  }

  /** `bytes` bytes at `address + offset`, little-endian: a bigint when all concrete, else a term of 8 x bytes bits. */
  readBytes(state: ExecutionState, address: Value, offset: number, bytes: number): bigint | Term {
    const read = this.locate(state, address, offset, bytes);
    const parts: Byte[] = [];
    for (let i = 0; i < bytes; i++) parts.push(read(i));
    if (parts.every((p) => typeof p === 'number')) {
      let v = 0n;
      for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(parts[i] as number);
      return v;
    }
    let t = byteTerm(parts[bytes - 1]!);
    for (let i = bytes - 2; i >= 0; i--) t = T.concat(t, byteTerm(parts[i]!));
    return t;
  }

  /** Writes the low `bytes` bytes of `value` at `address + offset`, little-endian. */
  writeBytes(state: ExecutionState, address: Value, offset: number, bytes: number, value: bigint | Term): void {
    const write = this.locate(state, address, offset, bytes, true);
    if (typeof value === 'bigint') {
      let v = value;
      for (let i = 0; i < bytes; i++, v >>= 8n) write(i, Number(v & 0xffn));
    } else {
      for (let i = 0; i < bytes; i++) write(i, fromTerm(T.extract(8 * i + 7, 8 * i, value)) as Byte);
    }
  }

  /**
   * Resolves an access of `bytes` bytes at `address + offset` to one region, checking bounds (forking where the
   * address is symbolic), and returns a reader (or writer) of its i-th byte.
   */
  private locate(state: ExecutionState, address: Value, offset: number, bytes: number, write: false): (i: number) => Byte;
  private locate(state: ExecutionState, address: Value, offset: number, bytes: number, write: true): (i: number, v: Byte) => void;
  private locate(state: ExecutionState, address: Value, offset: number, bytes: number): (i: number) => Byte;
  private locate(state: ExecutionState, address: Value, offset: number, bytes: number, write = false): (i: number, v?: Byte) => Byte {
    // An address the path condition pins (an offset a parsing loop fixed) is a constant: no fork, no choice.
    if (isTerm(address)) {
      const value = this.oracle.pinned(state, address);
      if (value !== null) address = Number(value);
    }
    const { packetBase, memoryBase } = this.layout;
    const packet = state.packet;
    const capacity = packet?.capacity ?? 0;
    const memory = state.memory;
    if (!isTerm(address)) {
      const at = (address as number) + offset;
      if (packet && at >= packetBase && at + bytes <= packetBase + capacity) {
        const start = at - packetBase;
        this.requireLength(state, start + bytes, write);
        return write ? (i, v) => (packet.write(start + i, v!), 0) : (i) => packet.read(start + i);
      }
      if (at >= memoryBase && at + bytes <= memory.size) {
        this.layout.watch?.(state, this.oracle, { low: at, high: at, bytes, write });
        const log = state.accesses;
        if (log) {
          const here = this.here(state);
          return write ? (i, v) => (log.writeByte(at + i, here), memory.write(at + i, v!), 0) : (i) => (log.readByte(at + i, here), memory.read(at + i));
        }
        return write ? (i, v) => (memory.write(at + i, v!), 0) : (i) => memory.read(at + i);
      }
      this.oracle.fail(state, 'out-of-bounds', `${write ? 'write' : 'read'} of ${bytes} bytes at address ${at} is outside every memory region (${this.regionsText(state)})`);
    }
    const at = T.binary('add', T.zext(address as Term, 32), T.bv(offset, 64));
    const end = T.binary('add', at, T.bv(bytes, 64));
    const inRange = (lo: Term, hi: Term) => T.and(T.compare('ule', lo, at), T.compare('ule', end, hi));
    const length = T.zext(toTerm(this.layout.length, 32), 32);
    const packetStart = T.bv(packetBase, 64);
    const inPacket = packet ? inRange(packetStart, T.binary('add', packetStart, length)) : T.FALSE;
    const inBuffer = packet ? inRange(packetStart, T.bv(packetBase + capacity, 64)) : T.FALSE;
    const inMemory = inRange(T.bv(memoryBase, 64), T.bv(memory.size, 64));
    const choice = this.oracle.choose(state, [inPacket, inMemory, T.and(inBuffer, T.not(inPacket)), T.and(T.not(inBuffer), T.not(inMemory))]);
    const verb = write ? 'write' : 'read';
    if (choice === 2) this.oracle.fail(state, 'packet-overrun', `${verb} of ${bytes} bytes past the end of the frame`);
    if (choice === 3) this.oracle.fail(state, 'out-of-bounds', `${verb} of ${bytes} bytes at a computed address outside every memory region (${this.regionsText(state)})`);
    if (choice === 0) {
      // On this path the access lies in the frame, so the offset fits 32 bits: no 64-bit sum to carry along.
      const start = T.binary('add', address as Term, T.bv(offset - packetBase, 32));
      return write
        ? (i, v) => (packet!.writeSymbolic(T.binary('add', start, T.bv(i, 32)), v!), 0)
        : (i) => packet!.readSymbolic(T.binary('add', start, T.bv(i, 32)));
    }
    const [lo, hi] = this.addressRange(state, at, T.unsignedRange(at));
    const low = Math.max(memoryBase, Number(lo));
    const high = Math.min(memory.size - bytes, Number(hi));
    if (high - low > SYMBOLIC_RANGE_LIMIT) {
      throw new EngineError(`a memory ${verb} at a symbolic address spanning ${high - low} bytes is not supported (limit ${SYMBOLIC_RANGE_LIMIT})`);
    }
    this.layout.watch?.(state, this.oracle, { low, high, bytes, write });
    const address32 = T.extract(31, 0, at);
    if (write) state.accesses?.writeRange(low, high + bytes - 1, this.here(state));
    else state.accesses?.readRange(low, high + bytes - 1, this.here(state));
    return write
      ? (i, v) => (writeAmong(memory, T.binary('add', address32, T.bv(i, 32)), low + i, high + i, v!), 0)
      : (i) => readAmong(memory, T.binary('add', address32, T.bv(i, 32)), low + i, high + i);
  }

  /**
   * The least and greatest address `at` takes on this path. Its terms bound it (`range`); when those allow more than
   * the verifier reads among, the path condition often allows far fewer (an index checked `< 2` before it is
   * scaled): the solver finds the bounds, each a search whose every step jumps to the value a model gives.
   */
  private addressRange(state: ExecutionState, at: Term, range: [bigint, bigint]): [bigint, bigint] {
    if (range[1] - range[0] <= BigInt(SYMBOLIC_RANGE_LIMIT)) return range;
    const reaches = (from: Term, to: Term) => this.oracle.witness(state, T.compare('ule', from, to));
    let [least, upper] = range;
    while (least < upper) {
      const middle = (least + upper) / 2n;
      const model = reaches(at, T.bv(middle, at.width));
      if (model) upper = T.evaluate(at, model);
      else least = middle + 1n;
    }
    let [lower, greatest] = [least, range[1]];
    while (lower < greatest) {
      const middle = (lower + greatest + 1n) / 2n;
      const model = reaches(T.bv(middle, at.width), at);
      if (model) lower = T.evaluate(at, model);
      else greatest = middle - 1n;
    }
    return [least, greatest];
  }

  /** The frame must be at least `needed` bytes long for an access at a concrete offset. */
  private requireLength(state: ExecutionState, needed: number, write: boolean): void {
    if (needed <= state.knownMinLength) return;
    const length = this.layout.length;
    if (!isTerm(length)) {
      if ((length as number) < needed) this.oracle.fail(state, 'packet-overrun', `${write ? 'write' : 'read'} of byte ${needed - 1} of a ${length}-byte frame`);
    } else {
      this.oracle.require(state, T.compare('ule', T.bv(needed, 32), length), 'packet-overrun', `${write ? 'write' : 'read'} of byte ${needed - 1} of the frame, which can be shorter`);
    }
    state.knownMinLength = needed;
  }

  private regionsText(state: ExecutionState): string {
    const { packetBase, memoryBase } = this.layout;
    return `frame at ${packetBase}, ${state.memory.size > memoryBase ? `memory ${memoryBase}..${state.memory.size - 1}` : `no memory from ${memoryBase} on`}`;
  }

  private bulk(state: ExecutionState, copy: boolean, offset: number): void {
    const s = state.stack;
    // Operands stay on the stack until the copy or fill is done: a fork re-runs this instruction.
    const count = this.concreteIndex(state, s[s.length - 1]!, SYMBOLIC_RANGE_LIMIT + 1, offset);
    const source = s[s.length - 2]!;
    const destination = s[s.length - 3]!;
    if (count === 0) {
      // WebAssembly traps on an empty copy or fill too when its address is past the end of memory.
      const verb = copy ? 'copy' : 'fill';
      const addresses = copy ? [['destination', destination], ['source', source]] as const : [['destination', destination]] as const;
      for (const [role, address] of addresses) {
        const message = `memory.${verb} of 0 bytes whose ${role} is past the end of memory (${this.regionsText(state)}): WebAssembly traps on it`;
        if (isTerm(address)) this.oracle.require(state, T.compare('ule', T.zext(address, 32), T.bv(state.memory.size, 64)), 'out-of-bounds', message);
        else if ((address as number) > state.memory.size) this.oracle.fail(state, 'out-of-bounds', message);
      }
      s.length -= 3;
      return;
    }
    const write = this.locate(state, destination, 0, count, true);
    if (copy) {
      const read = this.locate(state, source, 0, count);
      const bytes = Array.from({ length: count }, (_, i) => read(i));
      bytes.forEach((b, i) => write(i, b));
    } else {
      const byte = isTerm(source) ? (fromTerm(T.extract(7, 0, source)) as Byte) : (source as number) & 0xff;
      for (let i = 0; i < count; i++) write(i, byte);
    }
    s.length -= 3;
  }
}

const SHIFTS = new Set<T.Op>(['shl', 'lshr', 'ashr', 'rotl', 'rotr']);

/** An i32 comparison result (0 or 1), for `eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u`. */
function compareValues(op: string, a: Value, b: Value, width: number): Value {
  // gt/ge are lt/le with the operands swapped; ne is the negation of eq.
  const swapped = op[0] === 'g';
  const [x, y] = swapped ? [b, a] : [a, b];
  const base = swapped ? `l${op.slice(1)}` : op;
  if (!isTerm(x) && !isTerm(y)) {
    const ux = BigInt(x);
    const uy = BigInt(y);
    const sx = BigInt.asIntN(width, ux);
    const sy = BigInt.asIntN(width, uy);
    const holds = { eq: ux === uy, ne: ux !== uy, lt_u: ux < uy, lt_s: sx < sy, le_u: ux <= uy, le_s: sx <= sy }[base];
    return holds ? 1 : 0;
  }
  const xt = toTerm(x, width);
  const yt = toTerm(y, width);
  const conditions: Record<string, () => Term> = {
    eq: () => T.eq(xt, yt),
    ne: () => T.not(T.eq(xt, yt)),
    lt_u: () => T.compare('ult', xt, yt),
    lt_s: () => T.compare('slt', xt, yt),
    le_u: () => T.compare('ule', xt, yt),
    le_s: () => T.compare('sle', xt, yt),
  };
  return fromTerm(T.ite(conditions[base]!(), T.bv(1, 32), T.bv(0, 32)));
}

function convert(op: number, a: Value): Value {
  const name = OPCODES.get(op)!.name;
  const extendFrom = (bits: number, width: number): Value =>
    isTerm(a) ? fromTerm(T.sext(T.extract(bits - 1, 0, a), width - bits)) : width === 64 ? BigInt.asUintN(64, BigInt.asIntN(bits, BigInt(a))) : Number(BigInt.asUintN(32, BigInt.asIntN(bits, BigInt(a))));
  switch (name) {
    case 'i32.wrap_i64': return isTerm(a) ? fromTerm(T.extract(31, 0, a)) : Number(BigInt(a) & 0xffffffffn);
    case 'i64.extend_i32_u': return isTerm(a) ? fromTerm(T.zext(a, 32)) : BigInt(a);
    case 'i64.extend_i32_s': return isTerm(a) ? fromTerm(T.sext(a, 32)) : BigInt.asUintN(64, BigInt.asIntN(32, BigInt(a)));
    case 'i32.extend8_s': return extendFrom(8, 32);
    case 'i32.extend16_s': return extendFrom(16, 32);
    case 'i64.extend8_s': return extendFrom(8, 64);
    case 'i64.extend16_s': return extendFrom(16, 64);
    default: return extendFrom(32, 64); // i64.extend32_s
  }
}

interface NumericInfo {
  width: number;
  kind: 'unary' | 'binary' | 'compare' | 'convert';
  op?: T.Op | string;
}

const NUMERIC: Record<number, NumericInfo> = {};
const BINARY_NAMES: Record<string, T.Op> = {
  add: 'add', sub: 'sub', mul: 'mul', div_s: 'sdiv', div_u: 'udiv', rem_s: 'srem', rem_u: 'urem', and: 'and', or: 'or',
  xor: 'xor', shl: 'shl', shr_s: 'ashr', shr_u: 'lshr', rotl: 'rotl', rotr: 'rotr',
};
for (const [code, { name }] of OPCODES) {
  const [type, operation] = name.split('.') as [string, string];
  if (type !== 'i32' && type !== 'i64') continue;
  const width = type === 'i32' ? 32 : 64;
  if (operation in BINARY_NAMES) NUMERIC[code] = { width, kind: 'binary', op: BINARY_NAMES[operation] };
  else if (/^(eq|ne|[lg][te]_[su])$/.test(operation)) NUMERIC[code] = { width, kind: 'compare', op: operation };
  else if (['eqz', 'clz', 'ctz', 'popcnt'].includes(operation)) NUMERIC[code] = { width, kind: 'unary' };
  else if (/^(wrap_i64|extend_i32_[su]|extend(8|16|32)_s)$/.test(operation)) NUMERIC[code] = { width, kind: 'convert' };
}

const MEMORY_ACCESS: Record<number, { store: boolean; bytes: number; width: number; signed: boolean }> = {};
for (const [code, { name }] of OPCODES) {
  const match = /^(i32|i64)\.(load|store)(8|16|32)?(_[su])?$/.exec(name);
  if (!match) continue;
  const width = match[1] === 'i32' ? 32 : 64;
  MEMORY_ACCESS[code] = { store: match[2] === 'store', bytes: match[3] ? Number(match[3]) / 8 : width / 8, width, signed: match[4] === '_s' };
}

const CONTROL = ['unreachable', 'nop', 'block', 'loop', 'if', 'else', 'end', 'br', 'br_if', 'br_table', 'return', 'call',
  'call_indirect', 'drop', 'select', 'local.get', 'local.set', 'local.tee', 'global.get', 'global.set', 'i32.const',
  'i64.const', 'memory.size', 'memory.grow', 'memory.copy', 'memory.fill'];

/** Every opcode the interpreter executes (the others are "unsupported instruction" errors). */
export const SUPPORTED_OPCODES: ReadonlySet<number> = new Set([
  ...CONTROL.map((name) => OP[name]!),
  ...Object.keys(NUMERIC).map(Number),
  ...Object.keys(MEMORY_ACCESS).map(Number),
]);
