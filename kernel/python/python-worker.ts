// Worker thread hosting Pyodide, so the main thread stays free to serve the protocol and interrupts while Python runs.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { PyodideAPI } from 'pyodide';
import { loadPreloadedPyodide } from '../../engine/index.ts';
import { InterruptSlot, SIGINT, type InputAnswer, type WorkerEvent, type WorkerRequest, type WorkerSetup } from './worker-protocol.ts';

// tsx turns source maps on; with them, the first JavaScript error crossing into Pyodide (the KeyboardInterrupt of an
// interrupted sleep or wait for input, a `js` call that throws) costs 0.2 s here, seconds on a loaded machine.
// This thread's stacks stay unmapped; the main thread's are not affected.
process.setSourceMapsEnabled(false);
const port = parentPort!;
const setup = workerData as WorkerSetup;
const interruptState = new Int32Array(setup.interruptBuffer);
/** Pyodide's view: it reads the first element. */
const interruptFlag = new Int32Array(setup.interruptBuffer, InterruptSlot.flag * 4, 1);
/** The request whose output Python is producing now; streams and displays are tagged with it. */
let currentRequest = 0;
const INPUT_POLL_MS = 100;
/** Numbers Python's reads of the keyboard: an answer to one that was interrupted is not taken for the next. */
let inputSequence = 0;

function post(event: WorkerEvent): void {
  port.postMessage(event);
}

function streamWriter(name: 'stdout' | 'stderr') {
  const decoder = new TextDecoder();
  return {
    isatty: false,
    write(buffer: Uint8Array): number {
      post({ kind: 'stream', id: currentRequest, name, text: decoder.decode(buffer, { stream: true }) });
      return buffer.length;
    },
  };
}

/** The runtime module, imported while the snapshot is taken: restoring the snapshot restores it, imports and all. */
const PRELOAD = `
import sys, types
kernel_runtime = types.ModuleType("kernel_runtime")
kernel_runtime.__file__ = "/kernel/kernel_runtime.py"
sys.modules["kernel_runtime"] = kernel_runtime
exec(compile(${JSON.stringify(setup.runtimeSource)}, kernel_runtime.__file__, "exec"), kernel_runtime.__dict__)
`;

async function startPython(): Promise<PyodideAPI> {
  const python = await loadPreloadedPyodide('kernel', PRELOAD);
  python.setInterruptBuffer(interruptFlag);
  python.setStdout(streamWriter('stdout'));
  python.setStderr(streamWriter('stderr'));
  // Pyodide's default stdin reads the process's, which a worker thread does not have (a JavaScript stack on stderr
  // for every read); sys.stdin says why it cannot be read (kernel_runtime.py), and a read below it fails plainly.
  python.setStdin({ error: true });
  python.registerJsModule('_kernel_host', {
    publish(what: 'display' | 'update' | 'clear', payload: string): void {
      post({ kind: 'publish', id: currentRequest, what, payload });
    },
    interrupted(): void {
      Atomics.store(interruptState, InterruptSlot.delivered, currentRequest);
    },
    /** What the user typed, or undefined (None) when the front end cannot be asked; an interrupt ends the wait. */
    read_input(prompt: string, password: boolean): string | undefined {
      const sequence = ++inputSequence;
      Atomics.store(interruptState, InterruptSlot.input, 0);
      post({ kind: 'input', id: currentRequest, sequence, prompt, password });
      for (;;) {
        // Bounded: an answer posted just before its slot was reset is found on the next round.
        Atomics.wait(interruptState, InterruptSlot.input, 0, INPUT_POLL_MS);
        Atomics.store(interruptState, InterruptSlot.input, 0);
        python.checkInterrupt();
        for (let message = receiveMessageOnPort(setup.inputPort); message; message = receiveMessageOnPort(setup.inputPort)) {
          const answer = message.message as InputAnswer;
          if (answer.sequence === sequence) return answer.value ?? undefined;
        }
      }
    },
    sleep(seconds: number): void {
      // Wakes early when the main thread stores SIGINT and notifies; checkInterrupt then runs the SIGINT handler.
      // A wake whose handler did not raise (the user's handler, SIG_IGN, or Pyodide taking the flag without running
      // it: the host raises again) sleeps out the rest, as Python's sleep does after a signal (PEP 475).
      const deadline = performance.now() + seconds * 1000;
      for (let left = seconds * 1000; left > 0; left = deadline - performance.now()) {
        Atomics.wait(interruptFlag, 0, 0, left);
        python.checkInterrupt();
      }
    },
  });
  // The file system is not part of a snapshot: the runtime's source, for inspection (`display??`).
  python.FS.mkdirTree('/kernel');
  python.FS.writeFile('/kernel/kernel_runtime.py', setup.runtimeSource);
  python.runPython('import kernel_runtime; kernel_runtime.start_session()');
  if (setup.results !== undefined) (python.pyimport('kernel_runtime') as PythonRuntimeModule).set_results(setup.results);
  return python;
}

type PythonRuntimeModule = Record<'run_cell' | 'complete' | 'inspect_name' | 'is_complete' | 'expand_magic_args' | 'set_results' | 'evaluate_expressions', (...args: unknown[]) => string>;

function callRuntime(runtime: PythonRuntimeModule, request: WorkerRequest): string {
  switch (request.kind) {
    case 'execute':
      return runtime.run_cell(request.code, request.filename);
    case 'complete':
      return runtime.complete(request.code, request.cursorPos);
    case 'inspect':
      return runtime.inspect_name(request.code, request.cursorPos, request.detailLevel);
    case 'isComplete':
      return runtime.is_complete(request.code, request.spec);
    case 'setResults':
      return runtime.set_results(request.json);
    case 'expandMagicArgs':
      return runtime.expand_magic_args(request.text);
    case 'userExpressions':
      return runtime.evaluate_expressions(JSON.stringify(request.expressions));
  }
}

function serve(python: PyodideAPI): void {
  const runtime = python.pyimport('kernel_runtime') as PythonRuntimeModule;
  port.on('message', (request: WorkerRequest) => {
    currentRequest = request.id;
    // In this order (worker-protocol.ts InterruptSlot): an interrupt for this request that came before it started is
    // kept, one left from an earlier request is not.
    Atomics.store(interruptState, InterruptSlot.running, request.id);
    Atomics.store(interruptState, InterruptSlot.flag, 0);
    if (Atomics.load(interruptState, InterruptSlot.target) === request.id) Atomics.store(interruptState, InterruptSlot.flag, SIGINT);
    try {
      post({ kind: 'reply', id: request.id, json: callRuntime(runtime, request) });
    } catch (error) {
      // Only an interrupt landing in the runtime's own code (outside the user's cell) gets here.
      post({ kind: 'reply', id: request.id, failure: error instanceof Error ? error.message : String(error) });
    } finally {
      Atomics.store(interruptState, InterruptSlot.running, 0);
    }
  });
}

try {
  const python = await startPython();
  serve(python);
  post({ kind: 'ready', pythonVersion: python.runPython('import sys; sys.version.split()[0]') as string });
} catch (error) {
  post({ kind: 'loadFailed', message: error instanceof Error ? error.message : String(error) });
}
