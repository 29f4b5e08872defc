// `a_packet_received` false: under the I/O loop (`--layers full`) every statement-dialect spec is also run against
// the stack's iteration that received no packet (nothing sent, state as found, the clock read), its failures
// are counterexamples of that iteration, replayed as one poll of the stacked .wasm on a device that received
// nothing (which calls no NF and sends nothing), and `--layers nf` says it did not run the branch.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { formatPropertyResult } from '../../engine/render/property.ts';
import { type PropertyResult, VerificationSession } from '../../engine/session/session.ts';
import { runIdlePoll } from '../../engine/session/idle-poll.ts';
import { replayIdlePoll } from '../../engine/session/stack-replay.ts';
import { analyzeSpec, propertiesFolder } from '../../engine/spec/frontend/index.ts';
import { Solver } from '../../engine/solver/z3.ts';
import { checkSpec } from '../../engine/validate/check.ts';
import { buildStackedNf, type StackVariant } from '../../toolchain/build.ts';
import { holds, refuted } from '../validate/variants.ts';
import { nfDir } from './helpers.ts';

const BRIDGE = nfDir('bridge');

/** The failure of a spec that fails on the iteration without a packet, and only there. */
function refutedWithoutPacket(result: PropertyResult) {
  const failure = refuted(result);
  assert.equal(failure.iteration, 'no packet');
  assert.ok(failure.replay.reproduced, failure.replay.observed);
  assert.match(failure.replay.observed, /^one poll of the stacked \.wasm on a device that received nothing: the NF was not called \(no libVig call\), nothing was sent/);
  return failure;
}

