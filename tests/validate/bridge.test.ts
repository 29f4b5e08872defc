// The bridge (NFS.md) with 65,536-entry tables: spec.py and every property hold; seeded bugs are rejected with
// counterexamples whose replay on the run-time NF (V8 + run-time libVig) reproduces them.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DROP } from '../../nf-abi/index.ts';
import type { Variant } from '../../toolchain/build.ts';
import { join } from 'node:path';
import { editedCopy, holds, refuted, seededVariant, variantSession } from './variants.ts';
import { listProperties } from '../../engine/spec/frontend/index.ts';
import { inputFromModel } from '../../engine/nf/explore-nf.ts';
import { VerificationSession } from '../../engine/session/session.ts';

const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));
const DROPPED = BigInt.asUintN(32, BigInt(DROP));
const PROPERTIES = ['broadcast', 'drop_or_forward', 'learn', 'no_loop', 'refresh', 'static_drop', 'table_updates'];

/**
 * An operator's static rules: `count` distinct pairs of an individual address and an input device, each sent to a
 * device or dropped (-2), the last one a drop; the same every run.
 */
function staticRules(count: number): { addr: string; device: number; output: number }[] {
  let seed = 0x9e3779b9;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const rules = new Map<string, { addr: string; device: number; output: number }>();
  while (rules.size < count) {
    // A locally administered individual address: first octet's low bits 10.
    const octets = [((next() >>> 16) & 0xfc) | 0x02, ...Array.from({ length: 5 }, () => (next() >>> 16) & 0xff)];
    const addr = octets.map((o) => o.toString(16).padStart(2, '0')).join(':');
    const device = (next() >>> 16) % 2;
    rules.set(`${addr}/${device}`, { addr, device, output: rules.size === count - 1 ? -2 : [-2, 0, 1][(next() >>> 16) % 3]! });
  }
  return [...rules.values()];
}

const buggy = (session: VerificationSession, variant: Variant) => variantSession(session, BRIDGE, variant);

describe('bridge', () => {
  let session: VerificationSession;
  before(async () => (session = await VerificationSession.open(BRIDGE)));

  test('explores without violations, with 65,536-entry tables', () => {
    assert.equal(session.build.manifest.config.capacity?.value, 65536);
    assert.deepEqual(session.violations(), []);
    assert.ok(session.exploration.traces.length >= 10);
  });

  test('spec.py and all seven properties hold, and one property in the function dialect', async () => {
    const names = listProperties(BRIDGE).map((p) => p.name);
    for (const name of PROPERTIES) assert.ok(names.includes(name), name);
    for (const file of ['spec.py', ...names.map((n) => `properties/${n}.py`)]) {
      const result = await session.checkFile(`${BRIDGE}/${file}`);
      assert.equal(result.verdict, 'holds', `${file}: ${JSON.stringify(result).slice(0, 300)}`);
      if (file.endsWith('_fn.py')) assert.equal(result.verdict === 'holds' && result.dialect, 'function');
    }
  });

  test('seeded bug: a learned destination on the input port is forwarded back out of it', async () => {
    const bug = await buggy(session, seededVariant('bridge-hairpin'));
    const failure = refuted(await bug.checkFile(`${BRIDGE}/properties/no_loop.py`));
    assert.equal(failure.nfOutput, BigInt(inputFromModel(failure.model).device), 'sent back where it came from');
    refuted(await bug.checkFile(`${BRIDGE}/spec.py`));
  });

  test('seeded bug: learning without checking that the table has room', async () => {
    const bug = await buggy(session, seededVariant('bridge-learn-when-full'));
    const violations = bug.violations();
    assert.ok(violations.length > 0, 'a violation (one per path that reaches it: with and without expiry)');
    for (const found of violations) {
      assert.equal(found.violation.kind, 'precondition');
      assert.match(found.violation.message, /vector_set on dyn_vals: the index may be outside/);
      assert.ok(found.replay.reproduced, `the run-time reports it too: ${found.replay.observed}`);
      assert.match(found.replay.observed, /vector_set/);
    }
  });

  test('seeded bug: never expiring', async () => {
    const bug = await buggy(session, seededVariant('bridge-never-expire'));
    const failure = refuted(await bug.checkFile(`${BRIDGE}/properties/table_updates.py`));
    assert.ok(failure.failed.some((f) => f.startsWith('dyn_emap:')), failure.failed.join());
  });

  test('seeded bug: flooding when the destination is known', async () => {
    const bug = await buggy(session, { name: 'flood-known', patches: [{ find: 'return output == device ? DROP : output;', replace: 'return FLOOD;' }] });
    const failure = refuted(await bug.checkFile(`${BRIDGE}/spec.py`));
    assert.ok(failure.failed.some((f) => f.startsWith('output devices')));
    assert.equal(failure.nfOutput, 0xfffffffen);
  });

  test('an operator\'s 400 static rules: the spec holds, and that its last rule drops; nf_init leaving that rule out is refuted at its address and device', async () => {
    const rules = staticRules(400);
    const big = editedCopy(BRIDGE, 'bridge-rules-', (manifest) => ({ ...manifest, tables: { static_rules: { ...manifest.tables!.static_rules!, rows: rules } } }));
    const last = rules.at(-1)!;
    // The rule's address as the spec sees a MAC: its bytes little-endian.
    const address = last.addr.split(':').reduceRight((n, octet) => (n << 8n) | BigInt(parseInt(octet, 16)), 0n);
    const lastRuleDrops = `h = pop_header(ether, on_mismatch=([], []))
if h.daddr == ${address} and received_on_port == ${last.device}:
    return ([], [])
else:
    pass
`;
    const operator = await VerificationSession.open(big);
    assert.deepEqual(operator.violations(), []);
    holds(await operator.checkFile(join(big, 'spec.py')));
    holds(await operator.check('last_rule_drops', lastRuleDrops));
    const bug = await variantSession(operator, big, { name: 'last-rule-left-out', patches: [{ find: 'row < rules;', replace: 'row < rules - 1;' }] });
    const failure = refuted(await bug.check('last_rule_drops', lastRuleDrops));
    const { packet, device } = inputFromModel(failure.model);
    const destination = Array.from(packet.slice(0, 6), (o) => o.toString(16).padStart(2, '0')).join(':');
    assert.deepEqual({ destination, device }, { destination: last.addr, device: last.device });
    assert.notEqual(failure.nfOutput, DROPPED, 'the NF forwards what the left-out rule drops');
  });
});
