// npm run bench: exploration time of nop, the parsing-heavy test NF and the bridge, measured side by side in one run.
// Each repetition uses a fresh solver (no cached answers) on an already-built NF; the repetitions of the NFs
// interleave, so a busy machine slows them alike.
import { fileURLToPath } from 'node:url';
import { buildNf } from '../toolchain/build.ts';
import { exploreNf, Solver } from '../engine/index.ts';

const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 5);
const subjects = [
  { label: 'nop', dir: 'nfs/nop' },
  { label: 'parser (test NF)', dir: 'tests/programs/nfs/parser' },
  { label: 'bridge', dir: 'nfs/bridge' },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[], digits: number) => `${median(xs).toFixed(digits)} [${Math.min(...xs).toFixed(digits)}..${Math.max(...xs).toFixed(digits)}]`;

const rows = await Promise.all(subjects.map(async ({ label, dir }) => ({
  label,
  build: await buildNf(fileURLToPath(new URL(`../${dir}`, import.meta.url))),
  traces: 0, queries: 0, checks: 0, modelHits: 0, instructions: 0,
  seconds: [] as number[], solver: [] as number[], perQuery: [] as number[],
})));
for (let i = 0; i < REPETITIONS; i++) {
  for (const row of rows) {
    const solver = await Solver.create();
    const started = performance.now();
    const run = await exploreNf(row.build, { solver });
    row.seconds.push((performance.now() - started) / 1000);
    row.solver.push(run.figures.solverSeconds);
    if (run.figures.queries > 0) row.perQuery.push((run.figures.solverSeconds * 1000) / run.figures.queries);
    Object.assign(row, { traces: run.traces.length, queries: run.figures.queries, checks: solver.figures.queries, modelHits: solver.figures.modelHits, instructions: run.figures.instructions });
  }
}

console.log(`exploration of nf_process (${REPETITIONS} runs each, fresh solver per run; median [min..max])`);
console.log('  queries: Z3 checks while exploring; all checks: with the well-formed and carried-state checks after it;');
console.log('  model hits: forks whose other side a known model already satisfied (no Z3 call).');
console.log('NF'.padEnd(18), 'traces'.padStart(7), 'queries'.padStart(8), 'all checks'.padStart(11), 'model hits'.padStart(11), 'instr.'.padStart(8), 'total s'.padStart(22), 'solver s'.padStart(22), 'ms/query'.padStart(20));
for (const r of rows) {
  const perQuery = r.perQuery.length > 0 ? range(r.perQuery, 2) : '-';
  console.log(r.label.padEnd(18), String(r.traces).padStart(7), String(r.queries).padStart(8), String(r.checks).padStart(11), String(r.modelHits).padStart(11), String(r.instructions).padStart(8), range(r.seconds, 3).padStart(22), range(r.solver, 3).padStart(22), perQuery.padStart(20));
}
const [nop, parser] = rows as [(typeof rows)[0], (typeof rows)[0]];
console.log(`ratio parser / nop (median total time): ${(median(parser.seconds) / median(nop.seconds)).toFixed(1)}x`);
