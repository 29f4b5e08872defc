// `vigor` run in-process through cli/index.ts `main` (no child process: fast), its output captured: stdout as the
// CLI writes it (console.log; the test runner reports on process.stdout, which stays untouched) and stderr.
// `terminal` makes stderr pass for a terminal, as a user at one sees it. One run at a time: the capture is global.
import { format } from 'node:util';
import { main } from '../../cli/index.ts';

export interface VigorRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function vigor(args: string[], { terminal = false } = {}): Promise<VigorRun> {
  const captured = { stdout: '', stderr: '' };
  const saved = { log: console.log, write: process.stderr.write, isTTY: process.stderr.isTTY };
  console.log = (...values: unknown[]) => void (captured.stdout += `${format(...values)}\n`);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    captured.stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  process.stderr.isTTY = terminal;
  try {
    return { code: await main(args), ...captured };
  } finally {
    console.log = saved.log;
    process.stderr.write = saved.write;
    process.stderr.isTTY = saved.isTTY;
  }
}
