// libVig's public face: the run-time implementation of its imports, and an NF loaded with it (what the run-time
// runs and what the verifier replays counterexamples on).
export { type ImportObject, type LoadedNf, loadNf, type LoadOptions, NfAbort, type NfBinary } from './load-nf.ts';
export { compiledLibVig } from './wasm/load.ts';
export { createLibVig, type LibVig, LibVigError } from './runtime/index.ts';
// The Maglev table, for the load balancer's TypeScript baseline (runtime/baselines/lb.ts): the same backends' order.
export { Cht } from './runtime/cht.ts';
export { Emap } from './runtime/emap.ts';
