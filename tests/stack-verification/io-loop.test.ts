// `--layers nf,io`: the I/O loop between nf_process's contract and the driver's holds for the NFs, each seeded loop
// bug (Table 4's, evaluation/seeded-bugs.json: a temporary variant of stack/io-loop.ts) is rejected with a counterexample in the loop's terms (device,
// length, stamp, time, what nf_process returned, what was sent) whose replay on the build breaks the same rule (under
// `--layers full` too), an equivalent loop holds, and users reach it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exploreIoLoop } from '../../engine/stack/explore-stack.ts';
import { replayedLayers, replayStackViolation, verifyStackVariant } from '../../engine/session/stack-replay.ts';
import { seededBugs } from '../../evaluation/seeded-bugs.ts';
import type { Violation } from '../../engine/symbex/violations.ts';
import { plotFigure, type VerificationRecord } from '../../kernel/verification/plot.ts';
import { buildNf, buildStackedNf, type StackVariant } from '../../toolchain/build.ts';
import { vigor } from '../cli/in-process.ts';

const nfDir = (name: string) => fileURLToPath(new URL(`../../nfs/${name}`, import.meta.url));

async function ioLoop(nf: string, stackVariant?: StackVariant) {
  const build = await buildNf(nfDir(nf));
  return exploreIoLoop(build, stackVariant ? { stacked: await buildStackedNf(nfDir(nf), { stackVariant, keepDriverCalls: true }) } : {});
}

const shown = (violations: readonly Violation[]) => violations.map((v) => `${v.kind} at ${v.location}: ${v.message}`).join('\n');


describe('the I/O loop as it is holds over the driver\'s contract', () => {
  for (const nf of ['nop', 'bridge', 'nat', 'fw', 'pol', 'router', 'lb']) {
    test(`${nf}: every poll hands nf_process what the NF layer assumes and carries out every result`, async () => {
      const run = await ioLoop(nf);
      assert.equal(run.violations.length, 0, shown(run.violations));
      assert.ok(run.traces.length > 1, 'polls that deliver frames and polls that deliver none');
    });
  }
});

