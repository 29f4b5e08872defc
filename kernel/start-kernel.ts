// `vigor kernel start --connection-file F`: the process Jupyter runs (see the kernelspec).
import { readConnectionFile } from './protocol/connection.ts';
import { KernelServer } from './protocol/kernel-server.ts';
import { KernelSession } from './kernel-session.ts';

const PARENT_POLL_MS = 1000;

export async function startKernel(connectionFile: string): Promise<void> {
  const connection = readConnectionFile(connectionFile);
  const session = new KernelSession({ workingDirectory: process.cwd() });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    await session.close().catch(() => undefined);
    process.exit(0);
  };
  const server = new KernelServer({ connection, session, onShutdown: () => void stop() });
  await server.start();
  // After the sockets answer and Python has started (neither is held up by it): the first %nf then finds the
  // verifier loaded.
  void session.python.whenReady().catch(() => undefined).then(() => session.prepareVerification());
  // jupyter_client interrupts with SIGINT (interrupt_mode "signal") and also sends it before shutting down.
  process.on('SIGINT', () => session.interrupt());
  process.on('SIGTERM', () => void stop());
  exitWhenParentDies(() => void stop());
}

/** A kernel whose client died would run forever: poll the parent (jupyter_client also names it in JPY_PARENT_PID). */
function exitWhenParentDies(onOrphaned: () => void): void {
  const parentAtStart = process.ppid;
  const namedParent = Number(process.env.JPY_PARENT_PID) || undefined;
  const timer = setInterval(() => {
    const reparented = process.ppid !== parentAtStart;
    if (reparented || (namedParent !== undefined && !isAlive(namedParent))) onOrphaned();
  }, PARENT_POLL_MS);
  timer.unref();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
