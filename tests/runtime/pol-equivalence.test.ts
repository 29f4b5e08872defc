// The policer's run-time against its TypeScript baseline: generated WAN traffic through the verified .wasm (with
// libVig's run-time, under the stack on the emulated device) and through the idiomatic TypeScript policer gives the
// same output device and bytes for every packet, with the shipped config and with one whose buckets run dry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Manifest } from '../../nf-abi/index.ts';
import { buildNf } from '../../toolchain/build.ts';
import { TYPESCRIPT_BASELINES } from '../../runtime/baselines/index.ts';
import { DEFAULT_TRAFFIC, generateTraffic } from '../../runtime/traffic.ts';
import { prepareTypeScriptPasses } from '../../runtime/typescript-runner.ts';
import { stackedOutputs } from '../stack/run-stacked.ts';

const POL = fileURLToPath(new URL('../../nfs/pol', import.meta.url));

/** Every packet's output through both implementations, and how often each output occurs. */
async function compare(configure: (manifest: Manifest) => Manifest, sizes: { bytes: number; weight: number }[]) {
  const build = await buildNf(POL);
  const manifest = configure(build.manifest);
  const all = generateTraffic(manifest, { ...DEFAULT_TRAFFIC, packets: 40_000, warmup: 0, newFlowShare: 0.2, sizes }).withUntimed(0);
  const wasm = await stackedOutputs(POL, all, manifest);
  const typescript = prepareTypeScriptPasses(() => TYPESCRIPT_BASELINES.pol!(manifest), all)(false).processed;
  assert.equal(wasm.firstDifference(typescript, manifest.devices), -1, 'first packet where the two policers differ');
  const outcomes = new Map<number, number>();
  for (let packet = 0; packet < wasm.count; packet++) outcomes.set(wasm.output(packet), (outcomes.get(wasm.output(packet)) ?? 0) + 1);
  return outcomes;
}

test('pol: WAN traffic at the shipped config passes (buckets refill fully between a destination\'s frames)', async () => {
  const outcomes = await compare((m) => m, DEFAULT_TRAFFIC.sizes);
  assert.ok((outcomes.get(1) ?? 0) > 40_000, `forwarded to the LAN: ${outcomes.get(1)}`);
  assert.equal(outcomes.get(0), undefined, 'nothing from the WAN goes back to the WAN');
});

test('pol: with small buckets and a short expiration, frames pass and are dropped alike in both', async () => {
  const config = (m: Manifest): Manifest => ({
    ...m,
    config: {
      ...m.config,
      capacity: { ...m.config.capacity!, value: 1024 },
      expiration_time: { ...m.config.expiration_time!, value: 5_000_000 },
      rate: { ...m.config.rate!, value: 12_500 },
      burst: { ...m.config.burst!, value: 3000 },
    },
  });
  const outcomes = await compare(config, [{ bytes: 64, weight: 3 }, { bytes: 594, weight: 2 }, { bytes: 1514, weight: 1 }]);
  // Partial refills (5 ms at 12,500 bytes/s between a destination's frames) against 64-1514-byte frames.
  for (const outcome of [1, -1]) assert.ok((outcomes.get(outcome) ?? 0) > 1000, `outcome ${outcome} occurs ${outcomes.get(outcome) ?? 0} times`);
});
