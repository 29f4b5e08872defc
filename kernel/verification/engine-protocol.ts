// Messages between the kernel's main thread (engine-client.ts) and the verifier's worker thread (engine-worker.ts),
// and the plain-data reports the worker sends back (the engine's own results hold solver terms and do not cross).
import type { FailureDescription, Layers, PropertyResult, RaisedOnDescription, ViolationDescription } from '../../engine/index.ts';
import type { Manifest } from '../../nf-abi/index.ts';

export type { Layers };

/** A property to check: text (a cell; `file` names it in messages) or a file of the NF. */
export type PropertyInput = { name: string; text: string; file: string } | { name: string; path: string };

export type EngineRequest =
  /** Loads what every verification needs (the engine's modules, Z3, the spec interpreter) before the first one. */
  | { id: number; kind: 'prepare' }
  | { id: number; kind: 'open'; nfDir: string; layers: Layers }
  | { id: number; kind: 'verify'; nfDir: string; layers: Layers; properties: PropertyInput[] };

export interface ProgressUpdate {
  phase: 'explore' | 'check';
  done: number;
  total?: number;
  detail?: string;
  /** For `verify`: the property being checked and its position in the request. */
  property?: { name: string; index: number; count: number };
}

export interface NfSummary {
  nfDir: string;
  name: string;
  layers: Layers;
  manifest: Manifest;
  /** The engine's text rendering of the exploration (formatExploration). */
  text: string;
  figures: { traces: number; violations: number; instructions: number; queries: number; solverSeconds: number; seconds: number };
  traces: { output: string; calls: string[]; lines: string[] }[];
  /** The NF's own violations, each with its input, NF path and replay. */
  violations: ViolationDescription[];
  /** Whether the NF has a spec.py, and the names in its properties/ folder. */
  hasSpec: boolean;
  propertyFiles: string[];
}

export interface VerifyAnswer {
  reports: PropertyReport[];
  /** The engine's text table of the verdicts (formatResultTable). */
  table: string;
}

export type PropertyReport =
  | (Omit<Extract<PropertyResult, { verdict: 'holds' | 'fails' }>, 'failures'> & {
      /** The engine's text rendering (formatPropertyResult), counterexamples included. */
      text: string;
      counterexamples: Counterexample[];
    })
  | (Omit<Extract<PropertyResult, { verdict: 'invalid' }>, 'raisedOn'> & { text: string; raisedOn?: RaisedOnDescription })
  | (Extract<PropertyResult, { verdict: 'error' }> & { text: string });

/** A failure as the engine describes it (engine/verify/describe.ts): plain data, safe to post between threads. */
export type Counterexample = FailureDescription;
