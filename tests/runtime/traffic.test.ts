// The traffic generator keeps the bridge's learning table at the requested occupancy while probes keep
// arriving, as the paper's method requires; the same seed gives the same trace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Emap } from '../../libvig/runtime/index.ts';
import { buildNf } from '../../toolchain/build.ts';
import { loadNf } from '../../libvig/load-nf.ts';
import { MAX_STAGED_FRAME, splitBursts } from '../../runtime/bursts.ts';
import { trafficFromCapture } from '../../runtime/capture-traffic.ts';
import { DEFAULT_TRAFFIC, generateTraffic, mainTableCapacity, TrafficError } from '../../runtime/traffic.ts';

const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));

test('the main table holds occupancy x capacity flows before every packet while new flows arrive', async () => {
  const build = await buildNf(BRIDGE);
  const options = { ...DEFAULT_TRAFFIC, packets: 4000, warmup: 0, newFlowShare: 0.25 };
  const trace = generateTraffic(build.manifest, options);
  const window = Math.floor(options.occupancy * mainTableCapacity(build.manifest));
  assert.equal(trace.untimed, window);
  const nf = loadNf(build);
  const learned = nf.libvig!.objects[0] as Emap;
  const counts = new Set<number>();
  for (let packet = 0; packet < trace.count; packet++) {
    nf.process(trace.device(packet), trace.frame(packet), trace.time(packet));
    if (packet >= window) counts.add(learned.count);
  }
  // After a background packet the window's flows; after a probe one more, until the flow it replaced expires.
  assert.deepEqual([...counts].sort((a, b) => a - b), [window, window + 1]);
  assert.ok(trace.measuredProbes() > 800 && trace.measuredProbes() < 1200, `${trace.measuredProbes()} probes of 4000`);
});

test('the same seed gives the same packets, another seed other packets', async () => {
  const { manifest } = await buildNf(BRIDGE);
  const options = { ...DEFAULT_TRAFFIC, occupancy: 0.01, packets: 2000, warmup: 0 };
  const first = generateTraffic(manifest, options);
  assert.deepEqual(generateTraffic(manifest, options).records, first.records);
  assert.notDeepEqual(generateTraffic(manifest, { ...options, seed: 2 }).records, first.records);
});

test('frame size mixes follow their weights', async () => {
  const { manifest } = await buildNf(BRIDGE);
  const trace = generateTraffic(manifest, { ...DEFAULT_TRAFFIC, occupancy: 0.01, packets: 6000, warmup: 0, sizes: [{ bytes: 64, weight: 2 }, { bytes: 1514, weight: 1 }] });
  let large = 0;
  for (let packet = trace.untimed; packet < trace.count; packet++) {
    const length = trace.frame(packet).length;
    assert.ok(length === 64 || length === 1514);
    if (length === 1514) large++;
  }
  assert.ok(large > 1700 && large < 2300, `${large} of 6000 frames are 1514 bytes`);
});

test('frames the NF allows but a burst cannot stage are refused up front, saying which limit binds', async () => {
  const { manifest: bridge } = await buildNf(BRIDGE);
  const manifest = { ...bridge, frame: { ...bridge.frame, max: 32768 } };
  const options = { ...DEFAULT_TRAFFIC, occupancy: 0.01, packets: 20, warmup: 0 };
  const largest = generateTraffic(manifest, { ...options, sizes: [{ bytes: MAX_STAGED_FRAME, weight: 1 }] });
  assert.equal(splitBursts(largest, new Uint8Array(largest.records.length)).input.length, largest.count, 'one frame a burst');
  const limit = new RegExp(`allows up to 32768 bytes, but the run-time stages frames of at most ${MAX_STAGED_FRAME}`);
  assert.throws(() => generateTraffic(manifest, { ...options, sizes: [{ bytes: MAX_STAGED_FRAME + 1, weight: 1 }] }), (e) => e instanceof TrafficError && limit.test(e.message));
  const frames = [MAX_STAGED_FRAME, MAX_STAGED_FRAME + 8].map((length, index) => ({ frame: new Uint8Array(length), time: BigInt(index) }));
  assert.throws(() => trafficFromCapture(manifest, frames, 'big.pcap', options), (e) => e instanceof TrafficError && /^big\.pcap: frame 1 has 32752 bytes/.test(e.message) && limit.test(e.message));
  assert.equal(trafficFromCapture(manifest, frames.slice(0, 1), 'big.pcap', options).count, 20);
});
