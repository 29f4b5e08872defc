// The run-time against the TypeScript baseline: 10^5 generated packets through the verified bridge .wasm (with
// libVig's run-time, under the stack on the emulated device) and through the idiomatic TypeScript bridge leave on
// the same devices with the same bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildNf } from '../../toolchain/build.ts';
import { TYPESCRIPT_BASELINES } from '../../runtime/baselines/index.ts';
import { DEFAULT_TRAFFIC, generateTraffic, mainTableCapacity } from '../../runtime/traffic.ts';
import { prepareTypeScriptPasses } from '../../runtime/typescript-runner.ts';
import { stackedOutputs } from '../stack/run-stacked.ts';

const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));

test('bridge: 10^5 packets give the same devices and bytes from the .wasm NF and the TypeScript baseline', async () => {
  const build = await buildNf(BRIDGE);
  // The whole table fill is compared too: no untimed packets.
  const fill = Math.floor(DEFAULT_TRAFFIC.occupancy * mainTableCapacity(build.manifest));
  const all = generateTraffic(build.manifest, { ...DEFAULT_TRAFFIC, packets: 100_000 - fill, warmup: 0, newFlowShare: 0.2 }).withUntimed(0);
  assert.equal(all.count, 100_000);

  const wasm = await stackedOutputs(BRIDGE, all);
  const typescript = prepareTypeScriptPasses(() => TYPESCRIPT_BASELINES.bridge!(build.manifest), all)(false).processed;

  // nf_process's results, which the TypeScript bridge gives as they are (through the stack, a FLOOD on two
  // devices is the frame sent to the other one).
  const outcomes = new Map<number, number>();
  for (let packet = 0; packet < typescript.count; packet++) outcomes.set(typescript.output(packet), (outcomes.get(typescript.output(packet)) ?? 0) + 1);
  // The traffic exercises every outcome: forwarding to each device, dropping (same side) and flooding.
  for (const outcome of [0, 1, -1, -2]) assert.ok((outcomes.get(outcome) ?? 0) > 100, `outcome ${outcome} occurs ${outcomes.get(outcome) ?? 0} times`);
  assert.equal(wasm.firstDifference(typescript, build.manifest.devices), -1, 'first packet where the two bridges differ');
});
