// Main-thread side of a worker thread doing long, CPU-bound work for a cell (the verifier, the benchmarks): one
// request at a time, progress forwarded, interrupts through a shared flag the worker polls, and a worker that
// does not stop in time (inside one long call it cannot poll from) is terminated and started again later.
import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from '../../engine/index.ts';

/** Messages from the worker: progress of request `id`, then its reply (an answer or a failure). */
export type WorkerEvent<Answer, Progress> =
  | { kind: 'progress'; id: number; update: Progress }
  | { kind: 'reply'; id: number; answer: Answer }
  /** `name` is the error's class in the worker (BuildError, ..., Interrupted). */
  | { kind: 'reply'; id: number; failure: { name: string; message: string } };

/** The failure name of work that stopped because the user interrupted it. */
export const INTERRUPTED = 'Interrupted';

/** The worker reported an error (its class name in `errorName`), or was interrupted, or crashed. */
export class WorkerFailure extends Error {
  constructor(readonly errorName: string, message: string) {
    super(message);
  }

  get interrupted(): boolean {
    return this.errorName === INTERRUPTED;
  }
}

export interface WorkerDescription {
  /** The worker module; it serves requests with `serveRequests` (serve-requests.ts). */
  file: URL;
  /** Who does the work, in messages: "the verifier". */
  worker: string;
  /** What the work is, in messages: "verification". */
  work: string;
  /** What a restart loses, in messages: "its cached traces are lost". */
  restartLoses: string;
  /** How long the worker may take to notice an interrupt before it is terminated; within the 2 s bound. */
  interruptGraceMs: number;
}

interface Pending {
  id: number;
  resolve(answer: unknown): void;
  reject(error: Error): void;
  onProgress(update: unknown): void;
}

export class InterruptibleWorker<Request extends object, Progress> {
  private worker: Worker | undefined;
  private stopFlag = new Int32Array(new SharedArrayBuffer(4));
  private pending: Pending | undefined;
  private nextId = 1;

  constructor(private readonly description: WorkerDescription) {}

  async request<Answer>(body: Request, signal: AbortSignal, onProgress: (update: Progress) => void): Promise<Answer> {
    const { work } = this.description;
    if (signal.aborted) throw new WorkerFailure(INTERRUPTED, `${work} interrupted before it started`);
    const worker = this.ensureWorker();
    Atomics.store(this.stopFlag, 0, 0);
    const id = this.nextId++;
    const onAbort = () => this.interrupt(worker, id);
    signal.addEventListener('abort', onAbort);
    try {
      return await new Promise<Answer>((resolve, reject) => {
        this.pending = { id, resolve: resolve as (answer: unknown) => void, reject, onProgress: onProgress as (update: unknown) => void };
        worker.postMessage({ id, ...body });
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (this.pending?.id === id) this.pending = undefined;
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    worker?.removeAllListeners('exit');
    await worker?.terminate();
  }

  private interrupt(worker: Worker, id: number): void {
    Atomics.store(this.stopFlag, 0, 1);
    const { worker: who, work, restartLoses, interruptGraceMs } = this.description;
    setTimeout(() => {
      if (this.worker !== worker || this.pending?.id !== id) return;
      this.discardWorker();
      this.pending.reject(
        new WorkerFailure(INTERRUPTED, `${work} interrupted; ${who} did not stop within ${interruptGraceMs / 1000} s (inside one long call), so it was restarted and ${restartLoses}`),
      );
    }, interruptGraceMs).unref();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // A fresh flag per worker: a terminated worker's late reads must not see the next worker's requests.
    this.stopFlag = new Int32Array(new SharedArrayBuffer(4));
    const worker = startTypeScriptWorker(this.description.file, { workerData: this.stopFlag.buffer });
    const { worker: who } = this.description;
    worker.on('message', (event: WorkerEvent<unknown, Progress>) => this.deliver(event));
    worker.on('error', (error) => this.failWorker(worker, `${who} crashed: ${error.message}`));
    worker.on('exit', (code) => this.failWorker(worker, `${who} stopped unexpectedly (exit code ${code})`));
    this.worker = worker;
    return worker;
  }

  private deliver(event: WorkerEvent<unknown, Progress>): void {
    const pending = this.pending;
    if (!pending || pending.id !== event.id) return;
    if (event.kind === 'progress') return pending.onProgress(event.update);
    if ('failure' in event) pending.reject(new WorkerFailure(event.failure.name, event.failure.message));
    else pending.resolve(event.answer);
  }

  private failWorker(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.discardWorker();
    this.pending?.reject(new WorkerFailure('WorkerCrashed', `${message}; it will be restarted by the next request (${this.description.restartLoses})`));
  }

  private discardWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    worker?.removeAllListeners('exit');
    worker?.removeAllListeners('error');
    void worker?.terminate();
  }
}
