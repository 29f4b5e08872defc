// The traffic generator keeps the bridge's learning table at the requested occupancy while probes keep
// arriving, as the paper's method requires; the same seed gives the same trace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Emap } from '../../libvig/runtime/index.ts';
import { buildNf } from '../../toolchain/build.ts';
import { loadNf } from '../../libvig/load-nf.ts';
import { MAX_STAGED_FRAME } from '../../runtime/bursts.ts';
import { device } from '../../nf-abi/index.ts';
import { trafficFromCapture } from '../../runtime/capture-traffic.ts';
import { generateRoutedTraffic } from '../../runtime/route-traffic.ts';
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

test("every packet of a flow carries the key of the NF's main table: only probes and the filling bring new entries", async () => {
  const keyBytes: Record<string, (frame: Uint8Array) => Uint8Array[]> = {
    bridge: (frame) => [frame.subarray(6, 12)],
    pol: (frame) => [frame.subarray(30, 34)],
    nat: (frame) => [frame.subarray(23, 24), frame.subarray(26, 38)],
    fw: (frame) => [frame.subarray(23, 24), frame.subarray(26, 38)],
  };
  for (const [name, key] of Object.entries(keyBytes)) {
    const { manifest } = await buildNf(fileURLToPath(new URL(`../../nfs/${name}`, import.meta.url)));
    const trace = generateTraffic(manifest, { ...DEFAULT_TRAFFIC, packets: 4000, warmup: 0, newFlowShare: 0.25 });
    const keys = new Set<string>();
    for (let packet = 0; packet < trace.count; packet++) keys.add(key(trace.frame(packet)).map((part) => Buffer.from(part).toString('hex')).join('/'));
    assert.equal(keys.size, trace.untimed + trace.measuredProbes(), `${name}: distinct keys are the window's flows and the probes`);
  }
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

test('frames the NF allows but the stack\'s buffers cannot hold are refused up front, saying which limit binds', async () => {
  const { manifest: bridge } = await buildNf(BRIDGE);
  const manifest = { ...bridge, frame: { ...bridge.frame, max: 32768 } };
  const options = { ...DEFAULT_TRAFFIC, occupancy: 0.01, packets: 20, warmup: 0 };
  const largest = device.BUFFER_BYTES;
  assert.ok(largest < MAX_STAGED_FRAME, 'a buffer is the tighter bound');
  generateTraffic(manifest, { ...options, sizes: [{ bytes: largest, weight: 1 }] });
  const limit = new RegExp(`allows up to 32768 bytes, but the stack's buffers hold frames of at most ${largest}`);
  assert.throws(() => generateTraffic(manifest, { ...options, sizes: [{ bytes: largest + 1, weight: 1 }] }), (e) => e instanceof TrafficError && limit.test(e.message));
  const frames = [largest, largest + 8].map((length, index) => ({ frame: new Uint8Array(length), time: BigInt(index) }));
  assert.throws(() => trafficFromCapture(manifest, frames, 'big.pcap', options), (e) => e instanceof TrafficError && new RegExp(`^big\\.pcap: frame 2 has ${largest + 8} bytes`).test(e.message) && limit.test(e.message));
  assert.equal(trafficFromCapture(manifest, frames.slice(0, 1), 'big.pcap', options).count, 20);
});

test('packet counts that are not whole numbers, no measured packet, a negative warm-up or more than a trace holds are refused, generated or captured', async () => {
  const { manifest } = await buildNf(BRIDGE);
  const router = await buildNf(fileURLToPath(new URL('../../nfs/router', import.meta.url)));
  const frames = [{ frame: new Uint8Array(64), time: 0n }];
  for (const [counts, says] of [
    [{ packets: 0, warmup: 0 }, /number of packets must be a positive integer, not 0/],
    [{ packets: 1.5, warmup: 0 }, /number of packets must be a positive integer, not 1\.5/],
    [{ packets: 10, warmup: -1 }, /number of untimed packets must be a whole number, 0 or more, not -1/],
    [{ packets: 10, warmup: 0.5 }, /number of untimed packets must be a whole number, 0 or more, not 0\.5/],
    // More than a trace can hold even of the shortest frames: refused before anything is generated.
    [{ packets: 1e9, warmup: 0 }, /^1000000000 measured and 0 untimed packets.* do not fit in a trace: at most \d+ packets/],
  ] as const) {
    const refused = (e: unknown) => e instanceof TrafficError && says.test(e.message);
    assert.throws(() => generateTraffic(manifest, { ...DEFAULT_TRAFFIC, ...counts }), refused);
    assert.throws(() => trafficFromCapture(manifest, frames, 'one.pcap', counts), refused);
    assert.throws(() => generateRoutedTraffic(router.manifest, 'routes', { ...DEFAULT_TRAFFIC, ...counts }), refused);
  }
  assert.equal(trafficFromCapture(manifest, frames, 'one.pcap', { packets: 3, warmup: 0 }).count, 3);
});
