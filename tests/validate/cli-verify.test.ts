// `npx vigor verify`: the table, failures with counterexamples and replays, exit codes, user errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const vigor = (...args: string[]) => spawnSync(process.execPath, ['bin/vigor.js', ...args], { cwd: root, encoding: 'utf8' });

describe('vigor verify', () => {
  test('every property of the learner holds: a table, exit 0', () => {
    const run = vigor('verify', 'tests/programs/nfs/learner');
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^learner: 3 of 3 properties hold \(7 traces\)$/m);
    assert.equal(run.stderr, '', 'no progress when stderr is not a terminal');
    assert.match(run.stdout, /^learned_fn\s+holds/m);
    assert.match(run.stdout, /^spec\s+holds\s+7\s+\d+\s+\d+\s+[\d.]+\s+16$/m);
    assert.match(run.stdout, /^short_frames_dropped\s+holds/m);
  });

  test('a failing spec: its counterexample, what the NF did, and the replay on the run-time NF; exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigor-verify-'));
    const spec = join(dir, 'wrong.py');
    writeFileSync(spec, 'h = pop_header(ether, on_mismatch=([], []))\nreturn ([received_on_port], [ether(h)])\n');
    const run = vigor('verify', 'tests/programs/nfs/learner', '--spec', spec);
    assert.equal(run.status, 1);
    assert.match(run.stdout, /wrong: FAILS on learner/);
    assert.match(run.stdout, /counterexample: device \d, time t0 = \d+ ns, frame of \d+ bytes/);
    assert.match(run.stdout, /the spec requires devices \d/);
    assert.match(run.stdout, /spec: .*wrong\.py:2/);
    assert.match(run.stdout, /replay on the run-time NF \(V8, run-time libVig\): reproduced/);
  });

  test('user errors: an unknown property names the existing ones; exit 2', () => {
    const run = vigor('verify', 'tests/programs/nfs/learner', '--property', 'nope');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /no property nope: .*properties has no nope\.py \(properties: learned_fn, short_frames_dropped; --spec FILE checks any other file\)/);
  });
});
