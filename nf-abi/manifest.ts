// The NF manifest (nfs/<name>/nf.json): the link between an NF's code and its specs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ScalarType = 'u8' | 'u16' | 'u32' | 'u64';

export interface RecordField {
  name: string;
  /** A scalar type, or `bytes:N` for a fixed-size byte string such as a MAC address. */
  type: ScalarType | `bytes:${number}`;
  /**
   * An invariant of every stored record: the field is (unsigned) below this number, config value, or
   * `"devices"`. The verifier assumes it of the state before a packet and checks that every write keeps it.
   */
  below?: number | string;
}

export interface StateObject {
  /** Spec-facing name, e.g. `dyn_emap` (NFS.md). */
  name: string;
  kind: 'emap' | 'vector' | 'cht' | 'lpm';
  /** Record type name in `records` (key of an emap, element of a vector). */
  record?: string;
  /** A number, or the name of a config value. */
  capacity: number | string;
  /**
   * An emap whose specs see a map from key to value (Vigor's `map`): the vector object holding each key's value
   * at the key's index. A spec's `get(key)` then gives that value (the field, when the record has one).
   */
  values?: string;
}

export interface ConfigValue {
  type: ScalarType;
  value: number | string;
}

/** A column of a config table: an integer type (`i32` for values that may be negative, such as -2 meaning
 * "drop"), or `mac`, an Ethernet address written "02:00:00:00:00:01". */
export type ColumnType = ScalarType | 'i32' | 'mac';

/**
 * Rows of configuration an NF reads at init, such as the bridge's static forwarding rules. The NF imports, from
 * module "config", `<table>_count` (an i32 global or function without parameters) and one function
 * `<table>_<column>(row: i32)` per column, returning an i64 for `u64` and `mac` columns, else an i32. A `mac` is
 * returned as the i64 whose little-endian bytes are the address in wire order, so storing its low 6 bytes
 * writes the address as it appears in a frame.
 */
export interface ConfigTable {
  columns: Record<string, ColumnType>;
  rows: Record<string, number | string>[];
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
  /** Config tables by name (optional): imported as `<name>_count` and `<name>_<column>(row)`. */
  tables?: Record<string, ConfigTable>;
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
  const tables = m.tables ?? {};
  if (typeof tables !== 'object' || Array.isArray(tables)) fail('"tables" must be an object: {"<table>": {"columns": {...}, "rows": [...]}}');
  for (const [name, table] of Object.entries(tables)) validateTable(name, table, config, fail);
  const records = m.records ?? {};
  for (const [type, fields] of Object.entries(records)) {
    for (const field of fields) {
      const bound = field.below;
      if (bound !== undefined && typeof bound !== 'number' && bound !== 'devices' && !(bound in config)) {
        fail(`record "${type}", field "${field.name}": "below" must be a number, a config value or "devices"`);
      }
    }
  }
  const state = m.state ?? [];
  for (const object of state) {
    if (object.record !== undefined && !(object.record in records)) fail(`state "${object.name}": record type "${object.record}" is not in "records"`);
    if (typeof object.capacity === 'string' && !(object.capacity in config)) fail(`state "${object.name}": capacity "${object.capacity}" is not a config value`);
    if (object.values !== undefined && (object.kind !== 'emap' || !state.some((other) => other.name === object.values && other.kind === 'vector'))) {
      fail(`state "${object.name}": "values" must name a vector state object, and only an emap has values`);
    }
  }
  return { description: '', ...m, config, tables, records, state } as Manifest;
}

const COLUMN_TYPES: readonly ColumnType[] = ['u8', 'u16', 'u32', 'u64', 'i32', 'mac'];
const COLUMN_RANGES: Record<Exclude<ColumnType, 'mac'>, [bigint, bigint]> = {
  u8: [0n, 0xffn],
  u16: [0n, 0xffffn],
  u32: [0n, 0xffffffffn],
  u64: [0n, 0xffffffffffffffffn],
  i32: [-(2n ** 31n), 2n ** 31n - 1n],
};
const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

function validateTable(name: string, table: ConfigTable, config: Record<string, ConfigValue>, fail: (what: string) => never): void {
  const where = `table "${name}"`;
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) fail(`${where}: a table name must be an identifier (letters, digits, _), as the NF imports <table>_<column>`);
  if (typeof table?.columns !== 'object' || table.columns === null || Object.keys(table.columns).length === 0) {
    fail(`${where}: "columns" must map each column name to a type, e.g. {"addr": "mac", "device": "u16"}`);
  }
  if (!Array.isArray(table.rows)) fail(`${where}: "rows" must be a list of objects, one value per column (it may be empty)`);
  for (const [column, type] of Object.entries(table.columns)) {
    if (!COLUMN_TYPES.includes(type)) fail(`${where}, column "${column}": type must be one of ${COLUMN_TYPES.join(', ')}, not ${JSON.stringify(type)}`);
    if (column === 'count') fail(`${where}: a column cannot be named "count" (the NF imports ${name}_count for the number of rows)`);
  }
  for (const imported of tableImportNames(name, table)) {
    if (imported in config) fail(`${where}: the import "${imported}" would clash with the config value of that name; rename the table or the value`);
  }
  table.rows.forEach((row, at) => {
    const rowWhere = `${where}, row ${at}`;
    if (typeof row !== 'object' || row === null || Array.isArray(row)) fail(`${rowWhere}: a row must be an object with one value per column`);
    for (const key of Object.keys(row)) if (!(key in table.columns)) fail(`${rowWhere}: "${key}" is not a column (columns: ${Object.keys(table.columns).join(', ')})`);
    for (const [column, type] of Object.entries(table.columns)) {
      const value = row[column];
      if (value === undefined) fail(`${rowWhere}: the value of column "${column}" is missing`);
      if (type === 'mac') {
        if (typeof value !== 'string' || !MAC_PATTERN.test(value)) fail(`${rowWhere}, column "${column}": ${JSON.stringify(value)} is not a MAC address such as "02:00:00:00:00:01"`);
        continue;
      }
      const [low, high] = COLUMN_RANGES[type];
      const number = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : typeof value === 'string' && /^-?\d+$/.test(value) ? BigInt(value) : null;
      if (number === null || number < low || number > high) fail(`${rowWhere}, column "${column}": ${JSON.stringify(value)} is not a ${type} (${low}..${high})`);
    }
  });
}

function tableImportNames(name: string, table: ConfigTable): string[] {
  return [`${name}_count`, ...Object.keys(table.columns).map((column) => `${name}_${column}`)];
}
