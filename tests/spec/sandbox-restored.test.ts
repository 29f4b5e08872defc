// The spec interpreter restored from its memory image is locked down like a booted one: it refuses the routes to the
// host, and after a spec crashes it, the interpreter restored in its place refuses them too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { specPython, type SpecHost } from '../../engine/spec/python.ts';
import { statementSpecBody } from '../../engine/spec/rewrite.ts';

Object.assign(process.env, { VIGOR_SPEC_SECONDS: '1', VIGOR_SPEC_MIB: '64' });
const CACHE = fileURLToPath(new URL('../../.cache/pyodide/', import.meta.url));
const PYTHON = fileURLToPath(new URL('../../engine/spec/python.ts', import.meta.url));

/** Routes out of a spec that each end in a different layer of the sandbox (README.md, "The sandbox"). */
const ESCAPES: [code: string, refusal: RegExp][] = [
  ["x = __import__('js').process.getBuiltinModule('child_process').execSync('id')", /cannot use the name '__import__'/],
  ['import js', /imports only from state .* not 'js'/],
  ["from sys import modules\nx = modules['js']", /imports only from state .* not 'sys'/],
  ['x = ().__class__.__base__.__subclasses__()', /cannot use the attribute '__class__'/],
  ["x = open('/etc/passwd').read()", /NameError: name 'open' is not defined/],
  ['import vigor_bridge', /imports only from state .* not 'vigor_bridge'/],
];
const INPUTS = { now: [0, 64], received: true, received_on_port: [1, 32], packet_size: [2, 32], the_index_allocated: [3, 32], headers: [], all_headers: [], records: {}, state: {}, config: {} };
const HOST: SpecHost = { decide: () => true, state: () => 'null', transmitted: () => 'null', sentDevices: () => '[]', hash: () => '[0, 32]' };
const outcomeOf = async (code: string) =>
  (JSON.parse((await specPython()).property('statement', statementSpecBody(code)).run(HOST, INPUTS)) as { outcome: { kind: string; message?: string } }).outcome;

const image = () => {
  const file = readdirSync(CACHE).find((name) => name.startsWith('spec-') && name.endsWith('.snapshot'));
  assert.ok(file, 'the spec interpreter stored its image');
  const { ino, mtimeMs } = statSync(join(CACHE, file));
  return { file, ino, mtimeMs };
};

let stored: ReturnType<typeof image>;
before(() => {
  // Another process starts the spec interpreter first, so this one's is restored from the image that start left.
  const first = spawnSync(process.execPath, ['--import', 'tsx', '--eval', `import(${JSON.stringify(PYTHON)}).then((m) => m.specPython())`], { encoding: 'utf8' });
  assert.equal(first.status, 0, first.stderr);
  stored = image();
});

const assertRefused = async () => {
  for (const [code, refusal] of ESCAPES) {
    const outcome = await outcomeOf(code);
    assert.equal(outcome.kind, 'error', `${code}: ${JSON.stringify(outcome)}`);
    assert.match(outcome.message ?? '', refusal, code);
  }
  assert.equal((await outcomeOf('return ([1 - received_on_port], [])')).kind, 'return', 'a good spec still runs');
};

test('an interpreter restored from the image refuses the routes to the host', async () => {
  await assertRefused();
  assert.deepEqual(image(), stored, 'restored from the stored image, not booted and stored again');
});

test('after a spec crashes the restored interpreter, the one restored in its place refuses them too', async () => {
  const crash = await outcomeOf('x = None\nfor i in range(300000):\n    x = [x]\nreturn ([], [])');
  assert.match(crash.message ?? '', /crashed the Python interpreter/);
  await assertRefused();
  assert.deepEqual(image(), stored);
});
