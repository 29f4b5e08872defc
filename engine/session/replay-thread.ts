// The session's side of the replay worker: one worker thread, reused by every replay of the thread that starts
// it, since starting one costs hundreds of milliseconds. V8 cannot interrupt a synchronous WebAssembly call
// from the thread that made it, so NF code runs there: the caller waits for the answer with Atomics.wait (its
// replays stay synchronous), and a run of NF code that exceeds the bound ends by terminating the worker, which
// the next replay replaces.
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { type ReplayAnswer, type ReplayRequest, STATUS } from './replay-protocol.ts';
import type { StackRunOutcome, StackRunRequest } from './stack-replay-run.ts';
import type { IdlePollOutcome, IdlePollRequest } from './idle-poll.ts';

/** How long NF code (nf_init, or nf_process on the frame) may run in a replay before it counts as not returning. */
export const REPLAY_BOUND_MS = 1000;

/** Starting the worker, compiling the NF, seeding and reading its state: the replay's own work, bounded generously. */
const PREPARE_BOUND_MS = 60_000;

export type ThreadResult<Answer = ReplayAnswer> = { kind: 'answer'; answer: Answer } | TimedOut;

/** No answer within the bound: NF code was running (a hang), or the replay's own work was (it took too long). */
type TimedOut = { kind: 'timed-out'; runningNf: boolean; ms: number };

class ReplayThread {
  private readonly status = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./replay-worker.mjs', import.meta.url), { workerData: { port: port2, status: this.status }, transferList: [port2] });
    // Neither keeps the process alive: a replay waits for its answer synchronously.
    this.worker.unref();
    this.port.unref();
  }

  /** Waits for the worker to be ready (after it starts); a result when it did not start in time. */
  started(): TimedOut | null {
    return this.waitForAnswer();
  }

  run<Answer>(request: ReplayRequest | StackRunRequest | IdlePollRequest): ThreadResult<Answer> {
    Atomics.store(this.status, 0, STATUS.preparing);
    this.port.postMessage(request);
    return this.waitForAnswer() ?? { kind: 'answer', answer: receiveMessageOnPort(this.port)!.message as Answer };
  }

  /**
   * Waits until the worker says it answered. The cell holds the worker's state and a count of its changes, so
   * each stretch of NF code is timed from its own start; null when answered, else what timed out.
   */
  private waitForAnswer(): TimedOut | null {
    let cell = Atomics.load(this.status, 0);
    let since = performance.now();
    while ((cell & STATUS.mask) !== STATUS.answered) {
      const runningNf = (cell & STATUS.mask) === STATUS.runningNf;
      const bound = runningNf ? REPLAY_BOUND_MS : PREPARE_BOUND_MS;
      const left = bound - (performance.now() - since);
      if (left <= 0 || (Atomics.wait(this.status, 0, cell, left) === 'timed-out' && Atomics.load(this.status, 0) === cell)) return { kind: 'timed-out', runningNf, ms: bound };
      const next = Atomics.load(this.status, 0);
      if (next !== cell) since = performance.now();
      cell = next;
    }
    return null;
  }

  terminate(): void {
    void this.worker.terminate();
    this.port.close();
  }
}

let thread: ReplayThread | null = null;

/** Runs one replay on the worker (started on first use, restarted after a run it had to stop). */
export function runOnReplayThread(request: ReplayRequest): ThreadResult;
export function runOnReplayThread(request: StackRunRequest): ThreadResult<StackRunOutcome>;
export function runOnReplayThread(request: IdlePollRequest): ThreadResult<IdlePollOutcome>;
export function runOnReplayThread(request: ReplayRequest | StackRunRequest | IdlePollRequest): ThreadResult<ReplayAnswer | StackRunOutcome | IdlePollOutcome> {
  if (!thread) {
    thread = new ReplayThread();
    const started = thread.started();
    if (started?.kind === 'timed-out') {
      thread.terminate();
      thread = null;
      throw new Error(`the replay worker did not start within ${started.ms / 1000} s`);
    }
  }
  const result = thread.run<ReplayAnswer | StackRunOutcome | IdlePollOutcome>(request);
  if (result.kind === 'timed-out') {
    thread.terminate();
    thread = null;
  }
  return result;
}
