// libVig contracts: seeded misuses of libVig in the MAC-learning test NF are precondition violations with a
// counterexample; the correct NF has none.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildNf, type Variant } from '../../toolchain/build.ts';
import * as T from '../../engine/solver/term.ts';
import { exploreNf, inputFromModel } from '../../engine/nf/explore-nf.ts';

const LEARNER = fileURLToPath(new URL('../programs/nfs/learner', import.meta.url));

async function preconditionViolations(variant?: Variant) {
  const run = await exploreNf(await buildNf(LEARNER, variant ? { variant } : {}));
  return run.violations.filter((v) => v.kind === 'precondition');
}

describe('libVig preconditions', () => {
  test('the correct learner respects every precondition', async () => {
    assert.deepEqual(await preconditionViolations(), []);
  });

  test('adding a source MAC without checking whether it is known', async () => {
    const [violation, ...others] = await preconditionViolations({
      name: 'add-unchecked',
      patches: [{ find: 'let source = emap_get(macs, packet + 6);\n  if (source < 0) {', replace: 'let source = -1;\n  if (source < 0) {' }],
    });
    assert.ok(violation, 'reported');
    assert.equal(others.length, 0);
    assert.match(violation.message, /emap_add on macs: the key may already be present/);
    assert.match(violation.location, /learner\/\.variant-add-unchecked\.ts:2\d$/);
    // The counterexample's state holds the frame's source MAC already.
    const source = T.evaluate(T.apply('macs.has', [frameField(violation.model, 6, 6)], T.BOOL), violation.model);
    assert.equal(source, 1n, 'in the counterexample, macs already has the source address');
  });

  test("refreshing with a time earlier than the packet's", async () => {
    const [violation] = await preconditionViolations({
      name: 'refresh-past',
      patches: [{ find: 'emap_refresh(macs, source, now);', replace: 'emap_refresh(macs, source, now - 1);' }],
    });
    assert.ok(violation);
    assert.match(violation.message, /time goes backwards on macs/);
  });

  test('a vector slot taken from the frame', async () => {
    const [violation] = await preconditionViolations({
      name: 'slot-from-frame',
      patches: [{ find: 'vector_set(ports, source, scratch);', replace: 'vector_set(ports, load<u8>(packet + 13), scratch);' }],
    });
    assert.ok(violation);
    assert.match(violation.message, /vector_set on ports: the index may be outside 0\.\.3/);
    assert.ok(inputFromModel(violation.model).packet[13]! >= 4, 'the counterexample frame holds an index past the capacity');
  });
});

/** The little-endian value of `bytes` bytes of the frame at `offset`, as a term over the model's frame. */
function frameField(model: T.Assignment, offset: number, bytes: number): T.Term {
  const packet = inputFromModel(model).packet;
  let value = 0n;
  for (let i = bytes - 1; i >= 0; i--) value = (value << 8n) | BigInt(packet[offset + i]!);
  return T.bv(value, bytes * 8);
}

describe('lpm and cht contracts (a router load-balancing its default route)', () => {
  const ROUTER = fileURLToPath(new URL('../programs/nfs/router', import.meta.url));

  test('the router explores without violations; a Maglev choice is -1 exactly when no backend is live', async () => {
    const run = await exploreNf(await buildNf(ROUTER));
    assert.deepEqual(run.violations, []);
    const balanced = run.traces.filter((t) => t.calls.some((c) => c.name === 'cht_find_backend'));
    assert.equal(balanced.length, 2, 'a backend is chosen, or none is live');
    for (const trace of balanced) {
      const choice = trace.calls.find((c) => c.name === 'cht_find_backend')!.results[0] as T.Term;
      const chosen = T.evaluate(choice, trace.model);
      const live = T.evaluate(T.variable('backends.count', 32), trace.model);
      assert.equal(chosen === 0xffffffffn, live === 0n, 'none chosen iff none live');
      if (chosen !== 0xffffffffn) assert.equal(T.evaluate(T.apply('backends.allocated', [T.bv(chosen, 32)], T.BOOL), trace.model), 1n, 'the chosen backend is live');
    }
    assert.ok(run.traces.some((t) => t.calls.map((c) => c.name).join() === 'lpm_lookup'), 'a trace routes by prefix alone');
  });

  test('a prefix length taken from the frame breaks lpm_add\'s precondition', async () => {
    const run = await exploreNf(await buildNf(ROUTER, { variant: { name: 'length-from-frame', patches: [{ find: 'if (route < 0) return DROP;', replace: 'if (route < 0) { lpm_add(routes, destination, load<u8>(packet + 14), 1); return DROP; }' }] } }));
    const violation = run.violations.find((v) => v.kind === 'precondition');
    assert.ok(violation);
    assert.match(violation.message, /lpm_add on routes: the prefix length may be outside 0\.\.32/);
    assert.ok(inputFromModel(violation.model).packet[14]! > 32);
  });

  test('an lpm handle where cht_find_backend needs the backends emap', async () => {
    const run = await exploreNf(await buildNf(ROUTER, { variant: { name: 'wrong-handle', patches: [{ find: 'load<i32>(packet + 26), backends)', replace: 'load<i32>(packet + 26), routes)' }] } }));
    assert.ok(run.violations.some((v) => v.kind === 'precondition' && /handle 0 is not an emap/.test(v.message)), run.violations.map((v) => v.message).join());
  });
});
