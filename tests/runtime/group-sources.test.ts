// Group source addresses through the bridge's three implementations (the verified .wasm, the C twin compiled
// natively, the TypeScript baseline): none learns one by default (802.1D 7.8), every one does with config
// learn_group_sources (Vigor 1.0's bridge), and all three send each frame where expected (a FLOOD on the bridge's
// two devices is the frame sent to the other one).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DROP, FLOOD } from '../../nf-abi/index.ts';
import { implementationsOf } from '../../runtime/implementations.ts';
import { sentOn, TraceBuilder } from '../../runtime/trace.ts';

const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));
// Two folders below the repository's root, as nfs/bridge is: its sources include nf-abi/ by relative path.
const cache = fileURLToPath(new URL('../../.cache', import.meta.url));
mkdirSync(cache, { recursive: true });
const work = mkdtempSync(join(cache, 'group-sources-runtime-'));
after(() => rmSync(work, { recursive: true, force: true }));

const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const MULTICAST = '01:00:5e:00:00:fb';
const STATION = '02:00:00:00:00:01';
const DEVICES = 2;

/** Frames (device, source, destination) in order, and what each gives without and with learn_group_sources. */
const FRAMES: [device: number, source: string, destination: string, individualOnly: number, vigor: number][] = [
  // A broadcast from the broadcast address: flooded, or dropped once the bridge learned ff:ff:ff:ff:ff:ff on device 0.
  [0, BROADCAST, BROADCAST, FLOOD, DROP],
  // A station's broadcast: flooded, or sent to device 0 only, where the broadcast address was "learned".
  [1, STATION, BROADCAST, FLOOD, 0],
  // From a multicast source to the station learned on device 1: forwarded there either way.
  [0, MULTICAST, STATION, 1, 1],
  // To that multicast address: flooded, or sent to device 0 where it was "learned".
  [1, STATION, MULTICAST, FLOOD, 0],
];

const bytes = (mac: string) => mac.split(':').map((pair) => parseInt(pair, 16));

async function outputsOf(nfDir: string): Promise<Map<string, number[]>> {
  const trace = new TraceBuilder();
  FRAMES.forEach(([device, source, destination], at) => {
    const frame = trace.add(device, BigInt(at + 1) * 1000n, 64, false);
    frame.set(bytes(destination), 0);
    frame.set(bytes(source), 6);
  });
  const packets = trace.finish(0);
  const { implementations, missing } = await implementationsOf(nfDir);
  assert.deepEqual(missing, []);
  return new Map(implementations.map((implementation) => {
    const { processed } = implementation.prepare(packets)(1);
    return [implementation.id, FRAMES.map((_, packet) => processed.sentOn(packet, DEVICES))];
  }));
}

test('by default no implementation learns a group source: broadcasts and multicasts are flooded', async () => {
  const outputs = await outputsOf(BRIDGE);
  assert.deepEqual([...outputs.keys()], ['wasm', 'c', 'typescript']);
  for (const [id, got] of outputs) assert.deepEqual(got, FRAMES.map((f) => sentOn(f[3], f[0], DEVICES)), id);
});

test('with learn_group_sources every implementation learns them, as Vigor 1.0\'s bridge does', async () => {
  for (const file of ['bridge.ts', 'bridge.c']) copyFileSync(join(BRIDGE, file), join(work, file));
  const manifest = JSON.parse(readFileSync(join(BRIDGE, 'nf.json'), 'utf8'));
  manifest.config.learn_group_sources.value = 1;
  writeFileSync(join(work, 'nf.json'), JSON.stringify(manifest));
  const outputs = await outputsOf(work);
  assert.deepEqual([...outputs.keys()], ['wasm', 'c', 'typescript']);
  for (const [id, got] of outputs) assert.deepEqual(got, FRAMES.map((f) => sentOn(f[4], f[0], DEVICES)), id);
});
