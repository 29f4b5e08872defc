// nf.json checked against nf-abi/nf.schema.json and the checks between fields: every malformed manifest gives one
// line per problem naming the field, what is wrong and what is allowed; the manifests in the repository load
// unchanged; `vigor traces` and `vigor verify` refuse the same manifests with the same words.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/index.ts';
import { loadManifest, ManifestError } from '../../nf-abi/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'vigor-manifest-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

type Json = Record<string, any>;
const bridge = (): Json => JSON.parse(readFileSync(join(root, 'nfs/bridge/nf.json'), 'utf8'));

/** A folder holding `manifest` as its nf.json (and a spec, for `vigor verify`). */
function nfFolder(manifest: Json): string {
  const dir = mkdtempSync(join(work, 'nf-'));
  writeFileSync(join(dir, 'nf.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'spec.py'), 'pass\n');
  return dir;
}

/** The problems loadManifest reports, without the file name. */
function problems(manifest: Json): string[] {
  const dir = nfFolder(manifest);
  try {
    loadManifest(dir);
  } catch (error) {
    assert.ok(error instanceof ManifestError, String(error));
    const lines = error.message.split('\n');
    for (const line of lines) assert.ok(line.startsWith(`${join(dir, 'nf.json')}: `), `every line names the file: ${line}`);
    return lines.map((line) => line.slice(join(dir, 'nf.json').length + 2));
  }
  assert.fail('the manifest was accepted');
}

const edited = (edit: (m: Json) => void): Json => {
  const manifest = bridge();
  edit(manifest);
  return manifest;
};

const VALUE_RULE = 'must be a whole number from 0 (as a decimal string above 2^53, where JSON numbers lose digits)';
const CAPACITY_OF_BRIDGE = 'must be 1..16777216 as the capacity of state "dyn_emap", "dyn_vals", "stat_emap", "stat_vals" (libVig\'s structures hold at most 16777216 entries)';

test('each malformed manifest gives one clear line per problem, naming the field', () => {
  const cases: [string, Json, string[]][] = [
    ['state is an object', edited((m) => (m.state = {})), [
      'state: must be a list of state objects, {"name", "kind", "capacity", "record"?, "values"?, "key_invariant"?}, in the order nf_init allocates them, not an object',
    ]],
    ['a record that is not a list', edited((m) => (m.records.DynamicValue = { name: 'output_port', type: 'u16' })), [
      'record "DynamicValue": must be a list of one field or more, each {"name": N, "type": "u8" | "u16" | "u32" | "u64" | "i32" | "bytes:N", "below"?: B}, not an object',
    ]],
    ['a record without fields', edited((m) => (m.records.StaticValue = [])), [
      'record "StaticValue": must be a list of one field or more, each {"name": N, "type": "u8" | "u16" | "u32" | "u64" | "i32" | "bytes:N", "below"?: B}, not a list',
    ]],
    ['a field named twice in one record', edited((m) => m.records.DynamicValue.push({ ...m.records.DynamicValue[0] })), [
      'record "DynamicValue", field "output_port", name: must differ from the names of record "DynamicValue"\'s other fields, not "output_port"',
    ]],
    // A spec imports state objects and reads config values and fields by these names.
    ['names a spec cannot write', edited((m) => {
      m.state[0].name = 'class';
      m.records.DynamicValue[0].name = 'from';
      m.config.None = { type: 'u8', value: 1 };
    }), [
      'config: must be an identifier (letters, digits, _) and no Python keyword: NFs import it and specs use it as a Python name, not "None"',
      'record "DynamicValue", field "from", name: must be an identifier (letters, digits, _) and no Python keyword: NFs import it and specs use it as a Python name, not "from"',
      'state "class", name: must be an identifier (letters, digits, _) and no Python keyword: NFs import it and specs use it as a Python name, not "class"',
    ]],
    ['a config value named devices', edited((m) => (m.config.devices = { type: 'u16', value: 3 })), [
      'config: must not be devices, the name a "below" gives the number of devices, not "devices"',
    ]],
    // Device numbers are 32-bit in the NF's interface, and the stack's device region holds 14.
    ['2^32 + 2 devices', edited((m) => (m.devices = 2 ** 32 + 2)), [
      'devices: must be the number of devices, a whole number from 1 to 14 (the stack\'s device region, nf-abi/device.ts, holds 14), not 4294967298',
    ]],
    ['a config value "lots"', edited((m) => (m.config.capacity.value = 'lots')), [`config "capacity", value: ${VALUE_RULE}, not "lots"`]],
    ['a config value 1.5', edited((m) => (m.config.capacity.value = 1.5)), [`config "capacity", value: ${VALUE_RULE}, not 1.5`]],
    ['a u64 config of -1', edited((m) => (m.config.expiration_time.value = -1)), [`config "expiration_time", value: ${VALUE_RULE}, not -1`]],
    ['a u64 beyond JSON numbers\' precision', edited((m) => (m.config.expiration_time.value = 2 ** 64)), [
      'config "expiration_time", value: must be written as a decimal string above 2^53 (JSON numbers lose digits there), not 18446744073709552000',
    ]],
    ['capacity 2^40 in a u32', edited((m) => (m.config.capacity.value = 2 ** 40)), [
      'config "capacity", value: must be a u32, 0..4294967295, not 1099511627776',
      `config "capacity", value: ${CAPACITY_OF_BRIDGE}, not 1099511627776`,
    ]],
    ['capacity 2^32-1', edited((m) => (m.config.capacity.value = 2 ** 32 - 1)), [`config "capacity", value: ${CAPACITY_OF_BRIDGE}, not 4294967295`]],
    ['capacity 2^24+1 written in the state', edited((m) => (m.state[0].capacity = 2 ** 24 + 1)), [
      'state "dyn_emap", capacity: must be 1..16777216 (libVig\'s structures hold at most 2^24 entries), or the name of a config value holding such a number, not 16777217',
    ]],
    ['a static rule on device 7 of 2', edited((m) => (m.tables.static_rules.rows[1].device = 7)), [
      'table "static_rules", row 1, column "device": 7 is not below 2 (its "below" is "devices")',
    ]],
    ['a source outside the NF folder', edited((m) => (m.source = '../../../../etc/x.ts')), [
      'source: must name the NF\'s entry source, a .ts (AssemblyScript) or .c file inside the NF folder, as a path relative to it (no leading /, no ..), not "../../../../etc/x.ts"',
    ]],
    ['an absolute source', edited((m) => (m.source = '/etc/x.c')), [
      'source: must name the NF\'s entry source, a .ts (AssemblyScript) or .c file inside the NF folder, as a path relative to it (no leading /, no ..), not "/etc/x.c"',
    ]],
    ['a misspelt field, a missing one and a bad kind at once', edited((m) => {
      m.state[0].kapacity = m.state[0].capacity;
      delete m.state[0].capacity;
      m.state[1].kind = 'hashmap';
    }), [
      'state "dyn_emap", capacity: missing; it must be 1..16777216 (libVig\'s structures hold at most 2^24 entries), or the name of a config value holding such a number',
      'state "dyn_emap": "kapacity" is not one of its fields (name, kind, record, capacity, values, key_invariant)',
      'state "dyn_vals", kind: must be one of emap, vector, cht, lpm, not "hashmap"',
    ]],
    ['references to nothing', edited((m) => {
      m.state[0].record = 'mac';
      m.state[1].capacity = 'size';
      m.state[3].values = 'dyn_vals';
      m.records.DynamicValue[0].below = 'ports';
      m.tables.static_rules.below = { port: 'devices' };
    }), [
      'table "static_rules", below: "port" is not a column (columns: addr, device, output)',
      'record "DynamicValue", field "output_port", below: must be a number from 1, a config value or "devices" (config values: capacity, expiration_time, learn_group_sources), not "ports"',
      'state "dyn_emap", record: must name a record type of "records" (ether_addr, DynamicValue, StaticKey, StaticValue), not "mac"',
      'state "dyn_vals", capacity: must be 1..16777216 (libVig\'s structures hold at most 2^24 entries), or the name of a config value holding such a number (config values: capacity, expiration_time, learn_group_sources), not "size"',
      'state "stat_vals", values: must name a vector state object, and only an emap has values, not "dyn_vals"',
    ]],
    ['frame bounds the wrong way round', edited((m) => (m.frame = { min: 100, max: 64 })), ['frame.min: must be at most frame.max (64), not 100']],
  ];
  for (const [what, manifest, expected] of cases) {
    const found = problems(manifest);
    assert.deepEqual(found, expected, what);
    for (const line of found) assert.doesNotMatch(line, /must NOT|must be integer|instancePath|additionalProperties|propertyNames|\bat \S+:\d+/, `${what}: no validator jargon, no stack`);
  }
});

test('every rule of the schema has words: a description on each subschema that can fail', () => {
  const schema = JSON.parse(readFileSync(join(root, 'nf-abi/nf.schema.json'), 'utf8'));
  const FAILING = ['type', 'enum', 'const', 'pattern', 'minimum', 'maximum', 'minLength', 'minProperties', 'required', 'not'];
  const undescribed: string[] = [];
  // A `not` is described by the subschema holding it; `properties` and `definitions` map names to subschemas.
  const visit = (node: Json, path: string, described = false): void => {
    if (Object.keys(node).some((key) => FAILING.includes(key)) && node.description === undefined && !described) undescribed.push(path);
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' || key === 'definitions') for (const [name, child] of Object.entries(value as Json)) visit(child, `${path}/${key}/${name}`);
      else if (Array.isArray(value)) value.forEach((child, at) => typeof child === 'object' && visit(child, `${path}/${key}/${at}`));
      else if (typeof value === 'object' && value !== null) visit(value, `${path}/${key}`, key === 'not' && node.description !== undefined);
    }
  };
  visit(schema, '#');
  assert.deepEqual(undescribed, []);
});

test('the manifests of nfs/ and tests/programs/nfs/ load unchanged', () => {
  const folders = ['nfs', 'tests/programs/nfs'].flatMap((parent) =>
    readdirSync(join(root, parent)).map((name) => join(root, parent, name)).filter((dir) => existsSync(join(dir, 'nf.json'))));
  assert.ok(folders.length >= 7, folders.join(', '));
  for (const dir of folders) {
    const raw = JSON.parse(readFileSync(join(dir, 'nf.json'), 'utf8'));
    assert.deepEqual(loadManifest(dir), { description: '', config: {}, tables: {}, records: {}, state: [], ...raw }, dir);
  }
  // The largest capacity libVig holds is accepted.
  assert.equal(loadManifest(nfFolder(edited((m) => (m.config.capacity.value = 2 ** 24)))).config.capacity!.value, 2 ** 24);
});

/** `vigor COMMAND DIR` in-process: its exit code and what it wrote to stderr. */
async function vigor(t: TestContext, ...argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const collect = (...parts: unknown[]) => void (stderr += `${parts.join(' ')}\n`);
  const error = t.mock.method(console, 'error', collect);
  try {
    return { code: await main(argv), stderr };
  } finally {
    error.mock.restore();
  }
}

test('vigor traces and vigor verify give the same answer on the capacity edge cases, exit 2', async (t) => {
  for (const value of [2 ** 24 + 1, 2 ** 32 - 1, 2 ** 40]) {
    const dir = nfFolder(edited((m) => (m.config.capacity.value = value)));
    const traces = await vigor(t, 'traces', dir);
    const verify = await vigor(t, 'verify', dir);
    assert.equal(traces.code, 2, traces.stderr);
    assert.deepEqual(verify, traces, `capacity ${value}`);
    assert.match(traces.stderr, new RegExp(`nf\\.json: config "capacity", value: must be 1\\.\\.16777216 as the capacity of state .*, not ${value}`));
  }
});

test('a missing source is an error, exit 2, in traces as in verify', async (t) => {
  const dir = nfFolder({ name: 'unwritten', source: 'unwritten.ts', devices: 2, frame: { min: 0, max: 64 } });
  const traces = await vigor(t, 'traces', dir);
  const verify = await vigor(t, 'verify', dir);
  assert.equal(traces.code, 2);
  assert.match(traces.stderr, /^error: cannot compile .*unwritten\.ts:\nno such file: .*unwritten\.ts$/m);
  assert.deepEqual(verify, traces);
});

test('an nf.json that is not JSON is named with the line and column, in traces as in verify, exit 2', async (t) => {
  const cases: [string, RegExp][] = [
    ['{\n  "name": "bad",\n  "devices": ,\n}\n', /nf\.json: not valid JSON, line 3, column 14: value expected$/m],
    ['{"name": "bad", ', /nf\.json: not valid JSON, line 1, column 17: property name expected$/m],
    ['{"name": "bad"} 2', /nf\.json: not valid JSON, line 1, column 17: end of file expected$/m],
  ];
  for (const [text, says] of cases) {
    const dir = mkdtempSync(join(work, 'nf-'));
    writeFileSync(join(dir, 'nf.json'), text);
    // Without a spec: the manifest is what verify reports first, as traces does.
    const traces = await vigor(t, 'traces', dir);
    const verify = await vigor(t, 'verify', dir);
    assert.equal(traces.code, 2, traces.stderr);
    assert.match(traces.stderr, says);
    assert.deepEqual(verify, traces);
  }
});

test('a key given twice in one object is refused where it is, not the last one silently kept', () => {
  const dir = nfFolder(bridge());
  const text = readFileSync(join(dir, 'nf.json'), 'utf8');
  writeFileSync(join(dir, 'nf.json'), text.replace(/"devices":\s*(\d+)/, '"devices": $1,\n  "devices": 3'));
  assert.throws(() => loadManifest(dir), /nf\.json: line \d+, column 3: "devices" is given twice in this object \(first at line \d+, column \d+\): keep one$/);
  // The same name in two objects is no repetition.
  writeFileSync(join(dir, 'nf.json'), text);
  assert.equal(loadManifest(dir).name, 'bridge');
});

test('an nf.json that starts with a byte-order mark loads', () => {
  const dir = nfFolder(bridge());
  writeFileSync(join(dir, 'nf.json'), `\uFEFF${readFileSync(join(dir, 'nf.json'), 'utf8')}`);
  assert.equal(loadManifest(dir).name, 'bridge');
});

test('vigor verify of a folder that is no NF says it has no nf.json, not that it has no spec', async (t) => {
  const verify = await vigor(t, 'verify', mkdtempSync(join(work, 'empty-')));
  assert.equal(verify.code, 2);
  assert.match(verify.stderr, /nf\.json: not found: an NF folder needs an nf\.json manifest$/m);
});
