// Shared by the spec front-end tests: the real NF manifests and a session of in-memory properties.
import { fileURLToPath } from 'node:url';
import { analyzeSpec, type SpecAnalysis } from '../../engine/spec/frontend/analyze.ts';
import type { SpecDiagnostic } from '../../engine/spec/frontend/diagnostic.ts';
import type { PropertyLookup } from '../../engine/spec/frontend/property-imports.ts';
import { loadManifest, type Manifest } from '../../nf-abi/index.ts';

export const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
export const nfDir = (nf: string) => `${repositoryRoot}nfs/${nf}`;
export const bridgeManifest: Manifest = loadManifest(nfDir('bridge'));

/** Properties "defined earlier in the session", each shown as `cell <name>`. */
export function sessionOf(cells: Record<string, string>): PropertyLookup {
  return (name) => (Object.hasOwn(cells, name) ? { name, file: `cell ${name}`, text: cells[name]! } : undefined);
}

export function analyze(text: string, options: { cells?: Record<string, string>; manifest?: Manifest } = {}): SpecAnalysis {
  return analyzeSpec({ name: 'spec_under_test', file: 'test.py', text, manifest: options.manifest ?? bridgeManifest, lookupProperty: sessionOf(options.cells ?? {}) });
}

/** The errors of a spec that must not analyse; fails the test if it does. */
export function errorsOf(text: string, options: Parameters<typeof analyze>[1] = {}): SpecDiagnostic[] {
  const result = analyze(text, options);
  if (result.ok) throw new Error(`expected errors, but the spec analysed cleanly:\n${text}`);
  return result.errors;
}

/** The only error of a spec, as file:line:column and message. */
export function onlyError(text: string, options: Parameters<typeof analyze>[1] = {}): SpecDiagnostic {
  const errors = errorsOf(text, options);
  if (errors.length !== 1) throw new Error(`expected one error, got ${errors.length}: ${errors.map((e) => e.message).join(' | ')}`);
  return errors[0]!;
}
