// Pyodide's start-up from a memory image: taken by the first start, restored by the next (with what the preload did);
// a damaged, truncated or foreign image rebuilt; processes starting at once; nothing of the host in an image.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadPreloadedPyodide } from '../../engine/spec/pyodide-snapshot.ts';

const CACHE = fileURLToPath(new URL('../../.cache/pyodide/', import.meta.url));
const LOADER = fileURLToPath(new URL('../../engine/spec/pyodide-snapshot.ts', import.meta.url));
/** Names of this test's own, so that the kernels and spec interpreters started meanwhile keep their images. */
const name = (use: string) => `image-test-${process.pid}-${use}`;
const filesOf = (use: string) => readdirSync(CACHE).filter((file) => file.startsWith(`${name(use)}-`));
after(() => {
  for (const file of readdirSync(CACHE)) if (file.startsWith(`image-test-${process.pid}-`)) rmSync(join(CACHE, file), { force: true });
});

/** A value drawn when the preload runs: equal only in an interpreter restored from the image that preload made. */
const PRELOAD = 'import random\nmarker = repr(random.random())';
const marker = async (use: string, preload = PRELOAD) => (await loadPreloadedPyodide(name(use), preload)).runPython('marker') as string;

test('the first start stores an image; the next restores it, preload included, without writing it again', async () => {
  const booted = await marker('restore');
  const [file] = filesOf('restore');
  assert.ok(file !== undefined && filesOf('restore').length === 1, 'one image stored');
  const written = statSync(join(CACHE, file)).mtimeMs;
  const python = await loadPreloadedPyodide(name('restore'), PRELOAD);
  assert.equal(python.runPython('marker'), booted, 'restored, not booted again');
  assert.equal(python.runPython('import statistics; statistics.mean([1, 2, 6])'), 3, 'modules not in the image still import');
  assert.equal(statSync(join(CACHE, file)).mtimeMs, written);
  await marker('restore', `${PRELOAD}\nother = 1`);
  assert.equal(filesOf('restore').length, 1, 'a new preload replaces the older image of the same name');
});

test('a damaged, truncated or foreign image is rebuilt, never restored', async () => {
  const foreignPreload = `${PRELOAD}\nforeign = 1`;
  await marker('foreign', foreignPreload);
  const foreign = join(CACHE, filesOf('foreign')[0]!);
  const damages: [string, (file: string) => void][] = [
    ['a byte changed in the middle', (file) => {
      const bytes = readFileSync(file);
      bytes[bytes.length >> 1]! ^= 1;
      writeFileSync(file, bytes);
    }],
    ['cut to half', (file) => truncateSync(file, statSync(file).size >> 1)],
    ['cut by 3 bytes', (file) => truncateSync(file, statSync(file).size - 3)],
    ['not an image', (file) => writeFileSync(file, 'not an image')],
    ["another preload's image (another prelude or Pyodide version)", (file) => copyFileSync(foreign, file)],
  ];
  let last = await marker('damaged');
  const file = join(CACHE, filesOf('damaged')[0]!);
  for (const [what, damage] of damages) {
    damage(file);
    const rebuilt = await marker('damaged');
    assert.notEqual(rebuilt, last, `${what}: booted again, not restored`);
    assert.equal(await marker('damaged'), rebuilt, `${what}: the rebuilt image restores`);
    last = rebuilt;
  }
});

test('processes starting at once all start, and leave one whole image and no staging file', async () => {
  const script = `import(${JSON.stringify(LOADER)}).then(async ({ loadPreloadedPyodide }) => process.stdout.write((await loadPreloadedPyodide(${JSON.stringify(name('race'))}, ${JSON.stringify(PRELOAD)})).runPython('marker')))`;
  const start = () =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--eval', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`a start failed with ${code}`))));
    });
  const markers = await Promise.all([start(), start(), start()]);
  assert.ok(markers.every((m) => m.length > 0));
  assert.deepEqual(filesOf('race').filter((file) => !file.endsWith('.snapshot')), [], 'no staging file left');
  assert.ok(markers.includes(await marker('race')), 'the image left is one of theirs, whole');
});

test("an image holds nothing of the host: booted or restored, `js` is the empty object it was started with", async () => {
  const reachable = "import js\n[n for n in ('process', 'require', 'constructor', 'globalThis', 'eval') if hasattr(js, n)]";
  for (const start of ['booted', 'restored']) {
    const python = await loadPreloadedPyodide(name('host'), '', { jsglobals: Object.create(null) as object });
    assert.deepEqual((python.runPython(reachable) as { toJs(): unknown }).toJs(), [], start);
  }
  assert.equal(filesOf('host').length, 1);
});

test("a staging file a killed writer left behind is removed by the next store; another writer's recent one is not", async () => {
  mkdirSync(CACHE, { recursive: true });
  const staging = (age: string) => join(CACHE, `${name('abandoned')}-0.snapshot.${age}.tmp`);
  writeFileSync(staging('old'), 'half an image');
  writeFileSync(staging('recent'), 'half an image');
  const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
  utimesSync(staging('old'), hourAgo, hourAgo);
  await marker('abandoned');
  assert.ok(!existsSync(staging('old')), 'the abandoned staging file is gone');
  assert.ok(existsSync(staging('recent')), 'a staging file being written now stays');
});
