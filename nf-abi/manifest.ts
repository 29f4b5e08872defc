// The NF manifest (nfs/<name>/nf.json): the link between an NF's code and its specs.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { jsonDuplicateKey, jsonMistake } from './json-mistake.ts';
import { broken, fieldName, MAX_CAPACITY, schemaProblems, schemaRule } from './manifest-schema.ts';

export type ScalarType = 'u8' | 'u16' | 'u32' | 'u64';

export interface RecordField {
  name: string;
  /**
   * A scalar type, `i32` for a number that may be negative (two's complement: specs read it signed, such as -2
   * meaning "drop"), or `bytes:N` for a fixed-size byte string such as a MAC address.
   */
  type: ScalarType | 'i32' | `bytes:${number}`;
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
  /** What every key of an emap satisfies (see `KeyInvariant`). */
  key_invariant?: { field: string; is: KeyPredicate; unless?: string };
}

/**
 * `not_group`: the field, a MAC address, is no group (multicast or broadcast) address: the I/G bit, the lowest bit
 * of its first octet on the wire, is clear.
 */
export type KeyPredicate = 'not_group';

/**
 * An emap's key invariant in force: the key's bytes `[offset, offset + bytes)` (its record's field `field`)
 * satisfy `is`. The verifier assumes it of every key in the state before a packet and checks it at every
 * emap_add (nf_init's too), so it holds by induction over packets.
 */
export interface KeyInvariant {
  object: string;
  field: string;
  offset: number;
  bytes: number;
  is: KeyPredicate;
  /** The config value whose being nonzero would switch it off. */
  unless?: string;
}

export interface ConfigValue {
  type: ScalarType;
  value: number | string;
}

/** A column of a config table: an integer type (`i32` for values that may be negative, such as -2 meaning
 * "drop"), `mac`, an Ethernet address written "02:00:00:00:00:01", or `ipv4`, an IPv4 address written "10.0.0.0". */
export type ColumnType = ScalarType | 'i32' | 'mac' | 'ipv4';

/**
 * Rows of configuration an NF reads at init, such as the bridge's static forwarding rules. The NF imports, from
 * module "config", `<table>_count` (an i32 global or function without parameters) and one function
 * `<table>_<column>(row: i32)` per column, returning an i64 for `u64` and `mac` columns, else an i32. A `mac` is
 * returned as the i64 whose little-endian bytes are the address in wire order, so storing its low 6 bytes
 * writes the address as it appears in a frame. An `ipv4` is returned as an i32 with the first octet most
 * significant (10.0.0.0 is 0x0a000000), as libVig's lpm takes prefixes.
 */
export interface ConfigTable {
  columns: Record<string, ColumnType>;
  rows: Record<string, number | string>[];
  /** Bounds of columns, as a record field's `below`: every row's value is below it (e.g. a device column). */
  below?: Record<string, number | string>;
}

/**
 * A table of IPv4 prefixes: an `ipv4` column "prefix" and a column "length", each row a prefix such as 10.0.0.0/8
 * (what lpm_add takes). Its rows must have no address bits set past their length, as a routing table's.
 */
export const holdsPrefixes = (table: ConfigTable): boolean =>
  table.columns.prefix === 'ipv4' && table.columns.length !== undefined && table.columns.length !== 'mac' && table.columns.length !== 'ipv4';

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

/** A manifest that cannot be used: one line per problem, each `<file>: <field>: <what is wrong>`. */
export class ManifestError extends Error {
  constructor(readonly file: string, detail: string | readonly string[]) {
    super((typeof detail === 'string' ? [detail] : detail).map((problem) => `${file}: ${problem}`).join('\n'));
    this.name = 'ManifestError';
  }
}

/**
 * Why `path`, given where an NF folder is meant, is none because it names a file (the NF's nf.json, most often),
 * saying what to give instead (`shown` is the path as the user wrote it); undefined when it is no file. One
 * wording for `vigor` and the kernel's `%nf`; a folder without nf.json is loadManifest's to report.
 */
