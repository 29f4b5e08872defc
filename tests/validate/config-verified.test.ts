// Configuration is verified: libVig objects no path of nf_process changes start every packet as nf_init left them
// (the bridge's static rules), objects it changes stay arbitrary; stamps are never negative, so expiring up to
// time 0 removes nothing. Seeded bugs are rejected with counterexamples whose replay reproduces.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DROP } from '../../nf-abi/index.ts';
import type { Variant } from '../../toolchain/build.ts';
import { holds, refuted, variantSession } from './variants.ts';
import { listProperties } from '../../engine/spec/frontend/index.ts';
import { inputFromModel } from '../../engine/nf/explore-nf.ts';
import { stateEntries } from '../../engine/render/failure.ts';
import { loadTraces, saveTraces } from '../../engine/session/trace-cache.ts';
import { VerificationSession } from '../../engine/session/session.ts';
import { objectsOf } from '../../engine/contracts/index.ts';
import { emapAdd, emapBase, emapExpire, EmapQueries } from '../../engine/ghost/emap.ts';
import * as T from '../../engine/solver/term.ts';
import { Solver } from '../../engine/solver/z3.ts';

const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));
/** 01:80:c2:00:00:00 (the bridge group address nf.json's static rules drop) as the spec sees it: little-endian. */
const GROUP = 0xc28001n;
const NEVER_FORWARDED = `h = pop_header(ether, on_mismatch=([], []))
if h.daddr == ${GROUP}:
    return ([], [])
else:
    pass
`;
/** True only if dyn_emap started empty: a learned destination is sent to its one device, not flooded. */
const ALWAYS_FLOODED = `h = pop_header(ether, on_mismatch=([], []))
if h.daddr == ${GROUP} or h.daddr == h.saddr:
    pass
else:
    return ([1 - received_on_port], [ether(h)])
`;

const variant = (session: VerificationSession, seeded: Variant) => variantSession(session, BRIDGE, seeded);

const fixedNames = (objects: readonly { name: string; fixed?: true }[]) => objects.filter((o) => o.fixed).map((o) => o.name);

