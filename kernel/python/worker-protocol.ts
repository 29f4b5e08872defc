// Messages between the kernel's main thread (python-runtime.ts) and the Pyodide worker (python-worker.ts).

export type WorkerRequest =
  | { id: number; kind: 'execute'; code: string; filename: string }
  | { id: number; kind: 'complete'; code: string; cursorPos: number }
  | { id: number; kind: 'inspect'; code: string; cursorPos: number; detailLevel: 0 | 1 }
  | { id: number; kind: 'isComplete'; code: string; spec: boolean }
  /** What the session verified, as JSON for Python's `vigor` (kernel_runtime.set_results). */
  | { id: number; kind: 'setResults'; json: string }
  | { id: number; kind: 'expandMagicArgs'; text: string };

export type WorkerEvent =
  | { kind: 'ready'; pythonVersion: string }
  | { kind: 'loadFailed'; message: string }
  | { kind: 'stream'; id: number; name: 'stdout' | 'stderr'; text: string }
  /** display / update / clear, published by Python's display helpers; payload is JSON from kernel_runtime.py. */
  | { kind: 'publish'; id: number; what: 'display' | 'update' | 'clear'; payload: string }
  /** The JSON string an entry point of kernel_runtime.py returned (it flushed Python's streams before returning). */
  | { kind: 'reply'; id: number; json: string }
  /** The entry point itself raised: an interrupt landing outside the user's code. */
  | { kind: 'reply'; id: number; failure: string };

export interface WorkerSetup {
  /** One Int32 shared with the main thread: 2 (SIGINT) asks Python to raise KeyboardInterrupt. */
  interruptBuffer: SharedArrayBuffer;
  runtimeSource: string;
  /** The latest results JSON, for a worker that replaces one that stopped (its `vigor` must not start empty). */
  results: string | undefined;
}

export const SIGINT = 2;