export function nfFolderMistake(path: string, shown = path): string | undefined {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    // Nothing there (ENOENT, or ENOTDIR: a file on the way): loadManifest names what is missing.
    return undefined;
  }
  if (!isFile) return undefined;
  return basename(path) === 'nf.json'
    ? `${shown} is the NF's manifest: give the NF's folder, ${dirname(shown)}`
    : `${shown} is a file, not an NF folder (a folder with an nf.json)`;
}

export function loadManifest(nfDir: string): Manifest {
  const file = join(nfDir, 'nf.json');
  let text: string;
  try {
    // A byte-order mark (some Windows editors write one) is no part of the JSON.
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new ManifestError(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found: an NF folder needs an nf.json manifest' : `cannot be read: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(file, `not valid JSON, ${jsonMistake(text) ?? (e as Error).message}`);
  }
  const duplicate = jsonDuplicateKey(text);
  if (duplicate) throw new ManifestError(file, `${duplicate}: keep one`);
  // The schema (nf.schema.json) first: the checks between fields below rely on the shape it guarantees.
  const shapeProblems = schemaProblems(raw);
  if (shapeProblems.length > 0) throw new ManifestError(file, shapeProblems);
  const m = raw as Partial<Manifest> & Pick<Manifest, 'name' | 'source' | 'devices' | 'frame'>;
  const manifest: Manifest = { description: '', ...m, config: m.config ?? {}, tables: m.tables ?? {}, records: m.records ?? {}, state: m.state ?? [] };
  const problems = crossFieldProblems(manifest);
  if (problems.length > 0) throw new ManifestError(file, problems);
  return manifest;
}

/** The size of a record field in bytes. */
export const fieldBytes = (type: RecordField['type']): number => (type.startsWith('bytes:') ? Number(type.slice(6)) : { u8: 1, u16: 2, u32: 4, i32: 4, u64: 8 }[type as ScalarType | 'i32']);

/** The key invariant of state object `object` while the config leaves it on, else null (none declared, or `unless` set). */
export function keyInvariant(manifest: Pick<Manifest, 'config' | 'records'>, object: StateObject | undefined): KeyInvariant | null {
  const declared = object?.key_invariant;
  if (!declared || (declared.unless !== undefined && BigInt(manifest.config[declared.unless]!.value) !== 0n)) return null;
  const fields = manifest.records[object.record!]!;
  const at = fields.findIndex((f) => f.name === declared.field);
  const offset = fields.slice(0, at).reduce((sum, f) => sum + fieldBytes(f.type), 0);
  return { object: object.name, field: declared.field, offset, bytes: fieldBytes(fields[at]!.type), is: declared.is, ...(declared.unless !== undefined ? { unless: declared.unless } : {}) };
}

/** The number a record field's or a table column's `below` names. */
export function fieldBound(manifest: Pick<Manifest, 'config' | 'devices'>, bound: number | string): bigint {
  if (typeof bound === 'number') return BigInt(bound);
  return bound === 'devices' ? BigInt(manifest.devices) : BigInt(manifest.config[bound]!.value);
}

const RANGES: Record<Exclude<ColumnType, 'mac' | 'ipv4'>, [bigint, bigint]> = {
  u8: [0n, 0xffn],
  u16: [0n, 0xffffn],
  u32: [0n, 0xffffffffn],
  u64: [0n, 0xffffffffffffffffn],
  i32: [-(2n ** 31n), 2n ** 31n - 1n],
};
const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const IPV4_PATTERN = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A whole number as written in nf.json (a JSON number or a decimal string), or null. */
function wholeNumber(value: unknown): bigint | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : null;
  return typeof value === 'string' && /^-?\d+$/.test(value) ? BigInt(value) : null;
}

