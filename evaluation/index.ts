// The evaluation's public face: what the kernel's %evaluate and `npm start` use to measure the paper's tables.
export { describeNf, discoverNfs, type NfDescription, paperReference, PROJECT_ROOT } from './nf-list.ts';
export { type LayerLines, linesOfCode } from './lines-of-code.ts';
export { type LayerMeasurement, layerSelections, measureLayers, type NfVerification, type PropertyFigures } from './verification.ts';
export { type CaughtBy, runSeededBug, type SeededBug, seededBugs, type SeededBugResult } from './seeded-bugs.ts';
export { evaluationSizes, type EvaluationSizes } from './sizes.ts';
export type { Layers } from '../engine/index.ts';
