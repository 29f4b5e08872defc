// Verifying many properties at once: a pool of worker threads sized to the machine, each with its own session
// on the NF; properties go to whichever worker is free. Results come back in the order asked.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { PoolReply, PoolRequest, PropertySummary } from './pool-protocol.ts';
import { EngineError } from '../symbex/violations.ts';
import { startTypeScriptWorker } from './worker-thread.ts';

export interface PoolVerification {
  nf: string;
  traces: number;
  /** The NF's own violations, as text (with their replays). */
  violations: string[];
  results: PropertySummary[];
}

export async function verifyInParallel(nfDir: string, files: string[], onProgress: (done: number) => void = () => {}): Promise<PoolVerification> {
  const size = Math.max(1, Math.min(availableParallelism(), files.length));
  const workers = Array.from({ length: size }, () => startTypeScriptWorker(new URL('./pool-worker.ts', import.meta.url), { workerData: { nfDir } }));
  const results = new Map<string, PropertySummary>();
  const queue = [...files];
  try {
    return await new Promise<PoolVerification>((resolve, reject) => {
      let ready: Extract<PoolReply, { kind: 'ready' }> | null = null;
      const next = (worker: Worker) => {
        const file = queue.shift();
        if (file) worker.postMessage({ file } satisfies PoolRequest);
      };
      for (const worker of workers) {
        worker.on('error', reject);
        worker.on('message', (message: PoolReply) => {
          if (message.kind === 'failed') reject(new EngineError(message.message));
          else if (message.kind === 'ready') {
            ready ??= message;
            next(worker);
          } else {
            results.set(message.file, message.summary);
            onProgress(results.size);
            if (results.size === files.length) resolve({ nf: ready!.nf, traces: ready!.traces, violations: ready!.violations, results: files.map((f) => results.get(f)!) });
            else next(worker);
          }
        });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
