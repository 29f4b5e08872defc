// Every trace is real: its model, replayed concretely in V8 and in the engine's own interpreter, follows that
// trace and produces the predicted output and frame bytes.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildNf, type NfBuild } from '../../toolchain/build.ts';
import { traceOutput } from '../../engine/render/exploration.ts';
import * as T from '../../engine/solver/term.ts';
import { exploreNf, finalPacketBytes, inputFromModel, type NfExploration, runNfConcretely } from '../../engine/nf/explore-nf.ts';
import { loadNf } from '../../libvig/load-nf.ts';
import { replayTrace } from '../../engine/session/replay.ts';

const nfDir = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

async function explored(path: string): Promise<{ build: NfBuild; run: NfExploration }> {
  const build = await buildNf(nfDir(path));
  return { build, run: await exploreNf(build) };
}

/** Replays every trace in V8 (when the NF has no state, V8 can start from it) and in the engine's interpreter. */
function replayEveryTrace(build: NfBuild, run: NfExploration, options: { v8: boolean } = { v8: true }): void {
  assert.equal(run.violations.length, 0, 'no violations');
  const signatures = new Set<string>();
  for (const [i, trace] of run.traces.entries()) {
    const input = inputFromModel(trace.model);
    const result = trace.results[0]!;
    const predictedOutput = Number(BigInt.asIntN(32, typeof result === 'object' ? T.evaluate(result, trace.model) : BigInt(result)));
    const predictedFrame = finalPacketBytes(trace.final.packet!, input.length, trace.model);

    if (options.v8) {
      const v8 = loadNf(build).process(input.device, input.packet, input.now);
      assert.equal(v8.output, predictedOutput, `trace ${i + 1}: V8 output`);
      assert.deepEqual(v8.frame, predictedFrame, `trace ${i + 1}: V8 frame bytes`);
    }

    const replay = runNfConcretely(build, input, { model: trace.model });
    assert.equal(replay.traces.length, 1, `trace ${i + 1}: the concrete replay has one path`);
    assert.deepEqual(replay.traces[0]!.decisions, trace.decisions, `trace ${i + 1}: the concrete replay takes the same branches`);
    const replayed = replay.traces[0]!.results[0]!;
    assert.equal(Number(BigInt.asIntN(32, typeof replayed === 'object' ? T.evaluate(replayed, trace.model) : BigInt(replayed))), predictedOutput, `trace ${i + 1}: replayed output`);
    signatures.add(trace.decisions.join(','));
  }
  assert.equal(signatures.size, run.traces.length, 'traces are distinct paths');
}

describe('path test: models replayed concretely follow their traces', () => {
  let nop: { build: NfBuild; run: NfExploration };
  let parser: { build: NfBuild; run: NfExploration };
  let learner: { build: NfBuild; run: NfExploration };
  before(async () => {
    nop = await explored('nfs/nop');
    parser = await explored('tests/programs/nfs/parser');
    learner = await explored('tests/programs/nfs/learner');
  });

  test('nop: one trace, output 1 - device', () => {
    assert.equal(nop.run.traces.length, 1);
    replayEveryTrace(nop.build, nop.run);
  });

  test('parsing-heavy NF: every trace replays in V8 and in the interpreter', () => {
    // Every outcome of the NF is reached: drop, bridged, steered by port, flooded.
    const outputs = new Set(parser.run.traces.map((t) => traceOutput(parser.run, t)));
    for (const expected of ['DROP', '(1 - device)', '1', 'FLOOD']) assert.ok(outputs.has(expected), `some trace outputs ${expected}`);
    replayEveryTrace(parser.build, parser.run);
  });

  test('MAC learner (libVig state): every trace replays in the interpreter from its model\'s state', () => {
    const calls = new Set(learner.run.traces.map((t) => t.calls.map((c) => c.name).join(',')));
    assert.ok(calls.has('emap_expire,emap_get,emap_add,vector_set,emap_get,vector_get'), 'a trace learns and forwards');
    assert.ok(calls.has('emap_expire,emap_get,emap_refresh,vector_set,emap_get'), 'a trace refreshes and floods');
    replayEveryTrace(learner.build, learner.run, { v8: false });
  });

  test('MAC learner: every trace\'s model, seeded into the run-time libVig, gives the predicted output in V8', () => {
    for (const [i, trace] of learner.run.traces.entries()) {
      const result = trace.results[0]!;
      const predicted = typeof result === 'object' ? T.evaluate(result, trace.model) : BigInt(result);
      const replay = replayTrace(learner.run, { trace: i, model: trace.model, terms: trace.pathCondition });
      assert.ok(replay.reproduced, `trace ${i + 1}: ${replay.observed}, predicted ${predicted}`);
    }
  });
});
