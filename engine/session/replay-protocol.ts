// What the session sends the replay worker and what comes back: plain data (structured clones), so the worker
// needs neither terms nor the solver, only the NF, libVig's run-time and concrete values.
import type { Manifest } from '../../nf-abi/index.ts';
import type { ConcreteEmap } from '../ghost/concrete.ts';

/** The state one libVig object gets before the packet (by handle, in nf_init's allocation order). */
export type ObjectSeed =
  /**
   * `expiry`: the packet's first expiry over the state before it (null: none), its time and how many of the
   * unnamed entries it removes (stale; the others are recent); `addIndex` is the index the packet's first
   * emap_add takes in the model (null: none).
   */
  | { kind: 'emap'; handle: number; name: string; capacity: number; keyBytes: number; state: ConcreteEmap; expiry: { time: bigint; fillers: number } | null; addIndex: number | null }
  | { kind: 'vector'; handle: number; capacity: number; recordBytes: number; records: [index: number, record: bigint][] }
  /** The rules the model's lookups need; nf_init's are removed first (the base is arbitrary, not nf_init's). */
  | { kind: 'lpm'; handle: number; rules: { prefix: number; length: number; value: number }[] }
  /**
   * A cht keeps nf_init's table, which must be the one (`height` rows over `capacity` backends) the counterexample's
   * choices were made for; `choices`: what its `cht_find_backend` must answer for each hash (unsigned) on the way.
   */
  | { kind: 'cht'; handle: number; height: number; capacity: number; choices: { hash: number; backend: number }[] };

/**
 * A value read before and after the packet, through libVig's ABI or from the instance: an emap's index of a key
 * (-1 when absent), its key at an index (null when the index is free), its count, a vector's record, a global
 * (exported from a copy of the binary that differs only in its export section), or memory bytes (little-endian).
 */
export type StateRead =
  | { kind: 'emap-key'; handle: number; key: bigint; keyBytes: number }
  | { kind: 'emap-index'; handle: number; index: number; keyBytes: number }
  | { kind: 'emap-count'; handle: number }
  /** An index's time stamp, null when it is free (read from the run-time's object: the ABI has no such call). */
  | { kind: 'emap-stamp'; handle: number; index: number }
  | { kind: 'vector'; handle: number; index: number; recordBytes: number }
  | { kind: 'global'; index: number }
  | { kind: 'memory'; address: number; bytes: number };

export interface ReplayRequest {
  nf: { hash: string; wasm: Uint8Array; manifest: Manifest };
  seeds: ObjectSeed[];
  /** The packet; null replays nf_init alone (a violation met there). */
  input: { device: number; packet: Uint8Array; now: bigint } | null;
  reads: StateRead[];
  /**
   * Run a copy that checks every access of nf_process against the regions the verifier gives the NF (the frame,
   * its memory from MEMORY_BASE): for an `out-of-bounds` violation, whose access V8 may let through (below the
   * frame's area, or in memory the run-time has and the NF does not).
   */
  checkRegions: boolean;
}

export type ReplayOutcome =
  | { kind: 'returned'; output: number; frame: Uint8Array }
  | { kind: 'stopped'; message: string; stackOverflow: boolean }
  /** nf_init returned (a replay without a packet). */
  | { kind: 'initialised' }
  /** The packet never ran: the state could not be given to the run-time (a model it cannot hold), say. */
  | { kind: 'not-run'; message: string };

export interface ReplayAnswer {
  outcome: ReplayOutcome;
  /** Each read's value after seeding and after the packet or nf_init (null: no value, see `StateRead`; empty: not read). */
  before: (bigint | null)[];
  after: (bigint | null)[];
}

/**
 * The worker's progress, in a shared Int32Array cell: its state in the low bits (`mask`), above them a count of
 * its changes, so that the session times each stretch of NF code on its own.
 */
export const STATUS = { preparing: 0, runningNf: 1, answered: 2, mask: 3, step: 4 } as const;
