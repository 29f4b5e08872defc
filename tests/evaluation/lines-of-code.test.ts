// Table 2's layers: each NF's verified source, both libVig run-times (the WebAssembly one the NFs run on, the
// JavaScript one replays use), the stack that runs under every NF (not the C twins' copy in stack/c/), the engine;
// lines counted without blank and comment-only lines.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { linesOfCode } from '../../evaluation/index.ts';

const NOP = fileURLToPath(new URL('../../nfs/nop', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'vigor-loc-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('the layers are the verified code: both libVig run-times, the stack without its C copy, the engine', () => {
  const layers = linesOfCode([NOP]);
  assert.deepEqual(layers.map((l) => [l.layer, l.counted]), [
    ['NF nop', ['nfs/nop/nop.ts']],
    ['libVig run-time, WebAssembly (what the NFs run on)', ['libvig/wasm/as', 'libvig/wasm/failures.ts']],
    ['libVig run-time, JavaScript (counterexample replays)', ['libvig/runtime']],
    ['stack (I/O loop and driver)', ['stack/io-loop.ts', 'stack/driver.ts']],
    ['engine (verifier)', ['engine']],
  ]);
  for (const layer of layers) assert.ok((layer.lines ?? 0) > 0 && layer.files > 0, layer.layer);
});

test('blank and comment-only lines do not count; a layer whose folder is missing has no figure', () => {
  for (const folder of ['libvig/wasm/as', 'libvig/runtime', 'stack', 'engine', 'nf']) mkdirSync(join(work, folder), { recursive: true });
  writeFileSync(join(work, 'nf', 'nf.json'), JSON.stringify({ name: 'nf', source: 'nf.ts', devices: 2, frame: { min: 0, max: 64 } }));
  writeFileSync(join(work, 'nf', 'nf.ts'), '// what it is\n\nexport function f(): i32 {\n  /* a comment */\n  return 1; // not only a comment\n}\n');
  writeFileSync(join(work, 'stack', 'io-loop.ts'), 'const a = 1;\n');
  const layers = linesOfCode([join(work, 'nf')], work);
  assert.deepEqual(layers.map((l) => [l.layer.split(' ')[0] + (l.layer.includes('JavaScript') ? ' js' : ''), l.lines, l.files]), [
    ['NF', 3, 1], ['libVig', 0, 0], ['libVig js', 0, 0], ['stack', 1, 1], ['engine', 0, 0],
  ]);
  rmSync(join(work, 'engine'), { recursive: true });
  assert.equal(linesOfCode([], work).at(-1)!.lines, null);
});
