// One path's machine state. Forking clones it; memory pages are shared copy-on-write.
import type { Assignment, Term } from '../solver/term.ts';
import type { WasmFunction } from '../wasm/decode.ts';
import type { AccessLog } from './accesses.ts';
import type { LinearMemory, PacketBuffer } from './memory.ts';

/** An i32 is a number (0 .. 2^32-1), an i64 a bigint (0 .. 2^64-1), either may be a symbolic term instead. */
export type Value = number | bigint | Term;

export interface Label {
  /** loop: index of the `loop` instruction; block/if: index of the matching `end`. */
  target: number;
  height: number;
  /** Values a branch to this label carries: a loop's parameters, a block's results. */
  arity: number;
  isLoop: boolean;
  iterations: number;
}

export interface Frame {
  fn: WasmFunction;
  pc: number;
  locals: Value[];
  labels: Label[];
  /** Operand stack height when the frame was entered (its arguments already popped). */
  height: number;
}

export interface ImportCall {
  module: string;
  name: string;
  args: Value[];
  results: Value[];
  /** Byte offset of the call instruction. */
  offset: number;
}

/**
 * The states that left a loop at a symbolic exit condition while this one went on looping, each already at the
 * instruction after the loop (`pc` with `labels` labels in frame `frames`), with the condition it left under.
 * `base` is how much of the path condition they all share.
 */
export interface LoopExits {
  /** What the path wrote since the first exit (its memory's `written`): where exits may differ. */
  written: Set<number>;
  frames: number;
  labels: number;
  pc: number;
  base: number;
  exits: { state: ExecutionState; condition: Term }[];
}

export class ExecutionState {
  frames: Frame[] = [];
  stack: Value[] = [];
  globals: Value[] = [];
  pathCondition: Term[] = [];
  /** Satisfies `pathCondition`: decides which side of a fork is known feasible without a query. */
  model!: Assignment;
  /** A decision to replay when this forked state resumes at the instruction that forked it. */
  pending: number | null = null;
  calls: ImportCall[] = [];
  /** Branch decisions since recording started: offset * 1024 + outcome. */
  decisions: number[] = [];
  recording = false;
  instructions = 0;
  /** The frame is proven at least this long on this path. */
  knownMinLength = 0;
  /** What contracts keep about this path (ghost versions of libVig objects, ...): immutable values by key. */
  contractData = new Map<string, unknown>();
  /** What the path read and wrote of memory and globals, when the run tracks it (nf_process's exploration). */
  accesses: AccessLog | null = null;
  /** Byte offset of the instruction by which the entry function returned. */
  returnOffset = 0;
  /** Exits of the loop this path is in, held until it leaves the loop too (merge.ts); never copied by clone. */
  loopExits: LoopExits | null = null;

  constructor(
    public memory: LinearMemory,
    public packet: PacketBuffer | null,
  ) {}

  clone(): ExecutionState {
    const copy = new ExecutionState(this.memory.clone(), this.packet?.clone() ?? null);
    copy.frames = this.frames.map((f) => ({ ...f, locals: [...f.locals], labels: f.labels.map((l) => ({ ...l })) }));
    copy.stack = [...this.stack];
    copy.globals = [...this.globals];
    copy.pathCondition = [...this.pathCondition];
    copy.model = this.model;
    copy.calls = [...this.calls];
    copy.decisions = [...this.decisions];
    copy.recording = this.recording;
    copy.instructions = this.instructions;
    copy.knownMinLength = this.knownMinLength;
    copy.contractData = new Map(this.contractData);
    copy.accesses = this.accesses?.clone() ?? null;
    copy.returnOffset = this.returnOffset;
    return copy;
  }
}
