// The policer (NFS.md) with a 65,536-entry table: every property holds, the refill's (spec.py, drop_excess,
// forward_compliant) included, where the NF's 64-bit refill must be proven equal to the spec's exact one; seeded
// bugs are rejected with counterexamples whose replay on the run-time NF (V8 + run-time libVig) reproduces them.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Variant } from '../../toolchain/build.ts';
import { holds, refuted, seededVariant, variantSession } from './variants.ts';
import { inputFromModel } from '../../engine/nf/explore-nf.ts';
import { VerificationSession } from '../../engine/session/session.ts';

const POL = fileURLToPath(new URL('../../nfs/pol', import.meta.url));
const check = (session: VerificationSession, property: string) => session.checkFile(`${POL}/${property}`);
const buggy = (session: VerificationSession, variant: Variant) => variantSession(session, POL, variant);

describe('pol', () => {
  let session: VerificationSession;
  before(async () => (session = await VerificationSession.open(POL)));

  test('explores without violations, with a 65,536-entry table', () => {
    assert.equal(session.build.manifest.config.capacity?.value, 65536);
    assert.deepEqual(session.violations(), []);
  });

  test('the properties without a refill hold, one of them in the function dialect', async () => {
    for (const name of ['malformed_drop', 'incast_add', 'outcast_nopolicing', 'wan_only_to_lan_fn']) holds(await check(session, `properties/${name}.py`));
    const fn = await check(session, 'properties/wan_only_to_lan_fn.py');
    assert.equal(fn.verdict === 'holds' && fn.dialect, 'function');
  });

  test('seeded bug: LAN traffic policed', async () => {
    const bug = await buggy(session, {
      name: 'police-lan',
      patches: [{ find: 'if (device == LAN_DEVICE) return WAN_DEVICE;\n  return police(packet + IP_DADDR, <u64>length, <u64>now) ? LAN_DEVICE : DROP;', replace: 'return police(packet + IP_DADDR, <u64>length, <u64>now) ? 1 - device : DROP;' }],
    });
    const failure = refuted(await check(bug, 'properties/outcast_nopolicing.py'));
    assert.equal(inputFromModel(failure.model).device, 1, 'a frame from the LAN');
    assert.equal(failure.nfOutput, 0xffffffffn, 'dropped');
  });

  test('seeded bug: a new destination starts with an empty bucket', async () => {
    const bug = await buggy(session, { name: 'empty-start', patches: [{ find: 'store<u64>(dynamicValue + BUCKET_SIZE, BURST - size);', replace: 'store<u64>(dynamicValue + BUCKET_SIZE, 0);' }] });
    const failure = refuted(await check(bug, 'properties/incast_add.py'));
    assert.ok(failure.failed.some((f) => f.startsWith('dyn_vals')), failure.failed.join());
  });

  test('the refill holds: the spec (exact) and the NF (64 bits) agree wherever the NF can reach', async () => {
    for (const name of ['spec.py', 'properties/drop_excess.py', 'properties/forward_compliant.py']) holds(await check(session, name));
  });

  test('seeded bug: a total length beyond the frame forwarded, every counterexample replayed', async () => {
    const bug = await buggy(session, {
      name: 'total-length-unchecked',
      patches: [{ find: '(ETHER_HEADER + headerLength <= length) &\n    (ETHER_HEADER + totalLength <= length)', replace: '(ETHER_HEADER + headerLength <= length)' }],
    });
    // The new destination's failures once showed an entry the model's defaults made up, which the replay then expired.
    for (const name of ['properties/incast_add.py', 'spec.py', 'properties/malformed_drop.py']) {
      const failure = refuted(await check(bug, name));
      const input = inputFromModel(failure.model);
      assert.ok(14 + ((input.packet[16]! << 8) | input.packet[17]!) > input.length, `${name}: a total length beyond the frame`);
    }
  });

  test('seeded bug: LAN frames under 100 bytes dropped before their headers are read', async () => {
    const bug = await buggy(session, seededVariant('pol-drop-short-unread'));
    const failure = refuted(await check(bug, 'properties/outcast_nopolicing.py'));
    assert.ok(inputFromModel(failure.model).length < 100 && failure.nfOutput === 0xffffffffn, 'a short frame dropped');
  });

  test('seeded bug: the refill not capped at burst', async () => {
    const bug = await buggy(session, seededVariant('pol-uncapped'));
    const failure = refuted(await check(bug, 'properties/forward_compliant.py'));
    assert.ok(failure.failed.some((f) => f.startsWith('dyn_vals')), failure.failed.join());
  });

  test('seeded bug: a dropped packet still charged', async () => {
    const bug = await buggy(session, seededVariant('pol-charge-dropped'));
    const failure = refuted(await check(bug, 'properties/drop_excess.py'));
    assert.ok(failure.failed.some((f) => f.startsWith('dyn_vals')), failure.failed.join());
  });

  test('seeded bug: the refill overflows 64 bits after a long idle time', async () => {
    const bug = await buggy(session, { name: 'overflow', patches: [{ find: 'if (elapsed >= fillTime()) return BURST;', replace: '' }] });
    // The spec's bucket is full after a long idle time, so the frame goes out charged; the wrapped refill leaves
    // the NF's bucket short (drop_excess says nothing there: it only claims drops, and its bucket is not short).
    holds(await check(bug, 'properties/drop_excess.py'));
    const failure = refuted(await check(bug, 'properties/forward_compliant.py'));
    // Only a bucket idle for over 2^64 / rate ns (about 14.76 s) overflows, so the frame comes at least that late.
    const { now } = inputFromModel(failure.model);
    assert.ok(now > 14_757_395_258n, `now = ${now}`);
  });
});
