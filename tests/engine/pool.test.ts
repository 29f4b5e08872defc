// Many properties on the worker pool, and `vigor verify`'s verdicts and exit codes: a property whose check crashes
// or whose worker dies gets an ERROR verdict while the others keep theirs; an NF with violations has no property
// that reads "holds"; exit 0 (all hold, no violation), 1 (something fails), 2 (an invalid spec or an ERROR).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifyInParallel } from '../../engine/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const NOP = join(root, 'nfs/nop');
const OVERRUN = join(root, 'tests/programs/nfs/overrun');
const vigor = (...args: string[]) => spawnSync(process.execPath, ['bin/vigor.js', ...args], { cwd: root, encoding: 'utf8' });

const specs = mkdtempSync(join(tmpdir(), 'vigor-pool-'));
/** A spec file in a scratch folder; its name is the property's. */
function spec(name: string, text: string): string {
  const file = join(specs, `${name}.py`);
  writeFileSync(file, text);
  return file;
}
const forwards = spec('forwards', 'if packet_size < 14:\n    return ([], [])\nreturn ([1 - received_on_port], [])\n');
const alwaysFalse = spec('always_false', 'assert False\n');
const dropsShort = spec('drops_short', 'if packet_size < 14:\n    return ([], [])\n');

describe('the pool keeps every property its own verdict', () => {
  test('a check that crashes and a worker that dies are ERROR verdicts; the other properties are checked by replacement workers', async () => {
    const files = [spec('checker_crash', 'pass\n'), spec('worker_dies', 'pass\n'), forwards, alwaysFalse];
    const faults = new URL('./pool-faults-worker.ts', import.meta.url);
    const verification = await verifyInParallel(NOP, files, () => {}, { worker: faults });
    const verdicts = verification.results.map((r) => `${r.name} ${r.verdict}`);
    assert.deepEqual(verdicts, ['checker_crash error', 'worker_dies error', 'forwards holds', 'always_false fails']);
    const [crash, died] = verification.results;
    assert.match(crash!.report, /^checker_crash: ERROR: memory access out of bounds \(injected\)\n.*the other properties' verdicts stand/);
    assert.match(died!.report, /^worker_dies: ERROR: the worker checking worker_dies stopped \(fatal error of the interpreter \(injected\)\)/);
    assert.match(verification.results[3]!.report, /counterexample: device \d/);
  });
});

describe('vigor verify: the table, its summary and the exit code agree', () => {
  test('every property holds and the NF has no violation: exit 0', () => {
    const run = vigor('verify', NOP, '--spec', forwards);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^nop: 1 of 1 properties hold \(1 trace\)$/m);
    assert.match(run.stdout, /^forwards\s+holds\s+1/m);
  });

  test('an NF with a violation: no property reads "holds", the summary says why, exit 1', () => {
    const run = vigor('verify', OVERRUN, '--spec', dropsShort);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^overrun: the NF has 1 violation: no property holds until they are fixed \(1 of 1 hold on paths without violations; 2 traces\)$/m);
    assert.match(run.stdout, /^drops_short\s+holds on paths without violations\s+2/m);
    assert.doesNotMatch(run.stdout, /properties hold|\bholds\s+\d/);
    assert.match(run.stdout, /VIOLATION \(packet-overrun\) at .*overrun\.ts:5/);
  });

  test('an invalid spec is an error: exit 2, and the other properties keep their verdicts', () => {
    const run = vigor('verify', NOP, '--spec', forwards, '--spec', spec('broken', 'return ([1 - received_on_port], [)\n'), '--spec', alwaysFalse);
    assert.equal(run.status, 2, run.stdout + run.stderr);
    assert.match(run.stdout, /^nop: 1 of 3 properties hold \(1 failing, 1 invalid, 1 trace\)$/m);
    for (const row of [/^forwards\s+holds/m, /^broken\s+INVALID/m, /^always_false\s+FAILS/m]) assert.match(run.stdout, row);
  });
});
