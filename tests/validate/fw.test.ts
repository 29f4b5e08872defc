// The firewall (NFS.md) with a 65,536-entry table: spec.py and every property hold; seeded bugs are rejected with
// counterexamples whose replay on the run-time NF (V8 + run-time libVig) reproduces them.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { inputFromModel } from '../../engine/nf/explore-nf.ts';
import { fileURLToPath } from 'node:url';
import type { Variant } from '../../toolchain/build.ts';
import { equivalentHolds, refuted, seededVariant, variantSession } from './variants.ts';
import { listProperties } from '../../engine/spec/frontend/index.ts';
import { type PropertyResult, VerificationSession } from '../../engine/session/session.ts';

const FW = fileURLToPath(new URL('../../nfs/fw', import.meta.url));

const buggy = (session: VerificationSession, variant: Variant) => variantSession(session, FW, variant);

/**
 * The replay of a counterexample ran the frame to the output predicted. Where a model counts no entry in a table
 * that holds the flow (after an expiry, the emap theory does not tie the count to the entries it keeps), the
 * run-time state cannot match the model's count, so only the output is required here.
 */
function assertOutputReplays(observed: string): void {
  assert.match(observed, /returned (DROP|device \d) as predicted/);
}

/** The first counterexample of a property that must fail. */
function failureOf(result: PropertyResult) {
  assert.equal(result.verdict, 'fails');
  if (result.verdict !== 'fails') throw new Error('unreachable');
  return result.failures[0]!;
}

describe('fw', () => {
  let session: VerificationSession;
  before(async () => (session = await VerificationSession.open(FW)));

  test('explores without violations, with a 65,536-entry table', () => {
    assert.equal(session.build.manifest.config.capacity?.value, 65536);
    assert.deepEqual(session.violations(), []);
    assert.ok(session.exploration.traces.length >= 5);
  });

  // (tests/spec/nf-specs.test.ts checks that NFS.md's five properties are among them.)
  test('spec.py and every property hold, one of them in the function dialect', async () => {
    const names = listProperties(FW).map((p) => p.name);
    assert.ok(names.length >= 6 && names.some((name) => name.endsWith('_fn')), names.join());
    for (const file of ['spec.py', ...names.map((n) => `properties/${n}.py`)]) {
      const result = await session.checkFile(`${FW}/${file}`);
      assert.equal(result.verdict, 'holds', `${file}: ${JSON.stringify(result, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 300)}`);
      if (file.endsWith('_fn.py')) assert.equal(result.verdict === 'holds' && result.dialect, 'function');
    }
  });

  test('seeded bug: an external packet of no open flow let in', async () => {
    const bug = await buggy(session, seededVariant('fw-accept-unknown'));
    const failure = refuted(await bug.checkFile(`${FW}/properties/block_unsolicited.py`));
    assert.ok(failure.failed.some((f) => f.startsWith('output devices')), failure.failed.join());
    assert.equal((await bug.checkFile(`${FW}/properties/replies_only_fn.py`)).verdict, 'fails');
  });

  test('seeded bug: a reply looked up with its ports not swapped', async () => {
    const bug = await buggy(session, {
      name: 'reversed-wrong',
      patches: [
        { find: 'rotr<u32>(load<u32>(packet + TRANSPORT + SRC_PORT), 16)', replace: 'load<u32>(packet + TRANSPORT + SRC_PORT)' },
      ],
    });
    const result = await bug.checkFile(`${FW}/properties/reply_forward.py`);
    assert.equal(result.verdict, 'fails');
    if (result.verdict !== 'fails') throw new Error('unreachable');
    assert.match(result.failures[0]!.failed.join(), /^output devices \(device \d\)/);
    const failure = failureOf(await bug.checkFile(`${FW}/properties/replies_only_fn.py`));
    assert.deepEqual(failure.failed, ['assert']);
    assertOutputReplays(failure.replay.observed);
  });

  test('seeded bug: a reply does not refresh its flow', async () => {
    const bug = await buggy(session, seededVariant('fw-no-reply-refresh'));
    const failure = failureOf(await bug.checkFile(`${FW}/properties/flowtable_refresh.py`));
    assert.deepEqual(failure.failed, ['flow_emap: time stamps']);
    assertOutputReplays(failure.replay.observed);
  });

  // The state before a packet may hold a stamp as recent as the packet (an earlier packet at the same time): the
  // replay's run-time is given that latest stamp, so it refuses the early one too; stamps are read back and compared.
  test('seeded bugs: a reply refreshes its flow a nanosecond early (time goes backwards, a short frame early in the clock) or late (the stamps differ); both replay', async () => {
    const refresh = '  emap_refresh(flowEmap, index, now);\n  vector_get(';
    const early = await buggy(session, { name: 'refresh-early', patches: [{ find: refresh, replace: refresh.replace('now)', 'now - 1)') }] });
    const backwards = early.violations();
    assert.ok(backwards.length > 0, 'a violation');
    for (const { violation, replay } of backwards) {
      assert.match(violation.message, /^time goes backwards on flow_emap/);
      assert.ok(replay.reproduced, replay.observed);
      assert.match(replay.observed, /time went backwards: (\d+) ns is before \d+ ns/);
      // The witness reads as a failure's counterexample does: a short frame, a packet of the clock's first day.
      const input = inputFromModel(violation.model);
      assert.ok(input.length <= 64 && input.now <= 86_400_000_000_000n, `${input.length} bytes at ${input.now} ns`);
    }
    const late = await buggy(session, { name: 'refresh-late', patches: [{ find: refresh, replace: refresh.replace('now)', 'now + 1)') }] });
    const failure = refuted(await late.checkFile(`${FW}/properties/flowtable_refresh.py`));
    assert.deepEqual(failure.failed, ['flow_emap: time stamps']);
    assert.match(failure.replay.observed, /flow_emap's index \d+: stamped t0 \+ 1 ns/);
  });

  test('seeded bug: a flow recorded with a device beyond the devices, found in the record the run-time stores', async () => {
    const bug = await buggy(session, { name: 'device-out-of-bounds', patches: [{ find: 'store<u16>(deviceId, <u16>device);', replace: 'store<u16>(deviceId, <u16>(device + 2));' }] });
    const violations = bug.violations();
    assert.ok(violations.length > 0, 'a violation');
    for (const found of violations) {
      assert.match(found.violation.message, /vector_set on int_devices: the record may break the bounds nf.json declares/);
      assert.ok(found.replay.reproduced, `the run-time NF stores it too: ${found.replay.observed}`);
      assert.match(found.replay.observed, /int_devices\[\d+\] holds .*device: [23]\b/);
    }
  });

  test('seeded bug: frames under 100 bytes dropped before their headers are read', async () => {
    const bug = await buggy(session, seededVariant('fw-drop-short-unread'));
    const failure = refuted(await bug.checkFile(`${FW}/properties/outbound_forward.py`));
    assert.ok(inputFromModel(failure.model).length < 100 && failure.nfOutput === 0xffffffffn, 'a short frame dropped');
  });

  test("an equivalent variant holds: the flow key's source address stored as two halves", async () => {
    await equivalentHolds(session, FW, { name: 'sip-halves', patches: [{ find: 'store<u32>(flowId + KEY_SIP, load<u32>(packet + IP_SADDR));', replace: 'store<u16>(flowId + KEY_SIP, load<u16>(packet + IP_SADDR));\n  store<u16>(flowId + KEY_SIP + 2, load<u16>(packet + IP_SADDR + 2));' }] }, ['spec.py', 'properties/outbound_open_flow.py', 'properties/reply_forward.py']);
  });
});
