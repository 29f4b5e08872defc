// Worker-thread side of an InterruptibleWorker: requests answered one at a time, like the kernel's cells, each
// answer or error posted back as plain data; `shouldStop` reads the interrupt flag the main thread sets.
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerEvent } from './interruptible-worker.ts';

export interface RequestContext<Progress> {
  id: number;
  /** True once the user interrupted this request: stop at the next chance (throw an error named Interrupted). */
  shouldStop(): boolean;
  progress(update: Progress): void;
}

export function serveRequests<Request extends { id: number }, Answer, Progress>(
  answer: (request: Request, context: RequestContext<Progress>) => Promise<Answer>,
): void {
  const port = parentPort!;
  const stopFlag = new Int32Array(workerData as SharedArrayBuffer);
  const post = (event: WorkerEvent<Answer, Progress>) => port.postMessage(event);
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: Request) => {
    // The main thread clears the stop flag before it sends a request.
    const context: RequestContext<Progress> = {
      id: request.id,
      shouldStop: () => Atomics.load(stopFlag, 0) !== 0,
      progress: (update) => post({ kind: 'progress', id: request.id, update }),
    };
    queue = queue.then(async () => {
      try {
        post({ kind: 'reply', id: request.id, answer: await answer(request, context) });
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        post({ kind: 'reply', id: request.id, failure: { name: failure.name === 'Error' ? failure.constructor.name : failure.name, message: failure.message } });
      }
    });
  });
}
