// What can go wrong on a path, and the errors that stop the engine itself.
import type { Assignment, Term } from '../solver/term.ts';
import type { ImportCall } from './state.ts';

export type ViolationKind =
  | 'out-of-bounds' // an access outside every memory region
  | 'packet-overrun' // a read or write of the frame past its length
  | 'trap' // unreachable, division by zero, integer overflow
  | 'hang' // loop bound, recursion depth or instruction budget exceeded
  | 'missing-contract' // a call to an import the engine knows nothing about
  | 'abort' // the NF called env.abort
  | 'precondition'; // a libVig operation called outside its contract

export interface Violation {
  kind: ViolationKind;
  message: string;
  /** Byte offset of the faulting instruction and its source location (`file:line`, or `wasm byte N`). */
  offset: number;
  location: string;
  /** Call stack, innermost first, as source locations. */
  stack: string[];
  /** Inputs that reach the fault. */
  model: Assignment;
  pathCondition: Term[];
  calls: ImportCall[];
  decisions: number[];
}

/** A violation found on the current path; `fatal` ones end the path, the others were split off a feasible remainder. */
export class PathEnded extends Error {
  constructor() {
    super('path ended');
  }
}

/** The engine cannot give an answer for this input (never a wrong one): unsupported code, solver gave up, ... */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

/** The user asked to stop (the kernel's interrupt): raised between steps, leaving nothing half-done. */
export class Interrupted extends Error {
  constructor() {
    super('verification interrupted');
    this.name = 'Interrupted';
  }
}

/** How long work is watched: polled between steps; `progress` reports figures as they grow. */
export interface Watch {
  shouldStop?: () => boolean;
  progress?: (update: { phase: 'explore' | 'check'; done: number; total?: number; detail?: string }) => void;
}
