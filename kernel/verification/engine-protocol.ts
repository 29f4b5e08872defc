// Messages between the kernel's main thread (engine-client.ts) and the verifier's worker thread (engine-worker.ts),
// and the plain-data reports the worker sends back (the engine's own results hold solver terms and do not cross).
import type { Manifest } from '../../toolchain/manifest.ts';
import type { SpecDiagnostic } from '../../engine/spec/frontend/index.ts';

export type Layers = 'nf';

/** A property to check: text (a cell; `file` names it in messages) or a file of the NF. */
export type PropertyInput = { name: string; text: string; file: string } | { name: string; path: string };

export type EngineRequest =
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

export type EngineEvent =
  | { kind: 'progress'; id: number; update: ProgressUpdate }
  | { kind: 'reply'; id: number; answer: NfSummary | VerifyAnswer }
  /** `name` is the engine's error class (BuildError, ManifestError, EngineError, Interrupted, ...). */
  | { kind: 'reply'; id: number; failure: { name: string; message: string } };

export interface NfSummary {
  nfDir: string;
  name: string;
  layers: Layers;
  manifest: Manifest;
  /** The engine's text rendering of the exploration (formatExploration). */
  text: string;
  figures: { traces: number; violations: number; instructions: number; queries: number; solverSeconds: number; seconds: number };
  traces: { output: string; calls: string[]; lines: string[] }[];
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
  | {
      name: string;
      file: string;
      verdict: 'holds' | 'fails';
      /** The engine's text rendering (formatPropertyResult), counterexamples included. */
      text: string;
      dialect: 'statement' | 'function';
      traces: number;
      specPaths: number;
      queries: number;
      seconds: number;
      lines: number;
      counterexamples: Counterexample[];
    }
  | { name: string; file: string; verdict: 'invalid'; text: string; errors: SpecDiagnostic[] };

export interface Counterexample {
  device: number;
  /** Nanoseconds, as a decimal string (a u64). */
  time: string;
  length: number;
  packet: number[];
  /** Headers decoded from the packet bytes, outermost first, fields as the spec sees them. */
  headers: { protocol: string; fields: { name: string; value: string }[] }[];
  nfOutput: string;
  specRequires: string;
  failed: string[];
  stateEntries: string[];
  nfLines: string[];
  /** `file:line` of the spec where it failed, and where its path decided something. */
  specLine: string | null;
  specDecisions: string[];
}
