// nf.json's JSON Schema (nf.schema.json) checked by ajv, its errors put in words: one line per problem, naming the
// field, what is wrong and what is allowed (the schema's description of the rule broken).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';

interface SchemaNode {
  description?: string;
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  definitions?: Record<string, SchemaNode>;
  maximum?: number;
}

const SCHEMA = JSON.parse(readFileSync(new URL('./nf.schema.json', import.meta.url), 'utf8')) as SchemaNode;

/** The rule a definition of the schema states (its description), for the checks the schema cannot express. */
export function schemaRule(definition: 'bound' | 'capacity'): string {
  return SCHEMA.definitions![definition]!.description!;
}

/** The most entries a libVig structure holds (libVig's run-time refuses more): the schema's bound on capacities. */
export const MAX_CAPACITY = SCHEMA.definitions!.capacity!.maximum!;

/** The rule a subschema states, through its reference to a definition (`#/definitions/<name>`) if it has one. */
const described = (node: SchemaNode): string | undefined =>
  node.$ref ? SCHEMA.definitions![node.$ref.replace('#/definitions/', '')]!.description : node.description;

/** A value as a problem quotes it: JSON for scalars, its kind for containers. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  return JSON.stringify(value);
}

/** One problem: `<where>: <rule>, not <value>`. */
export function broken(where: string, rule: string, value: unknown): string {
  return `${where}: ${rule}, not ${shown(value)}`;
}

/** What a step of a path enters: a collection whose entries are named in words, or a plain field. */
type Context = 'root' | 'frame' | 'config' | 'tables' | 'table' | 'columns' | 'rows' | 'row' | 'below' | 'records' | 'record' | 'state' | 'field';

/**
 * A field's place in words, as specs and errors name things: `frame.max`, `config "capacity", value`,
 * `state "macs", capacity`, `record "port", field "device", below`, `table "rules", row 0, column "addr"`.
 */
export function fieldName(path: readonly (string | number)[], manifest: unknown): string {
  const parts: string[] = [];
  let context: Context = 'root';
  let node = manifest;
  path.forEach((segment, at) => {
    const child = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[segment] : undefined;
    const [part, next] = step(context, segment, child);
    // A collection is named only when the path ends at it: `config "capacity"`, not `config, config "capacity"`.
    if (part !== null) parts.push(part);
    else if (at === path.length - 1) parts.push(String(segment));
    context = next;
    node = child;
  });
  return parts.join(', ');
}

function step(context: Context, segment: string | number, child: unknown): [string | null, Context] {
  const quoted = JSON.stringify(segment);
  // State objects and record fields by their name when they have one.
  const named = isObject(child) && typeof child.name === 'string' ? JSON.stringify(child.name) : String(segment);
  switch (context) {
    case 'root': return ['frame', 'config', 'tables', 'records', 'state'].includes(String(segment)) ? [null, segment as Context] : [String(segment), 'field'];
    case 'frame': return [`frame.${segment}`, 'field'];
    case 'config': return [`config ${quoted}`, 'field'];
    case 'tables': return [`table ${quoted}`, 'table'];
    case 'table': return ['columns', 'rows', 'below'].includes(String(segment)) ? [null, segment as Context] : [String(segment), 'field'];
    case 'columns':
    case 'row': return [`column ${quoted}`, 'field'];
    case 'rows': return [`row ${segment}`, 'row'];
    case 'below': return [`below ${quoted}`, 'field'];
    case 'records': return [`record ${quoted}`, 'record'];
    case 'record': return [`field ${named}`, 'field'];
    case 'state': return [`state ${named}`, 'field'];
    case 'field': return [String(segment), 'field'];
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

let validate: ValidateFunction | undefined;

/** The schema's problems with a parsed nf.json, one line each (none when it conforms). */
export function schemaProblems(manifest: unknown): string[] {
  validate ??= compileSchema();
  if (validate(manifest)) return [];
  const problems = new Set<string>();
  for (const error of validate.errors ?? []) {
    const problem = inWords(error, manifest);
    if (problem) problems.add(problem);
  }
  return [...problems];
}

function compileSchema(): ValidateFunction {
  // Loaded at the first manifest read (about 0.2 s with the compilation): processes that read none, such as the
  // kernel at its start, do not pay for it.
  const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  // strict: a mistake in the schema itself fails at once; union types are how a value may be a number or a name.
  return new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true }).compile(SCHEMA);
}

function inWords(error: ErrorObject, manifest: unknown): string | undefined {
  const path = error.instancePath.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const where = (at: (string | number)[]) => fieldName(at.map((s) => (/^\d+$/.test(String(s)) ? Number(s) : s)), manifest) || 'the manifest';
  const parentSchema = error.parentSchema as SchemaNode;
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return `${where([...path, missing])}: missing; it ${described(parentSchema.properties![missing]!)}`;
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      return `${where(path)}: ${JSON.stringify(extra)} is not one of its fields (${Object.keys(parentSchema.properties!).join(', ')})`;
    }
    // The rule broken is reported by the subschema of propertyNames; this one only says "property name invalid".
    case 'propertyNames':
      return undefined;
    default: {
      const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
      return broken(where(path), parentSchema.description ?? error.message ?? error.keyword, propertyName ?? error.data);
    }
  }
}
