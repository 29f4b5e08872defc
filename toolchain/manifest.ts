// The NF manifest (nfs/<name>/nf.json): the link between an NF's code and its specs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ScalarType = 'u8' | 'u16' | 'u32' | 'u64';

export interface RecordField {
  name: string;
  /** A scalar type, or `bytes:N` for a fixed-size byte string such as a MAC address. */
  type: ScalarType | `bytes:${number}`;
}

export interface StateObject {
  /** Spec-facing name, e.g. `dyn_emap` (NFS.md). */
  name: string;
  kind: 'emap' | 'vector' | 'cht' | 'lpm';
  /** Record type name in `records` (key of an emap, element of a vector). */
  record?: string;
  /** A number, or the name of a config value. */
  capacity: number | string;
}

export interface ConfigValue {
  type: ScalarType;
  value: number | string;
}

export interface Manifest {
  name: string;
  description: string;
  /** Entry source file, relative to the NF folder: `.ts` (AssemblyScript) or `.c`. */
  source: string;
  devices: number;
  /** Bounds of the received frame length in bytes (the packet buffer holds `max`). */
  frame: { min: number; max: number };
  /** Imported by the NF as module "config", one import per name (global or function). */
  config: Record<string, ConfigValue>;
  records: Record<string, RecordField[]>;
  state: StateObject[];
}

export class ManifestError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'ManifestError';
  }
}

export function loadManifest(nfDir: string): Manifest {
  const file = join(nfDir, 'nf.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found: an NF folder needs an nf.json manifest' : (e as Error).message;
    throw new ManifestError(file, reason);
  }
  return validateManifest(file, raw);
}

function validateManifest(file: string, raw: unknown): Manifest {
  const fail = (what: string): never => {
    throw new ManifestError(file, what);
  };
  if (typeof raw !== 'object' || raw === null) fail('the manifest must be a JSON object');
  const m = raw as Partial<Manifest>;
  if (typeof m.name !== 'string') fail('"name" must be a string');
  if (typeof m.source !== 'string' || !/\.(ts|c)$/.test(m.source)) fail('"source" must name a .ts or .c file');
  if (!Number.isInteger(m.devices) || (m.devices as number) < 1) fail('"devices" must be a positive integer');
  const frame = m.frame;
  if (!frame || !Number.isInteger(frame.min) || !Number.isInteger(frame.max) || frame.min < 0 || frame.max < frame.min || frame.max > 65535) {
    fail('"frame" must be {"min": m, "max": M} with 0 <= m <= M <= 65535');
  }
  const config = m.config ?? {};
  for (const [key, value] of Object.entries(config)) {
    if (!['u8', 'u16', 'u32', 'u64'].includes(value?.type)) fail(`config "${key}": "type" must be u8, u16, u32 or u64`);
    if (typeof value.value !== 'number' && typeof value.value !== 'string') fail(`config "${key}": "value" must be a number or a decimal string`);
  }
  const records = m.records ?? {};
  const state = m.state ?? [];
  for (const object of state) {
    if (object.record !== undefined && !(object.record in records)) fail(`state "${object.name}": record type "${object.record}" is not in "records"`);
    if (typeof object.capacity === 'string' && !(object.capacity in config)) fail(`state "${object.name}": capacity "${object.capacity}" is not a config value`);
  }
  return { description: '', ...m, config, records, state } as Manifest;
}

/** The value of a config entry as the NF sees it (an i32 or i64 import). */
export function configValue(manifest: Manifest, key: string): bigint {
  const entry = manifest.config[key];
  if (!entry) throw new Error(`config value "${key}" is not declared in ${manifest.name}/nf.json`);
  return BigInt(entry.value);
}
