// npm run bench:verify [-- NF... [--against DIR]]: how long verification takes, measured side by side in one run.
//   - full verification of each NF (default: the bridge), as a user runs it: `vigor verify nfs/NF` in a fresh
//     process (the build and traces cached; Python start-up and every property included), with its traces and the
//     time their exploration took (the paper's Table 3, NF-only columns);
//   - checking one property against cached traces: the first time (a fresh solver, no cached answer), its Z3
//     queries and the slowest of them, and re-checking it (the pay-as-you-go case of re-running a notebook cell).
// `--against DIR`: the same full verification by another checkout (a git worktree of HEAD, with a node_modules
// link), its runs interleaved with these so that the machine's load weighs on both alike: before/after ratios.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { listProperties, VerificationSession } from '../engine/index.ts';

const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3);
const root = fileURLToPath(new URL('..', import.meta.url));
const { values, positionals } = parseArgs({ allowPositionals: true, options: { against: { type: 'string' } } });
const nfs = positionals.length > 0 ? positionals : ['bridge'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) => `${median(xs).toFixed(2)} s [${Math.min(...xs).toFixed(2)}..${Math.max(...xs).toFixed(2)}]`;

/** Seconds `vigor verify nfs/NF` takes in a fresh process of the checkout at `tree`. */
function verifyOnce(tree: string, nf: string): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(tree, 'bin/vigor.js'), 'verify', join(tree, 'nfs', nf)], { cwd: tree, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`vigor verify nfs/${nf} (${tree}) failed:\n${run.stdout}${run.stderr}`);
  return (performance.now() - started) / 1000;
}

for (const nf of nfs) {
  const dir = `${root}nfs/${nf}`;
  verifyOnce(root, nf); // builds and explores once if the cache does not hold the traces yet: not measured
  if (values.against) verifyOnce(values.against, nf);
  const full: number[] = [];
  const against: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    full.push(verifyOnce(root, nf));
    if (values.against) against.push(verifyOnce(values.against, nf));
  }

  const specs = [{ name: 'spec', file: join(dir, 'spec.py') }, ...listProperties(dir)];
  const rows: string[] = [];
  const first: number[] = [];
  const again: number[] = [];
  let exploration = '';
  for (const property of specs) {
    const session = await VerificationSession.open(dir); // traces shared; a fresh solver, so no cached answer
    const { figures, traces } = session.exploration;
    exploration = `${traces.length} traces, explored in ${figures.seconds.toFixed(2)} s (Z3 ${figures.solverSeconds.toFixed(2)} s, ${figures.queries} queries)`;
    const started = performance.now();
    const result = await session.checkFile(property.file);
    first.push((performance.now() - started) / 1000);
    const restarted = performance.now();
    await session.checkFile(property.file);
    again.push((performance.now() - restarted) / 1000);
    const checked = 'queries' in result ? `${String(result.queries).padStart(4)} queries, slowest ${(result.slowestQuery * 1000).toFixed(0).padStart(5)} ms` : result.verdict;
    rows.push(`    ${property.name.padEnd(28)} ${first.at(-1)!.toFixed(2).padStart(6)} s  ${checked}`);
  }

  console.log(`verification of nfs/${nf}: ${exploration}; seconds: median [min..max]`);
  console.log(`  full verification, fresh process (spec.py + ${specs.length - 1} properties), ${REPETITIONS} runs: ${range(full)}   goal <= 10 s`);
  if (values.against) console.log(`  the same by ${values.against}: ${range(against)}; its median / this one's: ${(median(against) / median(full)).toFixed(2)}x`);
  console.log(`  one property against cached traces, first check, over the ${specs.length} specs: ${range(first)}   goal <= 1 s`);
  console.log(rows.join('\n'));
  console.log(`  one property re-checked (cached solver answers): ${range(again)}`);
  console.log(`  ratio full / one property (medians): ${(median(full) / median(first)).toFixed(1)}x`);
}
