// Main-thread side of the verifier's worker: one request at a time, progress forwarded, interrupts through a
// shared flag the engine polls, and a worker that does not stop in time (a long solver call) is replaced.
import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from '../python/typescript-worker.ts';
import type { EngineEvent, EngineRequest, Layers, NfSummary, ProgressUpdate, PropertyInput, VerifyAnswer } from './engine-protocol.ts';

/**
 * How long the engine may take to notice an interrupt before its worker is terminated. The engine polls between
 * steps, so this is only reached inside one long solver call; it keeps the 2 s bound of an interrupt.
 */
const INTERRUPT_GRACE_MS = 1200;

/** The engine reported an error (a build error, an invalid manifest, an engine limitation, an interrupt). */
export class EngineFailure extends Error {
  constructor(readonly engineError: string, message: string) {
    super(message);
  }

  get interrupted(): boolean {
    return this.engineError === 'Interrupted';
  }
}

type RequestBody = EngineRequest extends infer R ? (R extends EngineRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  id: number;
  resolve(answer: unknown): void;
  reject(error: Error): void;
  onProgress(update: ProgressUpdate): void;
}

export class EngineClient {
  private worker: Worker | undefined;
  private stopFlag = new Int32Array(new SharedArrayBuffer(4));
  private pending: Pending | undefined;
  private nextId = 1;

  open(nfDir: string, layers: Layers, signal: AbortSignal, onProgress: (update: ProgressUpdate) => void): Promise<NfSummary> {
    return this.request({ kind: 'open', nfDir, layers }, signal, onProgress) as Promise<NfSummary>;
  }

  verify(nfDir: string, layers: Layers, properties: PropertyInput[], signal: AbortSignal, onProgress: (update: ProgressUpdate) => void): Promise<VerifyAnswer> {
    return this.request({ kind: 'verify', nfDir, layers, properties }, signal, onProgress) as Promise<VerifyAnswer>;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    worker?.removeAllListeners('exit');
    await worker?.terminate();
  }

  private async request(body: RequestBody, signal: AbortSignal, onProgress: (update: ProgressUpdate) => void): Promise<unknown> {
    if (signal.aborted) throw new EngineFailure('Interrupted', 'verification interrupted before it started');
    const worker = this.ensureWorker();
    Atomics.store(this.stopFlag, 0, 0);
    const id = this.nextId++;
    const onAbort = () => this.interrupt(worker, id);
    signal.addEventListener('abort', onAbort);
    try {
      return await new Promise((resolve, reject) => {
        this.pending = { id, resolve, reject, onProgress };
        worker.postMessage({ id, ...body } as EngineRequest);
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (this.pending?.id === id) this.pending = undefined;
    }
  }

  private interrupt(worker: Worker, id: number): void {
    Atomics.store(this.stopFlag, 0, 1);
    setTimeout(() => {
      if (this.worker !== worker || this.pending?.id !== id) return;
      this.discardWorker();
      this.pending.reject(
        new EngineFailure('Interrupted', `verification interrupted; the verifier did not stop within ${INTERRUPT_GRACE_MS / 1000} s (inside a solver call), so it was restarted and its cached traces are lost`),
      );
    }, INTERRUPT_GRACE_MS).unref();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // A fresh flag per worker: a terminated worker's late reads must not see the next worker's requests.
    this.stopFlag = new Int32Array(new SharedArrayBuffer(4));
    const worker = startTypeScriptWorker(new URL('./engine-worker.ts', import.meta.url), { workerData: this.stopFlag.buffer });
    worker.on('message', (event: EngineEvent) => this.deliver(event));
    worker.on('error', (error) => this.failWorker(worker, `the verifier crashed: ${error.message}`));
    worker.on('exit', (code) => this.failWorker(worker, `the verifier stopped unexpectedly (exit code ${code})`));
    this.worker = worker;
    return worker;
  }

  private deliver(event: EngineEvent): void {
    const pending = this.pending;
    if (!pending || pending.id !== event.id) return;
    if (event.kind === 'progress') return pending.onProgress(event.update);
    if ('failure' in event) pending.reject(new EngineFailure(event.failure.name, event.failure.message));
    else pending.resolve(event.answer);
  }

  private failWorker(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.discardWorker();
    this.pending?.reject(new EngineFailure('VerifierCrashed', `${message}; it will be restarted by the next verification (cached traces are lost)`));
  }

  private discardWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    worker?.removeAllListeners('exit');
    worker?.removeAllListeners('error');
    void worker?.terminate();
  }
}
