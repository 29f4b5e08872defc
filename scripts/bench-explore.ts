// npm run bench [-- --against DIR...]: exploration time of nop, the parsing-heavy test NF and the bridge, side by side.
// Each repetition uses a fresh solver (no cached answers) on an already-built NF; the repetitions of the NFs
// interleave, so a busy machine slows them alike. `--against DIR` (repeatable) interleaves the same runs by another
// checkout (a git worktree of an older commit, with a node_modules symlink), each exploring its own build of its
// own sources in this process.
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildNf } from '../toolchain/build.ts';
import { exploreNf, Solver } from '../engine/index.ts';

/** What the benchmark needs of a checkout's engine and toolchain: the shapes older commits share with this one. */
interface Checkout {
  label: string;
  root: string;
  build(dir: string): Promise<unknown>;
  explore(build: unknown, solver: unknown): Promise<{ traces: unknown[]; figures: { queries: number; solverSeconds: number; instructions: number } }>;
  solver(): Promise<{ figures: { queries: number; modelHits?: number; seconds: number } }>;
}

const { values } = parseArgs({ options: { against: { type: 'string', multiple: true } } });
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 5);
const subjects = [
  { label: 'nop', dir: 'nfs/nop' },
  { label: 'parser (test NF)', dir: 'tests/programs/nfs/parser' },
  { label: 'bridge', dir: 'nfs/bridge' },
];

const here: Checkout = {
  label: 'this checkout',
  root: fileURLToPath(new URL('..', import.meta.url)),
  build: (dir) => buildNf(dir),
  explore: (build, solver) => exploreNf(build as Awaited<ReturnType<typeof buildNf>>, { solver: solver as Solver }),
  solver: () => Solver.create(),
};
async function checkoutAt(root: string): Promise<Checkout> {
  type Engine = { exploreNf: (build: unknown, options: { solver: unknown }) => ReturnType<Checkout['explore']>; Solver: { create: Checkout['solver'] } };
  const engine = (await import(pathToFileURL(join(root, 'engine', 'index.ts')).href)) as Engine;
  const toolchain = (await import(pathToFileURL(join(root, 'toolchain', 'build.ts')).href)) as { buildNf: Checkout['build'] };
  return { label: root, root, build: toolchain.buildNf, explore: (build, solver) => engine.exploreNf(build, { solver }), solver: () => engine.Solver.create() };
}
const checkouts = [here, ...(await Promise.all((values.against ?? []).map((dir) => checkoutAt(resolve(dir)))))];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[], digits: number) => `${median(xs).toFixed(digits)} [${Math.min(...xs).toFixed(digits)}..${Math.max(...xs).toFixed(digits)}]`;

const rows = await Promise.all(checkouts.flatMap((checkout) => subjects.map(async ({ label, dir }) => ({
  checkout, label,
  build: await checkout.build(join(checkout.root, dir)),
  traces: 0, queries: 0, checks: 0, modelHits: undefined as number | undefined, instructions: 0,
  seconds: [] as number[], solver: [] as number[], allChecks: [] as number[], perQuery: [] as number[], typicalQuery: [] as number[],
}))));
for (let i = 0; i < REPETITIONS; i++) {
  for (const row of rows) {
    const solver = await row.checkout.solver();
    const started = performance.now();
    const run = await row.checkout.explore(row.build, solver);
    row.seconds.push((performance.now() - started) / 1000);
    row.solver.push(run.figures.solverSeconds);
    row.allChecks.push(solver.figures.seconds);
    if (run.figures.queries > 0) row.perQuery.push((run.figures.solverSeconds * 1000) / run.figures.queries);
    // Older engines do not report the median query.
    const typical = (run.figures as { medianQuerySeconds?: number }).medianQuerySeconds;
    if (typical !== undefined && run.figures.queries > 0) row.typicalQuery.push(typical * 1000);
    Object.assign(row, { traces: run.traces.length, queries: run.figures.queries, checks: solver.figures.queries, modelHits: solver.figures.modelHits, instructions: run.figures.instructions });
  }
}

console.log(`exploration of nf_process (${REPETITIONS} runs each, fresh solver per run; median [min..max])`);
console.log('  queries: Z3 checks while exploring; all checks: with the well-formed and carried-state checks after it;');
console.log('  model hits: forks whose other side a known model already satisfied, or satisfies once an equation is solved for');
console.log('  one of its free words (no Z3 call; "-": that engine has none).');
console.log('  solver s: Z3 time of the queries; all checks s: of all checks (the rest of total s is the engine\'s own work).');
console.log('  ms/query: the queries\' mean; median query: the typical one (a few arithmetic-heavy queries weigh on the mean;');
console.log('  a fresh process\'s first Z3 check also pays Z3\'s one-time set-up, ~150 ms).');
for (const checkout of checkouts) {
  if (checkouts.length > 1) console.log(`${checkout.label}:`);
  console.log('NF'.padEnd(18), 'traces'.padStart(7), 'queries'.padStart(8), 'all checks'.padStart(11), 'model hits'.padStart(11), 'instr.'.padStart(8), 'total s'.padStart(22), 'solver s'.padStart(22), 'all checks s'.padStart(22), 'ms/query'.padStart(20), 'median query ms'.padStart(20));
  for (const r of rows.filter((row) => row.checkout === checkout)) {
    const perQuery = r.perQuery.length > 0 ? range(r.perQuery, 2) : '-';
    const typical = r.typicalQuery.length > 0 ? range(r.typicalQuery, 2) : '-';
    console.log(r.label.padEnd(18), String(r.traces).padStart(7), String(r.queries).padStart(8), String(r.checks).padStart(11), String(r.modelHits ?? '-').padStart(11), String(r.instructions).padStart(8), range(r.seconds, 3).padStart(22), range(r.solver, 3).padStart(22), range(r.allChecks, 3).padStart(22), perQuery.padStart(20), typical.padStart(20));
  }
}
const row = (checkout: Checkout, label: string) => rows.find((r) => r.checkout === checkout && r.label === label)!;
console.log(`ratio parser / nop (median total time): ${(median(row(here, 'parser (test NF)').seconds) / median(row(here, 'nop').seconds)).toFixed(1)}x`);
for (const other of checkouts.slice(1)) {
  for (const { label } of subjects) {
    const [before, after] = [row(other, label), row(here, label)];
    console.log(`${label}: ${other.label} / this checkout, median total time ${(median(before.seconds) / median(after.seconds)).toFixed(2)}x, solver time ${(median(before.solver) / median(after.solver)).toFixed(2)}x, all checks ${(median(before.allChecks) / median(after.allChecks)).toFixed(2)}x`);
  }
}
