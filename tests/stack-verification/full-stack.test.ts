// Full-stack verification (`--layers full`): the stack's poll over a symbolic device (stack-models/) holds for nop
// and the bridge, and each seeded stack bug (a temporary variant of stack/, never stack/ itself) is rejected
// with a counterexample in device terms: the rule broken (of the device protocol, or of the NF's contract: a frame
// nf_process asked for not sent), registers and descriptor contents; replayed on the variant's stacked .wasm with a
// device scripted from it, it breaks the same rule there, and not on the stack as it is.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { replayStackViolation } from '../../engine/session/stack-replay.ts';
import { explorePoll } from '../../engine/stack/explore-stack.ts';
import type { Violation } from '../../engine/symbex/violations.ts';
import { seededBugs } from '../../evaluation/seeded-bugs.ts';
import { buildNf, buildStackedNf, type StackVariant } from '../../toolchain/build.ts';

const NOP = fileURLToPath(new URL('../../nfs/nop', import.meta.url));
const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));

async function explore(nfDir: string, stackVariant?: StackVariant) {
  const build = await buildNf(nfDir);
  const stacked = await buildStackedNf(nfDir, { stackVariant });
  return { ...(await explorePoll(build, { stacked })), stacked };
}

/** Each exploration once: a seeded bug's is asked for by more than one test. */
const polls = new Map<string, ReturnType<typeof explore>>();
function poll(nfDir: string, stackVariant?: StackVariant) {
  const key = `${nfDir}/${stackVariant?.name ?? ''}`;
  if (!polls.has(key)) polls.set(key, explore(nfDir, stackVariant));
  return polls.get(key)!;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const shown = (violations: readonly Violation[]) => violations.map((v) => `${v.kind} at ${v.location}: ${v.message}`).join('\n');

describe('the stack as it is holds', () => {
  for (const [name, dir] of [['nop', NOP], ['bridge', BRIDGE]] as const) {
    test(`${name}: every poll, for every device behaviour explored, keeps the protocol and the NF's contract`, async () => {
      const run = await poll(dir);
      assert.equal(run.violations.length, 0, shown(run.violations));
      assert.ok(run.traces.length > 1, 'polls that deliver frames and polls that deliver none');
    });
  }
});

/** The seeded stack bugs are Table 4's (evaluation/seeded-bugs.json, a patch of one stack file); here, what each counterexample must say. */
const SAYS: Record<string, RegExp> = {
  'stack-trusts-length': /rule [45] of the device protocol.*(buffer of RX descriptor \d+|across the end of a 2048-byte buffer).*RX descriptor \d+: LENGTH (\d+)/,
  'stack-wrap-to-one': /rule \d of the device protocol.*RX_HEAD \d+, RX_TAIL \d+/,
  'stack-before-done': /rule 4 of the device protocol \(nf-abi\/device.ts\): the driver read the LENGTH or STAMP of RX descriptor \d+ of device \d+ before/,
  // The descriptor it should have written goes to the device unwritten (or, in flight, it is written over).
  'stack-tx-reuse': /rule 6 of the device protocol.*(handed TX descriptor \d+ of device \d+ to the device with ADDRESS 0x0|wrote TX descriptor \d+ of device \d+ while the device owns it)/,
  'stack-reserved-bit': /rule 1 of the device protocol.*wrote 0x103 to CONTROL of device 0, setting reserved bits 0x100/,
  // Two frames for one device in a poll (the exploration of plain frames): only the second goes out, from the first's descriptor.
  'stack-tx-second-send': /the I\/O loop did not send the frame of RX descriptor \d+ of device \d+ on device (\d+), which nf_process's result names.*returned device \1; nf_process\(.*returned device \1; sent on device \1: the frame of device \d+, length \d+;/,
  // Only a device that stops sending fills a TX ring: the backlog's scripted run (stack-models/scripted-runs.ts).
  'stack-tx-overflow': /rule 3 of the device protocol.*moved TX_TAIL of device \d+ from \d+ to \d+ with TX_HEAD at \d+: past descriptors the device owns/,
};

const BUGS = seededBugs().flatMap(({ id, bug, variant, layers }) => ('file' in variant && layers !== 'nf,io' ? [{ id, bug, variant, says: SAYS[id] ?? assert.fail(`${id}: say what its counterexample must say`) }] : []));

describe('seeded stack bugs are rejected in device terms', () => {
  test('every seeded stack bug of Table 4 is here', () => assert.deepEqual(BUGS.map((b) => b.id).sort(), Object.keys(SAYS).sort()));
  for (const { id, bug, variant, says } of BUGS) {
    test(bug, async () => {
      const run = await poll(NOP, variant);
      const found = run.violations.find((v) => (v.kind === 'device' || v.kind === 'delivery') && says.test(v.message));
      assert.ok(found, `expected ${says}, got:\n${shown(run.violations).slice(0, 3000)}`);
      // Received frames as short as the bug allows (the model's defaults read 1492): only a trusted length needs one long.
      const lengths = [...found.message.matchAll(/RX descriptor \d+: LENGTH (\d+)/g)].map((m) => Number(m[1]));
      if (id !== 'stack-trusts-length') assert.ok(lengths.every((length) => length <= 64), `short frames: ${found.message}`);
      const replay = replayStackViolation(run.stacked, found);
      assert.ok(replay.reproduced, replay.observed);
      assert.match(replay.observed, new RegExp(`on the stacked \\.wasm.*${escaped(found.message.split(';')[0]!)}`));
      const correct = replayStackViolation(await buildStackedNf(NOP), found);
      assert.equal(correct.reproduced, false, `the stack as it is replays it too: ${correct.observed}`);
    });
  }

  test('a delivery violation replays too: the length trusted beyond the buffer reaches nf_process beyond nf.json\'s bounds', async () => {
    const { variant } = BUGS.find((b) => b.id === 'stack-trusts-length')!;
    const run = await poll(NOP, variant);
    const found = run.violations.find((v) => v.kind === 'delivery' && /called nf_process with a length outside nf.json's frame bounds/.test(v.message));
    assert.ok(found, shown(run.violations).slice(0, 3000));
    const replay = replayStackViolation(run.stacked, found);
    assert.ok(replay.reproduced, replay.observed);
    assert.match(replay.observed, /the I\/O loop called nf_process with a length outside nf.json's frame bounds/);
    const correct = replayStackViolation(await buildStackedNf(NOP), found);
    assert.equal(correct.reproduced, false, `the stack as it is replays it too: ${correct.observed}`);
  });

  test('a fault of the stack\'s own code replays too: the copy past the end of memory that the trusted length makes traps', async () => {
    const { variant } = BUGS.find((b) => b.id === 'stack-trusts-length')!;
    const run = await poll(NOP, variant);
    const faults = run.violations.filter((v) => v.kind === 'out-of-bounds');
    assert.ok(faults.length > 0, shown(run.violations).slice(0, 3000));
    for (const found of faults) {
      const replay = replayStackViolation(run.stacked, found);
      assert.ok(replay.reproduced, replay.observed);
      assert.match(replay.observed, /on the stacked \.wasm, with a device scripted from the counterexample, from the poll .*the run stopped in the poll: memory access out of bounds/);
    }
    const correct = replayStackViolation(await buildStackedNf(NOP), faults[0]!);
    assert.equal(correct.reproduced, false, `the stack as it is replays it too: ${correct.observed}`);
    assert.match(correct.observed, /the stack kept every rule of the device protocol/);
  });

  test('an access below the frame\'s area replays too, though V8 lets it through: a sent frame\'s buffer count kept in the next descriptor\'s slot', async () => {
    // Reclaiming a sent descriptor then counts down at the address its own slot holds: 0, never written.
    const variant: StackVariant = { name: 'count-next-slot', file: 'driver.ts', patches: [{ find: 'store<u32>(at + TX_SENDING + <usize>(tail * 4), <u32>count);', replace: 'store<u32>(at + TX_SENDING + <usize>(next * 4), <u32>count);' }] };
    const run = await poll(NOP, variant);
    const found = run.violations.find((v) => v.kind === 'out-of-bounds');
    assert.ok(found, shown(run.violations).slice(0, 3000));
    assert.match(found.message, /^read of 2 bytes at address 0 is outside every memory region \(frame at 32768, memory 32768\.\.\d+\)$/);
    const replay = replayStackViolation(run.stacked, found);
    assert.ok(replay.reproduced, replay.observed);
    assert.match(replay.observed, /the run stopped in .*: read of 2 bytes at address 0 is outside every memory region \(memory 32768\.\.\d+\), which the replay checks$/);
    const correct = replayStackViolation(await buildStackedNf(NOP), found);
    assert.equal(correct.reproduced, false, `the stack as it is replays it too: ${correct.observed}`);
  });
});
