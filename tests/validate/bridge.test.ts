// The bridge (NFS.md) with 65,536-entry tables: spec.py and every property hold; seeded bugs are rejected with
// counterexamples whose replay on the run-time NF (V8 + run-time libVig) reproduces them.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Variant } from '../../toolchain/build.ts';
import { refuted, seededVariant, variantSession } from './variants.ts';
import { listProperties } from '../../engine/spec/frontend/index.ts';
import { inputFromModel } from '../../engine/nf/explore-nf.ts';
import { VerificationSession } from '../../engine/session/session.ts';

const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));
const PROPERTIES = ['broadcast', 'drop_or_forward', 'learn', 'no_loop', 'refresh', 'static_drop', 'table_updates'];

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
});