describe('bridge: the configuration is part of what is verified', () => {
  let session: VerificationSession;
  before(async () => (session = await VerificationSession.open(BRIDGE)));

  test('the static tables keep nf_init\'s rules; the learned ones start arbitrary, on disk too', () => {
    assert.deepEqual(fixedNames(session.exploration.objects), ['stat_emap', 'stat_vals']);
    const file = join(mkdtempSync(join(tmpdir(), 'vigor-fixed-')), 'bridge.json');
    saveTraces(file, session.exploration);
    const loaded = loadTraces(file, session.build)!;
    assert.deepEqual(fixedNames(loaded.objects), ['stat_emap', 'stat_vals']);
    for (const trace of loaded.traces) assert.deepEqual(fixedNames(objectsOf(trace.final)), ['stat_emap', 'stat_vals']);
  });

  test('frames to 01:80:c2:00:00:00 are never forwarded: holds', async () => {
    const result = await session.check('never_forwarded', NEVER_FORWARDED);
    holds(result);
  });

  test('dyn_emap, which nf_process changes, still starts arbitrary: a learned destination is not flooded', async () => {
    const failure = refuted(await session.check('always_flooded', ALWAYS_FLOODED));
    const daddr = inputFromModel(failure.model).packet.slice(0, 6);
    const learned = Array.from(daddr, (b) => b.toString(16).padStart(2, '0')).join(':');
    assert.ok(stateEntries(session.exploration, failure).some((line) => line.startsWith(`dyn_emap holds mac("${learned}")`)), 'the destination was learned before the packet');
  });

  test('seeded bug: nf_init skips the first static rule; the counterexample shows only real rules and replays', async () => {
    const bug = await variant(session, { name: 'skip-first-rule', patches: [{ find: 'for (let row = 0; row < rules; row++)', replace: 'for (let row = 1; row < rules; row++)' }] });
    const failure = refuted(await bug.check('never_forwarded', NEVER_FORWARDED));
    const input = inputFromModel(failure.model);
    assert.equal(input.device, 0, 'the skipped rule is the one for device 0');
    assert.deepEqual(Array.from(input.packet.slice(0, 6)), [0x01, 0x80, 0xc2, 0, 0, 0]);
    assert.notEqual(failure.nfOutput, BigInt.asUintN(32, BigInt(DROP)), 'forwarded, not dropped');
    // nf_init's entries are no assumption of the counterexample: no static rule is invented.
    assert.deepEqual(stateEntries(bug.exploration, failure).filter((line) => line.startsWith('stat_')), []);
    // spec.py reads the static table whatever it holds: only an operator's property knows the configuration.
    assert.equal((await bug.checkFile(`${BRIDGE}/spec.py`)).verdict, 'holds');
  });

  const equivalents: { what: string; variant: Variant }[] = [
    {
      what: 'an expiry guard E < now instead of E <= now (expiring before time 0 removes nothing)',
      variant: { name: 'expire-after', patches: [{ find: 'if (<i64>EXPIRATION_TIME <= now) emap_expire', replace: 'if (<i64>EXPIRATION_TIME < now) emap_expire' }] },
    },
    {
      what: "learning that tests emap_add's -1 instead of asking emap_full first",
      variant: {
        name: 'add-or-minus-one',
        patches: [{
          find: '} else if (!emap_full(dynEmap)) {\n    const index = emap_add(dynEmap, source, now);\n    store<u16>(dynamicValue, <u16>device);\n    vector_set(dynVals, index, dynamicValue);\n  }',
          replace: '} else {\n    const index = emap_add(dynEmap, source, now);\n    if (index >= 0) {\n      store<u16>(dynamicValue, <u16>device);\n      vector_set(dynVals, index, dynamicValue);\n    }\n  }',
        }],
      },
    },
  ];
  for (const { what, variant: patched } of equivalents) {
    test(`an equivalent variant verifies as the original does: ${what}`, async () => {
      const equivalent = await variant(session, patched);
      assert.deepEqual(equivalent.violations(), []);
      for (const file of ['spec.py', ...listProperties(BRIDGE).map((p) => `properties/${p.name}.py`)]) {
        const result = await equivalent.checkFile(`${BRIDGE}/${file}`);
        assert.equal(result.verdict, 'holds', file);
        holds(result);
      }
    });
  }
});

describe('ghost emap: stamps are never negative', () => {
  const object = { name: 'm', capacity: 8, keyBits: 48 };
  const now = T.variable('now', 64);
  const time = T.variable('t', 64);
  const key = T.variable('k', 48);
  let solver: Solver;
  before(async () => (solver = await Solver.create()));

  /** Can `goal` hold together with the facts its queries implied (and 0 <= now)? */
  function possible(goal: (q: EmapQueries) => T.Term, ...assumptions: T.Term[]): boolean {
    const facts: T.Term[] = [];
    const term = goal(new EmapQueries({ now }, facts));
    const answer = solver.check([T.compare('sle', T.bv(0, 64), now), ...assumptions, ...facts], term);
    assert.notEqual(answer.status, 'unknown');
    return answer.status === 'sat';
  }

  test('an expiry up to time 0 removes nothing from an arbitrary state; a later one may', () => {
    const base = emapBase(object);
    const expired = emapExpire(base, time);
    const atOrBefore0 = T.compare('sle', time, T.bv(0, 64));
    assert.equal(possible((q) => T.compare('slt', q.stamp(base, T.bv(3, 32)), T.bv(0, 64))), false, 'a negative stamp');
    assert.equal(possible((q) => T.and(q.has(base, key), T.not(q.has(expired, key))), atOrBefore0), false, 'a key removed');
    assert.equal(possible((q) => T.not(T.eq(q.count(expired), q.count(base))), atOrBefore0), false, 'the count changed');
    assert.equal(possible((q) => T.not(T.eq(q.count(expired), q.count(base))), T.eq(time, T.bv(1, 64))), true, 'expiring up to time 1 may remove');
  });

  test('an entry stamped before 0 since the base may still expire', () => {
    const added = emapAdd(emapBase(object), key, T.bv(0, 32), T.bv(-5, 64));
    const expired = emapExpire(added, T.bv(0, 64));
    assert.equal(possible((q) => T.not(T.eq(q.count(expired), q.count(added)))), true);
    assert.equal(possible((q) => q.has(expired, key)), false);
  });
});
