// `npm run bench:kernel`: how soon a fresh kernel is useful. Per round, two kernel starts side by side: each is
// timed from spawn to kernel_info_reply (ready), then one runs a Python cell and the other `%nf bridge` as its
// first cell, sent the moment it is ready, timed from ready to the cell's execute_reply.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ShellProbe, writeConnectionFile } from './kernel-probe.ts';

const ROUNDS = 5;
const PYTHON_CELL = 'sum(range(10))';
const NF_CELL = '%nf bridge';
const GOALS_MS = { ready: 3000, python: 2000, nf: 3000 };
/** The CLI, started as a process (not imported: it imports the kernel). */
const cli = join(fileURLToPath(new URL('../../bin/', import.meta.url)), 'vigor.js');
const repository = fileURLToPath(new URL('../../', import.meta.url));

/** Starts a kernel, waits until it is ready, runs `cell` as its first cell; both times in ms. */
async function timeFirstCell(directory: string, cell: string): Promise<{ ready: number; cell: number }> {
  const { path, info } = await writeConnectionFile(directory);
  const started = performance.now();
  const kernel = spawn(process.execPath, [cli, 'kernel', 'start', '--connection-file', path], { stdio: 'ignore', cwd: repository });
  const probe = new ShellProbe(info, 120_000);
  try {
    await probe.request('kernel_info_request');
    const ready = performance.now();
    const reply = await probe.execute(cell);
    if (reply.content.status !== 'ok') throw new Error(`${cell} failed in the benchmark: ${JSON.stringify(reply.content)}`);
    return { ready: ready - started, cell: performance.now() - ready };
  } finally {
    probe.close();
    kernel.kill('SIGTERM');
    await new Promise((resolve) => kernel.once('exit', resolve));
  }
}

function summary(label: string, times: number[], goalMs: number): string {
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  return `${label}: median ${seconds(median)} s [${times.map(seconds).join(', ')}]; goal <= ${seconds(goalMs)} s: ${median <= goalMs ? 'met' : 'NOT met'}`;
}

const directory = mkdtempSync(join(tmpdir(), 'vigor-kernel-bench-'));
try {
  // Untimed: builds the bridge and caches its traces, so the timed starts measure a cached build.
  await timeFirstCell(directory, NF_CELL);
  const ready: number[] = [];
  const python: number[] = [];
  const nf: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const first = await timeFirstCell(directory, PYTHON_CELL);
    const second = await timeFirstCell(directory, NF_CELL);
    ready.push(first.ready, second.ready);
    python.push(first.cell);
    nf.push(second.cell);
  }
  console.log(summary(`kernel ready (spawn -> kernel_info_reply), ${ready.length} starts`, ready, GOALS_MS.ready));
  console.log(summary(`first Python cell (${PYTHON_CELL}), ready -> execute_reply`, python, GOALS_MS.python));
  console.log(summary(`first ${NF_CELL}, build and traces cached, ready -> execute_reply`, nf, GOALS_MS.nf));
} finally {
  rmSync(directory, { recursive: true, force: true });
}
