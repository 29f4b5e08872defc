// A machine without gcc still benchmarks: the native baseline is reported missing, with what to install, and
// the other implementations run. (The harness is cached by content, so the test gives its NF a config value no
// other build has: gcc would be needed.)
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { implementationsOf } from '../../runtime/implementations.ts';

const NOP = fileURLToPath(new URL('../../nfs/nop', import.meta.url));
// Two folders below the repository's root, as nfs/nop is: its sources include nf-abi/ by relative path.
const cache = fileURLToPath(new URL('../../.cache', import.meta.url));
mkdirSync(cache, { recursive: true });
const work = mkdtempSync(join(cache, 'no-gcc-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('without gcc on the PATH the native baseline is missing, and says how to get it', async () => {
  for (const file of ['nop.ts', 'nop.c']) copyFileSync(join(NOP, file), join(work, file));
  const manifest = JSON.parse(readFileSync(join(NOP, 'nf.json'), 'utf8'));
  manifest.config = { uncached: { type: 'u32', value: process.pid * 1000 + Math.floor(Math.random() * 1000) } };
  writeFileSync(join(work, 'nf.json'), JSON.stringify(manifest));

  const path = process.env.PATH;
  process.env.PATH = join(work, 'no-such-dir');
  try {
    const { implementations, missing } = await implementationsOf(work);
    assert.deepEqual(implementations.map((implementation) => implementation.id), ['wasm', 'typescript']);
    assert.equal(missing.length, 1);
    assert.match(missing[0]!, /^c: gcc could not run .*apt-get install -y gcc/);
  } finally {
    process.env.PATH = path;
  }
});
