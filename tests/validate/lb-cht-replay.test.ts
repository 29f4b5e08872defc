// Load-balancer counterexamples that go through the cht: the contract leaves the choice open, so a failure's
// choices are made the run-time table's own (engine/validate/cht-refinement.ts) and its replay must see the table
// choose so; a failure only the contract allows, which the NF's table never shows, is said to be so and not replayed.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Cht, createLibVig } from '../../libvig/index.ts';
import { VerificationSession } from '../../engine/session/session.ts';
import { seedState } from '../../engine/session/replay-seed.ts';
import { refuted, variantSession } from './variants.ts';
import type { PropertyResult } from '../../engine/session/session.ts';

const LB = fileURLToPath(new URL('../../nfs/lb', import.meta.url));

/** The first failure of a property that fails. */
function firstFailure(result: PropertyResult) {
  assert.equal(result.verdict, 'fails');
  if (result.verdict !== 'fails') throw new Error('unreachable');
  return result.failures[0]!;
}

/** The failure's cht choices were made the table's, and the replay checked the run-time's table made them. */
function tableChoices(failure: ReturnType<typeof firstFailure>) {
  assert.equal(failure.cht?.outcome, 'table', JSON.stringify(failure.cht));
  if (failure.cht?.outcome !== 'table') throw new Error('unreachable');
  assert.ok(failure.cht.choices.length > 0, "the NF's cht_find_backend is among the choices the replay checks");
  return failure.cht;
}

