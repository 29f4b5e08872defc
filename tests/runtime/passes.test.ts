// A repetition's throughput is its fastest pass, for every implementation: the passes run from JavaScript
// (pass.ts) and the native harness's own passes in C.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadManifest } from '../../nf-abi/index.ts';
import { throughputThenLatency } from '../../runtime/pass.ts';
import { buildNativeHarness, cTwinOf, runNativeHarness } from '../../runtime/native-baseline.ts';
import { generateTraffic, DEFAULT_TRAFFIC } from '../../runtime/traffic.ts';
import type { ProcessedPackets } from '../../runtime/trace.ts';

const work = mkdtempSync(join(tmpdir(), 'vigor-passes-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('the fastest of the throughput passes counts, and the records come from a latency pass after them', () => {
  const times = [30, 10, 20, 5];
  const calls: boolean[] = [];
  const latencyRecords = {} as ProcessedPackets;
  const repeat = throughputThenLatency((timeProbes) => {
    calls.push(timeProbes);
    return { elapsedNs: timeProbes ? 1 : times[calls.length - 1]!, processed: timeProbes ? latencyRecords : ({} as ProcessedPackets) };
  });
  const result = repeat(3);
  assert.deepEqual(calls, [false, false, false, true]);
  assert.equal(result.elapsedNs, 10);
  assert.equal(result.processed, latencyRecords);
});

test('the native harness runs as many throughput passes as asked, and the fastest counts', () => {
  const dir = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));
  const manifest = loadManifest(dir);
  const binary = buildNativeHarness(cTwinOf(dir, manifest)!, manifest);
  const trace = generateTraffic(manifest, { ...DEFAULT_TRAFFIC, packets: 2000, warmup: 200, occupancy: 0.01 });
  const traceFile = join(work, 'trace.bin');
  writeFileSync(traceFile, trace.records);
  const run = spawnSync(binary, [traceFile, String(trace.untimed), join(work, 'out.bin'), '3'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const passTimes = run.stdout.trim().split('\n').map(Number);
  assert.equal(passTimes.length, 3);
  assert.ok(passTimes.every((ns) => ns > 0), run.stdout);
  assert.equal(readFileSync(join(work, 'out.bin')).length, trace.records.length - trace.offsets[trace.untimed]!);

  const refused = spawnSync(binary, [traceFile, String(trace.untimed), join(work, 'out.bin'), '0'], { encoding: 'utf8' });
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /PASSES must be at least 1, not 0/);

  const output = new Uint8Array(trace.records.length - trace.offsets[trace.untimed]!);
  // runNativeHarness checks that it got a time for each pass it asked for.
  const { elapsedNs } = runNativeHarness(binary, trace, output, 4);
  assert.ok(elapsedNs > 0 && Number.isFinite(elapsedNs));
});
