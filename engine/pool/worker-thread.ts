// A worker thread running a TypeScript file: tsx's loader does not carry over into workers (Node 20), so the
// worker starts from a tiny module that registers it and then imports the file.
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startTypeScriptWorker(file: URL, options: WorkerOptions = {}): Worker {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(file.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}
