// npm run bench: exploration time of nop and of the parsing-heavy test NF, measured side by side in one run.
// Each repetition uses a fresh solver (no cached answers) on an already-built NF.
import { fileURLToPath } from 'node:url';
import { buildNf } from '../toolchain/build.ts';
import { exploreNf, Solver } from '../engine/index.ts';

const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 5);
const subjects = [
  { label: 'nop', dir: 'nfs/nop' },
  { label: 'parser (test NF)', dir: 'tests/programs/nfs/parser' },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: { label: string; traces: number; queries: number; instructions: number; seconds: number[]; solver: number[] }[] = [];

for (const { label, dir } of subjects) {
  const build = await buildNf(fileURLToPath(new URL(`../${dir}`, import.meta.url)));
  const row = { label, traces: 0, queries: 0, instructions: 0, seconds: [] as number[], solver: [] as number[] };
  for (let i = 0; i < REPETITIONS; i++) {
    const solver = await Solver.create();
    const started = performance.now();
    const run = await exploreNf(build, { solver });
    row.seconds.push((performance.now() - started) / 1000);
    row.solver.push(run.figures.solverSeconds);
    Object.assign(row, { traces: run.traces.length, queries: run.figures.queries, instructions: run.figures.instructions });
  }
  rows.push(row);
}

console.log(`exploration of nf_process (${REPETITIONS} runs each, fresh solver per run; seconds: median [min..max])`);
console.log('NF'.padEnd(18), 'traces'.padStart(7), 'queries'.padStart(8), 'instr.'.padStart(8), 'total s'.padStart(22), 'solver s'.padStart(10), 'ms/query'.padStart(9));
for (const r of rows) {
  const total = `${median(r.seconds).toFixed(3)} [${Math.min(...r.seconds).toFixed(3)}..${Math.max(...r.seconds).toFixed(3)}]`;
  const perQuery = r.queries > 0 ? ((median(r.solver) * 1000) / r.queries).toFixed(2) : '-';
  console.log(r.label.padEnd(18), String(r.traces).padStart(7), String(r.queries).padStart(8), String(r.instructions).padStart(8), total.padStart(22), median(r.solver).toFixed(3).padStart(10), perQuery.padStart(9));
}
const [nop, parser] = rows as [(typeof rows)[0], (typeof rows)[0]];
console.log(`ratio parser / nop (median total time): ${(median(parser.seconds) / median(nop.seconds)).toFixed(1)}x`);
