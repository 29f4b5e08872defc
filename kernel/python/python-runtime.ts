// The kernel's Python: Pyodide in a worker thread, driven by request/reply messages. Interrupts go through a
// shared buffer Pyodide polls, so they work while Python runs; a worker that ignores them, or dies, is replaced.
import { readFileSync } from 'node:fs';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import type { Completion, CompletionSource, InspectionSource } from '../session/assistance.ts';
import { cellError, type CellOutcome, type MimeBundle, type OutputSink } from '../session/output.ts';
import type { IsCompleteAnswer, UserExpressionValues } from '../session/cell-handler.ts';
import { codePointCount, codeUnitIndex } from '../session/text-positions.ts';
import { startTypeScriptWorker } from '../../engine/index.ts';
import { INTERRUPT_SLOTS, InterruptSlot, SIGINT, type InputAnswer, type WorkerEvent, type WorkerRequest, type WorkerSetup } from './worker-protocol.ts';

/** How long Python may take to honour an interrupt before its interpreter is replaced (a C-level loop never checks). */
const INTERRUPT_GRACE_MS = 3000;
/** How often an interrupt is raised again while its request still runs. */
const INTERRUPT_REPEAT_MS = 250;

type Reply = Extract<WorkerEvent, { kind: 'reply' }>;
type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface PendingRequest {
  resolve(reply: Reply): void;
  reject(error: Error): void;
  sink?: OutputSink;
}

/** What kernel_runtime.run_cell returns. */
type ExecuteAnswer =
  | { status: 'ok'; result: { data: MimeBundle; metadata: Record<string, unknown> } | null }
  | { status: 'error'; ename: string; evalue: string; traceback: string[] };

class PythonStopped extends Error {}

export class PythonRuntime implements CompletionSource, InspectionSource {
  /** Shared with the current worker only: a replaced worker must not leave an interrupt pending for its successor. */
  private interruptState!: Int32Array;
  /** Where the current worker's InputAnswers go. */
  private inputPort!: MessagePort;
  private readonly runtimeSource = readFileSync(new URL('./kernel_runtime.py', import.meta.url), 'utf8');
  private readonly pending = new Map<number, PendingRequest>();
  private nextRequestId = 1;
  private results: string | undefined;
  private worker!: Worker;
  private ready!: Promise<string>;

  constructor() {
    this.spawn();
  }

  /** Resolves with the Python version once Pyodide has loaded; rejects with the reason it could not. */
  whenReady(): Promise<string> {
    return this.ready;
  }

  async execute(code: string, filename: string, sink: OutputSink, signal: AbortSignal): Promise<CellOutcome> {
    // An interrupt while Pyodide was still loading cancels the cell instead of being lost.
    await this.ready.catch(() => undefined);
    if (signal.aborted) return cellError('KeyboardInterrupt', 'interrupted before the cell started');
    try {
      const reply = await this.request({ kind: 'execute', code, filename }, sink, signal);
      if ('failure' in reply) return cellError('KeyboardInterrupt', reply.failure);
      const answer = JSON.parse(reply.json) as ExecuteAnswer;
      if (answer.status === 'error') return cellError(answer.ename, answer.evalue, answer.traceback);
      return answer.result ? { status: 'ok', result: answer.result } : { status: 'ok' };
    } catch (error) {
      if (error instanceof PythonStopped) return cellError('PythonRestarted', error.message);
      throw error;
    }
  }

  // Python's strings count code points; the session's positions are string indices (session/text-positions.ts).
  async complete(code: string, cursorPos: number): Promise<Completion | undefined> {
    const answer = await this.query<{ matches: string[]; cursor_start: number; cursor_end: number }>({ kind: 'complete', code, cursorPos: codePointCount(code, cursorPos) });
    return answer && { matches: answer.matches, cursorStart: codeUnitIndex(code, answer.cursor_start), cursorEnd: codeUnitIndex(code, answer.cursor_end) };
  }

  async inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<MimeBundle | undefined> {
    return (await this.query<MimeBundle | null>({ kind: 'inspect', code, cursorPos: codePointCount(code, cursorPos), detailLevel })) ?? undefined;
  }