/** The seeded I/O-loop bugs are Table 4's (evaluation/seeded-bugs.json, `layers` nf,io); here, what each counterexample must say. */
const SAYS: Record<string, RegExp> = {
  'loop-flood-back': /the I\/O loop sent TX descriptor \d+ of device (\d), the frame of RX descriptor \d+ of device \1, to a device nf_process's result does not name.*returned FLOOD/,
  'loop-time-not-raised': /the I\/O loop called nf_process with a time other than its stamp capped at the clock and raised to the previous frame's time; clock \d+: nf_process\(device \d, length \d+, stamp (\d+), time (\d+)\) returned .*; then nf_process\(device \d, length \d+, stamp \d+, time \d+\) was called/,
  'loop-time-not-capped': /a time other than its stamp capped at the clock.*clock (\d+): .*nf_process\(device \d, length \d+, stamp (\d+), time \2\) was called/,
  'loop-drop-sent': /the I\/O loop sent TX descriptor \d+ of device \d.* to a device nf_process's result does not name.*returned DROP/,
  'loop-no-device-sent': /the I\/O loop asked the driver to send the frame of device \d on device 2, but the NF has 2 \(the driver's contract\).*returned 2 \(no device\)/,
  'loop-delivered-twice': /the I\/O loop called nf_process a second time with the frame of RX descriptor \d+ of device \d; clock \d+: nf_process\(device \d, length \d+, stamp \d+, time \d+\) returned/,
  'loop-never-taken': /the I\/O loop copied the frame of RX descriptor \d+ of device 0 without taking it from the driver/,
  'loop-latest-first': /the I\/O loop took device \d's frame before device \d's, stamped (earlier|no later)/,
  'loop-error-delivered': /the I\/O loop called nf_process with a frame the device marked with its ERROR bit/,
};

const BUGS = seededBugs().flatMap(({ id, bug, variant, layers }) => ('file' in variant && layers === 'nf,io' ? [{ id, bug, variant, says: SAYS[id] ?? assert.fail(`${id}: say what its counterexample must say`) }] : []));

describe('seeded I/O-loop bugs are rejected in the loop\'s terms, and the counterexample replays on the build', () => {
  test('every seeded I/O-loop bug of Table 4 is here', () => assert.deepEqual(BUGS.map((b) => b.id).sort(), Object.keys(SAYS).sort()));
  for (const { bug, variant, says } of BUGS) {
    test(bug, async () => {
      const results = await verifyStackVariant(nfDir('nop'), variant, {}, 'nf,io');
      const found = results.filter(({ violation }) => violation.kind === 'delivery' && says.test(violation.message));
      assert.ok(found.length > 0, `expected ${says}, got:\n${shown(results.map((r) => r.violation)).slice(0, 3000)}`);
      // Each replay runs the loop's own code, the driver's entry points answering from its model: it breaks the same
      // rule, or (a hang) does not return.
      for (const { violation, replay } of results) {
        const claim = violation.message.split(';')[0]!;
        assert.ok(replay.reproduced, `${violation.kind}: ${claim}: ${replay.observed}`);
        if (violation.kind === 'delivery') assert.ok(replay.observed.includes(`: ${claim}`), replay.observed);
        else assert.match(replay.observed, /the stack did not return within \d+ s and was stopped/);
      }
    });
  }
});

test('`--layers full` rejects what `nf,io` does: a loop bug that needs two frames a poll, replayed on the build that keeps the driver\'s calls', async () => {
  const { variant, says } = BUGS.find((b) => b.id === 'loop-time-not-raised')!;
  const results = await verifyStackVariant(nfDir('nop'), variant, {}, 'full');
  const found = results.filter(({ violation }) => violation.kind === 'delivery' && says.test(violation.message));
  assert.ok(found.length > 0, `expected ${says}, got:\n${shown(results.map((r) => r.violation)).slice(0, 3000)}`);
  for (const { violation, replay } of found) {
    assert.equal(violation.stackedBuild, 'nf,io');
    assert.ok(replay.reproduced, replay.observed);
    assert.match(replay.observed, /^on the stacked \.wasm that keeps the driver's calls/);
  }
});

test('an nf,io replay does not reproduce what the loop did not do: the same counterexample on the loop as it is', async () => {
  const [{ violation }] = (await verifyStackVariant(nfDir('nop'), BUGS[0]!.variant, {}, 'nf,io')).filter((r) => r.violation.kind === 'delivery');
  const replay = replayStackViolation(await buildStackedNf(nfDir('nop'), { keepDriverCalls: true }), violation!, replayedLayers('nf,io'));
  assert.equal(replay.reproduced, false, replay.observed);
  assert.match(replay.observed, /the I\/O loop kept its contracts with the driver and with nf_process through the poll/);
});

test('a hang replays as one: the loop that never takes its frame does not return, the loop as it is does', async () => {
  const { variant } = BUGS.find((b) => b.id === 'loop-never-taken')!;
  const run = await ioLoop('nop', variant);
  const hang = run.violations.find((v) => v.kind === 'hang');
  assert.ok(hang, shown(run.violations).slice(0, 3000));
  assert.equal(hang.stackedBuild, 'nf,io', 'found over the build that keeps the driver\'s calls, so sessions replay it there');
  const correct = replayStackViolation(await buildStackedNf(nfDir('nop'), { keepDriverCalls: true }), hang, replayedLayers('nf,io'));
  assert.equal(correct.reproduced, false, correct.observed);
  assert.match(correct.observed, /the I\/O loop kept its contracts with the driver and with nf_process through the poll/);
});

test('an equivalent loop holds: the time rule and the result\'s cases written otherwise', async () => {
  const variant: StackVariant = {
    name: 'equivalent-loop', file: 'io-loop.ts', patches: [
      { find: 'let time = stamp > clock ? clock : stamp;\n    if (time < lastTime) time = lastTime;', replace: 'const capped = stamp < clock ? stamp : clock;\n    const time = capped > lastTime ? capped : lastTime;' },
      { find: 'if (devices < 2) continue;', replace: 'if (devices == 1) continue;' },
      { find: 'for (let to = 0; to < devices; to++) if (to != from) send(to, from, index, length);', replace: 'for (let to = devices - 1; to >= 0; to--) if (to != from) send(to, from, index, length);' },
      { find: '} else if (output != DROP && <u32>output < <u32>devices) {', replace: '} else if (output >= 0 && output < devices) {' },
    ],
  };
  const run = await ioLoop('nop', variant);
  assert.equal(run.violations.length, 0, shown(run.violations));
});

describe('--layers nf,io as users meet it', () => {
  test('vigor verify --layers nf,io checks the spec against the NF layer\'s traces and reports the poll\'s too', async () => {
    const [nf, io] = [await vigor(['traces', nfDir('nop'), '--layers', 'nf']), await vigor(['verify', nfDir('nop'), '--layers', 'nf,io'])];
    assert.equal(io.code, 0, io.stdout + io.stderr);
    const traces = (run: { stdout: string }, layers: string) => Number(new RegExp(`^ *layers ${layers}: (\\d+) traces?`, 'm').exec(run.stdout)?.[1]);
    // The poll's paths join the NF layer's one trace: Table 3's middle row counts both.
    assert.ok(traces(io, 'nf,io') > traces(nf, 'nf'), io.stdout + nf.stdout);
    assert.match(io.stdout, /^spec +holds /m);
  });

  test('%plot shows the three layers side by side', () => {
    const records: VerificationRecord[] = (['nf', 'nf,io', 'full'] as const).flatMap((layers, k) => [
      { nf: 'nop', layers, traces: 1 + 100 * k, seconds: 1 + k },
      { nf: 'nop', layers, property: 'spec', verdict: 'holds', traces: 1 + 100 * k, specPaths: 2, seconds: 1 },
    ]);
    const traces = plotFigure('traces', records) as unknown as { data: { name: string }[] };
    assert.deepEqual(traces.data.map((s) => s.name), ['nf', 'nf,io', 'full'].flatMap((l) => [`NF traces (${l} layers)`, `spec paths (${l} layers)`]));
    const times = plotFigure('times', records) as unknown as { layout: { xaxis: { categoryarray: string[] } } };
    assert.deepEqual(times.layout.xaxis.categoryarray.slice(0, 3), ['explore nop (nf layers)', 'explore nop (nf,io layers)', 'explore nop (full layers)']);
  });
});