describe('lb: counterexamples through the cht', () => {
  let session: VerificationSession;
  before(async () => (session = await VerificationSession.open(LB)));

  test("the operator's question: a new connection to a backend on device 1 while one on device 0 is alive; replayed on the table", async () => {
    const failure = refuted(await session.check('expensive_while_cheap_alive', [
      'import balanced',
      'if received_on_port == EXT_DEVICE and not flow_emap.has(flow):',
      '    hash = _LoadBalancedFlow_hash(flow)',
      '    if backend_ip_emap.exists_with_cht(cht, hash):',
      '        cheap_alive = False',
      '        for i in range(backend_capacity):',
      '            cheap_alive = cheap_alive | (backend_ip_emap.has_idx(i) & (backends.get(i).nic == 0))',
      '        if backends.get(backend_ip_emap.choose_with_cht(cht, hash)).nic == 1 and cheap_alive:',
      '            return ([], [])',
    ].join('\n')));
    tableChoices(failure);
    assert.equal(failure.nfOutput, 1n, 'sent to device 1');
  });

  test("seeded bug: the flow hash with the addresses swapped: the NF's choice and the spec's differ on the table, and the replay reproduces", async () => {
    const bug = await variantSession(session, LB, {
      name: 'swapped-hash',
      patches: [{ find: 'load<u32>(packet + IP_SADDR), load<u32>(packet + IP_DADDR),\n', replace: 'load<u32>(packet + IP_DADDR), load<u32>(packet + IP_SADDR),\n' }],
    });
    const failure = refuted(await bug.checkFile(`${LB}/properties/unknown_flow_consistent.py`));
    const cht = tableChoices(failure);
    assert.match(cht.explanation, /backend \d+ for hash 0x[0-9a-f]{8}, row \d+: .*; backend \d+ for hash/);
    assert.ok(failure.failed.some((f) => /output devices|daddr/.test(f)), failure.failed.join());
  });

  test('a choice the contract allows but a 2-row table never makes (backend 1 while backend 0 is alive) is reported so, not replayed', async () => {
    const rows = new Cht(0, 2, 32);
    for (const row of [0, 1]) {
      const preferences = [...rows.preferenceRow(row)];
      assert.ok(preferences.indexOf(0) < preferences.indexOf(1), `row ${row} prefers backend 0 to backend 1`);
    }
    const tiny = await variantSession(session, LB, { name: 'two-rows', patches: [{ find: 'cht = cht_allocate(CHT_HEIGHT, BACKEND_CAPACITY);', replace: 'cht = cht_allocate(2, BACKEND_CAPACITY);' }] });
    const failure = firstFailure(await tiny.check('never_one_while_zero', [
      'import balanced',
      'if received_on_port == EXT_DEVICE and not flow_emap.has(flow):',
      '    hash = _LoadBalancedFlow_hash(flow)',
      '    if backend_ip_emap.has_idx(0) and backend_ip_emap.choose_with_cht(cht, hash) == 1:',
      '        return ([], [])',
    ].join('\n')));
    assert.equal(failure.cht?.outcome, 'never-shown', JSON.stringify(failure.cht));
    assert.equal(failure.replay.reproduced, false);
    assert.match(failure.replay.observed, /^not replayed: this failure needs the cht's choice of backend 1 for hash 0x[0-9a-f]{8} \(row [01]\).*2 rows, 32 backends.*does not show this failure/);
  });

  test('a failure the table shows is preferred to one it never shows, though the search meets that one first', async () => {
    const tiny = await variantSession(session, LB, { name: 'two-rows', patches: [{ find: 'cht = cht_allocate(CHT_HEIGHT, BACKEND_CAPACITY);', replace: 'cht = cht_allocate(2, BACKEND_CAPACITY);' }] });
    const neverShown = [
      'import balanced',
      'if received_on_port == EXT_DEVICE and not flow_emap.has(flow):',
      '    hash = _LoadBalancedFlow_hash(flow)',
      '    if backend_ip_emap.has_idx(0) and backend_ip_emap.choose_with_cht(cht, hash) == 1:',
      '        return ([], [])',
    ];
    const alone = firstFailure(await tiny.check('never_shown_alone', neverShown.join('\n')));
    // A client of a known flow is forwarded, not dropped: a failure on a later path, with no choice the table lacks.
    const shown = firstFailure(await tiny.check('known_flow_dropped', ['import balanced', 'if received_on_port == EXT_DEVICE and flow_emap.has(flow):', '    return ([], [])'].join('\n')));
    assert.equal(alone.cht?.outcome, 'never-shown');
    assert.ok(alone.trace < shown.trace, `the never-shown failure (trace ${alone.trace}) comes first in the search (the shown one: trace ${shown.trace})`);
    const both = firstFailure(await tiny.check('both', [...neverShown, 'if received_on_port == EXT_DEVICE and flow_emap.has(flow):', '    return ([], [])'].join('\n')));
    assert.notEqual(both.cht?.outcome, 'never-shown', JSON.stringify(both.cht));
    assert.equal(both.trace, shown.trace);
    assert.equal(both.replay.reproduced, true, both.replay.observed);
  });
});

describe("the replay's cht: the table the choices were made for, choosing as the counterexample says", () => {
  /** A run-time with backend emap 0 (indices 0 and 1 live) and a cht of `height` rows over 4 backends at handle 1. */
  const runTime = (height: number) => {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const libvig = createLibVig(memory);
    const { imports } = libvig;
    imports.emap_allocate(4, 4);
    imports.cht_allocate(height, 4);
    for (const address of [1, 2]) {
      new DataView(memory.buffer).setUint32(64, address, true);
      imports.emap_add(0, 64, 0n);
    }
    return { libvig, memory, imports };
  };
  const hash = 12345;

  test("the run-time's own choice passes; another one stops the NF's call, saying what each chose", () => {
    const { libvig, memory, imports } = runTime(7);
    const table = libvig.objects[1] as Cht;
    const real = table.findBackend(hash, (b) => b < 2);
    seedState(libvig, memory, [{ kind: 'cht', handle: 1, height: 7, capacity: 4, choices: [{ hash, backend: real }] }], 0n);
    assert.equal(imports.cht_find_backend(1, hash, 0), real);
    const other = runTime(7);
    seedState(other.libvig, other.memory, [{ kind: 'cht', handle: 1, height: 7, capacity: 4, choices: [{ hash, backend: 1 - real }] }], 0n);
    assert.throws(() => other.imports.cht_find_backend(1, hash, 0), new RegExp(`chose backend ${real} for hash 0x00003039, where the counterexample has backend ${1 - real}`));
    assert.equal(other.imports.cht_find_backend(1, hash + 1, 0), (other.libvig.objects[1] as Cht).findBackend(hash + 1, (b) => b < 2), 'a hash the counterexample has no choice for');
  });

  test('a table of another configuration than the refinement assumed is refused', () => {
    const { libvig, memory } = runTime(5);
    assert.throws(() => seedState(libvig, memory, [{ kind: 'cht', handle: 1, height: 7, capacity: 4, choices: [] }], 0n), /has 5 rows over 4 backends, the counterexample's choices were made for 7 rows over 4/);
  });
});
