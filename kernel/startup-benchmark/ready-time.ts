// `npm run bench:kernel`: time from spawning the kernel process to its kernel_info_reply, median of several starts.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestKernelInfo, writeConnectionFile } from './kernel-probe.ts';

const STARTS = 5;
const GOAL_MS = 3000;
/** The CLI, started as a process (not imported: it imports the kernel). */
const cli = join(fileURLToPath(new URL('../../bin/', import.meta.url)), 'vigor.js');

async function timeOneStart(directory: string): Promise<number> {
  const { path, info } = await writeConnectionFile(directory);
  const started = performance.now();
  const kernel = spawn(process.execPath, [cli, 'kernel', 'start', '--connection-file', path], { stdio: 'ignore' });
  try {
    await requestKernelInfo(info, 30_000);
    return performance.now() - started;
  } finally {
    kernel.kill('SIGTERM');
    await new Promise((resolve) => kernel.once('exit', resolve));
  }
}

const directory = mkdtempSync(join(tmpdir(), 'vigor-kernel-bench-'));
try {
  const times: number[] = [];
  for (let start = 0; start < STARTS; start++) times.push(await timeOneStart(directory));
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`kernel ready (spawn -> kernel_info_reply): median ${(median / 1000).toFixed(2)} s over ${STARTS} starts ` +
    `[${times.map((ms) => (ms / 1000).toFixed(2)).join(', ')}]; goal <= ${GOAL_MS / 1000} s: ${median <= GOAL_MS ? 'met' : 'NOT met'}`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
