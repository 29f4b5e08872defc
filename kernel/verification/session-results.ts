// What this kernel verified, as the JSON Python's `vigor` object is made of (kernel/python/kernel_runtime.py,
// set_results): the selected NF, the latest report of each property checked against it, the checks' figures, and
// Table 3's figures per NF and layers; `more` is what other magics add (the benchmarks, the evaluation).
import { layerFigures } from '../../engine/index.ts';
import type { NotebookVerification } from './verification-magics.ts';

export function resultsJson(verification: NotebookVerification, more: Record<string, unknown> = {}): string {
  const nf = verification.selected;
  return JSON.stringify({
    nf: nf
      ? {
        name: nf.name, folder: nf.nfDir, layers: nf.layers, ...nf.figures, traceList: nf.traces, hasSpec: nf.hasSpec, propertyFiles: nf.propertyFiles,
        // Decimal strings: exact above 2^53 (a u64).
        config: Object.fromEntries(Object.entries(nf.manifest.config).map(([key, entry]) => [key, String(entry.value)])),
      }
      : null,
    properties: Object.fromEntries(verification.reports),
    // Every field on every check (null where it does not apply), so Python can read `check.property` of any.
    checks: verification.records.map((record) => ({ nf: record.nf, layers: record.layers, property: record.property ?? null, verdict: record.verdict ?? null, traces: record.traces, specPaths: record.specPaths ?? null, seconds: record.seconds })),
    layers: verification.records.filter((r) => r.property === undefined).map((exploration) => ({
      nf: exploration.nf,
      ...layerFigures(exploration.layers, exploration, verification.records.filter((r) => r.property !== undefined && r.nf === exploration.nf && r.layers === exploration.layers)),
    })),
    ...more,
  });
}
