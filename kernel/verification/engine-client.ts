// Main-thread side of the verifier's worker (engine-worker.ts): the engine polls the interrupt flag between
// steps, so only a long solver call reaches the grace period, after which the worker is replaced.
import { InterruptibleWorker, INTERRUPTED, WorkerFailure } from '../workers/interruptible-worker.ts';
import type { EngineRequest, Layers, NfSummary, ProgressUpdate, PropertyInput, VerifyAnswer } from './engine-protocol.ts';

type RequestBody = EngineRequest extends infer R ? (R extends EngineRequest ? Omit<R, 'id'> : never) : never;

export class EngineClient {
  private readonly worker = new InterruptibleWorker<RequestBody, ProgressUpdate>({
    file: new URL('./engine-worker.ts', import.meta.url),
    worker: 'the verifier',
    work: 'verification',
    restartLoses: 'its cached traces are lost',
    interruptGraceMs: 1200,
  });
  /** Settles once the worker has loaded what every verification needs (see prepare). */
  private prepared: Promise<unknown> = Promise.resolve();
  /** Whether any request was sent: the worker holds one request at a time, so a late prepare must not be sent. */
  private used = false;

  /**
   * Starts the worker and loads the engine, Z3 and the spec interpreter (seconds) ahead of the first request;
   * nothing once a verification has started (it loads them itself).
   */
  prepare(): void {
    if (this.used) return;
    this.used = true;
    this.prepared = this.worker.request({ kind: 'prepare' }, new AbortController().signal, () => {}).catch(() => undefined);
  }

  async open(nfDir: string, layers: Layers, signal: AbortSignal, onProgress: (update: ProgressUpdate) => void): Promise<NfSummary> {
    return this.request({ kind: 'open', nfDir, layers }, signal, onProgress);
  }

  async verify(nfDir: string, layers: Layers, properties: PropertyInput[], signal: AbortSignal, onProgress: (update: ProgressUpdate) => void): Promise<VerifyAnswer> {
    return this.request({ kind: 'verify', nfDir, layers, properties }, signal, onProgress);
  }

  close(): Promise<void> {
    return this.worker.close();
  }

  /** After `prepare` has finished (its request holds the worker); an interrupt meanwhile stops the waiting at once. */
  private async request<Answer>(body: RequestBody, signal: AbortSignal, onProgress: (update: ProgressUpdate) => void): Promise<Answer> {
    this.used = true;
    const interrupted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([this.prepared, interrupted]);
    if (signal.aborted) throw new WorkerFailure(INTERRUPTED, 'verification interrupted while the verifier was still starting');
    return this.worker.request(body, signal, onProgress);
  }
}
