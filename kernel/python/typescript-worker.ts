// Starts a worker thread from a TypeScript file. Workers do not inherit tsx's loader hooks from the thread that
// registered them, so a tiny bootstrap module registers tsx inside the worker before importing the real file.
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startTypeScriptWorker(file: URL, options: WorkerOptions): Worker {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(file.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}
