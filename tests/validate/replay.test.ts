// Replays check everything a counterexample claims on the run-time NF: a replay that contradicts the trace in
// the frame's headers or in the state after the packet is not reproduced and says what differed; a packet
// over-read traps against the end of memory; an endless loop is stopped at the replay's bound.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildNf } from '../../toolchain/build.ts';
import { exploreNf, INPUT, inputFromModel, type NfExploration } from '../../engine/nf/explore-nf.ts';
import { objectsOf } from '../../engine/contracts/index.ts';
import { EmapQueries } from '../../engine/ghost/emap.ts';
import { replayTrace, replayViolation } from '../../engine/session/replay.ts';
import * as T from '../../engine/solver/term.ts';
import type { Assignment } from '../../engine/solver/term.ts';

const nf = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const ROOT = nf('..');
const NOP = nf('../nfs/nop');
const LEARNER = nf('programs/nfs/learner');
const OVERRUN = nf('programs/nfs/overrun');

/** A model whose input is `frame` on device 0 at time 0. */
function inputModel(frame: number[]): Assignment {
  const model = T.emptyAssignment();
  model.scalars.set('device', 0n).set('length', BigInt(frame.length)).set('now', 0n);
  model.arrays.set('packet', { entries: new Map(frame.map((b, i) => [i, b])), fallback: 0 });
  return model;
}

/** An Ethernet frame carrying an IPv4 header with TTL 63. */
const IPV4_FRAME = [...[0, 1, 2, 3, 4, 5], ...[6, 7, 8, 9, 10, 11], 0x08, 0x00, 0x45, 0, 0, 20, 0, 0, 0, 0, 63, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];

describe('replays check the frame and the state', () => {
  test('a trace whose final frame says TTL 64 where the NF sends 63 is not reproduced, and says so', async () => {
    const run = await exploreNf(await buildNf(NOP));
    const claim = { trace: 0, model: inputModel(IPV4_FRAME), terms: run.traces[0]!.pathCondition };
    const faithful = replayTrace(run, claim);
    assert.ok(faithful.reproduced, faithful.observed);
    // The expected frame corrupted: the trace now claims the NF writes TTL 64.
    const final = run.traces[0]!.final.clone();
    final.packet!.write(14 + 8, 64);
    const corrupted: NfExploration = { ...run, traces: [{ ...run.traces[0]!, final }] };
    const replay = replayTrace(corrupted, claim);
    assert.equal(replay.reproduced, false);
    assert.equal(replay.observed, 'the run-time NF returned device 1 as predicted, but sent ipv4.ttl 63 where the trace predicts 64');
  });

  test('a binary that does not learn contradicts a trace that learns: the key the trace adds is absent', async () => {
    const run = await exploreNf(await buildNf(LEARNER));
    // A trace that learns the source and floods (so the destination is another address).
    const index = run.traces.findIndex((t) => t.calls.map((c) => c.name).join() === 'emap_expire,emap_get,emap_add,vector_set,emap_get');
    const trace = run.traces[index]!;
    // The claim: after the packet the table holds the source address, at the index the add took.
    const macs = objectsOf(trace.final).find((o) => o.name === 'macs')!;
    assert.equal(macs.kind, 'emap');
    if (macs.kind !== 'emap') return;
    const key = T.variable('macs.any_key', 48);
    const queries = new EmapQueries({ now: INPUT.now }, []);
    const source = inputFromModel(trace.model).packet.slice(6, 12).reduceRight((sum, byte) => (sum << 8n) | BigInt(byte), 0n);
    const claim = {
      trace: index,
      model: { ...trace.model, scalars: new Map(trace.model.scalars).set('macs.any_key', source) },
      terms: [...trace.pathCondition, queries.has(macs.version, key), queries.index(macs.version, key)],
    };
    const learns = replayTrace(run, claim);
    // The unpatched binary learns the key too, at the index the trace predicts.
    assert.ok(learns.reproduced, learns.observed);
    assert.match(learns.observed, /^the run-time NF returned FLOOD as predicted, with the predicted frame, and the state after the packet is as predicted/);

    const forgetful = await buildNf(LEARNER, { variant: { name: 'never-learns', patches: [{ find: 'source = emap_add(macs, packet + 6, now);', replace: 'source = -1;' }] } });
    const replay = replayTrace({ ...run, build: forgetful }, claim);
    assert.equal(replay.reproduced, false);
    assert.match(replay.observed, /^the run-time NF returned FLOOD as predicted, but after the packet macs's key mac\("[0-9a-f:]{17}"\) is absent where the trace predicts at index \d$/);
  });
});

describe('violations replay with their evidence', () => {
  test('a packet over-read traps against the end of memory: reproduced', async () => {
    const run = await exploreNf(await buildNf(OVERRUN));
    const overrun = run.violations.find((v) => v.kind === 'packet-overrun')!;
    const replay = replayViolation(run, overrun);
    assert.ok(replay.reproduced, replay.observed);
    assert.match(replay.observed, /out of bounds/);
  });

  test('vigor verify on an NF with an endless loop ends at the bound and reports the hang as reproduced', () => {
    const run = spawnSync('npx', ['--no-install', 'vigor', 'verify', 'tests/programs/nfs/spin'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.signal, null, 'vigor verify ended by itself');
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /VIOLATION \(hang\)/);
    assert.match(run.stdout, /replay on the run-time NF: reproduced, the run-time NF did not return within 1 s, the replay's bound, and was stopped/);
  });
});
