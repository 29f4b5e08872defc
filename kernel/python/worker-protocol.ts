// Messages between the kernel's main thread (python-runtime.ts) and the Pyodide worker (python-worker.ts).
import type { MessagePort } from 'node:worker_threads';

export type WorkerRequest =
  | { id: number; kind: 'execute'; code: string; filename: string }
  | { id: number; kind: 'complete'; code: string; cursorPos: number }
  | { id: number; kind: 'inspect'; code: string; cursorPos: number; detailLevel: 0 | 1 }
  | { id: number; kind: 'isComplete'; code: string; spec: boolean }
  /** What the session verified, as JSON for Python's `vigor` (kernel_runtime.set_results). */
  | { id: number; kind: 'setResults'; json: string }
  | { id: number; kind: 'expandMagicArgs'; text: string }
  /** An execute request's user_expressions (name to Python expression), evaluated after its cell. */
  | { id: number; kind: 'userExpressions'; expressions: Record<string, string> };

export type WorkerEvent =
  | { kind: 'ready'; pythonVersion: string }
  | { kind: 'loadFailed'; message: string }
  | { kind: 'stream'; id: number; name: 'stdout' | 'stderr'; text: string }
  /** display / update / clear, published by Python's display helpers; payload is JSON from kernel_runtime.py. */
  | { kind: 'publish'; id: number; what: 'display' | 'update' | 'clear'; payload: string }
  /** The JSON string an entry point of kernel_runtime.py returned (it flushed Python's streams before returning). */
  | { kind: 'reply'; id: number; json: string }
  /** The entry point itself raised: an interrupt landing outside the user's code. */
  | { kind: 'reply'; id: number; failure: string }
  /** Python reads the keyboard (`input`, `getpass`): the worker waits for an InputAnswer of the same `sequence`. */
  | { kind: 'input'; id: number; sequence: number; prompt: string; password: boolean };

/**
 * What the user typed, on WorkerSetup's `inputPort`; `value` null when the front end cannot be asked (a client that
 * sent allow_stdin false, `vigor run`). The worker reads it synchronously (`receiveMessageOnPort`) while Python
 * waits, after the main thread raised InterruptSlot.input.
 */
export interface InputAnswer {
  sequence: number;
  value: string | null;
}

export interface WorkerSetup {
  /** INTERRUPT_SLOTS Int32s shared with the main thread (InterruptSlot). */
  interruptBuffer: SharedArrayBuffer;
  runtimeSource: string;
  /** The latest results JSON, for a worker that replaces one that stopped (its `vigor` must not start empty). */
  results: string | undefined;
  /** Where InputAnswers arrive (transferred to the worker). */
  inputPort: MessagePort;
}

export const SIGINT = 2;

/**
 * The shared interrupt state. An interrupt is meant for one request: the main thread raises Python's flag only
 * while that request runs, and the worker raises it when the request it starts is one already interrupted. A flag
 * raised between requests, and cleared when the next one started, would otherwise lose an interrupt that came before
 * the worker picked the cell up, or hit a request queued ahead of the cell.
 */
export const InterruptSlot = {
  /** Pyodide's interrupt buffer: SIGINT makes Python raise KeyboardInterrupt. */
  flag: 0,
  /** The id of the request the worker runs now, 0 between requests. */
  running: 1,
  /** The id of the last request interrupted. */
  target: 2,
  /** The id of the request whose SIGINT handler ran for the last interrupt (0 until it runs). */
  delivered: 3,
  /** Raised (and notified) when an InputAnswer was posted, or an interrupt should end Python's wait for one. */
  input: 4,
} as const;
export const INTERRUPT_SLOTS = 5;
