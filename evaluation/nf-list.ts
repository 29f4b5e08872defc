// The NFs the evaluation covers: every folder of nfs/ with an nf.json whose source exists, found at run time, so
// that a new NF (nfs/lb, say) joins every table without an edit.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadManifest } from '../nf-abi/index.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Absolute folders of the NFs in `nfsDir`, sorted by name. */
export function discoverNfs(nfsDir = join(PROJECT_ROOT, 'nfs')): string[] {
  return readdirSync(nfsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(nfsDir, entry.name))
    .filter((dir) => existsSync(join(dir, 'nf.json')) && existsSync(join(dir, loadManifest(dir).source)))
    .sort();
}

/** Table 1's and Table 6's facts of an NF, from its manifest: what it is, its state and the bounds it runs within. */
export interface NfDescription {
  name: string;
  folder: string;
  description: string;
  devices: number;
  frame: { min: number; max: number };
  /** libVig objects with their kind and capacity (a config name resolved to its value). */
  state: { name: string; kind: string; capacity: number | string }[];
  /** Config tables (configuration verified with the NF), with their number of rows. */
  tables: { name: string; rows: number }[];
  config: Record<string, number | string>;
  /** Whether a C twin exists beside the verified source (the native baseline). */
  cTwin: boolean;
}

export function describeNf(dir: string): NfDescription {
  const manifest = loadManifest(dir);
  const config = Object.fromEntries(Object.entries(manifest.config).map(([name, value]) => [name, value.value]));
  return {
    name: manifest.name,
    folder: dir,
    description: manifest.description,
    devices: manifest.devices,
    frame: manifest.frame,
    state: manifest.state.map((object) => ({ name: object.name, kind: object.kind, capacity: typeof object.capacity === 'string' ? (config[object.capacity] ?? object.capacity) : object.capacity })),
    tables: Object.entries(manifest.tables ?? {}).map(([name, table]) => ({ name, rows: table.rows.length })),
    config,
    cTwin: existsSync(join(dir, `${manifest.name}.c`)),
  };
}

/** The paper's published figures with their sources (paper-reference.json): reference columns, a null is "not found". */
export function paperReference(): unknown {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'evaluation', 'paper-reference.json'), 'utf8'));
}