  /** `spec`: the code is a property's (a top-level `return` is allowed). */
  async isComplete(code: string, spec = false): Promise<IsCompleteAnswer> {
    return (await this.query<IsCompleteAnswer>({ kind: 'isComplete', code, spec })) ?? { status: 'unknown' };
  }

  /**
   * Python's `vigor` becomes what `json` describes. Not awaited by callers: requests reach the worker in order, so
   * the next cell sees it, and a verification's result is not held up by Python still loading.
   */
  setResults(json: string): void {
    this.results = json;
    void this.query({ kind: 'setResults', json }).catch(() => undefined);
  }

  /** An execute request's user_expressions evaluated in the user's namespace; undefined when Python did not answer. */
  async userExpressions(expressions: Record<string, string>): Promise<UserExpressionValues | undefined> {
    return this.query<UserExpressionValues>({ kind: 'userExpressions', expressions });
  }

  /** `{expression}` in a line magic's arguments replaced by its value in the user's namespace, or why it could not be. */
  async expandMagicArgs(text: string): Promise<{ text: string } | { error: CellOutcome }> {
    let reply: Reply;
    try {
      reply = await this.request({ kind: 'expandMagicArgs', text });
    } catch (error) {
      if (error instanceof PythonStopped) return { error: cellError('PythonRestarted', error.message) };
      throw error;
    }
    if ('failure' in reply) return { error: cellError('KeyboardInterrupt', reply.failure) };
    const answer = JSON.parse(reply.json) as { status: 'ok'; text: string } | { status: 'error'; ename: string; evalue: string };
    if (answer.status === 'error') return { error: cellError(answer.ename, `in a magic's {expression} (${text}): ${answer.evalue}`) };
    return { text: answer.text };
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  /**
   * Ask Python to raise KeyboardInterrupt in request `id`, now if it runs, else when it starts (InterruptSlot has
   * why this order); replace the interpreter if Python has not taken the interrupt in time.
   */
  private interrupt(id: number): void {
    const state = this.interruptState;
    Atomics.store(state, InterruptSlot.target, id);
    // Each interrupt is delivered once (a handler the cell installed may let it go on, as in Python).
    Atomics.store(state, InterruptSlot.delivered, 0);
    const raise = () => {
      if (Atomics.load(state, InterruptSlot.running) !== id || Atomics.load(state, InterruptSlot.delivered) === id || Atomics.load(state, InterruptSlot.flag) === SIGINT) return;
      Atomics.store(state, InterruptSlot.flag, SIGINT);
      // Wakes a Python time.sleep (see kernel_runtime.py) at once, and a wait for the keyboard.
      Atomics.notify(state, InterruptSlot.flag);
      Atomics.store(state, InterruptSlot.input, 1);
      Atomics.notify(state, InterruptSlot.input);
    };
    raise();
    // Pyodide now and then takes the flag without running SIGINT's handler (about one `while True: pass` in ten
    // here): raised again while the request runs and the handler has not (a cell that catches KeyboardInterrupt
    // finishes its handling uninterrupted).
    const again = setInterval(raise, INTERRUPT_REPEAT_MS);
    const worker = this.worker;
    setTimeout(() => {
      clearInterval(again);
      // Python that took the interrupt and goes on is doing what the cell asked (a SIGINT handler, a caught
      // KeyboardInterrupt); only one that never took it is stuck.
      if (worker === this.worker && this.pending.has(id) && Atomics.load(state, InterruptSlot.delivered) !== id) {
        this.replaceWorker(`Python did not stop within ${INTERRUPT_GRACE_MS / 1000} s of the interrupt (it was in code that never checks for one)`);
      }
    }, INTERRUPT_GRACE_MS).unref();
    again.unref();
  }

  /** A request whose failure means "no answer" (completion, inspection): the kernel must answer something. */
  private async query<T>(body: RequestBody): Promise<T | undefined> {
    try {
      const reply = await this.request(body);
      return 'failure' in reply ? undefined : (JSON.parse(reply.json) as T);
    } catch (error) {
      if (error instanceof PythonStopped) return undefined;
      throw error;
    }
  }

  /** `signal`: aborted to interrupt the request (an execute's). */
  private async request(body: RequestBody, sink?: OutputSink, signal?: AbortSignal): Promise<Reply> {
    try {
      await this.ready;
    } catch (error) {
      throw new PythonStopped(`Python (Pyodide) could not start: ${(error as Error).message}. Check that \`npm install\` completed (node_modules/pyodide).`);
    }
    const id = this.nextRequestId++;
    const reply = new Promise<Reply>((resolve, reject) => this.pending.set(id, { resolve, reject, sink }));
    const onAbort = () => this.interrupt(id);
    signal?.addEventListener('abort', onAbort);
    this.worker.postMessage({ id, ...body } as WorkerRequest);
    try {
      return await reply;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private spawn(): void {
    this.interruptState = new Int32Array(new SharedArrayBuffer(INTERRUPT_SLOTS * 4));
    const { port1, port2 } = new MessageChannel();
    this.inputPort = port1;
    const setup: WorkerSetup = { interruptBuffer: this.interruptState.buffer as SharedArrayBuffer, runtimeSource: this.runtimeSource, results: this.results, inputPort: port2 };
    const worker = startTypeScriptWorker(new URL('./python-worker.ts', import.meta.url), { workerData: setup, transferList: [port2] });
    this.worker = worker;
    this.ready = new Promise<string>((resolve, reject) => {
      worker.on('message', (event: WorkerEvent) => {
        if (event.kind === 'ready') resolve(event.pythonVersion);
        else if (event.kind === 'loadFailed') reject(new Error(event.message));
        else this.deliver(event);
      });
      worker.on('error', (error) => reject(error));
      worker.on('exit', (code) => {
        reject(new Error(`the Python worker exited with code ${code} while loading`));
        if (worker === this.worker) this.replaceWorker(`the Python interpreter stopped unexpectedly (exit code ${code})`);
      });
    });
    // Nobody may be waiting yet; the rejection is reported by the request that next awaits it.
    this.ready.catch(() => undefined);
  }

  private deliver(event: Exclude<WorkerEvent, { kind: 'ready' | 'loadFailed' }>): void {
    const pending = this.pending.get(event.id);
    if (!pending) return;
    if (event.kind === 'reply') {
      this.pending.delete(event.id);
      pending.resolve(event);
      return;
    }
    const sink = pending.sink;
    if (event.kind === 'input') return this.answerInput(event, sink);
    if (!sink) return;
    if (event.kind === 'stream') sink.stream(event.name, event.text);
    else publishDisplay(sink, event.what, JSON.parse(event.payload));
  }

  /** Asks the front end, if it can be asked, and hands the worker what the user typed (interruptible meanwhile). */
  private answerInput(event: Extract<WorkerEvent, { kind: 'input' }>, sink: OutputSink | undefined): void {
    const [state, port] = [this.interruptState, this.inputPort];
    const answer = (value: string | null) => {
      port.postMessage({ sequence: event.sequence, value } satisfies InputAnswer);
      Atomics.store(state, InterruptSlot.input, 1);
      Atomics.notify(state, InterruptSlot.input);
    };
    if (!sink?.readInput) return answer(null);
    sink.readInput(event.prompt, event.password).then(answer, () => answer(null));
  }

  private replaceWorker(reason: string): void {
    const old = this.worker;
    old.removeAllListeners('exit');
    void old.terminate();
    const message = `${reason}; it was restarted and the variables of earlier cells are lost: re-run the cells they come from`;
    for (const pending of this.pending.values()) pending.reject(new PythonStopped(message));
    this.pending.clear();
    this.spawn();
  }
}

function publishDisplay(sink: OutputSink, what: 'display' | 'update' | 'clear', payload: Record<string, unknown>): void {
  if (what === 'clear') return sink.clearOutput(Boolean(payload.wait));
  const item = {
    data: payload.data as MimeBundle,
    metadata: (payload.metadata ?? {}) as Record<string, unknown>,
    ...(typeof payload.display_id === 'string' ? { displayId: payload.display_id } : {}),
  };
  if (what === 'display') sink.displayData(item);
  else if (item.displayId) sink.updateDisplayData({ ...item, displayId: item.displayId });
}
