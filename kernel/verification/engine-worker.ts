// Worker thread hosting the verifier. The engine is synchronous between its polls of `shouldStop`, so it runs here
// and the kernel's main thread stays free to serve the protocol; an interrupt is a flag in shared memory.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { formatResultTable } from '../../engine/report.ts';
import type { Watch } from '../../engine/symbex/violations.ts';
import { type PropertyResult, VerificationSession } from '../../engine/verify/session.ts';
import type { EngineEvent, EngineRequest, Layers, NfSummary, ProgressUpdate, PropertyInput, VerifyAnswer } from './engine-protocol.ts';
import { nfSummary, propertyReport } from './report-data.ts';

const port = parentPort!;
const stopFlag = new Int32Array(workerData as SharedArrayBuffer);
/** Progress is reported at every exploration step; the kernel needs a few updates a second at most. */
const PROGRESS_INTERVAL_MS = 100;

/** Sessions by NF folder and layers: properties checked in one stay importable from later ones. */
const sessions = new Map<string, VerificationSession>();

function post(event: EngineEvent): void {
  port.postMessage(event);
}

function watch(id: number, property?: ProgressUpdate['property']): Watch {
  let lastPosted = 0;
  return {
    shouldStop: () => Atomics.load(stopFlag, 0) !== 0,
    progress: (update) => {
      const now = performance.now();
      const finished = update.total !== undefined && update.done >= update.total;
      if (now - lastPosted < PROGRESS_INTERVAL_MS && !finished) return;
      lastPosted = now;
      post({ kind: 'progress', id, update: { ...update, ...(property ? { property } : {}) } });
    },
  };
}

async function open(id: number, nfDir: string, layers: Layers): Promise<VerificationSession> {
  const session = await VerificationSession.open(nfDir, { layers, ...watch(id) });
  sessions.set(`${layers}:${nfDir}`, session);
  return session;
}

async function verify(id: number, nfDir: string, layers: Layers, properties: PropertyInput[]): Promise<VerifyAnswer> {
  // After a worker restart (an interrupt it did not honour in time) the session is re-opened here.
  const session = sessions.get(`${layers}:${nfDir}`) ?? (await open(id, nfDir, layers));
  const results: PropertyResult[] = [];
  for (const [index, property] of properties.entries()) {
    const progress = watch(id, { name: property.name, index, count: properties.length });
    const result =
      'path' in property
        ? await session.check(property.name, readFileSync(property.path, 'utf8'), property.path, progress)
        : await session.check(property.name, property.text, property.file, progress);
    results.push(result);
  }
  const table = formatResultTable(session.build.manifest.name, session.exploration.figures.traces, results);
  return { reports: results.map((result) => propertyReport(session, result)), table };
}

async function answer(request: EngineRequest): Promise<NfSummary | VerifyAnswer> {
  if (request.kind === 'open') return nfSummary(await open(request.id, request.nfDir, request.layers), request.layers);
  return verify(request.id, request.nfDir, request.layers, request.properties);
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (request: EngineRequest) => {
  // One request at a time, like the kernel's cells. The main thread clears the stop flag before it sends one.
  queue = queue.then(async () => {
    try {
      post({ kind: 'reply', id: request.id, answer: await answer(request) });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      post({ kind: 'reply', id: request.id, failure: { name: failure.name === 'Error' ? failure.constructor.name : failure.name, message: failure.message } });
    }
  });
});
