// A worker thread running a TypeScript file: module hooks do not carry over into workers (Node 20), so the
// worker starts from a tiny module that registers the project's loader (loader/register.js), then imports the file.
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startTypeScriptWorker(file: URL, options: WorkerOptions = {}): Worker {
  const loader = import.meta.resolve('../../loader/register.js');
  const bootstrap = `await import(${JSON.stringify(loader)}); await import(${JSON.stringify(file.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
}
