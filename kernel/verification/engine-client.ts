// Main-thread side of the verifier's worker (engine-worker.ts): the engine polls the interrupt flag between
// steps, so only a long solver call reaches the grace period, after which the worker is replaced.
import { InterruptibleWorker } from '../workers/interruptible-worker.ts';
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

  open(nfDir: string, layers: Layers, signal: AbortSignal, onProgress: (update: ProgressUpdate) => void): Promise<NfSummary> {
    return this.worker.request({ kind: 'open', nfDir, layers }, signal, onProgress);
  }

  verify(nfDir: string, layers: Layers, properties: PropertyInput[], signal: AbortSignal, onProgress: (update: ProgressUpdate) => void): Promise<VerifyAnswer> {
    return this.worker.request({ kind: 'verify', nfDir, layers, properties }, signal, onProgress);
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
