// Traces on disk: read back, they are the same terms (interned), properties check the same way, and a damaged
// file is ignored rather than trusted.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildNf } from '../../toolchain/build.ts';
import { Solver } from '../../engine/solver/z3.ts';
import { analyzeSpec } from '../../engine/spec/frontend/index.ts';
import { exploreNf } from '../../engine/nf/explore-nf.ts';
import { checkSpec } from '../../engine/validate/check.ts';
import { loadTraces, saveTraces, traceCacheFile } from '../../engine/session/trace-cache.ts';
import { isSpecObject, objectsOf } from '../../engine/contracts/index.ts';

const LEARNER = fileURLToPath(new URL('../programs/nfs/learner', import.meta.url));

test('explored traces survive the disk: same terms, same verdicts; damaged files are ignored', async () => {
  const build = await buildNf(LEARNER);
  const explored = await exploreNf(build);
  const file = join(mkdtempSync(join(tmpdir(), 'vigor-traces-')), 'learner.json');
  saveTraces(file, explored);
  const loaded = loadTraces(file, build)!;
  assert.ok(loaded, 'read back');
  assert.equal(loaded.traces.length, explored.traces.length);
  loaded.traces.forEach((trace, i) => {
    const original = explored.traces[i]!;
    assert.equal(trace.pathCondition.length, original.pathCondition.length);
    trace.pathCondition.forEach((t, j) => assert.equal(t, original.pathCondition[j], `trace ${i + 1}: the same interned term`));
    assert.deepEqual(trace.decisions, original.decisions);
    const versions = (state: typeof trace.final) => objectsOf(state).filter(isSpecObject).map((o) => o.version.key$);
    assert.deepEqual(versions(trace.final), versions(original.final), 'the same ghost versions');
  });

  const solver = await Solver.create();
  const check = async (text: string, run: typeof explored) => {
    const analysis = analyzeSpec({ name: 'p', file: 'p.py', text, manifest: build.manifest });
    assert.ok(analysis.ok);
    return checkSpec(run, analysis.spec, solver);
  };
  const wrong = 'h = pop_header(ether, on_mismatch=([], []))\nreturn ([received_on_port], [ether(h)])\n';
  const fromDisk = await check(wrong, loaded);
  const fromExploration = await check(wrong, explored);
  assert.equal(fromDisk.verdict, 'fails');
  assert.deepEqual(fromDisk.failures[0]!.failed, fromExploration.failures[0]!.failed);
  assert.equal((await check('if packet_size < 14:\n    return ([], [])\n', loaded)).verdict, 'holds');

  writeFileSync(file, '{"format": 2, "terms": [');
  assert.equal(loadTraces(file, build), null);
  assert.match(traceCacheFile(build, 'nf'), /\.cache\/traces\/[0-9a-f]{24}\.json$/);
});