describe('--layers full runs the spec with a_packet_received false', () => {
  let full: VerificationSession;
  let nf: VerificationSession;
  before(async () => {
    [full, nf] = await Promise.all([VerificationSession.open(BRIDGE, { layers: 'full' }), VerificationSession.open(BRIDGE, { layers: 'nf' })]);
  });

  test('a false branch that claims what the iteration does (no output, no change) holds', async () => {
    const result = await full.check('idle_drops', 'from state import dyn_emap, stat_emap\nif not a_packet_received:\n    return ([], [])\npass\n');
    holds(result);
    assert.equal(result.verdict === 'holds' && result.noPacket, 'checked');
  });

  test('a false branch that claims an output fails with the no-packet counterexample, in words', async () => {
    const result = await full.check('idle_sends', 'if not a_packet_received:\n    return ([1], [])\npass\n');
    const failure = refutedWithoutPacket(result);
    assert.deepEqual(failure.failed, ['output devices (device 1)']);
    const text = formatPropertyResult(full.exploration, result);
    // Under --layers full too, the spec's traces are nf_process's (the header once said "NF layers").
    assert.match(text, /^idle_sends: FAILS on bridge \(\d+ traces of nf_process, \d+ spec paths, /);
    assert.match(text, /counterexample: an iteration of the stack that received no packet, time t0 = \d+ ns/);
    assert.match(text, /the NF: nothing sent: the NF was not called; the spec requires devices 1/);
    assert.match(text, /spec: idle_sends\.py:2:5/);
    assert.doesNotMatch(text, /NF path:/);
  });

  test('a false branch that claims a state change the NF does not make fails, naming the entry', async () => {
    const result = await full.check('idle_forgets', 'from state import dyn_emap\nif not a_packet_received:\n    dyn_emap.erase(mac("02:00:00:00:00:01"))\n    return ([], [])\npass\n');
    const failure = refutedWithoutPacket(result);
    assert.ok(failure.failed.includes('dyn_emap: which keys are present'), failure.failed.join('; '));
    assert.ok(failure.differences.some((d) => d.object === 'dyn_emap' && d.kind === 'key' && d.nf.present && !d.spec.present));
    assert.match(formatPropertyResult(full.exploration, result), /after the iteration: dyn_emap, key mac\("02:00:00:00:00:01"\): the NF has it at index \d+, the spec no entry for it/);
  });

  test('the same specs hold with --layers nf, whose result says the false branch was not checked', async () => {
    for (const text of ['if not a_packet_received:\n    return ([1], [])\npass\n', 'from state import dyn_emap\nif not a_packet_received:\n    dyn_emap.erase(mac("02:00:00:00:00:01"))\npass\n']) {
      const result = await nf.check('idle_claims', text);
      holds(result);
      assert.equal(result.verdict === 'holds' && result.noPacket, 'not at these layers');
      assert.match(formatPropertyResult(nf.exploration, result), /^ {2}a_packet_received false: NOT checked: these layers hold no I\/O loop/m);
    }
    // A spec that never names it has nothing to be misread: no note.
    const plain = await nf.check('plain', 'h = pop_header(ether, on_mismatch=([], []))\npass\n');
    assert.equal(plain.verdict === 'holds' && plain.noPacket, null);
  });

  test('without a packet there are no headers: pop_header returns its on_mismatch', async () => {
    holds(await full.check('pops', 'from state import dyn_emap\nh = pop_header(ether, on_mismatch=([], []))\npass\n'));
    refutedWithoutPacket(await full.check('pops_send', 'if not a_packet_received:\n    h = pop_header(ether, on_mismatch=([0], []))\n    return ([], [])\npass\n'));
  });

  test('the packet\'s inputs are a spec error there, at the statement, saying what to write', async () => {
    for (const [name, use] of [['received_on_port', 'received_on_port == 1'], ['packet_size', '14 <= packet_size'], ['the_index_allocated', 'the_index_allocated + 1']] as const) {
      const result = await full.check('reads', `if not a_packet_received:\n    x = 0\n    y = ${use}\npass\n`);
      assert.equal(result.verdict, 'invalid', JSON.stringify(result, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 300));
      if (result.verdict !== 'invalid') continue;
      assert.equal(result.errors[0]!.line, 3);
      assert.match(formatPropertyResult(full.exploration, result), /\n {4}raised on an iteration of the stack that received no packet \(the NF not called\), time t0 = \d+ ns$/);
      assert.match(result.errors[0]!.message, new RegExp(`^SpecError: ${name} is the received packet's, and this iteration of the stack received none \\(a_packet_received is false\\): use it under \`if a_packet_received:\``));
    }
    holds(await full.check('guarded', 'if a_packet_received:\n    assert received_on_port < 2 and packet_size >= 0\n'));
  });

  test('the clock was read: now is any time, stamps before it; expire_all changes nothing without a packet', async () => {
    refutedWithoutPacket(await full.check('idle_early', 'if not a_packet_received:\n    assert now < 1000000\n'));
    // The bridge expires only when called; an eager expiry here would remove the stale entries the state may hold.
    holds(await full.check('ages_idle', 'from state import dyn_emap\nif not a_packet_received:\n    dyn_emap.expire_all(now - expiration_time)\n    return ([], [])\npass\n'));
  });

  test('a function-dialect spec speaks of one packet: not run without one, and the result says so', async () => {
    const result = await full.check('fn', 'def spec(packet, config, transmitted_packet):\n    assert a_packet_received\n');
    holds(result);
    assert.equal(result.verdict === 'holds' && result.noPacket, 'function dialect');
  });
});

describe('the NFs\' specs hold with a_packet_received false (the NAT\'s, firewall\'s and load balancer\'s age their tables on every iteration)', () => {
  // The iteration without a packet needs the NF layer's objects only; the poll's side (nothing sent, nf_process
  // not called) is the full layer's proof, tests/stack-verification's. Exploring the stack under these costs minutes.
  for (const name of ['nop', 'bridge', 'nat', 'fw', 'lb']) {
    test(`${name}: spec.py`, async () => {
      const session = await VerificationSession.open(nfDir(name), { layers: 'nf' });
      const file = `${nfDir(name)}/spec.py`;
      const analysis = analyzeSpec({ name: 'spec', file, text: readFileSync(file, 'utf8'), manifest: session.build.manifest, lookupProperty: propertiesFolder(nfDir(name)) });
      assert.ok(analysis.ok);
      const checked = await checkSpec(session.exploration, analysis.spec, await Solver.create(), { ioLoop: true });
      assert.equal(checked.noPacket, 'checked');
      assert.equal(checked.verdict, 'holds', JSON.stringify(checked.failures.map((f) => [f.iteration, f.failed])));
      // Its no-packet paths ran: one per table aged, at least, beyond the packets'.
      const packetsOnly = await checkSpec(session.exploration, analysis.spec, await Solver.create());
      assert.ok(checked.specPaths > packetsOnly.specPaths, `${checked.specPaths} spec paths, ${packetsOnly.specPaths} without the iteration`);
    });
  }
});

/** One poll of the stacked NAT on a device that never finishes a descriptor (the replay of a no-packet failure). */
async function idlePoll(stackVariant?: StackVariant) {
  const outcome = runIdlePoll({ kind: 'idle-poll', nf: await buildStackedNf(nfDir('nat'), { stackVariant }) });
  assert.equal(outcome.kind, 'ran', JSON.stringify(outcome));
  return outcome as Extract<typeof outcome, { kind: 'ran' }>;
}

describe('a poll of the stacked .wasm with no frame on any device', () => {
  test('calls no libVig (the NAT\'s nf_process expires first thing), sends nothing and changes none of the NF\'s memory', async () => {
    const poll = await idlePoll();
    assert.equal(poll.libvigCalls, 0);
    assert.equal(poll.txTailWrites, 0);
    assert.equal(poll.nfMemoryChanged, false);
  });

  test('a seeded loop that calls nf_process with no frame is seen', async () => {
    const variant: StackVariant = { name: 'idle-call', file: 'io-loop.ts', patches: [{ find: 'if (from < 0) break;', replace: 'if (from < 0) { nf.process(0, PACKET_BASE, frameMin, clock); break; }' }] };
    const poll = await idlePoll(variant);
    assert.ok(poll.libvigCalls > 0, 'the NF ran');
    // So a no-packet failure replayed on that stack does not reproduce: the NF was called.
    const replay = replayIdlePoll(await buildStackedNf(nfDir('nat'), { stackVariant: variant }));
    assert.equal(replay.reproduced, false, replay.observed);
    assert.match(replay.observed, /the NF ran \(\d+ libVig calls\)/);
  });
});
