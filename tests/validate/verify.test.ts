// Properties proven against NF traces, and refuted with counterexamples: correct NFs and specs hold, seeded
// bugs and wrong specs fail with the claim that breaks, and invalid specs say where and why.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildNf, type Variant } from '../../toolchain/build.ts';
import * as T from '../../engine/solver/term.ts';
import { exploreNf, inputFromModel } from '../../engine/nf/explore-nf.ts';
import { Interrupted } from '../../engine/symbex/violations.ts';
import { MAX_BRACKET_DEPTH, MAX_EXPRESSION_DEPTH } from '../../engine/spec/frontend/nesting.ts';
import { type PropertyResult, VerificationSession } from '../../engine/session/session.ts';
import { formatPropertyResult } from '../../engine/render/property.ts';

const nf = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const NOP = nf('../nfs/nop');
const LEARNER = nf('programs/nfs/learner');

function failed(result: PropertyResult) {
  assert.equal(result.verdict, 'fails', JSON.stringify(result, (_, v) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 500));
  if (result.verdict !== 'fails') throw new Error('unreachable');
  return result.failures[0]!;
}

/** The session's traces replaced by those of a patched copy of the NF (a seeded bug). */
async function withBug(session: VerificationSession, variant: Variant): Promise<VerificationSession> {
  const build = await buildNf(session.nfDir, { variant });
  const exploration = await exploreNf(build);
  return Object.assign(Object.create(Object.getPrototypeOf(session)), session, { build, exploration, cells: new Map() });
}

