// The run-time against the TypeScript baseline: 10^5 generated packets through the verified bridge .wasm (with
// libVig's run-time, driven by the WebAssembly burst driver) and through the idiomatic TypeScript bridge give the
// same output device and the same bytes for every packet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildNf } from '../../toolchain/build.ts';
import { TYPESCRIPT_BASELINES } from '../../runtime/baselines/index.ts';
import { DEFAULT_TRAFFIC, generateTraffic, mainTableCapacity } from '../../runtime/traffic.ts';
import { prepareTypeScriptPasses } from '../../runtime/typescript-runner.ts';
import { prepareWasmPasses } from '../../runtime/wasm-runner.ts';

const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));

test('bridge: 10^5 packets give the same devices and bytes from the .wasm NF and the TypeScript baseline', async () => {
  const build = await buildNf(BRIDGE);
  const compiled = { ...build, module: new WebAssembly.Module(build.wasm) };
  // The whole table fill is compared too: no untimed packets.
  const fill = Math.floor(DEFAULT_TRAFFIC.occupancy * mainTableCapacity(build.manifest));
  const all = generateTraffic(build.manifest, { ...DEFAULT_TRAFFIC, packets: 100_000 - fill, warmup: 0, newFlowShare: 0.2 }).withUntimed(0);
  assert.equal(all.count, 100_000);

  const wasm = prepareWasmPasses(compiled, all)(false).processed;
  const typescript = prepareTypeScriptPasses(() => TYPESCRIPT_BASELINES.bridge!(build.manifest), all)(false).processed;

  const outcomes = new Map<number, number>();
  for (let packet = 0; packet < wasm.count; packet++) outcomes.set(wasm.output(packet), (outcomes.get(wasm.output(packet)) ?? 0) + 1);
  // The traffic exercises every outcome: forwarding to each device, dropping (same side) and flooding.
  for (const outcome of [0, 1, -1, -2]) assert.ok((outcomes.get(outcome) ?? 0) > 100, `outcome ${outcome} occurs ${outcomes.get(outcome) ?? 0} times`);
  assert.equal(wasm.firstDifference(typescript), -1, 'first packet where the two bridges differ');
});
