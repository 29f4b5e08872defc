// Tables 3, 6 and 7's figures for one NF, measured live: each layer selection the engine offers explored (the
// trace cache keeps the exploration's own figures), spec.py and every property checked with the NF alone, spec.py
// only with the other selections (its per-trace validation time is Table 3's; every property again per selection
// would multiply the run's length), and the lines each property costs. A selection the engine cannot verify yet is
// reported with why.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeSpec, EngineError, LAYERS, layerFigures, type LayerFigures, type Layers, listProperties, propertiesFolder, type PropertyResult, readSpecFile, VerificationSession } from '../engine/index.ts';
import { loadManifest } from '../nf-abi/index.ts';

export interface PropertyFigures {
  name: string;
  verdict: 'holds' | 'fails' | 'invalid' | 'error';
  traces: number | null;
  specPaths: number | null;
  queries: number | null;
  seconds: number | null;
  /** Spec lines of the property alone, and with what it imports inlined. */
  ownLines: number | null;
  linesWithImports: number | null;
  /** Why there is no verdict about the NF (an invalid spec, a stopped check, an engine limitation), else null. */
  problem: string | null;
}

export type LayerMeasurement =
  | (LayerFigures & { built: true; solverSeconds: number; violations: number; properties: PropertyFigures[]; totalSeconds: number })
  /** `not-built`: the engine cannot verify this selection yet; `failed`: its exploration or checks stopped. */
  | { layers: Layers; built: false; outcome: 'not-built' | 'failed'; reason: string };

export interface NfVerification {
  nf: string;
  /** One entry per layer selection of the engine (LAYERS), in its order. */
  layers: LayerMeasurement[];
}

/** The layer selections the engine offers, in its order (`--layers`). */
export function layerSelections(): readonly Layers[] {
  return LAYERS;
}

/** Every property file of the NF: spec.py first, then properties/*.py by name. */
export function propertyFiles(nfDir: string): { name: string; path: string }[] {
  const spec = join(nfDir, 'spec.py');
  return [...(existsSync(spec) ? [{ name: 'spec', path: spec }] : []), ...listProperties(nfDir).map((p) => ({ name: p.name, path: join(nfDir, 'properties', `${p.name}.py`) }))];
}

/** One NF with one layer selection (callers run each in a worker of its own: one that crashes is one row). */
export async function measureLayers(nfDir: string, selection: Layers, progress: (line: string) => void = () => {}): Promise<LayerMeasurement> {
  const name = loadManifest(nfDir).name;
  progress(`${name}: exploring with --layers ${selection}`);
  let session: VerificationSession;
  try {
    session = await VerificationSession.open(nfDir, { layers: selection });
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    return { layers: selection, built: false, outcome: 'not-built', reason: error.message };
  }
  const properties: PropertyFigures[] = [];
  for (const { name: property, path } of propertyFiles(nfDir).filter((file) => selection === 'nf' || file.name === 'spec')) {
    progress(`${name} (--layers ${selection}): checking ${property}`);
    properties.push(await checkProperty(session, property, path, nfDir));
  }
  const run = session.exploration;
  const checked = properties.filter((p): p is PropertyFigures & { seconds: number; traces: number } => p.seconds !== null && p.traces !== null);
  return {
    ...layerFigures(selection, run.figures, checked),
    built: true,
    solverSeconds: run.figures.solverSeconds,
    violations: run.initViolations.length + run.violations.length,
    properties,
    totalSeconds: run.figures.seconds + checked.reduce((sum, p) => sum + p.seconds, 0),
  };
}

/** One property's figures; a check the engine cannot decide (EngineError) is an `error` row, not the run's end. */
async function checkProperty(session: VerificationSession, name: string, path: string, nfDir: string): Promise<PropertyFigures> {
  try {
    return figuresOf(await session.checkFile(path), nfDir, path);
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    return figuresOf({ name, file: path, verdict: 'error', message: error.message }, nfDir, path);
  }
}

function figuresOf(result: PropertyResult, nfDir: string, path: string): PropertyFigures {
  const analysis = analyzeSpec({ name: result.name, file: path, ...readSpecFile(path), manifest: loadManifest(nfDir), lookupProperty: propertiesFolder(nfDir) });
  const lines = analysis.ok ? analysis.spec.lines : null;
  const checked = result.verdict === 'holds' || result.verdict === 'fails' ? result : null;
  return {
    name: result.name,
    verdict: result.verdict,
    traces: checked?.traces ?? null,
    specPaths: checked?.specPaths ?? null,
    queries: checked?.queries ?? null,
    seconds: checked?.seconds ?? null,
    ownLines: lines?.own ?? null,
    linesWithImports: lines?.withImports ?? null,
    problem: result.verdict === 'error' ? result.message : result.verdict === 'invalid' ? result.errors.map((e) => e.message).join('; ') : null,
  };
}