describe('nop', () => {
  let session: VerificationSession;
  before(async () => (session = await VerificationSession.open(NOP)));

  test('spec.py and the function-dialect property hold', async () => {
    for (const file of ['spec.py', 'properties/forward_fn.py']) {
      const result = await session.checkFile(`${NOP}/${file}`);
      assert.equal(result.verdict, 'holds', file);
    }
  });

  test('a wrong claim fails: output devices, with the spec line and a counterexample', async () => {
    const failure = failed(await session.check('same_port', '# wrong on purpose\nif packet_size < 14:\n    return ([], [])\nreturn ([received_on_port], [])\n'));
    assert.deepEqual(failure.failed, ['output devices (device 0)', 'output devices (device 1)']);
    assert.equal(failure.specLine?.line, 4);
    const input = inputFromModel(failure.model);
    assert.equal(failure.nfOutput, BigInt(1 - input.device), 'the NF sent the frame to the other device');
  });

  test('a failing assert is a counterexample at its line', async () => {
    const failure = failed(await session.check('early', 'if received_on_port == 1:\n    assert now > 1000\nif packet_size < 14:\n    return ([], [])\nreturn ([1 - received_on_port], [])\n'));
    assert.deepEqual(failure.failed, ['assert']);
    assert.equal(failure.specLine?.line, 2);
    const input = inputFromModel(failure.model);
    assert.equal(input.device, 1);
    assert.ok(input.now <= 1000n);
  });

  test('a field read on a number says it is one, and where records come from', async () => {
    const result = await session.check('field_of_number', 'if a_packet_received:\n    x = now.port\n');
    assert.equal(result.verdict, 'invalid');
    const error = result.verdict === 'invalid' ? result.errors[0]! : undefined;
    assert.equal(error?.line, 2);
    assert.match(error?.message ?? '', /^AttributeError: <symbolic integer in 0\.\.\d+> is a number, not a record or a header: it has no field 'port' \(an emap's get gives an index/);
  });

  test('decisions inside an imported property show its file, each line once', async () => {
    await session.check('port_zero', 'from_zero = received_on_port == 0 and now > 5 and packet_size > 20\nif from_zero:\n    pass\n', '/specs/port_zero.py');
    const result = await session.check('uses_port_zero', 'import port_zero\nif from_zero:\n    return ([received_on_port], [])\n');
    const failure = failed(result);
    assert.ok(failure.specDecisionLines.some((at) => at.file === '/specs/port_zero.py' && at.line === 1), JSON.stringify(failure.specDecisionLines));
    const decisions = /after decisions at (.*)/.exec(formatPropertyResult(session.exploration, result))?.[1]?.split(', ') ?? [];
    assert.deepEqual(decisions.filter((at) => at.startsWith('/specs/port_zero.py:1:')).length, 1, decisions.join(', '));
  });

  test('mem over hundreds of constants is exact at the edges of its ranges and of its search tree', async () => {
    // A run of consecutive values (a range test) among scattered ones (a search tree), unsorted, one repeated.
    const run = Array.from({ length: 50 }, (_, i) => 1000 + i);
    const scattered = Array.from({ length: 251 }, (_, i) => 5000 + 7 * i * i + (i % 3));
    const values = [...scattered.slice(100), ...run, ...scattered.slice(0, 100), scattered[7]!];
    const sorted = [...new Set(values)].sort((a, b) => a - b);
    const [low, high, pivot, belowPivot] = [sorted[0]!, sorted.at(-1)!, sorted[sorted.length >> 1]!, sorted[(sorted.length >> 1) - 1]!];
    const gap = scattered[120]! + 1;
    assert.ok(!values.includes(gap) && !values.includes(1050) && values.includes(pivot));
    const check = (claim: string) => session.check('listed', `L = [${values.join(', ')}]\nassert ${claim}\n`);
    for (const claim of [`not mem(now, L) or ${low} <= now <= ${high}`, 'mem(now, L) or now != 1020', 'not mem(now, L + [packet_size]) or now <= ' + high + ' or now == packet_size']) {
      assert.equal((await check(claim)).verdict, 'holds', claim);
    }
    const refutations: [string, number][] = [[`not mem(now, L) or now < ${high}`, high], [`not mem(now, L) or now != ${pivot}`, pivot],
      [`not mem(now, L) or now != ${belowPivot}`, belowPivot], ['not mem(now, L) or now != 1049', 1049], ['mem(now, L) or now != 1050', 1050], [`mem(now, L) or now != ${gap}`, gap], ['mem(now, [5, 2, 1, 4]) or now != 3', 3]];
    for (const [claim, now] of refutations) {
      assert.equal(inputFromModel(failed(await check(claim)).model).now, BigInt(now), claim);
    }
  });

  test('`in` and `not in` over a list are one condition each, not a spec path per element', async () => {
    const list = `L = [${Array.from({ length: 300 }, (_, i) => 7 * i).join(', ')}]\n`;
    const result = await session.check('listed_in', `${list}if now in L:\n    assert now % 7 == 0\nif now not in L:\n    assert now % 7 != 0 or now >= 2100\nassert now not in range(3, 3) and (now in range(5, 6)) == (now == 5)\n`);
    assert.equal(result.verdict, 'holds');
    assert.ok(result.specPaths <= 12, `${result.specPaths} spec paths`);
    const { now } = inputFromModel(failed(await session.check('listed_in_wrong', `${list}if now in L:\n    assert now % 14 == 0\n`)).model);
    assert.ok(now % 14n === 7n && now < 2100n, `now ${now} is in L and not a multiple of 14`);
  });

  test('the deepest expression the front-end lets through compiles and runs, in a function\'s nested blocks', async () => {
    // assert (((a + ... + a))) >= 0: the comparison, the sums and the attribute read each nest once, as deep as
    // allowed; inside brackets as deep as allowed (brackets are no level of Python's syntax tree).
    const chain = Array(MAX_EXPRESSION_DEPTH - 1).fill('packet.device').join(' + ');
    const bracketed = `${'('.repeat(MAX_BRACKET_DEPTH)}${chain}${')'.repeat(MAX_BRACKET_DEPTH)}`;
    const text = `def spec(packet, config, transmitted_packet):\n    if packet.device == 0:\n        for i in range(1):\n            assert ${bracketed} >= 0\n`;
    assert.equal((await session.check('deepest', text)).verdict, 'holds');
  });

  test('the deepest brackets the front-end lets through compile, in a statement-dialect return', async () => {
    // The return's own list is one level; the rewrite's `_returned((...))` adds two more, which the limit allows for.
    const depth = MAX_BRACKET_DEPTH - 1;
    const text = `if packet_size < 14:\n    return ([], [])\nreturn ${'('.repeat(depth)}[1 - received_on_port], []${')'.repeat(depth)}\n`;
    assert.equal((await session.check('deepest_brackets', text)).verdict, 'holds');
  });

  test('function dialect: a failing assert', async () => {
    const failure = failed(await session.check('fn', 'def spec(packet, config, transmitted_packet):\n    assert transmitted_packet is None\n'));
    assert.deepEqual(failure.failed, ['assert']);
  });
});

describe('MAC learner (stateful)', () => {
  let session: VerificationSession;
  before(async () => (session = await VerificationSession.open(LEARNER)));

  test('its spec and property hold', async () => {
    assert.equal((await session.checkFile(`${LEARNER}/spec.py`)).verdict, 'holds');
    assert.equal((await session.checkFile(`${LEARNER}/properties/short_frames_dropped.py`)).verdict, 'holds');
  });

  test('function dialect with state (ExpiringSet, .old): holds, and a learner that never learns fails it', async () => {
    assert.equal((await session.checkFile(`${LEARNER}/properties/learned_fn.py`)).verdict, 'holds');
    const buggy = await withBug(session, { name: 'never-learn', patches: [{ find: 'source = emap_add(macs, packet + 6, now);', replace: 'source = -1;' }] });
    const failure = failed(await buggy.checkFile(`${LEARNER}/properties/learned_fn.py`));
    assert.deepEqual(failure.failed, ['assert']);
    assert.equal(failure.specLine?.line, 8);
    assert.ok(failure.replay?.reproduced, failure.replay?.observed);
  });

  test('function dialect: a view binds to the emap keyed by its record type, or says why not', async () => {
    const result = await session.check('unbound', 'def spec(packet, config, transmitted_packet):\n    flows = Map(port)\n');
    assert.equal(result.verdict, 'invalid');
    if (result.verdict === 'invalid') assert.match(result.errors[0]!.message, /Map\(port, \.\.\.\) binds to the NF's emap keyed by port, but the manifest has no emap/);
  });

  test('seeded bug, never expiring: the table differs from the spec\'s', async () => {
    const buggy = await withBug(session, { name: 'never-expire', patches: [{ find: 'emap_expire(macs, <i64>(now - MAX_AGE));', replace: '' }] });
    const failure = failed(await buggy.checkFile(`${LEARNER}/spec.py`));
    assert.ok(failure.failed.some((f) => f.startsWith('macs:')), failure.failed.join());
  });

  test('seeded bug, forwarding back out of the input port: output devices', async () => {
    const buggy = await withBug(session, { name: 'hairpin', patches: [{ find: 'return port == device ? DROP : port;', replace: 'return port;' }] });
    const failure = failed(await buggy.checkFile(`${LEARNER}/spec.py`));
    assert.ok(failure.failed.some((f) => f.startsWith('output devices')));
    const input = inputFromModel(failure.model);
    assert.equal(failure.nfOutput, BigInt(input.device), 'the NF sends the frame back where it came from');
  });

  test('seeded bug, flooding a known destination', async () => {
    const buggy = await withBug(session, { name: 'flood-known', patches: [{ find: 'if (destination < 0) return FLOOD;', replace: 'return FLOOD;' }] });
    const failure = failed(await buggy.checkFile(`${LEARNER}/spec.py`));
    assert.ok(failure.failed.some((f) => f.startsWith('output devices')));
    assert.equal(failure.nfOutput, 0xfffffffen);
    const frame = inputFromModel(failure.model).packet;
    const address = (at: number) => frame.subarray(at, at + 6).reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
    const knownBefore = T.evaluate(T.apply('macs.has', [T.bv(address(0), 48)], T.BOOL), failure.model) === 1n;
    assert.ok(knownBefore || address(0) === address(6), 'in the counterexample, the destination is known (before, or learned from this very frame)');
  });

  test('a property defined in the session is importable by a later one', async () => {
    assert.equal((await session.check('short', 'if packet_size < 14:\n    return ([], [])\n')).verdict, 'holds');
    assert.equal((await session.check('uses_short', 'import short\nreturn ...\n')).verdict, 'invalid', 'a bare ... is not (ports, headers): a run-time spec error');
    assert.equal((await session.check('uses_short2', 'import short\npass\n')).verdict, 'holds');
  });
});

describe('invalid specs: line, column and what is wrong, before anything runs', () => {
  let session: VerificationSession;
  before(async () => (session = await VerificationSession.open(LEARNER)));

  const cases: [string, string, number, number, RegExp][] = [
    ['syntax error', 'x = \nreturn ([], [])\n', 1, 5, /expected an expression/],
    ['unknown state name', 'from state import mac\n', 1, 19, /mac/],
    ['unknown header field', 'h = pop_header(ether, on_mismatch=([], []))\nif h.source == 1:\n    pass\n', 2, 6, /source/],
    ['wrong constructor arity', 'from state import ports\nports.set(0, portc(1, 2))\n', 2, 14, /portc/],
  ];
  for (const [what, text, line, column, message] of cases) {
    test(what, async () => {
      const result = await session.check(what.replace(/ /g, '_'), text);
      assert.equal(result.verdict, 'invalid');
      if (result.verdict !== 'invalid') return;
      const [error] = result.errors;
      assert.equal(error!.line, line, error!.message);
      assert.equal(error!.column, column, error!.message);
      assert.match(error!.message, message);
      assert.doesNotMatch(error!.message, /at .*\.ts:\d+/, 'no engine stack trace');
    });
  }

  test('ordering truth values is the spec\'s mistake, reported at its line', async () => {
    const result = await session.check('ordered', 'if (now == 1) < (now == 2):\n    pass\n');
    assert.equal(result.verdict, 'invalid');
    if (result.verdict === 'invalid') {
      assert.equal(result.errors[0]!.line, 1);
      assert.match(result.errors[0]!.message, /truth values cannot be ordered/);
    }
  });

  test('a Python exception while the spec runs is reported at its line', async () => {
    const result = await session.check('boom', 'h = pop_header(ether, on_mismatch=([], []))\nx = [1, 2][h.type]\n');
    assert.equal(result.verdict, 'invalid');
    if (result.verdict === 'invalid') {
      assert.equal(result.errors[0]!.line, 2);
      assert.match(result.errors[0]!.message, /symbolic value cannot be used as a Python integer/);
    }
  });
});

describe('interruption and progress', () => {
  test('a stop request ends exploration and checking with Interrupted; an interrupted exploration is not cached', async () => {
    const variant = { name: 'interrupt-me', patches: [{ find: 'return FLOOD;', replace: 'return FLOOD; // interrupted' }] };
    const build = await buildNf(LEARNER, { variant });
    await assert.rejects(exploreNf(build, { shouldStop: () => true }), Interrupted);
    const session = await VerificationSession.open(LEARNER);
    let updates = 0;
    await assert.rejects(session.checkFile(`${LEARNER}/spec.py`, { shouldStop: () => ++updates > 3 }), Interrupted);
    const progress: number[] = [];
    const result = await session.checkFile(`${LEARNER}/spec.py`, { progress: (p) => progress.push(p.done) });
    assert.equal(result.verdict, 'holds', 'the session stays usable');
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), 'progress only grows');
    assert.ok(progress.length >= session.exploration.traces.length);
  });
});

describe('pay-as-you-go', () => {
  test('a second session on the same NF binary re-uses its traces', async () => {
    const first = await VerificationSession.open(LEARNER);
    const second = await VerificationSession.open(LEARNER);
    assert.equal(second.exploration, first.exploration);
  });
});
