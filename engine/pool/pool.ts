// Verifying many properties at once: a pool of worker threads sized to the machine, each with its own session
// on the NF; properties go to whichever worker is free. Results come back in the order asked. A property whose
// check throws, or whose worker dies, gets an ERROR verdict; the others keep theirs, and the worker is replaced.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { formatPropertyError } from '../render/property.ts';
import { type PoolReply, type PoolRequest, propertyName, type PropertySummary } from './pool-protocol.ts';
import { EngineError } from '../symbex/violations.ts';
import { startTypeScriptWorker } from './worker-thread.ts';
import { type LayerFigures, layerFigures, type Layers } from '../stack/layers.ts';

export interface PoolVerification {
  nf: string;
  traces: number;
  /** The NF's own violations, as text (with their replays). */
  violations: string[];
  results: PropertySummary[];
  /** Table 3's figures for the layers verified. */
  figures: LayerFigures;
}

const POOL_WORKER = new URL('./pool-worker.ts', import.meta.url);

/**
 * Checks `files` against the NF in `nfDir` with `layers` (default nf). `worker` is the worker module: tests
 * substitute one that wraps pool-worker.ts to inject faults. Rejects only when the NF itself cannot be opened (a
 * build or manifest error).
 */
export async function verifyInParallel(nfDir: string, files: string[], onProgress: (done: number) => void = () => {},
  { worker = POOL_WORKER, layers = 'nf' }: { worker?: URL; layers?: Layers } = {}): Promise<PoolVerification> {
  const size = Math.max(1, Math.min(availableParallelism(), files.length));
  const live = new Set<Worker>();
  const results = new Map<string, PropertySummary>();
  const queue = [...files];
  try {
    return await new Promise<PoolVerification>((resolve, reject) => {
      let ready: Extract<PoolReply, { kind: 'ready' }> | null = null;
      const record = (file: string, summary: PropertySummary) => {
        results.set(file, summary);
        onProgress(results.size);
        if (results.size !== files.length) return;
        const ordered = files.map((f) => results.get(f)!);
        const checked = ordered.flatMap((r) => (r.verdict === 'holds' || r.verdict === 'fails' ? [r] : []));
        const figures = layerFigures(layers, { traces: ready!.traces, seconds: ready!.explorationSeconds }, checked);
        resolve({ nf: ready!.nf, traces: ready!.traces, violations: ready!.violations, results: ordered, figures });
      };
      const start = () => {
        const thread = startTypeScriptWorker(worker, { workerData: { nfDir, layers } });
        live.add(thread);
        /** Whether this worker opened the NF, the file it is checking, and why it stopped (its uncaught error). */
        let opened = false;
        let checking: string | undefined;
        let crash: string | undefined;
        const next = () => {
          checking = queue.shift();
          if (checking) thread.postMessage({ file: checking } satisfies PoolRequest);
        };
        // A worker whose check threw may hold a broken Z3 or Python: it is replaced, not reused.
        const retire = () => {
          live.delete(thread);
          void thread.terminate();
          if (queue.length > 0) start();
        };
        thread.on('message', (message: PoolReply) => {
          if (message.kind === 'failed') reject(new EngineError(message.message));
          else if (message.kind === 'ready') {
            opened = true;
            ready ??= message;
            next();
          } else {
            checking = undefined;
            if (message.summary.verdict === 'error') retire();
            else next();
            record(message.file, message.summary);
          }
        });
        thread.on('error', (error) => (crash = error.message));
        const why = (code: number) => crash ?? `it exited with code ${code}`;
        thread.on('exit', (code) => {
          // Workers retired above, or terminated once the pool is done, are gone on purpose.
          if (!live.delete(thread)) return;
          if (!opened) return reject(new EngineError(`the verifier's worker stopped before it opened the NF: ${why(code)}`));
          if (queue.length > 0) start();
          if (checking) {
            const name = propertyName(checking);
            const message = `the worker checking ${name} stopped (${why(code)})`;
            record(checking, { name, verdict: 'error', message, report: formatPropertyError(name, message) });
          }
        });
      };
      for (let i = 0; i < size; i++) start();
    });
  } finally {
    const remaining = [...live];
    live.clear();
    await Promise.all(remaining.map((w) => w.terminate()));
  }
}