/** What the schema cannot say: ranges that depend on a declared type, and references between fields. */
function crossFieldProblems(m: Manifest): string[] {
  const problems: string[] = [];
  const where = (...path: (string | number)[]) => fieldName(path, m);
  if (m.frame.min > m.frame.max) problems.push(broken(where('frame', 'min'), `must be at most frame.max (${m.frame.max})`, m.frame.min));
  for (const [key, { type, value }] of Object.entries(m.config)) {
    const [low, high] = RANGES[type];
    const number = wholeNumber(value);
    if (number === null) problems.push(broken(where('config', key, 'value'), 'must be written as a decimal string above 2^53 (JSON numbers lose digits there)', value));
    else if (number > high) problems.push(broken(where('config', key, 'value'), `must be a ${type}, ${low}..${high}`, value));
  }
  for (const [name, table] of Object.entries(m.tables ?? {})) problems.push(...tableProblems(m, name, table));
  for (const [type, fields] of Object.entries(m.records)) {
    fields.forEach((field, at) => {
      if (fields.findIndex((other) => other.name === field.name) < at) problems.push(broken(where('records', type, at, 'name'), `must differ from the names of record "${type}"'s other fields`, field.name));
      if (field.below !== undefined && !isBound(m, field.below)) problems.push(boundProblem(m, where('records', type, at, 'below'), field.below));
    });
  }
  const names = new Set<string>();
  m.state.forEach((object, at) => {
    if (names.has(object.name)) problems.push(broken(where('state', at, 'name'), 'must differ from the names of the other state objects', object.name));
    names.add(object.name);
    if (object.record !== undefined && !(object.record in m.records)) {
      problems.push(broken(where('state', at, 'record'), `must name a record type of "records" (${Object.keys(m.records).join(', ') || 'none declared'})`, object.record));
    }
    const capacity = object.capacity;
    if (typeof capacity === 'string' && !(capacity in m.config)) {
      problems.push(broken(where('state', at, 'capacity'), `${schemaRule('capacity')} (config values: ${configNames(m)})`, capacity));
    }
    if (object.values !== undefined && (object.kind !== 'emap' || !m.state.some((other) => other.name === object.values && other.kind === 'vector'))) {
      problems.push(broken(where('state', at, 'values'), 'must name a vector state object, and only an emap has values', object.values));
    }
    if (object.key_invariant) problems.push(...keyInvariantProblems(m, object, (...path) => where('state', at, 'key_invariant', ...path)));
  });
  // A config value used as a capacity meets the bound the schema puts on capacities written as numbers: one
  // problem per value, however many objects it sizes.
  for (const [key, { value }] of Object.entries(m.config)) {
    const sized = m.state.filter((object) => object.capacity === key).map((object) => JSON.stringify(object.name));
    if (sized.length > 0 && !(BigInt(value) >= 1n && BigInt(value) <= BigInt(MAX_CAPACITY))) {
      problems.push(broken(where('config', key, 'value'), `must be 1..${MAX_CAPACITY} as the capacity of state ${sized.join(', ')} (libVig's structures hold at most ${MAX_CAPACITY} entries)`, value));
    }
  }
  return problems;
}

/** A key invariant belongs to an emap with a key record holding its field, of the size its predicate reads. */
function keyInvariantProblems(m: Manifest, object: StateObject, where: (...path: string[]) => string): string[] {
  const { field, unless } = object.key_invariant!;
  const problems: string[] = [];
  const fields = object.record !== undefined ? m.records[object.record] : undefined;
  if (object.kind !== 'emap' || object.record === undefined) {
    problems.push(`${where()}: only an emap with a key record ("record") has a key invariant; state "${object.name}" is ${object.kind === 'emap' ? 'an emap without one' : `a ${object.kind}`}`);
  } else if (fields) {
    const declared = fields.find((f) => f.name === field);
    if (!declared) problems.push(broken(where('field'), `must name a field of record "${object.record}" (${fields.map((f) => f.name).join(', ')})`, field));
    else if (declared.type !== 'bytes:6') problems.push(`${where('field')}: not_group reads a MAC address, a bytes:6 field; "${field}" is a ${declared.type}`);
  }
  if (unless !== undefined && !(unless in m.config)) problems.push(broken(where('unless'), `must name a config value (config values: ${configNames(m)})`, unless));
  return problems;
}

/** A `below` names a number, "devices" or a config value. */
const isBound = (m: Manifest, below: number | string): boolean => typeof below === 'number' || below === 'devices' || below in m.config;

const boundProblem = (m: Manifest, where: string, below: number | string): string =>
  broken(where, `${schemaRule('bound')} (config values: ${configNames(m)})`, below);

const configNames = (m: Manifest): string => Object.keys(m.config).join(', ') || 'none';

