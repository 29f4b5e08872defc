// The engine's public face: everything the kernel, the CLI, the scripts and the run-time may use of the verifier.
// Folders outside engine/ import the engine only from here (tests may reach inside).

// Verification sessions: an NF's traces, checked against properties one at a time (pay-as-you-go).
export { type PropertyResult, type ReplayedFailure, VerificationSession } from './session/session.ts';
// The layers a verification covers, and its Table 3 figures.
export { type LayerFigures, layerFigures, LAYERS, LAYERS_HELP, type Layers, readLayers } from './stack/layers.ts';
export { formatLayerFigures } from './render/layers.ts';
export { exploreLayers } from './stack/explore-layers.ts';
export type { Replay } from './session/replay.ts';
export { verifyStackVariant } from './session/stack-replay.ts';
// The trace cache, for a caller that explores once before many sessions read the traces (`vigor verify`).
export { exploreCached } from './session/trace-cache.ts';
// Many properties at once on a pool of worker threads, and the worker helper the kernel shares.
export { type PoolVerification, verifyInParallel } from './pool/pool.ts';
export { propertyName, type PropertySummary } from './pool/pool-protocol.ts';
export { startTypeScriptWorker } from './pool/worker-thread.ts';
// Started ahead of the first verification by a caller that expects one (the kernel's engine worker).
export { specPython } from './spec/python.ts';
// Pyodide restored from a memory image (the spec interpreter's start-up, shared with the kernel's Python).
export { loadPreloadedPyodide } from './spec/pyodide-snapshot.ts';
// Symbolic execution of an NF on its own (`vigor traces`, the exploration benchmark).
export { exploreNf, type NfExploration } from './nf/explore-nf.ts';
export { Solver } from './solver/z3.ts';
export { EngineError, type Violation, type Watch } from './symbex/violations.ts';
// Renderings: text for the CLI, plain data the kernel turns into HTML.
export { formatExploration, traceOutput } from './render/exploration.ts';
export { describeViolation, formatViolation, type ViolationDescription } from './render/violation.ts';
export { formatStep, type PathStep, traceLines } from './render/nf-path.ts';
export { replayWords, shownPath } from './render/text.ts';
export { describeFailure, describeRaisedOn, type FailureDescription, formatRaisedOn, type InputDescription, type RaisedOnDescription } from './render/failure.ts';
export { claimsNothingNote, formatPropertyResult, formatResultTable, type PropertyRow, verdictSummary, verdictWord } from './render/property.ts';
// The spec language's static front-end: analysis, diagnostics, completion, the vocabulary, property files.
export * from './spec/frontend/index.ts';
