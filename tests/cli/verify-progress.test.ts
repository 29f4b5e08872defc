// `vigor verify` as a user at a terminal sees it on an NF never explored before: what is happening on stderr
// (building, exploring with the paths so far, properties checked of how many), cleared before the table; and an
// invalid spec beside a valid one: reported first, listed as INVALID, the other checked; exit 2.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { traceCacheFile } from '../../engine/session/trace-cache.ts';
import { buildNf } from '../../toolchain/build.ts';
import { vigor } from './in-process.ts';

// A folder of its own: its build and traces are not cached yet (the cache is keyed by the source's path too).
const nf = mkdtempSync(join(tmpdir(), 'vigor-progress-'));
const outputs = relative(nf, fileURLToPath(new URL('../../nf-abi/outputs', import.meta.url)));
writeFileSync(join(nf, 'nf.json'), JSON.stringify({ name: 'fresh', source: 'fresh.ts', devices: 2, frame: { min: 0, max: 1514 } }));
writeFileSync(join(nf, 'fresh.ts'), `import { DROP } from "${outputs}";\n\nexport function nf_init(): void {}\n\n` +
  'export function nf_process(device: i32, packet: usize, length: i32, now: u64): i32 {\n  return length < 14 ? DROP : 1 - device;\n}\n');
writeFileSync(join(nf, 'spec.py'), 'if packet_size < 14:\n    return ([], [])\nreturn ([1 - received_on_port], [])\n');
after(async () => {
  // What this test added to the caches goes with it.
  const build = await buildNf(nf);
  rmSync(traceCacheFile(build, 'nf'), { force: true });
  rmSync(dirname(build.wasmPath), { recursive: true, force: true });
  rmSync(nf, { recursive: true, force: true });
});

test('at a terminal, a first verification says what it is doing, then clears the line; exit 0', async () => {
  const run = await vigor(['verify', nf], { terminal: true });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const steps = run.stderr.split('\r\x1b[2K').filter((step) => step !== '');
  assert.match(steps[0]!, /^building fresh …$/);
  assert.ok(steps.some((step) => /^exploring fresh: \d+ paths explored, \d+ paths pending …$/.test(step)), steps.join('\n'));
  assert.equal(steps.at(-1), 'checking fresh: 1 of 1 properties done …');
  assert.ok(run.stderr.endsWith('\r\x1b[2K'), 'the status line is cleared before the results');
  assert.match(run.stdout, /^fresh: 1 of 1 properties hold \(1 trace\)$/m);
});

test('an invalid spec beside a valid one: reported before the work, listed as INVALID, the other checked; exit 2', async () => {
  const bad = join(nf, 'bad.py');
  writeFileSync(bad, 'return ([received_on_port], [ether(h)]\n');
  const run = await vigor(['verify', nf, '--spec', bad, '--spec', join(nf, 'spec.py')]);
  assert.equal(run.code, 2);
  assert.equal(run.stderr, `error: invalid spec bad:\n  ${bad}:1:8: '(' is never closed: add ')' where it ends\n` +
    'the 1 invalid spec(s) are listed as INVALID; checking the other 1\n', 'no progress when stderr is not a terminal');
  assert.match(run.stdout, /^fresh: 1 of 2 properties hold \(1 invalid, 1 trace\)$/m);
  assert.match(run.stdout, /^bad\s+INVALID\s*$/m);
  assert.match(run.stdout, /^spec\s+holds/m);
});
