// The static front-end of the spec language: what runs on a spec before anything executes.
export { analyzeSpec, type AnalyzedSpec, type SpecAnalysis, type SpecInput } from './analyze.ts';
export { completeSpec, type CompletionItem, type CompletionKind, type CompletionRequest, type Completions } from './complete.ts';
export { formatDiagnostic, type DiagnosticKind, type SpecDiagnostic } from './diagnostic.ts';
export type { Dialect } from './dialect.ts';
export type { PropertyLookup, PropertySource } from './property-imports.ts';
export type { MappedLocation, PositionMap } from './position-map.ts';
export { listProperties, propertiesFolder } from './property-files.ts';
export { readSpecFile, SpecFileError, type SpecText, type Undecodable } from './spec-file.ts';
export type { SourceLocation } from './source.ts';
/** The names the spec language defines, with their documentation (for completion and inspection). */
export * as vocabulary from './vocabulary.ts';
