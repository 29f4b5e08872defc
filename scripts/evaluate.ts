// npm start: the main job, as the paper's evaluation: every NF in nfs/ verified (spec.py and every property,
// with trace counts and times) and run for real (throughput and latency against the native C and TypeScript
// baselines, in one run). Writes evaluation/report.md and evaluation/report.json; no Jupyter needed.
import { formatResultTable, listProperties, type PoolVerification, verifyInParallel } from '../engine/index.ts';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarkNf, DEFAULT_BENCH, formatBenchmarks, type NfBenchmark } from '../runtime/index.ts';
import { loadManifest } from '../nf-abi/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'evaluation');
const REPETITIONS = Number(process.env.EVALUATION_REPETITIONS ?? 3);

const nfs = readdirSync(join(root, 'nfs')).map((name) => join(root, 'nfs', name))
  .filter((dir) => existsSync(join(dir, 'nf.json')) && existsSync(join(dir, loadManifest(dir).source))).sort();

const verified: PoolVerification[] = [];
const benchmarks: NfBenchmark[] = [];
for (const dir of nfs) {
  const files = [join(dir, 'spec.py'), ...listProperties(dir).map((p) => join(dir, 'properties', `${p.name}.py`))].filter(existsSync);
  console.error(`verifying ${dir} (${files.length} specs) ...`);
  verified.push(await verifyInParallel(dir, files));
  console.error(`running ${dir} for real ...`);
  benchmarks.push(await benchmarkNf(dir, { ...DEFAULT_BENCH, repetitions: REPETITIONS }, (line) => console.error(`  ${line}`)));
}

const failing = verified.flatMap((v) => [...v.violations.map(() => `${v.nf}: NF violation`), ...v.results.filter((r) => r.verdict !== 'holds').map((r) => `${v.nf}/${r.name}`)]);
const report = [
  '# Evaluation',
  '',
  `${new Date().toISOString()} on ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}.`,
  '',
  '## Verification (NF layers; every property against every trace)',
  '',
  ...verified.flatMap((v) => ['```', formatResultTable(v.nf, v.traces, v.violations.length, v.results), '```', '']),
  failing.length === 0 ? 'Every property holds, and no NF has a violation.' : `Not verified: ${failing.join(', ')}.`,
  '',
  '## Running the verified NFs (throughput and probe latency; baselines measured in the same run)',
  '',
  '```',
  formatBenchmarks(benchmarks),
  '```',
  '',
].join('\n');

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'report.md'), report);
writeFileSync(join(out, 'report.json'), JSON.stringify({ verification: verified, benchmarks }, null, 2));
console.log(report);
console.error(`written: ${join(out, 'report.md')} and report.json`);
process.exitCode = failing.length === 0 ? 0 : 1;