function tableProblems(m: Manifest, name: string, table: ConfigTable): string[] {
  const problems: string[] = [];
  const where = (...path: (string | number)[]) => fieldName(['tables', name, ...path], m);
  const columns = Object.keys(table.columns);
  for (const imported of [`${name}_count`, ...columns.map((column) => `${name}_${column}`)]) {
    if (imported in m.config) problems.push(`${where()}: the import "${imported}" would clash with the config value of that name; rename the table or the value`);
  }
  const bounds = new Map<string, bigint>();
  for (const [column, below] of Object.entries(table.below ?? {})) {
    if (!(column in table.columns)) problems.push(`${where('below')}: "${column}" is not a column (columns: ${columns.join(', ')})`);
    else if (!isBound(m, below)) problems.push(boundProblem(m, where('below', column), below));
    else bounds.set(column, fieldBound(m, below));
  }
  table.rows.forEach((row, at) => {
    const earlier = problems.length;
    for (const key of Object.keys(row)) if (!(key in table.columns)) problems.push(`${where('rows', at)}: "${key}" is not a column (columns: ${columns.join(', ')})`);
    for (const [column, type] of Object.entries(table.columns)) {
      const value = row[column];
      const cell = where('rows', at, column);
      if (value === undefined) {
        problems.push(`${where('rows', at)}: the value of column "${column}" is missing`);
      } else if (type === 'mac') {
        if (typeof value !== 'string' || !MAC_PATTERN.test(value)) problems.push(`${cell}: ${JSON.stringify(value)} is not a MAC address such as "02:00:00:00:00:01"`);
      } else if (type === 'ipv4') {
        if (typeof value !== 'string' || !IPV4_PATTERN.test(value)) problems.push(`${cell}: ${JSON.stringify(value)} is not an IPv4 address such as "10.0.0.0" (four decimal octets 0..255)`);
      } else {
        const [low, high] = RANGES[type];
        const number = wholeNumber(value);
        const bound = bounds.get(column);
        if (number === null || number < low || number > high) problems.push(`${cell}: ${JSON.stringify(value)} is not a ${type} (${low}..${high})`);
        else if (bound !== undefined && !(number >= 0n && number < bound)) {
          problems.push(`${cell}: ${JSON.stringify(value)} is not below ${bound} (its "below" is ${JSON.stringify(table.below![column])})`);
        }
      }
    }
    if (holdsPrefixes(table) && problems.length === earlier) problems.push(...prefixProblems(row, where('rows', at)));
  });
  if (holdsPrefixes(table) && problems.length === 0) problems.push(...repeatedPrefixes(table, where));
  return problems;
}

/**
 * A prefix in two rows: lpm_add keeps one value per prefix (the later row's), so the earlier row would be
 * configured and never used, and a spec reading the table could take either.
 */
function repeatedPrefixes(table: ConfigTable, where: (...path: (string | number)[]) => string): string[] {
  const first = new Map<string, number>();
  const problems: string[] = [];
  table.rows.forEach((row, at) => {
    const prefix = `${row.prefix}/${wholeNumber(row.length)}`;
    const earlier = first.get(prefix);
    if (earlier === undefined) first.set(prefix, at);
    else problems.push(`${where('rows', at)}: the prefix ${prefix} is also row ${earlier}'s; a table holds one route per prefix (the NF's lpm would keep the later row's): keep one of them`);
  });
  return problems;
}

/** A well-typed prefix row's length is 0..32 and its address has no bits set past it (lpm_add would drop them unseen). */
function prefixProblems(row: Record<string, number | string>, where: string): string[] {
  const { prefix, length } = row as { prefix: string; length: number | string };
  const bits = wholeNumber(length)!;
  if (bits < 0n || bits > 32n) return [`${where}, column "length": ${JSON.stringify(length)} is not a prefix length (0..32)`];
  const octets = prefix.split('.').map(Number);
  const kept = octets.map((octet, at) => octet & (0xff00 >> Math.min(8, Math.max(0, Number(bits) - 8 * at))) & 0xff);
  if (kept.every((octet, at) => octet === octets[at])) return [];
  return [`${where}, column "prefix": ${prefix} has address bits set past its length ${bits}, which the route would ignore: write "${kept.join('.')}" (the prefix ${kept.join('.')}/${bits})`];
}
