// The Maglev load balancer (NFS.md) with a 65,536-flow table: spec.py and every property hold; seeded bugs are
// rejected with counterexamples whose replay on the run-time NF (V8 + run-time libVig) reproduces them.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Variant } from '../../toolchain/build.ts';
import { holds, equivalentHolds, refuted, seededVariant, variantSession } from './variants.ts';
import { listProperties } from '../../engine/spec/frontend/index.ts';
import { VerificationSession } from '../../engine/session/session.ts';
import { formatViolation } from '../../engine/render/violation.ts';
import { formatPropertyResult } from '../../engine/render/property.ts';
import { nfSummary } from '../../kernel/verification/report-data.ts';
import { nfSummaryBundle } from '../../kernel/verification/render.ts';

const LB = fileURLToPath(new URL('../../nfs/lb', import.meta.url));

describe('lb', () => {
  let session: VerificationSession;
  before(async () => (session = await VerificationSession.open(LB)));

  /** The first counterexample of `property` on the NF built with `variant`, replayed. */
  const refutedOn = async (variant: Variant, property: string) => {
    const bug = await variantSession(session, LB, variant);
    return refuted(await bug.checkFile(`${LB}/properties/${property}.py`));
  };

  test("the manifest's state, records and config keys are NFS.md's; clients on device 2 of 3", () => {
    const { manifest } = session.build;
    assert.equal(manifest.devices, 3);
    assert.deepEqual(manifest.state.map((s) => [s.name, s.kind, s.record ?? null]), [
      ['flow_emap', 'emap', 'LoadBalancedFlow'], ['flow_id_to_backend_id', 'vector', null], ['backends', 'vector', 'LoadBalancedBackend'],
      ['backend_ip_emap', 'emap', 'ip_addr'], ['cht', 'cht', null],
    ]);
    const fields = (record: string) => manifest.records[record]!.map((f) => `${f.name}:${f.type}`);
    assert.deepEqual(fields('LoadBalancedFlow'), ['src_ip:u32', 'dst_ip:u32', 'src_port:u16', 'dst_port:u16', 'protocol:u8']);
    assert.deepEqual(fields('LoadBalancedBackend'), ['nic:u16', 'mac:bytes:6', 'ip:u32']);
    assert.deepEqual(fields('ip_addr'), ['addr:u32']);
    assert.deepEqual(Object.keys(manifest.config).sort(), ['backend_capacity', 'backend_expiration_time', 'cht_height', 'flow_capacity', 'flow_expiration_time']);
  });

  test('explores without violations, with a 65,536-flow table and a prime cht height', () => {
    assert.equal(session.build.manifest.config.flow_capacity?.value, 65536);
    assert.equal(session.build.manifest.config.cht_height?.value, 65537);
    assert.deepEqual(session.violations(), []);
    assert.ok(session.exploration.traces.length >= 10);
  });

  // NFS.md's seven properties, the shared part they import, and one in the function dialect.
  test('spec.py and every property hold, one of them in the function dialect', async () => {
    const names = listProperties(LB).map((p) => p.name);
    for (const name of ['alloc_flow_consistent', 'expired_backend_realloc_flow', 'heartbeat_add_backend', 'heartbeat_no_reply', 'heartbeat_refresh', 'known_flow_forward', 'unknown_flow_consistent']) {
      assert.ok(names.includes(name), `${name} among ${names.join()}`);
    }
    assert.ok(names.some((name) => name.endsWith('_fn')), names.join());
    for (const file of ['spec.py', ...names.map((n) => `properties/${n}.py`)]) {
      const result = await session.checkFile(`${LB}/${file}`);
      holds(result);
      if (file.endsWith('_fn.py')) assert.equal(result.verdict === 'holds' && result.dialect, 'function');
    }
  });

  test('seeded bug: a known flow goes on to its backend after the backend expired', async () => {
    const failure = await refutedOn(seededVariant('lb-expired-backend'), 'expired_backend_realloc_flow');
    assert.ok(failure.failed.some((f) => /output devices|daddr|flow_emap/.test(f)), failure.failed.join());
  });

  test('seeded bug: the cht ignored, every new flow to backend 0', async () => {
    const failure = await refutedOn(seededVariant('lb-backend-zero'), 'unknown_flow_consistent');
    assert.ok(failure.failed.some((f) => /output devices|daddr/.test(f)), failure.failed.join());
  });

  test('seeded bug: the output device the other of the two; the counterexample reads: a short frame, entries of the last day, a packet of the clock\'s first day', async () => {
    const swapped: Variant = { name: 'output-swapped', patches: [{ find: 'select<i32>(1, 0, load<u16>', replace: 'select<i32>(0, 1, load<u16>' }] };
    const bug = await variantSession(session, LB, swapped);
    const result = await bug.checkFile(`${LB}/properties/unknown_flow_consistent.py`);
    const { failed } = refuted(result);
    assert.ok(failed.some((f) => f.startsWith('output devices')), failed.join());
    // The cht's refinement solves again: what made the model readable must hold of the model it ends with (a
    // frame of a thousand bytes and a flow stamped 146 years before the packet, else).
    const text = formatPropertyResult(bug.exploration, result);
    assert.ok(Number(/frame of (\d+) bytes/.exec(text)![1]) <= 64, text);
    assert.match(text, /stamped t0 - /);
    assert.doesNotMatch(text, /stamped t0 - \d+ d /, text);
    assert.ok(BigInt(/t0 = (\d+) ns/.exec(text)![1]!) <= 86_400_000_000_000n, text);
  });

  test('seeded bug: a heartbeat sent on', async () => {
    const failure = await refutedOn(seededVariant('lb-heartbeat-forwarded'), 'heartbeat_no_reply');
    assert.ok(failure.failed.some((f) => f.startsWith('output devices')), failure.failed.join());
  });

  test('seeded bug: a new flow not remembered although the flow table has room', async () => {
    const failure = await refutedOn(seededVariant('lb-forget-flow'), 'alloc_flow_consistent');
    assert.ok(failure.failed.some((f) => f.startsWith('flow_emap')), failure.failed.join());
  });

  test('seeded bug: the destination MAC left as the client sent it', async () => {
    const failure = await refutedOn(seededVariant('lb-wrong-mac'), 'known_flow_forward');
    assert.deepEqual(failure.failed, ['ether.daddr of the frame sent']);
  });

  test("seeded bug: the backend's address written over the source address", async () => {
    const failure = await refutedOn(seededVariant('lb-wrong-ip'), 'known_flow_forward');
    assert.ok(failure.failed.some((f) => f.startsWith('ipv4.daddr') || f.startsWith('ipv4.saddr')), failure.failed.join());
  });

  // The run-time refuses such a table at nf_init: a spec must not be said to hold of an NF that cannot start.
  test('a cht whose height is not a prime, or past 2^26 entries, breaks a precondition in nf_init; replayed, and shown without a packet', async () => {
    for (const [name, height, message] of [['height-four', '4', /^cht_allocate: height 4 is not a prime/], ['too-large', '2097169', /^cht_allocate: height 2097169 x 32 backends is more than 67108864 entries/]] as const) {
      const bug = await variantSession(session, LB, { name, patches: [{ find: 'cht = cht_allocate(CHT_HEIGHT, BACKEND_CAPACITY);', replace: `cht = cht_allocate(${height}, BACKEND_CAPACITY);` }] });
      const [violation, ...others] = bug.violations();
      assert.ok(violation && others.length === 0, `one violation: ${bug.violations().map((v) => v.violation.message).join(' | ')}`);
      assert.equal(violation.violation.kind, 'precondition');
      assert.match(violation.violation.message, message);
      assert.ok(violation.replay.reproduced, violation.replay.observed);
      // No packet reaches it: the text does not offer one as its counterexample.
      const text = formatViolation(bug.exploration, violation.violation, violation.replay).join('\n');
      assert.match(text, /\n {4}counterexample: no packet: nf_init fails at start-up with nf\.json's configuration\n {4}NF path:\n.*cht_allocate\(/, text);
      const page = nfSummaryBundle(nfSummary(bug, 'nf'))['text/html'] as string;
      assert.match(page, /received<\/th><td[^>]*><code>no packet: nf_init fails at start-up with nf\.json&#39;s configuration<\/code>/);
    }
  });

  test("an equivalent variant holds: the backend's MAC copied with memory.copy, not as a u32 and a u16", async () => {
    await equivalentHolds(session, LB, { name: 'mac-copy', patches: [{ find: '  store<u32>(packet, load<u32>(backend + BACKEND_MAC));\n  store<u16>(packet + 4, load<u16>(backend + BACKEND_MAC + 4));\n', replace: '  memory.copy(packet, backend + BACKEND_MAC, 6);\n' }] }, ['spec.py', 'properties/known_flow_forward.py', 'properties/alloc_flow_consistent.py']);
  });
});
