// `npx vigor traces`: what a user sees, and its exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const vigor = (...args: string[]) => spawnSync('npx', ['--no-install', 'vigor', ...args], { cwd: root, encoding: 'utf8' });

describe('vigor traces', () => {
  test('nop: one trace, no violation, exit 0', () => {
    const run = vigor('traces', 'nfs/nop');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^nop: 1 trace, 0 violations$/m);
    assert.match(run.stdout, /trace 1: output \(DROP if \(length < 14\) else \(1 - device\)\)/);
    assert.match(run.stdout, /\d+ instructions, \d+ quer(y|ies)/);
  });

  test('a folder of NFs: each NF explored, NFs without source named as skipped', () => {
    const run = vigor('traces', 'nfs');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^nop: 1 trace, 0 violations$/m);
  });

  test('a faulty NF: the violation, its source line and a counterexample, exit 1', () => {
    const run = vigor('traces', 'tests/programs/nfs/overrun');
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /VIOLATION \(packet-overrun\) at .*overrun\.ts:5: read of byte 13 of the frame, which can be shorter/);
    const example = /counterexample: device (\d), time [^,]+, frame of (\d+) bytes/.exec(run.stdout);
    assert.ok(example, run.stdout);
    assert.ok(Number(example[2]) < 14, 'the counterexample frame is too short to hold an EtherType');
  });

  test('errors a user can meet: missing manifest, compile error, bad option', () => {
    const missing = vigor('traces', 'nfs/no-such-nf');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no-such-nf\/nf\.json: not found/);

    const dir = mkdtempSync(join(tmpdir(), 'vigor-cli-'));
    writeFileSync(join(dir, 'nf.json'), JSON.stringify({ name: 'broken', source: 'broken.ts', devices: 2, frame: { min: 0, max: 64 } }));
    writeFileSync(join(dir, 'broken.ts'), 'export function nf_init(): void {}\nexport function nf_process(d: i32): i32 { return d +; }\n');
    const broken = vigor('traces', dir);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /cannot compile .*broken\.ts/);
    assert.match(broken.stderr, /broken\.ts\(2,\d+\)/, 'the compiler diagnostic names line and column');

    writeFileSync(join(dir, 'nf.json'), JSON.stringify({ name: 'huge', source: 'broken.ts', devices: 2, frame: { min: 0, max: 65000 } }));
    const huge = vigor('traces', dir);
    assert.equal(huge.status, 2);
    assert.match(huge.stderr, /nf\.json: "frame\.max" is 65000, but the packet area holds 32768 bytes/);

    const option = vigor('traces', 'nfs/nop', '--loop-bound', 'many');
    assert.equal(option.status, 2);
    assert.match(option.stderr, /--loop-bound takes a whole number/);
  });
});
