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
  | 'precondition' // a libVig operation called outside its contract
  | 'state' // memory or a global that one packet writes and a later packet reads: state kept outside libVig
  | 'output' // a result that is neither DROP, FLOOD nor an existing device
  | 'checksum' // a forwarded frame whose valid IPv4 or TCP/UDP checksum the NF left invalid
  | 'invariant' // an emap_add of a key that breaks the key invariant nf.json declares for the emap
  | 'device' // the stack's driver broke the device register protocol (nf-abi/device.ts's rules; stack-models/)
  | 'delivery'; // the stack's I/O loop handed nf_process a frame, or carried out its result, other than the NF layer assumes

/**
 * What the run-time NF must show for a replay of the violation's input to reproduce it: it stops (a trap, an
 * access out of bounds or past the frame, abort), it does not return within the replay's bound (a hang), it
 * returns `output`, it leaves the named global or memory bytes changed (state kept between packets), the
 * frame it sends has an invalid checksum, or the emap at `handle` holds `key` (its bytes in order) after the
 * packet and not before.
 */
export type ViolationEvidence =
  | { kind: 'stops' }
  | { kind: 'hangs' }
  | { kind: 'returns'; output: bigint }
  | { kind: 'changes'; place: { global: number; name: string } | { address: number; bytes: number } }
  | { kind: 'bad-checksum'; header: 'ipv4' | 'tcpudp' }
  | { kind: 'adds-key'; handle: number; object: string; key: number[] }
  /** A vector_set that stores `record` (its bytes) at `index`, breaking nf.json's bounds for its fields. */
  | { kind: 'stores-record'; handle: number; object: string; index: number; record: number[] };

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
  /** What a replay must observe; absent means `stops` (or `hangs` for kind `hang`). */
  evidence?: ViolationEvidence;
  /**
   * Found over a stacked build (its set-up or poll), not in nf_process alone: it replays on that build, the one that
   * runs (`full`'s poll over the device model) or the one that keeps the driver's calls (`nf,io`'s I/O loop).
   */
  stackedBuild?: 'full' | 'nf,io';
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

/** An instruction the verifier does not execute (SIMD, threads, floating point): the explorer says where in the source. */
export class UnsupportedInstruction extends EngineError {
  constructor(readonly what: string, readonly functionName: string, readonly offset: number, readonly advice = 'write this code without them') {
    super(`unsupported instruction ${what} in ${functionName} at wasm byte ${offset}`);
  }

  /** At `source` (the source line of `offset`, null without a source map): what, and what to do. */
  at(source: string | null): EngineError {
    const [where, within] = source ? [source, `${this.functionName}, wasm byte ${this.offset}`] : [`wasm byte ${this.offset}`, this.functionName];
    return new EngineError(`${where}: the verifier does not execute ${this.what} (in ${within}): ${this.advice}`);
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
