// npm run bench:verify: how long verification takes, measured side by side in one run.
//   - full verification of the bridge, as a user runs it: `vigor verify nfs/bridge` in a fresh process
//     (the NF build is cached; exploration, Python start-up and every property are included);
//   - checking one property against cached traces: the first time (a fresh solver, no cached answer), and
//     re-checking it (the pay-as-you-go case of re-running a notebook cell).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { listProperties, VerificationSession } from '../engine/index.ts';

const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3);
const root = fileURLToPath(new URL('..', import.meta.url));
const bridge = `${root}nfs/bridge`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) => `${median(xs).toFixed(2)} s [${Math.min(...xs).toFixed(2)}..${Math.max(...xs).toFixed(2)}]`;

const full: number[] = [];
for (let i = 0; i < REPETITIONS; i++) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [`${root}bin/vigor.js`, 'verify', bridge], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`vigor verify nfs/bridge failed:\n${run.stdout}${run.stderr}`);
  full.push((performance.now() - started) / 1000);
}

const properties = listProperties(bridge);
const first: number[] = [];
const again: number[] = [];
for (const property of properties) {
  const session = await VerificationSession.open(bridge); // traces shared; a fresh solver, so no cached answer
  const started = performance.now();
  await session.check(property.name, property.text, property.file);
  first.push((performance.now() - started) / 1000);
  const restarted = performance.now();
  await session.check(property.name, property.text, property.file);
  again.push((performance.now() - restarted) / 1000);
}

console.log('verification of nfs/bridge (65,536-entry tables); seconds: median [min..max]');
console.log(`  full verification, fresh process (spec.py + ${properties.length} properties), ${REPETITIONS} runs: ${range(full)}   goal <= 10 s`);
console.log(`  one property against cached traces, first check, over the ${properties.length} properties: ${range(first)}   goal <= 1 s`);
console.log(`  one property re-checked (cached solver answers):                ${range(again)}`);
console.log(`  ratio full / one property (medians): ${(median(full) / median(first)).toFixed(1)}x`);
